//! The section tree: sections by folder (the root always exists), pages with their slugs and
//! output folders (a page named `index.md` is a bundle whose folder holds its files), the order
//! of every section's pages and subsections, and where files beside content are written; and
//! the URLs of what a build leaves out (drafts, pages outside their publication window), so
//! that a preview can say why they are missing.

use super::{EntityKind, Page, Section, Withheld, parent_dir, slug_dir, url_for_dir};
use crate::config::BaseUrl;
use crate::diagnostics::Diagnostic;
use crate::markdown::{RenderedMarkdown, slugify};
use crate::source::content::{ContentSource, PageFrontMatter, SectionFrontMatter, SortBy};
use crate::source::data::WithheldEntity;
use crate::source::publication::Publication;
use crate::source::{FileSource, WithheldContent};
use std::collections::HashMap;

/// Sections by folder, sorted, each with its parent and subsections; the root (`sections[0]`)
/// is made with the site's title when there is no `content/_index.md`.
pub(super) fn sections(
    sources: Vec<(ContentSource, SectionFrontMatter)>,
    site_title: &str,
    base: &BaseUrl,
) -> Vec<Section> {
    let section = |source: Option<ContentSource>, front: SectionFrontMatter, dir: String| {
        let output_dir = slug_dir(&dir);
        Section {
            url: url_for_dir(base, &output_dir),
            output_dir,
            dir,
            source,
            front,
            parent: None,
            pages: Vec::new(),
            subsections: Vec::new(),
            markdown: RenderedMarkdown::default(),
        }
    };
    let mut sections: Vec<Section> = sources
        .into_iter()
        .map(|(source, front)| {
            let dir = parent_dir(&source.path).to_owned();
            section(Some(source), front, dir)
        })
        .collect();
    if !sections.iter().any(|s| s.dir.is_empty()) {
        let front = SectionFrontMatter {
            title: site_title.to_owned(),
            description: None,
            sort_by: SortBy::Date,
            weight: None,
            template: None,
            page_template: None,
            draft: false,
            aliases: Vec::new(),
            feed: false,
            paginate_by: None,
            sources: Vec::new(),
            extra: Default::default(),
        };
        sections.push(section(None, front, String::new()));
    }
    sections.sort_by(|a, b| a.dir.cmp(&b.dir));
    let by_dir = SectionsByDir::new(&sections);
    for index in 1..sections.len() {
        let parent = by_dir.nearest(parent_dir(&sections[index].dir));
        sections[index].parent = Some(parent);
        sections[parent].subsections.push(index);
    }
    sections
}

/// Finds the section that holds a folder: its own, or the nearest above it.
struct SectionsByDir(HashMap<String, usize>);

impl SectionsByDir {
    fn new(sections: &[Section]) -> SectionsByDir {
        SectionsByDir(
            sections
                .iter()
                .enumerate()
                .map(|(i, s)| (s.dir.clone(), i))
                .collect(),
        )
    }

    fn nearest(&self, mut dir: &str) -> usize {
        loop {
            if let Some(&index) = self.0.get(dir) {
                return index;
            }
            if dir.is_empty() {
                return 0;
            }
            dir = parent_dir(dir);
        }
    }
}

/// Pages sorted by source path, each in the section of its folder; every section's pages and
/// subsections put in the section's order.
pub(super) fn pages(
    sources: Vec<(ContentSource, std::sync::Arc<PageFrontMatter>, Publication)>,
    base: &BaseUrl,
    sections: &mut [Section],
    errors: &mut Vec<Diagnostic>,
) -> Vec<Page> {
    let by_dir = SectionsByDir::new(sections);
    let mut pages: Vec<Page> = Vec::with_capacity(sources.len());
    for (source, front, publication) in sources {
        let Some((dir, slug)) = folder_and_slug(&source, &front, errors) else {
            continue;
        };
        let output_dir = page_output_dir(&dir, &slug);
        pages.push(Page {
            publication,
            url: url_for_dir(base, &output_dir),
            output_dir,
            slug,
            section: by_dir.nearest(&dir),
            terms: Vec::new(),
            source,
            front,
            markdown: RenderedMarkdown::default(),
        });
    }
    pages.sort_by(|a, b| a.source.path.cmp(&b.source.path));
    for (index, page) in pages.iter().enumerate() {
        sections[page.section].pages.push(index);
    }
    order_sections(sections, &pages, errors);
    pages
}

fn page_output_dir(dir: &str, slug: &str) -> String {
    let parent_output = slug_dir(dir);
    if parent_output.is_empty() {
        slug.to_owned()
    } else {
        format!("{parent_output}/{slug}")
    }
}

