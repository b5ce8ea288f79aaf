//! The resource index: every relation the checks and the exposure paths
//! need, resolved once per snapshot with hash maps, so no check re-walks the
//! raw lists (no quadratic scans over all security groups or instances per
//! resource). Built in one pass per region; everything borrows from the
//! snapshot.

use std::collections::BTreeMap;

// foldhash, not SipHash: every check and path looks resources up here, by
// ids and ARNs from the snapshot.
use foldhash::{HashMap, HashMapExt, HashSet, HashSetExt};
use rayon::prelude::*;

use rampart_model::*;

/// The whole snapshot, indexed.
pub struct Index<'s> {
    pub snapshot: &'s Snapshot,
    pub regions: BTreeMap<&'s str, RegionIndex<'s>>,
    pub instance_profiles: HashMap<&'s str, &'s InstanceProfile>,
    pub roles: HashMap<&'s str, &'s Role>,
    pub policies: HashMap<&'s str, &'s ManagedPolicy>,
}

/// One region, indexed.
#[derive(Default)]
pub struct RegionIndex<'s> {
    pub name: &'s str,
    /// `aws`, `aws-cn`, ... (for ARNs built from ids).
    pub partition: &'s str,
    pub vpcs: HashMap<&'s str, &'s Vpc>,
    pub subnets: HashMap<&'s str, &'s Subnet>,
    /// Subnet -> its route table: the explicit association, else the VPC's main table.
    pub subnet_route_table: HashMap<&'s str, &'s RouteTable>,
    /// VPC -> its main route table (for a subnet the index does not know).
    pub main_route_table: HashMap<&'s str, &'s RouteTable>,
    /// Subnet -> its network ACL.
    pub subnet_nacl: HashMap<&'s str, &'s NetworkAcl>,
    pub internet_gateways: HashMap<&'s str, &'s InternetGateway>,
    pub prefix_lists: HashMap<&'s str, &'s ManagedPrefixList>,
    pub security_groups: HashMap<&'s str, &'s SecurityGroup>,
    /// VPC -> its `default` security group.
    pub default_sg: HashMap<&'s str, &'s SecurityGroup>,
    /// VPC -> the security groups tagged `aws.cloudfront.vpcorigin` =
    /// `enabled`: CloudFront's, for its VPC-origin interfaces.
    pub cloudfront_groups: HashMap<&'s str, Vec<&'s str>>,
    /// Security group -> the ENIs that carry it (who "members of sg-x" are).
    pub sg_members: HashMap<&'s str, Vec<&'s NetworkInterface>>,
    pub enis: HashMap<&'s str, &'s NetworkInterface>,
    /// (VPC, private IPv4 or IPv6 address) -> the ENI that holds it. Keyed
    /// by VPC because VPCs with overlapping CIDRs are common: an address
    /// alone names no ENI.
    pub eni_by_vpc_ip: HashMap<(&'s str, &'s str), &'s NetworkInterface>,
    pub vpc_endpoints: HashMap<&'s str, &'s VpcEndpoint>,
    /// Internet gateway -> the route table edge-associated with it (VPC
    /// ingress routing: traffic entering through the gateway is routed by
    /// this table before it reaches a subnet).
    pub edge_route_table: HashMap<&'s str, &'s RouteTable>,
    /// VPC -> its internet gateways: attached ones, and any a route of the
    /// VPC's tables names (routes hold when the gateway list is missing).
    pub vpc_igws: HashMap<&'s str, Vec<&'s str>>,
    pub instances: HashMap<&'s str, &'s Instance>,
    /// Instance -> its ENIs, primary first.
    pub instance_enis: HashMap<&'s str, Vec<&'s NetworkInterface>>,
    /// Instance -> attached volumes.
    pub instance_volumes: HashMap<&'s str, Vec<&'s Volume>>,
    /// Resource (VPC, subnet, ENI) id -> flow logs on it.
    pub flow_logs: HashMap<&'s str, Vec<&'s FlowLog>>,
    pub load_balancers: HashMap<&'s str, &'s LoadBalancer>,
    /// Lower-cased DNS name -> load balancer (integration URIs name LBs by host).
    pub lb_by_dns: HashMap<String, &'s LoadBalancer>,
    pub listeners: HashMap<&'s str, (&'s LoadBalancer, &'s Listener)>,
    pub target_groups: HashMap<&'s str, &'s TargetGroup>,
    pub rest_apis: HashMap<&'s str, &'s RestApi>,
    pub rest_vpc_links: HashMap<&'s str, &'s RestVpcLink>,
    pub http_vpc_links: HashMap<&'s str, &'s HttpVpcLink>,
    pub web_acls: HashMap<&'s str, &'s WebAcl>,
    /// Protected resource ARN (stage, ALB) -> web ACL.
    pub web_acl_for: HashMap<String, &'s WebAcl>,
    /// Backends (instance ids, task backend ids) registered in some target
    /// group.
    pub lb_target_instances: HashSet<&'s str>,
    /// Backend (instance id, task backend id) -> its registrations (target
    /// group, target).
    pub instance_targets: HashMap<&'s str, Vec<(&'s TargetGroup, &'s Target)>>,
    /// Target group -> the load balancers in front of it (named by the
    /// group, or forwarding to it from a listener: emulators may fill only
    /// one side).
    pub tg_load_balancers: HashMap<&'s str, Vec<&'s LoadBalancer>>,
    /// ECS tasks by backend id ([`EcsTask::backend_id`]).
    pub tasks: HashMap<&'s str, &'s EcsTask>,
    /// A task's network interface -> the task (`awsvpc`: each task has its
    /// own; an `ip` target on it is the task, not the host instance).
    pub task_by_eni: HashMap<&'s str, &'s EcsTask>,
    /// Cloud Map services by ARN (HTTP API integrations name them so).
    pub cloudmap_services: HashMap<&'s str, &'s CloudMapService>,
    /// Load balancer -> the target groups in front of which it sits (the
    /// inverse of `tg_load_balancers`): what an ALB could forward to when
    /// its listener rules are unknown.
    pub lb_target_groups: HashMap<&'s str, Vec<&'s TargetGroup>>,
}

