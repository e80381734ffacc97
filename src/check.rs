//! `pimap check`: build the site in memory and check every internal reference in its output: links
//! and their `#anchors`, images, stylesheets, scripts, and the URLs of the sitemap and feeds. Every
//! XML and JSON file it would write must parse (with roxmltree, which checks that XML is
//! well-formed, characters included, and serde_json).
//!
//! Each problem is reported at the source that produced the page (the Markdown, data or template
//! file), at the line where the URL is written when it can be found there. Links to other sites
//! are not fetched (CI may have no network); they are counted.

use crate::diagnostics::Diagnostic;
use crate::incremental::MemoryOutput;
use crate::plan::OutputOwner;
use crate::site::Site;
use crate::{BuildError, BuildOptions, Prepared, prepare, render_prepared};
use std::collections::{HashMap, HashSet};

/// What a check found.
#[derive(Debug)]
pub struct CheckReport {
    pub pages: usize,
    pub links: usize,
    pub external: usize,
    pub problems: Vec<Diagnostic>,
}

/// One `<tag attr=value>`'s URL-bearing attributes and ids, from minified or plain HTML.
#[derive(Debug, Default, PartialEq)]
struct Scanned {
    urls: Vec<String>,
    ids: HashSet<String>,
}

/// Reads tags and their attributes; skips comments and the text of `<script>` and `<style>`.
fn scan_html(html: &str) -> Scanned {
    let mut scanned = Scanned::default();
    let bytes = html.as_bytes();
    let mut i = 0;
    while let Some(offset) = html[i..].find('<') {
        i += offset + 1;
        if html[i..].starts_with("!--") {
            i = html[i..].find("-->").map_or(html.len(), |end| i + end + 3);
            continue;
        }
        let name_end = html[i..]
            .find(|c: char| c.is_whitespace() || c == '>' || c == '/')
            .map_or(html.len(), |e| i + e);
        let tag = html[i..name_end].to_ascii_lowercase();
        let mut j = name_end;
        // Attributes until `>`.
        loop {
            while j < bytes.len() && (bytes[j].is_ascii_whitespace() || bytes[j] == b'/') {
                j += 1;
            }
            if j >= bytes.len() || bytes[j] == b'>' {
                break;
            }
            let name_start = j;
            while j < bytes.len()
                && !bytes[j].is_ascii_whitespace()
                && bytes[j] != b'='
                && bytes[j] != b'>'
            {
                j += 1;
            }
            let name = html[name_start..j].to_ascii_lowercase();
            let mut value = String::new();
            if j < bytes.len() && bytes[j] == b'=' {
                j += 1;
                match bytes.get(j) {
                    Some(&quote @ (b'"' | b'\'')) => {
                        let end = html[j + 1..]
                            .find(quote as char)
                            .map_or(html.len(), |e| j + 1 + e);
                        value = html[j + 1..end].to_owned();
                        j = (end + 1).min(html.len());
                    }
                    _ => {
                        let start = j;
                        while j < bytes.len() && !bytes[j].is_ascii_whitespace() && bytes[j] != b'>'
                        {
                            j += 1;
                        }
                        value = html[start..j].to_owned();
                    }
                }
            }
            let value = value.replace("&amp;", "&");
            match name.as_str() {
                "href" | "src" => scanned.urls.push(value),
                "id" => {
                    scanned.ids.insert(value);
                }
                _ => {}
            }
        }
        i = (j + 1).min(html.len());
        if tag == "script" || tag == "style" {
            i = crate::html_nesting::find_end_tag(html, i, &tag);
        }
    }
    scanned
}

/// The ids of the elements of `html`: what a `#anchor` in a link to it may name.
pub(crate) fn ids_in_html(html: &str) -> HashSet<String> {
    scan_html(html).ids
}

