//! Moderation by a territory's editors: hiding a reply from the fediverse.

use uuid::Uuid;

use super::{ActionError, Actions};
use crate::{Principal, Territory};

impl Actions {
    /// Hides the reply `comment` to one of `territory`'s publications; it stays stored, so
    /// that a redelivery does not bring it back. Answers whether it was shown until now.
    pub async fn hide_comment(
        &self,
        who: &Principal,
        territory: &Territory,
        comment: Uuid,
    ) -> Result<bool, ActionError> {
        who.require_editor(territory.id)?;
        let replies = self
            .store
            .territory_comments(territory.id, i64::MAX)
            .await?;
        if !replies.iter().any(|c| c.id == comment) {
            return Err(ActionError::NotFound);
        }
        let hidden = self.store.hide_comment(comment).await?;
        tracing::info!(territory = %territory.profile.slug, %comment, by = %who.member.username, "comment hidden");
        Ok(hidden)
    }
}
