//! Latency histograms for `@flg/profiler`: HDR histograms (the `hdrhistogram` crate) over `f64`
//! values in the caller's unit.
//!
//! The profiler records durations in milliseconds with microsecond resolution. HDR histograms
//! keep a fixed relative error (3 significant digits: 0.1 %) over the whole range in a few KB,
//! so p99 of a million samples costs the same memory as p99 of ten; values above the initial
//! range grow the histogram instead of being lost.
//!
//! ```
//! use flg_core::histogram::{Histogram, HistogramOptions};
//!
//! let mut h = Histogram::new(HistogramOptions::default()).unwrap();
//! h.record_many(&[1.0, 2.0, 3.0, 4.0, 100.0]);
//! assert_eq!(h.count(), 5);
//! assert!((h.percentile(50.0) - 3.0).abs() < 0.01);
//! assert!((h.max() - 100.0).abs() < 0.1);
//! ```

use hdrhistogram::Histogram as Hdr;

use crate::error::{Error, Result};

/// How a histogram maps `f64` values onto its integer buckets.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct HistogramOptions {
    /// Significant decimal digits kept for every value (1..=5).
    pub significant_digits: u8,
    /// Smallest distinguishable value, in the caller's unit (0.001 = 1 µs when recording ms).
    pub resolution: f64,
    /// Largest value expected, in the caller's unit; larger values grow the histogram.
    pub highest: f64,
}

impl Default for HistogramOptions {
    fn default() -> Self {
        Self {
            significant_digits: 3,
            resolution: 0.001,
            // One hour in milliseconds.
            highest: 3_600_000.0,
        }
    }
}

/// One bar of a histogram chart: values in `[low, high)` and how many were recorded.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Bucket {
    pub low: f64,
    pub high: f64,
    pub count: u64,
}

/// An HDR histogram of `f64` values. Values that are negative, NaN or infinite are not recorded
/// (a duration cannot be any of those); [`Histogram::rejected`] counts them.
#[derive(Debug, Clone)]
pub struct Histogram {
    hdr: Hdr<u64>,
    resolution: f64,
    rejected: u64,
}

impl Histogram {
    /// An empty histogram; fails with [`Error::InvalidArgument`] on options it cannot honour.
    pub fn new(options: HistogramOptions) -> Result<Self> {
        let HistogramOptions {
            significant_digits,
            resolution,
            highest,
        } = options;
        if !(1..=5).contains(&significant_digits) {
            return Err(Error::InvalidArgument(format!(
                "histogram significantDigits must be 1..=5, got {significant_digits}"
            )));
        }
        if !(resolution.is_finite() && resolution > 0.0) {
            return Err(Error::InvalidArgument(format!(
                "histogram resolution must be a positive finite number, got {resolution}"
            )));
        }
        if !(highest.is_finite() && highest >= 2.0 * resolution) {
            return Err(Error::InvalidArgument(format!(
                "histogram highest must be finite and at least twice the resolution ({resolution}), got {highest}"
            )));
        }
        let high_units = to_units(highest / resolution).max(2);
        let mut hdr = Hdr::<u64>::new_with_bounds(1, high_units, significant_digits)
            .map_err(|e| Error::InvalidArgument(format!("histogram bounds: {e:?}")))?;
        hdr.auto(true);
        Ok(Self {
            hdr,
            resolution,
            rejected: 0,
        })
    }

    /// Records one value; returns false (and counts it as rejected) for negative, NaN or
    /// infinite values.
    pub fn record(&mut self, value: f64) -> bool {
        if !(value.is_finite() && value >= 0.0) {
            self.rejected += 1;
            return false;
        }
        let units = to_units(value / self.resolution);
        // With auto-resize on, `record` only fails past u64 range; keep the value at the top.
        if self.hdr.record(units).is_err() {
            self.hdr.saturating_record(units);
        }
        true
    }

