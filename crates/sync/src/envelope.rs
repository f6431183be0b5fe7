//! Envelopes: what the relay stores and forwards, readable only by the workspace's members.
//!
//! Layout: format version (1 byte), key epoch (4 bytes, little-endian), nonce (24 bytes), then the
//! XChaCha20-Poly1305 ciphertext with its 16-byte tag. The associated data binds the version, the
//! epoch, the workspace id and the document id, so the relay cannot replay one document's
//! ciphertext as another's, move it between workspaces, or relabel its epoch.

use chacha20poly1305::aead::AeadInOut;
use chacha20poly1305::{KeyInit, Tag, XChaCha20Poly1305, XNonce};

use crate::keys::EncryptionKey;

/// The envelope format this code writes and reads.
pub const ENVELOPE_VERSION: u8 = 1;
pub const NONCE_LEN: usize = 24;
pub const TAG_LEN: usize = 16;
/// Version, epoch and nonce.
pub const HEADER_LEN: usize = 1 + 4 + NONCE_LEN;
/// The envelope of an empty plaintext.
pub const MIN_ENVELOPE_LEN: usize = HEADER_LEN + TAG_LEN;

/// Why an envelope does not open.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EnvelopeError {
    #[error(
        "the envelope is {len} bytes long, shorter than the {MIN_ENVELOPE_LEN} bytes of any envelope"
    )]
    TooShort { len: usize },
    #[error(
        "envelope format version {version} is unknown; this side reads version {ENVELOPE_VERSION}"
    )]
    UnknownVersion { version: u8 },
    #[error(
        "the envelope was sealed with the key of epoch {envelope}, but the key given is for epoch {key}"
    )]
    WrongEpoch { envelope: u32, key: u32 },
    #[error(
        "the envelope failed authentication: it was altered, sealed with another key, or sealed for another workspace or document"
    )]
    Authentication,
}

/// Why a plaintext cannot be sealed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("a plaintext of {len} bytes is beyond what XChaCha20-Poly1305 can seal under one nonce")]
pub struct SealError {
    pub len: usize,
}

/// Seals `plaintext` for document `doc` of `workspace` under `key` (and its epoch).
///
/// `nonce` must be 24 fresh random bytes from the caller; never reuse one with the same key.
pub fn seal(
    key: &EncryptionKey,
    nonce: [u8; NONCE_LEN],
    workspace: &str,
    doc: &str,
    plaintext: &[u8],
) -> Result<Vec<u8>, SealError> {
    let mut out = Vec::with_capacity(MIN_ENVELOPE_LEN + plaintext.len());
    out.push(ENVELOPE_VERSION);
    out.extend_from_slice(&key.epoch().to_le_bytes());
    out.extend_from_slice(&nonce);
    out.extend_from_slice(plaintext);
    let aad = associated_data(ENVELOPE_VERSION, key.epoch(), workspace, doc);
    let tag = cipher(key)
        .encrypt_inout_detached(
            &XNonce::from(nonce),
            &aad,
            out.get_mut(HEADER_LEN..).unwrap_or_default().into(),
        )
        .map_err(|_| SealError {
            len: plaintext.len(),
        })?;
    out.extend_from_slice(&tag);
    Ok(out)
}

/// The epoch an envelope claims, to pick the key to open it with.
pub fn envelope_epoch(bytes: &[u8]) -> Result<u32, EnvelopeError> {
    let header = Header::read(bytes)?;
    Ok(header.epoch)
}

/// Opens an envelope sealed by [`seal`] for the same workspace and document.
pub fn open(
    key: &EncryptionKey,
    workspace: &str,
    doc: &str,
    bytes: &[u8],
) -> Result<Vec<u8>, EnvelopeError> {
    let header = Header::read(bytes)?;
    if header.epoch != key.epoch() {
        return Err(EnvelopeError::WrongEpoch {
            envelope: header.epoch,
            key: key.epoch(),
        });
    }
    let (ciphertext, tag) = header
        .body
        .split_last_chunk::<TAG_LEN>()
        .ok_or(EnvelopeError::TooShort { len: bytes.len() })?;
    let aad = associated_data(ENVELOPE_VERSION, header.epoch, workspace, doc);
    let mut plaintext = ciphertext.to_vec();
    cipher(key)
        .decrypt_inout_detached(
            &XNonce::from(header.nonce),
            &aad,
            plaintext.as_mut_slice().into(),
            &Tag::from(*tag),
        )
        .map_err(|_| EnvelopeError::Authentication)?;
    Ok(plaintext)
}

