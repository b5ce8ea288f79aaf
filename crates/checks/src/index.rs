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
    /// Subnet -> its network ACL.
    pub subnet_nacl: HashMap<&'s str, &'s NetworkAcl>,
    pub internet_gateways: HashMap<&'s str, &'s InternetGateway>,
    pub prefix_lists: HashMap<&'s str, &'s ManagedPrefixList>,
    pub security_groups: HashMap<&'s str, &'s SecurityGroup>,
    /// VPC -> its `default` security group.
    pub default_sg: HashMap<&'s str, &'s SecurityGroup>,
    /// Security group -> the ENIs that carry it (who "members of sg-x" are).
    pub sg_members: HashMap<&'s str, Vec<&'s NetworkInterface>>,
    pub enis: HashMap<&'s str, &'s NetworkInterface>,
    pub eni_by_private_ip: HashMap<&'s str, &'s NetworkInterface>,
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
    /// Instances registered in some target group.
    pub lb_target_instances: HashSet<&'s str>,
    /// Instance -> its registrations (target group, target).
    pub instance_targets: HashMap<&'s str, Vec<(&'s TargetGroup, &'s Target)>>,
    /// Target group -> the load balancers in front of it (named by the
    /// group, or forwarding to it from a listener: emulators may fill only
    /// one side).
    pub tg_load_balancers: HashMap<&'s str, Vec<&'s LoadBalancer>>,
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

