//! Exposure paths: for every instance, every way the internet reaches it,
//! hop by hop, with the protocol and ports that get through.
//!
//! Three kinds (DESIGN.md, "Exposure paths"; docs/model.md states every
//! rule with the AWS page behind it):
//! - **direct**: a public IPv4/EIP or global IPv6 on one of the instance's
//!   ENIs, an internet gateway the replies are routed to, security groups
//!   and a NACL that admit the traffic;
//! - **load balancer**: an internet-facing NLB/ALB reachable from the
//!   internet (over IPv4, or IPv6 when dual-stack), listener -> target
//!   group -> target -> instance, where a target may itself be an ALB
//!   behind an NLB, and targets see the client's address or the load
//!   balancer's as client IP preservation decides;
//! - **gateway**: a public API Gateway stage (REST, HTTP or WebSocket) ->
//!   method/route -> integration -> VPC link (or public URL) -> load
//!   balancer -> ... -> instance;
//! - **cloudfront**: a CloudFront distribution -> its origin (an
//!   internet-facing load balancer, or an API Gateway endpoint and the
//!   gateway path on from it) -> ... -> instance ([`cloudfront`]). For the
//!   other kinds CloudFront's origin-facing prefix lists admit nobody: its
//!   servers are reached through a distribution, not by internet clients.
//!
//! Traffic is traced as a set of sources ([`flow::Flow`]) that every hop
//! narrows, per protocol and port, so a path exists only when one source
//! gets through every hop and its reply gets back.
//!
//! A path whose existence depends on data that was not collected, or on an
//! appliance whose rules are not read (a Gateway Load Balancer endpoint in
//! the route), is kept with `uncertain` set to the reason: it is neither
//! dropped (a false "not exposed") nor asserted. A target that cannot be
//! resolved to an instance is an [`Unresolved`] entry, not silence. What
//! the code read is recorded ([`inputs`]) so the checks know which failed
//! collections make a region's paths incomplete.

mod api;
mod cloudfront;
mod cloudmap;
mod flow;
pub mod inputs;
mod lb;

use std::collections::{BTreeMap, HashMap};
use std::net::IpAddr;
use std::sync::{Arc, Mutex};

use rampart_model::*;

use crate::index::{Index, RegionIndex};
use crate::reach::ip::{AddrSet, Family, parse_cidr, public_of};
use crate::reach::ports::Protocol;
use crate::reach::{PrefixLists, Sources, prefix_list_resolver, prefix_list_resolver_for, route};

use self::flow::Flow;
use self::inputs::Reads;
pub use self::inputs::{Input, ReadSet};
pub(crate) use self::lb::client_ip_preserved;

/// An exposure path plus whether every link of it is known.
#[derive(Debug, Clone, PartialEq)]
pub struct Exposure {
    pub region: String,
    pub instance_id: String,
    pub path: ExposurePath,
    /// `None` when every hop was established from collected data; else why
    /// the path may exist.
    pub uncertain: Option<String>,
}

/// A way in that ends somewhere the snapshot cannot name: a load balancer
/// target that resolves to no instance (an `ip` target outside the VPC or
/// on no known interface, a target of an uncollected kind), or an API
/// integration whose backend is unknown (a stage variable the stage does
/// not define). Checks that judge the load balancer, the stage or the
/// backends behind it report *not evaluated* for it.
#[derive(Debug, Clone, PartialEq)]
pub struct Unresolved {
    pub region: String,
    /// The ARN of the resource the unknown hangs off: a target group, or
    /// the API stage whose integration is unknown.
    pub resource_arn: String,
    /// The load balancers in front of it (ARNs), if any.
    pub load_balancers: Vec<String>,
    /// The hops up to (and including) the unknown one.
    pub path: ExposurePath,
    pub reason: String,
}

/// All exposure paths of a snapshot, by region, then instance id. Two
/// levels rather than one `(region, instance)` key: every check asks for
/// one backend's paths, and a tuple of `String`s can only be looked up
/// with a tuple of new `String`s (two allocations per lookup, millions of
/// lookups at a million resources).
#[derive(Debug, Default, Clone)]
pub struct Exposures {
    by_region: BTreeMap<String, RegionPaths>,
    unresolved: Vec<Unresolved>,
    /// Per region, why its paths may be incomplete (a list the path code
    /// walks whole was not collected), if they may.
    gaps: BTreeMap<String, String>,
    reads: BTreeMap<String, ReadSet>,
}

/// One region's paths by instance id: found by hash, listed in id order.
/// Every backend-scoped check looks each backend's paths up (millions of
/// lookups at a million resources), and a tree search compared some 17
/// ids that share a long prefix (`i-0000...`) per lookup.
#[derive(Debug, Default, Clone)]
struct RegionPaths {
    by_id: foldhash::HashMap<String, Vec<Exposure>>,
    /// `by_id`'s keys, sorted.
    ids: Vec<String>,
}

impl RegionPaths {
    fn push(&mut self, e: Exposure) {
        match self.by_id.get_mut(&e.instance_id) {
            Some(paths) => paths.push(e),
            None => {
                let at = self
                    .ids
                    .binary_search(&e.instance_id)
                    .unwrap_or_else(|at| at);
                self.ids.insert(at, e.instance_id.clone());
                self.by_id.insert(e.instance_id.clone(), vec![e]);
            }
        }
    }

    fn get(&self, id: &str) -> Option<&Vec<Exposure>> {
        self.by_id.get(id)
    }

    /// (id, paths) in id order.
    fn iter(&self) -> impl Iterator<Item = (&str, &[Exposure])> {
        self.ids.iter().map(|id| {
            (
                id.as_str(),
                self.by_id.get(id).map_or(&[][..], Vec::as_slice),
            )
        })
    }
}

