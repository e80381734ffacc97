//! Writing: the only stage that touches the output folder.
//!
//! A build writes into a staging folder beside the output (`.public.pimap-stage` for `public`),
//! which holds the generation before last. Only files whose bytes differ are rewritten and files
//! that no longer have a source are removed, so a rebuild costs what changed, not a full write
//! plus a full delete; what the staging folder held is listed on a thread of its own while the
//! build renders ([`stale`]). When every output is in place, the staging folder and the output
//! folder are exchanged in one `renameat2(RENAME_EXCHANGE)` call: readers see the old site or
//! the new one, never a mix, and a failed or interrupted build leaves the output folder
//! untouched (the next build repairs whatever the interruption left in the staging folder).
//! Paths are checked so that nothing is written outside the staging folder (a link where one of
//! its folders goes is removed, never written through), and nothing over the marker that says
//! a folder is pimap's. Processed pictures are hard links to the picture cache's files (a copy
//! across file systems): a rebuild finds them in place without reading them, and a file with
//! another name is replaced, never written through, so the cache cannot be changed from here. Where the output folder really is and the lock that keeps two builds
//! from writing it at once are in [`folder`]. With `--precompress`, [`Precompressing`] (in
//! `precompress.rs`) writes a `.gz` and a `.br` beside every text file.

pub mod api;
pub mod folder;
mod minify;
mod precompress;
pub mod publish;
mod stale;

pub use minify::minify_html;
pub use precompress::{Precompressing, is_compressible, precompress};

use crate::diagnostics::Diagnostic;
use crate::source::FileOrigin;
use std::collections::HashSet;
use std::io::ErrorKind;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{PoisonError, RwLock};
use std::thread::JoinHandle;

/// Marks a folder as made by pimap, so that pimap never deletes files in a folder it did not make.
const MARKER: &str = ".pimap-output";
const MARKER_TEXT: &[u8] = b"This folder is written by pimap; it is replaced on every build.\n";

/// How many files a build wrote and how many it found already up to date.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct WriteStats {
    pub written: usize,
    pub unchanged: usize,
    pub removed: usize,
}

/// The staging folder of one build.
pub struct StagedOutput {
    output: PathBuf,
    stage: PathBuf,
    /// Whether the staging folder was made for this build: then nothing can be in the way of a
    /// file, and no file is looked for before it is written.
    new_stage: bool,
    written: AtomicUsize,
    unchanged: AtomicUsize,
    /// Folders of the staging folder with nothing in their way (see `clear_the_way`).
    checked: RwLock<HashSet<PathBuf>>,
    /// What the staging folder held, read on a thread of its own while the build writes.
    listing: Option<JoinHandle<Result<stale::Listing, Diagnostic>>>,
}

fn io_error(path: &Path, action: &str, error: std::io::Error) -> Diagnostic {
    Diagnostic::file_error(path, format!("cannot {action}: {error}"))
}

impl StagedOutput {
    /// Prepares the staging folder for `output` (a folder resolved by [`folder::resolve`]),
    /// refusing folders pimap did not make.
    pub fn prepare(output: &Path) -> Result<StagedOutput, Diagnostic> {
        let stage = folder::sibling(output, "stage");
        for candidate in [output, &stage] {
            let is_foreign = candidate.is_dir()
                && !candidate.join(MARKER).is_file()
                && std::fs::read_dir(candidate)
                    .map(|mut d| d.next().is_some())
                    .unwrap_or(true);
            let is_link = std::fs::symlink_metadata(candidate).is_ok_and(|m| m.is_symlink());
            if is_foreign || is_link || candidate.is_file() {
                return Err(Diagnostic::file_error(
                    candidate,
                    "this exists and was not made by pimap; pimap will not replace it",
                )
                .with_help("delete it, or choose another folder with --output"));
            }
        }
        let new_stage = !stage.exists();
        std::fs::create_dir_all(&stage)
            .map_err(|e| io_error(&stage, "create the staging folder", e))?;
        std::fs::write(stage.join(MARKER), MARKER_TEXT)
            .map_err(|e| io_error(&stage, "write to the staging folder", e))?;
        let listing = (!new_stage).then(|| {
            let stage = stage.clone();
            std::thread::spawn(move || stale::list(&stage))
        });
        Ok(StagedOutput {
            output: output.to_path_buf(),
            stage,
            new_stage,
            written: AtomicUsize::new(0),
            unchanged: AtomicUsize::new(0),
            checked: RwLock::default(),
            listing,
        })
    }

