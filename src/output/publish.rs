//! Files for publishing, generated without templates: `sitemap.xml` (with `lastmod` from content
//! dates), `robots.txt` pointing at it, and an Atom feed for each section that asks for one
//! (`feed: true` in its `_index.md`). XML text is escaped; nothing depends on the clock.

use crate::markdown::escape;
use crate::site::{OutputOwner, Site};
use crate::source::content::Date;
use std::fmt::Write;

/// `2019-06-24` -> `2019-06-24T00:00:00Z`; date-times pass through.
fn rfc3339(date: &Date) -> String {
    let text = date.as_str();
    if text.len() == 10 {
        format!("{text}T00:00:00Z")
    } else {
        text.replacen(' ', "T", 1)
    }
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
pub fn sitemap(site: &Site, outputs: &[(String, OutputOwner)]) -> String {
    let mut xml = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n",
    );
    let mut entries: Vec<(String, Option<String>)> = Vec::new();
    for (path, owner) in outputs {
        let (url, date) = match *owner {
            OutputOwner::Page(i) => (site.pages[i].url.clone(), page_date(site, i)),
            OutputOwner::Section(i) => (site.sections[i].url.clone(), section_date(site, i)),
            OutputOwner::Taxonomy(_)
            | OutputOwner::Term(..)
            | OutputOwner::EntityList(_)
            | OutputOwner::Entity(..)
            | OutputOwner::FacetIndex(_)
            | OutputOwner::Facet(..) => (
                format!("{}/{}", site.base.path, path.trim_end_matches("index.html")),
                None,
            ),
            _ => continue,
        };
        entries.push((
            site.permalink(&url),
            date.map(|d| d.as_str()[..10].to_owned()),
        ));
    }
    entries.sort();
    for (url, lastmod) in entries {
        let _ = write!(xml, "  <url><loc>{}</loc>", escape(&url));
        if let Some(lastmod) = lastmod {
            let _ = write!(xml, "<lastmod>{lastmod}</lastmod>");
        }
        xml.push_str("</url>\n");
    }
    xml.push_str("</urlset>\n");
    xml
}

pub fn robots(site: &Site) -> String {
    let sitemap = site.permalink(&format!("{}/sitemap.xml", site.base.path));
    format!("User-agent: *\nAllow: /\n\nSitemap: {sitemap}\n")
}

/// The Atom feed of a section: its pages, newest first, at most 20.
pub fn feed(site: &Site, section: usize, content_of: &dyn Fn(usize) -> Option<String>) -> String {
    let s = &site.sections[section];
    let self_url = site.permalink(&format!("{}atom.xml", s.url));
    let updated =
        section_date(site, section).map_or_else(|| "1970-01-01T00:00:00Z".to_owned(), rfc3339);
    let mut xml = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<feed xmlns=\"http://www.w3.org/2005/Atom\" xml:lang=\"{}\">\n  <title>{} · {}</title>\n  <id>{}</id>\n  <link rel=\"self\" type=\"application/atom+xml\" href=\"{}\"/>\n  <link rel=\"alternate\" type=\"text/html\" href=\"{}\"/>\n  <updated>{updated}</updated>\n  <author><name>{}</name></author>\n  <generator>pimap</generator>\n",
        escape(&site.config.language),
        escape(&s.front.title),
        escape(&site.config.title),
        escape(&site.permalink(&s.url)),
        escape(&self_url),
        escape(&site.permalink(&s.url)),
        escape(&site.config.title),
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
            escape(&p.front.title),
            escape(&permalink),
            escape(&permalink)
        );
        if let Some(summary) = p.front.description.as_ref().or(p.front.summary.as_ref()) {
            let _ = writeln!(xml, "    <summary>{}</summary>", escape(summary));
        }
        if let Some(html) = content_of(page) {
            let _ = writeln!(
                xml,
                "    <content type=\"html\">{}</content>",
                escape(&html)
            );
        }
        xml.push_str("  </entry>\n");
    }
    xml.push_str("</feed>\n");
    xml
}

/// The path of a section's feed.
pub fn feed_path(site: &Site, section: usize) -> String {
    let dir = &site.sections[section].output_dir;
    if dir.is_empty() {
        "atom.xml".to_owned()
    } else {
        format!("{dir}/atom.xml")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
    }
}
