//! AS -> domain: what Rhizome reads from other servers' objects. Its opposite, domain ->
//! AS (what we send), is `internaltoas/`; the inbound activities themselves are read in
//! `protocol::inbound`.

pub mod answer;
pub mod facts;

use chrono::{DateTime, Utc};
use rhizome_node::network::RemotePublication;
use rhizome_node::theme::Theme;
use rhizome_node::{PublicationKind, now};
use serde_json::Value;

use crate::protocol::{ObjectType, id_of, ids_of};

/// A remote publication with what scopes filter on.
#[derive(Debug)]
pub struct Parsed {
    pub publication: RemotePublication,
    pub themes: Vec<Theme>,
    pub position: Option<(f64, f64)>,
}

/// Reads an Event or Page from another server. Its id must be on its author's host.
pub fn publication(object: &Value, actor_id: &str) -> Result<Parsed, String> {
    let id = id_of(object).ok_or("object without id")?;
    let same_host = url::Url::parse(id)
        .ok()
        .and_then(|u| u.host_str().map(str::to_owned))
        == url::Url::parse(actor_id)
            .ok()
            .and_then(|u| u.host_str().map(str::to_owned));
    if !same_host {
        return Err(format!("{id} is not on its author's host"));
    }
    read_publication(object, actor_id)
}

/// Reads an Event or Page that `author_id` announced and that was fetched from its origin,
/// another server (a Mobilizon group passing on what a member elsewhere wrote): the
/// origin answers for the id, the announcing author for the attribution, which must
/// name it.
pub fn announced_publication(object: &Value, author_id: &str) -> Result<Parsed, String> {
    if !ids_of(object.get("attributedTo").unwrap_or(&Value::Null)).contains(&author_id) {
        return Err(format!("its origin does not attribute it to {author_id}"));
    }
    read_publication(object, author_id)
}

fn read_publication(object: &Value, actor_id: &str) -> Result<Parsed, String> {
    let id = id_of(object).ok_or("object without id")?;
    let attributed = ids_of(object.get("attributedTo").unwrap_or(&Value::Null));
    if !attributed.is_empty() && !attributed.contains(&actor_id) {
        return Err("the object is attributed to someone else".into());
    }
    let kind = match ObjectType::of(object) {
        Some(ObjectType::Event) => PublicationKind::Event,
        Some(ObjectType::Page) if object.get("callType").is_some() => PublicationKind::Call,
        Some(ObjectType::Page | ObjectType::Article) => PublicationKind::Resource,
        _ => {
            let named = object.get("type").and_then(Value::as_str);
            return Err(format!("not an event, resource or call: {named:?}"));
        }
    };
    let time = |field: &str| {
        object
            .get(field)
            .and_then(Value::as_str)
            .and_then(|s| DateTime::parse_from_rfc3339(s).ok())
            .map(|t| t.with_timezone(&Utc))
    };
    let title: String = object
        .get("name")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .chars()
        .take(300)
        .collect();
    if title.trim().is_empty() {
        return Err("no name".into());
    }
    let starts_at = time("startTime");
    if kind == PublicationKind::Event && starts_at.is_none() {
        return Err("an event without startTime".into());
    }
    let ends_at = time("endTime");
    // Dates are stored, indexed and written in calendars alike only within these years.
    for (field, date) in [("startTime", starts_at), ("endTime", ends_at)] {
        if let Some(date) = date {
            rhizome_node::validation::year_in_range(field, date).map_err(|e| e.to_string())?;
        }
    }
    let published = time("published").unwrap_or_else(now);
    // Read once here, kept with the publication: the network index is built from them.
    let facts = facts::remote_facts(object);
    Ok(Parsed {
        publication: RemotePublication {
            id: id.to_owned(),
            actor_id: actor_id.to_owned(),
            kind,
            title,
            starts_at,
            ends_at: ends_at.or(starts_at),
            object: object.clone(),
            published,
            updated: time("updated").unwrap_or(published),
            deleted_at: None,
            facts: facts.clone(),
        },
        themes: facts.themes,
        position: facts.position,
    })
}
