//! The publication forms' fields: each named by its JSON path in the API's drafts, how it
//! is typed in, and how form values become a draft or a merge patch and back.

use minijinja::context;
use rhizome_node::PublicationBody;
use rhizome_node::inventory::InventoryEntry;
use rhizome_node::publication::PublicationKind;
use rhizome_node::publication::resource::CC_LICENCES;
use rhizome_node::text::sentences::licence_label;
use serde::Serialize;
use serde_json::{Map, Value, json};

use crate::pages::labels::{
    AGE_GROUPS, CALL_STATUSES, CALL_TYPES, EVENT_FORMATS, EVENT_STATUSES, LANGUAGES, LEVELS,
    REGISTRATION_MODES, RESOURCE_TYPES, THEMES,
};

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
    /// A select whose first option, empty, means none: the JSON value is left out.
    MaybeSelect(&'static [&'static str]),
    /// Several boxes, a JSON list.
    Choices(&'static [&'static str]),
    /// One entry a line, a JSON list of strings.
    Lines,
    /// One link a line, its URL then its title: a JSON list of `{url, title}`.
    Links,
    /// A licence: one of [`CC_LICENCES`] or, choosing "other", the URL typed beside it
    /// (sent as `<name>_url`).
    Licence,
    /// Several boxes, one per territory known to this node (local or followed).
    Territories,
    /// One of the territory's events, or none.
    Event,
}

/// The value the licence select sends when the licence is given by its URL.
pub(in crate::pages) const OTHER_LICENCE: &str = "other";

/// Options known only when the form is drawn: territories to name as partners, events a
/// resource may come from. Each is `(value, label)`.
#[derive(Default)]
pub(in crate::pages) struct Known {
    pub(in crate::pages) territories: Vec<(String, String)>,
    pub(in crate::pages) events: Vec<(String, String)>,
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
        field("format", "field-format", Widget::Select(EVENT_FORMATS)),
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
            Widget::Select(REGISTRATION_MODES),
        ),
        "registration",
    ),
    field("registration.url", "field-registration-url", Widget::Url),
    family(
        field(
            "audience.age_groups",
            "field-age-groups",
            Widget::Choices(AGE_GROUPS),
        ),
        "age",
    ),
    field("audience.publics", "field-publics", Widget::List),
    field("organisers", "field-organisers", Widget::List),
    field("partners", "field-partners", Widget::Territories),
    field("links", "field-links", Widget::Links),
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
        field("status", "field-status", Widget::Select(EVENT_STATUSES)),
        "status",
    ),
];

pub(super) const RESOURCE_FIELDS: &[Field] = &[
    required(field("title", "field-title", Widget::Text)),
    family(
        field(
            "type",
            "field-resource-type",
            Widget::Select(RESOURCE_TYPES),
        ),
        "resource-type",
    ),
    field("summary", "field-summary", Widget::Text),
    field("body", "field-body", Widget::Textarea),
    field("license", "field-licence", Widget::Licence),
    family(
        field("level", "field-level", Widget::MaybeSelect(LEVELS)),
        "level",
    ),
    family(
        field(
            "audience.age_groups",
            "field-age-groups",
            Widget::Choices(AGE_GROUPS),
        ),
        "age",
    ),
    field("audience.publics", "field-publics", Widget::List),
    field("links", "field-links", Widget::Links),
    field("related_event", "field-related-event", Widget::Event),
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
        field("type", "field-call-type", Widget::Select(CALL_TYPES)),
        "call-type",
    ),
    required(field("title", "field-title", Widget::Text)),
    field("description", "field-description", Widget::Textarea),
    field("objectives", "field-objectives", Widget::Lines),
    field("skills_wanted", "field-skills-wanted", Widget::List),
    field("deadline", "field-deadline", Widget::Date),
    field("scope.place.name", "field-scope-place", Widget::Text),
    field("scope.place.address", "field-place-address", Widget::Text),
    field("scope.place.latitude", "field-latitude", Widget::Number),
    field("scope.place.longitude", "field-longitude", Widget::Number),
    field("scope.radius_km", "field-radius-km", Widget::Number),
    family(
        field("status", "field-status", Widget::Select(CALL_STATUSES)),
        "call-status",
    ),
    field("outcome", "field-outcome", Widget::Textarea),
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

