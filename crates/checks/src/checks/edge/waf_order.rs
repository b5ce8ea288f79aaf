//! How far requests get through a web ACL: the evaluation order the WAF
//! checks (EDGE-003, EDGE-004, EDGE-005, EDGE-011) share, so that each of
//! them judges only the rules that requests can still reach.
//!
//! AWS WAF evaluates a web ACL's rules from the lowest priority up until a
//! rule with a terminating action matches
//! (<https://docs.aws.amazon.com/waf/latest/developerguide/web-acl-processing-order.html>).
//! Allow and Block terminate; Count does not; CAPTCHA and Challenge let a
//! request with a valid token go on as a Count and stop the others
//! (<https://docs.aws.amazon.com/waf/latest/developerguide/web-acl-rule-actions.html>).
//! A Block ahead of a protective rule only takes requests away, so only an
//! Allow can carry a request past it. Allows come from three places:
//!
//! - a rule whose action is Allow;
//! - a rule inside a rule group whose action is Allow, or is overridden to
//!   Allow by the web ACL's `RuleActionOverrides`
//!   (<https://docs.aws.amazon.com/waf/latest/developerguide/web-acl-rule-group-override-options.html>),
//!   unless the group's `OverrideAction` is Count, which turns the group's
//!   result into a count
//!   (<https://docs.aws.amazon.com/waf/latest/APIReference/API_OverrideAction.html>);
//! - nothing else: the default action applies only after every rule.
//!
//! A protective rule (a managed rule group, a rate-based rule) with a
//! scope-down statement evaluates only the requests that match it
//! (<https://docs.aws.amazon.com/waf/latest/developerguide/waf-rule-scope-down-statements.html>):
//! the requests outside it are as good as allowed past it.
//!
//! What matters for each of those is who can make a request match: see
//! [`Breadth`].

use rampart_model::{WafRule, WafStatement};

use super::support::list;

/// Who can send a request that a statement matches. The question is the
/// attacker's: an Allow any client can opt into (by its country, by its
/// payload, by its size, by flooding) is a way around everything after it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Breadth {
    /// Only the clients the statement names by source address (an IP set
    /// the owner keeps). The addresses of an IP set are not in the
    /// snapshot: rampart takes a reference to one as a trusted list.
    Narrow,
    /// Any client can: a country (any client can send from there), the
    /// complement of a list, a content or size condition the client writes.
    Broad,
    /// The snapshot does not say (a byte, regex or label match keeps only
    /// its type; a rule group's rules are not collected).
    Unknown,
}

use Breadth::*;

fn both(a: Breadth, b: Breadth) -> Breadth {
    match (a, b) {
        (Narrow, _) | (_, Narrow) => Narrow,
        (Broad, Broad) => Broad,
        _ => Unknown,
    }
}

fn either(a: Breadth, b: Breadth) -> Breadth {
    match (a, b) {
        (Broad, _) | (_, Broad) => Broad,
        (Narrow, Narrow) => Narrow,
        _ => Unknown,
    }
}

/// Statement types that inspect what any client writes into its own
/// request (an attack pattern, a size): every client can match them, and
/// every client can also avoid them.
const CLIENT_CHOSEN: [&str; 3] = [
    "SqliMatchStatement",
    "XssMatchStatement",
    "SizeConstraintStatement",
];

/// Who can send a request that `s` matches.
pub(crate) fn breadth(s: &WafStatement) -> Breadth {
    match s {
        WafStatement::IpSetReference { .. } => Narrow,
        WafStatement::GeoMatch { .. } => Broad,
        WafStatement::Not { statement } => breadth_not(statement),
        WafStatement::And { statements } => statements
            .iter()
            .map(breadth)
            .reduce(both)
            .unwrap_or(Unknown),
        WafStatement::Or { statements } => statements
            .iter()
            .map(breadth)
            .reduce(either)
            .unwrap_or(Unknown),
        // Any client can exceed a rate.
        WafStatement::RateBased { scope_down, .. } => {
            both(Broad, scope_down.as_deref().map_or(Broad, breadth))
        }
        WafStatement::Other { statement_type }
            if CLIENT_CHOSEN.contains(&statement_type.as_str()) =>
        {
            Broad
        }
        WafStatement::Other { .. }
        | WafStatement::ManagedRuleGroup { .. }
        | WafStatement::RuleGroupReference { .. } => Unknown,
    }
}

