# Hearth CRM — فارسی

app-name = Hearth CRM
app-tagline = مشتریان تیم شما، روی دستگاه‌های خودتان

## Shell
skip-to-content = رفتن به محتوا
nav-label = اصلی
menu-open = باز کردن منو
menu-close = بستن منو
theme-switch-to-dark = رفتن به پوستهٔ تیره
theme-switch-to-light = رفتن به پوستهٔ روشن

nav-dashboard = داشبورد
nav-contacts = مخاطبان
nav-companies = شرکت‌ها
nav-deals = معامله‌ها
nav-activities = فعالیت‌ها
nav-tasks = کارها
nav-settings = تنظیمات

## Pages
dashboard-intro = قیف فروش، پیش‌بینی و کارت امتیازی شما به‌محض ثبت نخستین معامله‌های تیم اینجا نمایش داده می‌شود.
contacts-empty = هنوز مخاطبی ندارید. افرادی که با آن‌ها کار می‌کنید همراه با شرکت، معامله‌ها و همهٔ گفت‌وگوهایشان اینجا فهرست می‌شوند.
companies-empty = هنوز شرکتی ندارید. مشتریان، مشتریان بالقوه، شرکا، نمایندگان و رقبا اینجا فهرست می‌شوند.
deals-empty = هنوز معامله‌ای ندارید. هر قیف فروش اینجا به‌صورت تابلویی از مرحله‌ها نمایش داده می‌شود.
activities-empty = هنوز فعالیتی ثبت نشده است. تماس‌ها، ایمیل‌ها، جلسه‌ها، بازدیدها و یادداشت‌های همهٔ تیم اینجا نمایش داده می‌شوند.
tasks-empty = هنوز کاری ندارید. کارهای شما، کارهای تیم و یادآوری‌ها اینجا نمایش داده می‌شوند.
local-first-note = هرچه وارد می‌کنید در همین مرورگر می‌ماند و بدون اینترنت هم کار می‌کند.

## Settings
settings-language = زبان
settings-language-hint = در نخستین بازدید، زبان مرورگر شما به کار می‌رود.
settings-theme = پوسته
theme-system = مانند سیستم
theme-light = روشن
theme-dark = تیره
settings-formats = قالب‌های منطقه‌ای
formats-date = تاریخ
formats-number = عدد
formats-counting = شمارش
contacts-count = { $count ->
   *[other] { $count } مخاطب
}

## Not found
not-found-title = صفحه پیدا نشد
not-found-body = در این نشانی چیزی وجود ندارد.
not-found-home = رفتن به داشبورد

## Updates and offline
update-available = نسخهٔ تازه‌ای از برنامه آماده است.
update-reload = بارگذاری دوباره
update-later = بعداً

## Contacts
contacts-add-title = افزودن مخاطب
field-name = نام
field-email = ایمیل
contacts-add = افزودن مخاطب
command-refused = ذخیره نشد: { $reason }

## Saving and loading
save-failed = آخرین تغییرات شما روی این دستگاه ذخیره نشد ({ $reason }). این تغییرات در همین زبانه نگه داشته می‌شوند و دوباره تلاش می‌شود.
save-retry = تلاش دوباره
load-problem = بخشی از داده‌های ذخیره‌شده خوانده نشد و کنار گذاشته شد: { $details }
dismiss = بستن

