//! `rampart diff OLD NEW`: what changed between two runs.
//!
//! - Findings, by fingerprint: new and resolved failures (as in
//!   [`crate::baseline`]), failures that are now not evaluated (unknown:
//!   never reported as resolved), failures outside what the other run
//!   judged (not compared: an account, region or check only one run
//!   covered), and *changed* ones: failing in both, but
//!   with another severity, message or exposure (ports, gaps on the path,
//!   the backends a finding on a shared resource exposes).
//! - Resource drift, when both sides are snapshots: every resource added,
//!   removed or modified, field by field. Resources are matched by their
//!   id (an explicit key per collection), nested lists of named things
//!   (stages, WAF rules, listeners, routes) by their name or id, and plain
//!   lists (security group rules, routes, NACL entries) as sets: a rule
//!   that appears is `+`, one that disappears is `-`. The comparison walks
//!   the snapshot's own serialisation, so every field the collector records
//!   (SG rules, routes, WAF rules, stage settings, ...) is covered without
//!   a list to keep in step.

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::baseline::{Change, Comparison, NotCompared};
use crate::{Finding, Fingerprint, Report, Snapshot};

/// A failing finding present in both runs whose details moved.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChangedFinding {
    pub before: Finding,
    pub after: Finding,
    /// What moved: `severity`, `message`, `path`, `affected` (the backends
    /// a finding on a shared resource exposes).
    pub what: Vec<String>,
}

/// The findings side of a diff.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FindingsDiff {
    pub new: Vec<Finding>,
    pub resolved: Vec<Finding>,
    /// Failing before, not evaluated now (its input was not collected).
    pub unknown: Vec<Finding>,
    pub changed: Vec<ChangedFinding>,
    /// Failing in both runs, unchanged.
    pub unchanged: usize,
    /// Failing in one run, outside what the other judged (its account or
    /// region not scanned, its check not run or without its input there):
    /// neither new nor resolved. Absent from a diff written before it.
    #[serde(default)]
    pub not_compared: Vec<NotCompared>,
}

impl FindingsDiff {
    pub fn of(old_report: &Report, new_report: &Report) -> FindingsDiff {
        let (old, new) = (&old_report.findings, &new_report.findings);
        let c = Comparison::of(old_report, new_report);
        // A report read back may carry its own baseline marks: this diff is
        // its own comparison, so they are dropped from what it lists.
        let by_fp = |fs: &[Finding]| -> BTreeMap<Fingerprint, Finding> {
            fs.iter()
                .map(|f| {
                    let mut f = f.clone();
                    f.baseline = None;
                    (f.fingerprint, f)
                })
                .collect()
        };
        let (before, after) = (by_fp(old), by_fp(new));
        let mut d = FindingsDiff::default();
        for (fp, change) in &c.changes {
            match change {
                Change::New => d.new.extend(after.get(fp).cloned()),
                Change::Resolved => d.resolved.extend(before.get(fp).cloned()),
                Change::Unknown => d.unknown.extend(before.get(fp).cloned()),
                // Listed below, with the reason and the run it is from.
                Change::NotCompared => {}
                Change::Unchanged => {
                    let (Some(b), Some(a)) = (before.get(fp), after.get(fp)) else {
                        continue;
                    };
                    let mut what = Vec::new();
                    if b.severity != a.severity {
                        what.push("severity".to_string());
                    }
                    if b.message != a.message {
                        what.push("message".to_string());
                    }
                    if b.path != a.path {
                        what.push("path".to_string());
                    }
                    if b.affected != a.affected {
                        what.push("affected".to_string());
                    }
                    if what.is_empty() {
                        d.unchanged += 1;
                    } else {
                        d.changed.push(ChangedFinding {
                            before: b.clone(),
                            after: a.clone(),
                            what,
                        });
                    }
                }
            }
        }
        let order = |f: &Finding| {
            (
                std::cmp::Reverse(f.severity),
                f.check_id.clone(),
                f.resource_arn.clone(),
            )
        };
        d.new.sort_by_key(order);
        d.resolved.sort_by_key(order);
        d.unknown.sort_by_key(order);
        d.changed.sort_by_key(|c| order(&c.after));
        d.not_compared = c.not_compared(old, new);
        d.not_compared
            .sort_by_key(|n| (n.side, n.reason.clone(), order(&n.finding)));
        d
    }

