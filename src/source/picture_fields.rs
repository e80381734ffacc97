//! The picture fields of data: `logo` (SMEs and partners) and `photos` (SMEs), file names in
//! the kind's `media/` folder (`data/smes/media/`). Checked here, in the file alone: each name is
//! a plain file name, and each photo has a real description (`alt`), not empty and not its file
//! name. Whether the file exists and is a picture is checked once every file is read
//! (`site::pictures`).

use super::data::DataFile;
use crate::diagnostics::Diagnostic;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// The folder of an entity kind's pictures, inside `data/<kind>/`.
pub const MEDIA_DIR: &str = "media";

/// What the JSON Schemas accept as a picture field: a file name (no folder, not hidden) with a
/// picture's extension, as [`check`] does.
pub const FILE_NAME_PATTERN: &str = r"^[^./\\][^/\\]*\.([Pp][Nn][Gg]|[Jj][Pp][Ee]?[Gg]|[Ww][Ee][Bb][Pp]|[Gg][Ii][Ff]|[Ss][Vv][Gg])$";

/// A picture field's file from the site root: `lens.jpg` of `smes` is `data/smes/media/lens.jpg`.
pub fn media_rel(folder: &str, file: &str) -> String {
    format!("data/{folder}/{MEDIA_DIR}/{file}")
}

/// One photo of an SME.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Photo {
    /// A file in `data/smes/media/`.
    #[schemars(pattern(FILE_NAME_PATTERN))]
    pub file: String,
    /// What the photo shows, for people who cannot see it.
    pub alt: String,
    /// Text shown under the photo.
    #[serde(default)]
    pub caption: Option<String>,
}

/// Checks the `logo` and `photos` of one data file.
pub fn check(
    source: &DataFile,
    logo: Option<&str>,
    photos: &[Photo],
    errors: &mut Vec<Diagnostic>,
) {
    if let Some(logo) = logo {
        check_name(source, "logo", logo, errors);
    }
    for photo in photos {
        check_name(source, "photos", &photo.file, errors);
        let alt = photo.alt.trim();
        let stem = photo
            .file
            .rsplit_once('.')
            .map_or(photo.file.as_str(), |(stem, _)| stem);
        let problem = if alt.is_empty() {
            Some("is empty")
        } else if alt.eq_ignore_ascii_case(&photo.file) || alt.eq_ignore_ascii_case(stem) {
            Some("is the file name")
        } else {
            None
        };
        if let Some(problem) = problem {
            errors.push(
                at_alt(source, &photo.file, format!("the description (`alt`) of photo `{}` {problem}", photo.file))
                    .with_help("say what the photo shows for people who cannot see it, e.g. `alt: A fibre laser cutting a steel sheet`"),
            );
        }
    }
}

/// At the `alt` of the photo whose `file` is `file` (the first `alt:` after its name).
fn at_alt(source: &DataFile, file: &str, message: String) -> Diagnostic {
    let lines: Vec<&str> = source.text.lines().collect();
    let photos = lines
        .iter()
        .position(|l| l.starts_with("photos:"))
        .unwrap_or(0);
    let named = (photos..lines.len())
        .find(|&i| lines[i].contains(file))
        .unwrap_or(photos);
    let alt = (named..lines.len()).find(|&i| {
        let item = lines[i].trim_start().trim_start_matches("- ");
        item.starts_with("alt:") || item.contains(" alt:") || item.contains("{alt:")
    });
    let Some(line) = alt else {
        return source.at("photos", Some(file), message);
    };
    let col = lines[line].find("alt:").map_or(0, |c| c + 4);
    let col = col + lines[line][col..].len() - lines[line][col..].trim_start().len();
    Diagnostic::error_at(
        &source.file,
        &source.text,
        line + 1,
        lines[line][..col].chars().count() + 1,
        message,
    )
}

/// A picture field names a file of the media folder, with no folder of its own.
fn check_name(source: &DataFile, key: &str, name: &str, errors: &mut Vec<Diagnostic>) {
    let bad = name.is_empty()
        || name.contains(['/', '\\'])
        || name.starts_with('.')
        || !crate::pictures::is_picture_name(name);
    if let Some((message, help)) = crate::pictures::spaced_name(name).filter(|_| !bad) {
        errors.push(source.at(key, Some(name), message).with_help(help));
    }
    if bad {
        errors.push(
            source
                .at(key, Some(name), format!("`{name}` is not the name of a picture file"))
                .with_help(format!(
                    "put the picture in the {MEDIA_DIR}/ folder beside this file and write its name, e.g. `logo.svg` or `workshop.jpg` (PNG, JPEG, WebP, GIF, or SVG for logos)"
                )),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn errors_of(text: &str) -> Vec<(usize, String)> {
        let source = DataFile {
            file: "data/smes/x.yaml".into(),
            text: text.into(),
        };
        let record = crate::source::yaml::parse_value(text).unwrap_or_default();
        let photos: Vec<Photo> =
            serde_json::from_value(record["photos"].clone()).unwrap_or_default();
        let mut errors = Vec::new();
        check(&source, record["logo"].as_str(), &photos, &mut errors);
        errors.into_iter().map(|d| (d.line, d.message)).collect()
    }

    #[test]
    fn alt_texts_must_describe() {
        let text = "logo: ../x.svg\nphotos:\n  - file: a.jpg\n    alt: ''\n  - file: b.jpg\n    alt: B\n  - file: c.png\n    alt: A lens\n";
        assert_eq!(
            errors_of(text),
            [
                (1, "`../x.svg` is not the name of a picture file".to_owned()),
                (
                    4,
                    "the description (`alt`) of photo `a.jpg` is empty".to_owned()
                ),
                (
                    6,
                    "the description (`alt`) of photo `b.jpg` is the file name".to_owned()
                ),
            ]
        );
    }

    #[test]
    fn picture_names_hold_no_spaces() {
        let text = "logo: our logo.svg\nphotos:\n  - file: cell  1.jpg\n    alt: A cell\n  - file: cell-2.jpg\n    alt: Another cell\n";
        assert_eq!(
            errors_of(text),
            [
                (
                    1,
                    "`our logo.svg`: a picture's file name cannot hold spaces".to_owned()
                ),
                (
                    3,
                    "`cell  1.jpg`: a picture's file name cannot hold spaces".to_owned()
                ),
            ]
        );
    }
}
