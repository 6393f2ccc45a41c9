//! `NativeCheckpointStore`: the JS face of `flg_core::checkpoint::CheckpointStore`.

use std::sync::{Arc, Mutex};

use flg_core::checkpoint::{
    BlobRow, ChannelBlob, CheckpointStore, DeltaChannelHistory, ListQuery, PutCheckpoint,
    PutWrites, StoreOptions, Synchronous, TupleRow, WriteItem, WriteRow,
};
use flg_core::checkpoint::{ListCursor, ListPage};
use napi::bindgen_prelude::{AsyncTask, Buffer, ToNapiValue, TypeName};
use napi::{Env, Error, Status, Task};
use napi_derive::napi;

use crate::binding_errors::guarded;

/// Options of `NativeCheckpointStore.open`.
#[napi(object)]
#[derive(Default)]
pub struct BindingStoreOptions {
    /// Milliseconds to wait for another connection's write lock. @default 5000
    pub busy_timeout_ms: Option<u32>,
    /// SQLite `synchronous` pragma: "normal" | "full" | "off". @default "normal"
    pub synchronous: Option<String>,
    /// Import tables written by the official SqliteSaver (after a backup copy). @default true
    pub import_official: Option<bool>,
    /// Read connections kept open for concurrent reads. @default 4
    pub max_readers: Option<u32>,
}

impl TryFrom<BindingStoreOptions> for StoreOptions {
    type Error = Error;
    fn try_from(options: BindingStoreOptions) -> napi::Result<Self> {
        let defaults = StoreOptions::default();
        let synchronous = match options.synchronous.as_deref() {
            None | Some("normal") => Synchronous::Normal,
            Some("full") => Synchronous::Full,
            Some("off") => Synchronous::Off,
            Some(other) => {
                return Err(Error::new(
                    Status::InvalidArg,
                    format!("FLG_INVALID_ARGUMENT: synchronous must be \"normal\", \"full\" or \"off\", got {other:?}"),
                ))
            }
        };
        Ok(StoreOptions {
            busy_timeout_ms: options.busy_timeout_ms.unwrap_or(defaults.busy_timeout_ms),
            synchronous,
            import_official: options.import_official.unwrap_or(defaults.import_official),
            max_readers: options
                .max_readers
                .map_or(defaults.max_readers, |n| n as usize),
        })
    }
}

/// A serialized channel value to store with a checkpoint.
#[napi(object)]
pub struct BindingChannelBlob {
    pub channel: String,
    /// Serializer type tag: "json", "bytes", "empty" or "flg_list_delta".
    pub blob_type: String,
    pub value: Buffer,
    /// For "flg_list_delta": the stored version this value extends.
    pub base_version: Option<String>,
    /// For "flg_list_delta": how many items of the base are kept.
    pub prefix_len: Option<u32>,
}

/// A checkpoint without channel values, plus the channels that changed.
#[napi(object)]
pub struct BindingPutCheckpoint {
    pub thread_id: String,
    pub checkpoint_ns: String,
    pub checkpoint_id: String,
    pub parent_checkpoint_id: Option<String>,
    pub checkpoint_type: String,
    pub checkpoint: Buffer,
    pub metadata: Buffer,
    /// JSON text of `checkpoint.channel_versions`.
    pub channel_versions: String,
    pub blobs: Vec<BindingChannelBlob>,
}

/// One pending write.
#[napi(object)]
pub struct BindingWriteItem {
    pub idx: i32,
    pub channel: String,
    pub write_type: String,
    pub value: Buffer,
}

/// The writes of one task.
#[napi(object)]
pub struct BindingPutWrites {
    pub thread_id: String,
    pub checkpoint_ns: String,
    pub checkpoint_id: String,
    pub task_id: String,
    pub task_path: String,
    /// Replace existing rows (all writes special) instead of keeping them.
    pub replace: bool,
    pub writes: Vec<BindingWriteItem>,
}

/// A stored checkpoint row.
#[napi(object)]
pub struct BindingCheckpointRow {
    pub thread_id: String,
    pub checkpoint_ns: String,
    pub checkpoint_id: String,
    pub parent_checkpoint_id: Option<String>,
    pub checkpoint_type: String,
    pub checkpoint: Buffer,
    pub metadata: Buffer,
}

