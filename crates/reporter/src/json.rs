//! The JSON report: the versioned [`rampart_model::Report`] as is, pretty
//! printed. Its shape is documented in `docs/report.md`.

use std::io::{self, Write};

use rampart_model::Report;

use crate::{Emit, MetaLookup};

pub struct Json;

impl Emit for Json {
    fn emit(&self, report: &Report, _meta: MetaLookup<'_>, out: &mut dyn Write) -> io::Result<()> {
        serde_json::to_writer_pretty(&mut *out, report).map_err(io::Error::other)?;
        out.write_all(b"\n")
    }
}
