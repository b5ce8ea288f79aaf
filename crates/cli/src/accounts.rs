//! `rampart check DIR`: a directory of per-account snapshots
//! (`ACCOUNT_ID.json`, `ACCOUNT_ID.json.zst`) and the indexes a
//! multi-account scan writes next to them (`index.json`,
//! `index-I-of-N.json`; `rampart_model::org`). Every snapshot is evaluated
//! alone with the shared pipeline (`eval.rs`), in parallel; the indexes
//! add the accounts that were not scanned, so that an account missing from
//! the totals is always said to be missing.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use rampart_model::config::Config;
use rampart_model::io::Run;
use rampart_model::org::{AccountStatus, INDEX_SCHEMA_VERSION, OrgIndex, is_index_file_name};
use rampart_model::org_report::{AccountLine, AccountState, OrgReport};
use rampart_model::{Report, Severity, Snapshot, ToolInfo};
use rayon::prelude::*;

use crate::eval::{self, EvalArgs};

/// What a directory holds, checked for consistency.
pub struct Loaded {
    /// Snapshots by account id, with their file names.
    pub snapshots: BTreeMap<String, (String, Snapshot)>,
    /// Every account, scanned or not (summaries still empty).
    pub lines: Vec<AccountLine>,
}

/// True for a file `check DIR` reads as a snapshot.
fn is_snapshot_name(name: &str) -> bool {
    (name.ends_with(".json") || name.ends_with(".json.zst")) && !is_index_file_name(name)
}

/// Reads the directory: every snapshot and every index. Errors name the
/// file (or the directory) and mean exit 2.
pub fn load(dir: &Path) -> Result<Loaded, String> {
    let entries = std::fs::read_dir(dir)
        .map_err(|e| format!("cannot read directory {}: {e}", dir.display()))?;
    let mut snapshot_files = Vec::new();
    let mut index_files = Vec::new();
    for entry in entries {
        let entry = entry.map_err(|e| format!("cannot read directory {}: {e}", dir.display()))?;
        let name = entry.file_name();
        let Some(name) = name.to_str() else {
            continue;
        };
        let path = entry.path();
        // Follows symbolic links, as reading a single file does.
        if !path.is_file() {
            continue;
        }
        if is_index_file_name(name) {
            index_files.push((name.to_string(), path));
        } else if is_snapshot_name(name) {
            snapshot_files.push((name.to_string(), path));
        }
    }
    snapshot_files.sort();
    index_files.sort();
    if snapshot_files.is_empty() && index_files.is_empty() {
        return Err(format!(
            "directory {} holds no snapshot (ACCOUNT_ID.json or .json.zst) and no index \
             (index.json, index-I-of-N.json)",
            dir.display()
        ));
    }

    // Parsing dominates: in parallel, errors reported for the first file in
    // name order so the message does not depend on scheduling.
    let parsed: Vec<Result<(String, Snapshot), String>> = snapshot_files
        .par_iter()
        .map(|(name, path)| {
            Snapshot::load(path)
                .map(|s| (name.clone(), s))
                .map_err(|e| format!("{e}{}", report_hint(&e, path)))
        })
        .collect();
    let mut snapshots: BTreeMap<String, (String, Snapshot)> = BTreeMap::new();
    for p in parsed {
        let (name, snapshot) = p?;
        if let Some((other, _)) = snapshots.get(&snapshot.account_id) {
            return Err(format!(
                "directory {} holds two snapshots of account {}: {} and {}; keep one",
                dir.display(),
                snapshot.account_id,
                dir.join(other).display(),
                dir.join(&name).display()
            ));
        }
        snapshots.insert(snapshot.account_id.clone(), (name, snapshot));
    }

    // Shards' indexes merge into one account list. An account listed twice
    // (a re-run shard) keeps the entry that has a snapshot.
    let mut listed: BTreeMap<String, (String, rampart_model::org::AccountEntry)> = BTreeMap::new();
    for (name, path) in &index_files {
        let index = read_index(path)?;
        for entry in index.accounts {
            let keep_old = listed
                .get(&entry.account_id)
                .is_some_and(|(_, old)| old.status != AccountStatus::Failed);
            if !keep_old {
                listed.insert(entry.account_id.clone(), (name.clone(), entry));
            }
        }
    }

    let mut lines = Vec::new();
    for (account, (file, snapshot)) in &snapshots {
        let name = listed.get(account).and_then(|(_, e)| e.name.clone());
        lines.push(AccountLine {
            account_id: account.clone(),
            name,
            status: if snapshot.is_complete() {
                AccountState::Complete
            } else {
                AccountState::Incomplete
            },
            snapshot: Some(file.clone()),
            collection_errors: snapshot.collection_errors.len(),
            error: None,
            summary: None,
            backends: 0,
        });
    }
    for (account, (index_name, entry)) in &listed {
        if snapshots.contains_key(account) {
            continue;
        }
        let (status, error) = match entry.status {
            AccountStatus::Failed => (
                AccountState::Failed,
                entry
                    .error
                    .clone()
                    .unwrap_or_else(|| format!("listed as failed in {index_name}, no error given")),
            ),
            AccountStatus::Complete | AccountStatus::Incomplete => (
                AccountState::Missing,
                format!(
                    "{index_name} lists snapshot {} for this account, but {} has no snapshot of it",
                    entry
                        .snapshot
                        .as_deref()
                        .unwrap_or(&format!("{account}.json")),
                    dir.display()
                ),
            ),
        };
        lines.push(AccountLine {
            account_id: account.clone(),
            name: entry.name.clone(),
            status,
            snapshot: None,
            collection_errors: 0,
            error: Some(error),
            summary: None,
            backends: 0,
        });
    }
    lines.sort_by(|a, b| a.account_id.cmp(&b.account_id));
    Ok(Loaded { snapshots, lines })
}