## Team
settings-team = تیم
team-hint = همکارانتان را بیفزایید و سپس انتخاب کنید در این دستگاه کدام‌یک هستید: تغییرات شما با همان نام ثبت می‌شود.
team-me = این منم
team-add = افزودن هم‌تیمی
field-color = رنگ
team-nobody = کسی انتخاب نشده
sync-title = اشتراک و همگام‌سازی
sync-hint = همکاران را به این فضای کاری دعوت کنید. تغییرات با رمزگذاری سرتاسری از راه رله‌ای که این برنامه را فرستاده جابه‌جا می‌شوند: رله فقط متن رمزشده را نگه می‌دارد و نمی‌تواند داده‌های شما را بخواند. هر کس پیوند را داشته باشد می‌تواند بپیوندد، پس آن را خصوصی بفرستید.
sync-not-shared = این فضای کاری فقط روی همین دستگاه است.
sync-offline = آفلاین: تغییرات روی این دستگاه می‌مانند و وقتی رله در دسترس باشد فرستاده می‌شوند.
sync-connecting = در حال اتصال به رله…
sync-syncing = در حال همگام‌سازی با رله…
sync-synced = با رله هم‌گام است.
sync-elsewhere = همگام‌سازی از راه زبانهٔ دیگری از همین مرورگر انجام می‌شود.
sync-pending = { $count ->
    [one] { $count } تغییر در انتظار ارسال
   *[other] { $count } تغییر در انتظار ارسال
}
sync-last = آخرین همگام‌سازی { $when }
sync-problem = مشکل همگام‌سازی: { $reason }
sync-invite = دعوت از همکار
sync-link-label = پیوند دعوت (خصوصی بفرستید)
sync-copy = رونوشت پیوند
sync-copied = پیوند رونوشت شد
join-title = پیوستن به فضای کاری
join-hint = همکاری شما را به فضای کاری‌اش دعوت کرده است. با پیوستن، آن فضا کنار فضاهای شما روی این دستگاه می‌آید و تاریخچه‌اش از رله بارگیری و همین‌جا رمزگشایی می‌شود.
join-bad-link = این پیوند دعوت قابل استفاده نیست: { $reason }
join-button = پیوستن به فضای کاری
join-name = فضای کاری مشترک
territories-title = قلمروها
territories-hint = منطقه‌ها یا بخش‌های بازار که تیم کارش را میان آن‌ها تقسیم می‌کند. به هم‌تیمی‌ها، مخاطبان و شرکت‌ها قلمرو بدهید و سپس هر فهرستی را با آن پالایش کنید.
territory-members = { $count ->
    [one] { $count } هم‌تیمی
   *[other] { $count } هم‌تیمی
}
territory-add = افزودن قلمرو
custom-fields-title = فیلدهای سفارشی
custom-fields-hint = فیلدهای خودتان روی مخاطبان، شرکت‌ها، معامله‌ها، فعالیت‌ها و کارها. در صفحهٔ هر رکورد نشان داده می‌شوند و فهرست‌ها می‌توانند با آن‌ها مرتب، پالایش و گروه‌بندی کنند. نوع فیلد پس از افزودن ثابت است.
custom-fields-empty = هنوز فیلد سفارشی‌ای برای { $kind } نیست.
custom-field-options = گزینه‌ها، هر کدام در یک سطر
custom-field-add = افزودن فیلد

## Workspaces and data
settings-workspaces = فضاهای کاری
workspace-current = باز است
workspace-open = باز کردن
workspace-rename = تغییر نام
workspace-delete = حذف
workspace-delete-confirm = فضای کاری «{ $name }» و همهٔ داده‌هایش از این مرورگر حذف شود؟ این کار بازگشت‌پذیر نیست.
workspace-new-name = نام فضای کاری تازه
workspace-create = ساختن فضای کاری
workspace-default-name = فضای کاری من
settings-data = داده‌های شما
data-hint = هر زمان داده‌هایتان را با خود ببرید: پروندهٔ فضای کاری همهٔ تاریخچه را نگه می‌دارد و JSON را هر برنامه‌ای می‌خواند.
export-automerge = دریافت پروندهٔ فضای کاری
export-json = دریافت به‌صورت JSON
import-file = وارد کردن پروندهٔ فضای کاری
import-hint = پروندهٔ فضای کاری (.automerge) یا خروجی JSON به‌صورت فضای کاری تازه باز می‌شود؛ چیزی از داده‌های کنونی تغییر نمی‌کند.
settings-storage = فضای ذخیره‌سازی این دستگاه
storage-persistent = ماندگار: مرورگر آن را برای آزاد کردن فضا پاک نمی‌کند.
storage-best-effort = ناماندگار: مرورگر ممکن است هنگام کمبود فضا آن را پاک کند. داده‌هایتان را مرتب دریافت کنید.
storage-used = { $used } مگابایت از { $quota } مگابایت در دسترس به کار رفته است

