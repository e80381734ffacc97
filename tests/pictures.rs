//! Pictures: logos and photos of the data and pictures of content pages, processed at build
//! time. The fixture `pictures-site` names its pictures; each test draws them into a copy of it
//! (a phone photo with GPS position and orientation, hostile files), builds, and reads the
//! output and the cache.

mod common;

use common::{build, copy_fixture, read, tree};
use image::ImageEncoder;
use std::path::Path;

/// A `width`×`height` JPEG, left half red and right half blue.
fn two_colour_jpeg(width: u32, height: u32) -> Vec<u8> {
    let mut pixels = Vec::new();
    for _ in 0..height {
        for x in 0..width {
            pixels.extend(if x < width / 2 {
                [220, 20, 20]
            } else {
                [20, 20, 220]
            });
        }
    }
    let mut out = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, 90)
        .write_image(&pixels, width, height, image::ExtendedColorType::Rgb8)
        .unwrap();
    out
}

/// The bytes of the GPS latitude 48° 51' 29.58" as a TIFF rational triple: what must not leak.
const GPS_LATITUDE: [u8; 24] = [
    0, 0, 0, 48, 0, 0, 0, 1, 0, 0, 0, 51, 0, 0, 0, 1, 0, 0, 0x0b, 0x8e, 0, 0, 0, 0x64,
];

/// An EXIF segment (big-endian TIFF) with Orientation 6 (turn 90° clockwise to show) and a
/// GPS position, as a phone writes it.
fn exif_segment() -> Vec<u8> {
    let mut tiff = b"MM\0\x2a\0\0\0\x08".to_vec();
    // IFD0 at 8: Orientation = 6, GPS IFD at 38.
    tiff.extend([0, 2]);
    tiff.extend([0x01, 0x12, 0, 3, 0, 0, 0, 1, 0, 6, 0, 0]);
    tiff.extend([0x88, 0x25, 0, 4, 0, 0, 0, 1, 0, 0, 0, 38]);
    tiff.extend([0, 0, 0, 0]);
    // GPS IFD at 38: latitude reference N, latitude at 68.
    tiff.extend([0, 2]);
    tiff.extend([0, 1, 0, 2, 0, 0, 0, 2, b'N', 0, 0, 0]);
    tiff.extend([0, 2, 0, 5, 0, 0, 0, 3, 0, 0, 0, 68]);
    tiff.extend([0, 0, 0, 0]);
    tiff.extend(GPS_LATITUDE);
    let mut segment = vec![0xff, 0xe1];
    let length = (2 + 6 + tiff.len()) as u16;
    segment.extend(length.to_be_bytes());
    segment.extend(b"Exif\0\0");
    segment.extend(tiff);
    segment
}

/// A phone photo: 600×400 as stored, shown 400×600 (orientation 6), with a GPS position.
fn phone_photo() -> Vec<u8> {
    let jpeg = two_colour_jpeg(600, 400);
    let mut photo = jpeg[..2].to_vec();
    photo.extend(exif_segment());
    photo.extend(&jpeg[2..]);
    photo
}

fn png(width: u32, height: u32) -> Vec<u8> {
    let pixels: Vec<u8> = (0..width * height)
        .flat_map(|i| [(i % 251) as u8, 120, 200, 255])
        .collect();
    let mut out = Vec::new();
    image::codecs::png::PngEncoder::new(&mut out)
        .write_image(&pixels, width, height, image::ExtendedColorType::Rgba8)
        .unwrap();
    out
}

/// A copy of the fixture with its pictures drawn.
fn site() -> tempfile::TempDir {
    let site = copy_fixture("pictures-site");
    let media = site.path().join("data/smes/media");
    std::fs::create_dir_all(&media).unwrap();
    std::fs::write(media.join("cell.jpg"), phone_photo()).unwrap();
    std::fs::write(media.join("beamworks.png"), png(400, 200)).unwrap();
    std::fs::write(site.path().join("content/bench.png"), png(1000, 500)).unwrap();
    site
}

/// Points the SME's first photo at `file`.
fn use_photo(site: &Path, file: &str) {
    let path = site.join("data/smes/beamworks.yaml");
    let text = read(&path).replace("file: cell.jpg", &format!("file: {file}"));
    std::fs::write(path, text).unwrap();
}

