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
festival-withdraw = سحب
festival-no-submissions = لا توجد مقترحات بعد.
festival-submit-publication = المنشور
festival-nothing-to-submit = انشر فعالية أولاً.
festival-submit-refused = لا يمكن قبول هذا المقترح (النطاق أو التواريخ أو النوع أو مهرجان غير معروف).
festival-bad-decision = قرار غير معروف.
festival-done-accepted = قُبل المقترح.
festival-done-refused = رُفض المقترح.
festival-done-submitted = أُرسل المقترح.
festival-done-withdrawn = سُحب المقترح.
festival-follow-title = تابع هذا المهرجان
festival-admin-title = المهرجانات والمجموعات
festival-new = مهرجان أو مجموعة جديدة
festival-field-name = الاسم
festival-field-slug = المعرّف (‎@المعرّف@العقدة)
festival-field-description = الوصف
festival-field-role = النوع
festival-role-festival = مهرجان
festival-field-starts = اليوم الأول
festival-field-ends = اليوم الأخير
festival-field-perimeter = من يمكنه الاقتراح
festival-perimeter-open = كل الأقاليم
festival-perimeter-territories = هذه الأقاليم (معرّفات أو عناوين، مفصولة بفواصل)
festival-perimeter-region = فعاليات منطقة ما
festival-field-latitude = خط العرض
festival-field-longitude = خط الطول
festival-field-radius = نصف القطر (كم)
festival-field-auto-accept = قبول ما يقع داخل النطاق دون انتظار
festival-field-curators = المنسّقون (أسماء المستخدمين، مفصولة بفواصل)
festival-create = إنشاء
