//! EC2 and VPC inventory of one region: the network fabric (VPCs, subnets,
//! routes, gateways, endpoints, prefix lists, security groups, NACLs, ENIs,
//! EIPs), instances, volumes, EBS encryption by default and flow logs.
//!
//! Every list is one paginated call; the only per-resource calls are the
//! prefix-list entries (no batch form exists). `DescribeInstances` never
//! returns user data, and `DescribeInstanceAttribute` is never called.

use std::collections::BTreeSet;

use aws_sdk_ec2::Client;
use aws_sdk_ec2::types as t;
use futures::StreamExt;
use rampart_model::*;
use time::OffsetDateTime;

use crate::ctx::{Ctx, Site, e, o, parse_policy, strings, tags};
use crate::ids::IdShape::Ec2;

pub(crate) fn count(i: &Ec2Inventory) -> usize {
    i.vpcs.len()
        + i.subnets.len()
        + i.route_tables.len()
        + i.internet_gateways.len()
        + i.egress_only_internet_gateways.len()
        + i.nat_gateways.len()
        + i.vpc_endpoints.len()
        + i.managed_prefix_lists.len()
        + i.security_groups.len()
        + i.network_acls.len()
        + i.network_interfaces.len()
        + i.elastic_ips.len()
        + i.instances.len()
        + i.volumes.len()
        + i.flow_logs.len()
}

fn tg(t: &[t::Tag]) -> Tags {
    tags(t.iter().map(|t| (t.key(), t.value())))
}

pub(crate) fn client(ctx: &Ctx, region: &str) -> Client {
    Client::from_conf(
        aws_sdk_ec2::config::Builder::from(&ctx.sdk)
            .region(aws_types::region::Region::new(region.to_string()))
            .interceptor(ctx.counter("ec2"))
            .interceptor(crate::verify::VerifyResponse(crate::verify::Format::Xml))
            .retry_classifier(crate::retry::Unimplemented)
            .http_client(ctx.http_client("ec2", Some(region)))
            .build(),
    )
}

