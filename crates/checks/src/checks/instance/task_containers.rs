//! INST-014, INST-015, INST-016: what a backend task's containers may do
//! on their host (issue 16 item 3), from its task definition
//! (<https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_ContainerDefinition.html>):
//! - INST-014: no container is `privileged` (root's powers on the host
//!   instance; Fargate refuses it; FSBP ECS.4);
//! - INST-015: every container runs as a user other than root: `user` set,
//!   and not `root` or uid `0` (absent, a container runs as its image's
//!   user, root for most images; AWS Config's
//!   `ecs-task-definition-nonroot-user` fails it likewise);
//! - INST-016: every container's root filesystem is read-only
//!   (`readonlyRootFilesystem`, false by default; FSBP ECS.5).
//!
//! Filed on the task definition (the resource that must change), listing
//! the backend tasks that run it. A task definition that was not
//! described is not evaluated; one run only by tasks that may be backends
//! (their region's paths are incomplete, or only uncertain paths reach
//! them) cannot fail; regions whose task list is missing are not
//! evaluated on `task/*`.

use std::collections::BTreeMap;

use rampart_model::{ContainerDefinition, SharedStr, Status, TaskDefinition};

use crate::checks::network::scope::Scope;
use crate::registry::{Check, Context, Outcome, why_missing};

pub struct TaskContainerPrivileged;
pub struct TaskContainerRunsAsRoot;
pub struct TaskContainerWritableRoot;

impl Check for TaskContainerPrivileged {
    fn meta(&self) -> &'static rampart_model::CheckMeta {
        crate::check_meta!("instance", "INST-014")
    }

    fn evaluate(&self, cx: &Context<'_>) -> Vec<Outcome> {
        judge(cx, "privileged", |c| {
            (c.privileged == Some(true)).then(|| format!("{} is privileged", c.name))
        })
    }
}

impl Check for TaskContainerRunsAsRoot {
    fn meta(&self) -> &'static rampart_model::CheckMeta {
        crate::check_meta!("instance", "INST-015")
    }

    fn evaluate(&self, cx: &Context<'_>) -> Vec<Outcome> {
        judge(cx, "running as root", |c| match c.user.as_deref() {
            None => Some(format!(
                "{} sets no user (it runs as its image's user, root for most images)",
                c.name
            )),
            Some(u) if is_root(u) => Some(format!("{} runs as {u}", c.name)),
            Some(_) => None,
        })
    }
}

impl Check for TaskContainerWritableRoot {
    fn meta(&self) -> &'static rampart_model::CheckMeta {
        crate::check_meta!("instance", "INST-016")
    }

    fn evaluate(&self, cx: &Context<'_>) -> Vec<Outcome> {
        judge(cx, "with a writable root filesystem", |c| {
            (c.readonly_root_filesystem != Some(true))
                .then(|| format!("{} has a writable root filesystem", c.name))
        })
    }
}

/// Whether a container `user` (`user`, `user:group`, `uid`, `uid:gid`)
/// is root.
fn is_root(user: &str) -> bool {
    let who = user.split(':').next().unwrap_or(user).trim();
    who.eq_ignore_ascii_case("root") || who == "0"
}

