//! Loading and saving snapshots. A bad file (missing, empty, too large,
//! truncated, not JSON, another schema version, wrong shape) is one clear
//! error that names the file; a save never leaves a half-written file behind
//! (temp file in the same directory, fsync, rename) and never follows a
//! symlink.
//!
//! Every file rampart reads goes through [`read_bounded`]: its size is taken
//! from the open file's metadata *before* any byte is read, so a 50 GB file
//! (or a planted sparse one) is refused at once instead of exhausting memory;
//! the read itself is capped too, for files whose metadata has no size
//! (FIFOs, `/dev/zero`, `/proc`) or that grow while being read.
//!
//! Snapshots and reports may be zstd-compressed: a file that starts with
//! the zstd magic bytes is decompressed whatever its name, under the same
//! limit applied to the *decompressed* size (a small file that expands
//! without end is refused, never an out-of-memory); [`write_atomic`]
//! compresses when the path ends in `.zst`.

use std::fs::File;
use std::io::{BufWriter, Read, Write};
use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::{SCHEMA_VERSION, Snapshot};

#[derive(Debug, thiserror::Error)]
pub enum SnapshotError {
    #[error("cannot read snapshot {path}: {source}")]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("snapshot {path} is empty")]
    Empty { path: PathBuf },
    #[error(
        "{what} {path} is {}limit for an input file (set {MAX_INPUT_BYTES_ENV} to change it)",
        over(*.size, *.at_least, *.limit)
    )]
    TooLarge {
        /// "snapshot", or "snapshot or report" where either is accepted.
        what: &'static str,
        path: PathBuf,
        size: u64,
        /// The size is a lower bound: the file had no size in its metadata
        /// (a pipe, a device) or grew while it was read.
        at_least: bool,
        limit: u64,
    },
    #[error("{MAX_INPUT_BYTES_ENV}={value:?} is not a whole number of bytes (e.g. 4294967296)")]
    BadLimit { value: String },
    #[error("snapshot {path} is truncated (the JSON ends early at line {line}, column {column})")]
    Truncated {
        path: PathBuf,
        line: usize,
        column: usize,
    },
    #[error("snapshot {path} is not JSON: {message}")]
    NotJson { path: PathBuf, message: String },
    #[error(
        "snapshot {path} has schema version {found}; this rampart ({tool}) reads versions {oldest} to {supported}{hint}"
    )]
    UnsupportedVersion {
        path: PathBuf,
        found: u64,
        oldest: u32,
        supported: u32,
        tool: &'static str,
        hint: &'static str,
    },
    #[error("snapshot {path} is not a rampart snapshot (no schema_version field)")]
    NotASnapshot { path: PathBuf },
    #[error("snapshot {path} does not match schema version {version}: {message}")]
    Invalid {
        path: PathBuf,
        version: u32,
        message: String,
    },
    #[error(
        "{what} {path} decompresses to over the {} limit for an input file (set {MAX_INPUT_BYTES_ENV} to change it)",
        size_text(*.limit)
    )]
    DecompressedTooLarge {
        what: &'static str,
        path: PathBuf,
        limit: u64,
    },
    #[error("{what} {path} is a truncated zstd file (the compressed data ends early)")]
    ZstdTruncated { what: &'static str, path: PathBuf },
    #[error("{what} {path} is a corrupt zstd file: {message}")]
    ZstdCorrupt {
        what: &'static str,
        path: PathBuf,
        message: String,
    },
    #[error("cannot write {path}: {message}")]
    Write { path: PathBuf, message: String },
    #[error("report {path} {message}")]
    Report { path: PathBuf, message: String },
}

/// What `rampart diff` and `--baseline` accept: a snapshot (evaluated by
/// the caller) or a JSON report written by `rampart check --format json`.
#[derive(Debug)]
pub enum Run {
    Snapshot(Box<Snapshot>),
    Report(Box<crate::Report>),
}

/// The largest input file rampart reads when [`MAX_INPUT_BYTES_ENV`] is not
/// set: 2 GiB, orders of magnitude above what a scan writes (the demo
/// account's snapshot is under 100 KB), and still a size that parses in
/// memory on a laptop.
pub const DEFAULT_MAX_INPUT_BYTES: u64 = 2 << 30;

/// The environment variable that overrides [`DEFAULT_MAX_INPUT_BYTES`] for
/// snapshots and reports (a whole number of bytes).
pub const MAX_INPUT_BYTES_ENV: &str = "RAMPART_MAX_INPUT_BYTES";

/// The size limit for snapshots and reports: [`MAX_INPUT_BYTES_ENV`] if set,
/// else [`DEFAULT_MAX_INPUT_BYTES`]. A value that is not a number is an
/// error, never silently the default.
pub fn max_input_bytes() -> Result<u64, SnapshotError> {
    match std::env::var(MAX_INPUT_BYTES_ENV) {
        Ok(v) => v
            .trim()
            .parse::<u64>()
            .map_err(|_| SnapshotError::BadLimit { value: v }),
        Err(std::env::VarError::NotPresent) => Ok(DEFAULT_MAX_INPUT_BYTES),
        Err(std::env::VarError::NotUnicode(v)) => Err(SnapshotError::BadLimit {
            value: v.to_string_lossy().into_owned(),
        }),
    }
}

/// Why [`read_bounded`] failed.
#[derive(Debug)]
pub enum BoundedReadError {
    Io(std::io::Error),
    /// Over the limit: `size` bytes, or at least that many when `at_least`.
    TooLarge {
        size: u64,
        at_least: bool,
    },
}

/// Reads a whole file of at most `limit` bytes. The size is checked on the
/// open file's metadata before reading (no time or memory is spent on a
/// file that is too large), and the read stops one byte past the limit
/// whatever the metadata said.
pub fn read_bounded(path: &Path, limit: u64) -> Result<Vec<u8>, BoundedReadError> {
    let file = File::open(path).map_err(BoundedReadError::Io)?;
    let meta = file.metadata().map_err(BoundedReadError::Io)?;
    if meta.is_file() && meta.len() > limit {
        return Err(BoundedReadError::TooLarge {
            size: meta.len(),
            at_least: false,
        });
    }
    // Reserve what the metadata announces, but fallibly: with a limit raised
    // past the memory there is, an allocation failure is an error, not an
    // abort (read_to_end reserves fallibly too).
    let hint = usize::try_from(if meta.is_file() { meta.len() } else { 0 }).unwrap_or(usize::MAX);
    let mut bytes = Vec::new();
    bytes.try_reserve_exact(hint).map_err(|_| {
        BoundedReadError::Io(std::io::Error::new(
            std::io::ErrorKind::OutOfMemory,
            format!("cannot allocate {hint} bytes to read it"),
        ))
    })?;
    file.take(limit.saturating_add(1))
        .read_to_end(&mut bytes)
        .map_err(BoundedReadError::Io)?;
    let read = bytes.len() as u64;
    if read > limit {
        return Err(BoundedReadError::TooLarge {
            size: read,
            at_least: true,
        });
    }
    Ok(bytes)
}

/// `3221225472 bytes (3.0 GiB)`: exact for scripts, readable for people.
fn size_text(bytes: u64) -> String {
    let units = [
        ("KiB", 1u64 << 10),
        ("MiB", 1 << 20),
        ("GiB", 1 << 30),
        ("TiB", 1 << 40),
    ];
    match units.iter().rev().find(|(_, n)| bytes >= *n) {
        Some((unit, n)) => format!("{bytes} bytes ({:.1} {unit})", bytes as f64 / *n as f64),
        None => format!("{bytes} bytes"),
    }
}

/// `3221225472 bytes (3.0 GiB), over the 2147483648 bytes (2.0 GiB) `, or
/// `over the ... ` alone when the size is not known exactly.
fn over(size: u64, at_least: bool, limit: u64) -> String {
    if at_least {
        format!("over the {} ", size_text(limit))
    } else {
        format!("{}, over the {} ", size_text(size), size_text(limit))
    }
}

