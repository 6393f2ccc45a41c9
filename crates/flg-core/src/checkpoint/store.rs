//! The checkpoint store: one write connection fed by group commit, a small pool of read
//! connections (WAL lets them read while a write commits), prepared statements cached per
//! connection.

use std::path::Path;
use std::sync::Mutex;

use rusqlite::{params, Connection, OptionalExtension, Row};
use serde_json::{Map, Value};

use super::delta::{self, DeltaLink, DELTA_TYPE};
use super::filter::MetadataFilter;
use super::group_commit::{lock, GroupCommit};
use super::types::{
    BlobRow, CheckpointRow, DeltaChannelHistory, ListCursor, ListPage, ListQuery, PutCheckpoint,
    PutWrites, TupleRow, WriteRow,
};
use super::{official, schema};
use crate::{Error, Result};

/// Value of SQLite's `synchronous` pragma.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Synchronous {
    /// WAL + NORMAL: a crash of the process loses nothing; a power cut may lose the last commits.
    Normal,
    /// Sync the WAL on every commit.
    Full,
    Off,
}

/// How to open a store; every field has a default fit for a LangGraph app.
#[derive(Debug, Clone)]
pub struct StoreOptions {
    /// How long a writer waits for another process's lock, in milliseconds.
    pub busy_timeout_ms: u32,
    pub synchronous: Synchronous,
    /// Import the tables of the official `SqliteSaver` found in the file (after a backup copy).
    pub import_official: bool,
    /// Read connections kept open for concurrent reads (file databases only).
    pub max_readers: usize,
}

impl Default for StoreOptions {
    fn default() -> Self {
        Self {
            busy_timeout_ms: 5_000,
            synchronous: Synchronous::Normal,
            import_official: true,
            max_readers: 4,
        }
    }
}

enum WriteOp {
    Put(PutCheckpoint),
    PutWrites(PutWrites),
    DeleteThread(String),
}

/// A LangGraph checkpoint store in one SQLite file (or in memory).
pub struct CheckpointStore {
    path: Option<String>,
    options: StoreOptions,
    writer: Mutex<Connection>,
    readers: Mutex<Vec<Connection>>,
    commits: GroupCommit<WriteOp>,
}

/// Columns read by [`checkpoint_from_row`]; a macro so the fixed queries stay `&'static str`
/// (no SQL text built on the getTuple path).
macro_rules! checkpoint_columns {
    () => {
        "thread_id, checkpoint_ns, checkpoint_id, parent_checkpoint_id, type, checkpoint, metadata, channel_versions"
    };
}

impl CheckpointStore {
    /// Opens (creating if needed) the database at `path`; `":memory:"` or `""` for a private
    /// in-memory database.
    pub fn open(path: &str, options: StoreOptions) -> Result<Self> {
        let in_memory = path.is_empty() || path == ":memory:";
        let mut writer = if in_memory {
            Connection::open_in_memory()?
        } else {
            Connection::open(path)?
        };
        configure(&writer, &options, !in_memory)?;
        schema::migrate(&mut writer)?;
        if options.import_official {
            official::import_if_present(&mut writer, (!in_memory).then(|| Path::new(path)))?;
        }
        Ok(Self {
            path: (!in_memory).then(|| path.to_owned()),
            options,
            writer: Mutex::new(writer),
            readers: Mutex::new(Vec::new()),
            commits: GroupCommit::new(),
        })
    }

    /// Stores a checkpoint and the channel values that changed, atomically.
    pub fn put(&self, put: PutCheckpoint) -> Result<()> {
        self.commits
            .submit(&self.writer, WriteOp::Put(put), apply_write)
    }

    /// Stores the pending writes of one task.
    pub fn put_writes(&self, writes: PutWrites) -> Result<()> {
        self.commits
            .submit(&self.writer, WriteOp::PutWrites(writes), apply_write)
    }

    /// Removes every checkpoint, value and write of a thread (all namespaces).
    pub fn delete_thread(&self, thread_id: &str) -> Result<()> {
        self.commits.submit(
            &self.writer,
            WriteOp::DeleteThread(thread_id.to_owned()),
            apply_write,
        )
    }

