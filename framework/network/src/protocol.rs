//! The block-range request-response protocol: wire types and the size rules both sides apply.

use serde::{Deserialize, Deserializer, Serialize, Serializer, de};

/// Longest error text sent to or accepted from a peer.
pub(crate) const MAX_ERROR_LEN: usize = 256;

/// Bytes budgeted per block for CBOR framing when fitting a response under the size limit.
const PER_BLOCK_OVERHEAD: usize = 9;
/// Bytes budgeted for the response envelope.
const ENVELOPE_OVERHEAD: usize = 16;

/// A request for up to `max` blocks starting at number `from`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct BlocksRequest {
    /// First block number.
    pub from: u32,
    /// Most blocks wanted.
    pub max: u32,
}

/// The answer to a [`BlocksRequest`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum BlocksResponse {
    /// Encoded blocks, in order from `from`; fewer than asked when the chain ends or the
    /// response would exceed the size limit.
    Blocks(Vec<Bytes>),
    /// The server's block provider failed.
    Error(String),
    /// The server has too many of the requester's requests in flight.
    Refused,
}

/// A byte string encoded as a CBOR byte string (not as an array of integers).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Bytes(pub Vec<u8>);

impl Serialize for Bytes {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_bytes(&self.0)
    }
}

impl<'de> Deserialize<'de> for Bytes {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Visitor;
        impl<'de> de::Visitor<'de> for Visitor {
            type Value = Bytes;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a byte string")
            }
            fn visit_bytes<E: de::Error>(self, v: &[u8]) -> Result<Bytes, E> {
                Ok(Bytes(v.to_vec()))
            }
            fn visit_byte_buf<E: de::Error>(self, v: Vec<u8>) -> Result<Bytes, E> {
                Ok(Bytes(v))
            }
            fn visit_seq<A: de::SeqAccess<'de>>(self, mut seq: A) -> Result<Bytes, A::Error> {
                // The hint comes from the peer: cap the pre-allocation.
                let mut out = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(4096));
                while let Some(b) = seq.next_element::<u8>()? {
                    out.push(b);
                }
                Ok(Bytes(out))
            }
        }
        deserializer.deserialize_byte_buf(Visitor)
    }
}

/// Cuts an error text to [`MAX_ERROR_LEN`] bytes on a character boundary.
pub(crate) fn truncate_error(mut text: String) -> String {
    if text.len() > MAX_ERROR_LEN {
        let mut end = MAX_ERROR_LEN;
        while !text.is_char_boundary(end) {
            end -= 1;
        }
        text.truncate(end);
    }
    text
}

/// Builds the response to a request from what the block provider returned: at most `max`
/// blocks, and no more than fit in `max_response_size` bytes. A first block that alone does not
/// fit is an error (the requester could never make progress).
pub fn build_response(
    provided: Result<Vec<Vec<u8>>, String>,
    max: u32,
    max_response_size: usize,
) -> BlocksResponse {
    let blocks = match provided {
        Ok(blocks) => blocks,
        Err(e) => return BlocksResponse::Error(truncate_error(e)),
    };
    let mut budget = max_response_size.saturating_sub(ENVELOPE_OVERHEAD);
    let mut out = Vec::new();
    for block in blocks.into_iter().take(max as usize) {
        let need = block.len().saturating_add(PER_BLOCK_OVERHEAD);
        if need > budget {
            if out.is_empty() {
                return BlocksResponse::Error(format!(
                    "block of {} bytes exceeds the response limit of {max_response_size}",
                    block.len()
                ));
            }
            break;
        }
        budget -= need;
        out.push(Bytes(block));
    }
    BlocksResponse::Blocks(out)
}

/// The number of blocks a server returns for a request: `max` capped by the local limit.
pub fn capped_max(requested: u32, limit: u32) -> u32 {
    requested.min(limit)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn response_respects_count_and_byte_limits() {
        let blocks = vec![vec![1u8; 100]; 10];
        let BlocksResponse::Blocks(out) = build_response(Ok(blocks.clone()), 3, 10_000) else {
            panic!("expected blocks")
        };
        assert_eq!(out.len(), 3);
        let BlocksResponse::Blocks(out) = build_response(Ok(blocks), 10, 16 + 2 * 109 + 50) else {
            panic!("expected blocks")
        };
        assert_eq!(out.len(), 2);
        assert!(matches!(
            build_response(Ok(vec![vec![0; 1000]]), 1, 100),
            BlocksResponse::Error(_)
        ));
        let BlocksResponse::Error(e) = build_response(Err("x".repeat(1000)), 1, 100) else {
            panic!("expected error")
        };
        assert_eq!(e.len(), MAX_ERROR_LEN);
        assert_eq!(capped_max(1000, 128), 128);
    }
}
