//! The delivery worker. It claims due rows from the durable outbox with a lease, signs each
//! request once per inbox (again on every retry: signatures expire), sends with bounded
//! parallelism overall and per server, and records the outcome. A crash leaves leased rows
//! that are claimed again when the lease ends: delivery is at least once. Without a crash
//! it is once: a claim takes no more than can be sent within its lease, a request is sent
//! only while the lease has room for it and for recording its outcome (its timeout is cut
//! to fit), and rows that waited too long are handed back unsent for any worker to claim.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use rhizome_node::outbox::Delivery;
use rhizome_node::{Config, StoreError};
use tokio::sync::Semaphore;
use tokio::task::JoinSet;

use crate::Federation;
use crate::fetch::check_url;
use crate::signatures::{DigestedBody, sign_post};
use crate::urls::Urls;

#[derive(Debug, Clone)]
pub struct Settings {
    /// How long a claimed delivery is reserved for its worker.
    pub lease: chrono::Duration,
    /// Rows claimed at once.
    pub batch: i64,
    /// Requests in flight at once.
    pub concurrency: usize,
    /// Requests in flight at once to one server.
    pub per_server: usize,
    /// How often to look for due retries when nothing wakes the worker.
    pub poll: Duration,
}

/// The longest a delivery request may take; less when the lease is short (see
/// [`Settings::send_timeout`]).
const MAX_SEND_TIMEOUT: Duration = Duration::from_secs(10);

impl Settings {
    /// How long one request may take: a third of the lease at most, so that a request sent
    /// with twice this left (see [`lease_allows`]) ends, and its outcome is recorded, with
    /// time to spare before the lease does.
    pub fn send_timeout(&self) -> Duration {
        let third = (self.lease / 3).to_std().unwrap_or_default();
        MAX_SEND_TIMEOUT.min(third)
    }

    /// Rounds of requests that surely fit in one lease, each taking its whole timeout:
    /// a claim takes `per_server` times this from one server, `concurrency` times this in
    /// all.
    fn rounds_per_lease(&self) -> i64 {
        let timeout = self.send_timeout().as_millis().max(1);
        let lease = self.lease.to_std().unwrap_or_default().as_millis();
        // Sending stops with two timeouts of the lease left.
        ((lease / timeout) as i64 - 2).max(1)
    }

    /// How many rows one claim takes: in all, and from one server.
    fn claim_sizes(&self) -> (i64, i64) {
        let rounds = self.rounds_per_lease();
        let in_all = self.batch.min(self.concurrency as i64 * rounds).max(1);
        (in_all, self.per_server as i64 * rounds)
    }

    pub fn from_config(config: &Config) -> Settings {
        Settings {
            lease: chrono::Duration::seconds(config.delivery_lease_seconds.min(86_400) as i64),
            batch: 500,
            concurrency: config.delivery_concurrency,
            per_server: 8,
            poll: Duration::from_secs(2),
        }
    }
}

/// What one attempt came to.
#[derive(Debug)]
enum Outcome {
    Delivered,
    /// Try again later (network error, 5xx, 429...).
    Retry(String),
    /// Never going to work (blocked, unsafe URL, 404/410): drop it.
    Drop(String),
    /// Not sent: too little of the lease was left when its turn came. Handed back.
    Released,
}

/// Whether a request may still be sent under `d`'s lease at `now`: the request's whole
/// timeout and as much again to record its outcome must fit before the lease ends, or
/// another worker could claim the row and send it too.
fn lease_allows(d: &Delivery, now: chrono::DateTime<chrono::Utc>, timeout: Duration) -> bool {
    let left = (d.leased_until - now).to_std().unwrap_or_default();
    left >= timeout * 2
}

/// Runs the worker until the process ends.
pub fn spawn(fed: Federation) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        loop {
            match run_once(&fed).await {
                // Nothing due, or nothing that could be sent in time: wait a little.
                Ok(0) => {
                    let _ = tokio::time::timeout(fed.delivery.poll, fed.wake.notified()).await;
                }
                Ok(_) => {}
                Err(e) => {
                    tracing::error!(error = %e, "delivery worker cannot read the outbox");
                    tokio::time::sleep(fed.delivery.poll).await;
                }
            }
        }
    })
}

