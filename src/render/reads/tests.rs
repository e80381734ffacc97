use super::*;

fn reads(templates: &[(&str, &str)]) -> TemplateReads {
    TemplateGraph::new(templates.iter().copied()).reads(templates[0].0)
}

fn fields(reads: &TemplateReads) -> Vec<&'static str> {
    reads.listed_body_fields.iter().copied().collect()
}

#[test]
fn text_that_is_not_ascii_inside_a_tag_is_read_without_a_panic() {
    scan("{{ café }} {% set x = \"é}}\" %}{{ 'ü");
    let r = reads(&[("page.html", "{{ page.title ~ ' – ' ~ section.title }}")]);
    assert!(!r.reaches_any_page);
}

#[test]
fn own_page_fields_are_not_listed_reads() {
    let r = reads(&[(
        "page.html",
        "{{ page.content }} {{ page.reading_time }} {% for h in page.toc %}{{ h.title }}{% endfor %}",
    )]);
    assert_eq!(
        r,
        TemplateReads {
            shown_names: r.shown_names.clone(),
            ..TemplateReads::default()
        }
    );
}

#[test]
fn fields_of_listed_pages_are_found_through_includes_and_loops() {
    let r = reads(&[
        (
            "section.html",
            "{% set pages = section.pages %}{% include \"list.html\" %}",
        ),
        (
            "list.html",
            "{% for p in pages %}{{ p.title }}{% if p.summary %}{{ p.summary }}{% endif %}{% endfor %}",
        ),
    ]);
    assert_eq!(fields(&r), ["summary"]);
    assert!(!r.reads_whole_values && !r.reaches_any_page);
}

#[test]
fn extended_templates_count_and_section_fields_are_the_sections_own() {
    let r = reads(&[
        (
            "news.html",
            "{% extends \"base.html\" %}{% block b %}{{ section.content }}{% endblock b %}",
        ),
        (
            "base.html",
            "{% for p in section.pages %}{{ p.word_count }}{% endfor %}",
        ),
    ]);
    assert_eq!(fields(&r), ["word_count"]);
    assert!(r.reads_section_body);
}

#[test]
fn words_outside_tags_and_in_comments_are_not_reads() {
    let r = reads(&[(
        "page.html",
        "The summary and content of {{ page.title }} {# p.summary get_page #}{% raw %}{{ p.toc }}{% endraw %}",
    )]);
    let names: Vec<&str> = r.shown_names.iter().map(String::as_str).collect();
    assert_eq!(names, ["page", "title"]);
    assert_eq!(
        r,
        TemplateReads {
            shown_names: r.shown_names.clone(),
            ..TemplateReads::default()
        }
    );
}

#[test]
fn a_page_variable_bound_by_the_template_is_not_the_outputs_own() {
    let r = reads(&[(
        "section.html",
        "{% for page in section.pages %}{{ page.content }}{% endfor %}",
    )]);
    assert_eq!(fields(&r), ["content"]);
}

#[test]
fn literal_keys_name_fields_and_computed_keys_read_everything() {
    let literal = reads(&[(
        "a.html",
        "{{ section.pages | map(attribute=\"summary\") | length }}",
    )]);
    assert_eq!(fields(&literal), ["summary"]);
    let computed = reads(&[(
        "a.html",
        "{% for p in section.pages %}{{ p[key] }}{% endfor %}",
    )]);
    assert!(computed.reads_whole_values);
    let indexed = reads(&[("a.html", "{{ section.pages[0].title }}")]);
    assert!(!indexed.reads_whole_values);
    let printed = reads(&[("a.html", "{{ section.pages | str }}")]);
    assert!(printed.reads_whole_values);
    let counted = reads(&[("a.html", "{{ section.pages | length }}")]);
    assert!(!counted.reads_whole_values);
    let whole = reads(&[("a.html", "{{ section }}")]);
    assert!(whole.reads_whole_values);
    let field = reads(&[("a.html", "{{ page.section }}")]);
    assert!(!field.reads_whole_values);
}

#[test]
fn functions_taxonomies_and_components_reach_any_page() {
    for text in [
        "{% set p = get_page(path=\"a.md\") %}{{ p.title }}",
        "{% for t in taxonomies.tags.terms %}{% endfor %}",
        "{{ <Card title=\"x\" /> }}",
    ] {
        assert!(reads(&[("a.html", text)]).reaches_any_page, "{text}");
    }
    assert!(!reads(&[("a.html", "{{ page.title }}")]).reaches_any_page);
}

