//! CloudFront distributions as front doors (issue 16 item 1), shared by
//! EDGE-015 to EDGE-017: which distributions carry traffic to a backend,
//! what each origin resolves to in the snapshot, and which backends are
//! behind it.
//!
//! A distribution is judged when it is enabled and some cache behaviour
//! sends requests to an origin that is not an S3 bucket: a custom origin
//! (a load balancer, an API Gateway endpoint, any host) or a VPC origin.
//! An origin resolves by its DNS name, as CloudFront connects to it:
//! to a load balancer of a scanned region (`DNSName`, with or without the
//! `dualstack.` prefix), to an API custom domain (the API mapping whose
//! base path is the origin path's first segment, else the root mapping) or
//! to a REST or HTTP API's default endpoint
//! (`{api-id}.execute-api.{region}.amazonaws.com`; the REST stage from the
//! origin path's first segment when there is one). The backends behind it
//! are those whose exposure paths pass that load balancer or API. Each
//! finding lists them (`affected`), so their cards count it; a distribution
//! whose origins resolve to no backend the snapshot knows is judged all
//! the same, with none listed.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use rampart_model::{CfOrigin, Distribution, Status};

use crate::registry::{Context, Outcome};

pub(crate) const LIST: &str = "cloudfront:ListDistributions";

/// What an origin is, as far as the snapshot tells.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Origin {
    /// A load balancer of a scanned region: (region, ARN).
    LoadBalancer(String, String),
    /// An API's default endpoint: (region, API id, the stage from the
    /// origin path, if any).
    Api(String, String, Option<String>),
    /// A VPC origin (a private ALB, NLB or instance CloudFront reaches
    /// itself); its target is not collected.
    Vpc(String),
    /// Any other custom origin (a host outside the snapshot).
    Other,
    S3,
}

/// One judged distribution.
pub(crate) struct Front<'s> {
    pub dist: &'s Distribution,
    /// The non-S3 origins that some behaviour targets, with what each is.
    pub origins: Vec<(&'s CfOrigin, Origin)>,
    /// (region, instance id) of the backends behind them.
    pub backends: BTreeSet<(&'s str, &'s str)>,
}

impl Front<'_> {
    /// `distribution d-1 (shop.example.com)`.
    pub fn label(&self) -> String {
        match self.dist.aliases.first() {
            Some(a) => format!("distribution {} ({a})", self.dist.id),
            None => format!("distribution {}", self.dist.id),
        }
    }

    /// `in front of 2 backend(s) (i-1, i-2)`, or where the origins lead.
    pub fn behind(&self) -> String {
        if self.backends.is_empty() {
            let names: Vec<&str> = self
                .origins
                .iter()
                .map(|(o, _)| o.domain_name.as_str())
                .collect();
            return format!("in front of {}", names.join(", "));
        }
        let ids: Vec<&str> = self.backends.iter().map(|(_, id)| *id).collect();
        format!("in front of {} backend(s) ({})", ids.len(), ids.join(", "))
    }

    /// An outcome on the distribution (a global resource), listing the
    /// backends behind it.
    pub fn outcome(&self, cx: &Context<'_>, status: Status, message: String) -> Outcome {
        let mut o = Outcome::global(self.dist.arn.clone(), status, message);
        o.affected = self
            .backends
            .iter()
            .map(|(region, id)| cx.ec2_arn(region, "instance", id))
            .collect();
        o
    }
}

/// [`fronts`]' answer, found once per run (eight checks ask).
pub(crate) type Fronts<'s> = Result<Vec<Front<'s>>, Outcome>;

/// The judged distributions, or the one not-evaluated outcome that stands
/// for them all when the list is missing (an older snapshot, a failed
/// `ListDistributions`).
pub(crate) fn fronts<'c, 's>(cx: &'c Context<'s>) -> &'c Fronts<'s> {
    cx.fronts.get_or_init(|| find(cx))
}

