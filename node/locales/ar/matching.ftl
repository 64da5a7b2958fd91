## مطابقة الاحتياجات مع العروض
matching-offers-for-need = عروض قد تلبي هذا الاحتياج
matching-needs-for-offer = احتياجات قد يخدمها هذا العرض
matching-none = لا توجد اقتراحات حاليًا.
matching-reason-concepts = القاسم المشترك: { $concepts }
matching-reason-distance = على بعد { $km } كم
matching-reason-themes = مواضيع مشتركة: { $themes }
matching-reason-other-language = مكتوب بلغة أخرى
