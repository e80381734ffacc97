//! `site.yaml`: the site's configuration, with a documented default for every key.
//!
//! Parsing is strict: an unknown key is an error with a "did you mean". Values that YAML types
//! cannot check (the base URL, the language tag, taxonomy names) are validated here, each error
//! pointing at the line that holds the value.

use crate::diagnostics::Diagnostic;
use crate::source::yaml;
use schemars::JsonSchema;
use serde::Deserialize;
use std::path::Path;

/// The file name of the configuration, at the site root.
pub const CONFIG_FILE: &str = "site.yaml";

/// What the JSON Schema of `site.yaml` accepts as `language`, as [`is_language_tag`] does.
const LANGUAGE_TAG_PATTERN: &str = r"^[a-z]{2,3}(-[A-Za-z0-9]{1,8})*$";

/// What the JSON Schema accepts as `base_url`, as [`BaseUrl::parse`] does: empty, or `http(s)://`,
/// a host, and a plain path (no `?`, `#`, spaces, backslashes, `.` or `..` segments).
const BASE_URL_PATTERN: &str = r"^$|^https?://[^\s?#@\\/]+(?!.*/\.{1,2}(/|$))(/[^?#\s\\]*)?$";

/// The parsed and validated `site.yaml`.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SiteConfig {
    /// The site's name, shown in titles. Default: `pimap site`.
    #[serde(default = "default_title")]
    pub title: String,
    /// One sentence about the site, for meta descriptions. Default: empty.
    #[serde(default)]
    pub description: String,
    /// Absolute address the site is published at (`https://example.org/sub/`). Default: empty,
    /// which makes every link root-relative and permalinks equal to paths.
    #[serde(default)]
    #[schemars(pattern(BASE_URL_PATTERN))]
    pub base_url: String,
    /// BCP 47 language tag of the content: the default language, published at the site's root.
    /// Default: `en`.
    #[serde(default = "default_language")]
    #[schemars(pattern(LANGUAGE_TAG_PATTERN))]
    pub language: String,
    /// The default language's name in itself, for the language switcher. Default: `English`
    /// for `en`, else the tag.
    #[serde(default)]
    pub language_name: Option<String>,
    /// Further languages, each published under `/<code>/`. Default: none.
    #[serde(default)]
    pub languages: Vec<LanguageConfig>,
    /// The navigation menu, in order. Default: empty.
    #[serde(default)]
    pub menu: Vec<MenuItem>,
    /// Folder name under `themes/`. Default: `pimap`.
    #[serde(default = "default_theme")]
    #[schemars(pattern(r"^[A-Za-z0-9_-]+$"))]
    pub theme: String,
    /// Taxonomies that pages may use in their `taxonomies` front matter. Default: none.
    #[serde(default)]
    pub taxonomies: Vec<TaxonomyConfig>,
    /// Items per page of every list (sections, taxonomy terms, data lists, facets) that does
    /// not set its own. Default: 0, no pagination.
    #[serde(default)]
    pub paginate_by: usize,
    /// Items per page of the data list pages and facet pages, overriding `paginate_by`.
    #[serde(default)]
    pub paginate_data_by: DataPagination,
    /// Free-form values for templates, as `site.extra`. Default: empty map.
    #[serde(default)]
    pub extra: serde_json::Map<String, serde_json::Value>,
}

/// `paginate_data_by`: items per page of each data list (`/smes/`, `/partners/`, `/missions/`,
/// `/best-practices/`) and of the SMEs on facet pages (sectors, technologies, markets) and
/// partner pages (`facets` counts both). A value
/// left out follows the site's `paginate_by`; 0 turns pagination off for that list.
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct DataPagination {
    #[serde(default)]
    pub smes: Option<usize>,
    #[serde(default)]
    pub partners: Option<usize>,
    #[serde(default)]
    pub missions: Option<usize>,
    #[serde(default)]
    pub practices: Option<usize>,
    #[serde(default)]
    pub facets: Option<usize>,
}

/// A further language of the site: its content is `about.<code>.md` beside `about.md` and
/// `data/<kind>/<id>.<code>.yaml` beside an entity's file; its pages are under `/<code>/`.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct LanguageConfig {
    /// BCP 47 tag in lower case (`fr`, `pt-br`): also the URL prefix and the file suffix.
    #[schemars(pattern(r"^[a-z]{2,3}(-[a-z0-9]{1,8})*$"))]
    pub code: String,
    /// The language's name in itself: `Français`, `Svenska`.
    #[schemars(pattern(r"\S"))]
    pub name: String,
    /// The site's title in this language. Default: the site's `title`.
    #[serde(default)]
    pub title: Option<String>,
    /// The site's description in this language. Default: the site's `description`.
    #[serde(default)]
    pub description: Option<String>,
    /// The menu in this language (paths are written as for the default language: `/about/`
    /// leads to `/<code>/about/`). Default: the site's `menu`.
    #[serde(default)]
    pub menu: Option<Vec<MenuItem>>,
}

/// One entry of the navigation menu.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct MenuItem {
    pub name: String,
    /// A path on the site (`/about/`), a content file (`@/about.md`) or an absolute URL.
    pub url: String,
}

