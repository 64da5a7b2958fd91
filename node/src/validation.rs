//! Validation helpers shared by every draft type. Errors name the field and the rule, so an
//! API client or a form can point at what to fix.

use serde::Serialize;

/// A draft broke a rule: `field` is the JSON path of the offending value.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, thiserror::Error)]
#[error("{field}: {rule}")]
pub struct ValidationError {
    pub field: String,
    pub rule: String,
}

impl ValidationError {
    pub fn new(field: impl Into<String>, rule: impl Into<String>) -> Self {
        Self {
            field: field.into(),
            rule: rule.into(),
        }
    }
}

pub type Validated<T> = Result<T, ValidationError>;

pub const MAX_TITLE: usize = 200;
pub const MAX_SHORT: usize = 500;
pub const MAX_LONG: usize = 50_000;
pub const MAX_LIST: usize = 50;

/// Whether a text may span several lines (descriptions, bodies) or is one line (titles,
/// names, addresses).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lines {
    One,
    Many,
}

/// The one rule for the characters of a text, wherever it comes from: control characters
/// (U+0000 to U+001F, U+007F to U+009F) and the non-characters U+FFFE and U+FFFF never,
/// since PostgreSQL cannot store a NUL and XML cannot carry any of them; line feed,
/// carriage return and tab only in a text that may span lines.
pub fn allowed_char(c: char, lines: Lines) -> bool {
    match c {
        '\n' | '\r' | '\t' => lines == Lines::Many,
        '\u{FFFE}' | '\u{FFFF}' => false,
        c => !c.is_control(),
    }
}

/// `text` without the characters [`allowed_char`] refuses: for text from other servers
/// (dropped rather than refused) and for the output writers, which must stay well-formed
/// even if an old row holds such a character.
pub fn strip_control(text: &str, lines: Lines) -> std::borrow::Cow<'_, str> {
    if text.chars().all(|c| allowed_char(c, lines)) {
        std::borrow::Cow::Borrowed(text)
    } else {
        std::borrow::Cow::Owned(text.chars().filter(|&c| allowed_char(c, lines)).collect())
    }
}

/// Refuses a text holding a character [`allowed_char`] refuses, naming the field and the
/// first such character.
pub fn clean_text(field: &str, value: &str, lines: Lines) -> Validated<()> {
    match value.chars().find(|&c| !allowed_char(c, lines)) {
        None => Ok(()),
        Some('\n' | '\r' | '\t') => Err(ValidationError::new(
            field,
            "must be on one line, without line breaks or tabs",
        )),
        Some(_) => Err(ValidationError::new(
            field,
            "must not contain control characters",
        )),
    }
}

/// Trims and requires a non-empty value on one line, of at most `max` characters.
pub fn required_text(field: &str, value: &str, max: usize) -> Validated<String> {
    let value = value.trim();
    if value.is_empty() {
        return Err(ValidationError::new(field, "must not be empty"));
    }
    bounded_text(field, value, max, Lines::One)
}

/// Trims and bounds a value that may be empty; refuses control characters.
pub fn bounded_text(field: &str, value: &str, max: usize, lines: Lines) -> Validated<String> {
    let value = value.trim();
    if value.chars().count() > max {
        return Err(ValidationError::new(
            field,
            format!("must be at most {max} characters"),
        ));
    }
    clean_text(field, value, lines)?;
    Ok(value.to_owned())
}

/// An e-mail address typed by a person: trimmed, one line, at most 254 characters, a
/// local part and a dotted domain. Enough to catch typing mistakes, not a proof the
/// mailbox exists.
pub fn email(field: &str, value: &str) -> Validated<String> {
    let value = required_text(field, value, 254)?;
    let plausible = value.split_once('@').is_some_and(|(local, domain)| {
        !local.is_empty()
            && domain.contains('.')
            && !domain.starts_with('.')
            && !domain.ends_with('.')
            && !value
                .chars()
                .any(|c| c.is_whitespace() || c == '<' || c == '>')
    });
    if plausible {
        Ok(value)
    } else {
        Err(ValidationError::new(field, "must be an e-mail address"))
    }
}

