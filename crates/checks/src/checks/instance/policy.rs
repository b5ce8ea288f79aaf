//! IAM policy documents read the conservative way, for the instance-role
//! checks (INST-003, INST-004): what an `Allow` statement grants, judged on
//! its own.
//!
//! The reading is deliberately an upper bound on what the role may do:
//! - explicit `Deny` statements are not subtracted (a Deny narrowing an
//!   admin grant still leaves a policy that one edit turns back into admin,
//!   and rampart does not evaluate conditions or boundaries to know how much
//!   it narrows);
//! - `Condition` blocks are ignored (a conditional Allow still counts);
//! - `NotAction` grants every action except the listed ones, `NotResource`
//!   every resource except the listed ones: both count as broad.
//!
//! `Action`/`NotAction` and `Resource`/`NotResource` may be a string or a
//! list; `Statement` may be one object or a list. Action names are matched
//! case-insensitively, as IAM does. A document that did not parse (the
//! collector keeps it as a JSON string) or is not shaped like a policy is an
//! error, which the checks report as *not evaluated*.

use serde_json::Value;

/// One `Allow` statement, reduced to what the checks need.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Allow {
    pub sid: Option<String>,
    /// `true` for `NotAction`: `actions` are the exceptions.
    pub not_action: bool,
    pub actions: Vec<String>,
    /// `true` for `NotResource`: `resources` are the exceptions.
    pub not_resource: bool,
    pub resources: Vec<String>,
}

/// The `Allow` statements of a policy document.
pub(crate) fn allows(doc: &Value) -> Result<Vec<Allow>, String> {
    let obj = match doc {
        Value::Object(o) => o,
        Value::String(_) => return Err("the policy document did not parse as JSON".into()),
        _ => return Err("the policy document is not a JSON object".into()),
    };
    let statements: Vec<&Value> = match obj.get("Statement") {
        Some(Value::Array(list)) => list.iter().collect(),
        Some(one @ Value::Object(_)) => vec![one],
        Some(_) => return Err("the policy's Statement is neither an object nor a list".into()),
        None => return Err("the policy document has no Statement".into()),
    };
    let mut out = Vec::new();
    for (n, st) in statements.into_iter().enumerate() {
        let Value::Object(st) = st else {
            return Err(format!("statement {n} is not an object"));
        };
        let effect = match st.get("Effect") {
            Some(Value::String(e)) => e,
            _ => return Err(format!("statement {n} has no Effect")),
        };
        if !effect.eq_ignore_ascii_case("allow") {
            continue;
        }
        let (not_action, actions) = pair(st, "Action", "NotAction", n)?;
        let (not_resource, resources) = pair(st, "Resource", "NotResource", n)?;
        // IAM rejects an identity policy statement without an action or a
        // resource element; if one slipped through it grants nothing.
        let (Some(actions), Some(resources)) = (actions, resources) else {
            continue;
        };
        out.push(Allow {
            sid: st.get("Sid").and_then(Value::as_str).map(str::to_string),
            not_action,
            actions,
            not_resource,
            resources,
        });
    }
    Ok(out)
}

/// Reads `Action` or `NotAction` (or the resource pair): which one is set
/// and its values.
fn pair(
    st: &serde_json::Map<String, Value>,
    key: &str,
    not_key: &str,
    n: usize,
) -> Result<(bool, Option<Vec<String>>), String> {
    match (st.get(key), st.get(not_key)) {
        (Some(v), _) => Ok((false, Some(strings(v, key, n)?))),
        (None, Some(v)) => Ok((true, Some(strings(v, not_key, n)?))),
        (None, None) => Ok((false, None)),
    }
}

fn strings(v: &Value, key: &str, n: usize) -> Result<Vec<String>, String> {
    let bad = || format!("statement {n}: {key} is neither a string nor a list of strings");
    match v {
        Value::String(s) => Ok(vec![s.clone()]),
        Value::Array(list) => list
            .iter()
            .map(|x| x.as_str().map(str::to_string).ok_or_else(bad))
            .collect(),
        _ => Err(bad()),
    }
}

/// `*` (or the equivalent `*:*`): every action of every service.
fn is_every_action(action: &str) -> bool {
    matches!(action.trim(), "*" | "*:*")
}

impl Allow {
    /// Every action: `*` listed, or a `NotAction` (everything but a few).
    pub fn every_action(&self) -> bool {
        self.not_action || self.actions.iter().any(|a| is_every_action(a))
    }

