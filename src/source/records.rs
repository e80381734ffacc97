//! The records of typed data files: what each kind of entity (`data/partners/`, `data/smes/`,
//! `data/missions/`, `data/practices/`) and each list (`data/kpis.yaml`, `data/roadmap.yaml`)
//! may hold, with the type of every field. These serde types are the one definition of the data
//! model: the loader (`source::data`) parses with them. Checks that need more than one value
//! (date order, non-empty lists, references) are made by the loader and `site::entities`.

use crate::source::dates::Date;
use crate::source::fields::{Country, Month, Organiser, Source, Url, Year};
use crate::source::picture_fields::{FILE_NAME_PATTERN, Photo};
use crate::source::publication::{Day, Window};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum PartnerKind {
    Cluster,
    International,
}

#[derive(Debug, Clone, Copy, PartialEq, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Location {
    #[schemars(range(min = -90.0, max = 90.0))]
    pub lat: f64,
    #[schemars(range(min = -180.0, max = 180.0))]
    pub lon: f64,
}

#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Mou {
    /// A range when only the event is known (`2019-06-24/2019-06-27`).
    pub signed: Date,
    pub place: String,
    /// The clusters that signed, only where a source names them; otherwise the memorandum is
    /// with the partnership as a whole.
    #[serde(default)]
    pub signatories: Vec<String>,
    /// What the partners agreed to do.
    pub scope: String,
}

#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Partner {
    /// The partner's name as written in its own material.
    pub name: String,
    /// A PIMAP member cluster, or an overseas partner.
    pub kind: PartnerKind,
    pub country: Country,
    pub city: String,
    /// Region or state.
    #[serde(default)]
    pub region: Option<String>,
    #[serde(default)]
    pub website: Option<Url>,
    #[serde(default)]
    pub founded: Option<Year>,
    /// Member organisations.
    #[serde(default)]
    pub members: Option<u32>,
    /// Industries the partner serves.
    #[serde(default)]
    pub sectors: Vec<String>,
    /// One or two sentences, shown on cards.
    pub summary: String,
    /// The partner's page body.
    #[serde(default)]
    pub description: Option<String>,
    /// A file in `data/partners/media/`: SVG if there is one, else a PNG at least 320 pixels wide.
    #[serde(default)]
    #[schemars(pattern(FILE_NAME_PATTERN))]
    pub logo: Option<String>,
    /// Decimal degrees, for the partner map.
    pub location: Location,
    /// The memorandum of understanding with PIMAP.
    #[serde(default)]
    pub mou: Option<Mou>,
    /// Where the facts come from.
    #[serde(default)]
    pub sources: Vec<Source>,
    /// An invented partner.
    #[serde(default)]
    pub illustrative: bool,
    /// Not published before this day.
    #[serde(default)]
    pub publish_date: Option<Day>,
    /// Not published after this day.
    #[serde(default)]
    pub expiry_date: Option<Day>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum SmeSize {
    Micro,
    Small,
    Medium,
}

#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Sme {
    pub name: String,
    /// `true` for a fictional demo profile (shown with a "Demo profile" badge).
    pub demo: bool,
    /// The cluster the SME belongs to.
    pub cluster: String,
    pub country: Country,
    pub city: String,
    #[serde(default)]
    pub website: Option<Url>,
    #[serde(default)]
    pub founded: Option<Year>,
    /// EU SME size class.
    pub size: SmeSize,
    /// Industries served (e.g. `Aerospace`).
    #[schemars(length(min = 1))]
    pub sectors: Vec<String>,
    /// What the SME masters (e.g. `Ultrafast lasers`).
    #[schemars(length(min = 1))]
    pub technologies: Vec<String>,
    /// Where it wants to sell.
    #[schemars(length(min = 1))]
    pub target_markets: Vec<Country>,
    /// What the SME offers.
    pub offer: String,
    /// Partners sought (e.g. `Distributors`, `R&D partners`).
    #[serde(default)]
    pub looking_for: Vec<String>,
    /// A file in `data/smes/media/`: SVG if there is one, else a PNG at least 320 pixels wide.
    #[serde(default)]
    #[schemars(pattern(FILE_NAME_PATTERN))]
    pub logo: Option<String>,
    /// Photos in `data/smes/media/`, each with a description; the first is the picture of the
    /// page when it is shared.
    #[serde(default)]
    pub photos: Vec<Photo>,
    /// Not published before this day.
    #[serde(default)]
    pub publish_date: Option<Day>,
    /// Not published after this day.
    #[serde(default)]
    pub expiry_date: Option<Day>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum MissionKind {
    TradeFair,
    Matchmaking,
    BusinessMission,
    Workshop,
}

#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Mission {
    pub title: String,
    pub kind: MissionKind,
    /// The first day, or the whole span as a range.
    pub start: Date,
    /// The last day; the mission is on the `start` date alone when absent.
    #[serde(default)]
    pub end: Option<Date>,
    pub city: String,
    pub country: Country,
    /// Who ran the event: partner ids, or organisations outside the data (`{name, website}`).
    #[schemars(length(min = 1))]
    pub organisers: Vec<Organiser>,
    /// The partners that took part, only where a source names them.
    #[serde(default)]
    pub partners: Vec<String>,
    /// Partners that received the mission.
    #[serde(default)]
    pub hosts: Vec<String>,
    #[serde(default)]
    pub participants: Vec<String>,
    pub summary: String,
    #[serde(default)]
    pub outcomes: Option<String>,
    #[serde(default)]
    pub sources: Vec<Source>,
    /// An invented mission.
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

#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Practice {
    pub title: String,
    /// E.g. `Preparing a mission`.
    pub theme: String,
    /// Who contributed it.
    #[schemars(length(min = 1))]
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

#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Kpi {
    /// Unique.
    #[schemars(pattern(r"^[a-z0-9-]+$"))]
    pub id: String,
    pub label: String,
    /// E.g. `SMEs`, `missions`.
    pub unit: String,
    /// The target, only where one was published.
    #[serde(default)]
    #[schemars(range(min = 0.0))]
    pub target: Option<f64>,
    #[schemars(range(min = 0.0))]
    pub achieved: f64,
    /// The source gives the achieved figure as "more than" it.
    #[serde(default)]
    pub more_than: bool,
    /// The objective the indicator measures; indicators are grouped by it.
    pub objective: String,
    #[serde(default)]
    pub sources: Vec<Source>,
    /// An invented indicator, labelled "(illustrative)".
    #[serde(default)]
    pub illustrative: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum Status {
    Planned,
    InProgress,
    Done,
}

#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RoadmapAction {
    /// Unique.
    #[schemars(pattern(r"^[a-z0-9-]+$"))]
    pub id: String,
    pub title: String,
    pub start: Month,
    /// Not before `start`.
    pub end: Month,
    #[schemars(length(min = 1))]
    pub owners: Vec<String>,
    pub status: Status,
    /// An invented action (or invented timing), labelled "(illustrative)".
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
