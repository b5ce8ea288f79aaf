//! A fault-injecting HTTP/1.1 proxy between `rampart` and the emulator: it
//! names the AWS operation of every request (`service:Operation`, the
//! spelling of the snapshot's `api_calls`), counts it, and forwards it, or
//! answers with a fault in that service's real wire format.
//!
//! # API
//!
//! ```ignore
//! let proxy = proxy::start(&emu.url, FaultPlan::new()
//!     .seed(7)
//!     .throttle_rate(0.2)              // service's throttling error
//!     .server_error_rate(0.1)          // 500 / 503 in the service's format
//!     .reset_rate(0.05)                // TCP reset instead of an answer
//!     .truncate_rate(0.05)             // body cut short mid-transfer
//!     .cut_rate(0.05)                  // body cut, Content-Length rewritten to match
//!     .delay(0.1, Duration::from_millis(200))
//!     .deny("ec2:DescribeVpcs")        // AccessDenied / UnauthorizedOperation
//!     .spare("sts:*")                  // never faulted at random
//!     .rule(Rule::new("wafv2:ListWebACLs", Fault::Throttle).times(2)));
//! rampart(&args, &[("AWS_ENDPOINT_URL", proxy.url()), ...]);
//! let ops: BTreeMap<String, OpStats> = proxy.operations();
//! ```
//!
//! - [`start`] (or [`Proxy::start`]) binds 127.0.0.1 on a free port; the
//!   proxy stops when the [`Proxy`] is dropped.
//! - [`FaultPlan`]: public fields with builder methods of the same names.
//!   Order of precedence per request: `deny` set, then the first matching
//!   [`Rule`], then (unless the operation is `spare`d) the random faults.
//! - Random faults are deterministic: the draw for a request is a hash of
//!   the seed, the operation and how many requests of that operation came
//!   before it (retries included), so thread interleaving between different
//!   operations never changes which requests are faulted.
//! - Operations: query protocols (EC2, ELBv2, IAM, STS) by the `Action`
//!   form (or query) parameter, awsJson services (WAFv2, CloudTrail,
//!   Shield, ...) by `X-Amz-Target`, API Gateway v1/v2 by method + path template
//!   ([`APIGATEWAY_ROUTES`]), Inspector by its POST paths
//!   ([`INSPECTOR_ROUTES`]), GuardDuty by its GET path templates
//!   ([`GUARDDUTY_ROUTES`]), CloudFront (restXml) by its GET paths
//!   ([`CLOUDFRONT_ROUTES`]); the service is the SigV4 credential scope's.
//!   An unidentified request is recorded as `SERVICE:?METHOD PATH` and
//!   forwarded untouched.
//! - Wire formats ([`error_response`]): EC2 `<Response><Errors><Error>`,
//!   ELBv2/IAM/STS and CloudFront (restXml, wrapped errors)
//!   `<ErrorResponse><Error><Type>`, restJson1 (API Gateway,
//!   Inspector, GuardDuty) with `x-amzn-ErrorType`, awsJson1_1 (WAFv2,
//!   CloudTrail, Shield, ...) `{"__type": ...}`.
//!
//! Upstream connections are one per request (`Connection: close`) and so are
//! client ones: simple, and no pooled connection outlives a fault.

use std::collections::{BTreeMap, BTreeSet};
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::Duration;

/// A fault the proxy can answer a request with.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Fault {
    /// The service's throttling error: EC2 `RequestLimitExceeded` (503),
    /// ELBv2/IAM/STS and CloudFront `Throttling` (400), API Gateway and GuardDuty
    /// `TooManyRequestsException` (429), Inspector `ThrottlingException`
    /// (429), WAFv2 and the other awsJson services (CloudTrail and Shield
    /// among them) `ThrottlingException` (400).
    Throttle,
    /// A server error with this status (500 or 503) in the service's format.
    ServerError(u16),
    /// Access denied: EC2 `UnauthorizedOperation`, ELBv2/IAM/STS and
    /// CloudFront `AccessDenied`, API Gateway and WAFv2 `AccessDeniedException`; 403
    /// except WAFv2's 400 (awsJson services answer client errors with 400).
    Deny,
    /// Any error code and status, in the service's format.
    Error { status: u16, code: String },
    /// A web server's own HTML error page with this status, not the
    /// service's format: what moto's server (werkzeug) sends for an
    /// operation it does not implement.
    Html(u16),
    /// The connection is reset (RST) after the request is read.
    Reset,
    /// The request is forwarded and the answer's headers announce the full
    /// body, of which only the first half is sent before the connection
    /// closes.
    Truncate,
    /// The request is forwarded and the answer's body cut to its first
    /// half, with a `Content-Length` that announces exactly the cut (a
    /// middlebox that rewrote the length): on the wire a complete
    /// message, only its content can tell it is not the whole answer.
    Cut,
    /// The request is forwarded and every `from` in the answer's body
    /// replaced by `to`, with the length announced to match: an answer
    /// whole on the wire and in its syntax, with content no service sends
    /// (a malformed resource id).
    Rewrite { from: String, to: String },
    /// The request is forwarded after this delay.
    Delay(Duration),
}

impl Fault {
    /// The label [`OpStats::faults`] counts this fault under.
    pub fn label(&self) -> String {
        match self {
            Fault::Throttle => "throttle".into(),
            Fault::ServerError(s) => s.to_string(),
            Fault::Deny => "deny".into(),
            Fault::Error { code, .. } => code.clone(),
            Fault::Html(status) => format!("html-{status}"),
            Fault::Reset => "reset".into(),
            Fault::Truncate => "truncate".into(),
            Fault::Cut => "cut".into(),
            Fault::Rewrite { .. } => "rewrite".into(),
            Fault::Delay(_) => "delay".into(),
        }
    }
}

/// A fault for the requests of the operations `op` matches: an exact
/// `service:Operation`, `service:*`, or `*`.
#[derive(Clone, Debug)]
pub struct Rule {
    pub op: String,
    pub fault: Fault,
    /// How many matching requests pass untouched before the rule applies.
    pub skip: u64,
    /// How many matching requests (after `skip`) get the fault; `None`: all.
    pub times: Option<u64>,
}

impl Rule {
    pub fn new(op: &str, fault: Fault) -> Rule {
        Rule {
            op: op.to_string(),
            fault,
            skip: 0,
            times: None,
        }
    }
    pub fn skip(mut self, n: u64) -> Rule {
        self.skip = n;
        self
    }
    pub fn times(mut self, n: u64) -> Rule {
        self.times = Some(n);
        self
    }
    fn applies(&self, op: &str, nth: u64) -> bool {
        op_matches(&self.op, op)
            && nth >= self.skip
            && self.times.is_none_or(|t| nth < self.skip + t)
    }
}

fn op_matches(pattern: &str, op: &str) -> bool {
    match pattern.strip_suffix('*') {
        Some(prefix) => op.starts_with(prefix),
        None => pattern == op,
    }
}

/// What the proxy does to the requests it forwards. `FaultPlan::new()` (or
/// `default()`) forwards everything untouched and only records.
#[derive(Clone, Debug, Default)]
pub struct FaultPlan {
    pub seed: u64,
    /// Share of requests answered with [`Fault::Throttle`].
    pub throttle_rate: f64,
    /// Share answered with a 500 or 503 (half each, by the same draw).
    pub server_error_rate: f64,
    /// Share answered with [`Fault::Reset`].
    pub reset_rate: f64,
    /// Share answered with [`Fault::Truncate`].
    pub truncate_rate: f64,
    /// Share answered with [`Fault::Cut`].
    pub cut_rate: f64,
    /// Share of the otherwise untouched requests forwarded after `delay`.
    pub delay_rate: f64,
    pub delay: Duration,
    /// Operations (`service:Operation`, or a `*` pattern) always denied.
    pub deny: BTreeSet<String>,
    /// Operations (or patterns) never given a random fault.
    pub spare: BTreeSet<String>,
    /// Per-operation rules; the first that applies wins.
    pub rules: Vec<Rule>,
    /// (operation or pattern, text): requests of the operation whose body
    /// contains the text are always denied (one account's
    /// `sts:AssumeRole` among many, by the account id in its `RoleArn`).
    pub deny_body: Vec<(String, String)>,
}

