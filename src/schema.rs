//! JSON Schemas of the files editors write: `site.yaml`, front matter and every kind of typed
//! data.
//!
//! Each schema is generated (with `schemars`) from the very serde types the loader parses with
//! (`config`, `source::content`, `source::records`), so the schema and the validator cannot drift apart:
//! field names, required fields, enums, unknown keys and the typed values (`Country`, `Url`,
//! `Date`, ...) come from one definition, and the few checks the loader makes beyond types
//! (lists that must not be empty, ranges, id patterns) are declared on the fields for both.
//! `pimap schema` writes them under `schemas/`, where editors with a YAML language server pick
//! them up (see `.vscode/settings.json` and the `# yaml-language-server: $schema=` line that
//! `pimap new` writes). Translations of data have schemas of their own (`translations.rs`).
//! Checks that need the whole site (references between entities, a
//! cluster with an MoU) stay with the build.

use crate::config::SiteConfig;
use crate::source::content::{PageFrontMatter, SectionFrontMatter};
use crate::source::data::{Kpi, Mission, Partner, Practice, RoadmapAction, Sme};
use schemars::JsonSchema;
use schemars::generate::SchemaSettings;
use std::path::{Path, PathBuf};

mod translations;

/// The folder, under the site root, that holds the schemas.
pub const SCHEMA_DIR: &str = "schemas";

/// One generated schema.
#[derive(Debug, Clone)]
pub struct SchemaFile {
    /// File stem under `schemas/`: `sme` is `schemas/sme.json`.
    pub name: &'static str,
    /// The files it describes, as globs from the site root (a `!` glob leaves files out).
    pub files: &'static [&'static str],
    /// The schema, as written (pretty JSON with a final line break).
    pub text: String,
}

impl SchemaFile {
    /// `schemas/sme.json`.
    pub fn path(&self) -> PathBuf {
        Path::new(SCHEMA_DIR).join(format!("{}.json", self.name))
    }

    /// The schema as a JSON value.
    pub fn value(&self) -> serde_json::Value {
        serde_json::from_str(&self.text).unwrap_or_default()
    }
}

/// Every schema, in a stable order.
pub fn schemas() -> Vec<SchemaFile> {
    use translations::of_kind;
    vec![
        schema::<PageFrontMatter>("page", "The front matter of a page", &["content/**/*.md"]),
        schema::<SectionFrontMatter>(
            "section",
            "The front matter of a section (_index.md)",
            &["content/**/_index.md"],
        ),
        schema::<Partner>(
            "partner",
            "A cluster or international partner",
            &["data/partners/*.yaml", "!data/partners/*.*.yaml"],
        ),
        schema::<Sme>(
            "sme",
            "An SME showcase",
            &["data/smes/*.yaml", "!data/smes/*.*.yaml"],
        ),
        schema::<Mission>(
            "mission",
            "A mission, fair, matchmaking event or workshop",
            &["data/missions/*.yaml", "!data/missions/*.*.yaml"],
        ),
        schema::<Practice>(
            "practice",
            "A best practice for SME internationalisation",
            &["data/practices/*.yaml", "!data/practices/*.*.yaml"],
        ),
        schema::<Vec<Kpi>>("kpis", "The indicators", &["data/kpis.yaml"]),
        schema::<Vec<RoadmapAction>>("roadmap", "The roadmap", &["data/roadmap.yaml"]),
        schema::<SiteConfig>("site", "The site's configuration", &["site.yaml"]),
        of_kind(
            "partner-translation",
            "partners",
            &["data/partners/*.*.yaml"],
            schema_value::<Partner>(),
        ),
        of_kind(
            "sme-translation",
            "smes",
            &["data/smes/*.*.yaml"],
            schema_value::<Sme>(),
        ),
        of_kind(
            "mission-translation",
            "missions",
            &["data/missions/*.*.yaml"],
            schema_value::<Mission>(),
        ),
        of_kind(
            "practice-translation",
            "practices",
            &["data/practices/*.*.yaml"],
            schema_value::<Practice>(),
        ),
        of_kind(
            "kpis-translation",
            "kpis",
            &["data/kpis.*.yaml"],
            schema_value::<Vec<Kpi>>(),
        ),
        of_kind(
            "roadmap-translation",
            "roadmap",
            &["data/roadmap.*.yaml"],
            schema_value::<Vec<RoadmapAction>>(),
        ),
        translations::labels(),
    ]
}

