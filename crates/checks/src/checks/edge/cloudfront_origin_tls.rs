//! EDGE-016: CloudFront reaches a backend origin over HTTPS with TLS 1.2
//! only. A custom origin's protocol policy decides how CloudFront connects
//! (<https://docs.aws.amazon.com/cloudfront/latest/APIReference/API_CustomOriginConfig.html>):
//! `https-only` always uses HTTPS; `match-viewer` uses the viewer's
//! protocol, so it is HTTPS only where every behaviour sending requests
//! to the origin redirects or refuses HTTP viewers; `http-only` never
//! encrypts the hop across the internet to the origin. The origin's SSL
//! protocols (`OriginSslProtocols`: `SSLv3`, `TLSv1`, `TLSv1.1`, `TLSv1.2`)
//! are the versions CloudFront may negotiate: anything besides `TLSv1.2`
//! lets a downgraded connection stand. A VPC origin's protocol policy and
//! SSL protocols are its endpoint config's, with the same meaning
//! (<https://docs.aws.amazon.com/cloudfront/latest/APIReference/API_VpcOriginEndpointConfig.html>):
//! judged alike, and not evaluated when the VPC origin was not collected.

use rampart_model::{CfOrigin, Status};

use super::cloudfront::{Front, Origin, fronts, keeps_viewers_on_https};
use crate::registry::{Check, Context, Outcome};

pub struct CloudFrontOriginTls;

impl Check for CloudFrontOriginTls {
    fn meta(&self) -> &'static rampart_model::CheckMeta {
        crate::check_meta!("edge", "EDGE-016")
    }

    fn evaluate(&self, cx: &Context<'_>) -> Vec<Outcome> {
        match fronts(cx) {
            Err(gap) => vec![gap.clone()],
            Ok(fronts) => fronts.iter().map(|f| judge(cx, f)).collect(),
        }
    }
}

/// Whether every behaviour that targets `origin` keeps viewers on HTTPS
/// (`None`: a behaviour's policy is unknown).
fn viewers_on_https(f: &Front<'_>, origin: &CfOrigin) -> Option<bool> {
    let mut all = true;
    for b in f.dist.all_behaviors() {
        if f.dist
            .origins_of(&b.target_origin_id)
            .any(|o| o.id == origin.id)
        {
            match b.viewer_protocol_policy.as_deref() {
                None => return None,
                Some(p) => all &= keeps_viewers_on_https(p),
            }
        }
    }
    Some(all)
}

/// What is wrong with one origin, or why it is unknown.
fn origin_fault(
    cx: &Context<'_>,
    f: &Front<'_>,
    o: &CfOrigin,
    r: &Origin,
) -> Result<Option<String>, String> {
    if let Origin::VpcUnknown(_, why) = r {
        return Err(format!("origin {}: {why}", o.id));
    }
    let Some(c) = crate::origins::connection(cx.snapshot, o) else {
        return Err(format!(
            "the connection settings of origin {} are not in the snapshot",
            o.id
        ));
    };
    let policy = c.protocol_policy.as_deref().unwrap_or("unknown");
    let https = match policy {
        "https-only" => true,
        "match-viewer" => match viewers_on_https(f, o) {
            Some(all) => all,
            None => {
                return Err(format!(
                    "origin {} matches the viewer's protocol, and a behaviour's viewer protocol \
                     policy is not in the snapshot",
                    o.id
                ));
            }
        },
        "http-only" => false,
        other => return Err(format!("origin {} has protocol policy {other}", o.id)),
    };
    let old: Vec<&str> = c
        .ssl_protocols
        .iter()
        .map(String::as_str)
        .filter(|p| *p != "TLSv1.2")
        .collect();
    Ok(if !https {
        Some(format!("{} ({}) over HTTP ({policy})", o.id, o.domain_name))
    } else if c.ssl_protocols.is_empty() {
        Some(format!(
            "{} ({}) with no SSL protocol listed",
            o.id, o.domain_name
        ))
    } else if !old.is_empty() {
        Some(format!(
            "{} ({}) allowing {}",
            o.id,
            o.domain_name,
            old.join(", ")
        ))
    } else {
        None
    })
}

fn judge(cx: &Context<'_>, f: &Front<'_>) -> Outcome {
    let what = format!("{} {}", f.label(), f.behind());
    let mut faults = Vec::new();
    let mut unknown = Vec::new();
    for (o, r) in &f.origins {
        match origin_fault(cx, f, o, r) {
            Ok(Some(fault)) => faults.push(fault),
            Ok(None) => {}
            Err(why) => unknown.push(why),
        }
    }
    if !faults.is_empty() {
        return f.outcome(
            cx,
            Status::Fail,
            format!("{what} reaches origin(s) {}", faults.join("; ")),
        );
    }
    if !unknown.is_empty() {
        return f.outcome(cx, Status::NotEvaluated(unknown.join("; ")), what);
    }
    f.outcome(
        cx,
        Status::Pass,
        format!("{what} reaches its origins over HTTPS with TLSv1.2 only"),
    )
}

#[cfg(test)]
mod tests {
    use super::super::cloudfront::fixtures::*;
    use super::*;
    use crate::testing::*;
    use rampart_model::{CfCustomOrigin, Distribution, VpcOrigin};

