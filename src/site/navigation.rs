//! Menus and aliases: the menu entries of `site.yaml` (`@/path` links resolved to content URLs)
//! and the redirect pages written at the old addresses pages and sections list as `aliases`.

use super::{Alias, AliasOwner, MenuEntry, Page, Section, section_path};
use crate::config::{BaseUrl, CONFIG_FILE, SiteConfig};
use crate::diagnostics::Diagnostic;
use crate::source::content::ContentSource;
use crate::source::yaml;

pub(super) fn resolve_menu(
    config: &SiteConfig,
    config_text: &str,
    base: &BaseUrl,
    pages: &[Page],
    sections: &[Section],
    errors: &mut Vec<Diagnostic>,
) -> Vec<MenuEntry> {
    let mut entries = Vec::new();
    for item in &config.menu {
        let url = if let Some(path) = item.url.strip_prefix("@/") {
            let found = pages
                .iter()
                .find(|p| p.source.path == path)
                .map(|p| p.url.clone())
                .or_else(|| {
                    sections
                        .iter()
                        .find(|s| section_path(&s.dir) == path)
                        .map(|s| s.url.clone())
                });
            match found {
                Some(url) => url,
                None => {
                    let (line, col) = yaml::text_position(config_text, &item.url).unwrap_or((0, 0));
                    let message = format!(
                        "menu entry `{}` links to `{}`: there is no content file content/{path}",
                        item.name, item.url
                    );
                    errors.push(Diagnostic::error_at(
                        CONFIG_FILE,
                        config_text,
                        line,
                        col,
                        message,
                    ));
                    continue;
                }
            }
        } else if item.url.starts_with('/') && !item.url.starts_with("//") {
            format!("{}{}", base.path, item.url)
        } else {
            item.url.clone()
        };
        entries.push(MenuEntry {
            name: item.name.clone(),
            url,
        });
    }
    entries
}

/// `/old/path/` -> `old/path/index.html`; `/old.html` -> `old.html`; `None` for unsafe paths.
pub(crate) fn alias_output(alias: &str) -> Option<String> {
    let trimmed = alias.trim().trim_start_matches('/');
    let segments: Vec<&str> = trimmed.trim_end_matches('/').split('/').collect();
    if segments
        .iter()
        .any(|s| s.is_empty() || *s == "." || *s == ".." || s.contains(['\\', '?', '#']))
    {
        return None;
    }
    let joined = segments.join("/");
    Some(if joined.ends_with(".html") && !trimmed.ends_with('/') {
        joined
    } else {
        format!("{joined}/index.html")
    })
}

pub(super) fn resolve_aliases(
    base: &BaseUrl,
    pages: &[Page],
    sections: &[Section],
    errors: &mut Vec<Diagnostic>,
) -> Vec<Alias> {
    let mut aliases = Vec::new();
    let owners = pages
        .iter()
        .enumerate()
        .map(|(i, p)| {
            (
                AliasOwner::Page(i),
                &p.front.aliases,
                Some(&p.source),
                &p.url,
            )
        })
        .chain(sections.iter().enumerate().map(|(i, s)| {
            (
                AliasOwner::Section(i),
                &s.front.aliases,
                s.source.as_ref(),
                &s.url,
            )
        }));
    for (owner, list, source, url) in owners {
        for alias in list {
            match (alias_output(alias), source) {
                (Some(output_path), _) => aliases.push(Alias {
                    output_path,
                    target_url: base.permalink(url),
                    page: owner,
                }),
                (None, Some(source)) => errors.push(
                    alias_error(
                        source,
                        alias,
                        format!("alias `{alias}` is not a plain path on this site"),
                    )
                    .with_help("write it like /old/address/"),
                ),
                (None, None) => {}
            }
        }
    }
    aliases
}

/// An error at the alias `written` in the front matter of `source`; at the `aliases` key when the
/// text of the file spells it differently (with YAML escapes).
pub(crate) fn alias_error(source: &ContentSource, written: &str, message: String) -> Diagnostic {
    if source.front_matter().contains(written) {
        source.error_at_text(written, message)
    } else {
        source.error_at_key("aliases", message)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn aliases_stay_inside_the_site() {
        assert_eq!(
            alias_output("/old/path/").as_deref(),
            Some("old/path/index.html")
        );
        assert_eq!(alias_output("/old.html").as_deref(), Some("old.html"));
        assert_eq!(alias_output("/../etc/passwd"), None);
        assert_eq!(alias_output("/a//b"), None);
    }
}
