//! CloudTrail in one region (issue 16 item 5): the trails that record the
//! region's API activity and, for each, whether it is logging there and
//! which events it records. Nothing else of a trail is kept: never its
//! bucket, key prefix, SNS topic, KMS key, log group or log contents.
//!
//! - `DescribeTrails`, with `includeShadowTrails` left at its default
//!   (true): the region's own trails, the multi-Region trails homed in
//!   other regions and the organization's trail. It is not paginated
//!   (<https://docs.aws.amazon.com/awscloudtrail/latest/APIReference/API_DescribeTrails.html>).
//! - `GetTrailStatus` per trail, by ARN, in the scanned region: it "returns
//!   trail status from a single Region", and "to get the status of a shadow
//!   trail (a replication of the trail in another Region), you must specify
//!   its ARN"
//!   (<https://docs.aws.amazon.com/awscloudtrail/latest/APIReference/API_GetTrailStatus.html>).
//! - `GetEventSelectors` per trail, by ARN: its basic selectors (read/write
//!   type, management events and the event sources they exclude; not their
//!   data resources, which are data events) or its advanced selectors
//!   (<https://docs.aws.amazon.com/awscloudtrail/latest/APIReference/API_GetEventSelectors.html>).
//!
//! A failed per-trail call leaves that part `None`, its error recorded
//! with the trail's ARN.

use aws_sdk_cloudtrail::Client;
use aws_sdk_cloudtrail::types as t;
use futures::StreamExt;
use rampart_model::*;

use crate::ctx::{Ctx, Site, e, o, strings};
use crate::ids::IdShape;

fn client(ctx: &Ctx, region: &str) -> Client {
    Client::from_conf(
        aws_sdk_cloudtrail::config::Builder::from(&ctx.sdk)
            .region(aws_types::region::Region::new(region.to_string()))
            .interceptor(ctx.counter("cloudtrail"))
            .interceptor(crate::verify::VerifyResponse(crate::verify::Format::Json))
            .retry_classifier(crate::retry::Unimplemented)
            .http_client(ctx.http_client("cloudtrail", Some(region)))
            .build(),
    )
}

pub(crate) fn count(i: &CloudTrailInventory) -> usize {
    i.trails.len()
}

pub(crate) async fn collect(ctx: &Ctx, region: &str) -> CloudTrailInventory {
    let _timer = crate::ctx::Timer::new("cloudtrail", Some(region));
    let c = &client(ctx, region);
    let site = Site {
        service: "cloudtrail",
        region: Some(region),
    };
    let Some(out) = ctx.ok(
        site,
        "DescribeTrails",
        None,
        c.describe_trails().send().await,
    ) else {
        return CloudTrailInventory::default();
    };
    // An answer with a malformed ARN is refused whole (crate::ids).
    let listed = ctx.well_formed(
        site,
        "DescribeTrails",
        None,
        "trail",
        IdShape::Arn {
            service: "cloudtrail",
            resource: "trail",
        },
        out.trail_list.unwrap_or_default(),
        |t: &t::Trail| t.trail_arn(),
    );
    let mut trails: Vec<Trail> = futures::stream::iter(listed.iter())
        .map(|t| trail(ctx, site, c, t))
        .buffer_unordered(ctx.fanout)
        .collect()
        .await;
    trails.sort_by(|a, b| a.arn.cmp(&b.arn));
    trails.dedup_by(|a, b| a.arn == b.arn);
    CloudTrailInventory { trails }
}

