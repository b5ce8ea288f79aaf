//! The resource policy of a PRIVATE REST API read as IAM evaluates it, for
//! the one question EDGE-008 asks: can a request that comes through a VPC
//! endpoint, or from a VPC, that the policy does not name be allowed?
//!
//! IAM's rules, as AWS documents them:
//! - an explicit Deny that matches the request wins; else an Allow that
//!   matches allows; else the request is denied (for a private API nothing
//!   but its resource policy can allow it)
//!   <https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html>,
//!   <https://docs.aws.amazon.com/apigateway/latest/developerguide/apigateway-authorization-flow.html>;
//! - a statement matches when its principal, action, resource and every
//!   condition match; several operators and several keys are ANDed, several
//!   values of one key ORed, and NORed for a negated operator
//!   (`StringNotEquals`, `StringNotLike`)
//!   <https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_multi-value-conditions.html>;
//! - `Principal: "*"` and `{"AWS": "*"}` both mean everyone, anonymous
//!   callers included
//!   <https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html>;
//! - API Gateway expands `execute-api:/...` to
//!   `arn:PARTITION:execute-api:REGION:ACCOUNT:API_ID/...`, and a request's
//!   resource is `API_ID/STAGE/VERB/PATH`
//!   <https://docs.aws.amazon.com/apigateway/latest/developerguide/apigateway-resource-policies-examples.html>.
//!
//! The request in question is an `execute-api:Invoke` of any method, by any
//! principal, whose `aws:SourceVpce` and `aws:SourceVpc` are values the
//! policy does not name. Requests to a private API always come through an
//! interface endpoint, so both keys are present: `...IfExists` and the set
//! operators (`ForAnyValue:`, `ForAllValues:`) on these single-valued keys
//! reduce to the plain operator, and `Null` is decided. A value the policy
//! does not name equals none of its literals, and matches a `StringLike`
//! pattern only if the pattern matches every endpoint (or VPC) id, such as
//! `*` or `vpce-*`.
//!
//! Everything else that could decide the verdict is *unknown*, never
//! guessed: other condition keys or operators, policy variables, patterns
//! that match some ids only, `NotPrincipal`, a Deny that covers fewer
//! resources than the Allow it should stop. Unknowns matter only where they
//! decide: an Allow under an unknown condition that a Deny stops anyway is
//! harmless.

use std::collections::BTreeSet;

use serde_json::{Map, Value};

/// The API a policy is attached to: what `execute-api:/` expands to.
pub(crate) struct Api<'a> {
    pub partition: &'a str,
    pub region: &'a str,
    pub account: &'a str,
    pub id: &'a str,
}

impl Api<'_> {
    /// `arn:PARTITION:execute-api:REGION:ACCOUNT:API_ID/`.
    fn prefix(&self) -> String {
        format!(
            "arn:{}:execute-api:{}:{}:{}/",
            self.partition, self.region, self.account, self.id
        )
    }

    /// Every request to the API, as a pattern: `.../API_ID/STAGE/VERB/PATH`
    /// (the root path makes the last part empty).
    fn every_request(&self) -> String {
        format!("{}*/*/*", self.prefix())
    }
}

/// The answer for requests from endpoints and VPCs the policy does not name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Verdict {
    /// None is allowed: each is denied by `denied_by` (statement labels), or
    /// never allowed when that is empty. `named`: the endpoints and VPCs the
    /// conditions name.
    Pinned {
        named: Vec<String>,
        denied_by: Vec<String>,
    },
    /// Some are allowed, and why.
    Open { named: Vec<String>, why: String },
    /// rampart cannot decide, and why.
    Unknown(String),
}

