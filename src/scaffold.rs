//! `pimap new <kind> "Name"`: a new content or data file with every field present and explained,
//! valid as written, so that editors start from something that builds. A data file starts with
//! the `# yaml-language-server: $schema=` line of its schema (`crate::schema`).

use crate::source::publication::Day;
use std::path::{Path, PathBuf};

/// What `pimap new` can make.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ScaffoldKind {
    Sme,
    Partner,
    Mission,
    Practice,
    Page,
    News,
}

impl ScaffoldKind {
    pub fn parse(text: &str) -> Option<ScaffoldKind> {
        Some(match text {
            "sme" => ScaffoldKind::Sme,
            "partner" => ScaffoldKind::Partner,
            "mission" => ScaffoldKind::Mission,
            "practice" => ScaffoldKind::Practice,
            "page" => ScaffoldKind::Page,
            "news" => ScaffoldKind::News,
            _ => return None,
        })
    }
}

fn yaml_text(text: &str) -> String {
    format!("\"{}\"", text.replace('\\', "\\\\").replace('"', "\\\""))
}

/// The first cluster under `data/partners/` (its id and country), so that a new SME or mission
/// refers to one that exists.
fn first_cluster(root: &Path) -> Option<(String, String)> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(root.join("data/partners"))
        .ok()?
        .flatten()
        .map(|e| e.path())
        .collect();
    files.sort();
    files.into_iter().find_map(|path| {
        let text = std::fs::read_to_string(&path).ok()?;
        if !text.lines().any(|l| l.trim() == "kind: cluster") {
            return None;
        }
        let country = text
            .lines()
            .find_map(|l| l.strip_prefix("country:"))
            .map_or("FR", str::trim)
            .to_owned();
        Some((path.file_stem()?.to_str()?.to_owned(), country))
    })
}

