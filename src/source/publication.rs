//! When a page or an entity is published: drafts, `publish_date` (not before) and `expiry_date`
//! (not after), measured against the build's "today".
//!
//! A build publishes only what is [`Publication::Published`] on its day; a preview (`pimap
//! serve`, or `--drafts`) shows the rest too, each with a ribbon that says why it would not be
//! published. [`Schedule`] counts what will change on a later day, so that a scheduled rebuild
//! can be planned. "Today" is the build's [`Day`]: the clock's UTC date, or the day given in
//! `PIMAP_TODAY` (read by the command line, so that tests and reproducible builds can fix it).
//! Content files are sorted by their publication as they are loaded (`source::load`); typed
//! entities by [`publish_entities`] once every data file is read. Nothing here reads files or
//! knows about URLs.

use crate::diagnostics::Diagnostic;
use crate::source::data::{Entities, Entity, Scheduled, WithheldEntity};
use crate::source::dates::{Date, Precision};
use crate::source::languages::strings::Strings;
use serde::{Deserialize, Deserializer, Serialize};

/// The environment variable that sets the build's "today" (`YYYY-MM-DD`).
pub const TODAY_VARIABLE: &str = "PIMAP_TODAY";

/// A calendar day, written `YYYY-MM-DD`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Day(time::Date);

impl Day {
    /// Parses `YYYY-MM-DD`, saying how to write it otherwise.
    pub fn parse(text: &str) -> Result<Day, String> {
        let bad = || format!("`{text}` is not a day; write it as YYYY-MM-DD, e.g. 2026-12-03");
        let date = Date::parse(text).map_err(|_| bad())?;
        let start = date.start();
        if date.end().is_some() || date.time().is_some() || start.precision() != Precision::Day {
            return Err(bad());
        }
        let (year, month, day) = start.first_day();
        let month = u8::try_from(month)
            .ok()
            .and_then(|m| time::Month::try_from(m).ok())
            .ok_or_else(bad)?;
        let day = u8::try_from(day).map_err(|_| bad())?;
        let year = i32::try_from(year).map_err(|_| bad())?;
        time::Date::from_calendar_date(year, month, day)
            .map(Day)
            .map_err(|_| bad())
    }

    /// Today's date in UTC, by the system clock.
    pub fn today_by_clock() -> Day {
        Day(time::OffsetDateTime::now_utc().date())
    }

    /// The build's day: `PIMAP_TODAY` when it is set, else the clock's.
    pub fn today(variable: Option<&str>) -> Result<Day, String> {
        match variable {
            None => Ok(Day::today_by_clock()),
            Some(text) => {
                Day::parse(text.trim()).map_err(|message| format!("{TODAY_VARIABLE}: {message}"))
            }
        }
    }

    /// The day after this one.
    pub fn next(self) -> Day {
        Day(self.0.next_day().unwrap_or(self.0))
    }

    /// The year, the month (1 to 12) and the day of the month (1 to 31).
    pub fn parts(self) -> (u32, u32, u32) {
        (
            u32::try_from(self.0.year()).unwrap_or(0),
            u32::from(u8::from(self.0.month())),
            u32::from(self.0.day()),
        )
    }
}

impl std::fmt::Display for Day {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let (year, month, day) = (self.0.year(), u8::from(self.0.month()), self.0.day());
        write!(f, "{year:04}-{month:02}-{day:02}")
    }
}

impl<'de> Deserialize<'de> for Day {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        Day::parse(&text).map_err(serde::de::Error::custom)
    }
}

impl schemars::JsonSchema for Day {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Day".into()
    }

    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "description": "A day, written YYYY-MM-DD: 2026-12-03.",
            "type": "string",
            "pattern": "^[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$",
        })
    }
}

impl Serialize for Day {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

/// The publication window of a page or an entity.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Window {
    /// Not published before this day.
    pub publish_date: Option<Day>,
    /// Not published after this day.
    pub expiry_date: Option<Day>,
}

impl Window {
    /// Whether the window closes before it opens.
    pub fn is_empty(&self) -> bool {
        matches!((self.publish_date, self.expiry_date), (Some(p), Some(e)) if e < p)
    }

