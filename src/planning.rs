//! Reading, resolving and planning a site in each of its languages, before anything is bound
//! to templates or rendered: [`plan_languages`] does it for every language at once (each
//! language's plan knows the others' pages, for the alternates), and [`Planned::bind`] binds one
//! language's site to the templates when its turn comes. `pimap build` binds, renders and drops
//! one language at a time; `pimap serve` and `pimap check` bind them all ([`crate::prepare`]).

use crate::{BuildError, BuildOptions, Diagnostic, Prepared};
use crate::{diagnostics, pictures, plan, render, site, source};
use std::collections::HashSet;
use std::path::PathBuf;

/// A site read, resolved and planned in each of its languages, not yet bound to its templates.
pub(crate) struct Planned {
    /// Each language's site and plan, the default language's first.
    pub(crate) languages: Vec<(site::Site, plan::OutputPlan)>,
    pub(crate) templates: render::Templates,
    /// Every problem found that is not an error.
    pub(crate) warnings: Vec<Diagnostic>,
    pub(crate) cache_dir: Option<PathBuf>,
    pub(crate) picture_manifest: std::sync::Arc<pictures::manifest::PictureManifest>,
}

/// Reads and resolves the site at `options.root` and plans its outputs, in each of its
/// languages; each language's site knows the others' pages ([`plan::languages::Alternates`]).
/// With [`site::Texts::Shared`], a further language's own texts (its translations) are made and
/// checked later, by [`check_own_texts`]; when the site has errors, they are made here, so that
/// every problem is reported.
pub(crate) fn plan_languages(
    options: &BuildOptions,
    texts: site::Texts,
) -> Result<Planned, BuildError> {
    if !options.root.is_dir() {
        return Err(BuildError::Usage(format!(
            "{} is not a folder",
            options.root.display()
        )));
    }
    let picture_manifest = std::sync::Arc::new(pictures::manifest::PictureManifest::load(
        options.cache_dir.as_deref(),
    ));
    let load_options = source::LoadOptions {
        root: options.root.clone(),
        base_url: options.base_url.clone(),
        drafts: options.drafts,
        today: options.today,
        pictures: picture_manifest.clone(),
    };
    let mut sources =
        source::load(&load_options).map_err(|d| BuildError::Site(diagnostics::normalize(d)))?;
    let template_sources = std::mem::take(&mut sources.templates);
    let views = source::languages::views(sources);
    let (resolved, compiled) = rayon::join(
        || resolve_languages(views, texts),
        || render::Templates::compile(&template_sources),
    );
    let template_names: HashSet<String> = template_sources.iter().map(|t| t.name.clone()).collect();
    let template_ids = std::sync::Arc::new(render::written_ids(&template_sources));
    let mut problems = Vec::new();
    let mut planned = Vec::with_capacity(resolved.len());
    // Which languages have all their texts, and can be checked now.
    let complete = if texts == site::Texts::All {
        resolved.len()
    } else {
        1
    };
    for (mut site, site_problems) in resolved {
        site.cachebust = options.cachebust;
        site.template_ids = template_ids.clone();
        problems.extend(site_problems);
        let (plan, plan_problems) = plan::OutputPlan::build(&site, &template_names);
        problems.extend(plan_problems);
        if planned.len() < complete {
            problems.extend(plan::site_links::check(&site, &plan));
        }
        planned.push((site, plan));
    }
    let templates = match compiled {
        Ok(templates) => {
            for (site, _) in planned.iter().take(complete) {
                problems.extend(render::check_shortcodes(site, &templates));
            }
            templates
        }
        Err(errors) => {
            problems.extend(errors);
            problems.extend(check_every_own_text(&mut planned, complete, None));
            return Err(BuildError::Site(diagnostics::normalize(problems)));
        }
    };
    if problems.iter().any(Diagnostic::is_error) {
        problems.extend(check_every_own_text(
            &mut planned,
            complete,
            Some(&templates),
        ));
        return Err(BuildError::Site(diagnostics::normalize(problems)));
    }
    if planned.is_empty() {
        return Err(BuildError::Usage("the site has no language".to_owned()));
    }
    let alternates = std::sync::Arc::new(plan::languages::Alternates::build(
        &planned.iter().map(|(site, _)| site).collect::<Vec<_>>(),
        &planned.iter().map(|(_, plan)| plan).collect::<Vec<_>>(),
    ));
    for (site, _) in &mut planned {
        site.alternates = alternates.clone();
    }
    Ok(Planned {
        languages: planned,
        templates,
        warnings: diagnostics::normalize(problems),
        cache_dir: options.cache_dir.clone(),
        picture_manifest,
    })
}

/// Makes the own texts of the further languages from `planned[complete..]` and checks them
/// ([`check_own_texts`]), for a site that has errors.
fn check_every_own_text(
    planned: &mut [(site::Site, plan::OutputPlan)],
    complete: usize,
    templates: Option<&render::Templates>,
) -> Vec<Diagnostic> {
    let Some(((default, _), further)) = planned.split_first_mut() else {
        return Vec::new();
    };
    let further = further.iter_mut().skip(complete.saturating_sub(1));
    further
        .flat_map(|(site, plan)| check_own_texts(site, plan, default, templates))
        .collect()
}

/// Makes the texts of a further language's `site` that planning left for later (see
/// [`plan_languages`]), and checks the links and shortcodes of all its texts, which need them.
pub(crate) fn check_own_texts(
    site: &mut site::Site,
    plan: &plan::OutputPlan,
    default: &site::Site,
    templates: Option<&render::Templates>,
) -> Vec<Diagnostic> {
    let mut problems = site::render_own_texts(site, default);
    problems.extend(plan::site_links::check(site, plan));
    if let Some(templates) = templates {
        problems.extend(render::check_shortcodes(site, templates));
    }
    problems
}

/// Resolves each language's view of the site: the default language's first, then the others in
/// parallel, sharing the default language's rendered Markdown where they show its text; `texts`
/// says which of a further language's texts are made now.
fn resolve_languages(
    views: Vec<source::SiteSources>,
    texts: site::Texts,
) -> Vec<(site::Site, Vec<Diagnostic>)> {
    use rayon::prelude::*;
    let text_pictures = site::text_pictures(&views);
    let mut views = views.into_iter();
    let Some(default_view) = views.next() else {
        return Vec::new();
    };
    let default = site::resolve(default_view, &text_pictures);
    let further: Vec<_> = views
        .collect::<Vec<_>>()
        .into_par_iter()
        .map(|view| site::resolve_sharing(view, Some(&default.0), &text_pictures, texts))
        .collect();
    std::iter::once(default).chain(further).collect()
}

impl Planned {
    /// Binds one language's site to a copy of the templates, moving its HTML into the
    /// template values.
    pub(crate) fn bind(
        &self,
        mut site: site::Site,
        plan: plan::OutputPlan,
        warnings: Vec<Diagnostic>,
    ) -> Result<Prepared, BuildError> {
        let mut templates = self.templates.clone();
        let values = templates
            .bind(&mut site, &plan)
            .map_err(|d| BuildError::Site(diagnostics::normalize(d)))?;
        Ok(Prepared {
            site,
            templates,
            values,
            plan,
            warnings,
            further: Vec::new(),
            cache_dir: self.cache_dir.clone(),
            picture_manifest: self.picture_manifest.clone(),
        })
    }
}
