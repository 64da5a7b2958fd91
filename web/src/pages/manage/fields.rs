//! The publication forms' fields: each named by its JSON path in the API's drafts, how it
//! is typed in, and how form values become a draft or a merge patch and back.

use minijinja::context;
use rhizome_node::PublicationBody;
use rhizome_node::inventory::InventoryEntry;
use rhizome_node::publication::PublicationKind;
use serde::Serialize;
use serde_json::{Map, Value, json};

use crate::pages::labels::{LANGUAGES, THEMES};

/// How a form field is typed in and turned into JSON.
#[derive(Clone, Copy, Serialize)]
#[serde(rename_all = "snake_case")]
pub(in crate::pages) enum Widget {
    Text,
    Textarea,
    DateTime,
    Date,
    Number,
    Url,
    Checkbox,
    /// Comma-separated words, a JSON list of strings.
    List,
    /// One entry per line, a label and its `#tags`: a JSON list of `{label, tags}`
    /// (`inventory::InventoryEntry`).
    Entries,
    Select(&'static [&'static str]),
    /// Several boxes, a JSON list.
    Choices(&'static [&'static str]),
}

#[derive(Clone, Copy, Serialize)]
pub(in crate::pages) struct Field {
    /// The JSON path in the draft (`place.name`), also the input's name.
    pub(in crate::pages) name: &'static str,
    /// Catalogue key of the label; options are labelled `<family>-<value>`.
    label: &'static str,
    family: &'static str,
    pub(in crate::pages) widget: Widget,
    required: bool,
}

pub(in crate::pages) const fn field(
    name: &'static str,
    label: &'static str,
    widget: Widget,
) -> Field {
    Field {
        name,
        label,
        family: "",
        widget,
        required: false,
    }
}

pub(in crate::pages) const fn required(f: Field) -> Field {
    Field {
        required: true,
        ..f
    }
}

pub(in crate::pages) const fn family(f: Field, family: &'static str) -> Field {
    Field { family, ..f }
}

pub(super) const EVENT_FIELDS: &[Field] = &[
    required(field("title", "field-title", Widget::Text)),
    required(field("starts_at", "field-starts-at", Widget::DateTime)),
    required(field("ends_at", "field-ends-at", Widget::DateTime)),
    field("timezone", "field-timezone", Widget::Text),
    field("description", "field-description", Widget::Textarea),
    family(
        field(
            "format",
            "field-format",
            Widget::Select(&["on_site", "online", "hybrid"]),
        ),
        "format",
    ),
    field("place.name", "field-place-name", Widget::Text),
    field("place.address", "field-place-address", Widget::Text),
    field("place.latitude", "field-latitude", Widget::Number),
    field("place.longitude", "field-longitude", Widget::Number),
    field("online_url", "field-online-url", Widget::Url),
    field("free", "field-free", Widget::Checkbox),
    field("price", "field-price", Widget::Text),
    field("capacity", "field-capacity", Widget::Number),
    family(
        field(
            "registration.mode",
            "field-registration",
            Widget::Select(&["none", "open", "approval", "external"]),
        ),
        "registration",
    ),
    field("registration.url", "field-registration-url", Widget::Url),
    family(
        field("themes", "field-themes", Widget::Choices(THEMES)),
        "theme",
    ),
    field("tags", "field-tags", Widget::List),
    family(
        field("language", "field-language", Widget::Select(LANGUAGES)),
        "language",
    ),
    family(
        field(
            "status",
            "field-status",
            Widget::Select(&["scheduled", "postponed", "cancelled"]),
        ),
        "status",
    ),
];

pub(super) const RESOURCE_FIELDS: &[Field] = &[
    required(field("title", "field-title", Widget::Text)),
    family(
        field(
            "type",
            "field-resource-type",
            Widget::Select(&[
                "guide",
                "recording",
                "proceedings",
                "toolkit",
                "dataset",
                "lessons_learned",
                "course",
                "other",
            ]),
        ),
        "resource-type",
    ),
    field("summary", "field-summary", Widget::Text),
    field("body", "field-body", Widget::Textarea),
    family(
        field("themes", "field-themes", Widget::Choices(THEMES)),
        "theme",
    ),
    field("tags", "field-tags", Widget::List),
    family(
        field("language", "field-language", Widget::Select(LANGUAGES)),
        "language",
    ),
];

