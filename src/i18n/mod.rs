//! The one i18n layer every user-visible string goes through.
//!
//! Messages are Fluent (`locales/<lang>/main.ftl`): translators get plural and select rules in
//! their own files, and a message can change shape per language without touching code. This
//! module is pure Rust and compiled natively too, so `cargo test` checks that every locale is
//! complete and parses; numbers and dates are formatted by the browser's `Intl` (see `intl`).

#[cfg(target_arch = "wasm32")]
mod context;
mod errors;
#[cfg(target_arch = "wasm32")]
pub(crate) use errors::{
    command_error, field_error, import_error, read_problem, row_error, row_warning,
};
#[cfg(target_arch = "wasm32")]
pub mod intl;

#[cfg(target_arch = "wasm32")]
pub use context::{I18n, use_i18n};

use std::sync::{LazyLock, OnceLock};

use fluent_bundle::concurrent::FluentBundle;
use fluent_bundle::{FluentArgs, FluentResource, FluentValue};
use unic_langid::LanguageIdentifier;

/// The languages the app ships, complete.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Locale {
    En,
    Fa,
    Ru,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    Ltr,
    Rtl,
}

impl Direction {
    pub fn as_str(self) -> &'static str {
        match self {
            Direction::Ltr => "ltr",
            Direction::Rtl => "rtl",
        }
    }
}

impl Locale {
    pub const ALL: [Locale; 3] = [Locale::En, Locale::Fa, Locale::Ru];
    pub const DEFAULT: Locale = Locale::En;

    /// BCP 47 tag, used for `<html lang>` and storage.
    pub fn tag(self) -> &'static str {
        match self {
            Locale::En => "en",
            Locale::Fa => "fa",
            Locale::Ru => "ru",
        }
    }

    /// The tag handed to `Intl`: Persian explicitly asks for the Solar Hijri calendar and
    /// Persian digits, so no browser default can swap in Gregorian dates or Latin digits.
    pub fn intl_tag(self) -> &'static str {
        match self {
            Locale::En => "en-US",
            Locale::Fa => "fa-IR-u-ca-persian-nu-arabext",
            Locale::Ru => "ru-RU",
        }
    }

    pub fn dir(self) -> Direction {
        match self {
            Locale::Fa => Direction::Rtl,
            Locale::En | Locale::Ru => Direction::Ltr,
        }
    }

    /// The language's name in itself, as language pickers show it.
    pub fn autonym(self) -> &'static str {
        match self {
            Locale::En => "English",
            Locale::Fa => "فارسی",
            Locale::Ru => "Русский",
        }
    }

    fn index(self) -> usize {
        match self {
            Locale::En => 0,
            Locale::Fa => 1,
            Locale::Ru => 2,
        }
    }

    /// Reads a stored or browser tag such as `ru`, `fa-IR` or `EN_us`.
    pub fn from_tag(tag: &str) -> Option<Locale> {
        let primary = tag.trim().split(['-', '_']).next()?.to_ascii_lowercase();
        Locale::ALL.into_iter().find(|l| l.tag() == primary)
    }

    /// The first of the user's preferred languages (`navigator.languages`) that we ship.
    pub fn negotiate<'a>(preferred: impl IntoIterator<Item = &'a str>) -> Locale {
        preferred
            .into_iter()
            .find_map(Locale::from_tag)
            .unwrap_or(Locale::DEFAULT)
    }
}

const SOURCES: [(Locale, &str); 3] = [
    (Locale::En, include_str!("../../locales/en/main.ftl")),
    (Locale::Fa, include_str!("../../locales/fa/main.ftl")),
    (Locale::Ru, include_str!("../../locales/ru/main.ftl")),
];

/// Formats a number for a locale; installed by the browser adapter (`Intl.NumberFormat`).
pub type NumberFormatter = fn(Locale, f64) -> String;
static NUMBER_FORMATTER: OnceLock<NumberFormatter> = OnceLock::new();

/// Routes numbers inside messages (`{ $count }`) through `f`. Call once at start-up, before
/// the first message is formatted; later calls are ignored.
pub fn set_number_formatter(f: NumberFormatter) {
    let _ = NUMBER_FORMATTER.set(f);
}

