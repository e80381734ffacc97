//! Translated data: an overlay file beside an entity's file holds its text in one language.
//!
//! `data/smes/<id>.fr.yaml` may hold only the fields of an SME that are text a reader reads
//! (`offer`, `looking_for`, and the `alt` and `caption` of its `photos`, each named by its
//! `file`); ids, relations, facets, places and figures are the same in every
//! language and stay in the entity's own file. `data/kpis.fr.yaml` and `data/roadmap.fr.yaml`
//! are lists of `{id, ...}` with the translated fields of the items they name.
//! `data/labels.fr.yaml` translates facet names: `sectors:`, `technologies:` and `markets:`,
//! each a map from the name as written in the data (a market by its English country name) to
//! its translation. Every overlay is checked like the
//! data: an unknown field, a field that cannot be translated, a value of the wrong kind and an
//! overlay without its original are errors at their line. A translated entity keeps its
//! overlay's file beside its own, so that a problem found later in a translated field (a broken
//! link in the French offer) is reported at the translation's line.

mod photos;

use crate::diagnostics::{Diagnostic, did_you_mean};
use crate::source::data::{DataFile, Entities, Entity, TranslatedFields};
use photos::{check_photo_files, merge_photos, read_photos};
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::{Map, Value};
use std::collections::{HashMap, HashSet};

/// What a translatable field holds.
#[derive(Clone, Copy)]
pub enum Shape {
    Text,
    TextList,
    /// `- file: ...` items with the translated `alt` and `caption` of the original's photos.
    Photos,
}

/// The translatable fields of each data file kind (the folder, or `kpis`/`roadmap`).
pub fn translatable(kind: &str) -> &'static [(&'static str, Shape)] {
    use Shape::{Photos, Text, TextList};
    match kind {
        "partners" => &[("summary", Text), ("description", Text), ("region", Text)],
        "smes" => &[
            ("offer", Text),
            ("looking_for", TextList),
            ("photos", Photos),
        ],
        "missions" => &[("title", Text), ("summary", Text), ("outcomes", Text)],
        "practices" => &[
            ("title", Text),
            ("theme", Text),
            ("summary", Text),
            ("body", Text),
        ],
        "kpis" => &[("label", Text), ("unit", Text), ("objective", Text)],
        "roadmap" => &[("title", Text)],
        _ => &[],
    }
}

/// The names of the translatable fields of `kind` (`smes`), for `pimap new translation`.
pub fn translatable_fields(kind: &str) -> Vec<&'static str> {
    translatable(kind).iter().map(|(name, _)| *name).collect()
}

/// The facets whose names `labels.<code>.yaml` translates (markets by their English country
/// name: `United States: États-Unis`).
pub const LABELLED: [&str; 3] = ["sectors", "technologies", "markets"];

/// Every overlay of the site, checked.
#[derive(Debug, Default)]
pub struct Overlays {
    /// (code, `smes/x.yaml`) -> the overlay's file and its translated fields.
    entities: HashMap<(String, String), (DataFile, Map<String, Value>)>,
    /// (code, `kpis` or `roadmap`) -> item id -> the translated fields.
    lists: HashMap<(String, String), HashMap<String, Map<String, Value>>>,
    /// code -> (facet folder, name) -> translated name.
    labels: HashMap<String, HashMap<(String, String), String>>,
    /// The photo files that SME translations name, with the translation and its original
    /// (`smes/x.yaml`), checked against the original's photos once every file is read.
    photo_files: Vec<(DataFile, String, Vec<String>)>,
}

impl Overlays {
    /// Reads the overlay `source` of `original` (a path inside `data/`: `smes/x.yaml`) for
    /// language `code`, adding its problems to `errors`.
    pub fn add(
        &mut self,
        code: &str,
        original: &str,
        source: &DataFile,
        errors: &mut Vec<Diagnostic>,
    ) {
        let value = match crate::source::yaml::parse_value(&source.text) {
            Ok(value) => value,
            Err(problems) => {
                errors.extend(crate::source::yaml::diagnostics(
                    problems,
                    &source.file,
                    &source.text,
                ));
                return;
            }
        };
        // `x.yml` and `x.yaml` name the same entity.
        let stem = original.rsplit_once('.').map_or(original, |(stem, _)| stem);
        let original = format!("{stem}.yaml");
        match stem {
            "labels" => {
                if let Some(labels) = read_labels(source, &value, errors) {
                    self.labels.insert(code.to_owned(), labels);
                }
            }
            "kpis" | "roadmap" => {
                if let Some(items) = read_list(stem, source, &value, errors) {
                    self.lists.insert((code.to_owned(), stem.to_owned()), items);
                }
            }
            _ => {
                let kind = stem.split('/').next().unwrap_or_default();
                if kind == "smes"
                    && let Some(Value::Array(photos)) = value.get("photos")
                {
                    let files = photos
                        .iter()
                        .filter_map(|photo| photo.get("file")?.as_str().map(str::to_owned));
                    let files = files.collect();
                    self.photo_files
                        .push((source.clone(), original.clone(), files));
                }
                if let Some(fields) = read_fields(kind, source, &value, None, errors) {
                    self.entities
                        .insert((code.to_owned(), original), (source.clone(), fields));
                }
            }
        }
    }

