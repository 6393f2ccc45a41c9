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
        match serde_json::from_str::<Value>(text).map_err(|e| Error::json("list filter", e))? {
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
        let parsed: Value = serde_json::from_slice(metadata)
            .map_err(|e| Error::json(format!("metadata of checkpoint {checkpoint_id}"), e))?;
        Ok(self
            .entries
            .iter()
            .all(|(key, expected)| parsed.get(key) == Some(expected)))
    }
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
    fn rejects_non_object_filter() {
        assert!(matches!(
            MetadataFilter::parse(Some("[1]")),
            Err(Error::InvalidArgument(_))
        ));
    }
}
