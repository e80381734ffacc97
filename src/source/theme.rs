//! The theme: where it is (a folder under `themes/`, or the bundled `pimap` theme compiled into
//! the binary), its templates with the site's own over them, its static files with the site's
//! own over them, and the theme's and the site's strings files (`i18n/<code>.yaml`). A theme
//! folder that is a link out of the site is refused; the bundled theme stands in for it.

use super::files::SiteRoot;
use super::{FileOrigin, FileSource, TemplateSource, css_text, hash_files, languages, yaml};
use crate::config::{CONFIG_FILE, SiteConfig};
use crate::diagnostics::Diagnostic;
use rayon::prelude::*;
use std::path::{Path, PathBuf};

mod embedded_theme {
    include!(concat!(env!("OUT_DIR"), "/embedded_theme.rs"));
}

/// The theme `site.yaml` names; a theme that does not exist is an error at its key in
/// `config_text`, and the bundled theme stands in.
pub(super) fn locate_or_report(
    root: &SiteRoot,
    config: &SiteConfig,
    config_text: &str,
    errors: &mut Vec<Diagnostic>,
) -> ThemeLocation {
    let theme = locate_theme(root, &config.theme).unwrap_or_else(|d| {
        errors.push(d);
        Some(ThemeLocation::Refused)
    });
    if theme.is_none() {
        let (line, col) = yaml::key_position(config_text, "theme").unwrap_or((0, 0));
        errors.push(
            Diagnostic::error_at(CONFIG_FILE, config_text, line, col, format!("theme `{}` not found: there is no folder themes/{}", config.theme, config.theme))
                .with_help("set `theme` to a folder under themes/, or remove the key to use the bundled `pimap` theme"),
        );
    }
    theme.unwrap_or(ThemeLocation::Embedded)
}

/// Reads the templates alone (the theme's, then the site's), for an incremental rebuild after a
/// template edit.
pub fn load_template_sources(
    root: &Path,
    theme: &str,
) -> Result<Vec<TemplateSource>, Vec<Diagnostic>> {
    let root = &SiteRoot::new(root).map_err(|d| vec![d])?;
    let mut errors = Vec::new();
    let location = locate_theme(root, theme)
        .map_err(|d| vec![d])?
        .ok_or_else(|| {
            vec![Diagnostic::file_error(
                CONFIG_FILE,
                format!("theme `{theme}` not found"),
            )]
        })?;
    let templates = load_templates(root, &location, &mut errors);
    if errors.is_empty() {
        Ok(templates)
    } else {
        Err(errors)
    }
}

pub(super) enum ThemeLocation {
    /// The theme's folder, relative to the site root.
    Dir(PathBuf),
    Embedded,
    /// The theme's folder is a link out of the site (an error already reported): the bundled
    /// theme stands in, without the site's own templates, which were written for the other.
    Refused,
}

/// The theme `name`: `None` if there is none; an error if its folder is a link out of the site.
fn locate_theme(root: &SiteRoot, name: &str) -> Result<Option<ThemeLocation>, Diagnostic> {
    let dir = Path::new("themes").join(name);
    if root.path().join(&dir).is_dir() {
        root.resolve(&dir)?;
        Ok(Some(ThemeLocation::Dir(dir)))
    } else if name == "pimap" {
        Ok(Some(ThemeLocation::Embedded))
    } else {
        Ok(None)
    }
}

fn embedded_files(prefix: &str) -> impl Iterator<Item = (&'static str, &'static [u8])> + '_ {
    embedded_theme::FILES
        .iter()
        .filter_map(move |(path, bytes)| path.strip_prefix(prefix).map(|rel| (rel, *bytes)))
}

pub(super) fn load_templates(
    root: &SiteRoot,
    theme: &ThemeLocation,
    errors: &mut Vec<Diagnostic>,
) -> Vec<TemplateSource> {
    let mut by_name = std::collections::BTreeMap::new();
    match theme {
        ThemeLocation::Dir(dir) => {
            read_templates(root, &dir.join("templates"), &mut by_name, errors)
        }
        ThemeLocation::Embedded | ThemeLocation::Refused => {
            for (name, bytes) in embedded_files("templates/") {
                let text = String::from_utf8_lossy(bytes).into_owned();
                let file = PathBuf::from("<bundled theme>/templates").join(name);
                by_name.insert(
                    name.to_owned(),
                    TemplateSource {
                        name: name.to_owned(),
                        file,
                        text,
                    },
                );
            }
        }
    }
    if !matches!(theme, ThemeLocation::Refused) {
        read_templates(root, Path::new("templates"), &mut by_name, errors);
    }
    by_name.into_values().collect()
}

