//! Snapshot fragments for the network checks' tests: small builders plus
//! [`demo`], a miniature of the seeded demo account with both stories side
//! by side (one region, two VPCs):
//!
//! - **hardened** `vpc-h`: backend `i-h1` (ENI `eni-h1`, SG `sg-happ`
//!   admitting 8080 only from `sg-hnlb`) in private subnet `subnet-happ`
//!   (0.0.0.0/0 to a NAT, ::/0 to an egress-only IGW, NACL `acl-happ`),
//!   behind internal NLB `nlb-h` (TLS 443, SG `sg-hnlb`, target group
//!   `tg-h` 8080), reached by REST API `api-h` through VPC link `vl-h`; the
//!   public subnet `subnet-hpub` keeps the default NACL `acl-hdef`; a VPC
//!   flow log;
//! - **legacy** `vpc-l`: backend `i-l1` (ENI `eni-l1`, an EIP in moto's
//!   127/8 style, SG `sg-lweb`: 22 and 8080 from the world, default egress)
//!   in public subnet `subnet-lpub` with the open default NACL `acl-ldef`,
//!   behind internet-facing NLB `nlb-l` (no SGs, TCP 80 -> `tg-l` 8080),
//!   called over the internet by REST API `api-l`; no flow log.

use rampart_model::*;

use crate::testing::{instance, region, snapshot};

pub(crate) fn tags() -> Tags {
    Tags::new()
}

pub(crate) fn subnet(id: &str, vpc: &str, cidr: &str) -> Subnet {
    Subnet {
        subnet_id: id.into(),
        vpc_id: vpc.into(),
        availability_zone: Some("us-east-1a".into()),
        cidr_block: Some(cidr.into()),
        ipv6_cidr_blocks: vec![],
        map_public_ip_on_launch: false,
        assign_ipv6_address_on_creation: false,
        default_for_az: false,
        tags: tags(),
    }
}

pub(crate) fn route(dest: &str, target: RouteTarget) -> Route {
    let v6 = dest.contains(':');
    Route {
        destination_cidr_block: (!v6).then(|| dest.to_string()),
        destination_ipv6_cidr_block: v6.then(|| dest.to_string()),
        destination_prefix_list_id: None,
        target,
        state: Some("active".into()),
        origin: Some("CreateRoute".into()),
    }
}

pub(crate) fn igw(id: &str) -> RouteTarget {
    RouteTarget::InternetGateway(id.into())
}

pub(crate) fn route_table(id: &str, vpc: &str, routes: Vec<Route>, subnets: &[&str]) -> RouteTable {
    RouteTable {
        route_table_id: id.into(),
        vpc_id: vpc.into(),
        routes,
        associations: subnets
            .iter()
            .map(|s| RouteTableAssociation {
                association_id: None,
                main: false,
                subnet_id: Some(s.to_string()),
                gateway_id: None,
            })
            .collect(),
        tags: tags(),
    }
}

/// One NACL entry; `proto` in NACL spelling (`-1`, `6`, `17`).
pub(crate) fn entry(
    egress: bool,
    n: i32,
    proto: &str,
    action: &str,
    cidr: &str,
    ports: Option<(i32, i32)>,
) -> NaclEntry {
    let v6 = cidr.contains(':');
    NaclEntry {
        egress,
        rule_number: n,
        protocol: proto.into(),
        rule_action: action.into(),
        cidr_block: (!v6).then(|| cidr.to_string()),
        ipv6_cidr_block: v6.then(|| cidr.to_string()),
        port_range: ports.map(|(from, to)| PortRange { from, to }),
        icmp_type_code: None,
    }
}

pub(crate) fn nacl(id: &str, vpc: &str, entries: Vec<NaclEntry>, subnets: &[&str]) -> NetworkAcl {
    NetworkAcl {
        network_acl_id: id.into(),
        vpc_id: vpc.into(),
        is_default: false,
        entries,
        associations: subnets
            .iter()
            .map(|s| NaclAssociation {
                association_id: None,
                subnet_id: s.to_string(),
            })
            .collect(),
        tags: tags(),
    }
}