    /// Every resource: `*` listed, or a `NotResource`.
    pub fn every_resource(&self) -> bool {
        self.not_resource || self.resources.iter().any(|r| r.trim() == "*")
    }

    /// Admin rights: every action on every resource (INST-003).
    pub fn is_admin(&self) -> bool {
        self.every_action() && self.every_resource()
    }

    /// Every role in the account: `*`, `arn:...:role/*`, or a `NotResource`.
    fn every_role(&self) -> bool {
        self.every_resource() || self.resources.iter().any(|r| r.trim().ends_with(":role/*"))
    }

    /// The grants INST-004 reports, described (`s3:* on *`), empty for an
    /// admin statement (INST-003's finding): `service:*` actions,
    /// `iam:PassRole` (or a pattern covering it) on every role, and `*` or a
    /// `NotAction` allow limited to some resources.
    pub fn wildcards(&self) -> Vec<String> {
        if self.is_admin() {
            return vec![];
        }
        let on = if self.not_resource {
            format!("every resource except {}", self.resources.join(", "))
        } else {
            self.resources.join(", ")
        };
        if self.not_action {
            return vec![format!(
                "every action except {} (NotAction) on {on}",
                self.actions.join(", ")
            )];
        }
        let mut out = Vec::new();
        for a in &self.actions {
            let a = a.trim();
            let service_wide = a
                .split_once(':')
                .is_some_and(|(svc, act)| !svc.is_empty() && !svc.contains('*') && act == "*");
            if service_wide || is_every_action(a) {
                out.push(format!("{a} on {on}"));
            } else if glob_match(&a.to_ascii_lowercase(), "iam:passrole") && self.every_role() {
                out.push(format!("{a} on {on} (pass any role to a service)"));
            }
        }
        out
    }
}

/// IAM's action wildcards: `*` any run of characters, `?` one character.
/// Both strings are expected lower-cased.
fn glob_match(pattern: &str, text: &str) -> bool {
    let (p, t): (Vec<char>, Vec<char>) = (pattern.chars().collect(), text.chars().collect());
    let (mut pi, mut ti) = (0, 0);
    let mut star: Option<(usize, usize)> = None;
    while ti < t.len() {
        if pi < p.len() && (p[pi] == '?' || p[pi] == t[ti]) {
            pi += 1;
            ti += 1;
        } else if pi < p.len() && p[pi] == '*' {
            star = Some((pi, ti));
            pi += 1;
        } else if let Some((sp, st)) = star {
            pi = sp + 1;
            ti = st + 1;
            star = Some((sp, st + 1));
        } else {
            return false;
        }
    }
    p[pi..].iter().all(|c| *c == '*')
}

