//! The output plan: every file a build writes, listed once, after the templates are known.
//!
//! Each kind of output (a page, a section, an entity page, an embed, the API, a feed, the
//! sitemap, a static file, a redirect…) says here, and only here, where it is written, at which
//! URL, with which template and how a message names it. Rendering, `pimap check`, the sitemap,
//! `get_url`, the incremental rebuild and the dev server read the [`OutputPlan`]; nothing else
//! derives a path or a URL of an output. Building the plan also checks it: two sources for one
//! path, a file where a folder must go, a name pimap keeps for itself (`collisions.rs`), and a
//! template that does not exist (`templates.rs`, which also picks each output's template);
//! links written in Markdown as URLs of this site must lead to one of its outputs
//! (`site_links.rs`). The plan reads no file and renders nothing.

mod collisions;
pub mod languages;
mod pagination;
pub mod site_links;
mod templates;

pub use pagination::PagedList;
use templates::{missing_templates, template_of};

use crate::diagnostics::Diagnostic;
use crate::pictures::markup::{Candidate, PictureSet};
use crate::pictures::{OutputFormat, Picture, Variant};
use crate::site::{EntityKind, FacetKind, Site, section_path};
use crate::source::{FileOrigin, FileSource};
use std::collections::{HashMap, HashSet};
use std::path::Path;

/// What an embed shows: one SME, or a cluster's SMEs (optionally those of one sector or
/// technology).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Embed {
    Sme(usize),
    ClusterSmes(usize, Option<(FacetKind, usize)>),
}

/// Who produces an output file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum OutputOwner {
    /// A static file under its content-hashed name.
    Fingerprinted(usize),
    /// `_headers`: long cache lifetimes for fingerprinted files, for hosts that read it.
    Headers,
    /// A page made to be framed by partners' sites.
    Embed(Embed),
    /// The oEmbed description of an embed.
    OEmbed(Embed),
    /// `api/v1/<kind>.json`.
    Api(EntityKind),
    SearchIndex,
    /// The search page.
    Search,
    Sitemap,
    Robots,
    /// The Atom feed of a section.
    Feed(usize),
    EntityList(EntityKind),
    Entity(EntityKind, usize),
    FacetIndex(FacetKind),
    Facet(FacetKind, usize),
    Section(usize),
    Page(usize),
    Taxonomy(usize),
    Term(usize, usize),
    /// Page N (2 or more) of a paginated list, at `<list>/page/N/`.
    ListPage(PagedList, usize),
    /// `<list>/page/1/`: a redirect to the list's own URL.
    FirstPageRedirect(PagedList),
    NotFound,
    Alias(usize),
    ContentAsset(usize),
    Static(usize),
    /// One size and format of a picture: (picture, variant) in `Site::pictures`.
    Picture(usize, usize),
}

/// One file the build writes.
#[derive(Debug, Clone)]
pub struct PlannedOutput {
    /// Relative to the output folder: `news/launch/index.html`.
    pub path: String,
    /// Site path with the base path: `/news/launch/`, `/sitemap.xml`.
    pub url: String,
    pub owner: OutputOwner,
    /// The template that renders it; `None` for files made without one.
    pub template: Option<String>,
    /// How messages name it: `content/news/launch.md`, `the search page`.
    pub description: String,
}

/// Every output of a build, in a stable order, with indexes by path and by owner.
///
/// A further language's plan lists the outputs of that language, under `<code>/`. Static files,
/// pictures, `_headers` and `robots.txt` belong to the site as a whole: the default language's plan writes
/// them, and the others know them (for their URLs) without writing them.
#[derive(Debug, Default)]
pub struct OutputPlan {
    pub outputs: Vec<PlannedOutput>,
    by_path: HashMap<String, usize>,
    by_owner: HashMap<OutputOwner, usize>,
    /// Outputs of the whole site that another language's plan writes.
    elsewhere: HashMap<OutputOwner, PlannedOutput>,
}

