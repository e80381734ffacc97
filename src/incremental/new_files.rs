//! The new-and-deleted-page fast path: one Markdown page appeared in, or disappeared from, a
//! section that exists. In a site with several languages the page is an original, which every
//! language shows (the further ones as a fallback until it is translated); a new or deleted
//! translation takes the full path.
//!
//! [`added_or_deleted`] tells such a save from an edit. [`edit`] runs the phases, one function
//! each: [`check_file`] falls back for what the plan cannot take locally (a section's index, a
//! page bundle, a new section, a draft); [`prepare_again`] loads and plans the site again with
//! the full pipeline's checks (a link to a deleted page, an address taken twice: the full path,
//! which reports them); then in each language ([`edit_language`]) [`check_plan`] keeps the new
//! plan only when it differs from the last one by the page's own outputs alone (a new taxonomy term, a list that gains or loses a page of its
//! own, a picture or aliases fall back); [`select_outputs`] picks the page's own output and every
//! output that lists the page among its members, as the front-matter path does for a page that
//! joins or leaves a list: its section and their ancestors' list pages, its terms, the feeds of
//! those sections, the sitemap, the search index and the outputs whose templates reach any page.
//! The outputs not selected keep the bytes of the last build; a deleted page's outputs are
//! removed.

use super::bodies::{self, Reach};
use super::fast_render::{self, Edited, PublishFirst, reads_of};
use super::{Fallback, Selected, fall};
use crate::plan::{OutputOwner, OutputPlan};
use crate::site::Site;
use crate::source::files::SiteRoot;
use crate::source::languages::split_language;
use crate::{BuildOptions, Prepared, prepare};
use std::collections::{BTreeSet, HashMap};
use std::path::Path;

/// A page file that appeared or disappeared.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Change {
    Added,
    Deleted,
}

/// Whether the one content file `bodies` holds is a new page or a deleted one; `None` for an
/// edit of a file the last build read (or several files, which the other paths take).
pub(super) fn added_or_deleted(
    last: &Prepared,
    root: &SiteRoot,
    bodies: &[String],
) -> Option<(String, Change)> {
    let [rel] = bodies else { return None };
    let file = Path::new("content").join(rel);
    let exists = root.path().join(&file).symlink_metadata().is_ok();
    // In whichever language reads it: a translation is the page of its original's path
    // there, read from its own file. Pages are found by path, not by reading them all, as
    // this runs on every save of one page.
    let original = split_language(rel).map(|(original, _)| original);
    let paths: Vec<&str> = std::iter::once(rel.as_str())
        .chain(original.as_deref())
        .collect();
    let known = last.languages().any(|language| {
        let site = &language.site;
        let mut sections = site.sections.iter().filter_map(|s| s.source.as_ref());
        let mut pages = paths.iter().filter_map(|path| site.page_by_path(path));
        pages.any(|p| p.source.file == file)
            || sections.any(|source| source.file == file)
            || site.withheld.iter().any(|w| w.file == file)
    });
    match (known, exists) {
        (false, true) => Some((rel.clone(), Change::Added)),
        (true, false) => Some((rel.clone(), Change::Deleted)),
        _ => None,
    }
}

/// The new-or-deleted-page path for `rel` (inside `content/`): replaces `last` by the site
/// prepared again and puts into `edited` the outputs that show the page in each language, its
/// own first.
pub(super) fn edit(
    last: &mut Prepared,
    options: &BuildOptions,
    (rel, change): (&str, Change),
    mut first: Option<PublishFirst<'_, '_>>,
    edited: &mut Edited,
) -> Result<(), Fallback> {
    if !last.further.is_empty() && split_language(rel).is_some() {
        return Err(fall(format!(
            "content/{rel}, a translation, is new or was deleted"
        )));
    }
    check_file(&last.site, rel, change)?;
    let next = prepare_again(options, rel, change)?;
    if next.further.len() != last.further.len() {
        return Err(fall("the site's languages changed"));
    }
    let mut removed = Vec::new();
    for (old, new) in last.languages().zip(next.languages()) {
        let language = (old, new, options.minify);
        removed.extend(edit_language(
            language,
            (rel, change),
            first.take(),
            edited,
        )?);
    }
    edited.removed = removed;
    *last = next;
    Ok(())
}

/// The page `rel` new in, or deleted from, one language (`last` before, `next` after): renders
/// the outputs of `next` that show it and returns the paths of the outputs `next` no longer has.
fn edit_language(
    (last, next, minify): (&Prepared, &Prepared, bool),
    (rel, change): (&str, Change),
    first: Option<PublishFirst<'_, '_>>,
    edited: &mut Edited,
) -> Result<Vec<String>, Fallback> {
    let (with_page, page) = match change {
        Change::Added => (&next.site, page_index(&next.site, rel)),
        Change::Deleted => (&last.site, page_index(&last.site, rel)),
    };
    let page = page.ok_or_else(|| {
        fall(format!(
            "content/{rel} is a draft or outside its publication window"
        ))
    })?;
    if !with_page.pages[page].front.aliases.is_empty() {
        return Err(fall(format!("content/{rel} has aliases")));
    }
    check_plan(&last.site, &last.plan, &next.site, &next.plan, rel, change)?;
    let reach = Reach {
        sections: bodies::ancestors(with_page, with_page.pages[page].section)
            .into_iter()
            .collect(),
        terms: with_page.pages[page].terms.iter().copied().collect(),
        taxonomies: with_page.pages[page]
            .terms
            .iter()
            .map(|&(t, _)| t)
            .collect(),
    };
    let url = with_page.pages[page].url.clone();
    let own = (change == Change::Added).then_some(page);
    let selected = select_outputs(next, &reach, own, &url);
    fast_render::render_selected(next, &selected, minify, first, |_| false, edited)?;
    let kept: BTreeSet<&str> = next.plan.outputs.iter().map(|o| o.path.as_str()).collect();
    Ok((last.plan.outputs.iter())
        .filter(|o| !kept.contains(o.path.as_str()))
        .map(|o| o.path.clone())
        .collect())
}

