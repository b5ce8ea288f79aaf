//! The per-backend layer scorecard: for each backend, edge / network /
//! instance / data as pass, fail or not evaluated, with the checks behind
//! each verdict. A finding counts for a backend when its resource is the
//! backend itself or something the backend depends on: its volumes, its
//! ENIs' security groups, its subnets and their NACLs, its VPC, a
//! region-wide setting of its region, or any hop (API, stage, web ACL, VPC
//! link, load balancer, listener, target group) of one of its exposure paths.

use std::borrow::Cow;
use std::collections::{BTreeMap, BTreeSet, HashMap};

use rampart_model::*;

use crate::index::{Index, stage_arn};
use crate::paths::Exposures;

/// Scorecards for every backend, ordered by region then instance id.
pub fn scorecards(
    index: &Index<'_>,
    exposures: &Exposures,
    findings: &[Finding],
    layer_of: &(dyn Fn(&str) -> Option<Layer> + Sync),
) -> Vec<Scorecard> {
    let snap = index.snapshot;
    // Findings by the tokens their resource ARNs carry: each backend then
    // looks up its own keys instead of scanning every finding.
    // Tokens borrow from the findings' ARNs where they can (most do): a
    // million findings would otherwise allocate a few million strings.
    // Most tokens (a whole ARN) name one finding: [`Hits`] keeps that one
    // inline instead of in a vector of its own (1.3 million small
    // allocations at 1.09M resources).
    let mut by_token: HashMap<Cow<'_, str>, Hits> = HashMap::new();
    for (n, f) in findings.iter().enumerate() {
        let n = u32::try_from(n).expect("fewer than 2^32 findings");
        for t in tokens(&f.resource_arn) {
            by_token
                .entry(t)
                .and_modify(|h| h.push(n))
                .or_insert(Hits::One(n));
        }
    }
    // Each finding's layer, looked up once (not once per backend and layer).
    let layers: Vec<Option<Layer>> = findings.iter().map(|f| layer_of(&f.check_id)).collect();
    let mut out = Vec::new();
    for (region, rix) in &index.regions {
        let mut ids: Vec<&str> = rix
            .instances
            .values()
            .filter(|i| !matches!(i.state.as_deref(), Some("terminated" | "shutting-down")))
            .map(|i| i.instance_id.as_str())
            .filter(|id| !exposures.for_instance(region, id).is_empty() || rix.is_lb_target(id))
            .collect();
        ids.sort_unstable();
        // Each backend's card depends only on shared, read-only data.
        use rayon::prelude::*;
        let cards: Vec<Scorecard> = ids
            .par_iter()
            .map(|id| {
                let id = *id;
                let i = rix.instances[id];
                let paths = exposures.for_instance(region, id);
                let mut hits: Vec<usize> = related(index, region, i, paths)
                    .iter()
                    .filter_map(|k| by_token.get(k.as_str()))
                    .flat_map(Hits::as_slice)
                    .map(|&n| n as usize)
                    .collect();
                hits.sort_unstable();
                hits.dedup();
                hits.retain(|&n| {
                    let f = &findings[n];
                    f.region.as_deref() == Some(*region) || f.region.is_none()
                });
                let verdict = |layer: Layer| {
                    verdict(
                        hits.iter()
                            .filter(|&&n| layers[n] == Some(layer))
                            .map(|&n| &findings[n]),
                    )
                };
                Scorecard {
                    region: region.to_string(),
                    instance_id: id.to_string(),
                    name: i.tags.get("Name").cloned(),
                    instance_arn: format!(
                        "arn:{}:ec2:{region}:{}:instance/{id}",
                        snap.partition, snap.account_id
                    ),
                    paths: paths.iter().map(|e| e.path.clone()).collect(),
                    edge: verdict(Layer::Edge),
                    network: verdict(Layer::Network),
                    instance: verdict(Layer::Instance),
                    data: verdict(Layer::Data),
                }
            })
            .collect();
        out.extend(cards);
    }
    out
}

/// The findings (indexes into the list) one token names.
enum Hits {
    One(u32),
    Many(Vec<u32>),
}

