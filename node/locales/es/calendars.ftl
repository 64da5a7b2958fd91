## Calendarios importados (sección de la página de ajustes de un territorio)
calendars-title = Calendarios importados
calendars-lead = Suscribe este territorio a un calendario externo (ICS de Nextcloud, Google, Outlook, Gancio, Mobilizon…): sus eventos se publican aquí y en el fediverso, y se actualizan cada { $interval } minutos. Un evento retirado del calendario también se elimina aquí.
calendars-mirror-wins = El calendario es la referencia: un evento importado que se modifique aquí recupera su versión del calendario en la siguiente importación. Modifícalo en el calendario de origen.
calendars-none = Todavía no hay ningún calendario.
calendars-url = Dirección del calendario (https:// o webcal://)
calendars-add = Suscribirse al calendario
calendars-fetch-now = Consultar ahora
calendars-remove = { $count ->
    [0] Quitar este calendario
    [one] Quitar este calendario (se eliminará su evento)
   *[other] Quitar este calendario (se eliminarán sus { $count } eventos)
}
calendars-last-fetch = Última consulta
calendars-never = nunca
calendars-mirrored = Eventos importados
calendars-last-result = Último resultado
calendars-last-error = Último error
calendars-nothing-changed = No se ha modificado nada de lo que se había importado.
calendars-report = { $read } eventos leídos: { $created } creados, { $updated } actualizados, { $unchanged } sin cambios, { $deleted } eliminados.
calendars-report-malformed = { $count } eventos ilegibles ignorados.
calendars-report-refused = { $count } eventos rechazados por las reglas de publicación.
calendars-report-over-cap = { $count } eventos descartados: 2000 como máximo por calendario.
calendars-report-outside-window = { $count } eventos fuera del periodo importado (de los últimos 30 días a los próximos tres meses).
calendars-report-recurrences-bounded = { $count } recurrencias sin fin limitadas a los próximos tres meses.
calendars-report-zone-fallbacks = { $count } horas en una zona horaria desconocida ({ $zones }), leídas en la zona del calendario o del territorio.
calendars-report-deletions-held = Había eventos ilegibles: no se ha eliminado nada.
calendars-upload-title = Importar un archivo .ics
calendars-upload-lead = Una sola vez, sin suscripción: sus eventos se añaden o se actualizan, ninguno se elimina. { $mib } MiB como máximo.
calendars-file = Archivo .ics
calendars-import = Importar
calendars-file-missing = Elige un archivo .ics para importar.
calendars-mirrored-from = Este evento se importa del calendario { $url }: tus cambios se sustituirán en la próxima consulta. Modifícalo en el calendario de origen.
calendars-mirrored-from-file = Este evento se importó de un archivo .ics: volver a importarlo sustituirá tus cambios.
calendars-error-not-calendar = No es un archivo iCalendar (¿una página HTML, quizá una página de inicio de sesión?).
calendars-error-too-large = El calendario es demasiado grande.
calendars-error-not-text = El calendario no es texto UTF-8.
calendars-error-refused-address = Este nodo no consulta esta dirección (dirección privada, dirección IP, puerto o http).
calendars-error-status = El servidor del calendario respondió con un error.
calendars-error-unreachable = El servidor del calendario no responde o es demasiado lento.
calendars-error-invalid = El servidor del calendario respondió algo ilegible.
calendars-error-forbidden = La persona que añadió este calendario ya no puede publicar para este territorio: vuelve a añadirlo.
calendars-error-import = La importación ha fallado.
calendars-error-busy = Este calendario ya se está consultando.
admin-done-calendar-added = Calendario añadido y consultado.
admin-done-calendar-removed = Calendario quitado.
admin-done-calendar-fetched = Calendario consultado.
admin-done-calendar-imported = Archivo importado.
rule-needs-a-calendar-address = indica la dirección de un calendario
rule-is-not-a-calendar-address = no es la dirección de un calendario
rule-this-territory-already-has-this-calendar = este territorio ya está suscrito a este calendario
