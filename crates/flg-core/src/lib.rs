//! Pure-Rust core of `@flg`: everything that does not need a JavaScript engine.
//!
//! The napi bindings in `crates/flg-node` only convert arguments and call into this crate, so
//! `cargo test` covers the logic without Node.
//!
//! ```
//! use flg_core::checkpoint::{CheckpointStore, PutCheckpoint, StoreOptions};
//!
//! let store = CheckpointStore::open(":memory:", StoreOptions::default()).unwrap();
//! store.put(PutCheckpoint {
//!     thread_id: "t1".into(),
//!     checkpoint_ns: String::new(),
//!     checkpoint_id: "1".into(),
//!     parent_checkpoint_id: None,
//!     checkpoint_type: "json".into(),
//!     checkpoint: br#"{"v":4}"#.to_vec(),
//!     metadata: br#"{"step":0}"#.to_vec(),
//!     channel_versions: r#"{"messages":1}"#.into(),
//!     blobs: vec![],
//! }).unwrap();
//! let tuple = store.get_tuple("t1", "", None).unwrap().unwrap();
//! assert_eq!(tuple.checkpoint.checkpoint_id, "1");
//! ```

pub mod checkpoint;
pub mod error;
pub mod histogram;

pub use error::{Error, Result};
