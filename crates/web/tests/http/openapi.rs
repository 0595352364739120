//! The OpenAPI document: served, and snapshot-tested against
//! `crates/web/tests/snapshots/openapi.json` (`UPDATE_SNAPSHOTS=1` rewrites the snapshot).

use crate::spawn_app;
use axum::http::StatusCode;
use std::path::PathBuf;

fn snapshot_path() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/snapshots/openapi.json")
}

#[test]
fn openapi_matches_the_snapshot() {
    let doc = territoires_web::openapi();
    let generated = format!("{}\n", serde_json::to_string_pretty(&doc).unwrap());
    let path = snapshot_path();
    if std::env::var("UPDATE_SNAPSHOTS").as_deref() == Ok("1") {
        std::fs::write(&path, &generated).unwrap();
        eprintln!("rewrote {}", path.display());
        return;
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    if committed != generated {
        let (a, b): (Vec<&str>, Vec<&str>) = (committed.lines().collect(), generated.lines().collect());
        let line = (0..a.len().max(b.len())).find(|&i| a.get(i) != b.get(i)).unwrap_or(0);
        panic!(
            "the OpenAPI document differs from {} (first difference at line {}):\n  snapshot:  {}\n  generated: {}\n\
             If the change is intended, run `UPDATE_SNAPSHOTS=1 cargo test -p territoires-web --test http openapi` and review `git diff {}`.",
            path.display(),
            line + 1,
            a.get(line).unwrap_or(&"<end of file>"),
            b.get(line).unwrap_or(&"<end of file>"),
            path.display()
        );
    }
}

#[test]
fn openapi_describes_every_route_and_cents() {
    let v = serde_json::to_value(territoires_web::openapi()).unwrap();
    assert_eq!(v["info"]["title"], "Territoires API");
    assert_eq!(v["info"]["version"], env!("CARGO_PKG_VERSION"));
    for path in [
        "/api/v1/programme",
        "/api/v1/projects",
        "/api/v1/projects/{slug}",
        "/api/v1/checks",
        "/api/v1/applications/{id}",
        "/api/v1/openapi.json",
        "/healthz",
        "/api/v1/programme-indicators",
        "/api/v1/impact",
        "/api/v1/impact/statements",
        "/api/v1/indicators",
        "/api/v1/indicators/{code}",
        "/api/v1/indicators/{code}/measurements",
        "/api/v1/measurements/{id}/events",
    ] {
        assert!(v["paths"][path]["get"].is_object(), "{path} documented");
    }
    for path in [
        "/api/v1/indicators/{code}/measurements",
        "/api/v1/measurements/{id}/correction",
        "/api/v1/measurements/{id}/review",
        "/api/v1/measurements/import",
    ] {
        assert!(v["paths"][path]["post"].is_object(), "POST {path} documented");
    }
    let mut refs = Vec::new();
    collect_refs(&v, &mut refs);
    for r in refs {
        let name = r
            .strip_prefix("#/components/schemas/")
            .unwrap_or_else(|| panic!("unexpected $ref {r}"));
        assert!(v["components"]["schemas"][name].is_object(), "$ref {r} does not resolve");
    }
    // The paging parameters say what the handler accepts: any integer ≥ 0 for `offset`
    // (2147483648 included, so not int32), 1 to 100 for `limit`.
    let params = v["paths"]["/api/v1/projects"]["get"]["parameters"].as_array().unwrap();
    let schema = |name: &str| params.iter().find(|p| p["name"] == name).unwrap()["schema"].clone();
    assert_eq!(schema("offset"), serde_json::json!({"type": "integer", "minimum": 0}));
    assert_eq!(
        schema("limit"),
        serde_json::json!({"type": "integer", "minimum": 1, "maximum": 100})
    );
    let money = v["components"]["schemas"]["Money"]["description"].as_str().unwrap_or_default();
    assert!(money.contains("cents"), "Money says it is cents: {money:?}");
}

fn collect_refs(v: &serde_json::Value, out: &mut Vec<String>) {
    match v {
        serde_json::Value::Object(m) => {
            if let Some(serde_json::Value::String(r)) = m.get("$ref") {
                out.push(r.clone());
            }
            m.values().for_each(|x| collect_refs(x, out));
        }
        serde_json::Value::Array(a) => a.iter().for_each(|x| collect_refs(x, out)),
        _ => {}
    }
}

#[tokio::test]
async fn openapi_is_served() {
    let app = spawn_app().await;
    let r = app.get("/api/v1/openapi.json").await;
    assert_eq!((r.status, r.content_type.as_str()), (StatusCode::OK, "application/json"));
    assert_eq!(r.json(), serde_json::to_value(territoires_web::openapi()).unwrap());
}
