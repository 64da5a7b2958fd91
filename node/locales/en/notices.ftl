# What a call's editors are told when a new publication matches it.
notices-title = New matches
notice-match = Could answer your call:
notices-unseen = { $count ->
    [0] nothing new
    [one] one new
   *[other] { $count } new
}
notice-new = New
notices-all = All matches
notices-mark-seen = Mark as seen
notices-none = No matches yet.
