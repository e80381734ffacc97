//! Typed data entities: `data/partners/`, `data/smes/`, `data/missions/`, `data/practices/`,
//! `data/kpis.yaml` (or `data/kpis.csv`, read by `source::tables`) and `data/roadmap.yaml` (the
//! reference is `docs/data-model.md`).
//!
//! Each file is parsed into its record type (`source::records`; unknown fields, wrong types and
//! bad enum values are YAML errors with a "did you mean", all of a file's in one run), then
//! checked value by value: ids, country codes, URLs,
//! years, coordinates, date order, lists that must not be empty. Every problem of every file is
//! collected. References between entities are checked later, in `site::entities`, once every
//! entity is known.

use crate::diagnostics::Diagnostic;
use crate::source::dates::Date;
pub use crate::source::fields::{Country, Month, Organiser, OutsideOrganiser, Source, Url, Year};
pub use crate::source::picture_fields::Photo;
use crate::source::publication::Publication;
pub use crate::source::records::*;
use crate::source::tables;
use crate::source::{picture_fields, yaml};
use std::path::{Path, PathBuf};

/// The text of a data file, kept to place diagnostics found after parsing.
#[derive(Debug, Clone)]
pub struct DataFile {
    pub file: PathBuf,
    pub text: String,
}

impl DataFile {
    fn error(&self, (line, col): (usize, usize), message: String) -> Diagnostic {
        Diagnostic::error_at(&self.file, &self.text, line, col, message)
    }

    /// At the value of top-level `key`, or at `needle` if given and found after the key.
    pub fn at(&self, key: &str, needle: Option<&str>, message: String) -> Diagnostic {
        self.error(self.locate(0, key, needle), message)
    }

    /// At byte `offset` of `value`, the text of top-level `key`: in a literal block
    /// (`key: |`) at that place in the file, line by line; in any other form, at the value.
    pub fn at_offset_in(
        &self,
        key: &str,
        value: &str,
        offset: usize,
        message: String,
    ) -> Diagnostic {
        let (key_line, value_col) = self.locate(0, key, None);
        let lines: Vec<&str> = self.text.lines().collect();
        let is_literal_block = lines
            .get(key_line - 1)
            .and_then(|line| line.split_once(':'))
            .is_some_and(|(_, rest)| rest.trim_start().starts_with('|'));
        let before = value.get(..offset).unwrap_or(value);
        if !is_literal_block {
            return self.error((key_line, value_col), message);
        }
        // The block's lines are the value's lines, each behind the block's indentation.
        let indent = lines
            .iter()
            .skip(key_line)
            .find(|line| !line.trim().is_empty())
            .map_or(0, |line| line.len() - line.trim_start_matches(' ').len());
        let line = key_line + 1 + before.matches('\n').count();
        let col = before.rsplit('\n').next().unwrap_or("").chars().count();
        self.error((line, indent + col + 1), message)
    }

    /// In a list file: at `key` (and `needle`) of the item whose `id` is `item`.
    pub fn at_item(
        &self,
        item: &str,
        key: &str,
        needle: Option<&str>,
        message: String,
    ) -> Diagnostic {
        self.at_named_item(("id", item), key, needle, message)
    }

    /// In a list: at `key` (and `needle`) of the item whose `name_key` is `name`, such as the
    /// photo whose `file` is `cell.jpg`.
    pub fn at_named_item(
        &self,
        (name_key, name): (&str, &str),
        key: &str,
        needle: Option<&str>,
        message: String,
    ) -> Diagnostic {
        let start = yaml::text_position(&self.text, &format!("{name_key}: {name}"))
            .map_or(0, |(line, _)| line - 1);
        self.error(self.locate(start, key, needle), message)
    }

