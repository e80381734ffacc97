//! Files for publishing, generated without templates: `sitemap.xml` (with `lastmod` from content
//! dates), `robots.txt` pointing at it, and an Atom feed for each section that asks for one
//! (`feed: true` in its `_index.md`). XML text is escaped, and characters that XML 1.0 forbids
//! are left out, so that a control character pasted into a title cannot make a feed unreadable.
//! Nothing depends on the clock.

use crate::markdown::escape;
use crate::plan::{OutputOwner, OutputPlan, PlannedOutput};
use crate::site::Site;
use crate::source::dates::Date;
use std::fmt::Write;

/// Text for XML content and attribute values: escaped, without the characters XML 1.0 forbids
/// (controls other than tab, line feed and carriage return; U+FFFE and U+FFFF). A vertical tab
/// or form feed, which word processors write for a line break, becomes a space.
fn xml_text(text: &str) -> String {
    let allowed: String = text
        .chars()
        .filter_map(|c| match c {
            '\t' | '\n' | '\r' => Some(c),
            '\u{b}' | '\u{c}' => Some(' '),
            '\0'..='\u{1f}' | '\u{fffe}' | '\u{ffff}' => None,
            c => Some(c),
        })
        .collect();
    escape(&allowed)
}

/// `2019-06-24` -> `2019-06-24T00:00:00Z`; date-times pass through. A month, a year or a range
/// stands for its first day.
fn rfc3339(date: &Date) -> String {
    let (year, month, day) = date.ymd();
    let Some(time) = date.time() else {
        return format!("{year:04}-{month:02}-{day:02}T00:00:00Z");
    };
    // A time as written may leave out the seconds and the zone; RFC 3339 needs both (a time
    // without a zone is taken as UTC).
    let (clock, zone) = match time.find(['Z', '+', '-']) {
        Some(at) => time.split_at(at),
        None => (time, "Z"),
    };
    let clock = if clock.len() == 5 {
        format!("{clock}:00")
    } else {
        clock.to_owned()
    };
    format!("{year:04}-{month:02}-{day:02}T{clock}{zone}")
}

/// The date to show as a page's last change.
fn page_date(site: &Site, page: usize) -> Option<&Date> {
    let front = &site.pages[page].front;
    front.updated.as_ref().or(front.date.as_ref())
}

fn section_date(site: &Site, section: usize) -> Option<&Date> {
    site.sections[section]
        .pages
        .iter()
        .filter_map(|&p| page_date(site, p))
        .max()
}

/// The sitemap: every HTML page but the 404 page and redirects.
/// The sitemap of one language: its pages written in that language (a page shown with the
/// default language's text is the original's, listed there), each with its versions in the
/// other languages as `xhtml:link` alternates when the site has several.
pub fn sitemap(site: &Site, plan: &OutputPlan) -> String {
    let multilingual = site.alternates.is_multilingual();
    let mut xml = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\"",
    );
    if multilingual {
        xml.push_str(" xmlns:xhtml=\"http://www.w3.org/1999/xhtml\"");
    }
    xml.push_str(">\n");
    let mut entries: Vec<(String, Option<String>, String)> = Vec::new();
    for output in &plan.outputs {
        let date = match output.owner {
            OutputOwner::Page(i) => page_date(site, i),
            OutputOwner::Section(i) => section_date(site, i),
            OutputOwner::Taxonomy(_)
            | OutputOwner::Term(..)
            | OutputOwner::EntityList(_)
            | OutputOwner::Entity(..)
            | OutputOwner::FacetIndex(_)
            | OutputOwner::Facet(..)
            | OutputOwner::ListPage(..) => None,
            _ => continue,
        };
        if !crate::plan::languages::is_translated(site, output.owner) {
            continue;
        }
        let alternates = if multilingual {
            alternate_links(site, output)
        } else {
            String::new()
        };
        entries.push((
            site.permalink(&output.url),
            date.map(|d| d.start_str().get(..10).unwrap_or(d.start_str()).to_owned()),
            alternates,
        ));
    }
    entries.sort();
    for (url, lastmod, alternates) in entries {
        let _ = write!(xml, "  <url><loc>{}</loc>", xml_text(&url));
        if let Some(lastmod) = lastmod {
            let _ = write!(xml, "<lastmod>{lastmod}</lastmod>");
        }
        xml.push_str(&alternates);
        xml.push_str("</url>\n");
    }
    xml.push_str("</urlset>\n");
    xml
}

