## Cuentas: invitaciones, restablecimiento y cambio de contraseña

account-username-hint = De 1 a 64 caracteres: minúsculas a-z, cifras, «.», «-» o «_».
account-password-hint = Al menos 10 caracteres; una frase es más fácil de recordar.
account-new-password = Nueva contraseña
account-confirm-password = Nueva contraseña, otra vez
account-current-password = Contraseña actual
account-username-invalid = Este nombre no es válido: de 1 a 64 caracteres entre a-z, 0-9, «.», «-» y «_».
account-username-taken = Este nombre ya está en uso. Elija otro.
account-password-short = La contraseña debe tener al menos 10 caracteres.
account-password-long = La contraseña es demasiado larga (1024 bytes como máximo).
account-password-mismatch = Las dos contraseñas no coinciden.
account-password-wrong = Esta no es su contraseña actual.
account-password-changed = Contraseña cambiada. Se han cerrado sus otras sesiones.

link-unknown = Este enlace no existe. Compruebe que se ha copiado entero.
link-gone = Este enlace ya se ha usado o ha caducado. Pida uno nuevo a quien administra el nodo.

invite-title = Crear su cuenta
invite-to-join = Ha recibido una invitación para unirse a { $node }.
invite-to-edit = Ha recibido una invitación para publicar en nombre de { $name }.
invite-as-admin = También administrará este nodo.
invite-submit = Crear mi cuenta

reset-title = Elegir una nueva contraseña
reset-for = Para la cuenta { $name }.
reset-submit = Guardar la contraseña
reset-sessions-end = Se cerrarán todas las sesiones abiertas con la contraseña anterior.

password-title = Cambiar de contraseña
password-submit = Cambiar la contraseña
password-other-sessions = Se cerrarán sus sesiones abiertas en otros dispositivos.

invitations-title = Invitaciones
invitations-intro = Una invitación es un enlace de un solo uso, válido durante { $days } días: quien lo abre elige su nombre y su contraseña.
invitations-territory = Territorio que editará
invitations-no-territory = Ninguno (miembro sin territorio)
invitations-admin = Administrador(a) del nodo
invitations-create = Crear un enlace de invitación
invitations-created = Este es el enlace, que solo se muestra una vez: envíelo a la persona invitada. Caduca en { $days } días.
invitations-cli = Desde la línea de comandos: rhizome admin invite --editor-of TERRITORIO
