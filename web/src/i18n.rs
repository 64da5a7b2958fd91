//! Page languages: Fluent catalogues in `web/locales/<lang>/`, compiled into the binary.
//! French by default; the visitor's choice (a cookie set by the switcher) wins over
//! `Accept-Language`. Adding a language is adding a catalogue and a line to
//! [`LANGUAGES`].

use std::borrow::Cow;
use std::collections::HashMap;

use axum::extract::FromRequestParts;
use axum::http::{header, request::Parts};
use axum_extra::extract::cookie::CookieJar;
use fluent_templates::fluent_bundle::FluentValue;
use fluent_templates::{Loader, static_loader};
use unic_langid::LanguageIdentifier;

static_loader! {
    static LOCALES = {
        locales: "./locales",
        fallback_language: "fr",
        // User text in pages is isolated by the templates (`<bdi>`, `dir=auto`), not by
        // invisible marks inside every message.
        customise: |bundle| bundle.set_use_isolating(false),
    };
}

/// A language the pages are offered in: its tag and its own name (for the switcher).
pub struct Language {
    pub tag: &'static str,
    pub name: &'static str,
}

/// Offered languages, the default first.
pub const LANGUAGES: &[Language] = &[
    Language {
        tag: "fr",
        name: "Français",
    },
    Language {
        tag: "en",
        name: "English",
    },
];

/// Named arguments of a message.
pub type Args = HashMap<Cow<'static, str>, FluentValue<'static>>;

/// The cookie that keeps the switcher's choice.
pub const LANG_COOKIE: &str = "lang";

/// The language of this request's page.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Lang(pub &'static str);

impl Lang {
    pub fn tag(self) -> &'static str {
        self.0
    }

    /// Writing direction, for `<html dir>`: ready for Arabic, Hebrew, Persian, Urdu.
    pub fn dir(self) -> &'static str {
        match self.0 {
            "ar" | "he" | "fa" | "ur" => "rtl",
            _ => "ltr",
        }
    }

    /// An offered language by tag (`en`, `en-GB` -> `en`), if any.
    pub fn offered(tag: &str) -> Option<Lang> {
        let primary = tag.split(['-', '_']).next()?.trim().to_ascii_lowercase();
        LANGUAGES
            .iter()
            .find(|l| l.tag == primary)
            .map(|l| Lang(l.tag))
    }

    /// The language of the page a template is rendering (its `lang` variable).
    pub fn of_template(state: &minijinja::State) -> Lang {
        state
            .lookup("lang")
            .and_then(|v| v.as_str().and_then(Lang::offered))
            .unwrap_or_default()
    }

    /// The best offered language for an `Accept-Language` header, in its order of preference.
    pub fn from_accept_language(header: &str) -> Option<Lang> {
        fluent_langneg::accepted_languages::parse(header)
            .iter()
            .find_map(|id| Lang::offered(id.language.as_str()))
    }

    /// A validation rule from the domain ("must be after starts_at"), in this language:
    /// the catalogue holds `rule-<words of the rule>`; a rule it does not know yet is
    /// shown as it is, after a sentence in this language.
    pub fn rule(self, rule: &str) -> String {
        let words: Vec<String> = rule
            .split(|c: char| !c.is_ascii_alphanumeric())
            .filter(|w| !w.is_empty())
            .map(str::to_ascii_lowercase)
            .collect();
        let mut args = Args::new();
        // "must be at most 200 characters": one message, the number as argument.
        if let ["must", "be", "at", "most", n, "characters"] =
            words.iter().map(String::as_str).collect::<Vec<_>>()[..]
        {
            args.insert(
                "max".into(),
                FluentValue::from(n.parse::<i64>().unwrap_or(0)),
            );
            return self.text("rule-max-characters", &args);
        }
        let id: LanguageIdentifier = self.0.parse().unwrap_or_default();
        // The whole rule, then its first two words (rules that quote a value).
        [
            words.join("-"),
            words.iter().take(2).cloned().collect::<Vec<_>>().join("-"),
        ]
        .iter()
        .find_map(|key| LOCALES.try_lookup(&id, &format!("rule-{key}")))
        .unwrap_or_else(|| {
            args.insert("rule".into(), FluentValue::from(rule.to_owned()));
            self.text("rule-other", &args)
        })
    }

    /// Translates `key` with named arguments; a missing key shows itself, and logs.
    pub fn text(self, key: &str, args: &Args) -> String {
        let id: LanguageIdentifier = self.0.parse().unwrap_or_default();
        let found = if args.is_empty() {
            LOCALES.try_lookup(&id, key)
        } else {
            LOCALES.try_lookup_with_args(&id, key, args)
        };
        found.unwrap_or_else(|| {
            tracing::warn!(key, lang = self.0, "missing translation");
            key.to_owned()
        })
    }
}

