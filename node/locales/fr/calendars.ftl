## Calendriers importés (section de la page de réglages d'un territoire)
calendars-title = Calendriers importés
calendars-lead = Abonnez ce territoire à un calendrier externe (ICS de Nextcloud, Google, Outlook, Gancio, Mobilizon…) : ses événements sont publiés ici et sur le fédivers, puis mis à jour toutes les { $interval } minutes. Un événement retiré du calendrier est supprimé ici aussi.
calendars-mirror-wins = C'est le calendrier qui fait foi : un événement importé modifié ici reprend sa version du calendrier au prochain import. Modifiez-le dans le calendrier d'origine.
calendars-none = Aucun calendrier pour l'instant.
calendars-url = Adresse du calendrier (https:// ou webcal://)
calendars-add = S'abonner au calendrier
calendars-fetch-now = Relever maintenant
calendars-remove = { $count ->
    [0] Retirer ce calendrier
    [one] Retirer ce calendrier (son événement sera supprimé)
   *[other] Retirer ce calendrier (ses { $count } événements seront supprimés)
}
calendars-last-fetch = Dernier relevé
calendars-never = jamais
calendars-mirrored = Événements importés
calendars-last-result = Dernier résultat
calendars-last-error = Dernière erreur
calendars-nothing-changed = Rien de ce qui avait été importé n'a été modifié.
calendars-report = { $read } événements lus : { $created } créés, { $updated } mis à jour, { $unchanged } inchangés, { $deleted } supprimés.
calendars-report-malformed = { $count } événements illisibles ignorés.
calendars-report-refused = { $count } événements refusés par les règles de publication.
calendars-report-over-cap = { $count } événements laissés de côté : au plus 2000 par calendrier.
calendars-report-outside-window = { $count } événements hors de la période importée (des 30 derniers jours aux trois prochains mois).
calendars-report-recurrences-bounded = { $count } récurrences sans fin limitées aux trois prochains mois.
calendars-report-zone-fallbacks = { $count } heures dans un fuseau inconnu ({ $zones }), lues dans le fuseau du calendrier ou du territoire.
calendars-report-deletions-held = Des événements illisibles : aucune suppression n'a été faite.
calendars-upload-title = Importer un fichier .ics
calendars-upload-lead = Une seule fois, sans abonnement : ses événements sont ajoutés ou mis à jour, aucun n'est supprimé. { $mib } Mio au plus.
calendars-file = Fichier .ics
calendars-import = Importer
calendars-file-missing = Choisissez un fichier .ics à importer.
calendars-mirrored-from = Cet événement est importé du calendrier { $url } : vos modifications seront remplacées au prochain relevé. Modifiez-le dans le calendrier d'origine.
calendars-mirrored-from-file = Cet événement a été importé d'un fichier .ics : le réimporter remplacera vos modifications.
calendars-error-not-calendar = Ce n'est pas un calendrier iCalendar (une page HTML, peut-être une page de connexion ?).
calendars-error-too-large = Le calendrier est trop volumineux.
calendars-error-not-text = Le calendrier n'est pas du texte UTF-8.
calendars-error-refused-address = Cette adresse n'est pas relevée par ce nœud (adresse privée, adresse IP, port ou http).
calendars-error-status = Le serveur du calendrier a répondu par une erreur.
calendars-error-unreachable = Le serveur du calendrier est injoignable ou trop lent.
calendars-error-invalid = Le serveur du calendrier a répondu de façon illisible.
calendars-error-forbidden = La personne qui a ajouté ce calendrier ne peut plus publier pour ce territoire : ajoutez-le à nouveau.
calendars-error-import = L'import a échoué.
calendars-error-busy = Ce calendrier est déjà en cours de relevé.
admin-done-calendar-added = Calendrier ajouté et relevé.
admin-done-calendar-removed = Calendrier retiré.
admin-done-calendar-fetched = Calendrier relevé.
admin-done-calendar-imported = Fichier importé.
rule-needs-a-calendar-address = indiquez l'adresse d'un calendrier
rule-is-not-a-calendar-address = n'est pas l'adresse d'un calendrier
rule-this-territory-already-has-this-calendar = ce territoire est déjà abonné à ce calendrier
