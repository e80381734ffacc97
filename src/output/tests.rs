//! Tests of the staging folder: what is written, kept, replaced and removed.

use super::*;

#[test]
fn refuses_paths_that_climb_out() {
    let dir = tempfile::tempdir().unwrap();
    let staged = StagedOutput::prepare(&dir.path().join("public")).unwrap();
    let onto_marker = format!("{MARKER}/index.html");
    for bad in [
        "../x",
        "/etc/passwd",
        "a/../../b",
        "",
        "a//b",
        MARKER,
        &onto_marker,
    ] {
        assert!(staged.write(bad, b"x").is_err(), "{bad}");
    }
}

#[test]
fn a_cached_picture_is_linked_and_never_written_through() {
    let dir = tempfile::tempdir().unwrap();
    let entry = dir.path().join("entry.webp");
    std::fs::write(&entry, b"cached").unwrap();
    let staged = StagedOutput::prepare(&dir.path().join("public")).unwrap();
    staged.link_cached("a.webp", &entry).unwrap();
    staged.link_cached("a.webp", &entry).unwrap();
    assert_eq!(staged.unchanged.load(Ordering::Relaxed), 1);
    staged.write("a.webp", b"other bytes").unwrap();
    staged
        .copy("a.webp", &FileOrigin::Embedded(b"more"))
        .unwrap();
    assert_eq!(std::fs::read(&entry).unwrap(), b"cached");
    assert_eq!(std::fs::read(staged.stage.join("a.webp")).unwrap(), b"more");
    // A plain file left by an earlier build (a copy) is replaced by the link, not written
    // over: the next build finds the link in place.
    staged.link_cached("a.webp", &entry).unwrap();
    assert!(is_same_file(&staged.stage.join("a.webp"), &entry));
}

#[test]
fn unchanged_files_are_not_rewritten_and_stale_ones_go() {
    let dir = tempfile::tempdir().unwrap();
    let output = dir.path().join("public");
    for round in 0..3 {
        let staged = StagedOutput::prepare(&output).unwrap();
        staged.write("a/index.html", b"same").unwrap();
        let mut expected: HashSet<String> = ["a/index.html".to_owned()].into();
        if round == 0 {
            staged.write("old.html", b"gone later").unwrap();
            expected.insert("old.html".to_owned());
        }
        let stats = staged.commit(&expected).unwrap();
        match round {
            0 => assert_eq!(
                stats,
                WriteStats {
                    written: 2,
                    unchanged: 0,
                    removed: 0
                }
            ),
            1 => assert_eq!(
                stats,
                WriteStats {
                    written: 1,
                    unchanged: 0,
                    removed: 0
                }
            ),
            _ => assert_eq!(
                stats,
                WriteStats {
                    written: 0,
                    unchanged: 1,
                    removed: 1
                }
            ),
        }
    }
    assert!(!output.join("old.html").exists());
    assert_eq!(std::fs::read(output.join("a/index.html")).unwrap(), b"same");
}

