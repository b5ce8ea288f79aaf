//! Multi-account scans against a seeded organization (`emu seed org`):
//! `scan --org` and `--accounts FILE` write one snapshot per account, each
//! with that account's own resources, and an index with every account's
//! status; an account whose role cannot be assumed (denied at the fault
//! proxy: moto lets any AssumeRole succeed) is a failed entry naming the
//! role and `sts:AssumeRole`, and exit 3; shards split the list disjointly;
//! `--out s3://` writes the same objects to a bucket.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use rampart_model::Snapshot;
use rampart_model::org::{AccountStatus, OrgIndex};
use serde_json::Value;

use crate::harness::{Emulator, Run, emulator_env, on_a_terminal, one_error_line, rampart};
use crate::proxy::{self, FaultPlan};

fn run_with(url: &str, args: &[&str]) -> Run {
    let env = emulator_env(url);
    let env: Vec<(&str, &str)> = env.iter().map(|(k, v)| (*k, v.as_str())).collect();
    rampart(args, &env)
}

fn org_args<'a>(out: &'a str, extra: &[&'a str]) -> Vec<&'a str> {
    let mut args = vec!["scan", "--region", "us-east-1", "--quiet", "--out", out];
    args.extend_from_slice(extra);
    args
}

fn load_index(path: &Path) -> OrgIndex {
    serde_json::from_slice(
        &std::fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display())),
    )
    .expect("index JSON")
}

fn id<'a>(man: &'a Value, logical: &str) -> &'a str {
    man["accounts"][logical]["id"].as_str().expect("account id")
}

fn strings(v: &Value) -> BTreeSet<String> {
    v.as_array()
        .expect("list")
        .iter()
        .map(|s| s.as_str().unwrap().to_string())
        .collect()
}

/// Every security group and instance id of a snapshot.
fn resources(s: &Snapshot) -> (BTreeSet<String>, BTreeSet<String>) {
    let mut sgs = BTreeSet::new();
    let mut instances = BTreeSet::new();
    for r in s.regions.values() {
        sgs.extend(r.ec2.security_groups.iter().map(|g| g.group_id.clone()));
        instances.extend(r.ec2.instances.iter().map(|i| i.instance_id.to_string()));
    }
    (sgs, instances)
}

/// The snapshot of `logical` holds that account's seeded resources and
/// none of any other account's.
fn assert_account_snapshot(dir: &Path, man: &Value, logical: &str) -> Snapshot {
    let account = id(man, logical);
    let s = Snapshot::load(&dir.join(format!("{account}.json"))).expect("snapshot loads");
    assert_eq!(s.account_id, account, "{logical}");
    let (sgs, instances) = resources(&s);
    for (other, entry) in man["accounts"].as_object().unwrap() {
        let own = other == logical;
        for sg in strings(&entry["security_groups"]) {
            assert_eq!(
                sgs.contains(&sg),
                own,
                "{logical} snapshot and {other}'s {sg}"
            );
        }
        for i in strings(&entry["instances"]) {
            assert_eq!(
                instances.contains(&i),
                own,
                "{logical} snapshot and {other}'s {i}"
            );
        }
    }
    s
}

#[cfg(unix)]
fn mode(path: &Path) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(path).unwrap().permissions().mode() & 0o777
}

