//! Calendars imported: a territory subscribes to an ICS calendar served over real HTTP on
//! loopback (shaped like Nextcloud's), its events appear at the right local times, a
//! changed calendar updates them and a removed event is deleted with its `Delete`
//! delivered to a follower (the signed Mastodon-shaped peer), a hostile calendar and an
//! HTML page are bounded or refused without losing what was imported, a one-shot upload
//! imports a Gancio file, and private addresses are refused outside development mode. A
//! recurring VEVENT stays one series: its override and EXDATE applied, its local times
//! kept across a daylight-saving change, a changed RRULE followed, and its future
//! occurrences deleted (each `Delete` delivered) when the calendar drops it.

use std::sync::{Arc, Mutex};

use axum::http::{HeaderMap, StatusCode, header};
use axum::response::IntoResponse;
use chrono::{DateTime, Duration, Utc};
use serde_json::{Value, json};

use crate::common::mastodon::FakeMastodon;
use crate::common::pages::{PASSWORD, attr_of, browser, get, login, post, post_multipart, text_of};
use crate::common::{Backend, Node, on_both_backends};

/// What the calendar server serves, and the validators it was sent.
#[derive(Default)]
struct Served {
    body: Vec<u8>,
    content_type: String,
    etag: Option<String>,
    if_none_match: Vec<Option<String>>,
    /// Answers only after the node's fetch time limit.
    slow: bool,
}

/// A calendar server on loopback: answers 304 when the ETag sent still holds.
struct CalendarServer {
    base: String,
    served: Arc<Mutex<Served>>,
}

impl CalendarServer {
    async fn start() -> CalendarServer {
        let served: Arc<Mutex<Served>> = Arc::default();
        let shared = served.clone();
        let app = axum::Router::new().route(
            "/remote.php/dav/public-calendars/grange",
            axum::routing::get(move |headers: HeaderMap| {
                let shared = shared.clone();
                async move {
                    let slow = shared.lock().unwrap().slow;
                    if slow {
                        tokio::time::sleep(std::time::Duration::from_secs(30)).await;
                    }
                    let mut s = shared.lock().unwrap();
                    let sent = headers
                        .get(header::IF_NONE_MATCH)
                        .and_then(|v| v.to_str().ok())
                        .map(str::to_owned);
                    s.if_none_match.push(sent.clone());
                    if sent.is_some() && sent == s.etag {
                        return StatusCode::NOT_MODIFIED.into_response();
                    }
                    let mut response = (
                        [(header::CONTENT_TYPE, s.content_type.clone())],
                        s.body.clone(),
                    )
                        .into_response();
                    if let Some(etag) = &s.etag {
                        response
                            .headers_mut()
                            .insert(header::ETAG, etag.parse().unwrap());
                    }
                    response
                }
            }),
        );
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base = format!("http://127.0.0.1:{}", listener.local_addr().unwrap().port());
        tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
        CalendarServer { base, served }
    }

    fn url(&self) -> String {
        format!("{}/remote.php/dav/public-calendars/grange", self.base)
    }

    fn serve(&self, body: impl Into<Vec<u8>>, content_type: &str, etag: Option<&str>) {
        let mut s = self.served.lock().unwrap();
        s.body = body.into();
        s.content_type = content_type.to_owned();
        s.etag = etag.map(str::to_owned);
    }

    fn last_if_none_match(&self) -> Option<String> {
        self.served
            .lock()
            .unwrap()
            .if_none_match
            .last()
            .cloned()
            .flatten()
    }
}

/// A fixture from `node/tests/fixtures/calendars/`, `{DAY+N}` read as the date N days
/// from today.
fn fixture(name: &str) -> String {
    let text = std::fs::read_to_string(format!(
        "{}/../node/tests/fixtures/calendars/{name}",
        env!("CARGO_MANIFEST_DIR")
    ))
    .unwrap();
    let now = Utc::now();
    let mut out = text;
    while let Some(at) = out.find("{DAY+") {
        let end = at + out[at..].find('}').unwrap();
        let days: i64 = out[at + 5..end].parse().unwrap();
        let date = (now + Duration::days(days)).format("%Y%m%d").to_string();
        out.replace_range(at..=end, &date);
    }
    out
}