/// Judges `policy` (the collector keeps a document that did not parse as
/// a JSON string).
pub(crate) fn judge(policy: &Value, api: &Api<'_>) -> Verdict {
    let mut named = BTreeSet::new();
    let statements = match parse(policy, api, &mut named) {
        Ok(s) => s,
        Err(e) => return Verdict::Unknown(e),
    };
    let named: Vec<String> = named.into_iter().collect();
    let every = api.every_request();
    let denies: Vec<&Statement> = statements
        .iter()
        .filter(|s| s.deny && s.invoke && s.touches(&every))
        .collect();

    let mut denied_by = BTreeSet::new();
    let mut unknown = Vec::new();
    for allow in statements
        .iter()
        .filter(|s| !s.deny && s.invoke && s.touches(&every))
    {
        if allow.condition.verdict == Tri::No {
            continue;
        }
        let mut doubts = Vec::new();
        if let Tri::Maybe(why) = &allow.condition.verdict {
            doubts.push(format!("{}: {why}", allow.label));
        }
        let mut misses = Vec::new();
        let mut stopped = None;
        for deny in &denies {
            match deny.stops(allow, &every) {
                Stop::Yes => {
                    stopped = Some(deny.label.clone());
                    break;
                }
                Stop::No(why) => misses.push(format!("{} does not apply ({why})", deny.label)),
                Stop::Maybe(why) => doubts.push(format!("{}: {why}", deny.label)),
            }
        }
        if let Some(label) = stopped {
            denied_by.insert(label);
            continue;
        }
        if doubts.is_empty() {
            let mut why = format!(
                "{} allows execute-api:Invoke to {} {}",
                allow.label,
                allow.principals.describe(),
                allow.condition.describe()
            );
            if !misses.is_empty() {
                why = format!("{why}, and {}", misses.join(", "));
            }
            return Verdict::Open { named, why };
        }
        unknown.push(format!(
            "whether {} admits other endpoints depends on what rampart does not evaluate: {}",
            allow.label,
            doubts.join("; ")
        ));
    }
    match unknown.is_empty() {
        true => Verdict::Pinned {
            named,
            denied_by: denied_by.into_iter().collect(),
        },
        false => Verdict::Unknown(unknown.join("; ")),
    }
}

/// Three-valued truth: `Maybe` carries why rampart cannot tell.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Tri {
    Yes,
    No,
    Maybe(String),
}

impl Tri {
    fn and(self, other: Tri) -> Tri {
        match (self, other) {
            (Tri::No, _) | (_, Tri::No) => Tri::No,
            (Tri::Maybe(a), Tri::Maybe(b)) => Tri::Maybe(format!("{a}; {b}")),
            (Tri::Maybe(a), Tri::Yes) | (Tri::Yes, Tri::Maybe(a)) => Tri::Maybe(a),
            (Tri::Yes, Tri::Yes) => Tri::Yes,
        }
    }
}

/// Whether a Deny stops every request an Allow lets in from elsewhere.
enum Stop {
    Yes,
    No(String),
    Maybe(String),
}

enum Principals {
    /// `*` or `{"AWS": "*"}`.
    Everyone,
    /// `TYPE:value` (account ids as their root ARN).
    Listed(Vec<String>),
    /// `NotPrincipal`.
    AllBut(Vec<String>),
}

impl Principals {
    fn describe(&self) -> String {
        match self {
            Principals::Everyone => "every principal".into(),
            Principals::Listed(p) => p.join(", "),
            Principals::AllBut(p) => format!("every principal but {}", p.join(", ")),
        }
    }

    /// Does `self` (a Deny's) cover every principal of `allowed`?
    fn cover(&self, allowed: &Principals) -> Tri {
        match (self, allowed) {
            (Principals::Everyone, _) => Tri::Yes,
            (Principals::AllBut(_), _) | (_, Principals::AllBut(_)) => Tri::Maybe(
                "NotPrincipal is not evaluated (which principals it leaves out needs IAM's principal matching)"
                    .into(),
            ),
            (Principals::Listed(_), Principals::Everyone) => Tri::No,
            (Principals::Listed(deny), Principals::Listed(allow)) => {
                let covered = allow
                    .iter()
                    .all(|a| deny.iter().any(|d| d == a || account_covers(d, a)));
                if covered { Tri::Yes } else { Tri::No }
            }
        }
    }
}

