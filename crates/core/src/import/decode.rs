//! The text encodings files arrive in, and how one is recognised.
//!
//! **Detection** (when the user has not chosen one), in this order:
//!
//! 1. A byte order mark: `EF BB BF` is UTF-8, `FF FE` UTF-16 LE, `FE FF` UTF-16 BE. The mark
//!    is not part of the text.
//! 2. No mark, but NUL bytes in every other position of the first 4 KiB (at least 30% of the
//!    byte pairs, the other position of the pair almost never NUL): UTF-16 without a mark, LE
//!    when the NULs come second, BE when first. (Text files in single-byte or UTF-8 encodings
//!    have no NULs.)
//! 3. Bytes that are valid UTF-8 are UTF-8 (this includes plain ASCII), and so are bytes with
//!    a few invalid sequences among many valid characters beyond ASCII (four to one): a UTF-8
//!    export with a stray byte, whose replacement is counted.
//! 4. Otherwise a legacy single-byte code page. Words are runs of ASCII letters and bytes
//!    from 0x80 up. If more words mix ASCII letters with high bytes (`Müller`) than consist of
//!    high bytes only, the file is Windows-1252 (Western European accents inside Latin words).
//!    Otherwise it is Cyrillic Windows-1251 or Arabic/Persian Windows-1256, whichever decoding
//!    reads more like its language: each letter among the language's most frequent ones scores
//!    2, and each implausible spot costs 4 — in Windows-1251 a capital Cyrillic letter right
//!    after a small one inside a word (Arabic read as Cyrillic looks like `гСНИЗ`) or a byte
//!    the code page leaves undefined (0x98, which is Persian `ک` in Windows-1256); in
//!    Windows-1256 a Latin letter next to an Arabic one inside a word (Russian read as Arabic
//!    mixes `è`, `â` and Arabic letters). A tie goes to Windows-1251.
//!
//! Bytes that cannot be decoded become U+FFFD and are counted in [`Decoded::replaced`], so the
//! app can warn that the chosen encoding is probably wrong. Decoding never fails or panics.

use serde::{Deserialize, Serialize};

/// A text encoding an imported file may be in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Encoding {
    Utf8,
    Utf16Le,
    Utf16Be,
    /// Cyrillic (Russian, Ukrainian, ...), the ANSI code page of Russian Windows.
    Windows1251,
    /// Arabic and Persian, the ANSI code page of Persian and Arabic Windows.
    Windows1256,
    /// Western European (a superset of ISO 8859-1 / Latin-1).
    Windows1252,
}

impl Encoding {
    pub const ALL: [Encoding; 6] = [
        Encoding::Utf8,
        Encoding::Utf16Le,
        Encoding::Utf16Be,
        Encoding::Windows1251,
        Encoding::Windows1256,
        Encoding::Windows1252,
    ];

    /// The encoding's standard name.
    pub fn label(self) -> &'static str {
        match self {
            Encoding::Utf8 => "UTF-8",
            Encoding::Utf16Le => "UTF-16LE",
            Encoding::Utf16Be => "UTF-16BE",
            Encoding::Windows1251 => "windows-1251",
            Encoding::Windows1256 => "windows-1256",
            Encoding::Windows1252 => "windows-1252",
        }
    }

    /// Reads a charset name as files and vCard `CHARSET` parameters spell it.
    pub fn from_label(label: &str) -> Option<Encoding> {
        Some(match label.trim().to_ascii_lowercase().as_str() {
            "utf-8" | "utf8" | "unicode-1-1-utf-8" => Encoding::Utf8,
            "utf-16" | "utf-16le" | "utf16le" | "unicode" | "ucs-2" => Encoding::Utf16Le,
            "utf-16be" | "utf16be" | "unicodefffe" => Encoding::Utf16Be,
            "windows-1251" | "cp1251" | "x-cp1251" | "win-1251" | "win1251" => {
                Encoding::Windows1251
            }
            "windows-1256" | "cp1256" | "x-cp1256" | "win-1256" | "win1256" => {
                Encoding::Windows1256
            }
            "windows-1252" | "cp1252" | "x-cp1252" | "iso-8859-1" | "iso8859-1" | "latin1"
            | "latin-1" | "l1" | "us-ascii" | "ascii" => Encoding::Windows1252,
            _ => return None,
        })
    }

    fn bom(self) -> &'static [u8] {
        match self {
            Encoding::Utf8 => &[0xEF, 0xBB, 0xBF],
            Encoding::Utf16Le => &[0xFF, 0xFE],
            Encoding::Utf16Be => &[0xFE, 0xFF],
            _ => &[],
        }
    }
}