fn find<'s>(cx: &Context<'s>) -> Fronts<'s> {
    let all = format!(
        "arn:{}:cloudfront::{}:distribution/*",
        cx.snapshot.partition, cx.snapshot.account_id
    );
    let Some(cf) = &cx.snapshot.cloudfront else {
        return Err(Outcome::global(
            all,
            Status::NotEvaluated(
                "CloudFront data is not in this snapshot (written before schema version 8): re-scan"
                    .into(),
            ),
            "CloudFront distributions were not collected",
        ));
    };
    if let Some(why) = cx.not_collected(None, &[LIST]) {
        return Err(Outcome::global(
            all,
            Status::NotEvaluated(why),
            "CloudFront distributions were not collected",
        ));
    }
    // Load balancers by DNS name, once (each origin looks one up).
    let hosts: HashMap<String, (&str, &str)> = cx
        .snapshot
        .regions
        .iter()
        .flat_map(|(region, inv)| {
            inv.elbv2.load_balancers.iter().filter_map(move |lb| {
                Some((
                    lb.dns_name.as_deref()?.to_ascii_lowercase(),
                    (region.as_str(), lb.load_balancer_arn.as_str()),
                ))
            })
        })
        .collect();
    let mut fronts: Vec<Front<'s>> = cf
        .distributions
        .iter()
        .filter(|d| d.enabled)
        .filter_map(|d| front(cx, &hosts, d))
        .collect();
    if fronts.iter().any(|f| {
        f.origins
            .iter()
            .any(|(_, r)| matches!(r, Origin::LoadBalancer(..) | Origin::Api(..)))
    }) {
        let behind = Behind::new(cx);
        for f in &mut fronts {
            for (_, r) in &f.origins {
                f.backends.extend(behind.of(r));
            }
        }
    }
    Ok(fronts)
}

fn front<'s>(
    cx: &Context<'s>,
    hosts: &HashMap<String, (&str, &str)>,
    dist: &'s Distribution,
) -> Option<Front<'s>> {
    let mut targeted: Vec<&'s CfOrigin> = Vec::new();
    for b in dist.all_behaviors() {
        for o in dist.origins_of(&b.target_origin_id) {
            if !targeted.iter().any(|t| t.id == o.id) {
                targeted.push(o);
            }
        }
    }
    let origins: Vec<(&CfOrigin, Origin)> = targeted
        .into_iter()
        .map(|o| (o, resolve(cx, hosts, o)))
        .filter(|(_, r)| *r != Origin::S3)
        .collect();
    (!origins.is_empty()).then(|| Front {
        dist,
        origins,
        backends: BTreeSet::new(),
    })
}

/// The backends behind each load balancer and API stage, from one pass
/// over the exposure paths.
struct Behind<'s> {
    /// (region, load balancer ARN) -> backends.
    lbs: BTreeMap<(&'s str, &'s str), BTreeSet<&'s str>>,
    /// (region, API id) -> (stage, backend).
    apis: BTreeMap<(&'s str, &'s str), BTreeSet<(&'s str, &'s str)>>,
}

