//! Systems Manager in one region (issue 15 item 1): the EC2 instances it
//! manages (`DescribeInstanceInformation`: ping status, agent, platform)
//! and their patch state (`DescribeInstancePatchStates`: missing, failed,
//! critical and security non-compliant counts, last operation time).
//!
//! `DescribeInstanceInformation` pages at most 50 nodes
//! (<https://docs.aws.amazon.com/systems-manager/latest/APIReference/API_DescribeInstanceInformation.html>);
//! `DescribeInstancePatchStates` takes at most 50 instance ids a call and
//! pages its answer at most 100
//! (<https://docs.aws.amazon.com/systems-manager/latest/APIReference/API_DescribeInstancePatchStates.html>).
//! Hybrid nodes (`mi-` ids) are not EC2 instances and are not kept.

use aws_sdk_ssm::Client;
use aws_sdk_ssm::types as t;
use futures::StreamExt;
use rampart_model::*;

use crate::ctx::{Ctx, Site, e, o};
use crate::ids::IdShape;

/// The largest page / id batch the two operations accept.
const INFO_PAGE: i32 = 50;
const PATCH_IDS: usize = 50;
const PATCH_PAGE: i32 = 100;

fn client(ctx: &Ctx, region: &str) -> Client {
    Client::from_conf(
        aws_sdk_ssm::config::Builder::from(&ctx.sdk)
            .region(aws_types::region::Region::new(region.to_string()))
            .interceptor(ctx.counter("ssm"))
            .interceptor(crate::verify::VerifyResponse(crate::verify::Format::Json))
            .retry_classifier(crate::retry::Unimplemented)
            .http_client(ctx.http_client("ssm", Some(region)))
            .build(),
    )
}

fn time(t: Option<&aws_smithy_types::DateTime>) -> Option<time::OffsetDateTime> {
    t.and_then(|t| time::OffsetDateTime::from_unix_timestamp(t.secs()).ok())
}

pub(crate) fn count(i: &SsmInventory) -> usize {
    i.managed_instances.len()
}

pub(crate) async fn collect(ctx: &Ctx, region: &str) -> SsmInventory {
    let _timer = crate::ctx::Timer::new("ssm", Some(region));
    let c = &client(ctx, region);
    let site = Site {
        service: "ssm",
        region: Some(region),
    };
    let Some(nodes) = ctx
        .token_pages(
            site,
            "DescribeInstanceInformation",
            None,
            |token| {
                c.describe_instance_information()
                    .set_next_token(token)
                    .max_results(INFO_PAGE)
                    .send()
            },
            |o| o.instance_information_list(),
            |o| o.next_token(),
        )
        .await
    else {
        return SsmInventory::default();
    };
    let ec2: Vec<t::InstanceInformation> = nodes
        .into_iter()
        .filter(|n| n.instance_id().is_some_and(|id| id.starts_with("i-")))
        .collect();
    let ec2 = ctx.well_formed(
        site,
        "DescribeInstanceInformation",
        None,
        "managed instance",
        IdShape::Ec2("i"),
        ec2,
        |n: &t::InstanceInformation| n.instance_id(),
    );
    let mut managed: Vec<ManagedInstance> = ec2
        .iter()
        .map(|n| ManagedInstance {
            instance_id: n.instance_id().unwrap_or_default().to_string(),
            ping_status: e(n.ping_status()),
            last_ping: time(n.last_ping_date_time()),
            agent_version: o(n.agent_version()),
            is_latest_version: n.is_latest_version(),
            platform_type: e(n.platform_type()),
            platform_name: o(n.platform_name()),
        })
        .collect();
    managed.sort_by(|a, b| a.instance_id.cmp(&b.instance_id));
    managed.dedup_by(|a, b| a.instance_id == b.instance_id);

    let ids: Vec<String> = managed.iter().map(|m| m.instance_id.clone()).collect();
    let batches: Vec<Option<Vec<t::InstancePatchState>>> =
        futures::stream::iter(ids.chunks(PATCH_IDS))
            .map(|batch| async move {
                ctx.token_pages(
                    site,
                    "DescribeInstancePatchStates",
                    None,
                    |token| {
                        c.describe_instance_patch_states()
                            .set_instance_ids(Some(batch.to_vec()))
                            .set_next_token(token)
                            .max_results(PATCH_PAGE)
                            .send()
                    },
                    |o| o.instance_patch_states(),
                    |o| o.next_token(),
                )
                .await
            })
            .buffer_unordered(ctx.fanout)
            .collect()
            .await;
    // One failed batch leaves the whole list "not collected" (the error
    // entry says so): a partial list is never passed off as the whole.
    let patch_states = match batches.into_iter().collect::<Option<Vec<_>>>() {
        Some(all) => {
            let states: Vec<t::InstancePatchState> = all.into_iter().flatten().collect();
            let states = ctx.well_formed(
                site,
                "DescribeInstancePatchStates",
                None,
                "patch state",
                IdShape::Ec2("i"),
                states,
                |s: &t::InstancePatchState| Some(s.instance_id()),
            );
            let mut v: Vec<PatchState> = states.iter().map(patch_state).collect();
            v.sort_by(|a, b| a.instance_id.cmp(&b.instance_id));
            v.dedup_by(|a, b| a.instance_id == b.instance_id);
            v
        }
        None => Vec::new(),
    };
    SsmInventory {
        managed_instances: managed,
        patch_states,
    }
}

fn patch_state(s: &t::InstancePatchState) -> PatchState {
    PatchState {
        instance_id: s.instance_id().to_string().into(),
        baseline_id: Some(s.baseline_id().into()).filter(|b: &CompactString| !b.is_empty()),
        missing_count: s.missing_count(),
        failed_count: s.failed_count(),
        installed_pending_reboot_count: s.installed_pending_reboot_count(),
        critical_non_compliant_count: s.critical_non_compliant_count(),
        security_non_compliant_count: s.security_non_compliant_count(),
        operation: Some(s.operation().as_str().to_string().into()),
        operation_end_time: time(Some(s.operation_end_time())),
    }
}
