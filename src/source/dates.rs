//! Dates as precise as what is known about them, used by front matter (`date`, `updated`) and by
//! data (a mission's `start` and `end`, an MoU's `signed`).
//!
//! A date is a year (`2019`), a month (`2018-05`), a day (`2019-06-25`), a day with a time
//! (`2019-06-25T09:30:00Z`, with `Z` or an offset), or a range of two of those joined by a slash
//! (`2019-06-24/2019-06-27`, as in ISO 8601). This module checks the text and answers questions
//! about it (its first and last day, its precision); how a date reads on a page is decided by
//! the templates' `date` filter. Order: dates sort by their first day, then their last day, so
//! `2018-05` sorts with 1 May 2018 and before `2018-05-20`, and a range sorts by its start.

use serde::{Deserialize, Deserializer};
use std::cmp::Ordering;

/// How precisely one end of a date is known.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Precision {
    Year,
    Month,
    Day,
}

/// One end of a date: a year, a month or a day, perhaps with a time of day.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DatePoint {
    pub year: u32,
    pub month: Option<u32>,
    pub day: Option<u32>,
    /// Byte length of this point's text, time included.
    len: usize,
}

impl DatePoint {
    pub fn precision(&self) -> Precision {
        match (self.month, self.day) {
            (Some(_), Some(_)) => Precision::Day,
            (Some(_), None) => Precision::Month,
            _ => Precision::Year,
        }
    }

    /// The earliest day this point can mean.
    pub fn first_day(&self) -> (u32, u32, u32) {
        (self.year, self.month.unwrap_or(1), self.day.unwrap_or(1))
    }

    /// The latest day this point can mean.
    pub fn last_day(&self) -> (u32, u32, u32) {
        let month = self.month.unwrap_or(12);
        let day = self.day.unwrap_or_else(|| days_in_month(self.year, month));
        (self.year, month, day)
    }
}

/// A checked date: the text as written and its one or two ends.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[serde(into = "String")]
pub struct Date {
    text: String,
    start: DatePoint,
    end: Option<DatePoint>,
}

impl From<Date> for String {
    fn from(date: Date) -> String {
        date.text
    }
}

impl Date {
    pub fn parse(text: &str) -> Result<Date, String> {
        match text.split_once('/') {
            None => Ok(Date {
                start: point(text, text)?,
                end: None,
                text: text.to_owned(),
            }),
            Some((first, last)) => {
                let start = point(first, text)?;
                let end = point(last, text)?;
                Date::range(start, end, text.to_owned()).ok_or_else(|| {
                    format!(
                        "`{text}`: the range ends ({last}) before it starts ({first}); write the earlier date first"
                    )
                })
            }
        }
    }

    /// The span from the start of `first` to the end of `last` (a mission's `start` and `end`);
    /// `None` when `last` ends before `first` starts.
    pub fn span(first: &Date, last: &Date) -> Option<Date> {
        let end = last.end.unwrap_or(last.start);
        let text = format!("{}/{}", first.start_str(), last.end_str());
        Date::range(first.start, end, text)
    }

    fn range(start: DatePoint, end: DatePoint, text: String) -> Option<Date> {
        (end.last_day() >= start.first_day()).then_some(Date {
            start,
            end: Some(end),
            text,
        })
    }

    /// The text as written: `2018-05`, `2019-06-24/2019-06-27`.
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// The first (or only) end as written: `2019-06-24` for `2019-06-24/2019-06-27`. This is what
    /// a `<time datetime>` attribute, JSON-LD and a sitemap's `lastmod` can hold.
    pub fn start_str(&self) -> &str {
        &self.text[..self.start.len]
    }

    /// The last end as written: the second half of a range, or the whole text.
    pub fn end_str(&self) -> &str {
        match self.end {
            Some(end) => &self.text[self.text.len() - end.len..],
            None => &self.text,
        }
    }

    pub fn start(&self) -> DatePoint {
        self.start
    }

    /// The second end of a range; `None` for a single date.
    pub fn end(&self) -> Option<DatePoint> {
        self.end
    }

