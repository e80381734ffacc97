//! Which template renders each output: the kind's default, or the one a page or section names
//! in front matter (`template`, `page_template`); and an error at that key, or at the template's
//! name, for a template that does not exist.

use super::{Embed, OutputOwner, PlannedOutput};
use crate::diagnostics::{Diagnostic, did_you_mean};
use crate::site::Site;
use std::collections::HashSet;

/// The template that renders an output; `None` for outputs made without one.
pub(super) fn template_of(site: &Site, owner: OutputOwner) -> Option<&str> {
    Some(match owner {
        OutputOwner::Embed(Embed::Sme(_)) => "embed_sme.html",
        OutputOwner::Embed(Embed::ClusterSmes(..)) => "embed_smes.html",
        OutputOwner::Search => "search.html",
        OutputOwner::EntityList(kind) => kind.list_template(),
        OutputOwner::Entity(kind, _) => kind.template(),
        OutputOwner::FacetIndex(_) => "facets.html",
        OutputOwner::Facet(..) => "facet.html",
        OutputOwner::Page(_) => named_template(site, owner).map_or("page.html", |(t, ..)| t),
        OutputOwner::Section(i) => match named_template(site, owner) {
            Some((t, ..)) => t,
            None if site.sections[i].dir.is_empty() => "index.html",
            None => "section.html",
        },
        OutputOwner::Taxonomy(_) => "taxonomy_list.html",
        OutputOwner::Term(..) => "taxonomy_term.html",
        OutputOwner::ListPage(list, _) => return template_of(site, list.first_page()),
        OutputOwner::NotFound => "404.html",
        OutputOwner::OEmbed(_)
        | OutputOwner::Api(_)
        | OutputOwner::SearchIndex
        | OutputOwner::Headers
        | OutputOwner::Fingerprinted(_)
        | OutputOwner::Alias(_)
        | OutputOwner::FirstPageRedirect(_)
        | OutputOwner::ContentAsset(_)
        | OutputOwner::Static(_)
        | OutputOwner::Picture(..)
        | OutputOwner::Sitemap
        | OutputOwner::Robots
        | OutputOwner::Feed(_) => return None,
    })
}

/// An error for every output whose template does not exist: at the `template` or
/// `page_template` key that chose it, or at the template's name for the default ones.
pub(super) fn missing_templates(
    site: &Site,
    outputs: &[PlannedOutput],
    template_names: &HashSet<String>,
) -> Vec<Diagnostic> {
    let mut names: Vec<&str> = template_names.iter().map(String::as_str).collect();
    names.sort_unstable();
    let mut problems = Vec::new();
    for output in outputs {
        let Some(template) = output.template.as_deref() else {
            continue;
        };
        if template_names.contains(template) {
            continue;
        }
        let message = format!("template `{template}` not found");
        let help = match did_you_mean(template, names.iter().copied()) {
            Some(best) => format!("did you mean `{best}`?"),
            None => format!("add templates/{template} to the site or its theme"),
        };
        let diagnostic = match template_chosen_at(site, output.owner) {
            Some(mut at) => {
                at.message = message;
                at
            }
            None => Diagnostic::file_error(format!("templates/{template}"), message)
                .with_note(format!("needed to render {}", output.description)),
        };
        problems.push(diagnostic.with_help(help));
    }
    problems
}

/// Where a page or section names its template (`template:` or its section's `page_template:`).
fn template_chosen_at(site: &Site, owner: OutputOwner) -> Option<Diagnostic> {
    let (_, source, key) = named_template(site, owner)?;
    Some(source?.error_at_key(key, ""))
}

/// The template a page or section names in front matter, with the file and key that name it: a
/// page's `template`, else its section's `page_template`; a section's `template`. `None` when
/// the output takes its kind's default.
fn named_template(
    site: &Site,
    owner: OutputOwner,
) -> Option<(
    &str,
    Option<&crate::source::content::ContentSource>,
    &'static str,
)> {
    match owner {
        OutputOwner::Page(i) => {
            let page = &site.pages[i];
            let section = &site.sections[page.section];
            match (&page.front.template, &section.front.page_template) {
                (Some(t), _) => Some((t, Some(&page.source), "template")),
                (None, Some(t)) => Some((t, section.source.as_ref(), "page_template")),
                (None, None) => None,
            }
        }
        OutputOwner::Section(i) => {
            let section = &site.sections[i];
            let t = section.front.template.as_deref()?;
            Some((t, section.source.as_ref(), "template"))
        }
        _ => None,
    }
}