    /// The checkpoint `checkpoint_id`, or the newest of the thread/namespace when `None`.
    pub fn get_tuple(
        &self,
        thread_id: &str,
        checkpoint_ns: &str,
        checkpoint_id: Option<&str>,
    ) -> Result<Option<TupleRow>> {
        self.read(|conn| {
            let Some((row, versions)) =
                select_checkpoint(conn, thread_id, checkpoint_ns, checkpoint_id)?
            else {
                return Ok(None);
            };
            load_tuple(conn, row, &versions).map(Some)
        })
    }

    /// Checkpoints newest first, filtered on metadata; see [`ListQuery`].
    ///
    /// Pages resume from a cursor (the last row returned), not an offset, so checkpoints written
    /// or deleted between pages neither repeat nor hide others.
    pub fn list(&self, query: &ListQuery) -> Result<ListPage> {
        const PAGE: u32 = 256;
        let filter = MetadataFilter::parse(query.filter.as_deref())?;
        self.read(|conn| {
            // Only fixed fragments are assembled here; every caller value is a bound parameter.
            let mut clauses: Vec<&str> = Vec::new();
            let mut args: Vec<&dyn rusqlite::ToSql> = Vec::new();
            if let Some(thread_id) = &query.thread_id {
                clauses.push("thread_id = ?");
                args.push(thread_id);
            }
            if let Some(ns) = &query.checkpoint_ns {
                clauses.push("checkpoint_ns = ?");
                args.push(ns);
            }
            if let Some(before) = &query.before {
                clauses.push("checkpoint_id < ?");
                args.push(before);
            }
            // The sort key is unique within the listing's scope and matches an index when a
            // thread is given: (thread, ns, id) or (thread, id, ns).
            let (order, cursor_clause) = match (&query.thread_id, &query.checkpoint_ns) {
                (Some(_), Some(_)) => ("checkpoint_id DESC", "checkpoint_id < ?"),
                (Some(_), None) => (
                    "checkpoint_id DESC, checkpoint_ns DESC",
                    "(checkpoint_id, checkpoint_ns) < (?, ?)",
                ),
                _ => (
                    "checkpoint_id DESC, thread_id DESC, checkpoint_ns DESC",
                    "(checkpoint_id, thread_id, checkpoint_ns) < (?, ?, ?)",
                ),
            };
            if let Some(cursor) = &query.after {
                clauses.push(cursor_clause);
                args.push(&cursor.checkpoint_id);
                match (&query.thread_id, &query.checkpoint_ns) {
                    (Some(_), Some(_)) => {}
                    (Some(_), None) => args.push(&cursor.checkpoint_ns),
                    _ => {
                        args.push(&cursor.thread_id);
                        args.push(&cursor.checkpoint_ns);
                    }
                }
            }
            let where_sql = if clauses.is_empty() {
                String::new()
            } else {
                format!("WHERE {}", clauses.join(" AND "))
            };
            let sql = format!(
                "SELECT {} FROM flg_checkpoints {where_sql} ORDER BY {order}",
                checkpoint_columns!()
            );
            let wanted = query.limit.unwrap_or(PAGE).min(PAGE) as usize;
            let mut stmt = conn.prepare_cached(&sql)?;
            let mut rows = stmt.query(args.as_slice())?;
            let mut tuples = Vec::new();
            let mut exhausted = true;
            while let Some(row) = rows.next()? {
                let (checkpoint, versions) = checkpoint_from_row(row)?;
                if !filter.matches(&checkpoint.metadata, &checkpoint.checkpoint_id)? {
                    continue;
                }
                tuples.push(load_tuple(conn, checkpoint, &versions)?);
                if tuples.len() >= wanted {
                    exhausted = false;
                    break;
                }
            }
            let limit_reached = query.limit.is_some_and(|l| l as usize <= tuples.len());
            let next = match tuples.last() {
                Some(last) if !exhausted && !limit_reached => Some(ListCursor {
                    checkpoint_id: last.checkpoint.checkpoint_id.clone(),
                    thread_id: last.checkpoint.thread_id.clone(),
                    checkpoint_ns: last.checkpoint.checkpoint_ns.clone(),
                }),
                _ => None,
            };
            Ok(ListPage { tuples, next })
        })
    }

