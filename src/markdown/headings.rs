//! Headings: each gets a unique id (the way GitHub and Hugo make it, or the `{#id}` written
//! after it) and a permalink anchor, and the headings of a page make its table of contents.

use super::{Located, Pipeline, escape};
use pulldown_cmark::{Event, HeadingLevel};
use serde::Serialize;

/// One entry of a table of contents.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TocEntry {
    pub level: u32,
    pub id: String,
    pub title: String,
    pub children: Vec<TocEntry>,
}

impl<'a> Pipeline<'_, '_> {
    pub(super) fn heading(
        &mut self,
        level: HeadingLevel,
        explicit: Option<String>,
        offset: usize,
        inner: Vec<Located<'a>>,
        events: &mut Vec<Located<'a>>,
    ) {
        let mut title = String::new();
        for (event, _) in &inner {
            if let Event::Text(text) | Event::Code(text) = event {
                title.push_str(text);
            }
        }
        let base = explicit.unwrap_or_else(|| {
            let slug = heading_id(&title);
            if slug.is_empty() {
                "section".to_owned()
            } else {
                slug
            }
        });
        let id = self.unique_id(base);
        let level_number = level as u32;
        self.anchors.insert(id.clone());
        let open = format!("<h{level_number} id=\"{id}\">");
        events.push((Event::Html(open.into()), offset));
        events.extend(inner);
        let label = escape(&title);
        let close = format!(
            " <a class=\"heading-anchor\" href=\"#{id}\"><span aria-hidden=\"true\">#</span><span class=\"visually-hidden\">Link to the section “{label}”</span></a></h{level_number}>\n"
        );
        events.push((Event::Html(close.into()), offset));
        self.headings.push((level_number, id, title));
    }

    fn unique_id(&mut self, base: String) -> String {
        let mut candidate = base.clone();
        loop {
            let count = self.ids.entry(candidate.clone()).or_insert(0);
            *count += 1;
            if *count == 1 {
                return candidate;
            }
            candidate = format!("{base}-{}", *count - 1);
        }
    }
}

/// The id of a heading, made the way GitHub (and Hugo by default) make it, so that an anchor
/// copied from elsewhere works: lower case; letters (any script), digits, `-` and `_` kept; each
/// space becomes `-`; everything else (punctuation, symbols, emoji) left out. `Smileys & Emotion`
/// gives `smileys--emotion`. Repeats get `-1`, `-2`... (in `Pipeline::unique_id`).
pub fn heading_id(text: &str) -> String {
    text.trim()
        .chars()
        .filter_map(|c| match c {
            ' ' => Some('-'),
            '-' | '_' => Some(c),
            c if c.is_alphanumeric() => Some(c),
            _ => None,
        })
        .flat_map(char::to_lowercase)
        .collect()
}

/// The table of contents: headings nested under the closest heading of a higher level before
/// them.
pub(super) fn nest_toc(flat: Vec<(u32, String, String)>) -> Vec<TocEntry> {
    let mut root: Vec<TocEntry> = Vec::new();
    for (level, id, title) in flat {
        let entry = TocEntry {
            level,
            id,
            title,
            children: Vec::new(),
        };
        let mut siblings = &mut root;
        while siblings.last().is_some_and(|last| last.level < level) {
            siblings = &mut siblings.last_mut().expect("checked non-empty").children;
        }
        siblings.push(entry);
    }
    root
}

#[cfg(test)]
mod tests {
    use super::super::tests::render_body;

    #[test]
    fn headings_get_unique_ids_and_anchors() {
        let out = render_body("a.md", "## Intro\n\n## Intro\n\n### Déjà vu {#custom}\n");
        assert!(
            out.html
                .starts_with("<h2 id=\"intro\">Intro <a class=\"heading-anchor\" href=\"#intro\">"),
            "{}",
            out.html
        );
        assert!(out.html.contains("<h2 id=\"intro-1\">"));
        assert!(out.html.contains("<h3 id=\"custom\">"));
        assert_eq!(out.toc.len(), 2);
        assert_eq!(out.toc[1].children[0].title, "Déjà vu");
    }

    #[test]
    fn heading_ids_are_made_the_way_github_and_hugo_make_them() {
        let out = render_body(
            "a.md",
            "## Smileys & Emotion\n\n## C++ code\n\n## Ça va, `été`?\n\n## Smileys & Emotion\n\n## snake_case-name\n\n## 🎉\n",
        );
        for id in [
            "smileys--emotion",
            "c-code",
            "ça-va-été",
            "smileys--emotion-1",
            "snake_case-name",
            "section",
        ] {
            assert!(out.anchors.contains(id), "{id} in {:?}", out.anchors);
        }
    }
}
