## E-mail: letters the node sends (node/src/mail/); subject and body of each kind

mail-new-registration-subject = Nouvelle inscription : { $event }
mail-new-registration-body =
    Bonjour,

    { $name } s'est inscrit·e à « { $event } » ({ $territory }).

    Voir les inscriptions : { $link }

    — Rhizome
mail-follow-request-subject = Demande d'abonnement à { $territory }
mail-follow-request-body =
    Bonjour,

    { $actor } demande à suivre { $territory }. La demande attend votre décision.

    Accepter ou refuser : { $link }

    — Rhizome
mail-new-answer-subject = Nouvelle réponse à votre appel « { $call } »
mail-new-answer-body =
    Bonjour,

    { $from } a répondu à l'appel « { $call } » de { $territory } :

    { $message }

    Lire et décider : { $link }

    — Rhizome
mail-new-match-subject =
    { $count ->
        [one] Une nouvelle piste pour les appels de { $territory }
       *[other] { $count } nouvelles pistes pour les appels de { $territory }
    }
mail-new-match-body =
    Bonjour,

    De nouvelles publications pourraient répondre aux appels de { $territory } :

    { $matches }

    Les voir : { $link }

    — Rhizome
mail-digest-subject =
    { $count ->
        [one] Votre résumé du jour : une nouvelle
       *[other] Votre résumé du jour : { $count } nouvelles
    }
mail-digest-body =
    Bonjour,

    Voici les nouvelles de vos territoires depuis le dernier résumé.

    { $news }


    Gérer vos territoires : { $link }
    (Vous recevez un résumé par jour ; changez ce choix sur la page de votre compte.)

    — Rhizome
mail-answer-accepted-subject = Votre réponse à « { $call } » est acceptée
mail-answer-accepted-body =
    Bonjour { $name },

    { $territory } a accepté votre réponse à l'appel « { $call } ». L'équipe vous contactera à cette adresse.

    L'appel : { $link }

    — Rhizome
mail-answer-declined-subject = Votre réponse à « { $call } »
mail-answer-declined-body =
    Bonjour { $name },

    Merci pour votre réponse à l'appel « { $call } ». { $territory } ne l'a pas retenue cette fois.

    L'appel : { $link }

    — Rhizome
mail-invitation-subject = Invitation à rejoindre { $node }
mail-invitation-body =
    Bonjour,

    Vous êtes invité·e à créer votre compte sur { $node }. Ouvrez ce lien pour choisir votre nom et votre mot de passe :

    { $link }

    Le lien ne sert qu'une fois et reste valable { $days } jours.

    — Rhizome
mail-reset-link-subject = Choisir un nouveau mot de passe sur { $node }
mail-reset-link-body =
    Bonjour { $name },

    Un administrateur de { $node } vous envoie un lien pour choisir un nouveau mot de passe :

    { $link }

    Le lien ne sert qu'une fois et reste valable { $hours } heure. Vos sessions ouvertes seront fermées.

    — Rhizome

## Account page: the mail section

account-mail-title = Courriel
account-mail-email = Adresse électronique
account-mail-email-hint = Laissez vide pour ne recevoir aucun courriel.
account-mail-news = Nouvelles de vos territoires à recevoir
account-mail-kind-new-registration = Nouvelles inscriptions à vos événements
account-mail-kind-follow-request = Demandes d'abonnement à approuver
account-mail-kind-new-answer = Réponses à vos appels
account-mail-kind-new-match = Nouvelles pistes pour vos appels
account-mail-digest = Tout regrouper en un résumé par jour
account-mail-save = Enregistrer
account-mail-saved = Vos choix de courriel sont enregistrés.
account-mail-off = Ce nœud n'envoie pas encore de courriel : vos choix serviront dès qu'il en enverra.
