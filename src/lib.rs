//! pimap: the static-site generator of the PIMAP Partnership.
//!
//! One pipeline, one direction: [`source`] reads and parses every file, [`site`] resolves URLs,
//! sections, taxonomies and links, [`plan`] lists every file the build writes once the templates
//! are known (and checks that no two claim one path), [`render`] applies the templates to that
//! list, [`output`] writes the result atomically. [`build`] runs them in order (`planning` plans
//! every language before one is rendered); every problem found along the way is returned as a
//! [`Diagnostic`]. The library never prints: the `pimap` binary decides what to show.

#![allow(
    clippy::result_large_err,
    reason = "Diagnostic is the error of every fallible step; errors are rare and end the step, so their size costs nothing"
)]

pub mod charts;
pub mod check;
pub mod config;
pub mod diagnostics;
pub mod html_nesting;
pub mod incremental;
pub mod markdown;
pub mod output;
pub mod pictures;
pub mod plan;
mod planning;
use planning::{check_own_texts, plan_languages};
pub mod render;
pub mod scaffold;
pub mod schema;
pub mod serve;
pub mod shortcode;
pub mod site;
pub mod source;
pub mod translations;

pub use diagnostics::{Diagnostic, Severity};

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// What `pimap build` was asked to do.
#[derive(Debug, Clone)]
pub struct BuildOptions {
    /// The site root: the folder that holds `site.yaml`.
    pub root: PathBuf,
    /// Where the site is written. Default: `<root>/public`.
    pub output: Option<PathBuf>,
    /// Replaces `base_url` from `site.yaml`.
    pub base_url: Option<String>,
    /// A preview: also include what this build's day does not publish (pages and sections marked
    /// `draft: true`, pages and entities outside their `publish_date`/`expiry_date`), each with
    /// a ribbon saying why.
    pub drafts: bool,
    /// The build's day, against which `publish_date` and `expiry_date` are compared.
    pub today: source::publication::Day,
    /// Minify HTML output.
    pub minify: bool,
    /// Add a hash of their bytes to static file URLs from `get_url` (`?h=`). `pimap serve` turns it
    /// off: it serves nothing from cache, and a stylesheet edit then changes no page.
    pub cachebust: bool,
    /// Also write `.gz` and `.br` files next to every text output (`--precompress`).
    pub precompress: bool,
    /// Where processed pictures are kept between builds (`<root>/.pimap-cache` by default);
    /// `None` keeps none.
    pub cache_dir: Option<PathBuf>,
}

impl BuildOptions {
    pub fn new(root: impl Into<PathBuf>) -> BuildOptions {
        let root: PathBuf = root.into();
        BuildOptions {
            cache_dir: Some(root.join(".pimap-cache")),
            root,
            output: None,
            base_url: None,
            drafts: false,
            today: source::publication::Day::today_by_clock(),
            minify: true,
            cachebust: true,
            precompress: false,
        }
    }

    pub fn output_dir(&self) -> PathBuf {
        self.output
            .clone()
            .unwrap_or_else(|| self.root.join("public"))
    }
}

/// What a successful build did.
#[derive(Debug, Clone)]
pub struct BuildSummary {
    /// HTML pages rendered (pages, sections, taxonomy pages, the 404 page, redirects).
    pub pages: usize,
    /// Files in the output.
    pub files: usize,
    pub stats: output::WriteStats,
    /// Pictures decoded and encoded, and sizes taken from the cache.
    pub pictures: pictures::cache::PictureStats,
    pub warnings: Vec<Diagnostic>,
    pub elapsed: Duration,
    /// What changes on a later day: when to build again.
    pub schedule: source::publication::Schedule,
}

/// Why a build did not produce a site.
#[derive(Debug)]
pub enum BuildError {
    /// The site has problems: every one found, sorted by place.
    Site(Vec<Diagnostic>),
    /// The options make no sense (for example, an output folder that holds the sources).
    Usage(String),
}

