//! Sorting the paths a save changed into what each fast path takes: Markdown files, static
//! files, templates, entity files and the KPI and roadmap lists; anything else is a reason for
//! the full path.

use super::{Fallback, data, data_lists, fall};
use std::path::PathBuf;

/// The changes a fast path can take.
#[derive(Default)]
pub(super) struct Classified {
    /// Pages and sections (`content/**.md`) whose bodies may have changed.
    pub(super) bodies: Vec<String>,
    /// Site static files (`static/**`).
    pub(super) statics: Vec<String>,
    /// Templates, by name, of the site or of the theme `theme`.
    pub(super) templates: Vec<String>,
    /// Entity files (`data/smes/x.yaml`), relative to `data/`.
    pub(super) data: Vec<String>,
    /// `data/kpis.yaml` or `data/roadmap.yaml`, relative to `data/`, with the list it holds.
    pub(super) lists: Vec<(String, data_lists::DataList)>,
}

/// Sorts changed paths into what the fast paths handle.
pub(super) fn classify(changed: &[PathBuf], theme: &str) -> Result<Classified, Fallback> {
    let mut classified = Classified::default();
    let (bodies, statics) = (&mut classified.bodies, &mut classified.statics);
    let theme_templates = format!("themes/{theme}/templates/");
    for path in changed {
        let text = path
            .to_str()
            .ok_or_else(|| fall(format!("{} has a name that is not text", path.display())))?
            .replace('\\', "/");
        if let Some(name) = text
            .strip_prefix("templates/")
            .or_else(|| text.strip_prefix(theme_templates.as_str()))
        {
            classified.templates.push(name.to_owned());
        } else if let Some(rel) = text.strip_prefix("content/") {
            if !rel.ends_with(".md") {
                return Err(fall(format!("{text} is not a Markdown file")));
            }
            bodies.push(rel.to_owned());
        } else if let Some(rel) = text.strip_prefix("static/") {
            statics.push(rel.to_owned());
        } else if let Some(rel) = text
            .strip_prefix("data/")
            .filter(|rel| data::entity_kind(rel).is_some())
        {
            classified.data.push(rel.to_owned());
        } else if let Some((rel, list)) = text
            .strip_prefix("data/")
            .and_then(|rel| Some((rel, data_lists::DataList::of(rel)?)))
        {
            classified.lists.push((rel.to_owned(), list));
        } else {
            return Err(fall(format!("{text} changed")));
        }
    }
    Ok(classified)
}
