//! DET-001: a multi-Region trail is logging in the region and records every
//! read and write management event, excluding no event source: what
//! Security Hub's CloudTrail.1 asks of an account (AWS Config's
//! `multi-region-cloudtrail-enabled`, which is NON_COMPLIANT "if the
//! ExcludeManagementEventSources field is not empty":
//! <https://docs.aws.amazon.com/config/latest/developerguide/multi-region-cloudtrail-enabled.html>),
//! asked of each scanned region, plus the trail's status there
//! (`GetTrailStatus` "returns trail status from a single Region":
//! <https://docs.aws.amazon.com/awscloudtrail/latest/APIReference/API_GetTrailStatus.html>).
//!
//! Selectors, as AWS defines them: a basic selector's `ReadWriteType`
//! defaults to `All` and `IncludeManagementEvents` to true
//! (<https://docs.aws.amazon.com/awscloudtrail/latest/APIReference/API_EventSelector.html>);
//! an advanced selector records management events when its `eventCategory`
//! field equals `Management`, reads and writes unless a `readOnly` field
//! narrows it, and only some event sources when an `eventSource` field (or
//! any other) narrows it
//! (<https://docs.aws.amazon.com/awscloudtrail/latest/APIReference/API_AdvancedFieldSelector.html>).
//! Reads and writes may come from two selectors. Anything narrower does not
//! count; a trail with no selector at all records no management event.

use rampart_model::{EventSelectors, Status, Trail};

use crate::registry::{Check, Context, Outcome};

pub struct CloudTrailNotRecording;

pub(crate) const DESCRIBE: &str = "cloudtrail:DescribeTrails";
pub(crate) const STATUS: &str = "cloudtrail:GetTrailStatus";
pub(crate) const SELECTORS: &str = "cloudtrail:GetEventSelectors";

/// The region-scope resource DET-001 files on: the region's trails.
fn trails_arn(cx: &Context<'_>, region: &str) -> String {
    format!(
        "arn:{}:cloudtrail:{region}:{}:trail/*",
        cx.snapshot.partition, cx.snapshot.account_id
    )
}

/// How one trail does in one region.
enum Verdict {
    Records,
    /// Why it does not record the region's management events.
    Short(String),
    /// Why that is unknown.
    Unknown(String),
}

fn judge(cx: &Context<'_>, region: &str, t: &Trail) -> Verdict {
    if !t.multi_region {
        let home = t.home_region.as_deref().unwrap_or(region);
        return Verdict::Short(format!(
            "{} is a single-Region trail (of {home}): a region enabled later would go unrecorded",
            t.name
        ));
    }
    let logging = match t.is_logging {
        Some(l) => l,
        None => {
            return Verdict::Unknown(cx.not_collected(Some(region), &[STATUS]).unwrap_or_else(
                || {
                    format!(
                        "the status of trail {} in {region} was not collected",
                        t.name
                    )
                },
            ));
        }
    };
    if !logging {
        return Verdict::Short(format!("{} is not logging", t.name));
    }
    // "This error occurs only when there is a problem with the destination
    // S3 bucket ... fix the bucket policy so that CloudTrail can write to
    // the bucket" (GetTrailStatus, `LatestDeliveryError`): a trail that
    // cannot deliver keeps no record, whatever it selects.
    if let Some(err) = t.latest_delivery_error.as_deref().filter(|e| !e.is_empty()) {
        return Verdict::Short(format!(
            "{} is logging but cannot deliver its log files ({err})",
            t.name
        ));
    }
    let Some(sel) = &t.selectors else {
        return Verdict::Unknown(cx.not_collected(Some(region), &[SELECTORS]).unwrap_or_else(
            || format!("the event selectors of trail {} were not collected", t.name),
        ));
    };
    match management(sel) {
        Ok(()) => Verdict::Records,
        Err(why) => Verdict::Short(format!("{} {why}", t.name)),
    }
}