#[test]
fn the_data_variable_charts_and_components_read_data() {
    for text in [
        "{% for s in data.smes %}{{ s.name }}{% endfor %}",
        "{{ partner_map() }}",
        "{{ <Card title=\"x\" /> }}",
    ] {
        assert!(reads(&[("a.html", text)]).reads_data, "{text}");
    }
    for text in ["{{ page.data }}", "data {{ sme.name }}"] {
        assert!(!reads(&[("a.html", text)]).reads_data, "{text}");
    }
}

#[test]
fn a_list_whose_length_or_truth_alone_is_read_does_not_show_its_members() {
    let shown = |text: &str| reads(&[("a.html", text)]).shown_names;
    for text in [
        "{{ f.smes | length }}",
        "{% if f.smes %}x{% endif %}",
        "{% if facet.smes and paginator.number == 1 %}x{% endif %}",
        "{% if not f.smes %}x{% elif f.smes %}y{% endif %}",
    ] {
        assert!(!shown(text).contains("smes"), "{text}");
    }
    for text in [
        "{% for s in f.smes %}{{ s.name }}{% endfor %}",
        "{{ f.smes }}",
        "{{ f.smes | first }}",
        "{% if f.smes[0].name %}x{% endif %}",
        "{% if f.smes == g %}x{% endif %}",
        "{% set n = f.smes %}",
        "{{ f.smes | length | default(value=smes) }}",
    ] {
        assert!(shown(text).contains("smes"), "{text}");
    }
    // Filters are not names; loop variables and fields are.
    let names = shown("{% for s in paginator.pages %}{{ s.name | upper }}{% endfor %}");
    assert!(names.contains("paginator") && names.contains("pages") && names.contains("name"));
    assert!(!names.contains("upper"));
}

#[test]
fn data_keys_and_fields_are_the_names_read() {
    let r = reads(&[(
        "a.html",
        "{% for id, p in data.partners %}{{ p.name }}{{ p[\"url\"] }}{% endfor %}",
    )]);
    let keys: Vec<&str> = r.data_keys.iter().map(String::as_str).collect();
    assert_eq!(keys, ["partners"]);
    assert!(r.data_fields.contains("name") && r.data_fields.contains("url"));
    assert!(!r.data_fields.contains("smes"));
    let r = reads(&[(
        "a.html",
        "{{ facet.smes | length }}{% for id, p in data.partners %}{% set s = p.smes[0] %}{{ s.cluster.name }}{% endfor %}",
    )]);
    let fields: Vec<&str> = r.data_fields.iter().map(String::as_str).collect();
    assert_eq!(fields, ["cluster", "name", "partners", "smes"]);
    assert!(
        !reads(&[("a.html", "{{ facet.smes }}")])
            .data_fields
            .contains("smes")
    );
    for text in ["{{ data | length }}", "{{ data[page.extra.kind] }}"] {
        assert!(reads(&[("a.html", text)]).data_keys.contains("*"), "{text}");
    }
}

#[test]
fn shown_fields_are_the_changed_fields_the_template_lists() {
    let r = reads(&[(
        "a.html",
        "{% for p in section.pages %}{{ p.summary }}{% endfor %}",
    )]);
    let changed: BTreeSet<&str> = ["content", "word_count"].into_iter().collect();
    assert!(r.shown_fields(&changed).is_empty());
    let changed: BTreeSet<&str> = ["content", "summary"].into_iter().collect();
    assert_eq!(r.shown_fields(&changed), ["summary"]);
}

#[test]
fn references_come_from_tags_only() {
    let s = scan("include \"no.html\" {% include \"partials/a.html\" %}{% extends 'base.html' %}");
    assert_eq!(s.references, ["partials/a.html", "base.html"]);
}

#[test]
fn a_listed_page_printed_whole_or_as_json_reads_every_field() {
    let whole = |templates: &[(&str, &str)]| reads(templates).reads_whole_values;
    assert!(whole(&[(
        "a.html",
        "{% for p in section.pages %}{{ p }}{% endfor %}"
    )]));
    assert!(whole(&[(
        "a.html",
        "{% for p in paginator.pages %}{{ p | json_encode }}{% endfor %}"
    )]));
    assert!(whole(&[("a.html", "{{ section.pages | json_encode() }}")]));
    // Through an include, the loop variable is still a page.
    assert!(whole(&[
        (
            "a.html",
            "{% for p in term.pages %}{% include \"b.html\" %}{% endfor %}"
        ),
        ("b.html", "{{ p | safe }}"),
    ]));
    // A value set by the template, or an item of a list of words, is no page.
    assert!(!whole(&[(
        "a.html",
        "{% set level = 3 %}{{ level }}{% for t in page.tags %}{{ t }}{% endfor %}"
    )]));
}