/// A report written next to the snapshots (`--output DIR/report.json`) is
/// the likely mistake behind a `.json` file that is not a snapshot: say so.
fn report_hint(e: &rampart_model::SnapshotError, path: &Path) -> &'static str {
    use rampart_model::SnapshotError::{Invalid, NotASnapshot};
    if !matches!(e, Invalid { .. } | NotASnapshot { .. }) {
        return "";
    }
    let Ok(bytes) = std::fs::read(path) else {
        return "";
    };
    match serde_json::from_slice::<serde_json::Value>(&bytes) {
        Ok(v) if v.get("findings").is_some() || v.get("kind").is_some_and(|k| k == "accounts") => {
            "; it is a rampart report: keep reports out of the directory of snapshots"
        }
        _ => "",
    }
}

fn read_index(path: &Path) -> Result<OrgIndex, String> {
    let limit = rampart_model::io::max_input_bytes().map_err(|e| e.to_string())?;
    let bytes = rampart_model::io::read_bounded(path, limit).map_err(|e| match e {
        rampart_model::io::BoundedReadError::Io(e) => {
            format!("cannot read index {}: {e}", path.display())
        }
        rampart_model::io::BoundedReadError::TooLarge { size, .. } => format!(
            "index {} is {size} bytes, over the limit for an input file ({limit}; set {} to change it)",
            path.display(),
            rampart_model::io::MAX_INPUT_BYTES_ENV
        ),
    })?;
    // The version first, so a newer index is named as such, not as garbage.
    let version = serde_json::from_slice::<serde_json::Value>(&bytes)
        .map_err(|e| format!("index {} is not JSON: {e}", path.display()))?
        .get("schema_version")
        .and_then(serde_json::Value::as_u64);
    match version {
        Some(v) if v == u64::from(INDEX_SCHEMA_VERSION) => {}
        Some(v) => {
            return Err(format!(
                "index {} has schema version {v}; this rampart reads version {INDEX_SCHEMA_VERSION}",
                path.display()
            ));
        }
        None => {
            return Err(format!(
                "index {} is not a rampart account index (no schema_version field)",
                path.display()
            ));
        }
    }
    serde_json::from_slice(&bytes)
        .map_err(|e| format!("index {} is not a valid account index: {e}", path.display()))
}

