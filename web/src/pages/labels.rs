//! Names of the domain's fixed values (themes, kinds, statuses) in the page's language:
//! the catalogue key is `<family>-<serde name>`, e.g. `theme-climate`.

use rhizome_node::publication::audience::AgeGroup;
use rhizome_node::publication::call::{CallStatus, CallType};
use rhizome_node::publication::event::{EventFormat, EventStatus, RegistrationMode};
use rhizome_node::publication::resource::{Level, ResourceType};
use rhizome_node::territory::TerritoryKind;
use rhizome_node::theme::Theme;
use strum::VariantNames;

/// Themes offered in forms and filters, by their wire names (as `Theme::slug`).
pub const THEMES: &[&str] = <Theme as VariantNames>::VARIANTS;

/// Languages a publication or a territory may be written in, offered in forms and filters.
pub const LANGUAGES: &[&str] = &["fr", "en", "es", "de", "it", "ar"];

/// Kinds of territory offered in the directory's filter (as `TerritoryKind`'s names).
pub const TERRITORY_KINDS: &[&str] = <TerritoryKind as VariantNames>::VARIANTS;

/// The values of the node's enums offered in forms, by their wire names: derived from the
/// enums, so that a value added there is offered here.
pub const CALL_TYPES: &[&str] = CallType::VARIANTS;
pub const CALL_STATUSES: &[&str] = CallStatus::VARIANTS;
pub const RESOURCE_TYPES: &[&str] = ResourceType::VARIANTS;
pub const LEVELS: &[&str] = Level::VARIANTS;
pub const AGE_GROUPS: &[&str] = AgeGroup::VARIANTS;
pub const EVENT_FORMATS: &[&str] = EventFormat::VARIANTS;
pub const EVENT_STATUSES: &[&str] = EventStatus::VARIANTS;
pub const REGISTRATION_MODES: &[&str] = RegistrationMode::VARIANTS;

/// The template function `label("theme", "climate")`.
pub fn template_function(
    state: &minijinja::State,
    family: &str,
    value: &str,
) -> Result<String, minijinja::Error> {
    Ok(crate::i18n::of_template(state).label(family, value))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::de::DeserializeOwned;

    /// Every value a form offers is one the node reads, under the same name.
    fn offered_are_wire_names<T: DeserializeOwned + serde::Serialize>(offered: &[&str]) {
        assert!(!offered.is_empty());
        for name in offered {
            let value: T = serde_json::from_value(serde_json::json!(name)).unwrap();
            assert_eq!(serde_json::to_value(value).unwrap(), *name);
        }
    }

    #[test]
    fn every_option_offered_is_a_wire_name() {
        offered_are_wire_names::<CallType>(CALL_TYPES);
        offered_are_wire_names::<CallStatus>(CALL_STATUSES);
        offered_are_wire_names::<ResourceType>(RESOURCE_TYPES);
        offered_are_wire_names::<Level>(LEVELS);
        offered_are_wire_names::<AgeGroup>(AGE_GROUPS);
        offered_are_wire_names::<EventFormat>(EVENT_FORMATS);
        offered_are_wire_names::<EventStatus>(EVENT_STATUSES);
        offered_are_wire_names::<RegistrationMode>(REGISTRATION_MODES);
        offered_are_wire_names::<Theme>(THEMES);
        assert_eq!(AGE_GROUPS.len(), 6);
    }
}
