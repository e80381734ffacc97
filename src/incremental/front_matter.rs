//! The front-matter fast path: a page's front matter changed (its title, date, description,
//! weight, summary, terms, `extra`...) while its address, template, aliases and publication
//! stay as they were, so the output plan stays as it is.
//!
//! [`edit`] runs the phases, one function each: [`read_edit`] re-reads the page with the checks
//! of a full load (a translation's with its original's, whose date, weight, template and terms
//! it inherits) and keeps it only when its place in the plan is unchanged; [`commit_front`] puts
//! the new front matter in the site, sorts the section's pages again when a sort key changed and
//! collects the taxonomy terms again when the page's terms changed (a term that appears,
//! disappears or is renamed, or a paginated list whose number of pages changes, changes the
//! plan: the full path); the body path's phases ([`super::bodies`]) then render the page's
//! Markdown, check its links and make its value and the lists' values again, telling every field
//! that changed; [`select_outputs`] picks, besides what the body path picks for those fields, the
//! outputs of the lists whose order or members changed, and the files made without a template
//! that show a changed field: the feed of its section, the sitemap (dates), the search index
//! (title, description, summary, terms, date) and the redirect pages of its aliases (title).

use super::bodies::{self, ChangedFields, Doc, Reach};
use super::fast_render::{self, Edited, PublishFirst, reads_of};
use super::{Fallback, Selected, fall};
use crate::Prepared;
use crate::plan::{OutputOwner, PagedList};
use crate::render::reads::TemplateReads;
use crate::site::{AliasOwner, LinkUrls, Site, sort_pages, taxonomies};
use crate::source::content::{self, ContentSource, PageFrontMatter, SortBy};
use crate::source::files::SiteRoot;
use std::collections::{BTreeSet, HashMap, HashSet};
use std::path::Path;

/// Fields of a page that its section's feed carries.
const FEED_FIELDS: [&str; 6] = [
    "title",
    "date",
    "updated",
    "description",
    "summary",
    "content",
];
/// Fields of a page that the search index holds.
const SEARCH_FIELDS: [&str; 5] = ["title", "date", "description", "summary", "taxonomies"];

/// A page whose front matter changed, read again.
pub(super) struct FrontEdit {
    index: usize,
    source: ContentSource,
    /// As the page's language shows it (a translation's, with what it inherits).
    front: PageFrontMatter,
}

/// The lists whose order or members a front-matter edit changed.
#[derive(Default)]
pub(super) struct ChangedLists {
    /// Sections whose pages are in a new order.
    sections: BTreeSet<usize>,
    /// Terms whose pages are in a new order.
    reordered_terms: BTreeSet<(usize, usize)>,
    /// Terms that gained or lost the page.
    regrouped_terms: BTreeSet<(usize, usize)>,
}

/// The front-matter path on `language` for the page at `path` (its original's path inside
/// `content/`), into `edited`; with `first`, the page's own output is published ahead of the rest.
pub(super) fn edit(
    language: &mut Prepared,
    link_urls: &LinkUrls,
    root: &SiteRoot,
    path: &str,
    minify: bool,
    first: Option<PublishFirst<'_, '_>>,
    edited: &mut Edited,
) -> Result<(), Fallback> {
    let front_edit = read_edit(&language.site, root, path)?;
    let (index, source) = (front_edit.index, front_edit.source.clone());
    let lists = commit_front(&mut language.site, front_edit)?;
    let rendered = bodies::render_edits(language, link_urls, vec![(Doc::Page(index), source)])?;
    bodies::check_anchors(&language.site, &language.plan, &rendered)?;
    let terms: BTreeSet<(usize, usize)> = (lists.regrouped_terms.iter())
        .chain(&lists.reordered_terms)
        .copied()
        .collect();
    let fields = bodies::commit_edits(language, rendered, &terms)?;
    let selected = select_outputs(language, &fields, index, &lists);
    fast_render::render_selected(language, &selected, minify, first, |_| false, edited)?;
    Ok(())
}

/// Whether the front matter of the content file `rel` (inside `content/`) differs from the one
/// the last build read, in whichever language shows it; `false` for a file the build did not
/// read (a new one), which the body path reports.
pub(super) fn changed(last: &Prepared, root: &SiteRoot, rel: &str) -> Result<bool, Fallback> {
    let file = Path::new("content").join(rel);
    let old = last.languages().find_map(|language| {
        let site = &language.site;
        let pages = site.pages.iter().map(|p| &p.source);
        let mut sources = pages.chain(site.sections.iter().filter_map(|s| s.source.as_ref()));
        sources.find(|source| source.file == file)
    });
    let Some(old) = old else {
        return Ok(false);
    };
    let source = read_source(root, &old.path, &file)?;
    Ok(source.front_matter() != old.front_matter())
}

/// Reads the file `file` of the page at `path`.
fn read_source(root: &SiteRoot, path: &str, file: &Path) -> Result<ContentSource, Fallback> {
    let shown = file.display();
    let bytes = root
        .read(file)
        .map_err(|_| fall(format!("{shown} was deleted or could not be read")))?;
    content::split(path.to_owned(), file.to_path_buf(), bytes)
        .map_err(|_| fall(format!("{shown} has a problem a full build reports")))
}

