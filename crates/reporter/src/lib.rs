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