pub(crate) async fn collect(ctx: &Ctx, region: &str) -> Ec2Inventory {
    let _timer = crate::ctx::Timer::new("ec2", Some(region));
    let client = client(ctx, region);
    let site = Site {
        service: "ec2",
        region: Some(region),
    };
    let c = &client;

    let (vpcs, subnets, route_tables, igws, eigws, nats, endpoints, prefix_lists, sgs, nacls, enis) = tokio::join!(
        async {
            paged!(
                ctx,
                site,
                "DescribeVpcs",
                c.describe_vpcs().max_results(1000)
            )
        },
        async {
            paged!(
                ctx,
                site,
                "DescribeSubnets",
                c.describe_subnets().max_results(1000)
            )
        },
        async {
            paged!(
                ctx,
                site,
                "DescribeRouteTables",
                c.describe_route_tables().max_results(100)
            )
        },
        async {
            paged!(
                ctx,
                site,
                "DescribeInternetGateways",
                c.describe_internet_gateways().max_results(1000)
            )
        },
        async {
            paged!(
                ctx,
                site,
                "DescribeEgressOnlyInternetGateways",
                c.describe_egress_only_internet_gateways().max_results(255)
            )
        },
        async {
            paged!(
                ctx,
                site,
                "DescribeNatGateways",
                c.describe_nat_gateways().max_results(1000)
            )
        },
        async {
            paged!(
                ctx,
                site,
                "DescribeVpcEndpoints",
                c.describe_vpc_endpoints().max_results(1000)
            )
        },
        prefix_lists(ctx, site, c),
        async {
            paged!(
                ctx,
                site,
                "DescribeSecurityGroups",
                c.describe_security_groups().max_results(1000)
            )
        },
        async {
            paged!(
                ctx,
                site,
                "DescribeNetworkAcls",
                c.describe_network_acls().max_results(100)
            )
        },
        async {
            paged!(
                ctx,
                site,
                "DescribeNetworkInterfaces",
                c.describe_network_interfaces().max_results(1000)
            )
        },
    );
    let (reservations, volumes, flow_logs, addresses, ebs_default, ebs_default_key) = tokio::join!(
        async {
            paged!(
                ctx,
                site,
                "DescribeInstances",
                c.describe_instances().max_results(1000)
            )
        },
        async {
            paged!(
                ctx,
                site,
                "DescribeVolumes",
                c.describe_volumes().max_results(500)
            )
        },
        async {
            paged!(
                ctx,
                site,
                "DescribeFlowLogs",
                c.describe_flow_logs().max_results(1000)
            )
        },
        async {
            ctx.ok(
                site,
                "DescribeAddresses",
                None,
                c.describe_addresses().send().await,
            )
        },
        async {
            ctx.ok(
                site,
                "GetEbsEncryptionByDefault",
                None,
                c.get_ebs_encryption_by_default().send().await,
            )
        },
        async {
            ctx.ok(
                site,
                "GetEbsDefaultKmsKeyId",
                None,
                c.get_ebs_default_kms_key_id().send().await,
            )
        },
    );

    // An answer with a malformed resource id is refused whole (crate::ids).
    let vpcs = ctx.well_formed(
        site,
        "DescribeVpcs",
        None,
        "VPC",
        Ec2("vpc"),
        vpcs,
        |v: &t::Vpc| v.vpc_id(),
    );
    let subnets = ctx.well_formed(
        site,
        "DescribeSubnets",
        None,
        "subnet",
        Ec2("subnet"),
        subnets,
        |v: &t::Subnet| v.subnet_id(),
    );
    let route_tables = ctx.well_formed(
        site,
        "DescribeRouteTables",
        None,
        "route table",
        Ec2("rtb"),
        route_tables,
        |v: &t::RouteTable| v.route_table_id(),
    );
    let igws = ctx.well_formed(
        site,
        "DescribeInternetGateways",
        None,
        "internet gateway",
        Ec2("igw"),
        igws,
        |v: &t::InternetGateway| v.internet_gateway_id(),
    );
    let eigws = ctx.well_formed(
        site,
        "DescribeEgressOnlyInternetGateways",
        None,
        "egress-only internet gateway",
        Ec2("eigw"),
        eigws,
        |v: &t::EgressOnlyInternetGateway| v.egress_only_internet_gateway_id(),
    );
    let nats = ctx.well_formed(
        site,
        "DescribeNatGateways",
        None,
        "NAT gateway",
        Ec2("nat"),
        nats,
        |v: &t::NatGateway| v.nat_gateway_id(),
    );
    let endpoints = ctx.well_formed(
        site,
        "DescribeVpcEndpoints",
        None,
        "VPC endpoint",
        Ec2("vpce"),
        endpoints,
        |v: &t::VpcEndpoint| v.vpc_endpoint_id(),
    );
    let sgs = ctx.well_formed(
        site,
        "DescribeSecurityGroups",
        None,
        "security group",
        Ec2("sg"),
        sgs,
        |v: &t::SecurityGroup| v.group_id(),
    );
    let nacls = ctx.well_formed(
        site,
        "DescribeNetworkAcls",
        None,
        "network ACL",
        Ec2("acl"),
        nacls,
        |v: &t::NetworkAcl| v.network_acl_id(),
    );
    let enis = ctx.well_formed(
        site,
        "DescribeNetworkInterfaces",
        None,
        "network interface",
        Ec2("eni"),
        enis,
        |v: &t::NetworkInterface| v.network_interface_id(),
    );
    let instances: Vec<t::Instance> = reservations
        .iter()
        .flat_map(|r: &t::Reservation| r.instances().iter().cloned())
        .collect();
    let instances = ctx.well_formed(
        site,
        "DescribeInstances",
        None,
        "instance",
        Ec2("i"),
        instances,
        |v: &t::Instance| v.instance_id(),
    );
    let volumes = ctx.well_formed(
        site,
        "DescribeVolumes",
        None,
        "volume",
        Ec2("vol"),
        volumes,
        |v: &t::Volume| v.volume_id(),
    );
    let flow_logs = ctx.well_formed(
        site,
        "DescribeFlowLogs",
        None,
        "flow log",
        Ec2("fl"),
        flow_logs,
        |v: &t::FlowLog| v.flow_log_id(),
    );
    let addresses = addresses
        .map(|out| {
            ctx.well_formed(
                site,
                "DescribeAddresses",
                None,
                "Elastic IP",
                Ec2("eipalloc"),
                out.addresses().to_vec(),
                |v: &t::Address| v.allocation_id(),
            )
        })
        .unwrap_or_default();

    let route_tables: Vec<RouteTable> = route_tables.iter().map(route_table).collect();
    let security_groups: Vec<SecurityGroup> = sgs.iter().map(security_group).collect();
    let mut prefix_lists = prefix_lists;
    let wanted =
        rampart_model::prefix_lists_to_read(&prefix_lists, &security_groups, &route_tables);
    let (images, ()) = tokio::join!(
        images(ctx, site, c, instances.iter().filter_map(|i| i.image_id())),
        read_entries(ctx, site, c, &mut prefix_lists, &wanted),
    );
    let mut inv = Ec2Inventory {
        vpcs: vpcs.iter().map(vpc).collect(),
        subnets: subnets.iter().map(subnet).collect(),
        route_tables,
        internet_gateways: igws
            .iter()
            .map(|g: &t::InternetGateway| InternetGateway {
                internet_gateway_id: g.internet_gateway_id().unwrap_or_default().to_string(),
                attached_vpc_ids: g
                    .attachments()
                    .iter()
                    .filter_map(|a| o(a.vpc_id()))
                    .collect(),
                tags: tg(g.tags()),
            })
            .collect(),
        egress_only_internet_gateways: eigws
            .iter()
            .map(
                |g: &t::EgressOnlyInternetGateway| EgressOnlyInternetGateway {
                    egress_only_internet_gateway_id: g
                        .egress_only_internet_gateway_id()
                        .unwrap_or_default()
                        .to_string(),
                    attached_vpc_ids: g
                        .attachments()
                        .iter()
                        .filter_map(|a| o(a.vpc_id()))
                        .collect(),
                    tags: tg(g.tags()),
                },
            )
            .collect(),
        nat_gateways: nats.iter().map(nat_gateway).collect(),
        vpc_endpoints: endpoints.iter().map(vpc_endpoint).collect(),
        managed_prefix_lists: prefix_lists,
        security_groups,
        network_acls: nacls.iter().map(network_acl).collect(),
        network_interfaces: enis.iter().map(network_interface).collect(),
        elastic_ips: addresses.iter().map(elastic_ip).collect(),
        instances: instances.iter().map(instance).collect(),
        volumes: volumes.iter().map(volume).collect(),
        ebs_encryption_by_default: ebs_default.and_then(|o| o.ebs_encryption_by_default()),
        ebs_default_kms_key_id: ebs_default_key.and_then(|o| o.kms_key_id().map(str::to_string)),
        flow_logs: flow_logs.iter().map(flow_log).collect(),
        images: Some(images),
    };
    sort(&mut inv);
    inv
}