impl Exposures {
    pub fn compute(index: &Index<'_>) -> Exposures {
        let mut out = Exposures::default();
        let cf_entries = cloudfront::entries(index);
        for (region, rix) in &index.regions {
            let Some(inv) = index.snapshot.regions.get(*region) else {
                continue;
            };
            let resolve = prefix_list_resolver(
                &inv.ec2.managed_prefix_lists,
                &index.snapshot.collection_errors,
                region,
            );
            let cx = RegionCx::new(
                region,
                rix,
                inv,
                &resolve,
                &index.snapshot.collection_errors,
            );
            // Every instance, load balancer and API is traced on its own
            // from shared, read-only data: on every core, then gathered in
            // the same order as one loop over them would produce.
            use rayon::prelude::*;
            cx.reads.enumerate(Input::Instances);
            cx.reads.enumerate(Input::LoadBalancers);
            // Whether an instance is a backend (a target of some group) walks
            // every target group.
            cx.reads.enumerate(Input::TargetGroups);
            cx.reads.enumerate(Input::RestApis);
            cx.reads.enumerate(Input::Apis);
            let direct = inv
                .ec2
                .instances
                .par_iter()
                .filter(|i| is_live(i))
                .flat_map_iter(|i| cx.direct(i));
            // Every running task of every cluster: a task with a public
            // address is reached directly, whatever fronts it.
            cx.reads.enumerate(Input::Clusters);
            cx.reads.enumerate(Input::Tasks);
            cx.reads.enumerate(Input::TaskDetails);
            let tasks: Vec<&EcsTask> = inv
                .ecs
                .iter()
                .flat_map(EcsInventory::tasks)
                .filter(|t| t.is_live())
                .collect();
            let direct_tasks = tasks.par_iter().flat_map_iter(|t| cx.direct_task(t));
            let through_lbs = inv.elbv2.load_balancers.par_iter().flat_map_iter(|lb| {
                cx.through_internet(lb, None, Vec::new(), PathKind::LoadBalancer)
            });
            let rest = inv
                .apigateway
                .rest_apis
                .par_iter()
                .flat_map_iter(|api| cx.rest_api(api));
            let v2 = inv
                .apigatewayv2
                .apis
                .par_iter()
                .flat_map_iter(|api| cx.v2_api(api));
            let mut found: Vec<Exposure> = direct
                .chain(direct_tasks)
                .chain(through_lbs)
                .chain(rest)
                .chain(v2)
                .collect();
            if !cf_entries.is_empty() {
                let cf_resolve = prefix_list_resolver_for(
                    &inv.ec2.managed_prefix_lists,
                    &index.snapshot.collection_errors,
                    region,
                    Sources::CloudFront,
                );
                let through_cf = cx.through_cloudfront(&cf_entries, &found, &cf_resolve);
                found.extend(through_cf);
            }
            out.file_region(region, found);
            let reads = cx.reads.done();
            let mut gaps: Vec<String> = reads
                .enumerated()
                .filter_map(|input| cx.region_error(input.operation()))
                .collect();
            // Found on every core, so in no fixed order: sorted, so the
            // message is the same on every run.
            let mut traced = cx.gaps.into_inner().unwrap_or_else(|e| e.into_inner());
            traced.sort_unstable();
            gaps.extend(traced);
            gaps.dedup();
            if !gaps.is_empty() {
                out.gaps.insert(region.to_string(), gaps.join("; "));
            }
            out.reads.insert(region.to_string(), reads);
            let mut unresolved = cx
                .unresolved
                .into_inner()
                .unwrap_or_else(|e| e.into_inner());
            for u in &mut unresolved {
                u.region = region.to_string();
            }
            out.unresolved.extend(unresolved);
        }
        use rayon::prelude::*;
        out.by_region
            .values_mut()
            .flat_map(|r| r.by_id.values_mut())
            .collect::<Vec<_>>()
            .into_par_iter()
            .for_each(|paths| {
                // A path found both certainly and uncertainly (through two
                // load balancer nodes, say) is certain.
                paths.sort_by(|a, b| {
                    (&a.path, a.uncertain.is_some()).cmp(&(&b.path, b.uncertain.is_some()))
                });
                paths.dedup_by(|a, b| a.path == b.path);
            });
        out.unresolved.sort_by(|a, b| {
            (&a.region, &a.resource_arn, &a.path).cmp(&(&b.region, &b.resource_arn, &b.path))
        });
        out.unresolved.dedup_by(|a, b| {
            a.region == b.region && a.resource_arn == b.resource_arn && a.path == b.path
        });
        out
    }

    /// Files a region's paths under their instances, each instance's in
    /// the order found, as [`Exposures::add`] does for each: the region
    /// set on every core, and the ids sorted once at the end rather than
    /// kept sorted path by path.
    fn file_region(&mut self, region: &str, mut found: Vec<Exposure>) {
        use rayon::prelude::*;
        if found.is_empty() {
            return;
        }
        found
            .par_iter_mut()
            .for_each(|e| e.region = region.to_string());
        let paths = self.by_region.entry(region.to_string()).or_default();
        for e in found {
            match paths.by_id.get_mut(&e.instance_id) {
                Some(v) => v.push(e),
                None => {
                    paths.ids.push(e.instance_id.clone());
                    paths.by_id.insert(e.instance_id.clone(), vec![e]);
                }
            }
        }
        paths.ids.par_sort_unstable();
        paths.ids.dedup();
    }

    /// Files `e` under its region and instance (in the order added).
    pub fn add(&mut self, e: Exposure) {
        self.by_region.entry(e.region.clone()).or_default().push(e);
    }

