//! Incremental rebuilds give the same bytes as a full build: random edit sequences on fixture
//! sites, each followed by an incremental rebuild and a full build of the same files.

mod common;
use common::*;
use pimap::incremental::{Files, MemoryOutput, Rebuild, Session};
use pimap::{BuildOptions, generate};
use std::path::{Path, PathBuf};

/// A small deterministic random number generator (xorshift).
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

fn full_build(options: &BuildOptions) -> Option<Files> {
    let memory = MemoryOutput::default();
    generate(options, &memory).ok().map(|_| memory.into_files())
}

fn assert_same(name: &str, step: usize, incremental: &Files, full: &Files) {
    let mut a: Vec<&String> = incremental.keys().collect();
    let mut b: Vec<&String> = full.keys().collect();
    a.sort();
    b.sort();
    assert_eq!(a, b, "{name}, step {step}: different files");
    for (path, bytes) in full {
        assert!(
            incremental[path] == *bytes,
            "{name}, step {step}: {path} differs from a full build"
        );
    }
}

const WORDS: [&str; 12] = [
    "laser",
    "photonics",
    "cluster",
    "mission",
    "optics",
    "steel",
    "market",
    "partner",
    "sensor",
    "fair",
    "Canada",
    "Finland",
];

/// Applies one random edit; returns the changed path (relative) and the previous content.
fn random_edit(
    rng: &mut Rng,
    root: &Path,
    pages: &[&str],
    extra: &[&str],
) -> (PathBuf, Option<Vec<u8>>) {
    let page = pages[rng.below(pages.len())];
    let rel = PathBuf::from("content").join(page);
    let path = root.join(&rel);
    let before = std::fs::read(&path).ok();
    let text = before
        .as_ref()
        .map(|b| String::from_utf8_lossy(b).into_owned())
        .unwrap_or_default();
    let words: Vec<&str> = (0..6).map(|_| WORDS[rng.below(WORDS.len())]).collect();
    let sentence = words.join(" ");
    if let Some(edit) = random_data_or_file_edit(rng, root, &words) {
        return edit;
    }
    let new_text = match rng.below(11) {
        0 => format!("{text}\n{sentence}.\n"),
        1 => format!(
            "{text}\n## {} {}\n\nMore about {sentence}.\n",
            words[0],
            rng.below(5)
        ),
        2 => format!(
            "{text}\nSee [{}](@/{}).\n",
            words[1],
            pages[rng.below(pages.len())]
        ),
        3 => {
            // Replace the body: its headings go, and links into them may break.
            let end = text
                .match_indices("---")
                .nth(1)
                .map_or(text.len(), |(i, _)| i + 4);
            format!("{}\n{sentence}.\n", &text[..end.min(text.len())])
        }
        4 => text.replacen("title: ", &format!("title: {} ", words[2]), 1),
        5 => format!("{text}\n{}\n", extra[rng.below(extra.len())]),
        6 => {
            // A new page, or one made by an earlier step deleted; in a site with several
            // languages, sometimes a new or deleted translation of such a page.
            let stem = format!("new-{}", rng.below(3));
            let original = root.join(format!("content/{stem}.md"));
            let name = if !one_language(root) && original.exists() && rng.below(3) == 0 {
                format!("{stem}.fr.md")
            } else {
                format!("{stem}.md")
            };
            let new = PathBuf::from("content").join(name);
            let previous = std::fs::read(root.join(&new)).ok();
            if previous.is_some() {
                std::fs::remove_file(root.join(&new)).unwrap();
                return (new, previous);
            }
            std::fs::write(
                root.join(&new),
                format!("---\ntitle: New {}\n---\n{sentence}.\n", words[3]),
            )
            .unwrap();
            return (new, previous);
        }
        7 => {
            let css = PathBuf::from("static/css/style.css");
            let previous = std::fs::read(root.join(&css)).ok();
            std::fs::write(
                root.join(&css),
                format!("body {{ color: #{:06x}; }}\n", rng.below(0xffffff)),
            )
            .unwrap();
            return (css, previous);
        }
        8 | 9 if root.join("templates/page.html").exists() => {
            // A template, a partial it includes, or a theme template that others extend.
            let templates = [
                "templates/page.html",
                "templates/partials/list.html",
                "themes/plain/templates/section.html",
                "themes/plain/templates/base.html",
            ];
            let rel = PathBuf::from(templates[rng.below(templates.len())]);
            let previous = std::fs::read(root.join(&rel)).ok();
            let text =
                String::from_utf8_lossy(previous.as_deref().unwrap_or_default()).into_owned();
            let edited = if rng.below(8) == 0 {
                format!("{text}{{% if %}}")
            } else {
                format!("{text}<p>{sentence}</p>\n")
            };
            std::fs::write(root.join(&rel), edited).unwrap();
            return (rel, previous);
        }
        _ => text.replacen("\n\n", &format!("\n\n{sentence}\n\n"), 1),
    };
    std::fs::write(&path, new_text).unwrap();
    (rel, before)
}

/// Replaces the value of the first line of `text` that sets `key` (at any indentation).
fn set_field(text: &str, key: &str, value: &str) -> String {
    let prefix = format!("{key}: ");
    let mut done = false;
    let lines: Vec<String> = text
        .lines()
        .map(|line| {
            let indent = &line[..line.len() - line.trim_start().len()];
            if !done && line.trim_start().starts_with(&prefix) {
                done = true;
                format!("{indent}{prefix}{value}")
            } else {
                line.to_owned()
            }
        })
        .collect();
    lines.join("\n") + "\n"
}

/// Front-matter edits (title, date, tags), data edits (an SME's name or offer, a partner's
/// summary, a mission's title), new and deleted files, where the site has them: about a third of
/// the edits. `None` for the other edits.
fn random_data_or_file_edit(
    rng: &mut Rng,
    root: &Path,
    words: &[&str],
) -> Option<(PathBuf, Option<Vec<u8>>)> {
    let rel = match rng.below(24) {
        0 => "content/news/workshop.md",
        1 => "content/news/spring.md",
        2 => "data/smes/beamworks.yaml",
        3 => "data/missions/laser-fair.yaml",
        4 => "data/partners/nordlight.yaml",
        5 => "content/news/extra.md",
        6 => "data/smes/extra.yaml",
        7 => "content/about/history.md",
        8 => "data/smes/charlie.yaml",
        9 => "data/smes/echo.yaml",
        10 => "data/kpis.yaml",
        11 => "data/roadmap.yaml",
        12 => "data/smes/alpha.yaml",
        13 => "data/smes/alpha.fr.yaml",
        14 => "data/kpis.fr.yaml",
        _ => return None,
    };
    let rel = PathBuf::from(rel);
    let path = root.join(&rel);
    let before = std::fs::read(&path).ok();
    let exists = before.is_some();
    // A translation of the KPIs comes and goes in a site with French.
    let comes_and_goes = rel.ends_with("kpis.fr.yaml")
        && std::fs::read_to_string(root.join("site.yaml")).is_ok_and(|s| s.contains("code: fr"));
    let comes_and_goes = comes_and_goes || rel.file_stem().is_some_and(|s| s == "extra");
    if !exists && !comes_and_goes {
        return None;
    }
    let text = String::from_utf8_lossy(before.as_deref().unwrap_or_default()).into_owned();
    let phrase = format!("{} {}", words[0], words[1]);
    let edited = match (rel.extension().and_then(|e| e.to_str()), rng.below(4)) {
        (_, 0) if comes_and_goes && exists => {
            std::fs::remove_file(&path).unwrap();
            return Some((rel, before));
        }
        (Some("md"), _) if !exists => {
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            format!(
                "---\ntitle: Extra {phrase}\ndate: 2020-0{}-01\ntaxonomies:\n  tags: [{}]\n---\n{phrase}.\n",
                1 + rng.below(9),
                words[2]
            )
        }
        (Some("yaml"), _) if !exists && rel.ends_with("kpis.fr.yaml") => {
            format!("- id: smes-reached\n  label: PME {phrase}\n")
        }
        (Some("yaml"), _) if !exists => {
            let beamworks = std::fs::read_to_string(root.join("data/smes/beamworks.yaml")).ok()?;
            set_field(&beamworks, "name", &format!("Extra {phrase}"))
        }
        (Some("md"), 1) => set_field(&text, "title", &format!("Title {phrase}")),
        (Some("md"), 2) => set_field(
            &text,
            "date",
            &format!("2021-0{}-1{}", 1 + rng.below(9), rng.below(10)),
        ),
        (Some("md"), _) => set_field(&text, "tags", &format!("[{}, {}]", words[2], words[3])),
        (Some("yaml"), _) if rel.ends_with("alpha.fr.yaml") => match rng.below(2) {
            0 => set_field(&text, "offer", &format!("Nous offrons **{phrase}**.")),
            _ => set_field(&text, "looking_for", &format!("[{}]", words[2])),
        },
        (Some("yaml"), _) if rel.starts_with("data/kpis.yaml") || rel.ends_with("kpis.fr.yaml") => {
            set_field(&text, "label", &format!("Edited {phrase}"))
        }
        (Some("yaml"), _) if rel.starts_with("data/roadmap.yaml") => {
            set_field(&text, "title", &format!("Edited {phrase}"))
        }
        (Some("yaml"), n) => {
            let key = match (text.contains("\nname: "), text.contains("\noffer: "), n) {
                (_, true, 1) => return write_offer(rel, before, &path, &text, &phrase),
                (true, _, _) => "name",
                (false, _, 1) if text.starts_with("title: ") => "title",
                _ => "summary",
            };
            set_field(&text, key, &format!("Edited {phrase}"))
        }
        _ => return None,
    };
    std::fs::write(&path, edited).unwrap();
    Some((rel, before))
}

