//! The bilingual skill vocabulary: French and English surface forms (phrases, prefixes,
//! forms that need context words) mapped to concept ids, and the reading of a text into
//! the concepts it names and the plain words left to compare.
//!
//! The shipped vocabulary is `vocabulary.txt` (its header describes the format); an admin
//! file in the same format adds forms to existing concepts or new concepts
//! ([`Vocabulary::with_extra`]).

use std::collections::HashMap;
use std::fmt;
use std::sync::LazyLock;

use crate::listing::normalize;

/// The vocabulary shipped with Rhizome.
const BUILTIN: &str = include_str!("vocabulary.txt");

/// Words that carry no meaning for matching, in either language (compared normalised,
/// before plurals are folded).
const STOP_WORDS: &[&str] = &[
    // French
    "a",
    "au",
    "aux",
    "avec",
    "ce",
    "ces",
    "cette",
    "chez",
    "d",
    "dans",
    "de",
    "des",
    "du",
    "elle",
    "en",
    "est",
    "et",
    "etre",
    "il",
    "ils",
    "j",
    "je",
    "l",
    "la",
    "le",
    "les",
    "leur",
    "leurs",
    "m",
    "mais",
    "me",
    "meme",
    "mon",
    "nos",
    "notre",
    "nous",
    "on",
    "ou",
    "par",
    "pas",
    "peut",
    "peux",
    "plus",
    "pour",
    "qu",
    "que",
    "qui",
    "sa",
    "se",
    "ses",
    "si",
    "son",
    "sont",
    "sur",
    "ta",
    "tres",
    "un",
    "une",
    "vos",
    "votre",
    "vous",
    "y",
    "tout",
    "tous",
    "toute",
    "toutes",
    "afin",
    "ainsi",
    "deux",
    "trois",
    "quelqu",
    "quelques",
    "personne",
    "besoin",
    "cherche",
    "cherchons",
    "recherche",
    "recherchons",
    "souhaite",
    "souhaitons",
    "voulons",
    "veut",
    "propose",
    "proposons",
    "proposant",
    "propos",
    "faut",
    "nous",
    "il",
    "avons",
    "ont",
    "sommes",
    "suis",
    "ai",
    "peu",
    "pres",
    "fois",
    "mois",
    "semaine",
    "jour",
    "jours",
    "an",
    "ans",
    "possible",
    "si",
    "afin",
    "lors",
    "dont",
    "autour",
    "entre",
    "sans",
    "sous",
    "vers",
    // English
    "an",
    "and",
    "any",
    "are",
    "as",
    "at",
    "be",
    "by",
    "can",
    "for",
    "from",
    "have",
    "i",
    "in",
    "into",
    "is",
    "it",
    "its",
    "looking",
    "look",
    "my",
    "need",
    "needs",
    "of",
    "offer",
    "offering",
    "offers",
    "on",
    "or",
    "our",
    "some",
    "seek",
    "seeks",
    "that",
    "the",
    "their",
    "them",
    "this",
    "to",
    "up",
    "us",
    "we",
    "who",
    "will",
    "with",
    "would",
    "want",
    "wants",
    "you",
    "your",
    "also",
    "about",
    "am",
    "available",
    "happy",
    "keen",
    "willing",
    "help",
    "helping",
    "helps",
    "week",
    "weeks",
    "month",
    "day",
    "days",
    "year",
    "two",
    "three",
    "small",
    "simple",
    "new",
    "people",
    "based",
    "like",
    "able",
    "run",
    "runs",
    "running",
];

/// Whether a normalised word carries no meaning for matching.
pub fn is_stop_word(word: &str) -> bool {
    STOP_WORDS.contains(&word)
}

/// Words skipped when matching forms ("réparation de vélos" is "réparation vélos").
const SKIPPED_IN_FORMS: &[&str] = &[
    "au", "aux", "d", "de", "des", "du", "en", "et", "l", "la", "le", "les", "leur", "leurs",
    "nos", "notre", "sa", "ses", "son", "un", "une", "vos", "votre", "and", "for", "of", "our",
    "the", "their", "your", "pour", "with", "avec", "son",
];

