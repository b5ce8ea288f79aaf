//! The end-to-end scan against the second emulator: LocalStack's community
//! edition in host mode (`localstack/localstack-host`), seeded with the part
//! of the demo account it can hold (`localstack/seed_localstack.py`). It
//! serves EC2, API Gateway v1, IAM and STS; ELBv2, WAFv2, API Gateway v2,
//! CloudTrail, GuardDuty, Shield and CloudFront answer 501 "not included in
//! your current license plan". So the scan must
//! finish incomplete (exit 3) with exactly those services recorded as
//! `unavailable`, collect everything else as seeded, and `rampart check`
//! must evaluate the EC2/IAM/REST checks while every check that needs load
//! balancer or WAF data is not evaluated, naming the failed operation, and
//! never passes. One LocalStack for every assertion: it takes ~5 s to start,
//! ~10 s to seed and ~4 s to stop (moto: ~1, ~3 and ~0.5 s).
//!
//! The LocalStack venv is not part of `make emu-install`: without it this
//! test fails and says to run `make localstack-install`, unless
//! `RAMPART_SKIP_LOCALSTACK=1`.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::Command;

use rampart_model::*;
use serde_json::Value;

use crate::harness::{emulator_env, m, ms, rampart, repo_root};

/// LocalStack derives the account from a 12-digit access key id (`test`
/// would be 000000000000); the seed uses the same one.
const ACCESS_KEY: &str = "123456789012";
const REGION: &str = "us-east-1";

/// The operations the collector calls on the four unserved services, each
/// failing once in the one region scanned.
const UNAVAILABLE: &[(&str, &str)] = &[
    ("apigatewayv2", "apigatewayv2:GetApis"),
    ("apigatewayv2", "apigatewayv2:GetDomainNames"),
    ("apigatewayv2", "apigatewayv2:GetVpcLinks"),
    (
        "elasticloadbalancing",
        "elasticloadbalancing:DescribeLoadBalancers",
    ),
    (
        "elasticloadbalancing",
        "elasticloadbalancing:DescribeTargetGroups",
    ),
    ("wafv2", "wafv2:ListWebACLs"),
    // Not license-gated: `localstack-host` does not start SSM (LocalStack's
    // SSM does not implement DescribeInstanceInformation either).
    ("ssm", "ssm:DescribeInstanceInformation"),
    // Not started either: no group, so nothing the groups launch is read.
    ("autoscaling", "autoscaling:DescribeAutoScalingGroups"),
    // Nor Inspector: with its status unknown nothing more is read.
    ("inspector2", "inspector2:BatchGetAccountStatus"),
    // License-gated: with no trail list and no detector list, nothing more
    // of either is read (the detect layer is not evaluated).
    ("cloudtrail", "cloudtrail:DescribeTrails"),
    ("guardduty", "guardduty:ListDetectors"),
    // Nor ECS and Cloud Map: no cluster list, no service list, so no task
    // and no registered instance is read (issue 16 items 3 and 4).
    ("ecs", "ecs:ListClusters"),
    ("servicediscovery", "servicediscovery:ListServices"),
];

/// The same for the global services, called once per scan (no region):
/// Shield is license-gated too, and with no subscription state its
/// protections are not listed; so is CloudFront, whose distributions and
/// CLOUDFRONT-scope web ACLs (WAFv2 in us-east-1, recorded without a
/// region) are both unavailable.
const UNAVAILABLE_GLOBAL: &[(&str, &str)] = &[
    ("shield", "shield:GetSubscriptionState"),
    ("cloudfront", "cloudfront:ListDistributions"),
    ("wafv2", "wafv2:ListWebACLs"),
];

fn script() -> PathBuf {
    repo_root().join("localstack/localstack-host")
}

/// One running LocalStack in a private state dir on a free loopback port,
/// stopped on drop (the counterpart of `harness::Emulator`).
struct LocalStack {
    url: String,
    state: tempfile::TempDir,
}

impl LocalStack {
    /// `None` when the caller asked to skip LocalStack.
    fn start() -> Option<LocalStack> {
        if std::env::var("RAMPART_SKIP_LOCALSTACK").is_ok_and(|v| v == "1") {
            // Straight to stderr, not through the test harness's capture:
            // a skipped emulator must be visible in a plain `cargo test`.
            use std::io::Write;
            let _ = writeln!(
                std::io::stderr(),
                "localstack: skipped (RAMPART_SKIP_LOCALSTACK=1)"
            );
            return None;
        }
        let venv = repo_root().join(".venv-ls");
        assert!(
            venv.join("bin/python").exists() && venv.join(".requirements.sha256").exists(),
            "LocalStack is not installed: run `make localstack-install` (or \
             `localstack/localstack-host install`) first, or set RAMPART_SKIP_LOCALSTACK=1"
        );
        let state = tempfile::Builder::new()
            .prefix("rampart-e2e-ls-")
            .tempdir()
            .expect("temp dir");
        let out = Command::new(script())
            .args(["start", "--state-dir"])
            .arg(state.path())
            .output()
            .expect("run localstack/localstack-host start");
        assert!(
            out.status.success(),
            "localstack-host start failed: {}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        let url = String::from_utf8_lossy(&out.stdout).trim().to_string();
        assert!(
            url.starts_with("http://127.0.0.1:"),
            "unexpected LocalStack URL {url:?}"
        );
        Some(LocalStack { url, state })
    }

    fn seed(&self) -> Value {
        let manifest = self.state.path().join("manifest.json");
        let out = Command::new(script())
            .args(["seed", "--endpoint", &self.url, "--manifest"])
            .arg(&manifest)
            .output()
            .expect("run localstack/localstack-host seed");
        assert!(
            out.status.success(),
            "seeding LocalStack failed: {}{}\n(log: {})",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr),
            self.log_tail()
        );
        serde_json::from_slice(&std::fs::read(&manifest).expect("manifest")).expect("manifest JSON")
    }

    fn dir(&self) -> &Path {
        self.state.path()
    }

    fn log_tail(&self) -> String {
        let log = std::fs::read_to_string(self.dir().join("localstack.log")).unwrap_or_default();
        let lines: Vec<&str> = log.lines().collect();
        lines[lines.len().saturating_sub(20)..].join("\n")
    }

    /// `rampart ARGS` pointed at this LocalStack, as account 123456789012.
    fn rampart(&self, args: &[&str]) -> crate::harness::Run {
        let env: Vec<(&str, String)> = emulator_env(&self.url)
            .into_iter()
            .map(|(k, v)| match k {
                "AWS_ACCESS_KEY_ID" => (k, ACCESS_KEY.to_string()),
                _ => (k, v),
            })
            .collect();
        let env: Vec<(&str, &str)> = env.iter().map(|(k, v)| (*k, v.as_str())).collect();
        rampart(args, &env)
    }
}

impl Drop for LocalStack {
    fn drop(&mut self) {
        let _ = Command::new(script())
            .args(["stop", "--state-dir"])
            .arg(self.state.path())
            .output();
    }
}

