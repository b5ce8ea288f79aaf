//! Where a multi-account scan puts its results when `--out` is
//! `s3://bucket/prefix/`: `s3:PutObject` of each snapshot and the index,
//! with the caller's credentials (never an assumed member-account role).
//! This is rampart writing its own output to a bucket the user names, not a
//! change to any scanned account; it is the only write rampart ever makes,
//! and only when asked for.

use aws_sdk_s3::primitives::ByteStream;
use aws_smithy_runtime_api::client::result::SdkError;
use aws_smithy_types::error::metadata::ProvideErrorMetadata;

use crate::ctx::{chain, one_line};
use crate::session::Session;

/// A bucket and key prefix: `s3://bucket/prefix/`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct S3Location {
    pub bucket: String,
    /// Empty, or ending in `/`.
    pub prefix: String,
}

impl S3Location {
    /// `Ok(None)` when `value` is not an `s3://` URL; an error (one line)
    /// when it is one with a bad bucket name.
    pub fn parse(value: &str) -> Result<Option<S3Location>, String> {
        let Some(rest) = value.strip_prefix("s3://") else {
            return Ok(None);
        };
        let (bucket, prefix) = rest.split_once('/').unwrap_or((rest, ""));
        let ok_bucket = (3..=63).contains(&bucket.len())
            && bucket
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'.' || b == b'-')
            && bucket
                .bytes()
                .next()
                .is_some_and(|b| b.is_ascii_alphanumeric())
            && bucket
                .bytes()
                .last()
                .is_some_and(|b| b.is_ascii_alphanumeric());
        if !ok_bucket {
            return Err(format!(
                "{value:?} does not name an S3 bucket (s3://BUCKET/PREFIX/, bucket names are 3-63 \
                 lowercase letters, digits, dots and hyphens)"
            ));
        }
        if prefix.contains("//") || prefix.chars().any(char::is_control) {
            return Err(format!(
                "{value:?}: the key prefix has an empty segment or a control character"
            ));
        }
        let prefix = if prefix.is_empty() || prefix.ends_with('/') {
            prefix.to_string()
        } else {
            format!("{prefix}/")
        };
        Ok(Some(S3Location {
            bucket: bucket.to_string(),
            prefix,
        }))
    }

    /// The object key of `name` under the prefix.
    pub fn key(&self, name: &str) -> String {
        format!("{}{name}", self.prefix)
    }

    /// `s3://bucket/key` of `name`, for messages and the summary.
    pub fn url(&self, name: &str) -> String {
        format!("s3://{}/{}", self.bucket, self.key(name))
    }
}

/// Writes objects under an [`S3Location`] with the caller's credentials.
pub struct S3Store {
    client: aws_sdk_s3::Client,
    location: S3Location,
}

impl S3Store {
    pub fn location(&self) -> &S3Location {
        &self.location
    }

    /// `s3:PutObject` of `bytes` as `name` under the prefix (JSON). One line
    /// naming the object and the operation on failure.
    pub async fn put(&self, name: &str, bytes: Vec<u8>) -> Result<(), String> {
        let key = self.location.key(name);
        self.client
            .put_object()
            .bucket(&self.location.bucket)
            .key(&key)
            .content_type("application/json")
            .body(ByteStream::from(bytes))
            .send()
            .await
            .map(drop)
            .map_err(|e| {
                let detail = match &e {
                    SdkError::ServiceError(se) => one_line(&format!(
                        "{}: {}",
                        se.err().code().unwrap_or("error"),
                        se.err().message().unwrap_or_default()
                    )),
                    _ => one_line(&chain(&e)),
                };
                format!(
                    "s3:PutObject of {} failed: {detail}",
                    self.location.url(name)
                )
            })
    }
}

impl Session {
    /// A store for `location` with this session's (the caller's)
    /// credentials and region. With an endpoint override
    /// (`AWS_ENDPOINT_URL`, `AWS_ENDPOINT_URL_S3`: an emulator or a
    /// gateway) bucket names go in the path rather than the host name.
    pub fn s3_store(&self, location: S3Location) -> S3Store {
        let sdk = self.sdk_config();
        let overridden = sdk.endpoint_url().is_some()
            || std::env::var_os("AWS_ENDPOINT_URL_S3").is_some()
            || std::env::var_os("AWS_ENDPOINT_URL").is_some();
        let config = aws_sdk_s3::config::Builder::from(sdk)
            .force_path_style(overridden)
            .build();
        S3Store {
            client: aws_sdk_s3::Client::from_conf(config),
            location,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn s3_urls() {
        assert_eq!(S3Location::parse("runs/").unwrap(), None);
        let l = S3Location::parse("s3://my-bucket/nightly/2026")
            .unwrap()
            .unwrap();
        assert_eq!(l.bucket, "my-bucket");
        assert_eq!(l.prefix, "nightly/2026/");
        assert_eq!(l.key("index.json"), "nightly/2026/index.json");
        assert_eq!(l.url("a.json"), "s3://my-bucket/nightly/2026/a.json");
        let root = S3Location::parse("s3://bucket").unwrap().unwrap();
        assert_eq!(root.key("index.json"), "index.json");
        let slash = S3Location::parse("s3://bucket/p/").unwrap().unwrap();
        assert_eq!(slash.prefix, "p/");
        for bad in [
            "s3://",
            "s3://B",
            "s3://ab",
            "s3://-bucket/",
            "s3://bucket_x/",
            "s3://bucket/a//b",
        ] {
            assert!(S3Location::parse(bad).is_err(), "{bad}");
        }
    }
}