/// A prefix form (`répar*`) has at least this many letters: forms are found by their
/// first three.
const MIN_PREFIX: usize = 3;

/// Context words are looked for this many words before and after a form.
const CONTEXT_WINDOW: usize = 6;

/// A concept's index in its vocabulary.
pub type ConceptId = u32;

#[derive(Debug, Clone, PartialEq)]
pub struct Concept {
    /// The id written in the file (`bike`, `website`).
    pub name: String,
    /// The first French and English forms without `*` or context, as written: what a
    /// page shows.
    pub label_fr: Option<String>,
    pub label_en: Option<String>,
    /// Close concepts, by index.
    pub related: Vec<ConceptId>,
    /// A sense that yields no concept (its id starts with `_`).
    pub silent: bool,
}

/// The language a form applies to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum FormLang {
    Fr,
    En,
    Any,
}

impl FormLang {
    fn applies_to(self, language: Option<&str>) -> bool {
        match (self, language.map(primary_language)) {
            (FormLang::Any, _) | (_, None) => true,
            (FormLang::Fr, Some(l)) => l == "fr",
            (FormLang::En, Some(l)) => l == "en",
        }
    }
}

/// "fr-CA" → "fr".
fn primary_language(tag: &str) -> &str {
    tag.split(['-', '_']).next().unwrap_or(tag)
}

/// One word of a form: exact, or a prefix (`répar*`).
#[derive(Debug, Clone, PartialEq)]
enum Pattern {
    Exact(String),
    Prefix(String),
}

impl Pattern {
    fn parse(word: &str) -> Pattern {
        match word.strip_suffix('*') {
            Some(p) => Pattern::Prefix(p.to_owned()),
            None => Pattern::Exact(word.to_owned()),
        }
    }

    fn matches(&self, word: &str) -> bool {
        match self {
            Pattern::Exact(w) => w == word,
            Pattern::Prefix(p) => word.starts_with(p.as_str()),
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
struct Form {
    concept: ConceptId,
    lang: FormLang,
    words: Vec<Pattern>,
    /// Applies only when one of these is within [`CONTEXT_WINDOW`] words.
    context: Vec<Pattern>,
}

/// A line of a vocabulary file that could not be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VocabularyError {
    /// 1-based line number in the file that was read.
    pub line: usize,
    pub message: String,
}

impl fmt::Display for VocabularyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "vocabulary line {}: {}", self.line, self.message)
    }
}

impl std::error::Error for VocabularyError {}

/// Concepts and their forms, indexed for reading texts.
#[derive(Debug, Clone)]
pub struct Vocabulary {
    concepts: Vec<Concept>,
    forms: Vec<Form>,
    /// Forms by their first word, when it is exact.
    by_first_word: HashMap<String, Vec<usize>>,
    /// Forms whose first word is a prefix, by the prefix's first three characters
    /// (shorter prefixes under their whole text).
    by_prefix_start: HashMap<String, Vec<usize>>,
    /// Normalised words never compared as plain words.
    ambiguous: std::collections::HashSet<String>,
}

/// What a text says, read through the vocabulary.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Reading {
    /// Concepts named, in order of appearance, with repetitions.
    pub concepts: Vec<ConceptId>,
    /// Meaningful words, normalised and with plurals folded, with repetitions;
    /// ambiguous words are left out.
    pub words: Vec<String>,
}

/// The vocabulary of this process's node, once [`Vocabulary::install`]ed.
static NODE_VOCABULARY: std::sync::OnceLock<&'static Vocabulary> = std::sync::OnceLock::new();

impl Vocabulary {
    /// Makes `vocabulary` (the shipped one with the admins' file merged, see
    /// `Config::vocabulary`) the one [`Vocabulary::node`] gives; done once, at start.
    pub fn install(vocabulary: &'static Vocabulary) {
        if NODE_VOCABULARY.set(vocabulary).is_err() {
            tracing::warn!("matching vocabulary installed twice: the first one stays");
        }
    }

