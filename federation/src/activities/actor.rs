//! Remote accounts changing: `Update{Person}` (new name, new key) and `Delete` of the
//! account itself (we forget it and what it left here).

use rhizome_node::social::RemoteActor;
use serde_json::Value;

use crate::Federation;
use crate::error::FederationError;
use crate::fetch::remote_actor_from_json;
use crate::protocol::id_of;

pub async fn receive_update(
    fed: &Federation,
    object: Value,
    actor: &RemoteActor,
) -> Result<(), FederationError> {
    if id_of(&object) != Some(actor.id.as_str()) {
        return Err(FederationError::Forbidden(
            "an actor may only update itself".into(),
        ));
    }
    let updated = remote_actor_from_json(object).map_err(FederationError::Malformed)?;
    fed.store_actor(&updated).await?;
    tracing::info!(actor = %actor.id, "remote actor updated");
    Ok(())
}

pub async fn receive_delete(fed: &Federation, actor: &RemoteActor) -> Result<(), FederationError> {
    fed.forget_actor(&actor.id).await?;
    tracing::info!(actor = %actor.id, "remote actor deleted; its follows, comments and reactions removed");
    Ok(())
}
