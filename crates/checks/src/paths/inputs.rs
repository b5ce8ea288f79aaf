//! What the path code reads, recorded as it reads it. The exposure paths
//! depend on many collected lists; which ones a region's verdicts depend on
//! is not kept as a hand-written list (one once forgot DescribeRules) but
//! derived: every read of snapshot data in `paths` goes through
//! [`Reads::enumerate`] or [`Reads::look_up`], and the operations behind
//! what was read are the inputs.
//!
//! The two kinds differ in what a gap means. A list the code *enumerates*
//! (every instance, every load balancer, every API) cannot show what is
//! missing from it: when its operation failed in a region, any instance
//! there may have a path nobody can see, so the region's path-based
//! verdicts are not evaluated. A resource the code *looks up* by id (a
//! security group, a subnet's route table, a target group's targets) is
//! known to be missing where it is missing: the path through it is kept,
//! uncertain, with the reason, and nothing else is affected.

use std::sync::atomic::{AtomicU64, Ordering};

/// A kind of collected data the exposure paths read, by the operation
/// that collects it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Input {
    Instances,
    NetworkInterfaces,
    SecurityGroups,
    Subnets,
    RouteTables,
    NetworkAcls,
    VpcEndpoints,
    LoadBalancers,
    Listeners,
    ListenerRules,
    TargetGroups,
    TargetHealth,
    TargetGroupAttributes,
    RestApis,
    RestResources,
    RestStages,
    RestVpcLinks,
    Apis,
    ApiRoutes,
    ApiIntegrations,
    ApiStages,
    ApiVpcLinks,
    DomainNames,
    BasePathMappings,
    ApiDomainNames,
    ApiMappings,
    Clusters,
    Tasks,
    TaskDetails,
    CloudMapServices,
    CloudMapInstances,
}

impl Input {
    pub const ALL: [Input; 31] = [
        Input::Instances,
        Input::NetworkInterfaces,
        Input::SecurityGroups,
        Input::Subnets,
        Input::RouteTables,
        Input::NetworkAcls,
        Input::VpcEndpoints,
        Input::LoadBalancers,
        Input::Listeners,
        Input::ListenerRules,
        Input::TargetGroups,
        Input::TargetHealth,
        Input::TargetGroupAttributes,
        Input::RestApis,
        Input::RestResources,
        Input::RestStages,
        Input::RestVpcLinks,
        Input::Apis,
        Input::ApiRoutes,
        Input::ApiIntegrations,
        Input::ApiStages,
        Input::ApiVpcLinks,
        Input::DomainNames,
        Input::BasePathMappings,
        Input::ApiDomainNames,
        Input::ApiMappings,
        Input::Clusters,
        Input::Tasks,
        Input::TaskDetails,
        Input::CloudMapServices,
        Input::CloudMapInstances,
    ];

