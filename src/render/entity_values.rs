//! Template values of data entities: each partner, SME, mission and practice as a "card" (its
//! own fields, URL and rendered Markdown) and as a full value (the card plus its relations, as
//! cards, so that values never nest without end), and the facets derived from the data. Cards
//! and full values are each kept in one [`ValuesByKind`], so a new kind of entity adds a list,
//! not a field in every container.

use crate::site::Site;
use crate::site::entities::{DataGraph, EntityKind, Facet, FacetKind};
use crate::source::data::{Organiser, Photo};
use rayon::prelude::*;
use serde::Serialize;
use std::collections::{BTreeMap, HashMap};
use tera::Value;

/// One list of values per kind of entity, each in id order.
#[derive(Clone, Default, PartialEq)]
pub struct ValuesByKind([Vec<Value>; EntityKind::ALL.len()]);

impl ValuesByKind {
    /// The lists `make` gives for each kind, or its first error.
    fn try_from_fn(
        mut make: impl FnMut(EntityKind) -> Result<Vec<Value>, tera::Error>,
    ) -> Result<ValuesByKind, tera::Error> {
        let mut lists = ValuesByKind::default();
        for kind in EntityKind::ALL {
            *lists.of_mut(kind) = make(kind)?;
        }
        Ok(lists)
    }

    pub fn of(&self, kind: EntityKind) -> &[Value] {
        &self.0[kind as usize]
    }

    pub(super) fn of_mut(&mut self, kind: EntityKind) -> &mut Vec<Value> {
        // `EntityKind::ALL` lists the kinds in the order they are declared in.
        &mut self.0[kind as usize]
    }
}

/// Entity values, by kind, in id order.
#[derive(Clone)]
pub struct EntityValues {
    /// The full value of every entity.
    pub full: ValuesByKind,
    /// For each facet kind (in `FacetKind::ALL` order), its facets.
    pub facets: Vec<Vec<Value>>,
    pub kpis: Value,
    pub roadmap: Value,
    /// The cards the full values and facets embed.
    pub cards: ValuesByKind,
}

impl EntityValues {
    pub fn of(&self, kind: EntityKind) -> &[Value] {
        self.full.of(kind)
    }

    pub(super) fn of_mut(&mut self, kind: EntityKind) -> &mut Vec<Value> {
        self.full.of_mut(kind)
    }

    pub fn facets_of(&self, kind: FacetKind) -> &[Value] {
        &self.facets[FacetKind::ALL.iter().position(|&k| k == kind).unwrap_or(0)]
    }
}

#[derive(Serialize)]
struct Link<'a> {
    name: &'a str,
    url: &'a str,
}

#[derive(Serialize)]
struct Market<'a> {
    code: &'a str,
    name: &'a str,
    url: &'a str,
}

/// A picture field's file as templates see it, from the site root, ready for `image()`.
fn media_path(kind: EntityKind, file: &str) -> String {
    crate::source::picture_fields::media_rel(kind.variable().1, file)
}