fn day(days: i64) -> String {
    (Utc::now() + Duration::days(days))
        .format("%Y-%m-%d")
        .to_string()
}

/// The territory's live events, by title, through the public API.
async fn events(node: &Node) -> Vec<Value> {
    let list = node
        .get_json("/api/v1/events?territory=fablab&current=false&limit=100")
        .await;
    list["items"].as_array().cloned().unwrap_or_default()
}

fn titled<'a>(events: &'a [Value], title: &str) -> Vec<&'a Value> {
    events.iter().filter(|e| e["title"] == title).collect()
}

/// An instant from the API, shown in Paris.
fn paris(value: &Value) -> String {
    DateTime::parse_from_rfc3339(value.as_str().unwrap())
        .unwrap()
        .with_timezone(&chrono_tz::Europe::Paris)
        .format("%Y-%m-%d %H:%M")
        .to_string()
}

async fn settings(client: &reqwest::Client, node: &Node) -> String {
    let (status, html) = get(client, node, "/manage/t/fablab/settings").await;
    assert_eq!(status, 200);
    html
}

async fn story(backend: Backend) {
    let Some((node, _admin)) = Node::with_territory(
        backend,
        json!({"slug": "fablab", "name": "Fablab", "kind": "fablab", "languages": ["fr"],
            "place": {"name": "Fablab", "address": "Poitiers"}}),
    )
    .await
    else {
        return;
    };
    let editor = rhizome_node::Member::new("camille", PASSWORD, false).unwrap();
    node.store.insert_member(&editor).await.unwrap();
    let territory = node.stored_territory("fablab").await;
    node.store
        .grant_editor(editor.id, territory.id)
        .await
        .unwrap();
    // Alice, on a Mastodon-shaped server, follows the territory.
    let masto = FakeMastodon::start().await;
    let follow = masto.fixture("follow.json", &node.base, "");
    let (status, body) = masto
        .post("alice", &node.url("/t/fablab/inbox"), &follow)
        .await;
    assert_eq!(status, 202, "{body}");
    masto.wait_for("Accept", |a| a["type"] == "Accept").await;

    let token = {
        let (t, record) = rhizome_node::ApiToken::issue(editor.id, "test");
        node.store.insert_token(&record).await.unwrap();
        t
    };
    let calendar = CalendarServer::start().await;
    calendar.serve(
        fixture("nextcloud.ics"),
        "text/calendar; charset=utf-8",
        Some("\"v1\""),
    );
    let client = browser();
    let csrf = login(&client, &node, "camille", PASSWORD).await;

    // Subscribe from the settings page: fetched at once.
    let (status, _, location) = post(
        &client,
        &node,
        "/manage/t/fablab/calendars",
        &[("csrf", &csrf), ("url", &calendar.url())],
    )
    .await;
    assert_eq!(status, 303);
    assert!(location.unwrap().contains("done=calendar-added"));
    let all = events(&node).await;
    assert_eq!(
        all.len(),
        5,
        "one event, a series of three occurrences, one all-day: {all:#?}"
    );
    let repair = titled(&all, "Repair café");
    assert_eq!(
        paris(&repair[0]["starts_at"]),
        format!("{} 18:00", day(7)),
        "TZID honoured"
    );
    assert_eq!(repair[0]["timezone"], "Europe/Paris");
    assert_eq!(repair[0]["place"]["name"], "La Grange");
    let permanence = titled(&all, "Permanence numérique");
    let mut starts: Vec<String> = permanence.iter().map(|e| paris(&e["starts_at"])).collect();
    starts.sort();
    assert_eq!(
        starts,
        [day(2), day(16), day(23)].map(|d| format!("{d} 14:00")),
        "weekly, the excluded date left out"
    );
    let party = titled(&all, "Fête de la Grange");
    assert_eq!(paris(&party[0]["starts_at"]), format!("{} 00:00", day(20)));
    assert_eq!(
        paris(&party[0]["ends_at"]),
        format!("{} 23:59", day(21)),
        "all-day, two days"
    );
    masto
        .wait_for("Create{Repair café}", |a| {
            a["type"] == "Create" && a["object"]["name"] == "Repair café"
        })
        .await;
    let html = settings(&client, &node).await;
    // Two events and one series (the weekly permanence) are mirrored.
    assert_eq!(text_of(&html, ".calendar-mirrored").trim(), "3");
    assert!(
        text_of(&html, ".calendar-report").contains("3"),
        "{}",
        text_of(&html, ".calendar-report")
    );
    let id = attr_of(&html, "li.calendar", "data-id").unwrap();

    // Nothing changed: the ETag is sent back and the 304 changes nothing.
    let (status, _, _) = post(
        &client,
        &node,
        &format!("/manage/t/fablab/calendars/{id}/fetch"),
        &[("csrf", &csrf)],
    )
    .await;
    assert_eq!(status, 303);
    assert_eq!(calendar.last_if_none_match().as_deref(), Some("\"v1\""));
    assert_eq!(events(&node).await.len(), 5);
    // The schedule leaves a calendar fetched less than an interval ago alone.
    assert_eq!(rhizome_web::calendars::fetch_due(&node.state, 60).await, 0);

    // Edited here: the form says the calendar wins, and the next import puts it back.
    let repair_id = repair[0]["id"].as_str().unwrap().to_owned();
    let (_, form) = get(&client, &node, &format!("/manage/events/{repair_id}/edit")).await;
    assert!(
        text_of(&form, ".calendar-mirror").contains(&calendar.url()),
        "{form}"
    );
    let (status, _) = node
        .send(
            reqwest::Method::PATCH,
            &format!("/api/v1/events/{repair_id}"),
            Some(&token),
            Some(json!({"title": "Edited here", "capacity": 3})),
        )
        .await;
    assert_eq!(status, 200);
    calendar.serve(fixture("nextcloud.ics"), "text/calendar", Some("\"v1b\""));
    post(
        &client,
        &node,
        &format!("/manage/t/fablab/calendars/{id}/fetch"),
        &[("csrf", &csrf)],
    )
    .await;
    let (_, back) = node
        .send(
            reqwest::Method::GET,
            &format!("/api/v1/events/{repair_id}"),
            None,
            None,
        )
        .await;
    assert_eq!(
        (&back["title"], &back["capacity"]),
        (&json!("Repair café"), &Value::Null)
    );
    let html = settings(&client, &node).await;
    assert!(
        text_of(&html, ".calendar-report").contains("1 mis à jour"),
        "{}",
        text_of(&html, ".calendar-report")
    );

    // The calendar changes: the repair café moves to 18:30, the party is removed.
    let changed = fixture("nextcloud.ics").replace("T180000\r\n", "T183000\r\n");
    let start = changed.find("BEGIN:VEVENT\r\nUID:c0ffee").unwrap();
    let end = start + changed[start..].find("END:VEVENT\r\n").unwrap() + "END:VEVENT\r\n".len();
    let changed = format!("{}{}", &changed[..start], &changed[end..]);
    calendar.serve(changed.clone(), "text/calendar", Some("\"v2\""));
    // Due for the schedule as soon as the interval is shorter than its age.
    assert_eq!(rhizome_web::calendars::fetch_due(&node.state, 0).await, 1);
    let all = events(&node).await;
    assert_eq!(all.len(), 4);
    let repair = titled(&all, "Repair café");
    assert_eq!(paris(&repair[0]["starts_at"]), format!("{} 18:30", day(7)));
    assert!(titled(&all, "Fête de la Grange").is_empty());
    let party_id = party[0]["id"].as_str().unwrap().to_owned();
    let moved = format!("{} 18:30", day(7));
    masto
        .wait_for("Update{Repair café at 18:30}", |a| {
            a["type"] == "Update"
                && a["object"]["name"] == "Repair café"
                && a["object"]["startTime"].is_string()
                && paris(&a["object"]["startTime"]) == moved
        })
        .await;
    let delete = masto
        .wait_for("Delete{Fête}", |a| {
            a["type"] == "Delete"
                && a["object"]["id"]
                    .as_str()
                    .or(a["object"].as_str())
                    .is_some_and(|o| o.contains(&party_id))
        })
        .await;
    assert_eq!(delete["type"], "Delete");
    let (status, _) = node
        .send(
            reqwest::Method::GET,
            &format!("/api/v1/events/{party_id}"),
            None,
            None,
        )
        .await;
    assert_eq!(status, 410, "the removed event is gone");

    // A hostile calendar: 100 000 events (far ahead), unreadable ones, a recurrence that
    // never ends, a zone that does not exist. Bounded; nothing imported before is lost.
    let mut hostile = String::from("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:hostile\r\n");
    hostile.push_str(
        "BEGIN:VEVENT\r\nUID:broken\r\nDTSTART:2026\r\nno colon on this line\r\nEND:VEVENT\r\n",
    );
    hostile.push_str(&format!(
        "BEGIN:VEVENT\r\nUID:forever\r\nDTSTART:{}T100000Z\r\nRRULE:FREQ=WEEKLY\r\nSUMMARY:Forever\r\nEND:VEVENT\r\n",
        day(1).replace('-', "")
    ));
    hostile.push_str(&format!(
        "BEGIN:VEVENT\r\nUID:mars\r\nDTSTART;TZID=Mars/Olympus_Mons:{}T180000\r\nSUMMARY:Mars\r\nEND:VEVENT\r\n",
        day(4).replace('-', "")
    ));
    for i in 0..100_000 {
        hostile.push_str(&format!(
            "BEGIN:VEVENT\r\nUID:h{i}\r\nDTSTART:20400101T100000Z\r\nSUMMARY:x\r\nEND:VEVENT\r\n"
        ));
    }
    hostile.push_str("END:VCALENDAR\r\n");
    calendar.serve(hostile, "text/calendar", Some("\"v3\""));
    post(
        &client,
        &node,
        &format!("/manage/t/fablab/calendars/{id}/fetch"),
        &[("csrf", &csrf)],
    )
    .await;
    let all = events(&node).await;
    let forever = titled(&all, "Forever");
    assert!(
        (13..=15).contains(&forever.len()),
        "weekly, bounded by the window: {}",
        forever.len()
    );
    let mars = titled(&all, "Mars");
    assert_eq!(
        paris(&mars[0]["starts_at"]),
        format!("{} 18:00", day(4)),
        "the territory's zone"
    );
    assert_eq!(titled(&all, "Repair café").len(), 1, "kept: deletions held");
    assert_eq!(titled(&all, "Permanence numérique").len(), 3);
    let html = settings(&client, &node).await;
    assert!(text_of(&html, ".calendar-malformed").contains('1'));
    assert!(!text_of(&html, ".calendar-deletions-held").is_empty());
    assert!(text_of(&html, ".calendar-zones").contains("Mars/Olympus_Mons"));

    // HTML instead of a calendar (a login page): refused, nothing touched, error shown.
    let before = events(&node).await.len();
    calendar.serve(
        "<!DOCTYPE html><html><body>Log in</body></html>",
        "text/html",
        None,
    );
    post(
        &client,
        &node,
        &format!("/manage/t/fablab/calendars/{id}/fetch"),
        &[("csrf", &csrf)],
    )
    .await;
    assert_eq!(events(&node).await.len(), before);
    let html = settings(&client, &node).await;
    let error = text_of(&html, ".calendar-error");
    assert!(error.contains("iCalendar"), "{error}");
    // Too large: refused the same way.
    calendar.serve(vec![b'A'; 9 * 1024 * 1024], "text/calendar", None);
    post(
        &client,
        &node,
        &format!("/manage/t/fablab/calendars/{id}/fetch"),
        &[("csrf", &csrf)],
    )
    .await;
    assert_eq!(events(&node).await.len(), before);
    let html = settings(&client, &node).await;
    assert!(!text_of(&html, ".calendar-error").is_empty());

    // An empty but valid calendar: everything it mirrored is deleted.
    calendar.serve(
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nEND:VCALENDAR\r\n",
        "text/calendar",
        None,
    );
    post(
        &client,
        &node,
        &format!("/manage/t/fablab/calendars/{id}/fetch"),
        &[("csrf", &csrf)],
    )
    .await;
    assert!(events(&node).await.is_empty());

    // A one-shot upload of a Gancio export.
    let form = reqwest::multipart::Form::new()
        .text("csrf", csrf.clone())
        .part(
            "file",
            reqwest::multipart::Part::bytes(fixture("gancio.ics").into_bytes())
                .file_name("gancio.ics")
                .mime_str("text/calendar")
                .unwrap(),
        );
    let (status, body, location) =
        post_multipart(&client, &node, "/manage/t/fablab/calendars/upload", form).await;
    assert_eq!(status, 303, "{body}");
    assert!(location.unwrap().contains("done=calendar-imported"));
    let all = events(&node).await;
    let ride = titled(&all, "[Gancio] Vélorution");
    assert_eq!(ride.len(), 1);
    assert_eq!(ride[0]["place"]["name"], "Place du marché");
    // An upload that is not a calendar: 422, the error shown, nothing lost.
    let form = reqwest::multipart::Form::new()
        .text("csrf", csrf.clone())
        .part(
            "file",
            reqwest::multipart::Part::bytes(b"<html></html>".to_vec()).file_name("x.ics"),
        );
    let (status, html, _) =
        post_multipart(&client, &node, "/manage/t/fablab/calendars/upload", form).await;
    assert_eq!(status, 422);
    assert!(text_of(&html, "#calendar-error").contains("iCalendar"));
    assert_eq!(events(&node).await.len(), 1);

    // Removing the subscription; the API lists what is left (the uploaded file).
    let (status, _, _) = post(
        &client,
        &node,
        &format!("/manage/t/fablab/calendars/{id}/remove"),
        &[("csrf", &csrf)],
    )
    .await;
    assert_eq!(status, 303);
    let (status, list) = node
        .send(
            reqwest::Method::GET,
            "/api/v1/territories/fablab/calendars",
            Some(&token),
            None,
        )
        .await;
    assert_eq!(status, 200);
    assert_eq!(list["items"].as_array().unwrap().len(), 1);
    assert_eq!(list["items"][0]["url"], Value::Null);
}

