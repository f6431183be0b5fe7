//! The workspace secret, what is derived from it, and the invite that carries it.
//!
//! Everyone in a workspace holds one 32-byte secret. From it HKDF-SHA256 derives, under separate
//! labels, the key that seals envelopes and the token that admits a client to the relay. HKDF
//! outputs under different labels are independent, so the relay, which sees the token (and stores
//! only its hash), learns nothing about the key. Removing a member means rotating to a fresh secret
//! with the next epoch and handing it only to those who stay.

use std::fmt;

use hkdf::Hkdf;
use sha2::{Digest, Sha256};

use crate::ids::{WorkspaceIdError, check_workspace_id};

/// Bytes in a workspace secret, an encryption key, an access token and a token hash.
pub const SECRET_LEN: usize = 32;

/// HKDF `info` label of the envelope key; the epoch follows as 4 little-endian bytes.
pub const ENCRYPTION_KEY_LABEL: &[u8] = b"hearth-sync v1 envelope key";
/// HKDF `info` label of the relay access token; the epoch follows as 4 little-endian bytes.
pub const ACCESS_TOKEN_LABEL: &[u8] = b"hearth-sync v1 relay token";

/// The prefix of an invite fragment.
pub const INVITE_PREFIX: &str = "join=";
/// Characters in the base64url (unpadded) spelling of a secret.
const SECRET_TEXT_LEN: usize = 43;

// HKDF-SHA256 refuses outputs longer than 255 blocks; this makes `derive` unable to fail.
const _: () = assert!(SECRET_LEN <= 255 * 32);

/// The secret every member of a workspace shares, for one epoch.
///
/// The bytes come from the caller (`crypto.getRandomValues` in the browser): this crate draws no
/// randomness.
#[derive(Clone)]
pub struct WorkspaceSecret {
    bytes: [u8; SECRET_LEN],
    epoch: u32,
}

/// Rotating past the last epoch.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "the workspace secret is at the last epoch ({}) and cannot be rotated again",
    u32::MAX
)]
pub struct EpochExhausted;

impl WorkspaceSecret {
    pub const fn new(bytes: [u8; SECRET_LEN], epoch: u32) -> Self {
        Self { bytes, epoch }
    }

    pub const fn epoch(&self) -> u32 {
        self.epoch
    }

    /// The raw secret, for storing it on this device or putting it in an invite.
    pub const fn expose_bytes(&self) -> &[u8; SECRET_LEN] {
        &self.bytes
    }

    /// The secret that replaces this one when a member is removed: `fresh` random bytes, next
    /// epoch. Fresh bytes rather than a derivation, so the removed member cannot compute it.
    pub fn rotate(&self, fresh: [u8; SECRET_LEN]) -> Result<Self, EpochExhausted> {
        let epoch = self.epoch.checked_add(1).ok_or(EpochExhausted)?;
        Ok(Self::new(fresh, epoch))
    }

    pub fn encryption_key(&self) -> EncryptionKey {
        EncryptionKey {
            bytes: derive(&self.bytes, ENCRYPTION_KEY_LABEL, self.epoch),
            epoch: self.epoch,
        }
    }

    pub fn access_token(&self) -> AccessToken {
        AccessToken(derive(&self.bytes, ACCESS_TOKEN_LABEL, self.epoch))
    }

    /// What the relay stores to recognise this workspace's clients.
    pub fn token_hash(&self) -> TokenHash {
        self.access_token().hash()
    }
}

impl PartialEq for WorkspaceSecret {
    fn eq(&self, other: &Self) -> bool {
        self.epoch == other.epoch && constant_time_eq(&self.bytes, &other.bytes)
    }
}

impl Eq for WorkspaceSecret {}

impl fmt::Debug for WorkspaceSecret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("WorkspaceSecret")
            .field("epoch", &self.epoch)
            .field("bytes", &Redacted)
            .finish()
    }
}

/// The XChaCha20-Poly1305 key of one epoch.
#[derive(Clone)]
pub struct EncryptionKey {
    bytes: [u8; SECRET_LEN],
    epoch: u32,
}

impl EncryptionKey {
    pub const fn epoch(&self) -> u32 {
        self.epoch
    }

    pub(crate) const fn bytes(&self) -> &[u8; SECRET_LEN] {
        &self.bytes
    }
}

