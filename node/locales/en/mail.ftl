## E-mail: letters the node sends (node/src/mail/); subject and body of each kind

mail-new-registration-subject = New registration: { $event }
mail-new-registration-body =
    Hello,

    { $name } registered for "{ $event }" ({ $territory }).

    See the registrations: { $link }

    — Rhizome
mail-follow-request-subject = Follow request for { $territory }
mail-follow-request-body =
    Hello,

    { $actor } asks to follow { $territory }. The request is waiting for your decision.

    Approve or refuse it: { $link }

    — Rhizome
mail-new-answer-subject = New answer to your call "{ $call }"
mail-new-answer-body =
    Hello,

    { $from } answered the call "{ $call }" of { $territory }:

    { $message }

    Read it and decide: { $link }

    — Rhizome
mail-new-match-subject =
    { $count ->
        [one] A new match for the calls of { $territory }
       *[other] { $count } new matches for the calls of { $territory }
    }
mail-new-match-body =
    Hello,

    New publications could answer the calls of { $territory }:

    { $matches }

    See them: { $link }

    — Rhizome
mail-digest-subject =
    { $count ->
        [one] Your daily digest: one piece of news
       *[other] Your daily digest: { $count } pieces of news
    }
mail-digest-body =
    Hello,

    Here is the news of your territories since the last digest.

    { $news }


    Manage your territories: { $link }
    (You get one digest a day; change this on your account page.)

    — Rhizome
mail-answer-accepted-subject = Your answer to "{ $call }" is accepted
mail-answer-accepted-body =
    Hello { $name },

    { $territory } accepted your answer to the call "{ $call }". The team will contact you at this address.

    The call: { $link }

    — Rhizome
mail-answer-declined-subject = Your answer to "{ $call }"
mail-answer-declined-body =
    Hello { $name },

    Thank you for your answer to the call "{ $call }". { $territory } did not take it up this time.

    The call: { $link }

    — Rhizome
mail-invitation-subject = Invitation to join { $node }
mail-invitation-body =
    Hello,

    You are invited to create your account on { $node }. Open this link to choose your name and password:

    { $link }

    The link works once and stays valid for { $days } days.

    — Rhizome
mail-reset-link-subject = Choose a new password on { $node }
mail-reset-link-body =
    Hello { $name },

    An administrator of { $node } sends you a link to choose a new password:

    { $link }

    The link works once and stays valid for { $hours } hour. Your open sessions will be closed.

    — Rhizome

## Account page: the mail section

account-mail-title = E-mail
account-mail-email = E-mail address
account-mail-email-hint = Leave empty to receive no e-mail.
account-mail-news = News of your territories to receive
account-mail-kind-new-registration = New registrations to your events
account-mail-kind-follow-request = Follow requests to approve
account-mail-kind-new-answer = Answers to your calls
account-mail-kind-new-match = New matches for your calls
account-mail-digest = Gather everything into one digest a day
account-mail-save = Save
account-mail-saved = Your e-mail choices are saved.
account-mail-off = This node sends no e-mail yet: your choices will apply as soon as it does.
