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
sync-title = Sharing and sync
sync-hint = Invite colleagues to this workspace. Changes travel end-to-end encrypted through the relay that served this app: it stores only ciphertext and cannot read your data. Anyone with the link can join, so send it privately.
sync-not-shared = This workspace is on this device only.
sync-offline = Offline: changes wait on this device and go out when the relay can be reached.
sync-connecting = Connecting to the relay…
sync-syncing = Syncing with the relay…
sync-synced = Up to date with the relay.
sync-elsewhere = Syncing through another tab of this browser.
sync-pending = { $count ->
    [one] { $count } change waiting to go out
   *[other] { $count } changes waiting to go out
}
sync-last = Last synced { $when }
sync-problem = Sync problem: { $reason }
sync-invite = Invite a colleague
sync-link-label = Invite link (send it privately)
sync-copy = Copy link
sync-copied = Link copied
join-title = Join a workspace
join-hint = A colleague invited you to their workspace. Joining lists it beside yours on this device and downloads its history from the relay, decrypted here.
join-bad-link = This invite link cannot be used: { $reason }
join-button = Join the workspace
join-name = Shared workspace
territories-title = Territories
territories-hint = Regions or market segments the team divides its work into. Give teammates, contacts and companies a territory, then filter any list by it.
territory-members = { $count ->
    [one] { $count } teammate
   *[other] { $count } teammates
}
territory-add = Add territory
custom-fields-title = Custom fields
custom-fields-hint = Your own fields on contacts, companies, deals, activities and tasks. They show on every record page and lists can sort, filter and group by them. A field's type is fixed once it is added.
custom-fields-empty = No custom fields on { $kind } yet.
custom-field-options = Options, one per line
custom-field-add = Add field

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

