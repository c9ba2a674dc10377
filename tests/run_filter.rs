//! The run list's filter: plain text by default, `/patterns/` through a linear-time engine.
#![cfg(not(target_arch = "wasm32"))]

use plateau::filter::Filter;

fn keeps(filter: &str, name: &str) -> bool {
    Filter::new(filter).unwrap().matches(name)
}

#[test]
fn plain_text_is_a_case_insensitive_substring() {
    assert!(keeps("FOLD", "mlp_fold3"));
    assert!(!keeps("seed", "mlp_fold3"));
    assert!(keeps("", "anything"));
}

#[test]
fn regex_characters_in_plain_text_are_literal() {
    assert!(!keeps("^(a|a)*$", "aaaa"));
    assert!(keeps("^(a|a)*$", "run ^(a|a)*$ copy"));
    assert!(!keeps("cosmos|onerror", "icy-cosmos-101"));
}

#[test]
fn slashes_make_a_case_insensitive_pattern() {
    assert!(keeps("/cosmos|onerror/", "icy-COSMOS-101"));
    assert!(keeps("/fold[12]$/", "mlp_fold2"));
    assert!(!keeps("/fold[12]$/", "mlp_fold3"));
    assert!(keeps("/^run.\\d+/", "run-12"));
}

#[test]
fn a_pattern_that_backtracks_exponentially_still_answers() {
    let name = format!("{}!", "a".repeat(100_000));
    assert!(!keeps("/^(a|a)*$/", &name));
    assert!(keeps("/^(a|aa)*!$/", &name));
}

#[test]
fn a_broken_pattern_is_one_sentence() {
    let err = Filter::new("/(/").err().unwrap();
    assert!(
        err.starts_with("the run filter /(/ is not a valid pattern: "),
        "{err}"
    );
    assert!(!err.contains('\n'), "{err}");
}

#[test]
fn a_broken_pattern_with_a_bidi_override_names_it_as_an_escape() {
    let err = Filter::new("/(\u{202E}/").err().unwrap();
    assert!(
        err.starts_with("the run filter /(\\u{202e}/ is not a valid pattern: "),
        "{err:?}"
    );
    assert!(!err.contains('\u{202E}'), "{err:?}");
}

#[test]
fn a_pattern_too_large_to_compile_is_refused() {
    let err = Filter::new("/(a{1000}){1000}/").err().unwrap();
    assert!(err.contains("is too large"), "{err}");
}