    /// Whether instance `id` in `region` is a backend (DESIGN.md): the
    /// internet reaches it by some path, or it is a load balancer target.
    pub fn is_backend(&self, rix: Option<&RegionIndex<'_>>, region: &str, id: &str) -> bool {
        !self.for_instance(region, id).is_empty() || rix.is_some_and(|r| r.is_lb_target(id))
    }

    pub fn for_instance(&self, region: &str, instance_id: &str) -> &[Exposure] {
        self.by_region
            .get(region)
            .and_then(|m| m.get(instance_id))
            .map_or(&[], Vec::as_slice)
    }

    /// Each backend with paths in `region`, by instance id, with its paths.
    pub fn in_region<'a>(
        &'a self,
        region: &str,
    ) -> impl Iterator<Item = (&'a str, &'a [Exposure])> + 'a {
        self.by_region
            .get(region)
            .into_iter()
            .flat_map(RegionPaths::iter)
    }

    /// Every backend's paths, by region, then instance id.
    pub fn into_by_instance(self) -> impl Iterator<Item = ((String, String), Vec<Exposure>)> {
        self.by_region.into_iter().flat_map(|(region, mut paths)| {
            std::mem::take(&mut paths.ids).into_iter().map(move |id| {
                let found = paths.by_id.remove(&id).unwrap_or_default();
                ((region.clone(), id), found)
            })
        })
    }

    /// Every path, by region, then instance id, then path.
    pub fn all(&self) -> impl Iterator<Item = &Exposure> {
        self.by_region
            .values()
            .flat_map(RegionPaths::iter)
            .flat_map(|(_, paths)| paths)
    }

    /// Ways in that end at something unknown, by region and resource.
    pub fn unresolved(&self) -> &[Unresolved] {
        &self.unresolved
    }

    /// The unresolved ways in within `region`.
    pub fn unresolved_in<'a>(&'a self, region: &'a str) -> impl Iterator<Item = &'a Unresolved> {
        self.unresolved.iter().filter(move |u| u.region == region)
    }

    /// Why `region`'s paths may be incomplete (a list they walk whole was
    /// not collected), if they may: then any instance there may have a
    /// path nobody can see.
    pub fn gap(&self, region: &str) -> Option<&str> {
        self.gaps.get(region).map(String::as_str)
    }

    /// The operations whose data `region`'s paths read.
    pub fn inputs(&self, region: &str) -> Vec<&'static str> {
        self.reads
            .get(region)
            .map(|r| r.all().map(Input::operation).collect())
            .unwrap_or_default()
    }
}

/// An instance that exists: not terminated or shutting down. A stopped
/// instance keeps its addresses and registrations: it is exposed the
/// moment it starts, so it is judged like a running one.
pub fn is_live(i: &Instance) -> bool {
    !matches!(i.state.as_deref(), Some("terminated" | "shutting-down"))
}

fn is_stopped(i: &Instance) -> bool {
    matches!(i.state.as_deref(), Some("stopped" | "stopping"))
}

pub(crate) fn hop(kind: &str, id: &str, label: impl Into<String>) -> Hop {
    Hop {
        kind: kind.into(),
        id: id.into(),
        label: label.into(),
        gaps: vec![],
    }
}

fn instance_hop(i: &Instance) -> Hop {
    let mut h = hop("instance", &i.instance_id, i.instance_id.clone());
    if is_stopped(i) {
        h.gaps.push("stopped".into());
    }
    h
}

/// Where a path ends: the compute behind it (DESIGN.md, "backends"). An
/// ECS task in `awsvpc` mode has its own interface, reached and judged as
/// an instance's is
/// (<https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task-networking-awsvpc.html>).
#[derive(Debug, Clone, Copy)]
pub(crate) enum Backend<'s> {
    Instance(&'s Instance),
    Task(&'s EcsTask),
}

impl<'s> From<&'s Instance> for Backend<'s> {
    fn from(i: &'s Instance) -> Self {
        Backend::Instance(i)
    }
}

impl<'s> From<&'s EcsTask> for Backend<'s> {
    fn from(t: &'s EcsTask) -> Self {
        Backend::Task(t)
    }
}

impl<'s> Backend<'s> {
    /// The id paths and scorecards file it under: the instance id, or the
    /// task's [`EcsTask::backend_id`].
    pub(crate) fn id(&self) -> &'s str {
        match self {
            Backend::Instance(i) => &i.instance_id,
            Backend::Task(t) => t.backend_id(),
        }
    }

    fn hop(&self) -> Hop {
        match self {
            Backend::Instance(i) => instance_hop(i),
            Backend::Task(t) => task_hop(t),
        }
    }

    fn vpc(&self, rix: &RegionIndex<'s>) -> Option<&'s str> {
        match self {
            Backend::Instance(i) => i.vpc_id.as_deref(),
            Backend::Task(t) => t
                .network_interface_id
                .as_deref()
                .and_then(|e| rix.enis.get(e))
                .and_then(|e| e.vpc_id.as_deref()),
        }
    }
}

/// `task CLUSTER/ID (service NAME)`.
pub(crate) fn task_hop(t: &EcsTask) -> Hop {
    let label = match t.service_name() {
        Some(s) => format!("task {} (service {s})", t.backend_id()),
        None => format!("task {}", t.backend_id()),
    };
    hop("task", t.backend_id(), label)
}

struct RegionCx<'a, 's> {
    region: &'a str,
    rix: &'a RegionIndex<'s>,
    inv: &'s RegionInventory,
    resolve: &'a PrefixLists<'a>,
    errors: &'s [CollectionError],
    reads: Reads,
    unresolved: Mutex<Vec<Unresolved>>,
    gaps: Mutex<Vec<String>>,
    /// Traversals that many ways in share (every method and stage of the
    /// APIs behind one VPC link reaches the same load balancer listener),
    /// traced once: see [`RegionCx::traced`].
    memo: Mutex<HashMap<String, Arc<Traced>>>,
    /// The region's custom domains, merged once when an API needs them.
    domains: std::sync::OnceLock<crate::domains::Domains<'s>>,
    /// Who may send from the internet: `None` for any internet client;
    /// CloudFront's addresses when tracing a distribution's origin
    /// ([`cloudfront`]).
    senders: Option<AddrSet>,
}

