//! Rendering: Tera templates applied to the resolved site, in parallel.
//!
//! Templates come from the theme, overridden by name by the site's `templates/`. Every output of
//! the [`OutputPlan`] that is not a copy is rendered here: with its template (which the plan chose:
//! `index.html`, `section.html`, `page.html`, `taxonomy_list.html`, `taxonomy_term.html`,
//! `404.html`, or the one a page or section names with `template:`) and the variables of its
//! kind, or, for the sitemap, feeds, API and redirects, by `output::publish`.
//! Functions `get_page`, `get_section`, `get_url` and the filters `date`, `datetime` and
//! `embed_links` are registered here.
//! Tera errors become diagnostics at `template:line:col`, with the page being rendered as a
//! note. Rendering reads no file and writes none: each result goes to the caller's sink.

pub use shortcodes::check as check_shortcodes;
pub(crate) use shortcodes::{
    check_document as check_shortcodes_of, expand_document as expand_shortcodes_of,
    shortcode_names as shortcode_names_of,
};
mod chains;
pub use chains::written_ids;
mod dates;
pub mod entity_update;
pub(crate) mod entity_values;
mod functions;
mod meta;
mod paginator;
pub mod reads;
mod shortcodes;
mod template_tokens;
mod values;

use crate::diagnostics::Diagnostic;
use crate::plan::{Embed, OutputOwner, OutputPlan, PagedList, PlannedOutput};
use crate::site::{AliasOwner, EntityKind, FacetKind, Site};
use crate::source::TemplateSource;
use crate::source::publication::Publication;
use rayon::prelude::*;
use std::collections::HashMap;
use std::error::Error as _;
use tera::{Context, Tera, Value};
pub use values::{SiteValues, page_value, replace_field, section_value};

/// The compiled templates and where each came from.
#[derive(Clone)]
pub struct Templates {
    pub tera: Tera,
    sources: HashMap<String, TemplateSource>,
    /// What each template reads, from its tags.
    graph: reads::TemplateGraph,
}

impl Templates {
    /// Compiles every template. Syntax errors are reported for every template at once, with
    /// include chains longer than pimap follows.
    pub fn compile(templates: &[TemplateSource]) -> Result<Templates, Vec<Diagnostic>> {
        let sources: HashMap<String, TemplateSource> = templates
            .iter()
            .map(|t| (t.name.clone(), t.clone()))
            .collect();
        let chain_errors = chains::check(templates);
        if !chain_errors.is_empty() {
            let mut errors = syntax_errors(templates, &sources);
            errors.extend(chain_errors);
            return Err(errors);
        }
        let mut tera = Tera::new();
        tera.autoescape_on(vec![".html", ".htm", ".xml", ".svg"]);
        tera.set_escape_fn(crate::markdown::write_escaped);
        functions::register_filters(&mut tera);
        functions::register_placeholders(&mut tera);
        match tera.add_raw_templates(templates.iter().map(|t| (t.name.as_str(), t.text.as_str()))) {
            Ok(()) => {
                let graph = reads::TemplateGraph::new(
                    sources
                        .iter()
                        .map(|(name, t)| (name.as_str(), t.text.as_str())),
                );
                Ok(Templates {
                    tera,
                    sources,
                    graph,
                })
            }
            Err(batch_error) => {
                // The batch stops at its first error; check each template alone to find them all.
                let mut errors = syntax_errors(templates, &sources);
                if errors.is_empty() {
                    errors = match batch_error.kind() {
                        // Unknown filters, functions, includes and blocks of every template come
                        // as one message holding one report each.
                        tera::ErrorKind::Msg(text) if !parse_reports(text).is_empty() => {
                            parse_reports(text)
                                .into_iter()
                                .map(|(name, line, col, message)| match sources.get(&name) {
                                    Some(t) => {
                                        Diagnostic::error_at(&t.file, &t.text, line, col, message)
                                    }
                                    None => {
                                        Diagnostic::file_error(format!("templates/{name}"), message)
                                    }
                                })
                                .collect()
                        }
                        _ => vec![tera_diagnostic(&batch_error, &sources, None)],
                    };
                }
                Err(errors)
            }
        }
    }
}

