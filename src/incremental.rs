//! Incremental rebuilds for `pimap serve`: keep the last good build and, when only the Markdown
//! bodies of pages or sections changed, redo only what those bodies reach.
//!
//! A body edit changes the page's HTML, headings, word count and summary, and so the values of
//! its section (and the sections above it), of its taxonomy terms and of `taxonomies`; a section's
//! body edit changes its own value and those of the sections above it. The fast
//! path re-renders the page's Markdown, checks its links and the links that point into it,
//! expands its shortcodes, swaps the new values in, and re-renders exactly the outputs whose
//! templates can see them: the page; its sections and their ancestors; its terms and
//! taxonomies; pages of those sections whose templates mention `section`; and every output whose
//! templates reach arbitrary pages (`get_page`, `get_section`, `taxonomies`). A template edit
//! recompiles the templates and re-renders the outputs whose template extends or includes it.
//! Anything else (a front matter edit, a new or deleted file, data, shortcode templates,
//! `site.yaml`, a link that breaks) takes the full path, which is the same pipeline as `pimap build`. Static files that are not
//! referenced with a content hash are re-read alone. Every re-read goes through the same rule as
//! a full load (`source::files`): a file replaced by a link out of the site takes the full path,
//! which reports it. The result is byte-identical to a full build:
//! `tests/incremental.rs` checks this over random edit sequences.

use crate::plan::{OutputOwner, OutputPlan, PlannedOutput};
use crate::render::{self, SiteValues, page_value, replace_field};
use crate::site::Site;
use crate::source::content;
use crate::source::files::SiteRoot;
use crate::{BuildError, BuildOptions, Diagnostic, OutputSink, Prepared, prepare, render_prepared};
use rayon::prelude::*;
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

/// A built site held in memory: output path -> bytes.
pub type Files = HashMap<String, Arc<Vec<u8>>>;

/// Output kept in memory.
#[derive(Default)]
pub struct MemoryOutput {
    files: Mutex<Files>,
}

impl MemoryOutput {
    pub fn into_files(self) -> Files {
        self.files.into_inner().unwrap_or_default()
    }

    fn store(&self, rel: &str, bytes: Vec<u8>) {
        if let Ok(mut files) = self.files.lock() {
            files.insert(rel.to_owned(), Arc::new(bytes));
        }
    }
}

impl OutputSink for MemoryOutput {
    fn write(&self, rel: &str, bytes: &[u8]) -> Result<(), Diagnostic> {
        self.store(rel, bytes.to_vec());
        Ok(())
    }

    fn copy(&self, rel: &str, origin: &crate::source::FileOrigin) -> Result<(), Diagnostic> {
        self.store(rel, origin.read()?);
        Ok(())
    }
}

/// How a rebuild went.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rebuild {
    /// Output paths whose bytes changed, appeared or disappeared.
    pub changed: Vec<String>,
    /// HTML pages in the site.
    pub pages: usize,
    /// Outputs rendered again (all of them on the full path).
    pub rendered: usize,
    pub incremental: bool,
    pub warnings: Vec<Diagnostic>,
}

/// The last good build and what is needed to update it.
pub struct Session {
    options: BuildOptions,
    last: Option<Prepared>,
    /// URLs of content and asset files (what links resolve to) in `last`; body edits keep them.
    link_urls: (HashMap<String, String>, HashMap<String, String>),
    files: Files,
    pages: usize,
}

impl Session {
    pub fn new(options: BuildOptions) -> Session {
        Session {
            options,
            last: None,
            link_urls: Default::default(),
            files: Files::new(),
            pages: 0,
        }
    }

    /// The last good build.
    pub fn files(&self) -> &Files {
        &self.files
    }

    /// Rebuilds after `changed` (paths relative to the root); an empty list means "unknown",
    /// which takes the full path. On failure the last good build is kept.
    pub fn rebuild(&mut self, changed: &[PathBuf]) -> Result<Rebuild, BuildError> {
        if !changed.is_empty() {
            if let Some(rebuild) = self.try_fast(changed) {
                return Ok(rebuild);
            }
            // The fast path may have given up half way: only a successful full build is a base
            // for the next fast update.
            self.last = None;
        }
        self.full()
    }

