//! What a template reads, found from its tags: which templates it extends or includes, which
//! fields of pages it reads, and whether it reaches pages outside its own context.
//!
//! Tera 2 keeps its parsed templates private (it only tells the top-level variable names), and a
//! value cannot record that it was read, so pimap lexes the template language itself: the text
//! between `{{ }}` and `{% %}` (comments and `raw` blocks skipped) becomes tokens, and the chains
//! of field accesses among them are followed. A field named in plain text outside a tag is never
//! a read. The analysis is conservative where templates are dynamic: a subscript with a computed
//! key, a filter that turns a whole value into text (`str`, `join`, `values`, `pairs`,
//! `json_encode`, `get` without a literal key), or printing a variable bound to a page, an entity
//! or a list of them (`{% for p in section.pages %}{{ p }}`, `{% for m in data.missions %}{{ m }}`),
//! counts as reading every field; a variable named `page` or `section` that a template binds
//! itself (`for`, `set`, a component's arguments) is not the output's own. A variable a template
//! binds itself is read as that binding says; one it does not bind may come from a template that
//! includes or extends it, so any binding of the name elsewhere in the closure counts.
//! Front-matter fields (`title`, `date`, `taxonomies`...) read directly from the output's own
//! variables (`page`, `section`, `site`...) or from variables bound from their fields (`for h in
//! page.toc`) are not a listed page's (`own.rs`).
//! The incremental rebuild uses this to re-render, after a body or front-matter edit, only the
//! outputs that show a changed field of a page they list, and after a data edit, only the outputs that read
//! `data` or a chart drawn from it (besides the entity pages and lists), and, of a paginated
//! list, only the page that holds the edited entity unless the template shows, beyond its page,
//! a name that holds entities (a list's length or truth alone shows none of its members). The
//! tokens come from `template_tokens.rs`.

mod own;

use super::template_tokens::{Token, tags};
use own::{own_source, own_variable};
use std::collections::{BTreeSet, HashMap, HashSet};

/// The fields of a page that its Markdown body makes.
pub const BODY_FIELDS: [&str; 5] = ["content", "summary", "toc", "word_count", "reading_time"];
/// The fields of a page that its front matter makes (or its place: `slug`, `url`...).
pub const FRONT_FIELDS: [&str; 16] = [
    "title",
    "description",
    "date",
    "updated",
    "slug",
    "path",
    "url",
    "permalink",
    "weight",
    "draft",
    "lang",
    "section",
    "aliases",
    "sources",
    "extra",
    "taxonomies",
];
/// Fields a section has of its own, which a page edit never changes.
const SECTION_OWN_FIELDS: [&str; 9] = [
    "title",
    "description",
    "path",
    "url",
    "permalink",
    "weight",
    "lang",
    "sources",
    "extra",
];
/// The fields of a section that its Markdown body makes.
const SECTION_BODY_FIELDS: [&str; 3] = ["content", "toc", "word_count"];
/// Filters that turn a whole value (all its fields) into text or into a list of its fields.
const WHOLE_VALUE_FILTERS: [&str; 5] = ["str", "join", "values", "pairs", "json_encode"];
/// Variables and functions that reach any page of the site.
const ANY_PAGE_NAMES: [&str; 3] = ["get_page", "get_section", "taxonomies"];
/// Variables and functions that show entity data (`data`, the charts drawn from it).
const DATA_NAMES: [&str; 4] = ["data", "kpi_chart", "roadmap_chart", "partner_map"];
/// Fields that hold lists of pages or of containers of them.
const CONTAINER_FIELDS: [&str; 3] = ["pages", "subsections", "terms"];
/// Variables that hold containers of pages.
const CONTAINER_VARIABLES: [&str; 4] = ["section", "term", "taxonomy", "taxonomies"];

