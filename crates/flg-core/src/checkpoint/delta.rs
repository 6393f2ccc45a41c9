//! List deltas: a list-valued channel whose new value extends a stored one is written as
//! (base version, kept prefix length, new items). Reading splices the JSON arrays back together
//! without parsing the items, so a 1000-step message history costs O(new messages) per write.

use serde_json::value::RawValue;

use crate::{Error, Result};

/// Type tag of a delta row; its value is a JSON array of the appended items.
pub const DELTA_TYPE: &str = "flg_list_delta";

/// One stored link of a delta chain, newest first when collected.
pub struct DeltaLink {
    pub value: Vec<u8>,
    pub prefix_len: usize,
}

/// Rebuilds the full JSON array from a full base array and the deltas stacked on it
/// (`links` ordered newest first, as they are discovered walking down the chain).
pub fn splice(base: &[u8], links: &[DeltaLink], where_: &str) -> Result<Vec<u8>> {
    let mut items: Vec<&RawValue> = serde_json::from_slice(base)
        .map_err(|e| Error::json(format!("list base of {where_}"), e))?;
    for link in links.iter().rev() {
        if link.prefix_len > items.len() {
            return Err(Error::Schema(format!(
                "delta of {where_} keeps {} items of a base that has {}",
                link.prefix_len,
                items.len()
            )));
        }
        items.truncate(link.prefix_len);
        let appended: Vec<&RawValue> = serde_json::from_slice(&link.value)
            .map_err(|e| Error::json(format!("list delta of {where_}"), e))?;
        items.extend(appended);
    }
    let total: usize = items.iter().map(|item| item.get().len() + 1).sum();
    let mut out = Vec::with_capacity(total + 2);
    out.push(b'[');
    for (i, item) in items.iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        out.extend_from_slice(item.get().as_bytes());
    }
    out.push(b']');
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splices_chain_oldest_first() {
        let links = vec![
            DeltaLink {
                value: br#"[{"m":4}]"#.to_vec(),
                prefix_len: 2,
            },
            DeltaLink {
                value: br#"[{"m":2},"x"]"#.to_vec(),
                prefix_len: 2,
            },
        ];
        let out = splice(br#"[1, {"a": [1,2]}]"#, &links, "t/messages").unwrap();
        assert_eq!(
            std::str::from_utf8(&out).unwrap(),
            r#"[1,{"a": [1,2]},{"m":4}]"#
        );
    }

    #[test]
    fn rejects_prefix_longer_than_base() {
        let links = vec![DeltaLink {
            value: b"[]".to_vec(),
            prefix_len: 5,
        }];
        assert!(matches!(
            splice(b"[1]", &links, "t/c"),
            Err(Error::Schema(_))
        ));
    }
}