/// A taxonomy such as `tags`: pages list terms under it; each term gets a page.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct TaxonomyConfig {
    /// Key in front matter and first URL segment (`/tags/`): `[a-z0-9_-]+`.
    #[schemars(pattern(r"^[a-z0-9_-]+$"))]
    pub name: String,
    /// Human title of the taxonomy. Default: the name, capitalised.
    #[serde(default)]
    pub title: Option<String>,
    /// Pages per page of each term's list, overriding the site's `paginate_by`; 0 turns
    /// pagination off.
    #[serde(default)]
    pub paginate_by: Option<usize>,
}

fn default_title() -> String {
    "pimap site".to_owned()
}
fn default_language() -> String {
    "en".to_owned()
}
fn default_theme() -> String {
    "pimap".to_owned()
}

impl TaxonomyConfig {
    pub fn title(&self) -> String {
        self.title.clone().unwrap_or_else(|| {
            let mut chars = self.name.chars();
            chars
                .next()
                .map(|first| first.to_uppercase().chain(chars).collect())
                .unwrap_or_default()
        })
    }
}

/// The base URL split into what permalinks need: an origin (`https://example.org`, or empty)
/// and a path prefix without a trailing slash (`/sub`, or empty).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct BaseUrl {
    pub origin: String,
    pub path: String,
}

impl BaseUrl {
    /// Parses `https://host[:port][/path/]`; empty text gives root-relative URLs.
    pub fn parse(text: &str) -> Result<BaseUrl, String> {
        let text = text.trim();
        if text.is_empty() {
            return Ok(BaseUrl::default());
        }
        let rest = text
            .strip_prefix("https://")
            .or_else(|| text.strip_prefix("http://"))
            .ok_or_else(|| format!("base URL `{text}` must start with https:// or http://"))?;
        let (host, path) = rest.split_at(rest.find('/').unwrap_or(rest.len()));
        if host.is_empty() || host.contains(|c: char| c.is_whitespace() || "?#@\\".contains(c)) {
            return Err(format!("base URL `{text}` has no valid host"));
        }
        if path.contains(['?', '#', ' ', '\\']) || path.split('/').any(|s| s == ".." || s == ".") {
            return Err(format!(
                "base URL `{text}` may only have a plain path after the host"
            ));
        }
        Ok(BaseUrl {
            origin: text[..text.len() - path.len()].to_owned(),
            path: path.trim_end_matches('/').to_owned(),
        })
    }

    /// The absolute URL of a site path that already carries the base path.
    pub fn permalink(&self, url: &str) -> String {
        format!("{}{}", self.origin, url)
    }
}

impl SiteConfig {
    /// The default language's name in itself.
    pub fn language_name(&self) -> String {
        match (&self.language_name, self.language.as_str()) {
            (Some(name), _) => name.clone(),
            (None, "en") => "English".to_owned(),
            (None, tag) => tag.to_owned(),
        }
    }

    /// The codes of every language: the default one first.
    pub fn language_codes(&self) -> impl Iterator<Item = &str> {
        std::iter::once(self.language.as_str())
            .chain(self.languages.iter().map(|l| l.code.as_str()))
    }

    /// Parses `site.yaml` text. `base_url_override` replaces the file's `base_url` (`--base-url`).
    pub fn parse(
        text: &str,
        base_url_override: Option<&str>,
    ) -> Result<(SiteConfig, BaseUrl), Vec<Diagnostic>> {
        let path = Path::new(CONFIG_FILE);
        let mut config: SiteConfig =
            yaml::parse(text).map_err(|e| yaml::diagnostics(e, path, text))?;
        let mut errors = Vec::new();
        let at = |key: &str, message: String| {
            let (line, col) = yaml::key_position(text, key).unwrap_or((0, 0));
            Diagnostic::error_at(path, text, line, col, message)
        };
        if let Some(url) = base_url_override {
            config.base_url = url.to_owned();
        }
        let base_url = match BaseUrl::parse(&config.base_url) {
            Ok(base) => base,
            Err(message) => {
                let d = if base_url_override.is_some() {
                    Diagnostic::file_error("--base-url", message)
                } else {
                    at("base_url", message)
                };
                errors.push(
                    d.with_help("write it like https://example.org/ or https://example.org/sub/"),
                );
                BaseUrl::default()
            }
        };
        if !is_language_tag(&config.language) {
            errors.push(
                at(
                    "language",
                    format!("`{}` is not a language tag", config.language),
                )
                .with_help("use a BCP 47 tag such as `en`, `fr` or `pt-PT`"),
            );
        }
        if config.theme.is_empty()
            || !config
                .theme
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
        {
            errors.push(at(
                "theme",
                format!("`{}` is not a theme folder name", config.theme),
            ));
        }
        errors.extend(check_languages(&config, text));
        let mut seen = std::collections::BTreeSet::new();
        for taxonomy in &config.taxonomies {
            let (line, col) = yaml::text_position(text, &format!("name: {}", taxonomy.name))
                .map_or((0, 0), |(l, c)| (l, c + 6));
            let d = |message: String| Diagnostic::error_at(path, text, line, col, message);
            if taxonomy.name.is_empty()
                || !taxonomy
                    .name
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '_')
            {
                errors.push(d(format!(
                    "taxonomy name `{}` may only use a-z, 0-9, - and _",
                    taxonomy.name
                )));
            } else if !seen.insert(taxonomy.name.as_str()) {
                errors.push(d(format!("taxonomy `{}` is declared twice", taxonomy.name)));
            }
        }
        if errors.is_empty() {
            Ok((config, base_url))
        } else {
            Err(errors)
        }
    }
}