## CRM screens
yes = بله
no = خیر
undo = برگرداندن
redo = انجام دوباره
err-required = پر کردن «{ $field }» الزامی است.
err-email = { $field }: «{ $value }» نشانی ایمیل معتبری نیست.
err-phone = { $field }: «{ $value }» شمارهٔ تلفن معتبری نیست (۵ تا ۲۰ رقم).
err-url = { $field }: «{ $value }» نشانی وب معتبری نیست.
err-date = { $field }: «{ $value }» تاریخ معتبری نیست.
err-color = { $field }: «{ $value }» رنگی مانند #1e40af نیست.
err-choice = { $field }: «{ $value }» جزو گزینه‌ها نیست.
err-range = { $field } باید بین { $min } و { $max } باشد.
err-negative = { $field } نمی‌تواند منفی باشد.
err-too-long = { $field } بیش از حد طولانی است (حداکثر { $max } نویسه).
err-not-found = این رکورد دیگر اینجا وجود ندارد.
err-dangling = { $field } به رکوردی اشاره می‌کند که اینجا وجود ندارد.
err-link-to-trash = { $field } به رکوردی در سطل زباله اشاره می‌کند؛ نخست آن را بازیابی کنید.
err-trashed = این رکورد در سطل زباله است؛ نخست آن را بازیابی کنید.
err-cycle = با این کار، فردی در نمودار سازمانی مدیرِ خودش می‌شود.
err-unknown-stage = قیف فروش مرحله‌ای به نام «{ $stage }» ندارد.
err-no-stages = قیف فروش دست‌کم به یک مرحله نیاز دارد.
err-no-options = فیلد گزینه‌ای دست‌کم به یک گزینه نیاز دارد.
err-fixed-field = { $field } پس از ساخت فیلد تغییر نمی‌کند؛ به جای آن فیلد تازه‌ای بیفزایید.
err-not-customisable = { $kind } نمی‌تواند فیلد سفارشی داشته باشد.
err-deal-closed = این معامله بسته شده است؛ نخست دوباره بازش کنید.
err-reason-required = بگویید چرا معامله ناموفق بود.
err-not-an-option = «{ $value }» از گزینه‌های این فیلد نیست ({ $options }).
err-merge-with-self = یک رکورد را نمی‌توان با خودش ادغام کرد.
err-nothing-to-undo = چیزی برای برگرداندن نیست.
err-nothing-to-redo = چیزی برای انجام دوباره نیست.
err-stage-in-use = نخست { $count } معاملهٔ مرحلهٔ «{ $stage }» را به مرحلهٔ دیگری ببرید.
clear = پاک کردن
empty = خالی
select-all = انتخاب همه
select-record = انتخاب { $name }
no-value = (بدون مقدار)
bulk-tagged = { $count ->
   *[other] برچسب به { $count } رکورد افزوده شد
}
bulk-assigned = { $count ->
   *[other] مسئول { $count } رکورد تعیین شد
}
bulk-restored = { $count ->
   *[other] { $count } رکورد بازیابی شد
}
bulk-trashed = { $count ->
   *[other] { $count } رکورد به سطل زباله منتقل شد
}
search-list = جست‌وجو در این فهرست
anyone = همه
nobody = هیچ‌کس
me-name = { $name } (من)
any-territory = همهٔ مناطق فروش
show-trash = نمایش سطل زباله
records-count = { $count ->
   *[other] { $count } رکورد
}
bulk-actions = عملیات روی رکوردهای انتخاب‌شده
selected-count = { $count ->
   *[other] { $count } مورد انتخاب شده
}
tag-to-add = برچسب برای افزودن
add-tag = افزودن برچسب
assign = واگذاری
restore = بازیابی
move-to-trash = انتقال به سطل زباله
clear-selection = لغو انتخاب
group-by = گروه‌بندی بر اساس
no-grouping = بدون گروه‌بندی
created-at = تاریخ ایجاد
op-empty = خالی است
op-not-empty = خالی نیست
op-equals = برابر است با
op-contains = شامل
op-at-least = دست‌کم
op-at-most = حداکثر
add-filter = افزودن فیلتر
field = فیلد
condition = شرط
value = مقدار
apply = اعمال
active-filters = فیلترهای فعال
remove-filter = حذف فیلتر { $filter }
saved-views = نما
all-records = همهٔ رکوردها
delete-view = حذف نما
save-view = ذخیرهٔ نما
view-name = نام نما
save = ذخیره
view-saved = نمای «{ $name }» ذخیره شد
view-deleted = نما حذف شد
columns = ستون‌ها
err-minutes = مدت باید عددی صحیح بر حسب دقیقه باشد.
err-reminder = زمان یادآوری، تاریخ و ساعت معتبری نیست.
activity-logged = فعالیت ثبت شد
log-activity = ثبت فعالیت
log = ثبت
task-added = کار افزوده شد
add-task = افزودن کار
me = من
restored-name = «{ $name }» بازیابی شد
trashed-name = «{ $name }» به سطل زباله منتقل شد
record-missing-title = رکورد اینجا نیست
record-missing-body = این رکورد در این فضای کاری روی این دستگاه وجود ندارد. شاید هنوز همگام‌سازی نشده باشد یا پیوند نادرست باشد.
in-trash = این رکورد در سطل زباله است. برای کار دوباره با آن، بازیابی‌اش کنید.
details = جزئیات
log-shortcut-hint = میانبر: L را بزنید، سپس C (تماس)، E (ایمیل)، M (جلسه)، V (بازدید) یا N (یادداشت).
kind-contact = مخاطب
kind-company = شرکت
kind-deal = معامله
kind-task = کار
kind-activity = فعالیت
people = افراد
no-people = هنوز کسی در این شرکت نیست. شرکتِ یک مخاطب را تعیین کنید تا اینجا فهرست شود.
org-chart = نمودار سازمانی
direct-reports = زیردستان مستقیم
no-deals = هنوز معامله‌ای نیست.
timeline = خط زمانی
no-activities = هنوز فعالیتی نیست.
no-tasks = کاری نیست.
someone-unknown = کسی
history-created = ایجاد شد
history-trashed = به سطل زباله رفت
history = تاریخچه
contact-added = «{ $name }» افزوده شد
company-added = «{ $name }» افزوده شد
companies-add-title = افزودن شرکت
companies-add = افزودن شرکت
stage-lead = سرنخ
stage-qualified = واجد شرایط
stage-proposal = پیشنهاد
stage-negotiation = مذاکره
pipeline-default-name = فروش
create-pipeline = ساختن قیف فروش
view-as = نمایش به‌صورت
board = تابلو
list = فهرست
edit-pipeline = ویرایش قیف فروش
new-pipeline = قیف فروش تازه
deal-added = معاملهٔ «{ $name }» افزوده شد
add-deal = افزودن معامله
drag-position = { $name }: { $stage }، جایگاه { $position } از { $total }.
drag-picked = { $name } برداشته شد. با کلیدهای جهت‌نما جابه‌جایش کنید، با Space (کلید فاصله) رهایش کنید و با Escape لغو کنید.
drag-dropped = { $name } در مرحلهٔ { $stage } رها شد.
drag-cancelled = جابه‌جایی { $name } لغو شد.
deal-moved = «{ $name }» جابه‌جا شد
deal-moved-short = معامله جابه‌جا شد
drag-help = برای برداشتن یک معامله Space (کلید فاصله) را بزنید، با کلیدهای جهت‌نما جابه‌جایش کنید، با Space یا Enter رهایش کنید و با Escape لغو کنید.
column-totals = { $count } · { $sum } · با احتساب احتمال { $weighted }
draggable-card = معاملهٔ جابه‌جاشدنی
card-position = { $position } از { $total }
move-to-stage = انتقال به مرحله…
deal-reopened = معامله دوباره باز شد
reopen = باز کردن دوباره
deal-won = معامله موفق شد
mark-won = موفق
mark-lost = ناموفق
deal-lost = معامله ناموفق شد
confirm-lost = ثبت به‌عنوان ناموفق
err-probability = هر مرحله به یک نام و احتمالی از ۰ تا ۱۰۰ نیاز دارد.
stage-name = نام مرحله
stage-probability = احتمال (٪)
deals-count = { $count ->
   *[other] { $count } معامله
}
stage-up = انتقال { $name } به بالا
stage-down = انتقال { $name } به پایین
delete = حذف
add-stage = افزودن مرحله
duplicates = موارد تکراری
keyboard-shortcuts = میانبرهای صفحه‌کلید
command = فرمان
find-anything = جست‌وجوی همه‌چیز
find-anything-hint = یک نام یا فرمانی مانند «افزودن کار» بنویسید
results = نتیجه‌ها
close = بستن
overdue = عقب‌افتاده
today = امروز
upcoming = پیش رو
someday = بدون سررسید
done = انجام‌شده
whose = کارهای چه کسی
my-tasks = کارهای من
team-tasks = کارهای تیم
calendar = تقویم
choose-me-hint = در تنظیمات ← تیم انتخاب کنید کدام عضو هستید تا فقط کارهای خودتان را ببینید؛ تا آن زمان همهٔ کارها نمایش داده می‌شوند.
task-reopened = کار دوباره باز شد
task-done = کار انجام شد
complete-task = انجام شد: { $name }
birthday-of = تولد: { $name }
service-overdue = زمان سرویس گذشته است: { $name }
service-due = زمان سرویس است: { $name }
previous = قبلی
next = بعدی
month = ماه
week = هفته
enable-notifications = نمایش یادآوری‌ها به‌صورت اعلان سیستم
reminder = یادآوری
reminders = یادآوری‌ها
mark-done = علامت‌گذاری به‌عنوان انجام‌شده
all-kinds = همهٔ انواع
period = بازهٔ زمانی
all-time = همهٔ زمان‌ها
last-24h = ۲۴ ساعت گذشته
last-7-days = ۷ روز گذشته
last-30-days = ۳۰ روز گذشته
last-90-days = ۹۰ روز گذشته
show-more = نمایش بیشتر
duplicates-intro = رکوردهایی که نشانی ایمیل، شمارهٔ تلفن یا نام یکسانی دارند. پیش از ادغام، هر جفت را بررسی کنید: هیچ چیزی خودکار ادغام نمی‌شود و هر ادغامی را می‌توان برگرداند.
no-duplicates = مورد تکراری احتمالی پیدا نشد.
same-email = ایمیل یکسان { $value }
same-phone = تلفن یکسان { $value }
same-name = نام یکسان
review-merge = بررسی ادغام
merged = ادغام شد؛ مورد تکراری همراه با تاریخچه‌اش در سطل زباله است.
merge-preview = پیش‌نمایش ادغام
keep = نگه داشته می‌شود
merge-in = ادغام می‌شود
result = نتیجه
relinked-count = { $count ->
   *[other] { $count } رکورد مرتبط از این پس به رکورد نگه‌داشته‌شده اشاره خواهد کرد.
}
swap-keep = نگه داشتن آن یکی
merge-now = ادغام
cancel = لغو

