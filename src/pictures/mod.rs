//! Pictures: SME and partner logos, SME photos and the pictures of content pages, checked when
//! they are read and made into the sizes and formats the site publishes.
//!
//! [`probe`] reads only what a file says about itself (its format from its first bytes, its size
//! and its EXIF orientation) within the limits below, so that a file that is no picture, a
//! decompression bomb or a picture too large to decode is refused before any pixel is decoded.
//! SVG logos are sanitised when they are read ([`svg`]). Which widths and formats each picture
//! gets is decided in `site::pictures`, where they are written in the output plan (`crate::plan`).
//! [`process`] decodes, orients, converts to sRGB ([`colour`]), resizes and encodes; [`cache`] keeps its results between builds
//! in a folder outside the output, and [`manifest`] what each source was when last read, so that
//! an unchanged source is not read again; [`publish`] hands every picture output of the plan to the
//! sink, from the cache when it can. [`markup`] makes the `<picture>` HTML of Markdown images and
//! the value that the `image()` template function returns.

pub mod cache;
pub mod colour;
pub mod manifest;
pub mod markup;
pub mod process;
pub mod publish;
pub mod svg;

use std::io::Cursor;
use std::path::PathBuf;

/// The widths of a logo: shown at 80 px (160 for sharp screens) on cards, 160 on pages.
pub const LOGO_WIDTHS: [u32; 2] = [160, 320];
/// The widths of a photo: a phone's column, a desktop column, a sharp desktop column.
pub const PHOTO_WIDTHS: [u32; 3] = [480, 960, 1440];
/// The width of the picture shown when a page is shared (`og:image`).
pub const SHARE_WIDTH: u32 = 1200;

/// How the site shows a picture; each role asks for its own widths.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Role {
    Logo,
    Photo,
    /// The picture of a shared page (`og:image`), in the fallback format only.
    Share,
}

impl Role {
    /// The widest a source needs to be for this role (twice that is "wider than needed").
    pub fn widest(self) -> u32 {
        match self {
            Role::Logo => LOGO_WIDTHS[1],
            Role::Photo => PHOTO_WIDTHS[2],
            Role::Share => SHARE_WIDTH,
        }
    }
}

/// A picture file of the site, read and probed.
#[derive(Debug, Clone)]
pub struct PictureFile {
    /// From the site root: `data/smes/media/lens.jpg`, `content/news/x/photo.png`.
    pub rel: String,
    pub path: PathBuf,
    /// xxh3-128 of the bytes: the cache key and the published names.
    pub hash: u128,
    pub bytes: u64,
    pub probe: Result<Probe, String>,
}

impl PictureFile {
    /// Reads the file at `path` (named `rel` in messages) and probes it.
    pub fn read(rel: String, path: PathBuf) -> PictureFile {
        let mut file = PictureFile {
            rel,
            path,
            hash: 0,
            bytes: 0,
            probe: Err(String::new()),
        };
        file.bytes = std::fs::metadata(&file.path).map_or(0, |m| m.len());
        if file.bytes > MAX_FILE_BYTES {
            file.probe = Err(format!(
                "is {} MB; pimap reads pictures of at most {} MB: send a smaller export",
                file.bytes / (1024 * 1024),
                MAX_FILE_BYTES / (1024 * 1024)
            ));
            return file;
        }
        match std::fs::read(&file.path) {
            Ok(bytes) => {
                file.hash = xxhash_rust::xxh3::xxh3_128(&bytes);
                file.probe = probe(&file.rel, &bytes);
            }
            Err(e) => file.probe = Err(format!("cannot be read: {e}")),
        }
        file
    }
}

/// One published size of a picture.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Variant {
    pub width: u32,
    pub height: u32,
    pub format: OutputFormat,
}

/// A picture the site publishes, with every size and format it is published at.
#[derive(Debug, Clone)]
pub struct Picture {
    pub file: PictureFile,
    pub probe: Probe,
    /// Where its files go, before `.<hash>.<width>.<ext>`: `smes/media/lens`.
    pub output_stem: String,
    pub variants: Vec<Variant>,
}

