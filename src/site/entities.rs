//! The data graph: entities with their references checked and their relations resolved.
//!
//! Every reference must name an entity of the right kind (checked in `references.rs`, which
//! also records each relation both ways: a cluster's SMEs, missions, MoUs and practices; an SME's
//! missions). Here the graph is put together from them, with the facets derived from the data
//! (sectors, technologies, target markets), the URL of every entity page, and the HTML of every
//! Markdown field (in a further language, taken from the default language's graph where the
//! field has no translation).

use super::entity_fields;
use crate::config::BaseUrl;
use crate::diagnostics::Diagnostic;
use crate::markdown::data_images::DataPictures;
use crate::markdown::{EntityLinks, SiteLink};
use crate::source::data::{DataFile, Entities, Entity};
use crate::source::languages::Language;
use crate::source::publication::Publication;
use std::collections::BTreeMap;

pub use super::kinds::{EntityKind, FacetKind};

/// One sector, technology or market, and the SMEs and partners that have it.
#[derive(Debug, Clone, PartialEq)]
pub struct Facet {
    pub name: String,
    pub slug: String,
    pub url: String,
    pub output_dir: String,
    /// The SMEs and partners that have it, in index order (so a search can be binary).
    pub smes: Vec<usize>,
    pub partners: Vec<usize>,
}

/// Entities with references resolved (as indices) and Markdown rendered.
#[derive(Debug, Default)]
pub struct DataGraph {
    pub entities: Entities,
    /// Entity files (`smes/x.yaml`) that exist but are not in the graph: they had errors, or
    /// the references between entities did. A reference to one is not reported again.
    pub unresolved: std::collections::HashSet<String>,
    /// The references between entities had errors: the graph holds no entity, and no entity,
    /// list or facet page is made.
    pub references_broken: bool,
    /// A cluster's SMEs, in index order.
    pub partner_smes: Vec<Vec<usize>>,
    /// Missions a partner organised, took part in or hosted.
    pub partner_missions: Vec<Vec<usize>>,
    /// International partners whose MoU a cluster signed; for an international partner, the
    /// clusters that signed its MoU.
    pub partner_mous: Vec<Vec<usize>>,
    pub partner_practices: Vec<Vec<usize>>,
    pub sme_cluster: Vec<usize>,
    pub sme_missions: Vec<Vec<usize>>,
    /// Organisers that are partners of the data (other organisers are named in the record).
    pub mission_organisers: Vec<Vec<usize>>,
    /// Partners recorded as taking part.
    pub mission_partners: Vec<Vec<usize>>,
    pub mission_hosts: Vec<Vec<usize>>,
    pub mission_participants: Vec<Vec<usize>>,
    pub mission_practices: Vec<Vec<usize>>,
    pub practice_partners: Vec<Vec<usize>>,
    pub practice_missions: Vec<Vec<usize>>,
    pub roadmap_owners: Vec<Vec<usize>>,
    /// HTML of `description`, `offer`, `outcomes` and `body`, by entity index.
    pub partner_html: Vec<String>,
    pub sme_html: Vec<String>,
    pub mission_html: Vec<String>,
    pub practice_html: Vec<String>,
    /// The links to URLs of the site in those fields, by entity index, checked once every
    /// output is known ([`crate::plan::site_links`]).
    pub partner_links: Vec<Vec<SiteLink>>,
    pub sme_links: Vec<Vec<SiteLink>>,
    pub mission_links: Vec<Vec<SiteLink>>,
    pub practice_links: Vec<Vec<SiteLink>>,
    /// The pictures images in those fields may show, and which each entity's field shows (by
    /// its file): an edit that changes these changes what the site publishes.
    pub text_pictures: std::sync::Arc<DataPictures>,
    pub pictures_shown: BTreeMap<String, Vec<String>>,
    /// What a further language needs to show those fields without rendering them again.
    pub shared_fields: entity_fields::SharedFields,
    pub facets: BTreeMap<FacetKindKey, Vec<Facet>>,
    /// Each SME's related SMEs, best first ([`super::related`]), and the SMEs that list each.
    pub sme_related: Vec<Vec<usize>>,
    pub sme_related_by: Vec<Vec<usize>>,
    /// The URL of every entity page by the name a link gives it (`smes/<id>`), which links in
    /// those fields resolve to.
    pub entity_urls: std::collections::HashMap<String, String>,
}

