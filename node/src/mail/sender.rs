//! The worker that sends the mail queue over SMTP (lettre, rustls): it claims due letters
//! under a lease (two workers or a restart never send a letter twice in normal operation;
//! after a crash, a letter whose sending was cut short may go again), sends them, marks
//! them sent, and on failure records the error and tries again later, giving up after
//! about two days (the row stays). Once a day it gathers each digest member's news into
//! one letter.

use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, Utc};
use lettre::message::Mailbox;
use lettre::message::header::{ContentType, Header, HeaderName, HeaderValue};
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};

use super::{ClaimedLetter, retry_delay, write_digest};
use crate::Config;
use crate::store::{Store, StoreError};

/// Letters claimed at once; each is sent in turn within the lease.
const CLAIM_BATCH: i64 = 20;
/// How long a worker holds the letters it claimed: longer than a batch takes to send
/// (each SMTP exchange is cut off after [`SMTP_TIMEOUT`]).
const LEASE: chrono::Duration = chrono::Duration::minutes(30);
const SMTP_TIMEOUT: Duration = Duration::from_secs(20);
/// How often the worker looks at the queue when nothing wakes it.
const POLL: Duration = Duration::from_secs(15);

/// Checks `smtp_url` and `mail_from` at start; the error is one line naming the key.
pub fn check_config(config: &Config) -> Result<(), String> {
    if let Some(url) = &config.smtp_url {
        AsyncSmtpTransport::<Tokio1Executor>::from_url(url).map_err(|e| {
            format!(
                "smtp_url must be an SMTP URL such as smtp://host:port, smtps://user:pass@host \
                 or smtp://host:port?tls=required ({e})"
            )
        })?;
    }
    sender_address(config)?;
    Ok(())
}

/// The letters' `From`: `mail_from`, or `rhizome@<domain without port>`.
fn sender_address(config: &Config) -> Result<Mailbox, String> {
    let text = match &config.mail_from {
        Some(from) => from.trim().to_owned(),
        None => {
            let host = config.domain.split(':').next().unwrap_or(&config.domain);
            format!("rhizome@{host}")
        }
    };
    text.parse::<Mailbox>().map_err(|e| {
        format!("mail_from must be an e-mail address (or \"Name <address>\"), not {text:?} ({e})")
    })
}

/// `Auto-Submitted: auto-generated` (RFC 3834): vacation responders do not answer.
#[derive(Clone)]
struct AutoSubmitted;

impl Header for AutoSubmitted {
    fn name() -> HeaderName {
        HeaderName::new_from_ascii_str("Auto-Submitted")
    }

    fn parse(_: &str) -> Result<Self, Box<dyn std::error::Error + Send + Sync>> {
        Ok(AutoSubmitted)
    }

    fn display(&self) -> HeaderValue {
        HeaderValue::new(Self::name(), "auto-generated".to_owned())
    }
}

/// What one round of the worker did.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Round {
    pub digests: usize,
    pub sent: usize,
    pub failed: usize,
}

/// Sends the node's mail. Built only when `smtp_url` is set.
#[derive(Clone)]
pub struct Sender {
    store: Arc<dyn Store>,
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: Mailbox,
    /// For Message-IDs (`<uuid@domain>`).
    host: String,
    base_url: String,
    timezone: chrono_tz::Tz,
}

impl Sender {
    /// The sender for `config`, or `None` when no `smtp_url` is set (the node sends no mail).
    pub fn new(store: Arc<dyn Store>, config: &Config) -> Result<Option<Sender>, String> {
        let Some(url) = &config.smtp_url else {
            return Ok(None);
        };
        check_config(config)?;
        let transport = AsyncSmtpTransport::<Tokio1Executor>::from_url(url)
            .map_err(|e| format!("smtp_url: {e}"))?
            .timeout(Some(SMTP_TIMEOUT))
            .build();
        Ok(Some(Sender {
            store,
            transport,
            from: sender_address(config)?,
            host: config
                .domain
                .split(':')
                .next()
                .unwrap_or(&config.domain)
                .to_owned(),
            base_url: config.base_url(),
            timezone: config.default_timezone.parse().unwrap_or(chrono_tz::UTC),
        }))
    }

    /// Runs the worker until the process ends: a round now, then one whenever a letter
    /// is queued in this process or every few seconds (letters queued by another process,
    /// retries coming due).
    pub fn spawn(self) -> tokio::task::JoinHandle<()> {
        tokio::spawn(async move {
            loop {
                match self.run_once(crate::now()).await {
                    Ok(round) if round != Round::default() => {
                        tracing::info!(
                            sent = round.sent,
                            failed = round.failed,
                            digests = round.digests,
                            "mail round"
                        );
                    }
                    Ok(_) => {}
                    Err(e) => tracing::warn!(error = %e, "mail round failed"),
                }
                let _ = tokio::time::timeout(POLL, super::QUEUED.notified()).await;
            }
        })
    }

    /// One round at `now`: the digests due, then every due letter, until none is left.
    pub async fn run_once(&self, now: DateTime<Utc>) -> Result<Round, StoreError> {
        let mut round = Round {
            digests: self.gather_digests(now).await?,
            ..Round::default()
        };
        loop {
            let claimed = self.store.claim_letters(now, LEASE, CLAIM_BATCH).await?;
            if claimed.is_empty() {
                return Ok(round);
            }
            for letter in &claimed {
                if self.send(letter, now).await? {
                    round.sent += 1;
                } else {
                    round.failed += 1;
                }
            }
        }
    }

