//! Calendars, the Atom feed and the agenda widget, fetched over real HTTP from a running
//! node and read back with parsers (`icalendar`, `atom_syndication`), as a calendar app or
//! feed reader would.

use crate::common;

use std::collections::HashMap;
use std::str::FromStr;

use chrono::{DateTime, Duration, NaiveDateTime, Utc};
use common::{Backend, Node};
use icalendar::{
    Calendar, CalendarComponent, CalendarDateTime, Component, DatePerhapsTime, EventLike,
    EventStatus,
};
use reqwest::Method;
use serde_json::{Value, json};

const FABLAB: &str = r#"{"slug": "fablab", "name": "Fablab de Poitiers", "kind": "fablab",
  "description": "Un **atelier** ouvert",
  "place": {"address": "Poitiers", "latitude": 46.58, "longitude": 0.34},
  "themes": ["science_digital"], "languages": ["fr"]}"#;

struct Fixture {
    node: Node,
    token: String,
    /// Event ids by short name.
    ids: HashMap<&'static str, String>,
}

fn place() -> Value {
    json!({"name": "Fablab", "address": "1 rue de la Paix, Poitiers", "latitude": 46.58, "longitude": 0.34})
}

/// A node with one territory and five events: summer and winter in Paris, one in
/// Montreal's zone, one that ended ten days ago and one that ended 45 days ago.
async fn fixture() -> Fixture {
    let (node, token) =
        Node::with_territory(Backend::Sqlite, serde_json::from_str(FABLAB).unwrap())
            .await
            .unwrap();
    // Whole seconds, as calendars write them.
    let ago = |days: i64| {
        (Utc::now() - Duration::days(days)).to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
    };
    let events = [
        (
            "summer",
            json!({"title": "Repair café d'été", "description": "Apportez vos **objets**",
                   "starts_at": "2030-07-10T18:00", "ends_at": "2030-07-10T21:00",
                   "place": place(), "themes": ["climate"], "language": "fr"}),
        ),
        (
            "winter",
            json!({"title": "Atelier <b>soudure</b>",
                   "description": "Venez **souder** <script>alert('x')</script> <img src=x onerror=alert(1)>\n\nSur [inscription](https://inscription.example/s).",
                   "starts_at": "2030-12-03T18:00", "ends_at": "2030-12-03T20:00",
                   "place": place(), "themes": ["science_digital"], "language": "en", "status": "cancelled"}),
        ),
        (
            "montreal",
            json!({"title": "Hackathon Montréal", "timezone": "America/Montreal",
                   "starts_at": "2030-11-01T19:00", "ends_at": "2030-11-01T23:00",
                   "place": {"name": "Espace", "address": "Montréal", "latitude": 45.5, "longitude": -73.56},
                   "themes": ["science_digital"]}),
        ),
        (
            "recent",
            json!({"title": "Café passé", "starts_at": ago(10),
                   "ends_at": ago(9),
                   "place": place()}),
        ),
        (
            "old",
            json!({"title": "Très ancien", "starts_at": ago(45), "ends_at": ago(44), "place": place()}),
        ),
    ];
    let mut ids = HashMap::new();
    for (name, event) in events {
        let (status, body) = node
            .send(
                Method::POST,
                "/api/v1/territories/fablab/events",
                Some(&token),
                Some(event),
            )
            .await;
        assert_eq!(status, 201, "{name}: {body}");
        ids.insert(name, body["id"].as_str().unwrap().to_owned());
    }
    Fixture { node, token, ids }
}

struct Fetched {
    status: u16,
    headers: reqwest::header::HeaderMap,
    body: String,
}

async fn fetch(node: &Node, path: &str) -> Fetched {
    let response = node.http.get(node.url(path)).send().await.unwrap();
    Fetched {
        status: response.status().as_u16(),
        headers: response.headers().clone(),
        body: response.text().await.unwrap(),
    }
}

fn header<'a>(f: &'a Fetched, name: &str) -> &'a str {
    f.headers
        .get(name)
        .map(|v| v.to_str().unwrap())
        .unwrap_or_default()
}

