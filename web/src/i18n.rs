//! The page's language: the visitor's choice (a cookie set by the switcher) wins over
//! `Accept-Language`; French by default. The catalogues and the `Lang` type live in
//! `rhizome_node::text`, shared with feeds and the wire; this file adds what only pages
//! need: reading the request, and the `t(...)` template function.

use std::borrow::Cow;

use axum::http::{HeaderMap, header};
use axum_extra::extract::cookie::CookieJar;

pub use rhizome_node::text::{Args, FluentValue, LANGUAGES, Lang, Language};

/// The cookie that keeps the switcher's choice.
pub const LANG_COOKIE: &str = "lang";

/// The language a request asks for: the switcher's cookie, else `Accept-Language`.
pub fn of_request(headers: &HeaderMap) -> Lang {
    let chosen = CookieJar::from_headers(headers)
        .get(LANG_COOKIE)
        .and_then(|c| Lang::offered(c.value()));
    let accepted = || {
        headers
            .get(header::ACCEPT_LANGUAGE)
            .and_then(|v| v.to_str().ok())
            .and_then(Lang::from_accept_language)
    };
    chosen.or_else(accepted).unwrap_or_default()
}

/// The language of the page a template is rendering (its `lang` variable).
pub fn of_template(state: &minijinja::State) -> Lang {
    state
        .lookup("lang")
        .and_then(|v| v.as_str().and_then(Lang::offered))
        .unwrap_or_default()
}

/// The template function `t("key", name=value, ...)`: translates into the page's `lang`.
pub fn template_function(
    state: &minijinja::State,
    key: &str,
    kwargs: minijinja::value::Kwargs,
) -> Result<String, minijinja::Error> {
    let lang = of_template(state);
    let mut args = Args::new();
    for name in kwargs.args() {
        let value: minijinja::Value = kwargs.get(name)?;
        let value = match value.as_i64() {
            Some(n) => FluentValue::from(n),
            None => FluentValue::from(value.to_string()),
        };
        args.insert(Cow::Owned(name.to_owned()), value);
    }
    Ok(lang.text(key, &args))
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    /// Every key of the French catalogue (the reference; the other languages are checked
    /// against it in `rhizome_node::text`).
    fn french_keys() -> BTreeSet<String> {
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../node/locales/fr");
        let mut keys = BTreeSet::new();
        for entry in std::fs::read_dir(dir).unwrap() {
            let source = std::fs::read_to_string(entry.unwrap().path()).unwrap();
            for line in source.lines() {
                if line.starts_with(|c: char| c.is_ascii_alphabetic())
                    && let Some((key, _)) = line.split_once('=')
                {
                    keys.insert(key.trim().to_owned());
                }
            }
        }
        keys
    }

    #[test]
    fn every_key_the_templates_name_exists() {
        // `t("key")` and `t('key')` in every template (keys chosen at run time, as
        // `t(f.label)` or the labels of fixed values, are left to the page tests).
        let french = french_keys();
        let mut dirs = vec![std::path::PathBuf::from(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/templates"
        ))];
        let mut named = 0;
        while let Some(dir) = dirs.pop() {
            for entry in std::fs::read_dir(dir).unwrap() {
                let path = entry.unwrap().path();
                if path.is_dir() {
                    dirs.push(path);
                    continue;
                }
                let source = std::fs::read_to_string(&path).unwrap();
                for (i, _) in source.match_indices("t(") {
                    let before = source[..i].chars().next_back();
                    if before.is_some_and(|c| c.is_ascii_alphanumeric() || c == '_' || c == '.') {
                        continue;
                    }
                    let rest = &source[i + 2..];
                    let Some(quote) = rest.chars().next().filter(|c| *c == '"' || *c == '\'')
                    else {
                        continue;
                    };
                    let (key, after) = rest[1..].split_once(quote).unwrap();
                    // `t("kind-" ~ kind)`: some message at least starts so.
                    let found = if after.trim_start().starts_with('~') {
                        french.iter().any(|k| k.starts_with(key))
                    } else {
                        french.contains(key)
                    };
                    assert!(found, "{}: no message {key}", path.display());
                    named += 1;
                }
            }
        }
        assert!(named > 100, "only {named} keys found in the templates");
    }
}
