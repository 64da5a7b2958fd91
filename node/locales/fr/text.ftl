## Sentences that pages, feeds and the wire share (node/src/text/sentences.rs)
# chrono's strftime patterns: %A weekday, %-d day, %B month, %Y year.
date-long = %A %-d %B %Y
date-short = %-d %B %Y
when-one-day = { $day }, { $start }–{ $end } ({ $zone })
when-several-days = { $day } { $start } – { $end_day } { $end } ({ $zone })
where-online = en ligne
summary-deadline = date limite { $date }
