//! Links between content files: the URL each content file and content asset resolves to, the
//! Markdown of every page and section rendered in parallel with its links rewritten (in a
//! further language, text shown in the default language is not rendered again: [`share_html`]
//! relinks the default language's HTML, or renders the text when it cannot; a build renders a
//! further language's own texts just before that language, [`render_own_texts`], and drops
//! what only the link check needs once it is made, [`forget_checked_links`]), and the check
//! that an `#anchor` a link points at is an id of the Markdown it leads to ([`check_anchor`]).
//! The full build makes that check once the output plan is known (`crate::plan::site_links`),
//! where the ids that the page's templates write count too; the incremental rebuild makes it for
//! the files it renders again.

use super::{EntityKind, Site, section_path};
use crate::diagnostics::{Diagnostic, did_you_mean};
use crate::markdown::{self, AnchorLink, LinkTargets, RenderedMarkdown};
use crate::pictures::markup::PictureSet;
use crate::source::content::ContentSource;
use rayon::prelude::*;
use std::collections::{HashMap, HashSet};

/// What links and images in Markdown resolve against, by the name a link gives: the URL of every
/// content file and of every file copied from `content/` (by path inside `content/`), the
/// published sizes of every picture among them, and the URL of every entity page (`smes/<id>`).
#[derive(Debug, Default)]
pub struct LinkUrls {
    pub content: HashMap<String, String>,
    pub assets: HashMap<String, String>,
    pub pictures: HashMap<String, PictureSet>,
    pub entities: HashMap<String, String>,
    /// Entities (`smes/<id>`) whose files have errors.
    pub unresolved_entities: HashSet<String>,
}

impl LinkUrls {
    /// The targets of links for rendering, with the content files that failed to load.
    pub fn targets<'a>(
        &'a self,
        failed: &'a HashSet<String>,
        base_path: &'a str,
    ) -> LinkTargets<'a> {
        LinkTargets {
            content: &self.content,
            assets: &self.assets,
            entities: &self.entities,
            unresolved_entities: &self.unresolved_entities,
            pictures: &self.pictures,
            failed,
            base_path,
        }
    }
}

/// The URLs links in the Markdown of `site` resolve against.
pub fn link_target_urls(site: &Site) -> LinkUrls {
    let mut content: HashMap<String, String> = site
        .pages
        .iter()
        .map(|p| (p.source.path.clone(), p.url.clone()))
        .collect();
    content.extend(
        site.sections
            .iter()
            .filter(|s| s.source.is_some())
            .map(|s| (section_path(&s.dir), s.url.clone())),
    );
    let assets = site
        .content_assets
        .iter()
        .map(|(asset, output)| (asset.rel.clone(), format!("{}/{}", site.base.path, output)))
        .collect();
    let graph = &site.graph;
    let entities = EntityKind::ALL
        .into_iter()
        .flat_map(|kind| {
            (0..graph.count(kind)).map(move |i| {
                let name = format!("{}/{}", kind.variable().1, graph.id(kind, i));
                (name, site.url_for_dir(&graph.output_dir(kind, i)))
            })
        })
        .collect();
    let unresolved_entities = graph
        .unresolved
        .iter()
        .filter_map(|file| file.rsplit_once('.').map(|(name, _)| name.to_owned()))
        .collect();
    // Pictures belong to the whole site: every language links the same files.
    let pictures = site
        .pictures
        .iter()
        .filter_map(|picture| {
            let path = picture.file.rel.strip_prefix("content/")?;
            let set = crate::plan::picture_set(&site.root.path, picture, None)?;
            Some((path.to_owned(), set))
        })
        .collect();
    LinkUrls {
        content,
        assets,
        pictures,
        entities,
        unresolved_entities,
    }
}

/// Which texts of a site [`render_markdown`] makes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Texts {
    /// Every text: shared with the default language's where it can be, else rendered.
    All,
    /// Only the texts shared with the default language's; its own (translations, and text that
    /// cannot be relinked) wait for [`render_own_texts`].
    Shared,
    /// Only the texts not shared with the default language's.
    Own,
}

