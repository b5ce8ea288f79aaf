//! rampart's collector: a concurrent, strictly read-only inventory of one AWS
//! account into a [`rampart_model::Snapshot`].
//!
//! Two steps, so the CLI can fail fast and size its progress display:
//! [`connect`] loads the SDK configuration (profile, assume-role, endpoint
//! variables), resolves the caller identity and validates the regions; any
//! problem there is a [`ScanError`] (a usage or environment error).
//! [`Session::collect`] then runs every service of every region at once; a
//! failing call becomes a `collection_errors` entry and the rest proceeds.
//!
//! Only Describe/List/Get operations are ever called (plus `sts:AssumeRole`
//! when the user asks for a role); `docs/iam-policy.json` lists them and the
//! end-to-end tests prove it.

/// Collects a paginated list, recording a failure and yielding what the
/// caller treats as "not collected" (an empty list plus the error entry).
macro_rules! paged {
    ($ctx:expr, $site:expr, $op:literal, $req:expr) => {{
        let res: Result<Vec<_>, _> = $req.into_paginator().items().send().collect().await;
        $ctx.ok($site, $op, None, res).unwrap_or_default()
    }};
}

mod acm;
mod apigateway;
mod apigatewayv2;
mod autoscaling;
mod cloudfront;
mod cloudmap;
mod cloudtrail;
mod ctx;
mod ec2;
mod ecs;
mod elbv2;
mod guardduty;
mod iam;
mod ids;
mod inspector;
mod kms;
pub mod org;
pub mod progress;
mod rate;
mod redact;
mod retry;
mod session;
mod shield;
mod ssm;
pub mod store;
mod verify;
mod wafv2;

pub use rate::DEFAULT_MAX_RPS;
pub use session::{RegionSelection, RetryMode, ScanError, ScanOptions, Session, connect};
