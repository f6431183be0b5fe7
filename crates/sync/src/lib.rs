//! The sync protocol without any IO.
//!
//! Like quinn-proto and samod-core, everything here is a state machine: inputs are events
//! (a message arrived, a timer fired, the clock reads T), outputs are messages to send and IO
//! requests as plain data. The browser adapters and the relay perform the IO; native tests drive
//! many peers through a simulated network deterministically.
//!
//! The layers: [`keys`] (the workspace secret, what derives from it, invites), [`envelope`]
//! (end-to-end encryption of everything the relay stores or forwards), [`wire`] (the binary
//! messages between a client and the relay), and the two ends of a connection: [`session`]
//! (a client's [`ClientSession`]) and [`relay`] (the relay's [`RelayCore`] over a
//! [`RelayStore`]). `PROTOCOL.md` beside this crate's manifest specifies them for other
//! implementations.

pub mod backoff;
pub mod envelope;
pub mod ids;
pub mod keys;
pub mod relay;
pub mod resume;
pub mod session;
pub mod wire;

pub use backoff::Backoff;
pub use envelope::{EnvelopeError, SealError, envelope_epoch, open, seal};
pub use ids::{DocIdError, WorkspaceIdError, check_doc_id, check_workspace_id};
pub use keys::{
    AccessToken, EncryptionKey, EpochExhausted, Invite, InviteError, TokenHash, WorkspaceSecret,
};
pub use relay::{
    ConnId, IdleClients, MemoryStore, MemoryStoreError, RelayConfig, RelayCore, RelayOutput,
    RelayStore,
};
pub use resume::{Reach, kept_mark, mark_for_epoch, read_reach};
pub use session::{
    ClientSession, CodeError, Connection, Event, OutboxEntry, SavedState, SavedStateError, Status,
};
pub use wire::{ClientId, Direction, ErrorCode, Limits, Message, WireError, decode, encode};
