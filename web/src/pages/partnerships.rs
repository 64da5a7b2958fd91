//! Partnerships between territories on the pages: a territory's partners on its page, and
//! the management page where its editors offer, accept, refuse and end partnerships.

use rhizome_node::partnership::PartnershipRefusal;

/// The catalogue key of a partnership refusal's message.
pub fn refusal_key(refusal: &PartnershipRefusal) -> &'static str {
    match refusal {
        PartnershipRefusal::OwnTerritory => "partnerships-refused-own-territory",
        PartnershipRefusal::AlreadyPartners => "partnerships-refused-already-partners",
        PartnershipRefusal::NotOffered => "partnerships-refused-not-offered",
        PartnershipRefusal::AlreadyDecided => "partnerships-refused-already-decided",
        PartnershipRefusal::AlreadyEnded => "partnerships-refused-already-ended",
    }
}