/// An index's maps of ENIs by (VPC, address) and by security group.
type EniMaps<'s> = (
    HashMap<(&'s str, &'s str), &'s NetworkInterface>,
    HashMap<&'s str, Vec<&'s NetworkInterface>>,
);

/// ENIs by id, and each instance's ENIs (those of its list the snapshot
/// holds, in its order).
type EniIds<'s> = (
    HashMap<&'s str, &'s NetworkInterface>,
    HashMap<&'s str, Vec<&'s NetworkInterface>>,
);

fn eni_ids(ec2: &Ec2Inventory) -> EniIds<'_> {
    let enis: HashMap<&str, &NetworkInterface> = ec2
        .network_interfaces
        .iter()
        .map(|eni| (eni.network_interface_id.as_str(), eni))
        .collect();
    let instance_enis = ec2
        .instances
        .iter()
        .map(|i| {
            let found: Vec<_> = i
                .network_interface_ids
                .iter()
                .filter_map(|id| enis.get(id.as_str()).copied())
                .collect();
            (i.instance_id.as_str(), found)
        })
        .collect();
    (enis, instance_enis)
}

fn eni_maps(ec2: &Ec2Inventory) -> EniMaps<'_> {
    let (mut by_ip, mut members) = (HashMap::new(), HashMap::<&str, Vec<_>>::new());
    for eni in &ec2.network_interfaces {
        if let Some(vpc) = eni.vpc_id.as_deref() {
            for ip in &eni.private_ip_addresses {
                by_ip.insert((vpc, ip.private_ip.as_str()), eni);
            }
            for ip in &eni.ipv6_addresses {
                by_ip.insert((vpc, ip.as_str()), eni);
            }
        }
        for g in &eni.security_group_ids {
            members.entry(g.as_str()).or_default().push(eni);
        }
    }
    (by_ip, members)
}

/// Security groups by id, each VPC's `default` group, and each VPC's
/// groups CloudFront created for VPC origins.
type GroupMaps<'s> = (
    HashMap<&'s str, &'s SecurityGroup>,
    HashMap<&'s str, &'s SecurityGroup>,
    HashMap<&'s str, Vec<&'s str>>,
);

fn group_maps(ec2: &Ec2Inventory) -> GroupMaps<'_> {
    let by_id = ec2
        .security_groups
        .iter()
        .map(|g| (g.group_id.as_str(), g))
        .collect();
    let default = ec2
        .security_groups
        .iter()
        .filter(|g| g.group_name == "default")
        .filter_map(|g| Some((g.vpc_id.as_deref()?, g)))
        .collect();
    // The tag CloudFront's service role must put on what it creates
    // (https://docs.aws.amazon.com/aws-managed-policy/latest/reference/AWSCloudFrontVPCOriginServiceRolePolicy.html).
    let mut cloudfront: HashMap<&str, Vec<&str>> = HashMap::new();
    for g in &ec2.security_groups {
        if g.tags.get("aws.cloudfront.vpcorigin").map(String::as_str) == Some("enabled") {
            cloudfront
                .entry(g.vpc_id.as_deref().unwrap_or_default())
                .or_default()
                .push(g.group_id.as_str());
        }
    }
    (by_id, default, cloudfront)
}

/// Attached volumes by instance, and flow logs by resource.
type VolumeMaps<'s> = (
    HashMap<&'s str, Vec<&'s Volume>>,
    HashMap<&'s str, Vec<&'s FlowLog>>,
);

