//! Import of a database written by LangGraph's official `SqliteSaver` (`checkpoints` and
//! `writes` tables, full state inline in every checkpoint), so that swapping the import keeps
//! every thread. The file is first copied with `VACUUM INTO`; the official tables are left as
//! they were.
//!
//! Versions: the official saver counts channel versions with integers, which repeat between
//! forks of a thread, while we store a value once per version. The first value seen under an
//! integer keeps it; a different value under the same integer (a fork) gets `n + k/1000`, in
//! `channel_versions` and in the `versions_seen` entries that pointed at it.

use std::collections::hash_map::DefaultHasher;
use std::collections::HashMap;
use std::hash::{Hash, Hasher};
use std::path::{Path, PathBuf};

use rusqlite::{params, Connection, OptionalExtension};
use serde_json::{Map, Value};

use crate::{Error, Result};

const SOURCE: &str = "@langchain/langgraph-checkpoint-sqlite";

/// What an import did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportReport {
    pub checkpoints: i64,
    pub writes: i64,
    pub backup_path: Option<PathBuf>,
}

fn has_official_tables(conn: &Connection) -> Result<bool> {
    let columns = |table: &str| -> Result<Vec<String>> {
        let mut stmt = conn.prepare("SELECT name FROM pragma_table_info(?1)")?;
        let names = stmt.query_map([table], |row| row.get::<_, String>(0))?;
        Ok(names.collect::<rusqlite::Result<Vec<_>>>()?)
    };
    let checkpoints = columns("checkpoints")?;
    let writes = columns("writes")?;
    Ok([
        "thread_id",
        "checkpoint_ns",
        "checkpoint_id",
        "parent_checkpoint_id",
        "type",
        "checkpoint",
        "metadata",
    ]
    .iter()
    .all(|c| checkpoints.iter().any(|n| n == c))
        && [
            "thread_id",
            "checkpoint_ns",
            "checkpoint_id",
            "task_id",
            "idx",
            "channel",
            "type",
            "value",
        ]
        .iter()
        .all(|c| writes.iter().any(|n| n == c)))
}

/// Imports the official tables once; later opens see the `flg_imports` row and skip.
pub fn import_if_present(
    conn: &mut Connection,
    file: Option<&Path>,
) -> Result<Option<ImportReport>> {
    if !has_official_tables(conn)? {
        return Ok(None);
    }
    let done: Option<i64> = conn
        .query_row(
            "SELECT 1 FROM flg_imports WHERE source = ?1",
            [SOURCE],
            |row| row.get(0),
        )
        .optional()?;
    if done.is_some() {
        return Ok(None);
    }
    let backup_path = match file {
        Some(path) => Some(backup(conn, path)?),
        None => None,
    };
    let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
    let mut renamer = VersionRenamer::default();
    let mut checkpoints = 0_i64;
    {
        let mut select = tx.prepare(
            "SELECT thread_id, checkpoint_ns, checkpoint_id, parent_checkpoint_id, type, checkpoint, metadata
               FROM checkpoints ORDER BY thread_id, checkpoint_ns, checkpoint_id",
        )?;
        let mut insert_checkpoint = tx.prepare(
            "INSERT OR IGNORE INTO flg_checkpoints (thread_id, checkpoint_ns, checkpoint_id, parent_checkpoint_id, type, checkpoint, metadata, channel_versions)
             VALUES (?1, ?2, ?3, ?4, 'json', ?5, ?6, ?7)",
        )?;
        let mut insert_blob = tx.prepare(
            "INSERT OR IGNORE INTO flg_blobs (thread_id, checkpoint_ns, channel, version, type, value) VALUES (?1, ?2, ?3, ?4, 'json', ?5)",
        )?;
        let mut rows = select.query([])?;
        while let Some(row) = rows.next()? {
            let thread_id: String = row.get(0)?;
            let ns: String = row.get(1)?;
            let checkpoint_id: String = row.get(2)?;
            let parent: Option<String> = row.get(3)?;
            let kind: Option<String> = row.get(4)?;
            let where_ = format!("official checkpoint {checkpoint_id} of thread {thread_id:?}");
            if kind.as_deref().is_some_and(|k| k != "json") {
                return Err(Error::Schema(format!(
                    "{where_} has serializer type {kind:?}; only json can be imported"
                )));
            }
            let body: Vec<u8> = blob_or_text(row, 5)?;
            let metadata: Vec<u8> = blob_or_text(row, 6)?;
            let mut checkpoint: Map<String, Value> =
                match serde_json::from_slice(&body).map_err(|e| Error::json(where_.clone(), e))? {
                    Value::Object(map) => map,
                    _ => return Err(Error::Schema(format!("{where_} is not a JSON object"))),
                };
            let values = match checkpoint.insert("channel_values".into(), Value::Object(Map::new()))
            {
                Some(Value::Object(values)) => values,
                _ => Map::new(),
            };
            let old_versions = match checkpoint.get("channel_versions") {
                Some(Value::Object(v)) => v.clone(),
                _ => Map::new(),
            };
            let mut new_versions = Map::new();
            for (channel, version) in &old_versions {
                let serialized = values
                    .get(channel)
                    .map(serde_json::to_vec)
                    .transpose()
                    .map_err(|e| Error::json(where_.clone(), e))?;
                let renamed =
                    renamer.rename(&thread_id, &ns, channel, version, serialized.as_deref());
                if let Some(bytes) = serialized {
                    let key = super::store::version_key(&renamed, channel)?;
                    insert_blob.execute(params![thread_id, ns, channel, key, bytes])?;
                }
                new_versions.insert(channel.clone(), renamed);
            }
            if let Some(Value::Object(seen)) = checkpoint.get_mut("versions_seen") {
                for per_node in seen.values_mut() {
                    if let Value::Object(per_channel) = per_node {
                        for (channel, version) in per_channel.iter_mut() {
                            if old_versions.get(channel) == Some(&*version) {
                                if let Some(current) = new_versions.get(channel) {
                                    *version = current.clone();
                                }
                            }
                        }
                    }
                }
            }
            let versions_text = Value::Object(new_versions.clone()).to_string();
            checkpoint.insert("channel_versions".into(), Value::Object(new_versions));
            let body = Value::Object(checkpoint).to_string().into_bytes();
            insert_checkpoint.execute(params![
                thread_id,
                ns,
                checkpoint_id,
                parent,
                body,
                metadata,
                versions_text
            ])?;
            checkpoints += 1;
        }
    }
    let writes = tx.execute(
        "INSERT OR IGNORE INTO flg_writes (thread_id, checkpoint_ns, checkpoint_id, task_id, task_path, idx, channel, type, value)
         SELECT thread_id, checkpoint_ns, checkpoint_id, task_id, '', idx, channel, COALESCE(type, 'json'), value FROM writes",
        [],
    )?;
    let writes = i64::try_from(writes).unwrap_or(i64::MAX);
    tx.execute(
        "INSERT INTO flg_imports (source, backup_path, checkpoints, writes) VALUES (?1, ?2, ?3, ?4)",
        params![SOURCE, backup_path.as_ref().map(|p| p.to_string_lossy().into_owned()), checkpoints, writes],
    )?;
    tx.commit()?;
    Ok(Some(ImportReport {
        checkpoints,
        writes,
        backup_path,
    }))
}