/// Replaces an SME's offer by a Markdown paragraph about `phrase`.
fn write_offer(
    rel: PathBuf,
    before: Option<Vec<u8>>,
    path: &Path,
    text: &str,
    phrase: &str,
) -> Option<(PathBuf, Option<Vec<u8>>)> {
    let start = text.find("\noffer: ")?;
    let end = text.find("\nlooking_for:").unwrap_or(text.len());
    let edited = format!(
        "{}\noffer: |\n  We offer **{phrase}**.\n{}",
        &text[..start],
        &text[end..]
    );
    std::fs::write(path, edited).unwrap();
    Some((rel, before))
}

fn random_edits(
    fixture: &str,
    pages: &[&str],
    extra: &[&str],
    cachebust: bool,
    minify: bool,
    seed: u64,
) -> std::collections::BTreeMap<String, usize> {
    random_edits_of(
        copy_fixture(fixture),
        fixture,
        pages,
        extra,
        (cachebust, minify),
        seed,
    )
}

/// [`random_edits`] on `site`, a copy of `fixture` that may have more files.
fn random_edits_of(
    site: tempfile::TempDir,
    fixture: &str,
    pages: &[&str],
    extra: &[&str],
    (cachebust, minify): (bool, bool),
    seed: u64,
) -> std::collections::BTreeMap<String, usize> {
    std::fs::create_dir_all(site.path().join("static/css")).unwrap();
    std::fs::write(
        site.path().join("static/css/style.css"),
        "body { color: black; }\n",
    )
    .unwrap();
    let options = BuildOptions {
        minify,
        cachebust,
        ..BuildOptions::new(site.path())
    };
    let mut session = Session::new(options.clone());
    session.rebuild(&[]).expect("the fixture builds");
    let mut rng = Rng(seed);
    let mut fast = 0;
    let mut paths: std::collections::BTreeMap<String, usize> = Default::default();
    let name = format!("{fixture} (seed {seed})");
    for step in 0..60 {
        let (changed, previous) = random_edit(&mut rng, site.path(), pages, extra);
        let incremental = session.rebuild(std::slice::from_ref(&changed));
        match full_build(&options) {
            Some(full) => {
                let rebuild = incremental.unwrap_or_else(|e| panic!("{name}, step {step}: incremental failed where a full build succeeded: {e:?}"));
                fast += usize::from(rebuild.incremental);
                let page = changed.extension().is_some_and(|e| e == "md");
                let deleted = page && !site.path().join(&changed).exists();
                let taken = if rebuild.incremental && deleted {
                    "deleted".to_owned()
                } else {
                    path_taken(&rebuild, &changed)
                };
                *paths.entry(taken).or_default() += 1;
                assert_same(&name, step, session.files(), &full);
            }
            None => {
                assert!(
                    incremental.is_err(),
                    "{name}, step {step}: incremental succeeded where a full build failed"
                );
                // Undo the breaking edit; the next rebuild must recover.
                match previous {
                    Some(bytes) => std::fs::write(site.path().join(&changed), bytes).unwrap(),
                    None => std::fs::remove_file(site.path().join(&changed)).unwrap(),
                }
                session
                    .rebuild(std::slice::from_ref(&changed))
                    .expect("recovers after the undo");
                assert_same(&name, step, session.files(), &full_build(&options).unwrap());
            }
        }
    }
    assert!(
        fast >= 15,
        "{name}: only {fast} of 60 rebuilds took the incremental path"
    );
    // Shown with `--nocapture`: how many edits took each path.
    eprintln!("{name}: {paths:?}");
    // Pages made and deleted are rarer in a site with several languages, where a step may
    // make a translation instead: its test counts them over all its seeds.
    let new_and_deleted = one_language(site.path()).then_some(["it is new", "deleted"]);
    for path in ["its body", "its front matter"]
        .into_iter()
        .chain(new_and_deleted.into_iter().flatten())
    {
        assert!(
            paths.contains_key(path),
            "{name}: no edit took {path:?}: {paths:?}"
        );
    }
    paths
}

/// Whether the site at `root` has one language.
fn one_language(root: &Path) -> bool {
    !read(&root.join("site.yaml")).contains("languages:")
}

/// The path a rebuild after `changed` took: a fast path named by the reason of the edited
/// file's own output (or by the file, for a KPI or roadmap edit), or the full path with its
/// reason.
fn path_taken(rebuild: &Rebuild, changed: &Path) -> String {
    if !rebuild.incremental {
        let reason = rebuild.fallback.as_deref().unwrap_or("unknown change");
        return format!("full: {reason}");
    }
    let name = changed
        .file_name()
        .and_then(|n| n.to_str())
        .unwrap_or_default();
    if name.starts_with("kpis.") || name.starts_with("roadmap.") {
        return "kpis or roadmap".to_owned();
    }
    let own = [
        "its front matter",
        "its body",
        "its data",
        "it is new",
        "copied again",
        "uses ",
    ]
    .into_iter()
    .find(|own| rebuild.reasons.iter().any(|r| r.contains(own)));
    own.unwrap_or("fast, nothing to render").trim().to_owned()
}

const BASIC_PAGES: [&str; 7] = [
    "about/history.md",
    "about/team.md",
    "news/mou-signed/index.md",
    "news/workshop.md",
    "_index.md",
    "news/_index.md",
    "about/_index.md",
];
const BASIC_EXTRA: [&str; 3] = [
    "See [the signing](@/news/mou-signed/index.md#signing).",
    "A footnote.[^n]\n\n[^n]: The note.",
    "<!-- more -->\n\nAfter the summary.",
];

#[test]
fn random_edits_of_a_site_with_sections_taxonomies_and_anchors() {
    for seed in [1, 7, 42] {
        random_edits("basic-site", &BASIC_PAGES, &BASIC_EXTRA, true, false, seed);
    }
}

#[test]
fn random_edits_with_minified_output_and_no_cache_busting() {
    random_edits("basic-site", &BASIC_PAGES, &BASIC_EXTRA, false, true, 99);
}

#[test]
fn random_edits_of_a_site_with_data_and_shortcodes() {
    let mut paths = std::collections::BTreeMap::new();
    for seed in [3, 11] {
        let taken = random_edits(
            "data-site",
            &["showcase.md", "smes/_index.md", "_index.md"],
            &[
                "{{ sme_card(id=\"beamworks\") }}",
                "{{ partner_list(kind=\"cluster\") }}",
                "{{ sme_card(id=\"nobody\") }}",
            ],
            false,
            false,
            seed,
        );
        for (path, count) in taken {
            *paths.entry(path).or_insert(0) += count;
        }
    }
    for path in ["kpis or roadmap", "its data", "it is new", "deleted"] {
        assert!(paths.contains_key(path), "no edit took {path:?}: {paths:?}");
    }
}

