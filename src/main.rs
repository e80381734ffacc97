//! The `pimap` command line: parse arguments, call the library, print diagnostics, set the exit
//! code (0 success, 1 the site has errors, 2 a usage error). The build's day comes from
//! `PIMAP_TODAY` (`YYYY-MM-DD`) when it is set, else from the clock.

use clap::{Args, Parser, Subcommand};
use pimap::source::publication::{Day, TODAY_VARIABLE};
use pimap::{BuildError, BuildOptions};
use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

/// mimalloc rather than the system allocator: rendering and minifying allocate and free small
/// blocks from every thread at once, where glibc's allocator cost a sixth of a build's time.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[derive(Parser)]
#[command(
    name = "pimap",
    version,
    about = "Static-site generator for the PIMAP Partnership website"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

/// What `build` and `watch` read and where they write.
#[derive(Args)]
struct SiteArgs {
    /// The site root: the folder that holds site.yaml.
    #[arg(long, default_value = ".")]
    root: PathBuf,
    /// Where to write the site. Default: ROOT/public.
    #[arg(long)]
    output: Option<PathBuf>,
    /// Publish for another address than site.yaml's base_url (e.g. https://example.org/sub/).
    #[arg(long)]
    base_url: Option<String>,
    /// Also build drafts and pages outside their publish_date/expiry_date, with a ribbon.
    #[arg(long)]
    drafts: bool,
}

impl SiteArgs {
    fn options(self, today: Day, minify: bool, precompress: bool) -> BuildOptions {
        BuildOptions {
            output: self.output,
            base_url: self.base_url,
            drafts: self.drafts,
            today,
            minify,
            precompress,
            ..BuildOptions::new(self.root)
        }
    }
}

#[derive(Subcommand)]
enum Command {
    /// Build the site into the output folder (default: public/).
    Build {
        #[command(flatten)]
        site: SiteArgs,
        /// Write HTML as rendered, without minifying it.
        #[arg(long)]
        no_minify: bool,
        /// Also write gzip (.gz) and brotli (.br) files next to every text file.
        #[arg(long)]
        precompress: bool,
        /// Print nothing but errors.
        #[arg(long)]
        quiet: bool,
    },
    /// Build the site into memory, serve it, and rebuild and reload open pages on every change.
    Serve {
        /// The site root: the folder that holds site.yaml.
        #[arg(long, default_value = ".")]
        root: PathBuf,
        /// The port to listen on; the next free one is used if it is taken.
        #[arg(long, default_value_t = 1111)]
        port: u16,
        /// The address to listen on.
        #[arg(long, default_value = "127.0.0.1")]
        bind: std::net::IpAddr,
        /// Open the site in a browser.
        #[arg(long)]
        open: bool,
        /// Leave out drafts and pages outside their publish_date/expiry_date, as a build does
        /// (the preview shows them with a ribbon by default).
        #[arg(long)]
        no_drafts: bool,
        /// Also answer requests for this host name (repeatable); only this computer's own
        /// names (localhost, *.localhost, IP addresses) are answered otherwise.
        #[arg(
            long = "allowed-host",
            value_name = "NAME",
            value_parser = pimap::serve::hosts::parse_allowed_host
        )]
        allowed_hosts: Vec<String>,
    },
    /// Build the site in memory and check every internal link, anchor, image and asset of its
    /// output. Exit code 1 when a problem is found.
    Check {
        /// The site root: the folder that holds site.yaml.
        #[arg(long, default_value = ".")]
        root: PathBuf,
        /// Check the site as published at another address.
        #[arg(long)]
        base_url: Option<String>,
        /// Also check drafts and pages outside their publish_date/expiry_date.
        #[arg(long)]
        drafts: bool,
        /// Also fetch every link to another site (needs the network).
        #[arg(long)]
        external: bool,
        /// Instead, list for each further language what is not translated yet or is older than
        /// its original.
        #[arg(long, conflicts_with = "external")]
        translations: bool,
    },
    /// Rebuild the output folder on every change, for use with another web server.
    Watch {
        #[command(flatten)]
        site: SiteArgs,
    },
    /// Write the JSON Schemas of front matter and data into ROOT/schemas/, for editors that
    /// check YAML while you type.
    Schema {
        /// The site root: the folder that holds site.yaml.
        #[arg(long, default_value = ".")]
        root: PathBuf,
    },
    /// Create a new file with every field present and explained: sme, partner, mission,
    /// practice, page or news; or `translation PATH --lang CODE` to start translating a page or
    /// a data file, with the original's text beside it in comments.
    New {
        /// What to create.
        #[arg(value_parser = ["sme", "partner", "mission", "practice", "page", "news", "translation"])]
        kind: String,
        /// Its name or title; the file name is made from it. For a translation: the original's
        /// path (`about.md`, `content/news/x.md`, `data/smes/x.yaml`).
        name: String,
        /// The language of a translation: a code listed under `languages:` in site.yaml.
        #[arg(long, required_if_eq("kind", "translation"))]
        lang: Option<String>,
        /// The site root: the folder that holds site.yaml.
        #[arg(long, default_value = ".")]
        root: PathBuf,
    },
}

