//! Sending our publications: `Create`, `Update` and `Delete` (with a `Tombstone`) to every
//! follower, written to the outbox in the same transaction as the change.

use rhizome_node::outbox::Outgoing;
use rhizome_node::{Publication, PublicationBody, StoreError, Territory};
use serde_json::Value;

use super::{Address, outgoing, territory_actor};
use crate::Federation;
use crate::objects::publication::{EventCounts, object, tombstone};

impl Federation {
    pub async fn publish(&self, territory: &Territory, p: &Publication) -> Result<(), StoreError> {
        let announce = self.to_followers(
            territory,
            "Create",
            object(&self.urls, territory, p, EventCounts::default()),
        );
        self.store.insert_publication(p, Some(&announce)).await?;
        self.wake_delivery();
        Ok(())
    }

    pub async fn republish(
        &self,
        territory: &Territory,
        p: &Publication,
    ) -> Result<(), StoreError> {
        let counts = self.event_counts(p).await?;
        let announce = self.to_followers(
            territory,
            "Update",
            object(&self.urls, territory, p, counts),
        );
        self.store.update_publication(p, Some(&announce)).await?;
        self.wake_delivery();
        Ok(())
    }

    /// Deletes with a tombstone: the URL then answers 410 and followers drop the object.
    pub async fn unpublish(
        &self,
        territory: &Territory,
        p: &Publication,
    ) -> Result<(), StoreError> {
        let at = rhizome_node::now();
        let gone = Publication {
            deleted_at: Some(at),
            ..p.clone()
        };
        let announce = self.to_followers(territory, "Delete", tombstone(&self.urls, &gone));
        self.store
            .delete_publication(p.id, at, Some(&announce))
            .await?;
        self.wake_delivery();
        Ok(())
    }

    pub async fn event_counts(&self, p: &Publication) -> Result<EventCounts, StoreError> {
        Ok(match p.body {
            PublicationBody::Event(_) => EventCounts {
                participants: self.store.participant_count(p.id).await?,
            },
            _ => EventCounts::default(),
        })
    }

    fn to_followers(&self, territory: &Territory, kind: &str, object: Value) -> Outgoing {
        let actor = territory_actor(self, territory);
        outgoing(
            self,
            territory.id,
            kind,
            &actor,
            object,
            Address::followers(self, territory),
        )
    }
}
