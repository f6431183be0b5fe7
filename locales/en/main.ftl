# Hearth CRM — English (the source language).
# Keys are grouped by screen. Every key here must exist in every other locale (a test checks).

app-name = Hearth CRM
app-tagline = Your team's customers, on your own devices

## Shell
skip-to-content = Skip to content
nav-label = Main
menu-open = Open menu
menu-close = Close menu
theme-switch-to-dark = Switch to dark theme
theme-switch-to-light = Switch to light theme

nav-dashboard = Dashboard
nav-contacts = Contacts
nav-companies = Companies
nav-deals = Deals
nav-activities = Activities
nav-tasks = Tasks
nav-settings = Settings

## Pages
dashboard-intro = Your pipeline, forecast and scorecard will appear here as soon as the team records its first deals.
contacts-empty = No contacts yet. People you work with will be listed here with their companies, deals and every conversation.
companies-empty = No companies yet. Customers, prospects, partners, agents and competitors will be listed here.
deals-empty = No deals yet. Each pipeline will show here as a board of stages.
activities-empty = No activities yet. Calls, emails, meetings, visits and notes from the whole team will appear here.
tasks-empty = No tasks yet. Your tasks, the team's and reminders will appear here.
local-first-note = Everything you enter stays in this browser and keeps working offline.

## Settings
settings-language = Language
settings-language-hint = The first visit follows your browser's language.
settings-theme = Theme
theme-system = Same as the system
theme-light = Light
theme-dark = Dark
settings-formats = Regional formats
formats-date = Date
formats-number = Number
formats-counting = Counting
contacts-count = { $count ->
    [one] { $count } contact
   *[other] { $count } contacts
}

## Not found
not-found-title = Page not found
not-found-body = There is nothing at this address.
not-found-home = Go to the dashboard

## Updates and offline
update-available = A new version of the app is available.
update-reload = Reload
update-later = Later

## Contacts
contacts-add-title = Add a contact
field-name = Name
field-email = Email
contacts-add = Add contact
command-refused = Not saved: { $reason }
search-contacts = Search by name, email, phone or city

## Saving and loading
save-failed = Your latest changes could not be saved on this device ({ $reason }). They are kept in this tab and will be retried.
save-retry = Retry now
load-problem = Some stored data could not be read and was skipped: { $details }
dismiss = Dismiss

## Team
settings-team = Team
team-hint = Add your colleagues, then choose which one you are on this device: your changes are signed with that name.
team-me = This is me
team-add = Add teammate
field-color = Colour
team-nobody = Nobody chosen

## Workspaces and data
settings-workspaces = Workspaces
workspace-current = Open now
workspace-open = Open
workspace-rename = Rename
workspace-delete = Delete
workspace-delete-confirm = Delete the workspace “{ $name }” and all its data from this browser? This cannot be undone.
workspace-new-name = Name of the new workspace
workspace-create = Create workspace
workspace-default-name = My workspace
settings-data = Your data
data-hint = Take your data with you at any time: the workspace file keeps the full history, JSON is readable by any program.
export-automerge = Download workspace file
export-json = Download as JSON
import-file = Import a workspace file
import-hint = A workspace file (.automerge) or a JSON export opens as a new workspace; nothing existing is changed.
settings-storage = Storage on this device
storage-persistent = Persistent: the browser will not clear it to free space.
storage-best-effort = Not persistent: the browser may clear it when space runs low. Download your data regularly.
storage-used = { $used } MB used of { $quota } MB available