fn volume_maps(ec2: &Ec2Inventory) -> VolumeMaps<'_> {
    let mut volumes: HashMap<&str, Vec<&Volume>> = HashMap::new();
    for v in &ec2.volumes {
        for a in &v.attachments {
            if let Some(i) = &a.instance_id {
                volumes.entry(i.as_str()).or_default().push(v);
            }
        }
    }
    let mut flow_logs: HashMap<&str, Vec<&FlowLog>> = HashMap::new();
    for f in &ec2.flow_logs {
        if let Some(r) = &f.resource_id {
            flow_logs.entry(r.as_str()).or_default().push(f);
        }
    }
    (volumes, flow_logs)
}

impl<'s> Index<'s> {
    pub fn new(snapshot: &'s Snapshot) -> Index<'s> {
        let iam = &snapshot.iam;
        Index {
            snapshot,
            // Regions are independent: indexed on every core.
            regions: snapshot
                .regions
                .par_iter()
                .map(|(name, inv)| {
                    (
                        name.as_str(),
                        RegionIndex::new(name, &snapshot.partition, inv),
                    )
                })
                .collect(),
            instance_profiles: iam
                .instance_profiles
                .iter()
                .map(|p| (p.arn.as_str(), p))
                .collect(),
            roles: iam
                .roles
                .iter()
                .map(|r| (r.role_name.as_str(), r))
                .collect(),
            policies: iam.policies.iter().map(|p| (p.arn.as_str(), p)).collect(),
        }
    }

    /// The roles an instance profile hands to its instances.
    pub fn profile_roles(&self, profile_arn: &str) -> Option<Vec<&'s Role>> {
        let profile = self.instance_profiles.get(profile_arn)?;
        Some(
            profile
                .role_names
                .iter()
                .filter_map(|n| self.roles.get(n.as_str()).copied())
                .collect(),
        )
    }
}

/// Whether an integration URI names a Cloud Map service
/// (`arn:PARTITION:servicediscovery:REGION:ACCOUNT:service/ID`).
pub fn is_cloudmap_service_arn(uri: &str) -> bool {
    let mut parts = uri.splitn(6, ':');
    parts.next() == Some("arn")
        && parts.nth(1) == Some("servicediscovery")
        && parts.nth(2).is_some_and(|r| r.starts_with("service/"))
}

/// What a registered load balancer target is.
#[derive(Debug, Clone, PartialEq)]
pub enum TargetRef<'s> {
    /// An EC2 instance; for `ip` targets, the ENI that holds the address.
    Instance(&'s Instance, Option<&'s NetworkInterface>),
    /// An ECS task in `awsvpc` mode, by the address of its own interface
    /// (ECS registers a task's address in an `ip` target group:
    /// <https://docs.aws.amazon.com/AmazonECS/latest/developerguide/alb.html>).
    Task(&'s EcsTask, &'s NetworkInterface),
    /// An Application Load Balancer behind a Network Load Balancer.
    Alb(&'s LoadBalancer),
    /// Compute that is not an EC2 backend (a Lambda function): a path ends.
    NotEc2(&'static str),
    /// What the target is cannot be told from the snapshot (the reason).
    Unknown(String),
}

/// Where a REST, HTTP or WebSocket API integration sends traffic.
#[derive(Debug, Clone, PartialEq)]
pub enum IntegrationTarget<'s> {
    /// Through a VPC link to these load balancers (and, for HTTP APIs, a
    /// specific listener). `uri` is the integration URI with the stage's
    /// variables substituted (its port picks the listener of a REST or
    /// WebSocket integration).
    VpcLink {
        link_id: Option<String>,
        load_balancers: Vec<&'s LoadBalancer>,
        listener: Option<&'s Listener>,
        uri: String,
    },
    /// Over the public internet to a URL; `load_balancer` when its host is one
    /// of the account's load balancers.
    PublicUrl {
        url: String,
        load_balancer: Option<&'s LoadBalancer>,
    },
    /// An HTTP API private integration to an AWS Cloud Map service through
    /// a VPC link (v2): API Gateway discovers the service's registered
    /// instances and calls one of them
    /// (<https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-develop-integrations-private.html>).
    /// `service` is `Err(arn)` when the service was not collected.
    CloudMap {
        link_id: Option<String>,
        service: Result<&'s CloudMapService, String>,
    },
    /// A VPC link integration whose link, target or URI could not be
    /// resolved (a stage variable the stage does not define, a VPC link
    /// that was not collected): it goes through a VPC link, to a backend
    /// that is unknown.
    Unresolved(String),
    /// An integration over the internet whose URL could not be resolved (a
    /// stage variable the stage does not define): its backend is unknown.
    UnknownUrl(String),
    /// Lambda, AWS service, mock: no EC2 backend behind it.
    NotEc2,
}

