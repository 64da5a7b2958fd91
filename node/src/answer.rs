//! Answers to calls for collaboration: a territory (here or elsewhere) or a visitor
//! without an account answers a call; the call's editors accept or decline each answer,
//! and the accepted ones are the call's partners.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::publication::call::CallStatus;
use crate::validation::{self as v, Validated, ValidationError};

/// The call answered: one of this node's calls, or a call elsewhere by its ActivityPub id.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CallRef {
    Local(Uuid),
    Remote(String),
}

impl CallRef {
    /// One text per call, local uuids and remote ids alike (answers are unique per call
    /// and responder on it).
    pub fn key(&self) -> String {
        match self {
            CallRef::Local(id) => id.to_string(),
            CallRef::Remote(id) => id.clone(),
        }
    }
}

/// Who answers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Responder {
    /// A territory of this node, through one of its editors.
    LocalTerritory(Uuid),
    /// A territory of another node, by its actor id.
    RemoteTerritory(String),
    /// Someone without an account; the answer waits for an editor before anyone sees it.
    Visitor { name: String, email: String },
}

impl Responder {
    /// One text per responder: the same territory or e-mail address answers a call once.
    pub fn key(&self) -> String {
        match self {
            Responder::LocalTerritory(id) => format!("territory:{id}"),
            Responder::RemoteTerritory(actor) => format!("actor:{actor}"),
            Responder::Visitor { email, .. } => format!("visitor:{}", email.to_lowercase()),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AnswerState {
    Pending,
    Accepted,
    Declined,
}

impl AnswerState {
    pub fn as_str(self) -> &'static str {
        match self {
            AnswerState::Pending => "pending",
            AnswerState::Accepted => "accepted",
            AnswerState::Declined => "declined",
        }
    }

    pub fn parse(value: &str) -> Option<AnswerState> {
        Some(match value {
            "pending" => AnswerState::Pending,
            "accepted" => AnswerState::Accepted,
            "declined" => AnswerState::Declined,
            _ => return None,
        })
    }
}

/// What an answer says, validated.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct AnswerText {
    /// Plain text, several lines.
    pub message: String,
    /// What the responder offers (skills, a room, equipment...).
    pub offers: Option<String>,
    /// How to reach the responder (a phone number, an address, a link).
    pub contact: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Answer {
    pub id: Uuid,
    pub call: CallRef,
    pub responder: Responder,
    pub text: AnswerText,
    pub state: AnswerState,
    /// The `Offer` that carries it between nodes: ours for an answer to a call elsewhere,
    /// the sender's for an answer from elsewhere; none for answers made and kept here.
    pub ap_id: Option<String>,
    pub created_at: DateTime<Utc>,
    pub decided_at: Option<DateTime<Utc>>,
    /// A visitor's answer was decided: the address given must be told (mail comes with
    /// issue 12; until then the editors see the address in `/manage`).
    pub tell_by_mail: bool,
}

impl Answer {
    pub fn new(call: CallRef, responder: Responder, text: AnswerText) -> Answer {
        Answer {
            id: Uuid::now_v7(),
            call,
            responder,
            text,
            state: AnswerState::Pending,
            ap_id: None,
            created_at: crate::now(),
            decided_at: None,
            tell_by_mail: false,
        }
    }
}

/// Why an answer (or a decision on one) is refused, whoever sends it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Refusal {
    #[error("this call is closed")]
    CallClosed,
    #[error("this call's deadline is past")]
    PastDeadline,
    #[error("this call was already answered by the same territory or address")]
    AnsweredTwice,
    #[error("this answer was already decided")]
    AlreadyDecided,
    #[error("a territory does not answer its own call")]
    OwnCall,
    /// From another server, claiming what it may not (names what did not match).
    #[error("refused: {0}")]
    Forged(String),
}

/// A call still takes answers: not closed, its deadline (if any) not past at `now`.
pub fn open_to_answers(
    status: CallStatus,
    deadline_end: Option<DateTime<Utc>>,
    now: DateTime<Utc>,
) -> Result<(), Refusal> {
    if status == CallStatus::Closed {
        return Err(Refusal::CallClosed);
    }
    if deadline_end.is_some_and(|end| end <= now) {
        return Err(Refusal::PastDeadline);
    }
    Ok(())
}

/// A call of another server, as this node's copy of it says.
#[derive(Debug, Clone, PartialEq)]
pub struct RemoteCall {
    /// Its ActivityPub id.
    pub id: String,
    /// The territory that published it (its actor id).
    pub actor_id: String,
    pub title: String,
    pub status: CallStatus,
    pub outcome: Option<String>,
    pub deadline_end: Option<DateTime<Utc>>,
    /// Its page, for links.
    pub url: Option<String>,
}

/// Longest message, in characters.
pub const MAX_MESSAGE: usize = 5_000;

/// What someone sends to answer a call: the API's body, or the form's fields under the
/// same names. `territory` (a slug) for an editor answering for a territory; `name` and
/// `email` for a visitor.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AnswerDraft {
    #[serde(default)]
    pub territory: Option<String>,
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub email: Option<String>,
    #[serde(default)]
    pub message: String,
    #[serde(default)]
    pub offers: Option<String>,
    #[serde(default)]
    pub contact: Option<String>,
}

