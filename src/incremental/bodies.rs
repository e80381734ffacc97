//! The body-edit fast path: Markdown bodies of pages and sections changed, front matter kept.
//!
//! [`edit`] runs the phases, one function each: [`read_edits`] re-reads the files and checks
//! that only bodies changed; [`render_edits`] renders their Markdown, links and shortcodes;
//! [`check_anchors`] checks the anchor links from and into them (from data text too);
//! [`commit_edits`] swaps the new values in and says which body fields of which page or section
//! changed; [`select_outputs`] picks the outputs that show a changed field, each with the reason
//! it is rendered again. A page's body makes its `content`, `summary`, `toc`, `word_count` and
//! `reading_time`: besides the page itself, only
//! outputs whose templates read one of those that changed, of pages they list (or that reach
//! any page, through `get_page` or `taxonomies`), and whose lists can hold the page, are
//! rendered again; a feed when the page's content changed. Which fields a template reads comes
//! from [`crate::render::reads`].

use super::fast_render::{self, Edited, PublishFirst};
use super::{Fallback, Selected, fall};
use crate::plan::{OutputOwner, OutputPlan};
use crate::render::reads::{BODY_FIELDS, FRONT_FIELDS};
use crate::render::{self, SiteValues, page_value};
use crate::site::{EntityKind, Site};
use crate::source::content::{self, ContentSource};
use crate::source::files::SiteRoot;
use crate::{Prepared, markdown::RenderedMarkdown};
use rayon::prelude::*;
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

/// The body-edit path on `language` for the content files `changed` (paths inside `content/`),
/// into `edited`; with `first`, the edited files' own outputs are published ahead of the rest.
pub(super) fn edit(
    language: &mut Prepared,
    link_urls: &crate::site::LinkUrls,
    root: &SiteRoot,
    changed: &[String],
    minify: bool,
    first: Option<PublishFirst<'_, '_>>,
    edited: &mut Edited,
) -> Result<(), Fallback> {
    let edits = read_edits(&language.site, root, changed)?;
    let rendered = render_edits(language, link_urls, edits)?;
    check_anchors(&language.site, &language.plan, &rendered)?;
    let fields = commit_edits(language, rendered, &BTreeSet::new())?;
    let selected = select_outputs(language, &fields);
    fast_render::render_selected(language, &selected, minify, first, |_| false, edited)?;
    Ok(())
}

/// A content file whose body changed.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Doc {
    Page(usize),
    Section(usize),
}

/// The body fields that changed, per edited page or section.
pub type ChangedFields = BTreeMap<Doc, BTreeSet<&'static str>>;

/// Reads the edited files; they must exist already and keep their front matter.
pub fn read_edits(
    site: &Site,
    root: &SiteRoot,
    bodies: &[String],
) -> Result<Vec<(Doc, ContentSource)>, Fallback> {
    let mut edits = Vec::new();
    for rel in bodies {
        let (doc, old) = match site
            .pages
            .binary_search_by(|p| p.source.path.as_str().cmp(rel))
        {
            Ok(index) => (Doc::Page(index), &site.pages[index].source),
            Err(_) => site
                .sections
                .iter()
                .enumerate()
                .find_map(|(i, s)| {
                    let source = s.source.as_ref()?;
                    (&source.path == rel).then_some((Doc::Section(i), source))
                })
                .ok_or_else(|| fall(format!("content/{rel} is new or was deleted")))?,
        };
        let bytes = root
            .read(&old.file)
            .map_err(|_| fall(format!("content/{rel} could not be read")))?;
        let source = content::split(rel.clone(), old.file.clone(), bytes)
            .map_err(|_| fall(format!("content/{rel} has a problem a full build reports")))?;
        if source.front_matter() != old.front_matter() {
            return Err(fall(format!("the front matter of content/{rel} changed")));
        }
        edits.push((doc, source));
    }
    Ok(edits)
}