/// What one traversal found with no hops before it, and what tracing it
/// recorded on the way, to be replayed for every caller.
struct Traced {
    found: Vec<Exposure>,
    unresolved: Vec<Unresolved>,
    gaps: Vec<String>,
    reads: ReadSet,
}

/// `prefix` followed by `hops`.
fn prefixed(prefix: &[Hop], hops: &[Hop]) -> Vec<Hop> {
    let mut h = Vec::with_capacity(prefix.len() + hops.len());
    h.extend_from_slice(prefix);
    h.extend_from_slice(hops);
    h
}

/// How the internet gets into a subnet: the sources whose traffic and
/// replies the routes carry, and the hops on the way.
struct Entry {
    flow: Flow,
    /// The internet gateway the traffic enters by.
    gateway: Hop,
    /// Inspection endpoints or appliances on the way, if any.
    inspection: Vec<Hop>,
}

/// The transports of the protocols AWS names on listeners and target
/// groups (<https://docs.aws.amazon.com/elasticloadbalancing/latest/network/load-balancer-listeners.html>):
/// QUIC runs over UDP; HTTP(S) and TLS over TCP.
pub(crate) fn transports(protocol: Option<&str>) -> &'static [Transport] {
    match protocol.map(str::to_ascii_uppercase).as_deref() {
        Some("UDP" | "QUIC") => &[Transport::Udp],
        Some("TCP_UDP" | "TCP_QUIC") => &[Transport::Tcp, Transport::Udp],
        Some("GENEVE") => &[],
        _ => &[Transport::Tcp],
    }
}

pub(crate) fn proto_of(t: Transport) -> Protocol {
    match t {
        Transport::Tcp => Protocol::Tcp,
        Transport::Udp => Protocol::Udp,
    }
}

impl<'a, 's> RegionCx<'a, 's> {
    /// A context with nothing traced or recorded yet.
    fn new(
        region: &'a str,
        rix: &'a RegionIndex<'s>,
        inv: &'s RegionInventory,
        resolve: &'a PrefixLists<'a>,
        errors: &'s [CollectionError],
    ) -> Self {
        RegionCx {
            region,
            rix,
            inv,
            resolve,
            errors,
            reads: Reads::default(),
            unresolved: Mutex::new(Vec::new()),
            gaps: Mutex::new(Vec::new()),
            memo: Mutex::default(),
            domains: std::sync::OnceLock::new(),
            senders: None,
        }
    }

    /// The certificate a TLS hop presents (`arn`, its first), for its
    /// label (the path view shows it on each TLS hop, issue 15 item 6):
    /// `cert DOMAIN until DATE` as ACM described it, else its id.
    fn cert_note(&self, arn: Option<&String>) -> Option<String> {
        let arn = arn?;
        let id = arn.rsplit('/').next().unwrap_or(arn);
        Some(
            match self.inv.acm.as_ref().and_then(|a| a.certificate(arn)) {
                Some(c) => format!(
                    "cert {} until {}",
                    c.domain_name.as_deref().unwrap_or(id),
                    c.not_after
                        .map_or_else(|| "?".to_string(), |t| t.date().to_string())
                ),
                None => format!("cert {id}"),
            },
        )
    }