#[test]
fn a_section_body_edit_is_incremental_and_identical_to_a_full_build() {
    let site = copy_fixture("basic-site");
    let options = BuildOptions {
        minify: false,
        ..BuildOptions::new(site.path())
    };
    let mut session = Session::new(options.clone());
    session.rebuild(&[]).expect("the fixture builds");
    let path = site.path().join("content/about/_index.md");
    let text = std::fs::read_to_string(&path).unwrap();
    std::fs::write(
        &path,
        format!("{text}\n## Our mission\n\nBringing photonics to new markets.\n"),
    )
    .unwrap();
    let rebuild = session
        .rebuild(&[PathBuf::from("content/about/_index.md")])
        .unwrap();
    assert!(
        rebuild.incremental,
        "a section body edit took the full path"
    );
    assert!(
        rebuild.changed.contains(&"about/index.html".to_owned()),
        "{:?}",
        rebuild.changed
    );
    assert_same(
        "section edit",
        0,
        session.files(),
        &full_build(&options).unwrap(),
    );
    assert!(
        String::from_utf8_lossy(&session.files()["about/index.html"])
            .contains("Bringing photonics to new markets.")
    );
}

/// Edits the body of `rel` in a fresh copy of basic-site and returns the fast rebuild's reasons,
/// after checking that the result is the same as a full build.
fn reasons_after_body_edit(rel: &str, edit: impl Fn(&str) -> String) -> Vec<String> {
    let site = copy_fixture("basic-site");
    let options = BuildOptions::new(site.path());
    let mut session = Session::new(options.clone());
    session.rebuild(&[]).expect("the fixture builds");
    let path = site.path().join("content").join(rel);
    let text = std::fs::read_to_string(&path).unwrap();
    std::fs::write(&path, edit(&text)).unwrap();
    let rebuild = session
        .rebuild(&[PathBuf::from("content").join(rel)])
        .unwrap();
    assert!(rebuild.incremental, "{:?}", rebuild.fallback);
    assert_eq!(rebuild.rendered, rebuild.reasons.len());
    assert_same(rel, 0, session.files(), &full_build(&options).unwrap());
    rebuild.reasons
}

#[test]
fn a_body_edit_re_renders_the_page_and_only_the_lists_that_show_a_changed_field() {
    let reasons = reasons_after_body_edit("news/workshop.md", |text| {
        format!("{text}\nA second paragraph about lasers.\n")
    });
    let rendered: Vec<&str> = reasons
        .iter()
        .map(|r| r.split(' ').next().unwrap_or_default())
        .collect();
    assert!(
        reasons.contains(&"/news/workshop/ (its body)".to_owned()),
        "{reasons:?}"
    );
    // The news list and the tag pages show word counts; the home page reaches news through
    // get_section.
    for url in ["/news/", "/tags/workshop/", "/tags/mou/", "/"] {
        assert!(rendered.contains(&url), "{url} not in {reasons:?}");
    }
    // The tag list counts pages only; other pages show their own body.
    for url in ["/tags/", "/news/mou-signed/", "/about/team/", "/about/"] {
        assert!(!rendered.contains(&url), "{url} in {reasons:?}");
    }
    assert!(
        reasons.iter().any(
            |r| r == "/news/ (shows content, word_count of /news/workshop/)"
                || r == "/news/ (shows word_count of /news/workshop/)"
        ),
        "{reasons:?}"
    );
}

#[test]
fn a_body_edit_that_changes_no_listed_field_re_renders_the_page_alone() {
    // Replacing a word by another changes the content only; no list shows it.
    let reasons = reasons_after_body_edit("about/team.md", |text| {
        text.replace("The team.", "The crew.")
    });
    assert_eq!(reasons, ["/about/team/ (its body)"]);
}

/// Edits `rel` (from the site root) of a fresh copy of `fixture` with `edit` and rebuilds; checks
/// that the result is the same as a full build and returns the rebuild.
fn rebuild_after_edit(fixture: &str, rel: &str, edit: impl Fn(&str) -> String) -> Rebuild {
    let site = copy_fixture(fixture);
    let options = BuildOptions::new(site.path());
    let mut session = Session::new(options.clone());
    session.rebuild(&[]).expect("the fixture builds");
    let path = site.path().join(rel);
    std::fs::write(&path, edit(&read(&path))).unwrap();
    let rebuild = session.rebuild(&[PathBuf::from(rel)]).unwrap();
    if rebuild.incremental {
        assert_eq!(rebuild.rendered, rebuild.reasons.len());
    }
    assert_same(rel, 0, session.files(), &full_build(&options).unwrap());
    rebuild
}

/// The URL each reason names.
fn urls(reasons: &[String]) -> Vec<&str> {
    reasons
        .iter()
        .map(|r| r.split(' ').next().unwrap_or_default())
        .collect()
}

#[test]
fn a_title_edit_re_renders_the_page_and_only_what_shows_its_title() {
    let rebuild = rebuild_after_edit("basic-site", "content/news/workshop.md", |text| {
        set_field(text, "title", "Laser workshop")
    });
    assert!(rebuild.incremental, "{:?}", rebuild.fallback);
    let reasons = &rebuild.reasons;
    for reason in [
        "/news/workshop/ (its front matter)",
        "/news/ (shows title of /news/workshop/)",
        "/tags/workshop/ (shows title of /news/workshop/)",
        "/ (shows title of /news/workshop/)",
        "/news/atom.xml (carries /news/workshop/)",
    ] {
        assert!(
            reasons.contains(&reason.to_owned()),
            "{reason} not in {reasons:?}"
        );
    }
    // Its neighbour shows its own title and headings; the sitemap shows no title.
    for url in [
        "/news/mou-signed/",
        "/about/team/",
        "/tags/",
        "/sitemap.xml",
    ] {
        assert!(!urls(reasons).contains(&url), "{url} in {reasons:?}");
    }
}

#[test]
fn a_date_edit_reorders_the_lists_and_dates_the_sitemap_and_feed() {
    // The workshop (2018) moves before the MoU (2019) in the news, newest first.
    let rebuild = rebuild_after_edit("basic-site", "content/news/workshop.md", |text| {
        set_field(text, "date", "2020-03-01")
    });
    assert!(rebuild.incremental, "{:?}", rebuild.fallback);
    let reasons = &rebuild.reasons;
    for reason in [
        "/news/workshop/ (its front matter)",
        "/sitemap.xml (dates /news/workshop/)",
        "/news/atom.xml (carries /news/workshop/)",
    ] {
        assert!(
            reasons.contains(&reason.to_owned()),
            "{reason} not in {reasons:?}"
        );
    }
    for url in ["/news/", "/tags/mou/", "/"] {
        assert!(urls(reasons).contains(&url), "{url} not in {reasons:?}");
    }
    assert!(!urls(reasons).contains(&"/about/team/"), "{reasons:?}");
}

#[test]
fn a_term_edit_moves_the_page_between_existing_terms_and_a_new_term_falls_back() {
    // `workshop, mou` -> `mou, usa`: the workshop leaves its own term... which then has no page.
    let rebuild = rebuild_after_edit("basic-site", "content/news/workshop.md", |text| {
        set_field(text, "tags", "[mou, usa]")
    });
    assert!(!rebuild.incremental);
    assert_eq!(
        rebuild.fallback.as_deref(),
        Some("content/news/workshop.md adds or removes a taxonomy term")
    );
    // Joining an existing term re-renders that term's list and the term list that counts it.
    let rebuild = rebuild_after_edit("basic-site", "content/news/workshop.md", |text| {
        set_field(text, "tags", "[workshop, mou, usa]")
    });
    assert!(rebuild.incremental, "{:?}", rebuild.fallback);
    let reasons = &rebuild.reasons;
    for reason in [
        "/tags/usa/ (lists /news/workshop/ among its pages, or no longer)",
        "/tags/ (lists /news/workshop/ among its pages, or no longer)",
    ] {
        assert!(
            reasons.contains(&reason.to_owned()),
            "{reason} not in {reasons:?}"
        );
    }
    assert!(!urls(reasons).contains(&"/tags/photonics/"), "{reasons:?}");
}

#[test]
fn a_front_matter_edit_that_moves_the_page_takes_the_full_path_with_its_reason() {
    for (added, reason) in [
        (
            "slug: workshop-2018",
            "the slug of content/news/workshop.md changed",
        ),
        (
            "draft: true",
            "the publication of content/news/workshop.md changed",
        ),
        (
            "aliases: [/old/]",
            "the aliases of content/news/workshop.md changed",
        ),
        (
            "template: section.html",
            "the template of content/news/workshop.md changed",
        ),
    ] {
        let rebuild = rebuild_after_edit("basic-site", "content/news/workshop.md", |text| {
            text.replacen("title: ", &format!("{added}\ntitle: "), 1)
        });
        assert!(!rebuild.incremental);
        assert_eq!(rebuild.fallback.as_deref(), Some(reason));
    }
}