## CRM screens
yes = Yes
no = No
undo = Undo
redo = Redo
err-required = { $field } is required.
err-email = { $field }: “{ $value }” is not a valid email address.
err-phone = { $field }: “{ $value }” is not a valid phone number (5 to 20 digits).
err-url = { $field }: “{ $value }” is not a valid web address.
err-date = { $field }: “{ $value }” is not a valid date.
err-color = { $field }: “{ $value }” is not a colour like #1e40af.
err-choice = { $field }: “{ $value }” is not one of the choices.
err-range = { $field } must be between { $min } and { $max }.
err-negative = { $field } cannot be negative.
err-too-long = { $field } is too long (at most { $max } characters).
err-not-found = This record no longer exists here.
err-dangling = { $field } points to a record that does not exist here.
err-link-to-trash = { $field } points to a record in the trash; restore it first.
err-trashed = This record is in the trash; restore it first.
err-cycle = That would make someone their own manager in the org chart.
err-unknown-stage = The pipeline has no stage “{ $stage }”.
err-no-stages = A pipeline needs at least one stage.
err-no-options = A choice field needs at least one option.
err-fixed-field = { $field } cannot change once the field exists; add a new field instead.
err-not-customisable = { $kind } cannot have custom fields.
err-deal-closed = This deal is closed; reopen it first.
err-reason-required = Say why the deal was lost.
err-not-an-option = “{ $value }” is not an option of this field ({ $options }).
err-merge-with-self = A record cannot be merged with itself.
err-nothing-to-undo = Nothing to undo.
err-undo-while-writing = An import is still being written. Undo it once it is done.
err-nothing-to-redo = Nothing to redo.
err-stage-in-use = Move the { $count } deals in “{ $stage }” to another stage first.
clear = Clear
empty = empty
select-all = Select all
select-record = Select { $name }
no-value = (none)
bulk-tagged = { $count ->
    [one] Tagged { $count } record
   *[other] Tagged { $count } records
}
bulk-assigned = { $count ->
    [one] Assigned { $count } record
   *[other] Assigned { $count } records
}
bulk-restored = { $count ->
    [one] Restored { $count } record
   *[other] Restored { $count } records
}
bulk-trashed = { $count ->
    [one] Moved { $count } record to the trash
   *[other] Moved { $count } records to the trash
}
search-list = Search this list
list-no-match-search = No records match “{ $search }”.
list-no-match = No records match these filters.
list-trash-empty = The trash is empty.
list-all-trashed = Every record of this list is in the trash.
list-nothing = Nothing here yet.
list-clear-search = Clear the search
list-clear-filters = Clear the filters
list-leave-trash = Back to the records
list-open-trash = Show the trash
anyone = Anyone
nobody = Nobody
me-name = { $name } (me)
any-territory = Any territory
show-trash = Show the trash
records-count = { $count ->
    [one] { $count } record
   *[other] { $count } records
}
bulk-actions = Actions on the selected records
selected-count = { $count ->
    [one] { $count } selected
   *[other] { $count } selected
}
tag-to-add = Tag to add
add-tag = Add tag
assign = Assign
restore = Restore
move-to-trash = Move to trash
clear-selection = Clear selection
group-by = Group by
no-grouping = No grouping
created-at = Created
op-empty = is empty
op-not-empty = is not empty
op-equals = is
op-contains = contains
op-at-least = is at least
op-at-most = is at most
add-filter = Add filter
field = Field
condition = Condition
value = Value
apply = Apply
active-filters = Active filters
remove-filter = Remove filter { $filter }
saved-views = View
all-records = All records
delete-view = Delete view
save-view = Save view
view-name = Name of the view
save = Save
view-saved = Saved the view “{ $name }”
view-deleted = View deleted
columns = Columns
err-minutes = The duration must be a whole number of minutes.
err-reminder = The reminder time is not a valid date and time.
activity-logged = Activity logged
log-activity = Log an activity
log = Log
task-added = Task added
add-task = Add a task
me = Me
restored-name = Restored “{ $name }”
trashed-name = Moved “{ $name }” to the trash
record-missing-title = Record not here
record-missing-body = This record is not in this workspace on this device. It may not have synced yet, or the link is wrong.
in-trash = This record is in the trash. Restore it to work with it again.
details = Details
log-shortcut-hint = Shortcut: press L, then C (call), E (email), M (meeting), V (visit) or N (note).
kind-contact = Contact
kind-company = Company
kind-deal = Deal
kind-task = Task
kind-activity = Activity
people = People
no-people = No people at this company yet. Set a contact's company to list them here.
org-chart = Org chart
direct-reports = Direct reports
no-deals = No deals yet.
timeline = Timeline
no-activities = No activities yet.
no-tasks = No tasks.
someone-unknown = Someone
history-created = Created
history-trashed = Trashed
history = History
contact-added = Added “{ $name }”
company-added = Added “{ $name }”
companies-add-title = Add a company
companies-add = Add company
stage-lead = Lead
stage-qualified = Qualified
stage-proposal = Proposal
stage-negotiation = Negotiation
pipeline-default-name = Sales
create-pipeline = Create a sales pipeline
view-as = View as
board = Board
list = List
edit-pipeline = Edit pipeline
new-pipeline = New pipeline
deal-added = Added the deal “{ $name }”
add-deal = Add a deal
drag-position = { $name }: { $stage }, position { $position } of { $total }.
drag-picked = Picked up { $name }. Use the arrow keys to move, Space to drop, Escape to cancel.
drag-dropped = Dropped { $name } in { $stage }.
drag-cancelled = Move of { $name } cancelled.
deal-moved = Moved “{ $name }”
deal-moved-short = Deal moved
drag-help = Press Space to pick up a deal, the arrow keys to move it, Space or Enter to drop it, Escape to cancel.
column-totals = { $count } · { $sum } · weighted { $weighted }
draggable-card = movable deal
card-position = { $position } of { $total }
move-to-stage = Move to stage…
deal-reopened = Deal reopened
reopen = Reopen
deal-won = Deal won
mark-won = Won
mark-lost = Lost
deal-lost = Deal lost
confirm-lost = Mark as lost
err-probability = A stage needs a name and a probability from 0 to 100.
stage-name = Stage name
stage-probability = Probability (%)
deals-count = { $count ->
    [one] { $count } deal
   *[other] { $count } deals
}
stage-up = Move { $name } up
stage-down = Move { $name } down
delete = Delete
add-stage = Add stage
duplicates = Duplicates
keyboard-shortcuts = Keyboard shortcuts
command = Command
find-anything = Find anything
find-anything-hint = Type a name, or a command such as “Add a task”
results = Results
close = Close
overdue = Overdue
today = Today
upcoming = Upcoming
someday = No due date
done = Done
whose = Whose tasks
my-tasks = My tasks
team-tasks = The team's tasks
calendar = Calendar
choose-me-hint = Choose who you are in Settings → Team to see only your tasks; all tasks are shown until then.
task-reopened = Task reopened
task-done = Task done
complete-task = Done: { $name }
birthday-of = Birthday: { $name }
service-overdue = Service overdue: { $name }
service-due = Service due: { $name }
previous = Previous
next = Next
month = Month
week = Week
enable-notifications = Show reminders as system notifications
reminder = Reminder
reminders = Reminders
mark-done = Mark done
all-kinds = All kinds
period = Period
all-time = All time
last-24h = Last 24 hours
last-7-days = Last 7 days
last-30-days = Last 30 days
last-90-days = Last 90 days
show-more = Show more
duplicates-intro = Records that share an email address, a phone number or a name. Review each pair before merging: nothing is merged automatically, and a merge can be undone.
no-duplicates = No likely duplicates found.
same-email = same email { $value }
same-phone = same phone { $value }
same-name = same name
review-merge = Review merge
merged = Merged; the duplicate is in the trash with its history.
merge-preview = Merge preview
keep = Keep
merge-in = Merge in
result = Result
relinked-count = { $count ->
    [one] { $count } linked record will point to the kept one.
   *[other] { $count } linked records will point to the kept one.
}
swap-keep = Keep the other one
merge-now = Merge
cancel = Cancel