/// One listed trail with its status and selectors in this region.
async fn trail(ctx: &Ctx, site: Site<'_>, c: &Client, listed: &t::Trail) -> Trail {
    let arn = listed.trail_arn().unwrap_or_default();
    let (status, selectors) = tokio::join!(
        async {
            ctx.ok(
                site,
                "GetTrailStatus",
                Some(arn),
                c.get_trail_status().name(arn).send().await,
            )
        },
        async {
            ctx.ok(
                site,
                "GetEventSelectors",
                Some(arn),
                c.get_event_selectors().trail_name(arn).send().await,
            )
        },
    );
    Trail {
        arn: arn.to_string(),
        name: listed
            .name()
            .map(str::to_string)
            .unwrap_or_else(|| arn.rsplit('/').next().unwrap_or(arn).to_string()),
        home_region: o(listed.home_region()),
        multi_region: listed.is_multi_region_trail().unwrap_or(false),
        organization: listed.is_organization_trail().unwrap_or(false),
        is_logging: status.as_ref().and_then(|s| s.is_logging()),
        latest_delivery_error: status
            .as_ref()
            .and_then(|s| s.latest_delivery_error())
            .filter(|e| !e.is_empty())
            .map(str::to_string),
        selectors: selectors.map(|s| EventSelectors {
            basic: s.event_selectors().iter().map(basic).collect(),
            advanced: s.advanced_event_selectors().iter().map(advanced).collect(),
        }),
    }
}

/// <https://docs.aws.amazon.com/awscloudtrail/latest/APIReference/API_EventSelector.html>
/// (its data resources are left out).
fn basic(s: &t::EventSelector) -> BasicEventSelector {
    BasicEventSelector {
        read_write_type: e(s.read_write_type()),
        include_management_events: s.include_management_events(),
        exclude_management_event_sources: strings(s.exclude_management_event_sources()),
    }
}

/// <https://docs.aws.amazon.com/awscloudtrail/latest/APIReference/API_AdvancedEventSelector.html>
fn advanced(s: &t::AdvancedEventSelector) -> AdvancedEventSelector {
    AdvancedEventSelector {
        name: o(s.name()),
        field_selectors: s
            .field_selectors()
            .iter()
            .map(|f| AdvancedFieldSelector {
                field: f.field().to_string(),
                equals: strings(f.equals()),
                not_equals: strings(f.not_equals()),
                starts_with: strings(f.starts_with()),
                not_starts_with: strings(f.not_starts_with()),
                ends_with: strings(f.ends_with()),
                not_ends_with: strings(f.not_ends_with()),
            })
            .collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn selectors_keep_what_judges_management_events_and_drop_data_resources() {
        let s = t::EventSelector::builder()
            .read_write_type(t::ReadWriteType::WriteOnly)
            .include_management_events(true)
            .exclude_management_event_sources("kms.amazonaws.com")
            .data_resources(
                t::DataResource::builder()
                    .r#type("AWS::S3::Object")
                    .values("arn:aws:s3:::secret-bucket/")
                    .build(),
            )
            .build();
        let got = basic(&s);
        assert_eq!(
            got,
            BasicEventSelector {
                read_write_type: Some("WriteOnly".into()),
                include_management_events: Some(true),
                exclude_management_event_sources: vec!["kms.amazonaws.com".into()],
            }
        );
        assert!(!format!("{got:?}").contains("secret-bucket"));

        let a = t::AdvancedEventSelector::builder()
            .name("management")
            .field_selectors(
                t::AdvancedFieldSelector::builder()
                    .field("eventCategory")
                    .equals("Management")
                    .build()
                    .unwrap(),
            )
            .field_selectors(
                t::AdvancedFieldSelector::builder()
                    .field("eventSource")
                    .not_equals("kms.amazonaws.com")
                    .not_starts_with("rds")
                    .not_ends_with(".example")
                    .starts_with("ec2")
                    .ends_with(".com")
                    .build()
                    .unwrap(),
            )
            .build()
            .unwrap();
        let got = advanced(&a);
        assert_eq!(got.name.as_deref(), Some("management"));
        assert_eq!(got.field_selectors.len(), 2);
        assert_eq!(got.field_selectors[0].field, "eventCategory");
        assert_eq!(got.field_selectors[0].equals, vec!["Management"]);
        let f = &got.field_selectors[1];
        assert_eq!(f.not_equals, vec!["kms.amazonaws.com"]);
        assert_eq!(f.starts_with, vec!["ec2"]);
        assert_eq!(f.not_starts_with, vec!["rds"]);
        assert_eq!(f.ends_with, vec![".com"]);
        assert_eq!(f.not_ends_with, vec![".example"]);
        assert!(f.equals.is_empty());
    }
}