fn fluent_number<const L: usize, M>(value: &FluentValue, _: &M) -> Option<String> {
    let FluentValue::Number(n) = value else {
        return None;
    };
    NUMBER_FORMATTER.get().map(|f| f(Locale::ALL[L], n.value))
}

macro_rules! messages {
    ($($variant:ident = $key:literal,)*) => {
        /// Every message the app shows, as a typed key: a typo is a compile error, and a key no
        /// screen uses any more is a dead-code warning (an error under clippy -D warnings).
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        #[cfg_attr(not(target_arch = "wasm32"), allow(dead_code))]
        pub(crate) enum Msg {
            $($variant,)*
        }

        impl Msg {
            #[cfg(test)]
            pub(crate) const ALL: &[Msg] = &[$(Msg::$variant,)*];

            pub(crate) fn key(self) -> &'static str {
                match self {
                    $(Msg::$variant => $key,)*
                }
            }
        }
    };
}

messages! {
    AppName = "app-name",
    AppTagline = "app-tagline",
    SkipToContent = "skip-to-content",
    NavLabel = "nav-label",
    MenuOpen = "menu-open",
    MenuClose = "menu-close",
    ThemeSwitchToDark = "theme-switch-to-dark",
    ThemeSwitchToLight = "theme-switch-to-light",
    NavDashboard = "nav-dashboard",
    NavContacts = "nav-contacts",
    NavCompanies = "nav-companies",
    NavDeals = "nav-deals",
    NavActivities = "nav-activities",
    NavTasks = "nav-tasks",
    NavSettings = "nav-settings",
    DashboardIntro = "dashboard-intro",
    ContactsEmpty = "contacts-empty",
    CompaniesEmpty = "companies-empty",
    DealsEmpty = "deals-empty",
    ActivitiesEmpty = "activities-empty",
    TasksEmpty = "tasks-empty",
    LocalFirstNote = "local-first-note",
    SettingsLanguage = "settings-language",
    SettingsLanguageHint = "settings-language-hint",
    SettingsTheme = "settings-theme",
    ThemeSystem = "theme-system",
    ThemeLight = "theme-light",
    ThemeDark = "theme-dark",
    SettingsFormats = "settings-formats",
    FormatsDate = "formats-date",
    FormatsNumber = "formats-number",
    FormatsCounting = "formats-counting",
    ContactsCount = "contacts-count",
    NotFoundTitle = "not-found-title",
    NotFoundBody = "not-found-body",
    NotFoundHome = "not-found-home",
    UpdateAvailable = "update-available",
    UpdateReload = "update-reload",
    UpdateLater = "update-later",
    ContactsAddTitle = "contacts-add-title",
    FieldName = "field-name",
    FieldEmail = "field-email",
    ContactsAdd = "contacts-add",
    CommandRefused = "command-refused",
    SaveFailed = "save-failed",
    SaveRetry = "save-retry",
    LoadProblem = "load-problem",
    Dismiss = "dismiss",
    SettingsTeam = "settings-team",
    TeamHint = "team-hint",
    TeamMe = "team-me",
    TeamAdd = "team-add",
    FieldColor = "field-color",
    TeamNobody = "team-nobody",
    CustomerValue = "customer-value",
    CustomerNoPurchases = "customer-no-purchases",
    CustomerScores = "customer-scores",
    CustomerLifetime = "customer-lifetime",
    ShowChart = "show-chart",
    ShowTable = "show-table",
    DashPipeline = "dash-pipeline",
    DashNoPipeline = "dash-no-pipeline",
    DashPipelineChart = "dash-pipeline-chart",
    DashWinRate = "dash-win-rate",
    DashWonLost = "dash-won-lost",
    DashRfm = "dash-rfm",
    DashRfmHint = "dash-rfm-hint",
    DashRecencyFrequency = "dash-recency-frequency",
    SyncTitle = "sync-title",
    SyncHint = "sync-hint",
    SyncNotShared = "sync-not-shared",
    SyncOffline = "sync-offline",
    SyncConnecting = "sync-connecting",
    SyncSyncing = "sync-syncing",
    SyncSynced = "sync-synced",
    SyncElsewhere = "sync-elsewhere",
    SyncPending = "sync-pending",
    SyncLast = "sync-last",
    SyncProblem = "sync-problem",
    SyncInvite = "sync-invite",
    SyncLinkLabel = "sync-link-label",
    SyncCopy = "sync-copy",
    SyncCopied = "sync-copied",
    JoinTitle = "join-title",
    JoinHint = "join-hint",
    JoinBadLink = "join-bad-link",
    JoinButton = "join-button",
    JoinName = "join-name",
    TerritoriesTitle = "territories-title",
    TerritoriesHint = "territories-hint",
    TerritoryMembers = "territory-members",
    TerritoryAdd = "territory-add",
    CustomFieldsTitle = "custom-fields-title",
    CustomFieldsHint = "custom-fields-hint",
    CustomFieldsEmpty = "custom-fields-empty",
    CustomFieldOptions = "custom-field-options",
    CustomFieldAdd = "custom-field-add",
    FieldLabel = "field-label",
    FieldRecordKind = "field-record_kind",
    FieldFieldType = "field-field_type",
    SettingsWorkspaces = "settings-workspaces",
    WorkspaceCurrent = "workspace-current",
    WorkspaceOpen = "workspace-open",
    WorkspaceRename = "workspace-rename",
    WorkspaceDelete = "workspace-delete",
    WorkspaceDeleteConfirm = "workspace-delete-confirm",
    WorkspaceNewName = "workspace-new-name",
    WorkspaceCreate = "workspace-create",
    WorkspaceDefaultName = "workspace-default-name",
    SettingsData = "settings-data",
    DataHint = "data-hint",
    ExportAutomerge = "export-automerge",
    ExportJson = "export-json",
    ImportFile = "import-file",
    ImportHint = "import-hint",
    SettingsStorage = "settings-storage",
    StoragePersistent = "storage-persistent",
    StorageBestEffort = "storage-best-effort",
    StorageUsed = "storage-used",
    Yes = "yes",
    No = "no",
    Undo = "undo",
    Redo = "redo",
    ErrRequired = "err-required",
    ErrEmail = "err-email",
    ErrPhone = "err-phone",
    ErrUrl = "err-url",
    ErrDate = "err-date",
    ErrColor = "err-color",
    ErrChoice = "err-choice",
    ErrRange = "err-range",
    ErrNegative = "err-negative",
    ErrTooLong = "err-too-long",
    ErrNotFound = "err-not-found",
    ErrDangling = "err-dangling",
    ErrLinkToTrash = "err-link-to-trash",
    ErrTrashed = "err-trashed",
    ErrCycle = "err-cycle",
    ErrUnknownStage = "err-unknown-stage",
    ErrNoStages = "err-no-stages",
    ErrNoOptions = "err-no-options",
    ErrFixedField = "err-fixed-field",
    ErrNotCustomisable = "err-not-customisable",
    ErrDealClosed = "err-deal-closed",
    ErrReasonRequired = "err-reason-required",
    ErrNotAnOption = "err-not-an-option",
    ErrMergeWithSelf = "err-merge-with-self",
    ErrNothingToUndo = "err-nothing-to-undo",
    ErrUndoWhileWriting = "err-undo-while-writing",
    ErrNothingToRedo = "err-nothing-to-redo",
    ErrStageInUse = "err-stage-in-use",
    Clear = "clear",
    Empty = "empty",
    SelectAll = "select-all",
    SelectRecord = "select-record",
    NoValue = "no-value",
    BulkTagged = "bulk-tagged",
    BulkAssigned = "bulk-assigned",
    BulkRestored = "bulk-restored",
    BulkTrashed = "bulk-trashed",
    SearchList = "search-list",
    ListNoMatchSearch = "list-no-match-search",
    ListNoMatch = "list-no-match",
    ListTrashEmpty = "list-trash-empty",
    ListAllTrashed = "list-all-trashed",
    ListNothing = "list-nothing",
    ListClearSearch = "list-clear-search",
    ListClearFilters = "list-clear-filters",
    ListLeaveTrash = "list-leave-trash",
    ListOpenTrash = "list-open-trash",
    Anyone = "anyone",
    Nobody = "nobody",
    MeName = "me-name",
    AnyTerritory = "any-territory",
    ShowTrash = "show-trash",
    RecordsCount = "records-count",
    BulkActions = "bulk-actions",
    SelectedCount = "selected-count",
    TagToAdd = "tag-to-add",
    AddTag = "add-tag",
    Assign = "assign",
    Restore = "restore",
    MoveToTrash = "move-to-trash",
    ClearSelection = "clear-selection",
    GroupBy = "group-by",
    NoGrouping = "no-grouping",
    CreatedAt = "created-at",
    OpEmpty = "op-empty",
    OpNotEmpty = "op-not-empty",
    OpEquals = "op-equals",
    OpContains = "op-contains",
    OpAtLeast = "op-at-least",
    OpAtMost = "op-at-most",
    AddFilter = "add-filter",
    Field = "field",
    Condition = "condition",
    Value = "value",
    Apply = "apply",
    ActiveFilters = "active-filters",
    RemoveFilter = "remove-filter",
    SavedViews = "saved-views",
    AllRecords = "all-records",
    DeleteView = "delete-view",
    SaveView = "save-view",
    ViewName = "view-name",
    Save = "save",
    ViewSaved = "view-saved",
    ViewDeleted = "view-deleted",
    Columns = "columns",
    ErrMinutes = "err-minutes",
    ErrReminder = "err-reminder",
    ActivityLogged = "activity-logged",
    LogActivity = "log-activity",
    Log = "log",
    TaskAdded = "task-added",
    AddTask = "add-task",
    Me = "me",
    RestoredName = "restored-name",
    TrashedName = "trashed-name",
    RecordMissingTitle = "record-missing-title",
    RecordMissingBody = "record-missing-body",
    InTrash = "in-trash",
    Details = "details",
    LogShortcutHint = "log-shortcut-hint",
    KindContact = "kind-contact",
    KindCompany = "kind-company",
    KindDeal = "kind-deal",
    KindTask = "kind-task",
    KindActivity = "kind-activity",
    People = "people",
    NoPeople = "no-people",
    OrgChart = "org-chart",
    DirectReports = "direct-reports",
    NoDeals = "no-deals",
    Timeline = "timeline",
    NoActivities = "no-activities",
    NoTasks = "no-tasks",
    SomeoneUnknown = "someone-unknown",
    HistoryCreated = "history-created",
    HistoryTrashed = "history-trashed",
    History = "history",
    ContactAdded = "contact-added",
    CompanyAdded = "company-added",
    CompaniesAddTitle = "companies-add-title",
    CompaniesAdd = "companies-add",
    StageLead = "stage-lead",
    StageQualified = "stage-qualified",
    StageProposal = "stage-proposal",
    StageNegotiation = "stage-negotiation",
    PipelineDefaultName = "pipeline-default-name",
    CreatePipeline = "create-pipeline",
    ViewAs = "view-as",
    Board = "board",
    List = "list",
    EditPipeline = "edit-pipeline",
    NewPipeline = "new-pipeline",
    DealAdded = "deal-added",
    AddDeal = "add-deal",
    DragPosition = "drag-position",
    DragPicked = "drag-picked",
    DragDropped = "drag-dropped",
    DragCancelled = "drag-cancelled",
    DealMoved = "deal-moved",
    DealMovedShort = "deal-moved-short",
    DragHelp = "drag-help",
    ColumnTotals = "column-totals",
    DraggableCard = "draggable-card",
    CardPosition = "card-position",
    MoveToStage = "move-to-stage",
    DealReopened = "deal-reopened",
    Reopen = "reopen",
    DealWon = "deal-won",
    MarkWon = "mark-won",
    MarkLost = "mark-lost",
    DealLost = "deal-lost",
    ConfirmLost = "confirm-lost",
    ErrProbability = "err-probability",
    StageName = "stage-name",
    StageProbability = "stage-probability",
    DealsCount = "deals-count",
    StageUp = "stage-up",
    StageDown = "stage-down",
    Delete = "delete",
    AddStage = "add-stage",
    Duplicates = "duplicates",
    KeyboardShortcuts = "keyboard-shortcuts",
    Command = "command",
    FindAnything = "find-anything",
    FindAnythingHint = "find-anything-hint",
    Results = "results",
    Close = "close",
    Overdue = "overdue",
    Today = "today",
    Upcoming = "upcoming",
    Someday = "someday",
    Done = "done",
    Whose = "whose",
    MyTasks = "my-tasks",
    TeamTasks = "team-tasks",
    Calendar = "calendar",
    ChooseMeHint = "choose-me-hint",
    TaskReopened = "task-reopened",
    TaskDone = "task-done",
    CompleteTask = "complete-task",
    BirthdayOf = "birthday-of",
    ServiceOverdue = "service-overdue",
    ServiceDue = "service-due",
    Previous = "previous",
    Next = "next",
    Month = "month",
    Week = "week",
    EnableNotifications = "enable-notifications",
    Reminder = "reminder",
    Reminders = "reminders",
    MarkDone = "mark-done",
    AllKinds = "all-kinds",
    Period = "period",
    AllTime = "all-time",
    Last24h = "last-24h",
    Last7Days = "last-7-days",
    Last30Days = "last-30-days",
    Last90Days = "last-90-days",
    ShowMore = "show-more",
    DuplicatesIntro = "duplicates-intro",
    NoDuplicates = "no-duplicates",
    SameEmail = "same-email",
    SamePhone = "same-phone",
    SameName = "same-name",
    ReviewMerge = "review-merge",
    Merged = "merged",
    MergePreview = "merge-preview",
    Keep = "keep",
    MergeIn = "merge-in",
    Result = "result",
    RelinkedCount = "relinked-count",
    SwapKeep = "swap-keep",
    MergeNow = "merge-now",
    Cancel = "cancel",
    ImportTitle = "import-title",
    ImportFileTitle = "import-file-title",
    ImportIntro = "import-intro",
    ImportKind = "import-kind",
    ImportEncoding = "import-encoding",
    ImportEncodingAuto = "import-encoding-auto",
    ImportChooseFile = "import-choose-file",
    ImportFileSummary = "import-file-summary",
    ImportEmptyFile = "import-empty-file",
    ImportOpenQuote = "import-open-quote",
    ImportOpenCard = "import-open-card",
    ImportUndecodable = "import-undecodable",
    ImportColumns = "import-columns",
    ImportPresetFound = "import-preset-found",
    ImportSavedMapping = "import-saved-mapping",
    ImportColumnInFile = "import-column-in-file",
    ImportFirstValues = "import-first-values",
    ImportInto = "import-into",
    ImportSkip = "import-skip",
    ImportFirstName = "import-first-name",
    ImportMiddleName = "import-middle-name",
    ImportLastName = "import-last-name",
    ImportCurrencyColumn = "import-currency-column",
    ImportNewCustom = "import-new-custom",
    ImportLabelsOf = "import-labels-of",
    ImportOptions = "import-options",
    ImportDefaultCurrency = "import-default-currency",
    ImportBadCurrency = "import-bad-currency",
    ImportCreateCompanies = "import-create-companies",
    ImportCreateContacts = "import-create-contacts",
    ImportPipeline = "import-pipeline",
    ImportFirstPipeline = "import-first-pipeline",
    ImportCompanyKind = "import-company-kind",
    ImportPreview = "import-preview",
    ImportNewLink = "import-new-link",
    ImportPossibleDuplicate = "import-possible-duplicate",
    ImportLine = "import-line",
    ImportStatus = "import-status",
    ImportCheck = "import-check",
    ImportReading = "import-reading",
    ImportChecking = "import-checking",
    ImportWriting = "import-writing",
    ImportReview = "import-review",
    ImportRowsRead = "import-rows-read",
    ImportReady = "import-ready",
    ImportDuplicates = "import-duplicates",
    ImportRejected = "import-rejected",
    ImportDupAll = "import-dup-all",
    ImportDupSkip = "import-dup-skip",
    ImportDupMerge = "import-dup-merge",
    ImportDupCreate = "import-dup-create",
    ImportDupAsAll = "import-dup-as-all",
    ImportDupChoice = "import-dup-choice",
    ImportDupChoiceFor = "import-dup-choice-for",
    ImportMatches = "import-matches",
    ImportMatchesLine = "import-matches-line",
    ImportSameEmail = "import-same-email",
    ImportSamePhone = "import-same-phone",
    ImportSameName = "import-same-name",
    ImportReason = "import-reason",
    ImportMore = "import-more",
    ImportDownloadRejected = "import-download-rejected",
    ImportWarnings = "import-warnings",
    ImportGo = "import-go",
    ImportRefused = "import-refused",
    ImportDoneTitle = "import-done-title",
    ImportDoneSummary = "import-done-summary",
    ImportCompaniesCreated = "import-companies-created",
    ImportContactsCreated = "import-contacts-created",
    ImportPipelinesCreated = "import-pipelines-created",
    ImportTerritoriesCreated = "import-territories-created",
    ImportFieldsCreated = "import-fields-created",
    ImportOpenList = "import-open-list",
    ImportUndo = "import-undo",
    ImportUndone = "import-undone",
    ImportErrMissing = "import-err-missing",
    ImportErrEmptyLabel = "import-err-empty-label",
    ImportErrCustomGone = "import-err-custom-gone",
    ImportErrCells = "import-err-cells",
    ImportErrNoCompany = "import-err-no-company",
    ImportErrNoContact = "import-err-no-contact",
    ImportErrNoPipeline = "import-err-no-pipeline",
    ImportErrNoStage = "import-err-no-stage",
    ImportWarnMember = "import-warn-member",
    ImportWarnManager = "import-warn-manager",
    ImportWarnLoop = "import-warn-loop",
    ImportWarnEmptyChoice = "import-warn-empty-choice",
    ImportWarnMixedDates = "import-warn-mixed-dates",
    ListExport = "list-export",
    ExportCsvView = "export-csv-view",
    ExportVcard = "export-vcard",
    ListImport = "list-import",
    ImportFromFiles = "import-from-files",
    // Dashboard and scorecard
    ChartExportCsv = "chart-export-csv",
    FigureRecords = "figure-records",
    FigureCount = "figure-count",
    FigureGone = "figure-gone",
    Print = "print",
    DashStage = "dash-stage",
    DashOpenWeighted = "dash-open-weighted",
    DashForecast = "dash-forecast",
    DashForecastChart = "dash-forecast-chart",
    DashMonth = "dash-month",
    DashWeighted = "dash-weighted",
    DashUndated = "dash-undated",
    DashWinTrend = "dash-win-trend",
    DashWinTrendChart = "dash-win-trend-chart",
    DashWinRateShort = "dash-win-rate-short",
    DashNoneClosed = "dash-none-closed",
    DashRevenueMember = "dash-revenue-member",
    DashRevenueMemberChart = "dash-revenue-member-chart",
    DashRevenueTerritory = "dash-revenue-territory",
    DashRevenueTerritoryChart = "dash-revenue-territory-chart",
    DashMember = "dash-member",
    DashTerritory = "dash-territory",
    DashRevenue = "dash-revenue",
    DashUnassigned = "dash-unassigned",
    DashNoTeam = "dash-no-team",
    DashActivities = "dash-activities",
    DashActivitiesChart = "dash-activities-chart",
    DashActivitiesCount = "dash-activities-count",
    DashActivitiesText = "dash-activities-text",
    DashKind = "dash-kind",
    DashNoActivities = "dash-no-activities",
    DashSaveSegment = "dash-save-segment",
    DashSegmentSaved = "dash-segment-saved",
    ScorecardTitle = "scorecard-title",
    ScorePeriod = "score-period",
    ScoreThisMonth = "score-this-month",
    ScoreThisQuarter = "score-this-quarter",
    ScoreThisYear = "score-this-year",
    ScoreSegment = "score-segment",
    ScoreWholeWorkspace = "score-whole-workspace",
    ScoreOpenPage = "score-open-page",
    ScoreMeasure = "score-measure",
    ScoreThisPeriod = "score-this-period",
    ScorePrevious = "score-previous",
    ScoreChange = "score-change",
    ScoreTarget = "score-target",
    ScoreStatus = "score-status",
    ScoreEditTarget = "score-edit-target",
    ScoreSetTarget = "score-set-target",
    ScoreTargetFor = "score-target-for",
    ScoreRemoveTarget = "score-remove-target",
    ScoreWorkspaceTarget = "score-workspace-target",
    ScoreTolerance = "score-tolerance",
    ScoreDays = "score-days",
    ScoreDaysUnit = "score-days-unit",
    ScorePoints = "score-points",
    TrendBetter = "trend-better",
    TrendWorse = "trend-worse",
    TrendSame = "trend-same",
    StatusOnTrack = "status-on-track",
    StatusAtRisk = "status-at-risk",
    StatusOffTrack = "status-off-track",
    StatusNoTarget = "status-no-target",
    StatusNoData = "status-no-data",
    StatusNotTracked = "status-not-tracked",
    StatusNotApplicable = "status-not-applicable",
    ClvTitle = "clv-title",
    ClvHint = "clv-hint",
    ClvLifespan = "clv-lifespan",
    ClvMargin = "clv-margin",
    ClvRetention = "clv-retention",
    ClvDiscount = "clv-discount",
    ClvSaved = "clv-saved",
    SyncPeers = "sync-peers",
    DirectTitle = "direct-title",
    DirectHint = "direct-hint",
    DirectMake = "direct-make",
    DirectOfferLabel = "direct-offer-label",
    DirectPaste = "direct-paste",
    DirectUse = "direct-use",
    DirectAnswerLabel = "direct-answer-label",
    DirectAccepted = "direct-accepted",
    SyncRemoveTitle = "sync-remove-title",
    SyncRemoveHint = "sync-remove-hint",
    SyncRemoveButton = "sync-remove-button",
    SyncRemoveConfirm = "sync-remove-confirm",
    SyncRotated = "sync-rotated",
    MoveToPipeline = "move-to-pipeline",
    ChoosePipeline = "choose-pipeline",
    DealMovedPipeline = "deal-moved-pipeline",
    DirectOfferQr = "direct-offer-qr",
    DirectAnswerQr = "direct-answer-qr",
    DirectQrHint = "direct-qr-hint",
    DirectQrTooLong = "direct-qr-too-long",
}