/// Renders the Markdown of the edited bodies, checks their links and expands their shortcodes.
pub fn render_edits(
    last: &Prepared,
    link_urls: &crate::site::LinkUrls,
    edits: Vec<(Doc, ContentSource)>,
) -> Result<Vec<(Doc, ContentSource, RenderedMarkdown)>, Fallback> {
    let site = &last.site;
    let no_failures = HashSet::new();
    let targets = link_urls.targets(&no_failures, &site.base.path);
    let names = render::shortcode_names_of(&last.templates);
    edits
        .into_par_iter()
        .map(|(doc, source)| {
            let mut markdown = crate::markdown::render(&source, &targets);
            let mut problems = std::mem::take(&mut markdown.diagnostics);
            let page_url = match doc {
                Doc::Page(i) => &site.pages[i].url,
                Doc::Section(i) => &site.sections[i].url,
            };
            // Anchors are checked once every edited page's ids are known, in `check_anchors`.
            problems.extend(crate::plan::site_links::check_document(
                site,
                &last.plan,
                &source,
                &markdown,
                page_url,
                &|_| None,
            ));
            problems.extend(render::check_shortcodes_of(
                &names,
                &site.graph,
                &source,
                &markdown,
            ));
            if problems.is_empty() {
                problems.extend(render::expand_shortcodes_of(
                    &last.templates,
                    &site.graph,
                    &last.values.entities,
                    &source,
                    &mut markdown,
                ));
            }
            if problems.is_empty() {
                Ok((doc, source, markdown))
            } else {
                Err(fall(format!(
                    "content/{} has a link or shortcode problem a full build reports",
                    source.path
                )))
            }
        })
        .collect()
}

/// Every anchor link must still resolve: from the new bodies, and into them.
pub fn check_anchors(
    site: &Site,
    plan: &OutputPlan,
    rendered: &[(Doc, ContentSource, RenderedMarkdown)],
) -> Result<(), Fallback> {
    check_site_link_anchors(site, plan, rendered)?;
    let new_anchors: HashMap<&str, &HashSet<String>> = rendered
        .iter()
        .map(|(_, s, m)| (s.path.as_str(), &*m.anchors))
        .collect();
    let anchors_of = |path: &str| {
        new_anchors
            .get(path)
            .copied()
            .or_else(|| crate::site::anchors_in(site, path))
    };
    let links_from_new = rendered
        .iter()
        .flat_map(|(_, source, m)| m.anchor_links.iter().map(move |link| (source, link)));
    let unedited_pages = site
        .pages
        .iter()
        .filter(|p| !new_anchors.contains_key(p.source.path.as_str()))
        .map(|p| (&p.source, &p.markdown));
    let unedited_sections = site.sections.iter().filter_map(|s| {
        let source = s.source.as_ref()?;
        (!new_anchors.contains_key(source.path.as_str())).then_some((source, &s.markdown))
    });
    let links_into_new = unedited_pages
        .chain(unedited_sections)
        .flat_map(|(source, m)| m.anchor_links.iter().map(move |link| (source, link)))
        .filter(|(_, link)| new_anchors.contains_key(link.target.as_str()));
    for (source, link) in links_from_new.chain(links_into_new) {
        if crate::plan::site_links::check_content_anchor(site, plan, (source, link), anchors_of)
            .is_some()
        {
            return Err(fall(format!(
                "a link in content/{} to an anchor no longer resolves",
                source.path
            )));
        }
    }
    Ok(())
}

/// The same for the links in the Markdown fields of the entities.
fn check_entity_link_anchors<'a>(
    site: &Site,
    plan: &OutputPlan,
    anchors_of: &crate::plan::site_links::AnchorsOf<'a>,
) -> Result<(), Fallback> {
    for kind in EntityKind::ALL {
        for (index, links) in site.graph.field_links(kind).iter().enumerate() {
            if links.iter().all(|link| link.anchor.is_none()) {
                continue;
            }
            let problems =
                crate::plan::site_links::check_entity(site, plan, (kind, index), anchors_of);
            if !problems.is_empty() {
                return Err(fall(format!(
                    "a link in data/{}/{}.yaml to an anchor no longer resolves",
                    kind.variable().1,
                    site.graph.id(kind, index)
                )));
            }
        }
    }
    Ok(())
}