impl fmt::Debug for EncryptionKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("EncryptionKey")
            .field("epoch", &self.epoch)
            .field("bytes", &Redacted)
            .finish()
    }
}

/// The bearer token a client shows the relay in `Hello`.
#[derive(Clone)]
pub struct AccessToken([u8; SECRET_LEN]);

impl AccessToken {
    /// A token as received on the wire.
    pub const fn from_bytes(bytes: [u8; SECRET_LEN]) -> Self {
        Self(bytes)
    }

    pub const fn as_bytes(&self) -> &[u8; SECRET_LEN] {
        &self.0
    }

    pub fn hash(&self) -> TokenHash {
        TokenHash(Sha256::digest(self.0).into())
    }
}

impl PartialEq for AccessToken {
    fn eq(&self, other: &Self) -> bool {
        constant_time_eq(&self.0, &other.0)
    }
}

impl Eq for AccessToken {}

impl fmt::Debug for AccessToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("AccessToken").field(&Redacted).finish()
    }
}

/// SHA-256 of an access token. Not secret: a stolen hash does not open the relay, since the relay
/// asks for the token itself.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct TokenHash([u8; SECRET_LEN]);

impl TokenHash {
    pub const fn from_bytes(bytes: [u8; SECRET_LEN]) -> Self {
        Self(bytes)
    }

    pub const fn as_bytes(&self) -> &[u8; SECRET_LEN] {
        &self.0
    }
}

impl fmt::Debug for TokenHash {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("TokenHash(")?;
        for b in self.0 {
            write!(f, "{b:02x}")?;
        }
        f.write_str(")")
    }
}

/// Stands in for secret bytes in Debug output, so secrets never reach logs.
struct Redacted;

impl fmt::Debug for Redacted {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("<redacted>")
    }
}

fn derive(secret: &[u8; SECRET_LEN], label: &[u8], epoch: u32) -> [u8; SECRET_LEN] {
    let mut okm = [0u8; SECRET_LEN];
    // Cannot fail: the output length is checked against HKDF's limit at compile time above.
    let _ = Hkdf::<Sha256>::new(None, secret)
        .expand_multi_info(&[label, &epoch.to_le_bytes()], &mut okm);
    okm
}

/// Equality whose time does not depend on where the first difference is, so comparing a guess
/// with a secret does not reveal how much of the guess was right.
fn constant_time_eq(a: &[u8; SECRET_LEN], b: &[u8; SECRET_LEN]) -> bool {
    let diff = a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y));
    std::hint::black_box(diff) == 0
}

/// Everything a new member needs: which workspace, and its current secret.
#[derive(Clone, PartialEq, Eq)]
pub struct Invite {
    workspace: String,
    secret: WorkspaceSecret,
}

/// Why a text is not an invite.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum InviteError {
    #[error("an invite starts with \"{INVITE_PREFIX}\"")]
    MissingPrefix,
    #[error("the invite has no {0}; it should read join=<workspace>.<epoch>.<secret>")]
    MissingPart(&'static str),
    #[error("the invite names no valid workspace: {0}")]
    Workspace(#[from] WorkspaceIdError),
    #[error("the invite's epoch {0:?} is not a whole number written without leading zeros")]
    BadEpoch(String),
    #[error("the invite's epoch {0} is larger than the largest epoch, {max}", max = u32::MAX)]
    EpochOutOfRange(String),
    #[error("the invite's secret has {0} characters; it should have {SECRET_TEXT_LEN}")]
    SecretLength(usize),
    #[error("the invite's secret may contain only A-Z, a-z, 0-9, '-' and '_', not {0:?}")]
    SecretCharacter(char),
    #[error("the invite's secret does not end the way an encoding of 32 bytes ends")]
    SecretNotCanonical,
    #[error("the invite has {0:?} after its secret")]
    TrailingJunk(String),
}

impl Invite {
    pub fn new(workspace: &str, secret: WorkspaceSecret) -> Result<Self, InviteError> {
        check_workspace_id(workspace)?;
        Ok(Self {
            workspace: workspace.to_owned(),
            secret,
        })
    }

    pub fn workspace(&self) -> &str {
        &self.workspace
    }

    pub fn secret(&self) -> &WorkspaceSecret {
        &self.secret
    }

    pub fn epoch(&self) -> u32 {
        self.secret.epoch()
    }

    /// The URL fragment, without `#`: `join=<workspace>.<epoch>.<secret>`. A fragment, because
    /// browsers never send it to the server, so the relay never sees the secret.
    pub fn to_fragment(&self) -> String {
        format!(
            "{INVITE_PREFIX}{}.{}.{}",
            self.workspace,
            self.secret.epoch(),
            base64url_encode(self.secret.expose_bytes())
        )
    }

    /// Reads what `to_fragment` wrote; a leading `#` (as in `location.hash`) is allowed.
    pub fn from_fragment(text: &str) -> Result<Self, InviteError> {
        let text = text.strip_prefix('#').unwrap_or(text);
        let rest = text
            .strip_prefix(INVITE_PREFIX)
            .ok_or(InviteError::MissingPrefix)?;
        let mut parts = rest.splitn(3, '.');
        let workspace = parts.next().unwrap_or_default();
        let epoch = parts.next().ok_or(InviteError::MissingPart("epoch"))?;
        let secret = parts.next().ok_or(InviteError::MissingPart("secret"))?;
        check_workspace_id(workspace)?;
        let epoch = parse_epoch(epoch)?;
        let bytes = parse_secret(secret)?;
        Ok(Self {
            workspace: workspace.to_owned(),
            secret: WorkspaceSecret::new(bytes, epoch),
        })
    }
}

impl fmt::Debug for Invite {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Invite")
            .field("workspace", &self.workspace)
            .field("secret", &self.secret)
            .finish()
    }
}