/// Fetches a calendar, checks what every client relies on, and parses it.
async fn calendar(node: &Node, path: &str) -> (String, Calendar) {
    let f = fetch(node, path).await;
    assert_eq!(f.status, 200, "{path}: {}", f.body);
    assert_eq!(header(&f, "content-type"), "text/calendar; charset=utf-8");
    assert!(f.body.starts_with("BEGIN:VCALENDAR\r\n"), "{}", f.body);
    assert!(f.body.ends_with("END:VCALENDAR\r\n"));
    for line in f.body.split("\r\n") {
        assert!(line.len() <= 75, "line not folded: {line:?}");
        assert!(!line.contains('\n'), "bare LF in {line:?}");
    }
    let parsed = Calendar::from_str(&f.body).unwrap();
    (f.body, parsed)
}

/// A VTIMEZONE's observances: (onset, from, to, daylight, name).
type Observances = Vec<(NaiveDateTime, String, String, bool, String)>;

fn timezones(cal: &Calendar) -> HashMap<String, Observances> {
    let mut zones = HashMap::new();
    for c in &cal.components {
        let CalendarComponent::Other(tz) = c else {
            continue;
        };
        assert_eq!(tz.component_kind(), "VTIMEZONE");
        let tzid = tz.property_value("TZID").unwrap().to_owned();
        assert!(
            !tz.properties().contains_key("DTSTAMP") && !tz.properties().contains_key("UID"),
            "VTIMEZONE takes neither DTSTAMP nor UID"
        );
        let mut observances: Observances = tz
            .components()
            .iter()
            .map(|o| {
                let value = |k: &str| o.property_value(k).unwrap_or_default().to_owned();
                (
                    NaiveDateTime::parse_from_str(&value("DTSTART"), "%Y%m%dT%H%M%S").unwrap(),
                    value("TZOFFSETFROM"),
                    value("TZOFFSETTO"),
                    o.component_kind() == "DAYLIGHT",
                    value("TZNAME"),
                )
            })
            .collect();
        observances.sort();
        zones.insert(tzid, observances);
    }
    zones
}

fn offset_seconds(offset: &str) -> i64 {
    let sign = if offset.starts_with('-') { -1 } else { 1 };
    let digits = &offset[1..];
    let h: i64 = digits[0..2].parse().unwrap();
    let m: i64 = digits[2..4].parse().unwrap();
    sign * (h * 3600 + m * 60)
}

/// The instant a DTSTART or DTEND means, read as a client does: from the VTIMEZONE's
/// latest observance starting before the local time.
fn instant(zones: &HashMap<String, Observances>, value: DatePerhapsTime) -> DateTime<Utc> {
    match value {
        DatePerhapsTime::DateTime(CalendarDateTime::WithTimezone { date_time, tzid }) => {
            let observances = zones
                .get(&tzid)
                .unwrap_or_else(|| panic!("no VTIMEZONE for {tzid}"));
            let (_, _, to, _, _) = observances
                .iter()
                .rev()
                .find(|(onset, ..)| *onset <= date_time)
                .unwrap_or_else(|| panic!("no observance of {tzid} before {date_time}"));
            (date_time - Duration::seconds(offset_seconds(to))).and_utc()
        }
        DatePerhapsTime::DateTime(CalendarDateTime::Utc(t)) => t,
        other => panic!("unexpected time {other:?}"),
    }
}

fn local(value: DatePerhapsTime) -> (String, String) {
    match value {
        DatePerhapsTime::DateTime(CalendarDateTime::WithTimezone { date_time, tzid }) => {
            (tzid, date_time.format("%Y%m%dT%H%M%S").to_string())
        }
        other => panic!("expected a local time with TZID, got {other:?}"),
    }
}

fn by_uid(cal: &Calendar) -> HashMap<String, &icalendar::Event> {
    cal.events()
        .map(|e| (e.get_uid().unwrap().to_owned(), e))
        .collect()
}