/// `FacetKind` ordered for use as a map key.
pub type FacetKindKey = u8;

pub fn facet_key(kind: FacetKind) -> FacetKindKey {
    kind as u8
}

impl DataGraph {
    pub fn count(&self, kind: EntityKind) -> usize {
        match kind {
            EntityKind::Partner => self.entities.partners.len(),
            EntityKind::Sme => self.entities.smes.len(),
            EntityKind::Mission => self.entities.missions.len(),
            EntityKind::Practice => self.entities.practices.len(),
        }
    }

    pub fn id(&self, kind: EntityKind, index: usize) -> &str {
        match kind {
            EntityKind::Partner => &self.entities.partners[index].id,
            EntityKind::Sme => &self.entities.smes[index].id,
            EntityKind::Mission => &self.entities.missions[index].id,
            EntityKind::Practice => &self.entities.practices[index].id,
        }
    }

    pub fn source(&self, kind: EntityKind, index: usize) -> &DataFile {
        match kind {
            EntityKind::Partner => &self.entities.partners[index].source,
            EntityKind::Sme => &self.entities.smes[index].source,
            EntityKind::Mission => &self.entities.missions[index].source,
            EntityKind::Practice => &self.entities.practices[index].source,
        }
    }

    /// Whether an entity is published on the build's day (a preview shows the others too).
    pub fn publication(&self, kind: EntityKind, index: usize) -> Publication {
        match kind {
            EntityKind::Partner => self.entities.partners[index].publication,
            EntityKind::Sme => self.entities.smes[index].publication,
            EntityKind::Mission => self.entities.missions[index].publication,
            EntityKind::Practice => self.entities.practices[index].publication,
        }
    }

    /// The HTML of the Markdown field of each entity of `kind`.
    pub fn field_html(&self, kind: EntityKind) -> &[String] {
        match kind {
            EntityKind::Partner => &self.partner_html,
            EntityKind::Sme => &self.sme_html,
            EntityKind::Mission => &self.mission_html,
            EntityKind::Practice => &self.practice_html,
        }
    }

    /// The links to URLs of the site in the Markdown field of each entity of `kind`.
    pub fn field_links(&self, kind: EntityKind) -> &[Vec<SiteLink>] {
        match kind {
            EntityKind::Partner => &self.partner_links,
            EntityKind::Sme => &self.sme_links,
            EntityKind::Mission => &self.mission_links,
            EntityKind::Practice => &self.practice_links,
        }
    }

    /// Output folder of an entity's page: `smes/lumen-lasers`.
    pub fn output_dir(&self, kind: EntityKind, index: usize) -> String {
        format!("{}/{}", kind.dir(), self.id(kind, index))
    }

    pub fn facets(&self, kind: FacetKind) -> &[Facet] {
        self.facets.get(&facet_key(kind)).map_or(&[], Vec::as_slice)
    }

    /// Whether the entity `id` of `kind` has a file that failed to load or resolve: it exists,
    /// and its file's own errors say what is wrong with it.
    pub fn is_unresolved(&self, kind: EntityKind, id: &str) -> bool {
        let folder = kind.variable().1;
        ["yaml", "yml"]
            .iter()
            .any(|ext| self.unresolved.contains(&format!("{folder}/{id}.{ext}")))
    }

    /// Index of the entity of `kind` with `id`.
    pub fn find(&self, kind: EntityKind, id: &str) -> Option<usize> {
        fn position<T>(list: &[Entity<T>], id: &str) -> Option<usize> {
            list.binary_search_by(|e| e.id.as_str().cmp(id)).ok()
        }
        let e = &self.entities;
        match kind {
            EntityKind::Partner => position(&e.partners, id),
            EntityKind::Sme => position(&e.smes, id),
            EntityKind::Mission => position(&e.missions, id),
            EntityKind::Practice => position(&e.practices, id),
        }
    }
}

