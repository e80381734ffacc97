//! The same output in every language: what the language switcher, `hreflang` links, canonical
//! URLs of fallback pages and the sitemap's alternates read.
//!
//! Outputs of different languages are the same output when they show the same source: a page
//! or a section (whose path may differ, with a translated slug) is matched by its index, which
//! is the same in every language because every language has every page; every other output by
//! its path inside the language's folder. An output is *translated* in a language unless it
//! shows the default language's text there: a page or section without a translation, an
//! entity without an overlay (its page and its embed). Lists, facets and other pages made by
//! pimap are written in each language's words, so they count as translated.

use super::{Embed, OutputOwner, OutputPlan, PagedList, PlannedOutput};
use crate::site::{EntityKind, Site};
use std::collections::HashMap;

/// What identifies an output across languages.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
enum Key {
    Owner(OutputOwner),
    Path(String),
}

/// One language's version of an output.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Version {
    /// BCP 47 code.
    pub code: String,
    /// The language's name in itself.
    pub name: String,
    /// The site path of the output in that language.
    pub url: String,
    /// The absolute URL.
    pub permalink: String,
    /// Whether that version is written in that language (not a fallback).
    pub translated: bool,
}

/// Every language's outputs, by what identifies them across languages.
#[derive(Debug, Default)]
pub struct Alternates {
    /// Code and name of each language, the default one first.
    languages: Vec<(String, String)>,
    /// For each language: key -> (site path, absolute URL, translated).
    outputs: Vec<HashMap<Key, (String, String, bool)>>,
}

impl Alternates {
    /// Matches the outputs of every language's site and plan (the default language first).
    pub fn build(sites: &[&Site], plans: &[&OutputPlan]) -> Alternates {
        let mut table = Alternates::default();
        for (site, plan) in sites.iter().zip(plans) {
            table
                .languages
                .push((site.language.code.clone(), site.language.name.clone()));
            let outputs = plan
                .outputs
                .iter()
                .map(|output| {
                    let value = (
                        output.url.clone(),
                        site.permalink(&output.url),
                        is_translated(site, output.owner),
                    );
                    (key(site, output), value)
                })
                .collect();
            table.outputs.push(outputs);
        }
        table
    }

    /// Whether the site has more than one language.
    pub fn is_multilingual(&self) -> bool {
        self.languages.len() > 1
    }

    /// `output` of `site` in every language, in the order of `site.yaml`.
    pub fn versions(&self, site: &Site, output: &PlannedOutput) -> Vec<Version> {
        let key = key(site, output);
        self.languages
            .iter()
            .zip(&self.outputs)
            .filter_map(|((code, name), outputs)| {
                let (url, permalink, translated) = outputs.get(&key)?;
                Some(Version {
                    code: code.clone(),
                    name: name.clone(),
                    url: url.clone(),
                    permalink: permalink.clone(),
                    translated: *translated,
                })
            })
            .collect()
    }

    /// The home page of every language, for outputs with no counterpart (the 404 page).
    pub fn homes(&self) -> Vec<Version> {
        self.languages
            .iter()
            .zip(&self.outputs)
            .filter_map(|((code, name), outputs)| {
                let (url, permalink, _) = outputs.get(&Key::Owner(OutputOwner::Section(0)))?;
                Some(Version {
                    code: code.clone(),
                    name: name.clone(),
                    url: url.clone(),
                    permalink: permalink.clone(),
                    translated: true,
                })
            })
            .collect()
    }
}

/// What identifies `output` across languages.
fn key(site: &Site, output: &PlannedOutput) -> Key {
    match output.owner {
        OutputOwner::Page(_)
        | OutputOwner::Section(_)
        | OutputOwner::Feed(_)
        | OutputOwner::ListPage(PagedList::Section(_), _)
        | OutputOwner::FirstPageRedirect(PagedList::Section(_)) => Key::Owner(output.owner),
        _ => {
            let folder = site.language.folder();
            let path = output.path.strip_prefix(&folder).unwrap_or(&output.path);
            Key::Path(path.to_owned())
        }
    }
}

/// Whether `owner` is written in `site`'s language rather than shown with the default
/// language's text.
pub fn is_translated(site: &Site, owner: OutputOwner) -> bool {
    let language = &site.language;
    if language.is_default {
        return true;
    }
    let entity = |kind: EntityKind, i: usize| {
        let file = format!("{}/{}.yaml", kind.variable().1, site.graph.id(kind, i));
        !language.fallback_entities.contains(&file)
    };
    match owner.shown() {
        OutputOwner::Page(i) => !language.fallback.contains(&site.pages[i].source.path),
        OutputOwner::Section(i) => !language
            .fallback
            .contains(&crate::site::section_path(&site.sections[i].dir)),
        OutputOwner::Entity(kind, i) => entity(kind, i),
        OutputOwner::Embed(Embed::Sme(i)) | OutputOwner::OEmbed(Embed::Sme(i)) => {
            entity(EntityKind::Sme, i)
        }
        _ => true,
    }
}
