//! Amazon ECS in one region (issue 16 item 3): the clusters, each one's
//! services and running tasks, and the task definitions those name. A task
//! in `awsvpc` mode has its own network interface, so it is a backend like
//! an instance; its task definition says which roles it runs with and how
//! its containers are exposed.
//!
//! - `ListClusters`, 100 a page (the API's maximum)
//!   (<https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_ListClusters.html>).
//! - Per cluster, `ListServices`, 100 a page
//!   (<https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_ListServices.html>),
//!   then `DescribeServices`, 10 services a call, "up to 10 services"
//!   (<https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_DescribeServices.html>).
//! - Per cluster, `ListTasks` with desired status `RUNNING`, 100 a page
//!   (<https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_ListTasks.html>),
//!   then `DescribeTasks` with their tags, 100 tasks a call, "up to 100
//!   task IDs or full ARN entries"
//!   (<https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_DescribeTasks.html>).
//! - `DescribeTaskDefinition` once per task definition a service or a
//!   running task names
//!   (<https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_DescribeTaskDefinition.html>).
//!
//! Never kept: a container's environment (values or files), its secrets'
//! names and sources (only how many it references), its command, entry
//! point, labels or repository credentials, nor anything else of a task
//! definition the snapshot does not name.
//!
//! Failures: `ListClusters` failing leaves the region's inventory empty. A
//! cluster's services (or tasks) are `None` when any of their list or
//! describe calls fails, or when a describe call answers `failures` for
//! some of what it was asked (those are recorded as one error naming each
//! ARN and its reason): a partial list is never passed off as the whole;
//! the error's resource is the cluster's ARN. A task definition that could
//! not be described has no entry, its error naming its ARN.

use std::collections::BTreeSet;

use aws_sdk_ecs::Client;
use aws_sdk_ecs::types as t;
use futures::StreamExt;
use rampart_model::*;

use crate::ctx::{Ctx, Site, e, o, one_line, strings, tags};
use crate::ids::IdShape;

/// `maxResults` of `ListClusters`, `ListServices` and `ListTasks`: each
/// API's maximum.
const PAGE: i32 = 100;
/// Services per `DescribeServices` call (AWS's maximum).
const SERVICES_PER_CALL: usize = 10;
/// Tasks per `DescribeTasks` call (AWS's maximum).
const TASKS_PER_CALL: usize = 100;

fn client(ctx: &Ctx, region: &str) -> Client {
    Client::from_conf(
        aws_sdk_ecs::config::Builder::from(&ctx.sdk)
            .region(aws_types::region::Region::new(region.to_string()))
            .interceptor(ctx.counter("ecs"))
            .interceptor(crate::verify::VerifyResponse(crate::verify::Format::Json))
            .retry_classifier(crate::retry::Unimplemented)
            .http_client(ctx.http_client("ecs", Some(region)))
            .build(),
    )
}

pub(crate) fn count(i: &EcsInventory) -> usize {
    i.clusters.len() + i.services().count() + i.tasks().count()
}

