//! Incremental rebuilds for `pimap serve`: keep the last good build and, when only Markdown
//! files (also one new or deleted page), templates, static files, one entity file or the KPIs or
//! roadmap changed, redo only what those changes reach.
//!
//! Each fast path is a sequence of named phases on the output plan of the last build and says,
//! for every output it renders again, why: `/news/x/ (its body)`, `/news/ (shows summary of
//! /news/x/)`. Which fields of a listed page a template reads comes from its tags
//! ([`crate::render::reads`]). The paths:
//! - body edits ([`bodies`]): the page and only the outputs whose templates read a body field
//!   that changed, of a page they can list;
//! - front-matter edits of one page that keep its address, template, aliases and publication
//!   ([`front_matter`]): the same for every field that changed (title, date, terms, `extra`...),
//!   the lists whose order or members changed, and its feed, the sitemap (dates), the search
//!   index and its redirect pages; a term that appears or disappears falls back;
//! - template edits ([`templates`]): the outputs whose template extends, includes or calls it;
//! - static files that are not referenced with a content hash: re-read alone;
//! - one entity file that keeps its references and facets ([`data`]): the outputs that show
//!   entity data;
//! - `data/kpis.yaml` or `data/roadmap.yaml` ([`data_lists`]): the pages whose shortcodes show
//!   data, and the outputs whose templates read that list from `data` or draw its chart;
//! - a new or deleted page in an existing section ([`new_files`]): the site is loaded and planned
//!   again, and when each language's plan differs by the page's own outputs alone, the page and
//!   the outputs that list it are rendered in every language (its sections' and terms' lists,
//!   the feeds, the sitemap, the search index); a deleted page's outputs are removed.
//!
//! In a site with several languages ([`languages`]), a body edit is taken by each language that
//! shows the file, an original's front matter by every language (a translation inherits from
//! it), a translation's by its own; an entity file by every language, each with its own
//! translation (`x.fr.yaml`) laid over it again, and a translation of an entity by its own
//! language alone ([`overlays`]); the KPIs or the roadmap by every language, and their
//! translation (`kpis.fr.yaml`, also a new or deleted one) by its own; a new or deleted original
//! page by every language. Template and static file edits, and new or deleted translations of
//! pages, take the full path there. Anything else (another new or deleted file, a new or deleted entity translation, a section's front matter, other data files
//! and `labels.fr.yaml`, shortcode templates, `site.yaml`, a link that breaks) takes the full
//! path, which is the same pipeline as `pimap build`, with the reason stated in
//! [`Rebuild::fallback`]. Every re-read goes through the same rule as a full
//! load (`source::files`): a file replaced by a link out of the site takes the full path, which
//! reports it. The result is byte-identical to a full build: `tests/incremental.rs` checks this
//! over random edit sequences. On a body, front-matter or data edit, or a new page, the edited
//! file's own output is rendered and published first ([`Session::rebuild_publishing`]), then the
//! lists and other outputs that show it; on an entity edit, as soon as the entity's new values are made (the
//! data graph is resolved again around the one record, reusing the facets, related SMEs and
//! entity URLs of the last build), before the pages whose shortcodes show data are rendered and
//! the outputs that show the entity are looked for. On a KPI or roadmap edit, each language's
//! outputs are published as soon as they are rendered.

mod bodies;
mod classify;
mod data;
mod data_lists;
mod fast_render;
mod front_matter;
mod languages;
mod new_files;
mod overlays;
mod templates;

use classify::{Classified, classify};
use fast_render::Edited;

use crate::plan::PlannedOutput;
use crate::render::entity_update::ChangedValues;
use crate::render::{self, SiteValues, replace_field};
use crate::site::{EntityKind, LinkUrls, Site};
use crate::source::files::SiteRoot;
use crate::{BuildError, BuildOptions, Diagnostic, OutputSink, Prepared, prepare, render_prepared};
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

/// A built site held in memory: output path -> bytes. A persistent map: a copy costs nothing
/// and shares everything with the original, so `pimap serve` can keep serving one build while
/// the next is made from it, and publish the new one without copying its 100,000s of entries;
/// an update costs the changed outputs alone.
pub type Files = imbl::HashMap<String, Arc<Vec<u8>>>;

/// Output kept in memory (in a plain map while it is written, which is faster to fill and read).
#[derive(Default)]
pub struct MemoryOutput {
    files: Mutex<HashMap<String, Arc<Vec<u8>>>>,
}

impl MemoryOutput {
    pub fn into_files(self) -> Files {
        self.into_map().into_iter().collect()
    }

