//! Resolving: turn [`SiteSources`] into the [`Site`] graph that templates see.
//!
//! Decides every URL and output path (pretty URLs, slugs, page bundles), builds the section tree,
//! sorts section pages, collects taxonomy terms, resolves menu entries and aliases, renders every
//! content file's Markdown (in parallel) with its links rewritten and checks every `#anchor` that a
//! link points at. Two things that would be written to the same output path are an error at the
//! file that came second, and so is an output path that pimap keeps for itself (the marker of
//! the output folder, names with control characters). Nothing here reads files or knows about
//! templates.

use crate::config::CONFIG_FILE;
use crate::config::{BaseUrl, SiteConfig, TaxonomyConfig};
use crate::diagnostics::{Diagnostic, did_you_mean};
use crate::markdown::{self, LinkTargets, RenderedMarkdown, slugify};
use crate::source::content::{ContentSource, PageFrontMatter, SectionFrontMatter, SortBy};
use crate::source::{FileSource, SiteSources, yaml};
use rayon::prelude::*;

pub mod entities;
pub use entities::{DataGraph, EntityKind, FacetKind};
use std::collections::{BTreeMap, HashMap};

/// The resolved site: everything a template may show, by index.
#[derive(Debug)]
pub struct Site {
    pub config: SiteConfig,
    pub base: BaseUrl,
    /// Sorted by source path.
    pub pages: Vec<Page>,
    /// Sorted by folder; `sections[0]` is the home page's (the root).
    pub sections: Vec<Section>,
    pub taxonomies: Vec<Taxonomy>,
    /// Files from `content/` and where they are written.
    pub content_assets: Vec<(FileSource, String)>,
    pub static_files: Vec<FileSource>,
    pub data: serde_json::Value,
    pub menu: Vec<MenuEntry>,
    pub aliases: Vec<Alias>,
    /// Typed data entities with their relations.
    pub graph: DataGraph,
    /// Whether `get_url` adds content hashes to static file URLs.
    pub cachebust: bool,
    /// Problems that do not stop the build.
    pub warnings: Vec<Diagnostic>,
}

#[derive(Debug)]
pub struct Page {
    pub source: ContentSource,
    pub front: PageFrontMatter,
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

/// Resolves the sources into a site, with every problem found (the site is only fit to render
/// when none of them is an error).
pub fn resolve(sources: SiteSources) -> (Site, Vec<Diagnostic>) {
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
        ..
    } = sources;
    let mut errors = diagnostics;
    let graph = match entities::resolve(entities, &base) {
        Ok((graph, warnings)) => {
            errors.extend(warnings);
            graph
        }
        Err(problems) => {
            errors.extend(problems);
            DataGraph::default()
        }
    };

    // Sections, by folder. The root always exists.
    let mut sections: Vec<Section> = section_sources
        .into_iter()
        .map(|(source, front)| {
            let dir = parent_dir(&source.path).to_owned();
            let output_dir = slug_dir(&dir);
            Section {
                url: url_for_dir(&base, &output_dir),
                output_dir,
                dir,
                source: Some(source),
                front,
                parent: None,
                pages: Vec::new(),
                subsections: Vec::new(),
                markdown: RenderedMarkdown::default(),
            }
        })
        .collect();
    if !sections.iter().any(|s| s.dir.is_empty()) {
        let front = SectionFrontMatter {
            title: config.title.clone(),
            description: None,
            sort_by: SortBy::Date,
            weight: None,
            template: None,
            page_template: None,
            draft: false,
            aliases: Vec::new(),
            feed: false,
            sources: Vec::new(),
            extra: Default::default(),
        };
        sections.push(Section {
            source: None,
            front,
            dir: String::new(),
            url: url_for_dir(&base, ""),
            output_dir: String::new(),
            parent: None,
            pages: Vec::new(),
            subsections: Vec::new(),
            markdown: RenderedMarkdown::default(),
        });
    }
    sections.sort_by(|a, b| a.dir.cmp(&b.dir));
    let section_by_dir: HashMap<String, usize> = sections
        .iter()
        .enumerate()
        .map(|(i, s)| (s.dir.clone(), i))
        .collect();
    let nearest_section = |mut dir: &str| -> usize {
        loop {
            if let Some(&index) = section_by_dir.get(dir) {
                return index;
            }
            dir = parent_dir(dir);
        }
    };
    for index in 1..sections.len() {
        let parent = nearest_section(parent_dir(&sections[index].dir));
        sections[index].parent = Some(parent);
        sections[parent].subsections.push(index);
    }

