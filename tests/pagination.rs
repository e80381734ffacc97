//! Paginated lists: a section, a taxonomy term, the SME list, a facet and a partner's SMEs split
//! into pages at `<list>/page/N/`, page 1 at the list's own URL with `page/1/` redirecting to it,
//! the accessible control and `rel` links, sitemap entries, an empty list, the capped embed and
//! `paginate_by` values that are not numbers.

mod common;
use common::*;

fn built() -> tempfile::TempDir {
    let (run, out) = build_fixture("paginated-site", &["--no-minify"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    out
}

fn main_of(html: &str) -> &str {
    let start = html.find("<main").expect("a <main> element");
    let end = html.find("</main>").expect("a </main>") + "</main>".len();
    &html[start..end]
}

/// The `rel` links and title of a page's head.
fn head_links(html: &str) -> String {
    html.lines()
        .filter(|l| {
            ["<title>", "<link rel=\"canonical\"", "<link rel=\"prev\""]
                .iter()
                .any(|s| l.starts_with(s))
        })
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn lists_are_split_into_pages_under_their_own_folder() {
    let out = built();
    let pages: Vec<String> = tree(&out.path().join("public"))
        .into_keys()
        .filter(|f| f.contains("page/"))
        .collect();
    insta::assert_snapshot!("paginated_site_page_files", pages.join("\n"));
}

#[test]
fn a_section_shows_its_pages_in_order_with_the_control() {
    let out = built();
    let public = out.path().join("public");
    let first = read(&public.join("news/index.html"));
    let middle = read(&public.join("news/page/2/index.html"));
    let last = read(&public.join("news/page/5/index.html"));
    insta::assert_snapshot!("paginated_section_first", main_of(&first));
    insta::assert_snapshot!("paginated_section_middle", main_of(&middle));
    insta::assert_snapshot!("paginated_section_middle_head", head_links(&middle));
    insta::assert_snapshot!("paginated_section_last", main_of(&last));
}

#[test]
fn terms_the_sme_list_and_facets_paginate_with_their_own_sizes() {
    let out = built();
    let public = out.path().join("public");
    insta::assert_snapshot!(
        "paginated_term_last",
        main_of(&read(&public.join("tags/lasers/page/3/index.html")))
    );
    insta::assert_snapshot!(
        "paginated_sme_list_last",
        main_of(&read(&public.join("smes/page/3/index.html")))
    );
    insta::assert_snapshot!(
        "paginated_facet_second",
        main_of(&read(
            &public.join("sectors/steel-and-metals/page/2/index.html")
        ))
    );
    // `paginate_data_by: {partners: 0}` turns the site's default off for that list.
    assert!(!public.join("partners/page").exists());
}

#[test]
fn a_partners_smes_paginate_like_a_facet() {
    // Nordlight's five SMEs, three a page (`paginate_data_by.facets`): its description and
    // other lists on page 1, the rest of its SMEs alone on page 2.
    let out = built();
    let public = out.path().join("public");
    let first = read(&public.join("partners/nordlight/index.html"));
    assert_eq!(first.matches("<li class=\"card\">").count(), 3, "{first}");
    assert!(first.contains("rel=\"next\""), "{first}");
    let second = read(&public.join("partners/nordlight/page/2/index.html"));
    insta::assert_snapshot!("paginated_partner_second", main_of(&second));
    insta::assert_snapshot!("paginated_partner_second_head", head_links(&second));
    assert!(!public.join("partners/nordlight/page/3").exists());
}

#[test]
fn page_one_redirects_to_the_list() {
    let out = built();
    let redirect = read(&out.path().join("public/smes/page/1/index.html"));
    insta::assert_snapshot!("paginated_first_page_redirect", redirect);
}

#[test]
fn an_empty_list_has_one_page_without_a_control() {
    let out = built();
    let public = out.path().join("public");
    let html = read(&public.join("empty/index.html"));
    assert!(!html.contains("aria-label=\"Pagination\""), "{html}");
    assert!(!public.join("empty/page/2").exists());
    assert!(public.join("empty/page/1/index.html").exists());
}

#[test]
fn the_sitemap_lists_every_page_of_a_list_but_no_redirect() {
    let out = built();
    let sitemap = read(&out.path().join("public/sitemap.xml"));
    let pages: Vec<&str> = sitemap.lines().filter(|l| l.contains("/page/")).collect();
    insta::assert_snapshot!("paginated_sitemap_entries", pages.join("\n"));
}

#[test]
fn a_cluster_embed_shows_one_page_and_links_to_all() {
    let out = built();
    let embed = read(
        &out.path()
            .join("public/embed/partners/nordlight/smes/index.html"),
    );
    assert_eq!(embed.matches("<li class=\"card\">").count(), 2, "{embed}");
    assert!(
        embed.contains(">See all 5 SMEs</a>"),
        "the embed links to the full list: {embed}"
    );
}

#[test]
fn every_link_of_a_paginated_site_resolves() {
    let run = pimap(&[
        "check",
        "--root",
        fixture("paginated-site").to_str().expect("a UTF-8 path"),
    ]);
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
}

#[test]
fn paginate_by_must_be_a_whole_number() {
    let site = tempfile::tempdir().expect("a scratch folder");
    std::fs::write(site.path().join("site.yaml"), "title: t\npaginate_by: -3\n")
        .expect("site.yaml written");
    let out = tempfile::tempdir().expect("a scratch folder");
    let run = build(site.path(), &out.path().join("public"), &[]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    let problem = run.stderr.split("\nerror: the build failed").next();
    insta::assert_snapshot!("paginate_by_not_a_number", problem.unwrap_or_default());
}
