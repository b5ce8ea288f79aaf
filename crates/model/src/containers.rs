//! Amazon ECS and AWS Cloud Map in a region's snapshot (issue 16 items 3
//! and 4; snapshot schema 8).
//!
//! ECS tasks are backends beside EC2 instances: a task in `awsvpc` network
//! mode has its own elastic network interface, so it is reached, and
//! judged, like an instance's interface
//! (<https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task-networking-awsvpc.html>).
//! Cloud Map services are where an HTTP API's private integration may send
//! traffic through a VPC link
//! (<https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-develop-integrations-private.html>).
//!
//! Never kept: a container's environment values, its secrets' names or
//! sources (only how many it references), its command, entry point or
//! labels; a Cloud Map instance's custom attributes (only the ones AWS
//! defines for addresses and for ECS).

use serde::{Deserialize, Serialize};

use crate::{CompactString, Tags};

/// The region's ECS clusters, what runs on them, and the task definitions
/// of the running tasks and services.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct EcsInventory {
    /// `ListClusters`, sorted by ARN.
    pub clusters: Vec<EcsCluster>,
    /// `DescribeTaskDefinition` of every task definition a running task or
    /// a service names, sorted by ARN. One that could not be described has
    /// no entry (its error names it).
    pub task_definitions: Vec<TaskDefinition>,
}

impl EcsInventory {
    /// The task definition `arn` names: found by binary search in the
    /// sorted list the collector writes, and by a scan when that misses
    /// (a hand-made snapshot may not be sorted; a miss is rare: only a
    /// definition that was not described).
    pub fn task_definition(&self, arn: &str) -> Option<&TaskDefinition> {
        match self
            .task_definitions
            .binary_search_by(|t| t.task_definition_arn.as_str().cmp(arn))
        {
            Ok(i) => Some(&self.task_definitions[i]),
            Err(_) => self
                .task_definitions
                .iter()
                .find(|t| t.task_definition_arn == arn),
        }
    }

    /// Every running task of every cluster whose tasks were collected.
    pub fn tasks(&self) -> impl Iterator<Item = &EcsTask> {
        self.clusters.iter().flat_map(|c| c.tasks.iter().flatten())
    }

    /// Every service of every cluster whose services were collected.
    pub fn services(&self) -> impl Iterator<Item = &EcsService> {
        self.clusters
            .iter()
            .flat_map(|c| c.services.iter().flatten())
    }
}

/// <https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_ListClusters.html>
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EcsCluster {
    pub cluster_arn: String,
    /// `ListServices` then `DescribeServices` (10 a call); `None` when
    /// not collected (the error says why).
    pub services: Option<Vec<EcsService>>,
    /// `ListTasks` (desired status `RUNNING`, 100 a page) then
    /// `DescribeTasks` (100 a call); `None` when not collected.
    pub tasks: Option<Vec<EcsTask>>,
}

/// <https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_Service.html>
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EcsService {
    pub service_arn: String,
    pub service_name: Option<String>,
    pub cluster_arn: Option<String>,
    /// `ACTIVE`, `DRAINING`, `INACTIVE`.
    pub status: Option<String>,
    /// `EC2`, `FARGATE`, `EXTERNAL`; `None` with a capacity provider strategy.
    pub launch_type: Option<String>,
    pub task_definition: Option<String>,
    pub desired_count: Option<i32>,
    pub running_count: Option<i32>,
    /// The `awsvpc` configuration its tasks get.
    pub network: Option<AwsVpcConfiguration>,
    /// The target groups it registers its tasks with.
    pub load_balancers: Vec<EcsLoadBalancer>,
    /// The Cloud Map services it registers its tasks with.
    pub service_registries: Vec<EcsServiceRegistry>,
}

/// <https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_AwsVpcConfiguration.html>
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AwsVpcConfiguration {
    pub subnets: Vec<String>,
    pub security_groups: Vec<CompactString>,
    /// `ENABLED` or `DISABLED` (AWS's default).
    pub assign_public_ip: Option<String>,
}

