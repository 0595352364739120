//! The DSFR files (see `assets/dsfr/README.md`), embedded in the binary by `build.rs` and
//! served under `/static/dsfr-{DSFR_VERSION}/…` with a one-year immutable cache: the
//! version in the path changes when the files do.

use axum::{
    body::Body,
    extract::Path,
    http::{header, HeaderValue, StatusCode},
    response::{IntoResponse, Response},
};

mod embedded {
    include!(concat!(env!("OUT_DIR"), "/static_files.rs"));
}

/// The vendored DSFR version (npm `@gouvfr/dsfr`).
pub const DSFR_VERSION: &str = "1.15.3";
/// URL prefix of the DSFR files, used by the templates.
pub const DSFR_PREFIX: &str = "/static/dsfr-1.15.3";
/// The route serving them.
pub const ROUTE: &str = "/static/dsfr-1.15.3/{*path}";

const IMMUTABLE: HeaderValue = HeaderValue::from_static("public, max-age=31536000, immutable");

/// The embedded file at `path` (relative to `assets/dsfr/`), if any.
pub fn file(path: &str) -> Option<&'static [u8]> {
    embedded::FILES
        .iter()
        .find(|(p, _)| p.strip_prefix("dsfr/") == Some(path))
        .map(|(_, b)| *b)
}

/// Content type from the file extension.
fn content_type(path: &str) -> &'static str {
    match path.rsplit_once('.').map(|(_, ext)| ext) {
        Some("css") => "text/css; charset=utf-8",
        Some("js") => "text/javascript; charset=utf-8",
        Some("woff2") => "font/woff2",
        Some("svg") => "image/svg+xml",
        Some("md") => "text/markdown; charset=utf-8",
        _ => "application/octet-stream",
    }
}

/// `GET /static/dsfr-1.15.3/{*path}`: the file, or 404.
pub async fn serve(Path(path): Path<String>) -> Response {
    match file(&path) {
        Some(bytes) => {
            let mut res = Response::new(Body::from(bytes));
            let h = res.headers_mut();
            h.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type(&path)));
            h.insert(header::CACHE_CONTROL, IMMUTABLE);
            res
        }
        None => (
            StatusCode::NOT_FOUND,
            [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
            "Fichier introuvable",
        )
            .into_response(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prefix_matches_version() {
        assert_eq!(DSFR_PREFIX, format!("/static/dsfr-{DSFR_VERSION}"));
        assert_eq!(ROUTE, format!("{DSFR_PREFIX}/{{*path}}"));
    }

    #[test]
    fn stylesheet_urls_resolve_to_embedded_files() {
        let css = std::str::from_utf8(file("dsfr.min.css").expect("css embedded")).unwrap();
        let mut n = 0;
        for part in css.split("url(").skip(1) {
            let url = part.split(')').next().unwrap().trim_matches(|c| c == '"' || c == '\'');
            if url.starts_with("data:") || url.ends_with(".woff") {
                continue; // inline, or the woff fallback after woff2 (not shipped)
            }
            assert!(file(url).is_some(), "dsfr.min.css references {url}, not embedded");
            n += 1;
        }
        assert!(n > 20, "expected fonts and icons, found {n} urls");
        assert!(file("dsfr.module.min.js").is_some() && file("dsfr.nomodule.min.js").is_some());
    }
}