    /// Errors for overlays whose original is not among `entities` (a file that failed to load
    /// is known to exist and is not reported again).
    pub fn check_originals(&self, entities: &Entities, errors: &mut Vec<Diagnostic>) {
        let known = entity_files(entities);
        for (source, original, files) in &self.photo_files {
            check_photo_files(source, original, files, entities, errors);
        }
        for ((_, original), (source, _)) in &self.entities {
            if !known.contains(original) && !entities.failed.contains(original) {
                errors.push(
                    Diagnostic::file_error(
                        &source.file,
                        format!("this is a translation of data/{original}, which does not exist"),
                    )
                    .with_help("name a translation after its original (lumen-lasers.yaml -> lumen-lasers.fr.yaml)"),
                );
            }
        }
    }

    /// The entities in language `code`, and the entity files without a translation into it.
    pub fn apply(&self, entities: &Entities, code: &str) -> (Entities, HashSet<String>) {
        let mut out = entities.clone();
        let mut untranslated = HashSet::new();
        self.apply_kind(&mut out.partners, "partners", code, &mut untranslated);
        self.apply_kind(&mut out.smes, "smes", code, &mut untranslated);
        self.apply_kind(&mut out.missions, "missions", code, &mut untranslated);
        self.apply_kind(&mut out.practices, "practices", code, &mut untranslated);
        let items = |kind: &str| self.lists.get(&(code.to_owned(), kind.to_owned()));
        if let (Some(items), Some((_, kpis))) = (items("kpis"), &mut out.kpis) {
            for kpi in kpis {
                if let Some(fields) = items.get(&kpi.id) {
                    merge(kpi, fields);
                }
            }
        }
        if let (Some(items), Some((_, actions))) = (items("roadmap"), &mut out.roadmap) {
            for action in actions {
                if let Some(fields) = items.get(&action.id) {
                    merge(action, fields);
                }
            }
        }
        (out, untranslated)
    }

    /// The KPIs (`kpis/<id>`) and roadmap actions (`roadmap/<id>`) of `entities` that
    /// `kpis.<code>.yaml` and `roadmap.<code>.yaml` do not translate.
    pub fn untranslated_items(&self, entities: &Entities, code: &str) -> HashSet<String> {
        let translated = |kind: &str, id: &str| {
            self.lists
                .get(&(code.to_owned(), kind.to_owned()))
                .is_some_and(|items| items.contains_key(id))
        };
        let kpis = entities.kpis.iter().flat_map(|(_, kpis)| kpis);
        let actions = entities.roadmap.iter().flat_map(|(_, actions)| actions);
        kpis.map(|kpi| ("kpis", kpi.id.as_str()))
            .chain(actions.map(|action| ("roadmap", action.id.as_str())))
            .filter(|(kind, id)| !translated(kind, id))
            .map(|(kind, id)| format!("{kind}/{id}"))
            .collect()
    }

    fn apply_kind<T: Serialize + DeserializeOwned>(
        &self,
        list: &mut [Entity<T>],
        folder: &str,
        code: &str,
        untranslated: &mut HashSet<String>,
    ) {
        for entity in list {
            let rel = format!("{folder}/{}.yaml", entity.id);
            match self.entities.get(&(code.to_owned(), rel)) {
                Some((file, fields)) => {
                    merge(&mut entity.record, fields);
                    entity.translation = Some(TranslatedFields {
                        file: file.clone(),
                        keys: fields.keys().cloned().collect(),
                    });
                }
                None => {
                    untranslated.insert(format!("{folder}/{}.yaml", entity.id));
                }
            }
        }
    }

    /// The translated facet names of language `code`.
    pub fn labels(&self, code: &str) -> HashMap<(String, String), String> {
        self.labels.get(code).cloned().unwrap_or_default()
    }
}

