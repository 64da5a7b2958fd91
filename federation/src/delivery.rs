//! The delivery worker. It claims due rows from the durable outbox with a lease, signs each
//! request once per inbox (again on every retry: signatures expire), sends with bounded
//! parallelism overall and per server, and records the outcome. A crash leaves leased rows
//! that are claimed again when the lease ends: delivery is at least once.

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

impl Settings {
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
}

/// Runs the worker until the process ends.
pub fn spawn(fed: Federation) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        loop {
            match run_once(&fed).await {
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

/// Claims one batch of due deliveries and attempts them all; returns how many.
pub async fn run_once(fed: &Federation) -> Result<usize, StoreError> {
    let batch = fed
        .store
        .claim_deliveries(rhizome_node::now(), fed.delivery.lease, fed.delivery.batch)
        .await?;
    let count = batch.len();
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
            let outcome = attempt(&fed, &delivery, &body).await;
            (delivery, outcome)
        });
    }
    let mut delivered = Vec::new();
    while let Some(joined) = running.join_next().await {
        let Ok((delivery, outcome)) = joined else {
            continue;
        };
        match outcome {
            Outcome::Delivered => {
                delivered.push(delivery);
                if delivered.len() >= RECORD_BATCH {
                    record_delivered(fed, std::mem::take(&mut delivered)).await;
                }
            }
            other => record_failure(fed, &delivery, other).await,
        }
    }
    record_delivered(fed, delivered).await;
    Ok(count)
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
        Outcome::Delivered => Ok(()),
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

async fn attempt(fed: &Federation, d: &Delivery, body: &DigestedBody) -> Outcome {
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
    let request = match sign_post(request, Urls::key_id(actor), key, body).await {
        Ok(r) => r,
        Err(e) => return Outcome::Retry(e.to_string()),
    };
    crate::Stats::count(&fed.stats.signatures, 1);
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
