//! Paths through CloudFront (issue 16 item 1): `internet -> cloudfront
//! <distribution> -> origin -> ... -> instance`, for every enabled
//! distribution and every origin some cache behaviour sends requests to.
//!
//! - An origin that is an internet-facing load balancer is traced as the
//!   internet's way into it ([`RegionCx::through_internet`]), on the ports
//!   CloudFront connects to ([`crate::origins::ports`]), with CloudFront as
//!   the sender: its origin-facing prefix lists admit it
//!   ([`crate::reach::Sources::CloudFront`]). For the internet's own paths
//!   those lists admit nobody, so a load balancer whose security group
//!   admits only CloudFront is reached through CloudFront alone, and one
//!   that also admits the internet keeps its load balancer path: the
//!   bypass EDGE-001 reports. An internal load balancer is no origin
//!   CloudFront reaches over the internet (a VPC origin would be, and its
//!   target is not collected).
//! - An origin that is an API Gateway endpoint (its default `execute-api`
//!   host, or a custom domain) continues as the API's own paths through
//!   that endpoint: the stage the origin path names (HTTP APIs' `$default`
//!   stage serves every path), or every stage when it names none.
//! - An origin named by an instance's public IPv4 DNS name
//!   (`ec2-A-B-C-D...compute.amazonaws.com`) is entered as the internet
//!   enters the instance directly, on the ports CloudFront connects to.
//! - A VPC origin (<https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/private-content-vpc-origins.html>)
//!   is CloudFront's own way into a load balancer or instance of a VPC,
//!   internal or not: `internet -> cloudfront -> vpc-origin -> ...`, on
//!   the ports its endpoint config names. The endpoint's own security
//!   group is not judged on that hop (CloudFront's interfaces in the VPC
//!   are not collected; [`RegionCx::through_vpc_origin`]): the path is
//!   drawn whenever the endpoint serves the port. A load balancer goes on
//!   to its targets as for any client. A VPC origin that was not
//!   collected may lead anywhere: every scanned region's paths are then
//!   incomplete (a gap, with the failed `cloudfront:GetVpcOrigin`).
//! - Any other custom origin (a host the snapshot cannot name: a customer
//!   DNS name, since Route 53 is not read) may be any internet-facing load
//!   balancer that admits CloudFront and not the internet (one the
//!   internet reaches has its own path): each is traced as if it were the
//!   origin, and the paths are uncertain, saying so
//!   ([`crate::origins::MAYBE_ORIGIN`]). A backend is then never passed
//!   as behind a front door it may not have; the distribution checks do
//!   not list such backends as behind the distribution.
//!
//! CloudFront fetches from its own servers, so the client address the
//! backend sees is CloudFront's: a target that preserves client IPs
//! admits CloudFront by the same prefix lists.

use rampart_model::*;

use super::{Exposure, RegionCx, hop};
use crate::index::Index;
use crate::origins::Origin;
use crate::reach::PrefixLists;

/// One origin of one distribution, resolved once per snapshot.
pub(super) struct CfEntry<'s> {
    pub origin: &'s CfOrigin,
    pub resolved: Origin,
    /// How CloudFront connects: the custom origin's config, or the VPC
    /// origin's endpoint config.
    pub connection: Option<&'s CfCustomOrigin>,
    /// The VPC origin it names, when collected.
    pub vpc_origin: Option<&'s VpcOrigin>,
    /// The `cloudfront` hop: the distribution's ARN, its id and first
    /// alias (or domain), and `no WAF` when no web ACL is attached.
    pub hop: Hop,
}

/// The origins every enabled distribution sends requests to, resolved.
pub(super) fn entries<'s>(index: &Index<'s>) -> Vec<CfEntry<'s>> {
    let snapshot = index.snapshot;
    let Some(cf) = &snapshot.cloudfront else {
        return vec![];
    };
    let mut out = Vec::new();
    for d in cf.distributions.iter().filter(|d| d.enabled) {
        let name = d.aliases.first().unwrap_or(&d.domain_name);
        let mut h = hop(
            "cloudfront",
            &d.arn,
            format!("cloudfront {} ({name})", d.id),
        );
        if d.web_acl().is_none() {
            h.gaps.push("no WAF".into());
        }
        for o in crate::origins::targeted(d) {
            let resolved = crate::origins::resolve(index, o);
            if matches!(
                resolved,
                Origin::LoadBalancer(..)
                    | Origin::Api(..)
                    | Origin::Instance(..)
                    | Origin::VpcLoadBalancer(..)
                    | Origin::VpcInstance(..)
                    | Origin::VpcUnknown(..)
            ) || (resolved == Origin::Other
                && o.custom.is_some()
                && !crate::origins::aws_named(&o.domain_name))
            {
                out.push(CfEntry {
                    origin: o,
                    resolved,
                    connection: crate::origins::connection(snapshot, o),
                    vpc_origin: o.vpc_origin_id.as_deref().and_then(|id| cf.vpc_origin(id)),
                    hop: h.clone(),
                });
            }
        }
    }
    out
}

