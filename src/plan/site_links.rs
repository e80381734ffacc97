//! Links written in Markdown as URLs of this site (`/smes/x/`, `../about/`) must lead to a file
//! the build writes: each is checked against the output plan, and a broken one is an error at
//! its Markdown line, with the closest address of the site as a suggestion. This is the check
//! `pimap check` makes on the generated HTML, made where the link is written, so that `build`
//! and `serve` report it too. A link's `#anchor` is checked against the ids of the page it
//! leads to when that page is made from Markdown (its headings, footnotes and the ids of HTML
//! written in it, and the ids its templates write literally, such as `id="main"`); links to
//! anchors of content files (`#top`, `@/about.md#team`) are checked here too. Links in the
//! Markdown fields of data (an SME's `offer`) are checked the same way, read from the entity's
//! page in each language and reported at their place in the data file.

use super::{OutputOwner, OutputPlan, PlannedOutput};
use crate::diagnostics::{Diagnostic, did_you_mean};
use crate::markdown::{AnchorLink, RenderedMarkdown, SiteLink, address_in_site};
use crate::site::entity_fields::field_of;
use crate::site::{EntityKind, FacetKind, Site, anchor_help, anchors_in, check_anchor};
use crate::source::content::ContentSource;
use std::collections::HashSet;

/// The ids a link may point at in the output of `owner`, when pimap knows them: those of a page
/// or section made from Markdown.
pub type AnchorsOf<'a> = dyn Fn(OutputOwner) -> Option<&'a HashSet<String>> + 'a;

/// The broken site links and anchor links of every page and section of `site`, and the broken
/// site links of the Markdown fields of its entities.
pub fn check(site: &Site, plan: &OutputPlan) -> Vec<Diagnostic> {
    let anchors_of = |owner| markdown_anchors(site, owner);
    let pages = site
        .pages
        .iter()
        .map(|p| (&p.source, &p.markdown, p.url.as_str()));
    let sections = site
        .sections
        .iter()
        .filter_map(|s| Some((s.source.as_ref()?, &s.markdown, s.url.as_str())));
    pages
        .chain(sections)
        .flat_map(|(source, markdown, url)| {
            let anchor_links = markdown.anchor_links.iter().filter_map(|link| {
                check_content_anchor(site, plan, (source, link), |path| anchors_in(site, path))
            });
            check_document(site, plan, source, markdown, url, &anchors_of)
                .into_iter()
                .chain(anchor_links)
                .collect::<Vec<_>>()
        })
        .chain(EntityKind::ALL.into_iter().flat_map(|kind| {
            (0..site.graph.count(kind))
                .flat_map(move |index| check_entity(site, plan, (kind, index), &anchors_of))
        }))
        .collect()
}

/// The broken site links of the Markdown field of the entity `kind`/`index` of `site`, each at
/// its place in the entity's data file (`#anchors` as far as `anchors_of` knows the ids).
pub fn check_entity<'a>(
    site: &Site,
    plan: &OutputPlan,
    (kind, index): (EntityKind, usize),
    anchors_of: &AnchorsOf<'a>,
) -> Vec<Diagnostic> {
    let graph = &site.graph;
    let links = graph
        .field_links(kind)
        .get(index)
        .map_or(&[][..], Vec::as_slice);
    let Some((file, key, text)) = field_of(&graph.entities, kind, index) else {
        return Vec::new();
    };
    if links.is_empty() {
        return Vec::new();
    }
    let page_url = site.url_for_dir(&graph.output_dir(kind, index));
    let at = |offset, message| file.at_offset_in(key, text, offset, message);
    check_links(site, plan, links, &page_url, anchors_of, &at)
}

/// The page or section of `site` made from the content file at `path` (`news/x.md`).
fn content_owner(site: &Site, path: &str) -> Option<OutputOwner> {
    let page = site
        .pages
        .binary_search_by(|p| p.source.path.as_str().cmp(path))
        .ok()
        .map(OutputOwner::Page);
    page.or_else(|| {
        (site.sections.iter())
            .position(|s| s.source.as_ref().is_some_and(|source| source.path == path))
            .map(OutputOwner::Section)
    })
}

