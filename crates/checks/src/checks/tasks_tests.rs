//! ECS tasks as backends across the layers (issue 16 item 3): the checks
//! that judge a backend's public address, subnet, security groups, front
//! door and role judge a backend task as they judge an instance, filed on
//! the same resources, with the task's ARN among the affected backends;
//! pass, fail and not evaluated each.

use rampart_model::*;
use serde_json::json;

use crate::checks::edge::backend_bypasses_gateway::BackendBypassesGateway;
use crate::checks::instance::instance_role_admin::InstanceRoleAdmin;
use crate::checks::network::backend_has_public_ip::BackendHasPublicIp;
use crate::checks::network::backend_in_public_subnet::BackendInPublicSubnet;
use crate::checks::network::backend_sg_app_port_open_wide::BackendSgAppPortOpenWide;
use crate::checks::network::task_fixtures::*;
use crate::registry::Outcome;
use crate::testing::*;

fn on<'a>(got: &'a [Outcome], arn: &str) -> &'a Outcome {
    got.iter()
        .find(|o| o.resource_arn == arn)
        .unwrap_or_else(|| panic!("no outcome on {arn}: {got:#?}"))
}

fn lists(o: &Outcome, arn: &str) -> bool {
    o.affected.iter().any(|a| a == arn)
}

/// NET-002: the legacy task's public IP fails on the task; the hardened
/// task passes; a task whose interface was not collected is not evaluated.
#[test]
fn net_002_judges_a_tasks_own_interface() {
    let s = demo_with_tasks();
    let got = run(&BackendHasPublicIp, &s);
    let l = on(&got, TASK_L);
    assert_eq!(l.status, Status::Fail, "{l:?}");
    assert!(l.message.contains("127.0.0.9"), "{}", l.message);
    assert_eq!(on(&got, TASK_H).status, Status::Pass);

    let mut s = demo_with_tasks();
    region(&mut s)
        .ec2
        .network_interfaces
        .retain(|e| e.network_interface_id != "eni-th");
    fail_for(&mut s, "ec2:DescribeNetworkInterfaces", "eni-th");
    let got = run(&BackendHasPublicIp, &s);
    let h = got
        .iter()
        .filter(|o| o.resource_arn == TASK_H)
        .collect::<Vec<_>>();
    assert!(
        !h.is_empty()
            && h.iter()
                .all(|o| matches!(o.status, Status::NotEvaluated(_))),
        "{h:#?}"
    );
}

/// NET-001: the legacy task's subnet routes to an internet gateway (fail on
/// its route table, the task listed); the hardened task's does not.
#[test]
fn net_001_files_a_tasks_subnet_on_its_route_table() {
    let got = run(&BackendInPublicSubnet, &demo_with_tasks());
    let l = got
        .iter()
        .find(|o| o.resource_arn.ends_with("route-table/rtb-l"))
        .expect("rtb-l");
    assert_eq!(l.status, Status::Fail);
    assert!(lists(l, TASK_L), "{l:?}");
    let h = got
        .iter()
        .find(|o| o.resource_arn.ends_with("route-table/rtb-happ"))
        .expect("rtb-happ");
    assert_eq!(h.status, Status::Pass);
    assert!(lists(h, TASK_H), "{h:?}");
}

/// NET-004: the hardened task's group admits its app port from the load
/// balancer's and the link's groups only (pass); the legacy task's group
/// opens 8080 to the internet (fail, the task listed).
#[test]
fn net_004_judges_a_tasks_groups() {
    let got = run(&BackendSgAppPortOpenWide, &demo_with_tasks());
    let h = on(
        &got,
        "arn:aws:ec2:us-east-1:123456789012:security-group/sg-htask",
    );
    assert_eq!(h.status, Status::Pass, "{h:?}");
    assert!(h.message.contains("tcp 8443"), "{}", h.message);
    let l = on(
        &got,
        "arn:aws:ec2:us-east-1:123456789012:security-group/sg-lweb",
    );
    assert_eq!(l.status, Status::Fail);
    assert!(lists(l, TASK_L), "{l:?}");
    // Without the task list, every group's verdict stands but the region's
    // tasks are not evaluated on task/*.
    let mut s = demo_with_tasks();
    fail(&mut s, "ecs:ListTasks");
    for c in &mut region(&mut s).ecs.as_mut().unwrap().clusters {
        c.tasks = None;
    }
    let got = run(&BackendSgAppPortOpenWide, &s);
    assert!(
        got.iter()
            .any(|o| o.resource_arn.ends_with(":task/*")
                && matches!(o.status, Status::NotEvaluated(_))),
        "{got:#?}"
    );
}