/// Reads and parses `file` as the page at `path`, as a full load does.
fn read_page(
    root: &SiteRoot,
    path: &str,
    file: &Path,
) -> Result<(ContentSource, PageFrontMatter), Fallback> {
    let source = read_source(root, path, file)?;
    let shown = file.display();
    match source.parse_front_matter::<PageFrontMatter>() {
        Ok((front, warnings)) if warnings.is_empty() => Ok((source, front)),
        Ok(_) => Err(fall(format!("{shown} has a warning a full build reports"))),
        Err(_) => Err(fall(format!("{shown} has a problem a full build reports"))),
    }
}

/// Reads the page at `path` again; it must keep its address, template, aliases and publication.
pub(super) fn read_edit(site: &Site, root: &SiteRoot, path: &str) -> Result<FrontEdit, Fallback> {
    let Ok(index) = site
        .pages
        .binary_search_by(|p| p.source.path.as_str().cmp(path))
    else {
        return Err(match site.section_by_path(path) {
            Some(_) => fall(format!(
                "the front matter of the section content/{path} changed"
            )),
            None => fall(format!("content/{path} is new or was deleted")),
        });
    };
    let page = &site.pages[index];
    let original_file = Path::new("content").join(path);
    let (source, own) = read_page(root, path, &page.source.file)?;
    let (front, original) = if page.source.file == original_file {
        (own.clone(), own)
    } else {
        let (_, original) = read_page(root, path, &original_file)?;
        let front = crate::source::languages::inherit_page(&own, &original);
        (front, original)
    };
    let old = &page.front;
    let shown = page.source.file.display();
    let moved = if front.slug != old.slug {
        Some("slug")
    } else if front.template != old.template {
        Some("template")
    } else if front.aliases != old.aliases {
        Some("aliases")
    } else if front.draft != old.draft
        || front.window() != old.window()
        || original.window().publication(original.draft, site.today) != page.publication
    {
        Some("publication")
    } else {
        None
    };
    if let Some(what) = moved {
        return Err(fall(format!("the {what} of {shown} changed")));
    }
    let section = &site.sections[page.section];
    let warned = |front: &PageFrontMatter| {
        front.date.is_none() && section.front.sort_by == SortBy::Date && !section.dir.is_empty()
    };
    if warned(&front) != warned(old) {
        return Err(fall(format!(
            "{shown} gained or lost the date its section sorts by"
        )));
    }
    Ok(FrontEdit {
        index,
        source,
        front,
    })
}

/// Puts the new front matter in `site`, sorting the page's section and its terms again when a
/// sort key changed and collecting the terms again when they changed; returns the lists whose
/// order or members changed.
pub(super) fn commit_front(site: &mut Site, edit: FrontEdit) -> Result<ChangedLists, Fallback> {
    let FrontEdit {
        index,
        source,
        front,
    } = edit;
    let shown = source.file.display().to_string();
    let page = &mut site.pages[index];
    page.source = source;
    let old = std::mem::replace(&mut page.front, front.into());
    let new = &site.pages[index].front;
    let (dated, sorted) = (
        old.date != new.date,
        old.date != new.date || old.weight != new.weight || old.title != new.title,
    );
    let regroup = old.taxonomies != new.taxonomies;
    let mut lists = ChangedLists::default();
    if sorted {
        let section = site.pages[index].section;
        let mut order = site.sections[section].pages.clone();
        sort_pages(
            &mut order,
            &site.pages,
            site.sections[section].front.sort_by,
        );
        if order != site.sections[section].pages {
            site.sections[section].pages = order;
            lists.sections.insert(section);
        }
    }
    if regroup {
        lists.regrouped_terms = regroup_terms(site, &shown)?;
    }
    if dated {
        for (t, i) in site.pages[index].terms.clone() {
            let mut order = site.taxonomies[t].terms[i].pages.clone();
            sort_pages(&mut order, &site.pages, SortBy::Date);
            if order != site.taxonomies[t].terms[i].pages {
                site.taxonomies[t].terms[i].pages = order;
                lists.reordered_terms.insert((t, i));
            }
        }
    }
    Ok(lists)
}

/// A term before the terms are collected again: its slug, name, pages and number of list pages.
type TermBefore = (String, String, Vec<usize>, usize);

