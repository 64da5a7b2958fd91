## Frame
skip-to-content = Aller au contenu
nav-label = Navigation principale
nav-agenda = Agenda
nav-resources = Ressources
nav-calls = Appels
nav-network = Réseau
nav-map = Carte
nav-manage = Gérer
language-switcher = Langue
login = Se connecter
logout = Se déconnecter ({ $name })
footer = Rhizome sur { $domain } · logiciel libre fédéré
back-home = Retour à l'accueil

## Errors
error-not-found = Cette page n'existe pas.
error-no-territory = Ce territoire n'existe pas.
error-gone = Cette publication a été supprimée.
error-internal = Une erreur interne est survenue. Réessayez dans un moment.
error-forbidden = Vous n'avez pas le droit de faire cela.
error-csrf = Ce formulaire a expiré ou ne vient pas de ce site. Rechargez la page et recommencez.

## Home and lists
home-lead = { $count ->
    [0] Aucun territoire n'est encore hébergé ici.
    [one] Un territoire apprenant publie ici ses événements, ressources et appels.
   *[other] { $count } territoires apprenants publient ici leurs événements, ressources et appels.
}
home-agenda = Agenda à venir
home-territories = Territoires sur ce nœud
home-resources = Dernières ressources
home-calls = Appels à collaboration
see-agenda = Tout l'agenda
see-map = Voir la carte
ical-subscribe = S'abonner au calendrier (iCal)
atom-feed = Flux Atom
no-events = Aucun événement à venir.
no-resources = Aucune ressource pour l'instant.
no-calls = Aucun appel ouvert.
no-territories = Aucun territoire pour l'instant.
deadline = Jusqu'au { $date }
upcoming-events = Événements à venir
past-events = Événements passés
followers = { $count ->
    [0] aucun abonné
    [one] 1 abonné
   *[other] { $count } abonnés
}

## Territory
follow-title = Suivre ce territoire
follow-mastodon = Depuis Mastodon ou tout autre compte du fédivers, cherchez ce nom et abonnez-vous :
copy = Copier

## Publication
kind-event = Événement
kind-resource = Ressource
kind-call = Appel
when = Quand
where = Où
online-link = Lien pour participer en ligne
price = Tarif
free = Gratuit
paid = Payant
capacity = Places
capacity-value = { $capacity } places
places-left = { $count ->
    [0] complet
    [one] 1 place restante
   *[other] { $count } places restantes
}
audience = Public
audience-everyone = Tout public
open-map = Voir sur OpenStreetMap
add-to-calendar = Ajouter à mon agenda (.ics)
register-title = Inscription
register-name = Votre nom
register-email = Votre adresse e-mail
register-privacy = Votre adresse n'est transmise qu'aux organisateurs.
register-submit = M'inscrire
register-external = S'inscrire sur le site de l'organisateur
register-none = Entrée libre, sans inscription.
register-closed = Les inscriptions sont closes.
register-accepted = C'est noté : vous êtes inscrit·e.
register-pending = Demande reçue : les organisateurs vont la confirmer.
register-full = Désolé, l'événement est complet.
register-name-invalid = Indiquez votre nom (100 caractères au plus).
register-email-invalid = Cette adresse e-mail ne semble pas valide.
register-email-taken = Cette adresse est déjà inscrite à cet événement.
register-too-many = Trop d'inscriptions depuis votre connexion. Réessayez dans quelques minutes.
share = Partager
share-link = Lien de cette page
share-fediverse = Collez ce lien dans la recherche de Mastodon pour le retrouver, le partager ou y répondre.
comments-title = Réponses du fédivers
no-comments = Pas encore de réponse.
editor-actions = Actions d'édition
edit = Modifier
delete = Supprimer
delete-confirm = Supprimer définitivement cette publication ?

## Account
login-title = Connexion des éditeurs
username = Nom d'utilisateur
password = Mot de passe
login-help = Pas encore de compte ? L'administrateur du nœud peut vous en créer un.
login-wrong = Nom d'utilisateur ou mot de passe incorrect.
login-too-many = Trop de tentatives. Réessayez dans quelques minutes.
login-too-many-wait = Trop de tentatives. Réessayez dans { $minutes ->
    [one] une minute
   *[other] { $minutes } minutes
}.

