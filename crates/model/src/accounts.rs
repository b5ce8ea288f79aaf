//! Account lists of a multi-account scan: the `--accounts FILE` format and
//! the `--shard I/N` slices ([`crate::org::Shard`]).
//!
//! An account's shard is FNV-1a (64-bit) of its 12-digit id modulo N: a
//! fixed function of the id and N alone, so adding or removing an account
//! never moves another one between shards, and the order of the list never
//! matters. (Rust's `DefaultHasher` is randomised per process and would give
//! every shard of a Kubernetes Indexed Job or AWS Batch array a different
//! slice.)

use crate::org::Shard;

/// True for a 12-digit AWS account id.
pub fn is_account_id(s: &str) -> bool {
    s.len() == 12 && s.bytes().all(|b| b.is_ascii_digit())
}

/// A bad line of an accounts file: `FILE:LINE: why`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{file}:{line}: {message} (--accounts)")]
pub struct AccountsFileError {
    pub file: String,
    pub line: usize,
    pub message: String,
}

/// Parses an accounts file: one 12-digit account id per line; blank lines
/// and `#` comments (whole-line or after the id) are ignored. Sorted,
/// duplicates removed. `file` names the file in errors.
pub fn parse_accounts_file(file: &str, text: &str) -> Result<Vec<String>, AccountsFileError> {
    let mut ids = Vec::new();
    for (n, raw) in text.lines().enumerate() {
        let line = raw.split('#').next().unwrap_or_default().trim();
        if line.is_empty() {
            continue;
        }
        if !is_account_id(line) {
            let shown: String = line
                .chars()
                .take(40)
                .flat_map(char::escape_default)
                .collect();
            return Err(AccountsFileError {
                file: file.to_string(),
                line: n + 1,
                message: format!("\"{shown}\" is not a 12-digit AWS account id"),
            });
        }
        ids.push(line.to_string());
    }
    ids.sort();
    ids.dedup();
    Ok(ids)
}

/// A bad `--shard` value.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("--shard {value:?}: {message}")]
pub struct ShardError {
    pub value: String,
    pub message: String,
}

/// Parses `I/N` (0-based I < N, N >= 1), the spelling of Kubernetes
/// Indexed Jobs' `JOB_COMPLETION_INDEX` and AWS Batch's
/// `AWS_BATCH_JOB_ARRAY_INDEX` with the job's size.
pub fn parse_shard(value: &str) -> Result<Shard, ShardError> {
    let fail = |message: &str| ShardError {
        value: value.to_string(),
        message: message.to_string(),
    };
    let (i, n) = value
        .split_once('/')
        .ok_or_else(|| fail("expected I/N, e.g. 0/4 (shard I, 0-based, of N)"))?;
    let num = |s: &str| -> Option<u32> {
        (!s.is_empty() && s.bytes().all(|b| b.is_ascii_digit()))
            .then(|| s.parse().ok())
            .flatten()
    };
    let (Some(index), Some(count)) = (num(i), num(n)) else {
        return Err(fail("expected I/N with whole numbers, e.g. 0/4"));
    };
    if count == 0 {
        return Err(fail("N must be at least 1"));
    }
    if index >= count {
        return Err(fail(
            "I is 0-based and must be below N (the last of 4 is 3/4)",
        ));
    }
    Ok(Shard { index, count })
}

/// The shard (0..count) an account belongs to. `count` must be >= 1.
pub fn shard_of(account_id: &str, count: u32) -> u32 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in account_id.bytes() {
        h = (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3);
    }
    u32::try_from(h % u64::from(count.max(1))).unwrap_or(0)
}

impl Shard {
    /// True when `account_id` falls in this shard.
    pub fn owns(&self, account_id: &str) -> bool {
        shard_of(account_id, self.count) == self.index
    }

