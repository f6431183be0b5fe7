//! Deterministic datasets: the same seed gives the same workspace on every machine.

use crm_core::pipeline::{Stage, stages_value};
use crm_core::{Command, Ctx, FieldValue, Id, Kind, Money, Timestamp, Workspace};

/// SplitMix64: tiny, fast and deterministic; quality is ample for test data.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Self {
        Rng(seed)
    }

    pub fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    pub fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }

    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }

    pub fn id(&mut self) -> Id {
        let mut b = [0u8; 16];
        b[..8].copy_from_slice(&self.next().to_le_bytes());
        b[8..].copy_from_slice(&self.next().to_le_bytes());
        Id::from_bytes(b)
    }
}

#[derive(Debug, Clone, Copy)]
pub struct Size {
    pub contacts: usize,
    pub companies: usize,
    pub deals: usize,
    pub activities: usize,
    pub tasks: usize,
}

impl Size {
    pub const S: Size = Size {
        contacts: 1_000,
        companies: 200,
        deals: 500,
        activities: 5_000,
        tasks: 500,
    };
    pub const M: Size = Size {
        contacts: 10_000,
        companies: 2_000,
        deals: 5_000,
        activities: 50_000,
        tasks: 5_000,
    };
    pub const L: Size = Size {
        contacts: 100_000,
        companies: 20_000,
        deals: 50_000,
        activities: 500_000,
        tasks: 50_000,
    };

    pub fn parse(s: &str) -> Option<Size> {
        match s {
            "S" | "s" => Some(Size::S),
            "M" | "m" => Some(Size::M),
            "L" | "l" => Some(Size::L),
            _ => None,
        }
    }
}

const FIRST: &[&str] = &[
    "Ann",
    "Anna",
    "Bob",
    "Carla",
    "David",
    "Elena",
    "Farid",
    "Ghazal",
    "Hugo",
    "Ivan",
    "José",
    "Karim",
    "Leila",
    "Mona",
    "Nikolai",
    "Olga",
    "Pedro",
    "Reza",
    "Sara",
    "Tomás",
    "Zahra",
    "Фёдор",
    "Мария",
    "Алексей",
    "علی",
    "مریم",
    "کریم",
    "Søren",
    "Zoë",
    "Émile",
];
const LAST: &[&str] = &[
    "Lee",
    "Müller",
    "Petrov",
    "Ahmadi",
    "García",
    "Rossi",
    "Novak",
    "Smith",
    "Karimi",
    "Ivanova",
    "Dubois",
    "Nakamura",
    "Kowalski",
    "Hosseini",
    "Иванов",
    "Смирнова",
    "رضایی",
    "محمدی",
    "Silva",
    "Öztürk",
];
const CITIES: &[&str] = &[
    "Berlin", "Tehran", "Moscow", "Lisbon", "Paris", "Istanbul", "Oslo", "Shiraz",
];
const WORDS: &[&str] = &[
    "Global", "Nordic", "Green", "Bright", "Delta", "Prime", "Vector", "Atlas", "Nova", "Sun",
];
const SUFFIX: &[&str] = &[
    "Ltd",
    "GmbH",
    "LLC",
    "Group",
    "Trading",
    "Systems",
    "Foods",
    "Logistics",
];

/// Time base of the generated data: 2026-01-01T00:00:00Z.
const T0: i64 = 1_767_225_600_000;
const DAY: i64 = 86_400_000;

fn create(kind: Kind, id: Id, fields: Vec<(&str, FieldValue)>) -> Command {
    Command::Create {
        kind,
        id,
        fields: fields.into_iter().map(|(k, v)| (k.to_owned(), v)).collect(),
        custom: vec![],
    }
}