/// The sizes and formats a picture of `probe` is published at for `roles`: each width a role
/// asks for, never wider than the picture (a narrower picture is published at its own width),
/// in WebP and the fallback format; an SVG as itself.
pub fn variants(probe: &Probe, roles: &[Role]) -> Vec<Variant> {
    let fallback = probe.fallback_format();
    let at = |width: u32, format| {
        let width = width.min(probe.width);
        Variant {
            width,
            height: process::scaled_height(probe.width, probe.height, width),
            format,
        }
    };
    if fallback == OutputFormat::Svg {
        return vec![at(probe.width, fallback)];
    }
    let mut variants: Vec<Variant> = roles
        .iter()
        .flat_map(|role| {
            let widths: &[u32] = match role {
                Role::Logo => &LOGO_WIDTHS,
                Role::Photo => &PHOTO_WIDTHS,
                Role::Share => &[SHARE_WIDTH],
            };
            let formats = match role {
                Role::Share => vec![fallback],
                _ => vec![OutputFormat::Webp, fallback],
            };
            widths
                .iter()
                .flat_map(move |&w| formats.clone().into_iter().map(move |f| at(w, f)))
        })
        .collect();
    variants.sort_unstable();
    variants.dedup();
    variants
}

/// Pictures larger than this are refused before decoding: 50 million pixels covers a 48 MP
/// phone photo (8064×6048) and keeps one decoded picture under 200 MB.
pub const MAX_PIXELS: u64 = 50_000_000;
/// No side may be longer than this.
pub const MAX_SIDE: u32 = 20_000;
/// What one decoder may allocate at a time (the decoded pixels count).
pub const MAX_DECODE_BYTES: u64 = 512 * 1024 * 1024;
/// Files larger than this are refused without being read.
pub const MAX_FILE_BYTES: u64 = 100 * 1024 * 1024;
/// Files larger than this are published, with a warning for the editor.
pub const LARGE_FILE_BYTES: u64 = 2 * 1024 * 1024;

/// The formats pimap reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub enum SourceFormat {
    Png,
    Jpeg,
    Webp,
    Gif,
    Svg,
}

/// The formats pimap writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum OutputFormat {
    Webp,
    Jpeg,
    Png,
    Svg,
}

impl OutputFormat {
    pub fn extension(self) -> &'static str {
        match self {
            OutputFormat::Webp => "webp",
            OutputFormat::Jpeg => "jpg",
            OutputFormat::Png => "png",
            OutputFormat::Svg => "svg",
        }
    }

    pub fn media_type(self) -> &'static str {
        match self {
            OutputFormat::Webp => "image/webp",
            OutputFormat::Jpeg => "image/jpeg",
            OutputFormat::Png => "image/png",
            OutputFormat::Svg => "image/svg+xml",
        }
    }
}

/// What a picture file says about itself.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Probe {
    pub format: SourceFormat,
    /// As shown, after the EXIF orientation is applied.
    pub width: u32,
    pub height: u32,
    pub has_alpha: bool,
    /// An SVG's sanitised text and what was taken out of it.
    pub svg: Option<svg::Sanitised>,
}

impl Probe {
    /// The format published for browsers without WebP, and for Open Graph: PNG for drawings
    /// (PNG, GIF, and WebP with transparency), JPEG for photos.
    pub fn fallback_format(&self) -> OutputFormat {
        match self.format {
            SourceFormat::Svg => OutputFormat::Svg,
            SourceFormat::Png | SourceFormat::Gif => OutputFormat::Png,
            SourceFormat::Webp if self.has_alpha => OutputFormat::Png,
            SourceFormat::Webp | SourceFormat::Jpeg => OutputFormat::Jpeg,
        }
    }
}