/// The stack of each worker thread. Rendering recurses within bounds pimap checks (nesting of
/// content, include chains, Tera's own limits on components); in a debug build Tera's frames
/// alone outgrow the default 2 MiB within those bounds. Stack a thread never touches costs no
/// memory.
const WORKER_STACK: usize = 16 * 1024 * 1024;

fn main() -> ExitCode {
    // Fails only when the pool exists already, which it cannot before this line.
    let _ = rayon::ThreadPoolBuilder::new()
        .stack_size(WORKER_STACK)
        .build_global();
    let cli = Cli::parse();
    let variable = std::env::var(TODAY_VARIABLE).ok();
    let today = match Day::today(variable.as_deref()) {
        Ok(today) => today,
        Err(message) => {
            eprintln!("error: {message}");
            return ExitCode::from(2);
        }
    };
    match cli.command {
        Command::Build {
            site,
            no_minify,
            precompress,
            quiet,
        } => build(&site.options(today, !no_minify, precompress), quiet),
        Command::Serve {
            root,
            port,
            bind,
            open,
            no_drafts,
            allowed_hosts,
        } => {
            let options = pimap::serve::ServeOptions {
                root,
                port,
                bind,
                open,
                drafts: !no_drafts,
                today,
                allowed_hosts,
            };
            report(pimap::serve::serve(&options))
        }
        Command::Watch { site } => report(pimap::serve::watch(&site.options(today, true, false))),
        Command::Check {
            root,
            base_url,
            drafts,
            external,
            translations,
        } => {
            if translations {
                return translation_status(&root);
            }
            let options = BuildOptions {
                base_url,
                drafts,
                today,
                ..BuildOptions::new(root)
            };
            check(&options, external)
        }
        Command::New {
            kind,
            name,
            root,
            lang: Some(code),
        } if kind == "translation" => new_translation(&root, &name, &code),
        Command::Schema { root } => {
            if !root.is_dir() {
                eprintln!("error: {} is not a folder", root.display());
                return ExitCode::from(2);
            }
            match pimap::schema::write(&root) {
                Ok(written) => {
                    let dir = root.join(pimap::schema::SCHEMA_DIR);
                    println!(
                        "Wrote {} of {} schemas into {}",
                        written.len(),
                        pimap::schema::schemas().len(),
                        dir.display()
                    );
                    ExitCode::SUCCESS
                }
                Err(message) => {
                    eprintln!("error: {message}");
                    ExitCode::from(1)
                }
            }
        }
        Command::New {
            kind, name, root, ..
        } => {
            let Some(kind) = pimap::scaffold::ScaffoldKind::parse(&kind) else {
                eprintln!("error: cannot create a `{kind}`");
                return ExitCode::from(2);
            };
            match pimap::scaffold::create(&root, kind, &name, today) {
                Ok(path) => {
                    println!("Created {}", path.display());
                    ExitCode::SUCCESS
                }
                Err(message) => {
                    eprintln!("error: {message}");
                    ExitCode::from(1)
                }
            }
        }
    }
}

