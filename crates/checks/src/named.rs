//! Resources the snapshot names although their own list is missing, and
//! the verdicts that stand for them (issue 14 item 3: every verdict is
//! present).
//!
//! When a list (`DescribeSecurityGroups`, `ListWebACLs`, ...) was not
//! collected in a region, a check over that kind reports the region as one
//! not-evaluated `KIND/*` outcome. Resources of that kind that other data
//! still names (the groups on an instance, the web ACL on a stage, the load
//! balancer of a target group) are known to exist: each gets its own
//! not-evaluated outcome with the same reason, so a report compared with a
//! full-permission run still shows a verdict for every resource it judged
//! then ([`stand_ins`], applied by the registry to every check).
//!
//! What names them is derived from the data, not listed: every string of
//! the region's inventory (tag keys and values excepted: they are free
//! text) that is an ARN under the wildcard's prefix, or, for EC2 kinds,
//! an EC2 resource id of the kind's shape.

use std::collections::BTreeSet;

use foldhash::{HashMap, HashSet};
use rampart_model::{RegionInventory, SharedStr, Snapshot, Status};
use serde_json::Value;

use crate::registry::{Context, Outcome};

/// The EC2 ARN resource types rampart files verdicts on, with their id
/// prefix. Ids are the prefix, a hyphen and 8 or 17 lowercase letters and
/// digits:
/// <https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/resource-ids.html>;
/// resource types as in
/// <https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazonec2.html#amazonec2-resources-for-iam-policies>.
const EC2_KINDS: &[(&str, &str)] = &[
    ("instance", "i"),
    ("security-group", "sg"),
    ("subnet", "subnet"),
    ("volume", "vol"),
    ("route-table", "rtb"),
    ("network-acl", "acl"),
    ("vpc", "vpc"),
    ("network-interface", "eni"),
];

/// Whether `id` is an EC2 id with `prefix`.
fn is_ec2_id(id: &str, prefix: &str) -> bool {
    id.strip_prefix(prefix)
        .and_then(|rest| rest.strip_prefix('-'))
        .is_some_and(|tail| {
            matches!(tail.len(), 8 | 17)
                && tail
                    .bytes()
                    .all(|b| b.is_ascii_digit() || b.is_ascii_lowercase())
        })
}

/// Every string of each region's inventory outside tags, by region.
pub(crate) type Names = HashMap<String, BTreeSet<String>>;

pub(crate) fn gather(snapshot: &Snapshot) -> Names {
    snapshot
        .regions
        .iter()
        .map(|(r, inv)| (r.clone(), strings_of(inv)))
        .collect()
}

fn strings_of(inv: &RegionInventory) -> BTreeSet<String> {
    fn walk(v: Value, out: &mut BTreeSet<String>) {
        match v {
            Value::String(s) => {
                out.insert(s);
            }
            Value::Array(a) => a.into_iter().for_each(|v| walk(v, out)),
            Value::Object(o) => {
                for (k, v) in o {
                    if !k.eq_ignore_ascii_case("tags") {
                        walk(v, out);
                    }
                }
            }
            _ => {}
        }
    }
    let mut out = BTreeSet::new();
    // A region inventory is plain data: it always serialises.
    if let Ok(v) = serde_json::to_value(inv) {
        walk(v, &mut out);
    }
    out
}

impl Context<'_> {
    /// The ARNs under `arn_prefix` (ending in `/`) that `region`'s data
    /// names, sorted: the strings that start with it, and for an EC2
    /// `KIND/` prefix the EC2 ids of that kind, as ARNs.
    pub fn named_in(&self, region: &str, arn_prefix: &str) -> Vec<String> {
        let names = self.names.get_or_init(|| gather(self.snapshot));
        let Some(strings) = names.get(region) else {
            return Vec::new();
        };
        let ec2_prefix = ec2_kind(arn_prefix)
            .and_then(|kind| EC2_KINDS.iter().find(|(k, _)| *k == kind).map(|(_, p)| *p));
        let mut out: Vec<String> = strings
            .iter()
            .filter_map(|s| {
                if s.len() > arn_prefix.len() && s.starts_with(arn_prefix) {
                    Some(s.clone())
                } else if ec2_prefix.is_some_and(|p| is_ec2_id(s, p)) {
                    Some(format!("{arn_prefix}{s}"))
                } else {
                    None
                }
            })
            .collect();
        out.sort_unstable();
        out.dedup();
        out
    }
}

/// The kind of an `arn:PARTITION:ec2:REGION:ACCOUNT:KIND/` prefix.
fn ec2_kind(arn_prefix: &str) -> Option<&str> {
    let parts: Vec<&str> = arn_prefix.splitn(6, ':').collect();
    match parts[..] {
        ["arn", _, "ec2", _, _, rest] => rest.strip_suffix('/'),
        _ => None,
    }
}