/// Every `#anchor` of a link written as an address of the site (`/about/#team`) must name an id
/// of the page it leads to, with the edited pages' new ids.
fn check_site_link_anchors(
    site: &Site,
    plan: &OutputPlan,
    rendered: &[(Doc, ContentSource, RenderedMarkdown)],
) -> Result<(), Fallback> {
    let edited: HashMap<OutputOwner, (&ContentSource, &RenderedMarkdown)> = rendered
        .iter()
        .map(|(doc, source, markdown)| {
            let owner = match doc {
                Doc::Page(i) => OutputOwner::Page(*i),
                Doc::Section(i) => OutputOwner::Section(*i),
            };
            (owner, (source, markdown))
        })
        .collect();
    let anchors_of = |owner| match edited.get(&owner) {
        Some((_, markdown)) => Some(&*markdown.anchors),
        None => crate::plan::site_links::markdown_anchors(site, owner),
    };
    let pages = site
        .pages
        .iter()
        .enumerate()
        .map(|(i, p)| (OutputOwner::Page(i), &p.source, &p.markdown, &p.url));
    let sections = site.sections.iter().enumerate().filter_map(|(i, s)| {
        Some((
            OutputOwner::Section(i),
            s.source.as_ref()?,
            &s.markdown,
            &s.url,
        ))
    });
    for (owner, source, markdown, url) in pages.chain(sections) {
        let (source, markdown) = edited.get(&owner).copied().unwrap_or((source, markdown));
        if markdown.site_links.iter().all(|link| link.anchor.is_none()) {
            continue;
        }
        let problems =
            crate::plan::site_links::check_document(site, plan, source, markdown, url, &anchors_of);
        if !problems.is_empty() {
            return Err(fall(format!(
                "a link in content/{} to an anchor no longer resolves",
                source.path
            )));
        }
    }
    check_entity_link_anchors(site, plan, &anchors_of)
}

/// Puts the new sources, Markdown and values in `last`, with the values of the sections and
/// terms that list the edited pages and of the terms `also` (that a page left); returns the
/// fields that changed (body fields, and front-matter fields after a front-matter edit).
pub fn commit_edits(
    last: &mut Prepared,
    rendered: Vec<(Doc, ContentSource, RenderedMarkdown)>,
    also: &BTreeSet<(usize, usize)>,
) -> Result<ChangedFields, Fallback> {
    let site = &mut last.site;
    let mut html = Vec::new();
    for (doc, source, mut markdown) in rendered {
        html.push((doc, std::mem::take(&mut markdown.html)));
        match doc {
            Doc::Page(index) => {
                site.pages[index].source = source;
                site.pages[index].markdown = markdown;
            }
            Doc::Section(index) => {
                site.sections[index].source = Some(source);
                site.sections[index].markdown = markdown;
            }
        }
    }
    let site = &last.site;
    let old = &last.values;
    let mut values: SiteValues = (**old).clone();
    let mut section_html: HashMap<usize, String> = HashMap::new();
    let mut changed = ChangedFields::new();
    for (doc, html) in html {
        match doc {
            Doc::Page(index) => {
                values.pages[index] = page_value(site, &site.pages[index], html)
                    .map_err(|e| fall(format!("a page value could not be made: {e}")))?;
                let fields = changed_fields(&old.pages[index], &values.pages[index]);
                changed.insert(doc, fields);
            }
            Doc::Section(index) => {
                section_html.insert(index, html);
            }
        }
    }
    let edited: HashSet<usize> = changed
        .keys()
        .filter_map(|doc| match doc {
            Doc::Page(i) => Some(*i),
            Doc::Section(_) => None,
        })
        .collect();
    let (mut sections, mut terms) = super::affected(site, &edited);
    terms.extend(also.iter().copied());
    for &index in section_html.keys() {
        sections.extend(ancestors(site, index));
    }
    let edited_sections: Vec<usize> = section_html.keys().copied().collect();
    super::refresh_containers(site, &mut values, &sections, section_html, &terms)
        .ok_or_else(|| fall("a section or term value could not be made"))?;
    for index in edited_sections {
        let fields = changed_fields(&old.sections[index], &values.sections[index]);
        changed.insert(Doc::Section(index), fields);
    }
    let values = std::sync::Arc::new(values);
    last.templates.rebind(&values);
    last.values = values;
    Ok(changed)
}

/// The page fields whose values differ between `old` and `new`.
fn changed_fields(old: &tera::Value, new: &tera::Value) -> BTreeSet<&'static str> {
    BODY_FIELDS
        .iter()
        .chain(&FRONT_FIELDS)
        .copied()
        .filter(|field| old.get_from_path(field) != new.get_from_path(field))
        .collect()
}

/// `section` and the sections above it.
pub(super) fn ancestors(site: &Site, section: usize) -> Vec<usize> {
    let mut found = Vec::new();
    let mut current = Some(section);
    while let Some(s) = current {
        found.push(s);
        current = site.sections[s].parent;
    }
    found
}