/// The `xhtml:link` alternates of an output: its translated versions, and `x-default`.
fn alternate_links(site: &Site, output: &PlannedOutput) -> String {
    let versions = site.alternates.versions(site, output);
    let mut links = String::new();
    for version in versions.iter().filter(|v| v.translated) {
        let _ = write!(
            links,
            "<xhtml:link rel=\"alternate\" hreflang=\"{}\" href=\"{}\"/>",
            xml_text(&version.code),
            xml_text(&version.permalink)
        );
    }
    if let Some(default) = versions
        .iter()
        .find(|v| v.code == site.language.default_code)
    {
        let _ = write!(
            links,
            "<xhtml:link rel=\"alternate\" hreflang=\"x-default\" href=\"{}\"/>",
            xml_text(&default.permalink)
        );
    }
    links
}

/// `robots.txt`: everything allowed, and the sitemap of every language.
pub fn robots(site: &Site, plan: &OutputPlan) -> String {
    let mut text = String::from("User-agent: *\nAllow: /\n\n");
    if let Some(sitemap) = plan.of(OutputOwner::Sitemap) {
        let versions = site.alternates.versions(site, sitemap);
        if versions.is_empty() {
            let _ = writeln!(text, "Sitemap: {}", site.permalink(&sitemap.url));
        }
        for version in versions {
            let _ = writeln!(text, "Sitemap: {}", version.permalink);
        }
    } else {
        text.push_str("Sitemap: \n");
    }
    text
}

/// The Atom feed of a section, at `url`: its pages, newest first, at most 20.
pub fn feed(
    site: &Site,
    section: usize,
    url: &str,
    content_of: &dyn Fn(usize) -> Option<String>,
) -> String {
    let s = &site.sections[section];
    let self_url = site.permalink(url);
    let updated =
        section_date(site, section).map_or_else(|| "1970-01-01T00:00:00Z".to_owned(), rfc3339);
    let mut xml = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<feed xmlns=\"http://www.w3.org/2005/Atom\" xml:lang=\"{}\">\n  <title>{} · {}</title>\n  <id>{}</id>\n  <link rel=\"self\" type=\"application/atom+xml\" href=\"{}\"/>\n  <link rel=\"alternate\" type=\"text/html\" href=\"{}\"/>\n  <updated>{updated}</updated>\n  <author><name>{}</name></author>\n  <generator>pimap</generator>\n",
        xml_text(&site.config.language),
        xml_text(&s.front.title),
        xml_text(&site.config.title),
        xml_text(&site.permalink(&s.url)),
        xml_text(&self_url),
        xml_text(&site.permalink(&s.url)),
        xml_text(&site.config.title),
    );
    for &page in s
        .pages
        .iter()
        .filter(|&&p| site.pages[p].front.date.is_some())
        .take(20)
    {
        let p = &site.pages[page];
        let permalink = site.permalink(&p.url);
        let published = p.front.date.as_ref().map(rfc3339).unwrap_or_default();
        let updated = page_date(site, page)
            .map(rfc3339)
            .unwrap_or_else(|| published.clone());
        let _ = write!(
            xml,
            "  <entry>\n    <title>{}</title>\n    <id>{}</id>\n    <link rel=\"alternate\" type=\"text/html\" href=\"{}\"/>\n    <published>{published}</published>\n    <updated>{updated}</updated>\n",
            xml_text(&p.front.title),
            xml_text(&permalink),
            xml_text(&permalink)
        );
        if let Some(summary) = p.front.description.as_ref().or(p.front.summary.as_ref()) {
            let _ = writeln!(xml, "    <summary>{}</summary>", xml_text(summary));
        }
        if let Some(html) = content_of(page) {
            let _ = writeln!(
                xml,
                "    <content type=\"html\">{}</content>",
                xml_text(&html)
            );
        }
        xml.push_str("  </entry>\n");
    }
    xml.push_str("</feed>\n");
    xml
}