#[test]
fn localstack_scan_records_unserved_services_and_evaluates_the_rest() {
    let Some(ls) = LocalStack::start() else {
        return;
    };
    let man = ls.seed();
    // The seed probed the twelve services itself: the premise of this test.
    let probed: BTreeSet<&str> = man["localstack"]["unavailable"]
        .as_object()
        .expect("localstack.unavailable")
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(
        probed,
        BTreeSet::from([
            "apigatewayv2",
            "autoscaling",
            "cloudfront",
            "cloudtrail",
            "ecs",
            "elasticloadbalancing",
            "guardduty",
            "inspector2",
            "servicediscovery",
            "shield",
            "ssm",
            "wafv2",
        ])
    );

    let snap_path = ls.dir().join("localstack.json");
    let run = ls.rampart(&[
        "scan",
        "--region",
        REGION,
        "--out",
        snap_path.to_str().expect("utf-8 path"),
    ]);
    assert_eq!(
        run.code,
        3,
        "a scan missing three services exits 3:\n{}\n{}\n(LocalStack log: {})",
        run.stdout,
        run.stderr,
        ls.log_tail()
    );
    let s = Snapshot::load(&snap_path).expect("snapshot written despite the failures");

    check_errors(&s, &man, &run.stdout);
    let us = s.regions.get(REGION).expect("us-east-1 inventory");
    check_network(us, &man);
    check_compute(us, &man);
    check_rest_apis(us, &man);
    check_iam(&s, &man);
    let raw = std::fs::read_to_string(&snap_path).unwrap();
    assert!(
        !raw.contains(m(&man, "/userdata_secret")),
        "user data leaked into the snapshot"
    );
    assert!(!raw.contains("SecretAccessKey"));

    check_report(&snap_path, &man);
    check_paths(&s, &snap_path, &man);
}

/// Exactly the unserved services' operations failed, each `unavailable`
/// with LocalStack's code and message; nothing else failed, and their
/// sections are empty rather than guessed.
fn check_errors(s: &Snapshot, man: &Value, stdout: &str) {
    assert_eq!(s.account_id, m(man, "/account"));
    assert_eq!(
        s.caller_arn,
        format!("arn:aws:iam::{}:root", m(man, "/account"))
    );
    assert_eq!(s.region_names().collect::<Vec<_>>(), vec![REGION]);
    // (service, operation, region, kind, resource)
    type Key<'a> = (
        &'a str,
        &'a str,
        Option<&'a str>,
        &'a ErrorKind,
        Option<&'a str>,
    );
    let got: BTreeSet<Key> = s
        .collection_errors
        .iter()
        .map(|e| {
            (
                e.service.as_str(),
                e.operation.as_str(),
                e.region.as_deref(),
                &e.kind,
                e.resource.as_deref(),
            )
        })
        .collect();
    let key = m(man, "/hardened/kms_key_arn");
    let want: BTreeSet<_> = UNAVAILABLE
        .iter()
        .map(|(svc, op)| (*svc, *op, Some(REGION), &ErrorKind::Unavailable, None))
        .chain(
            UNAVAILABLE_GLOBAL
                .iter()
                .map(|(svc, op)| (*svc, *op, None, &ErrorKind::Unavailable, None)),
        )
        .chain([
            // LocalStack's EC2 (moto inside) does not implement it.
            (
                "ec2",
                "ec2:GetEbsDefaultKmsKeyId",
                Some(REGION),
                &ErrorKind::Unavailable,
                None,
            ),
            // `localstack-host` does not start KMS: the one key the volumes
            // name is asked for, and that read is unavailable.
            (
                "kms",
                "kms:DescribeKey",
                Some(REGION),
                &ErrorKind::Unavailable,
                Some(key),
            ),
        ])
        .collect();
    assert_eq!(got, want, "{:#?}", s.collection_errors);
    for e in &s.collection_errors {
        if e.service == "ec2" {
            assert!(e.message.contains("has not been implemented"), "{e:?}");
            continue;
        }
        if e.service == "kms" {
            assert!(e.message.contains("is not enabled"), "{e:?}");
            continue;
        }
        assert_eq!(e.code.as_deref(), Some("InternalFailure"), "{e:?}");
        assert!(
            e.message
                .contains("not included in your current license plan")
                || (matches!(e.service.as_str(), "ssm" | "autoscaling" | "inspector2")
                    && e.message.contains("is not enabled")),
            "{e:?}"
        );
        // The seed's own probe of the same service got the same answer.
        let probe = &man["localstack"]["unavailable"][&e.service];
        assert_eq!(probe["status"], 501, "{probe}");
        assert_eq!(probe["message"].as_str(), Some(e.message.as_str()));
        assert!(stdout.contains(&e.operation), "{stdout}");
    }
    assert!(stdout.contains("INCOMPLETE"), "{stdout}");
    let us = s.regions.get(REGION).unwrap();
    assert!(us.elbv2.load_balancers.is_empty() && us.elbv2.target_groups.is_empty());
    assert!(us.wafv2.web_acls.is_empty());
    assert!(us.apigatewayv2.apis.is_empty() && us.apigatewayv2.vpc_links.is_empty());
}

fn sorted(mut v: Vec<String>) -> Vec<String> {
    v.sort();
    v
}

fn set(v: Vec<String>) -> BTreeSet<String> {
    v.into_iter().collect()
}

fn sg<'a>(r: &'a RegionInventory, id: &str) -> &'a SecurityGroup {
    r.ec2
        .security_groups
        .iter()
        .find(|g| g.group_id == id)
        .unwrap_or_else(|| panic!("security group {id} missing"))
}

fn has_rule(rules: &[SgRule], protocol: &str, ports: (i32, i32), peer: &SgPeer) -> bool {
    rules.iter().any(|r| {
        r.protocol == protocol
            && (r.from_port, r.to_port) == (Some(ports.0), Some(ports.1))
            && &r.peer == peer
    })
}

fn v4(cidr: &str) -> SgPeer {
    SgPeer::Ipv4 { cidr: cidr.into() }
}