/// The first four bytes of every zstd frame.
pub const ZSTD_MAGIC: [u8; 4] = [0x28, 0xB5, 0x2F, 0xFD];

/// The zstd level `.zst` files are written at: zstd's default, fast
/// (hundreds of MB/s) and about 20 to 1 on a snapshot.
const ZSTD_LEVEL: i32 = 3;

/// True when `path` ends in `.zst`: [`write_atomic`] compresses it.
pub fn is_zst_path(path: &Path) -> bool {
    path.extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("zst"))
}

/// Decompresses zstd `compressed` (one or more frames) into at most
/// `limit` bytes: the output is read one byte past the limit, so a bomb
/// costs `limit` bytes of memory at most and is refused.
fn decompress_bounded(
    path: &Path,
    what: &'static str,
    compressed: &[u8],
    limit: u64,
) -> Result<Vec<u8>, SnapshotError> {
    let corrupt = |message: String| SnapshotError::ZstdCorrupt {
        what,
        path: path.to_path_buf(),
        message,
    };
    let mut out = Vec::new();
    // JSON compresses about 20 to 1: reserve a guess (never past the
    // limit, fallibly) to spare most of the doublings of a large read.
    let guess = (compressed.len() as u64).saturating_mul(16).min(limit);
    let _ = out.try_reserve_exact(usize::try_from(guess).unwrap_or(0));
    let decoder =
        zstd::stream::read::Decoder::with_buffer(compressed).map_err(|e| corrupt(e.to_string()))?;
    match decoder.take(limit.saturating_add(1)).read_to_end(&mut out) {
        Ok(_) => {}
        Err(e) if e.kind() == std::io::ErrorKind::UnexpectedEof => {
            return Err(SnapshotError::ZstdTruncated {
                what,
                path: path.to_path_buf(),
            });
        }
        Err(e) => return Err(corrupt(e.to_string())),
    }
    if out.len() as u64 > limit {
        return Err(SnapshotError::DecompressedTooLarge {
            what,
            path: path.to_path_buf(),
            limit,
        });
    }
    Ok(out)
}

/// Reads a snapshot or report file under [`max_input_bytes`], decompressed
/// when it is zstd (by its magic bytes, whatever its name).
fn read_input(path: &Path, what: &'static str) -> Result<Vec<u8>, SnapshotError> {
    let limit = max_input_bytes()?;
    let bytes = read_file(path, what, limit)?;
    if bytes.starts_with(&ZSTD_MAGIC) {
        return decompress_bounded(path, what, &bytes, limit);
    }
    Ok(bytes)
}

fn read_file(path: &Path, what: &'static str, limit: u64) -> Result<Vec<u8>, SnapshotError> {
    read_bounded(path, limit).map_err(|e| match e {
        BoundedReadError::Io(source) => SnapshotError::Read {
            path: path.to_path_buf(),
            source,
        },
        BoundedReadError::TooLarge { size, at_least } => SnapshotError::TooLarge {
            what,
            path: path.to_path_buf(),
            size,
            at_least,
            limit,
        },
    })
}

impl Run {
    /// Reads a snapshot or a JSON report, telling them apart by shape (a
    /// report has `findings` and `scorecards`); errors name the file.
    pub fn load(path: &Path) -> Result<Run, SnapshotError> {
        let bytes = read_input(path, "snapshot or report")?;
        Run::from_slice(path, &bytes)
    }

    /// [`Run::load`] on bytes already read; `path` is only used in messages.
    pub fn from_slice(path: &Path, bytes: &[u8]) -> Result<Run, SnapshotError> {
        // A snapshot names itself in its first keys: no pass over the
        // whole text to look for a report's lists (0.3 s at 389 MB).
        if sniff(bytes) == Some(Sniffed::Snapshot) {
            return Snapshot::from_slice(path, bytes).map(|s| Run::Snapshot(Box::new(s)));
        }
        #[derive(Deserialize)]
        struct Shape {
            findings: Option<serde::de::IgnoredAny>,
            scorecards: Option<serde::de::IgnoredAny>,
            schema_version: Option<serde_json::Value>,
        }
        match serde_json::from_slice::<Shape>(bytes) {
            Ok(Shape {
                findings: Some(_),
                scorecards: Some(_),
                schema_version,
            }) => {
                let report_err = |message: String| SnapshotError::Report {
                    path: path.to_path_buf(),
                    message,
                };
                // Every readable version parses into today's types: the
                // later versions only added keys, which default when absent.
                let readable = crate::READABLE_REPORT_SCHEMA_VERSIONS;
                let version = schema_version
                    .as_ref()
                    .and_then(serde_json::Value::as_u64)
                    .and_then(|v| u32::try_from(v).ok())
                    .filter(|v| readable.contains(v));
                let Some(version) = version else {
                    let mut list: Vec<String> = readable.iter().map(u32::to_string).collect();
                    // "1, 2 and 3"
                    if list.len() >= 2 {
                        let last = list.split_off(list.len() - 2).join(" and ");
                        list.push(last);
                    }
                    return Err(report_err(format!(
                        "has report schema version {}; this rampart ({}) reads versions {}",
                        schema_version.map_or("(none)".to_string(), |v| v.to_string()),
                        crate::TOOL_VERSION,
                        list.join(", ")
                    )));
                };
                serde_json::from_slice(bytes)
                    .map(|r| Run::Report(Box::new(r)))
                    .map_err(|e| {
                        report_err(format!(
                            "does not match report schema version {version}: {e}"
                        ))
                    })
            }
            _ => Snapshot::from_slice(path, bytes).map(|s| Run::Snapshot(Box::new(s))),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Sniffed {
    Snapshot,
    Report,
}

/// Which of the two a JSON object is, by the first top-level key only one
/// of them has (a snapshot's `collected_at`, `account_id`, `regions`; a
/// report's `summary`, `scorecards`, `findings`); the values before it
/// are skipped, so a snapshot is told after its first few keys. `None`
/// when no such key decides (not an object, or neither shape).
fn sniff(bytes: &[u8]) -> Option<Sniffed> {
    use serde::de::{IgnoredAny, MapAccess, Visitor};
    use std::cell::Cell;
    struct Keys<'c>(&'c Cell<Option<Sniffed>>);
    impl<'de> Visitor<'de> for Keys<'_> {
        type Value = ();
        fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
            f.write_str("an object")
        }
        fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
            while let Some(key) = map.next_key::<std::borrow::Cow<'de, str>>()? {
                let found = match key.as_ref() {
                    "collected_at" | "account_id" | "regions" => Some(Sniffed::Snapshot),
                    "summary" | "scorecards" | "findings" => Some(Sniffed::Report),
                    _ => None,
                };
                if found.is_some() {
                    // Stops here: the parse then fails on the rest, which
                    // the caller ignores.
                    self.0.set(found);
                    return Ok(());
                }
                map.next_value::<IgnoredAny>()?;
            }
            Ok(())
        }
    }
    let found = Cell::new(None);
    let mut de = serde_json::Deserializer::from_slice(bytes);
    let _ = serde::Deserializer::deserialize_map(&mut de, Keys(&found));
    found.get()
}

/// Just enough of a snapshot to tell which format it claims to be.
#[derive(Deserialize)]
struct Header {
    schema_version: Option<serde_json::Value>,
}

impl Snapshot {
    /// Reads and validates a snapshot file of at most [`max_input_bytes`].
    pub fn load(path: &Path) -> Result<Snapshot, SnapshotError> {
        let bytes = read_input(path, "snapshot")?;
        Self::from_slice(path, &bytes)
    }

