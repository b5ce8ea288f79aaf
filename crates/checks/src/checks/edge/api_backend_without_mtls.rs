//! EDGE-010: a REST stage that forwards to EC2 backends without a client
//! certificate gives the backend no way to tell API Gateway's calls from
//! anyone else's: whoever reaches the load balancer or instance by another
//! path is served as if the gateway's WAF, authorizers and throttling had
//! approved the request. Only stages with at least one integration that
//! ends at an instance (an exposure path through the stage) are judged.

use std::collections::BTreeMap;

use rampart_model::Status;

use super::support::{
    is_public, missing, region_gap, regions, rest_api_arn, rest_label, rest_stage_arn,
};
use crate::registry::{Check, Context, Outcome};

pub struct ApiBackendWithoutMtls;

/// What the exposure paths say about the backends of one stage.
#[derive(Default)]
struct Backends {
    /// Instances reached by a path every hop of which is known, with one
    /// such path for the message.
    sure: BTreeMap<String, String>,
    /// Why a path through the stage may exist, when none is sure.
    uncertain: Option<String>,
}

/// Gateway paths, by (api id, stage), in one region. The gateway hop's id is
/// `API/STAGE/METHOD PATH`; stage names and API ids hold no `/`.
fn backends_by_stage(cx: &Context<'_>, region: &str) -> BTreeMap<(String, String), Backends> {
    let mut out: BTreeMap<(String, String), Backends> = BTreeMap::new();
    for (instance, exposures) in cx.exposures.in_region(region) {
        for e in exposures {
            for hop in e.path.hops.iter().filter(|h| h.kind == "api-stage") {
                let mut parts = hop.id.splitn(3, '/');
                let (Some(api), Some(stage)) = (parts.next(), parts.next()) else {
                    continue;
                };
                let entry = out.entry((api.to_string(), stage.to_string())).or_default();
                match &e.uncertain {
                    None => {
                        entry
                            .sure
                            .entry(instance.to_string())
                            .or_insert_with(|| e.path.to_string());
                    }
                    Some(why) => {
                        entry.uncertain.get_or_insert_with(|| why.clone());
                    }
                }
            }
        }
    }
    // An integration whose backend is unknown (a stage variable the stage
    // does not define): the stage may call an EC2 backend.
    for u in cx.exposures.unresolved_in(region) {
        let Some(rest) = u.resource_arn.split("::/restapis/").nth(1) else {
            continue;
        };
        let Some((api, stage)) = rest.split_once("/stages/") else {
            continue;
        };
        out.entry((api.to_string(), stage.to_string()))
            .or_default()
            .uncertain
            .get_or_insert_with(|| u.reason.clone());
    }
    out
}

/// Whether a stage of `api` may call an EC2 backend: some method's
/// integration calls HTTP (directly or through a VPC link), or is unknown.
fn may_call_ec2(api: &rampart_model::RestApi) -> bool {
    api.resources
        .iter()
        .flatten()
        .flat_map(|r| &r.methods)
        .any(|m| match &m.integration {
            None => true,
            Some(i) => !matches!(
                i.integration_type.as_deref(),
                Some("MOCK" | "AWS" | "AWS_PROXY")
            ),
        })
}