/// Stable order, so equal states serialise identically.
fn sort(inv: &mut Ec2Inventory) {
    inv.vpcs.sort_by(|a, b| a.vpc_id.cmp(&b.vpc_id));
    inv.subnets.sort_by(|a, b| a.subnet_id.cmp(&b.subnet_id));
    inv.route_tables
        .sort_by(|a, b| a.route_table_id.cmp(&b.route_table_id));
    inv.internet_gateways
        .sort_by(|a, b| a.internet_gateway_id.cmp(&b.internet_gateway_id));
    inv.egress_only_internet_gateways.sort_by(|a, b| {
        a.egress_only_internet_gateway_id
            .cmp(&b.egress_only_internet_gateway_id)
    });
    inv.nat_gateways
        .sort_by(|a, b| a.nat_gateway_id.cmp(&b.nat_gateway_id));
    inv.vpc_endpoints
        .sort_by(|a, b| a.vpc_endpoint_id.cmp(&b.vpc_endpoint_id));
    inv.managed_prefix_lists
        .sort_by(|a, b| a.prefix_list_id.cmp(&b.prefix_list_id));
    inv.security_groups
        .sort_by(|a, b| a.group_id.cmp(&b.group_id));
    inv.network_acls
        .sort_by(|a, b| a.network_acl_id.cmp(&b.network_acl_id));
    inv.network_interfaces
        .sort_by(|a, b| a.network_interface_id.cmp(&b.network_interface_id));
    inv.elastic_ips
        .sort_by(|a, b| (&a.allocation_id, &a.public_ip).cmp(&(&b.allocation_id, &b.public_ip)));
    inv.instances
        .sort_by(|a, b| a.instance_id.cmp(&b.instance_id));
    inv.volumes.sort_by(|a, b| a.volume_id.cmp(&b.volume_id));
    inv.flow_logs
        .sort_by(|a, b| a.flow_log_id.cmp(&b.flow_log_id));
}

/// Image ids a `DescribeImages` filter takes at once (EC2 accepts up to
/// 200 values per filter).
const IMAGE_IDS: usize = 200;

/// The AMIs the instances were launched from, and only those
/// (<https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_DescribeImages.html>).
/// By an `image-id` filter, not `ImageIds`: an id that no longer exists
/// (deregistered after launch) fails a whole `ImageIds` call, but simply
/// matches nothing in a filter. `IncludeDeprecated` and `IncludeDisabled`,
/// because the point is to see the deprecated ones. One failed batch
/// leaves the list empty (the error names the call): never a partial list.
pub(crate) async fn images<'i>(
    ctx: &Ctx,
    site: Site<'_>,
    c: &Client,
    ids: impl Iterator<Item = &'i str>,
) -> Vec<Image> {
    let mut ids: Vec<&str> = ids.collect();
    ids.sort_unstable();
    ids.dedup();
    let mut all = Vec::new();
    for batch in ids.chunks(IMAGE_IDS) {
        let res: Result<Vec<t::Image>, _> = c
            .describe_images()
            .filters(
                t::Filter::builder()
                    .name("image-id")
                    .set_values(Some(batch.iter().map(|s| s.to_string()).collect()))
                    .build(),
            )
            .include_deprecated(true)
            .include_disabled(true)
            .max_results(1000)
            .into_paginator()
            .items()
            .send()
            .collect()
            .await;
        match ctx.ok(site, "DescribeImages", None, res) {
            Some(v) => all.extend(v),
            None => return Vec::new(),
        }
    }
    let all = ctx.well_formed(
        site,
        "DescribeImages",
        None,
        "image",
        Ec2("ami"),
        all,
        |v: &t::Image| v.image_id(),
    );
    let mut out: Vec<Image> = all.iter().map(image).collect();
    out.sort_by(|a, b| a.image_id.cmp(&b.image_id));
    out.dedup_by(|a, b| a.image_id == b.image_id);
    out
}

