//! The template-edit fast path: recompile the templates and re-render the outputs whose
//! template is, extends, includes or calls an edited one. A template added or removed, a
//! shortcode template (it shapes page content) or a component (any template may use it) takes
//! the full path.

use super::fast_render::render_jobs;
use super::{Fallback, Selected, fall};
use crate::plan::PlannedOutput;
use crate::render;
use crate::{BuildOptions, Prepared};
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

/// Recompiles the templates after `changed` (names) were edited and re-renders every output whose
/// template extends or includes one of them. `None` when the change needs the full path: a
/// template added or removed, a shortcode template (it shapes page content), or an error.
pub(super) fn update(
    last: &mut Prepared,
    options: &BuildOptions,
    changed: &[String],
    updates: &mut BTreeMap<String, Vec<u8>>,
) -> Result<Vec<String>, Fallback> {
    if let Some(name) = changed.iter().find(|name| name.starts_with("shortcodes/")) {
        return Err(fall(format!(
            "the shortcode template {name} shapes page content"
        )));
    }
    if last.templates.defines_components() {
        return Err(fall(
            "a template defines a component, and any template may use it",
        ));
    }
    let sources = crate::source::load_template_sources(&options.root, &last.site.config.theme)
        .map_err(|_| fall("a template could not be read"))?;
    let old: BTreeSet<&str> = last.templates.texts().map(|(name, _)| name).collect();
    let new: BTreeSet<&str> = sources.iter().map(|t| t.name.as_str()).collect();
    if old != new {
        return Err(fall("a template was added or deleted"));
    }
    if render::written_ids(&sources) != *last.site.template_ids {
        return Err(fall(
            "the ids the templates write changed: links to them are checked again",
        ));
    }
    let mut templates = render::Templates::compile(&sources)
        .map_err(|_| fall("a template has an error a full build reports"))?;
    templates.attach(&last.site, &last.plan, &last.values);
    let changed: HashSet<&str> = changed.iter().map(String::as_str).collect();
    let mut uses_changed: HashMap<&str, Option<String>> = HashMap::new();
    let selected: Vec<Selected> = last
        .plan
        .outputs
        .iter()
        .filter_map(|output| {
            let name = output.template.as_deref()?;
            let used = uses_changed.entry(name).or_insert_with(|| {
                let mut used: Vec<String> = templates
                    .closure(name)
                    .into_iter()
                    .filter(|t| changed.contains(t.as_str()))
                    .collect();
                used.sort();
                (!used.is_empty()).then(|| format!("uses {}", used.join(", ")))
            });
            Some(Selected {
                output,
                reason: used.clone()?,
                own: false,
            })
        })
        .collect();
    let jobs: Vec<&PlannedOutput> = selected.iter().map(|s| s.output).collect();
    let outputs = render_jobs(
        &last.site,
        &last.plan,
        &templates,
        &last.values,
        &jobs,
        options.minify,
    )?;
    updates.extend(outputs);
    let reasons = selected
        .iter()
        .map(|s| format!("{} ({})", s.output.url, s.reason))
        .collect();
    last.templates = templates;
    Ok(reasons)
}