/// The "Repeat" section of a new event's form: the draft's `recurrence`, field by field.
pub(super) const REPEAT_FIELDS: &[Field] = {
    use rhizome_node::publication::series::{Day, Frequency, MonthlyMode};
    use strum::VariantNames;
    &[
        family(
            field(
                "recurrence.frequency",
                "series-repeat",
                Widget::MaybeSelect(Frequency::VARIANTS),
            ),
            "series-repeat",
        ),
        field("recurrence.interval", "series-interval", Widget::Number),
        family(
            field(
                "recurrence.weekdays",
                "series-weekdays",
                Widget::Choices(Day::VARIANTS),
            ),
            "series-day",
        ),
        family(
            field(
                "recurrence.monthly",
                "series-monthly-mode",
                Widget::Select(MonthlyMode::VARIANTS),
            ),
            "series-monthly-mode",
        ),
        field("recurrence.until", "series-until-label", Widget::Date),
        field("recurrence.count", "series-count-label", Widget::Number),
        field("recurrence.skip", "series-skip-label", Widget::Lines),
        field("recurrence.pause.from", "series-pause-from", Widget::Date),
        field("recurrence.pause.to", "series-pause-to", Widget::Date),
    ]
};

/// The `recurrence` a new event's form asks for: none unless a frequency is chosen.
pub(super) fn recurrence_of(values: &Values) -> Option<Value> {
    first_value(values, "recurrence.frequency").filter(|f| !f.trim().is_empty())?;
    let mut json = form_json(REPEAT_FIELDS, values, None);
    let mut recurrence = json.get_mut("recurrence")?.take();
    // An empty pause (neither date) is no pause; one date alone is named by validation.
    if recurrence["pause"]
        .as_object()
        .is_some_and(|p| p.is_empty())
    {
        recurrence.as_object_mut()?.remove("pause");
    }
    Some(recurrence)
}

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
            Widget::Choices(_) | Widget::Territories => Some(json!(typed)),
            Widget::Lines => typed.first().map(|v| json!(lines(v).collect::<Vec<_>>())),
            Widget::Links => typed.first().map(|v| {
                let links = lines(v).map(|line| match line.split_once(char::is_whitespace) {
                    Some((url, title)) => json!({"url": url, "title": title.trim()}),
                    None => json!({"url": line}),
                });
                Value::Array(links.collect())
            }),
            // "Other" without its URL stays in the draft, empty: validation names the field.
            Widget::Licence => match typed.first() {
                Some(&OTHER_LICENCE) => {
                    let other = first_value(values, &format!("{}_url", f.name));
                    Some(json!(other.map(str::trim).unwrap_or_default()))
                }
                other => other.map(|v| json!(v)),
            },
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

/// The lines of a text area that say something, trimmed.
fn lines(text: &str) -> impl Iterator<Item = &str> {
    text.lines().map(str::trim).filter(|l| !l.is_empty())
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
            (Widget::Licence, Value::String(url)) if !CC_LICENCES.contains(&url.as_str()) => {
                values.push((f.name.to_owned(), OTHER_LICENCE.to_owned()));
                values.push((format!("{}_url", f.name), url.clone()));
            }
            (Widget::Lines, Value::Array(list)) => {
                let lines: Vec<&str> = list.iter().filter_map(Value::as_str).collect();
                values.push((f.name.to_owned(), lines.join("\n")));
            }
            (Widget::Links, Value::Array(list)) => {
                let lines: Vec<String> = list
                    .iter()
                    .filter_map(|l| {
                        let url = l.get("url")?.as_str()?;
                        Some(match l.get("title").and_then(Value::as_str) {
                            Some(title) => format!("{url} {title}"),
                            None => url.to_owned(),
                        })
                    })
                    .collect();
                values.push((f.name.to_owned(), lines.join("\n")));
            }
            (Widget::Choices(_) | Widget::Territories, Value::Array(list)) => {
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
            // 30.0 km reads as it was typed: 30.
            (Widget::Number, Value::Number(n)) => {
                let shown = match n.as_f64() {
                    Some(x) if x.fract() == 0.0 && x.abs() < 1e15 => (x as i64).to_string(),
                    _ => n.to_string(),
                };
                values.push((f.name.to_owned(), shown));
            }
            (_, other) => values.push((f.name.to_owned(), other.to_string())),
        }
    }
    values
}