/// Who can send a request that `s` does *not* match.
pub(crate) fn breadth_not(s: &WafStatement) -> Breadth {
    match s {
        // Everyone outside a list, the rest of the world.
        WafStatement::IpSetReference { .. } | WafStatement::GeoMatch { .. } => Broad,
        WafStatement::Not { statement } => breadth(statement),
        WafStatement::And { statements } => statements
            .iter()
            .map(breadth_not)
            .reduce(either)
            .unwrap_or(Unknown),
        WafStatement::Or { statements } => statements
            .iter()
            .map(breadth_not)
            .reduce(both)
            .unwrap_or(Unknown),
        WafStatement::Other { statement_type }
            if CLIENT_CHOSEN.contains(&statement_type.as_str()) =>
        {
            Broad
        }
        _ => Unknown,
    }
}

/// A short account of what `s` matches, for messages.
pub(crate) fn describe(s: &WafStatement) -> String {
    let group = |items: &[WafStatement], op: &str| {
        let parts: Vec<String> = items
            .iter()
            .map(|i| match i {
                WafStatement::And { .. } | WafStatement::Or { .. } => format!("({})", describe(i)),
                _ => describe(i),
            })
            .collect();
        parts.join(&format!(" {op} "))
    };
    match s {
        WafStatement::IpSetReference { arn } => format!("IP set {}", ip_set_name(arn)),
        WafStatement::GeoMatch { country_codes } => {
            format!("geo match {}", country_codes.join(", "))
        }
        WafStatement::Not { statement } => match statement.as_ref() {
            WafStatement::And { .. } | WafStatement::Or { .. } => {
                format!("NOT ({})", describe(statement))
            }
            inner => format!("NOT {}", describe(inner)),
        },
        WafStatement::And { statements } => group(statements, "AND"),
        WafStatement::Or { statements } => group(statements, "OR"),
        WafStatement::RateBased { limit, .. } => format!("a rate above {limit}"),
        WafStatement::ManagedRuleGroup {
            vendor_name, name, ..
        } => format!("managed rule group {vendor_name}/{name}"),
        WafStatement::RuleGroupReference { arn, .. } => format!("rule group {}", group_name(arn)),
        WafStatement::Other { statement_type } => statement_type.clone(),
    }
}

/// The name in `arn:...:regional/ipset/NAME/ID`.
fn ip_set_name(arn: &str) -> &str {
    name_before_id(arn)
}

/// The name in `arn:...:regional/rulegroup/NAME/ID`.
pub(crate) fn group_name(arn: &str) -> &str {
    name_before_id(arn)
}

fn name_before_id(arn: &str) -> &str {
    let mut parts = arn.rsplit('/');
    parts.next();
    parts.next().filter(|n| !n.is_empty()).unwrap_or(arn)
}

/// `NAME (priority N)`.
pub(crate) fn label(r: &WafRule) -> String {
    format!("{} (priority {})", r.name, r.priority)
}

/// The requests a rule ALLOWs, ending evaluation for them: who can send
/// them and what they are. `None` when the rule never allows.
pub(crate) fn allows(r: &WafRule) -> Option<(Breadth, String)> {
    let counted = r.override_action.as_deref() == Some("count");
    match &r.statement {
        WafStatement::ManagedRuleGroup {
            vendor_name,
            name,
            rule_action_overrides,
            scope_down,
            ..
        } => {
            if counted {
                return None;
            }
            let scope = scope_down.as_deref().map_or(Broad, breadth);
            let allowed: Vec<String> = rule_action_overrides
                .iter()
                .filter(|o| o.action.as_deref() == Some("allow"))
                .map(|o| o.name.clone())
                .collect();
            if !allowed.is_empty() {
                // Managed rules match attack patterns and bad sources: any
                // client can send a request that matches one.
                return Some((
                    both(Broad, scope),
                    format!("requests matching {} (overridden to ALLOW)", list(&allowed)),
                ));
            }
            // AWS's managed rules block, count, challenge or CAPTCHA (the
            // rule tables of every AWS managed rule group); other vendors'
            // rules are not published to the snapshot.
            (vendor_name != "AWS").then(|| {
                (
                    both(Unknown, scope),
                    format!(
                        "whatever the rules of managed rule group {vendor_name}/{name} allow \
                         (its rules are not in the snapshot)"
                    ),
                )
            })
        }
        WafStatement::RuleGroupReference { arn, .. } => (!counted).then(|| {
            (
                Unknown,
                format!(
                    "whatever the rules of rule group {} allow (they are not collected)",
                    group_name(arn)
                ),
            )
        }),
        s => (r.action.as_deref() == Some("allow"))
            .then(|| (breadth(s), format!("requests matching {}", describe(s)))),
    }
}

