//! Mapping of core errors and panics to JS errors, in one place.

use std::panic::{catch_unwind, AssertUnwindSafe};

use napi::{Error, Status};

/// Message prefix of every error raised by the binding; the TypeScript packages parse it into
/// `FlgError.code`.
pub fn to_js_error(err: &flg_core::Error) -> Error {
    Error::new(Status::GenericFailure, format!("{}: {err}", err.code()))
}

/// Runs core work, turning a panic into a rejected promise instead of an aborted process.
pub fn guarded<T>(what: &str, work: impl FnOnce() -> flg_core::Result<T>) -> napi::Result<T> {
    match catch_unwind(AssertUnwindSafe(work)) {
        Ok(Ok(value)) => Ok(value),
        Ok(Err(err)) => Err(to_js_error(&err)),
        Err(panic) => {
            let detail = panic
                .downcast_ref::<&str>()
                .map(|s| (*s).to_owned())
                .or_else(|| panic.downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "unknown panic".to_owned());
            Err(Error::new(
                Status::GenericFailure,
                format!("FLG_PANIC: internal error in {what}: {detail}"),
            ))
        }
    }
}