    /// Records every value of a batch (one boundary crossing instead of one per value);
    /// returns how many were recorded.
    pub fn record_many(&mut self, values: &[f64]) -> usize {
        values.iter().filter(|&&v| self.record(v)).count()
    }

    /// The value below which `q` percent of the recorded values fall (`q` clamped to 0..=100);
    /// NaN when empty.
    pub fn percentile(&self, q: f64) -> f64 {
        if self.hdr.is_empty() {
            return f64::NAN;
        }
        let q = if q.is_nan() { 0.0 } else { q.clamp(0.0, 100.0) };
        self.value_of(self.hdr.value_at_quantile(q / 100.0))
    }

    /// How many values were recorded.
    pub fn count(&self) -> u64 {
        self.hdr.len()
    }

    /// How many values were refused (negative, NaN, infinite).
    pub fn rejected(&self) -> u64 {
        self.rejected
    }

    /// Smallest recorded value (to the histogram's precision); NaN when empty.
    pub fn min(&self) -> f64 {
        if self.hdr.is_empty() {
            return f64::NAN;
        }
        self.value_of(self.hdr.min())
    }

    /// Largest recorded value (to the histogram's precision); NaN when empty.
    pub fn max(&self) -> f64 {
        if self.hdr.is_empty() {
            return f64::NAN;
        }
        self.value_of(self.hdr.max())
    }

    /// Arithmetic mean of the recorded values; NaN when empty.
    pub fn mean(&self) -> f64 {
        if self.hdr.is_empty() {
            return f64::NAN;
        }
        self.hdr.mean() * self.resolution
    }

    /// Standard deviation of the recorded values; NaN when empty.
    pub fn stdev(&self) -> f64 {
        if self.hdr.is_empty() {
            return f64::NAN;
        }
        self.hdr.stdev() * self.resolution
    }

    /// Forgets every recorded value, keeping the options.
    pub fn reset(&mut self) {
        self.hdr.reset();
        self.rejected = 0;
    }

    /// Adds every value of `other` to this histogram.
    pub fn merge(&mut self, other: &Histogram) -> Result<()> {
        if (self.resolution - other.resolution).abs() > f64::EPSILON * self.resolution {
            return Err(Error::InvalidArgument(format!(
                "cannot merge histograms of different resolution ({} and {})",
                self.resolution, other.resolution
            )));
        }
        self.hdr
            .add(&other.hdr)
            .map_err(|e| Error::InvalidArgument(format!("histogram merge: {e:?}")))?;
        self.rejected += other.rejected;
        Ok(())
    }

    /// At most `max_buckets` bars for a chart, log-spaced from the smallest to the largest
    /// recorded value (latencies span orders of magnitude); empty bars are kept so the bars line
    /// up on an axis. Every recorded value lands in exactly one bar.
    pub fn buckets(&self, max_buckets: usize) -> Vec<Bucket> {
        if self.hdr.is_empty() || max_buckets == 0 {
            return Vec::new();
        }
        let min = self.hdr.min();
        let max = self.hdr.max();
        let low = self.value_of(self.hdr.lowest_equivalent(min));
        let high = self.value_of(self.hdr.next_non_equivalent(max));
        if self.hdr.equivalent(min, max) || max_buckets == 1 {
            return vec![Bucket {
                low,
                high,
                count: self.hdr.len(),
            }];
        }
        // Log spacing needs a positive start; zero durations share the first bar.
        let start = low.max(self.resolution);
        let ratio = (high / start).powf(1.0 / max_buckets as f64);
        let mut bars: Vec<Bucket> = (0..max_buckets)
            .map(|i| Bucket {
                low: if i == 0 {
                    low
                } else {
                    start * ratio.powi(i as i32)
                },
                high: if i + 1 == max_buckets {
                    high
                } else {
                    start * ratio.powi(i as i32 + 1)
                },
                count: 0,
            })
            .collect();
        for value in self.hdr.iter_recorded() {
            let v = self.value_of(value.value_iterated_to());
            let index = if v <= start {
                0
            } else {
                ((v / start).ln() / ratio.ln()).floor() as usize
            };
            bars[index.min(max_buckets - 1)].count += value.count_at_value();
        }
        bars
    }

