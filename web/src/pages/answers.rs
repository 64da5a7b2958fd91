//! Answers on the public pages: the answer form on a call's page (an editor chooses which
//! of their territories answers; a visitor gives a name and an address), the call's
//! partners, and a territory's partnerships.

use rhizome_node::answer::Refusal;

/// The catalogue key telling a person why their answer (or decision) was refused.
pub fn refusal_key(refusal: &Refusal) -> &'static str {
    match refusal {
        Refusal::CallClosed => "answer-refused-closed",
        Refusal::PastDeadline => "answer-refused-deadline",
        Refusal::AnsweredTwice => "answer-refused-twice",
        Refusal::AlreadyDecided => "answer-refused-decided",
        Refusal::OwnCall => "answer-refused-own-call",
        Refusal::Forged(_) => "answer-refused-forged",
    }
}
