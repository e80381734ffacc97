//! What resolving derives from the entity records once their references are known: the HTML of
//! every Markdown field (`description`, `offer`, `outcomes`, `body`) and the facets (sectors,
//! technologies, target markets) with the SMEs and partners that have them.
//!
//! A full load derives everything; after one entity's file is edited ([`render_edited`]) only
//! that entity's Markdown is rendered again, the rest is moved over from the last graph.

use super::entities::{DataGraph, EntityKind, Facet, FacetKind, FacetKindKey, facet_key};
use crate::config::BaseUrl;
use crate::diagnostics::Diagnostic;
use crate::markdown::{render_untrusted, slugify};
use crate::source::data::{Entities, Entity, Mission, Partner, Practice, Sme};
use crate::source::languages::Language;
use rayon::prelude::*;
use std::collections::BTreeMap;

/// Renders the Markdown fields of every entity into `g`; a field nested too deep is left empty
/// and reported in `errors`.
pub(super) fn render_all(g: &mut DataGraph, entities: &Entities, errors: &mut Vec<Diagnostic>) {
    g.partner_html = field_html(&entities.partners, errors, partner_field);
    g.sme_html = field_html(&entities.smes, errors, sme_field);
    g.mission_html = field_html(&entities.missions, errors, mission_field);
    g.practice_html = field_html(&entities.practices, errors, practice_field);
}

/// Moves the HTML of every entity from `last` into `g` and renders again the Markdown field of
/// the edited entity `kind`/`index` alone.
pub(super) fn render_edited(
    g: &mut DataGraph,
    entities: &Entities,
    last: &mut DataGraph,
    (kind, index): (EntityKind, usize),
    errors: &mut Vec<Diagnostic>,
) {
    g.partner_html = std::mem::take(&mut last.partner_html);
    g.sme_html = std::mem::take(&mut last.sme_html);
    g.mission_html = std::mem::take(&mut last.mission_html);
    g.practice_html = std::mem::take(&mut last.practice_html);
    let (html, rendered) = match kind {
        EntityKind::Partner => (
            &mut g.partner_html,
            one_field_html(&entities.partners, index, partner_field),
        ),
        EntityKind::Sme => (
            &mut g.sme_html,
            one_field_html(&entities.smes, index, sme_field),
        ),
        EntityKind::Mission => (
            &mut g.mission_html,
            one_field_html(&entities.missions, index, mission_field),
        ),
        EntityKind::Practice => (
            &mut g.practice_html,
            one_field_html(&entities.practices, index, practice_field),
        ),
    };
    if let (Some(slot), Some(rendered)) = (html.get_mut(index), rendered) {
        *slot = rendered.unwrap_or_else(|error| {
            errors.push(error);
            String::new()
        });
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

/// The HTML of the Markdown field of each entity (empty where it has none); a field nested too
/// deep is an error at the place in its file.
fn field_html<T: Sync>(
    list: &[Entity<T>],
    errors: &mut Vec<Diagnostic>,
    field: Field<T>,
) -> Vec<String> {
    let rendered: Vec<Result<String, Diagnostic>> = list
        .par_iter()
        .map(|entity| entity_html(entity, field))
        .collect();
    rendered
        .into_iter()
        .map(|html| {
            html.unwrap_or_else(|error| {
                errors.push(error);
                String::new()
            })
        })
        .collect()
}

fn one_field_html<T>(
    list: &[Entity<T>],
    index: usize,
    field: Field<T>,
) -> Option<Result<String, Diagnostic>> {
    list.get(index).map(|entity| entity_html(entity, field))
}

fn entity_html<T>(entity: &Entity<T>, field: Field<T>) -> Result<String, Diagnostic> {
    let (key, text) = field(&entity.record);
    let Some(text) = text else {
        return Ok(String::new());
    };
    render_untrusted(text).map_err(|(offset, deep)| {
        // The rest of the line, as the file has it, finds the place.
        let line_end = text[offset..].find('\n').map_or(text.len(), |e| offset + e);
        let rest = Some(&text[offset..line_end]).filter(|rest| !rest.is_empty());
        let message = format!("`{key}`: {}", deep.message());
        entity.source.at(key, rest, message).with_help(deep.help())
    })
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
