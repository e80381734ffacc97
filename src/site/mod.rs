//! Resolving: turn [`SiteSources`] into the [`Site`] graph that templates see.
//!
//! One file per concern: `tree.rs` decides every page's and section's URL and output folder
//! (pretty URLs, slugs, page bundles) and builds the section tree; `taxonomies.rs` collects the
//! terms; `navigation.rs` resolves menu entries and aliases; `links.rs` renders every content
//! file's Markdown (in parallel) with its links rewritten, and says how an `#anchor` a link
//! points at is checked (once every output is known, in `crate::plan::site_links`);
//! `entities.rs` resolves the data (its references in `references.rs`), whose kinds are in `kinds.rs`, and
//! `entity_fields.rs` derives its Markdown HTML and facets, `related.rs` each SME's related SMEs. Which files a build writes, and
//! whether two of them collide, is the output plan's concern (`crate::plan`). Nothing here reads
//! files or knows about templates.

use crate::config::{BaseUrl, SiteConfig, TaxonomyConfig};
use crate::diagnostics::Diagnostic;
use crate::markdown::{RenderedMarkdown, slugify};
use crate::source::content::{ContentSource, PageFrontMatter, SectionFrontMatter};
use crate::source::languages::Language;
use crate::source::publication::{Publication, Schedule};
use crate::source::{FileSource, SiteSources};
use std::collections::{BTreeSet, HashMap, HashSet};

pub mod entities;
pub mod entity_fields;
mod kinds;
mod links;
mod navigation;
mod pictures;
mod references;
mod related;
pub mod taxonomies;
mod tree;
pub use entities::{DataGraph, EntityKind, FacetKind};
pub use links::{
    LinkUrls, Texts, anchor_help, anchors_in, check_anchor, forget_checked_links, link_target_urls,
    render_own_texts, share_html,
};
pub(crate) use navigation::{alias_error, alias_output};
pub(crate) use tree::sort_pages;

/// The resolved site: everything a template may show, by index.
#[derive(Debug)]
pub struct Site {
    pub config: SiteConfig,
    /// The base URL of this language's pages: the site's, with `/<code>` for a further
    /// language. Static files are at [`Site::root`].
    pub base: BaseUrl,
    /// The base URL of the site itself, where static files are.
    pub root: BaseUrl,
    /// The language of this site, and what in it shows the default language's text.
    pub language: Language,
    /// Every output in every language (set once every language's plan is known).
    pub alternates: std::sync::Arc<crate::plan::languages::Alternates>,
    /// Sorted by source path.
    pub pages: Vec<Page>,
    /// Sorted by folder; `sections[0]` is the home page's (the root).
    pub sections: Vec<Section>,
    pub taxonomies: Vec<Taxonomy>,
    /// Files from `content/` and where they are written.
    pub content_assets: Vec<(FileSource, String)>,
    /// Logos, photos and content pictures, with the sizes each is published at, by path.
    pub pictures: Vec<crate::pictures::Picture>,
    pub static_files: Vec<FileSource>,
    pub data: serde_json::Value,
    pub menu: Vec<MenuEntry>,
    pub aliases: Vec<Alias>,
    /// Typed data entities with their relations.
    pub graph: DataGraph,
    /// Whether `get_url` adds content hashes to static file URLs.
    pub cachebust: bool,
    /// Content files (`news/x.md`) that exist but failed to load: links to them are not errors
    /// of their own.
    pub failed_content: std::collections::HashSet<String>,
    /// Problems that do not stop the build.
    pub warnings: Vec<Diagnostic>,
    /// Pages, sections and entities this build leaves out, by URL.
    pub withheld: Vec<Withheld>,
    /// What changes on a later day.
    pub schedule: Schedule,
    /// The build's day (the roadmap marks it).
    pub today: crate::source::publication::Day,
    /// The ids each template writes itself, with those of the templates it extends or
    /// includes, by template name (set once the templates are read): a link to `#main` of a
    /// page whose templates write `id="main"` is not broken.
    pub template_ids: std::sync::Arc<HashMap<String, HashSet<String>>>,
}

