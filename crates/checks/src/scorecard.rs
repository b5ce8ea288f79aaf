//! The per-backend layer scorecard: for each backend, edge / network /
//! instance / data / detect as pass, fail or not evaluated, with the checks
//! and the findings (by fingerprint) behind each verdict. A check counts in
//! its own layer's column and in each of its metadata's `also_scored_in`
//! (NET-013's flow logs count for network and detect).
//!
//! A finding filed on a shared resource lists the backends it exposes
//! (`Finding::affected`): it counts for exactly those, and for no other
//! backend that merely carries the same security group or sits behind the
//! same load balancer. A finding with no such list counts for a backend
//! when its resource is the backend itself or something the backend
//! depends on: its volumes, its ENIs' security groups, its subnets and
//! their NACLs, its VPC, a region-wide setting of its region, or any hop
//! (API, stage, web ACL, VPC link, load balancer, listener, target group)
//! of one of its exposure paths.

use std::borrow::Cow;
use std::collections::{BTreeMap, BTreeSet};

use foldhash::HashMap;

use rampart_model::*;

use crate::index::{Index, stage_arn};
use crate::paths::Exposures;

/// Scorecards for every backend, ordered by region then instance id. The
/// exposure paths move into the cards (copying them cost 0.1 s and 80 MB
/// at a million resources).
pub fn scorecards(
    index: &Index<'_>,
    exposures: Exposures,
    findings: &[Finding],
    layers_of: &(dyn Fn(&str) -> Vec<Layer> + Sync),
) -> Vec<Scorecard> {
    let snap = index.snapshot;
    let regions: Vec<&str> = index.regions.keys().copied().collect();
    // The three are independent, and each has a serial part (a sort's
    // merge, a dedup, a prefix sum, the check list): built side by side.
    let ((by_token, by_backend), briefs) = rayon::join(
        || {
            rayon::join(
                // Each finding is in exactly one of the two maps.
                || {
                    TokenMap::build(findings, |f, token| {
                        if f.affected.is_empty() {
                            each_token(&f.resource_arn, token);
                        }
                    })
                },
                || {
                    TokenMap::build(findings, |f, token| {
                        for arn in &f.affected {
                            token(Cow::Borrowed(arn));
                        }
                    })
                },
            )
        },
        || Briefs::of(findings, layers_of, &regions),
    );
    let mut out = Vec::new();
    for (r, (region, rix)) in index.regions.iter().enumerate() {
        // Instances and tasks, by id: their ids never collide (`i-...`
        // against `CLUSTER/ID`).
        let mut ids: Vec<(&str, crate::paths::Backend<'_>)> = rix
            .instances
            .values()
            .filter(|i| crate::paths::is_live(i))
            .map(|i| (i.instance_id.as_str(), crate::paths::Backend::Instance(i)))
            .chain(
                rix.tasks
                    .values()
                    .filter(|t| t.is_live())
                    .map(|t| (t.backend_id(), crate::paths::Backend::Task(t))),
            )
            .filter(|(id, _)| exposures.is_backend(Some(rix), region, id))
            .collect();
        ids.sort_unstable_by_key(|(id, _)| *id);
        // Each backend's card depends only on shared, read-only data.
        use rayon::prelude::*;
        let cards: Vec<Scorecard> = ids
            .par_iter()
            .map(|(id, b)| {
                let id = *id;
                let paths = exposures.for_instance(region, id);
                let (kind, instance_arn, name, keys) = match b {
                    crate::paths::Backend::Instance(i) => (
                        BackendKind::Instance,
                        crate::index::ec2_arn(
                            &snap.partition,
                            region,
                            &snap.account_id,
                            "instance",
                            id,
                        ),
                        i.tags.get("Name").cloned(),
                        related(index, region, i, paths),
                    ),
                    crate::paths::Backend::Task(t) => (
                        BackendKind::Task,
                        t.task_arn.clone(),
                        t.service_name()
                            .map(str::to_string)
                            .or_else(|| t.tags.get("Name").cloned()),
                        related_task(index, region, t, paths),
                    ),
                };
                let mut hits: Vec<u32> = keys
                    .iter()
                    .flat_map(|k| by_token.get(k))
                    .chain(by_backend.get(&instance_arn))
                    .collect();
                // Ascending: report order, which the verdicts' fingerprints keep.
                hits.sort_unstable();
                hits.dedup();
                let [edge, network, instance, data, detect] = briefs.tally(&hits, r, findings);
                let verdict = |t: Tally<'_>| t.verdict(&briefs.checks, findings);
                Scorecard {
                    region: region.to_string(),
                    instance_id: id.to_string(),
                    kind,
                    name,
                    instance_arn,
                    // Filled in below, from `exposures` itself.
                    paths: Vec::new(),
                    edge: verdict(edge),
                    network: verdict(network),
                    instance: verdict(instance),
                    data: verdict(data),
                    detect: verdict(detect),
                    vulnerabilities: match b {
                        crate::paths::Backend::Instance(_) => vulnerabilities(snap, region, id),
                        crate::paths::Backend::Task(_) => None,
                    },
                }
            })
            .collect();
        out.extend(cards);
    }
    // Both in region order, then instance id order; a backend without a
    // path is a load balancer target, and has no entry.
    let mut paths = exposures.into_by_instance().peekable();
    for card in &mut out {
        while let Some(((r, id), _)) = paths.peek() {
            if (r.as_str(), id.as_str()) >= (card.region.as_str(), card.instance_id.as_str()) {
                break;
            }
            paths.next();
        }
        if let Some(((r, id), _)) = paths.peek()
            && (r == &card.region && id == &card.instance_id)
            && let Some((_, found)) = paths.next()
        {
            card.paths = found.into_iter().map(|e| e.path).collect();
        }
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
    /// The columns that count it: bit `n` is `Layer::ALL[n]`; none for a
    /// check without metadata.
    layers: u8,
    status: Kind,
    /// Filed on a shared resource, with the backends it exposes: found by
    /// backend ARN, so its region does not filter it.
    shared: bool,
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
        layers_of: &(dyn Fn(&str) -> Vec<Layer> + Sync),
        regions: &[&str],
    ) -> Briefs<'f> {
        use rayon::prelude::*;
        let checks: Vec<&str> = findings
            .iter()
            .map(|f| f.check_id.as_str())
            .collect::<BTreeSet<_>>()
            .into_iter()
            .collect();
        let by_id: HashMap<&str, (u16, u8)> = checks
            .iter()
            .enumerate()
            .map(|(n, id)| {
                let n = u16::try_from(n).expect("fewer than 2^16 check ids");
                let layers = layers_of(id)
                    .into_iter()
                    .filter_map(|l| Layer::ALL.iter().position(|x| *x == l))
                    .fold(0u8, |bits, p| bits | 1 << p);
                (*id, (n, layers))
            })
            .collect();
        let briefs = findings
            .par_iter()
            .map(|f| {
                let (check, layers) = by_id[f.check_id.as_str()];
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
                    layers,
                    status,
                    shared: !f.affected.is_empty(),
                }
            })
            .collect();
        Briefs { checks, briefs }
    }

    /// The five layers' tallies of the findings `hits` (indexes into
    /// `findings`, ascending) that are in region `region` (an index) or in
    /// none, or that list the backend among those they expose.
    fn tally(&self, hits: &[u32], region: usize, findings: &'f [Finding]) -> [Tally<'f>; 5] {
        let mut t: [Tally<'f>; 5] = Default::default();
        for &n in hits {
            let b = self.briefs[n as usize];
            if !b.shared && b.region != ANY_REGION && usize::from(b.region) != region {
                continue;
            }
            for (layer, t) in t.iter_mut().enumerate() {
                if b.layers & (1 << layer) == 0 {
                    continue;
                }
                match b.status {
                    Kind::Fail => t.failing.push((b.check, n)),
                    Kind::Pass => t.passing.push((b.check, n)),
                    Kind::NotEvaluated => {
                        t.unknown.push((b.check, n));
                        if let Status::NotEvaluated(why) = &findings[n as usize].status {
                            t.reasons.push(why);
                        }
                    }
                }
            }
        }
        t
    }
}

