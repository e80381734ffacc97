//! What each fuzz target does with its input, and the invariants it checks beyond "no panic".
//!
//! One function per target in `fuzz_targets/`. The stable test `tests/fuzz_regressions.rs`
//! includes this file and feeds it every input under `tests/fuzz-regressions/<target>/`, so a
//! finding, once fixed, stays fixed under the same checks.
//!
//! - [`front_matter`]: splitting a content file and parsing its front matter as a page and as a
//!   section; the parts are in order and every diagnostic points at a line of the file.
//! - [`data_entity`]: the typed data loader (`data/partners/x.yaml`, `kpis.yaml`...); the first
//!   byte picks the file, the rest is its text.
//! - [`markdown`]: a page body through shortcode extraction, Markdown and shortcode splicing;
//!   the HTML never nests deeper than the content limits.
//! - [`entity_text`]: the Markdown fields of data, sanitised: no script, no event handler, no
//!   `javascript:` link, links open no window that can reach the page, pictures load from this
//!   site only; the embed rewrite too.
//! - [`serve_path`]: the dev server's request head reader and path resolution: a file served is
//!   one of the site's, by a path with no `.` or `..` segment; a redirect stays on this site.
//! - [`minify`]: minifying a page (the one-pass HTML minifier, with its inline CSS and
//!   JavaScript); minifying the result again changes nothing.

use pimap::Diagnostic;
use pimap::html_nesting::{CONTENT_LIMITS, first_too_deep};
use pimap::markdown::{self, LinkTargets};
use pimap::serve::http;
use pimap::serve::server::{self, Files, Resolved};
use pimap::shortcode;
use pimap::source::content::{self, ContentSource, PageFrontMatter, SectionFrontMatter};
use pimap::source::data::{self, DataFile, Entities};
use std::collections::{HashMap, HashSet};
use std::path::PathBuf;
use std::sync::Arc;

/// Checks that `diagnostic` can be shown and points inside `text`.
fn check_diagnostic(diagnostic: &Diagnostic, text: &str) {
    let shown = diagnostic.to_string();
    assert!(!shown.is_empty());
    let lines = text.split('\n').count();
    assert!(
        diagnostic.line <= lines,
        "a diagnostic at line {} of a text of {lines} lines: {shown}",
        diagnostic.line
    );
}

pub fn front_matter(data: &[u8]) {
    let file = PathBuf::from("content/news/page.md");
    let source = match content::split("news/page.md".to_owned(), file, data.to_vec()) {
        Ok(source) => source,
        Err(diagnostic) => {
            check_diagnostic(&diagnostic, &String::from_utf8_lossy(data));
            return;
        }
    };
    let text = &source.text;
    assert!(source.front_start <= source.front_end && source.front_end <= source.body_start);
    assert!(source.body_start <= text.len());
    let _ = (source.front_matter(), source.body());
    let page = source.parse_front_matter::<PageFrontMatter>();
    let section = source.parse_front_matter::<SectionFrontMatter>();
    let page = page.map_or_else(|errors| errors, |(_, warnings)| warnings);
    let section = section.map_or_else(|errors| errors, |(_, warnings)| warnings);
    for d in page.iter().chain(&section) {
        check_diagnostic(d, text);
    }
    for key in ["title", "date", "extra", ""] {
        check_diagnostic(&source.error_at_key(key, "message"), text);
    }
    check_diagnostic(&source.error_at_text(":", "message"), text);
}

/// The data files the first input byte chooses from.
const DATA_FILES: [&str; 6] = [
    "partners/alpha-rlh.yaml",
    "smes/lumen-lasers.yaml",
    "missions/spie-2025.yaml",
    "practices/shared-lab.yaml",
    "kpis.yaml",
    "roadmap.yaml",
];

