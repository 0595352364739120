//! A streamed download: the export's writer runs on a blocking thread and writes into a
//! [`ChannelWriter`], whose chunks of [`CHUNK`] bytes become the response body as they
//! come. A writer that fails mid-way ends the body with an error, so the client sees a
//! failed download (the connection is cut before the end of the chunked body), never a
//! truncated file that looks complete; the failure is logged.

use super::source::WriteFn;
use axum::body::{Body, Bytes};
use axum::http::{header, HeaderValue};
use axum::response::Response;
use std::io::{self, Write};
use territoires_formats::tables::TableError;
use tokio::sync::mpsc::Sender;

/// Size of a body chunk.
pub const CHUNK: usize = 64 * 1024;

type Item = Result<Bytes, io::Error>;

/// A [`Write`] that sends what is written, by chunks of [`CHUNK`] bytes, into a channel.
/// Must be used off the async runtime's threads (it blocks while the channel is full).
pub struct ChannelWriter {
    tx: Sender<Item>,
    buf: Vec<u8>,
}

impl ChannelWriter {
    fn send(&mut self) -> io::Result<()> {
        if self.buf.is_empty() {
            return Ok(());
        }
        let chunk = Bytes::from(std::mem::replace(&mut self.buf, Vec::with_capacity(CHUNK)));
        self.tx
            .blocking_send(Ok(chunk))
            .map_err(|_| io::Error::new(io::ErrorKind::BrokenPipe, "le client a interrompu le téléchargement"))
    }
}

impl Write for ChannelWriter {
    fn write(&mut self, data: &[u8]) -> io::Result<usize> {
        self.buf.extend_from_slice(data);
        if self.buf.len() >= CHUNK {
            self.send()?;
        }
        Ok(data.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        self.send()
    }
}

/// The response streaming what `write` writes, as the attachment `file_name` of type
/// `media_type`.
pub fn streamed(file_name: String, media_type: &'static str, write: WriteFn) -> Response {
    let (tx, mut rx) = tokio::sync::mpsc::channel::<Item>(4);
    let name = file_name.clone();
    tokio::task::spawn_blocking(move || {
        let mut out = ChannelWriter {
            tx: tx.clone(),
            buf: Vec::with_capacity(CHUNK),
        };
        match write(&mut out).and_then(|()| out.flush().map_err(TableError::Io)) {
            Ok(()) => {}
            Err(TableError::Io(e)) if e.kind() == io::ErrorKind::BrokenPipe => {
                tracing::info!(file = %name, "export interrompu par le client");
            }
            Err(e) => {
                tracing::error!(file = %name, error = %e, "export interrompu");
                let _ = tx.blocking_send(Err(io::Error::other(e.to_string())));
            }
        }
    });
    let body = futures_util::stream::poll_fn(move |cx| rx.poll_recv(cx));
    let mut res = Response::new(Body::from_stream(body));
    let h = res.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static(media_type));
    if let Ok(v) = HeaderValue::from_str(&format!("attachment; filename=\"{file_name}\"")) {
        h.insert(header::CONTENT_DISPOSITION, v);
    }
    res
}

#[cfg(test)]
mod tests {
    use super::*;
    use http_body_util::BodyExt;

    #[tokio::test]
    async fn a_whole_export_arrives_in_chunks() {
        let big = vec![b'a'; CHUNK * 2 + 10];
        let expected = big.clone();
        let res = streamed(
            "x.csv".into(),
            "text/csv; charset=utf-8",
            Box::new(move |out| Ok(out.write_all(&big)?)),
        );
        assert_eq!(res.headers()[header::CONTENT_DISPOSITION], "attachment; filename=\"x.csv\"");
        let body = res.into_body().collect().await.expect("a complete body").to_bytes();
        assert_eq!(body.as_ref(), expected.as_slice());
    }

    #[tokio::test]
    async fn a_failing_writer_aborts_the_body() {
        let res = streamed(
            "x.json".into(),
            "application/json",
            Box::new(|out| {
                out.write_all(&vec![b'['; CHUNK + 1])?;
                Err(TableError::Source("connexion perdue".into()))
            }),
        );
        let err = res.into_body().collect().await.expect_err("the body must fail, not end cleanly");
        assert!(err.to_string().contains("connexion perdue"), "{err}");
    }
}
