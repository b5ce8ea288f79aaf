//! The report of many accounts at once: what `rampart check DIR --format
//! json` writes for a directory of per-account snapshots (and the indexes
//! of [`crate::org`]). Each scanned account keeps its own, unchanged
//! [`Report`]; this type adds one line per account, scanned or not, and the
//! totals. Documented in `docs/report.md`, schema `docs/org-report.schema.json`.

use serde::{Deserialize, Serialize};

use crate::{Report, Summary, ToolInfo};

/// Version of the accounts report format; bumped like
/// [`crate::REPORT_SCHEMA_VERSION`].
pub const ORG_REPORT_SCHEMA_VERSION: u32 = 1;

/// The `kind` of an [`OrgReport`], so a reader tells it from a [`Report`].
pub const ORG_REPORT_KIND: &str = "accounts";

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrgReport {
    /// See [`ORG_REPORT_SCHEMA_VERSION`].
    pub schema_version: u32,
    /// The rampart that evaluated the snapshots.
    pub tool: ToolInfo,
    /// Always [`ORG_REPORT_KIND`].
    pub kind: String,
    /// The directory that was checked, as given.
    pub source: String,
    /// True when every account was scanned and every scan was complete.
    pub complete: bool,
    /// How many accounts in each state.
    pub coverage: Coverage,
    /// The sum of the scanned accounts' summaries.
    pub total: Summary,
    /// Every account, scanned or not, sorted by id.
    pub accounts: Vec<AccountLine>,
    /// The report of each scanned account, in the order of `accounts`.
    pub reports: Vec<Report>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Coverage {
    pub accounts: usize,
    /// Scanned, every call succeeded.
    pub complete: usize,
    /// Scanned, some calls failed.
    pub incomplete: usize,
    /// Not scanned (`failed` in an index) or its snapshot is missing.
    pub not_scanned: usize,
    /// Backends (scorecards) over all scanned accounts.
    pub backends: usize,
}

/// One account of the directory.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccountLine {
    pub account_id: String,
    /// The account's name, from an index, when the list came from
    /// AWS Organizations.
    pub name: Option<String>,
    pub status: AccountState,
    /// The snapshot's file name in the directory; `None` when not scanned.
    pub snapshot: Option<String>,
    pub collection_errors: usize,
    /// Why the account has no report (`failed`, `missing`); `None` otherwise.
    pub error: Option<String>,
    /// The account's report summary (after `--min-severity`, as in its
    /// report); `None` when not scanned.
    pub summary: Option<Summary>,
    /// Backends (scorecards) in the account; 0 when not scanned.
    pub backends: usize,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum AccountState {
    /// Scanned; every call succeeded.
    Complete,
    /// Scanned; some calls failed (not evaluated findings say which).
    Incomplete,
    /// Not scanned: an index lists the account as failed, with its error.
    Failed,
    /// An index lists a snapshot for the account, but the directory has none.
    Missing,
}

impl AccountState {
    pub fn as_str(self) -> &'static str {
        match self {
            AccountState::Complete => "complete",
            AccountState::Incomplete => "incomplete",
            AccountState::Failed => "failed",
            AccountState::Missing => "missing",
        }
    }

    /// Failed or missing: no report.
    pub fn is_scanned(self) -> bool {
        matches!(self, AccountState::Complete | AccountState::Incomplete)
    }
}

impl Summary {
    /// Adds `other`'s counts to this one.
    pub fn add(&mut self, other: &Summary) {
        self.pass += other.pass;
        self.fail += other.fail;
        self.not_evaluated += other.not_evaluated;
        self.suppressed += other.suppressed;
        for (sev, n) in &other.failing_by_severity {
            *self.failing_by_severity.entry(*sev).or_default() += n;
        }
    }
}

impl OrgReport {
    /// Builds the report from the account lines and the scanned accounts'
    /// reports: the lines' summaries and backends are taken from the
    /// reports (matched by account id), and the totals are computed.
    pub fn new(
        tool: ToolInfo,
        source: String,
        mut accounts: Vec<AccountLine>,
        reports: Vec<Report>,
    ) -> OrgReport {
        accounts.sort_by(|a, b| a.account_id.cmp(&b.account_id));
        let mut total = Summary::default();
        let mut coverage = Coverage {
            accounts: accounts.len(),
            ..Coverage::default()
        };
        for line in &mut accounts {
            if let Some(r) = reports
                .iter()
                .find(|r| r.snapshot.account_id == line.account_id)
            {
                line.summary = Some(r.summary.clone());
                line.backends = r.scorecards.len();
                line.collection_errors = r.snapshot.collection_errors;
                total.add(&r.summary);
                coverage.backends += r.scorecards.len();
            }
            match line.status {
                AccountState::Complete => coverage.complete += 1,
                AccountState::Incomplete => coverage.incomplete += 1,
                AccountState::Failed | AccountState::Missing => coverage.not_scanned += 1,
            }
        }
        let mut reports = reports;
        reports.sort_by(|a, b| a.snapshot.account_id.cmp(&b.snapshot.account_id));
        OrgReport {
            schema_version: ORG_REPORT_SCHEMA_VERSION,
            tool,
            kind: ORG_REPORT_KIND.to_string(),
            source,
            complete: coverage.incomplete == 0 && coverage.not_scanned == 0,
            coverage,
            total,
            accounts,
            reports,
        }
    }

    /// The report of an account, if it was scanned.
    pub fn report_of(&self, account_id: &str) -> Option<&Report> {
        self.reports
            .iter()
            .find(|r| r.snapshot.account_id == account_id)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Severity;

    #[test]
    fn summaries_add_up_by_severity() {
        let mut a = Summary {
            pass: 1,
            fail: 2,
            not_evaluated: 3,
            suppressed: 4,
            failing_by_severity: [(Severity::High, 2)].into(),
        };
        let b = Summary {
            pass: 10,
            fail: 3,
            not_evaluated: 0,
            suppressed: 1,
            failing_by_severity: [(Severity::High, 1), (Severity::Low, 2)].into(),
        };
        a.add(&b);
        assert_eq!(
            a,
            Summary {
                pass: 11,
                fail: 5,
                not_evaluated: 3,
                suppressed: 5,
                failing_by_severity: [(Severity::High, 3), (Severity::Low, 2)].into(),
            }
        );
    }
}
