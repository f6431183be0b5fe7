# Hearth CRM — русский

app-name = Hearth CRM
app-tagline = Клиенты вашей команды — на ваших собственных устройствах

## Shell
skip-to-content = Перейти к содержимому
nav-label = Главное меню
menu-open = Открыть меню
menu-close = Закрыть меню
theme-switch-to-dark = Включить тёмную тему
theme-switch-to-light = Включить светлую тему

nav-dashboard = Сводка
nav-contacts = Контакты
nav-companies = Компании
nav-deals = Сделки
nav-activities = Активности
nav-tasks = Задачи
nav-settings = Настройки

## Pages
dashboard-intro = Воронка, прогноз и сбалансированная система показателей появятся здесь, как только команда внесёт первые сделки.
contacts-empty = Контактов пока нет. Здесь будут люди, с которыми вы работаете, — с их компаниями, сделками и всеми разговорами.
companies-empty = Компаний пока нет. Здесь будут клиенты, потенциальные клиенты, партнёры, агенты и конкуренты.
deals-empty = Сделок пока нет. Каждая воронка появится здесь в виде доски этапов.
activities-empty = Активностей пока нет. Здесь появятся звонки, письма, встречи, визиты и заметки всей команды.
tasks-empty = Задач пока нет. Здесь появятся ваши задачи, задачи команды и напоминания.
local-first-note = Всё, что вы вводите, остаётся в этом браузере и работает без сети.

## Settings
settings-language = Язык
settings-language-hint = При первом посещении используется язык браузера.
settings-theme = Тема
theme-system = Как в системе
theme-light = Светлая
theme-dark = Тёмная
settings-formats = Региональные форматы
formats-date = Дата
formats-number = Число
formats-counting = Счёт
contacts-count = { $count ->
    [one] { $count } контакт
    [few] { $count } контакта
    [many] { $count } контактов
   *[other] { $count } контакта
}

## Not found
not-found-title = Страница не найдена
not-found-body = По этому адресу ничего нет.
not-found-home = Перейти к сводке

## Updates and offline
update-available = Доступна новая версия приложения.
update-reload = Обновить
update-later = Позже

## Contacts
contacts-add-title = Новый контакт
field-name = Имя
field-email = Эл. почта
contacts-add = Добавить контакт
command-refused = Не сохранено: { $reason }

## Saving and loading
save-failed = Последние изменения не удалось сохранить на этом устройстве ({ $reason }). Они сохранены в этой вкладке, попытка будет повторена.
save-retry = Повторить сейчас
load-problem = Часть сохранённых данных не удалось прочитать, она пропущена: { $details }
dismiss = Закрыть

## Team
settings-team = Команда
team-hint = Добавьте коллег и выберите, кто из них вы на этом устройстве: ваши изменения будут подписаны этим именем.
team-me = Это я
team-add = Добавить коллегу
field-color = Цвет
team-nobody = Никто не выбран
sync-title = Совместная работа и синхронизация
sync-hint = Пригласите коллег в это рабочее пространство. Изменения передаются со сквозным шифрованием через ретранслятор, с которого загружено приложение: он хранит только шифротекст и не может прочитать ваши данные. Присоединиться может любой, у кого есть ссылка, поэтому отправляйте её лично.
sync-not-shared = Это рабочее пространство есть только на этом устройстве.
sync-offline = Нет связи: изменения ждут на этом устройстве и уйдут, когда ретранслятор станет доступен.
sync-connecting = Подключение к ретранслятору…
sync-syncing = Синхронизация с ретранслятором…
sync-synced = Всё синхронизировано с ретранслятором.
sync-elsewhere = Синхронизация идёт через другую вкладку этого браузера.
sync-pending = { $count ->
    [one] { $count } изменение ждёт отправки
    [few] { $count } изменения ждут отправки
    [many] { $count } изменений ждут отправки
   *[other] { $count } изменения ждут отправки
}
sync-last = Последняя синхронизация { $when }
sync-problem = Проблема синхронизации: { $reason }
sync-invite = Пригласить коллегу
sync-link-label = Ссылка-приглашение (отправляйте лично)
sync-copy = Скопировать ссылку
sync-copied = Ссылка скопирована
join-title = Присоединиться к рабочему пространству
join-hint = Коллега пригласил вас в своё рабочее пространство. После присоединения оно появится рядом с вашими на этом устройстве, а его история загрузится с ретранслятора и расшифруется здесь.
join-bad-link = Эту ссылку-приглашение нельзя использовать: { $reason }
join-button = Присоединиться
join-name = Общее рабочее пространство
territories-title = Территории
territories-hint = Регионы или сегменты рынка, между которыми команда делит работу. Назначьте территорию коллегам, контактам и компаниям, затем фильтруйте по ней любой список.
territory-members = { $count ->
    [one] { $count } коллега
    [few] { $count } коллеги
    [many] { $count } коллег
   *[other] { $count } коллеги
}
territory-add = Добавить территорию
custom-fields-title = Свои поля
custom-fields-hint = Ваши собственные поля у контактов, компаний, сделок, активностей и задач. Они видны на странице каждой записи, и списки умеют сортировать, фильтровать и группировать по ним. Тип поля после добавления не меняется.
custom-fields-empty = У раздела «{ $kind }» пока нет своих полей.
custom-field-options = Варианты, по одному в строке
custom-field-add = Добавить поле

