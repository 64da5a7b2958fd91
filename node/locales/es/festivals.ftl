# Festivales y colecciones (rama festivals).
festival-dates = Del { $starts } al { $ends }
festival-collection = Colección
festival-count-events = { $count ->
    [one] evento
   *[other] eventos
}
festival-count-territories = { $count ->
    [one] territorio
   *[other] territorios
}
festival-count-places = { $count ->
    [one] plaza ofrecida
   *[other] plazas ofrecidas
}
festival-follow = Sigue este festival desde Mastodon o cualquier cuenta del fediverso: cada evento aceptado aparece en tu cronología.
festival-widget = Widget para insertar
festival-programme = Programa
festival-map = Mapa de los eventos
festival-empty = Aún no hay ningún evento aceptado.
festival-submissions = Propuestas
festival-accept = Aceptar
festival-refuse = Rechazar
festival-submit = Proponer a un festival
festival-submit-target = Festival o colección (su nombre aquí, o @nombre@nodo en otro lugar)
festival-state-pending = pendiente
festival-state-accepted = aceptado
festival-state-refused = rechazado
festival-state-withdrawn = retirado
festival-withdraw = Retirar
festival-no-submissions = Aún no hay propuestas.
festival-submit-publication = Publicación
festival-nothing-to-submit = Publica primero un evento.
festival-submit-refused = Esta propuesta no es admisible (perímetro, fechas, tipo o festival desconocido).
festival-bad-decision = Decisión desconocida.
festival-done-accepted = Propuesta aceptada.
festival-done-refused = Propuesta rechazada.
festival-done-submitted = Propuesta enviada.
festival-done-withdrawn = Propuesta retirada.
festival-follow-title = Seguir este festival
festival-admin-title = Festivales y colecciones
festival-new = Nuevo festival o colección
festival-field-name = Nombre
festival-field-slug = Identificador (@identificador@nodo)
festival-field-description = Descripción
festival-field-role = Tipo
festival-role-festival = Festival
festival-field-starts = Primer día
festival-field-ends = Último día
festival-field-perimeter = Quién puede proponer
festival-perimeter-open = Todos los territorios
festival-perimeter-territories = Estos territorios (identificadores o direcciones, separados por comas)
festival-perimeter-region = Los eventos de una región
festival-field-latitude = Latitud
festival-field-longitude = Longitud
festival-field-radius = Radio (km)
festival-field-auto-accept = Aceptar sin esperar lo que está dentro del perímetro
festival-field-curators = Curadores (nombres de usuario, separados por comas)
festival-create = Crear