/// The path (relative to the root) and text of a new file of `kind` called `name`.
pub fn scaffold(
    root: &Path,
    kind: ScaffoldKind,
    name: &str,
    date: &str,
) -> Result<(PathBuf, String), String> {
    let id = crate::markdown::slugify(name);
    if id.is_empty() {
        return Err(format!(
            "`{name}` has no letters or digits to make a file name from"
        ));
    }
    let quoted = yaml_text(name);
    let (path, text) = match kind {
        ScaffoldKind::Page => (
            format!("content/{id}.md"),
            format!(
                "---\n# Shown as the page's heading and in the browser tab.\ntitle: {quoted}\n# One sentence for search engines and link previews.\ndescription: \"\"\n# Uncomment to keep the page out of the site until it is ready.\n# draft: true\n---\nWrite the page here, in Markdown.\n"
            ),
        ),
        ScaffoldKind::News => (
            format!("content/news/{id}.md"),
            format!(
                "---\ntitle: {quoted}\ndescription: \"\"\n# The day the news is published: YYYY-MM-DD.\ndate: {date}\n# Terms of the taxonomies declared in site.yaml, e.g.:\n# taxonomies:\n#   tags: [MoU, USA]\n# Remove when the post is ready to publish.\ndraft: true\n# Not published before this day (a build on or after it publishes the post):\n# publish_date: {date}\n# Not published after this day:\n# expiry_date: {date}\n---\nThe first paragraph is the summary shown in lists.\n\n<!-- more -->\n\nThe rest of the post.\n"
            ),
        ),
        ScaffoldKind::Sme => {
            let (cluster, country) = first_cluster(root)
                .ok_or("there is no cluster in data/partners/ yet: an SME must belong to one")?;
            (
                format!("data/smes/{id}.yaml"),
                format!(
                    "# An SME showcase. Every field is described in docs/data-model.md.\nname: {quoted}\n# true for a fictional profile: the site then shows a \"Demo profile\" badge.\ndemo: true\n# The id of its cluster (a file name in data/partners/).\ncluster: {cluster}\n# ISO 3166-1 alpha-2 code, in capitals.\ncountry: {country}\ncity: \"\"\n# website: https://example.com/\n# founded: 2015\n# micro, small or medium.\nsize: small\n# At least one each. Spell them as other SMEs do, so that they share a page.\nsectors: [Aerospace]\ntechnologies: [Machine vision]\n# Country codes of the markets it wants to reach.\ntarget_markets: [US, CA]\n# What it offers, in Markdown.\noffer: |\n  Describe the offer here.\n# Partners sought, e.g. Distributors, R&D partners.\nlooking_for: []\n# A logo and photos: files in data/smes/media/ (see \"Pictures\" in the README).\n# logo: {id}.svg\n# photos:\n#   - file: {id}-product.jpg\n#     alt: What the photo shows\n#     caption: Optional text under it\n"
                ),
            )
        }
        ScaffoldKind::Partner => (
            format!("data/partners/{id}.yaml"),
            format!(
                "# A cluster of the partnership or an international partner. See docs/data-model.md.\nname: {quoted}\n# cluster or international.\nkind: cluster\n# ISO 3166-1 alpha-2 code, in capitals.\ncountry: FR\ncity: \"\"\n# region: \"\"\n# website: https://example.com/\n# founded: 2010\n# members: 100\nsectors: []\n# One or two sentences, shown on cards.\nsummary: \"\"\n# The page's text, in Markdown.\ndescription: |\n  Describe the partner here.\n# Decimal degrees, for the partner map.\nlocation: {{lat: 0.0, lon: 0.0}}\n# For an international partner that signed a memorandum of understanding:\n# mou:\n#   signed: 2019-06-24   (or 2019-06, or 2019-06-24/2019-06-27 when only the event is known)\n#   place: Munich, Germany\n#   signatories: [a-cluster-id]   (only where a source names them)\n#   scope: What the partners agreed.\n# Where the facts come from; for an invented example write `illustrative: true` instead.\nsources:\n  - url: https://example.com/\n    title: \"Title of the page\"\n"
            ),
        ),
        ScaffoldKind::Mission => (
            format!("data/missions/{id}.yaml"),
            format!(
                "# A mission, fair, matchmaking event or workshop. See docs/data-model.md.\ntitle: {quoted}\n# trade-fair, matchmaking, business-mission or workshop.\nkind: business-mission\n# A day (2019-06-24), a month (2019-06) or a year (2019), as precise as the source.\nstart: {date}\n# The last day; remove this line for a one-day event or when the days are not known.\nend: {date}\ncity: \"\"\ncountry: US\n# Who ran the event: partner ids (file names in data/partners/), or another organisation\n# written as {{name: SPIE, website: https://spie.org}}; at least one.\norganisers: [{}]\n# Partner ids of the partners that took part, only where a source names them.\npartners: []\nhosts: []\n# SME ids (file names in data/smes/).\nparticipants: []\nsummary: \"\"\n# outcomes: |\n#   What came of it, in Markdown.\n# Where the facts come from; for an invented example write `illustrative: true` instead.\nsources:\n  - url: https://example.com/\n    title: \"Title of the page\"\n",
                first_cluster(root)
                    .ok_or(
                        "there is no cluster in data/partners/ yet: a mission needs an organiser"
                    )?
                    .0
            ),
        ),
        ScaffoldKind::Practice => (
            format!("data/practices/{id}.yaml"),
            format!(
                "# A best practice for SME internationalisation. See docs/data-model.md.\ntitle: {quoted}\ntheme: \"\"\n# Partner ids; at least one.\npartners: [{}]\n# Mission ids.\nrelated_missions: []\nsummary: \"\"\nbody: |\n  The practice, in Markdown.\n",
                first_cluster(root)
                    .ok_or("there is no cluster in data/partners/ yet: a practice needs a partner")?
                    .0
            ),
        ),
    };
    // Editors with a YAML language server check the file against its schema while it is typed.
    let text = match crate::schema::modeline(&path).filter(|_| path.ends_with(".yaml")) {
        Some(modeline) => format!("{modeline}\n{text}"),
        None => text,
    };
    Ok((PathBuf::from(path), text))
}

/// Writes the new file, refusing to replace one that exists.
/// `today` dates a new news post and a new mission.
pub fn create(root: &Path, kind: ScaffoldKind, name: &str, today: Day) -> Result<PathBuf, String> {
    let (rel, text) = scaffold(root, kind, name, &today.to_string())?;
    write_new(root, &rel, &text)?;
    Ok(rel)
}

/// Writes `text` to the new file `rel` under `root`, refusing to replace one that exists.
pub fn write_new(root: &Path, rel: &Path, text: &str) -> Result<(), String> {
    let path = root.join(rel);
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent)
            .map_err(|e| format!("cannot create {}: {e}", parent.display()))?;
    }
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&path)
        .map_err(|e| match e.kind() {
            std::io::ErrorKind::AlreadyExists => format!(
                "{} already exists; pimap new never replaces a file",
                rel.display()
            ),
            _ => format!("cannot create {}: {e}", rel.display()),
        })?;
    std::io::Write::write_all(&mut file, text.as_bytes())
        .map_err(|e| format!("cannot write {}: {e}", rel.display()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_names_come_from_the_name() {
        let (path, text) = scaffold(
            Path::new("/nonexistent"),
            ScaffoldKind::Page,
            "Über \"uns\"",
            "2026-01-01",
        )
        .unwrap();
        assert_eq!(path, PathBuf::from("content/uber-uns.md"));
        assert!(text.contains("title: \"Über \\\"uns\\\"\""), "{text}");
        assert!(
            scaffold(
                Path::new("/nonexistent"),
                ScaffoldKind::Sme,
                "X",
                "2026-01-01"
            )
            .is_err()
        );
    }
}