fn merge(record: Value, fields: Vec<(&'static str, Value)>) -> Value {
    let mut map = record.into_map().unwrap_or_default();
    for (key, value) in fields {
        map.insert(key.into(), value);
    }
    Value::from(map)
}

fn link_list(graph: &DataGraph, kind: FacetKind, names: &[String]) -> Value {
    let facets = graph.facets(kind);
    Value::from(
        names
            .iter()
            .filter_map(|name| {
                let slug = crate::markdown::slugify(name);
                facets.iter().find(|f| f.slug == slug).map(|f| {
                    Value::from_serializable(&Link {
                        name: &f.name,
                        url: &f.url,
                    })
                })
            })
            .collect::<Vec<_>>(),
    )
}

fn pick(cards: &[Value], indices: &[usize]) -> Value {
    Value::from(
        indices
            .iter()
            .filter_map(|&i| cards.get(i).cloned())
            .collect::<Vec<_>>(),
    )
}

/// A mission's organisers in the order written: partners as their cards, other organisations
/// as `{name, website, outside: true}`.
fn organisers(g: &DataGraph, partner_cards: &[Value], mission: usize) -> Value {
    let list = g.entities.missions[mission]
        .record
        .organisers
        .iter()
        .filter_map(|organiser| match organiser {
            Organiser::Partner(id) => g
                .find(EntityKind::Partner, id)
                .and_then(|p| partner_cards.get(p).cloned()),
            Organiser::Outside(o) => {
                let mut map = tera::Map::new();
                map.insert("name".into(), Value::from(o.name.as_str()));
                map.insert(
                    "website".into(),
                    o.website
                        .as_ref()
                        .map_or_else(Value::none, |w| Value::from(w.0.as_str())),
                );
                map.insert("outside".into(), Value::from(true));
                Some(Value::from(map))
            }
        })
        .collect::<Vec<_>>();
    Value::from(list)
}

/// The URL of the market facet of each country, by its slug (the country code in lower case):
/// the facets own their URL shape, and their names are in the site's language.
pub(super) fn market_urls(site: &Site) -> HashMap<&str, &str> {
    site.graph
        .facets(FacetKind::Market)
        .iter()
        .map(|f| (f.slug.as_str(), f.url.as_str()))
        .collect()
}

/// The fields every entity card but a practice's has.
fn common(
    site: &Site,
    kind: EntityKind,
    i: usize,
    country: &crate::source::data::Country,
) -> Vec<(&'static str, Value)> {
    let g = &site.graph;
    let url = format!("{}/{}/", site.base.path, g.output_dir(kind, i));
    vec![
        ("id", Value::from(g.id(kind, i))),
        ("permalink", Value::from(site.permalink(&url))),
        ("url", Value::from(url)),
        ("country_name", Value::from(country.name())),
    ]
}

/// The card of entity `kind`/`i`: its own fields, URL and rendered Markdown.
pub(super) fn card(
    site: &Site,
    market_urls: &HashMap<&str, &str>,
    kind: EntityKind,
    i: usize,
) -> Result<Value, tera::Error> {
    let g = &site.graph;
    let e = &g.entities;
    match kind {
        EntityKind::Partner => {
            let p = &e.partners[i];
            let mut fields = common(site, kind, i, &p.record.country);
            fields.push(("description_html", Value::safe_string(&g.partner_html[i])));
            fields.push((
                "sector_links",
                link_list(g, FacetKind::Sector, &p.record.sectors),
            ));
            if let Some(logo) = &p.record.logo {
                fields.push(("logo", Value::from(media_path(EntityKind::Partner, logo))));
            }
            Ok(merge(Value::try_from_serializable(&p.record)?, fields))
        }
        EntityKind::Sme => sme_card(site, market_urls, i),
        EntityKind::Mission => mission_card(site, i),
        EntityKind::Practice => {
            let p = &e.practices[i];
            let url = format!("{}/{}/", site.base.path, g.output_dir(kind, i));
            Ok(merge(
                Value::try_from_serializable(&p.record)?,
                vec![
                    ("id", Value::from(p.id.as_str())),
                    ("permalink", Value::from(site.permalink(&url))),
                    ("url", Value::from(url)),
                    ("body_html", Value::safe_string(&g.practice_html[i])),
                ],
            ))
        }
    }
}

fn sme_card(
    site: &Site,
    market_urls: &HashMap<&str, &str>,
    i: usize,
) -> Result<Value, tera::Error> {
    let g = &site.graph;
    let e = &g.entities;
    let s = &e.smes[i];
    let mut fields = common(site, EntityKind::Sme, i, &s.record.country);
    fields.push(("offer_html", Value::safe_string(&g.sme_html[i])));
    fields.push((
        "lead",
        Value::from(crate::markdown::first_sentence(&s.record.offer)),
    ));
    fields.push((
        "sector_links",
        link_list(g, FacetKind::Sector, &s.record.sectors),
    ));
    fields.push((
        "technology_links",
        link_list(g, FacetKind::Technology, &s.record.technologies),
    ));
    let markets: Vec<Value> = s
        .record
        .target_markets
        .iter()
        .map(|c| {
            Value::from_serializable(&Market {
                code: &c.0,
                name: site.language.label("markets", c.name()),
                url: market_urls
                    .get(c.0.to_lowercase().as_str())
                    .copied()
                    .unwrap_or_default(),
            })
        })
        .collect();
    fields.push(("markets", Value::from(markets)));
    fields.push((
        "cluster_name",
        Value::from(
            g.sme_cluster
                .get(i)
                .and_then(|&c| e.partners.get(c))
                .map_or("", |p| p.record.name.as_str()),
        ),
    ));
    if let Some(logo) = &s.record.logo {
        fields.push(("logo", Value::from(media_path(EntityKind::Sme, logo))));
    }
    let photos: Vec<Photo> = s
        .record
        .photos
        .iter()
        .map(|photo| Photo {
            file: media_path(EntityKind::Sme, &photo.file),
            ..photo.clone()
        })
        .collect();
    fields.push(("photos", Value::try_from_serializable(&photos)?));
    Ok(merge(Value::try_from_serializable(&s.record)?, fields))
}

fn mission_card(site: &Site, i: usize) -> Result<Value, tera::Error> {
    let m = &site.graph.entities.missions[i];
    let mut fields = common(site, EntityKind::Mission, i, &m.record.country);
    fields.push((
        "outcomes_html",
        Value::safe_string(&site.graph.mission_html[i]),
    ));
    let kind_label = match m.record.kind {
        crate::source::data::MissionKind::TradeFair => "Trade fair",
        crate::source::data::MissionKind::Matchmaking => "Matchmaking",
        crate::source::data::MissionKind::BusinessMission => "Business mission",
        crate::source::data::MissionKind::Workshop => "Workshop",
    };
    fields.push(("kind_label", Value::from(kind_label)));
    fields.push(("dates", Value::from(m.record.dates().as_str())));
    let pimap_organised = m
        .record
        .organisers
        .iter()
        .all(|o| matches!(o, Organiser::Partner(_)));
    fields.push(("pimap_organised", Value::from(pimap_organised)));
    Ok(merge(Value::try_from_serializable(&m.record)?, fields))
}

/// The full value of entity `kind`/`i`: its card with its relations, as cards.
pub(super) fn full(g: &DataGraph, cards: &ValuesByKind, kind: EntityKind, i: usize) -> Value {
    use EntityKind::{Mission, Partner, Practice, Sme};
    let pick = |kind, indices: &[usize]| pick(cards.of(kind), indices);
    let relations = match kind {
        Partner => vec![
            ("smes", pick(Sme, &g.partner_smes[i])),
            ("missions", pick(Mission, &g.partner_missions[i])),
            ("mous", pick(Partner, &g.partner_mous[i])),
            ("practices", pick(Practice, &g.partner_practices[i])),
        ],
        Sme => {
            let cluster = g
                .sme_cluster
                .get(i)
                .and_then(|&c| cards.of(Partner).get(c))
                .cloned()
                .unwrap_or_else(Value::none);
            vec![
                ("cluster", cluster),
                ("missions", pick(Mission, &g.sme_missions[i])),
                ("related", pick(Sme, &g.sme_related[i])),
            ]
        }
        Mission => vec![
            ("organisers", organisers(g, cards.of(Partner), i)),
            ("partners", pick(Partner, &g.mission_partners[i])),
            ("hosts", pick(Partner, &g.mission_hosts[i])),
            ("participants", pick(Sme, &g.mission_participants[i])),
            ("practices", pick(Practice, &g.mission_practices[i])),
        ],
        Practice => vec![
            ("partners", pick(Partner, &g.practice_partners[i])),
            ("missions", pick(Mission, &g.practice_missions[i])),
        ],
    };
    merge(cards.of(kind)[i].clone(), relations)
}

/// The value of a facet: its name and URL, with the cards of the SMEs and partners that have it.
pub(super) fn facet_value(kind: FacetKind, facet: &Facet, cards: &ValuesByKind) -> Value {
    let mut fields = BTreeMap::new();
    fields.insert("name", Value::from(facet.name.as_str()));
    fields.insert("slug", Value::from(facet.slug.as_str()));
    fields.insert("url", Value::from(facet.url.as_str()));
    fields.insert("kind", Value::from(kind.dir()));
    fields.insert("kind_title", Value::from(kind.title()));
    fields.insert("smes", pick(cards.of(EntityKind::Sme), &facet.smes));
    fields.insert(
        "partners",
        pick(cards.of(EntityKind::Partner), &facet.partners),
    );
    fields.insert(
        "count",
        Value::from(facet.smes.len() + facet.partners.len()),
    );
    Value::from(fields)
}

/// The roadmap actions, each with the cards of its owners.
pub(crate) fn roadmap(g: &DataGraph, cards: &ValuesByKind) -> Result<Value, tera::Error> {
    Ok(match &g.entities.roadmap {
        Some((_, actions)) => Value::from(
            actions
                .iter()
                .enumerate()
                .map(|(i, action)| {
                    Ok(merge(
                        Value::try_from_serializable(action)?,
                        vec![(
                            "owner_partners",
                            pick(cards.of(EntityKind::Partner), &g.roadmap_owners[i]),
                        )],
                    ))
                })
                .collect::<Result<Vec<_>, tera::Error>>()?,
        ),
        None => Value::from(Vec::<Value>::new()),
    })
}

pub fn build(site: &Site) -> Result<EntityValues, tera::Error> {
    let g = &site.graph;
    let market_urls = market_urls(site);
    let cards = ValuesByKind::try_from_fn(|kind| {
        let cards: Vec<Result<Value, tera::Error>> = (0..g.count(kind))
            .into_par_iter()
            .map(|i| card(site, &market_urls, kind, i))
            .collect();
        // The first error in the entities' order, whichever thread met it first.
        cards.into_iter().collect()
    })?;
    let full = ValuesByKind::try_from_fn(|kind| {
        Ok((0..g.count(kind))
            .into_par_iter()
            .map(|i| full(g, &cards, kind, i))
            .collect())
    })?;
    let facets = FacetKind::ALL
        .iter()
        .map(|&kind| {
            g.facets(kind)
                .iter()
                .map(|f| facet_value(kind, f, &cards))
                .collect()
        })
        .collect();
    let kpis = match &g.entities.kpis {
        Some((_, kpis)) => Value::try_from_serializable(kpis)?,
        None => Value::from(Vec::<Value>::new()),
    };
    Ok(EntityValues {
        full,
        facets,
        kpis,
        roadmap: roadmap(g, &cards)?,
        cards,
    })
}

/// The `data` variable: free-form data files, then the typed entities by id, the facets, KPIs
/// and the roadmap.
pub fn data_value(site: &Site, values: &EntityValues) -> Result<Value, tera::Error> {
    let mut map = Value::try_from_serializable(&site.data)?
        .into_map()
        .unwrap_or_default();
    for kind in EntityKind::ALL {
        let by_id: tera::Map = (0..site.graph.count(kind))
            .map(|i| {
                (
                    site.graph.id(kind, i).to_owned().into(),
                    values.of(kind)[i].clone(),
                )
            })
            .collect();
        map.insert(kind.variable().1.into(), Value::from(by_id));
    }
    for kind in FacetKind::ALL {
        map.insert(
            kind.dir().into(),
            Value::from(values.facets_of(kind).to_vec()),
        );
    }
    map.insert("kpis".into(), values.kpis.clone());
    map.insert("roadmap".into(), values.roadmap.clone());
    Ok(Value::from(map))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_kind_has_its_own_list() {
        let mut lists = ValuesByKind::default();
        for (n, kind) in EntityKind::ALL.into_iter().enumerate() {
            lists.of_mut(kind).extend(vec![Value::from(n); n + 1]);
        }
        for (n, kind) in EntityKind::ALL.into_iter().enumerate() {
            assert_eq!(lists.of(kind), vec![Value::from(n); n + 1], "{kind:?}");
        }
    }
}