/// Where an edited page or section can be listed: sections (with ancestors), terms, taxonomies.
#[derive(Default)]
pub(super) struct Reach {
    pub sections: HashSet<usize>,
    pub terms: HashSet<(usize, usize)>,
    pub taxonomies: HashSet<usize>,
}

impl Reach {
    fn of(site: &Site, doc: Doc) -> Reach {
        let (sections, terms) = match doc {
            Doc::Page(p) => (
                ancestors(site, site.pages[p].section),
                site.pages[p].terms.clone(),
            ),
            Doc::Section(s) => (ancestors(site, s), Vec::new()),
        };
        Reach {
            sections: sections.into_iter().collect(),
            taxonomies: terms.iter().map(|(t, _)| *t).collect(),
            terms: terms.into_iter().collect(),
        }
    }

    /// Whether an output of `owner` is given a value that can hold the edited document.
    pub(super) fn holds(&self, site: &Site, owner: OutputOwner) -> bool {
        match owner {
            OutputOwner::Page(i) => self.sections.contains(&site.pages[i].section),
            OutputOwner::Section(i) => self.sections.contains(&i),
            OutputOwner::EntityList(kind) => self
                .sections
                .iter()
                .any(|&s| site.sections[s].output_dir == kind.dir()),
            OutputOwner::Taxonomy(t) => self.taxonomies.contains(&t),
            OutputOwner::Term(t, i) => self.terms.contains(&(t, i)),
            _ => false,
        }
    }
}

/// The outputs that show a changed field, each with why.
pub fn select_outputs<'p>(last: &'p Prepared, changed: &ChangedFields) -> Vec<Selected<'p>> {
    let site = &last.site;
    let reach: Vec<(Doc, &BTreeSet<&str>, Reach)> = changed
        .iter()
        .map(|(&doc, fields)| (doc, fields, Reach::of(site, doc)))
        .collect();
    let mut reads_of: HashMap<&str, render::reads::TemplateReads> = HashMap::new();
    let mut selected = Vec::new();
    for output in &last.plan.outputs {
        // Page N of a list shows what the list's page 1 shows.
        let owner = output.owner.shown();
        let mut reasons: Vec<String> = Vec::new();
        for (doc, fields, reach) in &reach {
            let name = doc_name(site, *doc);
            if matches!(
                (*doc, owner),
                (Doc::Page(a), OutputOwner::Page(b)) | (Doc::Section(a), OutputOwner::Section(b)) if a == b
            ) {
                reasons.push("its body".to_owned());
                continue;
            }
            if let OutputOwner::Feed(s) = output.owner {
                if fields.contains("content") && reach.sections.contains(&s) {
                    reasons.push(format!("carries the content of {name}"));
                }
                continue;
            }
            let Some(template) = output.template.as_deref() else {
                continue;
            };
            let reads = reads_of
                .entry(template)
                .or_insert_with(|| last.templates.reads(template));
            if !(reads.reaches_any_page || reach.holds(site, owner)) {
                continue;
            }
            let mut shown = reads.shown_fields(fields);
            let own_section = matches!(*doc, Doc::Section(s) if section_of(site, owner) == Some(s));
            if own_section && reads.reads_section_body {
                shown.extend(fields.iter().copied());
                shown.dedup();
            }
            if !shown.is_empty() {
                reasons.push(format!("shows {} of {name}", shown.join(", ")));
            }
        }
        if !reasons.is_empty() {
            selected.push(Selected {
                output,
                own: reasons.iter().any(|r| r == "its body"),
                reason: reasons.join("; "),
            });
        }
    }
    selected
}

/// The section an output's `section` variable is.
fn section_of(site: &Site, owner: OutputOwner) -> Option<usize> {
    match owner {
        OutputOwner::Page(i) => Some(site.pages[i].section),
        OutputOwner::Section(i) => Some(i),
        OutputOwner::EntityList(kind) => site
            .sections
            .iter()
            .position(|s| s.output_dir == kind.dir()),
        _ => None,
    }
}

fn doc_name(site: &Site, doc: Doc) -> String {
    match doc {
        Doc::Page(i) => site.pages[i].url.clone(),
        Doc::Section(i) => site.sections[i].url.clone(),
    }
}
