//! The `pimap` command line: parse arguments, call the library, print diagnostics, set the exit
//! code (0 success, 1 the site has errors, 2 a usage error).

use clap::{Args, Parser, Subcommand};
use pimap::{BuildError, BuildOptions};
use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

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
    /// Include pages and sections marked `draft: true`.
    #[arg(long)]
    drafts: bool,
}

impl SiteArgs {
    fn options(self, minify: bool, precompress: bool) -> BuildOptions {
        BuildOptions {
            output: self.output,
            base_url: self.base_url,
            drafts: self.drafts,
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
        /// Include pages and sections marked `draft: true`.
        #[arg(long)]
        drafts: bool,
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
        /// Include pages and sections marked `draft: true`.
        #[arg(long)]
        drafts: bool,
        /// Also fetch every link to another site (needs the network).
        #[arg(long)]
        external: bool,
    },
    /// Rebuild the output folder on every change, for use with another web server.
    Watch {
        #[command(flatten)]
        site: SiteArgs,
    },
    /// Create a new file with every field present and explained: sme, partner, mission,
    /// practice, page or news.
    New {
        /// What to create.
        #[arg(value_parser = ["sme", "partner", "mission", "practice", "page", "news"])]
        kind: String,
        /// Its name or title; the file name is made from it.
        name: String,
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
    match cli.command {
        Command::Build {
            site,
            no_minify,
            precompress,
            quiet,
        } => build(&site.options(!no_minify, precompress), quiet),
        Command::Serve {
            root,
            port,
            bind,
            open,
            drafts,
            allowed_hosts,
        } => {
            let options = pimap::serve::ServeOptions {
                root,
                port,
                bind,
                open,
                drafts,
                allowed_hosts,
            };
            report(pimap::serve::serve(&options))
        }
        Command::Watch { site } => report(pimap::serve::watch(&site.options(true, false))),
        Command::Check {
            root,
            base_url,
            drafts,
            external,
        } => {
            let options = BuildOptions {
                base_url,
                drafts,
                ..BuildOptions::new(root)
            };
            check(&options, external)
        }
        Command::New { kind, name, root } => {
            let Some(kind) = pimap::scaffold::ScaffoldKind::parse(&kind) else {
                eprintln!("error: cannot create a `{kind}`");
                return ExitCode::from(2);
            };
            match pimap::scaffold::create(&root, kind, &name) {
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
                let pictures = summary.pictures;
                if pictures.encoded + pictures.reused > 0 {
                    println!(
                        "Pictures: {} decoded, {} sizes made, {} taken from the cache",
                        pictures.decoded, pictures.encoded, pictures.reused
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