/// The `<loc>` and `href` URLs of an XML file (sitemap, feed).
fn scan_xml(xml: &str) -> Vec<String> {
    let mut urls: Vec<String> = xml
        .split("<loc>")
        .skip(1)
        .filter_map(|s| s.split("</loc>").next())
        .map(str::to_owned)
        .collect();
    urls.extend(
        xml.split("href=\"")
            .skip(1)
            .filter_map(|s| s.split('"').next())
            .map(|u| u.replace("&amp;", "&")),
    );
    urls
}

enum Target {
    Internal {
        path: String,
        fragment: Option<String>,
    },
    External,
    Ignored,
}

/// Classifies a URL found in `from` (an output path).
fn classify(site: &Site, from: &str, url: &str) -> Target {
    let url = url.trim();
    if url.is_empty()
        || url.starts_with("mailto:")
        || url.starts_with("tel:")
        || url.starts_with("data:")
    {
        return Target::Ignored;
    }
    let (without_fragment, fragment) = match url.split_once('#') {
        Some((u, f)) => (u, Some(f.to_owned())),
        None => (url, None),
    };
    let without_query = without_fragment.split('?').next().unwrap_or("");
    let origin = &site.base.origin;
    let path = if without_query.is_empty() {
        // `#anchor` on the same page.
        return Target::Internal {
            path: from.to_owned(),
            fragment,
        };
    } else if !origin.is_empty() && without_query.starts_with(origin.as_str()) {
        without_query[origin.len()..].to_owned()
    } else if without_query.starts_with("//")
        || without_query.contains("://")
        || without_query.starts_with("javascript:")
    {
        return Target::External;
    } else if without_query.starts_with('/') {
        without_query.to_owned()
    } else {
        // Relative to the page's folder.
        let dir = from.rsplit_once('/').map_or("", |(d, _)| d);
        let mut parts: Vec<&str> = dir.split('/').filter(|s| !s.is_empty()).collect();
        for segment in without_query.split('/') {
            match segment {
                "." | "" => {}
                ".." => {
                    parts.pop();
                }
                s => parts.push(s),
            }
        }
        let trailing = if without_query.ends_with('/') {
            "/"
        } else {
            ""
        };
        format!("{}/{}{trailing}", site.base.path, parts.join("/"))
    };
    let Some(inside) = path.strip_prefix(&site.base.path) else {
        return Target::Internal {
            path: path.trim_start_matches('/').to_owned(),
            fragment,
        };
    };
    let inside = inside.trim_start_matches('/');
    let key = if inside.is_empty() || inside.ends_with('/') {
        format!("{inside}index.html")
    } else {
        inside.to_owned()
    };
    Target::Internal {
        path: decode(&key),
        fragment,
    }
}

/// A URL path with its `%XX` escapes decoded, or as written when they are malformed.
fn decode(text: &str) -> String {
    crate::output::percent_decode(text).unwrap_or_else(|| text.to_owned())
}

/// Where a problem in `output` should be reported: its source, at the line that holds `needle`.
fn place(
    site: &Site,
    owner: Option<OutputOwner>,
    output: &str,
    needle: &str,
    message: String,
) -> Diagnostic {
    // The source file and its text, borrowed: most reports need only one line of it.
    let source = owner.and_then(|owner| owner.source_text(site));
    let diagnostic = match source {
        Some((file, text)) => match text
            .find(needle.trim_start_matches('/'))
            .filter(|_| !needle.is_empty())
        {
            Some(offset) => {
                let (line, col) = crate::diagnostics::line_col(text, offset);
                Diagnostic::error_at(file, text, line, col, message)
            }
            None => Diagnostic::file_error(file, message),
        },
        None => Diagnostic::file_error(output, message),
    };
    diagnostic.with_note(format!("in the generated file {output}"))
}