/// Makes the Markdown of every content file of `site` that `texts` selects, in parallel, and
/// returns the problems found in it. Text shown in the default language is not rendered again
/// where `default` (that language's site) has it: [`share_html`] later gives it `default`'s
/// HTML with this site's links.
pub(super) fn render_markdown(
    site: &mut Site,
    default: Option<&Site>,
    texts: Texts,
) -> Vec<Diagnostic> {
    let urls = link_target_urls(site);
    let base_path = site.base.path.clone();
    let failed = std::mem::take(&mut site.failed_content);
    let targets = urls.targets(&failed, &base_path);
    let fallback = &site.language.fallback;
    let shared = |path: &str| default.filter(|_| fallback.contains(path));
    let make = |source: &ContentSource, original: Option<&RenderedMarkdown>| match original
        .filter(|original| markdown::can_relink(original, &targets))
    {
        Some(original) => (texts != Texts::Own).then(|| share(original)),
        None => (texts != Texts::Shared).then(|| markdown::render(source, &targets)),
    };
    let mut problems: Vec<Diagnostic> = site
        .pages
        .par_iter_mut()
        .flat_map_iter(|page| {
            let original = shared(&page.source.path)
                .and_then(|default| default.page_by_path(&page.source.path))
                .map(|original| &original.markdown);
            let made = make(&page.source, original)?;
            page.markdown = made;
            Some(page.markdown.diagnostics.clone())
        })
        .flatten()
        .collect();
    let in_sections: Vec<Diagnostic> = site
        .sections
        .par_iter_mut()
        .flat_map_iter(|section| {
            let source = section.source.as_ref()?;
            let original = shared(&source.path)
                .and_then(|default| default.section_by_path(&source.path))
                .map(|original| &original.markdown);
            section.markdown = make(source, original)?;
            Some(section.markdown.diagnostics.clone())
        })
        .flatten()
        .collect();
    problems.extend(in_sections);
    site.failed_content = failed;
    problems
}

/// Renders the texts of a further language's `site` that resolving left for later
/// ([`Texts::Shared`]): its translations, and text it cannot share with `default`, the default
/// language's site. Returns the problems found in them.
pub fn render_own_texts(site: &mut Site, default: &Site) -> Vec<Diagnostic> {
    render_markdown(site, Some(default), Texts::Own)
}

/// What rendering `original` (the same text rendered for the default language's site) taught,
/// for another language's site: shared (its table of contents, anchors and links to check are
/// behind `Arc`s), with its HTML left empty until [`share_html`] fills it.
fn share(original: &RenderedMarkdown) -> RenderedMarkdown {
    RenderedMarkdown {
        html: String::new(),
        summary: None,
        toc: original.toc.clone(),
        anchors: original.anchors.clone(),
        word_count: original.word_count,
        anchor_links: original.anchor_links.clone(),
        site_links: original.site_links.clone(),
        shortcodes: original.shortcodes.clone(),
        diagnostics: original.diagnostics.clone(),
        links: None,
    }
}

/// Fills the HTML of the text `site` shows in the default language, which resolving left empty,
/// from `default` (the default language's site, whose HTML must not have been moved into its
/// template values yet), with links leading to `site`'s pages; text that cannot be relinked
/// after all is rendered for `site`.
pub fn share_html(site: &mut Site, default: &Site) {
    let urls = link_target_urls(site);
    let base_path = site.base.path.clone();
    let failed = std::mem::take(&mut site.failed_content);
    let targets = urls.targets(&failed, &base_path);
    let fallback = &site.language.fallback;
    let shared = |source: &ContentSource,
                  original: Option<&RenderedMarkdown>,
                  markdown: &mut RenderedMarkdown| {
        let Some(original) = original
            .filter(|_| fallback.contains(&source.path))
            .filter(|original| markdown::can_relink(original, &targets))
        else {
            return;
        };
        match markdown::relink(original, &targets) {
            Some((html, summary)) => {
                markdown.html = html;
                markdown.summary = summary;
            }
            None => *markdown = markdown::render(source, &targets),
        }
    };
    site.pages.par_iter_mut().for_each(|page| {
        let original = default.page_by_path(&page.source.path);
        shared(
            &page.source,
            original.map(|o| &o.markdown),
            &mut page.markdown,
        );
    });
    for section in &mut site.sections {
        let Some(source) = &section.source else {
            continue;
        };
        let original = default.section_by_path(&source.path);
        shared(source, original.map(|o| &o.markdown), &mut section.markdown);
    }
    site.failed_content = failed;
}

