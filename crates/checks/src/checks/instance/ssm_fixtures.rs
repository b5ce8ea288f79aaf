//! Test fragments for the Systems Manager checks: backends behind the
//! demo's hardened NLB, and managed-node and patch-state records.

use rampart_model::*;

use crate::checks::network::fixtures::{TG_H, add_target_instance, demo, eni};
use crate::testing::region;

/// The network demo plus instances `ids`, each a target of the hardened
/// NLB's group (so a backend), with an empty Systems Manager section.
pub fn backends(ids: &[&str]) -> Snapshot {
    let mut s = demo();
    let r = region(&mut s);
    for (n, id) in ids.iter().enumerate() {
        let e = eni(
            &format!("eni-{id}"),
            "subnet-happ",
            "vpc-h",
            &format!("10.10.10.{}", 100 + n),
            None,
            &["sg-happ"],
            id,
        );
        add_target_instance(r, TG_H, id, e);
    }
    r.ssm = Some(SsmInventory::default());
    s
}

pub fn ssm(s: &mut Snapshot) -> &mut SsmInventory {
    region(s).ssm.get_or_insert_with(SsmInventory::default)
}

pub fn managed(id: &str, ping: &str) -> ManagedInstance {
    ManagedInstance {
        instance_id: id.into(),
        ping_status: Some(ping.into()),
        last_ping: None,
        agent_version: Some("3.3.1142.0".into()),
        is_latest_version: Some(true),
        platform_type: Some("Linux".into()),
        platform_name: Some("Amazon Linux".into()),
    }
}

/// A patch state with nothing outstanding, last scanned `days_ago` days
/// before the snapshot was taken.
pub fn patched(s: &Snapshot, id: &str, days_ago: i64) -> PatchState {
    PatchState {
        instance_id: id.into(),
        baseline_id: Some("pb-0123456789abcdef0".into()),
        missing_count: 0,
        failed_count: 0,
        installed_pending_reboot_count: Some(0),
        critical_non_compliant_count: Some(0),
        security_non_compliant_count: Some(0),
        operation: Some("Scan".into()),
        operation_end_time: Some(s.collected_at - rampart_model::time::Duration::days(days_ago)),
    }
}

/// [`crate::testing::statuses`] of the outcomes on `ids` only.
pub fn statuses_of(got: &[crate::registry::Outcome], ids: &[&str]) -> Vec<(String, &'static str)> {
    crate::testing::statuses(got)
        .into_iter()
        .filter(|(id, _)| ids.contains(&id.as_str()))
        .collect()
}