/// Builds the site in memory and checks it.
pub fn check(options: &BuildOptions, external: bool) -> Result<CheckReport, BuildError> {
    let prepared = prepare(options)?;
    let memory = MemoryOutput::default();
    render_prepared(&prepared, options.minify, &memory)?;
    let files = memory.into_map();
    let site = &prepared.site;
    let mut ids: HashMap<&str, HashSet<String>> = HashMap::new();
    let mut urls: Vec<(&str, String)> = Vec::new();
    let mut paths: Vec<&String> = files.keys().collect();
    paths.sort();
    let mut unparsable = Vec::new();
    for path in &paths {
        let Ok(text) = std::str::from_utf8(&files[*path]) else {
            if path.ends_with(".json") {
                let owner = prepared.output_at(path).map(|(_, output)| &output.owner);
                let problem = Diagnostic::file_error(path.as_str(), "this JSON file is not UTF-8");
                unparsable.push(problem.with_help(where_to_fix(owner)));
            }
            continue;
        };
        let owner = prepared.output_at(path).map(|(_, output)| &output.owner);
        if let Some(problem) = parse_error(path, text, owner) {
            unparsable.push(problem);
        }
        if path.ends_with(".html") {
            let scanned = scan_html(text);
            ids.insert(path.as_str(), scanned.ids);
            urls.extend(scanned.urls.into_iter().map(|u| (path.as_str(), u)));
        } else if path.ends_with(".xml") {
            urls.extend(scan_xml(text).into_iter().map(|u| (path.as_str(), u)));
        }
    }
    let mut report = CheckReport {
        pages: ids.len(),
        links: 0,
        external: 0,
        problems: unparsable,
    };
    // The first place each outside URL appears, to fetch each once.
    let mut outside: std::collections::BTreeMap<String, &str> = std::collections::BTreeMap::new();
    for (from, url) in urls {
        match classify(site, from, &url) {
            Target::Ignored => {}
            Target::External => {
                report.external += 1;
                if url.starts_with("http://") || url.starts_with("https://") {
                    outside.entry(url.clone()).or_insert(from);
                }
            }
            Target::Internal { path, fragment } => {
                report.links += 1;
                let (site, owner) = source_of(&prepared, from);
                if !files.contains_key(&path) {
                    report.problems.push(place(
                        site,
                        owner,
                        from,
                        &url,
                        format!("broken link `{url}`: the site has no {path}"),
                    ));
                } else if let Some(fragment) = fragment.filter(|f| !f.is_empty()) {
                    let fragment = decode(&fragment);
                    if ids
                        .get(path.as_str())
                        .is_some_and(|set| !set.contains(&fragment))
                    {
                        report.problems.push(place(
                            site,
                            owner,
                            from,
                            &url,
                            format!("link `{url}`: {path} has no element with the id `{fragment}`"),
                        ));
                    }
                }
            }
        }
    }
    if external {
        use rayon::prelude::*;
        let agent: ureq::Agent = ureq::Agent::config_builder()
            .timeout_global(Some(std::time::Duration::from_secs(15)))
            .http_status_as_error(false)
            .build()
            .into();
        let failures: Vec<(String, &str, String)> = outside
            .par_iter()
            .filter_map(|(url, from)| {
                fetch_problem(&agent, url).map(|problem| (url.clone(), *from, problem))
            })
            .collect();
        for (url, from, problem) in failures {
            let (site, owner) = source_of(&prepared, from);
            report.problems.push(place(
                site,
                owner,
                from,
                &url,
                format!("outside link `{url}`: {problem}"),
            ));
        }
    }
    report.problems = crate::diagnostics::normalize(report.problems);
    Ok(report)
}

/// The site (of the language that writes it) and the owner of the output at `path`.
fn source_of<'p>(prepared: &'p Prepared, path: &str) -> (&'p Site, Option<OutputOwner>) {
    match prepared.output_at(path) {
        Some((site, output)) => (site, Some(output.owner)),
        None => (&prepared.site, None),
    }
}

