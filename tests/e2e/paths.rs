//! `rampart paths` on a collected snapshot of the demo account: the hardened
//! backend is reachable only through front doors (API Gateway, CloudFront
//! in front of it, and CloudFront in front of an ALB that admits only
//! CloudFront); the legacy backend directly, through its internet-facing
//! NLB, through an API that calls that NLB over the internet, and through a
//! distribution without a web ACL in front of that NLB.

use serde_json::Value;

use crate::harness::{Emulator, m, ms, rampart, scan};

fn kinds_and_ports(paths: &[&Value]) -> Vec<(String, String)> {
    let mut v: Vec<(String, String)> = paths
        .iter()
        .map(|p| {
            let ports: Vec<String> = p["ports"]
                .as_array()
                .unwrap()
                .iter()
                .map(|r| format!("{}-{}", r["from"], r["to"]))
                .collect();
            (p["kind"].as_str().unwrap().to_string(), ports.join(","))
        })
        .collect();
    v.sort();
    v
}

#[test]
fn demo_paths_tell_the_seeded_stories() {
    let emu = Emulator::start();
    let man = emu.seed("demo");
    let snap = emu.dir().join("paths.json");
    let (run, _) = scan(&emu, &snap, &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let out = rampart(&["paths", snap.to_str().unwrap(), "--format", "json"], &[]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let all: Vec<Value> = serde_json::from_str(&out.stdout).expect("JSON paths");
    let of = |id: &str| {
        all.iter()
            .filter(|p| p["instance_id"] == id)
            .collect::<Vec<_>>()
    };

    let dist = |name: &str| m(&man, &format!("/cloudfront/distributions/{name}/arn")).to_string();
    for id in ms(&man, "/hardened/instance_ids") {
        let all_paths = of(&id);
        assert_eq!(all_paths.len(), 6, "{id}: {all_paths:#?}");
        let hop_kinds = |p: &Value| -> Vec<String> {
            p["hops"]
                .as_array()
                .unwrap()
                .iter()
                .map(|h| h["kind"].as_str().unwrap().to_string())
                .collect()
        };
        // CloudFront (issue 16 item 1): hardened-edge in front of the
        // API's custom domain continues as the two gateway paths; alb-edge
        // reaches origin-alb, whose group admits only CloudFront's
        // origin-facing prefix list: no load balancer path around it;
        // vpc-edge reaches the internal NLB through its VPC origin.
        let cloudfront: Vec<&&Value> = all_paths
            .iter()
            .filter(|p| p["kind"] == "cloudfront")
            .collect();
        assert_eq!(cloudfront.len(), 4, "{id}: {cloudfront:#?}");
        for p in &cloudfront {
            assert!(p["uncertain"].is_null(), "{p:#?}");
            assert_eq!(p["hops"][1]["kind"], "cloudfront");
            assert!(
                p["hops"][1]["gaps"].as_array().unwrap().is_empty(),
                "{p:#?}"
            );
        }
        let via_api: Vec<&&&Value> = cloudfront
            .iter()
            .filter(|p| p["hops"][1]["id"] == dist("hardened-edge"))
            .collect();
        assert_eq!(via_api.len(), 2, "{via_api:#?}");
        for p in via_api {
            assert_eq!(hop_kinds(p)[2..4], ["api-domain", "api-stage"]);
        }
        let via_alb = cloudfront
            .iter()
            .find(|p| p["hops"][1]["id"] == dist("alb-edge"))
            .expect("a path through alb-edge");
        assert_eq!(
            hop_kinds(via_alb),
            [
                "internet",
                "cloudfront",
                "load-balancer",
                "listener",
                "target-group",
                "instance"
            ]
        );
        assert_eq!(
            via_alb["hops"][2]["id"],
            m(&man, "/cloudfront/distributions/alb-edge/alb_arn")
        );
        let via_vpc_origin = cloudfront
            .iter()
            .find(|p| p["hops"][1]["id"] == dist("vpc-edge"))
            .expect("a path through vpc-edge");
        assert_eq!(
            hop_kinds(via_vpc_origin),
            [
                "internet",
                "cloudfront",
                "vpc-origin",
                "load-balancer",
                "listener",
                "target-group",
                "instance"
            ]
        );
        assert_eq!(
            via_vpc_origin["hops"][2]["id"],
            m(&man, "/cloudfront/distributions/vpc-edge/vpc_origin_arn")
        );
        assert_eq!(
            via_vpc_origin["hops"][3]["id"],
            m(&man, "/cloudfront/distributions/vpc-edge/nlb_arn")
        );
        assert!(
            all_paths
                .iter()
                .all(|p| p["kind"] != "load-balancer" && p["kind"] != "direct"),
            "{all_paths:#?}"
        );
        let paths: Vec<&Value> = all_paths
            .iter()
            .copied()
            .filter(|p| p["kind"] == "gateway")
            .collect();
        // The two REST methods, entered by the custom domain (orders-api's
        // default endpoint is disabled), through the VPC link to the
        // internal NLB; never directly, never via a public LB, no gap on
        // the way.
        assert_eq!(paths.len(), 2, "{id}: {paths:#?}");
        for p in &paths {
            assert_eq!(p["kind"], "gateway");
            assert!(p["uncertain"].is_null(), "{p:#?}");
            let hops: Vec<&str> = p["hops"]
                .as_array()
                .unwrap()
                .iter()
                .map(|h| h["kind"].as_str().unwrap())
                .collect();
            assert_eq!(
                hops,
                [
                    "internet",
                    "api-domain",
                    "api-stage",
                    "vpc-link",
                    "load-balancer",
                    "listener",
                    "target-group",
                    "instance"
                ]
            );
            assert_eq!(p["hops"][1]["id"], "api.orders.example.com/v1");
            // Each TLS hop shows the certificate it presents (issue 15
            // item 6): the domain's and the NLB listener's, as ACM
            // describes it (moto's requested certificate: a year).
            for (n, prefix) in [
                (1, "domain api.orders.example.com/v1 (TLS_1_2, "),
                (5, "TLS:443 ("),
            ] {
                let label = p["hops"][n]["label"].as_str().unwrap();
                assert!(
                    label.starts_with(prefix)
                        && label.contains("cert orders.internal.example.com until "),
                    "{label}"
                );
            }
            assert_eq!(p["hops"][3]["id"], m(&man, "/hardened/vpc_link_id"));
            assert_eq!(p["hops"][4]["id"], m(&man, "/hardened/nlb_arn"));
            assert!(
                p["hops"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .all(|h| h["gaps"].as_array().unwrap().is_empty())
            );
            assert_eq!(
                kinds_and_ports(&[p]),
                vec![("gateway".into(), "8080-8080".into())]
            );
        }
    }

    let legacy = of(m(&man, "/legacy/instance_id"));
    assert_eq!(
        kinds_and_ports(&legacy),
        vec![
            ("cloudfront".into(), "8080-8080".into()),
            ("direct".into(), "22-22,3389-3389,8080-8080".into()),
            ("gateway".into(), "8080-8080".into()),
            ("gateway".into(), "8080-8080".into()),
            ("gateway".into(), "8080-8080".into()),
            ("load-balancer".into(), "8080-8080".into()),
        ],
        "{legacy:#?}"
    );
    let gaps = |needle: &str| {
        let p = legacy
            .iter()
            .find(|p| p["rendered"].as_str().unwrap().contains(needle))
            .unwrap_or_else(|| panic!("no legacy path through {needle}"));
        p["hops"][1]["gaps"].clone()
    };
    // The REST API calls the public NLB over the internet; the HTTP API
    // (which can never hold a WAF) reaches it through its VPC link.
    assert_eq!(gaps("GET /items"), serde_json::json!(["no WAF", "no auth"]));
    assert_eq!(
        gaps("GET /health"),
        serde_json::json!(["no WAF (HTTP API)", "no auth"])
    );
    assert_eq!(
        gaps("POST /orders"),
        serde_json::json!(["no WAF (HTTP API)"])
    );
    let rest = legacy
        .iter()
        .find(|p| p["rendered"].as_str().unwrap().contains("GET /items"))
        .unwrap();
    assert_eq!(rest["hops"][2]["kind"], "public-url");
    // legacy-edge (no web ACL, plain HTTP to the origin) in front of the
    // legacy NLB, which the internet reaches around it.
    let cf = legacy.iter().find(|p| p["kind"] == "cloudfront").unwrap();
    assert_eq!(cf["hops"][1]["id"], dist("legacy-edge"));
    assert_eq!(cf["hops"][1]["gaps"], serde_json::json!(["no WAF"]));
    assert_eq!(cf["hops"][2]["id"], m(&man, "/legacy/nlb_arn"));
    let direct = legacy.iter().find(|p| p["kind"] == "direct").unwrap();
    assert!(
        direct["rendered"]
            .as_str()
            .unwrap()
            .contains(m(&man, "/legacy/public_ip"))
    );

    // The eu-west-1 instance has a public IP but its SG admits nothing from the internet.
    assert!(of(m(&man, "/eu/instance_id")).is_empty());

    let table = rampart(
        &[
            "paths",
            snap.to_str().unwrap(),
            "--instance",
            m(&man, "/legacy/instance_id"),
        ],
        &[],
    );
    assert_eq!(table.code, 0);
    assert!(
        table.stdout.contains("[direct] internet -> igw-"),
        "{}",
        table.stdout
    );
    assert!(
        table.stdout.contains("(no WAF, no auth)"),
        "{}",
        table.stdout
    );
    // Graphviz: one digraph, nodes for every hop kind, gap hops in red.
    let dot = rampart(&["paths", snap.to_str().unwrap(), "--format", "dot"], &[]);
    assert_eq!(dot.code, 0, "{}", dot.stderr);
    assert!(
        dot.stdout.starts_with("digraph rampart_paths {") && dot.stdout.trim_end().ends_with('}')
    );
    assert_eq!(
        dot.stdout.matches("\"internet:internet\" [").count(),
        1,
        "the internet is one node"
    );
    assert!(
        dot.stdout.contains("no WAF, no auth") && dot.stdout.contains("color=red"),
        "{}",
        dot.stdout
    );
    // The three distributions are nodes; legacy-edge (no web ACL) in red.
    for name in ["hardened-edge", "alb-edge", "vpc-edge", "legacy-edge"] {
        let node = format!("\"cloudfront:{}\" [label=\"cloudfront ", dist(name));
        let line = dot
            .stdout
            .lines()
            .find(|l| l.trim_start().starts_with(&node))
            .unwrap_or_else(|| panic!("no node for {name}: {}", dot.stdout));
        assert_eq!(line.contains("color=red"), name == "legacy-edge", "{line}");
    }
    let edges = dot.stdout.lines().filter(|l| l.contains(" -> ")).count();
    assert!(edges >= 10, "{}", dot.stdout);
    let rendered = std::process::Command::new("dot")
        .arg("-Tsvg")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .and_then(|mut child| {
            use std::io::Write;
            child
                .stdin
                .take()
                .unwrap()
                .write_all(dot.stdout.as_bytes())?;
            child.wait_with_output()
        });
    if let Ok(out) = rendered {
        // Graphviz is installed (apt-get install graphviz): it must render.
        assert!(
            out.status.success(),
            "dot rejected the output: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(String::from_utf8_lossy(&out.stdout).contains("<svg"));
    }

    // ECS tasks and Cloud Map (issue 16 items 3 and 4): the hardened task
    // is reached only through front doors (the REST API's GET /tasks to
    // the NLB's 8443 listener and its ip target group, directly and behind
    // hardened-edge; the HTTP API through its VPC link and the Cloud Map
    // service the task is registered in); the legacy task directly, by the
    // public IP assignPublicIp gave its own interface.
    let task_id = |story: &str| {
        m(&man, &format!("/containers/{story}/task_arn"))
            .split_once(":task/")
            .unwrap()
            .1
            .to_string()
    };
    let hard = of(&task_id("hardened"));
    assert_eq!(
        kinds_and_ports(&hard),
        vec![
            ("cloudfront".to_string(), "8443-8443".to_string()),
            ("gateway".to_string(), "8443-8443".to_string()),
            ("gateway".to_string(), "8443-8443".to_string()),
        ],
        "{hard:#?}"
    );
    let hops_of = |p: &Value| -> Vec<(String, String)> {
        p["hops"]
            .as_array()
            .unwrap()
            .iter()
            .map(|h| {
                (
                    h["kind"].as_str().unwrap().to_string(),
                    h["id"].as_str().unwrap().to_string(),
                )
            })
            .collect()
    };
    for p in &hard {
        let hops = hops_of(p);
        assert_eq!(hops.last().unwrap().0, "task", "{p:#}");
        assert!(p["uncertain"].is_null(), "{p:#}");
    }
    let cloudmap = m(&man, "/containers/cloudmap/service_arn").to_string();
    let via_map = hard
        .iter()
        .find(|p| hops_of(p).iter().any(|(k, _)| k == "cloudmap"))
        .expect("a path through Cloud Map");
    let hops = hops_of(via_map);
    let kinds: Vec<&str> = hops.iter().map(|(k, _)| k.as_str()).collect();
    assert_eq!(
        kinds,
        vec![
            "internet",
            "api-stage",
            "vpc-link",
            "cloudmap",
            "network-interface",
            "task"
        ],
        "{via_map:#}"
    );
    assert_eq!(hops[3].1, cloudmap);
    assert_eq!(hops[4].1, m(&man, "/containers/hardened/eni_id"));
    let tg = m(&man, "/containers/hardened/tg_arn").to_string();
    assert_eq!(
        hard.iter()
            .filter(|p| hops_of(p)
                .iter()
                .any(|(k, id)| k == "target-group" && *id == tg))
            .count(),
        2,
        "{hard:#?}"
    );
    let legacy = of(&task_id("legacy"));
    assert_eq!(legacy.len(), 1, "{legacy:#?}");
    assert_eq!(legacy[0]["kind"], "direct");
    let eni = &legacy[0]["hops"][2];
    assert_eq!(eni["id"], m(&man, "/containers/legacy/eni_id"));
    assert!(
        eni["label"]
            .as_str()
            .unwrap()
            .contains(m(&man, "/containers/legacy/public_ip")),
        "{eni:#}"
    );
    assert!(
        dot.stdout.contains(&format!("\"cloudmap:{cloudmap}\""))
            && dot
                .stdout
                .contains(&format!("\"task:{}\"", task_id("legacy"))),
        "{}",
        dot.stdout
    );

    // --instance takes a task's CLUSTER/ID too.
    let one = rampart(
        &[
            "paths",
            snap.to_str().unwrap(),
            "--instance",
            &task_id("legacy"),
        ],
        &[],
    );
    assert_eq!(one.code, 0, "{}", one.stderr);
    assert!(
        one.stdout.contains("[direct]") && !one.stdout.contains("[gateway]"),
        "{}",
        one.stdout
    );

    let missing = rampart(
        &["paths", snap.to_str().unwrap(), "--instance", "i-nope"],
        &[],
    );
    assert_eq!(missing.code, 2);
    assert!(
        missing.stderr.contains("instance i-nope (--instance)"),
        "{}",
        missing.stderr
    );
}

/// With `ec2:DescribeInstances` denied there are no instances, so no
/// path ends at one (the ECS tasks keep theirs): an answer that must not
/// read as "no instance is exposed".
/// `paths` says the snapshot is incomplete (one warning line naming the
/// file) and exits 3, in every format; on a complete snapshot it is silent.
#[test]
fn paths_on_an_incomplete_snapshot_warn_and_exit_3() {
    let emu = Emulator::start();
    emu.seed("demo");
    let proxy = crate::proxy::start(
        &emu.url,
        crate::proxy::FaultPlan::new().deny("ec2:DescribeInstances"),
    );
    let snap = emu.dir().join("no-instances.json");
    let (run, snapshot) = scan(&emu, &snap, &[("AWS_ENDPOINT_URL", proxy.url())]);
    assert_eq!(run.code, 3, "{}", run.stderr);
    let errors = snapshot.expect("snapshot written").collection_errors.len();
    assert!(errors >= 2, "one error per region, got {errors}");

    for format in ["table", "json", "dot"] {
        let out = rampart(&["paths", snap.to_str().unwrap(), "--format", format], &[]);
        assert_eq!(out.code, 3, "{format}: {}", out.stderr);
        let lines: Vec<&str> = out.stderr.lines().collect();
        assert_eq!(lines.len(), 1, "{format}: {}", out.stderr);
        assert!(
            lines[0].starts_with("rampart: warning: snapshot ")
                && lines[0].contains(snap.to_str().unwrap())
                && lines[0].contains(&format!("incomplete ({errors} collection error(s))")),
            "{format}: {}",
            lines[0]
        );
        if format == "json" {
            let paths: Value = serde_json::from_str(&out.stdout).expect("JSON paths");
            let ends: Vec<&str> = paths
                .as_array()
                .unwrap()
                .iter()
                .map(|p| {
                    p["hops"].as_array().unwrap().last().unwrap()["kind"]
                        .as_str()
                        .unwrap()
                })
                .collect();
            assert!(
                !ends.is_empty() && ends.iter().all(|k| *k == "task"),
                "no instances, no paths to one: {ends:?}"
            );
        }
    }

    let clean = emu.dir().join("clean.json");
    let (run, _) = scan(&emu, &clean, &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let out = rampart(&["paths", clean.to_str().unwrap()], &[]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(out.stderr, "", "no warning on a complete snapshot");
}
