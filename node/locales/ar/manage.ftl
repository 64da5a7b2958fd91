## Management pages: followers, moderation, territory settings, federation

admin-territory-nav = إدارة { $name }
admin-followers-title = المتابِعون والاشتراكات
admin-comments-title = الإشراف على الردود
admin-settings-title = ملف الإقليم
admin-since = منذ
admin-bad-form = هذا النموذج غير مكتمل.

admin-done-approved = قُبل الطلب: أُبلغ المتابِع بذلك.
admin-done-refused = رُفض الطلب.
admin-done-followed = أُرسل طلب المتابعة.
admin-done-unfollowed = أُوقفت المتابعة.
admin-done-hidden = أُخفي الرد.
admin-done-saved = حُفظ الملف.
admin-done-blocked = حُظر النطاق.
admin-done-unblocked = رُفع الحظر عن النطاق.

## Followers
admin-pending-title = طلبات المتابعة
admin-pending-automatic = يقبل هذا الإقليم متابِعيه تلقائيًا؛ ويتيح ملفه المصادقة عليهم واحدًا واحدًا.
admin-no-pending = لا طلبات قيد الانتظار.
admin-approve = قبول
admin-refuse = رفض
admin-no-such-follower = طلب المتابعة هذا لم يعد موجودًا.
admin-accepted-title = المتابِعون
admin-no-followers = لا متابِعين بعد.
admin-following-title = الأقاليم المتابَعة
admin-no-following = لا يتابع هذا الإقليم أحدًا بعد.
admin-follow-state-pending = في انتظار القبول
admin-follow-state-accepted = مقبول
admin-scope = فقط:
admin-unfollow = إلغاء المتابعة
admin-follow-title = متابعة إقليم آخر
admin-target = عنوان الإقليم
admin-target-hint = معرّفه (@fablab@example.org) أو عنوان صفحته.
admin-target-required = أدخل معرّف الإقليم المراد متابعته أو عنوانه.
admin-target-not-found = لا يوجد إقليم يستجيب على هذا العنوان.
admin-target-unreachable = هذا الخادم لا يستجيب حاليًا. حاول لاحقًا.
admin-scope-kinds = استقبال هذه الأنواع من المنشورات فقط
admin-scope-themes = استقبال هذه المواضيع فقط
admin-scope-hint = إن لم تُحدَّد أي خانة، يُستقبل كل شيء.
admin-follow = متابعة

## Moderation
admin-comments-hint = آخر الردود الواردة من الفديفرس على منشورات هذا الإقليم. يختفي الرد المخفي من الصفحة العامة، حتى لو أُرسل من جديد.
admin-comment-on = على
admin-hide = إخفاء
admin-no-comments = لا ردود للإشراف عليها.

## Settings
field-name = الاسم
field-languages = اللغات
field-website = الموقع الإلكتروني
field-contact = وسيلة الاتصال
field-manually-approves = المصادقة على كل متابِع جديد قبل قبوله

## Federation
admin-federation-title = فدرالية العقدة
admin-pending-deliveries = إرسالات قيد الانتظار
admin-peers = العُقد النظيرة
admin-peers-count = المعروفة: { $known }، الموثّقة منها: { $verified }
admin-servers-title = الخوادم البعيدة
admin-server = الخادم
admin-queued = في قائمة الانتظار
admin-last-success = آخر إرسال ناجح
admin-failures = الإخفاقات المتتالية
admin-next-attempt = المحاولة التالية
admin-server-state = الحالة
admin-never = أبدًا
admin-server-dead = يتعذّر الوصول إليه
admin-server-failing = متعثّر
admin-server-ok = عادي
admin-no-servers = لا تبادل مع خوادم أخرى بعد.
admin-blocks-title = النطاقات المحظورة
admin-no-blocks = لا نطاقات محظورة.
admin-unblock = رفع الحظر
admin-block-configured = (ملف الإعدادات)
admin-block-title = حظر نطاق
admin-domain = النطاق
admin-reason = السبب (اختياري)
admin-block = حظر
admin-bad-domain = أدخل اسم نطاق، مثل spam.example.
