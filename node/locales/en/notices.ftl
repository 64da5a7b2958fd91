# What a call's editors are told when a new publication matches it.
notices-title = New matches
notice-match = Could answer your call:
