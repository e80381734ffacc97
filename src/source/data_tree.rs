//! The `data/` folder: typed entity files go to [`data::Entities`] (parsed in parallel), and
//! every other YAML or CSV file (`tables`) into one nested value, the template variable `data`
//! (`data/contacts.yaml` is `data.contacts`, `data/figures/budget.csv` is
//! `data.figures.budget`). Two files for one name are an error. Translations of typed files
//! (`smes/x.fr.yaml`, `labels.fr.yaml`) go to the language overlays (`languages::overlay`). The
//! files of `data/<kind>/media/` are pictures, listed for `source::read_pictures`.

use super::data;
use super::files::SiteRoot;
use super::languages::{self, overlay::Overlays};
use super::tables;
use super::yaml;
use crate::config::SiteConfig;
use crate::diagnostics::Diagnostic;
use rayon::prelude::*;
use std::path::Path;

/// Reads `data/**/*.yaml` and `data/**/*.csv` into one nested value: `data/partners/x.yaml` is `data.partners.x`.
/// Typed entities go to `entities`; every other file is returned as free-form data. The files of
/// `data/<kind>/media/` are listed in `media_files` (paths inside `data/`).
pub fn load_data(
    root: &SiteRoot,
    config: &SiteConfig,
    entities: &mut data::Entities,
    overlays: &mut Overlays,
    media_files: &mut Vec<String>,
    errors: &mut Vec<Diagnostic>,
) -> serde_json::Value {
    let (media, files): (Vec<String>, Vec<String>) = root
        .list(Path::new("data"), errors)
        .into_iter()
        .partition(|rel| data::is_media(rel));
    *media_files = media;
    let (rels, others): (Vec<String>, Vec<String>) = files.into_iter().partition(|rel| {
        [".yaml", ".yml", ".csv"]
            .iter()
            .any(|ext| rel.ends_with(ext))
    });
    for other in others {
        errors.push(
            Diagnostic::file_error(
                Path::new("data").join(other),
                "ignored: only .yaml, .yml and .csv files are data",
            )
            .warning(),
        );
    }
    let (translated, rels): (Vec<String>, Vec<String>) =
        rels.into_iter().partition(|rel| is_data_translation(rel));
    load_overlays(root, config, translated, overlays, errors);
    let (typed, mut generic): (Vec<String>, Vec<String>) =
        rels.into_iter().partition(|rel| data::is_typed(rel));
    generic.retain(|rel| {
        let first = rel.split(['/', '.']).next().unwrap_or_default();
        let reserved = data::RESERVED.contains(&first);
        if reserved {
            errors.push(
                Diagnostic::file_error(Path::new("data").join(rel), format!("`data.{first}` is filled by pimap from the typed data; this file would hide it"))
                    .with_help("rename the file, or move it to the folder of its kind (see docs/data-model.md)"),
            );
        }
        !reserved
    });
    load_typed(root, &typed, entities, errors);
    let parsed: Vec<_> = generic
        .par_iter()
        .map(|rel| {
            let source = data::read(root.path(), rel).map_err(|d| vec![d])?;
            if rel.ends_with(".csv") {
                return tables::read_table(&source).map(|value| (rel.clone(), value, Vec::new()));
            }
            let value = yaml::parse_value(&source.text)
                .map_err(|e| yaml::diagnostics(e, &source.file, &source.text))?;
            let warnings = yaml::warning_diagnostics(&source.file, &source.text);
            Ok::<_, Vec<Diagnostic>>((rel.clone(), value, warnings))
        })
        .collect();
    let mut data = serde_json::Map::new();
    for item in parsed {
        let (rel, value) = match item {
            Ok((rel, value, warnings)) => {
                errors.extend(warnings);
                (rel, value)
            }
            Err(mut problems) => {
                errors.append(&mut problems);
                continue;
            }
        };
        let stem = rel.rsplit_once('.').map_or(rel.as_str(), |(stem, _)| stem);
        let keys: Vec<&str> = stem.split('/').collect();
        if !insert_nested(&mut data, &keys, value) {
            errors.push(Diagnostic::file_error(
                Path::new("data").join(&rel),
                format!(
                    "`data.{}` is defined twice (a file and a folder, or two of .yaml, .yml and .csv)",
                    stem.replace('/', ".")
                ),
            ));
        }
    }
    serde_json::Value::Object(data)
}

