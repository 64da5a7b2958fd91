## E-mail: letters the node sends (node/src/mail/); subject and body of each kind

mail-new-registration-subject = Nueva inscripción: { $event }
mail-new-registration-body =
    Hola:

    { $name } se ha inscrito en «{ $event }» ({ $territory }).

    Ver las inscripciones: { $link }

    — Rhizome
mail-follow-request-subject = Solicitud de seguimiento de { $territory }
mail-follow-request-body =
    Hola:

    { $actor } pide seguir a { $territory }. La solicitud espera su decisión.

    Aceptarla o rechazarla: { $link }

    — Rhizome
mail-new-answer-subject = Nueva respuesta a su convocatoria «{ $call }»
mail-new-answer-body =
    Hola:

    { $from } ha respondido a la convocatoria «{ $call }» de { $territory }:

    { $message }

    Leerla y decidir: { $link }

    — Rhizome
mail-new-match-subject =
    { $count ->
        [one] Una nueva coincidencia para las convocatorias de { $territory }
       *[other] { $count } nuevas coincidencias para las convocatorias de { $territory }
    }
mail-new-match-body =
    Hola:

    Nuevas publicaciones podrían responder a las convocatorias de { $territory }:

    { $matches }

    Verlas: { $link }

    — Rhizome
mail-digest-subject =
    { $count ->
        [one] Su resumen del día: una novedad
       *[other] Su resumen del día: { $count } novedades
    }
mail-digest-body =
    Hola:

    Estas son las novedades de sus territorios desde el último resumen.

    { $news }


    Gestionar sus territorios: { $link }
    (Recibe un resumen al día; puede cambiarlo en la página de su cuenta.)

    — Rhizome
mail-answer-accepted-subject = Su respuesta a «{ $call }» ha sido aceptada
mail-answer-accepted-body =
    Hola, { $name }:

    { $territory } ha aceptado su respuesta a la convocatoria «{ $call }». El equipo se pondrá en contacto con usted en esta dirección.

    La convocatoria: { $link }

    — Rhizome
mail-answer-declined-subject = Su respuesta a «{ $call }»
mail-answer-declined-body =
    Hola, { $name }:

    Gracias por su respuesta a la convocatoria «{ $call }». { $territory } no la ha retenido esta vez.

    La convocatoria: { $link }

    — Rhizome
mail-invitation-subject = Invitación a unirse a { $node }
mail-invitation-body =
    Hola:

    Le invitan a crear su cuenta en { $node }. Abra este enlace para elegir su nombre y su contraseña:

    { $link }

    El enlace sirve una sola vez y es válido durante { $days } días.

    — Rhizome
mail-reset-link-subject = Elegir una nueva contraseña en { $node }
mail-reset-link-body =
    Hola, { $name }:

    Un administrador de { $node } le envía un enlace para elegir una nueva contraseña:

    { $link }

    El enlace sirve una sola vez y es válido durante { $hours } hora. Sus sesiones abiertas se cerrarán.

    — Rhizome

## Account page: the mail section

account-mail-title = Correo electrónico
account-mail-email = Dirección de correo
account-mail-email-hint = Déjela vacía para no recibir ningún correo.
account-mail-news = Novedades de sus territorios que desea recibir
account-mail-kind-new-registration = Nuevas inscripciones en sus eventos
account-mail-kind-follow-request = Solicitudes de seguimiento por aprobar
account-mail-kind-new-answer = Respuestas a sus convocatorias
account-mail-kind-new-match = Nuevas coincidencias para sus convocatorias
account-mail-digest = Reunirlo todo en un resumen al día
account-mail-save = Guardar
account-mail-saved = Sus preferencias de correo están guardadas.
account-mail-off = Este nodo aún no envía correos: sus preferencias se aplicarán en cuanto lo haga.
