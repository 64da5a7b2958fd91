## Sentences that pages, feeds and the wire share (node/src/text/sentences.rs)
# chrono's strftime patterns: %A weekday, %-d day, %B month, %Y year.
date-long = %A %-d %B %Y
date-short = %-d %B %Y
# Times and zones are isolated left to right (U+2066 ... U+2069), or a right-to-left line
# shows "18:00–21:00" as "21:00–18:00".
when-one-day = { $day }، ⁦{ $start }–{ $end } ({ $zone })⁩
when-several-days = { $day } ⁦{ $start }⁩ – { $end_day } ⁦{ $end } ({ $zone })⁩
where-online = عبر الإنترنت
summary-deadline = آخر أجل: { $date }
