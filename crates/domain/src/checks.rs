//! Reconciliation checks: the programme's own claims and ceilings against the sum of its
//! fiches, and fields the fiches leave out.
//!
//! The product reports what the data says: a check shows both values, the difference and
//! a verdict, and never adjusts a figure to match a claim.

use crate::call::Call;
use crate::money::Money;
use crate::programme::{ClaimSubject, EnvelopeKind, Programme};
use crate::project::Project;
use crate::vocabulary::Theme;
use serde::Serialize;

/// The unit of a checked figure.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "kebab-case")]
pub enum FigureUnit {
    /// A count of things (projects, partners, applications).
    Count,
    /// Euro cents.
    Cents,
}

/// What a check concludes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "kebab-case")]
pub enum Verdict {
    /// The two values agree (or the sum stays within its ceiling).
    Consistent,
    /// The two values differ.
    Discrepancy,
    /// A sum exceeds its ceiling.
    ExceedsCeiling,
    /// A field is missing from the source.
    Missing,
    /// The source gives nothing to check the claim against.
    NotVerifiable,
}

impl Verdict {
    /// French label.
    pub fn label(self) -> &'static str {
        match self {
            Verdict::Consistent => "Cohérent",
            Verdict::Discrepancy => "Écart",
            Verdict::ExceedsCeiling => "Plafond dépassé",
            Verdict::Missing => "Donnée manquante",
            Verdict::NotVerifiable => "Non vérifiable",
        }
    }

    /// True for the verdicts a reader must look at.
    pub fn is_problem(self) -> bool {
        matches!(self, Verdict::Discrepancy | Verdict::ExceedsCeiling | Verdict::Missing)
    }
}

/// One reconciliation check.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Check {
    /// Stable code, e.g. `claim-partners`, `ceiling-subsidy`, `missing-planned-budget:le-havre-smart-port-city`.
    pub code: String,
    /// French title.
    pub label: String,
    /// Unit of both values and of the difference.
    pub unit: FigureUnit,
    /// What the document claims, or the ceiling.
    pub reference: Option<i64>,
    /// French name of the reference (*Chiffre annoncé*, *Plafond de l'enveloppe*…).
    pub reference_label: String,
    /// French name of what it is compared with (*Selon les fiches*, *Somme des fiches*…).
    pub computed_label: String,
    /// What the fiches add up to; `None` when they give nothing.
    pub computed: Option<i64>,
    /// `computed − reference` when both are known.
    pub difference: Option<i64>,
    /// The conclusion.
    pub verdict: Verdict,
    /// Why, in French, with the source line when there is one.
    pub note: String,
}

impl Check {
    fn compare(code: &str, label: &str, unit: FigureUnit, reference: i64, computed: i64, note: String) -> Check {
        Check {
            code: code.into(),
            label: label.into(),
            unit,
            reference: Some(reference),
            reference_label: "Chiffre annoncé".into(),
            computed_label: "Selon les fiches".into(),
            computed: Some(computed),
            difference: computed.checked_sub(reference),
            verdict: if reference == computed {
                Verdict::Consistent
            } else {
                Verdict::Discrepancy
            },
            note,
        }
    }
}

fn checked_total(projects: &[Project], f: impl Fn(&Project) -> Money) -> Option<i64> {
    Money::sum(projects.iter().map(f)).map(Money::cents)
}

