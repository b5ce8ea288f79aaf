//! IAM policy documents read for the instance-role checks (INST-003,
//! INST-004): the `Allow` and `Deny` statements of a document, and whether
//! one applies to an action on a resource.
//!
//! What a statement *grants* is read as an upper bound:
//! - `Condition` blocks are not evaluated: a conditional `Allow` counts
//!   (its condition keys are kept, so a finding can name them), and a
//!   conditional `Deny` subtracts nothing, since it may not apply;
//! - `NotAction` grants every action except the listed ones, `NotResource`
//!   every resource except the listed ones;
//! - in a resource pattern `*` matches any run of characters, colons
//!   included. AWS lets a `*` cross a colon only at the end of an ARN
//!   segment (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_resource.html),
//!   so rampart may count a grant AWS would not, never the reverse.
//!
//! Action names match case-insensitively, with `*` and `?`
//! (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_action.html);
//! resource ARNs case-sensitively ("In the Resource element, the IAM user
//! name is case sensitive", same Resource page).
//!
//! `Action`/`NotAction` and `Resource`/`NotResource` may be a string or a
//! list; `Statement` may be one object or a list. A document that did not
//! parse (the collector keeps it as a JSON string) or is not shaped like a
//! policy is an error, which the checks report as *not evaluated*.

use serde_json::Value;

/// One statement, reduced to what the checks need.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Statement {
    pub sid: Option<String>,
    /// `true` for `NotAction`: `actions` are the exceptions.
    pub not_action: bool,
    pub actions: Vec<String>,
    /// `true` for `NotResource`: `resources` are the exceptions.
    pub not_resource: bool,
    pub resources: Vec<String>,
    /// The condition keys of its `Condition` block, sorted; empty when it
    /// has none.
    pub conditions: Vec<String>,
}

/// A policy document's statements, by effect.
#[derive(Debug, Default)]
pub(crate) struct Parsed {
    pub allows: Vec<Statement>,
    pub denies: Vec<Statement>,
}

/// The statements of a policy document.
pub(crate) fn parse(doc: &Value) -> Result<Parsed, String> {
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
    let mut out = Parsed::default();
    for (n, st) in statements.into_iter().enumerate() {
        let Value::Object(st) = st else {
            return Err(format!("statement {n} is not an object"));
        };
        let allow = match st.get("Effect") {
            Some(Value::String(e)) if e.eq_ignore_ascii_case("allow") => true,
            Some(Value::String(e)) if e.eq_ignore_ascii_case("deny") => false,
            _ => return Err(format!("statement {n} has no Effect Allow or Deny")),
        };
        let (not_action, actions) = pair(st, "Action", "NotAction", n)?;
        let (not_resource, resources) = pair(st, "Resource", "NotResource", n)?;
        // IAM rejects an identity policy statement without an action or a
        // resource element; if one slipped through it grants (or denies)
        // nothing.
        let (Some(actions), Some(resources)) = (actions, resources) else {
            continue;
        };
        let statement = Statement {
            sid: st.get("Sid").and_then(Value::as_str).map(str::to_string),
            not_action,
            actions,
            not_resource,
            resources,
            conditions: condition_keys(st.get("Condition")),
        };
        if allow {
            out.allows.push(statement);
        } else {
            out.denies.push(statement);
        }
    }
    Ok(out)
}

