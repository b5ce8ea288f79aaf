//! The per-backend layer scorecard: for each backend, edge / network /
//! instance / data as pass, fail or not evaluated, with the checks behind
//! each verdict. A finding counts for a backend when its resource is the
//! backend itself or something the backend depends on: its volumes, its
//! ENIs' security groups, its subnets and their NACLs, its VPC, a
//! region-wide setting of its region, or any hop (API, stage, web ACL, VPC
//! link, load balancer, listener, target group) of one of its exposure paths.

use std::borrow::Cow;
use std::collections::{BTreeMap, BTreeSet};

use foldhash::{HashMap, HashMapExt};

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
    let by_token = TokenMap::build(findings);
    let regions: Vec<&str> = index.regions.keys().copied().collect();
    let briefs = Briefs::of(findings, layer_of, &regions);
    let mut out = Vec::new();
    for (r, (region, rix)) in index.regions.iter().enumerate() {
        let mut ids: Vec<&str> = rix
            .instances
            .values()
            .filter(|i| crate::paths::is_live(i))
            .map(|i| i.instance_id.as_str())
            .filter(|id| exposures.is_backend(Some(rix), region, id))
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
                let mut hits: Vec<u32> = related(index, region, i, paths)
                    .iter()
                    .filter_map(|k| by_token.get(k))
                    .flat_map(Hits::as_slice)
                    .copied()
                    .collect();
                hits.sort_unstable();
                hits.dedup();
                let [edge, network, instance, data] = briefs.tally(&hits, r, findings);
                Scorecard {
                    region: region.to_string(),
                    instance_id: id.to_string(),
                    name: i.tags.get("Name").cloned(),
                    instance_arn: format!(
                        "arn:{}:ec2:{region}:{}:instance/{id}",
                        snap.partition, snap.account_id
                    ),
                    paths: paths.iter().map(|e| e.path.clone()).collect(),
                    edge: edge.verdict(&briefs.checks),
                    network: network.verdict(&briefs.checks),
                    instance: instance.verdict(&briefs.checks),
                    data: data.verdict(&briefs.checks),
                }
            })
            .collect();
        out.extend(cards);
    }
    out
}

/// What the scorecard needs of each finding, a few bytes each instead of
/// a 200-byte finding and the strings it points to: a backend's 30-odd
/// findings are picked out of a million, so each one read is a cache miss,
/// and these sit in a tenth of the memory (at 1.3 million findings the
/// per-backend part went from about 0.58 s to 0.48 s).
struct Briefs<'f> {
    /// The distinct check ids, sorted: a brief names its check by index,
    /// so sorted indexes are sorted ids.
    checks: Vec<&'f str>,
    briefs: Vec<Brief>,
}

#[derive(Clone, Copy)]
struct Brief {
    check: u16,
    /// Index into the evaluated regions; [`ANY_REGION`] for a finding
    /// without one, [`OTHER_REGION`] for one outside them.
    region: u16,
    /// Index into `Layer::ALL`; `None` for a check without metadata.
    layer: Option<u8>,
    status: Kind,
}

#[derive(Clone, Copy, PartialEq)]
enum Kind {
    Pass,
    Fail,
    NotEvaluated,
}

const ANY_REGION: u16 = u16::MAX;
const OTHER_REGION: u16 = u16::MAX - 1;