impl<'s> RegionIndex<'s> {
    pub fn new(name: &'s str, partition: &'s str, inv: &'s RegionInventory) -> RegionIndex<'s> {
        let ec2 = &inv.ec2;
        let mut ix = RegionIndex {
            name,
            partition,
            ..Default::default()
        };
        // The four largest maps depend on nothing else: built side by side
        // (a snapshot often holds one region, so the regions' own
        // parallelism does not help).
        let (
            ((enis, instance_enis), (eni_by_vpc_ip, sg_members)),
            (
                (security_groups, default_sg, cloudfront_groups),
                (instances, (instance_volumes, flow_logs)),
            ),
        ) = rayon::join(
            || rayon::join(|| eni_ids(ec2), || eni_maps(ec2)),
            || {
                rayon::join(
                    || group_maps(ec2),
                    || {
                        rayon::join(
                            || {
                                ec2.instances
                                    .iter()
                                    .map(|i| (i.instance_id.as_str(), i))
                                    .collect()
                            },
                            || volume_maps(ec2),
                        )
                    },
                )
            },
        );
        ix.enis = enis;
        ix.instance_enis = instance_enis;
        ix.eni_by_vpc_ip = eni_by_vpc_ip;
        ix.sg_members = sg_members;
        ix.security_groups = security_groups;
        ix.default_sg = default_sg;
        ix.cloudfront_groups = cloudfront_groups;
        ix.instances = instances;
        ix.instance_volumes = instance_volumes;
        ix.flow_logs = flow_logs;
        ix.vpcs = ec2.vpcs.iter().map(|v| (v.vpc_id.as_str(), v)).collect();
        ix.subnets = ec2
            .subnets
            .iter()
            .map(|s| (s.subnet_id.as_str(), s))
            .collect();

        let mut main_table: HashMap<&str, &RouteTable> = HashMap::new();
        let mut igws: HashMap<&str, Vec<&str>> = HashMap::new();
        for rt in &ec2.route_tables {
            for a in &rt.associations {
                if a.main {
                    main_table.insert(rt.vpc_id.as_str(), rt);
                }
                if let Some(subnet) = &a.subnet_id {
                    ix.subnet_route_table.insert(subnet.as_str(), rt);
                }
                if let Some(gw) = &a.gateway_id {
                    ix.edge_route_table.insert(gw.as_str(), rt);
                }
            }
            for r in &rt.routes {
                if let RouteTarget::InternetGateway(id) = &r.target
                    && !crate::reach::route::is_blackhole(r)
                {
                    igws.entry(rt.vpc_id.as_str())
                        .or_default()
                        .push(id.as_str());
                }
            }
        }
        for g in &ec2.internet_gateways {
            for v in &g.attached_vpc_ids {
                igws.entry(v.as_str())
                    .or_default()
                    .push(g.internet_gateway_id.as_str());
            }
        }
        for v in igws.values_mut() {
            v.sort_unstable();
            v.dedup();
        }
        ix.vpc_igws = igws;
        ix.main_route_table = main_table.clone();
        ix.vpc_endpoints = ec2
            .vpc_endpoints
            .iter()
            .map(|e| (e.vpc_endpoint_id.as_str(), e))
            .collect();
        for s in &ec2.subnets {
            if !ix.subnet_route_table.contains_key(s.subnet_id.as_str())
                && let Some(rt) = main_table.get(s.vpc_id.as_str())
            {
                ix.subnet_route_table.insert(s.subnet_id.as_str(), rt);
            }
        }
        for n in &ec2.network_acls {
            for a in &n.associations {
                ix.subnet_nacl.insert(a.subnet_id.as_str(), n);
            }
        }
        ix.internet_gateways = ec2
            .internet_gateways
            .iter()
            .map(|g| (g.internet_gateway_id.as_str(), g))
            .collect();
        ix.prefix_lists = ec2
            .managed_prefix_lists
            .iter()
            .map(|p| (p.prefix_list_id.as_str(), p))
            .collect();
        for t in inv.ecs.iter().flat_map(EcsInventory::tasks) {
            ix.tasks.insert(t.backend_id(), t);
            if let Some(eni) = t.network_interface_id.as_deref() {
                ix.task_by_eni.insert(eni, t);
            }
        }
        ix.cloudmap_services = inv
            .cloudmap
            .iter()
            .flat_map(|c| &c.services)
            .map(|s| (s.arn.as_str(), s))
            .collect();

        for lb in &inv.elbv2.load_balancers {
            ix.load_balancers.insert(lb.load_balancer_arn.as_str(), lb);
            if let Some(dns) = &lb.dns_name {
                ix.lb_by_dns.insert(dns.to_ascii_lowercase(), lb);
            }
            for l in lb.listeners.iter().flatten() {
                ix.listeners.insert(l.listener_arn.as_str(), (lb, l));
            }
        }
        ix.target_groups = inv
            .elbv2
            .target_groups
            .iter()
            .map(|t| (t.target_group_arn.as_str(), t))
            .collect();

        let mut targets = HashSet::new();
        let mut registrations: HashMap<&str, Vec<(&TargetGroup, &Target)>> = HashMap::new();
        for tg in &inv.elbv2.target_groups {
            for t in tg.targets.iter().flatten() {
                let id = match ix.resolve_target(tg, t) {
                    TargetRef::Instance(i, _) => i.instance_id.as_str(),
                    TargetRef::Task(task, _) => task.backend_id(),
                    _ => continue,
                };
                targets.insert(id);
                registrations.entry(id).or_default().push((tg, t));
            }
        }
        ix.lb_target_instances = targets;
        ix.instance_targets = registrations;
        let mut fronts: HashMap<&str, Vec<&LoadBalancer>> = HashMap::new();
        for tg in &inv.elbv2.target_groups {
            for lb in tg
                .load_balancer_arns
                .iter()
                .filter_map(|a| ix.load_balancers.get(a.as_str()))
            {
                fronts
                    .entry(tg.target_group_arn.as_str())
                    .or_default()
                    .push(lb);
            }
        }
        for lb in &inv.elbv2.load_balancers {
            for l in lb.listeners.iter().flatten() {
                for tg in ix.listener_target_groups(l) {
                    fronts
                        .entry(tg.target_group_arn.as_str())
                        .or_default()
                        .push(lb);
                }
            }
        }
        let mut behind: HashMap<&str, Vec<&TargetGroup>> = HashMap::new();
        for (tg, lbs) in fronts.iter_mut() {
            lbs.sort_by(|a, b| a.load_balancer_arn.cmp(&b.load_balancer_arn));
            lbs.dedup_by(|a, b| a.load_balancer_arn == b.load_balancer_arn);
            if let Some(group) = ix.target_groups.get(tg) {
                for lb in lbs.iter() {
                    behind
                        .entry(lb.load_balancer_arn.as_str())
                        .or_default()
                        .push(group);
                }
            }
        }
        for tgs in behind.values_mut() {
            tgs.sort_by(|a, b| a.target_group_arn.cmp(&b.target_group_arn));
        }
        ix.tg_load_balancers = fronts;
        ix.lb_target_groups = behind;
        ix.rest_apis = inv
            .apigateway
            .rest_apis
            .iter()
            .map(|a| (a.id.as_str(), a))
            .collect();
        ix.rest_vpc_links = inv
            .apigateway
            .vpc_links
            .iter()
            .map(|l| (l.id.as_str(), l))
            .collect();
        ix.http_vpc_links = inv
            .apigatewayv2
            .vpc_links
            .iter()
            .map(|l| (l.vpc_link_id.as_str(), l))
            .collect();
        for acl in &inv.wafv2.web_acls {
            ix.web_acls.insert(acl.arn.as_str(), acl);
            for r in acl.associated_resources.iter().flatten() {
                ix.web_acl_for.insert(r.clone(), acl);
            }
        }
        // A stage reports its own ACL, which holds even when the ACL-side
        // listing was not collected.
        for api in &inv.apigateway.rest_apis {
            for stage in api.stages.iter().flatten() {
                if let Some(acl) = stage
                    .web_acl_arn
                    .as_deref()
                    .and_then(|a| ix.web_acls.get(a))
                {
                    ix.web_acl_for
                        .entry(stage_arn(partition, name, &api.id, &stage.stage_name))
                        .or_insert(acl);
                }
            }
        }
        ix
    }

    /// What a registered target is (ELB target types: instance, ip, alb,
    /// lambda; <https://docs.aws.amazon.com/elasticloadbalancing/latest/network/load-balancer-target-groups.html#target-type>).
    /// An `ip` target is an address in the target group's VPC, found by
    /// (VPC, address), never by address alone: VPCs overlap. With
    /// `AvailabilityZone = all` it lies outside the VPC (a peered VPC or
    /// on-premises), which the snapshot cannot resolve.
    pub fn resolve_target(&self, tg: &TargetGroup, target: &Target) -> TargetRef<'s> {
        match tg.target_type.as_deref() {
            Some("ip") => {
                if target.availability_zone.as_deref() == Some("all") {
                    return TargetRef::Unknown(format!(
                        "ip target {} is outside the target group's VPC (AvailabilityZone all: a peered VPC or on-premises)",
                        target.id
                    ));
                }
                let Some(vpc) = tg.vpc_id.as_deref() else {
                    return TargetRef::Unknown(format!(
                        "ip target {}: the target group names no VPC",
                        target.id
                    ));
                };
                let Some(eni) = self.eni_by_vpc_ip.get(&(vpc, target.id.as_str())) else {
                    return TargetRef::Unknown(format!(
                        "no network interface in {vpc} holds ip target {}",
                        target.id
                    ));
                };
                // A task's interface: on Fargate it has no instance
                // attachment; on EC2 it is attached to the container
                // instance, but the address is the task's.
                if let Some(task) = self.task_by_eni.get(eni.network_interface_id.as_str()) {
                    return TargetRef::Task(task, eni);
                }
                match eni
                    .attachment
                    .as_ref()
                    .and_then(|a| a.instance_id.as_deref())
                {
                    Some(id) => match self.instances.get(id) {
                        Some(i) => TargetRef::Instance(i, Some(eni)),
                        None => TargetRef::Unknown(format!(
                            "ip target {} is on {}, attached to instance {id}, which was not collected",
                            target.id, eni.network_interface_id
                        )),
                    },
                    None => TargetRef::Unknown(format!(
                        "ip target {} is {} ({}), not an EC2 instance",
                        target.id,
                        eni.network_interface_id,
                        eni.interface_type.as_deref().unwrap_or("interface")
                    )),
                }
            }
            Some("instance") | None => match self.instances.get(target.id.as_str()) {
                Some(i) => TargetRef::Instance(i, None),
                None => {
                    TargetRef::Unknown(format!("instance target {} was not collected", target.id))
                }
            },
            Some("alb") => match self.load_balancers.get(target.id.as_str()) {
                Some(lb) => TargetRef::Alb(lb),
                None => TargetRef::Unknown(format!("alb target {} was not collected", target.id)),
            },
            Some("lambda") => TargetRef::NotEc2("lambda"),
            Some(other) => TargetRef::Unknown(format!(
                "target {} of unknown target type {other}",
                target.id
            )),
        }
    }

