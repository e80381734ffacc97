//! The entity values after one entity's file was edited with its references and facets kept,
//! made in proportion to the edit: the edited entity's card again (and, when a partner's name
//! changed, the cards of its cluster's SMEs, which carry that name), then only the full values,
//! facets and roadmap that embed a changed card, then only the entries of `data` that hold them.
//! What changed is compared value by value and returned, so the incremental rebuild can tell
//! which outputs show the edit without comparing every value of the site.
//!
//! The result equals [`super::entity_values::build`] on the edited site (tested below).

use super::entity_values::{self, EntityValues};
use crate::site::Site;
use crate::site::entities::{DataGraph, EntityKind, FacetKind};
use std::collections::{BTreeSet, HashMap};
use tera::Value;

/// The values that differ from those before the edit.
#[derive(Debug, Default)]
pub struct ChangedValues {
    /// Full entity values, by kind.
    pub entities: HashMap<EntityKind, BTreeSet<usize>>,
    /// Cards (what lists and facets embed), by kind.
    pub cards: HashMap<EntityKind, BTreeSet<usize>>,
    pub facets: HashMap<FacetKind, BTreeSet<usize>>,
    pub roadmap: bool,
}

impl ChangedValues {
    pub fn entity(&self, kind: EntityKind, i: usize) -> bool {
        self.entities.get(&kind).is_some_and(|set| set.contains(&i))
    }

    pub fn card(&self, kind: EntityKind, i: usize) -> bool {
        self.cards.get(&kind).is_some_and(|set| set.contains(&i))
    }

    pub fn facet(&self, kind: FacetKind, i: usize) -> bool {
        self.facets.get(&kind).is_some_and(|set| set.contains(&i))
    }

    pub fn any_facet(&self, kind: FacetKind) -> bool {
        self.facets.get(&kind).is_some_and(|set| !set.is_empty())
    }

    pub fn any_entity(&self, kind: EntityKind) -> bool {
        self.entities.get(&kind).is_some_and(|set| !set.is_empty())
    }
}

/// The entity values of `site` after its entity `kind`/`index` was edited, from `old`, the values
/// before the edit, with what changed.
pub fn update(
    site: &Site,
    old: &EntityValues,
    kind: EntityKind,
    index: usize,
) -> Result<(EntityValues, ChangedValues), tera::Error> {
    let g = &site.graph;
    let mut values = old.clone();
    let mut changed = ChangedValues::default();
    let market_urls = entity_values::market_urls(site);
    let mut remade = vec![(kind, index)];
    let renamed = |new: &Value| {
        new.get_from_path("name") != old.cards.of(EntityKind::Partner)[index].get_from_path("name")
    };
    let new_card = entity_values::card(site, &market_urls, kind, index)?;
    if kind == EntityKind::Partner && renamed(&new_card) {
        remade.extend(g.partner_smes[index].iter().map(|&s| (EntityKind::Sme, s)));
    }
    for (kind, i) in remade {
        let card = entity_values::card(site, &market_urls, kind, i)?;
        if card != old.cards.of(kind)[i] {
            values.cards.of_mut(kind)[i] = card;
            changed.cards.entry(kind).or_default().insert(i);
        }
    }
    let mut holders: BTreeSet<(EntityKind, usize)> = BTreeSet::new();
    for (&kind, cards) in &changed.cards {
        for &i in cards {
            holders.extend(holders_of(g, kind, i));
        }
    }
    for (kind, i) in holders {
        let full = entity_values::full(g, &values.cards, kind, i);
        if full != old.of(kind)[i] {
            values.of_mut(kind)[i] = full;
            changed.entities.entry(kind).or_default().insert(i);
        }
    }
    update_facets(g, &mut values, &mut changed);
    let partners = changed.cards.get(&EntityKind::Partner);
    let owns = |owners: &Vec<usize>| {
        owners
            .iter()
            .any(|p| partners.is_some_and(|c| c.contains(p)))
    };
    if g.roadmap_owners.iter().any(owns) {
        let roadmap = entity_values::roadmap(g, &values.cards)?;
        changed.roadmap = roadmap != old.roadmap;
        values.roadmap = roadmap;
    }
    Ok((values, changed))
}

/// The entities whose full values embed the card of `kind`/`i`, itself included.
fn holders_of(
    g: &DataGraph,
    kind: EntityKind,
    i: usize,
) -> impl Iterator<Item = (EntityKind, usize)> {
    let of = |kind: EntityKind, list: &[usize]| -> Vec<(EntityKind, usize)> {
        list.iter().map(|&j| (kind, j)).collect()
    };
    let mut holders = vec![(kind, i)];
    match kind {
        EntityKind::Partner => {
            holders.extend(of(EntityKind::Partner, &g.partner_mous[i]));
            holders.extend(of(EntityKind::Sme, &g.partner_smes[i]));
            holders.extend(of(EntityKind::Mission, &g.partner_missions[i]));
            holders.extend(of(EntityKind::Practice, &g.partner_practices[i]));
        }
        EntityKind::Sme => {
            if let Some(&cluster) = g.sme_cluster.get(i).filter(|&&c| c != usize::MAX) {
                holders.push((EntityKind::Partner, cluster));
            }
            holders.extend(of(EntityKind::Mission, &g.sme_missions[i]));
            holders.extend(of(EntityKind::Sme, &g.sme_related_by[i]));
        }
        EntityKind::Mission => {
            for list in [
                &g.mission_organisers[i],
                &g.mission_partners[i],
                &g.mission_hosts[i],
            ] {
                holders.extend(of(EntityKind::Partner, list));
            }
            holders.extend(of(EntityKind::Sme, &g.mission_participants[i]));
            holders.extend(of(EntityKind::Practice, &g.mission_practices[i]));
        }
        EntityKind::Practice => {
            holders.extend(of(EntityKind::Partner, &g.practice_partners[i]));
            holders.extend(of(EntityKind::Mission, &g.practice_missions[i]));
        }
    }
    holders.into_iter()
}

