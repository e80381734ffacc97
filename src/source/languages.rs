//! Languages in the sources: which files are translations, and each language's view of the site.
//!
//! A site has a default language (`language:` in `site.yaml`, published at the root) and may
//! list further ones (`languages:`, each published under `/<code>/`). A translation is a file
//! beside its original with the language's code before the extension: `about.fr.md`,
//! `_index.fr.md`, `news/x/index.fr.md`; an entity's translated text is an overlay
//! `data/smes/<id>.fr.yaml` holding only translatable fields (see [`overlay`]); facet names are
//! translated in `data/labels.fr.yaml`. Theme strings are [`strings`].
//!
//! [`views`] turns the sources read once into one [`SiteSources`] per language: the default
//! language's as read, and for each further language the same pages, sections and entities with
//! the translation in place of the original where there is one. Where there is none the
//! original stands in and is listed in [`Language::fallback`], so every language's site has
//! every page. Everything after this (resolving, the plan, rendering) runs on one view at a
//! time and knows the language only through [`Language`].

pub mod overlay;
pub mod strings;

use super::content::{PageFrontMatter, SectionFrontMatter};
use super::{ContentFile, SiteSources};
use crate::config::{BaseUrl, LanguageConfig};
use crate::diagnostics::Diagnostic;
use std::collections::{HashMap, HashSet};
use std::sync::Arc;

/// The language a view of the site is in, and what in it is not translated.
#[derive(Debug, Clone, Default)]
pub struct Language {
    /// BCP 47 code: `en`, `fr`.
    pub code: String,
    /// The language's name in itself: `Français`.
    pub name: String,
    /// The site's default language (published at the root).
    pub is_default: bool,
    /// The default language's code: the language of fallback text.
    pub default_code: String,
    /// The base URL of the site's root, where static files and the default language are.
    pub root: BaseUrl,
    /// Content paths (`about.md`) shown with the default language's text.
    pub fallback: HashSet<String>,
    /// Entity files (`smes/x.yaml`) shown with the default language's text.
    pub fallback_entities: HashSet<String>,
    /// KPIs (`kpis/<id>`) and roadmap actions (`roadmap/<id>`) shown with the default
    /// language's text.
    pub fallback_items: HashSet<String>,
    /// Translated facet names: (`sectors` or `technologies`, English name) -> name.
    pub labels: HashMap<(String, String), String>,
    /// The theme's strings in this language, falling back to the default language's.
    pub strings: Arc<strings::Strings>,
}

impl Language {
    /// The folder of this language's outputs inside the output folder: empty for the default
    /// language, `fr/` for French.
    pub fn folder(&self) -> String {
        if self.is_default {
            String::new()
        } else {
            format!("{}/", self.code)
        }
    }

    /// A facet's name in this language (`sectors`, `Laser welding` -> `Soudage laser`).
    pub fn label<'a>(&'a self, facet: &str, name: &'a str) -> &'a str {
        self.labels
            .get(&(facet.to_owned(), name.to_owned()))
            .map_or(name, String::as_str)
    }
}

/// A content file written in another language than the default one.
#[derive(Debug, Clone)]
pub struct Translation {
    /// The language's code.
    pub code: String,
    /// The original's path inside `content/`: `about.md`.
    pub original: String,
    pub content: ContentFile,
}

/// If `rel` (`news/x.fr.md`, `smes/x.fr.yaml`) carries a language code before its extension,
/// the original's path (`news/x.md`) and the code. A code is two lower-case letters, with an
/// optional region or script (`pt-br`): `notes.v2.md` and `2019.report.md` are not translations.
pub fn split_language(rel: &str) -> Option<(String, &str)> {
    let (stem, ext) = rel.rsplit_once('.')?;
    let (name, code) = stem.rsplit_once('.')?;
    if name.is_empty() || name.ends_with('/') {
        return None;
    }
    let mut parts = code.split('-');
    let primary = parts.next()?;
    let looks_like_code = primary.len() == 2
        && primary.chars().all(|c| c.is_ascii_lowercase())
        && parts.all(|p| {
            (2..=8).contains(&p.len())
                && p.chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit())
        });
    looks_like_code.then(|| (format!("{name}.{ext}"), code))
}

