//! Moderation: a territory's editors hide replies from the fediverse; the node's admins
//! hide other servers' publications and block and unblock other servers' domains.

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

/// A domain as typed (`Mastodon.example`, `https://spam.example/`), or `None`: the one
/// reading of a typed domain, for the pages and the command line.
pub fn typed_domain(typed: &str) -> Option<String> {
    let domain = typed
        .trim()
        .trim_start_matches("https://")
        .trim_start_matches("http://")
        .trim_end_matches('/')
        .to_lowercase();
    let ok = !domain.is_empty()
        && domain.len() <= 253
        && domain
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | ':' | '_'));
    ok.then_some(domain)
}

impl Actions {
    /// Refuses everything from `domain` from now on and delivers nothing there (admins).
    pub async fn block_domain(
        &self,
        who: &Principal,
        domain: &str,
        reason: &str,
    ) -> Result<(), ActionError> {
        who.require_admin()?;
        self.store.block_domain(domain, reason.trim()).await?;
        self.wire.blocks_changed().await;
        tracing::info!(%domain, by = %who.member.username, "domain blocked");
        Ok(())
    }

    /// Lifts a block made on this node (those of the configuration file stay).
    pub async fn unblock_domain(&self, who: &Principal, domain: &str) -> Result<(), ActionError> {
        who.require_admin()?;
        if !self.store.unblock_domain(domain).await? {
            return Err(ActionError::NotFound);
        }
        self.wire.blocks_changed().await;
        tracing::info!(%domain, by = %who.member.username, "domain unblocked");
        Ok(())
    }
}

impl Actions {
    /// Takes a publication from another server out of this node's network views for good
    /// (admins): our copy is dropped and a redelivery does not bring it back. Its origin is
    /// untouched (block the domain to refuse everything from there).
    pub async fn hide_remote_publication(
        &self,
        who: &Principal,
        id: &str,
    ) -> Result<(), ActionError> {
        who.require_admin()?;
        let publication = (self.store.remote_publication(id).await?)
            .filter(|p| p.deleted_at.is_none())
            .ok_or(ActionError::NotFound)?;
        self.store
            .delete_remote_publication(&publication.id, &publication.actor_id, crate::now())
            .await?;
        tracing::info!(id = %publication.id, by = %who.member.username, "remote publication hidden");
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::typed_domain;

    #[test]
    fn domains_are_read_leniently_and_refused_when_not_domains() {
        assert_eq!(
            typed_domain(" https://Spam.Example/ ").as_deref(),
            Some("spam.example")
        );
        assert_eq!(
            typed_domain("localhost:8080").as_deref(),
            Some("localhost:8080")
        );
        assert_eq!(typed_domain(""), None);
        assert_eq!(typed_domain("spam.example/path"), None);
        assert_eq!(typed_domain("a b"), None);
    }
}
