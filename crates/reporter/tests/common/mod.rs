//! Builders shared by the format tests (each older test file keeps its own
//! account id and metadata, which its golden file pins), and `fixture`: the
//! one rich report the newer formats render.

use rampart_model::{ExposurePath, Finding, Hop, Severity, Status, fingerprint};

pub fn hop(kind: &str, id: &str, label: &str, gaps: &[&str]) -> Hop {
    Hop {
        kind: kind.into(),
        id: id.into(),
        label: label.into(),
        gaps: gaps.iter().map(|g| g.to_string()).collect(),
    }
}

/// A finding with a real fingerprint.
#[allow(clippy::too_many_arguments)]
pub fn finding_in(
    account: &str,
    check_id: &str,
    severity: Severity,
    status: Status,
    arn: &str,
    region: Option<&str>,
    message: &str,
    path: Option<ExposurePath>,
) -> Finding {
    Finding {
        check_id: check_id.into(),
        severity,
        status,
        resource_arn: arn.into(),
        account_id: account.into(),
        region: region.map(Into::into),
        message: message.into(),
        fingerprint: fingerprint(check_id, arn, path.as_ref()),
        path: path.map(Box::new),
        affected: vec![],
        suppressed: None,
        baseline: None,
    }
}

pub mod accounts;
pub mod fixture;

/// Compares `rendered` with `tests/golden/NAME`; `RAMPART_BLESS=1` rewrites
/// the file instead (review the diff before committing it).
#[allow(dead_code)]
pub fn golden(name: &str, rendered: &str) {
    let path = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/golden")
        .join(name);
    if std::env::var_os("RAMPART_BLESS").is_some() {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, rendered).unwrap_or_else(|e| panic!("write {}: {e}", path.display()));
        return;
    }
    let have = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        have == rendered,
        "tests/golden/{name} is out of date: review the change (and the docs that \
         describe the format), then RAMPART_BLESS=1 cargo test -p rampart-reporter\n\
         --- rendered ---\n{rendered}"
    );
}
