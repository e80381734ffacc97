//! Rendering on the fast paths: the outputs a fast path selected, minified as a full build
//! does ([`render_jobs`]); the edited file's own outputs first, published at once
//! ([`publish_own_first`], [`publish_outputs`]); both with the reasons, in [`render_selected`]; and the API file of
//! an edited kind from its kept items ([`update_api`]).

use super::{Fallback, Files, Published, Selected, fall};
use crate::Prepared;
use crate::output::api;
use crate::plan::{OutputPlan, PlannedOutput};
use crate::render::reads::TemplateReads;
use crate::render::{self, SiteValues};
use crate::site::{EntityKind, Site};
use rayon::prelude::*;
use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

/// What a fast path produced: output path -> bytes, a reason per re-rendered output, and the
/// outputs it removed.
#[derive(Default)]
pub(super) struct Edited {
    pub updates: BTreeMap<String, Vec<u8>>,
    pub reasons: Vec<String>,
    /// Outputs that are no longer made (those of a deleted page).
    pub removed: Vec<String>,
}

/// What publishing the edited file's own outputs first needs: whether to minify, the files
/// served, what publishing replaced, and the call that serves them.
pub(super) type PublishFirst<'a, 'p> = (
    (bool, &'a mut Files, &'a mut Published),
    &'a mut (dyn FnMut(&Files) + 'p),
);

/// Renders `selected` on `language` into `edited`, with a reason for each: with `first`, the
/// edited file's own outputs are published at once and the rest rendered after. Outputs for
/// which `apart` holds are not rendered but returned, for the caller to make.
pub(super) fn render_selected<'p>(
    language: &Prepared,
    selected: &[Selected<'p>],
    minify: bool,
    first: Option<PublishFirst<'_, '_>>,
    apart: impl Fn(&PlannedOutput) -> bool,
    edited: &mut Edited,
) -> Result<Vec<&'p PlannedOutput>, Fallback> {
    let rest = match first {
        Some((first, publish)) => publish_own_first(language, selected, first, publish)?,
        None => selected.iter().map(|s| s.output).collect(),
    };
    let (set_apart, rest): (Vec<&PlannedOutput>, Vec<&PlannedOutput>) =
        rest.into_iter().partition(|output| apart(output));
    edited.updates.extend(render_jobs(
        &language.site,
        &language.plan,
        &language.templates,
        &language.values,
        &rest,
        minify,
    )?);
    edited.reasons.extend(
        selected
            .iter()
            .map(|s| format!("{} ({})", s.output.url, s.reason)),
    );
    Ok(set_apart)
}

/// `api/v1/<kind>.json` of the language `language` (0 for the default) after entity
/// `kind`/`index` was edited: the items kept in `cache` (all made on the first edit of the kind
/// in that language) with the edited one made again.
pub(super) fn update_api(
    last: &Prepared,
    cache: &mut HashMap<(usize, EntityKind), Vec<String>>,
    (language, kind): (usize, EntityKind),
    index: usize,
) -> String {
    let (site, plan) = (&last.site, &last.plan);
    let items = cache.entry((language, kind)).or_insert_with(|| {
        (0..site.graph.count(kind))
            .into_par_iter()
            .map(|i| api::item(site, plan, kind, i))
            .collect()
    });
    if let Some(item) = items.get_mut(index) {
        *item = api::item(site, plan, kind, index);
    }
    api::document(site, kind, items)
}

/// Renders the edited files' own outputs among `selected`, puts them in `files` (noting in
/// `published` what they replace) and calls `publish` with them at once; returns the other
/// outputs, to be rendered after.
fn publish_own_first<'p>(
    last: &Prepared,
    selected: &[Selected<'p>],
    (minify, files, published): (bool, &mut Files, &mut Published),
    publish: &mut dyn FnMut(&Files),
) -> Result<Vec<&'p PlannedOutput>, Fallback> {
    let (own, rest): (Vec<&Selected>, Vec<&Selected>) = selected.iter().partition(|s| s.own);
    if own.is_empty() {
        return Ok(rest.into_iter().map(|s| s.output).collect());
    }
    let own: Vec<&PlannedOutput> = own.into_iter().map(|s| s.output).collect();
    publish_outputs(last, &own, ((minify, files, published), publish))?;
    Ok(rest.into_iter().map(|s| s.output).collect())
}

/// Renders `outputs`, puts them in the files served (noting what they replace) and calls the
/// publishing call of `first` with them at once.
pub(super) fn publish_outputs(
    last: &Prepared,
    outputs: &[&PlannedOutput],
    ((minify, files, published), publish): PublishFirst<'_, '_>,
) -> Result<(), Fallback> {
    let values = &last.values;
    let mut ahead = Files::new();
    for (path, bytes) in render_jobs(
        &last.site,
        &last.plan,
        &last.templates,
        values,
        outputs,
        minify,
    )? {
        let bytes = Arc::new(bytes);
        ahead.insert(path.clone(), Arc::clone(&bytes));
        let replaced = files.insert(path.clone(), bytes);
        published.push((path, replaced));
    }
    publish(&ahead);
    Ok(())
}

/// Renders `jobs` (minified as a full build does).
pub(super) fn render_jobs(
    site: &Site,
    plan: &OutputPlan,
    templates: &render::Templates,
    values: &SiteValues,
    jobs: &[&PlannedOutput],
    minify: bool,
) -> Result<Vec<(String, Vec<u8>)>, Fallback> {
    jobs.par_iter()
        .map(|output| {
            let html = render::render_one(site, plan, templates, values, output)
                .and_then(Result::ok)
                .ok_or_else(|| {
                    fall(format!(
                        "{} has an error a full build reports",
                        output.description
                    ))
                })?;
            let bytes = if minify && output.path.ends_with(".html") {
                crate::output::minify_html(html.as_bytes())
            } else {
                html.into_bytes()
            };
            Ok((output.path.clone(), bytes))
        })
        .collect()
}

/// What `template` reads, found once per template.
pub(super) fn reads_of<'r, 'p>(
    reads: &'r mut HashMap<&'p str, TemplateReads>,
    last: &Prepared,
    template: &'p str,
) -> &'r TemplateReads {
    reads
        .entry(template)
        .or_insert_with(|| last.templates.reads(template))
}
