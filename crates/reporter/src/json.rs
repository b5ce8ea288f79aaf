//! The JSON report: the versioned [`rampart_model::Report`] as is, in the
//! snapshot's layout ([`JsonLayout::list_per_line`]): the objects down to
//! the lists are indented, and each list element (a finding, a scorecard)
//! is one line of compact JSON, so `grep` on a fingerprint or an ARN shows
//! the whole finding and a diff of two reports is one line per finding.
//! Its shape is documented in `docs/report.md`.
//!
//! The bytes are exactly that layout's (a test holds them to it), but the
//! two long arrays, scorecards and findings, are rendered on every core:
//! at a million resources they are 1.4 million findings and 800 MB of
//! text, and one core spent two seconds on them. The rest of the report is
//! written by serde_json with both arrays empty, and each array is put in
//! the place of its `[]`.

use std::io::{self, Write};

use rampart_model::Report;
use rampart_model::io::JsonLayout;
use serde::Serialize;

use crate::{Emit, MetaLookup};

pub struct Json;

impl Emit for Json {
    fn emit(&self, report: &Report, _meta: MetaLookup<'_>, out: &mut dyn Write) -> io::Result<()> {
        // serde_json writes token by token (a quote, a key, a colon): into
        // `dyn Write` each is a call through the vtable, into a concrete
        // buffer an inlined copy.
        let mut buffered = io::BufWriter::with_capacity(1 << 16, &mut *out);
        write_report(report, &mut buffered)?;
        buffered.write_all(b"\n")?;
        buffered.flush()
    }
}

/// `report` as serde_json writes it with [`JsonLayout::list_per_line`],
/// with the scorecards and findings rendered in parallel.
pub fn write_report(report: &Report, out: &mut impl Write) -> io::Result<()> {
    // Every field named, so a new field of `Report` cannot be left out.
    let skeleton = Report {
        schema_version: report.schema_version,
        tool: report.tool.clone(),
        snapshot: report.snapshot.clone(),
        summary: report.summary.clone(),
        scorecards: Vec::new(),
        findings: Vec::new(),
        checks: report.checks.clone(),
        expired_suppressions: report.expired_suppressions.clone(),
        baseline: report.baseline.clone(),
    };
    let mut text = Vec::new();
    skeleton
        .serialize(&mut serde_json::Serializer::with_formatter(
            &mut text,
            JsonLayout::list_per_line(),
        ))
        .map_err(io::Error::other)?;
    // A top-level key is the only thing at two spaces' indent after a line
    // break (a string's line breaks are escaped), so each marker is found
    // exactly once.
    let cards = marker(&text, "scorecards")?;
    let findings = marker(&text, "findings")?;
    let (first, second) = if cards < findings {
        (cards, findings)
    } else {
        (findings, cards)
    };
    let mut at = 0;
    for pos in [first, second] {
        out.write_all(&text[at..pos])?;
        if pos == cards {
            array(&report.scorecards, out)?;
        } else {
            array(&report.findings, out)?;
        }
        at = pos + b"[]".len();
    }
    out.write_all(&text[at..])
}

/// Where the `[]` of top-level key `key` starts in the skeleton's text.
fn marker(text: &[u8], key: &str) -> io::Result<usize> {
    let needle = format!("\n  \"{key}\": []");
    let found = text
        .windows(needle.len())
        .position(|w| w == needle.as_bytes())
        .ok_or_else(|| io::Error::other(format!("JSON report: no empty `{key}` to fill")))?;
    Ok(found + needle.len() - b"[]".len())
}

/// Elements rendered per parallel task, and tasks per batch: a batch is
/// about 16 x 1024 findings, some 10 MB of text, and at most two wait to
/// be written while the next is rendered.
const CHUNK: usize = 1024;
const BATCH: usize = 16;

/// A top-level array as [`JsonLayout::list_per_line`] writes it at depth
/// one: `[`, each element compact on its own line at four spaces, `]` at
/// two; `[]` when empty. (Compact is serde_json's compact layout: the
/// layout writes what is inside a list element exactly as it does.)
/// Batches are rendered on the pool's threads while this thread writes the
/// ones before them (at 1.3 million findings the writing, 800 MB into the
/// page cache, took as long as the rendering).
fn array<T: Serialize + Sync>(items: &[T], out: &mut impl Write) -> io::Result<()> {
    use rayon::prelude::*;
    if items.is_empty() {
        return out.write_all(b"[]");
    }
    out.write_all(b"[")?;
    let render = |b: usize, batch: &[T]| -> io::Result<Vec<Vec<u8>>> {
        batch
            .par_chunks(CHUNK)
            .enumerate()
            .map(|(c, chunk)| {
                let mut buf = Vec::with_capacity(chunk.len() * 384);
                for (i, item) in chunk.iter().enumerate() {
                    let first = b == 0 && c == 0 && i == 0;
                    buf.extend_from_slice(if first { b"\n    " } else { b",\n    " });
                    sonic_rs::to_writer(&mut buf, item).map_err(io::Error::other)?;
                }
                Ok(buf)
            })
            .collect()
    };
    std::thread::scope(|s| {
        let (tx, rx) = std::sync::mpsc::sync_channel(2);
        s.spawn(move || {
            for (b, batch) in items.chunks(CHUNK * BATCH).enumerate() {
                let rendered = render(b, batch);
                let failed = rendered.is_err();
                // The writer stopped (a write failed): nothing more to do.
                if tx.send(rendered).is_err() || failed {
                    return;
                }
            }
        });
        // A failed write drops the receiver, which stops the renderer.
        for rendered in rx {
            for piece in rendered? {
                out.write_all(&piece)?;
            }
        }
        Ok::<(), io::Error>(())
    })?;
    out.write_all(b"\n  ]")
}