/// Collects the terms again after the page `shown` changed its own; returns the terms whose
/// pages changed. Falls back when a term appears, disappears or is renamed, or a paginated term
/// gets another number of pages (the plan changes).
fn regroup_terms(site: &mut Site, shown: &str) -> Result<BTreeSet<(usize, usize)>, Fallback> {
    let before: Vec<Vec<TermBefore>> = (0..site.taxonomies.len())
        .map(|t| {
            let terms = site.taxonomies[t].terms.iter().enumerate();
            terms
                .map(|(i, term)| {
                    let count = PagedList::Term(t, i).page_count(site);
                    (
                        term.slug.clone(),
                        term.name.clone(),
                        term.pages.clone(),
                        count,
                    )
                })
                .collect()
        })
        .collect();
    if !taxonomies::recollect(site).is_empty() {
        return Err(fall(format!("{shown} has a problem a full build reports")));
    }
    let mut regrouped = BTreeSet::new();
    for (t, old_terms) in before.iter().enumerate() {
        let terms = &site.taxonomies[t].terms;
        if terms.len() != old_terms.len() {
            return Err(fall(format!("{shown} adds or removes a taxonomy term")));
        }
        for (i, (slug, name, pages, count)) in old_terms.iter().enumerate() {
            if (&terms[i].slug, &terms[i].name) != (slug, name) {
                return Err(fall(format!(
                    "{shown} adds, removes or renames a taxonomy term"
                )));
            }
            if PagedList::Term(t, i).page_count(site) != *count {
                return Err(fall(format!(
                    "{shown} changes the number of pages of {}",
                    terms[i].url
                )));
            }
            if &terms[i].pages != pages {
                regrouped.insert((t, i));
            }
        }
    }
    Ok(regrouped)
}

/// The outputs that show a changed field of page `index` or a list whose order or members
/// changed, each with why; the page's own output is first.
pub(super) fn select_outputs<'p>(
    last: &'p Prepared,
    fields: &ChangedFields,
    index: usize,
    lists: &ChangedLists,
) -> Vec<Selected<'p>> {
    let site = &last.site;
    let mut selected = bodies::select_outputs(last, fields);
    for own in selected.iter_mut().filter(|s| s.own) {
        own.reason = "its front matter".to_owned();
    }
    let shown: HashSet<&str> = selected.iter().map(|s| s.output.path.as_str()).collect();
    let page = &site.pages[index];
    let url = page.url.as_str();
    let no_fields = BTreeSet::new();
    let changed = fields.get(&Doc::Page(index)).unwrap_or(&no_fields);
    let any = |names: &[&str]| names.iter().any(|name| changed.contains(name));
    let reach = (
        list_reach(site, &lists.sections, &lists.reordered_terms),
        list_reach(site, &BTreeSet::new(), &lists.regrouped_terms),
    );
    let lists_changed = !(lists.sections.is_empty()
        && lists.reordered_terms.is_empty()
        && lists.regrouped_terms.is_empty());
    let mut reads: HashMap<&str, TemplateReads> = HashMap::new();
    let mut more = Vec::new();
    for output in &last.plan.outputs {
        if shown.contains(output.path.as_str()) {
            continue;
        }
        let reason = match output.owner {
            OutputOwner::Feed(s) if s == page.section => {
                (any(&FEED_FIELDS) || lists.sections.contains(&s)).then(|| format!("carries {url}"))
            }
            OutputOwner::Sitemap => any(&["date", "updated"]).then(|| format!("dates {url}")),
            OutputOwner::SearchIndex => any(&SEARCH_FIELDS).then(|| format!("lists {url}")),
            OutputOwner::Alias(a) => (any(&["title"])
                && matches!(site.aliases[a].page, AliasOwner::Page(p) if p == index))
            .then(|| format!("redirects to {url}")),
            owner if lists_changed => {
                let template = output.template.as_deref();
                template.and_then(|t| {
                    let reads = reads_of(&mut reads, last, t);
                    list_reason(lists, &reach, reads, owner, site, url)
                })
            }
            _ => None,
        };
        if let Some(reason) = reason {
            more.push(Selected {
                output,
                reason,
                own: false,
            });
        }
    }
    selected.extend(more);
    selected
}

/// Why an output of `owner` whose template `reads` so is rendered again when `lists` changed
/// (`reach`: where the reordered lists are shown, and where the regrouped ones): it is given, or
/// reaches, a term that gained or lost the page, or a list in a new order whose pages it shows.
fn list_reason(
    lists: &ChangedLists,
    (reordered, regrouped): &(Reach, Reach),
    reads: &TemplateReads,
    owner: OutputOwner,
    site: &Site,
    url: &str,
) -> Option<String> {
    let owner = owner.shown();
    if regrouped.holds(site, owner) || (reads.reaches_any_page && !lists.regrouped_terms.is_empty())
    {
        return Some(format!("lists {url} among its pages, or no longer"));
    }
    let shows_order = reads.reads_whole_values || reads.shown_names.contains("pages");
    let reordered_any = !(lists.sections.is_empty() && lists.reordered_terms.is_empty());
    let holds = reordered.holds(site, owner) || reads.reaches_any_page;
    (shows_order && reordered_any && holds).then(|| format!("lists {url} in a new order"))
}

/// Where the lists `sections` (with their ancestors, which hold them) and `terms` are shown.
fn list_reach(site: &Site, sections: &BTreeSet<usize>, terms: &BTreeSet<(usize, usize)>) -> Reach {
    Reach {
        sections: sections
            .iter()
            .flat_map(|&s| bodies::ancestors(site, s))
            .collect(),
        terms: terms.iter().copied().collect(),
        taxonomies: terms.iter().map(|&(t, _)| t).collect(),
    }
}
