//! Drafts and publication windows: a build publishes what is published on its day (set with
//! `PIMAP_TODAY`), leaves the rest out of every output and says when to build again; a preview
//! shows the rest with a ribbon.

mod common;

use common::{build_args, fixture, pimap_on, tree};
use std::collections::BTreeMap;

const LEFT_OUT: [&str; 4] = ["draft-plan", "coming-soon", "call-closed", "frostbeam"];

/// Every output file that mentions one of `words`, with the words it mentions.
fn mentions(out: &std::path::Path, words: &[&str]) -> BTreeMap<String, Vec<String>> {
    tree(out)
        .into_iter()
        .filter_map(|(path, bytes)| {
            let text = String::from_utf8_lossy(&bytes).to_lowercase();
            let found: Vec<String> = words
                .iter()
                .filter(|w| path.contains(*w) || text.contains(*w))
                .map(|w| w.to_string())
                .collect();
            (!found.is_empty()).then_some((path, found))
        })
        .collect()
}

#[test]
fn a_build_leaves_out_what_is_not_published_on_its_day_and_says_when_to_build_again() {
    let out = tempfile::tempdir().unwrap();
    let public = out.path().join("public");
    let root = fixture("publication-window");
    let run = pimap_on("2026-11-30", &build_args(&root, &public, &[]));
    assert_eq!(run.code, 0, "{}", run.stderr);
    let lines: Vec<&str> = run.stdout.lines().collect();
    assert_eq!(lines[1], "3 pages scheduled, next on 2026-12-03");
    // Not in pages, lists, the feed, the sitemap, the search index or the API.
    assert_eq!(mentions(&public, &LEFT_OUT), BTreeMap::new());
    assert!(public.join("news/winter-offer/index.html").is_file());

    let run = pimap_on("2026-12-11", &build_args(&root, &public, &[]));
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(
        run.stdout.lines().nth(1),
        Some("1 page scheduled, next on 2026-12-20")
    );
    assert!(public.join("news/coming-soon/index.html").is_file());
    assert!(!public.join("news/winter-offer").exists());
    let feed = common::read(&public.join("news/atom.xml"));
    assert!(feed.contains("coming-soon") && !feed.contains("winter-offer"));

    let run = pimap_on("2026-12-20", &build_args(&root, &public, &["--quiet"]));
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(run.stdout, "");
    let api = common::read(&public.join("api/v1/smes.json"));
    assert!(api.contains("frostbeam"));
}

#[test]
fn a_preview_build_shows_unpublished_pages_with_a_ribbon() {
    let out = tempfile::tempdir().unwrap();
    let public = out.path().join("public");
    let root = fixture("publication-window");
    let run = pimap_on(
        "2026-11-30",
        &build_args(&root, &public, &["--drafts", "--no-minify"]),
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    let ribbons: BTreeMap<String, String> = tree(&public)
        .into_iter()
        .filter_map(|(path, bytes)| {
            let text = String::from_utf8_lossy(&bytes).into_owned();
            let start = text.find("<p class=\"publication-ribbon")?;
            let end = start + text[start..].find("</p>")? + 4;
            Some((path, text[start..end].to_owned()))
        })
        .collect();
    insta::assert_debug_snapshot!(ribbons);
}

#[test]
fn a_window_that_closes_before_it_opens_is_an_error_at_its_expiry_date() {
    let site = common::copy_fixture("publication-window");
    std::fs::write(
        site.path().join("content/news/never.md"),
        "---\ntitle: Never\npublish_date: 2026-12-03\nexpiry_date: 2026-12-01\n---\nNever.\n",
    )
    .unwrap();
    let sme = site.path().join("data/smes/frostbeam.yaml");
    let text = common::read(&sme) + "expiry_date: 2026-12-19\n";
    std::fs::write(&sme, text).unwrap();
    std::fs::write(
        site.path().join("content/news/vague.md"),
        "---\ntitle: Vague\npublish_date: 2026-12\n---\nSoon.\n",
    )
    .unwrap();
    let out = site.path().join("public");
    let run = pimap_on("2026-11-30", &build_args(site.path(), &out, &[]));
    assert_eq!(run.code, 1);
    insta::assert_snapshot!(
        run.stderr
            .replace(&site.path().display().to_string(), "SITE")
    );
}

#[test]
fn a_today_that_is_not_a_day_is_a_usage_error() {
    let out = tempfile::tempdir().unwrap();
    let root = fixture("publication-window");
    let run = pimap_on("30.11.2026", &build_args(&root, out.path(), &[]));
    assert_eq!(run.code, 2);
    assert_eq!(
        run.stderr,
        "error: PIMAP_TODAY: `30.11.2026` is not a day; write it as YYYY-MM-DD, e.g. 2026-12-03\n"
    );
}

#[test]
fn a_published_page_that_shows_an_unpublished_entity_is_an_error_that_says_why() {
    let site = common::copy_fixture("publication-window");
    std::fs::write(
        site.path().join("content/news/frostbeam-joins.md"),
        "---\ntitle: Frostbeam joins\ndate: 2026-12-20\n---\n{{ sme_card(id=\"frostbeam\") }}\n",
    )
    .unwrap();
    let out = site.path().join("public");
    let run = pimap_on("2026-11-30", &build_args(site.path(), &out, &[]));
    assert_eq!(run.code, 1);
    insta::assert_snapshot!(
        run.stderr
            .replace(&site.path().display().to_string(), "SITE")
    );
    let run = pimap_on("2026-12-20", &build_args(site.path(), &out, &[]));
    assert_eq!(run.code, 0, "{}", run.stderr);
}
