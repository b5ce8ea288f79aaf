//! The shared state of one scan: the SDK configuration every client is built
//! from, the recorder that keeps call counts and collection errors, and the
//! fan-out bound. Every SDK error passes through [`Ctx::record`], so a failed
//! call always lands in the snapshot (never only in a log) and is classified
//! the same way everywhere.

use std::collections::BTreeMap;
use std::fmt::Debug;
use std::sync::{Arc, Mutex};

use aws_smithy_runtime_api::box_error::BoxError;
use aws_smithy_runtime_api::client::interceptors::Intercept;
use aws_smithy_runtime_api::client::interceptors::context::BeforeSerializationInterceptorContextRef;
use aws_smithy_runtime_api::client::orchestrator::{HttpResponse, Metadata};
use aws_smithy_runtime_api::client::result::SdkError;
use aws_smithy_types::config_bag::ConfigBag;
use aws_smithy_types::error::metadata::ProvideErrorMetadata;
use aws_types::SdkConfig;
use rampart_model::{CollectionError, ErrorKind};

use crate::progress::Progress;
use crate::rate::RateCaps;

/// Call counts and errors, shared by every client of the scan.
#[derive(Debug, Default)]
pub(crate) struct Recorder {
    errors: Mutex<Vec<CollectionError>>,
    calls: Mutex<BTreeMap<String, u64>>,
    /// Failures a later fallback may still stand in for, by region; see
    /// [`Ctx::defer`].
    deferred: Mutex<BTreeMap<String, Vec<CollectionError>>>,
}

impl Recorder {
    pub(crate) fn count(&self, key: String) {
        *self
            .calls
            .lock()
            .expect("call counter poisoned")
            .entry(key)
            .or_default() += 1;
    }

    pub(crate) fn push(&self, error: CollectionError) {
        tracing::warn!(
            operation = %error.operation,
            region = error.region.as_deref().unwrap_or("global"),
            resource = error.resource.as_deref().unwrap_or("-"),
            kind = error.kind.as_str(),
            "{}",
            error.message
        );
        self.errors.lock().expect("error list poisoned").push(error);
    }

    pub(crate) fn take(&self) -> (BTreeMap<String, u64>, Vec<CollectionError>) {
        let calls = std::mem::take(&mut *self.calls.lock().expect("call counter poisoned"));
        let mut errors = std::mem::take(&mut *self.errors.lock().expect("error list poisoned"));
        errors.sort();
        errors.dedup();
        (calls, errors)
    }
}

/// Counts every operation a client executes, keyed `iam-prefix:Operation`.
/// Runs once per operation (not per retry attempt).
#[derive(Debug)]
pub(crate) struct CallCounter {
    pub(crate) prefix: &'static str,
    pub(crate) recorder: Arc<Recorder>,
}

impl Intercept for CallCounter {
    fn name(&self) -> &'static str {
        "rampart-call-counter"
    }

    // Not `read_before_execution`: for client-level interceptors that runs
    // before the operation's config layer (which holds `Metadata`) exists.
    fn read_before_serialization(
        &self,
        _context: &BeforeSerializationInterceptorContextRef<'_>,
        _runtime_components: &aws_smithy_runtime_api::client::runtime_components::RuntimeComponents,
        cfg: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        let op = cfg
            .load::<Metadata>()
            .map(Metadata::name)
            .unwrap_or("Unknown");
        self.recorder.count(format!("{}:{op}", self.prefix));
        Ok(())
    }
}

/// What every collector module gets.
pub(crate) struct Ctx {
    pub(crate) sdk: SdkConfig,
    pub(crate) recorder: Arc<Recorder>,
    /// Bound on concurrent per-resource calls within one service and region.
    pub(crate) fanout: usize,
    pub(crate) progress: Arc<dyn Progress>,
    /// The `--max-rps` gates every client's HTTP attempts go through.
    pub(crate) caps: Arc<RateCaps>,
}

/// Logs (at debug, so `-vv`) how long one service took in one region when
/// dropped: where a scan's wall time goes, without a profiler.
pub(crate) struct Timer {
    step: &'static str,
    region: Option<String>,
    start: std::time::Instant,
}

