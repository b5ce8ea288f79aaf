//! Test fragments for the Inspector checks: backends behind the demo's
//! hardened NLB, and Inspector's records of them.

use rampart_model::*;

use crate::checks::instance::ssm_fixtures::backends;
use crate::testing::region;

/// [`backends`] `ids`, in a region where Inspector scans EC2 and covers
/// each of them (`ACTIVE`), with no finding.
pub fn inspected(ids: &[&str]) -> Snapshot {
    let mut s = backends(ids);
    let at = s.collected_at;
    region(&mut s).inspector = Some(InspectorInventory {
        ec2_status: Some("ENABLED".into()),
        coverage: ids
            .iter()
            .map(|id| InspectorCoverage {
                instance_id: id.to_string(),
                status: Some("ACTIVE".into()),
                reason: Some("SUCCESSFUL".into()),
                last_scanned_at: Some(at),
            })
            .collect(),
        findings: vec![],
    });
    s
}

pub fn inspector(s: &mut Snapshot) -> &mut InspectorInventory {
    region(s)
        .inspector
        .get_or_insert_with(InspectorInventory::default)
}

/// `critical` open critical vulnerabilities (the first, CVE-2024-6387 in
/// openssh, with a fix), plus `high` high ones.
pub fn vulnerable(id: &str, critical: i64, high: i64) -> InstanceVulnerabilities {
    InstanceVulnerabilities {
        instance_id: id.into(),
        critical,
        high,
        medium: 0,
        all: critical + high,
        network: 0,
        critical_open: critical,
        top: (0..critical.min(InstanceVulnerabilities::TOP as i64))
            .map(|n| Vulnerability {
                id: if n == 0 {
                    "CVE-2024-6387".into()
                } else {
                    format!("CVE-2024-{}", 1000 + n)
                },
                severity: "CRITICAL".into(),
                score: Some(9.8 - n as f64 / 10.0),
                fix_available: Some("YES".into()),
                packages: vec!["openssh-server 8.9p1".into()],
            })
            .collect(),
        reachable_ports: vec![],
    }
}