/// Checks that writing to `output` (resolved by [`output::folder::resolve`]) cannot destroy
/// the sources.
fn check_output_location(root: &Path, output: &Path) -> Result<(), BuildError> {
    let root = root.canonicalize().map_err(|e| {
        BuildError::Usage(format!(
            "cannot read the site folder {}: {e}",
            root.display()
        ))
    })?;
    if root.starts_with(output) {
        return Err(BuildError::Usage(format!(
            "the output folder {} holds the site itself; choose another --output",
            output.display()
        )));
    }
    for source in ["content", "static", "templates", "themes", "data"] {
        // A source folder may be a link inside the site (`static -> assets`): compare where it
        // leads as well as its own name.
        let folder = root.join(source);
        let real = folder.canonicalize().unwrap_or_else(|_| folder.clone());
        if output.starts_with(&folder) || output.starts_with(&real) {
            return Err(BuildError::Usage(format!(
                "the output folder {} is inside the site's {source}/ folder; choose another --output",
                output.display()
            )));
        }
    }
    Ok(())
}

/// Where generated files go: the staging folder of a build, or memory for `pimap serve`.
pub trait OutputSink: Sync {
    /// Stores a rendered file.
    fn write(&self, rel: &str, bytes: &[u8]) -> Result<(), Diagnostic>;
    /// Stores a file copied from the sources.
    fn copy(&self, rel: &str, origin: &source::FileOrigin) -> Result<(), Diagnostic>;
    /// Stores the picture cache's file `entry`, which is never changed in place: by default its
    /// bytes; a sink on disk may link to it.
    fn link_cached(&self, rel: &str, entry: &Path) -> Result<(), Diagnostic> {
        let bytes = std::fs::read(entry).map_err(|e| {
            Diagnostic::file_error(entry, format!("cannot read the picture cache: {e}"))
        })?;
        self.write(rel, &bytes)
    }
}

impl OutputSink for output::StagedOutput {
    fn write(&self, rel: &str, bytes: &[u8]) -> Result<(), Diagnostic> {
        output::StagedOutput::write(self, rel, bytes)
    }
    fn copy(&self, rel: &str, origin: &source::FileOrigin) -> Result<(), Diagnostic> {
        output::StagedOutput::copy(self, rel, origin)
    }
    fn link_cached(&self, rel: &str, entry: &Path) -> Result<(), Diagnostic> {
        output::StagedOutput::link_cached(self, rel, entry)
    }
}

/// What [`generate`] produced.
#[derive(Debug, Clone)]
pub struct Generated {
    /// Every output path, sorted.
    pub paths: Vec<String>,
    /// HTML pages among them.
    pub pages: usize,
    pub pictures: pictures::cache::PictureStats,
    pub warnings: Vec<Diagnostic>,
    /// What changes on a later day.
    pub schedule: source::publication::Schedule,
}

/// A site read, resolved and bound to its templates, ready to render: what `pimap serve` keeps
/// between rebuilds. A site in several languages is one `Prepared` per language: the default
/// language's, holding the others in `further`.
pub struct Prepared {
    pub site: site::Site,
    pub templates: render::Templates,
    pub values: std::sync::Arc<render::SiteValues>,
    /// Every file the build writes.
    pub plan: plan::OutputPlan,
    pub warnings: Vec<Diagnostic>,
    /// The site in each further language (`languages:` in site.yaml), in order.
    pub further: Vec<Prepared>,
    /// The picture cache folder (see [`BuildOptions::cache_dir`]).
    pub cache_dir: Option<PathBuf>,
    /// What this build learnt about its source pictures, saved after it succeeds.
    pub picture_manifest: std::sync::Arc<pictures::manifest::PictureManifest>,
}

impl Prepared {
    /// Each language's site, the default language's first.
    pub fn languages(&self) -> impl Iterator<Item = &Prepared> {
        std::iter::once(self).chain(&self.further)
    }

    /// The output written at `path`, in whichever language writes it, with that language's site.
    pub fn output_at(&self, path: &str) -> Option<(&site::Site, &plan::PlannedOutput)> {
        self.languages()
            .find_map(|language| Some((&language.site, language.plan.at_path(path)?)))
    }
}

/// Reads and resolves the site at `options.root` and binds it to its templates, in each of its
/// languages.
pub fn prepare(options: &BuildOptions) -> Result<Prepared, BuildError> {
    let mut planned = plan_languages(options, site::Texts::All)?;
    let mut languages = std::mem::take(&mut planned.languages);
    if let Some(((default, _), further)) = languages.split_first_mut() {
        for (site, _) in further {
            site::share_html(site, default);
        }
    }
    let mut bound = Vec::with_capacity(languages.len());
    for (site, plan) in languages {
        bound.push(planned.bind(site, plan, Vec::new())?);
    }
    let mut languages = bound.into_iter();
    let Some(mut prepared) = languages.next() else {
        return Err(BuildError::Usage("the site has no language".to_owned()));
    };
    prepared.warnings = planned.warnings;
    prepared.further = languages.collect();
    Ok(prepared)
}