fn check_network(us: &RegionInventory, man: &Value) {
    // VPCs: the two seeded ones and LocalStack's default VPC.
    let vpc = |id: &str| {
        us.ec2
            .vpcs
            .iter()
            .find(|v| v.vpc_id == id)
            .unwrap_or_else(|| panic!("VPC {id} missing"))
    };
    let custom: BTreeSet<String> = us
        .ec2
        .vpcs
        .iter()
        .filter(|v| !v.is_default)
        .map(|v| v.vpc_id.clone())
        .collect();
    assert_eq!(
        custom,
        set(vec![
            m(man, "/hardened/vpc_id").into(),
            m(man, "/legacy/vpc_id").into()
        ])
    );
    let hv = vpc(m(man, "/hardened/vpc_id"));
    assert_eq!(
        hv.cidr_blocks,
        vec![m(man, "/hardened/vpc_cidr").to_string()]
    );
    assert_eq!(
        hv.ipv6_cidr_blocks,
        vec![m(man, "/hardened/vpc_ipv6_cidr").to_string()]
    );
    assert_eq!(
        vpc(m(man, "/legacy/vpc_id")).cidr_blocks,
        vec![m(man, "/legacy/vpc_cidr").to_string()]
    );

    let subnet = |id: &str| {
        us.ec2
            .subnets
            .iter()
            .find(|s| s.subnet_id == id)
            .unwrap_or_else(|| panic!("subnet {id} missing"))
    };
    for id in ms(man, "/hardened/public_subnet_ids")
        .iter()
        .chain(&ms(man, "/hardened/private_subnet_ids"))
    {
        let sn = subnet(id);
        assert_eq!(sn.vpc_id, m(man, "/hardened/vpc_id"));
        assert!(sn.cidr_block.as_deref().unwrap().starts_with("10.10."));
        assert_eq!(sn.ipv6_cidr_blocks.len(), 1, "{id}: {sn:?}");
        assert!(!sn.map_public_ip_on_launch);
    }
    let legacy_sn = subnet(m(man, "/legacy/public_subnet_id"));
    assert_eq!(legacy_sn.vpc_id, m(man, "/legacy/vpc_id"));
    assert!(legacy_sn.map_public_ip_on_launch);

    let rt = |id: &str| {
        us.ec2
            .route_tables
            .iter()
            .find(|r| r.route_table_id == id)
            .unwrap_or_else(|| panic!("route table {id} missing"))
    };
    let assoc = |r: &RouteTable| -> BTreeSet<String> {
        r.associations
            .iter()
            .filter_map(|a| a.subnet_id.clone())
            .collect()
    };
    let route_to = |r: &RouteTable, v4: Option<&str>, v6: Option<&str>, t: &RouteTarget| {
        r.routes.iter().any(|x| {
            x.destination_cidr_block.as_deref() == v4
                && x.destination_ipv6_cidr_block.as_deref() == v6
                && &x.target == t
        })
    };
    let igw = RouteTarget::InternetGateway(m(man, "/hardened/igw_id").into());
    let public = rt(m(man, "/hardened/public_route_table_id"));
    assert!(
        route_to(public, Some("0.0.0.0/0"), None, &igw),
        "{public:?}"
    );
    assert!(route_to(public, None, Some("::/0"), &igw), "{public:?}");
    assert_eq!(assoc(public), set(ms(man, "/hardened/public_subnet_ids")));
    let private = rt(m(man, "/hardened/private_route_table_id"));
    let nat = RouteTarget::NatGateway(m(man, "/hardened/nat_gateway_id").into());
    let eigw = RouteTarget::EgressOnlyInternetGateway(m(man, "/hardened/eigw_id").into());
    let s3 = RouteTarget::VpcEndpoint(m(man, "/hardened/s3_endpoint_id").into());
    assert!(
        route_to(private, Some("0.0.0.0/0"), None, &nat),
        "{private:?}"
    );
    assert!(route_to(private, None, Some("::/0"), &eigw), "{private:?}");
    assert!(
        private
            .routes
            .iter()
            .any(|r| r.target == s3 && r.destination_prefix_list_id.is_some()),
        "{private:?}"
    );
    assert!(
        !private
            .routes
            .iter()
            .any(|r| matches!(r.target, RouteTarget::InternetGateway(_)))
    );
    assert_eq!(assoc(private), set(ms(man, "/hardened/private_subnet_ids")));
    let legacy_rt = rt(m(man, "/legacy/public_route_table_id"));
    assert!(route_to(
        legacy_rt,
        Some("0.0.0.0/0"),
        None,
        &RouteTarget::InternetGateway(m(man, "/legacy/igw_id").into())
    ));
    assert_eq!(
        assoc(legacy_rt),
        set(vec![m(man, "/legacy/public_subnet_id").into()])
    );

    for (igw, vpc) in [
        ("/hardened/igw_id", "/hardened/vpc_id"),
        ("/legacy/igw_id", "/legacy/vpc_id"),
    ] {
        let g = us
            .ec2
            .internet_gateways
            .iter()
            .find(|g| g.internet_gateway_id == m(man, igw))
            .expect("internet gateway");
        assert_eq!(g.attached_vpc_ids, vec![m(man, vpc).to_string()]);
    }
    let e = us
        .ec2
        .egress_only_internet_gateways
        .iter()
        .find(|g| g.egress_only_internet_gateway_id == m(man, "/hardened/eigw_id"))
        .expect("egress-only IGW");
    assert_eq!(
        e.attached_vpc_ids,
        vec![m(man, "/hardened/vpc_id").to_string()]
    );
    let n = us
        .ec2
        .nat_gateways
        .iter()
        .find(|g| g.nat_gateway_id == m(man, "/hardened/nat_gateway_id"))
        .expect("NAT gateway");
    assert_eq!(
        n.public_ips,
        vec![m(man, "/hardened/nat_public_ip").to_string()]
    );

    let ep = us
        .ec2
        .vpc_endpoints
        .iter()
        .find(|e| e.vpc_endpoint_id == m(man, "/hardened/execute_api_endpoint_id"))
        .expect("execute-api endpoint");
    assert_eq!(ep.vpc_endpoint_type.as_deref(), Some("Interface"));
    assert_eq!(
        ep.service_name.as_deref(),
        Some("com.amazonaws.us-east-1.execute-api")
    );
    assert_eq!(
        ep.subnet_ids,
        sorted(ms(man, "/hardened/private_subnet_ids"))
    );
    assert_eq!(
        ep.security_group_ids,
        vec![m(man, "/hardened/nlb_sg_id").to_string()]
    );
    let pl = us
        .ec2
        .managed_prefix_lists
        .iter()
        .find(|p| p.prefix_list_id == m(man, "/hardened/prefix_list_id"))
        .expect("prefix list");
    let cidrs: Vec<&str> = pl
        .entries
        .as_ref()
        .expect("entries")
        .iter()
        .map(|e| e.cidr.as_str())
        .collect();
    assert_eq!(cidrs, vec!["198.51.100.0/24", "203.0.113.0/24"]);

    // Security groups.
    let nlb_sg = m(man, "/hardened/nlb_sg_id");
    let app = sg(us, m(man, "/hardened/app_sg_id"));
    assert_eq!(app.ingress.len(), 1, "{:?}", app.ingress);
    assert!(
        matches!(&app.ingress[0].peer, SgPeer::SecurityGroup { group_id, .. } if group_id == nlb_sg)
    );
    let corp = SgPeer::PrefixList {
        prefix_list_id: m(man, "/hardened/prefix_list_id").into(),
    };
    assert!(
        has_rule(&app.egress, "tcp", (443, 443), &corp),
        "{:?}",
        app.egress
    );
    assert!(has_rule(
        &app.egress,
        "tcp",
        (5432, 5432),
        &v4("10.10.0.0/16")
    ));
    assert!(!app.egress.iter().any(|r| r.protocol == "-1"));
    assert!(has_rule(
        &sg(us, nlb_sg).ingress,
        "tcp",
        (443, 443),
        &v4("10.10.0.0/16")
    ));
    let hdef = sg(us, m(man, "/hardened/default_sg_id"));
    assert!(
        hdef.ingress.is_empty() && hdef.egress.is_empty(),
        "{hdef:?}"
    );
    let web = sg(us, m(man, "/legacy/web_sg_id"));
    assert!(has_rule(&web.ingress, "tcp", (22, 22), &v4("0.0.0.0/0")));
    assert!(has_rule(
        &web.ingress,
        "tcp",
        (8080, 8080),
        &v4("0.0.0.0/0")
    ));
    assert!(has_rule(
        &web.ingress,
        "tcp",
        (8080, 8080),
        &SgPeer::Ipv6 {
            cidr: "::/0".into()
        }
    ));
    assert!(has_rule(
        &web.ingress,
        "tcp",
        (3389, 3389),
        &v4("198.51.100.7/32")
    ));
    let ldef = sg(us, m(man, "/legacy/default_sg_id"));
    assert_eq!(ldef.group_name, "default");
    assert!(has_rule(&ldef.ingress, "tcp", (80, 80), &v4("0.0.0.0/0")));

    // The custom NACL, in evaluation order. LocalStack, like AWS and unlike
    // moto, also lists the implicit `*` (32767) deny entries.
    let nacl = us
        .ec2
        .network_acls
        .iter()
        .find(|n| n.network_acl_id == m(man, "/hardened/nacl_id"))
        .expect("NACL");
    let nacl_subnets: BTreeSet<String> = nacl
        .associations
        .iter()
        .map(|a| a.subnet_id.clone())
        .collect();
    assert_eq!(nacl_subnets, set(ms(man, "/hardened/private_subnet_ids")));
    let entries: Vec<_> = nacl
        .entries
        .iter()
        .filter(|e| e.rule_number < 32767)
        .map(|e| {
            (
                e.egress,
                e.rule_number,
                e.rule_action.as_str(),
                e.cidr_block.as_deref().unwrap_or(""),
                e.port_range.map(|p| (p.from, p.to)),
            )
        })
        .collect();
    assert_eq!(
        entries,
        vec![
            (false, 100, "allow", "10.10.0.0/16", Some((8080, 8080))),
            (false, 110, "allow", "0.0.0.0/0", Some((1024, 3388))),
            (false, 120, "allow", "0.0.0.0/0", Some((3390, 65535))),
            (false, 200, "deny", "0.0.0.0/0", None),
            (true, 100, "allow", "10.10.0.0/16", Some((1024, 65535))),
            (true, 110, "allow", "0.0.0.0/0", Some((443, 443))),
        ]
    );
    assert!(
        nacl.entries
            .iter()
            .filter(|e| e.rule_number >= 32767)
            .all(|e| e.rule_action == "deny")
    );

    let fl = us
        .ec2
        .flow_logs
        .iter()
        .find(|f| f.flow_log_id == m(man, "/hardened/flow_log_id"))
        .expect("flow log");
    assert_eq!(fl.resource_id.as_deref(), Some(m(man, "/hardened/vpc_id")));
    assert_eq!(fl.traffic_type.as_deref(), Some("ALL"));
    assert_eq!(
        fl.log_destination_type.as_deref(),
        Some(m(man, "/hardened/flow_log_destination_type"))
    );
    assert_eq!(
        fl.deliver_logs_status.as_deref(),
        Some(m(man, "/hardened/flow_log_deliver_status"))
    );
    assert_eq!(us.ec2.ebs_encryption_by_default, Some(true));
}

