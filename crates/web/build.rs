//! Embeds every file under `assets/` into the binary: writes `$OUT_DIR/static_files.rs`, a
//! sorted table of `(relative path, include_bytes!(absolute path))`.

use std::path::{Path, PathBuf};

fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
    let mut entries: Vec<_> = std::fs::read_dir(dir)
        .expect("read assets dir")
        .map(|e| e.expect("dir entry").path())
        .collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            walk(&path, out);
        } else {
            out.push(path);
        }
    }
}

fn main() {
    let root = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").unwrap()).join("assets");
    println!("cargo:rerun-if-changed=assets");
    let mut files = Vec::new();
    walk(&root, &mut files);
    let mut code = String::from(
        "/// Embedded static files: (path relative to `assets/`, bytes), sorted by path.\npub static FILES: &[(&str, &[u8])] = &[\n",
    );
    for f in &files {
        let rel = f.strip_prefix(&root).unwrap().to_str().expect("utf-8 path").replace('\\', "/");
        if rel.ends_with("README.md") {
            continue;
        }
        code.push_str(&format!("    ({rel:?}, include_bytes!({:?})),\n", f.to_str().unwrap()));
    }
    code.push_str("];\n");
    let out = PathBuf::from(std::env::var("OUT_DIR").unwrap()).join("static_files.rs");
    std::fs::write(out, code).expect("write static_files.rs");
}