pub fn data_entity(data: &[u8]) {
    let Some((&choice, rest)) = data.split_first() else {
        return;
    };
    let Ok(text) = std::str::from_utf8(rest) else {
        return;
    };
    let rel = DATA_FILES[usize::from(choice) % DATA_FILES.len()];
    let source = DataFile {
        file: PathBuf::from("data").join(rel),
        text: text.to_owned(),
    };
    let mut entities = Entities::default();
    let mut errors = Vec::new();
    data::add_file(&mut entities, rel, source, &mut errors);
    for error in &errors {
        check_diagnostic(error, text);
    }
}

const FRONT: &str = "---\ntitle: Fuzzed\n---\n";

pub fn markdown(data: &[u8]) {
    let Ok(body) = std::str::from_utf8(data) else {
        return;
    };
    let source = ContentSource {
        path: "news/page.md".to_owned(),
        file: PathBuf::from("content/news/page.md"),
        text: format!("{FRONT}{body}").into(),
        front_start: 4,
        front_end: FRONT.len() - 4,
        body_start: FRONT.len(),
    };
    let content = HashMap::from([
        ("_index.md".to_owned(), "/".to_owned()),
        ("news/_index.md".to_owned(), "/news/".to_owned()),
        ("news/page.md".to_owned(), "/news/page/".to_owned()),
        ("about.md".to_owned(), "/about/".to_owned()),
    ]);
    let assets = HashMap::from([("news/photo.jpg".to_owned(), "/news/photo.jpg".to_owned())]);
    let failed = HashSet::from(["news/broken.md".to_owned()]);
    let entities = HashMap::from([("smes/lumen".to_owned(), "/smes/lumen/".to_owned())]);
    let unresolved_entities = HashSet::from(["smes/broken".to_owned()]);
    let targets = LinkTargets {
        content: &content,
        assets: &assets,
        entities: &entities,
        unresolved_entities: &unresolved_entities,
        pictures: &HashMap::new(),
        failed: &failed,
        base_path: "/sub",
    };
    let rendered = markdown::render(&source, &targets);
    for d in &rendered.diagnostics {
        check_diagnostic(d, &source.text);
    }
    assert!(first_too_deep(&rendered.html, CONTENT_LIMITS).is_none());
    let outputs: Vec<String> = (0..rendered.shortcodes.len())
        .map(|i| format!("<span class=\"shortcode-{i}\"></span>"))
        .collect();
    let _ = shortcode::splice(&rendered.html, &outputs);
    if let Some(summary) = &rendered.summary {
        let _ = shortcode::splice(summary, &outputs);
    }
}

pub fn entity_text(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let urls = HashMap::from([("smes/lumen".to_owned(), "/sub/smes/lumen/".to_owned())]);
    let links = markdown::EntityLinks {
        urls: &urls,
        unresolved: &HashSet::new(),
        base_path: "/sub",
        pictures: &markdown::data_images::DataPictures::new(),
    };
    match markdown::render_untrusted(text, &links, "/sub/smes/lumen/", "data/smes/media/") {
        Ok(rendered) => {
            check_sanitised(&rendered.html, false);
            check_sanitised(&markdown::for_embed(&rendered.html), true);
            let offsets = rendered.site_links.iter().map(|link| link.offset);
            let missing = rendered.missing_entities.iter().map(|(offset, _)| *offset);
            let images = rendered.bad_images.iter().map(|(offset, _)| *offset);
            assert!(
                offsets
                    .chain(missing)
                    .chain(images)
                    .all(|offset| offset <= text.len())
            );
        }
        Err((offset, _)) => assert!(offset <= text.len()),
    }
}

/// Elements that must never come out of the sanitiser.
const FORBIDDEN_ELEMENTS: [&str; 17] = [
    "script", "style", "iframe", "frame", "object", "embed", "form", "link", "meta", "base", "svg",
    "math", "textarea", "button", "select", "template", "noscript",
];