/// `{"Operator": {"key": value}}` -> the keys; a block of another shape is
/// still a condition (named `Condition`), so it is never read as none.
fn condition_keys(condition: Option<&Value>) -> Vec<String> {
    let Some(condition) = condition else {
        return vec![];
    };
    let mut keys: Vec<String> = match condition {
        Value::Object(ops) => ops
            .values()
            .flat_map(|op| match op {
                Value::Object(k) => k.keys().cloned().collect(),
                _ => vec!["Condition".to_string()],
            })
            .collect(),
        _ => vec!["Condition".to_string()],
    };
    if keys.is_empty() && !matches!(condition, Value::Object(o) if o.is_empty()) {
        keys.push("Condition".into());
    }
    keys.sort();
    keys.dedup();
    keys
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

/// A name no real ARN segment carries: a resource pattern that matches it
/// in some position matches anything there.
const ANY: &str = "\u{1}";

/// The `n`th colon-separated segment of an ARN pattern when it is a
/// literal, else [`ANY`].
fn literal_segment(pattern: &str, n: usize) -> &str {
    match pattern.split(':').nth(n) {
        Some(seg) if !seg.is_empty() && !seg.contains(['*', '?']) => seg,
        _ => ANY,
    }
}

/// A resource pattern that matches every resource: `*`, or an ARN pattern
/// such as `arn:*` or `arn:aws:*:*:*:*` that matches the ARN of any
/// service, with or without region and account (S3's have neither).
pub(crate) fn covers_every_resource(pattern: &str) -> bool {
    let p = pattern.trim();
    if p == "*" {
        return true;
    }
    // A literal service (`arn:aws:s3:...`) names one service: skip the
    // probes, which allocate, for the common case.
    if literal_segment(p, 2) != ANY {
        return false;
    }
    let partition = literal_segment(p, 1);
    resource_match(p, &format!("arn:{partition}:{ANY}:{ANY}:{ANY}:{ANY}"))
        && resource_match(p, &format!("arn:{partition}:{ANY}:::{ANY}"))
}

/// A resource pattern that matches every role of the account it names:
/// every resource, or `arn:aws:iam::ACCOUNT:role/*` and the like.
pub(crate) fn covers_every_role(pattern: &str) -> bool {
    let p = pattern.trim();
    if !matches!(literal_segment(p, 2), "iam" | ANY) {
        return false;
    }
    covers_every_resource(p)
        || resource_match(
            p,
            &format!(
                "arn:{}:iam::{}:role/{ANY}",
                literal_segment(p, 1),
                literal_segment(p, 4)
            ),
        )
}

/// An action pattern against an action name, both any case.
pub(crate) fn action_match(pattern: &str, action: &str) -> bool {
    glob_match(pattern.trim(), action, true)
}

/// A resource pattern against an ARN, case-sensitively; `*` crosses colons
/// (the upper bound the module comment explains).
pub(crate) fn resource_match(pattern: &str, arn: &str) -> bool {
    glob_match(pattern.trim(), arn, false)
}

impl Statement {
    /// Every action: `*` listed, or a `NotAction` (everything but a few).
    pub fn every_action(&self) -> bool {
        self.not_action || self.actions.iter().any(|a| is_every_action(a))
    }

    /// Every resource: `*` (or `arn:*`, ...) listed, or a `NotResource`.
    pub fn every_resource(&self) -> bool {
        self.not_resource || self.resources.iter().any(|r| covers_every_resource(r))
    }

    /// Admin rights: every action on every resource (INST-003).
    pub fn is_admin(&self) -> bool {
        self.every_action() && self.every_resource()
    }

    /// Every role in the account: every resource, or `arn:...:role/*`.
    fn every_role(&self) -> bool {
        self.not_resource || self.resources.iter().any(|r| covers_every_role(r))
    }

    /// Whether the statement names `action` (`iam:PutRolePolicy`).
    pub fn matches_action(&self, action: &str) -> bool {
        self.actions.iter().any(|p| action_match(p, action)) != self.not_action
    }

    /// Whether the statement names the resource `arn`.
    pub fn matches_resource(&self, arn: &str) -> bool {
        self.resources.iter().any(|p| resource_match(p, arn)) != self.not_resource
    }

    /// `action` on `arn`.
    #[cfg(test)]
    pub fn applies(&self, action: &str, arn: &str) -> bool {
        self.matches_action(action) && self.matches_resource(arn)
    }

    /// `, if its condition on K1, K2 allows it`, or nothing.
    pub fn condition_note(&self) -> String {
        if self.conditions.is_empty() {
            String::new()
        } else {
            format!(
                ", if its condition on {} allows it",
                self.conditions.join(", ")
            )
        }
    }

    /// The grants INST-004 reports, described (`s3:* on *`), empty for an
    /// admin statement (INST-003's finding): `service:*` actions,
    /// `iam:PassRole` (or a pattern covering it) on every role, and `*` or a
    /// `NotAction` allow limited to some resources.
    pub fn wildcards(&self) -> Vec<String> {
        if self.is_admin() {
            return vec![];
        }
        let described: Vec<String> = self
            .resources
            .iter()
            .map(|r| {
                if r.trim() != "*" && covers_every_resource(r) {
                    format!("{r} (every resource)")
                } else {
                    r.clone()
                }
            })
            .collect();
        let on = if self.not_resource {
            format!("every resource except {}", described.join(", "))
        } else {
            described.join(", ")
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
            } else if action_match(a, "iam:PassRole") && self.every_role() {
                out.push(format!("{a} on {on} (pass any role to a service)"));
            }
        }
        out
    }
}

/// IAM's wildcards: `*` any run of characters, `?` one character; ASCII
/// letters in any case when `any_case`.
fn glob_match(pattern: &str, text: &str, any_case: bool) -> bool {
    if pattern.is_ascii() && text.is_ascii() {
        // Bytes are characters: no copy (this runs for every statement of
        // every role, for each action INST-003 looks for).
        glob(pattern.as_bytes(), text.as_bytes(), |a, b| {
            a == b || (any_case && a.eq_ignore_ascii_case(&b))
        })
    } else {
        let (p, t): (Vec<char>, Vec<char>) = (pattern.chars().collect(), text.chars().collect());
        glob(&p, &t, |a, b| {
            a == b || (any_case && a.eq_ignore_ascii_case(&b))
        })
    }
}

