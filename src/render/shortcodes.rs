//! Rendering shortcodes: each call found in Markdown (see `crate::shortcode`) is rendered with
//! the template `shortcodes/<name>.html` and put in place of its marker; a block shortcode's
//! template also receives the HTML of its Markdown body as `body` (`note`, `quote` and `cta` in
//! the bundled theme).
//!
//! A call's arguments are the template's variables; an `id` argument of a shortcode whose name
//! starts with `sme_`, `partner_`, `mission_` or `practice_` must name an entity of that kind,
//! which the template receives as `sme`, `partner`, `mission` or `practice`. An unknown shortcode
//! or id is an error at the call's line. Shortcode templates see `site` and `data`; the page
//! functions (`get_page`...) are not available yet when they run.

use super::Templates;
use super::entity_values::EntityValues;
use crate::diagnostics::{Diagnostic, did_you_mean};
use crate::shortcode::{ArgValue, ShortcodeCall, splice, splice_block};
use crate::site::{EntityKind, Site};
use crate::source::content::ContentSource;
use rayon::prelude::*;

fn entity_kind(name: &str) -> Option<EntityKind> {
    let prefix = name.split('_').next()?;
    EntityKind::ALL
        .into_iter()
        .find(|kind| kind.variable().0 == prefix)
}

pub(crate) fn shortcode_names(templates: &Templates) -> Vec<&str> {
    let mut names: Vec<&str> = templates
        .sources
        .keys()
        .filter_map(|n| n.strip_prefix("shortcodes/")?.strip_suffix(".html"))
        .collect();
    names.sort_unstable();
    names
}

/// Checks that every shortcode call names a shortcode of the theme and, through `id`, an
/// existing entity: each problem is an error at the call.
pub fn check(site: &Site, templates: &Templates) -> Vec<Diagnostic> {
    let names = shortcode_names(templates);
    let graph = &site.graph;
    let documents = site.pages.iter().map(|p| (&p.source, &p.markdown)).chain(
        site.sections
            .iter()
            .filter_map(|s| Some((s.source.as_ref()?, &s.markdown))),
    );
    documents
        .flat_map(|(source, markdown)| check_document(&names, graph, source, markdown))
        .collect()
}

/// Checks the shortcode calls of one content file.
pub(crate) fn check_document(
    names: &[&str],
    graph: &crate::site::DataGraph,
    source: &ContentSource,
    markdown: &crate::markdown::RenderedMarkdown,
) -> Vec<Diagnostic> {
    let mut errors = Vec::new();
    {
        for call in &markdown.shortcodes {
            let at =
                |message: String| source.error_at_offset(source.body_start + call.offset, message);
            if !names.contains(&call.name.as_str()) {
                let help = match did_you_mean(&call.name, names.iter().copied()) {
                    Some(best) => format!("did you mean `{best}`?"),
                    None if names.is_empty() => "the theme has no shortcodes".to_owned(),
                    None => format!("the shortcodes are: {}", names.join(", ")),
                };
                errors.push(at(format!("unknown shortcode `{}`", call.name)).with_help(help));
            } else if let (Some(kind), Some(ArgValue::Text(id))) =
                (entity_kind(&call.name), call.args.get("id"))
            {
                let withheld =
                    graph.entities.withheld.iter().find(|e| {
                        EntityKind::of_folder(e.folder) == Some(kind) && e.id == id.as_str()
                    });
                if let Some(entity) = withheld {
                    let file = entity.file.to_string_lossy().replace('\\', "/");
                    errors.push(
                        at(format!(
                            "`{}`: the {} `{id}` is not published on the day of this build, so this page cannot show it",
                            call.name,
                            kind.variable().0
                        ))
                        .with_help(entity.publication.how_to_publish(&file)),
                    );
                } else if graph.find(kind, id).is_none() && !graph.is_unresolved(kind, id) {
                    let ids: Vec<&str> =
                        (0..graph.count(kind)).map(|i| graph.id(kind, i)).collect();
                    let help = did_you_mean(id, ids.iter().copied()).map_or_else(
                        || format!("the ids are the file names in data/{}/", kind.variable().1),
                        |best| format!("did you mean `{best}`?"),
                    );
                    errors.push(
                        at(format!(
                            "`{}`: there is no {} with the id `{id}`",
                            call.name,
                            kind.variable().0
                        ))
                        .with_help(help),
                    );
                }
            }
        }
    }
    errors
}