impl FaultPlan {
    pub fn new() -> FaultPlan {
        FaultPlan::default()
    }
    pub fn seed(mut self, seed: u64) -> FaultPlan {
        self.seed = seed;
        self
    }
    pub fn throttle_rate(mut self, rate: f64) -> FaultPlan {
        self.throttle_rate = rate;
        self
    }
    pub fn server_error_rate(mut self, rate: f64) -> FaultPlan {
        self.server_error_rate = rate;
        self
    }
    pub fn reset_rate(mut self, rate: f64) -> FaultPlan {
        self.reset_rate = rate;
        self
    }
    pub fn truncate_rate(mut self, rate: f64) -> FaultPlan {
        self.truncate_rate = rate;
        self
    }
    pub fn cut_rate(mut self, rate: f64) -> FaultPlan {
        self.cut_rate = rate;
        self
    }
    pub fn delay(mut self, rate: f64, delay: Duration) -> FaultPlan {
        self.delay_rate = rate;
        self.delay = delay;
        self
    }
    pub fn deny(mut self, op: &str) -> FaultPlan {
        self.deny.insert(op.to_string());
        self
    }
    pub fn spare(mut self, op: &str) -> FaultPlan {
        self.spare.insert(op.to_string());
        self
    }
    pub fn rule(mut self, rule: Rule) -> FaultPlan {
        self.rules.push(rule);
        self
    }
    pub fn deny_body(mut self, op: &str, text: &str) -> FaultPlan {
        self.deny_body.push((op.to_string(), text.to_string()));
        self
    }

    /// [`FaultPlan::decide`], after the body-matching denials.
    pub fn decide_request(&self, op: &str, nth: u64, body: &[u8]) -> Option<Fault> {
        let body = String::from_utf8_lossy(body);
        if self
            .deny_body
            .iter()
            .any(|(p, text)| op_matches(p, op) && body.contains(text.as_str()))
        {
            return Some(Fault::Deny);
        }
        self.decide(op, nth)
    }

    /// The fault (if any) for the `nth` (0-based) request of `op`.
    pub fn decide(&self, op: &str, nth: u64) -> Option<Fault> {
        if self.deny.iter().any(|p| op_matches(p, op)) {
            return Some(Fault::Deny);
        }
        if let Some(rule) = self.rules.iter().find(|r| r.applies(op, nth)) {
            return Some(rule.fault.clone());
        }
        if self.spare.iter().any(|p| op_matches(p, op)) {
            return None;
        }
        let total = self.throttle_rate
            + self.server_error_rate
            + self.reset_rate
            + self.truncate_rate
            + self.cut_rate;
        assert!(
            total <= 1.0 && self.delay_rate <= 1.0,
            "fault rates add up to more than 1"
        );
        let u = unit(self.seed, op, nth, 0);
        let mut edge = self.throttle_rate;
        if u < edge {
            return Some(Fault::Throttle);
        }
        edge += self.server_error_rate;
        if u < edge {
            let status = if unit(self.seed, op, nth, 1) < 0.5 {
                500
            } else {
                503
            };
            return Some(Fault::ServerError(status));
        }
        edge += self.reset_rate;
        if u < edge {
            return Some(Fault::Reset);
        }
        edge += self.truncate_rate;
        if u < edge {
            return Some(Fault::Truncate);
        }
        edge += self.cut_rate;
        if u < edge {
            return Some(Fault::Cut);
        }
        (unit(self.seed, op, nth, 2) < self.delay_rate).then_some(Fault::Delay(self.delay))
    }
}

/// A uniform draw in [0, 1) from (seed, op, nth, stream): FNV-1a over the
/// operation, mixed with splitmix64.
fn unit(seed: u64, op: &str, nth: u64, stream: u64) -> f64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in op.bytes() {
        h = (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3);
    }
    let mut x = seed
        ^ h
        ^ nth.wrapping_mul(0x9e37_79b9_7f4a_7c15)
        ^ stream.wrapping_mul(0xd1b5_4a32_d192_ed03);
    x = x.wrapping_add(0x9e37_79b9_7f4a_7c15);
    x = (x ^ (x >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    x = (x ^ (x >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    x ^= x >> 31;
    (x >> 11) as f64 / (1u64 << 53) as f64
}

/// What the proxy saw of one operation.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct OpStats {
    /// Requests (every attempt, so retries count).
    pub count: u64,
    /// Requests given any fault (delays included).
    pub faulted: u64,
    /// Faulted requests by [`Fault::label`].
    pub faults: BTreeMap<String, u64>,
    /// Regions of the SigV4 credential scopes.
    pub regions: BTreeSet<String>,
}

#[derive(Default)]
struct Shared {
    ops: Mutex<BTreeMap<String, OpStats>>,
}

/// A running proxy; stops accepting when dropped.
pub struct Proxy {
    url: String,
    shared: Arc<Shared>,
    stop: Arc<AtomicBool>,
    accept: Option<JoinHandle<()>>,
}

/// Starts a proxy to `upstream` (`http://127.0.0.1:PORT`).
pub fn start(upstream: &str, plan: FaultPlan) -> Proxy {
    Proxy::start(upstream, plan)
}

impl Proxy {
    pub fn start(upstream: &str, plan: FaultPlan) -> Proxy {
        let upstream = upstream
            .strip_prefix("http://")
            .unwrap_or_else(|| panic!("upstream {upstream:?} is not http://HOST:PORT"))
            .trim_end_matches('/')
            .to_string();
        assert!(
            upstream.starts_with("127.0.0.1:") || upstream.starts_with("localhost:"),
            "the proxy only forwards to loopback, not {upstream}"
        );
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind the proxy");
        let addr = listener.local_addr().expect("proxy address");
        let shared = Arc::new(Shared::default());
        let stop = Arc::new(AtomicBool::new(false));
        let plan = Arc::new(plan);
        let accept = {
            let (shared, stop) = (shared.clone(), stop.clone());
            std::thread::spawn(move || {
                for conn in listener.incoming() {
                    if stop.load(Ordering::SeqCst) {
                        break;
                    }
                    let Ok(conn) = conn else { continue };
                    let (shared, plan, upstream) = (shared.clone(), plan.clone(), upstream.clone());
                    std::thread::spawn(move || {
                        let _ = serve(conn, &upstream, &plan, &shared);
                    });
                }
            })
        };
        Proxy {
            url: format!("http://{addr}"),
            shared,
            stop,
            accept: Some(accept),
        }
    }

    /// `http://127.0.0.1:PORT`, for `AWS_ENDPOINT_URL`.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// Every operation seen so far.
    pub fn operations(&self) -> BTreeMap<String, OpStats> {
        self.shared.ops.lock().expect("proxy stats").clone()
    }
}

impl Drop for Proxy {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        // Wake the blocking accept so its thread sees the flag and ends.
        let _ = TcpStream::connect(self.url.trim_start_matches("http://"));
        if let Some(t) = self.accept.take() {
            let _ = t.join();
        }
    }
}

/// One HTTP request as read from the client.
#[derive(Clone, Debug, Default)]
pub struct Request {
    pub method: String,
    /// The request target: path and query.
    pub target: String,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Request {
    pub fn header(&self, name: &str) -> Option<&str> {
        header(&self.headers, name)
    }
    fn path(&self) -> &str {
        self.target.split('?').next().unwrap_or_default()
    }
    fn query(&self) -> &str {
        self.target
            .split_once('?')
            .map(|(_, q)| q)
            .unwrap_or_default()
    }
}

/// One HTTP response.
#[derive(Clone, Debug, Default)]
pub struct Response {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Response {
    pub fn header(&self, name: &str) -> Option<&str> {
        header(&self.headers, name)
    }
}

fn header<'a>(headers: &'a [(String, String)], name: &str) -> Option<&'a str> {
    headers
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case(name))
        .map(|(_, v)| v.as_str())
}

/// The wire dialect of a service's errors.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Dialect {
    /// EC2's own query protocol.
    Ec2Query,
    /// awsQuery (ELBv2, IAM, STS).
    AwsQuery,
    /// restXml with wrapped errors (CloudFront): the body is awsQuery's,
    /// `<ErrorResponse><Error><Type>` with `<Code>` and `<Message>`
    /// (`rest_xml_wrapped_errors::parse_error_metadata` in the Rust SDK),
    /// in CloudFront's namespace.
    RestXml,
    /// restJson1 (API Gateway v1 and v2, Inspector, GuardDuty).
    RestJson,
    /// awsJson1_1 (WAFv2, Organizations, Systems Manager, KMS, ACM,
    /// CloudTrail, Shield, ECS, Cloud Map).
    AwsJson,
}

/// The error dialect of an operation, by its IAM service prefix.
pub fn dialect(op: &str) -> Dialect {
    match op.split(':').next().unwrap_or_default() {
        "ec2" => Dialect::Ec2Query,
        "apigateway" | "apigatewayv2" | "inspector2" | "guardduty" => Dialect::RestJson,
        "cloudfront" => Dialect::RestXml,
        "wafv2" | "organizations" | "ssm" | "kms" | "acm" | "cloudtrail" | "shield" | "ecs"
        | "servicediscovery" => Dialect::AwsJson,
        _ => Dialect::AwsQuery,
    }
}

