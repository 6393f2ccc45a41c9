//! The one error type of the crate; the napi glue maps each variant to a stable JS `code`.

/// Errors raised by flg-core.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// SQLite refused an operation (I/O, lock timeout, corrupt file, constraint).
    #[error("sqlite: {0}")]
    Sqlite(#[from] rusqlite::Error),
    /// A value that must be JSON (channel versions, metadata) was not.
    #[error("invalid JSON in {context}: {source}")]
    Json {
        context: String,
        #[source]
        source: serde_json::Error,
    },
    /// The caller passed something the store cannot accept; the message says what and where.
    #[error("invalid argument: {0}")]
    InvalidArgument(String),
    /// The database file has a layout this version cannot read or migrate.
    #[error("schema: {0}")]
    Schema(String),
    /// A list delta names a base version that is not stored (deleted meanwhile); the caller
    /// writes the full value instead.
    #[error("delta base {base_version} of channel {channel:?} is not stored")]
    DeltaBaseMissing {
        channel: String,
        base_version: String,
    },
    /// The shared transaction of a group commit failed; nothing of it was written.
    #[error("commit failed: {0}")]
    Batch(String),
    /// A filesystem operation around the database (backup copy) failed.
    #[error("io: {0}")]
    Io(#[from] std::io::Error),
}

impl Error {
    /// Stable machine-readable code, surfaced to JavaScript as `error.code`.
    pub fn code(&self) -> &'static str {
        match self {
            Error::Sqlite(rusqlite::Error::SqliteFailure(e, _))
                if matches!(
                    e.code,
                    rusqlite::ErrorCode::DatabaseBusy | rusqlite::ErrorCode::DatabaseLocked
                ) =>
            {
                "FLG_SQLITE_BUSY"
            }
            Error::Sqlite(_) | Error::Batch(_) => "FLG_SQLITE",
            Error::Json { .. } => "FLG_INVALID_JSON",
            Error::InvalidArgument(_) => "FLG_INVALID_ARGUMENT",
            Error::Schema(_) => "FLG_SCHEMA",
            Error::DeltaBaseMissing { .. } => "FLG_DELTA_BASE_MISSING",
            Error::Io(_) => "FLG_IO",
        }
    }

    pub(crate) fn json(context: impl Into<String>, source: serde_json::Error) -> Self {
        Error::Json {
            context: context.into(),
            source,
        }
    }
}

/// Result alias for flg-core.
pub type Result<T, E = Error> = std::result::Result<T, E>;
