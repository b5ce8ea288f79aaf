//! NET-012: every VPC's default security group is attached to whatever is
//! launched without an explicit group. With rules in it, such resources
//! silently get network access; with none, the mistake fails closed.

use rampart_model::Status;

use crate::registry::{Check, Context, Outcome};

pub struct DefaultSgAllowsTraffic;

impl Check for DefaultSgAllowsTraffic {
    fn meta(&self) -> &'static rampart_model::CheckMeta {
        crate::check_meta!("network", "NET-012")
    }

    fn evaluate(&self, cx: &Context<'_>) -> Vec<Outcome> {
        let mut out = Vec::new();
        for (region, inv) in &cx.snapshot.regions {
            if let Some(gap) =
                cx.region_gap(region, &["ec2:DescribeSecurityGroups"], "security-group")
            {
                out.push(gap);
                continue;
            }
            for sg in inv
                .ec2
                .security_groups
                .iter()
                .filter(|g| g.group_name == "default")
            {
                let arn = cx.ec2_arn(region, "security-group", &sg.group_id);
                let (n_in, n_out) = (sg.ingress.len(), sg.egress.len());
                out.push(if n_in + n_out == 0 {
                    Outcome::new(arn, region, Status::Pass, format!("{} has no rules", sg.group_id))
                } else {
                    Outcome::new(
                        arn,
                        region,
                        Status::Fail,
                        format!(
                            "default security group {} of {} has {n_in} inbound and {n_out} outbound rule(s)",
                            sg.group_id,
                            sg.vpc_id.as_deref().unwrap_or("?")
                        ),
                    )
                });
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::*;
    use rampart_model::*;

    fn sg(id: &str, name: &str, rules: usize) -> SecurityGroup {
        let r = SgRule {
            protocol: "-1".into(),
            from_port: None,
            to_port: None,
            peer: SgPeer::SecurityGroup {
                group_id: id.into(),
                user_id: None,
                vpc_id: None,
                peering_status: None,
            },
            description: None,
        };
        SecurityGroup {
            group_id: id.into(),
            group_name: name.into(),
            vpc_id: Some("vpc-1".into()),
            owner_id: None,
            description: None,
            ingress: vec![r.clone(); rules],
            egress: vec![],
            tags: Tags::new(),
        }
    }

    #[test]
    fn only_default_groups_are_judged_and_must_be_empty() {
        let mut s = snapshot();
        region(&mut s).ec2.security_groups = vec![
            sg("sg-d1", "default", 1),
            sg("sg-d2", "default", 0),
            sg("sg-app", "app", 3),
        ];
        assert_eq!(
            statuses(&run(&DefaultSgAllowsTraffic, &s)),
            vec![("sg-d1".into(), "fail"), ("sg-d2".into(), "pass")]
        );
        fail(&mut s, "ec2:DescribeSecurityGroups");
        assert_eq!(
            statuses(&run(&DefaultSgAllowsTraffic, &s)),
            vec![("*".into(), "not-evaluated")]
        );
    }
}