impl OutputPlan {
    /// Lists every output of `site`, given the names of its templates, and checks the list.
    /// The plan is complete even when there are problems; the build stops on them.
    pub fn build(site: &Site, template_names: &HashSet<String>) -> (OutputPlan, Vec<Diagnostic>) {
        let language = &site.language;
        let prefix = language.folder();
        let (shared, own): (Vec<_>, Vec<_>) = owners(site, template_names)
            .into_iter()
            .partition(|(_, owner)| !language.is_default && owner.is_whole_site());
        let outputs: Vec<PlannedOutput> = own
            .into_iter()
            .map(|(path, owner)| PlannedOutput {
                url: url_of_path(&site.base.path, &path),
                template: template_of(site, owner).map(str::to_owned),
                description: owner.describe(site),
                path: format!("{prefix}{path}"),
                owner,
            })
            .collect();
        let elsewhere = shared
            .into_iter()
            .map(|(path, owner)| {
                let output = PlannedOutput {
                    url: url_of_path(&site.root.path, &path),
                    template: None,
                    description: owner.describe(site),
                    path,
                    owner,
                };
                (owner, output)
            })
            .collect();
        let mut problems = collisions::check(site, &outputs);
        if language.is_default {
            problems.extend(collisions::language_folders(site, &outputs));
        }
        problems.extend(missing_templates(site, &outputs, template_names));
        let mut plan = OutputPlan {
            by_path: HashMap::with_capacity(outputs.len()),
            by_owner: HashMap::with_capacity(outputs.len()),
            outputs,
            elsewhere,
        };
        for (i, output) in plan.outputs.iter().enumerate() {
            plan.by_path.entry(output.path.clone()).or_insert(i);
            plan.by_owner.insert(output.owner, i);
        }
        (plan, problems)
    }

    /// The output written at `path`.
    pub fn at_path(&self, path: &str) -> Option<&PlannedOutput> {
        self.by_path.get(path).map(|&i| &self.outputs[i])
    }

    /// The output that `owner` produces, if the site has it (written by this plan, or by the
    /// default language's for a file of the whole site).
    pub fn of(&self, owner: OutputOwner) -> Option<&PlannedOutput> {
        match self.by_owner.get(&owner) {
            Some(&i) => Some(&self.outputs[i]),
            None => self.elsewhere.get(&owner),
        }
    }
}

/// `news/index.html` -> `/news/`, `sitemap.xml` -> `/sitemap.xml`, under the base path.
fn url_of_path(base_path: &str, path: &str) -> String {
    let shown = match path.strip_suffix("index.html") {
        Some(dir) if dir.is_empty() || dir.ends_with('/') => dir,
        _ => path,
    };
    format!("{base_path}/{shown}")
}

/// `news` -> `news/index.html`, `` -> `index.html`.
fn index_in(dir: &str) -> String {
    if dir.is_empty() {
        "index.html".to_owned()
    } else {
        format!("{dir}/index.html")
    }
}

