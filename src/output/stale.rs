//! What the staging folder held that the new generation does not: listed on a thread of its own
//! while the build writes ([`list`]), removed when the build commits ([`remove`]).
//!
//! The staging folder holds the generation before last, plus whatever an interrupted build left
//! there. The build writes only expected files, so what the listing finds beyond them is stale;
//! what the build clears out of its way meanwhile (a folder where a file goes, a file where a
//! folder goes) is skipped as gone, and a listed file that has become a folder holds expected
//! files. Only folders that hold no expected file are tried for removal.

use crate::diagnostics::Diagnostic;
use std::collections::HashSet;
use std::io::ErrorKind;
use std::path::{Path, PathBuf};

/// The paths in a staging folder, relative to it, each with whether it is a folder; the
/// contents of a folder before the folder.
pub type Listing = Vec<(PathBuf, bool)>;

/// What the staging folder `stage` holds.
pub fn list(stage: &Path) -> Result<Listing, Diagnostic> {
    let mut listing = Vec::new();
    let walk = walkdir::WalkDir::new(stage)
        .min_depth(1)
        .contents_first(true);
    for entry in walk {
        let entry = match entry {
            Ok(entry) => entry,
            // Cleared by the build meanwhile, with all it held.
            Err(e) if e.io_error().is_some_and(is_gone) => continue,
            Err(e) => {
                return Err(Diagnostic::file_error(
                    stage,
                    format!("cannot read the staging folder: {e}"),
                ));
            }
        };
        let rel = entry.path().strip_prefix(stage).unwrap_or(entry.path());
        listing.push((rel.to_path_buf(), entry.file_type().is_dir()));
    }
    Ok(listing)
}

/// Removes from `stage` what `listing` found there beyond the `expected` files (paths from the
/// folder, with `/`) and the marker; returns how many files it removed.
pub fn remove(
    stage: &Path,
    listing: Listing,
    expected: &HashSet<String>,
) -> Result<usize, Diagnostic> {
    // The folders that hold an expected file stay; no other may be removed.
    let kept: HashSet<&str> = expected
        .iter()
        .flat_map(|path| path.match_indices('/').map(move |(i, _)| &path[..i]))
        .collect();
    // A name that is not UTF-8 is no output's.
    let named = |rel: &Path| rel.to_str().map(|rel| rel.replace('\\', "/"));
    let mut removed = 0;
    for (rel, is_dir) in listing {
        let path = stage.join(&rel);
        let name = named(&rel);
        if is_dir {
            if !name.is_some_and(|name| kept.contains(name.as_str())) {
                // Succeeds only for folders that the removals above left empty.
                let _ = std::fs::remove_dir(&path);
            }
            continue;
        }
        if name.is_some_and(|name| name == super::MARKER || expected.contains(&name)) {
            continue;
        }
        match std::fs::symlink_metadata(&path) {
            // A folder this build made where an old file was: it holds expected files.
            Ok(meta) if meta.is_dir() => {}
            Ok(_) => {
                std::fs::remove_file(&path)
                    .map_err(|e| super::io_error(&path, "remove a stale file", e))?;
                removed += 1;
            }
            // Cleared by this build, with a folder that stood in the way of a file.
            Err(e) if is_gone(&e) => {}
            Err(e) => return Err(super::io_error(&path, "remove a stale file", e)),
        }
    }
    Ok(removed)
}

/// Whether `error` says that a path is no longer there: it or a folder on the way was removed.
fn is_gone(error: &std::io::Error) -> bool {
    matches!(error.kind(), ErrorKind::NotFound | ErrorKind::NotADirectory)
}
