# ما يُقال لمحرري النداء عندما يتوافق معه منشور جديد.
notices-title = توافقات جديدة
notice-match = قد يستجيب لندائكم:
notices-unseen = { $count ->
    [0] لا جديد
    [one] واحدة جديدة
    [two] اثنتان جديدتان
    [few] { $count } جديدة
    [many] { $count } جديدة
   *[other] { $count } جديدة
}
notice-new = جديد
notices-all = كل التوافقات
notices-mark-seen = وضع علامة "تمت المشاهدة"
notices-none = لا توجد توافقات بعد.
