//! `make bench`: evaluation time on synthetic accounts of growing size, split
//! into index / paths / checks / scorecard, to show the evaluation is
//! indexed (near-linear), not quadratic. Results are recorded in
//! docs/performance.md. Run with `cargo bench -p rampart-checks --bench evaluate`.

#![allow(clippy::disallowed_macros)] // a benchmark reports on stdout

use std::collections::{BTreeMap, BTreeSet};
use std::time::{Duration, Instant};

use rampart_checks::index::Index;
use rampart_checks::paths::Exposures;
use rampart_checks::{layer_of, registry, scorecard};
use rampart_model::*;

/// A deterministic account: `instances` instances over subnets of 100, one
/// ENI each with two of `sgs` security groups (10 rules each), every tenth
/// with a public IP in a public subnet, an NLB per 100 instances (every
/// fifth internet-facing) with a target group of its instances, a REST API
/// per 500 instances with five methods through a VPC link, one volume per
/// instance.
fn synthetic(instances: usize, sgs: usize) -> Snapshot {
    let region = "us-east-1";
    let mut inv = RegionInventory::default();
    let ec2 = &mut inv.ec2;
    let vpc = "vpc-1".to_string();
    ec2.vpcs.push(Vpc {
        vpc_id: vpc.clone(),
        owner_id: None,
        state: None,
        is_default: false,
        cidr_blocks: vec!["10.0.0.0/8".into()],
        ipv6_cidr_blocks: vec![],
        tags: Tags::new(),
    });
    let route = |target: RouteTarget| Route {
        destination_cidr_block: Some("0.0.0.0/0".into()),
        destination_ipv6_cidr_block: None,
        destination_prefix_list_id: None,
        target,
        state: Some("active".into()),
        origin: None,
    };
    let n_subnets = instances.div_ceil(100).max(1);
    let mut public_assoc = vec![];
    for s in 0..n_subnets {
        let id = format!("subnet-{s}");
        ec2.subnets.push(Subnet {
            subnet_id: id.clone(),
            vpc_id: vpc.clone(),
            availability_zone: None,
            cidr_block: Some(format!("10.{}.{}.0/24", s / 256, s % 256)),
            ipv6_cidr_blocks: vec![],
            map_public_ip_on_launch: false,
            assign_ipv6_address_on_creation: false,
            default_for_az: false,
            tags: Tags::new(),
        });
        if s % 10 == 0 {
            public_assoc.push(RouteTableAssociation {
                association_id: None,
                main: false,
                subnet_id: Some(id),
                gateway_id: None,
            });
        }
    }
    ec2.route_tables.push(RouteTable {
        route_table_id: "rtb-main".into(),
        vpc_id: vpc.clone(),
        routes: vec![route(RouteTarget::NatGateway("nat-1".into()))],
        associations: vec![RouteTableAssociation {
            association_id: None,
            main: true,
            subnet_id: None,
            gateway_id: None,
        }],
        tags: Tags::new(),
    });
    ec2.route_tables.push(RouteTable {
        route_table_id: "rtb-public".into(),
        vpc_id: vpc.clone(),
        routes: vec![route(RouteTarget::InternetGateway("igw-1".into()))],
        associations: public_assoc,
        tags: Tags::new(),
    });
    let allow_all = |egress| NaclEntry {
        egress,
        rule_number: 100,
        protocol: "-1".into(),
        rule_action: "allow".into(),
        cidr_block: Some("0.0.0.0/0".into()),
        ipv6_cidr_block: None,
        port_range: None,
        icmp_type_code: None,
    };
    ec2.network_acls.push(NetworkAcl {
        network_acl_id: "acl-1".into(),
        vpc_id: vpc.clone(),
        is_default: true,
        entries: vec![allow_all(false), allow_all(true)],
        associations: (0..n_subnets)
            .map(|s| NaclAssociation {
                association_id: None,
                subnet_id: format!("subnet-{s}"),
            })
            .collect(),
        tags: Tags::new(),
    });
    let cidr = |c: &str| SgPeer::Ipv4 { cidr: c.into() };
    for g in 0..sgs {
        let rules = (0..10)
            .map(|r| SgRule {
                protocol: "tcp".into(),
                from_port: Some(if r == 0 && g % 50 == 0 { 22 } else { 8000 + r }),
                to_port: Some(if r == 0 && g % 50 == 0 { 22 } else { 8000 + r }),
                peer: match r % 3 {
                    0 => cidr(if g % 7 == 0 {
                        "0.0.0.0/0"
                    } else {
                        "10.0.0.0/8"
                    }),
                    1 => SgPeer::SecurityGroup {
                        group_id: format!("sg-{}", (g + 1) % sgs),
                        user_id: None,
                        vpc_id: None,
                        peering_status: None,
                    },
                    _ => cidr("192.168.0.0/16"),
                },
                description: None,
            })
            .collect();
        ec2.security_groups.push(SecurityGroup {
            group_id: format!("sg-{g}"),
            group_name: if g == 0 {
                "default".into()
            } else {
                format!("g{g}")
            },
            vpc_id: Some(vpc.clone()),
            owner_id: None,
            description: None,
            ingress: rules,
            egress: vec![SgRule {
                protocol: "-1".into(),
                from_port: None,
                to_port: None,
                peer: cidr("0.0.0.0/0"),
                description: None,
            }],
            tags: Tags::new(),
        });
    }
    for n in 0..instances {
        let id = format!("i-{n:08x}");
        let eni = format!("eni-{n:08x}");
        let subnet = format!("subnet-{}", n / 100);
        let public = (n / 100) % 10 == 0;
        ec2.network_interfaces.push(NetworkInterface {
            network_interface_id: eni.clone(),
            subnet_id: Some(subnet.clone()),
            vpc_id: Some(vpc.clone()),
            availability_zone: None,
            interface_type: Some("interface".into()),
            description: None,
            status: None,
            requester_managed: false,
            private_ip_addresses: vec![EniPrivateIp {
                private_ip: format!("10.{}.{}.{}", (n / 100) / 256, (n / 100) % 256, n % 100 + 4),
                primary: true,
                public_ip: public
                    .then(|| format!("54.{}.{}.{}", n / 65536 % 256, n / 256 % 256, n % 256)),
                public_ip_owner: None,
            }],
            ipv6_addresses: vec![],
            security_group_ids: vec![
                format!("sg-{}", n % sgs),
                format!("sg-{}", (n * 7 + 3) % sgs),
            ],
            attachment: Some(EniAttachment {
                attachment_id: None,
                instance_id: Some(id.clone()),
                device_index: Some(0),
                status: None,
            }),
            tags: Tags::new(),
        });
        ec2.volumes.push(Volume {
            volume_id: format!("vol-{n:08x}"),
            size_gib: Some(8),
            volume_type: None,
            encrypted: n % 3 != 0,
            kms_key_id: None,
            state: None,
            availability_zone: None,
            attachments: vec![VolumeAttachment {
                instance_id: Some(id.clone()),
                device: Some("/dev/xvda".into()),
                state: None,
                delete_on_termination: None,
            }],
            tags: Tags::new(),
        });
        ec2.instances.push(Instance {
            instance_id: id,
            state: Some("running".into()),
            instance_type: None,
            image_id: None,
            vpc_id: Some(vpc.clone()),
            subnet_id: Some(subnet),
            private_ip: None,
            public_ip: None,
            ipv6_addresses: vec![],
            network_interface_ids: vec![eni],
            security_group_ids: vec![],
            metadata_options: Some(MetadataOptions {
                http_tokens: Some(if n % 4 == 0 { "optional" } else { "required" }.into()),
                http_endpoint: Some("enabled".into()),
                http_put_response_hop_limit: Some(1),
                http_protocol_ipv6: None,
                instance_metadata_tags: None,
                state: None,
            }),
            iam_instance_profile_arn: None,
            key_name: None,
            root_device_name: None,
            block_device_mappings: vec![],
            launch_time: None,
            platform: None,
            tags: Tags::new(),
        });
    }
    let elb = &mut inv.elbv2;
    for l in 0..instances.div_ceil(100) {
        let lb_arn = format!("arn:aws:elasticloadbalancing:{region}:1:loadbalancer/net/lb{l}/x");
        let tg_arn = format!("arn:aws:elasticloadbalancing:{region}:1:targetgroup/tg{l}/x");
        elb.load_balancers.push(LoadBalancer {
            load_balancer_arn: lb_arn.clone(),
            name: format!("lb{l}"),
            lb_type: Some("network".into()),
            scheme: Some(
                if l % 5 == 0 {
                    "internet-facing"
                } else {
                    "internal"
                }
                .into(),
            ),
            vpc_id: Some(vpc.clone()),
            dns_name: Some(format!("lb{l}.elb.example")),
            state: None,
            ip_address_type: None,
            subnet_ids: vec!["subnet-0".into()],
            security_group_ids: vec![],
            attributes: Some(BTreeMap::new()),
            listeners: Some(vec![Listener {
                listener_arn: format!(
                    "arn:aws:elasticloadbalancing:{region}:1:listener/net/lb{l}/x/1"
                ),
                port: Some(443),
                protocol: Some("TLS".into()),
                ssl_policy: None,
                certificate_arns: vec![],
                alpn_policy: vec![],
                default_actions: vec![LbAction {
                    action_type: "forward".into(),
                    order: None,
                    target_group_arns: vec![tg_arn.clone()],
                    redirect_protocol: None,
                    redirect_port: None,
                    fixed_response_status: None,
                }],
                rules: None,
            }]),
            tags: Tags::new(),
        });
        elb.target_groups.push(TargetGroup {
            target_group_arn: tg_arn,
            name: Some(format!("tg{l}")),
            protocol: Some("TCP".into()),
            port: Some(8000),
            target_type: Some("instance".into()),
            vpc_id: None,
            load_balancer_arns: vec![lb_arn],
            health_check_protocol: None,
            health_check_port: None,
            health_check_path: None,
            targets: Some(
                (l * 100..(l * 100 + 100).min(instances))
                    .map(|n| Target {
                        id: format!("i-{n:08x}"),
                        port: Some(8000),
                        availability_zone: None,
                        health_state: None,
                        health_reason: None,
                    })
                    .collect(),
            ),
        });
    }
    for a in 0..instances.div_ceil(500) {
        inv.apigateway.vpc_links.push(RestVpcLink {
            id: format!("link{a}"),
            name: None,
            target_arns: vec![format!(
                "arn:aws:elasticloadbalancing:{region}:1:loadbalancer/net/lb{}/x",
                a * 5 + 1
            )],
            status: None,
            tags: Tags::new(),
        });
        inv.apigateway.rest_apis.push(RestApi {
            id: format!("api{a}"),
            name: None,
            endpoint_types: vec!["REGIONAL".into()],
            vpc_endpoint_ids: vec![],
            policy: None,
            disable_execute_api_endpoint: false,
            api_key_source: None,
            resources: Some(vec![ApiResource {
                id: "r1".into(),
                parent_id: None,
                path: Some("/x".into()),
                methods: ["GET", "POST", "PUT", "DELETE", "PATCH"]
                    .iter()
                    .map(|m| RestMethod {
                        http_method: m.to_string(),
                        authorization_type: Some("NONE".into()),
                        authorizer_id: None,
                        api_key_required: false,
                        authorization_scopes: vec![],
                        integration: Some(RestIntegration {
                            integration_type: Some("HTTP_PROXY".into()),
                            http_method: None,
                            uri: Some(format!("https://lb{}.elb.example:443/x", a * 5 + 1)),
                            connection_type: Some("VPC_LINK".into()),
                            connection_id: Some(format!("link{a}")),
                            tls_insecure_skip_verification: None,
                            timeout_in_millis: None,
                        }),
                    })
                    .collect(),
            }]),
            authorizers: Some(vec![]),
            stages: Some(vec![RestStage {
                stage_name: "prod".into(),
                deployment_id: None,
                client_certificate_id: None,
                tracing_enabled: false,
                web_acl_arn: None,
                cache_cluster_enabled: false,
                method_settings: BTreeMap::new(),
                access_log_settings: None,
                variables: BTreeMap::new(),
                tags: Tags::new(),
            }]),
            tags: Tags::new(),
        });
    }
    inv.ec2.ebs_encryption_by_default = Some(false);
    Snapshot {
        schema_version: SCHEMA_VERSION,
        tool: ToolInfo {
            name: "rampart".into(),
            version: TOOL_VERSION.into(),
        },
        collected_at: time::OffsetDateTime::UNIX_EPOCH,
        scan_duration_ms: 0,
        account_id: "1".into(),
        partition: "aws".into(),
        caller_arn: String::new(),
        api_calls: BTreeMap::new(),
        collection_errors: vec![],
        iam: IamInventory::default(),
        regions: BTreeMap::from([(region.to_string(), inv)]),
    }
}

