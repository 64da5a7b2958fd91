//! A territory's followers and followings: its editors approve or refuse the follow
//! requests held for them (territories that approve followers by hand), the follower
//! hearing the answer; and end the territory's subscriptions to actors elsewhere.

use super::{ActionError, Actions};
use crate::network::{Following, Scope};
use crate::social::{FollowState, Follower};
use crate::{Principal, Territory};

impl Actions {
    /// Approves (`Accept`) or refuses (`Reject`, and the request is dropped) the follow
    /// request of `actor_id` to `territory`.
    pub async fn decide_follower(
        &self,
        who: &Principal,
        territory: &Territory,
        actor_id: &str,
        approve: bool,
    ) -> Result<(), ActionError> {
        who.require_editor(territory.id)?;
        let follower = self
            .store
            .followers(territory.id, i64::MAX, 0)
            .await?
            .into_iter()
            .find(|f| f.actor_id == actor_id)
            .ok_or(ActionError::NotFound)?;
        let actor = (self.store.remote_actor(actor_id).await?).ok_or(ActionError::NotFound)?;
        if approve {
            let accepted = Follower {
                state: FollowState::Accepted,
                ..follower
            };
            let reply = self
                .wire
                .follow_answered(territory, &accepted, &actor, true);
            self.store.upsert_follower(&accepted, Some(&reply)).await?;
        } else {
            self.store.remove_follower(territory.id, actor_id).await?;
            let reply = self
                .wire
                .follow_answered(territory, &follower, &actor, false);
            self.store.enqueue(&reply).await?;
        }
        self.wire.queued();
        tracing::info!(territory = %territory.profile.slug, actor = %actor_id, approve, by = %who.member.username, "follow request decided");
        Ok(())
    }
}

impl Actions {
    /// `territory` follows `target` on another server (an `@name@host` or an actor URL),
    /// asking only for what `scope` admits (already validated); the `Follow` is queued in
    /// the same transaction as the subscription, and publications flow once accepted.
    pub async fn follow(
        &self,
        who: &Principal,
        territory: &Territory,
        target: &str,
        scope: Scope,
    ) -> Result<Following, ActionError> {
        who.require_editor(territory.id)?;
        let (following, follow) = self.wire.follow_request(territory, target, scope).await?;
        self.store
            .upsert_following(&following, Some(&follow))
            .await?;
        self.wire.queued();
        tracing::info!(territory = %territory.profile.slug, target = %following.target_id, by = %who.member.username, "follow sent");
        Ok(following)
    }

    /// Ends `territory`'s subscription to `target_id` and tells the other side with
    /// `Undo{Follow}`, stored in the same transaction.
    pub async fn unfollow(
        &self,
        who: &Principal,
        territory: &Territory,
        target_id: &str,
    ) -> Result<(), ActionError> {
        who.require_editor(territory.id)?;
        let following = (self.store.followings(territory.id).await?)
            .into_iter()
            .find(|f| f.target_id == target_id)
            .ok_or(ActionError::NotFound)?;
        let undo = self.wire.following_ended(territory, &following).await?;
        if !(self.store)
            .remove_following(territory.id, target_id, undo.as_ref())
            .await?
        {
            return Err(ActionError::NotFound);
        }
        self.wire.queued();
        tracing::info!(territory = %territory.profile.slug, target = %target_id, by = %who.member.username, "unfollowed");
        Ok(())
    }
}
