//! The JSON Schemas of translations: `data/<kind>/<id>.<code>.yaml`, `data/kpis.<code>.yaml`,
//! `data/roadmap.<code>.yaml` and `data/labels.<code>.yaml`.
//!
//! They are made from the loader's own list of translatable fields and their shapes
//! ([`translatable`]), each field described as the original's schema describes it, so that a
//! field the loader refuses in a translation (`country: FR`) is refused by the schema too.

use super::SchemaFile;
use crate::source::languages::overlay::{LABELLED, Shape, translatable};
use crate::source::picture_fields::FILE_NAME_PATTERN;
use serde_json::{Map, Value, json};

/// The translation schema of the data kind `folder` (`smes`), from `original`, the schema of the
/// kind's own files (for a list file, of its items).
pub(super) fn of_kind(
    name: &'static str,
    folder: &str,
    files: &'static [&'static str],
    original: Value,
) -> SchemaFile {
    let fields = translatable(folder);
    let properties: Map<String, Value> = fields
        .iter()
        .map(|(field, shape)| (field.to_string(), field_schema(field, *shape, &original)))
        .collect();
    let title = format!("A translation of {folder}: only the fields a reader reads");
    let object = |mut properties: Map<String, Value>, required: Vec<&str>| {
        let mut object = json!({
            "type": "object",
            "additionalProperties": false,
            "required": required,
        });
        if let Some(map) = object.as_object_mut() {
            properties.retain(|_, v| !v.is_null());
            map.insert(
                "properties".into(),
                Value::Object(std::mem::take(&mut properties)),
            );
        }
        object
    };
    let mut value = match folder {
        "kpis" | "roadmap" => {
            let mut item = properties;
            item.insert(
                "id".into(),
                json!({"type": "string", "description": "The id of the item it translates"}),
            );
            json!({"type": "array", "items": object(item, vec!["id"])})
        }
        _ => object(properties, Vec::new()),
    };
    finish(&mut value, &title, &original);
    SchemaFile {
        name,
        files,
        text: text_of(&value),
    }
}

/// The schema of `data/labels.<code>.yaml`: translated facet names.
pub(super) fn labels() -> SchemaFile {
    let names = json!({
        "type": "object",
        "description": "Each name as written in the data (a market by its English country name), with its translation",
        "additionalProperties": {"type": "string", "pattern": "\\S"},
    });
    let properties: Map<String, Value> = LABELLED
        .iter()
        .map(|facet| (facet.to_string(), names.clone()))
        .collect();
    let mut value = json!({
        "type": "object",
        "additionalProperties": false,
        "properties": properties,
    });
    finish(
        &mut value,
        "Translated names of sectors, technologies and markets",
        &Value::Null,
    );
    SchemaFile {
        name: "labels",
        files: &["data/labels.*.yaml"],
        text: text_of(&value),
    }
}

/// A translatable field as the original's schema describes it (or, for photos, only the
/// `file` that names one with its `alt` and `caption`).
fn field_schema(field: &str, shape: Shape, original: &Value) -> Value {
    let described = original
        .pointer(&format!("/properties/{field}"))
        .or_else(|| original.pointer(&format!("/items/properties/{field}")))
        .or_else(|| {
            let reference = original.pointer("/items/$ref")?.as_str()?;
            let item = original.pointer(reference.trim_start_matches('#'))?;
            item.pointer(&format!("/properties/{field}"))
        });
    match shape {
        Shape::Text => described
            .cloned()
            .unwrap_or_else(|| json!({"type": "string"})),
        Shape::TextList => described
            .cloned()
            .unwrap_or_else(|| json!({"type": "array", "items": {"type": "string"}})),
        Shape::Photos => json!({
            "type": "array",
            "description": "The alt and caption of the original's photos, each named by its file",
            "items": {
                "type": "object",
                "additionalProperties": false,
                "required": ["file"],
                "properties": {
                    "file": {"type": "string", "pattern": FILE_NAME_PATTERN,
                             "description": "The file of one of the original's photos"},
                    "alt": {"type": "string", "pattern": "\\S",
                            "description": "What the photo shows, for people who cannot see it"},
                    "caption": {"type": "string", "description": "Text shown under the photo"},
                },
            },
        }),
    }
}

/// Adds the draft, title and the definitions the fields refer to.
fn finish(value: &mut Value, title: &str, original: &Value) {
    if let Some(map) = value.as_object_mut() {
        map.insert(
            "$schema".into(),
            "http://json-schema.org/draft-07/schema#".into(),
        );
        map.insert("title".into(), title.into());
        if let Some(definitions) = original
            .get("$defs")
            .or_else(|| original.get("definitions"))
        {
            let key = if original.get("$defs").is_some() {
                "$defs"
            } else {
                "definitions"
            };
            map.insert(key.into(), definitions.clone());
        }
    }
}

fn text_of(value: &Value) -> String {
    serde_json::to_string_pretty(value).unwrap_or_default() + "\n"
}
