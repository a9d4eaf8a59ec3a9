//! Which browser origins may use the server: an HTTP middleware that answers CORS preflights,
//! adds `Access-Control-Allow-Origin` to allowed requests and refuses the others with 403.
//!
//! Requests without an `Origin` header (curl, subxt, node scripts) are never affected. Unlike a
//! plain CORS layer, a WebSocket upgrade from a disallowed origin is refused too, because
//! browsers do not apply CORS to WebSockets: without this check any web page could drive a
//! local node through the visitor's browser.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};

use http::header::{
    ACCESS_CONTROL_ALLOW_HEADERS, ACCESS_CONTROL_ALLOW_METHODS, ACCESS_CONTROL_ALLOW_ORIGIN,
    ACCESS_CONTROL_MAX_AGE, ACCESS_CONTROL_REQUEST_HEADERS, ACCESS_CONTROL_REQUEST_METHOD,
    CONTENT_TYPE, HeaderValue, ORIGIN, VARY,
};
use http::{Method, StatusCode};
use jsonrpsee::core::BoxError;
use jsonrpsee::server::{HttpBody, HttpRequest, HttpResponse};
use tower::{Layer, Service};

use crate::error::RpcError;

/// Origins Substrate allows when `--rpc-cors` is not given: local pages on any port and
/// polkadot.js apps.
pub fn default_cors() -> Vec<String> {
    [
        "http://localhost:*",
        "http://127.0.0.1:*",
        "https://localhost:*",
        "https://127.0.0.1:*",
        "https://polkadot.js.org",
    ]
    .into_iter()
    .map(String::from)
    .collect()
}

/// One allowed origin: exact (`https://polkadot.js.org`) or any port (`http://localhost:*`).
#[derive(Debug, Clone, PartialEq, Eq)]
enum OriginPattern {
    Exact(String),
    AnyPort(String),
}

impl OriginPattern {
    fn matches(&self, origin: &str) -> bool {
        match self {
            Self::Exact(allowed) => allowed.eq_ignore_ascii_case(origin),
            Self::AnyPort(base) => {
                let (Some(head), Some(rest)) = (origin.get(..base.len()), origin.get(base.len()..))
                else {
                    return false;
                };
                let port_ok =
                    |port: &str| !port.is_empty() && port.bytes().all(|b| b.is_ascii_digit());
                head.eq_ignore_ascii_case(base)
                    && (rest.is_empty() || rest.strip_prefix(':').is_some_and(port_ok))
            }
        }
    }
}

/// The origins the server accepts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CorsPolicy {
    /// `None`: any origin.
    allowed: Option<Vec<OriginPattern>>,
}

impl CorsPolicy {
    /// Any origin.
    pub fn any() -> Self {
        Self { allowed: None }
    }

    /// From `--rpc-cors` style configuration: `None`, `"all"` or `"*"` allow any origin; otherwise
    /// each entry is an origin, optionally with `:*` for any port.
    pub fn from_config(cors: Option<&[String]>) -> Result<Self, RpcError> {
        let Some(list) = cors else {
            return Ok(Self::any());
        };
        if list.iter().any(|o| o == "all" || o == "*") {
            return Ok(Self::any());
        }
        let mut allowed = Vec::with_capacity(list.len());
        for origin in list {
            let origin = origin.trim().trim_end_matches('/');
            let valid_header = HeaderValue::from_str(origin).is_ok();
            let has_scheme = origin
                .split_once("://")
                .is_some_and(|(s, h)| !s.is_empty() && !h.is_empty());
            if !valid_header || !(has_scheme || origin == "null") {
                return Err(RpcError::InvalidCorsOrigin(origin.to_string()));
            }
            allowed.push(match origin.strip_suffix(":*") {
                Some(base) => OriginPattern::AnyPort(base.to_string()),
                None => OriginPattern::Exact(origin.to_string()),
            });
        }
        Ok(Self {
            allowed: Some(allowed),
        })
    }

    /// Whether a request with this `Origin` header may be served.
    pub fn allows(&self, origin: &str) -> bool {
        match &self.allowed {
            None => true,
            Some(list) => list.iter().any(|p| p.matches(origin)),
        }
    }

    /// Whether any origin is allowed.
    pub fn allows_any(&self) -> bool {
        self.allowed.is_none()
    }
}

impl std::fmt::Display for CorsPolicy {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.allowed {
            None => f.write_str("[\"*\"]"),
            Some(list) => {
                let names: Vec<String> = list
                    .iter()
                    .map(|p| match p {
                        OriginPattern::Exact(o) => o.clone(),
                        OriginPattern::AnyPort(o) => format!("{o}:*"),
                    })
                    .collect();
                write!(f, "{names:?}")
            }
        }
    }
}

/// Tower layer applying a [`CorsPolicy`].
#[derive(Debug, Clone)]
pub(crate) struct CorsLayer(Arc<CorsPolicy>);

impl CorsLayer {
    pub(crate) fn new(policy: CorsPolicy) -> Self {
        Self(Arc::new(policy))
    }
}

