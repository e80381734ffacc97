//! The picture manifest: what pimap learnt about each source picture when it last read it, kept
//! in `<cache>/images/manifest.json` so that a rebuild of an unchanged site reads no picture.
//!
//! For each file (by its path from the site root) it keeps the file's stamp (size, modification
//! and change times in nanoseconds, inode), when that stamp was taken, the hash of its bytes and
//! what [`probe`](super::probe) found (format, size as shown, transparency; an SVG's sanitised
//! text). A later build that finds the same stamp takes the hash and probe from here instead of
//! reading the file; any other stamp, or no entry, means the file is read and hashed again.
//! Because processed pictures are keyed by that hash, a file that was only touched (saved
//! again, copied with a new date) is re-hashed but not processed again.
//!
//! Why the stamp can be trusted: every write to a file moves its change time (`ctime`), which no
//! tool can set back, so an edit that keeps the size and restores the modification time is still
//! seen (systems without a change time, such as Windows, rely on the size and modification time
//! alone). A stamp taken less than [`RACY_WINDOW`] after the file's last change is not trusted:
//! a second edit within the same clock tick could keep every field of it.
//!
//! The manifest is written to a temporary name and renamed into place after a successful build,
//! and holds only the files that build read. A missing, unreadable or foreign manifest is an empty
//! one: the build reads every picture, as with a cold cache. Nothing here decodes a picture.

use super::{PictureFile, Probe};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, SystemTime};

/// Changes whenever what an entry holds, or how a probe is made, would change.
const FORMAT: &str = "pimap picture manifest 1";
/// A hash of the SVG sanitiser's source: a manifest keeps sanitised SVG text, which a change to
/// what the sanitiser removes must never let a warm build publish again.
const SANITISER: u64 = xxhash_rust::const_xxh3::xxh3_64(include_bytes!("svg.rs"));

/// The format a manifest must carry to be trusted: its own version and the sanitiser's.
fn format() -> String {
    format!("{FORMAT}, sanitiser {SANITISER:016x}")
}
/// How long after a file's last change its stamp is trusted.
pub const RACY_WINDOW: Duration = Duration::from_secs(2);
/// The manifest's name in the picture cache folder.
pub const FILE_NAME: &str = "manifest.json";

/// What the file system says about a file, without reading it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct FileStamp {
    pub size: u64,
    pub modified_ns: i128,
    /// The last change of the file's content or attributes (0 where the system keeps none).
    pub changed_ns: i128,
    pub inode: u64,
}

impl FileStamp {
    /// The stamp of the file at `path`, if it can be read.
    pub fn of(path: &Path) -> Option<FileStamp> {
        let metadata = std::fs::metadata(path).ok()?;
        Some(stamp(&metadata))
    }
}

#[cfg(unix)]
fn stamp(metadata: &std::fs::Metadata) -> FileStamp {
    use std::os::unix::fs::MetadataExt;
    let ns = |seconds: i64, nanoseconds: i64| {
        i128::from(seconds) * 1_000_000_000 + i128::from(nanoseconds)
    };
    FileStamp {
        size: metadata.len(),
        modified_ns: ns(metadata.mtime(), metadata.mtime_nsec()),
        changed_ns: ns(metadata.ctime(), metadata.ctime_nsec()),
        inode: metadata.ino(),
    }
}

#[cfg(not(unix))]
fn stamp(metadata: &std::fs::Metadata) -> FileStamp {
    FileStamp {
        size: metadata.len(),
        modified_ns: metadata.modified().map_or(0, nanoseconds),
        changed_ns: 0,
        inode: 0,
    }
}

/// Nanoseconds since 1970 (negative before).
fn nanoseconds(time: SystemTime) -> i128 {
    match time.duration_since(SystemTime::UNIX_EPOCH) {
        Ok(after) => after.as_nanos() as i128,
        Err(before) => -(before.duration().as_nanos() as i128),
    }
}

/// One file as last read.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct Entry {
    stamp: FileStamp,
    /// When the stamp was taken, just before the file was read.
    taken_ns: i128,
    /// xxh3-128 of the bytes, in hexadecimal.
    hash: String,
    probe: Probe,
}

impl Entry {
    /// Whether `now` (the stamp of the file today) proves the file is still what was read.
    fn vouches_for(&self, now: &FileStamp) -> bool {
        let last_change = self.stamp.modified_ns.max(self.stamp.changed_ns);
        *now == self.stamp && last_change + RACY_WINDOW.as_nanos() as i128 <= self.taken_ns
    }
}

#[derive(Serialize, Deserialize)]
struct Stored {
    format: String,
    pictures: BTreeMap<String, Entry>,
}

/// The manifest of one build: what the last build knew, and what this one learns.
#[derive(Debug, Default)]
pub struct PictureManifest {
    /// Where it is kept; `None` when the build keeps no cache.
    path: Option<PathBuf>,
    known: BTreeMap<String, Entry>,
    learnt: Mutex<BTreeMap<String, Entry>>,
    read: AtomicUsize,
}