    /// Where something with this window stands on `today`.
    pub fn publication(&self, draft: bool, today: Day) -> Publication {
        if draft {
            return Publication::Draft;
        }
        match (self.publish_date, self.expiry_date) {
            (Some(publish), _) if today < publish => Publication::Scheduled(publish),
            (_, Some(expiry)) if today > expiry => Publication::Expired(expiry),
            _ => Publication::Published,
        }
    }

    /// The next day after `today` on which publication changes, unless it is a draft.
    pub fn next_change(&self, draft: bool, today: Day) -> Option<Day> {
        if draft || self.is_empty() {
            return None;
        }
        let publish = self.publish_date.filter(|&p| p > today);
        let unpublish = self.expiry_date.filter(|&e| e >= today).map(Day::next);
        publish.into_iter().chain(unpublish).min()
    }
}

/// Whether a page or an entity is published on the build's day, and if not, why.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Publication {
    Published,
    /// Marked `draft: true`.
    Draft,
    /// Its `publish_date` is still to come.
    Scheduled(Day),
    /// Its `expiry_date` has passed.
    Expired(Day),
}

/// What a preview shows about an unpublished page, for the template variable `publication`.
#[derive(Debug, Clone, Serialize)]
pub struct PublicationNotice {
    /// `draft`, `scheduled` or `expired`.
    pub status: &'static str,
    /// The ribbon's text: `Draft: not published`.
    pub label: String,
    /// The day it is published (scheduled) or was taken down after (expired).
    pub date: Option<String>,
}

impl Publication {
    pub fn is_published(self) -> bool {
        self == Publication::Published
    }

    /// What the preview ribbon says, in the language of `strings` (`publication.draft`,
    /// `publication.scheduled`, `publication.expired`, in English where they lack it); `None`
    /// for a published page.
    pub fn notice(self, strings: &Strings) -> Option<PublicationNotice> {
        let (status, english, date) = match self {
            Publication::Published => return None,
            Publication::Draft => ("draft", "Draft: not published", None),
            Publication::Scheduled(day) => {
                ("scheduled", "Scheduled: published on {date}", Some(day))
            }
            Publication::Expired(day) => {
                ("expired", "Expired: not published after {date}", Some(day))
            }
        };
        let text = strings
            .text(&format!("publication.{status}"))
            .unwrap_or(english);
        let date = date.map(|d| d.to_string());
        Some(PublicationNotice {
            status,
            label: text.replace("{date}", date.as_deref().unwrap_or_default()),
            date,
        })
    }

    /// Why a build leaves it out and how to publish it, for the preview's 404 page.
    pub fn how_to_publish(self, file: &str) -> String {
        match self {
            Publication::Published => format!("{file} is published."),
            Publication::Draft => format!(
                "{file} is a draft (`draft: true`). To publish it, remove the line `draft: true` from it (or write `draft: false`). To see drafts here, start the preview without --no-drafts."
            ),
            Publication::Scheduled(day) => format!(
                "{file} is scheduled: its `publish_date` is {day}. The first build on or after that day publishes it; to publish it now, remove `publish_date` or set it to today."
            ),
            Publication::Expired(day) => format!(
                "{file} has expired: its `expiry_date` was {day}. To publish it again, remove `expiry_date` or set it to a later day."
            ),
        }
    }
}

/// Pages and entities whose publication changes after the build's day.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Schedule {
    /// How many will be published or taken down on a later day.
    pub pending: usize,
    /// The first day a build changes what is published.
    pub next: Option<Day>,
}

impl Schedule {
    pub fn add(&mut self, change: Option<Day>) {
        if let Some(day) = change {
            self.pending += 1;
            self.next = Some(self.next.map_or(day, |next| next.min(day)));
        }
    }

    pub fn merge(&mut self, other: Schedule) {
        self.pending += other.pending;
        self.next = match (self.next, other.next) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        };
    }

    /// `3 pages scheduled, next on 2026-12-03`; `None` when nothing is.
    pub fn summary(&self) -> Option<String> {
        let next = self.next?;
        let pages = if self.pending == 1 { "page" } else { "pages" };
        Some(format!(
            "{} {pages} scheduled, next on {next}",
            self.pending
        ))
    }
}

