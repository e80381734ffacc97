//! The data-edit fast path: one entity file (`data/smes/x.yaml`, a partner, mission or practice)
//! changed, keeping its id, its references and its facet values.
//!
//! One function per phase: [`parse_file`] re-reads and checks the file as a full load does
//! ([`super::overlays`] lays a language's translation over it), [`edit_of`] finds the entity;
//! [`commit_edit`] resolves the data again with the new record (rendering only its Markdown:
//! [`crate::site::entities::resolve_edit`]) and keeps it only when every relation of the graph
//! (references both ways, facets and who has them) is unchanged, no warning appears and every
//! link to a URL of the site in its Markdown leads to an output, then
//! updates only the values that embed the entity ([`crate::render::entity_update`]), `data` and,
//! for a partner, the charts; [`shortcode_pages`] names the pages and sections whose shortcodes
//! show entities, whose bodies are then rendered again on the body path; [`select_outputs`]
//! picks the outputs that show the entity, each with the reason it is rendered again: its own
//! page, every page, embed or facet whose entity or facet value changed, the entity lists, the
//! API and search files, and outputs whose templates read from `data` a key or a field that
//! holds the edited kind ([`crate::render::reads`]).

use super::fast_render::reads_of;
use super::{Fallback, Selected, fall};
use crate::Prepared;
use crate::plan::{Embed, OutputOwner, PagedList};
use crate::render::SiteValues;
use crate::render::entity_update::{self, ChangedValues};
use crate::render::reads::TemplateReads;
use crate::site::Site;
use crate::site::entities::{self, DataGraph, EditRefused, Edited, EntityKind, FacetKind};
use crate::site::entity_fields::NamesFacets;
use crate::source::content::ContentSource;
use crate::source::data::{self, DataFile, Entities, Entity, Scheduled};
use crate::source::files::SiteRoot;
use crate::source::publication::Window;
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

/// Reads `data/<rel>` through the same rule as a full load (nothing outside the site).
pub(super) fn read_file(root: &SiteRoot, rel: &str) -> Result<DataFile, Fallback> {
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
    Ok(DataFile { file, text })
}

/// Reads `data/<rel>` and parses it with the checks of a full load, which must find no problem.
pub(super) fn parse_file(root: &SiteRoot, rel: &str) -> Result<Entities, Fallback> {
    let source = read_file(root, rel)?;
    let mut parsed = Entities::default();
    let mut problems = Vec::new();
    data::add_file(&mut parsed, rel, source, &mut problems);
    if !problems.is_empty() {
        return Err(fall(format!(
            "data/{rel} has a problem a full build reports"
        )));
    }
    Ok(parsed)
}

