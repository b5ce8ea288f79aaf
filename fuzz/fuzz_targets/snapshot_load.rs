//! Bytes as a snapshot file (`Snapshot::from_slice`) and as what `diff` and
//! `--baseline` read (`Run::from_slice`, a snapshot or a JSON report told
//! apart by shape). Must never panic, whatever the bytes; every error names
//! the file; whatever loads serialises and loads back unchanged (what
//! `scan` saves, `check` must read).

#![no_main]

use std::path::Path;

use libfuzzer_sys::fuzz_target;
use rampart_model::Snapshot;
use rampart_model::io::Run;

const NAME: &str = "fuzz-input.json";

fuzz_target!(|data: &[u8]| {
    let path = Path::new(NAME);
    match Snapshot::from_slice(path, data) {
        Ok(s) => {
            let again = serde_json::to_vec(&s).expect("a loaded snapshot serialises");
            let back = Snapshot::from_slice(path, &again).expect("a saved snapshot loads");
            assert_eq!(back, s, "snapshot round trip");
        }
        Err(e) => assert!(e.to_string().contains(NAME), "{e}"),
    }
    match Run::from_slice(path, data) {
        Ok(Run::Report(r)) => {
            let again = serde_json::to_vec(&r).expect("a loaded report serialises");
            match Run::from_slice(path, &again) {
                Ok(Run::Report(back)) => assert_eq!(back, r, "report round trip"),
                other => panic!("a saved report loads back as a report: {other:?}"),
            }
        }
        Ok(Run::Snapshot(_)) => {}
        Err(e) => assert!(e.to_string().contains(NAME), "{e}"),
    }
});
