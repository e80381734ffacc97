//! The same Markdown in another language's site: its links lead to that language's pages.
//!
//! A page without a translation shows the default language's text in every language, and only
//! the URLs its links resolve to differ (`@/about.md` is `/about/` in English, `/fr/about/` in
//! French). So that such text is rendered once, not once per language, the pipeline writes
//! every URL it resolves as a numbered placeholder (tagged with a hash of the text), then fills
//! the placeholders and remembers where each URL went and by which name it was written
//! ([`Links`]). [`relink`] then makes the HTML of another language by putting that language's
//! URLs in the same places. Text whose HTML holds anything like a placeholder that the pipeline
//! did not write (an author can write one) is rendered again with its URLs as they are, and is
//! not shared. The Markdown of data is
//! shared the same way ([`super::untrusted`]), its URLs written as its sanitiser writes them.

use super::LinkTargets;
use super::untrusted::EntityLinks;
use pulldown_cmark::CowStr;
use std::ops::Range;

/// What a placeholder starts and ends with, as pulldown-cmark writes them in an `href` or `src`
/// (percent-encoded private-use characters U+E000 and U+E001).
const OPEN: char = '\u{E000}';
const CLOSE: char = '\u{E001}';
const OPEN_WRITTEN: &str = "%EE%80%80";
const CLOSE_WRITTEN: &str = "%EE%80%81";

/// How a resolved link was written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LinkKind {
    /// A content file, by its path inside `content/`.
    Content,
    /// An entity page, by `smes/<id>`.
    Entity,
    /// A file copied from `content/`, by its path inside `content/`.
    Asset,
    /// A path on this site (`/smes/x/`), moved under the language's base path.
    SitePath,
}

/// A resolved link, by the name it was written with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LinkKey {
    pub kind: LinkKind,
    pub name: String,
    /// The `#anchor` written after it, added to the URL.
    pub anchor: Option<String>,
}

impl LinkKey {
    /// The URL this link has in the site `targets` describe; `None` if that site has no such
    /// file.
    fn url_in(&self, targets: &LinkTargets) -> Option<String> {
        let mut url = match self.kind {
            LinkKind::Content => targets.content.get(&self.name)?.clone(),
            LinkKind::Entity => targets.entities.get(&self.name)?.clone(),
            LinkKind::Asset => targets.assets.get(&self.name)?.clone(),
            LinkKind::SitePath => format!("{}{}", targets.base_path, self.name),
        };
        if let Some(anchor) = &self.anchor {
            url.push('#');
            url.push_str(anchor);
        }
        Some(url)
    }
}

/// Where a URL is in HTML, and the index of its link.
pub(super) type Placed = (Range<usize>, usize);

/// Where the resolved links of rendered Markdown are: each key, and the byte ranges its URL
/// fills in the HTML and in the summary.
#[derive(Debug, Clone, Default)]
pub struct Links {
    pub keys: Vec<LinkKey>,
    pub in_html: Vec<(Range<usize>, usize)>,
    pub in_summary: Vec<(Range<usize>, usize)>,
}

/// Collects the URLs resolved while rendering one text.
#[derive(Debug, Default)]
pub(super) struct Placeholders {
    /// `false` for a text that holds what a placeholder looks like: its URLs are written as
    /// they are, and the text is rendered again in each language.
    enabled: bool,
    /// Written in each placeholder before its number: a hash of the text, which the text
    /// cannot hold (it would have to hold its own hash), so that nothing the text becomes
    /// once sanitised (`&#37;` decoded to `%`) passes for a placeholder.
    tag: String,
    keys: Vec<LinkKey>,
    urls: Vec<String>,
}

impl Placeholders {
    pub(super) fn for_text(text: &str) -> Placeholders {
        let enabled = !text.contains([OPEN, CLOSE]) && !text.contains("%EE%80%8");
        let tag = match enabled {
            true => format!("{:016x}.", xxhash_rust::xxh3::xxh3_64(text.as_bytes())),
            false => String::new(),
        };
        Placeholders {
            enabled,
            tag,
            ..Placeholders::default()
        }
    }