fn iso_time(v: Option<&str>) -> Option<OffsetDateTime> {
    v.and_then(|s| OffsetDateTime::parse(s, &time::format_description::well_known::Rfc3339).ok())
}

fn image(i: &t::Image) -> Image {
    Image {
        image_id: i.image_id().unwrap_or_default().to_string(),
        name: o(i.name()),
        owner_id: o(i.owner_id()),
        owner_alias: o(i.image_owner_alias()),
        public: i.public().unwrap_or(false),
        creation_date: iso_time(i.creation_date()),
        deprecation_time: iso_time(i.deprecation_time()),
        state: e(i.state()),
        imds_support: e(i.imds_support()),
        block_devices: Some(
            i.block_device_mappings()
                .iter()
                .filter_map(|b| {
                    Some(ImageBlockDevice {
                        device_name: b.device_name()?.to_string(),
                        encrypted: b.ebs()?.encrypted(),
                    })
                })
                .collect(),
        ),
    }
}

/// The region's prefix lists, without their entries: those are read by
/// [`read_entries`] once the rules and routes that name lists are known.
async fn prefix_lists(ctx: &Ctx, site: Site<'_>, c: &Client) -> Vec<ManagedPrefixList> {
    let lists: Vec<t::ManagedPrefixList> = paged!(
        ctx,
        site,
        "DescribeManagedPrefixLists",
        c.describe_managed_prefix_lists().max_results(100)
    );
    let lists = ctx.well_formed(
        site,
        "DescribeManagedPrefixLists",
        None,
        "prefix list",
        Ec2("pl"),
        lists,
        |v: &t::ManagedPrefixList| v.prefix_list_id(),
    );
    lists
        .iter()
        .map(|pl| ManagedPrefixList {
            prefix_list_id: pl.prefix_list_id().unwrap_or_default().to_string(),
            prefix_list_name: o(pl.prefix_list_name()),
            address_family: o(pl.address_family()),
            owner_id: o(pl.owner_id()),
            max_entries: pl.max_entries(),
            entries: None,
            tags: tg(pl.tags()),
        })
        .collect()
}

/// `GetManagedPrefixListEntries` for the lists of `wanted` (those a rule or
/// route names, and CloudFront's: [`rampart_model::prefix_lists_to_read`]);
/// the others keep `entries: None`, and no call is made for them.
async fn read_entries(
    ctx: &Ctx,
    site: Site<'_>,
    c: &Client,
    lists: &mut [ManagedPrefixList],
    wanted: &BTreeSet<String>,
) {
    let read: Vec<(usize, Option<Vec<PrefixListEntry>>)> = futures::stream::iter(
        lists
            .iter()
            .enumerate()
            .filter(|(_, pl)| wanted.contains(&pl.prefix_list_id))
            .map(|(at, pl)| (at, pl.prefix_list_id.clone())),
    )
    .map(|(at, id)| async move {
        let res: Result<Vec<_>, _> = c
            .get_managed_prefix_list_entries()
            .prefix_list_id(&id)
            .max_results(100)
            .into_paginator()
            .items()
            .send()
            .collect()
            .await;
        let entries = ctx
            .ok(site, "GetManagedPrefixListEntries", Some(&id), res)
            .map(|entries| {
                let mut v: Vec<PrefixListEntry> = entries
                    .iter()
                    .map(|e: &t::PrefixListEntry| PrefixListEntry {
                        cidr: e.cidr().unwrap_or_default().to_string(),
                        description: o(e.description()),
                    })
                    .collect();
                v.sort();
                v
            });
        (at, entries)
    })
    .buffer_unordered(ctx.fanout)
    .collect()
    .await;
    for (at, entries) in read {
        lists[at].entries = entries;
    }
}

fn vpc(v: &t::Vpc) -> Vpc {
    // The primary block first, then the other associated blocks.
    let mut cidrs: Vec<String> = o(v.cidr_block()).into_iter().collect();
    for a in v.cidr_block_association_set() {
        let associated = a
            .cidr_block_state()
            .and_then(|s| s.state())
            .is_none_or(|s| s.as_str() == "associated");
        if let Some(c) = a.cidr_block()
            && associated
            && !cidrs.iter().any(|x| x == c)
        {
            cidrs.push(c.to_string());
        }
    }
    Vpc {
        vpc_id: v.vpc_id().unwrap_or_default().to_string(),
        owner_id: o(v.owner_id()),
        state: e(v.state()),
        is_default: v.is_default().unwrap_or(false),
        cidr_blocks: cidrs,
        ipv6_cidr_blocks: v
            .ipv6_cidr_block_association_set()
            .iter()
            .filter_map(|a| o(a.ipv6_cidr_block()))
            .collect(),
        tags: tg(v.tags()),
    }
}