/// Where the pages, sections and entities a build leaves out would be, and why they are not.
pub(super) fn withheld(
    content: Vec<WithheldContent>,
    entities: &[WithheldEntity],
    base: &BaseUrl,
) -> Vec<Withheld> {
    let mut withheld: Vec<Withheld> = content
        .into_iter()
        .filter_map(|item| {
            let output_dir = match &item.page {
                Some(front) => {
                    let (dir, slug) = folder_and_slug(&item.source, front, &mut Vec::new())?;
                    page_output_dir(&dir, &slug)
                }
                None => slug_dir(parent_dir(&item.source.path)),
            };
            Some(Withheld {
                url: url_for_dir(base, &output_dir),
                file: item.source.file,
                publication: item.publication,
            })
        })
        .collect();
    withheld.extend(entities.iter().filter_map(|entity| {
        let kind = EntityKind::of_folder(entity.folder)?;
        Some(Withheld {
            url: url_for_dir(base, &format!("{}/{}", kind.dir(), entity.id)),
            file: entity.file.clone(),
            publication: entity.publication,
        })
    }));
    withheld.sort_by(|a, b| a.url.cmp(&b.url));
    withheld
}

/// The folder a page sits in and its slug; `None` (with an error) when it can have no URL.
fn folder_and_slug(
    source: &ContentSource,
    front: &PageFrontMatter,
    errors: &mut Vec<Diagnostic>,
) -> Option<(String, String)> {
    let (dir, stem) = match source.path.strip_suffix("/index.md") {
        Some(folder) => (
            parent_dir(folder).to_owned(),
            folder.rsplit('/').next().unwrap_or(folder),
        ),
        None if source.path == "index.md" => {
            errors.push(
                source
                    .error_at_offset(0, "`content/index.md` would replace the home page")
                    .with_help("name it `_index.md` to make it the home page's content"),
            );
            return None;
        }
        None => {
            let name = source.path.rsplit('/').next().unwrap_or(&source.path);
            (
                parent_dir(&source.path).to_owned(),
                name.trim_end_matches(".md"),
            )
        }
    };
    let slug = match &front.slug {
        Some(slug) => {
            let clean = slugify(slug);
            if clean.is_empty() {
                let message = format!("slug `{slug}` has no letters or digits");
                errors.push(source.error_at_key("slug", message));
                return None;
            }
            clean
        }
        None => {
            let clean = slugify(stem);
            if clean.is_empty() {
                errors.push(
                    source
                        .error_at_offset(
                            0,
                            "this file name has no letters or digits to make a URL from",
                        )
                        .with_help("rename the file or set `slug` in its front matter"),
                );
                return None;
            }
            clean
        }
    };
    Some((dir, slug))
}

/// Sorts every section's pages by its `sort_by` (warning about undated pages in a section
/// sorted by date) and its subsections by weight, then title.
fn order_sections(sections: &mut [Section], pages: &[Page], errors: &mut Vec<Diagnostic>) {
    for section in sections.iter_mut() {
        sort_pages(&mut section.pages, pages, section.front.sort_by);
        if section.front.sort_by == SortBy::Date && !section.dir.is_empty() {
            for &page in &section.pages {
                if pages[page].front.date.is_none() {
                    errors.push(
                        pages[page].source
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
    for section in sections.iter_mut() {
        section.subsections.sort_by(|&a, &b| {
            weight_key(subsection_order[a].0)
                .cmp(&weight_key(subsection_order[b].0))
                .then_with(|| subsection_order[a].1.cmp(&subsection_order[b].1))
        });
    }
}

/// Where each file beside content is written: next to its page (bundles) or under its
/// folder's URL.
pub(super) fn content_assets(assets: Vec<FileSource>, pages: &[Page]) -> Vec<(FileSource, String)> {
    let bundles: HashMap<&str, usize> = pages
        .iter()
        .enumerate()
        .filter_map(|(i, p)| p.source.path.strip_suffix("/index.md").map(|f| (f, i)))
        .collect();
    assets
        .into_iter()
        .map(|asset| {
            let name = asset.rel.rsplit('/').next().unwrap_or(&asset.rel);
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
                name.to_owned()
            } else {
                format!("{output_dir}/{name}")
            };
            (asset, output)
        })
        .collect()
}

fn weight_key(weight: Option<i64>) -> (bool, i64) {
    (weight.is_none(), weight.unwrap_or(0))
}

/// Sorts page indices: by date (newest first, undated last), weight or title; then by path.
pub(crate) fn sort_pages(list: &mut [usize], pages: &[Page], sort_by: SortBy) {
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