    /// What the pipeline writes for the link `key`, whose URL here is `url`.
    pub(super) fn place<'a>(&mut self, key: LinkKey, url: String) -> CowStr<'a> {
        if !self.enabled {
            return url.into();
        }
        let placeholder = format!("{OPEN}{}{}{CLOSE}", self.tag, self.keys.len());
        self.keys.push(key);
        self.urls.push(url);
        placeholder.into()
    }

    /// Fills the placeholders of `html` with their URLs and returns the HTML (holding no more
    /// memory than it needs), with where each URL went. `None` when `html` holds anything that
    /// looks like a placeholder but is not one of the pipeline's (an author may write one, as
    /// `&#xE000;0&#xE001;` in a link or `&#x25;EE%80%800&#x25;EE%80%81` in text): its
    /// placeholders must carry the text's tag and be numbered `0`, `1`, `2`... in order, every
    /// link's when `whole` (the full HTML, not the summary). The text must then be rendered without placeholders.
    pub(super) fn fill(&self, html: &str, whole: bool) -> Option<(String, Vec<Placed>)> {
        self.fill_written(html, whole, write_href)
    }

    /// [`Placeholders::fill`], each URL written by `write` (as the HTML around it writes an
    /// `href`).
    pub(super) fn fill_written(
        &self,
        html: &str,
        whole: bool,
        write: WriteUrl,
    ) -> Option<(String, Vec<Placed>)> {
        let mut placeholders = Vec::new();
        if self.enabled {
            let mut from = 0;
            while let Some(start) = html[from..].find(OPEN_WRITTEN).map(|i| from + i) {
                let digits = start + OPEN_WRITTEN.len();
                let close = html[digits..].find(CLOSE_WRITTEN).map(|i| digits + i)?;
                let index = placeholders.len();
                let written = html[digits..close].strip_prefix(self.tag.as_str());
                if index >= self.urls.len() || written != Some(index.to_string().as_str()) {
                    return None;
                }
                from = close + CLOSE_WRITTEN.len();
                placeholders.push((start..from, index));
            }
            let every_link = !whole || placeholders.len() == self.urls.len();
            if !every_link || html.matches(CLOSE_WRITTEN).count() != placeholders.len() {
                return None;
            }
        }
        splice(html, &placeholders, &self.urls, write)
    }

    /// The keys, and where they went in the HTML and the summary; `None` when disabled.
    pub(super) fn into_links(
        self,
        in_html: Vec<(Range<usize>, usize)>,
        in_summary: Vec<(Range<usize>, usize)>,
    ) -> Option<Links> {
        self.enabled.then_some(Links {
            keys: self.keys,
            in_html,
            in_summary,
        })
    }
}

/// How a URL is written into an `href` of the HTML it goes into.
pub(super) type WriteUrl = fn(&mut String, &str);

/// Writes `url` as pulldown-cmark writes an `href`.
pub fn write_href(out: &mut String, url: &str) {
    // Writing to a String cannot fail.
    let _ = pulldown_cmark_escape::escape_href(out, url);
}

/// `text` with `urls`, each written by `write`, in the places `spans`, holding no more memory
/// than it needs, and the places they now have; `None` if the places are not in order inside
/// `text`, or a URL is missing.
fn splice(
    text: &str,
    spans: &[(Range<usize>, usize)],
    urls: &[String],
    write: WriteUrl,
) -> Option<(String, Vec<Placed>)> {
    let written = spans
        .iter()
        .map(|(_, index)| {
            let mut href = String::new();
            write(&mut href, urls.get(*index)?);
            Some(href)
        })
        .collect::<Option<Vec<String>>>()?;
    let replaced: usize = spans.iter().map(|(range, _)| range.len()).sum();
    let added: usize = written.iter().map(String::len).sum();
    let mut out = String::with_capacity(text.len().saturating_sub(replaced) + added);
    let mut placed = Vec::with_capacity(spans.len());
    let mut last = 0;
    for ((range, index), href) in spans.iter().zip(&written) {
        out.push_str(text.get(last..range.start)?);
        text.get(range.clone())?;
        placed.push((out.len()..out.len() + href.len(), *index));
        out.push_str(href);
        last = range.end;
    }
    out.push_str(text.get(last..)?);
    Some((out, placed))
}

