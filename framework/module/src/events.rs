//! The typed event bus on which modules publish and subscribe to events.

use std::{
    any::{Any, TypeId, type_name},
    collections::HashMap,
    sync::Arc,
};

use parking_lot::RwLock;
use tokio::sync::broadcast;

use crate::LOG_TARGET;

/// Default number of events of one type buffered for each subscriber.
pub const DEFAULT_EVENT_CAPACITY: usize = 1024;
/// Largest accepted channel capacity; larger requests are clamped to it.
pub const MAX_EVENT_CAPACITY: usize = 1 << 20;

/// A typed publish/subscribe bus.
///
/// Each event type `E` has its own bounded [`broadcast`] channel, created on first use. Every
/// subscriber receives every event published after it subscribed. A subscriber that falls more than
/// the channel's capacity behind loses the oldest events and is told so by
/// [`broadcast::error::RecvError::Lagged`]; the publisher never waits. Cloning the bus gives
/// another handle to the same channels.
#[derive(Clone)]
pub struct EventBus {
    inner: Arc<RwLock<HashMap<TypeId, Box<dyn Any + Send + Sync>>>>,
    capacity: usize,
}

impl Default for EventBus {
    fn default() -> Self {
        Self::new(DEFAULT_EVENT_CAPACITY)
    }
}

impl std::fmt::Debug for EventBus {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("EventBus")
            .field("capacity", &self.capacity)
            .field("event_types", &self.inner.read().len())
            .finish()
    }
}

impl EventBus {
    /// A bus whose channels buffer `capacity` events per subscriber (clamped to
    /// `1..=`[`MAX_EVENT_CAPACITY`]).
    pub fn new(capacity: usize) -> Self {
        Self {
            inner: Arc::default(),
            capacity: clamp(capacity),
        }
    }

    /// The capacity of channels created without an explicit one.
    pub fn capacity(&self) -> usize {
        self.capacity
    }

    /// Creates the channel of event type `E` with its own `capacity` (clamped like
    /// [`new`](Self::new)).
    ///
    /// Returns `false`, changing nothing, if the channel already exists (someone published or
    /// subscribed to `E` before).
    pub fn register<E: Clone + Send + Sync + 'static>(&self, capacity: usize) -> bool {
        let mut inner = self.inner.write();
        if inner.contains_key(&TypeId::of::<E>()) {
            return false;
        }
        let (sender, _) = broadcast::channel::<E>(clamp(capacity));
        inner.insert(TypeId::of::<E>(), Box::new(sender));
        true
    }

    /// Publishes `event` to every current subscriber of `E`; returns how many there are.
    ///
    /// Never blocks. An event published while nobody subscribes is dropped.
    pub fn publish<E: Clone + Send + Sync + 'static>(&self, event: E) -> usize {
        let sender = {
            let inner = self.inner.read();
            match inner
                .get(&TypeId::of::<E>())
                .and_then(|sender| sender.downcast_ref::<broadcast::Sender<E>>())
            {
                Some(sender) => sender.clone(),
                None => {
                    tracing::trace!(
                        target: LOG_TARGET,
                        event = type_name::<E>(),
                        "Event published without subscribers"
                    );
                    return 0;
                }
            }
        };
        sender.send(event).unwrap_or(0)
    }

    /// A new subscription to events of type `E`, receiving those published from now on.
    pub fn subscribe<E: Clone + Send + Sync + 'static>(&self) -> broadcast::Receiver<E> {
        if let Some(sender) = self.sender::<E>() {
            return sender.subscribe();
        }
        let mut inner = self.inner.write();
        // Another thread may have created it between the read and the write lock.
        if let Some(sender) = inner
            .get(&TypeId::of::<E>())
            .and_then(|sender| sender.downcast_ref::<broadcast::Sender<E>>())
        {
            return sender.subscribe();
        }
        let (sender, receiver) = broadcast::channel::<E>(self.capacity);
        inner.insert(TypeId::of::<E>(), Box::new(sender));
        receiver
    }

    /// Number of current subscribers of `E`.
    pub fn subscriber_count<E: Clone + Send + Sync + 'static>(&self) -> usize {
        self.sender::<E>()
            .map(|sender| sender.receiver_count())
            .unwrap_or(0)
    }

    fn sender<E: Clone + Send + Sync + 'static>(&self) -> Option<broadcast::Sender<E>> {
        self.inner
            .read()
            .get(&TypeId::of::<E>())
            .and_then(|sender| sender.downcast_ref::<broadcast::Sender<E>>())
            .cloned()
    }
}

fn clamp(capacity: usize) -> usize {
    capacity.clamp(1, MAX_EVENT_CAPACITY)
}

#[cfg(test)]
mod tests {
    use super::*;
    use tokio::sync::broadcast::error::TryRecvError;

    #[derive(Clone, Debug, PartialEq)]
    struct BlockImported(u32);

    #[derive(Clone, Debug, PartialEq)]
    struct TxAdded(&'static str);

    #[test]
    fn delivers_to_every_subscriber_of_the_type() {
        let bus = EventBus::new(8);
        assert_eq!(bus.publish(BlockImported(0)), 0);
        let mut a = bus.subscribe::<BlockImported>();
        let mut b = bus.clone().subscribe::<BlockImported>();
        let mut other = bus.subscribe::<TxAdded>();
        assert_eq!(bus.subscriber_count::<BlockImported>(), 2);
        assert_eq!(bus.publish(BlockImported(1)), 2);
        assert_eq!(bus.publish(TxAdded("x")), 1);
        assert_eq!(a.try_recv(), Ok(BlockImported(1)));
        assert_eq!(b.try_recv(), Ok(BlockImported(1)));
        assert_eq!(a.try_recv(), Err(TryRecvError::Empty));
        assert_eq!(other.try_recv(), Ok(TxAdded("x")));
    }

    #[test]
    fn slow_subscriber_lags_and_publisher_never_blocks() {
        let bus = EventBus::new(2);
        let mut slow = bus.subscribe::<BlockImported>();
        for n in 0..10 {
            bus.publish(BlockImported(n));
        }
        // The oldest 8 were overwritten; the subscriber is told how many it missed.
        assert_eq!(slow.try_recv(), Err(TryRecvError::Lagged(8)));
        assert_eq!(slow.try_recv(), Ok(BlockImported(8)));
        assert_eq!(slow.try_recv(), Ok(BlockImported(9)));
        assert_eq!(slow.try_recv(), Err(TryRecvError::Empty));
    }

    #[test]
    fn capacity_is_clamped_and_registrable_per_type() {
        assert_eq!(EventBus::new(0).capacity(), 1);
        assert_eq!(EventBus::new(usize::MAX).capacity(), MAX_EVENT_CAPACITY);
        let bus = EventBus::new(1);
        assert!(bus.register::<BlockImported>(4));
        assert!(!bus.register::<BlockImported>(8));
        let mut rx = bus.subscribe::<BlockImported>();
        for n in 0..4 {
            bus.publish(BlockImported(n));
        }
        for n in 0..4 {
            assert_eq!(rx.try_recv(), Ok(BlockImported(n)));
        }
    }

    #[tokio::test]
    async fn async_delivery() {
        let bus = EventBus::default();
        let mut rx = bus.subscribe::<TxAdded>();
        let publisher = bus.clone();
        tokio::spawn(async move {
            publisher.publish(TxAdded("hello"));
        });
        assert_eq!(rx.recv().await, Ok(TxAdded("hello")));
    }
}