    /// The files as a plain map, for a caller that only reads them (`pimap check`).
    pub fn into_map(self) -> HashMap<String, Arc<Vec<u8>>> {
        self.files.into_inner().unwrap_or_default()
    }

    fn store(&self, rel: &str, bytes: Vec<u8>) {
        if let Ok(mut files) = self.files.lock() {
            files.insert(rel.to_owned(), Arc::new(bytes));
        }
    }
}

impl OutputSink for MemoryOutput {
    fn write(&self, rel: &str, bytes: &[u8]) -> Result<(), Diagnostic> {
        self.store(rel, bytes.to_vec());
        Ok(())
    }

    fn copy(&self, rel: &str, origin: &crate::source::FileOrigin) -> Result<(), Diagnostic> {
        self.store(rel, origin.read()?);
        Ok(())
    }
}

/// How a rebuild went.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rebuild {
    /// Output paths whose bytes changed, appeared or disappeared.
    pub changed: Vec<String>,
    /// HTML pages in the site.
    pub pages: usize,
    /// Every output of the site (pages, lists, feeds, data files, copies).
    pub outputs: usize,
    /// Outputs rendered again (all of them on the full path).
    pub rendered: usize,
    /// On the fast path, each output rendered again and why: `/news/x/ (its body)`.
    pub reasons: Vec<String>,
    /// Why the full path was taken, when the change was known but no fast path could take it.
    pub fallback: Option<String>,
    pub incremental: bool,
    pub warnings: Vec<Diagnostic>,
}

/// Why a change takes the full path, in words for the person who saved the file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fallback(pub String);

/// A fallback with `reason`.
pub(crate) fn fall(reason: impl Into<String>) -> Fallback {
    Fallback(reason.into())
}

/// An output a fast path renders again, and why.
pub(crate) struct Selected<'p> {
    pub output: &'p PlannedOutput,
    pub reason: String,
    /// The output of the edited file itself (`its body`, `its data`): published first.
    pub own: bool,
}

/// Outputs published before the rest of a fast rebuild, with what they replaced.
type Published = Vec<(String, Option<Arc<Vec<u8>>>)>;

/// The last good build and what is needed to update it.
pub struct Session {
    options: BuildOptions,
    last: Option<Prepared>,
    /// URLs of content, asset and entity files (what links resolve to) in each language of
    /// `last`, the default language first; body edits keep them.
    link_urls: Vec<LinkUrls>,
    files: Files,
    /// The edited files' own outputs, published before the rest of the current fast rebuild,
    /// with what they replaced (put back when the rebuild falls back to the full path).
    published_first: Published,
    /// The items of `api/v1/<kind>.json` of `last`, kept after a first data edit of the kind so
    /// that the next ones make only the edited entity's item again.
    api_items: HashMap<(usize, EntityKind), Vec<String>>,
    pages: usize,
}

impl Session {
    pub fn new(options: BuildOptions) -> Session {
        Session {
            options,
            last: None,
            link_urls: Default::default(),
            files: Files::new(),
            published_first: Published::new(),
            api_items: HashMap::new(),
            pages: 0,
        }
    }

    /// The last good build.
    pub fn files(&self) -> &Files {
        &self.files
    }

    /// What the last good build leaves out (drafts, pages outside their publication window).
    pub fn withheld(&self) -> &[crate::site::Withheld] {
        self.last.as_ref().map_or(&[], |last| &last.site.withheld)
    }

    /// Rebuilds after `changed` (paths relative to the root); an empty list means "unknown",
    /// which takes the full path. On failure the last good build is kept.
    pub fn rebuild(&mut self, changed: &[PathBuf]) -> Result<Rebuild, BuildError> {
        self.rebuild_publishing(changed, &mut |_| {})
    }

    /// [`Session::rebuild`], calling `publish` with the edited page (or entity page) as soon as
    /// it is rendered on a fast path, before the lists and other outputs that show it.
    pub fn rebuild_publishing(
        &mut self,
        changed: &[PathBuf],
        publish: &mut dyn FnMut(&Files),
    ) -> Result<Rebuild, BuildError> {
        let fallback = if changed.is_empty() {
            None
        } else {
            self.published_first.clear();
            match self.try_fast(changed, publish) {
                Ok(rebuild) => return Ok(rebuild),
                Err(Fallback(reason)) => {
                    for (path, replaced) in std::mem::take(&mut self.published_first) {
                        match replaced {
                            Some(bytes) => self.files.insert(path, bytes),
                            None => self.files.remove(&path),
                        };
                    }
                    // The fast path may have given up half way: only a successful full build
                    // is a base for the next fast update.
                    self.last = None;
                    Some(reason)
                }
            }
        };
        let mut rebuild = self.full()?;
        rebuild.fallback = fallback;
        Ok(rebuild)
    }

