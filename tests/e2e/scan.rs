//! `rampart scan` against the seeded `demo` and `partial` scenarios: every
//! seeded resource is in the snapshot with the fields and relations the
//! model needs; a second scan is identical apart from timestamps; a failing
//! operation or an unreachable service is recorded, the rest is complete,
//! and the exit code is 3.

use std::collections::BTreeSet;

use rampart_model::*;
use serde_json::Value;

use crate::harness::{Emulator, m, ms, scan};

fn region<'a>(s: &'a Snapshot, name: &str) -> &'a RegionInventory {
    s.regions
        .get(name)
        .unwrap_or_else(|| panic!("region {name} missing"))
}

fn instance<'a>(r: &'a RegionInventory, id: &str) -> &'a Instance {
    r.ec2
        .instances
        .iter()
        .find(|i| i.instance_id == id)
        .unwrap_or_else(|| panic!("instance {id} missing"))
}

fn sg<'a>(r: &'a RegionInventory, id: &str) -> &'a SecurityGroup {
    r.ec2
        .security_groups
        .iter()
        .find(|g| g.group_id == id)
        .unwrap_or_else(|| panic!("security group {id} missing"))
}

fn has_rule(rules: &[SgRule], protocol: &str, from: i32, to: i32, peer: &SgPeer) -> bool {
    rules.iter().any(|r| {
        r.protocol == protocol
            && r.from_port == Some(from)
            && r.to_port == Some(to)
            && &r.peer == peer
    })
}

fn ipv4(cidr: &str) -> SgPeer {
    SgPeer::Ipv4 { cidr: cidr.into() }
}

#[test]
fn demo_scenario_is_collected_in_full_and_rescans_identically() {
    let emu = Emulator::start();
    let man = emu.seed("demo");
    let (run, snap) = scan(&emu, &emu.dir().join("first.json"), &[]);
    assert_eq!(run.code, 0, "scan failed:\n{}\n{}", run.stdout, run.stderr);
    let s = snap.expect("snapshot written");

    assert_eq!(s.schema_version, SCHEMA_VERSION);
    assert_eq!(s.account_id, m(&man, "/account"));
    assert_eq!(s.partition, "aws");
    assert!(
        s.is_complete(),
        "unexpected errors: {:#?}",
        s.collection_errors
    );
    assert_eq!(
        s.region_names().collect::<Vec<_>>(),
        vec!["eu-west-1", "us-east-1"]
    );
    assert!(
        run.stdout.contains("collection errors: none"),
        "{}",
        run.stdout
    );
    assert!(run.stdout.contains("(complete)"), "{}", run.stdout);
    // CloudFront, with the VPC origin vpc-edge names (issue 16 item 1).
    assert!(
        run.stdout.contains(
            "  cloudfront 4 distribution(s), 1 CLOUDFRONT-scope web ACL(s), 1 VPC origin(s)"
        ),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout.contains(
            "  us-east-1 ecs: 2 cluster(s), 1 service(s), 2 running task(s); cloud map: 1 service(s)"
        ),
        "{}",
        run.stdout
    );

    let us = region(&s, "us-east-1");
    check_hardened_network(us, &man);
    check_hardened_compute(us, &man);
    check_load_balancers(us, &man);
    check_rest_apis(us, &man);
    check_http_api(us, &man);
    check_waf(us, &man);
    check_legacy(us, &man);
    check_iam(&s, &man);
    check_containers(&s, us, &man);
    check_eu(region(&s, "eu-west-1"), &man);

    // Nothing secret is ever collected.
    let raw = std::fs::read_to_string(emu.dir().join("first.json")).unwrap();
    assert!(
        !raw.contains(m(&man, "/userdata_secret")),
        "user data leaked into the snapshot"
    );
    assert!(!raw.contains("SecretAccessKey") && !raw.contains("\"test\""));

    // A second scan of the same state is identical apart from timestamps.
    let (run2, snap2) = scan(&emu, &emu.dir().join("second.json"), &[]);
    assert_eq!(run2.code, 0, "{}", run2.stderr);
    let mut a = s.clone();
    let mut b = snap2.expect("second snapshot");
    for x in [&mut a, &mut b] {
        x.collected_at = time::OffsetDateTime::UNIX_EPOCH;
        x.scan_duration_ms = 0;
    }
    assert_eq!(a, b, "two scans of one state differ");
}