/// Why the file name `name` cannot be a picture's, and what to do, when it holds a space or a
/// control character: the sizes of a picture are listed in `srcset`, where a space ends an
/// address.
pub fn spaced_name(name: &str) -> Option<(String, String)> {
    let spaced = name.chars().any(|c| c.is_whitespace() || c.is_control());
    spaced.then(|| {
        let renamed: String = (name.chars())
            .map(|c| {
                if c.is_whitespace() || c.is_control() {
                    '-'
                } else {
                    c
                }
            })
            .collect();
        (
            format!("`{name}`: a picture's file name cannot hold spaces"),
            format!(
                "rename the file with a dash for each space (`{renamed}`) and write that name here"
            ),
        )
    })
}

/// Whether a file name has the extension of a picture pimap reads.
pub fn is_picture_name(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    [".png", ".jpg", ".jpeg", ".webp", ".gif", ".svg"]
        .iter()
        .any(|ext| lower.ends_with(ext))
}

/// The decoder limits of every picture.
pub(crate) fn limits() -> image::Limits {
    let mut limits = image::Limits::default();
    limits.max_image_width = Some(MAX_SIDE);
    limits.max_image_height = Some(MAX_SIDE);
    limits.max_alloc = Some(MAX_DECODE_BYTES);
    limits
}

/// Reads what the picture `bytes` (named `name`) says about itself, without decoding its
/// pixels. The error says, for an editor, why the file cannot be published.
pub fn probe(name: &str, bytes: &[u8]) -> Result<Probe, String> {
    if name.to_ascii_lowercase().ends_with(".svg") {
        let sanitised = svg::sanitise(bytes)?;
        return Ok(Probe {
            format: SourceFormat::Svg,
            width: sanitised.width,
            height: sanitised.height,
            has_alpha: true,
            svg: Some(sanitised),
        });
    }
    let format = probe_format(bytes)
        .ok_or("is not a picture pimap reads: its content is not PNG, JPEG, WebP or GIF")?;
    let (width, height) = image::ImageReader::new(Cursor::new(bytes))
        .with_guessed_format()
        .map_err(|e| format!("cannot be read: {e}"))?
        .into_dimensions()
        .map_err(|e| format!("is damaged or not a picture: {e}"))?;
    check_size(width, height)?;
    if format == SourceFormat::Jpeg && !jpeg_is_complete(bytes) {
        return Err(
            "is cut short: the JPEG stops before its end; send the whole file again".into(),
        );
    }
    let mut decoder = decoder(bytes)?;
    use image::ImageDecoder;
    let orientation = decoder
        .orientation()
        .unwrap_or(image::metadata::Orientation::NoTransforms);
    let has_alpha = decoder.color_type().has_alpha();
    let (width, height) = if turns_sideways(orientation) {
        (height, width)
    } else {
        (width, height)
    };
    Ok(Probe {
        format,
        width,
        height,
        has_alpha,
        svg: None,
    })
}

/// The format of `bytes`, from their first bytes.
pub(crate) fn probe_format(bytes: &[u8]) -> Option<SourceFormat> {
    match image::guess_format(bytes).ok()? {
        image::ImageFormat::Png => Some(SourceFormat::Png),
        image::ImageFormat::Jpeg => Some(SourceFormat::Jpeg),
        image::ImageFormat::WebP => Some(SourceFormat::Webp),
        image::ImageFormat::Gif => Some(SourceFormat::Gif),
        _ => None,
    }
}

/// A decoder for `bytes` with the limits set; reads the header only.
pub(crate) fn decoder(bytes: &[u8]) -> Result<Box<dyn image::ImageDecoder + '_>, String> {
    let mut reader = image::ImageReader::new(Cursor::new(bytes))
        .with_guessed_format()
        .map_err(|e| format!("cannot be read: {e}"))?;
    reader.limits(limits());
    let decoder = reader
        .into_decoder()
        .map_err(|e| format!("is damaged or too large to decode: {e}"))?;
    Ok(Box::new(decoder))
}