/// Every output path with its owner, in the order the plan keeps.
fn owners(site: &Site, template_names: &HashSet<String>) -> Vec<(String, OutputOwner)> {
    let mut outputs = Vec::new();
    // A section whose folder is an entity list page (content/smes/_index.md) gives that page
    // its title and text instead of a page of its own.
    let entity_lists: Vec<&str> = EntityKind::ALL
        .iter()
        .filter(|&&kind| site.graph.count(kind) > 0)
        .map(|kind| kind.dir())
        .collect();
    for (i, section) in site.sections.iter().enumerate() {
        if !entity_lists.contains(&section.output_dir.as_str()) {
            outputs.push((index_in(&section.output_dir), OutputOwner::Section(i)));
        }
    }
    for kind in EntityKind::ALL {
        let count = site.graph.count(kind);
        if count > 0 {
            outputs.push((index_in(kind.dir()), OutputOwner::EntityList(kind)));
        }
        for i in 0..count {
            let dir = site.graph.output_dir(kind, i);
            outputs.push((index_in(&dir), OutputOwner::Entity(kind, i)));
        }
    }
    embeds(site, template_names, &mut outputs);
    for kind in EntityKind::ALL {
        if site.graph.count(kind) > 0 {
            let path = format!("api/v1/{}.json", kind.variable().1);
            outputs.push((path, OutputOwner::Api(kind)));
        }
    }
    if template_names.contains("search.html") {
        outputs.push(("search-index.json".to_owned(), OutputOwner::SearchIndex));
        outputs.push(("search/index.html".to_owned(), OutputOwner::Search));
    }
    for kind in FacetKind::ALL {
        let facets = site.graph.facets(kind);
        if !facets.is_empty() {
            outputs.push((index_in(kind.dir()), OutputOwner::FacetIndex(kind)));
        }
        for (i, facet) in facets.iter().enumerate() {
            outputs.push((index_in(&facet.output_dir), OutputOwner::Facet(kind, i)));
        }
    }
    for (i, page) in site.pages.iter().enumerate() {
        outputs.push((index_in(&page.output_dir), OutputOwner::Page(i)));
    }
    for (t, taxonomy) in site.taxonomies.iter().enumerate() {
        outputs.push((index_in(&taxonomy.output_dir), OutputOwner::Taxonomy(t)));
        for (i, term) in taxonomy.terms.iter().enumerate() {
            outputs.push((index_in(&term.output_dir), OutputOwner::Term(t, i)));
        }
    }
    outputs.push(("404.html".to_owned(), OutputOwner::NotFound));
    outputs.push(("sitemap.xml".to_owned(), OutputOwner::Sitemap));
    outputs.push(("robots.txt".to_owned(), OutputOwner::Robots));
    for (i, section) in site.sections.iter().enumerate() {
        if section.front.feed {
            let path = if section.output_dir.is_empty() {
                "atom.xml".to_owned()
            } else {
                format!("{}/atom.xml", section.output_dir)
            };
            outputs.push((path, OutputOwner::Feed(i)));
        }
    }
    for (i, alias) in site.aliases.iter().enumerate() {
        outputs.push((alias.output_path.clone(), OutputOwner::Alias(i)));
    }
    for (i, (_, output)) in site.content_assets.iter().enumerate() {
        outputs.push((output.clone(), OutputOwner::ContentAsset(i)));
    }
    for (i, file) in site.static_files.iter().enumerate() {
        outputs.push((file.rel.clone(), OutputOwner::Static(i)));
        if let Some(hashed) = fingerprinted_path(site, file) {
            outputs.push((hashed, OutputOwner::Fingerprinted(i)));
        }
    }
    for (p, picture) in site.pictures.iter().enumerate() {
        for (v, variant) in picture.variants.iter().enumerate() {
            outputs.push((picture_path(picture, variant), OutputOwner::Picture(p, v)));
        }
    }
    if site.cachebust && !site.static_files.is_empty() {
        outputs.push(("_headers".to_owned(), OutputOwner::Headers));
    }
    pagination::paged_outputs(site, &mut outputs);
    outputs
}

/// Embeds for partners' sites and their oEmbed descriptions, when the theme has their templates.
fn embeds(site: &Site, template_names: &HashSet<String>, outputs: &mut Vec<(String, OutputOwner)>) {
    let graph = &site.graph;
    if template_names.contains("embed_sme.html") {
        for (i, sme) in graph.entities.smes.iter().enumerate() {
            let dir = format!("embed/smes/{}", sme.id);
            outputs.push((index_in(&dir), OutputOwner::Embed(Embed::Sme(i))));
            outputs.push((
                format!("{dir}/oembed.json"),
                OutputOwner::OEmbed(Embed::Sme(i)),
            ));
        }
    }
    if !template_names.contains("embed_smes.html") {
        return;
    }
    for (p, partner) in graph.entities.partners.iter().enumerate() {
        let members = &graph.partner_smes[p];
        if members.is_empty() {
            continue;
        }
        let dir = format!("embed/partners/{}/smes", partner.id);
        let all = Embed::ClusterSmes(p, None);
        outputs.push((index_in(&dir), OutputOwner::Embed(all)));
        outputs.push((format!("{dir}/oembed.json"), OutputOwner::OEmbed(all)));
        for kind in [FacetKind::Sector, FacetKind::Technology] {
            for (f, facet) in graph.facets(kind).iter().enumerate() {
                if facet.smes.iter().any(|s| members.binary_search(s).is_ok()) {
                    let segment = match kind {
                        FacetKind::Sector => "sector",
                        _ => "technology",
                    };
                    let owner = OutputOwner::Embed(Embed::ClusterSmes(p, Some((kind, f))));
                    outputs.push((index_in(&format!("{dir}/{segment}/{}", facet.slug)), owner));
                }
            }
        }
    }
}

/// File types whose URLs carry a hash of their bytes in the file name when cache busting is on.
const FINGERPRINTED: [&str; 10] = [
    "css", "js", "svg", "png", "jpg", "jpeg", "webp", "avif", "gif", "woff2",
];

