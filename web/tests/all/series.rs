//! Recurring series over real HTTP, on SQLite and PostgreSQL: a weekly workshop published
//! through the API, its occurrences on the wire with the right UTC offsets before and
//! after the daylight-saving changes, one edited, one cancelled, "this and the
//! following", the whole series edited and deleted, and the territory's calendar parsed
//! back with the `icalendar` crate's parser.

use crate::common;

use chrono::{Datelike, Duration, NaiveDate, Utc, Weekday};
use common::{Backend, Node};
use icalendar::{Calendar, CalendarDateTime, Component, DatePerhapsTime};
use reqwest::Method;
use serde_json::{Value, json};

const PARIS: chrono_tz::Tz = chrono_tz::Europe::Paris;

const FABLAB: &str = r#"{"slug": "fablab", "name": "Fablab de Poitiers", "kind": "fablab",
  "place": {"address": "Poitiers", "latitude": 46.58, "longitude": 0.34},
  "languages": ["fr"]}"#;

/// The first Tuesday at least two days from now, in Paris.
fn first_tuesday() -> NaiveDate {
    let mut day = Utc::now().with_timezone(&PARIS).date_naive() + Duration::days(2);
    while day.weekday() != Weekday::Tue {
        day += Duration::days(1);
    }
    day
}

async fn send(node: &Node, method: Method, path: &str, token: &str, body: Option<Value>) -> Value {
    let (status, body) = node.send(method.clone(), path, Some(token), body).await;
    assert!(
        (200..300).contains(&status),
        "{method} {path}: {status} {body}"
    );
    body
}

/// The series' live occurrences as the API lists them.
async fn occurrences(node: &Node, series: &str) -> Vec<Value> {
    let s = node.get_json(&format!("/api/v1/series/{series}")).await;
    s["occurrences"].as_array().cloned().unwrap_or_default()
}

