## صور المنشورات

media-legend = صورة
media-file = اختيار صورة
media-replace = استبدال الصورة
media-file-hint = JPEG أو PNG أو WebP أو GIF، بحجم { $max } ميغابايت على الأكثر. يُعاد تحجيمها وتُحذف بياناتها الوصفية (موقع GPS، الجهاز).
media-alt = وصف الصورة
media-alt-hint = ما تُظهره الصورة، لمن لا يستطيع رؤيتها. إلزامي عند إرفاق صورة.
media-current = الصورة الحالية
media-remove = إزالة الصورة
media-choose-again = كان في النموذج خطأ: اختر صورتك من جديد.
media-alt-without-photo = اختر الصورة التي يرافقها هذا الوصف، أو امسح الوصف.
media-not-a-picture = هذا الملف ليس صورة بصيغة JPEG أو PNG أو WebP أو GIF.
media-too-many-pixels = هذه الصورة كبيرة جدًا (50 ميغابكسل و12000 بكسل للضلع على الأكثر).
media-damaged = هذه الصورة تالفة أو ناقصة.
media-too-large = هذا الملف كبير جدًا: 10 ميغابايت على الأكثر.
media-bad-form = تعذّرت قراءة هذا النموذج. أعد تحميل الصفحة وحاول مرة أخرى.