fn subnet(s: &t::Subnet) -> Subnet {
    Subnet {
        subnet_id: s.subnet_id().unwrap_or_default().to_string(),
        vpc_id: s.vpc_id().unwrap_or_default().to_string(),
        availability_zone: o(s.availability_zone()),
        cidr_block: o(s.cidr_block()),
        ipv6_cidr_blocks: s
            .ipv6_cidr_block_association_set()
            .iter()
            .filter_map(|a| o(a.ipv6_cidr_block()))
            .collect(),
        map_public_ip_on_launch: s.map_public_ip_on_launch().unwrap_or(false),
        assign_ipv6_address_on_creation: s.assign_ipv6_address_on_creation().unwrap_or(false),
        default_for_az: s.default_for_az().unwrap_or(false),
        tags: tg(s.tags()),
    }
}

fn route_target(r: &t::Route) -> RouteTarget {
    if let Some(id) = r.gateway_id() {
        return match id {
            "local" => RouteTarget::Local,
            id if id.starts_with("igw-") => RouteTarget::InternetGateway(id.into()),
            id if id.starts_with("vgw-") => RouteTarget::VirtualPrivateGateway(id.into()),
            id if id.starts_with("vpce-") => RouteTarget::VpcEndpoint(id.into()),
            id => RouteTarget::Unknown(id.into()),
        };
    }
    let candidates = [
        (
            r.nat_gateway_id(),
            RouteTarget::NatGateway as fn(String) -> RouteTarget,
        ),
        (
            r.egress_only_internet_gateway_id(),
            RouteTarget::EgressOnlyInternetGateway,
        ),
        (r.transit_gateway_id(), RouteTarget::TransitGateway),
        (
            r.vpc_peering_connection_id(),
            RouteTarget::VpcPeeringConnection,
        ),
        (r.carrier_gateway_id(), RouteTarget::CarrierGateway),
        (r.local_gateway_id(), RouteTarget::LocalGateway),
        (r.core_network_arn(), RouteTarget::CoreNetwork),
        // A route to an instance also names its ENI; the instance is the
        // more specific fact, so it comes first.
        (r.instance_id(), RouteTarget::Instance),
        (r.network_interface_id(), RouteTarget::NetworkInterface),
    ];
    candidates
        .into_iter()
        .find_map(|(id, make)| id.map(|id| make(id.to_string())))
        .unwrap_or_else(|| RouteTarget::Unknown(String::new()))
}

fn route_table(rt: &t::RouteTable) -> RouteTable {
    let mut routes: Vec<Route> = rt
        .routes()
        .iter()
        .map(|r| Route {
            destination_cidr_block: o(r.destination_cidr_block()),
            destination_ipv6_cidr_block: o(r.destination_ipv6_cidr_block()),
            destination_prefix_list_id: o(r.destination_prefix_list_id()),
            target: route_target(r),
            state: e(r.state()),
            origin: e(r.origin()),
        })
        .collect();
    routes.sort();
    let mut associations: Vec<RouteTableAssociation> = rt
        .associations()
        .iter()
        .map(|a| RouteTableAssociation {
            association_id: o(a.route_table_association_id()),
            main: a.main().unwrap_or(false),
            subnet_id: o(a.subnet_id()),
            gateway_id: o(a.gateway_id()),
        })
        .collect();
    associations.sort();
    RouteTable {
        route_table_id: rt.route_table_id().unwrap_or_default().to_string(),
        vpc_id: rt.vpc_id().unwrap_or_default().to_string(),
        routes,
        associations,
        tags: tg(rt.tags()),
    }
}

fn nat_gateway(n: &t::NatGateway) -> NatGateway {
    let addrs = n.nat_gateway_addresses();
    NatGateway {
        nat_gateway_id: n.nat_gateway_id().unwrap_or_default().to_string(),
        vpc_id: o(n.vpc_id()),
        subnet_id: o(n.subnet_id()),
        state: e(n.state()),
        connectivity_type: e(n.connectivity_type()),
        public_ips: addrs.iter().filter_map(|a| o(a.public_ip())).collect(),
        private_ips: addrs.iter().filter_map(|a| o(a.private_ip())).collect(),
        tags: tg(n.tags()),
    }
}

fn vpc_endpoint(v: &t::VpcEndpoint) -> VpcEndpoint {
    let mut subnet_ids = strings(v.subnet_ids());
    subnet_ids.sort();
    let mut route_table_ids = strings(v.route_table_ids());
    route_table_ids.sort();
    let mut security_group_ids: Vec<CompactString> =
        v.groups().iter().filter_map(|g| o(g.group_id())).collect();
    security_group_ids.sort();
    VpcEndpoint {
        vpc_endpoint_id: v.vpc_endpoint_id().unwrap_or_default().to_string(),
        vpc_id: o(v.vpc_id()),
        service_name: o(v.service_name()),
        vpc_endpoint_type: e(v.vpc_endpoint_type()),
        state: e(v.state()),
        subnet_ids,
        route_table_ids,
        security_group_ids,
        private_dns_enabled: v.private_dns_enabled().unwrap_or(false),
        policy: v.policy_document().map(parse_policy),
        tags: tg(v.tags()),
    }
}

