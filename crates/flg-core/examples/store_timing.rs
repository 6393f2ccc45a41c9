//! Rough timing of the store without Node: `cargo run --release -p flg-core --example store_timing`.

use std::time::Instant;

use flg_core::checkpoint::{ChannelBlob, CheckpointStore, ListQuery, PutCheckpoint, StoreOptions};

fn main() {
    let dir = std::env::temp_dir().join(format!("flg-store-timing-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("timing.sqlite");
    let store = CheckpointStore::open(path.to_str().unwrap(), StoreOptions::default()).unwrap();
    let n: u32 = std::env::var("N")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(2000);
    let value = format!(
        r#"{{"lc":1,"type":"constructor","id":["langchain_core","messages","AIMessage"],"kwargs":{{"content":"{}"}}}}"#,
        "x".repeat(200)
    );
    let started = Instant::now();
    for i in 0..n {
        store
            .put(PutCheckpoint {
                thread_id: "t".into(),
                checkpoint_ns: String::new(),
                checkpoint_id: format!("{i:08}"),
                parent_checkpoint_id: None,
                checkpoint_type: "json".into(),
                checkpoint:
                    br#"{"v":4,"id":"x","ts":"2026","channel_values":{},"versions_seen":{}}"#
                        .to_vec(),
                metadata: br#"{"source":"loop","step":1,"parents":{}}"#.to_vec(),
                channel_versions: format!(r#"{{"step":{},"last":{}}}"#, i + 1, i + 1),
                blobs: ["step", "last"]
                    .iter()
                    .map(|c| ChannelBlob {
                        channel: (*c).into(),
                        blob_type: "json".into(),
                        value: value.as_bytes().to_vec(),
                        base_version: None,
                        prefix_len: None,
                    })
                    .collect(),
            })
            .unwrap();
    }
    println!(
        "put: {:.1} µs",
        started.elapsed().as_secs_f64() * 1e6 / f64::from(n)
    );
    let started = Instant::now();
    for _ in 0..n {
        store.get_tuple("t", "", None).unwrap().unwrap();
    }
    println!(
        "get_tuple latest: {:.1} µs",
        started.elapsed().as_secs_f64() * 1e6 / f64::from(n)
    );
    let query = ListQuery {
        thread_id: Some("t".into()),
        limit: Some(10),
        ..Default::default()
    };
    let started = Instant::now();
    for _ in 0..n {
        assert_eq!(store.list(&query).unwrap().tuples.len(), 10);
    }
    println!(
        "list 10: {:.1} µs",
        started.elapsed().as_secs_f64() * 1e6 / f64::from(n)
    );
    drop(store);
    std::fs::remove_dir_all(dir).unwrap();
}
