//! Publishing outputs: sitemap, robots.txt, the Atom feed, and what each page says about itself
//! (canonical URL, OpenGraph, JSON-LD).

mod common;
use common::*;

fn json_ld(html: &str) -> serde_json::Value {
    let start = html
        .find("<script type=\"application/ld+json\">")
        .expect("a JSON-LD script")
        + "<script type=\"application/ld+json\">".len();
    let end = start + html[start..].find("</script>").unwrap();
    serde_json::from_str(&html[start..end]).expect("valid JSON-LD")
}

#[test]
fn the_sitemap_lists_every_page_with_its_date_and_robots_points_at_it() {
    let (run, out) = build_fixture("basic-site", &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let public = out.path().join("public");
    insta::assert_snapshot!("basic_site_sitemap", read(&public.join("sitemap.xml")));
    assert_eq!(
        read(&public.join("robots.txt")),
        "User-agent: *\nAllow: /\n\nSitemap: https://example.org/sitemap.xml\n"
    );
}

#[test]
fn the_news_feed_is_atom_with_absolute_ids_and_dates() {
    let (run, out) = build_fixture("basic-site", &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    insta::assert_snapshot!(
        "basic_site_feed",
        read(&out.path().join("public/news/atom.xml"))
    );
}

#[test]
fn a_sub_path_preview_build_moves_the_sitemap_feed_and_links() {
    let (run, out) = build_fixture(
        "basic-site",
        &["--base-url", "https://preview.example.net/pimap/"],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    let public = out.path().join("public");
    let sitemap = read(&public.join("sitemap.xml"));
    assert!(sitemap.contains("<loc>https://preview.example.net/pimap/news/mou-signed/</loc><lastmod>2019-06-25</lastmod>"), "{sitemap}");
    assert!(
        !sitemap.contains("<loc>https://preview.example.net/news"),
        "{sitemap}"
    );
    assert!(
        read(&public.join("robots.txt"))
            .ends_with("Sitemap: https://preview.example.net/pimap/sitemap.xml\n")
    );
    assert!(read(&public.join("news/atom.xml")).contains("<link rel=\"self\" type=\"application/atom+xml\" href=\"https://preview.example.net/pimap/news/atom.xml\"/>"));
}

#[test]
fn pages_describe_themselves_with_canonical_opengraph_and_json_ld() {
    let out = tempfile::tempdir().unwrap();
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let run = build(root, &out.path().join("public"), &["--no-minify"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let public = out.path().join("public");
    let sme = read(&public.join("smes/lumicrest-ultrafast/index.html"));
    assert!(sme.contains(
        "<link rel=\"canonical\" href=\"https://pimap.example.org/smes/lumicrest-ultrafast/\">"
    ));
    assert!(sme.contains("<meta property=\"og:title\" content=\"Lumicrest Ultrafast\">"));
    assert!(sme.contains("<meta name=\"twitter:card\" content=\"summary\">"));
    let ld = json_ld(&sme);
    assert_eq!(
        (ld["@type"].as_str(), ld["name"].as_str()),
        (Some("Organization"), Some("Lumicrest Ultrafast"))
    );
    assert_eq!(ld["address"]["addressCountry"], "FR");
    let mission = json_ld(&read(
        &public.join("missions/laser-world-of-photonics-2019/index.html"),
    ));
    assert_eq!(
        (mission["@type"].as_str(), mission["startDate"].as_str()),
        (Some("Event"), Some("2019-06-24"))
    );
    assert!(
        mission["organizer"]
            .as_array()
            .is_some_and(|o| !o.is_empty())
    );
    let news = json_ld(&read(&public.join("news/pimap-plus-2022/index.html")));
    assert_eq!(
        (news["@type"].as_str(), news["datePublished"].as_str()),
        (Some("NewsArticle"), Some("2022-08-16"))
    );
    let partner = json_ld(&read(&public.join("partners/alpha-rlh/index.html")));
    assert_eq!(partner["@type"], "Organization");
    assert!(read(&public.join("index.html")).contains("<link rel=\"alternate\" type=\"application/atom+xml\" title=\"News · PIMAP Partnership\" href=\"/news/atom.xml\">"));
}

#[test]
fn the_json_api_lists_every_entity_with_absolute_urls_and_related_ids() {
    let (run, out) = build_fixture("data-site", &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let api = |kind: &str| -> serde_json::Value {
        serde_json::from_str(&read(
            &out.path().join(format!("public/api/v1/{kind}.json")),
        ))
        .unwrap()
    };
    let smes = api("smes");
    assert_eq!(
        (
            smes["version"].as_i64(),
            smes["kind"].as_str(),
            smes["site"].as_str()
        ),
        (Some(1), Some("smes"), Some("https://example.org/"))
    );
    let beamworks = &smes["items"][0];
    assert_eq!(beamworks["id"], "beamworks");
    assert_eq!(beamworks["url"], "https://example.org/smes/beamworks/");
    assert_eq!(
        beamworks["embed_url"],
        "https://example.org/embed/smes/beamworks/"
    );
    assert_eq!(beamworks["cluster"], "nordlight");
    assert_eq!(beamworks["missions"], serde_json::json!(["photonics-week"]));
    assert!(
        !beamworks["offer_html"]
            .as_str()
            .unwrap()
            .contains("<script")
    );
    let partners = api("partners");
    let nordlight = partners["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["id"] == "nordlight")
        .unwrap();
    assert_eq!(nordlight["smes"], serde_json::json!(["beamworks"]));
    assert_eq!(api("practices")["items"].as_array().map(Vec::len), Some(1));
    let missions = api("missions");
    let fair = &missions["items"][0];
    assert_eq!(fair["id"], "laser-fair");
    // Organisers outside the data keep their name and website; dates keep their precision.
    assert_eq!(
        fair["organisers"][0],
        serde_json::json!({"name": "Fair Company", "website": "https://example.org/fair"})
    );
    assert_eq!(fair["start"], "2019-06");
    assert_eq!(fair["partners"], serde_json::json!(["nordlight"]));
}

#[test]
fn embeds_open_links_in_the_top_window_and_describe_themselves_with_oembed() {
    let (run, out) = build_fixture("data-site", &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let public = out.path().join("public");
    let embed = read(&public.join("embed/smes/beamworks/index.html"));
    assert!(embed.contains("pimap-embed-height"), "no resize script");
    assert!(
        embed.contains("<meta name=robots content=noindex>"),
        "{embed}"
    );
    for link in embed.split("<a ").skip(1) {
        assert!(
            link.contains("target=_top"),
            "a link that opens inside the frame: <a {}",
            &link[..link.len().min(120)]
        );
    }
    assert!(
        embed.contains("class=embed-attribution href=https://example.org/smes/beamworks/"),
        "{embed}"
    );
    assert!(
        !embed.contains("<link rel=stylesheet") && !embed.contains("src=http"),
        "the embed loads nothing else"
    );
    let list =
        read(&public.join("embed/partners/nordlight/smes/technology/laser-welding/index.html"));
    assert!(list.contains("Beamworks"));
    let oembed: serde_json::Value =
        serde_json::from_str(&read(&public.join("embed/smes/beamworks/oembed.json"))).unwrap();
    assert_eq!(
        (oembed["version"].as_str(), oembed["type"].as_str()),
        (Some("1.0"), Some("rich"))
    );
    assert_eq!(
        oembed["html"],
        "<div data-pimap-embed=\"smes/beamworks\"></div><script src=\"https://example.org/embed.js\" async></script>"
    );
    let page = read(&public.join("smes/beamworks/index.html"));
    assert!(
        page.contains(
            "<link rel=alternate type=application/json+oembed href=https://example.org/embed/smes/beamworks/oembed.json"
        ),
        "no oEmbed discovery link"
    );
    assert!(
        page.contains("data-pimap-embed=\"smes/beamworks\""),
        "no embed snippet"
    );
}

#[test]
fn static_files_get_content_hashed_names_that_hosts_may_cache_for_ever() {
    let (run, out) = build_fixture("basic-site", &["--base-url", "https://example.org/sub/"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let public = out.path().join("public");
    assert_eq!(
        read(&public.join("css/style.f279778f42.css")),
        read(&public.join("css/style.css"))
    );
    assert!(read(&public.join("index.html")).contains("href=/sub/css/style.f279778f42.css"));
    assert_eq!(
        read(&public.join("_headers")),
        "# Written by pimap. Files whose names carry a hash of their bytes never change.\n/sub/css/style.f279778f42.css\n  Cache-Control: public, max-age=31536000, immutable\n/sub/css/theme-only.a682a552f1.css\n  Cache-Control: public, max-age=31536000, immutable\n"
    );
}