/// Text read from bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decoded {
    pub text: String,
    pub encoding: Encoding,
    /// Whether the bytes started with a byte order mark (not part of `text`).
    pub bom: bool,
    /// How many undecodable byte sequences became U+FFFD.
    pub replaced: usize,
}

impl Decoded {
    /// Undecodable bytes, as a problem to show with the file (the encoding is probably wrong).
    pub fn problem(&self) -> Option<super::ReadProblem> {
        (self.replaced > 0).then_some(super::ReadProblem::Undecodable {
            count: self.replaced,
            encoding: self.encoding,
        })
    }
}

/// Decodes `bytes` in the `chosen` encoding, or the detected one (see the module docs). A byte
/// order mark of the encoding used is dropped.
pub fn decode(bytes: &[u8], chosen: Option<Encoding>) -> Decoded {
    let encoding = chosen.unwrap_or_else(|| detect_encoding(bytes));
    let bom = encoding.bom();
    let has_bom = !bom.is_empty() && bytes.starts_with(bom);
    let body = bytes
        .get(if has_bom { bom.len() } else { 0 }..)
        .unwrap_or_default();
    let (text, replaced) = decode_as(body, encoding);
    Decoded {
        text,
        encoding,
        bom: has_bom,
        replaced,
    }
}

/// The encoding `bytes` are most likely in (see the module docs).
pub fn detect_encoding(bytes: &[u8]) -> Encoding {
    for enc in [Encoding::Utf8, Encoding::Utf16Le, Encoding::Utf16Be] {
        if bytes.starts_with(enc.bom()) {
            return enc;
        }
    }
    if let Some(enc) = utf16_without_bom(bytes) {
        return enc;
    }
    if mostly_utf8(bytes) {
        return Encoding::Utf8;
    }
    detect_single_byte(bytes)
}

/// Valid UTF-8, or UTF-8 with a few damaged spots: its valid characters beyond ASCII outnumber
/// its invalid sequences four to one. A legacy code page's letters seldom form a valid
/// sequence, so its text has far more invalid ones than valid; a UTF-8 export with one stray
/// byte would otherwise be read as a code page entire, every accent and Cyrillic or Persian
/// letter turned to nonsense (`MÃ¼ller`) and nothing counted. Read as UTF-8 instead, the
/// stray byte is one counted replacement.
fn mostly_utf8(bytes: &[u8]) -> bool {
    let (mut beyond_ascii, mut invalid) = (0usize, 0usize);
    for chunk in bytes.utf8_chunks() {
        beyond_ascii += chunk.valid().chars().filter(|c| !c.is_ascii()).count();
        invalid += usize::from(!chunk.invalid().is_empty());
    }
    invalid == 0 || beyond_ascii >= 4 * invalid
}

/// Decodes without looking for a byte order mark; returns the text and the replacement count.
pub(crate) fn decode_as(bytes: &[u8], encoding: Encoding) -> (String, usize) {
    match encoding {
        Encoding::Utf8 => {
            let mut out = String::with_capacity(bytes.len());
            let mut replaced = 0;
            for chunk in bytes.utf8_chunks() {
                out.push_str(chunk.valid());
                if !chunk.invalid().is_empty() {
                    out.push(char::REPLACEMENT_CHARACTER);
                    replaced += 1;
                }
            }
            (out, replaced)
        }
        Encoding::Utf16Le | Encoding::Utf16Be => {
            let le = encoding == Encoding::Utf16Le;
            let units = bytes.chunks_exact(2).map(|p| match p {
                [a, b] if le => u16::from_le_bytes([*a, *b]),
                [a, b] => u16::from_be_bytes([*a, *b]),
                _ => 0xFFFD,
            });
            let mut out = String::with_capacity(bytes.len() / 2);
            let mut replaced = 0;
            for c in char::decode_utf16(units) {
                out.push(c.unwrap_or_else(|_| {
                    replaced += 1;
                    char::REPLACEMENT_CHARACTER
                }));
            }
            if bytes.len() % 2 == 1 {
                out.push(char::REPLACEMENT_CHARACTER);
                replaced += 1;
            }
            (out, replaced)
        }
        Encoding::Windows1251 => (single_byte(bytes, &WINDOWS_1251), 0),
        Encoding::Windows1256 => (single_byte(bytes, &WINDOWS_1256), 0),
        Encoding::Windows1252 => (single_byte(bytes, &WINDOWS_1252), 0),
    }
}

