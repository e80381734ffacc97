//! The Markdown fields of data (an SME's offer, a mission's outcomes), which people outside the
//! partnership write: rendered to HTML that is safe to show whatever their authors wrote.
//!
//! Headings move down two levels (the page has its own `h1` and `h2`s), and the HTML is
//! sanitised with ammonia: no scripts, event handlers or `javascript:` links, and links get
//! `rel="noopener noreferrer"`. A link to an entity by its file (`@/smes/<id>`) becomes the
//! entity's page in the language of the page the text is shown on; a link written as a URL of
//! this site (`/smes/x/`, `../about/`) is returned with its offset, to be checked once every
//! output is known, and written as an address from the site's root (with the base URL and the
//! language's folder): a relative link is read from the entity's own page, so that the text
//! leads to the same pages wherever it is shown (the entity's page, its embed, the API). Text
//! nested deeper than [`CONTENT_LIMITS`](crate::html_nesting::CONTENT_LIMITS) never reaches the
//! sanitiser, whose parser slows down with every level. An image names a picture of the entity
//! kind's `media/` folder and becomes its `<picture>` ([`data_images`](super::data_images)); the
//! sanitiser keeps `<picture>` markup but drops every `src` and `srcset` with a URL that is not
//! a path from the site's root (`/smes/media/...`), so that no text from data makes a visitor's
//! browser call elsewhere.
//!
//! Only the URLs of links differ between languages (pictures are the whole site's), so text
//! shown in several languages is rendered once: the URLs are placed as in content pages
//! ([`relink`](super::relink)), and [`relink_untrusted`](super::relink::relink_untrusted) writes
//! another language's URLs in their places in the sanitised HTML.

use super::data_images::{DataImage, DataPictures, ImageProblem, loads_from_this_site};
use super::links::{MissingEntity, address_in_site, entity_target, has_scheme};
use super::relink::{LinkKey, LinkKind, Links, Placeholders, write_sanitised_href};
use super::{Located, SiteLink, bounded_html, options};
use crate::html_nesting::TooDeep;
use pulldown_cmark::{CowStr, Event, HeadingLevel, Parser, Tag, TagEnd};
use std::collections::{HashMap, HashSet};
use std::sync::LazyLock;

/// What links in data text resolve against, for the pages of one language.
pub struct EntityLinks<'a> {
    /// The URL of every entity page by the name a link gives it: `smes/<id>`.
    pub urls: &'a HashMap<String, String>,
    /// Entities (`smes/<id>`) whose files have errors: links to them are not errors of their own.
    pub unresolved: &'a HashSet<String>,
    /// The base URL's path with the language's folder (`/sub/fr`, or empty): written before
    /// links to `/site/paths`.
    pub base_path: &'a str,
    /// The pictures of the `media/` folders, which images in the text name.
    pub pictures: &'a DataPictures,
}

/// A Markdown field of data rendered: its safe HTML and what was learnt about its links.
#[derive(Debug, Default)]
pub struct UntrustedHtml {
    pub html: String,
    /// Links written as URLs of this site, with their offsets in the text.
    pub site_links: Vec<SiteLink>,
    /// Links to entities that do not exist, with their offsets in the text.
    pub missing_entities: Vec<(usize, MissingEntity)>,
    /// Images that cannot be shown, with their offsets in the text.
    pub bad_images: Vec<(usize, ImageProblem)>,
    /// Where the URLs of the links to this site are in `html`, for
    /// [`relink_untrusted`](super::relink::relink_untrusted);
    /// `None` for text holding what looks like a placeholder, which every language renders.
    pub links: Option<Links>,
}

/// The sanitiser of data text, made once: ammonia's defaults, plus the checkboxes of task lists
/// and the markup of pictures, without any picture of another site.
static SANITISER: LazyLock<ammonia::Builder<'static>> = LazyLock::new(sanitiser);

/// The sanitiser of embedded pages: [`SANITISER`]'s rules, every link opening in the top window.
static EMBED_SANITISER: LazyLock<ammonia::Builder<'static>> = LazyLock::new(|| {
    let mut builder = sanitiser();
    builder.set_tag_attribute_value("a", "target", "_top");
    builder
});

