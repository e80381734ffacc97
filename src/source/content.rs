//! Content files: `content/**/*.md` split into YAML front matter and a Markdown body.
//!
//! A file starts with a line `---`, then YAML, then another `---`, then Markdown. `_index.md`
//! makes its folder a section; every other `.md` file is a page. This module only reads and
//! checks the shape of each file; where pages go and how they link is decided in `site`.

use crate::diagnostics::Diagnostic;
use crate::source::dates::Date;
use crate::source::publication::{Day, Window};
use crate::source::yaml;
use schemars::JsonSchema;
use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::PathBuf;

/// The text of one content file, with where its parts start.
#[derive(Debug, Clone)]
pub struct ContentSource {
    /// Path inside `content/`, with `/` separators: `news/mou-signed.md`.
    pub path: String,
    /// Path relative to the site root, for diagnostics: `content/news/mou-signed.md`.
    pub file: PathBuf,
    /// The whole file; shared by every language that shows it.
    pub text: std::sync::Arc<str>,
    /// Byte offset where the front matter YAML starts.
    pub front_start: usize,
    /// Byte offset where the front matter YAML ends (the closing `---` line starts).
    pub front_end: usize,
    /// Byte offset where the Markdown body starts.
    pub body_start: usize,
}

impl ContentSource {
    pub fn front_matter(&self) -> &str {
        &self.text[self.front_start..self.front_end]
    }

    pub fn body(&self) -> &str {
        &self.text[self.body_start..]
    }

    /// Lines before the front matter YAML (1: the opening `---`).
    fn front_line_offset(&self) -> usize {
        self.text[..self.front_start].matches('\n').count()
    }

    /// A diagnostic at a byte offset of the whole file.
    pub fn error_at_offset(&self, offset: usize, message: impl Into<String>) -> Diagnostic {
        let (line, col) = crate::diagnostics::line_col(&self.text, offset);
        Diagnostic::error_at(&self.file, &self.text, line, col, message)
    }

    /// A diagnostic at the value of a top-level front matter key, or at the file when absent.
    pub fn error_at_key(&self, key: &str, message: impl Into<String>) -> Diagnostic {
        match yaml::key_position(self.front_matter(), key) {
            Some((line, col)) => Diagnostic::error_at(
                &self.file,
                &self.text,
                line + self.front_line_offset(),
                col,
                message,
            ),
            None => Diagnostic::error_at(&self.file, &self.text, 1, 1, message),
        }
    }

    /// A diagnostic at the first place `needle` appears in the front matter.
    pub fn error_at_text(&self, needle: &str, message: impl Into<String>) -> Diagnostic {
        match self.front_matter().find(needle) {
            Some(offset) => self.error_at_offset(self.front_start + offset, message),
            None => self.error_at_key("", message),
        }
    }

    /// Parses the front matter as `T`, with its warnings, or every problem it has, placed on the
    /// file's own lines.
    pub fn parse_front_matter<T: serde::de::DeserializeOwned>(
        &self,
    ) -> Result<(T, Vec<Diagnostic>), Vec<Diagnostic>> {
        // Blank lines in place of the opening `---` (and of a byte order mark's line) give the
        // YAML the file's own line numbers, in places and in messages ("opened on line 2").
        let yaml = format!(
            "{}{}",
            "\n".repeat(self.front_line_offset()),
            self.front_matter()
        );
        let front = yaml::parse(&yaml).map_err(|e| yaml::diagnostics(e, &self.file, &self.text))?;
        let warnings = yaml::warning_diagnostics(&self.file, &yaml);
        Ok((front, warnings))
    }
}

/// Splits a file into front matter and body, or says what is wrong with its shape.
pub fn split(path: String, file: PathBuf, bytes: Vec<u8>) -> Result<ContentSource, Diagnostic> {
    let text = match String::from_utf8(bytes) {
        Ok(text) => text,
        Err(error) => {
            let valid = error.utf8_error().valid_up_to();
            let bytes = error.into_bytes();
            let prefix = String::from_utf8_lossy(&bytes[..valid]).into_owned();
            let (line, col) = crate::diagnostics::line_col(&prefix, valid);
            return Err(Diagnostic::error_at(
                &file,
                &prefix,
                line,
                col,
                "this file is not UTF-8 text (is it a binary file with a .md name?)",
            )
            .with_help("save the file as UTF-8, or give a non-Markdown file another extension"));
        }
    };
    let start = if text.starts_with('\u{feff}') { 3 } else { 0 };
    let first_line_end = text[start..]
        .find('\n')
        .map_or(text.len(), |i| start + i + 1);
    if text[start..first_line_end].trim_end() != "---" {
        let message = if text.trim().is_empty() {
            "this file is empty; a page needs front matter with at least a title"
        } else {
            "a content file must start with front matter: a line `---`, YAML, then `---`"
        };
        return Err(Diagnostic::error_at(&file, &text, 1, 1, message)
            .with_help("start the file with:\n---\ntitle: Your title\n---"));
    }
    let mut offset = first_line_end;
    while offset < text.len() {
        let line_end = text[offset..]
            .find('\n')
            .map_or(text.len(), |i| offset + i + 1);
        if text[offset..line_end].trim_end() == "---" {
            return Ok(ContentSource {
                path,
                file,
                front_start: first_line_end,
                front_end: offset,
                body_start: line_end,
                text: text.into(),
            });
        }
        offset = line_end;
    }
    Err(Diagnostic::error_at(
        &file,
        &text,
        1,
        1,
        "the front matter opened here is never closed",
    )
    .with_help("add a line with only `---` after the last front matter key"))
}

