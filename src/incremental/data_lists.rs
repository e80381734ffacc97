//! The KPI and roadmap edit path: `data/kpis.yaml` (or `.csv`) or `data/roadmap.yaml` changed,
//! or a translation of one (`data/kpis.fr.yaml`).
//!
//! One function per phase: [`read_edit`] re-reads and checks the list as a full load does (it
//! must exist already); [`in_language`] lays over it, in each further language, that language's
//! translation as it is now on disk (a new, edited or deleted one: the translation is read
//! whole), and notes the items it leaves untranslated (drawn with the default language's words);
//! [`commit_edit`] puts the list in the data graph (the roadmap's owners resolved again: an
//! owner that is no partner of the site takes the full path, which reports it), makes the
//! `kpis` or `roadmap` value and `data` again and redraws the charts; the pages whose
//! shortcodes show data are rendered again as body edits ([`super::render_shortcode_pages`]);
//! [`select_outputs`] picks the outputs whose templates read that key of `data` (or `data`
//! whole) or call the chart drawn from it ([`crate::render::reads`]), each with the reason, and
//! the body path those that show a changed field of a page whose shortcodes changed. The list
//! itself reaches every language, a translation its own language alone; each language's
//! outputs are published as soon as they are rendered, the default language's first.

use super::bodies;
use super::fast_render::{self, Edited, PublishFirst};
use super::{Fallback, Files, Selected, fall};
use crate::Prepared;
use crate::render::reads::TemplateReads;
use crate::render::{SiteValues, entity_values, replace_field};
use crate::site::{EntityKind, LinkUrls};
use crate::source::data::Entities;
use crate::source::files::SiteRoot;
use crate::source::languages::overlay::Overlays;
use crate::source::languages::split_language;
use std::collections::{HashMap, HashSet};
use std::path::Path;
use std::sync::Arc;

/// Which list a file holds.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum DataList {
    Kpis,
    Roadmap,
}

impl DataList {
    /// The list `rel` (a path inside `data/`) holds or translates, if it is one. A translation
    /// in any file but `.yaml` or `.yml` is not (a full build reads it, or refuses it).
    pub(super) fn of(rel: &str) -> Option<DataList> {
        let original = match split_language(rel) {
            Some(_) if !rel.ends_with(".yaml") && !rel.ends_with(".yml") => return None,
            Some((original, _)) => original,
            None => rel.to_owned(),
        };
        match original.as_str() {
            "kpis.yaml" | "kpis.yml" | "kpis.csv" => Some(DataList::Kpis),
            "roadmap.yaml" | "roadmap.yml" => Some(DataList::Roadmap),
            _ => None,
        }
    }

    /// Its key in `data`, and the folder of its items in [`crate::source::languages::Language::fallback_items`].
    fn key(self) -> &'static str {
        match self {
            DataList::Kpis => "kpis",
            DataList::Roadmap => "roadmap",
        }
    }

    /// The chart drawn from it.
    fn chart(self) -> &'static str {
        match self {
            DataList::Kpis => "kpi_chart",
            DataList::Roadmap => "roadmap_chart",
        }
    }
}

/// The path for `data/<rel>`, which holds or translates `list`, in each language it reaches
/// (`link_urls` has each language's link targets, the default language's first), into `edited`;
/// each language's outputs are published through `first` as soon as they are rendered.
pub(super) fn edit(
    last: &mut Prepared,
    link_urls: &[LinkUrls],
    root: &SiteRoot,
    (rel, list): (&str, DataList),
    first: PublishFirst<'_, '_>,
    edited: &mut Edited,
) -> Result<(), Fallback> {
    let minify = first.0.0;
    let mut first = Some(first);
    let code = match split_language(rel) {
        Some((_, code)) if last.further.iter().any(|l| l.site.language.code == code) => Some(code),
        Some(_) => {
            return Err(fall(format!(
                "data/{rel} has a problem a full build reports"
            )));
        }
        None => None,
    };
    let (original, parsed) = read_edit(last, root, list, rel)?;
    let urls = |i: usize| {
        link_urls
            .get(i)
            .ok_or_else(|| fall("the last build failed"))
    };
    if code.is_none() {
        edit_language(last, urls(0)?, parsed.clone(), (rel, list), minify, edited)?;
        publish_updates(&mut first, edited);
    }
    for (i, language) in last.further.iter_mut().enumerate() {
        if code.is_some_and(|code| code != language.site.language.code) {
            continue;
        }
        let translated = in_language(language, root, &original, &parsed, list)?;
        let urls = urls(i + 1)?;
        edit_language(language, urls, translated, (rel, list), minify, edited)?;
        publish_updates(&mut first, edited);
    }
    Ok(())
}