on_both_backends!(story => a_calendar_is_mirrored_updated_and_bounded, a_calendar_is_mirrored_updated_and_bounded_postgres);

#[tokio::test]
async fn private_addresses_are_refused_outside_development_mode() {
    let (node, admin) = Node::configured_with_territory(
        Backend::Sqlite,
        |c| c.development_mode = false,
        json!({"slug": "fablab", "name": "Fablab", "kind": "fablab"}),
    )
    .await
    .unwrap();
    for url in [
        "https://127.0.0.1/calendar.ics",
        "https://10.0.0.5/calendar.ics",
        "http://cloud.example/calendar.ics",
        "https://cloud.example:8443/calendar.ics",
    ] {
        let (status, body) = node
            .send(
                reqwest::Method::POST,
                "/api/v1/territories/fablab/calendars",
                Some(&admin),
                Some(json!({"url": url})),
            )
            .await;
        assert_eq!(
            (status, body["field"].as_str()),
            (422, Some("url")),
            "{url}: {body}"
        );
    }
    let (status, body) = node
        .send(
            reqwest::Method::POST,
            "/api/v1/territories/fablab/calendars",
            Some(&admin),
            Some(json!({"url": "ftp://cloud.example/x.ics"})),
        )
        .await;
    assert_eq!((status, body["field"].as_str()), (422, Some("url")));
    let (_, list) = node
        .send(
            reqwest::Method::GET,
            "/api/v1/territories/fablab/calendars",
            Some(&admin),
            None,
        )
        .await;
    assert!(
        list["items"].as_array().unwrap().is_empty(),
        "nothing subscribed"
    );
    // From the settings page: 422, the reason beside the field, nothing subscribed.
    let client = browser();
    let csrf = login(&client, &node, "admin", PASSWORD).await;
    let (status, html, _) = post(
        &client,
        &node,
        "/manage/t/fablab/calendars",
        &[
            ("csrf", &csrf),
            ("url", "https://192.168.1.10/calendar.ics"),
        ],
    )
    .await;
    assert_eq!(status, 422);
    assert!(
        text_of(&html, "#calendar-error").contains("adresse privée"),
        "{html}"
    );
    assert_eq!(
        attr_of(&html, "#calendar-url", "aria-invalid").as_deref(),
        Some("true")
    );
    assert!(text_of(&html, "li.calendar").is_empty());
}

