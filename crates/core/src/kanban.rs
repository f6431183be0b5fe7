//! Placing a deal on the board: the commands that put it in a stage at a position, shared by
//! drag and drop, the keyboard and the "Move to stage" menu so all three behave the same.

use crate::board::{BoardFilter, rank_between};
use crate::command::Command;
use crate::id::Id;
use crate::schema::Kind;
use crate::value::FieldValue;
use crate::workspace::Workspace;

impl Workspace {
    /// Commands that move `deal` into `stage` at `index` among that column's other open deals
    /// (clamped to the end). Moving to another stage records a stage move; the position is the
    /// deal's `rank`. When a neighbour has no rank yet, the whole column is ranked in its
    /// current order, so the order everyone sees is written down once. Empty when nothing
    /// would change.
    pub fn place_deal(&self, deal: Id, stage: &str, index: usize) -> Vec<Command> {
        let Some(rec) = self.get(Kind::Deal, deal) else {
            return Vec::new();
        };
        let Some(pipeline) = rec.get("pipeline").and_then(FieldValue::as_ref_id) else {
            return Vec::new();
        };
        let Some(board) = self.board(pipeline, &BoardFilter::default()) else {
            return Vec::new();
        };
        let Some(column) = board.columns.iter().find(|c| c.stage.id == stage) else {
            return Vec::new();
        };
        let mut order: Vec<Id> = column
            .deals
            .iter()
            .copied()
            .filter(|d| *d != deal)
            .collect();
        let index = index.min(order.len());
        let same_stage = rec.text("stage") == Some(stage);
        if same_stage && column.deals.iter().position(|d| *d == deal) == Some(index) {
            return Vec::new();
        }
        order.insert(index, deal);

        let rank_of = |id: Id| {
            self.get(Kind::Deal, id)
                .and_then(|r| r.text("rank"))
                .map(str::to_owned)
        };
        let mut cmds = Vec::new();
        if !same_stage {
            cmds.push(Command::MoveStage {
                deal,
                stage: stage.to_owned(),
            });
        }
        let before = index.checked_sub(1).map(|i| order[i]);
        let after = order.get(index + 1).copied();
        let neighbours_ranked = before.is_none_or(|b| rank_of(b).is_some())
            && after.is_none_or(|a| rank_of(a).is_some());
        let set_rank = |id: Id, rank: String| Command::Update {
            kind: Kind::Deal,
            id,
            fields: vec![("rank".into(), Some(FieldValue::Text(rank)))],
        };
        if neighbours_ranked {
            let b = before.and_then(rank_of);
            let a = after.and_then(rank_of);
            cmds.push(set_rank(deal, rank_between(b.as_deref(), a.as_deref())));
        } else {
            let mut prev: Option<String> = None;
            for id in order {
                let r = rank_between(prev.as_deref(), None);
                if rank_of(id).as_deref() != Some(r.as_str()) {
                    cmds.push(set_rank(id, r.clone()));
                }
                prev = Some(r);
            }
        }
        cmds
    }
}
