## Imported calendars (a section of a territory's settings page)
calendars-title = Imported calendars
calendars-lead = Subscribe this territory to an external calendar (ICS from Nextcloud, Google, Outlook, Gancio, Mobilizon…): its events are published here and on the fediverse, then updated every { $interval } minutes. An event removed from the calendar is deleted here too.
calendars-mirror-wins = The calendar is the reference: an imported event edited here gets its calendar version back at the next import. Edit it in the original calendar.
calendars-none = No calendar yet.
calendars-url = Calendar address (https:// or webcal://)
calendars-add = Subscribe to the calendar
calendars-fetch-now = Fetch now
calendars-remove = { $count ->
    [0] Remove this calendar
    [one] Remove this calendar (its event will be deleted)
   *[other] Remove this calendar (its { $count } events will be deleted)
}
calendars-last-fetch = Last fetch
calendars-never = never
calendars-mirrored = Imported events
calendars-last-result = Last result
calendars-last-error = Last error
calendars-nothing-changed = Nothing imported before was changed.
calendars-report = { $read } events read: { $created } created, { $updated } updated, { $unchanged } unchanged, { $deleted } deleted.
calendars-report-malformed = { $count } unreadable events skipped.
calendars-report-refused = { $count } events refused by the publishing rules.
calendars-report-over-cap = { $count } events left out: at most 2000 per calendar.
calendars-report-outside-window = { $count } events outside the imported period (the last 30 days to the next three months).
calendars-report-recurrences-bounded = { $count } never-ending recurrences limited to the next three months.
calendars-report-zone-fallbacks = { $count } times in an unknown time zone ({ $zones }), read in the calendar's or the territory's zone.
calendars-report-deletions-held = Some events were unreadable: nothing was deleted.
calendars-upload-title = Import an .ics file
calendars-upload-lead = Once, without subscribing: its events are added or updated, none is deleted. { $mib } MiB at most.
calendars-file = .ics file
calendars-import = Import
calendars-file-missing = Choose an .ics file to import.
calendars-mirrored-from = This event is imported from the calendar { $url }: your changes will be replaced at the next fetch. Edit it in the original calendar.
calendars-mirrored-from-file = This event was imported from an .ics file: importing it again will replace your changes.
calendars-error-not-calendar = This is not an iCalendar file (an HTML page, perhaps a login page?).
calendars-error-too-large = The calendar is too large.
calendars-error-not-text = The calendar is not UTF-8 text.
calendars-error-refused-address = This node does not fetch this address (private address, IP address, port or http).
calendars-error-status = The calendar's server answered with an error.
calendars-error-unreachable = The calendar's server cannot be reached or is too slow.
calendars-error-invalid = The calendar's server answered something unreadable.
calendars-error-forbidden = The person who added this calendar may no longer publish for this territory: add it again.
calendars-error-import = The import failed.
calendars-error-busy = This calendar is already being fetched.
admin-done-calendar-added = Calendar added and fetched.
admin-done-calendar-removed = Calendar removed.
admin-done-calendar-fetched = Calendar fetched.
admin-done-calendar-imported = File imported.
rule-needs-a-calendar-address = give a calendar's address
rule-is-not-a-calendar-address = is not a calendar's address
rule-this-territory-already-has-this-calendar = this territory already subscribes to this calendar
