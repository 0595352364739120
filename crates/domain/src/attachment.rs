//! Attachments (*pièces jointes*) of an application: the limits and the checks a file
//! passes before it is stored (issue 3, « attachments stored safely »).
//!
//! - At most [`MAX_BYTES`] (10 MiB) per file and [`MAX_FILES`] (20) per application.
//! - The type is decided by the file's **content** (its magic bytes), and must agree with
//!   the extension of its name: a `rapport.pdf` that is really HTML or an executable is
//!   refused. Accepted: PDF, PNG, JPEG, OpenDocument text/spreadsheet and OOXML
//!   (Word/Excel) — zip containers —, and UTF-8 text (`.csv`, `.txt`). See [`detect`].
//! - The name shown and sent back on download is [`sanitize_name`]d: never a path, never a
//!   control or reserved character, at most [`MAX_NAME_CHARS`] characters, never empty.
//!   Storage never uses it as a path.
//! - The SHA-256 of the content ([`sha256_hex`]) is recorded and audited.
//!
//! A lead adds or removes files only while the application is theirs to edit
//! ([`editable`]: draft or returned for completion).

use crate::application::ApplicationStatus;
use sha2::{Digest, Sha256};
use unicode_normalization::UnicodeNormalization;

/// Largest file accepted: 10 MiB (10 × 1024 × 1024 = 10 485 760 bytes). Enough for a
/// scanned signed letter or a budget spreadsheet; larger documents are split.
pub const MAX_BYTES: usize = 10 * 1024 * 1024;

/// Most files one application may carry.
pub const MAX_FILES: usize = 20;

/// Longest stored file name, in characters (extension included).
pub const MAX_NAME_CHARS: usize = 120;

/// The name used when sanitising leaves nothing (`..`, `???`).
const FALLBACK_NAME: &str = "piece-jointe";

/// A file type the platform accepts, decided by [`detect`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileKind {
    /// PDF (`%PDF-`), `.pdf`.
    Pdf,
    /// PNG image (`\x89PNG\r\n\x1a\n`), `.png`.
    Png,
    /// JPEG image (`FF D8 FF`), `.jpg` or `.jpeg`.
    Jpeg,
    /// OpenDocument text (zip `PK\x03\x04`), `.odt`.
    Odt,
    /// OpenDocument spreadsheet (zip), `.ods`.
    Ods,
    /// Office Open XML document (zip), `.docx`.
    Docx,
    /// Office Open XML workbook (zip), `.xlsx`.
    Xlsx,
    /// Comma-separated values, UTF-8 text, `.csv`.
    Csv,
    /// Plain UTF-8 text, `.txt`.
    Text,
}

impl FileKind {
    /// The media type sent back as `Content-Type` on download.
    pub fn media_type(self) -> &'static str {
        match self {
            FileKind::Pdf => "application/pdf",
            FileKind::Png => "image/png",
            FileKind::Jpeg => "image/jpeg",
            FileKind::Odt => "application/vnd.oasis.opendocument.text",
            FileKind::Ods => "application/vnd.oasis.opendocument.spreadsheet",
            FileKind::Docx => "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            FileKind::Xlsx => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            FileKind::Csv => "text/csv; charset=utf-8",
            FileKind::Text => "text/plain; charset=utf-8",
        }
    }

    /// The kind an extension (lower-case, without the dot) announces.
    fn of_extension(ext: &str) -> Option<FileKind> {
        Some(match ext {
            "pdf" => FileKind::Pdf,
            "png" => FileKind::Png,
            "jpg" | "jpeg" => FileKind::Jpeg,
            "odt" => FileKind::Odt,
            "ods" => FileKind::Ods,
            "docx" => FileKind::Docx,
            "xlsx" => FileKind::Xlsx,
            "csv" => FileKind::Csv,
            "txt" => FileKind::Text,
            _ => return None,
        })
    }
}

