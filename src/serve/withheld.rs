//! The preview's answer for the address of a page that the build leaves out (a draft when
//! drafts are off, a page or an entity outside its publication window): a 404 that says which
//! file it is, why it is not published and how to publish it, instead of the site's generic 404.
//!
//! The pages are made once per build from [`crate::site::Site::withheld`]; the server looks a
//! missing address up here before it falls back to `404.html`.

use crate::markdown::escape;
use crate::site::Withheld;
use std::collections::HashMap;

/// Explanation pages by site path (`/news/draft/`).
#[derive(Debug, Default, Clone)]
pub struct WithheldPages(HashMap<String, Vec<u8>>);

impl WithheldPages {
    pub fn new(withheld: &[Withheld]) -> WithheldPages {
        WithheldPages(
            withheld
                .iter()
                .map(|item| (item.url.clone(), page(item).into_bytes()))
                .collect(),
        )
    }

    /// The page for a decoded request path: `/news/draft/`, `/news/draft` or
    /// `/news/draft/index.html`.
    pub fn get(&self, path: &str) -> Option<&[u8]> {
        let folder = path.strip_suffix("index.html").unwrap_or(path);
        let key = if folder.ends_with('/') {
            folder.to_owned()
        } else {
            format!("{folder}/")
        };
        self.0.get(&key).map(Vec::as_slice)
    }
}

fn page(item: &Withheld) -> String {
    let file = item.file.to_string_lossy().replace('\\', "/");
    let explanation = escape(&item.publication.how_to_publish(&file));
    // `code` spans for the front matter written between backquotes.
    let explanation = explanation
        .split('`')
        .enumerate()
        .map(|(i, part)| {
            if i % 2 == 1 {
                format!("<code>{part}</code>")
            } else {
                part.to_owned()
            }
        })
        .collect::<String>();
    format!(
        "<!doctype html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>Not published: {url}</title>\n<style>body{{font-family:system-ui,sans-serif;line-height:1.6;max-width:42rem;margin:2rem auto;padding:0 1rem;color:#1b2433;background:#fff}}code{{background:#f3f6fb;padding:0 .2rem}}@media (prefers-color-scheme:dark){{body{{color:#e6ebf2;background:#0d1524}}code{{background:#16213a}}}}</style>\n</head>\n<body>\n<main>\n<h1>This page is not published</h1>\n<p>{explanation}</p>\n<p>Address: <code>{url}</code></p>\n</main>\n</body>\n</html>\n",
        url = escape(&item.url),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::publication::Publication;

    #[test]
    fn a_draft_address_explains_how_to_publish_it() {
        let pages = WithheldPages::new(&[Withheld {
            url: "/news/plan/".into(),
            file: "content/news/plan.md".into(),
            publication: Publication::Draft,
        }]);
        for path in ["/news/plan/", "/news/plan", "/news/plan/index.html"] {
            let page = String::from_utf8(pages.get(path).unwrap().to_vec()).unwrap();
            assert!(page.contains("content/news/plan.md is a draft (<code>draft: true</code>)"));
        }
        assert!(pages.get("/news/").is_none());
    }
}