/// The problem with an output whose name says XML or JSON, if it does not parse as that.
fn parse_error(path: &str, text: &str, owner: Option<&OutputOwner>) -> Option<Diagnostic> {
    // Both parsers end their messages with the place, which the diagnostic gives on its own.
    let (message, line, col) = if path.ends_with(".xml") {
        let error = roxmltree::Document::parse(text).err()?;
        let place = error.pos();
        let at = format!(" at {}:{}", place.row, place.col);
        let reason = error.to_string().replace(&at, "");
        let message = format!("this XML file is not well-formed: {reason}");
        (message, place.row as usize, place.col as usize)
    } else if path.ends_with(".json") {
        let error = serde_json::from_str::<serde::de::IgnoredAny>(text).err()?;
        let at = format!(" at line {} column {}", error.line(), error.column());
        let reason = error.to_string().replace(&at, "");
        let message = format!("this JSON file does not parse: {reason}");
        (message, error.line(), error.column())
    } else {
        return None;
    };
    Some(Diagnostic::error_at(path, text, line, col, message).with_help(where_to_fix(owner)))
}

/// Where to fix an output that does not parse.
fn where_to_fix(owner: Option<&OutputOwner>) -> &'static str {
    match owner {
        Some(
            OutputOwner::Static(_) | OutputOwner::Fingerprinted(_) | OutputOwner::ContentAsset(_),
        ) => "pimap copies this file as it is from `static/` or `content/`: fix it there",
        _ => "pimap wrote this file from the site: please report this as a bug in pimap",
    }
}

/// What is wrong with an outside URL, if anything: HEAD first, GET when HEAD is refused.
fn fetch_problem(agent: &ureq::Agent, url: &str) -> Option<String> {
    let status = match agent.head(url).call() {
        Ok(response) if matches!(response.status().as_u16(), 405 | 501) => {
            agent.get(url).call().map(|r| r.status().as_u16())
        }
        Ok(response) => Ok(response.status().as_u16()),
        Err(e) => Err(e),
    };
    match status {
        Ok(code) if code < 400 => None,
        Ok(code) => Some(format!("the server answered {code}")),
        Err(e) => Some(format!("cannot be fetched: {e}")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_quoted_unquoted_and_skips_scripts() {
        let scanned = scan_html(
            "<a href=/x/ id=top>x</a><img src='a.png'><script>var s = \"<a href=/no/>\";</script><!-- <a href=/gone/> --><p id=\"end\">",
        );
        assert_eq!(scanned.urls, vec!["/x/", "a.png"]);
        assert!(scanned.ids.contains("top") && scanned.ids.contains("end"));
    }

    #[test]
    fn many_scripts_are_scanned_in_linear_time() {
        let html = "<script>x</script><a href=/a/>".repeat(20_000);
        let started = std::time::Instant::now();
        assert_eq!(scan_html(&html).urls.len(), 20_000);
        assert!(
            started.elapsed() < std::time::Duration::from_secs(2),
            "{:?}",
            started.elapsed()
        );
    }

    #[test]
    fn reads_sitemap_and_feed_urls() {
        assert_eq!(
            scan_xml("<url><loc>https://e.org/a/</loc></url><link href=\"https://e.org/b/\"/>"),
            vec!["https://e.org/a/", "https://e.org/b/"]
        );
    }
}

#[cfg(test)]
mod external_tests {
    use super::fetch_problem;

    #[test]
    fn outside_links_are_fetched_and_errors_reported() {
        let server = tiny_http::Server::http("127.0.0.1:0").unwrap();
        let port = server.server_addr().to_ip().unwrap().port();
        let answering = std::thread::spawn(move || {
            for _ in 0..2 {
                let request = server.recv().unwrap();
                let status = if request.url() == "/ok" { 200 } else { 404 };
                request.respond(tiny_http::Response::empty(status)).unwrap();
            }
        });
        let agent: ureq::Agent = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .build()
            .into();
        assert_eq!(
            fetch_problem(&agent, &format!("http://127.0.0.1:{port}/ok")),
            None
        );
        assert_eq!(
            fetch_problem(&agent, &format!("http://127.0.0.1:{port}/gone")).as_deref(),
            Some("the server answered 404")
        );
        answering.join().unwrap();
        assert!(
            fetch_problem(&agent, "http://127.0.0.1:1/")
                .unwrap()
                .starts_with("cannot be fetched")
        );
    }
}
