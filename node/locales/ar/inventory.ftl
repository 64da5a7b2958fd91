# جرد الإقليم: ما يتقاسمه وما يبحث عنه.
inventory-title = الجرد
inventory-shares = ما نتقاسمه
inventory-seeks = ما نبحث عنه
field-inventory-shares = ما يمكننا تقاسمه (مهارات، معدات، فضاءات)
field-inventory-seeks = ما نبحث عنه
inventory-hint = مدخل واحد في كل سطر، مع وسوم إن شئت: «آلة قطع بالليزر #معدات».
directory-inventory = يتقاسم أو يبحث