fn parse_epoch(text: &str) -> Result<u32, InviteError> {
    let digits_only = !text.is_empty() && text.bytes().all(|b| b.is_ascii_digit());
    // One spelling per epoch: "007" or "+7" would make two fragments for one invite.
    if !digits_only || (text.len() > 1 && text.starts_with('0')) {
        return Err(InviteError::BadEpoch(text.to_owned()));
    }
    text.parse()
        .map_err(|_| InviteError::EpochOutOfRange(text.to_owned()))
}

fn parse_secret(text: &str) -> Result<[u8; SECRET_LEN], InviteError> {
    let mut values = [0u8; SECRET_TEXT_LEN];
    let mut count = 0;
    for (i, c) in text.char_indices() {
        if count == SECRET_TEXT_LEN {
            return Err(InviteError::TrailingJunk(text[i..].to_owned()));
        }
        let value = base64url_value(c).ok_or(InviteError::SecretCharacter(c))?;
        if let Some(slot) = values.get_mut(count) {
            *slot = value;
        }
        count += 1;
    }
    if count != SECRET_TEXT_LEN {
        return Err(InviteError::SecretLength(count));
    }
    base64url_decode(&values).ok_or(InviteError::SecretNotCanonical)
}

const BASE64URL: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

fn base64url_value(c: char) -> Option<u8> {
    let v = match c {
        'A'..='Z' => c as u32 - 'A' as u32,
        'a'..='z' => c as u32 - 'a' as u32 + 26,
        '0'..='9' => c as u32 - '0' as u32 + 52,
        '-' => 62,
        '_' => 63,
        _ => return None,
    };
    u8::try_from(v).ok()
}

/// RFC 4648 §5 without padding: 32 bytes become 43 characters, the last carrying 4 bits.
fn base64url_encode(bytes: &[u8; SECRET_LEN]) -> String {
    let mut out = String::with_capacity(SECRET_TEXT_LEN);
    for chunk in bytes.chunks(3) {
        let b = [
            chunk.first().copied().unwrap_or(0),
            chunk.get(1).copied().unwrap_or(0),
            chunk.get(2).copied().unwrap_or(0),
        ];
        let n = u32::from(b[0]) << 16 | u32::from(b[1]) << 8 | u32::from(b[2]);
        // A chunk of k bytes carries 8k bits, which need k + 1 characters.
        for i in 0..=chunk.len() {
            let index = (n >> (18 - 6 * i)) & 63;
            out.push(char::from(BASE64URL[index as usize]));
        }
    }
    out
}