    fn locate(&self, from_line: usize, key: &str, needle: Option<&str>) -> (usize, usize) {
        let lines: Vec<&str> = self.text.lines().collect();
        let key_line = (from_line..lines.len()).find(|&i| {
            let trimmed = lines[i].trim_start().trim_start_matches("- ");
            trimmed
                .strip_prefix(key)
                .is_some_and(|rest| rest.starts_with(':'))
        });
        let Some(key_line) = key_line else {
            // A key inside a flow mapping: `location: {lat: 148.8, lon: 2.3}`. Byte offsets come
            // from the text's own line ends, so CRLF files are counted right.
            let from = self
                .text
                .split_inclusive('\n')
                .take(from_line)
                .map(str::len)
                .sum::<usize>();
            let after = &self.text[from..];
            return match after.find(&format!("{key}:")) {
                Some(at) => {
                    let value = &after[at + key.len() + 1..];
                    let offset =
                        from + at + key.len() + 1 + (value.len() - value.trim_start().len());
                    crate::diagnostics::line_col(&self.text, offset)
                }
                None => (1, 1),
            };
        };
        if let Some(needle) = needle {
            for (i, line) in lines.iter().enumerate().skip(key_line) {
                if let Some(col) = line.find(needle) {
                    return (i + 1, line[..col].chars().count() + 1);
                }
            }
        }
        let line = lines[key_line];
        let col = line.find(key).map_or(0, |c| c + key.len() + 1);
        let value_col = col
            + (line[col.min(line.len())..].len() - line[col.min(line.len())..].trim_start().len());
        (
            key_line + 1,
            line[..value_col.min(line.len())].chars().count() + 1,
        )
    }
}

/// One entity of a `data/<kind>/` folder.
#[derive(Debug, Clone)]
pub struct Entity<T> {
    pub id: String,
    pub source: DataFile,
    pub record: T,
    /// Whether it is published on the build's day (set once every file is read).
    pub publication: Publication,
    /// In a further language, the translation laid over `record` (`smes/x.fr.yaml`), if any.
    pub translation: Option<TranslatedFields>,
}

/// The file of a translation laid over an entity, and the fields it gave.
#[derive(Debug, Clone)]
pub struct TranslatedFields {
    pub file: DataFile,
    pub keys: Vec<String>,
}

impl<T> Entity<T> {
    /// The file that holds the field `key` as the record has it: the translation's when it
    /// gave `key`, else the entity's own. A problem in the field is reported at that file.
    pub fn file_of(&self, key: &str) -> &DataFile {
        match &self.translation {
            Some(translation) if translation.keys.iter().any(|k| k == key) => &translation.file,
            _ => &self.source,
        }
    }
}

/// Every typed entity of the site.
#[derive(Debug, Clone, Default)]
pub struct Entities {
    pub partners: Vec<Entity<Partner>>,
    pub smes: Vec<Entity<Sme>>,
    pub missions: Vec<Entity<Mission>>,
    pub practices: Vec<Entity<Practice>>,
    pub kpis: Option<(DataFile, Vec<Kpi>)>,
    pub roadmap: Option<(DataFile, Vec<RoadmapAction>)>,
    /// Files (`smes/x.yaml`) that had errors: references to them are not reported again.
    pub failed: std::collections::HashSet<String>,
    /// Entities a build on this day leaves out: references to them are left out too.
    pub withheld: Vec<WithheldEntity>,
}

/// An entity outside its publication window, kept so that a preview can say why its URL is
/// missing.
#[derive(Debug, Clone)]
pub struct WithheldEntity {
    /// Its folder under `data/`: `smes`.
    pub folder: &'static str,
    pub id: String,
    pub file: PathBuf,
    pub publication: Publication,
}

/// Names under `data` that pimap fills itself (typed entities and facets): a free-form data file
/// may not take them.
pub const RESERVED: [&str; 9] = [
    "partners",
    "smes",
    "missions",
    "practices",
    "sectors",
    "technologies",
    "markets",
    "kpis",
    "roadmap",
];

/// The folder of each entity kind under `data/`.
pub const ENTITY_FOLDERS: [&str; 4] = ["partners", "smes", "missions", "practices"];

/// Whether `rel` (a path inside `data/`) is a file of a kind's `media/` folder.
pub fn is_media(rel: &str) -> bool {
    rel.split_once('/').is_some_and(|(folder, rest)| {
        ENTITY_FOLDERS.contains(&folder)
            && rest
                .strip_prefix(picture_fields::MEDIA_DIR)
                .is_some_and(|r| r.starts_with('/'))
    })
}