    fn full(&mut self) -> Result<Rebuild, BuildError> {
        let prepared = prepare(&self.options)?;
        let memory = MemoryOutput::default();
        let generated = render_prepared(&prepared, self.options.minify, &memory)?;
        let files = memory.into_files();
        let changed = changed_paths(&self.files, &files);
        let rendered = files.len();
        self.files = files;
        self.link_urls = crate::site::link_target_urls(&prepared.site);
        self.last = Some(prepared);
        self.pages = generated.pages;
        Ok(Rebuild {
            changed,
            pages: generated.pages,
            rendered,
            incremental: false,
            warnings: generated.warnings,
        })
    }

    /// The fast path; `None` when the change needs the full path.
    fn try_fast(&mut self, changed: &[PathBuf]) -> Option<Rebuild> {
        let last = self.last.as_mut()?;
        let Classified {
            bodies,
            statics,
            templates,
        } = classify(changed, &last.site.config.theme)?;
        // Files are re-read through the same rule as a full load: nothing outside the site.
        let root = SiteRoot::new(&self.options.root).ok()?;
        let mut updates: BTreeMap<String, Vec<u8>> = BTreeMap::new();
        // Static files: only when no page carries their hash, and only files that exist already.
        if !statics.is_empty() {
            if last.site.cachebust {
                return None;
            }
            for rel in &statics {
                let file = last.site.static_files.iter().find(|f| &f.rel == rel)?;
                // The site's own file must be the one served (not the theme's it replaces).
                let path = self.options.root.join("static").join(rel);
                if !matches!(&file.origin, crate::source::FileOrigin::Disk(origin) if *origin == path)
                {
                    return None;
                }
                let bytes = root.read(&Path::new("static").join(rel)).ok()?;
                updates.insert(rel.clone(), bytes);
            }
        }
        let mut rendered = 0;
        if !templates.is_empty() {
            if !bodies.is_empty() {
                return None;
            }
            rendered = update_templates(last, &self.options, &templates, &mut updates)?;
        } else if !bodies.is_empty() {
            rendered = update_bodies(
                last,
                &self.options,
                &root,
                &self.link_urls,
                &bodies,
                &mut updates,
            )?;
        }
        let mut changed_outputs = Vec::new();
        for (path, bytes) in updates {
            if self.files.get(&path).map(|old| old.as_slice()) != Some(bytes.as_slice()) {
                changed_outputs.push(path.clone());
                self.files.insert(path, Arc::new(bytes));
            }
        }
        Some(Rebuild {
            changed: changed_outputs,
            pages: self.pages,
            rendered,
            incremental: true,
            warnings: last.warnings.clone(),
        })
    }
}

/// The changes a fast path can take.
#[derive(Default)]
struct Classified {
    /// Pages and sections (`content/**.md`) whose bodies may have changed.
    bodies: Vec<String>,
    /// Site static files (`static/**`).
    statics: Vec<String>,
    /// Templates, by name, of the site or of the theme `theme`.
    templates: Vec<String>,
}

/// Sorts changed paths into what the fast paths handle; `None` if anything else changed.
fn classify(changed: &[PathBuf], theme: &str) -> Option<Classified> {
    let mut classified = Classified::default();
    let (bodies, statics) = (&mut classified.bodies, &mut classified.statics);
    let theme_templates = format!("themes/{theme}/templates/");
    for path in changed {
        let text = path.to_str()?.replace('\\', "/");
        if let Some(name) = text
            .strip_prefix("templates/")
            .or_else(|| text.strip_prefix(theme_templates.as_str()))
        {
            classified.templates.push(name.to_owned());
        } else if let Some(rel) = text.strip_prefix("content/") {
            if !rel.ends_with(".md") {
                return None;
            }
            bodies.push(rel.to_owned());
        } else if let Some(rel) = text.strip_prefix("static/") {
            statics.push(rel.to_owned());
        } else {
            return None;
        }
    }
    Some(classified)
}

fn changed_paths(old: &Files, new: &Files) -> Vec<String> {
    let mut changed: BTreeSet<String> = new
        .iter()
        .filter(|(path, bytes)| old.get(*path) != Some(*bytes))
        .map(|(path, _)| path.clone())
        .collect();
    changed.extend(old.keys().filter(|path| !new.contains_key(*path)).cloned());
    changed.into_iter().collect()
}

