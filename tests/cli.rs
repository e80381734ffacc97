//! The command line: help, version and exit codes (0 built, 1 the site has errors, 2 usage).

mod common;
use common::*;

#[test]
fn help_and_version_exit_zero() {
    let help = pimap(&["--help"]);
    assert_eq!(help.code, 0);
    assert!(help.stdout.contains("build"), "{}", help.stdout);
    let build_help = pimap(&["build", "--help"]);
    for flag in [
        "--root",
        "--output",
        "--base-url",
        "--drafts",
        "--no-minify",
        "--quiet",
    ] {
        assert!(
            build_help.stdout.contains(flag),
            "missing {flag}:\n{}",
            build_help.stdout
        );
    }
    let version = pimap(&["--version"]);
    assert_eq!(
        (version.code, version.stdout.trim()),
        (0, concat!("pimap ", env!("CARGO_PKG_VERSION")))
    );
}

#[test]
fn usage_errors_exit_two() {
    assert_eq!(pimap(&[]).code, 2);
    assert_eq!(pimap(&["build", "--no-such-flag"]).code, 2);
    assert_eq!(pimap(&["frobnicate"]).code, 2);
    let missing = pimap(&["build", "--root", "/no/such/folder"]);
    assert_eq!(missing.code, 2);
    assert_eq!(missing.stderr, "error: /no/such/folder is not a folder\n");
}

