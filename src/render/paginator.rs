//! The `paginator` template value of a list page: the items of this page, where it stands
//! among the list's pages, and the URLs of the others (read from the output plan).
//!
//! Every list output gets one, paginated or not (a list that is not split has one page holding
//! every item), so a theme can always loop over `paginator.pages`. The list's own variables
//! (`section.pages`, `term.pages`, `smes`, `facet.smes`,
//! `partner.smes`) keep every item. `links` holds the first
//! and last pages and the two on either side of the current one, never all of them: a list of
//! 400 pages would otherwise repeat 400 links on each page.

use super::values::SiteValues;
use crate::plan::{OutputOwner, OutputPlan, PagedList};
use crate::site::Site;
use serde::Serialize;
use tera::Value;

/// How many page links `links` shows on either side of the current page.
const NEIGHBOURS: usize = 2;

#[derive(Serialize)]
struct PageLink<'a> {
    number: usize,
    url: &'a str,
    current: bool,
    /// Pages are left out between this link and the previous one.
    gap_before: bool,
}

#[derive(Serialize)]
struct Position<'a> {
    number: usize,
    total: usize,
    items_total: usize,
    paginate_by: usize,
    first: &'a str,
    last: &'a str,
    previous: Option<&'a str>,
    next: Option<&'a str>,
    links: Vec<PageLink<'a>>,
}

/// The `paginator` of page `number` of `list`.
pub fn paginator(
    site: &Site,
    plan: &OutputPlan,
    values: &SiteValues,
    list: PagedList,
    number: usize,
) -> Result<Value, tera::Error> {
    let total = list.page_count(site);
    let size = list.page_size(site);
    let url_of = |n: usize| {
        let owner = match n {
            1 => list.first_page(),
            n => OutputOwner::ListPage(list, n),
        };
        plan.of(owner).map_or("", |output| output.url.as_str())
    };
    let mut links = Vec::new();
    for n in 1..=total {
        let near = n.abs_diff(number) <= NEIGHBOURS;
        if n == 1 || n == total || near {
            let gap_before = links.last().is_some_and(|l: &PageLink| l.number + 1 != n);
            links.push(PageLink {
                number: n,
                url: url_of(n),
                current: n == number,
                gap_before,
            });
        }
    }
    let all = items(values, list);
    let shown = match size {
        0 => all,
        size => {
            let start = (number - 1).saturating_mul(size).min(all.len());
            &all[start..(start + size).min(all.len())]
        }
    };
    let position = Value::try_from_serializable(&Position {
        number,
        total,
        items_total: list.item_count(site),
        paginate_by: size,
        first: url_of(1),
        last: url_of(total),
        previous: (number > 1).then(|| url_of(number - 1)),
        next: (number < total).then(|| url_of(number + 1)),
        links,
    })?;
    Ok(super::values::replace_field(
        &position,
        "pages",
        Value::from(shown.to_vec()),
    ))
}

/// Every item of `list`, as the templates see them.
fn items(values: &SiteValues, list: PagedList) -> &[Value] {
    fn field<'v>(value: &'v Value, key: &'v str) -> &'v [Value] {
        value
            .get_from_path(key)
            .and_then(Value::as_array)
            .unwrap_or_default()
    }
    match list {
        PagedList::Section(i) => field(&values.sections[i], "pages"),
        PagedList::Term(t, i) => field(&values.term_values[t][i], "pages"),
        PagedList::EntityList(kind) => values.entities.of(kind),
        PagedList::Facet(kind, i) => field(&values.entities.facets_of(kind)[i], "smes"),
        PagedList::Partner(p) => field(
            &values.entities.of(crate::site::EntityKind::Partner)[p],
            "smes",
        ),
    }
}
