## E-mail: letters the node sends (node/src/mail/); subject and body of each kind

mail-new-registration-subject = تسجيل جديد: { $event }
mail-new-registration-body =
    مرحبًا،

    سجّل { $name } في «{ $event }» ({ $territory }).

    الاطلاع على التسجيلات: { $link }

    — Rhizome
mail-follow-request-subject = طلب متابعة لـ { $territory }
mail-follow-request-body =
    مرحبًا،

    يطلب { $actor } متابعة { $territory }. الطلب بانتظار قرارك.

    القبول أو الرفض: { $link }

    — Rhizome
mail-new-answer-subject = ردّ جديد على دعوتك «{ $call }»
mail-new-answer-body =
    مرحبًا،

    ردّ { $from } على دعوة «{ $call }» الخاصة بـ { $territory }:

    { $message }

    القراءة واتخاذ القرار: { $link }

    — Rhizome
mail-new-match-subject =
    { $count ->
        [one] تطابق جديد لدعوات { $territory }
       *[other] تطابقات جديدة ({ $count }) لدعوات { $territory }
    }
mail-new-match-body =
    مرحبًا،

    قد تستجيب منشورات جديدة لدعوات { $territory }:

    { $matches }

    الاطلاع عليها: { $link }

    — Rhizome
mail-digest-subject =
    { $count ->
        [one] ملخّصك اليومي: خبر واحد
       *[other] ملخّصك اليومي: { $count } أخبار
    }
mail-digest-body =
    مرحبًا،

    إليك أخبار أقاليمك منذ الملخّص الأخير.

    { $news }


    إدارة أقاليمك: { $link }
    (تتلقى ملخّصًا واحدًا في اليوم؛ يمكنك تغيير ذلك من صفحة حسابك.)

    — Rhizome
mail-answer-accepted-subject = قُبل ردّك على «{ $call }»
mail-answer-accepted-body =
    مرحبًا { $name }،

    قبِل { $territory } ردّك على دعوة «{ $call }». سيتواصل معك الفريق على هذا العنوان.

    الدعوة: { $link }

    — Rhizome
mail-answer-declined-subject = ردّك على «{ $call }»
mail-answer-declined-body =
    مرحبًا { $name }،

    شكرًا على ردّك على دعوة «{ $call }». لم يعتمده { $territory } هذه المرة.

    الدعوة: { $link }

    — Rhizome
mail-invitation-subject = دعوة للانضمام إلى { $node }
mail-invitation-body =
    مرحبًا،

    أنت مدعوّ لإنشاء حسابك على { $node }. افتح هذا الرابط لاختيار اسمك وكلمة المرور:

    { $link }

    يُستخدم الرابط مرة واحدة ويبقى صالحًا لمدة { $days } أيام.

    — Rhizome
mail-reset-link-subject = اختيار كلمة مرور جديدة على { $node }
mail-reset-link-body =
    مرحبًا { $name }،

    يرسل إليك أحد مسؤولي { $node } رابطًا لاختيار كلمة مرور جديدة:

    { $link }

    يُستخدم الرابط مرة واحدة ويبقى صالحًا لمدة { $hours } ساعة. ستُغلق جلساتك المفتوحة.

    — Rhizome

## Account page: the mail section

account-mail-title = البريد الإلكتروني
account-mail-email = عنوان البريد الإلكتروني
account-mail-email-hint = اتركه فارغًا كي لا تتلقى أي بريد.
account-mail-news = أخبار أقاليمك التي تريد تلقيها
account-mail-kind-new-registration = التسجيلات الجديدة في فعالياتك
account-mail-kind-follow-request = طلبات المتابعة التي تنتظر الموافقة
account-mail-kind-new-answer = الردود على دعواتك
account-mail-kind-new-match = التطابقات الجديدة لدعواتك
account-mail-digest = جمع كل شيء في ملخّص واحد يوميًا
account-mail-save = حفظ
account-mail-saved = حُفظت اختياراتك للبريد.
account-mail-off = لا ترسل هذه العقدة بريدًا بعد: ستُطبّق اختياراتك حين تبدأ بذلك.
