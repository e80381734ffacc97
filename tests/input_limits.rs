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
    let mut args = vec![
        "build",
        "--root",
        root.to_str().unwrap(),
        "--output",
        output.to_str().unwrap(),
    ];
    args.extend_from_slice(flags);
    pimap_within_deadline(&args)
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