/// The syntax errors of every template, each compiled alone.
fn syntax_errors(
    templates: &[TemplateSource],
    sources: &HashMap<String, TemplateSource>,
) -> Vec<Diagnostic> {
    templates
        .par_iter()
        .filter_map(|t| {
            let mut alone = Tera::new();
            functions::register_filters(&mut alone);
            functions::register_placeholders(&mut alone);
            match alone.add_raw_template(&t.name, &t.text) {
                Err(e) if matches!(e.kind(), tera::ErrorKind::SyntaxError(_)) => Some(e),
                _ => None,
            }
        })
        .collect::<Vec<_>>()
        .into_iter()
        .map(|e| tera_diagnostic(&e, sources, None))
        .collect()
}

/// Template names after `include`, `extends` or `import` in a template's tags.
fn referenced_templates(text: &str) -> Vec<String> {
    reads::scan(text).references
}

/// Splits Tera's text reports (`error: MESSAGE` then `  --> NAME:LINE:COL`) into their parts.
fn parse_reports(text: &str) -> Vec<(String, usize, usize, String)> {
    let mut reports = Vec::new();
    let mut message = None;
    for line in text.lines() {
        if let Some(m) = line.strip_prefix("error: ") {
            message = Some(m.to_owned());
        } else if let (Some(place), Some(m)) =
            (line.trim_start().strip_prefix("--> "), message.as_ref())
        {
            let mut parts = place.rsplitn(3, ':');
            let (col, line_number, name) = (parts.next(), parts.next(), parts.next());
            if let (Some(col), Some(line_number), Some(name)) = (col, line_number, name) {
                if let (Ok(line_number), Ok(col)) = (line_number.parse(), col.parse()) {
                    reports.push((name.to_owned(), line_number, col, m.clone()));
                    message = None;
                }
            }
        }
    }
    reports
}

/// Turns a Tera error into a diagnostic at the template's file, line and column.
fn tera_diagnostic(
    error: &tera::Error,
    sources: &HashMap<String, TemplateSource>,
    rendering: Option<&str>,
) -> Diagnostic {
    let mut diagnostic = match error.kind() {
        tera::ErrorKind::SyntaxError(report) | tera::ErrorKind::RenderingError(report) => {
            let span = report.span();
            match sources.get(report.filename()) {
                Some(t) => Diagnostic::error_at(
                    &t.file,
                    &t.text,
                    span.start_line,
                    span.start_col + 1,
                    report.message(),
                ),
                None => Diagnostic::file_error(
                    format!("templates/{}", report.filename()),
                    report.message(),
                ),
            }
        }
        tera::ErrorKind::CircularExtend { tpl, .. }
        | tera::ErrorKind::CircularInclude { tpl, .. }
        | tera::ErrorKind::MissingParent { current: tpl, .. } => {
            let file = sources
                .get(tpl)
                .map_or_else(|| format!("templates/{tpl}").into(), |t| t.file.clone());
            Diagnostic::file_error(file, error.kind().to_string())
        }
        kind => Diagnostic::file_error("templates", kind.to_string()),
    };
    let mut cause = error.source();
    while let Some(inner) = cause {
        diagnostic.notes.push(format!("caused by: {inner}"));
        cause = inner.source();
    }
    if let Some(what) = rendering {
        diagnostic.notes.push(format!("while rendering {what}"));
    }
    diagnostic
}

/// One file of the output: its path relative to the output root and its bytes.
pub struct RenderedFile {
    pub path: String,
    pub bytes: Vec<u8>,
}

impl Templates {
    /// What `name` reads, with the templates it extends, includes or calls.
    pub fn reads(&self, name: &str) -> reads::TemplateReads {
        self.graph.reads(name)
    }

    /// The names of `name` and of every template it extends, includes or calls.
    pub fn closure(&self, name: &str) -> std::collections::HashSet<String> {
        self.graph.closure(name)
    }

    /// Whether any template defines a component (any template may call it).
    pub fn defines_components(&self) -> bool {
        self.graph.defines_components()
    }

    /// The text of every template, by name.
    pub fn texts(&self) -> impl Iterator<Item = (&str, &str)> {
        self.sources
            .iter()
            .map(|(name, t)| (name.as_str(), t.text.as_str()))
    }

