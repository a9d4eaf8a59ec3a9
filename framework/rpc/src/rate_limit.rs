//! Per-connection call rate limit (`--rpc-rate-limit`): a token bucket refilled continuously at
//! `n` calls per minute. A call over the limit is answered at once with Substrate's
//! `-32999 RPC rate limit exceeded` instead of being executed.

use std::num::NonZeroU32;
use std::sync::Arc;
use std::time::Instant;

use futures::future::{Either, ready};
use jsonrpsee::MethodResponse;
use jsonrpsee::server::middleware::rpc::{
    Batch, BatchEntry, BatchEntryErr, Notification, Request, RpcServiceT,
};
use jsonrpsee::types::ErrorObjectOwned;
use tower::Layer;

/// Code Substrate answers a rate-limited call with.
pub const RATE_LIMITED: i32 = -32999;

/// A token bucket in thousandths of a call, so refill needs no floating point.
#[derive(Debug)]
struct Bucket {
    per_minute: u64,
    millitokens: u64,
    last: Instant,
}

impl Bucket {
    fn new(per_minute: NonZeroU32) -> Self {
        let per_minute = u64::from(per_minute.get());
        Self {
            per_minute,
            millitokens: per_minute.saturating_mul(1000),
            last: Instant::now(),
        }
    }

    /// Takes one call's worth of tokens if there is one.
    fn try_take(&mut self) -> bool {
        let now = Instant::now();
        let elapsed_ms =
            u64::try_from(now.duration_since(self.last).as_millis()).unwrap_or(u64::MAX);
        // per_minute calls per 60_000 ms = per_minute millitokens per 60 ms.
        let refill = elapsed_ms.saturating_mul(self.per_minute) / 60;
        if refill > 0 {
            self.millitokens = self
                .millitokens
                .saturating_add(refill)
                .min(self.per_minute.saturating_mul(1000));
            self.last = now;
        }
        if self.millitokens >= 1000 {
            self.millitokens -= 1000;
            true
        } else {
            false
        }
    }
}

fn rate_limited() -> ErrorObjectOwned {
    ErrorObjectOwned::owned(RATE_LIMITED, "RPC rate limit exceeded", None::<()>)
}

/// Tower layer giving each connection its own bucket.
#[derive(Debug, Clone, Copy)]
pub(crate) struct RateLimitLayer {
    per_minute: NonZeroU32,
}

impl RateLimitLayer {
    pub(crate) fn per_minute(per_minute: NonZeroU32) -> Self {
        Self { per_minute }
    }
}

impl<S> Layer<S> for RateLimitLayer {
    type Service = RateLimit<S>;

    fn layer(&self, inner: S) -> Self::Service {
        RateLimit {
            inner,
            bucket: Arc::new(std::sync::Mutex::new(Bucket::new(self.per_minute))),
        }
    }
}

/// The RPC service [`RateLimitLayer`] builds.
#[derive(Debug, Clone)]
pub(crate) struct RateLimit<S> {
    inner: S,
    bucket: Arc<std::sync::Mutex<Bucket>>,
}

impl<S> RateLimit<S> {
    fn allow(&self) -> bool {
        match self.bucket.lock() {
            Ok(mut bucket) => bucket.try_take(),
            Err(poisoned) => poisoned.into_inner().try_take(),
        }
    }
}

impl<S> RpcServiceT for RateLimit<S>
where
    S: RpcServiceT<
            MethodResponse = MethodResponse,
            BatchResponse = MethodResponse,
            NotificationResponse = MethodResponse,
        > + Send
        + Sync
        + Clone
        + 'static,
{
    type MethodResponse = MethodResponse;
    type NotificationResponse = MethodResponse;
    type BatchResponse = MethodResponse;

    fn call<'a>(&self, request: Request<'a>) -> impl Future<Output = MethodResponse> + Send + 'a {
        if self.allow() {
            Either::Left(self.inner.call(request))
        } else {
            tracing::debug!(target: "rpc", method = %request.method, "call rate-limited");
            Either::Right(ready(MethodResponse::error(request.id, rate_limited())))
        }
    }

    fn batch<'a>(&self, mut batch: Batch<'a>) -> impl Future<Output = MethodResponse> + Send + 'a {
        for entry in batch.iter_mut() {
            let limited = match entry {
                Ok(BatchEntry::Call(request)) if !self.allow() => Some(request.id.clone()),
                _ => None,
            };
            if let Some(id) = limited {
                *entry = Err(BatchEntryErr::new(id, rate_limited()));
            }
        }
        self.inner.batch(batch)
    }

    fn notification<'a>(
        &self,
        notification: Notification<'a>,
    ) -> impl Future<Output = MethodResponse> + Send + 'a {
        self.inner.notification(notification)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bucket_allows_the_burst_then_refuses() {
        let Some(n) = NonZeroU32::new(3) else {
            panic!("non-zero")
        };
        let mut bucket = Bucket::new(n);
        assert!(bucket.try_take());
        assert!(bucket.try_take());
        assert!(bucket.try_take());
        assert!(!bucket.try_take());
    }
}
