//! Periodic work shared by the processes of one node (discovery, calendar imports,
//! reminders, series extension): before each round a task takes its named lease
//! (`LeaseStore`, table `scheduled_runs`) for one period, so that however many processes
//! run, one of them does the round and the others skip it. The lease is extended while a
//! long round lasts, and released when the process stops, so that its successor does not
//! wait out a whole period.

use std::sync::Arc;
use std::time::Duration;

use crate::store::Store;

/// The longest a process waits between two looks at a lease it does not hold: a task
/// whose holder died is taken over within this much of its lease's end.
const LOOK_AT_MOST_EVERY: Duration = Duration::from_secs(60);

/// The leases of one process.
#[derive(Clone)]
pub struct Scheduler {
    store: Arc<dyn Store>,
    holder: Arc<str>,
}

impl Scheduler {
    /// A scheduler for this process, under a holder name no other process has: host,
    /// process id and a random part (containers all run as process 1).
    pub fn new(store: Arc<dyn Store>) -> Scheduler {
        let host = std::env::var("HOSTNAME")
            .ok()
            .or_else(|| std::fs::read_to_string("/etc/hostname").ok())
            .map(|h| h.trim().to_owned())
            .filter(|h| !h.is_empty())
            .unwrap_or_else(|| "host".into());
        let random = uuid::Uuid::new_v4().simple().to_string();
        let holder = format!("{host}/{}/{}", std::process::id(), &random[..8]);
        Scheduler {
            store,
            holder: holder.into(),
        }
    }

    /// The name this process's leases are held under.
    pub fn holder(&self) -> &str {
        &self.holder
    }

    /// Runs `round` about every `period` in whichever process of the node takes the lease
    /// `name` first (the first round as soon as the lease is free), until the process
    /// ends.
    pub fn every<F, Fut>(
        &self,
        name: &'static str,
        period: Duration,
        mut round: F,
    ) -> tokio::task::JoinHandle<()>
    where
        F: FnMut() -> Fut + Send + 'static,
        Fut: Future<Output = ()> + Send,
    {
        let scheduler = self.clone();
        let period = period.max(Duration::from_secs(1));
        tokio::spawn(async move {
            loop {
                if scheduler.take(name, period).await {
                    scheduler.hold_while(name, period, round()).await;
                }
                tokio::time::sleep(period.min(LOOK_AT_MOST_EVERY)).await;
            }
        })
    }

    /// Whether this process now holds `name` for one `period`.
    async fn take(&self, name: &str, period: Duration) -> bool {
        let now = crate::now();
        match self
            .store
            .take_lease(name, &self.holder, now, now + chrono_period(period))
            .await
        {
            Ok(taken) => taken,
            Err(e) => {
                tracing::warn!(task = name, error = %e, "cannot take the task's lease: round skipped");
                false
            }
        }
    }

    /// Runs `round`, pushing the lease's end one period ahead every half period while it
    /// lasts, so that no other process starts the same round meanwhile.
    async fn hold_while(&self, name: &str, period: Duration, round: impl Future<Output = ()>) {
        let mut round = std::pin::pin!(round);
        let mut extend =
            tokio::time::interval_at(tokio::time::Instant::now() + period / 2, period / 2);
        loop {
            tokio::select! {
                () = &mut round => return,
                _ = extend.tick() => {
                    let now = crate::now();
                    match self.store.extend_lease(name, &self.holder, now, now + chrono_period(period)).await {
                        Ok(true) => {}
                        Ok(false) => tracing::warn!(task = name, "the task's lease ran out during a long round: another process may start one"),
                        Err(e) => tracing::warn!(task = name, error = %e, "cannot extend the task's lease"),
                    }
                }
            }
        }
    }

    /// Ends this process's leases (it is stopping).
    pub async fn release(&self) {
        match self.store.release_leases(&self.holder, crate::now()).await {
            Ok(n) if n > 0 => tracing::info!(leases = n, "scheduled tasks handed over"),
            Ok(_) => {}
            Err(e) => {
                tracing::warn!(error = %e, "cannot release the scheduled tasks' leases: they end by themselves")
            }
        }
    }
}

fn chrono_period(period: Duration) -> chrono::Duration {
    chrono::Duration::from_std(period).unwrap_or(chrono::Duration::days(36_500))
}