async fn weekly_series_on(backend: Backend) {
    let Some((node, token)) = Node::configured_with_territory(
        backend,
        // Over a year ahead: both daylight-saving changes fall inside the window.
        |c| c.series_window_days = 400,
        serde_json::from_str(FABLAB).unwrap(),
    )
    .await
    else {
        return;
    };
    let first = first_tuesday();
    let skipped = first + Duration::days(14);
    let (status, created) = node
        .send(
            Method::POST,
            "/api/v1/territories/fablab/events",
            Some(&token),
            Some(json!({
                "title": "Permanence numérique",
                "starts_at": format!("{first}T18:00"), "ends_at": format!("{first}T20:00"),
                "place": {"name": "Fablab", "address": "1 rue de la Paix, Poitiers"},
                "recurrence": {"frequency": "weekly", "weekdays": ["tuesday"], "skip": [skipped]}
            })),
        )
        .await;
    assert_eq!(status, 201, "{created}");
    let series_id = created["series"]["id"].as_str().unwrap().to_owned();
    let series_url = node.url(&format!("/series/{series_id}"));

    // Bad input is named by its path, and nothing is stored.
    let (status, refused) = node
        .send(
            Method::POST,
            "/api/v1/territories/fablab/events",
            Some(&token),
            Some(json!({
                "title": "x", "starts_at": format!("{first}T18:00"), "ends_at": format!("{first}T20:00"),
                "place": {"name": "Fablab"}, "recurrence": {"until": "2001-01-01"}
            })),
        )
        .await;
    assert_eq!(status, 422, "{refused}");
    assert_eq!(refused["field"], "recurrence.until");

    let all = occurrences(&node, &series_id).await;
    // 400 days of Tuesdays, one skipped.
    assert!((55..=58).contains(&all.len()), "{}", all.len());
    let dates: Vec<NaiveDate> = all
        .iter()
        .map(|o| {
            let t: chrono::DateTime<Utc> = o["starts_at"].as_str().unwrap().parse().unwrap();
            let local = t.with_timezone(&PARIS);
            assert_eq!(local.format("%H:%M").to_string(), "18:00", "{o}");
            local.date_naive()
        })
        .collect();
    assert_eq!(dates[0], first);
    assert_eq!(dates[1], first + Duration::days(7));
    assert!(
        !dates.contains(&skipped),
        "the skipped date is not published"
    );

    // On the wire: ordinary Events at 18:00 local, +01:00 in winter and +02:00 in
    // summer, each naming its series.
    let mut offsets = std::collections::BTreeSet::new();
    for o in [&all[0], &all[all.len() / 2], &all[all.len() - 1]]
        .into_iter()
        .chain(all.iter().step_by(5))
    {
        let object = node.activity_json(o["url"].as_str().unwrap()).await;
        assert_eq!(object["type"], "Event");
        assert_eq!(object["series"], json!(series_url));
        let start = object["startTime"].as_str().unwrap();
        assert!(start.contains("T18:00:00"), "{start}");
        offsets.insert(start[start.len() - 6..].to_owned());
    }
    assert_eq!(
        offsets.into_iter().collect::<Vec<_>>(),
        ["+01:00", "+02:00"],
        "both sides of a daylight-saving change"
    );

    let id = |i: usize| all[i]["id"].as_str().unwrap().to_owned();
    let event = |id: String| {
        let node = &node;
        async move { node.get_json(&format!("/api/v1/events/{id}")).await }
    };

    // This one: it becomes an exception that later edits of the series leave alone.
    send(
        &node,
        Method::PATCH,
        &format!("/api/v1/events/{}?scope=this", id(2)),
        &token,
        Some(json!({"title": "Permanence spéciale"})),
    )
    .await;
    // Cancelled alone: kept, shown cancelled, federated as an Update.
    send(
        &node,
        Method::PATCH,
        &format!("/api/v1/events/{}?scope=this", id(3)),
        &token,
        Some(json!({"status": "cancelled"})),
    )
    .await;
    let cancelled = node.activity_json(all[3]["url"].as_str().unwrap()).await;
    assert_eq!(cancelled["eventStatus"], "EventCancelled");
    // The whole series, from any of its dates: future occurrences change, the
    // exception does not.
    send(
        &node,
        Method::PATCH,
        &format!("/api/v1/events/{}?scope=all", id(5)),
        &token,
        Some(json!({"description": "Aide aux démarches en ligne"})),
    )
    .await;
    assert_eq!(
        event(id(4)).await["description"],
        "Aide aux démarches en ligne"
    );
    assert_eq!(
        event(id(0)).await["description"],
        "Aide aux démarches en ligne"
    );
    let special = event(id(2)).await;
    assert_eq!(special["title"], "Permanence spéciale");
    assert_eq!(special["description"], "");
    assert_eq!(event(id(3)).await["status"], "cancelled");

    // This and the following: from the tenth date on, 19:00–21:00. The series is split
    // there; occurrences keep their ids and URLs.
    let tenth = dates[10];
    let edited = send(
        &node,
        Method::PATCH,
        &format!("/api/v1/events/{}?scope=following", id(10)),
        &token,
        Some(json!({"starts_at": format!("{tenth}T19:00"), "ends_at": format!("{tenth}T21:00")})),
    )
    .await;
    let new_series = edited["series"]["id"].as_str().unwrap().to_owned();
    assert_ne!(new_series, series_id);
    let old = occurrences(&node, &series_id).await;
    assert_eq!(old.len(), 10, "the old series ends the day before");
    let next = occurrences(&node, &new_series).await;
    // The same dates, give or take the last at the window's edge (an hour later now).
    assert!(next.len().abs_diff(all.len() - 10) <= 1, "{}", next.len());
    assert_eq!(next[1]["id"], all[11]["id"]);
    for o in &next {
        let t: chrono::DateTime<Utc> = o["starts_at"].as_str().unwrap().parse().unwrap();
        assert_eq!(t.with_timezone(&PARIS).format("%H:%M").to_string(), "19:00");
    }
    let moved = node.activity_json(next[1]["url"].as_str().unwrap()).await;
    assert_eq!(
        moved["series"],
        json!(node.url(&format!("/series/{new_series}")))
    );

    // The territory's calendar, parsed back: each series ONE VEVENT with its RRULE, the
    // skipped date an EXDATE with TZID, the edited and cancelled occurrences overrides
    // with RECURRENCE-ID, all at their local hour in Europe/Paris.
    let (status, text) = common::pages::get(&node.http, &node, "/t/fablab/calendar.ics").await;
    assert_eq!(status, 200);
    let cal: Calendar = text.parse().unwrap();
    let events: Vec<&icalendar::Event> = cal.events().collect();
    let masters: Vec<&&icalendar::Event> = events
        .iter()
        .filter(|e| e.get_recurrence_id().is_none())
        .collect();
    assert_eq!(masters.len(), 2, "{text}");
    let master = masters
        .iter()
        .find(|e| e.get_uid() == Some(series_url.as_str()))
        .unwrap();
    let rrule = master.property_value("RRULE").unwrap();
    assert!(
        rrule.starts_with("FREQ=WEEKLY;INTERVAL=1;BYDAY=TU"),
        "{rrule}"
    );
    assert!(rrule.contains(";UNTIL="), "the first part ends: {rrule}");
    let local = |d: Option<DatePerhapsTime>| match d {
        Some(DatePerhapsTime::DateTime(CalendarDateTime::WithTimezone { date_time, tzid })) => {
            assert_eq!(tzid, "Europe/Paris");
            date_time
        }
        other => panic!("not a local time: {other:?}"),
    };
    assert_eq!(
        local(master.get_start()),
        first.and_hms_opt(18, 0, 0).unwrap()
    );
    assert!(
        text.contains(&format!(
            "EXDATE;TZID=Europe/Paris:{}T180000",
            skipped.format("%Y%m%d")
        )),
        "{text}"
    );
    let overrides: Vec<&&icalendar::Event> = events
        .iter()
        .filter(|e| e.get_recurrence_id().is_some())
        .collect();
    assert_eq!(overrides.len(), 2, "{text}");
    for o in &overrides {
        assert_eq!(o.get_uid(), Some(series_url.as_str()));
    }
    let by_recurrence = |day: NaiveDate| {
        overrides
            .iter()
            .find(|o| local(o.get_recurrence_id()).date() == day)
            .unwrap()
    };
    assert_eq!(
        by_recurrence(dates[2]).get_summary(),
        Some("Permanence spéciale")
    );
    assert_eq!(
        by_recurrence(dates[3]).get_status(),
        Some(icalendar::EventStatus::Cancelled)
    );
    let second = masters
        .iter()
        .find(|e| e.get_uid() != Some(series_url.as_str()))
        .unwrap();
    assert_eq!(
        local(second.get_start()),
        tenth.and_hms_opt(19, 0, 0).unwrap()
    );
    // Its zone is defined for the whole rule: a summer date reads at UTC+2.
    assert!(text.contains("TZOFFSETTO:+0200"), "{text}");

    // Deleting the new series deletes its occurrences (410), the first part stays.
    send(
        &node,
        Method::DELETE,
        &format!("/api/v1/series/{new_series}"),
        &token,
        None,
    )
    .await;
    let (status, _) = node
        .send(
            Method::GET,
            &format!("/api/v1/events/{}", id(12)),
            None,
            None,
        )
        .await;
    assert_eq!(status, 410);
    let (status, _) = node
        .send(
            Method::GET,
            &format!("/api/v1/series/{new_series}"),
            None,
            None,
        )
        .await;
    assert_eq!(status, 410);
    assert_eq!(occurrences(&node, &series_id).await.len(), 10);

    // Deleting one occurrence skips its date: the periodic task does not bring it back.
    send(
        &node,
        Method::DELETE,
        &format!("/api/v1/events/{}?scope=this", id(6)),
        &token,
        None,
    )
    .await;
    let horizon = Utc::now() + Duration::days(400);
    node.state.actions.extend_series(horizon).await.unwrap();
    let left = occurrences(&node, &series_id).await;
    assert_eq!(left.len(), 9);
    assert!(left.iter().all(|o| o["id"] != all[6]["id"]));
}

