//! One rich, fixed report for the format tests that render everything
//! (table, HTML, OCSF, JSON schema): two backends with hop-by-hop paths,
//! every status, a suppressed finding, a baseline comparison, an expired
//! suppression, a global (IAM) resource, a check without metadata, findings
//! filed on a shared resource with the backends they expose (a security
//! group on seven, more than a line names; a role on one), scorecard
//! verdicts linked to their findings, and hostile account text. Its golden
//! files pin every format's rendering.
#![allow(dead_code)]

use std::sync::LazyLock;

use rampart_model::baseline::Change;
use rampart_model::time::{Date, Month, OffsetDateTime};
use rampart_model::{
    BackendKind, BaselineInfo, CheckMeta, ExpiredSuppression, ExposurePath, Finding, Fingerprint,
    Framework, Layer, LayerVerdict, MappingNote, PathKind, PortRange, Relation, Remediation,
    Report, Scorecard, Severity, SnapshotInfo, Status, Summary, Suppressed, ToolInfo,
};

use super::{finding_in, hop};

pub const ACCOUNT: &str = "444455556666";
/// An instance `Name` tag an attacker controls: markup, quotes, a newline
/// and a terminal escape.
pub const HOSTILE: &str = "api \"1\" <script>alert('x')</script>\n\u{1b}[31mred\u{1b}[0m";
pub const API_1: &str = "arn:aws:ec2:eu-west-1:444455556666:instance/i-0api1";
pub const WEB_2: &str = "arn:aws:ec2:us-east-1:444455556666:instance/i-0web2";
pub const NLB: &str =
    "arn:aws:elasticloadbalancing:eu-west-1:444455556666:loadbalancer/net/edge/50dc6c495c0c9188";
pub const STAGE: &str = "arn:aws:apigateway:eu-west-1::/restapis/a1b2c3/stages/prod";
pub const ROLE: &str = "arn:aws:iam::444455556666:role/api-role";
/// The security group of the API fleet: `i-0api1` and six more backends.
pub const DETECTORS: &str = "arn:aws:guardduty:eu-west-1:444455556666:detector/*";
pub const APP_SG: &str = "arn:aws:ec2:eu-west-1:444455556666:security-group/sg-0app";

/// The backends behind [`APP_SG`]: `i-0api1` and `i-0api2` ... `i-0api7`,
/// sorted as `Finding::affected` is.
pub fn app_fleet() -> Vec<rampart_model::SharedStr> {
    (1..=7)
        .map(|n| format!("arn:aws:ec2:eu-west-1:444455556666:instance/i-0api{n}").into())
        .collect()
}

fn meta(id: &str, slug: &str, layer: Layer, severity: Severity, title: &str) -> CheckMeta {
    CheckMeta {
        id: id.into(),
        slug: slug.into(),
        layer,
        severity,
        title: title.into(),
        rationale: format!("Why {id} matters: <b>not markup</b>."),
        remediation: Remediation {
            console: format!("Console steps for {id}."),
            cli: format!("aws example fix-{slug} --id ID"),
            terraform: format!("resource \"x\" \"{slug}\" {{\n  fixed = true\n}}"),
        },
        references: vec![format!("https://docs.aws.amazon.com/{slug}")],
        fsbp: vec![],
        cis: vec![],
        mapping: vec![],
        also_scored_in: vec![],
    }
}

