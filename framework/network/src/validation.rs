//! Checks on gossip received from peers, done before anything is decoded.

use crate::{
    config::{GossipKind, Topics},
    reputation::{ReputationChange, costs},
};

/// Why a gossip message was rejected.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum GossipRejection {
    /// The payload is larger than the limit.
    #[error("gossip message of {size} bytes exceeds the limit of {max}")]
    Oversized {
        /// Payload size.
        size: usize,
        /// The limit.
        max: usize,
    },
    /// The payload is empty.
    #[error("empty gossip message")]
    Empty,
    /// The topic is not one of this chain's.
    #[error("unknown gossip topic {0}")]
    UnknownTopic(String),
}

impl GossipRejection {
    /// What the rejection costs the peer that sent the message.
    pub fn cost(&self) -> ReputationChange {
        match self {
            GossipRejection::Oversized { .. } => costs::OVERSIZED_MESSAGE,
            GossipRejection::Empty | GossipRejection::UnknownTopic(_) => costs::INVALID_GOSSIP,
        }
    }
}

/// Checks a gossip message's topic and size. Payloads are opaque: the node decodes them only
/// after this check.
pub fn validate_gossip(
    topics: &Topics,
    topic: &str,
    data: &[u8],
    max_size: usize,
) -> Result<GossipKind, GossipRejection> {
    if data.len() > max_size {
        return Err(GossipRejection::Oversized {
            size: data.len(),
            max: max_size,
        });
    }
    let kind = topics
        .kind_of(topic)
        .ok_or_else(|| GossipRejection::UnknownTopic(topic.chars().take(128).collect()))?;
    if data.is_empty() {
        return Err(GossipRejection::Empty);
    }
    Ok(kind)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn oversized_empty_and_foreign_messages_are_rejected() {
        let topics = Topics::new("dev");
        assert_eq!(
            validate_gossip(&topics, "/wcme/dev/blocks", &[1; 10], 10),
            Ok(GossipKind::Block)
        );
        let err = validate_gossip(&topics, "/wcme/dev/blocks", &[1; 11], 10).unwrap_err();
        assert_eq!(err, GossipRejection::Oversized { size: 11, max: 10 });
        assert_eq!(err.cost(), costs::OVERSIZED_MESSAGE);
        assert!(err.cost().value < 0);
        assert_eq!(
            validate_gossip(&topics, "/wcme/dev/votes", &[], 10),
            Err(GossipRejection::Empty)
        );
        assert!(matches!(
            validate_gossip(&topics, "/wcme/main/votes", &[1], 10),
            Err(GossipRejection::UnknownTopic(_))
        ));
    }
}
