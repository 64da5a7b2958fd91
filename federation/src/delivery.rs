//! The delivery worker. It claims due rows from the durable outbox with a lease, signs each
//! request once per inbox (again on every retry: signatures expire), sends with bounded
//! parallelism overall and per server, and records the outcome. A crash leaves leased rows
//! that are claimed again when the lease ends: delivery is at least once. Without a crash
//! it is once: while a worker holds a claim it renews the claim's lease (every quarter of
//! it), a request is sent only while the lease, so renewed, has at least half its length
//! left, and rows that waited too long are handed back unsent for any worker to claim.
//! The lease is thus how long a crashed worker's rows wait, not a bound on how long a
//! slow server may take to answer: a request may take [`MAX_SEND_TIMEOUT`] whatever the
//! lease (a request cut short by its timeout was maybe received, and is sent again).

use std::collections::HashMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};
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

/// The longest a delivery request may take.
const MAX_SEND_TIMEOUT: Duration = Duration::from_secs(10);

impl Settings {
    /// How long one request may take.
    pub fn send_timeout(&self) -> Duration {
        MAX_SEND_TIMEOUT
    }

    /// How often a worker pushes the lease of the rows it holds one lease ahead.
    pub fn renew_every(&self) -> Duration {
        (self.lease / 4)
            .to_std()
            .unwrap_or_default()
            .max(Duration::from_millis(100))
    }

    /// Rounds of requests one claim takes, each taking its whole timeout, as many as fit in
    /// a lease (at least one): a claim takes `per_server` times this from one server,
    /// `concurrency` times this in all, and leaves the rest to other workers.
    fn rounds_per_claim(&self) -> i64 {
        let timeout = self.send_timeout().as_millis().max(1);
        let lease = self.lease.to_std().unwrap_or_default().as_millis();
        ((lease / timeout) as i64).max(1)
    }

