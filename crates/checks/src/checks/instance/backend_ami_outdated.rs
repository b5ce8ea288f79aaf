//! INST-009: backends start from a current image. An AMI older than
//! `[instance] ami_max_age_days` (default 90) of the snapshot, or one its
//! owner has deprecated, carries the packages of its day: every instance
//! the fleet launches from it starts unpatched. Filed on the AMI, listing
//! the backends that run it ([`super::ami_state`]). Deprecation and
//! creation times are `DescribeImages`'
//! (<https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/ami-deprecate.html>).

use rampart_model::{Image, Status};

use super::ami_state::{label, per_ami};
use crate::registry::{Check, Context, Outcome};

pub struct BackendAmiOutdated;

impl Check for BackendAmiOutdated {
    fn meta(&self) -> &'static rampart_model::CheckMeta {
        crate::check_meta!("instance", "INST-009")
    }

    fn evaluate(&self, cx: &Context<'_>) -> Vec<Outcome> {
        let days = cx.settings.instance.ami_max_age_days();
        per_ami(cx, "the age", |id, image| judge(cx, id, image, days))
    }
}

fn judge(cx: &Context<'_>, id: &str, image: &Image, days: u32) -> (Status, String) {
    let at = cx.snapshot.collected_at;
    let name = label(id, image);
    if let Some(t) = image.deprecation_time.filter(|t| *t <= at) {
        return (
            Status::Fail,
            format!(
                "{name} was deprecated by its owner on {}: rebuild the backends from a current image",
                t.date()
            ),
        );
    }
    let Some(created) = image.creation_date else {
        return (
            Status::NotEvaluated(format!("{id} reports no creation date")),
            format!("the age of {id} is unknown"),
        );
    };
    let age = (at - created).whole_days();
    if age > i64::from(days) {
        return (
            Status::Fail,
            format!(
                "{name} was created {age} days before this snapshot, over the {days}-day limit: rebuild the backends from a current image"
            ),
        );
    }
    (
        Status::Pass,
        format!("{name} was created {age} day(s) before this snapshot and is not deprecated"),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::instance::ami_fixtures::*;
    use crate::testing::*;

    #[test]
    fn a_recent_ami_passes_an_old_or_deprecated_one_fails() {
        let mut s = backends_on(&[("i-new", "ami-00000001"), ("i-old", "ami-00000002")]);
        let mut fresh = image(&s, "ami-00000001", "137112412989", 10);
        fresh.owner_alias = Some("amazon".into());
        let list = vec![fresh, image(&s, "ami-00000002", "137112412989", 400)];
        images(&mut s, list);
        let got = by_ami(&run(&BackendAmiOutdated, &s));
        assert_eq!(got["ami-00000001"].status, Status::Pass, "{got:?}");
        assert_eq!(got["ami-00000002"].status, Status::Fail);
        assert!(got["ami-00000002"].message.contains("400 days"));
        // Filed on the AMI, listing the backend that runs it.
        assert_eq!(got["ami-00000002"].affected.len(), 1);
        assert!(got["ami-00000002"].affected[0].ends_with("instance/i-old"));
        assert!(
            got["ami-00000002"]
                .resource_arn
                .starts_with("arn:aws:ec2:us-east-1::image/")
        );
    }

    #[test]
    fn a_deprecated_ami_fails_however_young() {
        let mut s = backends_on(&[("i-1", "ami-00000001")]);
        let mut img = image(&s, "ami-00000001", "137112412989", 5);
        img.deprecation_time = Some(s.collected_at - rampart_model::time::Duration::days(1));
        let list = vec![img];
        images(&mut s, list);
        let got = by_ami(&run(&BackendAmiOutdated, &s));
        assert_eq!(got["ami-00000001"].status, Status::Fail);
        assert!(got["ami-00000001"].message.contains("deprecated"));
    }

    #[test]
    fn the_limit_comes_from_the_config() {
        let mut s = backends_on(&[("i-1", "ami-00000001")]);
        let list = vec![image(&s, "ami-00000001", "137112412989", 100)];
        images(&mut s, list);
        let cfg = rampart_model::config::Config::parse(
            "rampart.toml",
            "[instance]\nami_max_age_days = 180\n",
        )
        .unwrap();
        let got = by_ami(&run_with_settings(&BackendAmiOutdated, &s, &cfg.settings));
        assert_eq!(got["ami-00000001"].status, Status::Pass);
    }

    #[test]
    fn an_unknown_or_uncollected_ami_is_not_evaluated_never_pass() {
        // Deregistered since launch: not described.
        let mut s = backends_on(&[("i-1", "ami-00000009")]);
        let list = vec![];
        images(&mut s, list);
        let got = by_ami(&run(&BackendAmiOutdated, &s));
        assert!(
            matches!(&got["ami-00000009"].status, Status::NotEvaluated(w) if w.contains("deregistered")),
            "{got:?}"
        );
        // DescribeImages denied.
        let mut s = backends_on(&[("i-1", "ami-00000001")]);
        let list = vec![image(&s, "ami-00000001", "137112412989", 1)];
        images(&mut s, list);
        fail(&mut s, "ec2:DescribeImages");
        let got = by_ami(&run(&BackendAmiOutdated, &s));
        assert!(
            matches!(&got["ami-00000001"].status, Status::NotEvaluated(w) if w.contains("ec2:DescribeImages")),
            "{got:?}"
        );
        // A snapshot from before schema version 3.
        let mut s = backends_on(&[("i-1", "ami-00000001")]);
        region(&mut s).ec2.images = None;
        let got = by_ami(&run(&BackendAmiOutdated, &s));
        assert!(
            matches!(&got["ami-00000001"].status, Status::NotEvaluated(w) if w.contains("schema version 3")),
            "{got:?}"
        );
    }

    #[test]
    fn without_the_instance_list_the_amis_are_one_gap_never_a_pass() {
        let mut s = backends_on(&[("i-1", "ami-00000001")]);
        let list = vec![image(&s, "ami-00000001", "137112412989", 1)];
        images(&mut s, list);
        fail(&mut s, "ec2:DescribeInstances");
        let got = run(&BackendAmiOutdated, &s);
        assert!(got.iter().all(|o| o.status != Status::Pass), "{got:?}");
        assert!(
            got.iter().any(|o| o.resource_arn == "arn:aws:ec2:us-east-1::image/*"
                && matches!(&o.status, Status::NotEvaluated(w) if w.contains("ec2:DescribeInstances"))),
            "{got:?}"
        );
    }

    #[test]
    fn a_bad_limit_is_a_config_error_naming_the_line() {
        let e = rampart_model::config::Config::parse(
            "rampart.toml",
            "[instance]\n\nami_max_age_days = 0\n",
        )
        .unwrap_err()
        .to_string();
        assert!(
            e.contains("line 3") && e.contains("ami_max_age_days"),
            "{e}"
        );
    }
}
