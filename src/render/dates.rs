//! How dates read on a page: the templates' `date` and `datetime` filters.
//!
//! `date` without a format writes a date as precisely as it is known ("2019", "May 2018",
//! "5 June 2019", "24–27 June 2019", "30 May – 2 June 2019"); with `format=` it fills a pattern
//! (`%Y %m %d %e %B %b %H %M`) from the date's first day, and refuses a pattern that asks for a
//! part the date does not have, so no day is ever made up. `datetime` writes the machine-readable
//! start for a `<time datetime>` attribute. What a date is and how it is checked is
//! `source::dates`.

use crate::source::dates::{Date, DatePoint, Precision};
use crate::source::languages::strings::Strings;
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

/// How one language writes dates: month names and patterns. They come from the theme's strings
/// (`date.months`, `date.months_alone`, `date.day`, `date.day_no_year`, `date.days`,
/// `date.month`, `date.first_of_month`), in English where a language does not give them.
#[derive(Debug, Clone)]
pub struct DateWords {
    /// Month names as written with a day ("kesäkuuta" in Finnish).
    months: Vec<String>,
    /// Month names as written alone or with the year ("kesäkuu").
    months_alone: Vec<String>,
    /// A day: `{day} {month} {year}`.
    day: String,
    /// A day in a range ending in the same year: `{day} {month}`.
    day_no_year: String,
    /// Days of one month: `{first}–{last} {month} {year}`.
    days: String,
    /// A month: `{month} {year}`.
    month: String,
    /// How the first day of a month is written: `1`, or `1er` in French.
    first_of_month: String,
}

impl DateWords {
    pub fn english() -> DateWords {
        let months: Vec<String> = MONTHS.iter().map(|m| (*m).to_owned()).collect();
        DateWords {
            months_alone: months.clone(),
            months,
            day: "{day} {month} {year}".to_owned(),
            day_no_year: "{day} {month}".to_owned(),
            days: "{first}–{last} {month} {year}".to_owned(),
            month: "{month} {year}".to_owned(),
            first_of_month: "1".to_owned(),
        }
    }

    /// The words of a language's strings, English for what they lack.
    pub fn from_strings(strings: &Strings) -> DateWords {
        let english = DateWords::english();
        let list = |key: &str| strings.list(key, 12).map(<[String]>::to_vec);
        let text = |key: &str, or: String| strings.text(key).map_or(or, str::to_owned);
        let months = list("date.months").unwrap_or(english.months);
        DateWords {
            months_alone: list("date.months_alone").unwrap_or_else(|| months.clone()),
            months,
            day: text("date.day", english.day),
            day_no_year: text("date.day_no_year", english.day_no_year),
            days: text("date.days", english.days),
            month: text("date.month", english.month),
            first_of_month: text("date.first_of_month", english.first_of_month),
        }
    }

    /// The day of the month as the language writes it: `24`, and `1er` for the first in French.
    fn day_number(&self, day: u32) -> String {
        if day == 1 {
            self.first_of_month.clone()
        } else {
            day.to_string()
        }
    }

    fn month_name(&self, month: u32) -> &str {
        &self.months[(month.clamp(1, 12) - 1) as usize]
    }

    fn month_alone(&self, month: u32) -> &str {
        &self.months_alone[(month.clamp(1, 12) - 1) as usize]
    }

    /// One end as precisely as it is known: "2019", "May 2018", "5 June 2019".
    fn point(&self, p: &DatePoint) -> String {
        match (p.month, p.day) {
            (Some(month), Some(day)) => fill(
                &self.day,
                &[
                    ("day", &self.day_number(day)),
                    ("month", self.month_name(month)),
                    ("year", &p.year.to_string()),
                ],
            ),
            (Some(month), None) => fill(
                &self.month,
                &[
                    ("month", self.month_alone(month)),
                    ("year", &p.year.to_string()),
                ],
            ),
            _ => p.year.to_string(),
        }
    }

