## التقاويم المستوردة (قسم من صفحة إعدادات الإقليم)
calendars-title = التقاويم المستوردة
calendars-lead = اشترك بهذا الإقليم في تقويم خارجي (ملف ICS من Nextcloud أو Google أو Outlook أو Gancio أو Mobilizon…): تُنشر أحداثه هنا وفي الفديفرس، ثم تُحدَّث كل { $interval } دقيقة. والحدث الذي يُحذف من التقويم يُحذف هنا أيضًا.
calendars-mirror-wins = التقويم هو المرجع: الحدث المستورد الذي يُعدَّل هنا يستعيد نسخته من التقويم عند الاستيراد التالي. عدّله في التقويم الأصلي.
calendars-none = لا يوجد أي تقويم بعد.
calendars-url = عنوان التقويم (https:// أو webcal://)
calendars-add = الاشتراك في التقويم
calendars-fetch-now = الجلب الآن
calendars-remove = { $count ->
    [0] إزالة هذا التقويم
    [one] إزالة هذا التقويم (سيُحذف حدثه)
   *[other] إزالة هذا التقويم (ستُحذف أحداثه الـ{ $count })
}
calendars-last-fetch = آخر جلب
calendars-never = أبدًا
calendars-mirrored = الأحداث المستوردة
calendars-last-result = آخر نتيجة
calendars-last-error = آخر خطأ
calendars-nothing-changed = لم يتغير شيء مما استُورد من قبل.
calendars-report = قُرئ { $read } حدثًا: { $created } أُنشئ، { $updated } حُدّث، { $unchanged } دون تغيير، { $deleted } حُذف.
calendars-report-malformed = تُجوهل { $count } حدثًا تعذّرت قراءته.
calendars-report-refused = رفضت قواعد النشر { $count } حدثًا.
calendars-report-over-cap = تُرك { $count } حدثًا: 2000 حدث على الأكثر لكل تقويم.
calendars-report-outside-window = { $count } حدثًا خارج الفترة المستوردة (من آخر 30 يومًا إلى الأشهر الثلاثة القادمة).
calendars-report-recurrences-bounded = { $count } تكرارًا بلا نهاية حُدّ بالأشهر الثلاثة القادمة.
calendars-report-zone-fallbacks = { $count } وقتًا في منطقة زمنية مجهولة ({ $zones })، قُرئ بمنطقة التقويم أو الإقليم.
calendars-report-deletions-held = تعذّرت قراءة بعض الأحداث: لم يُحذف أي شيء.
calendars-upload-title = استيراد ملف ‎.ics
calendars-upload-lead = مرة واحدة، دون اشتراك: تُضاف أحداثه أو تُحدَّث، ولا يُحذف أي منها. { $mib } ميبيبايت على الأكثر.
calendars-file = ملف ‎.ics
calendars-import = استيراد
calendars-file-missing = اختر ملف ‎.ics لاستيراده.
calendars-mirrored-from = هذا الحدث مستورد من التقويم { $url }: ستُستبدل تعديلاتك عند الجلب التالي. عدّله في التقويم الأصلي.
calendars-mirrored-from-file = استُورد هذا الحدث من ملف ‎.ics: إعادة استيراده ستستبدل تعديلاتك.
calendars-error-not-calendar = هذا ليس ملف iCalendar (ربما صفحة HTML، أو صفحة تسجيل دخول؟).
calendars-error-too-large = التقويم كبير جدًا.
calendars-error-not-text = التقويم ليس نصًا بترميز UTF-8.
calendars-error-refused-address = لا تجلب هذه العقدة هذا العنوان (عنوان خاص أو عنوان IP أو منفذ أو http).
calendars-error-status = أجاب خادم التقويم بخطأ.
calendars-error-unreachable = تعذّر الوصول إلى خادم التقويم أو أنه بطيء جدًا.
calendars-error-invalid = أجاب خادم التقويم بما تتعذر قراءته.
calendars-error-forbidden = الشخص الذي أضاف هذا التقويم لم يعد يستطيع النشر لهذا الإقليم: أضفه من جديد.
calendars-error-import = فشل الاستيراد.
calendars-error-busy = يجري جلب هذا التقويم الآن.
admin-done-calendar-added = أُضيف التقويم وجُلب.
admin-done-calendar-removed = أُزيل التقويم.
admin-done-calendar-fetched = جُلب التقويم.
admin-done-calendar-imported = استُورد الملف.
rule-needs-a-calendar-address = أدخل عنوان تقويم
rule-is-not-a-calendar-address = ليس عنوان تقويم
rule-this-territory-already-has-this-calendar = هذا الإقليم مشترك في هذا التقويم بالفعل
