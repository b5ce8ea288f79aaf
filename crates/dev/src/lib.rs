//! Developer tools for rampart. [`generate`] builds a deterministic,
//! realistic synthetic account of any size through `rampart_model`, so
//! benchmarks (`make bench`, `cargo bench -p rampart-checks`) run the real
//! `rampart check` on a million resources without an AWS account.
//!
//! Realistic means every kind of resource the checks read, related the way
//! a real account relates them: VPCs with public and private subnets,
//! route tables to an internet gateway or a NAT gateway, NACLs, security
//! groups referencing each other, instances with ENIs, volumes and instance
//! profiles, ALBs and NLBs with listeners, target groups and registrations,
//! REST and HTTP APIs with stages and VPC links, WAF web ACLs on some
//! stages, IAM roles with policies. Some backends are exposed (a public IP
//! in a public subnet, an internet-facing load balancer, an open security
//! group), most are not. The same parameters and seed give the same bytes.

// The shape rules read as residues (`n % 5 == 0`, `n % 5 != 4`) side by side.
#![allow(clippy::manual_is_multiple_of)]

use std::collections::BTreeMap;

use rampart_model::*;
use rand_core::{Rng, SeedableRng};
use rand_xorshift::XorShiftRng;
use serde_json::json;

/// The size and shape of a generated account.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Params {
    /// EC2 instances, over all regions.
    pub instances: usize,
    pub security_groups: usize,
    /// Ingress rules per security group.
    pub rules_per_group: usize,
    pub subnets: usize,
    pub load_balancers: usize,
    /// REST and HTTP APIs (about 70 % REST).
    pub apis: usize,
    pub regions: usize,
    pub seed: u64,
}

impl Params {
    /// Defaults that scale with `instances`: 100 000 instances give the
    /// "large account" of the benchmark (50 000 security groups with
    /// 500 000 rules, 10 000 subnets, 5 000 load balancers, 2 000 APIs,
    /// about a million resources).
    pub fn scaled(instances: usize) -> Params {
        let at_least = |n: usize, min: usize| n.max(min);
        Params {
            instances,
            security_groups: at_least(instances / 2, 4),
            rules_per_group: 10,
            subnets: at_least(instances / 10, 4),
            load_balancers: at_least(instances / 20, 2),
            apis: at_least(instances / 50, 2),
            regions: 1,
            seed: 1,
        }
    }
}

const ACCOUNT: &str = "123456789012";
const APP_PORTS: [i32; 6] = [8080, 8443, 3000, 9000, 5000, 80];
const AZS: [&str; 3] = ["a", "b", "c"];

/// The region names used for `n` regions, in a fixed order.
pub fn region_names(n: usize) -> Vec<String> {
    const KNOWN: [&str; 8] = [
        "us-east-1",
        "eu-west-1",
        "us-west-2",
        "ap-southeast-2",
        "eu-central-1",
        "us-east-2",
        "ap-northeast-1",
        "sa-east-1",
    ];
    (0..n)
        .map(|i| match KNOWN.get(i) {
            Some(r) => (*r).to_string(),
            None => format!("xx-synthetic-{i}"),
        })
        .collect()
}

/// `total` split over `parts`: the share of part `i` (earlier parts take the remainder).
fn share(total: usize, parts: usize, i: usize) -> usize {
    total / parts + usize::from(i < total % parts)
}

fn tags(name: String) -> Tags {
    BTreeMap::from([("Name".to_string(), name)])
}

/// A CloudFront distribution in front of every fourth internet-facing load
/// balancer (by DNS name, HTTPS to the origin, viewers redirected), half
/// of them with a CLOUDFRONT-scope web ACL: every CloudFront check has
/// fronts to resolve and both verdicts to give. And one in front of every
/// fortieth internal load balancer through a VPC origin (HTTPS on its
/// first listener's port), so the VPC origin paths are traced too.
fn distributions(inventories: &BTreeMap<String, RegionInventory>) -> CloudFrontInventory {
    let mut cf = custom_origin_distributions(inventories);
    let internal = inventories.values().flat_map(|inv| {
        inv.elbv2
            .load_balancers
            .iter()
            .filter(|lb| lb.scheme.as_deref() == Some("internal"))
    });
    // Shaped like the first custom-origin distribution (none: no
    // internet-facing load balancer, and none through a VPC origin either).
    let Some(template) = cf.distributions.first().cloned() else {
        return cf;
    };
    let base = cf.distributions.len();
    for (n, lb) in internal.step_by(40).enumerate() {
        let i = base + n;
        let vo = format!("vo_{n:022}");
        let port = lb
            .listeners
            .iter()
            .flatten()
            .find_map(|l| l.port)
            .unwrap_or(443);
        cf.vpc_origins.push(VpcOrigin {
            id: vo.clone(),
            arn: format!("arn:aws:cloudfront::{ACCOUNT}:vpcorigin/{vo}"),
            status: Some("Deployed".into()),
            endpoint_arn: lb.load_balancer_arn.clone(),
            connection: CfCustomOrigin {
                http_port: 80,
                https_port: port,
                protocol_policy: Some("https-only".into()),
                ssl_protocols: vec!["TLSv1.2".into()],
            },
        });
        let mut d = template.clone();
        d.id = format!("E{i:012}");
        d.arn = format!("arn:aws:cloudfront::{ACCOUNT}:distribution/{}", d.id);
        d.domain_name = format!("d{i}.cloudfront.net");
        d.aliases = vec![format!("api{i}.example.com")];
        d.origins[0].custom = None;
        d.origins[0].domain_name = lb.dns_name.clone().unwrap_or_default();
        d.origins[0].vpc_origin_id = Some(vo);
        cf.distributions.push(d);
    }
    cf.vpc_origins.sort_by(|a, b| a.id.cmp(&b.id));
    cf.distributions.sort_by(|a, b| a.id.cmp(&b.id));
    cf
}

fn custom_origin_distributions(
    inventories: &BTreeMap<String, RegionInventory>,
) -> CloudFrontInventory {
    let facing = inventories.values().flat_map(|inv| {
        inv.elbv2
            .load_balancers
            .iter()
            .filter(|lb| lb.scheme.as_deref() == Some("internet-facing"))
    });
    let distributions = facing
        .step_by(4)
        .enumerate()
        .filter_map(|(i, lb)| {
            let id = format!("E{i:012}");
            let host = lb.dns_name.clone()?;
            Some(Distribution {
                arn: format!("arn:aws:cloudfront::{ACCOUNT}:distribution/{id}"),
                domain_name: format!("d{i}.cloudfront.net"),
                status: Some("Deployed".into()),
                enabled: true,
                staging: false,
                aliases: vec![format!("api{i}.example.com")],
                web_acl_id: (i % 2 == 0)
                    .then(|| format!("arn:aws:wafv2:us-east-1:{ACCOUNT}:global/webacl/edge/{i}")),
                viewer_certificate: Some(ViewerCertificate {
                    cloudfront_default_certificate: false,
                    acm_certificate_arn: Some(format!(
                        "arn:aws:acm:us-east-1:{ACCOUNT}:certificate/cf-{i}"
                    )),
                    iam_certificate_id: None,
                    ssl_support_method: Some("sni-only".into()),
                    minimum_protocol_version: Some("TLSv1.2_2021".into()),
                }),
                origins: vec![CfOrigin {
                    id: "lb".into(),
                    domain_name: host,
                    origin_path: None,
                    custom: Some(CfCustomOrigin {
                        http_port: 80,
                        https_port: 443,
                        protocol_policy: Some("https-only".into()),
                        ssl_protocols: vec!["TLSv1.2".into()],
                    }),
                    vpc_origin_id: None,
                    s3: false,
                    custom_header_names: vec![],
                }],
                origin_groups: vec![],
                default_behavior: CfBehavior {
                    path_pattern: None,
                    target_origin_id: "lb".into(),
                    viewer_protocol_policy: Some("redirect-to-https".into()),
                },
                behaviors: vec![],
                id,
            })
        })
        .collect();
    CloudFrontInventory {
        distributions,
        web_acls: vec![],
        vpc_origins: vec![],
    }
}

/// Generates the account described by `p`.
pub fn generate(p: &Params) -> Snapshot {
    let regions = p.regions.max(1);
    let mut rng = XorShiftRng::seed_from_u64(p.seed);
    let iam = iam(p, &mut rng);
    let profiles: Vec<String> = iam
        .instance_profiles
        .iter()
        .map(|x| x.arn.clone())
        .collect();
    let mut inventories = BTreeMap::new();
    for (ri, name) in region_names(regions).into_iter().enumerate() {
        let rp = RegionParams {
            name: name.clone(),
            index: ri,
            instances: share(p.instances, regions, ri),
            security_groups: share(p.security_groups, regions, ri).max(2),
            rules_per_group: p.rules_per_group,
            subnets: share(p.subnets, regions, ri).max(2),
            load_balancers: share(p.load_balancers, regions, ri).max(2),
            apis: share(p.apis, regions, ri),
        };
        inventories.insert(name, region(&rp, &profiles, &mut rng));
    }
    let cloudfront = Some(distributions(&inventories));
    Snapshot {
        cloudfront,
        // A subscriber that protects nothing yet: EDGE-014 judges (and
        // fails) every internet-facing entry, the most work it can do.
        shield: Some(ShieldInventory {
            subscription_state: Some("ACTIVE".into()),
            protections: Vec::new(),
        }),
        schema_version: SCHEMA_VERSION,
        tool: ToolInfo {
            name: "rampart".into(),
            version: TOOL_VERSION.into(),
        },
        collected_at: time::macros::datetime!(2026-11-22 00:00:00 UTC),
        scan_duration_ms: 0,
        account_id: ACCOUNT.into(),
        partition: "aws".into(),
        caller_arn: format!("arn:aws:iam::{ACCOUNT}:role/rampart-synthetic"),
        credential_source: None,
        api_calls: BTreeMap::new(),
        collection_errors: vec![],
        iam,
        regions: inventories,
    }
}