/// Drops from every page and section of `site` what only the link check needs (the anchors, the
/// links to anchors and to site paths), once the check is made, and in a further language also
/// where its links are, which only the default language's text needs ([`share_html`]). For a
/// build that renders once: `pimap serve` checks the links again after each edit.
pub fn forget_checked_links(site: &mut Site) {
    let further = !site.language.is_default;
    let nothing = RenderedMarkdown::default();
    let texts = site.pages.iter_mut().map(|p| &mut p.markdown);
    for markdown in texts.chain(site.sections.iter_mut().map(|s| &mut s.markdown)) {
        markdown.anchors = nothing.anchors.clone();
        markdown.anchor_links = nothing.anchor_links.clone();
        markdown.site_links = nothing.site_links.clone();
        if further {
            markdown.links = None;
        }
    }
}

/// The anchors (heading ids) of the content file at `path` inside `content/`.
pub fn anchors_in<'a>(site: &'a Site, path: &str) -> Option<&'a HashSet<String>> {
    site.page_by_path(path)
        .map(|p| &*p.markdown.anchors)
        .or_else(|| site.section_by_path(path).map(|s| &*s.markdown.anchors))
}

/// The error for a link in `source` to an `#anchor` that the content file it points at does not
/// have; `None` when the anchor is there, or when `anchors_of` knows no such file.
pub fn check_anchor<'a>(
    source: &ContentSource,
    link: &AnchorLink,
    anchors_of: impl Fn(&str) -> Option<&'a HashSet<String>>,
) -> Option<Diagnostic> {
    let anchors = anchors_of(&link.target)?;
    if anchors.contains(&link.anchor) {
        return None;
    }
    let mut d = source.error_at_offset(
        link.offset,
        format!(
            "link to `#{}` in content/{}: there is no such heading",
            link.anchor, link.target
        ),
    );
    d.help = anchor_help(&link.anchor, anchors);
    Some(d)
}

/// What to write instead of `#anchor`, which a page whose ids are `anchors` does not have: the
/// closest of them, or all of them.
pub fn anchor_help(anchor: &str, anchors: &HashSet<String>) -> Option<String> {
    let mut sorted: Vec<&str> = anchors.iter().map(String::as_str).collect();
    sorted.sort_unstable();
    did_you_mean(anchor, sorted.iter().copied())
        .map(|best| format!("did you mean `#{best}`?"))
        .or_else(|| {
            (!sorted.is_empty()).then(|| {
                let listed: Vec<String> = sorted.iter().map(|a| format!("#{a}")).collect();
                format!("the anchors there are: {}", listed.join(", "))
            })
        })
}

#[cfg(test)]
mod tests {
    use crate::markdown::render_count;
    use std::collections::HashSet;