fn titles(cal: &Calendar) -> Vec<String> {
    let mut titles: Vec<String> = cal
        .events()
        .map(|e| e.get_summary().unwrap().to_owned())
        .collect();
    titles.sort();
    titles
}

#[tokio::test]
async fn territory_calendar_has_right_local_times_zones_and_fields() {
    let fx = fixture().await;
    let node = &fx.node;
    let (text, cal) = calendar(node, "/t/fablab/calendar.ics").await;
    assert_eq!(cal.get_name(), Some("Fablab de Poitiers"));
    assert_eq!(cal.property_value("VERSION"), Some("2.0"));
    // Upcoming and the recent past; not what ended 45 days ago.
    assert_eq!(
        titles(&cal),
        [
            "Atelier <b>soudure</b>",
            "Café passé",
            "Hackathon Montréal",
            "Repair café d'été"
        ]
    );
    // Time zones come before the events that use them.
    assert!(text.find("BEGIN:VTIMEZONE").unwrap() < text.find("BEGIN:VEVENT").unwrap());

    let zones = timezones(&cal);
    let paris = &zones["Europe/Paris"];
    let at = |s: &str| NaiveDateTime::parse_from_str(s, "%Y%m%dT%H%M%S").unwrap();
    assert!(
        paris.contains(&(
            at("20300331T020000"),
            "+0100".into(),
            "+0200".into(),
            true,
            "CEST".into()
        )),
        "summer time of 2030 missing: {paris:?}"
    );
    assert!(
        paris.contains(&(
            at("20301027T030000"),
            "+0200".into(),
            "+0100".into(),
            false,
            "CET".into()
        )),
        "winter time of 2030 missing: {paris:?}"
    );
    assert!(zones.contains_key("America/Montreal"));
    assert_eq!(zones.len(), 2);

    let events = by_uid(&cal);
    let uid = |name: &str| node.url(&format!("/events/{}", fx.ids[name]));
    for (name, start_local, end_local) in [
        ("summer", "20300710T180000", "20300710T210000"),
        ("winter", "20301203T180000", "20301203T200000"),
    ] {
        let e = events[&uid(name)];
        assert_eq!(
            local(e.get_start().unwrap()),
            ("Europe/Paris".into(), start_local.into())
        );
        assert_eq!(
            local(e.get_end().unwrap()),
            ("Europe/Paris".into(), end_local.into())
        );
    }
    // Read back through the VTIMEZONEs, each start is the instant the API stored.
    for e in cal.events() {
        let id = e.get_uid().unwrap().rsplit('/').next().unwrap().to_owned();
        let (_, api) = node
            .send(Method::GET, &format!("/api/v1/events/{id}"), None, None)
            .await;
        let stored: DateTime<Utc> = api["starts_at"].as_str().unwrap().parse().unwrap();
        assert_eq!(instant(&zones, e.get_start().unwrap()), stored, "{id}");
        let stored: DateTime<Utc> = api["ends_at"].as_str().unwrap().parse().unwrap();
        assert_eq!(instant(&zones, e.get_end().unwrap()), stored, "{id}");
        assert!(e.get_timestamp().is_some() && e.get_last_modified().is_some());
        assert!(e.get_sequence().is_some());
        assert_eq!(e.get_url(), e.get_uid());
    }
    let montreal = events[&uid("montreal")];
    assert_eq!(
        local(montreal.get_start().unwrap()),
        ("America/Montreal".into(), "20301101T190000".into())
    );
    assert_eq!(
        instant(&zones, montreal.get_start().unwrap()),
        "2030-11-01T23:00:00Z".parse::<DateTime<Utc>>().unwrap()
    );

    let summer = events[&uid("summer")];
    assert_eq!(summer.get_summary(), Some("Repair café d'été"));
    assert_eq!(
        summer.get_location(),
        Some("Fablab, 1 rue de la Paix, Poitiers")
    );
    assert_eq!(summer.property_value("GEO"), Some("46.58;0.34"));
    assert_eq!(summer.get_categories(), Some(vec!["climate".to_owned()]));
    assert_eq!(summer.get_status(), Some(EventStatus::Confirmed));
    assert!(
        summer
            .get_description()
            .unwrap()
            .starts_with("Apportez vos objets\n\n")
    );

    // The cancelled event says so, and its HTML comes out as text.
    let winter = events[&uid("winter")];
    assert_eq!(winter.get_status(), Some(EventStatus::Cancelled));
    let description = winter.get_description().unwrap();
    assert!(description.contains("Venez souder"), "{description}");
    assert!(
        description.contains("inscription (https://inscription.example/s)"),
        "{description}"
    );
    assert!(description.ends_with(&uid("winter")), "{description}");
    assert!(!description.contains("alert"), "{description}");
    for markup in ["<", ">", "**", "onerror"] {
        assert!(!description.contains(markup), "{markup} in {description}");
    }

    // The node's calendar has the same events under the node's name.
    let (_, all) = calendar(node, "/calendar.ics").await;
    assert_eq!(titles(&all), titles(&cal));
    assert!(all.get_name().unwrap().starts_with("Rhizome · localhost:"));
    let (_, scoped) = calendar(node, "/calendar.ics?territory=fablab").await;
    assert_eq!(scoped.get_name(), Some("Fablab de Poitiers"));
}

