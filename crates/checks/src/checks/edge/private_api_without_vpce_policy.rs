//! EDGE-008: a PRIVATE REST API is reachable through *any* execute-api
//! interface endpoint, including endpoints in other accounts' VPCs, unless
//! its resource policy pins it to the intended endpoints or VPCs. The check
//! evaluates the policy as IAM does (see [`super::resource_policy`]) for a
//! request from an endpoint or VPC the policy does not name: it passes only
//! when every such request is denied or never allowed, fails when one is
//! allowed, and is not evaluated when that depends on something rampart does
//! not evaluate.

use rampart_model::Status;

use super::resource_policy::{self, Verdict};
use super::support::{is_private, list, region_gap, regions, rest_api_arn, rest_label};
use crate::registry::{Check, Context, Outcome};

pub struct PrivateApiWithoutVpcePolicy;

impl Check for PrivateApiWithoutVpcePolicy {
    fn meta(&self) -> &'static rampart_model::CheckMeta {
        crate::check_meta!("edge", "EDGE-008")
    }

    fn evaluate(&self, cx: &Context<'_>) -> Vec<Outcome> {
        let s = cx.snapshot;
        let mut out = Vec::new();
        for (region, inv, _) in regions(cx) {
            out.extend(region_gap(
                cx,
                region,
                &["apigateway:GetRestApis"],
                rest_api_arn(s, region, "*"),
                "REST APIs",
            ));
            for api in inv.apigateway.rest_apis.iter().filter(|a| is_private(a)) {
                let name = format!("PRIVATE REST API {}", rest_label(api));
                // AWS refuses to deploy a private API without a policy
                // (https://docs.aws.amazon.com/apigateway/latest/developerguide/apigateway-resource-policies-create-attach.html),
                // and with no Allow it invokes nothing; still no pin.
                let Some(policy) = &api.policy else {
                    out.push(Outcome::new(
                        rest_api_arn(s, region, &api.id),
                        region,
                        Status::Fail,
                        format!(
                            "{name} has no resource policy: AWS neither deploys nor invokes a \
                             private API without one, and nothing pins it to a VPC endpoint or VPC"
                        ),
                    ));
                    continue;
                };
                let scope = resource_policy::Api {
                    partition: &s.partition,
                    region,
                    account: &s.account_id,
                    id: &api.id,
                };
                let (status, message) = match resource_policy::judge(policy, &scope) {
                    Verdict::Pinned { named, denied_by } => {
                        let through = match named.is_empty() {
                            true => "no named endpoint or VPC".to_string(),
                            false => list(&named),
                        };
                        let fate = match denied_by.is_empty() {
                            true => "is never allowed".to_string(),
                            false => format!("is denied by {}", list(&denied_by)),
                        };
                        (
                            Status::Pass,
                            format!(
                                "{name} admits only requests through {through}: every other \
                                 VPC endpoint or VPC {fate}"
                            ),
                        )
                    }
                    Verdict::Open { named, why } => {
                        let whom = match named.is_empty() {
                            true => "every execute-api VPC endpoint, in any account,".to_string(),
                            false => format!(
                                "every execute-api VPC endpoint, in any account, other than {}",
                                list(&named)
                            ),
                        };
                        (
                            Status::Fail,
                            format!("{name}: {why}, so {whom} can invoke it"),
                        )
                    }
                    Verdict::Unknown(reason) => (
                        Status::NotEvaluated(format!(
                            "the resource policy of {}: {reason}",
                            api.id
                        )),
                        format!("{name}: resource policy not evaluated"),
                    ),
                };
                out.push(Outcome::new(
                    rest_api_arn(s, region, &api.id),
                    region,
                    status,
                    message,
                ));
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::super::fixtures::*;
    use super::*;
    use crate::testing::*;
    use rampart_model::RestApi;
    use serde_json::{Value, json};

    /// A PRIVATE API `id` with the policy whose statements are `statements`.
    fn private(id: &str, statements: Value) -> RestApi {
        let mut api = rest_api(id, "PRIVATE");
        api.policy = Some(json!({"Version": "2012-10-17", "Statement": statements}));
        api
    }

    /// `Allow * execute-api:Invoke on execute-api:/*`, optionally under `condition`.
    fn allow_all(condition: Option<Value>) -> Value {
        let mut st = json!({
            "Effect": "Allow", "Principal": "*",
            "Action": "execute-api:Invoke", "Resource": "execute-api:/*"
        });
        if let Some(c) = condition {
            st["Condition"] = c;
        }
        st
    }

    /// `Deny * execute-api:Invoke on execute-api:/*` under `condition`.
    fn deny_all(condition: Value) -> Value {
        json!({
            "Effect": "Deny", "Principal": "*",
            "Action": "execute-api:Invoke", "Resource": "execute-api:/*",
            "Condition": condition
        })
    }

    fn judged(apis: Vec<RestApi>) -> Vec<Outcome> {
        let mut snap = snapshot();
        region(&mut snap).apigateway.rest_apis = apis;
        run(&PrivateApiWithoutVpcePolicy, &snap)
    }

    fn message<'a>(got: &'a [Outcome], id: &str) -> &'a str {
        &got.iter()
            .find(|o| o.resource_arn.ends_with(&format!("/{id}")))
            .unwrap_or_else(|| panic!("no outcome for {id}"))
            .message
    }

    /// The policies AWS documents for private APIs, and their IAM
    /// equivalents: a Deny on every other endpoint or VPC
    /// (`StringNotEquals`, with or without `IfExists` or a set operator, key
    /// in any case), or Allows only through the named ones. Saved policies
    /// carry full `arn:aws:execute-api:...` resources; CDK writes
    /// `{"AWS": "*"}`, which IAM treats as `*`.
    /// https://docs.aws.amazon.com/apigateway/latest/developerguide/apigateway-resource-policies-examples.html
    /// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html
    #[test]
    fn policies_that_deny_or_never_allow_other_endpoints_pass() {
        let arn = "arn:aws:execute-api:us-east-1:123456789012:deny-arn/*";
        let got = judged(vec![
            private(
                "deny-vpce",
                json!([
                    allow_all(None),
                    deny_all(json!({"StringNotEquals": {"aws:SourceVpce": "vpce-1"}}))
                ]),
            ),
            private(
                "deny-vpc",
                json!([
                    allow_all(None),
                    deny_all(
                        json!({"StringNotEqualsIfExists": {"AWS:SOURCEVPC": ["vpc-1", "vpc-2"]}})
                    )
                ]),
            ),
            private(
                "deny-arn",
                json!([
                    {"Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "execute-api:*", "Resource": arn},
                    {"Effect": "Deny", "Principal": {"AWS": ["*"]}, "Action": ["execute-api:Invoke"],
                     "Resource": "arn:aws:execute-api:us-east-1:123456789012:deny-arn/*/*/*",
                     "Condition": {"ForAllValues:StringNotLike": {"aws:sourceVpce": ["vpce-1"]}}}
                ]),
            ),
            private(
                "allow-only",
                json!([
                    allow_all(Some(json!({"StringEquals": {"aws:SourceVpce": ["vpce-1", "vpce-2"]}}))),
                    {"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111122223333:root"},
                     "Action": "execute-api:Invoke", "Resource": "execute-api:/prod/GET/*",
                     "Condition": {"StringEquals": {"aws:SourceVpc": "vpc-9"},
                                   "IpAddress": {"aws:SourceIp": "10.0.0.0/8"}}}
                ]),
            ),
            // A lone statement object; an Allow for another API.
            private(
                "other-api",
                json!({"Effect": "Allow", "Principal": "*", "Action": "execute-api:Invoke",
                       "Resource": "arn:aws:execute-api:us-east-1:123456789012:elsewhere/*"}),
            ),
            rest_api("public", "REGIONAL"),
        ]);
        assert_eq!(
            statuses(&got),
            vec![
                ("allow-only".into(), "pass"),
                ("deny-arn".into(), "pass"),
                ("deny-vpc".into(), "pass"),
                ("deny-vpce".into(), "pass"),
                ("other-api".into(), "pass"),
            ]
        );
        assert_eq!(
            message(&got, "deny-vpce"),
            "PRIVATE REST API deny-vpce-name (deny-vpce) admits only requests through \
             vpce-1: every other VPC endpoint or VPC is denied by statement 2"
        );
        assert!(
            message(&got, "allow-only").contains("is never allowed"),
            "{}",
            message(&got, "allow-only")
        );
    }

    /// IAM: an explicit Deny wins, Allows add up (one unconditioned Allow
    /// opens what another Allow's condition narrows), a negated operator
    /// with several values is a NOR, and a Deny only stops the requests its
    /// principal, resource and condition all match.
    /// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html
    /// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_multi-value-conditions.html
    #[test]
    fn policies_that_let_another_endpoint_in_fail() {
        let got = judged(vec![
            // Allow * with no condition: every endpoint in every account.
            private("open", json!([allow_all(None)])),
            // The pinned Allow does not narrow the open one.
            private(
                "two-allows",
                json!([
                    allow_all(Some(json!({"StringEquals": {"aws:SourceVpce": "vpce-1"}}))),
                    allow_all(None)
                ]),
            ),
            // Locks out the intended endpoint, admits every other one.
            private(
                "deny-mine",
                json!([
                    allow_all(None),
                    deny_all(json!({"StringEquals": {"aws:SourceVpce": "vpce-1"}}))
                ]),
            ),
            // An Allow for every endpoint but one.
            private(
                "allow-not",
                json!([allow_all(Some(
                    json!({"StringNotEquals": {"aws:SourceVpce": "vpce-1"}})
                ))]),
            ),
            // The Deny covers one account's principals; anyone else gets in.
            private(
                "deny-narrow",
                json!([
                    allow_all(None),
                    {"Effect": "Deny", "Principal": {"AWS": "111122223333"},
                     "Action": "execute-api:Invoke", "Resource": "execute-api:/*",
                     "Condition": {"StringNotEquals": {"aws:SourceVpce": "vpce-1"}}}
                ]),
            ),
            // A Deny of another action, and a Deny whose pattern matches every endpoint id.
            private(
                "deny-other",
                json!([
                    allow_all(None),
                    {"Effect": "Deny", "Principal": "*", "Action": "execute-api:InvalidateCache",
                     "Resource": "execute-api:/*"},
                    deny_all(json!({"StringNotLike": {"aws:SourceVpce": "vpce-*"}}))
                ]),
            ),
        ]);
        assert_eq!(
            statuses(&got),
            vec![
                ("allow-not".into(), "fail"),
                ("deny-mine".into(), "fail"),
                ("deny-narrow".into(), "fail"),
                ("deny-other".into(), "fail"),
                ("open".into(), "fail"),
                ("two-allows".into(), "fail"),
            ]
        );
        assert_eq!(
            message(&got, "open"),
            "PRIVATE REST API open-name (open): statement 1 allows execute-api:Invoke to every \
             principal without a condition, so every execute-api VPC endpoint, in any account, \
             can invoke it"
        );
        let deny_mine = message(&got, "deny-mine");
        assert!(
            deny_mine.contains("statement 2 does not apply (its condition StringEquals aws:SourceVpce is false for an endpoint or VPC it does not name)")
                && deny_mine.contains("other than vpce-1"),
            "{deny_mine}"
        );
        assert!(
            message(&got, "deny-narrow")
                .contains("statement 2 does not apply (it names only some principals)")
        );
    }

    #[test]
    fn a_private_api_without_a_policy_fails_as_not_invocable() {
        let got = judged(vec![rest_api("none", "PRIVATE")]);
        assert_eq!(statuses(&got), vec![("none".into(), "fail")]);
        assert_eq!(
            got[0].message,
            "PRIVATE REST API none-name (none) has no resource policy: AWS neither deploys nor \
             invokes a private API without one, and nothing pins it to a VPC endpoint or VPC"
        );
    }

    /// What rampart cannot decide is not evaluated, with the reason: a
    /// condition key or operator it does not evaluate where it decides the
    /// verdict, NotPrincipal, a pattern that names some endpoints only, a
    /// Deny narrower in resources than the Allow, an unparsed or malformed
    /// document. The same unknown key is harmless where a Deny decides.
    #[test]
    fn undecidable_policies_are_not_evaluated() {
        let mut raw = rest_api("raw", "PRIVATE");
        raw.policy = Some(Value::String("{not json".into()));
        let got = judged(vec![
            raw,
            private(
                "no-effect",
                json!([{"Principal": "*", "Action": "execute-api:Invoke", "Resource": "*"}]),
            ),
            private(
                "org",
                json!([allow_all(Some(
                    json!({"StringEquals": {"aws:PrincipalOrgID": "o-1"}})
                ))]),
            ),
            private(
                "not-principal",
                json!([
                    allow_all(None),
                    {"Effect": "Deny", "NotPrincipal": {"AWS": "arn:aws:iam::123456789012:root"},
                     "Action": "execute-api:Invoke", "Resource": "execute-api:/*",
                     "Condition": {"StringNotEquals": {"aws:SourceVpce": "vpce-1"}}}
                ]),
            ),
            private(
                "partial-pattern",
                json!([
                    allow_all(None),
                    deny_all(json!({"StringNotLike": {"aws:SourceVpce": "vpce-0a*"}}))
                ]),
            ),
            private(
                "deny-prod",
                json!([
                    allow_all(None),
                    {"Effect": "Deny", "Principal": "*", "Action": "execute-api:Invoke",
                     "Resource": "execute-api:/prod/*",
                     "Condition": {"StringNotEquals": {"aws:SourceVpce": "vpce-1"}}}
                ]),
            ),
            // Decided by the Deny whatever aws:PrincipalOrgID is.
            private(
                "org-pinned",
                json!([
                    allow_all(Some(json!({"StringEquals": {"aws:PrincipalOrgID": "o-1"}}))),
                    deny_all(json!({"StringNotEquals": {"aws:SourceVpce": "vpce-1"}}))
                ]),
            ),
        ]);
        assert_eq!(
            statuses(&got),
            vec![
                ("deny-prod".into(), "not-evaluated"),
                ("no-effect".into(), "not-evaluated"),
                ("not-principal".into(), "not-evaluated"),
                ("org".into(), "not-evaluated"),
                ("org-pinned".into(), "pass"),
                ("partial-pattern".into(), "not-evaluated"),
                ("raw".into(), "not-evaluated"),
            ]
        );
        let reason = |id: &str| match &got
            .iter()
            .find(|o| o.resource_arn.ends_with(&format!("/{id}")))
            .unwrap()
            .status
        {
            Status::NotEvaluated(r) => r.clone(),
            other => panic!("{id}: {other:?}"),
        };
        assert!(reason("raw").contains("did not parse"), "{}", reason("raw"));
        assert!(
            reason("no-effect").contains("statement 1 has no Effect"),
            "{}",
            reason("no-effect")
        );
        assert!(
            reason("org").contains("StringEquals aws:PrincipalOrgID"),
            "{}",
            reason("org")
        );
        assert!(
            reason("not-principal").contains("NotPrincipal"),
            "{}",
            reason("not-principal")
        );
        assert!(
            reason("partial-pattern").contains("vpce-0a*"),
            "{}",
            reason("partial-pattern")
        );
        assert!(
            reason("deny-prod").contains("execute-api:/prod/*")
                || reason("deny-prod").contains("/prod/*"),
            "{}",
            reason("deny-prod")
        );
    }

    #[test]
    fn a_missing_api_list_is_not_evaluated() {
        let mut snap = snapshot();
        fail(&mut snap, "apigateway:GetRestApis");
        let got = run(&PrivateApiWithoutVpcePolicy, &snap);
        assert_eq!(statuses(&got), vec![("*".into(), "not-evaluated")]);
        assert!(
            matches!(&got[0].status, Status::NotEvaluated(r) if r.contains("apigateway:GetRestApis"))
        );
    }
}
