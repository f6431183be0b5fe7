//! Where a device's pushes had reached when its last link stopped, and so what it offers
//! first when a link starts again. The application keeps, beside each saved
//! [`SavedState`] and in the same write, a **mark**: the secret's epoch and the document's
//! heads at that save, when every change it held had been pushed by the device or had come
//! from elsewhere. Whatever the document holds beyond the mark never reached a saved outbox
//! (made while no link ran, or pushed into an outbox whose save was lost) and goes out first.

use crate::session::SavedState;

/// A mark as kept beside the sync state: the epoch of the secret the pushes it covers were
/// sealed under (u32, little-endian), then the document's heads.
pub fn kept_mark(epoch: u32, heads: &[u8]) -> Vec<u8> {
    let mut out = epoch.to_le_bytes().to_vec();
    out.extend_from_slice(heads);
    out
}

/// The heads of a kept mark if its pushes were sealed under `epoch`: under another secret,
/// members who hold only this one could not read them.
pub fn mark_for_epoch(kept: &[u8], epoch: u32) -> Option<&[u8]> {
    let (at, heads) = kept.split_first_chunk::<4>()?;
    (u32::from_le_bytes(*at) == epoch).then_some(heads)
}

/// The saved state and how far this device's pushes had reached, from what was read of the
/// state, the mark kept beside it and an older build's pending-offer flag (errors as text);
/// and a problem to show. Whenever the outbox may have lost something the mark covers, or
/// the mark may speak of another secret, the answer is the whole document.
pub fn read_reach(
    state: Result<Option<Vec<u8>>, String>,
    mark: Result<Option<Vec<u8>>, String>,
    legacy: Result<bool, String>,
    epoch: u32,
) -> (SavedState, Reach, Option<String>) {
    let mut saved = match state {
        Ok(Some(bytes)) => match SavedState::from_bytes(&bytes) {
            Ok(saved) => saved,
            Err(e) => {
                // Lost cursors only mean downloading again; the lost outbox is offered again
                // with the whole document.
                let problem = format!("sync state could not be read ({e}); starting over");
                return (SavedState::default(), Reach::Nothing, Some(problem));
            }
        },
        Ok(None) | Err(_) => return (SavedState::default(), Reach::Nothing, None),
    };
    let stale = saved.keep_epoch(epoch) > 0;
    let reach = match (mark, legacy) {
        _ if stale => Reach::Nothing,
        (_, Ok(true) | Err(_)) => Reach::Nothing,
        (Ok(Some(kept)), Ok(false)) => match mark_for_epoch(&kept, epoch) {
            Some(heads) => Reach::Mark(heads.to_vec()),
            None => Reach::Nothing,
        },
        (Ok(None), Ok(false)) => Reach::Everything,
        (Err(_), Ok(false)) => Reach::Nothing,
    };
    (saved, reach, None)
}

/// How far this device's pushes of a workspace had reached, as read when a link starts.
#[derive(Debug, PartialEq, Eq)]
pub enum Reach {
    /// Up to these heads (a `Workspace::mark`).
    Mark(Vec<u8>),
    /// Nothing is known to have been offered under this secret: the whole document goes.
    Nothing,
    /// A state saved by a build without marks, which sent every change as it was made: taken
    /// as everything, as that build did, rather than every device offering its whole
    /// document once after the update. (This build writes a mark with every state.)
    Everything,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn state() -> Vec<u8> {
        SavedState::default().to_bytes()
    }

    const HEADS: [u8; 32] = [7; 32];

    #[test]
    fn the_whole_document_goes_unless_a_mark_of_this_secret_says_how_far_pushes_reached() {
        let mark = |epoch| Ok(Some(kept_mark(epoch, &HEADS)));
        let reach = |state, mark, legacy| read_reach(state, mark, legacy, 3).1;
        assert_eq!(
            reach(Ok(Some(state())), mark(3), Ok(false)),
            Reach::Mark(HEADS.to_vec())
        );
        // A mark of another secret, or one that cannot be read.
        assert_eq!(reach(Ok(Some(state())), mark(2), Ok(false)), Reach::Nothing);
        assert_eq!(
            reach(Ok(Some(state())), Ok(Some(vec![3])), Ok(false)),
            Reach::Nothing
        );
        assert_eq!(
            reach(Ok(Some(state())), Err("gone".into()), Ok(false)),
            Reach::Nothing
        );
        // No state (never shared here, or a new secret), or one that cannot be read: its
        // outbox is lost, whatever the mark says.
        assert_eq!(reach(Ok(None), mark(3), Ok(false)), Reach::Nothing);
        assert_eq!(
            reach(Err("busy".into()), mark(3), Ok(false)),
            Reach::Nothing
        );
        let (_, r, problem) = read_reach(Ok(Some(vec![1, 2, 3])), mark(3), Ok(false), 3);
        assert_eq!(r, Reach::Nothing);
        assert!(problem.is_some());
        // An older build's pending offer of the whole document.
        assert_eq!(reach(Ok(Some(state())), mark(3), Ok(true)), Reach::Nothing);
        assert_eq!(
            reach(Ok(Some(state())), mark(3), Err("x".into())),
            Reach::Nothing
        );
        // An outbox sealed under another secret (saved by a link still running with the old
        // one): its entries go, and with them whatever the mark says.
        let mut old = crate::ClientSession::new(
            crm_core::Id::from_bytes([42; 16]).to_string(),
            crate::WorkspaceSecret::new([1; 32], 2),
            [9; 16],
            SavedState::default(),
            0,
        );
        old.push("main", b"change", [5; 24]);
        let (saved, r, _) = read_reach(Ok(Some(old.saved().to_bytes())), mark(3), Ok(false), 3);
        assert_eq!((r, saved.outbox().len()), (Reach::Nothing, 0));
        // A state an older build saved, without a mark: that build sent as it went.
        assert_eq!(
            reach(Ok(Some(state())), Ok(None), Ok(false)),
            Reach::Everything
        );
    }
}