    /// LangGraph's `getDeltaChannelHistory`: for each channel, the writes along the ancestor
    /// chain of a checkpoint (excluding its own) back to the nearest ancestor holding a value.
    pub fn delta_channel_history(
        &self,
        thread_id: &str,
        checkpoint_ns: &str,
        checkpoint_id: Option<&str>,
        channels: &[String],
    ) -> Result<Vec<DeltaChannelHistory>> {
        self.read(|conn| {
            let mut histories: Vec<DeltaChannelHistory> = channels
                .iter()
                .map(|channel| DeltaChannelHistory { channel: channel.clone(), writes: Vec::new(), seed: None })
                .collect();
            // Blocks of writes per channel, newest ancestor first; reversed at the end.
            let mut blocks: Vec<Vec<Vec<WriteRow>>> = vec![Vec::new(); channels.len()];
            let mut remaining: Vec<bool> = vec![true; channels.len()];
            if channels.is_empty() {
                return Ok(histories);
            }
            let Some((target, _)) = select_checkpoint(conn, thread_id, checkpoint_ns, checkpoint_id)? else {
                return Ok(histories);
            };
            let Some(parent_id) = target.parent_checkpoint_id else {
                return Ok(histories);
            };
            // One recursive query yields the ancestors nearest first; we stop reading rows as soon
            // as every channel has its seed.
            let mut chain = conn.prepare_cached(
                "WITH RECURSIVE chain(checkpoint_id, parent_checkpoint_id, channel_versions) AS (
                   SELECT checkpoint_id, parent_checkpoint_id, channel_versions FROM flg_checkpoints
                    WHERE thread_id = ?1 AND checkpoint_ns = ?2 AND checkpoint_id = ?3
                   UNION ALL
                   SELECT c.checkpoint_id, c.parent_checkpoint_id, c.channel_versions
                     FROM flg_checkpoints c JOIN chain ON c.checkpoint_id = chain.parent_checkpoint_id
                    WHERE c.thread_id = ?1 AND c.checkpoint_ns = ?2
                 ) SELECT checkpoint_id, channel_versions FROM chain",
            )?;
            let mut rows = chain.query(params![thread_id, checkpoint_ns, parent_id])?;
            while let Some(row) = rows.next()? {
                if !remaining.contains(&true) {
                    break;
                }
                let ancestor_id: String = row.get(0)?;
                let versions = parse_versions(&row.get::<_, String>(1)?, &ancestor_id)?;
                let writes = select_writes(conn, thread_id, checkpoint_ns, &ancestor_id)?;
                for (i, channel) in channels.iter().enumerate() {
                    if !remaining[i] {
                        continue;
                    }
                    let block: Vec<WriteRow> = writes.iter().filter(|w| &w.channel == channel).cloned().collect();
                    if !block.is_empty() {
                        blocks[i].push(block);
                    }
                    if let Some(version) = versions.get(channel) {
                        let key = version_key(version, channel)?;
                        if let Some(seed) = select_blob(conn, thread_id, checkpoint_ns, channel, &key)? {
                            histories[i].seed = Some(seed);
                            remaining[i] = false;
                        }
                    }
                }
            }
            for (history, channel_blocks) in histories.iter_mut().zip(blocks) {
                history.writes = channel_blocks.into_iter().rev().flatten().collect();
            }
            Ok(histories)
        })
    }

    /// Moves the WAL into the database file and truncates it (called on close, so the file on
    /// disk is complete and compact even while other handles keep the store alive).
    pub fn checkpoint_wal(&self) -> Result<()> {
        if self.path.is_some() {
            lock(&self.readers).clear();
            lock(&self.writer).execute_batch("PRAGMA wal_checkpoint(TRUNCATE);")?;
        }
        Ok(())
    }

    /// Path of the database file, `None` in memory.
    pub fn path(&self) -> Option<&str> {
        self.path.as_deref()
    }

    /// Runs `f` in a read transaction (one consistent snapshot) on a pooled read connection, or
    /// on the write connection for in-memory databases, which cannot be shared.
    fn read<T>(&self, f: impl FnOnce(&Connection) -> Result<T>) -> Result<T> {
        let Some(path) = &self.path else {
            let mut conn = lock(&self.writer);
            let tx = conn.transaction()?;
            let out = f(&tx)?;
            tx.commit()?;
            return Ok(out);
        };
        let pooled = lock(&self.readers).pop();
        let mut conn = match pooled {
            Some(conn) => conn,
            None => {
                let conn = Connection::open_with_flags(
                    path,
                    rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY
                        | rusqlite::OpenFlags::SQLITE_OPEN_NO_MUTEX,
                )?;
                conn.busy_timeout(std::time::Duration::from_millis(u64::from(
                    self.options.busy_timeout_ms,
                )))?;
                conn
            }
        };
        let out = (|| {
            let tx = conn.transaction()?;
            let out = f(&tx)?;
            tx.commit()?;
            Ok(out)
        })();
        let mut readers = lock(&self.readers);
        if readers.len() < self.options.max_readers {
            readers.push(conn);
        }
        out
    }
}

