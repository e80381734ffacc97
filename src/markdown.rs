//! Markdown to HTML: the pulldown-cmark event pipeline.
//!
//! On top of CommonMark (with tables, footnotes, strikethrough, task lists, smart punctuation and
//! `{#id}` heading attributes) it gives every heading a unique id and a permalink anchor and
//! builds the table of contents (`headings.rs`), cuts the summary at `<!-- more -->`, gives
//! footnotes ids that cannot clash with headings (`fn:label`, `footnotes.rs`), and rewrites
//! links written to source files (`@/news/x.md`, `../about.md`, `photo.jpg`) or entities
//! (`@/smes/<id>`) into the URLs they have on the site (see [`links`]); an image of a picture of the site becomes a `<picture>` with its published
//! sizes, and an image without a description is a warning (`images.rs`). A link to a missing
//! file is a diagnostic at its line; links to anchors in other pages and links written as URLs
//! of the site (with their anchors) are returned so that the caller can check them once every
//! page's ids (headings, footnotes, ids in the HTML it holds) and every output are known. HTML nested deeper than
//! [`CONTENT_LIMITS`](crate::html_nesting::CONTENT_LIMITS) (quotes in quotes, lists in lists,
//! HTML elements left open) is an error at the line that goes too deep, and is not passed on.
//! Every URL a link resolves to can be written as a numbered placeholder and filled in
//! afterwards (`relink.rs`), so that a page shown untranslated in a further language reuses the
//! default language's HTML with that language's URLs instead of being rendered again.
//! It reads no file and knows no template; the Markdown fields of data are rendered by
//! [`untrusted`], their images by [`data_images`].

mod bounded;
pub mod data_images;
mod footnotes;
mod headings;
mod images;
mod links;
mod relink;
mod slugs;
mod untrusted;

use crate::diagnostics::Diagnostic;
use crate::source::content::ContentSource;
use bounded::bounded_html;
use headings::nest_toc;
pub use headings::{TocEntry, heading_id};
use images::ImageInProgress;
pub use links::{MissingEntity, address_in_site};
use pulldown_cmark::{Event, HeadingLevel, LinkType, Options, Parser, Tag, TagEnd, html};
pub use relink::{LinkKey, LinkKind, Links, can_relink, relink, relink_untrusted, write_href};
pub use slugs::slugify;
use std::collections::{HashMap, HashSet};
use std::sync::Arc;
pub use untrusted::{EntityLinks, UntrustedHtml, first_sentence, for_embed, render_untrusted};

/// What the Markdown stage needs to know about the site: the URL of every content file and of
/// every file copied from `content/`, by path inside `content/`.
pub struct LinkTargets<'a> {
    pub content: &'a HashMap<String, String>,
    pub assets: &'a HashMap<String, String>,
    /// The URL of every entity page, by the name a link gives it: `smes/<id>`.
    pub entities: &'a HashMap<String, String>,
    /// Entities (`smes/<id>`) whose files have errors: links to them are not errors of their own.
    pub unresolved_entities: &'a HashSet<String>,
    /// The published sizes of the pictures among the copied files: an image of one of them
    /// becomes a `<picture>`.
    pub pictures: &'a HashMap<String, crate::pictures::markup::PictureSet>,
    /// Content files that exist but failed to load: links to them are not errors of their own.
    pub failed: &'a std::collections::HashSet<String>,
    /// The base URL's path (`/sub`, or empty): written before links to `/site/paths`.
    pub base_path: &'a str,
}

/// A link to `#anchor` in a content file, checked after every file is rendered.
#[derive(Debug, Clone)]
pub struct AnchorLink {
    /// Path inside `content/` of the page that must have the anchor.
    pub target: String,
    pub anchor: String,
    /// Byte offset of the link in the source file, for the diagnostic.
    pub offset: usize,
}

/// A link written as a URL of this site (`/smes/x/`, `../about/`), checked against the outputs of
/// the build once they are known.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SiteLink {
    /// As written, without its `#anchor` and `?query`; relative to the page's URL unless it
    /// starts with `/`.
    pub url: String,
    /// The `#anchor` it points at, as written (without `#`).
    pub anchor: Option<String>,
    /// Byte offset of the link in the source file, for the diagnostic.
    pub offset: usize,
}

