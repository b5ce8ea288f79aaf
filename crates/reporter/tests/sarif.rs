//! The SARIF log: every log these tests emit is validated against the
//! official SARIF 2.1.0 schema (`../shared/schemas/`, never copied into the
//! project); the fixed report's log is a golden file
//! (`RAMPART_BLESS=1 cargo test -p rampart-reporter --test sarif` rewrites
//! `tests/golden/report.sarif`); and the choices code scanning depends on
//! (rules, indexes, fingerprints, kinds, levels) are asserted one by one.

mod common;
use common::hop;

use std::collections::BTreeSet;
use std::sync::LazyLock;

use rampart_model::time::OffsetDateTime;
use rampart_model::{
    CheckMeta, ExposurePath, Finding, Framework, Layer, MappingNote, PathKind, PortRange, Relation,
    Remediation, Report, Severity, SnapshotInfo, Status, Summary, ToolInfo,
};
use rampart_reporter::Emit;
use rampart_reporter::sarif::{RELATED_LOCATIONS, Sarif};
use serde_json::Value;

const HOSTILE: &str = "web \"1\" <script>alert(1)</script>\nsecond line \u{1b}[31mred\u{1b}[0m";

fn meta(
    id: &str,
    slug: &str,
    layer: Layer,
    severity: Severity,
    title: &str,
    fsbp: &[&str],
    cis: &[&str],
) -> &'static CheckMeta {
    Box::leak(Box::new(meta_of(
        id, slug, layer, severity, title, fsbp, cis,
    )))
}

fn meta_of(
    id: &str,
    slug: &str,
    layer: Layer,
    severity: Severity,
    title: &str,
    fsbp: &[&str],
    cis: &[&str],
) -> CheckMeta {
    CheckMeta {
        id: id.into(),
        slug: slug.into(),
        layer,
        severity,
        title: title.into(),
        rationale: format!("Why {id} matters."),
        remediation: Remediation {
            console: format!("Console steps for {id}."),
            cli: format!("aws example fix-{slug} --id ID"),
            terraform: format!("resource \"x\" \"{slug}\" {{\n  fixed = true\n}}"),
        },
        references: vec![format!("https://docs.aws.amazon.com/{slug}")],
        fsbp: fsbp.iter().map(|s| s.to_string()).collect(),
        cis: cis.iter().map(|s| s.to_string()).collect(),
        mapping: vec![],
        also_scored_in: vec![],
    }
}

/// NET-099 is deliberately absent: a result whose check the caller does
/// not know must still point at a rule.
static METAS: LazyLock<Vec<&'static CheckMeta>> = LazyLock::new(|| {
    vec![
        meta(
            "DATA-002",
            "ebs-encryption-by-default-off",
            Layer::Data,
            Severity::Low,
            "Regions encrypt new EBS volumes by default",
            &["EC2.7"],
            &["v3.0.0 2.2.1"],
        ),
        meta(
            "EDGE-004",
            "waf-without-rate-rule",
            Layer::Edge,
            Severity::Medium,
            "Web ACLs rate-limit clients with a blocking rate-based rule",
            &[],
            &[],
        ),
        meta(
            "INST-001",
            "imdsv1-allowed",
            Layer::Instance,
            Severity::High,
            "Instances require IMDSv2 session tokens",
            // Repeated on purpose: SARIF tags must be distinct.
            &["EC2.8", "EC2.8"],
            &["v3.0.0 5.6"],
        ),
        meta(
            "INST-003",
            "instance-role-admin",
            Layer::Instance,
            Severity::Critical,
            "Instance roles do not have administrator rights",
            &["IAM.1"],
            &["v3.0.0 1.16"],
        ),
        meta(
            "INST-006",
            "imds-hop-limit-above-one",
            Layer::Instance,
            Severity::Info,
            "IMDSv2 token responses stop at the instance (hop limit 1)",
            &[],
            &[],
        ),
        // Mapped controls with notes where rampart differs (issue 13 item 22).
        Box::leak(Box::new(CheckMeta {
            mapping: vec![
                MappingNote {
                    framework: Framework::Fsbp,
                    control: "EC2.13".into(),
                    relation: Relation::Stricter,
                    note: Some("Any public source counts, not only \"0.0.0.0/0\" or *_/0.".into()),
                    source: Some(
                        "https://docs.aws.amazon.com/securityhub/latest/userguide/ec2-controls.html#ec2-13"
                            .into(),
                    ),
                },
                MappingNote {
                    framework: Framework::Cis,
                    control: "v3.0.0 5.2".into(),
                    relation: Relation::Partial,
                    note: Some("UDP rules are not judged.".into()),
                    source: None,
                },
            ],
            ..meta_of(
                "NET-005",
                "admin-port-open-to-internet",
                Layer::Network,
                Severity::Critical,
                "Admin ports are not open to the internet",
                &["EC2.13", "EC2.14"],
                &["v3.0.0 5.2"],
            )
        })),
    ]
});