pub(crate) async fn collect(ctx: &Ctx, region: &str) -> EcsInventory {
    let _timer = crate::ctx::Timer::new("ecs", Some(region));
    let c = &client(ctx, region);
    let site = Site {
        service: "ecs",
        region: Some(region),
    };
    let res: Result<Vec<String>, _> = c
        .list_clusters()
        .max_results(PAGE)
        .into_paginator()
        .items()
        .send()
        .collect()
        .await;
    let Some(arns) = ctx.ok(site, "ListClusters", None, res) else {
        return EcsInventory::default();
    };
    // An answer with a malformed ARN is refused whole (crate::ids).
    let mut arns = ctx.well_formed(
        site,
        "ListClusters",
        None,
        "cluster",
        IdShape::Arn {
            service: "ecs",
            resource: "cluster",
        },
        arns,
        |a: &String| Some(a.as_str()),
    );
    arns.sort();
    arns.dedup();
    let mut clusters: Vec<EcsCluster> = futures::stream::iter(arns.iter())
        .map(|arn| cluster(ctx, site, c, arn))
        .buffer_unordered(ctx.fanout)
        .collect()
        .await;
    clusters.sort_by(|a, b| a.cluster_arn.cmp(&b.cluster_arn));

    let named: BTreeSet<&str> = clusters
        .iter()
        .flat_map(|c| {
            let services = c.services.iter().flatten();
            let tasks = c.tasks.iter().flatten();
            services
                .filter_map(|s| s.task_definition.as_deref())
                .chain(tasks.filter_map(|t| t.task_definition_arn.as_deref()))
        })
        .filter(|a| !a.is_empty())
        .collect();
    let mut task_definitions: Vec<TaskDefinition> = futures::stream::iter(named)
        .map(|arn| describe_task_definition(ctx, site, c, arn))
        .buffer_unordered(ctx.fanout)
        .filter_map(|d| async move { d })
        .collect()
        .await;
    task_definitions.sort_by(|a, b| a.task_definition_arn.cmp(&b.task_definition_arn));
    task_definitions.dedup_by(|a, b| a.task_definition_arn == b.task_definition_arn);
    EcsInventory {
        clusters,
        task_definitions,
    }
}

/// One cluster with its services and running tasks.
async fn cluster(ctx: &Ctx, site: Site<'_>, c: &Client, arn: &str) -> EcsCluster {
    let (services, tasks) = tokio::join!(services(ctx, site, c, arn), tasks(ctx, site, c, arn));
    EcsCluster {
        cluster_arn: arn.to_string(),
        services,
        tasks,
    }
}

/// `ListServices` then `DescribeServices`, 10 a call, one batch after the
/// other; `None` at the first failure.
async fn services(ctx: &Ctx, site: Site<'_>, c: &Client, cluster: &str) -> Option<Vec<EcsService>> {
    let res: Result<Vec<String>, _> = c
        .list_services()
        .cluster(cluster)
        .max_results(PAGE)
        .into_paginator()
        .items()
        .send()
        .collect()
        .await;
    let arns = ctx.ok(site, "ListServices", Some(cluster), res)?;
    let arns = listed(ctx, site, "ListServices", cluster, "service", arns)?;
    let mut out = Vec::with_capacity(arns.len());
    for batch in arns.chunks(SERVICES_PER_CALL) {
        let res = c
            .describe_services()
            .cluster(cluster)
            .set_services(Some(batch.to_vec()))
            .send()
            .await;
        let answer = ctx.ok(site, "DescribeServices", Some(cluster), res)?;
        let described = checked(
            ctx,
            (site, "DescribeServices", cluster),
            ("service", batch.len()),
            answer.failures(),
            answer.services(),
            |s: &t::Service| s.service_arn(),
        )?;
        out.extend(described.iter().map(service));
    }
    out.sort_by(|a, b| a.service_arn.cmp(&b.service_arn));
    out.dedup_by(|a, b| a.service_arn == b.service_arn);
    Some(out)
}

/// `ListTasks` (desired status `RUNNING`) then `DescribeTasks` with tags,
/// 100 a call, one batch after the other; `None` at the first failure.
async fn tasks(ctx: &Ctx, site: Site<'_>, c: &Client, cluster: &str) -> Option<Vec<EcsTask>> {
    let res: Result<Vec<String>, _> = c
        .list_tasks()
        .cluster(cluster)
        .desired_status(t::DesiredStatus::Running)
        .max_results(PAGE)
        .into_paginator()
        .items()
        .send()
        .collect()
        .await;
    let arns = ctx.ok(site, "ListTasks", Some(cluster), res)?;
    let arns = listed(ctx, site, "ListTasks", cluster, "task", arns)?;
    let mut out = Vec::with_capacity(arns.len());
    for batch in arns.chunks(TASKS_PER_CALL) {
        let res = c
            .describe_tasks()
            .cluster(cluster)
            .set_tasks(Some(batch.to_vec()))
            .include(t::TaskField::Tags)
            .send()
            .await;
        let answer = ctx.ok(site, "DescribeTasks", Some(cluster), res)?;
        let described = checked(
            ctx,
            (site, "DescribeTasks", cluster),
            ("task", batch.len()),
            answer.failures(),
            answer.tasks(),
            |t: &t::Task| t.task_arn(),
        )?;
        out.extend(described.iter().map(task));
    }
    out.sort_by(|a, b| a.task_arn.cmp(&b.task_arn));
    out.dedup_by(|a, b| a.task_arn == b.task_arn);
    Some(out)
}

