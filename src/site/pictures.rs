//! The pictures a site publishes: every logo and photo the data names (in `data/<kind>/media/`),
//! every picture an image in the Markdown of data shows (in any language), and every picture among
//! the content files, each with the roles it is shown in (logo, photo, shared page) and so the
//! sizes it is published at; and [`data_pictures`], what images in data text may show. An image in
//! data text is checked where the text is rendered (`markdown::data_images`). A logo or photo that
//! is missing, is no picture or cannot be decoded safely is an error at the line that names it;
//! editors are warned of files over 2 MB, pictures much wider than the site shows, and what was
//! taken out of an SVG, at the line that names it (for an image in data text, at the first image
//! that shows it). Nothing here reads a file: the files were read and probed when the site was
//! loaded.

use super::entity_fields::{field_of, named_pictures, named_pictures_at};
use crate::diagnostics::{Diagnostic, did_you_mean};
use crate::markdown::data_images::DataPictures;
use crate::pictures::{self, Picture, PictureFile, Role, SourceFormat};
use crate::source::data::{DataFile, Entities};
use crate::source::picture_fields::media_rel;
use std::collections::{BTreeMap, BTreeSet, HashMap};

/// One place where the data names a picture.
struct Reference<'a> {
    source: &'a DataFile,
    key: &'static str,
    name: &'a str,
    /// The kind's folder in `data/`: `smes`.
    folder: &'static str,
    role: Role,
}

/// Resolves the pictures of the site from the probed `files`; `shown_in_text` are the files of
/// `media/` folders that data text shows in any language ([`shown_in_text`]); `content_outputs`
/// maps a content file (`content/news/x/photo.jpg`) to where its copy is written.
pub fn resolve(
    files: &[PictureFile],
    entities: &Entities,
    shown_in_text: &BTreeSet<String>,
    content_outputs: &HashMap<String, String>,
    errors: &mut Vec<Diagnostic>,
) -> Vec<Picture> {
    let by_rel: HashMap<&str, &PictureFile> = files.iter().map(|f| (f.rel.as_str(), f)).collect();
    let mut roles: BTreeMap<&str, BTreeSet<Role>> = BTreeMap::new();
    for rel in shown_in_text {
        if let Some(file) = by_rel.get(rel.as_str()).filter(|f| f.probe.is_ok()) {
            roles
                .entry(file.rel.as_str())
                .or_default()
                .insert(Role::Photo);
        }
    }
    errors.extend(text_advice(entities, &by_rel));
    for reference in references(entities) {
        if !pictures::is_picture_name(reference.name) || reference.name.contains('/') {
            continue; // reported with the data file
        }
        let rel = media_rel(reference.folder, reference.name);
        let Some(file) = by_rel.get(rel.as_str()) else {
            errors.push(missing(&reference, &rel, files));
            continue;
        };
        match &file.probe {
            Err(why) => errors.push(reference.at(format!("`{}` {why}", reference.name))),
            Ok(probe) if probe.format == SourceFormat::Svg && reference.key == "photos" => errors
                .push(reference.at(format!(
                    "`{}` is an SVG drawing; a photo must be PNG, JPEG, WebP or GIF",
                    reference.name
                ))),
            Ok(probe) => {
                let new = roles
                    .entry(file.rel.as_str())
                    .or_default()
                    .insert(reference.role);
                if new && reference.role != Role::Share {
                    let at = |message| reference.at(message);
                    let shown = (reference.name, reference.role);
                    errors.extend(advice(&at, shown, file, probe));
                }
            }
        }
    }
    for file in files {
        if file.rel.starts_with("content/") && file.probe.is_ok() {
            roles
                .entry(file.rel.as_str())
                .or_default()
                .insert(Role::Photo);
        }
    }
    roles
        .into_iter()
        .filter_map(|(rel, roles)| {
            let file = by_rel.get(rel)?;
            let probe = file.probe.as_ref().ok()?.clone();
            let output = match rel.strip_prefix("content/") {
                Some(_) => content_outputs.get(rel)?.clone(),
                None => rel.strip_prefix("data/")?.to_owned(),
            };
            let stem = output
                .rsplit_once('.')
                .map_or(output.as_str(), |(stem, _)| stem);
            let roles: Vec<Role> = roles.into_iter().collect();
            Some(Picture {
                variants: pictures::variants(&probe, &roles),
                output_stem: stem.to_owned(),
                file: (*file).clone(),
                probe,
            })
        })
        .collect()
}

impl Reference<'_> {
    fn at(&self, message: String) -> Diagnostic {
        self.source.at(self.key, Some(self.name), message)
    }
}

/// What images in data text may show: every picture of a `media/` folder with the sizes of a
/// photo (under `base_path`), or why it cannot be shown. A picture no text shows has none.
pub fn data_pictures(
    base_path: &str,
    files: &[PictureFile],
    published: &[Picture],
) -> DataPictures {
    let media = files.iter().filter(|f| f.rel.starts_with("data/"));
    let mut shown: DataPictures = media
        .filter_map(|f| Some((f.rel.clone(), Err(f.probe.as_ref().err()?.clone()))))
        .collect();
    for picture in published.iter().filter(|p| p.file.rel.starts_with("data/")) {
        let set = crate::plan::picture_set(base_path, picture, Some(&pictures::PHOTO_WIDTHS));
        if let Some(set) = set {
            shown.insert(picture.file.rel.clone(), Ok(set));
        }
    }
    shown
}