fn instance<'a>(us: &'a RegionInventory, id: &str) -> &'a Instance {
    us.ec2
        .instances
        .iter()
        .find(|i| i.instance_id == id)
        .unwrap_or_else(|| panic!("instance {id} missing"))
}

fn eni<'a>(us: &'a RegionInventory, id: &str) -> &'a NetworkInterface {
    us.ec2
        .network_interfaces
        .iter()
        .find(|e| e.network_interface_id == id)
        .unwrap_or_else(|| panic!("ENI {id} missing"))
}

fn volume<'a>(us: &'a RegionInventory, id: &str) -> &'a Volume {
    us.ec2
        .volumes
        .iter()
        .find(|v| v.volume_id == id)
        .unwrap_or_else(|| panic!("volume {id} missing"))
}

fn check_compute(us: &RegionInventory, man: &Value) {
    let all: BTreeSet<String> = us
        .ec2
        .instances
        .iter()
        .map(|i| i.instance_id.to_string())
        .collect();
    let mut want = ms(man, "/hardened/instance_ids");
    want.extend(ms(man, "/legacy/instance_ids"));
    assert_eq!(all, set(want));

    let profile = m(man, "/iam/instance_profiles/api-backend");
    let private = set(ms(man, "/hardened/private_subnet_ids"));
    let hardened_vols = ms(man, "/hardened/volume_ids");
    for id in ms(man, "/hardened/instance_ids") {
        let i = instance(us, &id);
        assert_eq!(i.state.as_deref(), Some("running"));
        assert_eq!(i.vpc_id.as_deref(), Some(m(man, "/hardened/vpc_id")));
        assert!(private.contains(i.subnet_id.as_deref().unwrap()));
        assert_eq!(i.public_ip, None);
        assert_eq!(i.key_name, None);
        assert_eq!(i.iam_instance_profile_arn.as_deref(), Some(profile));
        let md = i.metadata_options.as_ref().expect("metadata options");
        assert_eq!(md.http_tokens.as_deref(), Some("required"));
        assert_eq!(md.http_put_response_hop_limit, Some(1));
        assert_eq!(md.http_endpoint.as_deref(), Some("enabled"));
        assert_eq!(i.tags.get("app").map(String::as_str), Some("orders"));
        let e = eni(us, i.network_interface_ids.first().expect("primary ENI"));
        assert_eq!(
            e.security_group_ids,
            vec![m(man, "/hardened/app_sg_id").to_string()]
        );
        assert_eq!(
            e.attachment.as_ref().and_then(|a| a.instance_id.as_deref()),
            Some(id.as_str())
        );
        assert!(e.private_ip_addresses.iter().all(|p| p.public_ip.is_none()));
        let root = i
            .block_device_mappings
            .iter()
            .find(|b| Some(&b.device_name) == i.root_device_name.as_ref())
            .expect("root mapping");
        let vol = volume(us, root.volume_id.as_deref().unwrap());
        assert!(vol.encrypted);
        assert_eq!(
            vol.kms_key_id.as_deref(),
            Some(m(man, "/hardened/kms_key_arn"))
        );
        assert_eq!(vol.attachments[0].instance_id.as_deref(), Some(id.as_str()));
        assert!(hardened_vols.contains(&vol.volume_id.to_string()));
    }

    let id = m(man, "/legacy/instance_id");
    let i = instance(us, id);
    assert_eq!(i.vpc_id.as_deref(), Some(m(man, "/legacy/vpc_id")));
    assert_eq!(i.public_ip.as_deref(), Some(m(man, "/legacy/public_ip")));
    assert_eq!(m(man, "/legacy/public_ip"), m(man, "/legacy/eip_public_ip"));
    assert_eq!(i.key_name.as_deref(), Some(m(man, "/legacy/key_name")));
    assert_eq!(i.iam_instance_profile_arn, None);
    let md = i.metadata_options.as_ref().expect("metadata options");
    assert_eq!(md.http_tokens.as_deref(), Some("optional"));
    assert_eq!(
        i.tags.get("note").map(String::as_str),
        Some(m(man, "/legacy/note_tag"))
    );
    let e = eni(us, i.network_interface_ids.first().expect("primary ENI"));
    assert_eq!(
        e.security_group_ids,
        vec![m(man, "/legacy/web_sg_id").to_string()]
    );
    assert!(
        e.private_ip_addresses
            .iter()
            .any(|p| p.public_ip.as_deref() == Some(m(man, "/legacy/public_ip"))),
        "the ENI carries the EIP: {e:?}"
    );
    let eip = us
        .ec2
        .elastic_ips
        .iter()
        .find(|x| x.allocation_id.as_deref() == Some(m(man, "/legacy/eip_allocation_id")))
        .expect("EIP");
    assert_eq!(eip.instance_id.as_deref(), Some(id));
    assert_eq!(
        eip.association_id.as_deref(),
        Some(m(man, "/legacy/eip_association_id"))
    );
    let mut attached: Vec<String> = i
        .block_device_mappings
        .iter()
        .filter_map(|b| b.volume_id.as_deref().map(str::to_string))
        .collect();
    attached.sort();
    assert_eq!(attached, sorted(ms(man, "/legacy/volume_ids")));
    for v in ms(man, "/legacy/volume_ids") {
        let vol = volume(us, &v);
        assert!(!vol.encrypted, "{v} is unencrypted: {vol:?}");
        assert_eq!(vol.attachments[0].instance_id.as_deref(), Some(id));
    }
    assert!(ms(man, "/legacy/volume_ids").contains(&m(man, "/legacy/data_volume_id").to_string()));
}