/// The official saver stores `checkpoint`/`metadata` as BLOB or TEXT depending on the driver.
fn blob_or_text(row: &rusqlite::Row<'_>, idx: usize) -> Result<Vec<u8>> {
    Ok(match row.get_ref(idx)? {
        rusqlite::types::ValueRef::Blob(b) | rusqlite::types::ValueRef::Text(b) => b.to_vec(),
        rusqlite::types::ValueRef::Null => b"{}".to_vec(),
        other => {
            return Err(Error::Schema(format!(
                "unexpected column type {:?}",
                other.data_type()
            )))
        }
    })
}

fn backup(conn: &Connection, path: &Path) -> Result<PathBuf> {
    let mut target = PathBuf::from(format!("{}.official-backup", path.display()));
    let mut n = 1;
    while target.exists() {
        target = PathBuf::from(format!("{}.official-backup.{n}", path.display()));
        n += 1;
    }
    conn.execute("VACUUM INTO ?1", [target.to_string_lossy()])?;
    Ok(target)
}

/// (thread, namespace, channel, integer version as text).
type VersionSlot = (String, String, String, String);

/// Gives each (channel, integer version, value) of a thread one version: the first value seen
/// under an integer keeps it, a different value under the same integer (a fork) gets `n + k/1000`.
#[derive(Default)]
struct VersionRenamer {
    /// Per (thread, ns, channel, integer version): the fingerprints of the values seen under it,
    /// in order, with the version each was given; the position is the fork number.
    seen: HashMap<VersionSlot, Vec<(u64, Value)>>,
}

impl VersionRenamer {
    fn rename(
        &mut self,
        thread: &str,
        ns: &str,
        channel: &str,
        version: &Value,
        value: Option<&[u8]>,
    ) -> Value {
        let Some(number) = version.as_f64() else {
            return version.clone();
        };
        let mut hasher = DefaultHasher::new();
        value.hash(&mut hasher);
        let fingerprint = hasher.finish();
        let forks = self
            .seen
            .entry((
                thread.to_owned(),
                ns.to_owned(),
                channel.to_owned(),
                version.to_string(),
            ))
            .or_default();
        if let Some((_, assigned)) = forks.iter().find(|(seen, _)| *seen == fingerprint) {
            return assigned.clone();
        }
        let renamed = if forks.is_empty() {
            version.clone()
        } else {
            #[allow(clippy::cast_precision_loss)] // a handful of forks per version
            let fork = forks.len() as f64;
            serde_json::Number::from_f64(number + fork / 1000.0)
                .map_or_else(|| version.clone(), Value::Number)
        };
        forks.push((fingerprint, renamed.clone()));
        renamed
    }
}
