//! Reports: a `Flag` from another server (Mastodon sends one when its user reports an
//! account or a post here, and its moderators choose to forward it) is kept for this
//! node's admins, who see it on the federation page.

use rhizome_node::social::{RemoteActor, Report};
use uuid::Uuid;

use crate::Federation;
use crate::error::FederationError;
use crate::protocol::inbound;

/// What a reporter may write, at most (Mastodon allows 1000 characters).
const MAX_CONTENT: usize = 5000;
/// Objects a report may name, at most.
const MAX_OBJECTS: usize = 50;

pub async fn receive_flag(
    fed: &Federation,
    activity: inbound::Flag,
    actor: &RemoteActor,
) -> Result<(), FederationError> {
    let ours = format!("{}/", fed.urls.base);
    let objects: Vec<String> = activity
        .objects
        .into_iter()
        .filter(|id| id.starts_with(&ours))
        .take(MAX_OBJECTS)
        .collect();
    if objects.is_empty() {
        tracing::info!(id = %activity.id, reporter = %actor.id, "report about nothing of ours ignored");
        return Ok(());
    }
    let content: String = activity
        .content
        .as_deref()
        .unwrap_or_default()
        .chars()
        .take(MAX_CONTENT)
        .collect();
    let report = Report {
        id: Uuid::now_v7(),
        activity_id: activity.id.to_string(),
        reporter: actor.id.clone(),
        content,
        objects,
        created_at: rhizome_node::now(),
        resolved_at: None,
    };
    if fed.store.insert_report(&report).await? {
        tracing::warn!(reporter = %actor.id, objects = ?report.objects, "report received");
    }
    Ok(())
}