    /// The vocabulary the node matches with: the installed one, else the shipped one.
    pub fn node() -> &'static Vocabulary {
        NODE_VOCABULARY
            .get()
            .copied()
            .unwrap_or_else(Vocabulary::builtin)
    }

    /// The shipped vocabulary (parsed once).
    pub fn builtin() -> &'static Vocabulary {
        static BUILT: LazyLock<Vocabulary> = LazyLock::new(|| {
            Vocabulary::parse(BUILTIN).expect("the shipped vocabulary parses (tested)")
        });
        &BUILT
    }

    /// Reads a vocabulary file.
    pub fn parse(text: &str) -> Result<Vocabulary, VocabularyError> {
        let mut v = Vocabulary {
            concepts: Vec::new(),
            forms: Vec::new(),
            by_first_word: HashMap::new(),
            by_prefix_start: HashMap::new(),
            ambiguous: Default::default(),
        };
        v.merge(text)?;
        Ok(v)
    }

    /// The shipped vocabulary plus an admin's file: its forms are added to the concepts
    /// it names, and concepts it is the first to name are new.
    pub fn with_extra(text: &str) -> Result<Vocabulary, VocabularyError> {
        let mut v = Vocabulary::builtin().clone();
        v.merge(text)?;
        Ok(v)
    }

    pub fn concepts(&self) -> &[Concept] {
        &self.concepts
    }

    pub fn concept(&self, id: ConceptId) -> &Concept {
        &self.concepts[id as usize]
    }

    pub fn find(&self, name: &str) -> Option<ConceptId> {
        self.concepts
            .iter()
            .position(|c| c.name == name)
            .map(|i| i as ConceptId)
    }

    /// The concept's label in `language` (French or English), else in the other one,
    /// else its id.
    pub fn label(&self, id: ConceptId, language: Option<&str>) -> &str {
        let c = self.concept(id);
        let (first, second) = match language.map(primary_language) {
            Some("en") => (&c.label_en, &c.label_fr),
            _ => (&c.label_fr, &c.label_en),
        };
        first.as_deref().or(second.as_deref()).unwrap_or(&c.name)
    }

    /// Every form of a concept, normalised, in both languages, prefixes without their
    /// star, context-bound forms included: what a full-text prefilter looks for.
    pub fn surface_words(&self, id: ConceptId) -> impl Iterator<Item = String> + '_ {
        self.forms.iter().filter(move |f| f.concept == id).map(|f| {
            f.words
                .iter()
                .map(|p| match p {
                    Pattern::Exact(w) | Pattern::Prefix(w) => w.as_str(),
                })
                .collect::<Vec<_>>()
                .join(" ")
        })
    }

    fn merge(&mut self, text: &str) -> Result<(), VocabularyError> {
        let mut current: Option<ConceptId> = None;
        // Related names are resolved at the end, when every concept is known.
        let mut pending_related: Vec<(usize, ConceptId, String)> = Vec::new();
        for (n, raw) in text.lines().enumerate() {
            let line_no = n + 1;
            let err = |message: String| VocabularyError {
                line: line_no,
                message,
            };
            let line = raw.split('#').next().unwrap_or("").trim();
            if line.is_empty() {
                continue;
            }
            if let Some(rest) = line.strip_prefix('[') {
                let name = rest
                    .strip_suffix(']')
                    .ok_or_else(|| err("a concept line is `[id]`: missing `]`".into()))?
                    .trim();
                if name.is_empty()
                    || !name
                        .chars()
                        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
                {
                    return Err(err(format!(
                        "concept id `{name}`: use lower-case letters, digits and `_`"
                    )));
                }
                current = Some(match self.find(name) {
                    Some(id) => id,
                    None => {
                        self.concepts.push(Concept {
                            name: name.to_owned(),
                            label_fr: None,
                            label_en: None,
                            related: Vec::new(),
                            silent: name.starts_with('_'),
                        });
                        (self.concepts.len() - 1) as ConceptId
                    }
                });
                continue;
            }
            let (key, value) = line
                .split_once(':')
                .ok_or_else(|| err(format!("expected `key: value` or `[id]`, found `{line}`")))?;
            let key = key.trim();
            match key {
                "ambiguous" => {
                    for w in value.split(',').map(normalize).filter(|w| !w.is_empty()) {
                        self.ambiguous.insert(fold_plural(&w).into_owned());
                    }
                }
                "fr" | "en" | "any" => {
                    let concept =
                        current.ok_or_else(|| err(format!("`{key}:` before any `[id]` line")))?;
                    let lang = match key {
                        "fr" => FormLang::Fr,
                        "en" => FormLang::En,
                        _ => FormLang::Any,
                    };
                    for written in value.split('|').map(str::trim) {
                        let form = parse_form(written, concept, lang).map_err(&err)?;
                        let c = &mut self.concepts[concept as usize];
                        let label = match lang {
                            FormLang::Fr => &mut c.label_fr,
                            FormLang::En => &mut c.label_en,
                            FormLang::Any => &mut c.label_fr,
                        };
                        if label.is_none() && form.context.is_empty() && !written.contains('*') {
                            *label = Some(written.to_owned());
                        }
                        if lang == FormLang::Any && c.label_en.is_none() {
                            c.label_en = c.label_fr.clone();
                        }
                        self.add_form(form);
                    }
                }
                "related" => {
                    let concept =
                        current.ok_or_else(|| err("`related:` before any `[id]` line".into()))?;
                    for name in value.split(',').map(str::trim).filter(|s| !s.is_empty()) {
                        pending_related.push((line_no, concept, name.to_owned()));
                    }
                }
                other => {
                    return Err(err(format!(
                        "unknown key `{other}` (expected fr, en, any, related or ambiguous)"
                    )));
                }
            }
        }
        for (line, concept, name) in pending_related {
            let other = self.find(&name).ok_or_else(|| VocabularyError {
                line,
                message: format!("related concept `{name}` is not defined"),
            })?;
            let related = &mut self.concepts[concept as usize].related;
            if other != concept && !related.contains(&other) {
                related.push(other);
            }
        }
        Ok(())
    }

    fn add_form(&mut self, form: Form) {
        let i = self.forms.len();
        match &form.words[0] {
            Pattern::Exact(w) => self.by_first_word.entry(w.clone()).or_default().push(i),
            Pattern::Prefix(p) => self
                .by_prefix_start
                .entry(p.chars().take(3).collect())
                .or_default()
                .push(i),
        }
        self.forms.push(form);
    }

    /// Reads a text written in `language` (forms of the other language are not applied;
    /// both are when it is unknown).
    pub fn read(&self, text: &str, language: Option<&str>) -> Reading {
        let normalised = normalize(text);
        let all: Vec<&str> = normalised.split(' ').filter(|w| !w.is_empty()).collect();
        let mut reading = Reading::default();
        for w in &all {
            if is_stop_word(w) || w.chars().all(|c| c.is_ascii_digit()) {
                continue;
            }
            let folded = fold_plural(w);
            if !self.ambiguous.contains(folded.as_ref()) {
                reading.words.push(folded.into_owned());
            }
        }
        let words: Vec<String> = all
            .iter()
            .filter(|w| !SKIPPED_IN_FORMS.contains(w))
            .map(|w| fold_plural(w).into_owned())
            .collect();
        let mut i = 0;
        while i < words.len() {
            match self.best_form_at(&words, i, language) {
                Some((form, len)) => {
                    if !self.concepts[form.concept as usize].silent {
                        reading.concepts.push(form.concept);
                    }
                    i += len;
                }
                None => i += 1,
            }
        }
        reading
    }

    /// The longest form starting at `words[i]`, one with its context present before one
    /// without context.
    fn best_form_at(
        &self,
        words: &[String],
        i: usize,
        language: Option<&str>,
    ) -> Option<(&Form, usize)> {
        let first = &words[i];
        let prefix_key: String = first.chars().take(3).collect();
        let exact = self.by_first_word.get(first.as_str()).into_iter().flatten();
        let prefixed = self.by_prefix_start.get(&prefix_key).into_iter().flatten();
        let mut best: Option<(&Form, usize, bool)> = None;
        for &fi in exact.chain(prefixed) {
            let form = &self.forms[fi];
            if !form.lang.applies_to(language) {
                continue;
            }
            let len = form.words.len();
            if i + len > words.len()
                || !form
                    .words
                    .iter()
                    .zip(&words[i..])
                    .all(|(p, w)| p.matches(w))
            {
                continue;
            }
            let with_context = !form.context.is_empty();
            if with_context {
                let from = i.saturating_sub(CONTEXT_WINDOW);
                let to = (i + len + CONTEXT_WINDOW).min(words.len());
                let near = words[from..i].iter().chain(&words[i + len..to]);
                if !near
                    .into_iter()
                    .any(|w| form.context.iter().any(|p| p.matches(w)))
                {
                    continue;
                }
            }
            let better = match best {
                None => true,
                Some((_, l, c)) => (len, with_context) > (l, c),
            };
            if better {
                best = Some((form, len, with_context));
            }
        }
        best.map(|(f, l, _)| (f, l))
    }
}