type Bundle = FluentBundle<FluentResource>;

/// All translations, parsed once.
pub struct Catalog {
    bundles: Vec<Bundle>,
    problems: Vec<String>,
}

impl Catalog {
    fn load() -> Catalog {
        let mut problems = Vec::new();
        let bundles = SOURCES
            .iter()
            .map(|&(locale, source)| {
                let resource = FluentResource::try_new(source.to_owned()).unwrap_or_else(
                    |(partial, errors)| {
                        problems.extend(errors.iter().map(|e| format!("{}: {e:?}", locale.tag())));
                        partial
                    },
                );
                let langid: LanguageIdentifier = match locale.tag().parse() {
                    Ok(id) => id,
                    Err(e) => {
                        problems.push(format!("{}: bad language tag: {e}", locale.tag()));
                        LanguageIdentifier::default()
                    }
                };
                let mut bundle = FluentBundle::new_concurrent(vec![langid]);
                bundle.set_formatter(Some(match locale.index() {
                    0 => fluent_number::<0, _>,
                    1 => fluent_number::<1, _>,
                    _ => fluent_number::<2, _>,
                }));
                if let Err(errors) = bundle.add_resource(resource) {
                    problems.extend(errors.iter().map(|e| format!("{}: {e:?}", locale.tag())));
                }
                bundle
            })
            .collect();
        Catalog { bundles, problems }
    }