    pub fn is_empty(&self) -> bool {
        self.new.is_empty()
            && self.resolved.is_empty()
            && self.unknown.is_empty()
            && self.changed.is_empty()
            && self.not_compared.is_empty()
    }
}

/// One side of a diff: what file it was and when its data was collected.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DiffSide {
    /// The file, as given.
    pub source: String,
    /// `snapshot` or `report`.
    pub kind: String,
    pub account_id: String,
    #[serde(with = "time::serde::rfc3339")]
    pub collected_at: time::OffsetDateTime,
    pub complete: bool,
}

/// `rampart diff OLD NEW --format json`: the whole comparison.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DiffReport {
    pub old: DiffSide,
    pub new: DiffSide,
    pub findings: FindingsDiff,
    /// Resource drift; `None` unless both sides are snapshots (a report
    /// does not carry the resources).
    pub drift: Option<Vec<ResourceDrift>>,
}

/// How a resource moved between two snapshots.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum DriftKind {
    Added,
    Removed,
    Modified,
}

/// One field that differs. `before`/`after` are `None` where the value is
/// absent on that side (a rule added to a list has only `after`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FieldChange {
    /// A path into the resource, e.g. `ingress[+]`, `stages[prod].web_acl_arn`.
    pub field: String,
    pub before: Option<Value>,
    pub after: Option<Value>,
}

/// One resource that was added, removed or modified.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ResourceDrift {
    /// `None` for account-wide (IAM) resources.
    pub region: Option<String>,
    /// The snapshot collection, e.g. `ec2.security_groups`, `wafv2.web_acls`.
    pub collection: String,
    pub id: String,
    pub kind: DriftKind,
    /// Empty for added and removed resources.
    pub fields: Vec<FieldChange>,
}

/// The key that identifies an element of each top-level collection.
fn collection_key(collection: &str) -> Option<&'static str> {
    Some(match collection {
        "vpcs" => "vpc_id",
        "subnets" => "subnet_id",
        "route_tables" => "route_table_id",
        "internet_gateways" => "internet_gateway_id",
        "egress_only_internet_gateways" => "egress_only_internet_gateway_id",
        "nat_gateways" => "nat_gateway_id",
        "vpc_endpoints" => "vpc_endpoint_id",
        "managed_prefix_lists" => "prefix_list_id",
        "security_groups" => "group_id",
        "network_acls" => "network_acl_id",
        "network_interfaces" => "network_interface_id",
        "elastic_ips" => "allocation_id",
        "instances" | "managed_instances" | "patch_states" => "instance_id",
        "volumes" => "volume_id",
        "flow_logs" => "flow_log_id",
        "load_balancers" => "load_balancer_arn",
        "target_groups" => "target_group_arn",
        "rest_apis" | "usage_plans" => "id",
        "domain_names" => "domain_name",
        "apis" => "api_id",
        "web_acls" | "instance_profiles" | "roles" | "policies" => "arn",
        _ => return None,
    })
}

/// Keys that name an element of a nested list (stages, rules, listeners...).
const NESTED_KEYS: &[&str] = &[
    "listener_arn",
    "rule_arn",
    "stage_name",
    "route_id",
    "integration_id",
    "authorizer_id",
    "policy_name",
    "name",
    "id",
];