/// Whether [`relink`] can make the HTML of `rendered` for the site `targets` describe.
pub fn can_relink(rendered: &super::RenderedMarkdown, targets: &LinkTargets) -> bool {
    rendered
        .links
        .as_ref()
        .is_some_and(|links| links.keys.iter().all(|key| key.url_in(targets).is_some()))
}

/// The HTML and summary of `rendered` with its links resolved in the site `targets` describe:
/// what rendering the same text for that site makes. `None` when the text cannot be relinked
/// (or a link leads nowhere there, or its places are not in its HTML): it must be rendered for
/// that site.
pub fn relink(
    rendered: &super::RenderedMarkdown,
    targets: &LinkTargets,
) -> Option<(String, Option<String>)> {
    let links = rendered.links.as_ref()?;
    let urls = links
        .keys
        .iter()
        .map(|key| key.url_in(targets))
        .collect::<Option<Vec<String>>>()?;
    let (html, _) = splice(&rendered.html, &links.in_html, &urls, write_href)?;
    let summary = match rendered.summary.as_deref() {
        Some(summary) => Some(splice(summary, &links.in_summary, &urls, write_href)?.0),
        None => None,
    };
    Some((html, summary))
}

/// The HTML of data text shown in another language than the one it was rendered in: `html`,
/// whose links are at `placed`, with their URLs in the pages of the language `links` are for.
/// `None` when a link leads nowhere there or its place is not in `html`: the text must be
/// rendered for that language.
pub fn relink_untrusted(html: &str, placed: &Links, links: &EntityLinks) -> Option<String> {
    let urls = (placed.keys.iter())
        .map(|key| url_in_language(key, links))
        .collect::<Option<Vec<String>>>()?;
    Some(splice(html, &placed.in_html, &urls, write_sanitised_href)?.0)
}

/// The URL the link `key` of data text has in the pages of the language `links` are for.
fn url_in_language(key: &LinkKey, links: &EntityLinks) -> Option<String> {
    let mut url = match key.kind {
        LinkKind::Entity => links.urls.get(&key.name)?.clone(),
        LinkKind::SitePath => format!("{}{}", links.base_path, key.name),
        LinkKind::Content | LinkKind::Asset => return None,
    };
    if let Some(anchor) = &key.anchor {
        url.push('#');
        url.push_str(anchor);
    }
    Some(url)
}

/// Writes `url` as the sanitiser writes the `href` pulldown-cmark wrote for it: the same, but
/// for `'`, which it does not escape.
pub(super) fn write_sanitised_href(out: &mut String, url: &str) {
    let mut href = String::new();
    write_href(&mut href, url);
    out.push_str(&href.replace("&#x27;", "'"));
}
#[cfg(test)]
mod tests {
    use super::super::data_images::DataPictures;
    use super::super::untrusted::{UntrustedHtml, render_untrusted};
    use super::*;
    use std::collections::{HashMap, HashSet};

