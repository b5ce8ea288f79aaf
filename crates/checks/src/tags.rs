//! Tags by resource ARN, for `rampart.toml` suppressions that select on a
//! tag (`tag = { key = "rampart", value = "accepted-risk" }`). The ARNs are
//! built exactly as the checks build the `resource_arn` of their findings,
//! so a tag on a security group, an instance, a load balancer or an API
//! stage reaches the findings about that resource.

use std::collections::HashMap;

use rampart_model::{Snapshot, Tags};

use crate::index::{apigateway_arn, ec2_arn, stage_arn};

/// Every tagged resource in the snapshot, by ARN.
pub fn resource_tags(snapshot: &Snapshot) -> HashMap<String, &Tags> {
    let (p, account) = (&snapshot.partition, &snapshot.account_id);
    let mut all: Vec<(String, &Tags)> = Vec::new();
    for (region, inv) in &snapshot.regions {
        let ec2 = |kind: &str, id: &str| ec2_arn(p, region, account, kind, id);
        let e = &inv.ec2;
        all.extend(e.vpcs.iter().map(|x| (ec2("vpc", &x.vpc_id), &x.tags)));
        all.extend(
            e.subnets
                .iter()
                .map(|x| (ec2("subnet", &x.subnet_id), &x.tags)),
        );
        all.extend(
            e.route_tables
                .iter()
                .map(|x| (ec2("route-table", &x.route_table_id), &x.tags)),
        );
        all.extend(
            e.security_groups
                .iter()
                .map(|x| (ec2("security-group", &x.group_id), &x.tags)),
        );
        all.extend(
            e.network_acls
                .iter()
                .map(|x| (ec2("network-acl", &x.network_acl_id), &x.tags)),
        );
        all.extend(
            e.instances
                .iter()
                .map(|x| (ec2("instance", &x.instance_id), &x.tags)),
        );
        all.extend(
            e.volumes
                .iter()
                .map(|x| (ec2("volume", &x.volume_id), &x.tags)),
        );
        all.extend(
            inv.elbv2
                .load_balancers
                .iter()
                .map(|x| (x.load_balancer_arn.clone(), &x.tags)),
        );
        for api in &inv.apigateway.rest_apis {
            all.push((
                apigateway_arn(p, region, &format!("/restapis/{}", api.id)),
                &api.tags,
            ));
            for s in api.stages.iter().flatten() {
                all.push((stage_arn(p, region, &api.id, &s.stage_name), &s.tags));
            }
        }
        for api in &inv.apigatewayv2.apis {
            all.push((
                apigateway_arn(p, region, &format!("/apis/{}", api.api_id)),
                &api.tags,
            ));
            for s in api.stages.iter().flatten() {
                all.push((
                    apigateway_arn(
                        p,
                        region,
                        &format!("/apis/{}/stages/{}", api.api_id, s.stage_name),
                    ),
                    &s.tags,
                ));
            }
        }
    }
    all.into_iter().filter(|(_, t)| !t.is_empty()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::network::fixtures::sg;
    use crate::testing::{instance, region, snapshot};

    #[test]
    fn tags_are_found_by_the_arn_findings_use() {
        let mut s = snapshot();
        let inv = region(&mut s);
        let mut tagged = sg("sg-1", "vpc-1", vec![], vec![]);
        tagged.tags.insert("rampart".into(), "accepted-risk".into());
        inv.ec2.security_groups.push(tagged);
        inv.ec2
            .security_groups
            .push(sg("sg-untagged", "vpc-1", vec![], vec![]));
        let mut i = instance("i-1");
        i.tags.insert("Name".into(), "api".into());
        inv.ec2.instances.push(i);
        let tags = resource_tags(&s);
        let arn = format!("arn:aws:ec2:us-east-1:{}:security-group/sg-1", s.account_id);
        assert_eq!(
            tags.get(&arn)
                .and_then(|t| t.get("rampart"))
                .map(String::as_str),
            Some("accepted-risk"),
            "{tags:?}"
        );
        let i = format!("arn:aws:ec2:us-east-1:{}:instance/i-1", s.account_id);
        assert_eq!(tags[&i].get("Name").map(String::as_str), Some("api"));
        assert_eq!(tags.len(), 2, "untagged resources are left out: {tags:?}");
    }
}