    /// Year, month and day of the earliest day the date can mean.
    pub fn ymd(&self) -> (u32, u32, u32) {
        self.start.first_day()
    }

    /// The latest day the date can mean.
    pub fn last_day(&self) -> (u32, u32, u32) {
        self.end.unwrap_or(self.start).last_day()
    }

    /// The time of day of the start, as written (`09:30:00Z`), if it has one.
    pub fn time(&self) -> Option<&str> {
        let start = self.start_str();
        start.get(11..).filter(|t| !t.is_empty())
    }
}

impl Ord for Date {
    fn cmp(&self, other: &Self) -> Ordering {
        (self.ymd(), self.last_day(), self.time(), &self.text).cmp(&(
            other.ymd(),
            other.last_day(),
            other.time(),
            &other.text,
        ))
    }
}

impl PartialOrd for Date {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

/// One end of a date; `whole` is the full text, for messages.
fn point(text: &str, whole: &str) -> Result<DatePoint, String> {
    let bad = || {
        format!(
            "`{whole}` is not a date; write a day as YYYY-MM-DD (2019-06-25), a month as YYYY-MM (2018-05), a year as YYYY (2019), or a range as two of these joined by `/` (2019-06-24/2019-06-27)"
        )
    };
    let (date, time) = match text.split_once(['T', ' ']) {
        Some((d, t)) => (d, Some(t)),
        None => (text, None),
    };
    let parts: Vec<&str> = date.split('-').collect();
    let widths: Vec<usize> = parts.iter().map(|p| p.len()).collect();
    let ascii_digits = parts
        .iter()
        .all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()));
    if !ascii_digits || !matches!(widths.as_slice(), [4] | [4, 2] | [4, 2, 2]) {
        return Err(bad());
    }
    let numbers: Vec<u32> = parts.iter().filter_map(|p| p.parse().ok()).collect();
    let year = numbers[0];
    let month = numbers.get(1).copied();
    let day = numbers.get(2).copied();
    if let Some(month) = month.filter(|m| !(1..=12).contains(m)) {
        return Err(format!(
            "`{whole}`: month {month} does not exist; months go from 01 to 12"
        ));
    }
    if let (Some(month), Some(day)) = (month, day) {
        if day == 0 || day > days_in_month(year, month) {
            return Err(format!("`{whole}`: day {day} does not exist in that month"));
        }
    }
    if let Some(time) = time {
        if day.is_none() {
            return Err(format!(
                "`{whole}`: a time needs a full date before it, e.g. 2019-06-25T09:30:00Z"
            ));
        }
        if !is_clock(time) {
            return Err(format!(
                "`{whole}` has an invalid time; write it as 2019-06-25T09:30:00Z"
            ));
        }
    }
    Ok(DatePoint {
        year,
        month,
        day,
        len: text.len(),
    })
}

/// `HH:MM[:SS[.fraction]]`, then `Z`, `±HH:MM` or nothing; ASCII digits only.
fn is_clock(time: &str) -> bool {
    let (clock, zone) = match time.find(['Z', '+', '-']) {
        Some(at) => time.split_at(at),
        None => (time, ""),
    };
    let two = |s: &str, max: u32| {
        s.len() == 2
            && s.bytes().all(|b| b.is_ascii_digit())
            && s.parse::<u32>().is_ok_and(|n| n < max)
    };
    let mut fields = clock.split(':');
    let (Some(hours), Some(minutes)) = (fields.next(), fields.next()) else {
        return false;
    };
    let seconds_ok = match fields.next() {
        None => true,
        Some(seconds) => {
            let (whole, fraction) = seconds.split_once('.').unwrap_or((seconds, "0"));
            two(whole, 61) && !fraction.is_empty() && fraction.bytes().all(|b| b.is_ascii_digit())
        }
    };
    let zone_ok = match zone {
        "" | "Z" => true,
        zone => zone[1..]
            .split_once(':')
            .is_some_and(|(h, m)| two(h, 24) && two(m, 60)),
    };
    fields.next().is_none() && two(hours, 24) && two(minutes, 60) && seconds_ok && zone_ok
}