/// The form as the template draws it: each field with its value(s) and its error.
pub(in crate::pages) fn form_view(
    fields: &[Field],
    values: &Values,
    known: &Known,
    error: Option<(&str, &str)>,
) -> Vec<minijinja::Value> {
    let licences: Vec<(String, String)> = CC_LICENCES
        .iter()
        .map(|url| (url.to_string(), licence_label(url)))
        .collect();
    fields
        .iter()
        .map(|f| {
            let all: Vec<&str> = values
                .iter()
                .filter(|(k, _)| k == f.name)
                .map(|(_, v)| v.as_str())
                .collect();
            // Options named by the catalogue (`options`), or already named (`named`).
            let none: &[(String, String)] = &[];
            let (widget, options, named): (&str, &[&str], &[(String, String)]) = match f.widget {
                Widget::Text => ("text", &[], none),
                Widget::Textarea => ("textarea", &[], none),
                Widget::DateTime => ("datetime-local", &[], none),
                Widget::Date => ("date", &[], none),
                Widget::Number => ("number", &[], none),
                Widget::Url => ("url", &[], none),
                Widget::Checkbox => ("checkbox", &[], none),
                Widget::List => ("text", &[], none),
                Widget::Entries => ("entries", &[], none),
                Widget::Select(o) => ("select", o, none),
                Widget::MaybeSelect(o) => ("maybe-select", o, none),
                Widget::Choices(o) => ("choices", o, none),
                Widget::Lines => ("lines", &[], none),
                Widget::Links => ("links", &[], none),
                Widget::Licence => ("licence", &[], &licences),
                Widget::Territories => ("named-choices", &[], &known.territories),
                Widget::Event => ("named-select", &[], &known.events),
            };
            // What the publication names already stays offered, under its own name, even
            // when it is no longer known (a territory unfollowed since).
            let keeps_unknown = matches!(f.widget, Widget::Territories | Widget::Event);
            let unknown = all
                .iter()
                .filter(|_| keeps_unknown)
                .filter(|v| !named.iter().any(|(value, _)| value == *v))
                .map(|v| (v.to_string(), v.to_string()));
            let named: Vec<minijinja::Value> = named
                .iter()
                .cloned()
                .chain(unknown)
                .map(|(value, label)| context! { value, label })
                .collect();
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
                named,
                other => first_value(values, &format!("{}_url", f.name)).unwrap_or(""),
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
        // Links are on the form now: emptied, they go.
        assert_eq!(patch["links"], Value::Null);
        // The picture has its own fields, read apart.
        assert!(patch.get("image").is_none());
    }

    #[test]
    fn an_unparsable_number_stays_text_for_validation_to_name() {
        let draft = draft_of(PublicationKind::Event, &pairs(&[("capacity", "lots")]));
        assert_eq!(draft["capacity"], "lots");
    }

    #[test]
    fn lines_links_and_licences_become_their_json_and_back() {
        let values = pairs(&[
            ("title", "Kit"),
            ("type", "toolkit"),
            (
                "links",
                "https://example.org/a  Le guide\n\nhttps://example.org/b",
            ),
            ("license", OTHER_LICENCE),
            ("license_url", " https://www.gnu.org/licenses/fdl-1.3.html "),
            ("audience.age_groups", "12-17"),
        ]);
        let draft = draft_of(PublicationKind::Resource, &values);
        assert_eq!(
            draft["links"],
            json!([{"url": "https://example.org/a", "title": "Le guide"}, {"url": "https://example.org/b"}])
        );
        assert_eq!(
            draft["license"],
            "https://www.gnu.org/licenses/fdl-1.3.html"
        );
        assert_eq!(draft["audience"]["age_groups"], json!(["12-17"]));
        let without_url = draft_of(
            PublicationKind::Resource,
            &pairs(&[("title", "Kit"), ("license", OTHER_LICENCE)]),
        );
        assert_eq!(without_url["license"], "");
        let call = draft_of(
            PublicationKind::Call,
            &pairs(&[
                ("objectives", " Former\r\n\n Ouvrir "),
                ("scope.radius_km", "30"),
            ]),
        );
        assert_eq!(call["objectives"], json!(["Former", "Ouvrir"]));
        assert_eq!(call["scope"]["radius_km"], 30);
    }

    #[test]
    fn every_theme_offered_exists() {
        for t in THEMES {
            assert!(Theme::from_slug(t).is_some(), "{t}");
        }
    }
}
