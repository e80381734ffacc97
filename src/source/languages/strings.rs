//! The theme's own words in each language: `i18n/<code>.yaml` in the theme, overridden key by
//! key by the site's own `i18n/<code>.yaml`.
//!
//! A file is a YAML mapping, nested as the theme likes (`search: {label: Search}` is the key
//! `search.label`); a value is text, or a list of texts (the month names under `date`).
//! Templates read a text with `t(key="search.label")`. A key missing in a further language's
//! file falls back to the default language's text and is a warning that names the key.

use crate::diagnostics::Diagnostic;
use crate::source::yaml;
use serde_json::Value;
use std::collections::{BTreeMap, HashMap};
use std::path::PathBuf;

/// A value of a strings file.
#[derive(Debug, Clone, PartialEq)]
pub enum Text {
    One(String),
    List(Vec<String>),
}

/// One language's strings file, flattened to dotted keys.
#[derive(Debug, Clone, Default)]
pub struct StringFile {
    /// The file the strings came from, for messages (the site's own when it overrides).
    pub file: PathBuf,
    pub texts: BTreeMap<String, Text>,
}

/// The strings files of the theme and the site, by language code.
#[derive(Debug, Default)]
pub struct StringFiles {
    files: BTreeMap<String, StringFile>,
    /// Languages whose file could not be read: already reported, not warned about again.
    broken: std::collections::BTreeSet<String>,
}

/// One language's strings, with the default language's for keys it lacks.
#[derive(Debug, Default)]
pub struct Strings {
    texts: HashMap<String, Text>,
}

impl Strings {
    /// The text at `key`.
    pub fn get(&self, key: &str) -> Option<&Text> {
        self.texts.get(key)
    }

    /// The text at `key` if it is one text.
    pub fn text(&self, key: &str) -> Option<&str> {
        match self.texts.get(key) {
            Some(Text::One(text)) => Some(text),
            _ => None,
        }
    }

    /// The list at `key` if it is a list of `len` texts.
    pub fn list(&self, key: &str, len: usize) -> Option<&[String]> {
        match self.texts.get(key) {
            Some(Text::List(items)) if items.len() == len => Some(items),
            _ => None,
        }
    }

    /// Every key, sorted, for "did you mean".
    pub fn keys(&self) -> impl Iterator<Item = &str> {
        self.texts.keys().map(String::as_str)
    }
}

impl StringFiles {
    /// Reads the strings file `text` of language `code` from `file`, over what an earlier file
    /// (the theme's) gave for the same language.
    pub fn add(&mut self, code: &str, file: PathBuf, text: &str, errors: &mut Vec<Diagnostic>) {
        let value = match yaml::parse_value(text) {
            Ok(value) => value,
            Err(problems) => {
                errors.extend(yaml::diagnostics(problems, &file, text));
                self.broken.insert(code.to_owned());
                return;
            }
        };
        let entry = self.files.entry(code.to_owned()).or_default();
        entry.file.clone_from(&file);
        let mut problems = Vec::new();
        flatten("", &value, &mut entry.texts, &mut problems);
        for key in problems {
            let (line, col) =
                yaml::text_position(text, key.rsplit('.').next().unwrap_or(&key)).unwrap_or((1, 1));
            errors.push(
                Diagnostic::error_at(
                    &file,
                    text,
                    line,
                    col,
                    format!("`{key}` must be text or a list of texts"),
                )
                .with_help("write the words after the colon, in quotes if they hold a colon"),
            );
        }
    }

    /// The strings of `code`, falling back to those of `default`.
    pub fn for_language(&self, code: &str, default: &str) -> Strings {
        let mut texts: HashMap<String, Text> = HashMap::new();
        for language in [default, code] {
            if let Some(file) = self.files.get(language) {
                texts.extend(file.texts.iter().map(|(k, v)| (k.clone(), v.clone())));
            }
        }
        Strings { texts }
    }

