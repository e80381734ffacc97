//! How dates read on a page: the templates' `date` and `datetime` filters.
//!
//! `date` without a format writes a date as precisely as it is known ("2019", "May 2018",
//! "5 June 2019", "24–27 June 2019", "30 May – 2 June 2019"); with `format=` it fills a pattern
//! (`%Y %m %d %e %B %b %H %M`) from the date's first day, and refuses a pattern that asks for a
//! part the date does not have, so no day is ever made up. `datetime` writes the machine-readable
//! start for a `<time datetime>` attribute. What a date is and how it is checked is
//! `source::dates`.

use crate::source::dates::{Date, DatePoint, Precision};
use tera::{Error, Kwargs, State, TeraResult};

const MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

pub fn register_filters(tera: &mut tera::Tera) {
    tera.register_filter(
        "date",
        |value: &str, kwargs: Kwargs, _: &State| -> TeraResult<String> {
            let date = parse(value)?;
            match kwargs.get::<&str>("format")? {
                Some(format) => format_date(&date, format).map_err(Error::message),
                None => Ok(readable(&date)),
            }
        },
    );
    tera.register_filter(
        "datetime",
        |value: &str, _: Kwargs, _: &State| -> TeraResult<String> {
            Ok(parse(value)?.start_str().to_owned())
        },
    );
}

fn parse(value: &str) -> TeraResult<Date> {
    Date::parse(value.trim()).map_err(|e| Error::message(format!("date filter: {e}")))
}

fn month_name(month: u32) -> &'static str {
    MONTHS[(month.clamp(1, 12) - 1) as usize]
}

/// One end as precisely as it is known: "2019", "May 2018", "5 June 2019".
fn point(p: &DatePoint) -> String {
    match (p.month, p.day) {
        (Some(month), Some(day)) => format!("{day} {} {}", month_name(month), p.year),
        (Some(month), None) => format!("{} {}", month_name(month), p.year),
        _ => p.year.to_string(),
    }
}

/// A date as a reader would write it, with the parts two ends share written once.
pub fn readable(date: &Date) -> String {
    let start = date.start();
    let Some(end) = date.end() else {
        return point(&start);
    };
    let same_year = start.year == end.year;
    let same_month = same_year && start.month == end.month;
    match (start.precision(), end.precision()) {
        _ if start == end => point(&start),
        (Precision::Day, Precision::Day) if same_month => format!(
            "{}–{} {} {}",
            start.day.unwrap_or(1),
            end.day.unwrap_or(1),
            month_name(end.month.unwrap_or(1)),
            end.year
        ),
        (Precision::Day, Precision::Day) if same_year => format!(
            "{} {} – {}",
            start.day.unwrap_or(1),
            month_name(start.month.unwrap_or(1)),
            point(&end)
        ),
        (Precision::Month, Precision::Month) if same_year => {
            format!("{}–{}", month_name(start.month.unwrap_or(1)), point(&end))
        }
        (Precision::Year, Precision::Year) => format!("{}–{}", start.year, end.year),
        _ => format!("{} – {}", point(&start), point(&end)),
    }
}

/// Fills `format` from the date's first day. Supports `%Y %m %d %e %B %b %H %M %%`.
pub fn format_date(date: &Date, format: &str) -> Result<String, String> {
    let start = date.start();
    let time = date.time().unwrap_or("00:00");
    let missing = |part: &str| {
        format!(
            "date filter: `{}` is only known to the {part}, so the format cannot show a {}; use `date` without a format",
            date.as_str(),
            if part == "year" {
                "month or day"
            } else {
                "day"
            }
        )
    };
    let precision = match start.precision() {
        Precision::Year => "year",
        Precision::Month => "month",
        Precision::Day => "day",
    };
    let mut out = String::new();
    let mut chars = format.chars();
    while let Some(c) = chars.next() {
        if c != '%' {
            out.push(c);
            continue;
        }
        let spec = chars.next();
        let month = || start.month.ok_or_else(|| missing(precision));
        let day = || start.day.ok_or_else(|| missing(precision));
        match spec {
            Some('Y') => out.push_str(&start.year.to_string()),
            Some('m') => out.push_str(&format!("{:02}", month()?)),
            Some('d') => out.push_str(&format!("{:02}", day()?)),
            Some('e') => out.push_str(&day()?.to_string()),
            Some('B') => out.push_str(month_name(month()?)),
            Some('b') => out.push_str(&month_name(month()?)[..3]),
            Some('H') => out.push_str(time.get(..2).unwrap_or("00")),
            Some('M') => out.push_str(time.get(3..5).unwrap_or("00")),
            Some('%') => out.push('%'),
            other => {
                return Err(format!(
                    "date filter: unsupported format `%{}`; use %Y %m %d %e %B %b %H %M",
                    other.map(String::from).unwrap_or_default()
                ));
            }
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(text: &str) -> Date {
        Date::parse(text).unwrap()
    }

    #[test]
    fn formats_dates() {
        assert_eq!(
            format_date(&date("2019-06-05"), "%e %B %Y").unwrap(),
            "5 June 2019"
        );
        assert_eq!(
            format_date(&date("2019-06-05T09:30:00Z"), "%d %b %Y %H:%M").unwrap(),
            "05 Jun 2019 09:30"
        );
        assert!(format_date(&date("2019-06-05"), "%Q").is_err());
    }

    #[test]
    fn a_format_never_invents_a_day() {
        assert_eq!(format_date(&date("2018-05"), "%B %Y").unwrap(), "May 2018");
        let e = format_date(&date("2018-05"), "%e %B %Y").unwrap_err();
        assert!(e.contains("only known to the month"), "{e}");
        assert!(format_date(&date("2019"), "%B").is_err());
    }

    #[test]
    fn dates_read_as_precisely_as_they_are_known() {
        for (text, expected) in [
            ("2019", "2019"),
            ("2018-05", "May 2018"),
            ("2019-06-05", "5 June 2019"),
            ("2019-06-05T09:30:00Z", "5 June 2019"),
            ("2019-06-24/2019-06-27", "24–27 June 2019"),
            ("2019-05-30/2019-06-02", "30 May – 2 June 2019"),
            ("2019-12-30/2020-01-02", "30 December 2019 – 2 January 2020"),
            ("2019-05/2019-06", "May–June 2019"),
            ("2019-12/2020-01", "December 2019 – January 2020"),
            ("2018/2019", "2018–2019"),
            ("2019-06/2019-06-30", "June 2019 – 30 June 2019"),
            ("2019-06-05/2019-06-05", "5 June 2019"),
        ] {
            assert_eq!(readable(&date(text)), expected, "{text}");
        }
    }
}
