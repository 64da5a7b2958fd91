# Lo que se dice a los editores de una convocatoria cuando una nueva publicación le corresponde.
notices-title = Nuevas coincidencias
notice-match = Podría responder a su convocatoria:
