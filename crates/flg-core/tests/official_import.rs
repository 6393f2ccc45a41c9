//! A file written by the official SqliteSaver is imported on open, with a backup copy.

use flg_core::checkpoint::{CheckpointStore, StoreOptions};
use rusqlite::{params, Connection};

const OFFICIAL_SCHEMA: &str = r"
CREATE TABLE checkpoints (thread_id TEXT NOT NULL, checkpoint_ns TEXT NOT NULL DEFAULT '', checkpoint_id TEXT NOT NULL,
  parent_checkpoint_id TEXT, type TEXT, checkpoint BLOB, metadata BLOB, PRIMARY KEY (thread_id, checkpoint_ns, checkpoint_id));
CREATE TABLE writes (thread_id TEXT NOT NULL, checkpoint_ns TEXT NOT NULL DEFAULT '', checkpoint_id TEXT NOT NULL,
  task_id TEXT NOT NULL, idx INTEGER NOT NULL, channel TEXT NOT NULL, type TEXT, value BLOB,
  PRIMARY KEY (thread_id, checkpoint_ns, checkpoint_id, task_id, idx));
";

#[test]
fn imports_threads_separates_forked_versions_and_keeps_a_backup() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("official.sqlite");
    {
        let conn = Connection::open(&path).unwrap();
        conn.execute_batch(OFFICIAL_SCHEMA).unwrap();
        let rows = [
            (
                "1",
                None,
                r#"{"v":4,"id":"1","channel_values":{"m":["a"]},"channel_versions":{"m":1},"versions_seen":{"n":{"m":1}}}"#,
            ),
            (
                "2",
                Some("1"),
                r#"{"v":4,"id":"2","channel_values":{"m":["a","b"]},"channel_versions":{"m":2},"versions_seen":{"n":{"m":1}}}"#,
            ),
            // A fork from 1 that reused version 2 for another value.
            (
                "3",
                Some("1"),
                r#"{"v":4,"id":"3","channel_values":{"m":["a","fork"]},"channel_versions":{"m":2},"versions_seen":{"n":{"m":2}}}"#,
            ),
        ];
        for (id, parent, body) in rows {
            conn.execute(
                "INSERT INTO checkpoints VALUES ('t', '', ?1, ?2, 'json', ?3, ?4)",
                params![
                    id,
                    parent,
                    body.as_bytes(),
                    br#"{"source":"loop","step":1}"#.as_slice()
                ],
            )
            .unwrap();
        }
        conn.execute(
            "INSERT INTO writes VALUES ('t', '', '2', 'task', 0, 'm', 'json', ?1)",
            [b"\"w\"".as_slice()],
        )
        .unwrap();
    }
    let store = CheckpointStore::open(path.to_str().unwrap(), StoreOptions::default()).unwrap();
    assert!(dir.path().join("official.sqlite.official-backup").exists());
    let value = |id: &str| {
        let tuple = store.get_tuple("t", "", Some(id)).unwrap().unwrap();
        (
            String::from_utf8(tuple.blobs[0].value.clone()).unwrap(),
            tuple,
        )
    };
    assert_eq!(value("1").0, r#"["a"]"#);
    assert_eq!(value("2").0, r#"["a","b"]"#);
    assert_eq!(value("3").0, r#"["a","fork"]"#);
    let (_, two) = value("2");
    assert_eq!(two.writes.len(), 1);
    let body: serde_json::Value = serde_json::from_slice(&two.checkpoint.checkpoint).unwrap();
    assert_eq!(body["channel_values"], serde_json::json!({}));
    assert_eq!(body["channel_versions"]["m"], serde_json::json!(2));
    let (_, three) = value("3");
    let body3: serde_json::Value = serde_json::from_slice(&three.checkpoint.checkpoint).unwrap();
    assert_eq!(
        body3["channel_versions"]["m"], body3["versions_seen"]["n"]["m"],
        "seen version follows the rename"
    );
    assert_ne!(
        body3["channel_versions"]["m"],
        body["channel_versions"]["m"]
    );
    drop(store);
    // A second open does not import again.
    let again = CheckpointStore::open(path.to_str().unwrap(), StoreOptions::default()).unwrap();
    assert_eq!(again.list(&Default::default()).unwrap().tuples.len(), 3);
}