    /// Parse or load errors; empty in a correct build (the tests insist).
    pub fn problems(&self) -> &[String] {
        &self.problems
    }

    fn bundle(&self, locale: Locale) -> &Bundle {
        &self.bundles[locale.index()]
    }

    /// The message `key` in `locale`. A key missing there falls back to English, and a key
    /// missing everywhere shows itself, so a gap is visible but never breaks the screen.
    pub fn message(&self, locale: Locale, key: &str, args: Option<&FluentArgs>) -> String {
        [locale, Locale::DEFAULT]
            .into_iter()
            .find_map(|l| self.format(self.bundle(l), key, args))
            .unwrap_or_else(|| key.to_owned())
    }

    fn format(&self, bundle: &Bundle, key: &str, args: Option<&FluentArgs>) -> Option<String> {
        let pattern = bundle.get_message(key)?.value()?;
        let mut errors = Vec::new();
        let text = bundle.format_pattern(pattern, args, &mut errors);
        Some(text.into_owned())
    }

    /// Every message key a locale defines.
    pub fn keys(&self, locale: Locale) -> Vec<String> {
        let source = SOURCES[locale.index()].1;
        FluentResource::try_new(source.to_owned())
            .unwrap_or_else(|(partial, _)| partial)
            .entries()
            .filter_map(|entry| match entry {
                fluent_syntax::ast::Entry::Message(m) => Some(m.id.name.to_owned()),
                _ => None,
            })
            .collect()
    }
}