pub fn days_in_month(year: u32, month: u32) -> u32 {
    match month {
        2 if (year.is_multiple_of(4) && !year.is_multiple_of(100)) || year.is_multiple_of(400) => {
            29
        }
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// One end of a date, as a regular expression (its day-of-month check is the parser's).
const POINT_PATTERN: &str = "[0-9]{4}(-(0[1-9]|1[0-2])(-(0[1-9]|[12][0-9]|3[01])([T ]([01][0-9]|2[0-3]):[0-5][0-9](:([0-5][0-9]|60)(\\.[0-9]+)?)?(Z|[+-]([01][0-9]|2[0-3]):[0-5][0-9])?)?)?)?";

impl schemars::JsonSchema for Date {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Date".into()
    }

    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        let pattern = format!("^\\s*{POINT_PATTERN}(/{POINT_PATTERN})?\\s*$");
        schemars::json_schema!({
            "description": "A date as precise as it is known: a day 2019-06-25, a month 2018-05, a year 2019, or a range 2019-06-24/2019-06-27.",
            "anyOf": [
                {"type": "string", "pattern": pattern},
                {"type": "integer", "minimum": 1000, "maximum": 9999},
            ],
        })
    }
}

/// YAML reads `2019` as a number and `2019-06` as text: both are accepted.
#[derive(Deserialize)]
#[serde(untagged)]
enum DateText {
    Text(String),
    Year(u64),
}

impl<'de> Deserialize<'de> for Date {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = match DateText::deserialize(deserializer)? {
            DateText::Text(text) => text,
            DateText::Year(year) => year.to_string(),
        };
        Date::parse(text.trim()).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn days_and_times_are_checked() {
        assert!(Date::parse("2019-06-25").is_ok());
        assert!(Date::parse("2020-02-29").is_ok());
        assert!(Date::parse("2019-02-29").is_err());
        assert!(Date::parse("2019-13-01").is_err());
        assert!(Date::parse("25/06/2019").is_err());
        assert!(Date::parse("2019-06-25T09:30:00Z").is_ok());
        assert!(Date::parse("2019-06-25T25:30:00Z").is_err());
        assert!(Date::parse("2018-06-01T0.é:30").is_err());
        assert!(Date::parse("2019-06-25T09:30+02:00").is_ok());
        assert!(Date::parse("+019-06-25").is_err());
        assert!(Date::parse("2019-06T09:30").is_err());
    }

    #[test]
    fn months_years_and_ranges_are_dates() {
        let month = Date::parse("2018-05").unwrap();
        assert_eq!(month.start().precision(), Precision::Month);
        assert_eq!(
            (month.ymd(), month.last_day()),
            ((2018, 5, 1), (2018, 5, 31))
        );
        let year = Date::parse("2019").unwrap();
        assert_eq!(year.last_day(), (2019, 12, 31));
        let range = Date::parse("2019-06-24/2019-06-27").unwrap();
        assert_eq!(
            (range.start_str(), range.end_str()),
            ("2019-06-24", "2019-06-27")
        );
        assert!(Date::parse("2019-06/2019-06-30").is_ok());
        let e = Date::parse("2018-13").unwrap_err();
        assert!(e.contains("month 13 does not exist"), "{e}");
        let e = Date::parse("2019-06-27/2019-06-24").unwrap_err();
        assert!(e.contains("ends (2019-06-24) before it starts"), "{e}");
        assert!(Date::parse("2019-06-24/").is_err());
        assert!(Date::parse("19").is_err());
    }

    #[test]
    fn dates_sort_by_first_then_last_day() {
        let mut dates: Vec<Date> = ["2018-05-20", "2019", "2018-05", "2018-05-01/2018-05-03"]
            .iter()
            .map(|t| Date::parse(t).unwrap())
            .collect();
        dates.sort();
        let texts: Vec<&str> = dates.iter().map(Date::as_str).collect();
        assert_eq!(
            texts,
            ["2018-05-01/2018-05-03", "2018-05", "2018-05-20", "2019"]
        );
    }

    #[test]
    fn a_year_may_be_written_as_a_number() {
        let date: Date = crate::source::yaml::parse("2019").unwrap();
        assert_eq!(date.as_str(), "2019");
    }
}