/// NET-099 is deliberately absent: every format must cope with a finding
/// whose check the caller does not know.
static METAS: LazyLock<Vec<CheckMeta>> = LazyLock::new(|| {
    vec![
        meta(
            "EDGE-001",
            "api-stage-without-waf",
            Layer::Edge,
            Severity::High,
            "API stages sit behind a WAF",
        ),
        meta(
            "EDGE-004",
            "waf-without-rate-rule",
            Layer::Edge,
            Severity::Medium,
            "Web ACLs rate-limit clients",
        ),
        // Mapped, with a note where rampart differs (issue 13 item 22).
        CheckMeta {
            fsbp: vec!["EC2.13".into()],
            cis: vec!["v3.0.0 5.2".into()],
            mapping: vec![MappingNote {
                framework: Framework::Fsbp,
                control: "EC2.13".into(),
                relation: Relation::Stricter,
                note: Some(
                    "EC2.13 fails only 0.0.0.0/0 and ::/0; rampart fails any <b>public</b> range."
                        .into(),
                ),
                source: Some(
                    "https://docs.aws.amazon.com/securityhub/latest/userguide/ec2-controls.html#ec2-13"
                        .into(),
                ),
            }],
            ..meta(
                "NET-005",
                "admin-port-open-to-internet",
                Layer::Network,
                Severity::Critical,
                "Admin ports are not open to the internet",
            )
        },
        meta(
            "NET-004",
            "backend-sg-app-port-open-wide",
            Layer::Network,
            Severity::High,
            "Backend security groups admit the app port only from the load balancer",
        ),
        meta(
            "INST-001",
            "imdsv1-enabled",
            Layer::Instance,
            Severity::High,
            "Instances require IMDSv2",
        ),
        meta(
            "INST-003",
            "admin-role",
            Layer::Instance,
            Severity::Critical,
            "Backend roles are not administrators",
        ),
        meta(
            "DET-002",
            "guardduty-not-enabled",
            Layer::Detect,
            Severity::High,
            "GuardDuty has an enabled detector in each scanned region",
        ),
        meta(
            "DATA-002",
            "ebs-encryption-by-default-off",
            Layer::Data,
            Severity::Low,
            "Regions encrypt new EBS volumes by default",
        ),
        meta(
            "DATA-004",
            "listener-without-tls",
            Layer::Data,
            Severity::Info,
            "Listeners use TLS",
        ),
    ]
});

/// Check metadata for the fixture's checks (the [`rampart_reporter::MetaLookup`]).
pub fn lookup(id: &str) -> Option<&'static CheckMeta> {
    METAS.iter().find(|m| m.id == id)
}

fn at(unix: i64) -> OffsetDateTime {
    OffsetDateTime::from_unix_timestamp(unix).unwrap()
}

pub fn lb_path() -> ExposurePath {
    ExposurePath {
        protocol: Default::default(),
        kind: PathKind::LoadBalancer,
        hops: vec![
            hop("internet", "0.0.0.0/0", "internet", &[]),
            hop("load-balancer", NLB, "nlb/edge", &["no WAF"]),
            hop("listener", "listener/22", "TCP:22", &[]),
            hop("target-group", "tg-admin", "tg/admin:22", &[]),
            hop("instance", "i-0api1", "i-0api1", &["IMDSv1"]),
        ],
        ports: vec![PortRange { from: 22, to: 22 }],
    }
}

pub fn gateway_path() -> ExposurePath {
    ExposurePath {
        protocol: Default::default(),
        kind: PathKind::Gateway,
        hops: vec![
            hop("internet", "*", "internet", &[]),
            hop(
                "api-stage",
                "a1b2c3/prod",
                "api a1b2c3/prod",
                &["no WAF", "no auth"],
            ),
            hop("vpc-link", "vl-1", "vpc-link vl-1", &[]),
            hop("load-balancer", NLB, "nlb/edge", &[]),
            hop("instance", "i-0api1", "i-0api1", &["IMDSv1"]),
        ],
        ports: vec![PortRange {
            from: 8080,
            to: 8080,
        }],
    }
}

pub fn direct_path() -> ExposurePath {
    ExposurePath {
        protocol: Default::default(),
        kind: PathKind::Direct,
        hops: vec![
            hop("internet", "0.0.0.0/0", "internet", &[]),
            hop("instance", "i-0web2", "i-0web2 (203.0.113.10)", &[]),
        ],
        ports: vec![PortRange { from: 443, to: 443 }],
    }
}

fn f(
    check_id: &str,
    severity: Severity,
    status: Status,
    arn: &str,
    region: Option<&str>,
    message: &str,
    path: Option<ExposurePath>,
) -> Finding {
    finding_in(
        ACCOUNT, check_id, severity, status, arn, region, message, path,
    )
}

