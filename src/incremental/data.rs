//! The data-edit fast path: one entity file (`data/smes/x.yaml`, a partner, mission or practice)
//! changed, keeping its id, its references and its facet values.
//!
//! One function per phase: [`read_edit`] re-reads and checks the file as a full load does;
//! [`commit_edit`] resolves the data again with the new record and keeps it only when every
//! relation of the graph (references both ways, facets and who has them) is unchanged and no
//! warning appears, then rebuilds the entity values, `data` and the charts; [`shortcode_pages`]
//! names the pages and sections whose shortcodes show entities, whose bodies are then rendered
//! again on the body path; [`select_outputs`] picks the outputs that show the entity, each with
//! the reason it is rendered again: its own page, every page, embed or facet whose entity or facet
//! value changed (values compared before and after), the entity lists, the API and search files,
//! and outputs whose templates read from `data` a key or a field that holds the edited kind
//! ([`crate::render::reads`]).

use super::{Fallback, Selected, fall};
use crate::Prepared;
use crate::plan::{Embed, OutputOwner};
use crate::render::{SiteValues, entity_values};
use crate::site::entities::{DataGraph, EntityKind, FacetKind};
use crate::source::content::ContentSource;
use crate::source::data::{self, DataFile, Entities, Entity, Scheduled};
use crate::source::files::SiteRoot;
use crate::source::publication::Window;
use rayon::prelude::*;
use std::collections::HashMap;
use std::path::Path;
use std::sync::Arc;

/// A changed entity file: its kind, its index and the entities parsed from it.
pub struct DataEdit {
    kind: EntityKind,
    index: usize,
    parsed: Entities,
}

/// The kind of entity `rel` (a path inside `data/`) holds, if it is one entity's file.
pub fn entity_kind(rel: &str) -> Option<EntityKind> {
    let (folder, name) = rel.split_once('/')?;
    if name.contains('/') || !(name.ends_with(".yaml") || name.ends_with(".yml")) {
        return None;
    }
    EntityKind::ALL
        .into_iter()
        .find(|kind| kind.dir() == folder)
}

/// Reads `data/<rel>` and parses it with the checks of a full load; the entity must exist.
pub fn read_edit(last: &Prepared, root: &SiteRoot, rel: &str) -> Result<DataEdit, Fallback> {
    let kind = entity_kind(rel).ok_or_else(|| fall(format!("data/{rel} changed")))?;
    let file = Path::new("data").join(rel);
    let text = root
        .read(&file)
        .ok()
        .and_then(|bytes| String::from_utf8(bytes).ok())
        .ok_or_else(|| {
            fall(format!(
                "data/{rel} is new, was deleted or could not be read"
            ))
        })?;
    let mut parsed = Entities::default();
    let mut problems = Vec::new();
    data::add_file(&mut parsed, rel, DataFile { file, text }, &mut problems);
    if !problems.is_empty() {
        return Err(fall(format!(
            "data/{rel} has a problem a full build reports"
        )));
    }
    let graph = &last.site.graph;
    let id = match kind {
        EntityKind::Partner => parsed.partners.first().map(|e| e.id.as_str()),
        EntityKind::Sme => parsed.smes.first().map(|e| e.id.as_str()),
        EntityKind::Mission => parsed.missions.first().map(|e| e.id.as_str()),
        EntityKind::Practice => parsed.practices.first().map(|e| e.id.as_str()),
    };
    let index = id
        .and_then(|id| graph.find(kind, id))
        .filter(|&i| graph.source(kind, i).file == Path::new("data").join(rel))
        .ok_or_else(|| fall(format!("data/{rel} is new")))?;
    if window_of(&parsed, kind, 0) != window_of(&graph.entities, kind, index) {
        return Err(fall(format!("the publication dates of data/{rel} changed")));
    }
    Ok(DataEdit {
        kind,
        index,
        parsed,
    })
}

/// Puts the one entity of `parsed` at `index` of `list`; its window is unchanged (checked by
/// [`read_edit`]), and so is its publication.
fn replace<T>(list: &mut [Entity<T>], index: usize, parsed: &mut Vec<Entity<T>>) {
    if let (Some(old), false) = (list.get_mut(index), parsed.is_empty()) {
        let mut new = parsed.remove(0);
        new.publication = old.publication;
        *old = new;
    }
}

/// The publication window of entity `index` of `kind`.
fn window_of(entities: &Entities, kind: EntityKind, index: usize) -> Option<Window> {
    fn of<T: Scheduled>(list: &[Entity<T>], index: usize) -> Option<Window> {
        list.get(index).map(|e| e.record.window())
    }
    match kind {
        EntityKind::Partner => of(&entities.partners, index),
        EntityKind::Sme => of(&entities.smes, index),
        EntityKind::Mission => of(&entities.missions, index),
        EntityKind::Practice => of(&entities.practices, index),
    }
}

