//! EDGE-008: a PRIVATE REST API is reachable through *any* execute-api
//! interface endpoint, including endpoints in other accounts' VPCs, unless
//! its resource policy pins it to the intended endpoint or VPC. The policy
//! must carry a condition on `aws:SourceVpce` or `aws:SourceVpc`.

use rampart_model::{RestApi, Status};

use super::support::{is_private, region_gap, regions, rest_api_arn, rest_label};
use crate::registry::{Check, Context, Outcome};

pub struct PrivateApiWithoutVpcePolicy;

/// The condition keys that tie a request to a VPC endpoint or VPC.
const VPC_KEYS: [&str; 2] = ["aws:sourcevpce", "aws:sourcevpc"];

/// The first `Operator key` of the resource policy that restricts by VPC
/// endpoint or VPC; `Err` when the policy is there but could not be parsed.
fn vpc_condition(api: &RestApi) -> Result<Option<String>, String> {
    let Some(policy) = &api.policy else {
        return Ok(None);
    };
    if policy.is_string() {
        return Err(format!(
            "the resource policy of {} could not be parsed",
            api.id
        ));
    }
    let statements = match policy.get("Statement") {
        Some(list) => match list.as_array() {
            Some(items) => items.iter().collect(),
            None => vec![list],
        },
        None => vec![],
    };
    for statement in statements {
        let Some(condition) = statement.get("Condition").and_then(|c| c.as_object()) else {
            continue;
        };
        for (operator, block) in condition {
            for key in block.as_object().into_iter().flat_map(|b| b.keys()) {
                if VPC_KEYS.contains(&key.to_ascii_lowercase().as_str()) {
                    return Ok(Some(format!("{operator} {key}")));
                }
            }
        }
    }
    Ok(None)
}

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
                let (status, message) = match vpc_condition(api) {
                    Ok(Some(cond)) => (
                        Status::Pass,
                        format!("{name} is restricted by its resource policy ({cond})"),
                    ),
                    Ok(None) if api.policy.is_none() => (
                        Status::Fail,
                        format!(
                            "{name} has no resource policy: any VPC endpoint for execute-api can reach it"
                        ),
                    ),
                    Ok(None) => (
                        Status::Fail,
                        format!(
                            "{name} has a resource policy without an aws:SourceVpce or aws:SourceVpc condition"
                        ),
                    ),
                    Err(reason) => (
                        Status::NotEvaluated(reason),
                        format!("{name}: resource policy unreadable"),
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

    /// A private API whose policy allows invoke, with `condition` when given.
    fn private(id: &str, condition: Option<(&'static str, &'static str)>) -> RestApi {
        let mut api = rest_api(id, "PRIVATE");
        let mut statement = vec![
            ("Effect", s("Allow")),
            ("Principal", s("*")),
            ("Action", s("execute-api:Invoke")),
            ("Resource", s("execute-api:/*")),
        ];
        if let Some((op, key)) = condition {
            statement.push(("Condition", obj(vec![(op, obj(vec![(key, s("vpce-1"))]))])));
        }
        api.policy = Some(obj(vec![
            ("Version", s("2012-10-17")),
            ("Statement", arr(vec![obj(statement)])),
        ]));
        api
    }

    #[test]
    fn a_policy_pinned_to_an_endpoint_or_vpc_passes() {
        let mut snap = snapshot();
        let mut single = private("single", Some(("StringEquals", "aws:SourceVpc")));
        // A lone statement object (not a list), key in other case.
        let lone = single.policy.as_ref().unwrap().get("Statement").unwrap()[0].clone();
        single.policy = Some(obj(vec![("Statement", lone)]));
        if let Some(p) = single.policy.as_mut() {
            p["Statement"]["Condition"] = obj(vec![(
                "StringEquals",
                obj(vec![("AWS:SOURCEVPC", s("vpc-1"))]),
            )]);
        }
        region(&mut snap).apigateway.rest_apis = vec![
            private("vpce", Some(("StringNotEquals", "aws:SourceVpce"))),
            private("lower", Some(("StringEquals", "aws:sourceVpce"))),
            single,
            // Public APIs are not judged.
            rest_api("public", "REGIONAL"),
        ];
        let got = run(&PrivateApiWithoutVpcePolicy, &snap);
        assert_eq!(
            statuses(&got),
            vec![
                ("lower".into(), "pass"),
                ("single".into(), "pass"),
                ("vpce".into(), "pass"),
            ]
        );
        let vpce = got
            .iter()
            .find(|o| o.resource_arn.ends_with("vpce"))
            .unwrap();
        assert_eq!(
            vpce.resource_arn,
            "arn:aws:apigateway:us-east-1::/restapis/vpce"
        );
        assert!(
            vpce.message.contains("StringNotEquals aws:SourceVpce"),
            "{}",
            vpce.message
        );
    }

    #[test]
    fn no_policy_or_one_without_a_vpc_condition_fails() {
        let mut snap = snapshot();
        region(&mut snap).apigateway.rest_apis = vec![
            rest_api("none", "PRIVATE"),
            private("open", None),
            private("by-ip", Some(("IpAddress", "aws:SourceIp"))),
        ];
        let got = run(&PrivateApiWithoutVpcePolicy, &snap);
        assert_eq!(
            statuses(&got),
            vec![
                ("by-ip".into(), "fail"),
                ("none".into(), "fail"),
                ("open".into(), "fail"),
            ]
        );
        assert!(
            got.iter()
                .any(|o| o.message.contains("has no resource policy"))
        );
    }

    #[test]
    fn an_unparsed_policy_or_missing_api_list_is_not_evaluated() {
        let mut snap = snapshot();
        let mut raw = rest_api("raw", "PRIVATE");
        raw.policy = Some(s_owned("{not json"));
        region(&mut snap).apigateway.rest_apis = vec![raw];
        fail(&mut snap, "apigateway:GetRestApis");
        let got = run(&PrivateApiWithoutVpcePolicy, &snap);
        assert_eq!(
            statuses(&got),
            vec![
                ("*".into(), "not-evaluated"),
                ("raw".into(), "not-evaluated")
            ]
        );
        assert!(
            matches!(&got[0].status, Status::NotEvaluated(r) if r.contains("apigateway:GetRestApis"))
        );
        assert!(
            matches!(&got[1].status, Status::NotEvaluated(r) if r.contains("could not be parsed"))
        );
    }

    /// A JSON string from an owned value (what the collector keeps when a
    /// policy does not parse).
    fn s_owned<V: From<String>>(v: &str) -> V {
        V::from(v.to_string())
    }
}