/// Whether `rel` (a path inside `data/`) is a typed data file.
pub fn is_typed(rel: &str) -> bool {
    matches!(
        rel,
        "kpis.yaml" | "kpis.yml" | "kpis.csv" | "roadmap.yaml" | "roadmap.yml"
    ) || ENTITY_FOLDERS
        .iter()
        .any(|folder| rel.strip_prefix(folder).is_some_and(|r| r.starts_with('/')))
}

pub fn is_valid_id(id: &str) -> bool {
    !id.is_empty()
        && id
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
}

/// Parses a data file as `T`, adding its warnings, or every problem it has, to `errors`.
fn parse<T: serde::de::DeserializeOwned>(
    source: &DataFile,
    errors: &mut Vec<Diagnostic>,
) -> Option<T> {
    match yaml::parse(&source.text) {
        Ok(record) => {
            errors.extend(yaml::warning_diagnostics(&source.file, &source.text));
            Some(record)
        }
        Err(problems) => {
            errors.extend(yaml::diagnostics(problems, &source.file, &source.text));
            None
        }
    }
}

/// Parses and checks one typed data file, adding it to `entities`.
pub fn add_file(
    entities: &mut Entities,
    rel: &str,
    source: DataFile,
    errors: &mut Vec<Diagnostic>,
) {
    if rel == "kpis.csv" {
        let (rows, mut problems) = tables::read_kpis(&source);
        errors.append(&mut problems);
        let mut seen = std::collections::HashSet::new();
        for (line, kpi) in &rows {
            let at = |message: String| {
                Diagnostic::error_at(&source.file, &source.text, *line, 1, message)
            };
            if let Some(problem) = id_problem(&kpi.id, &mut seen) {
                errors.push(at(problem));
            }
            for (_, message) in kpi_problems(kpi) {
                errors.push(at(message));
            }
        }
        entities.kpis = Some((source, rows.into_iter().map(|(_, kpi)| kpi).collect()));
        return;
    }
    if rel == "kpis.yaml" || rel == "kpis.yml" {
        if let Some(kpis) = parse::<Vec<Kpi>>(&source, errors) {
            check_list(&source, kpis.iter().map(|k| k.id.as_str()), errors);
            for kpi in &kpis {
                for (key, message) in kpi_problems(kpi) {
                    errors.push(source.at_item(&kpi.id, key, None, message));
                }
            }
            entities.kpis = Some((source, kpis));
        }
        return;
    }
    if rel == "roadmap.yaml" || rel == "roadmap.yml" {
        if let Some(actions) = parse::<Vec<RoadmapAction>>(&source, errors) {
            check_list(&source, actions.iter().map(|a| a.id.as_str()), errors);
            for action in &actions {
                for (key, message, help) in roadmap_problems(action) {
                    let error = source.at_item(&action.id, key, None, message);
                    errors.push(match help {
                        Some(help) => error.with_help(help),
                        None => error,
                    });
                }
            }
            entities.roadmap = Some((source, actions));
        }
        return;
    }
    let (folder, name) = rel.split_once('/').unwrap_or(("", rel));
    let id = name
        .strip_suffix(".yaml")
        .or_else(|| name.strip_suffix(".yml"))
        .unwrap_or(name);
    if !is_valid_id(id) || name.contains('/') {
        errors.push(
            Diagnostic::file_error(&source.file, format!("`{name}` is not a valid file name for an entity: the id must match [a-z0-9-]+"))
                .with_help("rename the file with lower-case letters, digits and dashes, e.g. lumen-lasers.yaml"),
        );
        return;
    }
    let id = id.to_owned();
    match folder {
        "partners" => {
            if let Some(record) = parse::<Partner>(&source, errors) {
                check_partner(&source, &record, errors);
                picture_fields::check(&source, record.logo.as_deref(), &[], errors);
                check_sourced(
                    &source,
                    "partner",
                    record.sources.is_empty() && !record.illustrative,
                    errors,
                );
                entities.partners.push(Entity {
                    id,
                    source,
                    record,
                    publication: Publication::Published,
                    translation: None,
                });
            }
        }
        "smes" => {
            if let Some(record) = parse::<Sme>(&source, errors) {
                picture_fields::check(&source, record.logo.as_deref(), &record.photos, errors);
                for (key, empty) in [
                    ("sectors", record.sectors.is_empty()),
                    ("technologies", record.technologies.is_empty()),
                    ("target_markets", record.target_markets.is_empty()),
                ] {
                    if empty {
                        errors.push(source.at(
                            key,
                            None,
                            format!("`{key}` needs at least one entry"),
                        ));
                    }
                }
                entities.smes.push(Entity {
                    id,
                    source,
                    record,
                    publication: Publication::Published,
                    translation: None,
                });
            }
        }
        "missions" => {
            if let Some(record) = parse::<Mission>(&source, errors) {
                if let Some(end) = record
                    .end
                    .as_ref()
                    .filter(|end| Date::span(&record.start, end).is_none())
                {
                    errors.push(source.at(
                        "end",
                        None,
                        format!(
                            "`end` ({}) is before `start` ({})",
                            end.as_str(),
                            record.start.as_str()
                        ),
                    ));
                }
                if record.organisers.is_empty() {
                    errors.push(source.at(
                        "organisers",
                        None,
                        "`organisers` needs at least one partner id or organisation".to_owned(),
                    ).with_help("write who ran the event: a partner id such as `alpha-rlh`, or `{name: SPIE, website: https://spie.org}`"));
                }
                check_sourced(
                    &source,
                    "mission",
                    record.sources.is_empty() && !record.illustrative,
                    errors,
                );
                entities.missions.push(Entity {
                    id,
                    source,
                    record,
                    publication: Publication::Published,
                    translation: None,
                });
            }
        }
        "practices" => {
            if let Some(record) = parse::<Practice>(&source, errors) {
                if record.partners.is_empty() {
                    errors.push(source.at(
                        "partners",
                        None,
                        "`partners` needs at least one partner id".to_owned(),
                    ));
                }
                entities.practices.push(Entity {
                    id,
                    source,
                    record,
                    publication: Publication::Published,
                    translation: None,
                });
            }
        }
        _ => {}
    }
}