/// The oEmbed description of an embed (`type: rich`), for tools that turn a link into an embed.
pub fn oembed(site: &Site, embed: crate::plan::Embed) -> String {
    let g = &site.graph;
    let (title, value) = match embed {
        crate::plan::Embed::Sme(i) => (
            g.entities.smes[i].record.name.clone(),
            format!("smes/{}", g.entities.smes[i].id),
        ),
        crate::plan::Embed::ClusterSmes(p, _) => (
            format!("SMEs of {}", g.entities.partners[p].record.name),
            format!("partners/{}/smes", g.entities.partners[p].id),
        ),
    };
    let root = site.permalink(&format!("{}/", site.base.path));
    let html = format!(
        "<div data-pimap-embed=\"{value}\"></div><script src=\"{root}embed.js\" async></script>"
    );
    serde_json::json!({
        "version": "1.0",
        "type": "rich",
        "title": title,
        "provider_name": site.config.title,
        "provider_url": root,
        "html": html,
        "width": 640,
        "height": 480,
    })
    .to_string()
}

pub(super) fn absolute(site: &Site, dir: &str) -> String {
    site.permalink(&format!("{}/{dir}/", site.base.path))
}

/// One entry of the search index (fields in the order of their names, as the file has them).
#[derive(serde::Serialize)]
struct SearchEntry<'a> {
    kind: &'static str,
    text: String,
    title: &'a str,
    url: String,
}

#[derive(serde::Serialize)]
struct SearchIndex<'a> {
    entries: Vec<SearchEntry<'a>>,
    version: u8,
}

/// The search index: one entry per page and entity, with the words a visitor may type.
pub fn search_index<'a>(site: &'a Site) -> String {
    let g = &site.graph;
    let mut entries: Vec<SearchEntry> = Vec::new();
    let entry = |title: &'a str, url: String, kind: &'static str, text: String| SearchEntry {
        kind,
        text,
        title,
        url,
    };
    for page in &site.pages {
        let kind = if page.front.date.is_some() {
            "News"
        } else {
            "Page"
        };
        let mut text = vec![
            page.front.description.clone().unwrap_or_default(),
            page.front.summary.clone().unwrap_or_default(),
        ];
        text.extend(page.front.taxonomies.values().flatten().cloned());
        entries.push(entry(
            &page.front.title,
            page.url.clone(),
            kind,
            text.join(" ").trim().to_owned(),
        ));
    }
    let url = |kind: crate::site::EntityKind, i: usize| {
        format!("{}/{}/", site.base.path, g.output_dir(kind, i))
    };
    // Facet names as the page's language writes them (`data/labels.<code>.yaml`).
    let labels = |facet: &str, names: &[String]| {
        let translated: Vec<&str> = names
            .iter()
            .map(|name| site.language.label(facet, name))
            .collect();
        translated.join(" ")
    };
    for (i, p) in g.entities.partners.iter().enumerate() {
        let r = &p.record;
        let text = format!(
            "{} {} {} {} {}",
            r.summary,
            r.city,
            r.region.clone().unwrap_or_default(),
            r.country.name(),
            labels("sectors", &r.sectors)
        );
        entries.push(entry(
            &r.name,
            url(crate::site::EntityKind::Partner, i),
            "Partner",
            text,
        ));
    }
    for (i, s) in g.entities.smes.iter().enumerate() {
        let r = &s.record;
        let markets: Vec<&str> = r
            .target_markets
            .iter()
            .map(|c| site.language.label("markets", c.name()))
            .collect();
        let text = format!(
            "{} {} {} {} {} {}",
            labels("technologies", &r.technologies),
            labels("sectors", &r.sectors),
            r.city,
            r.country.name(),
            markets.join(" "),
            r.looking_for.join(" ")
        );
        entries.push(entry(
            &r.name,
            url(crate::site::EntityKind::Sme, i),
            "SME",
            text,
        ));
    }
    for (i, m) in g.entities.missions.iter().enumerate() {
        let r = &m.record;
        entries.push(entry(
            &r.title,
            url(crate::site::EntityKind::Mission, i),
            "Mission",
            format!("{} {} {}", r.summary, r.city, r.country.name()),
        ));
    }
    for (i, p) in g.entities.practices.iter().enumerate() {
        let r = &p.record;
        entries.push(entry(
            &r.title,
            url(crate::site::EntityKind::Practice, i),
            "Best practice",
            format!("{} {}", r.theme, r.summary),
        ));
    }
    serde_json::to_string(&SearchIndex {
        entries,
        version: 1,
    })
    .unwrap_or_default()
}

