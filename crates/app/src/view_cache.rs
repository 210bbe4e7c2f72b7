//! The read model kept on disk between runs of a server, so a restart answers in seconds
//! instead of reading the whole store again.
//!
//! A snapshot is the [`View`] as it stood, with the store's change cursor it had reached. It
//! is only ever a starting point: the server reads back what changed in the store since that
//! cursor exactly as it does while running ([`crate::read_model::catch_up`]), and when the
//! changes cannot be taken in place (a batch resolution or scoring replaced what the view
//! rests on) it builds the view from the store as if there were no snapshot. So a snapshot
//! that is days old costs time, never correctness.
//!
//! A snapshot is refused, and the view built from the store, when it was written by another
//! build of interdict (the layout of a view belongs to the code that wrote it), for another
//! store (each store holds a random instance name, [`INSTANCE`]), or when its bytes do not
//! match their BLAKE3 hash. It is written to a new file that replaces the old one only once
//! complete, so a crash while writing leaves the previous snapshot or none.

use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

use interdict_store::Store;
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::read_model::View;

/// The derived output naming this store: a random value made the first time a snapshot is
/// written or read for it.
pub const INSTANCE: &str = "store/instance";

const MAGIC: &[u8; 16] = b"interdict-view\0\x01";
/// Length and BLAKE3 hash of the body, after it.
const TRAILER: usize = 8 + 32;

#[derive(Debug, Serialize, Deserialize, PartialEq, Eq)]
struct Header {
    build: String,
    instance: String,
}

/// Where a server keeps the snapshot of a store's read model when not told: beside a SQLite
/// file (`<db>.view`); for a PostgreSQL URL, in the user's cache directory under a name taken
/// from the URL (without its password), or nowhere when there is none.
pub fn default_path(db: &Path) -> Option<PathBuf> {
    if !crate::open::is_url(db) {
        let mut name = db.as_os_str().to_owned();
        name.push(".view");
        return Some(PathBuf::from(name));
    }
    let cache = std::env::var_os("XDG_CACHE_HOME")
        .filter(|d| !d.is_empty())
        .map(PathBuf::from)
        .or_else(|| {
            std::env::var_os("HOME")
                .filter(|d| !d.is_empty())
                .map(|h| PathBuf::from(h).join(".cache"))
        })?;
    let hash = blake3::hash(crate::open::redact_url(&db.to_string_lossy()).as_bytes());
    Some(
        cache
            .join("interdict")
            .join(format!("{}.view", &hash.to_hex()[..16])),
    )
}

/// The store's instance name, made and kept the first time it is asked for.
pub fn store_instance(store: &mut dyn Store) -> Result<String> {
    if let Some(name) = store.get_derived(INSTANCE)? {
        return Ok(String::from_utf8_lossy(&name).into_owned());
    }
    let name = format!("{:032x}", rand::random::<u128>());
    store.put_derived(INSTANCE, name.as_bytes(), &crate::now())?;
    // Two processes making one at once: the one kept wins for both.
    Ok(store
        .get_derived(INSTANCE)?
        .map(|n| String::from_utf8_lossy(&n).into_owned())
        .unwrap_or(name))
}

/// Which build of interdict is running: its executable's size and modification time. Any
/// rebuild changes it, so a snapshot is never read by code that lays a view out differently.
fn build_id() -> String {
    let version = env!("CARGO_PKG_VERSION");
    let Some(meta) = std::env::current_exe()
        .ok()
        .and_then(|p| std::fs::metadata(p).ok())
    else {
        return format!("{version}/unknown");
    };
    let modified = meta
        .modified()
        .ok()
        .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
        .map_or(0, |d| d.as_nanos());
    format!("{version}/{}/{modified}", meta.len())
}

/// Writes the snapshot of `view` of the store named `instance` to `path`; gives its size.
pub fn save(view: &View, path: &Path, instance: &str) -> Result<u64> {
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).map_err(|e| Error::file(dir, e))?;
    }
    let mut tmp = path.as_os_str().to_owned();
    tmp.push(format!(".{}.tmp", std::process::id()));
    let tmp = PathBuf::from(tmp);
    let written = write(view, &tmp, instance);
    match written {
        Ok(size) => {
            std::fs::rename(&tmp, path).map_err(|e| Error::file(path, e))?;
            Ok(size)
        }
        Err(e) => {
            let _ = std::fs::remove_file(&tmp);
            Err(e)
        }
    }
}

/// A writer that hashes and counts what passes through it.
struct Hashing<W> {
    inner: W,
    hasher: blake3::Hasher,
    len: u64,
}

impl<W: Write> Write for Hashing<W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let n = self.inner.write(buf)?;
        self.hasher.update(&buf[..n]);
        self.len += n as u64;
        Ok(n)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.inner.flush()
    }
}

