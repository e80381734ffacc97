//! Minifying HTML with its inline CSS and JavaScript, each distinct `<style>` or `<script>`
//! element minified once per run.
//!
//! Minifying a stylesheet or a script is most of the cost of minifying a page, and many pages
//! inline the same ones (every embed page inlines the theme's stylesheet, every SME page the same
//! snippet script). The minifier writes an element's minified content from that content alone
//! (and its opening tag, which says the language), so a page is minified with its CSS and
//! JavaScript left as they are, each element's content standing in as a short placeholder, and
//! the content minified once per run (by minifying that element alone) is put in its place. The
//! result is byte for byte what minifying the whole page gives; a page this cannot be sure of (a
//! `style` attribute, a `<style>` or `<script>` in a comment, a title or a text area, a
//! placeholder already in the text or made by minifying it) is minified whole. Only
//! [`minify_html`] is public.

use std::collections::{HashMap, HashSet};
use std::sync::{Arc, LazyLock, Mutex};

/// Marks the placeholder of the n-th element in a page (`pimap-min:3;`).
const PLACEHOLDER: &[u8] = b"pimap-min:";
/// How many elements are kept minified, and how many seen once are remembered (an element is
/// kept from the second time it is seen, so that one-off ones such as a page's JSON-LD are not).
const KEPT_LIMIT: usize = 4096;
const SEEN_LIMIT: usize = 1 << 20;

/// Minifies HTML (with its inline CSS and JavaScript). The minifier recurses once per level of
/// elements and brackets: a page nested deeper than [`PAGE_LIMITS`] (only a template can make
/// one; the text of content and data is held to far less) is written as it is. What is measured
/// is what the minifier is given: the page with its elements' placeholders, and each element
/// alone the first times it is minified (a kept element was measured when it was made), so a
/// stylesheet that every page inlines is not scanned again for each page.
///
/// [`PAGE_LIMITS`]: crate::html_nesting::PAGE_LIMITS
pub fn minify_html(html: &[u8]) -> Vec<u8> {
    if let Some(elements) = inline_elements(html) {
        match minify_with_shared_elements(html, &elements) {
            Shared::Minified(page) => return page,
            Shared::TooDeep => return html.to_vec(),
            Shared::Unsure => {}
        }
    }
    if too_deep(html) {
        return html.to_vec();
    }
    minify_html::minify(html, &config(true))
}

/// Whether `html` nests deeper than the minifier may follow (text that is not UTF-8 counts as
/// too deep: it is left as it is).
fn too_deep(html: &[u8]) -> bool {
    std::str::from_utf8(html).map_or(true, |text| {
        crate::html_nesting::first_too_deep(text, crate::html_nesting::PAGE_LIMITS).is_some()
    })
}

/// What minifying a page with its elements standing in as placeholders gave.
#[derive(Debug, PartialEq, Eq)]
enum Shared {
    /// The page, byte for byte what minifying it whole gives.
    Minified(Vec<u8>),
    /// The page, or one of its elements, nests too deep to be minified.
    TooDeep,
    /// The placeholders did not come out once each and in order: minify the page whole.
    Unsure,
}

fn config(code: bool) -> minify_html::Cfg {
    minify_html::Cfg {
        minify_css: code,
        minify_js: code,
        keep_html_and_head_opening_tags: true,
        ..minify_html::Cfg::default()
    }
}

/// A `<style>` or `<script>` element of a page: its opening tag and its content (byte ranges).
#[derive(Debug, PartialEq, Eq)]
struct InlineElement {
    open: std::ops::Range<usize>,
    content: std::ops::Range<usize>,
    close: &'static [u8],
}