/// A server that answers after the fetch time limit: the fetch fails, is reported, and
/// what the calendar brought before stays as it was.
#[tokio::test]
async fn a_slow_calendar_server_changes_nothing() {
    let (node, admin) = Node::with_territory(
        Backend::Sqlite,
        json!({"slug": "fablab", "name": "Fablab", "kind": "fablab"}),
    )
    .await
    .unwrap();
    let calendar = CalendarServer::start().await;
    calendar.serve(fixture("mobilizon.ics"), "text/calendar", None);
    let (status, body) = node
        .send(
            reqwest::Method::POST,
            "/api/v1/territories/fablab/calendars",
            Some(&admin),
            Some(json!({"url": calendar.url()})),
        )
        .await;
    assert_eq!(status, 201, "{body}");
    assert_eq!(body["mirrored"], 1);
    assert_eq!(body["report"]["created"], 1);
    let id = body["id"].as_str().unwrap().to_owned();
    calendar.served.lock().unwrap().slow = true;
    let (status, body) = node
        .send(
            reqwest::Method::POST,
            &format!("/api/v1/calendars/{id}/fetch"),
            Some(&admin),
            None,
        )
        .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["error"]["code"], "unreachable", "{body}");
    assert_eq!(body["mirrored"], 1);
    assert_eq!(titled(&events(&node).await, "Atelier compost").len(), 1);
}