    /// The instance behind a registered target, if it is one.
    pub fn target_instance(&self, tg: &TargetGroup, target: &Target) -> Option<&'s Instance> {
        match self.resolve_target(tg, target) {
            TargetRef::Instance(i, _) => Some(i),
            _ => None,
        }
    }

    /// Is the backend (an instance id, a task backend id) registered in
    /// some target group (by id, or by one of its addresses for `ip` target
    /// groups)?
    pub fn is_lb_target(&self, instance_id: &str) -> bool {
        self.lb_target_instances.contains(instance_id)
    }

    /// Target groups a listener can forward to (default actions and rules).
    pub fn listener_target_groups(&self, listener: &Listener) -> Vec<&'s TargetGroup> {
        let mut arns: Vec<&str> = listener
            .default_actions
            .iter()
            .chain(
                listener
                    .rules
                    .iter()
                    .flatten()
                    .flat_map(|r| r.actions.iter()),
            )
            .flat_map(|a| a.target_group_arns.iter().map(String::as_str))
            .collect();
        arns.sort_unstable();
        arns.dedup();
        arns.iter()
            .filter_map(|a| self.target_groups.get(a).copied())
            .collect()
    }

    /// Resolves a REST integration in the context of one stage: stage
    /// variables are substituted in the URI and the connection id before
    /// anything is parsed out of them, and a variable the stage does not
    /// define makes the integration unresolved, never a guess
    /// (<https://docs.aws.amazon.com/apigateway/latest/developerguide/aws-api-gateway-stage-variables-reference.html>).
    /// Resolution order: the VPC link id, else (some emulators drop the
    /// id) the URI's host against load balancer DNS names.
    pub fn rest_integration(
        &self,
        integration: &RestIntegration,
        stage: Option<&RestStage>,
    ) -> IntegrationTarget<'s> {
        if !calls_http(integration.integration_type.as_deref()) {
            return IntegrationTarget::NotEc2;
        }
        let vars = stage.map(|s| (s.stage_name.as_str(), &s.variables));
        self.link_integration(
            integration.uri.as_deref(),
            integration.connection_type.as_deref(),
            integration.connection_id.as_deref(),
            vars,
        )
    }

    /// Resolves a WebSocket API integration: a private integration goes
    /// through a REST-style VPC link to an NLB, named by `connectionId`,
    /// with the NLB's URL as the URI, exactly as for REST APIs
    /// (<https://docs.aws.amazon.com/apigateway/latest/developerguide/apigateway-websocket-api-integration-requests.html>).
    pub fn websocket_integration(
        &self,
        integration: &HttpIntegration,
        stage: Option<&HttpStage>,
    ) -> IntegrationTarget<'s> {
        if !calls_http(integration.integration_type.as_deref()) {
            return IntegrationTarget::NotEc2;
        }
        let vars = stage.map(|s| (s.stage_name.as_str(), &s.stage_variables));
        self.link_integration(
            integration.integration_uri.as_deref(),
            integration.connection_type.as_deref(),
            integration.connection_id.as_deref(),
            vars,
        )
    }

    /// A REST or WebSocket integration: a VPC link id (or the URI host)
    /// names the load balancers; else a public URL.
    fn link_integration(
        &self,
        uri: Option<&str>,
        connection_type: Option<&str>,
        connection_id: Option<&str>,
        vars: Option<(&str, &BTreeMap<String, String>)>,
    ) -> IntegrationTarget<'s> {
        let link = connection_type == Some("VPC_LINK");
        let uri = match substitute(uri.unwrap_or_default(), vars) {
            Ok(u) => u,
            Err(why) if link => {
                return IntegrationTarget::Unresolved(format!("integration URI: {why}"));
            }
            Err(why) => return IntegrationTarget::UnknownUrl(format!("integration URI: {why}")),
        };
        let by_host = host_of(&uri).and_then(|h| self.lb_by_dns.get(&h).copied());
        if link {
            let link_id = match connection_id.map(|c| substitute(c, vars)).transpose() {
                Ok(id) => id,
                Err(why) => {
                    return IntegrationTarget::Unresolved(format!("VPC link id: {why}"));
                }
            };
            if let Some(link) = link_id
                .as_deref()
                .and_then(|id| self.rest_vpc_links.get(id))
            {
                let lbs: Vec<_> = link
                    .target_arns
                    .iter()
                    .filter_map(|a| self.load_balancers.get(a.as_str()).copied())
                    .collect();
                if lbs.is_empty() {
                    return IntegrationTarget::Unresolved(format!(
                        "VPC link {} targets no collected load balancer",
                        link.id
                    ));
                }
                return IntegrationTarget::VpcLink {
                    link_id: Some(link.id.clone()),
                    load_balancers: lbs,
                    listener: None,
                    uri,
                };
            }
            return match by_host {
                Some(lb) => {
                    let link = self
                        .rest_vpc_links
                        .values()
                        .find(|l| l.target_arns.iter().any(|a| a == &lb.load_balancer_arn));
                    IntegrationTarget::VpcLink {
                        link_id: link.map(|l| l.id.clone()).or(link_id),
                        load_balancers: vec![lb],
                        listener: None,
                        uri,
                    }
                }
                None => IntegrationTarget::Unresolved(format!(
                    "VPC link {} not found and URI host matches no load balancer",
                    link_id.as_deref().unwrap_or("(none)")
                )),
            };
        }
        IntegrationTarget::PublicUrl {
            url: uri,
            load_balancer: by_host,
        }
    }

    /// Resolves an HTTP API (v2) integration: VPC link integrations name the
    /// listener (ALB/NLB) by ARN, after stage variables are substituted.
    pub fn http_integration(
        &self,
        integration: &HttpIntegration,
        stage: Option<&HttpStage>,
    ) -> IntegrationTarget<'s> {
        if !calls_http(integration.integration_type.as_deref()) {
            return IntegrationTarget::NotEc2;
        }
        let vars = stage.map(|s| (s.stage_name.as_str(), &s.stage_variables));
        let link = integration.connection_type.as_deref() == Some("VPC_LINK");
        let uri = match substitute(
            integration.integration_uri.as_deref().unwrap_or_default(),
            vars,
        ) {
            Ok(u) => u,
            Err(why) if link => {
                return IntegrationTarget::Unresolved(format!("integration URI: {why}"));
            }
            Err(why) => return IntegrationTarget::UnknownUrl(format!("integration URI: {why}")),
        };
        if link {
            let link_id = match integration
                .connection_id
                .as_deref()
                .map(|c| substitute(c, vars))
                .transpose()
            {
                Ok(id) => id,
                Err(why) => {
                    return IntegrationTarget::Unresolved(format!("VPC link id: {why}"));
                }
            };
            if is_cloudmap_service_arn(&uri) {
                return IntegrationTarget::CloudMap {
                    link_id,
                    service: self.cloudmap_services.get(uri.as_str()).copied().ok_or(uri),
                };
            }
            return match self.listeners.get(uri.as_str()) {
                Some((lb, l)) => IntegrationTarget::VpcLink {
                    link_id,
                    load_balancers: vec![lb],
                    listener: Some(l),
                    uri,
                },
                None => IntegrationTarget::Unresolved(format!(
                    "integration URI {uri} is not a collected listener"
                )),
            };
        }
        let by_host = host_of(&uri).and_then(|h| self.lb_by_dns.get(&h).copied());
        IntegrationTarget::PublicUrl {
            url: uri,
            load_balancer: by_host,
        }
    }

    /// Entries of a prefix list as CIDR strings; `None` when unknown.
    pub fn prefix_list_cidrs(&self, id: &str) -> Option<Vec<&'s str>> {
        let pl = self.prefix_lists.get(id)?;
        Some(
            pl.entries
                .as_ref()?
                .iter()
                .map(|e| e.cidr.as_str())
                .collect(),
        )
    }
}

