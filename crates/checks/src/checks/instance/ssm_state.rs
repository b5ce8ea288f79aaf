//! What Systems Manager says about a backend, shared by INST-007 (managed
//! and online), INST-008 (patched) and the SSH/RDP messages of INST-005 and
//! NET-005 (the remedy differs when Session Manager can already reach it).

use rampart_model::{ManagedInstance, PatchState};

use crate::registry::Context;

/// Systems Manager's record of one instance.
pub(crate) enum Ssm<'s> {
    /// Managed: its node record and, if it ever reported one, its patch state.
    Managed(&'s ManagedInstance, Option<&'s PatchState>),
    /// Not in the region's managed-node list.
    NotManaged,
    /// The region's managed-node list is missing, with why.
    Unknown(String),
}

/// Systems Manager's record of `instance_id` in `region`.
pub(crate) fn ssm_of<'s>(cx: &Context<'s>, region: &str, instance_id: &str) -> Ssm<'s> {
    let Some(inv) = cx.snapshot.regions.get(region) else {
        return Ssm::Unknown(format!("region {region} was not scanned"));
    };
    if inv.ssm.is_none() {
        return Ssm::Unknown(
            "Systems Manager data is not in this snapshot (written before schema version 3): re-scan"
                .into(),
        );
    }
    if let Some(why) = cx.not_collected(Some(region), &["ssm:DescribeInstanceInformation"]) {
        return Ssm::Unknown(why);
    }
    let (managed, patch) = cx
        .ssm
        .get_or_init(|| SsmIndex::of(cx.snapshot))
        .get(region, instance_id);
    match managed {
        None => Ssm::NotManaged,
        Some(m) => Ssm::Managed(m, patch),
    }
}

/// Every region's managed-node and patch-state records by (region,
/// instance id): one pass over the lists, whatever their order (a
/// hand-edited snapshot need not be sorted), so that judging n backends
/// costs O(n), not a search per backend.
type Record<'s> = (Option<&'s ManagedInstance>, Option<&'s PatchState>);

#[derive(Default)]
pub(crate) struct SsmIndex<'s>(
    std::collections::HashMap<&'s str, std::collections::HashMap<&'s str, Record<'s>>>,
);

impl<'s> SsmIndex<'s> {
    fn of(snapshot: &'s rampart_model::Snapshot) -> Self {
        let mut map = std::collections::HashMap::new();
        for (region, inv) in &snapshot.regions {
            let Some(ssm) = &inv.ssm else { continue };
            let by_id: &mut std::collections::HashMap<&str, Record> =
                map.entry(region.as_str()).or_default();
            for m in &ssm.managed_instances {
                by_id
                    .entry(m.instance_id.as_str())
                    .or_insert((None, None))
                    .0
                    .get_or_insert(m);
            }
            for p in &ssm.patch_states {
                by_id
                    .entry(p.instance_id.as_str())
                    .or_insert((None, None))
                    .1
                    .get_or_insert(p);
            }
        }
        SsmIndex(map)
    }

    fn get(&self, region: &str, instance_id: &str) -> Record<'s> {
        self.0
            .get(region)
            .and_then(|m| m.get(instance_id))
            .copied()
            .unwrap_or((None, None))
    }
}

/// Whether Session Manager can reach the node: registered and `Online`.
pub(crate) fn online(m: &ManagedInstance) -> bool {
    m.ping_status.as_deref() == Some("Online")
}

/// The remedy for an admin port open to the internet on `instance_id`,
/// for the messages of INST-005 and NET-005: Session Manager when the
/// instance is already reachable through it; what it takes otherwise.
pub(crate) fn admin_remedy(cx: &Context<'_>, region: &str, instance_id: &str) -> String {
    match ssm_of(cx, region, instance_id) {
        Ssm::Managed(m, _) if online(m) => format!(
            "{instance_id} is managed by Systems Manager and online: close the port and use Session Manager"
        ),
        Ssm::Managed(m, _) => format!(
            "{instance_id} is registered with Systems Manager but its agent is {}: restore it, then close the port and use Session Manager",
            m.ping_status.as_deref().unwrap_or("not reporting")
        ),
        Ssm::NotManaged => format!(
            "{instance_id} is not managed by Systems Manager: give it the SSM agent and an instance profile with AmazonSSMManagedInstanceCore, then close the port and use Session Manager"
        ),
        Ssm::Unknown(_) => {
            "close the port and use Session Manager (whether the instance is managed by Systems Manager is unknown)".into()
        }
    }
}

