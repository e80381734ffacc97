//! The output folder is pimap's alone and always whole: a linked `--output` gets every build,
//! `--output .` is staged beside the folder (not inside it), two builds into one folder take
//! turns, and no source can claim the marker that says the folder is pimap's.

mod common;
use common::*;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// The basic fixture in `<tmp>/site`, with `title` as its site title.
fn site_titled(dir: &Path, title: &str) -> PathBuf {
    let root = dir.join("site");
    copy_dir(&fixture("basic-site"), &root);
    let config =
        read(&root.join("site.yaml")).replace("title: Basic site", &format!("title: {title}"));
    std::fs::write(root.join("site.yaml"), config).unwrap();
    root
}

fn home_of(output: &Path) -> String {
    read(&output.join("index.html"))
}

#[cfg(unix)]
#[test]
fn a_linked_output_folder_gets_every_build() {
    let dir = tempfile::tempdir().unwrap();
    let root = site_titled(dir.path(), "Generation 0");
    let real = dir.path().join("real");
    assert_eq!(build(&root, &real, &[]).code, 0);
    let link = dir.path().join("www");
    std::os::unix::fs::symlink(&real, &link).unwrap();
    for generation in 1..4 {
        let title = format!("Generation {generation}");
        let config = read(&root.join("site.yaml"))
            .replace(&format!("Generation {}", generation - 1), &title);
        std::fs::write(root.join("site.yaml"), config).unwrap();
        let run = build(&root, &link, &[]);
        assert_eq!(run.code, 0, "{}", run.stderr);
        assert!(
            home_of(&real).contains(&title),
            "build {generation} missed the folder"
        );
        assert!(std::fs::symlink_metadata(&link).unwrap().is_symlink());
    }
}

/// Every file of a built site except pimap's marker.
fn site_files(output: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut files = tree(output);
    files.remove(".pimap-output");
    files
}

fn spawn_build(root: &Path, output: &Path) -> std::process::Child {
    Command::new(env!("CARGO_BIN_EXE_pimap"))
        .args(["build", "--root"])
        .arg(root)
        .arg("--output")
        .arg(output)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap()
}

#[test]
fn two_builds_at_once_give_one_of_the_two_sites() {
    let (a, b) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let (root_a, root_b) = (
        site_titled(a.path(), "Site A"),
        site_titled(b.path(), "Site B"),
    );
    let expected_a = site_files(&{
        let output = a.path().join("public");
        assert_eq!(build(&root_a, &output, &[]).code, 0);
        output
    });
    let expected_b = site_files(&{
        let output = b.path().join("public");
        assert_eq!(build(&root_b, &output, &[]).code, 0);
        output
    });
    let shared = tempfile::tempdir().unwrap();
    let output = shared.path().join("public");
    for attempt in 0..12 {
        let (first, second) = (spawn_build(&root_a, &output), spawn_build(&root_b, &output));
        for child in [first, second] {
            let run = child.wait_with_output().unwrap();
            assert!(
                run.status.success(),
                "attempt {attempt}: {}",
                String::from_utf8_lossy(&run.stderr)
            );
        }
        let built = site_files(&output);
        assert!(
            built == expected_a || built == expected_b,
            "attempt {attempt}: the output matches neither site"
        );
    }
}

#[cfg(unix)]
#[test]
fn a_build_waits_while_another_holds_the_output() {
    use std::os::fd::AsRawFd;
    let dir = tempfile::tempdir().unwrap();
    let root = site_titled(dir.path(), "Waiting");
    let output = dir.path().join("public");
    let lock = std::fs::File::create(dir.path().join(".public.pimap-lock")).unwrap();
    // SAFETY: a valid descriptor, owned by `lock` for the whole test.
    assert_eq!(unsafe { libc::flock(lock.as_raw_fd(), libc::LOCK_EX) }, 0);
    let mut child = spawn_build(&root, &output);
    std::thread::sleep(std::time::Duration::from_millis(1500));
    let still_waiting = child.try_wait().unwrap().is_none();
    drop(lock);
    let run = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert!(still_waiting, "the build did not wait: {stderr}");
    assert!(run.status.success(), "{stderr}");
    assert_eq!(
        stderr,
        format!(
            "Waiting for another pimap build into {} to finish...\n",
            output.display()
        )
    );
    assert!(home_of(&output).contains("Waiting"));
}

#[test]
fn an_output_of_dot_or_dot_dot_is_staged_beside_it() {
    let dir = tempfile::tempdir().unwrap();
    let root = site_titled(dir.path(), "Here");
    let here = dir.path().join("here");
    std::fs::create_dir(&here).unwrap();
    for (output, cwd) in [
        (".", here.clone()),
        ("..", here.join("inner")),
        ("inner/..", here.clone()),
    ] {
        let run = Command::new(env!("CARGO_BIN_EXE_pimap"))
            .args(["build", "--root"])
            .arg(&root)
            .args(["--output", output])
            .current_dir(&cwd)
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&run.stderr);
        assert!(run.status.success(), "--output {output}: {stderr}");
        assert!(home_of(&here).contains("Here"), "--output {output}");
        let names: Vec<String> = std::fs::read_dir(&here)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        assert!(
            !names.iter().any(|n| n.contains("pimap-stage")),
            "--output {output}: the staging folder is inside the output: {names:?}"
        );
        // The first build made the folder pimap's: `inner` went with the old generation.
        std::fs::create_dir_all(here.join("inner")).unwrap();
    }
}

#[test]
fn an_alias_onto_the_output_marker_is_refused() {
    let site = copy_fixture("basic-site");
    let page = site.path().join("content/about/team.md");
    let text = read(&page).replacen("---\n", "---\naliases: [/.pimap-output/]\n", 1);
    std::fs::write(&page, text).unwrap();
    let out = tempfile::tempdir().unwrap();
    let output = out.path().join("public");
    let run = build(site.path(), &output, &[]);
    assert_eq!(run.code, 1, "{}{}", run.stdout, run.stderr);
    assert!(
        run.stderr.starts_with(
            "content/about/team.md:2:11: error: an alias of https://example.org/about/team/ \
             would be written to .pimap-output/index.html, the name of the file that marks the \
             output folder as pimap's\n"
        ),
        "{}",
        run.stderr
    );
    assert!(!output.exists());
}

#[test]
fn output_paths_with_control_characters_are_refused_at_their_source() {
    let site = copy_fixture("basic-site");
    std::fs::write(site.path().join("static/bell\u{7}.txt"), "ding").unwrap();
    let page = site.path().join("content/about/team.md");
    let text = read(&page).replacen("---\n", "---\naliases: [\"/old\\e[31m/\"]\n", 1);
    std::fs::write(&page, text).unwrap();
    let out = tempfile::tempdir().unwrap();
    let run = build(site.path(), &out.path().join("public"), &[]);
    assert_eq!(run.code, 1, "{}{}", run.stdout, run.stderr);
    insta::assert_snapshot!(run.stderr.replace(out.path().to_str().unwrap(), "OUT"));
}
