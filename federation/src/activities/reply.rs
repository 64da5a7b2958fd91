//! Replies from the fediverse (`Create{Note}` with `inReplyTo` one of ours) become
//! comments, sanitised; their author may delete them.

use rhizome_node::markdown;
use rhizome_node::social::{Comment, RemoteActor};
use uuid::Uuid;

use super::local_publication;
use crate::Federation;
use crate::error::FederationError;
use crate::protocol::{NoteJson, first_href, id_of, ids_of, inbound, web_url};

/// Longest reply kept, in characters of HTML.
const MAX_COMMENT: usize = 20_000;

pub async fn receive_create(
    fed: &Federation,
    note: NoteJson,
    actor: &RemoteActor,
) -> Result<(), FederationError> {
    let author = url::Url::parse(&actor.id)
        .map_err(|e| FederationError::Malformed(format!("actor: {e}")))?;
    activitypub_federation::protocol::verification::verify_domains_match(&note.id, &author)
        .map_err(|_| {
            FederationError::Malformed("the Note's id is on another host than its author".into())
        })?;
    if !ids_of(&note.attributed_to).contains(&actor.id.as_str()) {
        return Err(FederationError::Malformed(
            "the Note is not attributed to the sender".into(),
        ));
    }
    if !note.is_public() {
        tracing::debug!(note = %note.id, "private reply not shown as a comment");
        return Ok(());
    }
    let Some((publication, _)) = local_publication(fed, id_of(&note.in_reply_to)).await? else {
        tracing::debug!(note = %note.id, "Note is not a reply to one of our publications");
        return Ok(());
    };
    let html = note.html().unwrap_or_default();
    if html.chars().count() > MAX_COMMENT {
        return Err(FederationError::Malformed(format!(
            "reply longer than {MAX_COMMENT} characters"
        )));
    }
    let comment = Comment {
        id: Uuid::now_v7(),
        publication_id: publication.id,
        ap_id: note.id.to_string(),
        author_id: actor.id.clone(),
        author_name: actor
            .name
            .clone()
            .filter(|n| !n.is_empty())
            .unwrap_or_else(|| actor.handle()),
        author_url: note
            .url
            .as_ref()
            .and_then(first_href)
            .filter(|url| {
                let ok = web_url(url).is_some();
                if !ok {
                    tracing::warn!(note = %note.id, url, "reply url is not http(s): dropped");
                }
                ok
            })
            .map(str::to_owned)
            .or_else(|| actor.url.clone()),
        content_html: markdown::sanitize_remote(html),
        published: note.published.unwrap_or_else(rhizome_node::now),
        hidden: false,
    };
    if fed.store.insert_comment(&comment).await? {
        tracing::info!(publication = %publication.id, author = %actor.id, "reply stored as comment");
    }
    Ok(())
}

pub async fn receive_delete(
    fed: &Federation,
    delete: &inbound::Delete,
    actor: &RemoteActor,
) -> Result<(), FederationError> {
    let id = delete.object.as_str();
    if fed.store.delete_comment(id, &actor.id).await? {
        tracing::info!(note = id, "comment deleted by its author");
    }
    Ok(())
}