/// Builds a workspace of `size` from `seed`, in batches of a thousand records per change
/// (as an import would write them).
pub fn generate(size: Size, seed: u64) -> Workspace {
    let mut rng = Rng::new(seed);
    let mut ws = Workspace::new([0xbe; 16]);
    let ctx = Ctx {
        now: Timestamp(T0),
        by: None,
    };
    let batch = |ws: &mut Workspace, cmds: Vec<Command>| {
        for chunk in cmds.chunks(1_000) {
            if let Err((i, e)) = ws.apply_batch(chunk.to_vec(), &ctx) {
                panic!("generated data refused at {i}: {e}");
            }
        }
    };
    let territories: Vec<Id> = (0..4).map(|_| rng.id()).collect();
    batch(
        &mut ws,
        territories
            .iter()
            .enumerate()
            .map(|(i, id)| {
                create(
                    Kind::Territory,
                    *id,
                    vec![("name", FieldValue::text(format!("Region {i}")))],
                )
            })
            .collect(),
    );
    let members: Vec<Id> = (0..8).map(|_| rng.id()).collect();
    let cmds = members
        .iter()
        .enumerate()
        .map(|(i, id)| {
            create(
                Kind::Member,
                *id,
                vec![
                    (
                        "name",
                        FieldValue::text(format!("{} {}", FIRST[i], LAST[i])),
                    ),
                    (
                        "color",
                        FieldValue::text(format!("#{:06x}", (i * 0x2f_4a_1b) & 0xff_ffff)),
                    ),
                    (
                        "territory",
                        FieldValue::Ref(territories[i % territories.len()]),
                    ),
                ],
            )
        })
        .collect();
    batch(&mut ws, cmds);
    let pipeline = rng.id();
    let stage_ids = ["lead", "qualified", "proposal", "negotiation"];
    let stages: Vec<Stage> = stage_ids
        .iter()
        .enumerate()
        .map(|(i, s)| Stage::new(*s, s.to_uppercase(), (i as u8 + 1) * 20, i as i64))
        .collect();
    batch(
        &mut ws,
        vec![create(
            Kind::Pipeline,
            pipeline,
            vec![
                ("name", FieldValue::text("Sales")),
                ("stages", stages_value(&stages)),
            ],
        )],
    );

    let companies: Vec<Id> = (0..size.companies).map(|_| rng.id()).collect();
    let cmds = companies
        .iter()
        .map(|id| {
            let name = format!(
                "{} {} {}",
                rng.pick(WORDS),
                rng.pick(LAST),
                rng.pick(SUFFIX)
            );
            create(
                Kind::Company,
                *id,
                vec![
                    ("name", FieldValue::text(name)),
                    (
                        "kind",
                        FieldValue::text(*rng.pick(&[
                            "customer",
                            "customer",
                            "prospect",
                            "partner",
                            "competitor",
                        ])),
                    ),
                    ("city", FieldValue::text(*rng.pick(CITIES))),
                    ("owner", FieldValue::Ref(*rng.pick(&members))),
                    ("territory", FieldValue::Ref(*rng.pick(&territories))),
                ],
            )
        })
        .collect();
    batch(&mut ws, cmds);

    let contacts: Vec<Id> = (0..size.contacts).map(|_| rng.id()).collect();
    let cmds = contacts
        .iter()
        .enumerate()
        .map(|(i, id)| {
            let (first, last) = (rng.pick(FIRST), rng.pick(LAST));
            create(
                Kind::Contact,
                *id,
                vec![
                    ("name", FieldValue::text(format!("{first} {last}"))),
                    (
                        "emails",
                        FieldValue::Set(
                            [(format!("user{i}@example{}.com", i % 97), "work".to_owned())].into(),
                        ),
                    ),
                    (
                        "phones",
                        FieldValue::Set(
                            [(
                                format!("+49 30 {:07}", rng.below(10_000_000)),
                                "work".to_owned(),
                            )]
                            .into(),
                        ),
                    ),
                    ("company", FieldValue::Ref(*rng.pick(&companies))),
                    ("city", FieldValue::text(*rng.pick(CITIES))),
                    ("owner", FieldValue::Ref(*rng.pick(&members))),
                    (
                        "tags",
                        FieldValue::set([*rng.pick(&["vip", "newsletter", "lead", "partner"])]),
                    ),
                ],
            )
        })
        .collect();
    batch(&mut ws, cmds);

    let deals: Vec<Id> = (0..size.deals).map(|_| rng.id()).collect();
    let eur = "EUR".parse().expect("EUR is ISO 4217");
    let cmds = deals
        .iter()
        .map(|id| {
            create(
                Kind::Deal,
                *id,
                vec![
                    (
                        "title",
                        FieldValue::text(format!("{} deal", rng.pick(WORDS))),
                    ),
                    ("pipeline", FieldValue::Ref(pipeline)),
                    ("stage", FieldValue::text(*rng.pick(&stage_ids))),
                    (
                        "value",
                        FieldValue::Money(Money::new(10_000 * (1 + rng.below(500)) as i64, eur)),
                    ),
                    ("company", FieldValue::Ref(*rng.pick(&companies))),
                    (
                        "contacts",
                        FieldValue::set([rng.pick(&contacts).to_string()]),
                    ),
                    ("owner", FieldValue::Ref(*rng.pick(&members))),
                    (
                        "expected_close",
                        FieldValue::text(format!(
                            "2026-{:02}-{:02}",
                            1 + rng.below(12),
                            1 + rng.below(28)
                        )),
                    ),
                ],
            )
        })
        .collect();
    batch(&mut ws, cmds);

    let cmds = (0..size.activities)
        .map(|_| {
            let id = rng.id();
            create(
                Kind::Activity,
                id,
                vec![
                    (
                        "kind",
                        FieldValue::text(*rng.pick(&["call", "email", "meeting", "note", "visit"])),
                    ),
                    (
                        "at",
                        FieldValue::Timestamp(Timestamp(T0 - rng.below(700) as i64 * DAY)),
                    ),
                    (
                        "duration_minutes",
                        FieldValue::Int(5 * rng.below(24) as i64),
                    ),
                    (
                        "subject",
                        FieldValue::text(format!("Follow-up {}", rng.below(1000))),
                    ),
                    (
                        "contacts",
                        FieldValue::set([rng.pick(&contacts).to_string()]),
                    ),
                    ("author", FieldValue::Ref(*rng.pick(&members))),
                ],
            )
        })
        .collect();
    batch(&mut ws, cmds);

    let cmds = (0..size.tasks)
        .map(|_| {
            let id = rng.id();
            create(
                Kind::Task,
                id,
                vec![
                    (
                        "title",
                        FieldValue::text(format!("Call {}", rng.pick(FIRST))),
                    ),
                    (
                        "due",
                        FieldValue::text(format!(
                            "2026-{:02}-{:02}",
                            1 + rng.below(12),
                            1 + rng.below(28)
                        )),
                    ),
                    ("assignee", FieldValue::Ref(*rng.pick(&members))),
                    ("contact", FieldValue::Ref(*rng.pick(&contacts))),
                ],
            )
        })
        .collect();
    batch(&mut ws, cmds);
    ws
}