/// `AWS:arn:P:iam::ACCOUNT:root` names every principal of that account.
fn account_covers(deny: &str, allow: &str) -> bool {
    let Some(account) = deny
        .strip_prefix("AWS:arn:")
        .and_then(|r| r.split_once(":iam::"))
        .and_then(|(_, r)| r.strip_suffix(":root"))
    else {
        return false;
    };
    allow.starts_with("AWS:arn:")
        && allow
            .split_once(":iam::")
            .is_some_and(|(_, r)| r.starts_with(&format!("{account}:")))
}

enum Resources {
    Listed(Vec<String>),
    /// `NotResource`.
    AllBut(Vec<String>),
}

/// A statement's `Condition`, judged for a request from elsewhere.
struct Conditions {
    verdict: Tri,
    /// `Operator key` of each test, for messages.
    tests: Vec<String>,
}

impl Conditions {
    fn describe(&self) -> String {
        match (&self.verdict, self.tests.is_empty()) {
            (_, true) => "without a condition".into(),
            _ => format!(
                "under a condition ({}) that holds for an endpoint or VPC it does not name",
                self.tests.join(", ")
            ),
        }
    }
}

struct Statement {
    /// `statement N` (1-based), with its Sid.
    label: String,
    deny: bool,
    principals: Principals,
    /// The actions cover `execute-api:Invoke`.
    invoke: bool,
    resources: Resources,
    condition: Conditions,
}

impl Statement {
    /// Can the statement match some request to this API?
    fn touches(&self, every: &str) -> bool {
        match &self.resources {
            Resources::Listed(list) => list.iter().any(|p| intersects(p, every)),
            Resources::AllBut(list) => !list.iter().any(|p| subset(every, p)),
        }
    }

    /// Does this Deny stop every request from elsewhere that `allow` lets in?
    fn stops(&self, allow: &Statement, every: &str) -> Stop {
        let principals = self.principals.cover(&allow.principals);
        let resources = self.resources_cover(allow, every);
        match principals
            .clone()
            .and(resources)
            .and(self.condition.verdict.clone())
        {
            Tri::Yes => Stop::Yes,
            Tri::Maybe(why) => Stop::Maybe(why),
            Tri::No if principals == Tri::No => Stop::No("it names only some principals".into()),
            Tri::No => Stop::No(format!(
                "its condition {} is false for an endpoint or VPC it does not name",
                self.condition.tests.join(", ")
            )),
        }
    }

    fn resources_cover(&self, allow: &Statement, every: &str) -> Tri {
        let doubt = || {
            Tri::Maybe(format!(
                "it denies {}, which may leave out resources {} allows",
                self.describe_resources(),
                allow.label
            ))
        };
        match (&self.resources, &allow.resources) {
            (Resources::Listed(deny), _) if deny.iter().any(|p| subset(every, p)) => Tri::Yes,
            (Resources::Listed(deny), Resources::Listed(allowed)) => {
                let covered = allowed
                    .iter()
                    .filter(|a| intersects(a, every))
                    .all(|a| deny.iter().any(|d| subset(a, d)));
                if covered { Tri::Yes } else { doubt() }
            }
            (Resources::AllBut(except), _) if !except.iter().any(|p| intersects(p, every)) => {
                Tri::Yes
            }
            _ => doubt(),
        }
    }

    fn describe_resources(&self) -> String {
        match &self.resources {
            Resources::Listed(r) => r.join(", "),
            Resources::AllBut(r) => format!("every resource but {}", r.join(", ")),
        }
    }
}

