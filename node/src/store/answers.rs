//! [`AnswerStore`], one table family of [`super::Store`]: answers to calls (table
//! `call_answers`); its SQL, shared by both backends, is in `sql/answers.rs`.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::StoreError;
use crate::answer::{Answer, AnswerState, CallRef};
use crate::outbox::Outgoing;

#[async_trait]
pub trait AnswerStore: Send + Sync {
    /// Stores a new answer and, in the same transaction, the `Offer` that carries it to
    /// the call's node. `Conflict("answer")` when this responder already answered the call
    /// (or the `Offer` id is known): nothing is stored.
    async fn insert_answer(
        &self,
        answer: &Answer,
        offer: Option<&Outgoing>,
    ) -> Result<(), StoreError>;
    async fn answer(&self, id: Uuid) -> Result<Option<Answer>, StoreError>;
    /// An answer by the id of the `Offer` that carries it.
    async fn answer_by_ap_id(&self, ap_id: &str) -> Result<Option<Answer>, StoreError>;
    /// Every answer to a call, oldest first.
    async fn answers_to(&self, call: &CallRef) -> Result<Vec<Answer>, StoreError>;
    /// Accepted answers to `territory_id`'s calls and accepted answers it made, oldest
    /// first: the territory's partnerships.
    async fn partnerships(&self, territory_id: Uuid) -> Result<Vec<Answer>, StoreError>;
    /// Answers made by a territory of this node, oldest first.
    async fn answers_by(&self, territory_id: Uuid) -> Result<Vec<Answer>, StoreError>;
    /// Decides a pending answer (`state` accepted or declined) and queues `reply` (the
    /// `Accept` or `Reject` for the responder) in the same transaction. `NotFound` when the
    /// answer is absent or already decided.
    async fn decide_answer(
        &self,
        id: Uuid,
        state: AnswerState,
        at: DateTime<Utc>,
        tell_by_mail: bool,
        reply: Option<&Outgoing>,
    ) -> Result<(), StoreError>;
}
