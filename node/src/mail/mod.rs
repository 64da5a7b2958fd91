//! E-mail the node sends (registrations, links, editors' news): a [`Letter`] written from
//! the Fluent catalogues in the recipient's language, kept in the database's mail queue
//! ([`crate::store::MailStore`]) and sent from there, so that a crash or an SMTP outage
//! loses nothing.

use uuid::Uuid;

use crate::text::{Args, Lang};

/// One message to one address, already written in its recipient's language.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Letter {
    /// What it is for, e.g. `registration-confirmed`: the catalogue message it was written
    /// from, for logs, tests and members' choices of what they receive.
    pub kind: String,
    pub to: String,
    pub subject: String,
    /// Plain text.
    pub body: String,
}

impl Letter {
    /// Writes the letter `kind` from the catalogues: its subject is the message
    /// `mail-<kind>-subject`, its body `mail-<kind>-body`, both given `args`.
    pub fn write(lang: Lang, kind: &str, to: &str, args: &Args) -> Letter {
        Letter {
            kind: kind.to_owned(),
            to: to.trim().to_owned(),
            subject: lang.text(&format!("mail-{kind}-subject"), args),
            body: lang.text(&format!("mail-{kind}-body"), args),
        }
    }
}

/// A letter in the queue.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QueuedLetter {
    pub id: Uuid,
    pub letter: Letter,
    pub attempts: i32,
}
