//! [`AnswerStore`] in the SQL both backends share (mounted once per backend, see
//! `mod.rs`).

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use sqlx::Row;
use uuid::Uuid;

use super::backend::{DbRow, SqlStore};
use super::transaction::enqueue_in;
use crate::answer::{Answer, AnswerState, AnswerText, CallRef, Responder};
use crate::outbox::Outgoing;
use crate::store::results::{conflict_on, decode, touched};
use crate::store::{AnswerStore, StoreError};

const ANSWER_COLUMNS: &str = "a.id, a.call_key, a.publication_id, a.responder_kind, \
    a.territory_id, a.actor_id, a.visitor_name, a.visitor_email, a.message, a.offers, \
    a.contact, a.state, a.ap_id, a.created_at, a.decided_at, a.tell_by_mail";

fn corrupt(column: &'static str, reason: &str) -> StoreError {
    StoreError::Corrupt {
        table: "call_answers",
        column,
        reason: reason.into(),
    }
}

fn answer_from_row(row: &DbRow) -> Result<Answer, StoreError> {
    let call = match row.try_get::<Option<Uuid>, _>("publication_id")? {
        Some(id) => CallRef::Local(id),
        None => CallRef::Remote(row.try_get("call_key")?),
    };
    let kind: String = row.try_get("responder_kind")?;
    let responder = match kind.as_str() {
        "territory" => Responder::LocalTerritory(
            row.try_get::<Option<Uuid>, _>("territory_id")?
                .ok_or_else(|| corrupt("territory_id", "a territory's answer without it"))?,
        ),
        "remote" => Responder::RemoteTerritory(
            row.try_get::<Option<String>, _>("actor_id")?
                .ok_or_else(|| corrupt("actor_id", "a remote answer without it"))?,
        ),
        "visitor" => Responder::Visitor {
            name: row
                .try_get::<Option<String>, _>("visitor_name")?
                .unwrap_or_default(),
            email: row
                .try_get::<Option<String>, _>("visitor_email")?
                .ok_or_else(|| corrupt("visitor_email", "a visitor's answer without it"))?,
        },
        other => {
            return Err(corrupt(
                "responder_kind",
                &format!("unknown value {other:?}"),
            ));
        }
    };
    let state: String = row.try_get("state")?;
    Ok(Answer {
        id: row.try_get("id")?,
        call,
        responder,
        text: AnswerText {
            message: row.try_get("message")?,
            offers: row.try_get("offers")?,
            contact: row.try_get("contact")?,
        },
        state: decode("call_answers", "state", &state, AnswerState::parse)?,
        ap_id: row.try_get("ap_id")?,
        created_at: row.try_get("created_at")?,
        decided_at: row.try_get("decided_at")?,
        tell_by_mail: row.try_get("tell_by_mail")?,
    })
}

/// The one value a listing of answers is selected by.
enum Key<'a> {
    Id(Uuid),
    Text(&'a str),
}

impl SqlStore {
    async fn answers_where(
        &self,
        condition: &str,
        key: Key<'_>,
    ) -> Result<Vec<Answer>, StoreError> {
        let sql = format!(
            "SELECT {ANSWER_COLUMNS} FROM call_answers a WHERE {condition} ORDER BY a.created_at, a.id"
        );
        let query = sqlx::query(&sql);
        let query = match key {
            Key::Id(id) => query.bind(id),
            Key::Text(text) => query.bind(text),
        };
        let rows = query.fetch_all(&self.pool).await?;
        rows.iter().map(answer_from_row).collect()
    }
}

#[async_trait]
impl AnswerStore for SqlStore {
    async fn insert_answer(&self, a: &Answer, offer: Option<&Outgoing>) -> Result<(), StoreError> {
        let (kind, territory, actor, name, email) = match &a.responder {
            Responder::LocalTerritory(id) => ("territory", Some(*id), None, None, None),
            Responder::RemoteTerritory(actor) => ("remote", None, Some(actor.as_str()), None, None),
            Responder::Visitor { name, email } => (
                "visitor",
                None,
                None,
                Some(name.as_str()),
                Some(email.as_str()),
            ),
        };
        let publication = match &a.call {
            CallRef::Local(id) => Some(*id),
            CallRef::Remote(_) => None,
        };
        let mut tx = self.pool.begin().await?;
        sqlx::query(
            "INSERT INTO call_answers (id, call_key, publication_id, responder_kind, responder_key,
                 territory_id, actor_id, visitor_name, visitor_email, message, offers, contact,
                 state, ap_id, created_at, decided_at, tell_by_mail)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17)",
        )
        .bind(a.id)
        .bind(a.call.key())
        .bind(publication)
        .bind(kind)
        .bind(a.responder.key())
        .bind(territory)
        .bind(actor)
        .bind(name)
        .bind(email)
        .bind(&a.text.message)
        .bind(&a.text.offers)
        .bind(&a.text.contact)
        .bind(a.state.as_str())
        .bind(&a.ap_id)
        .bind(a.created_at)
        .bind(a.decided_at)
        .bind(a.tell_by_mail)
        .execute(&mut *tx)
        .await
        .map_err(conflict_on("answer"))?;
        if let Some(offer) = offer {
            enqueue_in(&mut tx, offer).await?;
        }
        tx.commit().await?;
        Ok(())
    }

    async fn answer(&self, id: Uuid) -> Result<Option<Answer>, StoreError> {
        Ok(self.answers_where("a.id = $1", Key::Id(id)).await?.pop())
    }

    async fn answer_by_ap_id(&self, ap_id: &str) -> Result<Option<Answer>, StoreError> {
        Ok(self
            .answers_where("a.ap_id = $1", Key::Text(ap_id))
            .await?
            .pop())
    }

    async fn answers_to(&self, call: &CallRef) -> Result<Vec<Answer>, StoreError> {
        self.answers_where("a.call_key = $1", Key::Text(&call.key()))
            .await
    }

    async fn partnerships(&self, territory_id: Uuid) -> Result<Vec<Answer>, StoreError> {
        self.answers_where(
            "a.state = 'accepted' AND (a.territory_id = $1 OR a.publication_id IN
                 (SELECT id FROM publications WHERE territory_id = $1 AND deleted_at IS NULL))",
            Key::Id(territory_id),
        )
        .await
    }

    async fn answers_by(&self, territory_id: Uuid) -> Result<Vec<Answer>, StoreError> {
        self.answers_where("a.territory_id = $1", Key::Id(territory_id))
            .await
    }

    async fn decide_answer(
        &self,
        id: Uuid,
        state: AnswerState,
        at: DateTime<Utc>,
        tell_by_mail: bool,
        reply: Option<&Outgoing>,
    ) -> Result<(), StoreError> {
        let mut tx = self.pool.begin().await?;
        let done = sqlx::query(
            "UPDATE call_answers SET state = $1, decided_at = $2, tell_by_mail = $3
             WHERE id = $4 AND state = 'pending'",
        )
        .bind(state.as_str())
        .bind(at)
        .bind(tell_by_mail)
        .bind(id)
        .execute(&mut *tx)
        .await?;
        touched(done.rows_affected())?;
        if let Some(reply) = reply {
            enqueue_in(&mut tx, reply).await?;
        }
        tx.commit().await?;
        Ok(())
    }
}