/// Whether `rel` (inside `data/`) is a translation: `smes/x.fr.yaml`, `kpis.fr.yaml`,
/// `labels.fr.yaml`. Free-form data files are not translated.
fn is_data_translation(rel: &str) -> bool {
    languages::split_language(rel).is_some_and(|(original, _)| {
        data::is_typed(&original) || original == "labels.yaml" || original == "labels.yml"
    })
}

/// Reads the translations of data files (see [`languages::overlay`]).
fn load_overlays(
    root: &SiteRoot,
    config: &SiteConfig,
    rels: Vec<String>,
    overlays: &mut Overlays,
    errors: &mut Vec<Diagnostic>,
) {
    for rel in rels {
        let Some((original, code)) = languages::split_language(&rel) else {
            continue;
        };
        let source = match data::read(root.path(), &rel) {
            Ok(source) => source,
            Err(d) => {
                errors.push(d);
                continue;
            }
        };
        match languages::check_code(
            code,
            &config.language,
            &config.languages,
            &source.file,
            &original,
        ) {
            Ok(code) => overlays.add(code, &original, &source, errors),
            Err(d) => errors.push(d),
        }
    }
}

/// Reads the typed data files (in parallel) into `entities`.
fn load_typed(
    root: &SiteRoot,
    typed: &[String],
    entities: &mut data::Entities,
    errors: &mut Vec<Diagnostic>,
) {
    check_single_lists(typed, errors);
    let parts: Vec<(data::Entities, Vec<Diagnostic>)> = typed
        .par_iter()
        .map(|rel| {
            let mut entities = data::Entities::default();
            let mut problems = Vec::new();
            match data::read(root.path(), rel) {
                Ok(source) => data::add_file(&mut entities, rel, source, &mut problems),
                Err(d) => problems.push(d),
            }
            if problems.iter().any(Diagnostic::is_error) {
                entities.failed.insert(rel.clone());
            }
            (entities, problems)
        })
        .collect();
    for (mut part, mut problems) in parts {
        entities.partners.append(&mut part.partners);
        entities.smes.append(&mut part.smes);
        entities.missions.append(&mut part.missions);
        entities.practices.append(&mut part.practices);
        entities.kpis = entities.kpis.take().or(part.kpis);
        entities.roadmap = entities.roadmap.take().or(part.roadmap);
        entities.failed.extend(part.failed);
        errors.append(&mut problems);
    }
}

/// `kpis` and `roadmap` are one file each: `.yaml`, `.yml` or (for the indicators) `.csv`.
fn check_single_lists(typed: &[String], errors: &mut Vec<Diagnostic>) {
    for name in ["kpis", "roadmap"] {
        let files: Vec<&String> = typed
            .iter()
            .filter(|rel| rel.split_once('.').is_some_and(|(stem, _)| stem == name))
            .collect();
        if let [first, .., last] = files.as_slice() {
            errors.push(
                Diagnostic::file_error(
                    Path::new("data").join(last),
                    format!("`data.{name}` is defined twice, here and in data/{first}"),
                )
                .with_help("keep one of the two files"),
            );
        }
    }
}

/// Inserts `value` at the path `keys`, creating maps on the way; false if something is there.
fn insert_nested(
    map: &mut serde_json::Map<String, serde_json::Value>,
    keys: &[&str],
    value: serde_json::Value,
) -> bool {
    match keys {
        [] => false,
        [last] => {
            if map.contains_key(*last) {
                return false;
            }
            map.insert((*last).to_owned(), value);
            true
        }
        [first, rest @ ..] => match map
            .entry((*first).to_owned())
            .or_insert_with(|| serde_json::Value::Object(Default::default()))
        {
            serde_json::Value::Object(inner) => insert_nested(inner, rest, value),
            _ => false,
        },
    }
}