/// The POST routes of Amazon Inspector the collector reads (restJson1: every
/// read is a POST with a JSON body): (path, operation)
/// (<https://docs.aws.amazon.com/inspector/v2/APIReference/API_Operations.html>).
pub const INSPECTOR_ROUTES: &[(&str, &str)] = &[
    ("/status/batch/get", "inspector2:BatchGetAccountStatus"),
    ("/coverage/list", "inspector2:ListCoverage"),
    (
        "/findings/aggregation/list",
        "inspector2:ListFindingAggregations",
    ),
    ("/findings/list", "inspector2:ListFindings"),
];

/// The GET routes of GuardDuty the collector reads (restJson1): (path
/// template, operation)
/// (<https://docs.aws.amazon.com/guardduty/latest/APIReference/API_ListDetectors.html>,
/// <https://docs.aws.amazon.com/guardduty/latest/APIReference/API_GetDetector.html>).
/// CloudTrail, Shield, ECS and Cloud Map (awsJson1_1) need no table: their
/// `X-Amz-Target`, `CloudTrail_20131101.DescribeTrails`,
/// `AWSShield_20160616.GetSubscriptionState`,
/// `AmazonEC2ContainerServiceV20141113.ListClusters` or
/// `Route53AutoNaming_v20170314.ListInstances` as the Rust SDK sends it
/// (`com.amazonaws.cloudtrail.v20131101.CloudTrail_20131101.DescribeTrails`
/// in the service model), names the operation after its last dot.
pub const GUARDDUTY_ROUTES: &[(&str, &str)] = &[
    ("/detector", "guardduty:ListDetectors"),
    ("/detector/{detectorId}", "guardduty:GetDetector"),
];

/// The GET routes of CloudFront the collector reads (restXml, under the API
/// version): (path template, operation)
/// (<https://docs.aws.amazon.com/cloudfront/latest/APIReference/API_ListDistributions.html>:
/// `GET /2020-05-31/distribution?Marker=...&MaxItems=...`;
/// <https://docs.aws.amazon.com/cloudfront/latest/APIReference/API_GetVpcOrigin.html>:
/// `GET /2020-05-31/vpc-origin/{Id}`).
pub const CLOUDFRONT_ROUTES: &[(&str, &str)] = &[
    ("/2020-05-31/distribution", "cloudfront:ListDistributions"),
    ("/2020-05-31/vpc-origin/{Id}", "cloudfront:GetVpcOrigin"),
];

/// The GET routes of API Gateway the collector reads: (path template,
/// operation). `{x}` matches one path segment.
pub const APIGATEWAY_ROUTES: &[(&str, &str)] = &[
    ("/restapis", "apigateway:GetRestApis"),
    ("/restapis/{restapi_id}", "apigateway:GetRestApi"),
    (
        "/restapis/{restapi_id}/resources",
        "apigateway:GetResources",
    ),
    (
        "/restapis/{restapi_id}/resources/{resource_id}",
        "apigateway:GetResource",
    ),
    (
        "/restapis/{restapi_id}/resources/{resource_id}/methods/{http_method}",
        "apigateway:GetMethod",
    ),
    (
        "/restapis/{restapi_id}/resources/{resource_id}/methods/{http_method}/integration",
        "apigateway:GetIntegration",
    ),
    ("/restapis/{restapi_id}/stages", "apigateway:GetStages"),
    (
        "/restapis/{restapi_id}/stages/{stage_name}",
        "apigateway:GetStage",
    ),
    (
        "/restapis/{restapi_id}/authorizers",
        "apigateway:GetAuthorizers",
    ),
    ("/vpclinks", "apigateway:GetVpcLinks"),
    ("/usageplans", "apigateway:GetUsagePlans"),
    ("/domainnames", "apigateway:GetDomainNames"),
    (
        "/domainnames/{domain_name}/basepathmappings",
        "apigateway:GetBasePathMappings",
    ),
    ("/clientcertificates", "apigateway:GetClientCertificates"),
    (
        "/clientcertificates/{clientcertificate_id}",
        "apigateway:GetClientCertificate",
    ),
    ("/v2/apis", "apigatewayv2:GetApis"),
    ("/v2/apis/{apiId}", "apigatewayv2:GetApi"),
    (
        "/v2/apis/{apiId}/authorizers",
        "apigatewayv2:GetAuthorizers",
    ),
    (
        "/v2/apis/{apiId}/integrations",
        "apigatewayv2:GetIntegrations",
    ),
    ("/v2/apis/{apiId}/routes", "apigatewayv2:GetRoutes"),
    ("/v2/apis/{apiId}/stages", "apigatewayv2:GetStages"),
    ("/v2/vpclinks", "apigatewayv2:GetVpcLinks"),
    ("/v2/domainnames", "apigatewayv2:GetDomainNames"),
    (
        "/v2/domainnames/{domainName}/apimappings",
        "apigatewayv2:GetApiMappings",
    ),
];

/// The route template of an API Gateway operation (for its IAM resource).
pub fn apigateway_route(op: &str) -> Option<&'static str> {
    APIGATEWAY_ROUTES
        .iter()
        .find(|(_, o)| *o == op)
        .map(|(t, _)| *t)
}

fn route_matches(template: &str, path: &str) -> bool {
    let t: Vec<&str> = template.split('/').collect();
    let p: Vec<&str> = path.split('/').collect();
    t.len() == p.len()
        && t.iter().zip(&p).all(|(t, p)| {
            if t.starts_with('{') {
                !p.is_empty()
            } else {
                t == p
            }
        })
}

/// (service, region) of the SigV4 credential scope
/// `Credential=AKID/DATE/REGION/SERVICE/aws4_request`.
pub fn credential_scope(authorization: &str) -> Option<(String, String)> {
    let cred = authorization.split("Credential=").nth(1)?;
    let cred = cred.split([',', ' ']).next()?;
    let parts: Vec<&str> = cred.split('/').collect();
    (parts.len() == 5 && parts[4] == "aws4_request")
        .then(|| (parts[3].to_string(), parts[2].to_string()))
}

fn form_param(form: &str, key: &str) -> Option<String> {
    form.split('&').find_map(|kv| {
        let (k, v) = kv.split_once('=')?;
        (k == key).then(|| v.replace('+', " "))
    })
}

/// The IAM-prefixed operation of a request: `ec2:DescribeInstances`.
pub fn identify(req: &Request) -> String {
    let service = req
        .header("authorization")
        .and_then(credential_scope)
        .map(|(s, _)| s)
        .unwrap_or_else(|| "unsigned".to_string());
    if let Some(target) = req.header("x-amz-target") {
        let op = target.rsplit('.').next().unwrap_or(target);
        return format!("{service}:{op}");
    }
    let form = String::from_utf8_lossy(&req.body);
    if let Some(action) = form_param(&form, "Action").or_else(|| form_param(req.query(), "Action"))
    {
        return format!("{service}:{action}");
    }
    // S3 (rest-xml): only rampart's own results are written there.
    if service == "s3" && req.method == "PUT" && req.path().trim_matches('/').contains('/') {
        return "s3:PutObject".to_string();
    }
    if service == "inspector2" && req.method == "POST" {
        let path = req.path().trim_end_matches('/');
        if let Some((_, op)) = INSPECTOR_ROUTES.iter().find(|(p, _)| *p == path) {
            return op.to_string();
        }
    }
    if service == "guardduty" && req.method == "GET" {
        let path = req.path().trim_end_matches('/');
        if let Some((_, op)) = GUARDDUTY_ROUTES
            .iter()
            .find(|(t, _)| route_matches(t, path))
        {
            return op.to_string();
        }
    }
    if service == "cloudfront" && req.method == "GET" {
        let path = req.path().trim_end_matches('/');
        if let Some((_, op)) = CLOUDFRONT_ROUTES
            .iter()
            .find(|(t, _)| route_matches(t, path))
        {
            return op.to_string();
        }
    }
    if service == "apigateway" && req.method == "GET" {
        let path = req.path().trim_end_matches('/');
        if let Some((_, op)) = APIGATEWAY_ROUTES
            .iter()
            .find(|(t, _)| route_matches(t, path))
        {
            return op.to_string();
        }
    }
    format!("{service}:?{} {}", req.method, req.path())
}

