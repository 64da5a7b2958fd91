## Management pages: followers, moderation, territory settings, federation

admin-territory-nav = Gestión de { $name }
admin-followers-title = Seguidores y suscripciones
admin-comments-title = Moderación de respuestas
admin-settings-title = Perfil del territorio
admin-since = desde el
admin-bad-form = Este formulario está incompleto.

admin-done-approved = Solicitud aceptada: se ha informado al seguidor.
admin-done-refused = Solicitud rechazada.
admin-done-followed = Solicitud de seguimiento enviada.
admin-done-unfollowed = Suscripción cancelada.
admin-done-hidden = Respuesta ocultada.
admin-done-saved = Perfil guardado.
admin-done-blocked = Dominio bloqueado.
admin-done-unblocked = Dominio desbloqueado.

## Followers
admin-pending-title = Solicitudes de seguimiento
admin-pending-automatic = Este territorio acepta automáticamente a sus seguidores; el perfil permite validarlos uno por uno.
admin-no-pending = No hay solicitudes pendientes.
admin-approve = Aceptar
admin-refuse = Rechazar
admin-no-such-follower = Esta solicitud de seguimiento ya no existe.
admin-accepted-title = Seguidores
admin-no-followers = Todavía no hay seguidores.
admin-following-title = Territorios seguidos
admin-no-following = Este territorio todavía no sigue a nadie.
admin-follow-state-pending = pendiente de aceptación
admin-follow-state-accepted = aceptado
admin-scope = Solo:
admin-unfollow = Dejar de seguir
admin-follow-title = Seguir otro territorio
admin-target = Dirección del territorio
admin-target-hint = Su identificador (@fablab@ejemplo.org) o la dirección de su página.
admin-target-required = Indique el identificador o la dirección del territorio que quiere seguir.
admin-target-not-found = Ningún territorio responde en esta dirección.
admin-target-unreachable = Este servidor no responde por ahora. Vuelva a intentarlo más tarde.
admin-scope-kinds = Recibir solo estos tipos de publicaciones
admin-scope-themes = Recibir solo estos temas
admin-scope-hint = Si no se marca ninguna casilla, se recibe todo.
admin-follow = Seguir

## Moderation
admin-comments-hint = Las últimas respuestas recibidas del fediverso a las publicaciones de este territorio. Una respuesta ocultada desaparece de la página pública, aunque se vuelva a enviar.
admin-comment-on = sobre
admin-hide = Ocultar
admin-no-comments = No hay respuestas que moderar.

## Settings
field-name = Nombre
field-languages = Idiomas
field-website = Sitio web
field-contact = Contacto
field-manually-approves = Validar a cada nuevo seguidor antes de aceptarlo

## Federation
admin-federation-title = Federación del nodo
admin-pending-deliveries = Envíos pendientes
admin-peers = Nodos pares
admin-peers-count = { $known } conocidos, { $verified } de ellos verificados
admin-servers-title = Servidores remotos
admin-server = Servidor
admin-queued = En cola
admin-last-success = Último envío correcto
admin-failures = Fallos consecutivos
admin-next-attempt = Próximo intento
admin-server-state = Estado
admin-never = nunca
admin-server-dead = inaccesible
admin-server-failing = con problemas
admin-server-ok = normal
admin-no-servers = Todavía no hay intercambios con otros servidores.
admin-blocks-title = Dominios bloqueados
admin-no-blocks = Ningún dominio bloqueado.
admin-unblock = Desbloquear
admin-block-configured = (archivo de configuración)
admin-block-title = Bloquear un dominio
admin-domain = Dominio
admin-reason = Motivo (opcional)
admin-block = Bloquear
admin-bad-domain = Indique un nombre de dominio, por ejemplo spam.ejemplo.