static CATALOG: LazyLock<Catalog> = LazyLock::new(Catalog::load);

pub fn catalog() -> &'static Catalog {
    &CATALOG
}

/// A message in `locale`, without arguments.
#[cfg_attr(not(target_arch = "wasm32"), allow(dead_code))]
pub(crate) fn t(locale: Locale, msg: Msg) -> String {
    plain(locale, msg.key())
}

/// A message without arguments, formatted once per locale and kept: tables ask for the same
/// labels in every cell of every row they draw.
fn plain(locale: Locale, key: &str) -> String {
    thread_local! {
        static PLAIN: std::cell::RefCell<std::collections::HashMap<(Locale, String), String>> =
            Default::default();
    }
    PLAIN.with_borrow_mut(|cache| {
        if let Some(text) = cache.get(&(locale, key.to_owned())) {
            return text.clone();
        }
        let text = catalog().message(locale, key, None);
        cache.insert((locale, key.to_owned()), text.clone());
        text
    })
}

/// A message in `locale` with a numeric argument, e.g. a count that picks the plural form.
#[cfg_attr(not(target_arch = "wasm32"), allow(dead_code))]
pub(crate) fn t_count(locale: Locale, msg: Msg, name: &'static str, value: f64) -> String {
    let mut args = FluentArgs::new();
    args.set(name, FluentValue::from(value));
    catalog().message(locale, msg.key(), Some(&args))
}

