//! Draws the photos of `scripts/bench --pictures`: `cargo run --example bench_photos -- DIR N`
//! writes `DIR/photo-00001.jpg` … `photo-N.jpg`, JPEGs of 2 to 4 million pixels (landscape
//! and portrait, 3:2 and 4:3) with the grain of a real photo, so that they weigh what a
//! camera's do (about 0.85 MB each). The same N always gives the same files.

use image::ImageEncoder;
use rayon::prelude::*;
use std::path::Path;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [dir, count] = args.as_slice() else {
        return Err("usage: bench_photos DIR N".into());
    };
    let count: u32 = count.parse()?;
    let dir = Path::new(dir);
    std::fs::create_dir_all(dir)?;
    (1..=count).into_par_iter().try_for_each(|i| {
        let (width, height) = size(i);
        let path = dir.join(format!("photo-{i:05}.jpg"));
        std::fs::write(path, photo(i, width, height)?).map_err(|e| e.to_string())
    })?;
    Ok(())
}

/// Between 2 and 4 million pixels; one photo in four is portrait.
fn size(i: u32) -> (u32, u32) {
    let megapixels = 2.0 + f64::from(i.wrapping_mul(7919) % 2001) / 1000.0;
    let (long, short) = if i.is_multiple_of(3) {
        (4.0, 3.0)
    } else {
        (3.0, 2.0)
    };
    let side = (megapixels * 1e6 / (long * short)).sqrt();
    let (w, h) = ((side * long) as u32, (side * short) as u32);
    if i.is_multiple_of(4) { (h, w) } else { (w, h) }
}

/// A sky-to-ground gradient with a sun, soft bands and per-pixel grain, as JPEG (quality 85).
fn photo(i: u32, width: u32, height: u32) -> Result<Vec<u8>, String> {
    let mut state = u64::from(i).wrapping_mul(0x9e37_79b9_7f4a_7c15) | 1;
    let hue = f32::from((i % 360) as u16) / 360.0;
    let (sun_x, sun_y) = (0.2 + 0.6 * frac(hue * 7.0), 0.15 + 0.3 * frac(hue * 13.0));
    let mut pixels = Vec::with_capacity((width * height * 3) as usize);
    for y in 0..height {
        for x in 0..width {
            let (u, v) = (x as f32 / width as f32, y as f32 / height as f32);
            let sun = (1.0 - ((u - sun_x).powi(2) + (v - sun_y).powi(2)).sqrt() * 4.0).max(0.0);
            let band = (v * 40.0 + (u * 9.0 + hue * 6.0).sin() * 3.0).sin() * 0.08;
            let base = if v < 0.55 {
                [0.35 + 0.4 * hue, 0.55 + 0.2 * v, 0.85 - 0.3 * v]
            } else {
                [0.35 + 0.3 * u, 0.4 + 0.2 * hue, 0.2 + 0.1 * u]
            };
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            let grain = ((state >> 56) as f32 / 255.0 - 0.5) * 0.12;
            for c in base {
                pixels.push(((c + sun + band + grain).clamp(0.0, 1.0) * 255.0) as u8);
            }
        }
    }
    let mut out = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, 85)
        .write_image(&pixels, width, height, image::ExtendedColorType::Rgb8)
        .map_err(|e| e.to_string())?;
    Ok(out)
}

fn frac(x: f32) -> f32 {
    x - x.floor()
}