/// The error of a link from `source` to an anchor of a content file (`#top`, `@/about.md#team`)
/// that is neither an id of that file's Markdown (as `anchors_of` knows them) nor one its
/// templates write.
pub fn check_content_anchor<'a>(
    site: &Site,
    plan: &OutputPlan,
    (source, link): (&ContentSource, &AnchorLink),
    anchors_of: impl Fn(&str) -> Option<&'a HashSet<String>>,
) -> Option<Diagnostic> {
    let error = check_anchor(source, link, anchors_of)?;
    let owner = content_owner(site, &link.target)?;
    let output = plan.of(owner)?;
    (!template_writes(site, output, &link.anchor)).then_some(error)
}

/// Whether the templates that render `output` write the id `anchor` themselves.
fn template_writes(site: &Site, output: &PlannedOutput, anchor: &str) -> bool {
    (output.template.as_ref())
        .and_then(|template| site.template_ids.get(template))
        .is_some_and(|ids| ids.contains(anchor))
}

/// The ids of the page or section of `site` that writes `owner`, from its Markdown.
pub fn markdown_anchors(site: &Site, owner: OutputOwner) -> Option<&HashSet<String>> {
    match owner {
        OutputOwner::Page(i) => site.pages.get(i).map(|p| &*p.markdown.anchors),
        OutputOwner::Section(i) => site
            .sections
            .get(i)
            .filter(|s| s.source.is_some())
            .map(|s| &*s.markdown.anchors),
        _ => None,
    }
}

/// The broken site links of one document, whose page is at `page_url`: a link to an address
/// that has no page, or to an `#anchor` that the page there does not have (as far as
/// `anchors_of` knows its ids).
pub fn check_document<'a>(
    site: &Site,
    plan: &OutputPlan,
    source: &ContentSource,
    markdown: &RenderedMarkdown,
    page_url: &str,
    anchors_of: &AnchorsOf<'a>,
) -> Vec<Diagnostic> {
    let at = |offset, message| source.error_at_offset(offset, message);
    check_links(site, plan, &markdown.site_links, page_url, anchors_of, &at)
}

/// Makes the diagnostic of a link at an offset in the text it is written in.
type LinkError<'a> = dyn Fn(usize, String) -> Diagnostic + 'a;

/// The broken `links` of a text shown on the page at `page_url`, each reported with `at`.
fn check_links<'a>(
    site: &Site,
    plan: &OutputPlan,
    links: &[SiteLink],
    page_url: &str,
    anchors_of: &AnchorsOf<'a>,
    at: &LinkError<'_>,
) -> Vec<Diagnostic> {
    let base_path = site.base.path.as_str();
    let mut broken = Vec::new();
    for link in links {
        let address = address_in_site(base_path, page_url, &link.url);
        let path = format!("{}{}", site.language.folder(), output_path(&address));
        if let Some(output) = plan.at_path(&path) {
            broken.extend(broken_anchor(site, (at, link), output, anchors_of));
            continue;
        }
        if is_unavailable(site, &address) {
            continue;
        }
        let shown = if link.url.starts_with('/') {
            format!("link to `{}`", link.url)
        } else {
            format!(
                "link to `{}` (that is `{address}` from this page)",
                link.url
            )
        };
        let addresses = || {
            plan.outputs
                .iter()
                .filter_map(|output| output.url.strip_prefix(base_path))
        };
        // `../about/` written one folder too deep or too shallow: the address that ends the same.
        let tail = link.url.trim_start_matches("../").trim_start_matches("./");
        let same_end = addresses()
            .filter(|a| !tail.is_empty() && a.strip_suffix(tail).is_some_and(|s| s.ends_with('/')))
            .min_by_key(|a| (a.len(), *a));
        let help = match same_end.or_else(|| did_you_mean(&address, addresses())) {
            Some(best) => format!("did you mean `{best}`?"),
            None => "write the address of a page of this site, or link to its source: \
                     `@/news/launch.md` for a page, `@/smes/<id>` for an SME"
                .to_owned(),
        };
        broken.push(
            at(
                link.offset,
                format!("{shown}: this site has no page at that address"),
            )
            .with_help(help),
        );
    }
    broken
}