/// Resource drift between two snapshots, sorted by region, collection, id.
pub fn drift(old: &Snapshot, new: &Snapshot) -> Vec<ResourceDrift> {
    let mut out = Vec::new();
    let regions: BTreeSet<&String> = old.regions.keys().chain(new.regions.keys()).collect();
    for region in regions {
        // A region scanned on one side only is not drift: say nothing
        // rather than report every resource in it as added or removed.
        let (Some(a), Some(b)) = (old.regions.get(region), new.regions.get(region)) else {
            continue;
        };
        let (a, b) = (to_value(a), to_value(b));
        for (service, (sa, sb)) in pairs(&a, &b) {
            for (name, (ca, cb)) in pairs(sa, sb) {
                collection(
                    Some(region),
                    &format!("{service}.{name}"),
                    name,
                    ca,
                    cb,
                    &mut out,
                );
            }
        }
    }
    let (a, b) = (to_value(&old.iam), to_value(&new.iam));
    for (name, (ca, cb)) in pairs(&a, &b) {
        collection(None, &format!("iam.{name}"), name, ca, cb, &mut out);
    }
    out
}

fn to_value<T: Serialize>(v: &T) -> Value {
    serde_json::to_value(v).unwrap_or(Value::Null)
}

/// Fields of two objects side by side (Null for a missing side).
fn pairs<'a>(a: &'a Value, b: &'a Value) -> BTreeMap<&'a str, (&'a Value, &'a Value)> {
    static NULL: Value = Value::Null;
    let mut out = BTreeMap::new();
    if let Value::Object(m) = a {
        for (k, v) in m {
            out.insert(k.as_str(), (v, &NULL));
        }
    }
    if let Value::Object(m) = b {
        for (k, v) in m {
            out.entry(k.as_str()).or_insert((&NULL, &NULL)).1 = v;
        }
    }
    out
}

/// One top-level collection (or a region-wide setting, such as EBS
/// encryption by default, which is reported as a modified pseudo-resource).
fn collection(
    region: Option<&String>,
    path: &str,
    name: &str,
    a: &Value,
    b: &Value,
    out: &mut Vec<ResourceDrift>,
) {
    if a == b {
        return;
    }
    let key = collection_key(name);
    let (Value::Array(xs), Value::Array(ys), Some(key)) = (a, b, key) else {
        let mut fields = Vec::new();
        compare(name, a, b, &mut fields);
        out.push(ResourceDrift {
            region: region.cloned(),
            collection: path.to_string(),
            id: name.to_string(),
            kind: DriftKind::Modified,
            fields,
        });
        return;
    };
    let index = |items: &'_ [Value]| -> BTreeMap<String, Value> {
        items.iter().map(|v| (id_of(v, key), v.clone())).collect()
    };
    let (before, after) = (index(xs), index(ys));
    let ids: BTreeSet<&String> = before.keys().chain(after.keys()).collect();
    for id in ids {
        let (kind, fields) = match (before.get(id), after.get(id)) {
            (Some(_), None) => (DriftKind::Removed, vec![]),
            (None, Some(_)) => (DriftKind::Added, vec![]),
            (Some(x), Some(y)) if x != y => {
                let mut fields = Vec::new();
                compare("", x, y, &mut fields);
                (DriftKind::Modified, fields)
            }
            _ => continue,
        };
        out.push(ResourceDrift {
            region: region.cloned(),
            collection: path.to_string(),
            id: id.clone(),
            kind,
            fields,
        });
    }
}

fn id_of(v: &Value, key: &str) -> String {
    match v.get(key) {
        Some(Value::String(s)) => s.clone(),
        // e.g. an Elastic IP without an allocation id: fall back to the
        // public address, then to the whole value.
        _ => match v.get("public_ip") {
            Some(Value::String(s)) => s.clone(),
            _ => v.to_string(),
        },
    }
}

fn join(prefix: &str, field: &str) -> String {
    if prefix.is_empty() {
        field.to_string()
    } else {
        format!("{prefix}.{field}")
    }
}