/// How completely a protective rule sees the requests the ACL receives.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Coverage {
    /// Every request reaches it and is evaluated, except the ones these
    /// narrow exemptions let past (empty: none).
    Full(Vec<String>),
    /// Any client can send requests that never meet it.
    Bypassed(Gap),
    /// Whether any client can is not in the snapshot.
    Unknown(Gap),
}

/// Why requests miss a protective rule: `target`, the rule (or the
/// default action) they miss, and the cause.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Gap {
    pub target: String,
    pub cause: Cause,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Cause {
    /// Rule `rule` (its label) allows `allowed` ahead of the target.
    Allow { rule: String, allowed: String },
    /// The target's own scope-down statement, described.
    ScopeDown(String),
}

impl Coverage {
    /// Full first, then unknown, then bypassed: the best of several rules
    /// doing the same job.
    fn rank(&self) -> u8 {
        match self {
            Coverage::Full(_) => 0,
            Coverage::Unknown(_) => 1,
            Coverage::Bypassed(_) => 2,
        }
    }

    /// The best of several coverages (`None` for none).
    pub(crate) fn best(all: impl IntoIterator<Item = Coverage>) -> Option<Coverage> {
        all.into_iter().min_by_key(Coverage::rank)
    }
}

/// Sentences for gaps, one per cause: an Allow ahead of several targets is
/// named once, with all of them. `certain` is whether any client can send
/// the requests (bypassed) or that is unknown.
pub(crate) fn explain(gaps: &[&Gap], certain: bool) -> Vec<String> {
    let mut causes: Vec<(&Cause, Vec<String>)> = Vec::new();
    for g in gaps {
        match causes.iter_mut().find(|(c, _)| *c == &g.cause) {
            Some((_, targets)) => targets.push(g.target.clone()),
            None => causes.push((&g.cause, vec![g.target.clone()])),
        }
    }
    causes
        .into_iter()
        .flat_map(|(cause, targets)| match cause {
            Cause::Allow { rule, allowed } => vec![format!(
                "rule {rule} allows {allowed} ahead of {}{}",
                list(&targets),
                if certain {
                    ", and any client can send such requests"
                } else {
                    "; who can send such requests is not in the snapshot"
                }
            )],
            Cause::ScopeDown(shown) => targets
                .iter()
                .map(|t| {
                    format!(
                        "rule {t} evaluates only the requests matching its scope-down statement \
                         ({shown}){}",
                        if certain {
                            ", and any client can send requests outside it"
                        } else {
                            ", and what that statement matches is not in the snapshot"
                        }
                    )
                })
                .collect(),
        })
        .collect()
}

/// The narrow exemptions of full coverages, each once, for a pass message:
/// ` (except ...)`, or nothing.
pub(crate) fn exemptions<'c>(all: impl IntoIterator<Item = &'c Coverage>) -> String {
    let mut except: Vec<String> = Vec::new();
    for c in all {
        if let Coverage::Full(e) = c {
            for x in e {
                if !except.contains(x) {
                    except.push(x.clone());
                }
            }
        }
    }
    if except.is_empty() {
        String::new()
    } else {
        format!(" (except {})", list(&except))
    }
}

/// The web ACL's rules in evaluation order.
pub(crate) fn in_order(rules: &[WafRule]) -> Vec<&WafRule> {
    let mut sorted: Vec<&WafRule> = rules.iter().collect();
    sorted.sort_by_key(|r| r.priority);
    sorted
}

/// The coverage of `target` (one of `ordered`; `None` for the default
/// action, which comes after every rule), named `what` in messages.
pub(crate) fn coverage(ordered: &[&WafRule], target: Option<&WafRule>, what: &str) -> Coverage {
    let ahead = ordered
        .iter()
        .take_while(|r| target.is_none_or(|t| !std::ptr::eq(**r, t)));
    let gap = |cause| Gap {
        target: what.to_string(),
        cause,
    };
    let mut except = Vec::new();
    let mut unknown = None;
    for r in ahead {
        let Some((b, allowed)) = allows(r) else {
            continue;
        };
        match b {
            Narrow => except.push(format!("{allowed}, allowed by rule {}", label(r))),
            Broad => {
                return Coverage::Bypassed(gap(Cause::Allow {
                    rule: label(r),
                    allowed,
                }));
            }
            Unknown => {
                unknown.get_or_insert_with(|| {
                    gap(Cause::Allow {
                        rule: label(r),
                        allowed,
                    })
                });
            }
        }
    }
    if let Some(scope) = target.and_then(scope_down) {
        let shown = describe(scope);
        match breadth_not(scope) {
            Narrow => except.push(format!(
                "requests outside the scope-down statement ({shown}) of rule {what}"
            )),
            Broad => return Coverage::Bypassed(gap(Cause::ScopeDown(shown))),
            Unknown => {
                unknown.get_or_insert_with(|| gap(Cause::ScopeDown(shown)));
            }
        }
    }
    match unknown {
        Some(g) => Coverage::Unknown(g),
        None => Coverage::Full(except),
    }
}