/// The page minified with each element's content replaced by its minified content from the
/// cache.
fn minify_with_shared_elements(html: &[u8], elements: &[InlineElement]) -> Shared {
    if elements.is_empty() {
        return Shared::Unsure;
    }
    let mut stand_in = Vec::with_capacity(html.len());
    let mut at = 0;
    for (n, element) in elements.iter().enumerate() {
        stand_in.extend_from_slice(&html[at..element.content.start]);
        stand_in.extend_from_slice(&placeholder(n));
        at = element.content.end;
    }
    stand_in.extend_from_slice(&html[at..]);
    if too_deep(&stand_in) {
        return Shared::TooDeep;
    }
    let page = minify_html::minify(&stand_in, &config(false));
    // Minifying decodes entities and drops comments, so text can become a placeholder only now
    // (`pimap-<!-- -->min:0;`): the page must hold exactly one per element.
    if memchr::memmem::find_iter(&page, PLACEHOLDER).count() != elements.len() {
        return Shared::Unsure;
    }
    let mut out = Vec::with_capacity(page.len() + html.len() / 4);
    let mut rest = &page[..];
    for (n, element) in elements.iter().enumerate() {
        let marker = placeholder(n);
        let Some(found) = find(rest, &marker) else {
            return Shared::Unsure;
        };
        out.extend_from_slice(&rest[..found]);
        match minified_content(html, element) {
            Ok(content) => out.extend_from_slice(&content),
            Err(shared) => return shared,
        }
        rest = &rest[found + marker.len()..];
    }
    if find(rest, PLACEHOLDER).is_some() {
        return Shared::Unsure;
    }
    out.extend_from_slice(rest);
    Shared::Minified(out)
}

fn placeholder(n: usize) -> Vec<u8> {
    let mut marker = PLACEHOLDER.to_vec();
    marker.extend_from_slice(format!("{n};").as_bytes());
    marker
}

struct MinifiedElements {
    kept: HashMap<u128, Arc<[u8]>>,
    seen: HashSet<u128>,
}

static MINIFIED: LazyLock<Mutex<MinifiedElements>> = LazyLock::new(|| {
    Mutex::new(MinifiedElements {
        kept: HashMap::new(),
        seen: HashSet::new(),
    })
});

/// The minified content of `element`, from the cache or made now; why not when it cannot be.
fn minified_content(html: &[u8], element: &InlineElement) -> Result<Arc<[u8]>, Shared> {
    let mut keyed = html[element.open.clone()].to_vec();
    keyed.push(0xff); // never in UTF-8: where the tag ends
    keyed.extend_from_slice(&html[element.content.clone()]);
    let key = xxhash_rust::xxh3::xxh3_128(&keyed);
    if let Ok(cache) = MINIFIED.lock()
        && let Some(kept) = cache.kept.get(&key)
    {
        return Ok(Arc::clone(kept));
    }
    let made: Arc<[u8]> = minify_alone(html, element)?.into();
    if let Ok(mut cache) = MINIFIED.lock() {
        if !cache.seen.insert(key) {
            if cache.kept.len() >= KEPT_LIMIT {
                cache.kept.clear();
            }
            cache.kept.insert(key, Arc::clone(&made));
        } else if cache.seen.len() >= SEEN_LIMIT {
            cache.seen.clear();
        }
    }
    Ok(made)
}

/// Minifies the element as a document of its own and takes its content out: what is around it
/// is what the same element around a placeholder gives.
fn minify_alone(html: &[u8], element: &InlineElement) -> Result<Vec<u8>, Shared> {
    let document = |content: &[u8]| {
        let mut text = html[element.open.clone()].to_vec();
        text.extend_from_slice(content);
        text.extend_from_slice(b"</");
        text.extend_from_slice(element.close);
        text.push(b'>');
        text
    };
    let alone = document(&html[element.content.clone()]);
    if too_deep(&alone) {
        return Err(Shared::TooDeep);
    }
    let marker = placeholder(0);
    let around = minify_html::minify(&document(&marker), &config(false));
    let at = find(&around, &marker).ok_or(Shared::Unsure)?;
    let (before, after) = (&around[..at], &around[at + marker.len()..]);
    let whole = minify_html::minify(&alone, &config(true));
    let inner = whole
        .strip_prefix(before)
        .and_then(|w| w.strip_suffix(after))
        .ok_or(Shared::Unsure)?;
    Ok(inner.to_vec())
}

