//! Every class of bad input gives exact diagnostics (`path:line:col: error: message`, the
//! offending line, a hint), all of them in one run, and exit code 1, never a panic.

mod common;
use common::*;

/// Builds a fixture that must fail and returns its diagnostics, with the temporary output
/// folder replaced by `OUT` so that the text is stable.
fn diagnostics_of(name: &str) -> String {
    let (run, out) = build_fixture(name, &[]);
    assert_eq!(
        run.code, 1,
        "{name} should fail with exit code 1:\n{}{}",
        run.stdout, run.stderr
    );
    assert!(!run.stderr.contains("panicked"), "{}", run.stderr);
    assert!(
        !out.path().join("public").exists(),
        "a failed first build must not create the output"
    );
    run.stderr
        .replace(out.path().join("public").to_str().unwrap(), "OUT")
}

macro_rules! diagnostics_test {
    ($($name:ident => $fixture:literal),* $(,)?) => {
        $(
            #[test]
            fn $name() {
                insta::assert_snapshot!(stringify!($name), diagnostics_of($fixture));
            }
        )*
    };
}

diagnostics_test! {
    front_matter_errors_are_all_reported_at_their_lines => "front-matter-errors",
    every_bad_translation_is_an_error_at_its_file => "multilingual-errors",
    a_binary_file_named_md_is_an_error_not_a_panic => "binary-content",
    broken_links_and_anchors_are_errors_at_their_lines => "broken-links",
    anchors_of_site_addresses_are_checked_in_every_language => "broken-anchors",
    unknown_config_keys_get_a_suggestion => "unknown-config-key",
    bad_config_values_point_at_their_lines => "config-values",
    a_missing_theme_is_named => "missing-theme",
    template_syntax_errors_name_every_template_line_and_column => "template-syntax-error",
    template_render_errors_name_the_template_and_the_page => "template-render-error",
    templates_that_include_each_other_in_a_loop_are_an_error => "template-loop",
    a_missing_template_is_an_error_at_the_front_matter => "missing-template",
    two_sources_for_one_url_are_an_error => "url-collision",
    a_page_an_alias_and_a_static_file_cannot_take_a_generated_output => "generated-output-collision",
    unknown_taxonomies_and_empty_terms_are_errors => "unknown-taxonomy",
    invalid_data_yaml_is_an_error_at_its_line => "data-errors",
    every_data_rule_is_checked_in_one_run => "data-validation",
    impossible_dates_reversed_ranges_and_roles_are_errors => "date-and-role-errors",
    unknown_shortcodes_and_ids_are_errors_at_their_line => "shortcode-errors",
    unknown_unclosed_and_malformed_block_shortcodes_are_errors_at_their_line => "block-shortcode-errors",
    ragged_csv_rows_and_bad_numbers_are_errors_at_their_line => "csv-errors",
}

#[test]
fn a_file_that_is_not_our_data_is_quoted_no_further_than_its_line() {
    let text = diagnostics_of("data-not-ours");
    assert!(!text.contains("daemon"), "{text}");
    insta::assert_snapshot!(text);
}
