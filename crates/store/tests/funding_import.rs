//! Agreements and payments imported from French spreadsheets (files as Excel fr writes
//! them: Windows-1252, `;`, CRLF) into the real programme (the press kit's 24 projects and
//! envelopes), on the backend named by `TEST_DATABASE_URL` (a fresh SQLite file when
//! unset): a valid file imports exactly, a bad row or a ceiling exceeded writes nothing
//! and names line and column, a dry run writes nothing, a re-import is refused.
//! Amounts worked out by hand, in cents.

use territoires_domain::funding::ledger::Caps;
use territoires_domain::{Money, Registry};
use territoires_formats::{agreements_sheet, payments_sheet, press_kit};
use territoires_store::testing::fresh_database_url;
use territoires_store::{AbsentProjects, Actor, AgreementImport, ImportSource, PaymentImport, Store};

const AGREEMENTS: &[u8] = include_bytes!("../../../data/exemples/conventions.csv");
const PAYMENTS: &[u8] = include_bytes!("../../../data/exemples/versements.csv");

async fn programme() -> (Store, Registry) {
    let url = fresh_database_url(std::env::var("TEST_DATABASE_URL").ok().as_deref())
        .await
        .expect("fresh database");
    let store = Store::connect(&url).await.expect("connect");
    let kit = press_kit::parse(press_kit::EMBEDDED, press_kit::EMBEDDED_FILE).unwrap();
    store
        .import(&kit.programme, &kit.projects, AbsentProjects::Refuse, "test")
        .await
        .unwrap();
    let registry = store.load_registry().await.unwrap().unwrap();
    (store, registry)
}

fn actor() -> Actor {
    Actor::cli("cli:test")
}

/// Imports an agreements file; the error as the user reads it.
async fn agreements(store: &Store, registry: &Registry, bytes: &[u8], dry_run: bool) -> Result<usize, String> {
    let file = agreements_sheet::parse(bytes, &registry.projects).map_err(|e| e.to_string())?;
    let rows: Vec<AgreementImport> = file
        .rows
        .iter()
        .map(|r| AgreementImport {
            line: r.line,
            project_slug: r.project_slug.clone(),
            planned_budget: r.planned_budget,
            draft: r.draft.clone(),
        })
        .collect();
    let source = ImportSource::new("conventions.csv", bytes);
    store
        .import_agreements(&rows, &source, &actor(), &Caps::from_registry(registry), dry_run)
        .await
        .map(|o| o.ids.len())
        .map_err(|e| file.locate(e.row, e.field.as_deref(), e.message()).to_string())
}

/// Imports a payments file; the error as the user reads it.
async fn payments(store: &Store, registry: &Registry, bytes: &[u8], dry_run: bool) -> Result<usize, String> {
    let file = payments_sheet::parse(bytes).map_err(|e| e.to_string())?;
    let rows: Vec<PaymentImport> = file
        .rows
        .iter()
        .map(|r| PaymentImport {
            line: r.line,
            reference: r.reference.clone(),
            tranche: r.tranche.clone(),
            amount: r.amount,
            paid_on: r.paid_on,
        })
        .collect();
    let source = ImportSource::new("versements.csv", bytes);
    store
        .import_payments(&rows, &source, &actor(), &Caps::from_registry(registry), dry_run)
        .await
        .map(|o| o.ids.len())
        .map_err(|e| file.locate(e.row, e.field.as_deref(), e.message()).to_string())
}

#[tokio::test]
async fn the_sample_files_import_exactly_once() {
    let (store, registry) = programme().await;
    // Dry runs first: everything checked, nothing written (not even the audit trail).
    let audit_before = store.audit_entries().await.unwrap().len();
    assert_eq!(agreements(&store, &registry, AGREEMENTS, true).await, Ok(2));
    assert!(store.agreements(None).await.unwrap().is_empty());
    assert_eq!(store.audit_entries().await.unwrap().len(), audit_before);

    assert_eq!(agreements(&store, &registry, AGREEMENTS, false).await, Ok(2));
    let all = store.agreements(None).await.unwrap();
    let dk = all.iter().find(|a| a.reference == "TI-DK-01").unwrap();
    assert_eq!(dk.project_slug, "dunkerque-l-energie-creative");
    assert_eq!(dk.beneficiary_siren.as_deref(), Some("180020026"));
    assert_eq!((dk.amount, dk.eligible_cost), (Money(123_456_790), Money(246_913_580)));
    let dk = store.agreement(dk.id).await.unwrap().unwrap();
    // 1 234 567,90 € in three: 411 522,64 € then twice 411 522,63 €.
    let tranches: Vec<i64> = dk.tranches.iter().map(|t| t.amount.0).collect();
    assert_eq!(tranches, [41_152_264, 41_152_263, 41_152_263]);
    assert_eq!(dk.balance.committed, Money(123_456_790));
    let bv = all.iter().find(|a| a.reference == "TI-BV-01").unwrap();
    let bv = store.agreement(bv.id).await.unwrap().unwrap();
    // 30 % and 70 % of 600 000 €.
    let tranches: Vec<i64> = bv.tranches.iter().map(|t| t.amount.0).collect();
    assert_eq!(tranches, [18_000_000, 42_000_000]);
    assert_eq!(bv.cofinancers.len(), 2);

    let audit = store.audit_entries().await.unwrap();
    let signed = audit
        .iter()
        .find(|e| e.action == "agreement.sign" && e.subject == format!("agreement:{}", bv.summary.id))
        .unwrap();
    assert_eq!(signed.actor, "cli:test");
    assert_eq!(signed.after["imported_from"]["file"], "conventions.csv");
    assert_eq!(signed.after["imported_from"]["line"], 3);
    assert!(audit.iter().any(|e| e.action == "import.agreements" && e.after["rows"] == 2));

    // Re-importing is refused on the first reference, and writes nothing more.
    let again = agreements(&store, &registry, AGREEMENTS, false).await.unwrap_err();
    assert!(again.starts_with("ligne 2, colonne A (Référence) : "), "{again}");
    assert!(again.contains("TI-DK-01"), "{again}");
    assert_eq!(store.agreements(None).await.unwrap().len(), 2);

    assert_eq!(payments(&store, &registry, PAYMENTS, true).await, Ok(3));
    assert!(store.agreement_disbursements(dk.summary.id).await.unwrap().is_empty());
    assert_eq!(payments(&store, &registry, PAYMENTS, false).await, Ok(3));
    let dk = store.agreement(dk.summary.id).await.unwrap().unwrap();
    let paid: Vec<i64> = dk.tranches.iter().map(|t| t.paid.0).collect();
    assert_eq!(paid, [41_152_264, 20_000_000, 0]);
    // 411 522,64 € + 200 000,00 €.
    assert_eq!(dk.balance.disbursed, Money(61_152_264));
    let ds = store.agreement_disbursements(dk.summary.id).await.unwrap();
    assert!(ds.iter().all(|d| d.status.code() == "paid" && d.ledger_seq.is_some()));
    let bv = store.agreement(bv.summary.id).await.unwrap().unwrap();
    assert_eq!(bv.balance.disbursed, Money(18_000_000));
    let again = payments(&store, &registry, PAYMENTS, false).await.unwrap_err();
    assert!(again.starts_with("ligne 2 : un versement de 411"), "{again}");
    assert!(again.contains("est déjà enregistré"), "{again}");
    assert_eq!(store.agreement_disbursements(dk.summary.id).await.unwrap().len(), 2);
    assert!(store.verify_audit().await.unwrap().is_intact());
}

