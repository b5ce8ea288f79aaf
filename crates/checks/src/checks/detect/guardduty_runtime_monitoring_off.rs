//! DET-003: GuardDuty Runtime Monitoring on the region's enabled detector,
//! with EC2 automated agent management. Runtime Monitoring needs the
//! `RUNTIME_MONITORING` feature enabled and then the agent on each
//! resource, which GuardDuty deploys itself for EC2 when the feature's
//! `EC2_AGENT_MANAGEMENT` additional configuration is enabled
//! (<https://docs.aws.amazon.com/guardduty/latest/ug/how-does-runtime-monitoring-work.html>;
//! feature and configuration names:
//! <https://docs.aws.amazon.com/guardduty/latest/APIReference/API_DetectorFeatureConfigurationResult.html>,
//! <https://docs.aws.amazon.com/guardduty/latest/APIReference/API_DetectorAdditionalConfigurationResult.html>).
//! With the feature on and agents managed by hand, whether the backends run
//! an agent is in GuardDuty's coverage, which rampart does not read: not
//! evaluated, never a pass.

use rampart_model::Status;

use super::guardduty_state::{Guard, detectors_arn, guard_of};
use crate::registry::{Check, Context, Outcome};

pub struct GuardDutyRuntimeMonitoringOff;

pub(crate) const FEATURE: &str = "RUNTIME_MONITORING";
pub(crate) const EC2_AGENT: &str = "EC2_AGENT_MANAGEMENT";
/// Reported, not judged: ECS tasks are not backends yet (issue 16 part 3).
pub(crate) const ECS_AGENT: &str = "ECS_FARGATE_AGENT_MANAGEMENT";

impl Check for GuardDutyRuntimeMonitoringOff {
    fn meta(&self) -> &'static rampart_model::CheckMeta {
        crate::check_meta!("detect", "DET-003")
    }

    fn evaluate(&self, cx: &Context<'_>) -> Vec<Outcome> {
        super::per_region(cx, detectors_arn, |region| match guard_of(cx, region) {
            Err(why) => (
                Status::NotEvaluated(why),
                format!("whether GuardDuty monitors runtime in {region} is unknown"),
            ),
            Ok(Guard::Off(_)) => (
                Status::Fail,
                format!(
                    "GuardDuty is not enabled in {region} (DET-002): nothing monitors the backends' runtime"
                ),
            ),
            Ok(Guard::Enabled(d)) => match d.feature(FEATURE) {
                Some(f) if f.enabled() => match f.additional(EC2_AGENT) {
                    Some("ENABLED") => (
                        Status::Pass,
                        format!(
                            "GuardDuty detector {} monitors EC2 runtime in {region} (automated agent management; ECS Fargate agent management {})",
                            d.detector_id,
                            f.additional(ECS_AGENT)
                                .unwrap_or("not listed")
                                .to_ascii_lowercase()
                        ),
                    ),
                    other => (
                        Status::NotEvaluated(format!(
                            "Runtime Monitoring is on but EC2 automated agent management is {}: agents may be installed by hand, and rampart does not read GuardDuty's coverage",
                            other.unwrap_or("not listed")
                        )),
                        format!(
                            "GuardDuty detector {} has Runtime Monitoring on in {region} without EC2 automated agent management",
                            d.detector_id
                        ),
                    ),
                },
                f => (
                    Status::Fail,
                    format!(
                        "GuardDuty detector {} in {region} has Runtime Monitoring {}: no agent reports what runs on the backends",
                        d.detector_id,
                        f.and_then(|f| f.status.as_deref())
                            .unwrap_or("not listed")
                            .to_ascii_lowercase()
                    ),
                ),
            },
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::detect::fixtures::*;
    use crate::testing::*;

    #[test]
    fn runtime_monitoring_with_the_ec2_agent_passes() {
        let got = run(&GuardDutyRuntimeMonitoringOff, &watched());
        assert_eq!(got[0].status, Status::Pass, "{}", got[0].message);
        // The ECS Fargate agent is reported beside it.
        assert!(
            got[0]
                .message
                .ends_with("(automated agent management; ECS Fargate agent management not listed)"),
            "{}",
            got[0].message
        );
        let mut s = watched();
        guardduty(&mut s).detectors[0].features[0].additional.push((
            "ECS_FARGATE_AGENT_MANAGEMENT".into(),
            Some("ENABLED".into()),
        ));
        let got = run(&GuardDutyRuntimeMonitoringOff, &s);
        assert!(
            got[0]
                .message
                .ends_with("ECS Fargate agent management enabled)"),
            "{}",
            got[0].message
        );
        assert_eq!(
            got[0].resource_arn,
            "arn:aws:guardduty:us-east-1:123456789012:detector/*"
        );
    }

    #[test]
    fn the_plan_off_or_no_enabled_detector_fails() {
        let mut s = watched();
        guardduty(&mut s).detectors[0].features[0].status = Some("DISABLED".into());
        let got = run(&GuardDutyRuntimeMonitoringOff, &s);
        assert_eq!(got[0].status, Status::Fail);
        assert!(
            got[0].message.contains("Runtime Monitoring disabled"),
            "{}",
            got[0].message
        );

        let mut s = watched();
        guardduty(&mut s).detectors[0].features.clear();
        let got = run(&GuardDutyRuntimeMonitoringOff, &s);
        assert_eq!(got[0].status, Status::Fail);
        assert!(
            got[0].message.contains("Runtime Monitoring not listed"),
            "{}",
            got[0].message
        );

        let mut s = watched();
        guardduty(&mut s).detectors[0].status = Some("DISABLED".into());
        let got = run(&GuardDutyRuntimeMonitoringOff, &s);
        assert_eq!(got[0].status, Status::Fail);
        assert!(
            got[0].message.contains("not enabled in us-east-1"),
            "{}",
            got[0].message
        );
    }

    #[test]
    fn agents_managed_by_hand_or_missing_data_are_not_evaluated() {
        let mut s = watched();
        guardduty(&mut s).detectors[0].features[0].additional[0].1 = Some("DISABLED".into());
        let got = run(&GuardDutyRuntimeMonitoringOff, &s);
        assert!(
            matches!(&got[0].status, Status::NotEvaluated(w) if w.contains("agent management is DISABLED")),
            "{got:?}"
        );
        let mut s = watched();
        guardduty(&mut s).detectors[0].status = None;
        fail_for(&mut s, "guardduty:GetDetector", "d-1");
        let got = run(&GuardDutyRuntimeMonitoringOff, &s);
        assert!(
            matches!(&got[0].status, Status::NotEvaluated(w) if w.contains("GetDetector")),
            "{got:?}"
        );
        let mut s = watched();
        guardduty(&mut s).detectors.clear();
        fail(&mut s, "guardduty:ListDetectors");
        let got = run(&GuardDutyRuntimeMonitoringOff, &s);
        assert!(
            matches!(&got[0].status, Status::NotEvaluated(w) if w.contains("ListDetectors")),
            "{got:?}"
        );
    }
}
