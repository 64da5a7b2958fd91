## Frame
skip-to-content = Skip to content
nav-label = Main navigation
nav-agenda = Agenda
nav-resources = Resources
nav-calls = Calls
nav-network = Network
nav-map = Map
nav-manage = Manage
language-switcher = Language
login = Log in
logout = Log out ({ $name })
footer = Rhizome on { $domain } · free federated software
back-home = Back to the home page

## Errors
error-not-found = This page does not exist.
error-no-territory = This territory does not exist.
error-gone = This publication was deleted.
error-internal = Something went wrong on our side. Try again in a moment.
error-forbidden = You are not allowed to do this.
error-csrf = This form has expired or did not come from this site. Reload the page and try again.

## Home and lists
home-lead = { $count ->
    [0] No territory is hosted here yet.
    [one] One learning territory publishes its events, resources and calls here.
   *[other] { $count } learning territories publish their events, resources and calls here.
}
home-agenda = Upcoming events
home-territories = Territories on this node
home-resources = Latest resources
home-calls = Calls for collaboration
see-agenda = The whole agenda
see-map = See the map
ical-subscribe = Subscribe to the calendar (iCal)
atom-feed = Atom feed
no-events = No upcoming event.
no-resources = No resource yet.
no-calls = No open call.
no-territories = No territory yet.
deadline = Until { $date }
upcoming-events = Upcoming events
past-events = Past events
followers = { $count ->
    [0] no followers
    [one] 1 follower
   *[other] { $count } followers
}

## Territory
follow-title = Follow this territory
follow-mastodon = From Mastodon or any fediverse account, search for this name and follow:
copy = Copy

## Publication
kind-event = Event
kind-resource = Resource
kind-call = Call
when = When
where = Where
online-link = Link to join online
price = Price
free = Free
paid = Paid
capacity = Places
capacity-value = { $capacity } places
places-left = { $count ->
    [0] full
    [one] 1 place left
   *[other] { $count } places left
}
audience = Audience
audience-everyone = Everyone
open-map = See on OpenStreetMap
add-to-calendar = Add to my calendar (.ics)
register-title = Registration
register-name = Your name
register-email = Your e-mail address
register-privacy = Your address is only given to the organisers.
register-submit = Register
register-external = Register on the organiser's site
register-none = Free entry, no registration.
register-closed = Registration is closed.
register-accepted = Done: you are registered.
register-pending = Request received: the organisers will confirm it.
register-full = Sorry, the event is full.
register-name-invalid = Give your name (100 characters at most).
register-email-invalid = This e-mail address does not look valid.
register-email-taken = This address is already registered for this event.
register-too-many = Too many registrations from your connection. Try again in a few minutes.
share = Share
share-link = Link to this page
share-fediverse = Paste this link into Mastodon's search to find it, boost it or reply.
comments-title = Replies from the fediverse
no-comments = No reply yet.
editor-actions = Editor actions
edit = Edit
delete = Delete
delete-confirm = Delete this publication for good?

## Account
login-title = Editors' login
username = Username
password = Password
login-help = No account yet? The node's admin can create one for you.
login-wrong = Wrong username or password.
login-too-many = Too many attempts. Try again in a few minutes.
login-too-many-wait = Too many attempts. Try again in { $minutes ->
    [one] a minute
   *[other] { $minutes } minutes
}.