    /// The accounts of `ids` in this shard, in their order.
    pub fn select<'a>(&self, ids: impl IntoIterator<Item = &'a str>) -> Vec<&'a str> {
        ids.into_iter().filter(|id| self.owns(id)).collect()
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use proptest::prelude::*;

    use super::*;

    #[test]
    fn accounts_file_allows_comments_blanks_and_duplicates() {
        let text = "# prod\n111111111111\n\n  222222222222  # payments\n111111111111\n#333\n";
        assert_eq!(
            parse_accounts_file("a.txt", text).unwrap(),
            vec!["111111111111", "222222222222"]
        );
        assert_eq!(
            parse_accounts_file("a.txt", "").unwrap(),
            Vec::<String>::new()
        );
    }

    #[test]
    fn accounts_file_names_the_bad_line() {
        for (text, line) in [
            ("111111111111\n12345\n", 2),
            ("\n\n11111111111a\n", 3),
            ("111111111111 222222222222\n", 1),
            ("arn:aws:iam::111111111111:root\n", 1),
        ] {
            let e = parse_accounts_file("list.txt", text).unwrap_err();
            assert_eq!(e.line, line, "{text:?}");
            let msg = e.to_string();
            assert!(msg.starts_with(&format!("list.txt:{line}: ")), "{msg}");
            assert!(msg.contains("--accounts"), "{msg}");
        }
    }

    #[test]
    fn shard_values() {
        assert_eq!(parse_shard("0/1").unwrap(), Shard { index: 0, count: 1 });
        assert_eq!(parse_shard("3/4").unwrap(), Shard { index: 3, count: 4 });
        for bad in [
            "3/3", "0/0", "a/b", "1", "", "/2", "1/", "-1/2", "1/2/3", " 1/2", "+1/2",
        ] {
            let e = parse_shard(bad).unwrap_err();
            assert!(e.to_string().starts_with("--shard "), "{bad}: {e}");
        }
    }

    #[test]
    fn shard_of_is_a_fixed_function() {
        // Pinned: a change here moves accounts between the shards of jobs
        // already running with the old assignment.
        assert_eq!(shard_of("123456789012", 1), 0);
        let got: Vec<u32> = ["111111111111", "222222222222", "123456789012"]
            .iter()
            .map(|id| shard_of(id, 7))
            .collect();
        let fnv = |s: &str| {
            s.bytes().fold(0xcbf2_9ce4_8422_2325_u64, |h, b| {
                (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3)
            })
        };
        let want: Vec<u32> = ["111111111111", "222222222222", "123456789012"]
            .iter()
            .map(|id| (fnv(id) % 7) as u32)
            .collect();
        assert_eq!(got, want);
        // The FNV-1a test vector: "a" -> 0xaf63dc4c8601ec8c.
        assert_eq!(fnv("a"), 0xaf63_dc4c_8601_ec8c);
    }

    fn ids() -> impl Strategy<Value = Vec<String>> {
        proptest::collection::btree_set("[0-9]{12}", 0..60)
            .prop_map(|s| s.into_iter().collect::<Vec<_>>())
    }

    proptest! {
        #[test]
        fn shards_partition_the_list(list in ids(), count in 1u32..12) {
            let mut seen = BTreeSet::new();
            let mut total = 0;
            for index in 0..count {
                let shard = Shard { index, count };
                for id in shard.select(list.iter().map(String::as_str)) {
                    total += 1;
                    prop_assert!(seen.insert(id.to_string()), "{} in two shards", id);
                }
            }
            prop_assert_eq!(total, list.len());
            let all: BTreeSet<String> = list.iter().cloned().collect();
            prop_assert_eq!(seen, all);
        }

        #[test]
        fn assignment_ignores_order_and_other_accounts(
            list in ids(),
            extra in ids(),
            count in 1u32..12,
            seed in any::<u64>(),
        ) {
            let before: Vec<(String, u32)> =
                list.iter().map(|id| (id.clone(), shard_of(id, count))).collect();
            // Add accounts, shuffle deterministically, then drop every third.
            let mut changed: Vec<String> = list.clone();
            changed.extend(extra.iter().cloned());
            changed.sort_by_key(|id| {
                id.bytes().fold(seed, |h, b| h.rotate_left(5) ^ u64::from(b))
            });
            let changed: Vec<String> = changed
                .into_iter()
                .enumerate()
                .filter(|(i, _)| i % 3 != 0)
                .map(|(_, id)| id)
                .collect();
            for (id, shard) in before.iter().filter(|(id, _)| changed.contains(id)) {
                for index in 0..count {
                    let picked = Shard { index, count }.select(changed.iter().map(String::as_str));
                    prop_assert_eq!(picked.contains(&id.as_str()), index == *shard);
                }
            }
        }
    }
}
