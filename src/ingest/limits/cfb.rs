//! The CFB (OLE2) container of an .xls, walked the way calamine 0.38's container reader will
//! walk it, before it does: the header, the DIFAT and FAT sector lists, the directory, the
//! mini stream and the Workbook (or Book) stream. Every sector is checked against the end of
//! the file, every chain followed to its end or its length (one that visits a sector twice
//! loops). What calamine would panic on (a sector sliced past the end of its data, a FAT sector
//! cut short, a chain stepping from a sector the FAT does not list) or grow without bound on is
//! a `Fault`; otherwise the Workbook stream's bytes are returned exactly as calamine will see
//! them, for the BIFF records to be checked.

use std::fmt;

const DIFSECT: u32 = 0xFFFF_FFFC;
const RESERVED: u32 = 0xFFFF_FFFA;
const ENDOFCHAIN: u32 = 0xFFFF_FFFE;
const SIGNATURE: &[u8; 8] = b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1";

/// Why the container is refused (shown as technical information).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Fault {
    /// The header is short or says something no reader accepts.
    Header(&'static str),
    /// A sector of `what` lies (partly) past the end of the file.
    PastEnd { what: &'static str, id: u32 },
    /// A sector of the FAT or DIFAT is cut short by the end of the file.
    ShortSector { what: &'static str, id: u32 },
    /// A chain steps from a sector the FAT does not list (no FAT at all, or too short a one).
    NoFatEntry { what: &'static str, id: u32 },
    /// A chain is longer than the file has sectors: it loops.
    Loop { what: &'static str },
    /// More FAT sectors are listed than the file has sectors.
    FatTooLong(usize),
    /// The directory is empty or its root is unusable.
    NoRoot,
    /// No stream named Workbook or Book.
    NoWorkbook,
}

impl fmt::Display for Fault {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Fault::Header(what) => write!(f, "CFB header: {what}"),
            Fault::PastEnd { what, id } => write!(f, "CFB {what}: sector {id} past end of file"),
            Fault::ShortSector { what, id } => write!(f, "CFB {what}: sector {id} cut short"),
            Fault::NoFatEntry { what, id } => {
                write!(f, "CFB {what}: sector {id} has no FAT entry")
            }
            Fault::Loop { what } => write!(f, "CFB {what}: sector chain loops"),
            Fault::FatTooLong(n) => write!(f, "CFB: {n} FAT sectors listed, more than the file"),
            Fault::NoRoot => write!(f, "CFB: empty root directory"),
            Fault::NoWorkbook => write!(f, "CFB: no Workbook stream"),
        }
    }
}

/// The file's sectors as calamine's `Sectors` holds them: loaded lazily, in the order asked
/// for, so that a sector asked for after the end of the file was reached reads as zeros.
struct Sectors<'a> {
    /// The file after its header (the header takes one sector).
    data: &'a [u8],
    size: usize,
    /// Bytes calamine has in its buffer (read or zero-filled).
    loaded: usize,
    maxid: u32,
}

impl Sectors<'_> {
    /// The span of the buffer calamine returns for sector `id`: an error where calamine errs,
    /// panics or would slice past what it holds.
    fn get(&mut self, id: u32, what: &'static str) -> Result<(usize, usize), Fault> {
        let past = Fault::PastEnd { what, id };
        if id > self.maxid {
            return Err(past);
        }
        let start = id as usize * self.size;
        let end = start + self.size;
        if end > self.loaded {
            let before = self.loaded;
            self.loaded = end;
            if self.data.len() < end {
                let stop = before.max(self.data.len());
                return if start > stop {
                    Err(past)
                } else {
                    Ok((start, stop))
                };
            }
        }
        Ok((start, end))
    }

    fn bytes(&self, (start, stop): (usize, usize)) -> impl Iterator<Item = u8> + '_ {
        (start..stop).map(|p| self.data.get(p).copied().unwrap_or(0))
    }

    /// A sector read as a list of u32 (FAT, DIFAT): it must be whole words.
    fn words(&mut self, id: u32, what: &'static str) -> Result<Vec<u32>, Fault> {
        let span = self.get(id, what)?;
        if (span.1 - span.0) % 4 != 0 {
            return Err(Fault::ShortSector { what, id });
        }
        Ok(words(&self.bytes(span).collect::<Vec<_>>()))
    }

    /// The chain from `start` through `fats`, at most `len` bytes, as `get_chain` reads it.
    fn chain(
        &mut self,
        start: u32,
        fats: &[u32],
        len: usize,
        what: &'static str,
    ) -> Result<Vec<u8>, Fault> {
        let slots = self.maxid as usize + 1;
        follow(start, fats, len, what, slots, |id| {
            let span = self.get(id, what)?;
            Ok(self.bytes(span).collect())
        })
    }
}

/// Follows a chain from `start` through `fats` until it ends or `len` bytes are read: `sector`
/// gives a sector's bytes (or the fault of an id past the stream's `slots` sectors); a sector
/// seen twice is a loop, an id without a FAT entry a fault.
fn follow(
    start: u32,
    fats: &[u32],
    len: usize,
    what: &'static str,
    slots: usize,
    mut sector: impl FnMut(u32) -> Result<Vec<u8>, Fault>,
) -> Result<Vec<u8>, Fault> {
    let mut out = Vec::new();
    let mut id = start;
    let mut seen = vec![false; slots];
    while id != ENDOFCHAIN {
        let bytes = sector(id)?;
        if std::mem::replace(&mut seen[id as usize], true) {
            return Err(Fault::Loop { what });
        }
        let take = bytes.len().min(len - out.len());
        out.extend_from_slice(&bytes[..take]);
        if out.len() >= len {
            break;
        }
        id = *fats
            .get(id as usize)
            .ok_or(Fault::NoFatEntry { what, id })?;
    }
    Ok(out)
}

