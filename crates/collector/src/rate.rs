//! The client-side request-rate cap (`--max-rps`): at most N requests per
//! second to each service in each region, counted per HTTP attempt, so
//! retries are paced exactly like first attempts.
//!
//! The cap sits in the HTTP client the SDK sends every attempt through: each
//! service client gets the SDK's own default HTTPS client wrapped in the
//! [`Gate`] of its (service, region) pair. The pacing itself is governor's
//! GCRA with a burst of one, so requests leave evenly spaced, `1/N` s apart,
//! and no one-second window holds more than N of them (N + 1 if both ends of
//! a closed window land on a request). Waiters queue on a fair (FIFO) tokio
//! mutex, so the wait of one attempt is bounded by the number of requests
//! ahead of it divided by N, and none is starved.
//!
//! This is separate from the SDK's adaptive retry mode, which also paces
//! requests but only after the service has throttled: the cap keeps rampart
//! from being the reason the account's own automation gets throttled.

use std::collections::HashMap;
use std::fmt;
use std::num::NonZeroU32;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use aws_smithy_runtime_api::box_error::BoxError;
use aws_smithy_runtime_api::client::behavior_version::BehaviorVersion;
use aws_smithy_runtime_api::client::connector_metadata::ConnectorMetadata;
use aws_smithy_runtime_api::client::http::{
    HttpClient, HttpConnector, HttpConnectorFuture, HttpConnectorSettings, SharedHttpClient,
    SharedHttpConnector,
};
use aws_smithy_runtime_api::client::orchestrator::HttpRequest;
use aws_smithy_runtime_api::client::runtime_components::{
    RuntimeComponents, RuntimeComponentsBuilder,
};
use aws_smithy_runtime_api::client::runtime_plugin::RuntimePlugin;
use aws_smithy_types::config_bag::ConfigBag;
use governor::clock::Clock;
use governor::middleware::NoOpMiddleware;
use governor::state::{InMemoryState, NotKeyed};
use governor::{Quota, RateLimiter};

/// The default cap, requests per second per service and region. EC2, the
/// service rampart calls most, refills each Describe* action's token bucket
/// at 20 requests per second per account and region (bucket of 100): 10 per
/// second across all of rampart's EC2 calls in a region leaves at least half
/// of every action's refill to the account's own automation, even if every
/// call were the same action.
pub const DEFAULT_MAX_RPS: u32 = 10;

/// Governor's clock, read from tokio's: the limiter and the sleeps that wait
/// for it share one time source (and tests can pause it).
#[derive(Debug, Clone, Copy, Default)]
struct TokioClock;

impl Clock for TokioClock {
    type Instant = std::time::Instant;

    fn now(&self) -> Self::Instant {
        tokio::time::Instant::now().into_std()
    }
}

type Limiter = RateLimiter<NotKeyed, InMemoryState, TokioClock, NoOpMiddleware<std::time::Instant>>;

/// One (service, region) pair's cap.
struct Gate {
    /// Held while waiting for the limiter: tokio's mutex is fair, so
    /// attempts get through in the order they arrived.
    turn: tokio::sync::Mutex<()>,
    limiter: Limiter,
}

impl fmt::Debug for Gate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Gate")
    }
}

impl Gate {
    fn new(max_rps: NonZeroU32) -> Gate {
        // Burst of one: evenly spaced requests, never N at once.
        let quota = Quota::per_second(max_rps).allow_burst(NonZeroU32::MIN);
        Gate {
            turn: tokio::sync::Mutex::new(()),
            limiter: RateLimiter::direct_with_clock(quota, TokioClock),
        }
    }

    /// Waits until one more request may leave; returns how long that took.
    async fn admit(&self) -> Duration {
        let start = tokio::time::Instant::now();
        let _turn = self.turn.lock().await;
        while let Err(not_until) = self.limiter.check() {
            tokio::time::sleep(not_until.wait_time_from(TokioClock.now())).await;
        }
        start.elapsed()
    }
}

/// Every gate of one scan, created on first use.
pub(crate) struct RateCaps {
    max_rps: NonZeroU32,
    /// The SDK's default HTTPS client, shared (one connection pool).
    inner: SharedHttpClient,
    gates: Mutex<HashMap<(&'static str, String), Arc<Gate>>>,
}

impl RateCaps {
    pub(crate) fn new(max_rps: u32) -> RateCaps {
        RateCaps::with_client(max_rps, sdk_default_http_client())
    }