/// What one template's tags say, before its extends and includes are followed.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct TemplateScan {
    /// Templates named by `extends`, `include` or `import`.
    pub references: Vec<String>,
    /// Whether the template defines a component (components are global).
    pub defines_components: bool,
    calls_components: bool,
    /// Variable names the template binds (`for`, `set`, `set_global`, component arguments).
    bound: HashSet<String>,
    /// Body fields read, with the variable they were read from directly when it was `page` or
    /// `section` (`page.content`), or `None` when read from anything else.
    body_reads: Vec<(&'static str, Option<&'static str>)>,
    /// Front-matter fields of pages read ([`FRONT_FIELDS`]), with the variable of [`own`] variables
    /// they were read from, directly or through a variable bound from it.
    front_reads: Vec<(&'static str, Option<&'static str>)>,
    /// A computed subscript or a whole-value filter or print.
    reads_whole_values: bool,
    reaches_any_page: bool,
    reads_data: bool,
    /// Keys of `data` read (`data.smes` reads `smes`); `*` for `data` itself or a computed key.
    data_keys: BTreeSet<String>,
    /// The names of [`DATA_NAMES`] used: `data` and the charts called.
    data_names: BTreeSet<&'static str>,
    /// Field names read (`x.name`) with the variable their chain starts from (`*` when it does
    /// not start from a variable), and every string literal (with root `*`).
    fields: Vec<(String, String)>,
    /// Variables bound (`for`, `set`) from `data` or from a variable bound from it.
    data_bound: HashSet<String>,
    /// Variable and field names read in a way that may show what they hold.
    shown_names: BTreeSet<String>,
    /// Variables a `for` or `set` binds to a page, an entity or a container of them
    /// (`for p in section.pages`, `for m in data.missions`), which print every field when printed.
    value_bound: HashSet<String>,
    /// Variables printed whole (`{{ p }}`, `{{ p | upper }}`).
    printed: HashSet<String>,
    /// Variables bound from a field of the output's own `page` or `section` that is no list of
    /// pages (`for h in page.toc`, `for name, terms in page.taxonomies`), with which of the two.
    own_derived: HashMap<String, &'static str>,
}

/// What an output's template reads, with everything it extends, includes or calls.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct TemplateReads {
    /// Body fields read from pages other than the output's own `page` (listed pages, pages from
    /// `get_page`, subsections).
    pub listed_body_fields: BTreeSet<&'static str>,
    /// Front-matter fields ([`FRONT_FIELDS`]) read from pages other than the output's own, or
    /// from values that may be pages (`h.title` of a heading counts: a title may be a page's).
    pub listed_front_fields: BTreeSet<&'static str>,
    /// Every field of some values may be read (computed subscripts, whole-value filters).
    pub reads_whole_values: bool,
    /// `section.content`, `section.toc` or `section.word_count` of the output's own section.
    pub reads_section_body: bool,
    /// `get_page`, `get_section`, `taxonomies`, or a component (whose caller is unknown).
    pub reaches_any_page: bool,
    /// The `data` variable or a chart drawn from the data.
    pub reads_data: bool,
    /// Which of `data`, `kpi_chart`, `roadmap_chart` and `partner_map` (all of them for a
    /// component, whose body is unknown).
    pub data_names: BTreeSet<&'static str>,
    /// Keys of `data` read (`data.smes` reads `smes`); `*` for `data` itself, a computed key
    /// or a component (whose body is unknown).
    pub data_keys: BTreeSet<String>,
    /// Field names read from `data` or from a variable bound from it, and every string literal
    /// (which may be a key).
    pub data_fields: BTreeSet<String>,
    /// Variable and field names (`smes`, `partner`, `name`) read in a way that may show what
    /// they hold: every name in a tag, but for a list whose length alone is read
    /// (`x.smes | length`) or whose truth alone is tested (`{% if x.smes %}`), which an edit that
    /// keeps the list's members cannot change. Filters are not names.
    pub shown_names: BTreeSet<String>,
}