    fn value_of(&self, units: u64) -> f64 {
        units as f64 * self.resolution
    }
}

/// Rounds a non-negative value to histogram units, saturating far below u64::MAX so that
/// hdrhistogram's own arithmetic cannot overflow.
fn to_units(value: f64) -> u64 {
    const CAP: f64 = (u64::MAX >> 2) as f64;
    value.round().min(CAP) as u64
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hist() -> Histogram {
        Histogram::new(HistogramOptions::default()).unwrap()
    }

    fn close(actual: f64, expected: f64, rel: f64) -> bool {
        (actual - expected).abs() <= expected.abs() * rel + 1e-9
    }

    #[test]
    fn percentiles_of_uniform_values_are_within_precision() {
        let mut h = hist();
        let values: Vec<f64> = (1..=10_000).map(|i| f64::from(i) * 0.01).collect();
        assert_eq!(h.record_many(&values), 10_000);
        assert_eq!(h.count(), 10_000);
        assert!(
            close(h.percentile(50.0), 50.0, 0.002),
            "{}",
            h.percentile(50.0)
        );
        assert!(
            close(h.percentile(95.0), 95.0, 0.002),
            "{}",
            h.percentile(95.0)
        );
        assert!(
            close(h.percentile(99.0), 99.0, 0.002),
            "{}",
            h.percentile(99.0)
        );
        assert!(close(h.percentile(100.0), 100.0, 0.002));
        assert!(close(h.min(), 0.01, 0.002));
        assert!(close(h.max(), 100.0, 0.002));
        assert!(close(h.mean(), 50.005, 0.002), "{}", h.mean());
        assert!(h.stdev() > 28.0 && h.stdev() < 29.5, "{}", h.stdev());
    }

    #[test]
    fn empty_histogram_reports_nan_and_no_buckets() {
        let h = hist();
        assert_eq!(h.count(), 0);
        assert!(h.percentile(50.0).is_nan());
        assert!(h.min().is_nan() && h.max().is_nan() && h.mean().is_nan());
        assert!(h.buckets(10).is_empty());
    }

    #[test]
    fn invalid_values_are_rejected_and_counted() {
        let mut h = hist();
        assert!(!h.record(-1.0));
        assert!(!h.record(f64::NAN));
        assert!(!h.record(f64::INFINITY));
        assert!(h.record(0.0));
        assert_eq!(h.record_many(&[1.0, f64::NEG_INFINITY, 2.0]), 2);
        assert_eq!(h.count(), 3);
        assert_eq!(h.rejected(), 4);
        assert_eq!(h.min(), 0.0);
    }

    #[test]
    fn values_above_highest_grow_the_histogram() {
        let mut h = Histogram::new(HistogramOptions {
            highest: 10.0,
            ..HistogramOptions::default()
        })
        .unwrap();
        h.record(5.0);
        h.record(250_000.0);
        assert_eq!(h.count(), 2);
        assert!(close(h.max(), 250_000.0, 0.001), "{}", h.max());
        // Beyond any sane duration: kept, at the top of the range, not lost.
        assert!(h.record(1e30));
        assert_eq!(h.count(), 3);
    }

    #[test]
    fn percentile_argument_is_clamped() {
        let mut h = hist();
        h.record_many(&[1.0, 2.0, 3.0]);
        assert_eq!(h.percentile(-5.0), h.percentile(0.0));
        assert_eq!(h.percentile(250.0), h.percentile(100.0));
        assert_eq!(h.percentile(f64::NAN), h.percentile(0.0));
    }

    #[test]
    fn reset_forgets_values() {
        let mut h = hist();
        h.record_many(&[1.0, 2.0, -3.0]);
        h.reset();
        assert_eq!(h.count(), 0);
        assert_eq!(h.rejected(), 0);
        h.record(7.0);
        assert!(close(h.percentile(50.0), 7.0, 0.001));
    }

    #[test]
    fn buckets_cover_every_value_and_are_contiguous() {
        let mut h = hist();
        let values: Vec<f64> = (0..1000).map(|i| 0.05 * 1.01_f64.powi(i)).collect();
        h.record_many(&values);
        let bars = h.buckets(20);
        assert_eq!(bars.len(), 20);
        assert_eq!(bars.iter().map(|b| b.count).sum::<u64>(), 1000);
        for pair in bars.windows(2) {
            assert!(close(pair[0].high, pair[1].low, 1e-9));
            assert!(pair[0].low < pair[0].high);
        }
        assert!(bars[0].low <= 0.05);
        assert!(bars[19].high >= h.max());
        // Log-spaced over a geometric series: bars hold similar counts.
        assert!(
            bars.iter().all(|b| b.count > 35 && b.count < 65),
            "{bars:?}"
        );
    }

    #[test]
    fn zero_durations_land_in_the_first_bucket() {
        let mut h = hist();
        h.record_many(&[0.0, 0.0, 1.0, 10.0]);
        let bars = h.buckets(8);
        assert_eq!(bars[0].low, 0.0);
        assert_eq!(bars[0].count, 2);
        assert_eq!(bars.iter().map(|b| b.count).sum::<u64>(), 4);
    }

    #[test]
    fn one_distinct_value_is_one_bucket() {
        let mut h = hist();
        h.record_many(&[2.5, 2.5, 2.5]);
        let bars = h.buckets(30);
        assert_eq!(bars.len(), 1);
        assert_eq!(bars[0].count, 3);
        assert!(bars[0].low <= 2.5 && bars[0].high > 2.5);
        assert!(h.buckets(0).is_empty());
    }

    #[test]
    fn merge_adds_counts() {
        let mut a = hist();
        let mut b = hist();
        a.record_many(&[1.0, 2.0]);
        b.record_many(&[3.0, 4.0, -1.0]);
        a.merge(&b).unwrap();
        assert_eq!(a.count(), 4);
        assert_eq!(a.rejected(), 1);
        assert!(close(a.max(), 4.0, 0.001));
        let other = Histogram::new(HistogramOptions {
            resolution: 1.0,
            ..HistogramOptions::default()
        })
        .unwrap();
        assert!(matches!(a.merge(&other), Err(Error::InvalidArgument(_))));
    }

    #[test]
    fn invalid_options_are_refused_with_a_message() {
        for options in [
            HistogramOptions {
                significant_digits: 0,
                ..HistogramOptions::default()
            },
            HistogramOptions {
                significant_digits: 6,
                ..HistogramOptions::default()
            },
            HistogramOptions {
                resolution: 0.0,
                ..HistogramOptions::default()
            },
            HistogramOptions {
                resolution: f64::NAN,
                ..HistogramOptions::default()
            },
            HistogramOptions {
                highest: 0.001,
                ..HistogramOptions::default()
            },
        ] {
            let err = Histogram::new(options).unwrap_err();
            assert_eq!(err.code(), "FLG_INVALID_ARGUMENT");
            assert!(err.to_string().contains("histogram"), "{err}");
        }
    }

    #[test]
    fn resolution_sets_the_unit() {
        // Recording seconds with millisecond resolution.
        let mut h = Histogram::new(HistogramOptions {
            resolution: 0.001,
            highest: 60.0,
            significant_digits: 2,
        })
        .unwrap();
        h.record_many(&[0.25, 0.5, 1.5]);
        assert!(
            close(h.percentile(50.0), 0.5, 0.01),
            "{}",
            h.percentile(50.0)
        );
        // Sub-resolution values round to the nearest unit.
        h.record(0.0004);
        assert_eq!(h.min(), 0.0);
    }
}