fn glob<C: Copy + PartialEq + From<u8>>(p: &[C], t: &[C], same: impl Fn(C, C) -> bool) -> bool {
    let (any, one) = (C::from(b'*'), C::from(b'?'));
    let (mut pi, mut ti) = (0, 0);
    let mut star: Option<(usize, usize)> = None;
    while ti < t.len() {
        if pi < p.len() && (p[pi] == one || (p[pi] != any && same(p[pi], t[ti]))) {
            pi += 1;
            ti += 1;
        } else if pi < p.len() && p[pi] == any {
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
    p[pi..].iter().all(|c| *c == any)
}

/// The AWS managed `AdministratorAccess` policy, in any partition: known to
/// be `*` on `*` without reading its document.
pub(crate) fn is_aws_administrator_access(policy_arn: &str) -> bool {
    policy_arn.starts_with("arn:") && policy_arn.ends_with(":iam::aws:policy/AdministratorAccess")
}

/// An AWS managed policy (`arn:PARTITION:iam::aws:policy/...`), which no
/// account can version.
pub(crate) fn is_aws_managed(policy_arn: &str) -> bool {
    policy_arn.split(':').nth(4) == Some("aws")
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn allows(doc: &Value) -> Result<Vec<Statement>, String> {
        parse(doc).map(|p| p.allows)
    }

    fn grants(doc: Value) -> Vec<String> {
        allows(&doc)
            .unwrap()
            .iter()
            .flat_map(Statement::wildcards)
            .collect()
    }

    fn admin(doc: Value) -> bool {
        allows(&doc).unwrap().iter().any(Statement::is_admin)
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
    fn statements_apply_like_iam() {
        let p = parse(&json!({"Statement": [
            {"Effect": "Allow", "Action": "IAM:Put*", "Resource": "arn:aws:iam::1:role/app-*"},
            {"Effect": "Allow", "NotAction": "s3:*", "NotResource": "arn:aws:iam::1:role/admin",
             "Condition": {"StringEquals": {"aws:RequestedRegion": "eu-west-1"}, "Bool": {"aws:SecureTransport": "true"}}},
            {"Effect": "Deny", "Action": "iam:PutRolePolicy", "Resource": "*"}
        ]}))
        .unwrap();
        let (a, b) = (&p.allows[0], &p.allows[1]);
        assert!(a.applies("iam:PutRolePolicy", "arn:aws:iam::1:role/app-role"));
        assert!(!a.applies("iam:PutRolePolicy", "arn:aws:iam::1:role/App-role"));
        assert!(!a.applies("iam:AttachRolePolicy", "arn:aws:iam::1:role/app-role"));
        assert!(a.conditions.is_empty() && a.condition_note().is_empty());
        assert!(b.applies("iam:PutRolePolicy", "arn:aws:iam::1:role/app-role"));
        assert!(!b.applies("iam:PutRolePolicy", "arn:aws:iam::1:role/admin"));
        assert!(!b.applies("s3:GetObject", "arn:aws:s3:::b"));
        assert_eq!(b.conditions, ["aws:RequestedRegion", "aws:SecureTransport"]);
        assert_eq!(p.denies.len(), 1);
        assert!(p.denies[0].applies("iam:putrolepolicy", "arn:aws:iam::1:role/x"));
        // A condition block of another shape is still a condition.
        let odd = parse(&json!({"Statement": {"Effect": "Allow", "Action": "*", "Resource": "*", "Condition": "x"}}))
            .unwrap();
        assert_eq!(odd.allows[0].conditions, ["Condition"]);
    }

    #[test]
    fn every_resource_and_every_role_spellings() {
        for every in [
            "*",
            "arn:*",
            "arn:aws:*",
            "arn:*:*:*:*:*",
            "arn:aws:*:*:*:*",
        ] {
            assert!(covers_every_resource(every), "{every}");
        }
        for some in [
            "arn:aws:s3:::*",
            "arn:aws:iam::1:*",
            "arn:aws:*:*:1:*",
            "arn:aws:iam::1:role/*",
        ] {
            assert!(!covers_every_resource(some), "{some}");
        }
        for role in [
            "arn:aws:iam::1:role/*",
            "arn:aws:iam::*:role/*",
            "arn:aws:iam::1:*",
            "arn:*",
        ] {
            assert!(covers_every_role(role), "{role}");
        }
        for some in [
            "arn:aws:iam::1:role/app-*",
            "arn:aws:iam::1:user/*",
            "arn:aws:s3:::*",
        ] {
            assert!(!covers_every_role(some), "{some}");
        }
        assert!(is_aws_managed("arn:aws:iam::aws:policy/ReadOnlyAccess"));
        assert!(!is_aws_managed("arn:aws:iam::123456789012:policy/aws"));
    }

    #[test]
    fn globs_match_like_iam() {
        assert!(action_match("iam:pass*", "iam:PassRole"));
        assert!(action_match("IAM:*role", "iam:PassRole"));
        assert!(action_match("iam:p?ssrole", "iam:PassRole"));
        assert!(!action_match("iam:get*", "iam:PassRole"));
        assert!(!action_match("iam:passrole2", "iam:PassRole"));
        assert!(resource_match("arn:aws:s3:::b/*/x", "arn:aws:s3:::b/1/2/x"));
        assert!(!resource_match("arn:aws:s3:::B/*", "arn:aws:s3:::b/1"));
        assert!(resource_match("arn:aws:s3:::b?", "arn:aws:s3:::b1"));
        // `?` is one character, not one byte.
        assert!(resource_match("arn:aws:s3:::b/?", "arn:aws:s3:::b/é"));
        assert!(resource_match("arn:aws:s3:::b/é*", "arn:aws:s3:::b/éa"));
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