## Workspaces and data
settings-workspaces = Рабочие пространства
workspace-current = Открыто
workspace-open = Открыть
workspace-rename = Переименовать
workspace-delete = Удалить
workspace-delete-confirm = Удалить рабочее пространство «{ $name }» и все его данные из этого браузера? Это действие нельзя отменить.
workspace-new-name = Название нового пространства
workspace-create = Создать пространство
workspace-default-name = Моё пространство
settings-data = Ваши данные
data-hint = Забирайте данные в любой момент: файл пространства хранит всю историю, JSON читает любая программа.
export-automerge = Скачать файл пространства
export-json = Скачать в JSON
import-file = Импортировать файл пространства
import-hint = Файл пространства (.automerge) или экспорт JSON открывается как новое пространство; существующие данные не меняются.
settings-storage = Хранилище на этом устройстве
storage-persistent = Постоянное: браузер не очистит его ради свободного места.
storage-best-effort = Непостоянное: браузер может очистить его при нехватке места. Регулярно скачивайте данные.
storage-used = Занято { $used } МБ из { $quota } МБ

## CRM screens
yes = Да
no = Нет
undo = Отменить
redo = Повторить
err-required = Поле «{ $field }» обязательно для заполнения.
err-email = { $field }: «{ $value }» — некорректный адрес электронной почты.
err-phone = { $field }: «{ $value }» — некорректный номер телефона (от 5 до 20 цифр).
err-url = { $field }: «{ $value }» — некорректный веб-адрес.
err-date = { $field }: «{ $value }» — некорректная дата.
err-color = { $field }: «{ $value }» — не цвет в формате #1e40af.
err-choice = { $field }: варианта «{ $value }» нет в списке.
err-range = Значение поля «{ $field }» должно быть от { $min } до { $max }.
err-negative = Значение поля «{ $field }» не может быть отрицательным.
err-too-long = Значение поля «{ $field }» слишком длинное (максимум символов: { $max }).
err-not-found = Этой записи здесь больше нет.
err-dangling = Поле «{ $field }» ссылается на запись, которой здесь нет.
err-link-to-trash = Поле «{ $field }» ссылается на запись в корзине; сначала восстановите её.
err-trashed = Эта запись в корзине; сначала восстановите её.
err-cycle = Тогда человек оказался бы собственным руководителем в оргструктуре.
err-unknown-stage = В воронке нет этапа «{ $stage }».
err-no-stages = В воронке должен быть хотя бы один этап.
err-no-options = Полю с выбором нужен хотя бы один вариант.
err-fixed-field = { $field } нельзя изменить после создания поля; добавьте новое поле.
err-not-customisable = У записей { $kind } не может быть своих полей.
err-deal-closed = Сделка закрыта; сначала откройте её снова.
err-reason-required = Укажите, почему сделка проиграна.
err-not-an-option = «{ $value }» не входит в варианты этого поля ({ $options }).
err-merge-with-self = Запись нельзя объединить с самой собой.
err-nothing-to-undo = Нечего отменять.
err-undo-while-writing = Импорт ещё записывается. Отмените его, когда он закончится.
err-nothing-to-redo = Нечего повторять.
err-stage-in-use = Сначала перенесите сделки с этапа «{ $stage }» на другой этап (сделок: { $count }).
clear = Очистить
empty = пусто
select-all = Выбрать все
select-record = Выбрать { $name }
no-value = (нет)
bulk-tagged = { $count ->
    [one] Метка добавлена к { $count } записи
    [few] Метка добавлена к { $count } записям
    [many] Метка добавлена к { $count } записям
   *[other] Метка добавлена к { $count } записи
}
bulk-assigned = { $count ->
    [one] Ответственный назначен для { $count } записи
    [few] Ответственный назначен для { $count } записей
    [many] Ответственный назначен для { $count } записей
   *[other] Ответственный назначен для { $count } записи
}
bulk-restored = { $count ->
    [one] Восстановлена { $count } запись
    [few] Восстановлены { $count } записи
    [many] Восстановлено { $count } записей
   *[other] Восстановлено { $count } записи
}
bulk-trashed = { $count ->
    [one] { $count } запись перемещена в корзину
    [few] { $count } записи перемещены в корзину
    [many] { $count } записей перемещено в корзину
   *[other] { $count } записи перемещено в корзину
}
search-list = Поиск по списку
list-no-match-search = По запросу «{ $search }» ничего не найдено.
list-no-match = Под эти фильтры ничего не подходит.
list-trash-empty = Корзина пуста.
list-all-trashed = Все записи этого списка в корзине.
list-nothing = Здесь пока ничего нет.
list-clear-search = Очистить поиск
list-clear-filters = Сбросить фильтры
list-leave-trash = Вернуться к записям
list-open-trash = Показать корзину
anyone = Любой
nobody = Никто
me-name = { $name } (я)
any-territory = Любая территория
show-trash = Показать корзину
records-count = { $count ->
    [one] { $count } запись
    [few] { $count } записи
    [many] { $count } записей
   *[other] { $count } записи
}
bulk-actions = Действия с выбранными записями
selected-count = { $count ->
    [one] Выбрана { $count } запись
    [few] Выбраны { $count } записи
    [many] Выбрано { $count } записей
   *[other] Выбрано { $count } записи
}
tag-to-add = Какую метку добавить
add-tag = Добавить метку
assign = Назначить
restore = Восстановить
move-to-trash = В корзину
clear-selection = Снять выделение
group-by = Группировать по
no-grouping = Без группировки
created-at = Создано
op-empty = пусто
op-not-empty = не пусто
op-equals = равно
op-contains = содержит
op-at-least = не меньше
op-at-most = не больше
add-filter = Добавить фильтр
field = Поле
condition = Условие
value = Значение
apply = Применить
active-filters = Активные фильтры
remove-filter = Убрать фильтр { $filter }
saved-views = Представление
all-records = Все записи
delete-view = Удалить представление
save-view = Сохранить представление
view-name = Название представления
save = Сохранить
view-saved = Представление «{ $name }» сохранено
view-deleted = Представление удалено
columns = Столбцы
err-minutes = Длительность должна быть целым числом минут.
err-reminder = Для напоминания указаны некорректные дата и время.
activity-logged = Активность записана
log-activity = Записать активность
log = Записать
task-added = Задача добавлена
add-task = Добавить задачу
me = Я
restored-name = Запись «{ $name }» восстановлена
trashed-name = Запись «{ $name }» перемещена в корзину
record-missing-title = Записи здесь нет
record-missing-body = Этой записи нет в этом пространстве на этом устройстве. Возможно, она ещё не синхронизировалась или ссылка неверна.
in-trash = Эта запись в корзине. Восстановите её, чтобы снова с ней работать.
details = Подробности
log-shortcut-hint = Быстрые клавиши: нажмите L, затем C (звонок), E (письмо), M (встреча), V (визит) или N (заметка).
kind-contact = Контакт
kind-company = Компания
kind-deal = Сделка
kind-task = Задача
kind-activity = Активность
people = Люди
no-people = В этой компании пока никого нет. Укажите компанию у контакта, и он появится здесь.
org-chart = Оргструктура
direct-reports = Прямые подчинённые
no-deals = Сделок пока нет.
timeline = Хронология
no-activities = Активностей пока нет.
no-tasks = Задач нет.
someone-unknown = Кто-то
history-created = Создано
history-trashed = Перемещено в корзину
history = История
contact-added = Контакт «{ $name }» добавлен
company-added = Компания «{ $name }» добавлена
companies-add-title = Новая компания
companies-add = Добавить компанию
stage-lead = Лид
stage-qualified = Квалифицирован
stage-proposal = Предложение
stage-negotiation = Переговоры
pipeline-default-name = Продажи
create-pipeline = Создать воронку продаж
view-as = Вид
board = Доска
list = Список
edit-pipeline = Изменить воронку
new-pipeline = Новая воронка
deal-added = Сделка «{ $name }» добавлена
add-deal = Добавить сделку
drag-position = { $name }: { $stage }, позиция { $position } из { $total }.
drag-picked = Сделка «{ $name }» взята. Перемещайте её клавишами со стрелками, опустите клавишей Space (пробел), отмените клавишей Escape.
drag-dropped = Сделка «{ $name }» перенесена на этап «{ $stage }».
drag-cancelled = Перемещение сделки «{ $name }» отменено.
deal-moved = Сделка «{ $name }» перемещена
deal-moved-short = Сделка перемещена
drag-help = Нажмите Space (пробел), чтобы взять сделку, перемещайте её клавишами со стрелками, опустите клавишей Space или Enter, отмените клавишей Escape.
column-totals = { $count } · { $sum } · с учётом вероятности { $weighted }
draggable-card = перемещаемая сделка
card-position = { $position } из { $total }
move-to-stage = Перенести на этап…
deal-reopened = Сделка снова открыта
reopen = Открыть снова
deal-won = Сделка выиграна
mark-won = Выиграна
mark-lost = Проиграна
deal-lost = Сделка проиграна
confirm-lost = Отметить как проигранную
err-probability = У этапа должны быть название и вероятность от 0 до 100.
stage-name = Название этапа
stage-probability = Вероятность (%)
deals-count = { $count ->
    [one] { $count } сделка
    [few] { $count } сделки
    [many] { $count } сделок
   *[other] { $count } сделки
}
stage-up = Поднять этап «{ $name }»
stage-down = Опустить этап «{ $name }»
delete = Удалить
add-stage = Добавить этап
duplicates = Дубликаты
keyboard-shortcuts = Быстрые клавиши
command = Команда
find-anything = Найти что угодно
find-anything-hint = Введите имя или команду, например «Добавить задачу»
results = Результаты
close = Закрыть
overdue = Просрочено
today = Сегодня
upcoming = Предстоящие
someday = Без срока
done = Выполнено
whose = Чьи задачи
my-tasks = Мои задачи
team-tasks = Задачи команды
calendar = Календарь
choose-me-hint = Укажите, кто вы, в разделе «Настройки → Команда», чтобы видеть только свои задачи; пока показаны все задачи.
task-reopened = Задача снова открыта
task-done = Задача выполнена
complete-task = Выполнено: { $name }
birthday-of = День рождения: { $name }
service-overdue = Обслуживание просрочено: { $name }
service-due = Пора на обслуживание: { $name }
previous = Назад
next = Вперёд
month = Месяц
week = Неделя
enable-notifications = Показывать напоминания как системные уведомления
reminder = Напоминание
reminders = Напоминания
mark-done = Отметить выполненной
all-kinds = Все типы
period = Период
all-time = За всё время
last-24h = Последние 24 часа
last-7-days = Последние 7 дней
last-30-days = Последние 30 дней
last-90-days = Последние 90 дней
show-more = Показать ещё
duplicates-intro = Записи с одинаковым адресом эл. почты, номером телефона или именем. Проверьте каждую пару перед объединением: автоматически ничего не объединяется, а объединение можно отменить.
no-duplicates = Вероятных дубликатов не найдено.
same-email = одинаковая эл. почта { $value }
same-phone = одинаковый телефон { $value }
same-name = одинаковое имя
review-merge = Проверить и объединить
merged = Объединено; дубликат вместе с историей перемещён в корзину.
merge-preview = Предпросмотр объединения
keep = Остаётся
merge-in = Присоединяется
result = Результат
relinked-count = { $count ->
    [one] { $count } связанная запись будет ссылаться на сохраняемую.
    [few] { $count } связанные записи будут ссылаться на сохраняемую.
    [many] { $count } связанных записей будут ссылаться на сохраняемую.
   *[other] { $count } связанной записи будут ссылаться на сохраняемую.
}
swap-keep = Оставить другую
merge-now = Объединить
cancel = Отмена