#[tokio::test]
async fn one_bad_row_writes_nothing_and_is_named() {
    let (store, registry) = programme().await;
    // Line 3's SIREN has a wrong check digit (215 901 836 is right).
    let file = "référence;projet;objet;bénéficiaire;SIREN;montant;date de signature\r\n\
        TI-1;Biovallée;Objet;Biovallée;215901836;100 000 €;01/03/2021\r\n\
        TI-2;Biovallée;Objet;Biovallée;215901837;100 000 €;01/03/2021\r\n";
    let err = agreements(&store, &registry, file.as_bytes(), false).await.unwrap_err();
    assert!(err.starts_with("ligne 3, colonne E (SIREN) : "), "{err}");
    assert!(store.agreements(None).await.unwrap().is_empty());
}

#[tokio::test]
async fn a_ceiling_exceeded_by_the_file_is_refused_on_its_line() {
    let (store, registry) = programme().await;
    // Littoral+ may receive 1 900 000 € of subsidies: 1 000 000 € then 900 000,01 € is one
    // cent too many, on line 3; line 2 alone would pass, yet nothing is written.
    let file = "référence;projet;objet;bénéficiaire;montant;date de signature\r\n\
        TI-L-1;Littoral+;Objet;Région;1 000 000,00 €;01/03/2021\r\n\
        TI-L-2;littoral-plus;Objet;Région;900 000,01 €;02/03/2021\r\n";
    let err = agreements(&store, &registry, file.as_bytes(), true).await.unwrap_err();
    assert!(err.starts_with("ligne 3, colonne E (montant) : "), "{err}");
    let err = agreements(&store, &registry, file.as_bytes(), false).await.unwrap_err();
    assert!(err.starts_with("ligne 3, colonne E (montant) : "), "{err}");
    assert!(store.agreements(None).await.unwrap().is_empty());
    // 900 000,00 € fits exactly.
    let fits = file.replace("900 000,01", "900 000,00");
    assert_eq!(agreements(&store, &registry, fits.as_bytes(), false).await, Ok(2));
}

#[tokio::test]
async fn payments_beyond_a_tranche_or_unknown_are_named() {
    let (store, registry) = programme().await;
    assert_eq!(agreements(&store, &registry, AGREEMENTS, false).await, Ok(2));
    // TI-BV-01's first tranche is 180 000 €: two payments of 90 000 € fill it, a third cent
    // is too many (line 4); line 5 names a tranche that does not exist.
    let file = "convention;tranche;montant;date de paiement\r\n\
        TI-BV-01;1;90 000 €;01/09/2020\r\n\
        TI-BV-01;Tranche 1/2;90 000 €;02/09/2020\r\n\
        TI-BV-01;1;0,01 €;03/09/2020\r\n";
    let err = payments(&store, &registry, file.as_bytes(), false).await.unwrap_err();
    assert!(err.starts_with("ligne 4, colonne C (montant) : "), "{err}");
    let unknown = "convention;tranche;montant;date de paiement\r\nTI-BV-01;Solde;1 €;01/09/2020\r\nTI-XX;1;1 €;01/09/2020\r\n";
    let err = payments(&store, &registry, unknown.as_bytes(), false).await.unwrap_err();
    assert!(err.starts_with("ligne 2, colonne B (tranche) : "), "{err}");
    let before_signature = "convention;tranche;montant;date de paiement\r\nTI-BV-01;1;1 €;30/06/2020\r\n";
    let err = payments(&store, &registry, before_signature.as_bytes(), false).await.unwrap_err();
    assert!(err.starts_with("ligne 2, colonne D (date de paiement) : "), "{err}");
    let bv = store
        .agreements(None)
        .await
        .unwrap()
        .into_iter()
        .find(|a| a.reference == "TI-BV-01")
        .unwrap();
    assert!(store.agreement_disbursements(bv.id).await.unwrap().is_empty());
}