    // Pages. A page named `index.md` is a bundle: its folder holds its files.
    let mut pages: Vec<Page> = Vec::with_capacity(page_sources.len());
    for (source, front) in page_sources {
        let (dir, stem) = match source.path.strip_suffix("/index.md") {
            Some(folder) => (
                parent_dir(folder).to_owned(),
                folder.rsplit('/').next().unwrap_or(folder).to_owned(),
            ),
            None if source.path == "index.md" => {
                errors.push(
                    source
                        .error_at_offset(0, "`content/index.md` would replace the home page")
                        .with_help("name it `_index.md` to make it the home page's content"),
                );
                continue;
            }
            None => {
                let stem = source
                    .path
                    .rsplit('/')
                    .next()
                    .unwrap_or(&source.path)
                    .trim_end_matches(".md")
                    .to_owned();
                (parent_dir(&source.path).to_owned(), stem)
            }
        };
        let slug =
            match &front.slug {
                Some(slug) => {
                    let clean = slugify(slug);
                    if clean.is_empty() {
                        errors.push(source.error_at_key(
                            "slug",
                            format!("slug `{slug}` has no letters or digits"),
                        ));
                        continue;
                    }
                    clean
                }
                None => {
                    let clean = slugify(&stem);
                    if clean.is_empty() {
                        errors.push(
                            source
                                .error_at_offset(
                                    0,
                                    "this file name has no letters or digits to make a URL from",
                                )
                                .with_help("rename the file or set `slug` in its front matter"),
                        );
                        continue;
                    }
                    clean
                }
            };
        let parent_output = slug_dir(&dir);
        let output_dir = if parent_output.is_empty() {
            slug.clone()
        } else {
            format!("{parent_output}/{slug}")
        };
        pages.push(Page {
            url: url_for_dir(&base, &output_dir),
            output_dir,
            slug,
            section: nearest_section(&dir),
            terms: Vec::new(),
            source,
            front,
            markdown: RenderedMarkdown::default(),
        });
    }
    pages.sort_by(|a, b| a.source.path.cmp(&b.source.path));
    let bundles: HashMap<String, usize> = pages
        .iter()
        .enumerate()
        .filter_map(|(i, p)| {
            p.source
                .path
                .strip_suffix("/index.md")
                .map(|f| (f.to_owned(), i))
        })
        .collect();
    for (index, page) in pages.iter().enumerate() {
        sections[page.section].pages.push(index);
    }
    for section in &mut sections {
        sort_pages(&mut section.pages, &pages, section.front.sort_by);
        if section.front.sort_by == SortBy::Date && !section.dir.is_empty() {
            for &page in &section.pages {
                let source = &pages[page].source;
                if pages[page].front.date.is_none() {
                    errors.push(
                        source
                            .error_at_offset(0, "this page has no `date`, and its section sorts by date: it is listed after every dated page")
                            .with_help("add `date: YYYY-MM-DD`, or set `sort_by: weight` or `title` in the section's _index.md")
                            .warning(),
                    );
                }
            }
        }
    }
    let subsection_order: Vec<(Option<i64>, String)> = sections
        .iter()
        .map(|s| (s.front.weight, s.front.title.to_lowercase()))
        .collect();
    for section in &mut sections {
        section.subsections.sort_by(|&a, &b| {
            weight_key(subsection_order[a].0)
                .cmp(&weight_key(subsection_order[b].0))
                .then_with(|| subsection_order[a].1.cmp(&subsection_order[b].1))
        });
    }

