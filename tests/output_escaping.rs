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
