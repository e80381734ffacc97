//! pimap reads only files inside the site folder: a link whose target lies outside it (in
//! `content/`, a page bundle, `data/`, `static/`, a theme, `templates/`, or a source folder
//! itself) is an error naming the link and where it points, in `build`, `check` and the
//! incremental rebuilds of `serve`; links that stay inside the site keep working.
#![cfg(unix)]

mod common;
use common::*;
use pimap::incremental::Session;
use pimap::{BuildError, BuildOptions};
use std::path::{Path, PathBuf};

const SECRET: &str = "TOP SECRET";

/// The basic fixture copied into `<tmp>/site`, beside `<tmp>/outside`, which holds a secret.
struct LinkedSite {
    dir: tempfile::TempDir,
}

impl LinkedSite {
    fn new() -> LinkedSite {
        let dir = tempfile::tempdir().unwrap();
        copy_dir(&fixture("basic-site"), &dir.path().join("site"));
        let outside = dir.path().join("outside");
        std::fs::create_dir_all(outside.join("folder/css")).unwrap();
        std::fs::write(outside.join("secret.txt"), format!("{SECRET}\n")).unwrap();
        std::fs::write(outside.join("folder/css/x.css"), SECRET).unwrap();
        std::fs::write(
            outside.join("page.md"),
            format!("---\ntitle: Outside\n---\n{SECRET}\n"),
        )
        .unwrap();
        LinkedSite { dir }
    }

    fn root(&self) -> PathBuf {
        self.dir.path().join("site")
    }

    fn outside(&self) -> PathBuf {
        self.dir.path().join("outside")
    }

    /// Makes `link` (relative to the site root) a link to `target`.
    fn link(&self, link: &str, target: impl AsRef<Path>) {
        let path = self.root().join(link);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        if std::fs::symlink_metadata(&path).is_ok_and(|m| m.is_dir()) {
            std::fs::remove_dir_all(&path).unwrap();
        } else if std::fs::symlink_metadata(&path).is_ok() {
            std::fs::remove_file(&path).unwrap();
        }
        std::os::unix::fs::symlink(target, path).unwrap();
    }

    /// `text` with the temporary folders replaced by `OUTSIDE` and `TMP`.
    fn stable(&self, text: &str) -> String {
        text.replace(self.outside().to_str().unwrap(), "OUTSIDE")
            .replace(self.dir.path().to_str().unwrap(), "TMP")
    }

    fn build(&self) -> (Run, PathBuf) {
        let output = self.dir.path().join("public");
        (build(&self.root(), &output, &[]), output)
    }
}

/// Asserts that a build failed with exit code 1, wrote nothing and printed no secret; returns
/// its diagnostics.
fn failed_build(site: &LinkedSite) -> String {
    let (run, output) = site.build();
    assert_eq!(run.code, 1, "{}{}", run.stdout, run.stderr);
    assert!(
        !output.exists(),
        "a failed build wrote {}",
        output.display()
    );
    assert!(!run.stderr.contains(SECRET), "{}", run.stderr);
    site.stable(&run.stderr)
}

#[test]
fn links_out_of_the_site_are_errors_that_name_them_and_nothing_is_read() {
    let site = LinkedSite::new();
    let secret = site.outside().join("secret.txt");
    site.link("static/leak.txt", &secret);
    site.link("static/env.txt", "/proc/self/environ");
    site.link("static/docs", site.outside().join("folder"));
    site.link("content/linked.md", site.outside().join("page.md"));
    site.link("content/notes.txt", &secret);
    site.link("content/news/mou-signed/photo.jpg", &secret);
    site.link("themes/plain/static/css/extra.css", &secret);
    site.link("templates/leak.html", &secret);
    site.link("data/smes/leak.yaml", &secret);
    // A link inside the site that leads to one out of it.
    site.link("static/relay.txt", "leak.txt");
    insta::assert_snapshot!(failed_build(&site));
}

#[test]
fn a_source_folder_linked_out_of_the_site_is_one_error() {
    let site = LinkedSite::new();
    site.link("static", site.outside().join("folder"));
    let theme = site.outside().join("plain");
    std::fs::rename(site.root().join("themes/plain"), &theme).unwrap();
    site.link("themes/plain", &theme);
    insta::assert_snapshot!(failed_build(&site));
}

