//! Behaviour of the checkpoint store against a real SQLite file.

use std::sync::Arc;

use flg_core::checkpoint::{
    ChannelBlob, CheckpointStore, ListQuery, PutCheckpoint, PutWrites, StoreOptions, WriteItem,
};
use rusqlite::Connection;

fn checkpoint(
    thread: &str,
    id: &str,
    parent: Option<&str>,
    versions: &str,
    blobs: Vec<ChannelBlob>,
) -> PutCheckpoint {
    PutCheckpoint {
        thread_id: thread.into(),
        checkpoint_ns: String::new(),
        checkpoint_id: id.into(),
        parent_checkpoint_id: parent.map(Into::into),
        checkpoint_type: "json".into(),
        checkpoint: format!(r#"{{"id":"{id}"}}"#).into_bytes(),
        metadata: format!(
            r#"{{"step":{},"source":"loop","owner":{{"name":"a"}}}}"#,
            id.len()
        )
        .into_bytes(),
        channel_versions: versions.into(),
        blobs,
    }
}

fn blob(channel: &str, value: &str) -> ChannelBlob {
    ChannelBlob {
        channel: channel.into(),
        blob_type: "json".into(),
        value: value.as_bytes().to_vec(),
        base_version: None,
        prefix_len: None,
    }
}

fn write(idx: i64, channel: &str, value: &str) -> WriteItem {
    WriteItem {
        idx,
        channel: channel.into(),
        write_type: "json".into(),
        value: value.as_bytes().to_vec(),
    }
}

fn temp_store() -> (tempfile::TempDir, CheckpointStore) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("store.sqlite");
    let store = CheckpointStore::open(path.to_str().unwrap(), StoreOptions::default()).unwrap();
    (dir, store)
}