#[test]
fn a_variable_bound_from_data_in_one_template_is_not_data_in_another_that_binds_it_itself() {
    let r = reads(&[
        (
            "a.html",
            "{% for p in section.pages %}{{ p.title }}{% endfor %}{% include \"b.html\" %}",
        ),
        (
            "b.html",
            "{% for p in data.partners %}{{ p.url }}{% endfor %}",
        ),
    ]);
    assert!(r.data_fields.contains("url"));
    assert!(!r.data_fields.contains("title"));
    // A template that does not bind the name itself may be given it by the one that includes it.
    let r = reads(&[
        (
            "a.html",
            "{% for p in data.partners %}{% include \"b.html\" %}{% endfor %}",
        ),
        ("b.html", "{{ p.url }}"),
    ]);
    assert!(r.data_fields.contains("url"));
}

#[test]
fn a_page_loop_in_one_template_does_not_make_a_word_printed_in_another_a_page() {
    let whole = |templates: &[(&str, &str)]| reads(templates).reads_whole_values;
    assert!(!whole(&[
        (
            "a.html",
            "{% for p in section.pages %}{{ p.title }}{% endfor %}{% include \"b.html\" %}",
        ),
        ("b.html", "{% for p in page.tags %}{{ p }}{% endfor %}",),
    ]));
}

#[test]
fn an_entity_or_page_bound_by_a_loop_or_set_and_printed_whole_reads_every_field() {
    let whole = |text: &str| reads(&[("a.html", text)]).reads_whole_values;
    for text in [
        "{% for m in data.missions %}{{ m }}{% endfor %}",
        "{% for id, m in data.missions %}{{ m | json_encode }}{% endfor %}",
        "{% for m in data.missions %}{% for s in m.participants %}{{ s }}{% endfor %}{% endfor %}",
        "{% set m = data.missions | first %}{{ m }}",
        "{% set p = section.pages | first %}{{ p }}",
    ] {
        assert!(whole(text), "{text}");
    }
    // The key of an entry is a word.
    assert!(!whole(
        "{% for id, m in data.missions %}{{ id }}{{ m.name }}{% endfor %}"
    ));
}

fn front_fields(reads: &TemplateReads) -> Vec<&'static str> {
    reads.listed_front_fields.iter().copied().collect()
}

#[test]
fn front_matter_fields_of_listed_pages_are_found_and_the_own_pages_are_not() {
    let r = reads(&[(
        "section.html",
        "{{ section.title }} {{ page.description }} \
         {% for p in section.pages %}{{ p.title }} {{ p.date }}{% endfor %}",
    )]);
    assert_eq!(front_fields(&r), ["date", "title"]);
    // Literal attributes name fields, a dotted one each of its parts.
    let r = reads(&[(
        "a.html",
        "{% for p in section.pages | sort(attribute=\"weight\") | group_by(attribute=\"taxonomies.tags\") %}{% endfor %}",
    )]);
    assert_eq!(front_fields(&r), ["taxonomies", "weight"]);
}

#[test]
fn variables_bound_from_the_own_pages_fields_are_not_listed_pages() {
    let own = "{% for name, terms in page.taxonomies %}{% for t in terms %}{{ t.url }} {{ t.name }}{% endfor %}{% endfor %}\
               {% for h in page.toc %}{{ h.title }}{% endfor %}";
    assert!(front_fields(&reads(&[("page.html", own)])).is_empty());
    // The same names bound from a list of pages are pages.
    let listed = "{% for t in section.pages %}{{ t.url }}{% endfor %}\
                  {% for h in page.toc %}{% endfor %}{% for h in get_section(path=\"x\").pages %}{{ h.title }}{% endfor %}";
    assert_eq!(
        front_fields(&reads(&[("page.html", listed)])),
        ["title", "url"]
    );
    // A list of pages read with a subscript is a list of pages too.
    let subscript = "{% for p in section[\"pages\"] %}{{ p.title }}{% endfor %}\
                     {% set latest = section['subsections'] | first %}{{ latest.date }}";
    assert_eq!(
        front_fields(&reads(&[("section.html", subscript)])),
        ["date", "title"]
    );
}