/// One backend's findings on one layer: (check, finding) pairs, the check
/// an index into [`Briefs::checks`], the finding one into the findings.
#[derive(Default)]
struct Tally<'f> {
    failing: Vec<(u16, u32)>,
    unknown: Vec<(u16, u32)>,
    reasons: Vec<&'f str>,
    passing: Vec<(u16, u32)>,
}

impl Tally<'_> {
    /// Fail beats not evaluated beats pass; nothing at all is not a pass.
    /// The verdict names the checks (sorted) and, for a gap, the
    /// fingerprints of the findings (in the order of `hits`) of the kind
    /// that decided it.
    fn verdict(self, checks: &[&str], findings: &[Finding]) -> LayerVerdict {
        let ids = |v: &[(u16, u32)]| {
            let mut v: Vec<u16> = v.iter().map(|(c, _)| *c).collect();
            v.sort_unstable();
            v.dedup();
            v.into_iter()
                .map(|n| checks[usize::from(n)].to_string())
                .collect()
        };
        let fingerprints = |v: &[(u16, u32)]| {
            v.iter()
                .map(|(_, n)| findings[*n as usize].fingerprint)
                .collect()
        };
        if !self.failing.is_empty() {
            LayerVerdict::Fail {
                failing: ids(&self.failing),
                findings: fingerprints(&self.failing),
            }
        } else if !self.unknown.is_empty() {
            let mut reasons = self.reasons;
            reasons.sort_unstable();
            reasons.dedup();
            LayerVerdict::NotEvaluated {
                checks: ids(&self.unknown),
                reasons: reasons.into_iter().map(str::to_string).collect(),
                findings: fingerprints(&self.unknown),
            }
        } else if self.passing.is_empty() {
            // No check judged anything on this layer: that is not a pass.
            LayerVerdict::NotEvaluated {
                checks: vec![],
                reasons: vec!["no check applies to this backend on this layer".into()],
                findings: vec![],
            }
        } else {
            LayerVerdict::Pass {
                checks: ids(&self.passing),
            }
        }
    }
}