/// Makes again the facets that list a changed SME or partner card.
fn update_facets(g: &DataGraph, values: &mut EntityValues, changed: &mut ChangedValues) {
    let smes = changed
        .cards
        .get(&EntityKind::Sme)
        .cloned()
        .unwrap_or_default();
    let partners = changed
        .cards
        .get(&EntityKind::Partner)
        .cloned()
        .unwrap_or_default();
    if smes.is_empty() && partners.is_empty() {
        return;
    }
    for (k, &kind) in FacetKind::ALL.iter().enumerate() {
        for (f, facet) in g.facets(kind).iter().enumerate() {
            let lists_changed = facet.smes.iter().any(|s| smes.contains(s))
                || facet.partners.iter().any(|p| partners.contains(p));
            if !lists_changed {
                continue;
            }
            let value = entity_values::facet_value(kind, facet, &values.cards);
            if let Some(slot) = values.facets.get_mut(k).and_then(|list| list.get_mut(f))
                && *slot != value
            {
                *slot = value;
                changed.facets.entry(kind).or_default().insert(f);
            }
        }
    }
}

/// The `data` variable after an edit: `old` with the entries of the changed values replaced.
pub fn update_data(
    old: &Value,
    site: &Site,
    values: &EntityValues,
    changed: &ChangedValues,
) -> Value {
    let mut map = old.clone().into_map().unwrap_or_default();
    for (&kind, indices) in &changed.entities {
        let key = kind.variable().1;
        let mut by_id = map
            .get(&tera::value::Key::from(key))
            .and_then(Value::as_map)
            .cloned()
            .unwrap_or_default();
        for &i in indices {
            by_id.insert(
                site.graph.id(kind, i).to_owned().into(),
                values.of(kind)[i].clone(),
            );
        }
        map.insert(key.into(), Value::from(by_id));
    }
    for kind in FacetKind::ALL {
        if changed.any_facet(kind) {
            map.insert(
                kind.dir().into(),
                Value::from(values.facets_of(kind).to_vec()),
            );
        }
    }
    if changed.roadmap {
        map.insert("roadmap".into(), values.roadmap.clone());
    }
    Value::from(map)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::site::entities::EntityKind;

    /// Renames entity `kind`/`i` in `site` (a field every kind shows on its cards).
    fn rename(site: &mut Site, kind: EntityKind, i: usize) {
        let e = &mut site.graph.entities;
        let name = match kind {
            EntityKind::Partner => &mut e.partners[i].record.name,
            EntityKind::Sme => &mut e.smes[i].record.name,
            EntityKind::Mission => &mut e.missions[i].record.title,
            EntityKind::Practice => &mut e.practices[i].record.title,
        };
        name.push_str(" (renamed)");
    }

    fn assert_same(updated: &EntityValues, built: &EntityValues, what: &str) {
        for kind in EntityKind::ALL {
            assert!(
                updated.of(kind) == built.of(kind),
                "{what}: {kind:?} values"
            );
            assert!(
                updated.cards.of(kind) == built.cards.of(kind),
                "{what}: {kind:?} cards"
            );
        }
        assert!(updated.facets == built.facets, "{what}: facets");
        assert!(updated.roadmap == built.roadmap, "{what}: roadmap");
    }

    /// Every entity of the PIMAP site renamed in turn: the updated values, and `data`, equal
    /// those built from scratch, and exactly the values that differ are reported as changed.
    #[test]
    fn an_update_equals_a_full_build_for_every_entity() {
        let root = env!("CARGO_MANIFEST_DIR");
        let mut prepared = crate::prepare(&crate::BuildOptions::new(root)).unwrap();
        let site = &mut prepared.site;
        for kind in EntityKind::ALL {
            for i in 0..site.graph.count(kind) {
                let old = entity_values::build(site).unwrap();
                let old_data = entity_values::data_value(site, &old).unwrap();
                rename(site, kind, i);
                let what = format!("{kind:?} {i}");
                let (updated, changed) = update(site, &old, kind, i).unwrap();
                let built = entity_values::build(site).unwrap();
                assert_same(&updated, &built, &what);
                let data = update_data(&old_data, site, &updated, &changed);
                assert!(
                    data == entity_values::data_value(site, &built).unwrap(),
                    "{what}: data"
                );
                for k in EntityKind::ALL {
                    for j in 0..site.graph.count(k) {
                        let differs = old.of(k)[j] != built.of(k)[j];
                        assert_eq!(changed.entity(k, j), differs, "{what}: {k:?} {j}");
                        let card_differs = old.cards.of(k)[j] != built.cards.of(k)[j];
                        assert_eq!(changed.card(k, j), card_differs, "{what}: card {k:?} {j}");
                    }
                }
                for (f, &facet_kind) in FacetKind::ALL.iter().enumerate() {
                    for (j, value) in old.facets[f].iter().enumerate() {
                        let differs = *value != built.facets[f][j];
                        assert_eq!(changed.facet(facet_kind, j), differs, "{what}: facet {j}");
                    }
                }
            }
        }
    }
}
