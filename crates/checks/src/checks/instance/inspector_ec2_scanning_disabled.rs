//! INST-011: Amazon Inspector scans EC2 instances for software
//! vulnerabilities and unintended network exposure only where EC2 scanning
//! is enabled, region by region
//! (<https://docs.aws.amazon.com/inspector/latest/user/scanning-ec2.html>).
//! Judged per scanned region; the resource is the region's EC2 scanning
//! setting (`arn:PARTITION:inspector2:REGION:ACCOUNT:ec2-scanning`).

use rampart_model::Status;

use super::inspector_state::status_of;
use crate::registry::{Check, Context, Outcome};

pub struct InspectorEc2ScanningDisabled;

/// The resource INST-011 judges in `region`.
pub(crate) fn scanning_arn(cx: &Context<'_>, region: &str) -> String {
    format!(
        "arn:{}:inspector2:{region}:{}:ec2-scanning",
        cx.snapshot.partition, cx.snapshot.account_id
    )
}

impl Check for InspectorEc2ScanningDisabled {
    fn meta(&self) -> &'static rampart_model::CheckMeta {
        crate::check_meta!("instance", "INST-011")
    }

    fn evaluate(&self, cx: &Context<'_>) -> Vec<Outcome> {
        cx.snapshot
            .region_names()
            .map(|region| {
                let (status, message) = match status_of(cx, region) {
                    Err(why) => (
                        Status::NotEvaluated(why),
                        format!("whether Inspector scans EC2 in {region} is unknown"),
                    ),
                    Ok("ENABLED") => (
                        Status::Pass,
                        format!("Inspector scans EC2 instances in {region}"),
                    ),
                    Ok("ENABLING") => (
                        Status::NotEvaluated(format!(
                            "Inspector's EC2 scanning is still being enabled in {region}: re-scan later"
                        )),
                        format!("Inspector's EC2 scanning is being enabled in {region}"),
                    ),
                    Ok(other) => (
                        Status::Fail,
                        format!(
                            "Inspector's EC2 scanning is {other} in {region}: no instance there is scanned for vulnerabilities"
                        ),
                    ),
                };
                Outcome::new(scanning_arn(cx, region), region, status, message)
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::instance::inspector_fixtures::*;
    use crate::testing::*;

    #[test]
    fn enabled_passes_disabled_or_suspended_fails_enabling_is_not_evaluated() {
        for (state, want) in [
            ("ENABLED", "pass"),
            ("DISABLED", "fail"),
            ("SUSPENDED", "fail"),
            ("ENABLING", "not-evaluated"),
        ] {
            let mut s = inspected(&[]);
            inspector(&mut s).ec2_status = Some(state.into());
            let got = run(&InspectorEc2ScanningDisabled, &s);
            assert_eq!(got.len(), 1);
            assert_eq!(got[0].status.as_str(), want, "{state}: {}", got[0].message);
            assert_eq!(
                got[0].resource_arn,
                "arn:aws:inspector2:us-east-1:123456789012:ec2-scanning"
            );
        }
    }

    #[test]
    fn missing_or_older_data_is_not_evaluated() {
        let mut s = inspected(&[]);
        inspector(&mut s).ec2_status = None;
        fail(&mut s, "inspector2:BatchGetAccountStatus");
        let got = run(&InspectorEc2ScanningDisabled, &s);
        assert!(
            matches!(&got[0].status, Status::NotEvaluated(w) if w.contains("BatchGetAccountStatus")),
            "{got:?}"
        );
        let mut s = inspected(&[]);
        region(&mut s).inspector = None;
        let got = run(&InspectorEc2ScanningDisabled, &s);
        assert!(
            matches!(&got[0].status, Status::NotEvaluated(w) if w.contains("schema version 6")),
            "{got:?}"
        );
    }
}
