//! The photos of an SME's translation: each named by its `file`, with the translated `alt` and
//! `caption` only, merged into the original's photos of the same file.

use crate::diagnostics::{Diagnostic, did_you_mean};
use crate::source::data::{DataFile, Entities};
use serde_json::Value;

/// Gives each photo of `photos` (the original's) the `alt` and `caption` of the item of
/// `translated` with the same `file`.
pub(super) fn merge_photos(photos: &mut [Value], translated: &Value) {
    let Some(items) = translated.as_array() else {
        return;
    };
    for photo in photos.iter_mut().filter_map(Value::as_object_mut) {
        let file = photo.get("file").cloned();
        let Some(item) = items.iter().find(|item| item.get("file") == file.as_ref()) else {
            continue;
        };
        for key in ["alt", "caption"] {
            if let Some(text) = item.get(key) {
                photo.insert(key.to_owned(), text.clone());
            }
        }
    }
}

/// Whether `photos` of a translation is a list of `- file: ...` items holding only a text
/// `alt` (that says something) and `caption`; each problem is added to `errors` at its line.
pub(super) fn read_photos(source: &DataFile, value: &Value, errors: &mut Vec<Diagnostic>) -> bool {
    let shape_error = |message: &str| {
        source.at("photos", None, message.to_owned()).with_help(
            "write each photo as `- file: cell.jpg` with its translated `alt:` and `caption:` under it",
        )
    };
    let Some(items) = value.as_array() else {
        errors.push(shape_error("`photos` in a translation is a list of photos"));
        return false;
    };
    let before = errors.len();
    for item in items {
        let Some(file) = item.get("file").and_then(Value::as_str) else {
            errors.push(shape_error(
                "every photo of a translation needs the `file` of the original's photo it translates",
            ));
            continue;
        };
        let Some(fields) = item.as_object() else {
            continue;
        };
        for (key, text) in fields {
            let at = |message: String| source.at_named_item(("file", file), key, None, message);
            match (key.as_str(), text.as_str()) {
                ("file", _) | ("caption", Some(_)) => {}
                ("alt", Some(alt)) if !alt.trim().is_empty() => {}
                ("alt", Some(_)) => errors.push(
                    at("the photo's `alt` is empty".to_owned())
                        .with_help("say in a few words what the photo shows, in this file's language"),
                ),
                ("alt" | "caption", None) => errors.push(at(format!("`{key}` must be text"))),
                _ => errors.push(
                    at(format!("`{key}` of a photo cannot be translated"))
                        .with_help("a translation gives only the `alt` and `caption` of a photo, named by its `file`"),
                ),
            }
        }
    }
    errors.len() == before
}

/// Errors for the photos (`translated`, their files) of the translation `source` of the SME
/// `original` (`smes/x.yaml`) that are not among the SME's own.
pub(super) fn check_photo_files(
    source: &DataFile,
    original: &str,
    translated: &[String],
    entities: &Entities,
    errors: &mut Vec<Diagnostic>,
) {
    let id = original
        .strip_prefix("smes/")
        .and_then(|rest| rest.strip_suffix(".yaml"));
    let Some(sme) = entities.smes.iter().find(|sme| Some(sme.id.as_str()) == id) else {
        return;
    };
    let files: Vec<&str> = sme.record.photos.iter().map(|p| p.file.as_str()).collect();
    for file in translated {
        if files.contains(&file.as_str()) {
            continue;
        }
        let help = match did_you_mean(file, files.iter().copied()) {
            Some(best) => format!("did you mean `{best}`?"),
            None if files.is_empty() => format!("data/{original} has no photos"),
            None => format!("the photos of data/{original} are {}", files.join(", ")),
        };
        errors.push(
            source
                .at_named_item(
                    ("file", file),
                    "file",
                    None,
                    format!("`{file}` is not one of the photos of data/{original}"),
                )
                .with_help(help),
        );
    }
}
