## Frame
skip-to-content = Ir al contenido
nav-label = Navegación principal
nav-agenda = Agenda
nav-resources = Recursos
nav-calls = Convocatorias
nav-network = Red
nav-map = Mapa
nav-manage = Gestionar
language-switcher = Idioma
login = Iniciar sesión
logout = Cerrar sesión ({ $name })
footer = Rhizome en { $domain } · software libre federado
back-home = Volver a la página de inicio

## Errors
error-not-found = Esta página no existe.
error-no-territory = Este territorio no existe.
error-gone = Esta publicación ha sido eliminada.
error-internal = Se ha producido un error interno. Vuelva a intentarlo dentro de un momento.
error-forbidden = No tiene permiso para hacer esto.
error-csrf = Este formulario ha caducado o no procede de este sitio. Recargue la página y vuelva a empezar.

## Home and lists
home-lead = { $count ->
    [0] Todavía no se aloja aquí ningún territorio.
    [one] Un territorio aprendiz publica aquí sus eventos, recursos y convocatorias.
   *[other] { $count } territorios aprendices publican aquí sus eventos, recursos y convocatorias.
}
home-agenda = Próximos eventos
home-territories = Territorios en este nodo
home-resources = Últimos recursos
home-calls = Convocatorias de colaboración
see-agenda = Toda la agenda
see-map = Ver el mapa
ical-subscribe = Suscribirse al calendario (iCal)
atom-feed = Canal Atom
no-events = No hay eventos próximos.
no-resources = Todavía no hay recursos.
no-calls = No hay convocatorias abiertas.
no-territories = Todavía no hay territorios.
deadline = Hasta el { $date }
upcoming-events = Próximos eventos
past-events = Eventos pasados
followers = { $count ->
    [0] ningún seguidor
    [one] 1 seguidor
   *[other] { $count } seguidores
}

## Territory
follow-title = Seguir este territorio
follow-mastodon = Desde Mastodon o cualquier otra cuenta del fediverso, busque este nombre y sígalo:
copy = Copiar

## Publication
kind-event = Evento
kind-resource = Recurso
kind-call = Convocatoria
when = Cuándo
where = Dónde
online-link = Enlace para participar en línea
price = Precio
free = Gratuito
paid = De pago
capacity = Plazas
capacity-value = { $capacity } plazas
places-left = { $count ->
    [0] completo
    [one] queda 1 plaza
   *[other] quedan { $count } plazas
}
audience = Público
audience-everyone = Todos los públicos
open-map = Ver en OpenStreetMap
add-to-calendar = Añadir a mi calendario (.ics)
register-title = Inscripción
register-name = Su nombre
register-email = Su correo electrónico
register-privacy = Su dirección solo se comunica a la organización.
register-submit = Inscribirme
register-external = Inscribirse en el sitio de la organización
register-none = Entrada libre, sin inscripción.
register-closed = Las inscripciones están cerradas.
register-accepted = Hecho: su inscripción está registrada.
register-pending = Solicitud recibida: la organización la confirmará.
register-full = Lo sentimos, el evento está completo.
register-name-invalid = Indique su nombre (100 caracteres como máximo).
register-email-invalid = Esta dirección de correo electrónico no parece válida.
register-email-taken = Esta dirección ya está inscrita en este evento.
register-too-many = Demasiadas inscripciones desde su conexión. Inténtelo de nuevo en unos minutos.
share = Compartir
share-link = Enlace a esta página
share-fediverse = Pegue este enlace en la búsqueda de Mastodon para encontrarlo, compartirlo o responder.
comments-title = Respuestas del fediverso
no-comments = Todavía no hay respuestas.
editor-actions = Acciones de edición
edit = Modificar
delete = Eliminar
delete-confirm = ¿Eliminar definitivamente esta publicación?

## Account
login-title = Acceso para editores
username = Nombre de usuario
password = Contraseña
login-help = ¿Todavía no tiene cuenta? Quien administra el nodo puede crearle una.
login-wrong = Nombre de usuario o contraseña incorrectos.
login-too-many = Demasiados intentos. Vuelva a intentarlo dentro de unos minutos.
login-too-many-wait = Demasiados intentos. Vuelva a intentarlo dentro de { $minutes ->
    [one] un minuto
   *[other] { $minutes } minutos
}.