fn check_hardened_network(us: &RegionInventory, man: &Value) {
    let h = "/hardened";
    let vpc_id = m(man, "/hardened/vpc_id");
    let vpc = us
        .ec2
        .vpcs
        .iter()
        .find(|v| v.vpc_id == vpc_id)
        .expect("hardened VPC");
    assert_eq!(
        vpc.cidr_blocks,
        vec![m(man, "/hardened/vpc_cidr").to_string()]
    );
    assert_eq!(
        vpc.ipv6_cidr_blocks,
        vec![m(man, "/hardened/vpc_ipv6_cidr").to_string()]
    );
    assert!(!vpc.is_default);

    for id in ms(man, "/hardened/private_subnet_ids")
        .iter()
        .chain(&ms(man, "/hardened/public_subnet_ids"))
    {
        let subnet = us
            .ec2
            .subnets
            .iter()
            .find(|s| &s.subnet_id == id)
            .expect("subnet");
        assert_eq!(subnet.vpc_id, vpc_id);
        assert!(subnet.cidr_block.as_deref().unwrap().starts_with("10.10."));
        assert_eq!(subnet.ipv6_cidr_blocks.len(), 1, "subnet {id} IPv6 block");
    }

    let igw = m(man, "/hardened/igw_id");
    let public_rt = us
        .ec2
        .route_tables
        .iter()
        .find(|r| r.route_table_id == m(man, "/hardened/public_route_table_id"))
        .expect("public route table");
    let to_igw = RouteTarget::InternetGateway(igw.into());
    assert!(public_rt.routes.iter().any(|r| r.destination_cidr_block.as_deref() == Some("0.0.0.0/0") && r.target == to_igw));
    assert!(public_rt.routes.iter().any(|r| r.destination_ipv6_cidr_block.as_deref() == Some("::/0") && r.target == to_igw));
    assert!(
        public_rt
            .routes
            .iter()
            .any(|r| r.target == RouteTarget::Local)
    );
    let assoc: BTreeSet<_> = public_rt
        .associations
        .iter()
        .filter_map(|a| a.subnet_id.clone())
        .collect();
    assert_eq!(
        assoc,
        ms(man, "/hardened/public_subnet_ids").into_iter().collect()
    );

    let private_rt = us
        .ec2
        .route_tables
        .iter()
        .find(|r| r.route_table_id == m(man, "/hardened/private_route_table_id"))
        .expect("private route table");
    let nat = RouteTarget::NatGateway(m(man, "/hardened/nat_gateway_id").into());
    let eigw = RouteTarget::EgressOnlyInternetGateway(m(man, "/hardened/eigw_id").into());
    let s3 = RouteTarget::VpcEndpoint(m(man, "/hardened/s3_endpoint_id").into());
    assert!(
        private_rt
            .routes
            .iter()
            .any(|r| r.destination_cidr_block.as_deref() == Some("0.0.0.0/0") && r.target == nat)
    );
    assert!(
        private_rt
            .routes
            .iter()
            .any(|r| r.destination_ipv6_cidr_block.as_deref() == Some("::/0") && r.target == eigw)
    );
    assert!(
        private_rt
            .routes
            .iter()
            .any(|r| r.target == s3 && r.destination_prefix_list_id.is_some())
    );
    assert!(
        !private_rt
            .routes
            .iter()
            .any(|r| matches!(r.target, RouteTarget::InternetGateway(_)))
    );
    assert!(
        us.ec2
            .route_tables
            .iter()
            .any(|r| r.vpc_id == vpc_id && r.is_main()),
        "main table"
    );

    let igw_rec = us
        .ec2
        .internet_gateways
        .iter()
        .find(|g| g.internet_gateway_id == igw)
        .expect("igw");
    assert_eq!(igw_rec.attached_vpc_ids, vec![vpc_id.to_string()]);
    let eigw_rec = us
        .ec2
        .egress_only_internet_gateways
        .iter()
        .find(|g| g.egress_only_internet_gateway_id == m(man, "/hardened/eigw_id"))
        .expect("eigw");
    assert_eq!(eigw_rec.attached_vpc_ids, vec![vpc_id.to_string()]);
    let nat_rec = us
        .ec2
        .nat_gateways
        .iter()
        .find(|n| n.nat_gateway_id == m(man, "/hardened/nat_gateway_id"))
        .expect("nat");
    assert_eq!(
        nat_rec.public_ips,
        vec![m(man, "/hardened/nat_public_ip").to_string()]
    );

    let api_vpce = us
        .ec2
        .vpc_endpoints
        .iter()
        .find(|e| e.vpc_endpoint_id == m(man, "/hardened/execute_api_endpoint_id"))
        .expect("execute-api endpoint");
    assert_eq!(
        api_vpce.service_name.as_deref(),
        Some("com.amazonaws.us-east-1.execute-api")
    );
    assert_eq!(api_vpce.vpc_endpoint_type.as_deref(), Some("Interface"));
    let mut want_subnets = ms(man, "/hardened/private_subnet_ids");
    want_subnets.sort();
    assert_eq!(api_vpce.subnet_ids, want_subnets);
    assert_eq!(
        api_vpce.security_group_ids,
        vec![m(man, "/hardened/nlb_sg_id").to_string()]
    );

    let pl = us
        .ec2
        .managed_prefix_lists
        .iter()
        .find(|p| p.prefix_list_id == m(man, "/hardened/prefix_list_id"))
        .expect("prefix list");
    let cidrs: Vec<_> = pl
        .entries
        .as_ref()
        .expect("entries")
        .iter()
        .map(|e| e.cidr.as_str())
        .collect();
    assert_eq!(cidrs, vec!["198.51.100.0/24", "203.0.113.0/24"]);

    let nlb_sg = m(man, "/hardened/nlb_sg_id");
    let alb_sg = m(man, "/cloudfront/distributions/alb-edge/alb_sg_id");
    let app = sg(us, m(man, "/hardened/app_sg_id"));
    let mut peers: Vec<&str> = app
        .ingress
        .iter()
        .map(|r| {
            assert_eq!((r.from_port, r.to_port), (Some(8080), Some(8080)), "{r:?}");
            match &r.peer {
                SgPeer::SecurityGroup { group_id, .. } => group_id.as_str(),
                other => panic!("app SG admits only its load balancers: {other:?}"),
            }
        })
        .collect();
    peers.sort();
    let mut want = vec![nlb_sg, alb_sg];
    want.sort();
    assert_eq!(peers, want, "app SG admits only the NLB and origin-alb");
    // origin-alb admits HTTPS from CloudFront's origin-facing list only.
    let alb = sg(us, alb_sg);
    assert_eq!(alb.ingress.len(), 1, "{:?}", alb.ingress);
    assert!(has_rule(
        &alb.ingress,
        "tcp",
        443,
        443,
        &SgPeer::PrefixList {
            prefix_list_id: m(
                man,
                "/cloudfront/distributions/alb-edge/cloudfront_prefix_list_id"
            )
            .into()
        }
    ));
    let cf_list = us
        .ec2
        .managed_prefix_lists
        .iter()
        .find(|p| {
            p.prefix_list_id
                == m(
                    man,
                    "/cloudfront/distributions/alb-edge/cloudfront_prefix_list_id",
                )
        })
        .expect("CloudFront's list is collected");
    assert_eq!(
        (
            cf_list.prefix_list_name.as_deref(),
            cf_list.owner_id.as_deref()
        ),
        (
            Some("com.amazonaws.global.cloudfront.origin-facing"),
            Some("AWS")
        )
    );
    let pl_peer = SgPeer::PrefixList {
        prefix_list_id: m(man, "/hardened/prefix_list_id").into(),
    };
    assert!(has_rule(&app.egress, "tcp", 443, 443, &pl_peer));
    assert!(has_rule(
        &app.egress,
        "tcp",
        5432,
        5432,
        &ipv4("10.10.0.0/16")
    ));
    assert!(
        !app.egress.iter().any(|r| r.protocol == "-1"),
        "default egress was revoked"
    );
    assert!(has_rule(
        &sg(us, nlb_sg).ingress,
        "tcp",
        443,
        443,
        &ipv4("10.10.0.0/16")
    ));

    let nacl = us
        .ec2
        .network_acls
        .iter()
        .find(|n| n.network_acl_id == m(man, "/hardened/nacl_id"))
        .expect("nacl");
    let assoc: BTreeSet<_> = nacl
        .associations
        .iter()
        .map(|a| a.subnet_id.clone())
        .collect();
    assert_eq!(
        assoc,
        ms(man, "/hardened/private_subnet_ids")
            .into_iter()
            .collect()
    );
    // AWS also lists the implicit `*` (32767) deny; moto does not. Evaluation
    // denies what no entry matches either way, so only explicit entries count.
    let inbound: Vec<_> = nacl
        .entries
        .iter()
        .filter(|e| !e.egress && e.rule_number < 32767)
        .map(|e| (e.rule_number, e.rule_action.as_str(), e.port_range))
        .collect();
    assert_eq!(
        inbound,
        vec![
            (
                100,
                "allow",
                Some(PortRange {
                    from: 8080,
                    to: 8080
                })
            ),
            (
                110,
                "allow",
                Some(PortRange {
                    from: 1024,
                    to: 3388
                })
            ),
            (
                120,
                "allow",
                Some(PortRange {
                    from: 3390,
                    to: 65535
                })
            ),
            (200, "deny", None),
        ],
        "{h} NACL inbound entries in evaluation order"
    );
    assert!(
        nacl.entries.iter().any(|e| e.egress
            && e.rule_number == 110
            && e.cidr_block.as_deref() == Some("0.0.0.0/0"))
    );

    let fl = us
        .ec2
        .flow_logs
        .iter()
        .find(|f| f.flow_log_id == m(man, "/hardened/flow_log_id"))
        .expect("flow log");
    assert_eq!(fl.resource_id.as_deref(), Some(vpc_id));
    assert_eq!(fl.log_destination_type.as_deref(), Some("s3"));
    assert_eq!(us.ec2.ebs_encryption_by_default, Some(true));
}

