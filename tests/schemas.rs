//! The JSON Schemas under `schemas/`: the committed files are the ones pimap generates, VS Code
//! maps each to its files, every bundled data file, front matter and scaffold is valid against
//! them, and on a set of good and bad files the schema and pimap's own loader agree.

mod common;

use pimap::schema::{SchemaFile, schemas};
use pimap::source::content::{PageFrontMatter, SectionFrontMatter};
use pimap::source::data::{DataFile, Entities, add_file};
use std::path::{Path, PathBuf};

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn schema(name: &str) -> SchemaFile {
    schemas()
        .into_iter()
        .find(|s| s.name == name)
        .unwrap_or_else(|| panic!("no schema {name}"))
}

/// The YAML of a data file, or the front matter of a Markdown file, as JSON.
fn instance(path: &Path, text: &str) -> serde_json::Value {
    let yaml = if path.extension().is_some_and(|e| e == "md") {
        let source = pimap::source::content::split("x.md".into(), path.into(), text.into())
            .unwrap_or_else(|d| panic!("{d}"));
        source.front_matter().to_owned()
    } else {
        text.to_owned()
    };
    let value: serde_json::Value = serde_yaml::from_str(&yaml).unwrap_or_default();
    value
}

/// The schema's complaints about a file, as text; empty when it is valid.
fn schema_errors(name: &str, path: &Path, text: &str) -> Vec<String> {
    let schema = schema(name).value();
    let validator = jsonschema::validator_for(&schema).expect("a valid schema");
    validator
        .iter_errors(&instance(path, text))
        .map(|e| format!("{}: {e}", e.instance_path()))
        .collect()
}

/// Whether pimap accepts the front matter of a content file as `T`.
fn front_matter_accepted<T: serde::de::DeserializeOwned>(path: &Path, text: &str) -> bool {
    pimap::source::content::split("x.md".into(), path.into(), text.into())
        .is_ok_and(|source| source.parse_front_matter::<T>().is_ok())
}

/// Whether pimap's loader accepts a file of the schema `name`.
fn loader_accepts(name: &str, path: &Path, text: &str) -> bool {
    let stem = path.file_stem().unwrap().to_str().unwrap();
    let rel = match name {
        "page" => return front_matter_accepted::<PageFrontMatter>(path, text),
        "section" => return front_matter_accepted::<SectionFrontMatter>(path, text),
        "site" => return pimap::config::SiteConfig::parse(text, None).is_ok(),
        "labels" => return translation_accepted("labels.yaml", path, text),
        translation if translation.ends_with("-translation") => {
            let kind = translation.trim_end_matches("-translation");
            let original = match kind {
                "kpis" | "roadmap" => format!("{kind}.yaml"),
                _ => format!("{kind}s/{stem}.yaml"),
            };
            return translation_accepted(&original, path, text);
        }
        "kpis" | "roadmap" => format!("{name}.yaml"),
        "partner" | "sme" | "mission" | "practice" => format!("{name}s/{stem}.yaml"),
        other => panic!("no loader for {other}"),
    };
    let mut entities = Entities::default();
    let mut problems = Vec::new();
    let file = DataFile {
        file: Path::new("data").join(&rel),
        text: text.to_owned(),
    };
    add_file(&mut entities, &rel, file, &mut problems);
    !problems.iter().any(pimap::Diagnostic::is_error)
}

/// Whether pimap's loader accepts `text` as a French translation of `original` (a path inside
/// `data/`).
fn translation_accepted(original: &str, path: &Path, text: &str) -> bool {
    let mut overlays = pimap::source::languages::overlay::Overlays::default();
    let mut problems = Vec::new();
    let file = DataFile {
        file: path.to_owned(),
        text: text.to_owned(),
    };
    overlays.add("fr", original, &file, &mut problems);
    !problems.iter().any(pimap::Diagnostic::is_error)
}

