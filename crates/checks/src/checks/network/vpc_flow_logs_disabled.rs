//! NET-013: without VPC flow logs there is no record of who talked to a
//! backend, from where, on which port: nothing to detect a scan or an
//! exfiltration with, and nothing to investigate an incident afterwards.
//!
//! Judged per VPC that holds a backend. A flow log on the VPC covers it; so
//! do flow logs on every backend's subnets or network interfaces (the
//! finer-grained way some accounts log). A flow log counts when it is
//! active and not failing to deliver; any traffic type counts.

use rampart_model::{FlowLog, Status};

use super::scope::{Scope, enis, task_eni, vpc_of};
use crate::index::RegionIndex;
use crate::registry::{Check, Context, Outcome};

pub struct VpcFlowLogsDisabled;

impl Check for VpcFlowLogsDisabled {
    fn meta(&self) -> &'static rampart_model::CheckMeta {
        crate::check_meta!("network", "NET-013")
    }

    fn evaluate(&self, cx: &Context<'_>) -> Vec<Outcome> {
        let scope = Scope::of(cx);
        let (vpcs, mut out) = scope.resources(
            cx,
            "VPC",
            "vpc",
            |inv| inv.ec2.vpcs.iter().map(|v| v.vpc_id.as_str()).collect(),
            |rix, i| {
                vpc_of(rix, i)
                    .map(|v| vec![v])
                    .ok_or_else(|| format!("the VPC of {} is unknown", i.instance_id))
            },
            Some(&|rix, t| {
                task_eni(rix, t).and_then(|e| {
                    e.vpc_id
                        .as_deref()
                        .map(|v| vec![v])
                        .ok_or_else(|| format!("the VPC of task {} is unknown", t.backend_id()))
                })
            }),
        );
        for ((region, vpc), users) in &vpcs {
            let Some(rix) = cx.index.regions.get(region) else {
                continue;
            };
            let arn = cx.ec2_arn(region, "vpc", vpc);
            if let Some(why) = cx.not_collected(Some(region), &["ec2:DescribeFlowLogs"]) {
                out.push(Outcome::new(
                    arn,
                    region,
                    Status::NotEvaluated(why),
                    format!("the flow logs of {vpc} were not collected"),
                ));
                continue;
            }
            let on_vpc: Vec<&FlowLog> = rix.flow_logs.get(vpc).cloned().unwrap_or_default();
            if let Some(f) = on_vpc.iter().find(|f| active(f)) {
                out.push(Outcome::new(
                    arn,
                    region,
                    Status::Pass,
                    format!(
                        "{vpc} has flow log {} ({} to {})",
                        f.flow_log_id,
                        f.traffic_type.as_deref().unwrap_or("?"),
                        f.log_destination_type.as_deref().unwrap_or("?")
                    ),
                ));
                continue;
            }
            // No VPC-wide log: every backend's interfaces must be covered.
            let mut uncovered = Vec::new();
            let mut maybe_uncovered = Vec::new();
            let mut unknown = None;
            let all = users
                .backends
                .iter()
                .map(|i| (*i, false))
                .chain(users.maybe.iter().map(|(i, _)| (*i, true)));
            for (id, maybe) in all {
                let cover = match (rix.instances.get(id), rix.tasks.get(id)) {
                    (Some(i), _) => covered(rix, i),
                    (None, Some(t)) => task_eni(rix, t).map(|e| {
                        logged(rix, &e.network_interface_id)
                            || e.subnet_id.as_deref().is_some_and(|s| logged(rix, s))
                    }),
                    (None, None) => continue,
                };
                match cover {
                    Ok(true) => {}
                    Ok(false) if maybe => maybe_uncovered.push(id),
                    Ok(false) => uncovered.push(id),
                    Err(why) => unknown = Some(why),
                }
            }
            let broken: Vec<String> = on_vpc
                .iter()
                .map(|f| {
                    format!(
                        "{} is {}",
                        f.flow_log_id,
                        match f.deliver_logs_status.as_deref() {
                            Some(d) if d.eq_ignore_ascii_case("FAILED") => "failing to deliver",
                            _ => "not active",
                        }
                    )
                })
                .collect();
            out.push(if !uncovered.is_empty() {
                let mut msg = format!(
                    "{vpc} holds backend(s) {} and has no flow log on the VPC, their subnets or their interfaces",
                    uncovered.join(", ")
                );
                if !broken.is_empty() {
                    msg.push_str(&format!(" ({})", broken.join(", ")));
                }
                Outcome::new(arn, region, Status::Fail, msg)
            } else if let Some(why) = unknown {
                Outcome::new(
                    arn,
                    region,
                    Status::NotEvaluated(why),
                    format!("cannot tell whether the backends in {vpc} are logged"),
                )
            } else if !maybe_uncovered.is_empty() {
                Outcome::new(
                    arn,
                    region,
                    Status::NotEvaluated(users.doubt().unwrap_or_else(|| {
                        format!("{} may be backends", maybe_uncovered.join(", "))
                    })),
                    format!(
                        "{vpc} has no flow log covering {}, which may be backends",
                        maybe_uncovered.join(", ")
                    ),
                )
            } else {
                Outcome::new(
                    arn,
                    region,
                    Status::Pass,
                    format!(
                        "the backends in {vpc} ({}) are covered by subnet or interface flow logs",
                        users.names()
                    ),
                )
            });
        }
        out
    }
}