/// Moves the outputs rendered so far from `edited` into the files served (noting what they
/// replace) and publishes them, with `first`.
fn publish_updates(first: &mut Option<PublishFirst<'_, '_>>, edited: &mut Edited) {
    let Some(((_, files, published), publish)) = first.as_mut() else {
        return;
    };
    let mut ahead = Files::new();
    for (path, bytes) in std::mem::take(&mut edited.updates) {
        let bytes = Arc::new(bytes);
        ahead.insert(path.clone(), Arc::clone(&bytes));
        published.push((path.clone(), files.insert(path, bytes)));
    }
    publish(&ahead);
}

/// The list `parsed` put in `language` and the outputs that show it rendered again.
fn edit_language(
    language: &mut Prepared,
    link_urls: &LinkUrls,
    parsed: Entities,
    (rel, list): (&str, DataList),
    minify: bool,
    edited: &mut Edited,
) -> Result<(), Fallback> {
    commit_edit(language, parsed, list, rel)?;
    let fields = super::render_shortcode_pages(language, link_urls)?;
    let mut selected = select_outputs(language, list, rel);
    let shown: HashSet<&str> = selected.iter().map(|s| s.output.path.as_str()).collect();
    let by_shortcodes: Vec<Selected> = bodies::select_outputs(language, &fields)
        .into_iter()
        .filter(|s| !shown.contains(s.output.path.as_str()))
        .collect();
    selected.extend(by_shortcodes);
    fast_render::render_selected(language, &selected, minify, None, |_| false, edited)?;
    Ok(())
}

/// The list `parsed` (read from `data/<original>`) as the further language `language` shows
/// it: with its translation (`kpis.fr.yaml`), if there is one, laid over it; the items the
/// translation leaves out are noted in the language's `fallback_items`.
fn in_language(
    language: &mut Prepared,
    root: &SiteRoot,
    original: &str,
    parsed: &Entities,
    list: DataList,
) -> Result<Entities, Fallback> {
    let code = language.site.language.code.clone();
    let mut overlays = Overlays::default();
    let mut problems = Vec::new();
    let names = ["yaml", "yml"].map(|ext| format!("{}.{code}.{ext}", list.key()));
    let present: Vec<&String> = (names.iter())
        .filter(|name| {
            root.path()
                .join("data")
                .join(name)
                .symlink_metadata()
                .is_ok()
        })
        .collect();
    if present.len() > 1 {
        return Err(fall(format!(
            "data/{} and data/{} translate the same list",
            names[0], names[1]
        )));
    }
    for name in present {
        let source = super::data::read_file(root, name)?;
        overlays.add(&code, original, &source, &mut problems);
    }
    if !problems.is_empty() {
        return Err(fall(format!(
            "the translation of data/{original} into {} has a problem a full build reports",
            language.site.language.name
        )));
    }
    let (translated, _) = overlays.apply(parsed, &code);
    let folder = format!("{}/", list.key());
    let fallback_items = &mut language.site.language.fallback_items;
    fallback_items.retain(|item| !item.starts_with(&folder));
    fallback_items.extend(overlays.untranslated_items(parsed, &code));
    Ok(translated)
}

