//! Loading: read every file of a site in parallel and parse what can be parsed on its own.
//!
//! The result, [`SiteSources`], holds the configuration, the content files with their front
//! matter, the data files, the templates (theme first, the site's own overriding them) and the
//! static files with their content hashes (the theme's are found and read in `theme.rs`). Every
//! problem is collected; loading stops at none.
//! Every file is found and read through [`files::SiteRoot`], so nothing outside the site folder
//! is read, even through a link. A picture that the picture manifest
//! (`crate::pictures::manifest`) shows unchanged since the last build is not read at all.
//! Nothing here knows about URLs or templates' meaning: that is `site` and `render`.

pub mod content;
pub mod countries;
pub mod data;
pub mod data_tree;
pub mod dates;
pub mod fields;
pub mod files;
pub mod languages;
pub mod picture_fields;
pub mod publication;
pub mod records;
pub mod tables;
mod theme;
pub mod yaml;

use crate::config::{BaseUrl, CONFIG_FILE, SiteConfig};
use crate::diagnostics::Diagnostic;
use content::{ContentSource, PageFrontMatter, SectionFrontMatter};
use files::SiteRoot;
use publication::{Day, Publication, Schedule};
use rayon::prelude::*;
use std::path::{Path, PathBuf};
pub use theme::load_template_sources;

/// What a build needs to know before it reads anything.
#[derive(Debug, Clone)]
pub struct LoadOptions {
    pub root: PathBuf,
    pub base_url: Option<String>,
    /// Also read what a build on `today` does not publish (drafts, pages and entities outside
    /// their publication window): a preview.
    pub drafts: bool,
    /// The build's day, for `publish_date` and `expiry_date`.
    pub today: Day,
    /// What the last build learnt about each picture, so that unchanged ones are not read.
    pub pictures: std::sync::Arc<crate::pictures::manifest::PictureManifest>,
}

/// Every file of a site, read and parsed on its own.
#[derive(Debug)]
pub struct SiteSources {
    pub config: SiteConfig,
    /// The text of `site.yaml`, to place errors found later (a menu entry's target).
    pub config_text: String,
    pub base_url: BaseUrl,
    /// Every page a build on this day includes, with whether it is published.
    pub pages: Vec<(ContentSource, std::sync::Arc<PageFrontMatter>, Publication)>,
    pub sections: Vec<(ContentSource, SectionFrontMatter)>,
    /// Pages and sections a build on this day leaves out (drafts, outside their window).
    pub withheld: Vec<WithheldContent>,
    /// What changes on a later day, for a scheduled rebuild.
    pub schedule: Schedule,
    /// The build's day.
    pub today: Day,
    /// Non-Markdown files under `content/`, by path inside `content/`.
    pub content_assets: Vec<FileSource>,
    /// Static files by output path (the site's own replace the theme's).
    pub static_files: Vec<FileSource>,
    pub templates: Vec<TemplateSource>,
    /// `data/**/*.yaml`, nested by folder and file stem.
    pub data: serde_json::Value,
    /// Typed entities from `data/partners/`, `data/smes/`, ... (see `data`).
    pub entities: data::Entities,
    /// The files of `data/<kind>/media/` and the pictures of `content/`, probed, by path.
    pub pictures: Vec<crate::pictures::PictureFile>,
    /// Every problem found while loading. With errors among them, the site is still resolved (so
    /// that one run reports every problem) but not rendered.
    pub diagnostics: Vec<Diagnostic>,
    /// Content files that could not be read or parsed: links to them are not reported again.
    pub failed_content: std::collections::HashSet<String>,
    /// Content files in a further language (`about.fr.md`), until [`languages::views`].
    pub translations: Vec<languages::Translation>,
    /// Translated data (`data/smes/x.fr.yaml`, `data/labels.fr.yaml`), until the views.
    pub overlays: languages::overlay::Overlays,
    /// The theme's and the site's `i18n/<code>.yaml`, until the views.
    pub strings: languages::strings::StringFiles,
    /// The language of this view of the site (see [`languages::views`]).
    pub language: languages::Language,
}

/// A content file a build leaves out, kept so that a preview can say why its URL is missing.
#[derive(Debug, Clone)]
pub struct WithheldContent {
    pub source: ContentSource,
    /// The page's front matter; `None` for a section.
    pub page: Option<PageFrontMatter>,
    pub publication: Publication,
}