#[test]
fn an_originals_front_matter_reaches_every_language_and_a_translations_its_own() {
    // The English page and its Finnish fallback show the new title; the French translation keeps
    // its own title but is re-rendered (it inherits the date and terms).
    let rebuild = rebuild_after_edit("multilingual-site", "content/about.md", |text| {
        set_field(text, "title", "About the partnership")
    });
    assert!(rebuild.incremental, "{:?}", rebuild.fallback);
    for reason in [
        "/about/ (its front matter)",
        "/fi/about/ (its front matter)",
        "/fr/qui-sommes-nous/ (its front matter)",
    ] {
        assert!(
            rebuild.reasons.contains(&reason.to_owned()),
            "{reason} not in {:?}",
            rebuild.reasons
        );
    }
    let rebuild = rebuild_after_edit("multilingual-site", "content/about.fr.md", |text| {
        set_field(text, "title", "Le partenariat")
    });
    assert!(rebuild.incremental, "{:?}", rebuild.fallback);
    assert!(
        rebuild.reasons.iter().all(|r| r.starts_with("/fr/")),
        "{:?}",
        rebuild.reasons
    );
    assert!(
        (rebuild.reasons).contains(&"/fr/qui-sommes-nous/ (its front matter)".to_owned()),
        "{:?}",
        rebuild.reasons
    );
}

#[test]
fn random_edits_of_a_site_with_paginated_lists() {
    for seed in [5, 13] {
        random_edits(
            "paginated-site",
            &[
                "news/item-1.md",
                "news/item-4.md",
                "news/item-8.md",
                "news/_index.md",
                "empty/_index.md",
            ],
            &["A new paragraph.", "<!-- more -->\n\nAfter the summary."],
            false,
            false,
            seed,
        );
    }
}

#[test]
fn the_edited_page_is_published_before_the_lists_that_show_it() {
    let site = copy_fixture("paginated-site");
    let options = BuildOptions::new(site.path());
    let mut session = Session::new(options.clone());
    session.rebuild(&[]).expect("the fixture builds");
    let rel = PathBuf::from("data/smes/charlie.yaml");
    let text = read(&site.path().join(&rel));
    std::fs::write(
        site.path().join(&rel),
        set_field(&text, "name", "Charlie Optics"),
    )
    .unwrap();
    let shows = |files: &Files, path: &str| {
        String::from_utf8_lossy(&files[path]).contains("Charlie Optics")
    };
    let mut published = Vec::new();
    let rebuild = session
        .rebuild_publishing(std::slice::from_ref(&rel), &mut |ahead| {
            let mut paths: Vec<&String> = ahead.keys().collect();
            paths.sort();
            published.push((
                format!("{paths:?}"),
                shows(ahead, "smes/charlie/index.html"),
            ));
        })
        .unwrap();
    assert!(rebuild.incremental, "{:?}", rebuild.fallback);
    // Once, with the SME's own page alone, new; the list page after.
    assert_eq!(
        published,
        [("[\"smes/charlie/index.html\"]".to_owned(), true)]
    );
    assert!(shows(session.files(), "smes/page/2/index.html"));
    assert!(
        rebuild
            .changed
            .contains(&"smes/charlie/index.html".to_owned())
    );
    assert_same(
        "published first",
        0,
        session.files(),
        &full_build(&options).unwrap(),
    );
}

/// The `paginated-site` fixture built in a session, then its SME charlie renamed "Charlie
/// Optics" and rebuilt; the rebuild must have taken the fast path.
fn rename_charlie_in_the_paginated_site() -> (tempfile::TempDir, BuildOptions, Session, Rebuild) {
    let site = copy_fixture("paginated-site");
    let options = BuildOptions::new(site.path());
    let mut session = Session::new(options.clone());
    session.rebuild(&[]).expect("the fixture builds");
    let rel = PathBuf::from("data/smes/charlie.yaml");
    let text = read(&site.path().join(&rel));
    std::fs::write(
        site.path().join(&rel),
        set_field(&text, "name", "Charlie Optics"),
    )
    .unwrap();
    let rebuild = session.rebuild(std::slice::from_ref(&rel)).unwrap();
    assert!(rebuild.incremental, "{:?}", rebuild.fallback);
    (site, options, session, rebuild)
}

#[test]
fn an_sme_edit_re_renders_only_the_list_pages_that_hold_it() {
    // Two SMEs a page on /smes/ (alpha and bravo, charlie and delta, echo), three on each facet
    // page (alpha to charlie, delta and echo): charlie is on page 2 of /smes/ and on page 1 of
    // each facet; the other pages of those lists are not rendered again.
    let (_site, options, session, rebuild) = rename_charlie_in_the_paginated_site();
    let lists: Vec<&str> = rebuild
        .reasons
        .iter()
        .filter(|r| r.ends_with("(lists smes/charlie)"))
        .map(String::as_str)
        .collect();
    assert_eq!(
        lists,
        [
            // The partner list shows the partners' cards, not their SMEs: not rendered again.
            // Page 1 of three SMEs; page 2 (delta and echo) is not rendered again.
            "/partners/nordlight/ (lists smes/charlie)",
            "/api/v1/smes.json (lists smes/charlie)",
            "/search-index.json (lists smes/charlie)",
            "/sectors/steel-and-metals/ (lists smes/charlie)",
            "/technologies/laser-welding/ (lists smes/charlie)",
            "/markets/us/ (lists smes/charlie)",
            "/smes/page/2/ (lists smes/charlie)",
        ],
        "{:?}",
        rebuild.reasons
    );
    assert_same(
        "paginated SME edit",
        0,
        session.files(),
        &full_build(&options).unwrap(),
    );
}

#[test]
fn an_sme_edit_re_renders_the_pages_that_show_it_among_related_smes() {
    // The five SMEs share a technology and a market: each shows the others as related SMEs.
    let (_site, options, session, rebuild) = rename_charlie_in_the_paginated_site();
    for other in ["alpha", "bravo", "delta", "echo"] {
        let reason = format!("/smes/{other}/ (shows smes/charlie)");
        assert!(rebuild.reasons.contains(&reason), "{:?}", rebuild.reasons);
        let page = &session.files()[&format!("smes/{other}/index.html")];
        assert!(String::from_utf8_lossy(page).contains("Charlie Optics"));
    }
    assert_same(
        "related SME edit",
        0,
        session.files(),
        &full_build(&options).unwrap(),
    );
}

#[test]
fn a_stylesheet_that_a_template_inlines_is_rebuilt_into_its_pages() {
    let site = copy_fixture("basic-site");
    let page = site.path().join("themes/plain/templates/base.html");
    let text = read(&page);
    std::fs::write(
        &page,
        text.replacen(
            "</head>",
            "<style>{{ inline_css(path=\"css/style.css\") }}</style></head>",
            1,
        ),
    )
    .unwrap();
    let options = BuildOptions {
        cachebust: false,
        ..BuildOptions::new(site.path())
    };
    let mut session = Session::new(options.clone());
    session.rebuild(&[]).expect("the fixture builds");
    let css = site.path().join("static/css/style.css");
    std::fs::write(&css, format!("{}\n.inlined {{ color: red }}\n", read(&css))).unwrap();
    session
        .rebuild(&[PathBuf::from("static/css/style.css")])
        .unwrap();
    assert_same(
        "inlined css",
        1,
        session.files(),
        &full_build(&options).unwrap(),
    );
}