    #[test]
    fn text_shown_in_several_languages_is_rendered_once_and_shared_or_rendered_when_it_cannot_be_relinked()
     {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures/multilingual-site");
        let read = |rel: &str| std::fs::read_to_string(root.join(rel)).unwrap_or_default();
        let contact = read("content/contact.md");
        let about = read("content/about.md");
        assert!(
            contact.contains("(@/_index.md)"),
            "the fixture's contact page links home"
        );
        let options = crate::BuildOptions {
            cache_dir: None,
            ..crate::BuildOptions::new(&root)
        };
        let Ok(mut planned) = crate::plan_languages(&options, super::Texts::All) else {
            panic!("the multilingual fixture builds");
        };
        assert_one_text_is_shared(&planned);
        if let Some(((default, _), further)) = planned.languages.split_first_mut() {
            for (site, _) in further {
                super::share_html(site, default);
            }
        }
        // contact.md has no translation: English, French and Finnish show it, rendered once.
        assert_eq!(render_count::of(&contact), 1);
        // about.md is translated into French: its English text is rendered for English and
        // shown in Finnish.
        assert_eq!(render_count::of(&about), 1);
        let homes: Vec<&str> = planned
            .languages
            .iter()
            .filter_map(|(site, _)| Some(site.page_by_path("contact.md")?.markdown.html.as_str()))
            .collect();
        assert_eq!(homes.len(), 3);
        assert!(homes[0].contains("href=\"/\""), "{}", homes[0]);
        assert!(homes[1].contains("href=\"/fr/\""), "{}", homes[1]);
        assert!(homes[2].contains("href=\"/fi/\""), "{}", homes[2]);

        // So is the Markdown of data: the partner's description has no translation and is
        // shown in every language; the SME's offer is translated into French alone.
        let graphs: Vec<&super::super::DataGraph> = planned
            .languages
            .iter()
            .map(|(site, _)| &site.graph)
            .collect();
        let (description, offers) = match graphs.as_slice() {
            [english, french, ..] => (
                english.entities.partners[0].record.description.clone(),
                [&english.entities.smes[0], &french.entities.smes[0]]
                    .map(|sme| sme.record.offer.clone()),
            ),
            _ => panic!("the fixture has three languages"),
        };
        let description = description.unwrap_or_default();
        assert!(
            description.contains("(@/smes/alpha#offer)"),
            "{description}"
        );
        assert_eq!(render_count::of(&description), 1);
        assert_ne!(offers[0], offers[1]);
        assert_eq!(offers.map(|offer| render_count::of(&offer)), [1, 1]);
        let described: Vec<&str> = graphs.iter().map(|g| g.partner_html[0].as_str()).collect();
        for (prefix, html) in ["", "/fr", "/fi"].iter().zip(&described) {
            for url in [
                "/smes/alpha/#offer",
                "/news/?q=light&amp;from='24",
                "/contact/",
            ] {
                let href = format!("href=\"{prefix}{url}\"");
                assert!(html.contains(&href), "{href} in {html}");
            }
        }
        let offered: Vec<&str> = graphs.iter().map(|g| g.sme_html[0].as_str()).collect();
        assert!(
            offered[2].contains("href=\"/fi/partners/nordlight/\""),
            "{}",
            offered[2]
        );
        assert!(offered[1].contains("Nous soudons"), "{}", offered[1]);

        // Text whose links are not where they were placed (relinking fails) is rendered for
        // its language, not left empty.
        let Some(((default, _), further)) = planned.languages.split_first_mut() else {
            panic!("the fixture has languages");
        };
        let contact = default
            .pages
            .iter_mut()
            .find(|p| p.source.path == "contact.md");
        let Some(links) = contact.and_then(|page| page.markdown.links.as_mut()) else {
            panic!("the contact page can be relinked");
        };
        for (range, _) in &mut links.in_html {
            *range = range.start + 100_000..range.end + 100_000;
        }
        let Some((french, _)) = further.first_mut() else {
            panic!("the fixture has French");
        };
        french
            .pages
            .iter_mut()
            .for_each(|page| page.markdown.html.clear());
        super::share_html(french, default);
        let html = french
            .page_by_path("contact.md")
            .map_or("", |page| page.markdown.html.as_str());
        assert!(html.contains("href=\"/fr/\""), "{html}");
    }

    /// Whether `a` and `b` are one value, not two equal ones.
    fn same<T: ?Sized>(a: &T, b: &T) -> bool {
        std::ptr::eq(a, b)
    }

