//! What an inbound activity means: the verified envelope ([`Activity`]) read once into
//! [`Inbound`], one variant per thing Rhizome does with it, and a catch-all for the rest
//! (accepted and ignored). Lenient where peers differ: ids as strings or objects, `object`
//! embedded or by id, `Leave{event}` (Mobilizon) or `Undo{Join}`.

use serde_json::Value;

use serde::Deserialize;

use super::{Activity, ActivityType, NoteJson, ObjectType, Verb, id_of, ids_of};
use crate::error::FederationError;

/// A verified inbound activity, by what it asks of us.
#[derive(Debug, Clone)]
pub enum Inbound {
    /// Follow of a territory, of the node's instance actor, or of the public collection.
    Follow(Follow),
    /// Accept of one of our `Follow`s (an `Accept` of anything else is [`Inbound::Other`]).
    Accept(Answer),
    /// Reject of one of our `Follow`s.
    Reject(Answer),
    /// A `Note`: perhaps a reply to one of our publications.
    CreateNote(Box<NoteJson>),
    /// An Event, Page or Article created or updated, kept as sent.
    CreateOrUpdatePublication(Value),
    /// The sender's own actor document, changed.
    UpdateActor(Value),
    /// The sender deletes its own account.
    DeleteActor,
    /// Delete of something else: a reply, or a publication we keep a copy of.
    Delete(Delete),
    Like(Reaction),
    Announce(Reaction),
    Flag(Flag),
    Join(Participation),
    /// `Leave{event}`, as Mobilizon sends it.
    Leave(Participation),
    UndoFollow(UndoFollow),
    /// `Undo` of a `Like` or `Announce`, or of an activity named by id only.
    UndoReaction(UndoReaction),
    /// `Undo{Join{event}}`.
    UndoJoin(Participation),
    /// An answer to one of our calls, from a territory elsewhere.
    Offer(Box<Offer>),
    /// `Accept{Offer}`: the call's territory accepted one of our answers.
    AcceptOffer(OfferDecision),
    /// `Reject{Offer}`: the call's territory declined one of our answers.
    RejectOffer(OfferDecision),
    /// `Offer{Partnership}`: a territory elsewhere offers one of ours a partnership.
    OfferPartnership(Box<PartnershipOffer>),
    /// `Delete{Partnership}`: the territory on the other side ends a partnership.
    EndPartnership(PartnershipEnd),
    /// `Move`: an actor moved to another (FEP-7628).
    Move(Move),
    /// `Add{object, target}`: a territory submits its publication to one of our
    /// festivals or collections (an `Add` to anything else is ignored).
    Add(Gathered),
    /// `Remove{object, target}` or `Undo{Add}`: the territory withdraws it.
    Remove(Gathered),
    /// `Accept{Add}`: the gathering accepted one of our submissions.
    AcceptAdd(SubmissionDecision),
    /// `Reject{Add}`: the gathering refused one of our submissions.
    RejectAdd(SubmissionDecision),
    /// `Create{Question}` or `Update{Question}`: a collective's proposal or its tally.
    Question(Box<Value>),
    /// `Offer{Question}`: a member territory's proposal to one of our collectives
    /// (`target`).
    OfferQuestion {
        object: Box<Value>,
        target: String,
    },
    /// `Add` (or `Remove`, `added` false) of `member` to the sender's own `members`
    /// collection: a collective's decision on its membership.
    Membership {
        member: String,
        added: bool,
    },
    /// Anything Rhizome does not act on; accepted and ignored.
    Other {
        kind: String,
    },
}

#[derive(Debug, Clone)]
pub struct Follow {
    pub id: url::Url,
    /// The followed actor's id (or the public collection's, for relays).
    pub target: String,
    /// Rhizome's extension: what the follower wants (`rhizome:scope`), as sent.
    pub scope: Option<Value>,
}

/// `Move{object, target}`: `object` (which must be the sender) now lives at `target`.
#[derive(Debug, Clone)]
pub struct Move {
    pub id: url::Url,
    /// The actor that moved, as `object` names it.
    pub origin: String,
    /// Its new actor.
    pub target: String,
}

