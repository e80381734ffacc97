//! The kinds of entity that get pages (partners, SMEs, missions, practices) and of facets
//! derived from the data (sectors, technologies, markets): their folders, URL segments,
//! templates and titles, in one place.

/// The kinds of entity that get pages.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum EntityKind {
    Partner,
    Sme,
    Mission,
    Practice,
}

impl EntityKind {
    pub const ALL: [EntityKind; 4] = [
        EntityKind::Partner,
        EntityKind::Sme,
        EntityKind::Mission,
        EntityKind::Practice,
    ];

    /// The kind whose files are in `data/<folder>/`.
    pub fn of_folder(folder: &str) -> Option<EntityKind> {
        match folder {
            "partners" => Some(EntityKind::Partner),
            "smes" => Some(EntityKind::Sme),
            "missions" => Some(EntityKind::Mission),
            "practices" => Some(EntityKind::Practice),
            _ => None,
        }
    }

    /// First URL segment of the kind's pages.
    pub fn dir(self) -> &'static str {
        match self {
            EntityKind::Partner => "partners",
            EntityKind::Sme => "smes",
            EntityKind::Mission => "missions",
            EntityKind::Practice => "best-practices",
        }
    }

    /// Template of one entity's page; the list page's is the plural.
    pub fn template(self) -> &'static str {
        match self {
            EntityKind::Partner => "partner.html",
            EntityKind::Sme => "sme.html",
            EntityKind::Mission => "mission.html",
            EntityKind::Practice => "practice.html",
        }
    }

    pub fn list_template(self) -> &'static str {
        match self {
            EntityKind::Partner => "partners.html",
            EntityKind::Sme => "smes.html",
            EntityKind::Mission => "missions.html",
            EntityKind::Practice => "practices.html",
        }
    }

    /// Title of the list page when `content/<dir>/_index.md` does not give one.
    pub fn default_title(self) -> &'static str {
        match self {
            EntityKind::Partner => "Partners",
            EntityKind::Sme => "SME showcases",
            EntityKind::Mission => "Missions",
            EntityKind::Practice => "Best practices",
        }
    }

    /// Name in templates, for one entity and for the list.
    pub fn variable(self) -> (&'static str, &'static str) {
        match self {
            EntityKind::Partner => ("partner", "partners"),
            EntityKind::Sme => ("sme", "smes"),
            EntityKind::Mission => ("mission", "missions"),
            EntityKind::Practice => ("practice", "practices"),
        }
    }
}

/// Values derived from the data, each with a page listing what has it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum FacetKind {
    Sector,
    Technology,
    Market,
}

impl FacetKind {
    pub const ALL: [FacetKind; 3] = [FacetKind::Sector, FacetKind::Technology, FacetKind::Market];

    pub fn dir(self) -> &'static str {
        match self {
            FacetKind::Sector => "sectors",
            FacetKind::Technology => "technologies",
            FacetKind::Market => "markets",
        }
    }

    pub fn title(self) -> &'static str {
        match self {
            FacetKind::Sector => "Sectors",
            FacetKind::Technology => "Technologies",
            FacetKind::Market => "Target markets",
        }
    }
}
