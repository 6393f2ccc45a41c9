//! SQLite checkpoint store behind `@flg/checkpoint-sqlite`'s `SqliteSaver`.
//!
//! Layout: checkpoint rows hold no channel values; each channel value is stored once per
//! (thread, namespace, channel, version) in `flg_blobs`; pending writes live in `flg_writes`.
//! Values arrive already serialized by the JS side: this module never interprets them, except
//! to splice list deltas (see [`delta`]) and to read metadata JSON for `list` filters.

mod delta;
mod filter;
mod group_commit;
mod official;
mod schema;
mod store;
mod types;

pub use store::{CheckpointStore, StoreOptions, Synchronous};
pub use types::{
    BlobRow, ChannelBlob, CheckpointRow, DeltaChannelHistory, ListCursor, ListPage, ListQuery,
    PutCheckpoint, PutWrites, TupleRow, WriteItem, WriteRow,
};