/// One outcome per task definition a backend task runs: fail when `bad`
/// names a container, listing them.
fn judge(
    cx: &Context<'_>,
    what: &str,
    bad: impl Fn(&ContainerDefinition) -> Option<String>,
) -> Vec<Outcome> {
    let scope = Scope::of(cx);
    // Without the task list, which definitions backend tasks run is
    // unknown: one gap per region on `task-definition/*`.
    let mut out: Vec<Outcome> = scope
        .task_gaps
        .iter()
        .map(|g| Outcome {
            resource_arn: g
                .resource_arn
                .replace(":task/*", ":task-definition/*")
                .into(),
            ..g.clone()
        })
        .collect();
    // (region, task definition ARN) -> (known backends, maybe-backends with why).
    type Users = (Vec<SharedStr>, Vec<(SharedStr, String)>);
    let mut defs: BTreeMap<(&str, &str), Users> = BTreeMap::new();
    for (region, t, maybe) in scope
        .tasks
        .iter()
        .map(|(r, t)| (*r, *t, None))
        .chain(scope.maybe_tasks.iter().map(|(r, t, w)| (*r, *t, Some(w))))
    {
        let Some(def) = t.task_definition_arn.as_deref() else {
            continue;
        };
        let u = defs.entry((region, def)).or_default();
        let arn = SharedStr::from(t.task_arn.as_str());
        match maybe {
            None => u.0.push(arn),
            Some(why) => u.1.push((arn, why.clone())),
        }
    }
    for ((region, def_arn), (sure, maybe)) in defs {
        let mut affected = sure.clone();
        affected.extend(maybe.iter().map(|(a, _)| a.clone()));
        let def: Option<&TaskDefinition> = cx
            .snapshot
            .regions
            .get(region)
            .and_then(|inv| inv.ecs.as_ref())
            .and_then(|e| e.task_definition(def_arn));
        let label = def
            .and_then(|d| Some(format!("{}:{}", d.family.as_deref()?, d.revision?)))
            .unwrap_or_else(|| def_arn.rsplit('/').next().unwrap_or(def_arn).to_string());
        let mut o = match def {
            None => Outcome::new(
                def_arn,
                region,
                Status::NotEvaluated(why_missing(
                    cx,
                    Some(region),
                    &["ecs:DescribeTaskDefinition"],
                    def_arn,
                )),
                format!("the containers of task definition {label} are unknown"),
            ),
            Some(d) => {
                let found: Vec<String> = d.containers.iter().filter_map(&bad).collect();
                if found.is_empty() {
                    Outcome::new(
                        def_arn,
                        region,
                        Status::Pass,
                        format!(
                            "task definition {label} has no container {what} ({} container(s))",
                            d.containers.len()
                        ),
                    )
                } else if sure.is_empty() {
                    let why = maybe.first().map(|(_, w)| w.clone()).unwrap_or_default();
                    Outcome::new(
                        def_arn,
                        region,
                        Status::NotEvaluated(format!(
                            "run only by tasks that may be backends: {why}"
                        )),
                        format!("task definition {label}: {}", found.join("; ")),
                    )
                } else {
                    Outcome::new(
                        def_arn,
                        region,
                        Status::Fail,
                        format!(
                            "task definition {label}, run by {} backend task(s): {}",
                            sure.len(),
                            found.join("; ")
                        ),
                    )
                }
            }
        };
        o.affected = affected;
        out.push(o);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::network::task_fixtures::*;
    use crate::testing::*;
    use rampart_model::*;

    fn on<'a>(got: &'a [Outcome], arn: &str) -> &'a Outcome {
        got.iter()
            .find(|o| o.resource_arn == arn)
            .unwrap_or_else(|| panic!("no outcome on {arn}: {got:#?}"))
    }

    fn defs(s: &mut Snapshot) -> &mut Vec<TaskDefinition> {
        &mut region(s).ecs.as_mut().unwrap().task_definitions
    }

    /// The hardened definition (user 1000, read-only root, unprivileged)
    /// passes all three; the legacy one (no user, writable root) fails
    /// INST-015 and INST-016 and names the container; each lists the
    /// backend task that runs it.
    #[test]
    fn hardened_passes_and_legacy_fails_with_its_tasks_listed() {
        let s = demo_with_tasks();
        for check in [
            &TaskContainerPrivileged as &dyn Check,
            &TaskContainerRunsAsRoot,
            &TaskContainerWritableRoot,
        ] {
            let got = run(check, &s);
            let h = on(&got, TASKDEF_H);
            assert_eq!(h.status, Status::Pass, "{h:?}");
            assert_eq!(h.affected, vec![SharedStr::from(TASK_H)]);
            let l = on(&got, TASKDEF_L);
            let want = if check.meta().id == "INST-014" {
                Status::Pass
            } else {
                Status::Fail
            };
            assert_eq!(l.status, want, "{}: {l:?}", check.meta().id);
            assert_eq!(l.affected, vec![SharedStr::from(TASK_L)]);
        }
        let got = run(&TaskContainerRunsAsRoot, &s);
        assert!(
            on(&got, TASKDEF_L).message.contains("worker sets no user"),
            "{got:#?}"
        );
    }

    /// `privileged: true` fails INST-014; `root`, `0` and `0:0` are root
    /// for INST-015, a named or numeric other user is not.
    #[test]
    fn privileged_and_root_users_fail() {
        let mut s = demo_with_tasks();
        defs(&mut s)[0].containers[0].privileged = Some(true);
        let got = run(&TaskContainerPrivileged, &s);
        assert_eq!(on(&got, TASKDEF_H).status, Status::Fail);
        assert!(on(&got, TASKDEF_H).message.contains("api is privileged"));
        for (user, root) in [
            ("root", true),
            ("0", true),
            ("0:0", true),
            ("ROOT:wheel", true),
            ("1000:1000", false),
            ("app", false),
            ("10", false),
        ] {
            let mut s = demo_with_tasks();
            defs(&mut s)[0].containers[0].user = Some(user.into());
            let got = run(&TaskContainerRunsAsRoot, &s);
            let want = if root { Status::Fail } else { Status::Pass };
            assert_eq!(on(&got, TASKDEF_H).status, want, "user {user}");
        }
    }

    /// A task definition that was not described, and a region whose task
    /// list is missing, are not evaluated, never passed.
    #[test]
    fn missing_definitions_and_task_lists_are_not_evaluated() {
        let mut s = demo_with_tasks();
        defs(&mut s).retain(|d| d.task_definition_arn != TASKDEF_H);
        fail_for(&mut s, "ecs:DescribeTaskDefinition", TASKDEF_H);
        for check in [
            &TaskContainerPrivileged as &dyn Check,
            &TaskContainerRunsAsRoot,
            &TaskContainerWritableRoot,
        ] {
            let got = run(check, &s);
            let h = on(&got, TASKDEF_H);
            assert!(
                matches!(&h.status, Status::NotEvaluated(w) if w.contains("DescribeTaskDefinition")),
                "{h:?}"
            );
        }
        let mut s = demo_with_tasks();
        fail(&mut s, "ecs:ListClusters");
        region(&mut s).ecs = Some(EcsInventory::default());
        let got = run(&TaskContainerRunsAsRoot, &s);
        assert!(
            got.iter()
                .any(|o| o.resource_arn.ends_with(":task-definition/*")
                    && matches!(&o.status, Status::NotEvaluated(w) if w.contains("ListClusters"))),
            "{got:#?}"
        );
        assert!(!got.iter().any(|o| o.status == Status::Pass), "{got:#?}");
    }
}
