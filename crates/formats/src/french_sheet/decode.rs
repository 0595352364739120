//! Which encoding a spreadsheet's CSV is in, and its text.
//!
//! Excel fr saves « CSV UTF-8 » (UTF-8 with a byte-order mark) or plain « CSV »
//! (Windows-1252, where byte 0x80 is `€` and 0x9C is `œ`); LibreOffice saves UTF-8 without
//! a mark. Valid UTF-8 is taken as UTF-8 (a Windows-1252 file of accented French text is
//! almost never valid UTF-8: `é` is 0xE9, which UTF-8 only accepts as the lead of a
//! three-byte sequence); anything else is read as Windows-1252, which maps every byte.

use std::borrow::Cow;

/// The encoding a file was read in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Encoding {
    /// UTF-8 starting with a byte-order mark (Excel « CSV UTF-8 »).
    Utf8Bom,
    /// UTF-8 without a mark.
    Utf8,
    /// Windows-1252 (Excel « CSV (séparateur : point-virgule) »).
    Windows1252,
}

impl Encoding {
    /// French name, for messages: `UTF-8 (avec BOM)`, `UTF-8`, `Windows-1252`.
    pub fn label(self) -> &'static str {
        match self {
            Encoding::Utf8Bom => "UTF-8 (avec BOM)",
            Encoding::Utf8 => "UTF-8",
            Encoding::Windows1252 => "Windows-1252",
        }
    }
}

/// The text of `bytes` (without its byte-order mark) and the encoding used.
/// Never fails: Windows-1252 gives a character for every byte.
pub fn decode(bytes: &[u8]) -> (Cow<'_, str>, Encoding) {
    let rest = bytes.strip_prefix(b"\xEF\xBB\xBF");
    if let Ok(text) = std::str::from_utf8(rest.unwrap_or(bytes)) {
        let encoding = if rest.is_some() { Encoding::Utf8Bom } else { Encoding::Utf8 };
        return (Cow::Borrowed(text), encoding);
    }
    // A mark followed by bytes that are not UTF-8 (a file pasted together from two
    // sources): the mark is dropped, so that the first header is not read as `ï»¿nom`.
    let (text, _) = encoding_rs::WINDOWS_1252.decode_without_bom_handling(rest.unwrap_or(bytes));
    (text, Encoding::Windows1252)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utf8_with_and_without_bom() {
        let (text, enc) = decode("\u{feff}Période".as_bytes());
        assert_eq!((text.as_ref(), enc), ("Période", Encoding::Utf8Bom));
        let (text, enc) = decode("cœur 12 €".as_bytes());
        assert_eq!((text.as_ref(), enc), ("cœur 12 €", Encoding::Utf8));
    }

    #[test]
    fn windows_1252_euro_and_oe() {
        // « C\x9Cur ; 12\xA0\x80 ; p\xE9riode » as Excel fr writes it.
        let (text, enc) = decode(b"C\x9Cur;12\xA0\x80;p\xE9riode");
        assert_eq!(enc, Encoding::Windows1252);
        assert_eq!(text, "Cœur;12\u{a0}€;période");
        assert_eq!(enc.label(), "Windows-1252");
        // A mark, then Windows-1252 bytes: the mark does not stick to the first header.
        let (text, enc) = decode(b"\xEF\xBB\xBFnom;p\xE9riode");
        assert_eq!((text.as_ref(), enc), ("nom;période", Encoding::Windows1252));
    }
}
