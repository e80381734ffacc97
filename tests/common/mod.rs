//! Helpers shared by the integration tests: run the `pimap` binary on a fixture site and read
//! what it wrote.
#![allow(dead_code)]

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

pub fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

/// The result of one `pimap` run.
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

pub fn pimap(args: &[&str]) -> Run {
    run(Command::new(env!("CARGO_BIN_EXE_pimap")).args(args))
}

/// Runs `pimap` as if today were `today` (`YYYY-MM-DD`, given in `PIMAP_TODAY`).
pub fn pimap_on(today: &str, args: &[&str]) -> Run {
    run(Command::new(env!("CARGO_BIN_EXE_pimap"))
        .env("PIMAP_TODAY", today)
        .args(args))
}

fn run(command: &mut Command) -> Run {
    let output = command.output().expect("run pimap");
    Run {
        code: output.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
    }
}

/// The arguments of `pimap build` for the site at `root` into `output`, with extra flags.
pub fn build_args<'a>(root: &'a Path, output: &'a Path, flags: &[&'a str]) -> Vec<&'a str> {
    let mut args = vec![
        "build",
        "--root",
        root.to_str().unwrap(),
        "--output",
        output.to_str().unwrap(),
    ];
    args.extend_from_slice(flags);
    args
}

/// Builds the site at `root` into `output` with extra flags.
pub fn build(root: &Path, output: &Path, flags: &[&str]) -> Run {
    pimap(&build_args(root, output, flags))
}

/// Builds a fixture into a fresh temporary folder; returns the folder too.
pub fn build_fixture(name: &str, flags: &[&str]) -> (Run, tempfile::TempDir) {
    let out = tempfile::tempdir().unwrap();
    let run = build(&fixture(name), &out.path().join("public"), flags);
    (run, out)
}

/// Every file under `dir`, by relative path, with its bytes.
pub fn tree(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut files = BTreeMap::new();
    for entry in walk(dir) {
        let rel = entry
            .strip_prefix(dir)
            .unwrap()
            .to_string_lossy()
            .replace('\\', "/");
        files.insert(rel, std::fs::read(&entry).unwrap());
    }
    files
}

fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let Ok(entries) = std::fs::read_dir(dir) else {
        return out;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            out.extend(walk(&path));
        } else {
            out.push(path);
        }
    }
    out
}

/// Copies a fixture into a temporary folder so that a test may edit it.
pub fn copy_fixture(name: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    copy_dir(&fixture(name), dir.path());
    dir
}

pub fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap().flatten() {
        let target = to.join(entry.file_name());
        if entry.path().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}

pub fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}