/// The `<style>` and `<script>` elements of `html`, or `None` when the page has one this module
/// cannot be sure the minifier sees as such, a `style` attribute, or a placeholder's text.
fn inline_elements(html: &[u8]) -> Option<Vec<InlineElement>> {
    let lower = html.to_ascii_lowercase();
    if find(&lower, PLACEHOLDER).is_some() || has_style_attribute(&lower) {
        return None;
    }
    let mut elements = Vec::new();
    let mut at = 0;
    while let Some(offset) = memchr::memchr(b'<', &lower[at..]) {
        let start = at + offset;
        let rest = &lower[start + 1..];
        if rest.starts_with(b"!--") {
            let end = find(rest, b"-->")?;
            skipped(&rest[..end])?;
            at = start + 1 + end;
        } else if let Some(name) = tag_named(rest, &[b"title", b"textarea"]) {
            let end = find_closing(rest, name)?;
            skipped(&rest[..end])?;
            at = start + 1 + end;
        } else if let Some(name) = tag_named(rest, &[b"style", b"script"]) {
            let open_end = start + 1 + tag_end(rest)?;
            let content_end = open_end + find_closing(&lower[open_end..], name)?;
            elements.push(InlineElement {
                open: start..open_end,
                content: open_end..content_end,
                close: name,
            });
            at = content_end + 2 + name.len();
        } else {
            at = start + 1;
        }
    }
    Some(elements)
}

/// `None` when a skipped stretch (a comment, a title, a text area) names a style or script tag.
/// The text is in lower case, as in the rest of this module's searches.
fn skipped(lower: &[u8]) -> Option<()> {
    (find(lower, b"<style").is_none() && find(lower, b"<script").is_none()).then_some(())
}