/// Findings by tokens: the ids and ARNs their resource ARNs carry, or the
/// ARNs of the backends they list. Each backend then looks up its own keys
/// instead of scanning every finding.
///
/// A sorted list, not a hash map: every token becomes a (hash, finding)
/// pair, made on every core, and the pairs are sorted; a lookup jumps
/// through a table of hash prefixes to a run of a few pairs. At 1.36
/// million findings (4 million tokens) a hash map's insertions, each a
/// cache miss on a 160 MB table plus one on the key it compared against,
/// took 0.75 s on two cores, and this a third of that in 100 MB.
///
/// Tokens are compared by hash, not by text: two are taken as equal when
/// both their 64-bit and their 32-bit hash are. The two hashers are seeded
/// at random on each run, so no resource name can be chosen to collide; by
/// chance, a collision among four million tokens has odds of about 2^-53.
struct TokenMap {
    /// Sorted, without repeats.
    entries: Vec<Entry>,
    /// `starts[p]..starts[p + 1]`: the entries whose hash begins with the
    /// `bits`-bit prefix `p`.
    starts: Vec<u32>,
    bits: u32,
    hashers: [foldhash::quality::RandomState; 2],
}

/// 16 bytes: millions of these are sorted.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
struct Entry {
    hash: u64,
    check: u32,
    finding: u32,
}

