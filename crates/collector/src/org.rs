//! The organisation side of a multi-account scan: listing the ACTIVE
//! accounts with `organizations:ListAccounts` (caller's credentials, from
//! the management or a delegated administrator account), and the options of
//! each member account's scan (the same [`ScanOptions`] with the role in
//! that account to assume). The scan of each account is the ordinary
//! [`crate::connect`] / [`Session::collect`].

use aws_smithy_runtime_api::client::result::SdkError;
use aws_smithy_types::error::metadata::ProvideErrorMetadata;

use crate::ctx::{chain, one_line};
use crate::session::{ScanError, ScanOptions, Session, endpoint_hint, home_region_of};

/// An account of the organisation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrgAccount {
    pub account_id: String,
    pub name: Option<String>,
}

/// The default `--org-role`: the role AWS Organizations creates in every
/// account it creates (the management account itself has none).
pub const DEFAULT_ORG_ROLE: &str = "OrganizationAccountAccessRole";

/// True for an IAM role name, optionally with a path (`path/Name`).
pub fn is_role_name(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= 512
        && !name.starts_with('/')
        && !name.ends_with('/')
        && name.bytes().all(|b| {
            b.is_ascii_alphanumeric()
                || matches!(b, b'+' | b'=' | b',' | b'.' | b'@' | b'_' | b'-' | b'/')
        })
}

/// `arn:PARTITION:iam::ACCOUNT:role/NAME`.
pub fn role_arn(partition: &str, account_id: &str, role_name: &str) -> String {
    format!("arn:{partition}:iam::{account_id}:role/{role_name}")
}

/// The options for scanning `account_id` through `role_name`: the caller's
/// options (profile, regions, retries, rate caps, external id) with the
/// role to assume. Rate caps are per [`crate::connect`], hence per account,
/// as AWS's own limits are.
pub fn member_options(
    caller: &ScanOptions,
    partition: &str,
    account_id: &str,
    role_name: &str,
) -> ScanOptions {
    ScanOptions {
        role_arn: Some(role_arn(partition, account_id, role_name)),
        ..caller.clone()
    }
}

/// One line for an account whose scan could not start: an assume-role
/// failure names the role and `sts:AssumeRole`.
pub fn start_error(role_arn: &str, err: &ScanError) -> String {
    match err {
        ScanError::Credentials { detail, .. } | ScanError::NoCredentials { detail, .. } => {
            format!("sts:AssumeRole of {role_arn} failed: {detail}")
        }
        ScanError::Rejected(detail) => format!(
            "the credentials of {role_arn} (sts:AssumeRole) were rejected by sts:GetCallerIdentity: {detail}"
        ),
        other => format!("the scan as {role_arn} could not start: {other}"),
    }
}

impl Session {
    /// The ACTIVE accounts of the organisation (`organizations:ListAccounts`,
    /// paged), with the session's (the caller's) credentials. Sorted by id.
    pub async fn list_accounts(&self) -> Result<Vec<OrgAccount>, ScanError> {
        let sdk = self.sdk_config();
        let client = aws_sdk_organizations::Client::from_conf(
            aws_sdk_organizations::config::Builder::from(sdk)
                .interceptor(crate::verify::VerifyResponse(crate::verify::Format::Json))
                .retry_classifier(crate::retry::Unimplemented)
                .http_client(
                    self.rate_caps()
                        .http_client("organizations", home_region_of(sdk)),
                )
                .build(),
        );
        let pages: Result<Vec<_>, _> = client
            .list_accounts()
            .into_paginator()
            .send()
            .collect()
            .await;
        let listed = pages.map(|pages| {
            pages
                .into_iter()
                .flat_map(|p| p.accounts.unwrap_or_default())
                .collect::<Vec<_>>()
        });
        let listed = listed.map_err(|e| {
            let detail = match &e {
                SdkError::DispatchFailure(_) | SdkError::TimeoutError(_) => {
                    format!(
                        "no answer from the endpoint{}",
                        endpoint_hint("organizations")
                    )
                }
                SdkError::ServiceError(se) => {
                    let code = se.err().code().unwrap_or("error");
                    let msg = se.err().message().unwrap_or_default();
                    one_line(&format!("{code}: {msg}"))
                }
                _ => one_line(&chain(&e)),
            };
            ScanError::ListAccounts(detail)
        })?;
        let mut accounts: Vec<OrgAccount> = listed
            .into_iter()
            .filter(|a| {
                a.status()
                    .is_none_or(|s| *s == aws_sdk_organizations::types::AccountStatus::Active)
            })
            .filter_map(|a| {
                Some(OrgAccount {
                    account_id: a.id()?.to_string(),
                    name: a.name().map(str::to_string),
                })
            })
            .collect();
        accounts.sort_by(|a, b| a.account_id.cmp(&b.account_id));
        accounts.dedup_by(|a, b| a.account_id == b.account_id);
        Ok(accounts)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn role_names_and_arns() {
        assert!(is_role_name(DEFAULT_ORG_ROLE));
        assert!(is_role_name("audit/rampart-read"));
        for bad in ["", "/x", "x/", "a b", "a:b", "r\u{e9}le"] {
            assert!(!is_role_name(bad), "{bad:?}");
        }
        assert_eq!(
            role_arn("aws-us-gov", "111111111111", "Audit"),
            "arn:aws-us-gov:iam::111111111111:role/Audit"
        );
        let o = member_options(&ScanOptions::default(), "aws", "222222222222", "R");
        assert_eq!(
            o.role_arn.as_deref(),
            Some("arn:aws:iam::222222222222:role/R")
        );
    }

    #[test]
    fn assume_role_failures_name_the_role_and_the_operation() {
        let arn = "arn:aws:iam::222222222222:role/R";
        let e = ScanError::Credentials {
            profile: String::new(),
            detail: "AccessDenied: not authorized".into(),
        };
        let line = start_error(arn, &e);
        assert!(
            line.contains("sts:AssumeRole") && line.contains(arn),
            "{line}"
        );
        let other = start_error(arn, &ScanError::NoRegion);
        assert!(other.contains(arn) && other.contains("--region"), "{other}");
    }
}
