//! Which names a request to the development server may carry in its `Host` field: the
//! defence against DNS rebinding.
//!
//! A page on another site can point its own name at 127.0.0.1 after it has loaded
//! (`rebound.example` -> 127.0.0.1), then ask the visitor's browser for
//! `http://rebound.example:1111/` and read the answer as if it were its own: the preview, and
//! anything unpublished in it. Such a request names that site in `Host`, so the server answers
//! only requests that name this computer: `localhost`, any `*.localhost` name (browsers send
//! those to the loopback address themselves), and any IP address, which covers `127.0.0.1`,
//! `[::1]`, the bound address, and this computer's addresses on the local network when bound to
//! `0.0.0.0` (a rebinding attack needs a DNS name, so no IP address can carry one). Any other
//! name must be given with `--allowed-host`. The port is not compared: a rebinding page must
//! already use the server's port to reach it, so comparing it would protect nothing.

use std::net::{Ipv4Addr, Ipv6Addr};

/// The names, besides this computer's own, that requests may carry in `Host`.
#[derive(Debug, Default, Clone)]
pub struct AllowedHosts {
    /// `--allowed-host` names, in lower case.
    names: Vec<String>,
}

impl AllowedHosts {
    pub fn new(names: &[String]) -> Self {
        AllowedHosts {
            names: names.iter().map(|name| name.to_ascii_lowercase()).collect(),
        }
    }

    /// Whether a request whose `Host` field is `host` may be answered.
    pub fn allows(&self, host: &str) -> bool {
        let host = host.to_ascii_lowercase();
        let Some(name) = host_name(&host) else {
            return false;
        };
        let name = name.strip_suffix('.').unwrap_or(name);
        name == "localhost"
            || name.ends_with(".localhost")
            || is_ip_address(name)
            || self
                .names
                .iter()
                .any(|allowed| *allowed == name || *allowed == host)
    }
}

/// Checks a `--allowed-host` value: a host name (or an address), optionally with a port.
pub fn parse_allowed_host(value: &str) -> Result<String, String> {
    let shown = value.trim();
    let looks_like_a_name = host_name(shown).is_some_and(|name| {
        !name.is_empty()
            && name
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "-._[]:".contains(c))
    });
    if looks_like_a_name {
        Ok(shown.to_ascii_lowercase())
    } else {
        Err(format!(
            "`{shown}` is not a host name: give the name alone, such as `preview.example.org`"
        ))
    }
}

/// The text sent with a 403: which name was refused, and how to allow it.
pub fn refusal(host: &str) -> String {
    let name = host_name(host)
        .filter(|name| {
            !name.is_empty()
                && name.len() <= 253
                && name
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || "-._".contains(c))
        })
        .unwrap_or("NAME");
    format!(
        "pimap serve refused this request.\n\nIt answers only to the names of this computer \
         (localhost, 127.0.0.1, [::1]...) and to names given with --allowed-host; this request \
         was for `{name}`. A web page can use another name to read the preview, so any other \
         name is refused. To preview the site under this name, start the server with:\n\n    \
         pimap serve --allowed-host {name}\n"
    )
}

/// The name in a `Host` value, without its `:port`; `None` when the port is not a port.
fn host_name(host: &str) -> Option<&str> {
    let (name, port) = if host.starts_with('[') {
        let end = host.find(']')? + 1;
        let port = &host[end..];
        if !port.is_empty() && !port.starts_with(':') {
            return None;
        }
        (&host[..end], port.strip_prefix(':'))
    } else {
        match host.split_once(':') {
            Some((name, port)) => (name, Some(port)),
            None => (host, None),
        }
    };
    match port {
        Some(port) if port.parse::<u16>().is_err() || !port.bytes().all(|b| b.is_ascii_digit()) => {
            None
        }
        _ => Some(name),
    }
}

fn is_ip_address(name: &str) -> bool {
    name.parse::<Ipv4Addr>().is_ok()
        || name
            .strip_prefix('[')
            .and_then(|inner| inner.strip_suffix(']'))
            .is_some_and(|inner| inner.parse::<Ipv6Addr>().is_ok())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn this_computers_names_are_allowed_with_any_port() {
        let hosts = AllowedHosts::default();
        for host in [
            "localhost",
            "localhost:1111",
            "LOCALHOST:1111",
            "localhost.:1111",
            "preview.localhost:1111",
            "127.0.0.1:1111",
            "127.0.0.1",
            "192.168.1.20:1111",
            "[::1]:1111",
            "[::1]",
            "[fe80::1]:80",
        ] {
            assert!(hosts.allows(host), "{host}");
        }
    }

    #[test]
    fn other_names_and_malformed_hosts_are_refused() {
        let hosts = AllowedHosts::default();
        for host in [
            "rebound.example:1111",
            "localhost.rebound.example",
            "127.0.0.1.rebound.example",
            "rebound.example:1111.localhost",
            "localhost:port",
            "localhost:99999",
            "[::1",
            "[::1]x",
            "::1",
            "",
            ":1111",
        ] {
            assert!(!hosts.allows(host), "{host}");
        }
    }

    #[test]
    fn allowed_hosts_are_matched_by_name_or_with_their_port() {
        let names = [
            "Preview.Example.test".to_owned(),
            "lan.test:8080".to_owned(),
        ];
        let hosts = AllowedHosts::new(&names);
        assert!(hosts.allows("preview.example.test:1111"));
        assert!(hosts.allows("PREVIEW.example.test"));
        assert!(hosts.allows("lan.test:8080"));
        assert!(!hosts.allows("lan.test:1111"));
        assert!(!hosts.allows("other.example.test"));
    }

    #[test]
    fn allowed_host_values_are_names() {
        assert_eq!(
            parse_allowed_host("Preview.example.org"),
            Ok("preview.example.org".to_owned())
        );
        assert_eq!(
            parse_allowed_host("lan.test:8080"),
            Ok("lan.test:8080".into())
        );
        for bad in ["", "http://preview.example.org/", "a b", "host:port"] {
            assert!(parse_allowed_host(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn a_refusal_says_how_to_allow_the_name() {
        assert!(
            refusal("rebound.example:1111")
                .contains("pimap serve --allowed-host rebound.example\n")
        );
        assert!(refusal("<script>:1").contains("--allowed-host NAME\n"));
    }
}