## Field labels (field-<name>, built from the schema)
field-emails = ایمیل‌ها
field-phones = تلفن‌ها
field-job_title = سمت
field-company = شرکت
field-reports_to = مدیر مستقیم
field-birthday = تاریخ تولد
field-street = خیابان
field-city = شهر
field-region = استان
field-postcode = کد پستی
field-country = کشور
field-source = منبع
field-owner = مسئول
field-territory = منطقهٔ فروش
field-tags = برچسب‌ها
field-notes = یادداشت‌ها
field-kind = نوع
field-industry = صنعت
field-size = اندازه
field-website = وب‌سایت
field-service_every_months = دورهٔ سرویس (ماه)
field-title = عنوان
field-pipeline = قیف فروش
field-stage = مرحله
field-value = مبلغ
field-probability = احتمال (٪)
field-expected_close = تاریخ پیش‌بینی‌شدهٔ بستن
field-contacts = مخاطبان
field-status = وضعیت
field-lost_reason = دلیل ناموفق بودن
field-closed_at = تاریخ بستن
field-rank = ترتیب در تابلو
field-stages = مرحله‌ها
field-position = جایگاه
field-currency = واحد پول
field-at = زمان
field-duration_minutes = دقیقه
field-direction = جهت
field-subject = موضوع
field-outcome = نتیجه
field-body = جزئیات
field-deal = معامله
field-author = ثبت‌کننده
field-due = سررسید
field-remind_at = زمان یادآوری
field-done = انجام‌شده
field-done_at = زمان انجام
field-assignee = انجام‌دهنده
field-contact = مخاطب
field-recurrence = تکرار
field-every = هر
field-record_kind = نوع رکورد
field-label = عنوان نمایشی
field-field_type = نوع فیلد
field-options = گزینه‌ها
field-query = پرس‌وجو
field-measure = شاخص
field-segment = بخش مشتریان
field-target = هدف
field-tolerance = حد تحمل
field-clv_lifespan_months = طول عمر مشتری (ماه)
field-clv_margin_bp = حاشیه سود (واحد پایه)
field-clv_retention_bp = نرخ نگهداشت سالانه (واحد پایه)
field-clv_discount_bp = نرخ تنزیل (واحد پایه)