    /// A warning for each further language whose file lacks keys of the default language's,
    /// naming them.
    pub fn check(&self, default: &str, further: &[&str]) -> Vec<Diagnostic> {
        let Some(base) = self.files.get(default) else {
            return Vec::new();
        };
        let mut warnings = Vec::new();
        for &code in further.iter().filter(|code| !self.broken.contains(**code)) {
            let Some(file) = self.files.get(code) else {
                warnings.push(
                    Diagnostic::file_error(
                        base.file.with_file_name(format!("{code}.yaml")),
                        format!("the theme has no strings in `{code}`: its menus, headings and notices show the {default} text"),
                    )
                    .with_help(format!("copy {} to i18n/{code}.yaml in the site and translate the texts", base.file.display()))
                    .warning(),
                );
                continue;
            };
            let missing: Vec<&str> = base
                .texts
                .keys()
                .filter(|key| !file.texts.contains_key(*key))
                .map(String::as_str)
                .collect();
            if !missing.is_empty() {
                warnings.push(
                    Diagnostic::file_error(
                        &file.file,
                        format!(
                            "{} text(s) not translated into `{code}`, shown in `{default}`: {}",
                            missing.len(),
                            missing.join(", ")
                        ),
                    )
                    .with_help(format!(
                        "add these keys with their `{code}` text, as in {}",
                        base.file.display()
                    ))
                    .warning(),
                );
            }
        }
        warnings
    }
}

/// Adds the texts of `value` under `prefix` to `out`; keys whose value is neither text nor a
/// list of texts go to `problems`.
fn flatten(
    prefix: &str,
    value: &Value,
    out: &mut BTreeMap<String, Text>,
    problems: &mut Vec<String>,
) {
    match value {
        Value::Object(map) => {
            for (key, inner) in map {
                let key = if prefix.is_empty() {
                    key.clone()
                } else {
                    format!("{prefix}.{key}")
                };
                flatten(&key, inner, out, problems);
            }
        }
        Value::String(text) => {
            out.insert(prefix.to_owned(), Text::One(text.clone()));
        }
        Value::Number(n) => {
            out.insert(prefix.to_owned(), Text::One(n.to_string()));
        }
        Value::Array(items) if items.iter().all(Value::is_string) => {
            let items = items
                .iter()
                .filter_map(Value::as_str)
                .map(str::to_owned)
                .collect();
            out.insert(prefix.to_owned(), Text::List(items));
        }
        Value::Null if prefix.is_empty() => {}
        _ => problems.push(prefix.to_owned()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_language_falls_back_key_by_key_and_the_gap_is_named() {
        let mut files = StringFiles::default();
        let mut errors = Vec::new();
        files.add(
            "en",
            "i18n/en.yaml".into(),
            "search:\n  label: Search\n  button: Go\nmenu: Menu\n",
            &mut errors,
        );
        files.add(
            "fr",
            "i18n/fr.yaml".into(),
            "search:\n  label: Rechercher\n",
            &mut errors,
        );
        assert!(errors.is_empty());
        let fr = files.for_language("fr", "en");
        assert_eq!(fr.text("search.label"), Some("Rechercher"));
        assert_eq!(fr.text("search.button"), Some("Go"));
        let warnings = files.check("en", &["fr", "sv"]);
        let messages: Vec<_> = warnings.iter().map(|d| d.message.as_str()).collect();
        assert_eq!(
            messages,
            vec![
                "2 text(s) not translated into `fr`, shown in `en`: menu, search.button",
                "the theme has no strings in `sv`: its menus, headings and notices show the en text",
            ]
        );
    }

    #[test]
    fn a_value_that_is_not_text_is_an_error_at_its_line() {
        let mut files = StringFiles::default();
        let mut errors = Vec::new();
        files.add(
            "en",
            "i18n/en.yaml".into(),
            "a: ok\nb:\n  - [1]\n",
            &mut errors,
        );
        assert_eq!(errors.len(), 1);
        assert_eq!(errors[0].line, 2);
        let mut errors = Vec::new();
        files.add("fr", "i18n/fr.yaml".into(), "a: 'unclosed\n", &mut errors);
        assert_eq!(errors.len(), 1);
        assert!(
            files.check("en", &["fr"]).is_empty(),
            "a broken file is reported once"
        );
    }
}