/// The findings, before suppressions and baseline marks.
pub fn findings() -> Vec<Finding> {
    let eu = Some("eu-west-1");
    let mut admin = f(
        "INST-003",
        Severity::Critical,
        Status::Fail,
        ROLE,
        None,
        "role api-role has AdministratorAccess attached",
        None,
    );
    admin.affected = vec![API_1.into()];
    admin.suppressed = Some(Box::new(Suppressed {
        reason: "break-glass role, reviewed by secops <SEC-42>".into(),
        source: "rampart.toml:3".into(),
        expires: Some(Date::from_calendar_date(2027, Month::January, 31).unwrap()),
    }));
    let mut ssh = f(
        "NET-005",
        Severity::Critical,
        Status::Fail,
        API_1,
        eu,
        "SSH (22) is open to 0.0.0.0/0 through nlb/edge",
        Some(lb_path()),
    );
    ssh.baseline = Some(Change::New);
    let mut app_port = f(
        "NET-004",
        Severity::High,
        Status::Fail,
        APP_SG,
        eu,
        "sg-0app admits TCP 8080 from 0.0.0.0/0 instead of the load balancer",
        None,
    );
    app_port.affected = app_fleet();
    app_port.baseline = Some(Change::New);
    let mut imds = f(
        "INST-001",
        Severity::High,
        Status::Fail,
        API_1,
        eu,
        HOSTILE,
        None,
    );
    imds.baseline = Some(Change::Unchanged);
    let mut waf = f(
        "EDGE-001",
        Severity::High,
        Status::Fail,
        STAGE,
        eu,
        "stage a1b2c3/prod has no web ACL",
        Some(gateway_path()),
    );
    waf.baseline = Some(Change::Unchanged);
    let mut unknown_check = f(
        "NET-099",
        Severity::Low,
        Status::Fail,
        API_1,
        eu,
        "a check this reporter has no metadata for",
        None,
    );
    unknown_check.baseline = Some(Change::New);
    let mut plain_http = f(
        "DATA-004",
        Severity::Info,
        Status::Fail,
        NLB,
        eu,
        "listener TCP:22 does not use TLS",
        None,
    );
    plain_http.baseline = Some(Change::Unchanged);
    let mut unwatched = f(
        "DET-002",
        Severity::High,
        Status::Fail,
        DETECTORS,
        eu,
        "GuardDuty has no detector in eu-west-1: no threat in this region is detected",
        None,
    );
    unwatched.baseline = Some(Change::New);
    vec![
        ssh,
        app_port,
        imds,
        waf,
        admin,
        unknown_check,
        plain_http,
        unwatched,
        f(
            "EDGE-004",
            Severity::Medium,
            Status::NotEvaluated(
                "wafv2:GetWebACL failed (AccessDenied): the web ACL's rules are unknown".into(),
            ),
            "arn:aws:wafv2:eu-west-1:444455556666:regional/webacl/edge/abc",
            eu,
            "web ACL edge: rate rules unknown",
            None,
        ),
        f(
            "INST-001",
            Severity::High,
            Status::Pass,
            WEB_2,
            Some("us-east-1"),
            "i-0web2 requires IMDSv2",
            None,
        ),
        f(
            "DATA-002",
            Severity::Low,
            Status::Pass,
            "arn:aws:ec2:us-east-1:444455556666:ebs-encryption-by-default/us-east-1",
            Some("us-east-1"),
            "us-east-1 encrypts new volumes by default",
            None,
        ),
    ]
}

/// The fingerprint of the fixture's finding of `check` on `arn`.
fn fp(check: &str, arn: &str) -> Fingerprint {
    let all = findings();
    let f = all
        .iter()
        .find(|f| f.check_id == check && f.resource_arn == arn)
        .unwrap_or_else(|| panic!("the fixture has no {check} on {arn}"));
    f.fingerprint
}

