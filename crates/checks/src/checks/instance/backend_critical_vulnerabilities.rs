//! INST-013: a backend with an open critical vulnerability (Amazon
//! Inspector's `CRITICAL` package vulnerability findings that are `ACTIVE`)
//! runs software with a known, usually remotely exploitable, flaw
//! (<https://docs.aws.amazon.com/inspector/latest/user/findings-understanding-severity.html>).
//! A backend an exposure path reaches from the internet gets the finding at
//! critical severity (the check's own is high). The message names the
//! highest-scored CVEs with their score and whether a fix is available, and
//! the ports Inspector's network reachability findings report open that an
//! exposure path also reaches. Per backend; a backend Inspector does not
//! scan is not evaluated (INST-012 fails it), never a pass.

use rampart_model::{Severity, Status};

use super::inspector_state::{COUNTS, Scan, findings_of, scan_of, scanned};
use crate::checks::network::scope::Scope;
use crate::registry::{Check, Context, Outcome};

pub struct BackendCriticalVulnerabilities;

impl Check for BackendCriticalVulnerabilities {
    fn meta(&self) -> &'static rampart_model::CheckMeta {
        crate::check_meta!("instance", "INST-013")
    }

    fn evaluate(&self, cx: &Context<'_>) -> Vec<Outcome> {
        let scope = Scope::of(cx);
        let mut out = scope.instance_outcomes(cx);
        for (region, i) in &scope.backends {
            let id = i.instance_id.as_str();
            let known = scan_of(cx, region, id).and_then(|scan| match scan {
                Scan::On(c) if scanned(c) => findings_of(cx, region, id),
                Scan::On(_) | Scan::Off(_) => Err(format!(
                    "Inspector does not scan {id} (INST-012): its vulnerabilities are unknown"
                )),
            });
            let paths: Vec<_> = cx
                .exposures
                .for_instance(region, id)
                .iter()
                .filter(|e| e.uncertain.is_none())
                .collect();
            let mut severity = None;
            // Inspector's counts, for the message, when they were collected
            // (they decide nothing: `critical_open` does).
            let counted = cx.not_collected(Some(region), &[COUNTS]).is_none();
            let (status, message) = match known {
                Err(why) => (
                    Status::NotEvaluated(why),
                    format!("the vulnerabilities of {id} are unknown"),
                ),
                Ok(Some(v)) if v.critical_open > 0 => {
                    let top: Vec<String> = v
                        .top
                        .iter()
                        .map(|c| {
                            format!(
                                "{} ({}{}{})",
                                c.id,
                                c.score
                                    .map(|s| format!("score {s:.1}, "))
                                    .unwrap_or_default(),
                                match c.fix_available.as_deref() {
                                    Some("YES") => "fix available",
                                    Some("PARTIAL") => "partial fix",
                                    Some("NO") => "no fix yet",
                                    _ => "fix unknown",
                                },
                                c.packages
                                    .first()
                                    .map(|p| format!(", {p}"))
                                    .unwrap_or_default()
                            )
                        })
                        .collect();
                    // Ports Inspector finds reachable that a path reaches.
                    let mut ports: Vec<String> = v
                        .reachable_ports
                        .iter()
                        .filter(|(proto, from, to)| {
                            paths.iter().any(|e| {
                                e.path.protocol.as_str().eq_ignore_ascii_case(proto)
                                    && e.path.ports.iter().any(|p| p.from <= *to && *from <= p.to)
                            })
                        })
                        .map(|(proto, from, to)| {
                            if from == to {
                                format!("{} {from}", proto.to_lowercase())
                            } else {
                                format!("{} {from}-{to}", proto.to_lowercase())
                            }
                        })
                        .collect();
                    ports.dedup();
                    if !paths.is_empty() {
                        severity = Some(Severity::Critical);
                    }
                    (
                        Status::Fail,
                        format!(
                            "{id} has {} open critical vulnerabilit{}{}: {}{}{}",
                            v.critical_open,
                            if v.critical_open == 1 { "y" } else { "ies" },
                            if counted {
                                format!(
                                    " (Inspector counts {} critical, {} high, {} medium)",
                                    v.critical, v.high, v.medium
                                )
                            } else {
                                String::new()
                            },
                            top.join(", "),
                            if paths.is_empty() {
                                String::new()
                            } else {
                                format!("; the internet reaches it by {} path(s)", paths.len())
                            },
                            if ports.is_empty() {
                                String::new()
                            } else {
                                format!(
                                    "; Inspector finds {} open, which those paths reach",
                                    ports.join(", ")
                                )
                            }
                        ),
                    )
                }
                Ok(v) => (
                    Status::Pass,
                    format!(
                        "{id} has no open critical vulnerability{}",
                        v.filter(|v| counted && v.high + v.medium > 0)
                            .map(|v| format!(
                                " (Inspector counts {} high, {} medium)",
                                v.high, v.medium
                            ))
                            .unwrap_or_default()
                    ),
                ),
            };
            let mut o = Outcome::new(cx.ec2_arn(region, "instance", id), region, status, message);
            o.severity = severity;
            out.push(o);
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::instance::inspector_fixtures::*;
    use crate::checks::instance::ssm_fixtures::statuses_of;
    use crate::testing::*;

    #[test]
    fn open_critical_fails_at_critical_when_a_path_reaches_it_none_passes() {
        let mut s = inspected(&["i-crit", "i-high", "i-clean"]);
        let mut crit = vulnerable("i-crit", 2, 3);
        crit.reachable_ports = vec![("TCP".into(), 8080, 8080), ("TCP".into(), 9999, 9999)];
        inspector(&mut s).findings = vec![
            vulnerable("i-clean", 0, 0),
            crit,
            vulnerable("i-high", 0, 4),
        ];
        inspector(&mut s)
            .findings
            .sort_by(|a, b| a.instance_id.cmp(&b.instance_id));
        let got = run(&BackendCriticalVulnerabilities, &s);
        assert_eq!(
            statuses_of(&got, &["i-clean", "i-crit", "i-high"]),
            vec![
                ("i-clean".into(), "pass"),
                ("i-crit".into(), "fail"),
                ("i-high".into(), "pass")
            ]
        );
        let crit = got
            .iter()
            .find(|o| o.resource_arn.ends_with("i-crit"))
            .unwrap();
        assert!(
            crit.message.contains("2 open critical vulnerabilities"),
            "{}",
            crit.message
        );
        assert!(
            crit.message
                .contains("CVE-2024-6387 (score 9.8, fix available, openssh-server 8.9p1)"),
            "{}",
            crit.message
        );
        let high = got
            .iter()
            .find(|o| o.resource_arn.ends_with("i-high"))
            .unwrap();
        assert!(high.message.contains("4 high"), "{}", high.message);
        // The fixture's backends are NLB targets: whether a path from the
        // internet reaches them decides the severity.
        let reached = !s.regions.is_empty()
            && !crate::paths::Exposures::compute(&crate::index::Index::new(&s))
                .for_instance(REGION, "i-crit")
                .is_empty();
        assert_eq!(crit.severity, reached.then_some(Severity::Critical));
    }

    #[test]
    fn unscanned_or_missing_data_is_not_evaluated_never_a_pass() {
        // Not scanned: INST-012's finding; no verdict on vulnerabilities.
        let mut s = inspected(&["i-on"]);
        inspector(&mut s).coverage[0].status = Some("INACTIVE".into());
        let got = run(&BackendCriticalVulnerabilities, &s);
        assert_eq!(
            statuses_of(&got, &["i-on"]),
            vec![("i-on".into(), "not-evaluated")]
        );
        let mut s = inspected(&["i-on"]);
        inspector(&mut s).ec2_status = Some("DISABLED".into());
        let got = run(&BackendCriticalVulnerabilities, &s);
        assert_eq!(
            statuses_of(&got, &["i-on"]),
            vec![("i-on".into(), "not-evaluated")]
        );
        for op in [
            "inspector2:BatchGetAccountStatus",
            "inspector2:ListCoverage",
            "inspector2:ListFindings",
        ] {
            let mut s = inspected(&["i-on"]);
            fail(&mut s, op);
            let got = run(&BackendCriticalVulnerabilities, &s);
            let on = got
                .iter()
                .find(|o| o.resource_arn.ends_with("i-on"))
                .unwrap();
            assert!(
                matches!(&on.status, Status::NotEvaluated(w) if w.contains(op)),
                "{op}: {on:?}"
            );
        }
    }
}