    /// Checks that the languages of the multilingual fixture that show one text share its front
    /// matter and anchors instead of holding copies. (Called by the test above: it counts the
    /// renders of the fixture's files, which a second build in parallel would add to.)
    fn assert_one_text_is_shared(planned: &crate::planning::Planned) {
        let pages: Vec<&super::super::Page> = planned
            .languages
            .iter()
            .filter_map(|(site, _)| site.page_by_path("contact.md"))
            .collect();
        // contact.md has no translation: English, French and Finnish show one text.
        assert_eq!(pages.len(), 3);
        for page in &pages[1..] {
            assert!(same::<crate::source::content::PageFrontMatter>(
                &page.front,
                &pages[0].front
            ));
            assert!(same::<HashSet<String>>(
                &page.markdown.anchors,
                &pages[0].markdown.anchors
            ));
        }
        // about.md is translated into French: only Finnish shares the English text's.
        let about: Vec<&super::super::Page> = planned
            .languages
            .iter()
            .filter_map(|(site, _)| site.page_by_path("about.md"))
            .collect();
        assert!(!same::<HashSet<String>>(
            &about[1].markdown.anchors,
            &about[0].markdown.anchors
        ));
        assert!(same::<HashSet<String>>(
            &about[2].markdown.anchors,
            &about[0].markdown.anchors
        ));
    }

    #[test]
    fn a_further_language_renders_its_own_texts_only_when_asked() {
        // A copy of the multilingual fixture whose texts (pages' and data's) differ from the
        // fixture's, so that the renders counted are this test's.
        let fixture = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures/multilingual-site");
        let Ok(site) = tempfile::tempdir() else {
            panic!("a temporary folder");
        };
        for entry in walkdir::WalkDir::new(&fixture).into_iter().flatten() {
            let Ok(rel) = entry.path().strip_prefix(&fixture) else {
                continue;
            };
            let to = site.path().join(rel);
            if entry.file_type().is_dir() {
                assert!(std::fs::create_dir_all(&to).is_ok());
            } else {
                let Ok(mut bytes) = std::fs::read(entry.path()) else {
                    panic!("{} is readable", entry.path().display());
                };
                if rel.extension().is_some_and(|e| e == "md") {
                    bytes.extend_from_slice(b"\nOwn texts.\n");
                }
                // The data's Markdown fields differ too: each of the fixture's has a link.
                if rel.extension().is_some_and(|e| e == "yaml") {
                    bytes = String::from_utf8_lossy(&bytes)
                        .replace("](", " (own)](")
                        .into_bytes();
                }
                assert!(std::fs::write(&to, bytes).is_ok());
            }
        }
        let read = |rel: &str| std::fs::read_to_string(site.path().join(rel)).unwrap_or_default();
        let (about_fr, contact) = (read("content/about.fr.md"), read("content/contact.md"));
        let options = crate::BuildOptions {
            cache_dir: None,
            ..crate::BuildOptions::new(site.path())
        };
        let Ok(mut planned) = crate::plan_languages(&options, super::Texts::Shared) else {
            panic!("the multilingual fixture builds");
        };
        assert_eq!(render_count::of(&about_fr), 0, "not rendered yet");
        assert_eq!(
            render_count::of(&contact),
            1,
            "rendered for English, shared"
        );
        let Some(((default, _), further)) = planned.languages.split_first_mut() else {
            panic!("the fixture has languages");
        };
        let Some((french, _)) = further.first_mut() else {
            panic!("the fixture has French");
        };
        assert!(super::render_own_texts(french, default).is_empty());
        assert_eq!(render_count::of(&about_fr), 1);
        assert_eq!(render_count::of(&contact), 1);
        let about = french.page_by_path("about.md");
        let html = about.map_or("", |page| page.markdown.html.as_str());
        assert!(
            html.contains("Nous faisons travailler la lumière."),
            "{html}"
        );
    }
}
