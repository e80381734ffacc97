//! Typed values of data files and front matter: country codes, web addresses, years, months,
//! source citations and mission organisers. Each checks its text while it is parsed, so a wrong
//! value is a YAML error at its own line with a message that says how to write it.

use crate::source::countries::country_name;
use schemars::{JsonSchema, Schema, SchemaGenerator, json_schema};
use serde::{Deserialize, Deserializer, Serialize};
use std::borrow::Cow;

/// An ISO 3166-1 alpha-2 country code.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct Country(pub String);

impl<'de> Deserialize<'de> for Country {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let code = String::deserialize(deserializer)?;
        if country_name(&code).is_some() {
            return Ok(Country(code));
        }
        let upper = code.to_uppercase();
        let hint = match upper.as_str() {
            "UK" => " (the United Kingdom is `GB`)".to_owned(),
            "EL" => " (Greece is `GR`)".to_owned(),
            _ if country_name(&upper).is_some() => format!(" (write it in capitals: `{upper}`)"),
            _ => String::new(),
        };
        Err(serde::de::Error::custom(format!(
            "`{code}` is not an ISO 3166-1 alpha-2 country code{hint}"
        )))
    }
}

impl JsonSchema for Country {
    fn schema_name() -> Cow<'static, str> {
        "Country".into()
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        let codes: Vec<&str> = crate::source::countries::COUNTRIES
            .iter()
            .map(|(code, _)| *code)
            .collect();
        json_schema!({
            "description": "An ISO 3166-1 alpha-2 country code, in capitals: FR, SE, US.",
            "type": "string",
            "enum": codes,
        })
    }
}

impl Country {
    pub fn name(&self) -> &'static str {
        country_name(&self.0).unwrap_or("")
    }
}

/// An absolute http(s) URL.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Url(pub String);

impl<'de> Deserialize<'de> for Url {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let url = String::deserialize(deserializer)?;
        let rest = url
            .strip_prefix("https://")
            .or_else(|| url.strip_prefix("http://"));
        let host = rest.map(|r| r.split(['/', '?', '#']).next().unwrap_or_default());
        match host {
            Some(host)
                if host.contains('.')
                    && !url.contains(char::is_whitespace)
                    && !host.contains(['"', '<', '>']) =>
            {
                Ok(Url(url))
            }
            _ => Err(serde::de::Error::custom(format!(
                "`{url}` is not a web address; write it like https://example.com/"
            ))),
        }
    }
}

impl JsonSchema for Url {
    fn schema_name() -> Cow<'static, str> {
        "Url".into()
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "description": "A web address: https://example.com/",
            "type": "string",
            "pattern": r#"^https?://[^/?#\s"<>]*\.[^/?#\s"<>]*([/?#]\S*)?$"#,
        })
    }
}

/// A year such as 2014.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Year(pub u16);

impl<'de> Deserialize<'de> for Year {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let year = i64::deserialize(deserializer)?;
        if (1800..=2100).contains(&year) {
            Ok(Year(year as u16))
        } else {
            Err(serde::de::Error::custom(format!(
                "`{year}` is not a plausible year"
            )))
        }
    }
}

impl JsonSchema for Year {
    fn schema_name() -> Cow<'static, str> {
        "Year".into()
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "description": "A year: 2014.",
            "type": "integer",
            "minimum": 1800,
            "maximum": 2100,
        })
    }
}

/// A month: `2020-01`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct Month(pub String);

impl Month {
    /// The years a month of the roadmap may have: any other is a typo (`0001-01`, `2602-12`).
    pub const YEARS: std::ops::RangeInclusive<u32> = 1900..=2200;

    /// (year, month)
    pub fn parts(&self) -> (u32, u32) {
        let (y, m) = self.0.split_once('-').unwrap_or(("1970", "1"));
        (y.parse().unwrap_or(1970), m.parse().unwrap_or(1))
    }
}

