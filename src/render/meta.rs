//! The `meta` variable: what a page says about itself to search engines and link previews:
//! title, description, canonical URL, OpenGraph type, and JSON-LD (`Organization` for partners
//! and SMEs, `Event` for missions, `NewsArticle` for dated pages, `WebPage` otherwise).

use crate::plan::{Embed, OutputOwner, OutputPlan};
use crate::site::{EntityKind, Site};
use crate::source::data::Organiser;
use serde_json::{Value as Json, json};
use tera::Value;

fn organization(
    site: &Site,
    name: &str,
    url: &str,
    website: Option<&str>,
    city: &str,
    country: &str,
    description: &str,
) -> Json {
    let mut org = json!({
        "@context": "https://schema.org",
        "@type": "Organization",
        "name": name,
        "url": site.permalink(url),
        "description": description,
        "address": { "@type": "PostalAddress", "addressLocality": city, "addressCountry": country },
    });
    if let Some(website) = website {
        org["sameAs"] = json!([website]);
    }
    org
}

/// The JSON-LD of an output, as text safe inside a `<script>` element.
fn json_ld(site: &Site, owner: OutputOwner, title: &str, description: &str, url: &str) -> String {
    let graph = &site.graph;
    let value = match owner {
        OutputOwner::Entity(EntityKind::Partner, i) => {
            let p = &graph.entities.partners[i].record;
            organization(
                site,
                &p.name,
                url,
                p.website.as_ref().map(|w| w.0.as_str()),
                &p.city,
                &p.country.0,
                &p.summary,
            )
        }
        OutputOwner::Entity(EntityKind::Sme, i) => {
            let s = &graph.entities.smes[i].record;
            let mut org = organization(
                site,
                &s.name,
                url,
                s.website.as_ref().map(|w| w.0.as_str()),
                &s.city,
                &s.country.0,
                description,
            );
            org["knowsAbout"] = json!(s.technologies);
            org
        }
        OutputOwner::Entity(EntityKind::Mission, i) => {
            let m = &graph.entities.missions[i].record;
            let organisers: Vec<Json> = m
                .organisers
                .iter()
                .map(|o| match o {
                    Organiser::Partner(id) => graph
                        .find(EntityKind::Partner, id)
                        .map_or(id.as_str(), |p| {
                            graph.entities.partners[p].record.name.as_str()
                        }),
                    Organiser::Outside(o) => o.name.as_str(),
                })
                .map(|name| json!({ "@type": "Organization", "name": name }))
                .collect();
            let dates = m.dates();
            json!({
                "@context": "https://schema.org",
                "@type": "Event",
                "name": m.title,
                "description": m.summary,
                "startDate": dates.start_str(),
                "endDate": dates.end_str(),
                "eventAttendanceMode": "https://schema.org/OfflineEventAttendanceMode",
                "location": { "@type": "Place", "name": m.city, "address": { "@type": "PostalAddress", "addressLocality": m.city, "addressCountry": m.country.0 } },
                "organizer": organisers,
                "url": site.permalink(url),
            })
        }
        OutputOwner::Page(i) if site.pages[i].front.date.is_some() => {
            let p = &site.pages[i].front;
            let published = p.date.as_ref().map(|d| d.start_str().to_owned());
            json!({
                "@context": "https://schema.org",
                "@type": "NewsArticle",
                "headline": title,
                "description": description,
                "datePublished": published,
                "dateModified": p.updated.as_ref().map(|d| d.start_str().to_owned()).or(published),
                "url": site.permalink(url),
                "publisher": { "@type": "Organization", "name": site.config.title },
            })
        }
        _ => json!({
            "@context": "https://schema.org",
            "@type": "WebPage",
            "name": title,
            "description": description,
            "url": site.permalink(url),
        }),
    };
    // A work's language: the page's, or the default language's where it shows that text.
    let mut value = value;
    if let Some(object) = value
        .as_object_mut()
        .filter(|o| o["@type"] != "Organization")
    {
        let language = match crate::plan::languages::is_translated(site, owner) {
            true => &site.config.language,
            false => &site.language.default_code,
        };
        object.insert("inLanguage".to_owned(), json!(language));
    }
    // No `<` inside a script element (`</script>`, `<!--`): `\u003c` means the same in JSON.
    value.to_string().replace('<', "\\u003c")
}