/// Why a file was refused; the message (French) names the file and what to do.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AttachmentError {
    /// The file is empty.
    #[error("Le fichier « {0} » est vide.")]
    Empty(String),
    /// Larger than [`MAX_BYTES`]: the name and the size in bytes.
    #[error("Le fichier « {0} » pèse {1} octets : la limite est de 10 Mio (10 485 760 octets) par fichier.")]
    TooLarge(String, usize),
    /// The application already carries [`MAX_FILES`] files.
    #[error("Une candidature porte au plus 20 pièces jointes : supprimez-en une avant d'en ajouter une autre.")]
    TooMany,
    /// The extension is not one of the accepted types (the name).
    #[error("Le fichier « {0} » n'est pas d'un type accepté : PDF, PNG, JPEG, ODT, ODS, DOCX, XLSX, CSV ou TXT.")]
    UnsupportedType(String),
    /// The content does not match the extension (the name): an HTML page or a program
    /// renamed `.pdf`, for instance.
    #[error("Le contenu du fichier « {0} » ne correspond pas à son extension : le fichier est refusé.")]
    ContentMismatch(String),
}

/// Whether the applicant may add or remove attachments in `status`: while the
/// application is a draft or has been returned for completion (issue 3).
pub fn editable(status: ApplicationStatus) -> bool {
    matches!(status, ApplicationStatus::Draft | ApplicationStatus::ReturnedForCompletion)
}

/// Characters removed from names: reserved on Windows or in paths.
const RESERVED: &[char] = &['/', '\\', ':', '*', '?', '"', '<', '>', '|'];

/// Invisible characters that reorder or hide text (`U+202E` makes `exe.pdf` read
/// `fdp.exe`): removed from names.
fn is_invisible_format(c: char) -> bool {
    matches!(c, '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2060}'..='\u{2069}' | '\u{FEFF}')
}

/// The display name of an uploaded file named `raw` by the client: the last path
/// component (after `/` or `\`: `../../etc/passwd.pdf` → `passwd.pdf`,
/// `C:\x\y.pdf` → `y.pdf`), in Unicode NFC, without control characters, invisible
/// formatting characters or `/ \ : * ? " < > |`, trimmed of spaces and leading dots, cut
/// to [`MAX_NAME_CHARS`] characters keeping the extension, and `piece-jointe` when
/// nothing is left.
pub fn sanitize_name(raw: &str) -> String {
    let last = raw.rsplit(['/', '\\']).next().unwrap_or_default();
    let cleaned: String = last
        .nfc()
        .filter(|c| !c.is_control() && !RESERVED.contains(c) && !is_invisible_format(*c))
        .collect();
    let name = cleaned.trim().trim_start_matches('.').trim();
    if name.is_empty() {
        return FALLBACK_NAME.to_owned();
    }
    if name.chars().count() <= MAX_NAME_CHARS {
        return name.to_owned();
    }
    // Keep a short extension (≤ 10 characters) and cut the stem.
    let (stem, ext) = match name.rsplit_once('.') {
        Some((s, e)) if !s.is_empty() && e.chars().count() <= 10 => (s, format!(".{e}")),
        _ => (name, String::new()),
    };
    let keep = MAX_NAME_CHARS - ext.chars().count();
    let stem: String = stem.chars().take(keep).collect();
    format!("{}{ext}", stem.trim_end())
}

/// The lower-case extension of `name` (after its last dot), if any.
fn extension(name: &str) -> Option<String> {
    name.rsplit_once('.').map(|(_, e)| e.to_lowercase()).filter(|e| !e.is_empty())
}

/// Whether `bytes` is UTF-8 text (a byte-order mark allowed) without NUL nor other
/// control characters than tab, line feed, carriage return and form feed.
fn is_plain_text(bytes: &[u8]) -> bool {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    match std::str::from_utf8(bytes) {
        Ok(s) => s.chars().all(|c| !c.is_control() || matches!(c, '\t' | '\n' | '\r' | '\u{0C}')),
        Err(_) => false,
    }
}