## Field labels (field-<name>, built from the schema)
field-emails = Emails
field-phones = Phones
field-job_title = Job title
field-company = Company
field-reports_to = Reports to
field-birthday = Birthday
field-street = Street
field-city = City
field-region = Region
field-postcode = Postcode
field-country = Country
field-source = Source
field-owner = Owner
field-territory = Territory
field-tags = Tags
field-notes = Notes
field-kind = Type
field-industry = Industry
field-size = Size
field-website = Website
field-service_every_months = Service every (months)
field-title = Title
field-pipeline = Pipeline
field-stage = Stage
field-value = Value
field-probability = Probability (%)
field-expected_close = Expected close
field-contacts = Contacts
field-status = Status
field-lost_reason = Lost reason
field-closed_at = Closed
field-rank = Order on the board
field-stages = Stages
field-position = Position
field-currency = Currency
field-at = When
field-duration_minutes = Minutes
field-direction = Direction
field-subject = Subject
field-outcome = Outcome
field-body = Details
field-deal = Deal
field-author = Logged by
field-due = Due
field-remind_at = Remind me at
field-done = Done
field-done_at = Done at
field-assignee = Assignee
field-contact = Contact
field-recurrence = Repeats
field-every = Every
field-record_kind = Record type
field-label = Label
field-field_type = Field type
field-options = Options
field-query = Query
field-measure = Measure
field-segment = Customer segment
field-target = Target
field-tolerance = Tolerance
field-clv_lifespan_months = Customer lifespan (months)
field-clv_margin_bp = Margin (basis points)
field-clv_retention_bp = Yearly retention (basis points)
field-clv_discount_bp = Discount rate (basis points)

## Choice values (choice-<value>)
choice-customer = Customer
choice-prospect = Prospect
choice-partner = Partner
choice-agent = Agent
choice-competitor = Competitor
choice-other = Other
choice-open = Open
choice-won = Won
choice-lost = Lost
choice-call = Call
choice-email = Email
choice-meeting = Meeting
choice-note = Note
choice-visit = Visit
choice-inbound = Inbound
choice-outbound = Outbound
choice-none = Does not repeat
choice-days = Every N days
choice-months = Every N months
choice-yearly = Every year
choice-text = Text
choice-number = Number
choice-money = Money
choice-date = Date
choice-select = Choice
choice-multi_select = Several choices
choice-checkbox = Checkbox
choice-url = Web address
choice-phone = Phone