/// What is wrong with an indicator's figures: (key, message).
fn kpi_problems(kpi: &Kpi) -> Vec<(&'static str, String)> {
    [
        ("target", kpi.target.unwrap_or(0.0)),
        ("achieved", kpi.achieved),
    ]
    .into_iter()
    .filter(|(_, value)| !(value.is_finite() && *value >= 0.0))
    .map(|(key, _)| (key, format!("`{key}` must be a number of 0 or more")))
    .collect()
}

/// What is wrong with an action of the roadmap: the key, the message and what to do.
fn roadmap_problems(action: &RoadmapAction) -> Vec<(&'static str, String, Option<String>)> {
    let mut problems = Vec::new();
    for (key, month) in [("start", &action.start), ("end", &action.end)] {
        let (year, _) = month.parts();
        if !Month::YEARS.contains(&year) {
            let message = format!(
                "`{key}` is `{}`: the year {year} cannot be right for the roadmap",
                month.0
            );
            let (from, to) = (Month::YEARS.start(), Month::YEARS.end());
            let help = format!(
                "check the year for a typo and write it in full, from {from} to {to}: for \
                 example `{key}: \"2026-03\"`"
            );
            problems.push((key, message, Some(help)));
        }
    }
    if action.end < action.start {
        let message = format!(
            "`end` ({}) is before `start` ({})",
            action.end.0, action.start.0
        );
        problems.push(("end", message, None));
    }
    if action.owners.is_empty() {
        let message = "`owners` needs at least one partner id".to_owned();
        problems.push(("owners", message, None));
    }
    problems
}