pub(super) const CALL_FIELDS: &[Field] = &[
    family(
        field(
            "type",
            "field-call-type",
            Widget::Select(&["need", "offer", "partners", "project"]),
        ),
        "call-type",
    ),
    required(field("title", "field-title", Widget::Text)),
    field("description", "field-description", Widget::Textarea),
    field("deadline", "field-deadline", Widget::Date),
    family(
        field(
            "status",
            "field-status",
            Widget::Select(&["open", "in_progress", "closed"]),
        ),
        "call-status",
    ),
    family(
        field("themes", "field-themes", Widget::Choices(THEMES)),
        "theme",
    ),
    field("tags", "field-tags", Widget::List),
    family(
        field("language", "field-language", Widget::Select(LANGUAGES)),
        "language",
    ),
];

pub(super) fn fields(kind: PublicationKind) -> &'static [Field] {
    match kind {
        PublicationKind::Event => EVENT_FIELDS,
        PublicationKind::Resource => RESOURCE_FIELDS,
        PublicationKind::Call => CALL_FIELDS,
    }
}

/// Form values by field name, as typed (lists as several values).
pub(in crate::pages) type Values = Vec<(String, String)>;

/// The draft the API would receive for these form values: empty fields are left out so
/// that defaults apply, numbers and booleans are typed, dotted names nest.
pub(super) fn draft_of(kind: PublicationKind, values: &Values) -> Value {
    form_json(fields(kind), values, None)
}

/// The JSON merge patch an edit form means: what it shows is replaced, an emptied field
/// is removed, and what the form does not show (links, audience...) is kept.
pub(super) fn patch_of(kind: PublicationKind, values: &Values) -> Value {
    form_json(fields(kind), values, Some(Value::Null))
}

pub(in crate::pages) fn form_json(
    fields: &[Field],
    values: &Values,
    empty: Option<Value>,
) -> Value {
    let mut draft = Map::new();
    for f in fields {
        let typed: Vec<&str> = values
            .iter()
            .filter(|(k, _)| k == f.name)
            .map(|(_, v)| v.trim())
            .filter(|v| !v.is_empty())
            .collect();
        let value = match f.widget {
            Widget::Checkbox => Some(json!(!typed.is_empty())),
            Widget::Choices(_) => Some(json!(typed)),
            Widget::List => typed.first().map(|v| {
                json!(
                    v.split(',')
                        .map(str::trim)
                        .filter(|s| !s.is_empty())
                        .collect::<Vec<_>>()
                )
            }),
            Widget::Entries => typed.first().map(|v| {
                json!(
                    v.lines()
                        .filter_map(InventoryEntry::from_line)
                        .collect::<Vec<_>>()
                )
            }),
            // A number that does not parse stays a string: validation names the field.
            Widget::Number => typed.first().map(|v| {
                v.replace(',', ".")
                    .parse::<f64>()
                    .ok()
                    .and_then(|n| {
                        if n.fract() == 0.0 && n.abs() < 1e15 {
                            Some(json!(n as i64))
                        } else {
                            serde_json::Number::from_f64(n).map(Value::Number)
                        }
                    })
                    .unwrap_or_else(|| json!(v))
            }),
            _ => typed.first().map(|v| json!(v)),
        };
        if let Some(value) = value.or_else(|| empty.clone()) {
            insert_path(&mut draft, f.name, value);
        }
    }
    Value::Object(draft)
}

pub(super) fn insert_path(map: &mut Map<String, Value>, path: &str, value: Value) {
    match path.split_once('.') {
        None => {
            map.insert(path.to_owned(), value);
        }
        Some((head, rest)) => {
            let child = map
                .entry(head.to_owned())
                .or_insert_with(|| Value::Object(Map::new()));
            if let Value::Object(child) = child {
                insert_path(child, rest, value);
            }
        }
    }
}

/// The form values showing an existing publication; times in the event's own zone.
pub(super) fn values_of(body: &PublicationBody) -> Values {
    let json = serde_json::to_value(body).unwrap_or_default();
    let mut values = values_of_json(fields(body.kind()), &json);
    if let PublicationBody::Event(e) = body {
        for (name, value) in values.iter_mut() {
            let instant = match name.as_str() {
                "starts_at" => e.starts_at,
                "ends_at" => e.ends_at,
                _ => continue,
            };
            *value = instant
                .with_timezone(&e.tz())
                .format("%Y-%m-%dT%H:%M")
                .to_string();
        }
    }
    values
}