impl<S> Layer<S> for CorsLayer {
    type Service = Cors<S>;

    fn layer(&self, inner: S) -> Self::Service {
        Cors {
            inner,
            policy: self.0.clone(),
        }
    }
}

/// The service [`CorsLayer`] builds.
#[derive(Debug, Clone)]
pub(crate) struct Cors<S> {
    inner: S,
    policy: Arc<CorsPolicy>,
}

fn response(status: StatusCode, body: &'static str) -> HttpResponse {
    let mut response = HttpResponse::new(HttpBody::from(body));
    *response.status_mut() = status;
    response
        .headers_mut()
        .insert(CONTENT_TYPE, HeaderValue::from_static("text/plain"));
    response
}

impl<S> Service<HttpRequest> for Cors<S>
where
    S: Service<HttpRequest, Response = HttpResponse>,
    S::Error: Into<BoxError> + 'static,
    S::Future: Send + 'static,
{
    type Response = HttpResponse;
    type Error = BoxError;
    type Future = Pin<Box<dyn Future<Output = Result<HttpResponse, BoxError>> + Send>>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        self.inner.poll_ready(cx).map_err(Into::into)
    }

    fn call(&mut self, request: HttpRequest) -> Self::Future {
        let Some(origin) = request.headers().get(ORIGIN).cloned() else {
            let fut = self.inner.call(request);
            return Box::pin(async move { fut.await.map_err(Into::into) });
        };
        if !origin.to_str().is_ok_and(|o| self.policy.allows(o)) {
            tracing::debug!(target: "rpc", origin = ?origin, "refused a request from a disallowed origin");
            return Box::pin(async {
                Ok(response(
                    StatusCode::FORBIDDEN,
                    "Origin of the request is not allowed.\n",
                ))
            });
        }
        let allow_origin = if self.policy.allows_any() {
            HeaderValue::from_static("*")
        } else {
            origin
        };

        if request.method() == Method::OPTIONS
            && request
                .headers()
                .contains_key(ACCESS_CONTROL_REQUEST_METHOD)
        {
            let allow_headers = request
                .headers()
                .get(ACCESS_CONTROL_REQUEST_HEADERS)
                .cloned()
                .unwrap_or_else(|| HeaderValue::from_static("content-type"));
            let mut preflight = response(StatusCode::OK, "");
            let headers = preflight.headers_mut();
            headers.insert(ACCESS_CONTROL_ALLOW_ORIGIN, allow_origin);
            headers.insert(
                ACCESS_CONTROL_ALLOW_METHODS,
                HeaderValue::from_static("POST, GET, OPTIONS"),
            );
            headers.insert(ACCESS_CONTROL_ALLOW_HEADERS, allow_headers);
            headers.insert(ACCESS_CONTROL_MAX_AGE, HeaderValue::from_static("3600"));
            headers.insert(VARY, HeaderValue::from_static("origin"));
            return Box::pin(async move { Ok(preflight) });
        }

        let fut = self.inner.call(request);
        Box::pin(async move {
            let mut response = fut.await.map_err(Into::into)?;
            let headers = response.headers_mut();
            headers.insert(ACCESS_CONTROL_ALLOW_ORIGIN, allow_origin);
            headers.append(VARY, HeaderValue::from_static("origin"));
            Ok(response)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn policy(list: &[&str]) -> CorsPolicy {
        let list: Vec<String> = list.iter().map(|s| s.to_string()).collect();
        match CorsPolicy::from_config(Some(&list)) {
            Ok(p) => p,
            Err(e) => panic!("{e}"),
        }
    }

    #[test]
    fn default_policy_allows_local_pages_and_polkadot_js() {
        let p = match CorsPolicy::from_config(Some(&default_cors())) {
            Ok(p) => p,
            Err(e) => panic!("{e}"),
        };
        assert!(p.allows("http://localhost:3000"));
        assert!(p.allows("http://localhost"));
        assert!(p.allows("https://127.0.0.1:8443"));
        assert!(p.allows("https://polkadot.js.org"));
        assert!(!p.allows("https://polkadot.js.org.evil.com"));
        assert!(!p.allows("http://localhost.evil.com"));
        assert!(!p.allows("http://localhost:abc"));
        assert!(!p.allows("https://example.com"));
        assert!(!p.allows("null"));
    }

    #[test]
    fn all_and_star_allow_any_origin() {
        assert!(policy(&["all"]).allows("https://example.com"));
        assert!(policy(&["*"]).allows_any());
        assert!(CorsPolicy::from_config(None).is_ok_and(|p| p.allows_any()));
    }

    #[test]
    fn invalid_origins_are_rejected() {
        let bad = vec!["localhost:3000".to_string()];
        assert!(CorsPolicy::from_config(Some(&bad)).is_err());
        let bad = vec!["http://exa\nmple.com".to_string()];
        assert!(CorsPolicy::from_config(Some(&bad)).is_err());
        assert!(policy(&["null"]).allows("null"));
        assert!(policy(&["https://example.com/"]).allows("https://example.com"));
    }
}
