# Series of recurring events: how a series repeats, on one line
# ("every Tuesday, 14:00–17:00"), and the "Repeat" form.
series-and = and
series-days-monday = Monday
series-days-tuesday = Tuesday
series-days-wednesday = Wednesday
series-days-thursday = Thursday
series-days-friday = Friday
series-days-saturday = Saturday
series-days-sunday = Sunday
series-day-monday = Monday
series-day-tuesday = Tuesday
series-day-wednesday = Wednesday
series-day-thursday = Thursday
series-day-friday = Friday
series-day-saturday = Saturday
series-day-sunday = Sunday
series-nth-1 = first
series-nth-2 = second
series-nth-3 = third
series-nth-4 = fourth
series-nth-5 = fifth
series-nth-last = last
series-weekly = { $n ->
    [1] every { $days }
   *[other] every { $n } weeks on { $day }
}, { $start }–{ $end }
series-monthly-day = { $n ->
    [1] monthly on day { $day }
   *[other] every { $n } months on day { $day }
}, { $start }–{ $end }
series-monthly-weekday = { $n ->
    [1] the { $nth } { $weekday } of every month
   *[other] the { $nth } { $weekday }, every { $n } months
}, { $start }–{ $end }
series-until = until { $date }
series-regular = Regular activities
series-part-of = Part of a series: { $rule }
series-repeat = Repeat
series-repeat-none = Does not repeat
series-repeat-weekly = Weekly
series-repeat-monthly = Monthly
series-interval = Every … (weeks or months)
series-weekdays = Days of the week
series-monthly-mode = Each month
series-monthly-mode-day_of_month = on the same day of the month
series-monthly-mode-nth_weekday = on the same weekday (e.g. the 1st Saturday)
series-monthly-mode-last_weekday = on the last such weekday of the month
series-until-label = Until (included)
series-count-label = Or number of times
series-skip-label = Skipped dates (one a line, YYYY-MM-DD)
series-pause-from = Pause from
series-pause-to = to
series-scope = Change
series-scope-this = this event
series-scope-following = this and the following events
series-scope-all = all events of the series
series-page-title = Series: { $title }
series-dates = Dates
series-imported = repeats as its own calendar says, { $start }–{ $end }