struct Header<'a> {
    epoch: u32,
    nonce: [u8; NONCE_LEN],
    /// Ciphertext and tag.
    body: &'a [u8],
}

impl<'a> Header<'a> {
    fn read(bytes: &'a [u8]) -> Result<Self, EnvelopeError> {
        let too_short = EnvelopeError::TooShort { len: bytes.len() };
        let (&version, rest) = bytes.split_first().ok_or(too_short.clone())?;
        // The version decides the layout, so it is judged before the length.
        if version != ENVELOPE_VERSION {
            return Err(EnvelopeError::UnknownVersion { version });
        }
        if bytes.len() < MIN_ENVELOPE_LEN {
            return Err(too_short);
        }
        let (epoch, rest) = rest.split_first_chunk::<4>().ok_or(too_short.clone())?;
        let (nonce, body) = rest.split_first_chunk::<NONCE_LEN>().ok_or(too_short)?;
        Ok(Self {
            epoch: u32::from_le_bytes(*epoch),
            nonce: *nonce,
            body,
        })
    }
}

fn cipher(key: &EncryptionKey) -> XChaCha20Poly1305 {
    XChaCha20Poly1305::new(&(*key.bytes()).into())
}

/// `version ‖ epoch (u32 LE) ‖ len(workspace) (u64 LE) ‖ workspace ‖ len(doc) (u64 LE) ‖ doc`.
/// The length prefixes keep ("ab", "c") and ("a", "bc") apart.
fn associated_data(version: u8, epoch: u32, workspace: &str, doc: &str) -> Vec<u8> {
    let mut aad = Vec::with_capacity(1 + 4 + 8 + workspace.len() + 8 + doc.len());
    aad.push(version);
    aad.extend_from_slice(&epoch.to_le_bytes());
    for part in [workspace, doc] {
        aad.extend_from_slice(&(part.len() as u64).to_le_bytes());
        aad.extend_from_slice(part.as_bytes());
    }
    aad
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::keys::WorkspaceSecret;
    use proptest::prelude::*;

    const WS: &str = "0sx1m6wz5v7fq9k3b2c4d8e0ga";
    const OTHER_WS: &str = "0sx1m6wz5v7fq9k3b2c4d8e0gb";

    fn key(byte: u8, epoch: u32) -> EncryptionKey {
        WorkspaceSecret::new([byte; 32], epoch).encryption_key()
    }

    #[test]
    fn round_trip() {
        let k = key(1, 7);
        let sealed = seal(&k, [3; 24], WS, "workspace", b"hello").unwrap();
        assert_eq!(sealed.len(), MIN_ENVELOPE_LEN + 5);
        assert_eq!(sealed[0], ENVELOPE_VERSION);
        assert_eq!(&sealed[1..5], &7u32.to_le_bytes());
        assert_eq!(&sealed[5..29], &[3; 24]);
        assert_eq!(envelope_epoch(&sealed), Ok(7));
        assert_eq!(open(&k, WS, "workspace", &sealed).unwrap(), b"hello");
    }

    #[test]
    fn empty_plaintext_round_trips() {
        let k = key(1, 0);
        let sealed = seal(&k, [0; 24], WS, "d", b"").unwrap();
        assert_eq!(sealed.len(), MIN_ENVELOPE_LEN);
        assert_eq!(open(&k, WS, "d", &sealed).unwrap(), b"");
    }

    #[test]
    fn every_single_bit_flip_is_rejected() {
        let k = key(1, 2);
        let sealed = seal(&k, [9; 24], WS, "doc", b"some plaintext").unwrap();
        for byte in 0..sealed.len() {
            for bit in 0..8 {
                let mut tampered = sealed.clone();
                tampered[byte] ^= 1 << bit;
                let err = open(&k, WS, "doc", &tampered).unwrap_err();
                let expected = match byte {
                    0 => EnvelopeError::UnknownVersion {
                        version: tampered[0],
                    },
                    1..=4 => EnvelopeError::WrongEpoch {
                        envelope: 2 ^ (1 << (8 * (byte - 1) + bit)),
                        key: 2,
                    },
                    _ => EnvelopeError::Authentication,
                };
                assert_eq!(err, expected, "byte {byte} bit {bit}");
            }
        }
    }

    #[test]
    fn another_workspace_or_document_does_not_open() {
        let k = key(1, 0);
        let sealed = seal(&k, [1; 24], WS, "x", b"secret").unwrap();
        assert_eq!(
            open(&k, OTHER_WS, "x", &sealed),
            Err(EnvelopeError::Authentication)
        );
        assert_eq!(
            open(&k, WS, "y", &sealed),
            Err(EnvelopeError::Authentication)
        );
    }

    #[test]
    fn ids_cannot_be_shifted_into_each_other() {
        let k = key(1, 0);
        let sealed = seal(&k, [1; 24], "ab", "c", b"secret").unwrap();
        assert_eq!(
            open(&k, "a", "bc", &sealed),
            Err(EnvelopeError::Authentication)
        );
    }

    #[test]
    fn wrong_key_fails() {
        let sealed = seal(&key(1, 0), [1; 24], WS, "x", b"secret").unwrap();
        assert_eq!(
            open(&key(2, 0), WS, "x", &sealed),
            Err(EnvelopeError::Authentication)
        );
    }

    #[test]
    fn key_of_another_epoch_is_named_as_such() {
        let sealed = seal(&key(1, 3), [1; 24], WS, "x", b"secret").unwrap();
        assert_eq!(
            open(&key(1, 4), WS, "x", &sealed),
            Err(EnvelopeError::WrongEpoch {
                envelope: 3,
                key: 4
            })
        );
    }

    #[test]
    fn short_and_unknown_inputs() {
        let k = key(1, 0);
        assert_eq!(
            open(&k, WS, "x", &[]),
            Err(EnvelopeError::TooShort { len: 0 })
        );
        assert_eq!(
            open(&k, WS, "x", &[ENVELOPE_VERSION; MIN_ENVELOPE_LEN - 1]),
            Err(EnvelopeError::TooShort {
                len: MIN_ENVELOPE_LEN - 1
            })
        );
        assert_eq!(
            open(&k, WS, "x", &[2, 0, 0]),
            Err(EnvelopeError::UnknownVersion { version: 2 })
        );
        let sealed = seal(&k, [1; 24], WS, "x", b"abc").unwrap();
        for len in 0..sealed.len() {
            assert!(open(&k, WS, "x", &sealed[..len]).is_err(), "prefix {len}");
        }
    }

    #[test]
    fn errors_read_as_sentences() {
        assert_eq!(
            EnvelopeError::WrongEpoch {
                envelope: 1,
                key: 2
            }
            .to_string(),
            "the envelope was sealed with the key of epoch 1, but the key given is for epoch 2"
        );
    }

    proptest! {
        #[test]
        fn random_plaintexts_and_ids_round_trip_and_stay_bound(
            plaintext in proptest::collection::vec(any::<u8>(), 0..2048),
            workspace in "\\PC{0,30}",
            doc in "\\PC{0,30}",
            other_doc in "\\PC{0,30}",
            nonce in any::<[u8; 24]>(),
            secret in any::<[u8; 32]>(),
            epoch in any::<u32>(),
        ) {
            let k = WorkspaceSecret::new(secret, epoch).encryption_key();
            let sealed = seal(&k, nonce, &workspace, &doc, &plaintext).unwrap();
            prop_assert_eq!(open(&k, &workspace, &doc, &sealed).unwrap(), plaintext);
            if other_doc != doc {
                prop_assert_eq!(open(&k, &workspace, &other_doc, &sealed), Err(EnvelopeError::Authentication));
            }
        }

        #[test]
        fn opening_arbitrary_bytes_never_panics(bytes in proptest::collection::vec(any::<u8>(), 0..200)) {
            let _ = open(&key(1, 0), WS, "x", &bytes);
            let _ = envelope_epoch(&bytes);
        }
    }
}
