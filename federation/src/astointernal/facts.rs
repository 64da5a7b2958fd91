//! From ActivityStreams to the domain: what the network views need of a remote `Event` or
//! `Page` ([`RemoteFacts`]), read once when the object arrives. Storage keeps these facts
//! and never reads the object's JSON; rows stored before the facts were kept are converted
//! here when the node opens its database.

use rhizome_node::listing::{
    MAX_SUMMARY_CHARS, RemoteDetails, RemoteFacts, cut, html_text, one_line,
};
use rhizome_node::publication::event::EventStatus;
use rhizome_node::store::StoreError;
use rhizome_node::store::prelude::*;
use rhizome_node::theme::Theme;
use rhizome_node::validation::{MAX_LIST, MAX_SHORT};
use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::protocol::{id_of, ids_of};

/// The longest outcome kept from a remote call, as plain text.
const MAX_OUTCOME_CHARS: usize = 2000;

/// How many unconverted rows are read at a time.
const CONVERT_BATCH: i64 = 200;

/// Reads an ActivityStreams `Event` or `Page`; absent fields stay empty.
pub fn remote_facts(object: &Value) -> RemoteFacts {
    let text = |field: &str| object.get(field).and_then(Value::as_str).unwrap_or("");
    let mut themes: Vec<Theme> = array(object.get("themes"))
        .filter_map(|t| t.as_str().and_then(Theme::from_slug))
        .collect();
    let mut keywords = vec![cut(&html_text(text("content")), 1000)];
    for tag in array(object.get("tag")) {
        let name = tag.get("name").and_then(Value::as_str).unwrap_or_default();
        let name = name.trim_start_matches('#');
        keywords.push(name.to_owned());
        let name = name.to_lowercase();
        themes.extend(
            Theme::ALL
                .into_iter()
                .filter(|t| t.slug().replace('_', "") == name),
        );
    }
    for place in array(object.get("location")) {
        for field in ["name", "address"] {
            if let Some(s) = place.get(field).and_then(Value::as_str) {
                keywords.push(s.to_owned());
            }
        }
    }
    let position = array(object.get("location"))
        .find_map(|l| Some((l.get("latitude")?.as_f64()?, l.get("longitude")?.as_f64()?)))
        .filter(|(lat, lon)| lat.is_finite() && lon.is_finite());
    let language = object
        .get("inLanguage")
        .and_then(Value::as_str)
        .or_else(|| {
            object
                .get("contentMap")
                .and_then(Value::as_object)
                .and_then(|m| m.keys().next())
                .map(String::as_str)
        })
        .map(|l| l.chars().take(35).collect());
    let timezone = object
        .get("timezone")
        .and_then(Value::as_str)
        .filter(|z| z.parse::<chrono_tz::Tz>().is_ok())
        .map(str::to_owned);
    RemoteFacts {
        summary: cut(&html_text(text("summary")), MAX_SUMMARY_CHARS),
        language,
        themes: rhizome_node::validation::unique(themes),
        position,
        keywords: keywords.join(" "),
        status: remote_status(object),
        timezone,
        place: array(object.get("location")).find_map(remote_place),
        details: remote_details(object),
    }
}

/// The fields Rhizome nodes send beyond what lists need (`docs/FEDERATION.md`); what is
/// absent or malformed stays empty.
fn remote_details(object: &Value) -> RemoteDetails {
    fn term<T: DeserializeOwned>(object: &Value, field: &str) -> Option<T> {
        serde_json::from_value(object.get(field)?.clone()).ok()
    }
    let texts = |field: &str| -> Vec<String> {
        array(object.get(field))
            .filter_map(Value::as_str)
            .map(|s| cut(&one_line(s), MAX_SHORT))
            .filter(|s| !s.is_empty())
            .take(MAX_LIST)
            .collect()
    };
    let web_id = |id: &str| {
        url::Url::parse(id)
            .ok()
            .filter(|u| matches!(u.scheme(), "https" | "http") && u.host().is_some())
            .map(|u| u.to_string())
    };
    RemoteDetails {
        call_type: term(object, "callType"),
        call_status: term(object, "callStatus"),
        objectives: texts("objectives"),
        skills_wanted: texts("skillsWanted"),
        outcome: object
            .get("outcome")
            .and_then(Value::as_str)
            .map(|html| cut(html_text(html).trim(), MAX_OUTCOME_CHARS))
            .filter(|s| !s.is_empty()),
        organisers: texts("organisers"),
        partners: ids_of(object.get("partners").unwrap_or(&Value::Null))
            .into_iter()
            .filter_map(web_id)
            .take(MAX_LIST)
            .collect(),
        related_event: object.get("relatedEvent").and_then(id_of).and_then(web_id),
        license: object.get("license").and_then(id_of).and_then(web_id),
        level: term(object, "educationalLevel"),
        audience: texts("audienceType"),
        radius_km: object
            .get("radiusKm")
            .and_then(Value::as_f64)
            .filter(|r| r.is_finite() && *r > 0.0 && *r <= 20_000.0),
    }
}