    fn with_client(max_rps: u32, inner: SharedHttpClient) -> RateCaps {
        RateCaps {
            max_rps: NonZeroU32::new(max_rps).unwrap_or(NonZeroU32::MIN),
            inner,
            gates: Mutex::new(HashMap::new()),
        }
    }

    pub(crate) fn max_rps(&self) -> u32 {
        self.max_rps.get()
    }

    fn gate(&self, service: &'static str, region: &str) -> Arc<Gate> {
        self.gates
            .lock()
            .expect("rate gates poisoned")
            .entry((service, region.to_string()))
            .or_insert_with(|| Arc::new(Gate::new(self.max_rps)))
            .clone()
    }

    /// The HTTP client for `service` in `region` (`"global"` for IAM): the
    /// SDK's default client behind that pair's gate. Clients of the same pair
    /// share one gate.
    pub(crate) fn http_client(&self, service: &'static str, region: &str) -> SharedHttpClient {
        SharedHttpClient::new(CappedClient {
            inner: self.inner.clone(),
            gate: self.gate(service, region),
            service,
        })
    }
}

/// What the SDK would use without us: its default plugin's HTTPS client
/// (rustls, proxy settings from the environment, the connect and read
/// timeouts it is handed per attempt).
fn sdk_default_http_client() -> SharedHttpClient {
    aws_smithy_runtime::client::defaults::default_http_client_plugin_v2(BehaviorVersion::latest())
        .and_then(|plugin| {
            plugin
                .runtime_components(&RuntimeComponentsBuilder::new("rampart"))
                .http_client()
        })
        .expect("aws-smithy-runtime's default-https-client feature is enabled in Cargo.toml")
}

#[derive(Debug)]
struct CappedClient {
    inner: SharedHttpClient,
    gate: Arc<Gate>,
    service: &'static str,
}

impl HttpClient for CappedClient {
    fn http_connector(
        &self,
        settings: &HttpConnectorSettings,
        components: &RuntimeComponents,
    ) -> SharedHttpConnector {
        SharedHttpConnector::new(CappedConnector {
            inner: self.inner.http_connector(settings, components),
            gate: self.gate.clone(),
            service: self.service,
        })
    }

    fn validate_base_client_config(
        &self,
        runtime_components: &RuntimeComponentsBuilder,
        cfg: &ConfigBag,
    ) -> Result<(), BoxError> {
        self.inner
            .validate_base_client_config(runtime_components, cfg)
    }

    fn validate_final_config(
        &self,
        runtime_components: &RuntimeComponents,
        cfg: &ConfigBag,
    ) -> Result<(), BoxError> {
        self.inner.validate_final_config(runtime_components, cfg)
    }