    fn full(&mut self) -> Result<Rebuild, BuildError> {
        let prepared = prepare(&self.options)?;
        let memory = MemoryOutput::default();
        let generated = render_prepared(&prepared, self.options.minify, &memory)?;
        let files = memory.into_map();
        let changed = changed_paths(&self.files, &files);
        let rendered = files.len();
        self.files = files.into_iter().collect();
        self.api_items.clear();
        self.link_urls = prepared
            .languages()
            .map(|language| crate::site::link_target_urls(&language.site))
            .collect();
        self.last = Some(prepared);
        self.pages = generated.pages;
        Ok(Rebuild {
            changed,
            pages: generated.pages,
            outputs: rendered,
            rendered,
            reasons: Vec::new(),
            fallback: None,
            incremental: false,
            warnings: generated.warnings,
        })
    }

    /// The fast path; the reason for the full path when the change needs it.
    fn try_fast(
        &mut self,
        changed: &[PathBuf],
        publish: &mut dyn FnMut(&Files),
    ) -> Result<Rebuild, Fallback> {
        let last = self
            .last
            .as_mut()
            .ok_or_else(|| fall("the last build failed"))?;
        let Classified {
            bodies,
            statics,
            templates,
            data,
            lists,
        } = classify(changed, &last.site.config.theme)?;
        let content_or_data = statics.is_empty() && templates.is_empty();
        if !last.further.is_empty() && !content_or_data {
            return Err(fall(format!(
                "the site has {} languages: only a Markdown or data file edit is taken alone",
                last.further.len() + 1
            )));
        }
        let link_urls = self
            .link_urls
            .first()
            .ok_or_else(|| fall("the last build failed"))?;
        // Files are re-read through the same rule as a full load: nothing outside the site.
        let root = SiteRoot::new(&self.options.root)
            .map_err(|_| fall("the site folder could not be opened"))?;
        let mut edited = Edited::default();
        if !statics.is_empty() {
            update_statics(
                last,
                &self.options.root,
                &root,
                &statics,
                &mut edited.updates,
            )?;
            (edited.reasons).extend(statics.iter().map(|rel| format!("{rel} (copied again)")));
        }
        let minify = self.options.minify;
        if let Some((rel, list)) = lists.first() {
            if changed.len() > 1 {
                return Err(fall(format!("data/{rel} changed with other files")));
            }
            let urls = &self.link_urls[..];
            let first = (
                (minify, &mut self.files, &mut self.published_first),
                publish,
            );
            data_lists::edit(last, urls, &root, (rel, *list), first, &mut edited)?;
        } else if !data.is_empty() {
            if !(bodies.is_empty() && templates.is_empty() && data.len() == 1) {
                return Err(fall("a data file changed with other files"));
            }
            let first = (minify, &mut self.files, &mut self.published_first);
            let state = (&self.link_urls[..], &mut self.api_items);
            languages::edit_entity(last, state, &root, &data[0], (first, publish), &mut edited)?;
        } else if !templates.is_empty() {
            if !bodies.is_empty() {
                return Err(fall("templates and content changed together"));
            }
            let reasons = templates::update(last, &self.options, &templates, &mut edited.updates)?;
            edited.reasons.extend(reasons);
        } else if let Some((rel, change)) = new_files::added_or_deleted(last, &root, &bodies) {
            let first = (minify, &mut self.files, &mut self.published_first);
            let first = Some((first, publish));
            new_files::edit(last, &self.options, (&rel, change), first, &mut edited)?;
            self.link_urls = vec![crate::site::link_target_urls(&last.site)];
            self.api_items.clear();
            let html = |o: &&PlannedOutput| {
                o.path.ends_with(".html") && o.owner.copied_from(&last.site).is_none()
            };
            self.pages = last.plan.outputs.iter().filter(html).count();
        } else if let Some(rel) = front_matter_edit(last, &root, &bodies)? {
            // Each language that reads the file takes it on its own site.
            let first = (minify, &mut self.files, &mut self.published_first);
            let first = Some((first, publish));
            languages::edit_front(
                last,
                &self.link_urls,
                &root,
                rel,
                minify,
                first,
                &mut edited,
            )?;
        } else if !bodies.is_empty() && last.further.is_empty() {
            let first = (minify, &mut self.files, &mut self.published_first);
            let first = Some((first, publish));
            bodies::edit(last, link_urls, &root, &bodies, minify, first, &mut edited)?;
        } else if !bodies.is_empty() {
            // Several languages: each that shows an edited file takes it on its own site.
            languages::edit_bodies(last, &self.link_urls, &root, &bodies, minify, &mut edited)?;
        }
        let warnings = last.warnings.clone();
        Ok(self.commit(edited, warnings))
    }

