//! Text for people, in every offered language: the Fluent catalogues in
//! `node/locales/<lang>/` (compiled into the binary), the language type, and the sentences
//! that pages, feeds and the wire share (`sentences`). French is the default. Adding a
//! language is adding a catalogue and a line to [`LANGUAGES`].

pub mod sentences;
mod series;

use std::borrow::Cow;
use std::collections::HashMap;

pub use fluent_templates::fluent_bundle::FluentValue;
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
    Language {
        tag: "es",
        name: "Español",
    },
    Language {
        tag: "ar",
        name: "العربية",
    },
];

/// Named arguments of a message.
pub type Args = HashMap<Cow<'static, str>, FluentValue<'static>>;

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

#[cfg(test)]
mod tests {
    use std::collections::{BTreeMap, BTreeSet};

    use fluent_templates::fluent_bundle::{FluentArgs, FluentBundle, FluentResource};

    use super::*;

    #[test]
    fn accept_language_picks_the_first_offered_language() {
        assert_eq!(
            Lang::from_accept_language("de-DE,en-GB;q=0.8,fr;q=0.5"),
            Some(Lang("en"))
        );
        assert_eq!(Lang::from_accept_language("fr-CA"), Some(Lang("fr")));
        assert_eq!(
            Lang::from_accept_language("es-MX,es;q=0.9"),
            Some(Lang("es"))
        );
        assert_eq!(Lang::from_accept_language("ar-MA"), Some(Lang("ar")));
        assert_eq!(Lang::from_accept_language("de, ja"), None);
        assert_eq!(Lang::from_accept_language(";;;garbage"), None);
    }

