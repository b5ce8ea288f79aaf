//! INST-001: an instance whose metadata service answers without a session
//! token (IMDSv1) hands its role credentials to any SSRF in the app.

use rampart_model::Status;

use crate::registry::{Check, Context, Outcome};

pub struct Imdsv1Allowed;

impl Check for Imdsv1Allowed {
    fn meta(&self) -> &'static rampart_model::CheckMeta {
        crate::check_meta!("instance", "INST-001")
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
                Some(m) if m.http_tokens.as_deref() == Some("required") => {
                    (Status::Pass, "IMDSv2 (session tokens) is required".into())
                }
                Some(m) => (
                    Status::Fail,
                    format!(
                        "{} allows IMDSv1 (http_tokens {})",
                        i.instance_id,
                        m.http_tokens.as_deref().unwrap_or("unset")
                    ),
                ),
            };
            out.push(Outcome::new(arn, region, status, msg));
        }
        // What Auto Scaling groups will launch (issue 15 item 3).
        out.extend(crate::fleets::judge(cx, |l| {
            let m = l.imds(cx);
            Some(match (&m.endpoint, &m.tokens) {
                (Ok(e), _) if e == "disabled" => {
                    (Status::Pass, "disables the metadata service".into())
                }
                (_, Ok((t, from))) if t == "required" => {
                    (Status::Pass, format!("requires IMDSv2 ({from})"))
                }
                (_, Err(why)) | (Err(why), _) => (
                    Status::NotEvaluated(why.clone()),
                    "launches with metadata options that are unknown".into(),
                ),
                (Ok(_), Ok((t, from))) => (
                    Status::Fail,
                    format!("launches instances that allow IMDSv1 (http_tokens {t}: {from})"),
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
    fn imdsv2_required_or_disabled_passes_optional_fails() {
        let mut s = snapshot();
        let mut v1 = instance("i-v1");
        v1.metadata_options.as_mut().unwrap().http_tokens = Some("optional".into());
        let mut off = instance("i-off");
        let m = off.metadata_options.as_mut().unwrap();
        m.http_tokens = Some("optional".into());
        m.http_endpoint = Some("disabled".into());
        let mut gone = instance("i-gone");
        gone.state = Some("terminated".into());
        gone.metadata_options.as_mut().unwrap().http_tokens = Some("optional".into());
        region(&mut s).ec2.instances = vec![instance("i-v2"), v1, off, gone];
        let got = run(&Imdsv1Allowed, &s);
        assert_eq!(
            statuses(&got),
            vec![
                ("i-off".into(), "pass"),
                ("i-v1".into(), "fail"),
                ("i-v2".into(), "pass")
            ]
        );
        assert!(got.iter().any(|o| o.message.contains("i-v1 allows IMDSv1")));
    }

    #[test]
    fn missing_inputs_are_not_evaluated() {
        let mut s = snapshot();
        let mut unknown = instance("i-unknown");
        unknown.metadata_options = None;
        region(&mut s).ec2.instances = vec![unknown];
        fail(&mut s, "ec2:DescribeInstances");
        let got = run(&Imdsv1Allowed, &s);
        assert_eq!(
            statuses(&got),
            vec![
                ("*".into(), "not-evaluated"),
                ("i-unknown".into(), "not-evaluated")
            ]
        );
        assert!(
            matches!(&got[0].status, Status::NotEvaluated(r) if r.contains("ec2:DescribeInstances"))
        );
    }
}