/// Roles (one per 100 instances, at least 10), each in its own instance
/// profile: most least-privilege, some with service-wide wildcards, a few
/// admins (AdministratorAccess attached or `*` on `*` inline).
fn iam(p: &Params, rng: &mut XorShiftRng) -> IamInventory {
    let n = (p.instances / 100).max(10);
    let admin = "arn:aws:iam::aws:policy/AdministratorAccess".to_string();
    let ssm = "arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore".to_string();
    let app = format!("arn:aws:iam::{ACCOUNT}:policy/app-read");
    let policies = vec![
        ManagedPolicy {
            arn: admin.clone(),
            policy_name: Some("AdministratorAccess".into()),
            default_version_id: Some("v1".into()),
            document: Some(json!({"Version": "2012-10-17",
                "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]})),
        },
        ManagedPolicy {
            arn: ssm.clone(),
            policy_name: Some("AmazonSSMManagedInstanceCore".into()),
            default_version_id: Some("v2".into()),
            document: Some(json!({"Version": "2012-10-17",
                "Statement": [{"Effect": "Allow", "Action": ["ssm:UpdateInstanceInformation",
                    "ssmmessages:CreateControlChannel", "ec2messages:GetMessages"],
                    "Resource": "*"}]})),
        },
        ManagedPolicy {
            arn: app.clone(),
            policy_name: Some("app-read".into()),
            default_version_id: Some("v3".into()),
            document: Some(json!({"Version": "2012-10-17",
                "Statement": [{"Effect": "Allow", "Action": ["s3:GetObject", "dynamodb:GetItem"],
                    "Resource": format!("arn:aws:s3:::app-{ACCOUNT}/*")}]})),
        },
    ];
    let mut roles = Vec::with_capacity(n);
    let mut profiles = Vec::with_capacity(n);
    for r in 0..n {
        let name = format!("app-{r:05}");
        let mut attached = vec![ssm.clone(), app.clone()];
        if r % 25 == 0 {
            attached.push(admin.clone());
        }
        let mut inline = vec![];
        if r % 7 == 0 {
            let action = if rng.next_u64() % 2 == 0 {
                "s3:*"
            } else {
                "iam:PassRole"
            };
            inline.push(InlinePolicy {
                policy_name: "wide".into(),
                document: Some(json!({"Version": "2012-10-17",
                    "Statement": [{"Effect": "Allow", "Action": action, "Resource": "*"}]})),
            });
        }
        roles.push(Role {
            arn: format!("arn:aws:iam::{ACCOUNT}:role/{name}"),
            role_name: name.clone(),
            role_id: Some(format!("AROA{r:016}")),
            path: Some("/".into()),
            assume_role_policy: Some(json!({"Version": "2012-10-17",
                "Statement": [{"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"},
                    "Action": "sts:AssumeRole"}]})),
            permissions_boundary_arn: None,
            attached_policy_arns: Some(attached),
            inline_policies: Some(inline),
        });
        profiles.push(InstanceProfile {
            arn: format!("arn:aws:iam::{ACCOUNT}:instance-profile/{name}"),
            instance_profile_name: name.clone(),
            instance_profile_id: Some(format!("AIPA{r:016}")),
            path: Some("/".into()),
            role_names: vec![name],
        });
    }
    IamInventory {
        instance_profiles: profiles,
        roles,
        policies,
    }
}

struct RegionParams {
    name: String,
    index: usize,
    instances: usize,
    security_groups: usize,
    rules_per_group: usize,
    subnets: usize,
    load_balancers: usize,
    apis: usize,
}

/// Per-VPC facts the later resources need.
struct VpcPlan {
    id: String,
    /// Index of the VPC's first subnet and how many it has.
    subnets: std::ops::Range<usize>,
    /// Its security groups (the first is `default`).
    groups: std::ops::Range<usize>,
}

fn is_public_subnet(local: usize) -> bool {
    local % 5 == 0
}

fn region(p: &RegionParams, profiles: &[String], rng: &mut XorShiftRng) -> RegionInventory {
    let r = p.name.as_str();
    let ri = p.index;
    let n_vpcs = p.subnets.div_ceil(100).max(1);
    let mut inv = RegionInventory::default();
    let mut plans = Vec::with_capacity(n_vpcs);
    let (mut s0, mut g0) = (0, 0);
    for v in 0..n_vpcs {
        let ns = share(p.subnets, n_vpcs, v).max(1);
        let ng = share(p.security_groups, n_vpcs, v).max(2);
        plans.push(VpcPlan {
            id: format!("vpc-{ri:02x}{v:06x}"),
            subnets: s0..s0 + ns,
            groups: g0..g0 + ng,
        });
        s0 += ns;
        g0 += ng;
    }
    let subnet_id = |s: usize| format!("subnet-{ri:02x}{s:08x}");
    let sg_id = |g: usize| format!("sg-{ri:02x}{g:08x}");
    let ec2 = &mut inv.ec2;

    // Prefix list used by some rules (a corporate range).
    ec2.managed_prefix_lists.push(ManagedPrefixList {
        prefix_list_id: format!("pl-{ri:02x}corp"),
        prefix_list_name: Some("corp-offices".into()),
        address_family: Some("IPv4".into()),
        owner_id: Some(ACCOUNT.into()),
        max_entries: Some(10),
        entries: Some(vec![
            PrefixListEntry {
                cidr: "10.100.0.0/16".into(),
                description: Some("office".into()),
            },
            PrefixListEntry {
                cidr: "172.16.0.0/12".into(),
                description: Some("vpn".into()),
            },
        ]),
        tags: Tags::new(),
    });

    for (v, plan) in plans.iter().enumerate() {
        let vpc = &plan.id;
        let b = v % 256;
        ec2.vpcs.push(Vpc {
            vpc_id: vpc.clone(),
            owner_id: Some(ACCOUNT.into()),
            state: Some("available".into()),
            is_default: false,
            cidr_blocks: vec![format!("10.{b}.0.0/16")],
            ipv6_cidr_blocks: if v % 4 == 0 {
                vec![format!("2600:1f18:{:x}::/56", ri * 4096 + v)]
            } else {
                vec![]
            },
            tags: tags(format!("vpc-{v}")),
        });
        let igw = format!("igw-{ri:02x}{v:06x}");
        let nat = format!("nat-{ri:02x}{v:06x}");
        ec2.internet_gateways.push(InternetGateway {
            internet_gateway_id: igw.clone(),
            attached_vpc_ids: vec![vpc.clone()],
            tags: Tags::new(),
        });
        ec2.nat_gateways.push(NatGateway {
            nat_gateway_id: nat.clone(),
            vpc_id: Some(vpc.clone()),
            subnet_id: Some(subnet_id(plan.subnets.start)),
            state: Some("available".into()),
            connectivity_type: Some("public".into()),
            public_ips: vec![format!("3.{}.{}.1", ri, b)],
            private_ips: vec![format!("10.{b}.0.5")],
            tags: Tags::new(),
        });
        let mut public_assoc = vec![];
        let mut private_assoc = vec![];
        let mut locked_nacl = vec![];
        let mut open_nacl = vec![];
        for s in plan.subnets.clone() {
            let local = s - plan.subnets.start;
            let public = is_public_subnet(local);
            ec2.subnets.push(Subnet {
                subnet_id: subnet_id(s),
                vpc_id: vpc.clone(),
                availability_zone: Some(format!("{r}{}", AZS[local % 3])),
                cidr_block: Some(format!("10.{b}.{}.0/24", local % 256)),
                ipv6_cidr_blocks: vec![],
                map_public_ip_on_launch: public && local % 10 == 0,
                assign_ipv6_address_on_creation: false,
                default_for_az: false,
                tags: tags(format!(
                    "{}-{local}",
                    if public { "public" } else { "private" }
                )),
            });
            let assoc = RouteTableAssociation {
                association_id: Some(format!("rtbassoc-{ri:02x}{s:08x}")),
                main: false,
                subnet_id: Some(subnet_id(s)),
                gateway_id: None,
            };
            if public {
                public_assoc.push(assoc);
            } else if local % 5 == 1 {
                private_assoc.push(assoc);
            }
            let nacl_assoc = NaclAssociation {
                association_id: Some(format!("aclassoc-{ri:02x}{s:08x}")),
                subnet_id: subnet_id(s),
            };
            if !public && local % 5 == 2 {
                locked_nacl.push(nacl_assoc);
            } else {
                open_nacl.push(nacl_assoc);
            }
        }
        let route = |cidr: &str, target: RouteTarget| Route {
            destination_cidr_block: Some(cidr.into()),
            destination_ipv6_cidr_block: None,
            destination_prefix_list_id: None,
            target,
            state: Some("active".into()),
            origin: Some("CreateRoute".into()),
        };
        let local = route(&format!("10.{b}.0.0/16"), RouteTarget::Local);
        let main_assoc = RouteTableAssociation {
            association_id: Some(format!("rtbassoc-{ri:02x}m{v:06x}")),
            main: true,
            subnet_id: None,
            gateway_id: None,
        };
        ec2.route_tables.push(RouteTable {
            route_table_id: format!("rtb-{ri:02x}m{v:06x}"),
            vpc_id: vpc.clone(),
            routes: vec![
                local.clone(),
                route("0.0.0.0/0", RouteTarget::NatGateway(nat.clone())),
            ],
            associations: vec![main_assoc],
            tags: tags("main".into()),
        });
        ec2.route_tables.push(RouteTable {
            route_table_id: format!("rtb-{ri:02x}p{v:06x}"),
            vpc_id: vpc.clone(),
            routes: vec![
                local.clone(),
                route("0.0.0.0/0", RouteTarget::InternetGateway(igw.clone())),
            ],
            associations: public_assoc,
            tags: tags("public".into()),
        });
        ec2.route_tables.push(RouteTable {
            route_table_id: format!("rtb-{ri:02x}q{v:06x}"),
            vpc_id: vpc.clone(),
            routes: vec![
                local,
                route("0.0.0.0/0", RouteTarget::NatGateway(nat)),
                route(
                    "172.16.0.0/12",
                    RouteTarget::TransitGateway(format!("tgw-{ri:02x}")),
                ),
            ],
            associations: private_assoc,
            tags: tags("private".into()),
        });
        ec2.network_acls.push(NetworkAcl {
            network_acl_id: format!("acl-{ri:02x}d{v:06x}"),
            vpc_id: vpc.clone(),
            is_default: true,
            entries: open_nacl_entries(v % 7 == 0),
            associations: open_nacl,
            tags: Tags::new(),
        });
        ec2.network_acls.push(NetworkAcl {
            network_acl_id: format!("acl-{ri:02x}l{v:06x}"),
            vpc_id: vpc.clone(),
            is_default: false,
            entries: locked_nacl_entries(),
            associations: locked_nacl,
            tags: tags("locked".into()),
        });
        if v % 3 != 0 {
            ec2.flow_logs.push(FlowLog {
                flow_log_id: format!("fl-{ri:02x}{v:06x}"),
                resource_id: Some(vpc.clone()),
                traffic_type: Some("ALL".into()),
                log_destination_type: Some("s3".into()),
                log_destination: Some(format!("arn:aws:s3:::flow-logs-{ACCOUNT}")),
                log_group_name: None,
                flow_log_status: Some("ACTIVE".into()),
                deliver_logs_status: Some("SUCCESS".into()),
                tags: Tags::new(),
            });
        }
        for g in plan.groups.clone() {
            let local = g - plan.groups.start;
            // The VPC's load balancer group is its second group: app groups
            // admit their port from it, as a good setup does.
            let lb_group = sg_id(plan.groups.start + 1);
            ec2.security_groups.push(security_group(
                &sg_id(g),
                local,
                g,
                vpc,
                &lb_group,
                p.rules_per_group,
                &format!("pl-{ri:02x}corp"),
            ));
        }
    }

    // Instances, their ENIs and volumes; registrations are planned here.
    let subnet_vpc: Vec<usize> = plans
        .iter()
        .enumerate()
        .flat_map(|(v, plan)| plan.subnets.clone().map(move |_| v))
        .collect();
    let mut per_vpc_instances: Vec<Vec<usize>> = vec![vec![]; plans.len()];
    let ip = |s: usize, slot: usize| {
        let b = subnet_vpc[s] % 256;
        let local = (s - plans[subnet_vpc[s]].subnets.start) % 256;
        format!("10.{b}.{local}.{}", 4 + slot % 250)
    };
    let n_sub = p.subnets.max(1);
    for n in 0..p.instances {
        let s = n * n_sub / p.instances.max(1);
        let v = subnet_vpc[s];
        let plan = &plans[v];
        let local = s - plan.subnets.start;
        let public_subnet = is_public_subnet(local);
        per_vpc_instances[v].push(n);
        let id = format!("i-{ri:02x}{n:015x}");
        let slot = n - s * p.instances / n_sub;
        let groups = plan.groups.len();
        // App groups start after `default` and the load balancer group.
        let app = |k: usize| sg_id(plan.groups.start + 2.min(groups - 1) + k % (groups - 2).max(1));
        let public_ip = (public_subnet && n % 2 == 0).then(|| {
            format!(
                "54.{}.{}.{}",
                (ri * 16 + n / 65536) % 256,
                n / 256 % 256,
                n % 256
            )
        });
        let n_enis = if n % 10 == 0 { 2 } else { 1 };
        let mut eni_ids: Vec<CompactString> = vec![];
        for e in 0..n_enis {
            let eni = format!("eni-{ri:02x}{n:014x}{e}");
            ec2.network_interfaces.push(NetworkInterface {
                network_interface_id: eni.clone().into(),
                subnet_id: Some(subnet_id(s).into()),
                vpc_id: Some(plan.id.clone().into()),
                availability_zone: Some(format!("{r}{}", AZS[local % 3]).into()),
                interface_type: Some("interface".into()),
                description: None,
                status: Some("in-use".into()),
                requester_managed: false,
                private_ip_addresses: vec![EniPrivateIp {
                    private_ip: ip(s, slot * 2 + e).into(),
                    primary: true,
                    public_ip: if e == 0 {
                        public_ip.clone().map(Into::into)
                    } else {
                        None
                    },
                    public_ip_owner: (e == 0 && public_ip.is_some()).then(|| "amazon".into()),
                }],
                ipv6_addresses: vec![],
                security_group_ids: vec![app(n).into(), app(n * 7 + 3).into()],
                attachment: Some(EniAttachment {
                    attachment_id: Some(format!("eni-attach-{ri:02x}{n:012x}{e}").into()),
                    instance_id: Some(id.clone().into()),
                    device_index: Some(e as i32),
                    status: Some("attached".into()),
                }),
                tags: Tags::new(),
            });
            eni_ids.push(eni.into());
        }
        if public_ip.is_some() && n % 50 == 0 {
            ec2.elastic_ips.push(ElasticIp {
                allocation_id: Some(format!("eipalloc-{ri:02x}{n:012x}")),
                public_ip: public_ip.clone(),
                association_id: Some(format!("eipassoc-{ri:02x}{n:012x}")),
                instance_id: Some(id.clone()),
                network_interface_id: Some(eni_ids[0].to_string()),
                private_ip: Some(ip(s, slot * 2)),
                domain: Some("vpc".into()),
                tags: Tags::new(),
            });
        }
        let n_vols = if n % 3 == 0 { 2 } else { 1 };
        let mut mappings = vec![];
        for d in 0..n_vols {
            let vol = format!("vol-{ri:02x}{n:014x}{d}");
            let device = if d == 0 { "/dev/xvda" } else { "/dev/xvdb" };
            ec2.volumes.push(Volume {
                volume_id: vol.clone().into(),
                size_gib: Some(if d == 0 { 8 } else { 100 }),
                volume_type: Some("gp3".into()),
                encrypted: n % 5 != 0,
                kms_key_id: (n % 5 != 0)
                    .then(|| format!("arn:aws:kms:{r}:{ACCOUNT}:key/synthetic").into()),
                state: Some("in-use".into()),
                availability_zone: Some(format!("{r}{}", AZS[local % 3]).into()),
                attachments: vec![VolumeAttachment {
                    instance_id: Some(id.clone().into()),
                    device: Some(device.into()),
                    state: Some("attached".into()),
                    delete_on_termination: Some(d == 0),
                }],
                tags: Tags::new(),
            });
            mappings.push(BlockDeviceMapping {
                device_name: device.into(),
                volume_id: Some(vol.into()),
                delete_on_termination: Some(d == 0),
            });
        }
        // Systems Manager: most instances managed; some offline, some with
        // missing patches, some never scanned.
        if n % 6 != 5 {
            let ssm = inv.ssm.get_or_insert_with(SsmInventory::default);
            ssm.managed_instances.push(ManagedInstance {
                instance_id: id.clone(),
                ping_status: Some(
                    if n % 11 == 10 {
                        "ConnectionLost"
                    } else {
                        "Online"
                    }
                    .into(),
                ),
                last_ping: Some(time::macros::datetime!(2026-11-21 23:50:00 UTC)),
                agent_version: Some("3.3.1142.0".into()),
                is_latest_version: Some(n % 4 != 0),
                platform_type: Some("Linux".into()),
                platform_name: Some("Amazon Linux".into()),
            });
            if n % 8 != 7 {
                ssm.patch_states.push(PatchState {
                    instance_id: id.clone().into(),
                    baseline_id: Some("pb-0123456789abcdef0".into()),
                    missing_count: (n % 5 == 1) as i32 * 3,
                    failed_count: 0,
                    installed_pending_reboot_count: Some(0),
                    critical_non_compliant_count: Some((n % 10 == 1) as i32),
                    security_non_compliant_count: Some((n % 5 == 1) as i32 * 2),
                    operation: Some("Scan".into()),
                    operation_end_time: Some(if n % 13 == 12 {
                        time::macros::datetime!(2026-10-01 03:00:00 UTC)
                    } else {
                        time::macros::datetime!(2026-11-21 03:00:00 UTC)
                    }),
                });
            }
        }
        ec2.instances.push(Instance {
            instance_id: id.into(),
            state: Some(if n % 40 == 39 { "stopped" } else { "running" }.into()),
            instance_type: Some(["t3.micro", "m6i.large", "c7g.xlarge"][n % 3].into()),
            image_id: Some("ami-0123456789abcdef0".into()),
            vpc_id: Some(plan.id.clone().into()),
            subnet_id: Some(subnet_id(s).into()),
            private_ip: Some(ip(s, slot * 2).into()),
            public_ip: public_ip.map(Into::into),
            ipv6_addresses: vec![],
            network_interface_ids: eni_ids,
            security_group_ids: vec![app(n).into(), app(n * 7 + 3).into()],
            metadata_options: Some(MetadataOptions {
                http_tokens: Some(if n % 4 == 0 { "optional" } else { "required" }.into()),
                http_endpoint: Some("enabled".into()),
                http_put_response_hop_limit: Some(if n % 9 == 0 { 2 } else { 1 }),
                http_protocol_ipv6: Some("disabled".into()),
                instance_metadata_tags: Some("disabled".into()),
                state: Some("applied".into()),
            }),
            iam_instance_profile_arn: (n % 5 != 4 && !profiles.is_empty())
                .then(|| profiles[(n / 7) % profiles.len()].as_str().into()),
            key_name: (n % 3 == 1).then(|| "ops-key".into()),
            root_device_name: Some("/dev/xvda".into()),
            block_device_mappings: mappings,
            launch_time: Some(time::macros::datetime!(2026-01-01 00:00:00 UTC)),
            platform: None,
            tags: tags(format!("app-{n}")),
        });
    }
    ec2.ebs_encryption_by_default = Some(ri % 2 == 0);
    ec2.ebs_default_kms_key_id = Some("alias/aws/ebs".into());
    // The one AMI every generated instance runs: Amazon's, three weeks old.
    ec2.images = Some(vec![Image {
        image_id: "ami-0123456789abcdef0".into(),
        name: Some("al2023-ami-2023.9.20261101.0-kernel-6.1-x86_64".into()),
        owner_id: Some("137112412989".into()),
        owner_alias: Some("amazon".into()),
        public: true,
        creation_date: Some(time::macros::datetime!(2026-11-01 00:00:00 UTC)),
        deprecation_time: None,
        state: Some("available".into()),
        imds_support: Some("v2.0".into()),
        block_devices: Some(vec![ImageBlockDevice {
            device_name: "/dev/xvda".into(),
            encrypted: Some(false),
        }]),
    }]);
    // The one key of the region's encrypted volumes: customer managed,
    // rotating in every other region.
    inv.kms = Some(KmsInventory {
        keys: vec![KmsKey {
            arn: format!("arn:aws:kms:{r}:{ACCOUNT}:key/synthetic"),
            key_id: "synthetic".into(),
            key_manager: Some("CUSTOMER".into()),
            key_state: Some("Enabled".into()),
            origin: Some("AWS_KMS".into()),
            key_spec: Some("SYMMETRIC_DEFAULT".into()),
            deletion_date: None,
            rotation_enabled: Some(ri % 2 == 0),
            rotation_period_days: (ri % 2 == 0).then_some(365),
        }],
    });

    load_balancers(p, &plans, &per_vpc_instances, &mut inv, rng);
    inv.ecs = Some(containers(&mut inv, ri, r));
    apis(p, &plans, &mut inv);
    inv.acm = Some(certificates(&inv));
    inv.autoscaling = Some(fleets(&inv, ri, r));
    inv.inspector = Some(inspector(&inv, ri));
    (inv.cloudtrail, inv.guardduty) = detect(ri);
    inv
}

/// ECS tasks as backends (issue 16 item 3): every sixth instance target
/// group gets an `ip` twin on the same load balancer, which its listeners
/// also forward to (a weighted forward), with four Fargate tasks
/// registered. Each task has its own interface in the subnet of the
/// group's first instance, with that instance's groups, at an address of
/// 100.64.0.0/10 (a range no generated instance uses). Three task
/// definitions per region: one hardened, one whose container runs as
/// root with a writable root filesystem, one privileged.
fn containers(inv: &mut RegionInventory, ri: usize, r: &str) -> EcsInventory {
    let cluster = format!("arn:aws:ecs:{r}:{ACCOUNT}:cluster/c-{ri:02x}");
    let defs: Vec<TaskDefinition> = (0..3)
        .map(|d| TaskDefinition {
            task_definition_arn: format!("arn:aws:ecs:{r}:{ACCOUNT}:task-definition/app-{d}:1"),
            family: Some(format!("app-{d}")),
            revision: Some(1),
            network_mode: Some("awsvpc".into()),
            task_role_arn: None,
            execution_role_arn: None,
            requires_compatibilities: vec!["FARGATE".into()],
            containers: vec![ContainerDefinition {
                name: "app".into(),
                image: Some("public.ecr.aws/docker/library/nginx:1.27".into()),
                essential: Some(true),
                privileged: Some(d == 2),
                user: (d != 1).then(|| "1000:1000".into()),
                readonly_root_filesystem: Some(d != 1),
                port_mappings: vec![],
                secrets_referenced: 0,
            }],
        })
        .collect();
    let mut tasks = Vec::new();
    let mut twins = Vec::new();
    let instance_tgs: Vec<usize> = inv
        .elbv2
        .target_groups
        .iter()
        .enumerate()
        .filter(|(k, tg)| k % 6 == 2 && tg.target_type.as_deref() == Some("instance"))
        .map(|(k, _)| k)
        .collect();
    for k in instance_tgs {
        let tg = &inv.elbv2.target_groups[k];
        let Some(first) = tg.targets.iter().flatten().next() else {
            continue;
        };
        let Some(eni) = inv
            .ec2
            .network_interfaces
            .iter()
            .find(|e| {
                e.attachment.as_ref().and_then(|a| a.instance_id.as_deref())
                    == Some(first.id.as_str())
            })
            .cloned()
        else {
            continue;
        };
        let twin_arn = tg.target_group_arn.replace("/tg-", "/tgt-");
        let mut targets = Vec::new();
        for t in 0..4usize {
            let n = k * 4 + t;
            let ip = format!("100.{}.{}.{}", 64 + ri % 64, n / 250 % 256, 4 + n % 250);
            let eni_id = format!("eni-{ri:02x}t{n:013x}");
            let task_arn = format!(
                "{}/{:032x}",
                cluster.replace(":cluster/", ":task/"),
                ri * 1_000_000 + n
            );
            inv.ec2.network_interfaces.push(NetworkInterface {
                network_interface_id: eni_id.clone().into(),
                description: Some(format!("arn:aws:ecs:{r}:{ACCOUNT}:attachment/{n:08x}").into()),
                requester_managed: true,
                private_ip_addresses: vec![EniPrivateIp {
                    private_ip: ip.clone().into(),
                    primary: true,
                    public_ip: None,
                    public_ip_owner: None,
                }],
                attachment: None,
                ..eni.clone()
            });
            tasks.push(EcsTask {
                task_arn,
                cluster_arn: Some(cluster.clone()),
                task_definition_arn: Some(defs[n % 3].task_definition_arn.clone()),
                group: Some(format!("service:svc-{k:06}")),
                launch_type: Some("FARGATE".into()),
                last_status: Some("RUNNING".into()),
                desired_status: Some("RUNNING".into()),
                container_instance_arn: None,
                network_interface_id: Some(eni_id),
                private_ipv4: Some(ip.clone()),
                subnet_id: eni.subnet_id.as_deref().map(str::to_string),
                tags: Tags::new(),
            });
            targets.push(Target {
                id: ip,
                port: first.port,
                availability_zone: None,
                health_state: Some("healthy".into()),
                health_reason: None,
            });
        }
        let mut twin = tg.clone();
        twin.target_group_arn = twin_arn.clone();
        twin.name = twin.name.map(|n| n.replace("tg-", "tgt-"));
        twin.target_type = Some("ip".into());
        twin.targets = Some(targets);
        twins.push((tg.target_group_arn.clone(), twin_arn, twin));
    }
    for (of, arn, twin) in twins {
        for lb in &mut inv.elbv2.load_balancers {
            for l in lb.listeners.iter_mut().flatten() {
                let actions = l.default_actions.iter_mut().chain(
                    l.rules
                        .iter_mut()
                        .flatten()
                        .flat_map(|r| r.actions.iter_mut()),
                );
                for a in actions {
                    if a.target_group_arns.contains(&of) {
                        a.target_group_arns.push(arn.clone());
                    }
                }
            }
        }
        inv.elbv2.target_groups.push(twin);
    }
    EcsInventory {
        clusters: vec![EcsCluster {
            cluster_arn: cluster,
            services: Some(vec![]),
            tasks: Some(tasks),
        }],
        task_definitions: defs,
    }
}

/// The detect layer: one multi-Region trail homed in the first region,
/// logging everywhere with AWS's default selector (every read and write
/// management event); a GuardDuty detector with EC2 Runtime Monitoring in
/// every region but the third, which has none.
fn detect(ri: usize) -> (Option<CloudTrailInventory>, Option<GuardDutyInventory>) {
    let home = region_names(1).remove(0);
    let trail = Trail {
        arn: format!("arn:aws:cloudtrail:{home}:{ACCOUNT}:trail/account-trail"),
        name: "account-trail".into(),
        home_region: Some(home),
        multi_region: true,
        organization: false,
        is_logging: Some(true),
        latest_delivery_error: None,
        selectors: Some(EventSelectors::aws_default()),
    };
    let detectors = if ri == 2 {
        vec![]
    } else {
        vec![Detector {
            detector_id: format!("{:032x}", ri + 1),
            status: Some("ENABLED".into()),
            features: vec![DetectorFeature {
                name: "RUNTIME_MONITORING".into(),
                status: Some("ENABLED".into()),
                additional: vec![("EC2_AGENT_MANAGEMENT".into(), Some("ENABLED".into()))],
            }],
        }]
    };
    (
        Some(CloudTrailInventory {
            trails: vec![trail],
        }),
        Some(GuardDutyInventory { detectors }),
    )
}

/// The region's running instances, by id (what Inspector covers and Auto
/// Scaling groups hold).
fn running_ids(inv: &RegionInventory) -> Vec<&str> {
    inv.ec2
        .instances
        .iter()
        .filter(|i| i.state.as_deref() == Some("running"))
        .map(|i| i.instance_id.as_str())
        .collect()
}

/// Amazon Inspector: EC2 scanning enabled in every region but the second;
/// every running instance covered, one in ten unmanaged (`INACTIVE`); one
/// in twenty with two open critical vulnerabilities and port 22 reachable.
fn inspector(inv: &RegionInventory, ri: usize) -> InspectorInventory {
    if ri == 1 {
        return InspectorInventory {
            ec2_status: Some("DISABLED".into()),
            ..Default::default()
        };
    }
    let running = running_ids(inv);
    let scanned = time::macros::datetime!(2026-11-20 00:00:00 UTC);
    let coverage = running
        .iter()
        .enumerate()
        .map(|(n, id)| InspectorCoverage {
            instance_id: id.to_string(),
            status: Some(if n % 10 == 7 { "INACTIVE" } else { "ACTIVE" }.into()),
            reason: Some(
                if n % 10 == 7 {
                    "UNMANAGED_EC2_INSTANCE"
                } else {
                    "SUCCESSFUL"
                }
                .into(),
            ),
            last_scanned_at: (n % 10 != 7).then_some(scanned),
        })
        .collect();
    let findings = running
        .iter()
        .enumerate()
        .filter(|(n, _)| n % 20 == 3)
        .map(|(_, id)| InstanceVulnerabilities {
            instance_id: id.to_string(),
            critical: 2,
            high: 5,
            medium: 9,
            all: 16,
            network: 1,
            critical_open: 2,
            top: ["CVE-2024-6387", "CVE-2023-38408"]
                .iter()
                .map(|cve| Vulnerability {
                    id: cve.to_string(),
                    severity: "CRITICAL".into(),
                    score: Some(9.8),
                    fix_available: Some("YES".into()),
                    packages: vec!["openssh-server 8.7p1-34.amzn2023".into()],
                })
                .collect(),
            reachable_ports: vec![("TCP".into(), 22, 22)],
        })
        .collect();
    let mut out = InspectorInventory {
        ec2_status: Some("ENABLED".into()),
        coverage,
        findings,
    };
    out.coverage
        .sort_by(|a, b| a.instance_id.cmp(&b.instance_id));
    out.findings
        .sort_by(|a, b| a.instance_id.cmp(&b.instance_id));
    out
}

/// Auto Scaling groups over the region's instances: the running instances in
/// groups of 50, each group launching the region's one launch template
/// (`$Default`, hardened) or, every fourth group, its `$Latest` version
/// (IMDSv1, no profile) or a launch configuration; groups feed the region's
/// first target groups in turn.
fn fleets(inv: &RegionInventory, ri: usize, r: &str) -> AutoScalingInventory {
    let tgs: Vec<&str> = inv
        .elbv2
        .target_groups
        .iter()
        .map(|t| t.target_group_arn.as_str())
        .collect();
    let subnets: Vec<String> = inv
        .ec2
        .subnets
        .iter()
        .take(2)
        .map(|s| s.subnet_id.clone())
        .collect();
    let members = running_ids(inv);
    let lt = format!("lt-{ri:02x}0000000000000001");
    let hardened = LaunchSpec {
        image_id: Some("ami-0123456789abcdef0".into()),
        iam_instance_profile: Some("app".into()),
        key_name: None,
        metadata_options: Some(MetadataOptions {
            http_tokens: Some("required".into()),
            http_endpoint: Some("enabled".into()),
            http_put_response_hop_limit: Some(1),
            http_protocol_ipv6: None,
            instance_metadata_tags: None,
            state: None,
        }),
        associate_public_ip: Some(false),
        subnet_id: None,
        security_group_ids: inv
            .ec2
            .security_groups
            .iter()
            .take(1)
            .map(|g| g.group_id.as_str().into())
            .collect(),
        block_devices: vec![LaunchBlockDevice {
            device_name: "/dev/xvda".into(),
            ebs: true,
            encrypted: Some(true),
            kms_key_id: None,
            snapshot_id: None,
        }],
    };
    let loose = LaunchSpec {
        iam_instance_profile: None,
        metadata_options: None,
        associate_public_ip: None,
        block_devices: vec![],
        ..hardened.clone()
    };
    let groups = members
        .chunks(50)
        .enumerate()
        .map(|(n, ids)| {
            let name = format!("asg-{ri:02x}-{n:05}");
            let (templates, config) = match n % 4 {
                1 => (vec![LaunchTemplateRef { id: Some(lt.clone()), name: Some("app".into()), version: Some("$Latest".into()) }], None),
                3 => (vec![], Some("legacy".to_string())),
                _ => (vec![LaunchTemplateRef { id: Some(lt.clone()), name: Some("app".into()), version: Some("$Default".into()) }], None),
            };
            AutoScalingGroup {
                arn: format!("arn:aws:autoscaling:{r}:{ACCOUNT}:autoScalingGroup:{n:08x}:autoScalingGroupName/{name}"),
                name,
                launch_templates: templates,
                launch_configuration_name: config,
                target_group_arns: tgs.get(n % tgs.len().max(1)).map(|t| t.to_string()).into_iter().collect(),
                subnet_ids: subnets.clone(),
                min_size: Some(0),
                max_size: Some(100),
                desired_capacity: Some(ids.len() as i32),
                instance_ids: ids.iter().map(|s| s.to_string()).collect(),
            }
        })
        .collect();
    AutoScalingInventory {
        groups,
        launch_templates: vec![LaunchTemplate {
            id: lt,
            name: Some("app".into()),
            default_version: Some(1),
            latest_version: Some(2),
            versions: vec![
                LaunchTemplateVersion {
                    version: 1,
                    spec: hardened,
                },
                LaunchTemplateVersion {
                    version: 2,
                    spec: loose.clone(),
                },
            ],
        }],
        launch_configurations: vec![LaunchConfiguration {
            name: "legacy".into(),
            arn: format!(
                "arn:aws:autoscaling:{r}:{ACCOUNT}:launchConfiguration:{ri:08x}:launchConfigurationName/legacy"
            ),
            spec: loose,
        }],
        metadata_defaults: Some(MetadataDefaults::default()),
    }
}

/// Every certificate the region's listeners and domains present,
/// described: the listeners' one certificate is Amazon-issued and valid for
/// a year; of the domains' certificates every fourth is imported (ACM does
/// not renew it) and expires within two weeks, every tenth has an RSA 1024
/// key.
fn certificates(inv: &RegionInventory) -> AcmInventory {
    let at = time::macros::datetime!(2026-11-22 00:00:00 UTC);
    let certificates = inv
        .acm_certificate_arns()
        .into_iter()
        .enumerate()
        .map(|(n, arn)| {
            let imported = n % 4 == 3;
            Certificate {
                arn: arn.to_string(),
                domain_name: Some(format!("c{n}.example.com")),
                cert_type: Some(
                    if imported {
                        "IMPORTED"
                    } else {
                        "AMAZON_ISSUED"
                    }
                    .into(),
                ),
                status: Some("ISSUED".into()),
                key_algorithm: Some(if n % 10 == 9 { "RSA_1024" } else { "RSA_2048" }.into()),
                not_before: Some(at - time::Duration::days(30)),
                not_after: Some(at + time::Duration::days(if imported { 12 } else { 365 })),
                renewal_eligibility: Some(if imported { "INELIGIBLE" } else { "ELIGIBLE" }.into()),
                renewal_status: None,
                renewal_status_reason: None,
                in_use_by: vec![],
            }
        })
        .collect();
    AcmInventory { certificates }
}

fn nacl(egress: bool, n: i32, action: &str, cidr: &str, ports: Option<(i32, i32)>) -> NaclEntry {
    NaclEntry {
        egress,
        rule_number: n,
        protocol: if ports.is_some() { "6" } else { "-1" }.into(),
        rule_action: action.into(),
        cidr_block: Some(cidr.into()),
        ipv6_cidr_block: None,
        port_range: ports.map(|(from, to)| PortRange { from, to }),
        icmp_type_code: None,
    }
}

/// The default NACL: everything allowed (as AWS creates it), with an
/// explicit SSH allow in some VPCs.
fn open_nacl_entries(ssh: bool) -> Vec<NaclEntry> {
    let mut e = vec![];
    if ssh {
        e.push(nacl(false, 50, "allow", "0.0.0.0/0", Some((22, 22))));
    }
    e.push(nacl(false, 100, "allow", "0.0.0.0/0", None));
    e.push(nacl(false, 32767, "deny", "0.0.0.0/0", None));
    e.push(nacl(true, 100, "allow", "0.0.0.0/0", None));
    e.push(nacl(true, 32767, "deny", "0.0.0.0/0", None));
    e
}

/// A locked-down NACL: admin ports denied, app traffic only from the VPC
/// range, ephemeral replies out.
fn locked_nacl_entries() -> Vec<NaclEntry> {
    vec![
        nacl(false, 10, "deny", "0.0.0.0/0", Some((22, 22))),
        nacl(false, 20, "deny", "0.0.0.0/0", Some((3389, 3389))),
        nacl(false, 100, "allow", "10.0.0.0/8", Some((1024, 65535))),
        nacl(false, 110, "allow", "10.0.0.0/8", Some((80, 443))),
        nacl(false, 32767, "deny", "0.0.0.0/0", None),
        nacl(true, 100, "allow", "0.0.0.0/0", Some((1024, 65535))),
        nacl(true, 110, "allow", "0.0.0.0/0", Some((443, 443))),
        nacl(true, 32767, "deny", "0.0.0.0/0", None),
    ]
}

fn security_group(
    id: &str,
    local: usize,
    g: usize,
    vpc: &str,
    lb_group: &str,
    rules: usize,
    prefix_list: &str,
) -> SecurityGroup {
    let tcp = |port: i32, peer: SgPeer| SgRule {
        protocol: "tcp".into(),
        from_port: Some(port),
        to_port: Some(port),
        peer,
        description: None,
    };
    let v4 = |c: &str| SgPeer::Ipv4 { cidr: c.into() };
    let group = |gid: &str| SgPeer::SecurityGroup {
        group_id: gid.into(),
        user_id: Some(ACCOUNT.into()),
        vpc_id: None,
        peering_status: None,
    };
    let all_out = SgRule {
        protocol: "-1".into(),
        from_port: None,
        to_port: None,
        peer: v4("0.0.0.0/0"),
        description: None,
    };
    if local == 0 {
        // The VPC's default group: members talk to each other (a rule
        // NET-012 flags) in every other VPC, empty in the rest.
        let (ingress, egress) = if g % 2 == 0 {
            (
                vec![SgRule {
                    protocol: "-1".into(),
                    from_port: None,
                    to_port: None,
                    peer: group(id),
                    description: None,
                }],
                vec![all_out],
            )
        } else {
            (vec![], vec![])
        };
        return SecurityGroup {
            group_id: id.into(),
            group_name: "default".into(),
            vpc_id: Some(vpc.into()),
            owner_id: Some(ACCOUNT.into()),
            description: Some("default VPC security group".into()),
            ingress,
            egress,
            tags: Tags::new(),
        };
    }
    if local == 1 {
        // The load balancers' group: HTTPS and HTTP from anywhere.
        return SecurityGroup {
            group_id: id.into(),
            group_name: "lb".into(),
            vpc_id: Some(vpc.into()),
            owner_id: Some(ACCOUNT.into()),
            description: Some("load balancers".into()),
            ingress: vec![tcp(443, v4("0.0.0.0/0")), tcp(80, v4("0.0.0.0/0"))],
            egress: vec![all_out],
            tags: tags("lb".into()),
        };
    }
    let port = APP_PORTS[g % APP_PORTS.len()];
    let ingress = (0..rules)
        .map(|k| match k {
            0 => tcp(port, group(lb_group)),
            // One group in 13 opens the app port to the internet.
            1 if g % 13 == 0 => tcp(port, v4("0.0.0.0/0")),
            1 => tcp(port, v4("10.0.0.0/8")),
            // One in 97 opens SSH to the internet, one in 89 everything.
            2 if g % 97 == 0 => tcp(22, v4("0.0.0.0/0")),
            2 if g % 89 == 0 => SgRule {
                protocol: "-1".into(),
                from_port: None,
                to_port: None,
                peer: v4("0.0.0.0/0"),
                description: Some("temporary".into()),
            },
            2 => tcp(
                22,
                SgPeer::PrefixList {
                    prefix_list_id: prefix_list.into(),
                },
            ),
            3 if g % 31 == 0 => tcp(
                port,
                SgPeer::Ipv6 {
                    cidr: "::/0".into(),
                },
            ),
            _ => {
                let k = k as i32;
                let from = 9100 + k * 10;
                SgRule {
                    protocol: if k % 4 == 0 { "udp" } else { "tcp" }.into(),
                    from_port: Some(from),
                    to_port: Some(from + (k % 3) * 5),
                    peer: if k % 2 == 0 {
                        v4(&format!("10.{}.0.0/16", (g + k as usize) % 256))
                    } else {
                        group(id)
                    },
                    description: Some("monitoring".into()),
                }
            }
        })
        .collect();
    let egress = if g % 4 == 0 {
        vec![tcp(443, v4("0.0.0.0/0"))]
    } else {
        vec![all_out]
    };
    SecurityGroup {
        group_id: id.into(),
        group_name: format!("app-{g}"),
        vpc_id: Some(vpc.into()),
        owner_id: Some(ACCOUNT.into()),
        description: Some("application servers".into()),
        ingress,
        egress,
        tags: tags(format!("app-{g}")),
    }
}

fn lb_arn(r: &str, kind: &str, name: &str) -> String {
    format!(
        "arn:aws:elasticloadbalancing:{r}:{ACCOUNT}:loadbalancer/{kind}/{name}/0123456789abcdef"
    )
}

/// Load balancers per VPC: every third an NLB, one in ten internet-facing
/// (in public subnets), each with a target group of the VPC's instances
/// (nine in ten instances are registered somewhere).
fn load_balancers(
    p: &RegionParams,
    plans: &[VpcPlan],
    per_vpc_instances: &[Vec<usize>],
    inv: &mut RegionInventory,
    rng: &mut XorShiftRng,
) {
    let r = p.name.as_str();
    let ri = p.index;
    let mut l = 0;
    for (v, plan) in plans.iter().enumerate() {
        let count = share(p.load_balancers, plans.len(), v);
        let members = &per_vpc_instances[v];
        for j in 0..count {
            let network = l % 3 == 0;
            let internet = l % 10 == 0;
            let kind = if network { "net" } else { "app" };
            let name = format!("lb-{ri:02x}-{l:06}");
            let arn = lb_arn(r, kind, &name);
            let tg_arn = format!(
                "arn:aws:elasticloadbalancing:{r}:{ACCOUNT}:targetgroup/tg-{ri:02x}-{l:06}/0123456789abcdef"
            );
            let port = APP_PORTS[l % APP_PORTS.len()];
            // Two subnets: public ones for internet-facing balancers.
            let pick = |k: usize| {
                let locals: Vec<usize> = (0..plan.subnets.len())
                    .filter(|x| is_public_subnet(*x) == internet)
                    .collect();
                let x = locals
                    .get((j + k) % locals.len().max(1))
                    .copied()
                    .unwrap_or(0);
                format!("subnet-{ri:02x}{:08x}", plan.subnets.start + x)
            };
            let tls = rng.next_u64() % 4 != 0;
            let listener_arn = format!(
                "arn:aws:elasticloadbalancing:{r}:{ACCOUNT}:listener/{kind}/{name}/0123456789abcdef/{l:08x}"
            );
            let forward = LbAction {
                action_type: "forward".into(),
                order: Some(1),
                target_group_arns: vec![tg_arn.clone()],
                redirect_protocol: None,
                redirect_port: None,
                fixed_response_status: None,
            };
            let mut listeners = vec![Listener {
                listener_arn: listener_arn.clone(),
                port: Some(443),
                protocol: Some(
                    match (network, tls) {
                        (true, true) => "TLS",
                        (true, false) => "TCP",
                        (false, true) => "HTTPS",
                        (false, false) => "HTTP",
                    }
                    .into(),
                ),
                ssl_policy: tls.then(|| {
                    if l % 7 == 0 {
                        "ELBSecurityPolicy-2016-08"
                    } else {
                        "ELBSecurityPolicy-TLS13-1-2-2021-06"
                    }
                    .into()
                }),
                certificate_arns: if tls {
                    vec![format!("arn:aws:acm:{r}:{ACCOUNT}:certificate/synthetic")]
                } else {
                    vec![]
                },
                sni_certificate_arns: Some(vec![]),
                alpn_policy: vec![],
                default_actions: vec![forward.clone()],
                rules: (!network).then(|| {
                    vec![ListenerRule {
                        rule_arn: format!("{listener_arn}/rule/default"),
                        priority: Some("default".into()),
                        is_default: true,
                        conditions: vec![],
                        actions: vec![forward.clone()],
                    }]
                }),
            }];
            if !network {
                listeners.push(Listener {
                    listener_arn: format!("{listener_arn}80"),
                    port: Some(80),
                    protocol: Some("HTTP".into()),
                    ssl_policy: None,
                    certificate_arns: vec![],
                    sni_certificate_arns: Some(vec![]),
                    alpn_policy: vec![],
                    default_actions: vec![LbAction {
                        action_type: "redirect".into(),
                        order: Some(1),
                        target_group_arns: vec![],
                        redirect_protocol: Some("HTTPS".into()),
                        redirect_port: Some("443".into()),
                        fixed_response_status: None,
                    }],
                    rules: Some(vec![]),
                });
            }
            let logs = l % 2 == 0;
            inv.elbv2.load_balancers.push(LoadBalancer {
                eip_allocation_ids: Vec::new(),
                load_balancer_arn: arn.clone(),
                name: name.clone(),
                lb_type: Some(if network { "network" } else { "application" }.into()),
                scheme: Some(
                    if internet {
                        "internet-facing"
                    } else {
                        "internal"
                    }
                    .into(),
                ),
                vpc_id: Some(plan.id.clone()),
                dns_name: Some(format!("{name}.{r}.elb.amazonaws.com")),
                state: Some("active".into()),
                ip_address_type: Some("ipv4".into()),
                subnet_ids: vec![pick(0), pick(1)],
                security_group_ids: if network && l % 2 == 0 {
                    vec![]
                } else {
                    vec![format!("sg-{ri:02x}{:08x}", plan.groups.start + 1).into()]
                },
                attributes: Some(BTreeMap::from([
                    ("access_logs.s3.enabled".to_string(), logs.to_string()),
                    (
                        "deletion_protection.enabled".to_string(),
                        "true".to_string(),
                    ),
                ])),
                listeners: Some(listeners),
                tags: tags(name.clone()),
            });
            let targets: Vec<Target> = members
                .iter()
                .enumerate()
                .filter(|(k, n)| k % count.max(1) == j && *n % 10 != 9)
                .map(|(_, n)| Target {
                    id: format!("i-{ri:02x}{n:015x}"),
                    port: Some(port),
                    availability_zone: None,
                    health_state: Some("healthy".into()),
                    health_reason: None,
                })
                .collect();
            inv.elbv2.target_groups.push(TargetGroup {
                // As DescribeTargetGroupAttributes answers for an instance
                // group: client IP preservation on (NLB), deregistration delay.
                attributes: Some(
                    [
                        ("deregistration_delay.timeout_seconds", "300"),
                        (
                            "preserve_client_ip.enabled",
                            if network { "true" } else { "false" },
                        ),
                    ]
                    .into_iter()
                    .map(|(k, v)| (k.to_string(), v.to_string()))
                    .collect(),
                ),
                target_group_arn: tg_arn,
                name: Some(format!("tg-{ri:02x}-{l:06}")),
                protocol: Some(if network { "TCP" } else { "HTTP" }.into()),
                port: Some(port),
                target_type: Some("instance".into()),
                vpc_id: Some(plan.id.clone()),
                load_balancer_arns: vec![arn],
                health_check_protocol: Some(if network { "TCP" } else { "HTTP" }.into()),
                health_check_port: Some("traffic-port".into()),
                health_check_path: (!network).then(|| "/health".into()),
                targets: Some(targets),
            });
            l += 1;
        }
    }
}

/// REST (seven in ten) and HTTP APIs, each reaching an internal load
/// balancer through a VPC link; one in ten REST APIs also proxies a
/// public URL. WAF web ACLs: one per four REST APIs, protecting the
/// `prod` stage of half of them; some ACLs only count, some lack a rate rule.
fn apis(p: &RegionParams, plans: &[VpcPlan], inv: &mut RegionInventory) {
    let r = p.name.as_str();
    let ri = p.index;
    // Internal load balancers by kind, the targets of VPC links.
    let lbs = &inv.elbv2.load_balancers;
    let internal = |net: bool| -> Vec<(String, String)> {
        lbs.iter()
            .filter(|lb| lb.scheme.as_deref() == Some("internal"))
            .filter(|lb| (lb.lb_type.as_deref() == Some("network")) == net)
            .map(|lb| {
                let listener = lb
                    .listeners
                    .iter()
                    .flatten()
                    .next()
                    .map(|l| l.listener_arn.clone())
                    .unwrap_or_default();
                (lb.load_balancer_arn.clone(), listener)
            })
            .collect()
    };
    let nlbs = internal(true);
    let albs = internal(false);
    let public_dns: Vec<String> = lbs
        .iter()
        .filter(|lb| lb.scheme.as_deref() == Some("internet-facing"))
        .filter_map(|lb| lb.dns_name.clone())
        .collect();
    let mut acls: Vec<WebAcl> = vec![];
    for a in 0..p.apis {
        let rest = a % 10 < 7;
        if rest {
            let id = format!("r{ri:02x}{a:07x}");
            let link = format!("vl{ri:02x}{a:06x}");
            let nlb = nlbs.get(a % nlbs.len().max(1));
            if let Some((nlb_arn, _)) = nlb {
                inv.apigateway.vpc_links.push(RestVpcLink {
                    id: link.clone(),
                    name: Some(format!("link-{a}")),
                    target_arns: vec![nlb_arn.clone()],
                    status: Some("AVAILABLE".into()),
                    tags: Tags::new(),
                });
            }
            let nlb_host = nlb
                .map(|(arn, _)| {
                    let name = arn.split('/').nth(2).unwrap_or("lb");
                    format!("{name}.{r}.elb.amazonaws.com")
                })
                .unwrap_or_default();
            let authorizer = format!("au{a:06x}");
            let resources: Vec<ApiResource> = ["/orders", "/users", "/health"]
                .iter()
                .enumerate()
                .map(|(k, path)| ApiResource {
                    id: format!("res{a:06x}{k}"),
                    parent_id: Some(format!("root{a:06x}")),
                    path: Some((*path).into()),
                    methods: ["GET", "POST", "OPTIONS"]
                        .iter()
                        .map(|m| {
                            let public = *path == "/health" || (a % 6 == 0 && *m == "POST");
                            let via_link = nlb.is_some() && !(a % 10 == 3 && k == 1);
                            RestMethod {
                                http_method: (*m).into(),
                                authorization_type: Some(
                                    if public || *m == "OPTIONS" {
                                        "NONE"
                                    } else if a % 2 == 0 {
                                        "COGNITO_USER_POOLS"
                                    } else {
                                        "CUSTOM"
                                    }
                                    .into(),
                                ),
                                authorizer_id: (!public && *m != "OPTIONS")
                                    .then(|| authorizer.clone()),
                                api_key_required: false,
                                authorization_scopes: vec![],
                                integration: Some(if *m == "OPTIONS" {
                                    RestIntegration {
                                        integration_type: Some("MOCK".into()),
                                        http_method: None,
                                        uri: None,
                                        connection_type: None,
                                        connection_id: None,
                                        tls_insecure_skip_verification: None,
                                        timeout_in_millis: None,
                                    }
                                } else if via_link {
                                    RestIntegration {
                                        integration_type: Some("HTTP_PROXY".into()),
                                        http_method: Some((*m).into()),
                                        uri: Some(format!("https://{nlb_host}{path}")),
                                        connection_type: Some("VPC_LINK".into()),
                                        connection_id: Some(link.clone()),
                                        tls_insecure_skip_verification: Some(false),
                                        timeout_in_millis: Some(29000),
                                    }
                                } else {
                                    let host = public_dns
                                        .get(a % public_dns.len().max(1))
                                        .cloned()
                                        .unwrap_or_else(|| "api.example.com".into());
                                    RestIntegration {
                                        integration_type: Some("HTTP_PROXY".into()),
                                        http_method: Some((*m).into()),
                                        uri: Some(format!("http://{host}{path}")),
                                        connection_type: Some("INTERNET".into()),
                                        connection_id: None,
                                        tls_insecure_skip_verification: None,
                                        timeout_in_millis: Some(29000),
                                    }
                                }),
                            }
                        })
                        .collect(),
                })
                .collect();
            let stage = |name: &str, acl: Option<String>| RestStage {
                stage_name: name.into(),
                deployment_id: Some(format!("dep{a:06x}")),
                client_certificate_id: (a % 3 == 0).then(|| format!("cc{a:06x}")),
                tracing_enabled: a % 2 == 1,
                web_acl_arn: acl,
                cache_cluster_enabled: false,
                method_settings: if a % 4 == 0 {
                    BTreeMap::new()
                } else {
                    BTreeMap::from([(
                        "*/*".to_string(),
                        MethodSetting {
                            throttling_burst_limit: Some(200),
                            throttling_rate_limit: Some(100.0),
                            logging_level: Some("ERROR".into()),
                            data_trace_enabled: false,
                            metrics_enabled: true,
                            caching_enabled: false,
                            cache_data_encrypted: false,
                            require_authorization_for_cache_control: true,
                        },
                    )])
                },
                access_log_settings: (a % 5 != 0).then(|| AccessLogSettings {
                    destination_arn: Some(format!("arn:aws:logs:{r}:{ACCOUNT}:log-group:api-{a}")),
                    format: Some("$context.requestId".into()),
                }),
                variables: BTreeMap::new(),
                tags: Tags::new(),
            };
            let acl_arn = if a % 2 == 0 {
                let k = acls.len();
                if a % 8 == 0 || acls.is_empty() {
                    acls.push(web_acl(r, ri, k));
                }
                let acl = acls.last_mut().expect("pushed above");
                let stage_arn = format!("arn:aws:apigateway:{r}::/restapis/{id}/stages/prod");
                acl.associated_resources
                    .get_or_insert_with(Vec::new)
                    .push(stage_arn);
                Some(acl.arn.clone())
            } else {
                None
            };
            let mut stages = vec![stage("prod", acl_arn)];
            if a % 3 == 0 {
                stages.push(stage("dev", None));
            }
            let private = a % 20 == 5;
            inv.apigateway.rest_apis.push(RestApi {
                id: id.clone(),
                name: Some(format!("api-{a}")),
                endpoint_types: vec![
                    if private {
                        "PRIVATE"
                    } else if a % 10 == 9 {
                        "EDGE"
                    } else {
                        "REGIONAL"
                    }
                    .into(),
                ],
                vpc_endpoint_ids: vec![],
                policy: (private && a % 40 == 5).then(|| {
                    json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
                        "Principal": "*", "Action": "execute-api:Invoke", "Resource": "*",
                        "Condition": {"StringEquals": {"aws:SourceVpce": format!("vpce-{ri:02x}{a:06x}")}}}]})
                }),
                // Every sixth public API is served only by its custom
                // domain (below).
                disable_execute_api_endpoint: !private && a % 6 == 3,
                api_key_source: Some("HEADER".into()),
                resources: Some(resources),
                authorizers: Some(vec![RestAuthorizer {
                    id: authorizer,
                    name: Some("auth".into()),
                    authorizer_type: Some(if a % 2 == 0 { "COGNITO_USER_POOLS" } else { "TOKEN" }.into()),
                    provider_arns: if a % 2 == 0 {
                        vec![format!("arn:aws:cognito-idp:{r}:{ACCOUNT}:userpool/{r}_synthetic")]
                    } else {
                        vec![]
                    },
                    authorizer_uri: (a % 2 == 1).then(|| {
                        format!("arn:aws:apigateway:{r}:lambda:path/2015-03-31/functions/arn:aws:lambda:{r}:{ACCOUNT}:function:auth/invocations")
                    }),
                    identity_source: Some("method.request.header.Authorization".into()),
                }]),
                stages: Some(stages),
                tags: Tags::new(),
            });
            // Every third public API has a custom domain mapping its prod
            // stage (every other one on TLS 1.0).
            if !private && a % 3 == 0 {
                inv.apigateway.domain_names.push(DomainName {
                    domain_name: format!("api-{a}.{r}.example.com"),
                    endpoint_types: vec!["REGIONAL".into()],
                    security_policy: Some(if a % 2 == 0 { "TLS_1_2" } else { "TLS_1_0" }.into()),
                    certificate_arn: None,
                    regional_certificate_arn: Some(format!(
                        "arn:aws:acm:{r}:{ACCOUNT}:certificate/{ri:02x}{a:06x}-0000-0000-0000-000000000000"
                    )),
                    mutual_tls_truststore_uri: None,
                    tags: Tags::new(),
                    api_mappings: Some(vec![ApiMapping {
                        api_id: id.clone(),
                        stage: Some("prod".into()),
                        key: "v1".into(),
                    }]),
                });
            }
            if a % 5 == 1 {
                inv.apigateway.usage_plans.push(UsagePlan {
                    id: format!("up{ri:02x}{a:06x}"),
                    name: Some(format!("plan-{a}")),
                    api_stages: vec![UsagePlanStage {
                        api_id: Some(id),
                        stage: Some("prod".into()),
                        throttle: BTreeMap::new(),
                    }],
                    throttle: Some(Throttle {
                        burst_limit: Some(100),
                        rate_limit: Some(50.0),
                    }),
                    quota_limit: None,
                    quota_period: None,
                });
            }
        } else {
            let id = format!("h{ri:02x}{a:07x}");
            let link = format!("hvl{ri:02x}{a:06x}");
            let (target, plan) = match albs.get(a % albs.len().max(1)) {
                Some((_, listener)) => (Some(listener.clone()), &plans[a % plans.len()]),
                None => (None, &plans[0]),
            };
            inv.apigatewayv2.vpc_links.push(HttpVpcLink {
                vpc_link_id: link.clone(),
                name: Some(format!("hlink-{a}")),
                subnet_ids: (1..3)
                    .map(|k| {
                        format!(
                            "subnet-{ri:02x}{:08x}",
                            plan.subnets.start + k.min(plan.subnets.len() - 1)
                        )
                    })
                    .collect(),
                security_group_ids: vec![
                    format!("sg-{ri:02x}{:08x}", plan.groups.start + 1).into(),
                ],
                status: Some("AVAILABLE".into()),
                tags: Tags::new(),
            });
            let integration = format!("int{a:06x}");
            inv.apigatewayv2.apis.push(HttpApi {
                api_id: id.clone(),
                name: Some(format!("http-{a}")),
                protocol_type: Some("HTTP".into()),
                api_endpoint: Some(format!("https://{id}.execute-api.{r}.amazonaws.com")),
                disable_execute_api_endpoint: a % 4 == 0,
                routes: Some(
                    [
                        "GET /items",
                        "POST /items",
                        "GET /items/{id}",
                        "ANY /admin/{proxy+}",
                    ]
                    .iter()
                    .enumerate()
                    .map(|(k, key)| HttpRoute {
                        route_id: Some(format!("rt{a:06x}{k}")),
                        route_key: (*key).into(),
                        authorization_type: Some(
                            if k == 0 && a % 3 == 0 { "NONE" } else { "JWT" }.into(),
                        ),
                        authorizer_id: (k != 0 || a % 3 != 0).then(|| format!("ha{a:06x}")),
                        api_key_required: false,
                        target: Some(format!("integrations/{integration}")),
                    })
                    .collect(),
                ),
                integrations: Some(vec![HttpIntegration {
                    integration_id: integration,
                    integration_type: Some("HTTP_PROXY".into()),
                    integration_method: Some("ANY".into()),
                    integration_uri: target,
                    connection_type: Some("VPC_LINK".into()),
                    connection_id: Some(link),
                    tls_configured: a % 2 == 0,
                    tls_server_name_to_verify: (a % 2 == 0).then(|| "internal.example.com".into()),
                    payload_format_version: Some("1.0".into()),
                }]),
                stages: Some(vec![HttpStage {
                    stage_name: "$default".into(),
                    auto_deploy: true,
                    access_log_settings: (a % 3 != 1).then(|| AccessLogSettings {
                        destination_arn: Some(format!(
                            "arn:aws:logs:{r}:{ACCOUNT}:log-group:http-{a}"
                        )),
                        format: Some("$context.requestId".into()),
                    }),
                    default_route_settings: Some(HttpRouteSettings {
                        throttling_burst_limit: (a % 4 != 0).then_some(100),
                        throttling_rate_limit: (a % 4 != 0).then_some(50.0),
                        detailed_metrics_enabled: false,
                        logging_level: None,
                    }),
                    route_settings: BTreeMap::new(),
                    stage_variables: BTreeMap::new(),
                    client_certificate_id: None,
                    tags: Tags::new(),
                }]),
                authorizers: Some(vec![HttpAuthorizer {
                    authorizer_id: format!("ha{a:06x}"),
                    name: Some("jwt".into()),
                    authorizer_type: Some("JWT".into()),
                    identity_source: vec!["$request.header.Authorization".into()],
                    jwt_issuer: Some(format!(
                        "https://cognito-idp.{r}.amazonaws.com/{r}_synthetic"
                    )),
                    jwt_audience: vec!["app".into()],
                    authorizer_uri: None,
                }]),
                tags: Tags::new(),
            });
            // Half the HTTP APIs without a default endpoint are served by
            // a custom domain (the v2 API mappings); the rest by nothing.
            if a % 8 == 0
                && let Some(domains) = inv.apigatewayv2.domain_names.as_mut()
            {
                domains.push(DomainName {
                    domain_name: format!("http-{a}.{r}.example.com"),
                    endpoint_types: vec!["REGIONAL".into()],
                    security_policy: Some("TLS_1_2".into()),
                    certificate_arn: None,
                    regional_certificate_arn: None,
                    mutual_tls_truststore_uri: None,
                    tags: Tags::new(),
                    api_mappings: Some(vec![ApiMapping {
                        api_id: id.clone(),
                        stage: Some("$default".into()),
                        key: String::new(),
                    }]),
                });
            }
        }
    }
    // A few ALBs sit behind a web ACL of their own.
    if let Some(acl) = acls.first_mut() {
        let albs_public = inv
            .elbv2
            .load_balancers
            .iter()
            .filter(|lb| lb.lb_type.as_deref() == Some("application"))
            .filter(|lb| lb.scheme.as_deref() == Some("internet-facing"))
            .step_by(4)
            .map(|lb| lb.load_balancer_arn.clone());
        acl.associated_resources
            .get_or_insert_with(Vec::new)
            .extend(albs_public);
    }
    inv.wafv2.web_acls = acls;
}

