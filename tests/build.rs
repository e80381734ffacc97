//! The generator core, end to end: a fixture site built by the `pimap` binary, checked on the
//! exact HTML it writes.

mod common;
use common::*;

#[test]
fn builds_pretty_urls_sections_bundles_taxonomies_and_static_files() {
    let (run, out) = build_fixture("basic-site", &["--no-minify"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let public = out.path().join("public");
    let files: Vec<String> = tree(&public).into_keys().collect();
    insta::assert_snapshot!("basic_site_files", files.join("\n"));
    assert!(
        run.stdout.starts_with("Built 15 pages (25 files:"),
        "{}",
        run.stdout
    );
    // The site's static file replaces the theme's; the theme's other files are kept.
    assert_eq!(
        read(&public.join("css/style.css")),
        "body { color: navy; }\n"
    );
    assert_eq!(read(&public.join("news/mou-signed/stand.jpg")), "JPEGDATA");
    insta::assert_snapshot!(
        "basic_site_mou_page",
        read(&public.join("news/mou-signed/index.html"))
    );
    insta::assert_snapshot!("basic_site_home", read(&public.join("index.html")));
    insta::assert_snapshot!("basic_site_term", read(&public.join("tags/mou/index.html")));
    insta::assert_snapshot!(
        "basic_site_alias",
        read(&public.join("old-history/index.html"))
    );
}

#[test]
fn sections_sort_their_pages_by_weight_or_date() {
    let (run, out) = build_fixture("basic-site", &["--no-minify"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let about = read(&out.path().join("public/about/index.html"));
    assert!(
        about.find("History").unwrap() < about.find("Team").unwrap(),
        "{about}"
    );
    let news = read(&out.path().join("public/news/index.html"));
    assert!(
        news.find("MoU signed").unwrap() < news.find("First workshop").unwrap(),
        "{news}"
    );
}

#[test]
fn drafts_are_left_out_unless_asked_for() {
    let (run, out) = build_fixture("basic-site", &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(!out.path().join("public/news/secret/index.html").exists());
    let (run, out) = build_fixture("basic-site", &["--drafts"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(out.path().join("public/news/secret/index.html").exists());
}

#[test]
fn minified_output_is_smaller_and_keeps_the_document() {
    let (run, out) = build_fixture("basic-site", &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let (run_plain, out_plain) = build_fixture("basic-site", &["--no-minify"]);
    assert_eq!(run_plain.code, 0);
    let minified = read(&out.path().join("public/news/mou-signed/index.html"));
    let plain = read(&out_plain.path().join("public/news/mou-signed/index.html"));
    assert!(minified.len() < plain.len());
    assert!(
        minified.starts_with("<!doctype html><html lang=en><head>"),
        "{minified}"
    );
    assert!(minified.contains("<h2 id=signing>"));
}

#[test]
fn base_url_override_moves_every_link_under_a_sub_path() {
    let (run, out) = build_fixture(
        "basic-site",
        &["--base-url", "https://preview.example.net/pimap/"],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    let page = read(&out.path().join("public/news/mou-signed/index.html"));
    assert!(page.contains("href=/pimap/about/history/"), "{page}");
    assert!(page.contains("https://preview.example.net/pimap/news/mou-signed/"));
    assert!(page.contains("src=/pimap/news/mou-signed/stand.jpg"));
    assert!(
        page.contains("href=/pimap/css/style.f279778f42.css"),
        "{page}"
    );
    let home = read(&out.path().join("public/index.html"));
    assert!(home.contains("href=/pimap/about/"), "{home}");
}

#[test]
fn two_builds_of_the_same_input_are_byte_identical() {
    let (first, a) = build_fixture("basic-site", &[]);
    let (second, b) = build_fixture("basic-site", &[]);
    assert_eq!((first.code, second.code), (0, 0));
    let (a, b) = (
        tree(&a.path().join("public")),
        tree(&b.path().join("public")),
    );
    assert_eq!(a.keys().collect::<Vec<_>>(), b.keys().collect::<Vec<_>>());
    for (path, bytes) in &a {
        assert!(bytes == &b[path], "{path} differs between two builds");
    }
}

#[test]
fn a_failed_build_leaves_the_previous_output_untouched() {
    let site = copy_fixture("basic-site");
    let public = site.path().join("public");
    assert_eq!(build(site.path(), &public, &[]).code, 0);
    let before = tree(&public);
    std::fs::write(
        site.path().join("content/about/team.md"),
        "---\ntitle: [unclosed\n---\n",
    )
    .unwrap();
    std::fs::write(
        site.path().join("content/news/new.md"),
        "---\ntitle: New\n---\nNew page.\n",
    )
    .unwrap();
    let run = build(site.path(), &public, &[]);
    assert_eq!(run.code, 1);
    assert!(
        run.stderr.contains("content/about/team.md:2:"),
        "{}",
        run.stderr
    );
    assert_eq!(tree(&public), before, "the failed build changed the output");
}

#[test]
fn rebuilding_removes_files_that_lost_their_source_and_rewrites_only_changes() {
    let site = copy_fixture("basic-site");
    let public = site.path().join("public");
    for _ in 0..2 {
        assert_eq!(build(site.path(), &public, &[]).code, 0);
    }
    std::fs::remove_file(site.path().join("content/news/workshop.md")).unwrap();
    let run = build(site.path(), &public, &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(!public.join("news/workshop/index.html").exists());
    assert!(!public.join("tags/workshop/index.html").exists());
    // The staging folder holds the generation before last, so a change is written twice (once
    // into each folder); from then on, nothing is rewritten.
    let run = build(site.path(), &public, &[]);
    assert!(
        run.stdout
            .contains("(23 files: 6 written, 17 unchanged, 2 removed)"),
        "{}",
        run.stdout
    );
    let run = build(site.path(), &public, &[]);
    assert!(
        run.stdout
            .contains("(23 files: 0 written, 23 unchanged, 0 removed)"),
        "{}",
        run.stdout
    );
    assert_eq!(tree(&public), {
        let (_, fresh) = build_fixture_from(site.path());
        tree(&fresh.path().join("public"))
    });
}

fn build_fixture_from(root: &std::path::Path) -> (Run, tempfile::TempDir) {
    let out = tempfile::tempdir().unwrap();
    let run = build(root, &out.path().join("public"), &[]);
    (run, out)
}

#[test]
fn a_50_mb_page_builds() {
    let site = tempfile::tempdir().unwrap();
    std::fs::write(site.path().join("site.yaml"), "title: Big\n").unwrap();
    std::fs::create_dir(site.path().join("content")).unwrap();
    let paragraph = "Lasers *cut* steel, [link](https://example.org) and `code`.\n\n";
    let mut body = String::from("---\ntitle: Big\n---\n");
    while body.len() < 50 * 1024 * 1024 {
        body.push_str("## Heading\n\n");
        body.push_str(&paragraph.repeat(100));
    }
    std::fs::write(site.path().join("content/big.md"), body).unwrap();
    let run = build(site.path(), &site.path().join("public"), &["--no-minify"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        std::fs::metadata(site.path().join("public/big/index.html"))
            .unwrap()
            .len()
            > 50 * 1024 * 1024
    );
}

#[test]
fn build_output_never_carries_the_live_reload_script() {
    let (run, out) = build_fixture("live-site", &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    for (path, bytes) in tree(&out.path().join("public")) {
        assert!(
            !String::from_utf8_lossy(&bytes).contains("__pimap"),
            "{path} mentions the live-reload script"
        );
    }
}