/// Whatever the generation before last left where a file goes is replaced, and a link there
/// is replaced rather than written through.
#[cfg(unix)]
#[test]
fn what_stands_in_the_way_of_a_file_is_replaced() {
    // The staging folder is listed while the build writes: before the writes, after them,
    // or (here, by the thread's own timing) anywhere between.
    for listed in ["before", "after", "meanwhile"] {
        let dir = tempfile::tempdir().unwrap();
        let outside = dir.path().join("outside.txt");
        std::fs::write(&outside, b"keep").unwrap();
        let output = dir.path().join("public");
        let stage = folder::sibling(&output, "stage");
        std::fs::create_dir_all(stage.join("was-a-folder/inner")).unwrap();
        std::fs::create_dir_all(stage.join("old/deep")).unwrap();
        std::fs::write(stage.join("was-a-folder/inner/stale.html"), b"x").unwrap();
        std::fs::write(stage.join("old/deep/stale.html"), b"x").unwrap();
        std::fs::write(stage.join("stale.html"), b"x").unwrap();
        std::fs::write(stage.join(MARKER), MARKER_TEXT).unwrap();
        std::fs::write(stage.join("was-a-file"), b"x").unwrap();
        std::fs::write(stage.join("same.html"), b"keep").unwrap();
        std::os::unix::fs::symlink(&outside, stage.join("was-a-link.html")).unwrap();
        let mut staged = StagedOutput::prepare(&output).unwrap();
        if listed == "before" {
            let listing = staged.listing.take().unwrap().join().unwrap();
            staged.listing = Some(std::thread::spawn(move || listing));
        }
        let expected = [
            "was-a-file/index.html",
            "was-a-folder",
            "was-a-link.html",
            "new/deep/folder/index.html",
            "same.html",
        ];
        for rel in expected {
            staged.write(rel, b"keep").unwrap();
            let meta = std::fs::symlink_metadata(stage.join(rel)).unwrap();
            assert!(meta.is_file(), "{rel}");
            assert_eq!(std::fs::read(stage.join(rel)).unwrap(), b"keep", "{rel}");
        }
        assert_eq!(std::fs::read(&outside).unwrap(), b"keep");
        assert_eq!(staged.written.load(Ordering::Relaxed), 4);
        assert_eq!(staged.unchanged.load(Ordering::Relaxed), 1);
        if listed == "after" {
            let _ = staged.listing.take().unwrap().join();
            let listing = stale::list(&stage);
            staged.listing = Some(std::thread::spawn(move || listing));
        }
        let expected: HashSet<String> = expected.iter().map(|p| p.to_string()).collect();
        let stats = staged.commit(&expected).unwrap();
        assert_eq!(stats.removed, 2, "listed {listed}");
        let mut left = stale::list(&output).unwrap();
        left.sort();
        let folders = ["new", "new/deep", "new/deep/folder", "was-a-file"];
        let mut want: Vec<(PathBuf, bool)> = (expected.iter().map(|p| (p.into(), false)))
            .chain(folders.iter().map(|p| (p.into(), true)))
            .chain([(MARKER.into(), false)])
            .collect();
        want.sort();
        assert_eq!(left, want, "listed {listed}");
        assert_eq!(std::fs::read(&outside).unwrap(), b"keep");
    }
}

/// In a staging folder made for the build, files go into folders made as needed, and a path
/// written twice holds the second bytes.
#[test]
fn a_new_staging_folder_gets_its_folders_as_needed() {
    let dir = tempfile::tempdir().unwrap();
    let staged = StagedOutput::prepare(&dir.path().join("public")).unwrap();
    assert!(staged.new_stage);
    staged.write("a/b/c/index.html", b"first").unwrap();
    staged.write("a/b/c/index.html", b"second").unwrap();
    staged.write("a/b/index.html", b"third").unwrap();
    assert_eq!(
        std::fs::read(staged.stage.join("a/b/c/index.html")).unwrap(),
        b"second"
    );
    assert_eq!(
        std::fs::read(staged.stage.join("a/b/index.html")).unwrap(),
        b"third"
    );
    assert_eq!(staged.written.load(Ordering::Relaxed), 3);
}

#[test]
fn a_folder_pimap_did_not_make_is_left_alone() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("precious.txt"), "keep").unwrap();
    assert!(StagedOutput::prepare(dir.path()).is_err());
}

/// A folder of the generation before last that the build replaces by a file while the staging
/// folder is listed is gone, not an error.
#[test]
fn folders_replaced_by_files_while_the_staging_folder_is_listed() {
    let dir = tempfile::tempdir().unwrap();
    let output = dir.path().join("public");
    let stage = folder::sibling(&output, "stage");
    std::fs::create_dir_all(&stage).unwrap();
    std::fs::write(stage.join(MARKER), MARKER_TEXT).unwrap();
    for i in 0..600 {
        let d = stage.join(format!("d{i}"));
        std::fs::create_dir_all(&d).unwrap();
        for j in 0..3 {
            std::fs::write(d.join(format!("f{j}")), b"x").unwrap();
        }
    }
    // Replaced from the far end of the listing's order, so that some are replaced before
    // the listing reaches them.
    let mut order: Vec<String> = (std::fs::read_dir(&stage).unwrap())
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with('d'))
        .collect();
    order.reverse();
    let staged = StagedOutput::prepare(&output).unwrap();
    for rel in &order {
        staged.write(rel, b"now a file").unwrap();
    }
    let expected: HashSet<String> = order.iter().cloned().collect();
    staged.commit(&expected).unwrap();
    for rel in &order {
        assert!(output.join(rel).is_file(), "{rel}");
    }
}