#[tokio::test]
async fn calendar_filters_narrow_the_events() {
    let fx = fixture().await;
    let node = &fx.node;
    let old_day = (Utc::now() - Duration::days(46)).date_naive();
    let cases: Vec<(String, Vec<&str>)> = vec![
        ("theme=climate".into(), vec!["Repair café d'été"]),
        ("language=en".into(), vec!["Atelier <b>soudure</b>"]),
        ("q=MONTRÉAL%20hack".into(), vec!["Hackathon Montréal"]),
        (
            "from=2030-07-01&to=2030-07-31".into(),
            vec!["Repair café d'été"],
        ),
        (
            "from=2030-11-01".into(),
            vec!["Atelier <b>soudure</b>", "Hackathon Montréal"],
        ),
        ("near=45.5,-73.5,20".into(), vec!["Hackathon Montréal"]),
        (
            "theme=science_digital&near=46.6,0.3,10".into(),
            vec!["Atelier <b>soudure</b>"],
        ),
        (
            format!("from={old_day}&to={}", old_day + Duration::days(2)),
            vec!["Très ancien"],
        ),
        ("q=nothing-like-this".into(), vec![]),
    ];
    for (query, expected) in cases {
        for path in ["/t/fablab/calendar.ics", "/calendar.ics"] {
            let (_, cal) = calendar(node, &format!("{path}?{query}")).await;
            assert_eq!(titles(&cal), expected, "{path}?{query}");
            if expected.is_empty() {
                assert!(timezones(&cal).is_empty());
            }
        }
    }
}

#[tokio::test]
async fn bad_parameters_are_refused_with_a_reason() {
    let fx = fixture().await;
    let node = &fx.node;
    for query in [
        "theme=cooking",
        "near=46.5,0.3",
        "near=a,b,c",
        "near=NaN,0,10",
        "near=95,0,10",
        "from=yesterday",
        "from=2030-02-30",
        "to=2030-01-01&from=2030-02-01",
        "limit=0",
        "limit=-3",
        "limit=99999999",
        "language=%3Cscript%3E",
        "colour=red",
    ] {
        for path in [
            "/calendar.ics",
            "/t/fablab/calendar.ics",
            "/widget/agenda",
            "/widget/agenda.json",
        ] {
            let f = fetch(node, &format!("{path}?{query}")).await;
            assert_eq!(f.status, 400, "{path}?{query}: {}", f.body);
            let body: Value = serde_json::from_str(&f.body).unwrap();
            assert!(
                !body["message"].as_str().unwrap().is_empty(),
                "{path}?{query}"
            );
        }
    }
    let f = fetch(node, "/t/fablab/calendar.ics?territory=other").await;
    assert_eq!(f.status, 400);
    for path in [
        "/t/nowhere/calendar.ics",
        "/t/nowhere/feed.atom",
        "/calendar.ics?territory=nowhere",
        "/widget/agenda?territory=nowhere",
        "/events/not-a-uuid/event.ics",
        "/events/0190a0a0-0000-7000-8000-000000000000/event.ics",
    ] {
        assert_eq!(fetch(node, path).await.status, 404, "{path}");
    }
}