/// The remedy for an admin port open on a group that backends `ids` carry,
/// for NET-005: who Session Manager already reaches and who needs Systems
/// Manager first; `None` when no known backend carries the group.
pub(crate) fn group_remedy(cx: &Context<'_>, region: &str, ids: &[&str]) -> Option<String> {
    if ids.is_empty() {
        return None;
    }
    let (mut reachable, mut not_yet, mut unknown) = (Vec::new(), Vec::new(), false);
    for id in ids {
        match ssm_of(cx, region, id) {
            Ssm::Managed(m, _) if online(m) => reachable.push(*id),
            Ssm::Managed(..) | Ssm::NotManaged => not_yet.push(*id),
            Ssm::Unknown(_) => unknown = true,
        }
    }
    let list = |v: &[&str]| {
        let mut s = v.iter().take(5).copied().collect::<Vec<_>>().join(", ");
        if v.len() > 5 {
            s.push_str(&format!(" and {} more", v.len() - 5));
        }
        s
    };
    let mut parts = Vec::new();
    if !reachable.is_empty() {
        parts.push(format!(
            "Session Manager already reaches {} (managed by Systems Manager, online): close the port",
            list(&reachable)
        ));
    }
    if !not_yet.is_empty() {
        parts.push(format!(
            "{} not managed by Systems Manager or not online: give them the SSM agent and an instance profile with AmazonSSMManagedInstanceCore, then close the port and use Session Manager",
            list(&not_yet)
        ));
    }
    if unknown {
        parts.push("use Session Manager instead (whether some backends are managed by Systems Manager is unknown)".into());
    }
    Some(parts.join("; "))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::instance::ssm_fixtures::*;
    use crate::checks::network::admin_port_open_to_internet::AdminPortOpenToInternet;
    use crate::checks::network::fixtures::{tcp, v4};
    use crate::testing::{REGION, region, run};

    /// INST-005 and NET-005 point to Session Manager when the backend is
    /// managed and online, and say what it takes when it is not.
    #[test]
    fn the_admin_port_remedy_follows_systems_manager() {
        let mut s = backends(&["i-on", "i-off"]);
        ssm(&mut s).managed_instances = vec![managed("i-on", "Online")];
        let index = crate::index::Index::new(&s);
        let exposures = crate::paths::Exposures::compute(&index);
        let cx = Context::new(&s, &index, &exposures);
        assert!(
            admin_remedy(&cx, REGION, "i-on").contains("is managed by Systems Manager and online")
        );
        assert!(admin_remedy(&cx, REGION, "i-off").contains("is not managed by Systems Manager"));
        let both = group_remedy(&cx, REGION, &["i-on", "i-off"]).unwrap();
        assert!(
            both.contains("Session Manager already reaches i-on")
                && both.contains("i-off not managed"),
            "{both}"
        );
        assert_eq!(group_remedy(&cx, REGION, &[]), None);

        // NET-005 on the backends' group open to the internet on 22.
        let sg = region(&mut s)
            .ec2
            .security_groups
            .iter_mut()
            .find(|g| g.group_id == "sg-happ")
            .unwrap();
        sg.ingress.push(tcp(22, 22, v4("0.0.0.0/0")));
        let got = run(&AdminPortOpenToInternet, &s);
        let o = got
            .iter()
            .find(|o| o.resource_arn.ends_with("sg-happ"))
            .unwrap();
        assert!(
            o.message.contains("Session Manager already reaches i-on"),
            "{}",
            o.message
        );
    }
}