/// Re-renders the pages whose bodies changed and everything that shows them; puts every
/// re-rendered output in `updates`. Returns how many outputs were rendered, or `None` when the
/// change needs the full path; then `last` may be half updated, and the caller drops it.
fn update_bodies(
    last: &mut Prepared,
    options: &BuildOptions,
    root: &SiteRoot,
    (content_urls, asset_urls): &(HashMap<String, String>, HashMap<String, String>),
    bodies: &[String],
    updates: &mut BTreeMap<String, Vec<u8>>,
) -> Option<usize> {
    let site = &last.site;
    // Read the new bodies; the front matter must be as it was.
    let mut edits: Vec<(Doc, content::ContentSource)> = Vec::new();
    for rel in bodies {
        let (doc, old) = match site
            .pages
            .binary_search_by(|p| p.source.path.as_str().cmp(rel))
        {
            Ok(index) => (Doc::Page(index), &site.pages[index].source),
            Err(_) => {
                let index = site
                    .sections
                    .iter()
                    .position(|s| s.source.as_ref().is_some_and(|source| &source.path == rel))?;
                (Doc::Section(index), site.sections[index].source.as_ref()?)
            }
        };
        let bytes = root.read(&old.file).ok()?;
        let source = content::split(rel.clone(), old.file.clone(), bytes).ok()?;
        if source.front_matter() != old.front_matter() {
            return None;
        }
        edits.push((doc, source));
    }
    // Markdown, links and shortcodes of the new bodies.
    let no_failures = HashSet::new();
    let targets = crate::markdown::LinkTargets {
        content: content_urls,
        assets: asset_urls,
        failed: &no_failures,
        base_path: &site.base.path,
    };
    let names = render::shortcode_names_of(&last.templates);
    let rendered: Vec<(
        Doc,
        content::ContentSource,
        crate::markdown::RenderedMarkdown,
    )> = edits
        .into_par_iter()
        .map(|(doc, source)| {
            let mut markdown = crate::markdown::render(&source, &targets);
            let mut problems = std::mem::take(&mut markdown.diagnostics);
            problems.extend(render::check_shortcodes_of(
                &names,
                &site.graph,
                &source,
                &markdown,
            ));
            if problems.is_empty() {
                problems.extend(render::expand_shortcodes_of(
                    &last.templates,
                    &site.graph,
                    &last.values.entities,
                    &source,
                    &mut markdown,
                ));
            }
            problems.is_empty().then_some((doc, source, markdown))
        })
        .collect::<Option<Vec<_>>>()?;
    // Every anchor link must still resolve: from the new bodies, and into them.
    let new_anchors: HashMap<&str, &HashSet<String>> = rendered
        .iter()
        .map(|(_, s, m)| (s.path.as_str(), &m.anchors))
        .collect();
    let anchors_of = |path: &str| {
        new_anchors
            .get(path)
            .copied()
            .or_else(|| crate::site::anchors_in(site, path))
    };
    let links_from_new = rendered
        .iter()
        .flat_map(|(_, source, m)| m.anchor_links.iter().map(move |link| (source, link)));
    let unedited_pages = site
        .pages
        .iter()
        .filter(|p| !new_anchors.contains_key(p.source.path.as_str()))
        .map(|p| (&p.source, &p.markdown));
    let unedited_sections = site.sections.iter().filter_map(|s| {
        let source = s.source.as_ref()?;
        (!new_anchors.contains_key(source.path.as_str())).then_some((source, &s.markdown))
    });
    let links_into_new = unedited_pages
        .chain(unedited_sections)
        .flat_map(|(source, m)| m.anchor_links.iter().map(move |link| (source, link)))
        .filter(|(_, link)| new_anchors.contains_key(link.target.as_str()));
    for (source, link) in links_from_new.chain(links_into_new) {
        if crate::site::check_anchor(source, link, anchors_of).is_some() {
            return None;
        }
    }
    let edited: HashSet<usize> = rendered
        .iter()
        .filter_map(|(doc, _, _)| match doc {
            Doc::Page(i) => Some(*i),
            Doc::Section(_) => None,
        })
        .collect();
    let edited_sections: HashSet<usize> = rendered
        .iter()
        .filter_map(|(doc, _, _)| match doc {
            Doc::Section(i) => Some(*i),
            Doc::Page(_) => None,
        })
        .collect();

    // Commit: new sources and Markdown, then new values.
    let site = &mut last.site;
    let mut html = Vec::new();
    for (doc, source, mut markdown) in rendered {
        html.push((doc, std::mem::take(&mut markdown.html)));
        match doc {
            Doc::Page(index) => {
                site.pages[index].source = source;
                site.pages[index].markdown = markdown;
            }
            Doc::Section(index) => {
                site.sections[index].source = Some(source);
                site.sections[index].markdown = markdown;
            }
        }
    }
    let site = &last.site;
    let mut values: SiteValues = (*last.values).clone();
    let mut section_html: HashMap<usize, String> = HashMap::new();
    for (doc, html) in html {
        match doc {
            Doc::Page(index) => {
                values.pages[index] = page_value(site, &site.pages[index], html).ok()?
            }
            Doc::Section(index) => {
                section_html.insert(index, html);
            }
        }
    }
    let (mut sections, terms) = affected(site, &edited);
    for &index in &edited_sections {
        let mut section = Some(index);
        while let Some(s) = section {
            sections.insert(s);
            section = site.sections[s].parent;
        }
    }
    refresh_containers(site, &mut values, &sections, section_html, &terms)?;
    let values = Arc::new(values);
    last.templates.rebind(&values);
    last.values = values;

    // Re-render what can show the new values.
    let templates = &last.templates;
    let taxonomies: HashSet<usize> = terms.iter().map(|(t, _)| *t).collect();
    // A handful of templates render thousands of outputs: look at each template once.
    let mut mentions_of: HashMap<&str, render::Mentions> = HashMap::new();
    let jobs: Vec<&PlannedOutput> = last
        .plan
        .outputs
        .iter()
        .filter(|output| {
            // A feed carries its pages' content.
            if let OutputOwner::Feed(section) = output.owner {
                return sections.contains(&section);
            }
            let Some(template) = output.template.as_deref() else {
                return false;
            };
            let mentions = *mentions_of
                .entry(template)
                .or_insert_with(|| templates.mentions(template));
            // Page N of a list shows what the list's page 1 shows.
            mentions.any_page
                || match output.owner.shown() {
                    OutputOwner::Page(i) => {
                        edited.contains(&i)
                            || (mentions.section && sections.contains(&site.pages[i].section))
                    }
                    OutputOwner::Section(i) => sections.contains(&i),
                    // An entity list shows the section of its folder, if it has one.
                    OutputOwner::EntityList(kind) => {
                        mentions.section
                            && sections
                                .iter()
                                .any(|&s| site.sections[s].output_dir == kind.dir())
                    }
                    OutputOwner::Taxonomy(t) => taxonomies.contains(&t),
                    OutputOwner::Term(t, i) => terms.contains(&(t, i)),
                    _ => false,
                }
        })
        .collect();
    let outputs = render_jobs(
        site,
        &last.plan,
        templates,
        &last.values,
        &jobs,
        options.minify,
    )?;
    let count = outputs.len();
    updates.extend(outputs);
    Some(count)
}