    fn target(&self, rel: &str) -> Result<PathBuf, Diagnostic> {
        let safe = !rel.is_empty()
            && !rel.starts_with('/')
            && !rel.contains('\\')
            && rel
                .split('/')
                .all(|s| !s.is_empty() && s != "." && s != "..");
        if safe && folder::reserved_reason(rel).is_none() {
            let path = self.stage.join(rel);
            self.clear_the_way(&path)
                .map_err(|e| io_error(&path, "write", e))?;
            Ok(path)
        } else {
            Err(Diagnostic::file_error(
                rel,
                "refusing to write outside the output folder",
            ))
        }
    }

    /// Removes what stands where the folders on the way to `path` go (each is looked at once per
    /// build): a file of the generation before last, or a link, which nothing is written
    /// through, out of the staging folder (only something other than pimap can have left one).
    /// A staging folder made for this build holds nothing in the way.
    fn clear_the_way(&self, path: &Path) -> std::io::Result<()> {
        let Some(parent) = path.parent() else {
            return Ok(());
        };
        let is_checked = |dir: &Path| {
            let checked = self.checked.read().unwrap_or_else(PoisonError::into_inner);
            dir == self.stage || checked.contains(dir)
        };
        if self.new_stage || is_checked(parent) {
            return Ok(());
        }
        let mut unchecked: Vec<&Path> = parent.ancestors().take_while(|d| !is_checked(d)).collect();
        // From the staging folder down: a folder is marked once those above it are.
        unchecked.reverse();
        for dir in unchecked {
            // Looked at and cleared under the lock: another thread writing under the same
            // folder finds it cleared, never half done.
            let mut checked = self.checked.write().unwrap_or_else(PoisonError::into_inner);
            if checked.contains(dir) {
                continue;
            }
            match std::fs::symlink_metadata(dir) {
                Ok(meta) if !meta.is_dir() => std::fs::remove_file(dir)?,
                _ => {}
            }
            checked.insert(dir.to_path_buf());
        }
        Ok(())
    }

    /// Writes `bytes` at `rel` unless the file already holds exactly them.
    ///
    /// The common cases take few system calls, since a site of many small pages spends much of
    /// its build here: a file already holding the bytes is opened, sized and read once; a new
    /// file is created without looking first (its folder made only when creating it finds none),
    /// and in a staging folder made for this build nothing is looked for at all. Anything else (a
    /// file to replace, a folder or link in the way) goes through [`Self::place`].
    pub fn write(&self, rel: &str, bytes: &[u8]) -> Result<(), Diagnostic> {
        let path = self.target(rel)?;
        let previous = if self.new_stage {
            PreviousFile::Missing
        } else {
            previous_file(&path, bytes)
        };
        match previous {
            PreviousFile::Same => {
                self.unchanged.fetch_add(1, Ordering::Relaxed);
                return Ok(());
            }
            PreviousFile::Missing if write_new(&path, bytes).is_ok() => {
                self.written.fetch_add(1, Ordering::Relaxed);
                return Ok(());
            }
            PreviousFile::Missing | PreviousFile::Other => {}
        }
        self.place(&path, |p| std::fs::write(p, bytes))
    }

