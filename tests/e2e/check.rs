//! `rampart check` on collected snapshots of the demo account: the hardened
//! backend's scorecard is all pass with no failing finding; the legacy
//! backend fails exactly the layers and checks its seeding implies; exit
//! codes follow --fail-on; a scan that missed WAF data can never make the
//! edge layer pass.

use std::collections::BTreeMap;

use rampart_model::{Finding, Layer, LayerVerdict, Report, Scorecard, Severity, Snapshot, Status};
use serde_json::Value;

use crate::harness::{Emulator, m, ms, on_a_terminal, rampart, scan};

fn report(snapshot: &std::path::Path, extra: &[&str]) -> (i32, Report) {
    let mut args = vec!["check", snapshot.to_str().unwrap(), "--format", "json"];
    args.extend_from_slice(extra);
    let run = rampart(&args, &[]);
    assert!(
        run.code == 0 || run.code == 1 || run.code == 3,
        "{}",
        run.stderr
    );
    (
        run.code,
        serde_json::from_str(&run.stdout).expect("JSON report"),
    )
}

fn card<'a>(r: &'a Report, id: &str) -> &'a Scorecard {
    r.scorecards
        .iter()
        .find(|c| c.instance_id == id)
        .unwrap_or_else(|| panic!("no scorecard for {id}"))
}

fn failing(c: &Scorecard) -> BTreeMap<Layer, Vec<String>> {
    Layer::ALL
        .into_iter()
        .filter_map(|l| match c.layer(l) {
            LayerVerdict::Fail { failing, .. } => Some((l, failing.clone())),
            _ => None,
        })
        .collect()
}

/// moto cannot create API Gateway client certificates (GenerateClientCertificate
/// answers 404), so the one field of the hardened story it cannot produce is
/// set here, in the collected snapshot, as AWS would report it.
fn with_client_certificate(path: &std::path::Path, man: &Value) -> std::path::PathBuf {
    let mut s = Snapshot::load(path).unwrap();
    let api = s
        .regions
        .get_mut("us-east-1")
        .unwrap()
        .apigateway
        .rest_apis
        .iter_mut()
        .find(|a| a.id == m(man, "/hardened/rest_api_id"))
        .unwrap();
    for stage in api.stages.as_mut().unwrap() {
        stage.client_certificate_id = Some("cert-hardened-backend".into());
    }
    let out = path.with_extension("mtls.json");
    s.save(&out).unwrap();
    out
}

