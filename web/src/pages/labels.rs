//! Names of the domain's fixed values (themes, kinds, statuses) in the page's language:
//! the catalogue key is `<family>-<serde name>`, e.g. `theme-climate`.

use crate::i18n::Lang;

/// The visitor-facing name of `value` in `family` (`theme`, `territory-kind`...).
pub fn label(lang: Lang, family: &str, value: &str) -> String {
    lang.text(&format!("{family}-{value}"), &Default::default())
}

/// The template function `label("theme", "climate")`.
pub fn template_function(
    state: &minijinja::State,
    family: &str,
    value: &str,
) -> Result<String, minijinja::Error> {
    let lang = state
        .lookup("lang")
        .and_then(|v| v.as_str().and_then(Lang::offered))
        .unwrap_or_default();
    Ok(label(lang, family, value))
}
