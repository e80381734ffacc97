//! Pages generated from data: partner, SME, mission and practice pages with their relations,
//! facet pages, shortcodes in Markdown, and sanitised SME text.

mod common;
use common::*;

fn built() -> (Run, tempfile::TempDir) {
    let (run, out) = build_fixture("data-site", &["--no-minify"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    (run, out)
}

fn main_of(html: &str) -> &str {
    let start = html.find("<main").expect("a <main> element");
    let end = html.find("</main>").expect("a </main>") + "</main>".len();
    &html[start..end]
}

#[test]
fn every_entity_and_facet_gets_a_page() {
    let (_, out) = built();
    let files: Vec<String> = tree(&out.path().join("public"))
        .into_keys()
        .filter(|f| f.ends_with(".html"))
        .collect();
    insta::assert_snapshot!("data_site_pages", files.join("\n"));
}

#[test]
fn partner_sme_and_mission_pages_show_their_relations() {
    let (_, out) = built();
    let public = out.path().join("public");
    insta::assert_snapshot!(
        "data_site_partner",
        main_of(&read(&public.join("partners/nordlight/index.html")))
    );
    insta::assert_snapshot!(
        "data_site_sme",
        main_of(&read(&public.join("smes/beamworks/index.html")))
    );
    insta::assert_snapshot!(
        "data_site_mission",
        main_of(&read(&public.join("missions/photonics-week/index.html")))
    );
    insta::assert_snapshot!(
        "data_site_facet",
        main_of(&read(&public.join("technologies/laser-welding/index.html")))
    );
}

#[test]
fn dates_show_as_precisely_as_they_are_known_with_roles_and_sources() {
    let (_, out) = built();
    let public = out.path().join("public");
    insta::assert_snapshot!(
        "data_site_outside_organiser",
        main_of(&read(&public.join("missions/laser-fair/index.html")))
    );
    insta::assert_snapshot!(
        "data_site_mou_with_the_partnership",
        main_of(&read(&public.join("partners/lakeside-optics/index.html")))
    );
    insta::assert_snapshot!(
        "data_site_news_dates",
        main_of(&read(&public.join("news/index.html")))
    );
    let page = read(&public.join("news/fair-days/index.html"));
    assert!(
        page.contains(r#"<time datetime="2019-06-24">24–27 June 2019</time>"#),
        "{page}"
    );
    assert!(
        page.contains(
            r#"<a href="https://example.org/fair/report" rel="noopener">The fair in figures</a>"#
        ),
        "{page}"
    );
    // Feeds need a full timestamp: a month or a range stands for its first day.
    let feed = read(&public.join("news/atom.xml"));
    assert!(
        feed.contains("<updated>2018-05-01T00:00:00Z</updated>"),
        "{feed}"
    );
    let sitemap = read(&public.join("sitemap.xml"));
    assert!(
        sitemap.contains("news/spring/</loc><lastmod>2018-05</lastmod>"),
        "{sitemap}"
    );
}

#[test]
fn an_smes_script_handlers_and_javascript_links_never_reach_the_page() {
    let (_, out) = built();
    let page = read(&out.path().join("public/smes/beamworks/index.html"));
    // The offer holds no script; the page's own scripts are its JSON-LD and the copy button's.
    let offer_start = page.find("<h2>What we offer</h2>").expect("the offer");
    let offer = &page[offer_start..offer_start + page[offer_start..].find("</div>").unwrap()];
    assert!(!offer.contains("<script"), "{offer}");
    assert_eq!(page.matches("<script").count(), 2, "{page}");
    assert!(!page.contains("alert"), "{page}");
    assert!(!page.contains("onerror"), "{page}");
    assert!(!page.contains("javascript:"), "{page}");
    assert!(
        page.contains(
            "<a href=\"https://example.com/beamworks\" rel=\"noopener noreferrer\">our site</a>"
        ),
        "{page}"
    );
}

#[test]
fn demo_profiles_are_marked_on_their_page_and_cards() {
    let (_, out) = built();
    let public = out.path().join("public");
    assert!(
        read(&public.join("smes/beamworks/index.html"))
            .contains("<span class=\"badge\">Demo profile</span>")
    );
    assert!(
        read(&public.join("smes/index.html")).contains("<span class=\"badge\">Demo profile</span>")
    );
}

#[test]
fn shortcodes_render_entities_inside_markdown() {
    let (_, out) = built();
    insta::assert_snapshot!(
        "data_site_shortcodes",
        main_of(&read(&out.path().join("public/showcase/index.html")))
    );
}

#[test]
fn a_content_section_gives_an_entity_list_its_title_and_text() {
    let (_, out) = built();
    let list = read(&out.path().join("public/smes/index.html"));
    assert!(list.contains("<h1>Our SMEs</h1>"), "{list}");
    assert!(
        list.contains("Meet the companies of the clusters."),
        "{list}"
    );
    let missions = read(&out.path().join("public/missions/index.html"));
    assert!(missions.contains("<h1>Missions</h1>"), "{missions}");
}

#[test]
fn the_bundled_pimap_site_builds_without_errors_or_warnings() {
    let out = tempfile::tempdir().unwrap();
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let run = build(root, &out.path().join("public"), &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(
        run.stderr, "",
        "the bundled site should build without warnings"
    );
    let public = out.path().join("public");
    for page in [
        "partners/alpha-rlh",
        "partners/optonique",
        "smes",
        "missions",
        "best-practices",
        "sectors",
        "technologies",
        "markets/us",
    ] {
        assert!(
            public.join(page).join("index.html").exists(),
            "missing {page}"
        );
    }
    let smes = std::fs::read_dir(public.join("smes"))
        .unwrap()
        .filter(|e| e.as_ref().unwrap().path().is_dir())
        .count();
    assert!(smes >= 16, "only {smes} SME pages");
}

#[test]
fn charts_are_inline_svg_with_title_description_and_a_table() {
    let (_, out) = built();
    let page = read(&out.path().join("public/results/index.html"));
    for (id, title, rows) in [
        ("kpi-chart", "Key performance indicators", 2),
        ("roadmap-chart", "Roadmap", 1),
        ("partner-map", "Where the partners are", 2),
    ] {
        let start = page
            .find(&format!("<figure class=\"chart\" id=\"{id}\">"))
            .unwrap_or_else(|| panic!("no {id} in {page}"));
        let figure = &page[start..start + page[start..].find("</figure>").unwrap()];
        assert!(
            figure.contains(&format!(
                "role=\"img\" aria-labelledby=\"{id}-title {id}-desc\""
            )),
            "{figure}"
        );
        assert!(
            figure.contains(&format!("<title id=\"{id}-title\">{title}</title>")),
            "{figure}"
        );
        assert!(
            figure.contains(&format!("<desc id=\"{id}-desc\">")),
            "{figure}"
        );
        assert_eq!(
            figure.matches("<tbody><tr>").count() + figure.matches("</tr><tr>").count(),
            rows,
            "{id}: table rows\n{figure}"
        );
        for size in figure
            .split("font-size=\"")
            .skip(1)
            .map(|rest| rest.split('"').next().unwrap().parse::<f64>().unwrap())
        {
            assert!(size >= 14.0, "{id}: text of {size} px is too small to read");
        }
    }
    // The KPI bar is as long as achieved / target: 90 of 100 on a 280-unit track.
    assert!(page.contains("width=\"252.0\" height=\"14\""), "{page}");
    // A figure without a published target has no bar; "more than" and "illustrative" show.
    assert!(
        page.contains(">SMEs represented (illustrative)</tspan>"),
        "{page}"
    );
    assert!(
        page.contains(">more than 40 SMEs (no target published)</text>"),
        "{page}"
    );
    assert!(
        page.contains("<td>not published</td><td>more than 40 SMEs</td>"),
        "{page}"
    );
    // An MoU with the partnership as a whole (no named signatories) rings the partner's pin.
    assert!(
        page.contains("r=\"12\" fill=\"none\" class=\"line c2\""),
        "no MoU ring"
    );
    assert!(page.contains("<td>The PIMAP Partnership</td>"), "{page}");
}

#[test]
fn block_shortcodes_wrap_their_markdown_in_the_themes_notes_quotes_and_calls_to_action() {
    let (run, out) = build_fixture("block-shortcodes", &["--no-minify"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let html = read(&out.path().join("public/guide/index.html"));
    let prose = &html[html.find("<div class=\"prose\">").unwrap()..];
    let prose = &prose[..prose.find("</article>").unwrap()];
    insta::assert_snapshot!(prose);
}

#[test]
fn csv_files_become_template_data_and_kpis_csv_stands_in_for_the_yaml() {
    let (run, out) = build_fixture("csv-data", &["--no-minify"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let html = read(&out.path().join("public/results/index.html"));
    insta::assert_snapshot!(main_of(&html));
}