    // Files beside content go next to their page (bundles) or under their folder's URL.
    let content_assets: Vec<(FileSource, String)> = content_assets
        .into_iter()
        .map(|asset| {
            let name = asset
                .rel
                .rsplit('/')
                .next()
                .unwrap_or(&asset.rel)
                .to_owned();
            let dir = parent_dir(&asset.rel);
            let mut bundle = dir;
            let output_dir = loop {
                if let Some(&page) = bundles.get(bundle) {
                    let rest = slug_dir(dir.strip_prefix(bundle).unwrap_or_default());
                    break [pages[page].output_dir.as_str(), rest.as_str()]
                        .iter()
                        .filter(|s| !s.is_empty())
                        .copied()
                        .collect::<Vec<_>>()
                        .join("/");
                }
                if bundle.is_empty() {
                    break slug_dir(dir);
                }
                bundle = parent_dir(bundle);
            };
            let output = if output_dir.is_empty() {
                name
            } else {
                format!("{output_dir}/{name}")
            };
            (asset, output)
        })
        .collect();

    let taxonomies = collect_taxonomies(&config, &base, &mut pages, &mut errors);
    let menu = resolve_menu(&config, &config_text, &base, &pages, &sections, &mut errors);
    let aliases = resolve_aliases(&base, &pages, &sections, &mut errors);

    let mut site = Site {
        config,
        base,
        pages,
        sections,
        taxonomies,
        content_assets,
        static_files,
        data,
        menu,
        aliases,
        graph,
        cachebust: true,
        warnings: Vec::new(),
    };
    render_markdown(&mut site, &failed_content, &mut errors);
    (site, errors)
}

fn weight_key(weight: Option<i64>) -> (bool, i64) {
    (weight.is_none(), weight.unwrap_or(0))
}

fn sort_pages(list: &mut [usize], pages: &[Page], sort_by: SortBy) {
    list.sort_by(|&a, &b| {
        let (pa, pb) = (&pages[a], &pages[b]);
        let order = match sort_by {
            SortBy::Date => match (&pa.front.date, &pb.front.date) {
                (Some(x), Some(y)) => y.cmp(x),
                (Some(_), None) => std::cmp::Ordering::Less,
                (None, Some(_)) => std::cmp::Ordering::Greater,
                (None, None) => std::cmp::Ordering::Equal,
            },
            SortBy::Weight => weight_key(pa.front.weight)
                .cmp(&weight_key(pb.front.weight))
                .then_with(|| {
                    pa.front
                        .title
                        .to_lowercase()
                        .cmp(&pb.front.title.to_lowercase())
                }),
            SortBy::Title => pa
                .front
                .title
                .to_lowercase()
                .cmp(&pb.front.title.to_lowercase()),
        };
        order.then_with(|| pa.source.path.cmp(&pb.source.path))
    });
}

fn collect_taxonomies(
    config: &SiteConfig,
    base: &BaseUrl,
    pages: &mut [Page],
    errors: &mut Vec<Diagnostic>,
) -> Vec<Taxonomy> {
    let mut taxonomies: Vec<Taxonomy> = config
        .taxonomies
        .iter()
        .map(|t| Taxonomy {
            config: t.clone(),
            url: url_for_dir(base, &t.name),
            output_dir: t.name.clone(),
            terms: Vec::new(),
        })
        .collect();
    let mut slugs: Vec<BTreeMap<String, (String, Vec<usize>)>> =
        vec![BTreeMap::new(); taxonomies.len()];
    for (index, page) in pages.iter().enumerate() {
        for (name, terms) in &page.front.taxonomies {
            let Some(t) = taxonomies.iter().position(|t| &t.config.name == name) else {
                let names: Vec<&str> = config.taxonomies.iter().map(|t| t.name.as_str()).collect();
                let help = match did_you_mean(name, names.iter().copied()) {
                    Some(best) => format!("did you mean `{best}`?"),
                    None if names.is_empty() => {
                        "declare it under `taxonomies` in site.yaml".to_owned()
                    }
                    None => format!("the taxonomies in site.yaml are: {}", names.join(", ")),
                };
                errors.push(
                    page.source
                        .error_at_text(&format!("{name}:"), format!("unknown taxonomy `{name}`"))
                        .with_help(help),
                );
                continue;
            };
            for term in terms {
                let slug = slugify(term);
                if slug.is_empty() {
                    errors.push(page.source.error_at_text(
                        term,
                        format!("term `{term}` has no letters or digits to make a URL from"),
                    ));
                    continue;
                }
                let entry = slugs[t]
                    .entry(slug)
                    .or_insert_with(|| (term.trim().to_owned(), Vec::new()));
                if entry.1.last() != Some(&index) {
                    entry.1.push(index);
                }
            }
        }
    }
    for (t, by_slug) in slugs.into_iter().enumerate() {
        let taxonomy = &mut taxonomies[t];
        for (slug, (name, mut members)) in by_slug {
            sort_pages(&mut members, pages, SortBy::Date);
            let output_dir = format!("{}/{}", taxonomy.output_dir, slug);
            taxonomy.terms.push(Term {
                name,
                slug,
                url: url_for_dir(base, &output_dir),
                output_dir,
                pages: members,
            });
        }
        taxonomy.terms.sort_by(|a, b| {
            a.name
                .to_lowercase()
                .cmp(&b.name.to_lowercase())
                .then_with(|| a.slug.cmp(&b.slug))
        });
        for (term_index, term) in taxonomy.terms.iter().enumerate() {
            for &page in &term.pages {
                pages[page].terms.push((t, term_index));
            }
        }
    }
    taxonomies
}

