//! EDGE-015: a CloudFront distribution in front of backends speaks only
//! HTTPS to viewers, with TLS 1.2 at least under a current security
//! policy. Each cache behaviour that sends requests to a backend origin
//! must answer HTTP with a redirect (`redirect-to-https`) or refuse it
//! (`https-only`); `allow-all` serves the API in clear text. The viewer
//! certificate's security policy must be `TLSv1.2_2021` or newer
//! (`TLSv1.2_2025`, `TLSv1.3_2025`): older policies allow TLS 1.0/1.1 or
//! weak ciphers
//! (<https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/secure-connections-supported-viewer-protocols-ciphers.html>).
//! With the CloudFront default certificate (`*.cloudfront.net`),
//! "CloudFront automatically sets the security policy to TLSv1 regardless
//! of the value that you set" for `MinimumProtocolVersion`
//! (<https://docs.aws.amazon.com/cloudfront/latest/APIReference/API_ViewerCertificate.html>),
//! so it fails: serving viewers TLS 1.2 only takes an alternate domain
//! name with its own certificate.

use rampart_model::{Distribution, Status};

use super::cloudfront::{Front, fronts, keeps_viewers_on_https};
use crate::registry::{Check, Context, Outcome};

pub struct CloudFrontViewerTls;

impl Check for CloudFrontViewerTls {
    fn meta(&self) -> &'static rampart_model::CheckMeta {
        crate::check_meta!("edge", "EDGE-015")
    }

    fn evaluate(&self, cx: &Context<'_>) -> Vec<Outcome> {
        match fronts(cx) {
            Err(gap) => vec![gap.clone()],
            Ok(fronts) => fronts.iter().map(|f| judge(cx, f)).collect(),
        }
    }
}

/// `TLSv1.2_2021` and newer policies: TLS 1.2 at least, from 2021 on.
pub(crate) fn current_policy(policy: &str) -> bool {
    let Some(rest) = policy.strip_prefix("TLSv") else {
        return false;
    };
    let (version, year) = rest.split_once('_').unwrap_or((rest, "0"));
    let mut v = version.split('.').map(|n| n.parse::<u32>().unwrap_or(0));
    let (major, minor) = (v.next().unwrap_or(0), v.next().unwrap_or(0));
    (major, minor) >= (1, 2) && year.parse::<u32>().unwrap_or(0) >= 2021
}

/// The behaviours (by path pattern, `*` for the default) that let viewers
/// in over HTTP to a backend origin.
fn clear_text(f: &Front<'_>) -> Vec<String> {
    let d: &Distribution = f.dist;
    d.all_behaviors()
        .filter(|b| {
            d.origins_of(&b.target_origin_id)
                .any(|o| f.origins.iter().any(|(t, _)| t.id == o.id))
        })
        .filter_map(|b| {
            let policy = b.viewer_protocol_policy.as_deref()?;
            (!keeps_viewers_on_https(policy))
                .then(|| format!("{} ({policy})", b.path_pattern.as_deref().unwrap_or("*")))
        })
        .collect()
}

fn judge(cx: &Context<'_>, f: &Front<'_>) -> Outcome {
    let what = format!("{} {}", f.label(), f.behind());
    let mut faults = Vec::new();
    let http = clear_text(f);
    if !http.is_empty() {
        faults.push(format!(
            "serves viewers over HTTP in behaviour(s) {}",
            http.join(", ")
        ));
    }
    let unknown_policy = f
        .dist
        .all_behaviors()
        .any(|b| b.viewer_protocol_policy.is_none());
    let cert = f
        .dist
        .viewer_certificate
        .as_ref()
        .filter(|_| !unknown_policy);
    let Some(cert) = cert else {
        if faults.is_empty() {
            return f.outcome(
                cx,
                Status::NotEvaluated(format!(
                    "the viewer certificate or a behaviour's viewer protocol policy of {} is not in the snapshot",
                    f.dist.id
                )),
                what,
            );
        }
        return f.outcome(cx, Status::Fail, format!("{what} {}", faults.join("; ")));
    };
    let policy = cert
        .minimum_protocol_version
        .as_deref()
        .unwrap_or("unknown");
    if cert.cloudfront_default_certificate {
        faults.push(
            "uses the default *.cloudfront.net certificate, which accepts TLSv1 whatever the \
             security policy says"
                .to_string(),
        );
    } else if !current_policy(policy) {
        faults.push(format!(
            "accepts viewers under security policy {policy} (TLSv1.2_2021 or newer needed)"
        ));
    }
    if faults.is_empty() {
        f.outcome(
            cx,
            Status::Pass,
            format!("{what} serves HTTPS only, under security policy {policy}"),
        )
    } else {
        f.outcome(cx, Status::Fail, format!("{what} {}", faults.join("; ")))
    }
}