#[test]
fn a_site_yaml_linked_out_of_the_site_is_refused() {
    let site = LinkedSite::new();
    let config = site.outside().join("site.yaml");
    std::fs::rename(site.root().join("site.yaml"), &config).unwrap();
    site.link("site.yaml", &config);
    let stderr = failed_build(&site);
    assert!(
        stderr.starts_with(
            "site.yaml: error: this is a link to OUTSIDE/site.yaml, outside the site folder; \
             pimap only reads files inside the site\n  \
             = help: copy the file into the site folder instead of linking to it, or delete the \
             link\n"
        ),
        "{stderr}"
    );
}

#[test]
fn links_that_stay_inside_the_site_keep_working() {
    let site = LinkedSite::new();
    let root = site.root();
    std::fs::rename(root.join("static"), root.join("assets")).unwrap();
    site.link("static", "assets");
    std::fs::create_dir_all(root.join("assets/notes")).unwrap();
    std::fs::write(root.join("assets/notes/readme.txt"), "read me").unwrap();
    site.link("static/readme.txt", "notes/readme.txt");
    site.link("content/news/mou-signed/stand-copy.jpg", "stand.jpg");
    site.link("static/more", "notes");
    site.link("static/gone.txt", "nowhere.txt");
    let (run, output) = site.build();
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(
        run.stderr,
        "static/gone.txt: warning: this is a link to nowhere.txt, which does not exist; it is \
         left out\n  = help: point the link at an existing file, or delete it\n\n\
         static/more: warning: this is a link to the folder notes; pimap follows links to files, \
         not to folders inside a source folder, so it is left out\n  \
         = help: link each file instead, or move the folder here\n\n"
    );
    assert!(!output.join("more").exists());
    assert_eq!(read(&output.join("readme.txt")), "read me");
    assert_eq!(read(&output.join("notes/readme.txt")), "read me");
    assert_eq!(
        read(&output.join("css/style.css")),
        "body { color: navy; }\n"
    );
    assert_eq!(
        read(&output.join("news/mou-signed/stand-copy.jpg")),
        "JPEGDATA"
    );
}

#[test]
fn check_refuses_links_out_of_the_site() {
    let site = LinkedSite::new();
    site.link("static/env.txt", "/proc/self/environ");
    let run = pimap(&["check", "--root", site.root().to_str().unwrap()]);
    assert_eq!(run.code, 1, "{}{}", run.stdout, run.stderr);
    assert!(
        run.stderr.starts_with(
            "static/env.txt: error: this is a link to /proc/self/environ, outside the site \
             folder; pimap only reads files inside the site\n"
        ),
        "{}",
        run.stderr
    );
}

/// A live session (what `pimap serve` keeps) over `site`, built once.
fn live_session(site: &LinkedSite) -> Session {
    let options = BuildOptions {
        minify: false,
        cachebust: false,
        ..BuildOptions::new(site.root())
    };
    let mut session = Session::new(options);
    session.rebuild(&[]).expect("the fixture builds");
    session
}

/// Asserts that a rebuild after `changed` failed on the link at `changed`, and that the served
/// files hold no secret.
fn assert_link_refused(session: &mut Session, changed: &str) {
    let error = session.rebuild(&[PathBuf::from(changed)]);
    let Err(BuildError::Site(diagnostics)) = error else {
        panic!("the rebuild after linking {changed} did not fail: {error:?}");
    };
    let first = diagnostics[0].to_string();
    assert!(
        first.starts_with(&format!("{changed}: error: this is a link to ")),
        "{first}"
    );
    for (path, bytes) in session.files() {
        assert!(
            !String::from_utf8_lossy(bytes).contains(SECRET),
            "{path} serves the secret"
        );
    }
}

#[test]
fn a_static_file_replaced_by_a_link_out_of_the_site_is_refused_while_serving() {
    let site = LinkedSite::new();
    std::fs::write(site.root().join("static/notes.txt"), "public notes").unwrap();
    let mut session = live_session(&site);
    site.link("static/notes.txt", site.outside().join("secret.txt"));
    assert_link_refused(&mut session, "static/notes.txt");
}

#[test]
fn a_page_replaced_by_a_link_out_of_the_site_is_refused_while_serving() {
    let site = LinkedSite::new();
    let mut session = live_session(&site);
    // The same front matter, so that only the body seems to change.
    let page = site.root().join("content/news/workshop.md");
    let text = std::fs::read_to_string(&page).unwrap();
    let outside = site.outside().join("workshop.md");
    std::fs::write(&outside, format!("{text}\n{SECRET}\n")).unwrap();
    site.link("content/news/workshop.md", &outside);
    assert_link_refused(&mut session, "content/news/workshop.md");
}