impl Timer {
    pub(crate) fn new(step: &'static str, region: Option<&str>) -> Timer {
        Timer {
            step,
            region: region.map(str::to_string),
            start: std::time::Instant::now(),
        }
    }
}

impl Drop for Timer {
    fn drop(&mut self) {
        tracing::debug!(
            step = self.step,
            region = self.region.as_deref().unwrap_or("global"),
            ms = self.start.elapsed().as_millis() as u64,
            "collected"
        );
    }
}

/// Where a call was made, for error records.
#[derive(Clone, Copy)]
pub(crate) struct Site<'a> {
    pub(crate) service: &'static str,
    pub(crate) region: Option<&'a str>,
}

impl Ctx {
    pub(crate) fn counter(&self, prefix: &'static str) -> CallCounter {
        CallCounter {
            prefix,
            recorder: self.recorder.clone(),
        }
    }

    /// The HTTP client for `service` in `region` (`None`: a global
    /// service), behind that pair's rate cap.
    pub(crate) fn http_client(
        &self,
        service: &'static str,
        region: Option<&str>,
    ) -> aws_smithy_runtime_api::client::http::SharedHttpClient {
        self.caps.http_client(service, region.unwrap_or("global"))
    }

    /// Records a failed call. `operation` is the bare operation name.
    pub(crate) fn record<E>(
        &self,
        site: Site<'_>,
        operation: &str,
        resource: Option<&str>,
        err: &SdkError<E, HttpResponse>,
    ) where
        E: ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
    {
        self.recorder
            .push(collection_error(site, operation, resource, err));
    }

    /// Keeps a failed call aside instead of recording it: a fallback that
    /// runs later may answer the same question. [`Ctx::settle`] then drops
    /// (fallback worked) or records (it did not) what was kept for the
    /// region.
    pub(crate) fn defer<E>(
        &self,
        site: Site<'_>,
        operation: &str,
        resource: Option<&str>,
        err: &SdkError<E, HttpResponse>,
    ) where
        E: ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
    {
        let error = collection_error(site, operation, resource, err);
        self.recorder
            .deferred
            .lock()
            .expect("deferred list poisoned")
            .entry(site.region.unwrap_or("global").to_string())
            .or_default()
            .push(error);
    }

    /// Ends what [`Ctx::defer`] kept for `region`: recorded if `record`,
    /// else dropped.
    pub(crate) fn settle(&self, region: &str, record: bool) {
        let kept = self
            .recorder
            .deferred
            .lock()
            .expect("deferred list poisoned")
            .remove(region)
            .unwrap_or_default();
        if record {
            for e in kept {
                self.recorder.push(e);
            }
        }
    }

    /// Turns a call result into an `Option`, recording the error.
    pub(crate) fn ok<T, E>(
        &self,
        site: Site<'_>,
        operation: &str,
        resource: Option<&str>,
        result: Result<T, SdkError<E, HttpResponse>>,
    ) -> Option<T>
    where
        E: ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
    {
        match result {
            Ok(v) => Some(v),
            Err(err) => {
                self.record(site, operation, resource, &err);
                None
            }
        }
    }
}

impl Ctx {
    /// `items` as the call `operation` (on `resource`, as for
    /// [`Ctx::ok`]) answered them, if every one's identifier (`id`) has
    /// `shape`; otherwise the call is recorded as failed, naming the first
    /// malformed identifier, and nothing of it is kept (see
    /// [`crate::ids`]).
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn well_formed<T>(
        &self,
        site: Site<'_>,
        operation: &str,
        resource: Option<&str>,
        what: &str,
        shape: crate::ids::IdShape,
        items: Vec<T>,
        id: impl Fn(&T) -> Option<&str>,
    ) -> Vec<T> {
        match malformed(site, operation, resource, what, shape, &items, id) {
            None => items,
            Some(error) => {
                self.recorder.push(error);
                Vec::new()
            }
        }
    }

