//! The binary messages between a client and the relay.
//!
//! Every message is `protocol version (u8) ‖ message type (u8) ‖ fields`. Integers are fixed-width
//! little-endian; strings and byte strings are a `u32` little-endian length and then the bytes.
//! Encoding by hand keeps the format small, stable across serde versions, and easy to implement
//! again elsewhere (PROTOCOL.md describes it byte by byte). Decoding is strict: anything but
//! exactly one well-formed message is refused, and no length is trusted before it is checked
//! against [`Limits`] and against the bytes actually present.

use std::fmt;

use crate::ids::{DocIdError, WorkspaceIdError, check_doc_id, check_workspace_id};
use crate::keys::AccessToken;

/// The version byte every frame starts with: the framing and the encodings, unchanged since 1.
pub const FRAME_VERSION: u8 = 1;
/// The frame versions this code reads.
pub const SUPPORTED_VERSIONS: &[u8] = &[1];
/// The protocol version a client announces in `Hello`, saying which messages it understands:
/// 2 added `Peers`, which a relay sends only to clients of version 2 or later.
pub const PROTOCOL_VERSION: u8 = 2;
/// The oldest client protocol version a relay admits.
pub const MIN_PROTOCOL_VERSION: u8 = 1;
/// The most clients a `Peers` message lists.
pub const MAX_PEERS: usize = 256;

/// A client's id for this connection's lifetime: 16 random bytes, chosen by the client.
pub type ClientId = [u8; 16];

/// Who sends a message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    ClientToRelay,
    RelayToClient,
    Both,
}

/// One protocol message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Message {
    /// Client → relay, first on every connection. `version` is the highest protocol version the
    /// client speaks; `token` admits it to `workspace`.
    Hello {
        version: u8,
        workspace: String,
        token: AccessToken,
        client: ClientId,
    },
    /// Relay → client: the `Hello` was accepted.
    Welcome {
        server_time_ms: i64,
    },
    /// Either way: something went wrong; after most codes the sender closes the connection.
    Error {
        code: ErrorCode,
        message: String,
    },
    /// Client → relay: append `envelope` to `doc`'s log. `client_seq` is the client's own counter,
    /// echoed in the `Ack`.
    Push {
        doc: String,
        client_seq: u64,
        envelope: Vec<u8>,
    },
    /// Relay → client: the `Push` with `client_seq` is stored as `server_seq`.
    Ack {
        doc: String,
        client_seq: u64,
        server_seq: u64,
    },
    /// Client → relay: send `doc`'s entries after `since`, and new ones as they arrive.
    Subscribe {
        doc: String,
        since: u64,
    },
    /// Relay → client: one log entry.
    Deliver {
        doc: String,
        server_seq: u64,
        envelope: Vec<u8>,
    },
    /// Relay → client: compacted state covering every entry up to and including `upto_seq`.
    Snapshot {
        doc: String,
        upto_seq: u64,
        envelope: Vec<u8>,
    },
    /// Client → relay: a client-made encrypted snapshot replacing entries up to `upto_seq`.
    Compact {
        doc: String,
        upto_seq: u64,
        envelope: Vec<u8>,
    },
    /// Either way: encrypted WebRTC signaling, forwarded by the relay from `from` to `to`.
    Signal {
        to: ClientId,
        from: ClientId,
        envelope: Vec<u8>,
    },
    Ping {
        nonce: u64,
    },
    Pong {
        nonce: u64,
    },
    /// Relay → client: the answer to a `Subscribe` is complete. Everything in `doc`'s log up to
    /// `upto_seq`, the log's last sequence number when the `Subscribe` was handled, has been sent
    /// (as a `Snapshot` and `Deliver`s, or earlier on this connection); later entries follow as
    /// live `Deliver`s. Without it a client could not tell "caught up" from "more on the way".
    CaughtUp {
        doc: String,
        upto_seq: u64,
    },
    /// Relay → client: the other clients connected to the workspace now (at most
    /// `MAX_PEERS`), sent after `Welcome` and whenever one comes or goes. For peer-to-peer
    /// links: a client offers a direct link to the peers whose id is greater than its own.
    Peers {
        clients: Vec<ClientId>,
    },
    /// Client → relay (version 2): from now on the workspace admits `token` only (a member was
    /// removed and the secret rotated). Every other connection of the workspace is closed with
    /// `Unauthorized`; this one stays open.
    Rotate {
        token: AccessToken,
    },
}

