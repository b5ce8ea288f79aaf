//! CloudFront distributions as front doors (issue 16 item 1), shared by
//! EDGE-014 to EDGE-017: which distributions carry traffic to a backend,
//! what each origin resolves to in the snapshot ([`crate::origins`]), and
//! which backends are behind it.
//!
//! A distribution is judged when it is enabled and some cache behaviour
//! sends requests to an origin that is not an S3 bucket: a custom origin
//! (a load balancer, an API Gateway endpoint, any host) or a VPC origin.
//! The backends behind it are those with an exposure path through it
//! (`internet -> cloudfront -> origin -> ...`, [`crate::paths`]). Each
//! finding lists them (`affected`), so their cards count it; a
//! distribution whose origins lead to no backend the snapshot knows is
//! judged all the same, with none listed.

use std::collections::{BTreeMap, BTreeSet};

use rampart_model::{CfOrigin, Distribution, PathKind, Status};

pub(crate) use crate::origins::Origin;
use crate::registry::{Context, Outcome};

pub(crate) const LIST: &str = "cloudfront:ListDistributions";

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
    let mut fronts: Vec<Front<'s>> = cf
        .distributions
        .iter()
        .filter(|d| d.enabled)
        .filter_map(|d| front(cx, d))
        .collect();
    if !fronts.is_empty() {
        let behind = behind(cx);
        for f in &mut fronts {
            if let Some(ids) = behind.get(f.dist.arn.as_str()) {
                f.backends.extend(ids.iter().copied());
            }
        }
    }
    Ok(fronts)
}

fn front<'s>(cx: &Context<'s>, dist: &'s Distribution) -> Option<Front<'s>> {
    let origins: Vec<(&CfOrigin, Origin)> = crate::origins::targeted(dist)
        .into_iter()
        .map(|o| (o, crate::origins::resolve(cx.index, o)))
        .filter(|(_, r)| *r != Origin::S3)
        .collect();
    (!origins.is_empty()).then(|| Front {
        dist,
        origins,
        backends: BTreeSet::new(),
    })
}

/// The backends behind each distribution (by ARN, the `cloudfront` hop's
/// id), from one pass over the exposure paths.
fn behind<'s>(cx: &Context<'s>) -> BTreeMap<&'s str, BTreeSet<(&'s str, &'s str)>> {
    let mut out: BTreeMap<&'s str, BTreeSet<(&'s str, &'s str)>> = BTreeMap::new();
    for region in cx.snapshot.region_names() {
        for (id, paths) in cx.exposures.in_region(region) {
            let known = |e: &&crate::paths::Exposure| {
                e.path.kind == PathKind::CloudFront
                    && !e
                        .uncertain
                        .as_deref()
                        .is_some_and(|u| u.starts_with(crate::origins::MAYBE_ORIGIN))
            };
            for e in paths.iter().filter(known) {
                if let Some(h) = e.path.hops.iter().find(|h| h.kind == "cloudfront") {
                    out.entry(h.id.as_str()).or_default().insert((region, id));
                }
            }
        }
    }
    out
}

/// A viewer protocol policy that keeps viewers on HTTPS: it redirects
/// (`redirect-to-https`) or refuses (`https-only`) HTTP; `allow-all` does
/// neither
/// (<https://docs.aws.amazon.com/cloudfront/latest/APIReference/API_CacheBehavior.html>).
pub(crate) fn keeps_viewers_on_https(policy: &str) -> bool {
    matches!(policy, "redirect-to-https" | "https-only")
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

    /// The legacy NLB (network fixtures) as an origin: its one listener is
    /// TCP on 80, so CloudFront's HTTPS goes to port 80 and passes through
    /// to the instance (a CloudFront path exists only on a port some
    /// listener answers).
    pub(crate) fn legacy_nlb() -> CfOrigin {
        let mut o = custom("nlb", "nlb-l.example");
        if let Some(c) = &mut o.custom {
            c.https_port = 80;
        }
        o
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
            vpc_origins: vec![],
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
        let mut nlb = legacy_nlb();
        nlb.domain_name = "DUALSTACK.nlb-l.example".into();
        let s = with(distribution(vec![nlb]));
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
            vec![Origin::Api("us-east-1".into(), "api-h".into(), None, None)]
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
            vec![Origin::Api(
                "us-east-1".into(),
                "api-h".into(),
                Some(stage),
                Some("api.example.com/v1".into())
            )]
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
        let mut d = distribution(vec![legacy_nlb()]);
        d.enabled = false;
        assert!(fronts_of(&with(d)).is_empty());
        // An origin no behaviour targets does not count.
        let mut bucket = custom("b", "assets.s3.us-east-1.amazonaws.com");
        bucket.custom = None;
        bucket.s3 = true;
        let d = distribution(vec![bucket, legacy_nlb()]);
        assert!(fronts_of(&with(d)).is_empty());
    }

    #[test]
    fn a_missing_list_is_one_not_evaluated_outcome() {
        let mut s = with(distribution(vec![legacy_nlb()]));
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
        let mut s = with(distribution(vec![legacy_nlb()]));
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