#[test]
fn demo_scorecards_hardened_pass_legacy_fails_as_seeded() {
    let emu = Emulator::start();
    let man = emu.seed("demo");
    let snap = emu.dir().join("check.json");
    let (run, collected) = scan(&emu, &snap, &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    // Systems Manager as seeded (localstack/README.md): the EU worker's
    // patch counts arrive as the API returned them.
    let collected = collected.expect("snapshot");
    let eu_ssm = collected.regions["eu-west-1"].ssm.as_ref().expect("ssm");
    let eu_patch = &eu_ssm.patch_states[0];
    assert_eq!(eu_patch.instance_id, m(&man, "/eu/instance_id"));
    assert_eq!(
        (
            eu_patch.missing_count,
            eu_patch.critical_non_compliant_count,
            eu_patch.security_non_compliant_count
        ),
        (3, Some(1), Some(2))
    );
    let us_ssm = collected.regions["us-east-1"].ssm.as_ref().expect("ssm");
    assert_eq!(
        us_ssm
            .managed_instances
            .iter()
            .map(|i| i.instance_id.clone())
            .collect::<Vec<_>>(),
        {
            let mut ids = ms(&man, "/hardened/instance_ids");
            ids.sort();
            ids
        },
        "the legacy box is not managed"
    );
    let snap = with_client_certificate(&snap, &man);
    let (code, r) = report(&snap, &[]);
    assert_eq!(code, 0, "no --fail-on: exit 0 whatever the findings");
    assert_eq!(r.schema_version, rampart_model::REPORT_SCHEMA_VERSION);
    assert!(r.snapshot.complete);

    for id in ms(&man, "/hardened/instance_ids") {
        let c = card(&r, &id);
        for l in Layer::ALL {
            assert_eq!(c.layer(l).as_str(), "pass", "{id} {l}: {:?}", c.layer(l));
        }
        // Two gateway paths, the same two behind hardened-edge, one
        // through alb-edge to origin-alb and one through vpc-edge's VPC
        // origin to the internal NLB (issue 16 item 1).
        assert_eq!(c.paths.len(), 6, "{:?}", c.paths);
    }
    let hardened_fails: Vec<_> = r
        .findings
        .iter()
        .filter(|f| f.status == Status::Fail)
        .filter(|f| {
            ms(&man, "/hardened/instance_ids")
                .iter()
                .any(|i| f.resource_arn.ends_with(i))
                || f.resource_arn.contains(m(&man, "/hardened/rest_api_id"))
                || f.resource_arn == m(&man, "/hardened/nlb_arn")
                || f.resource_arn == m(&man, "/hardened/web_acl_arn")
                || f.resource_arn == m(&man, "/cloudfront/distributions/alb-edge/alb_arn")
                || f.resource_arn == m(&man, "/cloudfront/distributions/alb-edge/arn")
                || f.resource_arn == m(&man, "/cloudfront/distributions/vpc-edge/arn")
        })
        .collect();
    assert!(hardened_fails.is_empty(), "{hardened_fails:#?}");

    // ECS tasks (issue 16 item 3): the hardened task holds every layer but
    // the edge, where the HTTP API that reaches it through Cloud Map can
    // hold no WAF (EDGE-002, as for any HTTP API); the legacy task fails
    // on its public IP, open groups, admin task role and root container.
    let task_card = |story: &str| {
        let arn = m(&man, &format!("/containers/{story}/task_arn"));
        let c = card(&r, arn.split_once(":task/").unwrap().1);
        assert_eq!(
            (c.kind, c.instance_arn.as_str()),
            (rampart_model::BackendKind::Task, arn)
        );
        c
    };
    let hard_task = task_card("hardened");
    for l in [Layer::Network, Layer::Instance, Layer::Data, Layer::Detect] {
        assert_eq!(
            hard_task.layer(l).as_str(),
            "pass",
            "{l}: {:?}",
            hard_task.layer(l)
        );
    }
    assert_eq!(
        failing(hard_task)
            .get(&Layer::Edge)
            .cloned()
            .unwrap_or_default(),
        vec!["EDGE-002".to_string()]
    );
    let legacy_task = failing(task_card("legacy"));
    for (l, id) in [
        (Layer::Edge, "EDGE-001"),
        (Layer::Network, "NET-002"),
        (Layer::Network, "NET-004"),
        (Layer::Instance, "INST-003"),
        (Layer::Instance, "INST-015"),
        (Layer::Instance, "INST-016"),
    ] {
        assert!(
            legacy_task
                .get(&l)
                .is_some_and(|v| v.iter().any(|x| x == id)),
            "{l} {id}: {legacy_task:?}"
        );
    }
    assert!(
        !legacy_task
            .get(&Layer::Instance)
            .unwrap()
            .iter()
            .any(|x| x == "INST-014"),
        "Fargate: not privileged"
    );

    let legacy = card(&r, m(&man, "/legacy/instance_id"));
    let want: BTreeMap<Layer, Vec<String>> = LEGACY_FAILING
        .iter()
        .map(|(l, ids)| (*l, ids.iter().map(|s| s.to_string()).collect()))
        .collect();
    assert_eq!(failing(legacy), want);
    let legacy_patch = r
        .findings
        .iter()
        .find(|f| {
            f.check_id == "INST-008" && f.resource_arn.ends_with(m(&man, "/legacy/instance_id"))
        })
        .expect("INST-008 judges the legacy backend");
    assert!(
        matches!(&legacy_patch.status, Status::NotEvaluated(w) if w.contains("not managed")),
        "{legacy_patch:?}"
    );
    // Direct, the NLB, three APIs, and legacy-edge in front of the NLB.
    assert_eq!(legacy.paths.len(), 6, "{:?}", legacy.paths);

    // Fleets (issue 15 item 3): the legacy group's launch configuration
    // fails what the box fails, on the configuration, with the box
    // affected; the hardened group's template version passes.
    let on = |check: &str, part: &str| -> Vec<&Finding> {
        r.findings
            .iter()
            .filter(|f| f.check_id == check && f.resource_arn.contains(part))
            .collect()
    };
    let legacy_arn = format!(
        "arn:aws:ec2:us-east-1:{}:instance/{}",
        m(&man, "/account"),
        m(&man, "/legacy/instance_id")
    );
    for check in ["INST-001", "INST-002", "NET-002"] {
        let got = on(check, ":launchConfigurationName/legacy-web");
        assert_eq!(got.len(), 1, "{check}: {got:#?}");
        assert_eq!(got[0].status, Status::Fail, "{check}: {got:#?}");
        assert_eq!(got[0].affected, vec![legacy_arn.clone()]);
    }
    // The configuration sets no metadata options: IMDSv1 by EC2's default
    // (no account preference, an AMI without ImdsSupport), as AWS decides.
    let imds = on("INST-001", ":launchConfigurationName/legacy-web");
    assert!(
        imds[0].message.contains("EC2's default"),
        "{}",
        imds[0].message
    );
    let template = format!(
        "launch-template/{}/version/1",
        m(&man, "/fleets/hardened_template_id")
    );
    for check in ["INST-001", "INST-002", "INST-006", "DATA-001", "NET-002"] {
        let got = on(check, &template);
        assert_eq!(got.len(), 1, "{check}: {got:#?}");
        assert_eq!(got[0].status, Status::Pass, "{check}: {got:#?}");
        assert_eq!(got[0].affected.len(), 2, "both hardened backends");
    }
    // Their security groups, judged as a backend's (NET-004 on the target
    // groups' ports, NET-007 egress), on the launch.
    let verdicts = |part: &str| -> Vec<(String, &str)> {
        ["NET-004", "NET-007"]
            .iter()
            .flat_map(|check| on(check, part))
            .map(|f| (f.check_id.to_string(), f.status.as_str()))
            .collect()
    };
    assert_eq!(
        verdicts(&template),
        vec![
            ("NET-004".to_string(), "pass"),
            ("NET-007".to_string(), "pass")
        ],
        "{:#?}",
        on("NET-004", &template)
    );
    assert_eq!(
        verdicts(":launchConfigurationName/legacy-web"),
        vec![
            ("NET-004".to_string(), "fail"),
            ("NET-007".to_string(), "fail")
        ],
        "{:#?} {:#?}",
        on("NET-004", ":launchConfigurationName/legacy-web"),
        on("NET-007", ":launchConfigurationName/legacy-web")
    );

    // Inspector (issue 15 item 2): EC2 scanning on in us-east-1 only; the
    // legacy box's critical vulnerabilities are critical findings (a path
    // reaches it), and its card carries the counts.
    let scanning: Vec<(String, &str)> = on("INST-011", ":ec2-scanning")
        .iter()
        .map(|f| {
            (
                f.region.as_deref().unwrap_or_default().to_string(),
                f.status.as_str(),
            )
        })
        .collect();
    assert_eq!(
        scanning,
        vec![
            ("eu-west-1".to_string(), "fail"),
            ("us-east-1".to_string(), "pass")
        ]
    );
    // The detect layer (issue 16 part 5): the account's multi-Region trail
    // records both regions; GuardDuty watches us-east-1 only, with EC2
    // Runtime Monitoring.
    let regional = |check: &str| -> Vec<(String, &str)> {
        let mut v: Vec<(String, &str)> = r
            .findings
            .iter()
            .filter(|f| f.check_id == check)
            .map(|f| {
                (
                    f.region.as_deref().unwrap_or_default().to_string(),
                    f.status.as_str(),
                )
            })
            .collect();
        v.sort();
        v
    };
    let both = |eu: &'static str| {
        vec![
            ("eu-west-1".to_string(), eu),
            ("us-east-1".to_string(), "pass"),
        ]
    };
    assert_eq!(regional("DET-001"), both("pass"));
    assert_eq!(regional("DET-002"), both("fail"));
    assert_eq!(regional("DET-003"), both("fail"));
    let trail = on("DET-001", "cloudtrail:us-east-1:");
    assert!(
        trail[0]
            .message
            .contains("account-trail is logging in us-east-1"),
        "{}",
        trail[0].message
    );
    // Shield Advanced (issue 16 part 2): the account subscribes and
    // protects the legacy box's Elastic IP, which EDGE-014 files its direct
    // entry on, and hardened-edge, the CloudFront front door of the
    // hardened API; the internet-facing NLB in front of the legacy box has
    // no Elastic IPs, so Shield cannot protect it, and legacy-edge is left
    // unprotected.
    let shield: BTreeMap<String, (&str, Vec<String>)> = r
        .findings
        .iter()
        .filter(|f| f.check_id == "EDGE-014")
        .map(|f| {
            (
                f.resource_arn.to_string(),
                (
                    f.status.as_str(),
                    f.affected.iter().map(|a| a.to_string()).collect(),
                ),
            )
        })
        .collect();
    let eip = format!(
        "arn:aws:ec2:us-east-1:{}:eip-allocation/{}",
        m(&man, "/account"),
        m(&man, "/legacy/eip_allocation_id")
    );
    assert_eq!(ms(&man, "/shield/protected_arns"), vec![eip.clone()]);
    let hardened_arns: Vec<String> = {
        let mut v: Vec<String> = ms(&man, "/hardened/instance_ids")
            .iter()
            .map(|i| format!("arn:aws:ec2:us-east-1:{}:instance/{i}", m(&man, "/account")))
            .collect();
        v.sort();
        v
    };
    // hardened-edge also fronts the REST API's GET /tasks, so the hardened
    // ECS task is behind it too.
    let mut hardened_and_task = hardened_arns.clone();
    hardened_and_task.push(m(&man, "/containers/hardened/task_arn").to_string());
    let legacy_task = m(&man, "/containers/legacy/task_arn").to_string();
    let edge_arn =
        |name: &str| m(&man, &format!("/cloudfront/distributions/{name}/arn")).to_string();
    assert_eq!(
        ms(&man, "/shield/cloudfront_protected_arns"),
        vec![
            edge_arn("hardened-edge"),
            edge_arn("alb-edge"),
            edge_arn("vpc-edge")
        ]
    );
    assert_eq!(
        shield,
        BTreeMap::from([
            (eip.clone(), ("pass", vec![legacy_arn.clone()])),
            (
                m(&man, "/legacy/nlb_arn").to_string(),
                ("fail", vec![legacy_arn.clone()])
            ),
            (edge_arn("hardened-edge"), ("pass", hardened_and_task)),
            (edge_arn("alb-edge"), ("pass", hardened_arns.clone())),
            (edge_arn("vpc-edge"), ("pass", hardened_arns)),
            (edge_arn("legacy-edge"), ("fail", vec![legacy_arn.clone()])),
            // The legacy ECS task (issue 16 item 3) is reached on the
            // public IPv4 address AWS assigned its interface: no
            // protection can cover it, so it fails, filed on the task.
            (legacy_task.clone(), ("fail", vec![legacy_task.clone()])),
        ])
    );
    let protected = on("EDGE-014", &eip);
    assert!(
        protected[0].message.contains("protection legacy-eip"),
        "{}",
        protected[0].message
    );
    // CloudFront (issue 16 part 1): hardened-edge (its own certificate,
    // TLSv1.2_2021, viewers redirected to HTTPS) reaches the API through
    // its custom domain over HTTPS with TLSv1.2 only, behind edge-waf:
    // EDGE-015 to EDGE-017 pass, listing the hardened backends;
    // legacy-edge lets viewers in over HTTP and reaches the NLB over
    // HTTP: both fail.
    let dist = |name: &str| m(&man, &format!("/cloudfront/distributions/{name}/arn")).to_string();
    let (hardened_edge, legacy_edge) = (dist("hardened-edge"), dist("legacy-edge"));
    let verdict = |check: &str, arn: &str| -> &Finding {
        let got: Vec<&Finding> = r
            .findings
            .iter()
            .filter(|f| f.check_id == check && f.resource_arn == arn)
            .collect();
        assert_eq!(got.len(), 1, "{check} on {arn}: {got:#?}");
        got[0]
    };
    let viewer = verdict("EDGE-015", &hardened_edge);
    assert_eq!(viewer.status, Status::Pass, "{viewer:?}");
    assert!(
        viewer
            .message
            .ends_with("under security policy TLSv1.2_2021"),
        "{}",
        viewer.message
    );
    let waf = verdict("EDGE-017", &hardened_edge);
    assert_eq!(waf.status, Status::Pass, "{waf:?}");
    assert!(waf.message.ends_with("web ACL edge-waf"), "{}", waf.message);
    let edge_acl = m(&man, "/cloudfront/web_acl_arn").to_string();
    for check in ["EDGE-003", "EDGE-004", "EDGE-005"] {
        let acl = verdict(check, &edge_acl);
        assert_eq!(acl.status, Status::Pass, "{acl:?}");
        assert_eq!(acl.region, None);
    }
    let hardened_arns: Vec<String> = ms(&man, "/hardened/instance_ids")
        .iter()
        .map(|i| format!("arn:aws:ec2:us-east-1:{}:instance/{i}", m(&man, "/account")))
        .collect();
    for a in &hardened_arns {
        assert!(
            viewer.affected.iter().any(|x| x.as_str() == a),
            "{viewer:?}"
        );
    }
    let origin = verdict("EDGE-016", &hardened_edge);
    assert_eq!(origin.status, Status::Pass, "{origin:?}");
    // alb-edge in front of origin-alb, which admits only CloudFront's
    // origin-facing prefix list: the distribution passes like
    // hardened-edge; the ALB is no way around it (NET-010 passes, saying
    // so); EDGE-001 passes the hardened backends through their front
    // doors, noting that the list admits every distribution.
    let alb_edge = dist("alb-edge");
    for check in ["EDGE-014", "EDGE-015", "EDGE-016", "EDGE-017"] {
        let v = verdict(check, &alb_edge);
        assert_eq!(v.status, Status::Pass, "{v:?}");
        for a in &hardened_arns {
            assert!(v.affected.iter().any(|x| x.as_str() == a), "{v:?}");
        }
    }
    // vpc-edge reaches the hardened internal NLB through a VPC origin
    // (HTTPS only, TLSv1.2): it passes like alb-edge, listing the
    // hardened backends behind the NLB.
    let vpc_edge = dist("vpc-edge");
    for check in ["EDGE-014", "EDGE-015", "EDGE-016", "EDGE-017"] {
        let v = verdict(check, &vpc_edge);
        assert_eq!(v.status, Status::Pass, "{v:?}");
        for a in &hardened_arns {
            assert!(v.affected.iter().any(|x| x.as_str() == a), "{v:?}");
        }
    }
    let alb = verdict(
        "NET-010",
        m(&man, "/cloudfront/distributions/alb-edge/alb_arn"),
    );
    assert_eq!(alb.status, Status::Pass, "{alb:?}");
    assert!(
        alb.message.contains("only through CloudFront"),
        "{}",
        alb.message
    );
    for a in &hardened_arns {
        let e = verdict("EDGE-001", a);
        assert_eq!(e.status, Status::Pass, "{e:?}");
        assert!(e.message.contains("every distribution"), "{}", e.message);
    }
    // ... which is why origin-alb forwards only requests carrying the
    // header alb-edge adds (a 403 otherwise): EDGE-018 passes, naming the
    // header and never its value.
    let header = verdict(
        "EDGE-018",
        m(&man, "/cloudfront/distributions/alb-edge/alb_arn"),
    );
    assert_eq!(header.status, Status::Pass, "{header:?}");
    assert!(
        header
            .message
            .ends_with("carrying CloudFront's header x-origin-verify"),
        "{}",
        header.message
    );
    for a in &hardened_arns {
        assert!(
            header.affected.iter().any(|x| x.as_str() == a),
            "{header:?}"
        );
    }
    let viewer = verdict("EDGE-015", &legacy_edge);
    assert_eq!(viewer.status, Status::Fail, "{viewer:?}");
    assert!(viewer.message.contains("allow-all"), "{}", viewer.message);
    assert_eq!(
        viewer
            .affected
            .iter()
            .map(|a| a.to_string())
            .collect::<Vec<_>>(),
        vec![legacy_arn.clone()]
    );
    let origin = verdict("EDGE-016", &legacy_edge);
    assert_eq!(origin.status, Status::Fail, "{origin:?}");
    assert!(origin.message.contains("http-only"), "{}", origin.message);

    let crit = on("INST-013", &legacy_arn);
    assert_eq!(crit.len(), 1);
    assert_eq!(
        (crit[0].status.as_str(), crit[0].severity),
        ("fail", Severity::Critical)
    );
    assert!(
        crit[0].message.contains("CVE-2024-6387"),
        "{}",
        crit[0].message
    );
    assert!(crit[0].message.contains("tcp 22"), "{}", crit[0].message);
    let counts = legacy
        .vulnerabilities
        .expect("Inspector scans the legacy box");
    assert_eq!((counts.critical, counts.high), (2, 1));
    for id in ms(&man, "/hardened/instance_ids") {
        let c = card(&r, &id)
            .vulnerabilities
            .expect("Inspector scans the hardened backends");
        assert_eq!(c.critical, 0, "{id}");
    }
    // Path findings carry the path hop by hop.
    let edge1 = r
        .findings
        .iter()
        .find(|f| {
            f.check_id == "EDGE-001" && f.resource_arn.ends_with(m(&man, "/legacy/instance_id"))
        })
        .unwrap();
    assert!(edge1.path.as_ref().is_some_and(|p| p.hops.len() >= 3));

    // Exit codes: a critical failing finding exists (SSH open to the world).
    assert_eq!(report(&snap, &["--fail-on", "critical"]).0, 1);
    // Only a check that passes everywhere: nothing at or above low fails.
    let (code, only) = report(&snap, &["--checks", "INST-006", "--fail-on", "low"]);
    assert_eq!(code, 0);
    assert!(only.findings.iter().all(|f| f.check_id == "INST-006"));
    // --min-severity trims what is shown, not what --fail-on judges.
    let (code, trimmed) = report(&snap, &["--min-severity", "critical", "--fail-on", "high"]);
    assert_eq!(code, 1);
    assert!(
        trimmed
            .findings
            .iter()
            .all(|f| f.severity == rampart_model::Severity::Critical)
    );

    // --output writes the same report to a file (atomically, nothing on stdout).
    let out = emu.dir().join("report.json");
    let written = rampart(
        &[
            "check",
            snap.to_str().unwrap(),
            "--format",
            "json",
            "--output",
            out.to_str().unwrap(),
        ],
        &[],
    );
    assert_eq!(written.code, 0, "{}", written.stderr);
    assert!(written.stdout.is_empty());
    let from_file: Report = serde_json::from_slice(&std::fs::read(&out).unwrap()).unwrap();
    assert_eq!(from_file, r);
    let unwritable = rampart(
        &[
            "check",
            snap.to_str().unwrap(),
            "--output",
            "/nonexistent-dir/r.json",
        ],
        &[],
    );
    assert_eq!(unwritable.code, 2);
    assert!(
        unwritable.stderr.contains("(--output)"),
        "{}",
        unwritable.stderr
    );

    let bad = rampart(
        &["check", snap.to_str().unwrap(), "--checks", "NET-999"],
        &[],
    );
    assert_eq!(bad.code, 2);
    assert!(
        bad.stderr.contains("NET-999") && bad.stderr.contains("--checks"),
        "{}",
        bad.stderr
    );

    let table = rampart(&["check", snap.to_str().unwrap()], &[]);
    assert_eq!(table.code, 0);
    assert!(
        table.stdout.starts_with("account 123456789012"),
        "{}",
        table.stdout
    );
    assert!(
        table.stdout.contains("scorecard (5 backend(s))"),
        "{}",
        table.stdout
    );
    assert!(table.stdout.contains("legacy-api-1"), "{}", table.stdout);
    assert!(
        !table.stdout.contains("<script>\n"),
        "tag values are not printed raw"
    );
}