/// The answer to `op` given `fault` (one of the answering faults: not
/// `Reset`, `Truncate` or `Delay`), in the service's wire format.
pub fn error_response(op: &str, fault: &Fault) -> Response {
    if let Fault::Html(status) = fault {
        // werkzeug's page, byte for byte but for the status line.
        let body = format!(
            "<!doctype html>\n<html lang=en>\n<title>{status} {r}</title>\n<h1>{r}</h1>\n<p>The server encountered an internal error and was unable to complete your request. Either the server is overloaded or there is an error in the application.</p>\n",
            r = reason(*status)
        );
        return Response {
            status: *status,
            headers: vec![("Content-Type".into(), "text/html; charset=utf-8".into())],
            body: body.into_bytes(),
        };
    }
    let d = dialect(op);
    let action = iam_action(op);
    let denied = format!(
        "User: arn:aws:iam::123456789012:user/test is not authorized to perform: {action} \
         because no identity-based policy allows the {action} action"
    );
    let (status, code, message): (u16, String, String) = match (fault, d) {
        (Fault::Throttle, Dialect::Ec2Query) => (
            503,
            "RequestLimitExceeded".into(),
            "Request limit exceeded.".into(),
        ),
        // CloudFront's over-rate answer is awsQuery's (its model declares
        // no throttling error; the SDK retries `Throttling` as one).
        (Fault::Throttle, Dialect::AwsQuery | Dialect::RestXml) => {
            (400, "Throttling".into(), "Rate exceeded".into())
        }
        // Inspector's throttling error (API_ListFindings.html, "Errors").
        (Fault::Throttle, Dialect::RestJson) if op.starts_with("inspector2:") => {
            (429, "ThrottlingException".into(), "Rate exceeded".into())
        }
        // API Gateway's; GuardDuty's model declares no throttling error,
        // and AWS answers an over-rate REST call with 429 and this code.
        (Fault::Throttle, Dialect::RestJson) => (
            429,
            "TooManyRequestsException".into(),
            "Too Many Requests".into(),
        ),
        (Fault::Throttle, Dialect::AwsJson) => {
            (400, "ThrottlingException".into(), "Rate exceeded".into())
        }
        (Fault::Deny, Dialect::Ec2Query) => (
            403,
            "UnauthorizedOperation".into(),
            format!("You are not authorized to perform this operation. {denied}"),
        ),
        // CloudFront: `AccessDenied`, 403 (its model's AccessDenied error).
        (Fault::Deny, Dialect::AwsQuery | Dialect::RestXml) => (403, "AccessDenied".into(), denied),
        (Fault::Deny, Dialect::RestJson) => (403, "AccessDeniedException".into(), denied),
        (Fault::Deny, Dialect::AwsJson) => (400, "AccessDeniedException".into(), denied),
        (Fault::ServerError(s), d) => {
            let code = match (s, d) {
                (503, Dialect::Ec2Query) => "Unavailable",
                (_, Dialect::Ec2Query) => "InternalError",
                (503, Dialect::AwsJson) | (503, Dialect::RestJson) => "ServiceUnavailableException",
                (503, Dialect::AwsQuery | Dialect::RestXml) => "ServiceUnavailable",
                // ECS's server error (API_ListClusters.html, "Errors").
                (_, Dialect::AwsJson) if op.starts_with("ecs:") => "ServerException",
                (_, Dialect::AwsJson) => "WAFInternalErrorException",
                _ => "InternalFailure",
            };
            (
                *s,
                code.into(),
                "We encountered an internal error. Please try again.".into(),
            )
        }
        (Fault::Error { status, code }, _) => (*status, code.clone(), format!("{code} (injected)")),
        (other, _) => panic!("{other:?} is not an answering fault"),
    };
    let request_id = format!(
        "{:08x}-0000-4000-8000-000000000000",
        unit(0, op, 0, 9).to_bits() as u32
    );
    let mut headers = vec![("x-amzn-RequestId".to_string(), request_id.clone())];
    let body = match d {
        Dialect::Ec2Query => {
            headers.push(("Content-Type".into(), "text/xml;charset=UTF-8".into()));
            format!(
                "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Response><Errors><Error><Code>{code}</Code><Message>{}</Message></Error></Errors><RequestID>{request_id}</RequestID></Response>",
                xml_escape(&message)
            )
        }
        Dialect::AwsQuery | Dialect::RestXml => {
            headers.push(("Content-Type".into(), "text/xml".into()));
            let kind = if status >= 500 { "Receiver" } else { "Sender" };
            format!(
                "<ErrorResponse xmlns=\"{}\">\n  <Error>\n    <Type>{kind}</Type>\n    <Code>{code}</Code>\n    <Message>{}</Message>\n  </Error>\n  <RequestId>{request_id}</RequestId>\n</ErrorResponse>\n",
                query_namespace(op),
                xml_escape(&message)
            )
        }
        Dialect::RestJson => {
            headers.push(("Content-Type".into(), "application/json".into()));
            headers.push(("x-amzn-ErrorType".into(), code.clone()));
            serde_json::json!({ "message": message }).to_string()
        }
        Dialect::AwsJson => {
            headers.push(("Content-Type".into(), "application/x-amz-json-1.1".into()));
            serde_json::json!({ "__type": code, "Message": message }).to_string()
        }
    };
    Response {
        status,
        headers,
        body: body.into_bytes(),
    }
}

/// The IAM action an operation needs (API Gateway authorises by verb).
pub fn iam_action(op: &str) -> String {
    match op.split_once(':') {
        Some(("apigateway" | "apigatewayv2", _)) => "apigateway:GET".to_string(),
        _ => op.to_string(),
    }
}

fn query_namespace(op: &str) -> &'static str {
    match op.split(':').next().unwrap_or_default() {
        "iam" => "https://iam.amazonaws.com/doc/2010-05-08/",
        "sts" => "https://sts.amazonaws.com/doc/2011-06-15/",
        "autoscaling" => "http://autoscaling.amazonaws.com/doc/2011-01-01/",
        "cloudfront" => "http://cloudfront.amazonaws.com/doc/2020-05-31/",
        _ => "http://elasticloadbalancing.amazonaws.com/doc/2015-12-01/",
    }
}

fn xml_escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        400 => "Bad Request",
        403 => "Forbidden",
        404 => "Not Found",
        429 => "Too Many Requests",
        500 => "Internal Server Error",
        501 => "Not Implemented",
        503 => "Service Unavailable",
        _ => "Status",
    }
}

const IO_TIMEOUT: Duration = Duration::from_secs(60);

/// Serves one client connection: one request, one answer, close.
fn serve(
    conn: TcpStream,
    upstream: &str,
    plan: &FaultPlan,
    shared: &Shared,
) -> std::io::Result<()> {
    conn.set_read_timeout(Some(IO_TIMEOUT))?;
    conn.set_write_timeout(Some(IO_TIMEOUT))?;
    let mut reader = BufReader::new(conn.try_clone()?);
    let Some(req) = read_request(&mut reader, &conn)? else {
        return Ok(());
    };
    let op = identify(&req);
    let region = req
        .header("authorization")
        .and_then(credential_scope)
        .map(|(_, r)| r);
    let fault = {
        let mut ops = shared.ops.lock().expect("proxy stats");
        let stats = ops.entry(op.clone()).or_default();
        let nth = stats.count;
        stats.count += 1;
        stats.regions.extend(region);
        let fault = plan.decide_request(&op, nth, &req.body);
        if let Some(f) = &fault {
            stats.faulted += 1;
            *stats.faults.entry(f.label()).or_default() += 1;
        }
        fault
    };
    let mut conn = conn;
    match fault {
        None => {
            let resp = forward(upstream, &req)?;
            write_response(&mut conn, &resp, None)
        }
        Some(Fault::Delay(d)) => {
            std::thread::sleep(d);
            let resp = forward(upstream, &req)?;
            write_response(&mut conn, &resp, None)
        }
        Some(Fault::Truncate) => {
            let resp = forward(upstream, &req)?;
            write_response(&mut conn, &resp, Some(resp.body.len() / 2))
        }
        Some(Fault::Cut) => {
            let mut resp = forward(upstream, &req)?;
            resp.body.truncate(resp.body.len() / 2);
            write_response(&mut conn, &resp, None)
        }
        Some(Fault::Rewrite { from, to }) => {
            let mut resp = forward(upstream, &req)?;
            resp.body = String::from_utf8_lossy(&resp.body)
                .replace(&from, &to)
                .into_bytes();
            write_response(&mut conn, &resp, None)
        }
        Some(Fault::Reset) => {
            // SO_LINGER 0: close sends RST, not FIN.
            socket2::SockRef::from(&conn).set_linger(Some(Duration::ZERO))?;
            drop(reader);
            drop(conn);
            Ok(())
        }
        Some(f) => write_response(&mut conn, &error_response(&op, &f), None),
    }
}

/// Reads one request (`None` on a connection closed before one arrived).
fn read_request(reader: &mut impl BufRead, conn: &TcpStream) -> std::io::Result<Option<Request>> {
    let mut line = String::new();
    if reader.read_line(&mut line)? == 0 {
        return Ok(None);
    }
    let mut parts = line.split_whitespace();
    let (Some(method), Some(target)) = (parts.next(), parts.next()) else {
        return Ok(None);
    };
    let mut req = Request {
        method: method.to_string(),
        target: target.to_string(),
        ..Request::default()
    };
    req.headers = read_headers(reader)?;
    if req
        .header("expect")
        .is_some_and(|e| e.eq_ignore_ascii_case("100-continue"))
    {
        (&*conn).write_all(b"HTTP/1.1 100 Continue\r\n\r\n")?;
    }
    req.body = read_body(reader, &req.headers, false)?;
    Ok(Some(req))
}