/// Like [`bounded_text`], turning a blank value into `None`.
pub fn optional_text(
    field: &str,
    value: Option<String>,
    max: usize,
    lines: Lines,
) -> Validated<Option<String>> {
    match value {
        None => Ok(None),
        Some(v) => {
            let v = bounded_text(field, &v, max, lines)?;
            Ok((!v.is_empty()).then_some(v))
        }
    }
}

/// Only absolute http(s) links are accepted: anything else is either unusable by a
/// visitor or dangerous (`javascript:`).
pub fn web_url(field: &str, value: &url::Url) -> Validated<()> {
    match value.scheme() {
        "http" | "https" if value.host().is_some() => Ok(()),
        _ => Err(ValidationError::new(field, "must be an http or https URL")),
    }
}

/// A BCP 47 language tag in its common short form: `fr`, `en`, `pt-BR`.
pub fn language(field: &str, value: &str) -> Validated<String> {
    let mut parts = value.split('-');
    let primary = parts.next().unwrap_or_default();
    let primary_ok =
        (2..=3).contains(&primary.len()) && primary.chars().all(|c| c.is_ascii_lowercase());
    let rest_ok =
        parts.all(|p| (2..=8).contains(&p.len()) && p.chars().all(|c| c.is_ascii_alphanumeric()));
    if primary_ok && rest_ok {
        Ok(value.to_owned())
    } else {
        Err(ValidationError::new(
            field,
            "must be a language code such as \"fr\" or \"pt-BR\"",
        ))
    }
}

/// Free hashtags: stored without `#`, lower-cased, unique, short.
pub fn tags(field: &str, values: Vec<String>) -> Validated<Vec<String>> {
    let mut out: Vec<String> = Vec::new();
    for (i, raw) in values.into_iter().enumerate() {
        let tag = raw.trim().trim_start_matches('#').to_lowercase();
        let field = format!("{field}[{i}]");
        if tag.is_empty() || tag.chars().count() > 50 {
            return Err(ValidationError::new(field, "must be 1 to 50 characters"));
        }
        if !tag
            .chars()
            .all(|c| c.is_alphanumeric() || c == '_' || c == '-')
        {
            return Err(ValidationError::new(
                field,
                "may hold only letters, digits, '-' and '_'",
            ));
        }
        if !out.contains(&tag) {
            out.push(tag);
        }
    }
    max_items(field, &out)?;
    Ok(out)
}

/// Bounds a list, so that one request cannot store an unbounded amount of data.
pub fn max_items<T>(field: &str, values: &[T]) -> Validated<()> {
    if values.len() > MAX_LIST {
        return Err(ValidationError::new(
            field,
            format!("must have at most {MAX_LIST} items"),
        ));
    }
    Ok(())
}

/// Sorts and dedupes a list of enum values.
pub fn unique<T: Ord>(mut values: Vec<T>) -> Vec<T> {
    values.sort();
    values.dedup();
    values
}

/// A list of short free-text entries (skills, objectives, organisers).
pub fn text_list(field: &str, values: Vec<String>) -> Validated<Vec<String>> {
    max_items(field, &values)?;
    values
        .into_iter()
        .enumerate()
        .map(|(i, v)| required_text(&format!("{field}[{i}]"), &v, MAX_SHORT))
        .collect()
}

/// The years a date may fall in, here or arriving from another server: wide enough for
/// any archive or plan, narrow enough that every date is written, parsed back, stored and
/// compared alike on both databases and in every format.
pub const YEARS: std::ops::RangeInclusive<i32> = 1900..=2200;

/// Refuses a date outside [`YEARS`].
pub fn year_in_range(field: &str, date: impl chrono::Datelike) -> Validated<()> {
    if YEARS.contains(&date.year()) {
        Ok(())
    } else {
        Err(ValidationError::new(
            field,
            format!(
                "must be between the years {} and {}",
                YEARS.start(),
                YEARS.end()
            ),
        ))
    }
}