/// Findings per parallel batch of tokens.
const TOKEN_BATCH: usize = 16 * 1024;

impl TokenMap {
    /// The map of the tokens `tokens` gives each finding (none is fine).
    fn build<'f>(
        findings: &'f [Finding],
        tokens: impl Fn(&'f Finding, &mut dyn FnMut(Cow<'f, str>)) + Sync,
    ) -> TokenMap {
        use rayon::prelude::*;
        let hashers = [
            foldhash::quality::RandomState::default(),
            foldhash::quality::RandomState::default(),
        ];
        let batches: Vec<Vec<Entry>> = findings
            .par_chunks(TOKEN_BATCH)
            .enumerate()
            .map(|(b, batch)| {
                let mut v = Vec::with_capacity(batch.len() * 3);
                for (k, f) in batch.iter().enumerate() {
                    let n = u32::try_from(b * TOKEN_BATCH + k).expect("fewer than 2^32 findings");
                    tokens(f, &mut |t| {
                        let (hash, check) = hash_pair(&hashers, &t);
                        v.push(Entry {
                            hash,
                            check,
                            finding: n,
                        });
                    });
                }
                v
            })
            .collect();
        let mut entries = Vec::with_capacity(batches.iter().map(Vec::len).sum());
        for b in batches {
            entries.extend_from_slice(&b);
        }
        entries.par_sort_unstable();
        // A token an ARN carries twice.
        entries.dedup();
        let bits = entries
            .len()
            .max(2)
            .next_power_of_two()
            .trailing_zeros()
            .min(32);
        let mut starts = vec![0u32; (1 << bits) + 1];
        for e in &entries {
            starts[prefix(e.hash, bits) + 1] += 1;
        }
        for p in 1..starts.len() {
            starts[p] += starts[p - 1];
        }
        TokenMap {
            entries,
            starts,
            bits,
            hashers,
        }
    }

    /// The findings (indexes into the list, ascending) that carry `token`.
    fn get(&self, token: &str) -> impl Iterator<Item = u32> + '_ {
        let key = hash_pair(&self.hashers, token);
        let p = prefix(key.0, self.bits);
        let run = &self.entries[self.starts[p] as usize..self.starts[p + 1] as usize];
        let from = run.partition_point(|e| (e.hash, e.check) < key);
        run[from..]
            .iter()
            .take_while(move |e| (e.hash, e.check) == key)
            .map(|e| e.finding)
    }
}

/// A token's 64-bit hash and a 32-bit check on it.
fn hash_pair(hashers: &[foldhash::quality::RandomState; 2], token: &str) -> (u64, u32) {
    use std::hash::BuildHasher;
    (
        hashers[0].hash_one(token),
        hashers[1].hash_one(token) as u32,
    )
}

/// The top `bits` bits of a hash (1 to 32).
fn prefix(hash: u64, bits: u32) -> usize {
    (hash >> (64 - bits)) as usize
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

/// A backend's Inspector counts, when Inspector scans it (EC2 scanning
/// enabled, coverage `ACTIVE`) and the counts were collected.
fn vulnerabilities(snap: &Snapshot, region: &str, id: &str) -> Option<VulnerabilityCounts> {
    let i = snap.regions.get(region)?.inspector.as_ref()?;
    let scanned = i.ec2_status.as_deref() == Some("ENABLED")
        && crate::checks::instance::inspector_state::scanned(i.coverage_of(id));
    let counted = snap
        .errors_for(
            crate::checks::instance::inspector_state::COUNTS,
            Some(region),
        )
        .next()
        .is_none();
    (scanned && counted).then(|| {
        i.findings_of(id)
            .map(|v| VulnerabilityCounts {
                critical: v.critical,
                high: v.high,
                medium: v.medium,
                all: v.all,
            })
            .unwrap_or_default()
    })
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
        eni_keys(rix, eni, &mut keys);
    }
    // The default security group of the backend's VPC.
    if let Some(g) = i.vpc_id.as_deref().and_then(|v| rix.default_sg.get(v)) {
        keys.push(Cow::Borrowed(&g.group_id));
    }
    path_keys(index, rix, region, paths, &mut keys);
    keys
}

