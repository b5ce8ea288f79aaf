//! What a CloudFront origin is in the snapshot (issue 16 item 1), shared by
//! the exposure paths (which trace `internet -> cloudfront -> origin`) and
//! the distribution checks (EDGE-014 to EDGE-017).
//!
//! An origin resolves by its DNS name, as CloudFront connects to it: to a
//! load balancer of a scanned region (`DNSName`, with or without the
//! `dualstack.` prefix), to an API custom domain (the API mapping whose base
//! path is the origin path's first segment, else the root mapping) or to a
//! REST or HTTP API's default endpoint
//! (`{api-id}.execute-api.{region}.amazonaws.com`; the stage from the origin
//! path's first segment when there is one).

use rampart_model::{CfCustomOrigin, CfOrigin, Distribution};

use crate::index::Index;

/// What an origin is, as far as the snapshot tells.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Origin {
    /// A load balancer of a scanned region: (region, ARN).
    LoadBalancer(String, String),
    /// An API: (region, API id, the stage the origin path names, if any,
    /// the custom domain entry `DOMAIN/KEY` it is reached through, if
    /// any; `None` for the default `execute-api` endpoint).
    Api(String, String, Option<String>, Option<String>),
    /// An instance by its public IPv4 DNS name: (region, instance id, the
    /// address the name resolves to).
    Instance(String, String, String),
    /// A VPC origin whose endpoint is a load balancer of a scanned
    /// region: (VPC origin id, region, load balancer ARN).
    VpcLoadBalancer(String, String, String),
    /// A VPC origin whose endpoint is an instance of a scanned region:
    /// (VPC origin id, region, instance id).
    VpcInstance(String, String, String),
    /// A VPC origin rampart cannot follow: (id, why). Its endpoint may be
    /// any load balancer or instance.
    VpcUnknown(String, String),
    /// A VPC origin whose endpoint is in no scanned region, or is gone
    /// (AWS then answers the origin's requests with an error): (id,
    /// endpoint ARN).
    VpcElsewhere(String, String),
    /// Any other custom origin (a host outside the snapshot).
    Other,
    S3,
}

/// The origins some cache behaviour of `dist` sends requests to (a
/// group's members included), each once, in behaviour order.
pub(crate) fn targeted(dist: &Distribution) -> Vec<&CfOrigin> {
    let mut out: Vec<&CfOrigin> = Vec::new();
    for b in dist.all_behaviors() {
        for o in dist.origins_of(&b.target_origin_id) {
            if !out.iter().any(|t| t.id == o.id) {
                out.push(o);
            }
        }
    }
    out
}

/// The ports CloudFront connects to on a custom origin (`connection`: the
/// origin's custom config, or its VPC origin's endpoint config): the HTTP
/// port for `http-only`, the HTTPS port for `https-only`, both for
/// `match-viewer`
/// (<https://docs.aws.amazon.com/cloudfront/latest/APIReference/API_CustomOriginConfig.html>,
/// <https://docs.aws.amazon.com/cloudfront/latest/APIReference/API_VpcOriginEndpointConfig.html>).
pub(crate) fn ports(connection: Option<&CfCustomOrigin>) -> Vec<u16> {
    let Some(c) = connection else {
        return vec![];
    };
    let port = |p: i32| u16::try_from(p).ok();
    let mut out: Vec<u16> = match c.protocol_policy.as_deref() {
        Some("http-only") => port(c.http_port).into_iter().collect(),
        Some("https-only") => port(c.https_port).into_iter().collect(),
        _ => [port(c.http_port), port(c.https_port)]
            .into_iter()
            .flatten()
            .collect(),
    };
    out.sort_unstable();
    out.dedup();
    out
}