    /// Parses snapshot bytes; `path` is only used in error messages.
    pub fn from_slice(path: &Path, bytes: &[u8]) -> Result<Snapshot, SnapshotError> {
        let path = path.to_path_buf();
        if bytes.iter().all(u8::is_ascii_whitespace) {
            return Err(SnapshotError::Empty { path });
        }
        // The long arrays on every core; on an error, parsed again on one,
        // so the error (line, column, what) is the plain parse's own.
        let parsed = crate::parse::parallel(|| serde_json::from_slice::<Snapshot>(bytes))
            .or_else(|_| serde_json::from_slice::<Snapshot>(bytes));
        match parsed {
            Ok(snapshot)
                if (crate::MIN_SCHEMA_VERSION..=SCHEMA_VERSION)
                    .contains(&snapshot.schema_version) =>
            {
                Ok(snapshot)
            }
            Ok(snapshot) => Err(version_error(path, u64::from(snapshot.schema_version))),
            // The full parse failed: look only at the header to say *why*
            // (another version's shape is not a corrupt file).
            Err(full) => Err(diagnose(path, bytes, full)),
        }
    }

    /// Writes the snapshot atomically to `path` (mode 0600 on Unix), laid
    /// out as [`write_snapshot_json`] does.
    pub fn save(&self, path: &Path) -> Result<(), SnapshotError> {
        write_atomic(path, |w| write_snapshot_json(&mut *w, self))
    }
}

/// A snapshot's JSON as rampart writes it: the objects down to the
/// resource lists laid out like `to_writer_pretty` (two-space indent),
/// and each element of a list on a line of its own, without spaces
/// (`{"instance_id":"i-1",...}`), then a newline. One resource per line
/// reads and greps well; fully pretty-printed, 45% of a large snapshot
/// was indentation, which every load read and skipped (at a million
/// resources, 620 MB instead of 340 MB). Any JSON layout loads.
pub fn write_snapshot_json<W: Write + ?Sized>(
    w: &mut W,
    value: &impl serde::Serialize,
) -> std::io::Result<()> {
    let mut ser = serde_json::Serializer::with_formatter(&mut *w, JsonLayout::list_per_line());
    value.serialize(&mut ser).map_err(std::io::Error::other)?;
    w.write_all(b"\n")
}

/// The JSON layout rampart writes snapshots and reports in, as a serde_json
/// formatter: serde_json's `PrettyFormatter` (two-space indent) down to the
/// lists, and each list element compact on its own line.
pub struct JsonLayout {
    /// Depth of the pretty layout.
    indent: usize,
    /// The innermost pretty container had a value (its close then goes on
    /// a line of its own, as `PrettyFormatter` does).
    has_value: bool,
    /// The innermost pretty container is a list.
    in_list: bool,
    /// Containers open inside a compact element (0: pretty layout).
    compact: usize,
}

impl JsonLayout {
    /// The snapshot layout ([`write_snapshot_json`]).
    pub fn list_per_line() -> JsonLayout {
        JsonLayout {
            indent: 0,
            has_value: false,
            in_list: false,
            compact: 0,
        }
    }

    fn newline<W: ?Sized + Write>(&self, w: &mut W) -> std::io::Result<()> {
        w.write_all(b"\n")?;
        for _ in 0..self.indent {
            w.write_all(b"  ")?;
        }
        Ok(())
    }

    /// `[` or `{`: compact inside an element, pretty above.
    fn open<W: ?Sized + Write>(
        &mut self,
        w: &mut W,
        bracket: &[u8],
        list: bool,
    ) -> std::io::Result<()> {
        if self.compact > 0 || self.in_list {
            self.compact += 1;
        } else {
            self.indent += 1;
            self.has_value = false;
            self.in_list = list;
        }
        w.write_all(bracket)
    }

    fn close<W: ?Sized + Write>(&mut self, w: &mut W, bracket: &[u8]) -> std::io::Result<()> {
        if self.compact > 0 {
            self.compact -= 1;
        } else {
            self.indent -= 1;
            if self.has_value {
                self.newline(w)?;
            }
            // Lists are compact, so a pretty container's parent is always a
            // pretty object.
            self.in_list = false;
        }
        w.write_all(bracket)
    }

    /// Before a list element or an object key.
    fn item<W: ?Sized + Write>(&mut self, w: &mut W, first: bool) -> std::io::Result<()> {
        if !first {
            w.write_all(b",")?;
        }
        if self.compact > 0 {
            Ok(())
        } else {
            self.newline(w)
        }
    }

    fn value_done(&mut self) {
        if self.compact == 0 {
            self.has_value = true;
        }
    }
}

impl serde_json::ser::Formatter for JsonLayout {
    fn begin_array<W: ?Sized + Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.open(w, b"[", true)
    }

    fn end_array<W: ?Sized + Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.close(w, b"]")
    }

    fn begin_array_value<W: ?Sized + Write>(
        &mut self,
        w: &mut W,
        first: bool,
    ) -> std::io::Result<()> {
        self.item(w, first)
    }

    fn end_array_value<W: ?Sized + Write>(&mut self, _w: &mut W) -> std::io::Result<()> {
        self.value_done();
        Ok(())
    }

    fn begin_object<W: ?Sized + Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.open(w, b"{", false)
    }

    fn end_object<W: ?Sized + Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.close(w, b"}")
    }

    fn begin_object_key<W: ?Sized + Write>(
        &mut self,
        w: &mut W,
        first: bool,
    ) -> std::io::Result<()> {
        self.item(w, first)
    }

    fn begin_object_value<W: ?Sized + Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        w.write_all(if self.compact > 0 { b":" } else { b": " })
    }

    fn end_object_value<W: ?Sized + Write>(&mut self, _w: &mut W) -> std::io::Result<()> {
        self.value_done();
        Ok(())
    }
}

fn version_error(path: PathBuf, found: u64) -> SnapshotError {
    let hint = if found > u64::from(SCHEMA_VERSION) {
        " (it was written by a newer rampart: upgrade to read it)"
    } else {
        " (it was written by an older rampart: re-run the scan)"
    };
    SnapshotError::UnsupportedVersion {
        path,
        found,
        oldest: crate::MIN_SCHEMA_VERSION,
        supported: SCHEMA_VERSION,
        tool: crate::TOOL_VERSION,
        hint,
    }
}

fn diagnose(path: PathBuf, bytes: &[u8], full: serde_json::Error) -> SnapshotError {
    use serde_json::error::Category;
    match full.classify() {
        Category::Eof => {
            return SnapshotError::Truncated {
                path,
                line: full.line(),
                column: full.column(),
            };
        }
        Category::Syntax => {
            return SnapshotError::NotJson {
                path,
                message: full.to_string(),
            };
        }
        Category::Io | Category::Data => {}
    }
    match serde_json::from_slice::<Header>(bytes) {
        Ok(Header {
            schema_version: Some(v),
        }) => match v.as_u64() {
            Some(found)
                if !(u64::from(crate::MIN_SCHEMA_VERSION)..=u64::from(SCHEMA_VERSION))
                    .contains(&found) =>
            {
                version_error(path, found)
            }
            Some(_) => SnapshotError::Invalid {
                path,
                version: SCHEMA_VERSION,
                message: full.to_string(),
            },
            None => SnapshotError::Invalid {
                path,
                version: SCHEMA_VERSION,
                message: format!("schema_version is {v}, not a number"),
            },
        },
        Ok(Header {
            schema_version: None,
        }) => SnapshotError::NotASnapshot { path },
        // Valid JSON but not an object (an array, a number, ...).
        Err(_) => SnapshotError::NotASnapshot { path },
    }
}

/// Writes a file atomically: a temp file next to `path`, fsync, rename over.
/// Refuses to replace a symlink (a planted link must not redirect the write).
/// A path ending in `.zst` is written zstd-compressed.
pub fn write_atomic(
    path: &Path,
    write: impl FnOnce(&mut dyn Write) -> std::io::Result<()>,
) -> Result<(), SnapshotError> {
    let fail = |message: String| SnapshotError::Write {
        path: path.to_path_buf(),
        message,
    };
    if is_stream(path)? {
        return write_stream(path, write);
    }
    let mut tmp = temp_file_beside(path)?;
    let _in_flight = InFlight::new(&tmp);
    sweep_stale_temps(tmp.path());
    let syncer = tmp.as_file().try_clone().map_err(|e| fail(e.to_string()))?;
    std::thread::scope(|scope| {
        let w = WriteBehind::new(
            tmp.as_file_mut(),
            WRITE_BEHIND_BYTES,
            move || syncer.sync_data(),
            scope,
        );
        let mut w = BufWriter::new(w);
        encode(path, &mut w, write).map_err(|e| fail(e.to_string()))?;
        let (behind, _) = w.into_parts();
        behind.finish().map_err(|e| fail(e.to_string()))
    })?;
    tmp.as_file().sync_all().map_err(|e| fail(e.to_string()))?;
    tmp.persist(path).map_err(|e| fail(e.error.to_string()))?;
    Ok(())
}

