//! The schemas vendored under `crates/formats/schemas/` are byte-identical to the official
//! reference copies in the team's `shared/reference/` folder, when that folder exists (it
//! sits beside the repository, or beside one of its parent folders). Without it the test
//! says so and checks nothing: a clone alone has only the vendored copies.

use std::path::{Path, PathBuf};

const FILES: [(&str, &str); 6] = [
    ("360giving", "360-giving-schema.json"),
    ("360giving", "360-giving-package-schema.json"),
    ("scdl-subventions", "schema.json"),
    ("scdl-subventions", "exemples/exemple_valide.csv"),
    ("scdl-subventions", "exemples/exemple_invalide_erreurs_cellules.csv"),
    ("scdl-subventions", "exemples/exemple_invalide_erreurs_colonnes.csv"),
];

/// `shared/reference` in the nearest ancestor of the crate that has one.
fn reference_dir() -> Option<PathBuf> {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .ancestors()
        .map(|a| a.join("shared").join("reference"))
        .find(|p| p.is_dir())
}

#[test]
fn vendored_schemas_are_byte_identical_to_the_reference() {
    let Some(reference) = reference_dir() else {
        eprintln!("shared/reference introuvable : comparaison des schémas vendus non faite");
        return;
    };
    let vendored = Path::new(env!("CARGO_MANIFEST_DIR")).join("schemas");
    for (format, file) in FILES {
        let ours = std::fs::read(vendored.join(format).join(file)).unwrap();
        let theirs = std::fs::read(reference.join(format).join(file))
            .unwrap_or_else(|e| panic!("{}: {e}", reference.join(format).join(file).display()));
        assert!(ours == theirs, "{format}/{file} differs from {}", reference.display());
    }
}
