//! What the backend-scoped network checks share: which instances are
//! backends, which *may* be (their region's exposure-path inputs were not
//! all collected, so the backend set itself is uncertain), and an
//! instance's ENIs, subnets and security groups as the index resolves them.
//!
//! The rules the checks follow with it (one place, so they agree):
//! - an instance-level check never passes a backend in a region whose path
//!   inputs are incomplete, and reports each *maybe*-backend not evaluated
//!   (otherwise an LB target whose target group could not be read would
//!   silently vanish from the report);
//! - a resource-level check (a security group, NACL or VPC that a backend
//!   uses) passes a compliant resource whatever the backend set, but a
//!   violation on a resource tied only to maybe-backends is not evaluated:
//!   it is a finding only if they are backends.

use std::collections::BTreeMap;

use foldhash::{HashMap, HashSet};

use rampart_model::{CompactString, EcsTask, Instance, NetworkInterface, SharedStr, Status};

use crate::index::RegionIndex;
use crate::paths::Backend;
use crate::registry::{Context, Outcome};

/// The instances a backend-scoped check looks at.
pub(crate) struct Scope<'a> {
    /// Known backends: a load balancer target, or reached by a path every
    /// link of which is known.
    pub backends: Vec<(&'a str, &'a Instance)>,
    /// Live instances that may be backends, with the reason: reached only
    /// by uncertain paths (a maybe-target of a target group whose targets
    /// were not collected, a path through an inspection appliance), or not
    /// known backends in a region whose path inputs are incomplete.
    pub maybe: Vec<(&'a str, &'a Instance, String)>,
    /// The maybe-backends that are reached by uncertain paths, by (region,
    /// instance id): [`Context::backends`] lists them (the checks that walk
    /// it judge their paths themselves); the rest nobody has seen.
    pub reached: HashSet<(&'a str, &'a str)>,
    /// Regions whose path inputs are incomplete, with the reason.
    pub incomplete: BTreeMap<&'a str, String>,
    /// Regions without an instance list (see [`Context::instance_gaps`]).
    pub instance_gaps: Vec<Outcome>,
    /// ECS tasks that are known backends (issue 16 item 3): the same rule
    /// as for instances.
    pub tasks: Vec<(&'a str, &'a EcsTask)>,
    /// Tasks that may be backends, with the reason.
    pub maybe_tasks: Vec<(&'a str, &'a EcsTask, String)>,
    /// Regions whose task list is missing: not evaluated, filed on
    /// `task/*` there.
    pub task_gaps: Vec<Outcome>,
}