/// AWS's default NACL: everything allowed both ways, then the `*` deny.
pub(crate) fn default_nacl(id: &str, vpc: &str, subnets: &[&str]) -> NetworkAcl {
    let mut n = nacl(
        id,
        vpc,
        vec![
            entry(false, 100, "-1", "allow", "0.0.0.0/0", None),
            entry(false, 32767, "-1", "deny", "0.0.0.0/0", None),
            entry(true, 100, "-1", "allow", "0.0.0.0/0", None),
            entry(true, 32767, "-1", "deny", "0.0.0.0/0", None),
        ],
        subnets,
    );
    n.is_default = true;
    n
}

pub(crate) fn v4(cidr: &str) -> SgPeer {
    SgPeer::Ipv4 { cidr: cidr.into() }
}

pub(crate) fn v6(cidr: &str) -> SgPeer {
    SgPeer::Ipv6 { cidr: cidr.into() }
}

pub(crate) fn sg_ref(group: &str) -> SgPeer {
    SgPeer::SecurityGroup {
        group_id: group.into(),
        user_id: None,
        vpc_id: None,
        peering_status: None,
    }
}

pub(crate) fn pl(id: &str) -> SgPeer {
    SgPeer::PrefixList {
        prefix_list_id: id.into(),
    }
}

pub(crate) fn tcp(from: i32, to: i32, peer: SgPeer) -> SgRule {
    SgRule {
        protocol: "tcp".into(),
        from_port: Some(from),
        to_port: Some(to),
        peer,
        description: None,
    }
}

pub(crate) fn all_traffic(peer: SgPeer) -> SgRule {
    SgRule {
        protocol: "-1".into(),
        from_port: None,
        to_port: None,
        peer,
        description: None,
    }
}

pub(crate) fn sg(id: &str, vpc: &str, ingress: Vec<SgRule>, egress: Vec<SgRule>) -> SecurityGroup {
    SecurityGroup {
        group_id: id.into(),
        group_name: id.into(),
        vpc_id: Some(vpc.into()),
        owner_id: None,
        description: None,
        ingress,
        egress,
        tags: tags(),
    }
}

/// An ENI attached to `instance` at device index 0.
pub(crate) fn eni(
    id: &str,
    subnet: &str,
    vpc: &str,
    private_ip: &str,
    public_ip: Option<&str>,
    sgs: &[&str],
    instance: &str,
) -> NetworkInterface {
    NetworkInterface {
        network_interface_id: id.into(),
        subnet_id: Some(subnet.into()),
        vpc_id: Some(vpc.into()),
        availability_zone: None,
        interface_type: Some("interface".into()),
        description: None,
        status: Some("in-use".into()),
        requester_managed: false,
        private_ip_addresses: vec![EniPrivateIp {
            private_ip: private_ip.into(),
            primary: true,
            public_ip: public_ip.map(Into::into),
            public_ip_owner: public_ip.map(|_| "123456789012".into()),
        }],
        ipv6_addresses: vec![],
        security_group_ids: sgs.iter().map(|s| CompactString::from(*s)).collect(),
        attachment: Some(EniAttachment {
            attachment_id: None,
            instance_id: Some(instance.into()),
            device_index: Some(0),
            status: Some("attached".into()),
        }),
        tags: tags(),
    }
}

/// An instance with the ENI's subnet, VPC, groups and addresses.
pub(crate) fn instance_on(id: &str, eni: &NetworkInterface) -> Instance {
    let mut i = instance(id);
    i.vpc_id = eni.vpc_id.clone();
    i.subnet_id = eni.subnet_id.clone();
    i.private_ip = Some(eni.private_ip_addresses[0].private_ip.clone());
    i.public_ip = eni.private_ip_addresses[0].public_ip.clone();
    i.network_interface_ids = vec![eni.network_interface_id.clone()];
    i.security_group_ids = eni.security_group_ids.clone();
    i
}