    /// Keeps the outputs `edited` changed, and says which changed and why.
    fn commit(&mut self, edited: Edited, warnings: Vec<Diagnostic>) -> Rebuild {
        let mut changed_outputs: Vec<String> = std::mem::take(&mut self.published_first)
            .into_iter()
            .filter(|(path, replaced)| replaced.as_ref() != self.files.get(path))
            .map(|(path, _)| path)
            .collect();
        let Edited {
            updates,
            reasons,
            removed,
        } = edited;
        for path in removed {
            if self.files.remove(&path).is_some() {
                changed_outputs.push(path);
            }
        }
        for (path, bytes) in updates {
            if self.files.get(&path).map(|old| old.as_slice()) != Some(bytes.as_slice()) {
                changed_outputs.push(path.clone());
                self.files.insert(path, Arc::new(bytes));
            }
        }
        changed_outputs.sort();
        Rebuild {
            changed: changed_outputs,
            pages: self.pages,
            outputs: self.files.len(),
            rendered: reasons.len(),
            reasons,
            fallback: None,
            incremental: true,
            warnings,
        }
    }
}

/// The one content file of `bodies` whose front matter changed, for the front-matter path;
/// `None` when only bodies changed.
fn front_matter_edit<'b>(
    last: &Prepared,
    root: &SiteRoot,
    bodies: &'b [String],
) -> Result<Option<&'b String>, Fallback> {
    let mut changed = None;
    for rel in bodies {
        if front_matter::changed(last, root, rel)? {
            changed = Some(rel);
        }
    }
    match changed {
        Some(rel) if bodies.len() > 1 => Err(fall(format!(
            "the front matter of content/{rel} changed with other files"
        ))),
        changed => Ok(changed),
    }
}

/// After a data edit: renders again, as body edits, the pages and sections whose shortcodes
/// show data; returns their changed body fields.
pub(crate) fn render_shortcode_pages(
    last: &mut Prepared,
    link_urls: &LinkUrls,
) -> Result<bodies::ChangedFields, Fallback> {
    let shortcode_pages = data::shortcode_pages(last);
    if shortcode_pages.is_empty() {
        return Ok(bodies::ChangedFields::new());
    }
    let rendered = bodies::render_edits(last, link_urls, shortcode_pages)?;
    bodies::check_anchors(&last.site, &last.plan, &rendered)?;
    bodies::commit_edits(last, rendered, &BTreeSet::new())
}

/// The outputs that show the entity `kind`/`index` or a page whose shortcodes changed `fields`.
fn select_entity_outputs<'p>(
    last: &'p Prepared,
    changed: &ChangedValues,
    kind: EntityKind,
    index: usize,
    fields: &bodies::ChangedFields,
) -> Vec<Selected<'p>> {
    let mut selected = data::select_outputs(last, changed, kind, index);
    let shown: HashSet<&str> = selected.iter().map(|s| s.output.path.as_str()).collect();
    let by_shortcodes: Vec<Selected> = bodies::select_outputs(last, fields)
        .into_iter()
        .filter(|s| !shown.contains(s.output.path.as_str()))
        .collect();
    selected.extend(by_shortcodes);
    selected
}

/// Copies changed static files again: only when no page carries their hash, and only files that
/// exist already and are the site's own (not a theme's it replaces).
fn update_statics(
    last: &Prepared,
    site_root: &Path,
    root: &SiteRoot,
    statics: &[String],
    updates: &mut BTreeMap<String, Vec<u8>>,
) -> Result<(), Fallback> {
    if last.site.cachebust {
        return Err(fall("pages carry the content hash of static files"));
    }
    for rel in statics {
        let file = last
            .site
            .static_files
            .iter()
            .find(|f| &f.rel == rel)
            .ok_or_else(|| fall(format!("static/{rel} is new or was deleted")))?;
        let path = site_root.join("static").join(rel);
        if !matches!(&file.origin, crate::source::FileOrigin::Disk(origin) if *origin == path) {
            return Err(fall(format!("static/{rel} replaces a theme file")));
        }
        if file.css.is_some() {
            // Templates may copy a stylesheet into pages with `inline_css()` (the embeds do).
            return Err(fall(format!(
                "static/{rel} is a stylesheet, which pages may inline"
            )));
        }
        let bytes = root
            .read(&Path::new("static").join(rel))
            .map_err(|_| fall(format!("static/{rel} could not be read")))?;
        updates.insert(rel.clone(), bytes);
    }
    Ok(())
}

