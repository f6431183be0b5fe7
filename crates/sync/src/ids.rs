//! Which workspace and document ids the protocol accepts.
//!
//! Ids are bound into envelope AAD byte for byte, so every id has exactly one accepted spelling:
//! two spellings of one id would name the same data but fail each other's authentication.

use crm_core::{Id, IdError};

/// Why a text is not a workspace id.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum WorkspaceIdError {
    #[error("the workspace id is not an id: {0}")]
    Invalid(#[from] IdError),
    #[error(
        "the workspace id must be written as 26 lowercase characters without the I, L or O aliases"
    )]
    NotCanonical,
}

/// Why a text is not a document id.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DocIdError {
    #[error("the document id is empty")]
    Empty,
    #[error("the document id is {len} bytes long; the limit is {max}")]
    TooLong { len: usize, max: usize },
    #[error("a document id may contain only a-z, 0-9, '-', '_' and '.', not {0:?}")]
    Character(char),
}

/// Checks that `text` is a workspace id in the spelling `crm_core::Id` prints.
pub fn check_workspace_id(text: &str) -> Result<Id, WorkspaceIdError> {
    let id: Id = text.parse()?;
    // `Id` also reads uppercase and Crockford's aliases, which would give one id two spellings.
    if id.to_string() != text {
        return Err(WorkspaceIdError::NotCanonical);
    }
    Ok(id)
}

/// Checks that `text` is a document id of at most `max_len` bytes.
pub fn check_doc_id(text: &str, max_len: usize) -> Result<(), DocIdError> {
    if text.is_empty() {
        return Err(DocIdError::Empty);
    }
    if text.len() > max_len {
        return Err(DocIdError::TooLong {
            len: text.len(),
            max: max_len,
        });
    }
    match text
        .chars()
        .find(|c| !matches!(c, 'a'..='z' | '0'..='9' | '-' | '_' | '.'))
    {
        Some(c) => Err(DocIdError::Character(c)),
        None => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn workspace_ids_have_one_spelling() {
        let id = Id::from_bytes([0xab; 16]).to_string();
        assert!(check_workspace_id(&id).is_ok());
        assert_eq!(
            check_workspace_id(&id.to_uppercase()),
            Err(WorkspaceIdError::NotCanonical)
        );
        let aliased = format!("{}o", &id[..25]);
        let zero = format!("{}0", &id[..25]);
        assert!(check_workspace_id(&zero).is_ok());
        assert_eq!(
            check_workspace_id(&aliased),
            Err(WorkspaceIdError::NotCanonical)
        );
        assert_eq!(
            check_workspace_id("short"),
            Err(WorkspaceIdError::Invalid(IdError::Length(5)))
        );
    }

    #[test]
    fn doc_ids_are_short_plain_ascii() {
        assert_eq!(check_doc_id("workspace", 64), Ok(()));
        assert_eq!(check_doc_id("a.b-c_9", 64), Ok(()));
        assert_eq!(check_doc_id("", 64), Err(DocIdError::Empty));
        assert_eq!(
            check_doc_id("abcdef", 5),
            Err(DocIdError::TooLong { len: 6, max: 5 })
        );
        assert_eq!(check_doc_id("A", 64), Err(DocIdError::Character('A')));
        assert_eq!(check_doc_id("a/b", 64), Err(DocIdError::Character('/')));
        assert_eq!(check_doc_id("é", 64), Err(DocIdError::Character('é')));
    }
}