/// The file of every entity, inside `data/` (`smes/x.yaml`).
fn entity_files(entities: &Entities) -> impl Iterator<Item = String> + '_ {
    let sources = (entities.partners.iter().map(|e| &e.source))
        .chain(entities.smes.iter().map(|e| &e.source))
        .chain(entities.missions.iter().map(|e| &e.source))
        .chain(entities.practices.iter().map(|e| &e.source));
    sources.filter_map(|source| {
        let inside = source.file.strip_prefix("data").ok()?;
        Some(inside.to_string_lossy().replace('\\', "/"))
    })
}

fn sort_by_id<T>(list: &mut [Entity<T>]) {
    list.sort_by(|a, b| a.id.cmp(&b.id));
}

/// Checks every reference and builds the graph, with the warnings found (and errors in Markdown
/// fields, which leave the graph whole); or every problem, with a graph that holds no entity
/// and knows every entity file as unresolved. Images in Markdown fields show `pictures`. In a
/// further language, `default` is the default language's graph: the Markdown fields this
/// language does not translate take its HTML, with this language's links.
pub fn resolve(
    entities: Entities,
    (base, language): (&BaseUrl, &Language),
    pictures: std::sync::Arc<DataPictures>,
    default: Option<&DataGraph>,
) -> Result<(DataGraph, Vec<Diagnostic>), (Vec<Diagnostic>, DataGraph)> {
    resolve_with(entities, (base, language), pictures, Fields::All(default))
        .map_err(|u| (u.problems, u.graph))
}

/// Which Markdown fields resolving renders.
enum Fields<'a> {
    /// Every entity's, taking the default language's graph's where it shows the same text.
    All(Option<&'a DataGraph>),
    /// The edited entity's alone.
    Edited(Edited<'a>),
}

/// One entity's file edited: the last graph, and which entity. An edit that changes which
/// pictures the entity's Markdown shows is refused, as is one with errors: it needs a full build.
pub struct Edited<'a> {
    /// The graph before the edit; the HTML of the other entities, the entity URLs and (when
    /// they are kept) the facets and related SMEs are moved out of it.
    pub last: &'a mut DataGraph,
    pub kind: EntityKind,
    pub index: usize,
    /// The edited entity names the same sectors, technologies and markets as before
    /// ([`entity_fields::NamesFacets`]), so the facets are kept.
    pub same_facets: bool,
}

/// [`resolve`] after one entity's file was edited (`entities` are the last ones with the edited
/// record in its place): references are checked again, but only the edited entity's Markdown is
/// rendered again and the facets are kept when its facet names are unchanged.
pub fn resolve_edit(
    entities: Entities,
    base: &BaseUrl,
    language: &Language,
    edited: Edited<'_>,
) -> Result<(DataGraph, Vec<Diagnostic>), EditRefused> {
    let pictures = std::sync::Arc::clone(&edited.last.text_pictures);
    resolve_with(entities, (base, language), pictures, Fields::Edited(edited)).map_err(|refused| {
        match refused.pictures_changed {
            true => EditRefused::PicturesChanged,
            false => EditRefused::Problems,
        }
    })
}

/// Why [`resolve_edit`] refuses an edit.
#[derive(Debug, PartialEq, Eq)]
pub enum EditRefused {
    /// The data has a problem, which a full build reports.
    Problems,
    /// The entity's text shows other pictures: what the site publishes changes.
    PicturesChanged,
}

/// Every problem, with a graph that knows every entity file as unresolved; or, for an edit that
/// changes the pictures its text shows, the problems found before that.
struct Unresolved {
    problems: Vec<Diagnostic>,
    graph: DataGraph,
    pictures_changed: bool,
}