/// Successes are recorded in batches of this many, one transaction each.
const RECORD_BATCH: usize = 64;

/// Claims one batch of due deliveries and attempts those its lease leaves time for,
/// handing the others back; returns how many were attempted.
pub async fn run_once(fed: &Federation) -> Result<usize, StoreError> {
    let (in_all, per_host) = fed.delivery.claim_sizes();
    let batch = fed
        .store
        .claim_deliveries(rhizome_node::now(), fed.delivery.lease, in_all, per_host)
        .await?;
    let Some((claim, leased_until)) = batch.first().map(|d| (d.claim, d.leased_until)) else {
        return Ok(0);
    };
    let timeout = fed.delivery.send_timeout();
    // Each activity is serialised and digested once, whatever its number of inboxes.
    let mut bodies: HashMap<uuid::Uuid, Arc<DigestedBody>> = HashMap::new();
    let overall = Arc::new(Semaphore::new(fed.delivery.concurrency));
    let mut per_server: HashMap<String, Arc<Semaphore>> = HashMap::new();
    let mut running = JoinSet::new();
    for delivery in batch {
        let body = bodies
            .entry(delivery.activity_id)
            .or_insert_with(|| {
                Arc::new(DigestedBody::new(
                    serde_json::to_vec(&*delivery.body).unwrap_or_default(),
                ))
            })
            .clone();
        let server = per_server
            .entry(delivery.host.clone())
            .or_insert_with(|| Arc::new(Semaphore::new(fed.delivery.per_server)))
            .clone();
        let overall = overall.clone();
        let fed = fed.clone();
        running.spawn(async move {
            let _server = server.acquire_owned().await;
            let _overall = overall.acquire_owned().await;
            let outcome = attempt(&fed, &delivery, &body, timeout).await;
            (delivery, outcome)
        });
    }
    let (mut delivered, mut attempted, mut released) = (Vec::new(), 0, 0);
    loop {
        // Successes wait to be recorded in batches, but never past the point where the
        // lease could run out before they are: another process would send them again.
        let next = if delivered.is_empty() {
            running.join_next().await
        } else {
            let left = (leased_until - rhizome_node::now())
                .to_std()
                .unwrap_or_default();
            match tokio::time::timeout(left.saturating_sub(timeout), running.join_next()).await {
                Ok(next) => next,
                Err(_) => {
                    record_delivered(fed, std::mem::take(&mut delivered)).await;
                    continue;
                }
            }
        };
        let Some(joined) = next else {
            break;
        };
        let Ok((delivery, outcome)) = joined else {
            continue;
        };
        match outcome {
            Outcome::Released => released += 1,
            Outcome::Delivered => {
                attempted += 1;
                delivered.push(delivery);
                if delivered.len() >= RECORD_BATCH {
                    record_delivered(fed, std::mem::take(&mut delivered)).await;
                }
            }
            other => {
                attempted += 1;
                record_failure(fed, &delivery, other).await;
            }
        }
    }
    record_delivered(fed, delivered).await;
    if released > 0 {
        tracing::info!(
            released,
            "deliveries handed back unsent: their lease ran short while they waited"
        );
        // If this fails the lease runs out and they are claimed again all the same.
        if let Err(e) = fed.store.release_claim(claim).await {
            tracing::error!(error = %e, released, "cannot hand deliveries back");
        }
    }
    Ok(attempted)
}

async fn record_delivered(fed: &Federation, delivered: Vec<Delivery>) {
    if delivered.is_empty() {
        return;
    }
    if let Err(e) = fed
        .store
        .deliveries_succeeded(&delivered, rhizome_node::now())
        .await
    {
        // The leases will run out and these be sent again: at least once.
        tracing::error!(error = %e, count = delivered.len(), "cannot record deliveries");
    }
}