/// Renders every shortcode of every page and section into its HTML. The calls were checked by
/// [`check`].
pub fn expand(templates: &Templates, site: &mut Site, entities: &EntityValues) -> Vec<Diagnostic> {
    let graph = &site.graph;
    let (pages, sections) = (&mut site.pages, &mut site.sections);
    let mut errors: Vec<Diagnostic> = pages
        .par_iter_mut()
        .flat_map(|p| expand_document(templates, graph, entities, &p.source, &mut p.markdown))
        .collect();
    errors.extend(
        sections
            .par_iter_mut()
            .flat_map(|s| match &s.source {
                Some(source) => {
                    expand_document(templates, graph, entities, source, &mut s.markdown)
                }
                None => Vec::new(),
            })
            .collect::<Vec<_>>(),
    );
    errors
}

/// Renders the shortcodes of one content file into its HTML and summary: inline calls first,
/// then block shortcodes from the innermost out, each with the HTML of its body as `body`.
pub(crate) fn expand_document(
    templates: &Templates,
    graph: &crate::site::DataGraph,
    entities: &EntityValues,
    source: &ContentSource,
    markdown: &mut crate::markdown::RenderedMarkdown,
) -> Vec<Diagnostic> {
    if markdown.shortcodes.is_empty() {
        return Vec::new();
    }
    let calls = &markdown.shortcodes;
    let render = |call: &ShortcodeCall, body: Option<&str>| {
        let mut context = call_context(call, graph, entities);
        if let Some(body) = body {
            context.insert_value("body", tera::Value::safe_string(body));
        }
        let template = format!("shortcodes/{}.html", call.name);
        templates.tera.render(&template, &context).map_err(|e| {
            let (line, _) =
                crate::diagnostics::line_col(&source.text, source.body_start + call.offset);
            let where_ = format!(
                "the shortcode `{}` at {}:{line}",
                call.name,
                source.file.display()
            );
            super::tera_diagnostic(&e, &templates.sources, Some(&where_))
        })
    };
    let mut errors = Vec::new();
    let outputs: Vec<String> = calls
        .iter()
        .map(|call| match call.block {
            true => String::new(),
            false => render(call, None).unwrap_or_else(|e| {
                errors.push(e);
                String::new()
            }),
        })
        .collect();
    if !errors.is_empty() {
        return errors;
    }
    let expand = |html: &str| -> Result<String, Diagnostic> {
        let mut html = splice(html, &outputs);
        for (index, call) in calls.iter().enumerate().rev().filter(|(_, c)| c.block) {
            html = splice_block(&html, index, |body| render(call, Some(body)))?;
        }
        Ok(html)
    };
    let html = expand(&markdown.html);
    let summary = markdown.summary.as_deref().map(expand).transpose();
    match (html, summary) {
        (Ok(html), Ok(summary)) => {
            markdown.html = html;
            markdown.summary = summary;
            Vec::new()
        }
        (Err(e), _) | (_, Err(e)) => vec![e],
    }
}

/// The variables of a shortcode's template: its arguments, and the entity its `id` names.
fn call_context(
    call: &ShortcodeCall,
    graph: &crate::site::DataGraph,
    entities: &EntityValues,
) -> tera::Context {
    let mut context = tera::Context::new();
    for (key, value) in &call.args {
        match value {
            ArgValue::Text(text) => context.insert(key.clone(), text),
            ArgValue::Number(n) => context.insert(key.clone(), n),
            ArgValue::Bool(b) => context.insert(key.clone(), b),
        }
    }
    if let (Some(kind), Some(ArgValue::Text(id))) = (entity_kind(&call.name), call.args.get("id")) {
        if let Some(index) = graph.find(kind, id) {
            context.insert_value(kind.variable().0, entities.of(kind)[index].clone());
        }
    }
    context
}