pub(crate) fn forward(tg: &str) -> LbAction {
    LbAction {
        action_type: "forward".into(),
        order: Some(1),
        target_group_arns: vec![tg.into()],
        redirect_protocol: None,
        redirect_port: None,
        fixed_response_status: None,
    }
}

pub(crate) fn redirect(protocol: &str) -> LbAction {
    LbAction {
        action_type: "redirect".into(),
        order: Some(1),
        target_group_arns: vec![],
        redirect_protocol: Some(protocol.into()),
        redirect_port: Some("443".into()),
        fixed_response_status: None,
    }
}

pub(crate) fn listener(
    arn: &str,
    port: i32,
    protocol: &str,
    ssl_policy: Option<&str>,
    action: LbAction,
) -> Listener {
    Listener {
        listener_arn: arn.into(),
        port: Some(port),
        protocol: Some(protocol.into()),
        ssl_policy: ssl_policy.map(str::to_string),
        certificate_arns: vec![],
        sni_certificate_arns: Some(vec![]),
        alpn_policy: vec![],
        default_actions: vec![action],
        rules: None,
    }
}

/// A load balancer; `kind` is `network` or `application`, `scheme`
/// `internal` or `internet-facing`; its DNS name is `NAME.example`.
pub(crate) fn lb(
    arn: &str,
    name: &str,
    kind: &str,
    scheme: &str,
    subnets: &[&str],
    sgs: &[&str],
    listeners: Vec<Listener>,
) -> LoadBalancer {
    LoadBalancer {
        eip_allocation_ids: Vec::new(),
        load_balancer_arn: arn.into(),
        name: name.into(),
        lb_type: Some(kind.into()),
        scheme: Some(scheme.into()),
        vpc_id: None,
        dns_name: Some(format!("{name}.example")),
        state: Some("active".into()),
        ip_address_type: Some("ipv4".into()),
        subnet_ids: subnets.iter().map(|s| s.to_string()).collect(),
        security_group_ids: sgs.iter().map(|s| CompactString::from(*s)).collect(),
        attributes: None,
        listeners: Some(listeners),
        tags: tags(),
    }
}

/// A TCP instance target group on `port` with `targets` registered.
pub(crate) fn target_group(
    arn: &str,
    name: &str,
    port: i32,
    lb: &str,
    targets: &[&str],
) -> TargetGroup {
    TargetGroup {
        attributes: None,
        target_group_arn: arn.into(),
        name: Some(name.into()),
        protocol: Some("TCP".into()),
        port: Some(port),
        target_type: Some("instance".into()),
        vpc_id: None,
        load_balancer_arns: vec![lb.into()],
        health_check_protocol: None,
        health_check_port: None,
        health_check_path: None,
        targets: Some(
            targets
                .iter()
                .map(|t| Target {
                    id: t.to_string(),
                    port: Some(port),
                    availability_zone: None,
                    health_state: Some("healthy".into()),
                    health_reason: None,
                })
                .collect(),
        ),
    }
}

pub(crate) fn flow_log(id: &str, resource: &str) -> FlowLog {
    FlowLog {
        flow_log_id: id.into(),
        resource_id: Some(resource.into()),
        traffic_type: Some("ALL".into()),
        log_destination_type: Some("s3".into()),
        log_destination: Some("arn:aws:s3:::flow-logs".into()),
        log_group_name: None,
        flow_log_status: Some("ACTIVE".into()),
        deliver_logs_status: Some("SUCCESS".into()),
        tags: tags(),
    }
}

pub(crate) fn integration(connection: &str, uri: &str, link: Option<&str>) -> RestIntegration {
    RestIntegration {
        integration_type: Some("HTTP_PROXY".into()),
        http_method: Some("GET".into()),
        uri: Some(uri.into()),
        connection_type: Some(connection.into()),
        connection_id: link.map(str::to_string),
        tls_insecure_skip_verification: None,
        timeout_in_millis: None,
    }
}

