//! Watching the site's sources and grouping changes into batches.
//!
//! notify reports every file event; editors produce several per save (a swap file, a backup, a
//! write, a rename) and a `git checkout` produces hundreds. Events are filtered to the site's
//! sources (`site.yaml`, `content/`, `data/`, `themes/`, `templates/`, `static/`), without editor
//! leftovers, and a batch ends when no event has come for a short quiet period, so a burst gives
//! one rebuild. While the batch holds one file, the quiet period is 5 ms: an editor's save
//! (truncate, write, rename) arrives within a millisecond or two, so a longer wait would only
//! add to the time from save to reload. Once a second file changes, the batch is a burst (a
//! `git checkout`, a search-and-replace) and the quiet period grows to 25 ms, so that a loaded
//! machine's pauses between files do not split it; a burst is cut at 2 s and the rest of it
//! folded into the next batch.
//! pimap writes its output outside these folders, so its own writes never trigger a rebuild.

use crate::source::is_ignored_file_name;
use notify::{RecommendedWatcher, RecursiveMode, Watcher};
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::mpsc::{Receiver, RecvTimeoutError, channel};
use std::time::{Duration, Instant};

/// The folders of a site that hold sources.
pub const SOURCE_DIRS: [&str; 5] = ["content", "data", "themes", "templates", "static"];

/// The quiet period that ends a batch of one file, and one of several files.
const QUIET_ONE: Duration = Duration::from_millis(5);
const QUIET_BURST: Duration = Duration::from_millis(25);
const LONGEST_BATCH: Duration = Duration::from_secs(2);

pub struct SourceWatcher {
    root: PathBuf,
    watcher: RecommendedWatcher,
    events: Receiver<notify::Result<notify::Event>>,
    watched: BTreeSet<PathBuf>,
}

impl SourceWatcher {
    pub fn new(root: &Path) -> Result<SourceWatcher, String> {
        let root = root
            .canonicalize()
            .map_err(|e| format!("cannot watch {}: {e}", root.display()))?;
        let (sender, events) = channel();
        let watcher = notify::recommended_watcher(move |event| {
            let _ = sender.send(event);
        })
        .map_err(|e| format!("cannot start the file watcher: {e}"))?;
        let mut this = SourceWatcher {
            root,
            watcher,
            events,
            watched: BTreeSet::new(),
        };
        this.watcher
            .watch(&this.root, RecursiveMode::NonRecursive)
            .map_err(|e| format!("cannot watch {}: {e}", this.root.display()))?;
        this.watch_new_folders();
        Ok(this)
    }

    /// Starts watching source folders that exist now but did not before.
    fn watch_new_folders(&mut self) {
        for dir in SOURCE_DIRS {
            let path = self.root.join(dir);
            if path.is_dir()
                && !self.watched.contains(&path)
                && self.watcher.watch(&path, RecursiveMode::Recursive).is_ok()
            {
                self.watched.insert(path);
            }
        }
        let gone: Vec<PathBuf> = self
            .watched
            .iter()
            .filter(|p| !p.is_dir())
            .cloned()
            .collect();
        for path in gone {
            let _ = self.watcher.unwatch(&path);
            self.watched.remove(&path);
        }
    }

    /// Whether a changed path is a source of the site.
    fn is_source(&self, path: &Path) -> bool {
        let Ok(rel) = path.strip_prefix(&self.root) else {
            return false;
        };
        let mut parts = rel.components().map(|c| c.as_os_str().to_string_lossy());
        let Some(first) = parts.next() else {
            return false;
        };
        if rel
            .components()
            .any(|c| is_ignored_file_name(&c.as_os_str().to_string_lossy()))
        {
            return false;
        }
        first == crate::config::CONFIG_FILE || SOURCE_DIRS.contains(&first.as_ref())
    }