/// True when `path` is a character device or a named pipe (`--output
/// /dev/null`, a FIFO a pipeline reads): written straight into, as a
/// shell redirection would. A temp file renamed over it would replace
/// the device or the pipe with a regular file. A block device is
/// refused: a report written over a disk would destroy it.
fn is_stream(path: &Path) -> Result<bool, SnapshotError> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if let Ok(meta) = std::fs::symlink_metadata(path) {
            let t = meta.file_type();
            if t.is_block_device() {
                return Err(SnapshotError::Write {
                    path: path.to_path_buf(),
                    message: "it is a block device".into(),
                });
            }
            return Ok(t.is_char_device() || t.is_fifo());
        }
    }
    #[cfg(not(unix))]
    let _ = path;
    Ok(false)
}

/// [`write_atomic`] into a device or a pipe: no temp file, no fsync (a
/// pipe has nothing to sync), compressed all the same for a `.zst` name.
fn write_stream(
    path: &Path,
    write: impl FnOnce(&mut dyn Write) -> std::io::Result<()>,
) -> Result<(), SnapshotError> {
    let fail = |message: String| SnapshotError::Write {
        path: path.to_path_buf(),
        message,
    };
    let file = std::fs::OpenOptions::new()
        .write(true)
        .open(path)
        .map_err(|e| fail(e.to_string()))?;
    encode(path, &mut BufWriter::new(file), write).map_err(|e| fail(e.to_string()))
}

/// Runs `write` into `w`, through a zstd encoder when `path` ends in
/// `.zst`, and flushes.
fn encode<W: Write>(
    path: &Path,
    w: &mut BufWriter<W>,
    write: impl FnOnce(&mut dyn Write) -> std::io::Result<()>,
) -> std::io::Result<()> {
    if is_zst_path(path) {
        let mut z = zstd::stream::write::Encoder::new(&mut *w, ZSTD_LEVEL)?;
        write(&mut z)?;
        z.finish()?;
    } else {
        write(&mut *w)?;
    }
    w.flush()
}

/// Every [`WRITE_BEHIND_BYTES`] written, a helper thread asks the kernel to
/// write the file out so far (`fdatasync`) while the writer goes on: the
/// final fsync of a large file then waits for the last stretch only, not
/// for all of it (at 800 MB that wait was about 0.25 s). A failed
/// background sync fails the write: the error is not left for the final
/// fsync, which may no longer see it.
const WRITE_BEHIND_BYTES: u64 = 64 << 20;

struct WriteBehind<'scope, W: Write> {
    inner: W,
    every: u64,
    unsynced: u64,
    /// `Some` until [`WriteBehind::finish`]: a sync request per message.
    nudge: Option<std::sync::mpsc::Sender<()>>,
    syncer: Option<std::thread::ScopedJoinHandle<'scope, std::io::Result<()>>>,
}

impl<'scope, W: Write> WriteBehind<'scope, W> {
    /// Calls `sync` on a helper thread after every `every` bytes.
    fn new<'env>(
        inner: W,
        every: u64,
        mut sync: impl FnMut() -> std::io::Result<()> + Send + 'scope,
        scope: &'scope std::thread::Scope<'scope, 'env>,
    ) -> WriteBehind<'scope, W> {
        let (nudge, nudges) = std::sync::mpsc::channel::<()>();
        let syncer = scope.spawn(move || {
            while nudges.recv().is_ok() {
                // Requests that came in during the last sync are served by
                // the next one.
                while nudges.try_recv().is_ok() {}
                sync()?;
            }
            Ok(())
        });
        WriteBehind {
            inner,
            every,
            unsynced: 0,
            nudge: Some(nudge),
            syncer: Some(syncer),
        }
    }

    /// Stops the helper; its first error, if any.
    fn finish(mut self) -> std::io::Result<()> {
        self.stop()
    }

    fn stop(&mut self) -> std::io::Result<()> {
        self.nudge = None;
        match self.syncer.take() {
            Some(h) => h
                .join()
                .unwrap_or_else(|_| Err(std::io::Error::other("write-behind sync panicked"))),
            None => Ok(()),
        }
    }
}

impl<W: Write> Write for WriteBehind<'_, W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let n = self.inner.write(buf)?;
        self.unsynced += n as u64;
        if self.unsynced >= self.every {
            self.unsynced = 0;
            let alive = self.nudge.as_ref().is_some_and(|s| s.send(()).is_ok());
            if !alive {
                // The helper has stopped: only an error stops it.
                self.stop()?;
            }
        }
        Ok(n)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.inner.flush()
    }
}

impl<W: Write> Drop for WriteBehind<'_, W> {
    fn drop(&mut self) {
        // On an early return the error being returned is the one to report.
        let _ = self.stop();
    }
}

/// How long a temp file must have gone unmodified before a later write in
/// the same directory may remove it: only the instant between creating a
/// temp file and locking it (below) is unprotected, so a few seconds are
/// ample.
pub const STALE_TEMP: std::time::Duration = std::time::Duration::from_secs(10);

/// The temp files this process is writing: removed by [`abandon_writes`]
/// when the process is interrupted.
static IN_FLIGHT: std::sync::Mutex<Vec<PathBuf>> = std::sync::Mutex::new(Vec::new());

/// A temp file of [`write_atomic`] while it is being written: listed in
/// [`IN_FLIGHT`], and locked (an exclusive `flock`) so that another rampart
/// sweeping the directory knows a live writer holds it. Both end on drop
/// (the lock with the file handle).
struct InFlight(PathBuf);

impl InFlight {
    fn new(tmp: &tempfile::NamedTempFile) -> InFlight {
        // Best effort: a file system without locks leaves only the age rule.
        let _ = tmp.as_file().try_lock();
        let path = tmp.path().to_path_buf();
        in_flight().push(path.clone());
        InFlight(path)
    }
}

impl Drop for InFlight {
    fn drop(&mut self) {
        in_flight().retain(|p| p != &self.0);
    }
}

fn in_flight() -> std::sync::MutexGuard<'static, Vec<PathBuf>> {
    IN_FLIGHT.lock().unwrap_or_else(|e| e.into_inner())
}

/// Removes the temp files of every [`write_atomic`] under way, for a
/// process about to exit on a signal: the destination keeps its previous
/// content (or stays absent), and no `.rampart-XXXXXX.tmp` is left behind.
pub fn abandon_writes() {
    abandon_writes_where(|_| true);
}

/// [`abandon_writes`] for the temp files `which` selects (a test must not
/// remove the files of the tests running beside it).
fn abandon_writes_where(which: impl Fn(&Path) -> bool) {
    in_flight().retain(|p| {
        if which(p) {
            let _ = std::fs::remove_file(p);
            false
        } else {
            true
        }
    });
}

/// True when `path` (a file) is locked by a live writer: another open
/// handle holds its `flock`.
fn locked(path: &Path) -> bool {
    match File::open(path).map(|f| f.try_lock()) {
        Ok(Ok(())) => false,
        Ok(Err(std::fs::TryLockError::WouldBlock)) => true,
        // Cannot tell (no locks here, unreadable): only the age rule decides.
        Ok(Err(std::fs::TryLockError::Error(_))) | Err(_) => false,
    }
}