/// Recompiles the templates after `changed` (names) were edited and re-renders every output whose
/// template extends or includes one of them. `None` when the change needs the full path: a
/// template added or removed, a shortcode template (it shapes page content), or an error.
fn update_templates(
    last: &mut Prepared,
    options: &BuildOptions,
    changed: &[String],
    updates: &mut BTreeMap<String, Vec<u8>>,
) -> Option<usize> {
    if changed.iter().any(|name| name.starts_with("shortcodes/")) {
        return None;
    }
    // Components are global: any template may use one defined in the edited file.
    if last
        .templates
        .texts()
        .any(|(_, text)| text.contains("{% component") || text.contains("{%- component"))
    {
        return None;
    }
    let sources =
        crate::source::load_template_sources(&options.root, &last.site.config.theme).ok()?;
    let old: BTreeSet<&str> = last.templates.texts().map(|(name, _)| name).collect();
    let new: BTreeSet<&str> = sources.iter().map(|t| t.name.as_str()).collect();
    if old != new {
        return None;
    }
    let mut templates = render::Templates::compile(&sources).ok()?;
    templates.attach(&last.site, &last.plan, &last.values);
    let site = &last.site;
    let changed: HashSet<&str> = changed.iter().map(String::as_str).collect();
    let mut uses_changed: HashMap<&str, bool> = HashMap::new();
    let jobs: Vec<&PlannedOutput> = last
        .plan
        .outputs
        .iter()
        .filter(|output| {
            output.template.as_deref().is_some_and(|name| {
                *uses_changed.entry(name).or_insert_with(|| {
                    templates
                        .closure(name)
                        .iter()
                        .any(|t| changed.contains(t.as_str()))
                })
            })
        })
        .collect();
    let outputs = render_jobs(
        site,
        &last.plan,
        &templates,
        &last.values,
        &jobs,
        options.minify,
    )?;
    let count = outputs.len();
    updates.extend(outputs);
    last.templates = templates;
    Some(count)
}