/// The form values showing a stored record (its JSON), field by field.
pub(in crate::pages) fn values_of_json(fields: &[Field], json: &Value) -> Values {
    let mut values = Values::new();
    for f in fields {
        let mut at = json;
        for part in f.name.split('.') {
            at = at.get(part).unwrap_or(&Value::Null);
        }
        match (f.widget, at) {
            (_, Value::Null) => {}
            (Widget::Checkbox, Value::Bool(true)) => values.push((f.name.to_owned(), "on".into())),
            (Widget::Checkbox, _) => {}
            (Widget::Choices(_), Value::Array(list)) => {
                for v in list.iter().filter_map(Value::as_str) {
                    values.push((f.name.to_owned(), v.to_owned()));
                }
            }
            (Widget::List, Value::Array(list)) => {
                let words: Vec<&str> = list.iter().filter_map(Value::as_str).collect();
                values.push((f.name.to_owned(), words.join(", ")));
            }
            (Widget::Entries, Value::Array(list)) => {
                let lines: Vec<String> = list
                    .iter()
                    .filter_map(|e| serde_json::from_value::<InventoryEntry>(e.clone()).ok())
                    .map(|e| e.to_line())
                    .collect();
                values.push((f.name.to_owned(), lines.join("\n")));
            }
            (_, Value::String(s)) => values.push((f.name.to_owned(), s.clone())),
            (_, other) => values.push((f.name.to_owned(), other.to_string())),
        }
    }
    values
}

/// The form as the template draws it: each field with its value(s) and its error.
pub(in crate::pages) fn form_view(
    fields: &[Field],
    values: &Values,
    error: Option<(&str, &str)>,
) -> Vec<minijinja::Value> {
    fields
        .iter()
        .map(|f| {
            let all: Vec<&str> = values
                .iter()
                .filter(|(k, _)| k == f.name)
                .map(|(_, v)| v.as_str())
                .collect();
            let (widget, options): (&str, &[&str]) = match f.widget {
                Widget::Text => ("text", &[]),
                Widget::Textarea => ("textarea", &[]),
                Widget::DateTime => ("datetime-local", &[]),
                Widget::Date => ("date", &[]),
                Widget::Number => ("number", &[]),
                Widget::Url => ("url", &[]),
                Widget::Checkbox => ("checkbox", &[]),
                Widget::List => ("text", &[]),
                Widget::Entries => ("entries", &[]),
                Widget::Select(o) => ("select", o),
                Widget::Choices(o) => ("choices", o),
            };
            let field_error = error.and_then(|(path, message)| {
                let path = path.split('[').next().unwrap_or(path);
                (path == f.name || path.starts_with(&format!("{}.", f.name))).then_some(message)
            });
            context! {
                name => f.name,
                id => f.name.replace('.', "-"),
                label => f.label,
                family => f.family,
                widget,
                options,
                required => f.required,
                value => all.first().copied().unwrap_or(""),
                values => all,
                error => field_error,
            }
        })
        .collect()
}

pub(super) fn first_value<'a>(values: &'a Values, name: &str) -> Option<&'a str> {
    values
        .iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.as_str())
}

/// The form's CSRF token, taken out of the values.
pub(in crate::pages) fn take_csrf(values: &mut Values) -> Option<String> {
    let at = values.iter().position(|(k, _)| k == "csrf")?;
    Some(values.remove(at).1)
}

#[cfg(test)]
mod tests {
    use super::*;
    use rhizome_node::theme::Theme;

    fn pairs(list: &[(&str, &str)]) -> Values {
        list.iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn form_values_become_the_api_draft() {
        let draft = draft_of(
            PublicationKind::Event,
            &pairs(&[
                ("title", " Repair café "),
                ("starts_at", "2026-12-01T18:00"),
                ("place.name", "La Fabrique"),
                ("place.latitude", "46,58"),
                ("capacity", "12"),
                ("themes", "climate"),
                ("themes", "culture"),
                ("tags", "repair, ,bikes"),
                ("price", ""),
            ]),
        );
        assert_eq!(draft["title"], "Repair café");
        assert_eq!(draft["place"]["name"], "La Fabrique");
        assert_eq!(draft["place"]["latitude"], 46.58);
        assert_eq!(draft["capacity"], 12);
        assert_eq!(draft["themes"], json!(["climate", "culture"]));
        assert_eq!(draft["tags"], json!(["repair", "bikes"]));
        assert_eq!(draft["free"], false);
        assert!(draft.get("price").is_none());
    }

    #[test]
    fn an_edit_removes_what_was_emptied_and_keeps_what_the_form_does_not_show() {
        let patch = patch_of(
            PublicationKind::Event,
            &pairs(&[("title", "New"), ("price", "")]),
        );
        assert_eq!(patch["title"], "New");
        assert_eq!(patch["price"], Value::Null);
        assert_eq!(patch["place"]["name"], Value::Null);
        assert!(patch.get("links").is_none());
    }

    #[test]
    fn an_unparsable_number_stays_text_for_validation_to_name() {
        let draft = draft_of(PublicationKind::Event, &pairs(&[("capacity", "lots")]));
        assert_eq!(draft["capacity"], "lots");
    }

    #[test]
    fn every_theme_offered_exists() {
        for t in THEMES {
            assert!(Theme::from_slug(t).is_some(), "{t}");
        }
    }
}
