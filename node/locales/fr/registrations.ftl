## Inscriptions aux événements : liste d'attente, décisions des organisateurs, lien d'annulation, courriels

register-waitlisted = L'événement est complet : vous êtes sur la liste d'attente. Nous vous écrirons dès qu'une place se libère.
register-waitlist-hint = L'événement est complet : en vous inscrivant, vous rejoignez la liste d'attente.
registration-state-waitlisted = Liste d'attente

reg-manage-link = Gérer les inscriptions
reg-page-title = Inscriptions : { $event }
reg-summary = { $accepted } inscrit·es, { $pending } en attente de décision, { $waitlisted } sur liste d'attente.
reg-capacity = Places : { $capacity }
reg-capacity-none = Places : sans limite
reg-position = n° { $position }
reg-decide = Décision
reg-approve = Accepter
reg-refuse = Refuser
reg-refuse-confirm = Refuser cette inscription ? La personne en sera prévenue.
reg-export = Exporter en CSV
reg-back = Revenir à l'événement
reg-message-title = Écrire à toutes les personnes inscrites
reg-message-label = Votre message
reg-message-hint = Chaque personne inscrite depuis la page reçoit un courriel ; chaque compte du fédivers accepté, un message direct.
reg-message-submit = Envoyer
reg-done-approved = Inscription acceptée : la personne en est prévenue.
reg-done-refused = Inscription refusée : la personne en est prévenue.
reg-done-removed = Inscription retirée.
reg-done-unchanged = Rien n'a changé : cette inscription était déjà décidée.
reg-done-sent = Message envoyé.
reg-bad-decision = Décision inconnue : choisissez accepter ou refuser.
reg-message-empty = Le message est vide.
reg-events = Inscriptions par événement
reg-events-none = Aucun événement à venir.

reg-cancel-title = Annuler votre inscription
reg-cancel-text = { $name }, vous êtes inscrit·e à « { $event } ». Vous pouvez annuler : votre place reviendra à la personne suivante sur la liste d'attente.
reg-cancel-submit = Annuler mon inscription
reg-cancel-done = Votre inscription à « { $event } » est annulée. Merci d'avoir libéré votre place.
reg-cancel-unknown = Ce lien d'annulation n'est pas valable : il a déjà servi, ou l'inscription n'existe plus.

mail-registration-received-subject = Demande d'inscription reçue : { $event }
mail-registration-received-body =
    Bonjour { $name },

    Votre demande d'inscription à « { $event } » ({ $when }) est bien arrivée. Les organisateurs vont la confirmer ; vous recevrez un courriel.

    L'événement : { $link }
    Pour annuler votre demande : { $cancel }
mail-registration-confirmed-subject = Inscription confirmée : { $event }
mail-registration-confirmed-body =
    Bonjour { $name },

    Votre inscription à « { $event } » ({ $when }) est confirmée.

    L'événement : { $link }
    Si vous ne pouvez plus venir, annulez ici pour libérer votre place : { $cancel }
mail-registration-refused-subject = Inscription non retenue : { $event }
mail-registration-refused-body =
    Bonjour { $name },

    Les organisateurs de « { $event } » ({ $when }) n'ont pas pu retenir votre inscription. Nous en sommes désolés.

    L'événement : { $link }
mail-registration-promoted-subject = Une place s'est libérée : { $event }
mail-registration-promoted-body =
    Bonjour { $name },

    Une place s'est libérée pour « { $event } » ({ $when }) : elle est à vous, votre inscription est confirmée.

    L'événement : { $link }
    Si vous ne pouvez plus venir, le lien d'annulation de notre premier courriel fonctionne toujours.
mail-registration-waitlisted-subject = Sur liste d'attente : { $event }
mail-registration-waitlisted-body =
    Bonjour { $name },

    « { $event } » ({ $when }) est complet : vous êtes sur la liste d'attente. Dès qu'une place se libère, elle revient à la première personne de la liste et nous vous écrivons.

    L'événement : { $link }
    Pour quitter la liste d'attente : { $cancel }
mail-registration-reminder-subject = C'est demain : { $event }
mail-registration-reminder-body =
    Bonjour { $name },

    Petit rappel : vous êtes inscrit·e à « { $event } », { $when }.

    L'événement : { $link }
    Si vous ne pouvez plus venir, le lien d'annulation de notre premier courriel libère votre place.
mail-organiser-message-subject = Message des organisateurs : { $event }
mail-organiser-message-body =
    Bonjour { $name },

    { $territory } vous écrit au sujet de « { $event } » ({ $when }) :

    { $message }

    L'événement : { $link }