impl Check for ApiBackendWithoutMtls {
    fn meta(&self) -> &'static rampart_model::CheckMeta {
        crate::check_meta!("edge", "EDGE-010")
    }

    fn evaluate(&self, cx: &Context<'_>) -> Vec<Outcome> {
        let s = cx.snapshot;
        let mut out = Vec::new();
        for (region, inv, _) in regions(cx) {
            out.extend(region_gap(
                cx,
                region,
                &["apigateway:GetRestApis"],
                rest_api_arn(s, region, "*"),
                "REST APIs",
            ));
            let by_stage = backends_by_stage(cx, region);
            for api in inv.apigateway.rest_apis.iter().filter(|a| is_public(a)) {
                // Without stages or methods there are no paths to judge by:
                // each known stage is not evaluated (the `*` of the API when
                // its stages are unknown).
                let Some(stages) = &api.stages else {
                    let reason = missing(cx, region, "apigateway:GetStages", &api.id, || {
                        format!("the stages of {} were not collected", api.id)
                    });
                    out.push(Outcome::new(
                        rest_stage_arn(s, region, &api.id, "*"),
                        region,
                        Status::NotEvaluated(reason),
                        format!("stages of REST API {} unknown", rest_label(api)),
                    ));
                    continue;
                };
                if api.resources.is_none() {
                    let reason = missing(cx, region, "apigateway:GetResources", &api.id, || {
                        format!("the resources of {} were not collected", api.id)
                    });
                    for stage in stages {
                        out.push(Outcome::new(
                            rest_stage_arn(s, region, &api.id, &stage.stage_name),
                            region,
                            Status::NotEvaluated(reason.clone()),
                            format!(
                                "REST API {} stage {}: its methods are unknown, so are its backends",
                                rest_label(api),
                                stage.stage_name
                            ),
                        ));
                    }
                    continue;
                }
                // A stage no path goes through is not judged, unless a path
                // may be missing (an input of the region's paths was not
                // collected) and the API may call an HTTP backend.
                let hidden = may_call_ec2(api).then(|| cx.path_gap(region)).flatten();
                for stage in stages {
                    let name = format!("REST API {} stage {}", rest_label(api), stage.stage_name);
                    let Some(backends) = by_stage.get(&(api.id.clone(), stage.stage_name.clone()))
                    else {
                        if let Some(why) = &hidden {
                            out.push(Outcome::new(
                                rest_stage_arn(s, region, &api.id, &stage.stage_name),
                                region,
                                Status::NotEvaluated(why.clone()),
                                format!(
                                    "{name} may call EC2 backends that the region's incomplete exposure paths cannot show"
                                ),
                            ));
                        }
                        continue;
                    };
                    let (status, message) = match (
                        &stage.client_certificate_id,
                        backends.sure.first_key_value(),
                    ) {
                        (Some(cert), _) => (
                            Status::Pass,
                            format!("{name} presents client certificate {cert} to its backends"),
                        ),
                        (None, Some((_, path))) => {
                            let instances: Vec<&str> =
                                backends.sure.keys().map(String::as_str).collect();
                            (
                                Status::Fail,
                                format!(
                                    "{name} calls EC2 backend(s) {} without a client certificate, e.g. {path}",
                                    instances.join(", ")
                                ),
                            )
                        }
                        (None, None) => (
                            Status::NotEvaluated(backends.uncertain.clone().unwrap_or_default()),
                            format!("{name} has no client certificate and may reach EC2 backends"),
                        ),
                    };
                    out.push(Outcome::new(
                        rest_stage_arn(s, region, &api.id, &stage.stage_name),
                        region,
                        status,
                        message,
                    ));
                }
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::super::fixtures::*;
    use super::*;
    use crate::testing::*;
    use rampart_model::*;

    const NLB_DNS: &str = "int-nlb-1.elb.us-east-1.amazonaws.com";

    /// Instance `i-1` behind an internal NLB (TCP 8080, security group
    /// `sg-nlb`, the only source the instance admits), a VPC link `vl-1`
    /// to it, and a public REST API `r1` whose `GET /orders` goes through
    /// the link, with stages `prod` and `dev`; plus API `mock` whose only
    /// method is a MOCK integration, with stage `v1`.
    fn chain() -> Snapshot {
        let mut s = snapshot();
        let r = region(&mut s);
        r.ec2.subnets.push(Subnet {
            subnet_id: "subnet-1".into(),
            vpc_id: "vpc-1".into(),
            availability_zone: None,
            cidr_block: Some("10.0.0.0/24".into()),
            ipv6_cidr_blocks: vec![],
            map_public_ip_on_launch: false,
            assign_ipv6_address_on_creation: false,
            default_for_az: false,
            tags: Tags::new(),
        });
        // The NLB's own subnet: its nodes cross both NACLs to reach i-1.
        r.ec2.subnets.push(Subnet {
            subnet_id: "subnet-2".into(),
            vpc_id: "vpc-1".into(),
            availability_zone: None,
            cidr_block: Some("10.0.1.0/24".into()),
            ipv6_cidr_blocks: vec![],
            map_public_ip_on_launch: false,
            assign_ipv6_address_on_creation: false,
            default_for_az: false,
            tags: Tags::new(),
        });
        let all = |egress| NaclEntry {
            egress,
            rule_number: 100,
            protocol: "-1".into(),
            rule_action: "allow".into(),
            cidr_block: Some("0.0.0.0/0".into()),
            ipv6_cidr_block: None,
            port_range: None,
            icmp_type_code: None,
        };
        r.ec2.network_acls.push(NetworkAcl {
            network_acl_id: "acl-1".into(),
            vpc_id: "vpc-1".into(),
            is_default: true,
            entries: vec![all(false), all(true)],
            associations: vec![
                NaclAssociation {
                    association_id: None,
                    subnet_id: "subnet-1".into(),
                },
                NaclAssociation {
                    association_id: None,
                    subnet_id: "subnet-2".into(),
                },
            ],
            tags: Tags::new(),
        });
        // The app port from the NLB's security group only.
        r.ec2.security_groups.push(SecurityGroup {
            group_id: "sg-1".into(),
            group_name: "app".into(),
            vpc_id: Some("vpc-1".into()),
            owner_id: None,
            description: None,
            ingress: vec![SgRule {
                protocol: "tcp".into(),
                from_port: Some(8080),
                to_port: Some(8080),
                peer: SgPeer::SecurityGroup {
                    group_id: "sg-nlb".into(),
                    user_id: None,
                    vpc_id: None,
                    peering_status: None,
                },
                description: None,
            }],
            egress: vec![],
            tags: Tags::new(),
        });
        // The NLB's own group: its egress lets it reach the targets.
        r.ec2.security_groups.push(SecurityGroup {
            group_id: "sg-nlb".into(),
            group_name: "nlb".into(),
            vpc_id: Some("vpc-1".into()),
            owner_id: None,
            description: None,
            ingress: vec![],
            egress: vec![SgRule {
                protocol: "-1".into(),
                from_port: None,
                to_port: None,
                peer: SgPeer::Ipv4 {
                    cidr: "10.0.0.0/16".into(),
                },
                description: None,
            }],
            tags: Tags::new(),
        });
        r.ec2.network_interfaces.push(NetworkInterface {
            network_interface_id: "eni-1".into(),
            subnet_id: Some("subnet-1".into()),
            vpc_id: Some("vpc-1".into()),
            availability_zone: None,
            interface_type: Some("interface".into()),
            description: None,
            status: None,
            requester_managed: false,
            private_ip_addresses: vec![EniPrivateIp {
                private_ip: "10.0.0.10".into(),
                primary: true,
                public_ip: None,
                public_ip_owner: None,
            }],
            ipv6_addresses: vec![],
            security_group_ids: vec!["sg-1".into()],
            attachment: Some(EniAttachment {
                attachment_id: None,
                instance_id: Some("i-1".into()),
                device_index: Some(0),
                status: None,
            }),
            tags: Tags::new(),
        });
        let mut i = instance("i-1");
        i.network_interface_ids = vec!["eni-1".into()];
        r.ec2.instances.push(i);
        r.elbv2.load_balancers.push(LoadBalancer {
            eip_allocation_ids: Vec::new(),
            load_balancer_arn:
                "arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/net/int/1".into(),
            name: "int".into(),
            lb_type: Some("network".into()),
            scheme: Some("internal".into()),
            vpc_id: Some("vpc-1".into()),
            dns_name: Some(NLB_DNS.into()),
            state: Some("active".into()),
            ip_address_type: Some("ipv4".into()),
            subnet_ids: vec!["subnet-2".into()],
            security_group_ids: vec!["sg-nlb".into()],
            attributes: Some(Default::default()),
            listeners: Some(vec![Listener {
                listener_arn: "arn:listener".into(),
                port: Some(8080),
                protocol: Some("TCP".into()),
                ssl_policy: None,
                certificate_arns: vec![],
                sni_certificate_arns: Some(vec![]),
                alpn_policy: vec![],
                default_actions: vec![LbAction {
                    action_type: "forward".into(),
                    order: Some(1),
                    target_group_arns: vec!["arn:tg".into()],
                    redirect_protocol: None,
                    redirect_port: None,
                    fixed_response_status: None,
                }],
                rules: None,
            }]),
            tags: Tags::new(),
        });
        r.elbv2.target_groups.push(TargetGroup {
            attributes: None,
            target_group_arn: "arn:tg".into(),
            name: Some("app".into()),
            protocol: Some("TCP".into()),
            port: Some(8080),
            target_type: Some("instance".into()),
            vpc_id: Some("vpc-1".into()),
            load_balancer_arns: vec![
                "arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/net/int/1".into(),
            ],
            health_check_protocol: None,
            health_check_port: None,
            health_check_path: None,
            targets: Some(vec![Target {
                id: "i-1".into(),
                port: Some(8080),
                availability_zone: None,
                health_state: Some("healthy".into()),
                health_reason: None,
            }]),
        });
        r.apigateway.vpc_links.push(RestVpcLink {
            id: "vl-1".into(),
            name: None,
            target_arns: vec![
                "arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/net/int/1".into(),
            ],
            status: Some("AVAILABLE".into()),
            tags: Tags::new(),
        });
        let mut get = method("GET", "AWS_IAM");
        get.integration = Some(proxy(
            &format!("http://{NLB_DNS}:8080/orders"),
            Some("vl-1"),
        ));
        let mut api = rest_api("r1", "REGIONAL");
        api.resources = Some(vec![resource("res1", "/orders", vec![get])]);
        api.stages = Some(vec![rest_stage("prod"), rest_stage("dev")]);
        let mut mocked = method("GET", "NONE");
        mocked.integration = Some(RestIntegration {
            integration_type: Some("MOCK".into()),
            ..proxy("", None)
        });
        let mut mock = rest_api("mock", "REGIONAL");
        mock.resources = Some(vec![resource("res2", "/", vec![mocked])]);
        mock.stages = Some(vec![rest_stage("v1")]);
        r.apigateway.rest_apis = vec![api, mock];
        s
    }

    #[test]
    fn a_stage_to_ec2_with_a_client_certificate_passes_without_fails() {
        let mut s = chain();
        region(&mut s).apigateway.rest_apis[0]
            .stages
            .as_mut()
            .unwrap()[0]
            .client_certificate_id = Some("cc-1".into());
        let got = run(&ApiBackendWithoutMtls, &s);
        // The MOCK-only stage reaches no instance and is not judged.
        assert_eq!(
            statuses(&got),
            vec![("dev".into(), "fail"), ("prod".into(), "pass")]
        );
        let dev = got.iter().find(|o| o.status == Status::Fail).unwrap();
        assert_eq!(
            dev.resource_arn,
            "arn:aws:apigateway:us-east-1::/restapis/r1/stages/dev"
        );
        assert!(
            dev.message
                .contains("EC2 backend(s) i-1 without a client certificate, e.g. internet -> "),
            "{}",
            dev.message
        );
        assert!(dev.message.contains("vpclink vl-1"), "{}", dev.message);
    }

    #[test]
    fn uncertain_paths_and_missing_methods_are_not_evaluated() {
        // The NACLs of the NLB's and the backend's subnets are unknown: the
        // path through the stage may exist, so a stage without a
        // certificate is not evaluated. (Within one subnet no NACL is
        // crossed, so the NLB sits in another one here.)
        let mut s = chain();
        region(&mut s).ec2.network_acls.clear();
        fail(&mut s, "ec2:DescribeNetworkAcls");
        let got = run(&ApiBackendWithoutMtls, &s);
        assert_eq!(
            statuses(&got),
            vec![
                ("dev".into(), "not-evaluated"),
                ("prod".into(), "not-evaluated")
            ]
        );
        assert!(
            matches!(&got[0].status, Status::NotEvaluated(r) if r.contains("network ACL")),
            "{:?}",
            got[0].status
        );

        // Without the methods, each known stage is not evaluated on its
        // own (the stages are known: none may vanish behind a `*`).
        let mut s = chain();
        region(&mut s).apigateway.rest_apis[0].resources = None;
        fail(&mut s, "apigateway:GetResources");
        let got = run(&ApiBackendWithoutMtls, &s);
        assert_eq!(
            statuses(&got),
            vec![
                ("dev".into(), "not-evaluated"),
                ("prod".into(), "not-evaluated")
            ]
        );
        for o in &got {
            assert!(
                matches!(&o.status, Status::NotEvaluated(r) if r.contains("apigateway:GetResources")),
                "{o:?}"
            );
        }
        // Without the stages there is nothing to name but the API's `*`.
        let mut s = chain();
        region(&mut s).apigateway.rest_apis[0].stages = None;
        fail(&mut s, "apigateway:GetStages");
        let got = run(&ApiBackendWithoutMtls, &s);
        assert_eq!(statuses(&got), vec![("*".into(), "not-evaluated")]);
        assert_eq!(
            got[0].resource_arn,
            "arn:aws:apigateway:us-east-1::/restapis/r1/stages/*"
        );
    }

    /// Issue 14 item 3: EDGE-010 vanished from the report when any input
    /// of the exposure paths was missing (the stages were judged only when
    /// a path through them was found). A stage that may call an EC2
    /// backend is now not evaluated, naming the missing operation, when
    /// no path through it is found and the region's path inputs are
    /// incomplete; a MOCK-only stage still reaches no instance.
    #[test]
    fn a_missing_path_input_never_drops_a_stage() {
        let drop_instances = |s: &mut Snapshot| region(s).ec2.instances.clear();
        let drop_enis = |s: &mut Snapshot| region(s).ec2.network_interfaces.clear();
        let drop_subnets = |s: &mut Snapshot| region(s).ec2.subnets.clear();
        let drop_lbs = |s: &mut Snapshot| region(s).elbv2.load_balancers.clear();
        let drop_listeners = |s: &mut Snapshot| region(s).elbv2.load_balancers[0].listeners = None;
        let drop_tgs = |s: &mut Snapshot| region(s).elbv2.target_groups.clear();
        let drop_health = |s: &mut Snapshot| region(s).elbv2.target_groups[0].targets = None;
        type Drop<'a> = &'a dyn Fn(&mut Snapshot);
        let cases: [(&str, Drop<'_>); 7] = [
            ("ec2:DescribeInstances", &drop_instances),
            ("ec2:DescribeNetworkInterfaces", &drop_enis),
            ("ec2:DescribeSubnets", &drop_subnets),
            ("elasticloadbalancing:DescribeLoadBalancers", &drop_lbs),
            ("elasticloadbalancing:DescribeListeners", &drop_listeners),
            ("elasticloadbalancing:DescribeTargetGroups", &drop_tgs),
            ("elasticloadbalancing:DescribeTargetHealth", &drop_health),
        ];
        for (op, drop) in cases {
            let mut s = chain();
            drop(&mut s);
            fail(&mut s, op);
            let got = run(&ApiBackendWithoutMtls, &s);
            let stages: Vec<(String, &str)> = statuses(&got)
                .into_iter()
                .filter(|(r, _)| r != "*")
                .collect();
            assert_eq!(
                stages,
                vec![
                    ("dev".into(), "not-evaluated"),
                    ("prod".into(), "not-evaluated")
                ],
                "{op} denied: {got:#?}"
            );
            for o in got
                .iter()
                .filter(|o| o.resource_arn.contains("/restapis/r1/"))
            {
                assert!(
                    matches!(&o.status, Status::NotEvaluated(r) if r.contains(op)),
                    "{op} denied: {o:?}"
                );
            }
        }
    }
}
