//! The bundled theme on a site in two languages: what each page's head says about its versions
//! (canonical, `hreflang`, `og:locale`), the language switcher, the notice above a page not yet
//! translated, and the files every language shares at the site root (partner logos, embed.js).

mod common;
use common::*;

fn built() -> tempfile::TempDir {
    let (run, out) = build_fixture("theme-languages", &["--no-minify"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(run.stderr, "", "the fixture should build without warnings");
    out
}

/// The lines of `html` that speak of its language: `<html lang>`, the head's canonical,
/// alternate and locale tags, the switcher's links and the fallback notice.
fn language_lines(html: &str) -> String {
    html.lines()
        .filter(|line| {
            [
                "<html",
                "rel=\"canonical\"",
                "hreflang",
                "og:locale",
                "fallback-notice",
            ]
            .iter()
            .any(|mark| line.contains(mark))
        })
        .map(str::trim)
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn each_page_names_its_translated_versions_and_a_fallback_points_at_its_original() {
    let out = built();
    let public = out.path().join("public");
    for (name, path) in [
        ("theme_languages_home_en", "index.html"),
        ("theme_languages_home_fr", "fr/index.html"),
        ("theme_languages_about_en", "about/index.html"),
        ("theme_languages_about_fr_fallback", "fr/about/index.html"),
    ] {
        insta::assert_snapshot!(name, language_lines(&read(&public.join(path))));
    }
}

#[test]
fn a_fallback_page_marks_its_text_as_in_the_default_language() {
    let out = built();
    let html = read(&out.path().join("public/fr/about/index.html"));
    let notice = html
        .find("Cette page n&#39;est pas encore disponible en français.")
        .expect("the French notice");
    let title = html
        .find("<h1 lang=\"en\">About</h1>")
        .expect("the English title");
    assert!(notice < title, "the notice comes before the text");
    assert!(html.contains("<div class=\"prose\" lang=\"en\">"));
}

#[test]
fn partner_logos_and_the_embed_script_are_taken_from_the_site_root_in_every_language() {
    let out = built();
    let public = out.path().join("public");
    let french = read(&public.join("fr/smes/beamworks/index.html"));
    let logo = french
        .split("<img src=\"")
        .filter_map(|rest| rest.split('"').next())
        .find(|src| src.contains("lumen"))
        .expect("the partner's logo in the footer");
    assert!(logo.starts_with("/partners/media/lumen."), "{logo}");
    assert!(public.join(&logo[1..]).is_file(), "{logo} was not written");
    assert!(
        french.contains(
            "&lt;div data-pimap-embed=\"smes/beamworks\" data-pimap-lang=\"fr\"&gt;&lt;/div&gt;\n&lt;script src=\"https://example.org/embed.js\" async&gt;"
        ),
        "the embed code names the page's language and loads embed.js from the site root"
    );
    assert!(public.join("embed.js").is_file());
    assert!(public.join("fr/embed/smes/beamworks/index.html").is_file());
}

#[test]
fn a_relative_link_in_an_offer_leads_to_the_same_page_wherever_the_offer_is_shown() {
    let out = built();
    let public = out.path().join("public");
    for (path, href) in [
        ("smes/beamworks/index.html", "/about/"),
        ("embed/smes/beamworks/index.html", "/about/"),
        ("fr/smes/beamworks/index.html", "/fr/about/"),
        ("fr/embed/smes/beamworks/index.html", "/fr/about/"),
    ] {
        let html = read(&public.join(path));
        assert!(
            html.contains(&format!("href=\"{href}\"")),
            "{path} should link `../../about/` as `{href}`:\n{html}"
        );
    }
}

#[test]
fn a_translated_market_name_links_to_its_page() {
    let out = built();
    let french = read(&out.path().join("public/fr/smes/beamworks/index.html"));
    let chip = french
        .split("<a class=\"chip\" href=\"")
        .skip(1)
        .find(|rest| rest.contains(">États-Unis</a>"))
        .expect("the market chip");
    let href = chip.split('"').next().unwrap_or_default();
    assert!(
        href.starts_with("/fr/markets/"),
        "the chip links to `{href}`"
    );
}

#[test]
fn the_preview_ribbons_taxonomy_titles_and_dates_speak_the_page_language() {
    let (run, out) = build_fixture("theme-strings", &["--no-minify", "--drafts"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let public = out.path().join("public");
    let page = |path: &str| read(&public.join(path));
    let launch = page("fr/launch/index.html");
    assert!(
        launch.contains("role=\"note\">Brouillon : non publié</p>"),
        "{launch}"
    );
    assert!(launch.contains(">1er décembre 2026</time>"), "{launch}");
    assert!(
        page("fr/fair/index.html").contains("role=\"note\">Programmé : publié le 2099-01-01</p>")
    );
    assert!(page("launch/index.html").contains("role=\"note\">Draft: not published</p>"));
    assert!(page("fr/tags/index.html").contains("<h1>Mots-clés</h1>"));
    assert!(page("fr/tags/lasers/index.html").contains("<title>lasers · Mots-clés · "));
    assert!(page("tags/index.html").contains("<h1>Tags</h1>"));
    // French puts a (non-breaking) space before a colon.
    assert!(page("fr/tags/lasers/index.html").contains("<h1>Mots-clés\u{a0}: lasers</h1>"));
    assert!(page("tags/lasers/index.html").contains("<h1>Tags: lasers</h1>"));
}