/// The kind of the file `name` (already [sanitised](sanitize_name)) with content
/// `bytes`, when both its extension and its magic bytes say the same accepted type.
///
/// Errors: [`AttachmentError::Empty`], [`AttachmentError::TooLarge`] (over
/// [`MAX_BYTES`]), [`AttachmentError::UnsupportedType`] (no or unknown extension),
/// [`AttachmentError::ContentMismatch`] (the content is not what the extension says).
/// The zip formats are recognised by the zip signature only: their inner structure is not
/// inspected (a download is always an attachment with `nosniff`, never rendered inline).
pub fn detect(name: &str, bytes: &[u8]) -> Result<FileKind, AttachmentError> {
    if bytes.is_empty() {
        return Err(AttachmentError::Empty(name.to_owned()));
    }
    if bytes.len() > MAX_BYTES {
        return Err(AttachmentError::TooLarge(name.to_owned(), bytes.len()));
    }
    let kind = extension(name)
        .and_then(|e| FileKind::of_extension(&e))
        .ok_or_else(|| AttachmentError::UnsupportedType(name.to_owned()))?;
    let matches = match kind {
        FileKind::Pdf => bytes.starts_with(b"%PDF-"),
        FileKind::Png => bytes.starts_with(b"\x89PNG\r\n\x1a\n"),
        FileKind::Jpeg => bytes.starts_with(b"\xFF\xD8\xFF"),
        FileKind::Odt | FileKind::Ods | FileKind::Docx | FileKind::Xlsx => bytes.starts_with(b"PK\x03\x04"),
        FileKind::Csv | FileKind::Text => is_plain_text(bytes),
    };
    if matches {
        Ok(kind)
    } else {
        Err(AttachmentError::ContentMismatch(name.to_owned()))
    }
}

/// A file that passed every check of this module, ready to store: built only by
/// [`CheckedFile::parse`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckedFile {
    name: String,
    kind: FileKind,
    sha256: String,
    bytes: Vec<u8>,
}

impl CheckedFile {
    /// The file named `raw_name` by the client with content `bytes`: its name
    /// [sanitised](sanitize_name), its kind [detected](detect), its SHA-256 computed.
    /// Errors: those of [`detect`] (the message names the sanitised name).
    pub fn parse(raw_name: &str, bytes: Vec<u8>) -> Result<CheckedFile, AttachmentError> {
        let name = sanitize_name(raw_name);
        let kind = detect(&name, &bytes)?;
        Ok(CheckedFile {
            sha256: sha256_hex(&bytes),
            name,
            kind,
            bytes,
        })
    }

    /// The sanitised display name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The detected kind.
    pub fn kind(&self) -> FileKind {
        self.kind
    }

    /// SHA-256 of the content, 64 lower-case hexadecimal digits.
    pub fn sha256(&self) -> &str {
        &self.sha256
    }

    /// The content.
    pub fn bytes(&self) -> &[u8] {
        &self.bytes
    }
}

