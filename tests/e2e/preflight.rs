//! The pre-flight calls (`sts:GetCallerIdentity`, `ec2:DescribeRegions`)
//! under throttling and denial: they get the retry budget of every other
//! call (docs/cli.md, "Retries and timeouts"), so a throttled STS is
//! retried, not an exit 2; and a denied `DescribeRegions` is a warning on
//! stderr that `--quiet` (progress only) does not hide.

use std::path::Path;

use rampart_model::Snapshot;

use crate::harness::{Emulator, Run, emulator_env, rampart};
use crate::proxy::{self, Fault, FaultPlan, Rule};

const STS: &str = "sts:GetCallerIdentity";
const REGIONS: &str = "ec2:DescribeRegions";

/// `rampart scan --quiet --region us-east-1` through `url` (a proxy).
fn quiet_scan(url: &str, out: &Path, extra: &[&str]) -> (Run, Option<Snapshot>) {
    let env = emulator_env(url);
    let env: Vec<(&str, &str)> = env.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let mut args = vec![
        "scan",
        "--quiet",
        "--region",
        "us-east-1",
        "--out",
        out.to_str().expect("utf-8 path"),
    ];
    args.extend_from_slice(extra);
    let run = rampart(&args, &env);
    let snapshot = out
        .exists()
        .then(|| Snapshot::load(out).expect("snapshot loads"));
    (run, snapshot)
}

/// Regression (issue 14, item 4): the pre-flight clients had their own
/// two-attempt policy, so two throttling answers from STS stopped the whole
/// scan with exit 2 ("sts:GetCallerIdentity failed: Rate exceeded").
/// Throttled pre-flight calls are now retried within the default six
/// attempts and the scan completes: in standard mode three throttling
/// answers to each; in adaptive mode one to STS, because there each retry
/// of a throttled pair waits for the SDK's limiter (up to 20 s, measured
/// 18 to 20 s here: one request is too few to measure a rate from), and a
/// throttled `DescribeRegions` would also slow the home region's EC2 calls
/// (docs/cli.md, "Retries and timeouts").
#[test]
fn throttled_sts_and_describe_regions_are_retried_like_every_other_call() {
    let emu = Emulator::start();
    let dir = tempfile::tempdir().expect("temp dir");
    let cases: [(&str, &[&str], u64); 2] =
        [("standard", &[STS, REGIONS], 3), ("adaptive", &[STS], 1)];
    for (mode, throttled, times) in cases {
        let mut plan = FaultPlan::new();
        for op in throttled {
            plan = plan.rule(Rule::new(op, Fault::Throttle).times(times));
        }
        let faulty = proxy::start(&emu.url, plan);
        let (run, snapshot) = quiet_scan(
            faulty.url(),
            &dir.path().join(format!("{mode}.json")),
            &["--retry-mode", mode],
        );
        assert_eq!(run.code, 0, "{mode}: {}{}", run.stdout, run.stderr);
        let snapshot = snapshot.expect("snapshot");
        assert!(
            snapshot.collection_errors.is_empty(),
            "{mode}: {:?}",
            snapshot.collection_errors
        );
        assert!(
            !run.stderr.contains("rampart: warning: ec2:DescribeRegions"),
            "{mode}: DescribeRegions was answered in the end: {}",
            run.stderr
        );
        let ops = faulty.operations();
        for op in throttled {
            assert_eq!(
                ops[*op].faults.get("throttle"),
                Some(&times),
                "{mode}: {op}"
            );
            assert_eq!(
                ops[*op].count,
                times + 1,
                "{mode}: {op}: throttled, then answered"
            );
        }
    }
}

/// With `--max-attempts 3`, three throttling answers exhaust STS's budget:
/// the scan cannot know its account and stops (exit 2), naming the call.
/// The budget is the flag's, not a pre-flight constant.
#[test]
fn sts_throttled_past_max_attempts_is_a_named_preflight_error() {
    let emu = Emulator::start();
    let dir = tempfile::tempdir().expect("temp dir");
    let faulty = proxy::start(
        &emu.url,
        FaultPlan::new().rule(Rule::new(STS, Fault::Throttle).times(3)),
    );
    let out = dir.path().join("x.json");
    let (run, snapshot) = quiet_scan(
        faulty.url(),
        &out,
        &["--max-attempts", "3", "--retry-mode", "standard"],
    );
    assert_eq!(run.code, 2, "{}{}", run.stdout, run.stderr);
    assert!(snapshot.is_none());
    assert!(
        run.stderr.contains("sts:GetCallerIdentity"),
        "{}",
        run.stderr
    );
    assert_eq!(faulty.operations()[STS].count, 3);
}

/// Regression (issue 14, item 4): `--quiet` also hid the warning that
/// `ec2:DescribeRegions` was denied (so the region names given were only
/// checked by syntax). Warnings go to stderr always; only progress is quiet.
#[test]
fn quiet_still_warns_that_describe_regions_was_denied() {
    let emu = Emulator::start();
    let dir = tempfile::tempdir().expect("temp dir");
    let faulty = proxy::start(&emu.url, FaultPlan::new().deny(REGIONS));
    let (run, snapshot) = quiet_scan(faulty.url(), &dir.path().join("q.json"), &[]);
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    assert!(snapshot.is_some());
    let warned: Vec<&str> = run
        .stderr
        .lines()
        .filter(|l| l.starts_with("rampart: warning: ec2:DescribeRegions failed"))
        .collect();
    assert_eq!(warned.len(), 1, "{}", run.stderr);
    assert!(warned[0].contains("syntax only"), "{}", warned[0]);
    // Denied is not retried: asking again cannot change the answer.
    assert_eq!(faulty.operations()[REGIONS].count, 1);
}