## Dashboard
customer-value = As a customer (last 12 months)
customer-no-purchases = No won deal in the last 12 months.
customer-scores = Recency { $r } · frequency { $f } · monetary { $m } (of 5)
customer-lifetime = Lifetime value (discounted): { $value }
show-chart = Show as a chart
show-table = Show as a table
dash-pipeline = Pipeline
dash-no-pipeline = No pipeline yet: create one on the Deals page.
dash-pipeline-chart = Open deals by stage (count · weighted value)
dash-win-rate = Win rate, last 12 months
dash-won-lost = { $won } won · { $lost } lost
dash-rfm = Customers by recency and frequency
dash-rfm-hint = Rows: how recently a customer bought (5 most recent); columns: how often (5 most often); darker: more spent. Choose a cell to list its customers.
dash-recency-frequency = Recency \ frequency
segment-champions = Champions
segment-loyal = Loyal
segment-potential_loyalist = Potential loyalists
segment-new = New customers
segment-promising = Promising
segment-needs_attention = Need attention
segment-about_to_sleep = About to sleep
segment-at_risk = At risk
segment-cant_lose_them = Can't lose them
segment-hibernating = Hibernating
segment-lost = Lost

# Importing records from CSV and vCard
import-title = Import records
import-file-title = The file
import-intro = Bring contacts, companies or deals in from a spreadsheet (CSV) or an address book (vCard). Nothing is written until you press Import, and one Undo takes a whole import back.
import-kind = The file holds
import-encoding = Text encoding
import-encoding-auto = Detect automatically
import-choose-file = Choose a CSV or vCard file
import-file-summary = { $name }: rows { $rows }, columns { $columns }, read as { $encoding }.
import-empty-file = The file has no rows to import below its header.
import-open-quote = Line { $line }: a quoted cell is never closed, so the rest of the file was read into it. Check the quotes in the file.
import-open-card = Line { $line }: a vCard starts here but never ends (no END:VCARD).
import-undecodable = { $count ->
    [one] One place could not be read as { $encoding } and shows as �. If names look wrong, choose the file's encoding.
   *[other] { $count } places could not be read as { $encoding } and show as �. If names look wrong, choose the file's encoding.
}
import-columns = Columns
import-preset-found = Recognised an export from { $preset }: its columns are mapped for you.
import-saved-mapping = Using the mapping from your last import of a file with these columns.
import-column-in-file = Column in the file
import-first-values = First values
import-into = Import into
import-skip = Don't import
import-first-name = First name
import-middle-name = Middle name
import-last-name = Last name
import-currency-column = Currency of the amounts
import-new-custom = New custom field ({ $type })
import-labels-of = Labels for column “{ $column }”
import-options = Options
import-default-currency = Currency of amounts that name none
import-bad-currency = “{ $value }” is not a currency code; use three letters such as EUR or USD.
import-create-companies = Create companies the file names that don't exist yet
import-create-contacts = Create contacts the file names that don't exist yet
import-pipeline = Pipeline for deals whose row names none
import-first-pipeline = The first pipeline
import-company-kind = Kind of the companies created
import-preview = Preview: the first rows as they will be stored
import-new-link = { $name } (new)
import-possible-duplicate = Possible duplicate
import-line = Line
import-status = Note
import-check = Check all rows
import-reading = Reading the file…
import-checking = Checking rows…
import-writing = Importing…
import-review = Before importing
import-rows-read = Rows in the file
import-ready = Ready to import
import-duplicates = Possible duplicates
import-rejected = Rows that cannot be imported
import-dup-all = For every duplicate
import-dup-skip = Skip the row
import-dup-merge = Merge into the existing record
import-dup-create = Create a new record anyway
import-dup-as-all = As for every duplicate
import-dup-choice = What to do
import-dup-choice-for = What to do with line { $line }
import-matches = Matches
import-matches-line = Line { $line } of this file
import-same-email = same email { $value }
import-same-phone = same phone { $value }
import-same-name = same name { $value }
import-reason = Reason
import-more = …and { $count } more.
import-download-rejected = Download these rows as CSV to fix and import again
import-warnings = Worth a look
import-go = Import
import-refused = The import was refused and nothing was written: { $reason } (lines { $lines })
import-done-title = Imported
import-done-summary = New: { $created }. Merged: { $merged }. Skipped: { $skipped }. Not imported: { $rejected }.
import-companies-created = Companies created: { $count }
import-contacts-created = Contacts created: { $count }
import-pipelines-created = Pipelines created: { $count }
import-territories-created = Territories created: { $count }
import-fields-created = Custom fields created: { $count }
import-open-list = Open the list
import-undo = Undo this import
import-undone = The import was taken back.
import-err-missing = Choose a column for { $field }: every record needs it.
import-err-empty-label = A new custom field needs a name: give the column a header.
import-err-custom-gone = A custom field this mapping uses no longer exists; choose another target for its column.
import-err-cells = The row has { $cells } cells but the header has { $columns }: a delimiter or a quote is probably missing.
import-err-no-company = There is no company “{ $name }” (creating companies is turned off).
import-err-no-contact = There is no contact “{ $name }” (creating contacts is turned off).
import-err-no-pipeline = There is no pipeline to put the deal in: create one, or map a pipeline column.
import-err-no-stage = Pipeline “{ $pipeline }” has no stage “{ $stage }”.
import-warn-member = { $field }: no teammate is called “{ $name }”, so it is left empty.
import-warn-manager = Reports to: there is no contact “{ $name }” here or in the file, so it is left empty.
import-warn-loop = Reports to: “{ $name }” would make a loop in the org chart, so it is left empty.
import-warn-empty-choice = Custom field “{ $label }” has no values in the file, so it was not created.
import-warn-mixed-dates = Dates: line { $day_line } has { $day }, day first, and line { $month_line } has { $month }, month first. Each date like 05/06/2024 is read month first unless its first number is over 12; check the dates after the import.
list-export = Export
export-csv-view = This list as CSV (filter and columns as shown)
export-vcard = These contacts as vCard
list-import = Import from a file
import-from-files = Import contacts, companies or deals from CSV or vCard

