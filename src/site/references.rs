//! References between data entities: every id that an entity's file names (an SME's cluster, a
//! mission's organisers, partners, hosts and participants, a practice's partners and missions,
//! an MoU's signatories, a roadmap action's owners) must name an entity of the right kind; each
//! that does not is a diagnostic at the value, with the closest id as a suggestion. The
//! relations found both ways go into the [`DataGraph`].

use super::entities::DataGraph;
use crate::diagnostics::{Diagnostic, did_you_mean};
use crate::source::data::{DataFile, Entities, Organiser, PartnerKind};
use std::collections::{HashMap, HashSet};

/// Resolves every reference of `entities` into `g` (whose per-entity lists are sized); the
/// problems found. References to the entity files in `failed` (which did not load) or to
/// entities this build leaves out are not reported again.
pub(super) fn link(
    entities: &Entities,
    failed: &HashSet<String>,
    g: &mut DataGraph,
) -> Vec<Diagnostic> {
    let mut r = Resolver {
        failed,
        withheld: entities
            .withheld
            .iter()
            .map(|e| format!("{}/{}", e.folder, e.id))
            .collect(),
        partners: entities
            .partners
            .iter()
            .enumerate()
            .map(|(i, p)| (p.id.as_str(), (i, p.record.kind)))
            .collect(),
        smes: entities
            .smes
            .iter()
            .enumerate()
            .map(|(i, s)| (s.id.as_str(), i))
            .collect(),
        missions: entities
            .missions
            .iter()
            .enumerate()
            .map(|(i, m)| (m.id.as_str(), i))
            .collect(),
        errors: Vec::new(),
    };
    link_mous(&mut r, entities, g);
    link_smes(&mut r, entities, g);
    link_missions(&mut r, entities, g);
    link_practices(&mut r, entities, g);
    link_roadmap(&mut r, entities, g);
    r.errors
}

/// The signatories of each partner's MoU, both ways.
fn link_mous(r: &mut Resolver, entities: &Entities, g: &mut DataGraph) {
    for (i, partner) in entities.partners.iter().enumerate() {
        if let Some(mou) = &partner.record.mou {
            for cluster in r.ids(
                &partner.source,
                None,
                "signatories",
                &mou.signatories,
                Wanted::Cluster,
            ) {
                g.partner_mous[i].push(cluster);
                g.partner_mous[cluster].push(i);
            }
        }
    }
}

/// Each SME's cluster (whose country should be the SME's), and each cluster's SMEs.
fn link_smes(r: &mut Resolver, entities: &Entities, g: &mut DataGraph) {
    for (i, sme) in entities.smes.iter().enumerate() {
        let cluster = r.id(
            &sme.source,
            None,
            "cluster",
            &sme.record.cluster,
            &Wanted::Cluster,
        );
        if let Some(cluster) = cluster {
            g.partner_smes[cluster].push(i);
            let cluster_country = &entities.partners[cluster].record.country;
            if cluster_country != &sme.record.country {
                let message = format!(
                    "the SME is in {}, but its cluster `{}` is in {}",
                    sme.record.country.0, sme.record.cluster, cluster_country.0
                );
                r.errors
                    .push(sme.source.at("country", None, message).warning());
            }
        }
        g.sme_cluster.push(cluster.unwrap_or(usize::MAX));
    }
}

/// Each mission's organisers, partners, hosts and participants, and each partner's and SME's
/// missions.
fn link_missions(r: &mut Resolver, entities: &Entities, g: &mut DataGraph) {
    for (i, mission) in entities.missions.iter().enumerate() {
        let m = &mission.record;
        let organiser_ids: Vec<String> = m
            .organisers
            .iter()
            .filter_map(|o| match o {
                Organiser::Partner(id) => Some(id.clone()),
                Organiser::Outside(_) => None,
            })
            .collect();
        let organisers = r.ids(
            &mission.source,
            None,
            "organisers",
            &organiser_ids,
            Wanted::AnyPartner,
        );
        let took_part = r.ids(
            &mission.source,
            None,
            "partners",
            &m.partners,
            Wanted::AnyPartner,
        );
        let hosts = r.ids(&mission.source, None, "hosts", &m.hosts, Wanted::AnyPartner);
        let participants = r.ids(
            &mission.source,
            None,
            "participants",
            &m.participants,
            Wanted::Sme,
        );
        for &p in organisers.iter().chain(&took_part).chain(&hosts) {
            if !g.partner_missions[p].contains(&i) {
                g.partner_missions[p].push(i);
            }
        }
        for &s in &participants {
            g.sme_missions[s].push(i);
        }
        g.mission_organisers.push(organisers);
        g.mission_partners.push(took_part);
        g.mission_hosts.push(hosts);
        g.mission_participants.push(participants);
    }
}

