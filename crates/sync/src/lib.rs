//! The sync protocol without any IO.
//!
//! Like quinn-proto and samod-core, everything here is a state machine: inputs are events
//! (a message arrived, a timer fired, the clock reads T), outputs are messages to send and IO
//! requests as plain data. The browser adapters and the relay perform the IO; native tests drive
//! many peers through a simulated network deterministically.
//!
//! The layers so far: [`keys`] (the workspace secret, what derives from it, invites),
//! [`envelope`] (end-to-end encryption of everything the relay stores or forwards) and [`wire`]
//! (the binary messages between a client and the relay). `PROTOCOL.md` beside this crate's
//! manifest specifies all three for other implementations.

pub mod backoff;
pub mod envelope;
pub mod ids;
pub mod keys;
pub mod wire;

pub use backoff::Backoff;
pub use envelope::{EnvelopeError, SealError, envelope_epoch, open, seal};
pub use ids::{DocIdError, WorkspaceIdError, check_doc_id, check_workspace_id};
pub use keys::{
    AccessToken, EncryptionKey, EpochExhausted, Invite, InviteError, TokenHash, WorkspaceSecret,
};
pub use wire::{ClientId, Direction, ErrorCode, Limits, Message, WireError, decode, encode};