fn configure(conn: &Connection, options: &StoreOptions, file: bool) -> Result<()> {
    conn.busy_timeout(std::time::Duration::from_millis(u64::from(
        options.busy_timeout_ms,
    )))?;
    if file {
        conn.pragma_update(None, "journal_mode", "WAL")?;
    }
    let synchronous = match options.synchronous {
        Synchronous::Normal => "NORMAL",
        Synchronous::Full => "FULL",
        Synchronous::Off => "OFF",
    };
    conn.pragma_update(None, "synchronous", synchronous)?;
    conn.set_prepared_statement_cache_capacity(64);
    Ok(())
}

fn apply_write(conn: &Connection, op: &WriteOp) -> Result<()> {
    match op {
        WriteOp::Put(put) => apply_put(conn, put),
        WriteOp::PutWrites(writes) => apply_put_writes(conn, writes),
        WriteOp::DeleteThread(thread_id) => {
            for sql in [
                "DELETE FROM flg_checkpoints WHERE thread_id = ?1",
                "DELETE FROM flg_blobs WHERE thread_id = ?1",
                "DELETE FROM flg_writes WHERE thread_id = ?1",
            ] {
                conn.prepare_cached(sql)?.execute([thread_id])?;
            }
            Ok(())
        }
    }
}

fn apply_put(conn: &Connection, put: &PutCheckpoint) -> Result<()> {
    let versions = parse_versions(&put.channel_versions, &put.checkpoint_id)?;
    let mut insert_blob = conn.prepare_cached(
        "INSERT OR IGNORE INTO flg_blobs (thread_id, checkpoint_ns, channel, version, type, value, base_version, prefix_len)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
    )?;
    for blob in &put.blobs {
        let version = versions.get(&blob.channel).ok_or_else(|| {
            Error::InvalidArgument(format!(
                "channel {:?} has a value but no entry in channel_versions of checkpoint {}",
                blob.channel, put.checkpoint_id
            ))
        })?;
        let key = version_key(version, &blob.channel)?;
        if let Some(base) = &blob.base_version {
            let exists = conn
                .prepare_cached(
                    "SELECT 1 FROM flg_blobs WHERE thread_id = ?1 AND checkpoint_ns = ?2 AND channel = ?3 AND version = ?4",
                )?
                .exists(params![put.thread_id, put.checkpoint_ns, blob.channel, base])?;
            if !exists {
                return Err(Error::DeltaBaseMissing {
                    channel: blob.channel.clone(),
                    base_version: base.clone(),
                });
            }
        }
        insert_blob.execute(params![
            put.thread_id,
            put.checkpoint_ns,
            blob.channel,
            key,
            blob.blob_type,
            blob.value,
            blob.base_version,
            blob.prefix_len,
        ])?;
    }
    conn.prepare_cached(
        "INSERT OR REPLACE INTO flg_checkpoints (thread_id, checkpoint_ns, checkpoint_id, parent_checkpoint_id, type, checkpoint, metadata, channel_versions)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
    )?
    .execute(params![
        put.thread_id,
        put.checkpoint_ns,
        put.checkpoint_id,
        put.parent_checkpoint_id,
        put.checkpoint_type,
        put.checkpoint,
        put.metadata,
        put.channel_versions,
    ])?;
    Ok(())
}

