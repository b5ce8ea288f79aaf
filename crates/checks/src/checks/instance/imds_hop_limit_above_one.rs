//! INST-006: IMDSv2's session token travels back in a response whose IP TTL
//! is the hop limit. At 1 it dies at the instance's own network stack; above
//! 1 it survives one more hop, so every container on the host (a bridged
//! Docker network, a Kubernetes pod) can fetch the instance role's
//! credentials, and an SSRF in any of them becomes the host's.
//!
//! Only judged where IMDSv2 is what protects the credentials: a disabled
//! metadata service passes; IMDSv1 (tokens optional) is INST-001's finding,
//! and the hop limit does not bound IMDSv1 GETs at all, so it passes here.

use rampart_model::Status;

use crate::registry::{Check, Context, Outcome};

pub struct ImdsHopLimitAboveOne;

impl Check for ImdsHopLimitAboveOne {
    fn meta(&self) -> &'static rampart_model::CheckMeta {
        crate::check_meta!("instance", "INST-006")
    }

    fn evaluate(&self, cx: &Context<'_>) -> Vec<Outcome> {
        let mut out = cx.instance_gaps();
        for (region, i) in cx.live_instances() {
            let arn = cx.ec2_arn(region, "instance", &i.instance_id);
            let (status, msg) = match &i.metadata_options {
                None => (
                    Status::NotEvaluated("the instance reported no metadata options".into()),
                    "metadata options unknown".to_string(),
                ),
                Some(m) if m.http_endpoint.as_deref() == Some("disabled") => {
                    (Status::Pass, "the metadata service is disabled".into())
                }
                Some(m) if m.http_tokens.as_deref() != Some("required") => (
                    Status::Pass,
                    "IMDSv1 is allowed (INST-001); the hop limit bounds only IMDSv2 tokens".into(),
                ),
                Some(m) => match m.http_put_response_hop_limit {
                    None => (
                        Status::NotEvaluated("the instance reported no metadata hop limit".into()),
                        "metadata hop limit unknown".into(),
                    ),
                    Some(h) if h > 1 => (
                        Status::Fail,
                        format!(
                            "{} has an IMDSv2 hop limit of {h}: containers on the host can fetch its role credentials",
                            i.instance_id
                        ),
                    ),
                    Some(h) => (
                        Status::Pass,
                        format!("IMDSv2 token responses stop at the instance (hop limit {h})"),
                    ),
                },
            };
            out.push(Outcome::new(arn, region, status, msg));
        }
        // What Auto Scaling groups will launch (issue 15 item 3).
        out.extend(crate::fleets::judge(cx, |l| {
            let m = l.imds(cx);
            let unknown = |why: &String| {
                (
                    Status::NotEvaluated(why.clone()),
                    "launches with metadata options that are unknown".to_string(),
                )
            };
            Some(match (&m.endpoint, &m.tokens, &m.hop_limit) {
                (Ok(e), _, _) if e == "disabled" => {
                    (Status::Pass, "disables the metadata service".into())
                }
                (_, Ok((t, _)), _) if t != "required" => (
                    Status::Pass,
                    "allows IMDSv1 (INST-001); the hop limit bounds only IMDSv2 tokens".into(),
                ),
                (_, Err(why), _) | (_, _, Err(why)) => unknown(why),
                (_, _, Ok((h, _))) if *h <= 1 => (
                    Status::Pass,
                    format!("keeps IMDSv2 token responses on the instance (hop limit {h})"),
                ),
                (Err(why), _, _) => unknown(why),
                (Ok(_), _, Ok((h, from))) => (
                    Status::Fail,
                    format!(
                        "launches instances with an IMDSv2 hop limit of {h} ({from}): containers on the host can fetch their role credentials"
                    ),
                ),
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
    fn hop_limit_one_passes_above_one_fails() {
        let mut s = snapshot();
        let mut two = instance("i-two");
        two.metadata_options
            .as_mut()
            .unwrap()
            .http_put_response_hop_limit = Some(2);
        let mut v1 = instance("i-v1");
        let m = v1.metadata_options.as_mut().unwrap();
        m.http_tokens = Some("optional".into());
        m.http_put_response_hop_limit = Some(3);
        let mut off = instance("i-off");
        let m = off.metadata_options.as_mut().unwrap();
        m.http_endpoint = Some("disabled".into());
        m.http_put_response_hop_limit = Some(5);
        region(&mut s).ec2.instances = vec![instance("i-one"), two, v1, off];
        let got = run(&ImdsHopLimitAboveOne, &s);
        assert_eq!(
            statuses(&got),
            vec![
                ("i-off".into(), "pass"),
                ("i-one".into(), "pass"),
                ("i-two".into(), "fail"),
                ("i-v1".into(), "pass"),
            ]
        );
        assert!(got.iter().any(|o| o.message.contains("hop limit of 2")));
    }

    #[test]
    fn unknown_metadata_options_are_not_evaluated() {
        let mut s = snapshot();
        let mut none = instance("i-none");
        none.metadata_options = None;
        let mut nohop = instance("i-nohop");
        nohop
            .metadata_options
            .as_mut()
            .unwrap()
            .http_put_response_hop_limit = None;
        region(&mut s).ec2.instances = vec![none, nohop];
        fail(&mut s, "ec2:DescribeInstances");
        assert_eq!(
            statuses(&run(&ImdsHopLimitAboveOne, &s)),
            vec![
                ("*".into(), "not-evaluated"),
                ("i-nohop".into(), "not-evaluated"),
                ("i-none".into(), "not-evaluated"),
            ]
        );
    }
}