fn lookup(id: &str) -> Option<&'static CheckMeta> {
    METAS.iter().copied().find(|m| m.id == id)
}

fn finding(
    check_id: &str,
    severity: Severity,
    status: Status,
    arn: &str,
    region: Option<&str>,
    message: &str,
    path: Option<ExposurePath>,
) -> Finding {
    common::finding_in(
        "111122223333",
        check_id,
        severity,
        status,
        arn,
        region,
        message,
        path,
    )
}

const WEB_1: &str = "arn:aws:ec2:eu-west-1:111122223333:instance/i-0web1";
const WEB_2: &str = "arn:aws:ec2:eu-west-1:111122223333:instance/i-0web2";

fn fixed_report() -> Report {
    let ssh_path = ExposurePath {
        protocol: Default::default(),
        kind: PathKind::LoadBalancer,
        hops: vec![
            hop("internet", "0.0.0.0/0", "internet", &[]),
            hop(
                "load-balancer",
                "arn:aws:elasticloadbalancing:eu-west-1:111122223333:loadbalancer/net/edge/1",
                "nlb/edge",
                &["no WAF"],
            ),
            hop("instance", "i-0web1", HOSTILE, &["IMDSv1"]),
        ],
        ports: vec![PortRange { from: 22, to: 22 }],
    };
    let findings = vec![
        finding(
            "NET-005",
            Severity::Critical,
            Status::Fail,
            WEB_1,
            Some("eu-west-1"),
            "SSH (22) is open to 0.0.0.0/0 through nlb/edge",
            Some(ssh_path),
        ),
        finding(
            "INST-001",
            Severity::High,
            Status::Fail,
            WEB_1,
            Some("eu-west-1"),
            HOSTILE,
            None,
        ),
        finding(
            "INST-001",
            Severity::High,
            Status::Pass,
            WEB_2,
            Some("eu-west-1"),
            "i-0web2 requires IMDSv2",
            None,
        ),
        finding(
            "INST-003",
            Severity::Critical,
            Status::Fail,
            "arn:aws:iam::111122223333:role/web-role",
            None,
            "role web-role has AdministratorAccess attached",
            None,
        ),
        finding(
            "EDGE-004",
            Severity::Medium,
            Status::NotEvaluated(
                "the rules inside rule group(s) \"mine\" are not collected and may rate-limit"
                    .into(),
            ),
            "arn:aws:wafv2:eu-west-1:111122223333:regional/webacl/edge/abc",
            Some("eu-west-1"),
            "web ACL edge has no rate-based rule of its own",
            None,
        ),
        finding(
            "DATA-002",
            Severity::Low,
            Status::Pass,
            "arn:aws:ec2:eu-west-1:111122223333:ebs-default",
            Some("eu-west-1"),
            "eu-west-1 encrypts new volumes by default",
            None,
        ),
        finding(
            "INST-006",
            Severity::Info,
            Status::Fail,
            WEB_1,
            Some("eu-west-1"),
            "i-0web1 answers IMDSv2 token requests 2 hops away",
            None,
        ),
        finding(
            "NET-099",
            Severity::Low,
            Status::Fail,
            WEB_1,
            Some("eu-west-1"),
            "a check this reporter has no metadata for",
            None,
        ),
    ];
    report(findings)
}

