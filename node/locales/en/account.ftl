## Accounts: invitations, password reset and change

account-username-hint = 1 to 64 characters: lower-case a-z, digits, '.', '-' or '_'.
account-password-hint = At least 10 characters; a sentence is easier to remember.
account-new-password = New password
account-confirm-password = New password, again
account-current-password = Current password
account-username-invalid = This name is not valid: 1 to 64 characters among a-z, 0-9, '.', '-' and '_'.
account-username-taken = This name is already taken. Choose another one.
account-password-short = The password must be at least 10 characters long.
account-password-long = The password is too long (1024 bytes at most).
account-password-mismatch = The two passwords are not the same.
account-password-wrong = This is not your current password.
account-password-changed = Password changed. Your other sessions were ended.

link-unknown = This link does not exist. Check that it was copied whole.
link-gone = This link was already used or has expired. Ask the node's admin for a new one.

invite-title = Create your account
invite-to-join = You are invited to join { $node }.
invite-to-edit = You are invited to publish for { $name }.
invite-as-admin = You will also administer this node.
invite-submit = Create my account

reset-title = Choose a new password
reset-for = For the account { $name }.
reset-submit = Save the password
reset-sessions-end = Every session opened with the old password will be ended.

password-title = Change password
password-submit = Change the password
password-other-sessions = Your sessions on other devices will be ended.

invitations-title = Invitations
invitations-intro = An invitation is a single-use link, valid { $days } days: whoever opens it chooses their name and password.
invitations-territory = Territory to edit
invitations-no-territory = None (member without a territory)
invitations-admin = Node admin
invitations-create = Create an invitation link
invitations-created = Here is the link, shown once: send it to the person you invite. It expires in { $days } days.
invitations-cli = From the command line: rhizome admin invite --editor-of TERRITORY
