//! The index of a multi-account scan (`rampart scan --org` / `--accounts`):
//! one per run (or per shard), written next to the per-account snapshots.
//! It is the contract between the scanner, which writes it, and
//! `rampart check DIR`, which reads every index in a directory so that an
//! account that could not be scanned is reported as such, never silently
//! missing from the totals.
//!
//! File names: `index.json` for an unsharded run, `index-I-of-N.json` for
//! shard I (0-based) of N, so shards writing into one directory or S3
//! prefix never overwrite each other. Snapshots are `ACCOUNT_ID.json` (or
//! `ACCOUNT_ID.json.zst`) in the same directory.

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

use crate::ToolInfo;

/// Version of the index format; bumped like [`crate::SCHEMA_VERSION`].
pub const INDEX_SCHEMA_VERSION: u32 = 1;

/// `index.json` or `index-I-of-N.json`.
pub fn index_file_name(shard: Option<Shard>) -> String {
    match shard {
        None => "index.json".to_string(),
        Some(s) => format!("index-{}-of-{}.json", s.index, s.count),
    }
}

/// True for a file name [`index_file_name`] produces.
pub fn is_index_file_name(name: &str) -> bool {
    name == "index.json"
        || name
            .strip_prefix("index-")
            .and_then(|r| r.strip_suffix(".json"))
            .and_then(|r| r.split_once("-of-"))
            .is_some_and(|(i, n)| {
                !i.is_empty()
                    && !n.is_empty()
                    && i.bytes().all(|b| b.is_ascii_digit())
                    && n.bytes().all(|b| b.is_ascii_digit())
            })
}

/// One slice of an account list: shard `index` (0-based) of `count`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Shard {
    pub index: u32,
    pub count: u32,
}

/// What one multi-account run did.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OrgIndex {
    /// See [`INDEX_SCHEMA_VERSION`].
    pub schema_version: u32,
    pub tool: ToolInfo,
    /// When the run started (UTC, RFC 3339).
    #[serde(with = "time::serde::rfc3339")]
    pub started_at: OffsetDateTime,
    /// Wall time of the whole run in milliseconds.
    pub duration_ms: u64,
    /// Where the account list came from: `organizations` (with the
    /// management or delegated account's id) or `file` (with its path).
    pub source: AccountSource,
    /// The role assumed in each account (`--org-role`), by name.
    pub role_name: String,
    /// The slice of the list this run covered; `None` for all of it.
    pub shard: Option<Shard>,
    /// Every account of this run's slice, sorted by id: scanned or not.
    pub accounts: Vec<AccountEntry>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum AccountSource {
    /// `organizations:ListAccounts`, called from this account.
    Organizations { management_account_id: String },
    /// `--accounts FILE`.
    File { path: String },
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccountEntry {
    pub account_id: String,
    /// The account's name in the organization, when listed from there.
    pub name: Option<String>,
    pub status: AccountStatus,
    /// The snapshot's file name in the same directory or prefix
    /// (`ACCOUNT_ID.json[.zst]`); `None` when the account failed.
    pub snapshot: Option<String>,
    /// The snapshot's collection error count (0 when complete).
    pub collection_errors: usize,
    /// Why the account was not scanned (`Failed`): one line, e.g. the
    /// `sts:AssumeRole` error. `None` otherwise.
    pub error: Option<String>,
    /// Wall time spent on this account in milliseconds.
    pub duration_ms: u64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum AccountStatus {
    /// Scanned; every call succeeded.
    Complete,
    /// Scanned; some calls failed (the snapshot lists them).
    Incomplete,
    /// Not scanned: the role could not be assumed, or the scan could not
    /// start or its snapshot could not be written. No snapshot.
    Failed,
}

impl AccountStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            AccountStatus::Complete => "complete",
            AccountStatus::Incomplete => "incomplete",
            AccountStatus::Failed => "failed",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn index_names_round_trip() {
        assert_eq!(index_file_name(None), "index.json");
        let s = Shard { index: 3, count: 8 };
        assert_eq!(index_file_name(Some(s)), "index-3-of-8.json");
        for name in ["index.json", "index-3-of-8.json", "index-0-of-1.json"] {
            assert!(is_index_file_name(name), "{name}");
        }
        for name in [
            "index-3-of-.json",
            "index--of-8.json",
            "index-a-of-8.json",
            "123456789012.json",
            "index.json.zst",
            "myindex.json",
        ] {
            assert!(!is_index_file_name(name), "{name}");
        }
    }

    #[test]
    fn index_serialises_with_kebab_case_tags() {
        let index = OrgIndex {
            schema_version: INDEX_SCHEMA_VERSION,
            tool: ToolInfo {
                name: "rampart".into(),
                version: "0.1.0".into(),
            },
            started_at: OffsetDateTime::UNIX_EPOCH,
            duration_ms: 5,
            source: AccountSource::Organizations {
                management_account_id: "123456789012".into(),
            },
            role_name: "OrganizationAccountAccessRole".into(),
            shard: Some(Shard { index: 0, count: 2 }),
            accounts: vec![AccountEntry {
                account_id: "111111111111".into(),
                name: Some("prod".into()),
                status: AccountStatus::Failed,
                snapshot: None,
                collection_errors: 0,
                error: Some("sts:AssumeRole denied".into()),
                duration_ms: 1,
            }],
        };
        let v = serde_json::to_value(&index).unwrap();
        assert_eq!(v["source"]["kind"], "organizations");
        assert_eq!(v["accounts"][0]["status"], "failed");
        assert_eq!(v["started_at"], "1970-01-01T00:00:00Z");
        let back: OrgIndex = serde_json::from_value(v).unwrap();
        assert_eq!(back, index);
    }
}