/// Renders a prepared site, handing every output to `sink`. Pictures come from the cache when
/// they can; after a build without errors, the cache keeps only what this build used.
pub fn render_prepared(
    prepared: &Prepared,
    minify: bool,
    sink: &dyn OutputSink,
) -> Result<Generated, BuildError> {
    // The schedule is the default language's: further languages show the same pages.
    let mut generated = Generated::nothing(prepared.site.schedule);
    // Pictures belong to the whole site: the default language publishes them all, and the
    // cache is pruned once every language has rendered.
    let cache = pictures::cache::PictureCache::new(prepared.cache_dir.as_deref());
    for language in prepared.languages() {
        generated.add(render_language(language, minify, &cache, sink)?);
    }
    Ok(generated.finish(&cache, &prepared.picture_manifest))
}

impl Generated {
    fn nothing(schedule: source::publication::Schedule) -> Generated {
        Generated {
            paths: Vec::new(),
            pages: 0,
            pictures: pictures::cache::PictureStats::default(),
            warnings: Vec::new(),
            schedule,
        }
    }

    /// Adds what one language's rendering produced.
    fn add(&mut self, language: Generated) {
        self.paths.extend(language.paths);
        self.pages += language.pages;
        self.warnings.extend(language.warnings);
    }

    /// Once every language has rendered: prunes the picture cache, saves what was learnt about
    /// the pictures, and sorts the paths.
    fn finish(
        mut self,
        cache: &pictures::cache::PictureCache,
        manifest: &pictures::manifest::PictureManifest,
    ) -> Generated {
        cache.prune();
        manifest.save();
        self.pictures = cache.stats();
        self.pictures.read = manifest.read_count();
        self.paths.sort_unstable();
        self
    }
}

/// Renders one language's site (its `further` languages are left to the caller).
fn render_language(
    prepared: &Prepared,
    minify: bool,
    cache: &pictures::cache::PictureCache,
    sink: &dyn OutputSink,
) -> Result<Generated, BuildError> {
    let Prepared {
        site,
        templates,
        values,
        plan,
        warnings,
        ..
    } = prepared;
    let (mut errors, (copy_errors, picture_errors)) = rayon::join(
        || {
            render::render_site(site, plan, templates, values, minify, |file| {
                sink.write(&file.path, &file.bytes)
            })
        },
        || {
            rayon::join(
                || copy_files(site, plan, sink),
                || pictures::publish::publish(site, plan, cache, sink),
            )
        },
    );
    errors.extend(copy_errors);
    errors.extend(picture_errors);
    errors.extend(warnings.iter().cloned());
    if errors.iter().any(Diagnostic::is_error) {
        return Err(BuildError::Site(diagnostics::normalize(errors)));
    }
    let mut paths: Vec<String> = plan.outputs.iter().map(|o| o.path.clone()).collect();
    paths.sort_unstable();
    let rendered_html = |output: &&plan::PlannedOutput| {
        output.path.ends_with(".html") && output.owner.copied_from(site).is_none()
    };
    Ok(Generated {
        pages: plan.outputs.iter().filter(rendered_html).count(),
        pictures: pictures::cache::PictureStats::default(),
        paths,
        warnings: diagnostics::normalize(errors),
        schedule: site.schedule,
    })
}