/// What `o` is in the snapshot `index` indexes (its load balancers by
/// DNS name: [`crate::index::RegionIndex::lb_by_dns`]).
pub(crate) fn resolve(index: &Index<'_>, o: &CfOrigin) -> Origin {
    let snapshot = index.snapshot;
    if let Some(id) = &o.vpc_origin_id {
        return vpc(index, id);
    }
    if o.s3 || (o.custom.is_none() && o.domain_name.contains(".s3.")) {
        return Origin::S3;
    }
    let host = o.domain_name.to_ascii_lowercase();
    // A dual-stack load balancer is named `dualstack.` + its DNSName
    // (https://repost.aws/knowledge-center/elb-configure-with-ipv6).
    let bare = host.strip_prefix("dualstack.").unwrap_or(&host);
    if let Some((region, lb)) = index
        .regions
        .iter()
        .find_map(|(region, rix)| Some((region, rix.lb_by_dns.get(bare)?)))
    {
        return Origin::LoadBalancer(region.to_string(), lb.load_balancer_arn.clone());
    }
    let first_segment = o
        .origin_path
        .as_deref()
        .and_then(|p| p.trim_start_matches('/').split('/').next())
        .filter(|s| !s.is_empty());
    // An API custom domain: the mapping whose base path the origin path
    // starts with, else the root mapping
    // (https://docs.aws.amazon.com/apigateway/latest/developerguide/rest-api-mappings.html).
    for (region, inv) in &snapshot.regions {
        let domains = inv
            .apigateway
            .domain_names
            .iter()
            .chain(inv.apigatewayv2.domain_names.iter().flatten());
        for d in domains.filter(|d| d.domain_name.eq_ignore_ascii_case(&host)) {
            let mappings = d.api_mappings.iter().flatten();
            let by_key = |key: &str| mappings.clone().find(|m| m.key == key);
            if let Some(m) = first_segment.and_then(by_key).or_else(|| by_key("")) {
                return Origin::Api(
                    region.clone(),
                    m.api_id.clone(),
                    m.stage.clone(),
                    Some(crate::domains::entry_id(&d.domain_name, m)),
                );
            }
        }
    }
    if let Some((api, rest)) = host.split_once(".execute-api.")
        && let Some(region) = rest.strip_suffix(".amazonaws.com")
        && snapshot.regions.contains_key(region)
    {
        let stage = first_segment.map(str::to_string);
        return Origin::Api(region.to_string(), api.to_string(), stage, None);
    }
    if let Some((region, ip)) = ec2_public_name(&host)
        && let Some(inv) = snapshot.regions.get(&region)
        && let Some(id) = instance_with_public_ip(inv, &ip)
    {
        return Origin::Instance(region, id.to_string(), ip);
    }
    Origin::Other
}

/// How CloudFront connects to `o`: its custom origin config, or its VPC
/// origin's endpoint config (`None`: an S3 origin, or a VPC origin that
/// was not collected).
pub(crate) fn connection<'s>(
    snapshot: &'s rampart_model::Snapshot,
    o: &'s CfOrigin,
) -> Option<&'s CfCustomOrigin> {
    match &o.vpc_origin_id {
        Some(id) => snapshot
            .cloudfront
            .as_ref()?
            .vpc_origin(id)
            .map(|v| &v.connection),
        None => o.custom.as_ref(),
    }
}

/// What VPC origin `id`'s endpoint is: a load balancer or an instance of
/// a scanned region, by its ARN
/// (`VpcOriginEndpointConfig.Arn`: an ALB, NLB or EC2 instance,
/// <https://docs.aws.amazon.com/cloudfront/latest/APIReference/API_VpcOriginEndpointConfig.html>).
fn vpc(index: &Index<'_>, id: &str) -> Origin {
    let snapshot = index.snapshot;
    let Some(v) = snapshot
        .cloudfront
        .as_ref()
        .and_then(|cf| cf.vpc_origin(id))
    else {
        return Origin::VpcUnknown(id.to_string(), vpc_origin_missing(snapshot, id));
    };
    let arn = v.endpoint_arn.as_str();
    let region = arn.split(':').nth(3).unwrap_or_default();
    if let Some(rix) = index.regions.get(region) {
        if arn.contains(":loadbalancer/") {
            if rix.load_balancers.contains_key(arn) {
                return Origin::VpcLoadBalancer(
                    id.to_string(),
                    region.to_string(),
                    arn.to_string(),
                );
            }
        } else if let Some(instance) = arn.rsplit_once(":instance/").map(|(_, i)| i)
            && rix.instances.contains_key(instance)
        {
            return Origin::VpcInstance(id.to_string(), region.to_string(), instance.to_string());
        }
    }
    Origin::VpcElsewhere(id.to_string(), arn.to_string())
}

/// Why VPC origin `id` is not in the snapshot: its failed `GetVpcOrigin`,
/// or a snapshot written before VPC origins were collected.
pub(crate) fn vpc_origin_missing(snapshot: &rampart_model::Snapshot, id: &str) -> String {
    let op = VPC_ORIGIN_GET;
    // CloudFront is global: its errors carry no region.
    let failed = snapshot
        .errors_for(op, None)
        .find(|e| e.resource.as_deref().is_none_or(|r| r == id));
    match failed {
        Some(e) => format!(
            "VPC origin {id} was not collected ({op} failed: {}: {})",
            e.kind.as_str(),
            e.message
        ),
        None => format!(
            "VPC origin {id} is not in the snapshot (written before VPC origins were \
             collected: re-scan)"
        ),
    }
}