impl Default for Lang {
    fn default() -> Self {
        Lang(LANGUAGES[0].tag)
    }
}

impl<S: Send + Sync> FromRequestParts<S> for Lang {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        let chosen = CookieJar::from_headers(&parts.headers)
            .get(LANG_COOKIE)
            .and_then(|c| Lang::offered(c.value()));
        let accepted = || {
            parts
                .headers
                .get(header::ACCEPT_LANGUAGE)
                .and_then(|v| v.to_str().ok())
                .and_then(Lang::from_accept_language)
        };
        Ok(chosen.or_else(accepted).unwrap_or_default())
    }
}

/// The template function `t("key", name=value, ...)`: translates into the page's `lang`.
pub fn template_function(
    state: &minijinja::State,
    key: &str,
    kwargs: minijinja::value::Kwargs,
) -> Result<String, minijinja::Error> {
    let lang = Lang::of_template(state);
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
    use super::*;

    #[test]
    fn accept_language_picks_the_first_offered_language() {
        assert_eq!(
            Lang::from_accept_language("de-DE,en-GB;q=0.8,fr;q=0.5"),
            Some(Lang("en"))
        );
        assert_eq!(Lang::from_accept_language("fr-CA"), Some(Lang("fr")));
        assert_eq!(Lang::from_accept_language("de, ja"), None);
        assert_eq!(Lang::from_accept_language(";;;garbage"), None);
    }

    #[test]
    fn every_key_exists_in_every_language() {
        // Every catalogue file of a language, read as one.
        let keys = |tag: &str| -> Vec<String> {
            let dir = format!("{}/locales/{tag}", env!("CARGO_MANIFEST_DIR"));
            let mut files: Vec<_> = std::fs::read_dir(dir)
                .unwrap()
                .map(|e| e.unwrap().path())
                .filter(|p| p.extension().is_some_and(|x| x == "ftl"))
                .collect();
            files.sort();
            let source: String = files
                .iter()
                .map(|f| std::fs::read_to_string(f).unwrap())
                .collect::<Vec<_>>()
                .join("\n");
            source
                .lines()
                .filter(|l| !l.starts_with([' ', '#', '.', '\t', '*', '[', '}']))
                .filter_map(|l| l.split_once(" =").map(|(k, _)| k.trim().to_owned()))
                .collect()
        };
        let french = keys("fr");
        assert!(french.len() > 20);
        for language in LANGUAGES {
            let theirs = keys(language.tag);
            let missing: Vec<_> = french.iter().filter(|k| !theirs.contains(k)).collect();
            assert!(missing.is_empty(), "{} lacks {missing:?}", language.tag);
        }
    }

    #[test]
    fn validation_rules_are_translated() {
        assert_eq!(
            Lang("fr").rule("must be after starts_at"),
            "doit être après le début"
        );
        assert_eq!(
            Lang("fr").rule("must be at most 200 characters"),
            "200 caractères au plus"
        );
        assert!(
            Lang("fr")
                .rule("unknown timezone \"Mars/Base\": use an IANA name")
                .starts_with("Fuseau horaire inconnu")
        );
        assert_eq!(
            Lang("en").rule("something new"),
            "This value is not accepted (something new)."
        );
    }

    #[test]
    fn arguments_and_plurals_are_filled_in() {
        let mut args = Args::new();
        args.insert("count".into(), FluentValue::from(3));
        assert_eq!(Lang("en").text("places-left", &args), "3 places left");
        args.insert("count".into(), FluentValue::from(1));
        assert_eq!(Lang("en").text("places-left", &args), "1 place left");
        assert_eq!(Lang("fr").text("places-left", &args), "1 place restante");
    }
}