/// Gives the facts to every stored remote publication that has none yet (stored before
/// they were kept), reading them from the object stored with it; returns how many. Run
/// when the node opens its database, before anything reads them.
pub async fn convert_stored(store: &dyn Store) -> Result<u64, StoreError> {
    let mut converted = 0;
    loop {
        let batch = store.remote_objects_without_facts(CONVERT_BATCH).await?;
        if batch.is_empty() {
            break;
        }
        for (id, object) in &batch {
            store.set_remote_facts(id, &remote_facts(object)).await?;
            converted += 1;
        }
    }
    if converted > 0 {
        tracing::info!(converted, "remote publications given their facts");
    }
    Ok(converted)
}

/// An event status as other servers write it: schema.org's terms (`sc:EventCancelled`,
/// `https://schema.org/EventCancelled`, `EventCancelled`) or iCalendar's (`CANCELLED`).
fn remote_status(object: &Value) -> Option<EventStatus> {
    let term = |field: &str| object.get(field).and_then(Value::as_str);
    let schema = term("eventStatus").map(|s| {
        s.rsplit([':', '/', '#'])
            .next()
            .unwrap_or_default()
            .to_ascii_lowercase()
    });
    match schema.as_deref() {
        Some("eventscheduled" | "eventmovedonline") => return Some(EventStatus::Scheduled),
        Some("eventcancelled") => return Some(EventStatus::Cancelled),
        Some("eventpostponed" | "eventrescheduled") => return Some(EventStatus::Postponed),
        _ => {}
    }
    match term("ical:status")?.to_ascii_uppercase().as_str() {
        "CONFIRMED" => Some(EventStatus::Scheduled),
        "CANCELLED" => Some(EventStatus::Cancelled),
        "TENTATIVE" => Some(EventStatus::Postponed),
        _ => None,
    }
}

/// A place's name and address on one line; the address may be text or a schema.org
/// `PostalAddress`.
fn remote_place(place: &Value) -> Option<String> {
    fn text(v: Option<&Value>) -> Option<&str> {
        v.and_then(Value::as_str)
            .map(str::trim)
            .filter(|s| !s.is_empty())
    }
    let address = match place.get("address") {
        Some(Value::Object(a)) => {
            let parts: Vec<&str> = ["streetAddress", "postalCode", "addressLocality"]
                .iter()
                .filter_map(|k| text(a.get(*k)))
                .collect();
            (!parts.is_empty()).then(|| parts.join(" "))
        }
        other => text(other).map(str::to_owned),
    };
    let label: Vec<String> = text(place.get("name"))
        .map(str::to_owned)
        .into_iter()
        .chain(address)
        .collect();
    (!label.is_empty()).then(|| cut(&one_line(&label.join(", ")), MAX_SUMMARY_CHARS))
}

/// A JSON value as a list: an array's items, one item, or nothing.
fn array(value: Option<&Value>) -> impl Iterator<Item = &Value> {
    let items: Vec<&Value> = match value {
        Some(Value::Array(items)) => items.iter().collect(),
        Some(Value::Null) | None => vec![],
        Some(other) => vec![other],
    };
    items.into_iter()
}

#[cfg(test)]
mod tests {
    use super::*;
    use rhizome_node::publication::call::{CallStatus, CallType};
    use rhizome_node::publication::resource::Level;
    use serde_json::json;

    #[test]
    fn an_event_says_its_status_zone_place_and_language() {
        let facts = remote_facts(&json!({
            "type": "Event", "name": "Fête", "summary": "<p>Une <b>fête</b></p>",
            "contentMap": {"fr": "<p>Au parc</p>"}, "content": "<p>Au parc</p>",
            "timezone": "Europe/Brussels",
            "eventStatus": "https://schema.org/EventPostponed",
            "tag": [{"type": "Hashtag", "name": "#Climate"}],
            "location": {"type": "Place", "name": "Parc", "latitude": 50.6, "longitude": 5.57,
                         "address": {"type": "PostalAddress", "streetAddress": "2 allée",
                                     "addressLocality": "Liège"}}
        }));
        assert_eq!(
            facts,
            RemoteFacts {
                summary: "Une fête".into(),
                language: Some("fr".into()),
                themes: vec![Theme::Climate],
                position: Some((50.6, 5.57)),
                keywords: "Au parc Climate Parc".into(),
                status: Some(EventStatus::Postponed),
                timezone: Some("Europe/Brussels".into()),
                place: Some("Parc, 2 allée Liège".into()),
                details: RemoteDetails::default(),
            }
        );
    }

