//! The accounts report the `accounts` and `html` tests render: two
//! scanned accounts (the rich fixture and an empty account), one that was
//! not scanned (with hostile error text) and one whose snapshot is missing.
#![allow(dead_code)]

use rampart_model::org_report::{AccountLine, AccountState, OrgReport};
use rampart_model::{Report, ToolInfo};

use super::fixture::{ACCOUNT, HOSTILE, empty_report, fixed_report};

pub const EMPTY: &str = "111122223333";
pub const FAILED: &str = "777788889999";
pub const MISSING: &str = "999900001111";

fn line(account: &str, status: AccountState, error: Option<&str>) -> AccountLine {
    AccountLine {
        account_id: account.into(),
        name: Some(format!("name-{account}")),
        status,
        snapshot: status.is_scanned().then(|| format!("{account}.json")),
        collection_errors: 0,
        error: error.map(str::to_string),
        summary: None,
        backends: 0,
    }
}

pub fn org() -> OrgReport {
    org_with(empty_report())
}

/// [`org`] with `second` as the report of account [`EMPTY`] (its
/// snapshot's account id set to it).
pub fn org_with(mut second: Report) -> OrgReport {
    second.snapshot.account_id = EMPTY.into();
    OrgReport::new(
        ToolInfo {
            name: "rampart".into(),
            version: "0.1.0".into(),
        },
        "audits/2026-11-22".into(),
        vec![
            line(
                MISSING,
                AccountState::Missing,
                Some(
                    "index.json lists snapshot 999900001111.json for this account, but audits/2026-11-22 has no snapshot of it",
                ),
            ),
            line(ACCOUNT, AccountState::Incomplete, None),
            line(
                FAILED,
                AccountState::Failed,
                Some(&format!("sts:AssumeRole denied: {HOSTILE}")),
            ),
            line(EMPTY, AccountState::Complete, None),
        ],
        vec![fixed_report(), second],
    )
}
