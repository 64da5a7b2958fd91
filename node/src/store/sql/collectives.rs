//! [`CollectiveStore`] in the SQL both backends share (mounted once per backend, see
//! `mod.rs`).

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use sqlx::Row;
use uuid::Uuid;

use super::backend::{Db, DbRow, SqlStore};
use super::transaction::enqueue_in;
use crate::collective::{Collective, DecisionKind, Member, Proposal, ProposalState, Rules, Vote};
use crate::outbox::Outgoing;
use crate::store::collectives::CollectiveChange;
use crate::store::results::{conflict_on, decode, touched};
use crate::store::{CollectiveStore, StoreError};

const COLLECTIVE_COLUMNS: &str = "c.actor_id, c.territory_id, c.name, c.rules, c.updated_at";
const PROPOSAL_COLUMNS: &str = "id, collective, kind, subject, proposer, opened_at, closes_at, \
    state, approvals, refusals, decided_at";

fn collective_from_row(row: &DbRow) -> Result<Collective, StoreError> {
    let rules: String = row.try_get("rules")?;
    Ok(Collective {
        actor_id: row.try_get("actor_id")?,
        territory_id: row.try_get("territory_id")?,
        name: row.try_get("name")?,
        rules: serde_json::from_str::<Rules>(&rules).map_err(|e| StoreError::Corrupt {
            table: "collectives",
            column: "rules",
            reason: e.to_string(),
        })?,
        updated_at: row.try_get("updated_at")?,
    })
}

fn member_from_row(row: &DbRow) -> Result<Member, StoreError> {
    Ok(Member {
        actor_id: row.try_get("actor_id")?,
        host: row.try_get("host")?,
        admitted_at: row.try_get("admitted_at")?,
        removed_at: row.try_get("removed_at")?,
    })
}

fn proposal_from_row(row: &DbRow) -> Result<Proposal, StoreError> {
    let kind: String = row.try_get("kind")?;
    let state: String = row.try_get("state")?;
    Ok(Proposal {
        id: row.try_get("id")?,
        collective: row.try_get("collective")?,
        kind: decode("collective_proposals", "kind", &kind, DecisionKind::parse)?,
        subject: row.try_get("subject")?,
        proposer: row.try_get("proposer")?,
        opened_at: row.try_get("opened_at")?,
        closes_at: row.try_get("closes_at")?,
        state: decode(
            "collective_proposals",
            "state",
            &state,
            ProposalState::parse,
        )?,
        approvals: row.try_get("approvals")?,
        refusals: row.try_get("refusals")?,
        decided_at: row.try_get("decided_at")?,
    })
}

fn vote_from_row(row: &DbRow) -> Result<Vote, StoreError> {
    Ok(Vote {
        proposal: row.try_get("proposal")?,
        voter: row.try_get("voter")?,
        approve: row.try_get("approve")?,
        activity_id: row.try_get("activity_id")?,
        cast_at: row.try_get("cast_at")?,
    })
}

fn rules_json(rules: &Rules) -> String {
    serde_json::to_string(rules).unwrap_or_default()
}

async fn enqueue_all(
    tx: &mut sqlx::Transaction<'_, Db>,
    outgoing: &[Outgoing],
) -> Result<(), sqlx::Error> {
    for o in outgoing {
        enqueue_in(tx, o).await?;
    }
    Ok(())
}

/// Admits `actor_id` (again, if it had been removed), inside the caller's transaction.
async fn admit_in(
    tx: &mut sqlx::Transaction<'_, Db>,
    collective: &str,
    actor_id: &str,
    host: &str,
    at: DateTime<Utc>,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO collective_members (collective, actor_id, host, admitted_at, removed_at)
         VALUES ($1, $2, $3, $4, NULL)
         ON CONFLICT (collective, actor_id) DO UPDATE SET admitted_at = $4, removed_at = NULL
         WHERE collective_members.removed_at IS NOT NULL",
    )
    .bind(collective)
    .bind(actor_id)
    .bind(host)
    .bind(at)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