mod kind {
    pub const HELLO: u8 = 1;
    pub const WELCOME: u8 = 2;
    pub const ERROR: u8 = 3;
    pub const PUSH: u8 = 4;
    pub const ACK: u8 = 5;
    pub const SUBSCRIBE: u8 = 6;
    pub const DELIVER: u8 = 7;
    pub const SNAPSHOT: u8 = 8;
    pub const COMPACT: u8 = 9;
    pub const SIGNAL: u8 = 10;
    pub const PING: u8 = 11;
    pub const PONG: u8 = 12;
    pub const CAUGHT_UP: u8 = 13;
    pub const PEERS: u8 = 14;
    pub const ROTATE: u8 = 15;
}

impl Message {
    /// The message type byte.
    pub fn type_code(&self) -> u8 {
        match self {
            Message::Hello { .. } => kind::HELLO,
            Message::Welcome { .. } => kind::WELCOME,
            Message::Error { .. } => kind::ERROR,
            Message::Push { .. } => kind::PUSH,
            Message::Ack { .. } => kind::ACK,
            Message::Subscribe { .. } => kind::SUBSCRIBE,
            Message::Deliver { .. } => kind::DELIVER,
            Message::Snapshot { .. } => kind::SNAPSHOT,
            Message::Compact { .. } => kind::COMPACT,
            Message::Signal { .. } => kind::SIGNAL,
            Message::Ping { .. } => kind::PING,
            Message::Pong { .. } => kind::PONG,
            Message::CaughtUp { .. } => kind::CAUGHT_UP,
            Message::Peers { .. } => kind::PEERS,
            Message::Rotate { .. } => kind::ROTATE,
        }
    }

    pub fn direction(&self) -> Direction {
        match self {
            Message::Hello { .. }
            | Message::Push { .. }
            | Message::Subscribe { .. }
            | Message::Compact { .. }
            | Message::Rotate { .. } => Direction::ClientToRelay,
            Message::Welcome { .. }
            | Message::Ack { .. }
            | Message::Deliver { .. }
            | Message::Snapshot { .. }
            | Message::CaughtUp { .. }
            | Message::Peers { .. } => Direction::RelayToClient,
            Message::Error { .. }
            | Message::Signal { .. }
            | Message::Ping { .. }
            | Message::Pong { .. } => Direction::Both,
        }
    }

    /// The message type's name as PROTOCOL.md spells it, for error sentences.
    pub fn name(&self) -> &'static str {
        match self {
            Message::Hello { .. } => "Hello",
            Message::Welcome { .. } => "Welcome",
            Message::Error { .. } => "Error",
            Message::Push { .. } => "Push",
            Message::Ack { .. } => "Ack",
            Message::Subscribe { .. } => "Subscribe",
            Message::Deliver { .. } => "Deliver",
            Message::Snapshot { .. } => "Snapshot",
            Message::Compact { .. } => "Compact",
            Message::Signal { .. } => "Signal",
            Message::Ping { .. } => "Ping",
            Message::Pong { .. } => "Pong",
            Message::CaughtUp { .. } => "CaughtUp",
            Message::Peers { .. } => "Peers",
            Message::Rotate { .. } => "Rotate",
        }
    }
}

/// Why an `Error` message was sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[repr(u16)]
pub enum ErrorCode {
    /// The peer sent something that does not decode, or is out of place.
    BadMessage = 1,
    /// The `Hello`'s protocol version is not spoken here.
    UnsupportedVersion = 2,
    /// The access token does not admit to the workspace (e.g. the secret was rotated).
    Unauthorized = 3,
    UnknownWorkspace = 4,
    /// A message or envelope is beyond the relay's limits, or a quota is used up.
    TooLarge = 5,
    RateLimited = 6,
    /// The `Signal` recipient is not connected.
    PeerUnavailable = 7,
    /// The relay failed; try again later.
    Internal = 8,
}

impl ErrorCode {
    pub const ALL: [ErrorCode; 8] = [
        ErrorCode::BadMessage,
        ErrorCode::UnsupportedVersion,
        ErrorCode::Unauthorized,
        ErrorCode::UnknownWorkspace,
        ErrorCode::TooLarge,
        ErrorCode::RateLimited,
        ErrorCode::PeerUnavailable,
        ErrorCode::Internal,
    ];

    pub const fn code(self) -> u16 {
        self as u16
    }

    pub fn from_code(code: u16) -> Option<Self> {
        Self::ALL.into_iter().find(|c| c.code() == code)
    }
}