fn sanitiser() -> ammonia::Builder<'static> {
    let mut builder = ammonia::Builder::default();
    builder
        .add_tag_attributes("input", ["type", "checked", "disabled"])
        .add_tags(["input", "picture", "source"])
        .add_tag_attributes("source", ["type", "srcset", "sizes"])
        .add_tag_attributes("img", ["srcset", "sizes", "loading", "decoding"])
        .attribute_filter(|element, attribute, value| {
            let loads = matches!(
                (element, attribute),
                ("img", "src" | "srcset") | ("source", "srcset")
            );
            (!loads || loads_from_this_site(value, attribute == "srcset")).then_some(value.into())
        });
    builder
}

/// Renders a Markdown field of the data entity whose page is at `page_url` (with the base path)
/// to safe HTML, with its links resolved against `links` and its images against the pictures of
/// `media_folder` (`data/smes/media/`); or, for text nested too deep, the byte offset in `text`
/// where it goes too deep, and what does.
pub fn render_untrusted(
    text: &str,
    links: &EntityLinks,
    page_url: &str,
    media_folder: &str,
) -> Result<UntrustedHtml, (usize, TooDeep)> {
    #[cfg(test)]
    super::render_count::record(text);
    let place = Place {
        links,
        page_url,
        media_folder,
    };
    let mut placeholders = Placeholders::for_text(text);
    let (html, mut out) = sanitised_html(text, &place, &mut placeholders)?;
    if let Some((html, in_html)) = placeholders.fill_written(&html, true, write_sanitised_href) {
        out.html = html;
        out.links = placeholders.into_links(in_html, Vec::new());
        return Ok(out);
    }
    // The HTML holds a placeholder the text wrote: its URLs are written as they are.
    let (html, mut out) = sanitised_html(text, &place, &mut Placeholders::default())?;
    out.html = html;
    Ok(out)
}

/// Where data text is shown: what its links resolve against, the URL of its entity's page and
/// the `media/` folder its images name files of.
struct Place<'a> {
    links: &'a EntityLinks<'a>,
    page_url: &'a str,
    media_folder: &'a str,
}

/// The sanitised HTML of `text`, with its URLs written by `placeholders`, and what was learnt
/// about its links and images.
fn sanitised_html(
    text: &str,
    place: &Place,
    placeholders: &mut Placeholders,
) -> Result<(String, UntrustedHtml), (usize, TooDeep)> {
    let Place {
        links,
        page_url,
        media_folder,
    } = *place;
    let mut out = UntrustedHtml::default();
    let mut image: Option<DataImage> = None;
    let mut events: Vec<Located> = Vec::new();
    for (event, range) in Parser::new_ext(text, options()).into_offset_iter() {
        let offset = range.start;
        if let Some(mut open) = image.take() {
            match event {
                Event::Start(Tag::Image { .. }) => open.nested += 1,
                Event::End(TagEnd::Image) if open.nested > 0 => open.nested -= 1,
                Event::End(TagEnd::Image) => {
                    match open.picture(media_folder, links.pictures) {
                        Ok(html) => events.push((Event::Html(html.into()), open.offset)),
                        Err(problem) => out.bad_images.push((open.offset, problem)),
                    }
                    continue;
                }
                Event::Text(t) | Event::Code(t) => open.alt.push_str(&t),
                _ => {}
            }
            image = Some(open);
            continue;
        }
        match event {
            Event::Start(Tag::Image {
                dest_url, title, ..
            }) => {
                image = Some(DataImage {
                    url: dest_url.to_string(),
                    title: title.to_string(),
                    alt: String::new(),
                    offset,
                    nested: 0,
                })
            }
            event => {
                let link_place = (offset, page_url);
                let found = (&mut out, &mut *placeholders);
                let event = resolve_link(demote_headings(event), link_place, links, found);
                events.push((event, offset));
            }
        }
    }
    let html = bounded_html(&events, text)?;
    Ok((SANITISER.clean(&html).to_string(), out))
}