impl AwsVpcConfiguration {
    /// Whether tasks get a public IPv4 address (`assignPublicIp`
    /// `ENABLED`; `DISABLED` is the default).
    pub fn assigns_public_ip(&self) -> bool {
        self.assign_public_ip
            .as_deref()
            .is_some_and(|v| v.eq_ignore_ascii_case("ENABLED"))
    }
}

/// <https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_LoadBalancer.html>
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EcsLoadBalancer {
    pub target_group_arn: Option<String>,
    pub load_balancer_name: Option<String>,
    pub container_name: Option<String>,
    pub container_port: Option<i32>,
}

/// <https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_ServiceRegistry.html>
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EcsServiceRegistry {
    pub registry_arn: Option<String>,
    pub port: Option<i32>,
    pub container_name: Option<String>,
    pub container_port: Option<i32>,
}

/// A running task (<https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_Task.html>).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EcsTask {
    pub task_arn: String,
    pub cluster_arn: Option<String>,
    pub task_definition_arn: Option<String>,
    /// `service:NAME` for a service's task, `family:NAME` for one run alone.
    pub group: Option<String>,
    /// `EC2`, `FARGATE`, `EXTERNAL`.
    pub launch_type: Option<String>,
    pub last_status: Option<String>,
    pub desired_status: Option<String>,
    /// The EC2 container instance an `EC2` launch type task runs on.
    pub container_instance_arn: Option<String>,
    /// The task's own network interface (`awsvpc`): the
    /// `ElasticNetworkInterface` attachment's `networkInterfaceId`.
    pub network_interface_id: Option<String>,
    /// The attachment's `privateIPv4Address`.
    pub private_ipv4: Option<String>,
    /// The attachment's `subnetId`.
    pub subnet_id: Option<String>,
    pub tags: Tags,
}

impl EcsTask {
    /// The task's id: the last part of its ARN (both the short
    /// `task/ID` and the long `task/CLUSTER/ID` formats).
    pub fn task_id(&self) -> &str {
        self.task_arn.rsplit('/').next().unwrap_or(&self.task_arn)
    }

    /// How rampart names the task as a backend: its ARN's resource after
    /// `task/` (`CLUSTER/ID` in the long format, `ID` in the short one),
    /// unique in its region and never like an instance id.
    pub fn backend_id(&self) -> &str {
        self.task_arn
            .split_once(":task/")
            .map_or(self.task_arn.as_str(), |(_, rest)| rest)
    }

    /// Whether the task exists for the network: ECS lists `RUNNING` ones
    /// as asked, and one on its way down (`DEPROVISIONING`, `STOPPED`) has
    /// released or is releasing its interface. Every state before those
    /// (`PROVISIONING` to `STOPPING`) still holds it: "DEPROVISIONING: the
    /// elastic network interface is detached and deleted" ([Amazon ECS task
    /// lifecycle](https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task-lifecycle-explanation.html)).
    pub fn is_live(&self) -> bool {
        !matches!(
            self.last_status.as_deref(),
            Some("STOPPED" | "DEPROVISIONING")
        )
    }

    /// The service that started it, from its group (`service:NAME`).
    pub fn service_name(&self) -> Option<&str> {
        self.group.as_deref()?.strip_prefix("service:")
    }
}

/// The parts of a task definition that decide how a task may be reached
/// and what it may do
/// (<https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_TaskDefinition.html>).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TaskDefinition {
    pub task_definition_arn: String,
    pub family: Option<String>,
    pub revision: Option<i32>,
    /// `awsvpc`, `bridge`, `host`, `none`; `None` is `bridge` on Linux.
    pub network_mode: Option<String>,
    /// The role the containers' AWS calls use.
    pub task_role_arn: Option<String>,
    /// The role ECS uses to pull images and fetch secrets.
    pub execution_role_arn: Option<String>,
    pub requires_compatibilities: Vec<String>,
    pub containers: Vec<ContainerDefinition>,
}