/// Checks the start tags of sanitised `html`: every `<` of text is escaped by the sanitiser, so
/// each `<` starts a tag.
fn check_sanitised(html: &str, embed: bool) {
    let mut rest = html;
    while let Some(open) = rest.find('<') {
        let (tag, after) = read_tag(&rest[open + 1..]);
        rest = after;
        let Some((name, attributes)) = tag else {
            continue;
        };
        assert!(
            !FORBIDDEN_ELEMENTS.contains(&name.as_str()),
            "<{name}> in sanitised HTML: {html}"
        );
        for (key, value) in &attributes {
            assert!(!key.starts_with("on"), "event handler {key} in: {html}");
            assert!(key != "style" && key != "srcdoc", "{key} in: {html}");
            if matches!(key.as_str(), "href" | "src" | "cite" | "action") {
                let url: String = value
                    .chars()
                    .filter(|c| !c.is_ascii_whitespace() && !c.is_ascii_control())
                    .collect::<String>()
                    .to_ascii_lowercase();
                for scheme in ["javascript:", "vbscript:", "data:"] {
                    assert!(!url.starts_with(scheme), "{key}={value} in: {html}");
                }
            }
        }
        if matches!(name.as_str(), "img" | "source") {
            check_loads_from_this_site(&attributes, html);
        }
        if name == "a" && attributes.iter().any(|(k, _)| k == "href") {
            let attribute = |key: &str| attributes.iter().find(|(k, _)| k == key);
            let rel = attribute("rel").map_or("", |(_, v)| v.as_str());
            assert!(rel.contains("noopener"), "a link without noopener: {html}");
            if embed {
                assert!(
                    attribute("target").is_some_and(|(_, v)| v == "_top"),
                    "an embed link without target=_top: {html}"
                );
            }
        }
    }
}

/// Checks that the `src` and every `srcset` URL of a picture are paths from the site's root
/// that no browser reads as another host: `/` then neither `/` nor `\`, with no `\`, space or
/// control character (which browsers strip or remove before reading the URL).
fn check_loads_from_this_site(attributes: &[(String, String)], html: &str) {
    let site_path = |url: &str| {
        let bytes = url.as_bytes();
        bytes.first() == Some(&b'/')
            && bytes.get(1).is_some_and(|b| !b"/\\".contains(b))
            && !url.chars().any(|c| c == '\\' || c <= ' ' || c.is_control())
    };
    for (key, value) in attributes {
        let urls: Vec<&str> = match key.as_str() {
            "src" => vec![value.as_str()],
            // HTML's srcset parsing: after spaces and commas, a URL up to a space (without the
            // commas ending it), then descriptors up to a comma outside parentheses.
            "srcset" => {
                let mut urls = Vec::new();
                let mut rest = value.as_str();
                loop {
                    rest = rest.trim_start_matches(|c: char| c.is_ascii_whitespace() || c == ',');
                    if rest.is_empty() {
                        break urls;
                    }
                    let end = rest.find(|c: char| c.is_ascii_whitespace());
                    let (token, after) = rest.split_at(end.unwrap_or(rest.len()));
                    urls.push(token.trim_end_matches(','));
                    rest = after;
                    if !token.ends_with(',') {
                        let mut depth = false;
                        let comma = rest.find(|c: char| {
                            depth = (depth || c == '(') && c != ')';
                            c == ',' && !depth
                        });
                        rest = comma.map_or("", |at| &rest[at + 1..]);
                    }
                }
            }
            _ => continue,
        };
        for url in urls {
            assert!(
                site_path(url),
                "{key}={value:?} loads from elsewhere: {html}"
            );
        }
    }
}

type Tag = (String, Vec<(String, String)>);