/// Checks the language code of a translation file against the site's languages: `Ok` with the
/// code if it is one of the further languages, else the error for `file`.
pub fn check_code<'a>(
    code: &'a str,
    default: &str,
    further: &[LanguageConfig],
    file: &std::path::Path,
    original: &str,
) -> Result<&'a str, Diagnostic> {
    if further.iter().any(|l| l.code == code) {
        return Ok(code);
    }
    let d = if code == default {
        Diagnostic::file_error(
            file,
            format!("`{code}` is the site's default language: its text goes in the file without a language code"),
        )
        .with_help(format!("rename this file to {original}"))
    } else {
        let known: Vec<&str> = further.iter().map(|l| l.code.as_str()).collect();
        let listed = if known.is_empty() {
            "this site has no further languages".to_owned()
        } else {
            format!("its further languages are {}", known.join(", "))
        };
        Diagnostic::file_error(
            file,
            format!("this file is named as a translation into `{code}`, which is not a language of this site ({listed})"),
        )
        .with_help(format!(
            "add `{code}` under `languages:` in site.yaml, or rename the file so that its name does not end in .{code} before the extension"
        ))
    };
    Err(d)
}

/// The base URL of `code`'s pages: the site's, with `/<code>` for a further language.
pub fn base_of(root: &BaseUrl, code: &str, is_default: bool) -> BaseUrl {
    if is_default {
        return root.clone();
    }
    BaseUrl {
        origin: root.origin.clone(),
        path: format!("{}/{code}", root.path),
    }
}

/// One view of the site per language, the default language's first. Problems (a translation
/// without its original) are added to the default view's diagnostics, which are the only ones
/// the views carry: each problem is reported once.
pub fn views(mut sources: SiteSources) -> Vec<SiteSources> {
    let translations = std::mem::take(&mut sources.translations);
    let overlays = std::mem::take(&mut sources.overlays);
    let default_code = sources.config.language.clone();
    let mut by_original: HashMap<(&str, &str), &ContentFile> = HashMap::new();
    for t in &translations {
        by_original.insert((t.code.as_str(), t.original.as_str()), &t.content);
    }
    let originals: HashSet<&str> = sources
        .pages
        .iter()
        .map(|(s, ..)| s.path.as_str())
        .chain(sources.sections.iter().map(|(s, _)| s.path.as_str()))
        .collect();
    for t in &translations {
        if !originals.contains(t.original.as_str())
            && !sources.withheld.iter().any(|w| w.source.path == t.original)
        {
            sources.diagnostics.push(
                Diagnostic::file_error(
                    &t.content.source().file,
                    format!(
                        "this is a translation of content/{}, which does not exist",
                        t.original
                    ),
                )
                .with_help(format!(
                    "name a translation after its original (about.md -> about.{}.md), or write the original first",
                    t.code
                )),
            );
        }
    }
    let strings = std::mem::take(&mut sources.strings);
    let mut views = Vec::with_capacity(1 + sources.config.languages.len());
    for language in sources.config.languages.clone() {
        let view = language_view(&sources, &language, &by_original, &overlays, &strings);
        views.push(view);
    }
    sources.language = Language {
        code: default_code.clone(),
        name: sources.config.language_name(),
        is_default: true,
        default_code,
        root: sources.base_url.clone(),
        strings: Arc::new(strings.for_language(&sources.config.language, &sources.config.language)),
        ..Language::default()
    };
    views.insert(0, sources);
    views
}

