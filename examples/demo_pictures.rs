//! Draws the pictures of the demo SMEs: an SVG logo for each (`data/smes/media/<id>.svg`, a
//! monogram and the name, marked "demo logo") and three product illustrations as JPEG photos.
//! All of them are invented, like the demo SMEs. Run from the site root:
//! `cargo run --example demo_pictures`. The output is the same on every run.

use image::ImageEncoder;
use std::path::Path;

const SHAPES: [&str; 4] = ["circle", "square", "hexagon", "diamond"];

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let media = Path::new("data/smes/media");
    std::fs::create_dir_all(media)?;
    let mut ids: Vec<_> = std::fs::read_dir("data/smes")?
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "yaml"))
        .collect();
    ids.sort();
    for (i, path) in ids.iter().enumerate() {
        let text = std::fs::read_to_string(path)?;
        let Some(name) = text.lines().find_map(|l| l.strip_prefix("name: ")) else {
            continue;
        };
        let id = path.file_stem().and_then(|s| s.to_str()).unwrap_or("sme");
        std::fs::write(media.join(format!("{id}.svg")), logo(name, i))?;
    }
    for (file, scene) in [
        ("kuutti-cutting-head.jpg", Scene::Laser),
        ("aquilux-sensor-array.jpg", Scene::Sensors),
        ("marforja-print-bed.jpg", Scene::Printing),
    ] {
        std::fs::write(media.join(file), illustration(scene, 1600, 1000)?)?;
    }
    Ok(())
}

/// A logo 240×80: a coloured shape with the initials, the name beside it, "demo logo" below.
fn logo(name: &str, index: usize) -> String {
    let hue = (index * 137) % 360;
    let colour = format!("hsl({hue}, 62%, 36%)");
    let initials: String = name
        .split_whitespace()
        .filter_map(|w| w.chars().next())
        .take(2)
        .collect();
    let shape = match SHAPES[index % SHAPES.len()] {
        "circle" => format!("<circle cx=\"40\" cy=\"40\" r=\"32\" fill=\"{colour}\"/>"),
        "square" => format!(
            "<rect x=\"8\" y=\"8\" width=\"64\" height=\"64\" rx=\"14\" fill=\"{colour}\"/>"
        ),
        "hexagon" => format!("<path d=\"M40 6 70 23v34L40 74 10 57V23z\" fill=\"{colour}\"/>"),
        _ => format!("<path d=\"M40 4 76 40 40 76 4 40z\" fill=\"{colour}\"/>"),
    };
    let (first, rest) = name.split_once(' ').unwrap_or((name, ""));
    format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 240 80\" width=\"240\" height=\"80\" role=\"img\">\
<title>{name} (demo logo)</title>{shape}\
<text x=\"40\" y=\"48\" text-anchor=\"middle\" font-family=\"Arial, Helvetica, sans-serif\" font-size=\"24\" font-weight=\"700\" fill=\"#fff\">{initials}</text>\
<text x=\"86\" y=\"34\" font-family=\"Arial, Helvetica, sans-serif\" font-size=\"20\" font-weight=\"700\" fill=\"#1b2333\">{first}</text>\
<text x=\"86\" y=\"56\" font-family=\"Arial, Helvetica, sans-serif\" font-size=\"16\" fill=\"{colour}\">{rest}</text>\
<text x=\"86\" y=\"73\" font-family=\"Arial, Helvetica, sans-serif\" font-size=\"10\" fill=\"#5a6275\">DEMO LOGO</text></svg>\n"
    )
}

#[derive(Clone, Copy)]
enum Scene {
    Laser,
    Sensors,
    Printing,
}

/// A product illustration drawn pixel by pixel, as JPEG.
fn illustration(scene: Scene, w: u32, h: u32) -> Result<Vec<u8>, image::ImageError> {
    let mut pixels = Vec::with_capacity((w * h * 3) as usize);
    for y in 0..h {
        for x in 0..w {
            let (u, v) = (x as f32 / w as f32, y as f32 / h as f32);
            pixels.extend(shade(scene, u, v).map(|c| (c.clamp(0.0, 1.0) * 255.0) as u8));
        }
    }
    let mut out = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, 90).write_image(
        &pixels,
        w,
        h,
        image::ExtendedColorType::Rgb8,
    )?;
    Ok(out)
}

fn mix(a: [f32; 3], b: [f32; 3], t: f32) -> [f32; 3] {
    let t = t.clamp(0.0, 1.0);
    [0, 1, 2].map(|i| a[i] + (b[i] - a[i]) * t)
}

fn glow(distance: f32, width: f32) -> f32 {
    (-(distance / width).powi(2)).exp()
}

/// The colour at (u, v) in [0, 1]²: a workshop background, a machine and its light.
fn shade(scene: Scene, u: f32, v: f32) -> [f32; 3] {
    let backdrop = mix([0.05, 0.09, 0.18], [0.10, 0.22, 0.30], v + 0.3 * u);
    let bench = if v > 0.78 {
        mix([0.22, 0.24, 0.27], [0.12, 0.13, 0.15], (v - 0.78) * 5.0)
    } else {
        backdrop
    };
    match scene {
        Scene::Laser => {
            let head = (u - 0.5).abs() < 0.07 && v > 0.08 && v < 0.42;
            let nozzle =
                (u - 0.5).abs() < 0.03 + (0.5 - v).max(0.0) * 0.3 && (0.42..0.5).contains(&v);
            if head || nozzle {
                let lit = 0.5 + 0.5 * ((u - 0.5) * 25.0).cos();
                return mix([0.25, 0.27, 0.3], [0.75, 0.78, 0.82], lit);
            }
            let beam = glow(u - 0.5, 0.004) * f32::from(u8::from(v > 0.5 && v < 0.78));
            let spark = glow(((u - 0.5).powi(2) + (v - 0.78).powi(2)).sqrt(), 0.03);
            let c = mix(bench, [1.0, 0.35, 0.1], beam + spark);
            mix(c, [1.0, 0.9, 0.6], spark * 0.6)
        }
        Scene::Sensors => {
            let mut c = bench;
            for row in 0..2 {
                for col in 0..4 {
                    let (cx, cy) = (0.2 + 0.2 * col as f32, 0.3 + 0.28 * row as f32);
                    let d = ((u - cx).powi(2) * 2.56 + (v - cy).powi(2)).sqrt();
                    if d < 0.1 {
                        let lens = mix([0.1, 0.5, 0.7], [0.02, 0.05, 0.12], d * 10.0);
                        c = mix(lens, [0.9, 0.95, 1.0], glow(d - 0.03, 0.01));
                    } else if d < 0.115 {
                        c = [0.6, 0.62, 0.66];
                    }
                }
            }
            c
        }
        Scene::Printing => {
            let layers = ((v - 0.5) * 80.0).sin().abs();
            let part = v > 0.5 && v < 0.78 && (u - 0.5).abs() < 0.18 - (v - 0.5) * 0.2;
            if part {
                return mix([0.45, 0.47, 0.5], [0.7, 0.72, 0.75], layers);
            }
            let melt = glow(((u - 0.42).powi(2) + (v - 0.5).powi(2)).sqrt(), 0.02);
            let beam = glow(u - 0.42 + (0.5 - v) * 0.4, 0.003) * f32::from(u8::from(v < 0.5));
            mix(bench, [0.4, 0.8, 1.0], melt + beam)
        }
    }
}