impl Hits {
    fn push(&mut self, n: u32) {
        match self {
            Hits::One(first) => *self = Hits::Many(vec![*first, n]),
            Hits::Many(v) => v.push(n),
        }
    }

    fn as_slice(&self) -> &[u32] {
        match self {
            Hits::One(n) => std::slice::from_ref(n),
            Hits::Many(v) => v,
        }
    }
}

/// The lookup tokens of a resource ARN, in the same forms [`related`]
/// produces: the whole ARN, its last path segment (an id), the API prefix
/// (`/restapis/ID/`, `/apis/ID/`), the region-wide EBS setting, and for
/// region-scope `.../*` resources `:REGION:ACCOUNT:*`.
fn tokens(arn: &str) -> Vec<Cow<'_, str>> {
    let mut t = vec![Cow::Borrowed(arn)];
    if let Some(last) = arn.rsplit('/').next()
        && last != arn
    {
        t.push(Cow::Borrowed(last));
    }
    for kind in ["/restapis/", "/apis/"] {
        if let Some(rest) = arn.split_once(kind).map(|(_, r)| r)
            && let Some(id) = rest.split('/').next()
        {
            t.push(Cow::Owned(format!("{kind}{id}/")));
        }
    }
    if let Some((_, region)) = arn.split_once(":ebs-encryption-by-default/") {
        t.push(Cow::Owned(format!(":ebs-encryption-by-default/{region}")));
    }
    if arn.ends_with("/*") {
        let parts: Vec<&str> = arn.splitn(6, ':').collect();
        if parts.len() == 6 {
            t.push(Cow::Owned(format!(":{}:{}:*", parts[3], parts[4])));
        }
    }
    t
}

fn verdict<'a>(findings: impl Iterator<Item = &'a Finding>) -> LayerVerdict {
    // Borrowed while collecting: only the distinct ids are copied out.
    let mut failing = BTreeSet::new();
    let mut unknown = BTreeSet::new();
    let mut reasons = BTreeSet::new();
    let mut passing = BTreeSet::new();
    for f in findings {
        match &f.status {
            Status::Fail => {
                failing.insert(f.check_id.as_str());
            }
            Status::NotEvaluated(r) => {
                unknown.insert(f.check_id.as_str());
                reasons.insert(r.as_str());
            }
            Status::Pass => {
                passing.insert(f.check_id.as_str());
            }
        }
    }
    let owned = |set: BTreeSet<&'a str>| set.into_iter().map(str::to_string).collect();
    if !failing.is_empty() {
        LayerVerdict::Fail {
            failing: owned(failing),
        }
    } else if !unknown.is_empty() {
        LayerVerdict::NotEvaluated {
            checks: owned(unknown),
            reasons: owned(reasons),
        }
    } else if passing.is_empty() {
        // No check judged anything on this layer: that is not a pass.
        LayerVerdict::NotEvaluated {
            checks: vec![],
            reasons: vec!["no check applies to this backend on this layer".into()],
        }
    } else {
        LayerVerdict::Pass {
            checks: owned(passing),
        }
    }
}