/// One container of a task definition
/// (<https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_ContainerDefinition.html>).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ContainerDefinition {
    pub name: String,
    pub image: Option<String>,
    pub essential: Option<bool>,
    /// `true` gives the container root's powers on the host.
    pub privileged: Option<bool>,
    /// The user the container runs as; absent, the image's (root for most).
    pub user: Option<String>,
    pub readonly_root_filesystem: Option<bool>,
    pub port_mappings: Vec<PortMapping>,
    /// How many secrets (`secrets`) the container references: never their
    /// names, sources or values.
    pub secrets_referenced: u32,
}

/// <https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_PortMapping.html>
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PortMapping {
    pub container_port: Option<i32>,
    pub host_port: Option<i32>,
    /// `tcp` (the default) or `udp`.
    pub protocol: Option<String>,
}

/// The region's AWS Cloud Map services and their registered instances.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CloudMapInventory {
    /// `servicediscovery:ListServices`, sorted by ARN.
    pub services: Vec<CloudMapService>,
}

impl CloudMapInventory {
    pub fn service(&self, arn: &str) -> Option<&CloudMapService> {
        self.services.iter().find(|s| s.arn == arn)
    }
}

/// <https://docs.aws.amazon.com/cloud-map/latest/api/API_ServiceSummary.html>
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CloudMapService {
    pub id: String,
    pub arn: String,
    pub name: Option<String>,
    pub namespace_id: Option<String>,
    /// `ListInstances`; `None` when not collected (the error says why).
    pub instances: Option<Vec<CloudMapInstance>>,
}

/// A registered instance
/// (<https://docs.aws.amazon.com/cloud-map/latest/api/API_InstanceSummary.html>):
/// only the attributes AWS defines
/// (<https://docs.aws.amazon.com/cloud-map/latest/api/API_RegisterInstance.html>).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CloudMapInstance {
    pub id: String,
    /// `AWS_INSTANCE_IPV4`.
    pub ipv4: Option<String>,
    /// `AWS_INSTANCE_IPV6`.
    pub ipv6: Option<String>,
    /// `AWS_INSTANCE_PORT`.
    pub port: Option<u16>,
    /// `AWS_EC2_INSTANCE_ID`.
    pub ec2_instance_id: Option<String>,
    /// `ECS_CLUSTER_NAME`, set when ECS registers a task.
    pub ecs_cluster_name: Option<String>,
    /// `ECS_SERVICE_NAME`.
    pub ecs_service_name: Option<String>,
    /// `ECS_TASK_DEFINITION_FAMILY`.
    pub ecs_task_definition_family: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn task_ids_come_from_both_arn_formats() {
        let mut t = EcsTask {
            task_arn: "arn:aws:ecs:us-east-1:123456789012:task/orders/0a1b2c".into(),
            cluster_arn: None,
            task_definition_arn: None,
            group: Some("service:orders-api".into()),
            launch_type: None,
            last_status: None,
            desired_status: None,
            container_instance_arn: None,
            network_interface_id: None,
            private_ipv4: None,
            subnet_id: None,
            tags: Tags::new(),
        };
        assert_eq!(t.task_id(), "0a1b2c");
        assert_eq!(t.backend_id(), "orders/0a1b2c");
        assert_eq!(t.service_name(), Some("orders-api"));
        t.task_arn = "arn:aws:ecs:us-east-1:123456789012:task/0a1b2c".into();
        t.group = Some("family:batch".into());
        assert_eq!(t.task_id(), "0a1b2c");
        assert_eq!(t.backend_id(), "0a1b2c");
        assert_eq!(t.service_name(), None);
    }

    #[test]
    fn public_ip_is_off_unless_enabled() {
        let mut c = AwsVpcConfiguration::default();
        assert!(!c.assigns_public_ip());
        c.assign_public_ip = Some("DISABLED".into());
        assert!(!c.assigns_public_ip());
        c.assign_public_ip = Some("ENABLED".into());
        assert!(c.assigns_public_ip());
    }
}