/// Field-by-field comparison of two values under `path`.
fn compare(path: &str, a: &Value, b: &Value, out: &mut Vec<FieldChange>) {
    if a == b {
        return;
    }
    match (a, b) {
        (Value::Object(_), Value::Object(_)) => {
            for (k, (x, y)) in pairs(a, b) {
                compare(&join(path, k), x, y, out);
            }
        }
        (Value::Array(xs), Value::Array(ys)) => match nested_key(xs, ys) {
            Some(key) => {
                let named = |items: &[Value]| -> BTreeMap<String, Value> {
                    items.iter().map(|v| (id_of(v, key), v.clone())).collect()
                };
                let (before, after) = (named(xs), named(ys));
                let names: BTreeSet<&String> = before.keys().chain(after.keys()).collect();
                for n in names {
                    let at = format!("{path}[{n}]");
                    match (before.get(n), after.get(n)) {
                        (Some(x), Some(y)) => compare(&at, x, y, out),
                        (x, y) => out.push(FieldChange {
                            field: at,
                            before: x.cloned(),
                            after: y.cloned(),
                        }),
                    }
                }
            }
            None => {
                // A plain list: compare as sets (order is not meaningful in
                // the snapshot's sorted lists of rules and ids).
                for x in xs.iter().filter(|x| !ys.contains(x)) {
                    out.push(FieldChange {
                        field: format!("{path}[-]"),
                        before: Some(x.clone()),
                        after: None,
                    });
                }
                for y in ys.iter().filter(|y| !xs.contains(y)) {
                    out.push(FieldChange {
                        field: format!("{path}[+]"),
                        before: None,
                        after: Some(y.clone()),
                    });
                }
            }
        },
        _ => out.push(FieldChange {
            field: path.to_string(),
            before: (!a.is_null()).then(|| a.clone()),
            after: (!b.is_null()).then(|| b.clone()),
        }),
    }
}

/// The naming key of a list of objects, if every element on both sides
/// has it as a string and it is unique on each side.
fn nested_key(xs: &[Value], ys: &[Value]) -> Option<&'static str> {
    let all = || xs.iter().chain(ys.iter());
    if xs.is_empty() && ys.is_empty() || !all().all(Value::is_object) {
        return None;
    }
    NESTED_KEYS.iter().copied().find(|k| {
        let unique = |items: &[Value]| {
            let names: Vec<&str> = items
                .iter()
                .filter_map(|v| v.get(*k).and_then(Value::as_str))
                .collect();
            names.len() == items.len() && names.iter().collect::<BTreeSet<_>>().len() == names.len()
        };
        unique(xs) && unique(ys)
    })
}