impl<'f> Briefs<'f> {
    fn of(
        findings: &'f [Finding],
        layer_of: &(dyn Fn(&str) -> Option<Layer> + Sync),
        regions: &[&str],
    ) -> Briefs<'f> {
        use rayon::prelude::*;
        let checks: Vec<&str> = findings
            .iter()
            .map(|f| f.check_id.as_str())
            .collect::<BTreeSet<_>>()
            .into_iter()
            .collect();
        let by_id: HashMap<&str, (u16, Option<u8>)> = checks
            .iter()
            .enumerate()
            .map(|(n, id)| {
                let n = u16::try_from(n).expect("fewer than 2^16 check ids");
                let layer = layer_of(id).and_then(|l| Layer::ALL.iter().position(|x| *x == l));
                (*id, (n, layer.map(|l| l as u8)))
            })
            .collect();
        let briefs = findings
            .par_iter()
            .map(|f| {
                let (check, layer) = by_id[f.check_id.as_str()];
                let region = match f.region.as_deref() {
                    None => ANY_REGION,
                    Some(r) => regions
                        .iter()
                        .position(|x| *x == r)
                        .map_or(OTHER_REGION, |p| p as u16),
                };
                let status = match f.status {
                    Status::Pass => Kind::Pass,
                    Status::Fail => Kind::Fail,
                    Status::NotEvaluated(_) => Kind::NotEvaluated,
                };
                Brief {
                    check,
                    region,
                    layer,
                    status,
                }
            })
            .collect();
        Briefs { checks, briefs }
    }

    /// The four layers' tallies of the findings `hits` (indexes into
    /// `findings`) that are in region `region` (an index) or in none.
    fn tally(&self, hits: &[u32], region: usize, findings: &'f [Finding]) -> [Tally<'f>; 4] {
        let mut t: [Tally<'f>; 4] = Default::default();
        for &n in hits {
            let b = self.briefs[n as usize];
            if b.region != ANY_REGION && usize::from(b.region) != region {
                continue;
            }
            let Some(layer) = b.layer else {
                continue;
            };
            let t = &mut t[usize::from(layer)];
            match b.status {
                Kind::Fail => t.failing.push(b.check),
                Kind::Pass => t.passing.push(b.check),
                Kind::NotEvaluated => {
                    t.unknown.push(b.check);
                    if let Status::NotEvaluated(why) = &findings[n as usize].status {
                        t.reasons.push(why);
                    }
                }
            }
        }
        t
    }
}

/// One backend's findings on one layer, by check (indexes into
/// [`Briefs::checks`]).
#[derive(Default)]
struct Tally<'f> {
    failing: Vec<u16>,
    unknown: Vec<u16>,
    reasons: Vec<&'f str>,
    passing: Vec<u16>,
}

impl Tally<'_> {
    /// Fail beats not evaluated beats pass; nothing at all is not a pass.
    fn verdict(self, checks: &[&str]) -> LayerVerdict {
        let ids = |mut v: Vec<u16>| {
            v.sort_unstable();
            v.dedup();
            v.into_iter()
                .map(|n| checks[usize::from(n)].to_string())
                .collect()
        };
        if !self.failing.is_empty() {
            LayerVerdict::Fail {
                failing: ids(self.failing),
            }
        } else if !self.unknown.is_empty() {
            let mut reasons = self.reasons;
            reasons.sort_unstable();
            reasons.dedup();
            LayerVerdict::NotEvaluated {
                checks: ids(self.unknown),
                reasons: reasons.into_iter().map(str::to_string).collect(),
            }
        } else if self.passing.is_empty() {
            // No check judged anything on this layer: that is not a pass.
            LayerVerdict::NotEvaluated {
                checks: vec![],
                reasons: vec!["no check applies to this backend on this layer".into()],
            }
        } else {
            LayerVerdict::Pass {
                checks: ids(self.passing),
            }
        }
    }
}

/// Findings by the tokens their resource ARNs carry: each backend then
/// looks up its own keys instead of scanning every finding. Tokens borrow
/// from the findings' ARNs where they can (most do): a million findings
/// would otherwise allocate a few million strings.
///
/// Built on every core: the tokens are split into one shard per thread by
/// a hash of their own (not the maps' hasher, whose low bits would then be
/// the same within a shard), and each thread fills its shard's map from the
/// whole list. At 1.3 million findings one map on one core took 0.9 s.
struct TokenMap<'f> {
    shards: Vec<HashMap<Cow<'f, str>, Hits>>,
    pick: foldhash::fast::FixedState,
}

