//! DATA-002: with EBS encryption by default off, every new volume (and every
//! volume restored from an unencrypted snapshot) starts unencrypted.

use rampart_model::Status;

use crate::registry::{Check, Context, Outcome};

pub struct EbsEncryptionByDefaultOff;

impl Check for EbsEncryptionByDefaultOff {
    fn meta(&self) -> &'static rampart_model::CheckMeta {
        crate::check_meta!("data", "DATA-002")
    }

    fn evaluate(&self, cx: &Context<'_>) -> Vec<Outcome> {
        cx.snapshot
            .regions
            .iter()
            .map(|(region, inv)| {
                let arn = cx.ec2_arn(region, "ebs-encryption-by-default", region);
                let (status, msg) = match inv.ec2.ebs_encryption_by_default {
                    Some(true) => (
                        Status::Pass,
                        format!("{region} encrypts new EBS volumes by default"),
                    ),
                    Some(false) => (
                        Status::Fail,
                        format!("{region} does not encrypt new EBS volumes by default"),
                    ),
                    None => (
                        Status::NotEvaluated(
                            cx.not_collected(Some(region), &["ec2:GetEbsEncryptionByDefault"])
                                .unwrap_or_else(|| "the setting was not collected".into()),
                        ),
                        format!("EBS encryption by default in {region} is unknown"),
                    ),
                };
                Outcome::new(arn, region, status, msg)
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::*;

    #[test]
    fn the_region_setting_decides() {
        let mut s = snapshot();
        region(&mut s).ec2.ebs_encryption_by_default = Some(true);
        assert_eq!(run(&EbsEncryptionByDefaultOff, &s)[0].status, Status::Pass);
        region(&mut s).ec2.ebs_encryption_by_default = Some(false);
        assert_eq!(run(&EbsEncryptionByDefaultOff, &s)[0].status, Status::Fail);
    }

    #[test]
    fn an_uncollected_setting_is_not_evaluated() {
        let mut s = snapshot();
        region(&mut s).ec2.ebs_encryption_by_default = None;
        fail(&mut s, "ec2:GetEbsEncryptionByDefault");
        match &run(&EbsEncryptionByDefaultOff, &s)[0].status {
            Status::NotEvaluated(r) => assert!(r.contains("ec2:GetEbsEncryptionByDefault"), "{r}"),
            other => panic!("{other:?}"),
        }
    }
}
