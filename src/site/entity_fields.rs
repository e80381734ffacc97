//! What resolving derives from the entity records once their references are known: the HTML of
//! every Markdown field (`description`, `offer`, `outcomes`, `body`), with its links to entities
//! resolved in the language's pages, its links to URLs of the site kept for the check and its
//! images shown as the pictures of the kind's `media/` folder, and
//! the facets (sectors,
//! technologies, target markets) with the SMEs and partners that have them.
//!
//! A full load derives everything; after one entity's file is edited ([`render_edited`]) only
//! that entity's Markdown is rendered again, the rest is moved over from the last graph.
//!
//! A further language renders only the fields it translates (an overlay's, whose problems are
//! reported at the overlay): a field it shows in the default language takes the default
//! language's HTML with its own URLs written in ([`SharedField`]), and is rendered for it only
//! when that cannot be done (its text holds what looks like a placeholder).

use super::entities::{DataGraph, EntityKind, Facet, FacetKind, FacetKindKey, facet_key};
use crate::config::BaseUrl;
use crate::diagnostics::Diagnostic;
use crate::markdown::data_images::{image_urls, media_file};
use crate::markdown::{EntityLinks, Links, SiteLink, relink_untrusted, render_untrusted, slugify};
use crate::source::data::{DataFile, Entities, Entity, Mission, Partner, Practice, Sme};
use crate::source::languages::Language;
use rayon::prelude::*;
use std::collections::{BTreeMap, HashMap};

/// A Markdown field as the default language rendered it: where the URLs of its links are in its
/// HTML, and the problems found in it. A further language that shows the same text writes its
/// own URLs there ([`relink_untrusted`]) instead of rendering it again.
#[derive(Debug, Clone)]
pub struct SharedField {
    links: Links,
    errors: Vec<Diagnostic>,
}

/// Renders the Markdown fields of every entity into `g`, with their links resolved against
/// `links`; a field nested too deep is left empty and reported in `errors`, as is a link to an
/// entity that does not exist. In a further language, `default` is the default language's graph,
/// whose HTML is taken for the text this language shows untranslated.
pub(super) fn render_all(
    g: &mut DataGraph,
    entities: &Entities,
    (links, default): (&EntityLinks, Option<&DataGraph>),
    errors: &mut Vec<Diagnostic>,
) {
    let shown = &mut g.pictures_shown;
    let rendered = field_html(
        &entities.partners,
        (
            links,
            default.map(|d| DefaultFields::of(d, EntityKind::Partner, &d.entities.partners)),
        ),
        (errors, shown),
        (EntityKind::Partner, partner_field),
    );
    (g.partner_html, g.partner_links) = g.shared_fields.keep(EntityKind::Partner, rendered);
    let rendered = field_html(
        &entities.smes,
        (
            links,
            default.map(|d| DefaultFields::of(d, EntityKind::Sme, &d.entities.smes)),
        ),
        (errors, shown),
        (EntityKind::Sme, sme_field),
    );
    (g.sme_html, g.sme_links) = g.shared_fields.keep(EntityKind::Sme, rendered);
    let rendered = field_html(
        &entities.missions,
        (
            links,
            default.map(|d| DefaultFields::of(d, EntityKind::Mission, &d.entities.missions)),
        ),
        (errors, shown),
        (EntityKind::Mission, mission_field),
    );
    (g.mission_html, g.mission_links) = g.shared_fields.keep(EntityKind::Mission, rendered);
    let rendered = field_html(
        &entities.practices,
        (
            links,
            default.map(|d| DefaultFields::of(d, EntityKind::Practice, &d.entities.practices)),
        ),
        (errors, shown),
        (EntityKind::Practice, practice_field),
    );
    (g.practice_html, g.practice_links) = g.shared_fields.keep(EntityKind::Practice, rendered);
}

/// The [`SharedField`] of every entity's Markdown field, by kind and entity index (`None` where
/// the field is missing or must be rendered in every language).
#[derive(Debug, Default)]
pub struct SharedFields(BTreeMap<EntityKind, Vec<Option<SharedField>>>);