    fn connector_metadata(&self) -> Option<ConnectorMetadata> {
        self.inner.connector_metadata()
    }
}

/// Runs once per attempt (the orchestrator asks for a connector each time).
#[derive(Debug)]
struct CappedConnector {
    inner: SharedHttpConnector,
    gate: Arc<Gate>,
    service: &'static str,
}

impl HttpConnector for CappedConnector {
    fn call(&self, request: HttpRequest) -> HttpConnectorFuture {
        let inner = self.inner.clone();
        let gate = self.gate.clone();
        let service = self.service;
        HttpConnectorFuture::new(async move {
            let waited = gate.admit().await;
            if waited >= Duration::from_millis(500) {
                tracing::debug!(service, ?waited, "request held back by --max-rps");
            }
            inner.call(request).await
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use aws_smithy_runtime_api::client::orchestrator::HttpResponse;
    use aws_smithy_runtime_api::http::StatusCode;
    use aws_smithy_types::body::SdkBody;
    use std::sync::atomic::{AtomicU32, Ordering};

    fn rps(n: u32) -> NonZeroU32 {
        NonZeroU32::new(n).unwrap()
    }

    /// Paused time: sleeps advance the clock instantly and exactly, so the
    /// admission times are the limiter's decisions, not scheduler noise.
    #[tokio::test(start_paused = true)]
    async fn requests_leave_evenly_spaced_at_the_cap() {
        let gate = Arc::new(Gate::new(rps(4)));
        let t0 = tokio::time::Instant::now();
        let tasks: Vec<_> = (0..9)
            .map(|_| {
                let gate = gate.clone();
                tokio::spawn(async move {
                    gate.admit().await;
                    t0.elapsed()
                })
            })
            .collect();
        let mut times = Vec::new();
        for t in tasks {
            times.push(t.await.unwrap());
        }
        times.sort();
        let ms: Vec<u128> = times.iter().map(Duration::as_millis).collect();
        assert_eq!(ms, vec![0, 250, 500, 750, 1000, 1250, 1500, 1750, 2000]);
        // So no one-second window [t, t + 1 s) holds more than the cap.
        for (i, start) in times.iter().enumerate() {
            let within = times[i..]
                .iter()
                .take_while(|t| **t < *start + Duration::from_secs(1))
                .count();
            assert!(within <= 4, "{within} requests within 1 s of {start:?}");
        }
    }

    #[tokio::test(start_paused = true)]
    async fn an_idle_gate_lets_one_request_through_at_once_not_a_burst() {
        let gate = Gate::new(rps(10));
        tokio::time::sleep(Duration::from_secs(30)).await;
        assert_eq!(gate.admit().await, Duration::ZERO);
        // Idle time does not bank tokens: the second waits its 100 ms.
        assert_eq!(gate.admit().await, Duration::from_millis(100));
    }

    #[tokio::test(start_paused = true)]
    async fn pairs_are_capped_independently_and_share_a_gate() {
        let caps = RateCaps::with_client(1, counting_client(Arc::default()));
        let a = caps.gate("ec2", "us-east-1");
        let b = caps.gate("ec2", "eu-west-1");
        let c = caps.gate("iam", "global");
        assert_eq!(a.admit().await, Duration::ZERO);
        assert_eq!(b.admit().await, Duration::ZERO);
        assert_eq!(c.admit().await, Duration::ZERO);
        // A second client of the same pair gets the same gate.
        let again = caps.gate("ec2", "us-east-1");
        assert!(Arc::ptr_eq(&a, &again));
        assert_eq!(again.admit().await, Duration::from_secs(1));
    }

    /// A connector answering every request with `status`, counting them.
    fn counting_client(sent: Arc<AtomicU32>) -> SharedHttpClient {
        #[derive(Debug)]
        struct Counting(Arc<AtomicU32>);
        impl HttpConnector for Counting {
            fn call(&self, _request: HttpRequest) -> HttpConnectorFuture {
                let n = self.0.fetch_add(1, Ordering::SeqCst);
                // Two throttling answers, then success.
                let (status, body) = if n < 2 {
                    (
                        400,
                        "<Response><Errors><Error><Code>RequestLimitExceeded</Code>\
                         <Message>slow down</Message></Error></Errors><RequestID>r</RequestID></Response>",
                    )
                } else {
                    (
                        200,
                        "<DescribeVpcsResponse xmlns=\"http://ec2.amazonaws.com/doc/2016-11-15/\">\
                         <requestId>r</requestId><vpcSet/></DescribeVpcsResponse>",
                    )
                };
                HttpConnectorFuture::ready(Ok(HttpResponse::new(
                    StatusCode::try_from(status).unwrap(),
                    SdkBody::from(body),
                )))
            }
        }
        let connector = SharedHttpConnector::new(Counting(sent));
        aws_smithy_runtime_api::client::http::http_client_fn(move |_, _| connector.clone())
    }

    /// Through a real SDK client: every attempt, retries included, passes
    /// the gate, so a call retried twice spends three of its slots.
    #[tokio::test(start_paused = true)]
    async fn retries_pass_the_cap_like_first_attempts() {
        let sent = Arc::new(AtomicU32::new(0));
        let caps = RateCaps::with_client(2, counting_client(sent.clone()));
        let conf = aws_sdk_ec2::Config::builder()
            .behavior_version(aws_sdk_ec2::config::BehaviorVersion::latest())
            .region(aws_sdk_ec2::config::Region::new("us-east-1"))
            .credentials_provider(aws_sdk_ec2::config::Credentials::new(
                "AKID", "secret", None, None, "test",
            ))
            .retry_config(
                aws_sdk_ec2::config::retry::RetryConfig::standard()
                    .with_max_attempts(3)
                    .with_initial_backoff(Duration::from_millis(1))
                    .with_max_backoff(Duration::from_millis(1)),
            )
            .http_client(caps.http_client("ec2", "us-east-1"))
            .build();
        let client = aws_sdk_ec2::Client::from_conf(conf);
        let t0 = tokio::time::Instant::now();
        client
            .describe_vpcs()
            .send()
            .await
            .expect("third attempt succeeds");
        assert_eq!(sent.load(Ordering::SeqCst), 3);
        // Slots at 0, 0.5 and 1 s (2 per second); the 1 ms backoffs are
        // noise. Without the cap the call would take about 2 ms.
        let took = t0.elapsed();
        assert!(
            took >= Duration::from_secs(1) && took < Duration::from_millis(1100),
            "{took:?}"
        );
    }
}
