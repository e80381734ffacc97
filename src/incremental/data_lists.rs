//! The KPI and roadmap edit path: `data/kpis.yaml` (or `.csv`) or `data/roadmap.yaml` changed.
//!
//! One function per phase: [`read_edit`] re-reads and checks the file as a full load does (it
//! must exist already); [`commit_edit`] puts the new list in the data graph (the roadmap's
//! owners resolved again: an owner that is no partner of the site takes the full path, which
//! reports it), makes the `kpis` or `roadmap` value and `data` again and redraws the charts;
//! the pages whose shortcodes show data are rendered again as body edits
//! ([`super::render_shortcode_pages`]); [`select_outputs`] picks the outputs whose templates
//! read that key of `data` (or `data` whole) or call the chart drawn from it
//! ([`crate::render::reads`]), each with the reason, and the body path those that show a
//! changed field of a page whose shortcodes changed.

use super::bodies;
use super::fast_render::{self, Edited};
use super::{Fallback, Selected, fall};
use crate::Prepared;
use crate::render::reads::TemplateReads;
use crate::render::{SiteValues, entity_values, replace_field};
use crate::site::{EntityKind, LinkUrls};
use crate::source::data::Entities;
use crate::source::files::SiteRoot;
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
    /// The list `rel` (a path inside `data/`) holds, if it is one.
    pub(super) fn of(rel: &str) -> Option<DataList> {
        match rel {
            "kpis.yaml" | "kpis.yml" | "kpis.csv" => Some(DataList::Kpis),
            "roadmap.yaml" | "roadmap.yml" => Some(DataList::Roadmap),
            _ => None,
        }
    }

    /// Its key in `data`.
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

/// The path for `data/<rel>`, which holds `list`, into `edited`.
pub(super) fn edit(
    last: &mut Prepared,
    link_urls: &LinkUrls,
    root: &SiteRoot,
    (rel, list): (&str, DataList),
    minify: bool,
    edited: &mut Edited,
) -> Result<(), Fallback> {
    let parsed = read_edit(last, root, rel, list)?;
    commit_edit(last, parsed, list, rel)?;
    let fields = super::render_shortcode_pages(last, link_urls)?;
    let mut selected = select_outputs(last, list, rel);
    let shown: HashSet<&str> = selected.iter().map(|s| s.output.path.as_str()).collect();
    let by_shortcodes: Vec<Selected> = bodies::select_outputs(last, &fields)
        .into_iter()
        .filter(|s| !shown.contains(s.output.path.as_str()))
        .collect();
    selected.extend(by_shortcodes);
    fast_render::render_selected(last, &selected, minify, None, |_| false, edited)?;
    Ok(())
}

/// Reads `data/<rel>` and parses it with the checks of a full load; the last build read it.
fn read_edit(
    last: &Prepared,
    root: &SiteRoot,
    rel: &str,
    list: DataList,
) -> Result<Entities, Fallback> {
    let file = Path::new("data").join(rel);
    let entities = &last.site.graph.entities;
    let old = match list {
        DataList::Kpis => entities.kpis.as_ref().map(|(source, _)| &source.file),
        DataList::Roadmap => entities.roadmap.as_ref().map(|(source, _)| &source.file),
    };
    if old != Some(&file) {
        return Err(fall(format!("data/{rel} is new")));
    }
    super::data::parse_file(root, rel)
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