/// Runs every check on a programme and its projects, in a fixed order: the headline
/// claims, the envelopes against the total, the ceilings against the envelopes, the
/// local authorities within the partners, one check per call (projects linked to it
/// against its `selected` figure: code `call-selected:{slug}`), then one check per missing
/// field.
pub fn run(programme: &Programme, projects: &[Project]) -> Vec<Check> {
    let mut out = Vec::new();
    let n = projects.len() as i64;
    let cap = |k| programme.envelopes.iter().find(|e| e.kind == k).map(|e| e.cap.cents());
    for claim in &programme.headline_claims {
        let src = format!("Dossier de presse, ligne {} : « {} ».", claim.line, claim.raw);
        let check = match &claim.subject {
            ClaimSubject::Laureates => Check::compare(
                "claim-laureates",
                "Nombre de lauréats",
                FigureUnit::Count,
                claim.value,
                n,
                format!("{src} Comparé au nombre de fiches projet."),
            ),
            ClaimSubject::Partners => Check::compare(
                "claim-partners",
                "Nombre de partenaires",
                FigureUnit::Count,
                claim.value,
                projects.iter().map(|p| p.partners as i64).sum(),
                format!("{src} Comparé à la somme des partenaires des fiches (un partenaire de deux projets y compte deux fois)."),
            ),
            ClaimSubject::TotalAmount => {
                let envelopes: i64 = programme.envelopes.iter().map(|e| e.cap.cents()).sum();
                Check::compare(
                    "claim-total-amount",
                    "Montant total de l'action",
                    FigureUnit::Cents,
                    claim.value,
                    envelopes,
                    format!("{src} Comparé à la somme des plafonds des deux enveloppes."),
                )
            }
            ClaimSubject::SubsidyEnvelope | ClaimSubject::EquityEnvelope => {
                let (kind, code, label) = if claim.subject == ClaimSubject::SubsidyEnvelope {
                    (EnvelopeKind::Subsidy, "claim-subsidy-envelope", "Enveloppe de subventions")
                } else {
                    (EnvelopeKind::Equity, "claim-equity-envelope", "Enveloppe de fonds propres")
                };
                match cap(kind) {
                    Some(c) => Check {
                        computed_label: "Plafond décrit dans le texte".into(),
                        ..Check::compare(
                            code,
                            label,
                            FigureUnit::Cents,
                            claim.value,
                            c,
                            format!("{src} Comparé au plafond de l'enveloppe décrit dans le texte."),
                        )
                    },
                    None => not_verifiable(
                        code,
                        label,
                        FigureUnit::Cents,
                        claim.value,
                        format!("{src} Le programme n'a pas cette enveloppe."),
                    ),
                }
            }
            ClaimSubject::Applications => match programme.headline_claims.iter().find(|c| c.subject == ClaimSubject::Applications) {
                // The first statement of the number of applications cannot be checked
                // against the fiches; any later one is checked against the first.
                Some(first) if first.line != claim.line => {
                    // Say so when the figure is that of another call: a likely mix-up.
                    let other_call = programme
                        .calls
                        .iter()
                        .find(|call| {
                            call.kind != crate::programme::CallKind::CallForProjects && i64::from(call.applications) == claim.value
                        })
                        .map(|call| {
                            format!(
                                " C'est le nombre de candidats de l'{} de {}.",
                                call.kind.label().to_lowercase(),
                                call.year
                            )
                        })
                        .unwrap_or_default();
                    let mut c = Check::compare(
                        &format!("claim-applications:line-{}", claim.line),
                        "Nombre de candidats à l'appel à projets, repris dans le texte",
                        FigureUnit::Count,
                        claim.value,
                        first.value,
                        format!(
                            "{src} Comparé au chiffre clé de la ligne {} (« {} »).{other_call}",
                            first.line, first.raw
                        ),
                    );
                    c.reference_label = format!("Chiffre du texte (ligne {})", claim.line);
                    c.computed_label = format!("Chiffre clé (ligne {})", first.line);
                    c
                }
                _ => not_verifiable(
                    "claim-applications",
                    "Nombre de candidatures à l'appel à projets",
                    FigureUnit::Count,
                    claim.value,
                    format!("{src} Les fiches ne décrivent que les lauréats : les candidatures non retenues ne sont pas connues."),
                ),
            },
            ClaimSubject::ThemeCount(raw) => match Theme::parse(raw) {
                Some(theme) => {
                    let count = projects.iter().filter(|p| p.themes.contains(&theme)).count() as i64;
                    Check::compare(
                        &format!("claim-theme:{}", theme.code()),
                        &format!("Lauréats de la thématique « {raw} »"),
                        FigureUnit::Count,
                        claim.value,
                        count,
                        format!("{src} Comparé au nombre de fiches qui citent la thématique « {} ». Le dossier compte une thématique principale par projet (ses six chiffres font {}), que les fiches n'indiquent pas.", theme.label(), programme.headline_claims.iter().filter(|c| matches!(c.subject, ClaimSubject::ThemeCount(_))).map(|c| c.value).sum::<i64>()),
                    )
                }
                None => not_verifiable(
                    "claim-theme",
                    &format!("Lauréats de la thématique « {raw} »"),
                    FigureUnit::Count,
                    claim.value,
                    format!("{src} Thématique inconnue du vocabulaire."),
                ),
            },
            ClaimSubject::OtherProgrammeCount(raw) => not_verifiable(
                &format!("claim-other-programme:{}", crate::text::slugify(raw)),
                &format!("Lauréats relevant de « {raw} »"),
                FigureUnit::Count,
                claim.value,
                format!("{src} Les fiches n'indiquent pas l'appartenance à ce programme."),
            ),
        };
        out.push(check);
    }

    if let (Some(s), Some(e)) = (cap(EnvelopeKind::Subsidy), cap(EnvelopeKind::Equity)) {
        let total = programme.total_amount.cents();
        let mut c = Check::compare(
            "envelopes-total",
            "Enveloppes et montant total",
            FigureUnit::Cents,
            total,
            s + e,
            "Somme des plafonds des enveloppes de subventions et de fonds propres, comparée au montant total de l'action.".into(),
        );
        c.reference_label = "Montant total de l'action".into();
        c.computed_label = "Somme des enveloppes".into();
        out.push(c);
    }
    for (kind, code, label, field) in [
        (
            EnvelopeKind::Subsidy,
            "ceiling-subsidy",
            "Montants prévus de subvention et enveloppe de subventions",
            (|p: &Project| p.subsidy_ceiling) as fn(&Project) -> Money,
        ),
        (
            EnvelopeKind::Equity,
            "ceiling-equity",
            "Potentiels d'investissement et enveloppe de fonds propres",
            |p: &Project| p.investment_potential,
        ),
    ] {
        if let Some(cap) = cap(kind) {
            let computed = checked_total(projects, field);
            let verdict = match computed {
                Some(v) if v <= cap => Verdict::Consistent,
                _ => Verdict::ExceedsCeiling,
            };
            out.push(Check {
                code: code.into(),
                label: label.into(),
                unit: FigureUnit::Cents,
                reference: Some(cap),
                reference_label: "Plafond de l'enveloppe".into(),
                computed_label: "Somme des fiches".into(),
                computed,
                difference: computed.and_then(|v| v.checked_sub(cap)),
                verdict,
                note: format!("Somme des montants des {n} fiches comparée au plafond de l'enveloppe (« pouvant aller jusqu'à »). Un écart positif est un dépassement."),
            });
        }
    }

    let over: Vec<&str> = projects
        .iter()
        .filter(|p| p.local_authorities > p.partners)
        .map(|p| p.name.as_str())
        .collect();
    out.push(Check {
        code: "local-authorities-within-partners".into(),
        label: "Collectivités comptées parmi les partenaires".into(),
        unit: FigureUnit::Count,
        reference: Some(n),
        reference_label: "Fiches".into(),
        computed_label: "Fiches cohérentes".into(),
        computed: Some(n - over.len() as i64),
        difference: Some(-(over.len() as i64)),
        verdict: if over.is_empty() {
            Verdict::Consistent
        } else {
            Verdict::Discrepancy
        },
        note: if over.is_empty() {
            "Dans chaque fiche, le nombre de collectivités (« dont N collectivités ») ne dépasse pas le nombre de partenaires.".into()
        } else {
            format!(
                "Fiches qui comptent plus de collectivités que de partenaires : {}.",
                over.join(", ")
            )
        },
    });

    for call in &programme.calls {
        out.push(call_selected(call, projects));
    }

    for p in projects {
        if p.planned_budget.is_none() {
            out.push(Check {
                code: format!("missing-planned-budget:{}", p.slug),
                label: format!("Budget prévisionnel de « {} »", p.name),
                unit: FigureUnit::Cents,
                reference: None,
                reference_label: "Budget prévisionnel".into(),
                computed_label: "Selon la fiche".into(),
                computed: None,
                difference: None,
                verdict: Verdict::Missing,
                note: format!("La fiche (ligne {}) ne donne pas de budget prévisionnel : il est inconnu, pas nul, et n'entre pas dans la somme des budgets.", p.source.line),
            });
        }
    }
    out
}

