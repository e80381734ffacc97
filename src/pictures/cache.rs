//! The picture cache: processed pictures kept between builds, in `<site>/.pimap-cache/images/`
//! by default (outside the output; safe to delete at any time).
//!
//! An entry's name is its key: a 128-bit hash of the source file's bytes, the width, the format
//! and [`SETTINGS`] (the encoder settings), so an edited picture or a new setting never meets an
//! old entry. Entries are written to a temporary name and renamed into place, so a build that is
//! killed leaves either a whole entry or none. Every entry a build reads or writes is marked
//! used; [`PictureCache::prune`], called after a successful build, removes the others, so the
//! cache holds what the site uses and no more. A cache that cannot be written only costs time.

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

/// Changes whenever what an entry holds for a given key would change (quality, filters, crates,
/// colour conversion).
pub const SETTINGS: &str = "v2";

/// How a build got its pictures.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct PictureStats {
    /// Source pictures read from disk when the site was loaded (those the manifest did not
    /// show unchanged).
    pub read: usize,
    /// Source pictures decoded.
    pub decoded: usize,
    /// Outputs encoded.
    pub encoded: usize,
    /// Outputs taken from the cache.
    pub reused: usize,
}

/// The cache of one build; `dir` is `None` when the build keeps no cache.
pub struct PictureCache {
    dir: Option<PathBuf>,
    used: Mutex<HashSet<String>>,
    decoded: AtomicUsize,
    encoded: AtomicUsize,
    reused: AtomicUsize,
}

/// The name of the entry for `source_hash` at `width` in the format `extension`.
pub fn key(source_hash: u128, width: u32, extension: &str) -> String {
    format!("{source_hash:032x}-{width}-{SETTINGS}.{extension}")
}

/// The name of the entry that holds the picture `source_hash` as sent, in its format
/// `extension`: a content picture is also published as it is.
pub fn original_key(source_hash: u128, extension: &str) -> String {
    format!("{source_hash:032x}-original-{SETTINGS}.{extension}")
}

/// The folder of processed pictures in `cache_root`: `<cache_root>/images/`, unless either is a
/// symbolic link. The cache sits inside the site, where a proposed branch could commit links:
/// pimap then keeps no cache rather than read or write through them.
pub fn images_dir(cache_root: &Path) -> Option<PathBuf> {
    let images = cache_root.join("images");
    let is_link = |path: &Path| std::fs::symlink_metadata(path).is_ok_and(|m| m.is_symlink());
    (!is_link(cache_root) && !is_link(&images)).then_some(images)
}

impl PictureCache {
    /// The cache in `<cache_root>/images/` ([`images_dir`]), or no cache.
    pub fn new(cache_root: Option<&Path>) -> PictureCache {
        PictureCache {
            dir: cache_root.and_then(images_dir),
            used: Mutex::default(),
            decoded: AtomicUsize::new(0),
            encoded: AtomicUsize::new(0),
            reused: AtomicUsize::new(0),
        }
    }

    fn mark(&self, key: &str) {
        if let Ok(mut used) = self.used.lock() {
            used.insert(key.to_owned());
        }
    }

    /// The file of the entry `key`, if the cache has it. Entries are never changed in place
    /// (only replaced whole), so the file may be linked to.
    pub fn entry(&self, key: &str) -> Option<PathBuf> {
        let path = self.dir.as_ref()?.join(key);
        // A regular file only: a link could lead out of the site.
        if !std::fs::symlink_metadata(&path).is_ok_and(|m| m.is_file()) {
            return None;
        }
        self.mark(key);
        self.reused.fetch_add(1, Ordering::Relaxed);
        Some(path)
    }

    /// Stores `bytes`, a size just made, as the entry `key`, atomically, and returns its file; a
    /// failure leaves the cache as it was.
    pub fn put(&self, key: &str, bytes: &[u8]) -> Option<PathBuf> {
        self.encoded.fetch_add(1, Ordering::Relaxed);
        self.store(key, bytes)
    }