/// `arn:PARTITION:ec2:REGION:ACCOUNT:KIND/ID`: the one place EC2 resource
/// ARNs are built (findings and tag lookups must agree on them).
/// AMIs are the exception: their ARN names no account
/// (`arn:PARTITION:ec2:REGION::image/ID`,
/// <https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazonec2.html#amazonec2-resources-for-iam-policies>).
pub fn ec2_arn(partition: &str, region: &str, account: &str, kind: &str, id: &str) -> String {
    let account = if kind == "image" { "" } else { account };
    // Joined, not `format!`ted: hundreds of thousands are built per run
    // (each instance's once, by `Context::ec2_arn`; each security group's,
    // volume's and scorecard's), and `concat` sizes it once.
    [
        "arn:", partition, ":ec2:", region, ":", account, ":", kind, "/", id,
    ]
    .concat()
}

/// `arn:PARTITION:apigateway:REGION::PATH` (`PATH` starts with `/`): the
/// one place API Gateway ARNs are built.
pub fn apigateway_arn(partition: &str, region: &str, path: &str) -> String {
    ["arn:", partition, ":apigateway:", region, "::", path].concat()
}

/// The ARN API Gateway and WAF use for a REST stage.
pub fn stage_arn(partition: &str, region: &str, api_id: &str, stage: &str) -> String {
    apigateway_arn(
        partition,
        region,
        &format!("/restapis/{api_id}/stages/{stage}"),
    )
}