fn high_char(b: u8, table: &[char; 128]) -> char {
    table
        .get(usize::from(b.wrapping_sub(0x80)))
        .copied()
        .unwrap_or(char::REPLACEMENT_CHARACTER)
}

fn single_byte(bytes: &[u8], table: &[char; 128]) -> String {
    bytes
        .iter()
        .map(|&b| {
            if b < 0x80 {
                char::from(b)
            } else {
                high_char(b, table)
            }
        })
        .collect()
}

fn utf16_without_bom(bytes: &[u8]) -> Option<Encoding> {
    let sample = bytes.get(..bytes.len().min(4096)).unwrap_or_default();
    let pairs = sample.len() / 2;
    if pairs < 2 {
        return None;
    }
    let (mut first, mut second) = (0usize, 0usize);
    for p in sample.chunks_exact(2) {
        match p {
            [0, b] if *b != 0 => first += 1,
            [a, 0] if *a != 0 => second += 1,
            _ => {}
        }
    }
    if second * 10 >= pairs * 3 && first * 10 < pairs {
        Some(Encoding::Utf16Le)
    } else if first * 10 >= pairs * 3 && second * 10 < pairs {
        Some(Encoding::Utf16Be)
    } else {
        None
    }
}

fn detect_single_byte(bytes: &[u8]) -> Encoding {
    // Words of ASCII letters and high bytes: mixed ones are Latin words with accents.
    let (mut mixed, mut pure) = (0usize, 0usize);
    let (mut ascii, mut high) = (false, false);
    for &b in bytes.iter().chain(std::iter::once(&b' ')) {
        if b.is_ascii_alphabetic() {
            ascii = true;
        } else if b >= 0x80 && b != 0xA0 {
            high = true;
        } else {
            if high {
                if ascii {
                    mixed += 1;
                } else {
                    pure += 1;
                }
            }
            ascii = false;
            high = false;
        }
    }
    if mixed > pure {
        return Encoding::Windows1252;
    }
    let cyrillic = plausibility(&single_byte(bytes, &WINDOWS_1251), Script::Cyrillic);
    let arabic = plausibility(&single_byte(bytes, &WINDOWS_1256), Script::Arabic);
    if arabic > cyrillic {
        Encoding::Windows1256
    } else {
        Encoding::Windows1251
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Script {
    Cyrillic,
    Arabic,
}

fn is_arabic(c: char) -> bool {
    ('\u{0600}'..='\u{06FF}').contains(&c)
}

fn is_word_char(c: char) -> bool {
    c.is_alphabetic() || is_arabic(c)
}

/// How much `text` reads like Russian (Cyrillic) or Arabic/Persian (see the module docs).
fn plausibility(text: &str, script: Script) -> i64 {
    const RUSSIAN: &str = "оеаинтсрвлкмдпуяы";
    const ARABIC: &str = "الیيمونرهبتعدفقسکگپچ";
    let mut score = 0i64;
    let mut prev: Option<char> = None;
    for c in text.chars() {
        match script {
            Script::Cyrillic => {
                if RUSSIAN.contains(c) {
                    score += 2;
                }
                if c == '\u{0098}' {
                    score -= 4;
                }
                if let Some(p) = prev
                    && p.is_lowercase()
                    && c.is_uppercase()
                    && is_cyrillic(p)
                    && is_cyrillic(c)
                {
                    score -= 4;
                }
            }
            Script::Arabic => {
                if ARABIC.contains(c) {
                    score += 2;
                }
                if let Some(p) = prev {
                    let latin = |x: char| x.is_alphabetic() && !x.is_ascii() && (x as u32) < 0x250;
                    if (latin(p) && is_arabic(c)) || (is_arabic(p) && latin(c)) {
                        score -= 4;
                    }
                }
            }
        }
        prev = is_word_char(c).then_some(c);
    }
    score
}

fn is_cyrillic(c: char) -> bool {
    ('\u{0400}'..='\u{04FF}').contains(&c)
}

// Bytes 0x80..=0xFF of each code page, as the WHATWG Encoding Standard maps them (bytes a
// code page leaves undefined map to the C1 control of the same value).
static WINDOWS_1251: [char; 128] = [
    '\u{0402}', '\u{0403}', '\u{201A}', '\u{0453}', '\u{201E}', '\u{2026}', '\u{2020}', '\u{2021}',
    '\u{20AC}', '\u{2030}', '\u{0409}', '\u{2039}', '\u{040A}', '\u{040C}', '\u{040B}', '\u{040F}',
    '\u{0452}', '\u{2018}', '\u{2019}', '\u{201C}', '\u{201D}', '\u{2022}', '\u{2013}', '\u{2014}',
    '\u{0098}', '\u{2122}', '\u{0459}', '\u{203A}', '\u{045A}', '\u{045C}', '\u{045B}', '\u{045F}',
    '\u{00A0}', '\u{040E}', '\u{045E}', '\u{0408}', '\u{00A4}', '\u{0490}', '\u{00A6}', '\u{00A7}',
    '\u{0401}', '\u{00A9}', '\u{0404}', '\u{00AB}', '\u{00AC}', '\u{00AD}', '\u{00AE}', '\u{0407}',
    '\u{00B0}', '\u{00B1}', '\u{0406}', '\u{0456}', '\u{0491}', '\u{00B5}', '\u{00B6}', '\u{00B7}',
    '\u{0451}', '\u{2116}', '\u{0454}', '\u{00BB}', '\u{0458}', '\u{0405}', '\u{0455}', '\u{0457}',
    '\u{0410}', '\u{0411}', '\u{0412}', '\u{0413}', '\u{0414}', '\u{0415}', '\u{0416}', '\u{0417}',
    '\u{0418}', '\u{0419}', '\u{041A}', '\u{041B}', '\u{041C}', '\u{041D}', '\u{041E}', '\u{041F}',
    '\u{0420}', '\u{0421}', '\u{0422}', '\u{0423}', '\u{0424}', '\u{0425}', '\u{0426}', '\u{0427}',
    '\u{0428}', '\u{0429}', '\u{042A}', '\u{042B}', '\u{042C}', '\u{042D}', '\u{042E}', '\u{042F}',
    '\u{0430}', '\u{0431}', '\u{0432}', '\u{0433}', '\u{0434}', '\u{0435}', '\u{0436}', '\u{0437}',
    '\u{0438}', '\u{0439}', '\u{043A}', '\u{043B}', '\u{043C}', '\u{043D}', '\u{043E}', '\u{043F}',
    '\u{0440}', '\u{0441}', '\u{0442}', '\u{0443}', '\u{0444}', '\u{0445}', '\u{0446}', '\u{0447}',
    '\u{0448}', '\u{0449}', '\u{044A}', '\u{044B}', '\u{044C}', '\u{044D}', '\u{044E}', '\u{044F}',
];

static WINDOWS_1256: [char; 128] = [
    '\u{20AC}', '\u{067E}', '\u{201A}', '\u{0192}', '\u{201E}', '\u{2026}', '\u{2020}', '\u{2021}',
    '\u{02C6}', '\u{2030}', '\u{0679}', '\u{2039}', '\u{0152}', '\u{0686}', '\u{0698}', '\u{0688}',
    '\u{06AF}', '\u{2018}', '\u{2019}', '\u{201C}', '\u{201D}', '\u{2022}', '\u{2013}', '\u{2014}',
    '\u{06A9}', '\u{2122}', '\u{0691}', '\u{203A}', '\u{0153}', '\u{200C}', '\u{200D}', '\u{06BA}',
    '\u{00A0}', '\u{060C}', '\u{00A2}', '\u{00A3}', '\u{00A4}', '\u{00A5}', '\u{00A6}', '\u{00A7}',
    '\u{00A8}', '\u{00A9}', '\u{06BE}', '\u{00AB}', '\u{00AC}', '\u{00AD}', '\u{00AE}', '\u{00AF}',
    '\u{00B0}', '\u{00B1}', '\u{00B2}', '\u{00B3}', '\u{00B4}', '\u{00B5}', '\u{00B6}', '\u{00B7}',
    '\u{00B8}', '\u{00B9}', '\u{061B}', '\u{00BB}', '\u{00BC}', '\u{00BD}', '\u{00BE}', '\u{061F}',
    '\u{06C1}', '\u{0621}', '\u{0622}', '\u{0623}', '\u{0624}', '\u{0625}', '\u{0626}', '\u{0627}',
    '\u{0628}', '\u{0629}', '\u{062A}', '\u{062B}', '\u{062C}', '\u{062D}', '\u{062E}', '\u{062F}',
    '\u{0630}', '\u{0631}', '\u{0632}', '\u{0633}', '\u{0634}', '\u{0635}', '\u{0636}', '\u{00D7}',
    '\u{0637}', '\u{0638}', '\u{0639}', '\u{063A}', '\u{0640}', '\u{0641}', '\u{0642}', '\u{0643}',
    '\u{00E0}', '\u{0644}', '\u{00E2}', '\u{0645}', '\u{0646}', '\u{0647}', '\u{0648}', '\u{00E7}',
    '\u{00E8}', '\u{00E9}', '\u{00EA}', '\u{00EB}', '\u{0649}', '\u{064A}', '\u{00EE}', '\u{00EF}',
    '\u{064B}', '\u{064C}', '\u{064D}', '\u{064E}', '\u{00F4}', '\u{064F}', '\u{0650}', '\u{00F7}',
    '\u{0651}', '\u{00F9}', '\u{0652}', '\u{00FB}', '\u{00FC}', '\u{200E}', '\u{200F}', '\u{06D2}',
];

static WINDOWS_1252: [char; 128] = [
    '\u{20AC}', '\u{0081}', '\u{201A}', '\u{0192}', '\u{201E}', '\u{2026}', '\u{2020}', '\u{2021}',
    '\u{02C6}', '\u{2030}', '\u{0160}', '\u{2039}', '\u{0152}', '\u{008D}', '\u{017D}', '\u{008F}',
    '\u{0090}', '\u{2018}', '\u{2019}', '\u{201C}', '\u{201D}', '\u{2022}', '\u{2013}', '\u{2014}',
    '\u{02DC}', '\u{2122}', '\u{0161}', '\u{203A}', '\u{0153}', '\u{009D}', '\u{017E}', '\u{0178}',
    '\u{00A0}', '\u{00A1}', '\u{00A2}', '\u{00A3}', '\u{00A4}', '\u{00A5}', '\u{00A6}', '\u{00A7}',
    '\u{00A8}', '\u{00A9}', '\u{00AA}', '\u{00AB}', '\u{00AC}', '\u{00AD}', '\u{00AE}', '\u{00AF}',
    '\u{00B0}', '\u{00B1}', '\u{00B2}', '\u{00B3}', '\u{00B4}', '\u{00B5}', '\u{00B6}', '\u{00B7}',
    '\u{00B8}', '\u{00B9}', '\u{00BA}', '\u{00BB}', '\u{00BC}', '\u{00BD}', '\u{00BE}', '\u{00BF}',
    '\u{00C0}', '\u{00C1}', '\u{00C2}', '\u{00C3}', '\u{00C4}', '\u{00C5}', '\u{00C6}', '\u{00C7}',
    '\u{00C8}', '\u{00C9}', '\u{00CA}', '\u{00CB}', '\u{00CC}', '\u{00CD}', '\u{00CE}', '\u{00CF}',
    '\u{00D0}', '\u{00D1}', '\u{00D2}', '\u{00D3}', '\u{00D4}', '\u{00D5}', '\u{00D6}', '\u{00D7}',
    '\u{00D8}', '\u{00D9}', '\u{00DA}', '\u{00DB}', '\u{00DC}', '\u{00DD}', '\u{00DE}', '\u{00DF}',
    '\u{00E0}', '\u{00E1}', '\u{00E2}', '\u{00E3}', '\u{00E4}', '\u{00E5}', '\u{00E6}', '\u{00E7}',
    '\u{00E8}', '\u{00E9}', '\u{00EA}', '\u{00EB}', '\u{00EC}', '\u{00ED}', '\u{00EE}', '\u{00EF}',
    '\u{00F0}', '\u{00F1}', '\u{00F2}', '\u{00F3}', '\u{00F4}', '\u{00F5}', '\u{00F6}', '\u{00F7}',
    '\u{00F8}', '\u{00F9}', '\u{00FA}', '\u{00FB}', '\u{00FC}', '\u{00FD}', '\u{00FE}', '\u{00FF}',
];

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn reference(enc: Encoding) -> &'static encoding_rs::Encoding {
        match enc {
            Encoding::Windows1251 => encoding_rs::WINDOWS_1251,
            Encoding::Windows1256 => encoding_rs::WINDOWS_1256,
            Encoding::Windows1252 => encoding_rs::WINDOWS_1252,
            Encoding::Utf8 => encoding_rs::UTF_8,
            Encoding::Utf16Le => encoding_rs::UTF_16LE,
            Encoding::Utf16Be => encoding_rs::UTF_16BE,
        }
    }

    fn encode(text: &str, enc: Encoding) -> Vec<u8> {
        let (bytes, _, unmappable) = reference(enc).encode(text);
        assert!(!unmappable, "{text:?} is not representable in {enc:?}");
        bytes.into_owned()
    }

    #[test]
    fn code_page_tables_match_the_encoding_standard() {
        for enc in [
            Encoding::Windows1251,
            Encoding::Windows1256,
            Encoding::Windows1252,
        ] {
            let all: Vec<u8> = (0..=255).collect();
            let (expected, _) = reference(enc).decode_without_bom_handling(&all);
            assert_eq!(decode_as(&all, enc).0, expected, "{enc:?}");
        }
    }

    #[test]
    fn byte_order_marks_choose_the_encoding_and_are_dropped() {
        let mut utf8 = vec![0xEF, 0xBB, 0xBF];
        utf8.extend_from_slice("Name,Эл. почта\n".as_bytes());
        let d = decode(&utf8, None);
        assert_eq!(
            (d.text.as_str(), d.encoding, d.bom),
            ("Name,Эл. почта\n", Encoding::Utf8, true)
        );

        let text = "نام,ایمیل\nعلی,a@b.ir\n";
        let mut le = vec![0xFF, 0xFE];
        le.extend(text.encode_utf16().flat_map(u16::to_le_bytes));
        let d = decode(&le, None);
        assert_eq!((d.text.as_str(), d.encoding), (text, Encoding::Utf16Le));

        let mut be = vec![0xFE, 0xFF];
        be.extend(text.encode_utf16().flat_map(u16::to_be_bytes));
        let d = decode(&be, None);
        assert_eq!((d.text.as_str(), d.encoding), (text, Encoding::Utf16Be));
    }

    #[test]
    fn utf16_without_a_mark_is_recognised_by_its_nuls() {
        let text = "First Name,Last Name\r\nAnn,Lee\r\n";
        let le: Vec<u8> = text.encode_utf16().flat_map(u16::to_le_bytes).collect();
        assert_eq!(decode(&le, None).text, text);
        let be: Vec<u8> = text.encode_utf16().flat_map(u16::to_be_bytes).collect();
        assert_eq!(decode(&be, None).encoding, Encoding::Utf16Be);
    }

    #[test]
    fn legacy_code_pages_are_told_apart() {
        let russian = [
            "Имя;Фамилия;Эл. почта;Телефон\nИван;Петров;ivan@mail.ru;+7 495 123-45-67\n",
            "ООО Ромашка,Москва\n",
            "Иван",
            "Компания",
        ];
        for text in russian {
            let bytes = encode(text, Encoding::Windows1251);
            let d = decode(&bytes, None);
            assert_eq!(d.encoding, Encoding::Windows1251, "{text}");
            assert_eq!(d.text, text);
        }
        // Persian in Windows-1256 is written with the Arabic yeh (ي); its keheh (ک) is there.
        let persian = [
            "نام,ايميل,تلفن\nعلي رضايي,ali@example.ir,0912 345 6789\n",
            "شرکت تهران",
            "علي",
            "محمد",
            "مشتري کليدي",
        ];
        for text in persian {
            let bytes = encode(text, Encoding::Windows1256);
            let d = decode(&bytes, None);
            assert_eq!(d.encoding, Encoding::Windows1256, "{text}");
            assert_eq!(d.text, text);
        }
        let western = "Name,City\nJürgen Müller,Köln\nFrançois,Besançon\n";
        let d = decode(&encode(western, Encoding::Windows1252), None);
        assert_eq!(
            (d.encoding, d.text.as_str()),
            (Encoding::Windows1252, western)
        );
    }

    #[test]
    fn a_chosen_encoding_wins_and_bad_bytes_are_counted() {
        let bytes = encode("Петров", Encoding::Windows1251);
        let d = decode(&bytes, Some(Encoding::Utf8));
        assert_eq!(d.encoding, Encoding::Utf8);
        assert!(d.replaced > 0);
        assert_eq!(decode(&bytes, Some(Encoding::Windows1251)).text, "Петров");
        // An odd trailing byte in UTF-16.
        let d = decode(&[0x41, 0x00, 0x42], Some(Encoding::Utf16Le));
        assert_eq!((d.text.as_str(), d.replaced), ("A\u{FFFD}", 1));
    }

    #[test]
    fn utf8_with_a_stray_byte_stays_utf8_and_counts_it() {
        let mut bytes = "Name,City\nJürgen Müller,Köln\nИван,Москва\n"
            .as_bytes()
            .to_vec();
        bytes.insert(10, 0xE9);
        let d = decode(&bytes, None);
        assert_eq!(d.encoding, Encoding::Utf8);
        assert_eq!(d.replaced, 1);
        assert!(d.text.contains("Jürgen Müller,Köln\nИван,Москва"));
        assert_eq!(
            d.problem(),
            Some(crate::import::ReadProblem::Undecodable {
                count: 1,
                encoding: Encoding::Utf8
            })
        );
        // Shown with the file, CSV and vCard alike.
        let undecodable = [crate::import::ReadProblem::Undecodable {
            count: 1,
            encoding: Encoding::Utf8,
        }];
        let csv = crate::import::read_csv(&bytes, &Default::default());
        assert_eq!(csv.problems, undecodable);
        let mut card =
            "BEGIN:VCARD\r\nFN:Jürgen Müller\r\nADR:;;Königstraße 5;Köln;;;\r\nEND:VCARD\r\n"
                .as_bytes()
                .to_vec();
        card.insert(20, 0xFF);
        assert_eq!(
            crate::import::read_vcards(&card, None).problems,
            undecodable
        );
        // An ASCII file with one accented letter in a code page is that code page.
        let d = decode(&encode("Name\nRené\n", Encoding::Windows1252), None);
        assert_eq!(
            (d.encoding, d.text.as_str()),
            (Encoding::Windows1252, "Name\nRené\n")
        );
        assert_eq!(d.problem(), None);
        // A code page's text that happens to hold a valid sequence or two is still that page.
        let text = "Сёма Ёлкин,Москва\nОльга Ёжикова,Тверь\n";
        let d = decode(&encode(text, Encoding::Windows1251), None);
        assert_eq!((d.encoding, d.text.as_str()), (Encoding::Windows1251, text));
    }

    #[test]
    fn charset_labels() {
        assert_eq!(
            Encoding::from_label(" CP1251 "),
            Some(Encoding::Windows1251)
        );
        assert_eq!(
            Encoding::from_label("windows-1256"),
            Some(Encoding::Windows1256)
        );
        assert_eq!(
            Encoding::from_label("ISO-8859-1"),
            Some(Encoding::Windows1252)
        );
        assert_eq!(Encoding::from_label("klingon"), None);
        for enc in Encoding::ALL {
            assert_eq!(Encoding::from_label(enc.label()), Some(enc));
        }
    }

    proptest! {
        #[test]
        fn decoding_never_panics(bytes in proptest::collection::vec(any::<u8>(), 0..512)) {
            let d = decode(&bytes, None);
            for enc in Encoding::ALL {
                let _ = decode(&bytes, Some(enc));
            }
            // Detection of valid UTF-8 is exact.
            if let Ok(s) = std::str::from_utf8(&bytes)
                && !bytes.contains(&0)
            {
                prop_assert_eq!(d.text.as_str(), s.strip_prefix('\u{FEFF}').unwrap_or(s));
            }
        }
    }
}