## Manage
manage-title = Mes territoires
manage-no-territory = Vous n'êtes éditeur d'aucun territoire pour l'instant.
manage-nothing-yet = Rien de publié pour l'instant.
manage-publications = Publications de { $name }
manage-kind = Type
manage-actions = Actions
new-event = Nouvel événement
new-resource = Nouvelle ressource
new-call = Nouvel appel
form-title-event = Événement
form-title-resource = Ressource
form-title-call = Appel à collaboration
form-has-error = Le formulaire contient une erreur :
save = Enregistrer
cancel = Annuler
markdown-hint = Mise en forme Markdown : **gras**, *italique*, [lien](https://…), listes avec « - ».
timezone-hint = Fuseau horaire IANA, par exemple Europe/Paris.
tags-hint = Séparés par des virgules.
field-title = Titre
field-starts-at = Début
field-ends-at = Fin
field-timezone = Fuseau horaire
field-description = Description
field-format = Format
field-place-name = Lieu
field-place-address = Adresse
field-latitude = Latitude
field-longitude = Longitude
field-online-url = Lien en ligne
field-free = Gratuit
field-price = Tarif
field-capacity = Nombre de places
field-registration = Inscription
field-registration-url = Lien d'inscription externe
field-themes = Thèmes
field-tags = Mots-clés
field-language = Langue
field-status = État
field-resource-type = Type de ressource
field-summary = Résumé
field-body = Contenu
field-call-type = Type d'appel
field-deadline = Date limite

## Fixed values
format-on_site = Sur place
format-online = En ligne
format-hybrid = Sur place et en ligne
registration-none = Sans inscription
registration-open = Inscription sur cette page
registration-approval = Inscription validée par les organisateurs
registration-external = Inscription sur un autre site
status-scheduled = Prévu
status-postponed = Reporté
status-cancelled = Annulé
call-status-open = Ouvert
call-status-in_progress = En cours
call-status-closed = Clos
call-type-need = Besoin
call-type-offer = Offre
call-type-partners = Recherche de partenaires
call-type-project = Projet
resource-type-guide = Guide
resource-type-recording = Enregistrement
resource-type-proceedings = Actes
resource-type-toolkit = Boîte à outils
resource-type-dataset = Données
resource-type-lessons_learned = Retour d'expérience
resource-type-course = Formation
resource-type-other = Autre
theme-climate = Climat et environnement
theme-mobility = Mobilités
theme-food_health = Alimentation et santé
theme-urban_life = Vie urbaine et citoyenneté
theme-social_economy = Économie sociale et solidaire
theme-culture = Arts et culture
theme-science_digital = Sciences et numérique
territory-kind-learning_territory = Territoire apprenant
territory-kind-learning_city = Ville apprenante
territory-kind-tiers_lieu = Tiers-lieu
territory-kind-living_lab = Living lab
territory-kind-fablab = Fablab
territory-kind-educational_city = Cité éducative
territory-kind-association = Association
territory-kind-network = Réseau
language-fr = Français
language-en = Anglais
language-es = Espagnol
language-de = Allemand
language-it = Italien
language-ar = Arabe
age-0-6 = 0-6 ans
age-6-11 = 6-11 ans
age-12-17 = 12-17 ans
age-18-25 = 18-25 ans
age-adults = Adultes
age-seniors = Seniors

## Network lists, directory and map
filters = Filtrer
filter-words = Mots
filter-any = Tous
filter-kind = Type de lieu
filter-territory = Territoire (@nom@nœud)
filter-from = À partir du
filter-to = Jusqu'au
filter-near = Autour d'un point
filter-km = Rayon (km)
filter-apply = Appliquer
filter-clear = Tout effacer
filter-bad-near = Pour chercher autour d'un point, donnez la latitude, la longitude et un rayon en km.
filter-bad-date = Date invalide : utilisez le format AAAA-MM-JJ.
list-title-event = Agenda du réseau
list-title-resource = Ressources du réseau
list-title-call = Appels à collaboration
list-lead = Ce que publient les territoires de ce nœud et ceux qu'ils suivent.
list-empty = Rien ne correspond pour l'instant.
from-remote = de { $name } ({ $node })
pager = Pages
pager-previous = ← Précédents
pager-next = Suivants →
network-title = Annuaire du réseau
network-lead = { $count ->
    [0] Aucun territoire trouvé.
    [one] Un territoire trouvé, ici ou sur les nœuds pairs vérifiés.
   *[other] { $count } territoires, ici et sur les nœuds pairs vérifiés.
}
network-empty = Aucun territoire ne correspond.
distance-km = à { $km } km
map-title = Carte des territoires et des événements
map-needs-js = La carte interactive a besoin de JavaScript ; la liste ci-dessous contient les mêmes lieux.
map-list = Les lieux de la carte

## Registrations, for organisers
registrations-title = { $count ->
    [0] Inscriptions
    [one] 1 inscription
   *[other] { $count } inscriptions
}
registrations-none = Personne ne s'est encore inscrit.
registrations-name = Nom
registrations-contact = Contact
registrations-state = État
registrations-at = Reçue le
registrations-remove = Retirer
registrations-remove-confirm = Retirer cette inscription ? Sa place redevient libre.
registration-state-accepted = Acceptée
registration-state-pending = En attente
registration-state-rejected = Refusée

## Validation rules (from the domain), by their words
rule-other = Cette valeur n'est pas acceptée ({ $rule }).
rule-max-characters = { $max } caractères au plus
rule-must-not-be-empty = ne peut pas être vide
rule-must-be-an-http-or-https-url = doit être une adresse web (http ou https)
rule-must-be-after-starts-at = doit être après le début
rule-is-required-for-an-on-site-or-hybrid-event = est obligatoire pour un événement sur place ou hybride
rule-is-required-for-an-online-or-hybrid-event = est obligatoire pour un événement en ligne ou hybride
rule-must-be-at-least-1-when-given = doit valoir au moins 1
rule-is-required-for-external-registration = est obligatoire pour une inscription sur un autre site
rule-must-be-between-90-and-90 = doit être comprise entre -90 et 90
rule-must-be-between-180-and-180 = doit être comprise entre -180 et 180
rule-is-required-when-latitude-is-given = est obligatoire quand la latitude est donnée
rule-is-required-when-longitude-is-given = est obligatoire quand la longitude est donnée
rule-must-be-between-0-and-20000 = doit être compris entre 0 et 20000
rule-must-be-at-least-10-characters = doit compter au moins 10 caractères
rule-unknown-timezone = Fuseau horaire inconnu : utilisez un nom IANA comme Europe/Paris.
rule-invalid-type = Valeur du mauvais type (un nombre est attendu ?).
rule-must-be-a-language-code-such-as-fr-or-pt-br = doit être un code de langue comme « fr » ou « pt-BR »
rule-an-event-may-last-at-most-366-days = un événement dure au plus 366 jours
rule-must-be-on-one-line-without-line-breaks-or-tabs = doit tenir sur une ligne (sans retour à la ligne ni tabulation)
rule-must-not-contain-control-characters = ne doit pas contenir de caractères de contrôle (caractères invisibles comme NUL)
rule-must-be-between-the-years-1900-and-2200 = doit tomber entre les années 1900 et 2200

## Reports from other servers
reports-title = { $count ->
    [0] Signalements
    [one] 1 signalement à traiter
   *[other] { $count } signalements à traiter
}
reports-none = Aucun signalement à traiter.
report-from = Signalé depuis { $host }
report-resolve = Marquer comme traité
admin-done-resolved = Signalement traité.
rule-must-not-be-in-the-past = est déjà passée : vérifiez la date
hide-remote = Masquer sur ce nœud
hide-remote-confirm = Retirer cette publication des vues de ce nœud ? Elle ne reviendra pas.
preview = Aperçu
preview-notice = Aperçu : rien n'est encore publié. Enregistrez pour publier.

## Node settings
node-settings-title = Réglages du nœud
node-settings-name = Nom du nœud
node-settings-name-hint = Vide : « { $default } », le nom du fichier de configuration.
node-settings-about = Présentation (page d'accueil)
node-settings-config = Le domaine, la base de données, le mode hub, les pairs de départ et le serveur de tuiles se règlent dans le fichier de configuration (voir le README).