/// Reads the templates under `dir` (relative to the root) into `by_name`.
fn read_templates(
    root: &SiteRoot,
    dir: &Path,
    by_name: &mut std::collections::BTreeMap<String, TemplateSource>,
    errors: &mut Vec<Diagnostic>,
) {
    let names = root.list(dir, errors);
    let read: Vec<_> = names
        .into_par_iter()
        .map(|name| {
            let file = dir.join(&name);
            match std::fs::read(root.path().join(&file)).map(String::from_utf8) {
                Ok(Ok(text)) => Ok(TemplateSource { name, file, text }),
                Ok(Err(_)) => Err(Diagnostic::file_error(
                    file,
                    "this template is not UTF-8 text",
                )),
                Err(e) => Err(Diagnostic::file_error(file, format!("cannot read: {e}"))),
            }
        })
        .collect();
    for item in read {
        match item {
            Ok(template) => {
                by_name.insert(template.name.clone(), template);
            }
            Err(d) => errors.push(d),
        }
    }
}

pub(super) fn load_static(
    root: &SiteRoot,
    theme: &ThemeLocation,
    errors: &mut Vec<Diagnostic>,
) -> Vec<FileSource> {
    let mut by_rel = std::collections::BTreeMap::new();
    let theme_files = match theme {
        ThemeLocation::Dir(dir) => {
            let dir = dir.join("static");
            let rels = root.list(&dir, errors);
            hash_files(&root.path().join(dir), rels, errors)
        }
        ThemeLocation::Embedded | ThemeLocation::Refused => embedded_files("static/")
            .map(|(rel, bytes)| FileSource {
                rel: rel.to_owned(),
                origin: FileOrigin::Embedded(bytes),
                hash: xxhash_rust::xxh3::xxh3_64(bytes),
                css: css_text(rel, bytes),
            })
            .collect(),
    };
    let site_dir = root.path().join("static");
    let site_rels = root.list(Path::new("static"), errors);
    for file in theme_files
        .into_iter()
        .chain(hash_files(&site_dir, site_rels, errors))
    {
        by_rel.insert(file.rel.clone(), file);
    }
    by_rel.into_values().collect()
}

/// Reads the theme's `i18n/<code>.yaml` files, then the site's own over them, for the site's
/// languages, and warns of texts a further language lacks.
pub(super) fn load_strings(
    root: &SiteRoot,
    theme: &ThemeLocation,
    config: &SiteConfig,
    errors: &mut Vec<Diagnostic>,
) -> languages::strings::StringFiles {
    let mut strings = languages::strings::StringFiles::default();
    let codes: Vec<&str> = config.language_codes().collect();
    let wanted = |name: &str| {
        name.strip_suffix(".yaml")
            .filter(|code| codes.contains(code))
            .map(str::to_owned)
    };
    match theme {
        ThemeLocation::Dir(dir) => {
            read_strings(root, &dir.join("i18n"), &wanted, &mut strings, errors)
        }
        ThemeLocation::Embedded | ThemeLocation::Refused => {
            for (name, bytes) in embedded_files("i18n/") {
                if let Some(code) = wanted(name) {
                    let file = PathBuf::from("<bundled theme>/i18n").join(name);
                    strings.add(&code, file, &String::from_utf8_lossy(bytes), errors);
                }
            }
        }
    }
    read_strings(root, Path::new("i18n"), &wanted, &mut strings, errors);
    errors.extend(strings.check(&config.language, &codes[1..]));
    strings
}

fn read_strings(
    root: &SiteRoot,
    dir: &Path,
    wanted: &dyn Fn(&str) -> Option<String>,
    strings: &mut languages::strings::StringFiles,
    errors: &mut Vec<Diagnostic>,
) {
    for name in root.list(dir, errors) {
        let Some(code) = wanted(&name) else {
            continue;
        };
        let file = dir.join(&name);
        match std::fs::read(root.path().join(&file)).map(String::from_utf8) {
            Ok(Ok(text)) => strings.add(&code, file, &text, errors),
            Ok(Err(_)) => errors.push(Diagnostic::file_error(
                file,
                "this strings file is not UTF-8 text",
            )),
            Err(e) => errors.push(Diagnostic::file_error(file, format!("cannot read: {e}"))),
        }
    }
}