impl PictureManifest {
    /// The manifest of the cache in `<cache_root>/images/`, or an empty one that is never written.
    pub fn load(cache_root: Option<&Path>) -> PictureManifest {
        let path = cache_root
            .and_then(super::cache::images_dir)
            .map(|images| images.join(FILE_NAME));
        let known = path
            .as_ref()
            .and_then(|path| std::fs::read(path).ok())
            .and_then(|bytes| serde_json::from_slice::<Stored>(&bytes).ok())
            .filter(|stored| stored.format == format())
            .map(|stored| stored.pictures)
            .unwrap_or_default();
        PictureManifest {
            path,
            known,
            ..PictureManifest::default()
        }
    }

    /// The picture at `path` (named `rel`): from the manifest when its stamp vouches for it,
    /// else read, hashed and probed.
    pub fn picture(&self, rel: String, path: PathBuf) -> PictureFile {
        let taken = nanoseconds(SystemTime::now());
        let now = FileStamp::of(&path);
        let known = now.and_then(|now| {
            let entry = self
                .known
                .get(&rel)
                .filter(|entry| entry.vouches_for(&now))?;
            Some((u128::from_str_radix(&entry.hash, 16).ok()?, entry))
        });
        if let Some((hash, entry)) = known {
            self.learn(&rel, entry.clone());
            return PictureFile {
                rel,
                path,
                hash,
                bytes: entry.stamp.size,
                probe: Ok(entry.probe.clone()),
            };
        }
        self.read.fetch_add(1, Ordering::Relaxed);
        let file = PictureFile::read(rel, path);
        if let (Some(stamp), Ok(probe)) = (now, &file.probe) {
            let entry = Entry {
                stamp,
                taken_ns: taken,
                hash: format!("{:032x}", file.hash),
                probe: probe.clone(),
            };
            self.learn(&file.rel, entry);
        }
        file
    }

    fn learn(&self, rel: &str, entry: Entry) {
        if let Ok(mut learnt) = self.learnt.lock() {
            learnt.insert(rel.to_owned(), entry);
        }
    }

    /// How many pictures were read from disk.
    pub fn read_count(&self) -> usize {
        self.read.load(Ordering::Relaxed)
    }

    /// Writes what this build knows, atomically; a failure leaves the old manifest, which only
    /// costs time.
    pub fn save(&self) {
        let (Some(path), Ok(learnt)) = (&self.path, self.learnt.lock()) else {
            return;
        };
        let stored = Stored {
            format: format(),
            pictures: learnt.clone(),
        };
        let Ok(bytes) = serde_json::to_vec(&stored) else {
            return;
        };
        let temporary = path.with_file_name(format!(".{FILE_NAME}.{}.tmp", std::process::id()));
        let saved = path
            .parent()
            .map_or(Ok(()), std::fs::create_dir_all)
            .and_then(|()| std::fs::write(&temporary, bytes))
            .and_then(|()| std::fs::rename(&temporary, path));
        if saved.is_err() {
            let _ = std::fs::remove_file(&temporary);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(changed_s: i128, taken_s: i128) -> Entry {
        Entry {
            stamp: FileStamp {
                size: 10,
                modified_ns: 0,
                changed_ns: changed_s * 1_000_000_000,
                inode: 7,
            },
            taken_ns: taken_s * 1_000_000_000,
            hash: format!("{:032x}", 1),
            probe: Probe {
                format: super::super::SourceFormat::Png,
                width: 3,
                height: 2,
                has_alpha: false,
                svg: None,
            },
        }
    }

    #[test]
    fn a_stamp_taken_right_after_a_change_is_not_trusted() {
        let settled = entry(100, 103);
        assert!(settled.vouches_for(&settled.stamp));
        let other_inode = FileStamp {
            inode: 8,
            ..settled.stamp
        };
        assert!(!settled.vouches_for(&other_inode));
        let racy = entry(100, 101);
        assert!(!racy.vouches_for(&racy.stamp));
    }

    #[test]
    fn a_saved_manifest_is_read_back_and_a_foreign_one_is_empty() {
        let Ok(dir) = tempfile::tempdir() else { return };
        let manifest = PictureManifest::load(Some(dir.path()));
        manifest.learn("data/smes/media/a.png", entry(100, 103));
        manifest.save();
        let again = PictureManifest::load(Some(dir.path()));
        assert_eq!(again.known.len(), 1);
        let path = dir.path().join("images").join(FILE_NAME);
        let text = std::fs::read_to_string(&path).unwrap_or_default();
        std::fs::write(&path, text.replace(FORMAT, "pimap picture manifest 0")).ok();
        assert!(PictureManifest::load(Some(dir.path())).known.is_empty());
        // Written with another sanitiser (here: with none named), the sanitised texts it keeps
        // are not trusted.
        let other = text.replace(&format(), FORMAT);
        assert_ne!(other, text);
        std::fs::write(&path, other).ok();
        assert!(PictureManifest::load(Some(dir.path())).known.is_empty());
    }
}