fn report(findings: Vec<Finding>) -> Report {
    Report {
        schema_version: rampart_model::REPORT_SCHEMA_VERSION,
        tool: ToolInfo {
            name: "rampart".into(),
            version: "0.1.0".into(),
        },
        snapshot: SnapshotInfo {
            account_id: "111122223333".into(),
            partition: "aws".into(),
            collected_at: OffsetDateTime::from_unix_timestamp(1_767_225_600).unwrap(),
            regions: vec!["eu-west-1".into()],
            complete: false,
            collection_errors: 1,
            credential_source: None,
        },
        summary: Summary::of(&findings),
        scorecards: vec![],
        findings,
        checks: vec![],
        expired_suppressions: vec![],
        baseline: None,
    }
}

fn render(sarif: &Sarif, r: &Report) -> String {
    let mut out = Vec::new();
    sarif.emit(r, &lookup, &mut out).unwrap();
    String::from_utf8(out).unwrap()
}

fn default_sarif() -> Sarif {
    Sarif { artifact_uri: None }
}

fn log(r: &Report) -> Value {
    serde_json::from_str(&render(&default_sarif(), r)).expect("the SARIF log is JSON")
}

static VALIDATOR: LazyLock<jsonschema::Validator> = LazyLock::new(|| {
    let path = rampart_dev::shared_schema("sarif-schema-2.1.0.json");
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| {
        panic!(
            "the official SARIF 2.1.0 schema must be at {} (the shared schemas folder next to the project): {e}",
            path.display()
        )
    });
    let schema: Value = serde_json::from_str(&text)
        .unwrap_or_else(|e| panic!("{} is not JSON: {e}", path.display()));
    jsonschema::draft4::options()
        .should_validate_formats(true)
        .build(&schema)
        .unwrap_or_else(|e| panic!("{} does not compile as draft-04: {e}", path.display()))
});

fn assert_valid(text: &str) {
    let instance: Value = serde_json::from_str(text).expect("the SARIF log is JSON");
    let errors: Vec<String> = VALIDATOR
        .iter_errors(&instance)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect();
    assert!(
        errors.is_empty(),
        "SARIF log violates the 2.1.0 schema:\n{}\n\n{text}",
        errors.join("\n")
    );
}

#[test]
fn sarif_validates_against_the_official_schema() {
    let r = fixed_report();
    assert_valid(&render(&default_sarif(), &r));
    let with_path = Sarif {
        artifact_uri: Some("/var/lib/rampart/2026-01-01 #1/snapshot.json".into()),
    };
    assert_valid(&render(&with_path, &r));
    assert_valid(&render(&default_sarif(), &report(vec![])));
}

#[test]
fn sarif_schema_validation_rejects_a_broken_log() {
    // Guards the guard: a validator that accepts anything proves nothing.
    let mut bad = log(&fixed_report());
    bad["runs"][0]["results"][0]["kind"] = "failed".into();
    assert!(
        VALIDATOR.iter_errors(&bad).count() > 0,
        "an unknown result kind must fail validation"
    );
    // Formats are checked too: a helpUri must be an absolute URI.
    let mut bad = log(&fixed_report());
    bad["runs"][0]["tool"]["driver"]["rules"][0]["helpUri"] = "docs/checks.md#x".into();
    assert!(
        VALIDATOR.iter_errors(&bad).count() > 0,
        "a relative helpUri must fail validation"
    );
}

#[test]
fn sarif_matches_the_golden_file() {
    common::golden("report.sarif", &render(&default_sarif(), &fixed_report()));
}

fn results(log: &Value) -> &Vec<Value> {
    log["runs"][0]["results"].as_array().unwrap()
}

fn rules(log: &Value) -> &Vec<Value> {
    log["runs"][0]["tool"]["driver"]["rules"]
        .as_array()
        .unwrap()
}

fn rule<'a>(log: &'a Value, id: &str) -> &'a Value {
    rules(log)
        .iter()
        .find(|r| r["id"] == id)
        .unwrap_or_else(|| panic!("no rule {id}"))
}

#[test]
fn sarif_has_one_run_by_rampart() {
    let log = log(&fixed_report());
    assert_eq!(log["version"], "2.1.0");
    assert_eq!(log["runs"].as_array().unwrap().len(), 1);
    let driver = &log["runs"][0]["tool"]["driver"];
    assert_eq!(driver["name"], "rampart");
    assert_eq!(driver["version"], "0.1.0");
    assert_eq!(
        driver["informationUri"],
        "https://github.com/rampart-audit/rampart"
    );
    assert_eq!(log["runs"][0]["properties"]["snapshot"]["complete"], false);
}