fn active(f: &FlowLog) -> bool {
    f.flow_log_status
        .as_deref()
        .is_none_or(|s| s.eq_ignore_ascii_case("ACTIVE"))
        && !f
            .deliver_logs_status
            .as_deref()
            .is_some_and(|d| d.eq_ignore_ascii_case("FAILED"))
}

/// Is every interface of the instance logged, on itself or its subnet?
/// Whether an active flow log is on `id` (an interface or a subnet).
fn logged(rix: &RegionIndex<'_>, id: &str) -> bool {
    rix.flow_logs
        .get(id)
        .is_some_and(|v| v.iter().any(|f| active(f)))
}

fn covered(rix: &RegionIndex<'_>, i: &rampart_model::Instance) -> Result<bool, String> {
    let logged = |id: &str| logged(rix, id);
    let enis = enis(rix, i)?;
    if enis.is_empty() {
        let subnet = i
            .subnet_id
            .as_deref()
            .ok_or_else(|| format!("no subnet known for {}", i.instance_id))?;
        return Ok(logged(subnet));
    }
    Ok(enis
        .iter()
        .all(|e| logged(&e.network_interface_id) || e.subnet_id.as_deref().is_some_and(logged)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::network::fixtures::*;
    use crate::testing::*;

    #[test]
    fn a_vpc_log_passes_and_the_unlogged_legacy_vpc_fails() {
        let got = run(&VpcFlowLogsDisabled, &demo());
        assert_eq!(
            statuses(&got),
            vec![("vpc-h".into(), "pass"), ("vpc-l".into(), "fail")]
        );
        assert_eq!(
            got[1].message,
            "vpc-l holds backend(s) i-l1 and has no flow log on the VPC, their subnets or their interfaces"
        );
    }

    #[test]
    fn subnet_or_interface_logs_cover_a_vpc_a_broken_log_does_not() {
        let mut s = demo();
        region(&mut s)
            .ec2
            .flow_logs
            .push(flow_log("fl-sub", "subnet-lpub"));
        assert_eq!(
            statuses(&run(&VpcFlowLogsDisabled, &s))[1],
            ("vpc-l".into(), "pass")
        );
        let mut s = demo();
        region(&mut s)
            .ec2
            .flow_logs
            .push(flow_log("fl-eni", "eni-l1"));
        assert_eq!(
            statuses(&run(&VpcFlowLogsDisabled, &s))[1],
            ("vpc-l".into(), "pass")
        );
        let mut s = demo();
        let mut broken = flow_log("fl-broken", "vpc-l");
        broken.deliver_logs_status = Some("FAILED".into());
        region(&mut s).ec2.flow_logs.push(broken);
        let got = run(&VpcFlowLogsDisabled, &s);
        assert_eq!(statuses(&got)[1], ("vpc-l".into(), "fail"));
        assert!(
            got[1]
                .message
                .ends_with("(fl-broken is failing to deliver)"),
            "{}",
            got[1].message
        );
    }

    #[test]
    fn uncollected_flow_logs_or_interfaces_are_not_evaluated() {
        let mut s = demo();
        region(&mut s).ec2.flow_logs.clear();
        fail(&mut s, "ec2:DescribeFlowLogs");
        assert_eq!(
            statuses(&run(&VpcFlowLogsDisabled, &s)),
            vec![
                ("vpc-h".into(), "not-evaluated"),
                ("vpc-l".into(), "not-evaluated")
            ]
        );
        let mut s = demo();
        region(&mut s).ec2.flow_logs.clear();
        region(&mut s)
            .ec2
            .network_interfaces
            .retain(|e| e.network_interface_id != "eni-h1");
        fail(&mut s, "ec2:DescribeNetworkInterfaces");
        assert_eq!(
            statuses(&run(&VpcFlowLogsDisabled, &s))[0],
            ("vpc-h".into(), "not-evaluated")
        );
    }
}
