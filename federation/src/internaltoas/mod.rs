//! Domain -> AS: what Rhizome sends. Territories become `Organization` actors, events
//! `Event`, resources and calls `Page`. Its opposite (AS -> domain) is `astointernal/`.

pub mod actor;
pub mod answer;
pub mod collective;
pub mod publication;

use serde_json::{Value, json};

use crate::protocol::context;

/// A typed wire shape as JSON. Ours hold only strings, numbers, lists and JSON values, so
/// this cannot fail; if it ever did, the error is logged and the value is `null`.
pub fn as_json(shape: &impl serde::Serialize) -> Value {
    serde_json::to_value(shape).unwrap_or_else(|e| {
        tracing::error!(error = %e, "wire shape not serialisable");
        Value::Null
    })
}

/// Adds the JSON-LD context to an object served on its own.
pub fn with_context(mut object: Value) -> Value {
    if let Some(map) = object.as_object_mut() {
        let mut out = serde_json::Map::new();
        out.insert("@context".into(), context());
        out.append(map);
        return Value::Object(out);
    }
    object
}

/// A place as Mobilizon writes it: `Place` with a `PostalAddress` and coordinates.
pub fn place_json(place: &rhizome_node::place::Place) -> Value {
    let mut value = json!({"type": "Place", "name": place.name.clone().or_else(|| place.address.clone()).unwrap_or_default()});
    if let Some(address) = &place.address {
        value["address"] = json!({"type": "PostalAddress", "streetAddress": address});
    }
    if let (Some(lat), Some(lon)) = (place.latitude, place.longitude) {
        value["latitude"] = json!(lat);
        value["longitude"] = json!(lon);
    }
    value
}

/// Themes and free tags as Mastodon-style hashtags.
pub fn hashtags(
    urls: &crate::urls::Urls,
    themes: &[rhizome_node::theme::Theme],
    tags: &[String],
) -> Vec<Value> {
    themes
        .iter()
        .map(|t| t.slug().replace('_', ""))
        .chain(tags.iter().cloned())
        .map(|tag| json!({"type": "Hashtag", "name": format!("#{tag}"), "href": urls.tag(&tag)}))
        .collect()
}
