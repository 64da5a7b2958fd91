//! Our actors: each territory is an `Organization` that Mastodon follows like any account;
//! festivals, collections and collectives are `Group`s (FEP-1b12: they `Announce` what
//! is added to them); the node itself is an `Application` (FEP-2677) that signs fetches.

use chrono::{DateTime, Utc};
use rhizome_node::Territory;
use rhizome_node::inventory::InventoryEntry;
use rhizome_node::markdown;
use rhizome_node::territory::{ActorRole, TerritoryKind};
use rhizome_node::theme::Theme;
use serde::Serialize;
use serde_json::{Value, json};

use super::{as_json, hashtags, place_json, with_context};
use crate::keys::LocalKey;
use crate::urls::Urls;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum ActorType {
    Organization,
    Group,
    Application,
}

impl ActorType {
    /// A territory is an `Organization`; the actors that gather others' publications are
    /// `Group`s.
    pub fn of(role: ActorRole) -> ActorType {
        if role.gathers() {
            ActorType::Group
        } else {
            ActorType::Organization
        }
    }
}

/// An actor as we serve it; a territory's carries [`TerritoryFields`] too.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Actor {
    pub id: String,
    #[serde(rename = "type")]
    pub kind: ActorType,
    pub preferred_username: String,
    pub name: String,
    pub summary: String,
    pub url: String,
    pub inbox: String,
    pub outbox: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub followers: Option<String>,
    pub endpoints: Endpoints,
    pub public_key: PublicKey,
    /// Its Ed25519 key for integrity proofs (FEP-521a).
    pub assertion_method: Vec<Multikey>,
    pub manually_approves_followers: bool,
    pub discoverable: bool,
    /// The actors it also is (FEP-7628): its former actor on the node it moved from.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub also_known_as: Vec<String>,
    /// Its new actor, once it moved away (Mastodon's `movedTo`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub moved_to: Option<String>,
    #[serde(flatten)]
    pub territory: Option<TerritoryFields>,
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Endpoints {
    pub shared_inbox: String,
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PublicKey {
    pub id: String,
    pub owner: String,
    pub public_key_pem: String,
}

impl PublicKey {
    fn of(id: &str, public_pem: &str) -> PublicKey {
        PublicKey {
            id: Urls::key_id(id),
            owner: id.to_owned(),
            public_key_pem: public_pem.to_owned(),
        }
    }
}

/// An Ed25519 public key as FEP-521a publishes it.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Multikey {
    pub id: String,
    #[serde(rename = "type")]
    pub kind: &'static str,
    pub controller: String,
    pub public_key_multibase: String,
}

impl Multikey {
    fn of(id: &str, key: &LocalKey) -> Vec<Multikey> {
        vec![Multikey {
            id: Urls::assertion_key_id(id),
            kind: "Multikey",
            controller: id.to_owned(),
            public_key_multibase: key.proof.multibase().to_owned(),
        }]
    }
}

/// What a territory's actor says beyond any actor's fields.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct TerritoryFields {
    pub indexable: bool,
    pub published: DateTime<Utc>,
    pub tag: Vec<Value>,
    /// Profile fields (`PropertyValue`), as Mastodon shows them.
    pub attachment: Vec<Value>,
    /// `rhizome:kind`.
    #[serde(rename = "kind")]
    pub territory_kind: TerritoryKind,
    pub themes: Vec<Theme>,
    pub in_language: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub location: Option<Value>,
    /// `rhizome:shares`, `rhizome:seeks`: the territory's inventory.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub shares: Vec<InventoryItem>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub seeks: Vec<InventoryItem>,
}

/// One inventory entry on the wire: its label as `name`, its tags as `keywords`.
#[derive(Debug, Clone, Serialize)]
pub struct InventoryItem {
    pub name: String,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub keywords: Vec<String>,
}

fn inventory_items(entries: &[InventoryEntry]) -> Vec<InventoryItem> {
    entries
        .iter()
        .map(|e| InventoryItem {
            name: e.label.clone(),
            keywords: e.tags.clone(),
        })
        .collect()
}

