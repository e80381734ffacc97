//! Slugs: the ASCII, URL-safe form of a name, used for folders, taxonomy terms, facets and
//! footnote ids.

/// A URL-safe slug: ASCII letters (transliterated), digits and single dashes, lower case.
pub fn slugify(text: &str) -> String {
    let ascii = deunicode::deunicode(text);
    let mut slug = String::with_capacity(ascii.len());
    let mut dash = false;
    for c in ascii.chars() {
        if c.is_ascii_alphanumeric() || c == '_' {
            if dash && !slug.is_empty() {
                slug.push('-');
            }
            dash = false;
            slug.push(c.to_ascii_lowercase());
        } else if c == '+' {
            if !slug.is_empty() {
                slug.push('-');
            }
            slug.push_str("plus");
            dash = true;
        } else {
            dash = true;
        }
    }
    slug
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_are_ascii() {
        assert_eq!(slugify("Hello, World!"), "hello-world");
        assert_eq!(slugify("PIMAP+"), "pimap-plus");
        assert_eq!(slugify("C++ code"), "c-plus-plus-code");
        assert_eq!(slugify("Ça va été"), "ca-va-ete");
        assert_eq!(slugify("../etc"), "etc");
    }
}