fn parse_form(written: &str, concept: ConceptId, lang: FormLang) -> Result<Form, String> {
    let (body, context) = match written.split_once('{') {
        Some((body, rest)) => {
            let inner = rest
                .strip_suffix('}')
                .ok_or_else(|| format!("form `{written}`: context must end with `}}`"))?;
            (body, Some(inner))
        }
        None => (written, None),
    };
    let words = pattern_words(body);
    if words.is_empty() {
        return Err(format!("empty form in `{written}`"));
    }
    let context: Vec<Pattern> = context
        .map(|c| c.split(',').flat_map(pattern_words).collect())
        .unwrap_or_default();
    if written.contains('{') && context.is_empty() {
        return Err(format!("form `{written}`: empty context"));
    }
    // Forms are found by their first word's first letters.
    let short = |p: &&Pattern| matches!(p, Pattern::Prefix(p) if p.chars().count() < MIN_PREFIX);
    if let Some(Pattern::Prefix(p)) = words.first().filter(|p| short(p)) {
        return Err(format!(
            "form `{written}`: prefix `{p}*` is too short (at least {MIN_PREFIX} letters)"
        ));
    }
    Ok(Form {
        concept,
        lang,
        words,
        context,
    })
}

/// A form's words as the reader sees them: normalised, skipped words dropped, plurals
/// folded, a trailing `*` kept as a prefix mark.
fn pattern_words(text: &str) -> Vec<Pattern> {
    text.split_whitespace()
        .flat_map(|w| {
            let star = w.ends_with('*');
            let n = normalize(w);
            let parts: Vec<String> = n
                .split(' ')
                .filter(|p| !p.is_empty())
                .map(str::to_owned)
                .collect();
            let last = parts.len().saturating_sub(1);
            parts
                .into_iter()
                .enumerate()
                .filter(|(_, p)| !SKIPPED_IN_FORMS.contains(&p.as_str()))
                .map(move |(k, p)| {
                    if star && k == last {
                        Pattern::Prefix(p)
                    } else {
                        Pattern::parse(&fold_plural(&p))
                    }
                })
                .collect::<Vec<_>>()
        })
        .collect()
}