/// Whether a JPEG's last scan is followed by its end marker. Compressed data never holds an FF
/// byte followed by a marker (an FF in it is followed by 00), so read from the end, a complete
/// file shows its end marker (FF D9) before the start of its last scan (FF DA); a file cut short
/// shows the scan first. Only the file's tail is read for a complete file.
fn jpeg_is_complete(bytes: &[u8]) -> bool {
    for at in (0..bytes.len().saturating_sub(1)).rev() {
        if bytes[at] == 0xff {
            match bytes[at + 1] {
                0xd9 => return true,
                0xda => return false,
                _ => {}
            }
        }
    }
    false
}

/// Refuses sizes that no site needs and that would take too much memory to decode.
fn check_size(width: u32, height: u32) -> Result<(), String> {
    let pixels = u64::from(width) * u64::from(height);
    if width == 0 || height == 0 {
        return Err("has no pixels".into());
    }
    if pixels > MAX_PIXELS || width > MAX_SIDE || height > MAX_SIDE {
        return Err(format!(
            "claims {width}×{height} pixels; pimap decodes at most {} million pixels and {MAX_SIDE} pixels a side",
            MAX_PIXELS / 1_000_000
        ));
    }
    Ok(())
}

fn turns_sideways(orientation: image::metadata::Orientation) -> bool {
    use image::metadata::Orientation::*;
    matches!(
        orientation,
        Rotate90 | Rotate270 | Rotate90FlipH | Rotate270FlipH
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn png(width: u32, height: u32) -> Vec<u8> {
        let mut out = Vec::new();
        let pixels = vec![200u8; (width * height * 3) as usize];
        image::codecs::png::PngEncoder::new(&mut out)
            .write_image(&pixels, width, height, image::ExtendedColorType::Rgb8)
            .map(|()| out)
            .unwrap_or_default()
    }
    use image::ImageEncoder;

    #[test]
    fn a_picture_says_its_size_and_format() {
        let probe = probe("a.png", &png(30, 20)).map_err(|e| e.to_string());
        let probe = probe
            .as_ref()
            .map(|p| (p.format, p.width, p.height, p.has_alpha));
        assert_eq!(probe, Ok((SourceFormat::Png, 30, 20, false)));
    }

    #[test]
    fn text_named_png_is_no_picture() {
        let err = probe("a.png", b"<html>not a picture</html>").err();
        assert_eq!(
            err.as_deref(),
            Some("is not a picture pimap reads: its content is not PNG, JPEG, WebP or GIF")
        );
    }

    #[test]
    fn pictures_are_never_made_wider_than_they_are() {
        let probe = Probe {
            format: SourceFormat::Jpeg,
            width: 1000,
            height: 500,
            has_alpha: false,
            svg: None,
        };
        let made: Vec<(u32, OutputFormat)> = variants(&probe, &[Role::Photo, Role::Share])
            .iter()
            .map(|v| (v.width, v.format))
            .collect();
        use OutputFormat::{Jpeg, Webp};
        assert_eq!(
            made,
            [
                (480, Webp),
                (480, Jpeg),
                (960, Webp),
                (960, Jpeg),
                (1000, Webp),
                (1000, Jpeg)
            ]
        );
    }

    #[test]
    fn a_jpeg_cut_short_is_refused() {
        let mut jpeg = Vec::new();
        let pixels = vec![90u8; 64 * 64 * 3];
        image::codecs::jpeg::JpegEncoder::new(&mut jpeg)
            .write_image(&pixels, 64, 64, image::ExtendedColorType::Rgb8)
            .unwrap_or_default();
        assert!(jpeg_is_complete(&jpeg));
        assert!(!jpeg_is_complete(&jpeg[..jpeg.len() - 10]));
        let err = probe("a.jpg", &jpeg[..jpeg.len() - 10]).err();
        assert!(err.is_some_and(|e| e.starts_with("is cut short")));
    }

    #[test]
    fn sizes_beyond_the_limits_are_refused() {
        assert!(check_size(8064, 6048).is_ok());
        assert!(check_size(100_000, 100_000).is_err());
        assert!(check_size(20_001, 10).is_err());
        assert!(check_size(0, 10).is_err());
    }
}