#[test]
fn an_sme_name_edit_is_incremental_and_re_renders_what_shows_the_sme() {
    let site = copy_fixture("data-site");
    let options = BuildOptions::new(site.path());
    let mut session = Session::new(options.clone());
    session.rebuild(&[]).expect("the fixture builds");
    let rel = PathBuf::from("data/smes/beamworks.yaml");
    let text = std::fs::read_to_string(site.path().join(&rel)).unwrap();
    std::fs::write(
        site.path().join(&rel),
        text.replace("name: Beamworks", "name: Beamworks Nordic"),
    )
    .unwrap();
    let rebuild = session.rebuild(std::slice::from_ref(&rel)).unwrap();
    assert!(rebuild.incremental, "{:?}", rebuild.fallback);
    assert!(
        rebuild
            .reasons
            .contains(&"/smes/beamworks/ (its data)".to_owned()),
        "{:?}",
        rebuild.reasons
    );
    assert_eq!(rebuild.rendered, rebuild.reasons.len());
    // The theme shows partners on every page, by name: a news page shows no SME.
    assert!(
        !rebuild
            .reasons
            .iter()
            .any(|r| r.starts_with("/news/spring/")),
        "{:?}",
        rebuild.reasons
    );
    assert_same(
        "SME edit",
        0,
        session.files(),
        &full_build(&options).unwrap(),
    );
    // A sector fewer changes a facet: the full path, with the reason.
    std::fs::write(
        site.path().join(&rel),
        text.replace("[Steel and metals, Automotive]", "[Steel and metals]"),
    )
    .unwrap();
    let rebuild = session.rebuild(std::slice::from_ref(&rel)).unwrap();
    assert!(!rebuild.incremental);
    assert_eq!(
        rebuild.fallback.as_deref(),
        Some("the edit of smes/beamworks changes a reference or a facet")
    );
}

#[test]
fn a_kpi_or_roadmap_edit_re_renders_the_pages_that_show_it() {
    for (rel, key, value) in [
        ("data/kpis.yaml", "label", "SMEs met"),
        ("data/roadmap.yaml", "title", "Market survey"),
    ] {
        let rebuild = rebuild_after_edit("data-site", rel, |text| set_field(text, key, value));
        assert!(rebuild.incremental, "{rel}: {:?}", rebuild.fallback);
        // The results page draws the chart and the table through shortcodes in its body.
        let reason = "/results/ (its body)".to_owned();
        assert!(
            rebuild.reasons.contains(&reason),
            "{rel}: {:?}",
            rebuild.reasons
        );
        assert!(
            !urls(&rebuild.reasons).contains(&"/smes/beamworks/"),
            "{rel}: {:?}",
            rebuild.reasons
        );
    }
    // An owner that is no partner is an error a full build reports.
    let site = copy_fixture("data-site");
    let mut session = Session::new(BuildOptions::new(site.path()));
    session.rebuild(&[]).expect("the fixture builds");
    let roadmap = site.path().join("data/roadmap.yaml");
    std::fs::write(&roadmap, set_field(&read(&roadmap), "owners", "[nobody]")).unwrap();
    assert!(
        session
            .rebuild(&[PathBuf::from("data/roadmap.yaml")])
            .is_err()
    );
}

#[test]
fn an_entity_edit_without_translations_is_taken_by_every_language() {
    let rebuild = rebuild_after_edit(
        "multilingual-site",
        "data/partners/nordlight.yaml",
        |text| set_field(text, "name", "Nordlight Photonics"),
    );
    assert!(rebuild.incremental, "{:?}", rebuild.fallback);
    for language in ["", "/fr", "/fi"] {
        let reason = format!("{language}/partners/nordlight/ (its data)");
        assert!(
            rebuild.reasons.contains(&reason),
            "{reason} not in {:?}",
            rebuild.reasons
        );
    }
}

#[test]
fn an_entity_edit_with_a_translation_is_taken_by_every_language_with_the_translation_laid_over() {
    let rebuild = rebuild_after_edit("multilingual-site", "data/smes/alpha.yaml", |text| {
        set_field(text, "name", "Alpha Optics")
    });
    assert!(rebuild.incremental, "{:?}", rebuild.fallback);
    for language in ["", "/fr", "/fi"] {
        let reason = format!("{language}/smes/alpha/ (its data)");
        assert!(rebuild.reasons.contains(&reason), "{:?}", rebuild.reasons);
    }
    // A field the translation gives is the translation's in French.
    let rebuild = rebuild_after_edit("multilingual-site", "data/smes/alpha.yaml", |text| {
        set_field(text, "looking_for", "[Resellers]")
    });
    assert!(rebuild.incremental, "{:?}", rebuild.fallback);
}

#[test]
fn a_translation_of_an_entity_whose_file_ends_in_yml_is_taken_alone() {
    let site = copy_fixture("multilingual-site");
    let smes = site.path().join("data/smes");
    std::fs::rename(smes.join("alpha.yaml"), smes.join("alpha.yml")).unwrap();
    let mut session = Session::new(BuildOptions::new(site.path()));
    session.rebuild(&[]).expect("the fixture builds");
    let rebuild = edit_and_rebuild(
        site.path(),
        &mut session,
        "data/smes/alpha.fr.yaml",
        |text| set_field(text, "looking_for", "[Agents]"),
    );
    assert!(rebuild.incremental, "{:?}", rebuild.fallback);
    assert!(
        rebuild
            .reasons
            .contains(&"/fr/smes/alpha/ (its data)".to_owned())
    );
}

#[test]
fn an_entity_translation_edit_re_renders_only_what_shows_it_in_its_language() {
    let rebuild = rebuild_after_edit("multilingual-site", "data/smes/alpha.fr.yaml", |text| {
        set_field(text, "looking_for", "[Revendeurs]")
    });
    assert!(rebuild.incremental, "{:?}", rebuild.fallback);
    assert!(
        rebuild.reasons.iter().all(|r| r.starts_with("/fr/")),
        "{:?}",
        rebuild.reasons
    );
    for reason in [
        "/fr/smes/alpha/ (its data)",
        "/fr/api/v1/smes.json (lists smes/alpha)",
    ] {
        assert!(
            rebuild.reasons.contains(&reason.to_owned()),
            "{reason} not in {:?}",
            rebuild.reasons
        );
    }
    assert!(
        rebuild
            .changed
            .contains(&"fr/smes/alpha/index.html".to_owned()),
        "{:?}",
        rebuild.changed
    );
    // The French page is served first, alone.
    let site = copy_fixture("multilingual-site");
    let mut session = Session::new(BuildOptions::new(site.path()));
    session.rebuild(&[]).expect("the fixture builds");
    let overlay = site.path().join("data/smes/alpha.fr.yaml");
    std::fs::write(
        &overlay,
        set_field(&read(&overlay), "looking_for", "[Agents]"),
    )
    .unwrap();
    let mut published = Vec::new();
    let changed = [PathBuf::from("data/smes/alpha.fr.yaml")];
    let rebuild = session
        .rebuild_publishing(&changed, &mut |ahead| {
            let page = ahead.get("fr/smes/alpha/index.html");
            let shows = page.is_some_and(|p| String::from_utf8_lossy(p).contains("Agents"));
            published.push((ahead.len(), shows));
        })
        .unwrap();
    assert!(rebuild.incremental, "{:?}", rebuild.fallback);
    assert_eq!(published, [(1, true)]);
    // A field that a translation cannot change is an error a full build reports.
    let before = read(&overlay);
    std::fs::write(&overlay, format!("{before}country: FR\n")).unwrap();
    assert!(
        session
            .rebuild(&[PathBuf::from("data/smes/alpha.fr.yaml")])
            .is_err()
    );
    std::fs::write(&overlay, before).unwrap();
    session.rebuild(&[]).expect("the fixture builds again");
    // A new translation takes the full path.
    let overlay = site.path().join("data/partners/nordlight.fr.yaml");
    std::fs::write(&overlay, "summary: Une grappe.\n").unwrap();
    let rebuild = (session.rebuild(&[PathBuf::from("data/partners/nordlight.fr.yaml")]))
        .expect("the full path takes a new translation");
    assert_eq!(
        rebuild.fallback.as_deref(),
        Some("data/partners/nordlight.fr.yaml is a new translation")
    );
}

/// A copy of the multilingual fixture with KPIs, a French translation of one, and a page whose
/// template shows them (`data.kpis`) and draws their chart.
fn multilingual_site_with_kpis() -> tempfile::TempDir {
    let site = copy_fixture("multilingual-site");
    let root = site.path();
    let kpis = read(&fixture("data-site").join("data/kpis.yaml"));
    std::fs::write(root.join("data/kpis.yaml"), kpis).unwrap();
    std::fs::write(
        root.join("data/kpis.fr.yaml"),
        "- id: smes-reached\n  label: PME touchées\n  unit: PME\n",
    )
    .unwrap();
    std::fs::create_dir_all(root.join("templates")).unwrap();
    std::fs::write(
        root.join("templates/results.html"),
        "{% extends \"base.html\" %}\n{% block content %}{{ kpi_chart() }}<ul>{% for k in data.kpis %}<li>{{ k.label }}</li>{% endfor %}</ul>{% endblock content %}\n",
    )
    .unwrap();
    std::fs::write(
        root.join("content/results.md"),
        "---\ntitle: Results\ntemplate: results.html\n---\nFigures.\n",
    )
    .unwrap();
    site
}