#[tokio::test]
async fn weekly_series_sqlite() {
    weekly_series_on(Backend::Sqlite).await;
}

#[tokio::test]
async fn weekly_series_postgres() {
    weekly_series_on(Backend::Postgres).await;
}

/// The periodic task publishes what enters the window, once: a series published with a
/// short window grows when the window moves on, and running the task twice adds nothing.
#[tokio::test]
async fn the_window_moves_on_and_extension_is_idempotent() {
    let (node, token) = Node::configured_with_territory(
        Backend::Sqlite,
        |c| c.series_window_days = 20,
        serde_json::from_str(FABLAB).unwrap(),
    )
    .await
    .unwrap();
    let first = first_tuesday();
    let created = send(
        &node,
        Method::POST,
        "/api/v1/territories/fablab/events",
        &token,
        Some(json!({
            "title": "Repair café", "starts_at": format!("{first}T14:00"),
            "ends_at": format!("{first}T17:00"), "place": {"name": "Fablab"},
            "recurrence": {"frequency": "monthly", "monthly": "nth_weekday", "count": 6}
        })),
    )
    .await;
    let series = created["series"]["id"].as_str().unwrap().to_owned();
    let before = occurrences(&node, &series).await.len();
    assert!((1..=2).contains(&before), "{before}");
    let horizon = Utc::now() + Duration::days(365);
    node.state.actions.extend_series(horizon).await.unwrap();
    assert_eq!(occurrences(&node, &series).await.len(), 6, "count reached");
    node.state
        .actions
        .extend_series(horizon + Duration::days(30))
        .await
        .unwrap();
    let after = occurrences(&node, &series).await;
    assert_eq!(after.len(), 6, "nothing doubled");
    // Each on the same nth weekday of its month.
    let nth = (first.day() - 1) / 7;
    for o in &after {
        let t: chrono::DateTime<Utc> = o["starts_at"].as_str().unwrap().parse().unwrap();
        let day = t.with_timezone(&PARIS).date_naive();
        assert_eq!(day.weekday(), Weekday::Tue);
        assert_eq!((day.day() - 1) / 7, nth, "{day}");
    }

    // Deleting "this and the following" ends the series the day before.
    let fourth = after[3]["id"].as_str().unwrap();
    let (status, body) = node
        .send(
            Method::DELETE,
            &format!("/api/v1/events/{fourth}?scope=following"),
            Some(&token),
            None,
        )
        .await;
    assert_eq!(status, 204, "{body}");
    assert_eq!(occurrences(&node, &series).await.len(), 3);
    for gone in &after[3..] {
        let (status, _) = node
            .send(
                Method::GET,
                &format!("/api/v1/events/{}", gone["id"].as_str().unwrap()),
                None,
                None,
            )
            .await;
        assert_eq!(status, 410);
    }
    let s = node.get_json(&format!("/api/v1/series/{series}")).await;
    assert!(
        s["recurrence"]["rule"].as_str().unwrap().contains("UNTIL="),
        "{s}"
    );
    assert_eq!(s["recurrence"]["count"], Value::Null);
    node.state
        .actions
        .extend_series(horizon + Duration::days(60))
        .await
        .unwrap();
    assert_eq!(
        occurrences(&node, &series).await.len(),
        3,
        "nothing comes back"
    );

    // A scope that means nothing is refused, naming the parameter.
    let (status, body) = node
        .send(
            Method::PATCH,
            &format!(
                "/api/v1/events/{}?scope=everything",
                after[0]["id"].as_str().unwrap()
            ),
            Some(&token),
            Some(json!({"title": "x"})),
        )
        .await;
    assert_eq!(status, 400, "{body}");
    assert!(body.to_string().contains("scope"), "{body}");
}