/// A link's start with its URL resolved ([`resolve_url`]); every other event as it is.
fn resolve_link<'e>(
    event: Event<'e>,
    link_place: (usize, &str),
    links: &EntityLinks,
    found: (&mut UntrustedHtml, &mut Placeholders),
) -> Event<'e> {
    let Event::Start(Tag::Link {
        link_type,
        dest_url,
        title,
        id,
    }) = event
    else {
        return event;
    };
    Event::Start(Tag::Link {
        link_type,
        dest_url: resolve_url(dest_url, link_place, links, found),
        title,
        id,
    })
}

/// The URL a link written `url` at `offset` in the text of the page at `page_url` leads to: an
/// entity's page for `@/smes/<id>`, the address from the site's root for `/site/paths` and
/// `../relative/paths`, else `url`. Links to this site are recorded in `out`, links to entities
/// that do not exist too; the URLs of a language's pages are written by `placeholders`.
fn resolve_url<'e>(
    url: CowStr<'e>,
    (offset, page_url): (usize, &str),
    links: &EntityLinks,
    (out, placeholders): (&mut UntrustedHtml, &mut Placeholders),
) -> CowStr<'e> {
    let text = url.to_string();
    let (path, anchor) = match text.split_once('#') {
        Some((path, anchor)) => (path, Some(anchor)),
        None => (text.as_str(), None),
    };
    if let Some(content_path) = path.strip_prefix("@/") {
        let missing = match entity_target(content_path, anchor, links.urls, links.unresolved) {
            Some(Ok(Some(resolved))) => {
                let key = LinkKey {
                    kind: LinkKind::Entity,
                    name: content_path.to_owned(),
                    anchor: anchor.map(str::to_owned),
                };
                return placeholders.place(key, resolved);
            }
            Some(Ok(None)) => return url,
            Some(Err(missing)) => missing,
            None => MissingEntity {
                message: format!("link to `{text}`: in data, `@/` links name entities only"),
                help: "write `@/smes/<id>`, `@/partners/<id>`, `@/missions/<id>` or \
                       `@/practices/<id>`, or the address of a page (`/about/`)"
                    .to_owned(),
            },
        };
        out.missing_entities.push((offset, missing));
        return url;
    }
    if path.is_empty() || has_scheme(path) {
        return url;
    }
    out.site_links.push(SiteLink {
        url: path.split('?').next().unwrap_or(path).to_owned(),
        anchor: anchor.filter(|a| !a.is_empty()).map(str::to_owned),
        offset,
    });
    let in_site = if path.starts_with('/') {
        text
    } else {
        // Relative: read from the entity's page, as the check reads it.
        let (relative, query) = path
            .split_once('?')
            .map_or((path, None), |(p, q)| (p, Some(q)));
        let mut address = address_in_site(links.base_path, page_url, relative);
        for (mark, part) in [('?', query), ('#', anchor)] {
            if let Some(part) = part {
                address.push(mark);
                address.push_str(part);
            }
        }
        address
    };
    let absolute = format!("{}{in_site}", links.base_path);
    let key = LinkKey {
        kind: LinkKind::SitePath,
        name: in_site,
        anchor: None,
    };
    placeholders.place(key, absolute)
}

/// The first sentence of the first paragraph of a Markdown field, as plain text on one line: an
/// SME's offer in one line. Empty if the text starts with no paragraph of its own (a list, a
/// heading, a quote).
pub fn first_sentence(text: &str) -> String {
    let mut depth = 0usize;
    let mut in_paragraph = false;
    let mut plain = String::new();
    for event in Parser::new_ext(text, options()) {
        match event {
            Event::Start(Tag::Paragraph) if depth == 0 => in_paragraph = true,
            Event::End(TagEnd::Paragraph) if in_paragraph => break,
            Event::Start(_) if !in_paragraph => depth += 1,
            Event::End(_) if !in_paragraph => {
                depth = depth.saturating_sub(1);
                if depth == 0 {
                    // The first block was not a paragraph.
                    break;
                }
            }
            Event::Text(t) | Event::Code(t) if in_paragraph => plain.push_str(&t),
            Event::SoftBreak | Event::HardBreak if in_paragraph => plain.push(' '),
            _ => {}
        }
    }
    let plain = plain.split_whitespace().collect::<Vec<_>>().join(" ");
    // A sentence ends at `.`, `!` or `?` followed by a space.
    let end = plain
        .match_indices(['.', '!', '?'])
        .map(|(i, _)| i + 1)
        .find(|&i| plain[i..].starts_with(' '));
    match end {
        Some(end) => plain[..end].to_owned(),
        None => plain,
    }
}