/// The HTML of one content file and what was learnt while making it. What does not depend on
/// the site's URLs (the table of contents, the anchors and the links to check) is behind `Arc`s:
/// every language that shows the same text shares it.
#[derive(Debug, Clone, Default)]
pub struct RenderedMarkdown {
    pub html: String,
    /// The HTML before `<!-- more -->`, if the marker is there.
    pub summary: Option<String>,
    pub toc: Arc<[TocEntry]>,
    /// Every id a link may point at: headings, footnotes and the ids of HTML written in the
    /// Markdown.
    pub anchors: Arc<HashSet<String>>,
    pub word_count: usize,
    pub anchor_links: Arc<[AnchorLink]>,
    pub site_links: Arc<[SiteLink]>,
    /// Shortcode calls; their markers in `html` and `summary` are replaced when rendering.
    pub shortcodes: Vec<crate::shortcode::ShortcodeCall>,
    pub diagnostics: Vec<Diagnostic>,
    /// Where the URLs of links are in `html` and `summary`, for another language's view of the
    /// same text ([`relink`]); `None` when it must be rendered again there.
    pub links: Option<Links>,
}

/// An event, with the offset in the file of the text it comes from.
type Located<'a> = (Event<'a>, usize);

const SUMMARY_MARKER: &str = "<!-- more -->";
const FOOTNOTE_REFERENCE: &str = "<sup class=\"footnote-reference\"";

fn options() -> Options {
    Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_SMART_PUNCTUATION
        | Options::ENABLE_HEADING_ATTRIBUTES
}

/// Renders the body of `source`.
pub fn render(source: &ContentSource, targets: &LinkTargets) -> RenderedMarkdown {
    #[cfg(test)]
    render_count::record(&source.text);
    let mut links = relink::Placeholders::for_text(&source.text);
    loop {
        match render_with(source, targets, links) {
            Some(rendered) => return rendered,
            // The text holds what looks like a placeholder: rendered with its URLs as they are.
            None => links = relink::Placeholders::default(),
        }
    }
}

/// Renders the body of `source`, writing resolved URLs through `links`; `None` when the HTML
/// holds placeholders the pipeline did not write (see [`relink::Placeholders::fill`]).
fn render_with(
    source: &ContentSource,
    targets: &LinkTargets,
    links: relink::Placeholders,
) -> Option<RenderedMarkdown> {
    let (body, shortcodes, shortcode_errors) = crate::shortcode::extract(source.body());
    let body = body.as_str();
    let mut state = Pipeline {
        source,
        targets,
        out: RenderedMarkdown::default(),
        ids: HashMap::new(),
        headings: Vec::new(),
        footnotes: HashMap::new(),
        image: None,
        raw_html: String::new(),
        links,
        anchors: HashSet::new(),
        anchor_links: Vec::new(),
        site_links: Vec::new(),
    };
    state.out.shortcodes = shortcodes;
    for error in shortcode_errors {
        let d = source.error_at_offset(source.body_start + error.offset, error.message);
        state.out.diagnostics.push(d);
    }
    let mut events: Vec<Located> = Vec::new();
    let mut summary_at = None;
    let mut heading: Option<(HeadingLevel, Option<String>, usize, Vec<Located>)> = None;
    for (event, range) in Parser::new_ext(body, options()).into_offset_iter() {
        let offset = source.body_start + range.start;
        match event {
            Event::Start(Tag::Heading { level, id, .. }) => {
                heading = Some((level, id.map(|id| id.to_string()), offset, Vec::new()));
            }
            Event::End(TagEnd::Heading(_)) => {
                if let Some((level, id, at, inner)) = heading.take() {
                    state.heading(level, id, at, inner, &mut events);
                }
            }
            Event::Html(ref text) if text.trim() == SUMMARY_MARKER && heading.is_none() => {
                summary_at.get_or_insert(events.len());
            }
            event => {
                let event = (state.event(event, offset), offset);
                match heading.as_mut() {
                    Some((_, _, _, inner)) => inner.push(event),
                    None => events.push(event),
                }
            }
        }
    }
    let in_html = match bounded_html(&events, &source.text) {
        Ok(html) => {
            let (html, in_html) = state.links.fill(&html, true)?;
            state.out.html = html;
            in_html
        }
        Err((offset, deep)) => {
            let d = source.error_at_offset(offset, deep.message());
            state.out.diagnostics.push(d.with_help(deep.help()));
            return Some(state.finish());
        }
    };
    let mut in_summary = Vec::new();
    if let Some(at) = summary_at {
        // The summary is shown on list pages, which have no footnotes: it keeps no reference.
        let summary_events = events[..at]
            .iter()
            .map(|(event, _)| event.clone())
            .filter(|e| !matches!(e, Event::Html(h) if h.starts_with(FOOTNOTE_REFERENCE)));
        let mut summary = String::new();
        html::push_html(&mut summary, summary_events);
        let (summary, placed) = state.links.fill(&summary, false)?;
        in_summary = placed;
        state.out.summary = Some(summary);
    }
    state.out.links = std::mem::take(&mut state.links).into_links(in_html, in_summary);
    state.out.toc = nest_toc(std::mem::take(&mut state.headings)).into();
    let html_ids = crate::check::ids_in_html(&state.raw_html);
    state.anchors.extend(html_ids);
    Some(state.finish())
}

