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
search-contacts = جست‌وجو با نام، ایمیل، تلفن یا شهر

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