    /// Points `get_page`, `get_section` and the global variables at new page values, after an
    /// incremental update.
    pub(crate) fn rebind(&mut self, values: &std::sync::Arc<SiteValues>) {
        functions::register_page_functions(&mut self.tera, values);
        self.set_globals(values);
    }

    /// Draws the charts again from the data of `site`, after a data edit.
    pub(crate) fn redraw_charts(&mut self, site: &Site) {
        functions::register_chart_functions(&mut self.tera, site);
    }

    /// Registers every site function on freshly compiled templates and sets the globals.
    pub(crate) fn attach(
        &mut self,
        site: &Site,
        plan: &OutputPlan,
        values: &std::sync::Arc<SiteValues>,
    ) {
        functions::register_site_functions(&mut self.tera, site, plan, values);
        self.set_globals(values);
    }

    fn set_globals(&mut self, values: &SiteValues) {
        let context = self.tera.global_context();
        context.insert_value("site", values.site.clone());
        context.insert_value("data", values.data.clone());
        context.insert_value("taxonomies", values.taxonomies.clone());
    }

    /// Builds the template values of `site` (moving its HTML into them) and registers the
    /// functions and global variables that read them.
    pub fn bind(
        &mut self,
        site: &mut Site,
        plan: &OutputPlan,
    ) -> Result<std::sync::Arc<SiteValues>, Vec<Diagnostic>> {
        let context_error = |e: tera::Error| {
            vec![Diagnostic::file_error(
                "content",
                format!("cannot build the template context: {e}"),
            )]
        };
        let globals = values::Globals::build(site, plan).map_err(context_error)?;
        let context = self.tera.global_context();
        context.insert_value("site", globals.site.clone());
        context.insert_value("data", globals.data.clone());
        functions::register_chart_functions(&mut self.tera, site);
        // Shortcodes speak the language of the page they are in.
        functions::register_language_functions(&mut self.tera, site);
        let errors = shortcodes::expand(self, site, &globals.entities);
        if !errors.is_empty() {
            return Err(errors);
        }
        let values = std::sync::Arc::new(SiteValues::build(site, globals).map_err(context_error)?);
        functions::register_site_functions(&mut self.tera, site, plan, &values);
        self.tera
            .global_context()
            .insert_value("taxonomies", values.taxonomies.clone());
        Ok(values)
    }
}

/// Renders every output of `plan` that is not a copy and hands each to `sink` as soon as it is
/// ready. Returns every problem found; the sink's own errors are included.
pub fn render_site<F>(
    site: &Site,
    plan: &OutputPlan,
    templates: &Templates,
    values: &SiteValues,
    minify: bool,
    sink: F,
) -> Vec<Diagnostic>
where
    F: Fn(RenderedFile) -> Result<(), Diagnostic> + Sync,
{
    let mut errors: Vec<Diagnostic> = plan
        .outputs
        .par_iter()
        .filter_map(|output| {
            let bytes = match render_one(site, plan, templates, values, output)? {
                Ok(html) if minify && output.path.ends_with(".html") => {
                    crate::output::minify_html(html.as_bytes())
                }
                Ok(html) => html.into_bytes(),
                Err(d) => return Some(d),
            };
            sink(RenderedFile {
                path: output.path.clone(),
                bytes,
            })
            .err()
        })
        .collect();
    errors.sort_by(|a, b| a.path.cmp(&b.path));
    errors
}