impl SharedFields {
    /// Keeps the shared fields of `kind`'s rendered fields, returning their HTML and site links.
    fn keep(&mut self, kind: EntityKind, rendered: RenderedKind) -> (Vec<String>, SiteLinks) {
        let (html, site_links, shared) = rendered;
        self.0.insert(kind, shared);
        (html, site_links)
    }
}

/// The default language's fields of one kind of entity.
struct DefaultFields<'a, T> {
    list: &'a [Entity<T>],
    html: &'a [String],
    site_links: &'a [Vec<SiteLink>],
    shared: &'a [Option<SharedField>],
    pictures_shown: &'a BTreeMap<String, Vec<String>>,
}

impl<'a, T> DefaultFields<'a, T> {
    /// The fields of `list`, the entities of `kind` in `graph`.
    fn of(graph: &'a DataGraph, kind: EntityKind, list: &'a [Entity<T>]) -> Self {
        let shared = graph.shared_fields.0.get(&kind);
        DefaultFields {
            list,
            html: graph.field_html(kind),
            site_links: graph.field_links(kind),
            shared: shared.map_or(&[], Vec::as_slice),
            pictures_shown: &graph.pictures_shown,
        }
    }
}

/// Moves the HTML and links of every entity from `last` into `g` and renders again the
/// Markdown field of the edited entity `kind`/`index` alone. Returns whether the edit changed
/// which pictures its text shows (the pictures the site publishes are then no longer known).
pub(super) fn render_edited(
    g: &mut DataGraph,
    entities: &Entities,
    last: &mut DataGraph,
    (kind, index): (EntityKind, usize),
    (links, errors): (&EntityLinks, &mut Vec<Diagnostic>),
) -> bool {
    g.pictures_shown = std::mem::take(&mut last.pictures_shown);
    g.partner_html = std::mem::take(&mut last.partner_html);
    g.sme_html = std::mem::take(&mut last.sme_html);
    g.mission_html = std::mem::take(&mut last.mission_html);
    g.practice_html = std::mem::take(&mut last.practice_html);
    g.partner_links = std::mem::take(&mut last.partner_links);
    g.sme_links = std::mem::take(&mut last.sme_links);
    g.mission_links = std::mem::take(&mut last.mission_links);
    g.practice_links = std::mem::take(&mut last.practice_links);
    g.shared_fields = std::mem::take(&mut last.shared_fields);
    let (html, site_links, rendered) = match kind {
        EntityKind::Partner => (
            &mut g.partner_html,
            &mut g.partner_links,
            one_field_html(&entities.partners, index, links, (kind, partner_field)),
        ),
        EntityKind::Sme => (
            &mut g.sme_html,
            &mut g.sme_links,
            one_field_html(&entities.smes, index, links, (kind, sme_field)),
        ),
        EntityKind::Mission => (
            &mut g.mission_html,
            &mut g.mission_links,
            one_field_html(&entities.missions, index, links, (kind, mission_field)),
        ),
        EntityKind::Practice => (
            &mut g.practice_html,
            &mut g.practice_links,
            one_field_html(&entities.practices, index, links, (kind, practice_field)),
        ),
    };
    let Some(rendered) = rendered else {
        return false;
    };
    let file = entity_file(field_source(entities, kind, index));
    let before = g.pictures_shown.remove(&file).unwrap_or_default();
    let changed = before != rendered.pictures;
    if !rendered.pictures.is_empty() {
        g.pictures_shown.insert(file, rendered.pictures);
    }
    if let (Some(html), Some(site_links)) = (html.get_mut(index), site_links.get_mut(index)) {
        (*html, *site_links) = (rendered.html, rendered.site_links);
        errors.extend(rendered.errors);
    }
    if let Some(shared) = (g.shared_fields.0.get_mut(&kind)).and_then(|s| s.get_mut(index)) {
        *shared = rendered.shared;
    }
    changed
}

/// The data file of entity `kind`/`index`.
fn field_source(entities: &Entities, kind: EntityKind, index: usize) -> Option<&DataFile> {
    match kind {
        EntityKind::Partner => entities.partners.get(index).map(|e| &e.source),
        EntityKind::Sme => entities.smes.get(index).map(|e| &e.source),
        EntityKind::Mission => entities.missions.get(index).map(|e| &e.source),
        EntityKind::Practice => entities.practices.get(index).map(|e| &e.source),
    }
}

