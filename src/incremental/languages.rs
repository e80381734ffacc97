//! Body and front-matter edits in every language: a Markdown file is shown by the language it is
//! written in, and an original also by every further language that has no translation of it (as
//! a fallback). Each language whose site shows the edited file takes the body-edit path of
//! [`super::bodies`] on its own site, with its own link targets; the others are left as they
//! are. A translation that is new (its language showed the original until now) takes the full
//! path. An original's front matter reaches every language (a translation inherits its date,
//! weight, template and terms): each takes the front-matter path of [`super::front_matter`]; a
//! translation's reaches its own language alone. An entity file's edit is taken by every
//! language, a translation's (`smes/x.fr.yaml`) by its own, on the data path of [`super::data`],
//! each language with the entity as it shows it ([`super::overlays`]).

use super::fast_render::{self, Edited, PublishFirst, update_api};
use super::{Fallback, data, fall, render_shortcode_pages, select_entity_outputs};
use super::{bodies, front_matter, overlays};
use crate::Prepared;
use crate::plan::{OutputOwner, PlannedOutput};
use crate::site::{EntityKind, LinkUrls, Site};
use crate::source::files::SiteRoot;
use crate::source::languages::split_language;
use std::collections::HashMap;
use std::path::Path;

/// Takes the edits of `bodies` (paths inside `content/`) in the language of `last` and in
/// each of its further languages.
pub(super) fn edit_bodies(
    last: &mut Prepared,
    link_urls: &[LinkUrls],
    root: &SiteRoot,
    changed: &[String],
    minify: bool,
    edited: &mut Edited,
) -> Result<(), Fallback> {
    let urls = |i: usize| {
        link_urls
            .get(i)
            .ok_or_else(|| fall("the last build failed"))
    };
    edit_language(last, urls(0)?, root, changed, minify, edited)?;
    for (i, language) in last.further.iter_mut().enumerate() {
        edit_language(language, urls(i + 1)?, root, changed, minify, edited)?;
    }
    Ok(())
}

/// The front-matter path for the content file `rel` (inside `content/`) in each language whose
/// site reads it: every language for an original, its own for a translation. The first language
/// that takes it publishes the page with `first`.
pub(super) fn edit_front(
    last: &mut Prepared,
    link_urls: &[LinkUrls],
    root: &SiteRoot,
    rel: &str,
    minify: bool,
    mut first: Option<PublishFirst<'_, '_>>,
    edited: &mut Edited,
) -> Result<(), Fallback> {
    let file = Path::new("content").join(rel);
    let section = |site: &Site| {
        (site.sections.iter()).any(|s| s.source.as_ref().is_some_and(|s| s.file == file))
    };
    if last.languages().any(|language| section(&language.site)) {
        return Err(fall(format!(
            "the front matter of the section content/{rel} changed"
        )));
    }
    let original = reading(&last.site, &file);
    let urls = |i: usize| {
        link_urls
            .get(i)
            .ok_or_else(|| fall("the last build failed"))
    };
    let mut taken = match &original {
        Some(path) => {
            front_matter::edit(last, urls(0)?, root, path, minify, first.take(), edited)?;
            true
        }
        None => false,
    };
    for (i, language) in last.further.iter_mut().enumerate() {
        let Some(path) = original.clone().or_else(|| reading(&language.site, &file)) else {
            continue;
        };
        front_matter::edit(
            language,
            urls(i + 1)?,
            root,
            &path,
            minify,
            first.take(),
            edited,
        )?;
        taken = true;
    }
    if !taken {
        return Err(fall(format!("content/{rel} is new or was deleted")));
    }
    Ok(())
}

/// The path of the page of `site` read from `file` (an original, or a translation).
fn reading(site: &Site, file: &Path) -> Option<String> {
    let page = site.pages.iter().find(|p| p.source.file == file);
    page.map(|p| p.source.path.clone())
}

