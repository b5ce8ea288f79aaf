//! The OCSF report (in progress: being written in this change series).

use std::io::{self, Write};

use rampart_model::Report;

use crate::{Emit, MetaLookup};

pub struct Ocsf;

impl Emit for Ocsf {
    fn emit(&self, _r: &Report, _meta: MetaLookup<'_>, _out: &mut dyn Write) -> io::Result<()> {
        Err(io::Error::other("the ocsf format is not built yet"))
    }
}
