//! Read-only by construction: every operation the collector invoked during
//! a full scan of the demo scenario is a Describe/List/Get operation and is
//! allowed by `docs/iam-policy.json`; seen on the wire (through the proxy),
//! not only by the collector's own count, and the policy grants nothing the
//! collector does not call (in three scans, so that the ALB-only reads and
//! the WAF fallbacks are exercised too: see docs/iam-policy.md).

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;

use crate::harness::{Emulator, repo_root, scan};
use crate::proxy::{self, FaultPlan, OpStats};

/// The verbs of read-only operations: Describe, List, Get, and BatchGet
/// (several Gets in one call: Inspector's `BatchGetAccountStatus`, which
/// issue 15 names, reads the account's status and changes nothing).
const READ_VERBS: &[&str] = &["Describe", "List", "Get", "BatchGet"];

/// The IAM actions granted by the policy document.
fn granted_actions() -> BTreeSet<String> {
    granted_actions_of("docs/iam-policy.json")
}

/// The IAM actions granted by a policy document under the repository root.
pub(crate) fn granted_actions_of(file: &str) -> BTreeSet<String> {
    let path = repo_root().join(file);
    let doc: Value =
        serde_json::from_slice(&std::fs::read(&path).expect(file)).expect("policy JSON");
    let mut out = BTreeSet::new();
    for st in doc["Statement"].as_array().expect("statements") {
        assert_eq!(st["Effect"], "Allow", "the policy only allows");
        for a in st["Action"].as_array().expect("action list") {
            let a = a.as_str().unwrap();
            assert!(
                !a.contains('*'),
                "no wildcard actions in the minimal policy: {a}"
            );
            out.insert(a.to_string());
        }
    }
    out
}

/// The API Gateway resource paths the policy grants `apigateway:GET` on
/// (`arn:aws:apigateway:*::/restapis/*` -> `/restapis/*`).
fn granted_apigateway_paths() -> Vec<String> {
    let path = repo_root().join("docs/iam-policy.json");
    let doc: Value = serde_json::from_slice(&std::fs::read(&path).expect("docs/iam-policy.json"))
        .expect("policy JSON");
    let st = doc["Statement"]
        .as_array()
        .expect("statements")
        .iter()
        .find(|st| st["Action"] == serde_json::json!(["apigateway:GET"]))
        .expect("an apigateway:GET statement");
    st["Resource"]
        .as_array()
        .expect("resource list")
        .iter()
        .map(|r| {
            r.as_str()
                .unwrap()
                .strip_prefix("arn:aws:apigateway:*::")
                .expect("a regional API Gateway resource ARN")
                .to_string()
        })
        .collect()
}

/// IAM resource matching for the `*` wildcard (any run of characters).
fn glob(pattern: &str, text: &str) -> bool {
    match pattern.split_once('*') {
        None => pattern == text,
        Some((head, tail)) => {
            text.starts_with(head)
                && (0..=text.len() - head.len()).any(|i| glob(tail, &text[head.len() + i..]))
        }
    }
}

/// The IAM resource path of an API Gateway read: the route template with
/// ids filled in; v2 routes drop their `/v2` (HTTP APIs are `/apis/...`).
fn apigateway_resource(op: &str) -> String {
    let template = proxy::apigateway_route(op)
        .unwrap_or_else(|| panic!("{op} has no route in the proxy's table"));
    let path = template.strip_prefix("/v2").unwrap_or(template);
    path.split('/')
        .map(|s| if s.starts_with('{') { "id0" } else { s })
        .collect::<Vec<_>>()
        .join("/")
}