/// `value` as compact one-line JSON, for people.
pub fn brief(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Severity, Status};
    use serde_json::json;

    /// A fixture's fingerprint, named by a word.
    fn fp(label: &str) -> Fingerprint {
        crate::fingerprint(label, "", None)
    }

    fn f(label: &str, status: Status, message: &str) -> Finding {
        Finding {
            check_id: "NET-005".into(),
            severity: Severity::Critical,
            status,
            resource_arn: format!("arn:aws:ec2:us-east-1:1:security-group/{label}").into(),
            account_id: "1".into(),
            region: Some("us-east-1".into()),
            message: message.into(),
            path: None,
            affected: vec![],
            fingerprint: fp(label),
            suppressed: None,
            baseline: None,
        }
    }

    /// A report of account `1` over us-east-1 holding `findings`.
    fn report(findings: Vec<Finding>) -> Report {
        Report {
            schema_version: crate::REPORT_SCHEMA_VERSION,
            tool: crate::ToolInfo {
                name: "rampart".into(),
                version: "0".into(),
            },
            snapshot: crate::SnapshotInfo {
                account_id: "1".into(),
                partition: "aws".into(),
                collected_at: time::OffsetDateTime::UNIX_EPOCH,
                regions: vec!["us-east-1".into()],
                complete: true,
                collection_errors: 0,
                credential_source: None,
            },
            summary: crate::Summary::of(&findings),
            scorecards: vec![],
            findings,
            checks: vec![],
            expired_suppressions: vec![],
            baseline: None,
        }
    }

    #[test]
    fn findings_diff_sorts_failures_into_new_resolved_unknown_changed() {
        let old = vec![
            f("same", Status::Fail, "22 open"),
            f("moved", Status::Fail, "22 open"),
            f("fixed", Status::Fail, "22 open"),
            f("blind", Status::Fail, "22 open"),
        ];
        let new = vec![
            f("same", Status::Fail, "22 open"),
            f("moved", Status::Fail, "22 and 3389 open"),
            f("fixed", Status::Pass, "closed"),
            f("blind", Status::NotEvaluated("denied".into()), ""),
            f("fresh", Status::Fail, "8080 open"),
        ];
        let d = FindingsDiff::of(&report(old), &report(new.clone()));
        let fps = |v: &[Finding]| v.iter().map(|f| f.fingerprint).collect::<Vec<_>>();
        assert_eq!(fps(&d.new), [fp("fresh")]);
        assert_eq!(fps(&d.resolved), [fp("fixed")]);
        assert_eq!(fps(&d.unknown), [fp("blind")]);
        assert_eq!(d.changed.len(), 1);
        assert_eq!(d.changed[0].after.fingerprint, fp("moved"));
        assert_eq!(d.changed[0].what, ["message"]);
        assert_eq!(d.unchanged, 1);
        assert!(!d.is_empty());
        assert!(FindingsDiff::of(&report(new.clone()), &report(new)).is_empty());
    }

    /// `rampart diff` of a run over two regions with a run over one: the
    /// other region's failures are not compared, not resolved.
    #[test]
    fn findings_diff_lists_what_only_one_run_judged_apart() {
        let mut west = f("west", Status::Fail, "22 open");
        west.region = Some("us-west-2".into());
        let mut old = report(vec![f("east", Status::Fail, "22 open"), west]);
        old.snapshot.regions.push("us-west-2".into());
        let new = report(vec![f("east", Status::Fail, "22 open")]);
        let d = FindingsDiff::of(&old, &new);
        assert!(d.resolved.is_empty(), "{:?}", d.resolved);
        assert_eq!(d.unchanged, 1);
        assert_eq!(d.not_compared.len(), 1);
        assert_eq!(d.not_compared[0].finding.fingerprint, fp("west"));
        assert_eq!(d.not_compared[0].side, crate::baseline::Side::Previous);
        assert!(!d.is_empty());
        // A diff written before `not_compared` existed still reads.
        let mut v = serde_json::to_value(&d).unwrap();
        v.as_object_mut().unwrap().remove("not_compared");
        let back: FindingsDiff = serde_json::from_value(v).unwrap();
        assert!(back.not_compared.is_empty());
    }

    /// A finding on a shared resource whose list of exposed backends grew
    /// is the same finding (same fingerprint), changed in `affected`.
    #[test]
    fn a_shared_finding_that_exposes_more_backends_is_changed() {
        let sg = |affected: &[&str]| {
            let mut f = f("sg-app", Status::Fail, "8080 open to 0.0.0.0/0");
            f.affected = affected.iter().map(|a| (*a).into()).collect();
            f
        };
        let i = |id: &str| format!("arn:aws:ec2:us-east-1:1:instance/{id}");
        let (a, b) = (i("i-a"), i("i-b"));
        let d = FindingsDiff::of(&report(vec![sg(&[&a])]), &report(vec![sg(&[&a, &b])]));
        assert_eq!(d.changed.len(), 1, "{d:?}");
        assert_eq!(d.changed[0].what, ["affected"]);
        assert_eq!(d.changed[0].after.affected, [a.clone(), b]);
        assert!(FindingsDiff::of(&report(vec![sg(&[&a])]), &report(vec![sg(&[&a])])).is_empty());
    }

    fn changes(a: Value, b: Value) -> Vec<(String, Option<Value>, Option<Value>)> {
        let mut out = Vec::new();
        compare("", &a, &b, &mut out);
        out.into_iter()
            .map(|c| (c.field, c.before, c.after))
            .collect()
    }

    #[test]
    fn plain_lists_compare_as_sets() {
        let rule = |port: u16| json!({"protocol": "tcp", "from_port": port, "to_port": port});
        let got = changes(
            json!({"ingress": [rule(443), rule(80)]}),
            json!({"ingress": [rule(80), rule(443), rule(22)]}),
        );
        assert_eq!(got, vec![("ingress[+]".to_string(), None, Some(rule(22)))]);
        let got = changes(json!({"ingress": [rule(443)]}), json!({"ingress": []}));
        assert_eq!(got, vec![("ingress[-]".to_string(), Some(rule(443)), None)]);
    }

    #[test]
    fn named_lists_compare_by_name_and_scalars_by_value() {
        let got = changes(
            json!({"stages": [{"stage_name": "prod", "web_acl_arn": null, "tracing": false}]}),
            json!({"stages": [
                {"stage_name": "prod", "web_acl_arn": "arn:waf", "tracing": false},
                {"stage_name": "dev", "web_acl_arn": null, "tracing": false}
            ]}),
        );
        assert_eq!(got.len(), 2, "{got:?}");
        assert_eq!(got[0].0, "stages[dev]");
        assert!(got[0].1.is_none() && got[0].2.is_some());
        assert_eq!(
            got[1],
            (
                "stages[prod].web_acl_arn".to_string(),
                None,
                Some(json!("arn:waf"))
            )
        );
    }

    #[test]
    fn drift_reports_added_removed_and_modified_resources() {
        let base = Snapshot {
            cloudfront: None,
            shield: None,
            schema_version: crate::SCHEMA_VERSION,
            tool: crate::ToolInfo {
                name: "rampart".into(),
                version: crate::TOOL_VERSION.into(),
            },
            collected_at: time::macros::datetime!(2026-11-21 12:00:00 UTC),
            scan_duration_ms: 0,
            account_id: "123456789012".into(),
            partition: "aws".into(),
            caller_arn: "arn:aws:iam::123456789012:user/audit".into(),
            credential_source: None,
            api_calls: BTreeMap::new(),
            collection_errors: vec![],
            iam: crate::IamInventory::default(),
            regions: BTreeMap::new(),
        };
        let mut old = base.clone();
        let mut new = base;
        let sg = |id: &str, ports: &[i32]| crate::SecurityGroup {
            group_id: id.into(),
            group_name: id.into(),
            vpc_id: Some("vpc-1".into()),
            owner_id: None,
            description: None,
            ingress: ports
                .iter()
                .map(|p| crate::SgRule {
                    protocol: "tcp".into(),
                    from_port: Some(*p),
                    to_port: Some(*p),
                    peer: crate::SgPeer::Ipv4 {
                        cidr: "0.0.0.0/0".into(),
                    },
                    description: None,
                })
                .collect(),
            egress: vec![],
            tags: Default::default(),
        };
        let region = |s: &mut Snapshot| s.regions.entry("us-east-1".into()).or_default().clone();
        let (mut ra, mut rb) = (region(&mut old), region(&mut new));
        ra.ec2.security_groups = vec![sg("sg-a", &[443]), sg("sg-gone", &[])];
        rb.ec2.security_groups = vec![sg("sg-a", &[443, 22]), sg("sg-new", &[])];
        rb.ec2.ebs_encryption_by_default = Some(true);
        old.regions.insert("us-east-1".into(), ra);
        new.regions.insert("us-east-1".into(), rb);
        let d = drift(&old, &new);
        let brief: Vec<(String, String, DriftKind)> = d
            .iter()
            .map(|r| (r.collection.clone(), r.id.clone(), r.kind))
            .collect();
        assert_eq!(
            brief,
            vec![
                (
                    "ec2.ebs_encryption_by_default".into(),
                    "ebs_encryption_by_default".into(),
                    DriftKind::Modified
                ),
                (
                    "ec2.security_groups".into(),
                    "sg-a".into(),
                    DriftKind::Modified
                ),
                (
                    "ec2.security_groups".into(),
                    "sg-gone".into(),
                    DriftKind::Removed
                ),
                (
                    "ec2.security_groups".into(),
                    "sg-new".into(),
                    DriftKind::Added
                ),
            ]
        );
        assert_eq!(d[1].fields.len(), 1);
        assert_eq!(d[1].fields[0].field, "ingress[+]");
        assert_eq!(d[1].fields[0].after.as_ref().unwrap()["from_port"], 22);
        assert!(drift(&new, &new).is_empty());
    }
}