/// Reads, resolves and renders the site at `options.root`, handing every output to `sink`.
/// Nothing is written anywhere else.
///
/// Every language is planned first (each links to the others), then bound, rendered and dropped
/// one after the other: unlike [`prepare`], at most one language's template values are alive at a
/// time, so a site in five languages needs far less than five times the memory of one. A further
/// language's translations are rendered just before it, and what only the link check needs is
/// dropped once it is made.
pub fn generate(options: &BuildOptions, sink: &dyn OutputSink) -> Result<Generated, BuildError> {
    let mut planned = plan_languages(options, site::Texts::Shared)?;
    let mut languages = std::mem::take(&mut planned.languages).into_iter();
    let Some((mut default, default_plan)) = languages.next() else {
        return Err(BuildError::Usage("the site has no language".to_owned()));
    };
    site::forget_checked_links(&mut default);
    let cache = pictures::cache::PictureCache::new(planned.cache_dir.as_deref());
    let mut warnings = std::mem::take(&mut planned.warnings);
    // Freeing a language's values takes a while at scale: it is done on a thread of its own
    // while the build goes on, finished before the next language binds its values (so that one
    // language's values are alive at a time) and left to finish by itself after the last.
    let freeing = std::cell::RefCell::new(None::<std::thread::JoinHandle<()>>);
    let render = |site, plan, warnings| {
        if let Some(previous) = freeing.take() {
            let _ = previous.join();
        }
        let language = planned.bind(site, plan, warnings)?;
        let generated = render_language(&language, options.minify, &cache, sink);
        *freeing.borrow_mut() = Some(std::thread::spawn(move || drop(language)));
        generated
    };
    // The further languages first: they take their fallback text's HTML from the default
    // language's site, which binding moves into its template values. Each makes its own texts
    // only now, so that one language's translations are held at a time; a problem in them stops
    // the build as if it had been found before any language rendered. Problems are reported as
    // if the default language had rendered first.
    let mut further = Vec::with_capacity(languages.len());
    let mut problems = Vec::new();
    for (mut site, plan) in languages {
        problems.extend(check_own_texts(
            &mut site,
            &plan,
            &default,
            Some(&planned.templates),
        ));
        if problems.iter().any(Diagnostic::is_error) {
            continue;
        }
        site::share_html(&mut site, &default);
        site::forget_checked_links(&mut site);
        further.push(render(site, plan, Vec::new()));
    }
    if problems.iter().any(Diagnostic::is_error) {
        problems.extend(warnings);
        return Err(BuildError::Site(diagnostics::normalize(problems)));
    }
    warnings.extend(problems);
    let mut generated = Generated::nothing(default.schedule);
    generated.add(render(default, default_plan, warnings)?);
    for language in further {
        generated.add(language?);
    }
    Ok(generated.finish(&cache, &planned.picture_manifest))
}

/// Builds the site at `options.root` into its output folder. When another build is writing to
/// that folder, calls `on_wait` with a message and waits for it to finish.
pub fn build(
    options: &BuildOptions,
    on_wait: impl FnOnce(&str),
) -> Result<BuildSummary, BuildError> {
    let started = Instant::now();
    if !options.root.is_dir() {
        return Err(BuildError::Usage(format!(
            "{} is not a folder",
            options.root.display()
        )));
    }
    let output_dir = output::folder::resolve(&options.output_dir()).map_err(BuildError::Usage)?;
    check_output_location(&options.root, &output_dir)?;
    let _lock = output::folder::OutputLock::acquire(&output_dir, on_wait)
        .map_err(|d| BuildError::Site(vec![d]))?;
    let staged =
        output::StagedOutput::prepare(&output_dir).map_err(|d| BuildError::Site(vec![d]))?;
    let generated = if options.precompress {
        generate(options, &output::Precompressing(&staged))?
    } else {
        generate(options, &staged)?
    };
    let mut expected: HashSet<String> = generated.paths.iter().cloned().collect();
    if options.precompress {
        let compressed = generated
            .paths
            .iter()
            .filter(|p| output::is_compressible(p));
        expected.extend(compressed.flat_map(|p| [format!("{p}.gz"), format!("{p}.br")]));
    }
    let stats = staged
        .commit(&expected)
        .map_err(|d| BuildError::Site(vec![d]))?;
    Ok(BuildSummary {
        pages: generated.pages,
        files: expected.len(),
        stats,
        pictures: generated.pictures,
        warnings: generated.warnings,
        elapsed: started.elapsed(),
        schedule: generated.schedule,
    })
}

fn copy_files(
    site: &site::Site,
    plan: &plan::OutputPlan,
    sink: &dyn OutputSink,
) -> Vec<Diagnostic> {
    use rayon::prelude::*;
    plan.outputs
        .par_iter()
        .filter_map(|output| {
            let origin = output.owner.copied_from(site)?;
            sink.copy(&output.path, origin).err()
        })
        .collect()
}
