## Frame
skip-to-content = الانتقال إلى المحتوى
nav-label = التصفح الرئيسي
nav-agenda = الأجندة
nav-resources = الموارد
nav-calls = النداءات
nav-network = الشبكة
nav-map = الخريطة
nav-manage = الإدارة
language-switcher = اللغة
login = تسجيل الدخول
logout = تسجيل الخروج ({ $name })
footer = Rhizome على { $domain } · برمجية حرة اتحادية
back-home = العودة إلى الصفحة الرئيسية

## Errors
error-not-found = هذه الصفحة غير موجودة.
error-no-territory = هذا الإقليم غير موجود.
error-gone = حُذف هذا المنشور.
error-internal = حدث خطأ داخلي. حاول مجددًا بعد قليل.
error-forbidden = لا يحق لك القيام بهذا.
error-csrf = انتهت صلاحية هذا النموذج أو أنه لم يصدر عن هذا الموقع. أعد تحميل الصفحة وحاول من جديد.

## Home and lists
home-lead = { $count ->
    [0] لا يُستضاف هنا أي إقليم بعد.
    [one] إقليم متعلّم واحد ينشر هنا فعالياته وموارده ونداءاته.
    [two] إقليمان متعلّمان ينشران هنا فعالياتهما ومواردهما ونداءاتهما.
    [few] { $count } أقاليم متعلّمة تنشر هنا فعالياتها ومواردها ونداءاتها.
    [many] { $count } إقليمًا متعلّمًا تنشر هنا فعالياتها ومواردها ونداءاتها.
   *[other] { $count } إقليم متعلّم تنشر هنا فعالياتها ومواردها ونداءاتها.
}
home-agenda = الفعاليات القادمة
home-territories = الأقاليم على هذه العقدة
home-resources = أحدث الموارد
home-calls = نداءات للتعاون
see-agenda = الأجندة كاملة
see-map = عرض الخريطة
ical-subscribe = الاشتراك في التقويم (iCal)
atom-feed = موجز Atom
no-events = لا توجد فعاليات قادمة.
no-resources = لا توجد موارد بعد.
no-calls = لا توجد نداءات مفتوحة.
no-territories = لا توجد أقاليم بعد.
deadline = حتى { $date }
upcoming-events = الفعاليات القادمة
past-events = الفعاليات السابقة
followers = { $count ->
    [0] لا متابِعين
    [one] متابِع واحد
    [two] متابِعان
    [few] { $count } متابِعين
    [many] { $count } متابِعًا
   *[other] { $count } متابِع
}

## Territory
follow-title = متابعة هذا الإقليم
follow-mastodon = من ماستودون أو أي حساب آخر في الفديفرس، ابحث عن هذا الاسم وتابِعه:
copy = نسخ

## Publication
kind-event = فعالية
kind-resource = مورد
kind-call = نداء
when = متى
where = أين
online-link = رابط المشاركة عبر الإنترنت
price = السعر
free = مجاني
paid = مدفوع
capacity = الأماكن
capacity-value = { $capacity ->
    [one] مكان واحد
    [two] مكانان
    [few] { $capacity } أماكن
    [many] { $capacity } مكانًا
   *[other] { $capacity } مكان
}
places-left = { $count ->
    [0] مكتمل
    [one] بقي مكان واحد
    [two] بقي مكانان
    [few] بقيت { $count } أماكن
    [many] بقي { $count } مكانًا
   *[other] بقي { $count } مكان
}
audience = الجمهور
audience-everyone = لجميع الفئات
open-map = عرض على OpenStreetMap
add-to-calendar = إضافة إلى تقويمي (.ics)
register-title = التسجيل
register-name = اسمك
register-email = بريدك الإلكتروني
register-privacy = لا يُرسَل عنوانك إلا إلى المنظِّمين.
register-submit = سجّلني
register-external = التسجيل على موقع المنظِّم
register-none = الدخول حر، دون تسجيل.
register-closed = التسجيل مغلق.
register-accepted = تمّ تسجيلك.
register-pending = وصل طلبك: سيؤكّده المنظِّمون.
register-full = عذرًا، الفعالية مكتملة.
register-name-invalid = أدخل اسمك (100 حرف على الأكثر).
register-email-invalid = يبدو أن عنوان البريد الإلكتروني هذا غير صالح.
register-email-taken = هذا العنوان مسجَّل بالفعل في هذه الفعالية.
register-too-many = تسجيلات كثيرة جدًا من اتصالك. حاول مجددًا بعد بضع دقائق.
share = مشاركة
share-link = رابط هذه الصفحة
share-fediverse = الصق هذا الرابط في بحث ماستودون للعثور عليه أو مشاركته أو الرد عليه.
comments-title = ردود من الفديفرس
no-comments = لا ردود بعد.
editor-actions = إجراءات التحرير
edit = تعديل
delete = حذف
delete-confirm = حذف هذا المنشور نهائيًا؟