impl<'a> Scope<'a> {
    /// The scope of `cx`'s snapshot, found by the first check that asks
    /// and shared by the others (they run at once, on every core).
    pub fn of<'c>(cx: &'c Context<'a>) -> &'c Scope<'a> {
        cx.scope.get_or_init(|| Scope::find(cx))
    }

    fn find(cx: &Context<'a>) -> Scope<'a> {
        let incomplete: BTreeMap<&str, String> = cx
            .snapshot
            .region_names()
            .filter_map(|r| Some((r, cx.exposures.gap(r)?.to_string())))
            .collect();
        let mut backends = Vec::new();
        let mut maybe = Vec::new();
        let mut reached = HashSet::default();
        for &(r, i) in cx.backends() {
            let paths = cx.exposures.for_instance(r, &i.instance_id);
            let target = cx
                .index
                .regions
                .get(r)
                .is_some_and(|x| x.is_lb_target(&i.instance_id));
            match paths.iter().find(|e| e.uncertain.is_none()) {
                Some(_) => backends.push((r, i)),
                None if target => backends.push((r, i)),
                None => {
                    let why = paths
                        .first()
                        .and_then(|e| e.uncertain.clone())
                        .unwrap_or_default();
                    reached.insert((r, i.instance_id.as_str()));
                    maybe.push((r, i, why));
                }
            }
        }
        let known: HashSet<(&str, &str)> = cx
            .backends()
            .iter()
            .map(|(r, i)| (*r, i.instance_id.as_str()))
            .collect();
        maybe.extend(cx.live_instances().filter_map(|(r, i)| {
            let why = incomplete.get(r)?;
            (!known.contains(&(r, i.instance_id.as_str()))).then(|| (r, i, why.clone()))
        }));
        let (mut tasks, mut maybe_tasks) = (Vec::new(), Vec::new());
        for (r, t) in cx.live_tasks() {
            let id = t.backend_id();
            let paths = cx.exposures.for_instance(r, id);
            let target = cx.index.regions.get(r).is_some_and(|x| x.is_lb_target(id));
            if paths.iter().any(|e| e.uncertain.is_none()) || target {
                tasks.push((r, t));
            } else if let Some(e) = paths.first() {
                reached.insert((r, id));
                maybe_tasks.push((r, t, e.uncertain.clone().unwrap_or_default()));
            } else if let Some(why) = incomplete.get(r) {
                maybe_tasks.push((r, t, why.clone()));
            }
        }
        Scope {
            backends,
            maybe,
            reached,
            incomplete,
            instance_gaps: cx.instance_gaps(),
            tasks,
            maybe_tasks,
            task_gaps: cx.task_gaps(),
        }
    }

    /// Every known backend and maybe-backend, instances then tasks, as
    /// (region, backend, why it may be one).
    pub fn everyone(&self) -> Vec<(&'a str, Backend<'a>, Option<&String>)> {
        let instances = self
            .backends
            .iter()
            .map(|(r, i)| (*r, Backend::Instance(i), None))
            .chain(
                self.maybe
                    .iter()
                    .map(|(r, i, why)| (*r, Backend::Instance(i), Some(why))),
            );
        let tasks = self
            .tasks
            .iter()
            .map(|(r, t)| (*r, Backend::Task(t), None))
            .chain(
                self.maybe_tasks
                    .iter()
                    .map(|(r, t, why)| (*r, Backend::Task(t), Some(why))),
            );
        instances.chain(tasks).collect()
    }

    /// Why a pass for a backend in `region` cannot be trusted, if it cannot.
    pub fn pass_blocker(&self, region: &str) -> Option<&str> {
        self.incomplete.get(region).map(|a| a.as_str())
    }

    /// For instance-level checks over [`Scope::backends`]: the region gaps
    /// plus one not-evaluated outcome per maybe-backend.
    pub fn instance_outcomes(&self, cx: &Context<'_>) -> Vec<Outcome> {
        self.outcomes(cx, true)
    }

    /// For checks over [`Scope::tasks`]: the regions without a task list
    /// plus one not-evaluated outcome per maybe-backend task.
    pub fn task_outcomes(&self) -> Vec<Outcome> {
        self.task_outcomes_of(true)
    }

    /// [`Scope::unseen_outcomes`] for tasks.
    pub fn unseen_task_outcomes(&self) -> Vec<Outcome> {
        self.task_outcomes_of(false)
    }

    fn task_outcomes_of(&self, with_reached: bool) -> Vec<Outcome> {
        let mut out = self.task_gaps.clone();
        for (region, t, why) in &self.maybe_tasks {
            let seen = self.reached.contains(&(*region, t.backend_id()));
            if seen && !with_reached {
                continue;
            }
            let message = if seen {
                format!(
                    "cannot tell whether task {} is a backend: it is reached only by paths that may not exist",
                    t.backend_id()
                )
            } else {
                format!(
                    "cannot tell whether task {} is a backend: its region's exposure paths are incomplete",
                    t.backend_id()
                )
            };
            out.push(Outcome::new(
                t.task_arn.as_str(),
                region,
                Status::NotEvaluated(why.clone()),
                message,
            ));
        }
        out
    }

    /// For checks that walk [`Context::backends`] and judge uncertain
    /// paths themselves: the region gaps plus one not-evaluated outcome per
    /// maybe-backend nobody has seen (not reached by any path).
    pub fn unseen_outcomes(&self, cx: &Context<'_>) -> Vec<Outcome> {
        self.outcomes(cx, false)
    }

    fn outcomes(&self, cx: &Context<'_>, with_reached: bool) -> Vec<Outcome> {
        let mut out = self.instance_gaps.clone();
        for (region, i, why) in &self.maybe {
            let seen = self.reached.contains(&(*region, i.instance_id.as_str()));
            if seen && !with_reached {
                continue;
            }
            let message = if seen {
                format!(
                    "cannot tell whether {} is a backend: it is reached only by paths that may not exist",
                    i.instance_id
                )
            } else {
                format!(
                    "cannot tell whether {} is a backend: its region's exposure paths are incomplete",
                    i.instance_id
                )
            };
            out.push(Outcome::new(
                cx.ec2_arn(region, "instance", &i.instance_id),
                region,
                Status::NotEvaluated(why.clone()),
                message,
            ));
        }
        out
    }
}

