//! Group commit: concurrent writers queue their operation; whoever holds the write connection
//! next runs everything queued in one transaction (one WAL sync), each operation inside its own
//! savepoint so that one failing operation never half-writes or takes the others down.

use std::sync::mpsc::{sync_channel, Receiver, SyncSender};
use std::sync::{Mutex, MutexGuard};

use rusqlite::Connection;

use crate::{Error, Result};

type Job<Op> = (Op, SyncSender<Result<()>>);

pub struct GroupCommit<Op> {
    queue: Mutex<Vec<Job<Op>>>,
}

/// Locks a mutex even if a panicking thread poisoned it: the guarded SQLite connection stays
/// consistent because every write runs inside a transaction that rolls back on drop.
pub fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

impl<Op> GroupCommit<Op> {
    pub fn new() -> Self {
        Self {
            queue: Mutex::new(Vec::new()),
        }
    }

    /// Queues `op`, commits it (with whatever else is queued) and returns its own outcome.
    pub fn submit(
        &self,
        writer: &Mutex<Connection>,
        op: Op,
        apply: impl Fn(&Connection, &Op) -> Result<()>,
    ) -> Result<()> {
        let (sender, receiver): (_, Receiver<Result<()>>) = sync_channel(1);
        lock(&self.queue).push((op, sender));
        {
            let mut conn = lock(writer);
            let batch = std::mem::take(&mut *lock(&self.queue));
            if !batch.is_empty() {
                run_batch(&mut conn, batch, &apply);
            }
        }
        receiver
            .recv()
            .unwrap_or_else(|_| Err(Error::Batch("group commit leader stopped".into())))
    }
}

fn run_batch<Op>(
    conn: &mut Connection,
    batch: Vec<Job<Op>>,
    apply: &impl Fn(&Connection, &Op) -> Result<()>,
) {
    let mut outcomes: Vec<(SyncSender<Result<()>>, Result<()>)> = Vec::with_capacity(batch.len());
    let committed = (|| -> Result<()> {
        let mut tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        for (op, sender) in batch {
            let outcome = (|| {
                let savepoint = tx.savepoint()?;
                apply(&savepoint, &op)?;
                savepoint.commit()?;
                Ok(())
            })();
            outcomes.push((sender, outcome));
        }
        tx.commit()?;
        Ok(())
    })();
    if let Err(err) = committed {
        let message = err.to_string();
        for (sender, _) in outcomes {
            let _ = sender.send(Err(Error::Batch(message.clone())));
        }
        return;
    }
    for (sender, outcome) in outcomes {
        // The submitter may have gone away (panic); nothing to report to then.
        let _ = sender.send(outcome);
    }
}