/// A stored channel value.
#[napi(object)]
pub struct BindingBlobRow {
    pub channel: String,
    /// Storage key of the version.
    pub version: String,
    pub blob_type: String,
    pub value: Buffer,
    /// List deltas spliced onto the stored full value (0 when stored whole).
    pub delta_depth: u32,
    /// Bytes of the full value the delta chain starts from.
    pub snapshot_bytes: f64,
    /// Bytes of the deltas on it.
    pub delta_bytes: f64,
}

/// A stored pending write.
#[napi(object)]
pub struct BindingWriteRow {
    pub task_id: String,
    pub task_path: String,
    pub idx: i64,
    pub channel: String,
    pub write_type: String,
    pub value: Buffer,
}

/// A checkpoint with values and pending writes.
#[napi(object)]
pub struct BindingTupleRow {
    pub checkpoint: BindingCheckpointRow,
    pub blobs: Vec<BindingBlobRow>,
    pub writes: Vec<BindingWriteRow>,
}

/// One page of `list`.
#[napi(object)]
pub struct BindingListPage {
    pub tuples: Vec<BindingTupleRow>,
    /// Pass back as `after` to continue; absent when the listing is complete.
    pub next: Option<BindingListCursor>,
}

/// Position of a row in a listing.
#[napi(object)]
pub struct BindingListCursor {
    pub checkpoint_id: String,
    pub thread_id: String,
    pub checkpoint_ns: String,
}

/// Arguments of `list`.
#[napi(object)]
pub struct BindingListQuery {
    pub thread_id: Option<String>,
    pub checkpoint_ns: Option<String>,
    pub before: Option<String>,
    /// JSON object of metadata keys and values that must match.
    pub filter: Option<String>,
    pub limit: Option<u32>,
    /// A previous page's `next`: continue after that row.
    pub after: Option<BindingListCursor>,
}

/// Per-channel history for LangGraph's `getDeltaChannelHistory`.
#[napi(object)]
pub struct BindingDeltaChannelHistory {
    pub channel: String,
    pub writes: Vec<BindingWriteRow>,
    pub seed: Option<BindingBlobRow>,
}

fn blob_to_js(blob: BlobRow) -> BindingBlobRow {
    BindingBlobRow {
        channel: blob.channel,
        version: blob.version,
        blob_type: blob.blob_type,
        value: blob.value.into(),
        delta_depth: blob.delta_depth,
        #[allow(clippy::cast_precision_loss)] // byte counts stay far below 2^53
        snapshot_bytes: blob.snapshot_bytes as f64,
        #[allow(clippy::cast_precision_loss)]
        delta_bytes: blob.delta_bytes as f64,
    }
}

fn write_to_js(write: WriteRow) -> BindingWriteRow {
    BindingWriteRow {
        task_id: write.task_id,
        task_path: write.task_path,
        idx: write.idx,
        channel: write.channel,
        write_type: write.write_type,
        value: write.value.into(),
    }
}

fn tuple_to_js(tuple: TupleRow) -> BindingTupleRow {
    let c = tuple.checkpoint;
    BindingTupleRow {
        checkpoint: BindingCheckpointRow {
            thread_id: c.thread_id,
            checkpoint_ns: c.checkpoint_ns,
            checkpoint_id: c.checkpoint_id,
            parent_checkpoint_id: c.parent_checkpoint_id,
            checkpoint_type: c.checkpoint_type,
            checkpoint: c.checkpoint.into(),
            metadata: c.metadata.into(),
        },
        blobs: tuple.blobs.into_iter().map(blob_to_js).collect(),
        writes: tuple.writes.into_iter().map(write_to_js).collect(),
    }
}

/// A unit of blocking store work and how its result becomes a JS value.
pub trait StoreJob: Send + 'static {
    type Output: Send + 'static;
    type Js: ToNapiValue + TypeName;
    fn run(self, store: &CheckpointStore) -> flg_core::Result<Self::Output>;
    fn into_js(output: Self::Output) -> Self::Js;
}

/// Runs one [`StoreJob`] on the libuv thread pool.
pub struct StoreTask<J: StoreJob> {
    store: Arc<CheckpointStore>,
    job: Option<J>,
}

impl<J: StoreJob> Task for StoreTask<J> {
    type Output = J::Output;
    type JsValue = J::Js;

    fn compute(&mut self) -> napi::Result<Self::Output> {
        let job = self
            .job
            .take()
            .ok_or_else(|| Error::from_reason("FLG_PANIC: task ran twice"))?;
        let store = &self.store;
        guarded("checkpoint store", || job.run(store))
    }

