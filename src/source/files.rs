//! Finding and reading the site's files, inside the site folder only.
//!
//! pimap reads nothing outside the site root. A link (symbolic link) whose target lies outside
//! it, such as `static/env.txt -> /proc/self/environ`, a `static` folder linked to another
//! tree, or a theme folder linked in from elsewhere, is never listed, read, copied or served:
//! it is an error naming the link and where it points. Links that stay inside the site work:
//! a link to a file stands for the file, a linked source folder (`static -> assets`) for the
//! folder. Links to folders deeper down are not followed (a warning says so), so that a walk
//! never meets the same files twice or loops.
//!
//! [`SiteRoot::list`] applies this to every folder walk of a load (build, check, watch and
//! serve all load through it) and [`SiteRoot::read`] to single files read on their own, such as
//! `site.yaml` and the files an incremental rebuild re-reads.

use super::is_ignored_file_name;
use crate::diagnostics::Diagnostic;
use std::path::{Component, Path, PathBuf};

/// The site folder: the path it was given as, and where it really is.
#[derive(Debug, Clone)]
pub struct SiteRoot {
    given: PathBuf,
    real: PathBuf,
}

const OUTSIDE: &str = "outside the site folder; pimap only reads files inside the site";

impl SiteRoot {
    pub fn new(root: &Path) -> Result<SiteRoot, Diagnostic> {
        let real = root.canonicalize().map_err(|e| {
            Diagnostic::file_error(root, format!("cannot read the site folder: {e}"))
        })?;
        Ok(SiteRoot {
            given: root.to_path_buf(),
            real,
        })
    }

    /// The root as it was given (paths of read files start with it).
    pub fn path(&self) -> &Path {
        &self.given
    }

    /// Where `rel` (relative to the root) really is, or an error if a link takes it out of the
    /// site. A path that does not exist is returned as it is, for the read to report.
    pub fn resolve(&self, rel: &Path) -> Result<PathBuf, Diagnostic> {
        let path = self.given.join(rel);
        match path.canonicalize() {
            Ok(real) if real.starts_with(&self.real) => Ok(real),
            Ok(real) => Err(self.outside_error(rel, &real)),
            Err(_) => Ok(path),
        }
    }

    /// The bytes of `rel`, a path relative to the root, if it lies inside the site.
    pub fn read(&self, rel: &Path) -> Result<Vec<u8>, Diagnostic> {
        std::fs::read(self.resolve(rel)?)
            .map_err(|e| Diagnostic::file_error(rel, format!("cannot read: {e}")))
    }

    /// Files under the folder `dir` (relative to the root): relative to it, with `/`
    /// separators, sorted, without editor leftovers, and without links that lead out of the
    /// site (each of which is an error in `problems`).
    pub fn list(&self, dir: &Path, problems: &mut Vec<Diagnostic>) -> Vec<String> {
        let base = self.given.join(dir);
        if !base.is_dir() {
            return Vec::new();
        }
        if let Err(d) = self.resolve(dir) {
            problems.push(d);
            return Vec::new();
        }
        let mut files = Vec::new();
        let walker = walkdir::WalkDir::new(&base)
            .sort_by_file_name()
            .into_iter()
            .filter_entry(|e| {
                e.depth() == 0 || !is_ignored_file_name(&e.file_name().to_string_lossy())
            });
        for entry in walker {
            let entry = match entry {
                Ok(entry) => entry,
                Err(e) => {
                    problems.push(Diagnostic::file_error(
                        e.path().unwrap_or(&base).to_path_buf(),
                        format!("cannot read: {e}"),
                    ));
                    continue;
                }
            };
            // The folder itself, already checked (and a link, when `static -> assets`).
            if entry.depth() == 0 {
                continue;
            }
            let Ok(inner) = entry.path().strip_prefix(&base) else {
                continue;
            };
            let rel = dir.join(inner);
            let wanted = if entry.file_type().is_symlink() {
                self.followed_link(&rel, problems)
            } else {
                entry.file_type().is_file()
            };
            if wanted {
                match inner.to_str() {
                    Some(inner) => files.push(inner.replace('\\', "/")),
                    None => problems.push(Diagnostic::file_error(
                        rel,
                        "this file name is not valid UTF-8; rename it",
                    )),
                }
            }
        }
        files
    }

