//! Processing one picture: decode it once (within [`limits`](super::limits)), turn it the way
//! its EXIF orientation says, then resize it to each width asked (never larger than it is) and
//! encode each size. Nothing of the source's metadata is carried over: the pixels are encoded
//! afresh, so EXIF (GPS positions, camera serial numbers), XMP, comments and colour profiles
//! are gone. A picture with a colour profile other than sRGB is first converted to sRGB
//! ([`colour`](super::colour)), which is how browsers show a file without a profile.
//!
//! Encoders: WebP through libwebp (the `webp` crate; lossy at quality [`WEBP_QUALITY`] for
//! photos, lossless for drawings), JPEG and PNG through `image`. Resizing uses
//! `fast_image_resize` (Lanczos3, alpha premultiplied while resizing).

use super::{OutputFormat, SourceFormat};
use fast_image_resize as fr;
use image::{DynamicImage, ImageEncoder};

/// libwebp's quality for photos (0–100): visually close to the JPEG fallback at about two
/// thirds of its size.
pub const WEBP_QUALITY: f32 = 80.0;
/// JPEG quality (1–100).
pub const JPEG_QUALITY: u8 = 82;

/// Decoded pixels, turned upright: 8-bit RGB, or RGBA when the picture has transparency.
pub struct Upright {
    pixels: Vec<u8>,
    width: u32,
    height: u32,
    alpha: bool,
    /// Photos are encoded lossy in WebP, drawings losslessly.
    photo: bool,
}

/// Decodes `bytes` (the first frame of a GIF) and applies its EXIF orientation.
pub fn decode(bytes: &[u8]) -> Result<Upright, String> {
    use image::ImageDecoder;
    let mut decoder = super::decoder(bytes)?;
    let (width, height) = decoder.dimensions();
    super::check_size(width, height)?;
    let orientation = decoder
        .orientation()
        .unwrap_or(image::metadata::Orientation::NoTransforms);
    let alpha = decoder.color_type().has_alpha();
    // A profile that cannot be read is no profile: the pixels are taken as sRGB.
    let icc = decoder.icc_profile().ok().flatten();
    let format = super::probe_format(bytes);
    let mut image = DynamicImage::from_decoder(decoder).map_err(|e| match e {
        image::ImageError::Limits(_) => format!("is too large to decode: {e}"),
        _ => format!("is damaged and cannot be decoded (is the file complete?): {e}"),
    })?;
    image.apply_orientation(orientation);
    let (width, height) = (image.width(), image.height());
    let mut pixels = if alpha {
        image.into_rgba8().into_raw()
    } else {
        image.into_rgb8().into_raw()
    };
    if let Some(icc) = icc {
        super::colour::to_srgb(&mut pixels, width, alpha, &icc);
    }
    Ok(Upright {
        pixels,
        width,
        height,
        alpha,
        photo: matches!(format, Some(SourceFormat::Jpeg | SourceFormat::Webp)) && !alpha,
    })
}

/// The picture resized to one width, ready to encode in each format.
pub struct Resized<'a> {
    upright: &'a Upright,
    pixels: std::borrow::Cow<'a, [u8]>,
    width: u32,
    height: u32,
}

/// The picture at `width` pixels wide (its own width at most).
pub fn resized(upright: &Upright, width: u32) -> Result<Resized<'_>, String> {
    let width = width.min(upright.width).max(1);
    let height = scaled_height(upright.width, upright.height, width);
    let pixels = if width == upright.width {
        std::borrow::Cow::Borrowed(upright.pixels.as_slice())
    } else {
        std::borrow::Cow::Owned(resize(upright, width, height)?)
    };
    Ok(Resized {
        upright,
        pixels,
        width,
        height,
    })
}