    /// A date as a reader would write it, with the parts two ends share written once.
    pub fn readable(&self, date: &Date) -> String {
        let start = date.start();
        let Some(end) = date.end() else {
            return self.point(&start);
        };
        let same_year = start.year == end.year;
        let same_month = same_year && start.month == end.month;
        let day = |p: &DatePoint| self.day_number(p.day.unwrap_or(1));
        match (start.precision(), end.precision()) {
            _ if start == end => self.point(&start),
            (Precision::Day, Precision::Day) if same_month => fill(
                &self.days,
                &[
                    ("first", &day(&start)),
                    ("last", &day(&end)),
                    ("month", self.month_name(end.month.unwrap_or(1))),
                    ("year", &end.year.to_string()),
                ],
            ),
            (Precision::Day, Precision::Day) if same_year => {
                let first = fill(
                    &self.day_no_year,
                    &[
                        ("day", &day(&start)),
                        ("month", self.month_name(start.month.unwrap_or(1))),
                    ],
                );
                format!("{first} – {}", self.point(&end))
            }
            (Precision::Month, Precision::Month) if same_year => {
                format!(
                    "{}–{}",
                    self.month_alone(start.month.unwrap_or(1)),
                    self.point(&end)
                )
            }
            (Precision::Year, Precision::Year) => format!("{}–{}", start.year, end.year),
            _ => format!("{} – {}", self.point(&start), self.point(&end)),
        }
    }
}

/// `pattern` with each `{name}` replaced by its value.
fn fill(pattern: &str, values: &[(&str, &str)]) -> String {
    let mut out = pattern.to_owned();
    for (name, value) in values {
        out = out.replace(&format!("{{{name}}}"), value);
    }
    out
}

/// Registers `date` (in English) and `datetime`.
pub fn register_filters(tera: &mut tera::Tera) {
    register_date_filter(tera, DateWords::english());
    tera.register_filter(
        "datetime",
        |value: &str, _: Kwargs, _: &State| -> TeraResult<String> {
            Ok(parse(value)?.start_str().to_owned())
        },
    );
}

/// Registers `date` with the words of one language.
pub fn register_date_filter(tera: &mut tera::Tera, words: DateWords) {
    tera.register_filter(
        "date",
        move |value: &str, kwargs: Kwargs, _: &State| -> TeraResult<String> {
            let date = parse(value)?;
            match kwargs.get::<&str>("format")? {
                Some(format) => format_date(&date, format, &words).map_err(Error::message),
                None => Ok(words.readable(&date)),
            }
        },
    );
}

fn parse(value: &str) -> TeraResult<Date> {
    Date::parse(value.trim()).map_err(|e| Error::message(format!("date filter: {e}")))
}