## Manage
manage-title = Mis territorios
manage-no-territory = Por ahora no edita ningún territorio.
manage-nothing-yet = Todavía no se ha publicado nada.
manage-publications = Publicaciones de { $name }
manage-kind = Tipo
manage-actions = Acciones
new-event = Nuevo evento
new-resource = Nuevo recurso
new-call = Nueva convocatoria
form-title-event = Evento
form-title-resource = Recurso
form-title-call = Convocatoria de colaboración
form-has-error = El formulario contiene un error:
save = Guardar
cancel = Cancelar
markdown-hint = Formato Markdown: **negrita**, *cursiva*, [enlace](https://…), listas con «- ».
timezone-hint = Zona horaria IANA, por ejemplo Europe/Paris.
tags-hint = Separadas por comas.
field-title = Título
field-starts-at = Inicio
field-ends-at = Fin
field-timezone = Zona horaria
field-description = Descripción
field-format = Formato
field-place-name = Lugar
field-place-address = Dirección
field-latitude = Latitud
field-longitude = Longitud
field-online-url = Enlace en línea
field-free = Gratuito
field-price = Precio
field-capacity = Número de plazas
field-registration = Inscripción
field-registration-url = Enlace de inscripción externo
field-themes = Temas
field-tags = Palabras clave
field-language = Idioma
field-status = Estado
field-resource-type = Tipo de recurso
field-summary = Resumen
field-body = Contenido
field-call-type = Tipo de convocatoria
field-deadline = Fecha límite

## Fixed values
format-on_site = Presencial
format-online = En línea
format-hybrid = Presencial y en línea
registration-none = Sin inscripción
registration-open = Inscripción en esta página
registration-approval = Inscripción validada por la organización
registration-external = Inscripción en otro sitio
status-scheduled = Previsto
status-postponed = Aplazado
status-cancelled = Cancelado
call-status-open = Abierta
call-status-in_progress = En curso
call-status-closed = Cerrada
call-type-need = Necesidad
call-type-offer = Oferta
call-type-partners = Búsqueda de socios
call-type-project = Proyecto
resource-type-guide = Guía
resource-type-recording = Grabación
resource-type-proceedings = Actas
resource-type-toolkit = Caja de herramientas
resource-type-dataset = Datos
resource-type-lessons_learned = Lecciones aprendidas
resource-type-course = Formación
resource-type-other = Otro
theme-climate = Clima y medio ambiente
theme-mobility = Movilidad
theme-food_health = Alimentación y salud
theme-urban_life = Vida urbana y ciudadanía
theme-social_economy = Economía social y solidaria
theme-culture = Artes y cultura
theme-science_digital = Ciencia y tecnología digital
territory-kind-learning_territory = Territorio aprendiz
territory-kind-learning_city = Ciudad del aprendizaje
territory-kind-tiers_lieu = Tercer lugar
territory-kind-living_lab = Living lab
territory-kind-fablab = Fablab
territory-kind-educational_city = Ciudad educadora
territory-kind-association = Asociación
territory-kind-network = Red
language-fr = Francés
language-en = Inglés
language-es = Español
language-de = Alemán
language-it = Italiano
language-ar = Árabe
age-0-6 = 0-6 años
age-6-11 = 6-11 años
age-12-17 = 12-17 años
age-18-25 = 18-25 años
age-adults = Adultos
age-seniors = Personas mayores

## Network lists, directory and map
filters = Filtrar
filter-words = Palabras
filter-any = Todos
filter-kind = Tipo de lugar
filter-territory = Territorio (@nombre@nodo)
filter-from = Desde el
filter-to = Hasta el
filter-near = Alrededor de un punto
filter-km = Radio (km)
filter-apply = Aplicar
filter-clear = Borrar todo
filter-bad-near = Para buscar alrededor de un punto, indique la latitud, la longitud y un radio en km.
filter-bad-date = Fecha no válida: use el formato AAAA-MM-DD.
list-title-event = Agenda de la red
list-title-resource = Recursos de la red
list-title-call = Convocatorias de colaboración
list-lead = Lo que publican los territorios de este nodo y los que estos siguen.
list-empty = Por ahora no hay resultados.
from-remote = de { $name } ({ $node })
pager = Páginas
pager-previous = ← Anteriores
pager-next = Siguientes →
network-title = Directorio de la red
network-lead = { $count ->
    [0] No se ha encontrado ningún territorio.
    [one] Un territorio encontrado, aquí o en los nodos pares verificados.
   *[other] { $count } territorios, aquí y en los nodos pares verificados.
}
network-empty = Ningún territorio coincide.
distance-km = a { $km } km
map-title = Mapa de territorios y eventos
map-needs-js = El mapa interactivo necesita JavaScript; la lista de abajo contiene los mismos lugares.
map-list = Los lugares del mapa

## Registrations, for organisers
registrations-title = { $count ->
    [0] Inscripciones
    [one] 1 inscripción
   *[other] { $count } inscripciones
}
registrations-none = Todavía no se ha inscrito nadie.
registrations-name = Nombre
registrations-contact = Contacto
registrations-state = Estado
registrations-remove = Quitar
registrations-remove-confirm = ¿Quitar esta inscripción? Su plaza queda libre.
registrations-at = Recibida el
registration-state-accepted = Aceptada
registration-state-pending = Pendiente
registration-state-rejected = Rechazada

## Validation rules (from the domain), by their words
rule-other = Este valor no se acepta ({ $rule }).
rule-max-characters = { $max } caracteres como máximo
rule-must-not-be-empty = no puede estar vacío
rule-must-be-an-http-or-https-url = debe ser una dirección web (http o https)
rule-must-be-after-starts-at = debe ser posterior al inicio
rule-is-required-for-an-on-site-or-hybrid-event = es obligatorio para un evento presencial o híbrido
rule-is-required-for-an-online-or-hybrid-event = es obligatorio para un evento en línea o híbrido
rule-must-be-at-least-1-when-given = debe ser al menos 1
rule-is-required-for-external-registration = es obligatorio para una inscripción en otro sitio
rule-must-be-between-90-and-90 = debe estar entre -90 y 90
rule-must-be-between-180-and-180 = debe estar entre -180 y 180
rule-is-required-when-latitude-is-given = es obligatoria cuando se indica la latitud
rule-is-required-when-longitude-is-given = es obligatoria cuando se indica la longitud
rule-must-be-between-0-and-20000 = debe estar entre 0 y 20000
rule-must-be-at-least-10-characters = debe tener al menos 10 caracteres
rule-unknown-timezone = Zona horaria desconocida: use un nombre IANA como Europe/Paris.
rule-invalid-type = Valor de tipo incorrecto (¿se esperaba un número?).
rule-must-be-a-language-code-such-as-fr-or-pt-br = debe ser un código de idioma como «fr» o «pt-BR»
rule-an-event-may-last-at-most-366-days = un evento dura como máximo 366 días

## Reports from other servers
reports-title = { $count ->
    [0] Denuncias
    [one] 1 denuncia por tratar
   *[other] { $count } denuncias por tratar
}
reports-none = No hay denuncias por tratar.
report-from = Denuncia enviada desde { $host }
report-resolve = Marcar como tratada
admin-done-resolved = Denuncia tratada.
rule-must-not-be-in-the-past = ya ha pasado: compruebe la fecha
rule-must-be-on-one-line-without-line-breaks-or-tabs = debe caber en una línea (sin saltos de línea ni tabulaciones)
rule-must-not-contain-control-characters = no debe contener caracteres de control (caracteres invisibles como NUL)
rule-must-be-between-the-years-1900-and-2200 = debe estar entre los años 1900 y 2200
hide-remote = Ocultar en este nodo
hide-remote-confirm = ¿Retirar esta publicación de las vistas de este nodo? No volverá a aparecer.
preview = Vista previa
preview-notice = Vista previa: todavía no se ha publicado nada. Guarde para publicar.

## Node settings
node-settings-title = Ajustes del nodo
node-settings-name = Nombre del nodo
node-settings-name-hint = Vacío: «{ $default }», el nombre indicado en el archivo de configuración.
node-settings-about = Presentación (página de inicio)
node-settings-config = El dominio, la base de datos, el modo hub, los pares iniciales y el servidor de teselas se configuran en el archivo de configuración (véase el README).