    /// Follows `NextToken`/`NextMarker` paging for operations the SDK has no
    /// paginator for. A failed page records the error and yields `None`:
    /// a partial list is never passed off as the whole.
    pub(crate) async fn token_pages<T, O, E, F, Fut>(
        &self,
        site: Site<'_>,
        operation: &str,
        resource: Option<&str>,
        mut call: F,
        items: fn(&O) -> &[T],
        next: fn(&O) -> Option<&str>,
    ) -> Option<Vec<T>>
    where
        T: Clone,
        F: FnMut(Option<String>) -> Fut,
        Fut: std::future::Future<Output = Result<O, SdkError<E, HttpResponse>>>,
        E: ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
    {
        let mut out = Vec::new();
        let mut token: Option<String> = None;
        loop {
            let page = self.ok(site, operation, resource, call(token.clone()).await)?;
            out.extend_from_slice(items(&page));
            match next(&page) {
                // A repeated token would loop forever; stop instead.
                Some(t) if !t.is_empty() && Some(t) != token.as_deref() => {
                    token = Some(t.to_string())
                }
                _ => return Some(out),
            }
        }
    }
}

const ACCESS_DENIED: &[&str] = &[
    "AccessDenied",
    "AccessDeniedException",
    "UnauthorizedOperation",
    "UnauthorizedAccess",
    "UnauthorizedException",
    "AuthorizationError",
    "AuthFailure",
    "Forbidden",
    "ForbiddenException",
    "InvalidClientTokenId",
    "UnrecognizedClientException",
];

const THROTTLED: &[&str] = &[
    "Throttling",
    "ThrottlingException",
    "ThrottledException",
    "RequestThrottled",
    "RequestThrottledException",
    "RequestLimitExceeded",
    "TooManyRequestsException",
    "SlowDown",
    "BandwidthLimitExceeded",
    "PriorRequestNotComplete",
    "EC2ThrottledException",
    // The rest of the SDK's throttling list (aws-runtime THROTTLING_ERRORS),
    // so what the SDK retries as throttling is recorded as throttling.
    "LimitExceededException",
    "ProvisionedThroughputExceededException",
    "TransactionInProgressException",
];

const UNAVAILABLE: &[&str] = &[
    "ServiceUnavailable",
    "ServiceUnavailableException",
    "InternalFailure",
    "InternalError",
    "InternalServerError",
    "InternalServiceError",
    "Unavailable",
    "OptInRequired",
    "UnknownOperationException",
    "InvalidAction",
    "NotImplemented",
    "WAFInternalErrorException",
];

/// The error [`Ctx::well_formed`] records when an item of `items` has an
/// identifier that is not of `shape` (`None`: every one is).
pub(crate) fn malformed<T>(
    site: Site<'_>,
    operation: &str,
    resource: Option<&str>,
    what: &str,
    shape: crate::ids::IdShape,
    items: &[T],
    id: impl Fn(&T) -> Option<&str>,
) -> Option<CollectionError> {
    let bad = items
        .iter()
        .map(|item| id(item).unwrap_or_default())
        .find(|i| !shape.accepts(i))?;
    let mut error = malformed_answer(site, operation, resource, "");
    error.message = one_line(&format!(
        "answer refused: {} (expected {}); none of the {} item(s) of this answer is kept",
        if bad.is_empty() {
            format!("one {what} has an empty identifier")
        } else {
            format!("one {what} has the malformed identifier {bad:?}")
        },
        shape.describe(),
        items.len(),
    ));
    Some(error)
}

/// The error recorded for an answer that cannot be used (`why`): nothing
/// of it is kept.
pub(crate) fn malformed_answer(
    site: Site<'_>,
    operation: &str,
    resource: Option<&str>,
    why: &str,
) -> CollectionError {
    CollectionError {
        service: site.service.to_string(),
        region: site.region.map(str::to_string),
        operation: format!("{}:{operation}", site.service),
        resource: resource.map(str::to_string),
        kind: ErrorKind::Other,
        code: None,
        message: one_line(&format!("answer refused: {why}; nothing of it is kept")),
    }
}