#[test]
fn org_scan_writes_each_accounts_snapshot_and_an_index_naming_the_failed_role() {
    let emu = Emulator::start();
    let man = emu.seed("org");
    let denied = id(&man, "denied").to_string();
    let proxy = proxy::start(
        &emu.url,
        FaultPlan::new().deny_body("sts:AssumeRole", &denied),
    );
    let dir = emu.dir().join("runs/nightly");
    let out = dir.to_str().unwrap();
    let run = run_with(proxy.url(), &org_args(out, &["--org"]));
    assert_eq!(run.code, 3, "{}\n{}", run.stdout, run.stderr);

    // One warning line, for the denied account only.
    let warnings: Vec<&str> = run
        .stderr
        .lines()
        .filter(|l| l.starts_with("rampart: warning: "))
        .collect();
    assert_eq!(warnings.len(), 1, "{}", run.stderr);
    assert!(
        warnings[0].contains(&denied) && warnings[0].contains("sts:AssumeRole"),
        "{}",
        warnings[0]
    );
    assert!(!run.stderr.contains("panicked"), "{}", run.stderr);

    #[cfg(unix)]
    assert_eq!(mode(&dir), 0o700, "a new --out directory is private");
    let files: BTreeSet<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    let want: BTreeSet<String> = ["management", "exposed", "clean"]
        .iter()
        .map(|l| format!("{}.json", id(&man, l)))
        .chain(["index.json".to_string()])
        .collect();
    assert_eq!(files, want);
    #[cfg(unix)]
    for f in &files {
        assert_eq!(mode(&dir.join(f)), 0o600, "{f}");
    }

    let mgmt = assert_account_snapshot(&dir, &man, "management");
    let exposed = assert_account_snapshot(&dir, &man, "exposed");
    let clean = assert_account_snapshot(&dir, &man, "clean");
    // The caller's own account with the caller's credentials; members
    // through the organization role, session rampart-scan.
    assert!(
        !mgmt.caller_arn.contains("assumed-role"),
        "{}",
        mgmt.caller_arn
    );
    for s in [&exposed, &clean] {
        assert_eq!(
            s.caller_arn,
            format!(
                "arn:aws:sts::{}:assumed-role/OrganizationAccountAccessRole/rampart-scan",
                s.account_id
            )
        );
        assert!(
            s.is_complete(),
            "{}: {:?}",
            s.account_id,
            s.collection_errors
        );
    }
    // The exposed account's instance has its public IP; the clean one none.
    let public = |s: &Snapshot| -> Vec<bool> {
        s.regions
            .values()
            .flat_map(|r| r.ec2.instances.iter())
            .map(|i| i.public_ip.is_some())
            .collect()
    };
    assert_eq!(public(&exposed), vec![true]);
    assert_eq!(public(&clean), vec![false]);

    let index = load_index(&dir.join("index.json"));
    assert_eq!(index.role_name, "OrganizationAccountAccessRole");
    assert_eq!(index.shard, None);
    assert_eq!(
        serde_json::to_value(&index.source).unwrap(),
        serde_json::json!({"kind": "organizations", "management_account_id": "123456789012"})
    );
    let ids: Vec<&str> = index
        .accounts
        .iter()
        .map(|a| a.account_id.as_str())
        .collect();
    let mut sorted: Vec<&str> = ["management", "exposed", "clean", "denied"]
        .iter()
        .map(|l| id(&man, l))
        .collect();
    sorted.sort();
    assert_eq!(ids, sorted, "every account, sorted");
    for a in &index.accounts {
        let logical = ["management", "exposed", "clean", "denied"]
            .into_iter()
            .find(|l| id(&man, l) == a.account_id)
            .unwrap();
        assert_eq!(a.name.as_deref(), man["accounts"][logical]["name"].as_str());
        if logical == "denied" {
            assert_eq!(a.status, AccountStatus::Failed);
            assert_eq!(a.snapshot, None);
            let e = a.error.as_deref().unwrap();
            assert!(
                e.contains(&format!(
                    "arn:aws:iam::{denied}:role/OrganizationAccountAccessRole"
                )) && e.contains("sts:AssumeRole")
                    && e.contains("AccessDenied"),
                "{e}"
            );
            assert!(!e.contains('\n'), "one line: {e}");
        } else {
            assert_eq!(a.status, AccountStatus::Complete, "{logical}");
            assert_eq!(
                a.snapshot.as_deref(),
                Some(format!("{}.json", a.account_id).as_str())
            );
            assert_eq!(a.error, None);
            assert_eq!(a.collection_errors, 0);
        }
    }
    // Every account's reads went through the proxy, AssumeRole for the
    // members only (the caller's account used the caller's credentials).
    let ops = proxy.operations();
    assert_eq!(ops["organizations:ListAccounts"].count, 1);
    assert!(ops["sts:AssumeRole"].count >= 3, "{ops:?}");
    // The closing summary: one line per account and the totals.
    assert!(
        run.stdout
            .contains("4 account(s): 3 complete, 0 incomplete, 1 failed"),
        "{}",
        run.stdout
    );
}

