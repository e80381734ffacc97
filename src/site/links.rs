//! Links between content files: the URL each content file and content asset resolves to, the
//! Markdown of every page and section rendered in parallel with its links rewritten, and the
//! check that an `#anchor` a link points at is an id of the Markdown it leads to
//! ([`check_anchor`]). The full build makes that check once the output plan is known
//! (`crate::plan::site_links`), where the ids that the page's templates write count too; the
//! incremental rebuild makes it for the files it renders again.

use super::{EntityKind, Site, section_path};
use crate::diagnostics::{Diagnostic, did_you_mean};
use crate::markdown::{self, AnchorLink, LinkTargets};
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

/// Renders every content file's Markdown in parallel.
pub(super) fn render_markdown(site: &mut Site, errors: &mut Vec<Diagnostic>) {
    let urls = link_target_urls(site);
    let base_path = site.base.path.clone();
    let failed = std::mem::take(&mut site.failed_content);
    let targets = urls.targets(&failed, &base_path);
    site.pages
        .par_iter_mut()
        .for_each(|page| page.markdown = markdown::render(&page.source, &targets));
    site.sections.par_iter_mut().for_each(|section| {
        if let Some(source) = &section.source {
            section.markdown = markdown::render(source, &targets);
        }
    });
    site.failed_content = failed;
    let documents = site.pages.iter().map(|p| &p.markdown).chain(
        site.sections
            .iter()
            .filter(|s| s.source.is_some())
            .map(|s| &s.markdown),
    );
    for rendered in documents {
        errors.extend(rendered.diagnostics.iter().cloned());
    }
}

/// The anchors (heading ids) of the content file at `path` inside `content/`.
pub fn anchors_in<'a>(site: &'a Site, path: &str) -> Option<&'a HashSet<String>> {
    site.page_by_path(path)
        .map(|p| &p.markdown.anchors)
        .or_else(|| site.section_by_path(path).map(|s| &s.markdown.anchors))
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