/// The error [`Ctx::record`] records and [`Ctx::defer`] keeps aside:
/// `operation` is the bare operation name.
fn collection_error<E>(
    site: Site<'_>,
    operation: &str,
    resource: Option<&str>,
    err: &SdkError<E, HttpResponse>,
) -> CollectionError
where
    E: ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
{
    let (kind, code, message) = classify(err);
    CollectionError {
        service: site.service.to_string(),
        region: site.region.map(str::to_string),
        operation: format!("{}:{operation}", site.service),
        resource: resource.map(str::to_string),
        kind,
        code,
        message,
    }
}

/// Classifies an SDK error into the snapshot's error kinds, with the
/// service's code and a one-line message.
pub(crate) fn classify<E>(err: &SdkError<E, HttpResponse>) -> (ErrorKind, Option<String>, String)
where
    E: ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
{
    let status = err.raw_response().map(|r| r.status().as_u16());
    let by_status = |status: Option<u16>| match status {
        Some(403) => ErrorKind::AccessDenied,
        Some(429) => ErrorKind::Throttled,
        Some(s) if s >= 500 => ErrorKind::Unavailable,
        _ => ErrorKind::Other,
    };
    match err {
        SdkError::ServiceError(service) => {
            let e = service.err();
            let code = e.code().map(str::to_string);
            let kind = match code.as_deref() {
                Some(c) if ACCESS_DENIED.contains(&c) => ErrorKind::AccessDenied,
                Some(c) if THROTTLED.contains(&c) => ErrorKind::Throttled,
                Some(c) if UNAVAILABLE.contains(&c) => ErrorKind::Unavailable,
                _ => by_status(status),
            };
            let message = match (e.message(), &code) {
                (Some(m), _) => m.to_string(),
                (None, Some(c)) => format!("{c} (HTTP {})", status.unwrap_or(0)),
                // No code, no message: the body is not an AWS error (an
                // emulator's HTML page for an unimplemented operation).
                (None, None) => unparsed(service.raw()),
            };
            (kind, code, one_line(&message))
        }
        SdkError::TimeoutError(_) => (
            ErrorKind::Unavailable,
            None,
            "timed out after every retry".to_string(),
        ),
        SdkError::DispatchFailure(_) => (ErrorKind::Unavailable, None, one_line(&chain(err))),
        // The response could not be read: cut short, or the connection
        // dropped mid-body. A transport failure, like a reset.
        SdkError::ResponseError(r) => (
            match by_status(status) {
                ErrorKind::Other => ErrorKind::Unavailable,
                kind => kind,
            },
            None,
            one_line(&format!(
                "{} (HTTP {})",
                chain(err),
                r.raw().status().as_u16()
            )),
        ),
        _ => (ErrorKind::Other, None, one_line(&chain(err))),
    }
}

/// A short description of a response that carried no AWS error.
fn unparsed(raw: &HttpResponse) -> String {
    let body = raw
        .body()
        .bytes()
        .map(String::from_utf8_lossy)
        .unwrap_or_default();
    let text: String = body
        .split(['<', '>'])
        .enumerate()
        .filter(|(i, _)| i % 2 == 0)
        .map(|(_, t)| t)
        .collect::<Vec<_>>()
        .join(" ");
    let words: Vec<&str> = text.split_whitespace().collect();
    let snippet: String = words.join(" ").chars().take(160).collect();
    format!(
        "HTTP {} without an AWS error in the body{}",
        raw.status().as_u16(),
        if snippet.is_empty() {
            String::new()
        } else {
            format!(": {snippet}")
        }
    )
}

