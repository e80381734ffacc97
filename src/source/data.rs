//! Typed data entities: `data/partners/`, `data/smes/`, `data/missions/`, `data/practices/`,
//! `data/kpis.yaml` and `data/roadmap.yaml` (the reference is `docs/data-model.md`).
//!
//! Each file is parsed into its record type (unknown fields, wrong types and bad enum values are
//! YAML errors with a "did you mean"), then checked value by value: ids, country codes, URLs,
//! years, coordinates, date order, lists that must not be empty. Every problem of every file is
//! collected. References between entities are checked later, in `site::entities`, once every
//! entity is known.

use crate::diagnostics::Diagnostic;
use crate::source::content::Date;
use crate::source::countries::country_name;
use crate::source::yaml;
use serde::{Deserialize, Deserializer, Serialize};
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

    /// In a list file: at `key` (and `needle`) of the item whose `id` is `item`.
    pub fn at_item(
        &self,
        item: &str,
        key: &str,
        needle: Option<&str>,
        message: String,
    ) -> Diagnostic {
        let start =
            yaml::text_position(&self.text, &format!("id: {item}")).map_or(0, |(line, _)| line - 1);
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
}

/// An ISO 3166-1 alpha-2 country code.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct Country(pub String);

impl<'de> Deserialize<'de> for Country {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let code = String::deserialize(deserializer)?;
        if country_name(&code).is_some() {
            return Ok(Country(code));
        }
        let upper = code.to_uppercase();
        let hint = match upper.as_str() {
            "UK" => " (the United Kingdom is `GB`)".to_owned(),
            "EL" => " (Greece is `GR`)".to_owned(),
            _ if country_name(&upper).is_some() => format!(" (write it in capitals: `{upper}`)"),
            _ => String::new(),
        };
        Err(serde::de::Error::custom(format!(
            "`{code}` is not an ISO 3166-1 alpha-2 country code{hint}"
        )))
    }
}

impl Country {
    pub fn name(&self) -> &'static str {
        country_name(&self.0).unwrap_or("")
    }
}

/// An absolute http(s) URL.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Url(pub String);

impl<'de> Deserialize<'de> for Url {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let url = String::deserialize(deserializer)?;
        let rest = url
            .strip_prefix("https://")
            .or_else(|| url.strip_prefix("http://"));
        let host = rest.map(|r| r.split(['/', '?', '#']).next().unwrap_or_default());
        match host {
            Some(host)
                if host.contains('.')
                    && !url.contains(char::is_whitespace)
                    && !host.contains(['"', '<', '>']) =>
            {
                Ok(Url(url))
            }
            _ => Err(serde::de::Error::custom(format!(
                "`{url}` is not a web address; write it like https://example.com/"
            ))),
        }
    }
}

/// A year such as 2014.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Year(pub u16);

impl<'de> Deserialize<'de> for Year {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let year = i64::deserialize(deserializer)?;
        if (1800..=2100).contains(&year) {
            Ok(Year(year as u16))
        } else {
            Err(serde::de::Error::custom(format!(
                "`{year}` is not a plausible year"
            )))
        }
    }
}

/// A month: `2020-01`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct Month(pub String);

impl Month {
    /// (year, month)
    pub fn parts(&self) -> (u32, u32) {
        let (y, m) = self.0.split_once('-').unwrap_or(("1970", "1"));
        (y.parse().unwrap_or(1970), m.parse().unwrap_or(1))
    }
}