/// Puts the new record in the data graph and rebuilds the values that show entities; falls
/// back when a relation or a warning changes. Returns the values before the edit.
pub fn commit_edit(last: &mut Prepared, edit: DataEdit) -> Result<Arc<SiteValues>, Fallback> {
    let DataEdit {
        kind,
        index,
        mut parsed,
    } = edit;
    let site = &mut last.site;
    let mut entities = site.graph.entities.clone();
    match kind {
        EntityKind::Partner => replace(&mut entities.partners, index, &mut parsed.partners),
        EntityKind::Sme => replace(&mut entities.smes, index, &mut parsed.smes),
        EntityKind::Mission => replace(&mut entities.missions, index, &mut parsed.missions),
        EntityKind::Practice => replace(&mut entities.practices, index, &mut parsed.practices),
    }
    let name = format!("{}/{}", kind.dir(), site.graph.id(kind, index));
    let (graph, warnings) = crate::site::entities::resolve(entities, &site.base, &site.language)
        .map_err(|_| {
            fall(format!(
                "the edit of {name} has a problem a full build reports"
            ))
        })?;
    if !warnings.is_empty() {
        return Err(fall(format!(
            "the edit of {name} has a warning a full build reports"
        )));
    }
    if picture_files(&site.graph, kind, index) != picture_files(&graph, kind, index) {
        return Err(fall(format!(
            "the edit of {name} changes which pictures it shows"
        )));
    }
    if !same_relations(&site.graph, &graph) {
        return Err(fall(format!(
            "the edit of {name} changes a reference or a facet"
        )));
    }
    site.graph = graph;
    let site = &last.site;
    let mut values: SiteValues = (*last.values).clone();
    values.entities = entity_values::build(site)
        .map_err(|e| fall(format!("the entity values could not be made: {e}")))?;
    values.data = entity_values::data_value(site, &values.entities)
        .map_err(|e| fall(format!("the data value could not be made: {e}")))?;
    let values = Arc::new(values);
    last.templates.redraw_charts(site);
    last.templates.rebind(&values);
    Ok(std::mem::replace(&mut last.values, values))
}

/// The logo and photo files an entity names: the pictures the output plan publishes for it.
fn picture_files(graph: &DataGraph, kind: EntityKind, index: usize) -> Vec<&str> {
    let entities = &graph.entities;
    match kind {
        EntityKind::Partner => entities.partners[index]
            .record
            .logo
            .as_deref()
            .into_iter()
            .collect(),
        EntityKind::Sme => {
            let sme = &entities.smes[index].record;
            let photos = sme.photos.iter().map(|p| p.file.as_str());
            sme.logo.as_deref().into_iter().chain(photos).collect()
        }
        EntityKind::Mission | EntityKind::Practice => Vec::new(),
    }
}

/// Whether two graphs relate the same entities to each other and to the same facets.
fn same_relations(a: &DataGraph, b: &DataGraph) -> bool {
    a.partner_smes == b.partner_smes
        && a.partner_missions == b.partner_missions
        && a.partner_mous == b.partner_mous
        && a.partner_practices == b.partner_practices
        && a.sme_cluster == b.sme_cluster
        && a.sme_missions == b.sme_missions
        && a.mission_organisers == b.mission_organisers
        && a.mission_partners == b.mission_partners
        && a.mission_hosts == b.mission_hosts
        && a.mission_participants == b.mission_participants
        && a.mission_practices == b.mission_practices
        && a.practice_partners == b.practice_partners
        && a.practice_missions == b.practice_missions
        && a.roadmap_owners == b.roadmap_owners
        && a.facets == b.facets
}

/// The pages and sections whose shortcodes show entities, with their sources, to be rendered
/// again as body edits.
pub fn shortcode_pages(last: &Prepared) -> Vec<(super::bodies::Doc, ContentSource)> {
    let site = &last.site;
    let pages = site
        .pages
        .iter()
        .enumerate()
        .filter(|(_, p)| !p.markdown.shortcodes.is_empty())
        .map(|(i, p)| (super::bodies::Doc::Page(i), p.source.clone()));
    let sections = site.sections.iter().enumerate().filter_map(|(i, s)| {
        let source = s.source.as_ref()?;
        (!s.markdown.shortcodes.is_empty())
            .then(|| (super::bodies::Doc::Section(i), source.clone()))
    });
    pages.chain(sections).collect()
}

/// Keys of `data` whose values hold cards of `kind` directly.
fn data_keys_showing(kind: EntityKind) -> &'static [&'static str] {
    match kind {
        EntityKind::Sme => &["smes", "sectors", "technologies", "markets"],
        EntityKind::Partner => &["partners", "sectors", "technologies", "markets", "roadmap"],
        EntityKind::Mission => &["missions"],
        EntityKind::Practice => &["practices"],
    }
}

