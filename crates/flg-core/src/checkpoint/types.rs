//! Plain data passed in and out of the store.

/// One channel value to store with a checkpoint, already serialized by the caller.
#[derive(Debug, Clone, PartialEq)]
pub struct ChannelBlob {
    pub channel: String,
    /// Serializer type tag (`json`, `bytes`, `empty`, or [`crate::checkpoint::delta::DELTA_TYPE`]).
    pub blob_type: String,
    pub value: Vec<u8>,
    /// For list deltas: the stored version whose first `prefix_len` items this value extends.
    pub base_version: Option<String>,
    pub prefix_len: Option<i64>,
}

/// A checkpoint to store: the checkpoint without its channel values, plus the changed channels.
#[derive(Debug, Clone, PartialEq)]
pub struct PutCheckpoint {
    pub thread_id: String,
    pub checkpoint_ns: String,
    pub checkpoint_id: String,
    pub parent_checkpoint_id: Option<String>,
    pub checkpoint_type: String,
    pub checkpoint: Vec<u8>,
    pub metadata: Vec<u8>,
    /// JSON object `{channel: version}` of the checkpoint; versions are numbers or strings.
    pub channel_versions: String,
    /// Only the channels whose version changed since the parent checkpoint.
    pub blobs: Vec<ChannelBlob>,
}

/// One pending write of a task.
#[derive(Debug, Clone, PartialEq)]
pub struct WriteItem {
    pub idx: i64,
    pub channel: String,
    pub write_type: String,
    pub value: Vec<u8>,
}

/// The writes of one task against one checkpoint.
#[derive(Debug, Clone, PartialEq)]
pub struct PutWrites {
    pub thread_id: String,
    pub checkpoint_ns: String,
    pub checkpoint_id: String,
    pub task_id: String,
    pub task_path: String,
    /// LangGraph's rule: when every write targets a special channel, rows are replaced;
    /// otherwise existing rows win (insert-if-absent).
    pub replace: bool,
    pub writes: Vec<WriteItem>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct CheckpointRow {
    pub thread_id: String,
    pub checkpoint_ns: String,
    pub checkpoint_id: String,
    pub parent_checkpoint_id: Option<String>,
    pub checkpoint_type: String,
    pub checkpoint: Vec<u8>,
    pub metadata: Vec<u8>,
}

/// A channel value as stored (deltas already resolved to full values).
#[derive(Debug, Clone, PartialEq)]
pub struct BlobRow {
    pub channel: String,
    /// Storage key of the version.
    pub version: String,
    pub blob_type: String,
    pub value: Vec<u8>,
    /// How many list deltas were spliced onto the full value (0 when stored whole).
    pub delta_depth: u32,
    /// Size of the full value the chain starts from, and of the deltas on it.
    pub snapshot_bytes: u64,
    pub delta_bytes: u64,
}

#[derive(Debug, Clone, PartialEq)]
pub struct WriteRow {
    pub task_id: String,
    pub task_path: String,
    pub idx: i64,
    pub channel: String,
    pub write_type: String,
    pub value: Vec<u8>,
}

/// A checkpoint with its channel values and pending writes in `(task_path, task_id, idx)` order.
#[derive(Debug, Clone, PartialEq)]
pub struct TupleRow {
    pub checkpoint: CheckpointRow,
    pub blobs: Vec<BlobRow>,
    pub writes: Vec<WriteRow>,
}

/// Arguments of `list`, newest first.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ListQuery {
    pub thread_id: Option<String>,
    pub checkpoint_ns: Option<String>,
    /// Only checkpoints with an id strictly lower than this one.
    pub before: Option<String>,
    /// JSON object; a checkpoint matches when each key of its metadata equals the given value.
    pub filter: Option<String>,
    /// Maximum number of tuples to return in this page.
    pub limit: Option<u32>,
    /// Resume after this row of an earlier page (its `next`).
    pub after: Option<ListCursor>,
}

/// The position of a row in a listing's order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListCursor {
    pub checkpoint_id: String,
    pub thread_id: String,
    pub checkpoint_ns: String,
}

/// One page of a listing; `next` resumes it, `None` when it is exhausted.
#[derive(Debug, Clone, PartialEq)]
pub struct ListPage {
    pub tuples: Vec<TupleRow>,
    pub next: Option<ListCursor>,
}

/// What one channel contributed along a checkpoint's ancestor chain (LangGraph `DeltaChannelHistory`).
#[derive(Debug, Clone, PartialEq)]
pub struct DeltaChannelHistory {
    pub channel: String,
    /// Oldest first; within one checkpoint in `(task_path, task_id, idx)` order.
    pub writes: Vec<WriteRow>,
    pub seed: Option<BlobRow>,
}