/// Where a territory's actor also is, and where it went (FEP-7628), as stored by the
/// move and import use cases.
#[derive(Debug, Clone, Default)]
pub struct Moves {
    pub also_known_as: Vec<String>,
    pub moved_to: Option<String>,
}

/// A territory's actor document, as served at its URL.
pub fn territory(urls: &Urls, t: &Territory, key: &LocalKey, moves: Moves) -> Value {
    with_context(as_json(&territory_object(urls, t, key, moves)))
}

/// A territory's actor without `@context`, as embedded in its `Update`.
pub fn territory_object(urls: &Urls, t: &Territory, key: &LocalKey, moves: Moves) -> Actor {
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
    Actor {
        kind: ActorType::of(t.role),
        preferred_username: p.slug.clone(),
        name: p.name.clone(),
        summary: markdown::to_html(&p.description),
        url: id.clone(),
        inbox: urls.inbox(&p.slug),
        outbox: urls.outbox(&p.slug),
        followers: Some(urls.followers(&p.slug)),
        endpoints: Endpoints {
            shared_inbox: urls.shared_inbox(),
        },
        public_key: PublicKey::of(&id, &key.public_pem),
        assertion_method: Multikey::of(&id, key),
        manually_approves_followers: p.manually_approves_followers,
        discoverable: true,
        also_known_as: moves.also_known_as,
        moved_to: moves.moved_to,
        territory: Some(TerritoryFields {
            indexable: true,
            published: t.created_at,
            tag: hashtags(urls, &p.themes, &p.tags),
            attachment: fields,
            territory_kind: p.kind,
            themes: p.themes.clone(),
            in_language: p.languages.clone(),
            location: (!p.place.is_empty()).then(|| place_json(&p.place)),
            shares: inventory_items(&p.inventory.shares),
            seeks: inventory_items(&p.inventory.seeks),
        }),
        id,
    }
}

/// The node's own actor. It follows nothing on its own yet; it signs GETs and will carry
/// node-to-node subscriptions.
pub fn instance(urls: &Urls, domain: &str, key: &LocalKey) -> Value {
    let id = urls.instance_actor();
    with_context(as_json(&Actor {
        kind: ActorType::Application,
        preferred_username: domain.to_owned(),
        name: format!("Rhizome · {domain}"),
        summary: "Nœud Rhizome d'un réseau de territoires apprenants.".into(),
        url: urls.base.clone(),
        inbox: urls.shared_inbox(),
        outbox: format!("{id}/outbox"),
        followers: None,
        endpoints: Endpoints {
            shared_inbox: urls.shared_inbox(),
        },
        public_key: PublicKey::of(&id, &key.public_pem),
        assertion_method: Multikey::of(&id, key),
        manually_approves_followers: true,
        discoverable: false,
        also_known_as: vec![],
        moved_to: None,
        territory: None,
        id,
    }))
}

/// What a festival's or collection's `Group` says beyond any actor's fields: its days
/// (`startTime` at the first day's start, `endTime` at the last day's end, in its zone),
/// its banner (`image`), `rhizome:perimeter` (same shape as the API's) and
/// `rhizome:autoAccept`; a collection has no times.
pub fn gathering_fields(
    base: &str,
    t: &Territory,
    settings: &rhizome_node::festival::GatheringSettings,
) -> Value {
    use chrono::TimeZone;
    let tz = t.tz();
    let at = |day: Option<chrono::NaiveDate>| {
        day.and_then(|d| d.and_hms_opt(0, 0, 0))
            .and_then(|d| tz.from_local_datetime(&d).earliest())
            .map(|d| d.to_rfc3339())
    };
    let mut fields = json!({
        "perimeter": settings.perimeter,
        "autoAccept": settings.auto_accept_in_perimeter,
    });
    if let (Some(start), Some(end)) = (
        at(settings.starts_on),
        at(settings.ends_on.and_then(|d| d.succ_opt())),
    ) {
        fields["startTime"] = json!(start);
        fields["endTime"] = json!(end);
    }
    if let Some(banner) = &settings.banner {
        fields["image"] =
            json!({"type": "Image", "url": banner.absolute_url(base), "name": banner.alt});
    }
    fields
}
