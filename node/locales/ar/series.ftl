# سلاسل الفعاليات المتكررة: كيف تتكرر السلسلة في سطر واحد
# ("كل ثلاثاء، 14:00–17:00")، ونموذج «التكرار».
series-and = و
series-days-monday = اثنين
series-days-tuesday = ثلاثاء
series-days-wednesday = أربعاء
series-days-thursday = خميس
series-days-friday = جمعة
series-days-saturday = سبت
series-days-sunday = أحد
series-day-monday = الاثنين
series-day-tuesday = الثلاثاء
series-day-wednesday = الأربعاء
series-day-thursday = الخميس
series-day-friday = الجمعة
series-day-saturday = السبت
series-day-sunday = الأحد
series-nth-1 = أول
series-nth-2 = ثاني
series-nth-3 = ثالث
series-nth-4 = رابع
series-nth-5 = خامس
series-nth-last = آخر
series-weekly = { $n ->
    [1] كل { $days }
    [two] كل أسبوعين، يوم { $day }
   *[other] كل { $n } أسابيع، يوم { $day }
}، ⁦{ $start }–{ $end }⁩
series-monthly-day = { $n ->
    [1] يوم { $day } من كل شهر
    [two] يوم { $day } كل شهرين
   *[other] يوم { $day } كل { $n } أشهر
}، ⁦{ $start }–{ $end }⁩
series-monthly-weekday = { $n ->
    [1] { $nth } { $weekday } من كل شهر
    [two] { $nth } { $weekday } كل شهرين
   *[other] { $nth } { $weekday } كل { $n } أشهر
}، ⁦{ $start }–{ $end }⁩
series-until = حتى { $date }
series-regular = أنشطة منتظمة
series-part-of = جزء من سلسلة: { $rule }
series-repeat = التكرار
series-repeat-none = لا تتكرر
series-repeat-weekly = كل أسبوع
series-repeat-monthly = كل شهر
series-interval = كل … (أسابيع أو أشهر)
series-weekdays = أيام الأسبوع
series-monthly-mode = كل شهر
series-monthly-mode-day_of_month = في اليوم نفسه من الشهر
series-monthly-mode-nth_weekday = في يوم الأسبوع نفسه (مثلًا أول سبت)
series-monthly-mode-last_weekday = في آخر يوم مماثل من أيام الأسبوع في الشهر
series-until-label = حتى (ضمنًا)
series-count-label = أو عدد المرات
series-skip-label = التواريخ المستثناة (تاريخ في كل سطر، YYYY-MM-DD)
series-pause-from = توقف من
series-pause-to = إلى
series-scope = تعديل
series-scope-this = هذه الفعالية
series-scope-following = هذه الفعالية والتي تليها
series-scope-all = كل فعاليات السلسلة
series-page-title = سلسلة: { $title }
series-dates = التواريخ
series-imported = تتكرر كما يحدد تقويمها الأصلي، ⁦{ $start }–{ $end }⁩
