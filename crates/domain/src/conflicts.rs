//! Conflicts of interest (*conflits d'intérêts*) of the committee's experts (issue 3 of the
//! project: « Experts declare conflicts of interest; an expert whose organisation is a
//! partner of an application can neither see nor score it »).
//!
//! An expert in conflict with an application ([`has_conflict`] answers `Some`) can
//! **neither see nor score** it: it is left out of their lists, and every page or endpoint
//! that reads or scores it for them answers *404 Not Found* — not *403* — so that the
//! application's existence is not revealed to them. This is record scoping, decided on
//! top of [`crate::access::allows`] (which lets every expert score in general).

use crate::application::ApplicationId;
use crate::text::fold;
use serde::{Deserialize, Serialize};

/// An organisation an expert belongs to (employer, board seat, …), as they declared it.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "kind", content = "value", rename_all = "kebab-case")]
pub enum OrganisationKey {
    /// A SIREN (9 digits; a 14-digit SIRET is read as the SIREN it starts with). Spaces
    /// are ignored.
    Siren(String),
    /// A name, compared after [`fold`] (accents, case, punctuation ignored).
    Name(String),
}

/// What [`has_conflict`] knows of an expert.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ExpertProfile {
    /// The organisations the expert belongs to.
    pub organisations: Vec<OrganisationKey>,
    /// The applications the expert declared a conflict with, whatever its ground.
    pub declared_conflicts: Vec<ApplicationId>,
}

/// An organisation taking part in an application: its lead (*chef de file*) or a partner.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Party {
    /// Its SIREN (or SIRET) when known; spaces are ignored.
    pub siren: Option<String>,
    /// Its name as written in the application.
    pub name: String,
}

/// What [`has_conflict`] knows of an application.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ApplicationParties {
    /// The application.
    pub application: ApplicationId,
    /// Every organisation taking part: the lead **and** the partners (the lead is a
    /// partner for conflict purposes; callers must include it).
    pub parties: Vec<Party>,
}

/// Why an expert is in conflict with an application.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum ConflictReason {
    /// The expert declared the conflict.
    #[error("conflit d'intérêts déclaré par l'expert")]
    Declared,
    /// The expert's organisation is a party, matched on its SIREN.
    #[error("l'organisation de l'expert (SIREN {siren}) est partenaire de la candidature : {party}")]
    PartnerSiren {
        /// The SIREN both share (9 digits).
        siren: String,
        /// The party's name as written in the application.
        party: String,
    },
    /// The expert's organisation is a party, matched on its folded name.
    #[error("l'organisation de l'expert est partenaire de la candidature : {party}")]
    PartnerName {
        /// The party's name as written in the application.
        party: String,
    },
}

/// The SIREN a written SIREN or SIRET stands for, as 9 digits: white space (including
/// no-break and narrow no-break spaces) removed; 9 digits are a SIREN, 14 digits a SIRET
/// whose first 9 are its SIREN; anything else is `None` and matches nothing. The check
/// digit is not verified here (that is parsing's job, at the edge): a matching typo still
/// flags a conflict, which errs on the safe side. Stored partner lists hold only SIRENs
/// checked by [`crate::siren::Siren::parse`].
fn siren_of(raw: &str) -> Option<String> {
    let compact = crate::siren::compact(raw);
    let digits = compact.bytes().all(|b| b.is_ascii_digit());
    (digits && matches!(compact.len(), 9 | 14)).then(|| compact[..9].to_owned())
}

/// Whether `expert` is in conflict with `application`, and why; `None` when not.
///
/// Checked in this order, first match answered:
/// 1. the expert declared a conflict with this application ([`ConflictReason::Declared`]);
/// 2. one of the expert's organisations is a party of the application: a SIREN equal to a
///    party's SIREN ([`ConflictReason::PartnerSiren`], SIRETs reduced to their SIREN), or
///    a name whose [`fold`] equals a party name's fold ([`ConflictReason::PartnerName`]).
///    A name that folds to nothing (blank, punctuation only) or a malformed SIREN matches
///    nothing, so an empty entry never puts an expert in conflict with everything.
///
/// Names are not matched against SIRENs and no fuzzy match is attempted: *Métropole de
/// Lyon* and *Grand Lyon* are different names. Experts should declare their SIREN.
///
/// A conflict means the expert can neither see nor score the application; callers answer
/// 404 (module docs).
pub fn has_conflict(expert: &ExpertProfile, application: &ApplicationParties) -> Option<ConflictReason> {
    if expert.declared_conflicts.contains(&application.application) {
        return Some(ConflictReason::Declared);
    }
    for key in &expert.organisations {
        match key {
            OrganisationKey::Siren(raw) => {
                let Some(siren) = siren_of(raw) else { continue };
                if let Some(p) = application
                    .parties
                    .iter()
                    .find(|p| p.siren.as_deref().and_then(siren_of).as_ref() == Some(&siren))
                {
                    return Some(ConflictReason::PartnerSiren {
                        siren,
                        party: p.name.clone(),
                    });
                }
            }
            OrganisationKey::Name(raw) => {
                let name = fold(raw);
                if name.is_empty() {
                    continue;
                }
                if let Some(p) = application.parties.iter().find(|p| fold(&p.name) == name) {
                    return Some(ConflictReason::PartnerName { party: p.name.clone() });
                }
            }
        }
    }
    None
}