## Manage
manage-title = My territories
manage-no-territory = You are not an editor of any territory yet.
manage-nothing-yet = Nothing published yet.
manage-publications = Publications of { $name }
manage-kind = Kind
manage-actions = Actions
new-event = New event
new-resource = New resource
new-call = New call
form-title-event = Event
form-title-resource = Resource
form-title-call = Call for collaboration
form-has-error = The form has an error:
save = Save
cancel = Cancel
markdown-hint = Markdown formatting: **bold**, *italic*, [link](https://…), lists with "- ".
timezone-hint = IANA time zone, for example Europe/Paris.
tags-hint = Separated by commas.
field-title = Title
field-starts-at = Starts
field-ends-at = Ends
field-timezone = Time zone
field-description = Description
field-format = Format
field-place-name = Place
field-place-address = Address
field-latitude = Latitude
field-longitude = Longitude
field-online-url = Online link
field-free = Free
field-price = Price
field-capacity = Number of places
field-registration = Registration
field-registration-url = External registration link
field-themes = Themes
field-tags = Keywords
field-language = Language
field-status = Status
field-resource-type = Resource type
field-summary = Summary
field-body = Content
field-call-type = Call type
field-deadline = Deadline

## Fixed values
format-on_site = On site
format-online = Online
format-hybrid = On site and online
registration-none = No registration
registration-open = Register on this page
registration-approval = Registration approved by the organisers
registration-external = Register on another site
status-scheduled = Scheduled
status-postponed = Postponed
status-cancelled = Cancelled
call-status-open = Open
call-status-in_progress = In progress
call-status-closed = Closed
call-type-need = Need
call-type-offer = Offer
call-type-partners = Looking for partners
call-type-project = Project
resource-type-guide = Guide
resource-type-recording = Recording
resource-type-proceedings = Proceedings
resource-type-toolkit = Toolkit
resource-type-dataset = Dataset
resource-type-lessons_learned = Lessons learned
resource-type-course = Course
resource-type-other = Other
theme-climate = Climate and environment
theme-mobility = Mobility
theme-food_health = Food and health
theme-urban_life = Urban life and citizenship
theme-social_economy = Social and solidarity economy
theme-culture = Arts and culture
theme-science_digital = Science and digital
territory-kind-learning_territory = Learning territory
territory-kind-learning_city = Learning city
territory-kind-tiers_lieu = Third place
territory-kind-living_lab = Living lab
territory-kind-fablab = Fablab
territory-kind-educational_city = Educational city
territory-kind-association = Association
territory-kind-network = Network
language-fr = French
language-en = English
language-es = Spanish
language-de = German
language-it = Italian
language-ar = Arabic
age-0-6 = 0-6 years
age-6-11 = 6-11 years
age-12-17 = 12-17 years
age-18-25 = 18-25 years
age-adults = Adults
age-seniors = Seniors

## Network lists, directory and map
filters = Filter
filter-words = Words
filter-any = Any
filter-kind = Kind of place
filter-territory = Territory (@name@node)
filter-from = From
filter-to = Until
filter-near = Around a point
filter-km = Radius (km)
filter-apply = Apply
filter-clear = Clear all
filter-bad-near = To search around a point, give the latitude, the longitude and a radius in km.
filter-bad-date = Invalid date: use the YYYY-MM-DD format.
list-title-event = Network agenda
list-title-resource = Network resources
list-title-call = Calls for collaboration
list-lead = What this node's territories publish, and the territories they follow.
list-empty = Nothing matches yet.
from-remote = from { $name } ({ $node })
pager = Pages
pager-previous = ← Previous
pager-next = Next →
network-title = Network directory
network-lead = { $count ->
    [0] No territory found.
    [one] One territory, here or on verified peer nodes.
   *[other] { $count } territories, here and on verified peer nodes.
}
network-empty = No territory matches.
distance-km = { $km } km away
map-title = Map of territories and events
map-needs-js = The interactive map needs JavaScript; the list below holds the same places.
map-list = The places on the map

## Registrations, for organisers
registrations-title = { $count ->
    [0] Registrations
    [one] 1 registration
   *[other] { $count } registrations
}
registrations-none = Nobody has registered yet.
registrations-name = Name
registrations-contact = Contact
registrations-state = Status
registrations-at = Received
registrations-remove = Remove
registrations-remove-confirm = Remove this registration? Its place becomes free.
registration-state-accepted = Accepted
registration-state-pending = Waiting
registration-state-rejected = Refused

## Validation rules (from the domain), by their words
rule-other = This value is not accepted ({ $rule }).
rule-max-characters = { $max } characters at most
rule-must-not-be-empty = must not be empty
rule-must-be-an-http-or-https-url = must be a web address (http or https)
rule-must-be-after-starts-at = must be after the start
rule-is-required-for-an-on-site-or-hybrid-event = is required for an on-site or hybrid event
rule-is-required-for-an-online-or-hybrid-event = is required for an online or hybrid event
rule-must-be-at-least-1-when-given = must be at least 1
rule-is-required-for-external-registration = is required for registration on another site
rule-must-be-between-90-and-90 = must be between -90 and 90
rule-must-be-between-180-and-180 = must be between -180 and 180
rule-is-required-when-latitude-is-given = is required when the latitude is given
rule-is-required-when-longitude-is-given = is required when the longitude is given
rule-must-be-between-0-and-20000 = must be between 0 and 20000
rule-must-be-at-least-10-characters = must be at least 10 characters long
rule-unknown-timezone = Unknown time zone: use an IANA name such as Europe/Paris.
rule-invalid-type = Wrong kind of value (a number is expected?).
rule-must-be-a-language-code-such-as-fr-or-pt-br = must be a language code such as "fr" or "pt-BR"
rule-an-event-may-last-at-most-366-days = an event lasts at most 366 days
rule-must-be-on-one-line-without-line-breaks-or-tabs = must fit on one line (no line breaks or tabs)
rule-must-not-contain-control-characters = must not contain control characters (invisible characters such as NUL)
rule-must-be-between-the-years-1900-and-2200 = must be between the years 1900 and 2200

## Reports from other servers
reports-title = { $count ->
    [0] Reports
    [one] 1 report to handle
   *[other] { $count } reports to handle
}
reports-none = No report to handle.
report-from = Reported from { $host }
report-resolve = Mark as handled
admin-done-resolved = Report handled.
rule-must-not-be-in-the-past = is already past: check the date
hide-remote = Hide on this node
hide-remote-confirm = Take this publication out of this node's views? It will not come back.
preview = Preview
preview-notice = Preview: nothing is published yet. Save to publish.

## Node settings
node-settings-title = Node settings
node-settings-name = Node name
node-settings-name-hint = Empty: "{ $default }", the name in the configuration file.
node-settings-about = Presentation (home page)
node-settings-config = The domain, database, hub mode, seed peers and tile server are set in the configuration file (see the README).
