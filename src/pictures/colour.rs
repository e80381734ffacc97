//! Colour: the pixels of a picture that carries an ICC colour profile other than sRGB (a camera's
//! Adobe RGB, a phone's Display P3) are converted to sRGB before they are resized and encoded.
//! Published files carry no profile (every piece of metadata is stripped), and browsers show a
//! file without one as sRGB: unconverted, such a picture would look dull or shifted.
//!
//! The conversion is `moxcms` (pure Rust, the colour management `image` itself uses), with the
//! profile's own rendering intent. A profile that maps every colour of a test grid to itself
//! within one level is sRGB in all but name, and its pictures are left untouched, as are
//! pictures without a profile. A profile that cannot be read, or is not an RGB profile (a
//! grey or CMYK one), leaves the pixels as they are decoded: the picture is published as before.

use moxcms::{ColorProfile, DataColorSpace, Layout, TransformExecutor, TransformOptions};

/// Converts `pixels` (8-bit RGB, or RGBA with `alpha`; `width` pixels a row) from the colours of
/// `icc` to sRGB, in place. Leaves them as they are when `icc` is sRGB, unreadable or not RGB,
/// when a row has no pixel, or when the conversion fails: the pixels are converted into a copy,
/// which replaces them only once every one of them is converted.
pub fn to_srgb(pixels: &mut [u8], width: u32, alpha: bool, icc: &[u8]) {
    if width == 0 {
        return;
    }
    let Some(convert) = conversion(icc, alpha) else {
        return;
    };
    let mut converted = vec![0u8; pixels.len()];
    if convert.transform(pixels, &mut converted).is_ok() {
        pixels.copy_from_slice(&converted);
    }
}

type Conversion = std::sync::Arc<dyn TransformExecutor<u8> + Send + Sync>;

/// The conversion from the colours of `icc` to sRGB, unless it changes nothing.
fn conversion(icc: &[u8], alpha: bool) -> Option<Conversion> {
    let source = ColorProfile::new_from_slice(icc).ok()?;
    if source.color_space != DataColorSpace::Rgb {
        return None;
    }
    let layout = if alpha { Layout::Rgba } else { Layout::Rgb };
    let options = TransformOptions {
        rendering_intent: source.rendering_intent,
        ..TransformOptions::default()
    };
    let convert = source
        .create_transform_8bit(layout, &ColorProfile::new_srgb(), layout, options)
        .ok()?;
    (!changes_nothing(&convert, alpha)).then_some(convert)
}

/// Whether `convert` maps every colour of a 16-step grid (and pure black and white) to itself
/// within one level.
fn changes_nothing(convert: &Conversion, alpha: bool) -> bool {
    let steps: Vec<u8> = (0..=255u8).step_by(17).collect();
    let mut grid = Vec::new();
    for &r in &steps {
        for &g in &steps {
            for &b in &steps {
                grid.extend([r, g, b]);
                if alpha {
                    grid.push(255);
                }
            }
        }
    }
    let mut out = vec![0u8; grid.len()];
    convert.transform(&grid, &mut out).is_ok()
        && grid.iter().zip(&out).all(|(a, b)| a.abs_diff(*b) <= 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Display P3 to sRGB, computed apart from moxcms: both use the sRGB curve; between the
    /// linear values lies the matrix of their primaries (both with a D65 white).
    fn p3_to_srgb(p3: [u8; 3]) -> [f64; 3] {
        let linear = |c: u8| {
            let c = f64::from(c) / 255.0;
            if c <= 0.04045 {
                c / 12.92
            } else {
                ((c + 0.055) / 1.055).powf(2.4)
            }
        };
        let encode = |c: f64| {
            let c = c.clamp(0.0, 1.0);
            255.0
                * if c <= 0.003_130_8 {
                    12.92 * c
                } else {
                    1.055 * c.powf(1.0 / 2.4) - 0.055
                }
        };
        let [r, g, b] = p3.map(linear);
        let matrix = [
            [1.224_940, -0.224_940, 0.0],
            [-0.042_057, 1.042_057, 0.0],
            [-0.019_638, -0.078_636, 1.098_274],
        ];
        matrix.map(|[x, y, z]| encode(x * r + y * g + z * b))
    }

    fn icc(profile: ColorProfile) -> Vec<u8> {
        profile.encode().unwrap_or_default()
    }

    #[test]
    fn display_p3_colours_are_converted_to_srgb() {
        let colours = [[200u8, 100, 50], [30, 160, 90], [120, 120, 240]];
        let mut pixels: Vec<u8> = colours.concat();
        to_srgb(&mut pixels, 3, false, &icc(ColorProfile::new_display_p3()));
        for (colour, converted) in colours.iter().zip(pixels.chunks(3)) {
            let expected = p3_to_srgb(*colour);
            for (want, got) in expected.iter().zip(converted) {
                assert!(
                    (want - f64::from(*got)).abs() <= 2.0,
                    "{colour:?}: {converted:?}, expected {expected:?}"
                );
            }
        }
        assert_ne!(pixels, colours.concat(), "P3 colours left as they were");
    }

    #[test]
    fn transparency_is_kept_while_colours_are_converted() {
        let mut pixels = vec![200, 100, 50, 77];
        to_srgb(&mut pixels, 1, true, &icc(ColorProfile::new_adobe_rgb()));
        assert_eq!(pixels[3], 77);
        assert_ne!(pixels[..3], [200, 100, 50]);
    }

    #[test]
    fn srgb_and_unreadable_profiles_leave_pixels_untouched() {
        let original: Vec<u8> = (0..=255u8).flat_map(|v| [v, 255 - v, v / 2]).collect();
        for profile in [
            icc(ColorProfile::new_srgb()),
            b"not a profile".to_vec(),
            vec![],
        ] {
            let mut pixels = original.clone();
            to_srgb(&mut pixels, 16, false, &profile);
            assert_eq!(pixels, original);
        }
    }

    #[test]
    fn pixels_are_left_as_they_were_without_rows_or_when_the_conversion_fails() {
        let p3 = icc(ColorProfile::new_display_p3());
        let mut pixels = vec![200, 100, 50];
        to_srgb(&mut pixels, 0, false, &p3);
        assert_eq!(pixels, [200, 100, 50]);
        // 65 whole pixels and a stray byte: the conversion fails on the last one.
        let mut original: Vec<u8> = [200u8, 100, 50].repeat(65);
        original.push(7);
        let mut pixels = original.clone();
        to_srgb(&mut pixels, 1, false, &p3);
        assert_eq!(pixels, original, "pixels left half converted");
    }
}