#[test]
fn sarif_and_csv_of_a_real_scan() {
    let emu = Emulator::start();
    let man = emu.seed("demo");
    let snap = emu.dir().join("formats.json");
    let (run, _) = scan(&emu, &snap, &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);

    // SARIF: valid against the official 2.1.0 schema (read from ../shared).
    let sarif = rampart(&["check", snap.to_str().unwrap(), "--format", "sarif"], &[]);
    assert_eq!(sarif.code, 0, "{}", sarif.stderr);
    let log: Value = serde_json::from_str(&sarif.stdout).expect("SARIF is JSON");
    crate::schemas::assert_valid(&crate::schemas::sarif(), &log, "SARIF from a real scan");
    let results = log["runs"][0]["results"].as_array().unwrap();
    let legacy_sg = m(&man, "/legacy/web_sg_id");
    let ssh = results
        .iter()
        .find(|r| {
            r["ruleId"] == "NET-005"
                && r["locations"][0]["logicalLocations"][0]["fullyQualifiedName"]
                    .as_str()
                    .unwrap()
                    .ends_with(legacy_sg)
        })
        .expect("NET-005 on the legacy SG is a result");
    assert_eq!(ssh["level"], "error");
    assert!(
        ssh["partialFingerprints"]["rampartFingerprint/v1"]
            .as_str()
            .is_some_and(|f| f.len() == 32)
    );
    assert_eq!(
        ssh["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
            .as_str()
            .map(|u| u.ends_with("formats.json")),
        Some(true)
    );

    // CSV: one row per finding, read back as a spreadsheet would.
    let csv_out = rampart(&["check", snap.to_str().unwrap(), "--format", "csv"], &[]);
    assert_eq!(csv_out.code, 0, "{}", csv_out.stderr);
    let json = rampart(&["check", snap.to_str().unwrap(), "--format", "json"], &[]);
    let report: Report = serde_json::from_str(&json.stdout).unwrap();
    let mut reader = csv::Reader::from_reader(csv_out.stdout.as_bytes());
    let headers = reader.headers().unwrap().clone();
    assert_eq!(&headers[0], "check_id");
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert_eq!(rows.len(), report.findings.len());
    assert!(
        rows.iter()
            .all(|r| !r.iter().any(|field| field.starts_with('=')))
    );
}

/// The legacy backend's failing checks per layer, as its seeding implies
/// (see localstack/README.md): public instance with SSH/RDP open, IMDSv1, no
/// role, a key pair, unencrypted volumes, an internet-facing NLB without
/// security groups or logs, an unauthenticated REST API without WAF calling
/// that NLB over the internet, an HTTP API (no WAF possible) in front of it.
const LEGACY_FAILING: &[(Layer, &[&str])] = &[
    // bypass paths; stage v1 and the HTTP API without WAF; GET /items and
    // GET /health open; v1 unthrottled; v1 reaches EC2 without a client cert;
    // legacy-api and orders-http keep their default endpoints beside their
    // custom domains; the internet-facing NLB in front of the box has no
    // Elastic IPs for Shield Advanced to protect; legacy-edge in front of
    // that NLB serves viewers over HTTP, reaches it over HTTP and has no
    // web ACL.
    (
        Layer::Edge,
        &[
            "EDGE-001", "EDGE-002", "EDGE-006", "EDGE-007", "EDGE-010", "EDGE-013", "EDGE-014",
            "EDGE-015", "EDGE-016", "EDGE-017",
        ],
    ),
    // public subnet, EIP, API over the internet, 8080 open wide, SSH/RDP open,
    // default egress, default NACL (all inbound, admin ports), public NLB, TCP
    // listener, default SG with rules, no flow log, MapPublicIpOnLaunch.
    (
        Layer::Network,
        &[
            "NET-001", "NET-002", "NET-003", "NET-004", "NET-005", "NET-007", "NET-008", "NET-009",
            "NET-010", "NET-011", "NET-012", "NET-013", "NET-014",
        ],
    ),
    // IMDSv1, no role, key pair with SSH reachable, not managed by Systems
    // Manager (INST-008 is then not evaluated: no patch data), an old
    // public AMI of an unvetted account, two open critical OpenSSH
    // vulnerabilities Inspector found (agentless).
    (
        Layer::Instance,
        &[
            "INST-001", "INST-002", "INST-005", "INST-007", "INST-009", "INST-010", "INST-013",
        ],
    ),
    // unencrypted volumes, no stage or NLB logs, http:// integration, no
    // tracing; the archive volume's key disabled and never rotated;
    // legacy.example.com's imported RSA 1024 certificate expiring in 10
    // days.
    (
        Layer::Data,
        &[
            "DATA-001", "DATA-003", "DATA-004", "DATA-005", "DATA-006", "DATA-008", "DATA-009",
            "DATA-011", "DATA-012", "DATA-013",
        ],
    ),
    // The region's trail and detector record and watch it (DET-001 to
    // DET-003 pass in us-east-1); its VPC has no flow log (NET-013, which
    // the detect column counts too).
    (Layer::Detect, &["NET-013"]),
];

#[test]
fn missing_waf_data_never_passes_the_edge_layer() {
    let emu = Emulator::start();
    let man = emu.seed("demo");
    let snap = emu.dir().join("nowaf.json");
    let (run, _) = scan(
        &emu,
        &snap,
        &[("AWS_ENDPOINT_URL_WAFV2", "http://127.0.0.1:1")],
    );
    assert_eq!(run.code, 3, "{}", run.stderr);
    let snap = with_client_certificate(&snap, &man);
    let (code, r) = report(&snap, &[]);
    // An incomplete snapshot: exit 3 when no --fail-on gate is hit...
    assert_eq!(code, 3);
    assert!(!r.snapshot.complete);
    // ...and the gate still applies to what was evaluated: 1 wins.
    let (code, _) = report(&snap, &["--fail-on", "critical"]);
    assert_eq!(code, 1);
    for id in ms(&man, "/hardened/instance_ids") {
        let c = card(&r, &id);
        // (EDGE-017 passes without WAF data: the distribution names its
        // web ACL itself.)
        assert_eq!(c.edge.as_str(), "not-evaluated", "{id}: {:?}", c.edge);
        // The other layers did not need WAF data.
        assert_eq!(c.network.as_str(), "pass");
        assert_eq!(c.instance.as_str(), "pass");
    }
}

#[test]
fn table_is_coloured_only_on_a_terminal_without_no_color() {
    let emu = Emulator::start();
    emu.seed("demo");
    let snap = emu.dir().join("colour.json");
    let (run, _) = scan(&emu, &snap, &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let s = snap.to_str().unwrap();

    let tty = on_a_terminal(&["check", s], &[]);
    assert!(tty.contains("\u{1b}["), "colour on a terminal:\n{tty}");
    assert!(tty.contains("scorecard (5 backend(s))"));
    for line in tty.lines() {
        let visible: String = strip_sgr(line);
        assert!(
            visible.chars().count() <= 100,
            "fits the terminal's 100 columns: {visible:?}"
        );
    }
    let no_color = on_a_terminal(&["check", s], &[("NO_COLOR", "1")]);
    assert!(!no_color.contains('\u{1b}'), "NO_COLOR:\n{no_color}");
    let flag = on_a_terminal(&["check", s, "--no-color"], &[]);
    assert!(!flag.contains('\u{1b}'), "--no-color:\n{flag}");
    assert_eq!(strip_sgr(&tty), no_color, "colour is the only difference");
    // A pipe: no colour, and the fixed file width.
    let piped = rampart(&["check", s], &[]);
    assert!(!piped.stdout.contains('\u{1b}'));
    assert!(piped.stdout.lines().all(|l| l.chars().count() <= 120));
}

fn strip_sgr(s: &str) -> String {
    let mut out = String::new();
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\u{1b}' && chars.peek() == Some(&'[') {
            for d in chars.by_ref() {
                if d.is_ascii_alphabetic() {
                    break;
                }
            }
        } else {
            out.push(c);
        }
    }
    out
}