## Choice values (choice-<value>)
choice-customer = مشتری
choice-prospect = مشتری بالقوه
choice-partner = شریک
choice-agent = نماینده
choice-competitor = رقیب
choice-other = سایر
choice-open = باز
choice-won = موفق
choice-lost = ناموفق
choice-call = تماس
choice-email = ایمیل
choice-meeting = جلسه
choice-note = یادداشت
choice-visit = بازدید
choice-inbound = ورودی
choice-outbound = خروجی
choice-none = تکرار نمی‌شود
choice-days = هر N روز
choice-months = هر N ماه
choice-yearly = هر سال
choice-text = متن
choice-number = عدد
choice-money = مبلغ
choice-date = تاریخ
choice-select = تک‌گزینه‌ای
choice-multi_select = چندگزینه‌ای
choice-checkbox = چک‌باکس
choice-url = نشانی وب
choice-phone = تلفن

## Dashboard
customer-value = به‌عنوان مشتری (۱۲ ماه گذشته)
customer-no-purchases = در ۱۲ ماه گذشته معاملهٔ برنده‌ای نبوده است.
customer-scores = تازگی { $r } · تکرار { $f } · ارزش { $m } (از ۵)
customer-lifetime = ارزش طول عمر (تنزیل‌شده): { $value }
show-chart = نمایش به‌صورت نمودار
show-table = نمایش به‌صورت جدول
dash-pipeline = قیف فروش
dash-no-pipeline = هنوز قیف فروشی نیست: در صفحهٔ معامله‌ها یکی بسازید.
dash-pipeline-chart = معامله‌های باز به تفکیک مرحله (تعداد · ارزش وزنی)
dash-win-rate = نرخ موفقیت، ۱۲ ماه گذشته
dash-won-lost = { $won } برنده · { $lost } بازنده
dash-rfm = مشتریان بر پایهٔ تازگی و تکرار خرید
dash-rfm-hint = سطرها: تازگی آخرین خرید (۵ تازه‌ترین)؛ ستون‌ها: تکرار خرید (۵ بیشترین)؛ پررنگ‌تر: خرج بیشتر. با انتخاب یک خانه مشتریانش فهرست می‌شوند.
dash-recency-frequency = تازگی \ تکرار
segment-champions = قهرمانان
segment-loyal = وفاداران
segment-potential_loyalist = وفاداران بالقوه
segment-new = مشتریان تازه
segment-promising = امیدوارکننده
segment-needs_attention = نیازمند توجه
segment-about_to_sleep = در آستانهٔ خواب
segment-at_risk = در خطر
segment-cant_lose_them = نباید از دستشان داد
segment-hibernating = خفته
segment-lost = از دست رفته