/// Front matter of a page.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PageFrontMatter {
    /// Shown as the page's heading and in the browser tab.
    pub title: String,
    /// One sentence for search engines and link previews.
    #[serde(default)]
    pub description: Option<String>,
    /// The day (or month, or year) the page is dated: 2019-06-25.
    #[serde(default)]
    pub date: Option<Date>,
    /// When the page was last changed, for the sitemap and feeds.
    #[serde(default)]
    pub updated: Option<Date>,
    /// `true` keeps the page out of the site; `pimap serve` shows it with a ribbon.
    #[serde(default)]
    pub draft: bool,
    /// Not published before this day.
    #[serde(default)]
    pub publish_date: Option<Day>,
    /// Not published after this day.
    #[serde(default)]
    pub expiry_date: Option<Day>,
    /// The last part of the page's address, instead of one made from the file name.
    #[serde(default)]
    pub slug: Option<String>,
    /// The summary shown in lists, instead of the text before `<!-- more -->`.
    #[serde(default)]
    pub summary: Option<String>,
    /// Order in a section sorted by weight: lowest first.
    #[serde(default)]
    pub weight: Option<i64>,
    /// The template that renders the page, instead of the section's `page_template` or page.html.
    #[serde(default)]
    pub template: Option<String>,
    /// Old addresses that redirect to this page: /old/address/.
    #[serde(default)]
    pub aliases: Vec<String>,
    /// Terms of the taxonomies declared in site.yaml: `tags: [MoU, USA]`.
    #[serde(default)]
    pub taxonomies: BTreeMap<String, Vec<String>>,
    /// Where the page's facts come from, listed under it.
    #[serde(default)]
    pub sources: Vec<crate::source::fields::Source>,
    /// Anything else, for the templates: `page.extra`.
    #[serde(default)]
    pub extra: serde_json::Map<String, serde_json::Value>,
}

impl PageFrontMatter {
    pub fn window(&self) -> Window {
        Window {
            publish_date: self.publish_date,
            expiry_date: self.expiry_date,
        }
    }
}

/// How a section orders its pages.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, serde::Serialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum SortBy {
    /// Newest first; pages without a date last, by path.
    #[default]
    Date,
    /// Lowest weight first; pages without a weight last, by title.
    Weight,
    /// Alphabetically by title.
    Title,
}

/// Front matter of a section (`_index.md`).
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SectionFrontMatter {
    /// The section's heading.
    pub title: String,
    /// One sentence for search engines and link previews.
    #[serde(default)]
    pub description: Option<String>,
    /// How the section orders its pages: date (newest first), weight or title.
    #[serde(default)]
    pub sort_by: SortBy,
    /// Order among the sections of its parent: lowest first.
    #[serde(default)]
    pub weight: Option<i64>,
    /// The template of the section's page, instead of section.html.
    #[serde(default)]
    pub template: Option<String>,
    /// The template of the section's pages, instead of page.html.
    #[serde(default)]
    pub page_template: Option<String>,
    /// `true` keeps the section out of the site.
    #[serde(default)]
    pub draft: bool,
    /// Old addresses that redirect to this section.
    #[serde(default)]
    pub aliases: Vec<String>,
    /// Publish an Atom feed of the section's pages at `<section>/atom.xml`.
    #[serde(default)]
    pub feed: bool,
    /// Pages per page of the section's list, overriding the site's `paginate_by`; 0 turns
    /// pagination off.
    #[serde(default)]
    pub paginate_by: Option<usize>,
    /// Where the section page's facts come from, listed under it.
    #[serde(default)]
    pub sources: Vec<crate::source::fields::Source>,
    /// Anything else, for the templates: `section.extra`.
    #[serde(default)]
    pub extra: serde_json::Map<String, serde_json::Value>,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn source(text: &str) -> Result<ContentSource, Diagnostic> {
        split(
            "a.md".into(),
            "content/a.md".into(),
            text.as_bytes().to_vec(),
        )
    }

    #[test]
    fn splits_front_matter_and_body() {
        let s = source("---\ntitle: Hi\n---\n# Body\n").unwrap();
        assert_eq!(s.front_matter(), "title: Hi\n");
        assert_eq!(s.body(), "# Body\n");
    }

    #[test]
    fn accepts_bom_and_crlf() {
        let s = source("\u{feff}---\r\ntitle: Hi\r\n---\r\nBody").unwrap();
        assert_eq!(s.body(), "Body");
    }

    #[test]
    fn yaml_errors_land_on_file_lines() {
        let s = source("---\ntitle: Hi\ndraft: maybe\n---\n").unwrap();
        let d = s
            .parse_front_matter::<PageFrontMatter>()
            .unwrap_err()
            .remove(0);
        assert_eq!((d.line, d.col), (3, 8));
    }

    #[test]
    fn unclosed_empty_and_binary_files_are_errors() {
        assert!(
            source("---\ntitle: x\n")
                .unwrap_err()
                .message
                .contains("never closed")
        );
        assert!(source("").unwrap_err().message.contains("empty"));
        let d = split(
            "b.md".into(),
            "content/b.md".into(),
            vec![b'a', b'\n', 0xff, 0xfe],
        )
        .unwrap_err();
        assert_eq!((d.line, d.col), (2, 1));
    }
}
