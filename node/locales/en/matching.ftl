## Matching needs with offers
matching-offers-for-need = Offers that could answer this need
matching-needs-for-offer = Needs this offer could serve
matching-none = No suggestion for now.
matching-reason-concepts = In common: { $concepts }
matching-reason-distance = { $km } km away
matching-reason-themes = Shared themes: { $themes }
matching-reason-other-language = Written in another language