/// Where a REST or HTTP API integration sends traffic.
#[derive(Debug, Clone, PartialEq)]
pub enum IntegrationTarget<'s> {
    /// Through a VPC link to these load balancers (and, for HTTP APIs, a
    /// specific listener).
    VpcLink {
        link_id: Option<String>,
        load_balancers: Vec<&'s LoadBalancer>,
        listener: Option<&'s Listener>,
    },
    /// Over the public internet to a URL; `load_balancer` when its host is one
    /// of the account's load balancers.
    PublicUrl {
        url: String,
        load_balancer: Option<&'s LoadBalancer>,
    },
    /// A VPC link integration whose link or target could not be resolved.
    Unresolved(String),
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
        ix.vpcs = ec2.vpcs.iter().map(|v| (v.vpc_id.as_str(), v)).collect();
        ix.subnets = ec2
            .subnets
            .iter()
            .map(|s| (s.subnet_id.as_str(), s))
            .collect();

        let mut main_table: HashMap<&str, &RouteTable> = HashMap::new();
        for rt in &ec2.route_tables {
            for a in &rt.associations {
                if a.main {
                    main_table.insert(rt.vpc_id.as_str(), rt);
                }
                if let Some(subnet) = &a.subnet_id {
                    ix.subnet_route_table.insert(subnet.as_str(), rt);
                }
            }
        }
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
        ix.security_groups = ec2
            .security_groups
            .iter()
            .map(|g| (g.group_id.as_str(), g))
            .collect();
        ix.default_sg = ec2
            .security_groups
            .iter()
            .filter(|g| g.group_name == "default")
            .filter_map(|g| Some((g.vpc_id.as_deref()?, g)))
            .collect();
        for eni in &ec2.network_interfaces {
            ix.enis.insert(eni.network_interface_id.as_str(), eni);
            for ip in &eni.private_ip_addresses {
                ix.eni_by_private_ip.insert(ip.private_ip.as_str(), eni);
            }
            for g in &eni.security_group_ids {
                ix.sg_members.entry(g.as_str()).or_default().push(eni);
            }
        }
        ix.instances = ec2
            .instances
            .iter()
            .map(|i| (i.instance_id.as_str(), i))
            .collect();
        for i in &ec2.instances {
            let enis: Vec<_> = i
                .network_interface_ids
                .iter()
                .filter_map(|id| ix.enis.get(id.as_str()).copied())
                .collect();
            ix.instance_enis.insert(i.instance_id.as_str(), enis);
        }
        for v in &ec2.volumes {
            for a in &v.attachments {
                if let Some(i) = &a.instance_id {
                    ix.instance_volumes.entry(i.as_str()).or_default().push(v);
                }
            }
        }
        for f in &ec2.flow_logs {
            if let Some(r) = &f.resource_id {
                ix.flow_logs.entry(r.as_str()).or_default().push(f);
            }
        }

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
                if let Some(i) = ix.target_instance(tg, t) {
                    targets.insert(i.instance_id.as_str());
                    registrations
                        .entry(i.instance_id.as_str())
                        .or_default()
                        .push((tg, t));
                }
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
        for lbs in fronts.values_mut() {
            lbs.sort_by(|a, b| a.load_balancer_arn.cmp(&b.load_balancer_arn));
            lbs.dedup_by(|a, b| a.load_balancer_arn == b.load_balancer_arn);
        }
        ix.tg_load_balancers = fronts;
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

    /// The instance behind a registered target: by id for `instance`
    /// targets, through the ENI that owns the address for `ip` targets.
    pub fn target_instance(&self, tg: &TargetGroup, target: &Target) -> Option<&'s Instance> {
        match tg.target_type.as_deref() {
            Some("ip") => {
                let eni = self.eni_by_private_ip.get(target.id.as_str())?;
                let id = eni.attachment.as_ref()?.instance_id.as_deref()?;
                self.instances.get(id).copied()
            }
            Some("instance") | None => self.instances.get(target.id.as_str()).copied(),
            _ => None,
        }
    }

    /// Is the instance registered in some target group (by id, or by one of
    /// its addresses for `ip` target groups)?
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

    /// Resolves a REST integration in the context of one stage (stage
    /// variables substituted). Resolution order: the VPC link id, else (some
    /// emulators drop the id) the URI's host against load balancer DNS names.
    pub fn rest_integration(
        &self,
        integration: &RestIntegration,
        stage: Option<&RestStage>,
    ) -> IntegrationTarget<'s> {
        let vars = stage.map(|s| &s.variables);
        let subst = |s: &str| substitute(s, vars);
        match integration.integration_type.as_deref() {
            Some("HTTP") | Some("HTTP_PROXY") => {}
            _ => return IntegrationTarget::NotEc2,
        }
        let uri = integration.uri.as_deref().map(subst).unwrap_or_default();
        let by_host = host_of(&uri).and_then(|h| self.lb_by_dns.get(&h).copied());
        if integration.connection_type.as_deref() == Some("VPC_LINK") {
            let link_id = integration.connection_id.as_deref().map(subst);
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
                };
            }
            return match by_host {
                Some(lb) => {
                    let link = self
                        .rest_vpc_links
                        .values()
                        .find(|l| l.target_arns.iter().any(|a| a == &lb.load_balancer_arn));
                    IntegrationTarget::VpcLink {
                        link_id: link.map(|l| l.id.clone()),
                        load_balancers: vec![lb],
                        listener: None,
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
    /// listener (ALB/NLB) by ARN.
    pub fn http_integration(
        &self,
        integration: &HttpIntegration,
        stage: Option<&HttpStage>,
    ) -> IntegrationTarget<'s> {
        let vars = stage.map(|s| &s.stage_variables);
        let uri = integration
            .integration_uri
            .as_deref()
            .map(|u| substitute(u, vars))
            .unwrap_or_default();
        match integration.integration_type.as_deref() {
            Some("HTTP_PROXY") | Some("HTTP") => {}
            _ => return IntegrationTarget::NotEc2,
        }
        if integration.connection_type.as_deref() == Some("VPC_LINK") {
            return match self.listeners.get(uri.as_str()) {
                Some((lb, l)) => IntegrationTarget::VpcLink {
                    link_id: integration.connection_id.clone(),
                    load_balancers: vec![lb],
                    listener: Some(l),
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
pub fn ec2_arn(partition: &str, region: &str, account: &str, kind: &str, id: &str) -> String {
    // Joined, not `format!`ted: every instance outcome of every check
    // builds one (a million and more), and `concat` sizes it once.
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

/// Replaces `${stageVariables.name}` with the stage's value.
fn substitute(s: &str, vars: Option<&BTreeMap<String, String>>) -> String {
    let Some(vars) = vars else {
        return s.to_string();
    };
    let mut out = s.to_string();
    for (k, v) in vars {
        out = out.replace(&format!("${{stageVariables.{k}}}"), v);
    }
    out
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

    #[test]
    fn stage_variables_are_substituted() {
        let vars = BTreeMap::from([("backend".to_string(), "nlb-1.example".to_string())]);
        assert_eq!(
            substitute("http://${stageVariables.backend}/x", Some(&vars)),
            "http://nlb-1.example/x"
        );
        assert_eq!(
            substitute("${stageVariables.other}", Some(&vars)),
            "${stageVariables.other}"
        );
    }
}
