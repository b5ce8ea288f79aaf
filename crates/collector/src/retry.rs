//! Calls that cannot succeed are not retried (issue 17 item 3): an
//! endpoint that does not implement an operation answers the same way
//! every time, and each retry only adds its backoff to the scan (3.4 s
//! of a 6.8 s scan of the large scenario went on one such operation).
//!
//! Not implemented, as an endpoint says it:
//! - HTTP 501 Not Implemented (RFC 9110 section 15.6.2: the server "does
//!   not support the functionality required to fulfill the request"; AWS's
//!   `NotImplemented` common error, and LocalStack's answer for a service
//!   it does not serve);
//! - the error codes `UnknownOperationException` (JSON protocols: the
//!   target names no operation of the service, as SQS answered SDK
//!   versions that sent a protocol it did not yet serve:
//!   <https://github.com/awslabs/aws-sdk-rust/issues/957>), `InvalidAction` (query
//!   protocols: "The action or operation requested is invalid", AWS's
//!   common errors, <https://docs.aws.amazon.com/AWSEC2/latest/APIReference/errors-overview.html>)
//!   and `NotImplemented`, whatever the status;
//! - a 5xx answer that is an HTML page. No AWS API answers in HTML: each
//!   protocol's errors are XML or JSON documents (Smithy's AWS protocols,
//!   "Operation error serialization":
//!   <https://smithy.io/2.0/aws/protocols/aws-json-1_1-protocol.html>,
//!   <https://smithy.io/2.0/aws/protocols/aws-restjson1-protocol.html>,
//!   <https://smithy.io/2.0/aws/protocols/aws-query-protocol.html>,
//!   <https://smithy.io/2.0/aws/protocols/aws-ec2-query-protocol.html>).
//!   An HTML page is a web server's own error page; moto's server sends
//!   one (`500 Internal Server Error`) for every operation it does not
//!   implement (localstack/README.md).
//!
//! The SDK's classifiers retry 5xx answers as transient; this one runs
//! after them and forbids the retry. The call is then recorded as any
//! failed call is (`unavailable`, naming the operation), and the checks
//! that read its data say not evaluated.

use aws_smithy_runtime_api::client::interceptors::context::InterceptorContext;
use aws_smithy_runtime_api::client::orchestrator::HttpResponse;
use aws_smithy_runtime_api::client::retries::classifiers::{
    ClassifyRetry, RetryAction, RetryClassifierPriority,
};

/// Error codes with which an endpoint says it has no such operation.
const NOT_IMPLEMENTED: &[&str] = &[
    "UnknownOperationException",
    "InvalidAction",
    "NotImplemented",
];

/// The classifier every collecting client carries; see the module doc.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Unimplemented;

impl ClassifyRetry for Unimplemented {
    fn classify_retry(&self, ctx: &InterceptorContext) -> RetryAction {
        match ctx.response() {
            Some(response) if not_implemented(response) => RetryAction::RetryForbidden,
            _ => RetryAction::NoActionIndicated,
        }
    }

    fn name(&self) -> &'static str {
        "rampart-unimplemented"
    }

    fn priority(&self) -> RetryClassifierPriority {
        RetryClassifierPriority::run_after(RetryClassifierPriority::transient_error_classifier())
    }
}

/// Whether `response` says the operation is not implemented there.
fn not_implemented(response: &HttpResponse) -> bool {
    let status = response.status().as_u16();
    if status < 400 {
        return false;
    }
    let header = |name: &str| response.headers().get(name).unwrap_or_default();
    let html = header("content-type")
        .trim_start()
        .to_ascii_lowercase()
        .starts_with("text/html");
    status == 501
        || (status >= 500 && html)
        || NOT_IMPLEMENTED.contains(&error_code(
            header("x-amzn-errortype"),
            response.body().bytes(),
        ))
}

