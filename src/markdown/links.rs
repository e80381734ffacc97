//! Links in Markdown: a link to a source file (`@/news/x.md`, `../about.md`, `photo.jpg`)
//! becomes the URL it has on the site, a link to an entity by its data file (`@/smes/<id>`)
//! becomes the entity's page, and a link to a URL of this site (`/smes/x/`, `../about/`) is
//! recorded as a [`SiteLink`], checked once every output is known. A link to a missing file or
//! entity is a diagnostic at its line. Every URL resolved here is placed by the name it was
//! written with ([`super::relink`]), so that other languages can have the same HTML with their
//! own URLs.

use super::relink::{LinkKey, LinkKind};
use super::{AnchorLink, Pipeline, SiteLink};
use crate::diagnostics::did_you_mean;
use pulldown_cmark::CowStr;
use std::collections::{HashMap, HashSet};

/// The path and the anchor (after `#`) of a URL.
fn split_anchor(text: &str) -> (&str, Option<&str>) {
    match text.split_once('#') {
        Some((path, anchor)) => (path, Some(anchor)),
        None => (text, None),
    }
}

/// The folders of `data/` whose files are entities with a page, as `@/<folder>/<id>` names
/// them.
const ENTITY_FOLDERS: [&str; 4] = ["partners", "smes", "missions", "practices"];

impl<'a> Pipeline<'_, '_> {
    /// Rewrites a link or image URL that points at a source file; leaves every other URL alone.
    pub(super) fn rewrite(&mut self, url: CowStr<'a>, offset: usize, is_image: bool) -> CowStr<'a> {
        let text: &str = &url;
        if let Some(anchor) = text.strip_prefix('#') {
            if !anchor.is_empty() {
                self.anchor_links.push(AnchorLink {
                    target: self.source.path.clone(),
                    anchor: anchor.to_owned(),
                    offset,
                });
            }
            return url;
        }
        let (path, anchor) = split_anchor(text);
        let content_path = if let Some(path) = path.strip_prefix("@/") {
            Some(path.to_owned())
        } else if path.starts_with('/') && !path.starts_with("//") {
            // A path on this site: checked once every output is known, and moved with the base
            // URL, like menu entries.
            self.site_link(path, anchor, offset);
            let key = LinkKey {
                kind: LinkKind::SitePath,
                name: text.to_owned(),
                anchor: None,
            };
            return self
                .links
                .place(key, format!("{}{text}", self.targets.base_path));
        } else if has_scheme(path) || path.is_empty() {
            return url;
        } else {
            let path = path.split('?').next().unwrap_or(path);
            match resolve_relative(&self.source.path, path) {
                Some(resolved) => Some(resolved),
                None => {
                    self.error(
                        offset,
                        format!("link `{text}` points outside the content folder"),
                        None,
                    );
                    return url;
                }
            }
        };
        match content_path {
            Some(content_path) => self.file_link(url, content_path, offset, is_image),
            None => url,
        }
    }

    /// Rewrites a link or image URL (`url`) that names the source file `content_path`: a page or
    /// section, an entity (`@/smes/<id>`) or an asset; a file that does not exist is an error.
    fn file_link(
        &mut self,
        url: CowStr<'a>,
        content_path: String,
        offset: usize,
        is_image: bool,
    ) -> CowStr<'a> {
        let text: &str = &url;
        let (path, anchor) = split_anchor(text);
        if text.starts_with("@/")
            && let Some(entity) = self.entity_link(&content_path, anchor, offset)
        {
            let key = LinkKey {
                kind: LinkKind::Entity,
                name: content_path,
                anchor: anchor.map(str::to_owned),
            };
            return entity.map_or(url, |entity_url| self.links.place(key, entity_url));
        }
        if content_path.ends_with(".md") {
            let key = LinkKey {
                kind: LinkKind::Content,
                name: content_path.clone(),
                anchor: anchor.filter(|a| !a.is_empty()).map(str::to_owned),
            };
            self.content_link(content_path, text, anchor, offset)
                .map_or(url, |content_url| self.links.place(key, content_url))
        } else if let Some(asset_url) = self.targets.assets.get(&content_path) {
            let mut new_url = asset_url.clone();
            if let Some(anchor) = anchor {
                new_url.push('#');
                new_url.push_str(anchor);
            }
            let key = LinkKey {
                kind: LinkKind::Asset,
                name: content_path,
                anchor: anchor.map(str::to_owned),
            };
            self.links.place(key, new_url)
        } else if is_image || text.starts_with("@/") || looks_like_file(&content_path) {
            let what = if is_image { "image" } else { "link" };
            self.error(
                offset,
                format!("{what} `{text}`: there is no file content/{content_path}"),
                None,
            );
            url
        } else {
            // A plain relative link (`../about/`): the browser reads it from the page's URL.
            self.site_link(path, anchor, offset);
            url
        }
    }

    /// The URL of a link to the content file `content_path` (written `text`), or `None` after
    /// an error (or for a file that failed to load, whose own errors are reported).
    fn content_link(
        &mut self,
        content_path: String,
        text: &str,
        anchor: Option<&str>,
        offset: usize,
    ) -> Option<String> {
        if let Some(target_url) = self.targets.content.get(&content_path) {
            let mut new_url = target_url.clone();
            if let Some(anchor) = anchor.filter(|a| !a.is_empty()) {
                self.anchor_links.push(AnchorLink {
                    target: content_path,
                    anchor: anchor.to_owned(),
                    offset,
                });
                new_url.push('#');
                new_url.push_str(anchor);
            }
            return Some(new_url);
        }
        if !self.targets.failed.contains(&content_path) {
            let hint = did_you_mean(
                &content_path,
                self.targets.content.keys().map(String::as_str),
            )
            .map(|best| format!("did you mean `@/{best}`?"));
            self.error(
                offset,
                format!("link to `{text}`: there is no content file content/{content_path}"),
                hint,
            );
        }
        None
    }

    /// Records a link to a URL of this site (`/smes/x/`, `../about/`), without its `?query`,
    /// with the `#anchor` it points at.
    fn site_link(&mut self, path: &str, anchor: Option<&str>, offset: usize) {
        let path = path.split('?').next().unwrap_or(path);
        self.site_links.push(SiteLink {
            url: path.to_owned(),
            anchor: anchor.filter(|a| !a.is_empty()).map(str::to_owned),
            offset,
        });
    }

    /// A link to an entity by its file, `@/smes/<id>` (`content_path` is `smes/<id>`): `None`
    /// when the path names no entity folder; else the entity's URL, or `None` inside after an
    /// error (or for an entity whose file has errors of its own).
    fn entity_link(
        &mut self,
        content_path: &str,
        anchor: Option<&str>,
        offset: usize,
    ) -> Option<Option<String>> {
        let targets = self.targets;
        match entity_target(
            content_path,
            anchor,
            targets.entities,
            targets.unresolved_entities,
        )? {
            Ok(url) => Some(url),
            Err(MissingEntity { message, help }) => {
                self.error(offset, message, Some(help));
                Some(None)
            }
        }
    }
}