#[test]
fn unchanged_channels_are_read_from_earlier_versions() {
    let (_dir, store) = temp_store();
    store
        .put(checkpoint(
            "t",
            "1",
            None,
            r#"{"a":"1","b":"1"}"#,
            vec![blob("a", "[1]"), blob("b", r#""x""#)],
        ))
        .unwrap();
    store
        .put(checkpoint(
            "t",
            "2",
            Some("1"),
            r#"{"a":"2","b":"1"}"#,
            vec![blob("a", "[1,2]")],
        ))
        .unwrap();
    let latest = store.get_tuple("t", "", None).unwrap().unwrap();
    assert_eq!(latest.checkpoint.checkpoint_id, "2");
    assert_eq!(latest.checkpoint.parent_checkpoint_id.as_deref(), Some("1"));
    let mut values: Vec<(String, String)> = latest
        .blobs
        .iter()
        .map(|b| {
            (
                b.channel.clone(),
                String::from_utf8(b.value.clone()).unwrap(),
            )
        })
        .collect();
    values.sort();
    assert_eq!(
        values,
        vec![("a".into(), "[1,2]".into()), ("b".into(), r#""x""#.into())]
    );
    let first = store.get_tuple("t", "", Some("1")).unwrap().unwrap();
    assert!(first
        .blobs
        .iter()
        .any(|b| b.channel == "a" && b.value == b"[1]"));
    assert!(store.get_tuple("t", "", Some("9")).unwrap().is_none());
    assert!(store.get_tuple("other", "", None).unwrap().is_none());
}

#[test]
fn list_filters_on_any_metadata_key_and_pages() {
    let (_dir, store) = temp_store();
    for i in 0..10 {
        let mut c = checkpoint("t", &format!("{i:02}"), None, "{}", vec![]);
        c.metadata = format!(
            r#"{{"step":{i},"even":{},"weird key'\"":{}}}"#,
            i % 2 == 0,
            i % 3
        )
        .into_bytes();
        store.put(c).unwrap();
    }
    let ids = |q: &ListQuery| -> Vec<String> {
        store
            .list(q)
            .unwrap()
            .tuples
            .into_iter()
            .map(|t| t.checkpoint.checkpoint_id)
            .collect()
    };
    let all = ListQuery {
        thread_id: Some("t".into()),
        ..Default::default()
    };
    assert_eq!(
        ids(&all),
        (0..10).rev().map(|i| format!("{i:02}")).collect::<Vec<_>>()
    );
    let even = ListQuery {
        filter: Some(r#"{"even":true}"#.into()),
        limit: Some(2),
        ..all.clone()
    };
    assert_eq!(ids(&even), vec!["08", "06"]);
    let weird = ListQuery {
        filter: Some(r#"{"weird key'\"":0}"#.into()),
        ..all.clone()
    };
    assert_eq!(ids(&weird), vec!["09", "06", "03", "00"]);
    let before = ListQuery {
        before: Some("05".into()),
        limit: Some(3),
        ..all.clone()
    };
    assert_eq!(ids(&before), vec!["04", "03", "02"]);
    let page = store.list(&ListQuery { limit: None, ..all }).unwrap();
    assert_eq!(page.next, None);
}

#[test]
fn pages_resume_after_the_last_row_even_when_writes_interleave() {
    let (_dir, store) = temp_store();
    for i in 0..600 {
        store
            .put(checkpoint("t", &format!("{i:04}"), None, "{}", vec![]))
            .unwrap();
    }
    let mut seen = Vec::new();
    let mut query = ListQuery {
        thread_id: Some("t".into()),
        ..Default::default()
    };
    loop {
        let page = store.list(&query).unwrap();
        seen.extend(
            page.tuples
                .iter()
                .map(|t| t.checkpoint.checkpoint_id.clone()),
        );
        // Newer checkpoints written mid-listing must not shift the listing.
        store
            .put(checkpoint(
                "t",
                &format!("9{:03}", seen.len()),
                None,
                "{}",
                vec![],
            ))
            .unwrap();
        match page.next {
            Some(next) => query.after = Some(next),
            None => break,
        }
    }
    let expected: Vec<String> = (0..600).rev().map(|i| format!("{i:04}")).collect();
    assert_eq!(seen, expected);
}

#[test]
fn listing_a_thread_never_sorts_it() {
    let (dir, store) = temp_store();
    store.put(checkpoint("t", "1", None, "{}", vec![])).unwrap();
    let conn = Connection::open(dir.path().join("store.sqlite")).unwrap();
    for sql in [
        "SELECT * FROM flg_checkpoints WHERE thread_id = 't' ORDER BY checkpoint_id DESC, checkpoint_ns DESC",
        "SELECT * FROM flg_checkpoints WHERE thread_id = 't' AND (checkpoint_id, checkpoint_ns) < ('x', '') ORDER BY checkpoint_id DESC, checkpoint_ns DESC",
        "SELECT * FROM flg_checkpoints WHERE thread_id = 't' AND checkpoint_ns = '' AND checkpoint_id < 'x' ORDER BY checkpoint_id DESC",
    ] {
        let plan: Vec<String> = conn
            .prepare(&format!("EXPLAIN QUERY PLAN {sql}"))
            .unwrap()
            .query_map([], |r| r.get::<_, String>(3))
            .unwrap()
            .map(Result::unwrap)
            .collect();
        assert!(!plan.iter().any(|step| step.contains("TEMP B-TREE")), "{sql}: {plan:?}");
    }
}

#[test]
fn writes_follow_langgraph_insert_rules_and_order() {
    let (_dir, store) = temp_store();
    store.put(checkpoint("t", "1", None, "{}", vec![])).unwrap();
    let put = |task: &str, path: &str, replace: bool, writes: Vec<WriteItem>| {
        store
            .put_writes(PutWrites {
                thread_id: "t".into(),
                checkpoint_ns: String::new(),
                checkpoint_id: "1".into(),
                task_id: task.into(),
                task_path: path.into(),
                replace,
                writes,
            })
            .unwrap();
    };
    put(
        "b",
        "~1",
        false,
        vec![write(0, "x", "1"), write(1, "y", "2")],
    );
    put("b", "~1", false, vec![write(0, "x", "changed")]);
    put("a", "~2", false, vec![write(0, "x", "3")]);
    put("z", "", false, vec![write(0, "x", "4")]);
    put("b", "~1", true, vec![write(-1, "__error__", r#""e1""#)]);
    put("b", "~1", true, vec![write(-1, "__error__", r#""e2""#)]);
    let tuple = store.get_tuple("t", "", Some("1")).unwrap().unwrap();
    let seen: Vec<(String, i64, String)> = tuple
        .writes
        .iter()
        .map(|w| {
            (
                w.task_id.clone(),
                w.idx,
                String::from_utf8(w.value.clone()).unwrap(),
            )
        })
        .collect();
    assert_eq!(
        seen,
        vec![
            ("z".into(), 0, "4".into()),
            ("b".into(), -1, r#""e2""#.into()),
            ("b".into(), 0, "1".into()),
            ("b".into(), 1, "2".into()),
            ("a".into(), 0, "3".into()),
        ]
    );
}

#[test]
fn list_deltas_splice_back_into_full_values() {
    let (_dir, store) = temp_store();
    store
        .put(checkpoint(
            "t",
            "1",
            None,
            r#"{"m":"v1"}"#,
            vec![blob("m", r#"[{"id":1},{"id":2}]"#)],
        ))
        .unwrap();
    let delta = |version_base: &str, prefix: i64, items: &str| ChannelBlob {
        channel: "m".into(),
        blob_type: "flg_list_delta".into(),
        value: items.as_bytes().to_vec(),
        base_version: Some(version_base.into()),
        prefix_len: Some(prefix),
    };
    store
        .put(checkpoint(
            "t",
            "2",
            Some("1"),
            r#"{"m":"v2"}"#,
            vec![delta("v1", 2, r#"[{"id":3}]"#)],
        ))
        .unwrap();
    store
        .put(checkpoint(
            "t",
            "3",
            Some("2"),
            r#"{"m":"v3"}"#,
            vec![delta("v2", 3, r#"[{"id":4},"x"]"#)],
        ))
        .unwrap();
    let value = |id: &str| {
        String::from_utf8(
            store.get_tuple("t", "", Some(id)).unwrap().unwrap().blobs[0]
                .value
                .clone(),
        )
        .unwrap()
    };
    assert_eq!(value("3"), r#"[{"id":1},{"id":2},{"id":3},{"id":4},"x"]"#);
    assert_eq!(value("2"), r#"[{"id":1},{"id":2},{"id":3}]"#);
    let missing = store.put(checkpoint(
        "t",
        "4",
        Some("3"),
        r#"{"m":"v4"}"#,
        vec![delta("nope", 1, "[]")],
    ));
    assert!(matches!(
        missing,
        Err(flg_core::Error::DeltaBaseMissing { .. })
    ));
    assert!(
        store.get_tuple("t", "", Some("4")).unwrap().is_none(),
        "a failed put leaves nothing behind"
    );
}

#[test]
fn delta_channel_history_walks_ancestors_to_the_seed() {
    let (_dir, store) = temp_store();
    store
        .put(checkpoint(
            "t",
            "1",
            None,
            r#"{"c":"1"}"#,
            vec![blob("c", r#""seed""#)],
        ))
        .unwrap();
    store
        .put(checkpoint("t", "2", Some("1"), r#"{"c":"1"}"#, vec![]))
        .unwrap();
    store
        .put(checkpoint("t", "3", Some("2"), r#"{}"#, vec![]))
        .unwrap();
    for (id, value) in [("2", "w2"), ("3", "w3")] {
        store
            .put_writes(PutWrites {
                thread_id: "t".into(),
                checkpoint_ns: String::new(),
                checkpoint_id: id.into(),
                task_id: "task".into(),
                task_path: String::new(),
                replace: false,
                writes: vec![write(0, "c", value), write(1, "other", "x")],
            })
            .unwrap();
    }
    let history = store
        .delta_channel_history("t", "", Some("3"), &["c".into(), "none".into()])
        .unwrap();
    let c = &history[0];
    assert_eq!(
        c.writes.iter().map(|w| w.value.clone()).collect::<Vec<_>>(),
        vec![b"w2".to_vec()]
    );
    assert_eq!(c.seed.as_ref().unwrap().value, br#""seed""#);
    assert!(history[1].writes.is_empty() && history[1].seed.is_none());
}

#[test]
fn delete_thread_removes_everything_of_that_thread_only() {
    let (_dir, store) = temp_store();
    for thread in ["a", "b"] {
        store
            .put(checkpoint(
                thread,
                "1",
                None,
                r#"{"c":"1"}"#,
                vec![blob("c", "1")],
            ))
            .unwrap();
    }
    store.delete_thread("a").unwrap();
    assert!(store.get_tuple("a", "", None).unwrap().is_none());
    assert_eq!(
        store.get_tuple("b", "", None).unwrap().unwrap().blobs.len(),
        1
    );
    let fresh = CheckpointStore::open(":memory:", StoreOptions::default()).unwrap();
    fresh.delete_thread("never-written").unwrap();
}

#[test]
fn concurrent_puts_are_group_committed_and_all_land() {
    let (_dir, store) = temp_store();
    let store = Arc::new(store);
    let handles: Vec<_> = (0..8)
        .map(|t| {
            let store = Arc::clone(&store);
            std::thread::spawn(move || {
                for i in 0..50 {
                    store
                        .put(checkpoint(
                            &format!("t{t}"),
                            &format!("{i:03}"),
                            None,
                            r#"{"c":"1"}"#,
                            vec![blob("c", "1")],
                        ))
                        .unwrap();
                }
            })
        })
        .collect();
    for h in handles {
        h.join().unwrap();
    }
    for t in 0..8 {
        let page = store
            .list(&ListQuery {
                thread_id: Some(format!("t{t}")),
                ..Default::default()
            })
            .unwrap();
        assert_eq!(page.tuples.len(), 50);
    }
}

#[test]
fn a_failing_put_in_a_batch_does_not_take_others_down() {
    let (_dir, store) = temp_store();
    let bad = checkpoint("t", "1", None, "not json", vec![]);
    assert!(matches!(store.put(bad), Err(flg_core::Error::Json { .. })));
    store.put(checkpoint("t", "2", None, "{}", vec![])).unwrap();
    assert_eq!(store.list(&ListQuery::default()).unwrap().tuples.len(), 1);
}

#[test]
fn reopening_keeps_data_and_does_not_rerun_migrations() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("re.sqlite");
    {
        let store = CheckpointStore::open(path.to_str().unwrap(), StoreOptions::default()).unwrap();
        store
            .put(checkpoint(
                "t",
                "1",
                None,
                r#"{"c":"1"}"#,
                vec![blob("c", "42")],
            ))
            .unwrap();
    }
    let store = CheckpointStore::open(path.to_str().unwrap(), StoreOptions::default()).unwrap();
    assert_eq!(
        store.get_tuple("t", "", None).unwrap().unwrap().blobs[0].value,
        b"42"
    );
    let conn = Connection::open(&path).unwrap();
    let n: i64 = conn
        .query_row("SELECT COUNT(*) FROM flg_migrations", [], |r| r.get(0))
        .unwrap();
    assert_eq!(n, 1);
}
