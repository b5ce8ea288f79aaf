//! EDGE-017: a CloudFront distribution in front of backends has a WAFv2
//! web ACL: CloudFront is then the front door that filters, and the ACL's
//! rules run at the edge before a request travels to the origin. A
//! distribution names its ACL by ARN (`WebACLId`; a WAF Classic ACL by its
//! id instead)
//! (<https://docs.aws.amazon.com/cloudfront/latest/APIReference/API_DistributionSummary.html>).
//! The ACL's contents (baseline rule groups, a rate rule, blocking) are
//! EDGE-003 to EDGE-005's, which judge `CLOUDFRONT`-scope ACLs like
//! regional ones. A WAF Classic ACL is not read by rampart: not evaluated.

use rampart_model::Status;

use super::cloudfront::{Front, fronts};
use crate::registry::{Check, Context, Outcome};

pub struct CloudFrontWithoutWaf;

impl Check for CloudFrontWithoutWaf {
    fn meta(&self) -> &'static rampart_model::CheckMeta {
        crate::check_meta!("edge", "EDGE-017")
    }

    fn evaluate(&self, cx: &Context<'_>) -> Vec<Outcome> {
        match fronts(cx) {
            Err(gap) => vec![gap.clone()],
            Ok(fronts) => fronts.iter().map(|f| judge(cx, f)).collect(),
        }
    }
}

fn judge(cx: &Context<'_>, f: &Front<'_>) -> Outcome {
    let what = format!("{} {}", f.label(), f.behind());
    match f.dist.web_acl() {
        None => f.outcome(cx, Status::Fail, format!("{what} has no web ACL")),
        Some(arn) if arn.starts_with("arn:") && arn.contains(":wafv2:") => {
            let name = arn.rsplit('/').nth(1).unwrap_or(arn);
            f.outcome(
                cx,
                Status::Pass,
                format!("{what} is protected by web ACL {name}"),
            )
        }
        Some(id) => f.outcome(
            cx,
            Status::NotEvaluated(format!(
                "web ACL {id} is a WAF Classic ACL, which rampart does not read: migrate it to WAFv2"
            )),
            what,
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::super::cloudfront::fixtures::*;
    use super::*;
    use crate::testing::*;

    #[test]
    fn a_wafv2_acl_passes_none_fails_a_classic_one_is_not_evaluated() {
        let d = distribution(vec![legacy_nlb()]);
        let got = run(&CloudFrontWithoutWaf, &with(d.clone()));
        assert_eq!(statuses(&got), vec![("E1".into(), "pass")]);
        assert!(
            got[0].message.ends_with("is protected by web ACL edge"),
            "{}",
            got[0].message
        );
        let mut none = d.clone();
        none.web_acl_id = None;
        let got = run(&CloudFrontWithoutWaf, &with(none));
        assert_eq!(got[0].status, Status::Fail);
        assert_eq!(
            got[0].message,
            "distribution E1 (shop.example.com) in front of 1 backend(s) (i-l1) has no web ACL"
        );
        let mut classic = d;
        classic.web_acl_id = Some("473e64fd-f30b-4765-81a0-62ad96dd167a".into());
        let got = run(&CloudFrontWithoutWaf, &with(classic));
        assert!(
            matches!(&got[0].status, Status::NotEvaluated(w) if w.contains("WAF Classic")),
            "{got:?}"
        );
        let mut s = with(distribution(vec![legacy_nlb()]));
        s.cloudfront = None;
        let got = run(&CloudFrontWithoutWaf, &s);
        assert!(matches!(&got[0].status, Status::NotEvaluated(_)), "{got:?}");
    }
}
