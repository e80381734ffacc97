//! The content of `<style>` and `<script>` elements, minified by minify-html's CSS and
//! JavaScript minifiers, each distinct element once per run.
//!
//! Minifying a stylesheet or a script costs far more than the HTML around it, and many pages
//! inline the same ones (every embed page the theme's core stylesheet, every SME page the same
//! snippet script): an element met a second time is kept, minified. An element is minified as a
//! document of its own, and what minify-html writes around a placeholder in the same element is
//! taken off. Content it cannot be sure of (nested deeper than minify-html follows, a result that
//! cannot be cut out, or that holds an end tag or a comment opening the minifiers decoded from an
//! escape, which would end the element early) is written as it is; content that is not CSS or JavaScript (JSON-LD, for
//! one) comes back from minify-html unchanged.

use std::collections::{HashMap, HashSet};
use std::sync::{Arc, LazyLock, Mutex};

/// Stands for the content when what minify-html writes around it is measured.
const PLACEHOLDER: &[u8] = b"pimap-min:0;";
/// How many elements are kept minified, and how many seen once are remembered (an element is
/// kept from the second time it is seen, so that one-off ones such as a page's JSON-LD are not).
const KEPT_LIMIT: usize = 4096;
const SEEN_LIMIT: usize = 1 << 20;

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

/// Appends to `out` the minified `content` of the element that `open` (its start tag, as
/// written) starts, or `content` as it is when it cannot be minified.
pub fn minify_code(open: &[u8], content: &[u8], out: &mut Vec<u8>) {
    if content.iter().all(u8::is_ascii_whitespace) {
        out.extend_from_slice(content);
        return;
    }
    let mut keyed = open.to_vec();
    keyed.push(0xff); // never in UTF-8: where the tag ends
    keyed.extend_from_slice(content);
    let key = xxhash_rust::xxh3::xxh3_128(&keyed);
    if let Ok(cache) = MINIFIED.lock()
        && let Some(kept) = cache.kept.get(&key)
    {
        out.extend_from_slice(kept);
        return;
    }
    let made: Arc<[u8]> = match minify_alone(open, content) {
        Some(minified) => minified.into(),
        None => content.into(),
    };
    out.extend_from_slice(&made);
    if let Ok(mut cache) = MINIFIED.lock() {
        if !cache.seen.insert(key) {
            if cache.kept.len() >= KEPT_LIMIT {
                cache.kept.clear();
            }
            cache.kept.insert(key, made);
        } else if cache.seen.len() >= SEEN_LIMIT {
            cache.seen.clear();
        }
    }
}

/// Minifies the element as a document of its own and takes its content out; `None` when it
/// nests too deep for minify-html or its content cannot be cut out of the result.
fn minify_alone(open: &[u8], content: &[u8]) -> Option<Vec<u8>> {
    let name: &[u8] = if open[1..].to_ascii_lowercase().starts_with(b"style") {
        b"style"
    } else {
        b"script"
    };
    let document = |content: &[u8]| {
        let mut text = open.to_vec();
        text.extend_from_slice(content);
        text.extend_from_slice(b"</");
        text.extend_from_slice(name);
        text.push(b'>');
        text
    };
    let alone = document(content);
    let text = std::str::from_utf8(&alone).ok()?;
    let lower_open = open.to_ascii_lowercase();
    if crate::html_nesting::first_too_deep(text, crate::html_nesting::PAGE_LIMITS).is_some()
        || memchr::memmem::find(&alone, PLACEHOLDER).is_some()
        // A browser reads the first `type`, minify-html the last.
        || memchr::memmem::find_iter(&lower_open, b"type").count() > 1
    {
        return None;
    }
    let around = minify_html::minify(&document(PLACEHOLDER), &config(false));
    let at = memchr::memmem::find(&around, PLACEHOLDER)?;
    let (before, after) = (&around[..at], &around[at + PLACEHOLDER.len()..]);
    let whole = minify_html::minify(&alone, &config(true));
    let inner = whole.strip_prefix(before)?.strip_suffix(after)?;
    // The minifiers decode escapes (`\3c` in CSS, `\u003c` in JavaScript): what they give must
    // not end the element early, nor start a comment that moves its end.
    let lower = inner.to_ascii_lowercase();
    let ends_early = [&b"</style"[..], b"</script", b"<!--", b"<script"]
        .iter()
        .any(|needle| memchr::memmem::find(&lower, needle).is_some());
    (!ends_early).then(|| inner.to_vec())
}

fn config(code: bool) -> minify_html::Cfg {
    minify_html::Cfg {
        minify_css: code,
        minify_js: code,
        ..minify_html::Cfg::default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn minified(open: &str, content: &str) -> String {
        let mut out = Vec::new();
        minify_code(open.as_bytes(), content.as_bytes(), &mut out);
        String::from_utf8(out).unwrap_or_default()
    }

    #[test]
    fn stylesheets_and_scripts_are_minified_the_same_each_time() {
        let css = "body { color : red ; }  /* note */ .a  b { margin: 0px 0px; }";
        let js = "(function () { var answer = 1 + 2;  console.log( answer ); })();";
        // Three times: made, then remembered, then kept.
        for _ in 0..3 {
            assert_eq!(minified("<style>", css), "body{color:red}.a b{margin:0}");
            assert_eq!(
                minified("<STYLE media=\"screen and (a>b)\">", css),
                "body{color:red}.a b{margin:0}"
            );
            let script = minified("<script type=module>", js);
            assert!(
                script.len() < js.len() && script.contains("console.log"),
                "{script}"
            );
        }
    }

    #[test]
    fn what_is_not_code_or_cannot_be_minified_is_kept_as_it_is() {
        let deep_css = format!("a {{ b: {}1{} }}", "(".repeat(40), ")".repeat(40));
        let deep_js = format!("var a = {}1{};", "[".repeat(40), "]".repeat(40));
        for (open, content) in [
            ("<script type=\"application/ld+json\">", "{\"a\":1}"),
            ("<style>", "  \n "),
            ("<style>", deep_css.as_str()),
            ("<script>", deep_js.as_str()),
            ("<style>", "a { content: \"pimap-min:0;\" }"),
            (
                "<script data-x=\"pimap-min:0;\">",
                "var r = c ? a > pimap - min : 0;",
            ),
            (
                "<script type=\"text/plain\" type=\"module\">",
                "  let  a = 1;  ",
            ),
            // Decoded by the minifiers into an end tag or a comment opening: kept escaped.
            (
                "<style>",
                "a::after { content: \"\\3c/style>\\3cimg src=x onerror=alert(1)>\" }",
            ),
            (
                "<script>",
                "var o = '\\u003c!--', t = '\\u003cscript>'; console.log(o, t);",
            ),
        ] {
            for _ in 0..3 {
                assert_eq!(minified(open, content), content, "{open}{content}");
            }
        }
    }
}
