//! Test fragments for the detect checks: the test region recorded by a
//! logging multi-Region trail with AWS's default selectors, and watched by
//! an enabled GuardDuty detector with EC2 Runtime Monitoring.

use rampart_model::*;

use crate::testing::{region, snapshot};

pub fn watched() -> Snapshot {
    let mut s = snapshot();
    region(&mut s).cloudtrail = Some(CloudTrailInventory {
        trails: vec![Trail {
            arn: "arn:aws:cloudtrail:us-east-1:123456789012:trail/account-trail".into(),
            name: "account-trail".into(),
            home_region: Some("us-east-1".into()),
            multi_region: true,
            organization: false,
            is_logging: Some(true),
            latest_delivery_error: None,
            selectors: Some(EventSelectors::aws_default()),
        }],
    });
    region(&mut s).guardduty = Some(GuardDutyInventory {
        detectors: vec![Detector {
            detector_id: "d-1".into(),
            status: Some("ENABLED".into()),
            features: vec![DetectorFeature {
                name: "RUNTIME_MONITORING".into(),
                status: Some("ENABLED".into()),
                additional: vec![("EC2_AGENT_MANAGEMENT".into(), Some("ENABLED".into()))],
            }],
        }],
    });
    s
}

pub fn cloudtrail(s: &mut Snapshot) -> &mut CloudTrailInventory {
    region(s).cloudtrail.get_or_insert_with(Default::default)
}

/// The first trail.
pub fn trail(s: &mut Snapshot) -> &mut Trail {
    &mut cloudtrail(s).trails[0]
}

pub fn guardduty(s: &mut Snapshot) -> &mut GuardDutyInventory {
    region(s).guardduty.get_or_insert_with(Default::default)
}
