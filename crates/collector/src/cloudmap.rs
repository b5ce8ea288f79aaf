//! AWS Cloud Map in one region (issue 16 item 4): the services an HTTP
//! API's private integration may send traffic to through a VPC link, and
//! the instances registered in each (an ECS service's tasks register
//! themselves there).
//!
//! - `ListServices`, 100 a page (the API's maximum), every namespace's
//!   (<https://docs.aws.amazon.com/cloud-map/latest/api/API_ListServices.html>).
//!   Its summaries carry no namespace id, so `namespace_id` stays empty
//!   (`GetService` would answer it, a call per service not worth its
//!   permission here).
//! - Per service, `ListInstances` by the service's id, 100 a page
//!   (<https://docs.aws.amazon.com/cloud-map/latest/api/API_ListInstances.html>),
//!   keeping only the attributes AWS defines for an instance's address and
//!   the ones ECS sets
//!   (<https://docs.aws.amazon.com/cloud-map/latest/api/API_RegisterInstance.html>);
//!   any custom attribute is dropped.
//!
//! `ListServices` failing leaves the region's inventory empty; a failed
//! `ListInstances` leaves that service's instances `None`, its error
//! recorded with the service's ARN.

use std::collections::HashMap;

use aws_sdk_servicediscovery::Client;
use aws_sdk_servicediscovery::types as t;
use futures::StreamExt;
use rampart_model::*;

use crate::ctx::{Ctx, Site, o};
use crate::ids::IdShape;

/// `MaxResults` of `ListServices` and `ListInstances`: each API's maximum.
const PAGE: i32 = 100;

fn client(ctx: &Ctx, region: &str) -> Client {
    Client::from_conf(
        aws_sdk_servicediscovery::config::Builder::from(&ctx.sdk)
            .region(aws_types::region::Region::new(region.to_string()))
            .interceptor(ctx.counter("servicediscovery"))
            .interceptor(crate::verify::VerifyResponse(crate::verify::Format::Json))
            .retry_classifier(crate::retry::Unimplemented)
            .http_client(ctx.http_client("servicediscovery", Some(region)))
            .build(),
    )
}

pub(crate) fn count(i: &CloudMapInventory) -> usize {
    i.services.len()
}

pub(crate) async fn collect(ctx: &Ctx, region: &str) -> CloudMapInventory {
    let _timer = crate::ctx::Timer::new("servicediscovery", Some(region));
    let c = &client(ctx, region);
    let site = Site {
        service: "servicediscovery",
        region: Some(region),
    };
    // The SDK's paginator here yields pages, not items.
    let res: Result<Vec<_>, _> = c
        .list_services()
        .max_results(PAGE)
        .into_paginator()
        .send()
        .try_collect()
        .await;
    let Some(pages) = ctx.ok(site, "ListServices", None, res) else {
        return CloudMapInventory::default();
    };
    let listed: Vec<t::ServiceSummary> = pages
        .iter()
        .flat_map(|p| p.services().iter().cloned())
        .collect();
    // An answer with a malformed ARN is refused whole (crate::ids).
    let listed = ctx.well_formed(
        site,
        "ListServices",
        None,
        "service",
        IdShape::Arn {
            service: "servicediscovery",
            resource: "service",
        },
        listed,
        |s: &t::ServiceSummary| s.arn(),
    );
    let mut services: Vec<CloudMapService> = futures::stream::iter(listed.iter())
        .map(|s| service(ctx, site, c, s))
        .buffer_unordered(ctx.fanout)
        .collect()
        .await;
    services.sort_by(|a, b| a.arn.cmp(&b.arn));
    services.dedup_by(|a, b| a.arn == b.arn);
    CloudMapInventory { services }
}