impl<'de> Deserialize<'de> for Month {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        // ASCII digits only: `+999-01` parses as a number but is not a month.
        let bytes = text.as_bytes();
        let digits = |range: std::ops::Range<usize>| {
            bytes
                .get(range)
                .is_some_and(|b| b.iter().all(u8::is_ascii_digit))
        };
        let valid = bytes.len() == 7
            && bytes[4] == b'-'
            && digits(0..4)
            && digits(5..7)
            && text[5..]
                .parse::<u32>()
                .is_ok_and(|m| (1..=12).contains(&m));
        if valid {
            Ok(Month(text))
        } else {
            Err(serde::de::Error::custom(format!(
                "`{text}` is not a month; write it as YYYY-MM, e.g. 2020-01"
            )))
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum PartnerKind {
    Cluster,
    International,
}

#[derive(Debug, Clone, Copy, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Location {
    pub lat: f64,
    pub lon: f64,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Mou {
    pub signed: Date,
    pub place: String,
    pub signatories: Vec<String>,
    pub scope: String,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Partner {
    pub name: String,
    pub kind: PartnerKind,
    pub country: Country,
    pub city: String,
    #[serde(default)]
    pub region: Option<String>,
    #[serde(default)]
    pub website: Option<Url>,
    #[serde(default)]
    pub founded: Option<Year>,
    #[serde(default)]
    pub members: Option<u32>,
    #[serde(default)]
    pub sectors: Vec<String>,
    pub summary: String,
    #[serde(default)]
    pub description: Option<String>,
    #[serde(default)]
    pub logo: Option<String>,
    pub location: Location,
    #[serde(default)]
    pub mou: Option<Mou>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum SmeSize {
    Micro,
    Small,
    Medium,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Sme {
    pub name: String,
    pub demo: bool,
    pub cluster: String,
    pub country: Country,
    pub city: String,
    #[serde(default)]
    pub website: Option<Url>,
    #[serde(default)]
    pub founded: Option<Year>,
    pub size: SmeSize,
    pub sectors: Vec<String>,
    pub technologies: Vec<String>,
    pub target_markets: Vec<Country>,
    pub offer: String,
    #[serde(default)]
    pub looking_for: Vec<String>,
    #[serde(default)]
    pub logo: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum MissionKind {
    TradeFair,
    Matchmaking,
    BusinessMission,
    Workshop,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Mission {
    pub title: String,
    pub kind: MissionKind,
    pub start: Date,
    pub end: Date,
    pub city: String,
    pub country: Country,
    pub organisers: Vec<String>,
    #[serde(default)]
    pub hosts: Vec<String>,
    #[serde(default)]
    pub participants: Vec<String>,
    pub summary: String,
    #[serde(default)]
    pub outcomes: Option<String>,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Practice {
    pub title: String,
    pub theme: String,
    pub partners: Vec<String>,
    #[serde(default)]
    pub related_missions: Vec<String>,
    pub summary: String,
    pub body: String,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Kpi {
    pub id: String,
    pub label: String,
    pub unit: String,
    pub target: f64,
    pub achieved: f64,
    pub objective: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Status {
    Planned,
    InProgress,
    Done,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct RoadmapAction {
    pub id: String,
    pub title: String,
    pub start: Month,
    pub end: Month,
    pub owners: Vec<String>,
    pub status: Status,
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

/// Whether `rel` (a path inside `data/`) is a typed data file.
pub fn is_typed(rel: &str) -> bool {
    matches!(
        rel,
        "kpis.yaml" | "kpis.yml" | "roadmap.yaml" | "roadmap.yml"
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

fn parse<T: serde::de::DeserializeOwned>(source: &DataFile) -> Result<T, Diagnostic> {
    yaml::parse(&source.text).map_err(|e| {
        let mut d = Diagnostic::error_at(&source.file, &source.text, e.line, e.col, e.message);
        d.help = e.help;
        d
    })
}

/// Parses and checks one typed data file, adding it to `entities`.
pub fn add_file(
    entities: &mut Entities,
    rel: &str,
    source: DataFile,
    errors: &mut Vec<Diagnostic>,
) {
    if rel == "kpis.yaml" || rel == "kpis.yml" {
        if let Some(kpis) = ok(parse::<Vec<Kpi>>(&source), errors) {
            check_list(&source, kpis.iter().map(|k| k.id.as_str()), errors);
            for kpi in &kpis {
                for (key, value) in [("target", kpi.target), ("achieved", kpi.achieved)] {
                    if !(value.is_finite() && value >= 0.0) {
                        errors.push(source.at_item(
                            &kpi.id,
                            key,
                            None,
                            format!("`{key}` must be a number of 0 or more"),
                        ));
                    }
                }
            }
            entities.kpis = Some((source, kpis));
        }
        return;
    }
    if rel == "roadmap.yaml" || rel == "roadmap.yml" {
        if let Some(actions) = ok(parse::<Vec<RoadmapAction>>(&source), errors) {
            check_list(&source, actions.iter().map(|a| a.id.as_str()), errors);
            for action in &actions {
                if action.end < action.start {
                    errors.push(source.at_item(
                        &action.id,
                        "end",
                        None,
                        format!(
                            "`end` ({}) is before `start` ({})",
                            action.end.0, action.start.0
                        ),
                    ));
                }
                if action.owners.is_empty() {
                    errors.push(source.at_item(
                        &action.id,
                        "owners",
                        None,
                        "`owners` needs at least one partner id".to_owned(),
                    ));
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
            if let Some(record) = ok(parse::<Partner>(&source), errors) {
                check_partner(&source, &record, errors);
                entities.partners.push(Entity { id, source, record });
            }
        }
        "smes" => {
            if let Some(record) = ok(parse::<Sme>(&source), errors) {
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
                entities.smes.push(Entity { id, source, record });
            }
        }
        "missions" => {
            if let Some(record) = ok(parse::<Mission>(&source), errors) {
                if record.end < record.start {
                    errors.push(source.at(
                        "end",
                        None,
                        format!(
                            "`end` ({}) is before `start` ({})",
                            record.end.as_str(),
                            record.start.as_str()
                        ),
                    ));
                }
                if record.organisers.is_empty() {
                    errors.push(source.at(
                        "organisers",
                        None,
                        "`organisers` needs at least one partner id".to_owned(),
                    ));
                }
                entities.missions.push(Entity { id, source, record });
            }
        }
        "practices" => {
            if let Some(record) = ok(parse::<Practice>(&source), errors) {
                if record.partners.is_empty() {
                    errors.push(source.at(
                        "partners",
                        None,
                        "`partners` needs at least one partner id".to_owned(),
                    ));
                }
                entities.practices.push(Entity { id, source, record });
            }
        }
        _ => {}
    }
}

fn ok<T>(result: Result<T, Diagnostic>, errors: &mut Vec<Diagnostic>) -> Option<T> {
    result.map_err(|d| errors.push(d)).ok()
}

fn check_list<'a>(
    source: &DataFile,
    ids: impl Iterator<Item = &'a str>,
    errors: &mut Vec<Diagnostic>,
) {
    let mut seen = std::collections::HashSet::new();
    for id in ids {
        if !is_valid_id(id) {
            errors.push(source.at(
                "id",
                Some(id),
                format!("`{id}` is not a valid id: use [a-z0-9-]+"),
            ));
        } else if !seen.insert(id) {
            let positions: Vec<usize> = source
                .text
                .match_indices(&format!("id: {id}"))
                .map(|(i, _)| i)
                .collect();
            let offset = positions.get(1).copied().unwrap_or(0) + 4;
            let (line, col) = crate::diagnostics::line_col(&source.text, offset);
            errors.push(source.error((line, col), format!("the id `{id}` is used twice")));
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
    match (partner.kind, &partner.mou) {
        (PartnerKind::Cluster, Some(_)) => errors.push(
            source.at(
                "mou",
                None,
                "a cluster has no `mou`: memoranda are recorded on the international partner"
                    .to_owned(),
            ),
        ),
        (PartnerKind::International, Some(mou)) if mou.signatories.is_empty() => {
            errors.push(source.at(
                "signatories",
                None,
                "`signatories` needs at least one cluster id".to_owned(),
            ));
        }
        _ => {}
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
    fn typed_values_are_checked() {
        assert!(yaml::parse::<Country>("FR").is_ok());
        let e = yaml::parse::<Country>("UK").unwrap_err();
        assert_eq!(
            e.message,
            "`UK` is not an ISO 3166-1 alpha-2 country code (the United Kingdom is `GB`)"
        );
        assert!(
            yaml::parse::<Country>("fr")
                .unwrap_err()
                .message
                .contains("capitals")
        );
        assert!(yaml::parse::<Url>("https://example.com/x").is_ok());
        assert!(yaml::parse::<Url>("www.example.com").is_err());
        assert!(yaml::parse::<Month>("2020-01").is_ok());
        assert!(yaml::parse::<Month>("2020-13").is_err());
        assert!(yaml::parse::<Month>("+999-01").is_err());
        assert!(yaml::parse::<Month>("2020-+9").is_err());
        assert!(yaml::parse::<Year>("1066").is_err());
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
    }
}
