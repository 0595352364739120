//! A running server picks up data imported by someone else, without a restart.

use std::sync::Arc;
use std::time::Duration;
use territoires_formats::press_kit::{parse, EMBEDDED, EMBEDDED_FILE};
use territoires_store::AbsentProjects;
use territoires_web::{serve, AppState};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

/// `GET path` over a plain HTTP/1.1 connection; the body.
async fn get(addr: std::net::SocketAddr, path: &str) -> String {
    let mut s = tokio::net::TcpStream::connect(addr).await.expect("connect");
    s.write_all(format!("GET {path} HTTP/1.1\r\nHost: test\r\nConnection: close\r\n\r\n").as_bytes())
        .await
        .unwrap();
    let mut buf = Vec::new();
    s.read_to_end(&mut buf).await.unwrap();
    let text = String::from_utf8_lossy(&buf).into_owned();
    text.split_once("\r\n\r\n").map(|(_, b)| b.to_owned()).unwrap_or(text)
}

#[tokio::test]
async fn a_new_import_is_served_without_a_restart() {
    let app = super::spawn_app().await;
    let registry = app.store.load_registry().await.unwrap().unwrap();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let state = AppState::new(Arc::new(registry), app.store.clone());
    let server = tokio::spawn(serve(listener, state, Some(Duration::from_millis(50))));

    // Biovallée: « 29 partenaires dont 3 collectivités » in the press kit.
    assert!(get(addr, "/api/v1/projects/biovallee").await.contains("\"partners\":29"));
    let edited = EMBEDDED.replacen("29 partenaires dont 3 collectivités", "31 partenaires dont 3 collectivités", 1);
    let kit = parse(&edited, EMBEDDED_FILE).unwrap();
    app.store
        .import(&kit.programme, &kit.projects, AbsentProjects::Refuse, "system")
        .await
        .unwrap();

    let mut served = String::new();
    for _ in 0..100 {
        served = get(addr, "/api/v1/projects/biovallee").await;
        if served.contains("\"partners\":31") {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert!(served.contains("\"partners\":31"), "still serving the old data: {served}");
    // The pre-rendered pages follow too: the fiche and the dashboard total (1 206 + 2).
    assert!(get(addr, "/projets/biovallee").await.contains("31 partenaires"));
    assert!(get(addr, "/").await.contains("1\u{202f}208"));
    server.abort();
}
