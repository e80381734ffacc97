//! Images in the Markdown fields of data: `![A lens on a bench](lens.jpg)` in an SME's offer
//! names a file of its kind's `media/` folder (`data/smes/media/lens.jpg`, as `logo` and
//! `photos` do) and is written as the same `<picture>` as a photo of the site.
//!
//! An image is refused, at its place in the text, when it names a picture of another site (text
//! from data never loads anything from elsewhere: every visitor of the page would be announced
//! to that site), a folder, a file name with spaces, a file that is missing or is no picture pimap reads, or when it has
//! no description (alt text) or only its file name. Which files are published, and in which
//! sizes, is decided before the text is rendered (`site::pictures`, from [`image_urls`]). Raw
//! `<img>` and `<source>` markup keeps only the `src` and `srcset` whose every URL is a path from
//! the site's root (`loads_from_this_site`, the sanitiser's test).

use super::links::has_scheme;
use super::options;
use crate::diagnostics::did_you_mean;
use crate::pictures::markup::PictureSet;
use pulldown_cmark::{Event, Parser, Tag};
use std::collections::HashMap;

/// The pictures of the `media/` folders that data text may show, by path from the site root
/// (`data/smes/media/lens.jpg`): their published sizes, or why the file cannot be published.
pub type DataPictures = HashMap<String, Result<PictureSet, String>>;

/// Why an image in data text cannot be shown, for its author.
#[derive(Debug, Clone, PartialEq)]
pub struct ImageProblem {
    pub message: String,
    pub help: String,
}

/// An image of data text whose description is being read.
pub(super) struct DataImage {
    pub(super) url: String,
    pub(super) title: String,
    pub(super) alt: String,
    pub(super) offset: usize,
    /// Images inside its description still open.
    pub(super) nested: usize,
}

/// What every image of `text` names, as written, with the image's offset in `text`: which
/// pictures the text shows.
pub fn image_urls(text: &str) -> Vec<(usize, String)> {
    Parser::new_ext(text, options())
        .into_offset_iter()
        .filter_map(|(event, range)| match event {
            Event::Start(Tag::Image { dest_url, .. }) => Some((range.start, dest_url.to_string())),
            _ => None,
        })
        .collect()
}

/// Whether `value`, the `src` (or, when `srcset`, the `srcset`) of an `<img>` or `<source>`,
/// loads files of this site only: every URL in it is a path from the site's root
/// (`/smes/media/lens.1.960.jpg`), as every picture this site writes is. Anything else may lead
/// a browser to another host however it is written: `//host/`, `\\host/`, `/\host/`, a scheme
/// behind a control character that browsers strip (`&#1;https://host/`), a tab that they remove
/// (`/&#9;/host/`).
pub(super) fn loads_from_this_site(value: &str, srcset: bool) -> bool {
    if srcset {
        srcset_urls(value).all(is_site_path)
    } else {
        is_site_path(value)
    }
}

/// `/` then anything but `/` and `\`, without `\`, spaces or control characters.
fn is_site_path(url: &str) -> bool {
    let mut chars = url.chars();
    chars.next() == Some('/')
        && chars.next().is_some_and(|c| c != '/' && c != '\\')
        && !url.chars().any(|c| c == '\\' || c <= ' ' || c.is_control())
}

/// The URL of every candidate of a `srcset` (`/a.480.jpg 480w, /a.960.jpg 960w`), read as
/// browsers read it (HTML's "parse a srcset attribute"): after spaces and commas, a URL runs to
/// the next space (without the commas that end it) and its descriptors to the next comma outside
/// parentheses.
fn srcset_urls(srcset: &str) -> impl Iterator<Item = &str> {
    let mut rest = srcset;
    std::iter::from_fn(move || {
        rest = rest.trim_start_matches(|c: char| c.is_ascii_whitespace() || c == ',');
        if rest.is_empty() {
            return None;
        }
        let end = rest
            .find(|c: char| c.is_ascii_whitespace())
            .unwrap_or(rest.len());
        let (token, after) = rest.split_at(end);
        let url = token.trim_end_matches(',');
        rest = if url.len() < token.len() {
            after
        } else {
            after_descriptors(after)
        };
        Some(url)
    })
}

/// The text after a candidate's descriptors (` 480w, next`): after their first comma outside
/// parentheses, or nothing.
fn after_descriptors(text: &str) -> &str {
    let mut in_parentheses = false;
    for (at, c) in text.char_indices() {
        match c {
            '(' => in_parentheses = true,
            ')' => in_parentheses = false,
            ',' if !in_parentheses => return &text[at + 1..],
            _ => {}
        }
    }
    ""
}

/// The file `url` names in `media_folder` (`data/smes/media/`), when it names one there.
pub fn media_file(media_folder: &str, url: &str) -> Option<String> {
    let name = url.split(['?', '#']).next().unwrap_or(url);
    let plain = !name.is_empty() && !has_scheme(url) && !name.contains(['/', '\\']);
    plain.then(|| format!("{media_folder}{name}"))
}

impl DataImage {
    /// The `<picture>` of this image, or why it cannot be shown.
    pub(super) fn picture(
        &self,
        media_folder: &str,
        pictures: &DataPictures,
    ) -> Result<String, ImageProblem> {
        let url = self.url.as_str();
        let problem = |message: String, help: String| ImageProblem { message, help };
        let example = "![A fibre laser cutting a steel sheet](laser.jpg)";
        if has_scheme(url) {
            return Err(problem(
                format!(
                    "image `{url}` is on another site: text from data may only show pictures of this site"
                ),
                format!(
                    "a picture from another site would tell it who reads the page; put the file in {media_folder} and write its name: {example}"
                ),
            ));
        }
        let Some(rel) = media_file(media_folder, url) else {
            return Err(problem(
                format!("image `{url}`: an image in data text names a file of {media_folder}"),
                format!("put the file in {media_folder} and write its name alone: {example}"),
            ));
        };
        let name = &rel[media_folder.len()..];
        if let Some((message, help)) = crate::pictures::spaced_name(name) {
            return Err(problem(format!("image {message}"), help));
        }
        let set = match pictures.get(&rel) {
            Some(Ok(set)) => set,
            Some(Err(why)) => {
                return Err(problem(
                    format!("image `{name}` {why}"),
                    "send it again as a JPEG or PNG (see \"Pictures\" in the README)".to_owned(),
                ));
            }
            None => {
                let here = pictures.keys().filter_map(|k| k.strip_prefix(media_folder));
                let help = match did_you_mean(name, here) {
                    Some(best) => format!("did you mean `{best}`?"),
                    None => format!("put the file in {media_folder}"),
                };
                return Err(problem(
                    format!("image `{name}`: there is no picture {rel}"),
                    help,
                ));
            }
        };
        let alt = self.alt.trim();
        let stem = name.rsplit_once('.').map_or(name, |(stem, _)| stem);
        if alt.is_empty() || alt.eq_ignore_ascii_case(name) || alt.eq_ignore_ascii_case(stem) {
            let what = if alt.is_empty() {
                "no description (alt text)"
            } else {
                "its file name as description"
            };
            return Err(problem(
                format!("image `{name}` has {what}"),
                format!(
                    "write what it shows between the brackets, for people who cannot see it: {example}"
                ),
            ));
        }
        let title = Some(self.title.as_str());
        Ok(set.html(alt, title))
    }
}