/// Checks the further languages: each code a lower-case tag (it becomes a folder and a file
/// suffix), none twice, none the default language.
fn check_languages(config: &SiteConfig, text: &str) -> Vec<Diagnostic> {
    let mut errors = Vec::new();
    let mut seen = std::collections::BTreeSet::from([config.language.as_str()]);
    for (i, language) in config.languages.iter().enumerate() {
        // The n-th entry with this code is at the n-th `code: <code>` of the text.
        let repeat = config.languages[..i]
            .iter()
            .filter(|l| l.code == language.code)
            .count();
        let needle = format!("code: {}", language.code);
        let (line, col) = text
            .match_indices(&needle)
            .nth(repeat)
            .map_or((0, 0), |(offset, _)| {
                crate::diagnostics::line_col(text, offset + 6)
            });
        let d = |message: String| Diagnostic::error_at(CONFIG_FILE, text, line, col, message);
        if !is_language_tag(&language.code) || language.code.chars().any(|c| c.is_ascii_uppercase())
        {
            errors.push(
                d(format!("`{}` is not a language code", language.code))
                    .with_help("write a BCP 47 tag in lower case, such as `fr`, `sv` or `pt-br`: it becomes the folder /fr/ and the file suffix about.fr.md"),
            );
        } else if language.code == config.language {
            errors.push(d(format!("`{}` is the site's default language (`language:`); list only the further languages here", language.code)));
        } else if !seen.insert(language.code.as_str()) {
            errors.push(d(format!("language `{}` is listed twice", language.code)));
        }
        if language.name.trim().is_empty() {
            errors.push(
                d(format!("language `{}` has no name", language.code))
                    .with_help("write the language's name in itself, such as `Français`"),
            );
        }
    }
    errors
}

fn is_language_tag(tag: &str) -> bool {
    let mut parts = tag.split('-');
    let primary = parts.next().unwrap_or_default();
    (2..=3).contains(&primary.len())
        && primary.chars().all(|c| c.is_ascii_lowercase())
        && parts
            .all(|p| !p.is_empty() && p.len() <= 8 && p.chars().all(|c| c.is_ascii_alphanumeric()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_fill_every_missing_key() {
        let (config, base) = SiteConfig::parse("", None).unwrap();
        assert_eq!(config.title, "pimap site");
        assert_eq!(config.language, "en");
        assert_eq!(config.theme, "pimap");
        assert_eq!(base, BaseUrl::default());
    }

    #[test]
    fn base_url_splits_origin_and_sub_path() {
        let base = BaseUrl::parse("https://example.org/pimap/").unwrap();
        assert_eq!(base.origin, "https://example.org");
        assert_eq!(base.path, "/pimap");
        assert_eq!(
            base.permalink("/pimap/news/"),
            "https://example.org/pimap/news/"
        );
        assert!(BaseUrl::parse("example.org").is_err());
        assert!(BaseUrl::parse("https://example.org/../x").is_err());
    }

    #[test]
    fn bad_values_point_at_their_lines() {
        let text = "title: t\nlanguage: English\nbase_url: ftp://x\n";
        let errors = SiteConfig::parse(text, None).unwrap_err();
        let places: Vec<_> = errors.iter().map(|d| (d.line, d.col)).collect();
        assert_eq!(places, vec![(3, 11), (2, 11)]);
    }

    #[test]
    fn further_languages_are_checked_at_their_lines() {
        let text = "language: en\nlanguages:\n  - code: fr\n    name: Français\n  - code: ../x\n    name: X\n  - code: en\n    name: E\n  - code: fr\n    name: F\n";
        let errors = SiteConfig::parse(text, None).unwrap_err();
        let found: Vec<_> = errors
            .iter()
            .map(|d| (d.line, d.message.as_str()))
            .collect();
        assert_eq!(
            found,
            vec![
                (5, "`../x` is not a language code"),
                (
                    7,
                    "`en` is the site's default language (`language:`); list only the further languages here"
                ),
                (9, "language `fr` is listed twice"),
            ]
        );
        let (config, _) =
            SiteConfig::parse("languages:\n  - code: sv\n    name: Svenska\n", None).unwrap();
        assert_eq!(config.language_codes().collect::<Vec<_>>(), ["en", "sv"]);
        assert_eq!(config.language_name(), "English");
    }

    #[test]
    fn override_replaces_base_url() {
        let (_, base) =
            SiteConfig::parse("base_url: https://a.org/", Some("http://127.0.0.1:1111/")).unwrap();
        assert_eq!(base.origin, "http://127.0.0.1:1111");
    }
}
