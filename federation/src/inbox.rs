//! The inbox: every POST is checked in this order, cheapest first, and refused with a
//! 4xx and a reason at the first failure: body size, signature syntax, freshness, our own
//! Host and the request target, Digest, JSON shape (control characters stripped from every
//! string), blocked domain, id and actor on one host, duplicate id, the actor's key
//! (fetched, refetched on failure for key rotation at most once per actor per few
//! minutes), then the activity.

use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, Method, StatusCode, Uri};
use rhizome_node::social::{RemoteActor, host_of};

use crate::error::FederationError;
use crate::fetch::FetchError;
use crate::protocol::{Activity, ActivityType, Verb, id_of, strip_control};
use crate::signatures::{self, PendingSignature};
use crate::{Federation, activities};

/// Largest activity accepted, as Mastodon and the `activitypub_federation` crate do.
pub const MAX_ACTIVITY_BYTES: usize = 1024 * 1024;

pub async fn shared(
    State(fed): State<Federation>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Result<StatusCode, FederationError> {
    let result = receive(&fed, &method, &uri, &headers, body).await;
    fed.stats.inbox.count(&result);
    result
}

pub async fn territory(
    State(fed): State<Federation>,
    Path(slug): Path<String>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Result<StatusCode, FederationError> {
    let result = match fed.store.territory_by_slug(&slug).await {
        Ok(Some(_)) => receive(&fed, &method, &uri, &headers, body).await,
        Ok(None) => Err(FederationError::NotFound),
        Err(e) => Err(e.into()),
    };
    fed.stats.inbox.count(&result);
    result
}

/// Inbound activities since start, for metrics: accepted, and refused by reason.
#[derive(Debug, Default)]
pub struct InboxCounts {
    accepted: std::sync::atomic::AtomicU64,
    refused: std::sync::Mutex<std::collections::BTreeMap<&'static str, u64>>,
}

impl InboxCounts {
    fn count(&self, result: &Result<StatusCode, FederationError>) {
        match result {
            Ok(_) => crate::Stats::count(&self.accepted, 1),
            Err(e) => {
                let mut refused = self.refused.lock().unwrap_or_else(|e| e.into_inner());
                *refused.entry(refusal_reason(e)).or_default() += 1;
            }
        }
    }

    /// Activities accepted (duplicates included: they were answered 202).
    pub fn accepted(&self) -> u64 {
        crate::Stats::get(&self.accepted)
    }

    /// Refusals by reason (`signature`, `blocked`, `malformed`...), each reason once.
    pub fn refused(&self) -> Vec<(&'static str, u64)> {
        let refused = self.refused.lock().unwrap_or_else(|e| e.into_inner());
        refused.iter().map(|(reason, n)| (*reason, *n)).collect()
    }
}

/// A short, fixed name for why an activity was refused: a metrics label.
fn refusal_reason(e: &FederationError) -> &'static str {
    match e {
        FederationError::Signature(_) => "signature",
        FederationError::WrongSigner { .. } => "wrong_signer",
        FederationError::UnknownKey(_) | FederationError::KeyFetch(_) => "unknown_key",
        FederationError::Fetch(_) => "fetch",
        FederationError::Malformed(_) => "malformed",
        FederationError::TooLarge(_) => "too_large",
        FederationError::Blocked(_) => "blocked",
        FederationError::Forbidden(_) => "forbidden",
        FederationError::NotFound => "not_found",
        FederationError::Gone => "gone",
        FederationError::Internal(_) => "internal",
    }
}

async fn receive(
    fed: &Federation,
    method: &Method,
    uri: &Uri,
    headers: &HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Result<StatusCode, FederationError> {
    let body = body.map_err(|e| {
        if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
            FederationError::TooLarge(MAX_ACTIVITY_BYTES)
        } else {
            FederationError::Malformed(e.body_text())
        }
    })?;
    let path = uri.path_and_query().map(|p| p.as_str()).unwrap_or("/");
    let pending = signatures::prepare(
        method.as_str(),
        path,
        &fed.config.domain,
        headers,
        Some(&body),
    )?;
    let mut document: serde_json::Value =
        serde_json::from_slice(&body).map_err(|e| FederationError::Malformed(e.to_string()))?;
    let stripped = strip_control(&mut document);
    if stripped > 0 {
        tracing::info!(
            stripped,
            "control characters removed from an inbound activity"
        );
    }
    let activity: Activity =
        serde_json::from_value(document).map_err(|e| FederationError::Malformed(e.to_string()))?;
    let host = host_of(activity.actor.as_str()).unwrap_or_default();
    if fed.is_blocked(&host).await {
        return Err(FederationError::Blocked(host));
    }
    activitypub_federation::protocol::verification::verify_domains_match(
        &activity.id,
        &activity.actor,
    )
    .map_err(|_| {
        FederationError::Malformed("the activity's id and actor are on different hosts".into())
    })?;
    if fed.urls.is_local(activity.actor.as_str()) {
        return Err(FederationError::Forbidden(
            "local actors do not deliver to this inbox".into(),
        ));
    }
    // A relay we subscribe to forwards others' activities under its own signature.
    if pending.key_owner() != activity.actor.as_str()
        && fed
            .store
            .relays()
            .await?
            .iter()
            .any(|r| r == pending.key_owner())
    {
        let relay = verify_signer(fed, &pending, pending.key_owner()).await?;
        if fed
            .store
            .mark_received(activity.id.as_str(), rhizome_node::now())
            .await?
        {
            // An object it embeds with its author's integrity proof needs no fetch.
            let embedded = activity.object.is_object().then_some(&activity.object);
            activities::network::receive_relayed(fed, id_of(&activity.object), embedded, &relay)
                .await?;
        }
        return Ok(StatusCode::ACCEPTED);
    }
    // Verify before deduplicating: a forged request must not burn a genuine activity's id.
    let Some(actor) = verified_sender(fed, &pending, &activity).await? else {
        return Ok(StatusCode::ACCEPTED);
    };
    let received = received_key(&activity);
    if !fed
        .store
        .mark_received(&received, rhizome_node::now())
        .await?
    {
        tracing::debug!(id = %activity.id, "duplicate activity dropped");
        return Ok(StatusCode::ACCEPTED);
    }
    fed.learn_peer(&host, "contact").await;
    let result = activities::receive(fed, &activity, &actor).await;
    if let Err(FederationError::Internal(_)) = &result {
        // Our failure, not the sender's: let their retry through.
        fed.store.forget_received(&received).await?;
    }
    result.map(|()| StatusCode::ACCEPTED)
}

/// What duplicates are recognised by: the activity id, except for an `Update`, which is
/// its id with the object's `updated`. Mobilizon gives every `Update` of an object the id
/// of its `Create` (`object.id <> "/activity"`), so each edit is new while the same
/// edit delivered again is still a duplicate.
fn received_key(activity: &Activity) -> String {
    let updated = activity
        .object
        .get("updated")
        .and_then(serde_json::Value::as_str);
    match (&activity.kind, updated) {
        (ActivityType::Verb(Verb::Update), Some(updated)) => {
            let updated: String = updated.chars().take(64).collect();
            format!("{} updated {updated}", activity.id)
        }
        _ => activity.id.to_string(),
    }
}

/// The verified sender, or `None` for a self-deletion by an account we cannot fetch any
/// more and never knew (nothing to do).
async fn verified_sender(
    fed: &Federation,
    pending: &PendingSignature,
    activity: &Activity,
) -> Result<Option<RemoteActor>, FederationError> {
    match verify_signer(fed, pending, activity.actor.as_str()).await {
        Ok(actor) => Ok(Some(actor)),
        Err(FederationError::UnknownKey(_) | FederationError::KeyFetch(_))
            if activity.kind == ActivityType::Verb(Verb::Delete)
                && id_of(&activity.object) == Some(activity.actor.as_str()) =>
        {
            tracing::debug!(actor = %activity.actor, "Delete of an unknown, gone actor ignored");
            Ok(None)
        }
        Err(e) => Err(e),
    }
}

/// Checks that `actor_id` signed: its key must be the one named by `keyId`, and verify.
/// On failure the actor is fetched again once, in case it rotated its key, but no more
/// than once per actor per [`crate::KEY_REFRESH_INTERVAL`]: forged signatures naming a
/// known actor must not turn this node into an amplifier against its server.
pub async fn verify_signer(
    fed: &Federation,
    pending: &PendingSignature,
    actor_id: &str,
) -> Result<RemoteActor, FederationError> {
    let mut last_error = None;
    for refresh in [false, true] {
        if refresh && !fed.may_refresh_key(actor_id) {
            tracing::info!(
                actor = actor_id,
                "signature failed; key refreshed recently, not refetched"
            );
            break;
        }
        let actor = match fed.actor(actor_id, refresh).await {
            Ok(a) => a,
            Err(FetchError::Blocked(host)) => return Err(FederationError::Blocked(host)),
            Err(e) => return Err(FederationError::KeyFetch(e)),
        };
        if actor.public_key_id != pending.key_id {
            last_error = Some(FederationError::WrongSigner {
                signer: pending.key_id.clone(),
                actor: actor_id.to_owned(),
            });
            continue;
        }
        let Some(key) = fed.keys.remote(&actor.public_key_pem) else {
            last_error = Some(FederationError::UnknownKey(format!(
                "{actor_id} publishes an unreadable key"
            )));
            continue;
        };
        match pending.verify(&key) {
            Ok(()) => return Ok(actor),
            Err(e) => last_error = Some(e.into()),
        }
    }
    Err(last_error.unwrap_or_else(|| FederationError::UnknownKey(actor_id.to_owned())))
}

/// For authorized-fetch mode: a GET must be signed by an actor whose key verifies.
pub async fn verify_fetch(
    fed: &Federation,
    method: &Method,
    uri: &Uri,
    headers: &HeaderMap,
) -> Result<(), FederationError> {
    let path = uri.path_and_query().map(|p| p.as_str()).unwrap_or("/");
    let pending = signatures::prepare(method.as_str(), path, &fed.config.domain, headers, None)?;
    let owner = pending.key_owner().to_owned();
    let host = host_of(&owner).unwrap_or_default();
    if fed.is_blocked(&host).await {
        return Err(FederationError::Blocked(host));
    }
    verify_signer(fed, &pending, &owner).await.map(|_| ())
}

#[cfg(test)]
mod tests {
    use super::received_key;
    use crate::protocol::Activity;
    use serde_json::json;

    fn activity(kind: &str, updated: Option<&str>) -> Activity {
        let mut object = json!({"id": "https://mobilizon.example/events/1", "type": "Event"});
        if let Some(updated) = updated {
            object["updated"] = updated.into();
        }
        serde_json::from_value(json!({"id": "https://mobilizon.example/events/1/activity",
            "type": kind, "actor": "https://mobilizon.example/@tcit", "object": object}))
        .unwrap()
    }

    #[test]
    fn an_update_reusing_its_creates_id_is_new_once_per_edit() {
        let create = received_key(&activity("Create", Some("2031-01-01T10:00:00Z")));
        let first = received_key(&activity("Update", Some("2031-01-02T10:00:00Z")));
        let second = received_key(&activity("Update", Some("2031-01-03T10:00:00Z")));
        assert_ne!(create, first);
        assert_ne!(first, second);
        // The same edit delivered twice is one.
        assert_eq!(
            first,
            received_key(&activity("Update", Some("2031-01-02T10:00:00Z")))
        );
        // Everything else, and an Update naming no date, goes by id alone.
        assert_eq!(create, "https://mobilizon.example/events/1/activity");
        assert_eq!(received_key(&activity("Update", None)), create);
        assert_eq!(
            received_key(&activity("Delete", Some("2031-01-02T10:00:00Z"))),
            create
        );
    }
}
