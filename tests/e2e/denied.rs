//! Denied permissions, one at a time: for every operation a clean scan of the
//! demo account calls (as seen on the wire through the proxy), a scan with
//! only that operation answered `AccessDenied` (in its service's format)
//! must finish, record the denial, and never turn missing data into a pass;
//! every report format must show the gap. The exceptions are listed below
//! with the reason: pre-flight (`PREFLIGHT`), region resolution
//! (`REGION_LIST`), operations a fallback stands in for (`FALLBACKS`) and
//! operations whose data decides no verdict in the demo (`NO_CHECK`).
//! Two bugs found here are fixed, and their tests kept (see their docs).

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

use rampart_model::{ErrorKind, Finding, Fingerprint, Report, Snapshot, Status};
use serde_json::Value;

use crate::harness::{Emulator, Run, emulator_env, rampart, scan};
use crate::proxy::{self, Dialect, FaultPlan, OpStats};

/// Pre-flight: without the caller's identity there is no account to scan,
/// so the scan stops with exit 2 and one line on stderr ("rampart: error:
/// the credentials were rejected by sts:GetCallerIdentity: ..."), and
/// writes nothing.
const PREFLIGHT: &[&str] = &["sts:GetCallerIdentity"];

/// Region resolution: with `--region` given, a failed `DescribeRegions`
/// only downgrades the region check to a syntax check (one warning line
/// on stderr, even without -v); nothing is missing from the snapshot, so
/// the scan is complete (exit 0) and the findings are the clean run's.
/// (With `--all-regions` it is a pre-flight error: tested separately.)
const REGION_LIST: &str = "ec2:DescribeRegions";

/// Operations a fallback stands in for: denying one leaves the snapshot
/// complete and the findings identical (docs/snapshot.md, "Fallbacks that
/// keep a scan complete").
const FALLBACKS: &[(&str, &str)] = &[
    (
        "wafv2:ListLoggingConfigurations",
        "GetLoggingConfiguration per web ACL answers the same",
    ),
    (
        // moto does not implement it, so the clean scan already falls back.
        "wafv2:ListResourcesForWebACL",
        "associations are rebuilt from the stages' webAclArn and the ALBs",
    ),
];

/// Operations whose data feeds no check of the demo account: denying one
/// makes the snapshot incomplete (exit 3, `complete: false`, the warning)
/// but every verdict (check, resource, status, fingerprint) stays as in the
/// clean run; only a message may lose a detail. Each says why; an entry
/// that starts to matter (a check reads the data) fails the test, because
/// then the verdicts change.
const NO_CHECK: &[(&str, &str)] = &[
    (
        "apigateway:GetAuthorizers",
        "inventory: the auth checks read each method's authorizationType \
         (GetResources), not the authorizer list",
    ),
    (
        "apigateway:GetUsagePlans",
        "no demo method requires an API key, and a usage plan throttles only \
         requests made with its keys (EDGE-007): hardened prod is throttled \
         stage-wide and legacy v1 has unkeyed methods without limits, so the \
         plans decide no verdict; api_stage_without_throttling's unit tests \
         cover unknown plans where a keyed method depends on them",
    ),
    (
        "apigateway:GetVpcLinks",
        "stand-in: a REST integration resolves by its VPC link id, else by \
         its URI host against the load balancers' DNS names; moto drops \
         connectionId, so the demo always resolves by host (the path in the \
         message then lacks the link id)",
    ),
    (
        "apigatewayv2:GetVpcLinks",
        "inventory: an HTTP API VPC-link integration names its listener ARN \
         in the integration URI (GetIntegrations)",
    ),
    (
        "ecs:DescribeServices",
        "message only: NET-002 names a service's assignPublicIp ENABLED beside \
         the public address it judges on the task's own interface \
         (DescribeTasks, DescribeNetworkInterfaces); paths and every task \
         check read the running tasks, not the services",
    ),
    (
        "ecs:ListServices",
        "message only: NET-002 names a service's assignPublicIp ENABLED beside \
         the public address it judges on the task's own interface \
         (DescribeTasks, DescribeNetworkInterfaces); paths and every task \
         check read the running tasks, not the services",
    ),
    (
        "ec2:DescribeEgressOnlyInternetGateways",
        "inventory: routes carry their target kind (DescribeRouteTables)",
    ),
    (
        "ec2:DescribeInternetGateways",
        "inventory: routes carry their target kind (DescribeRouteTables)",
    ),
    (
        "ec2:DescribeNatGateways",
        "inventory: routes carry their target kind (DescribeRouteTables)",
    ),
    (
        "ec2:DescribeVpcEndpoints",
        "inventory: EDGE-008 judges a private API by its resource policy",
    ),
    (
        "ec2:DescribeVpcs",
        "inventory and tag suppressions: checks find a backend's VPC from \
         its subnet and ENIs",
    ),
    (
        "ec2:GetManagedPrefixListEntries",
        "the demo's prefix lists decide no verdict by their entries: the app \
         group's egress to one is TCP 443 (NET-007 needs every TCP and UDP \
         port), the S3 endpoint's route targets a VPC endpoint, which cannot \
         make a subnet public, and origin-alb admits CloudFront's \
         origin-facing list, which the paths know by its name (the list, \
         from DescribeManagedPrefixLists, does decide: EDGE-001 and NET-010 \
         on origin-alb's backends); \
         denied_prefix_lists_are_a_gap_where_a_rule_needs_them covers an \
         account where entries do",
    ),
    (
        "inspector2:ListFindingAggregations",
        "display only: Inspector's counts on each scorecard card and in \
         INST-013's message (both omit them when this is missing); INST-013 \
         judges the active critical findings ListFindings lists",
    ),
    (
        "iam:GetPolicy",
        "the demo's only AWS managed policy is AdministratorAccess, which \
         INST-003 recognises by its ARN (the document adds nothing); customer \
         managed policies come with GetAccountAuthorizationDetails; a missing \
         document is a gap in crates/checks instance_role_admin's unit tests",
    ),
    (
        "iam:GetPolicyVersion",
        "the demo's only AWS managed policy is AdministratorAccess, which \
         INST-003 recognises by its ARN (the document adds nothing); customer \
         managed policies come with GetAccountAuthorizationDetails; a missing \
         document is a gap in crates/checks instance_role_admin's unit tests",
    ),
    (
        "elasticloadbalancing:DescribeTargetGroupAttributes",
        "the demo's paths hold whatever client IP preservation says: the \
         legacy backend admits the internet and the NLB's subnet alike, and \
         the hardened NLB is reached over PrivateLink, where targets see the \
         NLB either way; crates/checks exposure_rules \
         (denying_any_path_input_never_yields_a_pass, \
         preservation_off_means_the_vpc_rule_admits_the_internet) covers \
         topologies where it decides",
    ),
    (
        "elasticloadbalancing:DescribeTags",
        "tag suppressions only (a missing tag can only un-suppress)",
    ),
];