#[test]
fn sarif_rules_only_for_checks_with_results() {
    let log = log(&fixed_report());
    let ids: Vec<&str> = rules(&log)
        .iter()
        .map(|r| r["id"].as_str().unwrap())
        .collect();
    // DATA-002 only passed: no rule. INST-001 passed once and failed once:
    // one rule. Sorted by id.
    assert_eq!(
        ids,
        [
            "EDGE-004", "INST-001", "INST-003", "INST-006", "NET-005", "NET-099"
        ]
    );
    let with_results: BTreeSet<&str> = results(&log)
        .iter()
        .map(|r| r["ruleId"].as_str().unwrap())
        .collect();
    assert_eq!(with_results, ids.iter().copied().collect());
}

#[test]
fn sarif_rule_index_points_at_the_results_rule() {
    let log = log(&fixed_report());
    for r in results(&log) {
        let i = r["ruleIndex"].as_u64().unwrap() as usize;
        assert_eq!(rules(&log)[i]["id"], r["ruleId"]);
    }
}

#[test]
fn sarif_pass_findings_are_not_results() {
    let r = fixed_report();
    let log = log(&r);
    assert_eq!(
        results(&log).len(),
        r.summary.fail + r.summary.not_evaluated
    );
    let pass_fingerprints: Vec<String> = r
        .findings
        .iter()
        .filter(|f| f.status == Status::Pass)
        .map(|f| f.fingerprint.to_string())
        .collect();
    assert_eq!(pass_fingerprints.len(), 2);
    for res in results(&log) {
        assert_ne!(res["kind"], "pass");
        let fp = res["partialFingerprints"]["rampartFingerprint/v1"]
            .as_str()
            .unwrap();
        assert!(!pass_fingerprints.iter().any(|p| p == fp));
    }
    // A report where everything passes is a log with no results.
    let all_pass: Vec<_> = r
        .findings
        .into_iter()
        .filter(|f| f.status == Status::Pass)
        .collect();
    let log = self::log(&report(all_pass));
    assert!(results(&log).is_empty());
    assert!(rules(&log).is_empty());
}

#[test]
fn sarif_not_evaluated_findings_are_review_results() {
    let log = log(&fixed_report());
    let review: Vec<&Value> = results(&log)
        .iter()
        .filter(|r| r["kind"] == "review")
        .collect();
    assert_eq!(review.len(), 1);
    let r = review[0];
    assert_eq!(r["ruleId"], "EDGE-004");
    assert_eq!(r["level"], "none");
    assert_eq!(
        r["message"]["text"],
        "Not evaluated: the rules inside rule group(s) \"mine\" are not collected and may rate-limit\n\
         web ACL edge has no rate-based rule of its own"
    );
    assert!(r["properties"]["reason"].as_str().unwrap().contains("mine"));
    // The rule keeps the check's own severity: the gap is in coverage.
    assert_eq!(
        rule(&log, "EDGE-004")["defaultConfiguration"]["level"],
        "warning"
    );
}

#[test]
fn sarif_failures_are_fail_results_with_levels_from_severity() {
    let log = log(&fixed_report());
    let level = |id: &str| {
        let r = results(&log).iter().find(|r| r["ruleId"] == id).unwrap();
        assert_eq!(r["kind"], "fail");
        r["level"].as_str().unwrap().to_owned()
    };
    assert_eq!(level("NET-005"), "error");
    assert_eq!(level("INST-001"), "error");
    assert_eq!(level("INST-006"), "note");
    assert_eq!(level("NET-099"), "note");
}