    fn resolve(&mut self, _env: Env, output: Self::Output) -> napi::Result<Self::JsValue> {
        Ok(J::into_js(output))
    }
}

pub struct PutJob(PutCheckpoint);
impl StoreJob for PutJob {
    type Output = ();
    type Js = ();
    fn run(self, store: &CheckpointStore) -> flg_core::Result<()> {
        store.put(self.0)
    }
    fn into_js(_: ()) {}
}

pub struct PutWritesJob(PutWrites);
impl StoreJob for PutWritesJob {
    type Output = ();
    type Js = ();
    fn run(self, store: &CheckpointStore) -> flg_core::Result<()> {
        store.put_writes(self.0)
    }
    fn into_js(_: ()) {}
}

pub struct DeleteThreadJob(String);
impl StoreJob for DeleteThreadJob {
    type Output = ();
    type Js = ();
    fn run(self, store: &CheckpointStore) -> flg_core::Result<()> {
        store.delete_thread(&self.0)
    }
    fn into_js(_: ()) {}
}

pub struct GetTupleJob {
    thread_id: String,
    checkpoint_ns: String,
    checkpoint_id: Option<String>,
}
impl StoreJob for GetTupleJob {
    type Output = Option<TupleRow>;
    type Js = Option<BindingTupleRow>;
    fn run(self, store: &CheckpointStore) -> flg_core::Result<Self::Output> {
        store.get_tuple(
            &self.thread_id,
            &self.checkpoint_ns,
            self.checkpoint_id.as_deref(),
        )
    }
    fn into_js(output: Self::Output) -> Self::Js {
        output.map(tuple_to_js)
    }
}

pub struct ListJob(ListQuery);
impl StoreJob for ListJob {
    type Output = ListPage;
    type Js = BindingListPage;
    fn run(self, store: &CheckpointStore) -> flg_core::Result<ListPage> {
        store.list(&self.0)
    }
    fn into_js(page: ListPage) -> BindingListPage {
        BindingListPage {
            tuples: page.tuples.into_iter().map(tuple_to_js).collect(),
            next: page.next.map(|c| BindingListCursor {
                checkpoint_id: c.checkpoint_id,
                thread_id: c.thread_id,
                checkpoint_ns: c.checkpoint_ns,
            }),
        }
    }
}

pub struct DeltaHistoryJob {
    thread_id: String,
    checkpoint_ns: String,
    checkpoint_id: Option<String>,
    channels: Vec<String>,
}
impl StoreJob for DeltaHistoryJob {
    type Output = Vec<DeltaChannelHistory>;
    type Js = Vec<BindingDeltaChannelHistory>;
    fn run(self, store: &CheckpointStore) -> flg_core::Result<Self::Output> {
        store.delta_channel_history(
            &self.thread_id,
            &self.checkpoint_ns,
            self.checkpoint_id.as_deref(),
            &self.channels,
        )
    }
    fn into_js(output: Self::Output) -> Self::Js {
        output
            .into_iter()
            .map(|h| BindingDeltaChannelHistory {
                channel: h.channel,
                writes: h.writes.into_iter().map(write_to_js).collect(),
                seed: h.seed.map(blob_to_js),
            })
            .collect()
    }
}

/// A LangGraph checkpoint store in one SQLite file; every method runs off the JS thread.
#[napi]
pub struct NativeCheckpointStore {
    store: Mutex<Option<Arc<CheckpointStore>>>,
}

#[napi]
impl NativeCheckpointStore {
    /// Opens (creating and migrating if needed) a database; ":memory:" for a private one.
    #[napi(factory)]
    pub fn open(path: String, options: Option<BindingStoreOptions>) -> napi::Result<Self> {
        let options = StoreOptions::try_from(options.unwrap_or_default())?;
        let store = guarded("open", || CheckpointStore::open(&path, options))?;
        Ok(Self {
            store: Mutex::new(Some(Arc::new(store))),
        })
    }

    fn task<J: StoreJob>(&self, job: J) -> napi::Result<AsyncTask<StoreTask<J>>> {
        let store = self
            .store
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .clone()
            .ok_or_else(|| {
                Error::new(
                    Status::GenericFailure,
                    "FLG_CLOSED: the checkpoint store is closed",
                )
            })?;
        Ok(AsyncTask::new(StoreTask {
            store,
            job: Some(job),
        }))
    }

