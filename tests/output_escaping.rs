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
    assert_eq!(run.code, 0, "{}", run.stderr);
    let headers = read(&out.path().join("public/_headers"));
    assert!(
        !headers.contains("Access-Control-Allow-Origin"),
        "{headers}"
    );
    for line in headers.lines() {
        assert!(
            line.starts_with('#')
                || (line.starts_with('/') && !line.contains(char::is_control))
                || line.starts_with("  Cache-Control: "),
            "unexpected line {line:?} in\n{headers}"
        );
    }
    // The other fingerprinted files keep their rules.
    assert!(headers.contains("/css/style."), "{headers}");
}
