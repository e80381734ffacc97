//! Minifying pages: one pass over the HTML ([`pass`]) that drops what a browser does not show
//! (comments, whitespace where a line starts or ends anyway, quotes a value does not need),
//! with the inline CSS and JavaScript minified by minify-html, each distinct element once per
//! run ([`code`]).
//!
//! The pass is written for speed (it copies the page once, never builds a tree and never
//! recurses, about ten times the speed of minifying the whole page with minify-html) and for
//! safety: where a browser could show a difference (a `<pre>`, a text area, inline SVG, text it
//! cannot read as a tag), it copies the page as it is. Only [`minify_html`] is public.

mod code;
mod pass;
mod tags;

/// Minifies a page, its inline stylesheets and scripts included.
pub fn minify_html(html: &[u8]) -> Vec<u8> {
    pass::minify(html, code::minify_code)
}
#[cfg(test)]
mod equivalence;