struct Pipeline<'s, 't> {
    source: &'s ContentSource,
    targets: &'t LinkTargets<'t>,
    out: RenderedMarkdown,
    /// How often each heading id base was used, for unique suffixes.
    ids: HashMap<String, usize>,
    headings: Vec<(u32, String, String)>,
    /// Footnote label -> number, in order of first appearance.
    footnotes: HashMap<String, usize>,
    /// The image being read, between its start and its end.
    image: Option<ImageInProgress>,
    /// The HTML written in the Markdown, whose ids links may point at.
    raw_html: String,
    /// The URLs of links, written as placeholders until the HTML is made.
    links: relink::Placeholders,
    /// The anchors and links found so far, moved into `out` when the text is done.
    anchors: HashSet<String>,
    anchor_links: Vec<AnchorLink>,
    site_links: Vec<SiteLink>,
}

impl Pipeline<'_, '_> {
    /// What was made, with the anchors and links found.
    fn finish(self) -> RenderedMarkdown {
        RenderedMarkdown {
            anchors: Arc::new(self.anchors),
            anchor_links: self.anchor_links.into(),
            site_links: self.site_links.into(),
            ..self.out
        }
    }
}

impl<'a> Pipeline<'_, '_> {
    fn event(&mut self, event: Event<'a>, offset: usize) -> Event<'a> {
        if let Some(image) = self.image.as_mut() {
            match &event {
                Event::Text(text) | Event::Code(text) => image.alt.push_str(text),
                Event::End(TagEnd::Image) => return self.end_image(event),
                _ => {}
            }
            if image.picture.is_some() {
                return Event::Html("".into());
            }
        }
        match event {
            Event::Text(ref text) => {
                self.out.word_count += text.split_whitespace().count();
                event
            }
            Event::Html(ref raw) | Event::InlineHtml(ref raw) => {
                self.raw_html.push_str(raw);
                event
            }
            Event::Start(Tag::Link {
                link_type,
                dest_url,
                title,
                id,
            }) => {
                let dest_url = match link_type {
                    LinkType::Autolink | LinkType::Email => dest_url,
                    _ => self.rewrite(dest_url, offset, false),
                };
                Event::Start(Tag::Link {
                    link_type,
                    dest_url,
                    title,
                    id,
                })
            }
            Event::Start(Tag::Image {
                link_type,
                dest_url,
                title,
                id,
            }) => {
                let picture = self.picture_at(&dest_url);
                let is_picture = picture.is_some();
                self.image = Some(ImageInProgress {
                    picture,
                    alt: String::new(),
                    title: title.to_string(),
                    offset,
                });
                if is_picture {
                    return Event::Html("".into());
                }
                let dest_url = self.rewrite(dest_url, offset, true);
                Event::Start(Tag::Image {
                    link_type,
                    dest_url,
                    title,
                    id,
                })
            }
            Event::FootnoteReference(label) => self.footnote_reference(&label),
            Event::Start(Tag::FootnoteDefinition(label)) => self.footnote_definition(&label),
            Event::End(TagEnd::FootnoteDefinition) => Event::Html("</div>".into()),
            // A task list's checkbox needs an accessible name.
            Event::TaskListMarker(done) => Event::Html(
                if done {
                    "<input type=\"checkbox\" disabled checked aria-label=\"Done\"> "
                } else {
                    "<input type=\"checkbox\" disabled aria-label=\"Not done\"> "
                }
                .into(),
            ),
            event => event,
        }
    }

    fn error(&mut self, offset: usize, message: String, help: Option<String>) {
        let mut d = self.source.error_at_offset(offset, message);
        d.help = help;
        self.out.diagnostics.push(d);
    }
}