/// How [`DataGraph::pictures_shown`] names an entity: its file.
fn entity_file(source: Option<&DataFile>) -> String {
    source.map_or_else(String::new, |s| s.file.to_string_lossy().into_owned())
}

/// The `media/` folder of the entity of `source`, from the site root: `data/smes/media/`.
pub(super) fn media_folder(source: &DataFile) -> String {
    let kind = source.file.parent().unwrap_or(std::path::Path::new(""));
    let kind = kind.to_string_lossy().replace('\\', "/");
    format!("{kind}/{}/", crate::source::picture_fields::MEDIA_DIR)
}

/// The files of the `media/` folder of `source` that the images of `text` name, whether or not
/// they can be shown (what a full build publishes from), each with the image's offset in `text`.
pub(super) fn named_pictures_at(source: &DataFile, text: &str) -> Vec<(usize, String)> {
    let folder = media_folder(source);
    (image_urls(text).into_iter())
        .filter_map(|(offset, url)| Some((offset, media_file(&folder, &url)?)))
        .collect()
}

/// [`named_pictures_at`] without the offsets.
pub(super) fn named_pictures(source: &DataFile, text: &str) -> Vec<String> {
    let named = named_pictures_at(source, text).into_iter();
    named.map(|(_, rel)| rel).collect()
}

/// The URL of every entity page of `entities` by the name a link gives it (`smes/<id>`), under
/// `base` (which holds the language's folder).
pub(super) fn entity_urls(entities: &Entities, base: &BaseUrl) -> HashMap<String, String> {
    fn add<T>(
        urls: &mut HashMap<String, String>,
        base: &BaseUrl,
        kind: EntityKind,
        list: &[Entity<T>],
    ) {
        for entity in list {
            let name = format!("{}/{}", kind.variable().1, entity.id);
            urls.insert(name, format!("{}/{}/{}/", base.path, kind.dir(), entity.id));
        }
    }
    let mut urls = HashMap::new();
    add(&mut urls, base, EntityKind::Partner, &entities.partners);
    add(&mut urls, base, EntityKind::Sme, &entities.smes);
    add(&mut urls, base, EntityKind::Mission, &entities.missions);
    add(&mut urls, base, EntityKind::Practice, &entities.practices);
    urls
}

/// The file, key and text of the Markdown field of entity `kind`/`index`, if it has one.
pub fn field_of(
    entities: &Entities,
    kind: EntityKind,
    index: usize,
) -> Option<(&DataFile, &'static str, &str)> {
    fn of<T>(
        list: &[Entity<T>],
        index: usize,
        field: Field<T>,
    ) -> Option<(&DataFile, &'static str, &str)> {
        let entity = list.get(index)?;
        let (key, text) = field(&entity.record);
        Some((entity.file_of(key), key, text?))
    }
    match kind {
        EntityKind::Partner => of(&entities.partners, index, partner_field),
        EntityKind::Sme => of(&entities.smes, index, sme_field),
        EntityKind::Mission => of(&entities.missions, index, mission_field),
        EntityKind::Practice => of(&entities.practices, index, practice_field),
    }
}