/// The statements of a policy document; `Err` names what is malformed.
fn parse(
    policy: &Value,
    api: &Api<'_>,
    named: &mut BTreeSet<String>,
) -> Result<Vec<Statement>, String> {
    let doc = match policy {
        Value::Object(o) => o,
        Value::String(_) => return Err("it did not parse as JSON".into()),
        _ => return Err("it is not a JSON object".into()),
    };
    let list: Vec<&Value> = match doc.get("Statement") {
        Some(Value::Array(list)) => list.iter().collect(),
        Some(one @ Value::Object(_)) => vec![one],
        _ => return Err("it has no Statement list".into()),
    };
    list.into_iter()
        .enumerate()
        .map(|(n, st)| statement(n + 1, st, api, named))
        .collect()
}

fn statement(
    n: usize,
    st: &Value,
    api: &Api<'_>,
    named: &mut BTreeSet<String>,
) -> Result<Statement, String> {
    let Value::Object(st) = st else {
        return Err(format!("statement {n} is not an object"));
    };
    let label = match st.get("Sid").and_then(Value::as_str) {
        Some(sid) if !sid.is_empty() => format!("statement {n} ({sid})"),
        _ => format!("statement {n}"),
    };
    let deny = match st.get("Effect").and_then(Value::as_str) {
        Some("Allow") => false,
        Some("Deny") => true,
        Some(other) => return Err(format!("statement {n} has Effect {other}")),
        None => return Err(format!("statement {n} has no Effect")),
    };
    let principals = match (st.get("Principal"), st.get("NotPrincipal")) {
        (Some(p), None) => principals(p, api, n)?.map_or(Principals::Everyone, Principals::Listed),
        (None, Some(p)) => {
            Principals::AllBut(principals(p, api, n)?.unwrap_or_else(|| vec!["*".into()]))
        }
        _ => {
            return Err(format!(
                "statement {n} needs one of Principal or NotPrincipal"
            ));
        }
    };
    let invoke = match (st.get("Action"), st.get("NotAction")) {
        (Some(a), None) => strings(a, "Action", n)?
            .iter()
            .any(|p| subset("execute-api:invoke", &p.to_ascii_lowercase())),
        (None, Some(a)) => !strings(a, "NotAction", n)?
            .iter()
            .any(|p| subset("execute-api:invoke", &p.to_ascii_lowercase())),
        _ => return Err(format!("statement {n} needs one of Action or NotAction")),
    };
    let expand = |list: Vec<String>| -> Vec<String> {
        list.into_iter()
            .map(|r| match r.strip_prefix("execute-api:/") {
                Some(rest) => format!("{}{rest}", api.prefix()),
                None => r,
            })
            .collect()
    };
    let resources = match (st.get("Resource"), st.get("NotResource")) {
        (Some(r), None) => Resources::Listed(expand(strings(r, "Resource", n)?)),
        (None, Some(r)) => Resources::AllBut(expand(strings(r, "NotResource", n)?)),
        _ => {
            return Err(format!(
                "statement {n} needs one of Resource or NotResource"
            ));
        }
    };
    let condition = match st.get("Condition") {
        None => Conditions {
            verdict: Tri::Yes,
            tests: vec![],
        },
        Some(Value::Object(block)) => conditions(block, n, named)?,
        Some(_) => return Err(format!("statement {n}: Condition is not an object")),
    };
    Ok(Statement {
        label,
        deny,
        principals,
        invoke,
        resources,
        condition,
    })
}