    /// Blocks until sources change, then returns every path changed in the burst, relative to the
    /// root. `None` when the watcher stopped.
    pub fn next_batch(&mut self) -> Option<Vec<PathBuf>> {
        let mut changed = BTreeSet::new();
        let mut started: Option<Instant> = None;
        loop {
            let event = match started {
                None => self.events.recv().ok()?,
                Some(start) => match self.events.recv_timeout(quiet_period(changed.len())) {
                    Ok(event) if start.elapsed() < LONGEST_BATCH => event,
                    Ok(event) => {
                        self.collect(event, &mut changed);
                        break;
                    }
                    Err(RecvTimeoutError::Timeout) => break,
                    Err(RecvTimeoutError::Disconnected) => return None,
                },
            };
            if self.collect(event, &mut changed) && started.is_none() {
                started = Some(Instant::now());
            }
        }
        self.watch_new_folders();
        Some(changed.into_iter().collect())
    }

    fn collect(
        &self,
        event: notify::Result<notify::Event>,
        changed: &mut BTreeSet<PathBuf>,
    ) -> bool {
        let Ok(event) = event else { return false };
        if matches!(event.kind, notify::EventKind::Access(_)) {
            return false;
        }
        let mut any = false;
        for path in event.paths {
            if self.is_source(&path) {
                if let Ok(rel) = path.strip_prefix(&self.root) {
                    changed.insert(rel.to_path_buf());
                    any = true;
                }
            }
        }
        any
    }
}

/// How long a batch that holds `files` changed files waits for more.
fn quiet_period(files: usize) -> Duration {
    if files > 1 { QUIET_BURST } else { QUIET_ONE }
}

/// How a batch of changes should reach open browsers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReloadKind {
    /// Only stylesheets changed: swap them without reloading the page.
    Css,
    Page,
}

pub fn reload_kind(changed: &[PathBuf]) -> ReloadKind {
    let css_only = !changed.is_empty()
        && changed.iter().all(|p| {
            let text = p.to_string_lossy();
            text.ends_with(".css")
                && (text.starts_with("static/")
                    || (text.starts_with("themes/") && text.contains("/static/")))
        });
    if css_only {
        ReloadKind::Css
    } else {
        ReloadKind::Page
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stylesheet_changes_swap_css_and_others_reload() {
        assert_eq!(
            reload_kind(&["static/css/site.css".into()]),
            ReloadKind::Css
        );
        assert_eq!(
            reload_kind(&["themes/pimap/static/css/site.css".into()]),
            ReloadKind::Css
        );
        assert_eq!(
            reload_kind(&["static/css/site.css".into(), "content/a.md".into()]),
            ReloadKind::Page
        );
        assert_eq!(reload_kind(&["content/style.css".into()]), ReloadKind::Page);
    }

    #[test]
    fn one_saved_file_waits_less_than_a_burst() {
        assert_eq!(quiet_period(1), Duration::from_millis(5));
        assert!(quiet_period(1) < quiet_period(2));
    }

    #[test]
    fn a_burst_of_changes_is_batched_and_leftovers_are_ignored() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join("content")).unwrap();
        std::fs::write(dir.path().join("site.yaml"), "title: t\n").unwrap();
        let mut watcher = SourceWatcher::new(dir.path()).unwrap();
        let root = dir.path().to_path_buf();
        let writer = std::thread::spawn(move || {
            std::thread::sleep(Duration::from_millis(50));
            for i in 0..200 {
                std::fs::write(root.join(format!("content/p{i}.md")), "x").unwrap();
            }
            std::fs::write(root.join("content/.p1.md.swp"), "x").unwrap();
            std::fs::write(root.join("content/p1.md~"), "x").unwrap();
            std::fs::write(root.join("notes.txt"), "x").unwrap();
        });
        // On an idle machine the burst is one batch; a loaded one may pause the writer longer
        // than the quiet period, so allow a few batches, never one per file.
        let mut seen = BTreeSet::new();
        let mut batches = 0;
        while seen.len() < 200 {
            seen.extend(watcher.next_batch().unwrap());
            batches += 1;
        }
        writer.join().unwrap();
        assert!(batches <= 10, "{batches} batches for one burst");
        assert_eq!(seen.len(), 200, "{seen:?}");
        assert!(
            seen.iter()
                .all(|p| p.starts_with("content") && p.to_string_lossy().ends_with(".md"))
        );
    }
}