/// How much a decoder accepts. Checked before anything is allocated.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Bytes in a whole message, header included.
    pub max_message: u32,
    /// Bytes in a document id.
    pub max_id: u32,
    /// Bytes in one envelope.
    pub max_envelope: u32,
}

impl Default for Limits {
    /// Room for the snapshot of a large workspace (dataset L's file is 52 MB).
    fn default() -> Self {
        Self {
            max_message: 64 * 1024 * 1024 + 4096,
            max_id: 64,
            max_envelope: 64 * 1024 * 1024,
        }
    }
}

/// Why bytes are not a message.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum WireError {
    #[error("the message is empty")]
    Empty,
    #[error("the message is {len} bytes long; the limit is {max}")]
    MessageTooLarge { len: usize, max: u32 },
    #[error(
        "protocol version {version} is not supported; this side speaks {}",
        VersionList(SUPPORTED_VERSIONS)
    )]
    UnsupportedVersion { version: u8 },
    #[error("message type {code} is unknown")]
    UnknownType { code: u8 },
    #[error("the message ends before its {field} is complete")]
    Truncated { field: &'static str },
    #[error("the {field} is {len} bytes long; the limit is {max}")]
    FieldTooLong {
        field: &'static str,
        len: u32,
        max: u32,
    },
    #[error("the {field} is not valid UTF-8")]
    InvalidUtf8 { field: &'static str },
    #[error("the message names a malformed workspace: {0}")]
    BadWorkspace(WorkspaceIdError),
    #[error("the message names a malformed document: {0}")]
    BadDoc(DocIdError),
    #[error("error code {code} is unknown")]
    UnknownErrorCode { code: u16 },
    #[error("the message has {count} unexpected bytes after its last field")]
    TrailingBytes { count: usize },
}

/// Prints `1` or `1, 2 and 3`.
struct VersionList(&'static [u8]);

impl fmt::Display for VersionList {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (label, n) = match self.0.len() {
            1 => ("version", 1),
            n => ("versions", n),
        };
        write!(f, "{label} ")?;
        for (i, v) in self.0.iter().enumerate() {
            let sep = match i {
                0 => "",
                i if i + 1 == n => " and ",
                _ => ", ",
            };
            write!(f, "{sep}{v}")?;
        }
        Ok(())
    }
}

/// Writes `message` in the current protocol version.
///
/// The result is what [`decode`] reads back, provided ids are well-formed and every field is
/// within the peer's [`Limits`]; otherwise the peer refuses it with a [`WireError`].
pub fn encode(message: &Message) -> Vec<u8> {
    let mut w = Writer(Vec::with_capacity(64 + payload_len(message)));
    w.u8(FRAME_VERSION);
    w.u8(message.type_code());
    match message {
        Message::Hello {
            version,
            workspace,
            token,
            client,
        } => {
            w.u8(*version);
            w.bytes(workspace.as_bytes());
            w.raw(token.as_bytes());
            w.raw(client);
        }
        Message::Welcome { server_time_ms } => w.raw(&server_time_ms.to_le_bytes()),
        Message::Error { code, message } => {
            w.raw(&code.code().to_le_bytes());
            w.bytes(message.as_bytes());
        }
        Message::Push {
            doc,
            client_seq,
            envelope,
        } => {
            w.bytes(doc.as_bytes());
            w.u64(*client_seq);
            w.bytes(envelope);
        }
        Message::Ack {
            doc,
            client_seq,
            server_seq,
        } => {
            w.bytes(doc.as_bytes());
            w.u64(*client_seq);
            w.u64(*server_seq);
        }
        Message::Subscribe { doc, since: seq } | Message::CaughtUp { doc, upto_seq: seq } => {
            w.bytes(doc.as_bytes());
            w.u64(*seq);
        }
        Message::Deliver {
            doc,
            server_seq: seq,
            envelope,
        }
        | Message::Snapshot {
            doc,
            upto_seq: seq,
            envelope,
        }
        | Message::Compact {
            doc,
            upto_seq: seq,
            envelope,
        } => {
            w.bytes(doc.as_bytes());
            w.u64(*seq);
            w.bytes(envelope);
        }
        Message::Signal { to, from, envelope } => {
            w.raw(to);
            w.raw(from);
            w.bytes(envelope);
        }
        Message::Ping { nonce } | Message::Pong { nonce } => w.u64(*nonce),
        Message::Rotate { token } => w.raw(token.as_bytes()),
        Message::Peers { clients } => {
            let n = clients.len().min(MAX_PEERS);
            w.raw(&(n as u16).to_le_bytes());
            for c in clients.iter().take(n) {
                w.raw(c);
            }
        }
    }
    w.0
}

fn payload_len(message: &Message) -> usize {
    match message {
        Message::Error { message, .. } => message.len(),
        Message::Push { envelope, .. }
        | Message::Deliver { envelope, .. }
        | Message::Snapshot { envelope, .. }
        | Message::Compact { envelope, .. }
        | Message::Signal { envelope, .. } => envelope.len(),
        Message::Peers { clients } => clients.len() * 16,
        _ => 0,
    }
}

struct Writer(Vec<u8>);

impl Writer {
    fn u8(&mut self, v: u8) {
        self.0.push(v);
    }

    fn u64(&mut self, v: u64) {
        self.raw(&v.to_le_bytes());
    }

    fn raw(&mut self, bytes: &[u8]) {
        self.0.extend_from_slice(bytes);
    }

    fn bytes(&mut self, bytes: &[u8]) {
        // A field of 4 GiB or more cannot be described; its message is then over 4 GiB and so
        // beyond every `max_message`, which makes the peer refuse it rather than misread it.
        let len = u32::try_from(bytes.len()).unwrap_or(u32::MAX);
        self.raw(&len.to_le_bytes());
        self.raw(bytes);
    }
}

/// Reads exactly one message.
pub fn decode(bytes: &[u8], limits: &Limits) -> Result<Message, WireError> {
    if bytes.is_empty() {
        return Err(WireError::Empty);
    }
    if bytes.len() > limits.max_message as usize {
        return Err(WireError::MessageTooLarge {
            len: bytes.len(),
            max: limits.max_message,
        });
    }
    let mut r = Reader {
        rest: bytes,
        limits,
    };
    let version = r.u8("protocol version")?;
    if !SUPPORTED_VERSIONS.contains(&version) {
        return Err(WireError::UnsupportedVersion { version });
    }
    let code = r.u8("message type")?;
    let message = match code {
        kind::HELLO => Message::Hello {
            version: r.u8("Hello version")?,
            workspace: r.workspace()?,
            token: AccessToken::from_bytes(r.array("access token")?),
            client: r.array("client id")?,
        },
        kind::WELCOME => Message::Welcome {
            server_time_ms: i64::from_le_bytes(r.array("server time")?),
        },
        kind::ERROR => {
            let raw = u16::from_le_bytes(r.array("error code")?);
            let code =
                ErrorCode::from_code(raw).ok_or(WireError::UnknownErrorCode { code: raw })?;
            let len = r.len("error message", limits.max_message)?;
            Message::Error {
                code,
                message: r.text("error message", len)?.to_owned(),
            }
        }
        kind::PUSH => Message::Push {
            doc: r.doc()?,
            client_seq: r.u64("client sequence number")?,
            envelope: r.envelope()?,
        },
        kind::ACK => Message::Ack {
            doc: r.doc()?,
            client_seq: r.u64("client sequence number")?,
            server_seq: r.u64("server sequence number")?,
        },
        kind::SUBSCRIBE => Message::Subscribe {
            doc: r.doc()?,
            since: r.u64("since sequence number")?,
        },
        kind::DELIVER => Message::Deliver {
            doc: r.doc()?,
            server_seq: r.u64("server sequence number")?,
            envelope: r.envelope()?,
        },
        kind::SNAPSHOT => Message::Snapshot {
            doc: r.doc()?,
            upto_seq: r.u64("up-to sequence number")?,
            envelope: r.envelope()?,
        },
        kind::COMPACT => Message::Compact {
            doc: r.doc()?,
            upto_seq: r.u64("up-to sequence number")?,
            envelope: r.envelope()?,
        },
        kind::SIGNAL => Message::Signal {
            to: r.array("recipient client id")?,
            from: r.array("sender client id")?,
            envelope: r.envelope()?,
        },
        kind::PING => Message::Ping {
            nonce: r.u64("ping nonce")?,
        },
        kind::PONG => Message::Pong {
            nonce: r.u64("pong nonce")?,
        },
        kind::CAUGHT_UP => Message::CaughtUp {
            doc: r.doc()?,
            upto_seq: r.u64("up-to sequence number")?,
        },
        kind::PEERS => {
            let n = usize::from(u16::from_le_bytes(r.array("peer count")?));
            if n > MAX_PEERS {
                return Err(WireError::FieldTooLong {
                    field: "peer list",
                    len: n as u32,
                    max: MAX_PEERS as u32,
                });
            }
            let mut clients = Vec::with_capacity(n);
            for _ in 0..n {
                clients.push(r.array("peer client id")?);
            }
            Message::Peers { clients }
        }
        kind::ROTATE => Message::Rotate {
            token: AccessToken::from_bytes(r.array("access token")?),
        },
        code => return Err(WireError::UnknownType { code }),
    };
    if !r.rest.is_empty() {
        return Err(WireError::TrailingBytes {
            count: r.rest.len(),
        });
    }
    Ok(message)
}

struct Reader<'a> {
    rest: &'a [u8],
    limits: &'a Limits,
}

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize, field: &'static str) -> Result<&'a [u8], WireError> {
        if n > self.rest.len() {
            return Err(WireError::Truncated { field });
        }
        let (head, tail) = self.rest.split_at(n);
        self.rest = tail;
        Ok(head)
    }

    fn array<const N: usize>(&mut self, field: &'static str) -> Result<[u8; N], WireError> {
        let (head, tail) = self
            .rest
            .split_first_chunk::<N>()
            .ok_or(WireError::Truncated { field })?;
        self.rest = tail;
        Ok(*head)
    }

    fn u8(&mut self, field: &'static str) -> Result<u8, WireError> {
        let [v] = self.array::<1>(field)?;
        Ok(v)
    }

    fn u64(&mut self, field: &'static str) -> Result<u64, WireError> {
        Ok(u64::from_le_bytes(self.array(field)?))
    }

    /// A length prefix, refused if beyond `max` or beyond the bytes left, so that what follows
    /// can never allocate more than the input already holds.
    fn len(&mut self, field: &'static str, max: u32) -> Result<usize, WireError> {
        let len = u32::from_le_bytes(self.array(field)?);
        if len > max {
            return Err(WireError::FieldTooLong { field, len, max });
        }
        let len = len as usize;
        if len > self.rest.len() {
            return Err(WireError::Truncated { field });
        }
        Ok(len)
    }

    fn text(&mut self, field: &'static str, len: usize) -> Result<&'a str, WireError> {
        let bytes = self.take(len, field)?;
        std::str::from_utf8(bytes).map_err(|_| WireError::InvalidUtf8 { field })
    }

    fn doc(&mut self) -> Result<String, WireError> {
        let field = "document id";
        let len = self.len(field, self.limits.max_id)?;
        let text = self.text(field, len)?;
        check_doc_id(text, self.limits.max_id as usize).map_err(WireError::BadDoc)?;
        Ok(text.to_owned())
    }

    fn workspace(&mut self) -> Result<String, WireError> {
        let field = "workspace id";
        // No workspace id is longer than 26 bytes; the cap only keeps a bad length cheap.
        let len = self.len(field, self.limits.max_id.max(26))?;
        let text = self.text(field, len)?;
        check_workspace_id(text).map_err(WireError::BadWorkspace)?;
        Ok(text.to_owned())
    }

    fn envelope(&mut self) -> Result<Vec<u8>, WireError> {
        let field = "envelope";
        let len = self.len(field, self.limits.max_envelope)?;
        Ok(self.take(len, field)?.to_vec())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crm_core::Id;
    use proptest::prelude::*;

    fn ws() -> String {
        Id::from_bytes([42; 16]).to_string()
    }

    fn samples() -> Vec<Message> {
        vec![
            Message::Hello {
                version: 1,
                workspace: ws(),
                token: AccessToken::from_bytes([5; 32]),
                client: [6; 16],
            },
            Message::Welcome {
                server_time_ms: -1_700_000_000_000,
            },
            Message::Error {
                code: ErrorCode::RateLimited,
                message: "slow down — سلام".into(),
            },
            Message::Push {
                doc: "workspace".into(),
                client_seq: 3,
                envelope: vec![1, 2, 3],
            },
            Message::Ack {
                doc: "workspace".into(),
                client_seq: 3,
                server_seq: u64::MAX,
            },
            Message::Subscribe {
                doc: "contacts".into(),
                since: 0,
            },
            Message::Deliver {
                doc: "d".into(),
                server_seq: 9,
                envelope: vec![],
            },
            Message::Snapshot {
                doc: "d".into(),
                upto_seq: 10,
                envelope: vec![0xff; 50],
            },
            Message::Compact {
                doc: "d".into(),
                upto_seq: 10,
                envelope: vec![7; 45],
            },
            Message::Signal {
                to: [1; 16],
                from: [2; 16],
                envelope: vec![3; 60],
            },
            Message::Ping { nonce: 77 },
            Message::Pong { nonce: 77 },
            Message::CaughtUp {
                doc: "workspace".into(),
                upto_seq: 42,
            },
            Message::Peers {
                clients: vec![[4; 16], [5; 16]],
            },
            Message::Rotate {
                token: AccessToken::from_bytes([6; 32]),
            },
        ]
    }

    fn arb_doc() -> impl Strategy<Value = String> {
        "[a-z0-9._-]{1,64}"
    }

    fn arb_envelope() -> impl Strategy<Value = Vec<u8>> {
        proptest::collection::vec(any::<u8>(), 0..300)
    }

    fn arb_message() -> impl Strategy<Value = Message> {
        prop_oneof![
            (
                any::<u8>(),
                any::<[u8; 16]>(),
                any::<[u8; 32]>(),
                any::<[u8; 16]>()
            )
                .prop_map(|(version, id, token, client)| Message::Hello {
                    version,
                    workspace: Id::from_bytes(id).to_string(),
                    token: AccessToken::from_bytes(token),
                    client,
                }),
            any::<i64>().prop_map(|server_time_ms| Message::Welcome { server_time_ms }),
            (proptest::sample::select(ErrorCode::ALL.to_vec()), ".{0,80}")
                .prop_map(|(code, message)| Message::Error { code, message }),
            (arb_doc(), any::<u64>(), arb_envelope()).prop_map(|(doc, client_seq, envelope)| {
                Message::Push {
                    doc,
                    client_seq,
                    envelope,
                }
            }),
            (arb_doc(), any::<u64>(), any::<u64>()).prop_map(|(doc, client_seq, server_seq)| {
                Message::Ack {
                    doc,
                    client_seq,
                    server_seq,
                }
            }),
            (arb_doc(), any::<u64>()).prop_map(|(doc, since)| Message::Subscribe { doc, since }),
            (arb_doc(), any::<u64>(), arb_envelope()).prop_map(|(doc, server_seq, envelope)| {
                Message::Deliver {
                    doc,
                    server_seq,
                    envelope,
                }
            }),
            (arb_doc(), any::<u64>(), arb_envelope()).prop_map(|(doc, upto_seq, envelope)| {
                Message::Snapshot {
                    doc,
                    upto_seq,
                    envelope,
                }
            }),
            (arb_doc(), any::<u64>(), arb_envelope()).prop_map(|(doc, upto_seq, envelope)| {
                Message::Compact {
                    doc,
                    upto_seq,
                    envelope,
                }
            }),
            (any::<[u8; 16]>(), any::<[u8; 16]>(), arb_envelope())
                .prop_map(|(to, from, envelope)| Message::Signal { to, from, envelope }),
            any::<u64>().prop_map(|nonce| Message::Ping { nonce }),
            any::<u64>().prop_map(|nonce| Message::Pong { nonce }),
            (arb_doc(), any::<u64>())
                .prop_map(|(doc, upto_seq)| Message::CaughtUp { doc, upto_seq }),
            proptest::collection::vec(any::<[u8; 16]>(), 0..20)
                .prop_map(|clients| Message::Peers { clients }),
            any::<[u8; 32]>().prop_map(|t| Message::Rotate {
                token: AccessToken::from_bytes(t)
            }),
        ]
    }

    fn limits() -> Limits {
        Limits::default()
    }

    #[test]
    fn every_variant_round_trips() {
        let samples = samples();
        let codes: std::collections::BTreeSet<u8> =
            samples.iter().map(Message::type_code).collect();
        assert_eq!(codes.len(), 15, "one sample per message type");
        for m in samples {
            assert_eq!(decode(&encode(&m), &limits()), Ok(m));
        }
    }

    #[test]
    fn known_encoding_of_push() {
        let m = Message::Push {
            doc: "ab".into(),
            client_seq: 0x0102,
            envelope: vec![0xee],
        };
        assert_eq!(
            encode(&m),
            [
                1, 4, // version, type
                2, 0, 0, 0, b'a', b'b', // doc
                2, 1, 0, 0, 0, 0, 0, 0, // client_seq
                1, 0, 0, 0, 0xee, // envelope
            ]
        );
    }

    #[test]
    fn known_encoding_of_caught_up() {
        let m = Message::CaughtUp {
            doc: "ab".into(),
            upto_seq: 0x0102,
        };
        assert_eq!(
            encode(&m),
            [
                1, 13, // version, type
                2, 0, 0, 0, b'a', b'b', // doc
                2, 1, 0, 0, 0, 0, 0, 0, // upto_seq
            ]
        );
        assert_eq!(m.direction(), Direction::RelayToClient);
        assert_eq!(m.name(), "CaughtUp");
    }

    #[test]
    fn error_codes_round_trip_their_numbers() {
        for (i, c) in ErrorCode::ALL.into_iter().enumerate() {
            assert_eq!(usize::from(c.code()), i + 1);
            assert_eq!(ErrorCode::from_code(c.code()), Some(c));
        }
        assert_eq!(ErrorCode::from_code(0), None);
        assert_eq!(ErrorCode::from_code(9), None);
    }

    #[test]
    fn every_strict_prefix_is_rejected() {
        for m in samples() {
            let bytes = encode(&m);
            for len in 0..bytes.len() {
                let err = decode(&bytes[..len], &limits()).unwrap_err();
                if len == 0 {
                    assert_eq!(err, WireError::Empty);
                } else {
                    assert!(
                        matches!(err, WireError::Truncated { .. }),
                        "{m:?} cut at {len}: {err}"
                    );
                }
            }
        }
    }

    #[test]
    fn an_appended_byte_is_rejected() {
        for m in samples() {
            let mut bytes = encode(&m);
            bytes.push(0);
            assert_eq!(
                decode(&bytes, &limits()),
                Err(WireError::TrailingBytes { count: 1 })
            );
        }
    }

    #[test]
    fn unknown_versions_and_types_are_named() {
        let err = decode(&[2, kind::PING], &limits()).unwrap_err();
        assert_eq!(err, WireError::UnsupportedVersion { version: 2 });
        assert_eq!(
            err.to_string(),
            "protocol version 2 is not supported; this side speaks version 1"
        );
        assert_eq!(
            decode(&[1, 0], &limits()),
            Err(WireError::UnknownType { code: 0 })
        );
        assert_eq!(
            decode(&[1, 16], &limits()),
            Err(WireError::UnknownType { code: 16 })
        );
    }

    #[test]
    fn version_lists_read_naturally() {
        assert_eq!(VersionList(&[1]).to_string(), "version 1");
        assert_eq!(VersionList(&[1, 2]).to_string(), "versions 1 and 2");
        assert_eq!(VersionList(&[1, 2, 3]).to_string(), "versions 1, 2 and 3");
    }

    #[test]
    fn a_four_gib_length_is_refused_before_allocating() {
        // Doc id claiming 4 GiB - 1 bytes: over the id limit.
        let doc = [1, kind::PUSH, 0xff, 0xff, 0xff, 0xff];
        assert_eq!(
            decode(&doc, &limits()),
            Err(WireError::FieldTooLong {
                field: "document id",
                len: u32::MAX,
                max: 64
            })
        );
        // Envelope claiming 4 GiB - 1 bytes with limits that allow it: the bytes are not there.
        let mut env = vec![1, kind::DELIVER, 1, 0, 0, 0, b'd'];
        env.extend_from_slice(&[0; 8]);
        env.extend_from_slice(&[0xff; 4]);
        let open = Limits {
            max_message: u32::MAX,
            max_id: u32::MAX,
            max_envelope: u32::MAX,
        };
        assert_eq!(
            decode(&env, &open),
            Err(WireError::Truncated { field: "envelope" })
        );
        assert_eq!(
            decode(&env, &limits()),
            Err(WireError::FieldTooLong {
                field: "envelope",
                len: u32::MAX,
                max: 64 * 1024 * 1024
            })
        );
    }

    #[test]
    fn limits_are_enforced() {
        let m = Message::Push {
            doc: "abcdef".into(),
            client_seq: 1,
            envelope: vec![0; 100],
        };
        let bytes = encode(&m);
        let tight = |max_message, max_id, max_envelope| Limits {
            max_message,
            max_id,
            max_envelope,
        };
        assert_eq!(
            decode(&bytes, &tight(50, 64, 1000)),
            Err(WireError::MessageTooLarge {
                len: bytes.len(),
                max: 50
            })
        );
        assert_eq!(
            decode(&bytes, &tight(1000, 5, 1000)),
            Err(WireError::FieldTooLong {
                field: "document id",
                len: 6,
                max: 5
            })
        );
        assert_eq!(
            decode(&bytes, &tight(1000, 64, 99)),
            Err(WireError::FieldTooLong {
                field: "envelope",
                len: 100,
                max: 99
            })
        );
        assert_eq!(decode(&bytes, &tight(1000, 6, 100)), Ok(m));
    }

    #[test]
    fn malformed_fields_are_refused() {
        let push = |doc: &[u8]| {
            let mut b = vec![1, kind::SUBSCRIBE];
            b.extend_from_slice(&(doc.len() as u32).to_le_bytes());
            b.extend_from_slice(doc);
            b.extend_from_slice(&[0; 8]);
            b
        };
        assert_eq!(
            decode(&push(&[0xff]), &limits()),
            Err(WireError::InvalidUtf8 {
                field: "document id"
            })
        );
        assert_eq!(
            decode(&push(b""), &limits()),
            Err(WireError::BadDoc(DocIdError::Empty))
        );
        assert_eq!(
            decode(&push(b"A"), &limits()),
            Err(WireError::BadDoc(DocIdError::Character('A')))
        );

        let hello = |workspace: &str| {
            encode(&Message::Hello {
                version: 1,
                workspace: workspace.into(),
                token: AccessToken::from_bytes([0; 32]),
                client: [0; 16],
            })
        };
        assert_eq!(
            decode(&hello(&ws().to_uppercase()), &limits()),
            Err(WireError::BadWorkspace(WorkspaceIdError::NotCanonical))
        );
        assert!(matches!(
            decode(&hello("nope"), &limits()),
            Err(WireError::BadWorkspace(WorkspaceIdError::Invalid(_)))
        ));

        let mut error = encode(&Message::Error {
            code: ErrorCode::Internal,
            message: String::new(),
        });
        error[2] = 0;
        error[3] = 1;
        assert_eq!(
            decode(&error, &limits()),
            Err(WireError::UnknownErrorCode { code: 256 })
        );
    }

    #[test]
    fn debug_output_hides_the_token() {
        let m = Message::Hello {
            version: 1,
            workspace: ws(),
            token: AccessToken::from_bytes([0xab; 32]),
            client: [0; 16],
        };
        let text = format!("{m:?}");
        assert!(
            text.contains("<redacted>") && !text.contains("171"),
            "{text}"
        );
    }

    #[test]
    fn errors_read_as_sentences() {
        assert_eq!(
            WireError::Truncated { field: "envelope" }.to_string(),
            "the message ends before its envelope is complete"
        );
        assert_eq!(
            WireError::TrailingBytes { count: 2 }.to_string(),
            "the message has 2 unexpected bytes after its last field"
        );
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(20_000))]

        #[test]
        fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..256)) {
            let _ = decode(&bytes, &limits());
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2000))]

        #[test]
        fn arbitrary_messages_round_trip(m in arb_message()) {
            let bytes = encode(&m);
            prop_assert_eq!(bytes[0], FRAME_VERSION);
            prop_assert_eq!(bytes[1], m.type_code());
            prop_assert_eq!(decode(&bytes, &limits()), Ok(m));
        }

        #[test]
        fn plausible_headers_with_arbitrary_bodies_never_panic(
            code in 0u8..15,
            body in proptest::collection::vec(any::<u8>(), 0..128),
        ) {
            let mut bytes = vec![FRAME_VERSION, code];
            bytes.extend_from_slice(&body);
            let _ = decode(&bytes, &limits());
        }

        #[test]
        fn mutated_valid_messages_never_panic(
            m in arb_message(),
            edits in proptest::collection::vec((any::<usize>(), any::<u8>()), 1..4),
        ) {
            let mut bytes = encode(&m);
            for (at, value) in edits {
                let at = at % bytes.len();
                bytes[at] = value;
            }
            let _ = decode(&bytes, &limits());
        }

        #[test]
        fn strict_prefixes_and_extensions_of_arbitrary_messages_are_rejected(
            m in arb_message(),
            extra in proptest::collection::vec(any::<u8>(), 1..8),
        ) {
            let bytes = encode(&m);
            for len in 0..bytes.len() {
                prop_assert!(decode(&bytes[..len], &limits()).is_err());
            }
            let mut longer = bytes.clone();
            longer.extend_from_slice(&extra);
            prop_assert_eq!(
                decode(&longer, &limits()),
                Err(WireError::TrailingBytes { count: extra.len() })
            );
        }
    }
}