/// `Ok` when the selectors record every read and write management event
/// from every source; else what they leave out.
fn management(sel: &EventSelectors) -> Result<(), String> {
    let (mut reads, mut writes) = (false, false);
    let mut excluded: Vec<&str> = Vec::new();
    for b in &sel.basic {
        if b.include_management_events == Some(false) {
            continue;
        }
        if !b.exclude_management_event_sources.is_empty() {
            excluded.extend(
                b.exclude_management_event_sources
                    .iter()
                    .map(String::as_str),
            );
            continue;
        }
        match b.read_write_type.as_deref().unwrap_or("All") {
            "All" => (reads, writes) = (true, true),
            "ReadOnly" => reads = true,
            "WriteOnly" => writes = true,
            _ => {}
        }
    }
    for a in &sel.advanced {
        let mut management = false;
        let (mut r, mut w) = (true, true);
        let mut narrowed = false;
        for f in &a.field_selectors {
            match f.field.as_str() {
                "eventCategory" => {
                    management = f.equals.iter().any(|v| v == "Management")
                        && f.not_equals.is_empty()
                        && f.starts_with.is_empty()
                        && f.not_starts_with.is_empty()
                        && f.ends_with.is_empty()
                        && f.not_ends_with.is_empty();
                }
                "readOnly" => {
                    let only = |v: &str| f.equals.len() == 1 && f.equals[0] == v;
                    let plain = f.not_equals.is_empty()
                        && f.starts_with.is_empty()
                        && f.not_starts_with.is_empty()
                        && f.ends_with.is_empty()
                        && f.not_ends_with.is_empty();
                    (r, w) = match () {
                        _ if !plain => (false, false),
                        _ if only("true") => (true, false),
                        _ if only("false") => (false, true),
                        _ => (false, false),
                    };
                }
                "eventSource" if !f.not_equals.is_empty() => {
                    excluded.extend(f.not_equals.iter().map(String::as_str));
                    narrowed = true;
                }
                _ => narrowed = true,
            }
        }
        if management && !narrowed {
            reads |= r;
            writes |= w;
        }
    }
    match (reads, writes) {
        (true, true) => Ok(()),
        _ if !excluded.is_empty() => {
            excluded.sort_unstable();
            excluded.dedup();
            Err(format!(
                "excludes management events from {}",
                excluded.join(", ")
            ))
        }
        (true, false) => Err("records read-only management events, not writes".into()),
        (false, true) => Err("records write-only management events, not reads".into()),
        (false, false) => Err("records no management events".into()),
    }
}

impl Check for CloudTrailNotRecording {
    fn meta(&self) -> &'static rampart_model::CheckMeta {
        crate::check_meta!("detect", "DET-001")
    }

    fn evaluate(&self, cx: &Context<'_>) -> Vec<Outcome> {
        super::per_region(cx, trails_arn, |region| evaluate_region(cx, region))
    }
}

fn evaluate_region(cx: &Context<'_>, region: &str) -> (Status, String) {
    let unknown = format!("whether CloudTrail records {region} is unknown");
    let Some(ct) = cx
        .snapshot
        .regions
        .get(region)
        .and_then(|r| r.cloudtrail.as_ref())
    else {
        return (
            Status::NotEvaluated(
                "CloudTrail data is not in this snapshot (written before schema version 7): re-scan"
                    .into(),
            ),
            unknown,
        );
    };
    if let Some(why) = cx.not_collected(Some(region), &[DESCRIBE]) {
        return (Status::NotEvaluated(why), unknown);
    }
    let mut short = Vec::new();
    let mut unknowns = Vec::new();
    for t in &ct.trails {
        match judge(cx, region, t) {
            Verdict::Records => {
                let kind = if t.organization {
                    "the organization's multi-Region trail"
                } else {
                    "multi-Region trail"
                };
                return (
                    Status::Pass,
                    format!(
                        "{kind} {} is logging in {region} and records every read and write management event",
                        t.name
                    ),
                );
            }
            Verdict::Short(why) => short.push(why),
            Verdict::Unknown(why) => unknowns.push(why),
        }
    }
    if let Some(why) = unknowns.into_iter().next() {
        return (Status::NotEvaluated(why), unknown);
    }
    let message = if short.is_empty() {
        format!(
            "no CloudTrail trail records {region}: the account's API activity there leaves no record"
        )
    } else {
        format!(
            "no multi-Region trail records every management event in {region} ({})",
            short.join("; ")
        )
    };
    (Status::Fail, message)
}