/// Adds an internal ALB with an HTTP listener to a seeded account (boto3
/// from the emulator's venv): the demo has only NLBs, and ALB listener
/// rules (`DescribeRules`) and the per-ALB web ACL lookup
/// (`GetWebACLForResource`) are only read for ALBs.
fn add_alb(emu: &Emulator) {
    const SNIPPET: &str = r#"
import sys, boto3
kw = dict(endpoint_url=sys.argv[1], region_name="us-east-1",
          aws_access_key_id="test", aws_secret_access_key="test")
ec2 = boto3.client("ec2", **kw)
elb = boto3.client("elbv2", **kw)
subnets = ec2.describe_subnets(Filters=[{"Name": "default-for-az", "Values": ["true"]}])["Subnets"]
by_az = {s["AvailabilityZone"]: s["SubnetId"] for s in subnets}
lb = elb.create_load_balancer(Name="ro-alb", Type="application", Scheme="internal",
                              Subnets=sorted(by_az.values())[:2])["LoadBalancers"][0]
elb.create_listener(LoadBalancerArn=lb["LoadBalancerArn"], Protocol="HTTP", Port=80,
                    DefaultActions=[{"Type": "fixed-response",
                                     "FixedResponseConfig": {"StatusCode": "404"}}])
"#;
    let out = std::process::Command::new(repo_root().join(".venv-emu/bin/python"))
        .args(["-c", SNIPPET, &emu.url])
        .env("NO_PROXY", "127.0.0.1,localhost")
        .output()
        .expect("run the emulator's python");
    assert!(
        out.status.success(),
        "adding an ALB failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// Scans `scenario` through a recording proxy with `plan`; the operations
/// seen on the wire.
fn scan_through_proxy(scenario: &str, alb: bool, plan: FaultPlan) -> BTreeMap<String, OpStats> {
    let emu = Emulator::start();
    emu.seed(scenario);
    if alb {
        add_alb(&emu);
    }
    let proxy = proxy::start(&emu.url, plan);
    let out = emu.dir().join(format!("{scenario}.json"));
    let (run, snap) = scan(&emu, &out, &[("AWS_ENDPOINT_URL", proxy.url())]);
    // `partial` is incomplete by design (moto answers 500 to apigatewayv2
    // GetAuthorizers).
    let want = if scenario == "partial" { 3 } else { 0 };
    assert_eq!(run.code, want, "{scenario}: {}", run.stderr);
    let ops = proxy.operations();
    // The proxy saw what the collector says it called, no more, no less.
    let counted: BTreeSet<&String> = snap.as_ref().unwrap().api_calls.keys().collect();
    let seen: BTreeSet<&String> = ops.keys().collect();
    assert_eq!(seen, counted, "{scenario}: wire operations vs api_calls");
    ops
}

/// The IAM action an SDK operation needs. API Gateway (v1 and v2) is
/// authorised per HTTP verb: every read is `apigateway:GET`.
fn iam_action(op: &str) -> String {
    let (service, name) = op.split_once(':').expect("service:Operation");
    match service {
        "apigateway" | "apigatewayv2" => {
            assert!(name.starts_with("Get"), "{op} is not a GET");
            "apigateway:GET".to_string()
        }
        _ => op.to_string(),
    }
}

#[test]
fn every_operation_of_a_full_scan_is_read_only_and_in_the_policy() {
    let emu = Emulator::start();
    emu.seed("demo");
    let (run, snap) = scan(&emu, &emu.dir().join("ro.json"), &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let s = snap.unwrap();
    let granted = granted_actions();
    assert!(
        s.api_calls.len() > 30,
        "a full scan calls many operations: {:?}",
        s.api_calls
    );
    for op in s.api_calls.keys() {
        let name = op.split_once(':').unwrap().1;
        assert!(
            READ_VERBS.iter().any(|p| name.starts_with(p)),
            "{op} is not a read-only operation"
        );
        // GetCallerIdentity needs no permission (AWS answers it for any principal).
        if op == "sts:GetCallerIdentity" {
            continue;
        }
        assert!(
            granted.contains(&iam_action(op)),
            "{op} is not allowed by docs/iam-policy.json"
        );
    }
}

#[test]
fn the_wire_sees_only_reads_and_the_policy_grants_nothing_unused() {
    // Three scans, concurrently, so every code path that needs a permission
    // runs: the demo; `partial` (demo plus a JWT authorizer on the HTTP API);
    // and the demo plus an ALB with `ListLoggingConfigurations` denied,
    // which takes the fallbacks: `GetLoggingConfiguration` per web ACL, and
    // (moto does not implement `ListResourcesForWebACL`)
    // `GetWebACLForResource` per ALB, and ALB listener rules.
    let scans = [
        ("demo", false, FaultPlan::new()),
        ("partial", false, FaultPlan::new()),
        (
            "demo",
            true,
            FaultPlan::new().deny("wafv2:ListLoggingConfigurations"),
        ),
    ];
    let mut ops: BTreeMap<String, OpStats> = BTreeMap::new();
    let results: Vec<BTreeMap<String, OpStats>> = std::thread::scope(|s| {
        let handles: Vec<_> = scans
            .into_iter()
            .map(|(scenario, alb, plan)| s.spawn(move || scan_through_proxy(scenario, alb, plan)))
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    for result in results {
        for (op, stats) in result {
            ops.entry(op).or_default().count += stats.count;
        }
    }
    assert!(ops.len() > 30, "a full scan calls many operations: {ops:?}");
    let granted = granted_actions();
    let paths = granted_apigateway_paths();
    let mut used_actions = BTreeSet::new();
    let mut used_paths = BTreeSet::new();
    for op in ops.keys() {
        assert!(
            !op.contains('?'),
            "the proxy could not name a request: {op}"
        );
        let name = op.split_once(':').unwrap().1;
        assert!(
            READ_VERBS.iter().any(|p| name.starts_with(p)),
            "{op} is not a read-only operation"
        );
        if op == "sts:GetCallerIdentity" {
            continue;
        }
        let action = iam_action(op);
        assert!(
            granted.contains(&action),
            "{op} is not allowed by docs/iam-policy.json"
        );
        used_actions.insert(action);
        if op.starts_with("apigateway") {
            let resource = apigateway_resource(op);
            let grant = paths
                .iter()
                .find(|p| glob(p, &resource))
                .unwrap_or_else(|| {
                    panic!("{op} reads {resource}, which the policy does not grant")
                });
            used_paths.insert(grant.clone());
        }
    }
    let unused: Vec<&String> = granted.difference(&used_actions).collect();
    assert!(
        unused.is_empty(),
        "docs/iam-policy.json grants actions the collector never calls: {unused:?}"
    );
    let unused: Vec<&String> = paths.iter().filter(|p| !used_paths.contains(*p)).collect();
    assert!(
        unused.is_empty(),
        "docs/iam-policy.json grants apigateway:GET on paths the collector never reads: {unused:?} (operations: {:?})",
        ops.keys().collect::<Vec<_>>()
    );
}

#[test]
fn iam_resource_globs_match_like_iam() {
    assert!(glob("/restapis/*", "/restapis/id0/stages"));
    assert!(glob("/restapis", "/restapis"));
    assert!(!glob("/restapis", "/restapis/id0"));
    assert!(!glob("/restapis/*", "/restapis"));
    assert!(glob("/apis/*/routes", "/apis/id0/routes"));
    assert!(!glob("/vpclinks/*", "/v2/vpclinks/x"));
}

/// An organization scan writing to S3, through the proxy: the member
/// accounts' reads are the read-only policy's; the only other operations
/// are the management principal's `organizations:ListAccounts` and
/// `sts:AssumeRole` (docs/iam-policy-org.json, each used) and, only because
/// `--out` names a bucket, `s3:PutObject` (docs/iam-policy-results.json).
#[test]
fn an_org_scan_adds_only_list_accounts_assume_role_and_its_own_results() {
    let emu = Emulator::start();
    emu.seed("org");
    let mk = std::process::Command::new(repo_root().join(".venv-emu/bin/python"))
        .args([
            "-c",
            "import sys, boto3; boto3.client('s3', endpoint_url=sys.argv[1], region_name='us-east-1', \
             aws_access_key_id='test', aws_secret_access_key='test').create_bucket(Bucket='ro-results')",
            &emu.url,
        ])
        .env("NO_PROXY", "127.0.0.1,localhost")
        .output()
        .expect("python");
    assert!(
        mk.status.success(),
        "{}",
        String::from_utf8_lossy(&mk.stderr)
    );
    let proxy = proxy::start(&emu.url, FaultPlan::new());
    let mut env = crate::harness::emulator_env(proxy.url());
    env.retain(|(k, _)| *k != "AWS_ENDPOINT_URL");
    env.push(("AWS_ENDPOINT_URL", proxy.url().to_string()));
    let env: Vec<(&str, &str)> = env.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let run = crate::harness::rampart(
        &[
            "scan",
            "--org",
            "--region",
            "us-east-1",
            "--quiet",
            "--out",
            "s3://ro-results/rampart/",
        ],
        &env,
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    let ops = proxy.operations();
    let member = granted_actions();
    let org = granted_actions_of("docs/iam-policy-org.json");
    let results = granted_actions_of("docs/iam-policy-results.json");
    assert_eq!(
        org,
        BTreeSet::from([
            "organizations:ListAccounts".to_string(),
            "sts:AssumeRole".to_string()
        ])
    );
    assert_eq!(results, BTreeSet::from(["s3:PutObject".to_string()]));
    assert!(
        member.is_disjoint(&org) && member.is_disjoint(&results),
        "the read-only policy stays read-only"
    );
    let mut extra = BTreeSet::new();
    for op in ops.keys() {
        assert!(
            !op.contains('?'),
            "the proxy could not name a request: {op}"
        );
        if op == "sts:GetCallerIdentity" {
            continue;
        }
        let action = iam_action(op);
        if member.contains(&action) {
            let name = op.split_once(':').unwrap().1;
            assert!(READ_VERBS.iter().any(|p| name.starts_with(p)), "{op}");
        } else {
            assert!(
                org.contains(&action) || results.contains(&action),
                "{op} is in no policy document"
            );
            extra.insert(action);
        }
    }
    let want: BTreeSet<String> = org.union(&results).cloned().collect();
    assert_eq!(
        extra, want,
        "every management/results grant is used, nothing else is called"
    );
}