/// Whether `expert` may see and score `application`: no conflict ([`has_conflict`] is
/// `None`). When `false`, answer 404.
pub fn may_see_and_score(expert: &ExpertProfile, application: &ApplicationParties) -> bool {
    has_conflict(expert, application).is_none()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn party(siren: Option<&str>, name: &str) -> Party {
        Party {
            siren: siren.map(str::to_owned),
            name: name.into(),
        }
    }

    fn application() -> ApplicationParties {
        ApplicationParties {
            application: ApplicationId(7),
            parties: vec![
                party(Some("200046977"), "Métropole de Lyon"),
                party(None, "Cœur d’Essonne Agglomération"),
                party(Some("  "), "Association Sans Siren"),
            ],
        }
    }

    fn expert(orgs: Vec<OrganisationKey>, declared: Vec<i64>) -> ExpertProfile {
        ExpertProfile {
            organisations: orgs,
            declared_conflicts: declared.into_iter().map(ApplicationId).collect(),
        }
    }

    #[test]
    fn a_declared_conflict_comes_first() {
        let e = expert(vec![OrganisationKey::Siren("200046977".into())], vec![3, 7]);
        assert_eq!(has_conflict(&e, &application()), Some(ConflictReason::Declared));
        let other = ApplicationParties {
            application: ApplicationId(8),
            parties: vec![],
        };
        assert_eq!(has_conflict(&e, &other), None);
    }

    #[test]
    fn siren_matches_exactly_ignoring_spaces_and_siret_suffix() {
        let by = |s: &str| expert(vec![OrganisationKey::Siren(s.into())], vec![]);
        let hit = Some(ConflictReason::PartnerSiren {
            siren: "200046977".into(),
            party: "Métropole de Lyon".into(),
        });
        assert_eq!(has_conflict(&by("200046977"), &application()), hit);
        assert_eq!(has_conflict(&by("200 046 977"), &application()), hit);
        // A SIRET of one of its establishments: SIREN 200046977 + NIC 00019.
        assert_eq!(has_conflict(&by("20004697700019"), &application()), hit);
        // One digit off, too short, not digits: no match.
        assert_eq!(has_conflict(&by("200046978"), &application()), None);
        assert_eq!(has_conflict(&by("20004697"), &application()), None);
        assert_eq!(has_conflict(&by("2000469770"), &application()), None);
        assert_eq!(has_conflict(&by("SIREN200046977"), &application()), None);
        // A blank SIREN on the expert's side never matches a blank one on the party's.
        assert_eq!(has_conflict(&by("  "), &application()), None);
    }

    #[test]
    fn names_match_after_folding() {
        let by = |s: &str| expert(vec![OrganisationKey::Name(s.into())], vec![]);
        let hit = Some(ConflictReason::PartnerName {
            party: "Cœur d’Essonne Agglomération".into(),
        });
        assert_eq!(has_conflict(&by("COEUR D'ESSONNE AGGLOMERATION"), &application()), hit);
        assert_eq!(has_conflict(&by("  cœur-d’essonne   agglomération "), &application()), hit);
        // Names are whole names, not substrings.
        assert_eq!(has_conflict(&by("Cœur d’Essonne"), &application()), None);
        assert_eq!(has_conflict(&by("Grand Lyon"), &application()), None);
        // A name folding to nothing matches nothing.
        assert_eq!(has_conflict(&by(" — "), &application()), None);
        let blank_party = ApplicationParties {
            application: ApplicationId(9),
            parties: vec![party(None, "")],
        };
        assert_eq!(has_conflict(&by("?"), &blank_party), None);
    }

    #[test]
    fn a_name_matches_a_party_known_by_siren_too() {
        let e = expert(vec![OrganisationKey::Name("metropole de lyon".into())], vec![]);
        assert_eq!(
            has_conflict(&e, &application()),
            Some(ConflictReason::PartnerName {
                party: "Métropole de Lyon".into()
            })
        );
        assert!(!may_see_and_score(&e, &application()));
    }

    #[test]
    fn an_expert_with_no_link_sees_and_scores() {
        let e = expert(
            vec![
                OrganisationKey::Siren("130 005 481".into()),
                OrganisationKey::Name("Université de Lille".into()),
            ],
            vec![1],
        );
        assert_eq!(has_conflict(&e, &application()), None);
        assert!(may_see_and_score(&e, &application()));
        assert!(may_see_and_score(&ExpertProfile::default(), &application()));
    }

    #[test]
    fn reasons_read_in_french() {
        let r = ConflictReason::PartnerSiren {
            siren: "200046977".into(),
            party: "Métropole de Lyon".into(),
        };
        assert_eq!(
            r.to_string(),
            "l'organisation de l'expert (SIREN 200046977) est partenaire de la candidature : Métropole de Lyon"
        );
        assert_eq!(ConflictReason::Declared.to_string(), "conflit d'intérêts déclaré par l'expert");
    }
}