/// A message with a count that picks the plural form and text arguments.
#[cfg_attr(not(target_arch = "wasm32"), allow(dead_code))]
pub(crate) fn t_count_with(
    locale: Locale,
    msg: Msg,
    count: (&'static str, f64),
    args: &[(&'static str, &str)],
) -> String {
    let mut fa = FluentArgs::new();
    fa.set(count.0, FluentValue::from(count.1));
    for (name, value) in args {
        fa.set(*name, FluentValue::from(value.to_string()));
    }
    catalog().message(locale, msg.key(), Some(&fa))
}

/// A message with text arguments (names, reasons), each isolated for bidirectional text.
#[cfg_attr(not(target_arch = "wasm32"), allow(dead_code))]
pub(crate) fn t_with(locale: Locale, msg: Msg, args: &[(&'static str, &str)]) -> String {
    let mut fa = FluentArgs::new();
    for (name, value) in args {
        fa.set(*name, FluentValue::from(value.to_string()));
    }
    catalog().message(locale, msg.key(), Some(&fa))
}

/// The words of `msg` before and after its one text argument `name`, without the isolation
/// marks Fluent puts around it: for a name put together from parts ("Select" and a row's own
/// title, by `aria-labelledby`) instead of formatted anew for every value.
#[cfg_attr(not(target_arch = "wasm32"), allow(dead_code))]
pub(crate) fn t_around(locale: Locale, msg: Msg, name: &'static str) -> (String, String) {
    // A private-use character: in no message, so it marks the argument's place.
    const MARK: &str = "\u{E000}";
    let full = t_with(locale, msg, &[(name, MARK)]);
    let bare = |s: &str| s.replace(['\u{2068}', '\u{2069}'], "");
    match full.split_once(MARK) {
        Some((before, after)) => (bare(before), bare(after)),
        None => (bare(&full), String::new()),
    }
}

/// A message whose key is built from data: `field-<name>` for schema fields, `choice-<value>`
/// for choice values, `kind-<collection>` for record kinds. A native test checks that every
/// such key exists in every locale; a value without a message (sizes like `1-10`) shows as is.
#[cfg_attr(not(target_arch = "wasm32"), allow(dead_code))]
pub(crate) fn t_key(locale: Locale, prefix: &str, name: &str) -> String {
    let key = format!("{prefix}-{name}");
    if catalog().bundle(locale).has_message(&key)
        || catalog().bundle(Locale::DEFAULT).has_message(&key)
    {
        plain(locale, &key)
    } else {
        name.to_owned()
    }
}

/// "1 contact", "2 контакта", "۵ مخاطب": the plural form the locale needs for `n`.
pub fn contacts_count(locale: Locale, n: u64) -> String {
    t_count(locale, Msg::ContactsCount, "count", n as f64)
}

#[cfg(test)]
mod tests;