    /// How many rows one claim takes: in all, and from one server.
    fn claim_sizes(&self) -> (i64, i64) {
        let rounds = self.rounds_per_claim();
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

/// The end of a claim's lease as its worker last renewed it, shared by the claim's
/// requests (microseconds since the epoch).
struct LeaseEnd(AtomicI64);

impl LeaseEnd {
    fn new(until: chrono::DateTime<chrono::Utc>) -> LeaseEnd {
        LeaseEnd(AtomicI64::new(until.timestamp_micros()))
    }

    fn set(&self, until: chrono::DateTime<chrono::Utc>) {
        self.0
            .fetch_max(until.timestamp_micros(), Ordering::Relaxed);
    }

    fn left(&self, now: chrono::DateTime<chrono::Utc>) -> Duration {
        let left = self.0.load(Ordering::Relaxed) - now.timestamp_micros();
        Duration::from_micros(left.max(0) as u64)
    }
}

/// Whether a request may still be sent at `now` under a lease of length `lease`: at
/// least half of it must be left. Renewed every quarter, a live worker's lease always is;
/// one whose renewals fail (database unreachable, process starved) stops sending before
/// its rows can be claimed by another worker.
fn lease_allows(end: &LeaseEnd, now: chrono::DateTime<chrono::Utc>, lease: Duration) -> bool {
    end.left(now) >= lease / 2
}

/// Renews `claim`'s lease every [`Settings::renew_every`] until dropped.
struct Renewal(tokio::task::JoinHandle<()>);

impl Renewal {
    fn start(fed: &Federation, claim: uuid::Uuid, end: Arc<LeaseEnd>) -> Renewal {
        let fed = fed.clone();
        Renewal(tokio::spawn(async move {
            let every = fed.delivery.renew_every();
            let mut ticks = tokio::time::interval_at(tokio::time::Instant::now() + every, every);
            loop {
                ticks.tick().await;
                let now = rhizome_node::now();
                let until = now + fed.delivery.lease;
                match fed.store.renew_claim(claim, now, until).await {
                    Ok(0) => {} // All recorded, or (the lease ran out first) not ours now.
                    Ok(_) => end.set(until),
                    Err(e) => {
                        tracing::warn!(error = %e, "cannot renew the lease of claimed deliveries")
                    }
                }
            }
        }))
    }
}

impl Drop for Renewal {
    fn drop(&mut self) {
        self.0.abort();
    }
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

/// One claim a worker holds: its lease (renewed while the claim lives) and how many of
/// its rows are not finished yet.
struct HeldClaim {
    end: Arc<LeaseEnd>,
    _renewal: Renewal,
    unfinished: usize,
    released: usize,
}

/// What [`run_once`] shares between the claims it takes: the bodies, each serialised and
/// digested once, and the limits on requests in flight, overall and per server.
#[derive(Default)]
struct Sending {
    bodies: HashMap<uuid::Uuid, Arc<DigestedBody>>,
    per_server: HashMap<String, Arc<Semaphore>>,
}

/// Claims due deliveries and attempts those their lease leaves time for, handing the
/// others back, until none is due; returns how many were attempted. The next claim is
/// taken while the last requests of the previous one are in flight (once no more than
/// `concurrency` of its rows are left), so the sending never waits for the database.
pub async fn run_once(fed: &Federation) -> Result<usize, StoreError> {
    let overall = Arc::new(Semaphore::new(fed.delivery.concurrency));
    let mut sending = Sending::default();
    let mut claims: HashMap<uuid::Uuid, HeldClaim> = HashMap::new();
    let mut running = JoinSet::new();
    let (mut delivered, mut attempted) = (Vec::new(), 0);
    let mut exhausted = false;
    loop {
        if !exhausted && running.len() <= fed.delivery.concurrency {
            match claim_and_start(fed, &overall, &mut sending, &mut running).await {
                Ok(Some((claim, held))) => {
                    claims.insert(claim, held);
                }
                Ok(None) => exhausted = true,
                Err(e) if claims.is_empty() => return Err(e),
                Err(e) => {
                    // Finish what is held; the caller will try the outbox again.
                    tracing::error!(error = %e, "delivery worker cannot claim more deliveries");
                    exhausted = true;
                }
            }
        }
        // Successes wait to be recorded in batches, but not long: the claim is renewed
        // while they wait, yet a crash would send them again.
        let next = if delivered.is_empty() {
            running.join_next().await
        } else {
            match tokio::time::timeout(fed.delivery.renew_every(), running.join_next()).await {
                Ok(next) => next,
                Err(_) => {
                    record_delivered(fed, std::mem::take(&mut delivered)).await;
                    continue;
                }
            }
        };
        let Some(joined) = next else {
            if exhausted {
                break;
            }
            continue;
        };
        let Ok((delivery, outcome)) = joined else {
            continue; // A panicked attempt: its row's lease runs out, it is sent again.
        };
        let claim = delivery.claim;
        let released = matches!(outcome, Outcome::Released);
        match outcome {
            Outcome::Released => {}
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
        let Some(held) = claims.get_mut(&claim) else {
            continue;
        };
        held.unfinished -= 1;
        held.released += usize::from(released);
        if held.unfinished == 0 {
            // Its successes are recorded before what is left of it is handed back.
            record_delivered(fed, std::mem::take(&mut delivered)).await;
            if let Some(held) = claims.remove(&claim) {
                finish_claim(fed, claim, held).await;
            }
            sending.forget_idle();
        }
    }
    record_delivered(fed, delivered).await;
    for (claim, held) in claims {
        finish_claim(fed, claim, held).await;
    }
    Ok(attempted)
}

impl Sending {
    /// Forgets the bodies and servers no attempt in flight uses: a long run holds only
    /// what its claims need, whatever the number of servers and activities it went through.
    fn forget_idle(&mut self) {
        self.bodies.retain(|_, body| Arc::strong_count(body) > 1);
        self.per_server
            .retain(|_, server| Arc::strong_count(server) > 1);
    }
}

/// Claims one batch of due deliveries and starts an attempt for each (they wait for their
/// turn); `None` when nothing is due.
async fn claim_and_start(
    fed: &Federation,
    overall: &Arc<Semaphore>,
    sending: &mut Sending,
    running: &mut JoinSet<(Delivery, Outcome)>,
) -> Result<Option<(uuid::Uuid, HeldClaim)>, StoreError> {
    let (in_all, per_host) = fed.delivery.claim_sizes();
    let batch = fed
        .store
        .claim_deliveries(rhizome_node::now(), fed.delivery.lease, in_all, per_host)
        .await?;
    let Some((claim, leased_until)) = batch.first().map(|d| (d.claim, d.leased_until)) else {
        return Ok(None);
    };
    let end = Arc::new(LeaseEnd::new(leased_until));
    let held = HeldClaim {
        end: end.clone(),
        _renewal: Renewal::start(fed, claim, end.clone()),
        unfinished: batch.len(),
        released: 0,
    };
    let timeout = fed.delivery.send_timeout();
    for delivery in batch {
        let body = sending
            .bodies
            .entry(delivery.activity_id)
            .or_insert_with(|| {
                Arc::new(DigestedBody::new(
                    serde_json::to_vec(&*delivery.body).unwrap_or_default(),
                ))
            })
            .clone();
        let server = match sending.per_server.get(&delivery.host) {
            Some(server) => server.clone(),
            None => {
                let server = Arc::new(Semaphore::new(fed.delivery.per_server));
                sending
                    .per_server
                    .insert(delivery.host.clone(), server.clone());
                server
            }
        };
        let overall = overall.clone();
        let fed = fed.clone();
        let end = held.end.clone();
        running.spawn(async move {
            let _server = server.acquire_owned().await;
            let _overall = overall.acquire_owned().await;
            let outcome = attempt(&fed, &delivery, &body, &end, timeout).await;
            (delivery, outcome)
        });
    }
    Ok(Some((claim, held)))
}

/// Ends a claim whose rows are all finished (or given up): its renewal stops, and rows
/// not sent for want of lease are handed back.
async fn finish_claim(fed: &Federation, claim: uuid::Uuid, held: HeldClaim) {
    let released = held.released;
    drop(held);
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

/// Sends `d` with `timeout`, unless its claim's lease (ending at `end`) is running out.
async fn attempt(
    fed: &Federation,
    d: &Delivery,
    body: &DigestedBody,
    end: &LeaseEnd,
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
    let lease = fed.delivery.lease.to_std().unwrap_or_default();
    if !lease_allows(end, rhizome_node::now(), lease) {
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
    fn a_claim_is_sized_by_its_lease_and_sent_only_while_the_lease_is_renewed() {
        for seconds in [1, 2, 5, 6, 10, 30, 60, 600, 86_400] {
            let settings = with_lease(seconds);
            let (in_all, per_host) = settings.claim_sizes();
            assert!(in_all >= 1 && in_all <= settings.batch, "{seconds} s");
            assert!(per_host >= settings.per_server as i64, "{seconds} s");
            // Renewed four times per lease: a live worker never drops below the half.
            let lease = settings.lease.to_std().unwrap();
            assert!(settings.renew_every() * 2 <= lease, "{seconds} s");
        }
        // A long lease is not wasted on tiny claims.
        assert!(with_lease(60).claim_sizes().1 > with_lease(6).claim_sizes().1);
        let now = rhizome_node::now();
        let lease = Duration::from_secs(6);
        let end = LeaseEnd::new(now + chrono::Duration::seconds(6));
        assert!(lease_allows(&end, now, lease));
        assert!(lease_allows(
            &end,
            now + chrono::Duration::seconds(3),
            lease
        ));
        assert!(!lease_allows(
            &end,
            now + chrono::Duration::milliseconds(3100),
            lease
        ));
        // A renewal moves the end forward, never back.
        end.set(now + chrono::Duration::seconds(10));
        end.set(now + chrono::Duration::seconds(8));
        assert!(lease_allows(
            &end,
            now + chrono::Duration::seconds(5),
            lease
        ));
        assert!(!lease_allows(
            &end,
            now + chrono::Duration::milliseconds(7100),
            lease
        ));
    }
}
