//! The JSON report: the versioned [`rampart_model::Report`] as is, pretty
//! printed. Its shape is documented in `docs/report.md`.

use std::io::{self, Write};

use rampart_model::Report;

use crate::{Emit, MetaLookup};

pub struct Json;

impl Emit for Json {
    fn emit(&self, report: &Report, _meta: MetaLookup<'_>, out: &mut dyn Write) -> io::Result<()> {
        // serde_json writes token by token (a quote, a key, a colon): into
        // `dyn Write` each is a call through the vtable, into a concrete
        // buffer an inlined copy. At 1.3 million findings that is most of
        // the report phase's overhead.
        let mut buffered = io::BufWriter::with_capacity(1 << 16, &mut *out);
        serde_json::to_writer_pretty(&mut buffered, report).map_err(io::Error::other)?;
        buffered.write_all(b"\n")?;
        buffered.flush()
    }
}
