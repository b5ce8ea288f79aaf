//! Test fragments for the AMI checks: backends (those of the SSM
//! fixtures) launched from given AMIs, and image records.

use std::collections::BTreeMap;

use rampart_model::*;

use crate::checks::instance::ssm_fixtures::backends;
use crate::registry::{Check, Context, Outcome};
use crate::testing::region;

/// Backends `(instance id, AMI id)` with an empty image list.
pub fn backends_on(pairs: &[(&str, &str)]) -> Snapshot {
    let ids: Vec<&str> = pairs.iter().map(|(i, _)| *i).collect();
    let mut s = backends(&ids);
    let r = region(&mut s);
    for (i, ami) in pairs {
        let inst = r
            .ec2
            .instances
            .iter_mut()
            .find(|x| x.instance_id == *i)
            .expect("the backend");
        inst.image_id = Some(ami.to_string().into());
    }
    r.ec2.images = Some(Vec::new());
    s
}

pub fn images(s: &mut Snapshot, list: Vec<Image>) {
    region(s).ec2.images = Some(list);
}

/// A public AMI of `owner`, created `days_ago` days before `s` was taken,
/// without deprecation or owner alias.
pub fn image(s: &Snapshot, id: &str, owner: &str, days_ago: i64) -> Image {
    Image {
        image_id: id.into(),
        name: Some(format!("image-{id}")),
        owner_id: Some(owner.into()),
        owner_alias: None,
        public: true,
        creation_date: Some(s.collected_at - rampart_model::time::Duration::days(days_ago)),
        deprecation_time: None,
        state: Some("available".into()),
        imds_support: None,
        block_devices: Some(vec![]),
    }
}

/// The outcomes on AMIs, by AMI id.
pub fn by_ami(got: &[Outcome]) -> BTreeMap<String, Outcome> {
    got.iter()
        .filter_map(|o| {
            o.resource_arn
                .split_once(":image/")
                .map(|(_, id)| (id.to_string(), o.clone()))
        })
        .collect()
}

/// `check` on `s` under `settings`.
pub fn run_with_settings(
    check: &dyn Check,
    s: &Snapshot,
    settings: &rampart_model::config::Settings,
) -> Vec<Outcome> {
    let index = crate::index::Index::new(s);
    let exposures = crate::paths::Exposures::compute(&index);
    let cx = Context::new(s, &index, &exposures).with_settings(settings);
    check.evaluate(&cx)
}
