//! Rendering of an evaluation [`Report`]: one module per format behind the
//! [`Emit`] trait. Pure: no network, no clock, no terminal probing (the
//! caller says whether colour is wanted).

use std::io::{self, Write};

use rampart_model::{CheckMeta, Report};

pub mod accounts;
pub mod csv;
pub mod diff;
pub mod html;
pub mod json;
pub mod ocsf;
pub mod sarif;
pub mod table;

/// Check metadata by id, supplied by the caller (the checks crate owns it).
pub type MetaLookup<'a> = &'a dyn Fn(&str) -> Option<&'static CheckMeta>;

/// How many of a finding's affected backends a line of text names before
/// it says how many more there are: one security group can sit on
/// hundreds of backends.
pub const AFFECTED_INLINE: usize = 5;

/// The id a person knows a backend by: the last path segment of its
/// instance ARN (`i-0abc`), or the whole value when it is not one.
pub fn backend_id(arn: &str) -> &str {
    match arn.rsplit_once('/') {
        Some((_, id)) if !id.is_empty() => id,
        _ => arn,
    }
}

/// A short label for a finding's resource: its id ([`backend_id`]), or for
/// a region-scope resource (`.../detector/*`, `.../trail/*`) its last two
/// segments, so `detector/*` and `trail/*` stay apart.
pub fn resource_label(arn: &str) -> &str {
    let id = backend_id(arn);
    if id != "*" {
        return id;
    }
    let head = &arn[..arn.len() - 2];
    match head.rfind(['/', ':']) {
        Some(i) => &arn[i + 1..],
        None => arn,
    }
}

/// `affects 7 instances: i-1, i-2, i-3, i-4, i-5 (+2 more)`: the instances a
/// finding on a shared resource exposes (the backends behind a security
/// group or route table; every instance carrying a role, backend or not),
/// at most [`AFFECTED_INLINE`] by id, cleaned for display. `None` when the finding lists none.
pub fn affects_line<S: AsRef<str>>(affected: &[S]) -> Option<String> {
    if affected.is_empty() {
        return None;
    }
    let n = affected.len();
    let noun = if n == 1 { "instance" } else { "instances" };
    Some(format!("affects {n} {noun}: {}", id_list(affected)))
}

/// `i-1, i-2, i-3, i-4, i-5 (+2 more)`: backend ARNs by id, at most
/// [`AFFECTED_INLINE`] of them, cleaned for display.
pub fn id_list<S: AsRef<str>>(arns: &[S]) -> String {
    let ids: Vec<String> = arns
        .iter()
        .take(AFFECTED_INLINE)
        .map(|a| clean(backend_id(a.as_ref())))
        .collect();
    match arns.len().saturating_sub(AFFECTED_INLINE) {
        0 => ids.join(", "),
        k => format!("{} (+{k} more)", ids.join(", ")),
    }
}

pub trait Emit {
    fn emit(&self, report: &Report, meta: MetaLookup<'_>, out: &mut dyn Write) -> io::Result<()>;
}

/// Makes text that came from the account (tags, names, messages) safe to
/// show to a person: every control character (C0 with tab and newline, DEL,
/// C1; so ESC and BEL, which start and end terminal escapes and OSC 8
/// hyperlinks) and every character that reorders or breaks the text around
/// it (the bidirectional embeddings, overrides, isolates and marks behind
/// "Trojan Source" spoofing such as `invoice\u{202e}fdp.exe`, and the
/// Unicode line and paragraph separators) becomes a space. What is left
/// shows as the characters it is made of, in their stored order, on one line.
pub fn clean(s: &str) -> String {
    s.chars()
        .map(|c| if unsafe_to_show(c) { ' ' } else { c })
        .collect()
}

pub(crate) fn unsafe_to_show(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            // ALM; LRM, RLM; LRE, RLE, PDF, LRO, RLO; LRI, RLI, FSI, PDI
            '\u{061c}' | '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}'
            // LINE SEPARATOR, PARAGRAPH SEPARATOR
            | '\u{2028}' | '\u{2029}'
        )
}

#[cfg(test)]
mod tests {
    use super::clean;

    #[test]
    fn clean_leaves_no_escape_sequence_bidi_control_or_line_break() {
        let hostile = [
            "evil\x1b[2J\x1b[31mred\x1b[0m",
            "\x1b]8;;http://attacker.invalid/\x07link\x1b]8;;\x07",
            "\x1b]8;;http://attacker.invalid/\x1b\\link\x1b]8;;\x1b\\",
            "\u{9b}31m C1 CSI \u{9d}0;title\u{9c}",
            "invoice\u{202e}fdp.exe",
            "\u{2066}isolated\u{2069} \u{202a}embedded\u{202c} \u{200f}marked\u{200e}\u{061c}",
            "line one\nline two\r\nline three\ttabbed\u{2028}four\u{2029}five\u{85}six",
            "nul\0del\x7f",
        ];
        for h in hostile {
            let c = clean(h);
            assert!(!c.chars().any(super::unsafe_to_show), "{h:?} -> {c:?}");
            assert_eq!(c.chars().count(), h.chars().count(), "one for one: {h:?}");
        }
        assert_eq!(clean("invoice\u{202e}fdp.exe"), "invoice fdp.exe");
        assert_eq!(clean("a\x1b[31mb"), "a [31mb");
    }

    #[test]
    fn affects_line_names_a_few_backends_and_counts_the_rest() {
        use super::{AFFECTED_INLINE, affects_line, backend_id, resource_label};
        let arns = |n: usize| -> Vec<String> {
            (1..=n)
                .map(|i| format!("arn:aws:ec2:eu-west-1:1:instance/i-{i}"))
                .collect()
        };
        assert_eq!(affects_line::<String>(&[]), None);
        assert_eq!(affects_line(&arns(1)).unwrap(), "affects 1 instance: i-1");
        assert_eq!(
            affects_line(&arns(AFFECTED_INLINE)).unwrap(),
            "affects 5 instances: i-1, i-2, i-3, i-4, i-5"
        );
        assert_eq!(
            affects_line(&arns(100)).unwrap(),
            "affects 100 instances: i-1, i-2, i-3, i-4, i-5 (+95 more)"
        );
        assert_eq!(backend_id("not-an-arn"), "not-an-arn");
        assert_eq!(
            resource_label("arn:aws:guardduty:eu-west-1:1:detector/*"),
            "detector/*"
        );
        assert_eq!(
            resource_label("arn:aws:ec2:eu-west-1:1:instance/i-1"),
            "i-1"
        );
        assert_eq!(backend_id("trailing/"), "trailing/");
        // Account text is cleaned: an id is no place for an escape.
        assert_eq!(
            affects_line(&["x/i-1\u{1b}[2J".to_string()]).unwrap(),
            "affects 1 instance: i-1 [2J"
        );
    }

    #[test]
    fn clean_keeps_ordinary_text_including_other_scripts() {
        for s in [
            "arn:aws:ec2:eu-west-1:123456789012:instance/i-0abc",
            "web <b>&amp; \"quoted\" 'single'",
            "مرحبا بالعالم",               // right-to-left script, no override
            "日本語 ünïcödé 👩\u{200d}💻", // ZWJ joins an emoji, kept
        ] {
            assert_eq!(clean(s), s);
        }
    }
}