/// The body-edit path on one language's site, for the edited files it shows.
fn edit_language(
    language: &mut Prepared,
    link_urls: &LinkUrls,
    root: &SiteRoot,
    changed: &[String],
    minify: bool,
    edited: &mut Edited,
) -> Result<(), Fallback> {
    let shown = shown_in(&language.site, changed)?;
    if shown.is_empty() {
        return Ok(());
    }
    bodies::edit(language, link_urls, root, &shown, minify, None, edited)
}

/// The content paths of `site` (a page's or section's path, the original's for a translation)
/// that show one of the `changed` files.
fn shown_in(site: &Site, changed: &[String]) -> Result<Vec<String>, Fallback> {
    let language = &site.language;
    let file_at = |path: &str| {
        let page = site.page_by_path(path).map(|p| p.source.file.as_path());
        page.or_else(|| {
            let section = site.section_by_path(path)?;
            section.source.as_ref().map(|s| s.file.as_path())
        })
    };
    let mut shown = Vec::new();
    for rel in changed {
        let file = Path::new("content").join(rel);
        match split_language(rel) {
            Some((original, code)) if code == language.code && !language.is_default => {
                if file_at(&original) != Some(file.as_path()) {
                    return Err(fall(format!("content/{rel} is a new translation")));
                }
                shown.push(original);
            }
            Some((_, code)) if site.config.languages.iter().any(|l| l.code == code) => {}
            Some(_) => {
                return Err(fall(format!(
                    "content/{rel} has a problem a full build reports"
                )));
            }
            None => match file_at(rel) {
                // Translated in this language: the original is not shown here.
                Some(shown_file) if shown_file != file.as_path() => {}
                _ => shown.push(rel.clone()),
            },
        }
    }
    Ok(shown)
}

/// What an entity edit in every language needs from the session: the link URLs of each language
/// (the default language's first) and the items of the API lists already made.
pub(super) type EntityEditState<'a> = (
    &'a [LinkUrls],
    &'a mut HashMap<(usize, EntityKind), Vec<String>>,
);

/// Takes the edit of the entity file `data/<rel>` in every language of `last`, or of its
/// translation (`smes/x.fr.yaml`) in that translation's language ([`overlays`]); the first
/// language that takes it publishes the entity's own outputs first, through `first`.
pub(super) fn edit_entity(
    last: &mut Prepared,
    (urls, api_items): EntityEditState,
    root: &SiteRoot,
    rel: &str,
    first: PublishFirst,
    edited: &mut Edited,
) -> Result<(), Fallback> {
    let saved = overlays::EntityFileEdit::read(last, root, rel)?;
    let minify = first.0.0;
    let mut first = Some(first);
    let mut take = |language: &mut Prepared, i: usize, first: &mut Option<PublishFirst>| {
        if !saved.reaches(language) {
            return Ok(());
        }
        let link_urls = urls.get(i).ok_or_else(|| fall("the last build failed"))?;
        let edit = saved.in_language(language, root)?;
        let (kind, index) = data::edited(&edit);
        let changed = data::commit_edit(language, edit)?;
        // The entity's own page shows its own values: it is served before the outputs that
        // show the entity are looked for.
        let own = language.plan.of(OutputOwner::Entity(kind, index));
        let published = match (own, first.take()) {
            (Some(own), Some(first)) => {
                fast_render::publish_outputs(language, &[own], first)?;
                own.path.clone()
            }
            _ => String::new(),
        };
        let fields = render_shortcode_pages(language, link_urls)?;
        let jobs = select_entity_outputs(language, &changed, kind, index, &fields);
        // Rendered again only when a page it may show changed with the pages' shortcodes.
        let done = |o: &PlannedOutput| fields.is_empty() && o.path == published;
        let apart = |o: &PlannedOutput| o.owner == OutputOwner::Api(kind) || done(o);
        for output in fast_render::render_selected(language, &jobs, minify, None, apart, edited)? {
            if !done(output) {
                let text = update_api(language, api_items, (i, kind), index);
                edited
                    .updates
                    .insert(output.path.clone(), text.into_bytes());
            }
        }
        Ok::<(), Fallback>(())
    };
    take(last, 0, &mut first)?;
    for (i, language) in last.further.iter_mut().enumerate() {
        take(language, i + 1, &mut first)?;
    }
    Ok(())
}