#[derive(Debug, Clone)]
pub struct Answer {
    /// The id of the `Follow` answered.
    pub follow: String,
}

/// `Offer{Note}`: an answer to a call (`target`, and the Note's `inReplyTo`).
#[derive(Debug, Clone)]
pub struct Offer {
    pub id: url::Url,
    pub note: AnswerNote,
    /// The call answered, as `target` names it (absent: the Note's `inReplyTo`).
    pub target: Option<String>,
}

/// The Note inside an `Offer`: a reply to the call with Rhizome's two extensions.
#[derive(Debug, Clone, Deserialize)]
pub struct AnswerNote {
    #[serde(flatten)]
    pub note: NoteJson,
    /// `rhizome:offers`: what the answering territory offers.
    #[serde(default)]
    pub offers: Option<String>,
    /// `rhizome:contact`: how to reach it.
    #[serde(default)]
    pub contact: Option<String>,
}

#[derive(Debug, Clone)]
pub struct OfferDecision {
    /// The id of the `Offer` accepted or rejected.
    pub offer: String,
}

/// `Offer{Partnership}`: the offering territory is the activity's actor, the territory
/// offered is the object's `partner` (and the activity's `target`).
#[derive(Debug, Clone)]
pub struct PartnershipOffer {
    pub id: url::Url,
    pub partnership: PartnershipJson,
    /// The territory offered, as `target` names it.
    pub target: Option<String>,
}

/// A `rhizome:Partnership` object, as Rhizome sends it inside `Offer` and `Delete`.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PartnershipJson {
    pub id: url::Url,
    /// The offering territory.
    #[serde(default)]
    pub attributed_to: Value,
    /// `rhizome:partner`: the territory offered.
    #[serde(default)]
    pub partner: Value,
    /// `rhizome:themes`, theme names; anything else in the list is dropped.
    #[serde(default)]
    pub themes: Value,
    /// The description, HTML.
    #[serde(default)]
    pub content: Option<String>,
}

impl PartnershipJson {
    /// The theme names given, strings only.
    pub fn theme_names(&self) -> Vec<String> {
        ids_of(&self.themes)
            .into_iter()
            .map(str::to_owned)
            .collect()
    }
}

#[derive(Debug, Clone)]
pub struct PartnershipEnd {
    /// The id of the partnership ended (its object's, or its `Offer`'s).
    pub partnership: String,
}

/// A publication (`object`, by id) added to or removed from a gathering (`target`).
#[derive(Debug, Clone)]
pub struct Gathered {
    pub id: url::Url,
    pub object: String,
    pub target: String,
}

#[derive(Debug, Clone)]
pub struct SubmissionDecision {
    /// The id of the `Add` accepted or rejected.
    pub add: String,
}

#[derive(Debug, Clone)]
pub struct Delete {
    pub object: String,
}

#[derive(Debug, Clone)]
pub struct Reaction {
    pub id: url::Url,
    /// The id of the liked or boosted object, if the activity names one.
    pub object: Option<String>,
    /// The object itself when it came embedded (a Mobilizon group embeds the event it
    /// announces); `None` when only its id was sent.
    pub embedded: Option<Value>,
}

#[derive(Debug, Clone)]
pub struct Flag {
    pub id: url::Url,
    /// Every object id the report names, ours or not.
    pub objects: Vec<String>,
    pub content: Option<String>,
}

#[derive(Debug, Clone)]
pub struct Participation {
    pub id: url::Url,
    /// The id of the event joined or left.
    pub event: Option<String>,
}

#[derive(Debug, Clone)]
pub struct UndoFollow {
    /// What the undone `Follow` followed (empty when it names nothing).
    pub target: String,
}

#[derive(Debug, Clone)]
pub struct UndoReaction {
    /// The id of the undone `Like` or `Announce`.
    pub reaction: Option<String>,
}

