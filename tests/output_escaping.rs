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
            "<a rel=\"noopener noreferrer\" href=https://example.com/beamworks target=_top>our site</a>"
        ),
        "{embed}"
    );
    // The offer is sanitised on the way, as on the SME's own page.
    assert!(
        !embed.contains("alert") && !embed.contains("javascript"),
        "{embed}"
    );
}