impl<'f> TokenMap<'f> {
    fn build(findings: &'f [Finding]) -> TokenMap<'f> {
        use rayon::prelude::*;
        let count = rayon::current_num_threads().max(1);
        let pick = foldhash::fast::FixedState::with_seed(0x0072_616d_7061_7274);
        let shard_of = |t: &str| shard(&pick, t, count);
        let shards = (0..count)
            .into_par_iter()
            .map(|s| {
                let mut map = HashMap::new();
                for (n, f) in findings.iter().enumerate() {
                    let n = u32::try_from(n).expect("fewer than 2^32 findings");
                    each_token(&f.resource_arn, |t| {
                        if shard_of(&t) == s {
                            map.entry(t)
                                .and_modify(|h: &mut Hits| h.push(n))
                                .or_insert(Hits::One(n));
                        }
                    });
                }
                map
            })
            .collect();
        TokenMap { shards, pick }
    }

    fn get(&self, key: &str) -> Option<&Hits> {
        self.shards[shard(&self.pick, key, self.shards.len())].get(key)
    }
}

fn shard(pick: &foldhash::fast::FixedState, token: &str, count: usize) -> usize {
    use std::hash::BuildHasher;
    // The high bits: well mixed, and count is small.
    ((pick.hash_one(token) >> 32) as usize) % count
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
/// region-scope `.../*` resources `:REGION:ACCOUNT:*`. Each is given to
/// `token` in turn (no list is built: this runs for every finding).
fn each_token<'a>(arn: &'a str, mut token: impl FnMut(Cow<'a, str>)) {
    token(Cow::Borrowed(arn));
    if let Some(last) = arn.rsplit('/').next()
        && last != arn
    {
        token(Cow::Borrowed(last));
    }
    // The first `/restapis/`, `/apis/` and `:ebs-encryption-by-default/`,
    // found in one pass over the separators (a substring search per
    // pattern cost more than the map insertions at a million findings).
    let (mut rest_api, mut http_api, mut ebs) = (None, None, None);
    // (`/` and `:` are ASCII: the index is always a character boundary.)
    let after = |i: usize, pattern: &str| arn[i..].strip_prefix(pattern);
    for (i, b) in arn.bytes().enumerate() {
        match b {
            b'/' => {
                if rest_api.is_none() {
                    rest_api = after(i, "/restapis/");
                }
                if http_api.is_none() {
                    http_api = after(i, "/apis/");
                }
            }
            b':' if ebs.is_none() => ebs = after(i, ":ebs-encryption-by-default/"),
            _ => {}
        }
    }
    for (kind, rest) in [("/restapis/", rest_api), ("/apis/", http_api)] {
        if let Some(id) = rest.and_then(|r| r.split('/').next()) {
            token(Cow::Owned(format!("{kind}{id}/")));
        }
    }
    if let Some(region) = ebs {
        token(Cow::Owned(format!(":ebs-encryption-by-default/{region}")));
    }
    if arn.ends_with("/*") {
        let parts: Vec<&str> = arn.splitn(6, ':').collect();
        if parts.len() == 6 {
            token(Cow::Owned(format!(":{}:{}:*", parts[3], parts[4])));
        }
    }
}

#[cfg(test)]
fn tokens(arn: &str) -> Vec<Cow<'_, str>> {
    let mut t = Vec::new();
    each_token(arn, |x| t.push(x));
    t
}

/// The ids and ARNs a backend's findings may name (a repeat is harmless:
/// the hits are deduplicated). Ids borrow from the snapshot and the paths;
/// only the composite keys are built (this runs for every backend).
fn related<'a>(
    index: &'a Index<'_>,
    region: &str,
    i: &'a Instance,
    paths: &'a [crate::paths::Exposure],
) -> Vec<Cow<'a, str>> {
    let rix = &index.regions[region];
    let mut keys: Vec<Cow<'a, str>> = vec![
        Cow::Borrowed(i.instance_id.as_str()),
        // Region-wide settings and "not collected in this region" outcomes.
        Cow::Owned(format!(":ebs-encryption-by-default/{region}")),
        Cow::Owned(format!(":{region}:{}:*", index.snapshot.account_id)),
        // API Gateway ARNs carry no account.
        Cow::Owned(format!(":{region}::*")),
    ];
    if let Some(v) = &i.vpc_id {
        keys.push(Cow::Borrowed(v));
    }
    for v in rix
        .instance_volumes
        .get(i.instance_id.as_str())
        .into_iter()
        .flatten()
    {
        keys.push(Cow::Borrowed(&v.volume_id));
    }
    for eni in rix
        .instance_enis
        .get(i.instance_id.as_str())
        .into_iter()
        .flatten()
    {
        keys.push(Cow::Borrowed(&eni.network_interface_id));
        keys.extend(
            eni.security_group_ids
                .iter()
                .map(|g| Cow::Borrowed(g.as_str())),
        );
        if let Some(s) = &eni.subnet_id {
            keys.push(Cow::Borrowed(s));
            if let Some(acl) = rix.subnet_nacl.get(s.as_str()) {
                keys.push(Cow::Borrowed(&acl.network_acl_id));
            }
        }
    }
    // The default security group of the backend's VPC.
    if let Some(g) = i.vpc_id.as_deref().and_then(|v| rix.default_sg.get(v)) {
        keys.push(Cow::Borrowed(&g.group_id));
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
                        keys.push(Cow::Owned(format!("/restapis/{api}/")));
                        let sarn = stage_arn(&index.snapshot.partition, region, api, stage);
                        if let Some(acl) = rix.web_acl_for.get(&sarn) {
                            keys.push(Cow::Borrowed(&acl.arn));
                        }
                        keys.push(Cow::Owned(sarn));
                    } else {
                        keys.push(Cow::Owned(format!("/apis/{api}/")));
                    }
                }
                "internet" | "instance" => {}
                _ => keys.push(Cow::Borrowed(&hop.id)),
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

    /// The verdict of one layer of findings, through the briefs, as a
    /// backend in us-east-1 sees them.
    fn verdict(findings: &[Finding]) -> LayerVerdict {
        let layer_of = |_: &str| Some(Layer::Network);
        let briefs = Briefs::of(findings, &layer_of, &["eu-west-1", "us-east-1"]);
        let hits: Vec<u32> = (0..findings.len() as u32).collect();
        let [_, network, ..] = briefs.tally(&hits, 1, findings);
        network.verdict(&briefs.checks)
    }

    #[test]
    fn fail_beats_not_evaluated_beats_pass_and_nothing_is_not_a_pass() {
        let p = f("A", "x", Status::Pass);
        let n = f("B", "x", Status::NotEvaluated("why".into()));
        let x = f("C", "x", Status::Fail);
        let all = [p.clone(), n.clone(), x];
        assert_eq!(verdict(&all).as_str(), "fail");
        assert_eq!(
            verdict(&all),
            LayerVerdict::Fail {
                failing: vec!["C".into()]
            }
        );
        assert_eq!(
            verdict(&[p.clone(), n.clone(), n]),
            LayerVerdict::NotEvaluated {
                checks: vec!["B".into()],
                reasons: vec!["why".into()]
            }
        );
        assert_eq!(
            verdict(&[f("Z", "y", Status::Pass), p]),
            LayerVerdict::Pass {
                checks: vec!["A".into(), "Z".into()]
            }
        );
        assert_eq!(verdict(&[]).as_str(), "not-evaluated");
    }

    /// A finding of another region does not count for the backend; one
    /// without a region does.
    #[test]
    fn only_the_backends_region_and_regionless_findings_count() {
        let mut elsewhere = f("A", "x", Status::Fail);
        elsewhere.region = Some("eu-west-1".into());
        let mut unknown_region = f("B", "x", Status::Fail);
        unknown_region.region = Some("ap-south-1".into());
        assert_eq!(
            verdict(&[elsewhere.clone(), unknown_region, f("C", "x", Status::Pass)]),
            LayerVerdict::Pass {
                checks: vec!["C".into()]
            }
        );
        let mut regionless = f("D", "x", Status::Fail);
        regionless.region = None;
        assert_eq!(verdict(&[elsewhere, regionless]).as_str(), "fail");
    }

    /// Every token a finding carries finds it, whichever shard the token
    /// falls in, and no other finding comes with it.
    #[test]
    fn the_sharded_token_map_finds_every_token_and_nothing_else() {
        let arns = [
            "arn:aws:ec2:us-east-1:1:instance/i-1",
            "arn:aws:ec2:us-east-1:1:instance/i-2",
            "arn:aws:ec2:us-east-1:1:security-group/sg-1",
            "arn:aws:apigateway:us-east-1::/restapis/abc/stages/prod",
            "arn:aws:apigateway:us-east-1::/apis/h1/routes/r1",
            "arn:aws:ec2:us-east-1:1:instance/*",
            "arn:aws:ec2:us-east-1:1:ebs-encryption-by-default/us-east-1",
            "arn:aws:ec2:us-east-1:1:instance/i-1",
        ];
        let findings: Vec<Finding> = arns.iter().map(|a| f("A", a, Status::Pass)).collect();
        let map = TokenMap::build(&findings);
        for (n, f) in findings.iter().enumerate() {
            for t in tokens(&f.resource_arn) {
                let want: Vec<u32> = findings
                    .iter()
                    .enumerate()
                    .filter(|(_, g)| tokens(&g.resource_arn).contains(&t))
                    .map(|(m, _)| m as u32)
                    .collect();
                let got = map.get(&t).map(Hits::as_slice).unwrap_or_default();
                assert_eq!(got, want.as_slice(), "token {t} of finding {n}");
            }
        }
        assert!(map.get("i-3").is_none());
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
