//! The output folder itself: where it really is, the lock that lets one build at a time write
//! to it, and the names inside it that are pimap's own.
//!
//! A build works on the real folder: `--output .`, `out/..` or a link to a folder are resolved
//! first, so that the staging folder, the lock file and the atomic exchange sit beside the folder
//! the site goes to (swapping a link would leave the folder it points to with every other
//! build). The lock is an advisory `flock` on a file beside the output (`.public.pimap-lock`):
//! a second build into the same folder waits for the first; the system drops the lock of a build
//! that dies, so there is no stale lock to remove. Nothing here writes into the output folder.

use super::MARKER;
use crate::diagnostics::Diagnostic;
use std::fs::File;
use std::path::{Component, Path, PathBuf};

/// Where the output folder `output` really is: absolute, with `.`, `..` and links resolved. The
/// part that does not exist yet is added as written. A usage error for the root of the file
/// system and for a link that points nowhere.
pub fn resolve(output: &Path) -> Result<PathBuf, String> {
    let absolute = std::path::absolute(output)
        .map_err(|e| format!("cannot find the output folder {}: {e}", output.display()))?;
    let parts: Vec<Component> = absolute.components().collect();
    let (mut real, missing) = (0..=parts.len())
        .rev()
        .find_map(|n| {
            let existing: PathBuf = parts[..n].iter().collect();
            existing.canonicalize().ok().map(|real| (real, &parts[n..]))
        })
        .ok_or_else(|| format!("cannot find the output folder {}", output.display()))?;
    for part in missing {
        match part {
            Component::ParentDir => {
                real.pop();
            }
            Component::Normal(name) => {
                real.push(name);
                if let Ok(target) = std::fs::read_link(&real) {
                    return Err(format!(
                        "the output folder {} is a link to {}, which does not exist; create that folder or choose another --output",
                        real.display(),
                        target.display()
                    ));
                }
            }
            _ => {}
        }
    }
    if real.parent().is_none() {
        return Err(format!(
            "the output folder {} is the root of the file system; choose another --output",
            output.display()
        ));
    }
    Ok(real)
}

/// `.public.pimap-ROLE` beside `output`: the staging folder, the lock file, the parked old site.
pub fn sibling(output: &Path, role: &str) -> PathBuf {
    let name = output
        .file_name()
        .map_or_else(|| "public".into(), |n| n.to_string_lossy().into_owned());
    output.with_file_name(format!(".{name}.pimap-{role}"))
}

/// Why pimap will not write a file at `path` (relative to the output folder), if it will not:
/// the marker that says the folder is pimap's, or a name with control characters.
pub fn reserved_reason(path: &str) -> Option<String> {
    let first = path.split('/').next().unwrap_or_default();
    if first.eq_ignore_ascii_case(MARKER) {
        return Some("the name of the file that marks the output folder as pimap's".to_owned());
    }
    path.chars().find(|c| c.is_control()).map(|c| {
        format!(
            "a name with a control character ({}) that no address can carry",
            c.escape_default()
        )
    })
}

/// `text` with control characters written as escapes, so that printing it cannot move the
/// terminal's cursor or change its colours.
pub fn printable(text: &str) -> String {
    text.chars()
        .map(|c| {
            if c.is_control() {
                c.escape_default().to_string()
            } else {
                c.to_string()
            }
        })
        .collect()
}

/// The right to write one output folder, held until dropped.
pub struct OutputLock {
    _file: File,
}

impl OutputLock {
    /// Takes the lock of `output` (a resolved folder), calling `on_wait` with a message first
    /// if another build holds it.
    pub fn acquire(output: &Path, on_wait: impl FnOnce(&str)) -> Result<OutputLock, Diagnostic> {
        let path = sibling(output, "lock");
        let file = path
            .parent()
            .map_or(Ok(()), std::fs::create_dir_all)
            .and_then(|()| {
                std::fs::OpenOptions::new()
                    .create(true)
                    .truncate(false)
                    .write(true)
                    .open(&path)
            })
            .map_err(|e| {
                Diagnostic::file_error(&path, format!("cannot lock the output folder: {e}"))
            })?;
        if !lock(&file, false) {
            on_wait(&format!(
                "Waiting for another pimap build into {} to finish...",
                output.display()
            ));
            if !lock(&file, true) {
                return Err(Diagnostic::file_error(
                    &path,
                    format!(
                        "cannot lock the output folder: {}",
                        std::io::Error::last_os_error()
                    ),
                ));
            }
        }
        Ok(OutputLock { _file: file })
    }
}

/// An exclusive `flock` on `file`; false if it is held elsewhere (when not `blocking`) or fails.
#[cfg(unix)]
fn lock(file: &File, blocking: bool) -> bool {
    use std::os::fd::AsRawFd;
    let operation = if blocking {
        libc::LOCK_EX
    } else {
        libc::LOCK_EX | libc::LOCK_NB
    };
    loop {
        // SAFETY: the descriptor belongs to `file`, which outlives the call.
        if unsafe { libc::flock(file.as_raw_fd(), operation) } == 0 {
            return true;
        }
        if std::io::Error::last_os_error().kind() != std::io::ErrorKind::Interrupted {
            return false;
        }
    }
}

#[cfg(not(unix))]
fn lock(_: &File, _: bool) -> bool {
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dots_and_links_resolve_to_the_real_folder() {
        let dir = tempfile::tempdir().unwrap();
        let real = dir.path().canonicalize().unwrap();
        std::fs::create_dir(real.join("site")).unwrap();
        assert_eq!(resolve(&real.join("site/..")).unwrap(), real);
        assert_eq!(resolve(&real.join("site/.")).unwrap(), real.join("site"));
        assert_eq!(
            resolve(&real.join("new/deeper/../public")).unwrap(),
            real.join("new/public")
        );
        assert!(resolve(Path::new("/")).is_err());
        #[cfg(unix)]
        {
            std::os::unix::fs::symlink(real.join("site"), real.join("www")).unwrap();
            assert_eq!(resolve(&real.join("www")).unwrap(), real.join("site"));
            std::os::unix::fs::symlink(real.join("gone"), real.join("dangling")).unwrap();
            assert!(resolve(&real.join("dangling")).is_err());
        }
    }

    #[test]
    fn the_marker_and_control_characters_are_reserved() {
        assert!(reserved_reason(".pimap-output/index.html").is_some());
        assert!(reserved_reason(".PIMAP-OUTPUT").is_some());
        assert!(reserved_reason("a/b\u{1b}[31m/index.html").is_some());
        assert!(reserved_reason("a/.pimap-output").is_none());
        assert!(reserved_reason("news/index.html").is_none());
        assert_eq!(printable("a\u{7}b"), "a\\u{7}b");
    }
}