    /// The operation that collects it, as the snapshot names operations
    /// (`service:Operation`, the key of `api_calls` and of collection
    /// errors).
    pub const fn operation(self) -> &'static str {
        match self {
            Input::Instances => "ec2:DescribeInstances",
            Input::NetworkInterfaces => "ec2:DescribeNetworkInterfaces",
            Input::SecurityGroups => "ec2:DescribeSecurityGroups",
            Input::Subnets => "ec2:DescribeSubnets",
            Input::RouteTables => "ec2:DescribeRouteTables",
            Input::NetworkAcls => "ec2:DescribeNetworkAcls",
            Input::VpcEndpoints => "ec2:DescribeVpcEndpoints",
            Input::LoadBalancers => "elasticloadbalancing:DescribeLoadBalancers",
            Input::Listeners => "elasticloadbalancing:DescribeListeners",
            Input::ListenerRules => "elasticloadbalancing:DescribeRules",
            Input::TargetGroups => "elasticloadbalancing:DescribeTargetGroups",
            Input::TargetHealth => "elasticloadbalancing:DescribeTargetHealth",
            Input::TargetGroupAttributes => "elasticloadbalancing:DescribeTargetGroupAttributes",
            Input::RestApis => "apigateway:GetRestApis",
            Input::RestResources => "apigateway:GetResources",
            Input::RestStages => "apigateway:GetStages",
            Input::RestVpcLinks => "apigateway:GetVpcLinks",
            Input::Apis => "apigatewayv2:GetApis",
            Input::ApiRoutes => "apigatewayv2:GetRoutes",
            Input::ApiIntegrations => "apigatewayv2:GetIntegrations",
            Input::ApiStages => "apigatewayv2:GetStages",
            Input::ApiVpcLinks => "apigatewayv2:GetVpcLinks",
            Input::DomainNames => crate::domains::LIST_V1,
            Input::BasePathMappings => crate::domains::MAPPINGS_V1,
            Input::ApiDomainNames => crate::domains::LIST_V2,
            Input::ApiMappings => crate::domains::MAPPINGS_V2,
            Input::Clusters => "ecs:ListClusters",
            Input::Tasks => "ecs:ListTasks",
            Input::TaskDetails => "ecs:DescribeTasks",
            Input::CloudMapServices => "servicediscovery:ListServices",
            Input::CloudMapInstances => "servicediscovery:ListInstances",
        }
    }

    fn bit(self) -> u64 {
        1 << (self as u8)
    }
}

/// The inputs one region's path code read, shared by the threads that
/// trace it.
#[derive(Debug, Default)]
pub(crate) struct Reads {
    enumerated: AtomicU64,
    looked_up: AtomicU64,
}

impl Reads {
    /// The code walks every element of `input`'s list.
    pub fn enumerate(&self, input: Input) {
        self.enumerated.fetch_or(input.bit(), Ordering::Relaxed);
    }

    /// The code looks an element of `input` up by id.
    pub fn look_up(&self, input: Input) {
        self.looked_up.fetch_or(input.bit(), Ordering::Relaxed);
    }

    /// Records everything `set` says another trace read.
    pub fn merge(&self, set: ReadSet) {
        self.enumerated.fetch_or(set.enumerated, Ordering::Relaxed);
        self.looked_up.fetch_or(set.looked_up, Ordering::Relaxed);
    }

    pub fn done(&self) -> ReadSet {
        ReadSet {
            enumerated: self.enumerated.load(Ordering::Relaxed),
            looked_up: self.looked_up.load(Ordering::Relaxed),
        }
    }
}

/// What a region's paths read, once they are traced.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct ReadSet {
    enumerated: u64,
    looked_up: u64,
}

impl ReadSet {
    /// Inputs whose lists were walked whole (a gap in them hides paths).
    pub fn enumerated(&self) -> impl Iterator<Item = Input> + '_ {
        Input::ALL
            .into_iter()
            .filter(|i| self.enumerated & i.bit() != 0)
    }

    /// Every input read at all.
    pub fn all(&self) -> impl Iterator<Item = Input> + '_ {
        Input::ALL
            .into_iter()
            .filter(|i| (self.enumerated | self.looked_up) & i.bit() != 0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_input_has_its_own_bit_and_operation() {
        let mut ops: Vec<&str> = Input::ALL.iter().map(|i| i.operation()).collect();
        ops.sort_unstable();
        ops.dedup();
        assert_eq!(ops.len(), Input::ALL.len());
        for (n, i) in Input::ALL.iter().enumerate() {
            assert_eq!(*i as usize, n, "ALL is in declaration order");
        }
        let r = Reads::default();
        r.enumerate(Input::Instances);
        r.look_up(Input::ListenerRules);
        let d = r.done();
        assert_eq!(d.enumerated().collect::<Vec<_>>(), vec![Input::Instances]);
        assert_eq!(
            d.all().collect::<Vec<_>>(),
            vec![Input::Instances, Input::ListenerRules]
        );
    }
}