/// Fields of entity values that hold cards of `kind` (or, for a partner, the SME cards that carry
/// its name as `cluster_name`).
fn fields_showing(kind: EntityKind) -> &'static [&'static str] {
    match kind {
        EntityKind::Sme => &["smes", "participants"],
        EntityKind::Partner => &[
            "cluster",
            "cluster_name",
            "mous",
            "partners",
            "hosts",
            "organisers",
            "owner_partners",
            "smes",
            "participants",
        ],
        EntityKind::Mission => &["missions"],
        EntityKind::Practice => &["practices"],
    }
}

/// Whether a template with `reads` can show an entity of `kind` through `data` or a chart.
fn template_shows(reads: &crate::render::reads::TemplateReads, kind: EntityKind) -> bool {
    if !reads.reads_data {
        return false;
    }
    let keys = &reads.data_keys;
    keys.contains("*")
        || data_keys_showing(kind).iter().any(|k| keys.contains(*k))
        || (!keys.is_empty()
            && (reads.reads_whole_values
                || fields_showing(kind).iter().any(|f| reads.data_fields.contains(*f))))
        // The charts draw partners.
        || kind == EntityKind::Partner
}

/// Which entity and facet values differ between two builds, each compared once.
struct ChangedValues {
    entities: HashMap<EntityKind, Vec<bool>>,
    facets: HashMap<FacetKind, Vec<bool>>,
}

impl ChangedValues {
    fn between(old: &SiteValues, new: &SiteValues) -> ChangedValues {
        let (old, new) = (&old.entities, &new.entities);
        let differ = |a: &[tera::Value], b: &[tera::Value]| -> Vec<bool> {
            a.par_iter().zip(b).map(|(a, b)| a != b).collect()
        };
        ChangedValues {
            entities: EntityKind::ALL
                .into_iter()
                .map(|kind| (kind, differ(old.of(kind), new.of(kind))))
                .collect(),
            facets: FacetKind::ALL
                .into_iter()
                .map(|kind| (kind, differ(old.facets_of(kind), new.facets_of(kind))))
                .collect(),
        }
    }

    fn entity(&self, kind: EntityKind, i: usize) -> bool {
        self.entities
            .get(&kind)
            .and_then(|changed| changed.get(i))
            .is_some_and(|&changed| changed)
    }

    fn facet(&self, kind: FacetKind, i: usize) -> bool {
        self.facets
            .get(&kind)
            .and_then(|changed| changed.get(i))
            .is_some_and(|&changed| changed)
    }

    /// Whether the value an output of `owner` is given changed; `None` for outputs not given an
    /// entity's or a facet's value.
    fn of_owner(&self, owner: OutputOwner) -> Option<bool> {
        match owner {
            OutputOwner::Entity(kind, i) => Some(self.entity(kind, i)),
            OutputOwner::Embed(Embed::Sme(i)) | OutputOwner::OEmbed(Embed::Sme(i)) => {
                Some(self.entity(EntityKind::Sme, i))
            }
            OutputOwner::Embed(Embed::ClusterSmes(p, _))
            | OutputOwner::OEmbed(Embed::ClusterSmes(p, _)) => {
                Some(self.entity(EntityKind::Partner, p))
            }
            OutputOwner::Facet(kind, i) => Some(self.facet(kind, i)),
            OutputOwner::FacetIndex(kind) => Some(
                self.facets
                    .get(&kind)
                    .is_some_and(|changed| changed.contains(&true)),
            ),
            _ => None,
        }
    }
}

/// The outputs that show the edited entity, each with why: those whose own entity or facet value
/// changed, the lists and data files of every entity, and those whose templates can show the
/// entity through `data` or a chart.
pub fn select_outputs<'p>(
    last: &'p Prepared,
    old: &SiteValues,
    kind: EntityKind,
    index: usize,
) -> Vec<Selected<'p>> {
    let name = format!("{}/{}", kind.dir(), last.site.graph.id(kind, index));
    let changed = ChangedValues::between(old, &last.values);
    let mut shows: HashMap<&str, bool> = HashMap::new();
    let mut selected = Vec::new();
    for output in &last.plan.outputs {
        let owner = output.owner.shown();
        let reason = match owner {
            OutputOwner::Entity(k, i) if k == kind && i == index => Some("its data".to_owned()),
            OutputOwner::EntityList(_) | OutputOwner::Api(_) | OutputOwner::SearchIndex => {
                Some(format!("lists {name}"))
            }
            _ if changed.of_owner(owner) == Some(true) => Some(format!("shows {name}")),
            _ => None,
        };
        let reason = reason.or_else(|| {
            let template = output.template.as_deref()?;
            let shown = *shows
                .entry(template)
                .or_insert_with(|| template_shows(&last.templates.reads(template), kind));
            shown.then(|| format!("reads data that shows {name}"))
        });
        if let Some(reason) = reason {
            selected.push(Selected { output, reason });
        }
    }
    selected
}

/// The kind and index of the edited entity.
pub fn edited(edit: &DataEdit) -> (EntityKind, usize) {
    (edit.kind, edit.index)
}