/// An interface's keys: its id, its groups, its subnet and the subnet's NACL.
fn eni_keys<'a>(
    rix: &crate::index::RegionIndex<'a>,
    eni: &'a NetworkInterface,
    keys: &mut Vec<Cow<'a, str>>,
) {
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

/// [`related`] for an ECS task: its ids, its interface (groups, subnet,
/// NACL), VPC, task definition and roles, and what its paths pass.
fn related_task<'a>(
    index: &'a Index<'_>,
    region: &str,
    t: &'a EcsTask,
    paths: &'a [crate::paths::Exposure],
) -> Vec<Cow<'a, str>> {
    let rix = &index.regions[region];
    let mut keys: Vec<Cow<'a, str>> = vec![
        Cow::Borrowed(t.task_arn.as_str()),
        Cow::Borrowed(t.task_id()),
        Cow::Owned(format!(":{region}:{}:*", index.snapshot.account_id)),
        Cow::Owned(format!(":{region}::*")),
    ];
    if let Some(d) = &t.task_definition_arn {
        keys.push(Cow::Borrowed(d));
    }
    if let Some(eni) = t
        .network_interface_id
        .as_deref()
        .and_then(|e| rix.enis.get(e))
    {
        eni_keys(rix, eni, &mut keys);
        if let Some(v) = &eni.vpc_id {
            keys.push(Cow::Borrowed(v));
            if let Some(g) = rix.default_sg.get(v.as_str()) {
                keys.push(Cow::Borrowed(&g.group_id));
            }
        }
    }
    path_keys(index, rix, region, paths, &mut keys);
    keys
}