/// `css/site.css` -> `css/site.7ef2914e4b.css`, for static files whose URL changes with their
/// bytes (so hosts can cache them for ever); `None` when cache busting is off or for other types.
/// `embed.js` keeps one stable name: partners' sites point at it.
fn fingerprinted_path(site: &Site, file: &FileSource) -> Option<String> {
    let (stem, extension) = file.rel.rsplit_once('.')?;
    let fingerprint = site.cachebust
        && FINGERPRINTED.contains(&extension.to_ascii_lowercase().as_str())
        && file.rel != "embed.js";
    fingerprint.then(|| format!("{stem}.{:010x}.{extension}", file.hash >> 24))
}

/// `smes/media/lens.3f2a9c01d4.480.webp`: a picture's files carry a hash of its source, so
/// hosts may cache them for ever; an SVG keeps its one size out of the name.
fn picture_path(picture: &Picture, variant: &Variant) -> String {
    let hash = picture.file.hash >> 88;
    let extension = variant.format.extension();
    match variant.format {
        OutputFormat::Svg => format!("{}.{hash:010x}.{extension}", picture.output_stem),
        _ => format!(
            "{}.{hash:010x}.{}.{extension}",
            picture.output_stem, variant.width
        ),
    }
}

/// The published files of `picture` as `<picture>` needs them, keeping the sizes of `widths`
/// when given (a size made narrower because the picture is, stands for the wider ones). `None`
/// when none of `widths` is made.
pub fn picture_set(
    base_path: &str,
    picture: &Picture,
    widths: Option<&[u32]>,
) -> Option<PictureSet> {
    let kept = |variant: &Variant| match widths {
        None => true,
        Some(_) if variant.format == OutputFormat::Svg => true,
        Some(widths) => widths.iter().any(|&w| {
            w == variant.width || (w > picture.probe.width && variant.width == picture.probe.width)
        }),
    };
    let candidates: Vec<(OutputFormat, Candidate)> = picture
        .variants
        .iter()
        .filter(|v| kept(v))
        .map(|v| {
            let url = url_of_path(base_path, &picture_path(picture, v));
            let candidate = Candidate {
                url,
                width: v.width,
                height: v.height,
            };
            (v.format, candidate)
        })
        .collect();
    PictureSet::new(&candidates)
}

impl OutputOwner {
    /// Whether this output belongs to the site as a whole rather than to one language: static
    /// files, pictures, `_headers` and `robots.txt`.
    pub fn is_whole_site(self) -> bool {
        matches!(
            self,
            OutputOwner::Static(_)
                | OutputOwner::Fingerprinted(_)
                | OutputOwner::Picture(..)
                | OutputOwner::Headers
                | OutputOwner::Robots
        )
    }

    /// How messages name this output: its source file, or what pimap makes.
    fn describe(self, site: &Site) -> String {
        let graph = &site.graph;
        match self {
            OutputOwner::EntityList(kind) => format!("the list of data/{}/", kind.variable().1),
            OutputOwner::Entity(kind, i) => graph.source(kind, i).file.display().to_string(),
            OutputOwner::FacetIndex(kind) => format!("the list of {}", kind.dir()),
            OutputOwner::Facet(kind, i) => {
                format!("the {} page `{}`", kind.dir(), graph.facets(kind)[i].name)
            }
            OutputOwner::Section(i) => site.sections[i]
                .source
                .as_ref()
                .map_or("the home page".to_owned(), |s| s.file.display().to_string()),
            OutputOwner::Page(i) => site.pages[i].source.file.display().to_string(),
            OutputOwner::Taxonomy(t) => {
                format!("the `{}` taxonomy", site.taxonomies[t].config.name)
            }
            OutputOwner::Term(t, i) => format!(
                "the `{}` term `{}`",
                site.taxonomies[t].config.name, site.taxonomies[t].terms[i].name
            ),
            OutputOwner::ListPage(list, number) => {
                format!("page {number} of {}", list.first_page().describe(site))
            }
            OutputOwner::FirstPageRedirect(list) => format!(
                "the redirect from page 1 to {}",
                list.first_page().describe(site)
            ),
            OutputOwner::NotFound => "the 404 page".to_owned(),
            OutputOwner::Sitemap => "the sitemap".to_owned(),
            OutputOwner::Robots => "robots.txt".to_owned(),
            OutputOwner::Fingerprinted(i) => {
                format!("static file {} (fingerprinted)", site.static_files[i].rel)
            }
            OutputOwner::Headers => "_headers".to_owned(),
            OutputOwner::Embed(embed) => embed.describe(site),
            OutputOwner::OEmbed(embed) => {
                format!("the oEmbed description of {}", embed.describe(site))
            }
            OutputOwner::Api(kind) => format!("the API of data/{}/", kind.variable().1),
            OutputOwner::SearchIndex => "the search index".to_owned(),
            OutputOwner::Search => "the search page".to_owned(),
            OutputOwner::Feed(i) => format!(
                "the feed of content/{}",
                section_path(&site.sections[i].dir)
            ),
            OutputOwner::Alias(i) => format!("an alias of {}", site.aliases[i].target_url),
            OutputOwner::ContentAsset(i) => format!("content/{}", site.content_assets[i].0.rel),
            OutputOwner::Static(i) => format!("static file {}", site.static_files[i].rel),
            OutputOwner::Picture(p, v) => {
                let picture = &site.pictures[p];
                let variant = &picture.variants[v];
                format!(
                    "{} at {} pixels wide ({})",
                    picture.file.rel,
                    variant.width,
                    variant.format.extension()
                )
            }
        }
    }