impl Inbound {
    /// Reads a verified activity from `sender` (its `actor`). A known activity missing
    /// what it needs is `Malformed`, with a reason naming the field.
    pub fn parse(activity: &Activity, sender: &str) -> Result<Inbound, FederationError> {
        let object = &activity.object;
        let object_type = ObjectType::of(object);
        let object_id = id_of(object).map(str::to_owned);
        let ActivityType::Verb(verb) = &activity.kind else {
            return Ok(activity.other());
        };
        Ok(match (verb, object_type) {
            (Verb::Add | Verb::Remove, _)
                if id_of(&activity.target) == Some(format!("{sender}/members").as_str()) =>
            {
                Inbound::Membership {
                    member: object_id.ok_or_else(|| {
                        FederationError::Malformed("object: the member's id is missing".into())
                    })?,
                    added: *verb == Verb::Add,
                }
            }
            (Verb::Create | Verb::Update, Some(ObjectType::Question)) => {
                Inbound::Question(Box::new(object.clone()))
            }
            (Verb::Offer, Some(ObjectType::Question)) => Inbound::OfferQuestion {
                object: Box::new(object.clone()),
                target: id_of(&activity.target)
                    .ok_or_else(|| {
                        FederationError::Malformed("target: the collective is missing".into())
                    })?
                    .to_owned(),
            },
            (Verb::Follow, _) => Inbound::Follow(Follow {
                id: activity.id.clone(),
                target: object_id
                    .ok_or_else(|| FederationError::Malformed("Follow without object".into()))?,
                scope: activity.scope.clone(),
            }),
            (Verb::Accept, None | Some(ObjectType::Follow)) => match object_id {
                Some(follow) => Inbound::Accept(Answer { follow }),
                None => activity.other(),
            },
            (Verb::Accept, Some(ObjectType::Offer)) => Inbound::AcceptOffer(OfferDecision {
                offer: object_id.ok_or_else(|| {
                    FederationError::Malformed("Accept of an Offer without id".into())
                })?,
            }),
            (Verb::Reject, Some(ObjectType::Offer)) => Inbound::RejectOffer(OfferDecision {
                offer: object_id.ok_or_else(|| {
                    FederationError::Malformed("Reject of an Offer without id".into())
                })?,
            }),
            (Verb::Offer, Some(ObjectType::Note)) => Inbound::Offer(Box::new(Offer {
                id: activity.id.clone(),
                note: serde_json::from_value(object.clone())
                    .map_err(|e| FederationError::Malformed(format!("object: {e}")))?,
                target: id_of(&activity.target).map(str::to_owned),
            })),
            (Verb::Offer, Some(ObjectType::Partnership)) => {
                Inbound::OfferPartnership(Box::new(PartnershipOffer {
                    id: activity.id.clone(),
                    partnership: serde_json::from_value(object.clone())
                        .map_err(|e| FederationError::Malformed(format!("object: {e}")))?,
                    target: id_of(&activity.target).map(str::to_owned),
                }))
            }
            (Verb::Delete, Some(ObjectType::Partnership)) => {
                Inbound::EndPartnership(PartnershipEnd {
                    partnership: object_id.ok_or_else(|| {
                        FederationError::Malformed("Delete of a Partnership without id".into())
                    })?,
                })
            }
            (Verb::Accept, Some(ObjectType::Add)) => Inbound::AcceptAdd(SubmissionDecision {
                add: object_id.ok_or_else(|| {
                    FederationError::Malformed("Accept of an Add without id".into())
                })?,
            }),
            (Verb::Reject, Some(ObjectType::Add)) => Inbound::RejectAdd(SubmissionDecision {
                add: object_id.ok_or_else(|| {
                    FederationError::Malformed("Reject of an Add without id".into())
                })?,
            }),
            (Verb::Add | Verb::Remove, _) => {
                let gathered = Gathered {
                    id: activity.id.clone(),
                    object: object_id.ok_or_else(|| {
                        FederationError::Malformed(format!("{verb:?} without object"))
                    })?,
                    target: id_of(&activity.target)
                        .ok_or_else(|| {
                            FederationError::Malformed(format!("{verb:?} without target"))
                        })?
                        .to_owned(),
                };
                if *verb == Verb::Add {
                    Inbound::Add(gathered)
                } else {
                    Inbound::Remove(gathered)
                }
            }
            (Verb::Undo, Some(ObjectType::Add)) => {
                let inner = |field: &str| object.get(field).and_then(id_of);
                if inner("actor") != Some(sender) {
                    return Err(FederationError::Malformed(
                        "Undo of an Add that is not the sender's".into(),
                    ));
                }
                Inbound::Remove(Gathered {
                    id: activity.id.clone(),
                    object: inner("object")
                        .ok_or_else(|| {
                            FederationError::Malformed("Undo of an Add without object".into())
                        })?
                        .to_owned(),
                    target: inner("target")
                        .ok_or_else(|| {
                            FederationError::Malformed("Undo of an Add without target".into())
                        })?
                        .to_owned(),
                })
            }
            (Verb::Reject, _) => match object_id {
                Some(follow) => Inbound::Reject(Answer { follow }),
                None => activity.other(),
            },
            (Verb::Create, Some(ObjectType::Note)) => Inbound::CreateNote(Box::new(
                serde_json::from_value(object.clone())
                    .map_err(|e| FederationError::Malformed(format!("Note: {e}")))?,
            )),
            (Verb::Create | Verb::Update, Some(t)) if t.is_publication() => {
                Inbound::CreateOrUpdatePublication(object.clone())
            }
            (Verb::Update, Some(t)) if t.is_actor() => Inbound::UpdateActor(object.clone()),
            (Verb::Delete, _) if object_id.as_deref() == Some(sender) => Inbound::DeleteActor,
            (Verb::Delete, _) => Inbound::Delete(Delete {
                object: object_id
                    .ok_or_else(|| FederationError::Malformed("Delete without object".into()))?,
            }),
            (Verb::Like, _) => Inbound::Like(activity.reaction()),
            (Verb::Announce, _) => Inbound::Announce(activity.reaction()),
            (Verb::Flag, _) => Inbound::Flag(Flag {
                id: activity.id.clone(),
                objects: ids_of(object).into_iter().map(str::to_owned).collect(),
                content: activity.content.clone(),
            }),
            (Verb::Join, _) => Inbound::Join(Participation {
                id: activity.id.clone(),
                event: object_id,
            }),
            (Verb::Leave, _) => Inbound::Leave(Participation {
                id: activity.id.clone(),
                event: object_id,
            }),
            (Verb::Undo, Some(ObjectType::Follow)) => {
                let inner = |field: &str| object.get(field).and_then(id_of);
                if inner("actor") != Some(sender) {
                    return Err(FederationError::Malformed(
                        "Undo of a Follow that is not the sender's".into(),
                    ));
                }
                Inbound::UndoFollow(UndoFollow {
                    target: inner("object").unwrap_or_default().to_owned(),
                })
            }
            (Verb::Undo, None | Some(ObjectType::Like | ObjectType::Announce)) => {
                Inbound::UndoReaction(UndoReaction {
                    reaction: object_id,
                })
            }
            (Verb::Undo, Some(ObjectType::Join)) => Inbound::UndoJoin(Participation {
                id: activity.id.clone(),
                event: object.get("object").and_then(id_of).map(str::to_owned),
            }),
            (Verb::Move, _) => Inbound::Move(Move {
                id: activity.id.clone(),
                origin: object_id
                    .ok_or_else(|| FederationError::Malformed("Move without object".into()))?,
                target: id_of(&activity.target)
                    .map(str::to_owned)
                    .ok_or_else(|| FederationError::Malformed("Move without target".into()))?,
            }),
            _ => activity.other(),
        })
    }
}

impl Activity {
    fn other(&self) -> Inbound {
        Inbound::Other {
            kind: self.kind.to_string(),
        }
    }

    fn reaction(&self) -> Reaction {
        Reaction {
            id: self.id.clone(),
            object: id_of(&self.object).map(str::to_owned),
            embedded: self.object.is_object().then(|| self.object.clone()),
        }
    }
}
