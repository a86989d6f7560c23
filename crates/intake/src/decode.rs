//! Encoding detection for the files Excel, WPS and core systems write: UTF-8 with or without
//! BOM, GB18030/GBK, UTF-16LE/BE with BOM.

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Encoding {
    Utf8,
    /// UTF-8 with a byte-order mark (Excel's "CSV UTF-8").
    Utf8Bom,
    /// GB18030, a superset of GBK and GB2312.
    Gb18030,
    Utf16Le,
    Utf16Be,
}

impl Encoding {
    pub fn name(self) -> &'static str {
        match self {
            Encoding::Utf8 => "utf-8",
            Encoding::Utf8Bom => "utf-8-bom",
            Encoding::Gb18030 => "gb18030",
            Encoding::Utf16Le => "utf-16le",
            Encoding::Utf16Be => "utf-16be",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s.trim().to_ascii_lowercase().replace('_', "-").as_str() {
            "utf-8" | "utf8" => Some(Encoding::Utf8),
            "utf-8-bom" | "utf8-bom" | "utf-8-sig" => Some(Encoding::Utf8Bom),
            "gb18030" | "gbk" | "gb2312" | "cp936" => Some(Encoding::Gb18030),
            "utf-16le" | "utf16le" | "utf-16" => Some(Encoding::Utf16Le),
            "utf-16be" | "utf16be" => Some(Encoding::Utf16Be),
            _ => None,
        }
    }

    /// Length of the byte-order mark this encoding's files start with.
    pub fn bom_len(self) -> usize {
        match self {
            Encoding::Utf8Bom => 3,
            Encoding::Utf16Le | Encoding::Utf16Be => 2,
            _ => 0,
        }
    }
}

/// Detect the encoding from the first bytes of a file (a few hundred KB is plenty).
///
/// A BOM decides. Without one, UTF-16 shows as many NUL bytes in alternate positions; then each
/// line holding non-ASCII bytes votes UTF-8 if it decodes as UTF-8, GB18030 otherwise, so that
/// one corrupt line in a UTF-8 file does not turn the whole file into GBK.
pub fn detect(sample: &[u8]) -> Encoding {
    if sample.starts_with(&[0xEF, 0xBB, 0xBF]) {
        return Encoding::Utf8Bom;
    }
    if sample.starts_with(&[0xFF, 0xFE]) {
        return Encoding::Utf16Le;
    }
    if sample.starts_with(&[0xFE, 0xFF]) {
        return Encoding::Utf16Be;
    }
    let n = sample.len().min(4096);
    if n >= 4 {
        let even_nul = sample[..n].iter().step_by(2).filter(|&&b| b == 0).count();
        let odd_nul = sample[..n].iter().skip(1).step_by(2).filter(|&&b| b == 0).count();
        let half = n / 2;
        if odd_nul * 10 > half * 3 && even_nul * 10 < half {
            return Encoding::Utf16Le;
        }
        if even_nul * 10 > half * 3 && odd_nul * 10 < half {
            return Encoding::Utf16Be;
        }
    }
    // Drop a possibly cut last line.
    let body = match sample.iter().rposition(|&b| b == b'\n') {
        Some(i) if sample.len() >= 64 * 1024 => &sample[..i],
        _ => sample,
    };
    let (mut utf8, mut other) = (0usize, 0usize);
    for line in body.split(|&b| b == b'\n') {
        if line.is_ascii() {
            continue;
        }
        if std::str::from_utf8(line).is_ok() {
            utf8 += 1;
        } else {
            other += 1;
        }
    }
    if other > utf8 { Encoding::Gb18030 } else { Encoding::Utf8 }
}

/// Decode one field's bytes; `None` when they are not valid in the encoding.
pub fn decode_field(bytes: &[u8], enc: Encoding) -> Option<String> {
    match enc {
        Encoding::Gb18030 => {
            if bytes.is_ascii() {
                // ASCII is the same in GB18030; skip the decoder.
                return std::str::from_utf8(bytes).ok().map(str::to_string);
            }
            encoding_rs::GB18030.decode_without_bom_handling_and_without_replacement(bytes).map(|c| c.into_owned())
        }
        _ => std::str::from_utf8(bytes).ok().map(str::to_string),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn detects() {
        let text = "投诉编号,投诉内容\nA1,理赔被拒\n";
        assert_eq!(detect(text.as_bytes()), Encoding::Utf8);
        let mut bom = vec![0xEF, 0xBB, 0xBF];
        bom.extend_from_slice(text.as_bytes());
        assert_eq!(detect(&bom), Encoding::Utf8Bom);
        let (gbk, _, _) = encoding_rs::GBK.encode(text);
        assert_eq!(detect(&gbk), Encoding::Gb18030);
        let mut le = vec![0xFF, 0xFE];
        le.extend(text.encode_utf16().flat_map(|u| u.to_le_bytes()));
        assert_eq!(detect(&le), Encoding::Utf16Le);
        let mut be = vec![0xFE, 0xFF];
        be.extend(text.encode_utf16().flat_map(|u| u.to_be_bytes()));
        assert_eq!(detect(&be), Encoding::Utf16Be);
        let le_nobom: Vec<u8> = "abc,def\nxyz,123\n".encode_utf16().flat_map(|u| u.to_le_bytes()).collect();
        assert_eq!(detect(&le_nobom), Encoding::Utf16Le);
        // One corrupt line does not make a UTF-8 file GBK.
        let mut mixed = "a,理赔\nb,退保\nc,销售误导\n".as_bytes().to_vec();
        mixed.extend_from_slice(b"d,\xff\xfe\xfd\n");
        assert_eq!(detect(&mixed), Encoding::Utf8);
    }

    #[test]
    fn decodes_gbk_fields() {
        let (gbk, _, _) = encoding_rs::GBK.encode("全额退保");
        assert_eq!(decode_field(&gbk, Encoding::Gb18030).as_deref(), Some("全额退保"));
        assert_eq!(decode_field(b"\xff\xff", Encoding::Utf8), None);
    }
}