#[cfg(test)]
mod tests {
    use rampart_model::{AdvancedEventSelector, AdvancedFieldSelector, BasicEventSelector};

    use super::*;
    use crate::checks::detect::fixtures::*;
    use crate::testing::*;

    fn outcome(s: &rampart_model::Snapshot) -> Outcome {
        let mut got = run(&CloudTrailNotRecording, s);
        assert_eq!(got.len(), 1);
        got.remove(0)
    }

    fn field(name: &str, equals: &[&str]) -> AdvancedFieldSelector {
        AdvancedFieldSelector {
            field: name.into(),
            equals: equals.iter().map(|v| v.to_string()).collect(),
            ..Default::default()
        }
    }

    #[test]
    fn a_logging_multi_region_trail_with_default_selectors_passes() {
        let o = outcome(&watched());
        assert_eq!(o.status, Status::Pass, "{}", o.message);
        assert_eq!(
            o.resource_arn,
            "arn:aws:cloudtrail:us-east-1:123456789012:trail/*"
        );
        assert_eq!(
            o.message,
            "multi-Region trail account-trail is logging in us-east-1 and records every read and write management event"
        );
        // AWS's defaults: no ReadWriteType, no IncludeManagementEvents.
        let mut s = watched();
        trail(&mut s).selectors = Some(EventSelectors {
            basic: vec![BasicEventSelector {
                read_write_type: None,
                include_management_events: None,
                exclude_management_event_sources: vec![],
            }],
            advanced: vec![],
        });
        assert_eq!(outcome(&s).status, Status::Pass);
    }

    #[test]
    fn reads_and_writes_may_come_from_two_selectors() {
        let mut s = watched();
        let half = |rw: &str| BasicEventSelector {
            read_write_type: Some(rw.into()),
            include_management_events: Some(true),
            exclude_management_event_sources: vec![],
        };
        trail(&mut s).selectors = Some(EventSelectors {
            basic: vec![half("ReadOnly"), half("WriteOnly")],
            advanced: vec![],
        });
        assert_eq!(outcome(&s).status, Status::Pass);
        // Advanced: eventCategory = Management, no readOnly field.
        let mut s = watched();
        trail(&mut s).selectors = Some(EventSelectors {
            basic: vec![],
            advanced: vec![AdvancedEventSelector {
                name: Some("mgmt".into()),
                field_selectors: vec![field("eventCategory", &["Management"])],
            }],
        });
        assert_eq!(outcome(&s).status, Status::Pass);
    }

    #[test]
    fn write_only_excluded_sources_or_a_stopped_trail_fail() {
        let mut s = watched();
        trail(&mut s).selectors.as_mut().unwrap().basic[0].read_write_type =
            Some("WriteOnly".into());
        let o = outcome(&s);
        assert_eq!(o.status, Status::Fail);
        assert_eq!(
            o.message,
            "no multi-Region trail records every management event in us-east-1 (account-trail records write-only management events, not reads)"
        );

        let mut s = watched();
        trail(&mut s).selectors.as_mut().unwrap().basic[0].exclude_management_event_sources =
            vec!["kms.amazonaws.com".into()];
        let o = outcome(&s);
        assert_eq!(o.status, Status::Fail);
        assert!(
            o.message
                .contains("excludes management events from kms.amazonaws.com"),
            "{}",
            o.message
        );

        // Advanced, narrowed to reads, or excluding a source.
        let mut s = watched();
        trail(&mut s).selectors = Some(EventSelectors {
            basic: vec![],
            advanced: vec![AdvancedEventSelector {
                name: None,
                field_selectors: vec![
                    field("eventCategory", &["Management"]),
                    field("readOnly", &["true"]),
                ],
            }],
        });
        assert!(
            outcome(&s).message.contains("read-only"),
            "{}",
            outcome(&s).message
        );
        let mut s = watched();
        trail(&mut s).selectors = Some(EventSelectors {
            basic: vec![],
            advanced: vec![AdvancedEventSelector {
                name: None,
                field_selectors: vec![
                    field("eventCategory", &["Management"]),
                    AdvancedFieldSelector {
                        field: "eventSource".into(),
                        not_equals: vec!["rdsdata.amazonaws.com".into()],
                        ..Default::default()
                    },
                ],
            }],
        });
        let o = outcome(&s);
        assert_eq!(o.status, Status::Fail);
        assert!(
            o.message
                .contains("excludes management events from rdsdata.amazonaws.com"),
            "{}",
            o.message
        );

        // No selector at all: nothing recorded.
        let mut s = watched();
        trail(&mut s).selectors = Some(EventSelectors::default());
        assert!(outcome(&s).message.contains("records no management events"));

        let mut s = watched();
        trail(&mut s).is_logging = Some(false);
        let o = outcome(&s);
        assert_eq!(o.status, Status::Fail);
        assert!(
            o.message.contains("account-trail is not logging"),
            "{}",
            o.message
        );

        // Logging, but the bucket refuses the log files.
        let mut s = watched();
        trail(&mut s).latest_delivery_error = Some("AccessDenied".into());
        let o = outcome(&s);
        assert_eq!(o.status, Status::Fail);
        assert!(
            o.message.contains(
                "account-trail is logging but cannot deliver its log files (AccessDenied)"
            ),
            "{}",
            o.message
        );
    }

