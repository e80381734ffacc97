//! What editors need to translate the site: where each language stands (`pimap check
//! --translations`) and a new translation started from its original (`pimap new translation
//! PATH --lang CODE`).
//!
//! A translation is *older than its original* when the original's front matter `updated` date
//! is later than the translation's own `updated` (or `date`) — front matter rather than file
//! times or git history, which a CI checkout does not keep.

use crate::config::SiteConfig;
use crate::diagnostics::Diagnostic;
use crate::source::{self, LoadOptions, SiteSources, languages};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

/// Where one further language stands.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LanguageStatus {
    pub code: String,
    pub name: String,
    /// Pages and sections (content files) in all.
    pub content: usize,
    /// Content files without a translation, by path inside `content/`.
    pub missing: Vec<String>,
    /// Translations older than their original: (translation file, why).
    pub outdated: Vec<(String, String)>,
    /// Entity files in all, and those without a translation (`smes/x.yaml`).
    pub data: usize,
    pub missing_data: Vec<String>,
}

/// The status of every further language of the site at `root`.
pub fn status(root: &Path) -> Result<Vec<LanguageStatus>, Vec<Diagnostic>> {
    let options = LoadOptions {
        root: root.to_path_buf(),
        base_url: None,
        drafts: false,
        today: crate::source::publication::Day::today_by_clock(),
        pictures: Default::default(),
    };
    let sources = source::load(&options)?;
    let mut views = languages::views(sources).into_iter();
    let Some(original) = views.next() else {
        return Ok(Vec::new());
    };
    Ok(views.map(|view| compare(&original, &view)).collect())
}

/// One further language's view against the default language's.
fn compare(original: &SiteSources, view: &SiteSources) -> LanguageStatus {
    let language = &view.language;
    let mut missing: Vec<String> = language.fallback.iter().cloned().collect();
    missing.sort();
    let mut outdated = Vec::new();
    let pages = original.pages.iter().zip(&view.pages);
    let page_dates = pages.map(|((o, of, _), (t, tf, _))| {
        (o, t, &of.updated, tf.updated.as_ref().or(tf.date.as_ref()))
    });
    for (o, t, original_updated, translated) in page_dates {
        if language.fallback.contains(&o.path) {
            continue;
        }
        if let Some(original_updated) = original_updated {
            if translated.is_none_or(|t| t < original_updated) {
                let since = translated.map_or_else(
                    || "no `updated` date".to_owned(),
                    |d| format!("updated {}", d.as_str()),
                );
                outdated.push((
                    t.file.display().to_string(),
                    format!(
                        "{since}; its original {} was updated {}",
                        o.file.display(),
                        original_updated.as_str()
                    ),
                ));
            }
        }
    }
    let entities = &original.entities;
    let data = entities.partners.len()
        + entities.smes.len()
        + entities.missions.len()
        + entities.practices.len();
    let mut missing_data: Vec<String> = language.fallback_entities.iter().cloned().collect();
    missing_data.sort();
    LanguageStatus {
        code: language.code.clone(),
        name: language.name.clone(),
        content: original.pages.len() + original.sections.len(),
        missing,
        outdated,
        data,
        missing_data,
    }
}

/// The status as editors read it.
pub fn report(statuses: &[LanguageStatus]) -> String {
    if statuses.is_empty() {
        return "This site has one language: there is nothing to translate.\n".to_owned();
    }
    let mut text = String::new();
    for s in statuses {
        let _ = writeln!(
            text,
            "{} ({}): {} of {} pages translated, {} missing, {} older than the original; {} of {} data files translated",
            s.code,
            s.name,
            s.content - s.missing.len(),
            s.content,
            s.missing.len(),
            s.outdated.len(),
            s.data - s.missing_data.len(),
            s.data,
        );
        for path in &s.missing {
            let _ = writeln!(text, "  missing: content/{path}");
        }
        for (file, why) in &s.outdated {
            let _ = writeln!(text, "  older than its original: {file} ({why})");
        }
        if !s.missing_data.is_empty() {
            let _ = writeln!(
                text,
                "  data without a translation: {}",
                s.missing_data.join(", ")
            );
        }
    }
    text
}

