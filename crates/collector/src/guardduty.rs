//! GuardDuty in one region (issue 16 item 5): the region's detectors
//! (`ListDetectors`, 50 a page, the API's maximum:
//! <https://docs.aws.amazon.com/guardduty/latest/APIReference/API_ListDetectors.html>;
//! an account has at most one per region) and each one's status and
//! protection plans (`GetDetector`: `features`, with their additional
//! configurations such as Runtime Monitoring's `EC2_AGENT_MANAGEMENT`:
//! <https://docs.aws.amazon.com/guardduty/latest/APIReference/API_GetDetector.html>).
//! Never findings, filters, members or the detector's tags.
//!
//! A failed `GetDetector` leaves the detector with no status and no
//! features, its error recorded with the detector id.

use aws_sdk_guardduty::Client;
use aws_sdk_guardduty::types as t;
use futures::StreamExt;
use rampart_model::*;

use crate::ctx::{Ctx, Site, e};
use crate::ids::IdShape;

const DETECTORS_PAGE: i32 = 50;

fn client(ctx: &Ctx, region: &str) -> Client {
    Client::from_conf(
        aws_sdk_guardduty::config::Builder::from(&ctx.sdk)
            .region(aws_types::region::Region::new(region.to_string()))
            .interceptor(ctx.counter("guardduty"))
            .interceptor(crate::verify::VerifyResponse(crate::verify::Format::Json))
            .retry_classifier(crate::retry::Unimplemented)
            .http_client(ctx.http_client("guardduty", Some(region)))
            .build(),
    )
}

pub(crate) fn count(i: &GuardDutyInventory) -> usize {
    i.detectors.len()
}

pub(crate) async fn collect(ctx: &Ctx, region: &str) -> GuardDutyInventory {
    let _timer = crate::ctx::Timer::new("guardduty", Some(region));
    let c = &client(ctx, region);
    let site = Site {
        service: "guardduty",
        region: Some(region),
    };
    let res: Result<Vec<String>, _> = c
        .list_detectors()
        .max_results(DETECTORS_PAGE)
        .into_paginator()
        .items()
        .send()
        .collect()
        .await;
    let Some(ids) = ctx.ok(site, "ListDetectors", None, res) else {
        return GuardDutyInventory::default();
    };
    // An answer with an empty id is refused whole (crate::ids).
    let mut ids = ctx.well_formed(
        site,
        "ListDetectors",
        None,
        "detector",
        IdShape::Name,
        ids,
        |id: &String| Some(id.as_str()),
    );
    ids.sort();
    ids.dedup();
    let mut detectors: Vec<Detector> = futures::stream::iter(ids.iter())
        .map(|id| detector(ctx, site, c, id))
        .buffer_unordered(ctx.fanout)
        .collect()
        .await;
    detectors.sort_by(|a, b| a.detector_id.cmp(&b.detector_id));
    GuardDutyInventory { detectors }
}

async fn detector(ctx: &Ctx, site: Site<'_>, c: &Client, id: &str) -> Detector {
    let Some(out) = ctx.ok(
        site,
        "GetDetector",
        Some(id),
        c.get_detector().detector_id(id).send().await,
    ) else {
        return Detector {
            detector_id: id.to_string(),
            status: None,
            features: Vec::new(),
        };
    };
    let mut features: Vec<DetectorFeature> = out.features().iter().filter_map(feature).collect();
    features.sort_by(|a, b| a.name.cmp(&b.name));
    Detector {
        detector_id: id.to_string(),
        status: e(out.status()),
        features,
    }
}

/// <https://docs.aws.amazon.com/guardduty/latest/APIReference/API_DetectorFeatureConfigurationResult.html>;
/// a feature without a name names nothing and is dropped.
fn feature(f: &t::DetectorFeatureConfigurationResult) -> Option<DetectorFeature> {
    let mut additional: Vec<(String, Option<String>)> = f
        .additional_configuration()
        .iter()
        .filter_map(|a| Some((a.name()?.as_str().to_string(), e(a.status()))))
        .collect();
    additional.sort();
    Some(DetectorFeature {
        name: f.name()?.as_str().to_string(),
        status: e(f.status()),
        additional,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn features_keep_their_additional_configurations() {
        let f = t::DetectorFeatureConfigurationResult::builder()
            .name(t::DetectorFeatureResult::RuntimeMonitoring)
            .status(t::FeatureStatus::Enabled)
            .additional_configuration(
                t::DetectorAdditionalConfigurationResult::builder()
                    .name(t::FeatureAdditionalConfiguration::EksAddonManagement)
                    .status(t::FeatureStatus::Disabled)
                    .build(),
            )
            .additional_configuration(
                t::DetectorAdditionalConfigurationResult::builder()
                    .name(t::FeatureAdditionalConfiguration::Ec2AgentManagement)
                    .status(t::FeatureStatus::Enabled)
                    .build(),
            )
            .build();
        let got = feature(&f).unwrap();
        assert_eq!(got.name, "RUNTIME_MONITORING");
        assert!(got.enabled());
        assert_eq!(got.additional("EC2_AGENT_MANAGEMENT"), Some("ENABLED"));
        assert_eq!(got.additional("EKS_ADDON_MANAGEMENT"), Some("DISABLED"));
        assert_eq!(got.additional("ECS_FARGATE_AGENT_MANAGEMENT"), None);
        let unnamed = t::DetectorFeatureConfigurationResult::builder()
            .status(t::FeatureStatus::Enabled)
            .build();
        assert_eq!(feature(&unnamed), None);
    }
}