#[test]
fn accounts_file_scans_the_listed_subset() {
    let emu = Emulator::start();
    let man = emu.seed("org");
    let list = emu.dir().join("accounts.txt");
    std::fs::write(
        &list,
        format!(
            "# two members\n{exposed}\n\n{clean}   # the clean one\n{exposed}\n",
            exposed = id(&man, "exposed"),
            clean = id(&man, "clean")
        ),
    )
    .unwrap();
    let dir = emu.dir().join("subset");
    let run = run_with(
        &emu.url,
        &org_args(
            dir.to_str().unwrap(),
            &["--accounts", list.to_str().unwrap()],
        ),
    );
    assert_eq!(run.code, 0, "{}\n{}", run.stdout, run.stderr);
    let index = load_index(&dir.join("index.json"));
    let mut want = vec![id(&man, "exposed"), id(&man, "clean")];
    want.sort();
    let got: Vec<&str> = index
        .accounts
        .iter()
        .map(|a| a.account_id.as_str())
        .collect();
    assert_eq!(got, want, "listed accounts once each, nothing else");
    assert_eq!(serde_json::to_value(&index.source).unwrap()["kind"], "file");
    assert!(
        index
            .accounts
            .iter()
            .all(|a| a.status == AccountStatus::Complete && a.name.is_none())
    );
    assert_account_snapshot(&dir, &man, "exposed");
    assert_account_snapshot(&dir, &man, "clean");
    assert!(
        !dir.join(format!("{}.json", id(&man, "management")))
            .exists()
    );
}

#[test]
fn two_shards_cover_the_organization_disjointly() {
    let emu = Emulator::start();
    let man = emu.seed("org");
    let dir = emu.dir().join("sharded");
    let out = dir.to_str().unwrap();
    let mut seen: BTreeMap<String, u32> = BTreeMap::new();
    for i in 0..2u32 {
        let shard = format!("{i}/2");
        let run = run_with(&emu.url, &org_args(out, &["--org", "--shard", &shard]));
        assert_eq!(run.code, 0, "{shard}: {}\n{}", run.stdout, run.stderr);
        let index = load_index(&dir.join(format!("index-{i}-of-2.json")));
        assert_eq!(index.shard.map(|s| (s.index, s.count)), Some((i, 2)));
        for a in index.accounts {
            assert_eq!(a.status, AccountStatus::Complete);
            assert!(
                seen.insert(a.account_id.clone(), i).is_none(),
                "{} in both shards",
                a.account_id
            );
        }
    }
    assert!(!dir.join("index.json").exists());
    let all: BTreeSet<String> = ["management", "exposed", "clean", "denied"]
        .iter()
        .map(|l| id(&man, l).to_string())
        .collect();
    assert_eq!(seen.keys().cloned().collect::<BTreeSet<_>>(), all);
    // Each account's snapshot is there once, whichever shard wrote it.
    for account in &all {
        let s = Snapshot::load(&dir.join(format!("{account}.json"))).unwrap();
        assert_eq!(&s.account_id, account);
    }
    // With this organization both shards have work (the test would prove
    // little if one shard took everything).
    assert!(
        seen.values().any(|&s| s == 0) && seen.values().any(|&s| s == 1),
        "{seen:?}"
    );
}

/// A snapshot without what differs between two runs of the same account.
fn timeless(bytes: &[u8]) -> Value {
    let mut v: Value = serde_json::from_slice(bytes).expect("JSON");
    let o = v.as_object_mut().unwrap();
    o.remove("collected_at");
    o.remove("scan_duration_ms");
    v
}