/// Edits `rel` of `site` with `edit`, rebuilds `session`, checks the result against a full
/// build and returns the rebuild.
fn edit_and_rebuild(
    site: &Path,
    session: &mut Session,
    rel: &str,
    edit: impl Fn(&str) -> String,
) -> Rebuild {
    let path = site.join(rel);
    std::fs::write(
        &path,
        edit(&std::fs::read_to_string(&path).unwrap_or_default()),
    )
    .unwrap();
    let rebuild = session.rebuild(&[PathBuf::from(rel)]).unwrap();
    let full = full_build(&BuildOptions::new(site)).unwrap();
    assert_same(rel, 0, session.files(), &full);
    rebuild
}

#[test]
fn a_kpi_edit_reaches_every_language_and_its_translation_its_own() {
    let site = multilingual_site_with_kpis();
    let mut session = Session::new(BuildOptions::new(site.path()));
    session.rebuild(&[]).expect("the site builds");
    let rebuild = edit_and_rebuild(site.path(), &mut session, "data/kpis.yaml", |text| {
        set_field(text, "label", "SMEs met")
    });
    assert!(rebuild.incremental, "{:?}", rebuild.fallback);
    assert_eq!(
        rebuild.reasons,
        [
            "/results/ (shows data/kpis.yaml)",
            "/fr/results/ (shows data/kpis.yaml)",
            "/fi/results/ (shows data/kpis.yaml)"
        ]
    );
    // Each language's outputs are served as soon as they are rendered, the default's first.
    let kpis = site.path().join("data/kpis.yaml");
    std::fs::write(&kpis, set_field(&read(&kpis), "label", "SMEs seen")).unwrap();
    let mut published = Vec::new();
    let rebuild = session
        .rebuild_publishing(&[PathBuf::from("data/kpis.yaml")], &mut |ahead| {
            let mut paths: Vec<String> = ahead.keys().cloned().collect();
            paths.sort();
            published.push(paths);
        })
        .unwrap();
    assert!(rebuild.incremental, "{:?}", rebuild.fallback);
    assert_eq!(
        published,
        [
            ["results/index.html"],
            ["fr/results/index.html"],
            ["fi/results/index.html"]
        ]
    );
    // The French label is the translation's: the French page stays the same.
    assert_eq!(
        rebuild.changed,
        ["fi/results/index.html", "results/index.html"]
    );
    assert_same(
        "published",
        0,
        session.files(),
        &full_build(&BuildOptions::new(site.path())).unwrap(),
    );
    let rebuild = edit_and_rebuild(site.path(), &mut session, "data/kpis.fr.yaml", |text| {
        set_field(text, "label", "PME rencontrées")
    });
    assert!(rebuild.incremental, "{:?}", rebuild.fallback);
    assert_eq!(rebuild.reasons, ["/fr/results/ (shows data/kpis.fr.yaml)"]);
    assert_eq!(rebuild.changed, ["fr/results/index.html"]);
    // A translation deleted, then written again: its items fall back to English and back.
    std::fs::remove_file(site.path().join("data/kpis.fr.yaml")).unwrap();
    let rebuild = session
        .rebuild(&[PathBuf::from("data/kpis.fr.yaml")])
        .unwrap();
    assert!(rebuild.incremental, "{:?}", rebuild.fallback);
    assert_same(
        "deleted",
        0,
        session.files(),
        &full_build(&BuildOptions::new(site.path())).unwrap(),
    );
    let rebuild = edit_and_rebuild(site.path(), &mut session, "data/kpis.fr.yaml", |_| {
        "- id: smes-represented\n  unit: PME\n".to_owned()
    });
    assert!(rebuild.incremental, "{:?}", rebuild.fallback);
    // A field a translation cannot change is an error a full build reports.
    let path = site.path().join("data/kpis.fr.yaml");
    std::fs::write(&path, "- id: smes-reached\n  target: 3\n").unwrap();
    assert!(
        session
            .rebuild(&[PathBuf::from("data/kpis.fr.yaml")])
            .is_err()
    );
}

/// A translation of the KPIs in a `.csv` file is read as a full build reads it (as a list of
/// YAML items, or an error), not left out.
#[test]
fn a_kpi_translation_in_a_csv_file_is_read_as_a_full_build_reads_it() {
    let site = multilingual_site_with_kpis();
    std::fs::remove_file(site.path().join("data/kpis.fr.yaml")).unwrap();
    let mut session = Session::new(BuildOptions::new(site.path()));
    session.rebuild(&[]).expect("the site builds");
    let rebuild = edit_and_rebuild(site.path(), &mut session, "data/kpis.fr.csv", |_| {
        "- id: smes-reached\n  label: PME touchées\n".to_owned()
    });
    assert!(!rebuild.incremental);
    let french = session.files().get("fr/results/index.html");
    assert!(french.is_some_and(|page| String::from_utf8_lossy(page).contains("PME touchées")));
    // A table is not a translation: the full build refuses it, and so does the rebuild.
    std::fs::write(site.path().join("data/kpis.fr.csv"), "id,label\nx,y\n").unwrap();
    assert!(full_build(&BuildOptions::new(site.path())).is_none());
    let rebuilt = session.rebuild(&[PathBuf::from("data/kpis.fr.csv")]);
    assert!(rebuilt.is_err());
}

#[test]
fn random_edits_of_a_site_in_three_languages() {
    let mut paths = std::collections::BTreeMap::new();
    for seed in [5, 23, 64] {
        let taken = random_edits_of(
            multilingual_site_with_kpis(),
            "multilingual-site",
            &[
                "about.md",
                "about.fr.md",
                "contact.md",
                "_index.md",
                "_index.fr.md",
                "news/launch.md",
                "news/launch.fi.md",
            ],
            &[
                "See [the launch](@/news/launch.md).",
                "A footnote.[^n]\n\n[^n]: The note.",
                "Back [home](@/_index.md).",
            ],
            (true, false),
            seed,
        );
        for (path, count) in taken {
            *paths.entry(path).or_insert(0) += count;
        }
    }
    for path in ["kpis or roadmap", "its data", "it is new", "deleted"] {
        assert!(paths.contains_key(path), "no edit took {path:?}: {paths:?}");
    }
}

/// The outputs re-rendered after the body of `rel` in the multilingual fixture changed.
fn multilingual_reasons_after_edit(rel: &str) -> Vec<String> {
    let site = copy_fixture("multilingual-site");
    let options = BuildOptions {
        minify: false,
        ..BuildOptions::new(site.path())
    };
    let mut session = Session::new(options.clone());
    session.rebuild(&[]).expect("the fixture builds");
    let path = site.path().join("content").join(rel);
    let text = std::fs::read_to_string(&path).unwrap();
    std::fs::write(&path, format!("{text}\nOne more line.\n")).unwrap();
    let rebuild = session
        .rebuild(&[PathBuf::from("content").join(rel)])
        .unwrap();
    assert!(rebuild.incremental, "{:?}", rebuild.fallback);
    assert_same(rel, 0, session.files(), &full_build(&options).unwrap());
    rebuild.reasons
}

#[test]
fn editing_a_translation_re_renders_only_what_shows_it() {
    assert_eq!(
        multilingual_reasons_after_edit("about.fr.md"),
        ["/fr/qui-sommes-nous/ (its body)"]
    );
    // An original is shown by its own language and, as a fallback, by those without a
    // translation: English and Finnish here, not French.
    assert_eq!(
        multilingual_reasons_after_edit("about.md"),
        ["/about/ (its body)", "/fi/about/ (its body)"]
    );
}

#[test]
fn a_body_edit_with_a_broken_site_link_is_an_error_at_its_line() {
    let site = copy_fixture("basic-site");
    let mut session = Session::new(BuildOptions::new(site.path()));
    session.rebuild(&[]).expect("the fixture builds");
    let path = site.path().join("content/about/_index.md");
    let text = std::fs::read_to_string(&path).unwrap();
    std::fs::write(&path, format!("{text}\nSee [the news](/newz/).\n")).unwrap();
    let Err(pimap::BuildError::Site(problems)) =
        session.rebuild(&[PathBuf::from("content/about/_index.md")])
    else {
        panic!("a broken link was accepted");
    };
    let shown: Vec<String> = problems.iter().map(ToString::to_string).collect();
    assert!(
        shown
            .iter()
            .any(|d| d.contains("link to `/newz/`: this site has no page")
                && d.contains("did you mean `/news/`?")),
        "{shown:?}"
    );
}