/// The URL of something a build leaves out, and why.
#[derive(Debug, Clone)]
pub struct Withheld {
    pub url: String,
    /// Its source file, from the site root.
    pub file: std::path::PathBuf,
    pub publication: Publication,
}

#[derive(Debug)]
pub struct Page {
    pub source: ContentSource,
    /// Shared with the other languages that show the same file.
    pub front: std::sync::Arc<PageFrontMatter>,
    /// Published, or shown only by a preview (and why).
    pub publication: Publication,
    /// Site path with the base path: `/news/mou-signed/`.
    pub url: String,
    /// Output folder relative to the output root: `news/mou-signed`.
    pub output_dir: String,
    pub slug: String,
    /// Index of the section that lists this page.
    pub section: usize,
    /// (taxonomy index, term index) for every term this page carries.
    pub terms: Vec<(usize, usize)>,
    /// The rendered Markdown; its `html` moves into the template values when rendering starts.
    pub markdown: RenderedMarkdown,
}

#[derive(Debug)]
pub struct Section {
    /// `None` for a root section that has no `content/_index.md`.
    pub source: Option<ContentSource>,
    pub front: SectionFrontMatter,
    /// Folder inside `content/`: `news`, or empty for the root.
    pub dir: String,
    pub url: String,
    pub output_dir: String,
    pub parent: Option<usize>,
    /// Indices of pages, in the section's order.
    pub pages: Vec<usize>,
    pub subsections: Vec<usize>,
    pub markdown: RenderedMarkdown,
}

#[derive(Debug)]
pub struct Taxonomy {
    pub config: TaxonomyConfig,
    pub url: String,
    pub output_dir: String,
    /// Sorted by name, case-insensitively.
    pub terms: Vec<Term>,
}

#[derive(Debug)]
pub struct Term {
    pub name: String,
    pub slug: String,
    pub url: String,
    pub output_dir: String,
    /// Newest first.
    pub pages: Vec<usize>,
}

#[derive(Debug, Clone, serde::Serialize)]
pub struct MenuEntry {
    pub name: String,
    pub url: String,
}

/// A redirect page written at an old address.
#[derive(Debug)]
pub struct Alias {
    pub output_path: String,
    pub target_url: String,
    pub page: AliasOwner,
}

#[derive(Debug, Clone, Copy)]
pub enum AliasOwner {
    Page(usize),
    Section(usize),
}

impl Site {
    pub fn url_for_dir(&self, output_dir: &str) -> String {
        url_for_dir(&self.base, output_dir)
    }

    pub fn permalink(&self, url: &str) -> String {
        self.base.permalink(url)
    }

    pub fn page_by_path(&self, path: &str) -> Option<&Page> {
        self.pages
            .binary_search_by(|p| p.source.path.as_str().cmp(path))
            .ok()
            .map(|i| &self.pages[i])
    }

    /// The index of the picture at `rel` (from the site root: `data/smes/media/lens.jpg`).
    pub fn picture_index(&self, rel: &str) -> Option<usize> {
        self.pictures
            .binary_search_by(|p| p.file.rel.as_str().cmp(rel))
            .ok()
    }

    pub fn section_by_path(&self, path: &str) -> Option<&Section> {
        self.sections.iter().find(|s| section_path(&s.dir) == path)
    }
}

/// The content path of a section's `_index.md`.
pub fn section_path(dir: &str) -> String {
    if dir.is_empty() {
        "_index.md".to_owned()
    } else {
        format!("{dir}/_index.md")
    }
}

fn url_for_dir(base: &BaseUrl, output_dir: &str) -> String {
    if output_dir.is_empty() {
        format!("{}/", base.path)
    } else {
        format!("{}/{}/", base.path, output_dir)
    }
}

fn parent_dir(path: &str) -> &str {
    path.rsplit_once('/').map_or("", |(dir, _)| dir)
}

fn slug_dir(dir: &str) -> String {
    dir.split('/')
        .filter(|s| !s.is_empty())
        .map(slugify)
        .filter(|s| !s.is_empty())
        .collect::<Vec<_>>()
        .join("/")
}