/// The view of the site in `language`: translations in place of their originals, originals
/// marked as fallback where there is none.
fn language_view(
    sources: &SiteSources,
    language: &LanguageConfig,
    by_original: &HashMap<(&str, &str), &ContentFile>,
    overlays: &overlay::Overlays,
    strings: &strings::StringFiles,
) -> SiteSources {
    let code = language.code.as_str();
    let mut fallback = HashSet::new();
    let mut pages = Vec::with_capacity(sources.pages.len());
    for (source, front, publication) in &sources.pages {
        match by_original.get(&(code, source.path.as_str())) {
            Some(ContentFile::Page(t, t_front)) => {
                let mut t = t.clone();
                t.path.clone_from(&source.path);
                pages.push((t, Arc::new(inherit_page(t_front, front)), *publication));
            }
            _ => {
                fallback.insert(source.path.clone());
                pages.push((source.clone(), front.clone(), *publication));
            }
        }
    }
    let mut sections = Vec::with_capacity(sources.sections.len());
    for (source, front) in &sources.sections {
        match by_original.get(&(code, source.path.as_str())) {
            Some(ContentFile::Section(t, t_front)) => {
                let mut t = t.clone();
                t.path.clone_from(&source.path);
                sections.push((t, inherit_section(t_front, front)));
            }
            _ => {
                fallback.insert(source.path.clone());
                sections.push((source.clone(), front.clone()));
            }
        }
    }
    let mut config = sources.config.clone();
    config.language = code.to_owned();
    if let Some(title) = &language.title {
        config.title.clone_from(title);
    }
    if let Some(description) = &language.description {
        config.description.clone_from(description);
    }
    if let Some(menu) = &language.menu {
        config.menu.clone_from(menu);
    }
    let (entities, fallback_entities) = overlays.apply(&sources.entities, code);
    SiteSources {
        config,
        config_text: sources.config_text.clone(),
        base_url: base_of(&sources.base_url, code, false),
        pages,
        sections,
        content_assets: sources.content_assets.clone(),
        static_files: sources.static_files.clone(),
        pictures: sources.pictures.clone(),
        templates: Vec::new(),
        data: sources.data.clone(),
        entities,
        diagnostics: Vec::new(),
        failed_content: sources.failed_content.clone(),
        withheld: sources.withheld.clone(),
        schedule: Default::default(),
        today: sources.today,
        translations: Vec::new(),
        overlays: overlay::Overlays::default(),
        strings: strings::StringFiles::default(),
        language: Language {
            code: code.to_owned(),
            name: language.name.clone(),
            is_default: false,
            default_code: sources.config.language.clone(),
            root: sources.base_url.clone(),
            fallback,
            fallback_entities,
            fallback_items: overlays.untranslated_items(&sources.entities, code),
            labels: overlays.labels(code),
            strings: Arc::new(strings.for_language(code, &sources.config.language)),
        },
    }
}

/// A translated page's front matter, with what a translation rarely repeats taken from the
/// original: the date, the weight, the template and the taxonomy terms. Its `updated` date is
/// its own (`pimap check --translations` compares it with the original's).
pub fn inherit_page(translation: &PageFrontMatter, original: &PageFrontMatter) -> PageFrontMatter {
    let mut front = translation.clone();
    if front.date.is_none() {
        front.date.clone_from(&original.date);
    }
    if front.weight.is_none() {
        front.weight = original.weight;
    }
    if front.template.is_none() {
        front.template.clone_from(&original.template);
    }
    if front.taxonomies.is_empty() {
        front.taxonomies.clone_from(&original.taxonomies);
    }
    front
}

/// A translated section's front matter, with the original's listing rules (sorting, template,
/// pagination) when the translation does not set its own.
fn inherit_section(
    translation: &SectionFrontMatter,
    original: &SectionFrontMatter,
) -> SectionFrontMatter {
    let mut front = translation.clone();
    if front.template.is_none() {
        front.template.clone_from(&original.template);
    }
    if front.page_template.is_none() {
        front.page_template.clone_from(&original.page_template);
    }
    if front.paginate_by.is_none() {
        front.paginate_by = original.paginate_by;
    }
    if front.weight.is_none() {
        front.weight = original.weight;
    }
    front.sort_by = original.sort_by;
    front.feed |= original.feed;
    front
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn translations_are_named_with_a_language_code_before_the_extension() {
        assert_eq!(
            split_language("about.fr.md"),
            Some(("about.md".into(), "fr"))
        );
        assert_eq!(
            split_language("news/_index.pt-br.md"),
            Some(("news/_index.md".into(), "pt-br"))
        );
        assert_eq!(
            split_language("smes/x.fi.yaml"),
            Some(("smes/x.yaml".into(), "fi"))
        );
        for plain in [
            "about.md",
            "notes.v2.md",
            "2019.report.md",
            "a/.fr.md",
            "x.FR.md",
        ] {
            assert_eq!(split_language(plain), None, "{plain}");
        }
    }

    #[test]
    fn a_further_language_is_published_under_its_code() {
        let root = BaseUrl::parse("https://example.org/sub/").unwrap();
        assert_eq!(base_of(&root, "fr", false).path, "/sub/fr");
        assert_eq!(base_of(&root, "en", true).path, "/sub");
    }
}