/// Flattens AWS's grouped permissions into one rule per peer.
fn sg_rules(perms: &[t::IpPermission]) -> Vec<SgRule> {
    let mut out = Vec::new();
    for p in perms {
        let protocol = p.ip_protocol().unwrap_or("-1").to_string();
        let (from, to) = (p.from_port(), p.to_port());
        let rule = |peer: SgPeer, description: Option<&str>| SgRule {
            protocol: protocol.clone().into(),
            from_port: from,
            to_port: to,
            peer,
            description: o(description),
        };
        for r in p.ip_ranges() {
            out.push(rule(
                SgPeer::Ipv4 {
                    cidr: r.cidr_ip().unwrap_or_default().to_string().into(),
                },
                r.description(),
            ));
        }
        for r in p.ipv6_ranges() {
            out.push(rule(
                SgPeer::Ipv6 {
                    cidr: r.cidr_ipv6().unwrap_or_default().to_string().into(),
                },
                r.description(),
            ));
        }
        for r in p.prefix_list_ids() {
            out.push(rule(
                SgPeer::PrefixList {
                    prefix_list_id: r.prefix_list_id().unwrap_or_default().to_string().into(),
                },
                r.description(),
            ));
        }
        for g in p.user_id_group_pairs() {
            out.push(rule(
                SgPeer::SecurityGroup {
                    group_id: g.group_id().unwrap_or_default().to_string().into(),
                    user_id: o(g.user_id()),
                    vpc_id: o(g.vpc_id()),
                    peering_status: o(g.peering_status()),
                },
                g.description(),
            ));
        }
    }
    out.sort();
    out
}

fn security_group(g: &t::SecurityGroup) -> SecurityGroup {
    SecurityGroup {
        group_id: g.group_id().unwrap_or_default().to_string(),
        group_name: g.group_name().unwrap_or_default().to_string(),
        vpc_id: o(g.vpc_id()),
        owner_id: o(g.owner_id()),
        description: o(g.description()),
        ingress: sg_rules(g.ip_permissions()),
        egress: sg_rules(g.ip_permissions_egress()),
        tags: tg(g.tags()),
    }
}

fn network_acl(n: &t::NetworkAcl) -> NetworkAcl {
    let mut entries: Vec<NaclEntry> = n
        .entries()
        .iter()
        .map(|x| NaclEntry {
            egress: x.egress().unwrap_or(false),
            rule_number: x.rule_number().unwrap_or(32767),
            protocol: x.protocol().unwrap_or("-1").to_string(),
            rule_action: e(x.rule_action()).unwrap_or_default(),
            cidr_block: o(x.cidr_block()),
            ipv6_cidr_block: o(x.ipv6_cidr_block()),
            port_range: x.port_range().map(|p| PortRange {
                from: p.from().unwrap_or(0),
                to: p.to().unwrap_or(65535),
            }),
            icmp_type_code: x.icmp_type_code().map(|i| IcmpTypeCode {
                icmp_type: i.r#type(),
                code: i.code(),
            }),
        })
        .collect();
    entries.sort();
    let mut associations: Vec<NaclAssociation> = n
        .associations()
        .iter()
        .map(|a| NaclAssociation {
            association_id: o(a.network_acl_association_id()),
            subnet_id: a.subnet_id().unwrap_or_default().to_string(),
        })
        .collect();
    associations.sort();
    NetworkAcl {
        network_acl_id: n.network_acl_id().unwrap_or_default().to_string(),
        vpc_id: n.vpc_id().unwrap_or_default().to_string(),
        is_default: n.is_default().unwrap_or(false),
        entries,
        associations,
        tags: tg(n.tags()),
    }
}

