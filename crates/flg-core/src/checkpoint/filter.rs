//! `list({ filter })` on arbitrary metadata keys, evaluated on parsed metadata so that no
//! caller-supplied key ever becomes part of SQL text.

use serde_json::{Map, Value};

use crate::{Error, Result};

/// A parsed metadata filter: every key must be present and JSON-equal.
#[derive(Debug, Clone, Default)]
pub struct MetadataFilter {
    entries: Map<String, Value>,
}

impl MetadataFilter {
    pub fn parse(filter_json: Option<&str>) -> Result<Self> {
        let Some(text) = filter_json else {
            return Ok(Self::default());
        };
        match parse_lenient(text.as_bytes()).map_err(|e| Error::json("list filter", e))? {
            Value::Object(entries) => Ok(Self { entries }),
            Value::Null => Ok(Self::default()),
            other => Err(Error::InvalidArgument(format!(
                "list filter must be an object of metadata keys, got {other}"
            ))),
        }
    }

    /// `metadata` is the stored JSON of a checkpoint's metadata.
    pub fn matches(&self, metadata: &[u8], checkpoint_id: &str) -> Result<bool> {
        if self.entries.is_empty() {
            return Ok(true);
        }
        let parsed = parse_lenient(metadata)
            .map_err(|e| Error::json(format!("metadata of checkpoint {checkpoint_id}"), e))?;
        Ok(self
            .entries
            .iter()
            .all(|(key, expected)| parsed.get(key) == Some(expected)))
    }
}

/// Parses JSON, accepting what `JSON.stringify` writes for strings holding lone UTF-16
/// surrogates (`"\ud83d"`), which serde_json rejects: such an escape becomes the literal text
/// `\ud83d`, the same way in metadata and in filters, so equality is kept.
fn parse_lenient(bytes: &[u8]) -> serde_json::Result<Value> {
    match serde_json::from_slice(bytes) {
        Ok(value) => Ok(value),
        Err(err) => match std::str::from_utf8(bytes)
            .ok()
            .and_then(escape_lone_surrogates)
        {
            Some(fixed) => serde_json::from_str(&fixed),
            None => Err(err),
        },
    }
}

fn escape_lone_surrogates(text: &str) -> Option<String> {
    let hex = |s: &str| u16::from_str_radix(s, 16).ok();
    let bytes = text.as_bytes();
    let mut out = String::with_capacity(text.len() + 8);
    let mut changed = false;
    let mut i = 0;
    let mut copied = 0;
    while i < bytes.len() {
        if bytes[i] != b'\\' {
            i += 1;
            continue;
        }
        if bytes.get(i + 1) != Some(&b'u') || i + 6 > bytes.len() {
            i += 2;
            continue;
        }
        let unit = text.get(i + 2..i + 6).and_then(hex);
        let is_pair = |at: usize| {
            bytes.get(at) == Some(&b'\\')
                && bytes.get(at + 1) == Some(&b'u')
                && text
                    .get(at + 2..at + 6)
                    .and_then(hex)
                    .is_some_and(|u| (0xDC00..0xE000).contains(&u))
        };
        match unit {
            Some(0xD800..=0xDBFF) if is_pair(i + 6) => i += 12,
            Some(0xD800..=0xDFFF) => {
                out.push_str(&text[copied..i]);
                out.push_str("\\\\");
                out.push_str(&text[i + 1..i + 6]);
                i += 6;
                copied = i;
                changed = true;
            }
            _ => i += 6,
        }
    }
    if !changed {
        return None;
    }
    out.push_str(&text[copied..]);
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matches_nested_and_odd_keys_without_sql() {
        let filter =
            MetadataFilter::parse(Some(r#"{"source":"loop","it's; DROP":1,"a.b":{"x":[1]}}"#))
                .unwrap();
        assert!(filter
            .matches(
                br#"{"source":"loop","it's; DROP":1,"a.b":{"x":[1]},"step":3}"#,
                "c1"
            )
            .unwrap());
        assert!(!filter
            .matches(br#"{"source":"loop","it's; DROP":2,"a.b":{"x":[1]}}"#, "c1")
            .unwrap());
        assert!(!filter.matches(br#"{"source":"loop"}"#, "c1").unwrap());
    }

    #[test]
    fn lone_surrogates_from_javascript_do_not_break_filters() {
        let metadata = br#"{"user":"\ud83d","pair":"\ud83d\udc4d","source":"loop"}"#;
        let loop_filter = MetadataFilter::parse(Some(r#"{"source":"loop"}"#)).unwrap();
        assert!(loop_filter.matches(metadata, "c1").unwrap());
        let same = MetadataFilter::parse(Some(r#"{"user":"\ud83d"}"#)).unwrap();
        assert!(same.matches(metadata, "c1").unwrap());
        let other = MetadataFilter::parse(Some(r#"{"user":"\ud83e"}"#)).unwrap();
        assert!(!other.matches(metadata, "c1").unwrap());
        let pair = MetadataFilter::parse(Some(r#"{"pair":"👍"}"#)).unwrap();
        assert!(pair.matches(metadata, "c1").unwrap());
    }

    #[test]
    fn rejects_non_object_filter() {
        assert!(matches!(
            MetadataFilter::parse(Some("[1]")),
            Err(Error::InvalidArgument(_))
        ));
    }
}