/// A link `@/<folder>/<id>` to an entity that has no file: the error and what to do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MissingEntity {
    pub message: String,
    pub help: String,
}

/// Where a link to an entity by its file leads (`content_path` is `smes/<id>`, `anchor` the
/// `#anchor` written after it): `None` when the path names no entity folder; else the entity's
/// URL in `entities`, `None` for an entity in `unresolved` (whose file has errors of its own),
/// or the error for an entity that does not exist.
pub(super) fn entity_target(
    content_path: &str,
    anchor: Option<&str>,
    entities: &HashMap<String, String>,
    unresolved: &HashSet<String>,
) -> Option<Result<Option<String>, MissingEntity>> {
    let (folder, id) = content_path.split_once('/')?;
    if !ENTITY_FOLDERS.contains(&folder) || id.contains(['/', '.']) {
        return None;
    }
    if let Some(url) = entities.get(content_path) {
        let mut url = url.clone();
        if let Some(anchor) = anchor {
            url.push('#');
            url.push_str(anchor);
        }
        return Some(Ok(Some(url)));
    }
    if unresolved.contains(content_path) {
        return Some(Ok(None));
    }
    let same_kind = entities.keys().filter_map(|key| {
        key.strip_prefix(folder)
            .and_then(|rest| rest.strip_prefix('/'))
    });
    let help = did_you_mean(id, same_kind)
        .map(|best| format!("did you mean `@/{folder}/{best}`?"))
        .unwrap_or_else(|| format!("the ids are the file names in data/{folder}/"));
    Some(Err(MissingEntity {
        message: format!("link to `@/{content_path}`: there is no file data/{folder}/{id}.yaml"),
        help,
    }))
}

/// The address of `url` inside the site (`/smes/x/`, without the base path), read from the
/// page at `page_url` (which carries the base path) as a browser reads it: `..` stops at the
/// site's root.
pub fn address_in_site(base_path: &str, page_url: &str, url: &str) -> String {
    let (start, rest) = match url.strip_prefix('/') {
        Some(rest) => (String::new(), rest),
        None => {
            let inside = page_url.strip_prefix(base_path).unwrap_or(page_url);
            let folder = inside.rsplit_once('/').map_or("", |(folder, _)| folder);
            (folder.to_owned(), url)
        }
    };
    let mut parts: Vec<&str> = start.split('/').filter(|s| !s.is_empty()).collect();
    for segment in rest.split('/') {
        match segment {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            segment => parts.push(segment),
        }
    }
    let folder = rest.is_empty() || rest.ends_with('/') || rest.ends_with("/.");
    let trailing = if folder && !parts.is_empty() { "/" } else { "" };
    format!("/{}{trailing}", parts.join("/"))
}

pub(super) fn has_scheme(url: &str) -> bool {
    url.starts_with("//")
        || url.split_once(':').is_some_and(|(scheme, _)| {
            !scheme.is_empty()
                && scheme.starts_with(|c: char| c.is_ascii_alphabetic())
                && scheme
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || "+.-".contains(c))
        })
}

fn looks_like_file(path: &str) -> bool {
    path.rsplit('/')
        .next()
        .is_some_and(|name| name.contains('.'))
}

/// Resolves `rel` against the folder of the content file `from`; `None` if it climbs out.
pub(super) fn resolve_relative(from: &str, rel: &str) -> Option<String> {
    let mut parts: Vec<&str> = from.split('/').collect();
    parts.pop();
    for segment in rel.split('/') {
        match segment {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            segment => parts.push(segment),
        }
    }
    Some(parts.join("/"))
}