## Field labels (field-<name>, built from the schema)
field-emails = Адреса эл. почты
field-phones = Телефоны
field-job_title = Должность
field-company = Компания
field-reports_to = Руководитель
field-birthday = День рождения
field-street = Улица
field-city = Город
field-region = Регион
field-postcode = Индекс
field-country = Страна
field-source = Источник
field-owner = Ответственный
field-territory = Территория
field-tags = Метки
field-notes = Заметки
field-kind = Тип
field-industry = Отрасль
field-size = Размер
field-website = Сайт
field-service_every_months = Обслуживание каждые (мес.)
field-title = Название
field-pipeline = Воронка
field-stage = Этап
field-value = Сумма
field-probability = Вероятность (%)
field-expected_close = Ожидаемое закрытие
field-contacts = Контакты
field-status = Статус
field-lost_reason = Причина проигрыша
field-closed_at = Дата закрытия
field-rank = Порядок на доске
field-stages = Этапы
field-position = Позиция
field-currency = Валюта
field-at = Когда
field-duration_minutes = Минуты
field-direction = Направление
field-subject = Тема
field-outcome = Итог
field-body = Подробности
field-deal = Сделка
field-author = Кто записал
field-due = Срок
field-remind_at = Напомнить
field-done = Выполнена
field-done_at = Дата выполнения
field-assignee = Исполнитель
field-contact = Контакт
field-recurrence = Повтор
field-every = Каждые
field-record_kind = Тип записи
field-label = Подпись
field-field_type = Тип поля
field-options = Варианты
field-query = Запрос
field-measure = Показатель
field-segment = Сегмент клиентов
field-target = Цель
field-tolerance = Допуск
field-clv_lifespan_months = Срок жизни клиента (месяцев)
field-clv_margin_bp = Маржа (базисные пункты)
field-clv_retention_bp = Годовое удержание (базисные пункты)
field-clv_discount_bp = Ставка дисконтирования (базисные пункты)