fn resolve_menu(
    config: &SiteConfig,
    config_text: &str,
    base: &BaseUrl,
    pages: &[Page],
    sections: &[Section],
    errors: &mut Vec<Diagnostic>,
) -> Vec<MenuEntry> {
    let mut entries = Vec::new();
    for item in &config.menu {
        let url = if let Some(path) = item.url.strip_prefix("@/") {
            let found = pages
                .iter()
                .find(|p| p.source.path == path)
                .map(|p| p.url.clone())
                .or_else(|| {
                    sections
                        .iter()
                        .find(|s| section_path(&s.dir) == path)
                        .map(|s| s.url.clone())
                });
            match found {
                Some(url) => url,
                None => {
                    let (line, col) = yaml::text_position(config_text, &item.url).unwrap_or((0, 0));
                    let message = format!(
                        "menu entry `{}` links to `{}`: there is no content file content/{path}",
                        item.name, item.url
                    );
                    errors.push(Diagnostic::error_at(
                        CONFIG_FILE,
                        config_text,
                        line,
                        col,
                        message,
                    ));
                    continue;
                }
            }
        } else if item.url.starts_with('/') && !item.url.starts_with("//") {
            format!("{}{}", base.path, item.url)
        } else {
            item.url.clone()
        };
        entries.push(MenuEntry {
            name: item.name.clone(),
            url,
        });
    }
    entries
}

/// `/old/path/` -> `old/path/index.html`; `/old.html` -> `old.html`; `None` for unsafe paths.
pub(crate) fn alias_output(alias: &str) -> Option<String> {
    let trimmed = alias.trim().trim_start_matches('/');
    let segments: Vec<&str> = trimmed.trim_end_matches('/').split('/').collect();
    if segments
        .iter()
        .any(|s| s.is_empty() || *s == "." || *s == ".." || s.contains(['\\', '?', '#']))
    {
        return None;
    }
    let joined = segments.join("/");
    Some(if joined.ends_with(".html") && !trimmed.ends_with('/') {
        joined
    } else {
        format!("{joined}/index.html")
    })
}

fn resolve_aliases(
    base: &BaseUrl,
    pages: &[Page],
    sections: &[Section],
    errors: &mut Vec<Diagnostic>,
) -> Vec<Alias> {
    let mut aliases = Vec::new();
    let owners = pages
        .iter()
        .enumerate()
        .map(|(i, p)| {
            (
                AliasOwner::Page(i),
                &p.front.aliases,
                Some(&p.source),
                &p.url,
            )
        })
        .chain(sections.iter().enumerate().map(|(i, s)| {
            (
                AliasOwner::Section(i),
                &s.front.aliases,
                s.source.as_ref(),
                &s.url,
            )
        }));
    for (owner, list, source, url) in owners {
        for alias in list {
            match (alias_output(alias), source) {
                (Some(output_path), _) => aliases.push(Alias {
                    output_path,
                    target_url: base.permalink(url),
                    page: owner,
                }),
                (None, Some(source)) => errors.push(
                    alias_error(
                        source,
                        alias,
                        format!("alias `{alias}` is not a plain path on this site"),
                    )
                    .with_help("write it like /old/address/"),
                ),
                (None, None) => {}
            }
        }
    }
    aliases
}

