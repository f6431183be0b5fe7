//! Running imports in tests.

use crate::command::Ctx;
use crate::schema::Kind;
use crate::time::Timestamp;
use crate::workspace::Workspace;

use super::{
    Applied, Choices, CsvOptions, Draft, ImportOptions, ImportPlan, Mapping, PlanBuilder, Table,
    guess_mapping, read_csv,
};

pub fn ctx() -> Ctx {
    Ctx {
        now: Timestamp(1_700_000_000_000),
        by: None,
    }
}

/// Ids 0x33.. with a counter, distinct from `testutil::id`.
pub fn ids(seed: u64) -> impl FnMut() -> [u8; 16] {
    let mut n = seed << 32;
    move || {
        n += 1;
        let mut b = [0u8; 16];
        b[0] = 0x33;
        b[8..].copy_from_slice(&n.to_be_bytes());
        b
    }
}

pub fn csv(text: &str) -> Table {
    read_csv(text.as_bytes(), &CsvOptions::default())
}

pub fn draft_with(ws: &Workspace, table: &Table, mapping: &Mapping, chunk: usize) -> Draft {
    let options = ImportOptions::new(ws.default_currency());
    let mut b = PlanBuilder::new(ws, mapping, options).unwrap();
    b.learn_date_order(&table.rows);
    for rows in table.rows.chunks(chunk.max(1)) {
        b.push(rows);
    }
    b.finish()
}

pub fn draft(ws: &Workspace, table: &Table, kind: Kind) -> Draft {
    let mapping = guess_mapping(&table.headers, kind, ws);
    draft_with(ws, table, &mapping, 2)
}

/// Guesses the mapping, plans with `choices` and applies; panics on a refusal.
pub fn import(
    ws: &mut Workspace,
    table: &Table,
    kind: Kind,
    choices: &Choices,
    seed: u64,
) -> (Draft, ImportPlan, Applied) {
    let d = draft(ws, table, kind);
    let plan = d.plan(ws, choices, ids(seed));
    let applied = plan.apply(ws, &ctx()).unwrap();
    (d, plan, applied)
}
