# Series de eventos recurrentes: cómo se repite una serie, en una línea
# ("todos los martes, 14:00–17:00"), y el formulario «Repetir».
series-and = y
series-days-monday = lunes
series-days-tuesday = martes
series-days-wednesday = miércoles
series-days-thursday = jueves
series-days-friday = viernes
series-days-saturday = sábados
series-days-sunday = domingos
series-day-monday = lunes
series-day-tuesday = martes
series-day-wednesday = miércoles
series-day-thursday = jueves
series-day-friday = viernes
series-day-saturday = sábado
series-day-sunday = domingo
series-nth-1 = primer
series-nth-2 = segundo
series-nth-3 = tercer
series-nth-4 = cuarto
series-nth-5 = quinto
series-nth-last = último
series-weekly = { $n ->
    [1] todos los { $days }
   *[other] cada { $n } semanas, el { $day }
}, { $start }–{ $end }
series-monthly-day = { $n ->
    [1] el día { $day } de cada mes
   *[other] cada { $n } meses, el día { $day }
}, { $start }–{ $end }
series-monthly-weekday = { $n ->
    [1] el { $nth } { $weekday } de cada mes
   *[other] el { $nth } { $weekday }, cada { $n } meses
}, { $start }–{ $end }
series-until = hasta el { $date }
series-regular = Actividades regulares
series-part-of = Forma parte de una serie: { $rule }
series-repeat = Repetir
series-repeat-none = No se repite
series-repeat-weekly = Cada semana
series-repeat-monthly = Cada mes
series-interval = Cada … (semanas o meses)
series-weekdays = Días de la semana
series-monthly-mode = Cada mes
series-monthly-mode-day_of_month = el mismo día del mes
series-monthly-mode-nth_weekday = el mismo día de la semana (p. ej. el 1.er sábado)
series-monthly-mode-last_weekday = el último de ese día de la semana en el mes
series-until-label = Hasta el (incluido)
series-count-label = O número de veces
series-skip-label = Fechas omitidas (una por línea, AAAA-MM-DD)
series-pause-from = Pausa del
series-pause-to = al
series-scope = Modificar
series-scope-this = este evento
series-scope-following = este evento y los siguientes
series-scope-all = todos los eventos de la serie
series-page-title = Serie: { $title }
series-dates = Fechas
series-imported = se repite según su calendario de origen, { $start }–{ $end }
