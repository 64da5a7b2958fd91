## لوحة المطابقة و«من يمكنه المساعدة»
matchboard-title = لوحة المطابقة
matchboard-intro = كل حاجة مفتوحة يعرفها هذا الخادم، مع العروض والموارد والأماكن التي يمكن أن تلبيها.
matchboard-no-needs = لا توجد حاجة مفتوحة لهذه المرشحات.
matchboard-bad-filter = مرشحات غير مقروءة: تحقق من الموضوع والمكان (خط العرض،خط الطول،كم).
matchboard-inventory-of = يشاركه { $territory }
nav-matching = المطابقة
