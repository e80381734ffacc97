//! The fuzzers' findings, kept: every input under `tests/fuzz-regressions/<target>/` (inputs
//! that once crashed or hung a fuzz target, and a few seeds) goes through the same function and
//! the same invariants as the fuzz target of that name (`fuzz/src/lib.rs`), on stable Rust.
//! `scripts/fuzz` runs the fuzzers themselves.

#[path = "../fuzz/src/lib.rs"]
mod harness;

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::Path;

/// Feeds every input of `target`'s folder to `check`; fails naming each input that panics.
fn replay(target: &str, check: fn(&[u8])) {
    let folder = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fuzz-regressions")
        .join(target);
    let mut inputs: Vec<_> = std::fs::read_dir(&folder)
        .unwrap_or_else(|e| panic!("{}: {e}", folder.display()))
        .map(|entry| entry.expect("a readable folder entry").path())
        .collect();
    inputs.sort();
    assert!(!inputs.is_empty(), "{} has no inputs", folder.display());
    let failed: Vec<String> = inputs
        .iter()
        .filter(|input| {
            let bytes = std::fs::read(input).expect("a readable input");
            catch_unwind(AssertUnwindSafe(|| check(&bytes))).is_err()
        })
        .map(|input| input.display().to_string())
        .collect();
    assert!(failed.is_empty(), "inputs that fail: {failed:#?}");
}

#[test]
fn front_matter() {
    replay("front_matter", harness::front_matter);
}

#[test]
fn data_entity() {
    replay("data_entity", harness::data_entity);
}

#[test]
fn markdown() {
    replay("markdown", harness::markdown);
}

#[test]
fn entity_text() {
    replay("entity_text", harness::entity_text);
}

#[test]
fn serve_path() {
    replay("serve_path", harness::serve_path);
}

#[test]
fn minify() {
    replay("minify", harness::minify);
}