/// The edit of the entity file `data/<rel>` into `parsed` (the file read as `last`'s language
/// shows it); the entity must exist, with the same publication dates.
pub(super) fn edit_of(last: &Prepared, rel: &str, parsed: Entities) -> Result<DataEdit, Fallback> {
    let kind = entity_kind(rel).ok_or_else(|| fall(format!("data/{rel} changed")))?;
    let graph = &last.site.graph;
    let index = first_id(&parsed, kind)
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

/// The id of the entity of `kind` that an entity file holds.
pub(super) fn first_id(parsed: &Entities, kind: EntityKind) -> Option<&str> {
    match kind {
        EntityKind::Partner => parsed.partners.first().map(|e| e.id.as_str()),
        EntityKind::Sme => parsed.smes.first().map(|e| e.id.as_str()),
        EntityKind::Mission => parsed.missions.first().map(|e| e.id.as_str()),
        EntityKind::Practice => parsed.practices.first().map(|e| e.id.as_str()),
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

/// Puts the new record in the data graph and updates the values that embed the entity; falls
/// back when a relation or a warning changes (then `last` is left half updated: the session
/// drops it). Returns what changed.
pub fn commit_edit(last: &mut Prepared, edit: DataEdit) -> Result<ChangedValues, Fallback> {
    let DataEdit {
        kind,
        index,
        mut parsed,
    } = edit;
    let site = &mut last.site;
    let name = format!("{}/{}", kind.dir(), site.graph.id(kind, index));
    // Before the records move out of the graph: the pictures the entity showed.
    let pictures: Vec<String> = picture_files(&site.graph, kind, index)
        .into_iter()
        .map(str::to_owned)
        .collect();
    // Moved, not copied: a copy of 10,000 records costs more than the rest of the edit.
    let mut entities = std::mem::take(&mut site.graph.entities);
    let same_facets = match kind {
        EntityKind::Partner => swap_in(&mut entities.partners, index, parsed.partners.pop()),
        EntityKind::Sme => swap_in(&mut entities.smes, index, parsed.smes.pop()),
        EntityKind::Mission => swap_in(&mut entities.missions, index, parsed.missions.pop()),
        EntityKind::Practice => swap_in(&mut entities.practices, index, parsed.practices.pop()),
    }
    .ok_or_else(|| fall(format!("{name} is no longer in the data")))?;
    let edited = Edited {
        last: &mut site.graph,
        kind,
        index,
        same_facets,
    };
    let (graph, warnings) = entities::resolve_edit(entities, &site.base, &site.language, edited)
        .map_err(|refused| {
            fall(match refused {
                EditRefused::Problems => {
                    format!("the edit of {name} has a problem a full build reports")
                }
                EditRefused::PicturesChanged => {
                    format!("the edit of {name} changes the pictures its text shows")
                }
            })
        })?;
    if !warnings.is_empty() {
        return Err(fall(format!(
            "the edit of {name} has a warning a full build reports"
        )));
    }
    if picture_files(&graph, kind, index) != pictures {
        return Err(fall(format!(
            "the edit of {name} changes which pictures it shows"
        )));
    }
    if !same_relations(&site.graph, &graph, same_facets) {
        return Err(fall(format!(
            "the edit of {name} changes a reference or a facet"
        )));
    }
    site.graph = graph;
    let anchors_of = |owner| crate::plan::site_links::markdown_anchors(&last.site, owner);
    let broken =
        crate::plan::site_links::check_entity(&last.site, &last.plan, (kind, index), &anchors_of);
    if !broken.is_empty() {
        return Err(fall(format!(
            "the edit of {name} has a broken link a full build reports"
        )));
    }
    let site = &last.site;
    let (entities, changed) = entity_update::update(site, &last.values.entities, kind, index)
        .map_err(|e| fall(format!("the entity values could not be made: {e}")))?;
    let mut values: SiteValues = (*last.values).clone();
    values.data = entity_update::update_data(&values.data, site, &entities, &changed);
    values.entities = entities;
    if kind == EntityKind::Partner {
        last.templates.redraw_charts(site);
    }
    let values = Arc::new(values);
    last.templates.rebind(&values);
    last.values = values;
    Ok(changed)
}

/// Puts `new` at `index` of `list`; whether it names the same facets as the entity it replaced.
fn swap_in<T: NamesFacets>(
    list: &mut [Entity<T>],
    index: usize,
    new: Option<Entity<T>>,
) -> Option<bool> {
    let slot = list.get_mut(index)?;
    let old = std::mem::replace(slot, new?);
    // The window is unchanged (checked by [`edit_of`]), and so is the publication.
    slot.publication = old.publication;
    Some(old.record.same_facet_names(&slot.record))
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

/// Whether two graphs relate the same entities to each other and to the same facets (`kept`:
/// the facets and related SMEs were moved from `a` to `b`, unchanged).
fn same_relations(a: &DataGraph, b: &DataGraph, kept: bool) -> bool {
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
        && (kept || (a.facets == b.facets && a.sme_related == b.sme_related))
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
        EntityKind::Sme => &["smes", "participants", "related"],
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

/// The fields that a full entity value of `kind` adds to its card: its relations, as cards
/// ([`crate::render::entity_values`]).
fn relation_names(kind: EntityKind) -> &'static [&'static str] {
    match kind {
        EntityKind::Partner => &["smes", "missions", "mous", "practices"],
        EntityKind::Sme => &["cluster", "missions", "related"],
        EntityKind::Mission => &[
            "organisers",
            "partners",
            "hosts",
            "participants",
            "practices",
        ],
        EntityKind::Practice => &["partners", "missions"],
    }
}

/// Whether a template with `reads` can show an entity of `kind` through `data` or a chart.
fn template_shows(reads: &TemplateReads, kind: EntityKind) -> bool {
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

/// Whether the value an output of `owner` is given changed; `None` for outputs not given an
/// entity's or a facet's value.
fn owner_changed(changed: &ChangedValues, owner: OutputOwner) -> Option<bool> {
    match owner {
        OutputOwner::Entity(kind, i) => Some(changed.entity(kind, i)),
        OutputOwner::Embed(Embed::Sme(i)) | OutputOwner::OEmbed(Embed::Sme(i)) => {
            Some(changed.entity(EntityKind::Sme, i))
        }
        OutputOwner::Embed(Embed::ClusterSmes(p, _))
        | OutputOwner::OEmbed(Embed::ClusterSmes(p, _)) => {
            Some(changed.entity(EntityKind::Partner, p))
        }
        OutputOwner::Facet(kind, i) => Some(changed.facet(kind, i)),
        OutputOwner::FacetIndex(kind) => Some(changed.any_facet(kind)),
        _ => None,
    }
}

/// The outputs that show the edited entity, each with why: its own page and API file, the
/// search index, the pages of entity and facet lists that hold a changed value (or whose
/// templates show more than their page: [`list_shows`]), every page and embed whose own
/// entity or facet value changed, and those whose templates can show the entity through `data`
/// or a chart.
pub fn select_outputs<'p>(
    last: &'p Prepared,
    changed: &ChangedValues,
    kind: EntityKind,
    index: usize,
) -> Vec<Selected<'p>> {
    let name = format!("{}/{}", kind.dir(), last.site.graph.id(kind, index));
    let mut reads: HashMap<&str, TemplateReads> = HashMap::new();
    let mut selected = Vec::new();
    for output in &last.plan.outputs {
        let owner = output.owner.shown();
        let reason = match owner {
            OutputOwner::Entity(k, i) if k == kind && i == index => Some("its data".to_owned()),
            OutputOwner::Api(k) if k == kind => Some(format!("lists {name}")),
            OutputOwner::SearchIndex => Some(format!("lists {name}")),
            OutputOwner::EntityList(_)
            | OutputOwner::Facet(..)
            | OutputOwner::Entity(EntityKind::Partner, _) => {
                let shows = output.template.as_deref().is_some_and(|template| {
                    list_shows(
                        last,
                        changed,
                        output.owner,
                        kind,
                        reads_of(&mut reads, last, template),
                    )
                });
                shows.then(|| format!("lists {name}"))
            }
            _ if owner_changed(changed, owner) == Some(true) => Some(format!("shows {name}")),
            _ => None,
        };
        let reason = reason.or_else(|| {
            let template = output.template.as_deref()?;
            template_shows(reads_of(&mut reads, last, template), kind)
                .then(|| format!("reads data that shows {name}"))
        });
        if let Some(reason) = reason {
            let own = output.owner == OutputOwner::Entity(kind, index);
            selected.push(Selected {
                output,
                reason,
                own,
            });
        }
    }
    selected
}

/// Whether page `owner` of an entity, facet or partner list shows a changed value: one of the items of
/// its page changed, or its template reads, beyond its page, names that hold cards of the
/// edited `kind` (then any page of the list may show it). A list whose values did not change
/// shows nothing new.
fn list_shows(
    last: &Prepared,
    changed: &ChangedValues,
    owner: OutputOwner,
    kind: EntityKind,
    reads: &TemplateReads,
) -> bool {
    let site = &last.site;
    let Some((list, number)) = owner.list_page() else {
        return false;
    };
    let any_facet = || FacetKind::ALL.into_iter().any(|f| changed.any_facet(f));
    let (list_changed, page_changed) = match list {
        // The list page of a kind shows all of them and every facet.
        PagedList::EntityList(k) => {
            let page = page_items(site, list, number, 0..site.graph.count(k));
            // An item whose card is unchanged changed in its relations alone (an SME's related
            // SMEs), which the page shows only if its template reads them.
            let shows_relations = reads.reads_whole_values
                || relation_names(k)
                    .iter()
                    .any(|name| reads.shown_names.contains(*name));
            (
                changed.any_entity(k) || any_facet(),
                page.into_iter()
                    .any(|i| changed.entity(k, i) && (changed.card(k, i) || shows_relations)),
            )
        }
        PagedList::Facet(facet_kind, f) => {
            let smes = &site.graph.facets(facet_kind)[f].smes;
            let page = page_items(site, list, number, smes.iter().copied());
            (
                changed.facet(facet_kind, f),
                page.into_iter().any(|s| changed.card(EntityKind::Sme, s)),
            )
        }
        PagedList::Partner(p) => {
            let smes = &site.graph.partner_smes[p];
            let page = page_items(site, list, number, smes.iter().copied());
            (
                changed.entity(EntityKind::Partner, p),
                page.into_iter().any(|s| changed.card(EntityKind::Sme, s)),
            )
        }
        PagedList::Section(_) | PagedList::Term(..) => return false,
    };
    list_changed
        && (page_changed
            || reads.reads_whole_values
            || fields_showing(kind)
                .iter()
                .any(|f| reads.shown_names.contains(*f)))
}

/// The items of `list` that its page `number` shows (all of them when it is not split).
fn page_items<T>(
    site: &Site,
    list: PagedList,
    number: usize,
    items: impl Iterator<Item = T>,
) -> Vec<T> {
    match list.page_size(site) {
        0 => items.collect(),
        size => items
            .skip(number.saturating_sub(1).saturating_mul(size))
            .take(size)
            .collect(),
    }
}

/// The kind and index of the edited entity.
pub fn edited(edit: &DataEdit) -> (EntityKind, usize) {
    (edit.kind, edit.index)
}