/// Falls back for a file whose appearance or removal changes more than one page: a section's
/// index, a page bundle, a page in a section that does not exist yet.
fn check_file(site: &Site, rel: &str, change: Change) -> Result<(), Fallback> {
    let path = Path::new(rel);
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or(rel);
    if name == "_index.md" || name.starts_with("_index.") {
        return Err(fall(format!(
            "content/{rel}, the index of a section, is new or was deleted"
        )));
    }
    if name == "index.md" || name.starts_with("index.") {
        return Err(fall(format!(
            "content/{rel} is a page bundle (a folder with its files)"
        )));
    }
    let dir = path
        .parent()
        .and_then(|d| d.to_str())
        .unwrap_or("")
        .replace('\\', "/");
    if change == Change::Added && !site.sections.iter().any(|s| s.dir == dir) {
        return Err(fall(format!("content/{rel} starts a new section")));
    }
    Ok(())
}

/// Loads, resolves and plans the site again, as a full build does.
fn prepare_again(options: &BuildOptions, rel: &str, change: Change) -> Result<Prepared, Fallback> {
    prepare(options).map_err(|_| {
        fall(match change {
            Change::Added => format!(
                "a full build reports a problem with the new content/{rel} (an address already taken, a broken link...)"
            ),
            Change::Deleted => format!(
                "a full build reports a problem now that content/{rel} was deleted (a link to it...)"
            ),
        })
    })
}

/// The index of the page at `rel` in `site`, if it is published.
fn page_index(site: &Site, rel: &str) -> Option<usize> {
    site.pages
        .binary_search_by(|p| p.source.path.as_str().cmp(rel))
        .ok()
}

/// Falls back unless the plans differ by the page's own outputs alone, with the same sections
/// and taxonomy terms (so that their indexes mean the same in both sites).
fn check_plan(
    old_site: &Site,
    old: &OutputPlan,
    new_site: &Site,
    new: &OutputPlan,
    rel: &str,
    change: Change,
) -> Result<(), Fallback> {
    let sections = |site: &Site| {
        site.sections
            .iter()
            .map(|s| s.url.clone())
            .collect::<Vec<_>>()
    };
    if sections(old_site) != sections(new_site) {
        return Err(fall(format!("content/{rel} adds or removes a section")));
    }
    let terms = |site: &Site| {
        (site.taxonomies.iter())
            .map(|t| t.terms.iter().map(|term| term.url.clone()).collect())
            .collect::<Vec<Vec<String>>>()
    };
    if terms(old_site) != terms(new_site) {
        return Err(fall(format!(
            "content/{rel} adds or removes a taxonomy term"
        )));
    }
    let (more, fewer) = match change {
        Change::Added => (new, old),
        Change::Deleted => (old, new),
    };
    let paths = |plan: &OutputPlan| {
        (plan.outputs.iter())
            .map(|o| o.path.clone())
            .collect::<BTreeSet<String>>()
    };
    let fewer_paths = paths(fewer);
    if !fewer_paths.is_subset(&paths(more)) {
        return Err(fall(format!(
            "content/{rel} changes outputs besides its own page"
        )));
    }
    let other = (more.outputs.iter())
        .filter(|o| !fewer_paths.contains(&o.path))
        .find(|o| !matches!(o.owner, OutputOwner::Page(_)));
    if let Some(other) = other {
        return Err(fall(format!(
            "content/{rel} adds or removes {} besides its own page",
            other.url
        )));
    }
    Ok(())
}

/// The outputs of `next` that show the page at `url` (its own output `own` when it is new)
/// among their members, each with why; the page's own output first.
fn select_outputs<'p>(
    next: &'p Prepared,
    reach: &Reach,
    own: Option<usize>,
    url: &str,
) -> Vec<Selected<'p>> {
    let site = &next.site;
    let mut reads = HashMap::new();
    let mut selected = Vec::new();
    for output in &next.plan.outputs {
        let owner = output.owner;
        let reason = match owner {
            OutputOwner::Page(p) if Some(p) == own => Some("it is new".to_owned()),
            OutputOwner::Feed(s) => reach
                .sections
                .contains(&s)
                .then(|| format!("carries {url}, or no longer")),
            OutputOwner::Sitemap | OutputOwner::SearchIndex => {
                Some(format!("lists {url}, or no longer"))
            }
            _ => output.template.as_deref().and_then(|template| {
                let reads = reads_of(&mut reads, next, template);
                (reach.holds(site, owner.shown()) || reads.reaches_any_page)
                    .then(|| format!("lists {url} among its pages, or no longer"))
            }),
        };
        if let Some(reason) = reason {
            let own = matches!(owner, OutputOwner::Page(p) if Some(p) == own);
            selected.push(Selected {
                output,
                reason,
                own,
            });
        }
    }
    selected.sort_by_key(|s| !s.own);
    selected
}