/// How many denied scans run at once (two cores: more only queue on moto).
const PARALLEL: usize = 4;

/// The snapshot, each report and what the proxy saw, for one scan.
struct Outcome {
    op: String,
    scan: Run,
    snapshot: Option<Snapshot>,
    /// (exit code, report) of `check --format json`.
    json: Option<(i32, Report)>,
    table: Option<Run>,
    sarif: Option<Value>,
    seen: BTreeMap<String, OpStats>,
}

fn check(snapshot: &Path, format: &str) -> Run {
    // A wide table: reasons are checked verbatim, not re-joined from wraps.
    rampart(
        &["check", snapshot.to_str().unwrap(), "--format", format],
        &[("COLUMNS", "400"), ("NO_COLOR", "1")],
    )
}

/// Scans the emulator through a proxy with `plan`, then evaluates the
/// snapshot in the three formats.
fn scan_with(emu: &Emulator, name: &str, plan: FaultPlan) -> Outcome {
    let proxy = proxy::start(&emu.url, plan);
    let out = emu.dir().join(format!("{}.json", name.replace(':', "-")));
    let (run, snapshot) = scan(emu, &out, &[("AWS_ENDPOINT_URL", proxy.url())]);
    let seen = proxy.operations();
    drop(proxy);
    let (json, table, sarif) = if snapshot.is_some() {
        let j = check(&out, "json");
        let report: Report = serde_json::from_str(&j.stdout)
            .unwrap_or_else(|e| panic!("{name}: JSON report: {e}\n{}", j.stderr));
        let s = check(&out, "sarif");
        let sarif: Value = serde_json::from_str(&s.stdout)
            .unwrap_or_else(|e| panic!("{name}: SARIF: {e}\n{}", s.stderr));
        (
            Some((j.code, report)),
            Some(check(&out, "table")),
            Some(sarif),
        )
    } else {
        (None, None, None)
    };
    Outcome {
        op: name.to_string(),
        scan: run,
        snapshot,
        json,
        table,
        sarif,
        seen,
    }
}

/// The error code the proxy answers a denied `op` with.
fn denied_code(op: &str) -> &'static str {
    match proxy::dialect(op) {
        Dialect::Ec2Query => "UnauthorizedOperation",
        Dialect::AwsQuery | Dialect::RestXml => "AccessDenied",
        Dialect::RestJson | Dialect::AwsJson => "AccessDeniedException",
    }
}

fn status_of(f: &Finding) -> &'static str {
    f.status.as_str()
}