#[test]
fn sarif_rules_carry_security_severity_tags_and_help() {
    let log = log(&fixed_report());
    let sev = |id: &str| rule(&log, id)["properties"]["security-severity"].clone();
    assert_eq!(sev("NET-005"), "9.5");
    assert_eq!(sev("INST-003"), "9.5");
    assert_eq!(sev("INST-001"), "8.0");
    assert_eq!(sev("EDGE-004"), "5.5");
    assert_eq!(sev("INST-006"), "0.0");
    // Unknown to the lookup: the finding's own severity.
    assert_eq!(sev("NET-099"), "3.0");

    let r = rule(&log, "INST-001");
    assert_eq!(r["name"], "imdsv1-allowed");
    assert_eq!(
        r["shortDescription"]["text"],
        "Instances require IMDSv2 session tokens"
    );
    assert_eq!(r["fullDescription"]["text"], "Why INST-001 matters.");
    assert_eq!(
        r["helpUri"],
        "https://github.com/rampart-audit/rampart/blob/main/docs/checks.md#inst-001"
    );
    assert_eq!(r["defaultConfiguration"]["level"], "error");
    assert_eq!(
        r["properties"]["tags"],
        serde_json::json!(["instance", "security", "FSBP:EC2.8", "CIS:v3.0.0 5.6"])
    );
    let md = r["help"]["markdown"].as_str().unwrap();
    assert!(md.starts_with("Why INST-001 matters."));
    assert!(md.contains("**Console:** Console steps for INST-001."));
    assert!(md.contains("```sh\naws example fix-imdsv1-allowed --id ID\n```"));
    assert!(md.contains("```hcl\nresource \"x\" \"imdsv1-allowed\" {\n  fixed = true\n}\n```"));
    assert!(md.contains("- <https://docs.aws.amazon.com/imdsv1-allowed>"));
    let text = r["help"]["text"].as_str().unwrap();
    assert!(text.contains("aws example fix-imdsv1-allowed --id ID"));
    assert!(!text.contains("```"));
}

/// Issue 13 item 22: a rule says how its check compares with each control
/// it maps to, machine-readable in `properties.mappings` and in the help.
#[test]
fn sarif_rules_carry_mapping_relations_and_notes() {
    let log = log(&fixed_report());
    let r = rule(&log, "NET-005");
    assert_eq!(
        r["properties"]["mappings"],
        serde_json::json!([
            {
                "framework": "fsbp",
                "control": "EC2.13",
                "relation": "stricter",
                "note": "Any public source counts, not only \"0.0.0.0/0\" or *_/0.",
                "source": "https://docs.aws.amazon.com/securityhub/latest/userguide/ec2-controls.html#ec2-13"
            },
            // Listed without an entry: equivalent, nothing more to say.
            {"framework": "fsbp", "control": "EC2.14", "relation": "equivalent"},
            {
                "framework": "cis",
                "control": "v3.0.0 5.2",
                "relation": "partial",
                "note": "UDP rules are not judged."
            }
        ])
    );
    let text = r["help"]["text"].as_str().unwrap();
    assert!(
        text.contains(
            "\nMappings:\n- FSBP EC2.13: stricter. Any public source counts, not only \"0.0.0.0/0\" or *_/0. \
             Control: https://docs.aws.amazon.com/securityhub/latest/userguide/ec2-controls.html#ec2-13\n\
             - FSBP EC2.14: equivalent.\n\
             - CIS v3.0.0 5.2: partial. UDP rules are not judged.\n"
        ),
        "{text}"
    );
    // In Markdown the note's stars and underscores stay literal.
    let md = r["help"]["markdown"].as_str().unwrap();
    assert!(
        md.contains(
            "\n## Mappings\n\n- FSBP EC2.13: stricter. Any public source counts, not only \"0.0.0.0/0\" or \\*\\_/0. \
             Control: <https://docs.aws.amazon.com/securityhub/latest/userguide/ec2-controls.html#ec2-13>\n"
        ),
        "{md}"
    );
    // A check without mappings has no such property.
    assert!(
        rule(&log, "EDGE-004")["properties"]
            .get("mappings")
            .is_none()
    );
}