/// The same records as plain JSON for the peers in `bench/peers/`: one array per collection
/// (`contacts`, `companies`, …), each record flat as `{ "id", "created_at", …fields }` with the
/// values exactly as the workspace's JSON export writes them.
pub fn peers_json(ws: &Workspace, label: &str, seed: u64) -> anyhow::Result<String> {
    use serde_json::{Map, Value};
    let export: Value = serde_json::from_str(&ws.export_json())?;
    let mut out = Map::new();
    out.insert("dataset".into(), Value::from(label));
    out.insert("seed".into(), Value::from(seed));
    let records = export
        .get("records")
        .and_then(Value::as_object)
        .ok_or_else(|| anyhow::anyhow!("the export has no records"))?;
    for (collection, list) in records {
        let flat: Vec<Value> = list
            .as_array()
            .into_iter()
            .flatten()
            .map(|r| {
                let mut m = Map::new();
                m.insert("id".into(), r["id"].clone());
                m.insert("created_at".into(), r["created_at"].clone());
                if let Some(fields) = r.get("fields").and_then(Value::as_object) {
                    m.extend(fields.iter().map(|(k, v)| (k.clone(), v.clone())));
                }
                Value::Object(m)
            })
            .collect();
        out.insert(collection.clone(), Value::Array(flat));
    }
    Ok(serde_json::to_string(&Value::Object(out))?)
}