/// HTML for a page that other sites show in a frame: `html` sanitised as data text is, with
/// every link opening in the top window (`target="_top"`), not inside the frame.
pub fn for_embed(html: &str) -> String {
    EMBED_SANITISER.clean(html).to_string()
}

fn demote_headings(event: Event) -> Event {
    match event {
        Event::Start(Tag::Heading {
            level,
            id,
            classes,
            attrs,
        }) => Event::Start(Tag::Heading {
            level: demote(level),
            id,
            classes,
            attrs,
        }),
        Event::End(TagEnd::Heading(level)) => Event::End(TagEnd::Heading(demote(level))),
        event => event,
    }
}

/// The field sits under the page's `h2`s: its headings start at `h3`.
fn demote(level: HeadingLevel) -> HeadingLevel {
    match level {
        HeadingLevel::H1 | HeadingLevel::H2 => HeadingLevel::H3,
        HeadingLevel::H3 => HeadingLevel::H4,
        HeadingLevel::H4 => HeadingLevel::H5,
        _ => HeadingLevel::H6,
    }
}

#[cfg(test)]
mod tests {

    #[test]
    fn the_first_sentence_of_an_offer_is_one_line_of_plain_text() {
        let offer = "Lasers that *cut* `steel`\nfast. Also welding.\n\n- a list";
        assert_eq!(first_sentence(offer), "Lasers that cut steel fast.");
        assert_eq!(first_sentence("No full stop here"), "No full stop here");
        assert_eq!(first_sentence("- a list first\n\nThen text."), "");
        assert_eq!(first_sentence("Version 2.0 is out"), "Version 2.0 is out");
    }

    use super::*;

    /// Renders `text` for the French pages of a site at `/sub`, which has the SME `lumen`, the
    /// photo `data/smes/media/lens.jpg` and a web page saved as `data/smes/media/fake.png`.
    fn render(text: &str) -> Result<UntrustedHtml, (usize, TooDeep)> {
        let urls = HashMap::from([("smes/lumen".to_owned(), "/sub/fr/smes/lumen/".to_owned())]);
        let unresolved = HashSet::from(["smes/broken".to_owned()]);
        let lens = crate::pictures::markup::PictureSet {
            src: "/sub/smes/media/lens.1.960.jpg".into(),
            width: 960,
            height: 640,
            webp_srcset: "/sub/smes/media/lens.1.960.webp 960w".into(),
            srcset: "/sub/smes/media/lens.1.960.jpg 960w".into(),
            media_type: "image/jpeg".into(),
            widths: vec![960],
            svg: false,
        };
        let pictures = DataPictures::from([
            ("data/smes/media/lens.jpg".to_owned(), Ok(lens)),
            (
                "data/smes/media/fake.png".to_owned(),
                Err("is not a picture pimap reads".to_owned()),
            ),
        ]);
        let links = EntityLinks {
            urls: &urls,
            unresolved: &unresolved,
            base_path: "/sub/fr",
            pictures: &pictures,
        };
        render_untrusted(text, &links, "/sub/fr/smes/lumen/", "data/smes/media/")
    }

    #[test]
    fn an_image_of_a_file_name_with_spaces_is_refused() {
        let out = render("![A lens](<my lens.jpg>)").unwrap();
        let problems: Vec<(usize, &str, &str)> = (out.bad_images.iter())
            .map(|(offset, p)| (*offset, p.message.as_str(), p.help.as_str()))
            .collect();
        assert_eq!(
            problems,
            [(
                0,
                "image `my lens.jpg`: a picture's file name cannot hold spaces",
                "rename the file with a dash for each space (`my-lens.jpg`) and write that name here"
            )]
        );
    }