/// Decides which entities a build on `today` publishes: the others are moved to
/// `entities.withheld`, unless `preview` keeps them (with their [`Publication`]). Returns what
/// changes on a later day; a window that closes before it opens is an error at `expiry_date`.
pub fn publish_entities(
    entities: &mut Entities,
    preview: bool,
    today: Day,
    errors: &mut Vec<Diagnostic>,
) -> Schedule {
    let mut decision = EntityDecision {
        preview,
        today,
        schedule: Schedule::default(),
        withheld: Vec::new(),
        errors,
    };
    decision.apply(&mut entities.partners, "partners");
    decision.apply(&mut entities.smes, "smes");
    decision.apply(&mut entities.missions, "missions");
    decision.apply(&mut entities.practices, "practices");
    entities.withheld = decision.withheld;
    decision.schedule
}

struct EntityDecision<'a> {
    preview: bool,
    today: Day,
    schedule: Schedule,
    withheld: Vec<WithheldEntity>,
    errors: &'a mut Vec<Diagnostic>,
}

impl EntityDecision<'_> {
    fn apply<T: Scheduled>(&mut self, list: &mut Vec<Entity<T>>, folder: &'static str) {
        list.retain_mut(|entity| {
            let window = entity.record.window();
            if window.is_empty() {
                self.errors.push(
                    entity
                        .source
                        .at("expiry_date", None, "`expiry_date` is before `publish_date`: this entry would never be published".to_owned())
                        .with_help("write an `expiry_date` on or after the `publish_date`, or remove one of them"),
                );
            }
            self.schedule.add(window.next_change(false, self.today));
            entity.publication = window.publication(false, self.today);
            let kept = self.preview || entity.publication.is_published();
            if !kept {
                self.withheld.push(WithheldEntity {
                    folder,
                    id: entity.id.clone(),
                    file: entity.source.file.clone(),
                    publication: entity.publication,
                });
            }
            kept
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(text: &str) -> Day {
        Day::parse(text).unwrap()
    }

    #[test]
    fn a_day_is_written_in_full() {
        assert_eq!(day("2026-12-03").to_string(), "2026-12-03");
        for bad in [
            "2026-12",
            "2026",
            "2026-02-30",
            "2026-12-03/2026-12-04",
            "tomorrow",
        ] {
            let message = Day::parse(bad).unwrap_err();
            assert!(message.contains("YYYY-MM-DD"), "{bad}: {message}");
        }
        assert_eq!(day("2026-12-31").next(), day("2027-01-01"));
    }

    #[test]
    fn the_window_includes_both_of_its_days() {
        let window = Window {
            publish_date: Some(day("2026-12-03")),
            expiry_date: Some(day("2026-12-10")),
        };
        let on = |d| window.publication(false, day(d));
        assert_eq!(on("2026-12-02"), Publication::Scheduled(day("2026-12-03")));
        assert_eq!(on("2026-12-03"), Publication::Published);
        assert_eq!(on("2026-12-10"), Publication::Published);
        assert_eq!(on("2026-12-11"), Publication::Expired(day("2026-12-10")));
        assert_eq!(
            window.publication(true, day("2026-12-05")),
            Publication::Draft
        );
    }

    #[test]
    fn the_schedule_names_the_first_change() {
        let today = day("2026-11-30");
        let mut schedule = Schedule::default();
        let later = |p: Option<&str>, e: Option<&str>| Window {
            publish_date: p.map(day),
            expiry_date: e.map(day),
        };
        schedule.add(later(Some("2026-12-20"), None).next_change(false, today));
        schedule.add(later(None, Some("2026-12-02")).next_change(false, today));
        schedule.add(later(Some("2026-12-01"), None).next_change(true, today));
        schedule.add(later(Some("2026-11-01"), None).next_change(false, today));
        assert_eq!(
            schedule.summary().as_deref(),
            Some("2 pages scheduled, next on 2026-12-03")
        );
        assert_eq!(Schedule::default().summary(), None);
    }

    #[test]
    fn today_comes_from_the_variable_when_set() {
        assert_eq!(Day::today(Some("2026-12-03")), Ok(day("2026-12-03")));
        assert!(
            Day::today(Some("03/12/2026"))
                .unwrap_err()
                .starts_with("PIMAP_TODAY: ")
        );
    }
}