/// A file copied to the output as it is.
#[derive(Debug, Clone)]
pub struct FileSource {
    /// Path relative to its base folder, with `/` separators.
    pub rel: String,
    pub origin: FileOrigin,
    /// xxh3 of the bytes, used for cache busting.
    pub hash: u64,
    /// The text of a stylesheet (read while hashing), for templates that inline it.
    pub css: Option<std::sync::Arc<str>>,
}

/// The text of `bytes` if `rel` names a stylesheet.
pub(super) fn css_text(rel: &str, bytes: &[u8]) -> Option<std::sync::Arc<str>> {
    rel.ends_with(".css")
        .then(|| String::from_utf8_lossy(bytes).into())
}

impl FileOrigin {
    /// The file's bytes.
    pub fn read(&self) -> Result<Vec<u8>, Diagnostic> {
        match self {
            FileOrigin::Embedded(bytes) => Ok(bytes.to_vec()),
            FileOrigin::Disk(path) => std::fs::read(path)
                .map_err(|e| Diagnostic::file_error(path, format!("cannot read: {e}"))),
        }
    }
}

#[derive(Debug, Clone)]
pub enum FileOrigin {
    Disk(PathBuf),
    Embedded(&'static [u8]),
}

/// One template: its name for Tera (`page.html`), the file it came from and its text.
#[derive(Debug, Clone)]
pub struct TemplateSource {
    pub name: String,
    pub file: PathBuf,
    pub text: String,
}

/// Names that editors and tools leave beside real files: hidden files, backups, swap files,
/// lock files and Vim's `4913` probe. They are never content.
pub fn is_ignored_file_name(name: &str) -> bool {
    name.starts_with('.')
        || name.starts_with('#')
        || name.ends_with('~')
        || name.ends_with(".swp")
        || name.ends_with(".swx")
        || name.ends_with(".tmp")
        || name == "4913"
}

/// Reads a whole site. Fails only without a readable `site.yaml`; every other problem is in
/// `SiteSources::diagnostics`.
pub fn load(options: &LoadOptions) -> Result<SiteSources, Vec<Diagnostic>> {
    let root = &SiteRoot::new(&options.root).map_err(|d| vec![d])?;
    let mut errors = Vec::new();
    let config_path = root.resolve(Path::new(CONFIG_FILE)).map_err(|d| vec![d])?;
    let config_text = match std::fs::read_to_string(config_path) {
        Ok(text) => text,
        Err(e) => {
            let message = if e.kind() == std::io::ErrorKind::NotFound {
                format!("no {CONFIG_FILE} in {}", root.path().display())
            } else {
                format!("cannot read {CONFIG_FILE}: {e}")
            };
            return Err(vec![
                Diagnostic::file_error(CONFIG_FILE, message).with_help(
                    "run pimap in the folder that holds site.yaml, or pass --root FOLDER",
                ),
            ]);
        }
    };
    let (config, base_url) = match SiteConfig::parse(&config_text, options.base_url.as_deref()) {
        Ok(parsed) => {
            errors.extend(yaml::warning_diagnostics(
                Path::new(CONFIG_FILE),
                &config_text,
            ));
            parsed
        }
        Err(mut diagnostics) => {
            // Keep going with defaults so that content errors are reported in the same run.
            errors.append(&mut diagnostics);
            match SiteConfig::parse("", None) {
                Ok(parsed) => parsed,
                Err(more) => return Err([errors, more].concat()),
            }
        }
    };

    let content_files = root.list(Path::new("content"), &mut errors);
    let (markdown, assets): (Vec<_>, Vec<_>) = content_files
        .into_iter()
        .partition(|rel| rel.ends_with(".md"));

    let parsed: Vec<ContentRead> = markdown
        .par_iter()
        .map(|rel| read_content(root.path(), rel))
        .collect();
    let mut content = ContentFiles::default();
    let mut translations = Vec::new();
    for (rel, item) in markdown.iter().zip(parsed) {
        let (file, warnings) = match item {
            Ok(read) => read,
            Err(problems) => {
                content.failed.insert(rel.clone());
                errors.extend(problems);
                continue;
            }
        };
        errors.extend(warnings);
        match languages::split_language(rel) {
            Some((original, code)) => {
                let source = &file.source().file;
                match languages::check_code(
                    code,
                    &config.language,
                    &config.languages,
                    source,
                    &original,
                ) {
                    // A draft translation is not shown: its language shows the original.
                    Ok(_) if file.is_draft() && !options.drafts => {}
                    Ok(code) => translations.push(languages::Translation {
                        code: code.to_owned(),
                        original,
                        content: file,
                    }),
                    Err(d) => errors.push(d),
                }
            }
            None => content.add(file, options),
        }
    }
    errors.append(&mut content.errors);
    // Pictures are read (or found unchanged in the manifest) with the pictures of data.
    let (content_pictures, assets): (Vec<_>, Vec<_>) = assets
        .into_iter()
        .partition(|rel| crate::pictures::is_picture_name(rel));
    let mut content_assets = hash_files(&root.path().join("content"), assets, &mut errors);

    let theme = theme::locate_or_report(root, &config, &config_text, &mut errors);
    let templates = theme::load_templates(root, &theme, &mut errors);
    let static_files = theme::load_static(root, &theme, &mut errors);
    let mut entities = data::Entities::default();
    let mut overlays = languages::overlay::Overlays::default();
    let mut media_files = Vec::new();
    let data = data_tree::load_data(
        root,
        &config,
        &mut entities,
        &mut overlays,
        &mut media_files,
        &mut errors,
    );
    let pictures = read_pictures(
        root.path(),
        &media_files,
        &content_pictures,
        &options.pictures,
    );
    content_assets.extend(picture_assets(root.path(), &pictures, &mut errors));
    content_assets.sort_by(|a, b| a.rel.cmp(&b.rel));
    let mut schedule = content.schedule;
    schedule.merge(publication::publish_entities(
        &mut entities,
        options.drafts,
        options.today,
        &mut errors,
    ));

    overlays.check_originals(&entities, &mut errors);
    let strings = theme::load_strings(root, &theme, &config, &mut errors);

    Ok(SiteSources {
        diagnostics: errors,
        failed_content: content.failed,
        translations,
        overlays,
        strings,
        language: languages::Language::default(),
        entities,
        config,
        config_text,
        base_url,
        pages: content.pages,
        sections: content.sections,
        withheld: content.withheld,
        schedule,
        today: options.today,
        content_assets,
        static_files,
        templates,
        data,
        pictures,
    })
}

/// Reads and probes the files of `data/<kind>/media/` (`media`, paths inside `data/`) and the
/// pictures among the content files (`content`, paths inside `content/`), or takes them from
/// `manifest` when they are unchanged.
fn read_pictures(
    root: &Path,
    media: &[String],
    content: &[String],
    manifest: &crate::pictures::manifest::PictureManifest,
) -> Vec<crate::pictures::PictureFile> {
    let media = media
        .iter()
        .map(|rel| (format!("data/{rel}"), root.join("data").join(rel)));
    let content = content
        .iter()
        .map(|rel| (format!("content/{rel}"), root.join("content").join(rel)));
    let files: Vec<(String, PathBuf)> = media.chain(content).collect();
    let mut pictures: Vec<_> = files
        .into_par_iter()
        .map(|(rel, path)| manifest.picture(rel, path))
        .collect();
    pictures.sort_by(|a, b| a.rel.cmp(&b.rel));
    pictures
}

/// The pictures of `content/` as files copied beside their pages, with the hash of their bytes
/// that the manifest gave; a file the manifest did not hash (too large to be a picture pimap
/// reads) is hashed here.
fn picture_assets(
    root: &Path,
    pictures: &[crate::pictures::PictureFile],
    errors: &mut Vec<Diagnostic>,
) -> Vec<FileSource> {
    let (hashed, unhashed): (Vec<_>, Vec<_>) = pictures
        .iter()
        .filter_map(|picture| Some((picture.rel.strip_prefix("content/")?, picture)))
        .partition(|(_, picture)| picture.hash != 0);
    let unhashed = unhashed
        .into_iter()
        .map(|(rel, _)| rel.to_owned())
        .collect();
    let mut assets = hash_files(&root.join("content"), unhashed, errors);
    assets.extend(hashed.into_iter().map(|(rel, picture)| FileSource {
        rel: rel.to_owned(),
        origin: FileOrigin::Disk(picture.path.clone()),
        hash: (picture.hash >> 64) as u64 ^ picture.hash as u64,
        css: None,
    }));
    assets
}

/// A content file, parsed.
#[derive(Debug, Clone)]
pub enum ContentFile {
    Page(ContentSource, Box<PageFrontMatter>),
    Section(ContentSource, SectionFrontMatter),
}

impl ContentFile {
    pub fn source(&self) -> &ContentSource {
        match self {
            ContentFile::Page(source, _) | ContentFile::Section(source, _) => source,
        }
    }