    /// The region's custom domains (v1 and v2 merged by name).
    fn domains(&self) -> &crate::domains::Domains<'s> {
        self.domains.get_or_init(|| {
            crate::domains::Domains::with_errors(self.errors, self.region, self.inv)
        })
    }

    /// Why `input` is missing for `resource`: `what`, with the failed
    /// operation when the snapshot recorded one (for this resource, else
    /// for the region).
    fn missing(&self, input: Input, resource: Option<&str>, what: impl Into<String>) -> String {
        let what = what.into();
        let op = input.operation();
        let here =
            |e: &&CollectionError| e.operation == op && e.region.as_deref() == Some(self.region);
        if let Some(e) = resource.and_then(|r| {
            self.errors
                .iter()
                .filter(here)
                .find(|e| e.resource.as_deref() == Some(r))
        }) {
            return format!("{what} ({op} failed: {}: {})", e.kind.as_str(), e.message);
        }
        match self.errors.iter().find(here) {
            Some(e) => format!(
                "{what} ({op} was not collected ({}: {}))",
                e.kind.as_str(),
                e.message
            ),
            None => what,
        }
    }

    /// "OP was not collected (kind: message)" for the first error of `op`
    /// in this region, as the checks word a gap.
    fn region_error(&self, op: &str) -> Option<String> {
        self.errors
            .iter()
            .find(|e| e.operation == op && e.region.as_deref() == Some(self.region))
            .map(|e| {
                format!(
                    "{op} was not collected ({}: {})",
                    e.kind.as_str(),
                    e.message
                )
            })
    }

    /// The paths `trace` finds from a start that does not depend on the
    /// hops before it (`key` names that start), after `prefix`. Traced once
    /// per key and replayed: the paths, the unresolved targets and the
    /// gaps come out as if `trace` had run with `prefix` every time, and
    /// what it read is recorded each time. (Two threads may trace one key
    /// at once; both get the same answer.)
    fn traced(
        &self,
        key: String,
        prefix: &[Hop],
        trace: impl FnOnce(&RegionCx<'a, 's>) -> Vec<Exposure>,
    ) -> Vec<Exposure> {
        let lock = || self.memo.lock().unwrap_or_else(|e| e.into_inner());
        let hit = lock().get(&key).cloned();
        let t = match hit {
            Some(t) => t,
            None => {
                let mut child =
                    RegionCx::new(self.region, self.rix, self.inv, self.resolve, self.errors);
                child.senders = self.senders.clone();
                let found = trace(&child);
                let t = Arc::new(Traced {
                    found,
                    reads: child.reads.done(),
                    unresolved: child
                        .unresolved
                        .into_inner()
                        .unwrap_or_else(|e| e.into_inner()),
                    gaps: child.gaps.into_inner().unwrap_or_else(|e| e.into_inner()),
                });
                lock().entry(key).or_insert(t).clone()
            }
        };
        self.reads.merge(t.reads);
        for g in &t.gaps {
            self.gap(g.clone());
        }
        for u in &t.unresolved {
            self.unresolved(Unresolved {
                path: ExposurePath {
                    hops: prefixed(prefix, &u.path.hops),
                    ..u.path.clone()
                },
                ..u.clone()
            });
        }
        t.found
            .iter()
            .map(|e| Exposure {
                region: e.region.clone(),
                instance_id: e.instance_id.clone(),
                path: ExposurePath {
                    kind: e.path.kind,
                    hops: prefixed(prefix, &e.path.hops),
                    ports: e.path.ports.clone(),
                    protocol: e.path.protocol,
                },
                uncertain: e.uncertain.clone(),
            })
            .collect()
    }

    fn unresolved(&self, u: Unresolved) {
        self.unresolved
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push(u);
    }

    fn gap(&self, why: String) {
        self.gaps
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push(why);
    }

    fn subnet(&self, id: &str) -> Option<&'s Subnet> {
        self.reads.look_up(Input::Subnets);
        self.rix.subnets.get(id).copied()
    }

    /// The ingress rules of the union of an ENI's security groups, or why
    /// they are unknown.
    fn eni_ingress(&self, eni: &NetworkInterface) -> Result<Vec<&'s SgRule>, String> {
        self.groups_ingress(&eni.security_group_ids, &eni.network_interface_id)
    }

    /// The egress rules of the union of `groups` (those of `owner`).
    fn groups_egress(
        &self,
        groups: &[CompactString],
        owner: &str,
    ) -> Result<Vec<&'s SgRule>, String> {
        self.groups_rules(groups, owner, |sg| &sg.egress)
    }

    /// The ingress rules of the union of `groups` (those of `owner`, named
    /// in the reason when one is missing).
    fn groups_ingress(
        &self,
        groups: &[CompactString],
        owner: &str,
    ) -> Result<Vec<&'s SgRule>, String> {
        self.groups_rules(groups, owner, |sg| &sg.ingress)
    }

    fn groups_rules(
        &self,
        groups: &[CompactString],
        owner: &str,
        side: impl Fn(&'s SecurityGroup) -> &'s Vec<SgRule>,
    ) -> Result<Vec<&'s SgRule>, String> {
        self.reads.look_up(Input::SecurityGroups);
        let mut rules = Vec::new();
        for g in groups {
            match self.rix.security_groups.get(g.as_str()) {
                Some(sg) => rules.extend(side(sg).iter()),
                None => {
                    return Err(self.missing(
                        Input::SecurityGroups,
                        Some(g),
                        format!("security group {g} of {owner} was not collected"),
                    ));
                }
            }
        }
        Ok(rules)
    }

    fn route_table(&self, subnet: &str, vpc: Option<&str>) -> Option<&'s RouteTable> {
        self.reads.look_up(Input::RouteTables);
        self.rix
            .subnet_route_table
            .get(subnet)
            .copied()
            .or_else(|| vpc.and_then(|v| self.rix.main_route_table.get(v).copied()))
    }

    fn nacl(&self, subnet: &str) -> Option<&'s NetworkAcl> {
        self.reads.look_up(Input::NetworkAcls);
        self.rix.subnet_nacl.get(subnet).copied()
    }

    /// Traffic arriving in `subnet` and its NACL, for `proto`/`port`.
    fn nacl_inbound(&self, subnet: &str, proto: Protocol, port: u16, f: &Flow) -> Flow {
        let acl = self.nacl(subnet);
        let f = flow::nacl_inbound(acl, subnet, self.subnet(subnet), proto, port, f);
        if acl.is_none() {
            // Reword the reason with the failed operation, if any.
            let mut f = f;
            for w in &mut f.why {
                if w == &format!("no network ACL known for {subnet}") {
                    *w = self.missing(Input::NetworkAcls, None, w.clone());
                }
            }
            return f;
        }
        f
    }

    /// How replies to internet sources leave `subnet` of `vpc`, and how
    /// the internet's traffic gets in through the VPC's internet gateway
    /// to `dest` (an address in the subnet: the ENI's private address
    /// behind a public IPv4, its IPv6 address, a load balancer node).
    ///
    /// The reply route decides which sources hold a conversation: to an
    /// internet gateway, certainly; to a Gateway Load Balancer endpoint or
    /// an appliance interface (the AWS inspection designs), only as the
    /// appliance decides; to a NAT gateway, a transit gateway, a peering
    /// or a gateway endpoint, not at all (the reply would leave with
    /// another source address). On the way in, a route table
    /// edge-associated with the internet gateway routes the traffic before
    /// it reaches the subnet: to the inspection endpoint, or locally
    /// (<https://docs.aws.amazon.com/vpc/latest/userguide/gateway-route-tables.html>).
    fn internet_into(
        &self,
        vpc: Option<&str>,
        subnet: &str,
        dest: Option<IpAddr>,
        family: Family,
    ) -> Option<Entry> {
        let public = public_of(family);
        let Some(rt) = self.route_table(subnet, vpc) else {
            return Some(Entry {
                flow: Flow::maybe(
                    public,
                    self.missing(
                        Input::RouteTables,
                        None,
                        format!("no route table known for {subnet}"),
                    ),
                ),
                gateway: hop("internet-gateway", "igw", "igw"),
                inspection: vec![],
            });
        };
        let mut flow = Flow::default();
        let mut igw: Option<&str> = None;
        let mut inspection: Vec<Hop> = Vec::new();
        for (r, set) in route::internet_bound(rt, family, self.resolve) {
            match &r.target {
                RouteTarget::InternetGateway(id) => {
                    flow.sure = flow.sure.union(&set);
                    igw = igw.or(Some(id.as_str()));
                }
                RouteTarget::VpcEndpoint(id) => {
                    self.reads.look_up(Input::VpcEndpoints);
                    match self
                        .rix
                        .vpc_endpoints
                        .get(id.as_str())
                        .and_then(|e| e.vpc_endpoint_type.as_deref())
                    {
                        Some(t) if t.eq_ignore_ascii_case("GatewayLoadBalancer") => {
                            flow.maybe = flow.maybe.union(&set);
                            flow.note(inspected_by(id, "Gateway Load Balancer endpoint"));
                            push_inspection(&mut inspection, id, "gwlb endpoint");
                        }
                        // A gateway endpoint (S3, DynamoDB) carries no reply
                        // to the internet.
                        Some(_) => {}
                        None => {
                            flow.maybe = flow.maybe.union(&set);
                            flow.note(self.missing(
                                Input::VpcEndpoints,
                                Some(id),
                                format!(
                                    "route target {id} is a VPC endpoint that was not collected"
                                ),
                            ));
                        }
                    }
                }
                RouteTarget::NetworkInterface(id) | RouteTarget::Instance(id) => {
                    flow.maybe = flow.maybe.union(&set);
                    flow.note(inspected_by(id, "appliance"));
                    push_inspection(&mut inspection, id, "appliance");
                }
                RouteTarget::Unknown(id) => {
                    flow.maybe = flow.maybe.union(&set);
                    flow.note(format!(
                        "route table {} sends internet traffic to {id:?}, a target rampart does not know",
                        rt.route_table_id
                    ));
                }
                _ => {}
            }
        }
        let unresolved = route::unresolved(rt, self.resolve);
        if !unresolved.is_empty() {
            let rest = public.difference(&flow.sure);
            flow.maybe = flow.maybe.union(&rest);
            for w in unresolved {
                flow.note(w);
            }
        }
        flow.maybe = flow.maybe.difference(&flow.sure);
        if let Some(senders) = &self.senders {
            flow.sure = flow.sure.intersection(senders);
            flow.maybe = flow.maybe.intersection(senders);
        }
        if flow.is_empty() {
            return None;
        }
        // In through the VPC's internet gateway (the reply route's, or, when
        // replies go through an appliance, the one the VPC has).
        let vpc_igws: &[&str] = vpc
            .and_then(|v| self.rix.vpc_igws.get(v))
            .map_or(&[], Vec::as_slice);
        let gateway = igw.or_else(|| vpc_igws.first().copied());
        let Some(gateway) = gateway else {
            // No internet gateway in the VPC: nothing comes in.
            return None;
        };
        if let Some(edge) = self.rix.edge_route_table.get(gateway) {
            match dest.and_then(|d| route::lookup(edge, d, self.resolve)) {
                Some(r) => match &r.target {
                    RouteTarget::Local => {}
                    RouteTarget::VpcEndpoint(id)
                    | RouteTarget::NetworkInterface(id)
                    | RouteTarget::Instance(id) => {
                        let what = if id.starts_with("vpce-") {
                            "Gateway Load Balancer endpoint"
                        } else {
                            "appliance"
                        };
                        flow = flow.doubt(inspected_by(id, what));
                        push_inspection(
                            &mut inspection,
                            id,
                            if id.starts_with("vpce-") {
                                "gwlb endpoint"
                            } else {
                                "appliance"
                            },
                        );
                    }
                    other => {
                        flow = flow.doubt(format!(
                            "the ingress route table {} of {gateway} sends the traffic to {other:?}",
                            edge.route_table_id
                        ));
                    }
                },
                None if dest.is_none() => {
                    flow = flow.doubt(format!(
                        "the ingress route table {} of {gateway} routes an address rampart could not name",
                        edge.route_table_id
                    ));
                }
                // No route to the subnet from the gateway: dropped.
                None => return None,
            }
        }
        Some(Entry {
            flow,
            gateway: hop("internet-gateway", gateway, gateway.to_string()),
            inspection,
        })
    }

    /// Direct paths: a public address on one of the instance's ENIs.
    fn direct(&self, i: &'s Instance) -> Vec<Exposure> {
        self.direct_to(Backend::Instance(i), &i.network_interface_ids)
    }

    /// Direct paths to a task: a public address on its own interface
    /// (`assignPublicIp` `ENABLED` gives it one:
    /// <https://docs.aws.amazon.com/AmazonECS/latest/developerguide/fargate-task-networking.html>).
    fn direct_task(&self, t: &'s EcsTask) -> Vec<Exposure> {
        match &t.network_interface_id {
            Some(eni) => self.direct_to(Backend::Task(t), std::slice::from_ref(eni)),
            None => vec![],
        }
    }

    fn direct_to<S: AsRef<str>>(&self, b: Backend<'s>, eni_ids: &[S]) -> Vec<Exposure> {
        self.reads.look_up(Input::NetworkInterfaces);
        let mut out = Vec::new();
        for id in eni_ids {
            let id = id.as_ref();
            let Some(eni) = self.rix.enis.get(id).copied() else {
                // The interface may hold a public address nobody saw.
                let why = self.missing(
                    Input::NetworkInterfaces,
                    Some(id),
                    format!("network interface {id} of {} was not collected", b.id()),
                );
                out.push(self.exposure(
                    b,
                    PathKind::Direct,
                    vec![
                        hop("internet", "internet", "internet"),
                        hop("network-interface", id, format!("{id} (not collected)")),
                        b.hop(),
                    ],
                    Transport::Tcp,
                    vec![],
                    Some(why),
                ));
                continue;
            };
            let Some(subnet) = eni.subnet_id.as_deref() else {
                continue;
            };
            let vpc = eni.vpc_id.as_deref().or(b.vpc(self.rix));
            let primary = eni.attachment.as_ref().and_then(|a| a.device_index) == Some(0);
            // Public IPv4: on the private address it maps to.
            let mut v4: Vec<(&str, Option<IpAddr>)> = eni
                .private_ip_addresses
                .iter()
                .filter_map(|p| Some((p.public_ip.as_deref()?, p.private_ip.parse().ok())))
                .collect();
            if v4.is_empty()
                && primary
                && let Backend::Instance(i) = b
                && let Some(public) = i.public_ip.as_deref()
            {
                let private = eni
                    .private_ip_addresses
                    .iter()
                    .find(|p| p.primary)
                    .and_then(|p| p.private_ip.parse().ok());
                v4.push((public, private));
            }
            let v6: Vec<(&str, Option<IpAddr>)> = eni
                .ipv6_addresses
                .iter()
                .filter(|a| parse_cidr(a).is_some_and(crate::reach::ip::contains_public))
                .map(|a| (a.as_str(), a.parse().ok()))
                .collect();
            for (family, addrs) in [(Family::V4, v4), (Family::V6, v6)] {
                let Some((addr, dest)) = addrs.first().copied() else {
                    continue;
                };
                let Some(entry) = self.internet_into(vpc, subnet, dest, family) else {
                    continue;
                };
                let rules = self.eni_ingress(eni);
                for t in [Transport::Tcp, Transport::Udp] {
                    let proto = proto_of(t);
                    let (sure, maybe, why) = self.open_ranges(&rules, subnet, proto, &entry.flow);
                    let mut hops = vec![
                        hop("internet", "internet", "internet"),
                        entry.gateway.clone(),
                    ];
                    hops.extend(entry.inspection.iter().cloned());
                    hops.push(hop(
                        "network-interface",
                        &eni.network_interface_id,
                        format!("{} ({addr})", eni.network_interface_id),
                    ));
                    hops.push(b.hop());
                    if !sure.is_empty() {
                        out.push(self.exposure(b, PathKind::Direct, hops.clone(), t, sure, None));
                    }
                    if !maybe.is_empty() {
                        out.push(self.exposure(
                            b,
                            PathKind::Direct,
                            hops,
                            t,
                            maybe,
                            Some(why.join("; ")),
                        ));
                    }
                }
            }
        }
        out
    }

    /// The port ranges of `proto` that some source of `flow` gets through
    /// `rules` (an ENI's groups) and the NACL of `subnet` on: certainly,
    /// and only possibly (with the reasons). Exact, not sampled: the ports
    /// are cut at every rule and NACL entry bound, and within a piece every
    /// rule and entry answers the same, so one port per piece decides.
    fn open_ranges(
        &self,
        rules: &Result<Vec<&'s SgRule>, String>,
        subnet: &str,
        proto: Protocol,
        entry: &Flow,
    ) -> (Vec<PortRange>, Vec<PortRange>, Vec<String>) {
        let spans: Vec<PortRange> = match rules {
            Ok(rules) => rules
                .iter()
                .filter_map(|r| {
                    let rp = Protocol::parse(&r.protocol)?;
                    rp.covers(proto)
                        .then(|| crate::reach::ports::rule_span(rp, r.from_port, r.to_port))
                })
                .collect(),
            // Unknown groups: any port may be open.
            Err(_) => vec![PortRange { from: 0, to: 65535 }],
        };
        let acl = self.nacl(subnet);
        let intervals = elementary_intervals(
            &crate::reach::ports::merge(spans),
            acl.map_or(&[][..], |a| a.entries.as_slice()),
            rules.as_ref().map_or(&[][..], Vec::as_slice),
        );
        let mut sure = Vec::new();
        let mut maybe = Vec::new();
        let mut why: Vec<String> = Vec::new();
        for iv in intervals {
            let Ok(port) = u16::try_from(iv.from) else {
                continue;
            };
            let f = flow::security_groups(rules, proto, port, entry, self.resolve);
            let f = self.nacl_inbound(subnet, proto, port, &f);
            if !f.sure.is_empty() {
                sure.push(iv);
            } else if !f.maybe.is_empty() {
                maybe.push(iv);
                for w in f.why {
                    if !why.contains(&w) {
                        why.push(w);
                    }
                }
            }
        }
        (merge_ranges(sure), merge_ranges(maybe), why)
    }

    fn exposure(
        &self,
        b: impl Into<Backend<'s>>,
        kind: PathKind,
        hops: Vec<Hop>,
        protocol: Transport,
        ports: Vec<PortRange>,
        uncertain: Option<String>,
    ) -> Exposure {
        Exposure {
            region: String::new(),
            instance_id: b.into().id().to_string(),
            path: ExposurePath {
                kind,
                hops,
                ports,
                protocol,
            },
            uncertain,
        }
    }
}

