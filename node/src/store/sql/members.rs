//! [`MemberStore`] in the SQL both backends share (mounted once per backend, see `mod.rs`).

use async_trait::async_trait;
use sqlx::Row;
use uuid::Uuid;

use super::backend::SqlStore;
use super::rows::{MEMBER_COLUMNS, link_from_row, member_from_row};
use crate::member::{ApiToken, LinkPurpose, Member, OneTimeLink, Principal, Session};
use crate::store::results::{conflict_on, touched};
use crate::store::{MemberStore, StoreError};

#[async_trait]
impl MemberStore for SqlStore {
    async fn insert_member(&self, m: &Member) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO members (id, username, password_hash, is_admin, created_at)
             VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(m.id)
        .bind(&m.username)
        .bind(&m.password_hash)
        .bind(m.is_admin)
        .bind(m.created_at)
        .execute(&self.pool)
        .await
        .map_err(conflict_on("username"))?;
        Ok(())
    }

    async fn member_by_username(&self, username: &str) -> Result<Option<Member>, StoreError> {
        let sql = format!("SELECT {MEMBER_COLUMNS} FROM members m WHERE m.username = $1");
        let row = sqlx::query(&sql)
            .bind(username)
            .fetch_optional(&self.pool)
            .await?;
        Ok(row.as_ref().map(member_from_row).transpose()?)
    }

    async fn member(&self, id: Uuid) -> Result<Option<Member>, StoreError> {
        let sql = format!("SELECT {MEMBER_COLUMNS} FROM members m WHERE m.id = $1");
        let row = sqlx::query(&sql)
            .bind(id)
            .fetch_optional(&self.pool)
            .await?;
        Ok(row.as_ref().map(member_from_row).transpose()?)
    }

    async fn set_password_hash(&self, member_id: Uuid, hash: &str) -> Result<(), StoreError> {
        let done = sqlx::query("UPDATE members SET password_hash = $2 WHERE id = $1")
            .bind(member_id)
            .bind(hash)
            .execute(&self.pool)
            .await?;
        touched(done.rows_affected())
    }

    async fn member_count(&self) -> Result<i64, StoreError> {
        let row = sqlx::query("SELECT COUNT(*) AS n FROM members")
            .fetch_one(&self.pool)
            .await?;
        Ok(row.try_get("n")?)
    }

    async fn grant_editor(&self, member_id: Uuid, territory_id: Uuid) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO territory_editors (member_id, territory_id) VALUES ($1, $2)
             ON CONFLICT DO NOTHING",
        )
        .bind(member_id)
        .bind(territory_id)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    async fn principal(&self, member: Member) -> Result<Principal, StoreError> {
        let rows = sqlx::query("SELECT territory_id FROM territory_editors WHERE member_id = $1")
            .bind(member.id)
            .fetch_all(&self.pool)
            .await?;
        let editor_of = rows
            .iter()
            .map(|r| r.try_get::<Uuid, _>("territory_id"))
            .collect::<Result<_, _>>()?;
        Ok(Principal { member, editor_of })
    }

    async fn insert_token(&self, t: &ApiToken) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO api_tokens (id, member_id, name, token_hash, created_at)
             VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(t.id)
        .bind(t.member_id)
        .bind(&t.name)
        .bind(&t.token_hash)
        .bind(t.created_at)
        .execute(&self.pool)
        .await
        .map_err(conflict_on("token"))?;
        Ok(())
    }

    async fn member_by_token_hash(&self, hash: &str) -> Result<Option<Member>, StoreError> {
        let sql = format!(
            "SELECT {MEMBER_COLUMNS} FROM api_tokens t JOIN members m ON m.id = t.member_id
             WHERE t.token_hash = $1"
        );
        let row = sqlx::query(&sql)
            .bind(hash)
            .fetch_optional(&self.pool)
            .await?;
        Ok(row.as_ref().map(member_from_row).transpose()?)
    }

    async fn insert_session(&self, s: &Session) -> Result<(), StoreError> {
        let mut tx = self.pool.begin().await?;
        sqlx::query("DELETE FROM sessions WHERE expires_at < $1")
            .bind(s.created_at)
            .execute(&mut *tx)
            .await?;
        sqlx::query(
            "INSERT INTO sessions (id_hash, member_id, csrf, created_at, expires_at)
             VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(&s.id_hash)
        .bind(s.member_id)
        .bind(&s.csrf)
        .bind(s.created_at)
        .bind(s.expires_at)
        .execute(&mut *tx)
        .await
        .map_err(conflict_on("session"))?;
        tx.commit().await?;
        Ok(())
    }

    async fn session(&self, id_hash: &str) -> Result<Option<(Session, Member)>, StoreError> {
        let sql = format!(
            "SELECT {MEMBER_COLUMNS}, s.id_hash, s.csrf, s.created_at AS s_created, s.expires_at
             FROM sessions s JOIN members m ON m.id = s.member_id
             WHERE s.id_hash = $1 AND s.expires_at > $2"
        );
        let row = sqlx::query(&sql)
            .bind(id_hash)
            .bind(crate::now())
            .fetch_optional(&self.pool)
            .await?;
        let Some(row) = row else { return Ok(None) };
        let member = member_from_row(&row)?;
        let session = Session {
            id_hash: row.try_get("id_hash")?,
            member_id: member.id,
            csrf: row.try_get("csrf")?,
            created_at: row.try_get("s_created")?,
            expires_at: row.try_get("expires_at")?,
        };
        Ok(Some((session, member)))
    }

    async fn delete_session(&self, id_hash: &str) -> Result<(), StoreError> {
        sqlx::query("DELETE FROM sessions WHERE id_hash = $1")
            .bind(id_hash)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    async fn delete_sessions_of(
        &self,
        member_id: Uuid,
        keep: Option<&str>,
    ) -> Result<(), StoreError> {
        sqlx::query("DELETE FROM sessions WHERE member_id = $1 AND id_hash <> $2")
            .bind(member_id)
            .bind(keep.unwrap_or(""))
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    async fn insert_link(&self, l: &OneTimeLink) -> Result<(), StoreError> {
        let (member_id, territory_id, admin) = match &l.purpose {
            LinkPurpose::Invitation {
                territory_id,
                admin,
            } => (None, *territory_id, *admin),
            LinkPurpose::PasswordReset { member_id } => (Some(*member_id), None, false),
        };
        sqlx::query(
            "INSERT INTO one_time_links
               (token_hash, purpose, member_id, territory_id, is_admin, created_at, expires_at, used_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        )
        .bind(&l.token_hash)
        .bind(l.purpose.as_str())
        .bind(member_id)
        .bind(territory_id)
        .bind(admin)
        .bind(l.created_at)
        .bind(l.expires_at)
        .bind(l.used_at)
        .execute(&self.pool)
        .await
        .map_err(conflict_on("link"))?;
        Ok(())
    }

    async fn link(&self, token_hash: &str) -> Result<Option<OneTimeLink>, StoreError> {
        let row = sqlx::query(
            "SELECT token_hash, purpose, member_id, territory_id, is_admin, created_at, expires_at, used_at
             FROM one_time_links WHERE token_hash = $1",
        )
        .bind(token_hash)
        .fetch_optional(&self.pool)
        .await?;
        row.as_ref().map(link_from_row).transpose()
    }

    async fn accept_invitation(&self, token_hash: &str, m: &Member) -> Result<Member, StoreError> {
        let now = crate::now();
        let mut tx = self.pool.begin().await?;
        // Writing first takes the row (PostgreSQL) or the database (SQLite) lock, so a
        // concurrent use of the same link waits, then finds it used.
        let row = sqlx::query(
            "UPDATE one_time_links SET used_at = $2
             WHERE token_hash = $1 AND purpose = 'invitation' AND used_at IS NULL AND expires_at > $2
             RETURNING territory_id, is_admin",
        )
        .bind(token_hash)
        .bind(now)
        .fetch_optional(&mut *tx)
        .await?;
        let Some(row) = row else {
            return Err(StoreError::NotFound);
        };
        let territory_id: Option<Uuid> = row.try_get("territory_id")?;
        let member = Member {
            is_admin: row.try_get("is_admin")?,
            ..m.clone()
        };
        sqlx::query(
            "INSERT INTO members (id, username, password_hash, is_admin, created_at)
             VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(member.id)
        .bind(&member.username)
        .bind(&member.password_hash)
        .bind(member.is_admin)
        .bind(member.created_at)
        .execute(&mut *tx)
        .await
        .map_err(conflict_on("username"))?;
        if let Some(territory_id) = territory_id {
            sqlx::query("INSERT INTO territory_editors (member_id, territory_id) VALUES ($1, $2)")
                .bind(member.id)
                .bind(territory_id)
                .execute(&mut *tx)
                .await?;
        }
        tx.commit().await?;
        Ok(member)
    }

    async fn reset_password(
        &self,
        token_hash: &str,
        password_hash: &str,
    ) -> Result<Member, StoreError> {
        let now = crate::now();
        let mut tx = self.pool.begin().await?;
        let row = sqlx::query(
            "UPDATE one_time_links SET used_at = $2
             WHERE token_hash = $1 AND purpose = 'password_reset' AND used_at IS NULL AND expires_at > $2
             RETURNING member_id",
        )
        .bind(token_hash)
        .bind(now)
        .fetch_optional(&mut *tx)
        .await?;
        let Some(row) = row else {
            return Err(StoreError::NotFound);
        };
        let member_id: Uuid = row.try_get("member_id")?;
        let done = sqlx::query("UPDATE members SET password_hash = $2 WHERE id = $1")
            .bind(member_id)
            .bind(password_hash)
            .execute(&mut *tx)
            .await?;
        touched(done.rows_affected())?;
        sqlx::query(
            "UPDATE one_time_links SET used_at = $2 WHERE member_id = $1 AND used_at IS NULL",
        )
        .bind(member_id)
        .bind(now)
        .execute(&mut *tx)
        .await?;
        sqlx::query("DELETE FROM sessions WHERE member_id = $1")
            .bind(member_id)
            .execute(&mut *tx)
            .await?;
        let sql = format!("SELECT {MEMBER_COLUMNS} FROM members m WHERE m.id = $1");
        let row = sqlx::query(&sql)
            .bind(member_id)
            .fetch_one(&mut *tx)
            .await?;
        let member = member_from_row(&row)?;
        tx.commit().await?;
        Ok(member)
    }
}