/// The file of every entity: `smes/x.yaml`.
fn entity_files(entities: &Entities) -> HashSet<String> {
    let mut files = HashSet::new();
    files.extend(
        entities
            .partners
            .iter()
            .map(|e| format!("partners/{}.yaml", e.id)),
    );
    files.extend(entities.smes.iter().map(|e| format!("smes/{}.yaml", e.id)));
    files.extend(
        entities
            .missions
            .iter()
            .map(|e| format!("missions/{}.yaml", e.id)),
    );
    files.extend(
        entities
            .practices
            .iter()
            .map(|e| format!("practices/{}.yaml", e.id)),
    );
    files
}

/// Replaces the fields of `record` named in `fields`. The fields were checked to be
/// translatable and of the right kind, so the merged record always reads back.
fn merge<T: Serialize + DeserializeOwned>(record: &mut T, fields: &Map<String, Value>) {
    let Ok(Value::Object(mut map)) = serde_json::to_value(&*record) else {
        return;
    };
    for (key, value) in fields {
        match (key.as_str(), map.get_mut(key)) {
            ("photos", Some(Value::Array(photos))) => merge_photos(photos, value),
            _ => {
                map.insert(key.clone(), value.clone());
            }
        }
    }
    if let Ok(merged) = serde_json::from_value(Value::Object(map)) {
        *record = merged;
    }
}

/// The translated fields of one overlay mapping (of an entity, or of the list item `item`).
fn read_fields(
    kind: &str,
    source: &DataFile,
    value: &Value,
    item: Option<&str>,
    errors: &mut Vec<Diagnostic>,
) -> Option<Map<String, Value>> {
    let allowed = translatable(kind);
    let at = |key: &str, message: String| match item {
        Some(id) => source.at_item(id, key, None, message),
        None => source.at(key, None, message),
    };
    let Value::Object(map) = value else {
        errors.push(
            Diagnostic::file_error(
                &source.file,
                "a translation holds the translated fields as `field: text` lines",
            )
            .with_help(format!(
                "for example `{}: ...`",
                allowed.first().map_or("summary", |f| f.0)
            )),
        );
        return None;
    };
    let names: Vec<&str> = allowed.iter().map(|(name, _)| *name).collect();
    let mut fields = Map::new();
    let before = errors.len();
    for (key, value) in map {
        if item.is_some() && key == "id" {
            continue;
        }
        let Some((_, shape)) = allowed.iter().find(|(name, _)| name == key) else {
            let message = if is_field_of(kind, key) {
                format!("`{key}` is the same in every language, so a translation cannot change it")
            } else {
                let hint = did_you_mean(key, names.iter().copied())
                    .map(|best| format!("; did you mean `{best}`?"))
                    .unwrap_or_default();
                format!("unknown field `{key}` in a translation{hint}")
            };
            errors.push(at(key, message).with_help(format!(
                "a translation may hold only {}; change other fields in the original file",
                names.join(", ")
            )));
            continue;
        };
        let fits = match shape {
            Shape::Text => value.is_string(),
            Shape::TextList => value
                .as_array()
                .is_some_and(|items| items.iter().all(Value::is_string)),
            Shape::Photos => {
                if !read_photos(source, value, errors) {
                    continue;
                }
                true
            }
        };
        if fits {
            fields.insert(key.clone(), value.clone());
        } else {
            let wanted = match shape {
                Shape::Text => "text",
                Shape::TextList | Shape::Photos => "a list of texts",
            };
            errors.push(at(key, format!("`{key}` must be {wanted}")));
        }
    }
    (errors.len() == before).then_some(fields)
}

/// Whether `key` is a field of the records of `kind` (so an overlay that sets it is told it
/// cannot be translated rather than that it is unknown).
fn is_field_of(kind: &str, key: &str) -> bool {
    const SHARED: &[(&str, &[&str])] = &[
        (
            "partners",
            &[
                "name",
                "kind",
                "country",
                "city",
                "website",
                "founded",
                "members",
                "sectors",
                "logo",
                "location",
                "mou",
                "sources",
                "illustrative",
            ],
        ),
        (
            "smes",
            &[
                "name",
                "demo",
                "cluster",
                "country",
                "city",
                "website",
                "founded",
                "size",
                "sectors",
                "technologies",
                "target_markets",
                "logo",
            ],
        ),
        (
            "missions",
            &[
                "kind",
                "start",
                "end",
                "city",
                "country",
                "organisers",
                "partners",
                "hosts",
                "participants",
                "sources",
                "illustrative",
            ],
        ),
        (
            "practices",
            &["partners", "related_missions", "sources", "illustrative"],
        ),
        (
            "kpis",
            &["target", "achieved", "more_than", "sources", "illustrative"],
        ),
        (
            "roadmap",
            &["start", "end", "owners", "status", "illustrative"],
        ),
    ];
    SHARED
        .iter()
        .any(|(k, fields)| *k == kind && fields.contains(&key))
}