/// Renders one output; `None` for outputs that are copied rather than rendered.
pub(crate) fn render_one(
    site: &Site,
    plan: &OutputPlan,
    templates: &Templates,
    values: &SiteValues,
    output: &PlannedOutput,
) -> Option<Result<String, Diagnostic>> {
    use crate::output::publish;
    let made = match output.owner {
        OutputOwner::Alias(i) => {
            let alias = &site.aliases[i];
            let title = match alias.page {
                AliasOwner::Page(p) => &site.pages[p].front.title,
                AliasOwner::Section(s) => &site.sections[s].front.title,
            };
            redirect_page(site, title, &alias.target_url)
        }
        OutputOwner::FirstPageRedirect(list) => {
            let target = plan.of(list.first_page())?;
            redirect_page(site, &target.url, &target.url)
        }
        OutputOwner::Sitemap => publish::sitemap(site, plan),
        OutputOwner::Robots => publish::robots(site, plan),
        OutputOwner::OEmbed(embed) => publish::oembed(site, embed),
        OutputOwner::Api(kind) => crate::output::api::api(site, plan, kind),
        OutputOwner::SearchIndex => publish::search_index(site),
        OutputOwner::Headers => publish::headers(site, plan),
        OutputOwner::Feed(i) => {
            let content_of = |page: usize| {
                values.pages[page]
                    .get_from_path("content")
                    .and_then(|v| v.as_str())
                    .map(str::to_owned)
            };
            publish::feed(site, i, &output.url, &content_of)
        }
        _ => return render_template(site, plan, templates, values, output),
    };
    Some(Ok(made))
}

/// Renders an output with its template; `None` for outputs that have none.
fn render_template(
    site: &Site,
    plan: &OutputPlan,
    templates: &Templates,
    values: &SiteValues,
    output: &PlannedOutput,
) -> Option<Result<String, Diagnostic>> {
    let template = output.template.as_deref()?;
    // Page N of a list shows the variables of the list, with its own `paginator`.
    let shown = output.owner.shown();
    let mut context = template_context(site, values, shown);
    let publication = match shown {
        OutputOwner::Page(i) => site.pages[i].publication,
        OutputOwner::Entity(kind, i) => site.graph.publication(kind, i),
        _ => Publication::Published,
    };
    // A preview's ribbon: why a build on this day would leave the page out.
    match publication.notice(&site.language.strings) {
        Some(notice) => context.insert("publication", &notice),
        None => context.insert_value("publication", Value::none()),
    }
    let paginator = match output.owner.list_page() {
        Some((list, number)) => match paginator::paginator(site, plan, values, list, number) {
            Ok(value) => value,
            Err(e) => return Some(Err(tera_diagnostic(&e, &templates.sources, None))),
        },
        None => Value::none(),
    };
    context.insert_value("paginator", paginator);
    let (title, description) = meta::describe(site, shown);
    // The 404 page is shown at any address: it has none of its own.
    let url = match output.owner {
        OutputOwner::NotFound => "",
        _ => output.url.as_str(),
    };
    context.insert_value(
        "meta",
        meta::meta(site, plan, shown, &title, description.as_deref(), url),
    );
    let current_url = if url.is_empty() {
        String::new()
    } else {
        site.permalink(url)
    };
    let fallback = !crate::plan::languages::is_translated(site, output.owner);
    let languages = match output.owner {
        OutputOwner::NotFound => site.alternates.homes(),
        _ => site.alternates.versions(site, output),
    };
    // A page shown with the default language's text points search engines at the original.
    let canonical_url = match fallback {
        true => languages
            .iter()
            .find(|v| v.code == site.language.default_code)
            .map_or_else(|| current_url.clone(), |v| v.permalink.clone()),
        false => current_url.clone(),
    };
    context.insert("current_path", url);
    context.insert("current_url", &current_url);
    context.insert("canonical_url", &canonical_url);
    context.insert("fallback", &fallback);
    context.insert("languages", &languages);
    Some(
        templates
            .tera
            .render(template, &context)
            .map_err(|e| tera_diagnostic(&e, &templates.sources, Some(&output.description))),
    )
}

