//! CSV files under `data/`: tables exported from a spreadsheet.
//!
//! `data/<name>.csv` becomes template data (`data.<name>`, nested by folder like YAML data): a
//! list with one map per row, keyed by the header row. Cells are text; a column whose header ends
//! in `:number` (`budget:number`) holds numbers, and its key drops the suffix. `data/kpis.csv`
//! may stand in for `data/kpis.yaml`: its rows are the typed indicators (`KpiRow`), with one
//! source per row in `source_title` and `source_url`. A row with more or fewer cells than the
//! header, a number column holding something else and an unknown or missing column are errors
//! at their line, every one of a file in one run. Reading uses the `csv` crate; nothing here
//! knows about templates.

use crate::diagnostics::Diagnostic;
use crate::source::data::{DataFile, Kpi};
use crate::source::fields::{Source, Url};
use serde::Deserialize;

/// The suffix of a header that makes its column numeric.
const NUMBER_SUFFIX: &str = ":number";

/// Reads a CSV file as a list of rows for templates; every problem found is returned.
pub fn read_table(source: &DataFile) -> Result<serde_json::Value, Vec<Diagnostic>> {
    let mut reader = reader(&source.text);
    let headers = match reader.headers() {
        Ok(headers) => headers.clone(),
        Err(e) => return Err(vec![error(source, &e, 1, None)]),
    };
    let columns: Vec<(String, bool)> = headers
        .iter()
        .map(|h| match h.trim().strip_suffix(NUMBER_SUFFIX) {
            Some(name) => (name.to_owned(), true),
            None => (h.trim().to_owned(), false),
        })
        .collect();
    let mut problems = Vec::new();
    if let Some(column) = columns.iter().position(|(name, _)| name.is_empty()) {
        problems.push(
            source_error(
                source,
                1,
                &headers,
                column,
                format!("column {} has no name in the header row", column + 1),
            )
            .with_help("give every column a name in the first row"),
        );
    }
    let mut rows = Vec::new();
    for record in reader.records() {
        let record = match record {
            Ok(record) => record,
            Err(e) => {
                problems.push(error(source, &e, 1, None));
                continue;
            }
        };
        let line = record.position().map_or(1, |p| p.line() as usize);
        let mut row = serde_json::Map::new();
        for (index, ((name, numeric), cell)) in columns.iter().zip(record.iter()).enumerate() {
            let value = match (numeric, cell.trim()) {
                (false, _) => serde_json::Value::String(cell.to_owned()),
                (true, "") => serde_json::Value::Null,
                (true, text) => match number(text) {
                    Some(n) => n,
                    None => {
                        let message = format!("`{text}` in the column `{name}` is not a number");
                        problems.push(
                            source_error(source, line, &record, index, message)
                                .with_help(NUMBER_HELP),
                        );
                        continue;
                    }
                },
            };
            row.insert(name.clone(), value);
        }
        rows.push(serde_json::Value::Object(row));
    }
    if problems.is_empty() {
        Ok(serde_json::Value::Array(rows))
    } else {
        Err(problems)
    }
}

/// A row of `data/kpis.csv`: a [`Kpi`] with at most one source.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct KpiRow {
    id: String,
    label: String,
    unit: String,
    #[serde(default)]
    target: Option<f64>,
    achieved: f64,
    #[serde(default)]
    more_than: Option<bool>,
    objective: String,
    #[serde(default)]
    illustrative: Option<bool>,
    #[serde(default)]
    source_title: Option<String>,
    #[serde(default)]
    source_url: Option<Url>,
}

/// Reads `data/kpis.csv` into indicators, with the line of each, and the problems of the rows
/// that could not be read.
pub fn read_kpis(source: &DataFile) -> (Vec<(usize, Kpi)>, Vec<Diagnostic>) {
    let mut reader = reader(&source.text);
    let headers = match reader.headers() {
        Ok(headers) => headers.clone(),
        Err(e) => return (Vec::new(), vec![error(source, &e, 1, None)]),
    };
    let mut kpis = Vec::new();
    let mut problems = Vec::new();
    for record in reader.records() {
        let record = match record {
            Ok(record) => record,
            Err(e) => {
                problems.push(error(source, &e, 1, None));
                continue;
            }
        };
        let line = record.position().map_or(1, |p| p.line() as usize);
        match record.deserialize::<KpiRow>(Some(&headers)) {
            Ok(row) => kpis.push((line, kpi(row))),
            Err(e) => problems.push(error(source, &e, line, Some((&headers, &record)))),
        }
    }
    (kpis, problems)
}

fn kpi(row: KpiRow) -> Kpi {
    let sources = match (row.source_title, row.source_url) {
        (Some(title), url) if !title.trim().is_empty() => vec![Source { url, title }],
        (_, Some(url)) => vec![Source {
            title: url.0.clone(),
            url: Some(url),
        }],
        _ => Vec::new(),
    };
    Kpi {
        id: row.id,
        label: row.label,
        unit: row.unit,
        target: row.target,
        achieved: row.achieved,
        more_than: row.more_than.unwrap_or(false),
        objective: row.objective,
        sources,
        illustrative: row.illustrative.unwrap_or(false),
    }
}

fn reader(text: &str) -> csv::Reader<&[u8]> {
    csv::ReaderBuilder::new()
        .flexible(false)
        .from_reader(text.as_bytes())
}

/// A number cell: an integer stays an integer.
fn number(text: &str) -> Option<serde_json::Value> {
    if let Ok(n) = text.parse::<i64>() {
        return Some(n.into());
    }
    let n = text.parse::<f64>().ok().filter(|n| n.is_finite())?;
    serde_json::Number::from_f64(n).map(serde_json::Value::Number)
}