impl TemplateReads {
    /// The page fields among `changed` (body or front matter) that this template shows for
    /// pages it lists, or every changed field when it reads whole values. Empty when a listed
    /// page's edit cannot change the output.
    pub fn shown_fields<'a>(&self, changed: &BTreeSet<&'a str>) -> Vec<&'a str> {
        changed
            .iter()
            .filter(|field| {
                self.reads_whole_values
                    || self.listed_body_fields.contains(*field)
                    || self.listed_front_fields.contains(*field)
            })
            .copied()
            .collect()
    }

    /// Combines the scans of a template and everything it reaches.
    pub fn of<'a>(scans: impl IntoIterator<Item = &'a TemplateScan>) -> TemplateReads {
        let scans: Vec<&TemplateScan> = scans.into_iter().collect();
        let bound: HashSet<&str> = scans
            .iter()
            .flat_map(|s| s.bound.iter().map(String::as_str))
            .collect();
        let mut reads = TemplateReads::default();
        for scan in &scans {
            let data_roots = visible(scan, &scans, |s| &s.data_bound);
            reads.data_fields.extend(
                scan.fields
                    .iter()
                    .filter(|(_, root)| {
                        matches!(root.as_str(), "data" | "*") || data_roots.contains(root.as_str())
                    })
                    .map(|(field, _)| field.clone()),
            );
            let values = visible(scan, &scans, |s| &s.value_bound);
            reads.reads_whole_values |= scan.reads_whole_values
                || scan
                    .printed
                    .iter()
                    .any(|name| values.contains(name.as_str()));
            reads.reaches_any_page |= scan.reaches_any_page || scan.calls_components;
            reads.reads_data |= scan.reads_data || scan.calls_components;
            reads.data_keys.extend(scan.data_keys.iter().cloned());
            reads.shown_names.extend(scan.shown_names.iter().cloned());
            reads.data_names.extend(scan.data_names.iter().copied());
            if scan.calls_components {
                reads.data_keys.insert("*".to_owned());
                reads.data_names.extend(DATA_NAMES);
            }
            for &(field, from) in &scan.body_reads {
                match from {
                    Some("page") if !bound.contains("page") => {}
                    Some("section")
                        if !bound.contains("section") && SECTION_BODY_FIELDS.contains(&field) =>
                    {
                        reads.reads_section_body = true;
                    }
                    _ => {
                        reads.listed_body_fields.insert(field);
                    }
                }
            }
            for &(field, from) in &scan.front_reads {
                let own = match from {
                    Some("section") => {
                        !bound.contains("section") && SECTION_OWN_FIELDS.contains(&field)
                    }
                    Some(root) => !bound.contains(root),
                    None => false,
                };
                if !own {
                    reads.listed_front_fields.insert(field);
                }
            }
        }
        reads
    }
}

/// The names of `set` that `scan` sees: those it binds itself, and those the other templates of
/// its closure bind where it does not bind the name itself (a template that includes or extends
/// another may give it a variable).
fn visible<'a>(
    scan: &'a TemplateScan,
    scans: &[&'a TemplateScan],
    set: impl Fn(&'a TemplateScan) -> &'a HashSet<String>,
) -> HashSet<&'a str> {
    let others = scans
        .iter()
        .flat_map(|other| set(other).iter())
        .filter(|name| !scan.bound.contains(*name));
    set(scan).iter().chain(others).map(String::as_str).collect()
}

/// Scans the tags of one template's text.
pub fn scan(text: &str) -> TemplateScan {
    let mut scan = TemplateScan::default();
    for (is_output, tokens) in tags(text) {
        scan_tag(&mut scan, is_output, &tokens);
    }
    scan
}

