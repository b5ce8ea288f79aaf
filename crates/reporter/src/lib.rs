//! Rendering of an evaluation [`Report`]: one module per format behind the
//! [`Emit`] trait. Pure: no network, no clock, no terminal probing (the
//! caller says whether colour is wanted).

use std::io::{self, Write};

use rampart_model::{CheckMeta, Report};

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

/// Removes control characters (terminal escapes, newlines in tag values)
/// from text that came from the account.
pub fn clean(s: &str) -> String {
    s.chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect()
}