pub(crate) fn method(verb: &str, integration: Option<RestIntegration>) -> RestMethod {
    RestMethod {
        http_method: verb.into(),
        authorization_type: Some("NONE".into()),
        authorizer_id: None,
        api_key_required: false,
        authorization_scopes: vec![],
        integration,
    }
}

pub(crate) fn stage(name: &str) -> RestStage {
    RestStage {
        stage_name: name.into(),
        deployment_id: None,
        client_certificate_id: None,
        tracing_enabled: false,
        web_acl_arn: None,
        cache_cluster_enabled: false,
        method_settings: Default::default(),
        access_log_settings: None,
        variables: Default::default(),
        tags: tags(),
    }
}

/// A REST API with one resource `RID` at `PATH` holding `methods`.
pub(crate) fn rest_api(
    id: &str,
    endpoint: &str,
    rid: &str,
    path: &str,
    methods: Vec<RestMethod>,
    stage_name: &str,
) -> RestApi {
    RestApi {
        id: id.into(),
        name: Some(id.into()),
        endpoint_types: vec![endpoint.into()],
        vpc_endpoint_ids: vec![],
        policy: None,
        disable_execute_api_endpoint: false,
        api_key_source: None,
        resources: Some(vec![ApiResource {
            id: rid.into(),
            parent_id: None,
            path: Some(path.into()),
            methods,
        }]),
        authorizers: Some(vec![]),
        stages: Some(vec![stage(stage_name)]),
        tags: tags(),
    }
}

pub const NLB_H: &str =
    "arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/net/nlb-h/1";
pub const NLB_L: &str =
    "arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/net/nlb-l/2";
pub const TG_H: &str = "arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/tg-h/1";
pub const TG_L: &str = "arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/tg-l/2";
pub const LISTENER_H: &str =
    "arn:aws:elasticloadbalancing:us-east-1:123456789012:listener/net/nlb-h/1/l-h";
pub const LISTENER_L: &str =
    "arn:aws:elasticloadbalancing:us-east-1:123456789012:listener/net/nlb-l/2/l-l";

