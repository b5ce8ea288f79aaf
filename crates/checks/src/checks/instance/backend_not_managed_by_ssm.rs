//! INST-007: a backend that Systems Manager does not manage, or whose agent
//! is not online, cannot be reached through Session Manager (no inbound
//! port) nor patched by Patch Manager. Per backend; maybe-backends and
//! regions without an instance list are not evaluated
//! ([`crate::checks::network::scope`]).

use rampart_model::Status;

use super::ssm_state::{Ssm, online, ssm_of};
use crate::checks::network::scope::Scope;
use crate::registry::{Check, Context, Outcome};

pub struct BackendNotManagedBySsm;

impl Check for BackendNotManagedBySsm {
    fn meta(&self) -> &'static rampart_model::CheckMeta {
        crate::check_meta!("instance", "INST-007")
    }

    fn evaluate(&self, cx: &Context<'_>) -> Vec<Outcome> {
        let scope = Scope::of(cx);
        let mut out = scope.instance_outcomes(cx);
        for (region, i) in &scope.backends {
            let id = i.instance_id.as_str();
            let (status, message) = match ssm_of(cx, region, id) {
                Ssm::Unknown(why) => (
                    Status::NotEvaluated(why),
                    format!("whether Systems Manager manages {id} is unknown"),
                ),
                Ssm::NotManaged => (
                    Status::Fail,
                    format!(
                        "{id} is not managed by Systems Manager: no Session Manager access without an inbound port, no Patch Manager (it needs the SSM agent, an instance profile with AmazonSSMManagedInstanceCore and a route to the Systems Manager endpoints)"
                    ),
                ),
                Ssm::Managed(m, _) if online(m) => (
                    Status::Pass,
                    format!(
                        "{id} is managed by Systems Manager and online (agent {}, {}): Session Manager reaches it without an inbound port",
                        m.agent_version.as_deref().unwrap_or("?"),
                        m.platform_name
                            .as_deref()
                            .or(m.platform_type.as_deref())
                            .unwrap_or("?")
                    ),
                ),
                Ssm::Managed(m, _) => (
                    Status::Fail,
                    format!(
                        "{id} is registered with Systems Manager but its agent is {}: Session Manager and Patch Manager cannot reach it",
                        m.ping_status.as_deref().unwrap_or("not reporting")
                    ),
                ),
            };
            out.push(Outcome::new(
                cx.ec2_arn(region, "instance", id),
                region,
                status,
                message,
            ));
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::instance::ssm_fixtures::*;
    use crate::testing::*;

    #[test]
    fn an_online_managed_backend_passes_others_fail() {
        let mut s = backends(&["i-on", "i-lost", "i-none"]);
        ssm(&mut s).managed_instances = vec![
            managed("i-lost", "ConnectionLost"),
            managed("i-on", "Online"),
        ];
        let got = run(&BackendNotManagedBySsm, &s);
        assert_eq!(
            statuses_of(&got, &["i-lost", "i-none", "i-on"]),
            vec![
                ("i-lost".into(), "fail"),
                ("i-none".into(), "fail"),
                ("i-on".into(), "pass")
            ]
        );
        let lost = got
            .iter()
            .find(|o| o.resource_arn.ends_with("i-lost"))
            .unwrap();
        assert!(lost.message.contains("ConnectionLost"), "{}", lost.message);
        let none = got
            .iter()
            .find(|o| o.resource_arn.ends_with("i-none"))
            .unwrap();
        assert!(
            none.message.contains("AmazonSSMManagedInstanceCore"),
            "{}",
            none.message
        );
    }

    #[test]
    fn missing_or_older_data_is_not_evaluated() {
        // The managed-node list was denied.
        let mut s = backends(&["i-on"]);
        ssm(&mut s).managed_instances = vec![managed("i-on", "Online")];
        fail(&mut s, "ssm:DescribeInstanceInformation");
        let got = run(&BackendNotManagedBySsm, &s);
        assert_eq!(
            statuses_of(&got, &["i-on"]),
            vec![("i-on".into(), "not-evaluated")]
        );
        let got: Vec<_> = got
            .into_iter()
            .filter(|o| o.resource_arn.ends_with("i-on"))
            .collect();
        assert!(
            matches!(&got[0].status, Status::NotEvaluated(w) if w.contains("ssm:DescribeInstanceInformation")),
            "{got:?}"
        );
        // A snapshot written before schema version 3 has no SSM section.
        let mut s = backends(&["i-on"]);
        region(&mut s).ssm = None;
        let got: Vec<_> = run(&BackendNotManagedBySsm, &s)
            .into_iter()
            .filter(|o| o.resource_arn.ends_with("i-on"))
            .collect();
        assert!(
            matches!(&got[0].status, Status::NotEvaluated(w) if w.contains("schema version 3")),
            "{got:?}"
        );
    }
}