/// An HTTP or HTTP_PROXY integration: the only kinds that call an HTTP
/// endpoint (a load balancer, an instance); AWS, AWS_PROXY and MOCK do not.
fn calls_http(integration_type: Option<&str>) -> bool {
    matches!(integration_type, Some("HTTP" | "HTTP_PROXY"))
}

/// Replaces every `${stageVariables.name}` with the stage's value. A
/// variable the stage does not define (or a reference outside any stage)
/// is an error naming it: API Gateway would call a URI we cannot know.
fn substitute(s: &str, vars: Option<(&str, &BTreeMap<String, String>)>) -> Result<String, String> {
    const OPEN: &str = "${stageVariables.";
    if !s.contains(OPEN) {
        return Ok(s.to_string());
    }
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(at) = rest.find(OPEN) {
        out.push_str(&rest[..at]);
        let after = &rest[at + OPEN.len()..];
        let Some(end) = after.find('}') else {
            return Err(format!("unterminated stage variable reference in {s:?}"));
        };
        let name = &after[..end];
        match vars {
            Some((_, v)) if v.contains_key(name) => out.push_str(&v[name]),
            Some((stage, _)) => {
                return Err(format!(
                    "stage variable {name} is not defined in stage {stage}"
                ));
            }
            None => return Err(format!("stage variable {name} outside a stage")),
        }
        rest = &after[end + 1..];
    }
    out.push_str(rest);
    Ok(out)
}