/// Who uses a resource (a security group, subnet, VPC) that a
/// resource-level check judges.
#[derive(Debug, Default)]
pub(crate) struct Users<'a> {
    /// Known backends using it.
    pub backends: Vec<&'a str>,
    /// Maybe-backends using it, with why they may be ones.
    pub maybe: Vec<(&'a str, String)>,
}

impl Users<'_> {
    /// Why a violation on this resource is not a sure finding: it is used
    /// only by instances that may not be backends.
    pub fn doubt(&self) -> Option<String> {
        if !self.backends.is_empty() {
            return None;
        }
        let (first, why) = self.maybe.first()?;
        Some(format!(
            "used only by instances that may be backends ({first}, ...): {why}"
        ))
    }

    /// The instances, for a message.
    pub fn names(&self) -> String {
        let mut v: Vec<&str> = self.backends.clone();
        v.extend(self.maybe.iter().map(|(i, _)| *i));
        v.join(", ")
    }
}

impl<'a> Scope<'a> {
    /// The resources backends (and maybe-backends) use, keyed by (region,
    /// id), via `uses`; plus not-evaluated outcomes, by instance, for
    /// instances whose resources are unknown, and the region gaps. Sorted
    /// by key (gathered in a hash map and sorted once: a B-tree compared
    /// strings a dozen times per backend's resource).
    #[allow(clippy::type_complexity)]
    ///
    /// Resources of `kind` (`ids` of a region's inventory) that no backend
    /// is known to use are reported not evaluated where who uses them is
    /// unknown ([`unjudged`]).
    pub fn resources(
        &self,
        cx: &'a Context<'_>,
        what: &str,
        kind: &str,
        ids: impl for<'x> Fn(&'x rampart_model::RegionInventory) -> Vec<&'x str>,
        uses: impl Fn(&RegionIndex<'a>, &'a Instance) -> Result<Vec<&'a str>, String>,
        uses_task: Option<&dyn Fn(&RegionIndex<'a>, &'a EcsTask) -> Result<Vec<&'a str>, String>>,
    ) -> (Vec<((&'a str, &'a str), Users<'a>)>, Vec<Outcome>) {
        let mut map: HashMap<(&str, &str), Users<'a>> = HashMap::default();
        let mut gaps = self.instance_gaps.clone();
        let mut doubt: BTreeMap<&str, String> = BTreeMap::new();
        // Instances, then tasks where the resource is one tasks use: (region,
        // id, what it uses, its ARN, why it may be a backend).
        type User<'u> = (
            &'u str,
            &'u str,
            Result<Vec<&'u str>, String>,
            SharedStr,
            Option<String>,
        );
        let mut all: Vec<User<'a>> = Vec::new();
        for (region, i, maybe) in self.backends.iter().map(|(r, i)| (*r, *i, None)).chain(
            self.maybe
                .iter()
                .map(|(r, i, why)| (*r, *i, Some(why.clone()))),
        ) {
            let Some(rix) = cx.index.regions.get(region) else {
                continue;
            };
            let arn = cx.ec2_arn(region, "instance", &i.instance_id);
            all.push((region, i.instance_id.as_str(), uses(rix, i), arn, maybe));
        }
        if let Some(uses_task) = uses_task {
            gaps.extend(self.task_gaps.iter().cloned());
            for (region, t, maybe) in self.tasks.iter().map(|(r, t)| (*r, *t, None)).chain(
                self.maybe_tasks
                    .iter()
                    .map(|(r, t, why)| (*r, *t, Some(why.clone()))),
            ) {
                let Some(rix) = cx.index.regions.get(region) else {
                    continue;
                };
                let arn = SharedStr::from(t.task_arn.as_str());
                all.push((region, t.backend_id(), uses_task(rix, t), arn, maybe));
            }
        }
        for (region, id, used, arn, maybe) in all {
            match used {
                Ok(mut ids) => {
                    // Two interfaces in one group name the backend once.
                    ids.sort_unstable();
                    ids.dedup();
                    for rid in ids {
                        let u = map.entry((region, rid)).or_default();
                        match &maybe {
                            None => u.backends.push(id),
                            Some(why) => u.maybe.push((id, why.clone())),
                        }
                    }
                }
                Err(why) => {
                    doubt.entry(region).or_insert_with(|| why.clone());
                    gaps.push(Outcome::new(
                        arn,
                        region,
                        Status::NotEvaluated(why),
                        format!("the {what} of {id} are unknown"),
                    ))
                }
            }
        }
        gaps.extend(unjudged(
            cx,
            kind,
            doubt,
            |r, id| map.contains_key(&(r, id)),
            ids,
        ));
        let mut map: Vec<_> = map.into_iter().collect();
        map.sort_unstable_by_key(|(k, _)| *k);
        (map, gaps)
    }
}

