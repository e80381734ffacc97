//! How many templates deep an include or extends chain goes, checked before Tera compiles them.
//!
//! Tera renders each included template in a new, large stack frame (tens of kilobytes in a
//! debug build) and has no bound of its own on how deep includes go: a chain of a few dozen
//! templates, each including the next, overflowed the stack and aborted pimap. Tera already
//! reports loops, and nesting within one template file (at 40 levels); this module bounds the
//! chains between files. It walks them without recursion, since a chain can be any length.
//!
//! It also collects, for each template, the ids that it and every template it extends or
//! includes write as literal `id="..."` attributes ([`written_ids`]): the `#main` of a page is
//! in the theme's `base.html`, not in the page's Markdown, and links to it are not broken.

use super::referenced_templates;
use crate::diagnostics::Diagnostic;
use crate::source::TemplateSource;
use std::collections::{HashMap, HashSet};

/// The longest chain of templates, each including or extending the next, that pimap renders.
pub const MAX_CHAIN: usize = 16;

/// An error for each template that starts a chain longer than [`MAX_CHAIN`] and is not itself
/// in a longer one.
pub fn check(templates: &[TemplateSource]) -> Vec<Diagnostic> {
    let by_name: HashMap<&str, &TemplateSource> =
        templates.iter().map(|t| (t.name.as_str(), t)).collect();
    let references: HashMap<&str, Vec<String>> = templates
        .iter()
        .map(|t| (t.name.as_str(), referenced_templates(&t.text)))
        .collect();
    let lengths = chain_lengths(&by_name, &references);
    let too_long = |name: &str| lengths.get(name).is_some_and(|&n| n > MAX_CHAIN);
    let referenced_by_too_long: HashSet<&str> = references
        .iter()
        .filter(|(name, _)| too_long(name))
        .flat_map(|(_, refs)| refs.iter().map(String::as_str))
        .collect();
    let mut starts: Vec<&TemplateSource> = templates
        .iter()
        .filter(|t| too_long(&t.name) && !referenced_by_too_long.contains(t.name.as_str()))
        .collect();
    starts.sort_by(|a, b| a.name.cmp(&b.name));
    starts
        .into_iter()
        .map(|start| too_long_error(start, &lengths, &references))
        .collect()
}

/// The length of the longest chain from each template (1 for one that includes nothing). A
/// reference back into a chain being walked (a loop, which Tera reports) adds nothing.
fn chain_lengths<'t>(
    by_name: &HashMap<&'t str, &'t TemplateSource>,
    references: &'t HashMap<&str, Vec<String>>,
) -> HashMap<&'t str, usize> {
    let mut lengths: HashMap<&str, usize> = HashMap::new();
    let mut walking: HashSet<&str> = HashSet::new();
    let mut names: Vec<&str> = by_name.keys().copied().collect();
    names.sort_unstable();
    for start in names {
        if lengths.contains_key(start) {
            continue;
        }
        // Each template being walked, with how many of its references are done.
        let mut stack: Vec<(&str, usize)> = vec![(start, 0)];
        walking.insert(start);
        while let Some((name, done)) = stack.last_mut() {
            let refs = &references[*name];
            if let Some(next) = refs.get(*done) {
                *done += 1;
                if let Some((&next, _)) = by_name.get_key_value(next.as_str()) {
                    if !lengths.contains_key(next) && walking.insert(next) {
                        stack.push((next, 0));
                    }
                }
                continue;
            }
            let longest = refs
                .iter()
                .filter_map(|r| lengths.get(r.as_str()))
                .max()
                .copied()
                .unwrap_or(0);
            let name = *name;
            lengths.insert(name, longest + 1);
            walking.remove(name);
            stack.pop();
        }
    }
    lengths
}

/// For each template by name, the ids written literally (`id="main"`, not `id="{{ x }}"`, nor
/// in a `{# comment #}`) in it and in every template it extends or includes, up to
/// [`MAX_CHAIN`] templates deep (a longer chain is an error of its own): so the work stays
/// proportional to the templates' text, whatever a theme's chains look like.
pub fn written_ids(templates: &[TemplateSource]) -> HashMap<String, HashSet<String>> {
    let references: HashMap<&str, Vec<String>> = templates
        .iter()
        .map(|t| (t.name.as_str(), referenced_templates(&t.text)))
        .collect();
    let own: HashMap<&str, Vec<&str>> = templates
        .iter()
        .map(|t| (t.name.as_str(), literal_ids(&t.text)))
        .collect();
    templates
        .iter()
        .map(|t| {
            let mut ids = HashSet::new();
            let mut seen = HashSet::from([t.name.as_str()]);
            let mut to_read = vec![(t.name.as_str(), 1)];
            while let Some((name, depth)) = to_read.pop() {
                ids.extend(
                    own.get(name)
                        .into_iter()
                        .flatten()
                        .map(|id| (*id).to_owned()),
                );
                if depth >= MAX_CHAIN {
                    continue;
                }
                for next in references.get(name).into_iter().flatten() {
                    if seen.insert(next.as_str()) {
                        to_read.push((next.as_str(), depth + 1));
                    }
                }
            }
            (t.name.clone(), ids)
        })
        .collect()
}

/// The values of the `id` attributes of `text` written without Tera in them, outside Tera
/// comments. An id inside `{% if %}`, or in a block a child template replaces, counts too: the
/// check of anchors trusts the theme's templates to write the ids they name.
fn literal_ids(text: &str) -> Vec<&str> {
    let mut ids = Vec::new();
    let comments = comment_ranges(text);
    for (at, _) in text.match_indices("id=") {
        if comments.iter().any(|range| range.contains(&at)) {
            continue;
        }
        let after_space = text[..at].ends_with(|c: char| c.is_ascii_whitespace());
        let rest = &text[at + 3..];
        let Some(quote) = rest.chars().next().filter(|c| *c == '"' || *c == '\'') else {
            continue;
        };
        let Some((value, _)) = rest[1..].split_once(quote) else {
            continue;
        };
        if after_space && !value.is_empty() && !value.contains(['{', '}', '<', '>']) {
            ids.push(value);
        }
    }
    ids
}