/// The error code of an error answer: restJson's `x-amzn-ErrorType`
/// header, else awsJson's `__type` or the query protocols' `<Code>` in the
/// body (a code may carry a namespace, `aws.protocols#...#Code`, or a
/// suffix after `:`).
fn error_code<'a>(header: &'a str, body: Option<&'a [u8]>) -> &'a str {
    let bare = |code: &'a str| {
        let code = code.split(':').next().unwrap_or_default();
        code.rsplit('#').next().unwrap_or_default().trim()
    };
    if !header.is_empty() {
        return bare(header);
    }
    let Some(text) = body.and_then(|b| std::str::from_utf8(b).ok()) else {
        return "";
    };
    if let Some(at) = text.find("\"__type\"") {
        let rest = &text[at + "\"__type\"".len()..];
        let rest = rest
            .trim_start()
            .strip_prefix(':')
            .unwrap_or_default()
            .trim_start();
        if let Some(value) = rest.strip_prefix('"') {
            return bare(value.split('"').next().unwrap_or_default());
        }
    }
    if let Some(at) = text.find("<Code>") {
        let rest = &text[at + "<Code>".len()..];
        return bare(rest.split('<').next().unwrap_or_default());
    }
    ""
}

#[cfg(test)]
mod tests {
    use super::*;
    use aws_smithy_runtime_api::http::StatusCode;
    use aws_smithy_types::body::SdkBody;

    fn answer(status: u16, headers: &[(&str, &str)], body: &str) -> HttpResponse {
        let mut r = HttpResponse::new(
            StatusCode::try_from(status).expect("status"),
            SdkBody::from(body.to_string()),
        );
        for (k, v) in headers {
            r.headers_mut().insert(k.to_string(), v.to_string());
        }
        r
    }

    #[test]
    fn unimplemented_operations_are_told_apart_from_transient_failures() {
        // Not implemented: 501, the codes, an HTML error page.
        assert!(not_implemented(&answer(501, &[], "")));
        assert!(not_implemented(&answer(
            400,
            &[("content-type", "application/x-amz-json-1.1")],
            r#"{"__type":"com.amazon.coral.service#UnknownOperationException","message":""}"#,
        )));
        assert!(not_implemented(&answer(
            400,
            &[("content-type", "text/xml")],
            "<Response><Errors><Error><Code>InvalidAction</Code><Message>x</Message></Error></Errors></Response>",
        )));
        assert!(not_implemented(&answer(
            404,
            &[(
                "x-amzn-ErrorType",
                "UnknownOperationException:http://internal.amazon.com/"
            )],
            "{}",
        )));
        assert!(not_implemented(&answer(
            500,
            &[("Content-Type", "text/html; charset=utf-8")],
            "<!doctype html>\n<html lang=en>\n<title>500 Internal Server Error</title>",
        )));
        // Transient or other failures, which the SDK's rules decide: a
        // service's own 500 and 503, throttling, a denial, an HTML 4xx.
        assert!(!not_implemented(&answer(
            500,
            &[("content-type", "text/xml")],
            "<Response><Errors><Error><Code>InternalError</Code></Error></Errors></Response>",
        )));
        assert!(!not_implemented(&answer(
            503,
            &[("content-type", "application/x-amz-json-1.1")],
            r#"{"__type":"ServiceUnavailableException"}"#,
        )));
        assert!(!not_implemented(&answer(
            400,
            &[("content-type", "application/x-amz-json-1.1")],
            r#"{"__type":"ThrottlingException"}"#,
        )));
        assert!(!not_implemented(&answer(
            403,
            &[("x-amzn-ErrorType", "AccessDeniedException")],
            "{}",
        )));
        assert!(!not_implemented(&answer(
            404,
            &[("content-type", "text/html")],
            "<html>"
        )));
        assert!(!not_implemented(&answer(
            200,
            &[("content-type", "text/html")],
            "<html>"
        )));
    }

    #[test]
    fn codes_are_read_bare_from_every_protocol() {
        assert_eq!(error_code("Throttling:http://x/", None), "Throttling");
        assert_eq!(
            error_code("", Some(br#"{ "__type" : "aws.protocols#Foo" }"#)),
            "Foo"
        );
        assert_eq!(error_code("", Some(b"<Code> Bar </Code>")), "Bar");
        assert_eq!(error_code("", Some(b"not an error document")), "");
        assert_eq!(error_code("", None), "");
    }
}