/// The name among `names` that `rest` (the text after a `<`, in lower case) starts with as a tag.
fn tag_named(rest: &[u8], names: &[&'static [u8]]) -> Option<&'static [u8]> {
    names.iter().copied().find(|name| {
        rest.len() > name.len()
            && rest.starts_with(name)
            && matches!(
                rest[name.len()],
                b'>' | b'/' | b' ' | b'\t' | b'\n' | b'\r' | b'\x0c'
            )
    })
}

/// Where the tag that `rest` starts ends (just after its `>`), quoted values skipped.
fn tag_end(rest: &[u8]) -> Option<usize> {
    let mut quote = None;
    for (i, &b) in rest.iter().enumerate() {
        match (quote, b) {
            (None, b'"' | b'\'') => quote = Some(b),
            (Some(q), _) if q == b => quote = None,
            (None, b'>') => return Some(i + 1),
            _ => {}
        }
    }
    None
}

/// Where `</name` first starts in `lower` (text in lower case).
fn find_closing(lower: &[u8], name: &[u8]) -> Option<usize> {
    let mut closing = b"</".to_vec();
    closing.extend_from_slice(name);
    find(lower, &closing)
}

/// Whether `style` is followed by `=` (spaces allowed) in `lower` (text in lower case): a
/// `style` attribute, whose CSS the minifier rewrites.
fn has_style_attribute(lower: &[u8]) -> bool {
    memchr::memmem::find_iter(lower, b"style").any(|i| {
        lower[i + 5..]
            .iter()
            .find(|b| !b.is_ascii_whitespace())
            .is_some_and(|&b| b == b'=')
    })
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    memchr::memmem::find(haystack, needle)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn whole(html: &str) -> Vec<u8> {
        minify_html::minify(html.as_bytes(), &config(true))
    }

    #[test]
    fn pages_with_shared_elements_minify_as_the_whole_page_does() {
        let css = "body { color : red ; }  /* note */ .a  b { margin: 0px 0px; }";
        let js = "(function () { var answer = 1 + 2;  console.log( answer ); })();";
        for html in [
            format!(
                "<!doctype html><html><head><style>\n{css}\n</style></head><body><p>One  two</p><script>{js}</script></body></html>"
            ),
            format!(
                "<p>x</p><STYLE media=\"screen and (a>b)\">{css}</STYLE ><script type=\"module\">{js}</script>"
            ),
            format!(
                "<script type=\"application/ld+json\">{{ \"a\" :  1 }}</script><style>  </style><p>{css}</p>"
            ),
            format!("<title>a</title><!-- c --><script>{js}</script><textarea> x </textarea>"),
        ] {
            let elements = inline_elements(html.as_bytes()).unwrap_or_default();
            // Three times: made, then remembered, then kept.
            for _ in 0..3 {
                let shared = minify_with_shared_elements(html.as_bytes(), &elements);
                assert_eq!(shared, Shared::Minified(whole(&html)), "{html}");
            }
        }
    }

    #[test]
    fn pages_it_cannot_be_sure_of_are_minified_whole() {
        for html in [
            "<p style=\"color : red\">x</p><style>a { color: red }</style>",
            "<!-- <style>a { color: red }</style> --><style>b { color: red }</style>",
            "<title><script>x</script></title><script>var a = 1;</script>",
            "<style>a { color: red }</style><p>pimap-min:0;</p>",
        ] {
            assert_eq!(inline_elements(html.as_bytes()), None, "{html}");
            assert_eq!(minify_html(html.as_bytes()), whole(html), "{html}");
        }
    }

    #[test]
    fn text_that_becomes_a_placeholder_when_minified_is_not_replaced() {
        for html in [
            "<p>pimap-<!-- x -->min:0;</p><style>a { color: red }</style><script>var a = 1;</script>",
            "<p>pimap&#45;min:0;</p><style>a { color: red }</style><script>var a = 1;</script>",
        ] {
            assert_eq!(minify_html(html.as_bytes()), whole(html), "{html}");
        }
    }

    #[test]
    fn pages_nested_too_deep_for_the_minifier_are_written_as_they_are() {
        let deep_css = format!("a {{ b: {}1{} }}", "(".repeat(40), ")".repeat(40));
        let deep_js = format!("var a = {}1{};", "[".repeat(40), "]".repeat(40));
        let deep_markup = format!("{}x{}", "<div>".repeat(300), "</div>".repeat(300));
        let shared = "<style>p { color: red }</style>";
        for html in [
            format!("<p>a</p><style>{deep_css}</style><script>var b = 1;</script>"),
            format!("<p>a</p>{shared}<script>{deep_js}</script>"),
            format!("<p>a</p>{shared}{deep_markup}"),
            // Minified whole (a `style` attribute): measured whole.
            format!("<p style=\"color: red\">a</p>{deep_markup}"),
        ] {
            // Three times: the shared stylesheet is made, then remembered, then kept.
            for _ in 0..3 {
                assert_eq!(minify_html(html.as_bytes()), html.as_bytes(), "{html}");
            }
        }
        let fine = format!("<p>a</p>{shared}<div><p>b</p></div>");
        assert_eq!(minify_html(fine.as_bytes()), whole(&fine));
    }

    #[test]
    fn elements_are_found_with_their_content() {
        let html = b"<p>a</p><style media='x>y'>b{}</style><script src=a></script>";
        let found = inline_elements(html).unwrap_or_default();
        let spans: Vec<(&[u8], &[u8])> = found
            .iter()
            .map(|e| (&html[e.open.clone()], &html[e.content.clone()]))
            .collect();
        assert_eq!(
            spans,
            [
                (&b"<style media='x>y'>"[..], &b"b{}"[..]),
                (&b"<script src=a>"[..], &b""[..])
            ]
        );
    }
}
