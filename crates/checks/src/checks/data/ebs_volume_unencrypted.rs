//! DATA-001: an attached EBS volume that is not encrypted exposes its data
//! through snapshots, shared copies and the physical media.

use rampart_model::Status;

use crate::registry::{Check, Context, Outcome};

pub struct EbsVolumeUnencrypted;

impl Check for EbsVolumeUnencrypted {
    fn meta(&self) -> &'static rampart_model::CheckMeta {
        crate::check_meta!("data", "DATA-001")
    }

    fn evaluate(&self, cx: &Context<'_>) -> Vec<Outcome> {
        let mut out = Vec::new();
        for (region, inv) in &cx.snapshot.regions {
            if let Some(gap) = cx.region_gap(region, &["ec2:DescribeVolumes"], "volume") {
                out.push(gap);
                continue;
            }
            for v in inv.ec2.volumes.iter().filter(|v| !v.attachments.is_empty()) {
                let attached: Vec<&str> = v
                    .attachments
                    .iter()
                    .filter_map(|a| a.instance_id.as_deref())
                    .collect();
                let (status, msg) = if v.encrypted {
                    (Status::Pass, format!("{} is encrypted", v.volume_id))
                } else {
                    (
                        Status::Fail,
                        format!(
                            "{} (attached to {}) is not encrypted",
                            v.volume_id,
                            attached.join(", ")
                        ),
                    )
                };
                out.push(Outcome::new(
                    cx.ec2_arn(region, "volume", &v.volume_id),
                    region,
                    status,
                    msg,
                ));
            }
        }
        // What Auto Scaling groups will launch (issue 15 item 3).
        out.extend(crate::fleets::judge(cx, |l| {
            Some(match l.volumes(cx) {
                Err(why) => (
                    Status::NotEvaluated(why),
                    "creates volumes whose encryption is unknown".into(),
                ),
                Ok(v) => {
                    let plain: Vec<&str> = v
                        .iter()
                        .filter(|(_, enc)| !enc)
                        .map(|(d, _)| d.as_str())
                        .collect();
                    let by_default = cx.snapshot.regions[l.region].ec2.ebs_encryption_by_default
                        == Some(true);
                    if plain.is_empty() && by_default {
                        (
                            Status::Pass,
                            "creates only encrypted EBS volumes (EBS encryption by default is on)"
                                .into(),
                        )
                    } else if plain.is_empty() {
                        (Status::Pass, "creates only encrypted EBS volumes".into())
                    } else {
                        (
                            Status::Fail,
                            format!(
                                "creates unencrypted EBS volume(s) {} (EBS encryption by default is off)",
                                plain.join(", ")
                            ),
                        )
                    }
                }
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
    fn attached_volumes_are_judged_detached_ones_ignored() {
        let mut s = snapshot();
        region(&mut s).ec2.volumes = vec![
            volume("vol-enc", true, Some("i-1")),
            volume("vol-plain", false, Some("i-1")),
            volume("vol-loose", false, None),
        ];
        let got = run(&EbsVolumeUnencrypted, &s);
        assert_eq!(
            statuses(&got),
            vec![("vol-enc".into(), "pass"), ("vol-plain".into(), "fail")]
        );
        assert!(got.iter().any(|o| o.message.contains("attached to i-1")));
    }

    #[test]
    fn uncollected_volumes_are_not_evaluated() {
        let mut s = snapshot();
        region(&mut s).ec2.volumes = vec![volume("vol-plain", false, Some("i-1"))];
        fail(&mut s, "ec2:DescribeVolumes");
        assert_eq!(
            statuses(&run(&EbsVolumeUnencrypted, &s)),
            vec![("*".into(), "not-evaluated")]
        );
    }
}