    /// News is gathered once a day: at the first round after midnight (in the node's
    /// time zone), each digest member's news of the days before becomes one letter.
    async fn gather_digests(&self, now: DateTime<Utc>) -> Result<usize, StoreError> {
        let today = now.with_timezone(&self.timezone).date_naive();
        let Some(midnight) = today
            .and_hms_opt(0, 0, 0)
            .and_then(|t| t.and_local_timezone(self.timezone).earliest())
        else {
            return Ok(0);
        };
        let before = midnight.with_timezone(&Utc);
        let mut letters = 0;
        for member_id in self.store.digests_due(before).await? {
            let choices = self.store.member_mail(member_id).await?.unwrap_or_default();
            let link = format!("{}/manage", self.base_url);
            let write = |items: &[super::DigestItem]| {
                let to = choices.email.as_deref()?;
                Some(write_digest(choices.lang(), to, items, &link))
            };
            if self
                .store
                .gather_digest(member_id, before, now, &write)
                .await?
                > 0
                && choices.email.is_some()
            {
                letters += 1;
            }
        }
        Ok(letters)
    }

    /// Sends one claimed letter and records the outcome; whether it went.
    async fn send(&self, claimed: &ClaimedLetter, now: DateTime<Utc>) -> Result<bool, StoreError> {
        let queued = &claimed.queued;
        let outcome = match self.message(claimed, now) {
            Ok(message) => self
                .transport
                .send(message)
                .await
                .map(|_| ())
                .map_err(|e| (e.is_permanent(), e.to_string())),
            Err(e) => Err((true, e)),
        };
        match outcome {
            Ok(()) => {
                self.store
                    .letter_sent(queued.id, claimed.claim, crate::now())
                    .await?;
                tracing::info!(letter = %queued.id, kind = %queued.letter.kind, "letter sent");
                Ok(true)
            }
            Err((permanent, error)) => {
                let failures = queued.attempts + 1;
                let retry_at = if permanent {
                    None
                } else {
                    retry_delay(failures).map(|d| now + d)
                };
                self.store
                    .letter_failed(queued.id, claimed.claim, crate::now(), &error, retry_at)
                    .await?;
                match retry_at {
                    Some(at) => {
                        tracing::info!(letter = %queued.id, kind = %queued.letter.kind, failures, %error, retry_at = %at, "letter not sent, will retry")
                    }
                    None => {
                        tracing::warn!(letter = %queued.id, kind = %queued.letter.kind, to = %queued.letter.to, failures, %error, "letter not sent, given up")
                    }
                }
                Ok(false)
            }
        }
    }

    /// The letter as a message: plain-text UTF-8, from the node, dated, with its own
    /// Message-ID, marked as sent by a machine. An error (an address that does not parse)
    /// will not get better by trying again.
    fn message(&self, claimed: &ClaimedLetter, now: DateTime<Utc>) -> Result<Message, String> {
        let letter = &claimed.queued.letter;
        let to: Mailbox = letter
            .to
            .parse()
            .map_err(|e| format!("recipient {:?}: {e}", letter.to))?;
        Message::builder()
            .from(self.from.clone())
            .to(to)
            .subject(&letter.subject)
            .date(now.into())
            .message_id(Some(format!("<{}@{}>", claimed.queued.id, self.host)))
            .header(AutoSubmitted)
            .header(ContentType::TEXT_PLAIN)
            .body(letter.body.clone())
            .map_err(|e| e.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config(smtp_url: Option<&str>, mail_from: Option<&str>) -> Config {
        Config {
            smtp_url: smtp_url.map(str::to_owned),
            mail_from: mail_from.map(str::to_owned),
            domain: "node.example:8443".into(),
            ..Config::default()
        }
    }

    #[test]
    fn smtp_urls_of_lettre_are_accepted_and_others_refused_naming_the_key() {
        for good in [
            "smtp://127.0.0.1:2525",
            "smtps://user:secret@mail.example",
            "smtp://mail.example:587?tls=required",
        ] {
            assert_eq!(check_config(&config(Some(good), None)), Ok(()), "{good}");
        }
        for bad in [
            "mail.example",
            "http://mail.example",
            "smtp://mail.example?tls=maybe",
        ] {
            let err = check_config(&config(Some(bad), None)).unwrap_err();
            assert!(err.starts_with("smtp_url "), "{err}");
            assert!(!err.contains('\n'), "{err}");
        }
    }

    #[test]
    fn the_sender_address_defaults_to_the_domain_and_is_checked() {
        assert_eq!(
            sender_address(&config(None, None)).unwrap().to_string(),
            "rhizome@node.example"
        );
        assert_eq!(
            sender_address(&config(None, Some("Réseau <agenda@node.example>")))
                .unwrap()
                .email
                .to_string(),
            "agenda@node.example"
        );
        let err = check_config(&config(None, Some("not an address"))).unwrap_err();
        assert!(err.starts_with("mail_from "), "{err}");
    }
}
