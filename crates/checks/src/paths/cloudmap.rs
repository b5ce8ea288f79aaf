//! Paths through an AWS Cloud Map service: an HTTP API's private
//! integration names the service (not a load balancer listener), and API
//! Gateway calls one of its registered instances through the VPC link's
//! own interfaces
//! (<https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-develop-integrations-private.html>,
//! <https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-vpc-links.html>).
//!
//! `... -> vpc-link -> cloudmap SERVICE -> network-interface -> task/instance`:
//! each instance's `AWS_INSTANCE_IPV4` and `AWS_INSTANCE_PORT` name an
//! address and port in the link's VPC; the interface that holds it is the
//! backend's (a task's own, or an instance's). The traffic leaves the
//! link's subnets with the link's security groups (their egress rules and
//! the subnets' NACLs apply) and must get through the backend interface's
//! groups and its subnet's NACL. An instance without an IPv4 address, or
//! one whose address no collected interface holds, is unresolved, never
//! dropped.

use rampart_model::*;

use super::flow::{self, Flow};
use super::{Backend, Exposure, Input, RegionCx, Unresolved, hop, single};
use crate::reach::ip::{AddrSet, parse_cidr};
use crate::reach::ports::Protocol;

impl<'a, 's> RegionCx<'a, 's> {
    /// Every registered instance of `service` reached from `link` (or from
    /// anywhere in the VPC, uncertain, when the link is unknown), after
    /// `hops`.
    pub(super) fn through_cloud_map(
        &self,
        service: &'s CloudMapService,
        link: Result<&'s HttpVpcLink, String>,
        stage_arn: &str,
        mut hops: Vec<Hop>,
    ) -> Vec<Exposure> {
        hops.push(hop(
            "cloudmap",
            &service.arn,
            format!(
                "cloudmap {}",
                service.name.as_deref().unwrap_or(&service.id)
            ),
        ));
        self.reads.look_up(Input::CloudMapInstances);
        let Some(instances) = &service.instances else {
            let why = self.missing(
                Input::CloudMapInstances,
                Some(&service.arn),
                format!(
                    "the instances of Cloud Map service {} were not collected",
                    service.name.as_deref().unwrap_or(&service.id)
                ),
            );
            // Any task or instance may be registered there: the region's
            // paths may miss a backend nobody can see.
            self.gap(why.clone());
            self.unresolved_gateway(stage_arn, hops, why);
            return vec![];
        };
        // What leaves the link (its subnets' addresses, as members of its
        // groups), and the groups whose egress and the subnets whose NACLs
        // it passes.
        let arriving = self.leaving_link(&link);
        let (link_groups, link_subnets) = match &link {
            Ok(link) => (
                Some((&link.security_group_ids, &link.vpc_link_id)),
                link.subnet_ids.as_slice(),
            ),
            Err(_) => (None, &[][..]),
        };
        let vpc = link_subnets
            .iter()
            .find_map(|s| self.subnet(s))
            .map(|s| s.vpc_id.as_str());
        let mut out = Vec::new();
        for inst in instances {
            let port = inst.port;
            let unresolved = |why: String| Unresolved {
                region: String::new(),
                resource_arn: stage_arn.to_string(),
                load_balancers: vec![],
                path: ExposurePath {
                    kind: PathKind::Gateway,
                    hops: {
                        let mut h = hops.clone();
                        h.push(hop(
                            "target",
                            &inst.id,
                            format!("{} (unknown)", inst.ipv4.as_deref().unwrap_or(&inst.id)),
                        ));
                        h
                    },
                    ports: port.map(single).into_iter().collect(),
                    protocol: Transport::Tcp,
                },
                reason: why,
            };
            let (Some(ip), Some(port)) = (inst.ipv4.as_deref(), port) else {
                self.unresolved(unresolved(format!(
                    "Cloud Map instance {} has no IPv4 address and port (AWS_INSTANCE_IPV4, AWS_INSTANCE_PORT), which a VPC link needs",
                    inst.id
                )));
                continue;
            };
            self.reads.look_up(Input::NetworkInterfaces);
            let eni = vpc.and_then(|v| self.rix.eni_by_vpc_ip.get(&(v, ip)).copied());
            let Some(eni) = eni else {
                let why = match vpc {
                    Some(v) => {
                        format!("no network interface in {v} holds Cloud Map instance address {ip}")
                    }
                    None => format!(
                        "the VPC of the link is unknown, so Cloud Map instance address {ip} names no interface"
                    ),
                };
                self.unresolved(unresolved(self.missing(
                    Input::NetworkInterfaces,
                    None,
                    why,
                )));
                continue;
            };
            let backend = match self.rix.task_by_eni.get(eni.network_interface_id.as_str()) {
                Some(t) => Backend::Task(t),
                None => match eni
                    .attachment
                    .as_ref()
                    .and_then(|a| a.instance_id.as_deref())
                    .and_then(|i| self.rix.instances.get(i))
                {
                    Some(i) => Backend::Instance(i),
                    None => {
                        self.unresolved(unresolved(format!(
                            "Cloud Map instance address {ip} is on {} ({}), neither a task's nor an instance's",
                            eni.network_interface_id,
                            eni.interface_type.as_deref().unwrap_or("interface")
                        )));
                        continue;
                    }
                },
            };
            let live = match backend {
                Backend::Instance(i) => super::is_live(i),
                Backend::Task(t) => t.is_live(),
            };
            if !live {
                continue;
            }
            let Some(subnet) = eni.subnet_id.as_deref() else {
                continue;
            };
            let dest = AddrSet::from_nets(parse_cidr(ip));
            let rules = self.eni_ingress(eni);
            let egress = link_groups.map(|(groups, id)| self.groups_egress(groups, id));
            // From each of the link's subnets (it has an interface in each):
            // a path exists if it gets through from one of them.
            let froms: Vec<(Flow, Option<&str>)> = if link_subnets.is_empty() {
                vec![(arriving.clone(), None)]
            } else {
                link_subnets
                    .iter()
                    .map(|s| match self.subnet(s) {
                        Some(sub) => (
                            arriving.within(&flow::subnet_addrs(Some(sub))),
                            Some(s.as_str()),
                        ),
                        None => (arriving.clone(), Some(s.as_str())),
                    })
                    .collect()
            };
            let mut f = Flow::default();
            for (from, out_subnet) in froms {
                let mut g = flow::security_groups(&rules, Protocol::Tcp, port, &from, self.resolve);
                g = self.nacl_inbound(subnet, Protocol::Tcp, port, &g);
                if let Some(s) = out_subnet {
                    match flow::nacl_outbound(
                        self.nacl(s),
                        s,
                        self.subnet(s),
                        Protocol::Tcp,
                        port,
                        &dest,
                    ) {
                        Ok(true) => {}
                        Ok(false) => g = Flow::default(),
                        Err(why) => g = g.doubt(why),
                    }
                }
                if let Some(egress) = &egress
                    && !g.is_empty()
                {
                    match flow::egress_admits(
                        egress,
                        Protocol::Tcp,
                        port,
                        &dest,
                        &eni.security_group_ids,
                        self.resolve,
                    ) {
                        Ok(true) => {}
                        Ok(false) => g = Flow::default(),
                        Err(why) => g = g.doubt(why),
                    }
                }
                f = f.union(&g);
            }
            if f.is_empty() {
                continue;
            }
            let uncertain = f.sure.is_empty().then(|| f.why.join("; "));
            let mut h = hops.clone();
            h.push(hop(
                "network-interface",
                &eni.network_interface_id,
                format!("{} ({ip}:{port})", eni.network_interface_id),
            ));
            h.push(backend.hop());
            out.push(self.exposure(
                backend,
                PathKind::Gateway,
                h,
                Transport::Tcp,
                vec![single(port)],
                uncertain,
            ));
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use crate::checks::network::task_fixtures::*;
    use crate::index::Index;
    use crate::paths::Exposures;
    use rampart_model::*;

    fn paths_of(s: &Snapshot, id: &str) -> Vec<(PathKind, String, bool)> {
        let index = Index::new(s);
        let ex = Exposures::compute(&index);
        let mut v: Vec<_> = ex
            .for_instance("us-east-1", id)
            .iter()
            .map(|e| {
                let ports: Vec<String> = e
                    .path
                    .ports
                    .iter()
                    .map(|p| format!(":{}-{}", p.from, p.to))
                    .collect();
                (
                    e.path.kind,
                    format!("{} {}", e.path, ports.join(",")),
                    e.uncertain.is_none(),
                )
            })
            .collect();
        v.sort();
        v
    }

    /// A task in `awsvpc` mode is a backend of its own: the NLB's `ip`
    /// target on its interface is the task, the HTTP API reaches it
    /// through the Cloud Map service it is registered in, and a public IP
    /// on its interface is a direct way in
    /// (<https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task-networking-awsvpc.html>,
    /// <https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-develop-integrations-private.html>).
    #[test]
    fn tasks_are_reached_through_ip_targets_cloud_map_and_public_ips() {
        let s = demo_with_tasks();
        let h = paths_of(&s, "orders/t-h");
        assert_eq!(h.len(), 2, "{h:#?}");
        assert!(
            h.iter()
                .all(|(k, _, sure)| *k == PathKind::Gateway && *sure),
            "{h:#?}"
        );
        assert!(
            h.iter().any(|(_, p, _)| p.contains("cloudmap orders-api")
                && p.contains("vpclink vl2-h")
                && p.contains("task orders/t-h")),
            "{h:#?}"
        );
        assert!(
            h.iter().any(|(_, p, _)| p.contains("tg-ht")
                && p.contains("task orders/t-h (service orders-api)")),
            "{h:#?}"
        );
        // The instance behind the 443 listener keeps its own path only.
        assert!(
            paths_of(&s, "i-h1")
                .iter()
                .all(|(_, p, _)| !p.contains("task"))
        );
        let l = paths_of(&s, "legacy/t-l");
        assert!(
            l.iter().any(|(k, p, sure)| *k == PathKind::Direct
                && *sure
                && p.contains("eni-tl (127.0.0.9)")
                && p.contains(":8080-8080")),
            "{l:#?}"
        );
        let index = Index::new(&s);
        let ex = Exposures::compute(&index);
        let rix = &index.regions["us-east-1"];
        assert!(ex.is_backend(Some(rix), "us-east-1", "orders/t-h"));
        assert!(rix.is_lb_target("orders/t-h"));
    }

    /// The backend's groups decide: a task group that does not admit the
    /// VPC link's group is not reached through Cloud Map, and the link's
    /// egress must allow the port.
    #[test]
    fn cloud_map_paths_need_the_task_group_and_the_link_egress() {
        let mut s = demo_with_tasks();
        let r = crate::testing::region(&mut s);
        let g = r
            .ec2
            .security_groups
            .iter_mut()
            .find(|g| g.group_id == "sg-htask")
            .unwrap();
        g.ingress
            .retain(|rule| !format!("{rule:?}").contains("sg-hlink"));
        assert!(
            !paths_of(&s, "orders/t-h")
                .iter()
                .any(|(_, p, _)| p.contains("cloudmap"))
        );

        let mut s = demo_with_tasks();
        let r = crate::testing::region(&mut s);
        let g = r
            .ec2
            .security_groups
            .iter_mut()
            .find(|g| g.group_id == "sg-hlink")
            .unwrap();
        g.egress.clear();
        assert!(
            !paths_of(&s, "orders/t-h")
                .iter()
                .any(|(_, p, _)| p.contains("cloudmap"))
        );
    }

    /// What was not collected leaves the way in unresolved with the
    /// reason, never a silent "no path".
    #[test]
    fn missing_cloud_map_data_is_unresolved_not_silence() {
        let mut s = demo_with_tasks();
        crate::testing::fail(&mut s, "servicediscovery:ListInstances");
        crate::testing::region(&mut s)
            .cloudmap
            .as_mut()
            .unwrap()
            .services[0]
            .instances = None;
        let index = Index::new(&s);
        let ex = Exposures::compute(&index);
        let u: Vec<_> = ex.unresolved().iter().map(|u| u.reason.clone()).collect();
        assert!(
            u.iter().any(|r| r
                .contains("instances of Cloud Map service orders-api were not collected")
                && r.contains("ListInstances")),
            "{u:#?}"
        );

        let mut s = demo_with_tasks();
        crate::testing::fail(&mut s, "servicediscovery:ListServices");
        crate::testing::region(&mut s)
            .cloudmap
            .as_mut()
            .unwrap()
            .services
            .clear();
        let index = Index::new(&s);
        let ex = Exposures::compute(&index);
        let u: Vec<_> = ex.unresolved().iter().map(|u| u.reason.clone()).collect();
        assert!(
            u.iter()
                .any(|r| r.contains("Cloud Map service") && r.contains("ListServices")),
            "{u:#?}"
        );
        // What the service registers may be a backend nobody can see: the
        // region's paths are incomplete.
        assert!(
            ex.gap("us-east-1")
                .is_some_and(|g| g.contains("ListServices"))
        );

        // An unknown task list is a region gap: any task may have a path.
        let mut s = demo_with_tasks();
        crate::testing::fail(&mut s, "ecs:ListTasks");
        let index = Index::new(&s);
        let ex = Exposures::compute(&index);
        assert!(
            ex.gap("us-east-1")
                .is_some_and(|g| g.contains("ecs:ListTasks"))
        );
    }
}