# Dashboard and scorecard
chart-export-csv = Export as CSV
figure-records = Records behind a figure
figure-count = { $count ->
    [one] { $count } record
   *[other] { $count } records
}
figure-gone = (removed since)
print = Print
dash-stage = Stage
dash-open-weighted = Open deals · weighted value
dash-forecast = Forecast
dash-forecast-chart = Weighted value of open deals by expected close month ({ $currency })
dash-month = Month
dash-weighted = Weighted value
dash-undated = { $count ->
    [one] { $count } open deal has no expected close date
   *[other] { $count } open deals have no expected close date
}
dash-win-trend = Win rate by month
dash-win-trend-chart = Win rate of the deals closed each month, last 12 months
dash-win-rate-short = Win rate
dash-none-closed = no deal closed
dash-revenue-member = Revenue by teammate
dash-revenue-member-chart = Revenue won per teammate, last 12 months
dash-revenue-territory = Revenue by territory
dash-revenue-territory-chart = Revenue won per territory, last 12 months
dash-member = Teammate
dash-territory = Territory
dash-revenue = Revenue won
dash-unassigned = Unassigned
dash-no-team = No deal won yet.
dash-activities = Activities
dash-activities-chart = Activities logged by kind, last 12 months (count · minutes)
dash-activities-count = Activities · minutes
dash-activities-text = { $count } · { $minutes } min
dash-kind = Kind
dash-no-activities = No activity logged in the last 12 months.
dash-save-segment = Save these customers as a view
dash-segment-saved = Saved: each customer carries the view's name as a tag, and the view is under Saved views on
scorecard-title = CRM scorecard
score-period = Period
score-this-month = This month vs last month
score-this-quarter = This quarter vs last quarter
score-this-year = This year vs last year
score-segment = Customers
score-whole-workspace = The whole workspace
score-open-page = Open the scorecard on its own page
score-measure = Measure
score-this-period = This period
score-previous = Previous period
score-change = Change
score-target = Target
score-status = Status
score-edit-target = Edit target
score-set-target = Set a target
score-target-for = Target for { $measure }
score-remove-target = Remove the target
score-workspace-target = (the workspace's target)
score-tolerance = tolerance { $value }
score-days = { $value } d
score-days-unit = days
score-points = { $value } pts
trend-better = better
trend-worse = worse
trend-same = unchanged
status-on-track = On track
status-at-risk = At risk
status-off-track = Off track
status-no-target = No target
status-no-data = No data
status-not-tracked = Not tracked yet
status-not-applicable = Not applicable
clv-title = Customer lifetime value
clv-hint = How lifetime value is estimated for every customer, for the whole team: expected years as a customer, your margin, the share of customers kept each year and the yearly discount rate.
clv-lifespan = Customer lifespan (months)
clv-margin = Margin (%)
clv-retention = Yearly retention (%)
clv-discount = Discount rate (%)
clv-saved = Lifetime value settings saved.
choice-higher = Higher is better
choice-lower = Lower is better
perspective-financial = Financial
perspective-customer = Customer
perspective-marketing = Marketing
perspective-sales = Sales
perspective-service = Service
perspective-staff = Staff
measure-financial-revenue = Revenue
measure-financial-clv = Average customer lifetime value
measure-financial-profit_per_customer = Profit per customer
measure-financial-share_of_wallet = Share of wallet
measure-customer-retention = Customer retention
measure-customer-penetration = Market penetration
measure-customer-win_back = Customers won back
measure-customer-acquisition = Share of new customers
measure-customer-new_customers = New customers
measure-customer-very_satisfied = Very satisfied customers
measure-marketing-leads = Leads captured
measure-marketing-responses = Campaign responses
measure-marketing-cost_per_lead = Cost per lead
measure-sales-win_rate = Win rate
measure-sales-revenue_per_conversion = Revenue per won deal
measure-sales-cycle_days = Sales cycle
measure-sales-cost_of_sale = Cost of sale
measure-service-visits_on_time = Service visits on time
measure-service-sla_met = Service level met
measure-service-cost_per_encounter = Cost per service encounter
measure-staff-crm_usage = Team using the CRM
measure-staff-tasks_on_time = Tasks done on time
measure-staff-trained = Staff trained
measure-staff-satisfaction = Staff satisfaction
# Direct links
sync-peers = Colleagues connected: { $peers }. Direct links: { $direct }.
direct-title = Connect directly, without a relay
direct-hint = When no relay can be reached, two colleagues on the same network can link their browsers: one makes a code and sends it (chat, email, in person), the other pastes it here and sends back the answer code. Only members of this workspace can use the codes.
direct-make = Make a link code
direct-offer-label = Your link code: send it to your colleague
direct-paste = Paste a code from your colleague
direct-use = Use the code
direct-answer-label = Your answer code: send it back to your colleague
direct-accepted = Answer accepted: the direct link opens in a moment.
sync-remove-title = Remove members
sync-remove-hint = Changing the secret shuts out everyone: only people you send the new invite link to can sync again. It cannot take back what removed members already have on their devices.
sync-remove-button = Change the secret
sync-remove-confirm = Change the workspace secret? Everyone else loses access until you send them the new invite link.
sync-rotated = The secret was changed. Send the new invite link above to everyone who should stay.
move-to-pipeline = Move to pipeline
choose-pipeline = Choose a pipeline…
deal-moved-pipeline = Deal moved to the first stage of the other pipeline.
direct-offer-qr = QR code of your link code
direct-answer-qr = QR code of your answer code
direct-qr-hint = The QR code holds the same text as the code: a phone's camera app reads it, ready to paste.
direct-qr-too-long = This code is too long for a QR code: copy it and send it as text.
