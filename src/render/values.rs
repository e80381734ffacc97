//! The template context: the values each template sees, built once per build.
//!
//! Every page, section and taxonomy becomes one `tera::Value`. Tera values share their strings,
//! lists and maps behind `Arc`s, so a page listed by its section, three taxonomy terms and
//! `get_page` costs one conversion and a few pointer copies. HTML made by pimap (`content`,
//! `summary`) is marked safe; everything from front matter is escaped by the templates.

use crate::markdown::TocEntry;
use crate::plan::{OutputOwner, OutputPlan};
use crate::site::{EntityKind, Site, section_path};
use rayon::prelude::*;
use serde::Serialize;
use std::collections::HashMap;
use tera::Value;

/// Every value templates can reach, by content path and by index.
#[derive(Clone)]
pub struct SiteValues {
    pub site: Value,
    pub data: Value,
    pub taxonomies: Value,
    pub pages: Vec<Value>,
    pub sections: Vec<Value>,
    /// `taxonomy_values[t]` is the taxonomy; `term_values[t][i]` its terms.
    pub taxonomy_values: Vec<Value>,
    pub term_values: Vec<Vec<Value>>,
    /// Shared, so that an incremental update copies a pointer, not 10,000 paths.
    pub page_by_path: std::sync::Arc<HashMap<String, usize>>,
    pub section_by_path: std::sync::Arc<HashMap<String, usize>>,
    pub entities: super::entity_values::EntityValues,
}

#[derive(Serialize)]
struct PageCore<'a> {
    title: &'a str,
    description: Option<&'a str>,
    date: Option<&'a str>,
    updated: Option<&'a str>,
    slug: &'a str,
    path: &'a str,
    url: &'a str,
    permalink: String,
    toc: &'a [TocEntry],
    word_count: usize,
    reading_time: usize,
    weight: Option<i64>,
    draft: bool,
    lang: &'a str,
    section: String,
    aliases: &'a [String],
    sources: &'a [crate::source::data::Source],
    extra: &'a serde_json::Map<String, serde_json::Value>,
}

#[derive(Serialize)]
struct TermLink<'a> {
    name: &'a str,
    slug: &'a str,
    url: &'a str,
}

#[derive(Serialize)]
struct SectionCore<'a> {
    title: &'a str,
    description: Option<&'a str>,
    path: String,
    url: &'a str,
    permalink: String,
    toc: &'a [TocEntry],
    word_count: usize,
    weight: Option<i64>,
    sort_by: crate::source::content::SortBy,
    lang: &'a str,
    sources: &'a [crate::source::data::Source],
    extra: &'a serde_json::Map<String, serde_json::Value>,
}

#[derive(Serialize)]
struct SiteCore<'a> {
    title: &'a str,
    description: &'a str,
    base_url: String,
    base_path: &'a str,
    language: &'a str,
    /// The language's name in itself: `Français`.
    language_name: &'a str,
    /// The default language's code: the language of text shown where a translation is missing.
    default_language: &'a str,
    menu: &'a [crate::site::MenuEntry],
    /// The Atom feeds of the site (`feed: true` sections), for `<link rel="alternate">`.
    feeds: Vec<crate::site::MenuEntry>,
    extra: &'a serde_json::Map<String, serde_json::Value>,
}

