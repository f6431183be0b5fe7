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