/// An IANA zone name such as `Europe/Paris`.
pub fn timezone(field: &str, value: &str) -> Validated<chrono_tz::Tz> {
    value.parse().map_err(|_| {
        ValidationError::new(
            field,
            format!("unknown timezone {value:?}: use an IANA name such as \"Europe/Paris\""),
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tags_are_normalised_and_deduped() {
        let t = tags(
            "tags",
            vec!["#Repair".into(), "repair".into(), "café".into()],
        )
        .unwrap();
        assert_eq!(t, vec!["repair", "café"]);
        assert_eq!(
            tags("tags", vec!["a b".into()]).unwrap_err().field,
            "tags[0]"
        );
    }

    #[test]
    fn email_addresses() {
        assert_eq!(email("e", " Ana@Example.org ").unwrap(), "Ana@Example.org");
        for bad in [
            "",
            "ana",
            "ana@example",
            "@example.org",
            "ana@.org",
            "ana@org.",
            "a b@x.org",
            "<a@x.org>",
            "a@x.org\nBcc: b@y.org",
        ] {
            assert_eq!(email("e", bad).unwrap_err().field, "e", "{bad:?}");
        }
    }

    #[test]
    fn language_codes() {
        assert!(language("l", "fr").is_ok());
        assert!(language("l", "pt-BR").is_ok());
        assert!(language("l", "French").is_err());
        assert!(language("l", "").is_err());
    }

    #[test]
    fn text_bounds() {
        assert_eq!(required_text("t", "  x ", 5).unwrap(), "x");
        assert!(required_text("t", "   ", 5).is_err());
        assert!(required_text("t", "abcdef", 5).is_err());
    }

    #[test]
    fn control_characters_are_refused_by_field() {
        let e = bounded_text("description", "a\u{0}b", 50, Lines::Many).unwrap_err();
        assert_eq!(e.field, "description");
        assert_eq!(e.rule, "must not contain control characters");
        assert_eq!(
            bounded_text("description", "line\r\nnext\tend", 50, Lines::Many).unwrap(),
            "line\r\nnext\tend"
        );
        assert!(required_text("title", "two\nlines", 50).is_err());
        assert!(required_text("title", "tab\there", 50).is_err());
        assert!(required_text("title", "del\u{7f}x", 50).is_err());
        assert!(required_text("title", "c1\u{85}x", 50).is_err());
        assert!(required_text("title", "nonchar\u{FFFF}", 50).is_err());
        assert_eq!(
            required_text("title", "Café ☕ 🌱", 50).unwrap(),
            "Café ☕ 🌱"
        );
        assert_eq!(
            text_list("organisers", vec!["ok".into(), "b\u{1b}ad".into()])
                .unwrap_err()
                .field,
            "organisers[1]"
        );
    }

    #[test]
    fn stripping_keeps_lines_where_allowed() {
        assert_eq!(strip_control("a\u{0}b\nc\u{8}", Lines::Many), "ab\nc");
        assert_eq!(strip_control("a\u{0}b\nc", Lines::One), "abc");
        assert!(matches!(
            strip_control("clean", Lines::One),
            std::borrow::Cow::Borrowed(_)
        ));
    }

    #[test]
    fn years_are_bounded() {
        let at = |s: &str| s.parse::<chrono::DateTime<chrono::Utc>>().unwrap();
        assert!(year_in_range("d", at("1900-01-01T00:00:00Z")).is_ok());
        assert!(year_in_range("d", at("2200-12-31T23:59:59Z")).is_ok());
        assert_eq!(
            year_in_range("starts_at", at("+10000-01-01T00:00:00Z"))
                .unwrap_err()
                .field,
            "starts_at"
        );
        assert!(year_in_range("d", at("1899-12-31T23:59:59Z")).is_err());
        assert!(year_in_range("d", chrono::NaiveDate::from_ymd_opt(2201, 1, 1).unwrap()).is_err());
    }

    #[test]
    fn urls_must_be_web() {
        let js: url::Url = "javascript:alert(1)".parse().unwrap();
        assert!(web_url("u", &js).is_err());
        let ok: url::Url = "https://example.org/x".parse().unwrap();
        assert!(web_url("u", &ok).is_ok());
    }
}
