//! A minimal ZIP writer: stored entries, CRC-32, a fixed timestamp.

/// DOS time of every entry: 00:00:00.
const DOS_TIME: u16 = 0;
/// DOS date of every entry: 1980-01-01 (year 0 since 1980, month 1, day 1).
const DOS_DATE: u16 = (1 << 5) | 1;
/// Version needed to extract a stored entry: 1.0.
const VERSION: u16 = 10;
/// General purpose flag bit 11: the name is UTF-8.
const UTF8_NAME: u16 = 1 << 11;

/// A ZIP archive holding `files` (name, contents) in the given order, uncompressed (method 0,
/// stored), each with its CRC-32 and the fixed timestamp 1980-01-01 00:00, so the same files
/// always give the same bytes. Names should use `/` as the separator; a non-ASCII name is
/// flagged as UTF-8.
///
/// # Panics
///
/// If the archive would need ZIP64: more than 65 535 files, a name longer than 65 535 bytes, or
/// a file or archive of 4 GiB or more. A referral bundle is nowhere near any of these.
pub fn zip(files: &[(String, Vec<u8>)]) -> Vec<u8> {
    let count = u16::try_from(files.len()).expect("too many files for a ZIP without ZIP64");
    let mut out = Vec::new();
    let mut central = Vec::new();
    for (name, data) in files {
        let name_len = u16::try_from(name.len()).expect("ZIP entry name too long");
        let size = u32::try_from(data.len()).expect("ZIP entry too large without ZIP64");
        let offset = u32::try_from(out.len()).expect("ZIP archive too large without ZIP64");
        let flags = if name.is_ascii() { 0 } else { UTF8_NAME };
        let crc = crc32(data);

        // Local file header.
        put32(&mut out, 0x0403_4b50);
        put16(&mut out, VERSION);
        put16(&mut out, flags);
        put16(&mut out, 0); // method: stored
        put16(&mut out, DOS_TIME);
        put16(&mut out, DOS_DATE);
        put32(&mut out, crc);
        put32(&mut out, size); // compressed size
        put32(&mut out, size); // uncompressed size
        put16(&mut out, name_len);
        put16(&mut out, 0); // extra field length
        out.extend_from_slice(name.as_bytes());
        out.extend_from_slice(data);

        // Central directory header.
        put32(&mut central, 0x0201_4b50);
        put16(&mut central, VERSION); // version made by: MS-DOS, 1.0
        put16(&mut central, VERSION);
        put16(&mut central, flags);
        put16(&mut central, 0);
        put16(&mut central, DOS_TIME);
        put16(&mut central, DOS_DATE);
        put32(&mut central, crc);
        put32(&mut central, size);
        put32(&mut central, size);
        put16(&mut central, name_len);
        put16(&mut central, 0); // extra field length
        put16(&mut central, 0); // comment length
        put16(&mut central, 0); // disk number start
        put16(&mut central, 0); // internal attributes
        put32(&mut central, 0); // external attributes
        put32(&mut central, offset);
        central.extend_from_slice(name.as_bytes());
    }
    let cd_offset = u32::try_from(out.len()).expect("ZIP archive too large without ZIP64");
    let cd_size = u32::try_from(central.len()).expect("ZIP directory too large");
    out.extend_from_slice(&central);

    // End of central directory record.
    put32(&mut out, 0x0605_4b50);
    put16(&mut out, 0); // this disk
    put16(&mut out, 0); // disk with the central directory
    put16(&mut out, count); // entries on this disk
    put16(&mut out, count); // entries in total
    put32(&mut out, cd_size);
    put32(&mut out, cd_offset);
    put16(&mut out, 0); // comment length
    out
}

fn put16(out: &mut Vec<u8>, v: u16) {
    out.extend_from_slice(&v.to_le_bytes());
}

fn put32(out: &mut Vec<u8>, v: u32) {
    out.extend_from_slice(&v.to_le_bytes());
}

/// The CRC-32 lookup table of the reflected IEEE polynomial, built at compile time.
const CRC_TABLE: [u32; 256] = {
    let mut table = [0u32; 256];
    let mut i = 0;
    while i < 256 {
        let mut c = i as u32;
        let mut bit = 0;
        while bit < 8 {
            c = if c & 1 != 0 {
                0xEDB8_8320 ^ (c >> 1)
            } else {
                c >> 1
            };
            bit += 1;
        }
        table[i] = c;
        i += 1;
    }
    table
};

/// The CRC-32 (IEEE 802.3, as ZIP uses it) of `data`.
pub(crate) fn crc32(data: &[u8]) -> u32 {
    let mut c = !0u32;
    for &b in data {
        c = CRC_TABLE[((c ^ u32::from(b)) & 0xFF) as usize] ^ (c >> 8);
    }
    !c
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn crc32_check_values() {
        assert_eq!(crc32(b"123456789"), 0xCBF4_3926);
        assert_eq!(crc32(b""), 0);
        assert_eq!(
            crc32(b"The quick brown fox jumps over the lazy dog"),
            0x414F_A339
        );
    }

    #[test]
    fn empty_archive_is_just_the_end_record() {
        let z = zip(&[]);
        assert_eq!(z.len(), 22);
        assert_eq!(&z[..4], b"PK\x05\x06");
        assert!(z[4..].iter().all(|&b| b == 0));
    }

    #[test]
    fn local_header_fields() {
        let z = zip(&[("a.txt".to_string(), b"hello".to_vec())]);
        assert_eq!(&z[..4], b"PK\x03\x04");
        assert_eq!(u16::from_le_bytes([z[8], z[9]]), 0, "method stored");
        assert_eq!(u16::from_le_bytes([z[12], z[13]]), 0x21, "date 1980-01-01");
        assert_eq!(
            u32::from_le_bytes([z[14], z[15], z[16], z[17]]),
            crc32(b"hello")
        );
        assert_eq!(&z[30..35], b"a.txt");
        assert_eq!(&z[35..40], b"hello");
    }
}
