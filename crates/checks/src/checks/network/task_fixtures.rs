//! ECS tasks and a Cloud Map service on top of the network checks' demo
//! fixture ([`super::fixtures::demo`]), as the emulator seed tells the
//! story (issue 16 items 3 and 4):
//! - `orders/t-h`, a hardened Fargate task on its own interface in the
//!   private app subnet, an `ip` target of the internal NLB's TLS 8443
//!   listener behind the REST API's VPC link, and the one instance of the
//!   Cloud Map service `orders-api` that an HTTP API calls through a v2
//!   VPC link;
//! - `legacy/t-l`, a task with a public IP (`assignPublicIp` `ENABLED`)
//!   in the legacy public subnet, open to the internet on 8080.

use rampart_model::*;

use super::fixtures::*;
use crate::testing::region;

pub const TASK_H: &str = "arn:aws:ecs:us-east-1:123456789012:task/orders/t-h";
pub const TASK_L: &str = "arn:aws:ecs:us-east-1:123456789012:task/legacy/t-l";
pub const TASKDEF_H: &str = "arn:aws:ecs:us-east-1:123456789012:task-definition/orders-api:1";
pub const TASKDEF_L: &str = "arn:aws:ecs:us-east-1:123456789012:task-definition/legacy-worker:1";
pub const TG_HT: &str = "arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/tg-ht/3";
pub const LISTENER_HT: &str =
    "arn:aws:elasticloadbalancing:us-east-1:123456789012:listener/net/nlb-h/1/8443";
pub const CLOUDMAP_SVC: &str = "arn:aws:servicediscovery:us-east-1:123456789012:service/srv-orders";

/// A task's own interface: no instance attachment (Fargate).
pub fn task_eni(
    id: &str,
    subnet: &str,
    vpc: &str,
    ip: &str,
    public: Option<&str>,
    sgs: &[&str],
) -> NetworkInterface {
    let mut e = eni(id, subnet, vpc, ip, public, sgs, "unused");
    e.attachment = None;
    e.requester_managed = true;
    e.description = Some("arn:aws:ecs:us-east-1:123456789012:attachment/0000".into());
    if let Some(p) = e.private_ip_addresses.first_mut()
        && p.public_ip.is_some()
    {
        p.public_ip_owner = Some("amazon".into());
    }
    e
}

pub fn task(arn: &str, definition: &str, group: &str, eni: &NetworkInterface) -> EcsTask {
    EcsTask {
        task_arn: arn.into(),
        cluster_arn: None,
        task_definition_arn: Some(definition.into()),
        group: Some(group.into()),
        launch_type: Some("FARGATE".into()),
        last_status: Some("RUNNING".into()),
        desired_status: Some("RUNNING".into()),
        container_instance_arn: None,
        network_interface_id: Some(eni.network_interface_id.to_string()),
        private_ipv4: Some(eni.private_ip_addresses[0].private_ip.to_string()),
        subnet_id: eni.subnet_id.as_deref().map(str::to_string),
        tags: tags(),
    }
}

pub fn container(
    name: &str,
    user: Option<&str>,
    privileged: bool,
    read_only: bool,
) -> ContainerDefinition {
    ContainerDefinition {
        name: name.into(),
        image: Some("public.ecr.aws/docker/library/nginx:1.27".into()),
        essential: Some(true),
        privileged: Some(privileged),
        user: user.map(str::to_string),
        readonly_root_filesystem: Some(read_only),
        port_mappings: vec![PortMapping {
            container_port: Some(8443),
            host_port: Some(8443),
            protocol: Some("tcp".into()),
        }],
        secrets_referenced: 0,
    }
}

pub fn task_definition(
    arn: &str,
    role: Option<&str>,
    containers: Vec<ContainerDefinition>,
) -> TaskDefinition {
    TaskDefinition {
        task_definition_arn: arn.into(),
        family: arn
            .rsplit('/')
            .next()
            .and_then(|f| f.split(':').next())
            .map(str::to_string),
        revision: Some(1),
        network_mode: Some("awsvpc".into()),
        task_role_arn: role.map(str::to_string),
        execution_role_arn: None,
        requires_compatibilities: vec!["FARGATE".into()],
        containers,
    }
}