/// The items of `kpis.<code>.yaml` or `roadmap.<code>.yaml`, by id.
fn read_list(
    kind: &str,
    source: &DataFile,
    value: &Value,
    errors: &mut Vec<Diagnostic>,
) -> Option<HashMap<String, Map<String, Value>>> {
    let Value::Array(items) = value else {
        errors.push(Diagnostic::file_error(&source.file, format!("a translation of {kind}.yaml is a list of `- id: ...` items with their translated fields")));
        return None;
    };
    let mut out = HashMap::new();
    for item in items {
        let Some(id) = item.get("id").and_then(Value::as_str) else {
            errors.push(Diagnostic::file_error(
                &source.file,
                "every item needs the `id` of the item it translates",
            ));
            continue;
        };
        if let Some(fields) = read_fields(kind, source, item, Some(id), errors) {
            out.insert(id.to_owned(), fields);
        }
    }
    Some(out)
}

/// The facet names of `labels.<code>.yaml`.
fn read_labels(
    source: &DataFile,
    value: &Value,
    errors: &mut Vec<Diagnostic>,
) -> Option<HashMap<(String, String), String>> {
    let Value::Object(map) = value else {
        errors.push(Diagnostic::file_error(&source.file, "labels are written as `sectors:` and `technologies:`, each with `English name: translation` lines"));
        return None;
    };
    let mut labels = HashMap::new();
    for (facet, names) in map {
        if !LABELLED.contains(&facet.as_str()) {
            let hint = did_you_mean(facet, LABELLED)
                .map(|best| format!("; did you mean `{best}`?"))
                .unwrap_or_default();
            errors.push(
                source
                    .at(facet, None, format!("unknown key `{facet}`{hint}"))
                    .with_help("labels translate `sectors`, `technologies` and `markets`"),
            );
            continue;
        }
        let Value::Object(names) = names else {
            errors.push(source.at(
                facet,
                None,
                format!("`{facet}` holds `English name: translation` lines"),
            ));
            continue;
        };
        for (name, translated) in names {
            match translated.as_str() {
                Some(text) if !text.trim().is_empty() => {
                    labels.insert((facet.clone(), name.clone()), text.to_owned());
                }
                _ => errors.push(source.at(
                    name,
                    None,
                    format!("the translation of `{name}` must be text"),
                )),
            }
        }
    }
    Some(labels)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(text: &str) -> DataFile {
        DataFile {
            file: "data/smes/x.fr.yaml".into(),
            text: text.into(),
        }
    }

    #[test]
    fn only_translatable_fields_of_the_right_kind_are_accepted() {
        let mut overlays = Overlays::default();
        let mut errors = Vec::new();
        let source = file("offer: Texte\ncountry: FR\nofer: x\nlooking_for: 3\n");
        overlays.add("fr", "smes/x.yaml", &source, &mut errors);
        let found: Vec<_> = errors
            .iter()
            .map(|d| (d.line, d.message.as_str()))
            .collect();
        assert_eq!(
            found,
            vec![
                (
                    2,
                    "`country` is the same in every language, so a translation cannot change it"
                ),
                (4, "`looking_for` must be a list of texts"),
                (
                    3,
                    "unknown field `ofer` in a translation; did you mean `offer`?"
                ),
            ]
        );
        assert!(overlays.entities.is_empty());
    }

    #[test]
    fn labels_translate_facet_names() {
        let mut overlays = Overlays::default();
        let mut errors = Vec::new();
        let source = DataFile {
            file: "data/labels.fr.yaml".into(),
            text: "technologies:\n  Laser welding: Soudage laser\nsector:\n  A: B\n".into(),
        };
        overlays.add("fr", "labels.yaml", &source, &mut errors);
        assert_eq!(errors.len(), 1);
        assert_eq!(
            errors[0].message,
            "unknown key `sector`; did you mean `sectors`?"
        );
        let labels = overlays.labels("fr");
        assert_eq!(
            labels
                .get(&("technologies".into(), "Laser welding".into()))
                .map(String::as_str),
            Some("Soudage laser")
        );
    }
}
