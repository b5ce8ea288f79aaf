//! DET-002: GuardDuty watches a region only where the account has an
//! enabled detector there: detectors are regional
//! (<https://docs.aws.amazon.com/guardduty/latest/ug/guardduty_settingup.html>),
//! and `GetDetector`'s `Status` is `ENABLED` or `DISABLED`
//! (<https://docs.aws.amazon.com/guardduty/latest/APIReference/API_GetDetector.html>).
//! Judged per scanned region.

use rampart_model::Status;

use super::guardduty_state::{Guard, detectors_arn, guard_of};
use crate::registry::{Check, Context, Outcome};

pub struct GuardDutyNotEnabled;

impl Check for GuardDutyNotEnabled {
    fn meta(&self) -> &'static rampart_model::CheckMeta {
        crate::check_meta!("detect", "DET-002")
    }

    fn evaluate(&self, cx: &Context<'_>) -> Vec<Outcome> {
        super::per_region(cx, detectors_arn, |region| match guard_of(cx, region) {
            Err(why) => (
                Status::NotEvaluated(why),
                format!("whether GuardDuty is enabled in {region} is unknown"),
            ),
            Ok(Guard::Enabled(d)) => (
                Status::Pass,
                format!(
                    "GuardDuty detector {} is enabled in {region}",
                    d.detector_id
                ),
            ),
            Ok(Guard::Off(ids)) if ids.is_empty() => (
                Status::Fail,
                format!(
                    "GuardDuty has no detector in {region}: no threat in this region is detected"
                ),
            ),
            Ok(Guard::Off(ids)) => (
                Status::Fail,
                format!(
                    "GuardDuty detector {} in {region} is disabled: no threat in this region is detected",
                    ids.join(", ")
                ),
            ),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::detect::fixtures::*;
    use crate::testing::*;

    #[test]
    fn an_enabled_detector_passes_a_disabled_one_or_none_fails() {
        let got = run(&GuardDutyNotEnabled, &watched());
        assert_eq!(statuses(&got), vec![("*".into(), "pass")]);
        assert_eq!(
            got[0].resource_arn,
            "arn:aws:guardduty:us-east-1:123456789012:detector/*"
        );
        assert_eq!(
            got[0].message,
            "GuardDuty detector d-1 is enabled in us-east-1"
        );

        let mut s = watched();
        guardduty(&mut s).detectors[0].status = Some("DISABLED".into());
        let got = run(&GuardDutyNotEnabled, &s);
        assert_eq!(got[0].status, Status::Fail);
        assert!(
            got[0].message.contains("d-1 in us-east-1 is disabled"),
            "{}",
            got[0].message
        );

        let mut s = watched();
        guardduty(&mut s).detectors.clear();
        let got = run(&GuardDutyNotEnabled, &s);
        assert_eq!(got[0].status, Status::Fail);
        assert!(
            got[0].message.contains("no detector in us-east-1"),
            "{}",
            got[0].message
        );
    }

    #[test]
    fn missing_or_older_data_is_not_evaluated() {
        // ListDetectors denied: the collector leaves the list empty.
        let mut s = watched();
        guardduty(&mut s).detectors.clear();
        fail(&mut s, "guardduty:ListDetectors");
        let got = run(&GuardDutyNotEnabled, &s);
        assert!(
            matches!(&got[0].status, Status::NotEvaluated(w) if w.contains("ListDetectors")),
            "{got:?}"
        );
        // GetDetector denied: the detector is listed, its state unknown.
        let mut s = watched();
        guardduty(&mut s).detectors[0].status = None;
        guardduty(&mut s).detectors[0].features.clear();
        fail_for(&mut s, "guardduty:GetDetector", "d-1");
        let got = run(&GuardDutyNotEnabled, &s);
        assert!(
            matches!(&got[0].status, Status::NotEvaluated(w) if w.contains("GetDetector")),
            "{got:?}"
        );
        // A snapshot older than schema version 7.
        let mut s = watched();
        region(&mut s).guardduty = None;
        let got = run(&GuardDutyNotEnabled, &s);
        assert!(
            matches!(&got[0].status, Status::NotEvaluated(w) if w.contains("schema version 7")),
            "{got:?}"
        );
    }
}