/// The demo with the two tasks, the NLB's 8443 listener and its `ip`
/// target group, and the Cloud Map service behind an HTTP API.
pub fn demo_with_tasks() -> Snapshot {
    let mut s = demo();
    let r = region(&mut s);
    let eni_th = task_eni(
        "eni-th",
        "subnet-happ",
        "vpc-h",
        "10.10.10.50",
        None,
        &["sg-htask"],
    );
    let eni_tl = task_eni(
        "eni-tl",
        "subnet-lpub",
        "vpc-l",
        "10.20.0.50",
        Some("127.0.0.9"),
        &["sg-lweb"],
    );
    r.ec2.security_groups.push(sg(
        "sg-htask",
        "vpc-h",
        vec![
            tcp(8443, 8443, sg_ref("sg-hnlb")),
            tcp(8443, 8443, sg_ref("sg-hlink")),
        ],
        vec![tcp(443, 443, v4("0.0.0.0/0"))],
    ));
    r.ec2.security_groups.push(sg(
        "sg-hlink",
        "vpc-h",
        vec![],
        vec![tcp(8443, 8443, sg_ref("sg-htask"))],
    ));
    // The app subnet's NACL admits 8080 from the VPC; the task listens on 8443.
    let acl = r
        .ec2
        .network_acls
        .iter_mut()
        .find(|a| a.network_acl_id == "acl-happ")
        .expect("acl-happ");
    acl.entries.push(entry(
        false,
        101,
        "6",
        "allow",
        "10.10.0.0/16",
        Some((8443, 8443)),
    ));
    acl.entries.sort_by_key(|e| (e.egress, e.rule_number));
    let th = task(TASK_H, TASKDEF_H, "service:orders-api", &eni_th);
    let tl = task(TASK_L, TASKDEF_L, "family:legacy-worker", &eni_tl);
    r.ec2.network_interfaces.push(eni_th);
    r.ec2.network_interfaces.push(eni_tl);
    r.ecs = Some(EcsInventory {
        clusters: vec![
            EcsCluster {
                cluster_arn: "arn:aws:ecs:us-east-1:123456789012:cluster/legacy".into(),
                services: Some(vec![]),
                tasks: Some(vec![tl]),
            },
            EcsCluster {
                cluster_arn: "arn:aws:ecs:us-east-1:123456789012:cluster/orders".into(),
                services: Some(vec![]),
                tasks: Some(vec![th]),
            },
        ],
        task_definitions: vec![
            task_definition(
                TASKDEF_H,
                Some("arn:aws:iam::123456789012:role/orders-task-role"),
                vec![container("api", Some("1000:1000"), false, true)],
            ),
            task_definition(
                TASKDEF_L,
                Some("arn:aws:iam::123456789012:role/legacy-task-admin"),
                vec![container("worker", None, false, false)],
            ),
        ],
    });
    // NLB 8443 (TLS) -> tg-ht (ip) -> the hardened task.
    let nlb = r
        .elbv2
        .load_balancers
        .iter_mut()
        .find(|l| l.load_balancer_arn == NLB_H)
        .expect("nlb-h");
    nlb.listeners.as_mut().expect("listeners").push(listener(
        LISTENER_HT,
        8443,
        "TLS",
        Some("ELBSecurityPolicy-TLS13-1-2-2021-06"),
        forward(TG_HT),
    ));
    let mut tg = target_group(TG_HT, "tg-ht", 8443, NLB_H, &["10.10.10.50"]);
    tg.target_type = Some("ip".into());
    tg.protocol = Some("TLS".into());
    tg.vpc_id = Some("vpc-h".into());
    r.elbv2.target_groups.push(tg);
    let api = r
        .apigateway
        .rest_apis
        .iter_mut()
        .find(|a| a.id == "api-h")
        .expect("api-h");
    if let Some(res) = api.resources.as_mut().and_then(|v| v.first_mut()) {
        res.methods.push(method(
            "PUT",
            Some(integration(
                "VPC_LINK",
                "http://nlb-h.example:8443/orders",
                Some("vl-h"),
            )),
        ));
    }
    // HTTP API -> v2 VPC link -> Cloud Map -> the hardened task.
    r.apigatewayv2.vpc_links = vec![HttpVpcLink {
        vpc_link_id: "vl2-h".into(),
        name: None,
        subnet_ids: vec!["subnet-happ".into()],
        security_group_ids: vec!["sg-hlink".into()],
        status: Some("AVAILABLE".into()),
        tags: tags(),
    }];
    let mut integ = http_integration("VPC_LINK", CLOUDMAP_SVC);
    integ.connection_id = Some("vl2-h".into());
    let mut api = http_api(integ);
    api.api_endpoint = Some("https://h1.execute-api.us-east-1.amazonaws.com".into());
    api.stages = Some(vec![HttpStage {
        stage_name: "$default".into(),
        auto_deploy: true,
        access_log_settings: None,
        default_route_settings: None,
        route_settings: Default::default(),
        stage_variables: Default::default(),
        client_certificate_id: None,
        tags: tags(),
    }]);
    r.apigatewayv2.apis.push(api);
    r.cloudmap = Some(CloudMapInventory {
        services: vec![CloudMapService {
            id: "srv-orders".into(),
            arn: CLOUDMAP_SVC.into(),
            name: Some("orders-api".into()),
            namespace_id: Some("ns-1".into()),
            instances: Some(vec![CloudMapInstance {
                id: "t-h".into(),
                ipv4: Some("10.10.10.50".into()),
                ipv6: None,
                port: Some(8443),
                ec2_instance_id: None,
                ecs_cluster_name: Some("orders".into()),
                ecs_service_name: Some("orders-api".into()),
                ecs_task_definition_family: Some("orders-api".into()),
            }]),
        }],
    });
    s
}