/// `--baseline PREVIOUS_DIR`: the previous run of each account, by account
/// id: a snapshot or a JSON report per account, named as in `check DIR`.
pub fn load_baselines(dir: &Path) -> Result<BTreeMap<String, PathBuf>, String> {
    let entries = std::fs::read_dir(dir)
        .map_err(|e| format!("cannot read directory {}: {e} (--baseline)", dir.display()))?;
    let mut files = Vec::new();
    for entry in entries {
        let entry = entry
            .map_err(|e| format!("cannot read directory {}: {e} (--baseline)", dir.display()))?;
        let name = entry.file_name();
        if let Some(name) = name.to_str()
            && is_snapshot_name(name)
            && entry.path().is_file()
        {
            files.push(entry.path());
        }
    }
    files.sort();
    if files.is_empty() {
        return Err(format!(
            "directory {} holds no snapshot or JSON report (--baseline)",
            dir.display()
        ));
    }
    let accounts: Vec<Result<String, String>> = files
        .par_iter()
        .map(|path| match Run::load(path) {
            Ok(Run::Snapshot(s)) => Ok(s.account_id),
            Ok(Run::Report(r)) => Ok(r.snapshot.account_id),
            Err(e) => Err(format!("{e} (--baseline)")),
        })
        .collect();
    let mut by_account: BTreeMap<String, PathBuf> = BTreeMap::new();
    for (path, account) in files.into_iter().zip(accounts) {
        let account = account?;
        if let Some(other) = by_account.get(&account) {
            return Err(format!(
                "directory {} holds two previous runs of account {account}: {} and {} (--baseline)",
                dir.display(),
                other.display(),
                path.display()
            ));
        }
        by_account.insert(account, path);
    }
    Ok(by_account)
}

/// The directory evaluated: the report of every account, whether any
/// account trips the gate, and the accounts the baseline directory had no
/// previous run of.
pub struct Evaluated {
    pub report: OrgReport,
    pub gate_hit: bool,
    pub not_compared: Vec<String>,
}

/// Evaluates every snapshot alone (in parallel; the result is in account
/// order whatever the scheduling), each against its account's previous run
/// when `baselines` has one, trims each report to `min_severity`, and
/// builds the accounts report. With `--fail-on-new`, an account with no
/// previous run has nothing to be new against: all its open failures count
/// as new, so a new account cannot slip past the gate.
pub fn evaluate(
    dir: &Path,
    loaded: Loaded,
    args: &EvalArgs,
    config: Option<&Config>,
    min_severity: Option<Severity>,
    baselines: Option<&BTreeMap<String, PathBuf>>,
) -> Result<Evaluated, String> {
    // The directory itself is never one account's baseline.
    let args = &EvalArgs {
        baseline: None,
        ..args.clone()
    };
    let snapshots: Vec<(String, Snapshot)> = loaded
        .snapshots
        .into_iter()
        .map(|(_, (file, s))| (file, s))
        .collect();
    let results: Vec<Result<(Report, bool), String>> = snapshots
        .par_iter()
        .map(|(file, s)| {
            let previous = baselines.and_then(|b| b.get(&s.account_id));
            let mut e = args
                .evaluate(s, config, previous.map(PathBuf::as_path))
                .map_err(|e| format!("{e} ({})", dir.join(file).display()))?;
            if baselines.is_some() && previous.is_none() && args.fail_on_new {
                let threshold = args.fail_on.unwrap_or(Severity::Info);
                e.gate_hit = e
                    .report
                    .findings
                    .iter()
                    .any(|f| f.is_open_failure() && f.severity >= threshold);
            }
            eval::trim(&mut e.report, min_severity);
            Ok((e.report, e.gate_hit))
        })
        .collect();
    let not_compared: Vec<String> = match baselines {
        Some(b) => snapshots
            .iter()
            .map(|(_, s)| s.account_id.clone())
            .filter(|a| !b.contains_key(a))
            .collect(),
        None => Vec::new(),
    };
    let mut reports = Vec::with_capacity(results.len());
    let mut gate_hit = false;
    for r in results {
        let (report, hit) = r?;
        gate_hit |= hit;
        reports.push(report);
    }
    let report = OrgReport::new(
        ToolInfo {
            name: "rampart".into(),
            version: rampart_model::TOOL_VERSION.into(),
        },
        dir.display().to_string(),
        loaded.lines,
        reports,
    );
    Ok(Evaluated {
        report,
        gate_hit,
        not_compared,
    })
}