/// For each not-evaluated `.../*` outcome of one check, a not-evaluated
/// outcome with the same reason for every resource under that prefix that
/// the region's data names and the check gave no outcome.
pub(crate) fn stand_ins(cx: &Context<'_>, outcomes: &[Outcome]) -> Vec<Outcome> {
    let wildcards: Vec<&Outcome> = outcomes
        .iter()
        .filter(|o| matches!(o.status, Status::NotEvaluated(_)) && o.resource_arn.ends_with("/*"))
        .collect();
    if wildcards.is_empty() {
        return Vec::new();
    }
    let mut seen: HashSet<SharedStr> = outcomes.iter().map(|o| o.resource_arn.clone()).collect();
    let mut out = Vec::new();
    for w in wildcards {
        let Some(region) = w.region.as_deref() else {
            continue;
        };
        let prefix = &w.resource_arn[..w.resource_arn.len() - 1];
        for arn in cx.named_in(region, prefix) {
            let arn = SharedStr::from(arn);
            if seen.insert(arn.clone()) {
                let name = arn[prefix.len()..].to_string();
                out.push(Outcome::new(
                    arn,
                    region,
                    w.status.clone(),
                    format!(
                        "{name} is named by other collected data, but its own data is missing: {}",
                        w.message
                    ),
                ));
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::network::fixtures::{eni, instance_on, sg, tcp, v4};
    use crate::registry::CHECKS;
    use crate::testing::{REGION, fail, region, snapshot};
    use rampart_model::Finding;

    fn findings(s: &Snapshot, id: &str) -> Vec<Finding> {
        let index = crate::index::Index::new(s);
        crate::registry::run(s, &index, &BTreeSet::from([id.to_string()]))
    }

    const SG: &str = "sg-0123456789abcdef0";
    const SG_ARN: &str = "arn:aws:ec2:us-east-1:123456789012:security-group/sg-0123456789abcdef0";

    /// An instance on an ENI in `SG`, the group open on 22.
    fn account() -> Snapshot {
        let mut s = snapshot();
        let r = region(&mut s);
        let e = eni(
            "eni-0123456789abcdef0",
            "subnet-0123456789abcdef0",
            "vpc-0123456789abcdef0",
            "10.0.0.10",
            None,
            &[SG],
            "i-0123456789abcdef0",
        );
        r.ec2.instances.push(instance_on("i-0123456789abcdef0", &e));
        r.ec2.network_interfaces.push(e);
        r.ec2
            .security_groups
            .push(sg(SG, "vpc-1", vec![tcp(22, 22, v4("0.0.0.0/0"))], vec![]));
        s
    }

    /// A group the instances still name keeps its own verdict (not
    /// evaluated) when the group list is denied, beside `security-group/*`.
    #[test]
    fn a_group_other_data_names_keeps_a_verdict_when_the_group_list_is_denied() {
        let full = findings(&account(), "NET-005");
        assert!(full.iter().any(|f| f.resource_arn == SG_ARN), "{full:#?}");
        let mut s = account();
        region(&mut s).ec2.security_groups.clear();
        fail(&mut s, "ec2:DescribeSecurityGroups");
        let got = findings(&s, "NET-005");
        let one = got
            .iter()
            .find(|f| f.resource_arn == SG_ARN)
            .unwrap_or_else(|| panic!("no verdict on {SG_ARN}: {got:#?}"));
        assert!(
            matches!(&one.status, Status::NotEvaluated(w) if w.contains("ec2:DescribeSecurityGroups")),
            "{one:#?}"
        );
        assert!(
            got.iter()
                .any(|f| f.resource_arn.ends_with("security-group/*")),
            "{got:#?}"
        );
    }

    /// Tag values are free text: a tag that looks like an id names nothing.
    #[test]
    fn tags_and_malformed_ids_name_nothing() {
        let mut s = snapshot();
        let r = region(&mut s);
        let mut i = crate::testing::instance("i-0123456789abcdef0");
        i.security_group_ids = vec!["sg-app".into()];
        i.tags.insert("Name".into(), "sg-0123456789abcdef1".into());
        r.ec2.instances.push(i);
        let index = crate::index::Index::new(&s);
        let exposures = crate::paths::Exposures::compute(&index);
        let cx = Context::new(&s, &index, &exposures);
        let prefix = "arn:aws:ec2:us-east-1:123456789012:security-group/";
        assert!(cx.named_in(REGION, prefix).is_empty());
        assert_eq!(
            cx.named_in(REGION, "arn:aws:ec2:us-east-1:123456789012:instance/"),
            vec!["arn:aws:ec2:us-east-1:123456789012:instance/i-0123456789abcdef0"]
        );
    }

    /// Every check gets the stand-ins: the registry applies them, so no
    /// check can forget.
    #[test]
    fn the_registry_applies_stand_ins_to_every_check() {
        let mut s = account();
        region(&mut s).ec2.security_groups.clear();
        fail(&mut s, "ec2:DescribeSecurityGroups");
        let index = crate::index::Index::new(&s);
        let all = crate::registry::run(&s, &index, &BTreeSet::new());
        for check in CHECKS {
            let id = &check.meta().id;
            let wildcard = all
                .iter()
                .any(|f| &f.check_id == id && f.resource_arn.ends_with("security-group/*"));
            let named = all
                .iter()
                .any(|f| &f.check_id == id && f.resource_arn == SG_ARN);
            assert!(!wildcard || named, "{id} has security-group/* but no {SG}");
        }
    }
}
