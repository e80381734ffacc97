//! Hands every picture output of the plan to the sink: an SVG as sanitised when it was read,
//! every other size from the cache when it is there (the sink may link to the cache's file
//! rather than copy it), else made from the source, which is
//! decoded once however many of its sizes are missing, and resized once for each width. Pictures are made in parallel.
//! A content picture is also published as it was sent, beside its page; that copy is a cache
//! entry too, so that a rebuild neither reads nor compares the source again.

use super::cache::{self, PictureCache};
use super::{Picture, process};
use crate::OutputSink;
use crate::diagnostics::Diagnostic;
use crate::plan::{OutputOwner, OutputPlan};
use crate::site::Site;
use rayon::prelude::*;
use std::collections::BTreeMap;

/// Writes every picture output of `plan` to `sink`; returns the problems.
pub fn publish(
    site: &Site,
    plan: &OutputPlan,
    cache: &PictureCache,
    sink: &dyn OutputSink,
) -> Vec<Diagnostic> {
    let mut by_picture: BTreeMap<usize, Vec<(usize, &str)>> = BTreeMap::new();
    let mut originals = Vec::new();
    for output in &plan.outputs {
        if let OutputOwner::Picture(p, v) = output.owner {
            by_picture.entry(p).or_default().push((v, &output.path));
        } else if let Some(p) = output.owner.picture_copied(site) {
            originals.push((p, output.path.as_str()));
        }
    }
    let originals = originals
        .into_par_iter()
        .filter_map(|(p, path)| publish_original(&site.pictures[p], path, cache, sink).err());
    by_picture
        .into_par_iter()
        .filter_map(|(p, outputs)| publish_one(&site.pictures[p], &outputs, cache, sink).err())
        .chain(originals)
        .collect()
}

/// Publishes `picture` as it was sent at `path`, from the cache (where it is put first).
fn publish_original(
    picture: &Picture,
    path: &str,
    cache: &PictureCache,
    sink: &dyn OutputSink,
) -> Result<(), Diagnostic> {
    let extension = path.rsplit_once('.').map_or("", |(_, extension)| extension);
    let key = cache::original_key(picture.file.hash, &extension.to_ascii_lowercase());
    if let Some(entry) = cache.entry(&key) {
        return sink.link_cached(path, &entry);
    }
    let bytes = read_source(picture)?;
    match cache.store(&key, &bytes) {
        Some(entry) => sink.link_cached(path, &entry),
        None => sink.write(path, &bytes),
    }
}

/// The bytes of `picture`'s file, as long as they are still those that were read.
fn read_source(picture: &Picture) -> Result<Vec<u8>, Diagnostic> {
    let fail =
        |why: String| Diagnostic::file_error(&picture.file.rel, format!("this picture {why}"));
    let bytes =
        std::fs::read(&picture.file.path).map_err(|e| fail(format!("cannot be read: {e}")))?;
    if xxhash_rust::xxh3::xxh3_128(&bytes) != picture.file.hash {
        return Err(fail(
            "changed while the site was being built; build again".into(),
        ));
    }
    Ok(bytes)
}

fn publish_one(
    picture: &Picture,
    outputs: &[(usize, &str)],
    cache: &PictureCache,
    sink: &dyn OutputSink,
) -> Result<(), Diagnostic> {
    if let Some(svg) = &picture.probe.svg {
        for (_, path) in outputs {
            sink.write(path, svg.text.as_bytes())?;
        }
        return Ok(());
    }
    let fail =
        |why: String| Diagnostic::file_error(&picture.file.rel, format!("this picture {why}"));
    let mut missing = Vec::new();
    for &(v, path) in outputs {
        let variant = picture.variants[v];
        let key = cache::key(picture.file.hash, variant.width, variant.format.extension());
        match cache.entry(&key) {
            Some(entry) => sink.link_cached(path, &entry)?,
            None => missing.push((variant, key, path)),
        }
    }
    if missing.is_empty() {
        return Ok(());
    }
    let bytes = read_source(picture)?;
    cache.count_decode();
    let upright = process::decode(&bytes).map_err(fail)?;
    drop(bytes);
    // Variants are sorted by width: each width is resized once for all its formats.
    for same_width in missing.chunk_by(|a, b| a.0.width == b.0.width) {
        let resized = process::resized(&upright, same_width[0].0.width).map_err(fail)?;
        for (variant, key, path) in same_width {
            let bytes = process::encode(&resized, variant.format).map_err(fail)?;
            match cache.put(key, &bytes) {
                Some(entry) => sink.link_cached(path, &entry)?,
                None => sink.write(path, &bytes)?,
            }
        }
    }
    Ok(())
}