fn resolve_with(
    mut entities: Entities,
    (base, language): (&BaseUrl, &Language),
    pictures: std::sync::Arc<DataPictures>,
    mut fields: Fields<'_>,
) -> Result<(DataGraph, Vec<Diagnostic>), Unresolved> {
    sort_by_id(&mut entities.partners);
    sort_by_id(&mut entities.smes);
    sort_by_id(&mut entities.missions);
    sort_by_id(&mut entities.practices);
    let failed = std::mem::take(&mut entities.failed);
    let partner_count = entities.partners.len();
    let mut g = DataGraph {
        partner_smes: vec![Vec::new(); partner_count],
        partner_missions: vec![Vec::new(); partner_count],
        partner_mous: vec![Vec::new(); partner_count],
        partner_practices: vec![Vec::new(); partner_count],
        sme_missions: vec![Vec::new(); entities.smes.len()],
        mission_practices: vec![Vec::new(); entities.missions.len()],
        ..DataGraph::default()
    };
    let mut errors = super::references::link(&entities, &failed, &mut g);
    let broken_references = errors.iter().any(Diagnostic::is_error);
    // A field nested too deep is an error too, but only its field is left empty: the graph stays
    // whole, so that references to its entity are not reported as missing.
    let mut edited = match &mut fields {
        Fields::Edited(edited) => Some(edited),
        Fields::All(_) => None,
    };
    let kept_facets = edited
        .as_mut()
        .filter(|edited| edited.same_facets)
        .map(|edited| {
            let last = &mut edited.last;
            let related = std::mem::take(&mut last.sme_related);
            let related = (related, std::mem::take(&mut last.sme_related_by));
            (std::mem::take(&mut last.facets), related)
        });
    // An edit keeps every entity's id, so every URL.
    let urls = match edited {
        Some(edited) => std::mem::take(&mut edited.last.entity_urls),
        None => entity_fields::entity_urls(&entities, base),
    };
    let unresolved = failed
        .iter()
        .filter_map(|file| file.rsplit_once('.').map(|(name, _)| name.to_owned()))
        .collect();
    let links = EntityLinks {
        urls: &urls,
        unresolved: &unresolved,
        base_path: &base.path,
        pictures: &pictures,
    };
    let pictures_changed = match fields {
        Fields::All(default) => {
            entity_fields::render_all(&mut g, &entities, (&links, default), &mut errors);
            false
        }
        Fields::Edited(edited) => entity_fields::render_edited(
            &mut g,
            &entities,
            edited.last,
            (edited.kind, edited.index),
            (&links, &mut errors),
        ),
    };
    g.text_pictures = pictures;
    g.entity_urls = urls;
    if pictures_changed {
        return Err(Unresolved {
            problems: errors,
            graph: DataGraph::default(),
            pictures_changed,
        });
    }
    if broken_references {
        let files = entity_files(&entities).chain(failed);
        let unresolved = DataGraph {
            unresolved: files.collect(),
            references_broken: true,
            ..DataGraph::default()
        };
        return Err(Unresolved {
            problems: errors,
            graph: unresolved,
            pictures_changed,
        });
    }
    g.unresolved = failed;
    // Missions newest first everywhere they are listed.
    let by_date = |list: &mut Vec<usize>| {
        list.sort_by(|&a, &b| {
            entities.missions[b]
                .record
                .start
                .cmp(&entities.missions[a].record.start)
                .then(a.cmp(&b))
        })
    };
    g.partner_missions.iter_mut().for_each(by_date);
    g.sme_missions.iter_mut().for_each(by_date);

    (g.facets, (g.sme_related, g.sme_related_by)) = if let Some(kept) = kept_facets {
        kept
    } else {
        let facets = entity_fields::facets(&entities, base, language);
        let of = |kind| facets.get(&facet_key(kind)).map_or(&[][..], Vec::as_slice);
        let related = super::related::related_smes(
            of(FacetKind::Technology),
            of(FacetKind::Market),
            entities.smes.len(),
        );
        let related_by = super::related::related_by(&related);
        (facets, (related, related_by))
    };
    g.entities = entities;
    Ok((g, errors))
}
