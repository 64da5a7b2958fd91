//! Activities as Rhizome sends them: typed envelopes serialised by serde, the verb an
//! enum. The objects they carry (events, pages, actors) are built in `internaltoas/`.

use serde::Serialize;
use serde_json::Value;

use super::{ObjectType, Verb};

/// An activity as queued for delivery, `@context` first.
#[derive(Debug, Clone, Serialize)]
pub struct Outbound<O> {
    #[serde(rename = "@context")]
    pub context: Value,
    pub id: String,
    #[serde(rename = "type")]
    pub kind: Verb,
    pub actor: String,
    pub object: O,
    pub to: Vec<String>,
    pub cc: Vec<String>,
    pub published: String,
    /// Rhizome's extension on `Follow`: what the follower wants (`rhizome:scope`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub scope: Option<Value>,
    /// What an `Offer` answers: the call.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub target: Option<String>,
}

/// What an activity carries beyond the common envelope.
#[derive(Debug, Clone, Default)]
pub struct Extensions {
    pub scope: Option<Value>,
    pub target: Option<String>,
}

/// The Note of an answer to a call, inside the `Offer` that carries it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct AnswerNote {
    pub id: String,
    #[serde(rename = "type")]
    pub kind: ObjectType,
    pub attributed_to: String,
    pub content: String,
    pub in_reply_to: String,
    /// `rhizome:offers`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub offers: Option<String>,
    /// `rhizome:contact`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub contact: Option<String>,
    pub to: Vec<String>,
    pub published: String,
}

/// A direct `Note` to a few accounts (the organisers' message to an event's
/// participants), mentioning each of them, addressed to them only.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct DirectNote {
    pub id: String,
    #[serde(rename = "type")]
    pub kind: ObjectType,
    pub attributed_to: String,
    pub content: String,
    /// The event it is about.
    pub context: String,
    pub to: Vec<String>,
    pub cc: Vec<String>,
    pub tag: Vec<Mention>,
    pub published: String,
}

/// A `Mention` of an account in a `Note`'s `tag`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Mention {
    #[serde(rename = "type")]
    pub kind: &'static str,
    pub href: String,
    pub name: String,
}

/// An earlier activity, named inside the one that answers or undoes it:
/// `Accept{Follow}`, `Reject{Join}`, `Undo{Follow}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Embedded {
    pub id: String,
    #[serde(rename = "type")]
    pub kind: Verb,
    pub actor: String,
    pub object: String,
}

/// An `Offer` named inside the `Accept` or `Reject` that answers it: its id, its actor
/// and the call it answered.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct OfferRef {
    pub id: String,
    #[serde(rename = "type")]
    pub kind: Verb,
    pub actor: String,
    pub target: String,
}

/// An `Add` named inside the `Accept` or `Reject` that answers it: its id, its actor, the
/// publication submitted and the gathering it was submitted to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AddRef {
    pub id: String,
    #[serde(rename = "type")]
    pub kind: Verb,
    pub actor: String,
    pub object: String,
    pub target: String,
}

/// What a deleted publication's URL serves, and what `Delete` carries.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Tombstone {
    pub id: String,
    #[serde(rename = "type")]
    pub kind: ObjectType,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub former_type: Option<ObjectType>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub deleted: Option<String>,
}

impl Tombstone {
    /// A tombstone that says no more than that `id` is gone.
    pub fn bare(id: String) -> Tombstone {
        Tombstone {
            id,
            kind: ObjectType::Tombstone,
            former_type: None,
            deleted: None,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum CollectionType {
    OrderedCollection,
    OrderedCollectionPage,
}

/// A collection served whole or as the index of its pages (outbox, followers).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct OrderedCollection {
    pub id: String,
    #[serde(rename = "type")]
    pub kind: CollectionType,
    pub total_items: i64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub first: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last: Option<String>,
}

impl OrderedCollection {
    /// A collection that gives only its size.
    pub fn counted(id: String, total_items: i64) -> OrderedCollection {
        OrderedCollection {
            id,
            kind: CollectionType::OrderedCollection,
            total_items,
            first: None,
            last: None,
        }
    }
}

/// One page of an [`OrderedCollection`].
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct OrderedCollectionPage {
    pub id: String,
    #[serde(rename = "type")]
    pub kind: CollectionType,
    pub part_of: String,
    pub total_items: i64,
    pub ordered_items: Vec<Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub prev: Option<String>,
}

/// A partnership between two territories (`rhizome:Partnership`), inside the `Offer` that
/// proposes it and the `Delete` that ends it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PartnershipObject {
    pub id: String,
    #[serde(rename = "type")]
    pub kind: ObjectType,
    /// The offering territory.
    pub attributed_to: String,
    /// `rhizome:partner`: the territory offered.
    pub partner: String,
    /// `rhizome:themes`.
    pub themes: Vec<String>,
    /// The description, as HTML paragraphs.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub content: Option<String>,
    pub published: String,
}
