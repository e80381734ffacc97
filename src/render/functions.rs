//! Template functions and filters: `get_page`, `get_section`, `get_url`, `image`, and the
//! filters `date` and `embed_links`.
//!
//! Each function reads only the values built for this build; none reads the clock or a file,
//! so the same site renders to the same bytes.

use super::values::SiteValues;
use crate::diagnostics::did_you_mean;
use crate::plan::{OutputOwner, OutputPlan};
use crate::site::Site;
use std::collections::HashMap;
use std::sync::Arc;
use tera::{Error, Kwargs, State, TeraResult, Value};

const SITE_FUNCTIONS: [&str; 9] = [
    "t",
    "image",
    "get_page",
    "get_section",
    "get_url",
    "inline_css",
    "kpi_chart",
    "roadmap_chart",
    "partner_map",
];

/// Registers the pictures drawn from the data (`kpi_chart()`, `roadmap_chart()`,
/// `partner_map()`), each drawn once per build.
/// Their words are the theme's strings in the site's language.
pub fn register_chart_functions(tera: &mut tera::Tera, site: &Site) {
    let words = crate::charts::ChartWords::from_strings(&site.language.strings);
    let charts = [
        (
            "kpi_chart",
            crate::charts::kpi_chart(&site.graph, &words, &site.language),
        ),
        (
            "roadmap_chart",
            crate::charts::roadmap_chart(&site.graph, &words, &site.language, site.today),
        ),
        (
            "partner_map",
            crate::charts::partner_map(&site.graph, &site.base.path, &words),
        ),
    ];
    for (name, svg) in charts {
        let value = Value::safe_string(&svg);
        tera.register_function(name, move |_: Kwargs, _: &State| -> TeraResult<Value> {
            Ok(value.clone())
        });
    }
}

/// Registers the site functions with bodies that fail, so that templates can be compiled (and
/// their references checked) before the site they will read is known.
pub fn register_placeholders(tera: &mut tera::Tera) {
    for name in SITE_FUNCTIONS {
        tera.register_function(name, move |_: Kwargs, _: &State| -> TeraResult<Value> {
            Err(Error::message(format!("`{name}` is not available here")))
        });
    }
}

/// Registers the filters: `date` and `datetime` (see `render::dates`) and `embed_links`.
pub fn register_filters(tera: &mut tera::Tera) {
    super::dates::register_filters(tera);
    // `embed_links`: HTML sanitised again, with every link opening in the top window, for pages
    // that other sites show in a frame. Safe to print whatever it is given.
    tera.register_filter("embed_links", |html: &str, _: Kwargs, _: &State| {
        Value::safe_string(&crate::markdown::for_embed(html))
    });
}

fn suggestion<'a>(name: &str, candidates: impl Iterator<Item = &'a String>) -> String {
    let names: Vec<&str> = candidates.map(String::as_str).collect();
    did_you_mean(name, names.iter().copied())
        .map(|best| format!("; did you mean `{best}`?"))
        .unwrap_or_default()
}

/// Registers the functions that read the site.
pub fn register_site_functions(
    tera: &mut tera::Tera,
    site: &Site,
    plan: &OutputPlan,
    values: &Arc<SiteValues>,
) {
    register_chart_functions(tera, site);
    register_page_functions(tera, values);
    register_url_function(tera, site, plan);
    register_language_functions(tera, site);
    register_image_function(tera, site);
}

/// Registers what speaks the site's language: `t(key=...)`, the theme's strings (see
/// `source::languages::strings`), and the `date` filter with the language's month names.
pub fn register_language_functions(tera: &mut tera::Tera, site: &Site) {
    let strings = Arc::clone(&site.language.strings);
    let default = site.language.default_code.clone();
    super::dates::register_date_filter(tera, super::dates::DateWords::from_strings(&strings));
    tera.register_function("t", move |kwargs: Kwargs, _: &State| -> TeraResult<Value> {
        let key: &str = kwargs.must_get("key")?;
        match strings.text(key) {
            Some(text) => Ok(Value::from(text)),
            None => {
                let hint = did_you_mean(key, strings.keys())
                    .map(|best| format!("; did you mean `{best}`?"))
                    .unwrap_or_default();
                Err(Error::message(format!(
                    "t: the theme has no text `{key}` in i18n/{default}.yaml{hint}"
                )))
            }
        }
    });
}

/// Registers `image(path=..., widths=[...])`: the published files of a picture named from the
/// site root (`data/smes/media/lens.jpg`, as `sme.logo` and `photo.file` give it), as
/// [`PictureSet`](crate::pictures::markup::PictureSet) (`src`, `width`, `height`, `srcset`,
/// `webp_srcset`, `media_type`, `widths`, `svg`). `widths` keeps some of the sizes made.
pub fn register_image_function(tera: &mut tera::Tera, site: &Site) {
    let pictures: HashMap<String, crate::pictures::Picture> = site
        .pictures
        .iter()
        .map(|p| (p.file.rel.clone(), p.clone()))
        .collect();
    // Pictures belong to the whole site: every language links the same files.
    let base_path = site.root.path.clone();
    tera.register_function(
        "image",
        move |kwargs: Kwargs, _: &State| -> TeraResult<Value> {
            let path: &str = kwargs.must_get("path")?;
            let widths: Option<Vec<u32>> = kwargs.get("widths")?;
            let Some(picture) = pictures.get(path.trim_start_matches('/')) else {
                return Err(Error::message(format!(
                    "image: there is no picture `{path}`{}",
                    suggestion(path, pictures.keys())
                )));
            };
            let set = crate::plan::picture_set(&base_path, picture, widths.as_deref());
            let Some(set) = set else {
                let made: Vec<String> = picture
                    .variants
                    .iter()
                    .map(|v| v.width.to_string())
                    .collect();
                return Err(Error::message(format!(
                    "image: `{path}` is not made at the widths asked; its widths are {}",
                    made.join(", ")
                )));
            };
            Ok(Value::from_serializable(&set))
        },
    );
}

