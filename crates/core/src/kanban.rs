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

#[cfg(test)]
mod tests {
    use crate::board::BoardFilter;
    use crate::id::Id;
    use crate::schema::Kind;
    use crate::testutil::*;
    use crate::workspace::Workspace;

    fn deal(ws: &mut Workspace, n: u64, stage: &str, now: i64) {
        make(
            ws,
            Kind::Deal,
            id(n),
            now,
            &[
                ("title", text(&format!("deal {n}"))),
                ("pipeline", link(id(PIPELINE))),
                ("stage", text(stage)),
                ("value", eur(100)),
                ("status", text("open")),
            ],
        );
    }

    fn column(ws: &Workspace, stage: &str) -> Vec<Id> {
        let board = ws
            .board(id(PIPELINE), &BoardFilter::default())
            .expect("board");
        board
            .columns
            .into_iter()
            .find(|c| c.stage.id == stage)
            .map(|c| c.deals)
            .unwrap_or_default()
    }

    fn place(ws: &mut Workspace, n: u64, stage: &str, index: usize, now: i64) {
        let cmds = ws.place_deal(id(n), stage, index);
        ws.apply_batch(cmds, &ctx(now)).expect("placed");
    }

    #[test]
    fn placing_moves_between_and_within_columns() {
        let mut ws = with_pipeline();
        for n in 1..=3 {
            deal(&mut ws, n, "lead", 10 + n as i64);
        }
        // Unranked deals show in creation order.
        assert_eq!(column(&ws, "lead"), vec![id(1), id(2), id(3)]);
        // Deal 3 to the top of its own column: the column gets ranks in the new order.
        place(&mut ws, 3, "lead", 0, 20);
        assert_eq!(column(&ws, "lead"), vec![id(3), id(1), id(2)]);
        // Deal 1 to the second place in proposal (which is empty: it lands first), a stage move.
        place(&mut ws, 1, "proposal", 1, 30);
        assert_eq!(column(&ws, "lead"), vec![id(3), id(2)]);
        assert_eq!(column(&ws, "proposal"), vec![id(1)]);
        assert_eq!(
            ws.get(Kind::Deal, id(1)).and_then(|r| r.text("stage")),
            Some("proposal")
        );
        // Deal 2 between nothing and deal 1: before it.
        place(&mut ws, 2, "proposal", 0, 40);
        assert_eq!(column(&ws, "proposal"), vec![id(2), id(1)]);
        // Dropping a deal where it already is changes nothing.
        assert!(ws.place_deal(id(2), "proposal", 0).is_empty());
        // One undo step per placement: undo puts deal 2 back in lead.
        ws.undo(&ctx(50)).expect("undo");
        assert_eq!(column(&ws, "lead"), vec![id(3), id(2)]);
        assert_eq!(column(&ws, "proposal"), vec![id(1)]);
    }

    #[test]
    fn unknown_stage_or_deal_gives_no_commands() {
        let mut ws = with_pipeline();
        deal(&mut ws, 1, "lead", 10);
        assert!(ws.place_deal(id(1), "nowhere", 0).is_empty());
        assert!(ws.place_deal(id(99), "lead", 0).is_empty());
    }
}