fn check_hardened_compute(us: &RegionInventory, man: &Value) {
    let profile = m(man, "/iam/instance_profiles/api-backend");
    let private: BTreeSet<_> = ms(man, "/hardened/private_subnet_ids")
        .into_iter()
        .collect();
    for id in ms(man, "/hardened/instance_ids") {
        let i = instance(us, &id);
        assert_eq!(i.vpc_id.as_deref(), Some(m(man, "/hardened/vpc_id")));
        assert!(private.contains(i.subnet_id.as_deref().unwrap()));
        assert_eq!(i.public_ip, None);
        assert_eq!(i.key_name, None);
        assert_eq!(i.iam_instance_profile_arn.as_deref(), Some(profile));
        let md = i.metadata_options.as_ref().expect("metadata options");
        assert_eq!(md.http_tokens.as_deref(), Some("required"));
        assert_eq!(md.http_put_response_hop_limit, Some(1));
        assert_eq!(i.tags.get("app").map(String::as_str), Some("orders"));
        // The ENI is the authoritative place for groups and addresses.
        let eni_id = i.network_interface_ids.first().expect("primary ENI");
        let eni = us
            .ec2
            .network_interfaces
            .iter()
            .find(|e| e.network_interface_id == *eni_id)
            .expect("ENI");
        assert_eq!(
            eni.security_group_ids,
            vec![m(man, "/hardened/app_sg_id").to_string()]
        );
        assert_eq!(
            eni.attachment
                .as_ref()
                .and_then(|a| a.instance_id.as_deref()),
            Some(id.as_str())
        );
        assert!(
            eni.private_ip_addresses
                .iter()
                .all(|p| p.public_ip.is_none())
        );
        // Root volume: attached, encrypted with the seeded key.
        let root = i
            .block_device_mappings
            .iter()
            .find(|b| Some(&b.device_name) == i.root_device_name.as_ref())
            .expect("root mapping");
        let vol = us
            .ec2
            .volumes
            .iter()
            .find(|v| Some(&v.volume_id) == root.volume_id.as_ref())
            .expect("root volume");
        assert!(vol.encrypted);
        assert_eq!(
            vol.kms_key_id.as_deref(),
            Some(m(man, "/hardened/kms_key_arn"))
        );
        assert_eq!(vol.attachments[0].instance_id.as_deref(), Some(id.as_str()));
        assert!(ms(man, "/hardened/volume_ids").contains(&vol.volume_id.to_string()));
    }
}