/// Reads a tag that starts after its `<`: its lower-case name and attributes (`None` for an end
/// tag or a comment), and the text after it.
fn read_tag(text: &str) -> (Option<Tag>, &str) {
    if let Some(comment) = text.strip_prefix("!--") {
        return (
            None,
            comment.find("-->").map_or("", |end| &comment[end + 3..]),
        );
    }
    if text.starts_with('/') {
        return (None, text.find('>').map_or("", |end| &text[end + 1..]));
    }
    let name_end = text
        .find(|c: char| c.is_ascii_whitespace() || c == '>' || c == '/')
        .unwrap_or(text.len());
    let name = text[..name_end].to_ascii_lowercase();
    let mut rest = &text[name_end..];
    let mut attributes = Vec::new();
    loop {
        rest = rest.trim_start_matches(|c: char| c.is_ascii_whitespace() || c == '/');
        if rest.is_empty() || rest.starts_with('>') {
            return (Some((name, attributes)), rest.get(1..).unwrap_or(""));
        }
        let key_end = rest
            .find(|c: char| c.is_ascii_whitespace() || c == '=' || c == '>')
            .unwrap_or(rest.len());
        let key = rest[..key_end].to_ascii_lowercase();
        rest = &rest[key_end..];
        let mut value = String::new();
        if let Some(quoted) = rest.strip_prefix("=\"") {
            let end = quoted.find('"').unwrap_or(quoted.len());
            value = unescape(&quoted[..end]);
            rest = quoted.get(end + 1..).unwrap_or("");
        }
        attributes.push((key, value));
    }
}

/// Undoes the escapes the HTML serialiser writes in attribute values.
fn unescape(value: &str) -> String {
    value
        .replace("&quot;", "\"")
        .replace("&nbsp;", "\u{a0}")
        .replace("&amp;", "&")
}

/// The files of a small built site.
fn site_files() -> Files {
    [
        "index.html",
        "404.html",
        "news/index.html",
        "news/mou-signed/index.html",
        "css/site.css",
        "files/report 2025.pdf",
        "été/index.html",
    ]
    .into_iter()
    .map(|path| (path.to_owned(), Arc::new(path.as_bytes().to_vec())))
    .collect()
}

pub fn serve_path(data: &[u8]) {
    let files = site_files();
    let site = server::ServedSite {
        files: files.clone(),
        ..server::ServedSite::default()
    };
    if let Ok(url) = std::str::from_utf8(data) {
        check_resolved(&files, server::resolve(&site, url));
    }
    if let Ok(head) = http::read_head(&mut &data[..]) {
        let resolved = server::resolve(&site, &head.target);
        if let Resolved::Redirect(location) = &resolved {
            assert!(http::is_header_value(location), "{location:?}");
        }
        check_resolved(&files, resolved);
    }
}

fn check_resolved(files: &Files, resolved: Resolved) {
    match resolved {
        Resolved::File(path) => {
            assert!(
                files.contains_key(&path),
                "{path:?} is not a file of the site"
            );
            assert!(
                !path.starts_with('/') && !path.contains('\\'),
                "{path:?} is not a site path"
            );
            assert!(
                !path.split('/').any(|s| s == ".." || s == "."),
                "{path:?} has a . or .. segment"
            );
        }
        Resolved::Redirect(location) => {
            // Browsers drop tabs and line breaks from URLs before reading them.
            let seen: String = location
                .chars()
                .filter(|c| !matches!(c, '\t' | '\n' | '\r'))
                .collect();
            assert!(
                seen.starts_with('/') && !seen.starts_with("//") && !seen.starts_with("/\\"),
                "the redirect {location:?} leaves the site"
            );
            let path = seen.split(['?', '#']).next().unwrap_or("");
            let folder = pimap::output::percent_decode(path).unwrap_or_default();
            let index = format!("{}index.html", folder.trim_start_matches('/'));
            assert!(
                files.contains_key(&index),
                "the redirect {location:?} leads nowhere"
            );
        }
        Resolved::NotFound => {}
    }
}

/// Minifies `data` as a page, then minifies the result again: the second pass must find nothing
/// left to change (a rewrite that a second pass reads differently is a rewrite a browser may
/// read differently too).
pub fn minify(data: &[u8]) {
    let once = pimap::output::minify_html(data);
    let twice = pimap::output::minify_html(&once);
    assert!(
        once == twice,
        "minifying twice changes the page:\n{}\n---\n{}",
        String::from_utf8_lossy(&once),
        String::from_utf8_lossy(&twice)
    );
}