/// The schema of the file at `rel` (from the site root), if it has one: `data/smes/x.yaml`.
pub fn for_file(rel: &str) -> Option<&'static str> {
    // A translation of a page has its original's front matter; a data translation holds only
    // translated fields and has a schema of its own.
    let translated = crate::source::languages::split_language(rel);
    let is_original = translated.is_none();
    let original = translated.map_or_else(|| rel.to_owned(), |(original, _)| original);
    let name = original.rsplit('/').next().unwrap_or(&original);
    Some(match original.split('/').collect::<Vec<_>>().as_slice() {
        ["content", .., _] if name == "_index.md" => "section",
        ["content", .., _] if name.ends_with(".md") => "page",
        ["data", "partners", _] if is_original => "partner",
        ["data", "smes", _] if is_original => "sme",
        ["data", "missions", _] if is_original => "mission",
        ["data", "practices", _] if is_original => "practice",
        ["data", "kpis.yaml" | "kpis.yml"] if is_original => "kpis",
        ["data", "roadmap.yaml" | "roadmap.yml"] if is_original => "roadmap",
        ["data", "partners", _] => "partner-translation",
        ["data", "smes", _] => "sme-translation",
        ["data", "missions", _] => "mission-translation",
        ["data", "practices", _] => "practice-translation",
        ["data", "kpis.yaml" | "kpis.yml"] => "kpis-translation",
        ["data", "roadmap.yaml" | "roadmap.yml"] => "roadmap-translation",
        ["data", "labels.yaml" | "labels.yml"] if !is_original => "labels",
        ["site.yaml"] => "site",
        _ => return None,
    })
}

/// The `# yaml-language-server: $schema=...` line for a YAML file at `rel`, pointing at its
/// schema from the file's own folder; `None` for a file without one.
pub fn modeline(rel: &str) -> Option<String> {
    let name = for_file(rel)?;
    let depth = rel.matches('/').count();
    Some(format!(
        "# yaml-language-server: $schema={}{SCHEMA_DIR}/{name}.json",
        "../".repeat(depth)
    ))
}

fn schema<T: JsonSchema>(
    name: &'static str,
    title: &str,
    files: &'static [&'static str],
) -> SchemaFile {
    let mut generator = SchemaSettings::draft07().into_generator();
    let mut schema = generator.root_schema_for::<T>();
    schema.insert("title".into(), title.into());
    let text = serde_json::to_string_pretty(&schema).unwrap_or_default() + "\n";
    SchemaFile { name, files, text }
}

/// The draft-07 schema of `T`, as JSON (for the field descriptions of its translations).
fn schema_value<T: JsonSchema>() -> serde_json::Value {
    let mut generator = SchemaSettings::draft07().into_generator();
    generator.root_schema_for::<T>().to_value()
}

/// Writes every schema into `<root>/schemas/`, leaving files whose text is already right alone.
/// Returns the paths written.
pub fn write(root: &Path) -> Result<Vec<PathBuf>, String> {
    let dir = root.join(SCHEMA_DIR);
    std::fs::create_dir_all(&dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    let mut written = Vec::new();
    for schema in schemas() {
        let path = root.join(schema.path());
        if std::fs::read_to_string(&path).ok().as_deref() == Some(schema.text.as_str()) {
            continue;
        }
        std::fs::write(&path, &schema.text)
            .map_err(|e| format!("cannot write {}: {e}", path.display()))?;
        written.push(schema.path());
    }
    Ok(written)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_schema_is_an_object_schema_with_a_title() {
        for schema in schemas() {
            let value = schema.value();
            assert_eq!(value["$schema"], "http://json-schema.org/draft-07/schema#");
            assert!(value["title"].is_string(), "{}", schema.name);
        }
    }

    #[test]
    fn files_find_their_schema_and_its_relative_path() {
        assert_eq!(
            modeline("data/smes/lumen.yaml").as_deref(),
            Some("# yaml-language-server: $schema=../../schemas/sme.json")
        );
        assert_eq!(
            modeline("data/kpis.yaml").as_deref(),
            Some("# yaml-language-server: $schema=../schemas/kpis.json")
        );
        assert_eq!(for_file("content/news/_index.md"), Some("section"));
        assert_eq!(for_file("content/news/x.md"), Some("page"));
        assert_eq!(for_file("data/contacts.yaml"), None);
        assert_eq!(for_file("site.yaml"), Some("site"));
        assert_eq!(for_file("data/smes/lumen.fr.yaml"), Some("sme-translation"));
        assert_eq!(for_file("data/kpis.sv.yaml"), Some("kpis-translation"));
        assert_eq!(for_file("data/labels.fi.yaml"), Some("labels"));
        assert_eq!(for_file("data/labels.yaml"), None);
        assert_eq!(for_file("content/about.fr.md"), Some("page"));
    }
}