fn words(b: &[u8]) -> Vec<u32> {
    b.chunks_exact(4)
        .map(|w| u32::from_le_bytes([w[0], w[1], w[2], w[3]]))
        .collect()
}

fn u16_at(b: &[u8], at: usize) -> u16 {
    u16::from_le_bytes([b[at], b[at + 1]])
}

fn u32_at(b: &[u8], at: usize) -> u32 {
    u32::from_le_bytes([b[at], b[at + 1], b[at + 2], b[at + 3]])
}

/// A directory entry: its name as calamine decodes it, its first sector and length.
struct Entry {
    name: String,
    start: u32,
    len: usize,
}

fn entry(b: &[u8], large: bool) -> Entry {
    let mut name = encoding_rs::UTF_16LE.decode(&b[..64]).0.into_owned();
    if let Some(l) = name.find('\0') {
        name.truncate(l);
    }
    let len = if large {
        u64::from_le_bytes(b[120..128].try_into().unwrap_or_default()) as usize
    } else {
        u32_at(b, 120) as usize
    };
    Entry {
        name,
        start: u32_at(b, 116),
        len,
    }
}

/// The Workbook stream of the container `file`, as calamine will read it, or why calamine
/// would panic, err or exhaust memory on the way.
pub(super) fn workbook_stream(file: &[u8]) -> Result<Vec<u8>, Fault> {
    if file.len() < 512 || !file.starts_with(SIGNATURE) {
        return Err(Fault::Header("too short or not a CFB signature"));
    }
    let version = u16_at(file, 26);
    let size = match u16_at(file, 30) {
        9 => 512,
        12 if file.len() >= 4096 => 4096,
        12 => return Err(Fault::Header("4096-byte header cut short")),
        _ => return Err(Fault::Header("sector shift is neither 9 nor 12")),
    };
    if u16_at(file, 32) != 6 {
        return Err(Fault::Header("mini sector shift is not 6"));
    }
    let (dir_start, mini_fat_start) = (u32_at(file, 48), u32_at(file, 60));
    let mini_fat_len = u32_at(file, 64) as usize;
    let mut sectors = Sectors {
        data: &file[size..],
        size,
        loaded: 0,
        maxid: (file.len() / size) as u32,
    };
    let fats = fat(file, &mut sectors)?;
    let dirs = sectors.chain(dir_start, &fats, usize::MAX, "directory")?;
    let dirs: Vec<Entry> = dirs
        .chunks_exact(128)
        .map(|c| entry(c, size == 4096))
        .collect();
    let Some(root) = dirs.first() else {
        return Err(Fault::NoRoot);
    };
    if version != 3 && root.start == ENDOFCHAIN {
        return Err(Fault::NoRoot);
    }
    let (mini_fats, ministream) = if mini_fat_len > 0 {
        let ministream = sectors.chain(root.start, &fats, root.len, "mini stream")?;
        let minifat = sectors.chain(mini_fat_start, &fats, mini_fat_len * size, "mini FAT")?;
        if minifat.len() % 4 != 0 {
            let id = mini_fat_start;
            return Err(Fault::ShortSector {
                what: "mini FAT",
                id,
            });
        }
        (words(&minifat), ministream)
    } else {
        (Vec::new(), Vec::new())
    };
    let named = |n: &str| {
        dirs.iter()
            .find(|d| d.name.as_bytes().eq_ignore_ascii_case(n.as_bytes()))
    };
    let wb = named("Workbook")
        .or_else(|| named("Book"))
        .ok_or(Fault::NoWorkbook)?;
    if wb.len < 4096 {
        mini_chain(&ministream, &mini_fats, wb.start, wb.len)
    } else {
        sectors.chain(wb.start, &fats, wb.len, "Workbook")
    }
}

/// The FAT: the DIFAT's sectors (109 in the header, then a chain of DIFAT sectors), each read.
fn fat(file: &[u8], sectors: &mut Sectors) -> Result<Vec<u32>, Fault> {
    let mut difat = words(&file[76..512]);
    let mut id = u32_at(file, 68);
    let mut seen = vec![false; sectors.maxid as usize + 1];
    while id < RESERVED {
        let words = sectors.words(id, "DIFAT")?;
        if std::mem::replace(&mut seen[id as usize], true) {
            return Err(Fault::Loop { what: "DIFAT" });
        }
        difat.extend(words);
        id = difat.pop().ok_or(Fault::PastEnd { what: "DIFAT", id })?;
    }
    // The header's 109 entries are read whatever they hold (a writer may leave zeros for
    // "none"); beyond them, no more FAT sectors than the file has sectors.
    let listed: Vec<u32> = difat.into_iter().filter(|&id| id < DIFSECT).collect();
    if listed.len() > (sectors.maxid as usize + 1).max(109) {
        return Err(Fault::FatTooLong(listed.len()));
    }
    let mut fats = Vec::new();
    for id in listed {
        fats.extend(sectors.words(id, "FAT")?);
    }
    Ok(fats)
}

/// A stream of the mini stream: every mini sector must lie inside the mini stream (beyond it
/// calamine reads on from the file, or slices past what it holds).
fn mini_chain(ministream: &[u8], fats: &[u32], start: u32, len: usize) -> Result<Vec<u8>, Fault> {
    let what = "Workbook (mini stream)";
    follow(start, fats, len, what, ministream.len() / 64, |id| {
        let at = id as usize * 64;
        ministream
            .get(at..at + 64)
            .map(<[u8]>::to_vec)
            .ok_or(Fault::PastEnd { what, id })
    })
}

#[cfg(test)]
#[path = "cfb_tests.rs"]
mod tests;