/// The variables a template sees for one output, besides the globals and `meta`.
fn template_context(site: &Site, values: &SiteValues, owner: OutputOwner) -> Context {
    let mut context = Context::new();
    match owner {
        OutputOwner::Embed(Embed::Sme(i)) => {
            context.insert_value("sme", values.entities.of(EntityKind::Sme)[i].clone());
        }
        OutputOwner::Embed(Embed::ClusterSmes(p, filter)) => {
            context.insert_value(
                "partner",
                values.entities.of(EntityKind::Partner)[p].clone(),
            );
            let mut smes = site.graph.partner_smes[p].clone();
            match filter {
                Some((kind, f)) => {
                    let having = &site.graph.facets(kind)[f].smes;
                    smes.retain(|s| having.binary_search(s).is_ok());
                    context.insert_value("filter", values.entities.facets_of(kind)[f].clone());
                }
                None => context.insert_value("filter", Value::none()),
            }
            // A partner's frame shows one page of SMEs at most, with a link to the full list.
            context.insert("smes_total", &smes.len());
            let cap = match PagedList::EntityList(EntityKind::Sme).page_size(site) {
                0 => smes.len(),
                size => size,
            };
            let smes: Vec<Value> = smes
                .iter()
                .take(cap)
                .map(|&s| values.entities.of(EntityKind::Sme)[s].clone())
                .collect();
            context.insert_value("smes", Value::from(smes));
        }
        OutputOwner::EntityList(kind) => {
            context.insert_value(
                kind.variable().1,
                Value::from(values.entities.of(kind).to_vec()),
            );
            context.insert_value("section", values.entity_list_section(site, kind));
            for facet in FacetKind::ALL {
                context.insert_value(
                    facet.dir(),
                    Value::from(values.entities.facets_of(facet).to_vec()),
                );
            }
        }
        OutputOwner::Entity(kind, i) => {
            context.insert_value(kind.variable().0, values.entities.of(kind)[i].clone());
        }
        OutputOwner::FacetIndex(kind) => {
            context.insert_value(
                "facets",
                Value::from(values.entities.facets_of(kind).to_vec()),
            );
            context.insert("facet_title", kind.title());
        }
        OutputOwner::Facet(kind, i) => {
            context.insert_value("facet", values.entities.facets_of(kind)[i].clone());
        }
        OutputOwner::Page(i) => {
            context.insert_value("page", values.pages[i].clone());
            let section = site.pages[i].section;
            context.insert_value("section", values.sections[section].clone());
        }
        OutputOwner::Section(i) => context.insert_value("section", values.sections[i].clone()),
        OutputOwner::Taxonomy(t) => {
            context.insert_value("taxonomy", values.taxonomy_values[t].clone());
        }
        OutputOwner::Term(t, i) => {
            context.insert_value("taxonomy", values.taxonomy_values[t].clone());
            context.insert_value("term", values.term_values[t][i].clone());
        }
        _ => {}
    }
    context
}

/// A page that sends browsers (and search engines, through `canonical`) on to `target_url`.
fn redirect_page(site: &Site, title: &str, target_url: &str) -> String {
    let target = crate::markdown::escape(target_url);
    format!(
        "<!doctype html><html lang=\"{lang}\"><head><meta charset=\"utf-8\"><title>{title}</title><link rel=\"canonical\" href=\"{target}\"><meta name=\"robots\" content=\"noindex\"><meta http-equiv=\"refresh\" content=\"0; url={target}\"></head><body><p>This page has moved to <a href=\"{target}\">{target}</a>.</p></body></html>\n",
        lang = crate::markdown::escape(&site.config.language),
        title = crate::markdown::escape(title),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn template(name: &str, text: &str) -> TemplateSource {
        TemplateSource {
            name: name.into(),
            file: format!("templates/{name}").into(),
            text: text.into(),
        }
    }

    #[test]
    fn every_template_error_is_reported_at_its_place() {
        let errors = Templates::compile(&[
            template("a.html", "ok\n{{ x | nope }}"),
            template("b.html", "{{ y | nada }}"),
            template("c.html", "{% if %}"),
        ])
        .err()
        .unwrap();
        let places: Vec<String> = errors
            .iter()
            .map(|d| format!("{}:{}:{}: {}", d.path.display(), d.line, d.col, d.message))
            .collect();
        assert_eq!(places.len(), 1, "{places:?}");
        assert!(places[0].starts_with("templates/c.html:1:"), "{places:?}");

        let errors = Templates::compile(&[
            template("a.html", "ok\n{{ x | nope }}"),
            template("b.html", "{{ y | nada }}"),
        ])
        .err()
        .unwrap();
        let places: Vec<String> = errors
            .iter()
            .map(|d| format!("{}:{}:{}: {}", d.path.display(), d.line, d.col, d.message))
            .collect();
        assert_eq!(
            places,
            vec![
                "templates/a.html:2:8: Unknown filter `nope`",
                "templates/b.html:1:8: Unknown filter `nada`"
            ]
        );
    }
}
