//! napi-rs bindings of `flg-core`, published as `@flg/core`.
//!
//! Glue only: converts arguments into core types, runs blocking work as async tasks on the libuv
//! thread pool, and maps core errors (and panics) to JS errors whose message starts with a stable
//! code, e.g. `FLG_SQLITE_BUSY: database is locked`.
//!
//! ```js
//! const { NativeCheckpointStore } = require('@flg/core')
//! const store = NativeCheckpointStore.open('graph.sqlite', {})
//! const tuple = await store.getTuple('thread-1', '', null)
//! ```

mod binding_checkpoint;
mod binding_errors;
mod binding_histogram;

pub use binding_checkpoint::*;
pub use binding_histogram::*;