fn network_interface(n: &t::NetworkInterface) -> NetworkInterface {
    let mut private_ip_addresses: Vec<EniPrivateIp> = n
        .private_ip_addresses()
        .iter()
        .map(|p| EniPrivateIp {
            private_ip: p
                .private_ip_address()
                .unwrap_or_default()
                .to_string()
                .into(),
            primary: p.primary().unwrap_or(false),
            public_ip: p.association().and_then(|a| o(a.public_ip())),
            public_ip_owner: p.association().and_then(|a| o(a.ip_owner_id())),
        })
        .collect();
    // Some answers carry the primary address only at the top level.
    if private_ip_addresses.is_empty()
        && let Some(ip) = n.private_ip_address()
    {
        private_ip_addresses.push(EniPrivateIp {
            private_ip: ip.to_string().into(),
            primary: true,
            public_ip: None,
            public_ip_owner: None,
        });
    }
    // The ENI-level association is the primary address's public IP; some
    // answers carry it only there.
    if let Some(assoc) = n.association()
        && let Some(primary) = private_ip_addresses.iter_mut().find(|p| p.primary)
        && primary.public_ip.is_none()
    {
        primary.public_ip = o(assoc.public_ip());
        primary.public_ip_owner = o(assoc.ip_owner_id());
    }
    private_ip_addresses.sort();
    let mut ipv6: Vec<CompactString> = n
        .ipv6_addresses()
        .iter()
        .filter_map(|a| o(a.ipv6_address()))
        .collect();
    ipv6.sort();
    let mut groups: Vec<CompactString> =
        n.groups().iter().filter_map(|g| o(g.group_id())).collect();
    groups.sort();
    NetworkInterface {
        network_interface_id: n
            .network_interface_id()
            .unwrap_or_default()
            .to_string()
            .into(),
        subnet_id: o(n.subnet_id()),
        vpc_id: o(n.vpc_id()),
        availability_zone: o(n.availability_zone()),
        interface_type: e(n.interface_type()),
        description: o(n.description()),
        status: e(n.status()),
        requester_managed: n.requester_managed().unwrap_or(false),
        private_ip_addresses,
        ipv6_addresses: ipv6,
        security_group_ids: groups,
        attachment: n.attachment().map(|a| EniAttachment {
            attachment_id: o(a.attachment_id()),
            instance_id: o(a.instance_id()),
            device_index: a.device_index(),
            status: e(a.status()),
        }),
        tags: tg(n.tag_set()),
    }
}

fn elastic_ip(a: &t::Address) -> ElasticIp {
    ElasticIp {
        allocation_id: o(a.allocation_id()),
        public_ip: o(a.public_ip()),
        association_id: o(a.association_id()),
        // An address associated with nothing has no InstanceId in AWS's
        // answer (API_Address); some emulators send an empty one.
        instance_id: o::<String>(a.instance_id()).filter(|id| !id.is_empty()),
        network_interface_id: o(a.network_interface_id()),
        private_ip: o(a.private_ip_address()),
        domain: e(a.domain()),
        tags: tg(a.tags()),
    }
}

fn instance(i: &t::Instance) -> Instance {
    let mut enis: Vec<(i32, String, Vec<String>)> = i
        .network_interfaces()
        .iter()
        .map(|n| {
            (
                n.attachment()
                    .and_then(|a| a.device_index())
                    .unwrap_or(i32::MAX),
                n.network_interface_id().unwrap_or_default().to_string(),
                n.ipv6_addresses()
                    .iter()
                    .filter_map(|a| o(a.ipv6_address()))
                    .collect(),
            )
        })
        .collect();
    enis.sort();
    let mut ipv6: Vec<String> = enis.iter().flat_map(|(_, _, v)| v.clone()).collect();
    ipv6.sort();
    let mut groups: Vec<CompactString> = i
        .security_groups()
        .iter()
        .filter_map(|g| o(g.group_id()))
        .collect();
    groups.sort();
    let mut bdm: Vec<BlockDeviceMapping> = i
        .block_device_mappings()
        .iter()
        .map(|b| BlockDeviceMapping {
            device_name: b.device_name().unwrap_or_default().to_string().into(),
            volume_id: b.ebs().and_then(|e| o(e.volume_id())),
            delete_on_termination: b.ebs().and_then(|e| e.delete_on_termination()),
        })
        .collect();
    bdm.sort();
    Instance {
        instance_id: i.instance_id().unwrap_or_default().to_string().into(),
        state: i.state().and_then(|s| e(s.name())),
        instance_type: e(i.instance_type()),
        image_id: o(i.image_id()),
        vpc_id: o(i.vpc_id()),
        subnet_id: o(i.subnet_id()),
        private_ip: o(i.private_ip_address()),
        public_ip: o(i.public_ip_address()),
        ipv6_addresses: ipv6.into_iter().map(Into::into).collect(),
        network_interface_ids: enis.into_iter().map(|(_, id, _)| id.into()).collect(),
        security_group_ids: groups,
        metadata_options: i.metadata_options().map(|m| MetadataOptions {
            http_tokens: e(m.http_tokens()),
            http_endpoint: e(m.http_endpoint()),
            http_put_response_hop_limit: m.http_put_response_hop_limit(),
            http_protocol_ipv6: e(m.http_protocol_ipv6()),
            instance_metadata_tags: e(m.instance_metadata_tags()),
            state: e(m.state()),
        }),
        iam_instance_profile_arn: i.iam_instance_profile().and_then(|p| o(p.arn())),
        key_name: o(i.key_name()),
        root_device_name: o(i.root_device_name()),
        block_device_mappings: bdm,
        launch_time: i
            .launch_time()
            .and_then(|t| OffsetDateTime::from_unix_timestamp(t.secs()).ok()),
        platform: e(i.platform()),
        tags: tg(i.tags()),
    }
}