/// The AWS managed `AdministratorAccess` policy, in any partition: known to
/// be `*` on `*` without reading its document.
pub(crate) fn is_aws_administrator_access(policy_arn: &str) -> bool {
    policy_arn.starts_with("arn:") && policy_arn.ends_with(":iam::aws:policy/AdministratorAccess")
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn grants(doc: Value) -> Vec<String> {
        allows(&doc)
            .unwrap()
            .iter()
            .flat_map(Allow::wildcards)
            .collect()
    }

    fn admin(doc: Value) -> bool {
        allows(&doc).unwrap().iter().any(Allow::is_admin)
    }

    #[test]
    fn action_and_resource_may_be_a_string_or_a_list() {
        let one = json!({"Statement": {"Effect": "Allow", "Action": "*", "Resource": "*"}});
        let list = json!({"Version": "2012-10-17", "Statement": [
            {"Sid": "A", "Effect": "Allow", "Action": ["s3:GetObject", "*"], "Resource": ["arn:aws:s3:::b/*", "*"]}
        ]});
        assert!(admin(one));
        assert!(admin(list.clone()));
        assert_eq!(allows(&list).unwrap()[0].sid.as_deref(), Some("A"));
    }

    #[test]
    fn star_on_star_is_admin_and_narrower_grants_are_not() {
        assert!(admin(
            json!({"Statement": [{"Effect": "Allow", "Action": "*:*", "Resource": "*"}]})
        ));
        // `*` on one bucket, or s3:* on `*`: broad, but not admin.
        assert!(!admin(json!({"Statement": [
            {"Effect": "Allow", "Action": "*", "Resource": "arn:aws:s3:::b/*"},
            {"Effect": "Allow", "Action": "s3:*", "Resource": "*"}
        ]})));
    }

    #[test]
    fn not_action_and_not_resource_count_as_broad() {
        // PowerUserAccess's shape: everything except IAM, on everything.
        assert!(admin(json!({"Statement": [
            {"Effect": "Allow", "NotAction": ["iam:*", "organizations:*"], "Resource": "*"}
        ]})));
        assert!(admin(json!({"Statement": [
            {"Effect": "Allow", "Action": "*", "NotResource": "arn:aws:s3:::audit/*"}
        ]})));
        // NotAction limited to one bucket: not admin, but a wildcard.
        assert_eq!(
            grants(json!({"Statement": [
                {"Effect": "Allow", "NotAction": "s3:DeleteBucket", "Resource": "arn:aws:s3:::b"}
            ]})),
            vec!["every action except s3:DeleteBucket (NotAction) on arn:aws:s3:::b"]
        );
    }

    #[test]
    fn deny_statements_are_ignored_not_subtracted() {
        let doc = json!({"Statement": [
            {"Effect": "Allow", "Action": "*", "Resource": "*"},
            {"Effect": "Deny", "Action": "*", "Resource": "*"}
        ]});
        assert_eq!(allows(&doc).unwrap().len(), 1);
        assert!(admin(doc));
        assert!(!admin(
            json!({"Statement": [{"Effect": "Deny", "Action": "*", "Resource": "*"}]})
        ));
    }

    #[test]
    fn service_wildcards_and_pass_role_are_found_admin_is_left_to_inst_003() {
        let doc = json!({"Statement": [
            {"Effect": "Allow", "Action": ["s3:*", "ec2:Describe*", "SQS:SendMessage"], "Resource": "*"},
            {"Effect": "Allow", "Action": "iam:PassRole", "Resource": "*"},
            {"Effect": "Allow", "Action": "iam:pass*", "Resource": "arn:aws:iam::123456789012:role/*"},
            {"Effect": "Allow", "Action": "iam:PassRole", "Resource": "arn:aws:iam::123456789012:role/app"},
            {"Effect": "Allow", "Action": "dynamodb:*", "Resource": "arn:aws:dynamodb:us-east-1:123456789012:table/t"},
            {"Effect": "Allow", "Action": "*", "Resource": "arn:aws:s3:::b/*"},
            {"Effect": "Allow", "Action": "*", "Resource": "*"}
        ]});
        assert_eq!(
            grants(doc),
            vec![
                "s3:* on *",
                "iam:PassRole on * (pass any role to a service)",
                "iam:pass* on arn:aws:iam::123456789012:role/* (pass any role to a service)",
                "dynamodb:* on arn:aws:dynamodb:us-east-1:123456789012:table/t",
                "* on arn:aws:s3:::b/*",
            ]
        );
        // A narrow policy has none.
        assert!(
            grants(json!({"Statement": [
                {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::orders-data/*"}
            ]}))
            .is_empty()
        );
    }

    #[test]
    fn malformed_documents_are_errors() {
        assert!(
            allows(&Value::String("%7B%22Version".into()))
                .unwrap_err()
                .contains("did not parse")
        );
        assert!(
            allows(&json!({"Version": "2012-10-17"}))
                .unwrap_err()
                .contains("no Statement")
        );
        assert!(allows(&json!({"Statement": [{"Action": "*", "Resource": "*"}]})).is_err());
        assert!(
            allows(&json!({"Statement": [{"Effect": "Allow", "Action": 7, "Resource": "*"}]}))
                .is_err()
        );
        assert!(allows(&json!([1])).is_err());
    }

    #[test]
    fn globs_match_like_iam() {
        assert!(glob_match("iam:pass*", "iam:passrole"));
        assert!(glob_match("iam:*role", "iam:passrole"));
        assert!(glob_match("iam:p?ssrole", "iam:passrole"));
        assert!(!glob_match("iam:get*", "iam:passrole"));
        assert!(!glob_match("iam:passrole2", "iam:passrole"));
    }

    #[test]
    fn administrator_access_is_recognised_in_any_partition() {
        assert!(is_aws_administrator_access(
            "arn:aws:iam::aws:policy/AdministratorAccess"
        ));
        assert!(is_aws_administrator_access(
            "arn:aws-us-gov:iam::aws:policy/AdministratorAccess"
        ));
        assert!(!is_aws_administrator_access(
            "arn:aws:iam::123456789012:policy/AdministratorAccess"
        ));
        assert!(!is_aws_administrator_access(
            "arn:aws:iam::aws:policy/AdministratorAccess-Amplify"
        ));
    }
}