    /// Every catalogue file of a language, read as one.
    fn catalogue(tag: &str) -> String {
        let dir = format!("{}/locales/{tag}", env!("CARGO_MANIFEST_DIR"));
        let mut files: Vec<_> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.extension().is_some_and(|x| x == "ftl"))
            .collect();
        files.sort();
        files
            .iter()
            .map(|f| std::fs::read_to_string(f).unwrap())
            .collect::<Vec<_>>()
            .join("\n")
    }

    /// A language's catalogue as Fluent reads it: no syntax error (a broken entry would be
    /// dropped silently at run time), no key defined twice.
    fn bundle(tag: &str) -> FluentBundle<FluentResource> {
        let resource = FluentResource::try_new(catalogue(tag))
            .unwrap_or_else(|(_, errors)| panic!("{tag}: syntax errors {errors:?}"));
        let mut bundle = FluentBundle::new(vec![tag.parse().unwrap()]);
        bundle.set_use_isolating(false);
        bundle
            .add_resource(resource)
            .unwrap_or_else(|errors| panic!("{tag}: {errors:?}"));
        bundle
    }

    /// What a message is made of, to compare across languages: its attributes and the
    /// variables its value and attributes use (translations may add selectors, not
    /// variables).
    #[derive(Debug, PartialEq)]
    struct Shape {
        attributes: BTreeSet<String>,
        variables: BTreeSet<String>,
    }

    /// Every message (and term) of a language, by key.
    fn shapes(tag: &str) -> BTreeMap<String, Shape> {
        let bundle = bundle(tag);
        let mut shapes = BTreeMap::new();
        let mut current: Option<String> = None;
        for line in catalogue(tag).lines() {
            let starts_entry = line.starts_with(|c: char| c.is_ascii_alphabetic() || c == '-');
            if starts_entry && let Some((key, _)) = line.split_once('=') {
                let key = key.trim().to_owned();
                let attributes = if key.starts_with('-') {
                    BTreeSet::new()
                } else {
                    let message = bundle
                        .get_message(&key)
                        .unwrap_or_else(|| panic!("{tag}: {key} is not read as a message"));
                    message.attributes().map(|a| a.id().to_owned()).collect()
                };
                let shape = Shape {
                    attributes,
                    variables: BTreeSet::new(),
                };
                assert!(shapes.insert(key.clone(), shape).is_none());
                current = Some(key);
            } else if line.starts_with('#') {
                current = None;
            }
            let Some(shape) = current.as_ref().and_then(|k| shapes.get_mut(k)) else {
                continue;
            };
            for (i, _) in line.match_indices('$') {
                let name: String = line[i + 1..]
                    .chars()
                    .take_while(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_')
                    .collect();
                shape.variables.insert(name);
            }
        }
        shapes
    }

    #[test]
    fn every_locale_directory_is_an_offered_language() {
        let dir = format!("{}/locales", env!("CARGO_MANIFEST_DIR"));
        let mut on_disk: Vec<String> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .collect();
        on_disk.sort();
        let mut offered: Vec<String> = LANGUAGES.iter().map(|l| l.tag.to_owned()).collect();
        offered.sort();
        assert_eq!(on_disk, offered);
    }

    #[test]
    fn every_key_exists_in_every_language() {
        let french = shapes("fr");
        assert!(french.len() > 20);
        for language in LANGUAGES {
            let tag = language.tag;
            let theirs = shapes(tag);
            let missing: Vec<_> = french.keys().filter(|k| !theirs.contains_key(*k)).collect();
            assert!(missing.is_empty(), "{tag} lacks {missing:?}");
            let extra: Vec<_> = theirs.keys().filter(|k| !french.contains_key(*k)).collect();
            assert!(extra.is_empty(), "{tag} has keys French has not: {extra:?}");
            for (key, shape) in &french {
                assert_eq!(&theirs[key], shape, "{tag}: {key} differs from French");
            }
        }
    }

    #[test]
    fn every_message_formats_in_every_language() {
        // Around every plural boundary of the offered languages (Arabic's zero, one, two,
        // few 3-10, many 11-99, other 100-102).
        let numbers = [0, 1, 2, 3, 7, 10, 11, 20, 99, 100, 101, 102, 1000];
        for language in LANGUAGES {
            let tag = language.tag;
            let bundle = bundle(tag);
            for (key, shape) in shapes(tag) {
                let Some(message) = bundle.get_message(&key) else {
                    continue; // a term
                };
                let patterns: Vec<_> = message
                    .value()
                    .into_iter()
                    .chain(message.attributes().map(|a| a.value()))
                    .collect();
                for n in numbers {
                    let mut args = FluentArgs::new();
                    for variable in &shape.variables {
                        args.set(variable.clone(), n);
                    }
                    for pattern in &patterns {
                        let mut errors = vec![];
                        let text = bundle.format_pattern(pattern, Some(&args), &mut errors);
                        assert!(errors.is_empty(), "{tag}: {key} ({n}): {errors:?}");
                        assert!(!text.trim().is_empty(), "{tag}: {key} ({n}) is empty");
                    }
                }
            }
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
        assert_eq!(Lang("es").text("places-left", &args), "queda 1 plaza");
        // Arabic: one, two, few (3-10), many (11-99), other (100...), and exactly 0.
        let mut arabic = |n: i64| {
            args.insert("count".into(), FluentValue::from(n));
            Lang("ar").text("places-left", &args)
        };
        assert_eq!(arabic(0), "مكتمل");
        assert_eq!(arabic(1), "بقي مكان واحد");
        assert_eq!(arabic(2), "بقي مكانان");
        assert_eq!(arabic(5), "بقيت 5 أماكن");
        assert_eq!(arabic(20), "بقي 20 مكانًا");
        assert_eq!(arabic(100), "بقي 100 مكان");
    }

    #[test]
    fn arabic_is_right_to_left() {
        assert_eq!(Lang("ar").dir(), "rtl");
        for tag in ["fr", "en", "es"] {
            assert_eq!(Lang(tag).dir(), "ltr");
        }
        assert_eq!(Lang::offered("ar"), Some(Lang("ar")));
        assert_eq!(Lang::offered("es-ES"), Some(Lang("es")));
    }
}
