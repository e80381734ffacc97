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
    // The charts speak the page's language: titles, legends, axis words and table headers.
    for (page, words) in [
        (
            "fr/kpis",
            &[
                "Indicateurs clés de performance",
                "sous forme de tableau",
                ">Objectif<",
            ][..],
        ),
        (
            "sv/roadmap",
            &[">Färdplan<", ">K1<", ">Färdplanens slut<", ">Åtgärd<"],
        ),
        (
            "pt/partners",
            &[
                "Onde estão os parceiros",
                ">Parceiro internacional<",
                ">Local<",
            ],
        ),
        (
            "fi/partners",
            &[
                "Missä kumppanit ovat",
                "kansainvälistä kumppania",
                ">Paikka<",
            ],
        ),
    ] {
        let html = std::fs::read_to_string(public.join(page).join("index.html")).unwrap();
        for word in words {
            assert!(html.contains(word), "{page}: no {word}");
        }
    }
}

/// The figure `id` of `page`.
fn chart<'a>(page: &'a str, id: &str) -> &'a str {
    let start = page
        .find(&format!("id=\"{id}\" aria-labelledby=\"{id}-title\">"))
        .unwrap_or_else(|| panic!("no {id} in {page}"));
    &page[start..start + page[start..].find("</figure>").unwrap()]
}

#[test]
fn charts_have_a_caption_real_text_and_a_table() {
    let (_, out) = built();
    let page = read(&out.path().join("public/results/index.html"));
    for (id, title, rows) in [
        ("kpi-chart", "Key performance indicators", 2),
        ("roadmap-chart", "Roadmap", 1),
        ("partner-map", "Where the partners are", 2),
    ] {
        let figure = chart(&page, id);
        assert!(
            figure.contains(&format!(
                "<figcaption><span class=\"chart-title\" id=\"{id}-title\">{title}</span> <span class=\"chart-desc\">"
            )),
            "{figure}"
        );
        assert!(
            figure.contains(&format!("<details><summary>{title} as a table</summary>")),
            "{figure}"
        );
        assert_eq!(
            figure.matches("<tbody><tr>").count() + figure.matches("</tr><tr>").count(),
            rows,
            "{id}: table rows\n{figure}"
        );
        // Text sizes come from the stylesheet, never from a scaled drawing.
        assert!(!figure.contains("font-size"), "{id}: {figure}");
    }
    // The KPI bar is as long as achieved / target: 90 of 100; the figure is text beside it.
    let kpis = chart(&page, "kpi-chart");
    assert!(
        kpis.contains("<rect width=\"90.0\" height=\"1\" class=\"c1\"/></svg><span class=\"bar-figure\">90 / 100 SMEs</span>"),
        "{kpis}"
    );
    // A figure without a published target has no bar; "more than" and "illustrative" show.
    assert!(
        kpis.contains("<dt>SMEs represented (illustrative)</dt>"),
        "{kpis}"
    );
    assert!(
        kpis.contains(">more than 40 SMEs (no target published)</span>"),
        "{kpis}"
    );
    assert!(
        kpis.contains("<td>not published</td><td>more than 40 SMEs</td>"),
        "{kpis}"
    );
    // Each roadmap bar runs from its start month to the end of its end month, in a year's axis.
    let roadmap = chart(&page, "roadmap-chart");
    assert!(
        roadmap.contains("viewBox=\"0 0 12 1\"")
            && roadmap.contains("<rect x=\"0\" y=\".15\" width=\"6\""),
        "{roadmap}"
    );
    assert!(
        roadmap.contains("<span>Q1</span><span>Q2</span>"),
        "{roadmap}"
    );
    // An MoU with the partnership as a whole (no named signatories) rings the partner's pin,
    // and every pin is a link named after its partner.
    let map = chart(&page, "partner-map");
    assert!(
        map.contains("r=\"12\" class=\"ring c2\""),
        "no MoU ring: {map}"
    );
    assert!(map.contains("<td>The PIMAP Partnership</td>"), "{map}");
    assert_eq!(
        map.matches("<a href=\"/partners/").count(),
        2 * map.matches("r=\"7\" class=\"pin ").count(),
        "a link on the map and in the table for each pin: {map}"
    );
    assert!(map.contains("<text x="), "{map}");
}

#[test]
fn the_roadmap_marks_the_build_day_inside_its_span_and_its_end_outside() {
    let marker = |today: &str| {
        let out = tempfile::tempdir().unwrap();
        let public = out.path().join("public");
        let run = pimap_on(
            today,
            &build_args(&fixture("data-site"), &public, &["--no-minify"]),
        );
        assert_eq!(run.code, 0, "{}", run.stderr);
        let page = read(&public.join("results/index.html"));
        let roadmap = chart(&page, "roadmap-chart").to_owned();
        let at = roadmap
            .split("<path d=\"M")
            .find_map(|rest| {
                rest.split_once(" 0V1\" class=\"marker\"")
                    .map(|(x, _)| x.to_owned())
            })
            .unwrap_or_else(|| panic!("no marker in {roadmap}"));
        let word = ["Today", "End of the roadmap"]
            .into_iter()
            .find(|w| roadmap.contains(&format!("</svg>{w}</li>")))
            .unwrap_or("none");
        (at, word)
    };
    // 1 April 2020 is three months into 2020; the market study ended in June.
    assert_eq!(marker("2020-04-01"), ("3.00".to_owned(), "Today"));
    assert_eq!(
        marker("2026-11-30"),
        ("6.00".to_owned(), "End of the roadmap")
    );
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