fn rest_api<'a>(us: &'a RegionInventory, id: &str) -> &'a RestApi {
    us.apigateway
        .rest_apis
        .iter()
        .find(|a| a.id == id)
        .unwrap_or_else(|| panic!("REST API {id} missing"))
}

fn check_rest_apis(us: &RegionInventory, man: &Value) {
    let ids: BTreeSet<String> = us
        .apigateway
        .rest_apis
        .iter()
        .map(|a| a.id.clone())
        .collect();
    assert_eq!(
        ids,
        set(vec![
            m(man, "/hardened/rest_api_id").into(),
            m(man, "/legacy/rest_api_id").into(),
            m(man, "/legacy/private_api_id").into(),
        ])
    );

    let api = rest_api(us, m(man, "/hardened/rest_api_id"));
    assert_eq!(api.name.as_deref(), Some("orders-api"));
    assert_eq!(api.endpoint_types, vec!["REGIONAL"]);
    assert!(
        api.policy
            .as_ref()
            .is_some_and(|p| p.get("Statement").is_some()),
        "{:?}",
        api.policy
    );
    let orders = api
        .resources
        .as_ref()
        .expect("resources")
        .iter()
        .find(|r| r.path.as_deref() == Some("/orders"))
        .expect("/orders");
    assert_eq!(orders.id, m(man, "/hardened/rest_resource_ids/~1orders"));
    let methods: Vec<_> = orders
        .methods
        .iter()
        .map(|x| {
            (
                x.http_method.as_str(),
                x.authorization_type.as_deref(),
                x.authorizer_id.as_deref(),
            )
        })
        .collect();
    assert_eq!(
        methods,
        vec![
            (
                "GET",
                Some("CUSTOM"),
                Some(m(man, "/hardened/authorizers/orders-auth"))
            ),
            ("OPTIONS", Some("NONE"), None),
            (
                "POST",
                Some("COGNITO_USER_POOLS"),
                Some(m(man, "/hardened/authorizers/orders-cognito"))
            ),
        ]
    );
    for verb in [0, 2] {
        let integ = orders.methods[verb]
            .integration
            .as_ref()
            .expect("integration");
        assert_eq!(integ.integration_type.as_deref(), Some("HTTP_PROXY"));
        assert_eq!(integ.connection_type.as_deref(), Some("VPC_LINK"));
        assert_eq!(
            integ.uri.as_deref(),
            Some(m(man, "/hardened/integration_uri"))
        );
    }
    let auth: BTreeSet<String> = api
        .authorizers
        .as_ref()
        .expect("authorizers")
        .iter()
        .map(|a| a.id.clone())
        .collect();
    assert_eq!(auth, set(ms(man, "/hardened/authorizer_ids")));
    let prod = api
        .stages
        .as_ref()
        .expect("stages")
        .iter()
        .find(|st| st.stage_name == m(man, "/hardened/stage_name"))
        .expect("prod");
    assert!(prod.tracing_enabled);
    assert_eq!(prod.web_acl_arn, None);
    assert_eq!(
        prod.deployment_id.as_deref(),
        Some(m(man, "/hardened/deployment_id"))
    );
    let all = prod
        .method_settings
        .get("*/*")
        .expect("*/* method settings");
    assert_eq!(
        (all.throttling_burst_limit, all.throttling_rate_limit),
        (Some(100), Some(50.0))
    );
    assert_eq!(all.logging_level.as_deref(), Some("INFO"));
    assert_eq!(
        prod.access_log_settings
            .as_ref()
            .and_then(|a| a.destination_arn.as_deref()),
        Some(m(man, "/hardened/access_log_destination_arn"))
    );
    assert_eq!(
        prod.variables.get("backend").map(String::as_str),
        Some("hardened")
    );

    // LocalStack answers GetVpcLinks with the id and status only.
    let link = us
        .apigateway
        .vpc_links
        .iter()
        .find(|l| l.id == m(man, "/hardened/vpc_link_id"))
        .expect("VPC link");
    assert_eq!(link.status.as_deref(), Some("AVAILABLE"));
    let plan = us
        .apigateway
        .usage_plans
        .iter()
        .find(|p| p.id == m(man, "/hardened/usage_plan_id"))
        .expect("usage plan");
    assert_eq!(
        (
            plan.api_stages[0].api_id.as_deref(),
            plan.api_stages[0].stage.as_deref()
        ),
        (Some(m(man, "/hardened/rest_api_id")), Some("prod"))
    );
    let t = plan.throttle.as_ref().expect("plan throttle");
    assert_eq!((t.burst_limit, t.rate_limit), (Some(200), Some(100.0)));
    assert_eq!(
        (plan.quota_limit, plan.quota_period.as_deref()),
        (Some(100000), Some("MONTH"))
    );

    let legacy = rest_api(us, m(man, "/legacy/rest_api_id"));
    assert_eq!(legacy.endpoint_types, vec!["EDGE"]);
    assert_eq!(legacy.policy, None);
    let items = legacy
        .resources
        .as_ref()
        .expect("resources")
        .iter()
        .find(|r| r.path.as_deref() == Some("/items"))
        .expect("/items");
    assert_eq!(items.id, m(man, "/legacy/rest_resource_ids/~1items"));
    assert_eq!(items.methods.len(), 1);
    assert_eq!(items.methods[0].authorization_type.as_deref(), Some("NONE"));
    assert!(!items.methods[0].api_key_required);
    let integ = items.methods[0].integration.as_ref().expect("integration");
    assert_eq!(integ.connection_type.as_deref(), Some("INTERNET"));
    assert_eq!(
        integ.uri.as_deref(),
        Some(m(man, "/legacy/integration_uri"))
    );
    let v1 = legacy.stages.as_ref().expect("stages");
    assert_eq!(v1.len(), 1);
    assert_eq!(v1[0].stage_name, m(man, "/legacy/stage_name"));
    assert_eq!(
        v1[0].deployment_id.as_deref(),
        Some(m(man, "/legacy/deployment_id"))
    );
    assert!(!v1[0].tracing_enabled && v1[0].access_log_settings.is_none());
    assert!(v1[0].method_settings.is_empty());

    let private = rest_api(us, m(man, "/legacy/private_api_id"));
    assert_eq!(private.endpoint_types, vec!["PRIVATE"]);
    assert_eq!(private.policy, None);
    let stages: Vec<&str> = private
        .stages
        .as_ref()
        .expect("stages")
        .iter()
        .map(|st| st.stage_name.as_str())
        .collect();
    assert_eq!(stages, vec![m(man, "/legacy/private_api_stage_name")]);
}

