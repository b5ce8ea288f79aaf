//! Response verification: an answer is accepted only if it is a whole
//! document. A body cut short whose `Content-Length` matches the cut (a
//! misbehaving proxy or middlebox can send that) is a complete HTTP
//! message, and the SDK's XML deserialisers read a document cut after any
//! element as if it ended there: resources vanish, or half-read ones come
//! out with empty ids. So every successful (2xx) answer is checked as it is
//! read, before it is deserialised: XML must be well formed with its root
//! element closed and nothing but whitespace, comments or processing
//! instructions after it; JSON must parse whole as one object.
//!
//! A failed check fails the body read itself (the interceptor wraps the
//! response body; the SDK reads it after `modify_before_deserialization`),
//! so the SDK sees exactly what it sees for a body cut short by the
//! transport: a response error, which its `TransientErrorClassifier`
//! retries, and which after the last attempt is an `SdkError::ResponseError`
//! that [`crate::ctx::classify`] records as `unavailable`, naming the call.
//!
//! Error answers (non-2xx) are left alone: they are never taken as data, so
//! a cut one can at worst record a vaguer kind of gap, and emulator error
//! pages (HTML) must keep reaching the error classification.

use std::pin::Pin;
use std::task::{Context, Poll};

use aws_smithy_runtime_api::box_error::BoxError;
use aws_smithy_runtime_api::client::interceptors::Intercept;
use aws_smithy_runtime_api::client::interceptors::context::BeforeDeserializationInterceptorContextMut;
use aws_smithy_runtime_api::client::runtime_components::RuntimeComponents;
use aws_smithy_types::body::SdkBody;
use aws_smithy_types::config_bag::ConfigBag;
use bytes::Bytes;
use http_body::{Body, Frame};

/// The document format of a protocol's answers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Format {
    /// EC2 query and awsQuery (ELBv2, IAM, STS).
    Xml,
    /// restJson1 (API Gateway v1, v2) and awsJson (WAFv2, Organizations).
    Json,
}

/// The interceptor every collecting client carries; see the module doc.
#[derive(Debug, Clone, Copy)]
pub(crate) struct VerifyResponse(pub(crate) Format);

impl Intercept for VerifyResponse {
    fn name(&self) -> &'static str {
        "rampart-verify-response"
    }

    fn modify_before_deserialization(
        &self,
        context: &mut BeforeDeserializationInterceptorContextMut<'_>,
        _runtime_components: &RuntimeComponents,
        _cfg: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        let response = context.response_mut();
        let status = response.status().as_u16();
        // 204 and 205 carry no body by definition.
        if !(200..300).contains(&status) || status == 204 || status == 205 {
            return Ok(());
        }
        let inner = std::mem::replace(response.body_mut(), SdkBody::taken());
        *response.body_mut() = SdkBody::from_body_1_x(Verified {
            inner,
            read: Vec::new(),
            format: self.0,
            status,
            done: false,
        });
        Ok(())
    }
}

/// A response body that keeps what it passes on and, at its end, fails
/// unless that is a whole document.
struct Verified {
    inner: SdkBody,
    read: Vec<u8>,
    format: Format,
    status: u16,
    done: bool,
}

impl Body for Verified {
    type Data = Bytes;
    type Error = BoxError;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, BoxError>>> {
        if self.done {
            return Poll::Ready(None);
        }
        match Pin::new(&mut self.inner).poll_frame(cx) {
            Poll::Pending => Poll::Pending,
            Poll::Ready(Some(Ok(frame))) => {
                if let Some(data) = frame.data_ref() {
                    self.read.extend_from_slice(data);
                }
                Poll::Ready(Some(Ok(frame)))
            }
            Poll::Ready(Some(Err(e))) => Poll::Ready(Some(Err(e))),
            Poll::Ready(None) => {
                self.done = true;
                let read = std::mem::take(&mut self.read);
                match complete(self.format, &read) {
                    Ok(()) => Poll::Ready(None),
                    Err(why) => Poll::Ready(Some(Err(Incomplete {
                        format: self.format,
                        status: self.status,
                        bytes: read.len(),
                        why,
                    }
                    .into()))),
                }
            }
        }
    }

    fn is_end_stream(&self) -> bool {
        self.done
    }
}

/// A 2xx answer that is not a whole document.
#[derive(Debug, thiserror::Error)]
#[error(
    "incomplete answer: the {status} response's {bytes}-byte body is not a whole {} document ({why})",
    match format { Format::Xml => "XML", Format::Json => "JSON" }
)]
pub(crate) struct Incomplete {
    format: Format,
    status: u16,
    bytes: usize,
    why: String,
}

/// Whether `body` is one whole document of `format`; the error says why not.
pub(crate) fn complete(format: Format, body: &[u8]) -> Result<(), String> {
    match format {
        Format::Xml => xml_complete(body),
        Format::Json => json_complete(body),
    }
}

/// One object, parsed to its end with nothing but whitespace after it.
/// Every operation the collector calls answers an object (a list's members
/// included), so an empty body is not a complete answer either.
fn json_complete(body: &[u8]) -> Result<(), String> {
    if body.iter().find(|b| !b.is_ascii_whitespace()) != Some(&b'{') {
        return Err(if body.iter().all(u8::is_ascii_whitespace) {
            "empty body".to_string()
        } else {
            "not a JSON object".to_string()
        });
    }
    serde_json::from_slice::<serde::de::IgnoredAny>(body)
        .map(|_| ())
        .map_err(|e| e.to_string())
}