/// `None` for everyone, else the listed principals as `TYPE:value`.
fn principals(v: &Value, api: &Api<'_>, n: usize) -> Result<Option<Vec<String>>, String> {
    let map = match v {
        Value::String(s) if s == "*" => return Ok(None),
        Value::Object(m) => m,
        _ => {
            return Err(format!(
                "statement {n}: Principal is neither \"*\" nor an object"
            ));
        }
    };
    let mut out = Vec::new();
    for (kind, values) in map {
        for value in strings(values, "Principal", n)? {
            if kind == "AWS" && value == "*" {
                return Ok(None);
            }
            let value = if kind == "AWS"
                && value.len() == 12
                && value.bytes().all(|b| b.is_ascii_digit())
            {
                format!("arn:{}:iam::{value}:root", api.partition)
            } else {
                value
            };
            out.push(format!("{kind}:{value}"));
        }
    }
    Ok(Some(out))
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

/// The condition keys rampart evaluates, with the shape of their values.
fn known_key(key: &str) -> Option<&'static str> {
    match key.to_ascii_lowercase().as_str() {
        "aws:sourcevpce" => Some("vpce-"),
        "aws:sourcevpc" => Some("vpc-"),
        _ => None,
    }
}

fn conditions(
    block: &Map<String, Value>,
    n: usize,
    named: &mut BTreeSet<String>,
) -> Result<Conditions, String> {
    let mut verdict = Tri::Yes;
    let mut tests = Vec::new();
    for (operator, keys) in block {
        let Value::Object(keys) = keys else {
            return Err(format!(
                "statement {n}: condition {operator} is not an object"
            ));
        };
        for (key, values) in keys {
            let values: Vec<String> = match values {
                Value::Array(list) => list.iter().map(scalar).collect(),
                one => vec![scalar(one)],
            };
            let test = format!("{operator} {key}");
            let result = match known_key(key) {
                Some(prefix) => {
                    named.extend(values.iter().cloned());
                    test_outside(operator, prefix, &values)
                }
                None => Tri::Maybe(format!(
                    "the condition {test} is not evaluated (only aws:SourceVpce and aws:SourceVpc are)"
                )),
            };
            tests.push(test);
            verdict = verdict.and(result);
        }
    }
    Ok(Conditions { verdict, tests })
}