fn inspected_by(id: &str, what: &str) -> String {
    format!("through inspection {what} {id}: its rules are not read")
}

fn push_inspection(hops: &mut Vec<Hop>, id: &str, what: &str) {
    if !hops.iter().any(|h| h.id == id) {
        let mut h = hop("inspection", id, format!("{what} {id}"));
        h.gaps.push("rules not read".into());
        hops.push(h);
    }
}

/// The explicit port of an http(s) URL.
fn uri_port(uri: &str) -> Option<u16> {
    let rest = uri.split_once("://")?.1;
    let authority = rest.split(['/', '?', '#']).next()?;
    authority.rsplit_once(':')?.1.parse().ok()
}

fn default_port(uri: &str) -> Option<u16> {
    match uri.split_once("://")?.0 {
        "https" => Some(443),
        "http" => Some(80),
        _ => None,
    }
}

/// Splits the open ranges at every bound of the NACL's entries and the
/// security group rules, so that within a piece every entry and rule
/// answers the same and asking about its first port is exact.
fn elementary_intervals(
    ranges: &[PortRange],
    nacl: &[NaclEntry],
    rules: &[&SgRule],
) -> Vec<PortRange> {
    let mut bounds: Vec<i32> = nacl
        .iter()
        .filter_map(|e| e.port_range)
        .flat_map(|r| [r.from, r.to.saturating_add(1)])
        .chain(rules.iter().flat_map(|r| {
            let span = crate::reach::ports::rule_ports(r.from_port, r.to_port);
            [span.from, span.to.saturating_add(1)]
        }))
        .collect();
    bounds.sort_unstable();
    bounds.dedup();
    let mut out = Vec::new();
    for r in ranges {
        let (start, to) = (r.from.clamp(0, 65535), r.to.clamp(0, 65535));
        let mut from = start;
        for b in bounds.iter().copied().filter(|b| *b > start && *b <= to) {
            out.push(PortRange { from, to: b - 1 });
            from = b;
        }
        if from <= to {
            out.push(PortRange { from, to });
        }
    }
    out
}