fn check_load_balancers(us: &RegionInventory, man: &Value) {
    let lb = us
        .elbv2
        .load_balancers
        .iter()
        .find(|l| l.load_balancer_arn == m(man, "/hardened/nlb_arn"))
        .expect("internal NLB");
    assert_eq!(lb.lb_type.as_deref(), Some("network"));
    assert_eq!(lb.scheme.as_deref(), Some("internal"));
    assert_eq!(lb.dns_name.as_deref(), Some(m(man, "/hardened/nlb_dns")));
    let mut subnets = ms(man, "/hardened/private_subnet_ids");
    subnets.sort();
    assert_eq!(lb.subnet_ids, subnets);
    assert_eq!(
        lb.security_group_ids,
        vec![m(man, "/hardened/nlb_sg_id").to_string()]
    );
    let attrs = lb.attributes.as_ref().expect("attributes");
    assert_eq!(
        attrs.get("access_logs.s3.enabled").map(String::as_str),
        Some("true")
    );
    assert_eq!(
        attrs.get("access_logs.s3.bucket").map(String::as_str),
        Some(m(man, "/hardened/lb_log_bucket"))
    );
    let listeners = lb.listeners.as_ref().expect("listeners");
    // 443 to the instances; 8443 to the ECS tasks (issue 16 item 3).
    assert_eq!(listeners.len(), 2);
    let l = listeners
        .iter()
        .find(|l| l.listener_arn == m(man, "/hardened/listener_arn"))
        .expect("the 443 listener");
    let tasks = listeners
        .iter()
        .find(|l| l.listener_arn == m(man, "/containers/hardened/listener_arn"))
        .expect("the 8443 listener");
    assert_eq!(
        (tasks.protocol.as_deref(), tasks.port),
        (Some("TLS"), Some(8443))
    );
    assert_eq!(
        tasks.default_actions[0].target_group_arns,
        vec![m(man, "/containers/hardened/tg_arn").to_string()]
    );
    assert_eq!((l.protocol.as_deref(), l.port), (Some("TLS"), Some(443)));
    assert_eq!(
        l.ssl_policy.as_deref(),
        Some("ELBSecurityPolicy-TLS13-1-2-2021-06")
    );
    assert_eq!(
        l.certificate_arns,
        vec![m(man, "/hardened/acm_certificate_arn").to_string()]
    );
    assert_eq!(l.default_actions[0].action_type, "forward");
    assert_eq!(
        l.default_actions[0].target_group_arns,
        vec![m(man, "/hardened/tg_arn").to_string()]
    );
    assert_eq!(
        lb.tags.get("Name").map(String::as_str),
        Some("hardened-int-nlb")
    );

    let tg = us
        .elbv2
        .target_groups
        .iter()
        .find(|t| t.target_group_arn == m(man, "/hardened/tg_arn"))
        .expect("target group");
    assert_eq!(
        (tg.protocol.as_deref(), tg.port, tg.target_type.as_deref()),
        (Some("TLS"), Some(8080), Some("instance"))
    );
    assert_eq!(
        tg.load_balancer_arns,
        vec![m(man, "/hardened/nlb_arn").to_string()]
    );
    let targets: BTreeSet<_> = tg
        .targets
        .as_ref()
        .expect("targets")
        .iter()
        .map(|t| t.id.clone())
        .collect();
    assert_eq!(
        targets,
        ms(man, "/hardened/instance_ids").into_iter().collect()
    );
    assert!(
        tg.targets
            .as_ref()
            .unwrap()
            .iter()
            .all(|t| t.health_state.is_some())
    );

    let pub_lb = us
        .elbv2
        .load_balancers
        .iter()
        .find(|l| l.load_balancer_arn == m(man, "/legacy/nlb_arn"))
        .expect("public NLB");
    assert_eq!(pub_lb.scheme.as_deref(), Some("internet-facing"));
    assert!(pub_lb.security_group_ids.is_empty());
    // AWS lists every attribute with its default; moto only those ever set.
    assert_ne!(
        pub_lb
            .attributes
            .as_ref()
            .expect("attributes collected")
            .get("access_logs.s3.enabled")
            .map(String::as_str),
        Some("true")
    );
    let pl = &pub_lb.listeners.as_ref().unwrap()[0];
    assert_eq!((pl.protocol.as_deref(), pl.port), (Some("TCP"), Some(80)));
    let ltg = us
        .elbv2
        .target_groups
        .iter()
        .find(|t| t.target_group_arn == m(man, "/legacy/tg_arn"))
        .expect("legacy TG");
    assert_eq!(
        ltg.targets
            .as_ref()
            .unwrap()
            .iter()
            .map(|t| t.id.as_str())
            .collect::<Vec<_>>(),
        vec![m(man, "/legacy/instance_id")]
    );
}