/// Every problem with one denied scan (empty: as it should be).
fn judge(o: &Outcome, clean: &Report) -> Vec<String> {
    let op = o.op.as_str();
    let mut problems = Vec::new();
    let mut fail = |msg: String| problems.push(format!("{op}: {msg}"));

    let denials = o
        .seen
        .get(op)
        .and_then(|s| s.faults.get("deny"))
        .copied()
        .unwrap_or(0);
    if denials == 0 {
        fail(format!(
            "the proxy never denied it (saw {:?})",
            o.seen.get(op)
        ));
    }

    if PREFLIGHT.contains(&op) {
        if o.scan.code != 2 {
            fail(format!("exit {} (want 2)\n{}", o.scan.code, o.scan.stderr));
        }
        let lines: Vec<&str> = o.scan.stderr.trim().lines().collect();
        if lines.len() != 1 || !lines[0].contains(op) || lines[0].len() > 300 {
            fail(format!(
                "want one clear line naming {op} on stderr, got {:?}",
                o.scan.stderr
            ));
        }
        if o.snapshot.is_some() {
            fail("a snapshot was written".into());
        }
        return problems;
    }

    let Some(snap) = &o.snapshot else {
        fail(format!(
            "no snapshot (exit {}): {}",
            o.scan.code, o.scan.stderr
        ));
        return problems;
    };
    let Some((check_code, report)) = &o.json else {
        unreachable!("a snapshot always gets a report")
    };
    let table = &o.table.as_ref().unwrap().stdout;
    let sarif = o.sarif.as_ref().unwrap();
    let sarif_complete = &sarif["runs"][0]["properties"]["snapshot"]["complete"];

    // (a) Missing data never passes: a pass here is a pass in the clean run,
    // and nothing failing in the clean run passes here.
    let clean_by_fp: BTreeMap<Fingerprint, &Finding> =
        clean.findings.iter().map(|f| (f.fingerprint, f)).collect();
    for f in report.findings.iter().filter(|f| f.status == Status::Pass) {
        match clean_by_fp.get(&f.fingerprint) {
            Some(c) if c.status == Status::Pass => {}
            other => fail(format!(
                "{} passes on {} but is {} in the clean run",
                f.check_id,
                f.resource_arn,
                other.map_or("absent", |c| status_of(c))
            )),
        }
    }
    let passing: BTreeSet<(&str, &str)> = report
        .findings
        .iter()
        .filter(|f| f.status == Status::Pass)
        .map(|f| (f.check_id.as_str(), f.resource_arn.as_str()))
        .collect();
    for c in clean.findings.iter().filter(|f| f.status == Status::Fail) {
        if passing.contains(&(c.check_id.as_str(), c.resource_arn.as_str())) {
            fail(format!(
                "{} fails on {} in the clean run but passes when {op} is denied",
                c.check_id, c.resource_arn
            ));
        }
    }

    let complete_and_identical = |fail: &mut dyn FnMut(String)| {
        if o.scan.code != 0 {
            fail(format!("exit {} (want 0)\n{}", o.scan.code, o.scan.stderr));
        }
        if !snap.collection_errors.is_empty() {
            fail(format!(
                "collection errors in a complete scan: {:?}",
                snap.collection_errors
            ));
        }
        if report.findings != clean.findings {
            fail(format!(
                "findings differ from the clean run: {}",
                changed(clean, report)
            ));
        }
        if !report.snapshot.complete || *sarif_complete != Value::Bool(true) {
            fail("the reports call a complete scan incomplete".into());
        }
    };

    if op == REGION_LIST {
        complete_and_identical(&mut fail);
        let warned = o.scan.stderr.lines().any(|l| {
            l.starts_with("rampart: warning: ec2:DescribeRegions failed")
                && l.contains("syntax only")
        });
        if !warned {
            fail(format!(
                "no warning that the region names went unchecked\n{}",
                o.scan.stderr
            ));
        }
        return problems;
    }
    if let Some((_, why)) = FALLBACKS.iter().find(|(f, _)| *f == op) {
        complete_and_identical(&mut |m| fail(format!("{m} (fallback: {why})")));
        return problems;
    }

    // The scan finishes, incomplete, with the denial recorded as such.
    if o.scan.code != 3 {
        fail(format!(
            "scan exit {} (want 3)\n{}",
            o.scan.code, o.scan.stderr
        ));
    }
    let recorded: Vec<_> = snap
        .collection_errors
        .iter()
        .filter(|e| e.operation == op)
        .collect();
    if recorded.is_empty() {
        fail(format!(
            "no collection error for it: {:?}",
            snap.collection_errors
        ));
    }
    for e in &recorded {
        if e.kind != ErrorKind::AccessDenied || e.code.as_deref() != Some(denied_code(op)) {
            fail(format!(
                "recorded as {} / {:?}, want access-denied / {}",
                e.kind.as_str(),
                e.code,
                denied_code(op)
            ));
        }
    }
    for e in &snap.collection_errors {
        if e.kind == ErrorKind::AccessDenied && e.operation != op {
            fail(format!("{} recorded as denied too", e.operation));
        }
    }
    if *check_code != 3 {
        fail(format!("check exit {check_code} (want 3: incomplete)"));
    }

    // (b) The gap has a name: some finding is not evaluated because of
    // this operation, unless its data feeds no check.
    let gaps: Vec<&Finding> = report
        .findings
        .iter()
        .filter(|f| matches!(&f.status, Status::NotEvaluated(why) if why.contains(op)))
        .collect();
    let no_check = NO_CHECK.iter().any(|(o, _)| *o == op);
    if no_check {
        if verdicts(report) != verdicts(clean) {
            fail(format!(
                "feeds no check, yet the findings differ from the clean run: {}",
                changed(clean, report)
            ));
        }
    } else if gaps.is_empty() {
        let ne: Vec<_> = report
            .findings
            .iter()
            .filter_map(|f| match &f.status {
                Status::NotEvaluated(w) => Some(format!("{}: {w}", f.check_id)),
                _ => None,
            })
            .collect();
        fail(format!(
            "no finding is not-evaluated naming it; diff vs clean: {}; not evaluated: {ne:?}",
            diff(clean, report)
        ));
    }

    // (c) Every format shows the coverage gap.
    if report.snapshot.complete || report.snapshot.collection_errors == 0 {
        fail("the JSON report calls the snapshot complete".into());
    }
    if *sarif_complete != Value::Bool(false) {
        fail(format!(
            "SARIF run property snapshot.complete is {sarif_complete}"
        ));
    }
    if !table.contains("WARNING: incomplete snapshot") {
        fail("the table has no incomplete-snapshot warning".into());
    }
    if !no_check {
        let reviews: Vec<&Value> = sarif["runs"][0]["results"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|r| r["kind"] == "review")
            .collect();
        if !reviews.iter().any(|r| {
            r["message"]["text"]
                .as_str()
                .is_some_and(|t| t.contains(op))
        }) {
            fail("no SARIF review result names it".into());
        }
        let section = format!("not evaluated: {}", report.summary.not_evaluated);
        if !table.contains(&section) || !table.contains(op) {
            fail(format!("the table has no {section:?} section naming it"));
        }
    }
    problems
}