#[tokio::test]
async fn one_event_file_edits_and_deletions() {
    let fx = fixture().await;
    let node = &fx.node;
    let id = &fx.ids["summer"];
    let (_, cal) = calendar(node, &format!("/events/{id}/event.ics")).await;
    assert_eq!(titles(&cal), ["Repair café d'été"]);
    assert!(timezones(&cal).contains_key("Europe/Paris"));
    let first = cal.events().next().unwrap().get_sequence().unwrap();
    // A past event can still be added to a calendar.
    let (_, old) = calendar(node, &format!("/events/{}/event.ics", fx.ids["old"])).await;
    assert_eq!(titles(&old), ["Très ancien"]);

    // An edit shows, with a higher SEQUENCE.
    tokio::time::sleep(std::time::Duration::from_millis(1100)).await;
    let (status, body) = node
        .send(
            Method::PATCH,
            &format!("/api/v1/events/{id}"),
            Some(&fx.token),
            Some(json!({"title": "Repair café d'été (complet)"})),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    let (_, cal) = calendar(node, &format!("/events/{id}/event.ics")).await;
    let edited = cal.events().next().unwrap();
    assert_eq!(edited.get_summary(), Some("Repair café d'été (complet)"));
    assert!(edited.get_sequence().unwrap() > first);

    // Deleted: gone from every calendar, and its own file answers 410.
    let (status, _) = node
        .send(
            Method::DELETE,
            &format!("/api/v1/events/{id}"),
            Some(&fx.token),
            None,
        )
        .await;
    assert_eq!(status, 204);
    let uid = node.url(&format!("/events/{id}"));
    for path in ["/t/fablab/calendar.ics", "/calendar.ics"] {
        let (_, cal) = calendar(node, path).await;
        assert!(!by_uid(&cal).contains_key(&uid), "{path}");
        assert_eq!(cal.events().count(), 3, "{path}");
    }
    assert_eq!(
        fetch(node, &format!("/events/{id}/event.ics")).await.status,
        410
    );
    // Resources are not events.
    let (_, res) = node
        .send(
            Method::POST,
            "/api/v1/territories/fablab/resources",
            Some(&fx.token),
            Some(json!({"title": "Guide", "type": "guide", "body": "x"})),
        )
        .await;
    let path = format!("/events/{}/event.ics", res["id"].as_str().unwrap());
    assert_eq!(fetch(node, &path).await.status, 404);
}

#[tokio::test]
async fn atom_feed_lists_publications_newest_first() {
    let fx = fixture().await;
    let node = &fx.node;
    let (_, res) = node
        .send(
            Method::POST,
            "/api/v1/territories/fablab/resources",
            Some(&fx.token),
            Some(json!({"title": "Guide du repair café", "type": "guide",
                        "body": "# Étapes\n\n**Démonter** puis <script>alert(1)</script> <img src=x onerror=alert(1)>"})),
        )
        .await;
    let (status, call) = node
        .send(
            Method::POST,
            "/api/v1/territories/fablab/calls",
            Some(&fx.token),
            Some(json!({"title": "Cherche bénévoles", "type": "need", "deadline": "2030-01-31"})),
        )
        .await;
    assert_eq!(status, 201, "{call}");
    let f = fetch(node, "/t/fablab/feed.atom").await;
    assert_eq!(f.status, 200, "{}", f.body);
    assert_eq!(
        header(&f, "content-type"),
        "application/atom+xml; charset=utf-8"
    );
    let feed = atom_syndication::Feed::from_str(&f.body).unwrap();
    assert_eq!(feed.title.as_str(), "Fablab de Poitiers");
    assert_eq!(feed.authors[0].name, "Fablab de Poitiers");
    assert!(
        feed.links
            .iter()
            .any(|l| l.rel == "alternate" && l.href == node.url("/t/fablab"))
    );
    let ids: Vec<&str> = feed.entries.iter().map(|e| e.id.as_str()).collect();
    // Newest first: the call, the resource, then the events in reverse order of creation.
    assert_eq!(ids.len(), 7);
    let url = |collection: &str, v: &Value| {
        node.url(&format!("/{collection}/{}", v["id"].as_str().unwrap()))
    };
    assert_eq!(ids[0], url("calls", &call));
    assert_eq!(ids[1], url("resources", &res));
    assert_eq!(ids[2], node.url(&format!("/events/{}", fx.ids["old"])));
    assert_eq!(ids[6], node.url(&format!("/events/{}", fx.ids["summer"])));
    for entry in &feed.entries {
        assert_eq!(entry.links[0].rel, "alternate");
        assert_eq!(entry.links[0].href, entry.id);
        assert_eq!(entry.authors[0].name, "Fablab de Poitiers");
        assert!(entry.summary.is_some());
        let Some(content) = entry.content.as_ref() else {
            continue;
        };
        assert_eq!(content.content_type.as_deref(), Some("html"));
        let html = content.value.as_deref().unwrap_or_default();
        assert!(!html.contains("<script"), "{html}");
        assert!(!html.contains("onerror"), "{html}");
    }
    assert_eq!(
        feed.entries.iter().filter(|e| e.content.is_some()).count(),
        3
    );
    let guide = &feed.entries[1];
    assert_eq!(guide.title.as_str(), "Guide du repair café");
    assert!(
        guide
            .content
            .as_ref()
            .unwrap()
            .value
            .as_deref()
            .unwrap()
            .contains("<strong>Démonter</strong>")
    );
    assert!(feed.updated >= guide.updated);
}

#[tokio::test]
async fn widget_page_is_frameable_self_contained_and_escaped() {
    let fx = fixture().await;
    let node = &fx.node;
    let f = fetch(node, "/widget/agenda?territory=fablab&limit=3").await;
    assert_eq!(f.status, 200, "{}", f.body);
    assert!(header(&f, "content-type").starts_with("text/html"));
    assert!(
        header(&f, "content-security-policy").contains("frame-ancestors *"),
        "{:?}",
        f.headers
    );
    assert!(f.headers.get("x-frame-options").is_none());
    let html = &f.body;
    for external in ["<script", "<link", "src=", "@import", "url("] {
        assert!(!html.contains(external), "{external} in widget");
    }
    // Upcoming only, soonest first, three at most, each opening the event page.
    let summer = html.find("Repair café").unwrap();
    let montreal = html.find("Hackathon Montréal").unwrap();
    let winter = html
        .find("Atelier &lt;b&gt;soudure&lt;&#x2f;b&gt;")
        .unwrap();
    assert!(summer < montreal && montreal < winter);
    assert!(!html.contains("<b>soudure"));
    assert!(!html.contains("Café passé"));
    for name in ["summer", "montreal", "winter"] {
        let link = format!(
            "href=\"{}\" target=\"_blank\"",
            node.url(&format!("/events/{}", fx.ids[name]))
                .replace('/', "&#x2f;")
        );
        assert!(html.contains(&link), "{link} in {html}");
    }
    assert!(html.contains("mercredi 10 juillet 2030, 18:00–21:00"));
    assert!(html.contains("annulé"));

    let f = fetch(node, "/widget/agenda?theme=climate").await;
    assert!(f.body.contains("Repair café") && !f.body.contains("Hackathon"));
    let f = fetch(node, "/widget/agenda?q=rien").await;
    assert!(f.body.contains("Aucun événement à venir."));
}

#[tokio::test]
async fn widget_json_is_open_to_other_origins() {
    let fx = fixture().await;
    let node = &fx.node;
    let response = node
        .http
        .get(node.url("/widget/agenda.json?territory=fablab&limit=2"))
        .header("Origin", "https://partner.example")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["access-control-allow-origin"], "*");
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["title"], "Fablab de Poitiers");
    assert_eq!(body["more"], node.url("/t/fablab"));
    let items = body["items"].as_array().unwrap();
    assert_eq!(items.len(), 2);
    assert_eq!(items[0]["title"], "Repair café d'été");
    assert_eq!(items[0]["starts_at"], "2030-07-10T18:00:00+02:00");
    assert_eq!(items[0]["timezone"], "Europe/Paris");
    assert_eq!(
        items[0]["url"],
        node.url(&format!("/events/{}", fx.ids["summer"]))
    );
    assert_eq!(items[1]["starts_at"], "2030-11-01T19:00:00-04:00");
    assert_eq!(items[1]["timezone"], "America/Montreal");

    // A preflight is answered for GET only.
    let preflight = node
        .http
        .request(Method::OPTIONS, node.url("/widget/agenda.json"))
        .header("Origin", "https://partner.example")
        .header("Access-Control-Request-Method", "GET")
        .send()
        .await
        .unwrap();
    assert!(preflight.status().is_success());
    assert_eq!(preflight.headers()["access-control-allow-origin"], "*");
    let methods = preflight.headers()["access-control-allow-methods"]
        .to_str()
        .unwrap();
    assert_eq!(methods, "GET");
    let post = node
        .http
        .post(node.url("/widget/agenda.json"))
        .send()
        .await
        .unwrap();
    assert_eq!(post.status(), 405);
}

