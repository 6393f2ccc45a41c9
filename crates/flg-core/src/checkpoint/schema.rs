//! Versioned schema migrations, recorded in `flg_migrations`.

use rusqlite::{params, Connection, OptionalExtension};

use crate::Result;

/// Ordered migrations; a migration is never edited once released, only appended.
const MIGRATIONS: &[(i64, &str, &str)] = &[(
    1,
    "initial layout: checkpoints without values, blobs per channel version, writes",
    r"
CREATE TABLE flg_checkpoints (
  thread_id TEXT NOT NULL,
  checkpoint_ns TEXT NOT NULL DEFAULT '',
  checkpoint_id TEXT NOT NULL,
  parent_checkpoint_id TEXT,
  type TEXT NOT NULL,
  checkpoint BLOB NOT NULL,
  metadata BLOB NOT NULL,
  channel_versions TEXT NOT NULL,
  PRIMARY KEY (thread_id, checkpoint_ns, checkpoint_id)
) WITHOUT ROWID; -- rows are small (no values): one b-tree instead of table + key index
-- list(thread) across namespaces walks this index instead of sorting the thread.
CREATE INDEX flg_checkpoints_thread_id ON flg_checkpoints (thread_id, checkpoint_id, checkpoint_ns);
CREATE TABLE flg_blobs (
  thread_id TEXT NOT NULL,
  checkpoint_ns TEXT NOT NULL,
  channel TEXT NOT NULL,
  version TEXT NOT NULL,
  type TEXT NOT NULL,
  value BLOB,
  base_version TEXT,
  prefix_len INTEGER,
  PRIMARY KEY (thread_id, checkpoint_ns, channel, version)
);
CREATE TABLE flg_writes (
  thread_id TEXT NOT NULL,
  checkpoint_ns TEXT NOT NULL,
  checkpoint_id TEXT NOT NULL,
  task_id TEXT NOT NULL,
  task_path TEXT NOT NULL DEFAULT '',
  idx INTEGER NOT NULL,
  channel TEXT NOT NULL,
  type TEXT NOT NULL,
  value BLOB,
  PRIMARY KEY (thread_id, checkpoint_ns, checkpoint_id, task_id, idx)
) WITHOUT ROWID; -- read by key prefix only; saves the separate key index
-- One row per foreign layout imported into this file (the official SqliteSaver's tables).
CREATE TABLE flg_imports (
  source TEXT PRIMARY KEY,
  backup_path TEXT,
  checkpoints INTEGER NOT NULL,
  writes INTEGER NOT NULL,
  imported_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);
",
)];

/// The highest migration this build knows.
pub const SCHEMA_VERSION: i64 = MIGRATIONS[MIGRATIONS.len() - 1].0;

/// Applies every migration the database lacks, each in its own transaction.
pub fn migrate(conn: &mut Connection) -> Result<()> {
    conn.execute_batch(
        "CREATE TABLE IF NOT EXISTS flg_migrations (
           version INTEGER PRIMARY KEY,
           name TEXT NOT NULL,
           applied_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
         );",
    )?;
    let current = current_version(conn)?;
    if current > SCHEMA_VERSION {
        return Err(crate::Error::Schema(format!(
            "database schema version {current} is newer than this @flg/core ({SCHEMA_VERSION}); upgrade @flg/checkpoint-sqlite"
        )));
    }
    for &(version, name, sql) in MIGRATIONS.iter().filter(|m| m.0 > current) {
        let tx = conn.transaction()?;
        tx.execute_batch(sql)?;
        tx.execute(
            "INSERT INTO flg_migrations (version, name) VALUES (?1, ?2)",
            params![version, name],
        )?;
        tx.commit()?;
    }
    Ok(())
}

/// Version of the newest applied migration, 0 for a fresh database.
pub fn current_version(conn: &Connection) -> Result<i64> {
    Ok(conn
        .query_row(
            "SELECT MAX(version) FROM flg_migrations WHERE version > 0",
            [],
            |row| row.get::<_, Option<i64>>(0),
        )
        .optional()?
        .flatten()
        .unwrap_or(0))
}