# Importing records from CSV and vCard
import-title = وارد کردن رکوردها
import-file-title = فایل
import-intro = مخاطبان، شرکت‌ها یا معامله‌ها را از یک صفحه‌گسترده (CSV) یا دفترچهٔ نشانی (vCard) وارد کنید. تا وقتی «وارد کن» را نزنید چیزی نوشته نمی‌شود و یک «واگرد» کل ورود را برمی‌گرداند.
import-kind = محتوای فایل
import-encoding = رمزگذاری متن
import-encoding-auto = تشخیص خودکار
import-choose-file = یک فایل CSV یا vCard انتخاب کنید
import-file-summary = { $name }: ردیف‌ها { $rows }، ستون‌ها { $columns }، خوانده‌شده با { $encoding }.
import-empty-file = فایل زیر سرستون‌ها هیچ ردیفی برای وارد کردن ندارد.
import-open-quote = سطر { $line }: یک خانهٔ داخل گیومه بسته نشده و بقیهٔ فایل در آن خوانده شد. گیومه‌های فایل را بررسی کنید.
import-open-card = سطر { $line }: یک vCard اینجا شروع شده ولی پایان ندارد (END:VCARD نیست).
import-columns = ستون‌ها
import-preset-found = خروجی { $preset } شناسایی شد: ستون‌هایش برایتان نگاشت شد.
import-saved-mapping = نگاشت آخرین ورودِ فایلی با همین ستون‌ها به کار رفت.
import-column-in-file = ستون در فایل
import-first-values = نخستین مقدارها
import-into = وارد شود در
import-skip = وارد نشود
import-first-name = نام
import-middle-name = نام میانی
import-last-name = نام خانوادگی
import-currency-column = واحد پول مبلغ‌ها
import-new-custom = فیلد سفارشی تازه ({ $type })
import-labels-of = برچسب‌های ستون «{ $column }»
import-options = گزینه‌ها
import-default-currency = واحد پول مبلغ‌هایی که واحد ندارند
import-bad-currency = «{ $value }» کد واحد پول نیست؛ سه حرف مانند EUR یا USD بنویسید.
import-create-companies = شرکت‌هایی را که در فایل آمده و هنوز نیستند بساز
import-create-contacts = مخاطبانی را که در فایل آمده و هنوز نیستند بساز
import-pipeline = قیف فروش برای معامله‌هایی که قیف ندارند
import-first-pipeline = نخستین قیف
import-company-kind = نوع شرکت‌های ساخته‌شده
import-preview = پیش‌نمایش: نخستین ردیف‌ها همان‌طور که ذخیره می‌شوند
import-new-link = { $name } (تازه)
import-possible-duplicate = تکراری احتمالی
import-line = سطر
import-status = یادداشت
import-check = بررسی همهٔ ردیف‌ها
import-reading = در حال خواندن فایل…
import-checking = در حال بررسی ردیف‌ها…
import-writing = در حال وارد کردن…
import-review = پیش از وارد کردن
import-rows-read = ردیف‌های فایل
import-ready = آمادهٔ ورود
import-duplicates = تکراری‌های احتمالی
import-rejected = ردیف‌هایی که وارد نمی‌شوند
import-dup-all = برای همهٔ تکراری‌ها
import-dup-skip = از ردیف بگذر
import-dup-merge = با رکورد موجود ادغام کن
import-dup-create = با این حال رکورد تازه بساز
import-dup-as-all = مانند همهٔ تکراری‌ها
import-dup-choice = چه شود
import-dup-choice-for = با سطر { $line } چه شود
import-matches = همخوان با
import-matches-line = سطر { $line } همین فایل
import-same-email = ایمیل یکسان { $value }
import-same-phone = تلفن یکسان { $value }
import-same-name = نام یکسان { $value }
import-reason = دلیل
import-more = …و { $count } مورد دیگر.
import-download-rejected = دانلود این ردیف‌ها به صورت CSV برای اصلاح و ورود دوباره
import-warnings = مقدارهای کنارگذاشته
import-go = وارد کن
import-refused = ورود پذیرفته نشد و چیزی نوشته نشد: { $reason } (سطرهای { $lines })
import-done-title = وارد شد
import-done-summary = تازه: { $created }. ادغام‌شده: { $merged }. ردشده: { $skipped }. واردنشده: { $rejected }.
import-companies-created = شرکت‌های ساخته‌شده: { $count }
import-contacts-created = مخاطبان ساخته‌شده: { $count }
import-pipelines-created = قیف‌های ساخته‌شده: { $count }
import-territories-created = قلمروهای ساخته‌شده: { $count }
import-fields-created = فیلدهای سفارشی ساخته‌شده: { $count }
import-open-list = باز کردن فهرست
import-undo = واگرد این ورود
import-undone = ورود برگردانده شد.
import-err-missing = ستونی برای «{ $field }» برگزینید: هر رکورد به آن نیاز دارد.
import-err-empty-label = فیلد سفارشی تازه نام می‌خواهد: به ستون سرستون بدهید.
import-err-custom-gone = فیلد سفارشی‌ای که این نگاشت به کار می‌برد دیگر نیست؛ برای ستونش مقصد دیگری برگزینید.
import-err-cells = ردیف { $cells } خانه دارد ولی سرستون‌ها { $columns } تا هستند: احتمالاً جداکننده یا گیومه‌ای جا افتاده.
import-err-no-company = شرکتی به نام «{ $name }» نیست (ساختن شرکت خاموش است).
import-err-no-contact = مخاطبی به نام «{ $name }» نیست (ساختن مخاطب خاموش است).
import-err-no-pipeline = قیفی برای این معامله نیست: یکی بسازید یا ستون قیف را نگاشت کنید.
import-err-no-stage = قیف «{ $pipeline }» مرحلهٔ «{ $stage }» ندارد.
import-warn-member = { $field }: هم‌تیمی‌ای به نام «{ $name }» نیست، پس خالی می‌ماند.
import-warn-manager = گزارش به: مخاطبی به نام «{ $name }» اینجا یا در فایل نیست، پس خالی می‌ماند.
import-warn-loop = گزارش به: «{ $name }» در نمودار سازمانی حلقه می‌سازد، پس خالی می‌ماند.
import-warn-empty-choice = فیلد سفارشی «{ $label }» در فایل مقداری ندارد، پس ساخته نشد.
list-export = خروجی
export-csv-view = این فهرست به صورت CSV (با همین پالایه و ستون‌ها)
export-vcard = این مخاطبان به صورت vCard
list-import = وارد کردن از فایل
import-from-files = وارد کردن مخاطبان، شرکت‌ها یا معامله‌ها از CSV یا vCard

# Direct links
sync-peers = همکاران متصل: { $peers }. پیوندهای مستقیم: { $direct }.
