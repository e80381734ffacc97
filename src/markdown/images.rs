//! Images in Markdown: an image of a picture of the site (a file beside the page that pimap
//! publishes in several sizes) is written as a `<picture>` once its description is read; every
//! image without a description (alt text) is a warning at its line.

use super::Pipeline;
use super::links::{has_scheme, resolve_relative};
use crate::pictures::markup::PictureSet;
use pulldown_cmark::Event;

/// An image whose description (the text between its brackets) is being read.
pub(super) struct ImageInProgress {
    /// Set when the image is a picture of the site, written as a `<picture>` at its end.
    pub(super) picture: Option<PictureSet>,
    pub(super) alt: String,
    pub(super) title: String,
    pub(super) offset: usize,
}

impl<'a> Pipeline<'_, '_> {
    /// The published sizes of the picture that an image's URL names, if it names one.
    pub(super) fn picture_at(&self, url: &str) -> Option<PictureSet> {
        let path = url.split(['?', '#']).next().unwrap_or(url);
        let content_path = match path.strip_prefix("@/") {
            Some(path) => path.to_owned(),
            None if has_scheme(path) || path.starts_with('/') || path.is_empty() => return None,
            None => resolve_relative(&self.source.path, path)?,
        };
        self.targets.pictures.get(&content_path).cloned()
    }

    /// The end of an image: a warning if it has no description, and its `<picture>` if it is
    /// a picture of the site (`end` otherwise).
    pub(super) fn end_image(&mut self, end: Event<'a>) -> Event<'a> {
        let Some(image) = self.image.take() else {
            return end;
        };
        if image.alt.trim().is_empty() {
            let d = self
                .source
                .error_at_offset(image.offset, "this image has no description (alt text)")
                .with_help("write what it shows between the brackets, for people who cannot see it: ![A fibre laser cutting a steel sheet](photo.jpg)")
                .warning();
            self.out.diagnostics.push(d);
        }
        match image.picture {
            Some(set) => {
                let title = (!image.title.is_empty()).then_some(image.title.as_str());
                Event::Html(set.html(image.alt.trim(), title).into())
            }
            None => end,
        }
    }
}