    #[test]
    fn a_single_region_trail_or_none_fails() {
        let mut s = watched();
        trail(&mut s).multi_region = false;
        let o = outcome(&s);
        assert_eq!(o.status, Status::Fail);
        assert!(
            o.message
                .contains("account-trail is a single-Region trail (of us-east-1)"),
            "{}",
            o.message
        );

        let mut s = watched();
        cloudtrail(&mut s).trails.clear();
        let o = outcome(&s);
        assert_eq!(o.status, Status::Fail);
        assert_eq!(
            o.message,
            "no CloudTrail trail records us-east-1: the account's API activity there leaves no record"
        );
    }

    #[test]
    fn one_good_trail_is_enough_an_unknown_one_is_not_a_pass() {
        // A stopped trail beside the organization's good one: pass.
        let mut s = watched();
        let mut org = cloudtrail(&mut s).trails[0].clone();
        org.name = "org-trail".into();
        org.arn = "arn:aws:cloudtrail:us-east-1:111111111111:trail/org-trail".into();
        org.organization = true;
        cloudtrail(&mut s).trails.push(org);
        trail(&mut s).is_logging = Some(false);
        let o = outcome(&s);
        assert_eq!(o.status, Status::Pass);
        assert!(
            o.message
                .starts_with("the organization's multi-Region trail org-trail"),
            "{}",
            o.message
        );

        // Status or selectors not collected, nothing else good: not evaluated.
        let mut s = watched();
        trail(&mut s).is_logging = None;
        fail_for(
            &mut s,
            STATUS,
            "arn:aws:cloudtrail:us-east-1:123456789012:trail/account-trail",
        );
        let o = outcome(&s);
        assert!(
            matches!(&o.status, Status::NotEvaluated(w) if w.contains("GetTrailStatus")),
            "{o:?}"
        );
        let mut s = watched();
        trail(&mut s).selectors = None;
        fail(&mut s, SELECTORS);
        let o = outcome(&s);
        assert!(
            matches!(&o.status, Status::NotEvaluated(w) if w.contains("GetEventSelectors")),
            "{o:?}"
        );
    }

    #[test]
    fn missing_or_older_data_is_not_evaluated() {
        let mut s = watched();
        cloudtrail(&mut s).trails.clear();
        fail(&mut s, DESCRIBE);
        let o = outcome(&s);
        assert!(
            matches!(&o.status, Status::NotEvaluated(w) if w.contains("DescribeTrails")),
            "{o:?}"
        );
        let mut s = watched();
        region(&mut s).cloudtrail = None;
        let o = outcome(&s);
        assert!(
            matches!(&o.status, Status::NotEvaluated(w) if w.contains("schema version 7")),
            "{o:?}"
        );
    }
}