/// A web ACL: the three AWS managed groups plus a rate rule; every third
/// only counts (override), every fifth has no rate rule, every other logs.
fn web_acl(r: &str, ri: usize, k: usize) -> WebAcl {
    let managed = |name: &str, priority: i32| WafRule {
        name: name.into(),
        priority,
        action: None,
        override_action: Some(if k % 3 == 2 { "count" } else { "none" }.into()),
        statement: WafStatement::ManagedRuleGroup {
            vendor_name: "AWS".into(),
            name: name.into(),
            version: None,
            rule_action_overrides: vec![],
            excluded_rules: vec![],
            scope_down: None,
        },
    };
    let mut rules = vec![
        managed("AWSManagedRulesCommonRuleSet", 1),
        managed("AWSManagedRulesKnownBadInputsRuleSet", 2),
        managed("AWSManagedRulesSQLiRuleSet", 3),
    ];
    if k % 5 != 4 {
        rules.push(WafRule {
            name: "rate".into(),
            priority: 4,
            action: Some("block".into()),
            override_action: None,
            statement: WafStatement::RateBased {
                limit: 2000,
                aggregate_key_type: Some("IP".into()),
                evaluation_window_sec: Some(300),
                scope_down: None,
            },
        });
    }
    let id = format!("{ri:02x}{k:06x}-0000-0000-0000-000000000000");
    let name = format!("acl-{k}");
    WebAcl {
        arn: format!("arn:aws:wafv2:{r}:{ACCOUNT}:regional/webacl/{name}/{id}"),
        id,
        name,
        default_action: Some("allow".into()),
        rules: Some(rules),
        capacity: Some(1200),
        associated_resources: Some(vec![]),
        logging_destinations: Some(if k % 2 == 0 {
            vec![format!(
                "arn:aws:firehose:{r}:{ACCOUNT}:deliverystream/aws-waf-logs-{k}"
            )]
        } else {
            vec![]
        }),
    }
}

