# المهرجانات والمجموعات (فرع festivals).
festival-dates = من { $starts } إلى { $ends }
festival-collection = مجموعة
festival-count-events = { $count ->
    [one] فعالية
   *[other] فعاليات
}
festival-count-territories = { $count ->
    [one] إقليم
   *[other] أقاليم
}
festival-count-places = { $count ->
    [one] مقعد متاح
   *[other] مقاعد متاحة
}
festival-follow = تابع هذا المهرجان من ماستودون أو أي حساب في الفديفرس: تظهر كل فعالية مقبولة في خطك الزمني.
festival-widget = أداة للتضمين
festival-programme = البرنامج
festival-map = خريطة الفعاليات
festival-empty = لم تُقبل أي فعالية بعد.
festival-submissions = المقترحات
festival-accept = قبول
festival-refuse = رفض
festival-submit = اقتراح على مهرجان
festival-submit-target = مهرجان أو مجموعة (اسمه هنا، أو ‎@الاسم@العقدة في مكان آخر)
festival-state-pending = قيد الانتظار
festival-state-accepted = مقبول
festival-state-refused = مرفوض
festival-state-withdrawn = مسحوب