/// A calendar's weekly event, local to Paris, over a daylight-saving change.
fn weekly_calendar(rule: &str) -> String {
    let at = |days: i64| format!("{}T190000", day(days).replace('-', ""));
    format!(
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//IDN nextcloud.com//Calendar app 4.7.6//EN\r\n\
BEGIN:VEVENT\r\nUID:atelier@cloud.example\r\nDTSTART;TZID=Europe/Paris:{}\r\nDTEND;TZID=Europe/Paris:{}\r\n\
RRULE:{rule}\r\nEXDATE;TZID=Europe/Paris:{}\r\nSUMMARY:Atelier vélo\r\nLOCATION:La Grange\\, Poitiers\r\nEND:VEVENT\r\n\
BEGIN:VEVENT\r\nUID:atelier@cloud.example\r\nRECURRENCE-ID;TZID=Europe/Paris:{}\r\n\
DTSTART;TZID=Europe/Paris:{}T200000\r\nDTEND;TZID=Europe/Paris:{}T220000\r\nSUMMARY:Atelier vélo (déplacé)\r\nEND:VEVENT\r\n\
BEGIN:VEVENT\r\nUID:atelier@cloud.example\r\nRECURRENCE-ID;TZID=Europe/Paris:{}\r\n\
DTSTART;TZID=Europe/Paris:{}\r\nSTATUS:CANCELLED\r\nSUMMARY:Atelier vélo\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n",
        at(7),
        at(7).replace("T190000", "T210000"),
        at(21),
        at(14),
        day(14).replace('-', ""),
        day(14).replace('-', ""),
        at(28),
        at(28),
    )
}

