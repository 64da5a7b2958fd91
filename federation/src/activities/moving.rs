//! Moving territories (FEP-7628), on the wire. Leaving: the new actor must name the old
//! one in `alsoKnownAs` before the old one sends `Move{actor: old, object: old, target:
//! new}` to its followers (built in `publish.rs` with the other announcements); the old
//! actor then carries `movedTo` and its publication URLs redirect through the new node's
//! `/moved?from=OLD_URL`. Arriving: a `Move` of an actor our territories follow is checked
//! as Mastodon checks it (the sender moves itself, the target names it in `alsoKnownAs`)
//! and our subscriptions move: `Follow` of the new actor with the same scope, `Undo` of
//! the old one, in one transaction.

use axum::extract::{Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use rhizome_node::action::ActionError;
use rhizome_node::social::RemoteActor;
use rhizome_node::{Publication, StoreError, Territory, ValidationError};
use serde::Deserialize;
use serde_json::Value;

use super::territory_actor;
use crate::Federation;
use crate::error::FederationError;
use crate::fetch::remote_actor_from_json;
use crate::internaltoas::actor::Moves;
use crate::protocol::{ids_of, inbound};

/// The actors a fetched actor document says it also is.
fn also_known_as(doc: &Value) -> Vec<String> {
    ids_of(doc.get("alsoKnownAs").unwrap_or(&Value::Null))
        .into_iter()
        .map(str::to_owned)
        .collect()
}

impl Federation {
    /// Where `territory`'s actor also is (`alsoKnownAs`) and where it went (`movedTo`).
    pub async fn moves(&self, territory: &Territory) -> Result<Moves, StoreError> {
        Ok(Moves {
            also_known_as: self.store.territory_aliases(territory.id).await?,
            moved_to: self
                .store
                .territory_move(territory.id)
                .await?
                .map(|m| m.moved_to),
        })
    }

    /// Finds the actor `target` names for `territory` to move to and checks that it names
    /// the territory's actor in `alsoKnownAs` (`Wire::move_target`).
    pub(crate) async fn check_move_target(
        &self,
        territory: &Territory,
        target: &str,
    ) -> Result<String, ActionError> {
        let invalid = |reason: String| ActionError::Invalid(ValidationError::new("target", reason));
        let target_id = self
            .resolve(target)
            .await
            .map_err(|e| invalid(e.to_string()))?;
        let me = territory_actor(self, territory);
        if target_id == me {
            return Err(invalid("a territory cannot move to itself".into()));
        }
        let doc = self
            .fetch_json(&target_id)
            .await
            .map_err(|e| ActionError::Unreachable(e.to_string()))?;
        let aliases = also_known_as(&doc);
        let actor = remote_actor_from_json(doc)
            .map_err(|e| invalid(format!("{target_id} is not an actor: {e}")))?;
        if !aliases.contains(&me) {
            return Err(invalid(format!(
                "{} does not name {me} in alsoKnownAs: import this territory's archive there first",
                actor.id
            )));
        }
        if let Err(e) = self.store_actor(&actor).await {
            tracing::warn!(error = %e, actor = %actor.id, "could not store remote actor");
        }
        Ok(actor.id)
    }

    /// Where a publication's URL now points, when its territory moved away: the new
    /// node's `/moved?from=URL`, which redirects to its copy there.
    pub async fn moved_publication_url(
        &self,
        p: &Publication,
    ) -> Result<Option<String>, StoreError> {
        let Some(moved) = self.store.territory_move(p.territory_id).await? else {
            return Ok(None);
        };
        let Ok(mut url) = url::Url::parse(&moved.moved_to) else {
            return Ok(None);
        };
        url.set_path("/moved");
        url.set_fragment(None);
        url.query_pairs_mut()
            .clear()
            .append_pair("from", &self.urls.publication(p.body.kind(), p.id));
        Ok(Some(url.to_string()))
    }
}

/// `Move` of an actor that some of our territories follow: checked, then each of those
/// subscriptions moves to the new actor. A forged one (another actor's object, a target
/// that does not name the origin) is refused and logged, and changes nothing; a Move of
/// an actor nobody here follows (or follows any more: a replay) changes nothing either.
pub async fn receive_move(
    fed: &Federation,
    moved: inbound::Move,
    actor: &RemoteActor,
) -> Result<(), FederationError> {
    if moved.origin != actor.id {
        tracing::warn!(actor = %actor.id, object = %moved.origin, id = %moved.id, "Move of another actor refused");
        return Err(FederationError::Forbidden(
            "a Move's object must be its own actor".into(),
        ));
    }
    let followings = fed.store.followings_of(&actor.id).await?;
    if followings.is_empty() {
        tracing::info!(actor = %actor.id, id = %moved.id, "Move of an actor nobody here follows: nothing to do");
        return Ok(());
    }
    if fed.urls.is_local(&moved.target) {
        tracing::info!(actor = %actor.id, target = %moved.target, "Move to this node: subscriptions left as they are");
        return Ok(());
    }
    let doc = fed
        .fetch_json(&moved.target)
        .await
        .map_err(FederationError::Fetch)?;
    if !also_known_as(&doc).contains(&actor.id) {
        tracing::warn!(actor = %actor.id, target = %moved.target, id = %moved.id, "Move refused: the target does not name the origin in alsoKnownAs");
        return Err(FederationError::Forbidden(format!(
            "{} does not name {} in alsoKnownAs",
            moved.target, actor.id
        )));
    }
    let target = remote_actor_from_json(doc)
        .map_err(|e| FederationError::Malformed(format!("target: {e}")))?;
    fed.store_actor(&target).await?;
    for old in followings {
        let Some(territory) = fed.store.territory(old.territory_id).await? else {
            continue;
        };
        let (new, follow) = fed.follow_actor(&territory, &target, old.scope.clone());
        let undo = fed.undo_following(&territory, &old).await?;
        fed.store
            .replace_following(&old, undo.as_ref(), &new, &follow)
            .await?;
        tracing::info!(territory = %territory.profile.slug, from = %actor.id, to = %target.id, "followed actor moved: following the new one");
    }
    fed.wake_delivery();
    Ok(())
}

#[derive(Deserialize)]
pub struct MovedQuery {
    from: String,
}

/// `GET /moved?from=URL`: where a publication imported from another node lives here
/// (`308`), so that the URLs of a territory that moved here keep working; `404` for a URL
/// no import brought.
pub async fn moved(
    State(fed): State<Federation>,
    Query(q): Query<MovedQuery>,
) -> Result<Response, FederationError> {
    let p = fed
        .store
        .moved_publication(&q.from)
        .await?
        .filter(|p| p.deleted_at.is_none())
        .ok_or(FederationError::NotFound)?;
    Ok(Redirect::permanent(&fed.urls.publication(p.body.kind(), p.id)).into_response())
}