async fn remove_in(
    tx: &mut sqlx::Transaction<'_, Db>,
    collective: &str,
    actor_id: &str,
    at: DateTime<Utc>,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE collective_members SET removed_at = $3
         WHERE collective = $1 AND actor_id = $2 AND removed_at IS NULL",
    )
    .bind(collective)
    .bind(actor_id)
    .bind(at)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

#[async_trait]
impl CollectiveStore for SqlStore {
    async fn save_collective(
        &self,
        c: &Collective,
        members: &[(String, String)],
        at: DateTime<Utc>,
        outgoing: &[Outgoing],
    ) -> Result<(), StoreError> {
        let mut tx = self.pool.begin().await?;
        sqlx::query(
            "INSERT INTO collectives (actor_id, territory_id, name, rules, updated_at)
             VALUES ($1, $2, $3, $4, $5)
             ON CONFLICT (actor_id) DO UPDATE SET name = $3, rules = $4, updated_at = $5",
        )
        .bind(&c.actor_id)
        .bind(c.territory_id)
        .bind(&c.name)
        .bind(rules_json(&c.rules))
        .bind(c.updated_at)
        .execute(&mut *tx)
        .await
        .map_err(conflict_on("collective"))?;
        let current: Vec<String> = sqlx::query(
            "SELECT actor_id FROM collective_members WHERE collective = $1 AND removed_at IS NULL",
        )
        .bind(&c.actor_id)
        .fetch_all(&mut *tx)
        .await?
        .iter()
        .map(|r| r.try_get("actor_id"))
        .collect::<Result<_, _>>()?;
        for gone in current
            .iter()
            .filter(|id| !members.iter().any(|(m, _)| m == *id))
        {
            remove_in(&mut tx, &c.actor_id, gone, at).await?;
        }
        for (actor_id, host) in members {
            admit_in(&mut tx, &c.actor_id, actor_id, host, at).await?;
        }
        enqueue_all(&mut tx, outgoing).await?;
        tx.commit().await?;
        Ok(())
    }

    async fn collective(&self, actor_id: &str) -> Result<Option<Collective>, StoreError> {
        let sql = format!("SELECT {COLLECTIVE_COLUMNS} FROM collectives c WHERE c.actor_id = $1");
        let row = sqlx::query(&sql)
            .bind(actor_id)
            .fetch_optional(&self.pool)
            .await?;
        row.as_ref().map(collective_from_row).transpose()
    }

    async fn collective_of(&self, territory_id: Uuid) -> Result<Option<Collective>, StoreError> {
        let sql =
            format!("SELECT {COLLECTIVE_COLUMNS} FROM collectives c WHERE c.territory_id = $1");
        let row = sqlx::query(&sql)
            .bind(territory_id)
            .fetch_optional(&self.pool)
            .await?;
        row.as_ref().map(collective_from_row).transpose()
    }

    async fn collectives_with_member(&self, actor_id: &str) -> Result<Vec<Collective>, StoreError> {
        let sql = format!(
            "SELECT {COLLECTIVE_COLUMNS} FROM collectives c JOIN collective_members m
                 ON m.collective = c.actor_id
             WHERE m.actor_id = $1 AND m.removed_at IS NULL ORDER BY c.name, c.actor_id"
        );
        let rows = sqlx::query(&sql)
            .bind(actor_id)
            .fetch_all(&self.pool)
            .await?;
        rows.iter().map(collective_from_row).collect()
    }

    async fn collective_members(&self, collective: &str) -> Result<Vec<Member>, StoreError> {
        let rows = sqlx::query(
            "SELECT actor_id, host, admitted_at, removed_at FROM collective_members
             WHERE collective = $1 ORDER BY admitted_at, actor_id",
        )
        .bind(collective)
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(member_from_row).collect()
    }

    async fn is_member(&self, collective: &str, actor_id: &str) -> Result<bool, StoreError> {
        let row = sqlx::query(
            "SELECT 1 AS one FROM collective_members
             WHERE collective = $1 AND actor_id = $2 AND removed_at IS NULL",
        )
        .bind(collective)
        .bind(actor_id)
        .fetch_optional(&self.pool)
        .await?;
        Ok(row.is_some())
    }