/// Well formed (xmlparser's tokens, with start and end tags matched here:
/// the tokenizer does not pair them), exactly one root element, closed,
/// and nothing after it but whitespace, comments and processing
/// instructions.
fn xml_complete(body: &[u8]) -> Result<(), String> {
    use xmlparser::{ElementEnd, Token, Tokenizer};

    let text = std::str::from_utf8(body).map_err(|e| format!("not UTF-8: {e}"))?;
    let mut open: Vec<(&str, &str)> = Vec::new();
    let mut root: Option<String> = None;
    let mut closed = false;
    for token in Tokenizer::from(text) {
        let token = token.map_err(|e| e.to_string())?;
        match token {
            Token::ElementStart { prefix, local, .. } => {
                if closed {
                    return Err(format!("a second root element <{local}>"));
                }
                if open.is_empty() {
                    root = Some(local.as_str().to_string());
                }
                open.push((prefix.as_str(), local.as_str()));
            }
            Token::ElementEnd { end, .. } => match end {
                ElementEnd::Open => {}
                ElementEnd::Empty => {
                    open.pop();
                }
                ElementEnd::Close(prefix, local) => match open.pop() {
                    Some(o) if o == (prefix.as_str(), local.as_str()) => {}
                    Some((_, o)) => {
                        return Err(format!("</{local}> closes <{o}>"));
                    }
                    None => return Err(format!("</{local}> closes nothing")),
                },
            },
            Token::Text { text } | Token::Cdata { text, .. }
                if (open.is_empty()) && !text.as_str().trim().is_empty() =>
            {
                return Err("text outside the root element".to_string());
            }
            _ => {}
        }
        if open.is_empty() && root.is_some() {
            closed = true;
        }
    }
    match (root, open.last()) {
        (None, _) => Err("no root element".to_string()),
        (Some(_), Some((_, inner))) => Err(format!(
            "ends inside <{inner}>, {} element(s) left open",
            open.len()
        )),
        (Some(_), None) => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const EC2: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<DescribeInstancesResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15/">
    <requestId>59dbff89-35bd-4eac-99ed-be587EXAMPLE</requestId>
    <reservationSet>
        <item>
            <reservationId>r-1234567890abcdef0</reservationId>
            <instancesSet>
                <item><instanceId>i-1234567890abcdef0</instanceId><ebsOptimized/></item>
                <item><instanceId>i-0598c7d356eba48d7</instanceId><ebsOptimized/></item>
            </instancesSet>
        </item>
    </reservationSet>
</DescribeInstancesResponse>
"#;

    /// Every cut of a whole XML answer is refused, wherever it falls
    /// (after an element that closes an item, inside a tag, mid-text).
    #[test]
    fn every_cut_of_an_xml_answer_is_incomplete() {
        assert_eq!(complete(Format::Xml, EC2.as_bytes()), Ok(()));
        for at in 0..EC2.trim_end().len() {
            assert!(
                complete(Format::Xml, &EC2.as_bytes()[..at]).is_err(),
                "cut at {at} accepted: {:?}",
                &EC2[..at]
            );
        }
    }

    #[test]
    fn xml_that_is_not_one_closed_well_formed_document_is_refused() {
        let bad = [
            ("", "no root element"),
            ("<?xml version=\"1.0\"?>", "no root element"),
            ("<a><b></a></b>", "closes"),
            // xmlparser itself refuses what follows a closed root.
            ("<a></a><b></b>", ""),
            ("<a></a>trailing", ""),
            ("</a>", ""),
            ("<a><b>", "left open"),
        ];
        for (doc, why) in bad {
            let got = complete(Format::Xml, doc.as_bytes());
            assert!(
                got.as_ref().is_err_and(|e| e.contains(why)),
                "{doc:?}: {got:?}"
            );
        }
        assert!(complete(Format::Xml, b"\xff<a/>").is_err());
        for ok in [
            "<a/>",
            "<a/>\n",
            "<?xml version=\"1.0\"?>\n<a:R xmlns:a=\"x\"><a:b>1 &amp; 2</a:b><c/></a:R>\n<!-- end -->\n",
        ] {
            assert_eq!(complete(Format::Xml, ok.as_bytes()), Ok(()), "{ok:?}");
        }
    }

    #[test]
    fn every_cut_of_a_json_answer_is_incomplete() {
        let doc = r#"{"item":[{"id":"a1b2c3d4e5","name":"orders","endpointConfiguration":{"types":["PRIVATE"]}}],"position":null}"#;
        assert_eq!(complete(Format::Json, doc.as_bytes()), Ok(()));
        assert_eq!(complete(Format::Json, b" {}\n"), Ok(()));
        for at in 0..doc.len() {
            assert!(
                complete(Format::Json, &doc.as_bytes()[..at]).is_err(),
                "cut at {at} accepted: {:?}",
                &doc[..at]
            );
        }
        assert!(complete(Format::Json, b"{} {}").is_err());
        assert!(complete(Format::Json, b"[]").is_err());
        assert!(complete(Format::Json, b"  ").is_err());
    }

    /// The SDK reads the wrapped body to its end: a whole document comes
    /// through unchanged, a cut one fails the read with a message that
    /// says so (what `classify` records).
    #[tokio::test]
    async fn the_wrapped_body_passes_a_whole_document_and_fails_a_cut_one() {
        use http_body_util::BodyExt;

        let wrap = |body: &'static str| {
            SdkBody::from_body_1_x(Verified {
                inner: SdkBody::from(body),
                read: Vec::new(),
                format: Format::Xml,
                status: 200,
                done: false,
            })
        };
        let whole = wrap(EC2).collect().await.expect("whole").to_bytes();
        assert_eq!(whole, EC2.as_bytes());
        let err = wrap(&EC2[..EC2.len() / 2])
            .collect()
            .await
            .expect_err("cut");
        let text = crate::ctx::chain(&*err);
        assert!(
            text.contains("incomplete answer: the 200 response's")
                && text.contains("not a whole XML document"),
            "{text}"
        );
    }
}