/// The hardened and the legacy story in one region (see the module docs).
pub(crate) fn demo() -> Snapshot {
    let mut s = snapshot();
    let r = region(&mut s);
    let ec2 = &mut r.ec2;

    for (id, cidr) in [("vpc-h", "10.10.0.0/16"), ("vpc-l", "10.20.0.0/16")] {
        ec2.vpcs.push(Vpc {
            vpc_id: id.into(),
            owner_id: Some("123456789012".into()),
            state: Some("available".into()),
            is_default: false,
            cidr_blocks: vec![cidr.into()],
            ipv6_cidr_blocks: vec![],
            tags: tags(),
        });
    }

    // ---- hardened
    ec2.subnets
        .push(subnet("subnet-hpub", "vpc-h", "10.10.0.0/24"));
    ec2.subnets
        .push(subnet("subnet-happ", "vpc-h", "10.10.10.0/24"));
    ec2.route_tables.push(route_table(
        "rtb-hpub",
        "vpc-h",
        vec![
            route("10.10.0.0/16", RouteTarget::Local),
            route("0.0.0.0/0", igw("igw-h")),
            route("::/0", igw("igw-h")),
        ],
        &["subnet-hpub"],
    ));
    ec2.route_tables.push(route_table(
        "rtb-happ",
        "vpc-h",
        vec![
            route("10.10.0.0/16", RouteTarget::Local),
            route("0.0.0.0/0", RouteTarget::NatGateway("nat-h".into())),
            route(
                "::/0",
                RouteTarget::EgressOnlyInternetGateway("eigw-h".into()),
            ),
        ],
        &["subnet-happ"],
    ));
    ec2.network_acls
        .push(default_nacl("acl-hdef", "vpc-h", &["subnet-hpub"]));
    ec2.network_acls.push(nacl(
        "acl-happ",
        "vpc-h",
        vec![
            entry(false, 100, "6", "allow", "10.10.0.0/16", Some((8080, 8080))),
            // Replies to the instance's own outbound calls; 3389 is in the
            // range, so a deny for it comes first.
            entry(false, 105, "6", "deny", "0.0.0.0/0", Some((3389, 3389))),
            entry(false, 110, "6", "allow", "0.0.0.0/0", Some((1024, 65535))),
            entry(false, 200, "-1", "deny", "0.0.0.0/0", None),
            entry(true, 100, "6", "allow", "10.10.0.0/16", Some((1024, 65535))),
            entry(true, 110, "6", "allow", "0.0.0.0/0", Some((443, 443))),
        ],
        &["subnet-happ"],
    ));
    ec2.security_groups.push(sg(
        "sg-hnlb",
        "vpc-h",
        vec![tcp(443, 443, v4("10.10.0.0/16"))],
        vec![all_traffic(v4("0.0.0.0/0"))],
    ));
    ec2.security_groups.push(sg(
        "sg-happ",
        "vpc-h",
        vec![tcp(8080, 8080, sg_ref("sg-hnlb"))],
        vec![
            tcp(443, 443, v4("0.0.0.0/0")),
            tcp(5432, 5432, v4("10.10.0.0/16")),
        ],
    ));
    let eni_h = eni(
        "eni-h1",
        "subnet-happ",
        "vpc-h",
        "10.10.10.10",
        None,
        &["sg-happ"],
        "i-h1",
    );
    ec2.instances.push(instance_on("i-h1", &eni_h));
    ec2.network_interfaces.push(eni_h);
    ec2.flow_logs.push(flow_log("fl-h", "vpc-h"));
    r.elbv2.load_balancers.push(lb(
        NLB_H,
        "nlb-h",
        "network",
        "internal",
        &["subnet-happ"],
        &["sg-hnlb"],
        vec![listener(
            LISTENER_H,
            443,
            "TLS",
            Some("ELBSecurityPolicy-TLS13-1-2-2021-06"),
            forward(TG_H),
        )],
    ));
    r.elbv2
        .target_groups
        .push(target_group(TG_H, "tg-h", 8080, NLB_H, &["i-h1"]));
    r.apigateway.vpc_links.push(RestVpcLink {
        id: "vl-h".into(),
        name: None,
        target_arns: vec![NLB_H.into()],
        status: Some("AVAILABLE".into()),
        tags: tags(),
    });
    r.apigateway.rest_apis.push(rest_api(
        "api-h",
        "REGIONAL",
        "r-orders",
        "/orders",
        vec![
            method(
                "GET",
                Some(integration(
                    "VPC_LINK",
                    "http://nlb-h.example:443/orders",
                    Some("vl-h"),
                )),
            ),
            method(
                "OPTIONS",
                Some(RestIntegration {
                    integration_type: Some("MOCK".into()),
                    ..integration("INTERNET", "", None)
                }),
            ),
        ],
        "prod",
    ));

    // ---- legacy
    let ec2 = &mut r.ec2;
    ec2.subnets.push(Subnet {
        map_public_ip_on_launch: true,
        ..subnet("subnet-lpub", "vpc-l", "10.20.0.0/24")
    });
    ec2.route_tables.push(route_table(
        "rtb-l",
        "vpc-l",
        vec![
            route("10.20.0.0/16", RouteTarget::Local),
            route("0.0.0.0/0", igw("igw-l")),
        ],
        &["subnet-lpub"],
    ));
    ec2.network_acls
        .push(default_nacl("acl-ldef", "vpc-l", &["subnet-lpub"]));
    ec2.security_groups.push(sg(
        "sg-lweb",
        "vpc-l",
        vec![
            tcp(22, 22, v4("0.0.0.0/0")),
            tcp(8080, 8080, v4("0.0.0.0/0")),
            tcp(8080, 8080, v6("::/0")),
        ],
        vec![all_traffic(v4("0.0.0.0/0"))],
    ));
    // moto hands out EIPs from 127/8: a public address is whatever AWS
    // associates, whatever its range.
    let eni_l = eni(
        "eni-l1",
        "subnet-lpub",
        "vpc-l",
        "10.20.0.10",
        Some("127.0.0.5"),
        &["sg-lweb"],
        "i-l1",
    );
    ec2.instances.push(instance_on("i-l1", &eni_l));
    ec2.network_interfaces.push(eni_l);
    r.elbv2.load_balancers.push(lb(
        NLB_L,
        "nlb-l",
        "network",
        "internet-facing",
        &["subnet-lpub"],
        &[],
        vec![listener(LISTENER_L, 80, "TCP", None, forward(TG_L))],
    ));
    r.elbv2
        .target_groups
        .push(target_group(TG_L, "tg-l", 8080, NLB_L, &["i-l1"]));
    r.apigateway.rest_apis.push(rest_api(
        "api-l",
        "EDGE",
        "r-items",
        "/items",
        vec![method(
            "GET",
            Some(integration("INTERNET", "http://nlb-l.example/items", None)),
        )],
        "v1",
    ));
    s
}