#[test]
fn s3_output_holds_the_same_objects_as_a_directory_run() {
    let emu = Emulator::start();
    let man = emu.seed("org");
    const S3: &str = r#"
import sys, os, boto3
kw = dict(endpoint_url=sys.argv[1], region_name="us-east-1",
          aws_access_key_id="test", aws_secret_access_key="test")
s3 = boto3.client("s3", **kw)
if sys.argv[2] == "create":
    s3.create_bucket(Bucket="rampart-results")
else:
    for o in s3.list_objects_v2(Bucket="rampart-results", Prefix="nightly/")["Contents"]:
        name = o["Key"][len("nightly/"):]
        s3.download_file("rampart-results", o["Key"], os.path.join(sys.argv[3], name))
        print(name)
"#;
    emu.python(S3, &["create"]);
    let proxy = proxy::start(&emu.url, FaultPlan::new());
    let run = run_with(
        proxy.url(),
        &org_args("s3://rampart-results/nightly/", &["--org"]),
    );
    assert_eq!(run.code, 0, "{}\n{}", run.stdout, run.stderr);
    // Written with s3:PutObject: one per account plus the index.
    assert_eq!(proxy.operations()["s3:PutObject"].count, 5);

    let got = emu.dir().join("from-s3");
    std::fs::create_dir(&got).unwrap();
    let listed = emu.python(S3, &["get", got.to_str().unwrap()]);
    let names: BTreeSet<&str> = listed.lines().collect();
    let dir = emu.dir().join("local");
    let run = run_with(&emu.url, &org_args(dir.to_str().unwrap(), &["--org"]));
    assert_eq!(run.code, 0, "{}", run.stderr);
    let local: BTreeSet<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    assert_eq!(
        names,
        local.iter().map(String::as_str).collect::<BTreeSet<_>>()
    );
    for logical in ["management", "exposed", "clean", "denied"] {
        let name = format!("{}.json", id(&man, logical));
        let a = std::fs::read(got.join(&name)).unwrap();
        let b = std::fs::read(dir.join(&name)).unwrap();
        Snapshot::load(&got.join(&name)).expect("the S3 object is a snapshot");
        assert_eq!(
            timeless(&a),
            timeless(&b),
            "{name}: S3 and directory runs differ"
        );
    }
    let (a, b) = (
        load_index(&got.join("index.json")),
        load_index(&dir.join("index.json")),
    );
    let brief = |i: &OrgIndex| -> Vec<(String, AccountStatus, Option<String>)> {
        i.accounts
            .iter()
            .map(|a| (a.account_id.clone(), a.status, a.snapshot.clone()))
            .collect()
    };
    assert_eq!(brief(&a), brief(&b));
    assert!(
        run.stdout
            .contains(&format!("index {}", dir.join("index.json").display())),
        "{}",
        run.stdout
    );
}

#[test]
fn bad_multi_account_flags_are_usage_errors_naming_the_flag() {
    // Checked before any call: no emulator is needed, and none is reached.
    let tmp = tempfile::tempdir().unwrap();
    let bad = tmp.path().join("accounts.txt");
    std::fs::write(&bad, "# ok\n111111111111\n11111111111x\n").unwrap();
    let good = tmp.path().join("good.txt");
    std::fs::write(&good, "111111111111\n").unwrap();
    let dir = tmp.path().join("d");
    let d = dir.to_str().unwrap();
    let url = "http://127.0.0.1:9"; // discard port: nothing answers
    let bad_s = bad.to_str().unwrap();
    let good_s = good.to_str().unwrap();
    let bad_line = format!("{bad_s}:3");
    let cases: Vec<(Vec<&str>, &str)> = vec![
        (vec!["scan", "--org", "--out", "snap.json"], "--out"),
        (
            vec!["scan", "--org", "--out", d, "--shard", "2/2"],
            "--shard",
        ),
        (
            vec!["scan", "--org", "--out", d, "--shard", "0/0"],
            "--shard",
        ),
        (
            vec!["scan", "--org", "--out", d, "--shard", "a/b"],
            "--shard",
        ),
        (vec!["scan", "--org", "--out", d, "--shard", "1"], "--shard"),
        (vec!["scan", "--accounts", bad_s, "--out", d], &bad_line),
        (
            vec!["scan", "--org", "--accounts", good_s, "--out", d],
            "--accounts",
        ),
        (vec!["scan", "--org"], "--out"),
        (vec!["scan", "--shard", "0/2", "--out", "x.json"], "--shard"),
        (vec!["scan", "--out", "s3://bucket/p/"], "--out s3://"),
        (
            vec![
                "scan",
                "--org",
                "--out",
                d,
                "--role-arn",
                "arn:aws:iam::111111111111:role/R",
            ],
            "--role-arn",
        ),
        (
            vec!["scan", "--org", "--out", d, "--org-role", "bad role"],
            "--org-role",
        ),
        (vec!["scan", "--org", "--out", "s3://B_ad/"], "--out"),
        (
            vec!["scan", "--external-id", "x", "--out", "x.json"],
            "--external-id",
        ),
    ];
    for (args, needle) in cases {
        let run = run_with(url, &args);
        assert_eq!(run.code, 2, "{args:?}: {}", run.stderr);
        let line = one_error_line(&run.stderr);
        assert!(line.contains(needle), "{args:?}: {line}");
        assert!(
            !dir.exists() || std::fs::read_dir(&dir).unwrap().next().is_none(),
            "{args:?} wrote files"
        );
    }
}