/// What is wrong with the id of an item of a list file, given the ids before it.
fn id_problem(id: &str, seen: &mut std::collections::HashSet<String>) -> Option<String> {
    if !is_valid_id(id) {
        Some(format!("`{id}` is not a valid id: use [a-z0-9-]+"))
    } else if !seen.insert(id.to_owned()) {
        Some(format!("the id `{id}` is used twice"))
    } else {
        None
    }
}

fn check_list<'a>(
    source: &DataFile,
    ids: impl Iterator<Item = &'a str>,
    errors: &mut Vec<Diagnostic>,
) {
    let mut seen = std::collections::HashSet::new();
    for id in ids {
        let Some(problem) = id_problem(id, &mut seen) else {
            continue;
        };
        if !is_valid_id(id) {
            errors.push(source.at("id", Some(id), problem));
        } else {
            let positions: Vec<usize> = source
                .text
                .match_indices(&format!("id: {id}"))
                .map(|(i, _)| i)
                .collect();
            let offset = positions.get(1).copied().unwrap_or(0) + 4;
            let (line, col) = crate::diagnostics::line_col(&source.text, offset);
            errors.push(source.error((line, col), problem));
        }
    }
}

fn check_partner(source: &DataFile, partner: &Partner, errors: &mut Vec<Diagnostic>) {
    let Location { lat, lon } = partner.location;
    if !(-90.0..=90.0).contains(&lat) {
        errors.push(source.at(
            "lat",
            None,
            format!("latitude {lat} is not between -90 and 90"),
        ));
    }
    if !(-180.0..=180.0).contains(&lon) {
        errors.push(source.at(
            "lon",
            None,
            format!("longitude {lon} is not between -180 and 180"),
        ));
    }
    if partner.kind == PartnerKind::Cluster && partner.mou.is_some() {
        errors.push(
            source.at(
                "mou",
                None,
                "a cluster has no `mou`: memoranda are recorded on the international partner"
                    .to_owned(),
            ),
        );
    }
}

/// Facts about real organisations carry their sources: a warning for a partner or mission
/// (`what`) that has none and is not marked `illustrative`.
fn check_sourced(source: &DataFile, what: &str, unsourced: bool, errors: &mut Vec<Diagnostic>) {
    if unsourced {
        errors.push(
            Diagnostic::error_at(&source.file, &source.text, 1, 1, format!("this {what} has no `sources` and is not marked `illustrative`"))
                .with_help("add the web pages its facts come from:\nsources:\n  - url: https://example.org/report\n    title: Title of the page\nor, for an invented example, `illustrative: true`")
                .warning(),
        );
    }
}

/// Reads `path` as a data file, relative to the site root for diagnostics.
pub fn read(root: &Path, rel: &str) -> Result<DataFile, Diagnostic> {
    let file = Path::new("data").join(rel);
    match std::fs::read(root.join(&file)).map(String::from_utf8) {
        Ok(Ok(text)) => Ok(DataFile { file, text }),
        Ok(Err(_)) => Err(Diagnostic::file_error(
            file,
            "this data file is not UTF-8 text",
        )),
        Err(e) => Err(Diagnostic::file_error(file, format!("cannot read: {e}"))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(text: &str) -> DataFile {
        DataFile {
            file: "data/smes/x.yaml".into(),
            text: text.into(),
        }
    }

    #[test]
    fn positions_point_at_values() {
        let f = file("name: X\nsectors:\n  - Lasers\n  - Optics\n");
        let d = f.at("sectors", Some("Optics"), "m".into());
        assert_eq!((d.line, d.col), (4, 5));
        let d = f.at("name", None, "m".into());
        assert_eq!((d.line, d.col), (1, 7));
        let list = file("- id: a\n  end: x\n- id: b\n  end: y\n");
        let d = list.at_item("b", "end", None, "m".into());
        assert_eq!((d.line, d.col), (4, 8));
    }

    #[test]
    fn typed_paths_are_recognised() {
        assert!(is_typed("smes/lumen.yaml") && is_typed("kpis.yaml"));
        assert!(!is_typed("smesx.yaml") && !is_typed("other/x.yaml"));
        assert!(is_media("smes/media/logo.svg") && !is_media("smes/mediax.yaml"));
    }
}