    /// Whether the link at `rel`, met in a folder walk, stands for a file to read; reports links
    /// out of the site, links to folders and links to nothing.
    fn followed_link(&self, rel: &Path, problems: &mut Vec<Diagnostic>) -> bool {
        let path = self.given.join(rel);
        let target = link_target(&path);
        match path.canonicalize() {
            Ok(real) if !real.starts_with(&self.real) => {
                problems.push(self.outside_error(rel, &real));
                false
            }
            Ok(real) if real.is_dir() => {
                problems.push(
                    Diagnostic::file_error(rel, format!("this is a link to the folder {target}; pimap follows links to files, not to folders inside a source folder, so it is left out"))
                        .with_help("link each file instead, or move the folder here")
                        .warning(),
                );
                false
            }
            Ok(real) => real.is_file(),
            Err(_) => {
                problems.push(
                    Diagnostic::file_error(
                        rel,
                        format!("this is a link to {target}, which does not exist; it is left out"),
                    )
                    .with_help("point the link at an existing file, or delete it")
                    .warning(),
                );
                false
            }
        }
    }

    /// The error for `rel`, which really is `real`, outside the site: it names the first link on
    /// the way that leads out.
    fn outside_error(&self, rel: &Path, real: &Path) -> Diagnostic {
        let mut prefix = PathBuf::new();
        for part in rel.components() {
            prefix.push(part);
            let path = self.given.join(&prefix);
            let is_link = std::fs::symlink_metadata(&path).is_ok_and(|m| m.is_symlink());
            let leads_out = path
                .canonicalize()
                .is_ok_and(|target| !target.starts_with(&self.real));
            if is_link && leads_out {
                return self.link_error(&prefix, &path);
            }
        }
        Diagnostic::file_error(rel, format!("this is {}, {OUTSIDE}", real.display()))
    }

    /// "this is a link to X, outside the site folder", naming the real place too when the link
    /// points at another link inside the site that leads out.
    fn link_error(&self, rel: &Path, path: &Path) -> Diagnostic {
        let target = link_target(path);
        let written = std::fs::read_link(path).unwrap_or_default();
        let lexical = lexically_normal(&path.parent().unwrap_or(path).join(written));
        let given = lexically_normal(&self.given);
        let relayed = lexical.starts_with(&given) || lexical.starts_with(&self.real);
        let message = match path.canonicalize() {
            Ok(real) if relayed => format!(
                "this is a link to {target}, which leads to {}, {OUTSIDE}",
                real.display()
            ),
            _ => format!("this is a link to {target}, {OUTSIDE}"),
        };
        let what = if path.is_dir() { "folder" } else { "file" };
        Diagnostic::file_error(rel, message).with_help(format!(
            "copy the {what} into the site folder instead of linking to it, or delete the link"
        ))
    }
}

/// Where the link at `path` points, as written in it.
fn link_target(path: &Path) -> String {
    std::fs::read_link(path).map_or_else(
        |_| "an unreadable place".to_owned(),
        |target| target.display().to_string(),
    )
}

/// `path` made absolute (against the current folder) with `.` and `..` removed by their text,
/// without asking the file system (the parts may not exist yet).
pub fn lexically_normal(path: &Path) -> PathBuf {
    let absolute = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
    let mut clean = PathBuf::new();
    for part in absolute.components() {
        match part {
            Component::ParentDir => {
                clean.pop();
            }
            Component::CurDir => {}
            part => clean.push(part),
        }
    }
    clean
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dots_are_removed_by_their_text() {
        assert_eq!(
            lexically_normal(Path::new("/a/./b/../c")),
            Path::new("/a/c")
        );
        assert_eq!(lexically_normal(Path::new("/a/b/..")), Path::new("/a"));
        assert!(lexically_normal(Path::new(".")).is_absolute());
    }
}
