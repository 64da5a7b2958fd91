//! [`ActorStore`] in the SQL both backends share (mounted once per backend, see `mod.rs`).

use async_trait::async_trait;
use sqlx::Row;
use uuid::Uuid;

use super::backend::SqlStore;
use super::rows::{ACTOR_COLUMNS, actor_from_row};
use crate::social::RemoteActor;
use crate::store::{ActorStore, Keypair, StoreError};

#[async_trait]
impl ActorStore for SqlStore {
    async fn keypair(&self, owner: Uuid) -> Result<Option<Keypair>, StoreError> {
        let row = sqlx::query("SELECT public_pem, private_pem FROM keypairs WHERE owner = $1")
            .bind(owner)
            .fetch_optional(&self.pool)
            .await?;
        Ok(match row {
            Some(r) => Some(Keypair {
                public_pem: r.try_get("public_pem")?,
                private_pem: r.try_get("private_pem")?,
            }),
            None => None,
        })
    }

    async fn insert_keypair(&self, owner: Uuid, keypair: &Keypair) -> Result<Keypair, StoreError> {
        sqlx::query(
            "INSERT INTO keypairs (owner, public_pem, private_pem, created_at) VALUES ($1, $2, $3, $4)
             ON CONFLICT (owner) DO NOTHING",
        )
        .bind(owner)
        .bind(&keypair.public_pem)
        .bind(&keypair.private_pem)
        .bind(crate::now())
        .execute(&self.pool)
        .await?;
        self.keypair(owner).await?.ok_or(StoreError::NotFound)
    }

    async fn ed25519_key(&self, owner: Uuid) -> Result<Option<String>, StoreError> {
        let row = sqlx::query("SELECT ed25519_private_pem FROM keypairs WHERE owner = $1")
            .bind(owner)
            .fetch_optional(&self.pool)
            .await?;
        Ok(match row {
            Some(r) => r.try_get("ed25519_private_pem")?,
            None => None,
        })
    }

    async fn insert_ed25519_key(
        &self,
        owner: Uuid,
        private_pem: &str,
    ) -> Result<String, StoreError> {
        sqlx::query(
            "UPDATE keypairs SET ed25519_private_pem = $2
             WHERE owner = $1 AND ed25519_private_pem IS NULL",
        )
        .bind(owner)
        .bind(private_pem)
        .execute(&self.pool)
        .await?;
        self.ed25519_key(owner).await?.ok_or(StoreError::NotFound)
    }

    async fn upsert_remote_actor(&self, a: &RemoteActor) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO remote_actors
               (id, inbox, shared_inbox, public_key_id, public_key_pem, username, name, url, fetched_at,
                assertion_keys)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
             ON CONFLICT (id) DO UPDATE SET inbox = $2, shared_inbox = $3, public_key_id = $4,
               public_key_pem = $5, username = $6, name = $7, url = $8, fetched_at = $9,
               assertion_keys = $10",
        )
        .bind(&a.id)
        .bind(&a.inbox)
        .bind(&a.shared_inbox)
        .bind(&a.public_key_id)
        .bind(&a.public_key_pem)
        .bind(&a.username)
        .bind(&a.name)
        .bind(&a.url)
        .bind(a.fetched_at)
        .bind(serde_json::to_string(&a.assertion_keys).unwrap_or_else(|_| "[]".into()))
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    async fn remote_actor(&self, id: &str) -> Result<Option<RemoteActor>, StoreError> {
        let sql = format!("SELECT {ACTOR_COLUMNS} FROM remote_actors WHERE id = $1");
        let row = sqlx::query(&sql)
            .bind(id)
            .fetch_optional(&self.pool)
            .await?;
        Ok(row.as_ref().map(actor_from_row).transpose()?)
    }

    async fn forget_remote_actor(&self, id: &str) -> Result<(), StoreError> {
        let mut tx = self.pool.begin().await?;
        for sql in [
            "DELETE FROM followers WHERE actor_id = $1",
            "DELETE FROM comments WHERE author_id = $1",
            "DELETE FROM reactions WHERE actor_id = $1",
            "DELETE FROM rsvps WHERE actor_id = $1",
            "DELETE FROM remote_actors WHERE id = $1",
        ] {
            sqlx::query(sql).bind(id).execute(&mut *tx).await?;
        }
        tx.commit().await?;
        Ok(())
    }

    async fn remote_actor_id_by_handle(
        &self,
        username: &str,
        host: &str,
    ) -> Result<Option<String>, StoreError> {
        let rows = sqlx::query("SELECT id FROM remote_actors WHERE username = $1")
            .bind(username)
            .fetch_all(&self.pool)
            .await?;
        for row in rows {
            let id: String = row.try_get("id")?;
            if crate::social::host_of(&id).is_some_and(|h| h.eq_ignore_ascii_case(host)) {
                return Ok(Some(id));
            }
        }
        Ok(None)
    }
}