/// The lower-cased host of an http(s) URL.
fn host_of(url: &str) -> Option<String> {
    let rest = url.split_once("://").map_or(url, |(_, r)| r);
    let authority = rest.split(['/', '?', '#']).next()?;
    let host = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
    let host = if host.starts_with('[') {
        host.split(']').next().map(|h| h.trim_start_matches('['))?
    } else {
        host.split(':').next()?
    };
    (!host.is_empty()).then(|| host.to_ascii_lowercase())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hosts_are_extracted_from_integration_uris() {
        assert_eq!(
            host_of("http://NLB-1.elb.amazonaws.com:443/orders").as_deref(),
            Some("nlb-1.elb.amazonaws.com")
        );
        assert_eq!(
            host_of("https://u:p@api.example.com/x?y").as_deref(),
            Some("api.example.com")
        );
        assert_eq!(
            host_of("http://[2001:db8::1]:80/").as_deref(),
            Some("2001:db8::1")
        );
        assert_eq!(host_of("http:///nothing"), None);
    }

    /// Stage variables may stand for the host, the port or the path of an
    /// integration URI, and for the VPC link id; a variable the stage does
    /// not define is an error, never left in place (it would parse as a
    /// host and default to port 80).
    #[test]
    fn stage_variables_are_substituted() {
        let vars = BTreeMap::from([
            ("backend".to_string(), "nlb-1.example".to_string()),
            ("port".to_string(), "8443".to_string()),
        ]);
        let v = Some(("prod", &vars));
        assert_eq!(
            substitute("http://${stageVariables.backend}/x", v).unwrap(),
            "http://nlb-1.example/x"
        );
        assert_eq!(
            substitute(
                "https://h:${stageVariables.port}/${stageVariables.backend}",
                v
            )
            .unwrap(),
            "https://h:8443/nlb-1.example"
        );
        assert_eq!(
            substitute("http://h/x", None).unwrap(),
            "http://h/x",
            "nothing to substitute needs no stage"
        );
        assert_eq!(
            substitute("${stageVariables.other}", v).unwrap_err(),
            "stage variable other is not defined in stage prod"
        );
        assert!(substitute("http://${stageVariables.port", v).is_err());
    }
}