/// The files of `media/` folders that the Markdown fields of `entities` show.
pub fn shown_in_text(entities: &Entities) -> Vec<String> {
    markdown_fields(entities)
        .flat_map(|(source, _, text)| named_pictures(source, text))
        .collect()
}

/// The file, key and text of the Markdown field of every entity that has one.
fn markdown_fields(entities: &Entities) -> impl Iterator<Item = (&DataFile, &'static str, &str)> {
    use super::entities::EntityKind;
    let count = |kind| match kind {
        EntityKind::Partner => entities.partners.len(),
        EntityKind::Sme => entities.smes.len(),
        EntityKind::Mission => entities.missions.len(),
        EntityKind::Practice => entities.practices.len(),
    };
    EntityKind::ALL
        .into_iter()
        .flat_map(move |kind| (0..count(kind)).map(move |index| (kind, index)))
        .filter_map(|(kind, index)| field_of(entities, kind, index))
}

/// Warnings for the editor about the pictures images in the data text of `entities` show, at
/// the first image that shows each.
fn text_advice(entities: &Entities, by_rel: &HashMap<&str, &PictureFile>) -> Vec<Diagnostic> {
    let mut advised = BTreeSet::new();
    let mut warnings = Vec::new();
    for (source, key, text) in markdown_fields(entities) {
        for (offset, rel) in named_pictures_at(source, text) {
            let Some(file) = by_rel.get(rel.as_str()) else {
                continue;
            };
            let Ok(probe) = &file.probe else {
                continue; // an error where the text is rendered
            };
            if advised.insert(rel.clone()) {
                let name = rel.rsplit('/').next().unwrap_or(&rel);
                let at = |message| source.at_offset_in(key, text, offset, message);
                warnings.extend(advice(&at, (name, Role::Photo), file, probe));
            }
        }
    }
    warnings
}

/// Every `logo` and `photos` entry of the data, in file order.
fn references(entities: &Entities) -> Vec<Reference<'_>> {
    let mut references = Vec::new();
    for partner in &entities.partners {
        if let Some(logo) = &partner.record.logo {
            references.push(Reference {
                source: &partner.source,
                key: "logo",
                name: logo,
                folder: "partners",
                role: Role::Logo,
            });
        }
    }
    for sme in &entities.smes {
        let folder = "smes";
        if let Some(logo) = &sme.record.logo {
            references.push(Reference {
                source: &sme.source,
                key: "logo",
                name: logo,
                folder,
                role: Role::Logo,
            });
        }
        for (i, photo) in sme.record.photos.iter().enumerate() {
            let roles: &[Role] = if i == 0 {
                &[Role::Photo, Role::Share]
            } else {
                &[Role::Photo]
            };
            for &role in roles {
                references.push(Reference {
                    source: &sme.source,
                    key: "photos",
                    name: &photo.file,
                    folder,
                    role,
                });
            }
        }
    }
    references
}

fn missing(reference: &Reference, rel: &str, files: &[PictureFile]) -> Diagnostic {
    let folder = media_rel(reference.folder, "");
    let here = files
        .iter()
        .filter_map(|f| f.rel.strip_prefix(folder.as_str()));
    let help = match did_you_mean(reference.name, here) {
        Some(best) => format!("did you mean `{best}`?"),
        None => format!("put the file in {folder}"),
    };
    reference
        .at(format!("`{}`: there is no file {rel}", reference.name))
        .with_help(help)
}

/// Warnings for the editor about a usable picture, named `name` where `at` places a message and
/// shown as `role`: too heavy, much wider than shown, or an SVG that had things taken out.
fn advice(
    at: &dyn Fn(String) -> Diagnostic,
    (name, role): (&str, Role),
    file: &PictureFile,
    probe: &pictures::Probe,
) -> Vec<Diagnostic> {
    let mut warnings = Vec::new();
    if file.bytes > pictures::LARGE_FILE_BYTES {
        warnings.push(
            at(format!(
                "`{name}` is {:.1} MB; pictures over 2 MB slow down uploads and builds",
                file.bytes as f64 / 1_048_576.0
            ))
            .with_help(
                "export it again at a lower quality or size (see \"Pictures\" in the README)",
            )
            .warning(),
        );
    }
    let widest = role.widest();
    if probe.format != SourceFormat::Svg && probe.width > 2 * widest {
        warnings.push(
            at(format!(
                "`{name}` is {} pixels wide; the site shows it at most {widest} wide",
                probe.width
            ))
            .with_help(format!(
                "send a picture {widest} to {} pixels wide",
                2 * widest
            ))
            .warning(),
        );
    }
    if let Some(svg) = probe.svg.as_ref().filter(|s| !s.removed.is_empty()) {
        warnings.push(
            at(format!(
                "`{name}`: taken out before publishing: {}",
                svg.removed.join("; ")
            ))
            .with_help(
                "a logo needs none of these; export it again as plain SVG to silence this warning",
            )
            .warning(),
        );
    }
    warnings
}