/// Not-evaluated outcomes for the resources of `kind` (`ids` of each
/// region's inventory: route tables, groups, ACLs, VPCs) that `judged`
/// says got no verdict, in every region where which instances use them is
/// unknown: `doubt` (an instance whose resources could not be resolved,
/// with why) or a missing instance list. Without who uses a resource, a
/// resource-level check cannot tell whether a backend does, so it reports
/// the resource rather than drop it (issue 14 item 3).
pub(crate) fn unjudged<'r>(
    cx: &'r Context<'_>,
    kind: &str,
    mut doubt: BTreeMap<&'r str, String>,
    judged: impl Fn(&str, &str) -> bool,
    ids: impl for<'x> Fn(&'x rampart_model::RegionInventory) -> Vec<&'x str>,
) -> Vec<Outcome> {
    // ECS tasks use network resources as instances do (their own
    // interface's groups, subnet, its NACL and route table, VPC): without
    // the task list, which tasks use them is unknown too.
    let tasks_matter = matches!(
        kind,
        "security-group" | "route-table" | "network-acl" | "vpc" | "subnet"
    );
    for r in cx.snapshot.region_names() {
        if let Some(why) = cx.not_collected(Some(r), &["ec2:DescribeInstances"]) {
            doubt.insert(r, why);
        } else if tasks_matter
            && let Some(why) = cx.not_collected(Some(r), crate::registry::TASK_LISTS)
        {
            doubt.insert(r, why);
        }
    }
    let mut out = Vec::new();
    for (region, why) in doubt {
        let Some(inv) = cx.snapshot.regions.get(region) else {
            continue;
        };
        let mut ids = ids(inv);
        ids.sort_unstable();
        ids.dedup();
        for id in ids.into_iter().filter(|id| !judged(region, id)) {
            // Kinds named by ARN (KMS keys) are their own ARN; EC2 kinds by id.
            let arn = if id.starts_with("arn:") {
                id.into()
            } else {
                cx.ec2_arn(region, kind, id)
            };
            out.push(Outcome::new(
                arn,
                region,
                Status::NotEvaluated(why.clone()),
                format!("cannot tell whether backends use {id}: which instances use it is unknown"),
            ));
        }
    }
    out
}

/// The instance's ENIs, primary first. `Err` when an ENI the instance names
/// was not collected; empty when the instance names none (then its own
/// `subnet_id` and `security_group_ids` are all there is).
pub(crate) fn enis<'r, 's>(
    rix: &'r RegionIndex<'s>,
    i: &Instance,
) -> Result<&'r [&'s NetworkInterface], String> {
    let found = rix
        .instance_enis
        .get(i.instance_id.as_str())
        .map_or(&[][..], Vec::as_slice);
    // The index keeps, in order, those of the instance's ENI ids it found
    // (`Index`): as many as it names means none is missing.
    if found.len() == i.network_interface_ids.len() {
        return Ok(found);
    }
    if let Some(missing) = i
        .network_interface_ids
        .iter()
        .find(|id| !found.iter().any(|e| e.network_interface_id == **id))
    {
        return Err(format!(
            "network interface {missing} of {} was not collected",
            i.instance_id
        ));
    }
    Ok(found)
}

/// The subnets the instance has an interface in, sorted and unique.
pub(crate) fn subnets<'s>(rix: &RegionIndex<'s>, i: &'s Instance) -> Result<Vec<&'s str>, String> {
    let enis = enis(rix, i)?;
    let mut v: Vec<&str> = if enis.is_empty() {
        i.subnet_id.as_deref().into_iter().collect()
    } else {
        enis.iter().filter_map(|e| e.subnet_id.as_deref()).collect()
    };
    v.sort_unstable();
    v.dedup();
    if v.is_empty() {
        return Err(format!("no subnet known for {}", i.instance_id));
    }
    Ok(v)
}

