//! Text from content, data and file names cannot break the files pimap writes: embeds show an
//! SME's links as links, XML outputs stay well-formed whatever characters a title holds, and a
//! file name cannot add lines to `_headers`. `pimap check` parses every XML and JSON output.

mod common;
use common::*;

#[test]
fn a_file_name_with_line_breaks_adds_no_line_to_headers() {
    let site = copy_fixture("basic-site");
    let evil = "css/evil\nAccess-Control-Allow-Origin: *\n.css";
    std::fs::write(site.path().join("static").join(evil), "p{}").unwrap();
    let (run, out) = {
        let out = tempfile::tempdir().unwrap();
        (build(site.path(), &out.path().join("public"), &[]), out)
    };
    // The name is refused at the static file, so nothing is published; `_headers` also drops
    // any path with a control character on its own (`output::publish::headers`).
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(
        run.stderr
            .contains("a name with a control character (\\n) that no address can carry"),
        "{}",
        run.stderr
    );
    assert!(!out.path().join("public").exists());
}

#[test]
fn an_embed_shows_the_links_of_an_offer_as_links_that_open_in_the_top_window() {
    let (run, out) = build_fixture("data-site", &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let embed = read(&out.path().join("public/embed/smes/beamworks/index.html"));
    assert!(!embed.contains("&lt;"), "markup shown as text:\n{embed}");
    assert!(
        embed.contains(
            "<a href=https://example.com/beamworks target=_top rel=\"noopener noreferrer\">our site</a>"
        ),
        "{embed}"
    );
    // The offer is sanitised on the way, as on the SME's own page.
    assert!(
        !embed.contains("alert") && !embed.contains("javascript"),
        "{embed}"
    );
}

/// A copy of the basic site with a news page whose title, summary and text hold control
/// characters, as text pasted from a word processor does.
fn site_with_control_characters() -> tempfile::TempDir {
    let site = copy_fixture("basic-site");
    std::fs::write(
        site.path().join("content/news/pasted.md"),
        "---\ntitle: \"Line\\vbreak and \\x01start\"\ndate: 2020-01-01\nsummary: \"Tab\\tand\\x0cfeed\"\n---\nText with a\u{b}vertical tab and a \u{1} control.\n",
    )
    .unwrap();
    site
}

#[test]
fn control_characters_in_titles_and_text_leave_feeds_and_the_sitemap_well_formed() {
    let site = site_with_control_characters();
    let out = tempfile::tempdir().unwrap();
    let run = build(site.path(), &out.path().join("public"), &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    for file in ["news/atom.xml", "sitemap.xml"] {
        let xml = read(&out.path().join("public").join(file));
        if let Err(e) = roxmltree::Document::parse(&xml) {
            panic!("{file} is not well-formed XML: {e}\n{xml}");
        }
    }
    let feed = read(&out.path().join("public/news/atom.xml"));
    assert!(
        feed.contains("<title>Line break and start</title>"),
        "{feed}"
    );
    assert!(feed.contains("<summary>Tab\tand feed</summary>"), "{feed}");
    assert!(
        feed.contains("Text with a vertical tab and a  control."),
        "{feed}"
    );
    let root = site.path().to_str().unwrap();
    let check = pimap(&["check", "--root", root]);
    assert_eq!(check.code, 0, "{}", check.stderr);
}

#[test]
fn check_reports_xml_and_json_outputs_that_do_not_parse() {
    let site = copy_fixture("basic-site");
    let write = |name: &str, text: &str| {
        std::fs::write(site.path().join("static").join(name), text).unwrap()
    };
    write(
        "feed.xml",
        "<?xml version=\"1.0\"?>\n<feed>\n  <title>A\u{1}B</title>\n</feed>\n",
    );
    write("broken.json", "{\n  \"items\": [1, 2,]\n}\n");
    write("fine.json", "{\"items\": [1, 2]}\n");
    let root = site.path().to_str().unwrap();
    let check = pimap(&["check", "--root", root]);
    assert_eq!(check.code, 1, "{}", check.stderr);
    insta::assert_snapshot!("unparsable_outputs", check.stderr);
}