fn write(view: &View, path: &Path, instance: &str) -> Result<u64> {
    let io = |e: std::io::Error| Error::file(path, e);
    let file = std::fs::File::create(path).map_err(io)?;
    let mut out = BufWriter::with_capacity(1 << 20, file);
    out.write_all(MAGIC).map_err(io)?;
    let header = postcard::to_stdvec(&Header {
        build: build_id(),
        instance: instance.to_owned(),
    })
    .map_err(|e| Error::Corrupt(format!("{}: {e}", path.display())))?;
    out.write_all(&(header.len() as u64).to_le_bytes())
        .map_err(io)?;
    out.write_all(&header).map_err(io)?;
    let body = postcard::to_io(
        view,
        Hashing {
            inner: out,
            hasher: blake3::Hasher::new(),
            len: 0,
        },
    )
    .map_err(|e| Error::Corrupt(format!("{}: {e}", path.display())))?;
    let Hashing {
        inner: mut out,
        hasher,
        len,
    } = body;
    out.write_all(&len.to_le_bytes()).map_err(io)?;
    out.write_all(hasher.finalize().as_bytes()).map_err(io)?;
    let file = out.into_inner().map_err(|e| io(e.into_error()))?;
    file.sync_all().map_err(io)?;
    Ok(file.metadata().map_err(io)?.len())
}

/// What reading a snapshot gave.
pub enum Loaded {
    /// The view as it was written; [`View::cursor`] says how far into the store it is.
    View(Box<View>),
    /// There is no snapshot.
    Absent,
    /// There is one that may not be used, and why.
    Refused(String),
}

/// Reads the snapshot at `path` of the store named `instance`.
pub fn load(path: &Path, instance: &str) -> Loaded {
    let bytes = match std::fs::read(path) {
        Ok(b) => b,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Loaded::Absent,
        Err(e) => return Loaded::Refused(format!("{}: {e}", path.display())),
    };
    match parse(&bytes, instance) {
        Ok(view) => Loaded::View(Box::new(view)),
        Err(why) => Loaded::Refused(format!("{}: {why}", path.display())),
    }
}

fn parse(bytes: &[u8], instance: &str) -> std::result::Result<View, String> {
    let rest = bytes
        .strip_prefix(MAGIC.as_slice())
        .ok_or("not a snapshot of a read model")?;
    let (len, rest) = rest.split_at_checked(8).ok_or("cut short")?;
    let len = u64::from_le_bytes(len.try_into().expect("eight bytes")) as usize;
    let (header, rest) = rest.split_at_checked(len).ok_or("cut short")?;
    let header: Header = postcard::from_bytes(header).map_err(|e| format!("header: {e}"))?;
    if header.build != build_id() {
        return Err("written by another build of interdict".into());
    }
    if header.instance != instance {
        return Err("written for another store".into());
    }
    let body_len = rest.len().checked_sub(TRAILER).ok_or("cut short")?;
    let (body, trailer) = rest.split_at(body_len);
    let said = u64::from_le_bytes(trailer[..8].try_into().expect("eight bytes"));
    if said != body_len as u64 {
        return Err(format!("{body_len} bytes where {said} were written"));
    }
    if blake3::hash(body).as_bytes() != &trailer[8..] {
        return Err("its bytes do not match their hash".into());
    }
    postcard::from_bytes(body).map_err(|e| format!("unreadable: {e}"))
}

/// A record's stored form as bytes in a snapshot (not a list of numbers).
pub(crate) mod boxed_bytes {
    use serde::{Deserializer, Serializer, de};

    pub fn serialize<S: Serializer>(bytes: &[u8], s: S) -> Result<S::Ok, S::Error> {
        s.serialize_bytes(bytes)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Box<[u8]>, D::Error> {
        struct Bytes;
        impl<'de> de::Visitor<'de> for Bytes {
            type Value = Box<[u8]>;

            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("bytes")
            }

            fn visit_bytes<E: de::Error>(self, v: &[u8]) -> Result<Box<[u8]>, E> {
                Ok(v.into())
            }

            fn visit_byte_buf<E: de::Error>(self, v: Vec<u8>) -> Result<Box<[u8]>, E> {
                Ok(v.into_boxed_slice())
            }
        }
        d.deserialize_bytes(Bytes)
    }
}

/// Sharing groups in a snapshot: each member in its written form (`org:NAME`, `user:NAME`).
pub(crate) mod groups_as_text {
    use std::collections::{BTreeMap, BTreeSet};

    use interdict_access::Member;
    use serde::{Deserialize, Deserializer, Serialize, Serializer};

    use crate::sharing::Sharing;

    pub fn serialize<S: Serializer>(groups: &Sharing, s: S) -> Result<S::Ok, S::Error> {
        let text: BTreeMap<&str, Vec<String>> = groups
            .iter()
            .map(|(g, members)| (g.as_str(), members.iter().map(Member::to_string).collect()))
            .collect();
        text.serialize(s)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Sharing, D::Error> {
        let text = BTreeMap::<String, Vec<String>>::deserialize(d)?;
        Ok(text
            .into_iter()
            .map(|(g, members)| {
                let set: BTreeSet<Member> = members.iter().map(|m| Member::parse(m)).collect();
                (g, set)
            })
            .collect())
    }
}