/// EDGE-001: the legacy task is reached around any front door (its public
/// IP); the hardened task only through the REST API and the HTTP API.
#[test]
fn edge_001_judges_task_backends() {
    let got = run(&BackendBypassesGateway, &demo_with_tasks());
    assert_eq!(on(&got, TASK_L).status, Status::Fail);
    let h = on(&got, TASK_H);
    assert_eq!(h.status, Status::Pass, "{h:?}");
}

/// INST-003: a task role with AdministratorAccess fails, filed on the
/// role with the task listed; a role a task definition names that the
/// snapshot lacks is not evaluated, filed on that role, the task listed.
#[test]
fn inst_003_judges_task_roles() {
    let mut s = demo_with_tasks();
    for (name, admin) in [("orders-task-role", false), ("legacy-task-admin", true)] {
        s.iam.roles.push(Role {
            arn: format!("arn:aws:iam::123456789012:role/{name}"),
            role_name: name.into(),
            role_id: None,
            path: Some("/".into()),
            assume_role_policy: Some(json!({"Version": "2012-10-17", "Statement": [
                {"Effect": "Allow", "Principal": {"Service": "ecs-tasks.amazonaws.com"}, "Action": "sts:AssumeRole"}
            ]})),
            permissions_boundary_arn: None,
            attached_policy_arns: Some(if admin {
                vec!["arn:aws:iam::aws:policy/AdministratorAccess".into()]
            } else {
                vec![]
            }),
            inline_policies: Some(vec![]),
        });
    }
    let got = run(&InstanceRoleAdmin, &s);
    let admin = on(&got, "arn:aws:iam::123456789012:role/legacy-task-admin");
    assert_eq!(admin.status, Status::Fail);
    assert!(lists(admin, TASK_L), "{admin:?}");
    let least = on(&got, "arn:aws:iam::123456789012:role/orders-task-role");
    assert_eq!(least.status, Status::Pass);
    assert!(lists(least, TASK_H), "{least:?}");

    // Without the legacy task definition, which role its task carries is
    // unknown: the admin role no known task carries is not evaluated,
    // never dropped (and never a pass).
    let mut no_def = s.clone();
    region(&mut no_def)
        .ecs
        .as_mut()
        .unwrap()
        .task_definitions
        .retain(|d| d.task_definition_arn != TASKDEF_L);
    fail_for(&mut no_def, "ecs:DescribeTaskDefinition", TASKDEF_L);
    let got = run(&InstanceRoleAdmin, &no_def);
    let admin = on(&got, "arn:aws:iam::123456789012:role/legacy-task-admin");
    assert!(
        matches!(&admin.status, Status::NotEvaluated(w) if w.contains("DescribeTaskDefinition")),
        "{admin:?}"
    );

    s.iam.roles.retain(|r| r.role_name != "legacy-task-admin");
    let got = run(&InstanceRoleAdmin, &s);
    let role = on(&got, "arn:aws:iam::123456789012:role/legacy-task-admin");
    assert!(
        matches!(&role.status, Status::NotEvaluated(w) if w.contains("is not in the snapshot")),
        "{role:?}"
    );
    assert!(lists(role, TASK_L));
}

/// The scorecard shows tasks beside instances: a card per backend task,
/// kind `task`, its ARN, its service as its name, and the verdicts of the
/// checks above in its columns.
#[test]
fn tasks_get_scorecards_beside_instances() {
    let s = demo_with_tasks();
    let index = crate::index::Index::new(&s);
    let exposures = crate::paths::Exposures::compute(&index);
    let findings = crate::registry::run_with(&s, &index, &exposures, &Default::default());
    let layers = |id: &str| {
        crate::registry::CHECKS
            .iter()
            .find(|c| c.meta().id == id)
            .map(|c| vec![c.meta().layer])
            .unwrap_or_default()
    };
    let cards = crate::scorecard::scorecards(&index, exposures, &findings, &layers);
    let card = |id: &str| {
        cards
            .iter()
            .find(|c| c.instance_id == id)
            .unwrap_or_else(|| {
                panic!(
                    "no card for {id}: {:?}",
                    cards.iter().map(|c| &c.instance_id).collect::<Vec<_>>()
                )
            })
    };
    let h = card("orders/t-h");
    assert_eq!(
        (h.kind, h.instance_arn.as_str()),
        (BackendKind::Task, TASK_H)
    );
    assert_eq!(h.name.as_deref(), Some("orders-api"));
    assert_eq!(h.paths.len(), 2);
    let l = card("legacy/t-l");
    assert_eq!(l.kind, BackendKind::Task);
    assert!(
        matches!(l.network, LayerVerdict::Fail { .. }),
        "{:?}",
        l.network
    );
    assert!(
        matches!(l.instance, LayerVerdict::Fail { .. }),
        "{:?}",
        l.instance
    );
    assert_eq!(card("i-h1").kind, BackendKind::Instance);
}
