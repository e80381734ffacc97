//! A site in several languages: every language has every page (a translation where there is
//! one, the original marked as a fallback where there is none), with the language's dates,
//! theme strings, facet names and data translations, `hreflang` alternates, canonical URLs that
//! point a fallback at its original, and a sitemap per language with alternates.

mod common;
use common::*;

fn built() -> tempfile::TempDir {
    let (run, out) = build_fixture("multilingual-site", &["--no-minify"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stderr.is_empty(), "no warnings: {}", run.stderr);
    out
}

#[test]
fn every_language_has_every_page_under_its_folder() {
    let out = built();
    let files: Vec<String> = tree(&out.path().join("public")).into_keys().collect();
    insta::assert_snapshot!("multilingual_files", files.join("\n"));
}

#[test]
fn a_translation_replaces_its_original_with_its_own_slug_and_alternates() {
    let out = built();
    let public = out.path().join("public");
    insta::assert_snapshot!(
        "multilingual_translated_page",
        read(&public.join("fr/qui-sommes-nous/index.html"))
    );
    // The home page's link to the page follows the translated slug.
    assert!(read(&public.join("fr/index.html")).contains("href=\"/fr/qui-sommes-nous/\""));
}

#[test]
fn a_fallback_page_says_so_and_points_search_engines_at_its_original() {
    let out = built();
    let page = read(&out.path().join("public/fr/contact/index.html"));
    insta::assert_snapshot!("multilingual_fallback_page", page);
    assert!(page.contains("<link rel=\"canonical\" href=\"https://example.org/contact/\">"));
    assert!(!page.contains("hreflang=\"fr\" href=\"https://example.org/fr/contact/\""));
}

#[test]
fn dates_strings_facets_and_data_speak_the_language() {
    let out = built();
    let public = out.path().join("public");
    insta::assert_snapshot!(
        "multilingual_finnish_news",
        read(&public.join("fi/news/launch/index.html"))
    );
    insta::assert_snapshot!(
        "multilingual_french_sme",
        read(&public.join("fr/smes/alpha/index.html"))
    );
    insta::assert_snapshot!(
        "multilingual_finnish_sme_fallback",
        read(&public.join("fi/smes/alpha/index.html"))
    );
}

#[test]
fn an_entity_linked_in_data_text_is_linked_in_the_page_language() {
    let out = built();
    let public = out.path().join("public");
    let page = |path: &str| read(&public.join(path));
    assert!(page("smes/alpha/index.html").contains("<a href=\"/partners/nordlight/\""));
    assert!(page("fr/smes/alpha/index.html").contains("<a href=\"/fr/partners/nordlight/\""));
    assert!(page("fi/smes/alpha/index.html").contains("<a href=\"/fi/partners/nordlight/\""));
}

#[test]
fn each_language_has_a_sitemap_with_alternates_listed_in_robots() {
    let out = built();
    let public = out.path().join("public");
    insta::assert_snapshot!("multilingual_sitemap", read(&public.join("sitemap.xml")));
    insta::assert_snapshot!(
        "multilingual_sitemap_fr",
        read(&public.join("fr/sitemap.xml"))
    );
    insta::assert_snapshot!("multilingual_robots", read(&public.join("robots.txt")));
}

#[test]
fn a_language_folder_in_the_default_content_is_an_error() {
    let site = copy_fixture("multilingual-site");
    std::fs::create_dir_all(site.path().join("content/fr")).unwrap();
    std::fs::write(
        site.path().join("content/fr/x.md"),
        "---\ntitle: X\n---\nx\n",
    )
    .unwrap();
    let out = tempfile::tempdir().unwrap();
    let run = build(site.path(), &out.path().join("public"), &[]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(
        run.stderr.contains("content/fr/x.md:1:1: error: content/fr/x.md would be written to fr/x/index.html, inside /fr/, the folder of the `fr` pages"),
        "{}",
        run.stderr
    );
}

#[test]
fn a_broken_link_in_a_data_translation_is_reported_at_the_translation() {
    let site = copy_fixture("multilingual-site");
    std::fs::write(
        site.path().join("data/smes/alpha.fr.yaml"),
        "looking_for: [Distributeurs]\noffer: |\n  Nous soudons avec la lumière.\n\n  Lisez [qui nous sommes](/qui-somme-nous/).\n",
    )
    .unwrap();
    let out = tempfile::tempdir().unwrap();
    let run = build(site.path(), &out.path().join("public"), &[]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(
        run.stderr.contains(
            "data/smes/alpha.fr.yaml:5:9: error: link to `/qui-somme-nous/`: this site has no page at that address\n 5 |   Lisez [qui nous sommes](/qui-somme-nous/)."
        ),
        "{}",
        run.stderr
    );
    assert!(!run.stderr.contains("alpha.yaml"), "{}", run.stderr);
}

#[test]
fn check_translations_lists_what_is_missing_or_older_than_its_original() {
    let site = copy_fixture("multilingual-site");
    let about = site.path().join("content/about.md");
    let text = read(&about).replace("title: About us", "title: About us\nupdated: 2020-03-01");
    std::fs::write(&about, text).unwrap();
    let run = pimap(&[
        "check",
        "--translations",
        "--root",
        site.path().to_str().unwrap(),
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    insta::assert_snapshot!("multilingual_translation_status", run.stdout);
}

#[test]
fn new_translation_starts_from_the_original_and_builds() {
    let site = copy_fixture("multilingual-site");
    let root = site.path().to_str().unwrap();
    for original in ["contact.md", "data/smes/alpha.yaml"] {
        let run = pimap(&[
            "new",
            "translation",
            original,
            "--lang",
            "fi",
            "--root",
            root,
        ]);
        assert_eq!(run.code, 0, "{}", run.stderr);
    }
    let contact = read(&site.path().join("content/contact.fi.md"));
    assert!(
        contact.contains("# original: title: Contact\ntitle: Contact\n"),
        "{contact}"
    );
    // A data translation is checked while it is typed, against the translation's own schema.
    let overlay = read(&site.path().join("data/smes/alpha.fi.yaml"));
    assert!(
        overlay.starts_with("# yaml-language-server: $schema=../../schemas/sme-translation.json\n"),
        "{overlay}"
    );
    let again = pimap(&[
        "new",
        "translation",
        "contact.md",
        "--lang",
        "fi",
        "--root",
        root,
    ]);
    assert_eq!(again.code, 1, "never replaces a file");
    let unknown = pimap(&[
        "new",
        "translation",
        "contact.md",
        "--lang",
        "de",
        "--root",
        root,
    ]);
    assert!(
        unknown
            .stderr
            .contains("`de` is not a further language of this site"),
        "{}",
        unknown.stderr
    );
    // The started translations build, and the Finnish pages are no longer fallbacks.
    let out = tempfile::tempdir().unwrap();
    let run = build(site.path(), &out.path().join("public"), &["--no-minify"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let page = read(&out.path().join("public/fi/contact/index.html"));
    assert!(
        page.contains("<link rel=\"canonical\" href=\"https://example.org/fi/contact/\">"),
        "{page}"
    );
}

#[test]
fn check_follows_links_in_every_language() {
    let site = copy_fixture("multilingual-site");
    let about = site.path().join("content/about.fr.md");
    let text = read(&about) + "\n<a href=\"/fr/nulle-part/\">nulle part</a>\n";
    std::fs::write(&about, text).unwrap();
    let run = pimap(&["check", "--root", site.path().to_str().unwrap()]);
    assert_eq!(run.code, 1, "{}{}", run.stdout, run.stderr);
    // At the line of the translation, not at the generated file.
    assert!(
        run.stderr
            .contains("content/about.fr.md:7:11: error: broken link `/fr/nulle-part/`"),
        "{}",
        run.stderr
    );
}

#[test]
fn a_translation_gives_the_photos_their_alt_and_caption_in_its_language() {
    let site = copy_fixture("theme-languages");
    let smes = site.path().join("data/smes");
    std::fs::create_dir_all(smes.join("media")).unwrap();
    std::fs::copy(
        fixture("multilingual-errors").join("data/smes/media/cell.png"),
        smes.join("media/cell.png"),
    )
    .unwrap();
    let record = read(&smes.join("beamworks.yaml"))
        + "photos:\n  - file: cell.png\n    alt: A welding cell seen from the side\n    caption: Our welding cell\n";
    std::fs::write(smes.join("beamworks.yaml"), record).unwrap();
    std::fs::write(
        smes.join("beamworks.fr.yaml"),
        "photos:\n  - file: cell.png\n    alt: Une cellule de soudage vue de côté\n    caption: Notre cellule de soudage\n",
    )
    .unwrap();
    let out = site.path().join("public");
    let run = build(site.path(), &out, &["--no-minify"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let french = read(&out.join("fr/smes/beamworks/index.html"));
    assert!(
        french.contains("alt=\"Une cellule de soudage vue de côté\""),
        "{french}"
    );
    assert!(french.contains("<figcaption>Notre cellule de soudage</figcaption>"));
    let english = read(&out.join("smes/beamworks/index.html"));
    assert!(english.contains("alt=\"A welding cell seen from the side\""));
    assert!(english.contains("<figcaption>Our welding cell</figcaption>"));
}

#[test]
fn untranslated_kpis_and_roadmap_actions_are_marked_as_english_in_a_french_chart() {
    let site = copy_fixture("multilingual-site");
    let root = site.path();
    let write = |rel: &str, text: &str| {
        let path = root.join(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    };
    let source = "  sources:\n    - title: Final report\n";
    write(
        "data/kpis.yaml",
        &format!(
            "- id: missions\n  label: Business missions\n  unit: missions\n  achieved: 2\n  objective: Reach North America\n{source}\
             - id: smes\n  label: SMEs on missions\n  unit: SMEs\n  achieved: 12\n  objective: Reach North America\n{source}"
        ),
    );
    write(
        "data/kpis.fr.yaml",
        "- id: missions\n  label: Missions d'affaires\n  objective: Atteindre l'Amérique du Nord\n",
    );
    write(
        "data/roadmap.yaml",
        "- id: recruit\n  title: Recruit SMEs\n  start: \"2020-01\"\n  end: \"2020-12\"\n  owners: [nordlight]\n  status: done\n  illustrative: true\n",
    );
    write(
        "themes/mini/templates/shortcodes/kpi_chart.html",
        "{{ kpi_chart() }}",
    );
    write(
        "themes/mini/templates/shortcodes/roadmap.html",
        "{{ roadmap_chart() }}",
    );
    write(
        "content/results.md",
        "---\ntitle: Results\n---\n{{ kpi_chart() }}\n\n{{ roadmap() }}\n",
    );
    let out = tempfile::tempdir().unwrap();
    let run = build(root, &out.path().join("public"), &["--no-minify"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let french = read(&out.path().join("public/fr/results/index.html"));
    // The translated indicator is French; the other, its objective and unit stay English.
    assert!(
        french.contains("<dt>Missions d&#39;affaires</dt>"),
        "{french}"
    );
    assert!(
        french.contains("<dt><span lang=\"en\">SMEs on missions</span></dt>"),
        "{french}"
    );
    assert!(french.contains("<span lang=\"en\">SMEs</span>"), "{french}");
    assert!(
        french.contains("<span lang=\"en\">Reach North America</span>"),
        "{french}"
    );
    assert!(!french.contains("<span lang=\"en\">Missions d"), "{french}");
    // The roadmap's untranslated title is English; "(illustrative)" is in the page's language.
    assert!(
        french.contains("<span class=\"gantt-title\"><span lang=\"en\">Recruit SMEs</span> "),
        "{french}"
    );
    // The English site marks nothing.
    let english = read(&out.path().join("public/results/index.html"));
    assert!(!english.contains("<span lang=\"en\">"), "{english}");
}

#[test]
fn broken_links_in_translations_of_two_languages_and_in_an_original_are_reported_in_one_run() {
    let site = copy_fixture("multilingual-site");
    let write = |rel: &str, text: &str| std::fs::write(site.path().join(rel), text).unwrap();
    write(
        "content/about.fr.md",
        "---\ntitle: Qui sommes-nous\nslug: qui-sommes-nous\n---\n## L'équipe\n\nVoir [la page](@/nulle-part.md).\n",
    );
    // The Finnish launch links to the French-only heading: in Finnish, about.md is the English
    // text, which has no such heading.
    write(
        "content/news/launch.fi.md",
        "---\ntitle: Julkistus\n---\nKatso [tiimi](@/about.md#lequipe).\n",
    );
    write(
        "content/contact.md",
        "---\ntitle: Contact\n---\nWrite to us, or go [home](@/koti.md).\n",
    );
    let out = tempfile::tempdir().unwrap();
    let public = out.path().join("public");
    let run = build(site.path(), &public, &[]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    for expected in [
        "content/about.fr.md:7:6: error: link to `@/nulle-part.md`: there is no content file content/nulle-part.md",
        "content/news/launch.fi.md:4:7: error: link to `#lequipe` in content/about.md: there is no such heading",
        "content/contact.md:4:20: error: link to `@/koti.md`: there is no content file content/koti.md",
    ] {
        assert!(run.stderr.contains(expected), "{expected}\n{}", run.stderr);
    }
    assert!(!public.exists(), "nothing is written");
}

#[test]
fn a_broken_link_in_the_last_language_stops_the_build_after_the_others_rendered() {
    let site = copy_fixture("multilingual-site");
    std::fs::write(
        site.path().join("content/news/launch.fi.md"),
        "---\ntitle: Julkistus\n---\nKatso [meistä](@/meista.md).\n",
    )
    .unwrap();
    let out = tempfile::tempdir().unwrap();
    let public = out.path().join("public");
    let run = build(site.path(), &public, &[]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(
        run.stderr.contains(
            "content/news/launch.fi.md:4:7: error: link to `@/meista.md`: there is no content file content/meista.md"
        ),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("the build failed with 1 error"),
        "{}",
        run.stderr
    );
    assert!(!public.exists(), "nothing is written");
}