/// Reads the file that holds `list` (the one the last build read: `data/kpis.csv`...) and
/// parses it with the checks of a full load; returns its path inside `data/` and the list.
fn read_edit(
    last: &Prepared,
    root: &SiteRoot,
    list: DataList,
    rel: &str,
) -> Result<(String, Entities), Fallback> {
    let entities = &last.site.graph.entities;
    let old = match list {
        DataList::Kpis => entities.kpis.as_ref().map(|(source, _)| &source.file),
        DataList::Roadmap => entities.roadmap.as_ref().map(|(source, _)| &source.file),
    };
    let original = old
        .and_then(|file| file.strip_prefix("data").ok())
        .and_then(Path::to_str)
        .map(|original| original.replace('\\', "/"));
    let Some(original) = original else {
        return Err(fall(format!("data/{rel} is new")));
    };
    if split_language(rel).is_none() && original != rel {
        return Err(fall(format!("data/{rel} is new")));
    }
    let parsed = super::data::parse_file(root, &original)?;
    Ok((original, parsed))
}

/// Puts the new list in the graph and makes the values that hold it again.
fn commit_edit(
    last: &mut Prepared,
    mut parsed: Entities,
    list: DataList,
    rel: &str,
) -> Result<(), Fallback> {
    let graph = &mut last.site.graph;
    let mut values: SiteValues = (*last.values).clone();
    let made = match list {
        DataList::Kpis => {
            let kpis = parsed
                .kpis
                .take()
                .ok_or_else(|| fall(format!("data/{rel} has no indicators")))?;
            let value = tera::Value::try_from_serializable(&kpis.1);
            graph.entities.kpis = Some(kpis);
            value.map(|value| values.entities.kpis = value)
        }
        DataList::Roadmap => {
            let roadmap = parsed
                .roadmap
                .take()
                .ok_or_else(|| fall(format!("data/{rel} has no actions")))?;
            let owners: Option<Vec<Vec<usize>>> = (roadmap.1.iter())
                .map(|action| {
                    let ids = action.owners.iter();
                    ids.map(|id| graph.find(EntityKind::Partner, id)).collect()
                })
                .collect();
            graph.roadmap_owners = owners
                .ok_or_else(|| fall(format!("data/{rel} names an owner a full build reports")))?;
            graph.entities.roadmap = Some(roadmap);
            entity_values::roadmap(graph, &values.entities.cards)
                .map(|value| values.entities.roadmap = value)
        }
    };
    made.map_err(|e| fall(format!("the values of data/{rel} could not be made: {e}")))?;
    let key = list.key();
    let value = match list {
        DataList::Kpis => values.entities.kpis.clone(),
        DataList::Roadmap => values.entities.roadmap.clone(),
    };
    values.data = replace_field(&values.data, key, value);
    last.templates.redraw_charts(&last.site);
    let values = Arc::new(values);
    last.templates.rebind(&values);
    last.values = values;
    Ok(())
}

/// The outputs whose templates read `list` from `data` (or `data` whole) or call its chart.
fn select_outputs<'p>(last: &'p Prepared, list: DataList, rel: &str) -> Vec<Selected<'p>> {
    let mut reads: HashMap<&str, TemplateReads> = HashMap::new();
    let shows = |reads: &TemplateReads| {
        let keys = &reads.data_keys;
        reads.data_names.contains(list.chart())
            || (reads.data_names.contains("data")
                && (keys.contains("*") || keys.contains(list.key())))
    };
    let mut selected = Vec::new();
    for output in &last.plan.outputs {
        let Some(template) = output.template.as_deref() else {
            continue;
        };
        let template_reads = reads
            .entry(template)
            .or_insert_with(|| last.templates.reads(template));
        if shows(template_reads) {
            selected.push(Selected {
                output,
                reason: format!("shows data/{rel}"),
                own: false,
            });
        }
    }
    selected
}