/// The number of projects linked to `call` (their `call` field) against the number the
/// call selected. With no project linked, the check is not verifiable: the registry holds
/// the laureates' fiches, and the press kit names no project of the 2017 AMI.
fn call_selected(call: &Call, projects: &[Project]) -> Check {
    let code = format!("call-selected:{}", call.slug);
    let label = format!("Projets retenus par l'{} {}", call.kind.label().to_lowercase(), call.year);
    let linked = projects.iter().filter(|p| p.call.as_deref() == Some(call.slug.as_str())).count() as i64;
    let selected = i64::from(call.selected);
    if linked == 0 {
        let mut c = not_verifiable(
            &code,
            &label,
            FigureUnit::Count,
            selected,
            format!(
                "Aucune fiche n'est rattachée à l'appel « {} » : les {} projets retenus n'y sont pas nommés.",
                call.title, call.selected
            ),
        );
        c.reference_label = "Nombre retenu par l'appel".into();
        c.computed_label = "Fiches rattachées à l'appel".into();
        return c;
    }
    let mut c = Check::compare(
        &code,
        &label,
        FigureUnit::Count,
        selected,
        linked,
        format!(
            "Nombre de fiches rattachées à l'appel « {} », comparé au nombre de projets qu'il a retenus.",
            call.title
        ),
    );
    c.reference_label = "Nombre retenu par l'appel".into();
    c.computed_label = "Fiches rattachées à l'appel".into();
    c
}

fn not_verifiable(code: &str, label: &str, unit: FigureUnit, value: i64, note: String) -> Check {
    Check {
        code: code.into(),
        label: label.into(),
        unit,
        reference: Some(value),
        reference_label: "Chiffre annoncé".into(),
        computed_label: "Selon les fiches".into(),
        computed: None,
        difference: None,
        verdict: Verdict::NotVerifiable,
        note,
    }
}