fn translation_status(root: &std::path::Path) -> ExitCode {
    match pimap::translations::status(root) {
        Ok(statuses) => {
            print!("{}", pimap::translations::report(&statuses));
            ExitCode::SUCCESS
        }
        Err(diagnostics) => {
            for diagnostic in &diagnostics {
                eprintln!("{diagnostic}\n");
            }
            ExitCode::from(1)
        }
    }
}

fn new_translation(root: &std::path::Path, original: &str, code: &str) -> ExitCode {
    let written = pimap::translations::start(root, original, code)
        .and_then(|(rel, text)| pimap::scaffold::write_new(root, &rel, &text).map(|()| rel));
    match written {
        Ok(rel) => {
            println!("Created {}", rel.display());
            ExitCode::SUCCESS
        }
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::from(1)
        }
    }
}

fn check(options: &BuildOptions, external: bool) -> ExitCode {
    match pimap::check::check(options, external) {
        Ok(report) => {
            for problem in &report.problems {
                eprintln!("{problem}\n");
            }
            println!(
                "Checked {} pages: {} internal links, {} problems; {} links to other sites {}",
                report.pages,
                report.links,
                report.problems.len(),
                report.external,
                if external { "fetched" } else { "not fetched" }
            );
            if report.problems.is_empty() {
                ExitCode::SUCCESS
            } else {
                ExitCode::from(1)
            }
        }
        Err(BuildError::Site(diagnostics)) => {
            for diagnostic in &diagnostics {
                eprintln!("{diagnostic}\n");
            }
            ExitCode::from(1)
        }
        Err(BuildError::Usage(message)) => {
            eprintln!("error: {message}");
            ExitCode::from(2)
        }
    }
}

fn report(result: Result<(), String>) -> ExitCode {
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::from(2)
        }
    }
}

fn build(options: &BuildOptions, quiet: bool) -> ExitCode {
    let mut stderr = std::io::stderr().lock();
    match pimap::build(options, |waiting| eprintln!("{waiting}")) {
        Ok(summary) => {
            if !quiet {
                for warning in &summary.warnings {
                    let _ = writeln!(stderr, "{warning}\n");
                }
                println!(
                    "Built {} pages ({} files: {} written, {} unchanged, {} removed) into {} in {} ms",
                    summary.pages,
                    summary.files,
                    summary.stats.written,
                    summary.stats.unchanged,
                    summary.stats.removed,
                    options.output_dir().display(),
                    summary.elapsed.as_millis()
                );
                if let Some(schedule) = summary.schedule.summary() {
                    println!("{schedule}");
                }
                let pictures = summary.pictures;
                if pictures.encoded + pictures.reused > 0 {
                    println!(
                        "Pictures: {} read, {} decoded, {} sizes made, {} taken from the cache",
                        pictures.read, pictures.decoded, pictures.encoded, pictures.reused
                    );
                }
            }
            ExitCode::SUCCESS
        }
        Err(BuildError::Site(diagnostics)) => {
            for diagnostic in &diagnostics {
                let _ = writeln!(stderr, "{diagnostic}\n");
            }
            let errors = diagnostics.iter().filter(|d| d.is_error()).count();
            let _ = writeln!(
                stderr,
                "error: the build failed with {errors} error{}; {} was left as it was",
                if errors == 1 { "" } else { "s" },
                options.output_dir().display()
            );
            ExitCode::from(1)
        }
        Err(BuildError::Usage(message)) => {
            let _ = writeln!(stderr, "error: {message}");
            ExitCode::from(2)
        }
    }
}