/// SHA-256 of `bytes`, 64 lower-case hexadecimal digits (FIPS 180-4).
pub fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes).iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_lose_their_path_and_reserved_characters() {
        assert_eq!(sanitize_name("../../etc/passwd.pdf"), "passwd.pdf");
        assert_eq!(sanitize_name("C:\\x\\y.pdf"), "y.pdf");
        assert_eq!(sanitize_name("bud<g>et: \"2019\" v*2?|.xlsx"), "budget 2019 v2.xlsx");
        assert_eq!(sanitize_name("a\u{0}b\nc\u{7f}.txt"), "abc.txt");
        // U+202E would display « rapport\u{202E}fdp.exe » as « rapportexe.pdf ».
        assert_eq!(sanitize_name("rapport\u{202E}fdp.exe"), "rapportfdp.exe");
        assert_eq!(sanitize_name("  .htaccess "), "htaccess");
        // « é » typed as e + combining acute (NFD) is stored composed (NFC).
        assert_eq!(sanitize_name("re\u{301}sume\u{301}.pdf"), "r\u{e9}sum\u{e9}.pdf");
    }

    #[test]
    fn names_are_never_empty() {
        for raw in ["", "   ", "..", "../", "dir/", "???", "\u{0}\u{1}", "C:\\"] {
            assert_eq!(sanitize_name(raw), "piece-jointe", "{raw:?}");
        }
    }

    #[test]
    fn long_names_are_cut_to_120_characters_keeping_the_extension() {
        let long = format!("{}.pdf", "é".repeat(300));
        let name = sanitize_name(&long);
        assert_eq!(name.chars().count(), 120);
        // 116 « é » + « .pdf ».
        assert_eq!(name, format!("{}.pdf", "é".repeat(116)));
        let exact = format!("{}.pdf", "a".repeat(116));
        assert_eq!(sanitize_name(&exact), exact);
    }

    #[test]
    fn types_are_decided_by_content_and_extension_together() {
        assert_eq!(detect("dossier.pdf", b"%PDF-1.7\n..."), Ok(FileKind::Pdf));
        assert_eq!(detect("DOSSIER.PDF", b"%PDF-1.4"), Ok(FileKind::Pdf));
        assert_eq!(detect("plan.png", b"\x89PNG\r\n\x1a\n\0\0"), Ok(FileKind::Png));
        assert_eq!(detect("photo.jpeg", b"\xFF\xD8\xFF\xE0"), Ok(FileKind::Jpeg));
        assert_eq!(detect("photo.jpg", b"\xFF\xD8\xFF\xE1"), Ok(FileKind::Jpeg));
        for (name, kind) in [
            ("note.odt", FileKind::Odt),
            ("budget.ods", FileKind::Ods),
            ("lettre.docx", FileKind::Docx),
            ("budget.xlsx", FileKind::Xlsx),
        ] {
            assert_eq!(detect(name, b"PK\x03\x04\x14\0"), Ok(kind), "{name}");
        }
        assert_eq!(
            detect("indicateurs.csv", "commune;habitants\r\nDie;4 500\r\n".as_bytes()),
            Ok(FileKind::Csv)
        );
        assert_eq!(detect("lisez-moi.txt", b"\xEF\xBB\xBFBonjour\tvous\n"), Ok(FileKind::Text));
        assert_eq!(
            FileKind::Xlsx.media_type(),
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        );
    }

    #[test]
    fn a_renamed_page_or_program_is_refused() {
        let mismatch = |n: &str| Err(AttachmentError::ContentMismatch(n.to_owned()));
        assert_eq!(detect("evil.pdf", b"<html><script>alert(1)</script>"), mismatch("evil.pdf"));
        assert_eq!(detect("evil.pdf", b"MZ\x90\0\x03\0\0\0"), mismatch("evil.pdf"));
        assert_eq!(detect("evil.png", b"%PDF-1.7"), mismatch("evil.png"));
        assert_eq!(detect("evil.docx", b"%PDF-1.7"), mismatch("evil.docx"));
        // Text must be UTF-8 without NUL or other control bytes.
        assert_eq!(detect("data.csv", b"a;b\n\xFF\xFE"), mismatch("data.csv"));
        assert_eq!(detect("data.txt", b"MZ\0\0"), mismatch("data.txt"));
        // A zip is only accepted under an office extension.
        let unsupported = |n: &str| Err(AttachmentError::UnsupportedType(n.to_owned()));
        assert_eq!(detect("archive.zip", b"PK\x03\x04"), unsupported("archive.zip"));
        assert_eq!(detect("page.html", b"<html>"), unsupported("page.html"));
        assert_eq!(detect("setup.exe", b"MZ"), unsupported("setup.exe"));
        assert_eq!(detect("sans-extension", b"%PDF-"), unsupported("sans-extension"));
    }

    #[test]
    fn sizes_are_bounded() {
        assert_eq!(MAX_BYTES, 10_485_760);
        let mut at_limit = b"%PDF-".to_vec();
        at_limit.resize(MAX_BYTES, b' ');
        assert_eq!(detect("a.pdf", &at_limit), Ok(FileKind::Pdf));
        at_limit.push(b' ');
        assert_eq!(
            detect("a.pdf", &at_limit),
            Err(AttachmentError::TooLarge("a.pdf".into(), 10_485_761))
        );
        assert_eq!(detect("a.pdf", b""), Err(AttachmentError::Empty("a.pdf".into())));
    }

    #[test]
    fn only_drafts_and_returned_applications_take_files() {
        let open: Vec<ApplicationStatus> = ApplicationStatus::ALL.into_iter().filter(|s| editable(*s)).collect();
        assert_eq!(open, [ApplicationStatus::Draft, ApplicationStatus::ReturnedForCompletion]);
    }

    #[test]
    fn a_checked_file_carries_its_clean_name_kind_and_digest() {
        let f = CheckedFile::parse("../../etc/passwd.txt", b"abc".to_vec()).unwrap();
        assert_eq!((f.name(), f.kind(), f.bytes()), ("passwd.txt", FileKind::Text, &b"abc"[..]));
        assert_eq!(f.sha256(), sha256_hex(b"abc"));
        assert_eq!(
            CheckedFile::parse("x/evil.pdf", b"<html>".to_vec()),
            Err(AttachmentError::ContentMismatch("evil.pdf".into()))
        );
    }

    #[test]
    fn the_digest_is_sha256() {
        // FIPS 180-2, appendix B.1: SHA-256("abc").
        assert_eq!(
            sha256_hex(b"abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }
}