    fn is_draft(&self) -> bool {
        match self {
            ContentFile::Page(_, front) => front.draft,
            ContentFile::Section(_, front) => front.draft,
        }
    }
}

/// The content files read, sorted by what a build does with them.
#[derive(Default)]
struct ContentFiles {
    pages: Vec<(ContentSource, std::sync::Arc<PageFrontMatter>, Publication)>,
    sections: Vec<(ContentSource, SectionFrontMatter)>,
    withheld: Vec<WithheldContent>,
    schedule: Schedule,
    failed: std::collections::HashSet<String>,
    errors: Vec<Diagnostic>,
}

impl ContentFiles {
    fn add(&mut self, file: ContentFile, options: &LoadOptions) {
        match file {
            ContentFile::Page(source, front) => {
                let window = front.window();
                if window.is_empty() {
                    self.errors.push(
                        source
                            .error_at_key("expiry_date", "`expiry_date` is before `publish_date`: this page would never be published")
                            .with_help("write an `expiry_date` on or after the `publish_date`, or remove one of them"),
                    );
                }
                self.schedule
                    .add(window.next_change(front.draft, options.today));
                let publication = window.publication(front.draft, options.today);
                if options.drafts || publication.is_published() {
                    self.pages.push((source, (*front).into(), publication));
                } else {
                    self.withheld.push(WithheldContent {
                        source,
                        page: Some(*front),
                        publication,
                    });
                }
            }
            ContentFile::Section(source, front) => {
                if options.drafts || !front.draft {
                    self.sections.push((source, front));
                } else {
                    self.withheld.push(WithheldContent {
                        source,
                        page: None,
                        publication: Publication::Draft,
                    });
                }
            }
        }
    }
}

/// A content file read, with the warnings of its front matter; or every problem it has.
type ContentRead = Result<(ContentFile, Vec<Diagnostic>), Vec<Diagnostic>>;

/// Reads one content file.
fn read_content(root: &Path, rel: &str) -> ContentRead {
    let file = Path::new("content").join(rel);
    let bytes = std::fs::read(root.join(&file))
        .map_err(|e| vec![Diagnostic::file_error(&file, format!("cannot read: {e}"))])?;
    let source = content::split(rel.to_owned(), file, bytes).map_err(|d| vec![d])?;
    // `_index.fr.md` is a section's translation.
    let original = languages::split_language(rel).map_or_else(|| rel.to_owned(), |(o, _)| o);
    if original == "_index.md" || original.ends_with("/_index.md") {
        let (front, warnings) = source.parse_front_matter()?;
        Ok((ContentFile::Section(source, front), warnings))
    } else {
        let (front, warnings) = source.parse_front_matter()?;
        Ok((ContentFile::Page(source, Box::new(front)), warnings))
    }
}

pub(super) fn hash_files(
    dir: &Path,
    rels: Vec<String>,
    errors: &mut Vec<Diagnostic>,
) -> Vec<FileSource> {
    let hashed: Vec<Result<FileSource, Diagnostic>> = rels
        .into_par_iter()
        .map(|rel| {
            let path = dir.join(&rel);
            let bytes = std::fs::read(&path)
                .map_err(|e| Diagnostic::file_error(&path, format!("cannot read: {e}")))?;
            Ok(FileSource {
                hash: xxhash_rust::xxh3::xxh3_64(&bytes),
                css: css_text(&rel, &bytes),
                rel,
                origin: FileOrigin::Disk(path),
            })
        })
        .collect();
    hashed
        .into_iter()
        .filter_map(|r| r.map_err(|d| errors.push(d)).ok())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn editor_leftovers_are_ignored() {
        for name in [
            ".page.md.swp",
            "page.md~",
            "#page.md#",
            "4913",
            ".#page.md",
            "x.swx",
        ] {
            assert!(is_ignored_file_name(name), "{name}");
        }
        assert!(!is_ignored_file_name("page.md"));
    }
}