fn check_rest_apis(us: &RegionInventory, man: &Value) {
    let api = us
        .apigateway
        .rest_apis
        .iter()
        .find(|a| a.id == m(man, "/hardened/rest_api_id"))
        .expect("orders-api");
    assert_eq!(api.endpoint_types, vec!["REGIONAL"]);
    assert!(
        api.policy
            .as_ref()
            .is_some_and(|p| p.get("Statement").is_some()),
        "resource policy parsed: {:?}",
        api.policy
    );
    let resources = api.resources.as_ref().expect("resources");
    let orders = resources
        .iter()
        .find(|r| r.path.as_deref() == Some("/orders"))
        .expect("/orders");
    assert_eq!(orders.id, m(man, "/hardened/rest_resource_ids/~1orders"));
    let verbs: Vec<_> = orders
        .methods
        .iter()
        .map(|x| x.http_method.as_str())
        .collect();
    assert_eq!(verbs, vec!["GET", "OPTIONS", "POST"]);
    let get = &orders.methods[0];
    assert_eq!(get.authorization_type.as_deref(), Some("CUSTOM"));
    assert_eq!(
        get.authorizer_id.as_deref(),
        Some(m(man, "/hardened/authorizers/orders-auth"))
    );
    let integ = get.integration.as_ref().expect("integration");
    assert_eq!(integ.integration_type.as_deref(), Some("HTTP_PROXY"));
    assert_eq!(integ.connection_type.as_deref(), Some("VPC_LINK"));
    assert_eq!(
        integ.uri.as_deref(),
        Some(m(man, "/hardened/integration_uri"))
    );
    assert_eq!(
        orders.methods[1].authorization_type.as_deref(),
        Some("NONE")
    );
    assert_eq!(
        orders.methods[2].authorization_type.as_deref(),
        Some("COGNITO_USER_POOLS")
    );
    let auth_ids: BTreeSet<_> = api
        .authorizers
        .as_ref()
        .expect("authorizers")
        .iter()
        .map(|a| a.id.clone())
        .collect();
    assert_eq!(
        auth_ids,
        ms(man, "/hardened/authorizer_ids").into_iter().collect()
    );
    let cognito = api
        .authorizers
        .as_ref()
        .unwrap()
        .iter()
        .find(|a| a.name.as_deref() == Some("orders-cognito"))
        .unwrap();
    assert_eq!(
        cognito.authorizer_type.as_deref(),
        Some("COGNITO_USER_POOLS")
    );
    assert_eq!(cognito.provider_arns.len(), 1);

    let stages = api.stages.as_ref().expect("stages");
    let prod = stages
        .iter()
        .find(|s| s.stage_name == m(man, "/hardened/stage_name"))
        .expect("prod");
    assert!(prod.tracing_enabled);
    assert_eq!(
        prod.web_acl_arn.as_deref(),
        Some(m(man, "/hardened/web_acl_arn"))
    );
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

    let link = us
        .apigateway
        .vpc_links
        .iter()
        .find(|l| l.id == m(man, "/hardened/vpc_link_id"))
        .expect("VPC link");
    assert_eq!(
        link.target_arns,
        vec![m(man, "/hardened/nlb_arn").to_string()]
    );
    let plan = us
        .apigateway
        .usage_plans
        .iter()
        .find(|p| p.id == m(man, "/hardened/usage_plan_id"))
        .expect("usage plan");
    assert_eq!(
        plan.api_stages[0].api_id.as_deref(),
        Some(m(man, "/hardened/rest_api_id"))
    );
    assert_eq!(plan.api_stages[0].stage.as_deref(), Some("prod"));
    let throttle = plan.throttle.as_ref().expect("plan throttle");
    assert_eq!(
        (throttle.burst_limit, throttle.rate_limit),
        (Some(200), Some(100.0))
    );
    let domain = us
        .apigateway
        .domain_names
        .iter()
        .find(|d| d.domain_name == m(man, "/hardened/domain_name"))
        .expect("domain");
    assert_eq!(domain.security_policy.as_deref(), Some("TLS_1_2"));
    assert_eq!(domain.endpoint_types, vec!["REGIONAL"]);

    let legacy = us
        .apigateway
        .rest_apis
        .iter()
        .find(|a| a.id == m(man, "/legacy/rest_api_id"))
        .expect("legacy-api");
    assert_eq!(legacy.endpoint_types, vec!["EDGE"]);
    let items = legacy
        .resources
        .as_ref()
        .unwrap()
        .iter()
        .find(|r| r.path.as_deref() == Some("/items"))
        .expect("/items");
    assert_eq!(items.methods[0].authorization_type.as_deref(), Some("NONE"));
    assert!(!items.methods[0].api_key_required);
    assert_eq!(
        items.methods[0]
            .integration
            .as_ref()
            .unwrap()
            .connection_type
            .as_deref(),
        Some("INTERNET")
    );
    assert_eq!(
        items.methods[0]
            .integration
            .as_ref()
            .unwrap()
            .uri
            .as_deref(),
        Some(m(man, "/legacy/integration_uri"))
    );
    let v1 = &legacy.stages.as_ref().unwrap()[0];
    assert_eq!(v1.stage_name, "v1");
    assert_eq!(v1.web_acl_arn, None);
    assert_eq!(v1.access_log_settings, None);
    assert!(v1.method_settings.is_empty());

    let private = us
        .apigateway
        .rest_apis
        .iter()
        .find(|a| a.id == m(man, "/legacy/private_api_id"))
        .expect("private api");
    assert_eq!(private.endpoint_types, vec!["PRIVATE"]);
    assert_eq!(private.policy, None);
}

fn check_http_api(us: &RegionInventory, man: &Value) {
    let api = us
        .apigatewayv2
        .apis
        .iter()
        .find(|a| a.api_id == m(man, "/http_api/api_id"))
        .expect("HTTP API");
    assert_eq!(api.protocol_type.as_deref(), Some("HTTP"));
    let routes = api.routes.as_ref().expect("routes");
    let keys: Vec<_> = routes
        .iter()
        .map(|r| (r.route_key.as_str(), r.authorization_type.as_deref()))
        .collect();
    assert_eq!(
        keys,
        vec![
            ("GET /health", Some("NONE")),
            ("POST /orders", Some("AWS_IAM"))
        ]
    );
    let integ = &api.integrations.as_ref().expect("integrations")[0];
    assert_eq!(integ.integration_id, m(man, "/http_api/integration_id"));
    assert_eq!(integ.connection_type.as_deref(), Some("VPC_LINK"));
    assert_eq!(
        integ.connection_id.as_deref(),
        Some(m(man, "/http_api/vpc_link_id"))
    );
    // Seeded without a TlsConfig: plaintext to the private integration.
    assert!(!integ.tls_configured && integ.tls_server_name_to_verify.is_none());
    assert_eq!(
        integ.integration_uri.as_deref(),
        Some(m(man, "/legacy/listener_arn"))
    );
    assert_eq!(
        routes[0].target.as_deref(),
        Some(format!("integrations/{}", integ.integration_id).as_str())
    );
    let stage = &api.stages.as_ref().expect("stages")[0];
    assert_eq!(stage.stage_name, "$default");
    let drs = stage
        .default_route_settings
        .as_ref()
        .expect("default route settings");
    assert_eq!(
        (drs.throttling_burst_limit, drs.throttling_rate_limit),
        (Some(10), Some(5.0))
    );
    assert!(stage.access_log_settings.is_some());
    // No route names an authorizer, so none were listed (and none exist).
    assert_eq!(api.authorizers.as_deref(), Some(&[][..]));
    let link = us
        .apigatewayv2
        .vpc_links
        .iter()
        .find(|l| l.vpc_link_id == m(man, "/http_api/vpc_link_id"))
        .expect("v2 link");
    assert_eq!(
        link.security_group_ids,
        vec![m(man, "/legacy/web_sg_id").to_string()]
    );
    assert_eq!(
        link.subnet_ids,
        vec![m(man, "/legacy/public_subnet_id").to_string()]
    );
}

