# Séries d'événements récurrents : comment une série se répète, en une ligne
# ("tous les mardis, 14:00–17:00"), et le formulaire « Répéter ».
series-and = et
series-days-monday = lundis
series-days-tuesday = mardis
series-days-wednesday = mercredis
series-days-thursday = jeudis
series-days-friday = vendredis
series-days-saturday = samedis
series-days-sunday = dimanches
series-day-monday = lundi
series-day-tuesday = mardi
series-day-wednesday = mercredi
series-day-thursday = jeudi
series-day-friday = vendredi
series-day-saturday = samedi
series-day-sunday = dimanche
series-nth-1 = premier
series-nth-2 = deuxième
series-nth-3 = troisième
series-nth-4 = quatrième
series-nth-5 = cinquième
series-nth-last = dernier
series-weekly = { $n ->
    [1] tous les { $days }
   *[other] toutes les { $n } semaines, le { $day }
}, { $start }–{ $end }
series-monthly-day = { $n ->
    [1] le { $day } de chaque mois
   *[other] tous les { $n } mois, le { $day }
}, { $start }–{ $end }
series-monthly-weekday = { $n ->
    [1] le { $nth } { $weekday } de chaque mois
   *[other] le { $nth } { $weekday }, tous les { $n } mois
}, { $start }–{ $end }
series-until = jusqu'au { $date }
series-regular = Activités régulières
series-part-of = Fait partie d'une série : { $rule }
series-repeat = Répéter
series-repeat-none = Ne se répète pas
series-repeat-weekly = Chaque semaine
series-repeat-monthly = Chaque mois
series-interval = Toutes les … (semaines ou mois)
series-weekdays = Jours de la semaine
series-monthly-mode = Chaque mois
series-monthly-mode-day_of_month = le même jour du mois
series-monthly-mode-nth_weekday = le même jour de la semaine (ex. le 1er samedi)
series-monthly-mode-last_weekday = le dernier même jour de la semaine du mois
series-until-label = Jusqu'au (inclus)
series-count-label = Ou nombre de fois
series-skip-label = Dates sautées (une par ligne, AAAA-MM-JJ)
series-pause-from = Pause du
series-pause-to = au
series-scope = Modifier
series-scope-this = cet événement
series-scope-following = cet événement et les suivants
series-scope-all = tous les événements de la série
series-page-title = Série : { $title }
series-dates = Dates
series-imported = se répète comme le dit son calendrier d'origine, { $start }–{ $end }