/// `_headers` (read by Netlify, Cloudflare Pages and others): fingerprinted files never change,
/// so browsers may keep them for a year; `embed.js` keeps its name and is revalidated. Each rule
/// is a path on a line of its own, so a path with a control character (a line break in a file
/// name would start a header line of its own) gets no rule.
pub fn headers(site: &Site, plan: &OutputPlan) -> String {
    const IMMUTABLE: &str = "public, max-age=31536000, immutable";
    let mut rules: Vec<(String, &str)> = plan
        .outputs
        .iter()
        .filter(|output| matches!(output.owner, OutputOwner::Fingerprinted(_)))
        .map(|output| (output.url.clone(), IMMUTABLE))
        .collect();
    rules.sort();
    if site.static_files.iter().any(|f| f.rel == "embed.js") {
        rules.push((
            format!("{}/embed.js", site.base.path),
            "public, max-age=3600",
        ));
    }
    let mut text = String::from(
        "# Written by pimap. Files whose names carry a hash of their bytes never change.\n",
    );
    for (path, cache_control) in rules {
        if !path.contains(char::is_control) {
            let _ = write!(text, "{path}\n  Cache-Control: {cache_control}\n");
        }
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The search index of the PIMAP site is compact JSON with its keys sorted, one entry per
    /// page and entity.
    #[test]
    fn the_search_index_is_compact_json_with_sorted_keys() {
        let root = env!("CARGO_MANIFEST_DIR");
        let prepared = crate::prepare(&crate::BuildOptions::new(root)).unwrap();
        let text = search_index(&prepared.site);
        let value: serde_json::Value = serde_json::from_str(&text).unwrap();
        assert_eq!(text, value.to_string());
        let g = &prepared.site.graph;
        let entities: usize = crate::site::EntityKind::ALL
            .iter()
            .map(|&k| g.count(k))
            .sum();
        assert_eq!(
            value["entries"].as_array().map(Vec::len),
            Some(prepared.site.pages.len() + entities)
        );
        assert_eq!(value["version"], 1);
    }

    #[test]
    fn xml_text_is_escaped_and_keeps_only_characters_xml_allows() {
        assert_eq!(
            xml_text("a<b> & \"c\"\u{b}d\u{c}e\u{1}\u{0}f\tg\u{fffe}\u{ffff}h é"),
            "a&lt;b&gt; &amp; &quot;c&quot; d ef\tgh é"
        );
    }

    #[test]
    fn dates_become_rfc3339() {
        assert_eq!(
            rfc3339(&Date::parse("2019-06-24").unwrap()),
            "2019-06-24T00:00:00Z"
        );
        assert_eq!(
            rfc3339(&Date::parse("2019-06-24T09:30:00Z").unwrap()),
            "2019-06-24T09:30:00Z"
        );
        for (text, first_day) in [
            ("2019-06-24T09:30", "2019-06-24T09:30:00Z"),
            ("2019-06-24 09:30+02:00", "2019-06-24T09:30:00+02:00"),
            ("2019-06-24T09:30:15.5Z", "2019-06-24T09:30:15.5Z"),
            ("2018-05", "2018-05-01T00:00:00Z"),
            ("2019", "2019-01-01T00:00:00Z"),
            ("2019-06-24/2019-06-27", "2019-06-24T00:00:00Z"),
        ] {
            assert_eq!(rfc3339(&Date::parse(text).unwrap()), first_day);
        }
    }
}