impl AnswerDraft {
    /// Reads a draft from JSON; a wrong shape names its field like a broken rule does.
    pub fn parse(json: serde_json::Value) -> Validated<AnswerDraft> {
        crate::publication::parse_draft(json)
    }

    /// The message, what is offered and the contact, checked once for every caller.
    pub fn text(&self) -> Validated<AnswerText> {
        let message = v::bounded_text("message", &self.message, MAX_MESSAGE, v::Lines::Many)?;
        if message.is_empty() {
            return Err(ValidationError::new("message", "must not be empty"));
        }
        Ok(AnswerText {
            message,
            offers: v::optional_text("offers", self.offers.clone(), v::MAX_SHORT, v::Lines::Many)?,
            contact: v::optional_text(
                "contact",
                self.contact.clone(),
                v::MAX_SHORT,
                v::Lines::One,
            )?,
        })
    }

    /// A visitor's name and address, both required.
    pub fn visitor(&self) -> Validated<Responder> {
        let name = v::required_text("name", self.name.as_deref().unwrap_or(""), v::MAX_TITLE)?;
        let email = v::email("email", self.email.as_deref().unwrap_or(""))?;
        Ok(Responder::Visitor { name, email })
    }
}

/// Text from another server's answer, cleaned rather than refused: control characters
/// dropped, lengths cut to what a local answer may hold.
pub fn remote_text(message: &str, offers: Option<&str>, contact: Option<&str>) -> AnswerText {
    let clean = |text: &str, max: usize, lines: v::Lines| -> String {
        v::strip_control(text, lines)
            .trim()
            .chars()
            .take(max)
            .collect()
    };
    let optional = |text: Option<&str>, lines| {
        text.map(|t| clean(t, v::MAX_SHORT, lines))
            .filter(|t| !t.is_empty())
    };
    AnswerText {
        message: clean(message, MAX_MESSAGE, v::Lines::Many),
        offers: optional(offers, v::Lines::Many),
        contact: optional(contact, v::Lines::One),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_draft_names_the_field_it_breaks() {
        let draft = AnswerDraft {
            message: "  ".into(),
            ..Default::default()
        };
        assert_eq!(draft.text().unwrap_err().field, "message");
        let draft = AnswerDraft {
            message: "We can help".into(),
            contact: Some("line\nbreak".into()),
            ..Default::default()
        };
        assert_eq!(draft.text().unwrap_err().field, "contact");
        let draft = AnswerDraft {
            message: "We can help".into(),
            offers: Some(" ".into()),
            ..Default::default()
        };
        assert_eq!(draft.text().unwrap().offers, None);
    }

    #[test]
    fn visitors_give_a_name_and_an_address() {
        let visitor = |name: &str, email: &str| AnswerDraft {
            name: Some(name.into()),
            email: Some(email.into()),
            ..Default::default()
        };
        assert_eq!(visitor("", "a@b.org").visitor().unwrap_err().field, "name");
        for bad in ["", "nobody", "a@b", "a b@c.org", "@c.org", "a@.org"] {
            assert_eq!(
                visitor("Ana", bad).visitor().unwrap_err().field,
                "email",
                "{bad}"
            );
        }
        assert_eq!(
            visitor(" Ana ", " Ana@Example.org ").visitor().unwrap(),
            Responder::Visitor {
                name: "Ana".into(),
                email: "Ana@Example.org".into()
            }
        );
    }

    #[test]
    fn one_answer_per_responder_whatever_the_case_of_the_address() {
        let a = Responder::Visitor {
            name: "Ana".into(),
            email: "Ana@Example.org".into(),
        };
        let b = Responder::Visitor {
            name: "A.".into(),
            email: "ana@example.org".into(),
        };
        assert_eq!(a.key(), b.key());
    }

    #[test]
    fn remote_text_is_cleaned_not_refused() {
        let text = remote_text("hi\u{0}\nthere", Some("  "), Some("tel\n 1"));
        assert_eq!(text.message, "hi\nthere");
        assert_eq!(text.offers, None);
        assert_eq!(text.contact.as_deref(), Some("tel 1"));
    }
}
