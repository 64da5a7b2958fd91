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
