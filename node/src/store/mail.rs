//! [`MailStore`], one table family of [`super::Store`]: the queue of letters waiting to be
//! sent, members' addresses and mail choices, and the news waiting for daily digests. Its
//! SQL, shared by both backends, is in `sql/mail.rs`.

use async_trait::async_trait;
use chrono::{DateTime, Duration, Utc};
use uuid::Uuid;

use crate::mail::{
    ClaimedLetter, DigestItem, Letter, MailChoices, MailQueueCounts, QueuedLetter, Recipient,
};
use crate::store::StoreError;

/// Writes the digest letter of a member's news, or `None` to drop the news unsent.
pub type DigestWriter<'a> = &'a (dyn Fn(&[DigestItem]) -> Option<Letter> + Send + Sync);

/// The mail queue, members' mail choices, digests.
#[async_trait]
pub trait MailStore: Send + Sync {
    /// Puts a letter in the queue, to be sent from `at` on; returns its id.
    async fn queue_letter(&self, letter: &Letter, at: DateTime<Utc>) -> Result<Uuid, StoreError>;

    /// Letters not sent yet, oldest first, at most `limit`.
    async fn unsent_letters(&self, limit: i64) -> Result<Vec<QueuedLetter>, StoreError>;

    /// How many letters wait to be sent, and how many were given up.
    async fn mail_queue_counts(&self) -> Result<MailQueueCounts, StoreError>;

    /// Takes up to `limit` letters due at `now` (not sent, not given up, not held by a
    /// live claim), oldest first, and leases them until `now + lease` under a new claim
    /// token (on PostgreSQL, rows another worker is claiming at that moment are skipped).
    async fn claim_letters(
        &self,
        now: DateTime<Utc>,
        lease: Duration,
        limit: i64,
    ) -> Result<Vec<ClaimedLetter>, StoreError>;

    /// Marks a letter sent, if `claim` still holds it; whether it did.
    async fn letter_sent(
        &self,
        id: Uuid,
        claim: Uuid,
        at: DateTime<Utc>,
    ) -> Result<bool, StoreError>;

    /// Records a failed attempt (if `claim` still holds the letter): its error, and when to
    /// try again, or, with no `retry_at`, that it is given up (the row stays).
    async fn letter_failed(
        &self,
        id: Uuid,
        claim: Uuid,
        at: DateTime<Utc>,
        error: &str,
        retry_at: Option<DateTime<Utc>>,
    ) -> Result<bool, StoreError>;

    /// A member's address and mail choices (`None` for an unknown member).
    async fn member_mail(&self, member_id: Uuid) -> Result<Option<MailChoices>, StoreError>;

    /// Replaces a member's address and mail choices. `Conflict("email")` when another
    /// member has this address (compared without case); `NotFound` for an unknown member.
    async fn set_member_mail(
        &self,
        member_id: Uuid,
        choices: &MailChoices,
    ) -> Result<(), StoreError>;

    /// The editors of a territory who have an address, with their choices.
    async fn territory_recipients(&self, territory_id: Uuid) -> Result<Vec<Recipient>, StoreError>;

    /// Keeps a piece of news (written as `letter`) for `member_id`'s next digest.
    async fn add_digest_item(
        &self,
        member_id: Uuid,
        letter: &Letter,
        at: DateTime<Utc>,
    ) -> Result<(), StoreError>;

    /// Members with news written before `before` waiting for their digest.
    async fn digests_due(&self, before: DateTime<Utc>) -> Result<Vec<Uuid>, StoreError>;

    /// In one transaction: takes `member_id`'s news written before `before` (oldest
    /// first), and queues the letter `write` makes of them at `at`. Returns how many were
    /// taken; a second worker gathering at the same time takes none.
    async fn gather_digest(
        &self,
        member_id: Uuid,
        before: DateTime<Utc>,
        at: DateTime<Utc>,
        write: DigestWriter<'_>,
    ) -> Result<usize, StoreError>;

    /// Remembers the address the invitation `token_hash` was sent to.
    async fn set_invited_address(&self, token_hash: &str, email: &str) -> Result<(), StoreError>;

    /// The address the invitation `token_hash` was sent to, if it was mailed.
    async fn invited_address(&self, token_hash: &str) -> Result<Option<String>, StoreError>;
}