/// The files of `media/` folders that images in the data text of any of `views` (one per
/// language) show. Pictures belong to the whole site: every language publishes these, so a
/// picture only a translation shows is written too.
pub fn text_pictures(views: &[SiteSources]) -> BTreeSet<String> {
    views
        .iter()
        .flat_map(|view| pictures::shown_in_text(&view.entities))
        .collect()
}

/// Resolves the sources into a site, with every problem found (the site is only fit to render
/// when none of them is an error); `text_pictures` are what data text shows in any language
/// ([`text_pictures`]).
pub fn resolve(sources: SiteSources, text_pictures: &BTreeSet<String>) -> (Site, Vec<Diagnostic>) {
    resolve_sharing(sources, None, text_pictures, Texts::All)
}

/// Like [`resolve`], for a further language's view: where it shows the default language's text
/// (a page without a translation) the Markdown is not rendered again, and its HTML stays empty
/// until [`share_html`] relinks `default`'s to this language's URLs; a Markdown field of data
/// without a translation takes `default`'s HTML relinked at once. `texts` says which texts are
/// made now ([`Texts::Shared`] leaves the others to [`render_own_texts`]).
pub fn resolve_sharing(
    sources: SiteSources,
    default: Option<&Site>,
    text_pictures: &BTreeSet<String>,
    texts: Texts,
) -> (Site, Vec<Diagnostic>) {
    let SiteSources {
        config,
        config_text,
        base_url: base,
        pages: page_sources,
        sections: section_sources,
        content_assets,
        static_files,
        data,
        diagnostics,
        entities,
        failed_content,
        language,
        withheld,
        schedule,
        pictures: picture_files,
        today,
        ..
    } = sources;
    let withheld = tree::withheld(withheld, &entities.withheld, &base);
    let mut errors = diagnostics;
    let mut sections = tree::sections(section_sources, &config.title, &base);
    let mut pages = tree::pages(page_sources, &base, &mut sections, &mut errors);
    let content_assets = tree::content_assets(content_assets, &pages);
    let content_outputs = content_assets
        .iter()
        .map(|(asset, output)| (format!("content/{}", asset.rel), output.clone()))
        .collect();
    let published = pictures::resolve(
        &picture_files,
        &entities,
        text_pictures,
        &content_outputs,
        &mut errors,
    );
    // Pictures belong to the whole site: every language shows the same files.
    let text_pictures = pictures::data_pictures(&language.root.path, &picture_files, &published);
    let default_graph = default.map(|default| &default.graph);
    let in_language = (&base, &language);
    let graph = match entities::resolve(entities, in_language, text_pictures.into(), default_graph)
    {
        Ok((graph, warnings)) => {
            errors.extend(warnings);
            graph
        }
        Err((problems, unresolved)) => {
            errors.extend(problems);
            unresolved
        }
    };
    let pictures = published;
    let taxonomies = taxonomies::collect_taxonomies(&config, &base, &mut pages, &mut errors);
    let menu =
        navigation::resolve_menu(&config, &config_text, &base, &pages, &sections, &mut errors);
    let aliases = navigation::resolve_aliases(&base, &pages, &sections, &mut errors);
    let mut site = Site {
        config,
        root: language.root.clone(),
        language,
        alternates: Default::default(),
        base,
        pages,
        sections,
        taxonomies,
        content_assets,
        pictures,
        static_files,
        data,
        menu,
        aliases,
        graph,
        cachebust: true,
        failed_content,
        warnings: Vec::new(),
        withheld,
        schedule,
        today,
        template_ids: Default::default(),
    };
    errors.extend(links::render_markdown(&mut site, default, texts));
    (site, errors)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folders_become_slugged_paths() {
        assert_eq!(slug_dir("News Items/2019"), "news-items/2019");
        assert_eq!(
            url_for_dir(
                &BaseUrl {
                    origin: String::new(),
                    path: "/sub".into()
                },
                "news"
            ),
            "/sub/news/"
        );
    }
}