    fn map(pairs: &[(&str, &str)]) -> HashMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect()
    }

    fn render_for(body: &str, prefix: &str) -> super::super::RenderedMarkdown {
        let text = format!("---\ntitle: t\n---\n{body}");
        let Ok(source) = crate::source::content::split(
            "news/x.md".into(),
            "content/news/x.md".into(),
            text.into_bytes(),
        ) else {
            panic!("the test page has front matter");
        };
        let content = map(&[("about.md", &format!("{prefix}/about/"))]);
        let assets = map(&[("news/plan.pdf", &format!("{prefix}/news/plan.pdf"))]);
        let entities = map(&[("smes/lumen", &format!("{prefix}/smes/lumen/"))]);
        super::super::render(
            &source,
            &LinkTargets {
                content: &content,
                assets: &assets,
                entities: &entities,
                unresolved_entities: &HashSet::new(),
                pictures: &HashMap::new(),
                failed: &HashSet::new(),
                base_path: prefix,
            },
        )
    }

    const BODY: &str = "See [about](@/about.md#team) and [Lumen](@/smes/lumen).\n\n<!-- more -->\n\n\
        [plan](plan.pdf), [a page](/smes/?q=a&b=\"c\"), [away](https://example.org/), \
        [à propos](../about.md).\n";

    #[test]
    fn relinked_html_is_the_html_rendered_for_the_other_site() {
        let english = render_for(BODY, "");
        let french = render_for(BODY, "/fr");
        assert_eq!(english.links.as_ref().map(|l| l.keys.len()), Some(5));
        let targets_fr = (
            map(&[("about.md", "/fr/about/")]),
            map(&[("news/plan.pdf", "/fr/news/plan.pdf")]),
            map(&[("smes/lumen", "/fr/smes/lumen/")]),
        );
        let relinked = relink(
            &english,
            &LinkTargets {
                content: &targets_fr.0,
                assets: &targets_fr.1,
                entities: &targets_fr.2,
                unresolved_entities: &HashSet::new(),
                pictures: &HashMap::new(),
                failed: &HashSet::new(),
                base_path: "/fr",
            },
        );
        assert_eq!(
            relinked,
            Some((french.html.clone(), french.summary.clone()))
        );
        assert!(
            french.html.contains("href=\"/fr/about/#team\""),
            "{}",
            french.html
        );
        assert!(!english.html.contains(OPEN_WRITTEN));
    }

    #[test]
    fn placeholders_written_by_authors_are_never_filled() {
        for body in [
            "[x](https://example.org/&#xE000;0&#xE001;) and [about](@/about.md)\n",
            "[about](@/about.md) and [x](https://example.org/&#xE000;0&#xE001;)\n",
            "[about](@/about.md) &#x25;EE%80%800&#x25;EE%80%81\n",
            "&#x25;EE%80%800&#x25;EE%80%81 [about](@/about.md)\n",
            "[about](@/about.md) &#x25;EE%80%80+0&#x25;EE%80%81\n",
            "[about](@/about.md) &#x25;EE%80%801&#x25;EE%80%81\n",
        ] {
            let english = render_for(body, "");
            assert!(english.links.is_none(), "{body}");
            assert_eq!(english.html.matches("/about/").count(), 1, "{body}");
            assert!(
                english.html.contains("%EE%80%8"),
                "{body}: {}",
                english.html
            );
        }
    }

    #[test]
    fn links_placed_outside_the_text_are_not_spliced() {
        let english = render_for(BODY, "");
        let mut broken = english.clone();
        if let Some(links) = broken.links.as_mut() {
            links.in_html[0].0 = 0..english.html.len() + 1;
        }
        let targets = map(&[("about.md", "/about/")]);
        let empty = HashMap::new();
        let assets = map(&[("news/plan.pdf", "/news/plan.pdf")]);
        let entities = map(&[("smes/lumen", "/smes/lumen/")]);
        let targets = LinkTargets {
            content: &targets,
            assets: &assets,
            entities: &entities,
            unresolved_entities: &HashSet::new(),
            pictures: &empty,
            failed: &HashSet::new(),
            base_path: "",
        };
        assert!(relink(&english, &targets).is_some());
        assert_eq!(relink(&broken, &targets), None);
    }

    #[test]
    fn text_that_looks_like_a_placeholder_is_rendered_again() {
        let english = render_for("[odd](/a%EE%80%800%EE%80%81) and [about](@/about.md)\n", "");
        assert!(english.links.is_none());
        assert!(
            english.html.contains("/a%EE%80%800%EE%80%81"),
            "{}",
            english.html
        );
        assert!(
            english.html.contains("href=\"/about/\""),
            "{}",
            english.html
        );
    }

    /// Renders `text` for the SME `lumen`'s page of a site at `/sub` in the language whose
    /// folder is `language` (`/fr`, or empty).
    fn render_in(text: &str, language: &str) -> UntrustedHtml {
        let urls = HashMap::from([(
            "smes/lumen".to_owned(),
            format!("/sub{language}/smes/lumen/"),
        )]);
        let unresolved = HashSet::from(["smes/broken".to_owned()]);
        let links = EntityLinks {
            urls: &urls,
            unresolved: &unresolved,
            base_path: &format!("/sub{language}"),
            pictures: &DataPictures::new(),
        };
        let page = format!("/sub{language}/smes/lumen/");
        render_untrusted(text, &links, &page, "data/smes/media/").unwrap()
    }

    /// The HTML of `rendered` relinked to the language whose folder is `language`.
    fn relink_to(rendered: &UntrustedHtml, language: &str) -> Option<String> {
        let urls = HashMap::from([(
            "smes/lumen".to_owned(),
            format!("/sub{language}/smes/lumen/"),
        )]);
        let links = EntityLinks {
            urls: &urls,
            unresolved: &HashSet::new(),
            base_path: &format!("/sub{language}"),
            pictures: &DataPictures::new(),
        };
        relink_untrusted(&rendered.html, rendered.links.as_ref()?, &links)
    }

    #[test]
    fn data_text_relinked_to_another_language_is_the_text_rendered_there() {
        let text = "# Us\n\n[a](@/smes/lumen#team) [b](/about/?x=1&y='2'#us) [c](../news/) \
                    [d](<../a b/é\u{a0}\"q\"/>) [e](@/smes/broken) [f](https://example.com) \
                    <a href=\"/raw/\">raw</a> [g](#top) [h](/smes/?q=a&amp;b) [i](@/smes/lumen)\n";
        let english = render_in(text, "");
        let french = render_in(text, "/fr");
        assert_eq!(english.links.as_ref().map(|l| l.keys.len()), Some(6));
        for (rendered, language) in [(&english, "/fr"), (&french, ""), (&english, "")] {
            assert_eq!(
                relink_to(rendered, language),
                Some(render_in(text, language).html),
                "to {language:?}"
            );
        }
        assert!(
            french
                .html
                .contains("href=\"/sub/fr/about/?x=1&amp;y='2'#us\""),
            "{}",
            french.html
        );
        assert!(
            french.html.contains("href=\"/sub/fr/smes/lumen/#team\""),
            "{}",
            french.html
        );
        assert!(!english.html.contains("%EE%80%8"), "{}", english.html);
    }

    #[test]
    fn data_text_with_what_looks_like_a_placeholder_is_rendered_in_each_language() {
        for text in [
            "[odd](/a%EE%80%800%EE%80%81) and [lumen](@/smes/lumen)\n",
            "[lumen](@/smes/lumen) &#x25;EE%80%800&#x25;EE%80%81\n",
            "[x](https://example.org/&#xE000;0&#xE001;) and [lumen](@/smes/lumen)\n",
            // The sanitiser drops the real link with its style block and decodes `&#37;`: what
            // is left looks like the real link's placeholder, written after the text was read.
            "Hidden <style>[x](@/smes/lumen)</style> \
             <a href=\"&#37;EE%80%800&#37;EE%80%81\">raw</a> [lumen](@/smes/lumen)\n",
        ] {
            let french = render_in(text, "/fr");
            assert!(french.links.is_none(), "{text}");
            assert!(french.html.contains("%EE%80%8"), "{text}: {}", french.html);
            assert!(
                french.html.contains("href=\"/sub/fr/smes/lumen/\""),
                "{text}: {}",
                french.html
            );
        }
    }

    #[test]
    fn data_text_whose_link_the_sanitiser_writes_twice_is_rendered_in_each_language() {
        // The parser of the sanitiser opens the link again inside the `div`.
        let text = "[lumen <div>lasers</div>](@/smes/lumen)\n";
        let french = render_in(text, "/fr");
        assert_eq!(
            french.html.matches("href=\"/sub/fr/smes/lumen/\"").count(),
            2,
            "{}",
            french.html
        );
        assert!(french.links.is_none(), "{}", french.html);
    }
}
