//! The AMIs backends run, shared by INST-009 (current, not deprecated) and
//! INST-010 (a trusted publisher). Both are filed on the AMI, the thing to
//! replace, listing the backends that run it (as security-group findings
//! list theirs): one AMI on a thousand backends is one finding.

use rampart_model::{Image, Status};

use crate::checks::network::scope::{Scope, instance_arns};
use crate::registry::{Context, Outcome};

/// The image `id` of `region` as `DescribeImages` described it, or why it
/// cannot be judged.
pub(crate) fn image_of<'s>(cx: &Context<'s>, region: &str, id: &str) -> Result<&'s Image, String> {
    let inv = cx
        .snapshot
        .regions
        .get(region)
        .ok_or_else(|| format!("region {region} was not scanned"))?;
    let images = inv.ec2.images.as_ref().ok_or_else(|| {
        "AMI data is not in this snapshot (written before schema version 3): re-scan".to_string()
    })?;
    if let Some(why) = cx.not_collected(Some(region), &["ec2:DescribeImages"]) {
        return Err(why);
    }
    images.iter().find(|i| i.image_id == id).ok_or_else(|| {
        format!(
            "{id} is not described any more: deregistered, or no longer shared with the account"
        )
    })
}

/// One outcome per AMI that backends (or maybe-backends) run, or that an
/// Auto Scaling group of backends will launch ([`crate::fleets`]), judged
/// by `judge` (status, message), plus the gaps; an AMI only maybe-backends
/// run is not evaluated, with why.
pub(crate) fn per_ami(
    cx: &Context<'_>,
    what: &str,
    judge: impl Fn(&str, &Image) -> (Status, String),
) -> Vec<Outcome> {
    let scope = Scope::of(cx);
    let (amis, mut out) = scope.resources(
        cx,
        "AMIs",
        "image",
        |inv| {
            inv.ec2
                .images
                .iter()
                .flatten()
                .map(|i| i.image_id.as_str())
                .collect()
        },
        |_, i| {
            i.image_id
                .as_deref()
                .map(|a| vec![a])
                .ok_or_else(|| format!("{} reports no AMI", i.instance_id))
        },
        None,
    );
    // Without a region's instance list the AMIs its backends run are not
    // known either (only their ids are looked up): one `image/*` gap.
    out.extend(
        cx.snapshot
            .region_names()
            .filter_map(|r| cx.region_gap(r, &["ec2:DescribeInstances"], "image")),
    );
    for ((region, id), users) in &amis {
        let known = cx
            .not_collected(Some(region), &["ec2:DescribeInstances"])
            .map_or_else(|| image_of(cx, region, id), Err);
        let (status, message) = match known {
            Err(why) => (
                Status::NotEvaluated(why),
                format!("{what} of {id} is unknown"),
            ),
            Ok(image) => judge(id, image),
        };
        // An AMI only maybe-backends run gets no verdict of its own: a
        // pass would judge backends that may not exist (and vanish when
        // the paths are known), a fail could be about no backend.
        let status = match (status, users.doubt()) {
            (Status::NotEvaluated(why), _) => Status::NotEvaluated(why),
            (_, Some(doubt)) => Status::NotEvaluated(doubt),
            (s, None) => s,
        };
        let mut o = Outcome::new(
            cx.ec2_arn(region, "image", id),
            region,
            status,
            format!("{message} (run by {})", run_by(users)),
        );
        o.affected = instance_arns(cx, region, &users.backends);
        out.push(o);
    }
    // The AMIs Auto Scaling groups of backends will launch (issue 15 items
    // 3 and 4) that no backend runs yet, each listing the launches and
    // their members; with the fleets' gaps.
    let fleets = crate::fleets::Fleets::of(cx);
    out.extend(fleets.gaps.iter().cloned());
    let mut launched: std::collections::BTreeMap<(&str, &str), Vec<&crate::fleets::Launch<'_>>> =
        std::collections::BTreeMap::new();
    for l in fleets.launches.iter().filter(|l| l.backend_bound) {
        if let Some(id) = l.spec.image_id.as_deref().filter(|i| i.starts_with("ami-"))
            && amis
                .binary_search_by_key(&(l.region, id), |(k, _)| *k)
                .is_err()
        {
            launched.entry((l.region, id)).or_default().push(l);
        }
    }
    for ((region, id), launches) in launched {
        let (status, message) = match image_of(cx, region, id) {
            Err(why) => (
                Status::NotEvaluated(why),
                format!("{what} of {id} is unknown"),
            ),
            Ok(image) => judge(id, image),
        };
        let by: Vec<&str> = launches.iter().map(|l| l.label.as_str()).collect();
        let mut o = Outcome::new(
            cx.ec2_arn(region, "image", id),
            region,
            status,
            format!("{message} (launched by {})", by.join(", ")),
        );
        o.affected = launches
            .iter()
            .flat_map(|l| l.members.iter().cloned())
            .collect();
        out.push(o);
    }
    out
}

/// Who runs an AMI, for a message: at most five instances by name and a
/// count of the rest (the `affected` list names them all; a fleet image
/// listed whole in every message cost 14 MiB at 100 000 backends).
pub(crate) fn run_by(users: &crate::checks::network::scope::Users<'_>) -> String {
    let all: Vec<&str> = users
        .backends
        .iter()
        .copied()
        .chain(users.maybe.iter().map(|(i, _)| *i))
        .collect();
    let mut s = all.iter().take(5).copied().collect::<Vec<_>>().join(", ");
    if all.len() > 5 {
        s.push_str(&format!(" and {} more", all.len() - 5));
    }
    s
}

/// `name (id)` or the id alone.
pub(crate) fn label(id: &str, image: &Image) -> String {
    match &image.name {
        Some(n) => format!("{id} ({n})"),
        None => id.to_string(),
    }
}