/// Adds the heading `before` to the page `post`, builds `root` in a session, renames the heading
/// to `after` and rebuilds: the rebuild must fail; its diagnostics, as printed.
fn problems_after_renaming_a_heading(
    root: &Path,
    post: &str,
    before: &str,
    after: &str,
) -> Vec<String> {
    let path = root.join(post);
    let text = std::fs::read_to_string(&path).unwrap();
    std::fs::write(&path, format!("{text}\n{before}\n")).unwrap();
    let mut session = Session::new(BuildOptions::new(root));
    session.rebuild(&[]).expect("the fixture builds");
    std::fs::write(&path, format!("{text}\n{after}\n")).unwrap();
    let Err(pimap::BuildError::Site(problems)) = session.rebuild(&[PathBuf::from(post)]) else {
        panic!("a link to a heading that is gone was accepted");
    };
    problems.iter().map(ToString::to_string).collect()
}

#[test]
fn a_body_edit_that_removes_a_heading_an_address_links_to_is_an_error() {
    let site = copy_fixture("basic-site");
    let team = site.path().join("content/about/team.md");
    let text = std::fs::read_to_string(&team).unwrap();
    std::fs::write(
        &team,
        format!("{text}\nSee [the programme](/news/mou-signed/#programme).\n"),
    )
    .unwrap();
    let shown = problems_after_renaming_a_heading(
        site.path(),
        "content/news/mou-signed/index.md",
        "## Programme",
        "## Programmes",
    );
    assert!(
        shown.iter().any(|d| d.starts_with("content/about/team.md:")
            && d.contains("link to `/news/mou-signed/#programme`")
            && d.contains("did you mean `#programmes`?")),
        "{shown:?}"
    );
}

#[test]
fn an_sme_edit_checks_the_links_in_its_offer() {
    let site = copy_fixture("paginated-site");
    let options = BuildOptions::new(site.path());
    let mut session = Session::new(options.clone());
    session.rebuild(&[]).expect("the fixture builds");
    let rel = PathBuf::from("data/smes/charlie.yaml");
    let path = site.path().join(&rel);
    let text = std::fs::read_to_string(&path).unwrap();
    let with_offer = |offer: &str| set_field(&text, "offer", offer);
    std::fs::write(
        &path,
        with_offer("We weld [news](/news/) with [Delta](@/smes/delta)."),
    )
    .unwrap();
    let rebuild = session.rebuild(std::slice::from_ref(&rel)).unwrap();
    assert!(rebuild.incremental, "{:?}", rebuild.fallback);
    let page = String::from_utf8_lossy(&session.files()["smes/charlie/index.html"]).into_owned();
    assert!(page.contains("href=/smes/delta/"), "{page}");
    assert_same(
        "a good link",
        0,
        session.files(),
        &full_build(&options).unwrap(),
    );

    std::fs::write(&path, with_offer("We weld [news](/newz/).")).unwrap();
    let Err(pimap::BuildError::Site(problems)) = session.rebuild(std::slice::from_ref(&rel)) else {
        panic!("a broken link in an offer was accepted");
    };
    let shown: Vec<String> = problems.iter().map(ToString::to_string).collect();
    assert!(
        shown
            .iter()
            .any(|d| d.starts_with("data/smes/charlie.yaml:11:")
                && d.contains("link to `/newz/`: this site has no page")
                && d.contains("did you mean `/news/`?")),
        "{shown:?}"
    );
}

#[test]
fn a_body_edit_that_removes_a_heading_an_sme_offer_links_to_is_an_error() {
    let site = copy_fixture("paginated-site");
    let sme = site.path().join("data/smes/charlie.yaml");
    let text = std::fs::read_to_string(&sme).unwrap();
    let offer = "We weld, as [the news](/news/item-1/#more) says.";
    std::fs::write(&sme, set_field(&text, "offer", offer)).unwrap();
    let shown = problems_after_renaming_a_heading(
        site.path(),
        "content/news/item-1.md",
        "## More",
        "## Much more",
    );
    assert!(
        shown
            .iter()
            .any(|d| d.starts_with("data/smes/charlie.yaml:11:")
                && d.contains("link to `/news/item-1/#more`")
                && d.contains("the anchors there are: #much-more")),
        "{shown:?}"
    );
}

/// The basic site with `<main id="main">` written by its theme's base template, built in a
/// session, and `content/about/_index.md` linking to `#main` of the history page.
fn site_whose_theme_writes_an_id() -> (tempfile::TempDir, Session) {
    let site = copy_fixture("basic-site");
    let base = site.path().join("themes/plain/templates/base.html");
    let text = std::fs::read_to_string(&base).unwrap();
    std::fs::write(
        &base,
        text.replace(
            "{% block body %}{% endblock body %}",
            "<main id=\"main\">{% block body %}{% endblock body %}</main>",
        ),
    )
    .unwrap();
    let about = site.path().join("content/about/_index.md");
    let text = std::fs::read_to_string(&about).unwrap();
    std::fs::write(
        &about,
        format!("{text}\nSkip to [the history](@/about/history.md#main).\n"),
    )
    .unwrap();
    let mut session = Session::new(BuildOptions::new(site.path()));
    session.rebuild(&[]).expect("the fixture builds");
    (site, session)
}

#[test]
fn a_body_edit_linking_to_an_id_the_theme_writes_stays_incremental() {
    let (site, mut session) = site_whose_theme_writes_an_id();
    let path = site.path().join("content/about/history.md");
    let text = std::fs::read_to_string(&path).unwrap();
    std::fs::write(&path, format!("{text}\nBack to [the top](#main).\n")).unwrap();
    let rebuild = session
        .rebuild(&[PathBuf::from("content/about/history.md")])
        .unwrap();
    assert!(rebuild.incremental, "{:?}", rebuild.fallback);
    let options = BuildOptions::new(site.path());
    assert_same(
        "history",
        0,
        session.files(),
        &full_build(&options).unwrap(),
    );
}

#[test]
fn a_template_edit_that_removes_a_linked_id_is_an_error() {
    let (site, mut session) = site_whose_theme_writes_an_id();
    let base = site.path().join("themes/plain/templates/base.html");
    let text = std::fs::read_to_string(&base).unwrap();
    std::fs::write(&base, text.replace(" id=\"main\"", "")).unwrap();
    let Err(pimap::BuildError::Site(problems)) =
        session.rebuild(&[PathBuf::from("themes/plain/templates/base.html")])
    else {
        panic!("a link to an id no template writes any more was accepted");
    };
    let shown: Vec<String> = problems.iter().map(ToString::to_string).collect();
    assert!(
        shown
            .iter()
            .any(|d| d.contains("content/about/_index.md") && d.contains("#main")),
        "{shown:?}"
    );
}