#[test]
fn the_committed_schemas_are_the_ones_pimap_generates() {
    for schema in schemas() {
        let path = repo().join(schema.path());
        let committed = std::fs::read_to_string(&path).unwrap_or_default();
        assert!(
            committed == schema.text,
            "{} is stale: run `cargo run -- schema` and commit the result",
            path.display()
        );
    }
}

#[test]
fn pimap_schema_writes_every_schema_into_the_site() {
    let site = tempfile::tempdir().unwrap();
    let run = common::pimap(&["schema", "--root", site.path().to_str().unwrap()]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    for schema in schemas() {
        assert_eq!(common::read(&site.path().join(schema.path())), schema.text);
    }
    let again = common::pimap(&["schema", "--root", site.path().to_str().unwrap()]);
    assert!(again.stdout.starts_with("Wrote 0 of "), "{}", again.stdout);
}

#[test]
fn vs_code_maps_every_data_schema_to_its_files() {
    let settings: serde_json::Value =
        serde_json::from_str(&common::read(&repo().join(".vscode/settings.json"))).unwrap();
    for schema in schemas()
        .iter()
        .filter(|s| s.files[0].starts_with("data/") || s.files[0] == "site.yaml")
    {
        let key = format!("./{}", schema.path().display());
        assert_eq!(
            settings["yaml.schemas"][&key],
            serde_json::json!(schema.files),
            "{key}"
        );
    }
}

#[test]
fn every_bundled_data_file_front_matter_and_scaffold_is_valid() {
    let mut checked = 0;
    for folder in ["data", "content"] {
        for (rel, bytes) in common::tree(&repo().join(folder)) {
            let rel = format!("{folder}/{rel}");
            let Some(name) = pimap::schema::for_file(&rel) else {
                continue;
            };
            let text = String::from_utf8(bytes).unwrap();
            let errors = schema_errors(name, Path::new(&rel), &text);
            assert!(errors.is_empty(), "{rel}:\n{}", errors.join("\n"));
            checked += 1;
        }
    }
    let site = common::read(&repo().join("site.yaml"));
    let errors = schema_errors("site", Path::new("site.yaml"), &site);
    assert!(errors.is_empty(), "site.yaml:\n{}", errors.join("\n"));
    assert!(checked > 40, "only {checked} files checked");
    use pimap::scaffold::{ScaffoldKind, scaffold};
    for kind in ["sme", "partner", "mission", "practice", "page", "news"] {
        let kind = ScaffoldKind::parse(kind).unwrap();
        let (path, text) = scaffold(&repo(), kind, "A new name", "2026-12-03").unwrap();
        let rel = path.to_str().unwrap();
        let name = pimap::schema::for_file(rel).unwrap();
        let errors = schema_errors(name, &path, &text);
        assert!(errors.is_empty(), "{rel}:\n{}", errors.join("\n"));
        if rel.ends_with(".yaml") {
            let first = text.lines().next().unwrap();
            assert_eq!(Some(first.to_owned()), pimap::schema::modeline(rel));
        }
    }
}

#[test]
fn the_schema_and_the_loader_agree_on_good_and_bad_files() {
    let root = common::fixture("schema-agreement");
    let mut disagreements = Vec::new();
    let mut checked = 0;
    for (verdict, expected) in [("good", true), ("bad", false)] {
        for (rel, bytes) in common::tree(&root.join(verdict)) {
            let (folder, _) = rel.split_once('/').unwrap();
            let path = root.join(verdict).join(&rel);
            let text = String::from_utf8(bytes).unwrap();
            let by_schema = schema_errors(folder, &path, &text).is_empty();
            let by_loader = loader_accepts(folder, &path, &text);
            if by_schema != expected || by_loader != expected {
                disagreements.push(format!(
                    "{verdict}/{rel}: schema {}, loader {}",
                    if by_schema { "accepts" } else { "rejects" },
                    if by_loader { "accepts" } else { "rejects" }
                ));
            }
            checked += 1;
        }
    }
    assert!(checked >= 30, "only {checked} files");
    assert!(disagreements.is_empty(), "{}", disagreements.join("\n"));
}