fn with_fields(core: Value, fields: Vec<(&'static str, Value)>) -> Value {
    let mut map = core.into_map().unwrap_or_default();
    for (key, value) in fields {
        map.insert(key.into(), value);
    }
    Value::from(map)
}

fn safe(html: &str) -> Value {
    Value::safe_string(html)
}

fn reading_time(words: usize) -> usize {
    words.div_ceil(200).max(1)
}

/// The values that do not depend on pages: `site`, `data` and the entities. Shortcodes are
/// rendered with them before the pages' values are made.
pub struct Globals {
    pub site: Value,
    pub data: Value,
    pub entities: super::entity_values::EntityValues,
}

impl Globals {
    pub fn build(site: &Site, plan: &OutputPlan) -> Result<Globals, tera::Error> {
        let site_value = Value::try_from_serializable(&SiteCore {
            title: &site.config.title,
            description: &site.config.description,
            base_url: site.permalink(&format!("{}/", site.base.path)),
            base_path: &site.base.path,
            language: &site.config.language,
            language_name: &site.language.name,
            default_language: &site.language.default_code,
            menu: &site.menu,
            feeds: plan
                .outputs
                .iter()
                .filter_map(|output| match output.owner {
                    OutputOwner::Feed(i) => Some(crate::site::MenuEntry {
                        name: format!("{} · {}", site.sections[i].front.title, site.config.title),
                        url: output.url.clone(),
                    }),
                    _ => None,
                })
                .collect(),
            extra: &site.config.extra,
        })?;
        let entities = super::entity_values::build(site)?;
        Ok(Globals {
            site: site_value,
            data: super::entity_values::data_value(site, &entities)?,
            entities,
        })
    }
}

/// The value of one page; `html` is its rendered Markdown.
pub fn page_value(
    site: &Site,
    page: &crate::site::Page,
    html: String,
) -> Result<Value, tera::Error> {
    let core = Value::try_from_serializable(&PageCore {
        title: &page.front.title,
        description: page.front.description.as_deref(),
        date: page.front.date.as_ref().map(|d| d.as_str()),
        updated: page.front.updated.as_ref().map(|d| d.as_str()),
        slug: &page.slug,
        path: &page.source.path,
        url: &page.url,
        permalink: site.permalink(&page.url),
        toc: &page.markdown.toc,
        word_count: page.markdown.word_count,
        reading_time: reading_time(page.markdown.word_count),
        weight: page.front.weight,
        draft: page.front.draft,
        lang: &site.config.language,
        section: section_path(&site.sections[page.section].dir),
        aliases: &page.front.aliases,
        sources: &page.front.sources,
        extra: &page.front.extra,
    })?;
    let mut by_taxonomy: std::collections::BTreeMap<String, Vec<Value>> = Default::default();
    for &(t, i) in &page.terms {
        let term = &site.taxonomies[t].terms[i];
        by_taxonomy
            .entry(site.taxonomies[t].config.name.clone())
            .or_default()
            .push(Value::try_from_serializable(&TermLink {
                name: &term.name,
                slug: &term.slug,
                url: &term.url,
            })?);
    }
    let summary = match (&page.front.summary, &page.markdown.summary) {
        (Some(text), _) => Value::safe_string(&format!("<p>{}</p>", crate::markdown::escape(text))),
        (None, Some(html)) => safe(html),
        (None, None) => Value::none(),
    };
    Ok(with_fields(
        core,
        vec![
            ("content", safe(&html)),
            ("summary", summary),
            ("taxonomies", Value::from(by_taxonomy)),
        ],
    ))
}

/// Returns `value` (a map) with `key` replaced.
/// The value of section `index`: its fields, its rendered Markdown `content`, and the values of
/// its pages and subsections taken from `pages` and `sections`. A full build and an incremental
/// update make it the same way.
pub fn section_value(
    site: &Site,
    index: usize,
    content: Value,
    pages: &[Value],
    sections: &[Value],
) -> Result<Value, tera::Error> {
    let section = &site.sections[index];
    let core = Value::try_from_serializable(&SectionCore {
        title: &section.front.title,
        description: section.front.description.as_deref(),
        path: section_path(&section.dir),
        url: &section.url,
        permalink: site.permalink(&section.url),
        toc: &section.markdown.toc,
        word_count: section.markdown.word_count,
        weight: section.front.weight,
        sort_by: section.front.sort_by,
        lang: site.config.language.as_str(),
        sources: &section.front.sources,
        extra: &section.front.extra,
    })?;
    let listed: Vec<Value> = section.pages.iter().map(|&p| pages[p].clone()).collect();
    let subsections: Vec<Value> = section
        .subsections
        .iter()
        .map(|&s| sections[s].clone())
        .collect();
    Ok(with_fields(
        core,
        vec![
            ("content", content),
            ("pages", Value::from(listed)),
            ("subsections", Value::from(subsections)),
        ],
    ))
}

pub fn replace_field(value: &Value, key: &'static str, new: Value) -> Value {
    with_fields(value.clone(), vec![(key, new)])
}

impl SiteValues {
    /// The `section` of the list page of an entity kind: the value of `content/<kind>/_index.md`
    /// when there is one, else a title and no text.
    pub fn entity_list_section(&self, site: &Site, kind: EntityKind) -> Value {
        match site
            .sections
            .iter()
            .position(|s| s.output_dir == kind.dir())
        {
            Some(i) => self.sections[i].clone(),
            None => {
                let mut fields = std::collections::BTreeMap::new();
                fields.insert("title", Value::from(kind.default_title()));
                fields.insert("content", Value::safe_string(""));
                Value::from(fields)
            }
        }
    }

    /// Builds the values. The HTML of every page and section moves out of `site` into them, so
    /// that a big site holds its HTML once.
    pub fn build(site: &mut Site, globals: Globals) -> Result<SiteValues, tera::Error> {
        let mut html: Vec<String> = site
            .pages
            .iter_mut()
            .map(|p| std::mem::take(&mut p.markdown.html))
            .collect();
        let mut section_html: Vec<String> = site
            .sections
            .iter_mut()
            .map(|s| std::mem::take(&mut s.markdown.html))
            .collect();
        let site = &*site;
        let pages = site
            .pages
            .par_iter()
            .zip(html.par_iter_mut())
            .map(|(page, html)| page_value(site, page, std::mem::take(html)))
            .collect::<Result<Vec<Value>, tera::Error>>()?;

        // Sections bottom-up (a subsection sorts after its parent), so that each can hold its
        // finished subsections.
        let mut sections: Vec<Value> = vec![Value::none(); site.sections.len()];
        for index in (0..site.sections.len()).rev() {
            let content = safe(&std::mem::take(&mut section_html[index]));
            sections[index] = section_value(site, index, content, &pages, &sections)?;
        }

        let mut taxonomy_values = Vec::new();
        let mut term_values = Vec::new();
        let mut taxonomies_by_name = std::collections::BTreeMap::new();
        for (index, taxonomy) in site.taxonomies.iter().enumerate() {
            let terms: Vec<Value> = taxonomy
                .terms
                .iter()
                .map(|term| {
                    Ok(with_fields(
                        Value::try_from_serializable(&TermLink {
                            name: &term.name,
                            slug: &term.slug,
                            url: &term.url,
                        })?,
                        vec![
                            ("permalink", Value::from(site.permalink(&term.url))),
                            (
                                "pages",
                                Value::from(
                                    term.pages
                                        .iter()
                                        .map(|&p| pages[p].clone())
                                        .collect::<Vec<_>>(),
                                ),
                            ),
                        ],
                    ))
                })
                .collect::<Result<_, tera::Error>>()?;
            let mut fields = std::collections::BTreeMap::new();
            fields.insert("name", Value::from(taxonomy.config.name.as_str()));
            fields.insert("title", Value::from(site.taxonomy_title(index)));
            fields.insert("url", Value::from(taxonomy.url.as_str()));
            fields.insert("permalink", Value::from(site.permalink(&taxonomy.url)));
            fields.insert("terms", Value::from(terms.clone()));
            let value = Value::from(fields);
            taxonomies_by_name.insert(taxonomy.config.name.clone(), value.clone());
            taxonomy_values.push(value);
            term_values.push(terms);
        }

        let Globals {
            site: site_value,
            data,
            entities,
        } = globals;
        Ok(SiteValues {
            site: site_value,
            data,
            entities,
            taxonomies: Value::from(taxonomies_by_name),
            page_by_path: std::sync::Arc::new(
                site.pages
                    .iter()
                    .enumerate()
                    .map(|(i, p)| (p.source.path.clone(), i))
                    .collect(),
            ),
            section_by_path: std::sync::Arc::new(
                site.sections
                    .iter()
                    .enumerate()
                    .map(|(i, s)| (section_path(&s.dir), i))
                    .collect(),
            ),
            pages,
            sections,
            taxonomy_values,
            term_values,
        })
    }
}