fn files_under(dir: &Path, prefix: &str) -> Vec<(String, Vec<u8>)> {
    tree(dir)
        .into_iter()
        .filter(|(path, _)| path.starts_with(prefix))
        .collect()
}

#[test]
fn photos_lose_their_metadata_and_stand_the_right_way_up() {
    let site = site();
    let out = site.path().join("public");
    let run = build(site.path(), &out, &["--no-minify"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let photos = files_under(&out, "smes/media/cell.");
    let names: Vec<&str> = photos.iter().map(|(p, _)| p.as_str()).collect();
    assert_eq!(names.len(), 2, "{names:?}");
    for (path, bytes) in &photos {
        assert!(!bytes.windows(4).any(|w| w == b"Exif"), "{path} keeps EXIF");
        assert!(
            !bytes.windows(24).any(|w| w == GPS_LATITUDE),
            "{path} keeps the GPS position"
        );
        let picture = image::load_from_memory(bytes).unwrap().into_rgb8();
        assert_eq!(picture.dimensions(), (400, 600), "{path}");
        let (top, bottom) = (picture.get_pixel(200, 100), picture.get_pixel(200, 500));
        assert!(
            top[0] > 150 && top[2] < 100,
            "{path}: the red half is not on top: {top:?}"
        );
        assert!(bottom[2] > 150 && bottom[0] < 100, "{path}: {bottom:?}");
    }
    let page = read(&out.join("smes/beamworks/index.html"));
    assert!(
        page.contains("width=\"400\" height=\"600\" alt=\"A welding cell seen from the side\""),
        "{page}"
    );
}

#[test]
fn pages_get_responsive_pictures_and_editors_get_warnings() {
    let site = site();
    let out = site.path().join("public");
    let run = build(site.path(), &out, &["--no-minify"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let page = read(&out.join("workshop/index.html"));
    let expected = "<picture><source type=\"image/webp\" srcset=\"/bench.";
    assert!(page.contains(expected), "{page}");
    assert!(page.contains(".480.webp 480w, /bench."), "{page}");
    assert!(
        page.contains(
            " alt=\"A lens held over a steel bench\" loading=\"lazy\" decoding=\"async\">"
        ),
        "{page}"
    );
    assert!(
        run.stderr.contains(
            "content/workshop.md:10:1: warning: this image has no description (alt text)"
        ),
        "{}",
        run.stderr
    );
    let logo = files_under(&out, "partners/media/nordlight.");
    assert_eq!(logo.len(), 1);
    let svg = String::from_utf8_lossy(&logo[0].1);
    assert!(!svg.contains("script") && !svg.contains("onload"), "{svg}");
    assert!(
        run.stderr.contains("data/partners/nordlight.yaml:6:7: warning: `nordlight.svg`: taken out before publishing: the onload attribute of <svg> (an event handler); a <script> element"),
        "{}",
        run.stderr
    );
    let sme = read(&out.join("smes/beamworks/index.html"));
    assert!(
        sme.contains("<meta property=\"og:image\" content=\"https://example.org/smes/media/cell."),
        "{sme}"
    );
}

#[test]
fn hostile_pictures_are_errors_at_the_line_that_names_them() {
    let site = site();
    let media = site.path().join("data/smes/media");
    // A PNG of a few dozen bytes that claims 100,000 × 100,000 pixels.
    let mut bomb = b"\x89PNG\r\n\x1a\n".to_vec();
    let mut ihdr = b"IHDR".to_vec();
    ihdr.extend(100_000u32.to_be_bytes());
    ihdr.extend(100_000u32.to_be_bytes());
    ihdr.extend([8, 2, 0, 0, 0]);
    let mut crc = flate2::Crc::new();
    crc.update(&ihdr);
    bomb.extend(13u32.to_be_bytes());
    bomb.extend(&ihdr);
    bomb.extend(crc.sum().to_be_bytes());
    // A few kilobytes of zeros, compressed: a real bomb would hold gigabytes of them.
    let mut zeros = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::best());
    std::io::Write::write_all(&mut zeros, &[0; 4096]).unwrap();
    let mut idat = b"IDAT".to_vec();
    idat.extend(zeros.finish().unwrap());
    let mut crc = flate2::Crc::new();
    crc.update(&idat);
    bomb.extend(((idat.len() - 4) as u32).to_be_bytes());
    bomb.extend(&idat);
    bomb.extend(crc.sum().to_be_bytes());
    bomb.extend(b"\0\0\0\0IEND\xaeB`\x82");
    std::fs::write(media.join("bomb.png"), bomb).unwrap();
    std::fs::write(
        media.join("fake.png"),
        b"<html>a web page saved as .png</html>",
    )
    .unwrap();
    let yaml = site.path().join("data/smes/beamworks.yaml");
    let text = read(&yaml).replace("logo: beamworks.png", "logo: fake.png")
        + "  - file: bomb.png\n    alt: A bomb\n  - file: gone.jpg\n    alt: Nothing\n";
    std::fs::write(&yaml, text).unwrap();
    let run = build(site.path(), &site.path().join("public"), &[]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert_reported(
        &run.stderr,
        &[
            "data/smes/beamworks.yaml:11:7: error: `fake.png` is not a picture pimap reads: its content is not PNG, JPEG, WebP or GIF",
            "data/smes/beamworks.yaml:16:11: error: `bomb.png` claims 100000×100000 pixels; pimap decodes at most 50 million pixels and 20000 pixels a side",
            "data/smes/beamworks.yaml:18:11: error: `gone.jpg`: there is no file data/smes/media/gone.jpg",
        ],
    );
}

#[test]
fn a_truncated_jpeg_is_an_error_at_its_line() {
    let site = site();
    let whole = two_colour_jpeg(800, 600);
    let cut = &whole[..whole.len() / 2];
    std::fs::write(site.path().join("data/smes/media/cut.jpg"), cut).unwrap();
    use_photo(site.path(), "cut.jpg");
    let run = build(site.path(), &site.path().join("public"), &[]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(
        run.stderr.contains("data/smes/beamworks.yaml:13:11: error: `cut.jpg` is cut short: the JPEG stops before its end; send the whole file again"),
        "{}",
        run.stderr
    );
}

#[test]
fn a_40_mb_photo_is_published_with_warnings() {
    let site = site();
    // Noise barely compresses: 4400 × 3300 pixels of it make a JPEG of over 40 MB.
    let (width, height) = (4400, 3300);
    let mut state = 0x2545_f491_4f6c_dd1d_u64;
    let pixels: Vec<u8> = (0..width * height * 3)
        .map(|_| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state as u8
        })
        .collect();
    let mut big = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut big, 100)
        .write_image(&pixels, width, height, image::ExtendedColorType::Rgb8)
        .unwrap();
    assert!(big.len() > 40_000_000, "{}", big.len());
    let megabytes = format!("{:.1}", big.len() as f64 / 1_048_576.0);
    std::fs::write(site.path().join("data/smes/media/big.jpg"), big).unwrap();
    use_photo(site.path(), "big.jpg");
    let out = site.path().join("public");
    let run = build(site.path(), &out, &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let heavy = format!(
        "data/smes/beamworks.yaml:13:11: warning: `big.jpg` is {megabytes} MB; pictures over 2 MB slow down uploads and builds"
    );
    assert!(run.stderr.contains(&heavy), "{}", run.stderr);
    assert!(
        run.stderr.contains(
            "warning: `big.jpg` is 4400 pixels wide; the site shows it at most 1440 wide"
        ),
        "{}",
        run.stderr
    );
    let sizes: Vec<String> = files_under(&out, "smes/media/big.")
        .into_iter()
        .map(|(p, _)| p)
        .collect();
    assert_eq!(sizes.len(), 7, "{sizes:?}");
}

#[test]
fn a_rebuild_takes_every_picture_from_the_cache_and_the_cache_keeps_only_what_is_used() {
    let site = site();
    let out = site.path().join("public");
    let first = build(site.path(), &out, &[]);
    assert_eq!(first.code, 0, "{}", first.stderr);
    assert!(
        first.stdout.contains(" read, 3 decoded"),
        "{}",
        first.stdout
    );
    let built = tree(&out);
    let second = build(site.path(), &out, &[]);
    assert!(
        second.stdout.contains(" read, 0 decoded, 0 sizes made, "),
        "{}",
        second.stdout
    );
    assert_eq!(tree(&out), built, "a rebuild from the cache differs");
    let cache = site.path().join(".pimap-cache/images");
    let entries = |dir: &Path| std::fs::read_dir(dir).unwrap().count();
    let before = entries(&cache);
    // A new photo: its old sizes leave the cache, the others stay.
    std::fs::write(
        site.path().join("data/smes/media/cell.jpg"),
        two_colour_jpeg(300, 200),
    )
    .unwrap();
    let third = build(site.path(), &out, &[]);
    assert!(
        third.stdout.contains(" read, 1 decoded, 2 sizes made, "),
        "{}",
        third.stdout
    );
    assert_eq!(entries(&cache), before);
    let stale = std::fs::read_dir(&cache)
        .unwrap()
        .flatten()
        .filter(|e| e.file_name().to_string_lossy().contains("-400-"))
        .count();
    assert_eq!(stale, 0, "the old photo's sizes are still in the cache");
}

/// The line of `pimap build` that says how it got its pictures.
fn picture_line(stdout: &str) -> &str {
    stdout
        .lines()
        .find(|line| line.starts_with("Pictures: "))
        .unwrap_or(stdout)
}

/// Sets the modification time of `path` back to `time`, as `touch -d` or `cp -p` would.
fn set_modified(path: &Path, time: std::time::SystemTime) {
    std::fs::File::options()
        .write(true)
        .open(path)
        .unwrap()
        .set_modified(time)
        .unwrap();
}

#[test]
#[cfg(unix)]
fn a_rebuild_reads_no_unchanged_picture_and_sees_every_edit() {
    let site = site();
    // The manifest trusts only what has not changed for two seconds before a build reads it.
    std::thread::sleep(std::time::Duration::from_millis(2100));
    let out = site.path().join("public");
    let build_line = |expected: &str| {
        let run = build(site.path(), &out, &[]);
        assert_eq!(run.code, 0, "{}", run.stderr);
        assert_eq!(picture_line(&run.stdout), expected, "{}", run.stdout);
    };
    // Four pictures: two photos, a content picture and an SVG logo; the content picture is
    // also published as sent, from the cache after the first build.
    build_line("Pictures: 4 read, 3 decoded, 12 sizes made, 0 taken from the cache");
    let built = tree(&out);
    build_line("Pictures: 0 read, 0 decoded, 0 sizes made, 13 taken from the cache");
    assert_eq!(tree(&out), built, "a rebuild from the manifest differs");
    // Saved again unchanged (a new date): read and hashed, but nothing is made again.
    let bench = site.path().join("content/bench.png");
    set_modified(&bench, std::time::SystemTime::now());
    std::thread::sleep(std::time::Duration::from_millis(2100));
    build_line("Pictures: 1 read, 0 decoded, 0 sizes made, 13 taken from the cache");
    assert_eq!(tree(&out), built, "a touched picture changed the site");
    // Edited in place to the same size, its date put back: the change time still shows it.
    let cell = site.path().join("data/smes/media/cell.jpg");
    let modified = std::fs::metadata(&cell).unwrap().modified().unwrap();
    let mut photo = std::fs::read(&cell).unwrap();
    let at = photo.windows(24).position(|w| w == GPS_LATITUDE).unwrap();
    photo[at + 3] = 49;
    std::fs::write(&cell, &photo).unwrap();
    set_modified(&cell, modified);
    build_line("Pictures: 1 read, 1 decoded, 2 sizes made, 11 taken from the cache");
    // A damaged manifest is an empty one: every picture is read, nothing is made again.
    std::thread::sleep(std::time::Duration::from_millis(2100));
    std::fs::write(
        site.path().join(".pimap-cache/images/manifest.json"),
        "{ not json",
    )
    .unwrap();
    build_line("Pictures: 4 read, 0 decoded, 0 sizes made, 13 taken from the cache");
}

/// The picture URLs in `html` (`src`, `srcset` and `og:image`), as paths from the site root.
fn picture_paths(html: &str) -> Vec<String> {
    html.split(|c: char| c.is_whitespace() || matches!(c, '"' | '\'' | ',' | '>' | '<' | '='))
        .map(|token| token.trim_start_matches("https://example.org"))
        .filter(|token| {
            token.starts_with('/')
                && [".webp", ".jpg", ".png", ".svg"]
                    .iter()
                    .any(|extension| token.ends_with(extension))
        })
        .map(str::to_owned)
        .collect()
}

#[test]
fn every_language_shows_the_one_copy_of_each_picture_at_the_root() {
    let site = site();
    let config = site.path().join("site.yaml");
    let text = read(&config) + "languages:\n  - code: fr\n    name: Français\n";
    std::fs::write(config, text).unwrap();
    let out = site.path().join("public");
    let run = build(site.path(), &out, &["--no-minify"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    // A processed picture's name carries its hash: `cell.0123456789.400.webp`.
    let processed = |path: &str| {
        let name = path.rsplit('/').next().unwrap_or(path);
        name.split('.')
            .nth(1)
            .is_some_and(|hash| hash.len() == 10 && hash.bytes().all(|b| b.is_ascii_hexdigit()))
    };
    let copies: Vec<String> = files_under(&out, "fr/")
        .into_iter()
        .map(|(path, _)| path)
        .filter(|path| picture_paths(&format!("/{path}")).len() == 1 && processed(path))
        .collect();
    assert_eq!(copies, Vec::<String>::new(), "pictures written twice");
    for page in [
        "fr/smes/beamworks/index.html",
        "fr/workshop/index.html",
        "fr/index.html",
    ] {
        let html = read(&out.join(page));
        let paths = picture_paths(&html);
        assert!(!paths.is_empty(), "{page} shows no picture: {html}");
        for path in paths {
            assert!(
                out.join(path.trim_start_matches('/')).is_file(),
                "{page} shows {path}, which is not in the output"
            );
        }
    }
    let sme = read(&out.join("fr/smes/beamworks/index.html"));
    assert!(
        sme.contains("<meta property=\"og:image\" content=\"https://example.org/smes/media/cell."),
        "{sme}"
    );
}

/// Replaces the SME's one-line offer with `lines`, as a literal block.
fn write_offer(site: &Path, lines: &[&str]) {
    let path = site.join("data/smes/beamworks.yaml");
    let block: String = lines.iter().map(|line| format!("  {line}\n")).collect();
    let text = read(&path).replace(
        "offer: We build laser welding cells.\n",
        &format!("offer: |\n{block}"),
    );
    std::fs::write(path, text).unwrap();
}

#[test]
fn images_in_data_text_are_responsive_pictures_of_the_media_folder() {
    let site = site();
    std::fs::write(site.path().join("data/smes/media/seam.png"), png(1000, 500)).unwrap();
    write_offer(
        site.path(),
        &[
            "We build laser welding cells.",
            "",
            "![A weld seam, close up](seam.png)",
        ],
    );
    let out = site.path().join("public");
    let run = build(site.path(), &out, &["--no-minify"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let page = read(&out.join("smes/beamworks/index.html"));
    let start = page.find("<picture><source type=\"image/webp\" srcset=\"/smes/media/seam.");
    let Some(start) = start else {
        panic!("no picture of seam.png: {page}")
    };
    let picture = &page[start..];
    let picture = &picture[..picture.find("</picture>").unwrap() + "</picture>".len()];
    insta::assert_snapshot!("data_text_picture", picture);
    for path in picture_paths(picture) {
        assert!(
            out.join(&path[1..]).is_file(),
            "{path} is not in the output"
        );
    }
}

#[test]
fn images_in_data_text_that_cannot_be_shown_are_errors_at_their_line() {
    let site = site();
    let media = site.path().join("data/smes/media");
    std::fs::write(media.join("fake.png"), b"<html>a web page</html>").unwrap();
    write_offer(
        site.path(),
        &[
            "We build laser welding cells.",
            "",
            "![A tracking pixel](https://tracker.example/p.gif)",
            "Our cell: ![](cell.jpg) and ![A cell](cel.jpg)",
            "![A page](fake.png)",
        ],
    );
    let run = build(site.path(), &site.path().join("public"), &[]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert_reported(
        &run.stderr,
        &[
            "data/smes/beamworks.yaml:13:3: error: image `https://tracker.example/p.gif` is on another site: text from data may only show pictures of this site",
            "data/smes/beamworks.yaml:14:13: error: image `cell.jpg` has no description (alt text)",
            "data/smes/beamworks.yaml:14:31: error: image `cel.jpg`: there is no picture data/smes/media/cel.jpg",
            "data/smes/beamworks.yaml:15:3: error: image `fake.png` is not a picture pimap reads: its content is not PNG, JPEG, WebP or GIF",
        ],
    );
}

#[test]
fn images_in_data_text_get_the_warnings_of_photos_at_their_place() {
    let site = site();
    let media = site.path().join("data/smes/media");
    std::fs::write(media.join("wide.png"), png(4400, 60)).unwrap();
    let mut state = 0x2545_f491_4f6c_dd1d_u64;
    let noise: Vec<u8> = (0..1200 * 700 * 3)
        .map(|_| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state as u8
        })
        .collect();
    let mut heavy = Vec::new();
    image::codecs::png::PngEncoder::new(&mut heavy)
        .write_image(&noise, 1200, 700, image::ExtendedColorType::Rgb8)
        .unwrap();
    let megabytes = format!("{:.1}", heavy.len() as f64 / 1_048_576.0);
    std::fs::write(media.join("heavy.png"), heavy).unwrap();
    write_offer(
        site.path(),
        &[
            "We build laser welding cells.",
            "",
            "A cell: ![A wide bench](wide.png)",
            "![Static on a screen](heavy.png)",
        ],
    );
    let run = build(site.path(), &site.path().join("public"), &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_reported(
        &run.stderr,
        &[
            "data/smes/beamworks.yaml:13:11: warning: `wide.png` is 4400 pixels wide; the site shows it at most 1440 wide",
            &format!(
                "data/smes/beamworks.yaml:14:3: warning: `heavy.png` is {megabytes} MB; pictures over 2 MB slow down uploads and builds"
            ),
        ],
    );
}

#[test]
fn an_edit_that_changes_the_pictures_of_data_text_rebuilds_as_a_full_build() {
    use pimap::incremental::{MemoryOutput, Session};
    let site = site();
    std::fs::write(site.path().join("data/smes/media/seam.png"), png(1000, 500)).unwrap();
    let options = pimap::BuildOptions::new(site.path());
    let mut session = Session::new(options.clone());
    session.rebuild(&[]).expect("the fixture builds");
    let full_build = || {
        let memory = MemoryOutput::default();
        pimap::generate(&options, &memory).unwrap();
        memory.into_files()
    };
    let rel = std::path::PathBuf::from("data/smes/beamworks.yaml");
    let original = read(&site.path().join(&rel));
    for image in ["![A weld seam, close up](seam.png)", "Not shown any more."] {
        std::fs::write(site.path().join(&rel), &original).unwrap();
        write_offer(site.path(), &["We build laser welding cells.", "", image]);
        let rebuild = session.rebuild(std::slice::from_ref(&rel)).unwrap();
        let reason = rebuild.fallback.unwrap_or_default();
        assert!(
            reason.ends_with("changes the pictures its text shows"),
            "{image}: {reason:?} {:?}",
            rebuild.reasons
        );
        let (incremental, full) = (session.files(), full_build());
        let mut paths: Vec<&String> = incremental.keys().collect();
        paths.sort();
        let mut expected: Vec<&String> = full.keys().collect();
        expected.sort();
        assert_eq!(paths, expected, "{image}");
        assert!(full.iter().all(|(path, bytes)| incremental[path] == *bytes));
    }
}

#[test]
fn a_picture_only_translated_data_text_shows_is_published() {
    let site = site();
    std::fs::write(site.path().join("data/smes/media/seam.png"), png(1000, 500)).unwrap();
    let config = site.path().join("site.yaml");
    let text = read(&config) + "languages:\n  - code: fr\n    name: Français\n";
    std::fs::write(config, text).unwrap();
    std::fs::write(
        site.path().join("data/smes/beamworks.fr.yaml"),
        "offer: \"![Une soudure](seam.png)\"\n",
    )
    .unwrap();
    let out = site.path().join("public");
    let run = build(site.path(), &out, &["--no-minify"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let page = read(&out.join("fr/smes/beamworks/index.html"));
    let paths: Vec<String> = picture_paths(&page)
        .into_iter()
        .filter(|path| path.starts_with("/smes/media/seam."))
        .collect();
    assert!(!paths.is_empty(), "no picture of seam.png: {page}");
    for path in paths {
        assert!(
            out.join(&path[1..]).is_file(),
            "{path} is not in the output"
        );
    }
}

/// A `width`×`height` PNG of one colour, tagged with the colour profile `icc`.
fn tagged_png(width: u32, height: u32, colour: [u8; 3], icc: Vec<u8>) -> Vec<u8> {
    let pixels: Vec<u8> = (0..width * height).flat_map(|_| colour).collect();
    let mut out = Vec::new();
    let mut encoder = image::codecs::png::PngEncoder::new(&mut out);
    encoder.set_icc_profile(icc).unwrap();
    encoder
        .write_image(&pixels, width, height, image::ExtendedColorType::Rgb8)
        .unwrap();
    out
}

#[test]
fn a_picture_with_a_display_p3_profile_is_published_in_srgb() {
    let site = site();
    let media = site.path().join("data/smes/media");
    let p3 = moxcms::ColorProfile::new_display_p3().encode().unwrap();
    std::fs::write(
        media.join("beamworks.png"),
        tagged_png(200, 100, [200, 100, 50], p3),
    )
    .unwrap();
    let out = site.path().join("public");
    let run = build(site.path(), &out, &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let logo = files_under(&out, "smes/media/beamworks.");
    let (path, bytes) = logo.iter().find(|(p, _)| p.ends_with(".200.png")).unwrap();
    let published = image::load_from_memory(bytes).unwrap().into_rgb8();
    // Display P3 (200, 100, 50) is sRGB (214.9, 92.6, 31.0): the same colour, told in sRGB.
    let pixel = published.get_pixel(100, 50).0;
    let expected = [214.9, 92.6, 31.0];
    for (got, want) in pixel.iter().zip(expected) {
        assert!(
            (f64::from(*got) - want).abs() <= 2.0,
            "{path}: {pixel:?}, expected {expected:?}"
        );
    }
}

/// Whether `a` and `b` are one file (hard links to the same data).
#[cfg(unix)]
fn same_file(a: &Path, b: &Path) -> bool {
    use std::os::unix::fs::MetadataExt;
    let id = |p: &Path| std::fs::metadata(p).map(|m| (m.dev(), m.ino())).ok();
    id(a).is_some() && id(a) == id(b)
}

#[test]
#[cfg(unix)]
fn a_rebuild_takes_content_pictures_from_the_cache_without_reading_them() {
    let site = site();
    std::thread::sleep(std::time::Duration::from_millis(2100));
    let out = site.path().join("public");
    let first = build(site.path(), &out, &[]);
    assert_eq!(first.code, 0, "{}", first.stderr);
    let second = build(site.path(), &out, &[]);
    assert_eq!(
        picture_line(&second.stdout),
        "Pictures: 0 read, 0 decoded, 0 sizes made, 13 taken from the cache"
    );
    // The copy of the picture as sent is the cache's file, not a copy read again each build.
    let original = out.join("bench.png");
    assert_eq!(std::fs::read(&original).unwrap(), png(1000, 500));
    let cached = std::fs::read_dir(site.path().join(".pimap-cache/images"))
        .unwrap()
        .flatten()
        .any(|entry| same_file(&entry.path(), &original));
    assert!(cached, "{} is not the cache's file", original.display());
}

/// Asserts that `stderr` holds every line of `expected`.
fn assert_reported(stderr: &str, expected: &[&str]) {
    for line in expected {
        assert!(stderr.contains(line), "{line}\n---\n{stderr}");
    }
}