impl<'de> Deserialize<'de> for Month {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        // ASCII digits only: `+999-01` parses as a number but is not a month.
        let bytes = text.as_bytes();
        let digits = |range: std::ops::Range<usize>| {
            bytes
                .get(range)
                .is_some_and(|b| b.iter().all(u8::is_ascii_digit))
        };
        let valid = bytes.len() == 7
            && bytes[4] == b'-'
            && digits(0..4)
            && digits(5..7)
            && text[5..]
                .parse::<u32>()
                .is_ok_and(|m| (1..=12).contains(&m));
        if valid {
            Ok(Month(text))
        } else {
            Err(serde::de::Error::custom(format!(
                "`{text}` is not a month; write it as YYYY-MM, e.g. 2020-01"
            )))
        }
    }
}

impl JsonSchema for Month {
    fn schema_name() -> Cow<'static, str> {
        "Month".into()
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "description": "A month, written YYYY-MM, of a year from 1900 to 2200: 2020-01.",
            "type": "string",
            "pattern": "^(19[0-9]{2}|2[01][0-9]{2}|2200)-(0[1-9]|1[0-2])$",
        })
    }
}

/// Where a fact comes from: a title and, for a web page, its address (shown in a page's
/// "Sources" list and fetched by `pimap check --external`). A printed or unpublished document
/// has a title alone.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Source {
    #[serde(default)]
    pub url: Option<Url>,
    pub title: String,
}

/// An organiser of a mission: a partner of the data, by id, or another organisation.
#[derive(Debug, Clone, Serialize)]
#[serde(untagged)]
pub enum Organiser {
    Partner(String),
    Outside(OutsideOrganiser),
}

#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct OutsideOrganiser {
    pub name: String,
    #[serde(default)]
    pub website: Option<Url>,
}

impl JsonSchema for Organiser {
    fn schema_name() -> Cow<'static, str> {
        "Organiser".into()
    }

    fn json_schema(generator: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "description": "A partner id (a file name in data/partners/), or an organisation written as {name: ..., website: ...}.",
            "anyOf": [
                {"type": "string", "pattern": "^[a-z0-9-]+$"},
                generator.subschema_for::<OutsideOrganiser>(),
            ],
        })
    }
}

impl<'de> Deserialize<'de> for Organiser {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Visitor;
        impl<'de> serde::de::Visitor<'de> for Visitor {
            type Value = Organiser;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a partner id, or an organisation written as {name: ..., website: ...}")
            }
            fn visit_str<E: serde::de::Error>(self, id: &str) -> Result<Organiser, E> {
                Ok(Organiser::Partner(id.to_owned()))
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                map: A,
            ) -> Result<Organiser, A::Error> {
                OutsideOrganiser::deserialize(serde::de::value::MapAccessDeserializer::new(map))
                    .map(Organiser::Outside)
            }
        }
        deserializer.deserialize_any(Visitor)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::yaml;

    #[test]
    fn typed_values_are_checked() {
        assert!(yaml::parse::<Country>("FR").is_ok());
        let e = yaml::parse::<Country>("UK").unwrap_err().remove(0);
        assert_eq!(
            e.message,
            "`UK` is not an ISO 3166-1 alpha-2 country code (the United Kingdom is `GB`)"
        );
        assert!(
            yaml::parse::<Country>("fr").unwrap_err()[0]
                .message
                .contains("capitals")
        );
        assert!(yaml::parse::<Url>("https://example.com/x").is_ok());
        assert!(yaml::parse::<Url>("www.example.com").is_err());
        assert!(yaml::parse::<Month>("2020-01").is_ok());
        assert!(yaml::parse::<Month>("2020-13").is_err());
        assert!(yaml::parse::<Month>("+999-01").is_err());
        assert!(yaml::parse::<Month>("2020-+9").is_err());
        assert!(yaml::parse::<Year>("1066").is_err());
    }

    #[test]
    fn a_source_needs_a_web_address_and_a_title() {
        let source: Source = yaml::parse("url: https://example.org/a\ntitle: A report").unwrap();
        assert_eq!(source.title, "A report");
        assert!(yaml::parse::<Source>("url: example.org\ntitle: A").is_err());
        assert!(yaml::parse::<Source>("url: https://example.org/a").is_err());
        assert!(yaml::parse::<Source>("title: A printed report").is_ok());
    }
}
