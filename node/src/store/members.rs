//! [`MemberStore`], one table family of [`super::Store`]; its SQL, shared by both
//! backends, is in `sql/members.rs`.

use async_trait::async_trait;
use uuid::Uuid;

use crate::member::{ApiToken, Member, OneTimeLink, Principal, Session};
use crate::store::StoreError;

/// Members and how they sign in: API tokens, browser sessions, one-time links (invitations,
/// password resets), editor rights.
#[async_trait]
pub trait MemberStore: Send + Sync {
    async fn insert_member(&self, member: &Member) -> Result<(), StoreError>;

    async fn member_by_username(&self, username: &str) -> Result<Option<Member>, StoreError>;

    async fn member(&self, id: Uuid) -> Result<Option<Member>, StoreError>;

    async fn set_password_hash(&self, member_id: Uuid, hash: &str) -> Result<(), StoreError>;

    async fn member_count(&self) -> Result<i64, StoreError>;

    async fn grant_editor(&self, member_id: Uuid, territory_id: Uuid) -> Result<(), StoreError>;

    async fn principal(&self, member: Member) -> Result<Principal, StoreError>;

    async fn insert_token(&self, token: &ApiToken) -> Result<(), StoreError>;

    /// The member a token belongs to, looked up by the token's hash.
    async fn member_by_token_hash(&self, hash: &str) -> Result<Option<Member>, StoreError>;

    /// Stores a new browser session, and forgets expired ones.
    async fn insert_session(&self, session: &Session) -> Result<(), StoreError>;

    /// A live session and its member, by the hash of the cookie's secret.
    async fn session(&self, id_hash: &str) -> Result<Option<(Session, Member)>, StoreError>;

    async fn delete_session(&self, id_hash: &str) -> Result<(), StoreError>;

    /// Ends every session of a member but `keep` (the one changing its password).
    async fn delete_sessions_of(
        &self,
        member_id: Uuid,
        keep: Option<&str>,
    ) -> Result<(), StoreError>;

    /// Stores a one-time link (invitation or password reset).
    async fn insert_link(&self, link: &OneTimeLink) -> Result<(), StoreError>;

    /// A one-time link by the hash of its secret, used and expired ones included: check
    /// [`OneTimeLink::is_live`].
    async fn link(&self, token_hash: &str) -> Result<Option<OneTimeLink>, StoreError>;

    /// Uses a live invitation, in one transaction: marks it used, creates `member` (a node
    /// admin if and only if the invitation says so) and makes them an editor of the
    /// invitation's territory. Returns the member as stored. `NotFound` if the link is
    /// unknown, used (even concurrently) or expired; on `Conflict("username")` the link
    /// stays unused.
    async fn accept_invitation(
        &self,
        token_hash: &str,
        member: &Member,
    ) -> Result<Member, StoreError>;

    /// Uses a live password reset link, in one transaction: marks it (and the member's
    /// other pending resets) used, sets the new password hash and ends all the member's
    /// sessions. Returns the member. `NotFound` if the link is unknown, used or expired.
    async fn reset_password(
        &self,
        token_hash: &str,
        password_hash: &str,
    ) -> Result<Member, StoreError>;
}
