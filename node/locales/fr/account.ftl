## Comptes : invitations, réinitialisation et changement du mot de passe

account-username-hint = De 1 à 64 caractères : minuscules a-z, chiffres, « . », « - » ou « _ ».
account-password-hint = Au moins 10 caractères ; une phrase est plus facile à retenir.
account-new-password = Nouveau mot de passe
account-confirm-password = Nouveau mot de passe, une seconde fois
account-current-password = Mot de passe actuel
account-username-invalid = Ce nom n'est pas valable : de 1 à 64 caractères parmi a-z, 0-9, « . », « - » et « _ ».
account-username-taken = Ce nom est déjà pris. Choisissez-en un autre.
account-password-short = Le mot de passe doit compter au moins 10 caractères.
account-password-long = Le mot de passe est trop long (1024 octets au plus).
account-password-mismatch = Les deux mots de passe ne sont pas identiques.
account-password-wrong = Ce n'est pas votre mot de passe actuel.
account-password-changed = Mot de passe changé. Vos autres sessions ont été fermées.

link-unknown = Ce lien n'existe pas. Vérifiez qu'il a été copié en entier.
link-gone = Ce lien a déjà servi ou a expiré. Demandez-en un nouveau à l'administrateur du nœud.

invite-title = Créer votre compte
invite-to-join = Vous êtes invité·e à rejoindre { $node }.
invite-to-edit = Vous êtes invité·e à publier pour { $name }.
invite-as-admin = Vous administrerez aussi ce nœud.
invite-submit = Créer mon compte

reset-title = Choisir un nouveau mot de passe
reset-for = Pour le compte { $name }.
reset-submit = Enregistrer le mot de passe
reset-sessions-end = Toutes les sessions ouvertes avec l'ancien mot de passe seront fermées.

password-title = Changer de mot de passe
password-submit = Changer le mot de passe
password-other-sessions = Vos sessions ouvertes sur d'autres appareils seront fermées.

invitations-title = Invitations
invitations-intro = Une invitation est un lien à usage unique, valable { $days } jours : la personne qui l'ouvre choisit son nom et son mot de passe.
invitations-territory = Territoire à éditer
invitations-no-territory = Aucun (membre sans territoire)
invitations-admin = Administrateur du nœud
invitations-create = Créer un lien d'invitation
invitations-created = Voici le lien, affiché une seule fois : transmettez-le à la personne invitée. Il expire dans { $days } jours.
invitations-cli = En ligne de commande : rhizome admin invite --editor-of TERRITOIRE