impl<'s> Behind<'s> {
    fn new(cx: &Context<'s>) -> Behind<'s> {
        let mut out = Behind {
            lbs: BTreeMap::new(),
            apis: BTreeMap::new(),
        };
        for region in cx.snapshot.region_names() {
            for (id, paths) in cx.exposures.in_region(region) {
                for h in paths.iter().flat_map(|e| &e.path.hops) {
                    match h.kind.as_str() {
                        "load-balancer" => {
                            out.lbs
                                .entry((region, h.id.as_str()))
                                .or_default()
                                .insert(id);
                        }
                        // `API/STAGE/...` (crate::paths::api).
                        "api-stage" => {
                            let mut parts = h.id.splitn(3, '/');
                            if let (Some(api), Some(stage)) = (parts.next(), parts.next()) {
                                out.apis
                                    .entry((region, api))
                                    .or_default()
                                    .insert((stage, id));
                            }
                        }
                        _ => {}
                    }
                }
            }
        }
        out
    }

    /// (region, backend) behind `origin`.
    fn of<'a>(&'a self, origin: &'a Origin) -> Box<dyn Iterator<Item = (&'s str, &'s str)> + 'a> {
        match origin {
            Origin::LoadBalancer(region, arn) => Box::new(
                self.lbs
                    .iter()
                    .filter(move |((r, a), _)| r == region && a == arn)
                    .flat_map(|((r, _), ids)| ids.iter().map(move |id| (*r, *id))),
            ),
            Origin::Api(region, api, stage) => Box::new(
                self.apis
                    .iter()
                    .filter(move |((r, a), _)| r == region && a == api)
                    .flat_map(move |((r, _), ids)| {
                        ids.iter()
                            .filter(move |(s, _)| stage.as_deref().is_none_or(|want| want == *s))
                            .map(move |(_, id)| (*r, *id))
                    }),
            ),
            _ => Box::new(std::iter::empty()),
        }
    }
}

/// A viewer protocol policy that keeps viewers on HTTPS: it redirects
/// (`redirect-to-https`) or refuses (`https-only`) HTTP; `allow-all` does
/// neither
/// (<https://docs.aws.amazon.com/cloudfront/latest/APIReference/API_CacheBehavior.html>).
pub(crate) fn keeps_viewers_on_https(policy: &str) -> bool {
    matches!(policy, "redirect-to-https" | "https-only")
}

/// What `o` is in the snapshot.
/// `hosts`: the load balancers by lowercase DNS name.
pub(crate) fn resolve(
    cx: &Context<'_>,
    hosts: &HashMap<String, (&str, &str)>,
    o: &CfOrigin,
) -> Origin {
    if let Some(id) = &o.vpc_origin_id {
        return Origin::Vpc(id.clone());
    }
    if o.s3 || (o.custom.is_none() && o.domain_name.contains(".s3.")) {
        return Origin::S3;
    }
    let host = o.domain_name.to_ascii_lowercase();
    // A dual-stack load balancer is named `dualstack.` + its DNSName
    // (https://repost.aws/knowledge-center/elb-configure-with-ipv6).
    let bare = host.strip_prefix("dualstack.").unwrap_or(&host);
    if let Some((region, arn)) = hosts.get(bare) {
        return Origin::LoadBalancer(region.to_string(), arn.to_string());
    }
    let first_segment = o
        .origin_path
        .as_deref()
        .and_then(|p| p.trim_start_matches('/').split('/').next())
        .filter(|s| !s.is_empty());
    // An API custom domain: the mapping whose base path the origin path
    // starts with, else the root mapping
    // (https://docs.aws.amazon.com/apigateway/latest/developerguide/rest-api-mappings.html).
    for (region, inv) in &cx.snapshot.regions {
        let domains = inv
            .apigateway
            .domain_names
            .iter()
            .chain(inv.apigatewayv2.domain_names.iter().flatten());
        for d in domains.filter(|d| d.domain_name.eq_ignore_ascii_case(&host)) {
            let mappings = d.api_mappings.iter().flatten();
            let by_key = |key: &str| mappings.clone().find(|m| m.key == key);
            if let Some(m) = first_segment.and_then(by_key).or_else(|| by_key("")) {
                return Origin::Api(region.clone(), m.api_id.clone(), m.stage.clone());
            }
        }
    }
    if let Some((api, rest)) = host.split_once(".execute-api.")
        && let Some(region) = rest.strip_suffix(".amazonaws.com")
        && cx.snapshot.regions.contains_key(region)
    {
        let stage = first_segment.map(str::to_string);
        return Origin::Api(region.to_string(), api.to_string(), stage);
    }
    Origin::Other
}

#[cfg(test)]
pub(crate) mod fixtures {
    use rampart_model::*;