/// The `meta` variable of an output whose title, description and URL the caller knows.
pub fn meta(
    site: &Site,
    plan: &OutputPlan,
    owner: OutputOwner,
    title: &str,
    description: Option<&str>,
    url: &str,
) -> Value {
    let description = description
        .filter(|d| !d.trim().is_empty())
        .unwrap_or(&site.config.description);
    let og_type = match owner {
        OutputOwner::Page(i) if site.pages[i].front.date.is_some() => "article",
        _ => "website",
    };
    let mut fields = std::collections::BTreeMap::new();
    fields.insert("title", Value::from(title));
    fields.insert("description", Value::from(description));
    fields.insert("url", Value::from(site.permalink(url)));
    fields.insert("og_type", Value::from(og_type));
    fields.insert(
        "json_ld",
        Value::safe_string(&json_ld(site, owner, title, description, url)),
    );
    // oEmbed discovery for pages that have an embed.
    let oembed = match owner {
        OutputOwner::Entity(EntityKind::Sme, i) => plan.of(OutputOwner::OEmbed(Embed::Sme(i))),
        OutputOwner::Entity(EntityKind::Partner, i) => {
            plan.of(OutputOwner::OEmbed(Embed::ClusterSmes(i, None)))
        }
        _ => None,
    };
    fields.insert(
        "oembed",
        oembed.map_or_else(Value::none, |output| {
            Value::from(site.permalink(&output.url))
        }),
    );
    fields.insert("image", shared_image(site, owner));
    Value::from(fields)
}

/// The picture shown when the output is shared (`og:image`): an SME page's first photo, 1200
/// pixels wide (or as wide as it is), with its absolute URL; none for other outputs.
fn shared_image(site: &Site, owner: OutputOwner) -> Value {
    let OutputOwner::Entity(EntityKind::Sme, i) = owner else {
        return Value::none();
    };
    let set = site.graph.entities.smes[i]
        .record
        .photos
        .first()
        .and_then(|photo| {
            let rel = crate::source::picture_fields::media_rel("smes", &photo.file);
            let picture = &site.pictures[site.picture_index(&rel)?];
            // Pictures belong to the whole site: every language shares the same file.
            crate::plan::picture_set(
                &site.root.path,
                picture,
                Some(&[crate::pictures::SHARE_WIDTH]),
            )
            .map(|set| (set, photo.alt.as_str()))
        });
    let Some((set, alt)) = set else {
        return Value::none();
    };
    let mut image = std::collections::BTreeMap::new();
    image.insert("url", Value::from(site.permalink(&set.src)));
    image.insert("width", Value::from(set.width));
    image.insert("height", Value::from(set.height));
    image.insert("type", Value::from(set.media_type.as_str()));
    image.insert("alt", Value::from(alt));
    Value::from(image)
}

/// Title and description of an output, from its source.
pub fn describe(site: &Site, owner: OutputOwner) -> (String, Option<String>) {
    let g = &site.graph;
    match owner {
        OutputOwner::Page(i) => (
            site.pages[i].front.title.clone(),
            site.pages[i].front.description.clone(),
        ),
        OutputOwner::Section(i) if site.sections[i].dir.is_empty() => (
            site.config.title.clone(),
            site.sections[i].front.description.clone(),
        ),
        OutputOwner::Section(i) => (
            site.sections[i].front.title.clone(),
            site.sections[i].front.description.clone(),
        ),
        OutputOwner::Entity(EntityKind::Partner, i) => (
            g.entities.partners[i].record.name.clone(),
            Some(g.entities.partners[i].record.summary.clone()),
        ),
        OutputOwner::Entity(EntityKind::Sme, i) => {
            let s = &g.entities.smes[i].record;
            (
                s.name.clone(),
                Some(format!(
                    "{}, {}: {}.",
                    s.name,
                    s.city,
                    s.technologies.join(", ")
                )),
            )
        }
        OutputOwner::Entity(EntityKind::Mission, i) => (
            g.entities.missions[i].record.title.clone(),
            Some(g.entities.missions[i].record.summary.clone()),
        ),
        OutputOwner::Entity(EntityKind::Practice, i) => (
            g.entities.practices[i].record.title.clone(),
            Some(g.entities.practices[i].record.summary.clone()),
        ),
        OutputOwner::EntityList(kind) => {
            let section = site.sections.iter().find(|s| s.output_dir == kind.dir());
            (
                section.map_or(kind.default_title().to_owned(), |s| s.front.title.clone()),
                section.and_then(|s| s.front.description.clone()),
            )
        }
        OutputOwner::FacetIndex(kind) => (kind.title().to_owned(), None),
        OutputOwner::Search => (
            "Search".to_owned(),
            Some(format!(
                "Search the SMEs, partners, missions, practices and news of {}.",
                site.config.title
            )),
        ),
        OutputOwner::Embed(Embed::Sme(i)) => (g.entities.smes[i].record.name.clone(), None),
        OutputOwner::Embed(Embed::ClusterSmes(p, _)) => (
            format!("SMEs of {}", g.entities.partners[p].record.name),
            None,
        ),
        OutputOwner::Facet(kind, i) => (
            format!("{}: {}", kind.title(), g.facets(kind)[i].name),
            None,
        ),
        OutputOwner::Taxonomy(t) => (site.taxonomy_title(t), None),
        OutputOwner::Term(t, i) => (
            format!(
                "{}: {}",
                site.taxonomy_title(t),
                site.taxonomies[t].terms[i].name
            ),
            None,
        ),
        _ => ("Page not found".to_owned(), None),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn script_endings_are_escaped() {
        let text = serde_json::json!({ "x": "</script>" })
            .to_string()
            .replace("</", "<\\/");
        assert_eq!(text, "{\"x\":\"<\\/script>\"}");
    }
}