/// An error at cell `index` of the record on `line`: at the cell's text in the line when it is
/// found there, else at the line's start.
fn source_error(
    source: &DataFile,
    line: usize,
    record: &csv::StringRecord,
    index: usize,
    message: String,
) -> Diagnostic {
    let text = source
        .text
        .lines()
        .nth(line.saturating_sub(1))
        .unwrap_or("");
    let col = record
        .get(index)
        .filter(|cell| !cell.is_empty())
        .and_then(|cell| text.find(cell))
        .map_or(1, |at| text[..at].chars().count() + 1);
    Diagnostic::error_at(&source.file, &source.text, line, col, message)
}

/// A problem the `csv` reader found, in words, on its line (`line` when the error has none);
/// a value that does not fit its column is shown at its cell of `row` (headers and record).
fn error(
    source: &DataFile,
    e: &csv::Error,
    line: usize,
    row: Option<(&csv::StringRecord, &csv::StringRecord)>,
) -> Diagnostic {
    let line = e.position().map_or(line, |p| p.line() as usize);
    let at = |message: String| Diagnostic::error_at(&source.file, &source.text, line, 1, message);
    match e.kind() {
        csv::ErrorKind::UnequalLengths {
            expected_len, len, ..
        } => at(format!(
            "this row has {len} cell{} but the header row has {expected_len}",
            if *len == 1 { "" } else { "s" }
        ))
        .with_help("give every row one cell per column; a comma inside a cell needs the cell in double quotes, like \"Lyon, France\""),
        csv::ErrorKind::Utf8 { .. } => at("this line is not UTF-8 text".to_owned())
            .with_help("export the spreadsheet as \"CSV UTF-8\""),
        csv::ErrorKind::Deserialize { err, .. } => {
            let what = match err.kind() {
                csv::DeserializeErrorKind::ParseFloat(_) | csv::DeserializeErrorKind::ParseInt(_) => {
                    "is not a number".to_owned()
                }
                csv::DeserializeErrorKind::ParseBool(_) => "is not `true` or `false`".to_owned(),
                other => return at(other.to_string()).with_help(KPI_COLUMNS),
            };
            match (err.field(), row) {
                (Some(index), Some((headers, record))) => {
                    let index = index as usize;
                    let name = headers.get(index).unwrap_or("");
                    let value = record.get(index).unwrap_or("");
                    let message = format!("`{value}` in the column `{name}` {what}");
                    let help = if what == "is not a number" {
                        NUMBER_HELP
                    } else {
                        "write true or false, or leave the cell empty for false"
                    };
                    source_error(source, line, record, index, message).with_help(help)
                }
                _ => at(format!("a value {what}")),
            }
        }
        _ => at(format!("this CSV file cannot be read: {e}")),
    }
}

const NUMBER_HELP: &str = "write digits with a `.` before decimals and no thousands separator or unit, e.g. 1250.5; leave the cell empty when there is no value";

/// The columns of `data/kpis.csv`, for messages.
const KPI_COLUMNS: &str = "the columns of kpis.csv are id, label, unit, target, achieved, more_than, objective, illustrative, source_title and source_url (see docs/data-model.md)";

#[cfg(test)]
mod tests {
    use super::*;

    fn file(text: &str) -> DataFile {
        DataFile {
            file: "data/budget.csv".into(),
            text: text.into(),
        }
    }

    #[test]
    fn rows_are_keyed_by_the_header_and_number_columns_are_numbers() {
        let table = read_table(&file(
            "country,budget:number\n\"Lyon, FR\",1250.5\nSE,\nFI,7\n",
        ))
        .unwrap();
        assert_eq!(
            table,
            serde_json::json!([
                {"country": "Lyon, FR", "budget": 1250.5},
                {"country": "SE", "budget": null},
                {"country": "FI", "budget": 7},
            ])
        );
    }

    #[test]
    fn ragged_rows_and_bad_numbers_are_errors_at_their_lines() {
        let problems = read_table(&file(
            "country,budget:number\nFR,1 250\nSE\nFI,12,3\nPT,€5\n",
        ))
        .unwrap_err();
        let found: Vec<(usize, usize, &str)> = problems
            .iter()
            .map(|d| (d.line, d.col, d.message.as_str()))
            .collect();
        assert_eq!(
            found,
            vec![
                (2, 4, "`1 250` in the column `budget` is not a number"),
                (3, 1, "this row has 1 cell but the header row has 2"),
                (4, 1, "this row has 3 cells but the header row has 2"),
                (5, 4, "`€5` in the column `budget` is not a number"),
            ]
        );
    }

    #[test]
    fn kpi_rows_are_typed_and_bad_cells_are_errors_at_their_cell() {
        let file = DataFile {
            file: "data/kpis.csv".into(),
            text: "id,label,unit,target,achieved,objective,source_title,source_url\nsmes,SMEs reached,SMEs,100,90,Reach,Report,https://example.org/r\nfairs,Fairs,fairs,,many,Reach,,\nweb,Visits,visits,,5,Reach,,,\n".into(),
        };
        let (_, problems) = read_kpis(&file);
        let found: Vec<(usize, usize, &str)> = problems
            .iter()
            .map(|d| (d.line, d.col, d.message.as_str()))
            .collect();
        assert_eq!(
            found,
            vec![
                (3, 20, "`many` in the column `achieved` is not a number"),
                (4, 1, "this row has 9 cells but the header row has 8"),
            ]
        );
        let good = DataFile {
            text: file.text.lines().take(2).collect::<Vec<_>>().join("\n"),
            ..file
        };
        let (kpis, problems) = read_kpis(&good);
        assert!(problems.is_empty());
        assert_eq!(kpis[0].0, 2);
        assert_eq!(kpis[0].1.achieved, 90.0);
        assert_eq!(kpis[0].1.sources[0].title, "Report");
    }
}
