//! The variables of an output's own (its page, section, term, the site...): a front-matter field
//! read from one of them, or from a variable bound from one of their fields (`for h in
//! page.toc`), is none of a listed page's, so a front-matter edit of another page cannot change
//! what the template shows through it.

use super::{CONTAINER_FIELDS, TemplateScan};
use crate::render::template_tokens::Token;

/// Variables of an output's own (its page, section, term, taxonomy, the site, its meta, its
/// paginator, its languages, its publication): a front-matter field read directly from one of
/// them, or from a variable bound from one of their fields, is none of a listed page's.
const OWN_ROOTS: [&str; 9] = [
    "page",
    "section",
    "term",
    "taxonomy",
    "site",
    "meta",
    "paginator",
    "languages",
    "publication",
];
/// The variable of [`OWN_ROOTS`] that `source` (after `in` or `=`) reads only fields of, directly
/// or through variables bound from it, when it reads no list of pages: `page.toc`,
/// `page.taxonomies`, `site.menu`, `terms` bound from those. `None` for anything else (a call, another
/// variable, a computed key, a list of pages read as `section["pages"]`).
pub(super) fn own_source(scan: &TemplateScan, source: &[Token<'_>]) -> Option<&'static str> {
    let mut owner = None;
    for (k, token) in source.iter().enumerate() {
        let name = match token {
            Token::Ident(name) => *name,
            Token::Punct('(') => return None,
            // `section["pages"]` reads a list of pages as `section.pages` does.
            Token::Str(key) if k > 0 && matches!(source[k - 1], Token::Punct('[')) => {
                if CONTAINER_FIELDS.contains(key) {
                    return None;
                }
                continue;
            }
            _ => continue,
        };
        let is_field = k > 0 && matches!(source[k - 1], Token::Punct('.' | '|'));
        if is_field && CONTAINER_FIELDS.contains(&name) {
            return None;
        }
        if is_field || (k == 0 && name == "in") {
            continue;
        }
        let root = match OWN_ROOTS.iter().find(|root| **root == name) {
            Some(root) => *root,
            None => *scan.own_derived.get(name)?,
        };
        if owner.is_some_and(|o| o != root) {
            return None;
        }
        owner = Some(root);
    }
    owner
}

/// The variable of [`OWN_ROOTS`] that the token two before `i` is, itself (not a field of
/// something else), as in `site.title` or `meta["title"]`.
pub(super) fn own_variable(tokens: &[Token<'_>], i: usize) -> Option<&'static str> {
    let at = i.checked_sub(2)?;
    let is_root = at == 0 || !matches!(tokens[at - 1], Token::Punct('.'));
    match tokens[at] {
        Token::Ident(name) if is_root => OWN_ROOTS.iter().copied().find(|root| *root == name),
        _ => None,
    }
}
