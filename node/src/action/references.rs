//! What a publication names on this node must exist here: an event's local partner
//! territories, a resource's related event. Checked against storage when it is published
//! or edited (the draft's own rules, in `publication`, need no storage).

use super::{ActionError, Actions};
use crate::publication::PublicationKind;
use crate::publication::partner::TerritoryRef;
use crate::{PublicationBody, ValidationError};

impl Actions {
    /// Refuses a body naming a local territory or an event this node does not have, the
    /// field named by its JSON path.
    pub async fn check_references(&self, body: &PublicationBody) -> Result<(), ActionError> {
        match body {
            PublicationBody::Event(e) => {
                for (i, partner) in e.partners.iter().enumerate() {
                    if let TerritoryRef::Local(id) = partner
                        && self.store.territory(*id).await?.is_none()
                    {
                        return Err(ValidationError::new(
                            format!("partners[{i}]"),
                            "is not a territory of this node",
                        )
                        .into());
                    }
                }
            }
            PublicationBody::Resource(r) => {
                if let Some(id) = r.related_event {
                    let event = self.store.publication(id).await?;
                    if !event.is_some_and(|p| {
                        p.deleted_at.is_none() && p.body.kind() == PublicationKind::Event
                    }) {
                        return Err(ValidationError::new(
                            "related_event",
                            "is not an event of this node",
                        )
                        .into());
                    }
                }
            }
            PublicationBody::Call(_) => {}
        }
        Ok(())
    }
}