    pub(crate) const DIST: &str = "arn:aws:cloudfront::123456789012:distribution/E1";

    /// A custom origin at `host`, HTTPS only with TLS 1.2.
    pub(crate) fn custom(id: &str, host: &str) -> CfOrigin {
        CfOrigin {
            id: id.into(),
            domain_name: host.into(),
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
        }
    }

    /// A hardened distribution `E1` (alias `shop.example.com`, ACM
    /// certificate, TLSv1.2_2021, redirect to HTTPS, a web ACL) in front
    /// of `origins`, the first as the default behaviour's target.
    pub(crate) fn distribution(origins: Vec<CfOrigin>) -> Distribution {
        Distribution {
            id: "E1".into(),
            arn: DIST.into(),
            domain_name: "d1.cloudfront.net".into(),
            status: Some("Deployed".into()),
            enabled: true,
            staging: false,
            aliases: vec!["shop.example.com".into()],
            web_acl_id: Some("arn:aws:wafv2:us-east-1:123456789012:global/webacl/edge/1".into()),
            viewer_certificate: Some(ViewerCertificate {
                cloudfront_default_certificate: false,
                acm_certificate_arn: Some(
                    "arn:aws:acm:us-east-1:123456789012:certificate/c-1".into(),
                ),
                iam_certificate_id: None,
                ssl_support_method: Some("sni-only".into()),
                minimum_protocol_version: Some("TLSv1.2_2021".into()),
            }),
            default_behavior: CfBehavior {
                path_pattern: None,
                target_origin_id: origins[0].id.clone(),
                viewer_protocol_policy: Some("redirect-to-https".into()),
            },
            origins,
            origin_groups: vec![],
            behaviors: vec![],
        }
    }

    /// The network demo with `dist` in the account.
    pub(crate) fn with(dist: Distribution) -> Snapshot {
        let mut s = crate::checks::network::fixtures::demo();
        s.cloudfront = Some(CloudFrontInventory {
            distributions: vec![dist],
            web_acls: vec![],
        });
        s
    }
}

#[cfg(test)]
mod tests {
    use super::fixtures::*;
    use super::*;
    use crate::checks::network::fixtures::NLB_L;
    use crate::testing::*;

    fn fronts_of(s: &rampart_model::Snapshot) -> Vec<(String, Vec<Origin>, Vec<String>)> {
        let index = crate::index::Index::new(s);
        let exposures = crate::paths::Exposures::compute(&index);
        let cx = Context::new(s, &index, &exposures);
        fronts(&cx)
            .as_ref()
            .unwrap_or_else(|o| panic!("{o:?}"))
            .iter()
            .map(|f| {
                (
                    f.dist.id.clone(),
                    f.origins.iter().map(|(_, r)| r.clone()).collect(),
                    f.backends.iter().map(|(_, i)| i.to_string()).collect(),
                )
            })
            .collect()
    }

    #[test]
    fn origins_resolve_to_load_balancers_and_apis_with_their_backends() {
        // The legacy NLB by its DNS name (dualstack. and case ignored).
        let s = with(distribution(vec![custom("nlb", "DUALSTACK.nlb-l.example")]));
        assert_eq!(
            fronts_of(&s),
            vec![(
                "E1".into(),
                vec![Origin::LoadBalancer("us-east-1".into(), NLB_L.into())],
                vec!["i-l1".into()]
            )]
        );
        // The hardened REST API's default endpoint, stage v1 of api-h
        // does not exist (its stage is prod): no backend; any stage: i-h1.
        let mut api = custom("api", "api-h.execute-api.us-east-1.amazonaws.com");
        api.origin_path = Some("/v1".into());
        let s = with(distribution(vec![api.clone()]));
        assert_eq!(fronts_of(&s)[0].2, Vec::<String>::new());
        api.origin_path = None;
        let s = with(distribution(vec![api]));
        let got = fronts_of(&s);
        assert_eq!(
            got[0].1,
            vec![Origin::Api("us-east-1".into(), "api-h".into(), None)]
        );
        assert_eq!(got[0].2, vec!["i-h1".to_string()]);
    }