fn check_waf(us: &RegionInventory, man: &Value) {
    let acl = us
        .wafv2
        .web_acls
        .iter()
        .find(|a| a.arn == m(man, "/hardened/web_acl_arn"))
        .expect("web ACL");
    assert_eq!(acl.default_action.as_deref(), Some("allow"));
    let rules = acl.rules.as_ref().expect("rules");
    let groups: Vec<_> = rules
        .iter()
        .filter_map(|r| match &r.statement {
            WafStatement::ManagedRuleGroup {
                vendor_name,
                name,
                rule_action_overrides,
                ..
            } => Some((
                vendor_name.as_str(),
                name.as_str(),
                r.override_action.as_deref(),
                rule_action_overrides.clone(),
            )),
            _ => None,
        })
        .collect();
    assert_eq!(groups.len(), 3);
    assert_eq!(groups[0].1, "AWSManagedRulesCommonRuleSet");
    assert_eq!(groups[0].2, Some("none"));
    assert!(
        groups.iter().all(|g| g.3.is_empty()),
        "orders-waf overrides nothing"
    );
    assert_eq!(groups[1].1, "AWSManagedRulesKnownBadInputsRuleSet");
    assert_eq!(groups[2].1, "AWSManagedRulesSQLiRuleSet");
    let rate = rules
        .iter()
        .find(|r| matches!(r.statement, WafStatement::RateBased { .. }))
        .expect("rate rule");
    assert_eq!(rate.action.as_deref(), Some("block"));
    assert!(matches!(
        rate.statement,
        WafStatement::RateBased { limit: 2000, .. }
    ));
    assert_eq!(
        acl.associated_resources,
        Some(vec![m(man, "/hardened/stage_arn").to_string()])
    );
    assert_eq!(
        acl.logging_destinations,
        Some(vec![
            m(man, "/hardened/waf_log_destination_arn").to_string()
        ])
    );

    // The unattached staging ACL tunes one rule in COUNT.
    let staging = us
        .wafv2
        .web_acls
        .iter()
        .find(|a| a.arn == m(man, "/staging_waf/web_acl_arn"))
        .expect("staging ACL");
    assert_eq!(staging.associated_resources, Some(vec![]));
    assert_eq!(staging.logging_destinations, Some(vec![]));
    match &staging.rules.as_ref().expect("rules")[0].statement {
        WafStatement::ManagedRuleGroup {
            rule_action_overrides,
            ..
        } => assert_eq!(
            rule_action_overrides,
            &vec![RuleActionOverride {
                name: "SizeRestrictions_BODY".into(),
                action: Some("count".into())
            }]
        ),
        other => panic!("{other:?}"),
    }
}

fn check_legacy(us: &RegionInventory, man: &Value) {
    let id = m(man, "/legacy/instance_id");
    let i = instance(us, id);
    assert_eq!(i.public_ip.as_deref(), Some(m(man, "/legacy/public_ip")));
    assert_eq!(i.key_name.as_deref(), Some(m(man, "/legacy/key_name")));
    assert_eq!(i.iam_instance_profile_arn, None);
    assert_eq!(
        i.metadata_options.as_ref().unwrap().http_tokens.as_deref(),
        Some("optional")
    );
    assert_eq!(
        i.tags.get("note").map(String::as_str),
        Some(m(man, "/legacy/note_tag"))
    );
    let eni = us
        .ec2
        .network_interfaces
        .iter()
        .find(|e| e.attachment.as_ref().and_then(|a| a.instance_id.as_deref()) == Some(id))
        .expect("legacy ENI");
    assert_eq!(
        eni.security_group_ids,
        vec![m(man, "/legacy/web_sg_id").to_string()]
    );
    assert!(
        eni.private_ip_addresses
            .iter()
            .any(|p| p.public_ip.as_deref() == Some(m(man, "/legacy/public_ip"))),
        "ENI carries the EIP: {eni:?}"
    );
    let eip = us
        .ec2
        .elastic_ips
        .iter()
        .find(|e| e.allocation_id.as_deref() == Some(m(man, "/legacy/eip_allocation_id")))
        .expect("EIP");
    assert_eq!(eip.instance_id.as_deref(), Some(id));
    assert_eq!(
        eip.association_id.as_deref(),
        Some(m(man, "/legacy/eip_association_id"))
    );

    let web = sg(us, m(man, "/legacy/web_sg_id"));
    assert!(has_rule(&web.ingress, "tcp", 22, 22, &ipv4("0.0.0.0/0")));
    assert!(has_rule(
        &web.ingress,
        "tcp",
        8080,
        8080,
        &ipv4("0.0.0.0/0")
    ));
    assert!(has_rule(
        &web.ingress,
        "tcp",
        8080,
        8080,
        &SgPeer::Ipv6 {
            cidr: "::/0".into()
        }
    ));
    assert!(has_rule(
        &web.ingress,
        "tcp",
        3389,
        3389,
        &ipv4("198.51.100.7/32")
    ));
    assert!(
        web.egress
            .iter()
            .any(|r| r.protocol == "-1" && r.peer == ipv4("0.0.0.0/0"))
    );
    let default = sg(us, m(man, "/legacy/default_sg_id"));
    assert_eq!(default.group_name, "default");
    assert!(has_rule(
        &default.ingress,
        "tcp",
        80,
        80,
        &ipv4("0.0.0.0/0")
    ));

    let subnet = us
        .ec2
        .subnets
        .iter()
        .find(|s| s.subnet_id == m(man, "/legacy/public_subnet_id"))
        .expect("legacy subnet");
    assert!(subnet.map_public_ip_on_launch);
    for v in ms(man, "/legacy/volume_ids") {
        let vol = us
            .ec2
            .volumes
            .iter()
            .find(|x| x.volume_id == v)
            .expect("legacy volume");
        assert!(!vol.encrypted, "{v} is unencrypted");
        assert_eq!(vol.attachments[0].instance_id.as_deref(), Some(id));
    }
}