    /// Copies a file from the sources at `rel` unless the copy there is already identical.
    pub fn copy(&self, rel: &str, origin: &FileOrigin) -> Result<(), Diagnostic> {
        match origin {
            FileOrigin::Embedded(bytes) => self.write(rel, bytes),
            FileOrigin::Disk(source) => {
                let path = self.target(rel)?;
                let same = match (std::fs::metadata(source), std::fs::symlink_metadata(&path)) {
                    (Ok(a), Ok(b)) if b.is_file() && a.len() == b.len() => {
                        matches!((std::fs::read(source), std::fs::read(&path)), (Ok(x), Ok(y)) if x == y)
                    }
                    _ => false,
                };
                if same {
                    self.unchanged.fetch_add(1, Ordering::Relaxed);
                    return Ok(());
                }
                self.place(&path, |p| std::fs::copy(source, p).map(drop))
            }
        }
    }

    /// Puts the picture cache's file `entry` at `rel` as a hard link to it, so that no byte is
    /// copied and a link already in place costs one look; as a copy where the output is on
    /// another file system.
    pub fn link_cached(&self, rel: &str, entry: &Path) -> Result<(), Diagnostic> {
        let path = self.target(rel)?;
        if is_same_file(&path, entry) {
            self.unchanged.fetch_add(1, Ordering::Relaxed);
            return Ok(());
        }
        self.place(&path, |p| {
            // A plain file of an earlier build stands in the way of the link: replace it.
            if std::fs::symlink_metadata(p).is_ok() {
                std::fs::remove_file(p)?;
            }
            std::fs::hard_link(entry, p).or_else(|_| std::fs::copy(entry, p).map(drop))
        })
    }

    /// Writes a file, clearing what the previous generation left at its place (a folder, or a
    /// file linked elsewhere: the picture cache's files are never written through a link); what
    /// stood where its folders go is cleared by [`Self::clear_the_way`].
    fn place(
        &self,
        path: &Path,
        write: impl Fn(&Path) -> std::io::Result<()>,
    ) -> Result<(), Diagnostic> {
        let attempt = || -> std::io::Result<()> {
            if let Some(parent) = path.parent() {
                std::fs::create_dir_all(parent)?;
            }
            if std::fs::symlink_metadata(path).is_ok_and(|m| !m.is_file() || is_linked(&m)) {
                remove_any(path)?;
            }
            write(path)
        };
        attempt().map_err(|e| io_error(path, "write", e))?;
        self.written.fetch_add(1, Ordering::Relaxed);
        Ok(())
    }

    /// Removes what the staging folder held beyond `expected`, then swaps it with the output.
    pub fn commit(self, expected: &HashSet<String>) -> Result<WriteStats, Diagnostic> {
        let listing = match self.listing {
            Some(walker) => walker.join().unwrap_or_else(|_| {
                Err(Diagnostic::file_error(
                    &self.stage,
                    "cannot read the staging folder: reading it stopped",
                ))
            })?,
            None => Vec::new(),
        };
        let removed = stale::remove(&self.stage, listing, expected)?;
        exchange(&self.stage, &self.output)?;
        Ok(WriteStats {
            written: self.written.into_inner(),
            unchanged: self.unchanged.into_inner(),
            removed,
        })
    }
}

/// What the staging folder holds where a file is to be written.
#[derive(Debug, PartialEq, Eq)]
enum PreviousFile {
    /// A file (not a link to one) with exactly the bytes to write.
    Same,
    /// Nothing.
    Missing,
    /// Anything else: other bytes, a folder, a link, a file where a folder should be.
    Other,
}

/// What is at `path` (in the staging folder), compared with `bytes`: one open that follows no
/// link, the size of the open file, and its bytes only when the sizes agree.
fn previous_file(path: &Path, bytes: &[u8]) -> PreviousFile {
    use std::io::Read;
    let mut options = std::fs::OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::custom_flags(&mut options, libc::O_NOFOLLOW);
    let mut file = match options.open(path) {
        Ok(file) => file,
        Err(e) if e.kind() == ErrorKind::NotFound => return PreviousFile::Missing,
        Err(_) => return PreviousFile::Other,
    };
    let same_size = file
        .metadata()
        .is_ok_and(|m| m.is_file() && m.len() == bytes.len() as u64);
    if !same_size {
        return PreviousFile::Other;
    }
    let mut old = vec![0; bytes.len()];
    match file.read_exact(&mut old) {
        Ok(()) if old == bytes => PreviousFile::Same,
        _ => PreviousFile::Other,
    }
}

