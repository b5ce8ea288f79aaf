//! INST-002: an instance without an instance profile gets its AWS
//! credentials some other way (keys on disk, in user data, in the image),
//! which cannot be rotated or scoped the way a role can.

use rampart_model::Status;

use crate::registry::{Check, Context, Outcome};

pub struct InstanceWithoutRole;

impl Check for InstanceWithoutRole {
    fn meta(&self) -> &'static rampart_model::CheckMeta {
        crate::check_meta!("instance", "INST-002")
    }

    fn evaluate(&self, cx: &Context<'_>) -> Vec<Outcome> {
        let mut out = cx.instance_gaps();
        for (region, i) in cx.live_instances() {
            let arn = cx.ec2_arn(region, "instance", &i.instance_id);
            out.push(match &i.iam_instance_profile_arn {
                Some(p) => Outcome::new(arn, region, Status::Pass, format!("instance profile {p}")),
                None => Outcome::new(
                    arn,
                    region,
                    Status::Fail,
                    format!("{} has no instance profile (IAM role)", i.instance_id),
                ),
            });
        }
        // What Auto Scaling groups will launch (issue 15 item 3).
        out.extend(crate::fleets::judge(cx, |l| {
            Some(match &l.spec.iam_instance_profile {
                Some(p) => (Status::Pass, format!("launches with instance profile {p}")),
                None => (
                    Status::Fail,
                    "launches instances without an instance profile (IAM role)".into(),
                ),
            })
        }));
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::*;

    #[test]
    fn instances_with_a_profile_pass_without_fail() {
        let mut s = snapshot();
        let mut bare = instance("i-bare");
        bare.iam_instance_profile_arn = None;
        region(&mut s).ec2.instances = vec![instance("i-role"), bare];
        assert_eq!(
            statuses(&run(&InstanceWithoutRole, &s)),
            vec![("i-bare".into(), "fail"), ("i-role".into(), "pass")]
        );
    }

    #[test]
    fn uncollected_instances_are_not_evaluated() {
        let mut s = snapshot();
        fail(&mut s, "ec2:DescribeInstances");
        assert_eq!(
            statuses(&run(&InstanceWithoutRole, &s)),
            vec![("*".into(), "not-evaluated")]
        );
    }
}
