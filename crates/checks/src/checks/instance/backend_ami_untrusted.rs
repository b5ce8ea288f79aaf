//! INST-010: backends do not run a public AMI of an unknown publisher.
//! Anyone can make an AMI public, and a public image with a familiar name
//! is a known way to plant a backdoor (AWS: "Use only AMIs from trusted
//! sources"; verified publishers carry an owner alias,
//! <https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/sharing-amis.html>).
//! An AMI passes when this account built it, when AWS sets its owner alias
//! (`amazon`, `aws-marketplace`: the `ImageOwnerAlias` of `DescribeImages`,
//! <https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_Image.html>),
//! when its owner is listed in `[instance] trusted_ami_owners`, or when it
//! is private (shared with this account on purpose). Filed on the AMI,
//! listing the backends that run it ([`super::ami_state`]).

use rampart_model::{Image, Status};

use super::ami_state::{label, per_ami};
use crate::registry::{Check, Context, Outcome};

pub struct BackendAmiUntrusted;

impl Check for BackendAmiUntrusted {
    fn meta(&self) -> &'static rampart_model::CheckMeta {
        crate::check_meta!("instance", "INST-010")
    }

    fn evaluate(&self, cx: &Context<'_>) -> Vec<Outcome> {
        per_ami(cx, "the publisher", |id, image| judge(cx, id, image))
    }
}

fn judge(cx: &Context<'_>, id: &str, image: &Image) -> (Status, String) {
    let name = label(id, image);
    let Some(owner) = image.owner_id.as_deref() else {
        return (
            Status::NotEvaluated(format!("{id} reports no owner")),
            format!("the publisher of {id} is unknown"),
        );
    };
    if owner == cx.snapshot.account_id {
        return (Status::Pass, format!("{name} was built in this account"));
    }
    if let Some(alias @ ("amazon" | "aws-marketplace")) = image.owner_alias.as_deref() {
        return (
            Status::Pass,
            format!("{name} is published by {alias} (account {owner})"),
        );
    }
    if cx
        .settings
        .instance
        .trusted_ami_owners
        .iter()
        .any(|t| t == owner)
    {
        return (
            Status::Pass,
            format!(
                "{name} is published by account {owner}, listed in [instance] trusted_ami_owners"
            ),
        );
    }
    if !image.public {
        return (
            Status::Pass,
            format!("{name} is a private AMI account {owner} shares with this account"),
        );
    }
    (
        Status::Fail,
        format!(
            "{name} is a public AMI of account {owner}: not this account, not Amazon or AWS Marketplace, not in [instance] trusted_ami_owners. Build the backends from an image you own or a verified publisher's, or list {owner} as trusted once you have vetted it"
        ),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::instance::ami_fixtures::*;
    use crate::testing::*;

    #[test]
    fn own_amazon_trusted_and_private_amis_pass_a_public_stranger_fails() {
        let mut s = backends_on(&[
            ("i-own", "ami-00000001"),
            ("i-aws", "ami-00000002"),
            ("i-mkt", "ami-00000003"),
            ("i-priv", "ami-00000004"),
            ("i-stranger", "ami-00000005"),
        ]);
        let account = s.account_id.clone();
        let own = image(&s, "ami-00000001", &account, 1);
        let mut aws = image(&s, "ami-00000002", "137112412989", 1);
        aws.owner_alias = Some("amazon".into());
        let mut mkt = image(&s, "ami-00000003", "679593333241", 1);
        mkt.owner_alias = Some("aws-marketplace".into());
        let mut private = image(&s, "ami-00000004", "210987654321", 1);
        private.public = false;
        let stranger = image(&s, "ami-00000005", "210987654321", 1);
        images(&mut s, vec![own, aws, mkt, private, stranger]);
        let got = by_ami(&run(&BackendAmiUntrusted, &s));
        let status = |id: &str| got[id].status.clone();
        assert_eq!(status("ami-00000001"), Status::Pass);
        assert_eq!(status("ami-00000002"), Status::Pass);
        assert_eq!(status("ami-00000003"), Status::Pass);
        assert_eq!(status("ami-00000004"), Status::Pass);
        assert_eq!(status("ami-00000005"), Status::Fail, "{got:?}");
        assert!(got["ami-00000005"].message.contains("210987654321"));
        assert!(got["ami-00000005"].affected[0].ends_with("instance/i-stranger"));

        // Vetted and listed: trusted.
        let cfg = rampart_model::config::Config::parse(
            "rampart.toml",
            "[instance]\ntrusted_ami_owners = [\"210987654321\"]\n",
        )
        .unwrap();
        let got = by_ami(&run_with_settings(&BackendAmiUntrusted, &s, &cfg.settings));
        assert_eq!(got["ami-00000005"].status, Status::Pass);
    }

    #[test]
    fn an_undescribed_ami_or_a_missing_list_is_not_evaluated() {
        let mut s = backends_on(&[("i-1", "ami-00000009")]);
        let got = by_ami(&run(&BackendAmiUntrusted, &s));
        assert!(
            matches!(&got["ami-00000009"].status, Status::NotEvaluated(_)),
            "{got:?}"
        );
        fail(&mut s, "ec2:DescribeImages");
        let got = by_ami(&run(&BackendAmiUntrusted, &s));
        assert!(
            matches!(&got["ami-00000009"].status, Status::NotEvaluated(w) if w.contains("ec2:DescribeImages")),
            "{got:?}"
        );
    }

    #[test]
    fn a_trusted_owner_must_be_an_account_id() {
        let e = rampart_model::config::Config::parse(
            "rampart.toml",
            "[instance]\ntrusted_ami_owners = [\"canonical\"]\n",
        )
        .unwrap_err()
        .to_string();
        assert!(e.contains("line 2") && e.contains("12-digit"), "{e}");
    }
}