/// The resized picture encoded as `format`.
pub fn encode(resized: &Resized, format: OutputFormat) -> Result<Vec<u8>, String> {
    let Resized {
        upright,
        width,
        height,
        ..
    } = *resized;
    let pixels: &[u8] = &resized.pixels;
    let colour = if upright.alpha {
        image::ExtendedColorType::Rgba8
    } else {
        image::ExtendedColorType::Rgb8
    };
    let mut out = Vec::new();
    match format {
        OutputFormat::Webp => return webp(upright, pixels, width, height),
        OutputFormat::Jpeg => {
            let rgb;
            let pixels = if upright.alpha {
                rgb = drop_alpha(pixels);
                &rgb
            } else {
                pixels
            };
            image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, JPEG_QUALITY).write_image(
                pixels,
                width,
                height,
                image::ExtendedColorType::Rgb8,
            )
        }
        OutputFormat::Png => image::codecs::png::PngEncoder::new_with_quality(
            &mut out,
            image::codecs::png::CompressionType::Default,
            image::codecs::png::FilterType::Adaptive,
        )
        .write_image(pixels, width, height, colour),
        OutputFormat::Svg => return Err("an SVG is not drawn from pixels".into()),
    }
    .map_err(|e| format!("could not be encoded: {e}"))?;
    Ok(out)
}

/// The height of a picture `width` wide with the proportions of `(source_w, source_h)`.
pub fn scaled_height(source_w: u32, source_h: u32, width: u32) -> u32 {
    let height = (u64::from(source_h) * u64::from(width) + u64::from(source_w) / 2)
        / u64::from(source_w.max(1));
    u32::try_from(height).unwrap_or(u32::MAX).max(1)
}

fn resize(upright: &Upright, width: u32, height: u32) -> Result<Vec<u8>, String> {
    let pixel_type = if upright.alpha {
        fr::PixelType::U8x4
    } else {
        fr::PixelType::U8x3
    };
    let source =
        fr::images::ImageRef::new(upright.width, upright.height, &upright.pixels, pixel_type)
            .map_err(|e| format!("could not be resized: {e}"))?;
    let mut target = fr::images::Image::new(width, height, pixel_type);
    let options =
        fr::ResizeOptions::new().resize_alg(fr::ResizeAlg::Convolution(fr::FilterType::Lanczos3));
    fr::Resizer::new()
        .resize(&source, &mut target, &options)
        .map_err(|e| format!("could not be resized: {e}"))?;
    Ok(target.into_vec())
}

fn webp(upright: &Upright, pixels: &[u8], width: u32, height: u32) -> Result<Vec<u8>, String> {
    let layout = if upright.alpha {
        webp::PixelLayout::Rgba
    } else {
        webp::PixelLayout::Rgb
    };
    let mut config =
        webp::WebPConfig::new().map_err(|()| "could not set up the WebP encoder".to_owned())?;
    config.lossless = i32::from(!upright.photo);
    config.quality = if upright.photo { WEBP_QUALITY } else { 75.0 };
    config.method = 4;
    webp::Encoder::new(pixels, layout, width, height)
        .encode_advanced(&config)
        .map(|memory| memory.to_vec())
        .map_err(|e| format!("could not be encoded as WebP: {e:?}"))
}

/// RGBA to RGB over a white background, for JPEG.
fn drop_alpha(rgba: &[u8]) -> Vec<u8> {
    rgba.chunks_exact(4)
        .flat_map(|p| {
            let a = u16::from(p[3]);
            let over_white = |c: u8| ((u16::from(c) * a + 255 * (255 - a)) / 255) as u8;
            [over_white(p[0]), over_white(p[1]), over_white(p[2])]
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn heights_keep_proportions() {
        assert_eq!(scaled_height(1600, 900, 480), 270);
        assert_eq!(scaled_height(3, 1000, 1), 333);
        assert_eq!(scaled_height(1000, 1, 10), 1);
    }

    #[test]
    fn transparency_is_laid_on_white_for_jpeg() {
        assert_eq!(
            drop_alpha(&[0, 0, 0, 0, 10, 20, 30, 255]),
            [255, 255, 255, 10, 20, 30]
        );
    }
}