    fn nlb_front() -> Distribution {
        distribution(vec![legacy_nlb()])
    }

    fn set(d: &mut Distribution, policy: &str, protocols: &[&str]) {
        let c = d.origins[0].custom.as_mut().unwrap();
        c.protocol_policy = Some(policy.into());
        c.ssl_protocols = protocols.iter().map(|p| p.to_string()).collect();
    }

    #[test]
    fn https_only_with_tls_1_2_passes() {
        let got = run(&CloudFrontOriginTls, &with(nlb_front()));
        assert_eq!(statuses(&got), vec![("E1".into(), "pass")]);
        assert_eq!(got[0].affected.len(), 1);
    }

    #[test]
    fn http_and_old_tls_fail() {
        let mut d = nlb_front();
        set(&mut d, "http-only", &["TLSv1.2"]);
        let got = run(&CloudFrontOriginTls, &with(d));
        assert_eq!(got[0].status, Status::Fail);
        assert!(
            got[0]
                .message
                .ends_with("reaches origin(s) nlb (nlb-l.example) over HTTP (http-only)"),
            "{}",
            got[0].message
        );
        let mut d = nlb_front();
        set(&mut d, "https-only", &["TLSv1", "TLSv1.2"]);
        let got = run(&CloudFrontOriginTls, &with(d));
        assert_eq!(got[0].status, Status::Fail);
        assert!(
            got[0].message.ends_with("allowing TLSv1"),
            "{}",
            got[0].message
        );
    }

    /// `match-viewer` is HTTPS exactly when the viewers are kept on HTTPS.
    #[test]
    fn match_viewer_follows_the_behaviours() {
        let mut d = nlb_front();
        set(&mut d, "match-viewer", &["TLSv1.2"]);
        let got = run(&CloudFrontOriginTls, &with(d.clone()));
        assert_eq!(got[0].status, Status::Pass, "{got:?}");
        d.default_behavior.viewer_protocol_policy = Some("allow-all".into());
        let got = run(&CloudFrontOriginTls, &with(d.clone()));
        assert_eq!(got[0].status, Status::Fail, "{got:?}");
        d.default_behavior.viewer_protocol_policy = None;
        let got = run(&CloudFrontOriginTls, &with(d));
        assert!(matches!(&got[0].status, Status::NotEvaluated(_)), "{got:?}");
    }

    /// A VPC origin's protocol policy and SSL protocols are its endpoint
    /// config's, meaning what a custom origin's do
    /// (<https://docs.aws.amazon.com/cloudfront/latest/APIReference/API_VpcOriginEndpointConfig.html>):
    /// judged alike once collected.
    #[test]
    fn a_vpc_origin_is_judged_by_its_endpoint_config() {
        let mut d = nlb_front();
        let connection = d.origins[0].custom.take().unwrap();
        d.origins[0].vpc_origin_id = Some("vo-1".into());
        let mut s = with(d);
        let vpc_origin = |connection: CfCustomOrigin| VpcOrigin {
            id: "vo-1".into(),
            arn: "arn:aws:cloudfront::123456789012:vpcorigin/vo-1".into(),
            status: Some("Deployed".into()),
            endpoint_arn:
                "arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/net/nlb-l/1"
                    .into(),
            connection,
        };
        let cf = s.cloudfront.as_mut().unwrap();
        cf.vpc_origins = vec![vpc_origin(connection.clone())];
        let got = run(&CloudFrontOriginTls, &s);
        assert_eq!(got[0].status, Status::Pass, "{got:?}");
        let mut plain = connection;
        plain.protocol_policy = Some("http-only".into());
        s.cloudfront.as_mut().unwrap().vpc_origins = vec![vpc_origin(plain)];
        let got = run(&CloudFrontOriginTls, &s);
        assert_eq!(got[0].status, Status::Fail, "{got:?}");
        assert!(got[0].message.contains("over HTTP"), "{got:?}");
    }

    #[test]
    fn vpc_origins_not_collected_and_missing_data_are_not_evaluated() {
        let mut d = nlb_front();
        d.origins[0].custom = None;
        d.origins[0].vpc_origin_id = Some("vo-1".into());
        let got = run(&CloudFrontOriginTls, &with(d.clone()));
        assert!(
            matches!(&got[0].status, Status::NotEvaluated(w) if w.contains("VPC origin vo-1")),
            "{got:?}"
        );
        let mut s = with(d);
        crate::testing::fail_for(&mut s, "cloudfront:GetVpcOrigin", "vo-1");
        s.collection_errors[0].region = None;
        let got = run(&CloudFrontOriginTls, &s);
        assert!(
            matches!(&got[0].status, Status::NotEvaluated(w)
                if w.contains("VPC origin vo-1") && w.contains("cloudfront:GetVpcOrigin failed")),
            "{got:?}"
        );
        let mut s = with(nlb_front());
        s.cloudfront = None;
        let got = run(&CloudFrontOriginTls, &s);
        assert!(matches!(&got[0].status, Status::NotEvaluated(_)), "{got:?}");
    }
}
