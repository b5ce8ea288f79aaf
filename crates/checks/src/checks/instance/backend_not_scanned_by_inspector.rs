//! INST-012: a backend Amazon Inspector does not scan has vulnerabilities
//! nobody is told about. Inspector scans an EC2 instance when EC2 scanning
//! is enabled in its region and the instance's coverage is `ACTIVE`
//! (agent-based scanning needs the SSM agent and a managed instance;
//! agentless scanning reads its EBS snapshots)
//! (<https://docs.aws.amazon.com/inspector/latest/user/scanning-ec2.html>,
//! <https://docs.aws.amazon.com/inspector/v2/APIReference/API_ScanStatus.html>).
//! Per backend; maybe-backends and regions without an instance list are not
//! evaluated ([`crate::checks::network::scope`]).

use rampart_model::Status;

use super::inspector_state::{Scan, scan_of, scanned};
use crate::checks::network::scope::Scope;
use crate::registry::{Check, Context, Outcome};

pub struct BackendNotScannedByInspector;

impl Check for BackendNotScannedByInspector {
    fn meta(&self) -> &'static rampart_model::CheckMeta {
        crate::check_meta!("instance", "INST-012")
    }

    fn evaluate(&self, cx: &Context<'_>) -> Vec<Outcome> {
        let scope = Scope::of(cx);
        let mut out = scope.instance_outcomes(cx);
        for (region, i) in &scope.backends {
            let id = i.instance_id.as_str();
            let (status, message) = match scan_of(cx, region, id) {
                Err(why) => (
                    Status::NotEvaluated(why),
                    format!("whether Inspector scans {id} is unknown"),
                ),
                Ok(Scan::Off(state)) => (
                    Status::Fail,
                    format!(
                        "Inspector does not scan {id}: EC2 scanning is {state} in {region} (INST-011)"
                    ),
                ),
                Ok(Scan::On(c)) if scanned(c) => (
                    Status::Pass,
                    format!(
                        "Inspector scans {id}{}",
                        c.and_then(|c| c.last_scanned_at)
                            .map(|t| format!(" (last scanned {})", t.date()))
                            .unwrap_or_default()
                    ),
                ),
                Ok(Scan::On(Some(c))) => (
                    Status::Fail,
                    format!(
                        "Inspector covers {id} but does not scan it ({}{}){}",
                        c.status.as_deref().unwrap_or("no status"),
                        c.reason
                            .as_deref()
                            .map(|r| format!(": {r}"))
                            .unwrap_or_default(),
                        if c.reason.as_deref() == Some("UNMANAGED_EC2_INSTANCE") {
                            "; manage it with Systems Manager (INST-007) or turn on agentless scanning"
                        } else {
                            ""
                        }
                    ),
                ),
                Ok(Scan::On(None)) => (
                    Status::Fail,
                    format!("{id} is not in Inspector's coverage of {region}"),
                ),
            };
            out.push(Outcome::new(
                cx.ec2_arn(region, "instance", id),
                region,
                status,
                message,
            ));
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::instance::inspector_fixtures::*;
    use crate::checks::instance::ssm_fixtures::statuses_of;
    use crate::testing::*;

    #[test]
    fn an_active_backend_passes_inactive_missing_or_region_off_fails() {
        let mut s = inspected(&["i-on", "i-off", "i-gone"]);
        let i = inspector(&mut s);
        i.coverage.retain(|c| c.instance_id != "i-gone");
        let off = i
            .coverage
            .iter_mut()
            .find(|c| c.instance_id == "i-off")
            .unwrap();
        off.status = Some("INACTIVE".into());
        off.reason = Some("UNMANAGED_EC2_INSTANCE".into());
        let got = run(&BackendNotScannedByInspector, &s);
        assert_eq!(
            statuses_of(&got, &["i-gone", "i-off", "i-on"]),
            vec![
                ("i-gone".into(), "fail"),
                ("i-off".into(), "fail"),
                ("i-on".into(), "pass")
            ]
        );
        let off = got
            .iter()
            .find(|o| o.resource_arn.ends_with("i-off"))
            .unwrap();
        assert!(
            off.message.contains("UNMANAGED_EC2_INSTANCE"),
            "{}",
            off.message
        );
        // EC2 scanning off in the region: every backend fails.
        inspector(&mut s).ec2_status = Some("DISABLED".into());
        let got = run(&BackendNotScannedByInspector, &s);
        assert_eq!(statuses_of(&got, &["i-on"]), vec![("i-on".into(), "fail")]);
    }

    #[test]
    fn missing_data_is_not_evaluated() {
        for op in [
            "inspector2:BatchGetAccountStatus",
            "inspector2:ListCoverage",
        ] {
            let mut s = inspected(&["i-on"]);
            fail(&mut s, op);
            let got = run(&BackendNotScannedByInspector, &s);
            let on = got
                .iter()
                .find(|o| o.resource_arn.ends_with("i-on"))
                .unwrap();
            assert!(
                matches!(&on.status, Status::NotEvaluated(w) if w.contains(op)),
                "{op}: {on:?}"
            );
        }
        let mut s = inspected(&["i-on"]);
        region(&mut s).inspector = None;
        let got = run(&BackendNotScannedByInspector, &s);
        assert_eq!(
            statuses_of(&got, &["i-on"]),
            vec![("i-on".into(), "not-evaluated")]
        );
    }
}