## Choice values (choice-<value>)
choice-customer = Клиент
choice-prospect = Потенциальный клиент
choice-partner = Партнёр
choice-agent = Агент
choice-competitor = Конкурент
choice-other = Другое
choice-open = Открыта
choice-won = Выиграна
choice-lost = Проиграна
choice-call = Звонок
choice-email = Эл. почта
choice-meeting = Встреча
choice-note = Заметка
choice-visit = Визит
choice-inbound = Входящий
choice-outbound = Исходящий
choice-none = Не повторяется
choice-days = Каждые N дней
choice-months = Каждые N месяцев
choice-yearly = Каждый год
choice-text = Текст
choice-number = Число
choice-money = Сумма
choice-date = Дата
choice-select = Один вариант
choice-multi_select = Несколько вариантов
choice-checkbox = Флажок
choice-url = Веб-адрес
choice-phone = Телефон

## Dashboard
customer-value = Как клиент (последние 12 месяцев)
customer-no-purchases = За последние 12 месяцев выигранных сделок нет.
customer-scores = Давность { $r } · частота { $f } · сумма { $m } (из 5)
customer-lifetime = Пожизненная ценность (дисконтированная): { $value }
show-chart = Показать диаграммой
show-table = Показать таблицей
dash-pipeline = Воронка
dash-no-pipeline = Воронки пока нет: создайте её на странице «Сделки».
dash-pipeline-chart = Открытые сделки по этапам (число · взвешенная сумма)
dash-win-rate = Доля выигранных, последние 12 месяцев
dash-won-lost = выиграно { $won } · проиграно { $lost }
dash-rfm = Клиенты по давности и частоте покупок
dash-rfm-hint = Строки: давность последней покупки (5 — самые недавние); столбцы: частота (5 — самые частые); темнее — больше потрачено. Выберите ячейку, чтобы увидеть её клиентов.
dash-recency-frequency = Давность \ частота
segment-champions = Чемпионы
segment-loyal = Лояльные
segment-potential_loyalist = Потенциально лояльные
segment-new = Новые клиенты
segment-promising = Перспективные
segment-needs_attention = Требуют внимания
segment-about_to_sleep = Засыпающие
segment-at_risk = Под угрозой
segment-cant_lose_them = Нельзя потерять
segment-hibernating = Спящие
segment-lost = Потерянные