#[tokio::test]
async fn web_component_is_served_from_the_binary() {
    let node = Node::start(Backend::Sqlite).await.unwrap();
    let f = fetch(&node, "/assets/rhizome-agenda.js").await;
    assert_eq!(f.status, 200);
    assert_eq!(header(&f, "content-type"), "text/javascript; charset=utf-8");
    assert!(header(&f, "cache-control").contains("max-age="));
    assert!(f.body.contains("customElements.define(\"rhizome-agenda\""));
    assert!(f.body.contains("/widget/agenda.json"));
    assert!(f.body.contains("Intl.DateTimeFormat"));
    assert!(!f.body.contains("innerHTML"));
    assert!(!f.body.contains("insertAdjacentHTML"));
}

/// An old row holding control characters (stored before they were refused) is written
/// without them: the Atom feed stays XML a strict parser reads, the calendars stay
/// RFC 5545 text.
#[tokio::test]
async fn feeds_stay_well_formed_with_control_characters_in_a_stored_row() {
    let fx = fixture().await;
    let node = &fx.node;
    let id: uuid::Uuid = fx.ids["summer"].parse().unwrap();
    let mut publication = node.store.publication(id).await.unwrap().unwrap();
    let rhizome_node::PublicationBody::Event(event) = &mut publication.body else {
        panic!("an event");
    };
    event.title = "Repair\u{0} café\u{1b}".into();
    event.description = "Ligne\u{0}un\r\nligne\u{8} deux\rtrois".into();
    if let Some(place) = event.place.as_mut() {
        place.name = Some("Fab\u{0}lab".into());
    }
    node.store
        .update_publication(&publication, None)
        .await
        .unwrap();

    let f = fetch(node, "/t/fablab/feed.atom").await;
    assert_eq!(f.status, 200, "{}", f.body);
    let document = roxmltree::Document::parse(&f.body)
        .unwrap_or_else(|e| panic!("the feed is not well-formed XML: {e}"));
    let titles: Vec<&str> = document
        .descendants()
        .filter(|n| n.has_tag_name("title"))
        .filter_map(|n| n.text())
        .collect();
    assert!(titles.contains(&"Repair café"), "{titles:?}");

    for path in ["/t/fablab/calendar.ics", &format!("/events/{id}/event.ics")] {
        let (body, cal) = calendar(node, path).await;
        assert!(
            !body
                .chars()
                .any(|c| c.is_control() && !matches!(c, '\r' | '\n' | '\t')),
            "{path}: {body:?}"
        );
        assert!(!body.replace("\r\n", "").contains('\r'), "{path}: bare CR");
        let events = by_uid(&cal);
        let summer = &events[&node.url(&format!("/events/{id}"))];
        assert_eq!(summer.get_summary(), Some("Repair café"));
    }
}