/// A cluster's listed service or task ARNs, sorted and deduplicated, if
/// every one is well formed (crate::ids); `None` (the call recorded as
/// failed) otherwise.
fn listed(
    ctx: &Ctx,
    site: Site<'_>,
    operation: &str,
    cluster: &str,
    what: &'static str,
    arns: Vec<String>,
) -> Option<Vec<String>> {
    let mut arns = all_well_formed(ctx, (site, operation, cluster), what, arns, |a: &String| {
        Some(a.as_str())
    })?;
    arns.sort();
    arns.dedup();
    Some(arns)
}

/// One `DescribeServices` or `DescribeTasks` answer, checked: a
/// per-item `failures` entry (recorded, with every ARN and reason) or a
/// malformed ARN (refused, `crate::ids`) leaves the cluster's whole list
/// uncollected, `None`; else the described items.
fn checked<T: Clone>(
    ctx: &Ctx,
    (site, operation, cluster): (Site<'_>, &str, &str),
    (what, asked): (&'static str, usize),
    failed: &[t::Failure],
    items: &[T],
    arn: impl Fn(&T) -> Option<&str>,
) -> Option<Vec<T>> {
    if !failed.is_empty() {
        ctx.recorder
            .push(failures(site, operation, cluster, what, asked, failed));
        return None;
    }
    all_well_formed(ctx, (site, operation, cluster), what, items.to_vec(), arn)
}

/// `items` if every one's ARN is well formed (`crate::ids`: the refused
/// ones are recorded); `None` otherwise, so a partial list is never kept.
fn all_well_formed<T>(
    ctx: &Ctx,
    (site, operation, cluster): (Site<'_>, &str, &str),
    what: &'static str,
    items: Vec<T>,
    arn: impl Fn(&T) -> Option<&str>,
) -> Option<Vec<T>> {
    let n = items.len();
    let kept = ctx.well_formed(
        site,
        operation,
        Some(cluster),
        what,
        IdShape::Arn {
            service: "ecs",
            resource: what,
        },
        items,
        arn,
    );
    (kept.len() == n).then_some(kept)
}

/// The error a describe call's `failures` make: the call answered, but not
/// for everything it was asked, so the cluster's list is not collected.
/// Named by the cluster's ARN; the message names each ARN and its reason
/// (<https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_Failure.html>).
fn failures(
    site: Site<'_>,
    operation: &str,
    cluster: &str,
    what: &str,
    asked: usize,
    failed: &[t::Failure],
) -> CollectionError {
    let each: Vec<String> = failed
        .iter()
        .map(|f| {
            let mut s = format!(
                "{} ({})",
                f.arn().unwrap_or("no ARN"),
                f.reason().unwrap_or("no reason")
            );
            if let Some(d) = f.detail().filter(|d| !d.is_empty()) {
                s.push_str(": ");
                s.push_str(d);
            }
            s
        })
        .collect();
    CollectionError {
        service: site.service.to_string(),
        region: site.region.map(str::to_string),
        operation: format!("{}:{operation}", site.service),
        resource: Some(cluster.to_string()),
        kind: ErrorKind::Other,
        code: failed.iter().find_map(|f| f.reason()).map(str::to_string),
        message: one_line(&format!(
            "{} of the {asked} {what}(s) asked for could not be described: {}; none of the \
             cluster's {what}s is kept",
            failed.len(),
            each.join(", ")
        )),
    }
}

/// One task definition, if it could be described and its answer names it
/// with a well-formed ARN.
async fn describe_task_definition(
    ctx: &Ctx,
    site: Site<'_>,
    c: &Client,
    arn: &str,
) -> Option<TaskDefinition> {
    let res = c
        .describe_task_definition()
        .task_definition(arn)
        .send()
        .await;
    let answer = ctx.ok(site, "DescribeTaskDefinition", Some(arn), res)?;
    // An answer without a task definition, or naming it with a malformed
    // ARN, is refused (crate::ids).
    let described = ctx.well_formed(
        site,
        "DescribeTaskDefinition",
        Some(arn),
        "task definition",
        IdShape::Arn {
            service: "ecs",
            resource: "task-definition",
        },
        vec![answer.task_definition()],
        |d: &Option<&t::TaskDefinition>| d.and_then(|d| d.task_definition_arn()),
    );
    described.into_iter().flatten().next().map(task_definition)
}

/// <https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_Service.html>
fn service(s: &t::Service) -> EcsService {
    EcsService {
        service_arn: s.service_arn().unwrap_or_default().to_string(),
        service_name: o(s.service_name()),
        cluster_arn: o(s.cluster_arn()),
        status: o(s.status()),
        launch_type: e(s.launch_type()),
        task_definition: o(s.task_definition()),
        desired_count: Some(s.desired_count()),
        running_count: Some(s.running_count()),
        network: s
            .network_configuration()
            .and_then(|n| n.awsvpc_configuration())
            .map(|v| AwsVpcConfiguration {
                subnets: strings(v.subnets()),
                security_groups: strings(v.security_groups()),
                assign_public_ip: e(v.assign_public_ip()),
            }),
        load_balancers: s
            .load_balancers()
            .iter()
            .map(|l| EcsLoadBalancer {
                target_group_arn: o(l.target_group_arn()),
                load_balancer_name: o(l.load_balancer_name()),
                container_name: o(l.container_name()),
                container_port: l.container_port(),
            })
            .collect(),
        service_registries: s
            .service_registries()
            .iter()
            .map(|r| EcsServiceRegistry {
                registry_arn: o(r.registry_arn()),
                port: r.port(),
                container_name: o(r.container_name()),
                container_port: r.container_port(),
            })
            .collect(),
    }
}

/// The attachment type of a task's own network interface (`awsvpc`).
const ENI_ATTACHMENT: &str = "ElasticNetworkInterface";

/// <https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_Task.html>;
/// the interface from its `ElasticNetworkInterface` attachment's details
/// (<https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_Attachment.html>).
fn task(t: &t::Task) -> EcsTask {
    let eni = t
        .attachments()
        .iter()
        .find(|a| a.r#type() == Some(ENI_ATTACHMENT));
    let detail = |name: &str| {
        eni.and_then(|a| {
            a.details()
                .iter()
                .find(|d| d.name() == Some(name))
                .and_then(|d| d.value())
                .filter(|v| !v.is_empty())
                .map(str::to_string)
        })
    };
    EcsTask {
        task_arn: t.task_arn().unwrap_or_default().to_string(),
        cluster_arn: o(t.cluster_arn()),
        task_definition_arn: o(t.task_definition_arn()),
        group: o(t.group()),
        launch_type: e(t.launch_type()),
        last_status: o(t.last_status()),
        desired_status: o(t.desired_status()),
        container_instance_arn: o(t.container_instance_arn()),
        network_interface_id: detail("networkInterfaceId"),
        private_ipv4: detail("privateIPv4Address"),
        subnet_id: detail("subnetId"),
        tags: tags(t.tags().iter().map(|t| (t.key(), t.value()))),
    }
}

/// <https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_TaskDefinition.html>:
/// only the fields the snapshot names.
fn task_definition(d: &t::TaskDefinition) -> TaskDefinition {
    TaskDefinition {
        task_definition_arn: d.task_definition_arn().unwrap_or_default().to_string(),
        family: o(d.family()),
        // The SDK answers 0 for an absent revision; revisions start at 1.
        revision: Some(d.revision()).filter(|r| *r > 0),
        network_mode: e(d.network_mode()),
        task_role_arn: o(d.task_role_arn()),
        execution_role_arn: o(d.execution_role_arn()),
        requires_compatibilities: strings(d.requires_compatibilities()),
        containers: d.container_definitions().iter().map(container).collect(),
    }
}

/// <https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_ContainerDefinition.html>:
/// how the container runs and is exposed; of its secrets only how many
/// there are, and nothing of its environment, command or labels.
fn container(c: &t::ContainerDefinition) -> ContainerDefinition {
    ContainerDefinition {
        name: c.name().unwrap_or_default().to_string(),
        image: o(c.image()),
        essential: c.essential(),
        privileged: c.privileged(),
        user: o(c.user()),
        readonly_root_filesystem: c.readonly_root_filesystem(),
        port_mappings: c
            .port_mappings()
            .iter()
            .map(|p| PortMapping {
                container_port: p.container_port(),
                host_port: p.host_port(),
                protocol: e(p.protocol()),
            })
            .collect(),
        secrets_referenced: u32::try_from(c.secrets().len()).unwrap_or(u32::MAX),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const CLUSTER: &str = "arn:aws:ecs:us-east-1:123456789012:cluster/orders";

    #[test]
    fn services_keep_their_network_load_balancers_and_registries() {
        let s = t::Service::builder()
            .service_arn("arn:aws:ecs:us-east-1:123456789012:service/orders/orders-api")
            .service_name("orders-api")
            .cluster_arn(CLUSTER)
            .status("ACTIVE")
            .launch_type(t::LaunchType::Fargate)
            .task_definition("arn:aws:ecs:us-east-1:123456789012:task-definition/orders:3")
            .desired_count(2)
            .running_count(1)
            .network_configuration(
                t::NetworkConfiguration::builder()
                    .awsvpc_configuration(
                        t::AwsVpcConfiguration::builder()
                            .subnets("subnet-0a1b2c3d")
                            .security_groups("sg-0a1b2c3d")
                            .assign_public_ip(t::AssignPublicIp::Enabled)
                            .build()
                            .unwrap(),
                    )
                    .build(),
            )
            .load_balancers(
                t::LoadBalancer::builder()
                    .target_group_arn(
                        "arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/orders/0123456789abcdef",
                    )
                    .container_name("app")
                    .container_port(8080)
                    .build(),
            )
            .service_registries(
                t::ServiceRegistry::builder()
                    .registry_arn(
                        "arn:aws:servicediscovery:us-east-1:123456789012:service/srv-0a1b2c3d4e5f6a7b",
                    )
                    .container_name("app")
                    .container_port(8080)
                    .build(),
            )
            .build();
        let got = service(&s);
        assert_eq!(got.service_name.as_deref(), Some("orders-api"));
        assert_eq!(got.cluster_arn.as_deref(), Some(CLUSTER));
        assert_eq!(got.launch_type.as_deref(), Some("FARGATE"));
        assert_eq!((got.desired_count, got.running_count), (Some(2), Some(1)));
        let net = got.network.as_ref().unwrap();
        assert_eq!(net.subnets, vec!["subnet-0a1b2c3d"]);
        assert_eq!(net.security_groups, vec!["sg-0a1b2c3d"]);
        assert_eq!(net.assign_public_ip.as_deref(), Some("ENABLED"));
        assert!(net.assigns_public_ip());
        assert_eq!(got.load_balancers.len(), 1);
        assert_eq!(got.load_balancers[0].container_port, Some(8080));
        assert!(got.load_balancers[0].load_balancer_name.is_none());
        assert_eq!(
            got.service_registries[0].registry_arn.as_deref(),
            Some("arn:aws:servicediscovery:us-east-1:123456789012:service/srv-0a1b2c3d4e5f6a7b")
        );
        // No awsvpc configuration (bridge or host mode): no network.
        let bare = t::Service::builder().service_arn("x").build();
        assert_eq!(service(&bare).network, None);
    }

    #[test]
    fn a_task_takes_its_interface_from_the_eni_attachment() {
        let kv = |n: &str, v: &str| t::KeyValuePair::builder().name(n).value(v).build();
        let task_arn = "arn:aws:ecs:us-east-1:123456789012:task/orders/0a1b2c3d4e5f";
        let tk = t::Task::builder()
            .task_arn(task_arn)
            .cluster_arn(CLUSTER)
            .task_definition_arn("arn:aws:ecs:us-east-1:123456789012:task-definition/orders:3")
            .group("service:orders-api")
            .launch_type(t::LaunchType::Fargate)
            .last_status("RUNNING")
            .desired_status("RUNNING")
            // Another attachment first: only the ENI's details count.
            .attachments(
                t::Attachment::builder()
                    .r#type("ServiceConnect")
                    .details(kv("networkInterfaceId", "eni-ffffffffffffffff0"))
                    .build(),
            )
            .attachments(
                t::Attachment::builder()
                    .r#type("ElasticNetworkInterface")
                    .status("ATTACHED")
                    .details(kv("subnetId", "subnet-0a1b2c3d"))
                    .details(kv("networkInterfaceId", "eni-0123456789abcdef0"))
                    .details(kv("macAddress", "0a:1b:2c:3d:4e:5f"))
                    .details(kv("privateIPv4Address", "10.0.1.25"))
                    .build(),
            )
            .tags(t::Tag::builder().key("team").value("orders").build())
            .build();
        let got = task(&tk);
        assert_eq!(got.task_arn, task_arn);
        assert_eq!(got.service_name(), Some("orders-api"));
        assert_eq!(got.launch_type.as_deref(), Some("FARGATE"));
        assert_eq!(
            got.network_interface_id.as_deref(),
            Some("eni-0123456789abcdef0")
        );
        assert_eq!(got.private_ipv4.as_deref(), Some("10.0.1.25"));
        assert_eq!(got.subnet_id.as_deref(), Some("subnet-0a1b2c3d"));
        assert_eq!(got.tags.get("team").map(String::as_str), Some("orders"));
        assert!(!format!("{got:?}").contains("0a:1b:2c"));
        // Bridge mode: no ENI attachment, no interface.
        let bridge = task(&t::Task::builder().task_arn(task_arn).build());
        assert_eq!(
            (
                bridge.network_interface_id,
                bridge.private_ipv4,
                bridge.subnet_id
            ),
            (None, None, None)
        );
    }

    /// Environment values, secret names and sources, command, entry
    /// point, labels and repository credentials never reach the snapshot:
    /// only how many secrets there are.
    #[test]
    fn a_task_definition_keeps_no_environment_or_secret_source() {
        const ENV_VALUE: &str = "RAMPART-UNIT-ENV-VALUE";
        const SECRET_FROM: &str =
            "arn:aws:ssm:us-east-1:123456789012:parameter/orders/RAMPART-UNIT-VALUEFROM";
        let c = t::ContainerDefinition::builder()
            .name("app")
            .image("123456789012.dkr.ecr.us-east-1.amazonaws.com/orders:1.4")
            .essential(true)
            .privileged(false)
            .user("1000")
            .readonly_root_filesystem(true)
            .port_mappings(
                t::PortMapping::builder()
                    .container_port(8080)
                    .host_port(8080)
                    .protocol(t::TransportProtocol::Tcp)
                    .name("RAMPART-UNIT-PORT-NAME")
                    .build(),
            )
            .environment(
                t::KeyValuePair::builder()
                    .name("RAMPART_UNIT_ENV_NAME")
                    .value(ENV_VALUE)
                    .build(),
            )
            .environment_files(
                t::EnvironmentFile::builder()
                    .value("arn:aws:s3:::RAMPART-UNIT-ENVFILE/app.env")
                    .r#type(t::EnvironmentFileType::S3)
                    .build()
                    .unwrap(),
            )
            .secrets(
                t::Secret::builder()
                    .name("RAMPART_UNIT_SECRET_NAME")
                    .value_from(SECRET_FROM)
                    .build()
                    .unwrap(),
            )
            .secrets(
                t::Secret::builder()
                    .name("DB_PASSWORD")
                    .value_from(
                        "arn:aws:secretsmanager:us-east-1:123456789012:secret:RAMPART-UNIT-SM",
                    )
                    .build()
                    .unwrap(),
            )
            .command("RAMPART-UNIT-COMMAND")
            .entry_point("RAMPART-UNIT-ENTRYPOINT")
            .docker_labels("RAMPART-UNIT-LABEL", "RAMPART-UNIT-LABEL-VALUE")
            .repository_credentials(
                t::RepositoryCredentials::builder()
                    .credentials_parameter(
                        "arn:aws:secretsmanager:us-east-1:123456789012:secret:RAMPART-UNIT-REPO",
                    )
                    .build()
                    .unwrap(),
            )
            .build();
        let d = t::TaskDefinition::builder()
            .task_definition_arn("arn:aws:ecs:us-east-1:123456789012:task-definition/orders:3")
            .family("orders")
            .revision(3)
            .network_mode(t::NetworkMode::Awsvpc)
            .task_role_arn("arn:aws:iam::123456789012:role/orders-task")
            .execution_role_arn("arn:aws:iam::123456789012:role/orders-exec")
            .requires_compatibilities(t::Compatibility::Fargate)
            .container_definitions(c)
            .build();
        let got = task_definition(&d);
        assert_eq!(got.family.as_deref(), Some("orders"));
        assert_eq!(got.revision, Some(3));
        assert_eq!(got.network_mode.as_deref(), Some("awsvpc"));
        assert_eq!(
            got.task_role_arn.as_deref(),
            Some("arn:aws:iam::123456789012:role/orders-task")
        );
        assert_eq!(got.requires_compatibilities, vec!["FARGATE"]);
        assert_eq!(
            got.containers,
            vec![ContainerDefinition {
                name: "app".into(),
                image: Some("123456789012.dkr.ecr.us-east-1.amazonaws.com/orders:1.4".into()),
                essential: Some(true),
                privileged: Some(false),
                user: Some("1000".into()),
                readonly_root_filesystem: Some(true),
                port_mappings: vec![PortMapping {
                    container_port: Some(8080),
                    host_port: Some(8080),
                    protocol: Some("tcp".into()),
                }],
                secrets_referenced: 2,
            }]
        );
        let json = serde_json::to_string(&got).unwrap();
        for never in [
            "RAMPART-UNIT",
            "RAMPART_UNIT",
            "DB_PASSWORD",
            "secretsmanager",
            "parameter/",
        ] {
            assert!(!json.contains(never), "{never} in {json}");
        }
        // No revision in the answer: none, not 0.
        let bare = task_definition(
            &t::TaskDefinition::builder()
                .task_definition_arn("x")
                .build(),
        );
        assert_eq!(bare.revision, None);
    }

    #[test]
    fn describe_failures_name_each_arn_and_the_cluster() {
        let site = Site {
            service: "ecs",
            region: Some("us-east-1"),
        };
        let gone = "arn:aws:ecs:us-east-1:123456789012:service/orders/gone";
        let f = [t::Failure::builder().arn(gone).reason("MISSING").build()];
        let err = failures(site, "DescribeServices", CLUSTER, "service", 10, &f);
        assert_eq!(err.operation, "ecs:DescribeServices");
        assert_eq!(err.resource.as_deref(), Some(CLUSTER));
        assert_eq!(err.region.as_deref(), Some("us-east-1"));
        assert_eq!(err.code.as_deref(), Some("MISSING"));
        assert_eq!(err.kind, ErrorKind::Other);
        assert_eq!(
            err.message,
            format!(
                "1 of the 10 service(s) asked for could not be described: {gone} (MISSING); \
                 none of the cluster's services is kept"
            )
        );
    }
}
