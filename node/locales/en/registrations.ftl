## Event registrations: waitlist, organisers' decisions, cancel link, letters

register-waitlisted = The event is full: you are on the waitlist. We will write to you as soon as a place frees up.
register-waitlist-hint = The event is full: registering puts you on the waitlist.
registration-state-waitlisted = Waitlist

reg-manage-link = Manage registrations
reg-page-title = Registrations: { $event }
reg-summary = { $accepted } registered, { $pending } awaiting a decision, { $waitlisted } on the waitlist.
reg-capacity = Places: { $capacity }
reg-capacity-none = Places: no limit
reg-position = no. { $position }
reg-decide = Decision
reg-approve = Accept
reg-refuse = Refuse
reg-refuse-confirm = Refuse this registration? The person will be told.
reg-export = Export as CSV
reg-back = Back to the event
reg-message-title = Write to everyone registered
reg-message-label = Your message
reg-message-hint = Everyone who registered on the page gets an e-mail; every accepted fediverse account, a direct message.
reg-message-submit = Send
reg-done-approved = Registration accepted: the person has been told.
reg-done-refused = Registration refused: the person has been told.
reg-done-removed = Registration removed.
reg-done-unchanged = Nothing changed: this registration was already decided.
reg-done-sent = Message sent.
reg-bad-decision = Unknown decision: choose accept or refuse.
reg-message-empty = The message is empty.
reg-events = Registrations by event
reg-events-none = No upcoming event.

reg-cancel-title = Cancel your registration
reg-cancel-text = { $name }, you are registered for “{ $event }”. You can cancel: your place will go to the next person on the waitlist.
reg-cancel-submit = Cancel my registration
reg-cancel-done = Your registration for “{ $event }” is cancelled. Thank you for freeing your place.
reg-cancel-unknown = This cancel link is not valid: it was used already, or the registration no longer exists.

mail-registration-received-subject = Registration request received: { $event }
mail-registration-received-body =
    Hello { $name },

    Your request to register for “{ $event }” ({ $when }) has arrived. The organisers will confirm it; you will get an e-mail.

    The event: { $link }
    To cancel your request: { $cancel }
mail-registration-confirmed-subject = Registration confirmed: { $event }
mail-registration-confirmed-body =
    Hello { $name },

    Your registration for “{ $event }” ({ $when }) is confirmed.

    The event: { $link }
    If you can no longer come, cancel here to free your place: { $cancel }
mail-registration-refused-subject = Registration not accepted: { $event }
mail-registration-refused-body =
    Hello { $name },

    The organisers of “{ $event }” ({ $when }) could not accept your registration. We are sorry.

    The event: { $link }
mail-registration-promoted-subject = A place is free: { $event }
mail-registration-promoted-body =
    Hello { $name },

    A place has freed up for “{ $event }” ({ $when }): it is yours, your registration is confirmed.

    The event: { $link }
    If you can no longer come, the cancel link in our first e-mail still works.
mail-registration-waitlisted-subject = On the waitlist: { $event }
mail-registration-waitlisted-body =
    Hello { $name },

    “{ $event }” ({ $when }) is full: you are on the waitlist. As soon as a place frees up, it goes to the first person on the list and we write to you.

    The event: { $link }
    To leave the waitlist: { $cancel }
mail-registration-reminder-subject = Tomorrow: { $event }
mail-registration-reminder-body =
    Hello { $name },

    A reminder: you are registered for “{ $event }”, { $when }.

    The event: { $link }
    If you can no longer come, the cancel link in our first e-mail frees your place.
mail-organiser-message-subject = Message from the organisers: { $event }
mail-organiser-message-body =
    Hello { $name },

    { $territory } writes to you about “{ $event }” ({ $when }):

    { $message }

    The event: { $link }