    /// Stores a checkpoint and its changed channel values in one transaction.
    #[napi(ts_return_type = "Promise<void>")]
    pub fn put(&self, put: BindingPutCheckpoint) -> napi::Result<AsyncTask<StoreTask<PutJob>>> {
        self.task(PutJob(PutCheckpoint {
            thread_id: put.thread_id,
            checkpoint_ns: put.checkpoint_ns,
            checkpoint_id: put.checkpoint_id,
            parent_checkpoint_id: put.parent_checkpoint_id,
            checkpoint_type: put.checkpoint_type,
            checkpoint: put.checkpoint.to_vec(),
            metadata: put.metadata.to_vec(),
            channel_versions: put.channel_versions,
            blobs: put
                .blobs
                .into_iter()
                .map(|b| ChannelBlob {
                    channel: b.channel,
                    blob_type: b.blob_type,
                    value: b.value.to_vec(),
                    base_version: b.base_version,
                    prefix_len: b.prefix_len.map(i64::from),
                })
                .collect(),
        }))
    }

    /// Stores the pending writes of one task.
    #[napi(ts_return_type = "Promise<void>")]
    pub fn put_writes(
        &self,
        put: BindingPutWrites,
    ) -> napi::Result<AsyncTask<StoreTask<PutWritesJob>>> {
        self.task(PutWritesJob(PutWrites {
            thread_id: put.thread_id,
            checkpoint_ns: put.checkpoint_ns,
            checkpoint_id: put.checkpoint_id,
            task_id: put.task_id,
            task_path: put.task_path,
            replace: put.replace,
            writes: put
                .writes
                .into_iter()
                .map(|w| WriteItem {
                    idx: i64::from(w.idx),
                    channel: w.channel,
                    write_type: w.write_type,
                    value: w.value.to_vec(),
                })
                .collect(),
        }))
    }

    /// Deletes every checkpoint, value and write of a thread.
    #[napi(ts_return_type = "Promise<void>")]
    pub fn delete_thread(
        &self,
        thread_id: String,
    ) -> napi::Result<AsyncTask<StoreTask<DeleteThreadJob>>> {
        self.task(DeleteThreadJob(thread_id))
    }

    /// One checkpoint (the newest when `checkpointId` is null) with values and writes.
    #[napi(ts_return_type = "Promise<BindingTupleRow | null>")]
    pub fn get_tuple(
        &self,
        thread_id: String,
        checkpoint_ns: String,
        checkpoint_id: Option<String>,
    ) -> napi::Result<AsyncTask<StoreTask<GetTupleJob>>> {
        self.task(GetTupleJob {
            thread_id,
            checkpoint_ns,
            checkpoint_id,
        })
    }

    /// A page of checkpoints, newest first.
    #[napi(ts_return_type = "Promise<BindingListPage>")]
    pub fn list(&self, query: BindingListQuery) -> napi::Result<AsyncTask<StoreTask<ListJob>>> {
        self.task(ListJob(ListQuery {
            thread_id: query.thread_id,
            checkpoint_ns: query.checkpoint_ns,
            before: query.before,
            filter: query.filter,
            limit: query.limit,
            after: query.after.map(|c| ListCursor {
                checkpoint_id: c.checkpoint_id,
                thread_id: c.thread_id,
                checkpoint_ns: c.checkpoint_ns,
            }),
        }))
    }

    /// Writes and seed per channel along the ancestor chain of a checkpoint.
    #[napi(ts_return_type = "Promise<Array<BindingDeltaChannelHistory>>")]
    pub fn delta_channel_history(
        &self,
        thread_id: String,
        checkpoint_ns: String,
        checkpoint_id: Option<String>,
        channels: Vec<String>,
    ) -> napi::Result<AsyncTask<StoreTask<DeltaHistoryJob>>> {
        self.task(DeltaHistoryJob {
            thread_id,
            checkpoint_ns,
            checkpoint_id,
            channels,
        })
    }

    /// Releases the database once running tasks finish; later calls fail with FLG_CLOSED.
    #[napi]
    pub fn close(&self) -> napi::Result<()> {
        let store = self
            .store
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .take();
        match store {
            Some(store) => guarded("close", || store.checkpoint_wal()),
            None => Ok(()),
        }
    }

    /// Path of the database file, null in memory.
    #[napi(getter)]
    pub fn path(&self) -> Option<String> {
        self.store
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .as_ref()
            .and_then(|s| s.path().map(str::to_owned))
    }
}