fn apply_put_writes(conn: &Connection, put: &PutWrites) -> Result<()> {
    let sql = if put.replace {
        "INSERT OR REPLACE INTO flg_writes (thread_id, checkpoint_ns, checkpoint_id, task_id, task_path, idx, channel, type, value)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)"
    } else {
        "INSERT OR IGNORE INTO flg_writes (thread_id, checkpoint_ns, checkpoint_id, task_id, task_path, idx, channel, type, value)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)"
    };
    let mut stmt = conn.prepare_cached(sql)?;
    for write in &put.writes {
        stmt.execute(params![
            put.thread_id,
            put.checkpoint_ns,
            put.checkpoint_id,
            put.task_id,
            put.task_path,
            write.idx,
            write.channel,
            write.write_type,
            write.value,
        ])?;
    }
    Ok(())
}

fn select_checkpoint(
    conn: &Connection,
    thread_id: &str,
    checkpoint_ns: &str,
    checkpoint_id: Option<&str>,
) -> Result<Option<(CheckpointRow, Map<String, Value>)>> {
    let found = match checkpoint_id {
        Some(id) => conn
            .prepare_cached(concat!(
                "SELECT ",
                checkpoint_columns!(),
                " FROM flg_checkpoints WHERE thread_id = ?1 AND checkpoint_ns = ?2 AND checkpoint_id = ?3"
            ))?
            .query_row(params![thread_id, checkpoint_ns, id], |row| Ok(checkpoint_from_row(row)))
            .optional()?,
        None => conn
            .prepare_cached(concat!(
                "SELECT ",
                checkpoint_columns!(),
                " FROM flg_checkpoints WHERE thread_id = ?1 AND checkpoint_ns = ?2 ORDER BY checkpoint_id DESC LIMIT 1"
            ))?
            .query_row(params![thread_id, checkpoint_ns], |row| Ok(checkpoint_from_row(row)))
            .optional()?,
    };
    found.transpose()
}

fn checkpoint_from_row(row: &Row<'_>) -> Result<(CheckpointRow, Map<String, Value>)> {
    let checkpoint = CheckpointRow {
        thread_id: row.get(0)?,
        checkpoint_ns: row.get(1)?,
        checkpoint_id: row.get(2)?,
        parent_checkpoint_id: row.get(3)?,
        checkpoint_type: row.get(4)?,
        checkpoint: bytes_column(row, 5)?,
        metadata: bytes_column(row, 6)?,
    };
    let versions = parse_versions(&row.get::<_, String>(7)?, &checkpoint.checkpoint_id)?;
    Ok((checkpoint, versions))
}

/// BLOB or TEXT as bytes: files written by other tools may store JSON either way.
fn bytes_column(row: &Row<'_>, idx: usize) -> Result<Vec<u8>> {
    Ok(match row.get_ref(idx)? {
        rusqlite::types::ValueRef::Blob(b) | rusqlite::types::ValueRef::Text(b) => b.to_vec(),
        _ => Vec::new(),
    })
}

fn load_tuple(
    conn: &Connection,
    checkpoint: CheckpointRow,
    versions: &Map<String, Value>,
) -> Result<TupleRow> {
    let mut blobs = Vec::with_capacity(versions.len());
    for (channel, version) in versions {
        let key = version_key(version, channel)?;
        if let Some(blob) = select_blob(
            conn,
            &checkpoint.thread_id,
            &checkpoint.checkpoint_ns,
            channel,
            &key,
        )? {
            blobs.push(blob);
        }
    }
    let writes = select_writes(
        conn,
        &checkpoint.thread_id,
        &checkpoint.checkpoint_ns,
        &checkpoint.checkpoint_id,
    )?;
    Ok(TupleRow {
        checkpoint,
        blobs,
        writes,
    })
}