    /// Stores `bytes` as the entry `key`, as [`Self::put`] does, without counting a size made:
    /// a picture as it was sent.
    pub fn store(&self, key: &str, bytes: &[u8]) -> Option<PathBuf> {
        let dir = self.dir.as_ref()?;
        self.mark(key);
        let temporary = dir.join(format!(".{key}.{}.tmp", std::process::id()));
        let entry = dir.join(key);
        let stored = std::fs::create_dir_all(dir)
            .and_then(|()| std::fs::write(&temporary, bytes))
            .and_then(|()| std::fs::rename(&temporary, &entry));
        if stored.is_err() {
            let _ = std::fs::remove_file(&temporary);
            return None;
        }
        Some(entry)
    }

    /// Counts one source picture decoded.
    pub fn count_decode(&self) {
        self.decoded.fetch_add(1, Ordering::Relaxed);
    }

    pub fn stats(&self) -> PictureStats {
        PictureStats {
            read: 0,
            decoded: self.decoded.load(Ordering::Relaxed),
            encoded: self.encoded.load(Ordering::Relaxed),
            reused: self.reused.load(Ordering::Relaxed),
        }
    }

    /// Removes every entry this build did not use, and temporary files left by killed builds.
    /// Returns how many files were removed.
    pub fn prune(&self) -> usize {
        let (Some(dir), Ok(used)) = (&self.dir, self.used.lock()) else {
            return 0;
        };
        let Ok(entries) = std::fs::read_dir(dir) else {
            return 0;
        };
        let mut removed = 0;
        for entry in entries.flatten() {
            let name = entry.file_name().to_string_lossy().into_owned();
            let ours = name.ends_with(".tmp")
                || name.contains(&format!("-{SETTINGS}."))
                || is_old_entry(&name);
            if ours && !used.contains(&name) && std::fs::remove_file(entry.path()).is_ok() {
                removed += 1;
            }
        }
        removed
    }
}

/// An entry made with other settings: 32 hex digits, a dash, a width.
fn is_old_entry(name: &str) -> bool {
    name.len() > 33
        && name.as_bytes()[32] == b'-'
        && name[..32].bytes().all(|b| b.is_ascii_hexdigit())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[cfg(unix)]
    #[test]
    fn links_in_the_cache_are_never_followed() {
        let Ok(dir) = tempfile::tempdir() else { return };
        let outside = dir.path().join("secret.txt");
        std::fs::write(&outside, "secret").unwrap_or_default();
        let root = dir.path().join("cache");
        let images = root.join("images");
        std::fs::create_dir_all(&images).unwrap_or_default();
        let linked = key(1, 480, "webp");
        std::os::unix::fs::symlink(&outside, images.join(&linked)).unwrap_or_default();
        let cache = PictureCache::new(Some(&root));
        assert_eq!(cache.entry(&linked), None, "an entry that is a link");
        // A cache folder that is a link is no cache at all.
        let linked_root = dir.path().join("linked-cache");
        std::os::unix::fs::symlink(&root, &linked_root).unwrap_or_default();
        assert_eq!(images_dir(&linked_root), None);
        assert!(
            PictureCache::new(Some(&linked_root))
                .put("x", b"x")
                .is_none()
        );
        assert_eq!(images_dir(&root), Some(images));
    }

    #[test]
    fn unused_entries_are_pruned_and_used_ones_kept() {
        let dir = tempfile::tempdir().map_err(|e| e.to_string());
        let Ok(dir) = dir else { return };
        let first = PictureCache::new(Some(dir.path()));
        first.put(&key(1, 480, "webp"), b"one");
        first.put(&key(2, 480, "webp"), b"two");
        let second = PictureCache::new(Some(dir.path()));
        let one = second.entry(&key(1, 480, "webp"));
        assert_eq!(
            one.and_then(|p| std::fs::read(p).ok()).as_deref(),
            Some(&b"one"[..])
        );
        std::fs::write(dir.path().join("images/.x.1.tmp"), b"half").ok();
        std::fs::write(dir.path().join("images/README"), b"kept").ok();
        assert_eq!(second.prune(), 2);
        assert!(second.entry(&key(2, 480, "webp")).is_none());
        assert!(second.entry(&key(1, 480, "webp")).is_some());
        assert!(dir.path().join("images/README").exists());
        assert_eq!(second.stats().reused, 3 - 1);
    }
}
