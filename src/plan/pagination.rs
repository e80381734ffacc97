//! Pagination: which lists are split into pages, how many pages each has, and the outputs that
//! adds to the plan.
//!
//! A list (a section's pages, a taxonomy term's pages, a data list, a facet's or a partner's SMEs)
//! is split when
//! its `paginate_by` (its own, or the site's) is above 0. Page 1 stays at the list's own URL;
//! page N ≥ 2 is written at `<list>/page/N/`, and `<list>/page/1/` is a redirect to the list.
//! An empty list has one page. Only the plan knows these paths; templates get the URLs from
//! the `paginator` that rendering builds on the plan.

use super::{OutputOwner, index_in};
use crate::site::{EntityKind, FacetKind, Site};

/// A list that can be split into pages.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PagedList {
    Section(usize),
    Term(usize, usize),
    EntityList(EntityKind),
    /// The SMEs of a facet page.
    Facet(FacetKind, usize),
    /// The SMEs of a partner's page (a cluster's).
    Partner(usize),
}

impl PagedList {
    /// The list shown by an output at the list's own URL (its page 1), if that output is a list.
    pub fn of(owner: OutputOwner) -> Option<PagedList> {
        match owner {
            OutputOwner::Section(i) => Some(PagedList::Section(i)),
            OutputOwner::Term(t, i) => Some(PagedList::Term(t, i)),
            OutputOwner::EntityList(kind) => Some(PagedList::EntityList(kind)),
            OutputOwner::Facet(kind, i) => Some(PagedList::Facet(kind, i)),
            OutputOwner::Entity(EntityKind::Partner, p) => Some(PagedList::Partner(p)),
            _ => None,
        }
    }

    /// The output of page 1, at the list's own URL.
    pub fn first_page(self) -> OutputOwner {
        match self {
            PagedList::Section(i) => OutputOwner::Section(i),
            PagedList::Term(t, i) => OutputOwner::Term(t, i),
            PagedList::EntityList(kind) => OutputOwner::EntityList(kind),
            PagedList::Facet(kind, i) => OutputOwner::Facet(kind, i),
            PagedList::Partner(p) => OutputOwner::Entity(EntityKind::Partner, p),
        }
    }

    /// Items per page; 0 when the list is not split.
    pub fn page_size(self, site: &Site) -> usize {
        let config = &site.config;
        let own = match self {
            PagedList::Section(i) => site.sections[i].front.paginate_by,
            PagedList::Term(t, _) => site.taxonomies[t].config.paginate_by,
            PagedList::EntityList(kind) => {
                let data = &config.paginate_data_by;
                match kind {
                    EntityKind::Sme => data.smes,
                    EntityKind::Partner => data.partners,
                    EntityKind::Mission => data.missions,
                    EntityKind::Practice => data.practices,
                }
            }
            PagedList::Facet(..) | PagedList::Partner(_) => config.paginate_data_by.facets,
        };
        own.unwrap_or(config.paginate_by)
    }

    /// How many items the list holds.
    pub fn item_count(self, site: &Site) -> usize {
        match self {
            PagedList::Section(i) => site.sections[i].pages.len(),
            PagedList::Term(t, i) => site.taxonomies[t].terms[i].pages.len(),
            PagedList::EntityList(kind) => site.graph.count(kind),
            PagedList::Facet(kind, i) => site.graph.facets(kind)[i].smes.len(),
            PagedList::Partner(p) => site.graph.partner_smes[p].len(),
        }
    }

    /// How many pages the list has: at least one, even when it is empty.
    pub fn page_count(self, site: &Site) -> usize {
        match self.page_size(site) {
            0 => 1,
            size => self.item_count(site).div_ceil(size).max(1),
        }
    }
}

/// The outputs pagination adds for the lists among `outputs`: the redirect at `page/1/` and
/// pages 2 to the last, after all the others.
pub(super) fn paged_outputs(site: &Site, outputs: &mut Vec<(String, OutputOwner)>) {
    let mut added = Vec::new();
    for (path, owner) in outputs.iter() {
        let Some(list) = PagedList::of(*owner) else {
            continue;
        };
        if list.page_size(site) == 0 {
            continue;
        }
        let dir = path.strip_suffix("index.html").unwrap_or(path);
        added.push((
            index_in(&format!("{dir}page/1")),
            OutputOwner::FirstPageRedirect(list),
        ));
        for number in 2..=list.page_count(site) {
            added.push((
                index_in(&format!("{dir}page/{number}")),
                OutputOwner::ListPage(list, number),
            ));
        }
    }
    outputs.extend(added);
}