/// French and English plurals folded to the singular, roughly: "vélos" → "velo",
/// "bureaux" → "bureau", "locaux" → "local".
pub fn fold_plural(word: &str) -> std::borrow::Cow<'_, str> {
    let n = word.len();
    if n > 4 && word.ends_with("eaux") {
        word[..n - 1].into()
    } else if n > 4 && word.ends_with("aux") {
        format!("{}al", &word[..n - 3]).into()
    } else if n > 3 && (word.ends_with('s') || word.ends_with('x')) && !word.ends_with("ss") {
        word[..n - 1].into()
    } else {
        word.into()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(v: &Vocabulary, text: &str, lang: &str) -> Vec<String> {
        v.read(text, Some(lang))
            .concepts
            .iter()
            .map(|&c| v.concept(c).name.clone())
            .collect()
    }

    #[test]
    fn builtin_parses_and_links_french_and_english() {
        let v = Vocabulary::builtin();
        assert!(v.concepts().len() > 50);
        assert_eq!(names(v, "Apiculture urbaine", "fr"), ["bees", "urban"]);
        assert_eq!(names(v, "Urban beekeeping", "en"), ["urban", "bees"]);
        assert_eq!(names(v, "Réparation de vélos", "fr"), ["repair", "bike"]);
        assert_eq!(names(v, "bicycle repairs", "en"), ["bike", "repair"]);
    }

    #[test]
    fn senses_of_pret_and_accueil() {
        let v = Vocabulary::builtin();
        assert_eq!(
            names(v, "Prêt de vidéoprojecteur", "fr"),
            ["lending", "audiovisual"]
        );
        assert_eq!(
            names(v, "Une équipe prête à intervenir", "fr"),
            Vec::<String>::new()
        );
        assert_eq!(names(v, "un prêt à taux zéro", "fr"), ["funding"]);
        assert_eq!(names(v, "prêt d'honneur", "fr"), ["funding"]);
        assert_eq!(
            names(v, "la page d'accueil du site", "fr"),
            ["website", "website"]
        );
        assert_eq!(names(v, "l'accueil du public", "fr"), ["visitor_welcome"]);
        assert_eq!(names(v, "impression 3D", "fr"), ["printing_3d"]);
        assert_eq!(
            names(v, "impression de flyers", "fr"),
            ["paper_printing", "paper_printing"]
        );
        // Ambiguous words are never compared as plain words.
        assert!(
            !v.read("prêt accueil", Some("fr"))
                .words
                .iter()
                .any(|w| w == "pret")
        );
    }

    #[test]
    fn forms_apply_to_their_language() {
        let v = Vocabulary::builtin();
        assert_eq!(names(v, "un local", "fr"), ["room"]);
        assert!(names(v, "local groups", "en").is_empty());
    }

    #[test]
    fn extra_file_adds_forms_and_concepts() {
        let v = Vocabulary::with_extra(
            "[bike]\nfr: petite reine\n[ceramics]\nfr: céramique* | poterie\nen: pottery\nrelated: culture_x\n",
        );
        let e = v.unwrap_err();
        assert_eq!(e.line, 6, "{e}");
        assert!(e.to_string().contains("culture_x"), "{e}");
        let v = Vocabulary::with_extra(
            "[bike]\nfr: petite reine\n[ceramics]\nfr: céramiques\nen: pottery\n",
        )
        .unwrap();
        assert_eq!(names(&v, "la petite reine", "fr"), ["bike"]);
        assert_eq!(names(&v, "atelier céramique", "fr"), ["ceramics"]);
        assert_eq!(names(&v, "pottery class", "en")[0], "ceramics");
    }

    #[test]
    fn parse_errors_name_the_line() {
        for (text, line, says) in [
            ("fr: vélo", 1, "before any"),
            ("# c\n[Bad Id]", 2, "concept id"),
            ("[a]\nde: x", 2, "unknown key"),
            ("[a]\nfr: x {y", 2, "context"),
            ("[a]\nfr: x | | y", 2, "empty form"),
            ("[a]\n\nnonsense", 3, "expected"),
        ] {
            let e = Vocabulary::parse(text).unwrap_err();
            assert_eq!(e.line, line, "{text}: {e}");
            assert!(e.message.contains(says), "{text}: {e}");
        }
    }

    proptest::proptest! {
        /// Any text, in any language, read or parsed as a vocabulary: an answer or an
        /// error, never a panic.
        #[test]
        fn never_panics(text in "\\PC{0,200}", lang in "(fr|en|de|)") {
            let v = Vocabulary::builtin();
            let lang = Some(lang.as_str()).filter(|l| !l.is_empty());
            let r = v.read(&text, lang);
            proptest::prop_assert!(r.concepts.len() <= r.words.len() + text.len());
            let _ = Vocabulary::with_extra(&text);
        }
    }

    #[test]
    fn plurals_fold() {
        assert_eq!(fold_plural("velos"), "velo");
        assert_eq!(fold_plural("bureaux"), "bureau");
        assert_eq!(fold_plural("locaux"), "local");
        assert_eq!(fold_plural("business"), "business");
        assert_eq!(fold_plural("bus"), "bus");
    }
}
