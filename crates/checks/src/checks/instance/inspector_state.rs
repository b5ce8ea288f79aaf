//! What Amazon Inspector says about a region and a backend, shared by
//! INST-011 (EC2 scanning enabled), INST-012 (the backend is scanned) and
//! INST-013 (no open critical vulnerability).

use std::collections::HashMap;

use rampart_model::{InspectorCoverage, InspectorInventory, InstanceVulnerabilities};

use crate::registry::Context;

pub(crate) const STATUS: &str = "inspector2:BatchGetAccountStatus";
pub(crate) const COVERAGE: &str = "inspector2:ListCoverage";
pub(crate) const COUNTS: &str = "inspector2:ListFindingAggregations";
pub(crate) const FINDINGS: &str = "inspector2:ListFindings";

/// A region's Inspector data, or why it is unknown.
pub(crate) fn region_of<'s>(
    cx: &Context<'s>,
    region: &str,
) -> Result<&'s InspectorInventory, String> {
    let inv = cx
        .snapshot
        .regions
        .get(region)
        .ok_or_else(|| format!("region {region} was not scanned"))?;
    let inspector = inv.inspector.as_ref().ok_or_else(|| {
        "Inspector data is not in this snapshot (written before schema version 6): re-scan"
            .to_string()
    })?;
    if let Some(why) = cx.not_collected(Some(region), &[STATUS]) {
        return Err(why);
    }
    Ok(inspector)
}

/// Inspector's EC2 scanning status in a region: `Ok(status)` or why it is
/// unknown.
pub(crate) fn status_of<'s>(cx: &Context<'s>, region: &str) -> Result<&'s str, String> {
    region_of(cx, region)?
        .ec2_status
        .as_deref()
        .ok_or_else(|| "Inspector reported no EC2 scanning status for this account".to_string())
}

/// How Inspector sees one backend.
pub(crate) enum Scan<'s> {
    /// EC2 scanning is not enabled in the region (its status).
    Off(&'s str),
    /// Scanning is enabled; the instance's coverage record (if any).
    On(Option<&'s InspectorCoverage>),
}

pub(crate) fn scan_of<'s>(cx: &Context<'s>, region: &str, id: &str) -> Result<Scan<'s>, String> {
    let status = status_of(cx, region)?;
    if status == "ENABLING" {
        return Err(format!(
            "Inspector's EC2 scanning is still being enabled in {region}: re-scan later"
        ));
    }
    if status != "ENABLED" {
        return Ok(Scan::Off(status));
    }
    if let Some(why) = cx.not_collected(Some(region), &[COVERAGE]) {
        return Err(why);
    }
    Ok(Scan::On(index(cx).get(&(region, id)).and_then(|r| r.0)))
}

/// Whether Inspector scans the instance: its coverage is `ACTIVE`.
pub(crate) fn scanned(c: Option<&InspectorCoverage>) -> bool {
    c.is_some_and(|c| c.status.as_deref() == Some("ACTIVE"))
}

/// An instance's open findings (`None`: it has none), or why unknown.
pub(crate) fn findings_of<'s>(
    cx: &Context<'s>,
    region: &str,
    id: &str,
) -> Result<Option<&'s InstanceVulnerabilities>, String> {
    if let Some(why) = cx.not_collected(Some(region), &[FINDINGS]) {
        return Err(why);
    }
    Ok(index(cx).get(&(region, id)).and_then(|r| r.1))
}

type Record<'s> = (
    Option<&'s InspectorCoverage>,
    Option<&'s InstanceVulnerabilities>,
);

/// Every region's coverage and findings by (region, instance id), built
/// once: judging n backends costs O(n), whatever the lists' order.
pub(crate) type InspectorIndex<'s> = HashMap<(&'s str, &'s str), Record<'s>>;

fn index<'c, 's>(cx: &'c Context<'s>) -> &'c InspectorIndex<'s> {
    cx.inspector.get_or_init(|| {
        let mut map: InspectorIndex<'s> = HashMap::new();
        for (region, inv) in &cx.snapshot.regions {
            let Some(i) = &inv.inspector else { continue };
            for c in &i.coverage {
                map.entry((region.as_str(), c.instance_id.as_str()))
                    .or_insert((None, None))
                    .0
                    .get_or_insert(c);
            }
            for f in &i.findings {
                map.entry((region.as_str(), f.instance_id.as_str()))
                    .or_insert((None, None))
                    .1
                    .get_or_insert(f);
            }
        }
        map
    })
}