fn volume(v: &t::Volume) -> Volume {
    let mut attachments: Vec<VolumeAttachment> = v
        .attachments()
        .iter()
        .map(|a| VolumeAttachment {
            instance_id: o(a.instance_id()),
            device: o(a.device()),
            state: e(a.state()),
            delete_on_termination: a.delete_on_termination(),
        })
        .collect();
    attachments.sort();
    Volume {
        volume_id: v.volume_id().unwrap_or_default().to_string().into(),
        size_gib: v.size(),
        volume_type: e(v.volume_type()),
        encrypted: v.encrypted().unwrap_or(false),
        kms_key_id: o(v.kms_key_id()),
        state: e(v.state()),
        availability_zone: o(v.availability_zone()),
        attachments,
        tags: tg(v.tags()),
    }
}

fn flow_log(f: &t::FlowLog) -> FlowLog {
    FlowLog {
        flow_log_id: f.flow_log_id().unwrap_or_default().to_string(),
        resource_id: o(f.resource_id()),
        traffic_type: e(f.traffic_type()),
        log_destination_type: e(f.log_destination_type()),
        log_destination: o(f.log_destination()),
        log_group_name: o(f.log_group_name()),
        flow_log_status: o(f.flow_log_status()),
        deliver_logs_status: o(f.deliver_logs_status()),
        tags: tg(f.tags()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_route_target_kind_is_recognised() {
        let r = |b: t::builders::RouteBuilder| route_target(&b.build());
        assert_eq!(
            r(t::Route::builder().gateway_id("local")),
            RouteTarget::Local
        );
        assert_eq!(
            r(t::Route::builder().gateway_id("igw-1")),
            RouteTarget::InternetGateway("igw-1".into())
        );
        assert_eq!(
            r(t::Route::builder().gateway_id("vgw-1")),
            RouteTarget::VirtualPrivateGateway("vgw-1".into())
        );
        assert_eq!(
            r(t::Route::builder().gateway_id("vpce-1")),
            RouteTarget::VpcEndpoint("vpce-1".into())
        );
        assert_eq!(
            r(t::Route::builder().nat_gateway_id("nat-1")),
            RouteTarget::NatGateway("nat-1".into())
        );
        assert_eq!(
            r(t::Route::builder().egress_only_internet_gateway_id("eigw-1")),
            RouteTarget::EgressOnlyInternetGateway("eigw-1".into())
        );
        assert_eq!(
            r(t::Route::builder().transit_gateway_id("tgw-1")),
            RouteTarget::TransitGateway("tgw-1".into())
        );
        assert_eq!(
            r(t::Route::builder().vpc_peering_connection_id("pcx-1")),
            RouteTarget::VpcPeeringConnection("pcx-1".into())
        );
        // An instance route also names the ENI; the instance wins.
        assert_eq!(
            r(t::Route::builder()
                .instance_id("i-1")
                .network_interface_id("eni-1")),
            RouteTarget::Instance("i-1".into())
        );
        assert_eq!(
            r(t::Route::builder().network_interface_id("eni-1")),
            RouteTarget::NetworkInterface("eni-1".into())
        );
        assert_eq!(
            r(t::Route::builder().gateway_id("xgw-9")),
            RouteTarget::Unknown("xgw-9".into())
        );
    }

    #[test]
    fn grouped_permissions_flatten_to_one_rule_per_peer() {
        let perm = t::IpPermission::builder()
            .ip_protocol("tcp")
            .from_port(22)
            .to_port(22)
            .ip_ranges(t::IpRange::builder().cidr_ip("0.0.0.0/0").build())
            .ipv6_ranges(t::Ipv6Range::builder().cidr_ipv6("::/0").build())
            .prefix_list_ids(t::PrefixListId::builder().prefix_list_id("pl-1").build())
            .user_id_group_pairs(t::UserIdGroupPair::builder().group_id("sg-9").build())
            .build();
        let all = t::IpPermission::builder()
            .ip_protocol("-1")
            .ip_ranges(t::IpRange::builder().cidr_ip("10.0.0.0/8").build())
            .build();
        let rules = sg_rules(&[perm, all]);
        assert_eq!(rules.len(), 5);
        assert!(
            rules
                .iter()
                .any(|r| r.protocol == "-1" && r.from_port.is_none())
        );
        let ssh: Vec<_> = rules
            .iter()
            .filter(|r| r.from_port == Some(22))
            .map(|r| &r.peer)
            .collect();
        assert_eq!(ssh.len(), 4);
        assert!(
            ssh.iter()
                .any(|p| matches!(p, SgPeer::SecurityGroup { group_id, .. } if group_id == "sg-9"))
        );
        assert!(ssh.iter().any(
            |p| matches!(p, SgPeer::PrefixList { prefix_list_id } if prefix_list_id == "pl-1")
        ));
    }
}