/// An error and its sources, Display only (no Debug dumps), joined by ": ".
pub(crate) fn chain(err: &(dyn std::error::Error + 'static)) -> String {
    let mut parts = vec![err.to_string()];
    let mut source = err.source();
    while let Some(s) = source {
        let text = s.to_string();
        if !parts.iter().any(|p| p.contains(&text)) {
            parts.push(text);
        }
        source = s.source();
    }
    parts.join(": ")
}

/// Error text goes into a snapshot and a terminal: one line, no control
/// characters, bounded length.
pub(crate) fn one_line(s: &str) -> String {
    let mut out: String = s
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    if out.chars().count() > 600 {
        out = out.chars().take(600).collect::<String>() + "...";
    }
    out
}

/// Parses a policy document (IAM returns them URL-encoded, EC2 and API
/// Gateway as plain or escaped JSON); a document that does not parse is
/// kept verbatim as a JSON string so nothing is silently lost.
pub(crate) fn parse_policy(raw: &str) -> serde_json::Value {
    if let Ok(v) = serde_json::from_str(raw) {
        return v;
    }
    let decoded = percent_encoding::percent_decode_str(raw).decode_utf8_lossy();
    if let Ok(v) = serde_json::from_str(&decoded) {
        return v;
    }
    // API Gateway returns the resource policy with escaped quotes.
    let unescaped = raw.replace("\\\"", "\"").replace("\\\\", "\\");
    serde_json::from_str(&unescaped).unwrap_or_else(|_| serde_json::Value::String(raw.to_string()))
}

/// Converts AWS tag lists into the snapshot's ordered map, with values that
/// look like credentials redacted (see `redact`).
pub(crate) fn tags<'a, I>(pairs: I) -> rampart_model::Tags
where
    I: IntoIterator<Item = (Option<&'a str>, Option<&'a str>)>,
{
    pairs
        .into_iter()
        .filter_map(|(k, v)| Some(crate::redact::tag(k?, v.unwrap_or_default())))
        .collect()
}

/// `Option<&str>` -> owned (a `String` or the snapshot's inline
/// `CompactString`, whichever the field holds).
pub(crate) fn o<S: for<'a> From<&'a str>>(v: Option<&str>) -> Option<S> {
    v.map(S::from)
}

/// An SDK enum (or any string-like) -> owned AWS spelling.
pub(crate) fn e<T: AsRef<str>, S: for<'a> From<&'a str>>(v: Option<&T>) -> Option<S> {
    v.map(|x| S::from(x.as_ref()))
}

/// An SDK string map (tags, stage variables) -> the snapshot's ordered map.
/// API Gateway's tag and stage-variable maps, ordered, with values that
/// look like credentials redacted as for EC2 tags (stage variables often
/// hold backend keys).
pub(crate) fn map(
    m: Option<&std::collections::HashMap<String, String>>,
) -> std::collections::BTreeMap<String, String> {
    m.map(|m| m.iter().map(|(k, v)| crate::redact::tag(k, v)).collect())
        .unwrap_or_default()
}

pub(crate) fn strings<S: AsRef<str>, T: for<'a> From<&'a str>>(
    items: impl IntoIterator<Item = S>,
) -> Vec<T> {
    items.into_iter().map(|s| T::from(s.as_ref())).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use aws_sdk_ec2::operation::describe_vpcs::DescribeVpcsError;

    #[test]
    fn api_gateway_maps_are_redacted_like_tags() {
        let m: std::collections::HashMap<String, String> = [
            ("Name".to_string(), "orders-api".to_string()),
            (
                "aws_secret_access_key".to_string(),
                "rampartFAKEsecretKEY/0123456789abcdefghij".to_string(),
            ),
            ("backendKey".to_string(), "AKIARAMPARTFAKE00001".to_string()),
        ]
        .into();
        let got = map(Some(&m));
        assert_eq!(got["Name"], "orders-api");
        assert!(
            got["aws_secret_access_key"].starts_with("[redacted"),
            "{got:?}"
        );
        assert!(got["backendKey"].starts_with("[redacted"), "{got:?}");
        assert!(map(None).is_empty());
    }
    use aws_smithy_runtime_api::client::result::ConnectorError;
    use aws_smithy_runtime_api::http::StatusCode;
    use aws_smithy_types::body::SdkBody;
    use aws_smithy_types::error::ErrorMetadata;

    fn service(
        code: Option<&str>,
        message: Option<&str>,
        status: u16,
        body: &str,
    ) -> SdkError<DescribeVpcsError, HttpResponse> {
        let mut meta = ErrorMetadata::builder();
        if let Some(c) = code {
            meta = meta.code(c);
        }
        if let Some(m) = message {
            meta = meta.message(m);
        }
        SdkError::service_error(
            DescribeVpcsError::generic(meta.build()),
            HttpResponse::new(StatusCode::try_from(status).unwrap(), SdkBody::from(body)),
        )
    }

    #[test]
    fn service_errors_are_classified_by_code_then_status() {
        let cases = [
            (Some("UnauthorizedOperation"), 403, ErrorKind::AccessDenied),
            (Some("AccessDeniedException"), 400, ErrorKind::AccessDenied),
            (Some("AuthFailure"), 401, ErrorKind::AccessDenied),
            (Some("RequestLimitExceeded"), 503, ErrorKind::Throttled),
            (Some("Throttling"), 400, ErrorKind::Throttled),
            (Some("TooManyRequestsException"), 429, ErrorKind::Throttled),
            (Some("OptInRequired"), 401, ErrorKind::Unavailable),
            (Some("InternalFailure"), 500, ErrorKind::Unavailable),
            (Some("InvalidParameterValue"), 400, ErrorKind::Other),
            (None, 403, ErrorKind::AccessDenied),
            (None, 429, ErrorKind::Throttled),
            (None, 503, ErrorKind::Unavailable),
            (None, 400, ErrorKind::Other),
        ];
        for (code, status, want) in cases {
            let (kind, got_code, _) = classify(&service(code, Some("m"), status, ""));
            assert_eq!(kind, want, "{code:?} / {status}");
            assert_eq!(got_code.as_deref(), code);
        }
    }

    #[test]
    fn an_html_error_page_becomes_a_short_message() {
        let body = "<!doctype html>\n<html><title>500 Internal Server Error</title><h1>Internal Server Error</h1></html>";
        let (kind, code, msg) = classify(&service(None, None, 500, body));
        assert_eq!((kind, code), (ErrorKind::Unavailable, None));
        assert!(
            msg.starts_with("HTTP 500 without an AWS error in the body: "),
            "{msg}"
        );
        assert!(
            msg.contains("Internal Server Error") && !msg.contains('<'),
            "{msg}"
        );
    }

    #[test]
    fn transport_failures_are_unavailable() {
        let refused =
            std::io::Error::new(std::io::ErrorKind::ConnectionRefused, "connection refused");
        let err: SdkError<DescribeVpcsError, HttpResponse> =
            SdkError::dispatch_failure(ConnectorError::io(Box::new(refused)));
        let (kind, _, msg) = classify(&err);
        assert_eq!(kind, ErrorKind::Unavailable);
        assert!(msg.contains("connection refused"), "{msg}");
        let err: SdkError<DescribeVpcsError, HttpResponse> =
            SdkError::timeout_error(Box::new(std::io::Error::other("slow")));
        assert_eq!(classify(&err).0, ErrorKind::Unavailable);
        // A 200 whose body was cut short (retries exhausted).
        let cut = std::io::Error::new(
            std::io::ErrorKind::UnexpectedEof,
            "end of file before message length reached",
        );
        let err: SdkError<DescribeVpcsError, HttpResponse> = SdkError::response_error(
            Box::new(cut),
            HttpResponse::new(StatusCode::try_from(200).unwrap(), SdkBody::empty()),
        );
        let (kind, _, msg) = classify(&err);
        assert_eq!(kind, ErrorKind::Unavailable);
        assert!(msg.contains("end of file before message length"), "{msg}");
    }

    #[test]
    fn recorder_sorts_and_dedups_errors_and_counts_calls() {
        let r = Recorder::default();
        r.count("ec2:DescribeVpcs".into());
        r.count("ec2:DescribeVpcs".into());
        let e = |op: &str| CollectionError {
            service: "ec2".into(),
            region: Some("us-east-1".into()),
            operation: op.into(),
            resource: None,
            kind: ErrorKind::Other,
            code: None,
            message: "x".into(),
        };
        r.push(e("ec2:DescribeVpcs"));
        r.push(e("ec2:DescribeAddresses"));
        r.push(e("ec2:DescribeVpcs"));
        let (calls, errors) = r.take();
        assert_eq!(calls.get("ec2:DescribeVpcs"), Some(&2));
        let ops: Vec<_> = errors.iter().map(|e| e.operation.as_str()).collect();
        assert_eq!(ops, vec!["ec2:DescribeAddresses", "ec2:DescribeVpcs"]);
    }

    #[test]
    fn policy_documents_parse_in_every_encoding() {
        let plain = r#"{"Version":"2012-10-17","Statement":[]}"#;
        let want: serde_json::Value = serde_json::from_str(plain).unwrap();
        assert_eq!(parse_policy(plain), want);
        let encoded = "%7B%22Version%22%3A%222012-10-17%22%2C%22Statement%22%3A%5B%5D%7D";
        assert_eq!(parse_policy(encoded), want);
        let escaped = r#"{\"Version\":\"2012-10-17\",\"Statement\":[]}"#;
        assert_eq!(parse_policy(escaped), want);
        assert_eq!(
            parse_policy("not json"),
            serde_json::Value::String("not json".into())
        );
    }

    /// A list with one empty or malformed id is refused whole, as an
    /// error naming the call (and the resource it was about) and the id.
    #[test]
    fn a_list_with_a_malformed_id_is_a_named_error() {
        use crate::ids::IdShape;
        let site = Site {
            service: "ec2",
            region: Some("us-east-1"),
        };
        let ids = |v: &[&'static str]| v.iter().map(|s| Some(*s)).collect::<Vec<_>>();
        let shape = IdShape::Ec2("i");
        let good = ids(&["i-1234567890abcdef0", "i-0598c7d356eba48d7"]);
        assert_eq!(
            malformed(
                site,
                "DescribeInstances",
                None,
                "instance",
                shape,
                &good,
                |i| *i
            ),
            None
        );
        let mut empty = good.clone();
        empty.push(Some(""));
        let e = malformed(
            site,
            "DescribeInstances",
            None,
            "instance",
            shape,
            &empty,
            |i| *i,
        )
        .expect("refused");
        assert_eq!(e.operation, "ec2:DescribeInstances");
        assert_eq!(e.region.as_deref(), Some("us-east-1"));
        assert_eq!(e.kind, ErrorKind::Other);
        assert!(
            e.message.starts_with(
                "answer refused: one instance has an empty identifier (expected i- followed by"
            ),
            "{}",
            e.message
        );
        assert!(
            e.message
                .ends_with("none of the 3 item(s) of this answer is kept"),
            "{}",
            e.message
        );
        let missing = vec![Some("i-1234567890abcdef0"), None];
        assert!(
            malformed(
                site,
                "DescribeInstances",
                None,
                "instance",
                shape,
                &missing,
                |i| *i
            )
            .is_some()
        );
        let odd = ids(&["i-1234567890abcdef0", "i-12345"]);
        let e = malformed(
            site,
            "GetResources",
            Some("a1b2c3d4e5"),
            "instance",
            shape,
            &odd,
            |i| *i,
        )
        .expect("refused");
        assert_eq!(e.resource.as_deref(), Some("a1b2c3d4e5"));
        assert!(
            e.message.contains(r#"malformed identifier "i-12345""#),
            "{}",
            e.message
        );
    }

    #[test]
    fn messages_are_one_bounded_line() {
        assert_eq!(one_line("a\nb\x1b[31mc"), "a b [31mc");
        assert!(one_line(&"x".repeat(5000)).len() < 700);
    }

    #[test]
    fn tag_pairs_without_key_are_dropped() {
        let t = tags([(Some("b"), Some("2")), (None, Some("x")), (Some("a"), None)]);
        assert_eq!(
            t.into_iter().collect::<Vec<_>>(),
            vec![("a".into(), "".into()), ("b".into(), "2".into())]
        );
    }
}