/// How often each text was rendered: the tests check that text shown in several languages is
/// rendered once.
#[cfg(test)]
pub(crate) mod render_count {
    use std::collections::HashMap;
    use std::sync::Mutex;

    static COUNTS: Mutex<Option<HashMap<String, usize>>> = Mutex::new(None);

    pub(crate) fn record(text: &str) {
        if let Ok(mut counts) = COUNTS.lock() {
            let counts = counts.get_or_insert_with(HashMap::new);
            *counts.entry(text.to_owned()).or_default() += 1;
        }
    }

    /// How often a file whose whole text is `text` was rendered.
    pub(crate) fn of(text: &str) -> usize {
        COUNTS
            .lock()
            .ok()
            .and_then(|counts| counts.as_ref()?.get(text).copied())
            .unwrap_or(0)
    }
}

/// Escapes text for HTML content and attribute values.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    escape_runs(text, |run| out.push_str(run));
    out
}

/// Writes `text` as [`escape`] escapes it: autoescaped templates' escape (Tera's byte by byte).
pub fn write_escaped(text: &str, out: &mut dyn std::io::Write) -> std::io::Result<()> {
    let mut written = Ok(());
    escape_runs(text, |run| {
        if written.is_ok() {
            written = out.write_all(run.as_bytes());
        }
    });
    written
}

