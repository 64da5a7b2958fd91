//! Our actors: each territory is an `Organization` that Mastodon follows like any account;
//! the node itself is an `Application` (FEP-2677) that signs fetches.

use rhizome_node::Territory;
use rhizome_node::markdown;
use serde_json::{Value, json};

use super::{hashtags, place_json, with_context};
use crate::urls::Urls;

/// A territory's actor document, as served at its URL.
pub fn territory(urls: &Urls, t: &Territory, public_pem: &str) -> Value {
    with_context(territory_object(urls, t, public_pem))
}

/// A territory's actor without `@context`, as embedded in its `Update`.
pub fn territory_object(urls: &Urls, t: &Territory, public_pem: &str) -> Value {
    let p = &t.profile;
    let id = urls.territory(&p.slug);
    let mut fields = Vec::new();
    if let Some(website) = &p.website {
        let href = markdown::escape(website.as_str());
        fields.push(json!({"type": "PropertyValue", "name": "Site", "value": format!("<a href=\"{href}\" rel=\"me nofollow noopener\">{href}</a>")}));
    }
    if let Some(contact) = &p.contact {
        fields.push(
            json!({"type": "PropertyValue", "name": "Contact", "value": markdown::escape(contact)}),
        );
    }
    let mut actor = json!({
        "id": id,
        "type": "Organization",
        "preferredUsername": p.slug,
        "name": p.name,
        "summary": markdown::to_html(&p.description),
        "url": id,
        "inbox": urls.inbox(&p.slug),
        "outbox": urls.outbox(&p.slug),
        "followers": urls.followers(&p.slug),
        "endpoints": {"sharedInbox": urls.shared_inbox()},
        "publicKey": {"id": Urls::key_id(&id), "owner": id, "publicKeyPem": public_pem},
        "manuallyApprovesFollowers": p.manually_approves_followers,
        "discoverable": true,
        "indexable": true,
        "published": t.created_at,
        "tag": hashtags(urls, &p.themes, &p.tags),
        "attachment": fields,
        "kind": p.kind,
        "themes": p.themes,
        "inLanguage": p.languages,
    });
    if !p.place.is_empty() {
        actor["location"] = place_json(&p.place);
    }
    actor
}

/// The node's own actor. It follows nothing on its own yet; it signs GETs and will carry
/// node-to-node subscriptions.
pub fn instance(urls: &Urls, domain: &str, public_pem: &str) -> Value {
    let id = urls.instance_actor();
    with_context(json!({
        "id": id,
        "type": "Application",
        "preferredUsername": domain,
        "name": format!("Rhizome · {domain}"),
        "summary": "Nœud Rhizome d'un réseau de territoires apprenants.",
        "url": urls.base,
        "inbox": urls.shared_inbox(),
        "outbox": format!("{id}/outbox"),
        "endpoints": {"sharedInbox": urls.shared_inbox()},
        "publicKey": {"id": Urls::key_id(&id), "owner": id, "publicKeyPem": public_pem},
        "manuallyApprovesFollowers": true,
        "discoverable": false,
    }))
}
