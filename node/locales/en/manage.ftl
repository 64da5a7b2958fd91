## Management pages: followers, moderation, territory settings, federation

admin-territory-nav = Managing { $name }
admin-followers-title = Followers and subscriptions
admin-comments-title = Reply moderation
admin-settings-title = Territory profile
admin-since = since
admin-bad-form = This form is incomplete.

admin-done-approved = Request approved: the follower is told.
admin-done-refused = Request refused.
admin-done-followed = Follow request sent.
admin-done-unfollowed = Subscription ended.
admin-done-hidden = Reply hidden.
admin-done-saved = Profile saved.
admin-done-blocked = Domain blocked.
admin-done-unblocked = Domain unblocked.

## Followers
admin-pending-title = Follow requests
admin-pending-automatic = This territory accepts followers automatically; its profile lets you approve them one by one.
admin-no-pending = No pending request.
admin-approve = Approve
admin-refuse = Refuse
admin-no-such-follower = This follow request no longer exists.
admin-accepted-title = Followers
admin-no-followers = No followers yet.
admin-following-title = Territories followed
admin-no-following = This territory follows no one yet.
admin-follow-state-pending = awaiting approval
admin-follow-state-accepted = accepted
admin-scope = Only:
admin-unfollow = Unfollow
admin-follow-title = Follow another territory
admin-target = Territory address
admin-target-hint = Its handle (@fablab@example.org) or the address of its page.
admin-target-required = Give the handle or address of the territory to follow.
admin-target-not-found = No territory answers at this address.
admin-target-unreachable = This server does not answer right now. Try again later.
admin-scope-kinds = Only receive these kinds of publications
admin-scope-themes = Only receive these themes
admin-scope-hint = With no box ticked, everything is received.
admin-follow = Follow

## Moderation
admin-comments-hint = The latest replies from the fediverse to this territory's publications. A hidden reply disappears from the public page, even if it is sent again.
admin-comment-on = on
admin-hide = Hide
admin-no-comments = No reply to moderate.

## Settings
field-name = Name
field-languages = Languages
field-website = Website
field-contact = Contact
field-manually-approves = Approve each new follower before accepting them

## Federation
admin-federation-title = Node federation
admin-pending-deliveries = Deliveries waiting
admin-peers = Peer nodes
admin-peers-count = { $known } known, { $verified } verified
admin-servers-title = Remote servers
admin-server = Server
admin-queued = Queued
admin-last-success = Last successful delivery
admin-failures = Failures in a row
admin-next-attempt = Next try
admin-server-state = State
admin-never = never
admin-server-dead = unreachable
admin-server-failing = failing
admin-server-ok = normal
admin-no-servers = No exchange with other servers yet.
admin-blocks-title = Blocked domains
admin-no-blocks = No domain blocked.
admin-unblock = Unblock
admin-block-configured = (configuration file)
admin-block-title = Block a domain
admin-domain = Domain
admin-reason = Reason (optional)
admin-block = Block
admin-bad-domain = Give a domain name, for example spam.example.