/// Fills `format` from the date's first day. Supports `%Y %m %d %e %B %b %H %M %%`; `%B` is
/// the month as written with a day when the format has one, else as written alone.
pub fn format_date(date: &Date, format: &str, words: &DateWords) -> Result<String, String> {
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
    let with_day = format.contains("%d") || format.contains("%e");
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
        let name = |m: u32| match with_day {
            true => words.month_name(m),
            false => words.month_alone(m),
        };
        match spec {
            Some('Y') => out.push_str(&start.year.to_string()),
            Some('m') => out.push_str(&format!("{:02}", month()?)),
            Some('d') => out.push_str(&format!("{:02}", day()?)),
            Some('e') => out.push_str(&day()?.to_string()),
            Some('B') => out.push_str(name(month()?)),
            Some('b') => out.extend(name(month()?).chars().take(3)),
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
            format_date(&date("2019-06-05"), "%e %B %Y", &DateWords::english()).unwrap(),
            "5 June 2019"
        );
        assert_eq!(
            format_date(
                &date("2019-06-05T09:30:00Z"),
                "%d %b %Y %H:%M",
                &DateWords::english()
            )
            .unwrap(),
            "05 Jun 2019 09:30"
        );
        assert!(format_date(&date("2019-06-05"), "%Q", &DateWords::english()).is_err());
    }

    #[test]
    fn a_format_never_invents_a_day() {
        assert_eq!(
            format_date(&date("2018-05"), "%B %Y", &DateWords::english()).unwrap(),
            "May 2018"
        );
        let e = format_date(&date("2018-05"), "%e %B %Y", &DateWords::english()).unwrap_err();
        assert!(e.contains("only known to the month"), "{e}");
        assert!(format_date(&date("2019"), "%B", &DateWords::english()).is_err());
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
            assert_eq!(
                DateWords::english().readable(&date(text)),
                expected,
                "{text}"
            );
        }
    }

    #[test]
    fn each_language_writes_dates_its_own_way() {
        let mut files = crate::source::languages::strings::StringFiles::default();
        let mut errors = Vec::new();
        let finnish = "date:\n  months: [tammikuuta, helmikuuta, maaliskuuta, huhtikuuta, toukokuuta, kesäkuuta, heinäkuuta, elokuuta, syyskuuta, lokakuuta, marraskuuta, joulukuuta]\n  months_alone: [tammikuu, helmikuu, maaliskuu, huhtikuu, toukokuu, kesäkuu, heinäkuu, elokuu, syyskuu, lokakuu, marraskuu, joulukuu]\n  day: '{day}. {month} {year}'\n  day_no_year: '{day}. {month}'\n  days: '{first}.–{last}. {month} {year}'\n";
        files.add("fi", "i18n/fi.yaml".into(), finnish, &mut errors);
        files.add("pt", "i18n/pt.yaml".into(), "date:\n  months: [janeiro, fevereiro, março, abril, maio, junho, julho, agosto, setembro, outubro, novembro, dezembro]\n  day: '{day} de {month} de {year}'\n  day_no_year: '{day} de {month}'\n  days: '{first}–{last} de {month} de {year}'\n  month: '{month} de {year}'\n", &mut errors);
        assert!(errors.is_empty(), "{errors:?}");
        let fi = DateWords::from_strings(&files.for_language("fi", "en"));
        let pt = DateWords::from_strings(&files.for_language("pt", "en"));
        assert_eq!(fi.readable(&date("2019-06-24")), "24. kesäkuuta 2019");
        assert_eq!(
            fi.readable(&date("2019-06-24/2019-06-27")),
            "24.–27. kesäkuuta 2019"
        );
        assert_eq!(fi.readable(&date("2018-05")), "toukokuu 2018");
        assert_eq!(pt.readable(&date("2019-06-24")), "24 de junho de 2019");
        assert_eq!(
            pt.readable(&date("2019-05-30/2019-06-02")),
            "30 de maio – 2 de junho de 2019"
        );
        assert_eq!(
            format_date(&date("2019-03-05"), "%b %Y", &pt).unwrap(),
            "mar 2019"
        );
    }

    #[test]
    fn the_first_day_of_a_month_is_written_the_way_the_language_writes_it() {
        let mut files = crate::source::languages::strings::StringFiles::default();
        let mut errors = Vec::new();
        let french = include_str!("../../themes/pimap/i18n/fr.yaml");
        files.add("fr", "i18n/fr.yaml".into(), french, &mut errors);
        assert!(errors.is_empty(), "{errors:?}");
        let fr = DateWords::from_strings(&files.for_language("fr", "en"));
        assert_eq!(fr.readable(&date("2026-12-01")), "1er décembre 2026");
        assert_eq!(fr.readable(&date("2026-12-11")), "11 décembre 2026");
        assert_eq!(
            fr.readable(&date("2019-06-01/2019-06-03")),
            "1er–3 juin 2019"
        );
        assert_eq!(
            fr.readable(&date("2019-05-30/2019-06-01")),
            "30 mai – 1er juin 2019"
        );
        assert_eq!(
            DateWords::english().readable(&date("2019-06-01")),
            "1 June 2019"
        );
    }
}