/// Whether `host` is a name in a domain AWS owns (`amazonaws.com`,
/// `on.aws`, `cloudfront.net`): an S3 website endpoint
/// (`BUCKET.s3-website-REGION.amazonaws.com`,
/// <https://docs.aws.amazon.com/AmazonS3/latest/userguide/WebsiteEndpoints.html>),
/// a Lambda function URL (`URL-ID.lambda-url.REGION.on.aws`,
/// <https://docs.aws.amazon.com/lambda/latest/dg/lambda-urls.html>),
/// another distribution (`ID.cloudfront.net`,
/// <https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/distribution-web-values-returned.html>).
/// Such a name is the resource it names, never a customer's alias for a
/// load balancer; a load balancer's own name that the snapshot does not
/// hold is one outside the scanned regions.
pub(crate) fn aws_named(host: &str) -> bool {
    let host = host.trim_end_matches('.').to_ascii_lowercase();
    ["amazonaws.com", "on.aws", "cloudfront.net"]
        .iter()
        .any(|d| host == *d || host.ends_with(&format!(".{d}")))
}

/// How the reason of a path through a custom origin that resolves to
/// nothing starts ([`crate::paths`] traces it to every load balancer it
/// may be): such a path is no evidence that a backend is behind the
/// distribution.
pub(crate) const MAYBE_ORIGIN: &str = "CloudFront origin";

/// The operation that collects a VPC origin.
pub(crate) const VPC_ORIGIN_GET: &str = "cloudfront:GetVpcOrigin";

/// The region and address of an EC2 public IPv4 DNS name:
/// `ec2-203-0-113-25.compute-1.amazonaws.com` in us-east-1,
/// `ec2-203-0-113-25.REGION.compute.amazonaws.com` elsewhere
/// (<https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/ec2-instance-naming.html>);
/// it resolves from the internet to the interface's public IPv4.
pub(crate) fn ec2_public_name(host: &str) -> Option<(String, String)> {
    let rest = host.strip_prefix("ec2-")?;
    let (dashed, domain) = rest.split_once('.')?;
    let region = match domain {
        "compute-1.amazonaws.com" => "us-east-1".to_string(),
        d => d.strip_suffix(".compute.amazonaws.com")?.to_string(),
    };
    let ip: std::net::Ipv4Addr = dashed.replace('-', ".").parse().ok()?;
    Some((region, ip.to_string()))
}

/// The live instance holding public IPv4 `ip` on one of its interfaces.
fn instance_with_public_ip<'s>(
    inv: &'s rampart_model::RegionInventory,
    ip: &str,
) -> Option<&'s str> {
    inv.ec2
        .network_interfaces
        .iter()
        .filter(|e| {
            e.private_ip_addresses
                .iter()
                .any(|p| p.public_ip.as_deref() == Some(ip))
        })
        .find_map(|e| e.attachment.as_ref()?.instance_id.as_deref())
        .or_else(|| {
            inv.ec2
                .instances
                .iter()
                .find(|i| i.public_ip.as_deref() == Some(ip))
                .map(|i| i.instance_id.as_str())
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use rampart_model::CfCustomOrigin;

    fn origin(policy: &str) -> CfOrigin {
        CfOrigin {
            id: "o".into(),
            domain_name: "o.example".into(),
            origin_path: None,
            custom: Some(CfCustomOrigin {
                http_port: 8080,
                https_port: 8443,
                protocol_policy: Some(policy.into()),
                ssl_protocols: vec![],
            }),
            vpc_origin_id: None,
            s3: false,
            custom_header_names: vec![],
        }
    }

    #[test]
    fn ec2_public_names_give_their_region_and_address() {
        assert_eq!(
            ec2_public_name("ec2-203-0-113-25.compute-1.amazonaws.com"),
            Some(("us-east-1".into(), "203.0.113.25".into()))
        );
        assert_eq!(
            ec2_public_name("ec2-203-0-113-25.eu-west-1.compute.amazonaws.com"),
            Some(("eu-west-1".into(), "203.0.113.25".into()))
        );
        assert_eq!(
            ec2_public_name("ec2-203-0-113.compute-1.amazonaws.com"),
            None
        );
        assert_eq!(ec2_public_name("shop.example.com"), None);
    }

    #[test]
    fn origin_ports_follow_the_protocol_policy() {
        assert_eq!(ports(origin("http-only").custom.as_ref()), vec![8080]);
        assert_eq!(ports(origin("https-only").custom.as_ref()), vec![8443]);
        assert_eq!(
            ports(origin("match-viewer").custom.as_ref()),
            vec![8080, 8443]
        );
        assert!(ports(None).is_empty());
    }
}