/// The failing and unevaluated verdicts name the fixture's findings by
/// fingerprint; one names a finding the report does not list, as
/// `--min-severity` can leave it (the scorecard sees every finding): the
/// not-evaluated listener check.
pub fn scorecards() -> Vec<Scorecard> {
    let listener =
        "arn:aws:elasticloadbalancing:eu-west-1:444455556666:listener/net/edge/50dc6c495c0c9188/22";
    vec![
        Scorecard {
            region: "eu-west-1".into(),
            instance_id: "i-0api1".into(),
            kind: BackendKind::Instance,
            name: Some(HOSTILE.into()),
            instance_arn: API_1.into(),
            paths: vec![lb_path(), gateway_path()],
            edge: LayerVerdict::Fail {
                failing: vec!["EDGE-001".into()],
                findings: vec![fp("EDGE-001", STAGE)],
            },
            network: LayerVerdict::Fail {
                failing: vec!["NET-004".into(), "NET-005".into(), "NET-099".into()],
                findings: vec![
                    fp("NET-005", API_1),
                    fp("NET-004", APP_SG),
                    fp("NET-099", API_1),
                ],
            },
            instance: LayerVerdict::Fail {
                failing: vec!["INST-001".into(), "INST-003".into()],
                findings: vec![fp("INST-001", API_1), fp("INST-003", ROLE)],
            },
            data: LayerVerdict::NotEvaluated {
                checks: vec!["DATA-004".into()],
                reasons: vec!["elbv2:DescribeListeners failed (Throttling)".into()],
                findings: vec![rampart_model::fingerprint("DATA-004", listener, None)],
            },
            detect: LayerVerdict::Fail {
                failing: vec!["DET-002".into()],
                findings: vec![fp("DET-002", DETECTORS)],
            },
            vulnerabilities: Some(rampart_model::VulnerabilityCounts {
                critical: 2,
                high: 3,
                medium: 1,
                all: 6,
            }),
        },
        Scorecard {
            region: "us-east-1".into(),
            instance_id: "i-0web2".into(),
            kind: BackendKind::Instance,
            name: None,
            instance_arn: WEB_2.into(),
            paths: vec![direct_path()],
            edge: LayerVerdict::Pass { checks: vec![] },
            network: LayerVerdict::Pass {
                checks: vec!["NET-005".into()],
            },
            instance: LayerVerdict::Pass {
                checks: vec!["INST-001".into()],
            },
            data: LayerVerdict::Pass {
                checks: vec!["DATA-002".into()],
            },
            detect: LayerVerdict::Pass {
                checks: vec!["DET-002".into()],
            },
            vulnerabilities: None,
        },
    ]
}

/// The whole fixed report: incomplete snapshot, two regions, suppressions
/// applied (one expired), compared with a baseline.
pub fn fixed_report() -> Report {
    let findings = findings();
    let resolved = {
        let mut r = f(
            "EDGE-003",
            Severity::High,
            Status::Fail,
            STAGE,
            Some("eu-west-1"),
            "stage a1b2c3/prod had no authorizer",
            None,
        );
        r.baseline = Some(Change::Resolved);
        r
    };
    // A failure of a region the baseline scanned and this run did not:
    // neither resolved nor new.
    let not_compared = {
        let mut r = f(
            "NET-005",
            Severity::Critical,
            Status::Fail,
            "arn:aws:ec2:us-west-2:444455556666:security-group/sg-0west",
            Some("us-west-2"),
            "sg-0west (legacy) admits SSH (22) from the internet",
            None,
        );
        r.baseline = Some(Change::NotCompared);
        rampart_model::baseline::NotCompared {
            side: rampart_model::baseline::Side::Previous,
            reason: "region us-west-2 was not scanned this time".into(),
            finding: r,
        }
    };
    Report {
        schema_version: rampart_model::REPORT_SCHEMA_VERSION,
        tool: ToolInfo {
            name: "rampart".into(),
            version: "0.1.0".into(),
        },
        snapshot: SnapshotInfo {
            account_id: ACCOUNT.into(),
            partition: "aws".into(),
            collected_at: at(1_795_000_000),
            regions: vec!["eu-west-1".into(), "us-east-1".into()],
            complete: false,
            collection_errors: 1,
            credential_source: Some("profile audit".into()),
        },
        summary: Summary::of(&findings),
        scorecards: scorecards(),
        findings,
        checks: vec![],
        expired_suppressions: vec![ExpiredSuppression {
            source: "rampart.toml:9".into(),
            reason: "temporary exception for the migration".into(),
            expired: Date::from_calendar_date(2026, Month::October, 1).unwrap(),
            selectors: "check=INST-001 region=eu-west-1".into(),
            matching_findings: 1,
        }],
        baseline: Some(BaselineInfo {
            source: "nightly/2026-11-19/report.json".into(),
            previous_collected_at: at(1_794_913_600),
            new: 4,
            unchanged: 3,
            resolved: vec![resolved],
            unknown: vec![],
            not_compared: vec![not_compared],
        }),
    }
}

/// A report with no backends and no findings (an empty account).
pub fn empty_report() -> Report {
    let mut r = fixed_report();
    r.scorecards.clear();
    r.findings.clear();
    r.expired_suppressions.clear();
    r.baseline = None;
    r.snapshot.complete = true;
    r.snapshot.collection_errors = 0;
    r.summary = Summary::of(&r.findings);
    r
}
