//! Backfill: when a follow is accepted, walk the actor's outbox so that past resources and
//! upcoming events appear at once, not only what is published afterwards. Bounded in
//! pages, items and age; resumable (progress is stored after each page); a page seen twice
//! (an outbox going in circles) ends the walk.

use std::collections::HashSet;

use chrono::Duration;
use rhizome_node::network::Backfill;
use serde_json::Value;

use crate::Federation;
use crate::activities::network::keep;
use crate::error::FederationError;
use crate::protocol::id_of;

/// Pages read at most per actor.
pub const MAX_PAGES: i32 = 20;
/// Items looked at most per actor.
pub const MAX_ITEMS: i32 = 500;
/// Publications older than this are skipped, unless they are events still to come.
pub const MAX_AGE: Duration = Duration::days(365);

pub async fn run(fed: &Federation, actor_id: &str) -> Result<Backfill, FederationError> {
    let mut state = fed.store.backfill(actor_id).await?.unwrap_or(Backfill {
        actor_id: actor_id.to_owned(),
        next_page: None,
        pages: 0,
        imported: 0,
        done: false,
    });
    if state.done {
        return Ok(state);
    }
    let fetch =
        |url: String| async move { fed.fetch_json(&url).await.map_err(FederationError::from) };
    let actor = fed.actor(actor_id, false).await?;
    // The first page: from where we stopped, or from the outbox collection.
    let mut page = match state.next_page.clone() {
        Some(url) => Some(fetch(url).await?),
        None => {
            let actor_doc = fetch(actor_id.to_owned()).await?;
            let outbox_url = actor_doc
                .get("outbox")
                .and_then(id_of)
                .ok_or_else(|| FederationError::Malformed("actor has no outbox".into()))?;
            same_host(outbox_url, actor_id)?;
            let outbox = fetch(outbox_url.to_owned()).await?;
            match outbox.get("first") {
                Some(Value::String(url)) => Some(fetch(url.clone()).await?),
                Some(first @ Value::Object(_)) => Some(first.clone()),
                _ => Some(outbox), // items directly in the collection
            }
        }
    };
    let min_published = rhizome_node::now() - MAX_AGE;
    let mut seen_pages = HashSet::new();
    let mut deleted = HashSet::new();
    let mut looked_at = 0;
    while let Some(current) = page.take() {
        if let Some(id) = id_of(&current)
            && !seen_pages.insert(id.to_owned())
        {
            tracing::warn!(
                actor = actor_id,
                page = id,
                "outbox pages go in a circle; stopping"
            );
            break;
        }
        let items = current
            .get("orderedItems")
            .or_else(|| current.get("items"))
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default();
        for item in items {
            looked_at += 1;
            if looked_at > MAX_ITEMS {
                break;
            }
            let object = item.get("object").unwrap_or(&Value::Null);
            match item.get("type").and_then(Value::as_str) {
                // Newest first: a deletion is met before the creation it undoes.
                Some("Delete") => {
                    if let Some(id) = id_of(object) {
                        deleted.insert(id.to_owned());
                    }
                }
                Some("Create" | "Update") if object.is_object() => {
                    if id_of(object).is_some_and(|id| deleted.contains(id)) {
                        continue;
                    }
                    match keep(fed, object, &actor, Some(min_published)).await {
                        Ok(true) => state.imported += 1,
                        Ok(false) => {}
                        Err(e) => {
                            tracing::debug!(actor = actor_id, error = %e, "backfill item skipped")
                        }
                    }
                }
                _ => {}
            }
        }
        state.pages += 1;
        let next = current.get("next").and_then(id_of).map(str::to_owned);
        let exhausted = state.pages >= MAX_PAGES || looked_at >= MAX_ITEMS;
        state.next_page = if exhausted { None } else { next.clone() };
        state.done = exhausted || next.is_none();
        fed.store.save_backfill(&state).await?;
        if let (false, Some(url)) = (state.done, next) {
            same_host(&url, actor_id)?;
            page = Some(fetch(url).await?);
        }
    }
    state.done = true;
    state.next_page = None;
    fed.store.save_backfill(&state).await?;
    Ok(state)
}

/// Backfill for a subscription to a whole node: each territory its directory lists gets
/// the walk a territory follow gets (one after the other; the subscription's scope and
/// the same bounds apply). Relays keep no history, and nodes without a directory
/// (not Rhizome) start from now.
pub async fn run_node(
    fed: &Federation,
    node_actor_id: &str,
) -> Result<(usize, i32), FederationError> {
    let host = rhizome_node::social::host_of(node_actor_id)
        .ok_or_else(|| FederationError::Malformed(format!("no host in {node_actor_id}")))?;
    let territories = fed
        .directory_territories(&host)
        .await
        .map_err(FederationError::Malformed)?;
    let mut imported = 0;
    for territory in &territories {
        match run(fed, territory).await {
            Ok(b) => imported += b.imported,
            Err(e) => {
                tracing::info!(actor = %territory, error = %e, "backfill of a node's territory stopped")
            }
        }
    }
    Ok((territories.len(), imported))
}

fn same_host(url: &str, actor_id: &str) -> Result<(), FederationError> {
    let host = |u: &str| {
        url::Url::parse(u)
            .ok()
            .and_then(|u| u.host_str().map(str::to_owned))
    };
    if host(url) == host(actor_id) {
        Ok(())
    } else {
        Err(FederationError::Malformed(format!(
            "{url} is not on the actor's host"
        )))
    }
}