/// Each practice's partners and related missions, and the practices of each partner and mission.
fn link_practices(r: &mut Resolver, entities: &Entities, g: &mut DataGraph) {
    for (i, practice) in entities.practices.iter().enumerate() {
        let partners = r.ids(
            &practice.source,
            None,
            "partners",
            &practice.record.partners,
            Wanted::AnyPartner,
        );
        let missions = r.ids(
            &practice.source,
            None,
            "related_missions",
            &practice.record.related_missions,
            Wanted::Mission,
        );
        for &p in &partners {
            g.partner_practices[p].push(i);
        }
        for &m in &missions {
            g.mission_practices[m].push(i);
        }
        g.practice_partners.push(partners);
        g.practice_missions.push(missions);
    }
}

/// The owners of each roadmap action.
fn link_roadmap(r: &mut Resolver, entities: &Entities, g: &mut DataGraph) {
    if let Some((source, actions)) = &entities.roadmap {
        for action in actions {
            let owners = r.ids(
                source,
                Some(&action.id),
                "owners",
                &action.owners,
                Wanted::AnyPartner,
            );
            g.roadmap_owners.push(owners);
        }
    }
}

struct Resolver<'a> {
    failed: &'a HashSet<String>,
    /// `smes/x` for every entity this build leaves out: a reference to it is left out too.
    withheld: HashSet<String>,
    partners: HashMap<&'a str, (usize, PartnerKind)>,
    smes: HashMap<&'a str, usize>,
    missions: HashMap<&'a str, usize>,
    errors: Vec<Diagnostic>,
}

enum Wanted {
    AnyPartner,
    Cluster,
    Sme,
    Mission,
}

impl<'a> Resolver<'a> {
    /// Resolves the ids under `key` of `source`, reporting each one that does not resolve.
    fn ids(
        &mut self,
        source: &DataFile,
        item: Option<&str>,
        key: &str,
        ids: &[String],
        wanted: Wanted,
    ) -> Vec<usize> {
        ids.iter()
            .filter_map(|id| self.id(source, item, key, id, &wanted))
            .collect()
    }

    /// The ids a reference of `wanted` may name (listed only for a message: a site has
    /// thousands of SMEs).
    fn candidates(&self, wanted: &Wanted) -> Vec<&'a str> {
        match wanted {
            Wanted::AnyPartner => self.partners.keys().copied().collect(),
            Wanted::Cluster => self
                .partners
                .iter()
                .filter(|p| p.1.1 == PartnerKind::Cluster)
                .map(|p| *p.0)
                .collect(),
            Wanted::Sme => self.smes.keys().copied().collect(),
            Wanted::Mission => self.missions.keys().copied().collect(),
        }
    }

    fn id(
        &mut self,
        source: &DataFile,
        item: Option<&str>,
        key: &str,
        id: &str,
        wanted: &Wanted,
    ) -> Option<usize> {
        let (found, what): (Option<usize>, &str) = match wanted {
            Wanted::AnyPartner => (self.partners.get(id).map(|p| p.0), "partner"),
            Wanted::Cluster => match self.partners.get(id) {
                Some((_, PartnerKind::International)) => {
                    let message = format!(
                        "`{id}` is an international partner, but `{key}` must name a cluster"
                    );
                    self.errors.push(place(source, item, key, id, message));
                    return None;
                }
                found => (found.map(|p| p.0), "cluster"),
            },
            Wanted::Sme => (self.smes.get(id).copied(), "SME"),
            Wanted::Mission => (self.missions.get(id).copied(), "mission"),
        };
        let folder = match wanted {
            Wanted::AnyPartner | Wanted::Cluster => "partners",
            Wanted::Sme => "smes",
            Wanted::Mission => "missions",
        };
        if found.is_none()
            && (self.failed.contains(&format!("{folder}/{id}.yaml"))
                || self.failed.contains(&format!("{folder}/{id}.yml"))
                || self.withheld.contains(&format!("{folder}/{id}")))
        {
            return None;
        }
        if found.is_none() {
            let mut sorted = self.candidates(wanted);
            sorted.sort_unstable();
            let help = did_you_mean(id, sorted.iter().copied())
                .map(|best| format!("did you mean `{best}`?"));
            let mut d = place(
                source,
                item,
                key,
                id,
                format!("there is no {what} with the id `{id}`"),
            );
            d.help = help.or_else(|| {
                Some(format!(
                    "the {what} ids are the file names in data/{}/",
                    if what == "mission" {
                        "missions"
                    } else if what == "SME" {
                        "smes"
                    } else {
                        "partners"
                    }
                ))
            });
            self.errors.push(d);
        }
        found
    }
}

fn place(
    source: &DataFile,
    item: Option<&str>,
    key: &str,
    id: &str,
    message: String,
) -> Diagnostic {
    match item {
        Some(item) => source.at_item(item, key, Some(id), message),
        None => source.at(key, Some(id), message),
    }
}