fn scan_tag(scan: &mut TemplateScan, is_output: bool, tokens: &[Token<'_>]) {
    let keyword = match tokens.first() {
        Some(Token::Ident(word)) if !is_output => *word,
        _ => "",
    };
    match keyword {
        "extends" | "include" | "import" => {
            scan.references
                .extend(tokens.iter().filter_map(|t| match t {
                    Token::Str(name) => Some((*name).to_owned()),
                    _ => None,
                }));
        }
        "for" => {
            let names: Vec<String> = tokens[1..]
                .iter()
                .take_while(|t| **t != Token::Ident("in"))
                .filter_map(ident)
                .map(str::to_owned)
                .collect();
            // The last name is the item (`for id, m in data.missions`: `id` is a key).
            let item = names.last().cloned();
            let at_in = tokens.iter().position(|t| *t == Token::Ident("in"));
            let source = at_in.map_or(&[][..], |at| &tokens[at..]);
            bind(scan, source, names, item);
        }
        "set" | "set_global" => {
            let name = tokens.get(1).and_then(ident).map(str::to_owned);
            let source = tokens.get(2..).unwrap_or_default();
            bind(scan, source, name.iter().cloned().collect(), name);
        }
        "component" => {
            scan.defines_components = true;
            scan.bound
                .extend(tokens[1..].iter().filter_map(ident).map(str::to_owned));
        }
        _ => {}
    }
    if tokens.first() == Some(&Token::Punct('<')) {
        scan.calls_components = true;
    }
    for (i, token) in tokens.iter().enumerate() {
        scan_token(scan, tokens, i, token);
        if let Token::Ident(name) = token
            && (i == 0 || tokens[i - 1] != Token::Punct('|'))
            && !reads_only_size(tokens, i, keyword)
        {
            scan.shown_names.insert((*name).to_owned());
        }
    }
    if is_output && prints_whole_container(tokens) {
        scan.reads_whole_values = true;
    }
    if let (true, Some(Token::Ident(name))) = (is_output, tokens.first())
        && matches!(tokens.get(1), None | Some(Token::Punct('|')))
    {
        scan.printed.insert((*name).to_owned());
    }
}

/// Whether the name at `tokens[i]` ends a plain access chain (`x.smes`) whose length alone is
/// read (`x.smes | length`) or, in an `if` or `elif` tag, whose truth alone is tested
/// (`{% if x.smes %}`, `{% if x.smes and y %}`).
fn reads_only_size(tokens: &[Token<'_>], i: usize, keyword: &str) -> bool {
    let next = tokens.get(i + 1);
    if next == Some(&Token::Punct('.')) || next == Some(&Token::Punct('[')) {
        return false;
    }
    if next == Some(&Token::Punct('|')) && tokens.get(i + 2) == Some(&Token::Ident("length")) {
        return !matches!(tokens.get(i + 3), Some(Token::Punct('.' | '[')));
    }
    // The start of the chain: back over `name .` pairs.
    let mut start = i;
    while start >= 2 && tokens[start - 1] == Token::Punct('.') {
        if !matches!(tokens[start - 2], Token::Ident(_)) {
            return false;
        }
        start -= 2;
    }
    let before = start.checked_sub(1).map(|at| &tokens[at]);
    let tested = matches!(
        before,
        Some(Token::Ident("if" | "elif" | "and" | "or" | "not"))
    );
    let ends_test = matches!(next, None | Some(Token::Ident("and" | "or")));
    matches!(keyword, "if" | "elif") && tested && ends_test
}

fn ident<'a>(token: &Token<'a>) -> Option<&'a str> {
    match token {
        Token::Ident(name) => Some(name),
        _ => None,
    }
}

