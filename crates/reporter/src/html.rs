//! The HTML report (in progress: being written in this change series).

use std::io::{self, Write};

use rampart_model::Report;

use crate::{Emit, MetaLookup};

pub struct Html;

impl Emit for Html {
    fn emit(&self, _r: &Report, _meta: MetaLookup<'_>, _out: &mut dyn Write) -> io::Result<()> {
        Err(io::Error::other("the html format is not built yet"))
    }
}