/// Sorts and joins adjacent or overlapping ranges.
fn merge_ranges(mut ranges: Vec<PortRange>) -> Vec<PortRange> {
    ranges.sort();
    let mut out: Vec<PortRange> = Vec::new();
    for r in ranges {
        match out.last_mut() {
            Some(last) if r.from <= last.to.saturating_add(1) => last.to = last.to.max(r.to),
            _ => out.push(r),
        }
    }
    out
}

fn single(port: u16) -> PortRange {
    PortRange {
        from: i32::from(port),
        to: i32::from(port),
    }
}

/// The first address of the subnet's block of `family` (a load balancer
/// node's address stands for the subnet's).
fn subnet_first(subnet: Option<&Subnet>, family: Family) -> Option<IpAddr> {
    let s = subnet?;
    let cidr = match family {
        Family::V4 => s.cidr_block.as_deref(),
        Family::V6 => s.ipv6_cidr_blocks.first().map(String::as_str),
    }?;
    parse_cidr(cidr).map(|n| n.network())
}

/// The addresses of `subnets` of `family` (load balancer nodes, VPC link
/// interfaces), or the subnets that were not collected.
fn subnets_addrs<'s>(
    lookup: impl Fn(&str) -> Option<&'s Subnet>,
    subnets: &[String],
) -> (AddrSet, Vec<String>) {
    let mut addrs = AddrSet::empty();
    let mut missing = Vec::new();
    for s in subnets {
        match lookup(s) {
            Some(sub) => addrs = addrs.union(&flow::subnet_addrs(Some(sub))),
            None => missing.push(s.clone()),
        }
    }
    (addrs, missing)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pr(from: i32, to: i32) -> PortRange {
        PortRange { from, to }
    }

    fn entry(from: i32, to: i32) -> NaclEntry {
        NaclEntry {
            egress: false,
            rule_number: 100,
            protocol: "6".into(),
            rule_action: "allow".into(),
            cidr_block: Some("0.0.0.0/0".into()),
            ipv6_cidr_block: None,
            port_range: Some(pr(from, to)),
            icmp_type_code: None,
        }
    }

    #[test]
    fn intervals_split_exactly_at_nacl_boundaries() {
        let got = elementary_intervals(
            &[pr(1000, 2000)],
            &[entry(1500, 1500), entry(0, 65535)],
            &[],
        );
        assert_eq!(got, vec![pr(1000, 1499), pr(1500, 1500), pr(1501, 2000)]);
        assert_eq!(
            elementary_intervals(&[pr(22, 22)], &[entry(1024, 65535)], &[]),
            vec![pr(22, 22)]
        );
        assert_eq!(
            elementary_intervals(&[pr(0, 65535)], &[], &[]),
            vec![pr(0, 65535)]
        );
    }

    #[test]
    fn ranges_merge_when_adjacent_or_overlapping() {
        assert_eq!(
            merge_ranges(vec![pr(80, 80), pr(22, 22), pr(81, 90), pr(85, 100)]),
            vec![pr(22, 22), pr(80, 100)]
        );
    }

    #[test]
    fn integration_uri_ports() {
        assert_eq!(uri_port("http://nlb.example:8080/x"), Some(8080));
        assert_eq!(uri_port("http://nlb.example/x"), None);
        assert_eq!(default_port("https://nlb.example/x"), Some(443));
        assert_eq!(default_port("http://nlb.example"), Some(80));
    }

    #[test]
    fn listener_protocols_map_to_their_transports() {
        assert_eq!(transports(Some("TCP")), &[Transport::Tcp]);
        assert_eq!(transports(Some("HTTPS")), &[Transport::Tcp]);
        assert_eq!(transports(Some("UDP")), &[Transport::Udp]);
        assert_eq!(transports(Some("QUIC")), &[Transport::Udp]);
        assert_eq!(
            transports(Some("TCP_UDP")),
            &[Transport::Tcp, Transport::Udp]
        );
        assert_eq!(
            transports(Some("TCP_QUIC")),
            &[Transport::Tcp, Transport::Udp]
        );
        assert!(transports(Some("GENEVE")).is_empty());
    }
}
