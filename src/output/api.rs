//! `api/v1/<kind>.json`: every entity of a kind with its fields, its page's absolute URL and the
//! ids of related entities. The schema is in docs/api.md. An SME's `embed_url` is given only when
//! the plan has its embed page (the theme may have no embed template).
//!
//! The document is pretty-printed JSON with its keys sorted, written item by item
//! ([`item`], [`document`]) so that after one entity's file is edited the incremental rebuild
//! makes that entity's item again and keeps the others' text.

use super::publish::absolute;
use crate::plan::{Embed, OutputOwner, OutputPlan};
use crate::site::{EntityKind, Site};
use rayon::prelude::*;

/// The whole document of `kind`.
pub fn api(site: &Site, plan: &OutputPlan, kind: EntityKind) -> String {
    let items: Vec<String> = (0..site.graph.count(kind))
        .into_par_iter()
        .map(|i| item(site, plan, kind, i))
        .collect();
    document(site, kind, &items)
}

/// The document of `kind` around `items` (each made by [`item`]).
pub fn document(site: &Site, kind: EntityKind, items: &[String]) -> String {
    let text = |s: &str| serde_json::to_string(s).unwrap_or_default();
    let mut out = String::with_capacity(items.iter().map(|i| i.len() + 2).sum::<usize>() + 200);
    if items.is_empty() {
        out.push_str("{\n  \"items\": [],\n");
    } else {
        out.push_str("{\n  \"items\": [\n");
        for (n, item) in items.iter().enumerate() {
            if n > 0 {
                out.push_str(",\n");
            }
            out.push_str(item);
        }
        out.push_str("\n  ],\n");
    }
    let site_url = absolute(site, "").trim_end_matches('/').to_owned() + "/";
    out.push_str(&format!(
        "  \"kind\": {},\n  \"site\": {},\n  \"version\": 1\n}}\n",
        text(kind.variable().1),
        text(&site_url)
    ));
    out
}

/// Entity `kind`/`i` as an item of the document: pretty-printed with its keys sorted, indented
/// for its place in the `items` list.
pub fn item(site: &Site, plan: &OutputPlan, kind: EntityKind, i: usize) -> String {
    let g = &site.graph;
    let ids = |kind: EntityKind, list: &[usize]| -> Vec<String> {
        list.iter().map(|&i| g.id(kind, i).to_owned()).collect()
    };
    let mut item = match kind {
        EntityKind::Partner => serde_json::to_value(&g.entities.partners[i].record),
        EntityKind::Sme => serde_json::to_value(&g.entities.smes[i].record),
        EntityKind::Mission => serde_json::to_value(&g.entities.missions[i].record),
        EntityKind::Practice => serde_json::to_value(&g.entities.practices[i].record),
    }
    .unwrap_or_default();
    item["id"] = g.id(kind, i).into();
    item["url"] = absolute(site, &g.output_dir(kind, i)).into();
    match kind {
        EntityKind::Partner => {
            item["smes"] = ids(EntityKind::Sme, &g.partner_smes[i]).into();
            item["missions"] = ids(EntityKind::Mission, &g.partner_missions[i]).into();
            item["practices"] = ids(EntityKind::Practice, &g.partner_practices[i]).into();
            item["description_html"] = g.partner_html[i].clone().into();
        }
        EntityKind::Sme => {
            item["missions"] = ids(EntityKind::Mission, &g.sme_missions[i]).into();
            item["offer_html"] = g.sme_html[i].clone().into();
            item["embed_url"] = plan
                .of(OutputOwner::Embed(Embed::Sme(i)))
                .map(|embed| site.permalink(&embed.url))
                .into();
        }
        EntityKind::Mission => {
            item["practices"] = ids(EntityKind::Practice, &g.mission_practices[i]).into();
            item["outcomes_html"] = g.mission_html[i].clone().into();
        }
        EntityKind::Practice => item["body_html"] = g.practice_html[i].clone().into(),
    }
    let pretty = serde_json::to_string_pretty(&item).unwrap_or_default();
    // Strings are escaped JSON, so every line break is the printer's own.
    let mut indented = String::with_capacity(pretty.len() + pretty.len() / 8);
    for (n, line) in pretty.lines().enumerate() {
        if n > 0 {
            indented.push('\n');
        }
        indented.push_str("    ");
        indented.push_str(line);
    }
    indented
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The document written item by item is what a JSON printer makes of the whole (keys
    /// sorted, two spaces an indent), for every kind of the PIMAP site.
    #[test]
    fn the_document_is_pretty_printed_json_with_sorted_keys() {
        let root = env!("CARGO_MANIFEST_DIR");
        let prepared = crate::prepare(&crate::BuildOptions::new(root)).unwrap();
        for kind in EntityKind::ALL {
            let text = api(&prepared.site, &prepared.plan, kind);
            let value: serde_json::Value = serde_json::from_str(&text).unwrap();
            let printed = serde_json::to_string_pretty(&value).unwrap() + "\n";
            assert_eq!(text, printed, "{kind:?}");
            assert_eq!(
                value["items"].as_array().map(Vec::len),
                Some(prepared.site.graph.count(kind))
            );
        }
        let empty = document(&prepared.site, EntityKind::Sme, &[]);
        let value: serde_json::Value = serde_json::from_str(&empty).unwrap();
        assert_eq!(empty, serde_json::to_string_pretty(&value).unwrap() + "\n");
    }
}
