## Inscripciones a eventos: lista de espera, decisiones de la organización, enlace de cancelación, correos

register-waitlisted = El evento está completo: está en la lista de espera. Le escribiremos en cuanto quede una plaza libre.
register-waitlist-hint = El evento está completo: al inscribirse, entra en la lista de espera.
registration-state-waitlisted = Lista de espera

reg-manage-link = Gestionar las inscripciones
reg-page-title = Inscripciones: { $event }
reg-summary = { $accepted } inscritas, { $pending } pendientes de decisión, { $waitlisted } en lista de espera.
reg-capacity = Plazas: { $capacity }
reg-capacity-none = Plazas: sin límite
reg-position = n.º { $position }
reg-decide = Decisión
reg-approve = Aceptar
reg-refuse = Rechazar
reg-refuse-confirm = ¿Rechazar esta inscripción? Se avisará a la persona.
reg-export = Exportar en CSV
reg-back = Volver al evento
reg-message-title = Escribir a todas las personas inscritas
reg-message-label = Su mensaje
reg-message-hint = Cada persona inscrita desde la página recibe un correo; cada cuenta del fediverso aceptada, un mensaje directo.
reg-message-submit = Enviar
reg-done-approved = Inscripción aceptada: se ha avisado a la persona.
reg-done-refused = Inscripción rechazada: se ha avisado a la persona.
reg-done-removed = Inscripción retirada.
reg-done-unchanged = Nada ha cambiado: esta inscripción ya estaba decidida.
reg-done-sent = Mensaje enviado.
reg-bad-decision = Decisión desconocida: elija aceptar o rechazar.
reg-message-empty = El mensaje está vacío.
reg-events = Inscripciones por evento
reg-events-none = Ningún evento próximo.

reg-cancel-title = Cancelar su inscripción
reg-cancel-text = { $name }, está inscrita o inscrito en «{ $event }». Puede cancelar: su plaza pasará a la siguiente persona de la lista de espera.
reg-cancel-submit = Cancelar mi inscripción
reg-cancel-done = Su inscripción en «{ $event }» está cancelada. Gracias por liberar su plaza.
reg-cancel-unknown = Este enlace de cancelación no es válido: ya se usó, o la inscripción ya no existe.

mail-registration-received-subject = Solicitud de inscripción recibida: { $event }
mail-registration-received-body =
    Hola, { $name }:

    Su solicitud de inscripción en «{ $event }» ({ $when }) ha llegado. La organización la confirmará; recibirá un correo.

    El evento: { $link }
    Para cancelar su solicitud: { $cancel }
mail-registration-confirmed-subject = Inscripción confirmada: { $event }
mail-registration-confirmed-body =
    Hola, { $name }:

    Su inscripción en «{ $event }» ({ $when }) está confirmada.

    El evento: { $link }
    Si ya no puede venir, cancele aquí para liberar su plaza: { $cancel }
mail-registration-refused-subject = Inscripción no aceptada: { $event }
mail-registration-refused-body =
    Hola, { $name }:

    La organización de «{ $event }» ({ $when }) no ha podido aceptar su inscripción. Lo sentimos.

    El evento: { $link }
mail-registration-promoted-subject = Hay una plaza libre: { $event }
mail-registration-promoted-body =
    Hola, { $name }:

    Ha quedado una plaza libre para «{ $event }» ({ $when }): es suya, su inscripción está confirmada.

    El evento: { $link }
    Si ya no puede venir, el enlace de cancelación de nuestro primer correo sigue funcionando.
mail-registration-waitlisted-subject = En lista de espera: { $event }
mail-registration-waitlisted-body =
    Hola, { $name }:

    «{ $event }» ({ $when }) está completo: está en la lista de espera. En cuanto quede una plaza libre, pasa a la primera persona de la lista y le escribimos.

    El evento: { $link }
    Para salir de la lista de espera: { $cancel }
mail-registration-reminder-subject = Es mañana: { $event }
mail-registration-reminder-body =
    Hola, { $name }:

    Un recordatorio: está inscrita o inscrito en «{ $event }», { $when }.

    El evento: { $link }
    Si ya no puede venir, el enlace de cancelación de nuestro primer correo libera su plaza.
mail-organiser-message-subject = Mensaje de la organización: { $event }
mail-organiser-message-body =
    Hola, { $name }:

    { $territory } le escribe sobre «{ $event }» ({ $when }):

    { $message }

    El evento: { $link }