fn read_headers(reader: &mut impl BufRead) -> std::io::Result<Vec<(String, String)>> {
    let mut headers = Vec::new();
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line)? == 0 {
            return Err(std::io::ErrorKind::UnexpectedEof.into());
        }
        let line = line.trim_end_matches(['\r', '\n']);
        if line.is_empty() {
            return Ok(headers);
        }
        if let Some((k, v)) = line.split_once(':') {
            headers.push((k.trim().to_string(), v.trim().to_string()));
        }
    }
}

/// A message body by `Content-Length`, chunked coding, or (responses only)
/// to the end of the stream.
fn read_body(
    reader: &mut impl BufRead,
    headers: &[(String, String)],
    to_eof: bool,
) -> std::io::Result<Vec<u8>> {
    let mut body = Vec::new();
    if header(headers, "transfer-encoding")
        .is_some_and(|t| t.to_ascii_lowercase().contains("chunked"))
    {
        loop {
            let mut size = String::new();
            reader.read_line(&mut size)?;
            let size = usize::from_str_radix(size.trim().split(';').next().unwrap_or("0"), 16)
                .map_err(|_| std::io::Error::other("bad chunk size"))?;
            if size == 0 {
                read_headers(reader)?; // trailers
                return Ok(body);
            }
            let start = body.len();
            body.resize(start + size, 0);
            reader.read_exact(&mut body[start..])?;
            let mut crlf = [0u8; 2];
            reader.read_exact(&mut crlf)?;
        }
    } else if let Some(len) = header(headers, "content-length") {
        let len: usize = len
            .parse()
            .map_err(|_| std::io::Error::other("bad content-length"))?;
        body.resize(len, 0);
        reader.read_exact(&mut body)?;
    } else if to_eof {
        reader.read_to_end(&mut body)?;
    }
    Ok(body)
}

/// Sends `req` to the upstream on a fresh connection and reads the answer.
fn forward(upstream: &str, req: &Request) -> std::io::Result<Response> {
    let mut up = TcpStream::connect(upstream)?;
    up.set_read_timeout(Some(IO_TIMEOUT))?;
    up.set_write_timeout(Some(IO_TIMEOUT))?;
    let mut head = format!("{} {} HTTP/1.1\r\n", req.method, req.target);
    for (k, v) in &req.headers {
        if [
            "connection",
            "content-length",
            "transfer-encoding",
            "expect",
            "keep-alive",
        ]
        .iter()
        .any(|h| k.eq_ignore_ascii_case(h))
        {
            continue;
        }
        head.push_str(&format!("{k}: {v}\r\n"));
    }
    head.push_str(&format!(
        "Content-Length: {}\r\nConnection: close\r\n\r\n",
        req.body.len()
    ));
    up.write_all(head.as_bytes())?;
    up.write_all(&req.body)?;
    up.flush()?;
    let mut reader = BufReader::new(up);
    let mut status_line = String::new();
    reader.read_line(&mut status_line)?;
    let status: u16 = status_line
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .ok_or_else(|| std::io::Error::other(format!("bad status line {status_line:?}")))?;
    let headers = read_headers(&mut reader)?;
    let body = if req.method == "HEAD" || status == 204 || status == 304 {
        Vec::new()
    } else {
        read_body(&mut reader, &headers, true)?
    };
    let _ = reader.get_ref().shutdown(Shutdown::Both);
    Ok(Response {
        status,
        headers,
        body,
    })
}