fn ms(d: Duration) -> String {
    format!("{:.1}", d.as_secs_f64() * 1000.0)
}

fn main() {
    // `cargo bench` passes `--bench`; accept an optional size list after it.
    let sizes: Vec<(usize, usize)> = vec![(1_000, 500), (10_000, 5_000), (40_000, 20_000)];
    println!(
        "| instances | SGs | resources | index ms | paths ms | checks ms | scorecard ms | total ms | findings | backends |"
    );
    println!("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |");
    for (n, g) in sizes {
        let snap = synthetic(n, g);
        let inv = &snap.regions["us-east-1"];
        let resources = inv.ec2.instances.len()
            + inv.ec2.security_groups.len()
            + inv.ec2.network_interfaces.len()
            + inv.ec2.volumes.len()
            + inv.ec2.subnets.len()
            + inv.elbv2.load_balancers.len()
            + inv.elbv2.target_groups.len()
            + inv.apigateway.rest_apis.len();
        // Best of 3 runs of each phase (the machine is shared).
        let mut best = [Duration::MAX; 4];
        let mut counts = (0, 0);
        for _ in 0..3 {
            let t0 = Instant::now();
            let index = Index::new(&snap);
            let t1 = Instant::now();
            let exposures = Exposures::compute(&index);
            let t2 = Instant::now();
            let findings = registry::run_with(&snap, &index, &exposures, &BTreeSet::new());
            let t3 = Instant::now();
            let cards = scorecard::scorecards(&index, &exposures, &findings, &layer_of);
            let t4 = Instant::now();
            for (slot, d) in best.iter_mut().zip([t1 - t0, t2 - t1, t3 - t2, t4 - t3]) {
                *slot = (*slot).min(d);
            }
            counts = (findings.len(), cards.len());
        }
        let total: Duration = best.iter().sum();
        if n == 10_000 {
            // Where the check time goes, slowest first (one run each).
            let index = Index::new(&snap);
            let exposures = Exposures::compute(&index);
            let mut per: Vec<(Duration, &str)> = registry::CHECKS
                .iter()
                .map(|c| {
                    let only = BTreeSet::from([c.meta().id.clone()]);
                    let t = Instant::now();
                    registry::run_with(&snap, &index, &exposures, &only);
                    (t.elapsed(), c.meta().id.as_str())
                })
                .collect();
            per.sort_by_key(|p| std::cmp::Reverse(p.0));
            let top: Vec<String> = per
                .iter()
                .take(8)
                .map(|(d, id)| format!("{id} {}", ms(*d)))
                .collect();
            eprintln!("slowest checks at 10k (ms): {}", top.join(", "));
        }
        println!(
            "| {n} | {g} | {resources} | {} | {} | {} | {} | {} | {} | {} |",
            ms(best[0]),
            ms(best[1]),
            ms(best[2]),
            ms(best[3]),
            ms(total),
            counts.0,
            counts.1
        );
    }
}