#[cfg(test)]
mod tests {
    use super::super::cloudfront::fixtures::*;
    use super::*;
    use crate::testing::*;

    fn nlb_front() -> rampart_model::Distribution {
        distribution(vec![legacy_nlb()])
    }

    #[test]
    fn the_security_policies_from_tls_1_2_2021_on_are_current() {
        for p in ["TLSv1.2_2021", "TLSv1.2_2025", "TLSv1.3_2025"] {
            assert!(current_policy(p), "{p}");
        }
        for p in [
            "TLSv1",
            "TLSv1_2016",
            "TLSv1.1_2016",
            "TLSv1.2_2018",
            "TLSv1.2_2019",
            "SSLv3",
            "",
        ] {
            assert!(!current_policy(p), "{p}");
        }
    }

    #[test]
    fn https_only_under_a_current_policy_passes() {
        let got = run(&CloudFrontViewerTls, &with(nlb_front()));
        assert_eq!(statuses(&got), vec![("E1".into(), "pass")]);
        assert_eq!(got[0].region, None);
        assert_eq!(
            got[0].affected,
            vec!["arn:aws:ec2:us-east-1:123456789012:instance/i-l1".to_string()]
        );
        assert_eq!(
            got[0].message,
            "distribution E1 (shop.example.com) in front of 1 backend(s) (i-l1) serves HTTPS only, \
             under security policy TLSv1.2_2021"
        );
    }

    #[test]
    fn clear_text_behaviours_old_policies_and_the_default_certificate_fail() {
        let mut d = nlb_front();
        d.behaviors.push(rampart_model::CfBehavior {
            path_pattern: Some("/api/*".into()),
            target_origin_id: "nlb".into(),
            viewer_protocol_policy: Some("allow-all".into()),
        });
        let got = run(&CloudFrontViewerTls, &with(d));
        assert_eq!(got[0].status, Status::Fail);
        assert!(
            got[0]
                .message
                .contains("over HTTP in behaviour(s) /api/* (allow-all)"),
            "{}",
            got[0].message
        );
        let mut d = nlb_front();
        d.viewer_certificate
            .as_mut()
            .unwrap()
            .minimum_protocol_version = Some("TLSv1.2_2019".into());
        let got = run(&CloudFrontViewerTls, &with(d));
        assert_eq!(got[0].status, Status::Fail);
        assert!(
            got[0].message.contains("policy TLSv1.2_2019"),
            "{}",
            got[0].message
        );
        // The default certificate: TLSv1 whatever the policy field says.
        let mut d = nlb_front();
        d.aliases.clear();
        let c = d.viewer_certificate.as_mut().unwrap();
        c.cloudfront_default_certificate = true;
        c.acm_certificate_arn = None;
        let got = run(&CloudFrontViewerTls, &with(d));
        assert_eq!(got[0].status, Status::Fail);
        assert!(
            got[0].message.contains("default *.cloudfront.net"),
            "{}",
            got[0].message
        );
    }

    #[test]
    fn unknown_settings_are_not_evaluated() {
        let mut d = nlb_front();
        d.viewer_certificate = None;
        let got = run(&CloudFrontViewerTls, &with(d));
        assert!(
            matches!(&got[0].status, Status::NotEvaluated(w) if w.contains("viewer certificate")),
            "{got:?}"
        );
        let mut s = with(nlb_front());
        s.cloudfront = None;
        let got = run(&CloudFrontViewerTls, &s);
        assert!(matches!(&got[0].status, Status::NotEvaluated(_)), "{got:?}");
    }
}