    /// A custom domain resolves through its mapping: base path `v1` of
    /// `api.example.com` maps api-h's stage; a path no mapping has, and
    /// no root mapping, resolves to nothing known.
    #[test]
    fn a_custom_domain_resolves_through_its_api_mapping() {
        let stage = {
            let s = crate::checks::network::fixtures::demo();
            s.regions["us-east-1"].apigateway.rest_apis[0]
                .stages
                .iter()
                .flatten()
                .next()
                .map(|st| st.stage_name.clone())
                .unwrap()
        };
        let mut origin = custom("dom", "API.example.com");
        origin.origin_path = Some("/v1".into());
        let mut s = with(distribution(vec![origin.clone()]));
        region(&mut s).apigateway.domain_names.push(custom_domain(
            "api.example.com",
            Some(vec![rampart_model::ApiMapping {
                api_id: "api-h".into(),
                stage: Some(stage.clone()),
                key: "v1".into(),
            }]),
        ));
        let got = fronts_of(&s);
        assert_eq!(
            got[0].1,
            vec![Origin::Api("us-east-1".into(), "api-h".into(), Some(stage))]
        );
        assert_eq!(got[0].2, vec!["i-h1".to_string()]);
        let mut other = s.clone();
        other.cloudfront.as_mut().unwrap().distributions[0].origins[0].origin_path =
            Some("/v2".into());
        assert_eq!(fronts_of(&other)[0].1, vec![Origin::Other]);
    }

    #[test]
    fn s3_only_and_disabled_distributions_are_not_front_doors() {
        let mut bucket = custom("b", "assets.s3.us-east-1.amazonaws.com");
        bucket.custom = None;
        bucket.s3 = true;
        let s = with(distribution(vec![bucket]));
        assert!(fronts_of(&s).is_empty());
        let mut d = distribution(vec![custom("nlb", "nlb-l.example")]);
        d.enabled = false;
        assert!(fronts_of(&with(d)).is_empty());
        // An origin no behaviour targets does not count.
        let mut bucket = custom("b", "assets.s3.us-east-1.amazonaws.com");
        bucket.custom = None;
        bucket.s3 = true;
        let d = distribution(vec![bucket, custom("nlb", "nlb-l.example")]);
        assert!(fronts_of(&with(d)).is_empty());
    }

    #[test]
    fn a_missing_list_is_one_not_evaluated_outcome() {
        let mut s = with(distribution(vec![custom("nlb", "nlb-l.example")]));
        s.cloudfront = None;
        let index = crate::index::Index::new(&s);
        let exposures = crate::paths::Exposures::compute(&index);
        let cx = Context::new(&s, &index, &exposures);
        let Err(o) = fronts(&cx) else {
            panic!("no data, no fronts")
        };
        assert!(
            matches!(&o.status, Status::NotEvaluated(w) if w.contains("schema version 8")),
            "{o:?}"
        );
        let mut s = with(distribution(vec![custom("nlb", "nlb-l.example")]));
        s.cloudfront.as_mut().unwrap().distributions.clear();
        fail(&mut s, LIST);
        s.collection_errors.last_mut().unwrap().region = None;
        let index = crate::index::Index::new(&s);
        let exposures = crate::paths::Exposures::compute(&index);
        let cx = Context::new(&s, &index, &exposures);
        let Err(o) = fronts(&cx) else {
            panic!("no list, no fronts")
        };
        assert!(
            matches!(&o.status, Status::NotEvaluated(w) if w.contains("ListDistributions")),
            "{o:?}"
        );
        assert_eq!(
            o.resource_arn.as_str(),
            "arn:aws:cloudfront::123456789012:distribution/*"
        );
    }
}