/// Each finding's verdict: everything but the message (which may name
/// what the denied operation would have added, e.g. a VPC link id).
fn verdicts(r: &Report) -> Vec<(&str, &str, &Status, Fingerprint)> {
    r.findings
        .iter()
        .map(|f| {
            (
                f.check_id.as_str(),
                f.resource_arn.as_str(),
                &f.status,
                f.fingerprint,
            )
        })
        .collect()
}

/// The findings that are not in both reports exactly, for failure messages.
fn changed(clean: &Report, denied: &Report) -> String {
    let only = |a: &Report, b: &Report| -> Vec<String> {
        a.findings
            .iter()
            .filter(|f| !b.findings.contains(f))
            .map(|f| format!("{f:?}"))
            .collect()
    };
    format!(
        "clean only: {:#?}\ndenied only: {:#?}",
        only(clean, denied),
        only(denied, clean)
    )
}

/// What changed between two reports, briefly, for failure messages.
fn diff(clean: &Report, denied: &Report) -> String {
    let key = |f: &Finding| (f.check_id.clone(), f.resource_arn.clone(), status_of(f));
    let a: BTreeSet<_> = clean.findings.iter().map(key).collect();
    let b: BTreeSet<_> = denied.findings.iter().map(key).collect();
    format!(
        "gone {:?}, new {:?}",
        a.difference(&b).collect::<Vec<_>>(),
        b.difference(&a).collect::<Vec<_>>()
    )
}

#[test]
fn every_operation_denied_alone_is_a_named_gap_never_a_pass() {
    let emu = Emulator::start();
    emu.seed("demo");

    let clean = scan_with(&emu, "clean", FaultPlan::new());
    assert_eq!(clean.scan.code, 0, "clean scan: {}", clean.scan.stderr);
    let (clean_code, clean_report) = clean.json.as_ref().unwrap();
    assert_eq!(*clean_code, 0, "check of the clean snapshot");
    assert!(clean_report.snapshot.complete);
    let ops: Vec<String> = clean.seen.keys().cloned().collect();
    let services: BTreeSet<&str> = ops.iter().map(|o| o.split(':').next().unwrap()).collect();
    assert!(
        ops.len() >= 40 && services.len() == 18,
        "a clean scan calls many operations of every service: {ops:?}"
    );
    for (op, _) in FALLBACKS.iter().chain(NO_CHECK) {
        assert!(ops.iter().any(|o| o == op), "{op} is listed but not called");
    }
    assert!(ops.iter().any(|o| o == REGION_LIST));

    // RAMPART_E2E_DENY=op,op narrows the run while investigating one.
    let ops: Vec<String> = match std::env::var("RAMPART_E2E_DENY") {
        Ok(only) => ops
            .into_iter()
            .filter(|o| only.split(',').any(|x| x == o))
            .collect(),
        Err(_) => ops,
    };
    // One proxy per denied operation, PARALLEL scans at a time, all against
    // the one seeded emulator.
    let next = AtomicUsize::new(0);
    let problems = Mutex::new(Vec::new());
    std::thread::scope(|s| {
        for _ in 0..PARALLEL {
            s.spawn(|| {
                loop {
                    let i = next.fetch_add(1, Ordering::SeqCst);
                    let Some(op) = ops.get(i) else { break };
                    let o = scan_with(&emu, op, FaultPlan::new().deny(op));
                    let found = judge(&o, clean_report);
                    problems.lock().unwrap().extend(found);
                }
            });
        }
    });
    let problems = problems.into_inner().unwrap();
    assert!(
        problems.is_empty(),
        "{} problem(s) with denied operations:\n{}",
        problems.len(),
        problems.join("\n")
    );
}