    async fn insert_proposal(&self, p: &Proposal, outgoing: &[Outgoing]) -> Result<(), StoreError> {
        let mut tx = self.pool.begin().await?;
        sqlx::query(
            "INSERT INTO collective_proposals (id, collective, kind, subject, proposer, opened_at,
                 closes_at, state, approvals, refusals, decided_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
        )
        .bind(&p.id)
        .bind(&p.collective)
        .bind(p.kind.as_str())
        .bind(&p.subject)
        .bind(&p.proposer)
        .bind(p.opened_at)
        .bind(p.closes_at)
        .bind(p.state.as_str())
        .bind(p.approvals)
        .bind(p.refusals)
        .bind(p.decided_at)
        .execute(&mut *tx)
        .await
        .map_err(conflict_on("proposal"))?;
        enqueue_all(&mut tx, outgoing).await?;
        tx.commit().await?;
        Ok(())
    }

    async fn proposal(&self, id: &str) -> Result<Option<Proposal>, StoreError> {
        let sql = format!("SELECT {PROPOSAL_COLUMNS} FROM collective_proposals WHERE id = $1");
        let row = sqlx::query(&sql)
            .bind(id)
            .fetch_optional(&self.pool)
            .await?;
        row.as_ref().map(proposal_from_row).transpose()
    }

    async fn proposals(&self, collective: &str) -> Result<Vec<Proposal>, StoreError> {
        let sql = format!(
            "SELECT {PROPOSAL_COLUMNS} FROM collective_proposals WHERE collective = $1
             ORDER BY opened_at DESC, id DESC"
        );
        let rows = sqlx::query(&sql)
            .bind(collective)
            .fetch_all(&self.pool)
            .await?;
        rows.iter().map(proposal_from_row).collect()
    }

    async fn insert_vote(&self, v: &Vote, outgoing: &[Outgoing]) -> Result<(), StoreError> {
        let mut tx = self.pool.begin().await?;
        sqlx::query(
            "INSERT INTO collective_votes (proposal, voter, approve, activity_id, cast_at)
             VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(&v.proposal)
        .bind(&v.voter)
        .bind(v.approve)
        .bind(&v.activity_id)
        .bind(v.cast_at)
        .execute(&mut *tx)
        .await
        .map_err(conflict_on("vote"))?;
        enqueue_all(&mut tx, outgoing).await?;
        tx.commit().await?;
        Ok(())
    }

    async fn votes(&self, proposal: &str) -> Result<Vec<Vote>, StoreError> {
        let rows = sqlx::query(
            "SELECT proposal, voter, approve, activity_id, cast_at FROM collective_votes
             WHERE proposal = $1 ORDER BY cast_at, voter",
        )
        .bind(proposal)
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(vote_from_row).collect()
    }

    async fn record_tally(
        &self,
        p: &Proposal,
        change: Option<&CollectiveChange>,
        outgoing: &[Outgoing],
    ) -> Result<(), StoreError> {
        let mut tx = self.pool.begin().await?;
        let done = sqlx::query(
            "UPDATE collective_proposals SET state = $2, approvals = $3, refusals = $4,
                 decided_at = $5
             WHERE id = $1 AND state = 'open'",
        )
        .bind(&p.id)
        .bind(p.state.as_str())
        .bind(p.approvals)
        .bind(p.refusals)
        .bind(p.decided_at)
        .execute(&mut *tx)
        .await?;
        touched(done.rows_affected())?;
        let at = p.decided_at.unwrap_or_else(crate::now);
        match change {
            Some(CollectiveChange::Admit { actor_id, host }) => {
                admit_in(&mut tx, &p.collective, actor_id, host, at).await?;
            }
            Some(CollectiveChange::Remove { actor_id }) => {
                remove_in(&mut tx, &p.collective, actor_id, at).await?;
            }
            Some(CollectiveChange::Rules(rules)) => {
                sqlx::query(
                    "UPDATE collectives SET rules = $2, updated_at = $3 WHERE actor_id = $1",
                )
                .bind(&p.collective)
                .bind(rules_json(rules))
                .bind(at)
                .execute(&mut *tx)
                .await?;
            }
            None => {}
        }
        enqueue_all(&mut tx, outgoing).await?;
        tx.commit().await?;
        Ok(())
    }
}