/// The value of one channel version; `None` when absent or stored as empty. Deltas are resolved.
fn select_blob(
    conn: &Connection,
    thread_id: &str,
    ns: &str,
    channel: &str,
    version: &str,
) -> Result<Option<BlobRow>> {
    let mut stmt = conn.prepare_cached(
        "SELECT type, value, base_version, prefix_len FROM flg_blobs
          WHERE thread_id = ?1 AND checkpoint_ns = ?2 AND channel = ?3 AND version = ?4",
    )?;
    let fetch = |stmt: &mut rusqlite::CachedStatement<'_>, version: &str| {
        stmt.query_row(params![thread_id, ns, channel, version], |row| {
            Ok((
                row.get::<_, String>(0)?,
                row.get::<_, Option<Vec<u8>>>(1)?.unwrap_or_default(),
                row.get::<_, Option<String>>(2)?,
                row.get::<_, Option<i64>>(3)?,
            ))
        })
        .optional()
    };
    let Some((blob_type, value, mut base, prefix)) = fetch(&mut stmt, version)? else {
        return Ok(None);
    };
    if blob_type == "empty" {
        return Ok(None);
    }
    if blob_type != DELTA_TYPE {
        let snapshot_bytes = value.len() as u64;
        return Ok(Some(BlobRow {
            channel: channel.to_owned(),
            version: version.to_owned(),
            blob_type,
            value,
            delta_depth: 0,
            snapshot_bytes,
            delta_bytes: 0,
        }));
    }
    let where_ = format!("channel {channel:?} version {version} of thread {thread_id:?}");
    let mut links = vec![DeltaLink {
        value,
        prefix_len: prefix_len(prefix, &where_)?,
    }];
    loop {
        let base_version =
            base.ok_or_else(|| Error::Schema(format!("delta without base: {where_}")))?;
        let (base_type, base_value, next_base, next_prefix) = fetch(&mut stmt, &base_version)?
            .ok_or_else(|| {
                Error::Schema(format!("missing base version {base_version} of {where_}"))
            })?;
        if base_type == DELTA_TYPE {
            links.push(DeltaLink {
                value: base_value,
                prefix_len: prefix_len(next_prefix, &where_)?,
            });
            base = next_base;
            continue;
        }
        let value = delta::splice(&base_value, &links, &where_)?;
        return Ok(Some(BlobRow {
            channel: channel.to_owned(),
            version: version.to_owned(),
            blob_type: base_type,
            value,
            delta_depth: u32::try_from(links.len()).unwrap_or(u32::MAX),
            snapshot_bytes: base_value.len() as u64,
            delta_bytes: links.iter().map(|l| l.value.len() as u64).sum(),
        }));
    }
}

fn prefix_len(prefix: Option<i64>, where_: &str) -> Result<usize> {
    prefix
        .and_then(|p| usize::try_from(p).ok())
        .ok_or_else(|| Error::Schema(format!("delta without a valid prefix length: {where_}")))
}

fn select_writes(
    conn: &Connection,
    thread_id: &str,
    ns: &str,
    checkpoint_id: &str,
) -> Result<Vec<WriteRow>> {
    // SQLite's BINARY collation compares UTF-8 bytes, i.e. code points: LangGraph's writesSortKey order.
    let mut stmt = conn.prepare_cached(
        "SELECT task_id, task_path, idx, channel, type, value FROM flg_writes
          WHERE thread_id = ?1 AND checkpoint_ns = ?2 AND checkpoint_id = ?3
          ORDER BY task_path, task_id, idx",
    )?;
    let rows = stmt.query_map(params![thread_id, ns, checkpoint_id], |row| {
        Ok(WriteRow {
            task_id: row.get(0)?,
            task_path: row.get(1)?,
            idx: row.get(2)?,
            channel: row.get(3)?,
            write_type: row.get(4)?,
            value: row.get::<_, Option<Vec<u8>>>(5)?.unwrap_or_default(),
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
}

pub(crate) fn parse_versions(text: &str, checkpoint_id: &str) -> Result<Map<String, Value>> {
    match serde_json::from_str(text)
        .map_err(|e| Error::json(format!("channel_versions of checkpoint {checkpoint_id}"), e))?
    {
        Value::Object(map) => Ok(map),
        other => Err(Error::InvalidArgument(format!(
            "channel_versions of checkpoint {checkpoint_id} must be an object, got {other}"
        ))),
    }
}

/// Storage key of a channel version: strings as they are, numbers as JavaScript prints them.
pub(crate) fn version_key(version: &Value, channel: &str) -> Result<String> {
    match version {
        Value::String(s) => Ok(s.clone()),
        Value::Number(n) => Ok(n.to_string()),
        other => Err(Error::InvalidArgument(format!(
            "version of channel {channel:?} must be a number or a string, got {other}"
        ))),
    }
}
