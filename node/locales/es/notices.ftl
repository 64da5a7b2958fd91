# Lo que se dice a los editores de una convocatoria cuando una nueva publicación le corresponde.
notices-title = Nuevas coincidencias
notice-match = Podría responder a su convocatoria:
notices-unseen = { $count ->
    [0] nada nuevo
    [one] una nueva
   *[other] { $count } nuevas
}
notice-new = Nueva
notices-all = Todas las coincidencias
notices-mark-seen = Marcar como vistas
notices-none = Todavía no hay coincidencias.
