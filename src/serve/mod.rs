//! Live editing: `pimap serve` (build in memory, serve, reload open pages) and `pimap watch`
//! (rebuild the output folder on every change).
//!
//! Both run the same pipeline as `pimap build` (`crate::generate`) on every batch of changes
//! from [`watch::SourceWatcher`]. `serve` keeps the last good build in memory and serves it with
//! [`server`] (over [`http`], checking [`hosts`]), telling open pages what changed over
//! [`events`]; when a build fails it keeps serving that build and shows the diagnostics in every
//! open page until a build succeeds. Nothing it does writes to disk. Neither command stops on a
//! broken site, and a panic in a rebuild is reported as an error instead of ending the process.

pub mod events;
pub mod hosts;
pub mod http;
pub mod server;
pub mod watch;
pub mod withheld;

use crate::incremental::Session;
use crate::{BuildError, BuildOptions};
use events::Event;
use server::{ServedSite, Shared};
use std::net::{IpAddr, TcpListener};
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Instant;

/// What `pimap serve` was asked to do.
#[derive(Debug, Clone)]
pub struct ServeOptions {
    pub root: PathBuf,
    pub port: u16,
    pub bind: IpAddr,
    pub open: bool,
    /// Show drafts and pages outside their publication window, with a ribbon (off with
    /// `--no-drafts`).
    pub drafts: bool,
    /// The build's day, for `publish_date` and `expiry_date`.
    pub today: crate::source::publication::Day,
    /// Names besides this computer's own that requests may carry in `Host` (`--allowed-host`).
    pub allowed_hosts: Vec<String>,
}

/// The result of one rebuild, for the terminal and the open pages.
enum Rebuilt {
    /// The outputs whose bytes changed, appeared or disappeared.
    Changed {
        outputs: Vec<String>,
        was_broken: bool,
    },
    Failed(String),
}

fn format_diagnostics(error: &BuildError) -> String {
    match error {
        BuildError::Site(diagnostics) => {
            let errors = diagnostics.iter().filter(|d| d.is_error()).count();
            let mut text: Vec<String> = diagnostics.iter().map(ToString::to_string).collect();
            text.push(format!(
                "{errors} error{}",
                if errors == 1 { "" } else { "s" }
            ));
            text.join("\n\n")
        }
        BuildError::Usage(message) => format!("error: {message}"),
    }
}

/// Rebuilds (incrementally when it can) and puts the result in `shared`, keeping the last good
/// build on failure.
fn rebuild(session: &mut Session, changed: &[PathBuf], shared: &Shared) -> Rebuilt {
    let started = Instant::now();
    let previous = shared.current();
    // The edited page is served as soon as it is rendered, before the lists that show it, and
    // the pages that show it reload at once.
    let mut publish = |ahead: &crate::incremental::Files| shared.publish_ahead(ahead);
    let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        session.rebuild_publishing(changed, &mut publish)
    }))
    .unwrap_or_else(|_| {
        Err(BuildError::Usage(
            "pimap crashed while building; this is a bug, please report it".to_owned(),
        ))
    });
    match result {
        Ok(rebuild) => {
            for warning in &rebuild.warnings {
                eprintln!("{warning}\n");
            }
            let changed = rebuild.changed.len();
            let files_word = if changed == 1 { "file" } else { "files" };
            println!(
                "Built in {} ms: {}, {changed} {files_word} changed",
                started.elapsed().as_millis(),
                describe(&rebuild)
            );
            shared.serve(ServedSite {
                files: session.files().clone(),
                withheld: withheld::WithheldPages::new(session.withheld()),
                ..ServedSite::default()
            });
            Rebuilt::Changed {
                outputs: rebuild.changed,
                was_broken: previous.errors.is_some(),
            }
        }
        Err(error) => {
            let text = format_diagnostics(&error);
            eprintln!("{text}\n");
            eprintln!("Still serving the last good build.");
            if let Ok(mut site) = shared.site.write() {
                *site = Arc::new(ServedSite {
                    files: previous.files.clone(),
                    withheld: previous.withheld.clone(),
                    errors: Some(text.clone()),
                });
            }
            Rebuilt::Failed(text)
        }
    }
}

/// What a rebuild did and why, for the terminal: the outputs rendered again with their reasons
/// (the first few), or why the full build was needed.
fn describe(rebuild: &crate::incremental::Rebuild) -> String {
    const SHOWN: usize = 5;
    if !rebuild.incremental {
        let why = rebuild
            .fallback
            .as_ref()
            .map(|reason| format!(" because {reason}"))
            .unwrap_or_default();
        return format!("full build{why}, {} pages", rebuild.pages);
    }
    let mut reasons = rebuild.reasons[..rebuild.reasons.len().min(SHOWN)].join(", ");
    if rebuild.reasons.len() > SHOWN {
        reasons.push_str(&format!(" and {} more", rebuild.reasons.len() - SHOWN));
    }
    let colon = if reasons.is_empty() { "" } else { ": " };
    format!(
        "re-rendered {} of {} outputs{colon}{reasons}",
        rebuild.rendered, rebuild.outputs
    )
}