/// The paths whose bytes differ between `old` and `new`, or that only one of them has. Looks up
/// in the plain map `new` (a lookup in the persistent map costs more), and in `old` only when
/// `new` has paths that `old` lacks.
fn changed_paths(old: &Files, new: &HashMap<String, Arc<Vec<u8>>>) -> Vec<String> {
    let mut changed = BTreeSet::new();
    let mut kept = 0;
    for (path, old_bytes) in old {
        match new.get(path) {
            Some(bytes) => {
                kept += 1;
                if bytes != old_bytes {
                    changed.insert(path.clone());
                }
            }
            None => {
                changed.insert(path.clone());
            }
        }
    }
    if kept < new.len() {
        changed.extend(new.keys().filter(|path| !old.contains_key(*path)).cloned());
    }
    changed.into_iter().collect()
}

/// The sections (with their ancestors) and taxonomy terms whose values list an edited page.
pub(crate) fn affected(
    site: &Site,
    edited: &HashSet<usize>,
) -> (BTreeSet<usize>, BTreeSet<(usize, usize)>) {
    let mut sections = BTreeSet::new();
    let mut terms = BTreeSet::new();
    for &page in edited {
        let mut section = Some(site.pages[page].section);
        while let Some(s) = section {
            sections.insert(s);
            section = site.sections[s].parent;
        }
        terms.extend(site.pages[page].terms.iter().copied());
    }
    (sections, terms)
}

/// Rebuilds the values that hold page values: sections (deepest first, so that a parent holds
/// its updated subsections; with their new Markdown from `section_html` when their body was
/// edited), terms, taxonomies and the `taxonomies` map. `None` if a value cannot be made.
pub(crate) fn refresh_containers(
    site: &Site,
    values: &mut SiteValues,
    sections: &BTreeSet<usize>,
    mut section_html: HashMap<usize, String>,
    terms: &BTreeSet<(usize, usize)>,
) -> Option<()> {
    // A subsection sorts after its parent.
    for &s in sections.iter().rev() {
        let content = match section_html.remove(&s) {
            Some(html) => tera::Value::safe_string(&html),
            None => values.sections[s].get_from_path("content")?.clone(),
        };
        values.sections[s] =
            render::section_value(site, s, content, &values.pages, &values.sections).ok()?;
    }
    let mut taxonomies = BTreeSet::new();
    for &(t, i) in terms {
        let pages: Vec<tera::Value> = site.taxonomies[t].terms[i]
            .pages
            .iter()
            .map(|&p| values.pages[p].clone())
            .collect();
        values.term_values[t][i] =
            replace_field(&values.term_values[t][i], "pages", tera::Value::from(pages));
        taxonomies.insert(t);
    }
    for t in taxonomies {
        values.taxonomy_values[t] = replace_field(
            &values.taxonomy_values[t],
            "terms",
            tera::Value::from(values.term_values[t].clone()),
        );
    }
    let by_name: BTreeMap<String, tera::Value> = site
        .taxonomies
        .iter()
        .zip(&values.taxonomy_values)
        .map(|(t, v)| (t.config.name.clone(), v.clone()))
        .collect();
    values.taxonomies = tera::Value::from(by_name);
    Some(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn map(entries: &[(&str, &str)]) -> HashMap<String, Arc<Vec<u8>>> {
        entries
            .iter()
            .map(|(path, bytes)| (path.to_string(), Arc::new(bytes.as_bytes().to_vec())))
            .collect()
    }

    #[test]
    fn changed_paths_are_those_changed_added_or_removed() {
        let old: Files = map(&[("a", "1"), ("b", "2"), ("c", "3")])
            .into_iter()
            .collect();
        let new = map(&[("a", "1"), ("b", "two"), ("d", "4")]);
        assert_eq!(changed_paths(&old, &new), ["b", "c", "d"]);
        assert_eq!(changed_paths(&old, &map(&[("a", "1")])), ["b", "c"]);
        let same = map(&[("a", "1"), ("b", "2"), ("c", "3")]);
        assert!(changed_paths(&old, &same).is_empty());
    }
}