/// The security group sets guarding the instance: one per ENI (groups are
/// a union per interface), labelled with the ENI id; the instance's own
/// list when it names no ENI.
pub(crate) fn sg_sets<'s>(
    rix: &RegionIndex<'s>,
    i: &'s Instance,
) -> Result<Vec<(&'s str, &'s [CompactString])>, String> {
    let enis = enis(rix, i)?;
    if enis.is_empty() {
        return Ok(vec![(i.instance_id.as_str(), &i.security_group_ids)]);
    }
    Ok(enis
        .iter()
        .map(|e| {
            (
                e.network_interface_id.as_str(),
                e.security_group_ids.as_slice(),
            )
        })
        .collect())
}

/// [`sg_sets`] for any backend: a task's one interface and its groups.
pub(crate) fn backend_sg_sets<'s>(
    rix: &RegionIndex<'s>,
    b: Backend<'s>,
) -> Result<Vec<(&'s str, &'s [CompactString])>, String> {
    match b {
        Backend::Instance(i) => sg_sets(rix, i),
        Backend::Task(t) => task_eni(rix, t).map(|e| {
            vec![(
                e.network_interface_id.as_str(),
                e.security_group_ids.as_slice(),
            )]
        }),
    }
}

/// The VPC the instance lives in.
pub(crate) fn vpc_of<'s>(rix: &RegionIndex<'s>, i: &'s Instance) -> Option<&'s str> {
    i.vpc_id.as_deref().or_else(|| {
        rix.instance_enis
            .get(i.instance_id.as_str())?
            .iter()
            .find_map(|e| e.vpc_id.as_deref())
    })
}

/// The known backends that carry each security group (on any of their
/// ENIs, or in the instance's own list when it names no ENI), by (region,
/// group id), each list sorted: for findings filed on a group, which list
/// the backends it exposes. Instances whose ENIs are unknown are left out
/// (the checks that need them report those instances themselves).
pub(crate) fn backends_by_group<'c, 's>(cx: &'c Context<'s>) -> &'c Carriers<'s> {
    cx.carriers.get_or_init(|| find_carriers(cx))
}

/// The known backends carrying each security group: by (region, group
/// id), the sorted instance ids ([`backends_by_group`]).
pub(crate) type Carriers<'s> = HashMap<(&'s str, &'s str), Vec<&'s str>>;

fn find_carriers<'s>(cx: &Context<'s>) -> Carriers<'s> {
    let mut map: HashMap<(&str, &str), Vec<&str>> = HashMap::default();
    for (region, i) in cx.backends() {
        let Some(rix) = cx.index.regions.get(region) else {
            continue;
        };
        let Ok(sets) = sg_sets(rix, i) else {
            continue;
        };
        let mut groups: Vec<&str> = sets
            .iter()
            .flat_map(|(_, ids)| ids.iter().map(|a| a.as_str()))
            .collect();
        groups.sort_unstable();
        groups.dedup();
        for g in groups {
            map.entry((*region, g))
                .or_default()
                .push(i.instance_id.as_str());
        }
    }
    for (region, t) in cx.task_backends() {
        let Some(rix) = cx.index.regions.get(region) else {
            continue;
        };
        let Ok(eni) = task_eni(rix, t) else {
            continue;
        };
        for g in &eni.security_group_ids {
            map.entry((region, g.as_str()))
                .or_default()
                .push(t.backend_id());
        }
    }
    for v in map.values_mut() {
        v.sort_unstable();
        v.dedup();
    }
    map
}

/// Backend ARNs for `ids` in `region` (instance ids, or tasks'
/// `CLUSTER/ID`), for [`Outcome::affected`].
pub(crate) fn instance_arns(cx: &Context<'_>, region: &str, ids: &[&str]) -> Vec<SharedStr> {
    let arns = cx.backend_arns(region);
    ids.iter()
        .map(|id| match arns.and_then(|m| m.get(id)) {
            Some(arn) => arn.clone(),
            None => cx.ec2_arn(region, "instance", id),
        })
        .collect()
}