/// Resource counts by kind, as the benchmark reports them. Security group
/// rules, listeners, target registrations, routes, NACL entries, API
/// methods and stages count as resources: each is a thing the checks
/// evaluate.
pub fn count_resources(s: &Snapshot) -> BTreeMap<&'static str, usize> {
    let mut c: BTreeMap<&'static str, usize> = BTreeMap::new();
    let mut add = |k: &'static str, n: usize| *c.entry(k).or_default() += n;
    add("iam roles", s.iam.roles.len());
    add("iam instance profiles", s.iam.instance_profiles.len());
    add("iam policies", s.iam.policies.len());
    for inv in s.regions.values() {
        let e = &inv.ec2;
        add("vpcs", e.vpcs.len());
        add("subnets", e.subnets.len());
        add("route tables", e.route_tables.len());
        add(
            "routes",
            e.route_tables.iter().map(|t| t.routes.len()).sum(),
        );
        add("gateways", e.internet_gateways.len() + e.nat_gateways.len());
        add("network acls", e.network_acls.len());
        add(
            "nacl entries",
            e.network_acls.iter().map(|a| a.entries.len()).sum(),
        );
        add("security groups", e.security_groups.len());
        add(
            "security group rules",
            e.security_groups
                .iter()
                .map(|g| g.ingress.len() + g.egress.len())
                .sum(),
        );
        add("network interfaces", e.network_interfaces.len());
        add("elastic ips", e.elastic_ips.len());
        add("instances", e.instances.len());
        add("volumes", e.volumes.len());
        add("flow logs", e.flow_logs.len());
        add("load balancers", inv.elbv2.load_balancers.len());
        add(
            "listeners",
            inv.elbv2
                .load_balancers
                .iter()
                .map(|l| l.listeners.as_ref().map_or(0, Vec::len))
                .sum(),
        );
        add("target groups", inv.elbv2.target_groups.len());
        if let Some(e) = &inv.ecs {
            add("ecs tasks", e.tasks().count());
            add("ecs task definitions", e.task_definitions.len());
        }
        add(
            "target registrations",
            inv.elbv2
                .target_groups
                .iter()
                .map(|t| t.targets.as_ref().map_or(0, Vec::len))
                .sum(),
        );
        add(
            "apis",
            inv.apigateway.rest_apis.len() + inv.apigatewayv2.apis.len(),
        );
        add(
            "api methods and routes",
            inv.apigateway
                .rest_apis
                .iter()
                .flat_map(|a| a.resources.iter().flatten())
                .map(|r| r.methods.len())
                .sum::<usize>()
                + inv
                    .apigatewayv2
                    .apis
                    .iter()
                    .map(|a| a.routes.as_ref().map_or(0, Vec::len))
                    .sum::<usize>(),
        );
        add(
            "api stages",
            inv.apigateway
                .rest_apis
                .iter()
                .map(|a| a.stages.as_ref().map_or(0, Vec::len))
                .sum::<usize>()
                + inv
                    .apigatewayv2
                    .apis
                    .iter()
                    .map(|a| a.stages.as_ref().map_or(0, Vec::len))
                    .sum::<usize>(),
        );
        add(
            "vpc links",
            inv.apigateway.vpc_links.len() + inv.apigatewayv2.vpc_links.len(),
        );
        add("web acls", inv.wafv2.web_acls.len());
    }
    c
}