fn check_iam(s: &Snapshot, man: &Value) {
    let profiles: BTreeSet<_> = s
        .iam
        .instance_profiles
        .iter()
        .map(|p| p.arn.clone())
        .collect();
    let want: BTreeSet<_> = man["iam"]["instance_profiles"]
        .as_object()
        .unwrap()
        .values()
        .map(|v| v.as_str().unwrap().to_string())
        .collect();
    assert_eq!(profiles, want);
    let role = s
        .iam
        .roles
        .iter()
        .find(|r| r.arn == m(man, "/iam/roles/api-backend-role"))
        .expect("role");
    assert_eq!(
        role.attached_policy_arns.as_ref().unwrap(),
        &ms(man, "/iam/attached/api-backend-role")
    );
    let inline = role.inline_policies.as_ref().expect("inline");
    assert_eq!(
        inline
            .iter()
            .map(|p| p.policy_name.clone())
            .collect::<Vec<_>>(),
        ms(man, "/iam/inline_policies/api-backend-role")
    );
    let doc = inline[0].document.as_ref().expect("inline document");
    assert!(doc.to_string().contains("sqs:SendMessage"), "{doc}");
    assert!(
        role.assume_role_policy
            .as_ref()
            .unwrap()
            .to_string()
            .contains("ec2.amazonaws.com")
    );
    let read = s
        .iam
        .policies
        .iter()
        .find(|p| p.arn == m(man, "/iam/policies/api-backend-read"))
        .expect("managed policy");
    assert!(
        read.document
            .as_ref()
            .unwrap()
            .to_string()
            .contains("s3:GetObject")
    );
    let admin = s
        .iam
        .policies
        .iter()
        .find(|p| p.arn == m(man, "/iam/policies/AdministratorAccess"))
        .expect("AdministratorAccess");
    let doc = admin.document.as_ref().unwrap().to_string();
    assert!(
        doc.contains("\"Action\":\"*\"") && doc.contains("\"Resource\":\"*\""),
        "{doc}"
    );
}

/// ECS and Cloud Map (issue 16 items 3 and 4), as seeded: both clusters
/// with their running tasks and interfaces, the service with its network
/// configuration, load balancer and registry, the task definitions (roles,
/// user, read-only root, a count of secrets, never their values), the task
/// roles (kept for their ECS trust), the Cloud Map instance with only the
/// attributes AWS defines.
fn check_containers(s: &Snapshot, us: &RegionInventory, man: &Value) {
    let ecs = us.ecs.as_ref().expect("ecs collected");
    let clusters: Vec<&str> = ecs
        .clusters
        .iter()
        .map(|c| c.cluster_arn.as_str())
        .collect();
    let mut want = ms(man, "/containers/cluster_arns");
    want.sort();
    assert_eq!(clusters, want);
    for story in ["hardened", "legacy"] {
        let arn = m(man, &format!("/containers/{story}/task_arn"));
        let t = ecs
            .tasks()
            .find(|t| t.task_arn == arn)
            .unwrap_or_else(|| panic!("task {arn}"));
        assert_eq!(
            t.network_interface_id.as_deref(),
            Some(m(man, &format!("/containers/{story}/eni_id")))
        );
        assert_eq!(
            t.private_ipv4.as_deref(),
            Some(m(man, &format!("/containers/{story}/private_ip")))
        );
        assert_eq!(
            t.subnet_id.as_deref(),
            Some(m(man, &format!("/containers/{story}/subnet_id")))
        );
        assert_eq!(
            t.group.as_deref(),
            Some(m(man, &format!("/containers/{story}/group")))
        );
        assert_eq!(t.launch_type.as_deref(), Some("FARGATE"));
        assert_eq!(t.last_status.as_deref(), Some("RUNNING"));
        let eni = us
            .ec2
            .network_interfaces
            .iter()
            .find(|e| Some(e.network_interface_id.as_str()) == t.network_interface_id.as_deref())
            .expect("the task's interface");
        assert!(
            eni.attachment
                .as_ref()
                .and_then(|a| a.instance_id.as_ref())
                .is_none()
        );
        let public = eni.private_ip_addresses[0].public_ip.as_deref();
        assert_eq!(
            public,
            man["containers"][story]["public_ip"].as_str(),
            "{eni:?}"
        );
    }
    let svc = ecs
        .services()
        .find(|x| x.service_arn == m(man, "/containers/hardened/service_arn"))
        .expect("service orders-api");
    let net = svc.network.as_ref().expect("awsvpc configuration");
    assert!(!net.assigns_public_ip());
    assert_eq!(
        net.security_groups,
        vec![m(man, "/containers/hardened/task_sg_id").to_string()]
    );
    assert_eq!(
        svc.load_balancers[0].target_group_arn.as_deref(),
        Some(m(man, "/containers/hardened/tg_arn"))
    );
    assert_eq!(
        svc.service_registries[0].registry_arn.as_deref(),
        Some(m(man, "/containers/cloudmap/service_arn"))
    );
    let def = |story: &str| {
        ecs.task_definition(m(man, &format!("/containers/{story}/task_definition_arn")))
            .unwrap_or_else(|| panic!("{story} task definition"))
    };
    let h = def("hardened");
    assert_eq!(
        h.task_role_arn.as_deref(),
        Some(m(man, "/containers/roles/orders-task-role"))
    );
    assert_eq!(h.network_mode.as_deref(), Some("awsvpc"));
    let c = &h.containers[0];
    assert_eq!(
        (
            c.user.as_deref(),
            c.readonly_root_filesystem,
            c.privileged,
            c.secrets_referenced
        ),
        (Some("1000:1000"), Some(true), Some(false), 1)
    );
    assert_eq!(c.port_mappings[0].container_port, Some(8443));
    let l = def("legacy");
    assert_eq!(
        l.task_role_arn.as_deref(),
        Some(m(man, "/containers/roles/legacy-task-admin"))
    );
    assert_eq!(l.containers[0].user, None);
    for name in ["orders-task-role", "legacy-task-admin"] {
        let r = s
            .iam
            .roles
            .iter()
            .find(|r| r.arn == m(man, &format!("/containers/roles/{name}")))
            .unwrap_or_else(|| panic!("task role {name} kept for its ECS trust"));
        assert!(r.attached_policy_arns.is_some() && r.inline_policies.is_some());
    }
    let map = us.cloudmap.as_ref().expect("cloudmap collected");
    let svc = map
        .service(m(man, "/containers/cloudmap/service_arn"))
        .expect("Cloud Map service");
    let inst = &svc.instances.as_ref().expect("instances")[0];
    assert_eq!(
        inst.ipv4.as_deref(),
        Some(m(man, "/containers/hardened/private_ip"))
    );
    assert_eq!(inst.port, Some(8443));
    assert_eq!(inst.ecs_service_name.as_deref(), Some("orders-api"));
}