fn scalar(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// One condition test on `aws:SourceVpce` / `aws:SourceVpc` for a value the
/// policy does not name (ids start with `prefix`).
fn test_outside(operator: &str, prefix: &str, values: &[String]) -> Tri {
    let base = operator
        .strip_prefix("ForAnyValue:")
        .or_else(|| operator.strip_prefix("ForAllValues:"))
        .unwrap_or(operator);
    let base = base.strip_suffix("IfExists").unwrap_or(base);
    if let Some(v) = values.iter().find(|v| v.contains("${")) {
        return Tri::Maybe(format!(
            "the policy variable in {operator} {v} is not evaluated"
        ));
    }
    let every_id = format!("{prefix}*");
    let like = || {
        if values.iter().any(|v| subset(&every_id, v)) {
            Tri::Yes
        } else if let Some(p) = values.iter().find(|v| v.contains(['*', '?'])) {
            Tri::Maybe(format!(
                "the pattern {p} in {operator} matches some endpoint or VPC ids only"
            ))
        } else {
            Tri::No
        }
    };
    let not = |t: Tri| match t {
        Tri::Yes => Tri::No,
        Tri::No => Tri::Yes,
        m => m,
    };
    match base {
        "StringEquals" | "StringEqualsIgnoreCase" => Tri::No,
        "StringNotEquals" | "StringNotEqualsIgnoreCase" => Tri::Yes,
        "StringLike" => like(),
        "StringNotLike" => not(like()),
        // The keys are present on every request to a private API.
        "Null" if values.iter().all(|v| v == "true") => Tri::No,
        "Null" if values.iter().all(|v| v == "false") => Tri::Yes,
        _ => Tri::Maybe(format!("the operator {operator} is not evaluated")),
    }
}

/// IAM wildcards: `*` any run of characters, `?` one character.
fn chars(s: &str) -> Vec<char> {
    s.chars().collect()
}

/// Is every string `a` matches also matched by `b`? Sufficient, not
/// complete: true when `b` matches `a` read as text in which `a`'s own `*`
/// can only be absorbed by a `*` of `b` (and `a`'s `?` by `?` or `*`).
fn subset(a: &str, b: &str) -> bool {
    let (a, b) = (chars(a), chars(b));
    let mut memo = vec![vec![None; b.len() + 1]; a.len() + 1];
    subset_at(&a, &b, 0, 0, &mut memo)
}

fn subset_at(a: &[char], b: &[char], i: usize, j: usize, memo: &mut [Vec<Option<bool>>]) -> bool {
    if let Some(known) = memo[i][j] {
        return known;
    }
    let result = if j == b.len() {
        i == a.len()
    } else if b[j] == '*' {
        subset_at(a, b, i, j + 1, memo) || (i < a.len() && subset_at(a, b, i + 1, j, memo))
    } else if i == a.len() {
        false
    } else if b[j] == '?' {
        a[i] != '*' && subset_at(a, b, i + 1, j + 1, memo)
    } else {
        a[i] == b[j] && a[i] != '*' && a[i] != '?' && subset_at(a, b, i + 1, j + 1, memo)
    };
    memo[i][j] = Some(result);
    result
}

/// Does some string match both patterns? (Exact: a walk of the product of
/// the two patterns' automata.)
fn intersects(a: &str, b: &str) -> bool {
    let (a, b) = (chars(a), chars(b));
    let mut seen = vec![vec![false; b.len() + 1]; a.len() + 1];
    let mut stack = vec![(0usize, 0usize)];
    while let Some((i, j)) = stack.pop() {
        if std::mem::replace(&mut seen[i][j], true) {
            continue;
        }
        if i == a.len() && j == b.len() {
            return true;
        }
        let (ca, cb) = (a.get(i).copied(), b.get(j).copied());
        if ca == Some('*') {
            stack.push((i + 1, j));
        }
        if cb == Some('*') {
            stack.push((i, j + 1));
        }
        // One character both can read.
        if let (Some(x), Some(y)) = (ca, cb) {
            let compatible = x == '*' || y == '*' || x == '?' || y == '?' || x == y;
            if compatible {
                let ni = if x == '*' { i } else { i + 1 };
                let nj = if y == '*' { j } else { j + 1 };
                if (ni, nj) != (i, j) {
                    stack.push((ni, nj));
                }
            }
        }
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn subset_is_sound_on_the_shapes_policies_use() {
        let every = "arn:aws:execute-api:r:1:a/*/*/*";
        assert!(subset(every, "arn:aws:execute-api:r:1:a/*"));
        assert!(subset(every, "*"));
        assert!(subset(every, "arn:aws:execute-api:*:*:*"));
        assert!(subset(every, every));
        assert!(!subset(every, "arn:aws:execute-api:r:1:a/prod/*"));
        assert!(!subset(every, "arn:aws:execute-api:r:1:b/*"));
        assert!(subset("vpce-*", "vpce*"));
        assert!(subset("vpce-*", "*"));
        assert!(!subset("vpce-*", "vpce-0a*"));
        assert!(!subset("vpce-*", "vpce-1"));
        assert!(subset("a/prod/GET/x", "a/*/GET/*"));
        assert!(!subset("a/*", "a/?"));
        assert!(subset("execute-api:invoke", "execute-api:*"));
        assert!(!subset("execute-api:invoke", "execute-api:invalidatecache"));
    }

    #[test]
    fn intersects_finds_a_common_string_when_there_is_one() {
        let every = "arn:aws:execute-api:r:1:a/*/*/*";
        assert!(intersects(every, "arn:aws:execute-api:r:1:a/prod/GET/x"));
        assert!(intersects(every, "arn:aws:execute-api:*:*:*"));
        assert!(intersects("*", "x"));
        assert!(intersects("a*c", "ab*"));
        assert!(!intersects(every, "arn:aws:execute-api:r:1:b/*"));
        assert!(!intersects("a?", "abc"));
        assert!(!intersects(every, "arn:aws:execute-api:r:1:a"));
    }
}
