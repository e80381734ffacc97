//! The records of typed data files: what each kind of entity (`data/partners/`, `data/smes/`,
//! `data/missions/`, `data/practices/`) and each list (`data/kpis.yaml`, `data/roadmap.yaml`)
//! may hold, with the type of every field. These serde types are the one definition of the data
//! model: the loader (`source::data`) parses with them. Checks that need more than one value
//! (date order, non-empty lists, references) are made by the loader and `site::entities`.

use crate::source::dates::Date;
use crate::source::fields::{Country, Month, Organiser, Source, Url, Year};
use crate::source::publication::{Day, Window};
use serde::{Deserialize, Serialize};

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
    /// The clusters that signed, only where a source names them; otherwise the memorandum is
    /// with the partnership as a whole.
    #[serde(default)]
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
    #[serde(default)]
    pub sources: Vec<Source>,
    #[serde(default)]
    pub illustrative: bool,
    /// Not published before this day.
    #[serde(default)]
    pub publish_date: Option<Day>,
    /// Not published after this day.
    #[serde(default)]
    pub expiry_date: Option<Day>,
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
    /// Not published before this day.
    #[serde(default)]
    pub publish_date: Option<Day>,
    /// Not published after this day.
    #[serde(default)]
    pub expiry_date: Option<Day>,
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
    /// The last day; the mission is on the `start` date alone when absent.
    #[serde(default)]
    pub end: Option<Date>,
    pub city: String,
    pub country: Country,
    /// Who ran the event: partner ids, or organisations outside the data (`{name, website}`).
    pub organisers: Vec<Organiser>,
    /// The partners that took part, only where a source names them.
    #[serde(default)]
    pub partners: Vec<String>,
    #[serde(default)]
    pub hosts: Vec<String>,
    #[serde(default)]
    pub participants: Vec<String>,
    pub summary: String,
    #[serde(default)]
    pub outcomes: Option<String>,
    #[serde(default)]
    pub sources: Vec<Source>,
    #[serde(default)]
    pub illustrative: bool,
    /// Not published before this day.
    #[serde(default)]
    pub publish_date: Option<Day>,
    /// Not published after this day.
    #[serde(default)]
    pub expiry_date: Option<Day>,
}

impl Mission {
    /// The mission's dates as one span: `start`, or `start/end` when it has a distinct end.
    pub fn dates(&self) -> Date {
        match &self.end {
            Some(end) if end != &self.start => {
                Date::span(&self.start, end).unwrap_or_else(|| self.start.clone())
            }
            _ => self.start.clone(),
        }
    }
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
    #[serde(default)]
    pub sources: Vec<Source>,
    #[serde(default)]
    pub illustrative: bool,
    /// Not published before this day.
    #[serde(default)]
    pub publish_date: Option<Day>,
    /// Not published after this day.
    #[serde(default)]
    pub expiry_date: Option<Day>,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Kpi {
    pub id: String,
    pub label: String,
    pub unit: String,
    /// The target, only where one was published.
    #[serde(default)]
    pub target: Option<f64>,
    pub achieved: f64,
    /// The source gives the achieved figure as "more than" it.
    #[serde(default)]
    pub more_than: bool,
    pub objective: String,
    #[serde(default)]
    pub sources: Vec<Source>,
    #[serde(default)]
    pub illustrative: bool,
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
    #[serde(default)]
    pub illustrative: bool,
}

/// A record with a publication window: every entity kind.
pub trait Scheduled {
    fn window(&self) -> Window;
}

macro_rules! scheduled {
    ($($kind:ty),*) => {$(
        impl Scheduled for $kind {
            fn window(&self) -> Window {
                Window { publish_date: self.publish_date, expiry_date: self.expiry_date }
            }
        }
    )*};
}
scheduled!(Partner, Sme, Mission, Practice);