# Importing records from CSV and vCard
import-title = Импорт записей
import-file-title = Файл
import-intro = Загрузите контакты, компании или сделки из таблицы (CSV) или адресной книги (vCard). Ничего не записывается, пока вы не нажмёте «Импортировать», а одна отмена возвращает весь импорт.
import-kind = В файле
import-encoding = Кодировка
import-encoding-auto = Определить автоматически
import-choose-file = Выберите файл CSV или vCard
import-file-summary = { $name }: строк — { $rows }, столбцов — { $columns }, кодировка { $encoding }.
import-empty-file = В файле нет строк для импорта под заголовком.
import-open-quote = Строка { $line }: кавычки в ячейке не закрыты, и остаток файла попал в неё. Проверьте кавычки в файле.
import-open-card = Строка { $line }: здесь начинается vCard, но не заканчивается (нет END:VCARD).
import-undecodable = { $count ->
    [one] { $count } место не удалось прочитать в кодировке { $encoding }, оно показано как �. Если имена выглядят неверно, выберите кодировку файла.
    [few] { $count } места не удалось прочитать в кодировке { $encoding }, они показаны как �. Если имена выглядят неверно, выберите кодировку файла.
    [many] { $count } мест не удалось прочитать в кодировке { $encoding }, они показаны как �. Если имена выглядят неверно, выберите кодировку файла.
   *[other] { $count } места не удалось прочитать в кодировке { $encoding }, они показаны как �. Если имена выглядят неверно, выберите кодировку файла.
}
import-columns = Столбцы
import-preset-found = Распознан экспорт из { $preset }: столбцы сопоставлены автоматически.
import-saved-mapping = Использовано сопоставление из прошлого импорта файла с такими же столбцами.
import-column-in-file = Столбец в файле
import-first-values = Первые значения
import-into = Куда импортировать
import-skip = Не импортировать
import-first-name = Имя
import-middle-name = Отчество
import-last-name = Фамилия
import-currency-column = Валюта сумм
import-new-custom = Новое своё поле ({ $type })
import-labels-of = Метки для столбца «{ $column }»
import-options = Параметры
import-default-currency = Валюта сумм без указанной валюты
import-bad-currency = «{ $value }» — не код валюты; укажите три буквы, например EUR или USD.
import-create-companies = Создавать компании из файла, которых ещё нет
import-create-contacts = Создавать контакты из файла, которых ещё нет
import-pipeline = Воронка для сделок без указанной воронки
import-first-pipeline = Первая воронка
import-company-kind = Тип создаваемых компаний
import-preview = Предпросмотр: первые строки так, как они будут сохранены
import-new-link = { $name } (новая запись)
import-possible-duplicate = Возможный дубликат
import-line = Строка
import-status = Примечание
import-check = Проверить все строки
import-reading = Чтение файла…
import-checking = Проверка строк…
import-writing = Импорт…
import-review = Перед импортом
import-rows-read = Строк в файле
import-ready = Готово к импорту
import-duplicates = Возможные дубликаты
import-rejected = Строки, которые нельзя импортировать
import-dup-all = Для всех дубликатов
import-dup-skip = Пропустить строку
import-dup-merge = Объединить с существующей записью
import-dup-create = Всё равно создать новую запись
import-dup-as-all = Как для всех дубликатов
import-dup-choice = Что сделать
import-dup-choice-for = Что сделать со строкой { $line }
import-matches = Совпадает с
import-matches-line = Строка { $line } этого файла
import-same-email = тот же адрес { $value }
import-same-phone = тот же телефон { $value }
import-same-name = то же имя { $value }
import-reason = Причина
import-more = …и ещё { $count }.
import-download-rejected = Скачать эти строки в CSV, чтобы исправить и импортировать снова
import-warnings = Стоит проверить
import-go = Импортировать
import-refused = Импорт отклонён, ничего не записано: { $reason } (строки { $lines })
import-done-title = Импорт выполнен
import-done-summary = Новых: { $created }. Объединено: { $merged }. Пропущено: { $skipped }. Не импортировано: { $rejected }.
import-companies-created = Создано компаний: { $count }
import-contacts-created = Создано контактов: { $count }
import-pipelines-created = Создано воронок: { $count }
import-territories-created = Создано территорий: { $count }
import-fields-created = Создано своих полей: { $count }
import-open-list = Открыть список
import-undo = Отменить этот импорт
import-undone = Импорт отменён.
import-err-missing = Выберите столбец для поля «{ $field }»: оно нужно каждой записи.
import-err-empty-label = Новому своему полю нужно название: задайте столбцу заголовок.
import-err-custom-gone = Своего поля из этого сопоставления больше нет; выберите для столбца другое поле.
import-err-cells = В строке { $cells } ячеек, а в заголовке { $columns }: вероятно, пропущен разделитель или кавычка.
import-err-no-company = Компании «{ $name }» нет (создание компаний выключено).
import-err-no-contact = Контакта «{ $name }» нет (создание контактов выключено).
import-err-no-pipeline = Нет воронки для сделки: создайте её или сопоставьте столбец воронки.
import-err-no-stage = В воронке «{ $pipeline }» нет этапа «{ $stage }».
import-warn-member = { $field }: в команде нет «{ $name }», поле оставлено пустым.
import-warn-manager = Руководитель: контакта «{ $name }» нет ни здесь, ни в файле, поле оставлено пустым.
import-warn-loop = Руководитель: «{ $name }» создал бы цикл в оргструктуре, поле оставлено пустым.
import-warn-empty-choice = У своего поля «{ $label }» нет значений в файле, поэтому оно не создано.
import-warn-mixed-dates = Даты: в строке { $day_line } дата { $day } записана с днём впереди, а в строке { $month_line } дата { $month } — с месяцем впереди. Каждая дата вида 05/06/2024 читается с месяцем впереди, если её первое число не больше 12; проверьте даты после импорта.
list-export = Экспорт
export-csv-view = Этот список в CSV (с текущим фильтром и столбцами)
export-vcard = Эти контакты в vCard
list-import = Импорт из файла
import-from-files = Импорт контактов, компаний или сделок из CSV или vCard