/// The path (relative to the root) and text of a new translation into `code` of `original`
/// (`about.md`, `content/about.md` or `data/smes/x.yaml`): the original's text to translate,
/// with the original kept beside it in comments; a data translation starts with the line that
/// points editors at its JSON Schema.
pub fn start(root: &Path, original: &str, code: &str) -> Result<(PathBuf, String), String> {
    let config_text = std::fs::read_to_string(root.join(crate::config::CONFIG_FILE))
        .map_err(|e| format!("cannot read site.yaml: {e}"))?;
    let (config, _) = SiteConfig::parse(&config_text, None)
        .map_err(|_| "site.yaml has errors: run `pimap build` to see them".to_owned())?;
    let Some(language) = config.languages.iter().find(|l| l.code == code) else {
        let known: Vec<&str> = config.languages.iter().map(|l| l.code.as_str()).collect();
        return Err(format!(
            "`{code}` is not a further language of this site (site.yaml lists: {})",
            if known.is_empty() {
                "none".to_owned()
            } else {
                known.join(", ")
            }
        ));
    };
    let rel = original.trim_start_matches("./");
    let rel = if rel.starts_with("content/") || rel.starts_with("data/") {
        rel.to_owned()
    } else {
        format!("content/{rel}")
    };
    let site = crate::source::files::SiteRoot::new(root).map_err(|d| d.message)?;
    let path = site.resolve(Path::new(&rel)).map_err(|d| d.message)?;
    let text = std::fs::read_to_string(path).map_err(|e| format!("cannot read {rel}: {e}"))?;
    let (stem, ext) = rel
        .rsplit_once('.')
        .ok_or_else(|| format!("{rel} has no extension"))?;
    let target = PathBuf::from(format!("{stem}.{code}.{ext}"));
    let header = format!("Translation into {} of {rel}.", language.name);
    let body = match ext {
        "md" => markdown_translation(&header, &text),
        "yaml" | "yml" => {
            let body = data_translation(&header, &rel, &text)?;
            match crate::schema::modeline(&target.to_string_lossy()) {
                Some(modeline) => format!("{modeline}\n{body}"),
                None => body,
            }
        }
        _ => return Err(format!("{rel} is neither a Markdown page nor a data file")),
    };
    Ok((target, body))
}

/// A Markdown translation: the front matter to translate, each value with the original in a
/// comment above it, and the original body in a comment to translate below.
fn markdown_translation(header: &str, text: &str) -> String {
    let (front, body) = text
        .strip_prefix("---")
        .and_then(|rest| rest.split_once("\n---"))
        .map_or(("", text), |(front, body)| {
            (front, body.trim_start_matches(['-', '\r', '\n']))
        });
    let mut out =
        format!("---\n# {header}\n# Translate the text after each colon; keys stay as they are.\n");
    for line in front.lines().filter(|l| !l.trim().is_empty()) {
        let _ = writeln!(out, "# original: {line}\n{line}");
    }
    out.push_str(
        "---\n<!-- The original, to translate above this comment; then delete the comment.\n\n",
    );
    out.push_str(&body.replace("-->", "-- >"));
    out.push_str("\n-->\n");
    out
}

/// A data translation: the translatable fields of the original, each with the original in
/// comments above it.
fn data_translation(header: &str, rel: &str, text: &str) -> Result<String, String> {
    let kind = rel
        .trim_start_matches("data/")
        .split('/')
        .next()
        .unwrap_or_default();
    let fields = languages::overlay::translatable_fields(kind);
    if fields.is_empty() {
        return Err(format!(
            "{rel} is not an entity file: only partners, SMEs, missions and practices have translations of their own"
        ));
    }
    let mut out =
        format!("# {header}\n# Only these fields can be translated; the others stay in {rel}.\n");
    let lines: Vec<&str> = text.lines().collect();
    for field in fields {
        let Some(start) = lines
            .iter()
            .position(|l| l.starts_with(&format!("{field}:")))
        else {
            continue;
        };
        let end = lines[start + 1..]
            .iter()
            .position(|l| !l.is_empty() && !l.starts_with([' ', '\t', '-']))
            .map_or(lines.len(), |n| start + 1 + n);
        for line in &lines[start..end] {
            let _ = writeln!(out, "# original: {line}");
        }
        for line in &lines[start..end] {
            let _ = writeln!(out, "{line}");
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_markdown_translation_keeps_the_original_in_comments() {
        let text = markdown_translation(
            "Translation into Français of content/a.md.",
            "---\ntitle: About\n---\nHello -->.\n",
        );
        assert_eq!(
            text,
            "---\n# Translation into Français of content/a.md.\n# Translate the text after each colon; keys stay as they are.\n# original: title: About\ntitle: About\n---\n<!-- The original, to translate above this comment; then delete the comment.\n\nHello -- >.\n\n-->\n"
        );
    }

    #[test]
    fn a_data_translation_holds_only_translatable_fields() {
        let text = data_translation(
            "T.",
            "data/smes/x.yaml",
            "name: X\noffer: |\n  We weld.\nlooking_for:\n  - Distributors\ncountry: SE\n",
        )
        .unwrap();
        assert_eq!(
            text,
            "# T.\n# Only these fields can be translated; the others stay in data/smes/x.yaml.\n# original: offer: |\n# original:   We weld.\noffer: |\n  We weld.\n# original: looking_for:\n# original:   - Distributors\nlooking_for:\n  - Distributors\n"
        );
        assert!(data_translation("T.", "data/kpis.yaml", "").is_err());
    }
}