fn check_iam(s: &Snapshot, man: &Value) {
    let profiles: BTreeSet<String> = s
        .iam
        .instance_profiles
        .iter()
        .map(|p| p.arn.clone())
        .collect();
    let want: BTreeSet<String> = man["iam"]["instance_profiles"]
        .as_object()
        .unwrap()
        .values()
        .map(|v| v.as_str().unwrap().to_string())
        .collect();
    assert_eq!(profiles, want);
    let roles: BTreeSet<String> = s.iam.roles.iter().map(|r| r.arn.clone()).collect();
    let want_roles: BTreeSet<String> = man["iam"]["roles"]
        .as_object()
        .unwrap()
        .values()
        .map(|v| v.as_str().unwrap().to_string())
        .collect();
    assert_eq!(roles, want_roles);
    for (name, arn) in man["iam"]["roles"].as_object().unwrap() {
        let role = s.iam.roles.iter().find(|r| &r.arn == arn).unwrap();
        assert_eq!(
            role.attached_policy_arns
                .as_ref()
                .expect("attached policies"),
            &ms(man, &format!("/iam/attached/{name}"))
        );
        assert!(
            role.assume_role_policy
                .as_ref()
                .is_some_and(|p| p.to_string().contains("ec2.amazonaws.com"))
        );
    }
    let backend = s
        .iam
        .roles
        .iter()
        .find(|r| r.arn == m(man, "/iam/roles/api-backend-role"))
        .unwrap();
    let inline = backend.inline_policies.as_ref().expect("inline policies");
    assert_eq!(
        inline
            .iter()
            .map(|p| p.policy_name.clone())
            .collect::<Vec<_>>(),
        ms(man, "/iam/inline_policies/api-backend-role")
    );
    assert!(
        inline[0]
            .document
            .as_ref()
            .is_some_and(|d| d.to_string().contains("sqs:SendMessage"))
    );
    let doc = |arn: &str| {
        s.iam
            .policies
            .iter()
            .find(|p| p.arn == arn)
            .unwrap_or_else(|| panic!("policy {arn} missing"))
            .document
            .as_ref()
            .expect("policy document")
            .to_string()
    };
    assert!(doc(m(man, "/iam/policies/api-backend-read")).contains("s3:GetObject"));
    let admin = doc(m(man, "/iam/policies/AdministratorAccess"));
    assert!(
        admin.contains("\"Action\":\"*\"") && admin.contains("\"Resource\":\"*\""),
        "{admin}"
    );
}

/// Checks whose whole input is load balancer or WAF data.
const LB_OR_WAF_ONLY: &[(&str, &str)] = &[
    ("DATA-004", "elasticloadbalancing:DescribeLoadBalancers"),
    ("NET-011", "elasticloadbalancing:DescribeLoadBalancers"),
    ("EDGE-003", "wafv2:ListWebACLs"),
    ("EDGE-004", "wafv2:ListWebACLs"),
    ("EDGE-005", "wafv2:ListWebACLs"),
    ("EDGE-009", "wafv2:ListWebACLs"),
    ("EDGE-011", "wafv2:ListWebACLs"),
    // Internet-facing load balancer -> backend: without LBs, no answer.
    ("NET-010", "elasticloadbalancing:DescribeLoadBalancers"),
];

/// Checks that need no ELBv2, WAFv2 or API Gateway v2 data at all: every
/// finding is a pass or a fail.
const SELF_CONTAINED: &[&str] = &[
    "DATA-001", "DATA-002", "DATA-006", "DATA-007", "EDGE-008", "INST-001", "INST-002", "INST-003",
    "INST-004", "INST-005", "INST-006", "NET-005", "NET-006", "NET-009", "NET-012", "NET-014",
    "NET-015",
];

