//! NET-014: a subnet that maps a public IPv4 address to every instance
//! launched in it turns a forgotten launch flag into an internet-facing
//! instance.

use rampart_model::Status;

use crate::registry::{Check, Context, Outcome};

pub struct SubnetAutoAssignsPublicIp;

impl Check for SubnetAutoAssignsPublicIp {
    fn meta(&self) -> &'static rampart_model::CheckMeta {
        crate::check_meta!("network", "NET-014")
    }

    fn evaluate(&self, cx: &Context<'_>) -> Vec<Outcome> {
        let mut out = Vec::new();
        for (region, inv) in &cx.snapshot.regions {
            if let Some(gap) = cx.region_gap(region, &["ec2:DescribeSubnets"], "subnet") {
                out.push(gap);
                continue;
            }
            for s in &inv.ec2.subnets {
                let arn = cx.ec2_arn(region, "subnet", &s.subnet_id);
                out.push(if s.map_public_ip_on_launch {
                    Outcome::new(
                        arn,
                        region,
                        Status::Fail,
                        format!(
                            "{} assigns a public IPv4 address to every instance launched in it",
                            s.subnet_id
                        ),
                    )
                } else {
                    Outcome::new(
                        arn,
                        region,
                        Status::Pass,
                        format!("{} does not assign public addresses", s.subnet_id),
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

    fn subnet(id: &str, public: bool) -> Subnet {
        Subnet {
            subnet_id: id.into(),
            vpc_id: "vpc-1".into(),
            availability_zone: None,
            cidr_block: Some("10.0.0.0/24".into()),
            ipv6_cidr_blocks: vec![],
            map_public_ip_on_launch: public,
            assign_ipv6_address_on_creation: false,
            default_for_az: false,
            tags: Tags::new(),
        }
    }

    #[test]
    fn the_launch_flag_decides() {
        let mut s = snapshot();
        region(&mut s).ec2.subnets = vec![subnet("subnet-pub", true), subnet("subnet-priv", false)];
        assert_eq!(
            statuses(&run(&SubnetAutoAssignsPublicIp, &s)),
            vec![
                ("subnet-priv".into(), "pass"),
                ("subnet-pub".into(), "fail")
            ]
        );
        fail(&mut s, "ec2:DescribeSubnets");
        assert_eq!(
            statuses(&run(&SubnetAutoAssignsPublicIp, &s)),
            vec![("*".into(), "not-evaluated")]
        );
    }
}