# Dashboard and scorecard
chart-export-csv = Экспорт в CSV
figure-records = Записи за показателем
figure-count = { $count ->
    [one] { $count } запись
    [few] { $count } записи
    [many] { $count } записей
   *[other] { $count } записи
}
figure-gone = (с тех пор удалена)
print = Печать
dash-stage = Этап
dash-open-weighted = Открытые сделки · взвешенная сумма
dash-forecast = Прогноз
dash-forecast-chart = Взвешенная сумма открытых сделок по месяцу ожидаемого закрытия ({ $currency })
dash-month = Месяц
dash-weighted = Взвешенная сумма
dash-undated = { $count ->
    [one] У { $count } открытой сделки нет ожидаемой даты закрытия
   *[other] У { $count } открытых сделок нет ожидаемой даты закрытия
}
dash-win-trend = Доля выигранных по месяцам
dash-win-trend-chart = Доля выигранных среди сделок, закрытых в каждом месяце, за 12 месяцев
dash-win-rate-short = Доля выигранных
dash-none-closed = сделок не закрыто
dash-revenue-member = Выручка по сотрудникам
dash-revenue-member-chart = Выручка по выигранным сделкам каждого сотрудника за 12 месяцев
dash-revenue-territory = Выручка по территориям
dash-revenue-territory-chart = Выручка по выигранным сделкам каждой территории за 12 месяцев
dash-member = Сотрудник
dash-territory = Территория
dash-revenue = Выручка
dash-unassigned = Не назначено
dash-no-team = Выигранных сделок пока нет.
dash-activities = Активности
dash-activities-chart = Активности по видам за 12 месяцев (количество · минуты)
dash-activities-count = Активности · минуты
dash-activities-text = { $count } · { $minutes } мин
dash-kind = Вид
dash-no-activities = За последние 12 месяцев активностей нет.
dash-save-segment = Сохранить этих клиентов как представление
dash-segment-saved = Сохранено: у каждого клиента есть тег с названием представления, а само представление — в «Сохранённых видах» на странице
scorecard-title = Сбалансированная система показателей CRM
score-period = Период
score-this-month = Этот месяц и прошлый
score-this-quarter = Этот квартал и прошлый
score-this-year = Этот год и прошлый
score-segment = Клиенты
score-whole-workspace = Всё рабочее пространство
score-open-page = Открыть показатели на отдельной странице
score-measure = Показатель
score-this-period = Этот период
score-previous = Прошлый период
score-change = Изменение
score-target = Цель
score-status = Статус
score-edit-target = Изменить цель
score-set-target = Задать цель
score-target-for = Цель для показателя «{ $measure }»
score-remove-target = Удалить цель
score-workspace-target = (цель всего пространства)
score-tolerance = допуск { $value }
score-days = { $value } дн.
score-days-unit = дни
score-points = { $value } п. п.
trend-better = лучше
trend-worse = хуже
trend-same = без изменений
status-on-track = По плану
status-at-risk = Под угрозой
status-off-track = Отстаёт
status-no-target = Нет цели
status-no-data = Нет данных
status-not-tracked = Пока не отслеживается
status-not-applicable = Неприменимо
clv-title = Пожизненная ценность клиента
clv-hint = Как оценивается пожизненная ценность каждого клиента для всей команды: ожидаемый срок сотрудничества, ваша маржа, доля клиентов, остающихся каждый год, и годовая ставка дисконтирования.
clv-lifespan = Срок жизни клиента (месяцы)
clv-margin = Маржа (%)
clv-retention = Удержание за год (%)
clv-discount = Ставка дисконтирования (%)
clv-saved = Параметры пожизненной ценности сохранены.
choice-higher = Чем больше, тем лучше
choice-lower = Чем меньше, тем лучше
perspective-financial = Финансы
perspective-customer = Клиенты
perspective-marketing = Маркетинг
perspective-sales = Продажи
perspective-service = Сервис
perspective-staff = Персонал
measure-financial-revenue = Выручка
measure-financial-clv = Средняя пожизненная ценность клиента
measure-financial-profit_per_customer = Прибыль на клиента
measure-financial-share_of_wallet = Доля кошелька
measure-customer-retention = Удержание клиентов
measure-customer-penetration = Проникновение на рынок
measure-customer-win_back = Возвращённые клиенты
measure-customer-acquisition = Доля новых клиентов
measure-customer-new_customers = Новые клиенты
measure-customer-very_satisfied = Очень довольные клиенты
measure-marketing-leads = Привлечённые лиды
measure-marketing-responses = Отклики на кампании
measure-marketing-cost_per_lead = Стоимость лида
measure-sales-win_rate = Доля выигранных сделок
measure-sales-revenue_per_conversion = Выручка на выигранную сделку
measure-sales-cycle_days = Цикл продажи
measure-sales-cost_of_sale = Стоимость продажи
measure-service-visits_on_time = Сервисные визиты вовремя
measure-service-sla_met = Соблюдение уровня сервиса
measure-service-cost_per_encounter = Стоимость сервисного обращения
measure-staff-crm_usage = Команда работает в CRM
measure-staff-tasks_on_time = Задачи выполнены вовремя
measure-staff-satisfaction = Удовлетворённость персонала
measure-staff-trained = Обученный персонал
# Direct links
sync-peers = Коллег на связи: { $peers }. Прямых соединений: { $direct }.
direct-title = Прямое соединение без ретранслятора
direct-hint = Когда ретранслятор недоступен, два коллеги в одной сети могут связать браузеры: один создаёт код и отправляет его (в чате, по почте, лично), другой вставляет его здесь и возвращает код ответа. Коды работают только для участников этого рабочего пространства.
direct-make = Создать код соединения
direct-offer-label = Ваш код соединения: отправьте его коллеге
direct-paste = Вставьте код коллеги
direct-use = Применить код
direct-answer-label = Ваш код ответа: отправьте его обратно коллеге
direct-accepted = Ответ принят: прямое соединение сейчас откроется.
sync-remove-title = Удаление участников
sync-remove-hint = Смена секрета отключает всех: синхронизироваться снова смогут только те, кому вы отправите новую ссылку-приглашение. То, что уже есть на устройствах удалённых участников, вернуть нельзя.
sync-remove-button = Сменить секрет
sync-remove-confirm = Сменить секрет рабочего пространства? Остальные потеряют доступ, пока вы не отправите им новую ссылку-приглашение.
sync-rotated = Секрет сменён. Отправьте новую ссылку-приглашение выше всем, кто должен остаться.
move-to-pipeline = Перенести в воронку
choose-pipeline = Выберите воронку…
deal-moved-pipeline = Сделка перенесена на первый этап другой воронки.
direct-offer-qr = QR-код вашего кода соединения
direct-answer-qr = QR-код вашего кода ответа
direct-qr-hint = В QR-коде тот же текст, что и в коде: камера телефона распознает его, и текст можно будет вставить.
direct-qr-too-long = Этот код слишком длинный для QR-кода: скопируйте его и отправьте текстом.