#[test]
fn an_output_folder_that_would_hold_or_sit_in_the_sources_is_refused() {
    let site = copy_fixture("basic-site");
    let root = site.path().to_str().unwrap();
    for output in [
        root.to_owned(),
        format!("{root}/content/out"),
        format!("{root}/.."),
    ] {
        let run = pimap(&["build", "--root", root, "--output", &output]);
        assert_eq!(run.code, 2, "{output}: {}", run.stderr);
    }
    assert!(!site.path().join("content/out").exists());
    // `static` may be a link inside the site; the output may not sit where it leads either.
    std::fs::rename(site.path().join("static"), site.path().join("assets")).unwrap();
    std::os::unix::fs::symlink("assets", site.path().join("static")).unwrap();
    let run = pimap(&[
        "build",
        "--root",
        root,
        "--output",
        &format!("{root}/assets/out"),
    ]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(
        run.stderr.contains("inside the site's static/ folder"),
        "{}",
        run.stderr
    );
    assert!(!site.path().join("assets/out").exists());
}

#[test]
fn a_folder_pimap_did_not_make_is_never_replaced() {
    let site = copy_fixture("basic-site");
    let output = site.path().join("precious");
    std::fs::create_dir(&output).unwrap();
    std::fs::write(output.join("notes.txt"), "mine").unwrap();
    let run = build(site.path(), &output, &[]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(
        run.stderr.contains("was not made by pimap"),
        "{}",
        run.stderr
    );
    assert_eq!(read(&output.join("notes.txt")), "mine");
}

#[test]
fn site_errors_exit_one_and_quiet_success_prints_nothing() {
    let (run, _out) = build_fixture("broken-links", &[]);
    assert_eq!(run.code, 1);
    assert!(
        run.stderr.ends_with("was left as it was\n"),
        "{}",
        run.stderr
    );
    let (run, _out) = build_fixture("basic-site", &["--quiet"]);
    assert_eq!(
        (run.code, run.stdout.as_str(), run.stderr.as_str()),
        (0, "", "")
    );
}

#[test]
fn the_summary_line_counts_pages_and_files() {
    let (run, _out) = build_fixture("basic-site", &[]);
    assert_eq!(run.code, 0);
    let line = run.stdout.trim();
    assert!(
        line.starts_with("Built 15 pages (25 files: 25 written, 0 unchanged, 0 removed) into "),
        "{line}"
    );
    assert!(line.ends_with(" ms"), "{line}");
}

#[test]
fn warnings_are_printed_but_do_not_fail_the_build() {
    let (run, out) = build_fixture("warnings", &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    insta::assert_snapshot!("warnings", run.stderr);
    assert!(out.path().join("public/news/undated/index.html").exists());
    let (quiet, _out) = build_fixture("warnings", &["--quiet"]);
    assert_eq!(quiet.stderr, "");
}

#[test]
fn new_scaffolds_valid_files_and_never_overwrites() {
    let site = copy_fixture("data-site");
    let root = site.path().to_str().unwrap();
    for (kind, name, path) in [
        ("sme", "Photon Forge", "data/smes/photon-forge.yaml"),
        ("partner", "Lakeside Two", "data/partners/lakeside-two.yaml"),
        (
            "mission",
            "Spring mission",
            "data/missions/spring-mission.yaml",
        ),
        (
            "practice",
            "Follow up fast",
            "data/practices/follow-up-fast.yaml",
        ),
        ("page", "Join us", "content/join-us.md"),
        ("news", "A new partner", "content/news/a-new-partner.md"),
    ] {
        let run = pimap(&["new", kind, name, "--root", root]);
        assert_eq!(run.code, 0, "{kind}: {}", run.stderr);
        assert_eq!(run.stdout.trim(), format!("Created {path}"));
        let again = pimap(&["new", kind, name, "--root", root]);
        assert_eq!(again.code, 1);
        assert!(again.stderr.contains("already exists"), "{}", again.stderr);
    }
    // Everything it wrote builds (news posts start as drafts).
    let run = build(site.path(), &site.path().join("public"), &["--drafts"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        site.path()
            .join("public/smes/photon-forge/index.html")
            .exists()
    );
    assert_eq!(pimap(&["new", "widget", "X", "--root", root]).code, 2);
}

#[test]
fn watch_rebuilds_on_a_change_and_not_on_its_own_output() {
    use std::io::{BufRead, BufReader};
    let site = copy_fixture("basic-site");
    let output = site.path().join("public");
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_pimap"))
        .args(["watch", "--root", site.path().to_str().unwrap()])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let (lines_tx, lines) = std::sync::mpsc::channel();
    let stdout = child.stdout.take().unwrap();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            let _ = lines_tx.send(line);
        }
    });
    let wait_for = |prefix: &str| {
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
        loop {
            let left = deadline.saturating_duration_since(std::time::Instant::now());
            match lines.recv_timeout(left) {
                Ok(line) if line.starts_with(prefix) => return line,
                Ok(_) => {}
                Err(_) => panic!("no line starting with {prefix:?}"),
            }
        }
    };
    wait_for("Built ");
    wait_for("Watching ");
    std::fs::write(
        site.path().join("content/about/team.md"),
        "---\ntitle: Team\nweight: 2\n---\nThe new team.\n",
    )
    .unwrap();
    wait_for("Built ");
    assert!(read(&output.join("about/team/index.html")).contains("The new team."));
    // Its own writes to public/ must not start another build.
    let quiet = lines.recv_timeout(std::time::Duration::from_millis(700));
    let _ = child.kill();
    let _ = child.wait();
    assert!(
        quiet.is_err(),
        "unexpected output after the rebuild: {quiet:?}"
    );
}

#[test]
fn check_finds_broken_links_and_anchors_at_their_source_line() {
    let root = fixture("check-site");
    let run = pimap(&["check", "--root", root.to_str().unwrap()]);
    assert_eq!(run.code, 1, "{}", run.stdout);
    insta::assert_snapshot!("check_problems", run.stderr);
    assert!(
        run.stdout
            .contains("3 problems; 1 links to other sites not fetched"),
        "{}",
        run.stdout
    );
}

#[test]
fn check_passes_on_the_bundled_site() {
    let run = pimap(&["check", "--root", env!("CARGO_MANIFEST_DIR")]);
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    assert!(run.stdout.contains(" 0 problems;"), "{}", run.stdout);
}

#[test]
fn precompress_writes_gzip_and_brotli_next_to_text_files() {
    use std::io::Read;
    let (run, out) = build_fixture("basic-site", &["--precompress"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let public = out.path().join("public");
    let html = std::fs::read(public.join("about/index.html")).unwrap();
    let mut gunzipped = Vec::new();
    flate2::read::GzDecoder::new(&std::fs::read(public.join("about/index.html.gz")).unwrap()[..])
        .read_to_end(&mut gunzipped)
        .unwrap();
    assert_eq!(gunzipped, html);
    let mut unbrotli = Vec::new();
    brotli::BrotliDecompress(
        &mut &std::fs::read(public.join("about/index.html.br")).unwrap()[..],
        &mut unbrotli,
    )
    .unwrap();
    assert_eq!(unbrotli, html);
    assert!(
        !public.join("news/mou-signed/stand.jpg.gz").exists(),
        "images are not compressed"
    );
    // Without the flag, a rebuild removes them.
    let run = build(&fixture("basic-site"), &public, &[]);
    assert_eq!(run.code, 0);
    let run = build(&fixture("basic-site"), &public, &[]);
    assert_eq!(run.code, 0);
    assert!(!public.join("about/index.html.gz").exists());
}