/// An error at the alias `written` in the front matter of `source`; at the `aliases` key when the
/// text of the file spells it differently (with YAML escapes).
pub(crate) fn alias_error(source: &ContentSource, written: &str, message: String) -> Diagnostic {
    if source.front_matter().contains(written) {
        source.error_at_text(written, message)
    } else {
        source.error_at_key("aliases", message)
    }
}

/// The URL of every content file and of every file copied from `content/`, by path inside
/// `content/`: what Markdown links resolve against.
pub fn link_target_urls(site: &Site) -> (HashMap<String, String>, HashMap<String, String>) {
    let mut content_urls: HashMap<String, String> = site
        .pages
        .iter()
        .map(|p| (p.source.path.clone(), p.url.clone()))
        .collect();
    content_urls.extend(
        site.sections
            .iter()
            .filter(|s| s.source.is_some())
            .map(|s| (section_path(&s.dir), s.url.clone())),
    );
    let asset_urls = site
        .content_assets
        .iter()
        .map(|(asset, output)| (asset.rel.clone(), format!("{}/{}", site.base.path, output)))
        .collect();
    (content_urls, asset_urls)
}

/// Renders every content file's Markdown in parallel, then checks the anchors links point at.
fn render_markdown(
    site: &mut Site,
    failed: &std::collections::HashSet<String>,
    errors: &mut Vec<Diagnostic>,
) {
    let (content_urls, asset_urls) = link_target_urls(site);
    let targets = LinkTargets {
        content: &content_urls,
        assets: &asset_urls,
        failed,
        base_path: &site.base.path,
    };
    site.pages
        .par_iter_mut()
        .for_each(|page| page.markdown = markdown::render(&page.source, &targets));
    site.sections.par_iter_mut().for_each(|section| {
        if let Some(source) = &section.source {
            section.markdown = markdown::render(source, &targets);
        }
    });
    let anchors_of = |path: &str| -> Option<&std::collections::HashSet<String>> {
        site.page_by_path(path)
            .map(|p| &p.markdown.anchors)
            .or_else(|| site.section_by_path(path).map(|s| &s.markdown.anchors))
    };
    let documents = site.pages.iter().map(|p| (&p.source, &p.markdown)).chain(
        site.sections
            .iter()
            .filter_map(|s| s.source.as_ref().map(|src| (src, &s.markdown))),
    );
    for (source, rendered) in documents {
        errors.extend(rendered.diagnostics.iter().cloned());
        for link in &rendered.anchor_links {
            let Some(anchors) = anchors_of(&link.target) else {
                continue;
            };
            if !anchors.contains(&link.anchor) {
                let mut d = source.error_at_offset(
                    link.offset,
                    format!(
                        "link to `#{}` in content/{}: there is no such heading",
                        link.anchor, link.target
                    ),
                );
                let mut sorted: Vec<&str> = anchors.iter().map(String::as_str).collect();
                sorted.sort_unstable();
                d.help = did_you_mean(&link.anchor, sorted.iter().copied())
                    .map(|best| format!("did you mean `#{best}`?"))
                    .or_else(|| {
                        (!sorted.is_empty()).then(|| {
                            format!(
                                "the anchors there are: {}",
                                sorted
                                    .iter()
                                    .map(|a| format!("#{a}"))
                                    .collect::<Vec<_>>()
                                    .join(", ")
                            )
                        })
                    });
                errors.push(d);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn aliases_stay_inside_the_site() {
        assert_eq!(
            alias_output("/old/path/").as_deref(),
            Some("old/path/index.html")
        );
        assert_eq!(alias_output("/old.html").as_deref(), Some("old.html"));
        assert_eq!(alias_output("/../etc/passwd"), None);
        assert_eq!(alias_output("/a//b"), None);
    }

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