/// Creates the file `path`, which must not exist (a link in its place is not followed), with
/// `bytes`, making its folder when there is none.
fn write_new(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    use std::io::Write;
    let create = || {
        std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(path)
    };
    let mut file = match create() {
        Err(e) if e.kind() == ErrorKind::NotFound => {
            if let Some(parent) = path.parent() {
                std::fs::create_dir_all(parent)?;
            }
            create()?
        }
        made => made?,
    };
    file.write_all(bytes)
}

/// Whether `a` and `b` are the same file (one is a hard link to the other).
#[cfg(unix)]
fn is_same_file(a: &Path, b: &Path) -> bool {
    use std::os::unix::fs::MetadataExt;
    match (std::fs::symlink_metadata(a), std::fs::metadata(b)) {
        (Ok(a), Ok(b)) => a.is_file() && a.dev() == b.dev() && a.ino() == b.ino(),
        _ => false,
    }
}

#[cfg(not(unix))]
fn is_same_file(_: &Path, _: &Path) -> bool {
    false
}

/// Whether a file has other names (hard links) than this one.
#[cfg(unix)]
fn is_linked(metadata: &std::fs::Metadata) -> bool {
    use std::os::unix::fs::MetadataExt;
    metadata.nlink() > 1
}

#[cfg(not(unix))]
fn is_linked(_: &std::fs::Metadata) -> bool {
    false
}

fn remove_any(path: &Path) -> std::io::Result<()> {
    match std::fs::symlink_metadata(path) {
        Ok(meta) if meta.is_dir() => std::fs::remove_dir_all(path),
        Ok(_) => std::fs::remove_file(path),
        Err(e) if e.kind() == ErrorKind::NotFound => Ok(()),
        Err(e) => Err(e),
    }
}

/// Puts `stage` in the place of `output`, keeping the old output as the next staging folder.
fn exchange(stage: &Path, output: &Path) -> Result<(), Diagnostic> {
    if !output.exists() {
        return std::fs::rename(stage, output)
            .map_err(|e| io_error(output, "move the new site into place", e));
    }
    if exchange_atomically(stage, output) {
        return Ok(());
    }
    // Without an atomic exchange, three renames; the output is missing only between two of them.
    let parked = folder::sibling(output, "old");
    let _ = remove_any(&parked);
    std::fs::rename(output, &parked).map_err(|e| io_error(output, "move the old site aside", e))?;
    if let Err(e) = std::fs::rename(stage, output) {
        let _ = std::fs::rename(&parked, output);
        return Err(io_error(output, "move the new site into place", e));
    }
    std::fs::rename(&parked, stage)
        .map_err(|e| io_error(stage, "keep the old site for the next build", e))
}

#[cfg(target_os = "linux")]
fn exchange_atomically(a: &Path, b: &Path) -> bool {
    use std::ffi::CString;
    use std::os::unix::ffi::OsStrExt;
    let (Ok(a), Ok(b)) = (
        CString::new(a.as_os_str().as_bytes()),
        CString::new(b.as_os_str().as_bytes()),
    ) else {
        return false;
    };
    // SAFETY: both paths are valid NUL-terminated strings that outlive the call.
    let result = unsafe {
        libc::renameat2(
            libc::AT_FDCWD,
            a.as_ptr(),
            libc::AT_FDCWD,
            b.as_ptr(),
            libc::RENAME_EXCHANGE,
        )
    };
    result == 0
}

#[cfg(not(target_os = "linux"))]
fn exchange_atomically(_: &Path, _: &Path) -> bool {
    false
}

/// Decodes `%XX` escapes; `None` for malformed escapes or bytes that are not UTF-8.
pub fn percent_decode(path: &str) -> Option<String> {
    let bytes = path.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = std::str::from_utf8(bytes.get(i + 1..i + 3)?).ok()?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

#[cfg(test)]
mod tests;