async fn record_failure(fed: &Federation, d: &Delivery, outcome: Outcome) {
    let stored = match &outcome {
        Outcome::Delivered | Outcome::Released => Ok(()),
        Outcome::Retry(error) => {
            tracing::info!(inbox = %d.inbox, attempts = d.attempts + 1, %error, "delivery failed, will retry");
            fed.store
                .delivery_failed(d, rhizome_node::now(), error)
                .await
        }
        Outcome::Drop(reason) => {
            tracing::warn!(inbox = %d.inbox, %reason, "delivery dropped");
            fed.store.drop_delivery(d).await
        }
    };
    if let Err(e) = stored {
        tracing::error!(error = %e, inbox = %d.inbox, "cannot record delivery outcome");
    }
}

/// Sends `d` with `timeout`, unless its lease no longer leaves time for that.
async fn attempt(
    fed: &Federation,
    d: &Delivery,
    body: &DigestedBody,
    timeout: Duration,
) -> Outcome {
    if fed.is_blocked(&d.host).await {
        return Outcome::Drop(format!("{} is blocked", d.host));
    }
    if let Err(e) = check_url(&d.inbox, fed.config.development_mode) {
        return Outcome::Drop(e.to_string());
    }
    let Some(actor) = d.body.get("actor").and_then(|a| a.as_str()) else {
        return Outcome::Drop("activity has no actor".into());
    };
    let key = match fed.keys.local(d.sender).await {
        Ok(k) => k,
        Err(e) => return Outcome::Retry(e.to_string()),
    };
    let request = fed
        .http
        .post(&d.inbox)
        .header("content-type", crate::protocol::CONTENT_TYPE)
        .header("accept", crate::protocol::CONTENT_TYPE);
    let mut request = match sign_post(request, Urls::key_id(actor), key, body).await {
        Ok(r) => r,
        Err(e) => return Outcome::Retry(e.to_string()),
    };
    crate::Stats::count(&fed.stats.signatures, 1);
    // Checked last, just before sending: the wait for a turn may have used up the lease.
    if !lease_allows(d, rhizome_node::now(), timeout) {
        return Outcome::Released;
    }
    *request.timeout_mut() = Some(timeout);
    match fed.http.execute(request).await {
        Ok(response) => match response.status().as_u16() {
            200..=299 => {
                crate::Stats::count(&fed.stats.delivered, 1);
                crate::Stats::count(&fed.stats.delivered_bytes, body.bytes.len() as u64);
                Outcome::Delivered
            }
            400 | 404 | 410 | 422 => {
                Outcome::Drop(format!("{} answered {}", d.host, response.status()))
            }
            _ => Outcome::Retry(format!("{} answered {}", d.host, response.status())),
        },
        Err(e) => Outcome::Retry(crate::fetch::cause(&e)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn with_lease(seconds: i64) -> Settings {
        Settings {
            lease: chrono::Duration::seconds(seconds),
            batch: 500,
            concurrency: 32,
            per_server: 8,
            poll: Duration::from_secs(2),
        }
    }

    #[test]
    fn a_claim_fits_in_its_lease_even_when_every_request_takes_its_whole_timeout() {
        for seconds in [1, 2, 5, 6, 10, 30, 60, 600, 86_400] {
            let settings = with_lease(seconds);
            let timeout = settings.send_timeout();
            assert!(
                timeout <= MAX_SEND_TIMEOUT && !timeout.is_zero(),
                "{seconds} s"
            );
            let (in_all, per_host) = settings.claim_sizes();
            let rounds = per_host / settings.per_server as i64;
            assert!(in_all <= settings.batch && in_all <= settings.concurrency as i64 * rounds);
            // The last round still starts with two timeouts of the lease left.
            let needed = timeout * (rounds as u32 + 1);
            assert!(
                needed <= settings.lease.to_std().unwrap(),
                "{seconds} s lease: {rounds} rounds of {timeout:?}"
            );
        }
        // A long lease is not wasted on tiny claims.
        assert!(with_lease(60).claim_sizes().1 > with_lease(6).claim_sizes().1);
    }
}