type Field<T> = fn(&T) -> (&'static str, Option<&str>);

fn partner_field(p: &Partner) -> (&'static str, Option<&str>) {
    ("description", p.description.as_deref())
}

fn sme_field(s: &Sme) -> (&'static str, Option<&str>) {
    ("offer", Some(&s.offer))
}

fn mission_field(m: &Mission) -> (&'static str, Option<&str>) {
    ("outcomes", m.outcomes.as_deref())
}

fn practice_field(p: &Practice) -> (&'static str, Option<&str>) {
    ("body", Some(&p.body))
}

/// The Markdown field of one entity rendered: its HTML, its links to URLs of the site, the
/// pictures its images name ([`named_pictures`]), the errors in it, and what a further language
/// needs to show it without rendering it.
#[derive(Default)]
struct RenderedField {
    html: String,
    site_links: Vec<SiteLink>,
    pictures: Vec<String>,
    errors: Vec<Diagnostic>,
    shared: Option<SharedField>,
}

type SiteLinks = Vec<Vec<SiteLink>>;

/// The HTML, site links and shared fields of one kind of entity, by entity index.
type RenderedKind = (Vec<String>, SiteLinks, Vec<Option<SharedField>>);

/// The HTML, the site links and the [`SharedField`] of the Markdown field of each entity (empty
/// where it has none), taken from `default` (the default language's) where it shows the same
/// text; a field nested too deep, or a link to an entity that does not exist, is an error at the
/// place in its file.
fn field_html<T: Sync>(
    list: &[Entity<T>],
    (links, default): (&EntityLinks, Option<DefaultFields<'_, T>>),
    (errors, shown): (&mut Vec<Diagnostic>, &mut BTreeMap<String, Vec<String>>),
    field: (EntityKind, Field<T>),
) -> RenderedKind {
    let rendered: Vec<RenderedField> = (list.par_iter().enumerate())
        .map(|(index, entity)| {
            let shared = default.as_ref().and_then(|default| {
                let original = default.list.get(index).filter(|o| o.id == entity.id)?;
                shared_html((entity, original), index, default, (links, field.1))
            });
            shared.unwrap_or_else(|| entity_html(entity, links, field))
        })
        .collect();
    let mut out: RenderedKind = Default::default();
    for (field, entity) in rendered.into_iter().zip(list) {
        errors.extend(field.errors);
        if !field.pictures.is_empty() {
            shown.insert(entity_file(Some(&entity.source)), field.pictures);
        }
        out.0.push(field.html);
        out.1.push(field.site_links);
        out.2.push(field.shared);
    }
    out
}

/// The Markdown field of `entity` taken from `original`, the same entity in the default
/// language (at `index` in `default`), with the URLs of `links` written in; `None` when the
/// field is translated (it is this language's own text), or cannot be taken.
fn shared_html<T>(
    (entity, original): (&Entity<T>, &Entity<T>),
    index: usize,
    default: &DefaultFields<'_, T>,
    (links, field): (&EntityLinks, Field<T>),
) -> Option<RenderedField> {
    let (key, text) = field(&entity.record);
    let translated = (entity.translation.iter()).any(|t| t.keys.iter().any(|k| k == key));
    if translated || text.is_none() || field(&original.record).1 != text {
        return None;
    }
    let shared = default.shared.get(index)?.as_ref()?;
    let html = relink_untrusted(default.html.get(index)?, &shared.links, links)?;
    let file = entity_file(Some(&entity.source));
    Some(RenderedField {
        html,
        site_links: default.site_links.get(index)?.clone(),
        pictures: default
            .pictures_shown
            .get(&file)
            .cloned()
            .unwrap_or_default(),
        errors: shared.errors.clone(),
        shared: None,
    })
}

fn one_field_html<T>(
    list: &[Entity<T>],
    index: usize,
    links: &EntityLinks,
    field: (EntityKind, Field<T>),
) -> Option<RenderedField> {
    list.get(index)
        .map(|entity| entity_html(entity, links, field))
}

/// The Markdown field of `entity`, of the kind `kind`, rendered for its page: relative links in
/// it are read from that page's URL.
fn entity_html<T>(
    entity: &Entity<T>,
    links: &EntityLinks,
    (kind, field): (EntityKind, Field<T>),
) -> RenderedField {
    let (key, text) = field(&entity.record);
    let Some(text) = text else {
        return RenderedField::default();
    };
    let name = format!("{}/{}", kind.variable().1, entity.id);
    let page_url = links.urls.get(&name).map_or("", String::as_str);
    let at = |offset, message, help| {
        (entity.file_of(key).at_offset_in(key, text, offset, message)).with_help(help)
    };
    let pictures = named_pictures(&entity.source, text);
    match render_untrusted(text, links, page_url, &media_folder(&entity.source)) {
        Ok(rendered) => {
            let errors: Vec<Diagnostic> = (rendered.missing_entities.into_iter())
                .map(|(offset, missing)| at(offset, missing.message, missing.help))
                .chain(
                    (rendered.bad_images.into_iter())
                        .map(|(offset, bad)| at(offset, bad.message, bad.help)),
                )
                .collect();
            let shared = (rendered.links).map(|links| SharedField {
                links,
                errors: errors.clone(),
            });
            RenderedField {
                errors,
                html: rendered.html,
                site_links: rendered.site_links,
                pictures,
                shared,
            }
        }
        Err((offset, deep)) => {
            // The rest of the line, as the file has it, finds the place.
            let line_end = text[offset..].find('\n').map_or(text.len(), |e| offset + e);
            let rest = Some(&text[offset..line_end]).filter(|rest| !rest.is_empty());
            let message = format!("`{key}`: {}", deep.message());
            let error = entity
                .file_of(key)
                .at(key, rest, message)
                .with_help(deep.help());
            RenderedField {
                errors: vec![error],
                pictures,
                ..RenderedField::default()
            }
        }
    }
}

/// An entity record that may name facets (sectors, technologies, target markets).
pub trait NamesFacets {
    /// Whether `other` names the same facets, in the same words: then the facets derived from
    /// the data are the same whichever of the two records it holds.
    fn same_facet_names(&self, other: &Self) -> bool;
}

impl NamesFacets for Sme {
    fn same_facet_names(&self, other: &Self) -> bool {
        self.sectors == other.sectors
            && self.technologies == other.technologies
            && self.target_markets == other.target_markets
    }
}

impl NamesFacets for Partner {
    fn same_facet_names(&self, other: &Self) -> bool {
        self.sectors == other.sectors
    }
}

impl NamesFacets for Mission {
    fn same_facet_names(&self, _: &Self) -> bool {
        true
    }
}

impl NamesFacets for Practice {
    fn same_facet_names(&self, _: &Self) -> bool {
        true
    }
}

/// The facets of the data: every sector, technology and target market named by an SME (and
/// sectors named by partners), each with who has it, sorted by name.
pub(super) fn facets(
    entities: &Entities,
    base: &BaseUrl,
    language: &Language,
) -> BTreeMap<FacetKindKey, Vec<Facet>> {
    let mut facets: BTreeMap<FacetKindKey, BTreeMap<String, Facet>> = BTreeMap::new();
    let mut add =
        |kind: FacetKind, name: &str, slug: String, sme: Option<usize>, partner: Option<usize>| {
            if slug.is_empty() {
                return;
            }
            let output_dir = format!("{}/{}", kind.dir(), slug);
            let facet = facets
                .entry(facet_key(kind))
                .or_default()
                .entry(slug.clone())
                .or_insert_with(|| Facet {
                    name: name.trim().to_owned(),
                    url: format!("{}/{}/", base.path, output_dir),
                    output_dir,
                    slug,
                    smes: Vec::new(),
                    partners: Vec::new(),
                });
            // Entities come in index order: one named twice by an entity is its last.
            if let Some(s) = sme.filter(|s| facet.smes.last() != Some(s)) {
                facet.smes.push(s);
            }
            if let Some(p) = partner.filter(|p| facet.partners.last() != Some(p)) {
                facet.partners.push(p);
            }
        };
    for (i, sme) in entities.smes.iter().enumerate() {
        for sector in &sme.record.sectors {
            add(
                FacetKind::Sector,
                language.label("sectors", sector),
                slugify(sector),
                Some(i),
                None,
            );
        }
        for technology in &sme.record.technologies {
            add(
                FacetKind::Technology,
                language.label("technologies", technology),
                slugify(technology),
                Some(i),
                None,
            );
        }
        for market in &sme.record.target_markets {
            add(
                FacetKind::Market,
                language.label("markets", market.name()),
                market.0.to_lowercase(),
                Some(i),
                None,
            );
        }
    }
    for (i, partner) in entities.partners.iter().enumerate() {
        for sector in &partner.record.sectors {
            add(
                FacetKind::Sector,
                language.label("sectors", sector),
                slugify(sector),
                None,
                Some(i),
            );
        }
    }
    facets
        .into_iter()
        .map(|(kind, by_slug)| {
            let mut list: Vec<Facet> = by_slug.into_values().collect();
            list.sort_by(|a, b| {
                a.name
                    .to_lowercase()
                    .cmp(&b.name.to_lowercase())
                    .then_with(|| a.slug.cmp(&b.slug))
            });
            (kind, list)
        })
        .collect()
}