#[test]
fn sarif_results_carry_fingerprints_and_locations() {
    let r = fixed_report();
    let log = log(&r);
    let reported = r.findings.iter().filter(|f| f.status != Status::Pass);
    for (f, res) in reported.zip(results(&log)) {
        assert_eq!(res["ruleId"], f.check_id.as_str());
        assert_eq!(
            res["partialFingerprints"]["rampartFingerprint/v1"],
            f.fingerprint.to_string()
        );
        let loc = &res["locations"][0];
        assert_eq!(
            loc["logicalLocations"],
            serde_json::json!([{"fullyQualifiedName": f.resource_arn, "kind": "resource"}])
        );
        assert_eq!(
            loc["physicalLocation"]["artifactLocation"]["uri"],
            "rampart-snapshot.json"
        );
        assert_eq!(loc["physicalLocation"]["region"]["startLine"], 1);
        assert_eq!(res["properties"]["account"], "111122223333");
        assert_eq!(res["properties"]["region"], serde_json::json!(f.region));
    }
    let with_path = Sarif {
        artifact_uri: Some("snapshots/2026-01-01 nightly.json".into()),
    };
    let log: Value = serde_json::from_str(&render(&with_path, &r)).unwrap();
    assert_eq!(
        results(&log)[0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
        "snapshots/2026-01-01%20nightly.json"
    );
}

#[test]
fn sarif_paths_render_hop_by_hop() {
    let log = log(&fixed_report());
    let r = results(&log)
        .iter()
        .find(|r| r["ruleId"] == "NET-005")
        .unwrap();
    assert_eq!(
        r["message"]["text"],
        "SSH (22) is open to 0.0.0.0/0 through nlb/edge\n\
         Path: internet -> nlb/edge (no WAF) -> web \"1\" <script>alert(1)</script> second line  [31mred [0m (IMDSv1)"
    );
    let hops = r["properties"]["exposurePath"]["hops"].as_array().unwrap();
    assert_eq!(hops.len(), 3);
    assert_eq!(hops[1]["gaps"], serde_json::json!(["no WAF"]));
    assert_eq!(r["properties"]["layer"], "network");
}

#[test]
fn sarif_hostile_account_text_stays_inert() {
    let text = render(&default_sarif(), &fixed_report());
    // Pretty-printing uses newlines; nothing else below 0x20 and no DEL.
    assert!(
        !text.chars().any(|c| c.is_control() && c != '\n'),
        "raw control characters in the SARIF log"
    );
    let log: Value = serde_json::from_str(&text).unwrap();
    let r = results(&log)
        .iter()
        .find(|r| r["ruleId"] == "INST-001")
        .unwrap();
    assert_eq!(
        r["message"]["text"],
        "web \"1\" <script>alert(1)</script> second line  [31mred [0m"
    );
    // Account text never reaches a Markdown field.
    assert!(r["message"].get("markdown").is_none());
    // Structured properties mirror the JSON report verbatim: JSON escaping,
    // not rewriting, keeps them inert.
    let hop = &results(&log)[0]["properties"]["exposurePath"]["hops"][2];
    assert_eq!(hop["label"], HOSTILE);
}

/// The rich fixture: suppressions, a baseline and an expired suppression.
fn triaged_log() -> (String, Value) {
    let r = common::fixture::fixed_report();
    let mut out = Vec::new();
    default_sarif()
        .emit(&r, &common::fixture::lookup, &mut out)
        .unwrap();
    let text = String::from_utf8(out).unwrap();
    let v = serde_json::from_str(&text).unwrap();
    (text, v)
}

#[test]
fn sarif_suppressed_findings_stay_visible_as_accepted_suppressions() {
    let (text, log) = triaged_log();
    assert_valid(&text);
    let suppressed: Vec<&Value> = results(&log)
        .iter()
        .filter(|r| r.get("suppressions").is_some())
        .collect();
    assert_eq!(suppressed.len(), 1, "{text}");
    let r = suppressed[0];
    assert_eq!(r["ruleId"], "INST-003");
    assert_eq!(r["kind"], "fail", "still a failure, only accepted");
    let s = &r["suppressions"][0];
    assert_eq!(s["kind"], "external");
    assert_eq!(s["status"], "accepted");
    assert_eq!(
        s["justification"],
        "break-glass role, reviewed by secops <SEC-42>"
    );
    assert_eq!(s["properties"]["source"], "rampart.toml:3");
    assert_eq!(s["properties"]["expires"], "2027-01-31");
}

#[test]
fn sarif_results_carry_their_baseline_state() {
    let (_, log) = triaged_log();
    let state = |check: &str| -> Vec<Value> {
        results(&log)
            .iter()
            .filter(|r| r["ruleId"] == check)
            .map(|r| r.get("baselineState").cloned().unwrap_or(Value::Null))
            .collect()
    };
    assert_eq!(state("NET-005"), [Value::from("new")]);
    assert_eq!(state("EDGE-001"), [Value::from("unchanged")]);
    // Not evaluated findings are never compared.
    assert_eq!(state("EDGE-004"), [Value::Null]);
    let b = &log["runs"][0]["properties"]["baseline"];
    assert_eq!(b["new"], 4);
    assert_eq!(b["resolved"].as_array().unwrap().len(), 1);
    assert_eq!(b["source"], "nightly/2026-11-19/report.json");
    // A resolved finding is not a result: it would open an alert.
    assert!(!results(&log).iter().any(|r| r["ruleId"] == "EDGE-003"));
}

/// A finding on a shared resource: its backends as related locations (at
/// most [`RELATED_LOCATIONS`], GitHub's display limit), every one in the
/// properties, and a capped line in the message; the log still validates.
#[test]
fn sarif_shared_findings_name_the_backends_they_expose() {
    let (text, log) = triaged_log();
    assert_valid(&text);
    let r = results(&log)
        .iter()
        .find(|r| r["ruleId"] == "NET-004")
        .expect("the security group's finding");
    assert_eq!(
        r["locations"][0]["logicalLocations"][0]["fullyQualifiedName"],
        common::fixture::APP_SG,
        "the location is the resource to change"
    );
    let fleet = common::fixture::app_fleet();
    let related: Vec<&Value> = r["relatedLocations"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| &l["logicalLocations"][0]["fullyQualifiedName"])
        .collect();
    assert_eq!(
        related,
        fleet
            .iter()
            .map(|a| serde_json::json!(a))
            .collect::<Vec<_>>()
            .iter()
            .collect::<Vec<_>>()
    );
    assert_eq!(r["properties"]["affectedCount"], 7);
    assert_eq!(r["properties"]["affected"], serde_json::json!(fleet));
    assert!(
        r["message"]["text"].as_str().unwrap().ends_with(
            "\nAffects 7 instances: i-0api1, i-0api2, i-0api3, i-0api4, i-0api5 (+2 more)"
        ),
        "{}",
        r["message"]["text"]
    );
    // A finding on the backend itself has none of it.
    let own = results(&log)
        .iter()
        .find(|r| r["ruleId"] == "NET-005")
        .unwrap();
    assert!(own.get("relatedLocations").is_none());
    assert!(own["properties"].get("affected").is_none());

    // One group on 150 backends: 100 related locations, all 150 listed.
    let mut big = common::fixture::fixed_report();
    let f = big
        .findings
        .iter_mut()
        .find(|f| f.check_id == "NET-004")
        .unwrap();
    f.affected = (0..150)
        .map(|n| format!("arn:aws:ec2:eu-west-1:444455556666:instance/i-{n:04}").into())
        .collect();
    let mut out = Vec::new();
    default_sarif()
        .emit(&big, &common::fixture::lookup, &mut out)
        .unwrap();
    let text = String::from_utf8(out).unwrap();
    assert_valid(&text);
    let log: Value = serde_json::from_str(&text).unwrap();
    let r = results(&log)
        .iter()
        .find(|r| r["ruleId"] == "NET-004")
        .unwrap();
    assert_eq!(
        r["relatedLocations"].as_array().unwrap().len(),
        RELATED_LOCATIONS
    );
    assert_eq!(r["relatedLocations"][99]["id"], 99);
    assert_eq!(r["properties"]["affected"].as_array().unwrap().len(), 150);
    assert!(
        r["message"]["text"]
            .as_str()
            .unwrap()
            .contains("(+145 more)"),
        "{}",
        r["message"]["text"]
    );
}

#[test]
fn sarif_expired_suppressions_are_configuration_warnings() {
    let (text, log) = triaged_log();
    let notes = log["runs"][0]["invocations"][0]["toolConfigurationNotifications"]
        .as_array()
        .unwrap_or_else(|| panic!("no notifications:\n{text}"));
    assert_eq!(notes.len(), 1);
    assert_eq!(notes[0]["level"], "warning");
    let m = notes[0]["message"]["text"].as_str().unwrap();
    assert!(
        m.contains("rampart.toml:9") && m.contains("2026-10-01") && m.contains("1 finding"),
        "{m}"
    );
    assert_eq!(
        log["runs"][0]["invocations"][0]["executionSuccessful"],
        true
    );
    // Without expired entries there is no invocation block at all.
    assert!(log_of_plain()["runs"][0].get("invocations").is_none());
}

fn log_of_plain() -> Value {
    log(&fixed_report())
}
