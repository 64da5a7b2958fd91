//! Publishing, editing and deleting events, resources and calls.

use uuid::Uuid;

use super::{ActionError, Actions};
use crate::publication::PublicationKind;
use crate::{Principal, Publication, PublicationBody, Territory};

/// Whether an event already over may be published.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PastEvents {
    /// Scripts and imports publish a territory's history.
    Allowed,
    /// A person typing a past date almost always made a mistake.
    Refused,
}

/// What an editor sends to publish: the kind and its JSON draft (the API's body, or the
/// form's fields under the same JSON paths).
#[derive(Debug, Clone)]
pub struct Draft {
    pub kind: PublicationKind,
    pub json: serde_json::Value,
    pub past_events: PastEvents,
}

impl Actions {
    /// Validates a draft as `publish` would, storing nothing (the form's preview).
    pub fn check_draft(
        &self,
        who: &Principal,
        territory: &Territory,
        draft: Draft,
    ) -> Result<PublicationBody, ActionError> {
        who.require_editor(territory.id)?;
        let body = match draft.past_events {
            PastEvents::Allowed => PublicationBody::from_draft(draft.kind, draft.json, territory)?,
            PastEvents::Refused => {
                PublicationBody::new_from_draft(draft.kind, draft.json, territory, crate::now())?
            }
        };
        Ok(body)
    }

    /// Publishes a new event, resource or call and tells the territory's followers.
    pub async fn publish(
        &self,
        who: &Principal,
        territory: &Territory,
        draft: Draft,
    ) -> Result<Publication, ActionError> {
        let body = self.check_draft(who, territory, draft)?;
        self.check_references(&body).await?;
        let publication = Publication::new(territory.id, body);
        self.store_new(territory, &publication).await?;
        tracing::info!(id = %publication.id, kind = publication.body.kind().as_str(),
            territory = %territory.profile.slug, by = %who.member.username, "published");
        self.notice_matches(&publication.id.to_string()).await;
        Ok(publication)
    }

    /// Stores a publication already validated, with its `Create` for the followers.
    pub async fn store_new(
        &self,
        territory: &Territory,
        publication: &Publication,
    ) -> Result<(), ActionError> {
        self.refuse_if_moved(territory).await?;
        let create = self
            .wire
            .publication_created(territory, publication)
            .await?;
        self.store
            .insert_publication(publication, Some(&create))
            .await?;
        self.wire.queued();
        Ok(())
    }

    /// A live publication of this kind, with its territory; `Gone` once deleted.
    pub async fn publication(
        &self,
        kind: PublicationKind,
        id: Uuid,
    ) -> Result<(Publication, Territory), ActionError> {
        let publication = self
            .store
            .publication(id)
            .await?
            .filter(|p| p.body.kind() == kind)
            .ok_or(ActionError::NotFound)?;
        if publication.deleted_at.is_some() {
            return Err(ActionError::Gone);
        }
        let territory = self
            .store
            .territory(publication.territory_id)
            .await?
            .ok_or(ActionError::NotFound)?;
        Ok((publication, territory))
    }

    /// A live publication the member may edit, with its territory.
    pub async fn editable_publication(
        &self,
        who: &Principal,
        kind: PublicationKind,
        id: Uuid,
    ) -> Result<(Publication, Territory), ActionError> {
        let (publication, territory) = self.publication(kind, id).await?;
        who.require_editor(territory.id)?;
        Ok((publication, territory))
    }

    /// Applies a JSON merge patch and validates the result as a new draft, storing nothing
    /// (the form's preview): an edit obeys exactly the rules of a creation.
    pub fn check_edit(
        &self,
        who: &Principal,
        territory: &Territory,
        publication: &Publication,
        patch: &serde_json::Value,
    ) -> Result<Publication, ActionError> {
        who.require_editor(territory.id)?;
        Ok(Publication {
            body: publication.body.patched(patch, territory)?,
            updated_at: crate::now(),
            ..publication.clone()
        })
    }

    /// Edits a publication with a merge patch and sends the `Update`.
    pub async fn edit(
        &self,
        who: &Principal,
        territory: &Territory,
        publication: &Publication,
        patch: &serde_json::Value,
    ) -> Result<Publication, ActionError> {
        let edited = self.check_edit(who, territory, publication, patch)?;
        self.store_edited(territory, &edited).await?;
        tracing::info!(id = %edited.id, by = %who.member.username, "edited");
        if matches!(edited.body, crate::PublicationBody::Event(_)) {
            // More places, or registrations open again: the waitlist moves up.
            if let Err(e) = self.fill_from_waitlist(edited.id).await {
                tracing::warn!(id = %edited.id, error = %e, "waitlist not moved up after an edit");
            }
        }
        Ok(edited)
    }

    /// Stores an edited publication already validated, with its `Update` for the followers.
    pub async fn store_edited(
        &self,
        territory: &Territory,
        edited: &Publication,
    ) -> Result<(), ActionError> {
        self.check_references(&edited.body).await?;
        let update = self.wire.publication_updated(territory, edited).await?;
        self.store.update_publication(edited, Some(&update)).await?;
        self.wire.queued();
        Ok(())
    }

    /// Deletes with a tombstone: the URL then answers 410 and followers drop the object.
    pub async fn delete(
        &self,
        who: &Principal,
        territory: &Territory,
        publication: &Publication,
    ) -> Result<(), ActionError> {
        who.require_editor(territory.id)?;
        self.store_deleted(territory, publication).await?;
        tracing::info!(id = %publication.id, by = %who.member.username, "deleted");
        Ok(())
    }

    /// Leaves the tombstone of a publication, with its `Delete` for the followers.
    pub async fn store_deleted(
        &self,
        territory: &Territory,
        publication: &Publication,
    ) -> Result<(), ActionError> {
        let at = crate::now();
        let gone = Publication {
            deleted_at: Some(at),
            ..publication.clone()
        };
        let delete = self.wire.publication_deleted(territory, &gone).await?;
        self.store
            .delete_publication(publication.id, at, Some(&delete))
            .await?;
        self.wire.queued();
        self.gathered_publication_deleted(territory, publication)
            .await?;
        Ok(())
    }
}
