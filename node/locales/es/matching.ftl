## Emparejamiento de necesidades y ofertas
matching-offers-for-need = Ofertas que podrían responder a esta necesidad
matching-needs-for-offer = Necesidades que esta oferta podría atender
matching-none = Ninguna sugerencia por ahora.
matching-reason-concepts = En común: { $concepts }
matching-reason-distance = A { $km } km
matching-reason-themes = Temas compartidos: { $themes }
matching-reason-other-language = Escrito en otro idioma
