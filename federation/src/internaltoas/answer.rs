//! An answer to a call as Rhizome sends it: a `Note` replying to the call, with what the
//! territory offers and how to reach it (`rhizome:offers`, `rhizome:contact`), carried by
//! an `Offer` (built in `activities::answer`).

use chrono::SecondsFormat;
use rhizome_node::answer::Answer;
use rhizome_node::markdown::escape;

use crate::Urls;
use crate::protocol::ObjectType;
use crate::protocol::outbound::AnswerNote;

/// The Note of `answer`, by the territory actor `author`, to the call `call_id` whose
/// territory is `call_actor` (its only addressee).
pub fn answer_note(
    urls: &Urls,
    answer: &Answer,
    author: &str,
    call_id: &str,
    call_actor: &str,
) -> AnswerNote {
    AnswerNote {
        id: urls.answer(answer.id),
        kind: ObjectType::Note,
        attributed_to: author.to_owned(),
        content: paragraphs(&answer.text.message),
        in_reply_to: call_id.to_owned(),
        offers: answer.text.offers.clone(),
        contact: answer.text.contact.clone(),
        to: vec![call_actor.to_owned()],
        published: answer.created_at.to_rfc3339_opts(SecondsFormat::Secs, true),
    }
}

/// Plain text as HTML: escaped, one paragraph per blank-line-separated block, line
/// breaks kept.
pub(crate) fn paragraphs(text: &str) -> String {
    text.split("\n\n")
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .map(|p| format!("<p>{}</p>", escape(p).replace('\n', "<br>")))
        .collect()
}

#[cfg(test)]
mod tests {
    #[test]
    fn text_becomes_escaped_paragraphs() {
        assert_eq!(
            super::paragraphs("Hello <b>\nthere\n\n\nbye"),
            "<p>Hello &lt;b&gt;<br>there</p><p>bye</p>"
        );
    }
}