#[test]
fn list_accounts_denied_is_a_usage_error_naming_the_permission() {
    let emu = Emulator::start();
    emu.seed("org");
    let proxy = proxy::start(
        &emu.url,
        FaultPlan::new().deny("organizations:ListAccounts"),
    );
    let dir = emu.dir().join("none");
    let run = run_with(proxy.url(), &org_args(dir.to_str().unwrap(), &["--org"]));
    assert_eq!(run.code, 2, "{}", run.stderr);
    let line = one_error_line(&run.stderr);
    assert!(
        line.contains("organizations:ListAccounts") && line.contains("AccessDenied"),
        "{line}"
    );
    assert!(!dir.join("index.json").exists());
    assert!(
        !proxy.operations().contains_key("sts:AssumeRole"),
        "no account started"
    );
}

#[test]
fn external_id_goes_with_every_member_assume_role() {
    // The proxy denies exactly the AssumeRole requests that carry the
    // external id, so a member account fails only if rampart sent it.
    let emu = Emulator::start();
    let man = emu.seed("org");
    let proxy = proxy::start(
        &emu.url,
        FaultPlan::new().deny_body("sts:AssumeRole", "ExternalId=ext-42"),
    );
    let list = emu.dir().join("one.txt");
    std::fs::write(&list, format!("{}\n", id(&man, "clean"))).unwrap();
    let dir = emu.dir().join("ext");
    let accounts = list.to_str().unwrap();
    let with = run_with(
        proxy.url(),
        &org_args(
            dir.to_str().unwrap(),
            &["--accounts", accounts, "--external-id", "ext-42"],
        ),
    );
    assert_eq!(with.code, 3, "{}", with.stderr);
    let index = load_index(&dir.join("index.json"));
    assert_eq!(index.accounts[0].status, AccountStatus::Failed);
    let without = run_with(
        proxy.url(),
        &org_args(dir.to_str().unwrap(), &["--accounts", accounts]),
    );
    assert_eq!(without.code, 0, "{}", without.stderr);
}

#[test]
fn progress_over_the_accounts_shows_on_a_terminal_only() {
    let emu = Emulator::start();
    emu.seed("org");
    let dir = emu.dir().join("tty");
    let d = dir.to_str().unwrap();
    let args = ["scan", "--org", "--region", "us-east-1", "--out", d];
    let env = emulator_env(&emu.url);
    let env: Vec<(&str, &str)> = env.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let tty = on_a_terminal(&args, &env);
    assert!(tty.contains("scanning ["), "a progress bar:\n{tty}");
    assert!(tty.contains("/4"), "counted in accounts:\n{tty}");
    let quiet = on_a_terminal(&[&args[..], &["--quiet"]].concat(), &env);
    assert!(!quiet.contains("scanning ["), "--quiet:\n{quiet}");
    assert!(quiet.contains("4 account(s): 4 complete"), "{quiet}");
    // In a pipe: only the closing summary.
    let piped = run_with(&emu.url, &args);
    assert_eq!(piped.code, 0, "{}", piped.stderr);
    assert!(!piped.stderr.contains("scanning ["), "{}", piped.stderr);
}
