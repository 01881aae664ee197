//! Zip archives: a `.zip` sent to the group, and the parts of Office and
//! OpenDocument files. Every member is unpacked through a cap, since a
//! member's declared size may lie; the member count is capped too.
//! Member names in a zip made on a Chinese Windows are Big5 bytes without
//! the UTF-8 flag (PKWARE APPNOTE 4.4.4, bit 11); they are read as such.

use std::io::{Cursor, Read};

use zip::result::ZipError;
use zip::ZipArchive;

use super::{place, read as read_file, sniff, Collector, Limits, NotScanned, Part};

pub(super) type Archive<'a> = ZipArchive<Cursor<&'a [u8]>>;

/// Opens `bytes` as a zip with at most `max_members` members.
pub(super) fn open<'a>(bytes: &'a [u8], limits: &Limits) -> Result<Archive<'a>, NotScanned> {
    let archive = ZipArchive::new(Cursor::new(bytes)).map_err(|_| NotScanned::Malformed)?;
    if archive.len() > limits.max_members {
        return Err(NotScanned::TooLarge);
    }
    Ok(archive)
}

/// The unpacked bytes of member `index`: at most `max_member_bytes`, and
/// taken from what the whole file may still unpack (`max_unpacked_bytes`:
/// two thousand members of 64 MiB each are no document).
pub(super) fn member(
    archive: &mut Archive,
    index: usize,
    out: &mut Collector,
) -> Result<Vec<u8>, NotScanned> {
    let file = archive.by_index(index).map_err(|e| match e {
        ZipError::UnsupportedArchive(ZipError::PASSWORD_REQUIRED) => NotScanned::Encrypted,
        // bzip2, LZMA, zstd, Deflate64: only deflate is built in.
        ZipError::UnsupportedArchive(_) => NotScanned::Unsupported,
        _ => NotScanned::Malformed,
    })?;
    if file.encrypted() {
        return Err(NotScanned::Encrypted);
    }
    let cap = out.limits.max_member_bytes.min(out.unpacked_left);
    if file.size() > cap {
        return Err(NotScanned::TooLarge);
    }
    let mut bytes = Vec::new();
    file.take(cap + 1)
        .read_to_end(&mut bytes)
        .map_err(|_| NotScanned::Malformed)?;
    if bytes.len() as u64 > cap {
        return Err(NotScanned::TooLarge);
    }
    out.unpacked_left -= bytes.len() as u64;
    Ok(bytes)
}

/// The unpacked bytes of the member called `name`, if there is one.
pub(super) fn named(
    archive: &mut Archive,
    name: &str,
    out: &mut Collector,
) -> Result<Option<Vec<u8>>, NotScanned> {
    match archive.index_for_name(name) {
        Some(i) => member(archive, i, out).map(Some),
        None => Ok(None),
    }
}

/// The name of member `index`, decoded.
pub(super) fn name(archive: &mut Archive, index: usize) -> Option<String> {
    let file = archive.by_index_raw(index).ok()?;
    let raw = file.name_raw();
    Some(match std::str::from_utf8(raw) {
        Ok(s) => s.to_string(),
        Err(_) => encoding_rs::BIG5.decode(raw).0.into_owned(),
    })
}

/// A zip sent as such: its member names (a name can leak by itself:
/// 檢舉人名冊.xlsx), then each member that is a file of a format read here.
/// A member that cannot be read (a video, a damaged file, an image past the
/// OCR budget) is passed over and counted; a password, a bomb or nesting
/// past the limit makes the whole archive not scanned.
pub(super) fn read(
    bytes: &[u8],
    out: &mut Collector,
    members: &[String],
) -> Result<(), NotScanned> {
    if members.len() as u32 >= out.limits.max_depth {
        return Err(NotScanned::TooDeep);
    }
    let limits = *out.limits;
    let mut archive = open(bytes, &limits)?;
    let names: Vec<(usize, String)> = (0..archive.len())
        .filter_map(|i| Some((i, name(&mut archive, i)?)))
        .collect();
    out.add(
        place(members, Part::MemberNames),
        names.iter().map(|(i, n)| (*i as u32 + 1, n.clone())),
    );
    for (i, name) in names {
        if name.ends_with('/') || out.full() {
            continue;
        }
        let inner = match member(&mut archive, i, out) {
            Ok(inner) => inner,
            Err(NotScanned::Unsupported | NotScanned::Malformed) => {
                out.skipped += 1;
                continue;
            }
            Err(e) => return Err(e),
        };
        let mut path = members.to_vec();
        path.push(name);
        match read_file(&inner, sniff::sniff(&inner), out, &path) {
            Ok(()) => {}
            Err(e @ (NotScanned::Encrypted | NotScanned::TooLarge | NotScanned::TooDeep)) => {
                return Err(e)
            }
            Err(_) => out.skipped += 1,
        }
    }
    Ok(())
}