/// `rampart check --format json`: EC2/IAM/REST checks evaluate with the
/// verdicts the seeding implies; whatever needs LB, WAF or HTTP API data is
/// not evaluated with a reason naming the failed operation, never a pass.
fn check_report(snap: &Path, man: &Value) {
    let run = rampart(&["check", snap.to_str().unwrap(), "--format", "json"], &[]);
    assert_eq!(
        run.code, 3,
        "check of an incomplete snapshot exits 3 (no --fail-on):\n{}",
        run.stderr
    );
    let report: Report = serde_json::from_str(&run.stdout).expect("JSON report");
    assert!(!report.snapshot.complete);
    // The unserved services, GetEbsDefaultKmsKeyId and the one DescribeKey.
    assert_eq!(
        report.snapshot.collection_errors,
        UNAVAILABLE.len() + UNAVAILABLE_GLOBAL.len() + 2
    );

    let mut by_check: BTreeMap<&str, Vec<&Finding>> = BTreeMap::new();
    for f in &report.findings {
        by_check.entry(f.check_id.as_str()).or_default().push(f);
    }
    let failed_ops: Vec<&str> = UNAVAILABLE
        .iter()
        .chain(UNAVAILABLE_GLOBAL)
        .map(|(_, op)| *op)
        .chain(["ec2:GetEbsDefaultKmsKeyId", "kms:DescribeKey"])
        .collect();
    let status = |f: &Finding| f.status.as_str();
    let describe = |fs: &[&Finding]| {
        fs.iter()
            .map(|f| {
                format!(
                    "{} {} {:?}: {}",
                    f.check_id, f.resource_arn, f.status, f.message
                )
            })
            .collect::<Vec<_>>()
            .join("\n")
    };

    // Every not-evaluated finding names one of the operations that failed.
    for f in &report.findings {
        if let Status::NotEvaluated(reason) = &f.status {
            assert!(
                failed_ops.iter().any(|op| reason.contains(op)),
                "{} on {}: reason names no failed operation: {reason}",
                f.check_id,
                f.resource_arn
            );
        }
    }
    // Nothing about a load balancer, target group, listener, web ACL or HTTP
    // API ever passes: there is no such data.
    for f in &report.findings {
        let about_missing = f.resource_arn.contains(":elasticloadbalancing:")
            || f.resource_arn.contains(":wafv2:")
            || f.resource_arn.contains("::/apis/");
        assert!(
            !(about_missing && f.status == Status::Pass),
            "{} passes on {} without its data: {}",
            f.check_id,
            f.resource_arn,
            f.message
        );
    }

    for (check, op) in LB_OR_WAF_ONLY {
        let fs = by_check.get(check).map(Vec::as_slice).unwrap_or_default();
        assert!(
            !fs.is_empty(),
            "{check} reported nothing (silently skipped?)"
        );
        for f in fs {
            match &f.status {
                Status::NotEvaluated(r) => assert!(r.contains(op), "{check}: {r}"),
                _ => panic!("{check} without its data:\n{}", describe(fs)),
            }
        }
    }
    // A stage's WAF cannot be judged: WAFv2 was not collected.
    let stage_arn = |api: &str, stage: &str| {
        format!("arn:aws:apigateway:{REGION}::/restapis/{api}/stages/{stage}")
    };
    for (api, stage) in [
        (
            m(man, "/hardened/rest_api_id"),
            m(man, "/hardened/stage_name"),
        ),
        (m(man, "/legacy/rest_api_id"), m(man, "/legacy/stage_name")),
    ] {
        let arn = stage_arn(api, stage);
        let f = report
            .findings
            .iter()
            .find(|f| f.check_id == "EDGE-002" && f.resource_arn == arn)
            .unwrap_or_else(|| panic!("EDGE-002 on {arn} missing"));
        assert!(
            matches!(&f.status, Status::NotEvaluated(r) if r.contains("wafv2:ListWebACLs")),
            "{f:?}"
        );
    }
    // The LB -> target hop of DATA-005 needs the target groups.
    assert!(by_check["DATA-005"].iter().any(|f| {
        f.resource_arn.ends_with(":targetgroup/*")
            && matches!(&f.status, Status::NotEvaluated(r) if r.contains("elasticloadbalancing:DescribeTargetGroups"))
    }));
    // Every check that covers HTTP APIs says they were not collected.
    for check in [
        "DATA-003", "DATA-005", "EDGE-002", "EDGE-006", "EDGE-007", "NET-003",
    ] {
        assert!(
            by_check[check].iter().any(|f| f.resource_arn.ends_with("::/apis/*")
                && matches!(&f.status, Status::NotEvaluated(r) if r.contains("apigatewayv2:GetApis"))),
            "{check}:\n{}",
            describe(&by_check[check])
        );
    }

    // CloudTrail and GuardDuty were not collected: each region's detect
    // checks are not evaluated, naming the list that failed.
    for (check, op) in [
        ("DET-001", "cloudtrail:DescribeTrails"),
        ("DET-002", "guardduty:ListDetectors"),
        ("DET-003", "guardduty:ListDetectors"),
    ] {
        let fs = by_check.get(check).map(Vec::as_slice).unwrap_or_default();
        assert_eq!(fs.len(), 1, "{check}:\n{}", describe(fs));
        assert!(
            matches!(&fs[0].status, Status::NotEvaluated(r) if r.contains(op)),
            "{check}:\n{}",
            describe(fs)
        );
    }

    // Shield was not collected: whether the account subscribes is unknown,
    // so no entry is judged protected or not; the legacy box's direct entry
    // is not evaluated, naming the subscription state that failed.
    let shield = by_check
        .get("EDGE-014")
        .map(Vec::as_slice)
        .unwrap_or_default();
    assert!(
        !shield.is_empty()
            && shield
                .iter()
                .all(|f| matches!(f.status, Status::NotEvaluated(_))),
        "EDGE-014:\n{}",
        describe(shield)
    );
    let legacy = m(man, "/legacy/instance_id");
    assert!(
        shield.iter().any(|f| {
            (f.resource_arn.ends_with(legacy) || f.affected.iter().any(|a| a.ends_with(legacy)))
                && matches!(&f.status, Status::NotEvaluated(r) if r.contains("shield:GetSubscriptionState"))
        }),
        "EDGE-014:\n{}",
        describe(shield)
    );

    // Systems Manager was not collected: no backend is judged managed or
    // patched, every one is named.
    for check in ["INST-007", "INST-008"] {
        let fs = by_check.get(check).map(Vec::as_slice).unwrap_or_default();
        assert!(!fs.is_empty(), "{check} reported nothing");
        assert!(
            fs.iter()
                .all(|f| matches!(f.status, Status::NotEvaluated(_))),
            "{check} without Systems Manager data:
{}",
            describe(fs)
        );
    }

    // Auto Scaling was not collected: what groups launch is a named gap
    // (every template version and launch configuration of the region) for
    // the checks that judge launches, never silence.
    let launch_gap = |f: &Finding| {
        (f.resource_arn.ends_with(":launch-template/*")
            || f.resource_arn.ends_with(":launchConfiguration:*"))
            && matches!(&f.status, Status::NotEvaluated(r) if r.contains("autoscaling:DescribeAutoScalingGroups"))
    };
    for check in ["DATA-001", "INST-001", "INST-002", "INST-006", "NET-002"] {
        let fs = by_check.get(check).map(Vec::as_slice).unwrap_or_default();
        assert_eq!(
            fs.iter().filter(|f| launch_gap(f)).count(),
            2,
            "{check}:\n{}",
            describe(fs)
        );
    }

    // Nor was ECS: which tasks run, and which task definitions and roles
    // they use, is one named gap per region (`task/*`), never silence.
    let task_gap = |f: &Finding| {
        (f.resource_arn.ends_with(":task/*") || f.resource_arn.ends_with(":task-definition/*"))
            && matches!(&f.status, Status::NotEvaluated(r) if r.contains("ecs:ListClusters"))
    };
    for check in ["INST-003", "INST-014", "NET-002"] {
        let fs = by_check.get(check).map(Vec::as_slice).unwrap_or_default();
        assert!(fs.iter().any(|f| task_gap(f)), "{check}:\n{}", describe(fs));
    }

    for check in SELF_CONTAINED {
        let fs = by_check.get(check).map(Vec::as_slice).unwrap_or_default();
        assert!(!fs.is_empty(), "{check} reported nothing");
        assert!(
            fs.iter()
                .filter(|f| !launch_gap(f) && !task_gap(f))
                .all(|f| matches!(f.status, Status::Pass | Status::Fail)),
            "{check} is not evaluated without needing LB/WAF data:\n{}",
            describe(fs)
        );
    }

    // The verdicts the seeding implies.
    let instance_arn =
        |id: &str| format!("arn:aws:ec2:{REGION}:{}:instance/{id}", m(man, "/account"));
    let verdict = |check: &str, arn: &str| -> String {
        let fs: Vec<&&Finding> = by_check
            .get(check)
            .map(|v| v.iter().filter(|f| f.resource_arn == arn).collect())
            .unwrap_or_default();
        assert_eq!(fs.len(), 1, "{check} on {arn}: {fs:#?}");
        status(fs[0]).to_string()
    };
    let legacy = instance_arn(m(man, "/legacy/instance_id"));
    for check in ["INST-001", "INST-002", "INST-005", "NET-002", "EDGE-001"] {
        assert_eq!(
            verdict(check, &legacy),
            "fail",
            "{check} on the legacy instance"
        );
    }
    // The role checks are filed once on the role (issue 13 item 19), with
    // every instance that carries it listed, none on the instances.
    let role = m(man, "/iam/roles/api-backend-role");
    let hardened: BTreeSet<String> = ms(man, "/hardened/instance_ids")
        .iter()
        .map(|id| instance_arn(id))
        .collect();
    for check in ["INST-003", "INST-004"] {
        assert_eq!(verdict(check, role), "pass", "{check} on {role}");
        let f = by_check[check]
            .iter()
            .find(|f| f.resource_arn == role)
            .unwrap();
        assert_eq!(f.region, None, "{check}: IAM is global");
        assert_eq!(
            f.affected
                .iter()
                .map(|a| a.to_string())
                .collect::<BTreeSet<_>>(),
            hardened,
            "{check}"
        );
        assert!(
            !by_check[check]
                .iter()
                .any(|f| f.resource_arn.contains(":instance/")),
            "{check} filed on an instance:\n{}",
            describe(&by_check[check])
        );
    }
    for id in ms(man, "/hardened/instance_ids") {
        let arn = instance_arn(&id);
        for check in ["INST-001", "INST-002", "INST-005", "INST-006"] {
            assert_eq!(verdict(check, &arn), "pass", "{check} on {id}");
        }
        // Private, behind a VPC link to an NLB nobody could collect: whether
        // it is a backend depends on the load balancers.
        let f = by_check["NET-002"]
            .iter()
            .find(|f| f.resource_arn == arn)
            .unwrap();
        assert!(
            matches!(&f.status, Status::NotEvaluated(r) if r.contains("elasticloadbalancing:DescribeLoadBalancers")),
            "NET-002 on {id}: {f:?}"
        );
    }
    // NET-001 is filed on the route table (issue 13 item 19): the legacy
    // backend's public table fails listing it.
    let rt_arn = |id: &str| {
        format!(
            "arn:aws:ec2:{REGION}:{}:route-table/{id}",
            m(man, "/account")
        )
    };
    let net001 = |id: &str| {
        by_check["NET-001"]
            .iter()
            .find(|f| f.resource_arn == rt_arn(id))
            .unwrap_or_else(|| panic!("NET-001 on {id}:\n{}", describe(&by_check["NET-001"])))
    };
    let public = net001(m(man, "/legacy/public_route_table_id"));
    assert_eq!(status(public), "fail", "{public:?}");
    assert_eq!(public.affected, vec![legacy.clone()]);
    // The hardened table serves only instances that may be backends (the
    // load balancers were not collected): no verdict on it.
    let private = net001(m(man, "/hardened/private_route_table_id"));
    assert!(
        matches!(&private.status, Status::NotEvaluated(r) if r.contains("elasticloadbalancing:DescribeLoadBalancers")),
        "{private:?}"
    );
    assert!(private.affected.is_empty(), "{private:?}");
    // NET-004 is filed on the security group (issue 13 item 19): the legacy
    // web group fails listing the legacy backend; the hardened app group
    // cannot be judged without the load balancers.
    let group = |id: &str| {
        let arn = format!(
            "arn:aws:ec2:{REGION}:{}:security-group/{id}",
            m(man, "/account")
        );
        by_check["NET-004"]
            .iter()
            .find(|f| f.resource_arn == arn)
            .copied()
            .unwrap_or_else(|| panic!("NET-004 on {id}:\n{}", describe(&by_check["NET-004"])))
    };
    let web = group(m(man, "/legacy/web_sg_id"));
    assert_eq!(status(web), "fail", "{web:?}");
    assert_eq!(web.affected, vec![legacy.clone()]);
    let app = group(m(man, "/hardened/app_sg_id"));
    assert!(
        matches!(&app.status, Status::NotEvaluated(r) if r.contains("elasticloadbalancing:DescribeLoadBalancers")),
        "{app:?}"
    );
    // NET-010 is filed on the load balancers: without their list, one gap.
    assert!(
        by_check["NET-010"].iter().any(|f| f.resource_arn.ends_with(":loadbalancer/*")
            && matches!(&f.status, Status::NotEvaluated(r) if r.contains("elasticloadbalancing:DescribeLoadBalancers"))),
        "NET-010:\n{}",
        describe(&by_check["NET-010"])
    );
    let vol_arn = |id: &str| format!("arn:aws:ec2:{REGION}:{}:volume/{id}", m(man, "/account"));
    for v in ms(man, "/legacy/volume_ids") {
        assert_eq!(verdict("DATA-001", &vol_arn(&v)), "fail", "{v}");
    }
    for v in ms(man, "/hardened/volume_ids") {
        assert_eq!(verdict("DATA-001", &vol_arn(&v)), "pass", "{v}");
    }
    let sg_arn = |id: &str| {
        format!(
            "arn:aws:ec2:{REGION}:{}:security-group/{id}",
            m(man, "/account")
        )
    };
    assert_eq!(
        verdict("NET-005", &sg_arn(m(man, "/legacy/web_sg_id"))),
        "fail"
    );
    assert_eq!(
        verdict("NET-005", &sg_arn(m(man, "/hardened/app_sg_id"))),
        "pass"
    );
    assert_eq!(
        verdict("NET-012", &sg_arn(m(man, "/legacy/default_sg_id"))),
        "fail"
    );
    assert_eq!(
        verdict("NET-012", &sg_arn(m(man, "/hardened/default_sg_id"))),
        "pass"
    );
    let hardened_stage = stage_arn(
        m(man, "/hardened/rest_api_id"),
        m(man, "/hardened/stage_name"),
    );
    let legacy_stage = stage_arn(m(man, "/legacy/rest_api_id"), m(man, "/legacy/stage_name"));
    for check in ["DATA-003", "DATA-006", "EDGE-007"] {
        assert_eq!(verdict(check, &hardened_stage), "pass", "{check}");
        assert_eq!(verdict(check, &legacy_stage), "fail", "{check}");
    }
    assert_eq!(
        verdict(
            "EDGE-008",
            &format!(
                "arn:aws:apigateway:{REGION}::/restapis/{}",
                m(man, "/legacy/private_api_id")
            )
        ),
        "fail"
    );
}

