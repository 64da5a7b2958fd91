//! [`PartnershipStore`] in the SQL both backends share (mounted once per backend, see
//! `mod.rs`).

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use sqlx::Row;
use sqlx::types::Json;
use uuid::Uuid;

use super::backend::{DbRow, SqlStore};
use super::transaction::enqueue_in;
use crate::outbox::Outgoing;
use crate::partnership::{Partnership, PartnershipState, PartnershipTerms};
use crate::publication::partner::TerritoryRef;
use crate::store::results::{conflict_on, decode, touched};
use crate::store::{PartnershipStore, StoreError};
use crate::theme::Theme;

const COLUMNS: &str = "id, offerer_id, offerer_actor, partner_id, partner_actor, state, \
    themes, description, offer_id, object_id, created_at, decided_at, ended_at";

fn corrupt(column: &'static str, reason: &str) -> StoreError {
    StoreError::Corrupt {
        table: "partnerships",
        column,
        reason: reason.into(),
    }
}

/// One side, from its two columns: a territory of this node, or an actor elsewhere.
fn side(
    row: &DbRow,
    id_column: &'static str,
    actor_column: &'static str,
) -> Result<TerritoryRef, StoreError> {
    if let Some(id) = row.try_get::<Option<Uuid>, _>(id_column)? {
        return Ok(TerritoryRef::Local(id));
    }
    let actor: Option<String> = row.try_get(actor_column)?;
    let actor = actor.ok_or_else(|| corrupt(actor_column, "a side with neither id nor actor"))?;
    url::Url::parse(&actor)
        .map(TerritoryRef::Remote)
        .map_err(|e| corrupt(actor_column, &e.to_string()))
}

/// The two columns of one side.
fn columns(side: &TerritoryRef) -> (Option<Uuid>, Option<String>) {
    match side {
        TerritoryRef::Local(id) => (Some(*id), None),
        other => (None, Some(other.to_string())),
    }
}

fn partnership_from_row(row: &DbRow) -> Result<Partnership, StoreError> {
    let state: String = row.try_get("state")?;
    Ok(Partnership {
        id: row.try_get("id")?,
        offerer: side(row, "offerer_id", "offerer_actor")?,
        partner: side(row, "partner_id", "partner_actor")?,
        state: decode("partnerships", "state", &state, PartnershipState::parse)?,
        terms: PartnershipTerms {
            themes: row.try_get::<Json<Vec<Theme>>, _>("themes")?.0,
            description: row.try_get("description")?,
        },
        offer_id: row.try_get("offer_id")?,
        object_id: row.try_get("object_id")?,
        created_at: row.try_get("created_at")?,
        decided_at: row.try_get("decided_at")?,
        ended_at: row.try_get("ended_at")?,
    })
}

/// The one value a listing of partnerships is selected by.
enum Key<'a> {
    None,
    Id(Uuid),
    Text(&'a str),
}

impl SqlStore {
    async fn partnerships_where(
        &self,
        condition: &str,
        order: &str,
        key: Key<'_>,
    ) -> Result<Vec<Partnership>, StoreError> {
        let sql = format!("SELECT {COLUMNS} FROM partnerships WHERE {condition} ORDER BY {order}");
        let query = sqlx::query(&sql);
        let query = match key {
            Key::None => query,
            Key::Id(id) => query.bind(id),
            Key::Text(text) => query.bind(text),
        };
        let rows = query.fetch_all(&self.pool).await?;
        rows.iter().map(partnership_from_row).collect()
    }
}

#[async_trait]
impl PartnershipStore for SqlStore {
    async fn insert_partnership(
        &self,
        p: &Partnership,
        activity: Option<&Outgoing>,
    ) -> Result<(), StoreError> {
        let (offerer_id, offerer_actor) = columns(&p.offerer);
        let (partner_id, partner_actor) = columns(&p.partner);
        let mut tx = self.pool.begin().await?;
        sqlx::query(
            "INSERT INTO partnerships (id, offerer_id, offerer_actor, partner_id, partner_actor,
                 pair_key, state, themes, description, offer_id, object_id, created_at,
                 decided_at, ended_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)",
        )
        .bind(p.id)
        .bind(offerer_id)
        .bind(offerer_actor)
        .bind(partner_id)
        .bind(partner_actor)
        .bind(p.pair_key())
        .bind(p.state.as_str())
        .bind(Json(&p.terms.themes))
        .bind(&p.terms.description)
        .bind(&p.offer_id)
        .bind(&p.object_id)
        .bind(p.created_at)
        .bind(p.decided_at)
        .bind(p.ended_at)
        .execute(&mut *tx)
        .await
        .map_err(conflict_on("partnership"))?;
        if let Some(activity) = activity {
            enqueue_in(&mut tx, activity).await?;
        }
        tx.commit().await?;
        Ok(())
    }

    async fn partnership(&self, id: Uuid) -> Result<Option<Partnership>, StoreError> {
        Ok(self
            .partnerships_where("id = $1", "id", Key::Id(id))
            .await?
            .pop())
    }

    async fn partnership_by_ap_id(&self, ap_id: &str) -> Result<Option<Partnership>, StoreError> {
        Ok(self
            .partnerships_where("offer_id = $1 OR object_id = $1", "id", Key::Text(ap_id))
            .await?
            .pop())
    }

    async fn partnerships_of(&self, territory_id: Uuid) -> Result<Vec<Partnership>, StoreError> {
        self.partnerships_where(
            "offerer_id = $1 OR partner_id = $1",
            "created_at DESC, id DESC",
            Key::Id(territory_id),
        )
        .await
    }

    async fn active_partnerships(&self) -> Result<Vec<Partnership>, StoreError> {
        self.partnerships_where("state = 'active'", "created_at, id", Key::None)
            .await
    }

    async fn change_partnership(
        &self,
        id: Uuid,
        from: PartnershipState,
        to: PartnershipState,
        at: DateTime<Utc>,
        activity: Option<&Outgoing>,
    ) -> Result<(), StoreError> {
        let column = if to == PartnershipState::Ended {
            "ended_at"
        } else {
            "decided_at"
        };
        let mut tx = self.pool.begin().await?;
        let done = sqlx::query(&format!(
            "UPDATE partnerships SET state = $1, {column} = $2 WHERE id = $3 AND state = $4"
        ))
        .bind(to.as_str())
        .bind(at)
        .bind(id)
        .bind(from.as_str())
        .execute(&mut *tx)
        .await?;
        touched(done.rows_affected())?;
        if let Some(activity) = activity {
            enqueue_in(&mut tx, activity).await?;
        }
        tx.commit().await?;
        Ok(())
    }
}