/// The event form's "Repeat" section, without JavaScript: a weekly series on Tuesdays
/// and Thursdays published from the form; a mistake in it comes back named; an
/// occurrence's edit form asks which occurrences change, and "all" changes the series.
#[tokio::test]
async fn the_forms_publish_and_edit_a_series() {
    use common::pages::{self, EDITOR, PASSWORD};
    let (node, _) = pages::node_with_editor(serde_json::from_str(FABLAB).unwrap()).await;
    let client = pages::browser();
    let csrf = pages::login(&client, &node, EDITOR, PASSWORD).await;
    let (status, html) = pages::get(&client, &node, "/manage/t/fablab/events/new").await;
    assert_eq!(status, 200);
    assert!(html.contains(r#"name="recurrence.frequency""#), "{html}");
    assert!(html.contains(r#"name="recurrence.weekdays" value="thursday""#));
    let first = first_tuesday();
    let form = |until: String| {
        reqwest::multipart::Form::new()
            .text("csrf", csrf.clone())
            .text("title", "Permanence numérique")
            .text("starts_at", format!("{first}T14:00"))
            .text("ends_at", format!("{first}T17:00"))
            .text("format", "on_site")
            .text("place.name", "Fablab")
            .text("language", "fr")
            .text("free", "on")
            .text("registration.mode", "none")
            .text("status", "scheduled")
            .text("recurrence.frequency", "weekly")
            .text("recurrence.weekdays", "tuesday")
            .text("recurrence.weekdays", "thursday")
            .text("recurrence.monthly", "day_of_month")
            .text("recurrence.until", until)
    };
    let path = "/manage/t/fablab/events/new";
    let (status, html, _) =
        pages::post_multipart(&client, &node, path, form("2001-01-01".into())).await;
    assert_eq!(status, 422);
    assert!(html.contains(r##"href="#recurrence-until""##), "{html}");
    let until = first + Duration::days(13);
    let (status, _, location) =
        pages::post_multipart(&client, &node, path, form(until.to_string())).await;
    assert_eq!(status, 303);
    let first_id = location.unwrap().trim_start_matches("/events/").to_owned();
    let event = node.get_json(&format!("/api/v1/events/{first_id}")).await;
    let series = event["series"]["id"].as_str().unwrap().to_owned();
    // Tuesday, Thursday, Tuesday, Thursday until the Monday 13 days on.
    assert_eq!(occurrences(&node, &series).await.len(), 4);

    let edit = format!("/manage/events/{first_id}/edit");
    let (status, html) = pages::get(&client, &node, &edit).await;
    assert_eq!(status, 200);
    assert!(html.contains(r#"name="scope" value="following""#), "{html}");
    assert!(
        html.contains("tous les mardis et jeudis, 14:00–17:00"),
        "{html}"
    );
    let edited = reqwest::multipart::Form::new()
        .text("csrf", csrf.clone())
        .text("scope", "all")
        .text("title", "Permanence numérique et administrative")
        .text("starts_at", format!("{first}T14:00"))
        .text("ends_at", format!("{first}T17:00"))
        .text("format", "on_site")
        .text("place.name", "Fablab")
        .text("language", "fr")
        .text("free", "on")
        .text("registration.mode", "none")
        .text("status", "scheduled");
    let (status, html, _) = pages::post_multipart(&client, &node, &edit, edited).await;
    assert_eq!(status, 303, "{html}");
    for o in occurrences(&node, &series).await {
        let e = node
            .get_json(&format!("/api/v1/events/{}", o["id"].as_str().unwrap()))
            .await;
        assert_eq!(e["title"], "Permanence numérique et administrative");
    }

    // The territory's page shows the series once, among its regular activities; the
    // series' page (its URL on the wire) lists every coming date.
    let (_, html) = pages::get(&client, &node, "/t/fablab").await;
    assert_eq!(
        html.matches("tous les mardis et jeudis, 14:00–17:00")
            .count(),
        1,
        "{html}"
    );
    assert!(html.contains(&series), "the series page is linked");
    let (_, html) = pages::get(&client, &node, &format!("/events/{first_id}")).await;
    let line = pages::text_of(&html, "dd.series a");
    assert!(
        line.starts_with("tous les mardis et jeudis, 14:00–17:00 · jusqu'au "),
        "{line}"
    );
    let (status, html) = pages::get(&client, &node, &format!("/series/{series}")).await;
    assert_eq!(status, 200);
    assert_eq!(html.matches(r#"class="item""#).count(), 4, "{html}");
    let english = client
        .get(node.url(&format!("/series/{series}")))
        .header("Accept-Language", "en")
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        english.contains("every Tuesday and Thursday, 14:00–17:00"),
        "{english}"
    );
}

/// Deleting a series keeps the dates already past, which then live on as ordinary
/// events: they can still be edited and deleted.
#[tokio::test]
async fn a_deleted_series_keeps_its_past_dates_as_ordinary_events() {
    let (node, token) =
        Node::with_territory(Backend::Sqlite, serde_json::from_str(FABLAB).unwrap())
            .await
            .unwrap();
    let start = Utc::now().with_timezone(&PARIS).date_naive() - Duration::days(21);
    let created = send(
        &node,
        Method::POST,
        "/api/v1/territories/fablab/events",
        &token,
        Some(json!({
            "title": "Atelier vélo", "starts_at": format!("{start}T10:00"),
            "ends_at": format!("{start}T12:00"), "place": {"name": "Fablab"},
            "recurrence": {"count": 6}
        })),
    )
    .await;
    let series = created["series"]["id"].as_str().unwrap().to_owned();
    let all = occurrences(&node, &series).await;
    assert_eq!(all.len(), 6);
    send(
        &node,
        Method::DELETE,
        &format!("/api/v1/series/{series}"),
        &token,
        None,
    )
    .await;
    let status_of = async |o: &Value| {
        let path = format!("/api/v1/events/{}", o["id"].as_str().unwrap());
        node.send(Method::GET, &path, None, None).await.0
    };
    // Three weeks ago, two and one: kept; today's is still to come or begun (either way
    // the dates after it are gone).
    for past in &all[..3] {
        assert_eq!(status_of(past).await, 200);
    }
    for future in &all[4..] {
        assert_eq!(status_of(future).await, 410);
    }
    let past = all[0]["id"].as_str().unwrap();
    let edited = send(
        &node,
        Method::PATCH,
        &format!("/api/v1/events/{past}"),
        &token,
        Some(json!({"description": "Compte rendu"})),
    )
    .await;
    assert_eq!(edited["description"], "Compte rendu");
    send(
        &node,
        Method::DELETE,
        &format!("/api/v1/events/{past}"),
        &token,
        None,
    )
    .await;
    assert_eq!(status_of(&all[0]).await, 410);
}

/// A series read from another calendar (as the iCal import makes them): its RRULE is kept
/// as written and exported as is, deleting one date makes an EXDATE, and what would
/// reshape its rule is refused (it changes in its own calendar).
#[tokio::test]
async fn a_series_from_another_calendar_keeps_its_rule() {
    use rhizome_node::publication::series::Recurrence;
    let (node, token) =
        Node::with_territory(Backend::Sqlite, serde_json::from_str(FABLAB).unwrap())
            .await
            .unwrap();
    let territory = node.stored_territory("fablab").await;
    let first = first_tuesday();
    let body = rhizome_node::PublicationBody::from_draft(
        rhizome_node::PublicationKind::Event,
        json!({"title": "Chorale", "starts_at": format!("{first}T19:00"),
               "ends_at": format!("{first}T21:00"), "place": {"name": "Salle"}}),
        &territory,
    )
    .unwrap();
    let rhizome_node::PublicationBody::Event(template) = body else {
        unreachable!()
    };
    let rule = "FREQ=DAILY;INTERVAL=3;COUNT=4";
    let recurrence =
        Recurrence::from_rrule(rule, Vec::new(), template.starts_at, template.tz()).unwrap();
    let horizon = Utc::now() + Duration::days(92);
    let (series, published) = node
        .state
        .actions
        .store_new_series(&territory, template, recurrence, horizon)
        .await
        .unwrap();
    assert_eq!(published.len(), 4);
    let second = published[1].id;
    let (status, body) = node
        .send(
            Method::PATCH,
            &format!("/api/v1/events/{second}?scope=following"),
            Some(&token),
            Some(json!({"title": "Chorale d'été"})),
        )
        .await;
    assert_eq!(status, 422, "{body}");
    assert_eq!(body["field"], "scope");
    send(
        &node,
        Method::DELETE,
        &format!("/api/v1/events/{second}"),
        &token,
        None,
    )
    .await;
    let (_, text) = common::pages::get(&node.http, &node, "/t/fablab/calendar.ics").await;
    assert!(text.contains(&format!("RRULE:{rule}")), "{text}");
    let skipped = (first + Duration::days(3)).format("%Y%m%d");
    assert!(
        text.contains(&format!("EXDATE;TZID=Europe/Paris:{skipped}T190000")),
        "{text}"
    );
    let s = node
        .get_json(&format!("/api/v1/series/{}", series.id))
        .await;
    assert_eq!(s["occurrences"].as_array().unwrap().len(), 3);
}
