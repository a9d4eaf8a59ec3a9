//! The compiled-module cache: a bounded map from code hash to a module ready to instantiate,
//! evicting the least recently used entry when full.

use std::collections::HashMap;

/// A least-recently-used map of at most `capacity` entries.
pub(crate) struct LruCache<V> {
    capacity: usize,
    /// Entry and the tick it was last used at.
    entries: HashMap<[u8; 32], (V, u64)>,
    tick: u64,
}

impl<V: Clone> LruCache<V> {
    /// An empty cache of `capacity` entries (at least 1).
    pub(crate) fn new(capacity: usize) -> Self {
        Self {
            capacity: capacity.max(1),
            entries: HashMap::new(),
            tick: 0,
        }
    }

    /// The entry for `key`, marked as just used.
    pub(crate) fn get(&mut self, key: &[u8; 32]) -> Option<V> {
        self.tick = self.tick.wrapping_add(1);
        let tick = self.tick;
        self.entries.get_mut(key).map(|(value, used)| {
            *used = tick;
            value.clone()
        })
    }

    /// Inserts `value` for `key`, evicting the least recently used entry if the cache is full.
    pub(crate) fn insert(&mut self, key: [u8; 32], value: V) {
        self.tick = self.tick.wrapping_add(1);
        if !self.entries.contains_key(&key) && self.entries.len() >= self.capacity {
            let oldest = self
                .entries
                .iter()
                .min_by_key(|(_, (_, used))| *used)
                .map(|(key, _)| *key);
            if let Some(oldest) = oldest {
                self.entries.remove(&oldest);
            }
        }
        self.entries.insert(key, (value, self.tick));
    }

    /// Whether `key` is cached (does not mark it used).
    pub(crate) fn contains(&self, key: &[u8; 32]) -> bool {
        self.entries.contains_key(key)
    }

    /// Removes the entry for `key`, if any.
    pub(crate) fn remove(&mut self, key: &[u8; 32]) {
        self.entries.remove(key);
    }

    /// Number of entries.
    pub(crate) fn len(&self) -> usize {
        self.entries.len()
    }
}

#[cfg(test)]
mod tests {
    use super::LruCache;

    #[test]
    fn evicts_least_recently_used() {
        let mut cache = LruCache::new(2);
        cache.insert([1; 32], 1);
        cache.insert([2; 32], 2);
        assert_eq!(cache.get(&[1; 32]), Some(1));
        cache.insert([3; 32], 3);
        assert!(cache.contains(&[1; 32]));
        assert!(!cache.contains(&[2; 32]));
        assert!(cache.contains(&[3; 32]));
        assert_eq!(cache.len(), 2);
    }
}