/// The series' live occurrences from the API: (Paris start, exception, status).
async fn occurrences(node: &Node, series: &str) -> Vec<(String, bool, String)> {
    let s = node.get_json(&format!("/api/v1/series/{series}")).await;
    let mut out: Vec<(String, bool, String)> = s["occurrences"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| {
            (
                paris(&o["starts_at"]),
                o["exception"].as_bool().unwrap(),
                o["status"].as_str().unwrap_or_default().to_owned(),
            )
        })
        .collect();
    out.sort();
    out
}

async fn recurring_story(backend: Backend) {
    // Eight months ahead: a daylight-saving change always falls inside.
    let Some((node, admin)) = Node::configured_with_territory(
        backend,
        |c| c.series_window_days = 240,
        json!({"slug": "fablab", "name": "Fablab", "kind": "fablab"}),
    )
    .await
    else {
        return;
    };
    // Alice, on a Mastodon-shaped server, follows the territory.
    let masto = FakeMastodon::start().await;
    let follow = masto.fixture("follow.json", &node.base, "");
    let (status, body) = masto
        .post("alice", &node.url("/t/fablab/inbox"), &follow)
        .await;
    assert_eq!(status, 202, "{body}");
    masto.wait_for("Accept", |a| a["type"] == "Accept").await;
    let calendar = CalendarServer::start().await;
    calendar.serve(weekly_calendar("FREQ=WEEKLY"), "text/calendar", None);
    let (status, body) = node
        .send(
            reqwest::Method::POST,
            "/api/v1/territories/fablab/calendars",
            Some(&admin),
            Some(json!({"url": calendar.url()})),
        )
        .await;
    assert_eq!(status, 201, "{body}");
    assert_eq!(body["mirrored"], 1, "one series: {body}");
    assert_eq!(body["report"]["created"], 1, "{body}");
    let subscription: uuid::Uuid = body["id"].as_str().unwrap().parse().unwrap();
    let mirrors = node.store.calendar_mirrors(subscription).await.unwrap();
    assert_eq!(mirrors.len(), 1);
    assert_eq!(mirrors[0].uid, "atelier@cloud.example");
    // The mirror points at the series' first occurrence, which names its series.
    let first = node
        .store
        .publication(mirrors[0].publication_id)
        .await
        .unwrap()
        .unwrap();
    let series = first.series.unwrap().id.to_string();
    let s = node.get_json(&format!("/api/v1/series/{series}")).await;
    assert_eq!(s["recurrence"]["rule"], "FREQ=WEEKLY", "{s}");
    assert_eq!(s["recurrence"]["imported"], true);
    assert_eq!(s["event"]["title"], "Atelier vélo");

    let weekly = occurrences(&node, &series).await;
    let starts: Vec<&str> = weekly.iter().map(|o| o.0.as_str()).collect();
    assert_eq!(
        weekly[0],
        (format!("{} 19:00", day(7)), false, "scheduled".into())
    );
    assert_eq!(
        weekly[1],
        (format!("{} 20:00", day(14)), true, "scheduled".into()),
        "the override moved it and it is an exception"
    );
    assert!(
        !starts.iter().any(|s| s.starts_with(&day(21))),
        "EXDATE: {starts:?}"
    );
    assert_eq!(
        weekly[2],
        (format!("{} 19:00", day(28)), true, "cancelled".into()),
        "STATUS:CANCELLED cancels that occurrence"
    );
    // Every week to the window's end, 19:00 in Paris on both sides of the change.
    assert!(weekly.len() >= 30, "{}", weekly.len());
    for (i, o) in weekly.iter().enumerate().filter(|(i, _)| *i != 1) {
        let days = if i == 0 { 7 } else { 7 * (i as i64 + 2) };
        assert_eq!(o.0, format!("{} 19:00", day(days)), "occurrence {i}");
    }
    let s = node.get_json(&format!("/api/v1/series/{series}")).await;
    let offsets: std::collections::BTreeSet<String> = s["occurrences"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| {
            DateTime::parse_from_rfc3339(o["starts_at"].as_str().unwrap())
                .unwrap()
                .with_timezone(&Utc)
                .format("%H:%M")
                .to_string()
        })
        .collect();
    assert!(
        offsets.contains("18:00") && offsets.contains("17:00"),
        "winter and summer time: {offsets:?}"
    );
    let titles: Vec<Value> = events(&node)
        .await
        .into_iter()
        .map(|e| e["title"].clone())
        .collect();
    assert!(
        titles.contains(&json!("Atelier vélo (déplacé)")),
        "{titles:?}"
    );

    // Fetched again unchanged: nothing is touched.
    let fetch = format!("/api/v1/calendars/{subscription}/fetch");
    let (_, body) = node
        .send(reqwest::Method::POST, &fetch, Some(&admin), None)
        .await;
    assert_eq!(body["report"]["unchanged"], 1, "{body}");
    assert_eq!(occurrences(&node, &series).await, weekly);

    // Every other week now: the same series follows, its exceptions kept.
    calendar.serve(
        weekly_calendar("FREQ=WEEKLY;INTERVAL=2"),
        "text/calendar",
        None,
    );
    let (_, body) = node
        .send(reqwest::Method::POST, &fetch, Some(&admin), None)
        .await;
    assert_eq!(body["report"]["updated"], 1, "{body}");
    assert_eq!(body["mirrored"], 1);
    let fortnightly = occurrences(&node, &series).await;
    let plain: Vec<&String> = fortnightly.iter().filter(|o| !o.1).map(|o| &o.0).collect();
    assert!(plain.len() >= 14, "{plain:?}");
    for (k, start) in plain.iter().enumerate() {
        // Day 7, then 35, 49...: 21 is the EXDATE, 21 + 7 the cancelled exception.
        let days = if k == 0 { 7 } else { 7 + 14 * (k as i64 + 1) };
        assert_eq!(**start, format!("{} 19:00", day(days)), "{fortnightly:?}");
    }
    assert!(
        !fortnightly.iter().any(|o| o.0.starts_with(&day(35 + 7))),
        "the weeks in between are deleted"
    );

    let s = node.get_json(&format!("/api/v1/series/{series}")).await;
    let later = s["occurrences"]
        .as_array()
        .unwrap()
        .iter()
        .find(|o| paris(&o["starts_at"]) == format!("{} 19:00", day(35)))
        .map(|o| o["id"].as_str().unwrap().to_owned())
        .unwrap();

    // The calendar drops the event: the series and its future occurrences are deleted.
    calendar.serve(
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nEND:VCALENDAR\r\n",
        "text/calendar",
        None,
    );
    let (_, body) = node
        .send(reqwest::Method::POST, &fetch, Some(&admin), None)
        .await;
    assert_eq!(body["report"]["deleted"], 1, "{body}");
    assert_eq!(body["mirrored"], 0);
    let (status, _) = node
        .send(
            reqwest::Method::GET,
            &format!("/api/v1/series/{series}"),
            None,
            None,
        )
        .await;
    assert_eq!(status, 410);
    assert!(
        titled(&events(&node).await, "Atelier vélo").is_empty(),
        "its occurrences are deleted"
    );
    masto
        .wait_for("Delete{a later occurrence}", |a| {
            a["type"] == "Delete"
                && a["object"]["id"]
                    .as_str()
                    .or(a["object"].as_str())
                    .is_some_and(|o| o.contains(&later))
        })
        .await;

    // Back in the calendar, then unsubscribed: the new series goes with the subscription.
    calendar.serve(weekly_calendar("FREQ=WEEKLY"), "text/calendar", None);
    let (_, body) = node
        .send(reqwest::Method::POST, &fetch, Some(&admin), None)
        .await;
    assert_eq!(body["report"]["created"], 1, "{body}");
    assert!(!titled(&events(&node).await, "Atelier vélo").is_empty());
    let (status, body) = node
        .send(
            reqwest::Method::DELETE,
            &format!("/api/v1/calendars/{subscription}"),
            Some(&admin),
            None,
        )
        .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["deleted"], 1, "one series: {body}");
    let all = events(&node).await;
    assert!(
        titled(&all, "Atelier vélo").is_empty()
            && titled(&all, "Atelier vélo (déplacé)").is_empty(),
        "{all:#?}"
    );
}

on_both_backends!(recurring_story => an_imported_rrule_stays_a_series, an_imported_rrule_stays_a_series_postgres);
