//! rampart's evaluation, pure and offline: the resource index (every
//! relation resolved once), the reachability primitives, the exposure paths
//! from the internet to each instance, and the check catalogue. No network,
//! no AWS SDK, no clock: everything comes from the snapshot.

pub mod checks;
pub mod domains;
#[cfg(test)]
mod exposure_rules;
pub(crate) mod fleets;
pub mod index;
pub mod named;
pub(crate) mod origins;
pub mod paths;
pub mod reach;
pub mod reference;
pub mod registry;
pub mod scorecard;
pub mod tags;
#[cfg(test)]
mod testing;

use std::collections::BTreeSet;

use rampart_model::{
    CheckMeta, Layer, REPORT_SCHEMA_VERSION, Report, Severity, Snapshot, SnapshotInfo, Summary,
};

/// Which checks to run and which findings to keep.
#[derive(Debug, Clone, Default)]
pub struct Selection {
    /// Run only these check ids (all when empty).
    pub only: BTreeSet<String>,
    pub skip: BTreeSet<String>,
    /// Keep only findings at or above this severity (scorecards still use
    /// every finding of the selected checks).
    pub min_severity: Option<Severity>,
    /// What `rampart.toml` tells the checks (`[waf]`); the defaults when
    /// there is none.
    pub settings: rampart_model::config::Settings,
}

/// The metadata of every registered check, in id order.
pub fn catalogue() -> impl Iterator<Item = &'static CheckMeta> {
    registry::CHECKS.iter().map(|c| c.meta())
}

/// A check's metadata by id (case-insensitive), through a map built once:
/// the scorecard asks for every finding.
pub fn meta(id: &str) -> Option<&'static CheckMeta> {
    static BY_ID: std::sync::OnceLock<std::collections::HashMap<String, &'static CheckMeta>> =
        std::sync::OnceLock::new();
    let map = BY_ID.get_or_init(|| {
        catalogue()
            .map(|m| (m.id.to_ascii_uppercase(), m))
            .collect()
    });
    map.get(id)
        .or_else(|| map.get(&id.to_ascii_uppercase()))
        .copied()
}

/// Unknown ids in a selection, for a clear usage error.
pub fn unknown_ids<'a>(ids: impl IntoIterator<Item = &'a String>) -> Vec<String> {
    ids.into_iter()
        .filter(|id| meta(id).is_none())
        .cloned()
        .collect()
}

/// Evaluates a snapshot into the versioned report.
pub fn evaluate(snapshot: &Snapshot, sel: &Selection) -> Report {
    evaluate_observed(snapshot, sel, &|_| {})
}

/// [`evaluate`], calling `phase_done` with `index`, `paths`, `checks` and
/// `scorecard` as each phase ends (the CLI times them; this crate reads no
/// clock).
pub fn evaluate_observed(
    snapshot: &Snapshot,
    sel: &Selection,
    phase_done: &dyn Fn(&'static str),
) -> Report {
    let index = index::Index::new(snapshot);
    phase_done("index");
    let exposures = paths::Exposures::compute(&index);
    phase_done("paths");
    let mut only: BTreeSet<String> = catalogue().map(|m| m.id.clone()).collect();
    if !sel.only.is_empty() {
        only.retain(|id| sel.only.iter().any(|o| o.eq_ignore_ascii_case(id)));
    }
    only.retain(|id| !sel.skip.iter().any(|s| s.eq_ignore_ascii_case(id)));
    let findings = registry::run_configured(snapshot, &index, &exposures, &only, &sel.settings);
    phase_done("checks");
    let scorecards = scorecard::scorecards(&index, exposures, &findings, &layers_of);
    phase_done("scorecard");
    let mut findings = findings;
    if let Some(min) = sel.min_severity {
        findings.retain(|f| f.severity >= min);
    }
    Report {
        schema_version: REPORT_SCHEMA_VERSION,
        // The rampart that evaluated (the snapshot keeps the one that scanned).
        tool: rampart_model::ToolInfo {
            name: "rampart".into(),
            version: rampart_model::TOOL_VERSION.into(),
        },
        snapshot: SnapshotInfo {
            account_id: snapshot.account_id.clone(),
            partition: snapshot.partition.clone(),
            collected_at: snapshot.collected_at,
            regions: snapshot.regions.keys().cloned().collect(),
            complete: snapshot.is_complete(),
            collection_errors: snapshot.collection_errors.len(),
            credential_source: snapshot.credential_source.clone(),
        },
        summary: Summary::of(&findings),
        scorecards,
        findings,
        checks: only.into_iter().collect(),
        expired_suppressions: Vec::new(),
        baseline: None,
    }
}

/// The layer of a check id, from its metadata.
pub fn layer_of(id: &str) -> Option<Layer> {
    meta(id).map(|m| m.layer)
}

/// Every scorecard column a check id counts in ([`CheckMeta::scored_in`]):
/// none for an id without metadata.
pub fn layers_of(id: &str) -> Vec<Layer> {
    meta(id)
        .map(|m| m.scored_in().collect())
        .unwrap_or_default()
}
