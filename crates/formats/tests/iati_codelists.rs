//! Codelist conformance, driven by the official `codelists/mapping.xml`: every value at
//! each mapped XPath of the exports is an active code of its codelist
//! (`scripts/iati-codelists.py`, python3 + lxml). And the check can fail: a role of 99,
//! which the XSD lets through, is caught.

mod iati_support;

use iati_support::*;

#[test]
fn every_code_of_the_activity_file_is_in_its_codelist() {
    let file = temp_file("codes-activities.xml", &data().activities_xml());
    match codelist_check(&file) {
        Ok(summary) => {
            // 25 activities × (xml:lang, currency, status, …): hundreds of codes at least.
            let checked: usize = summary.split_whitespace().next().and_then(|n| n.parse().ok()).expect("a count");
            assert!(checked > 1000, "only {checked} codes checked");
        }
        Err(violations) => panic!("codes hors liste :\n{violations}"),
    }
}

#[test]
fn every_code_of_the_organisation_file_is_in_its_codelist() {
    let file = temp_file("codes-organisation.xml", &data().organisation_xml());
    if let Err(violations) = codelist_check(&file) {
        panic!("codes hors liste :\n{violations}");
    }
}

#[test]
fn a_wrong_role_passes_the_schema_but_not_the_codelist_check() {
    let xml = data().activities_xml().replacen("role=\"1\"", "role=\"99\"", 1);
    let file = temp_file("role-99.xml", &xml);
    assert!(
        xmllint(&schemas().join("iati-activities-schema.xsd"), &file).is_ok(),
        "the XSD does not check codes"
    );
    let violations = codelist_check(&file).expect_err("role 99 must be refused");
    assert!(violations.contains("OrganisationRole: code « 99 »"), "{violations}");
    assert_eq!(violations.matches("non conformes").count(), 1);
    assert!(violations.contains(", 1 non conformes"), "{violations}");
}

#[test]
fn unknown_and_withdrawn_finance_types_are_refused() {
    // 999 is in no list; 410 (Aid loan excluding debt reorganisation) is withdrawn from
    // FinanceType since 2.03's codelists.
    let xml = data().activities_xml();
    let unknown = temp_file(
        "finance-999.xml",
        &xml.replacen("<finance-type code=\"510\"/>", "<finance-type code=\"999\"/>", 1),
    );
    let violations = codelist_check(&unknown).expect_err("finance type 999 must be refused");
    assert!(violations.contains("FinanceType: code « 999 » absent"), "{violations}");
    let withdrawn = temp_file(
        "finance-410.xml",
        &xml.replacen("<finance-type code=\"510\"/>", "<finance-type code=\"410\"/>", 1),
    );
    let violations = codelist_check(&withdrawn).expect_err("finance type 410 must be refused");
    assert!(violations.contains("FinanceType: code retiré « 410 »"), "{violations}");
}