fn render_jobs(
    site: &Site,
    plan: &OutputPlan,
    templates: &render::Templates,
    values: &SiteValues,
    jobs: &[&PlannedOutput],
    minify: bool,
) -> Option<Vec<(String, Vec<u8>)>> {
    jobs.par_iter()
        .map(|output| {
            let html = render::render_one(site, plan, templates, values, output)?.ok()?;
            let bytes = if minify && output.path.ends_with(".html") {
                crate::output::minify_html(html.as_bytes())
            } else {
                html.into_bytes()
            };
            Some((output.path.clone(), bytes))
        })
        .collect()
}

/// A content file whose body changed.
#[derive(Clone, Copy)]
enum Doc {
    Page(usize),
    Section(usize),
}

/// The sections (with their ancestors) and taxonomy terms whose values list an edited page.
fn affected(site: &Site, edited: &HashSet<usize>) -> (BTreeSet<usize>, BTreeSet<(usize, usize)>) {
    let mut sections = BTreeSet::new();
    let mut terms = BTreeSet::new();
    for &page in edited {
        let mut section = Some(site.pages[page].section);
        while let Some(s) = section {
            sections.insert(s);
            section = site.sections[s].parent;
        }
        terms.extend(site.pages[page].terms.iter().copied());
    }
    (sections, terms)
}

/// Rebuilds the values that hold page values: sections (deepest first, so that a parent holds
/// its updated subsections; with their new Markdown from `section_html` when their body was
/// edited), terms, taxonomies and the `taxonomies` map. `None` if a value cannot be made.
fn refresh_containers(
    site: &Site,
    values: &mut SiteValues,
    sections: &BTreeSet<usize>,
    mut section_html: HashMap<usize, String>,
    terms: &BTreeSet<(usize, usize)>,
) -> Option<()> {
    // A subsection sorts after its parent.
    for &s in sections.iter().rev() {
        let content = match section_html.remove(&s) {
            Some(html) => tera::Value::safe_string(&html),
            None => values.sections[s].get_from_path("content")?.clone(),
        };
        values.sections[s] =
            render::section_value(site, s, content, &values.pages, &values.sections).ok()?;
    }
    let mut taxonomies = BTreeSet::new();
    for &(t, i) in terms {
        let pages: Vec<tera::Value> = site.taxonomies[t].terms[i]
            .pages
            .iter()
            .map(|&p| values.pages[p].clone())
            .collect();
        values.term_values[t][i] =
            replace_field(&values.term_values[t][i], "pages", tera::Value::from(pages));
        taxonomies.insert(t);
    }
    for t in taxonomies {
        values.taxonomy_values[t] = replace_field(
            &values.taxonomy_values[t],
            "terms",
            tera::Value::from(values.term_values[t].clone()),
        );
    }
    let by_name: BTreeMap<String, tera::Value> = site
        .taxonomies
        .iter()
        .zip(&values.taxonomy_values)
        .map(|(t, v)| (t.config.name.clone(), v.clone()))
        .collect();
    values.taxonomies = tera::Value::from(by_name);
    Some(())
}