/// `scan --all-regions` with `ec2:DescribeRegions` denied.
fn all_regions_denied() -> Run {
    let emu = Emulator::start();
    let proxy = proxy::start(&emu.url, FaultPlan::new().deny(REGION_LIST));
    let out = emu.dir().join("all.json");
    let env = emulator_env(proxy.url());
    let env: Vec<(&str, &str)> = env.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let run = rampart(
        &["scan", "--all-regions", "--out", out.to_str().unwrap()],
        &env,
    );
    assert!(!out.exists(), "no snapshot without regions");
    assert_eq!(proxy.operations()[REGION_LIST].faults.get("deny"), Some(&1));
    run
}

#[test]
fn all_regions_without_describe_regions_is_a_one_line_preflight_error() {
    let run = all_regions_denied();
    assert_eq!(run.code, 2, "{}", run.stderr);
    let lines: Vec<&str> = run.stderr.trim().lines().collect();
    assert_eq!(lines.len(), 1, "{}", run.stderr);
    assert!(
        lines[0].contains("ec2:DescribeRegions") && lines[0].contains("--region"),
        "{}",
        lines[0]
    );
}

/// The line once read "rampart: error: sts:GetCallerIdentity failed:
/// --all-regions needs ec2:DescribeRegions, ...": the region error went
/// through `ScanError::Identity`, whose message blamed STS, which had
/// answered fine. It now has its own error, naming the failure's code.
#[test]
fn all_regions_error_does_not_blame_sts() {
    let run = all_regions_denied();
    assert!(
        !run.stderr.contains("sts:GetCallerIdentity"),
        "{}",
        run.stderr
    );
}

