//! The floor of a Markdown site build, timed by `scripts/bench --floor`.
//!
//! `pimap-bench-floor CONTENT OUT` reads every `.md` file under CONTENT, drops
//! its front matter (between the first two `---` lines, keeping the `title:`),
//! renders the Markdown with pulldown-cmark (the extensions pimap turns on),
//! wraps it in one fixed HTML string and writes `OUT/<dir>/<stem>/index.html`
//! (`_index.md` gives `OUT/<dir>/index.html`), on as many threads as there are
//! cores. No templates, links, taxonomies, lists, minifying or atomic swap:
//! whatever a site generator does beyond this is its own cost.

use pulldown_cmark::{Options, Parser, html};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::{env, fs, process, thread};

fn main() {
    let args: Vec<String> = env::args().skip(1).collect();
    let [content, out] = args.as_slice() else {
        eprintln!("usage: pimap-bench-floor CONTENT_DIR OUTPUT_DIR");
        process::exit(2);
    };
    let (content, out) = (PathBuf::from(content), PathBuf::from(out));
    let mut pages = Vec::new();
    if let Err(e) = list_markdown(&content, &mut pages) {
        eprintln!("error: cannot list {}: {e}", content.display());
        process::exit(1);
    }
    pages.sort();
    match build(&content, &out, &pages) {
        Ok(written) => println!("wrote {written} pages"),
        Err(message) => {
            eprintln!("error: {message}");
            process::exit(1);
        }
    }
}

/// Every `.md` file under `dir`, recursively.
fn list_markdown(dir: &Path, found: &mut Vec<PathBuf>) -> std::io::Result<()> {
    for entry in fs::read_dir(dir)? {
        let path = entry?.path();
        if path.is_dir() {
            list_markdown(&path, found)?;
        } else if path.extension().is_some_and(|e| e == "md") {
            found.push(path);
        }
    }
    Ok(())
}

/// Renders all `pages` on one thread per core; the first error wins.
fn build(content: &Path, out: &Path, pages: &[PathBuf]) -> Result<usize, String> {
    let next = AtomicUsize::new(0);
    let threads = thread::available_parallelism().map_or(1, |n| n.get());
    thread::scope(|scope| {
        let workers: Vec<_> = (0..threads)
            .map(|_| {
                scope.spawn(|| -> Result<(), String> {
                    let mut html = String::new();
                    loop {
                        let i = next.fetch_add(1, Ordering::Relaxed);
                        let Some(page) = pages.get(i) else {
                            return Ok(());
                        };
                        write_page(content, out, page, &mut html)?;
                    }
                })
            })
            .collect();
        workers.into_iter().try_for_each(|w| {
            w.join()
                .unwrap_or_else(|_| Err("a worker thread panicked".into()))
        })
    })?;
    Ok(pages.len())
}

fn write_page(content: &Path, out: &Path, page: &Path, html: &mut String) -> Result<(), String> {
    let text = fs::read_to_string(page).map_err(|e| format!("{}: {e}", page.display()))?;
    let (title, body) = split_front_matter(&text);
    html.clear();
    html.push_str("<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>");
    html.push_str(title);
    html.push_str("</title></head><body><nav><a href=\"/\">Home</a></nav><main><h1>");
    html.push_str(title);
    html.push_str("</h1>");
    html::push_html(html, Parser::new_ext(body, markdown_options()));
    html.push_str("</main></body></html>\n");
    let target = output_path(content, out, page);
    if let Some(dir) = target.parent() {
        fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    }
    fs::write(&target, html.as_bytes()).map_err(|e| format!("{}: {e}", target.display()))
}

/// The title (unquoted) and the Markdown after the front matter.
fn split_front_matter(text: &str) -> (&str, &str) {
    let Some(rest) = text.strip_prefix("---\n") else {
        return ("", text);
    };
    let Some(end) = rest.find("\n---\n") else {
        return ("", text);
    };
    let title = rest[..end]
        .lines()
        .find_map(|l| l.strip_prefix("title:"))
        .map_or("", |t| t.trim().trim_matches('"'));
    (title, &rest[end + 5..])
}

fn markdown_options() -> Options {
    Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_SMART_PUNCTUATION
        | Options::ENABLE_HEADING_ATTRIBUTES
}

/// `content/a/b.md` -> `out/a/b/index.html`; `content/a/_index.md` -> `out/a/index.html`.
fn output_path(content: &Path, out: &Path, page: &Path) -> PathBuf {
    let rel = page.strip_prefix(content).unwrap_or(page);
    let mut target = out.join(rel.parent().unwrap_or(Path::new("")));
    if let Some(stem) = rel.file_stem().filter(|s| *s != "_index") {
        target.push(stem);
    }
    target.join("index.html")
}
