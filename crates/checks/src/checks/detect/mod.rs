//! Layer 5, detect: what records and flags the traffic and the actions the
//! other four layers let through. Judged per scanned region (CloudTrail,
//! GuardDuty); VPC flow logs are NET-013, which the scorecard's detect
//! column also counts (its metadata's `also_scored_in`).
//!
//! Each finding is filed on the region's setting, a region-scope resource
//! (`arn:PARTITION:cloudtrail:REGION:ACCOUNT:trail/*`,
//! `arn:PARTITION:guardduty:REGION:ACCOUNT:detector/*`), so every backend of
//! the region shows it on its card; the message names the trail or detector
//! to change.

use rampart_model::Status;

use crate::registry::{Context, Outcome};

pub mod cloudtrail_not_recording;
#[cfg(test)]
pub(crate) mod fixtures;
pub mod guardduty_not_enabled;
pub mod guardduty_runtime_monitoring_off;
pub(crate) mod guardduty_state;

/// One outcome per scanned region, filed on the region-scope resource
/// `arn` names, with the status and message `judge` gives the region.
pub(crate) fn per_region(
    cx: &Context<'_>,
    arn: fn(&Context<'_>, &str) -> String,
    judge: impl Fn(&str) -> (Status, String),
) -> Vec<Outcome> {
    cx.snapshot
        .region_names()
        .map(|region| {
            let (status, message) = judge(region);
            Outcome::new(arn(cx, region), region, status, message)
        })
        .collect()
}
