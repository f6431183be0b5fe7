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
search-contacts = Поиск по имени, почте, телефону или городу

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