/// The byte ranges of the Tera comments (`{# ... #}`) of `text`; an unclosed one runs to the end.
fn comment_ranges(text: &str) -> Vec<std::ops::Range<usize>> {
    let mut ranges = Vec::new();
    let mut from = 0;
    while let Some(start) = text[from..].find("{#").map(|i| from + i) {
        let end = text[start + 2..]
            .find("#}")
            .map_or(text.len(), |i| start + 2 + i + 2);
        ranges.push(start..end);
        from = end;
    }
    ranges
}

fn too_long_error(
    start: &TemplateSource,
    lengths: &HashMap<&str, usize>,
    references: &HashMap<&str, Vec<String>>,
) -> Diagnostic {
    // The chain, following the longest reference of each template.
    let mut chain = vec![start.name.as_str()];
    let mut seen: HashSet<&str> = chain.iter().copied().collect();
    while let Some(next) = references[chain[chain.len() - 1]]
        .iter()
        .filter(|r| lengths.contains_key(r.as_str()) && !seen.contains(r.as_str()))
        .max_by_key(|r| lengths[r.as_str()])
    {
        seen.insert(next);
        chain.push(next);
    }
    let shown = if chain.len() > 4 {
        format!(
            "{} → … → {}",
            chain[..3].join(" → "),
            chain[chain.len() - 1]
        )
    } else {
        chain.join(" → ")
    };
    let message = format!(
        "templates include or extend each other {} deep from here ({shown}); pimap follows at \
         most {MAX_CHAIN}",
        lengths[start.name.as_str()]
    );
    let help = "include the templates at the end of the chain directly, or merge some of them";
    let place = chain
        .get(1)
        .and_then(|next| start.text.find(next))
        .map(|offset| crate::diagnostics::line_col(&start.text, offset));
    match place {
        Some((line, col)) => Diagnostic::error_at(&start.file, &start.text, line, col, message),
        None => Diagnostic::file_error(&start.file, message),
    }
    .with_help(help)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn template(name: &str, text: &str) -> TemplateSource {
        TemplateSource {
            name: name.to_owned(),
            file: format!("templates/{name}").into(),
            text: text.to_owned(),
        }
    }

    fn chain(length: usize) -> Vec<TemplateSource> {
        (0..length)
            .map(|i| {
                let text = if i + 1 < length {
                    format!("<p>{{% include \"t{}.html\" %}}</p>", i + 1)
                } else {
                    "end".to_owned()
                };
                template(&format!("t{i}.html"), &text)
            })
            .collect()
    }

    #[test]
    fn chains_up_to_the_bound_pass() {
        assert!(check(&chain(MAX_CHAIN)).is_empty());
    }

    #[test]
    fn a_longer_chain_is_one_error_at_its_first_include() {
        let errors = check(&chain(MAX_CHAIN + 5));
        assert_eq!(errors.len(), 1);
        assert_eq!(
            errors[0].path,
            std::path::PathBuf::from("templates/t0.html")
        );
        assert_eq!((errors[0].line, errors[0].col), (1, 16));
        assert_eq!(
            errors[0].message,
            "templates include or extend each other 21 deep from here (t0.html → t1.html → t2.html → … → t20.html); pimap follows at most 16"
        );
    }

    #[test]
    fn the_ids_a_template_writes_include_those_of_its_chain() {
        let templates = [
            template(
                "base.html",
                "<main id=\"main\">{% block content %}{% endblock %}</main>",
            ),
            template(
                "page.html",
                "{% extends \"base.html\" %}{% block content %}<div data-id=\"no\" id='toc'>\
                 {% include \"nav.html\" %}<p id=\"{{ page.slug }}\"></p>{% endblock %}",
            ),
            template(
                "nav.html",
                "<nav id=\"menu\">{% include \"page.html\" %}</nav>",
            ),
            template(
                "other.html",
                "<p id=\"other\"></p>{# <p id=\"gone\"> #}<p id=\"after\"></p>",
            ),
        ];
        let ids = written_ids(&templates);
        let sorted = |name: &str| {
            let mut list: Vec<&str> = ids[name].iter().map(String::as_str).collect();
            list.sort_unstable();
            list
        };
        assert_eq!(sorted("page.html"), ["main", "menu", "toc"]);
        assert_eq!(sorted("base.html"), ["main"]);
        assert_eq!(sorted("nav.html"), ["main", "menu", "toc"], "a loop ends");
        assert_eq!(sorted("other.html"), ["after", "other"], "not in a comment");
    }

    #[test]
    fn the_ids_of_a_long_chain_are_collected_no_deeper_than_a_chain_may_be() {
        let mut templates = chain(20_000);
        for (i, t) in templates.iter_mut().enumerate() {
            t.text.push_str(&format!("<p id=\"t{i}\"></p>"));
        }
        let ids = written_ids(&templates);
        assert_eq!(ids[&templates[0].name].len(), MAX_CHAIN);
        assert_eq!(ids[&templates[19_999].name].len(), 1);
    }

    #[test]
    fn loops_and_long_chains_are_walked_without_recursion() {
        let mut templates = chain(20_000);
        templates.push(template("a.html", "{% include \"b.html\" %}"));
        templates.push(template("b.html", "{% extends \"a.html\" %}"));
        let errors = check(&templates);
        assert_eq!(errors.len(), 1, "{errors:?}");
    }
}
