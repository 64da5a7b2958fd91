## Appariement des besoins et des offres
matching-offers-for-need = Offres qui pourraient répondre à ce besoin
matching-needs-for-offer = Besoins que cette offre pourrait servir
matching-none = Aucune suggestion pour l'instant.
matching-reason-concepts = En commun : { $concepts }
matching-reason-distance = À { $km } km
matching-reason-themes = Thèmes partagés : { $themes }
matching-reason-other-language = Rédigé dans une autre langue
