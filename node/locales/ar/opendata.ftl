## البيانات المفتوحة

open-data-link = البيانات المفتوحة
open-data-title = البيانات المفتوحة
open-data-territory-title = البيانات المفتوحة · { $name }
open-data-lead = كل المنشورات العامة لهذه العقدة (الفعاليات والموارد ودعوات التعاون) وأقاليمها، للتنزيل وإعادة الاستخدام في تطبيقات أخرى.
open-data-territory-lead = المنشورات العامة لهذا الإقليم وبطاقته، للتنزيل وإعادة الاستخدام في تطبيقات أخرى.
open-data-licence = تُنشر نصوص الفعاليات والدعوات والأقاليم بموجب الرخصة
open-data-resource-licence = لكل مورد رخصته الخاصة، مذكورة معه في كل ملف.
open-data-dataset = مجموعة البيانات
open-data-publications = المنشورات
open-data-territories = الأقاليم
open-data-reuse = إعادة استخدام هذه البيانات
open-data-json-ld = JSON-LD: مجموعة ActivityStreams من الكائنات التي تقدّمها العقدة في الفديفيرس، لكل منها رخصته (license).
open-data-csv = CSV: سطر لكل عنصر، بترميز UTF-8، بهذه الأعمدة؛ المواضيع واللغات مفصولة بمسافات:
open-data-api = هذه العناوين هي الواجهة البرمجية أيضًا: يمكن لأي موقع قراءتها من المتصفح (CORS مفتوح)، مثلًا { $base }/open-data/publications.jsonld.
open-data-by-territory = حسب الإقليم
open-data-all = كل بيانات العقدة