    #[test]
    fn what_rhizome_nodes_add_is_read_back_and_bounded() {
        let call = remote_facts(&json!({
            "type": "Page", "callType": "partners", "callStatus": "closed",
            "objectives": ["Former  des\njeunes", 3], "skillsWanted": ["soudure", ""],
            "outcome": "<p>Deux <b>ateliers</b> ouverts</p>",
        }));
        assert_eq!(
            call.details,
            RemoteDetails {
                call_type: Some(CallType::Partners),
                call_status: Some(CallStatus::Closed),
                objectives: vec!["Former des jeunes".into()],
                skills_wanted: vec!["soudure".into()],
                outcome: Some("Deux ateliers ouverts".into()),
                ..Default::default()
            }
        );
        let event = remote_facts(&json!({
            "type": "Event", "organisers": "Atelier vélo",
            "partners": ["https://other.example/t/lab", {"id": "https://third.example/t/x"}, "javascript:alert(1)"],
        }));
        assert_eq!(event.details.organisers, vec!["Atelier vélo".to_owned()]);
        assert_eq!(
            event.details.partners,
            vec!["https://other.example/t/lab", "https://third.example/t/x"]
        );
        let resource = remote_facts(&json!({
            "type": "Page", "license": "https://creativecommons.org/licenses/by-sa/4.0/",
            "educationalLevel": "advanced", "audienceType": ["12-17", "familles"],
            "relatedEvent": "https://other.example/events/1",
            "callType": "nonsense",
        }));
        assert_eq!(resource.details.level, Some(Level::Advanced));
        assert_eq!(resource.details.call_type, None);
        assert_eq!(resource.details.audience, vec!["12-17", "familles"]);
        assert_eq!(
            resource.details.related_event.as_deref(),
            Some("https://other.example/events/1")
        );
        let long = "x".repeat(5000);
        let bounded = remote_facts(&json!({"outcome": long, "skillsWanted": vec!["y"; 80]}));
        assert!(bounded.details.outcome.unwrap().chars().count() <= MAX_OUTCOME_CHARS + 1);
        assert_eq!(bounded.details.skills_wanted.len(), MAX_LIST);
    }

    #[test]
    fn statuses_in_either_vocabulary_and_unknown_zones() {
        let status = |object: Value| remote_facts(&object).status;
        assert_eq!(
            status(json!({"eventStatus": "sc:EventCancelled"})),
            Some(EventStatus::Cancelled)
        );
        assert_eq!(
            status(json!({"ical:status": "tentative"})),
            Some(EventStatus::Postponed)
        );
        assert_eq!(status(json!({"eventStatus": "whatever"})), None);
        let facts = remote_facts(&json!({"timezone": "Europe/Poitiers", "inLanguage": "en"}));
        assert_eq!(facts.timezone, None);
        assert_eq!(facts.language.as_deref(), Some("en"));
        assert_eq!(
            remote_facts(&json!("not an object")),
            RemoteFacts::default()
        );
    }

    /// A row stored before facts were kept (its facts column empty) gets them from its
    /// stored object when the node opens the database, and is listed again.
    #[tokio::test]
    async fn stored_objects_without_facts_are_converted() {
        use rhizome_node::listing::ListingQuery;
        use rhizome_node::network::RemotePublication;
        use rhizome_node::store::{SqliteStore, prelude::*};
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("rhizome.db");
        let store = SqliteStore::open(&path).await.unwrap();
        store.migrate().await.unwrap();
        let object = json!({"id": "https://other.example/resources/1", "type": "Page",
                            "name": "Verger", "summary": "<p>Un verger partagé</p>",
                            "inLanguage": "fr", "themes": ["food_health"]});
        let publication = RemotePublication {
            id: "https://other.example/resources/1".into(),
            actor_id: "https://other.example/t/lab".into(),
            kind: rhizome_node::PublicationKind::Resource,
            title: "Verger".into(),
            starts_at: None,
            ends_at: None,
            object: object.clone(),
            published: rhizome_node::now(),
            updated: rhizome_node::now(),
            deleted_at: None,
            facts: RemoteFacts::default(),
        };
        store.upsert_remote_publication(&publication).await.unwrap();
        let raw = sqlx::SqlitePool::connect(&format!("sqlite://{}", path.display()))
            .await
            .unwrap();
        sqlx::query("UPDATE remote_publications SET facts = NULL")
            .execute(&raw)
            .await
            .unwrap();
        raw.close().await;
        assert!(store.remote_publication(&publication.id).await.is_err());

        assert_eq!(convert_stored(&store).await.unwrap(), 1);
        let stored = store.remote_publication(&publication.id).await.unwrap();
        assert_eq!(stored.unwrap().facts, remote_facts(&object));
        let listed = store
            .listings(&ListingQuery {
                q: Some("verger".into()),
                limit: 10,
                ..Default::default()
            })
            .await
            .unwrap();
        assert_eq!(listed[0].summary, "Un verger partagé");
        assert_eq!(convert_stored(&store).await.unwrap(), 0, "nothing left");
    }
}