    #[test]
    fn images_show_pictures_of_the_media_folder_and_nothing_else() {
        let text = "Our lens:\n\n![A *lens* on a bench](lens.jpg \"Lens\")\n\n\
                    ![](lens.jpg) ![lens](lens.jpg) ![A tracker](https://tracker.example/p.gif)\n\
                    ![Ours](../partners/media/x.png) ![A lens](lenz.jpg) ![A page](fake.png)\n\n\
                    <img src=\"https://tracker.example/q.gif\" srcset=\"//cdn.example/a.png 2x\" alt=\"raw\">";
        let out = render(text).unwrap();
        assert_eq!(
            out.html,
            "<p>Our lens:</p>\n<p><picture><source type=\"image/webp\" srcset=\"/sub/smes/media/lens.1.960.webp 960w\" sizes=\"(max-width: 48rem) 100vw, 48rem\"><img src=\"/sub/smes/media/lens.1.960.jpg\" srcset=\"/sub/smes/media/lens.1.960.jpg 960w\" sizes=\"(max-width: 48rem) 100vw, 48rem\" width=\"960\" height=\"640\" alt=\"A lens on a bench\" title=\"Lens\" loading=\"lazy\" decoding=\"async\"></picture></p>\n<p>  \n  </p>\n<img alt=\"raw\">"
        );
        let problems: Vec<(usize, &str, &str)> = out
            .bad_images
            .iter()
            .map(|(offset, p)| (*offset, p.message.as_str(), p.help.as_str()))
            .collect();
        let example = "![A fibre laser cutting a steel sheet](laser.jpg)";
        assert_eq!(
            problems,
            [
                (
                    52,
                    "image `lens.jpg` has no description (alt text)",
                    &*format!(
                        "write what it shows between the brackets, for people who cannot see it: {example}"
                    )
                ),
                (
                    66,
                    "image `lens.jpg` has its file name as description",
                    &*format!(
                        "write what it shows between the brackets, for people who cannot see it: {example}"
                    )
                ),
                (
                    84,
                    "image `https://tracker.example/p.gif` is on another site: text from data may only show pictures of this site",
                    &*format!(
                        "a picture from another site would tell it who reads the page; put the file in data/smes/media/ and write its name: {example}"
                    )
                ),
                (
                    128,
                    "image `../partners/media/x.png`: an image in data text names a file of data/smes/media/",
                    &*format!(
                        "put the file in data/smes/media/ and write its name alone: {example}"
                    )
                ),
                (
                    161,
                    "image `lenz.jpg`: there is no picture data/smes/media/lenz.jpg",
                    "did you mean `lens.jpg`?"
                ),
                (
                    181,
                    "image `fake.png` is not a picture pimap reads",
                    "send it again as a JPEG or PNG (see \"Pictures\" in the README)"
                ),
            ]
        );
    }

    #[test]
    fn pictures_browsers_would_load_from_another_host_are_dropped() {
        let elsewhere = [
            "\\\\tracker.example/p.gif",
            "/\\tracker.example/p.gif",
            "&#1;https://tracker.example/p.gif",
            "/&#9;/tracker.example/p.gif",
            "//tracker.example/p.gif",
            "/a.png\\..",
        ];
        for url in elsewhere {
            for markup in [
                format!("<img src=\"{url}\" alt=\"x\">"),
                format!("<img srcset=\"{url} 1x\" alt=\"x\">"),
                format!("<img srcset=\"/a.png 1x, {url} 2x\" alt=\"x\">"),
                format!("<picture><source srcset=\"/a.png 480w,{url}\"></picture>"),
            ] {
                let html = SANITISER.clean(&markup).to_string();
                assert!(!html.contains("src"), "{markup} -> {html}");
            }
        }
        let html = render("<img src=\"\\\\tracker.example/p.gif\" alt=\"x\">")
            .unwrap()
            .html;
        assert_eq!(html, "<img alt=\"x\">");
    }