/// The error for `link`, which leads to `output`, when its `#anchor` names no id of that page
/// (neither from its Markdown nor from its templates).
fn broken_anchor<'a>(
    site: &Site,
    (at, link): (&LinkError<'_>, &SiteLink),
    output: &PlannedOutput,
    anchors_of: &AnchorsOf<'a>,
) -> Option<Diagnostic> {
    let written = link.anchor.as_deref()?;
    let anchor = crate::output::percent_decode(written).unwrap_or_else(|| written.to_owned());
    let anchors = anchors_of(output.owner)?;
    if anchors.contains(&anchor) || template_writes(site, output, &anchor) {
        return None;
    }
    let message = format!(
        "link to `{}#{written}`: the page `{}` has no heading or element with the id `{anchor}`",
        link.url, output.url
    );
    let mut d = at(link.offset, message);
    d.help = anchor_help(&anchor, anchors);
    Some(d)
}

/// Whether `address` is that of a file that exists but failed to load, whose own errors are
/// reported: a content file (at the address its path gives), an entity, or, when the references
/// between entities are broken, any page made from the data.
fn is_unavailable(site: &Site, address: &str) -> bool {
    let graph = &site.graph;
    let data_folders = EntityKind::ALL
        .iter()
        .map(|kind| kind.dir())
        .chain(FacetKind::ALL.iter().map(|kind| kind.dir()))
        .chain(["api", "embed"]);
    let first = address
        .trim_start_matches('/')
        .split('/')
        .next()
        .unwrap_or("");
    if graph.references_broken && data_folders.clone().any(|folder| folder == first) {
        return true;
    }
    let entity = EntityKind::ALL.iter().any(|&kind| {
        address
            .strip_prefix('/')
            .and_then(|a| a.strip_prefix(kind.dir()))
            .and_then(|a| a.strip_prefix('/'))
            .and_then(|a| a.split('/').next())
            .is_some_and(|id| graph.is_unresolved(kind, id))
    });
    entity
        || site
            .failed_content
            .iter()
            .any(|path| address_of_content(path) == address)
}

/// The address a content file has when its front matter does not change it: `news/x.md` is
/// `/news/x/`, `news/_index.md` is `/news/`.
fn address_of_content(path: &str) -> String {
    let stem = path.strip_suffix(".md").unwrap_or(path);
    let folder = stem
        .strip_suffix("_index")
        .or_else(|| stem.strip_suffix("index"))
        .filter(|rest| rest.is_empty() || rest.ends_with('/'));
    let parts: Vec<String> = folder
        .unwrap_or(stem)
        .split('/')
        .map(crate::markdown::slugify)
        .filter(|s| !s.is_empty())
        .collect();
    if parts.is_empty() {
        "/".to_owned()
    } else {
        format!("/{}/", parts.join("/"))
    }
}

/// The output path an address is served from: `/news/` -> `news/index.html`.
fn output_path(address: &str) -> String {
    let inside = address.trim_start_matches('/');
    let path = if inside.is_empty() || inside.ends_with('/') {
        format!("{inside}index.html")
    } else {
        inside.to_owned()
    };
    crate::output::percent_decode(&path).unwrap_or(path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses_are_read_from_the_page_like_a_browser_reads_them() {
        assert_eq!(address_in_site("", "/news/x/", "/smes/a/"), "/smes/a/");
        assert_eq!(
            address_in_site("/sub", "/sub/news/x/", "../about/"),
            "/news/about/"
        );
        assert_eq!(address_in_site("", "/news/x/", "../../about/"), "/about/");
        assert_eq!(address_in_site("", "/x/", "../../../a"), "/a");
        assert_eq!(address_in_site("", "/", "/"), "/");
        assert_eq!(output_path("/"), "index.html");
        assert_eq!(address_of_content("news/x.md"), "/news/x/");
        assert_eq!(address_of_content("News Items/_index.md"), "/news-items/");
        assert_eq!(address_of_content("_index.md"), "/");
        assert_eq!(address_of_content("fair/index.md"), "/fair/");
        assert_eq!(output_path("/news/"), "news/index.html");
        assert_eq!(output_path("/a%20b.pdf"), "a b.pdf");
    }
}
