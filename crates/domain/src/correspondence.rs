//! Messages (*messagerie*) between the reviewers and the applicant of an application,
//! and private reviewer notes (*notes internes*) (issue 3).
//!
//! - A message is read and written by the applicant (their own application) and by the
//!   reviewers — instructors and programme managers; the operator's administrator reads
//!   the thread too. Experts and partners neither read nor write it.
//! - A note is read and written only by instructors, programme managers and the
//!   operator's administrator: never by the applicant, nor by anyone else.
//!
//! Both are texts of 1 to [`MAX_TEXT_CHARS`] characters ([`parse_text`]).

use crate::access::{allows, Action, Role};

/// Longest message or note, in characters.
pub const MAX_TEXT_CHARS: usize = 5000;

/// Why a text was refused (French message naming the field).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TextError {
    /// Nothing but spaces.
    #[error("Le texte est vide.")]
    Empty,
    /// Longer than [`MAX_TEXT_CHARS`]: the length in characters.
    #[error("Le texte compte {0} caractères : la limite est de 5000.")]
    TooLong(usize),
}

/// `raw` trimmed, with `\r\n` made `\n` and other control characters than line feed and
/// tab removed. Errors: [`TextError::Empty`], [`TextError::TooLong`].
pub fn parse_text(raw: &str) -> Result<String, TextError> {
    let text: String = raw
        .replace("\r\n", "\n")
        .chars()
        .filter(|c| !c.is_control() || matches!(c, '\n' | '\t'))
        .collect();
    let text = text.trim();
    let n = text.chars().count();
    if n == 0 {
        Err(TextError::Empty)
    } else if n > MAX_TEXT_CHARS {
        Err(TextError::TooLong(n))
    } else {
        Ok(text.to_owned())
    }
}

/// Whether `role` reviews (instructor, programme manager).
fn reviews(role: Role) -> bool {
    allows(role, Action::Review)
}

/// Whether an account of `role` may write a message on an application it can see;
/// `is_applicant`: the account created the application.
pub fn may_write_message(role: Role, is_applicant: bool) -> bool {
    reviews(role) || (is_applicant && allows(role, Action::Apply))
}

/// Whether an account of `role` may read the messages of an application it can see.
pub fn may_read_messages(role: Role, is_applicant: bool) -> bool {
    may_write_message(role, is_applicant) || role == Role::OperatorAdmin
}

/// Whether `role` may read and write private reviewer notes.
pub fn may_use_notes(role: Role) -> bool {
    reviews(role) || allows(role, Action::Decide)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn texts_are_trimmed_and_bounded() {
        assert_eq!(parse_text("  Bonjour,\r\nmerci.\u{7}  "), Ok("Bonjour,\nmerci.".to_owned()));
        assert_eq!(parse_text(" \n\t "), Err(TextError::Empty));
        assert_eq!(parse_text(&"é".repeat(5000)).map(|t| t.chars().count()), Ok(5000));
        assert_eq!(parse_text(&"é".repeat(5001)), Err(TextError::TooLong(5001)));
    }

    #[test]
    fn who_writes_and_reads_messages() {
        use Role::*;
        let writers: Vec<Role> = Role::ALL.into_iter().filter(|r| may_write_message(*r, false)).collect();
        assert_eq!(writers, [ProgrammeManager, Instructor]);
        assert!(may_write_message(ProjectLead, true));
        assert!(!may_write_message(ProjectLead, false));
        assert!(!may_write_message(Expert, true) && !may_write_message(Partner, true));
        let readers: Vec<Role> = Role::ALL.into_iter().filter(|r| may_read_messages(*r, false)).collect();
        assert_eq!(readers, [OperatorAdmin, ProgrammeManager, Instructor]);
    }

    #[test]
    fn notes_are_for_reviewers_only() {
        let who: Vec<Role> = Role::ALL.into_iter().filter(|r| may_use_notes(*r)).collect();
        assert_eq!(who, [Role::OperatorAdmin, Role::ProgrammeManager, Role::Instructor]);
    }
}