    #[test]
    fn pictures_of_this_site_are_kept() {
        let markup = "<picture><source type=\"image/webp\" srcset=\"/m/a.1.480.webp 480w,/m/a.1.960.webp 960w\" sizes=\"48rem\"><img src=\"/m/a.1.960.jpg\" srcset=\"/m/a.1.480.jpg 480w, /m/a.1.960.jpg 960w\" alt=\"A lens\"></picture>\n\
                      <img srcset=\"/a,b.png,, /c.png (x, //y) 1x\" alt=\"y\">";
        assert_eq!(SANITISER.clean(markup).to_string(), markup);
    }

    #[test]
    fn entity_links_are_resolved_and_site_links_kept_for_the_check() {
        let text = "[a](@/smes/lumen#team) [b](/about/?x=1#us) [c](../news/) [d](@/smes/lumn)\n\
                    [e](@/smes/broken) [f](https://example.com) [g](#top) [h](@/news/x.md)";
        let out = render(text).unwrap();
        assert!(
            out.html.contains("href=\"/sub/fr/smes/lumen/#team\""),
            "{}",
            out.html
        );
        assert!(
            out.html.contains("href=\"/sub/fr/about/?x=1#us\""),
            "{}",
            out.html
        );
        assert!(
            out.html.contains("href=\"/sub/fr/smes/news/\""),
            "relative links are read from the entity's page: {}",
            out.html
        );
        let site_links: Vec<(&str, Option<&str>, usize)> = out
            .site_links
            .iter()
            .map(|l| (l.url.as_str(), l.anchor.as_deref(), l.offset))
            .collect();
        assert_eq!(
            site_links,
            [("/about/", Some("us"), 23), ("../news/", None, 43)]
        );
        let missing: Vec<(usize, &str, &str)> = out
            .missing_entities
            .iter()
            .map(|(offset, m)| (*offset, m.message.as_str(), m.help.as_str()))
            .collect();
        assert_eq!(missing.len(), 2, "{missing:?}");
        assert_eq!(
            missing[0],
            (
                57,
                "link to `@/smes/lumn`: there is no file data/smes/lumn.yaml",
                "did you mean `@/smes/lumen`?"
            )
        );
        assert_eq!(missing[1].0, 128);
    }

    #[test]
    fn scripts_handlers_and_javascript_links_never_survive() {
        let html = render(
            "# Offer\n\n<script>alert(1)</script>\n\n<img src=x onerror=\"alert(2)\">\n\n[click](javascript:alert(3)) [site](https://example.com)\n",
        )
        .unwrap()
        .html;
        assert!(
            !html.contains("script") && !html.contains("alert"),
            "{html}"
        );
        assert!(
            !html.contains("onerror") && !html.contains("javascript"),
            "{html}"
        );
        assert!(html.contains("<h3>Offer</h3>"), "{html}");
        assert!(
            html.contains("<a href=\"https://example.com\" rel=\"noopener noreferrer\">site</a>"),
            "{html}"
        );
    }

    #[test]
    fn text_nested_too_deep_is_refused_at_its_offset() {
        let text = format!("Intro.\n\n{}x", "<div>".repeat(100));
        let (offset, deep) = render(&text).unwrap_err();
        assert_eq!(offset, 8 + 64 * 5, "the 65th div");
        assert_eq!(deep.limit, 64);
        let quotes = format!("Intro.\n\n{} deep", "> ".repeat(100));
        let (offset, _) = render(&quotes).unwrap_err();
        assert_eq!(offset, 8 + 64 * 2, "the 65th quote");
    }

    #[test]
    fn embedded_links_open_in_the_top_window_and_stay_sanitised() {
        let html = for_embed(
            "<p><a href=\"https://example.com\" rel=\"noopener noreferrer\">site</a></p><img src=x onerror=alert(1)>",
        );
        assert_eq!(
            html,
            "<p><a href=\"https://example.com\" target=\"_top\" rel=\"noopener noreferrer\">site</a></p><img>"
        );
    }
}