/// Adds instance `id` on `eni` (both pushed), registered in target group
/// `tg` as the group's first target is.
pub(crate) fn add_target_instance(
    r: &mut RegionInventory,
    tg: &str,
    id: &str,
    eni: NetworkInterface,
) {
    r.ec2.instances.push(instance_on(id, &eni));
    r.ec2.network_interfaces.push(eni);
    let group = r
        .elbv2
        .target_groups
        .iter_mut()
        .find(|t| t.target_group_arn == tg);
    let targets = group
        .and_then(|t| t.targets.as_mut())
        .expect("the target group and its targets");
    let mut t = targets[0].clone();
    t.id = id.into();
    targets.push(t);
}

/// An HTTP API with one route to `integ`.
pub(crate) fn http_api(integ: HttpIntegration) -> HttpApi {
    HttpApi {
        api_id: "h1".into(),
        name: None,
        protocol_type: Some("HTTP".into()),
        api_endpoint: None,
        disable_execute_api_endpoint: false,
        routes: Some(vec![HttpRoute {
            route_id: Some("rt1".into()),
            route_key: "GET /x".into(),
            authorization_type: Some("NONE".into()),
            authorizer_id: None,
            api_key_required: false,
            target: Some(format!("integrations/{}", integ.integration_id)),
        }]),
        integrations: Some(vec![integ]),
        stages: Some(vec![]),
        authorizers: None,
        tags: tags(),
    }
}

/// An HTTP API integration of `connection` type to `uri`.
pub(crate) fn http_integration(connection: &str, uri: &str) -> HttpIntegration {
    HttpIntegration {
        integration_id: "in1".into(),
        integration_type: Some("HTTP_PROXY".into()),
        integration_method: Some("ANY".into()),
        integration_uri: Some(uri.into()),
        connection_type: Some(connection.into()),
        connection_id: None,
        tls_configured: false,
        tls_server_name_to_verify: None,
        payload_format_version: Some("1.0".into()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::index::Index;
    use crate::paths::Exposures;

    /// The fixture tells the stories it claims: the hardened backend only
    /// through the gateway, the legacy one directly, through its NLB and
    /// through the API that calls the NLB over the internet.
    #[test]
    fn the_demo_fixture_has_the_seeded_exposure_paths() {
        let s = demo();
        let index = Index::new(&s);
        let ex = Exposures::compute(&index);
        let kinds = |id: &str| {
            let mut v: Vec<_> = ex
                .for_instance("us-east-1", id)
                .iter()
                .map(|e| (e.path.kind, e.uncertain.is_none()))
                .collect();
            v.sort();
            v
        };
        assert_eq!(kinds("i-h1"), vec![(PathKind::Gateway, true)]);
        assert_eq!(
            kinds("i-l1"),
            vec![
                (PathKind::Direct, true),
                (PathKind::LoadBalancer, true),
                (PathKind::Gateway, true)
            ]
        );
    }
}
