//! Group commit for the inbox's writes (activities received, remote publications kept):
//! concurrent arrivals queue for one writer task, which runs everything queued in one
//! transaction and answers each caller after the commit, so a 202 still means stored.
//! One writer means SQLite's connections no longer fight for its write lock (each loser
//! sleeping in the busy handler), and one commit serves many arrivals on both backends.
//! When a batch fails, its writes are run again one transaction each, so that one bad
//! row fails alone. Mounted once per backend, see `mod.rs`.

use std::sync::OnceLock;

use chrono::{DateTime, Utc};
use sqlx::Pool;
use tokio::sync::{mpsc, oneshot};

use super::backend::{Db, SqlStore};
use crate::network::RemotePublication;
use crate::store::StoreError;

/// Writes one transaction takes at most.
const MAX_BATCH: usize = 256;

/// A write that may share its transaction with others.
pub(super) enum Write {
    /// `mark_received`: whether the id was new.
    Received { id: String, at: DateTime<Utc> },
    /// `upsert_remote_publication`: whether anything was written.
    RemotePublication(Box<RemotePublication>),
}

struct Queued {
    write: Write,
    done: oneshot::Sender<Result<bool, StoreError>>,
}

/// The queue to the writer task, started on first use in the caller's runtime.
#[derive(Default)]
pub struct GroupCommit {
    queue: OnceLock<mpsc::UnboundedSender<Queued>>,
}

impl SqlStore {
    /// Runs `write` in the next group transaction; answers once it is committed. Without
    /// a writer (its runtime is gone), the write runs alone.
    pub(super) async fn write_grouped(&self, write: Write) -> Result<bool, StoreError> {
        let queue = self.group_commit.queue.get_or_init(|| {
            let (queue, arrivals) = mpsc::unbounded_channel();
            tokio::spawn(run(self.pool.clone(), arrivals));
            queue
        });
        let (done, answer) = oneshot::channel();
        if let Err(refused) = queue.send(Queued { write, done }) {
            return write_alone(&self.pool, &refused.0.write).await;
        }
        answer.await.unwrap_or_else(|_| {
            Err(StoreError::Database(sqlx::Error::Protocol(
                "the group writer stopped before answering".into(),
            )))
        })
    }
}

async fn run(pool: Pool<Db>, mut arrivals: mpsc::UnboundedReceiver<Queued>) {
    let mut batch = Vec::with_capacity(MAX_BATCH);
    while arrivals.recv_many(&mut batch, MAX_BATCH).await > 0 {
        match write_batch(&pool, &batch).await {
            Ok(results) => {
                for (queued, result) in batch.drain(..).zip(results) {
                    let _ = queued.done.send(Ok(result));
                }
            }
            Err(e) => {
                tracing::warn!(error = %e, writes = batch.len(), "group transaction failed: each write run alone");
                for queued in batch.drain(..) {
                    let result = write_alone(&pool, &queued.write).await;
                    let _ = queued.done.send(result);
                }
            }
        }
    }
}

async fn write_batch(pool: &Pool<Db>, batch: &[Queued]) -> Result<Vec<bool>, StoreError> {
    let mut tx = pool.begin().await?;
    let mut results = Vec::with_capacity(batch.len());
    for queued in batch {
        results.push(write_in(&mut tx, &queued.write).await?);
    }
    tx.commit().await?;
    Ok(results)
}

async fn write_alone(pool: &Pool<Db>, write: &Write) -> Result<bool, StoreError> {
    let mut tx = pool.begin().await?;
    let result = write_in(&mut tx, write).await?;
    tx.commit().await?;
    Ok(result)
}

async fn write_in(tx: &mut sqlx::Transaction<'_, Db>, write: &Write) -> Result<bool, StoreError> {
    match write {
        Write::Received { id, at } => super::deliveries::mark_received_in(tx, id, *at).await,
        Write::RemotePublication(p) => {
            super::remote_publications::upsert_remote_publication_in(tx, p).await
        }
    }
}
