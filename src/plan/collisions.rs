//! Checks on the output plan: two outputs for one path, a file where another output needs a
//! folder, and paths pimap keeps for itself (the marker of the output folder, names with control
//! characters). Each problem is one error, at the source someone can change: a page, an alias, a
//! static or data file rather than an output pimap makes itself.

use super::{OutputOwner, PlannedOutput};
use crate::config::CONFIG_FILE;
use crate::diagnostics::Diagnostic;
use crate::output::folder::{printable, reserved_reason};
use crate::site::{AliasOwner, Site, alias_error, alias_output};
use std::collections::HashMap;

/// An error for every output of the default language written inside a further language's
/// folder (`content/fr/x.md` when `fr` is a language of the site).
pub(super) fn language_folders(site: &Site, outputs: &[PlannedOutput]) -> Vec<Diagnostic> {
    let codes: Vec<&str> = site
        .config
        .languages
        .iter()
        .map(|l| l.code.as_str())
        .collect();
    outputs
        .iter()
        .filter_map(|output| {
            let first = output.path.split('/').next()?;
            let code = codes.iter().find(|&&code| code == first)?;
            let message = format!(
                "{} would be written to {}, inside /{code}/, the folder of the `{code}` pages",
                output.description, output.path
            );
            Some(output.owner.diagnostic(site, message).with_help(format!(
                "rename the folder or file; a translation into `{code}` is a file beside its original, such as about.{code}.md"
            )))
        })
        .collect()
}

/// Every collision and reserved name in `outputs`.
pub(super) fn check(site: &Site, outputs: &[PlannedOutput]) -> Vec<Diagnostic> {
    let mut errors = Vec::new();
    let mut seen: HashMap<&str, &PlannedOutput> = HashMap::new();
    for output in outputs {
        let path = output.path.as_str();
        if let Some(reason) = reserved_reason(path) {
            errors.push(reserved_output(site, output, &reason));
            continue;
        }
        let Some(first) = seen.get(path) else {
            seen.insert(path, output);
            continue;
        };
        // Report where a change can be made: not at an output pimap makes itself.
        let (at, other) = if output.owner.is_generated() && !first.owner.is_generated() {
            (*first, output)
        } else {
            (output, *first)
        };
        let (message, help) = if other.owner.is_generated() {
            (
                format!(
                    "{} would be written to {path}, where pimap writes {}",
                    at.description, other.description
                ),
                format!("change the slug, the alias or the file name: pimap makes {path} itself"),
            )
        } else {
            (
                format!(
                    "{} and {} would both be written to {path}",
                    first.description, output.description
                ),
                "change a slug, an alias or a file name so that each output has one source"
                    .to_owned(),
            )
        };
        errors.push(at.owner.diagnostic(site, message).with_help(help));
    }
    // A file where another output needs a folder (`static/news` and `news/index.html`).
    let mut clashes: Vec<(&str, &str, &PlannedOutput, &PlannedOutput)> = Vec::new();
    for (path, output) in &seen {
        for (at, _) in path.match_indices('/') {
            if let Some(file) = seen.get(&path[..at]) {
                clashes.push((path, &path[..at], output, file));
            }
        }
    }
    clashes.sort_by(|a, b| a.0.cmp(b.0));
    for (path, folder, output, file) in clashes {
        let message = format!(
            "{} writes the file {folder}, where {} needs a folder for {path}",
            file.description, output.description
        );
        errors.push(file.owner.diagnostic(site, message).with_help(
            "rename the file or the page so that one does not sit where the other's folder goes",
        ));
    }
    errors
}

/// The error for an output path that pimap keeps for itself, at the source that claims it.
fn reserved_output(site: &Site, output: &PlannedOutput, reason: &str) -> Diagnostic {
    let message = format!(
        "{} would be written to {}, {reason}",
        output.description, output.path
    );
    let mut d = output.owner.diagnostic(site, printable(&message));
    d.path = printable(&d.path.to_string_lossy()).into();
    d.with_help("change the alias, slug or file name")
}

impl OutputOwner {
    /// Whether pimap makes this output itself, from no file of its own.
    fn is_generated(self) -> bool {
        !matches!(
            self,
            OutputOwner::Entity(..)
                | OutputOwner::Page(_)
                | OutputOwner::Section(_)
                | OutputOwner::Alias(_)
                | OutputOwner::ContentAsset(_)
                | OutputOwner::Static(_)
                | OutputOwner::Fingerprinted(_)
                | OutputOwner::Picture(..)
        )
    }

    /// An error at the source of this output: the file, and the line when one is to blame.
    fn diagnostic(self, site: &Site, message: String) -> Diagnostic {
        match self {
            OutputOwner::ListPage(list, _) | OutputOwner::FirstPageRedirect(list) => {
                list.first_page().diagnostic(site, message)
            }
            OutputOwner::Entity(kind, i) => {
                Diagnostic::file_error(&site.graph.source(kind, i).file, message)
            }
            OutputOwner::EntityList(_) | OutputOwner::FacetIndex(_) | OutputOwner::Facet(..) => {
                Diagnostic::file_error("data", message)
            }
            OutputOwner::Page(i) => {
                let source = &site.pages[i].source;
                if site.pages[i].front.slug.is_some() {
                    source.error_at_key("slug", message)
                } else {
                    source.error_at_offset(0, message)
                }
            }
            OutputOwner::Section(i) => match &site.sections[i].source {
                Some(source) => source.error_at_offset(0, message),
                None => Diagnostic::file_error("content", message),
            },
            OutputOwner::Alias(i) => alias_diagnostic(site, i, message),
            OutputOwner::ContentAsset(i) => {
                Diagnostic::file_error(format!("content/{}", site.content_assets[i].0.rel), message)
            }
            OutputOwner::Static(i) | OutputOwner::Fingerprinted(i) => {
                Diagnostic::file_error(format!("static/{}", site.static_files[i].rel), message)
            }
            OutputOwner::Picture(p, _) => {
                Diagnostic::file_error(&site.pictures[p].file.rel, message)
            }
            OutputOwner::Taxonomy(_)
            | OutputOwner::Term(..)
            | OutputOwner::NotFound
            | OutputOwner::Sitemap
            | OutputOwner::Robots
            | OutputOwner::Feed(_)
            | OutputOwner::Embed(_)
            | OutputOwner::OEmbed(_)
            | OutputOwner::Api(_)
            | OutputOwner::SearchIndex
            | OutputOwner::Search
            | OutputOwner::Headers => Diagnostic::file_error(CONFIG_FILE, message),
        }
    }
}

/// An error at the line of the front matter that lists alias `index`.
fn alias_diagnostic(site: &Site, index: usize, message: String) -> Diagnostic {
    let alias = &site.aliases[index];
    let (source, list) = match alias.page {
        AliasOwner::Page(p) => (Some(&site.pages[p].source), &site.pages[p].front.aliases),
        AliasOwner::Section(s) => (
            site.sections[s].source.as_ref(),
            &site.sections[s].front.aliases,
        ),
    };
    let written = list
        .iter()
        .find(|a| alias_output(a).as_deref() == Some(alias.output_path.as_str()));
    match (source, written) {
        (Some(source), Some(written)) => alias_error(source, written, message),
        _ => Diagnostic::file_error("content", message),
    }
}