/// `rampart paths`: the legacy instance's direct path (IGW, public EIP,
/// SG open on 22/3389/8080) is found; no path is invented for the private
/// instances, whose only way in would be the load balancer.
fn check_paths(s: &Snapshot, snap: &Path, man: &Value) {
    // Incomplete (ELBv2 and more are unavailable): a warning and exit 3.
    let run = rampart(&["paths", snap.to_str().unwrap(), "--format", "json"], &[]);
    assert_eq!(run.code, 3, "{}", run.stderr);
    assert!(run.stderr.contains("is incomplete"), "{}", run.stderr);
    let all: Vec<Value> = serde_json::from_str(&run.stdout).expect("JSON paths");
    assert_eq!(all.len(), 1, "{all:#?}");
    let p = &all[0];
    assert_eq!(p["instance_id"], m(man, "/legacy/instance_id"));
    assert_eq!(p["kind"], "direct");
    assert!(p["uncertain"].is_null(), "{p:#?}");
    let hops: Vec<(&str, &str)> = p["hops"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| (h["kind"].as_str().unwrap(), h["id"].as_str().unwrap()))
        .collect();
    let legacy = instance(
        s.regions.get(REGION).unwrap(),
        m(man, "/legacy/instance_id"),
    );
    let instance_eni = legacy.network_interface_ids[0].as_str();
    assert_eq!(
        hops,
        vec![
            ("internet", "internet"),
            ("internet-gateway", m(man, "/legacy/igw_id")),
            ("network-interface", instance_eni),
            ("instance", m(man, "/legacy/instance_id")),
        ]
    );
    let ports: Vec<(u64, u64)> = p["ports"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| (r["from"].as_u64().unwrap(), r["to"].as_u64().unwrap()))
        .collect();
    assert_eq!(ports, vec![(22, 22), (3389, 3389), (8080, 8080)]);

    let table = rampart(&["paths", snap.to_str().unwrap()], &[]);
    assert_eq!(table.code, 3, "{}", table.stderr);
    assert!(
        table.stdout.contains(m(man, "/legacy/instance_id")),
        "{}",
        table.stdout
    );
}