## Account
login-title = دخول المحرّرين
username = اسم المستخدم
password = كلمة المرور
login-help = ليس لديك حساب بعد؟ يمكن لمسؤول العقدة أن ينشئ لك حسابًا.
login-wrong = اسم المستخدم أو كلمة المرور غير صحيحة.
login-too-many = محاولات كثيرة جدًا. أعد المحاولة بعد بضع دقائق.
login-too-many-wait = محاولات كثيرة جدًا. أعد المحاولة بعد { $minutes ->
    [one] دقيقة
    [two] دقيقتين
    [few] { $minutes } دقائق
   *[other] { $minutes } دقيقة
}.

## Manage
manage-title = أقاليمي
manage-no-territory = لست محرّرًا لأي إقليم حتى الآن.
manage-nothing-yet = لم يُنشر شيء بعد.
manage-publications = منشورات { $name }
manage-kind = النوع
manage-actions = الإجراءات
new-event = فعالية جديدة
new-resource = مورد جديد
new-call = نداء جديد
form-title-event = فعالية
form-title-resource = مورد
form-title-call = نداء للتعاون
form-has-error = في النموذج خطأ:
save = حفظ
cancel = إلغاء
markdown-hint = تنسيق Markdown: **غامق**، *مائل*، [رابط](https://…)، قوائم تبدأ بـ«- ».
timezone-hint = منطقة زمنية من IANA، مثل Europe/Paris.
tags-hint = مفصولة بفواصل.
field-title = العنوان
field-starts-at = البداية
field-ends-at = النهاية
field-timezone = المنطقة الزمنية
field-description = الوصف
field-format = الصيغة
field-place-name = المكان
field-place-address = عنوان المكان
field-latitude = خط العرض
field-longitude = خط الطول
field-online-url = الرابط عبر الإنترنت
field-free = مجاني
field-price = السعر
field-capacity = عدد الأماكن
field-registration = التسجيل
field-registration-url = رابط التسجيل الخارجي
field-themes = المواضيع
field-tags = الكلمات المفتاحية
field-language = اللغة
field-status = الحالة
field-resource-type = نوع المورد
field-summary = الملخّص
field-body = المحتوى
field-call-type = نوع النداء
field-deadline = الموعد النهائي

## Fixed values
format-on_site = حضوري
format-online = عبر الإنترنت
format-hybrid = حضوري وعبر الإنترنت
registration-none = دون تسجيل
registration-open = التسجيل على هذه الصفحة
registration-approval = تسجيل يصادق عليه المنظِّمون
registration-external = التسجيل على موقع آخر
status-scheduled = مقرَّر
status-postponed = مؤجَّل
status-cancelled = ملغى
call-status-open = مفتوح
call-status-in_progress = جارٍ
call-status-closed = مغلق
call-type-need = حاجة
call-type-offer = عرض
call-type-partners = بحث عن شركاء
call-type-project = مشروع
resource-type-guide = دليل
resource-type-recording = تسجيل
resource-type-proceedings = وقائع
resource-type-toolkit = مجموعة أدوات
resource-type-dataset = بيانات
resource-type-lessons_learned = الدروس المستفادة
resource-type-course = تدريب
resource-type-other = أخرى
theme-climate = المناخ والبيئة
theme-mobility = التنقّل
theme-food_health = الغذاء والصحة
theme-urban_life = الحياة الحضرية والمواطنة
theme-social_economy = الاقتصاد الاجتماعي والتضامني
theme-culture = الفنون والثقافة
theme-science_digital = العلوم والتقنيات الرقمية
territory-kind-learning_territory = إقليم متعلّم
territory-kind-learning_city = مدينة التعلم
territory-kind-tiers_lieu = فضاء ثالث
territory-kind-living_lab = مختبر حيّ
territory-kind-fablab = فاب لاب
territory-kind-educational_city = مدينة تربوية
territory-kind-association = جمعية
territory-kind-network = شبكة
language-fr = الفرنسية
language-en = الإنجليزية
language-es = الإسبانية
language-de = الألمانية
language-it = الإيطالية
language-ar = العربية
age-0-6 = من 0 إلى 6 سنوات
age-6-11 = من 6 إلى 11 سنة
age-12-17 = من 12 إلى 17 سنة
age-18-25 = من 18 إلى 25 سنة
age-adults = البالغون
age-seniors = كبار السن

## Network lists, directory and map
filters = تصفية
filter-words = كلمات
filter-any = الكل
filter-kind = نوع المكان
filter-territory = الإقليم (@name@node)
filter-from = من
filter-to = إلى
filter-near = حول نقطة
filter-km = نصف القطر (كم)
filter-apply = تطبيق
filter-clear = مسح الكل
filter-bad-near = للبحث حول نقطة، أدخل خط العرض وخط الطول ونصف قطر بالكيلومتر.
filter-bad-date = تاريخ غير صالح: استخدم الصيغة YYYY-MM-DD.
list-title-event = أجندة الشبكة
list-title-resource = موارد الشبكة
list-title-call = نداءات للتعاون
list-lead = ما تنشره أقاليم هذه العقدة والأقاليم التي تتابعها.
list-empty = لا شيء يطابق بحثك حاليًا.
from-remote = من { $name } ({ $node })
pager = الصفحات
pager-previous = → السابق
pager-next = التالي ←
network-title = دليل الشبكة
network-lead = { $count ->
    [0] لم يُعثر على أي إقليم.
    [one] إقليم واحد، هنا أو على العُقد النظيرة الموثّقة.
    [two] إقليمان، هنا أو على العُقد النظيرة الموثّقة.
    [few] { $count } أقاليم، هنا وعلى العُقد النظيرة الموثّقة.
    [many] { $count } إقليمًا، هنا وعلى العُقد النظيرة الموثّقة.
   *[other] { $count } إقليم، هنا وعلى العُقد النظيرة الموثّقة.
}
network-empty = لا يوجد إقليم مطابق.
distance-km = على بعد { $km } كم
map-title = خريطة الأقاليم والفعاليات
map-needs-js = تحتاج الخريطة التفاعلية إلى JavaScript؛ القائمة أدناه تضم الأماكن نفسها.
map-list = أماكن الخريطة

## Registrations, for organisers
registrations-title = { $count ->
    [0] التسجيلات
    [one] تسجيل واحد
    [two] تسجيلان
    [few] { $count } تسجيلات
    [many] { $count } تسجيلًا
   *[other] { $count } تسجيل
}
registrations-none = لم يسجّل أحد بعد.
registrations-name = الاسم
registrations-contact = وسيلة الاتصال
registrations-state = الحالة
registrations-remove = إزالة
registrations-remove-confirm = هل تريد إزالة هذا التسجيل؟ سيصبح مكانه شاغرًا.
registrations-at = تاريخ الاستلام
registration-state-accepted = مقبول
registration-state-pending = قيد الانتظار
registration-state-rejected = مرفوض

## Validation rules (from the domain), by their words
rule-other = هذه القيمة غير مقبولة ({ $rule }).
rule-max-characters = { $max ->
    [one] حرف واحد على الأكثر
    [two] حرفان على الأكثر
    [few] { $max } أحرف على الأكثر
    [many] { $max } حرفًا على الأكثر
   *[other] { $max } حرف على الأكثر
}
rule-must-not-be-empty = لا يمكن أن يكون فارغًا
rule-must-be-an-http-or-https-url = يجب أن يكون عنوانًا على الويب (http أو https)
rule-must-be-after-starts-at = يجب أن يكون بعد البداية
rule-is-required-for-an-on-site-or-hybrid-event = إلزامي لفعالية حضورية أو هجينة
rule-is-required-for-an-online-or-hybrid-event = إلزامي لفعالية عبر الإنترنت أو هجينة
rule-must-be-at-least-1-when-given = يجب ألا يقل عن 1
rule-is-required-for-external-registration = إلزامي للتسجيل على موقع آخر
rule-must-be-between-90-and-90 = يجب أن يكون بين -90 و90
rule-must-be-between-180-and-180 = يجب أن يكون بين -180 و180
rule-is-required-when-latitude-is-given = إلزامي عند إدخال خط العرض
rule-is-required-when-longitude-is-given = إلزامي عند إدخال خط الطول
rule-must-be-between-0-and-20000 = يجب أن يكون بين 0 و20000
rule-must-be-at-least-10-characters = يجب أن يتكوّن من 10 أحرف على الأقل
rule-unknown-timezone = منطقة زمنية غير معروفة: استخدم اسمًا من IANA مثل Europe/Paris.
rule-invalid-type = قيمة من نوع خاطئ (يُنتظر رقم؟).
rule-must-be-a-language-code-such-as-fr-or-pt-br = يجب أن يكون رمز لغة مثل «fr» أو «pt-BR»
rule-an-event-may-last-at-most-366-days = لا تتجاوز مدة الفعالية 366 يومًا

## Reports from other servers
reports-title = { $count ->
    [0] البلاغات
    [one] بلاغ واحد للمعالجة
    [two] بلاغان للمعالجة
    [few] { $count } بلاغات للمعالجة
    [many] { $count } بلاغًا للمعالجة
   *[other] { $count } بلاغ للمعالجة
}
reports-none = لا بلاغات للمعالجة.
report-from = أُبلغ عنه من { $host }
report-resolve = وضع علامة «تمت المعالجة»
admin-done-resolved = تمت معالجة البلاغ.
rule-must-not-be-in-the-past = مضى بالفعل: تحقّق من التاريخ
rule-must-be-on-one-line-without-line-breaks-or-tabs = يجب أن يكون في سطر واحد (بلا فواصل أسطر ولا علامات جدولة)
rule-must-not-contain-control-characters = يجب ألا يحتوي على محارف تحكّم (محارف غير مرئية مثل NUL)
rule-must-be-between-the-years-1900-and-2200 = يجب أن يكون بين عامَي 1900 و2200
hide-remote = إخفاء على هذه العقدة
hide-remote-confirm = إزالة هذا المنشور من عروض هذه العقدة؟ لن يعود.
preview = معاينة
preview-notice = معاينة: لم يُنشر شيء بعد. احفظ للنشر.

## Node settings
node-settings-title = إعدادات العقدة
node-settings-name = اسم العقدة
node-settings-name-hint = فارغ: «{ $default }»، الاسم الوارد في ملف الإعدادات.
node-settings-about = التقديم (الصفحة الرئيسية)
node-settings-config = يُضبط النطاق وقاعدة البيانات ووضع المحور (hub) والنظراء الأوّليون وخادم بلاطات الخريطة في ملف الإعدادات (انظر README).