/// Hands `text` to `push` escaped (`&<>"'`), the runs between those characters whole.
fn escape_runs(text: &str, mut push: impl FnMut(&str)) {
    let mut start = 0;
    for (i, byte) in text.bytes().enumerate() {
        let entity = match byte {
            b'&' => "&amp;",
            b'<' => "&lt;",
            b'>' => "&gt;",
            b'"' => "&quot;",
            b'\'' => "&#39;",
            _ => continue,
        };
        push(&text[start..i]);
        push(entity);
        start = i + 1;
    }
    push(&text[start..]);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::content::split;

    #[test]
    fn escapes_exactly_as_tera_does() {
        let every_ascii: String = (0u8..128).map(char::from).collect();
        let odd = [
            "",
            "&",
            "<a href=\"x\" title='y'>&amp;</a>",
            "é<ü>ß & 光 \"' end&",
        ];
        for text in odd.into_iter().chain([every_ascii.as_str()]) {
            let mut tera = Vec::new();
            tera::escape_html(text, &mut tera).unwrap();
            let mut written = Vec::new();
            write_escaped(text, &mut written).unwrap();
            assert_eq!(written, tera, "{text:?}");
            assert_eq!(escape(text).as_bytes(), tera, "{text:?}");
        }
    }

    pub(super) fn render_body(path: &str, body: &str) -> RenderedMarkdown {
        let content: HashMap<String, String> = [
            ("about.md".to_owned(), "/about/".to_owned()),
            ("news/mou.md".to_owned(), "/news/mou/".to_owned()),
        ]
        .into();
        let assets: HashMap<String, String> =
            [("news/photo.jpg".to_owned(), "/news/photo.jpg".to_owned())].into();
        let text = format!("---\ntitle: t\n---\n{body}");
        let source = split(
            path.into(),
            format!("content/{path}").into(),
            text.into_bytes(),
        )
        .unwrap();
        render(
            &source,
            &LinkTargets {
                content: &content,
                assets: &assets,
                entities: &HashMap::from([("smes/lumen".to_owned(), "/smes/lumen/".to_owned())]),
                unresolved_entities: &HashSet::from(["smes/broken".to_owned()]),
                pictures: &Default::default(),
                failed: &Default::default(),
                base_path: "",
            },
        )
    }

    #[test]
    fn entities_are_linked_by_their_file_and_site_links_are_kept_for_the_check() {
        let out = render_body(
            "news/a.md",
            "[a](@/smes/lumen#offer) [b](@/smes/broken) [c](/smes/x/?q=1#top) [d](../about/) [e](@/smes/lumn)\n",
        );
        assert!(
            out.html.contains("href=\"/smes/lumen/#offer\""),
            "{}",
            out.html
        );
        let links: Vec<&str> = out.site_links.iter().map(|l| l.url.as_str()).collect();
        assert_eq!(links, ["/smes/x/", "../about/"]);
        let messages: Vec<String> = out
            .diagnostics
            .iter()
            .map(|d| format!("{} / {}", d.message, d.help.as_deref().unwrap_or_default()))
            .collect();
        assert_eq!(
            messages,
            [
                "link to `@/smes/lumn`: there is no file data/smes/lumn.yaml / did you mean `@/smes/lumen`?"
            ]
        );
    }

    #[test]
    fn footnote_ids_cannot_clash_with_headings() {
        let out = render_body("a.md", "## 1\n\nText[^1].\n\n[^1]: Source.\n");
        assert!(out.html.contains("<h2 id=\"1\">"));
        assert!(out.html.contains("<a href=\"#fn:1\">1</a>"));
        assert!(out.html.contains("id=\"fn:1\""));
        assert!(out.anchors.contains("fn:1") && out.anchors.contains("1"));
    }

    #[test]
    fn summary_is_cut_at_the_marker() {
        let out = render_body("a.md", "First *para*.\n\n<!-- more -->\n\nSecond.\n");
        assert_eq!(
            out.summary.as_deref(),
            Some("<p>First <em>para</em>.</p>\n")
        );
        assert!(out.html.ends_with("<p>Second.</p>\n"));
        assert!(!out.html.contains("more"));
    }

    #[test]
    fn summaries_drop_footnote_references_and_checkboxes_have_names() {
        let out = render_body(
            "a.md",
            "Claim.[^1]\n\n<!-- more -->\n\n- [x] done\n- [ ] open\n\n[^1]: Source.\n",
        );
        assert_eq!(out.summary.as_deref(), Some("<p>Claim.</p>\n"));
        assert!(out.html.contains("<a href=\"#fn:1\">1</a>"));
        assert!(
            out.html
                .contains("<input type=\"checkbox\" disabled checked aria-label=\"Done\">"),
            "{}",
            out.html
        );
        assert!(
            out.html
                .contains("<input type=\"checkbox\" disabled aria-label=\"Not done\">")
        );
    }

    #[test]
    fn source_links_become_urls() {
        let out = render_body(
            "news/x.md",
            "[a](@/about.md) [b](../about.md#team) [c](mou.md) ![p](photo.jpg) [d](https://e.org/x.md)\n",
        );
        assert!(out.html.contains("href=\"/about/\""));
        assert!(out.html.contains("href=\"/about/#team\""));
        assert!(out.html.contains("href=\"/news/mou/\""));
        assert!(out.html.contains("src=\"/news/photo.jpg\""));
        assert!(out.html.contains("href=\"https://e.org/x.md\""));
        assert_eq!(out.anchor_links.len(), 1);
        assert!(out.diagnostics.is_empty());
    }

    #[test]
    fn missing_targets_are_errors_at_their_line() {
        let out = render_body(
            "news/x.md",
            "Intro.\n\nSee [m](@/news/mu.md) and ![i](gone.png).\n",
        );
        let messages: Vec<_> = out
            .diagnostics
            .iter()
            .map(|d| (d.line, d.col, d.message.as_str()))
            .collect();
        assert_eq!(
            messages,
            vec![
                (
                    6,
                    5,
                    "link to `@/news/mu.md`: there is no content file content/news/mu.md"
                ),
                (
                    6,
                    27,
                    "image `gone.png`: there is no file content/news/gone.png"
                ),
            ]
        );
        assert_eq!(
            out.diagnostics[0].help.as_deref(),
            Some("did you mean `@/news/mou.md`?")
        );
    }

    #[test]
    fn site_paths_follow_the_base_path() {
        let content = HashMap::new();
        let assets = HashMap::new();
        let text =
            "---\ntitle: t\n---\n[a](/about/) [b](//cdn.example.org/x) [c](https://e.org/)\n";
        let source = split(
            "a.md".into(),
            "content/a.md".into(),
            text.as_bytes().to_vec(),
        )
        .unwrap();
        let targets = LinkTargets {
            content: &content,
            assets: &assets,
            entities: &HashMap::new(),
            unresolved_entities: &HashSet::new(),
            pictures: &Default::default(),
            failed: &Default::default(),
            base_path: "/sub",
        };
        let out = render(&source, &targets);
        assert!(out.html.contains("href=\"/sub/about/\""), "{}", out.html);
        assert!(
            out.html.contains("href=\"//cdn.example.org/x\"")
                && out.html.contains("href=\"https://e.org/\"")
        );
    }
}