/// Reads one token in its neighbourhood: body fields, computed subscripts, filters, functions.
fn scan_token(scan: &mut TemplateScan, tokens: &[Token<'_>], i: usize, token: &Token<'_>) {
    let before = |back: usize| i.checked_sub(back).and_then(|at| tokens.get(at));
    match token {
        Token::Ident(name) if before(1) == Some(&Token::Punct('.')) => {
            scan.fields
                .push(((*name).to_owned(), chain_root(tokens, i).to_owned()));
            if let Some(field) = body_field(name) {
                scan.body_reads.push((field, own_root(tokens, i, 2)));
            }
            if let Some(field) = front_field(name) {
                let own = own_variable(tokens, i)
                    .or_else(|| scan.own_derived.get(chain_root(tokens, i)).copied());
                scan.front_reads.push((field, own));
            }
        }
        Token::Ident(name) if before(1) == Some(&Token::Punct('|')) => {
            let literal_key = tokens.get(i + 1) == Some(&Token::Punct('('))
                && tokens[i + 1..]
                    .iter()
                    .take_while(|t| **t != Token::Punct(')'))
                    .any(|t| matches!(t, Token::Str(_)));
            if WHOLE_VALUE_FILTERS.contains(name) || (*name == "get" && !literal_key) {
                scan.reads_whole_values = true;
            }
        }
        Token::Ident(name) => {
            scan.reaches_any_page |= ANY_PAGE_NAMES.contains(name);
            if let Some(data_name) = DATA_NAMES.iter().find(|n| **n == *name) {
                scan.reads_data = true;
                scan.data_names.insert(data_name);
            }
            if *name == "data" {
                let key = match (tokens.get(i + 1), tokens.get(i + 2)) {
                    (Some(Token::Punct('.')), Some(Token::Ident(key)))
                    | (Some(Token::Punct('[')), Some(Token::Str(key))) => *key,
                    _ => "*",
                };
                scan.data_keys.insert(key.to_owned());
            }
        }
        Token::Str(text) => {
            scan.fields.push(((*text).to_owned(), "*".to_owned()));
            let subscript = before(1) == Some(&Token::Punct('['));
            if let Some(field) = body_field(text) {
                let from = subscript.then(|| own_root(tokens, i, 2)).flatten();
                scan.body_reads.push((field, from));
            }
            // `sort(attribute="date")`, `group_by(attribute="taxonomies.tags")`.
            let from = subscript.then(|| own_variable(tokens, i)).flatten();
            for field in text.split('.').filter_map(front_field) {
                scan.front_reads.push((field, from));
            }
        }
        Token::Punct('[') => {
            let indexes_value = matches!(
                before(1),
                Some(Token::Ident(_) | Token::Punct(']') | Token::Punct(')'))
            );
            let literal = matches!(
                tokens.get(i + 1),
                Some(Token::Str(_) | Token::Number | Token::Punct('-'))
            );
            if indexes_value && !literal {
                scan.reads_whole_values = true;
            }
        }
        _ => {}
    }
}

fn body_field(name: &str) -> Option<&'static str> {
    BODY_FIELDS.iter().copied().find(|field| *field == name)
}

fn front_field(name: &str) -> Option<&'static str> {
    FRONT_FIELDS.iter().copied().find(|field| *field == name)
}

/// Binds `names` to what `source` (the tokens after `in` or the set name) gives: as data-bound
/// when it reads `data` or a data-bound variable, and `item` as value-bound when it reads data,
/// a value-bound variable or a container of pages.
fn bind(scan: &mut TemplateScan, source: &[Token<'_>], names: Vec<String>, item: Option<String>) {
    let is_root = |k: usize| k == 0 || source[k - 1] != Token::Punct('.');
    let reads = |k: usize, bound: &HashSet<String>| match source[k] {
        Token::Ident(name) => (name == "data" || bound.contains(name)) && is_root(k),
        _ => false,
    };
    let from_data = (0..source.len()).any(|k| reads(k, &scan.data_bound));
    let from_values = from_data
        || (0..source.len()).any(|k| reads(k, &scan.value_bound))
        || source
            .iter()
            .filter_map(ident)
            .any(|name| CONTAINER_FIELDS.contains(&name));
    if from_data {
        scan.data_bound.extend(names.iter().cloned());
    }
    if let (true, Some(item)) = (from_values, item) {
        scan.value_bound.insert(item);
    }
    match own_source(scan, source) {
        Some(root) => scan
            .own_derived
            .extend(names.iter().map(|name| (name.clone(), root))),
        None => {
            for name in &names {
                scan.own_derived.remove(name);
            }
        }
    }
    scan.bound.extend(names);
}

/// The variable the access chain ending at `tokens[i]` starts from (`partner` for
/// `partner.smes[0].name`), or `*` when it starts from something else (a call, a literal).
fn chain_root<'a>(tokens: &[Token<'a>], i: usize) -> &'a str {
    let mut at = i;
    loop {
        if at == 0 || tokens[at - 1] != Token::Punct('.') {
            return match tokens[at] {
                Token::Ident(name) => name,
                _ => "*",
            };
        }
        let Some(mut before) = at.checked_sub(2) else {
            return "*";
        };
        // Skip a subscript: `x[0].name`.
        while tokens[before] == Token::Punct(']') {
            let mut depth = 0;
            loop {
                match tokens[before] {
                    Token::Punct(']') => depth += 1,
                    Token::Punct('[') => depth -= 1,
                    _ => {}
                }
                if depth == 0 {
                    break;
                }
                let Some(previous) = before.checked_sub(1) else {
                    return "*";
                };
                before = previous;
            }
            let Some(previous) = before.checked_sub(1) else {
                return "*";
            };
            before = previous;
        }
        match tokens[before] {
            Token::Ident(_) => at = before,
            _ => return "*",
        }
    }
}

