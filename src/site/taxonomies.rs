//! Taxonomies: the terms every page carries, by slug, each with its pages newest first; terms
//! sorted by name. An unknown taxonomy or a term with no letters is an error at the page. A
//! taxonomy's title is the theme's translation of it in a further language. [`recollect`]
//! collects them again after a page's front matter changed (the incremental rebuild).

use super::tree::sort_pages;
use super::{Page, Taxonomy, Term, url_for_dir};
use crate::config::{BaseUrl, SiteConfig};
use crate::diagnostics::{Diagnostic, did_you_mean};
use crate::markdown::slugify;
use crate::source::content::SortBy;
use std::collections::BTreeMap;

pub(super) fn collect_taxonomies(
    config: &SiteConfig,
    base: &BaseUrl,
    pages: &mut [Page],
    errors: &mut Vec<Diagnostic>,
) -> Vec<Taxonomy> {
    let mut taxonomies: Vec<Taxonomy> = config
        .taxonomies
        .iter()
        .map(|t| Taxonomy {
            config: t.clone(),
            url: url_for_dir(base, &t.name),
            output_dir: t.name.clone(),
            terms: Vec::new(),
        })
        .collect();
    let mut slugs: Vec<BTreeMap<String, (String, Vec<usize>)>> =
        vec![BTreeMap::new(); taxonomies.len()];
    for (index, page) in pages.iter().enumerate() {
        for (name, terms) in &page.front.taxonomies {
            let Some(t) = taxonomies.iter().position(|t| &t.config.name == name) else {
                let names: Vec<&str> = config.taxonomies.iter().map(|t| t.name.as_str()).collect();
                let help = match did_you_mean(name, names.iter().copied()) {
                    Some(best) => format!("did you mean `{best}`?"),
                    None if names.is_empty() => {
                        "declare it under `taxonomies` in site.yaml".to_owned()
                    }
                    None => format!("the taxonomies in site.yaml are: {}", names.join(", ")),
                };
                errors.push(
                    page.source
                        .error_at_text(&format!("{name}:"), format!("unknown taxonomy `{name}`"))
                        .with_help(help),
                );
                continue;
            };
            for term in terms {
                let slug = slugify(term);
                if slug.is_empty() {
                    errors.push(page.source.error_at_text(
                        term,
                        format!("term `{term}` has no letters or digits to make a URL from"),
                    ));
                    continue;
                }
                let entry = slugs[t]
                    .entry(slug)
                    .or_insert_with(|| (term.trim().to_owned(), Vec::new()));
                if entry.1.last() != Some(&index) {
                    entry.1.push(index);
                }
            }
        }
    }
    for (t, by_slug) in slugs.into_iter().enumerate() {
        let taxonomy = &mut taxonomies[t];
        for (slug, (name, mut members)) in by_slug {
            sort_pages(&mut members, pages, SortBy::Date);
            let output_dir = format!("{}/{}", taxonomy.output_dir, slug);
            taxonomy.terms.push(Term {
                name,
                slug,
                url: url_for_dir(base, &output_dir),
                output_dir,
                pages: members,
            });
        }
        taxonomy.terms.sort_by(|a, b| {
            a.name
                .to_lowercase()
                .cmp(&b.name.to_lowercase())
                .then_with(|| a.slug.cmp(&b.slug))
        });
        for (term_index, term) in taxonomy.terms.iter().enumerate() {
            for &page in &term.pages {
                pages[page].terms.push((t, term_index));
            }
        }
    }
    taxonomies
}

/// Collects the terms of `site` again from its pages' front matter, after a page's front matter
/// changed: the taxonomies and every page's `terms` are replaced. Returns the problems a full
/// build reports (an unknown taxonomy, a term with no letters).
pub fn recollect(site: &mut super::Site) -> Vec<Diagnostic> {
    for page in &mut site.pages {
        page.terms.clear();
    }
    let mut errors = Vec::new();
    site.taxonomies = collect_taxonomies(&site.config, &site.base, &mut site.pages, &mut errors);
    errors
}

impl super::Site {
    /// The title of the taxonomy `index` in this site's language: the one `site.yaml` gives in
    /// the default language; in another, the theme's `taxonomies.<name>` text, where it has one.
    pub fn taxonomy_title(&self, index: usize) -> String {
        let config = &self.taxonomies[index].config;
        let translated = (!self.language.is_default)
            .then(|| {
                self.language
                    .strings
                    .text(&format!("taxonomies.{}", config.name))
            })
            .flatten();
        translated.map_or_else(|| config.title(), str::to_owned)
    }
}