/// A local event's status, zone and place reach the network views as the event itself
/// says them: the network API, the `/events` page (with the event page's words) and the
/// network calendar (STATUS, LOCATION, times with the event's TZID and its VTIMEZONE).
#[tokio::test]
async fn network_views_say_what_the_event_says() {
    let fx = fixture().await;
    let node = &fx.node;
    let summer = &fx.ids["summer"];
    let (status, body) = node
        .send(
            Method::PATCH,
            &format!("/api/v1/events/{summer}"),
            Some(&fx.token),
            Some(json!({"status": "cancelled"})),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    let (_, own) = node
        .send(Method::GET, &format!("/api/v1/events/{summer}"), None, None)
        .await;
    assert_eq!(own["status"], "cancelled");

    let (_, network) = node
        .send(Method::GET, "/api/v1/network/events", None, None)
        .await;
    let items = network["items"].as_array().unwrap();
    let item = |name: &str| {
        let id = node.url(&format!("/events/{}", fx.ids[name]));
        items
            .iter()
            .find(|i| i["id"] == id)
            .unwrap_or_else(|| panic!("{name} not listed: {network}"))
            .clone()
    };
    let listed = item("summer");
    assert_eq!(listed["status"], own["status"]);
    assert_eq!(listed["timezone"], "Europe/Paris");
    assert_eq!(listed["place"], "Fablab, 1 rue de la Paix, Poitiers");
    assert_eq!(item("montreal")["timezone"], "America/Montreal");
    assert_eq!(item("montreal")["status"], "scheduled");

    // The list page marks it with the words of the event's own page.
    let page = fetch(node, "/events").await;
    assert_eq!(page.status, 200);
    let document = scraper::Html::parse_document(&page.body);
    let line = scraper::Selector::parse("li.item").unwrap();
    let mark = scraper::Selector::parse(".status").unwrap();
    let summer_line = document
        .select(&line)
        .find(|li| li.text().any(|t| t.contains("Repair café d'été")))
        .expect("the event is listed");
    let listed_mark: String = summer_line.select(&mark).flat_map(|m| m.text()).collect();
    let own_page = fetch(node, &format!("/events/{summer}")).await;
    let own_document = scraper::Html::parse_document(&own_page.body);
    let own_mark: String = own_document.select(&mark).flat_map(|m| m.text()).collect();
    assert!(!own_mark.trim().is_empty(), "{}", own_page.body);
    assert_eq!(listed_mark.trim(), own_mark.trim());

    // The network calendar.
    let (text, cal) = calendar(node, "/network/calendar.ics").await;
    let events = by_uid(&cal);
    let uid = |name: &str| node.url(&format!("/events/{}", fx.ids[name]));
    let summer_event = events[&uid("summer")];
    assert_eq!(summer_event.get_status(), Some(EventStatus::Cancelled));
    assert_eq!(
        summer_event.get_location(),
        Some("Fablab, 1 rue de la Paix, Poitiers")
    );
    assert_eq!(
        local(summer_event.get_start().unwrap()),
        ("Europe/Paris".into(), "20300710T180000".into())
    );
    let montreal = events[&uid("montreal")];
    assert_eq!(montreal.get_status(), Some(EventStatus::Confirmed));
    let zones = timezones(&cal);
    assert!(zones.contains_key("America/Montreal"), "{text}");
    assert_eq!(
        instant(&zones, montreal.get_start().unwrap()),
        "2030-11-01T23:00:00Z".parse::<DateTime<Utc>>().unwrap()
    );
}