/// `page` or `section` when the token `back` places before `i` is that variable itself (not a
/// field of something else), as in `page.content` or `section["content"]`.
fn own_root(tokens: &[Token<'_>], i: usize, back: usize) -> Option<&'static str> {
    let at = i.checked_sub(back)?;
    let is_root = at == 0 || !matches!(tokens[at - 1], Token::Punct('.'));
    match tokens[at] {
        Token::Ident("page") if is_root => Some("page"),
        Token::Ident("section") if is_root => Some("section"),
        _ => None,
    }
}

/// `{{ section }}` or `{{ section.pages | … }}`: a whole container printed as text.
fn prints_whole_container(tokens: &[Token<'_>]) -> bool {
    let path_end = tokens
        .iter()
        .position(|t| matches!(t, Token::Punct('|')))
        .unwrap_or(tokens.len());
    let path = &tokens[..path_end];
    let is_plain_path = path.iter().enumerate().all(|(i, t)| match t {
        Token::Ident(_) => i % 2 == 0,
        Token::Punct('.') => i % 2 == 1,
        _ => false,
    });
    let filter = tokens.get(path_end + 1).and_then(ident);
    let container = match path {
        [Token::Ident(variable)] => CONTAINER_VARIABLES.contains(variable),
        [.., Token::Ident(field)] => CONTAINER_FIELDS.contains(field),
        _ => false,
    };
    is_plain_path && container && !matches!(filter, Some("length" | "first" | "last"))
}

/// The scans of every template, by name, and the closure of each over what it reaches.
#[derive(Debug, Default, Clone)]
pub struct TemplateGraph {
    scans: HashMap<String, TemplateScan>,
}

impl TemplateGraph {
    pub fn new<'a>(texts: impl IntoIterator<Item = (&'a str, &'a str)>) -> TemplateGraph {
        TemplateGraph {
            scans: texts
                .into_iter()
                .map(|(name, text)| (name.to_owned(), scan(text)))
                .collect(),
        }
    }

    /// Whether any template defines a component.
    pub fn defines_components(&self) -> bool {
        self.scans.values().any(|s| s.defines_components)
    }

    /// `name` and every template it extends, includes or imports, and, when it calls a
    /// component, every template that defines one.
    pub fn closure(&self, name: &str) -> HashSet<String> {
        let mut seen = HashSet::new();
        let mut stack = vec![name.to_owned()];
        let mut components_added = false;
        while let Some(current) = stack.pop() {
            if !seen.insert(current.clone()) {
                continue;
            }
            let Some(scan) = self.scans.get(&current) else {
                continue;
            };
            stack.extend(scan.references.iter().cloned());
            if scan.calls_components && !components_added {
                components_added = true;
                stack.extend(
                    self.scans
                        .iter()
                        .filter(|(_, s)| s.defines_components)
                        .map(|(n, _)| n.clone()),
                );
            }
        }
        seen
    }

    /// What `name` reads, with everything it reaches.
    pub fn reads(&self, name: &str) -> TemplateReads {
        let closure = self.closure(name);
        TemplateReads::of(closure.iter().filter_map(|n| self.scans.get(n)))
    }
}

#[cfg(test)]
mod tests;
