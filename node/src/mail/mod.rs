//! E-mail the node sends (registrations, links, editors' news): a [`Letter`] written from
//! the Fluent catalogues in the recipient's language, kept in the database's mail queue
//! ([`crate::store::MailStore`]) and sent from there, so that a crash or an SMTP outage
//! loses nothing.

pub mod sender;

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
/// The mail queue at a glance, for metrics: letters waiting to be sent (due or not yet),
/// and letters given up after too many failures.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct MailQueueCounts {
    pub waiting: i64,
    pub given_up: i64,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QueuedLetter {
    pub id: Uuid,
    pub letter: Letter,
    pub attempts: i32,
}

/// A letter in the queue, leased to the worker sending it (see [`crate::store::MailStore::claim_letters`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClaimedLetter {
    pub queued: QueuedLetter,
    /// The claim's token: only its holder marks the letter sent or failed.
    pub claim: Uuid,
}

/// The news an editor may receive about their territories, each one the kind of its
/// letter (`mail-<kind>-subject`, `mail-<kind>-body`); members choose which they receive.
pub const EDITOR_NEWS: [&str; 4] = [
    "new-registration",
    "follow-request",
    "new-answer",
    "new-match",
];

/// The kind of the daily letter that gathers a member's news.
pub const DIGEST: &str = "digest";

/// A member's address and what they chose to receive by mail.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MailChoices {
    /// Where letters go; none, no letter.
    pub email: Option<String>,
    /// The language letters are written in (the pages' language when the member saved
    /// these choices); none, the node's default.
    pub language: Option<String>,
    /// Editors' news gathered into one letter a day instead of one letter each.
    pub digest: bool,
    /// Kinds of [`EDITOR_NEWS`] the member does not want.
    pub refused: std::collections::BTreeSet<String>,
}

impl MailChoices {
    /// Whether the member wants the news `kind` (and has an address to get it at).
    pub fn wants(&self, kind: &str) -> bool {
        self.email.is_some() && !self.refused.contains(kind)
    }

    /// The language to write this member's letters in.
    pub fn lang(&self) -> Lang {
        self.language
            .as_deref()
            .and_then(Lang::offered)
            .unwrap_or_default()
    }
}

/// An editor of a territory and their mail choices.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Recipient {
    pub member_id: Uuid,
    pub choices: MailChoices,
}

/// A piece of news waiting for a member's daily digest, written in their language.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DigestItem {
    pub kind: String,
    pub subject: String,
    pub body: String,
    pub created_at: chrono::DateTime<chrono::Utc>,
}

/// How long to wait after the `failures`-th failed attempt at sending a letter before the
/// next one, or `None` to give up: 1 minute, 5, 30, 2 hours, then every 12 hours, for
/// about two days in all.
pub fn retry_delay(failures: i32) -> Option<chrono::Duration> {
    const MINUTES: [i64; 8] = [1, 5, 30, 120, 720, 720, 720, 720];
    let index = usize::try_from(failures).ok()?.checked_sub(1)?;
    MINUTES.get(index).map(|m| chrono::Duration::minutes(*m))
}

/// Writes `items` (news for one member, oldest first) as one digest letter to `to`.
pub fn write_digest(lang: Lang, to: &str, items: &[DigestItem], link: &str) -> Letter {
    let news = items
        .iter()
        .map(|i| format!("— {}\n\n{}", i.subject, i.body.trim_end()))
        .collect::<Vec<_>>()
        .join("\n\n\n");
    let mut args = Args::new();
    args.insert("count".into(), (items.len() as i64).into());
    args.insert("news".into(), news.into());
    args.insert("link".into(), link.to_owned().into());
    Letter::write(lang, DIGEST, to, &args)
}

/// Whether the node sends mail, and what its letters link to: given to the use cases.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Mailing {
    /// `smtp_url` is set: letters are queued and sent.
    pub on: bool,
    /// The node's public base URL, for links in letters.
    pub base_url: String,
}

impl Mailing {
    pub fn of(config: &crate::Config) -> Mailing {
        Mailing {
            on: config.smtp_url.is_some(),
            base_url: config.base_url(),
        }
    }
}

/// Wakes the sending workers when a letter was queued (one signal per process: a
/// spurious wake costs one empty claim).
pub(crate) static QUEUED: tokio::sync::Notify = tokio::sync::Notify::const_new();

/// Wakes every worker of this process waiting for letters (several nodes may share one
/// process, as in tests), and leaves a wake for one that is busy sending, so that a
/// letter queued during its round is not left for the next poll.
pub(crate) fn wake_senders() {
    QUEUED.notify_waiters();
    QUEUED.notify_one();
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retries_back_off_then_give_up_after_about_two_days() {
        assert_eq!(retry_delay(0), None);
        assert_eq!(retry_delay(1), Some(chrono::Duration::minutes(1)));
        assert_eq!(retry_delay(2), Some(chrono::Duration::minutes(5)));
        assert_eq!(retry_delay(4), Some(chrono::Duration::hours(2)));
        let total: i64 = (1..).map_while(retry_delay).map(|d| d.num_minutes()).sum();
        assert!((40 * 60..=56 * 60).contains(&total), "{total} minutes");
        assert_eq!(retry_delay(9), None);
    }

    #[test]
    fn a_digest_gathers_every_item_in_the_members_language() {
        let at = chrono::Utc::now();
        let items = [
            DigestItem {
                kind: "new-answer".into(),
                subject: "Première nouvelle".into(),
                body: "Corps un".into(),
                created_at: at,
            },
            DigestItem {
                kind: "new-match".into(),
                subject: "Second news".into(),
                body: "Body two".into(),
                created_at: at,
            },
        ];
        let letter = write_digest(Lang("en"), "a@example.org", &items, "http://x/manage");
        assert_eq!(letter.kind, DIGEST);
        assert!(letter.subject.contains('2'), "{}", letter.subject);
        for part in [
            "Première nouvelle",
            "Corps un",
            "Second news",
            "Body two",
            "http://x/manage",
        ] {
            assert!(
                letter.body.contains(part),
                "{part} missing from {}",
                letter.body
            );
        }
        let fr = write_digest(Lang("fr"), "a@example.org", &items, "http://x/manage");
        assert_ne!(fr.subject, letter.subject);
    }
}
