//! The published sizes of one picture, as the `image()` template function returns them and as
//! Markdown images are written: a `<picture>` with a WebP `srcset`, the fallback format's
//! `srcset`, and `width`/`height` from the real picture so that nothing moves while it loads.

use super::OutputFormat;
use serde::Serialize;

/// One published file of a picture.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Candidate {
    pub url: String,
    pub width: u32,
    pub height: u32,
}

/// The published files of one picture, by format, narrowest first.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PictureSet {
    /// The URL for `<img src>`: the widest file of the fallback format (the SVG for a drawing).
    pub src: String,
    /// Of `src`.
    pub width: u32,
    pub height: u32,
    /// `url 480w, url 960w` of the WebP files; empty for an SVG.
    pub webp_srcset: String,
    /// The same of the fallback format.
    pub srcset: String,
    /// The fallback's media type: `image/jpeg`, `image/png`, `image/svg+xml`.
    pub media_type: String,
    pub widths: Vec<u32>,
    pub svg: bool,
}

impl PictureSet {
    /// The set of `candidates` (format, file), keeping those of `widths` when given.
    pub fn new(candidates: &[(OutputFormat, Candidate)]) -> Option<PictureSet> {
        let fallback = candidates
            .iter()
            .filter(|(format, _)| *format != OutputFormat::Webp)
            .map(|(format, _)| *format)
            .min()?;
        let of = |wanted: OutputFormat| {
            let mut files: Vec<&Candidate> = candidates
                .iter()
                .filter(|(format, _)| *format == wanted)
                .map(|(_, c)| c)
                .collect();
            files.sort_by_key(|c| c.width);
            files
        };
        let srcset = |files: &[&Candidate]| {
            let list: Vec<String> = files
                .iter()
                .map(|c| format!("{} {}w", c.url, c.width))
                .collect();
            list.join(", ")
        };
        let fallbacks = of(fallback);
        let widest = fallbacks.last()?;
        let webp = of(OutputFormat::Webp);
        Some(PictureSet {
            src: widest.url.clone(),
            width: widest.width,
            height: widest.height,
            webp_srcset: srcset(&webp),
            srcset: srcset(&fallbacks),
            media_type: fallback.media_type().to_owned(),
            widths: fallbacks.iter().map(|c| c.width).collect(),
            svg: fallback == OutputFormat::Svg,
        })
    }

    /// `<picture>` HTML for a picture in the text of a page: full column width on phones, at
    /// most `48rem` wide, loaded when it comes near the screen.
    pub fn html(&self, alt: &str, title: Option<&str>) -> String {
        let sizes = "(max-width: 48rem) 100vw, 48rem";
        let title = title
            .filter(|t| !t.is_empty())
            .map(|t| format!(" title=\"{}\"", escape(t)))
            .unwrap_or_default();
        let webp = if self.webp_srcset.is_empty() {
            String::new()
        } else {
            format!(
                "<source type=\"image/webp\" srcset=\"{}\" sizes=\"{sizes}\">",
                self.webp_srcset
            )
        };
        format!(
            "<picture>{webp}<img src=\"{}\" srcset=\"{}\" sizes=\"{sizes}\" width=\"{}\" height=\"{}\" alt=\"{}\"{title} loading=\"lazy\" decoding=\"async\"></picture>",
            self.src,
            self.srcset,
            self.width,
            self.height,
            escape(alt)
        )
    }
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('"', "&quot;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(url: &str, width: u32) -> Candidate {
        Candidate {
            url: url.into(),
            width,
            height: width / 2,
        }
    }

    #[test]
    fn a_picture_lists_each_format_narrowest_first() {
        let set = PictureSet::new(&[
            (OutputFormat::Jpeg, file("/b.jpg", 960)),
            (OutputFormat::Webp, file("/b.webp", 960)),
            (OutputFormat::Jpeg, file("/a.jpg", 480)),
            (OutputFormat::Webp, file("/a.webp", 480)),
        ]);
        let Some(set) = set else {
            panic!("no set");
        };
        assert_eq!(set.srcset, "/a.jpg 480w, /b.jpg 960w");
        assert_eq!(set.webp_srcset, "/a.webp 480w, /b.webp 960w");
        assert_eq!(
            (set.src.as_str(), set.width, set.height),
            ("/b.jpg", 960, 480)
        );
        assert_eq!(
            set.html("A \"quoted\" lens", None),
            "<picture><source type=\"image/webp\" srcset=\"/a.webp 480w, /b.webp 960w\" sizes=\"(max-width: 48rem) 100vw, 48rem\"><img src=\"/b.jpg\" srcset=\"/a.jpg 480w, /b.jpg 960w\" sizes=\"(max-width: 48rem) 100vw, 48rem\" width=\"960\" height=\"480\" alt=\"A &quot;quoted&quot; lens\" loading=\"lazy\" decoding=\"async\"></picture>"
        );
    }
}