/// Scans the demo plus SSH admitted on a backend's group from a prefix
/// list holding 0.0.0.0/0, clean and with each prefix-list operation
/// denied: (prefix list id, NET-005's status on that group in the clean run,
/// then per denied operation).
fn prefix_list_denials() -> (String, Status, Vec<(String, Status)>) {
    let emu = Emulator::start();
    let manifest = emu.seed("demo");
    let sg = crate::harness::m(&manifest, "/hardened/app_sg_id").to_string();
    let pl = emu
        .python(
            r#"
import sys, boto3
ec2 = boto3.client("ec2", endpoint_url=sys.argv[1], region_name="us-east-1",
                   aws_access_key_id="test", aws_secret_access_key="test")
pl = ec2.create_managed_prefix_list(PrefixListName="anywhere", AddressFamily="IPv4",
        MaxEntries=1, Entries=[{"Cidr": "0.0.0.0/0"}])["PrefixList"]["PrefixListId"]
ec2.authorize_security_group_ingress(GroupId=sys.argv[2], IpPermissions=[{
    "IpProtocol": "tcp", "FromPort": 22, "ToPort": 22,
    "PrefixListIds": [{"PrefixListId": pl}]}])
print(pl)
"#,
            &[&sg],
        )
        .trim()
        .to_string();
    let arn = format!("arn:aws:ec2:us-east-1:123456789012:security-group/{sg}");
    let net005 = |r: &Report| -> Status {
        r.findings
            .iter()
            .find(|f| f.check_id == "NET-005" && f.resource_arn == arn)
            .unwrap_or_else(|| panic!("no NET-005 finding on {arn}"))
            .status
            .clone()
    };
    let clean = scan_with(&emu, "clean-pl", FaultPlan::new());
    assert_eq!(clean.scan.code, 0, "{}", clean.scan.stderr);
    let clean_report = &clean.json.as_ref().unwrap().1;

    let ops = [
        "ec2:DescribeManagedPrefixLists",
        "ec2:GetManagedPrefixListEntries",
    ];
    let outcomes: Vec<Outcome> = std::thread::scope(|s| {
        let handles: Vec<_> = ops
            .iter()
            .map(|op| {
                let emu = &emu;
                s.spawn(move || scan_with(emu, op, FaultPlan::new().deny(op)))
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    let mut denied = Vec::new();
    for o in &outcomes {
        let op = o.op.as_str();
        assert_eq!(o.scan.code, 3, "{op}: {}", o.scan.stderr);
        // Nothing anywhere turned into a pass.
        let problems: Vec<String> = judge(o, clean_report)
            .into_iter()
            .filter(|p| p.contains("passes"))
            .collect();
        assert!(problems.is_empty(), "{problems:#?}");
        denied.push((o.op.clone(), net005(&o.json.as_ref().unwrap().1)));
    }
    (pl, net005(clean_report), denied)
}

/// The demo's prefix lists decide no verdict (NO_CHECK above); here one
/// does. Without the list or its entries, NET-005 on that group must be
/// not evaluated, never a pass, and say which list it could not read.
#[test]
fn denied_prefix_lists_are_a_gap_where_a_rule_needs_them() {
    let (pl, clean, denied) = prefix_list_denials();
    assert_eq!(clean, Status::Fail, "SSH from 0.0.0.0/0 via {pl}");
    for (op, status) in denied {
        match status {
            Status::NotEvaluated(why) => {
                assert!(why.contains(&format!("prefix list {pl}")), "{op}: {why}")
            }
            other => panic!("{op} denied: NET-005 is {other:?}, want not evaluated"),
        }
    }
}

/// The reason also names the operation that failed, as every other
/// not-evaluated reason does (`Context::not_collected`). It once read
/// "prefix list pl-... entries not collected", which did not tell the
/// reader which permission was missing; the resolver now reads the
/// snapshot's collection errors (crates/checks/src/reach/mod.rs).
#[test]
fn denied_prefix_list_reasons_name_the_operation() {
    let (_, _, denied) = prefix_list_denials();
    for (op, status) in denied {
        match status {
            Status::NotEvaluated(why) => assert!(why.contains(&op), "{op}: {why}"),
            other => panic!("{op} denied: NET-005 is {other:?}, want not evaluated"),
        }
    }
}

/// What the demo lacks for the collector to call every operation it can:
/// an internet-facing ALB (only ALBs have listener rules, `DescribeRules`,
/// and are looked up one by one with `GetWebACLForResource` where
/// `ListResourcesForWebACL` is unavailable, as on moto), with a
/// path-pattern rule forwarding to a hardened app instance, protected by
/// the demo's logged web ACL. Prints the ALB's ARN.
const ALB_EXTRAS: &str = r#"
import sys, json, boto3
kw = dict(endpoint_url=sys.argv[1], region_name="us-east-1",
          aws_access_key_id="test", aws_secret_access_key="test")
ec2, elb, waf = (boto3.client(s, **kw) for s in ("ec2", "elbv2", "wafv2"))
h = json.loads(sys.argv[2])
lb = elb.create_load_balancer(Name="edge-alb", Type="application", Scheme="internet-facing",
                              Subnets=h["public_subnet_ids"][:2],
                              SecurityGroups=[h["nlb_sg_id"]])["LoadBalancers"][0]
tg = elb.create_target_group(Name="edge-alb-app", Protocol="HTTP", Port=8080,
                             VpcId=h["vpc_id"], TargetType="instance")["TargetGroups"][0]
elb.register_targets(TargetGroupArn=tg["TargetGroupArn"],
                     Targets=[{"Id": h["instance_ids"][0], "Port": 8080}])
listener = elb.create_listener(LoadBalancerArn=lb["LoadBalancerArn"], Protocol="HTTP", Port=80,
                               DefaultActions=[{"Type": "fixed-response",
                                                "FixedResponseConfig": {"StatusCode": "404"}}]
                               )["Listeners"][0]
elb.create_rule(ListenerArn=listener["ListenerArn"], Priority=10,
                Conditions=[{"Field": "path-pattern", "Values": ["/api/*"]}],
                Actions=[{"Type": "forward", "TargetGroupArn": tg["TargetGroupArn"]}])
waf.associate_web_acl(WebACLArn=h["web_acl_arn"], ResourceArn=lb["LoadBalancerArn"])
print(lb["LoadBalancerArn"])
"#;

/// The (check, resource) pairs of a report, with their findings.
fn by_pair(r: &Report) -> BTreeMap<(&str, &str), Vec<&Finding>> {
    let mut out: BTreeMap<(&str, &str), Vec<&Finding>> = BTreeMap::new();
    for f in &r.findings {
        out.entry((f.check_id.as_str(), f.resource_arn.as_str()))
            .or_default()
            .push(f);
    }
    out
}

/// The resource a resource belongs to, whose not-evaluated verdict stands
/// for it when its own list is missing: a listener's load balancer, a REST
/// method's API, an HTTP API route's API.
fn parent_of(arn: &str) -> Option<&str> {
    if let Some(i) = arn.find("/resources/").or_else(|| arn.find("/routes/")) {
        return Some(&arn[..i]);
    }
    None
}

/// A listener ARN's load balancer ARN (`listener/app/N/ID/L` ->
/// `loadbalancer/app/N/ID`).
fn listener_lb(arn: &str) -> Option<String> {
    let (head, tail) = arn.split_once(":listener/")?;
    let (lb, _) = tail.rsplit_once('/')?;
    Some(format!("{head}:loadbalancer/{lb}"))
}

/// The token by which a resource would show in a snapshot: an EC2 id, an
/// API id, else the whole ARN.
fn resource_token(arn: &str) -> &str {
    if let Some(rest) = arn
        .split("::/restapis/")
        .nth(1)
        .or(arn.split("::/apis/").nth(1))
    {
        // A stage is named by its whole ARN (its name alone, `prod`, says
        // nothing), an API by its id.
        if rest.contains("/stages/") {
            return arn;
        }
        // A method by its resource id, a route or an integration by its id.
        for part in ["/resources/", "/routes/", "/integrations/"] {
            if let Some((_, child)) = rest.split_once(part) {
                return child.split('/').next().unwrap_or(child);
            }
        }
        return rest.split('/').next().unwrap_or(rest);
    }
    // A launch template version is named by its whole ARN (its number
    // alone, `1`, says nothing; the snapshot names it only as a template id
    // and a number).
    if arn.contains(":launch-template/") {
        return arn;
    }
    if arn.split(':').nth(2) == Some("ec2") {
        return arn.rsplit('/').next().unwrap_or(arn);
    }
    arn
}

/// Every way a report with `denied` missing breaks the invariant: each
/// (check, resource) pair of the clean report is still there (a resource
/// the denied data alone named may be stood for by a `KIND/*` verdict of
/// the same check, by its parent's verdict, or by the verdict on a backend
/// the clean finding listed as affected, not evaluated naming what is
/// missing: an Elastic IP a backend is reached on, when the addresses are
/// missing, is judged on the backend), and every pass is a pass of the
/// clean run.
fn invariant_problems(
    case: &str,
    denied: &[&str],
    clean: &Report,
    report: &Report,
    snapshot_text: &str,
) -> Vec<String> {
    let mut problems = Vec::new();
    let names_denied = |f: &Finding| matches!(&f.status, Status::NotEvaluated(why) if denied.iter().any(|op| why.contains(op)));
    let now = by_pair(report);
    for ((check, arn), was) in by_pair(clean) {
        if now.contains_key(&(check, arn)) {
            continue;
        }
        let wildcard = report.findings.iter().find(|f| {
            f.check_id == check
                && names_denied(f)
                && (f
                    .resource_arn
                    .strip_suffix('*')
                    .is_some_and(|prefix| arn.starts_with(prefix))
                    || parent_of(arn) == Some(f.resource_arn.as_str())
                    || listener_lb(arn).as_deref() == Some(f.resource_arn.as_str())
                    || was.iter().any(|c| c.affected.contains(&f.resource_arn)))
        });
        match wildcard {
            Some(w) if snapshot_text.contains(resource_token(arn)) => problems.push(format!(
                "{case}: {check} on {arn} is only covered by {} although the snapshot still names it",
                w.resource_arn
            )),
            Some(_) => {}
            None => problems.push(format!(
                "{case}: {check} on {arn} vanished (no verdict, no covering gap naming {denied:?})"
            )),
        }
    }
    let clean_passes: BTreeSet<Fingerprint> = clean
        .findings
        .iter()
        .filter(|f| f.status == Status::Pass)
        .map(|f| f.fingerprint)
        .collect();
    for f in report.findings.iter().filter(|f| f.status == Status::Pass) {
        if !clean_passes.contains(&f.fingerprint) {
            problems.push(format!(
                "{case}: {} passes on {} ({:?}), not as in the clean run",
                f.check_id, f.resource_arn, f.message
            ));
        }
    }
    problems
}

/// Issue 14 item 3: for every operation the collector calls (as seen on
/// the wire in a clean scan of the demo plus [`ALB_EXTRAS`], and the
/// fallbacks seen when the [`FALLBACKS`] primaries are denied; checked
/// against every action docs/iam-policy.json grants), a scan with that
/// operation denied keeps every (check, resource) verdict of the clean
/// run, failed or not evaluated, and passes nothing the clean run did not
/// pass the same way. A fallback is denied together with its primary (it
/// is only called when that fails). Pre-flight (`PREFLIGHT`) writes no
/// snapshot and is tested above.
#[test]
fn every_verdict_survives_any_one_denied_operation() {
    let started = std::time::Instant::now();
    let emu = Emulator::start();
    let manifest = emu.seed("demo");
    let hardened = serde_json::to_string(&manifest["hardened"]).unwrap();
    emu.python(ALB_EXTRAS, &[&hardened]);

    let primaries: Vec<&str> = FALLBACKS.iter().map(|(op, _)| *op).collect();
    let (clean, fallback) = std::thread::scope(|s| {
        let fb = s.spawn(|| {
            let mut plan = FaultPlan::new();
            for op in &primaries {
                plan = plan.deny(op);
            }
            scan_with(&emu, "fallbacks", plan)
        });
        (
            scan_with(&emu, "clean", FaultPlan::new()),
            fb.join().unwrap(),
        )
    });
    assert_eq!(clean.scan.code, 0, "clean scan: {}", clean.scan.stderr);
    let clean_report = &clean.json.as_ref().unwrap().1;

    // One case per operation: (name, operations denied).
    let mut cases: Vec<(String, Vec<String>)> = clean
        .seen
        .keys()
        .filter(|op| !PREFLIGHT.contains(&op.as_str()))
        .map(|op| (op.clone(), vec![op.clone()]))
        .collect();
    for op in fallback
        .seen
        .keys()
        .filter(|op| !clean.seen.contains_key(*op))
    {
        let mut denied: Vec<String> = primaries.iter().map(|p| p.to_string()).collect();
        denied.push(op.clone());
        cases.push((op.clone(), denied));
    }
    let called: BTreeSet<String> = cases
        .iter()
        .map(|(op, _)| proxy::iam_action(op))
        .chain(PREFLIGHT.iter().map(|op| op.to_string()))
        .collect();
    let granted = crate::read_only::granted_actions_of("docs/iam-policy.json");
    let untested: Vec<&String> = granted.difference(&called).collect();
    assert!(
        untested.is_empty(),
        "docs/iam-policy.json grants actions no case denies (seed what makes them called): {untested:?}"
    );
    for op in [
        "elasticloadbalancing:DescribeRules",
        "wafv2:GetWebACLForResource",
        "wafv2:GetLoggingConfiguration",
    ] {
        assert!(cases.iter().any(|(c, _)| c == op), "{op} has no case");
    }

    // RAMPART_E2E_DENY=op,op narrows the run while investigating one.
    if let Ok(only) = std::env::var("RAMPART_E2E_DENY") {
        cases.retain(|(op, _)| only.split(',').any(|x| x == op));
    }
    let next = AtomicUsize::new(0);
    let problems = Mutex::new(Vec::new());
    std::thread::scope(|s| {
        for _ in 0..PARALLEL {
            s.spawn(|| {
                while let Some((name, denied)) = cases.get(next.fetch_add(1, Ordering::SeqCst)) {
                    let mut plan = FaultPlan::new();
                    for op in denied {
                        plan = plan.deny(op);
                    }
                    let (found, _) = invariant_case(&emu, name, denied, plan, clean_report);
                    problems.lock().unwrap().extend(found);
                }
            });
        }
    });
    let problems = problems.into_inner().unwrap();
    assert!(
        problems.is_empty(),
        "{} problem(s) in {:?}:\n{}",
        problems.len(),
        started.elapsed(),
        problems.join("\n")
    );
}

/// One denied scan and its JSON report, judged by [`invariant_problems`].
fn invariant_case(
    emu: &Emulator,
    name: &str,
    denied: &[String],
    plan: FaultPlan,
    clean: &Report,
) -> (Vec<String>, Option<Report>) {
    let proxy = proxy::start(&emu.url, plan);
    let out = emu
        .dir()
        .join(format!("inv-{}.json", name.replace(':', "-")));
    let (run, snapshot) = scan(emu, &out, &[("AWS_ENDPOINT_URL", proxy.url())]);
    let seen = proxy.operations();
    drop(proxy);
    let denied: Vec<&str> = denied.iter().map(String::as_str).collect();
    if !denied
        .iter()
        .all(|op| seen.get(*op).is_some_and(|s| s.faults.contains_key("deny")))
    {
        return (
            vec![format!("{name}: the proxy did not deny all of {denied:?}")],
            None,
        );
    }
    if snapshot.is_none() {
        return (
            vec![format!(
                "{name}: no snapshot (exit {}): {}",
                run.code, run.stderr
            )],
            None,
        );
    }
    let j = check(&out, "json");
    let report: Report = serde_json::from_str(&j.stdout)
        .unwrap_or_else(|e| panic!("{name}: JSON report: {e}\n{}", j.stderr));
    // What the snapshot names, as collected: a Shield protection names its
    // resource whether or not the scan read it (Shield does not check that
    // it still exists), so the protection list is left out.
    let mut named = snapshot.unwrap();
    if let Some(shield) = &mut named.shield {
        shield.protections.clear();
    }
    let text = serde_json::to_string(&named).expect("snapshot text");
    (
        invariant_problems(name, &denied, clean, &report, &text),
        Some(report),
    )
}
