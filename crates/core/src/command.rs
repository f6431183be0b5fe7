//! What a user can do to a workspace, and why it can be refused.

use crate::id::Id;
use crate::schema::Kind;
use crate::time::Timestamp;
use crate::value::{FieldError, FieldValue};

/// The commands that add `tag` to each of `ids` that exists (one `Update` each, the record's
/// other tags kept), for bulk tagging.
pub fn add_tag(
    ws: &crate::workspace::Workspace,
    kind: Kind,
    ids: impl IntoIterator<Item = Id>,
    tag: &str,
) -> Vec<Command> {
    ids.into_iter()
        .filter_map(|id| ws.get(kind, id))
        .map(|r| {
            let mut tags = r
                .get("tags")
                .and_then(FieldValue::as_set)
                .cloned()
                .unwrap_or_default();
            tags.insert(tag.to_owned(), String::new());
            Command::Update {
                kind,
                id: r.id,
                fields: vec![("tags".into(), Some(FieldValue::Set(tags)))],
            }
        })
        .collect()
}

/// Who acts and when: passed in, never read from a clock.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Ctx {
    pub now: Timestamp,
    /// The team member this device acts as, if chosen.
    pub by: Option<Id>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Command {
    /// A new record; `id` comes from the caller's random source.
    Create {
        kind: Kind,
        id: Id,
        fields: Vec<(String, FieldValue)>,
        custom: Vec<(Id, FieldValue)>,
    },
    /// Sets (`Some`) or clears (`None`) fields. Long texts are merged as text edits, sets as sets.
    Update {
        kind: Kind,
        id: Id,
        fields: Vec<(String, Option<FieldValue>)>,
    },
    SetCustom {
        kind: Kind,
        id: Id,
        field: Id,
        value: Option<FieldValue>,
    },
    /// Soft delete into the trash; the record stays whole and can be restored.
    Trash {
        kind: Kind,
        id: Id,
    },
    Restore {
        kind: Kind,
        id: Id,
    },
    MoveStage {
        deal: Id,
        stage: String,
    },
    /// Moves an open deal to another pipeline, into `stage` of it (the stage history goes on).
    MovePipeline {
        deal: Id,
        pipeline: Id,
        stage: String,
    },
    Win {
        deal: Id,
    },
    Lose {
        deal: Id,
        reason: String,
    },
    Reopen {
        deal: Id,
    },
    /// Marks a task done; a recurring task moves on to its next due date instead.
    CompleteTask {
        task: Id,
    },
    ReopenTask {
        task: Id,
    },
    /// Folds `remove` into `keep`: missing fields are filled, sets united, notes appended, every
    /// link to `remove` re-pointed to `keep`, and `remove` goes to the trash marked as merged.
    MergeDuplicates {
        kind: Kind,
        keep: Id,
        remove: Id,
    },
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CommandError {
    #[error(transparent)]
    Field(#[from] FieldError),
    #[error("{kind} has no field {field:?}")]
    UnknownField { kind: Kind, field: String },
    #[error("there is no {kind} record {id}")]
    NotFound { kind: Kind, id: Id },
    #[error("a {kind} record {id} already exists")]
    AlreadyExists { kind: Kind, id: Id },
    #[error("{field} points to {target} {id}, which does not exist")]
    DanglingLink { field: String, target: Kind, id: Id },
    #[error("{field} points to {target} {id}, which is in the trash")]
    LinkToTrash { field: String, target: Kind, id: Id },
    #[error("{kind} {id} is in the trash; restore it first")]
    Trashed { kind: Kind, id: Id },
    #[error("{kind} {id} is not in the trash")]
    NotTrashed { kind: Kind, id: Id },
    #[error("reports_to would make a loop in the org chart")]
    ReportingCycle,
    #[error("the pipeline has no stage {0:?}")]
    UnknownStage(String),
    #[error("a pipeline needs at least one stage")]
    NoStages,
    #[error("move the {deals} deals in {stage} to another stage first")]
    StageInUse { stage: String, deals: usize },
    #[error("the deal is {0}; reopen it first")]
    DealClosed(String),
    #[error("the deal is already open")]
    DealOpen,
    #[error("a lost deal needs a reason")]
    ReasonRequired,
    #[error("this task is already done")]
    TaskDone,
    #[error("this task is not done")]
    TaskNotDone,
    #[error("a recurring task needs a due date")]
    RecurringWithoutDue,
    #[error("custom field {0} does not exist or is in the trash")]
    UnknownCustomField(Id),
    #[error("custom field {field} belongs to {expected} records, not {kind}")]
    CustomFieldKind {
        field: Id,
        expected: String,
        kind: Kind,
    },
    #[error("{value:?} is not an option of this field ({options})")]
    NotAnOption { value: String, options: String },
    #[error("{0:?} records cannot have custom fields")]
    NotCustomisable(String),
    #[error("a choice field needs at least one option")]
    NoOptions,
    #[error("{0} cannot change once the field exists")]
    FixedField(String),
    #[error("a record cannot be merged with itself")]
    MergeWithSelf,
    #[error("there is no scorecard measure {0:?}")]
    UnknownMeasure(String),
    #[error("there is no customer segment {0:?}")]
    UnknownSegment(String),
    #[error("{0} is a money measure: its target needs a currency")]
    TargetNeedsCurrency(String),
    #[error("{0} is not a money measure: its target cannot have a currency")]
    TargetHasCurrency(String),
    #[error(
        "this measure already has a target for this segment and currency ({0}); edit it instead"
    )]
    TargetExists(Id),
    #[error("with 100 % retention and no discount the lifetime value would be infinite")]
    InfiniteLifetimeValue,
    #[error("nothing to undo")]
    NothingToUndo,
    #[error("an import is still being written; undo it once it is done")]
    UndoWhileWriting,
    #[error("nothing to redo")]
    NothingToRedo,
    #[error("the document refused the change: {0}")]
    Document(String),
}
