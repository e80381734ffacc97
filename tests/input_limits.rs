//! No input aborts or hangs a build: text nested deeper than pimap's bounds is an error at its
//! line, and pathological text is read in linear time.
//!
//! The sites are generated in temporary folders, since the inputs are large. Tests of speed
//! stop pimap at a generous deadline that the quadratic code it replaced exceeded many times
//! over; they never compare close timings.

mod common;
use common::*;
use std::path::Path;
use std::time::{Duration, Instant};

/// A deadline no linear build of these sites comes near, even in a debug build on a busy machine.
const DEADLINE: Duration = Duration::from_secs(5);

/// Runs `pimap` with `args`, killing it at `DEADLINE`; fails the test if it takes longer.
fn pimap_within_deadline(args: &[&str]) -> Run {
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_pimap"))
        .args(args)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("run pimap");
    let started = Instant::now();
    while child.try_wait().expect("wait for pimap").is_none() {
        if started.elapsed() > DEADLINE {
            child.kill().expect("stop pimap");
            let _ = child.wait();
            panic!("pimap {args:?} took more than {DEADLINE:?}");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    let output = child.wait_with_output().expect("read pimap's output");
    Run {
        code: output.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
    }
}

fn build_within_deadline(root: &Path, flags: &[&str]) -> Run {
    let output = root.join("public");
    pimap_within_deadline(&build_args(root, &output, flags))
}

/// A site with one page whose body is `body`.
fn site_with_page(body: &str) -> tempfile::TempDir {
    let site = tempfile::tempdir().unwrap();
    write(site.path(), "site.yaml", "title: Limits\n");
    write(
        site.path(),
        "content/page.md",
        &format!("---\ntitle: Page\n---\nIntro.\n\n{body}\n"),
    );
    site
}

fn write(root: &Path, rel: &str, text: &str) {
    let path = root.join(rel);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

#[test]
fn a_line_of_backquoted_braces_is_scanned_in_linear_time() {
    let site = site_with_page(&"`{{` ".repeat(20_000));
    let run = build_within_deadline(site.path(), &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let html = read(&site.path().join("public/page/index.html"));
    assert_eq!(html.matches("<code>{{</code>").count(), 20_000);
}

/// The diagnostics of a failed run, with the output folder of `site` replaced by `OUT`.
fn diagnostics(run: &Run, site: &Path) -> String {
    assert_eq!(run.code, 1, "{}{}", run.stdout, run.stderr);
    assert!(!run.stderr.contains("overflow"), "{}", run.stderr);
    run.stderr
        .replace(site.join("public").to_str().unwrap(), "OUT")
}

/// Replaces `key: |` and its first text line in a data file of `site` by `key: |`, `line` and
/// the old text.
fn add_line_to_field(site: &Path, file: &str, key: &str, line: &str) {
    let path = site.join(file);
    let text = std::fs::read_to_string(&path).unwrap();
    let opening = format!("{key}: |\n");
    assert!(text.contains(&opening), "{file} has no `{key}: |`");
    std::fs::write(
        &path,
        text.replacen(&opening, &format!("{opening}  {line}\n\n"), 1),
    )
    .unwrap();
}

#[test]
fn quotes_nested_past_the_bound_in_a_page_are_an_error_at_their_line() {
    let site = site_with_page(&(">".repeat(50_000) + " deep"));
    let run = build_within_deadline(site.path(), &[]);
    insta::assert_snapshot!("deep_quotes_in_a_page", diagnostics(&run, site.path()));
    let root = site.path().to_str().unwrap();
    let check = pimap_within_deadline(&["check", "--root", root]);
    assert_eq!(check.code, 1, "{}", check.stderr);
    assert!(
        check.stderr.starts_with(
            "content/page.md:6:65: error: quotes, lists and HTML elements are nested more than 64 levels deep here"
        ),
        "{}",
        check.stderr
    );
}

#[test]
fn html_and_quotes_nested_past_the_bound_in_data_are_errors_at_their_lines() {
    let site = copy_fixture("data-site");
    let divs = format!("{}x{}", "<div>".repeat(3_000), "</div>".repeat(3_000));
    add_line_to_field(site.path(), "data/smes/beamworks.yaml", "offer", &divs);
    let quotes = ">".repeat(3_000) + " deep";
    add_line_to_field(
        site.path(),
        "data/partners/nordlight.yaml",
        "description",
        &quotes,
    );
    let run = build_within_deadline(site.path(), &[]);
    insta::assert_snapshot!("deep_text_in_data", diagnostics(&run, site.path()));
}

#[test]
fn formatting_tags_left_open_in_data_are_an_error_not_a_long_wait() {
    // An HTML parser reopens every formatting element still open at each new block: this
    // line made the sanitiser build millions of elements.
    let site = copy_fixture("data-site");
    let reopened: String = (0..3_000)
        .map(|i| format!("<div><b title={i}></div>"))
        .collect();
    add_line_to_field(site.path(), "data/smes/beamworks.yaml", "offer", &reopened);
    let run = build_within_deadline(site.path(), &[]);
    let stderr = diagnostics(&run, site.path());
    assert!(
        stderr.starts_with(
            "data/smes/beamworks.yaml:13:481: error: `offer`: quotes, lists and HTML elements are nested more than 64 levels deep here"
        ),
        "{stderr}"
    );
}

#[test]
fn text_nested_within_the_bound_builds_and_is_minified() {
    let quotes = ">".repeat(40) + " deep";
    let list = format!("<ul>{}</ul>", "<li>item".repeat(300));
    let site = site_with_page(&format!("{quotes}\n\n{list}"));
    let run = build_within_deadline(site.path(), &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let html = read(&site.path().join("public/page/index.html"));
    assert_eq!(html.matches("<blockquote>").count(), 40);
    assert!(!html.contains("<blockquote>\n"), "not minified:\n{html}");
}

#[test]
fn a_template_nested_past_any_bound_is_minified_and_its_too_deep_stylesheet_kept_as_written() {
    let site = site_with_page("Body.");
    let deep_css = format!("a {{ b: {}1{} }}", "(".repeat(40), ")".repeat(40));
    let template = format!(
        "<!doctype html>\n<html lang=en>\n<title>{{{{ page.title }}}}</title>\n<style>{deep_css}</style>\n<style>p {{ color : red ; }}</style>\n{}{{{{ page.content }}}}{}\n</html>\n",
        "<div>\n".repeat(3_000),
        "</div>\n".repeat(3_000)
    );
    write(site.path(), "templates/page.html", &template);
    let run = build_within_deadline(site.path(), &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let html = read(&site.path().join("public/page/index.html"));
    let expected = format!(
        "<!doctype html><html lang=en><title>Page</title><style>{deep_css}</style><style>p{{color:red}}</style><div><div>"
    );
    assert!(html.starts_with(&expected), "{}", &html[..200]);
    assert_eq!(html.matches("<div>").count(), 3_000);
}

#[test]
fn yaml_nested_past_the_bound_is_an_error_at_its_line_not_a_long_wait() {
    let site = site_with_page("Body.");
    let flow = format!(
        "title: Deep\nlist: {}{}\n",
        "[".repeat(100_000),
        "]".repeat(100_000)
    );
    write(site.path(), "data/deep.yaml", &flow);
    let block: String = (0..100)
        .map(|i| format!("{}- \n", "  ".repeat(i + 2)))
        .collect();
    write(
        site.path(),
        "content/blocks.md",
        &format!("---\ntitle: Blocks\nextra:\n  nested:\n{block}---\nBody.\n"),
    );
    let run = build_within_deadline(site.path(), &[]);
    insta::assert_snapshot!("deep_yaml", diagnostics(&run, site.path()));
}

#[test]
fn templates_that_include_each_other_past_the_bound_are_an_error() {
    let site = site_with_page("Body.");
    write(
        site.path(),
        "templates/page.html",
        "<!doctype html>\n<title>x</title>\n{% include \"chain/0.html\" %}\n",
    );
    for i in 0..40 {
        write(
            site.path(),
            &format!("templates/chain/{i}.html"),
            &format!("<p>{i} {{% include \"chain/{}.html\" %}}</p>\n", i + 1),
        );
    }
    write(site.path(), "templates/chain/40.html", "end\n");
    let run = build_within_deadline(site.path(), &[]);
    insta::assert_snapshot!("deep_includes", diagnostics(&run, site.path()));
}

#[test]
fn the_longest_include_chain_renders_with_components_recursing_at_its_end() {
    // Tera stops components at 20 levels; each level, like each include, takes a large stack
    // frame: pimap's render threads have room for both bounds at once.
    let site = site_with_page("Body.");
    write(
        site.path(),
        "templates/page.html",
        "<!doctype html>\n<title>x</title>\n{% include \"chain/1.html\" %}\n",
    );
    for i in 1..15 {
        write(
            site.path(),
            &format!("templates/chain/{i}.html"),
            &format!("<p>{i} {{% include \"chain/{}.html\" %}}</p>\n", i + 1),
        );
    }
    write(
        site.path(),
        "templates/chain/15.html",
        "{% component nest(n) %}<i>{% if n < 19 %}{{<nest n={n + 1}/>}}{% endif %}</i>{% endcomponent nest %}{{<nest n={0}/>}}\n",
    );
    let run = build_within_deadline(site.path(), &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let html = read(&site.path().join("public/page/index.html"));
    assert_eq!(html.matches("<i>").count(), 20, "{html}");
}

#[test]
fn a_field_nested_too_deep_is_reported_with_broken_references_in_one_run() {
    let site = copy_fixture("data-site");
    let path = site.path().join("data/smes/beamworks.yaml");
    let text = std::fs::read_to_string(&path).unwrap();
    std::fs::write(
        &path,
        text.replace("cluster: nordlight", "cluster: nordlihgt"),
    )
    .unwrap();
    add_line_to_field(
        site.path(),
        "data/smes/beamworks.yaml",
        "offer",
        &"> ".repeat(100),
    );
    let run = build_within_deadline(site.path(), &[]);
    let stderr = diagnostics(&run, site.path());
    let messages: Vec<&str> = stderr
        .lines()
        .filter(|l| l.starts_with("data/") && l.contains(": error: "))
        .collect();
    assert_eq!(
        messages,
        vec![
            "data/smes/beamworks.yaml:3:10: error: there is no cluster with the id `nordlihgt`",
            "data/smes/beamworks.yaml:13:3: error: `offer`: quotes, lists and HTML elements are nested more than 64 levels deep here",
        ],
        "{stderr}"
    );
}
