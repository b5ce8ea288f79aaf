//! What GuardDuty says about a region, shared by DET-002 (an enabled
//! detector) and DET-003 (Runtime Monitoring on it).

use rampart_model::Detector;

use crate::registry::Context;

pub(crate) const LIST: &str = "guardduty:ListDetectors";
pub(crate) const GET: &str = "guardduty:GetDetector";

/// The region-scope resource the detect checks on GuardDuty file on.
pub(crate) fn detectors_arn(cx: &Context<'_>, region: &str) -> String {
    format!(
        "arn:{}:guardduty:{region}:{}:detector/*",
        cx.snapshot.partition, cx.snapshot.account_id
    )
}

/// A region's GuardDuty state.
pub(crate) enum Guard<'s> {
    /// An enabled detector (the first, by id; an account has at most one
    /// per region).
    Enabled(&'s Detector),
    /// No detector, or only disabled ones (their ids).
    Off(Vec<&'s str>),
}

/// The region's GuardDuty state, or why it is unknown: data missing from
/// the snapshot, a failed `ListDetectors`, or a detector whose state
/// `GetDetector` did not return while no other detector is enabled.
pub(crate) fn guard_of<'s>(cx: &Context<'s>, region: &str) -> Result<Guard<'s>, String> {
    let inv = cx
        .snapshot
        .regions
        .get(region)
        .ok_or_else(|| format!("region {region} was not scanned"))?;
    let gd = inv.guardduty.as_ref().ok_or_else(|| {
        "GuardDuty data is not in this snapshot (written before schema version 7): re-scan"
            .to_string()
    })?;
    if let Some(why) = cx.not_collected(Some(region), &[LIST]) {
        return Err(why);
    }
    if let Some(d) = gd
        .detectors
        .iter()
        .find(|d| d.status.as_deref() == Some("ENABLED"))
    {
        return Ok(Guard::Enabled(d));
    }
    if let Some(d) = gd.detectors.iter().find(|d| d.status.is_none()) {
        return Err(cx.not_collected(Some(region), &[GET]).unwrap_or_else(|| {
            format!(
                "the state of GuardDuty detector {} was not collected",
                d.detector_id
            )
        }));
    }
    Ok(Guard::Off(
        gd.detectors
            .iter()
            .map(|d| d.detector_id.as_str())
            .collect(),
    ))
}
