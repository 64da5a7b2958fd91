## التسجيل في الفعاليات: قائمة الانتظار، قرارات المنظِّمين، رابط الإلغاء، الرسائل

register-waitlisted = الفعالية مكتملة: أنت على قائمة الانتظار. سنكتب إليك فور شغور مكان.
register-waitlist-hint = الفعالية مكتملة: بالتسجيل تنضمّ إلى قائمة الانتظار.
registration-state-waitlisted = قائمة الانتظار

reg-manage-link = إدارة التسجيلات
reg-page-title = التسجيلات: { $event }
reg-summary = { $accepted } مسجَّلون، { $pending } بانتظار القرار، { $waitlisted } على قائمة الانتظار.
reg-capacity = الأماكن: { $capacity }
reg-capacity-none = الأماكن: بلا حدّ
reg-position = رقم { $position }
reg-decide = القرار
reg-approve = قبول
reg-refuse = رفض
reg-refuse-confirm = رفض هذا التسجيل؟ سيُبلَّغ صاحبه.
reg-export = تصدير بصيغة CSV
reg-back = العودة إلى الفعالية
reg-message-title = الكتابة إلى جميع المسجَّلين
reg-message-label = رسالتك
reg-message-hint = يتلقّى كلّ من سجّل من الصفحة بريدًا إلكترونيًا، ويتلقّى كلّ حساب مقبول في الفديفرس رسالة مباشرة.
reg-message-submit = إرسال
reg-done-approved = قُبل التسجيل وأُبلغ صاحبه.
reg-done-refused = رُفض التسجيل وأُبلغ صاحبه.
reg-done-removed = سُحب التسجيل.
reg-done-unchanged = لم يتغيّر شيء: سبق البتّ في هذا التسجيل.
reg-done-sent = أُرسلت الرسالة.
reg-bad-decision = قرار غير معروف: اختر القبول أو الرفض.
reg-message-empty = الرسالة فارغة.
reg-events = التسجيلات حسب الفعالية
reg-events-none = لا فعالية قادمة.

reg-cancel-title = إلغاء تسجيلك
reg-cancel-text = { $name }، أنت مسجَّل في «{ $event }». يمكنك الإلغاء: سيذهب مكانك إلى الشخص التالي على قائمة الانتظار.
reg-cancel-submit = إلغاء تسجيلي
reg-cancel-done = أُلغي تسجيلك في «{ $event }». شكرًا لأنك أفسحت مكانك.
reg-cancel-unknown = رابط الإلغاء هذا غير صالح: سبق استعماله، أو لم يعد التسجيل موجودًا.

mail-registration-received-subject = وصل طلب التسجيل: { $event }
mail-registration-received-body =
    مرحبًا { $name }،

    وصل طلب تسجيلك في «{ $event }» ({ $when }). سيؤكّده المنظِّمون، وستصلك رسالة بذلك.

    الفعالية: { $link }
    لإلغاء طلبك: { $cancel }
mail-registration-confirmed-subject = تأكّد التسجيل: { $event }
mail-registration-confirmed-body =
    مرحبًا { $name }،

    تأكّد تسجيلك في «{ $event }» ({ $when }).

    الفعالية: { $link }
    إن لم تعد تستطيع الحضور فألغِ من هنا ليشغر مكانك: { $cancel }
mail-registration-refused-subject = لم يُقبل التسجيل: { $event }
mail-registration-refused-body =
    مرحبًا { $name }،

    لم يتمكّن منظِّمو «{ $event }» ({ $when }) من قبول تسجيلك. نأسف لذلك.

    الفعالية: { $link }
mail-registration-promoted-subject = شغر مكان: { $event }
mail-registration-promoted-body =
    مرحبًا { $name }،

    شغر مكان في «{ $event }» ({ $when }): صار لك، وتأكّد تسجيلك.

    الفعالية: { $link }
    إن لم تعد تستطيع الحضور فرابط الإلغاء في رسالتنا الأولى ما زال صالحًا.
mail-registration-waitlisted-subject = على قائمة الانتظار: { $event }
mail-registration-waitlisted-body =
    مرحبًا { $name }،

    «{ $event }» ({ $when }) مكتملة: أنت على قائمة الانتظار. فور شغور مكان يذهب إلى أول شخص في القائمة ونكتب إليه.

    الفعالية: { $link }
    لمغادرة قائمة الانتظار: { $cancel }
mail-registration-reminder-subject = غدًا: { $event }
mail-registration-reminder-body =
    مرحبًا { $name }،

    تذكير: أنت مسجَّل في «{ $event }»، { $when }.

    الفعالية: { $link }
    إن لم تعد تستطيع الحضور فرابط الإلغاء في رسالتنا الأولى يُفسح مكانك.
mail-organiser-message-subject = رسالة من المنظِّمين: { $event }
mail-organiser-message-body =
    مرحبًا { $name }،

    يكتب إليك { $territory } بشأن «{ $event }» ({ $when }):

    { $message }

    الفعالية: { $link }