/// Builds a copy of `fixture` with the files `before` added (path from the root, text), then
/// writes each of `after` (deleting it when its text is `None`) and rebuilds; checks that the
/// result is the same as a full build (when one succeeds) and returns the rebuild.
fn rebuild_after_files(
    fixture: &str,
    before: &[(&str, &str)],
    after: &[(&str, Option<&str>)],
) -> Result<Rebuild, pimap::BuildError> {
    let site = copy_fixture(fixture);
    for (rel, text) in before {
        let path = site.path().join(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }
    let options = BuildOptions::new(site.path());
    let mut session = Session::new(options.clone());
    session.rebuild(&[]).expect("the fixture builds");
    let mut changed = Vec::new();
    for (rel, text) in after {
        let path = site.path().join(rel);
        match text {
            Some(text) => {
                std::fs::create_dir_all(path.parent().unwrap()).unwrap();
                std::fs::write(path, text).unwrap();
            }
            None => std::fs::remove_file(path).unwrap(),
        }
        changed.push(PathBuf::from(rel));
    }
    let rebuild = session.rebuild(&changed)?;
    if rebuild.incremental {
        assert_eq!(rebuild.rendered, rebuild.reasons.len());
    }
    assert_same(
        "new or deleted",
        0,
        session.files(),
        &full_build(&options).unwrap(),
    );
    Ok(rebuild)
}

const LASER_DAY: &str =
    "---\ntitle: Laser day\ndate: 2019-03-01\ntaxonomies:\n  tags: [mou]\n---\nA day of lasers.\n";

#[test]
fn a_new_page_renders_itself_and_the_lists_feeds_and_indexes_that_show_it() {
    let rebuild = rebuild_after_files(
        "basic-site",
        &[],
        &[("content/news/laser-day.md", Some(LASER_DAY))],
    )
    .unwrap();
    assert!(rebuild.incremental, "{:?}", rebuild.fallback);
    let reasons = &rebuild.reasons;
    assert_eq!(reasons[0], "/news/laser-day/ (it is new)");
    for reason in [
        "/news/ (lists /news/laser-day/ among its pages, or no longer)",
        "/tags/mou/ (lists /news/laser-day/ among its pages, or no longer)",
        "/news/atom.xml (carries /news/laser-day/, or no longer)",
        "/sitemap.xml (lists /news/laser-day/, or no longer)",
    ] {
        assert!(
            reasons.contains(&reason.to_owned()),
            "{reason} not in {reasons:?}"
        );
    }
    // Another section's pages do not list it.
    assert!(!urls(reasons).contains(&"/about/team/"), "{reasons:?}");
    for path in [
        "news/laser-day/index.html",
        "news/index.html",
        "news/atom.xml",
        "tags/mou/index.html",
        "sitemap.xml",
    ] {
        assert!(
            rebuild.changed.contains(&path.to_owned()),
            "{path} not in {:?}",
            rebuild.changed
        );
    }
    assert!(
        !rebuild
            .changed
            .contains(&"about/team/index.html".to_owned())
    );
}

#[test]
fn a_deleted_page_is_removed_with_the_lists_feeds_and_indexes_that_showed_it() {
    let rebuild = rebuild_after_files(
        "basic-site",
        &[("content/news/laser-day.md", LASER_DAY)],
        &[("content/news/laser-day.md", None)],
    )
    .unwrap();
    assert!(rebuild.incremental, "{:?}", rebuild.fallback);
    let reasons = &rebuild.reasons;
    for reason in [
        "/news/ (lists /news/laser-day/ among its pages, or no longer)",
        "/tags/mou/ (lists /news/laser-day/ among its pages, or no longer)",
        "/news/atom.xml (carries /news/laser-day/, or no longer)",
    ] {
        assert!(
            reasons.contains(&reason.to_owned()),
            "{reason} not in {reasons:?}"
        );
    }
    assert!(!urls(reasons).contains(&"/news/laser-day/"), "{reasons:?}");
    for path in [
        "news/laser-day/index.html",
        "news/index.html",
        "news/atom.xml",
    ] {
        assert!(
            rebuild.changed.contains(&path.to_owned()),
            "{path} not in {:?}",
            rebuild.changed
        );
    }
}

#[test]
fn a_new_or_deleted_page_the_plan_cannot_take_alone_falls_back_with_its_reason() {
    let page = |front: &str| format!("---\ntitle: Laser day\n{front}---\nA day of lasers.\n");
    let section = "---\ntitle: Events\n---\n".to_owned();
    let cases = [
        (
            "content/events/laser-day.md",
            Some(page("")),
            "content/events/laser-day.md starts a new section",
        ),
        (
            "content/news/laser-day.md",
            Some(page("aliases: [/day/]\n")),
            "content/news/laser-day.md has aliases",
        ),
        (
            "content/news/laser-day.md",
            Some(page("taxonomies:\n  tags: [fair]\n")),
            "content/news/laser-day.md adds or removes a taxonomy term",
        ),
        (
            "content/news/day/index.md",
            Some(page("")),
            "content/news/day/index.md is a page bundle (a folder with its files)",
        ),
        (
            "content/events/_index.md",
            Some(section),
            "content/events/_index.md, the index of a section, is new or was deleted",
        ),
        (
            "content/news/laser-day.md",
            Some(page("draft: true\n")),
            "content/news/laser-day.md is a draft or outside its publication window",
        ),
    ];
    for (rel, text, reason) in &cases {
        let rebuild = rebuild_after_files("basic-site", &[], &[(rel, text.as_deref())]);
        let fallback = match &rebuild {
            Ok(rebuild) => rebuild.fallback.clone(),
            Err(error) => panic!("{rel}: {error:?}"),
        };
        assert_eq!(fallback.as_deref(), Some(*reason), "{rel}");
    }
    let aliased = page("aliases: [/day/]\n");
    let before = [("content/news/laser-day.md", aliased.as_str())];
    let deleted = [("content/news/laser-day.md", None)];
    let rebuild = rebuild_after_files("basic-site", &before, &deleted).unwrap();
    assert_eq!(
        rebuild.fallback.as_deref(),
        Some("content/news/laser-day.md has aliases")
    );
    let dated = page("date: 2020-01-01\n");
    let translation = [("content/contact.fr.md", Some(dated.as_str()))];
    let rebuild = rebuild_after_files("multilingual-site", &[], &translation).unwrap();
    assert_eq!(
        rebuild.fallback.as_deref(),
        Some("content/contact.fr.md, a translation, is new or was deleted")
    );
}

#[test]
fn deleting_a_page_another_links_to_or_adding_one_at_a_taken_address_is_an_error_at_its_line() {
    let linked = "---\ntitle: Linked\n---\nSee [the day](@/news/laser-day.md).\n";
    let deleted = rebuild_after_files(
        "basic-site",
        &[
            ("content/news/laser-day.md", LASER_DAY),
            ("content/about/linked.md", linked),
        ],
        &[("content/news/laser-day.md", None)],
    );
    let Err(pimap::BuildError::Site(problems)) = deleted else {
        panic!("{deleted:?}");
    };
    assert_eq!(problems[0].path, Path::new("content/about/linked.md"));
    assert_eq!(problems[0].line, 4);
    let taken = rebuild_after_files(
        "basic-site",
        &[],
        &[(
            "content/news/again.md",
            Some("---\ntitle: Again\nslug: workshop\n---\nOnce more.\n"),
        )],
    );
    let Err(pimap::BuildError::Site(problems)) = taken else {
        panic!("{taken:?}");
    };
    assert!(
        problems.iter().any(|p| p.path.ends_with("again.md")),
        "{problems:?}"
    );
}

#[test]
fn a_new_or_deleted_original_page_is_taken_by_every_language() {
    let site = copy_fixture("multilingual-site");
    let mut session = Session::new(BuildOptions::new(site.path()));
    session.rebuild(&[]).expect("the fixture builds");
    let new_page = |_: &str| "---\ntitle: Fresh\ndate: 2026-01-05\n---\nJust out.\n".to_owned();
    let rebuild = edit_and_rebuild(site.path(), &mut session, "content/news/fresh.md", new_page);
    assert!(rebuild.incremental, "{:?}", rebuild.fallback);
    for language in ["", "/fr", "/fi"] {
        for reason in [
            format!("{language}/news/fresh/ (it is new)"),
            format!(
                "{language}/news/ (lists {language}/news/fresh/ among its pages, or no longer)"
            ),
        ] {
            assert!(
                rebuild.reasons.contains(&reason),
                "{reason} not in {:?}",
                rebuild.reasons
            );
        }
    }
    assert_eq!(rebuild.reasons[0], "/news/fresh/ (it is new)");

    // A translation of it, new or deleted, takes the full path.
    let french = |_: &str| "---\ntitle: Tout frais\n---\nVient de sortir.\n".to_owned();
    let rebuild = edit_and_rebuild(
        site.path(),
        &mut session,
        "content/news/fresh.fr.md",
        french,
    );
    assert!(!rebuild.incremental);
    std::fs::remove_file(site.path().join("content/news/fresh.fr.md")).unwrap();
    let rebuild = (session.rebuild(&[PathBuf::from("content/news/fresh.fr.md")])).unwrap();
    assert!(!rebuild.incremental);

    // The original deleted: every language drops its page.
    std::fs::remove_file(site.path().join("content/news/fresh.md")).unwrap();
    let rebuild = (session.rebuild(&[PathBuf::from("content/news/fresh.md")])).unwrap();
    assert!(rebuild.incremental, "{:?}", rebuild.fallback);
    let full = full_build(&BuildOptions::new(site.path())).unwrap();
    assert_same("deleted", 0, session.files(), &full);
    for language in ["", "fr/", "fi/"] {
        let path = format!("{language}news/fresh/index.html");
        assert!(
            session.files().get(&path).is_none(),
            "{path} is still there"
        );
    }
}