/// The keys of what a backend's paths pass through (stages, their web
/// ACLs, load balancers, target groups, links).
fn path_keys<'a>(
    index: &'a Index<'_>,
    rix: &'a crate::index::RegionIndex<'a>,
    region: &str,
    paths: &'a [crate::paths::Exposure],
    keys: &mut Vec<Cow<'a, str>>,
) {
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
                "internet" | "instance" | "task" => {}
                _ => keys.push(Cow::Borrowed(&hop.id)),
            }
        }
    }
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

    /// A fixture's fingerprint, named by a word.
    fn fp(label: &str) -> Fingerprint {
        fingerprint(label, "", None)
    }

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
            affected: vec![],
            fingerprint: fp(&format!("{id}@{arn}")),
            suppressed: None,
            baseline: None,
        }
    }

    /// The verdict of one layer of findings, through the briefs, as a
    /// backend in us-east-1 sees them.
    fn verdict(findings: &[Finding]) -> LayerVerdict {
        let layers_of = |_: &str| vec![Layer::Network];
        let briefs = Briefs::of(findings, &layers_of, &["eu-west-1", "us-east-1"]);
        let hits: Vec<u32> = (0..findings.len() as u32).collect();
        let [_, network, ..] = briefs.tally(&hits, 1, findings);
        network.verdict(&briefs.checks, findings)
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
                failing: vec!["C".into()],
                findings: vec![fp("C@x")],
            }
        );
        assert_eq!(
            verdict(&[p.clone(), n.clone(), n]),
            LayerVerdict::NotEvaluated {
                checks: vec!["B".into()],
                reasons: vec!["why".into()],
                findings: vec![fp("B@x"), fp("B@x")],
            }
        );
        assert_eq!(
            verdict(&[f("Z", "y", Status::Pass), p]),
            LayerVerdict::Pass {
                checks: vec!["A".into(), "Z".into()],
            }
        );
        assert_eq!(verdict(&[]).as_str(), "not-evaluated");
        assert!(verdict(&[]).findings().is_empty());
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
                checks: vec!["C".into()],
            }
        );
        let mut regionless = f("D", "x", Status::Fail);
        regionless.region = None;
        assert_eq!(verdict(&[elsewhere, regionless]).as_str(), "fail");
    }

    /// The paths move into the cards: each card gets exactly its backend's
    /// paths, whichever backends before or after it have none.
    #[test]
    fn each_card_carries_its_own_backends_paths() {
        use crate::checks::network::fixtures::*;
        let mut s = demo();
        // Load balancer targets that no path reaches (their group admits
        // nothing), sorting before and after the backends with paths.
        let r = s.regions.get_mut("us-east-1").expect("the demo region");
        r.ec2
            .security_groups
            .push(sg("sg-none", "vpc-h", vec![], vec![]));
        for id in ["i-0", "i-z"] {
            let e = eni(
                &format!("eni-{id}"),
                "subnet-happ",
                "vpc-h",
                "10.10.10.99",
                None,
                &["sg-none"],
                id,
            );
            add_target_instance(r, TG_H, id, e);
        }
        // A second region that sorts before the first: the walk must go by
        // region first.
        let other = s.regions["us-east-1"].clone();
        s.regions.insert("eu-west-1".into(), other);
        let index = Index::new(&s);
        let exposures = Exposures::compute(&index);
        let want: Vec<(String, String, Vec<ExposurePath>)> = index
            .regions
            .iter()
            .flat_map(|(r, rix)| {
                let exposures = &exposures;
                rix.instances.keys().map(move |id| {
                    let paths = exposures.for_instance(r, id);
                    (
                        r.to_string(),
                        id.to_string(),
                        paths.iter().map(|e| e.path.clone()).collect(),
                    )
                })
            })
            .collect();
        let report = crate::evaluate(&s, &crate::Selection::default());
        assert!(
            report.scorecards.len() >= 4,
            "{:?}",
            report.scorecards.len()
        );
        let mut with = 0;
        let mut without = 0;
        for c in &report.scorecards {
            let (_, _, paths) = want
                .iter()
                .find(|(r, id, _)| *r == c.region && *id == c.instance_id)
                .expect("a card for an instance");
            assert_eq!(&c.paths, paths, "{} {}", c.region, c.instance_id);
            if paths.is_empty() {
                without += 1;
            } else {
                with += 1;
            }
        }
        assert!(with >= 2, "{with} cards with paths");
        assert!(without >= 2, "{without} cards without");
    }

    /// The detect column (issue 16 part 5): the region's DET verdicts,
    /// filed on region-scope resources (`trail/*`, `detector/*`), count for
    /// every backend of the region; NET-013, filed on the VPC, counts in the
    /// network column and, by its metadata's `also_scored_in`, in detect.
    #[test]
    fn the_detect_column_holds_the_regions_verdicts_and_the_vpcs_flow_logs() {
        use crate::checks::network::fixtures::*;
        let watched = crate::checks::detect::fixtures::watched();
        let mut s = demo();
        let r = s.regions.get_mut("us-east-1").expect("the demo region");
        r.cloudtrail = watched.regions["us-east-1"].cloudtrail.clone();
        r.guardduty = watched.regions["us-east-1"].guardduty.clone();
        let report = crate::evaluate(&s, &crate::Selection::default());
        let hardened = card(&report.scorecards, "i-h1");
        assert_eq!(
            hardened.detect,
            LayerVerdict::Pass {
                checks: ["DET-001", "DET-002", "DET-003", "NET-013"]
                    .map(String::from)
                    .to_vec(),
            }
        );
        let legacy = card(&report.scorecards, "i-l1");
        let LayerVerdict::Fail { failing, .. } = &legacy.detect else {
            panic!("{:?}", legacy.detect)
        };
        assert_eq!(failing, &["NET-013".to_string()]);
        let LayerVerdict::Fail { failing, .. } = &legacy.network else {
            panic!("{:?}", legacy.network)
        };
        assert!(failing.contains(&"NET-013".to_string()), "{failing:?}");

        // No detector in the region: every backend's detect column fails.
        let r = s.regions.get_mut("us-east-1").expect("the demo region");
        r.guardduty = Some(GuardDutyInventory::default());
        let report = crate::evaluate(&s, &crate::Selection::default());
        let LayerVerdict::Fail { failing, .. } = &card(&report.scorecards, "i-h1").detect else {
            panic!()
        };
        assert_eq!(failing, &["DET-002".to_string(), "DET-003".to_string()]);
        // Not collected: not evaluated, never a pass.
        let r = s.regions.get_mut("us-east-1").expect("the demo region");
        r.guardduty = watched.regions["us-east-1"].guardduty.clone();
        r.cloudtrail = None;
        let report = crate::evaluate(&s, &crate::Selection::default());
        assert_eq!(
            card(&report.scorecards, "i-h1").detect.as_str(),
            "not-evaluated"
        );
    }

    /// The demo account plus two more targets of the legacy load balancer
    /// on the legacy security group: three backends, `i-l1`, `i-l2` and
    /// `i-l3`, that all carry `sg-lweb`.
    fn three_backends_on_one_group() -> Snapshot {
        use crate::checks::network::fixtures::*;
        let mut s = demo();
        let r = s.regions.get_mut("us-east-1").expect("the demo region");
        for (id, ip) in [("i-l2", "10.20.0.11"), ("i-l3", "10.20.0.12")] {
            let e = eni(
                &format!("eni-{id}"),
                "subnet-lpub",
                "vpc-l",
                ip,
                None,
                &["sg-lweb"],
                id,
            );
            add_target_instance(r, TG_L, id, e);
        }
        s
    }

    fn layer_by_prefix(id: &str) -> Vec<Layer> {
        Layer::ALL
            .into_iter()
            .filter(|l| id.starts_with(&format!("{}-", l.id_prefix())))
            .collect()
    }

    fn cards_for(s: &Snapshot, findings: &[Finding]) -> Vec<Scorecard> {
        let index = Index::new(s);
        let exposures = Exposures::compute(&index);
        scorecards(&index, exposures, findings, &layer_by_prefix)
    }

    fn card<'c>(cards: &'c [Scorecard], id: &str) -> &'c Scorecard {
        cards
            .iter()
            .find(|c| c.instance_id == id)
            .unwrap_or_else(|| panic!("no card for {id}"))
    }

    const ACCOUNT_ARN: &str = "arn:aws:ec2:us-east-1:123456789012";

    fn instance_arn(id: &str) -> String {
        format!("{ACCOUNT_ARN}:instance/{id}")
    }

    /// Issue 13 item 19: a finding filed on the security group lists the
    /// backends it exposes, and counts for exactly those; `i-l3` carries
    /// the same group but is not listed, so the finding is not its own.
    #[test]
    fn a_shared_finding_counts_for_exactly_the_backends_it_lists() {
        let s = three_backends_on_one_group();
        let mut sg = f(
            "NET-004",
            &format!("{ACCOUNT_ARN}:security-group/sg-lweb"),
            Status::Fail,
        );
        sg.fingerprint = fp("fp-sg");
        sg.affected = vec![instance_arn("i-l1").into(), instance_arn("i-l2").into()];
        let cards = cards_for(&s, &[sg]);
        for id in ["i-l1", "i-l2"] {
            assert_eq!(
                card(&cards, id).network,
                LayerVerdict::Fail {
                    failing: vec!["NET-004".into()],
                    findings: vec![fp("fp-sg")],
                },
                "{id}"
            );
        }
        assert_eq!(
            card(&cards, "i-l3").network.as_str(),
            "not-evaluated",
            "the group is i-l3's too, but the finding does not list it"
        );
    }

    /// A finding without `affected` keeps the token linking: filed on the
    /// group, it counts for every backend that carries the group.
    #[test]
    fn a_finding_without_affected_counts_for_every_backend_it_names() {
        let s = three_backends_on_one_group();
        let mut sg = f(
            "NET-005",
            &format!("{ACCOUNT_ARN}:security-group/sg-lweb"),
            Status::Fail,
        );
        sg.fingerprint = fp("fp-ssh");
        let cards = cards_for(&s, &[sg]);
        for id in ["i-l1", "i-l2", "i-l3"] {
            assert_eq!(card(&cards, id).network.findings(), [fp("fp-ssh")], "{id}");
        }
    }

    /// A role is global (no region): its finding counts for the instances
    /// it lists, whatever their region, and for no other.
    #[test]
    fn a_role_finding_counts_for_the_instances_it_lists() {
        let s = three_backends_on_one_group();
        let mut role = f(
            "INST-003",
            "arn:aws:iam::123456789012:role/app",
            Status::Fail,
        );
        role.region = None;
        role.fingerprint = fp("fp-role");
        role.affected = vec![instance_arn("i-l3").into()];
        let mut passing = f("INST-001", &instance_arn("i-l3"), Status::Pass);
        passing.fingerprint = fp("fp-imds");
        let cards = cards_for(&s, &[role, passing]);
        assert_eq!(
            card(&cards, "i-l3").instance,
            LayerVerdict::Fail {
                failing: vec!["INST-003".into()],
                findings: vec![fp("fp-role")],
            }
        );
        for id in ["i-l1", "i-l2", "i-h1"] {
            assert_eq!(card(&cards, id).instance.as_str(), "not-evaluated", "{id}");
        }
    }

    /// On a whole evaluation, every gap's fingerprints name findings of the
    /// report, of the verdict's own kind and of the checks it names.
    #[test]
    fn every_verdict_links_to_its_own_findings() {
        let report = crate::evaluate(&three_backends_on_one_group(), &crate::Selection::default());
        let by_fp: std::collections::HashMap<Fingerprint, &Finding> =
            report.findings.iter().map(|f| (f.fingerprint, f)).collect();
        let mut linked = 0;
        for c in &report.scorecards {
            for layer in Layer::ALL {
                let v = c.layer(layer);
                let (checks, kind) = match v {
                    LayerVerdict::Pass { .. } => {
                        assert!(v.findings().is_empty());
                        continue;
                    }
                    LayerVerdict::Fail { failing, .. } => (failing, "fail"),
                    LayerVerdict::NotEvaluated { checks, .. } => (checks, "not-evaluated"),
                };
                let mut named: Vec<&str> = Vec::new();
                for fp in v.findings() {
                    let f = by_fp[fp];
                    assert_eq!(f.status.as_str(), kind, "{} {layer}: {fp}", c.instance_id);
                    named.push(&f.check_id);
                    linked += 1;
                }
                named.sort_unstable();
                named.dedup();
                assert_eq!(named, *checks, "{} {layer}", c.instance_id);
            }
        }
        assert!(linked > 20, "{linked}");
    }

    /// Every token a finding carries finds it, and no other finding comes
    /// with it.
    #[test]
    fn the_token_map_finds_every_token_and_nothing_else() {
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
        let map = TokenMap::build(&findings, |f, token| each_token(&f.resource_arn, token));
        for (n, f) in findings.iter().enumerate() {
            for t in tokens(&f.resource_arn) {
                let want: Vec<u32> = findings
                    .iter()
                    .enumerate()
                    .filter(|(_, g)| tokens(&g.resource_arn).contains(&t))
                    .map(|(m, _)| m as u32)
                    .collect();
                let got: Vec<u32> = map.get(&t).collect();
                assert_eq!(got, want, "token {t} of finding {n}");
            }
        }
        assert_eq!(map.get("i-3").count(), 0);
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
