//! Editing a territory's profile: stored with the `Update` of its actor that tells its
//! followers (Mastodon shows the new name, description and picture at once).

use super::{ActionError, Actions};
use crate::territory::TerritoryProfile;
use crate::{Principal, Territory};

impl Actions {
    /// Replaces the profile of `territory` by `profile` (already validated: the API's merge
    /// patch and the settings form share that rule) and queues the actor's `Update`.
    pub async fn edit_territory(
        &self,
        who: &Principal,
        territory: &Territory,
        profile: TerritoryProfile,
    ) -> Result<Territory, ActionError> {
        who.require_editor(territory.id)?;
        let edited = Territory {
            profile,
            updated_at: crate::now(),
            ..territory.clone()
        };
        let announce = self.wire.territory_updated(&edited).await?;
        self.store
            .update_territory(&edited, announce.as_ref())
            .await?;
        self.wire.queued();
        tracing::info!(territory = %edited.profile.slug, by = %who.member.username, "territory profile edited");
        self.notice_inventory(&edited, &territory.profile.inventory)
            .await;
        Ok(edited)
    }
}