/// Decodes 43 six-bit values; `None` if the last value has bits set beyond the 256th, which no
/// encoder produces (accepting them would give one secret several spellings).
fn base64url_decode(values: &[u8; SECRET_TEXT_LEN]) -> Option<[u8; SECRET_LEN]> {
    let mut out = [0u8; SECRET_LEN];
    let mut acc: u32 = 0;
    let mut bits = 0;
    let mut written = 0;
    for &v in values {
        acc = (acc << 6) | u32::from(v);
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            if let Some(slot) = out.get_mut(written) {
                *slot = (acc >> bits) as u8;
            }
            written += 1;
            acc &= (1 << bits) - 1;
        }
    }
    (acc == 0 && written == SECRET_LEN).then_some(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crm_core::Id;
    use proptest::prelude::*;

    fn workspace() -> String {
        Id::from_bytes([7; 16]).to_string()
    }

    fn secret_text(invite: &Invite) -> String {
        let fragment = invite.to_fragment();
        fragment.rsplit('.').next().unwrap().to_owned()
    }

    #[test]
    fn key_and_token_differ_and_depend_on_the_epoch() {
        let s = WorkspaceSecret::new([1; 32], 0);
        let key = s.encryption_key();
        let token = s.access_token();
        assert_ne!(key.bytes(), token.as_bytes());
        assert_ne!(token.hash().as_bytes(), token.as_bytes());
        assert_eq!(s.token_hash(), token.hash());

        let same_bytes_next_epoch = WorkspaceSecret::new([1; 32], 1);
        assert_ne!(same_bytes_next_epoch.encryption_key().bytes(), key.bytes());
        assert_ne!(same_bytes_next_epoch.access_token(), token);
    }

    #[test]
    fn derivation_is_hkdf_sha256_with_the_documented_labels() {
        // Pins the derivation so a refactor cannot silently change every key in the field.
        let s = WorkspaceSecret::new([0; 32], 0);
        let mut expected = [0u8; 32];
        let mut info = ENCRYPTION_KEY_LABEL.to_vec();
        info.extend_from_slice(&[0, 0, 0, 0]);
        Hkdf::<Sha256>::new(None, &[0; 32])
            .expand(&info, &mut expected)
            .unwrap();
        assert_eq!(s.encryption_key().bytes(), &expected);
        let hash: [u8; 32] = Sha256::digest(s.access_token().as_bytes()).into();
        assert_eq!(s.token_hash().as_bytes(), &hash);
    }

    #[test]
    fn rotation_bumps_the_epoch_and_stops_at_the_last() {
        let s = WorkspaceSecret::new([1; 32], 4);
        let next = s.rotate([2; 32]).unwrap();
        assert_eq!(next.epoch(), 5);
        assert_eq!(next.expose_bytes(), &[2; 32]);
        assert_eq!(
            WorkspaceSecret::new([1; 32], u32::MAX).rotate([2; 32]),
            Err(EpochExhausted)
        );
    }

    #[test]
    fn debug_output_hides_secret_bytes() {
        let s = WorkspaceSecret::new([0xab; 32], 3);
        let invite = Invite::new(&workspace(), s.clone()).unwrap();
        for text in [
            format!("{s:?}"),
            format!("{:?}", s.encryption_key()),
            format!("{:?}", s.access_token()),
            format!("{invite:?}"),
        ] {
            assert!(text.contains("<redacted>"), "{text}");
            assert!(!text.to_lowercase().contains("ab, ab"), "{text}");
            assert!(!text.contains("171"), "{text}");
            assert!(!text.contains(&secret_text(&invite)), "{text}");
        }
    }

    #[test]
    fn invite_fragment_known_form() {
        let invite = Invite::new(&workspace(), WorkspaceSecret::new([0xff; 32], 12)).unwrap();
        assert_eq!(
            invite.to_fragment(),
            format!("join={}.12.{}8", workspace(), "_".repeat(42))
        );
        let zero = Invite::new(&workspace(), WorkspaceSecret::new([0; 32], 0)).unwrap();
        assert_eq!(
            zero.to_fragment(),
            format!("join={}.0.{}", workspace(), "A".repeat(43))
        );
    }

    #[test]
    fn invite_accepts_a_leading_hash() {
        let invite = Invite::new(&workspace(), WorkspaceSecret::new([9; 32], 1)).unwrap();
        let parsed = Invite::from_fragment(&format!("#{}", invite.to_fragment())).unwrap();
        assert_eq!(parsed, invite);
    }

    #[test]
    fn malformed_invites_say_why() {
        let ws = workspace();
        let good_secret = "A".repeat(43);
        let cases: Vec<(String, InviteError)> = vec![
            (String::new(), InviteError::MissingPrefix),
            (
                format!("joined={ws}.1.{good_secret}"),
                InviteError::MissingPrefix,
            ),
            (format!("join={ws}"), InviteError::MissingPart("epoch")),
            (format!("join={ws}.1"), InviteError::MissingPart("secret")),
            (
                format!("join=abc.1.{good_secret}"),
                InviteError::Workspace(WorkspaceIdError::Invalid(crm_core::IdError::Length(3))),
            ),
            (
                format!("join={}.1.{good_secret}", ws.to_uppercase()),
                InviteError::Workspace(WorkspaceIdError::NotCanonical),
            ),
            (
                format!("join={ws}..{good_secret}"),
                InviteError::BadEpoch(String::new()),
            ),
            (
                format!("join={ws}.01.{good_secret}"),
                InviteError::BadEpoch("01".into()),
            ),
            (
                format!("join={ws}.+1.{good_secret}"),
                InviteError::BadEpoch("+1".into()),
            ),
            (
                format!("join={ws}.4294967296.{good_secret}"),
                InviteError::EpochOutOfRange("4294967296".into()),
            ),
            (
                format!("join={ws}.1.{}", "A".repeat(42)),
                InviteError::SecretLength(42),
            ),
            (format!("join={ws}.1."), InviteError::SecretLength(0)),
            (
                format!("join={ws}.1.{}=", "A".repeat(42)),
                InviteError::SecretCharacter('='),
            ),
            (
                format!("join={ws}.1.{}+", "A".repeat(42)),
                InviteError::SecretCharacter('+'),
            ),
            (
                format!("join={ws}.1.{}B", "A".repeat(42)),
                InviteError::SecretNotCanonical,
            ),
            (
                format!("join={ws}.1.{good_secret}&x=1"),
                InviteError::TrailingJunk("&x=1".into()),
            ),
            (
                format!("join={ws}.1.{good_secret}.2"),
                InviteError::TrailingJunk(".2".into()),
            ),
        ];
        for (text, expected) in cases {
            assert_eq!(Invite::from_fragment(&text), Err(expected), "{text}");
        }
        assert_eq!(
            Invite::from_fragment(&format!("join={ws}.4294967295.{good_secret}"))
                .unwrap()
                .epoch(),
            u32::MAX
        );
    }

    #[test]
    fn invite_errors_read_as_sentences() {
        let e = Invite::from_fragment("join=x").unwrap_err();
        assert_eq!(
            e.to_string(),
            "the invite has no epoch; it should read join=<workspace>.<epoch>.<secret>"
        );
    }

    proptest! {
        #[test]
        fn invites_round_trip(id in any::<[u8; 16]>(), bytes in any::<[u8; 32]>(), epoch in any::<u32>()) {
            let workspace = Id::from_bytes(id).to_string();
            let invite = Invite::new(&workspace, WorkspaceSecret::new(bytes, epoch)).unwrap();
            let parsed = Invite::from_fragment(&invite.to_fragment()).unwrap();
            prop_assert_eq!(parsed.secret().expose_bytes(), &bytes);
            prop_assert_eq!(parsed.epoch(), epoch);
            prop_assert_eq!(parsed.workspace(), workspace.as_str());
        }

        #[test]
        fn invite_parsing_never_panics(text in "\\PC{0,120}") {
            let _ = Invite::from_fragment(&text);
        }

        #[test]
        fn invite_parsing_of_near_misses_never_panics(
            bytes in any::<[u8; 32]>(),
            cut in 0usize..120,
            insert in "\\PC{0,3}",
        ) {
            let fragment = Invite::new(&workspace(), WorkspaceSecret::new(bytes, 5)).unwrap().to_fragment();
            let mut cut = cut.min(fragment.len());
            while !fragment.is_char_boundary(cut) {
                cut -= 1;
            }
            let mangled = format!("{}{insert}{}", &fragment[..cut], &fragment[cut..]);
            if insert.is_empty() {
                prop_assert!(Invite::from_fragment(&mangled).is_ok());
            } else {
                let _ = Invite::from_fragment(&mangled);
            }
        }
    }
}
