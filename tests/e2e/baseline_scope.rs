//! Issue 14 item 5: a baseline compares only what both runs covered. A
//! baseline of more regions, of other regions or of another account made
//! every finding it held "resolved" (and a region added to the scan made
//! every failure there "new"). Synthetic snapshots (no emulator): the same
//! account scanned over two regions and over one.

use serde_json::Value;

use crate::harness::rampart;

const TWO: &str = "us-east-1";
const GONE: &str = "eu-west-1";

fn two_regions() -> rampart_model::Snapshot {
    let mut p = rampart_dev::Params::scaled(40);
    p.regions = 2;
    rampart_dev::generate(&p)
}

fn json(run: &crate::harness::Run) -> Value {
    serde_json::from_str(&run.stdout).unwrap_or_else(|e| panic!("{e}: {}", run.stderr))
}

/// Failing findings of `region` in a JSON report.
fn failing_in(report: &Value, region: &str) -> usize {
    report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["status"] == "fail" && f["region"] == region)
        .count()
}

#[test]
fn a_baseline_of_other_regions_or_accounts_is_not_compared() {
    let dir = tempfile::tempdir().unwrap();
    let both = two_regions();
    assert_eq!(
        both.regions.keys().cloned().collect::<Vec<_>>(),
        [GONE, TWO],
        "the generator's first two regions"
    );
    let mut one = both.clone();
    one.regions.remove(GONE);
    let (both_p, one_p) = (dir.path().join("both.json"), dir.path().join("one.json"));
    both.save(&both_p).unwrap();
    one.save(&one_p).unwrap();
    let (b, o) = (both_p.to_str().unwrap(), one_p.to_str().unwrap());

    let full = json(&rampart(&["check", b, "--format", "json"], &[]));
    let west = failing_in(&full, GONE);
    assert!(west > 5, "the dropped region has failures to lose: {west}");

    // Today one region, yesterday two: nothing resolved, the other
    // region's failures not compared, each with the reason.
    let run = rampart(
        &[
            "check",
            o,
            "--baseline",
            b,
            "--format",
            "json",
            "--fail-on-new",
        ],
        &[],
    );
    assert_eq!(run.code, 0, "nothing is new: {}", run.stderr);
    let r = json(&run);
    let base = &r["baseline"];
    assert_eq!(base["resolved"], Value::Array(vec![]), "{base:#}");
    assert_eq!(base["new"], 0);
    let apart = base["not_compared"].as_array().unwrap();
    assert_eq!(apart.len(), west);
    for n in apart {
        assert_eq!(n["side"], "previous");
        assert_eq!(
            n["reason"],
            format!("region {GONE} was not scanned this time")
        );
        assert_eq!(n["finding"]["baseline"], "not-compared");
    }

    // The other way round: the region added today is not new, and
    // --fail-on-new does not gate on it (it did: exit 1).
    let run = rampart(
        &[
            "check",
            b,
            "--baseline",
            o,
            "--format",
            "json",
            "--fail-on-new",
        ],
        &[],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    let r = json(&run);
    assert_eq!(r["baseline"]["new"], 0);
    assert_eq!(
        r["baseline"]["not_compared"].as_array().unwrap().len(),
        west
    );
    let marked = r["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["baseline"] == "not-compared")
        .count();
    assert_eq!(marked, west);
    // --fail-on still sees every failure, compared or not.
    let run = rampart(&["check", b, "--baseline", o, "--fail-on", "info"], &[]);
    assert_eq!(run.code, 1, "{}", run.stderr);

    // `rampart diff` says the same, and says it in the table.
    let d = rampart(&["diff", b, o, "--format", "json"], &[]);
    assert_eq!(d.code, 0, "{}", d.stderr);
    let v = json(&d);
    assert_eq!(v["findings"]["resolved"], Value::Array(vec![]));
    assert_eq!(
        v["findings"]["not_compared"].as_array().unwrap().len(),
        west
    );
    let t = rampart(&["diff", b, o], &[]);
    assert!(
        t.stdout.contains(&format!(", {west} not compared\n")),
        "{}",
        t.stdout
    );
    assert!(
        t.stdout.contains(&format!(
            "failing in old; region {GONE} was not scanned this time"
        )),
        "{}",
        t.stdout
    );

    // Another account's baseline compares nothing.
    let mut other = one.clone();
    other.account_id = "210987654321".into();
    let other_p = dir.path().join("other.json");
    other.save(&other_p).unwrap();
    let run = rampart(
        &[
            "check",
            o,
            "--baseline",
            other_p.to_str().unwrap(),
            "--format",
            "json",
            "--fail-on-new",
        ],
        &[],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    let r = json(&run);
    assert_eq!(r["baseline"]["resolved"], Value::Array(vec![]));
    assert_eq!(
        (
            r["baseline"]["new"].as_u64(),
            r["baseline"]["unchanged"].as_u64()
        ),
        (Some(0), Some(0))
    );
    assert!(
        r["baseline"]["not_compared"]
            .as_array()
            .unwrap()
            .iter()
            .any(|n| n["reason"] == "account 210987654321 was not scanned this time")
    );

    // A check left out today (--skip-checks) resolves nothing.
    let skipped = full["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["status"] == "fail" && f["region"] == TWO)
        .map(|f| f["check_id"].as_str().unwrap().to_string())
        .unwrap();
    // (a report: a snapshot baseline is evaluated with today's selection)
    let yesterday = dir.path().join("one-report.json");
    let y = yesterday.to_str().unwrap();
    let run = rampart(&["check", o, "--format", "json", "--output", y], &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let run = rampart(
        &[
            "check",
            o,
            "--baseline",
            y,
            "--skip-checks",
            &skipped,
            "--format",
            "json",
        ],
        &[],
    );
    let r = json(&run);
    assert_eq!(r["baseline"]["resolved"], Value::Array(vec![]), "{skipped}");
    assert!(
        r["baseline"]["not_compared"]
            .as_array()
            .unwrap()
            .iter()
            .all(|n| n["reason"] == format!("{skipped} was not run this time"))
    );
}

/// `rampart diff --config` marks suppressed findings, with the reason.
#[test]
fn diff_with_a_config_marks_suppressed_findings() {
    let dir = tempfile::tempdir().unwrap();
    let now = two_regions();
    // Yesterday eu-west-1 was scanned and empty: today's failures there
    // are new.
    let mut before = now.clone();
    before.regions.insert(GONE.into(), Default::default());
    let (old_p, new_p) = (dir.path().join("old.json"), dir.path().join("new.json"));
    before.save(&old_p).unwrap();
    now.save(&new_p).unwrap();
    let (a, b) = (old_p.to_str().unwrap(), new_p.to_str().unwrap());
    let plain = json(&rampart(&["diff", a, b, "--format", "json"], &[]));
    let first = plain["findings"]["new"][0].clone();
    let check = first["check_id"]
        .as_str()
        .unwrap_or_else(|| {
            let counts: Vec<String> = ["new", "resolved", "unknown", "changed", "not_compared"]
                .iter()
                .map(|k| {
                    format!(
                        "{k} {}",
                        plain["findings"][k].as_array().map_or(0, Vec::len)
                    )
                })
                .collect();
            panic!(
                "no new finding: {counts:?} {}",
                plain["findings"]["not_compared"][0]
            )
        })
        .to_string();
    assert!(first["suppressed"].is_null());

    let config = dir.path().join("rampart.toml");
    std::fs::write(
        &config,
        format!("[[suppress]]\ncheck = \"{check}\"\nreason = \"accepted by secops\"\n"),
    )
    .unwrap();
    let c = config.to_str().unwrap();
    let v = json(&rampart(
        &["diff", a, b, "--format", "json", "--config", c],
        &[],
    ));
    let new = v["findings"]["new"].as_array().unwrap();
    assert_eq!(
        new.len(),
        plain["findings"]["new"].as_array().unwrap().len()
    );
    for f in new.iter().filter(|f| f["check_id"] == check.as_str()) {
        assert_eq!(f["suppressed"]["reason"], "accepted by secops", "{f:#}");
        assert_eq!(f["suppressed"]["source"], format!("{c}:1"));
    }
    let t = rampart(&["diff", a, b, "--config", c], &[]);
    assert_eq!(t.code, 0, "{}", t.stderr);
    assert!(
        t.stdout
            .contains(&format!("      suppressed: accepted by secops ({c}:1)\n")),
        "{}",
        t.stdout
    );
    assert!(t.stdout.contains(" suppressed), "), "{}", t.stdout);
    // A malformed config is a usage error naming the flag, as for check.
    std::fs::write(&config, "[[suppress]]\nbogus = 1\n").unwrap();
    let bad = rampart(&["diff", a, b, "--config", c], &[]);
    assert_eq!(bad.code, 2, "{}", bad.stderr);
    assert!(bad.stderr.contains("(--config)"), "{}", bad.stderr);
}