/// One listed service with its registered instances.
async fn service(
    ctx: &Ctx,
    site: Site<'_>,
    c: &Client,
    listed: &t::ServiceSummary,
) -> CloudMapService {
    let arn = listed.arn().unwrap_or_default();
    // The id is the ARN's last part (`service/srv-...`) when not answered.
    let id = listed
        .id()
        .filter(|i| !i.is_empty())
        .unwrap_or_else(|| arn.rsplit('/').next().unwrap_or(arn));
    let res: Result<Vec<_>, _> = c
        .list_instances()
        .service_id(id)
        .max_results(PAGE)
        .into_paginator()
        .send()
        .try_collect()
        .await;
    let instances = ctx
        .ok(site, "ListInstances", Some(arn), res)
        .and_then(|pages| {
            let all: Vec<t::InstanceSummary> = pages
                .iter()
                .flat_map(|p| p.instances().iter().cloned())
                .collect();
            let n = all.len();
            // An instance without an id is refused with its list (crate::ids).
            let all = ctx.well_formed(
                site,
                "ListInstances",
                Some(arn),
                "instance",
                IdShape::Name,
                all,
                |i: &t::InstanceSummary| i.id(),
            );
            (all.len() == n).then(|| {
                let mut v: Vec<CloudMapInstance> = all.iter().map(instance).collect();
                v.sort_by(|a, b| a.id.cmp(&b.id));
                v.dedup_by(|a, b| a.id == b.id);
                v
            })
        });
    CloudMapService {
        id: id.to_string(),
        arn: arn.to_string(),
        name: o(listed.name()),
        namespace_id: None,
        instances,
    }
}

/// <https://docs.aws.amazon.com/cloud-map/latest/api/API_InstanceSummary.html>:
/// the AWS-defined attributes only; a port that is not a number in range
/// is left out.
fn instance(i: &t::InstanceSummary) -> CloudMapInstance {
    let empty = HashMap::new();
    let attrs = i.attributes().unwrap_or(&empty);
    let get = |k: &str| {
        attrs
            .get(k)
            .filter(|v| !v.is_empty())
            .map(String::to_string)
    };
    CloudMapInstance {
        id: i.id().unwrap_or_default().to_string(),
        ipv4: get("AWS_INSTANCE_IPV4"),
        ipv6: get("AWS_INSTANCE_IPV6"),
        port: get("AWS_INSTANCE_PORT").and_then(|p| p.parse::<u16>().ok()),
        ec2_instance_id: get("AWS_EC2_INSTANCE_ID"),
        ecs_cluster_name: get("ECS_CLUSTER_NAME"),
        ecs_service_name: get("ECS_SERVICE_NAME"),
        ecs_task_definition_family: get("ECS_TASK_DEFINITION_FAMILY"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn instances_keep_only_the_aws_defined_attributes() {
        let i = t::InstanceSummary::builder()
            .id("0a1b2c3d4e5f")
            .attributes("AWS_INSTANCE_IPV4", "10.0.1.25")
            .attributes("AWS_INSTANCE_PORT", "8080")
            .attributes("AVAILABILITY_ZONE", "us-east-1a")
            .attributes("ECS_CLUSTER_NAME", "orders")
            .attributes("ECS_SERVICE_NAME", "orders-api")
            .attributes("ECS_TASK_DEFINITION_FAMILY", "orders")
            .attributes("db_password", "RAMPART-UNIT-CUSTOM-ATTRIBUTE")
            .build();
        let got = instance(&i);
        assert_eq!(
            got,
            CloudMapInstance {
                id: "0a1b2c3d4e5f".into(),
                ipv4: Some("10.0.1.25".into()),
                ipv6: None,
                port: Some(8080),
                ec2_instance_id: None,
                ecs_cluster_name: Some("orders".into()),
                ecs_service_name: Some("orders-api".into()),
                ecs_task_definition_family: Some("orders".into()),
            }
        );
        let json = serde_json::to_string(&got).unwrap();
        assert!(!json.contains("RAMPART-UNIT"), "{json}");
        assert!(!json.contains("us-east-1a"), "{json}");

        let ec2 = t::InstanceSummary::builder()
            .id("i-0123456789abcdef0")
            .attributes("AWS_EC2_INSTANCE_ID", "i-0123456789abcdef0")
            .attributes("AWS_INSTANCE_IPV6", "2001:db8::1")
            .attributes("AWS_INSTANCE_PORT", "70000")
            .build();
        let got = instance(&ec2);
        assert_eq!(got.ec2_instance_id.as_deref(), Some("i-0123456789abcdef0"));
        assert_eq!(got.ipv6.as_deref(), Some("2001:db8::1"));
        assert_eq!(got.port, None, "out of range");
        // No attributes at all.
        let bare = instance(&t::InstanceSummary::builder().id("x").build());
        assert_eq!((bare.ipv4, bare.port), (None, None));
    }
}
