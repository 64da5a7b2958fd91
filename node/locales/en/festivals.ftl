# Festivals and collections (branch festivals).
festival-dates = From { $starts } to { $ends }
festival-collection = Collection
festival-count-events = { $count ->
    [one] event
   *[other] events
}
festival-count-territories = { $count ->
    [one] territory
   *[other] territories
}
festival-count-places = { $count ->
    [one] place offered
   *[other] places offered
}
festival-follow = Follow this festival from Mastodon or any fediverse account: every accepted event shows in your timeline.
festival-widget = Embeddable widget
festival-programme = Programme
festival-map = Map of the events
festival-empty = No event accepted yet.
festival-submissions = Submissions
festival-accept = Accept
festival-refuse = Refuse
festival-submit = Submit to a festival
festival-submit-target = Festival or collection (its name here, or @name@node elsewhere)
festival-state-pending = pending
festival-state-accepted = accepted
festival-state-refused = refused
festival-state-withdrawn = withdrawn
festival-withdraw = Withdraw
festival-no-submissions = No submission yet.
festival-submit-publication = Publication
festival-nothing-to-submit = Publish an event first.
festival-submit-refused = This submission cannot be taken (perimeter, dates, kind, or unknown festival).
festival-bad-decision = Unknown decision.
festival-done-accepted = Submission accepted.
festival-done-refused = Submission refused.
festival-done-submitted = Submission sent.
festival-done-withdrawn = Submission withdrawn.
festival-follow-title = Follow this festival
festival-admin-title = Festivals and collections
festival-new = New festival or collection
festival-field-name = Name
festival-field-slug = Handle (@handle@node)
festival-field-description = Description
festival-field-role = Kind
festival-role-festival = Festival
festival-field-starts = First day
festival-field-ends = Last day
festival-field-perimeter = Who may submit
festival-perimeter-open = Every territory
festival-perimeter-territories = These territories (handles or addresses, separated by commas)
festival-perimeter-region = Events in a region
festival-field-latitude = Latitude
festival-field-longitude = Longitude
festival-field-radius = Radius (km)
festival-field-auto-accept = Accept what is inside the perimeter without waiting
festival-field-curators = Curators (usernames, separated by commas)
festival-create = Create