fn check_eu(eu: &RegionInventory, man: &Value) {
    let i = instance(eu, m(man, "/eu/instance_id"));
    assert_eq!(i.vpc_id.as_deref(), Some(m(man, "/eu/vpc_id")));
    assert_eq!(
        i.iam_instance_profile_arn.as_deref(),
        Some(m(man, "/iam/instance_profiles/legacy-admin"))
    );
    assert!(eu.ec2.vpcs.iter().any(|v| v.is_default));
    assert_eq!(eu.ec2.ebs_encryption_by_default, Some(false));
    assert!(eu.apigateway.rest_apis.is_empty() && eu.elbv2.load_balancers.is_empty());
}

#[test]
fn failing_operation_is_recorded_and_the_rest_is_complete() {
    // `partial` adds a route with a JWT authorizer, so the collector must list
    // the API's authorizers, which moto answers with a 500.
    let emu = Emulator::start();
    let man = emu.seed("partial");
    let (run, snap) = scan(&emu, &emu.dir().join("partial.json"), &[]);
    assert_eq!(
        run.code, 3,
        "incomplete scan exits 3:\n{}\n{}",
        run.stdout, run.stderr
    );
    let s = snap.expect("snapshot written despite the failure");
    let api_id = m(&man, "/http_api/api_id");
    assert_eq!(s.collection_errors.len(), 1, "{:#?}", s.collection_errors);
    let e = &s.collection_errors[0];
    assert_eq!(e.operation, "apigatewayv2:GetAuthorizers");
    assert_eq!(e.region.as_deref(), Some("us-east-1"));
    assert_eq!(e.resource.as_deref(), Some(api_id));
    assert_eq!(e.kind, ErrorKind::Unavailable);
    assert!(
        run.stdout.contains("apigatewayv2:GetAuthorizers") && run.stdout.contains("INCOMPLETE"),
        "{}",
        run.stdout
    );

    let us = region(&s, "us-east-1");
    let api = us
        .apigatewayv2
        .apis
        .iter()
        .find(|a| a.api_id == api_id)
        .unwrap();
    assert_eq!(
        api.authorizers, None,
        "not collected is None, never an empty list"
    );
    let me = api
        .routes
        .as_ref()
        .unwrap()
        .iter()
        .find(|r| r.route_key == "GET /me")
        .expect("GET /me");
    assert_eq!(
        me.authorizer_id.as_deref(),
        man["http_api"]["authorizer_id"].as_str()
    );
    // Everything else is there.
    check_hardened_compute(us, &man);
    check_load_balancers(us, &man);
    check_rest_apis(us, &man);
    check_waf(us, &man);
    check_iam(&s, &man);
}

#[test]
fn unreachable_service_is_recorded_and_the_rest_is_complete() {
    let emu = Emulator::start();
    let man = emu.seed("demo");
    // Nothing listens on port 1: every WAFv2 call fails to connect.
    let (run, snap) = scan(
        &emu,
        &emu.dir().join("nowaf.json"),
        &[("AWS_ENDPOINT_URL_WAFV2", "http://127.0.0.1:1")],
    );
    assert_eq!(run.code, 3, "{}\n{}", run.stdout, run.stderr);
    let s = snap.expect("snapshot");
    // The CLOUDFRONT-scope list (global) is recorded without a region.
    let ops: BTreeSet<_> = s
        .collection_errors
        .iter()
        .map(|e| (e.operation.as_str(), e.region.as_deref()))
        .collect();
    assert_eq!(
        ops,
        BTreeSet::from([
            ("wafv2:ListWebACLs", None),
            ("wafv2:ListWebACLs", Some("eu-west-1")),
            ("wafv2:ListWebACLs", Some("us-east-1"))
        ])
    );
    assert!(
        s.collection_errors
            .iter()
            .all(|e| e.kind == ErrorKind::Unavailable)
    );
    let us = region(&s, "us-east-1");
    assert!(us.wafv2.web_acls.is_empty());
    check_hardened_network(us, &man);
    check_rest_apis(us, &man);
}

#[test]
fn role_arn_is_assumed_before_scanning() {
    let emu = Emulator::start();
    let role = "arn:aws:iam::123456789012:role/rampart-audit";
    let out = emu.dir().join("assumed.json");
    let env = crate::harness::emulator_env(&emu.url);
    let env: Vec<(&str, &str)> = env.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let run = crate::harness::rampart(
        &[
            "scan",
            "--role-arn",
            role,
            "--external-id",
            "ext-42",
            "--out",
            out.to_str().unwrap(),
        ],
        &env,
    );
    assert_eq!(run.code, 0, "{}\n{}", run.stdout, run.stderr);
    let s = Snapshot::load(&out).unwrap();
    // The scan ran as the assumed role's session, in the configured region.
    assert_eq!(
        s.caller_arn,
        "arn:aws:sts::123456789012:assumed-role/rampart-audit/rampart-scan"
    );
    assert_eq!(s.region_names().collect::<Vec<_>>(), vec!["us-east-1"]);
    // And says so: the role, and the credentials that assumed it.
    assert_eq!(
        s.credential_source.as_deref(),
        Some("assumed role arn:aws:iam::123456789012:role/rampart-audit via environment")
    );
}