impl<'a, 's> RegionCx<'a, 's> {
    /// The CloudFront paths into this region: through `entries` whose
    /// origin is here, tracing load balancers with `cf_resolve` (the
    /// prefix lists as CloudFront sees them) and continuing API origins
    /// from the region's gateway paths `found`.
    pub(super) fn through_cloudfront(
        &self,
        entries: &[CfEntry<'_>],
        found: &[Exposure],
        cf_resolve: &PrefixLists<'_>,
    ) -> Vec<Exposure> {
        let mut child = RegionCx::new(self.region, self.rix, self.inv, cf_resolve, self.errors);
        child.senders = Some(crate::reach::cloudfront_addresses(
            &self.inv.ec2.managed_prefix_lists,
        ));
        let internet = hop("internet", "internet", "internet");

        // The load balancers the internet reaches on its own, found once.
        let own_paths: std::sync::OnceLock<std::collections::HashSet<String>> =
            std::sync::OnceLock::new();
        // Each origin on its own, on every core (a region holds them all).
        let one = |e: &CfEntry<'_>| -> Vec<Exposure> {
            let mut out = Vec::new();
            match &e.resolved {
                Origin::LoadBalancer(region, arn) if region == self.region => {
                    let Some(lb) = self.rix.load_balancers.get(arn.as_str()).copied() else {
                        return out;
                    };
                    let prefix = vec![internet.clone(), e.hop.clone()];
                    for port in crate::origins::ports(e.connection) {
                        out.extend(child.through_internet(
                            lb,
                            Some(port),
                            prefix.clone(),
                            PathKind::CloudFront,
                        ));
                    }
                }
                Origin::Api(region, api, stage, domain) if region == self.region => {
                    let through = |x: &&Exposure| {
                        x.path.kind == PathKind::Gateway
                            && x.path.hops.get(1).is_some_and(|h| {
                                // Through the custom domain's own hop (the
                                // default endpoint disabled), or the stage
                                // hop the domain is folded into.
                                domain
                                    .as_ref()
                                    .is_some_and(|d| h.kind == "api-domain" && &h.id == d)
                                    || (h.kind == "api-stage"
                                        && serves(&h.id, api, stage.as_deref()))
                            })
                    };
                    for x in found.iter().filter(through) {
                        out.push(behind(&e.hop, x.clone(), x.path.ports.clone()));
                    }
                }
                Origin::Instance(region, id, ip) if region == self.region => {
                    let Some(i) = self.rix.instances.get(id.as_str()).copied() else {
                        return out;
                    };
                    let wanted: Vec<u16> = crate::origins::ports(e.connection);
                    // The public IPv4 the name resolves to, over TCP: the
                    // interface hop is labelled `eni-ID (ADDRESS)`
                    // (RegionCx::direct).
                    let on_ip = format!("({ip})");
                    for x in child.direct(i) {
                        if x.path.protocol != Transport::Tcp
                            || !x
                                .path
                                .hops
                                .iter()
                                .any(|h| h.kind == "network-interface" && h.label.ends_with(&on_ip))
                        {
                            continue;
                        }
                        // CloudFront connects to the origin's ports only.
                        let ports: Vec<PortRange> = wanted
                            .iter()
                            .filter(|p| {
                                x.path
                                    .ports
                                    .iter()
                                    .any(|r| r.from <= i32::from(**p) && i32::from(**p) <= r.to)
                            })
                            .map(|p| super::single(*p))
                            .collect();
                        if !ports.is_empty() {
                            out.push(behind(&e.hop, x, ports));
                        }
                    }
                }
                Origin::VpcLoadBalancer(vo, region, arn) if region == self.region => {
                    let Some(lb) = self.rix.load_balancers.get(arn.as_str()).copied() else {
                        return out;
                    };
                    let prefix = vec![internet.clone(), e.hop.clone(), vpc_origin_hop(e, vo)];
                    for port in crate::origins::ports(e.connection) {
                        out.extend(child.through_vpc_origin(lb, port, prefix.clone()));
                    }
                }
                Origin::VpcInstance(vo, region, id) if region == self.region => {
                    let Some(i) = self.rix.instances.get(id.as_str()).copied() else {
                        return out;
                    };
                    if !super::is_live(i) {
                        return out;
                    }
                    let ports: Vec<PortRange> = crate::origins::ports(e.connection)
                        .into_iter()
                        .map(super::single)
                        .collect();
                    if ports.is_empty() {
                        return out;
                    }
                    let b = super::Backend::Instance(i);
                    out.push(child.exposure(
                        b,
                        PathKind::CloudFront,
                        vec![
                            internet.clone(),
                            e.hop.clone(),
                            vpc_origin_hop(e, vo),
                            b.hop(),
                        ],
                        Transport::Tcp,
                        ports,
                        None,
                    ));
                }
                Origin::Other => {
                    let why = format!(
                        "{} {} ({}) of {} resolves to nothing in the snapshot (a customer DNS \
                         name: Route 53 is not read), so it may be this load balancer",
                        crate::origins::MAYBE_ORIGIN,
                        e.origin.id,
                        e.origin.domain_name,
                        e.hop.label
                    );
                    let own = own_paths.get_or_init(|| {
                        found
                            .iter()
                            .filter(|x| x.path.kind == PathKind::LoadBalancer)
                            .filter_map(|x| x.path.hops.iter().find(|h| h.kind == "load-balancer"))
                            .map(|h| h.id.clone())
                            .collect()
                    });
                    let prefix = vec![internet.clone(), e.hop.clone()];
                    for lb in &self.inv.elbv2.load_balancers {
                        if own.contains(&lb.load_balancer_arn) {
                            continue;
                        }
                        for port in crate::origins::ports(e.connection) {
                            for mut x in child.through_internet(
                                lb,
                                Some(port),
                                prefix.clone(),
                                PathKind::CloudFront,
                            ) {
                                x.uncertain = Some(match x.uncertain.take() {
                                    Some(other) => format!("{why}; {other}"),
                                    None => why.clone(),
                                });
                                out.push(x);
                            }
                        }
                    }
                }
                // Its endpoint may be in this region.
                Origin::VpcUnknown(_, why) => self.gap(format!(
                    "{} of {}: {why}; any load balancer or instance may be behind it",
                    e.origin.id, e.hop.label
                )),
                _ => {}
            }
            out
        };
        use rayon::prelude::*;
        let out: Vec<Exposure> = entries.par_iter().flat_map_iter(one).collect();
        self.reads.merge(child.reads.done());
        for g in child.gaps.into_inner().unwrap_or_else(|e| e.into_inner()) {
            self.gap(g);
        }
        for u in child
            .unresolved
            .into_inner()
            .unwrap_or_else(|e| e.into_inner())
        {
            self.unresolved(u);
        }
        out
    }
}

