//! Names of the domain's fixed values (themes, kinds, statuses) in the page's language:
//! the catalogue key is `<family>-<serde name>`, e.g. `theme-climate`.

use rhizome_node::territory::TerritoryKind;
use rhizome_node::theme::Theme;
use strum::VariantNames;

/// Themes offered in forms and filters, by their wire names (as `Theme::slug`).
pub const THEMES: &[&str] = <Theme as VariantNames>::VARIANTS;

/// Languages a publication or a territory may be written in, offered in forms and filters.
pub const LANGUAGES: &[&str] = &["fr", "en", "es", "de", "it", "ar"];

/// Kinds of territory offered in the directory's filter (as `TerritoryKind`'s names).
pub const TERRITORY_KINDS: &[&str] = <TerritoryKind as VariantNames>::VARIANTS;

/// The template function `label("theme", "climate")`.
pub fn template_function(
    state: &minijinja::State,
    family: &str,
    value: &str,
) -> Result<String, minijinja::Error> {
    Ok(crate::i18n::of_template(state).label(family, value))
}
