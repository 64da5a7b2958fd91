## Management pages: followers, moderation, territory settings, federation

admin-territory-nav = Gestion de { $name }
admin-followers-title = Abonnés et abonnements
admin-comments-title = Modération des réponses
admin-settings-title = Profil du territoire
admin-since = depuis le
admin-bad-form = Ce formulaire est incomplet.

admin-done-approved = Demande acceptée : l'abonné en est informé.
admin-done-refused = Demande refusée.
admin-done-followed = Demande d'abonnement envoyée.
admin-done-unfollowed = Abonnement arrêté.
admin-done-hidden = Réponse masquée.
admin-done-saved = Profil enregistré.
admin-done-blocked = Domaine bloqué.
admin-done-unblocked = Domaine débloqué.

## Followers
admin-pending-title = Demandes d'abonnement
admin-pending-automatic = Ce territoire accepte automatiquement ses abonnés ; le profil permet de les valider un par un.
admin-no-pending = Aucune demande en attente.
admin-approve = Accepter
admin-refuse = Refuser
admin-no-such-follower = Cette demande d'abonnement n'existe plus.
admin-accepted-title = Abonnés
admin-no-followers = Aucun abonné pour l'instant.
admin-following-title = Territoires suivis
admin-no-following = Ce territoire ne suit encore personne.
admin-follow-state-pending = en attente d'acceptation
admin-follow-state-accepted = accepté
admin-scope = Seulement :
admin-unfollow = Ne plus suivre
admin-follow-title = Suivre un autre territoire
admin-target = Adresse du territoire
admin-target-hint = Son identifiant (@fablab@exemple.org) ou l'adresse de sa page.
admin-target-required = Indiquez l'identifiant ou l'adresse du territoire à suivre.
admin-target-not-found = Aucun territoire ne répond à cette adresse.
admin-target-unreachable = Ce serveur ne répond pas pour l'instant. Réessayez plus tard.
admin-scope-kinds = Ne recevoir que ces types de publications
admin-scope-themes = Ne recevoir que ces thèmes
admin-scope-hint = Sans case cochée, tout est reçu.
admin-follow = Suivre

## Moderation
admin-comments-hint = Les dernières réponses reçues du fédivers sur les publications de ce territoire. Une réponse masquée disparaît de la page publique, même si elle est envoyée à nouveau.
admin-comment-on = sur
admin-hide = Masquer
admin-no-comments = Aucune réponse à modérer.

## Settings
field-name = Nom
field-languages = Langues
field-website = Site web
field-contact = Contact
field-manually-approves = Valider chaque nouvel abonné avant de l'accepter

## Federation
admin-federation-title = Fédération du nœud
admin-pending-deliveries = Envois en attente
admin-peers = Nœuds pairs
admin-peers-count = { $known } connus, dont { $verified } vérifiés
admin-servers-title = Serveurs distants
admin-server = Serveur
admin-queued = En file
admin-last-success = Dernier envoi réussi
admin-failures = Échecs consécutifs
admin-next-attempt = Prochain essai
admin-server-state = État
admin-never = jamais
admin-server-dead = injoignable
admin-server-failing = en difficulté
admin-server-ok = normal
admin-no-servers = Aucun échange avec d'autres serveurs pour l'instant.
admin-blocks-title = Domaines bloqués
admin-no-blocks = Aucun domaine bloqué.
admin-unblock = Débloquer
admin-block-configured = (fichier de configuration)
admin-block-title = Bloquer un domaine
admin-domain = Domaine
admin-reason = Motif (facultatif)
admin-block = Bloquer
admin-bad-domain = Indiquez un nom de domaine, par exemple spam.exemple.