/// A stale file whose name is not UTF-8 goes, as any other.
#[cfg(target_os = "linux")]
#[test]
fn a_stale_file_whose_name_is_not_utf8_goes() {
    use std::os::unix::ffi::OsStrExt;
    let dir = tempfile::tempdir().unwrap();
    let output = dir.path().join("public");
    let stage = folder::sibling(&output, "stage");
    let odd = std::ffi::OsStr::from_bytes(b"stale\xff.html");
    std::fs::create_dir_all(stage.join(odd)).unwrap();
    std::fs::write(stage.join(MARKER), MARKER_TEXT).unwrap();
    std::fs::write(stage.join(odd).join("inner.html"), b"x").unwrap();
    std::fs::write(stage.join(odd).with_extension("x"), b"x").unwrap();
    let staged = StagedOutput::prepare(&output).unwrap();
    staged.write("index.html", b"home").unwrap();
    let stats = staged.commit(&["index.html".to_string()].into()).unwrap();
    assert_eq!(stats.removed, 2);
    let left: Vec<_> = std::fs::read_dir(&output)
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(left.len(), 2, "{left:?}");
}

/// A link in the staging folder where a folder goes (left by something other than pimap) is
/// replaced by a folder, never written through.
#[cfg(unix)]
#[test]
fn a_link_where_a_folder_goes_is_replaced_not_followed() {
    let dir = tempfile::tempdir().unwrap();
    let elsewhere = dir.path().join("elsewhere");
    std::fs::create_dir_all(elsewhere.join("deep")).unwrap();
    let output = dir.path().join("public");
    let stage = folder::sibling(&output, "stage");
    std::fs::create_dir_all(stage.join("news")).unwrap();
    std::fs::write(stage.join(MARKER), MARKER_TEXT).unwrap();
    std::os::unix::fs::symlink(&elsewhere, stage.join("blog")).unwrap();
    std::os::unix::fs::symlink(elsewhere.join("deep"), stage.join("news/deep")).unwrap();
    let staged = StagedOutput::prepare(&output).unwrap();
    let expected = ["blog/index.html", "news/deep/x/index.html"];
    for rel in expected {
        staged.write(rel, b"page").unwrap();
    }
    staged
        .copy("blog/copied.txt", &FileOrigin::Embedded(b"copy"))
        .unwrap();
    let expected: HashSet<String> = (expected.iter().map(|p| p.to_string()))
        .chain(["blog/copied.txt".to_string()])
        .collect();
    staged.commit(&expected).unwrap();
    let outside: Vec<_> = walkdir::WalkDir::new(&elsewhere)
        .min_depth(1)
        .into_iter()
        .collect();
    assert_eq!(outside.len(), 1, "written outside: {outside:?}");
    for rel in &expected {
        let meta = std::fs::symlink_metadata(output.join(rel)).unwrap();
        assert!(meta.is_file(), "{rel}");
    }
    assert!(
        !std::fs::symlink_metadata(output.join("blog"))
            .unwrap()
            .is_symlink()
    );
}

/// Threads writing files under one folder where a stale file stands: the first clears it, the
/// others find it cleared.
#[test]
fn threads_writing_under_a_folder_where_a_file_stands_clear_it_once() {
    for round in 0..200 {
        let dir = tempfile::tempdir().unwrap();
        let output = dir.path().join("public");
        let stage = folder::sibling(&output, "stage");
        std::fs::create_dir_all(&stage).unwrap();
        std::fs::write(stage.join(MARKER), MARKER_TEXT).unwrap();
        std::fs::write(
            stage.join("downloads"),
            b"a file of the generation before last",
        )
        .unwrap();
        let staged = StagedOutput::prepare(&output).unwrap();
        let start = std::sync::Barrier::new(4);
        std::thread::scope(|scope| {
            for thread in 0..4 {
                let (staged, start) = (&staged, &start);
                scope.spawn(move || {
                    start.wait();
                    let rel = format!("downloads/deep/{thread}.pdf");
                    staged
                        .write(&rel, b"pdf")
                        .unwrap_or_else(|e| panic!("round {round}: {e:?}"));
                });
            }
        });
        let expected: HashSet<String> = (0..4).map(|t| format!("downloads/deep/{t}.pdf")).collect();
        staged.commit(&expected).unwrap();
        for rel in &expected {
            assert!(output.join(rel).is_file(), "round {round}: {rel}");
        }
    }
}