/// Removes temp files a killed rampart left beside `ours` (the temp file
/// just created): regular files named `.rampart-XXXXXX.tmp`, owned by the
/// same user, unmodified for [`STALE_TEMP`] and not locked by a live
/// writer. Best effort: a file that cannot be read or removed is left
/// alone, and nothing else in the directory is touched.
fn sweep_stale_temps(ours: &Path) {
    let (Some(dir), Ok(mine)) = (ours.parent(), std::fs::symlink_metadata(ours)) else {
        return;
    };
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let now = std::time::SystemTime::now();
    for entry in entries.flatten() {
        let name = entry.file_name();
        let Some(name) = name.to_str() else {
            continue;
        };
        let is_ours = name
            .strip_prefix(".rampart-")
            .and_then(|n| n.strip_suffix(".tmp"))
            .is_some_and(|r| r.len() == 6 && r.bytes().all(|b| b.is_ascii_alphanumeric()));
        if !is_ours || entry.path() == ours {
            continue;
        }
        let Ok(meta) = entry.path().symlink_metadata() else {
            continue;
        };
        let stale = meta
            .modified()
            .ok()
            .and_then(|m| now.duration_since(m).ok())
            .is_some_and(|age| age >= STALE_TEMP);
        if meta.file_type().is_file() && same_owner(&meta, &mine) && stale && !locked(&entry.path())
        {
            let _ = std::fs::remove_file(entry.path());
        }
    }
}

#[cfg(unix)]
fn same_owner(a: &std::fs::Metadata, b: &std::fs::Metadata) -> bool {
    use std::os::unix::fs::MetadataExt;
    a.uid() == b.uid()
}

#[cfg(not(unix))]
fn same_owner(_: &std::fs::Metadata, _: &std::fs::Metadata) -> bool {
    true
}

/// Checks, before a long scan, that `path` could be written: its directory
/// exists and accepts a new file, and it is not a symlink or directory.
pub fn check_writable(path: &Path) -> Result<(), SnapshotError> {
    temp_file_beside(path).map(drop)
}