/// Registers `get_page` and `get_section`, which read the page values (again after an
/// incremental update).
pub fn register_page_functions(tera: &mut tera::Tera, values: &Arc<SiteValues>) {
    let v = Arc::clone(values);
    tera.register_function(
        "get_page",
        move |kwargs: Kwargs, _: &State| -> TeraResult<Value> {
            let path: &str = kwargs.must_get("path")?;
            let path = path.trim_start_matches("@/");
            match v.page_by_path.get(path) {
                Some(&i) => Ok(v.pages[i].clone()),
                None => Err(Error::message(format!(
                    "get_page: there is no page content/{path}{}",
                    suggestion(path, v.page_by_path.keys())
                ))),
            }
        },
    );
    let v = Arc::clone(values);
    tera.register_function(
        "get_section",
        move |kwargs: Kwargs, _: &State| -> TeraResult<Value> {
            let path: &str = kwargs.must_get("path")?;
            let path = path.trim_start_matches("@/");
            match v.section_by_path.get(path) {
                Some(&i) => Ok(v.sections[i].clone()),
                None if kwargs.get::<bool>("optional")?.unwrap_or(false) => Ok(Value::none()),
                None => Err(Error::message(format!(
                    "get_section: there is no section content/{path}{}",
                    suggestion(path, v.section_by_path.keys())
                ))),
            }
        },
    );
}

/// Registers `get_url` (content files by `@/path`, static and content files by path) and
/// `inline_css(path=...)`, the text of a static stylesheet, for pages that may load nothing else
/// (embeds).
pub fn register_url_function(tera: &mut tera::Tera, site: &Site, plan: &OutputPlan) {
    let stylesheets: HashMap<String, Value> = site
        .static_files
        .iter()
        .filter_map(|f| Some((f.rel.clone(), Value::safe_string(f.css.as_deref()?))))
        .collect();
    tera.register_function(
        "inline_css",
        move |kwargs: Kwargs, _: &State| -> TeraResult<Value> {
            let path: &str = kwargs.must_get("path")?;
            let rel = path.trim_start_matches('/');
            stylesheets.get(rel).cloned().ok_or_else(|| {
                Error::message(format!(
                    "inline_css: there is no stylesheet `{rel}` among the static files"
                ))
            })
        },
    );
    // get_url: content files by `@/path`, static and content files by path, with a hash of their
    // bytes as a query string so that browsers refetch them when they change.
    // Static files are at the site's root; files from content/ are in each language's folder.
    let mut files: HashMap<String, (u64, &str)> = site
        .static_files
        .iter()
        .map(|f| (f.rel.clone(), (f.hash, site.root.path.as_str())))
        .collect();
    files.extend(
        site.content_assets
            .iter()
            .map(|(f, output)| (output.clone(), (f.hash, site.base.path.as_str()))),
    );
    let files: HashMap<String, (u64, String)> = files
        .into_iter()
        .map(|(rel, (hash, at))| (rel, (hash, at.to_owned())))
        .collect();
    let mut content: HashMap<String, String> = site
        .pages
        .iter()
        .map(|p| (p.source.path.clone(), p.url.clone()))
        .collect();
    content.extend(
        site.sections
            .iter()
            .map(|s| (crate::site::section_path(&s.dir), s.url.clone())),
    );
    let base = site.base.clone();
    let default_cachebust = site.cachebust;
    // The URLs of static files under their content-hashed names.
    let hashed: HashMap<String, String> = (0..site.static_files.len())
        .filter_map(|i| {
            let output = plan.of(OutputOwner::Fingerprinted(i))?;
            Some((site.static_files[i].rel.clone(), output.url.clone()))
        })
        .collect();
    tera.register_function(
        "get_url",
        move |kwargs: Kwargs, _: &State| -> TeraResult<Value> {
            let path: &str = kwargs.must_get("path")?;
            let cachebust = kwargs
                .get::<bool>("cachebust")?
                .unwrap_or(default_cachebust);
            let absolute = kwargs.get::<bool>("absolute")?.unwrap_or(false);
            let url = if let Some(content_path) = path.strip_prefix("@/") {
                let (file, anchor) = content_path
                    .split_once('#')
                    .map_or((content_path, None), |(f, a)| (f, Some(a)));
                match content.get(file) {
                    Some(url) => anchor.map_or_else(|| url.clone(), |a| format!("{url}#{a}")),
                    None => {
                        return Err(Error::message(format!(
                            "get_url: there is no content file content/{file}{}",
                            suggestion(file, content.keys())
                        )));
                    }
                }
            } else {
                let rel = path.trim_start_matches('/');
                match files.get(rel) {
                    Some((hash, at)) if cachebust => match hashed.get(rel) {
                        Some(hashed) => hashed.clone(),
                        None => format!("{at}/{rel}?h={:010x}", hash >> 24),
                    },
                    Some((_, at)) => format!("{at}/{rel}"),
                    None => {
                        return Err(Error::message(format!(
                            "get_url: there is no static file `{rel}`{}",
                            suggestion(rel, files.keys())
                        )));
                    }
                }
            };
            Ok(Value::from(if absolute {
                base.permalink(&url)
            } else {
                url
            }))
        },
    );
}