/// The scope-down statement of a managed rule group or rate-based rule.
fn scope_down(r: &WafRule) -> Option<&WafStatement> {
    match &r.statement {
        WafStatement::ManagedRuleGroup { scope_down, .. }
        | WafStatement::RateBased { scope_down, .. } => scope_down.as_deref(),
        _ => None,
    }
}

/// The rules using the AWS managed rule group `group`. A managed rule
/// group statement is always a rule's top-level statement: it cannot be
/// nested
/// (<https://docs.aws.amazon.com/waf/latest/developerguide/waf-rule-statements-rule-group.html>).
pub(crate) fn using_group<'r>(ordered: &[&'r WafRule], group: &str) -> Vec<&'r WafRule> {
    ordered
        .iter()
        .copied()
        .filter(|r| {
            matches!(&r.statement, WafStatement::ManagedRuleGroup { vendor_name, name, .. }
                if vendor_name == "AWS" && name == group)
        })
        .collect()
}

/// What one AWS managed group is to a web ACL: absent, or its best
/// coverage among the rules that use it.
pub(crate) fn group_coverage(ordered: &[&WafRule], group: &str) -> Option<Coverage> {
    Coverage::best(
        using_group(ordered, group)
            .into_iter()
            .map(|r| coverage(ordered, Some(r), &label(r))),
    )
}

#[cfg(test)]
mod tests {
    use super::super::fixtures::*;
    use super::*;

    #[test]
    fn breadth_follows_who_can_send_the_request() {
        let bm = || other("ByteMatchStatement");
        let and = |s: Vec<WafStatement>| WafStatement::And { statements: s };
        let or = |s: Vec<WafStatement>| WafStatement::Or { statements: s };
        assert_eq!(breadth(&ip_set("office")), Narrow);
        assert_eq!(breadth(&not(ip_set("bad"))), Broad);
        assert_eq!(breadth(&geo(&["DE"])), Broad);
        assert_eq!(breadth(&not(geo(&["DE"]))), Broad);
        assert_eq!(breadth(&bm()), Unknown);
        assert_eq!(breadth(&not(bm())), Unknown);
        assert_eq!(breadth(&not(not(ip_set("office")))), Narrow);
        assert_eq!(breadth(&other("SqliMatchStatement")), Broad);
        // A trusted list narrows whatever it is combined with.
        assert_eq!(breadth(&and(vec![ip_set("office"), geo(&["DE"])])), Narrow);
        assert_eq!(breadth(&and(vec![bm(), geo(&["DE"])])), Unknown);
        assert_eq!(breadth(&or(vec![ip_set("office"), geo(&["DE"])])), Broad);
        assert_eq!(breadth(&or(vec![ip_set("office"), bm()])), Unknown);
        // De Morgan: NOT (office AND DE) is everyone outside office or DE.
        assert_eq!(
            breadth(&not(and(vec![ip_set("office"), geo(&["DE"])]))),
            Broad
        );
        assert_eq!(breadth(&and(vec![])), Unknown);
        assert_eq!(
            describe(&not(and(vec![ip_set("office"), geo(&["DE", "FR"])]))),
            "NOT (IP set office AND geo match DE, FR)"
        );
    }

    #[test]
    fn counted_groups_never_allow_and_opaque_ones_may() {
        assert_eq!(allows(&group_ref("mine", "count")), None);
        assert!(matches!(
            allows(&group_ref("mine", "none")),
            Some((Unknown, _))
        ));
        assert_eq!(allows(&managed(0, "AWSManagedRulesCommonRuleSet")), None);
        let mut vendor = managed(0, "Fortinet-OWASP");
        if let WafStatement::ManagedRuleGroup { vendor_name, .. } = &mut vendor.statement {
            *vendor_name = "Fortinet".into();
        }
        assert!(matches!(allows(&vendor), Some((Unknown, _))));
        assert_eq!(allows(&plain("x", "block")), None);
        assert_eq!(allows(&rate("rl", "allow")).map(|a| a.0), Some(Broad));
    }
}