/// Writes `resp` with its full length announced; `cut_at` sends only that
/// many body bytes (a truncated transfer).
fn write_response(
    conn: &mut TcpStream,
    resp: &Response,
    cut_at: Option<usize>,
) -> std::io::Result<()> {
    let mut head = format!("HTTP/1.1 {} {}\r\n", resp.status, reason(resp.status));
    for (k, v) in &resp.headers {
        if [
            "connection",
            "content-length",
            "transfer-encoding",
            "keep-alive",
        ]
        .iter()
        .any(|h| k.eq_ignore_ascii_case(h))
        {
            continue;
        }
        head.push_str(&format!("{k}: {v}\r\n"));
    }
    head.push_str(&format!(
        "Content-Length: {}\r\nConnection: close\r\n\r\n",
        resp.body.len()
    ));
    conn.write_all(head.as_bytes())?;
    conn.write_all(&resp.body[..cut_at.unwrap_or(resp.body.len())])?;
    conn.flush()?;
    let _ = conn.shutdown(Shutdown::Write);
    // Drain what the client may still send so close does not turn into RST
    // before it read the answer.
    let mut sink = [0u8; 1024];
    let _ = conn.set_read_timeout(Some(Duration::from_secs(2)));
    while matches!(conn.read(&mut sink), Ok(n) if n > 0) {}
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Instant;

    const DATE: &str = "20260101";

    fn signed(service: &str) -> (String, String) {
        (
            "Authorization".to_string(),
            format!(
                "AWS4-HMAC-SHA256 Credential=test/{DATE}/eu-west-1/{service}/aws4_request, \
                 SignedHeaders=host;x-amz-date, Signature=abc"
            ),
        )
    }

    fn query(service: &str, action: &str) -> Request {
        Request {
            method: "POST".into(),
            target: "/".into(),
            headers: vec![
                signed(service),
                (
                    "Content-Type".into(),
                    "application/x-www-form-urlencoded".into(),
                ),
            ],
            body: format!("Action={action}&Version=2016-11-15&MaxResults=5").into_bytes(),
        }
    }

    fn trail(op: &str) -> Request {
        Request {
            method: "POST".into(),
            target: "/".into(),
            headers: vec![
                signed("cloudtrail"),
                ("X-Amz-Target".into(), format!("CloudTrail_20131101.{op}")),
                ("Content-Type".into(), "application/x-amz-json-1.1".into()),
            ],
            body: b"{}".to_vec(),
        }
    }

    fn shield(op: &str) -> Request {
        Request {
            method: "POST".into(),
            target: "/".into(),
            headers: vec![
                signed("shield"),
                ("X-Amz-Target".into(), format!("AWSShield_20160616.{op}")),
                ("Content-Type".into(), "application/x-amz-json-1.1".into()),
            ],
            body: b"{}".to_vec(),
        }
    }

    fn ecs(op: &str) -> Request {
        Request {
            method: "POST".into(),
            target: "/".into(),
            headers: vec![
                signed("ecs"),
                (
                    "X-Amz-Target".into(),
                    format!("AmazonEC2ContainerServiceV20141113.{op}"),
                ),
                ("Content-Type".into(), "application/x-amz-json-1.1".into()),
            ],
            body: b"{}".to_vec(),
        }
    }

    fn cloudmap(op: &str) -> Request {
        Request {
            method: "POST".into(),
            target: "/".into(),
            headers: vec![
                signed("servicediscovery"),
                (
                    "X-Amz-Target".into(),
                    format!("Route53AutoNaming_v20170314.{op}"),
                ),
                ("Content-Type".into(), "application/x-amz-json-1.1".into()),
            ],
            body: b"{}".to_vec(),
        }
    }

    fn guard(method: &str, target: &str) -> Request {
        Request {
            method: method.into(),
            target: target.into(),
            headers: vec![signed("guardduty")],
            body: Vec::new(),
        }
    }

    fn cloudfront(method: &str, target: &str) -> Request {
        Request {
            method: method.into(),
            target: target.into(),
            headers: vec![signed("cloudfront")],
            body: Vec::new(),
        }
    }

    fn rest(method: &str, target: &str) -> Request {
        Request {
            method: method.into(),
            target: target.into(),
            headers: vec![signed("apigateway")],
            body: Vec::new(),
        }
    }

    #[test]
    fn operations_are_named_like_the_snapshot_api_calls() {
        let cases = [
            (query("ec2", "DescribeInstances"), "ec2:DescribeInstances"),
            (
                query("ec2", "GetEbsEncryptionByDefault"),
                "ec2:GetEbsEncryptionByDefault",
            ),
            (
                query("elasticloadbalancing", "DescribeTargetHealth"),
                "elasticloadbalancing:DescribeTargetHealth",
            ),
            (
                query("iam", "ListInstanceProfiles"),
                "iam:ListInstanceProfiles",
            ),
            (query("sts", "GetCallerIdentity"), "sts:GetCallerIdentity"),
            (rest("GET", "/restapis"), "apigateway:GetRestApis"),
            (rest("GET", "/restapis?limit=500"), "apigateway:GetRestApis"),
            (
                rest("GET", "/restapis/a1b2c3/resources?embed=methods&limit=500"),
                "apigateway:GetResources",
            ),
            (
                rest("GET", "/restapis/a1b2c3/resources/r00t/methods/GET"),
                "apigateway:GetMethod",
            ),
            (
                rest("GET", "/restapis/a1b2c3/stages"),
                "apigateway:GetStages",
            ),
            (
                rest("GET", "/restapis/a1b2c3/authorizers"),
                "apigateway:GetAuthorizers",
            ),
            (rest("GET", "/vpclinks"), "apigateway:GetVpcLinks"),
            (rest("GET", "/usageplans"), "apigateway:GetUsagePlans"),
            (rest("GET", "/domainnames"), "apigateway:GetDomainNames"),
            (rest("GET", "/v2/apis"), "apigatewayv2:GetApis"),
            (rest("GET", "/v2/apis/xyz/routes"), "apigatewayv2:GetRoutes"),
            (
                rest("GET", "/v2/apis/xyz/integrations"),
                "apigatewayv2:GetIntegrations",
            ),
            (
                rest("GET", "/v2/apis/xyz/authorizers"),
                "apigatewayv2:GetAuthorizers",
            ),
            (rest("GET", "/v2/apis/xyz/stages"), "apigatewayv2:GetStages"),
            (rest("GET", "/v2/vpclinks"), "apigatewayv2:GetVpcLinks"),
            // Not a read the table knows: recorded as unidentified.
            (
                rest("DELETE", "/restapis/a1b2c3"),
                "apigateway:?DELETE /restapis/a1b2c3",
            ),
            (
                rest("GET", "/restapis/a/b/c/d/e/f/g/h"),
                "apigateway:?GET /restapis/a/b/c/d/e/f/g/h",
            ),
        ];
        for (req, want) in cases {
            assert_eq!(identify(&req), want, "{} {}", req.method, req.target);
        }
        let waf = Request {
            method: "POST".into(),
            target: "/".into(),
            headers: vec![
                signed("wafv2"),
                ("X-Amz-Target".into(), "AWSWAF_20190729.ListWebACLs".into()),
            ],
            body: br#"{"Scope":"REGIONAL"}"#.to_vec(),
        };
        assert_eq!(identify(&waf), "wafv2:ListWebACLs");
        for op in ["DescribeTrails", "GetTrailStatus", "GetEventSelectors"] {
            assert_eq!(identify(&trail(op)), format!("cloudtrail:{op}"));
        }
        // The service model's full target names the same operation.
        let mut full = trail("DescribeTrails");
        full.headers[1].1 =
            "com.amazonaws.cloudtrail.v20131101.CloudTrail_20131101.DescribeTrails".into();
        assert_eq!(identify(&full), "cloudtrail:DescribeTrails");
        for op in ["GetSubscriptionState", "ListProtections"] {
            assert_eq!(identify(&shield(op)), format!("shield:{op}"));
        }
        for op in [
            "ListClusters",
            "ListServices",
            "DescribeServices",
            "ListTasks",
            "DescribeTasks",
            "DescribeTaskDefinition",
        ] {
            assert_eq!(identify(&ecs(op)), format!("ecs:{op}"));
        }
        for op in ["ListServices", "ListInstances"] {
            assert_eq!(identify(&cloudmap(op)), format!("servicediscovery:{op}"));
        }
        for (target, want) in [
            ("/detector", "guardduty:ListDetectors"),
            ("/detector?maxResults=50", "guardduty:ListDetectors"),
            (
                "/detector/0b4490fba7ddc9a0144acc6c2c6f3ae9",
                "guardduty:GetDetector",
            ),
            (
                "/detector/d1/findings",
                "guardduty:?GET /detector/d1/findings",
            ),
        ] {
            assert_eq!(identify(&guard("GET", target)), want, "{target}");
        }
        assert_eq!(
            identify(&guard("POST", "/detector")),
            "guardduty:?POST /detector"
        );
        for (method, target, want) in [
            (
                "GET",
                "/2020-05-31/distribution",
                "cloudfront:ListDistributions",
            ),
            (
                "GET",
                "/2020-05-31/distribution?MaxItems=1000",
                "cloudfront:ListDistributions",
            ),
            (
                "GET",
                "/2020-05-31/distribution?Marker=E2QWRUHEXAMPLE&MaxItems=1000",
                "cloudfront:ListDistributions",
            ),
            (
                "GET",
                "/2020-05-31/vpc-origin/vo_BQwjxxQxjCaBcQLzJUFkDM",
                "cloudfront:GetVpcOrigin",
            ),
            // Not a read the collector makes: recorded as unidentified.
            (
                "GET",
                "/2020-05-31/distribution/E2QWRUHEXAMPLE/config",
                "cloudfront:?GET /2020-05-31/distribution/E2QWRUHEXAMPLE/config",
            ),
            (
                "POST",
                "/2020-05-31/distribution",
                "cloudfront:?POST /2020-05-31/distribution",
            ),
        ] {
            assert_eq!(identify(&cloudfront(method, target)), want, "{target}");
        }
        // Query protocols read with GET carry the action in the query string.
        let mut get = query("iam", "x");
        get.body.clear();
        get.method = "GET".into();
        get.target = "/?Action=GetRolePolicy&RoleName=r".into();
        assert_eq!(identify(&get), "iam:GetRolePolicy");
        let unsigned = Request {
            method: "GET".into(),
            target: "/favicon.ico".into(),
            ..Request::default()
        };
        assert_eq!(identify(&unsigned), "unsigned:?GET /favicon.ico");
    }

    #[test]
    fn the_credential_scope_gives_service_and_region() {
        assert_eq!(
            credential_scope(&signed("elasticloadbalancing").1),
            Some(("elasticloadbalancing".into(), "eu-west-1".into()))
        );
        assert_eq!(credential_scope("Bearer x"), None);
        assert_eq!(credential_scope("AWS4-HMAC-SHA256 Credential=a/b/c"), None);
    }

    #[test]
    fn every_route_template_is_reachable_and_unambiguous() {
        for (template, op) in APIGATEWAY_ROUTES {
            let path = template
                .split('/')
                .map(|s| if s.starts_with('{') { "id1" } else { s })
                .collect::<Vec<_>>()
                .join("/");
            assert_eq!(identify(&rest("GET", &path)), *op, "{template}");
            assert_eq!(apigateway_route(op), Some(*template));
        }
    }

    #[test]
    fn the_plan_denies_then_applies_rules_then_spares() {
        let plan = FaultPlan::new()
            .deny("ec2:DescribeVpcs")
            .deny("iam:*")
            .rule(
                Rule::new("wafv2:ListWebACLs", Fault::Throttle)
                    .skip(1)
                    .times(2),
            )
            .rule(Rule::new("*", Fault::ServerError(503)).times(1))
            .spare("sts:GetCallerIdentity");
        assert_eq!(plan.decide("ec2:DescribeVpcs", 7), Some(Fault::Deny));
        assert_eq!(plan.decide("iam:GetPolicy", 0), Some(Fault::Deny));
        let waf: Vec<_> = (0..4)
            .map(|n| plan.decide("wafv2:ListWebACLs", n))
            .collect();
        assert_eq!(
            waf,
            vec![
                Some(Fault::ServerError(503)),
                Some(Fault::Throttle),
                Some(Fault::Throttle),
                None
            ]
        );
        assert_eq!(
            plan.decide("ec2:DescribeSubnets", 0),
            Some(Fault::ServerError(503))
        );
        assert_eq!(plan.decide("ec2:DescribeSubnets", 1), None);
        // A rule beats spare; spare only exempts from random faults.
        assert_eq!(
            plan.decide("sts:GetCallerIdentity", 0),
            Some(Fault::ServerError(503))
        );
        let random = FaultPlan::new().throttle_rate(1.0).spare("sts:*");
        assert_eq!(random.decide("sts:GetCallerIdentity", 3), None);
        assert_eq!(random.decide("ec2:DescribeVpcs", 3), Some(Fault::Throttle));
    }

    #[test]
    fn random_faults_are_seeded_and_near_their_rates() {
        let plan = FaultPlan::new()
            .seed(42)
            .throttle_rate(0.2)
            .server_error_rate(0.1)
            .reset_rate(0.1)
            .truncate_rate(0.1)
            .cut_rate(0.1)
            .delay(0.5, Duration::from_millis(1));
        let draws = |plan: &FaultPlan| -> Vec<Option<Fault>> {
            (0..2000)
                .map(|n| plan.decide("ec2:DescribeInstances", n))
                .collect()
        };
        let a = draws(&plan);
        assert_eq!(a, draws(&plan.clone()), "same seed, same faults");
        assert_ne!(
            a,
            draws(&plan.clone().seed(43)),
            "another seed, other faults"
        );
        let share = |f: &dyn Fn(&Fault) -> bool| {
            a.iter().filter(|x| x.as_ref().is_some_and(f)).count() as f64 / a.len() as f64
        };
        let near = |got: f64, want: f64| (got - want).abs() < 0.04;
        assert!(near(share(&|f| *f == Fault::Throttle), 0.2));
        assert!(near(share(&|f| matches!(f, Fault::ServerError(_))), 0.1));
        assert!(near(share(&|f| *f == Fault::Reset), 0.1));
        assert!(near(share(&|f| *f == Fault::Truncate), 0.1));
        assert!(near(share(&|f| *f == Fault::Cut), 0.1));
        // Delays only fall on the otherwise untouched 40 %: 0.5 * 0.4.
        assert!(near(share(&|f| matches!(f, Fault::Delay(_))), 0.2));
        assert!(a.contains(&Some(Fault::ServerError(500))));
        assert!(a.contains(&Some(Fault::ServerError(503))));
        let none = FaultPlan::new();
        assert!((0..500).all(|n| none.decide("ec2:DescribeVpcs", n).is_none()));
    }

    /// A stub upstream answering every connection with `answer`, and
    /// handing the requests it got to the test.
    fn upstream(answer: &'static [u8]) -> (String, std::sync::mpsc::Receiver<Vec<u8>>) {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            for conn in listener.incoming() {
                let Ok(mut conn) = conn else { continue };
                let mut reader = BufReader::new(conn.try_clone().unwrap());
                let Ok(Some(req)) = read_request(&mut reader, &conn) else {
                    continue;
                };
                let mut raw = format!("{} {}\n", req.method, req.target).into_bytes();
                for (k, v) in &req.headers {
                    raw.extend(format!("{k}: {v}\n").bytes());
                }
                raw.extend(b"\n");
                raw.extend(&req.body);
                if tx.send(raw).is_err() {
                    return;
                }
                let _ = conn.write_all(answer);
            }
        });
        (url, rx)
    }

    /// Sends `req` to `url` and reads until the proxy closes.
    fn send(url: &str, req: &Request) -> std::io::Result<(Vec<u8>, Duration)> {
        let t0 = Instant::now();
        let mut conn = TcpStream::connect(url.trim_start_matches("http://"))?;
        conn.set_read_timeout(Some(Duration::from_secs(10)))?;
        let mut head = format!("{} {} HTTP/1.1\r\nHost: proxy\r\n", req.method, req.target);
        for (k, v) in &req.headers {
            head.push_str(&format!("{k}: {v}\r\n"));
        }
        head.push_str(&format!("Content-Length: {}\r\n\r\n", req.body.len()));
        conn.write_all(head.as_bytes())?;
        conn.write_all(&req.body)?;
        let mut out = Vec::new();
        conn.read_to_end(&mut out)?;
        Ok((out, t0.elapsed()))
    }

    fn parse(raw: &[u8]) -> Response {
        let mut reader = BufReader::new(raw);
        let mut status = String::new();
        reader.read_line(&mut status).unwrap();
        let status = status.split_whitespace().nth(1).unwrap().parse().unwrap();
        let headers = read_headers(&mut reader).unwrap();
        let mut body = Vec::new();
        reader.read_to_end(&mut body).unwrap();
        Response {
            status,
            headers,
            body,
        }
    }

    fn waf(op: &str) -> Request {
        Request {
            method: "POST".into(),
            target: "/".into(),
            headers: vec![
                signed("wafv2"),
                ("X-Amz-Target".into(), format!("AWSWAF_20190729.{op}")),
                ("Content-Type".into(), "application/x-amz-json-1.1".into()),
            ],
            body: b"{}".to_vec(),
        }
    }

    /// (request, its op) for each wire dialect.
    fn one_per_dialect() -> Vec<(Request, &'static str)> {
        vec![
            (query("ec2", "DescribeVpcs"), "ec2:DescribeVpcs"),
            (
                query("elasticloadbalancing", "DescribeLoadBalancers"),
                "elasticloadbalancing:DescribeLoadBalancers",
            ),
            (query("iam", "GetRolePolicy"), "iam:GetRolePolicy"),
            (query("sts", "GetCallerIdentity"), "sts:GetCallerIdentity"),
            (rest("GET", "/restapis"), "apigateway:GetRestApis"),
            (rest("GET", "/v2/apis"), "apigatewayv2:GetApis"),
            (waf("ListWebACLs"), "wafv2:ListWebACLs"),
            (trail("DescribeTrails"), "cloudtrail:DescribeTrails"),
            (guard("GET", "/detector"), "guardduty:ListDetectors"),
            (
                shield("GetSubscriptionState"),
                "shield:GetSubscriptionState",
            ),
            (
                cloudfront("GET", "/2020-05-31/distribution?MaxItems=1000"),
                "cloudfront:ListDistributions",
            ),
            (ecs("ListClusters"), "ecs:ListClusters"),
            (cloudmap("ListServices"), "servicediscovery:ListServices"),
        ]
    }

    /// The error code an SDK reads from an answer, per dialect, the way
    /// smithy-rs parses it (EC2: Response/Errors/Error/Code; awsQuery:
    /// ErrorResponse/Error/Code; restJson: the x-amzn-ErrorType header;
    /// awsJson: `__type`), with the message.
    fn code_and_message(op: &str, resp: &Response) -> (String, String) {
        let body = String::from_utf8(resp.body.clone()).unwrap();
        let between = |open: &str, close: &str| -> String {
            let start = body
                .find(open)
                .unwrap_or_else(|| panic!("{open} in {body}"))
                + open.len();
            body[start..][..body[start..].find(close).unwrap()].to_string()
        };
        match dialect(op) {
            Dialect::Ec2Query => {
                assert!(body.starts_with("<?xml"), "{body}");
                assert!(body.contains("<Response><Errors><Error><Code>"), "{body}");
                assert!(body.contains("</Error></Errors><RequestID>"), "{body}");
                assert_eq!(resp.header("content-type"), Some("text/xml;charset=UTF-8"));
                (
                    between("<Code>", "</Code>"),
                    between("<Message>", "</Message>"),
                )
            }
            Dialect::AwsQuery | Dialect::RestXml => {
                assert!(body.starts_with("<ErrorResponse xmlns=\""), "{body}");
                if dialect(op) == Dialect::RestXml {
                    assert!(
                        body.starts_with(
                            "<ErrorResponse xmlns=\"http://cloudfront.amazonaws.com/doc/2020-05-31/\">"
                        ),
                        "{body}"
                    );
                }
                assert!(body.contains("<RequestId>"), "{body}");
                let kind = between("<Type>", "</Type>");
                let want = if resp.status >= 500 {
                    "Receiver"
                } else {
                    "Sender"
                };
                assert_eq!(kind, want, "{body}");
                (
                    between("<Code>", "</Code>"),
                    between("<Message>", "</Message>"),
                )
            }
            Dialect::RestJson => {
                let v: serde_json::Value = serde_json::from_str(&body).unwrap();
                assert_eq!(resp.header("content-type"), Some("application/json"));
                (
                    resp.header("x-amzn-errortype").unwrap().to_string(),
                    v["message"].as_str().unwrap().to_string(),
                )
            }
            Dialect::AwsJson => {
                let v: serde_json::Value = serde_json::from_str(&body).unwrap();
                assert_eq!(
                    resp.header("content-type"),
                    Some("application/x-amz-json-1.1")
                );
                (
                    v["__type"].as_str().unwrap().to_string(),
                    v["Message"].as_str().unwrap().to_string(),
                )
            }
        }
    }

    /// Per service prefix: the status and error code a fault answers with.
    type Rows = &'static [(&'static str, u16, &'static str)];

    #[test]
    fn each_fault_answers_in_the_service_wire_format() {
        let (up, seen) = upstream(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");
        let expect: &[(Fault, Rows)] = &[
            (
                Fault::Throttle,
                &[
                    ("ec2", 503, "RequestLimitExceeded"),
                    ("elasticloadbalancing", 400, "Throttling"),
                    ("iam", 400, "Throttling"),
                    ("sts", 400, "Throttling"),
                    ("apigateway", 429, "TooManyRequestsException"),
                    ("apigatewayv2", 429, "TooManyRequestsException"),
                    ("wafv2", 400, "ThrottlingException"),
                    ("cloudtrail", 400, "ThrottlingException"),
                    ("shield", 400, "ThrottlingException"),
                    ("guardduty", 429, "TooManyRequestsException"),
                    ("cloudfront", 400, "Throttling"),
                    ("ecs", 400, "ThrottlingException"),
                    ("servicediscovery", 400, "ThrottlingException"),
                ],
            ),
            (
                Fault::Deny,
                &[
                    ("ec2", 403, "UnauthorizedOperation"),
                    ("elasticloadbalancing", 403, "AccessDenied"),
                    ("iam", 403, "AccessDenied"),
                    ("sts", 403, "AccessDenied"),
                    ("apigateway", 403, "AccessDeniedException"),
                    ("apigatewayv2", 403, "AccessDeniedException"),
                    ("wafv2", 400, "AccessDeniedException"),
                    ("cloudtrail", 400, "AccessDeniedException"),
                    ("shield", 400, "AccessDeniedException"),
                    ("guardduty", 403, "AccessDeniedException"),
                    ("cloudfront", 403, "AccessDenied"),
                    ("ecs", 400, "AccessDeniedException"),
                    ("servicediscovery", 400, "AccessDeniedException"),
                ],
            ),
            (
                Fault::ServerError(500),
                &[
                    ("ec2", 500, "InternalError"),
                    ("elasticloadbalancing", 500, "InternalFailure"),
                    ("iam", 500, "InternalFailure"),
                    ("sts", 500, "InternalFailure"),
                    ("apigateway", 500, "InternalFailure"),
                    ("apigatewayv2", 500, "InternalFailure"),
                    ("wafv2", 500, "WAFInternalErrorException"),
                    ("cloudfront", 500, "InternalFailure"),
                    ("ecs", 500, "ServerException"),
                ],
            ),
            (
                Fault::ServerError(503),
                &[
                    ("ec2", 503, "Unavailable"),
                    ("elasticloadbalancing", 503, "ServiceUnavailable"),
                    ("iam", 503, "ServiceUnavailable"),
                    ("sts", 503, "ServiceUnavailable"),
                    ("apigateway", 503, "ServiceUnavailableException"),
                    ("apigatewayv2", 503, "ServiceUnavailableException"),
                    ("wafv2", 503, "ServiceUnavailableException"),
                    ("cloudfront", 503, "ServiceUnavailable"),
                ],
            ),
            (
                Fault::Error {
                    status: 400,
                    code: "WAFLimitsExceededException".into(),
                },
                &[
                    ("ec2", 400, "WAFLimitsExceededException"),
                    ("wafv2", 400, "WAFLimitsExceededException"),
                ],
            ),
        ];
        for (fault, rows) in expect {
            let mut plan = FaultPlan::new();
            for (_, op) in one_per_dialect() {
                plan = plan.rule(Rule::new(op, fault.clone()));
            }
            let proxy = start(&up, plan);
            for (req, op) in one_per_dialect() {
                let service = op.split(':').next().unwrap();
                let Some((_, status, code)) = rows.iter().find(|r| r.0 == service) else {
                    continue;
                };
                let (raw, _) = send(proxy.url(), &req).unwrap();
                let resp = parse(&raw);
                assert_eq!(resp.status, *status, "{fault:?} {op}");
                let (got, message) = code_and_message(op, &resp);
                assert_eq!(got, *code, "{fault:?} {op}");
                assert!(!message.is_empty());
                if *fault == Fault::Deny {
                    assert!(message.contains(&iam_action(op)), "{message}");
                }
                assert_eq!(
                    resp.header("content-length"),
                    Some(resp.body.len().to_string().as_str())
                );
                assert!(resp.header("x-amzn-requestid").is_some());
            }
            let ops = proxy.operations();
            for (op, stats) in &ops {
                assert_eq!(stats.count, 1, "{op}");
                assert_eq!(stats.faulted, 1, "{op}");
                assert_eq!(stats.faults.get(&fault.label()), Some(&1), "{op}");
                assert_eq!(stats.regions, BTreeSet::from(["eu-west-1".to_string()]));
            }
        }
        assert!(
            seen.try_recv().is_err(),
            "no answering fault reaches upstream"
        );
    }

    #[test]
    fn untouched_requests_are_forwarded_verbatim_and_counted() {
        // Chunked upstream answer: the client gets it with a length.
        let (up, seen) = upstream(
            b"HTTP/1.1 200 OK\r\nContent-Type: text/xml\r\nTransfer-Encoding: chunked\r\n\r\n5\r\n<a>1<\r\n4\r\n/a>!\r\n0\r\n\r\n",
        );
        let proxy = start(&up, FaultPlan::new());
        let req = query("ec2", "DescribeSubnets");
        for _ in 0..3 {
            let (raw, _) = send(proxy.url(), &req).unwrap();
            let resp = parse(&raw);
            assert_eq!(resp.status, 200);
            assert_eq!(resp.body, b"<a>1</a>!");
            assert_eq!(resp.header("content-length"), Some("9"));
            assert_eq!(resp.header("content-type"), Some("text/xml"));
            let upstream_saw = String::from_utf8(seen.recv().unwrap()).unwrap();
            assert!(upstream_saw.starts_with("POST /\n"), "{upstream_saw}");
            assert!(
                upstream_saw.contains("Authorization: AWS4-HMAC-SHA256"),
                "{upstream_saw}"
            );
            assert!(
                upstream_saw
                    .ends_with("\n\nAction=DescribeSubnets&Version=2016-11-15&MaxResults=5")
            );
        }
        let ops = proxy.operations();
        assert_eq!(
            ops.get("ec2:DescribeSubnets"),
            Some(&OpStats {
                count: 3,
                regions: BTreeSet::from(["eu-west-1".to_string()]),
                ..OpStats::default()
            })
        );
    }

    #[test]
    fn reset_truncate_cut_and_delay_fault_the_transport() {
        let body = br#"{"items":[{"id":"a1"},{"id":"b2"},{"id":"c3"}],"position":null}"#;
        let answer: &'static [u8] = Box::leak(
            format!(
                "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{}",
                body.len(),
                std::str::from_utf8(body).unwrap()
            )
            .into_bytes()
            .into_boxed_slice(),
        );
        let (up, _seen) = upstream(answer);
        let plan = FaultPlan::new()
            .rule(Rule::new("apigateway:GetRestApis", Fault::Reset))
            .rule(Rule::new("apigateway:GetVpcLinks", Fault::Truncate))
            .rule(Rule::new("apigateway:GetStages", Fault::Cut))
            .rule(Rule::new(
                "apigateway:GetUsagePlans",
                Fault::Delay(Duration::from_millis(400)),
            ));
        let proxy = start(&up, plan);

        // Reset: the client's read fails with ECONNRESET, no byte arrives.
        let err = send(proxy.url(), &rest("GET", "/restapis")).unwrap_err();
        assert_eq!(err.kind(), std::io::ErrorKind::ConnectionReset, "{err}");

        // Truncate: the full length is announced, half the body arrives.
        let (raw, _) = send(proxy.url(), &rest("GET", "/vpclinks")).unwrap();
        let resp = parse(&raw);
        assert_eq!(resp.status, 200);
        assert_eq!(
            resp.header("content-length"),
            Some(body.len().to_string().as_str())
        );
        assert_eq!(resp.body, &body[..body.len() / 2]);

        // Cut: half the body arrives, and the length announces just that.
        let (raw, _) = send(proxy.url(), &rest("GET", "/restapis/a1/stages")).unwrap();
        let resp = parse(&raw);
        assert_eq!(resp.status, 200);
        assert_eq!(resp.body, &body[..body.len() / 2]);
        assert_eq!(
            resp.header("content-length"),
            Some((body.len() / 2).to_string().as_str())
        );

        // Delay: the answer is intact, just late.
        let (raw, took) = send(proxy.url(), &rest("GET", "/usageplans")).unwrap();
        assert_eq!(parse(&raw).body, body);
        assert!(took >= Duration::from_millis(400), "{took:?}");

        let (raw, took) = send(proxy.url(), &rest("GET", "/domainnames")).unwrap();
        assert_eq!(parse(&raw).body, body);
        assert!(took < Duration::from_millis(400), "{took:?}");

        let ops = proxy.operations();
        let label = |op: &str| ops[op].faults.keys().cloned().collect::<Vec<_>>();
        assert_eq!(label("apigateway:GetRestApis"), ["reset"]);
        assert_eq!(label("apigateway:GetVpcLinks"), ["truncate"]);
        assert_eq!(label("apigateway:GetStages"), ["cut"]);
        assert_eq!(label("apigateway:GetUsagePlans"), ["delay"]);
        assert_eq!(ops["apigateway:GetDomainNames"].faulted, 0);
    }

    #[test]
    fn the_proxy_stops_on_drop_and_refuses_other_hosts() {
        let (up, _seen) = upstream(b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n");
        let proxy = start(&up, FaultPlan::new());
        let addr = proxy.url().trim_start_matches("http://").to_string();
        assert!(addr.starts_with("127.0.0.1:"));
        drop(proxy);
        assert!(
            TcpStream::connect(&addr).is_err(),
            "still listening after drop"
        );
        let remote =
            std::panic::catch_unwind(|| start("http://169.254.169.254:80", FaultPlan::new()));
        assert!(remote.is_err(), "only loopback upstreams");
    }
}