/// A new temp file (mode 0600, O_EXCL) in the directory of `path`, after
/// refusing symlinks and directories at `path` itself.
fn temp_file_beside(path: &Path) -> Result<tempfile::NamedTempFile, SnapshotError> {
    let fail = |message: String| SnapshotError::Write {
        path: path.to_path_buf(),
        message,
    };
    if let Ok(meta) = std::fs::symlink_metadata(path) {
        if meta.file_type().is_symlink() {
            return Err(fail("it is a symbolic link; refusing to follow it".into()));
        }
        if meta.is_dir() {
            return Err(fail("it is a directory".into()));
        }
    }
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    tempfile::Builder::new()
        .prefix(".rampart-")
        .suffix(".tmp")
        .tempfile_in(dir)
        .map_err(|e| fail(format!("cannot create a file in {}: {e}", dir.display())))
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use super::*;
    use crate::*;

    fn sample() -> Snapshot {
        let mut regions = BTreeMap::new();
        let mut inv = RegionInventory::default();
        inv.ec2.ebs_encryption_by_default = Some(true);
        inv.ec2.security_groups.push(SecurityGroup {
            group_id: "sg-1".into(),
            group_name: "app".into(),
            vpc_id: Some("vpc-1".into()),
            owner_id: None,
            description: None,
            ingress: vec![SgRule {
                protocol: "tcp".into(),
                from_port: Some(8080),
                to_port: Some(8080),
                peer: SgPeer::SecurityGroup {
                    group_id: "sg-2".into(),
                    user_id: None,
                    vpc_id: None,
                    peering_status: None,
                },
                description: None,
            }],
            egress: vec![],
            tags: Tags::new(),
        });
        regions.insert("us-east-1".to_string(), inv);
        Snapshot {
            cloudfront: None,
            shield: None,
            schema_version: SCHEMA_VERSION,
            tool: ToolInfo {
                name: "rampart".into(),
                version: TOOL_VERSION.into(),
            },
            collected_at: time::macros::datetime!(2026-11-21 12:00:00 UTC),
            scan_duration_ms: 1234,
            account_id: "123456789012".into(),
            partition: "aws".into(),
            caller_arn: "arn:aws:iam::123456789012:user/audit".into(),
            credential_source: None,
            api_calls: BTreeMap::from([("ec2:DescribeVpcs".to_string(), 1)]),
            collection_errors: vec![CollectionError {
                service: "wafv2".into(),
                region: Some("us-east-1".into()),
                operation: "wafv2:ListWebACLs".into(),
                resource: None,
                kind: ErrorKind::AccessDenied,
                code: Some("AccessDeniedException".into()),
                message: "denied".into(),
            }],
            iam: IamInventory::default(),
            regions,
        }
    }

    #[test]
    fn save_then_load_round_trips() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("s.json");
        let s = sample();
        s.save(&path).unwrap();
        assert_eq!(Snapshot::load(&path).unwrap(), s);
        // Saving again replaces the file atomically (no temp files left).
        s.save(&path).unwrap();
        let names: Vec<_> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names, vec![std::ffi::OsString::from("s.json")]);
    }

    #[test]
    fn saved_snapshot_is_private_to_its_owner() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("s.json");
        sample().save(&path).unwrap();
        let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600);
    }

    #[test]
    fn write_behind_syncs_every_stretch_and_keeps_every_byte() {
        use std::sync::atomic::{AtomicUsize, Ordering};
        let syncs = AtomicUsize::new(0);
        let mut out = Vec::new();
        let data: Vec<u8> = (0..100_000u32).map(|n| (n % 251) as u8).collect();
        std::thread::scope(|scope| {
            let mut w = WriteBehind::new(
                &mut out,
                1000,
                || {
                    syncs.fetch_add(1, Ordering::Relaxed);
                    Ok(())
                },
                scope,
            );
            for chunk in data.chunks(300) {
                w.write_all(chunk).unwrap();
            }
            w.finish().unwrap();
        });
        assert_eq!(out, data);
        // One request per 1000 bytes (about 100); requests that arrive
        // during a sync are served by one, so at least one and at most 100.
        let n = syncs.load(Ordering::Relaxed);
        assert!((1..=100).contains(&n), "{n} syncs");
    }

    #[test]
    fn a_failed_background_sync_fails_the_write() {
        let mut out = Vec::new();
        let err = std::thread::scope(|scope| {
            let mut w = WriteBehind::new(
                &mut out,
                10,
                || Err(std::io::Error::other("disk on fire")),
                scope,
            );
            // The first stretch asks for a sync; once the helper has failed
            // a later one, or the finish, reports it.
            let mut first = None;
            for _ in 0..1000 {
                if let Err(e) = w.write_all(&[0; 10]) {
                    first = Some(e);
                    break;
                }
                std::thread::sleep(std::time::Duration::from_millis(1));
            }
            first.unwrap_or_else(|| w.finish().unwrap_err())
        });
        assert_eq!(err.to_string(), "disk on fire");
    }

    #[test]
    fn a_saved_snapshot_has_one_resource_per_line_and_reads_back_the_same() {
        let s = sample();
        let mut out = Vec::new();
        write_snapshot_json(&mut out, &s).unwrap();
        let text = String::from_utf8(out).unwrap();
        // The same value as serde_json's own pretty layout.
        let ours: serde_json::Value = serde_json::from_str(&text).unwrap();
        assert_eq!(ours, serde_json::to_value(&s).unwrap());
        assert_eq!(serde_json::from_str::<Snapshot>(&text).unwrap(), s);
        // Pretty down to the lists; each element compact on its own line.
        assert!(
            text.starts_with(
                "{\n  \"schema_version\": 8,\n  \"tool\": {\n    \"name\": \"rampart\","
            ),
            "{text}"
        );
        assert!(
            text.contains(
                "\n        \"security_groups\": [\n          {\"group_id\":\"sg-1\",\"group_name\":\"app\",\"vpc_id\":\"vpc-1\","
            ),
            "{text}"
        );
        let sg_line = text
            .lines()
            .find(|l| l.contains("\"group_id\":\"sg-1\""))
            .unwrap();
        assert!(
            sg_line.trim_start().starts_with('{') && sg_line.ends_with('}'),
            "{sg_line}"
        );
        assert!(
            sg_line.contains("\"ingress\":[{\"protocol\":\"tcp\",\"from_port\":8080"),
            "{sg_line}"
        );
        // Empty lists and objects close on the same line; the file ends
        // with a newline.
        assert!(text.contains("\"egress\":[]"), "{text}");
        assert!(text.ends_with("}\n"), "{text}");
    }

    #[test]
    fn the_list_per_line_layout_by_example() {
        let v = serde_json::json!({
            "a": [1, {"b": [2, 3], "c": {}}],
            "d": {"e": [], "f": {"g": ["x", "y"]}},
            "h": [[4, 5], []],
            "i": {}
        });
        let mut out = Vec::new();
        write_snapshot_json(&mut out, &v).unwrap();
        let want = r#"{
  "a": [
    1,
    {"b":[2,3],"c":{}}
  ],
  "d": {
    "e": [],
    "f": {
      "g": [
        "x",
        "y"
      ]
    }
  },
  "h": [
    [4,5],
    []
  ],
  "i": {}
}
"#;
        assert_eq!(String::from_utf8(out).unwrap(), want);
    }

    /// A named pipe (or `/dev/null`) is written into, not replaced by a
    /// regular file renamed over it.
    #[cfg(unix)]
    #[test]
    fn a_write_to_a_fifo_goes_into_the_fifo_and_leaves_it_one() {
        use std::os::unix::fs::FileTypeExt;
        let dir = tempfile::tempdir().unwrap();
        let fifo = dir.path().join("report.fifo");
        let made = std::process::Command::new("mkfifo").arg(&fifo).status();
        // coreutils' mkfifo: std has no way to make a FIFO. Missing, the
        // test fails rather than passing without a pipe.
        assert!(made.as_ref().is_ok_and(|s| s.success()), "mkfifo: {made:?}");
        let reader = {
            let fifo = fifo.clone();
            std::thread::spawn(move || std::fs::read(&fifo).unwrap())
        };
        write_atomic(&fifo, |w| w.write_all(b"hello through the pipe")).unwrap();
        // Checked before the join: a pipe that was replaced never gets a
        // writer, and its reader would wait forever.
        let t = std::fs::symlink_metadata(&fifo).unwrap().file_type();
        assert!(t.is_fifo(), "{t:?}");
        assert_eq!(reader.join().unwrap(), b"hello through the pipe");
        // Nothing was left beside it.
        let names: Vec<_> = std::fs::read_dir(dir.path())
            .unwrap()
            .flatten()
            .map(|e| e.file_name())
            .collect();
        assert_eq!(names, vec![std::ffi::OsString::from("report.fifo")]);
    }

    #[test]
    fn save_refuses_to_follow_a_symlink() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("precious");
        std::fs::write(&target, "keep me").unwrap();
        let link = dir.path().join("s.json");
        std::os::unix::fs::symlink(&target, &link).unwrap();
        let err = sample().save(&link).unwrap_err().to_string();
        assert!(err.contains("symbolic link"), "{err}");
        assert_eq!(std::fs::read_to_string(&target).unwrap(), "keep me");
        assert!(check_writable(&link).is_err());
    }

    /// A kill mid-write leaves `.rampart-XXXXXX.tmp`; the next write in
    /// that directory removes it once it has gone [`STALE_TEMP`] unmodified
    /// and no live writer holds its lock, and touches nothing else: not a
    /// fresh temp file, not a locked one (a write in progress), not a
    /// look-alike name, not a symlink, not a directory.
    #[test]
    fn a_write_sweeps_temp_files_a_killed_run_left() {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        let two_hours_ago = std::time::SystemTime::now() - STALE_TEMP * 2;
        let old = |name: &str| {
            let p = d.join(name);
            let f = File::create(&p).unwrap();
            f.set_modified(two_hours_ago).unwrap();
            p
        };
        let stale = old(".rampart-a1B2c3.tmp");
        let fresh = d.join(".rampart-z9Y8x7.tmp");
        std::fs::write(&fresh, "a write in progress").unwrap();
        // A slow writer that has not written for a while, still alive.
        let live = old(".rampart-L1ve00.tmp");
        let writer = File::open(&live).unwrap();
        writer.try_lock().unwrap();
        let lookalikes = [
            old(".rampart-a1B2c3.tmp.keep"),
            old(".rampart-toolong1.tmp"),
            old("rampart-a1B2c3.tmp"),
            old(".rampart-a1-2c3.tmp"),
        ];
        let target = old("precious");
        let link = d.join(".rampart-link00.tmp");
        std::os::unix::fs::symlink(&target, &link).unwrap();
        let sub = d.join(".rampart-dir000.tmp");
        std::fs::create_dir(&sub).unwrap();

        sample().save(&d.join("s.json")).unwrap();

        assert!(!stale.exists(), "the stale temp file is removed");
        assert!(fresh.exists(), "a recent temp file may be a live write");
        assert!(live.exists(), "a locked temp file is a live write");
        drop(writer);
        for p in lookalikes.iter().chain([&target, &sub]) {
            assert!(p.exists(), "{} is not ours to remove", p.display());
        }
        assert!(link.symlink_metadata().is_ok(), "symlinks are left alone");
        assert!(d.join("s.json").exists());
    }

    /// An interrupted process removes the temp file of a write under way
    /// (crates/cli/src/interrupt.rs): the destination is never created.
    #[test]
    fn abandoned_writes_leave_no_temp_file() {
        let dir = tempfile::tempdir().unwrap();
        let dest = dir.path().join("report.json");
        let (started, wait) = std::sync::mpsc::channel();
        let (go, resume) = std::sync::mpsc::channel::<()>();
        let writer = {
            let dest = dest.clone();
            std::thread::spawn(move || {
                write_atomic(&dest, |w| {
                    w.write_all(b"{\"half\":")?;
                    w.flush()?;
                    started.send(()).unwrap();
                    resume.recv().unwrap();
                    w.write_all(b"1}")
                })
            })
        };
        wait.recv().unwrap();
        let temps = || {
            std::fs::read_dir(dir.path())
                .unwrap()
                .flatten()
                .filter(|e| e.file_name().to_string_lossy().ends_with(".tmp"))
                .count()
        };
        assert_eq!(temps(), 1, "the write is under way in a temp file");
        abandon_writes_where(|p| p.starts_with(dir.path()));
        assert_eq!(temps(), 0);
        go.send(()).unwrap();
        // The writer finds its file gone: an error, never a half file.
        assert!(writer.join().unwrap().is_err());
        assert!(!dest.exists());
    }

    #[test]
    fn save_into_a_missing_directory_names_the_file() {
        let err = sample()
            .save(Path::new("/nonexistent-dir/s.json"))
            .unwrap_err()
            .to_string();
        assert!(err.contains("/nonexistent-dir/s.json"), "{err}");
    }

    fn load_err(bytes: &[u8]) -> SnapshotError {
        Snapshot::from_slice(Path::new("snap.json"), bytes).unwrap_err()
    }

    /// A version-1 snapshot (before target group attributes) still loads:
    /// the attributes read as not collected, never as defaults.
    #[test]
    fn version_1_snapshots_load_with_target_group_attributes_unknown() {
        let mut s = sample();
        s.regions
            .get_mut("us-east-1")
            .unwrap()
            .elbv2
            .target_groups
            .push(crate::TargetGroup {
                target_group_arn: "arn:aws:elasticloadbalancing:us-east-1:1:targetgroup/t/1".into(),
                name: Some("t".into()),
                protocol: Some("TCP".into()),
                port: Some(80),
                target_type: Some("instance".into()),
                vpc_id: Some("vpc-1".into()),
                load_balancer_arns: vec![],
                health_check_protocol: None,
                health_check_port: None,
                health_check_path: None,
                targets: Some(vec![]),
                attributes: Some(Default::default()),
            });
        let mut v = serde_json::to_value(s).unwrap();
        v["schema_version"] = 1.into();
        let tgs = v["regions"]["us-east-1"]["elbv2"]["target_groups"]
            .as_array_mut()
            .unwrap();
        assert_eq!(tgs.len(), 1);
        for tg in tgs.iter_mut() {
            assert!(tg.as_object_mut().unwrap().remove("attributes").is_some());
        }
        let s =
            Snapshot::from_slice(Path::new("v1.json"), &serde_json::to_vec(&v).unwrap()).unwrap();
        assert_eq!(s.schema_version, 1);
        assert!(
            s.regions["us-east-1"]
                .elbv2
                .target_groups
                .iter()
                .all(|tg| tg.attributes.is_none())
        );
        assert_eq!(s.regions["us-east-1"].elbv2.target_groups.len(), 1);
    }

    /// A version-4 snapshot (before ACM certificates) still loads, with
    /// the certificates not collected (`None`), never an empty list.
    #[test]
    fn version_4_snapshots_load_with_certificates_unknown() {
        let mut s = sample();
        s.regions.get_mut("us-east-1").unwrap().acm = Some(Default::default());
        let mut v = serde_json::to_value(s).unwrap();
        v["schema_version"] = 4.into();
        let region = v["regions"]["us-east-1"].as_object_mut().unwrap();
        assert!(region.remove("acm").is_some());
        let s =
            Snapshot::from_slice(Path::new("v4.json"), &serde_json::to_vec(&v).unwrap()).unwrap();
        assert_eq!(s.schema_version, 4);
        assert!(s.regions["us-east-1"].acm.is_none());
    }

    /// The sample with many elements in every array the loader parses on
    /// every core (some of them differing, so order is checked too).
    fn many() -> Snapshot {
        let mut s = sample();
        let inv = s.regions.get_mut("us-east-1").unwrap();
        let sg = inv.ec2.security_groups[0].clone();
        // Several batches of the pipelined parse (1 024 elements each).
        inv.ec2.security_groups = (0..2500)
            .map(|n| {
                let mut g = sg.clone();
                g.group_id = format!("sg-{n}");
                g.ingress[0].from_port = Some(n);
                g
            })
            .collect();
        s
    }

    /// Parsed on every core, a snapshot is the value the plain parse gives,
    /// element for element and in order.
    #[test]
    fn the_parallel_parse_gives_the_plain_parse() {
        let s = many();
        for bytes in [
            serde_json::to_vec(&s).unwrap(),
            serde_json::to_vec_pretty(&s).unwrap(),
        ] {
            let plain: Snapshot = serde_json::from_slice(&bytes).unwrap();
            let parallel = Snapshot::from_slice(Path::new("snap.json"), &bytes).unwrap();
            assert_eq!(parallel, plain);
            assert_eq!(parallel, s);
        }
    }

    /// A bad element inside a long array is reported as the plain parse
    /// reports it: same line, column and words, not the element's own.
    #[test]
    fn an_error_inside_a_parallel_array_is_the_plain_parses_error() {
        let text = serde_json::to_string_pretty(&many()).unwrap();
        let bad = text.replacen("\"from_port\": 1500", "\"from_port\": \"1500\"", 1);
        assert_ne!(bad, text, "the sample must have the port to break");
        let plain = serde_json::from_str::<Snapshot>(&bad)
            .unwrap_err()
            .to_string();
        let e = load_err(bad.as_bytes()).to_string();
        assert!(e.contains(&plain), "{e}\nwant: {plain}");
        assert!(plain.contains("line "), "{plain}");
    }

    #[test]
    fn bad_files_get_a_specific_error() {
        let good = serde_json::to_vec(&sample()).unwrap();
        assert!(matches!(load_err(b""), SnapshotError::Empty { .. }));
        assert!(matches!(load_err(b" \n"), SnapshotError::Empty { .. }));
        assert!(matches!(
            load_err(&good[..good.len() / 2]),
            SnapshotError::Truncated { .. }
        ));
        assert!(matches!(load_err(b"hello"), SnapshotError::NotJson { .. }));
        assert!(matches!(
            load_err(b"[1,2]"),
            SnapshotError::NotASnapshot { .. }
        ));
        assert!(matches!(
            load_err(b"{\"a\":1}"),
            SnapshotError::NotASnapshot { .. }
        ));
        assert!(matches!(
            load_err(b"{\"schema_version\":\"one\"}"),
            SnapshotError::Invalid { .. }
        ));
        match load_err(b"{\"schema_version\":9,\"whatever\":true}") {
            SnapshotError::UnsupportedVersion { found: 9, .. } => {}
            e => panic!("{e}"),
        }
        match load_err(b"{\"schema_version\":0,\"whatever\":true}") {
            e @ SnapshotError::UnsupportedVersion { found: 0, .. } => {
                assert!(e.to_string().contains("reads versions 1 to 8"), "{e}");
            }
            e => panic!("{e}"),
        }
        // Right version, wrong shape: says what is wrong.
        let e = load_err(b"{\"schema_version\":1,\"tool\":3}");
        assert!(matches!(e, SnapshotError::Invalid { .. }), "{e}");
        for e in [
            load_err(b""),
            load_err(b"x"),
            load_err(b"{\"schema_version\":9}"),
        ] {
            assert!(e.to_string().contains("snap.json"), "{e}");
        }
        assert!(
            load_err(b"{\"schema_version\":9}")
                .to_string()
                .contains("newer rampart")
        );
    }

    #[test]
    fn a_parsed_newer_version_is_refused() {
        let mut s = sample();
        s.schema_version = SCHEMA_VERSION + 1;
        let bytes = serde_json::to_vec(&s).unwrap();
        assert!(matches!(
            load_err(&bytes),
            SnapshotError::UnsupportedVersion { .. }
        ));
    }

    /// A sparse file of `len` bytes: no disk is used, only metadata.
    fn sparse(dir: &Path, name: &str, len: u64) -> PathBuf {
        let path = dir.join(name);
        File::create(&path).unwrap().set_len(len).unwrap();
        path
    }

    #[test]
    fn an_oversized_snapshot_is_refused_from_its_metadata() {
        let dir = tempfile::tempdir().unwrap();
        let limit = max_input_bytes().unwrap();
        // 50 GB when the limit is the default: refused without reading (a
        // read of it would take minutes and all the memory there is).
        let big = (limit + 1).max(50_000_000_000);
        let path = sparse(dir.path(), "huge.json", big);
        let started = std::time::Instant::now();
        for e in [
            Snapshot::load(&path).unwrap_err(),
            Run::load(&path).unwrap_err(),
        ] {
            match &e {
                SnapshotError::TooLarge {
                    size,
                    at_least: false,
                    limit: l,
                    ..
                } => assert_eq!((*size, *l), (big, limit)),
                other => panic!("{other}"),
            }
            let text = e.to_string();
            assert!(
                text.contains("huge.json")
                    && text.contains(&format!("is {big} bytes"))
                    && text.contains(MAX_INPUT_BYTES_ENV)
                    && !text.contains('\n'),
                "{text}"
            );
        }
        assert!(started.elapsed() < std::time::Duration::from_secs(2));
        // One byte over the limit is over; the limit itself is not refused
        // for its size (it fails later, as the zeros it holds are not JSON).
        let over = sparse(dir.path(), "over.json", limit + 1);
        assert!(matches!(
            Snapshot::load(&over),
            Err(SnapshotError::TooLarge { .. })
        ));
    }

    #[test]
    fn read_bounded_stops_at_the_limit_whatever_the_metadata_says() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("ten.json");
        std::fs::write(&path, b"0123456789").unwrap();
        assert_eq!(read_bounded(&path, 10).unwrap(), b"0123456789");
        assert!(matches!(
            read_bounded(&path, 9),
            Err(BoundedReadError::TooLarge {
                size: 10,
                at_least: false
            })
        ));
        // A device has no size in its metadata: the read is capped instead.
        match read_bounded(Path::new("/dev/zero"), 4096) {
            Err(BoundedReadError::TooLarge {
                size: 4097,
                at_least: true,
            }) => {}
            other => panic!("{other:?}"),
        }
        assert!(matches!(
            read_bounded(&dir.path().join("missing"), 10),
            Err(BoundedReadError::Io(_))
        ));
    }

    #[test]
    fn sizes_are_exact_and_readable() {
        assert_eq!(size_text(0), "0 bytes");
        assert_eq!(size_text(1023), "1023 bytes");
        assert_eq!(size_text(1536), "1536 bytes (1.5 KiB)");
        assert_eq!(size_text(2 << 30), "2147483648 bytes (2.0 GiB)");
        let e = SnapshotError::TooLarge {
            what: "snapshot",
            path: "s.json".into(),
            size: 3 << 30,
            at_least: false,
            limit: 2 << 30,
        };
        assert_eq!(
            e.to_string(),
            "snapshot s.json is 3221225472 bytes (3.0 GiB), over the 2147483648 bytes (2.0 GiB) \
             limit for an input file (set RAMPART_MAX_INPUT_BYTES to change it)"
        );
        let e = SnapshotError::TooLarge {
            what: "snapshot",
            path: "/dev/zero".into(),
            size: 101,
            at_least: true,
            limit: 100,
        };
        assert_eq!(
            e.to_string(),
            "snapshot /dev/zero is over the 100 bytes limit for an input file \
             (set RAMPART_MAX_INPUT_BYTES to change it)"
        );
    }

    #[test]
    fn a_zst_path_is_written_compressed_and_read_back_by_its_magic() {
        let dir = tempfile::tempdir().unwrap();
        let zst = dir.path().join("s.json.zst");
        let s = sample();
        s.save(&zst).unwrap();
        let bytes = std::fs::read(&zst).unwrap();
        assert_eq!(bytes[..4], ZSTD_MAGIC);
        assert_eq!(Snapshot::load(&zst).unwrap(), s);
        assert!(matches!(Run::load(&zst), Ok(Run::Snapshot(b)) if *b == s));
        // Detected by content, not by name.
        let renamed = dir.path().join("plain-looking.json");
        std::fs::rename(&zst, &renamed).unwrap();
        assert_eq!(Snapshot::load(&renamed).unwrap(), s);
        // A plain path stays plain JSON.
        let plain = dir.path().join("s.json");
        s.save(&plain).unwrap();
        assert_eq!(std::fs::read(&plain).unwrap()[0], b'{');
        assert!(std::fs::read(&plain).unwrap().len() > bytes.len());
        // Any write_atomic user compresses (a report, say).
        let report = dir.path().join("r.txt.zst");
        write_atomic(&report, |w| w.write_all(b"hello")).unwrap();
        let back = zstd::decode_all(&std::fs::read(&report).unwrap()[..]).unwrap();
        assert_eq!(back, b"hello");
    }

    #[test]
    fn a_truncated_or_corrupt_zst_is_one_line_naming_the_file() {
        let dir = tempfile::tempdir().unwrap();
        let zst = dir.path().join("s.json.zst");
        sample().save(&zst).unwrap();
        let bytes = std::fs::read(&zst).unwrap();
        let cut = dir.path().join("cut.json.zst");
        std::fs::write(&cut, &bytes[..bytes.len() / 2]).unwrap();
        let e = Snapshot::load(&cut).unwrap_err();
        assert!(matches!(e, SnapshotError::ZstdTruncated { .. }), "{e}");
        let e = Run::load(&cut).unwrap_err();
        assert!(matches!(e, SnapshotError::ZstdTruncated { .. }), "{e}");
        let mut garbage = ZSTD_MAGIC.to_vec();
        garbage.extend_from_slice(&[0xff; 64]);
        let bad = dir.path().join("bad.json.zst");
        std::fs::write(&bad, &garbage).unwrap();
        let e = Snapshot::load(&bad).unwrap_err();
        assert!(matches!(e, SnapshotError::ZstdCorrupt { .. }), "{e}");
        for (e, name) in [
            (Snapshot::load(&cut).unwrap_err(), "cut.json.zst"),
            (Snapshot::load(&bad).unwrap_err(), "bad.json.zst"),
        ] {
            let text = e.to_string();
            assert!(text.contains(name) && !text.contains('\n'), "{text}");
        }
    }

    #[test]
    fn a_zstd_bomb_is_refused_at_the_decompressed_limit() {
        // 64 MiB of spaces in a file of a few KiB.
        let payload = vec![b' '; 64 << 20];
        let bomb = zstd::encode_all(&payload[..], 19).unwrap();
        assert!(bomb.len() < 64 << 10, "{}", bomb.len());
        drop(payload);
        let limit = 1 << 20;
        match decompress_bounded(Path::new("bomb.json.zst"), "snapshot", &bomb, limit) {
            Err(e @ SnapshotError::DecompressedTooLarge { .. }) => {
                let text = e.to_string();
                assert!(
                    text.contains("bomb.json.zst")
                        && text.contains("decompresses to over the 1048576 bytes (1.0 MiB) limit")
                        && text.contains(MAX_INPUT_BYTES_ENV),
                    "{text}"
                );
            }
            other => panic!("{other:?}"),
        }
        // Exactly at the limit is not over it.
        let exact = zstd::encode_all(&vec![b' '; 1 << 20][..], 3).unwrap();
        let out = decompress_bounded(Path::new("x"), "snapshot", &exact, limit).unwrap();
        assert_eq!(out.len(), 1 << 20);
    }

    /// The first key only one of the two shapes has decides; nothing
    /// else is read.
    #[test]
    fn sniff_tells_a_snapshot_by_its_first_keys() {
        let snap = serde_json::to_vec(&sample()).unwrap();
        assert_eq!(sniff(&snap), Some(Sniffed::Snapshot));
        // Decided at `account_id`, before the broken rest.
        assert_eq!(
            sniff(br#"{"schema_version": 8, "account_id": "1", "regions": [tru"#),
            Some(Sniffed::Snapshot)
        );
        assert_eq!(
            sniff(br#"{"tool": {"name": "x"}, "summary": {}}"#),
            Some(Sniffed::Report)
        );
        assert_eq!(sniff(br#"{"schema_version": 8}"#), None);
        assert_eq!(sniff(b"[1,2]"), None);
        assert_eq!(sniff(b""), None);
        assert_eq!(
            sniff(br#"{"a\"b": 1, "account_id": 2}"#),
            Some(Sniffed::Snapshot)
        );
    }

    #[test]
    fn run_load_tells_snapshots_from_reports() {
        let dir = tempfile::tempdir().unwrap();
        let snap = dir.path().join("snap.json");
        sample().save(&snap).unwrap();
        assert!(matches!(Run::load(&snap), Ok(Run::Snapshot(_))));

        let report = Report {
            schema_version: REPORT_SCHEMA_VERSION,
            tool: sample().tool,
            snapshot: SnapshotInfo {
                account_id: "123456789012".into(),
                partition: "aws".into(),
                collected_at: sample().collected_at,
                regions: vec!["us-east-1".into()],
                complete: true,
                collection_errors: 0,
                credential_source: None,
            },
            summary: Summary::default(),
            scorecards: vec![],
            findings: vec![],
            checks: vec![],
            expired_suppressions: vec![],
            baseline: None,
        };
        let path = dir.path().join("report.json");
        std::fs::write(&path, serde_json::to_vec(&report).unwrap()).unwrap();
        match Run::load(&path) {
            Ok(Run::Report(r)) => assert_eq!(*r, report),
            other => panic!("{other:?}"),
        }

        let mut v = serde_json::to_value(&report).unwrap();
        v["schema_version"] = 9.into();
        std::fs::write(&path, v.to_string()).unwrap();
        let e = Run::load(&path).unwrap_err().to_string();
        assert!(e.contains("report.json") && e.contains("version 9"), "{e}");

        v["schema_version"] = 1.into();
        v["summary"] = "nope".into();
        std::fs::write(&path, v.to_string()).unwrap();
        let e = Run::load(&path).unwrap_err().to_string();
        assert!(
            e.contains("report.json") && e.contains("does not match"),
            "{e}"
        );

        std::fs::write(&path, b"[1,2]").unwrap();
        let e = Run::load(&path).unwrap_err().to_string();
        assert!(e.contains("not a rampart snapshot"), "{e}");
    }
}