/// Binds the first free port from `port` on.
fn bind(address: IpAddr, port: u16) -> Result<(TcpListener, u16), String> {
    let mut last_error = String::new();
    for candidate in port..=port.saturating_add(19) {
        match TcpListener::bind((address, candidate)) {
            // Port 0 asks the system for a free port: use the one it gave.
            Ok(listener) => {
                let bound = listener.local_addr().map_or(candidate, |a| a.port());
                return Ok((listener, bound));
            }
            Err(e) => last_error = e.to_string(),
        }
    }
    Err(format!(
        "cannot listen on {address} ports {port} to {}: {last_error}",
        port.saturating_add(19)
    ))
}

/// Runs `pimap serve` until the process is stopped.
pub fn serve(options: &ServeOptions) -> Result<(), String> {
    if !options.root.is_dir() {
        return Err(format!("{} is not a folder", options.root.display()));
    }
    let (listener, port) = bind(options.bind, options.port)?;
    let host = if options.bind.is_unspecified() {
        "127.0.0.1".to_owned()
    } else {
        options.bind.to_string()
    };
    let host = if host.contains(':') {
        format!("[{host}]")
    } else {
        host
    };
    let address = format!("http://{host}:{port}/");
    let build_options = BuildOptions {
        base_url: Some(address.clone()),
        drafts: options.drafts,
        today: options.today,
        minify: false,
        cachebust: false,
        ..BuildOptions::new(options.root.clone())
    };
    let shared = Arc::new(Shared::default());
    let mut watcher = watch::SourceWatcher::new(&options.root)?;
    let mut session = Session::new(build_options);
    rebuild(&mut session, &[], &shared);
    let serving = Arc::clone(&shared);
    let hosts = hosts::AllowedHosts::new(&options.allowed_hosts);
    std::thread::spawn(move || server::run(listener, serving, hosts));
    println!(
        "Serving {} at {address} (Ctrl+C to stop)",
        options.root.display()
    );
    if options.open {
        let _ = std::process::Command::new("xdg-open").arg(&address).spawn();
    }
    while let Some(changed) = watcher.next_batch() {
        if changed.is_empty() {
            continue;
        }
        match rebuild(&mut session, &changed, &shared) {
            Rebuilt::Failed(text) => shared.broadcast(&Event::Errors(text)),
            Rebuilt::Changed {
                outputs,
                was_broken,
            } => {
                if was_broken {
                    shared.broadcast(&Event::Fixed);
                }
                if !outputs.is_empty() {
                    match watch::reload_kind(&changed) {
                        watch::ReloadKind::Css => shared.broadcast(&Event::Css),
                        watch::ReloadKind::Page => shared.reload_changed(&outputs),
                    }
                }
            }
        }
    }
    Err("the file watcher stopped".to_owned())
}

/// Runs `pimap watch`: rebuilds the output folder on every change, until the process is stopped.
pub fn watch(options: &BuildOptions) -> Result<(), String> {
    if !options.root.is_dir() {
        return Err(format!("{} is not a folder", options.root.display()));
    }
    let mut watcher = watch::SourceWatcher::new(&options.root)?;
    let build_once = || {
        let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            crate::build(options, |waiting| eprintln!("{waiting}"))
        }))
        .unwrap_or_else(|_| {
            Err(BuildError::Usage(
                "pimap crashed while building; this is a bug, please report it".to_owned(),
            ))
        });
        match result {
            Ok(summary) => {
                for warning in &summary.warnings {
                    eprintln!("{warning}\n");
                }
                println!(
                    "Built {} pages ({} written, {} unchanged, {} removed) in {} ms",
                    summary.pages,
                    summary.stats.written,
                    summary.stats.unchanged,
                    summary.stats.removed,
                    summary.elapsed.as_millis()
                );
                if let Some(schedule) = summary.schedule.summary() {
                    println!("{schedule}");
                }
            }
            Err(error) => eprintln!(
                "{}\n\n{} was left as it was.",
                format_diagnostics(&error),
                options.output_dir().display()
            ),
        }
    };
    build_once();
    println!("Watching {} (Ctrl+C to stop)", options.root.display());
    while let Some(changed) = watcher.next_batch() {
        if !changed.is_empty() {
            build_once();
        }
    }
    Err("the file watcher stopped".to_owned())
}