/// The `vpc-origin` hop: the VPC origin's ARN, `vpc-origin ID`.
fn vpc_origin_hop(e: &CfEntry<'_>, id: &str) -> Hop {
    let arn = e.vpc_origin.map_or(id, |v| v.arn.as_str());
    hop("vpc-origin", arn, format!("vpc-origin {id}"))
}

/// `x` (a path from the internet) entered through the distribution of
/// `cloudfront` instead: `internet -> cloudfront -> ...` the rest of its
/// hops, delivering `ports`.
fn behind(cloudfront: &Hop, x: Exposure, ports: Vec<PortRange>) -> Exposure {
    let mut hops = Vec::with_capacity(x.path.hops.len() + 1);
    hops.push(hop("internet", "internet", "internet"));
    hops.push(cloudfront.clone());
    hops.extend(x.path.hops.into_iter().skip(1));
    Exposure {
        path: ExposurePath {
            kind: PathKind::CloudFront,
            hops,
            ports,
            protocol: x.path.protocol,
        },
        ..x
    }
}

/// Whether the stage hop `API/STAGE/...` is served at the default endpoint
/// path CloudFront calls: `stage` when the origin path names one (an HTTP
/// API's `$default` stage serves every path), any stage when it does not.
fn serves(hop_id: &str, api: &str, stage: Option<&str>) -> bool {
    let Some(rest) = hop_id.strip_prefix(api).and_then(|r| r.strip_prefix('/')) else {
        return false;
    };
    let hop_stage = rest.split('/').next().unwrap_or_default();
    stage.is_none_or(|s| hop_stage == s || hop_stage == "$default")
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_stage_hop_is_served_by_the_stage_the_origin_path_names() {
        assert!(super::serves("a1/prod/GET /", "a1", Some("prod")));
        assert!(super::serves("a1/prod/GET /", "a1", None));
        assert!(!super::serves("a1/dev/GET /", "a1", Some("prod")));
        assert!(super::serves("a1/$default/GET /x", "a1", Some("prod")));
        assert!(!super::serves("a10/prod/GET /", "a1", Some("prod")));
    }
}