/// A task's own interface (`awsvpc`). `Err` when the task names none or
/// it was not collected.
pub(crate) fn task_eni<'s>(
    rix: &RegionIndex<'s>,
    t: &EcsTask,
) -> Result<&'s NetworkInterface, String> {
    let Some(id) = t.network_interface_id.as_deref() else {
        return Err(format!(
            "task {} has no network interface of its own (not awsvpc)",
            t.backend_id()
        ));
    };
    rix.enis.get(id).copied().ok_or_else(|| {
        format!(
            "network interface {id} of task {} was not collected",
            t.backend_id()
        )
    })
}

/// The subnet of a task's interface.
pub(crate) fn task_subnets<'s>(
    rix: &RegionIndex<'s>,
    t: &'s EcsTask,
) -> Result<Vec<&'s str>, String> {
    match task_eni(rix, t) {
        Ok(e) => e
            .subnet_id
            .as_deref()
            .map(|s| vec![s])
            .ok_or_else(|| format!("no subnet known for task {}", t.backend_id())),
        Err(why) => t.subnet_id.as_deref().map(|s| vec![s]).ok_or(why),
    }
}

#[cfg(test)]
mod every_verdict_tests {
    //! Issue 14 item 3: a check judging the resources backends use (route
    //! tables, groups, network ACLs, VPCs) keeps a verdict on each of them
    //! when the data that says who uses them, or the resources themselves,
    //! is missing: not evaluated, never dropped.

    use rampart_model::{Snapshot, Status};

    use super::super::fixtures::demo;
    use crate::registry::{CHECKS, Check, Outcome};
    use crate::testing::{fail, region, run};

    fn check(id: &str) -> &'static dyn Check {
        *CHECKS
            .iter()
            .find(|c| c.meta().id == id)
            .expect("registered")
    }

    /// Whether `arn`'s verdict in `full` is still present in `denied`:
    /// on the resource itself, or on a `KIND/*` of its kind.
    fn kept(arn: &str, denied: &[Outcome]) -> bool {
        denied.iter().any(|o| {
            o.resource_arn == arn
                || o.resource_arn
                    .strip_suffix('*')
                    .is_some_and(|p| arn.starts_with(p))
        })
    }

    /// Every (check, resource) of the demo's full run against the run with
    /// `operation` denied (its data removed by `clear`); no pass there that
    /// the full run did not give.
    fn survives(id: &str, operation: &str, clear: fn(&mut Snapshot)) {
        let full = run(check(id), &demo());
        assert!(!full.is_empty(), "{id}: the demo gives no verdict");
        let mut s = demo();
        clear(&mut s);
        fail(&mut s, operation);
        let denied = run(check(id), &s);
        for o in &full {
            assert!(
                kept(&o.resource_arn, &denied),
                "{id} with {operation} denied: no verdict on {} ({:?}); got {:#?}",
                o.resource_arn,
                o.status,
                denied
            );
        }
        for o in denied.iter().filter(|o| o.status == Status::Pass) {
            assert!(
                full.iter()
                    .any(|f| f.resource_arn == o.resource_arn && f.status == Status::Pass),
                "{id} with {operation} denied passes {}",
                o.resource_arn
            );
        }
    }

    const RESOURCE_LEVEL: [&str; 5] = ["NET-001", "NET-004", "NET-007", "NET-008", "NET-013"];

    #[test]
    fn no_instance_list_keeps_every_resource_verdict() {
        for id in RESOURCE_LEVEL {
            survives(id, "ec2:DescribeInstances", |s| {
                region(s).ec2.instances.clear()
            });
        }
    }

    #[test]
    fn no_interface_list_keeps_every_resource_verdict() {
        for id in RESOURCE_LEVEL {
            survives(id, "ec2:DescribeNetworkInterfaces", |s| {
                region(s).ec2.network_interfaces.clear()
            });
        }
    }

    #[test]
    fn no_route_tables_keeps_the_route_table_verdicts() {
        survives("NET-001", "ec2:DescribeRouteTables", |s| {
            region(s).ec2.route_tables.clear()
        });
    }

    #[test]
    fn no_network_acls_keeps_the_acl_verdicts() {
        survives("NET-008", "ec2:DescribeNetworkAcls", |s| {
            region(s).ec2.network_acls.clear()
        });
    }
}