/// The ids and ARNs a backend's findings may name.
fn related(
    index: &Index<'_>,
    region: &str,
    i: &Instance,
    paths: &[crate::paths::Exposure],
) -> BTreeSet<String> {
    let rix = &index.regions[region];
    let mut keys = BTreeSet::new();
    keys.insert(i.instance_id.clone());
    // Region-wide settings and "not collected in this region" outcomes.
    keys.insert(format!(":ebs-encryption-by-default/{region}"));
    keys.insert(format!(":{region}:{}:*", index.snapshot.account_id));
    // API Gateway ARNs carry no account.
    keys.insert(format!(":{region}::*"));
    if let Some(v) = &i.vpc_id {
        keys.insert(v.clone());
    }
    for v in rix
        .instance_volumes
        .get(i.instance_id.as_str())
        .into_iter()
        .flatten()
    {
        keys.insert(v.volume_id.clone());
    }
    for eni in rix
        .instance_enis
        .get(i.instance_id.as_str())
        .into_iter()
        .flatten()
    {
        keys.insert(eni.network_interface_id.clone());
        keys.extend(eni.security_group_ids.iter().cloned());
        if let Some(s) = &eni.subnet_id {
            keys.insert(s.clone());
            if let Some(acl) = rix.subnet_nacl.get(s.as_str()) {
                keys.insert(acl.network_acl_id.clone());
            }
        }
    }
    // The default security group of the backend's VPC.
    if let Some(g) = i.vpc_id.as_deref().and_then(|v| rix.default_sg.get(v)) {
        keys.insert(g.group_id.clone());
    }
    for e in paths {
        for hop in &e.path.hops {
            match hop.kind.as_str() {
                "api-stage" => {
                    let mut parts = hop.id.splitn(3, '/');
                    let (Some(api), Some(stage)) = (parts.next(), parts.next()) else {
                        continue;
                    };
                    if rix.rest_apis.contains_key(api) {
                        keys.insert(format!("/restapis/{api}/"));
                        let sarn = stage_arn(&index.snapshot.partition, region, api, stage);
                        if let Some(acl) = rix.web_acl_for.get(&sarn) {
                            keys.insert(acl.arn.clone());
                        }
                        keys.insert(sarn);
                    } else {
                        keys.insert(format!("/apis/{api}/"));
                    }
                }
                "internet" | "instance" => {}
                _ => {
                    keys.insert(hop.id.clone());
                }
            }
        }
    }
    keys
}

/// Scorecard counts per layer verdict, for summaries.
pub fn tally(cards: &[Scorecard]) -> BTreeMap<(Layer, &'static str), usize> {
    let mut t = BTreeMap::new();
    for c in cards {
        for layer in Layer::ALL {
            *t.entry((layer, c.layer(layer).as_str())).or_default() += 1;
        }
    }
    t
}

#[cfg(test)]
mod tests {
    use super::*;

    fn f(id: &str, arn: &str, status: Status) -> Finding {
        Finding {
            check_id: id.into(),
            severity: Severity::High,
            status,
            resource_arn: arn.into(),
            account_id: "1".into(),
            region: Some("us-east-1".into()),
            message: String::new(),
            path: None,
            fingerprint: String::new(),
            suppressed: None,
            baseline: None,
        }
    }

    #[test]
    fn fail_beats_not_evaluated_beats_pass_and_nothing_is_not_a_pass() {
        let p = f("A", "x", Status::Pass);
        let n = f("B", "x", Status::NotEvaluated("why".into()));
        let x = f("C", "x", Status::Fail);
        assert_eq!(verdict([&p, &n, &x].into_iter()).as_str(), "fail");
        assert_eq!(verdict([&p, &n].into_iter()).as_str(), "not-evaluated");
        assert_eq!(verdict([&p].into_iter()).as_str(), "pass");
        assert_eq!(verdict(std::iter::empty()).as_str(), "not-evaluated");
    }

    #[test]
    fn arn_tokens_match_the_related_keys_and_respect_id_boundaries() {
        let has = |arn: &str, key: &str| tokens(arn).iter().any(|t| t == key);
        assert!(has("arn:aws:ec2:us-east-1:1:instance/i-1", "i-1"));
        assert!(!has("arn:aws:ec2:us-east-1:1:instance/i-12", "i-1"));
        assert!(has(
            "arn:aws:apigateway:us-east-1::/restapis/abc/stages/prod",
            "/restapis/abc/"
        ));
        assert!(!has(
            "arn:aws:apigateway:us-east-1::/restapis/abcd/stages/prod",
            "/restapis/abc/"
        ));
        assert!(has(
            "arn:aws:apigateway:us-east-1::/apis/h1/routes/r1",
            "/apis/h1/"
        ));
        assert!(has("arn:aws:ec2:us-east-1:1:instance/*", ":us-east-1:1:*"));
        assert!(!has("arn:aws:ec2:eu-west-1:1:instance/*", ":us-east-1:1:*"));
        assert!(has(
            "arn:aws:ec2:us-east-1:1:ebs-encryption-by-default/us-east-1",
            ":ebs-encryption-by-default/us-east-1"
        ));
        let lb = "arn:aws:elasticloadbalancing:us-east-1:1:loadbalancer/net/x/abc";
        assert!(has(lb, lb));
    }
}