/// Where a schema of the shared schemas folder is, for tests that validate
/// against it (the official SARIF 2.1.0 schema): `../shared/schemas/NAME`
/// beside this project, which is where CI has it. A local clone elsewhere
/// (`git clone . /tmp/x`) has no `shared/` beside it, so there the folder
/// beside the repository it was cloned from is used: still read from the
/// shared folder, never copied into the project. When neither has it, the
/// path beside the project is returned, so the test's error names it.
pub fn shared_schema(name: &str) -> std::path::PathBuf {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let beside = root.join("../shared/schemas").join(name);
    if beside.exists() {
        return beside;
    }
    let origin = std::process::Command::new("git")
        .arg("-C")
        .arg(&root)
        .args(["remote", "get-url", "origin"])
        .output()
        .ok()
        .filter(|o| o.status.success())
        .map(|o| std::path::PathBuf::from(String::from_utf8_lossy(&o.stdout).trim()));
    match origin {
        Some(repo) if repo.is_absolute() && repo.join("../shared/schemas").join(name).exists() => {
            repo.join("../shared/schemas").join(name)
        }
        _ => beside,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_parameters_give_the_same_account_and_the_seed_matters() {
        let p = Params::scaled(500);
        assert_eq!(generate(&p), generate(&p));
        let other = Params { seed: 2, ..p };
        assert_ne!(generate(&Params::scaled(500)), generate(&other));
    }

    #[test]
    fn defaults_scale_to_the_large_account() {
        let p = Params::scaled(100_000);
        assert_eq!(
            (
                p.security_groups,
                p.rules_per_group,
                p.subnets,
                p.load_balancers,
                p.apis
            ),
            (50_000, 10, 10_000, 5_000, 2_000)
        );
        // A tenth of it, generated: the resource count scales with it
        // (about 1.09 million at 100k instances).
        let s = generate(&Params::scaled(10_000));
        let c = count_resources(&s);
        assert_eq!(c["instances"], 10_000);
        assert_eq!(c["security groups"], 5_000);
        assert_eq!(c["subnets"], 1_000);
        assert_eq!(c["load balancers"], 500);
        assert_eq!(c["apis"], 200);
        let total: usize = c.values().sum();
        assert!((100_000..120_000).contains(&total), "{total}");
    }

    #[test]
    fn a_generated_snapshot_saves_and_loads_as_a_valid_snapshot() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("s.json");
        let p = Params {
            regions: 3,
            ..Params::scaled(900)
        };
        let s = generate(&p);
        assert_eq!(s.regions.len(), 3);
        s.save(&path).unwrap();
        assert_eq!(Snapshot::load(&path).unwrap(), s);
        let instances: usize = s.regions.values().map(|r| r.ec2.instances.len()).sum();
        assert_eq!(instances, 900);
        // Some backends exposed, most not: public IPs on a minority.
        let public = s
            .regions
            .values()
            .flat_map(|r| &r.ec2.instances)
            .filter(|i| i.public_ip.is_some())
            .count();
        assert!(public > 0 && public < instances / 5, "{public}");
    }
}
