//! Editors' pages: their territories, and forms to publish, edit, cancel and delete
//! events, resources and calls. A form's field names are the JSON paths of the API's
//! drafts, so the domain's validation names the field to mark, and forms and API share
//! one set of rules.

pub(super) mod answers;
mod dashboard;
pub(super) mod festivals;
mod fields;
pub(super) mod moving;
mod publication_form;
pub(crate) mod registrations;
pub(super) mod submissions;
mod upload;

pub(super) use dashboard::editable_territory;
pub use dashboard::{dashboard, mark_notices_seen, notices};
pub(super) use fields::{
    Field, Known, Values, Widget, family, field, form_json, form_view, required, values_of_json,
};
pub use publication_form::{create, delete, edit_form, new_form, update};
pub use upload::form_body_limit;
