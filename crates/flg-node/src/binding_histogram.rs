//! `NativeHistogram`: the JS face of `flg_core::histogram::Histogram`.
//!
//! Synchronous on purpose: a record is nanoseconds of work, far less than scheduling a libuv task.
//! Callers batch with `recordMany(Float64Array)` (borrowed, not copied) so a profile crosses the
//! boundary once per series, not once per event.

use flg_core::histogram::{Histogram, HistogramOptions};
use napi::{Error, Status};
use napi_derive::napi;

use crate::binding_errors::guarded;

/// Options of `new NativeHistogram(options)`.
#[napi(object)]
#[derive(Default)]
pub struct BindingHistogramOptions {
    /// Significant decimal digits kept for every value, 1..=5. @default 3
    pub significant_digits: Option<u32>,
    /// Smallest distinguishable value, in the unit you record (0.001 = 1 µs when recording ms). @default 0.001
    pub resolution: Option<f64>,
    /// Largest value expected, same unit; larger values grow the histogram. @default 3600000
    pub highest: Option<f64>,
}

impl TryFrom<BindingHistogramOptions> for HistogramOptions {
    type Error = Error;
    fn try_from(options: BindingHistogramOptions) -> napi::Result<Self> {
        let defaults = HistogramOptions::default();
        let significant_digits = match options.significant_digits {
            None => defaults.significant_digits,
            Some(digits) => u8::try_from(digits).map_err(|_| {
                Error::new(
                    Status::InvalidArg,
                    format!("FLG_INVALID_ARGUMENT: histogram significantDigits must be 1..=5, got {digits}"),
                )
            })?,
        };
        Ok(HistogramOptions {
            significant_digits,
            resolution: options.resolution.unwrap_or(defaults.resolution),
            highest: options.highest.unwrap_or(defaults.highest),
        })
    }
}

/// One bar of `NativeHistogram.buckets()`: values in `[low, high)`.
#[napi(object)]
pub struct BindingHistogramBucket {
    pub low: f64,
    pub high: f64,
    pub count: f64,
}

/// An HDR latency histogram (hdrhistogram crate): fixed relative error over any range, a few KB.
#[napi]
pub struct NativeHistogram {
    inner: Histogram,
}

#[napi]
impl NativeHistogram {
    /// An empty histogram; throws FLG_INVALID_ARGUMENT on options it cannot honour.
    #[napi(constructor)]
    pub fn new(options: Option<BindingHistogramOptions>) -> napi::Result<Self> {
        let options = HistogramOptions::try_from(options.unwrap_or_default())?;
        let inner = guarded("NativeHistogram constructor", || Histogram::new(options))?;
        Ok(Self { inner })
    }

    /// Records one value; false (not recorded) for negative, NaN or infinite values.
    #[napi]
    pub fn record(&mut self, value: f64) -> bool {
        self.inner.record(value)
    }

    /// Records a batch in one call; returns how many values were recorded.
    #[napi]
    pub fn record_many(&mut self, values: &[f64]) -> u32 {
        u32::try_from(self.inner.record_many(values)).unwrap_or(u32::MAX)
    }

    /// The value below which `q` percent of the values fall (q in 0..=100); NaN when empty.
    #[napi]
    pub fn percentile(&self, q: f64) -> f64 {
        self.inner.percentile(q)
    }

    /// Several percentiles at once, e.g. `[50, 95, 99]`.
    #[napi]
    pub fn percentiles(&self, qs: &[f64]) -> Vec<f64> {
        qs.iter().map(|&q| self.inner.percentile(q)).collect()
    }

    /// How many values were recorded.
    #[napi(getter)]
    pub fn count(&self) -> f64 {
        self.inner.count() as f64
    }

    /// How many values were refused (negative, NaN, infinite).
    #[napi(getter)]
    pub fn rejected(&self) -> f64 {
        self.inner.rejected() as f64
    }

    /// Smallest recorded value; NaN when empty.
    #[napi(getter)]
    pub fn min(&self) -> f64 {
        self.inner.min()
    }

    /// Largest recorded value; NaN when empty.
    #[napi(getter)]
    pub fn max(&self) -> f64 {
        self.inner.max()
    }

    /// Mean of the recorded values; NaN when empty.
    #[napi(getter)]
    pub fn mean(&self) -> f64 {
        self.inner.mean()
    }

    /// Standard deviation of the recorded values; NaN when empty.
    #[napi(getter)]
    pub fn stdev(&self) -> f64 {
        self.inner.stdev()
    }

    /// Forgets every recorded value.
    #[napi]
    pub fn reset(&mut self) {
        self.inner.reset();
    }

    /// Adds the values of another histogram of the same resolution.
    #[napi]
    pub fn merge(&mut self, other: &NativeHistogram) -> napi::Result<()> {
        guarded("NativeHistogram.merge", || self.inner.merge(&other.inner))
    }

    /// Log-spaced bars from min to max for a chart (at most `maxBuckets`, @default 30).
    #[napi]
    pub fn buckets(&self, max_buckets: Option<u32>) -> Vec<BindingHistogramBucket> {
        self.inner
            .buckets(max_buckets.unwrap_or(30) as usize)
            .into_iter()
            .map(|b| BindingHistogramBucket {
                low: b.low,
                high: b.high,
                count: b.count as f64,
            })
            .collect()
    }
}