    /// The list this output shows and which of its pages: page N of a paginated list, page 1
    /// of a list at its own URL (paginated or not), `None` for outputs that are no list.
    pub fn list_page(self) -> Option<(PagedList, usize)> {
        match self {
            OutputOwner::ListPage(list, number) => Some((list, number)),
            owner => PagedList::of(owner).map(|list| (list, 1)),
        }
    }

    /// The owner whose template variables this output shows: page 1 of the list for a later
    /// page, the output itself otherwise.
    pub fn shown(self) -> OutputOwner {
        match self {
            OutputOwner::ListPage(list, _) => list.first_page(),
            owner => owner,
        }
    }

    /// The Markdown or data file this output shows, with its text.
    pub fn source_text(self, site: &Site) -> Option<(&Path, &str)> {
        match self {
            OutputOwner::ListPage(list, _) => list.first_page().source_text(site),
            OutputOwner::Page(i) => {
                let source = &site.pages[i].source;
                Some((&source.file, &source.text))
            }
            OutputOwner::Section(i) => {
                let source = site.sections[i].source.as_ref()?;
                Some((&source.file, &source.text))
            }
            OutputOwner::Entity(kind, i) => {
                let source = site.graph.source(kind, i);
                Some((&source.file, &source.text))
            }
            _ => None,
        }
    }

    /// The file this output is a copy of; `None` for outputs that are rendered, and for a copy
    /// of a picture, which is published from the picture cache ([`Self::picture_copied`]).
    pub fn copied_from(self, site: &Site) -> Option<&FileOrigin> {
        match self {
            OutputOwner::Static(i) | OutputOwner::Fingerprinted(i) => {
                Some(&site.static_files[i].origin)
            }
            OutputOwner::ContentAsset(_) if self.picture_copied(site).is_some() => None,
            OutputOwner::ContentAsset(i) => Some(&site.content_assets[i].0.origin),
            _ => None,
        }
    }

    /// The picture (its index in `site.pictures`) that this output is a copy of, as sent.
    pub fn picture_copied(self, site: &Site) -> Option<usize> {
        match self {
            OutputOwner::ContentAsset(i) => {
                site.picture_index(&format!("content/{}", site.content_assets[i].0.rel))
            }
            _ => None,
        }
    }
}

impl Embed {
    fn describe(self, site: &Site) -> String {
        let entities = &site.graph.entities;
        match self {
            Embed::Sme(i) => format!("the embed of data/smes/{}.yaml", entities.smes[i].id),
            Embed::ClusterSmes(p, _) => {
                format!(
                    "the embed of data/partners/{}.yaml",
                    entities.partners[p].id
                )
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_show_folders_for_index_files() {
        assert_eq!(url_of_path("", "index.html"), "/");
        assert_eq!(url_of_path("/sub", "news/index.html"), "/sub/news/");
        assert_eq!(url_of_path("/sub", "sitemap.xml"), "/sub/sitemap.xml");
        assert_eq!(url_of_path("", "old/notindex.html"), "/old/notindex.html");
    }
}
