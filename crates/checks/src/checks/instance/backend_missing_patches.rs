//! INST-008: a backend with critical or security patches outstanding, or
//! whose last patch scan is older than the window, runs code with known
//! fixes. From Patch Manager's per-instance state
//! (<https://docs.aws.amazon.com/systems-manager/latest/APIReference/API_InstancePatchState.html>):
//! `CriticalNonCompliantCount` and `SecurityNonCompliantCount` count the
//! patches of those classes that are not installed (missing, failed,
//! rejected or awaiting a reboot). Where counts by class are absent (older
//! agents), any missing or failed patch leaves the verdict open.
//!
//! A backend with no patch data (not managed, never scanned) is not
//! evaluated, never passed.

use rampart_model::{PatchState, Status};

use super::ssm_state::{Ssm, ssm_of};
use crate::checks::network::scope::Scope;
use crate::registry::{Check, Context, Outcome};

pub struct BackendMissingPatches;

impl Check for BackendMissingPatches {
    fn meta(&self) -> &'static rampart_model::CheckMeta {
        crate::check_meta!("instance", "INST-008")
    }

    fn evaluate(&self, cx: &Context<'_>) -> Vec<Outcome> {
        let scope = Scope::of(cx);
        let mut out = scope.instance_outcomes(cx);
        let days = cx.settings.instance.patch_max_age_days();
        for (region, i) in &scope.backends {
            let id = i.instance_id.as_str();
            let (status, message) = match ssm_of(cx, region, id) {
                Ssm::Unknown(why) => (
                    Status::NotEvaluated(why),
                    format!("the patch state of {id} is unknown"),
                ),
                Ssm::NotManaged => (
                    Status::NotEvaluated(format!(
                        "{id} is not managed by Systems Manager: no patch data (INST-007)"
                    )),
                    format!("the patch state of {id} is unknown"),
                ),
                Ssm::Managed(..)
                    if cx
                        .not_collected(Some(region), &["ssm:DescribeInstancePatchStates"])
                        .is_some() =>
                {
                    (
                        Status::NotEvaluated(
                            cx.not_collected(Some(region), &["ssm:DescribeInstancePatchStates"])
                                .unwrap_or_default(),
                        ),
                        format!("the patch state of {id} is unknown"),
                    )
                }
                Ssm::Managed(_, None) => (
                    Status::NotEvaluated(format!("{id} has never reported a Patch Manager scan")),
                    format!("the patch state of {id} is unknown"),
                ),
                Ssm::Managed(_, Some(p)) => judge(cx, id, p, days),
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

fn judge(cx: &Context<'_>, id: &str, p: &PatchState, days: u32) -> (Status, String) {
    let critical = p.critical_non_compliant_count.unwrap_or(0);
    let security = p.security_non_compliant_count.unwrap_or(0);
    let pending = p.installed_pending_reboot_count.unwrap_or(0);
    let counts = format!(
        "{critical} critical and {security} security patches not installed, {} missing, {} failed, {pending} awaiting a reboot",
        p.missing_count, p.failed_count
    );
    if critical > 0 || security > 0 {
        return (
            Status::Fail,
            format!(
                "{id} has {counts} (baseline {})",
                p.baseline_id.as_deref().unwrap_or("?")
            ),
        );
    }
    let by_class_unknown =
        p.critical_non_compliant_count.is_none() || p.security_non_compliant_count.is_none();
    if by_class_unknown && p.missing_count + p.failed_count > 0 {
        return (
            Status::NotEvaluated(format!(
                "{id} reports {} missing and {} failed patches without counts by class",
                p.missing_count, p.failed_count
            )),
            format!("whether {id} misses critical or security patches is unknown"),
        );
    }
    let Some(end) = p.operation_end_time else {
        return (
            Status::NotEvaluated(format!("{id}'s last patch operation has no end time")),
            format!("when {id} was last scanned for patches is unknown"),
        );
    };
    let age = cx.snapshot.collected_at - end;
    let age_days = age.whole_days();
    if age > rampart_model::time::Duration::days(i64::from(days)) {
        return (
            Status::Fail,
            format!(
                "{id} was last scanned by Patch Manager {age_days} days before this snapshot, over the {days}-day window: its patch state is stale"
            ),
        );
    }
    (
        Status::Pass,
        format!(
            "{id} has no critical or security patch outstanding ({counts}); last {} {age_days} day(s) before this snapshot",
            p.operation
                .as_deref()
                .unwrap_or("patch operation")
                .to_lowercase()
        ),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::instance::ssm_fixtures::*;
    use crate::testing::*;

    fn one(s: &rampart_model::Snapshot, id: &str) -> Outcome {
        run(&BackendMissingPatches, s)
            .into_iter()
            .find(|o| o.resource_arn.ends_with(id))
            .expect("a verdict")
    }

    #[test]
    fn a_patched_recent_backend_passes_outstanding_or_stale_fails() {
        let ids = ["i-ok", "i-crit", "i-sec", "i-stale"];
        let mut s = backends(&ids);
        let mut crit = patched(&s, "i-crit", 1);
        crit.critical_non_compliant_count = Some(2);
        crit.missing_count = 2;
        let mut sec = patched(&s, "i-sec", 1);
        sec.security_non_compliant_count = Some(1);
        sec.failed_count = 1;
        let states = vec![crit, patched(&s, "i-ok", 1), sec, patched(&s, "i-stale", 8)];
        let x = ssm(&mut s);
        x.managed_instances = ids.iter().map(|i| managed(i, "Online")).collect();
        x.managed_instances
            .sort_by(|a, b| a.instance_id.cmp(&b.instance_id));
        x.patch_states = states;
        x.patch_states
            .sort_by(|a, b| a.instance_id.cmp(&b.instance_id));
        let got = run(&BackendMissingPatches, &s);
        assert_eq!(
            statuses_of(&got, &ids),
            vec![
                ("i-crit".into(), "fail"),
                ("i-ok".into(), "pass"),
                ("i-sec".into(), "fail"),
                ("i-stale".into(), "fail"),
            ]
        );
        assert!(one(&s, "i-crit").message.contains("2 critical"));
        assert!(one(&s, "i-stale").message.contains("8 days"));
        // The window is rampart.toml's.
        let settings = rampart_model::config::Config::parse(
            "rampart.toml",
            "[instance]\npatch_max_age_days = 10\n",
        )
        .unwrap()
        .settings;
        let index = crate::index::Index::new(&s);
        let exposures = crate::paths::Exposures::compute(&index);
        let cx = Context::new(&s, &index, &exposures).with_settings(&settings);
        let stale = BackendMissingPatches
            .evaluate(&cx)
            .into_iter()
            .find(|o| o.resource_arn.ends_with("i-stale"))
            .unwrap();
        assert_eq!(stale.status, Status::Pass, "{stale:?}");
    }

    #[test]
    fn no_patch_data_is_never_a_pass() {
        let ids = ["i-none", "i-never", "i-old-agent"];
        let mut s = backends(&ids);
        let mut old = patched(&s, "i-old-agent", 1);
        old.critical_non_compliant_count = None;
        old.security_non_compliant_count = None;
        old.missing_count = 3;
        let x = ssm(&mut s);
        x.managed_instances = vec![
            managed("i-never", "Online"),
            managed("i-old-agent", "Online"),
        ];
        x.patch_states = vec![old];
        let got = run(&BackendMissingPatches, &s);
        assert_eq!(
            statuses_of(&got, &ids),
            vec![
                ("i-never".into(), "not-evaluated"),
                ("i-none".into(), "not-evaluated"),
                ("i-old-agent".into(), "not-evaluated"),
            ]
        );
        assert!(
            matches!(&one(&s, "i-none").status, Status::NotEvaluated(w) if w.contains("not managed"))
        );
        assert!(
            matches!(&one(&s, "i-never").status, Status::NotEvaluated(w) if w.contains("never reported"))
        );
        // The patch states denied: not evaluated, naming the operation.
        let mut s = backends(&["i-ok"]);
        let p = patched(&s, "i-ok", 1);
        let x = ssm(&mut s);
        x.managed_instances = vec![managed("i-ok", "Online")];
        x.patch_states = vec![p];
        fail(&mut s, "ssm:DescribeInstancePatchStates");
        assert!(
            matches!(&one(&s, "i-ok").status, Status::NotEvaluated(w) if w.contains("ssm:DescribeInstancePatchStates"))
        );
    }

    #[test]
    fn a_bad_window_is_a_config_error_naming_the_line() {
        let e = rampart_model::config::Config::parse(
            "rampart.toml",
            "[instance]\npatch_max_age_days = 0\n",
        )
        .unwrap_err()
        .to_string();
        assert!(
            e.contains("rampart.toml, line 2") && e.contains("patch_max_age_days"),
            "{e}"
        );
    }
}
