//! Safe Rust bindings for libaipolicy: classify AI systems and models under
//! the regulations of a knowledge base (EU AI Act, GDPR, California SB 53...).
//!
//! ```no_run
//! use aipolicy::KnowledgeBase;
//!
//! let kb = KnowledgeBase::load_default()?;          // $AIPOLICY_DATA or installed
//! let mut query = kb.query()?;
//! query.load_file("examples/profiles/cv-screening.yaml")?;
//! query.set_as_of("2027-12-02")?;
//! let result = query.classify()?;
//! let ai_act = result.regulation_index("eu-ai-act").unwrap();
//! println!("tier: {:?}", result.dimension(ai_act, "tier"));
//! println!("{}", result.to_json("en")?);
//! # Ok::<(), aipolicy::Error>(())
//! ```
//!
//! # Ownership and threads
//!
//! Every handle frees its C object in `Drop`, exactly once. Accessors copy
//! what they return into owned Rust values, so nothing borrowed from the
//! library outlives its parent.
//!
//! * [`KnowledgeBase`] is immutable and reference-counted (atomically) by the
//!   library: it is `Send + Sync`, `Clone` adds a reference, and any number of
//!   threads may classify against it at once.
//! * [`Query`], [`ClassifyResult`] and [`Builder`] belong to one thread at a
//!   time: they are `Send` but not `Sync`. A query keeps its own reference to
//!   the knowledge base, and a result to the knowledge base too, so either may
//!   outlive the `KnowledgeBase` value it came from.

use std::ffi::{CStr, CString};
use std::fmt;
use std::os::raw::{c_char, c_int};
use std::path::{Path, PathBuf};
use std::ptr::{self, NonNull};

pub use aipolicy_sys as sys;

/// Oldest library version (MAJOR*10000+MINOR*100+PATCH) these bindings
/// support.
pub const MIN_VERSION: i32 = 100;
/// Knowledge-file schema versions these bindings support (inclusive).
pub const SCHEMA_VERSIONS: (i32, i32) = (1, 1);

// ---------------------------------------------------------------------------
// Errors
// ---------------------------------------------------------------------------

/// What kind of failure an [`Error`] is (the `aip_status` code).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ErrorKind {
    NoMemory,
    Invalid,
    Io,
    Yaml,
    Schema,
    Version,
    Duplicate,
    NotFound,
    Range,
    Limit,
    Profile,
    Internal,
    /// A code this version of the bindings does not know.
    Other(i32),
}

impl ErrorKind {
    pub fn from_code(code: i32) -> ErrorKind {
        match code {
            sys::AIP_ENOMEM => ErrorKind::NoMemory,
            sys::AIP_EINVAL => ErrorKind::Invalid,
            sys::AIP_EIO => ErrorKind::Io,
            sys::AIP_EYAML => ErrorKind::Yaml,
            sys::AIP_ESCHEMA => ErrorKind::Schema,
            sys::AIP_EVERSION => ErrorKind::Version,
            sys::AIP_EDUPLICATE => ErrorKind::Duplicate,
            sys::AIP_ENOTFOUND => ErrorKind::NotFound,
            sys::AIP_ERANGE => ErrorKind::Range,
            sys::AIP_ELIMIT => ErrorKind::Limit,
            sys::AIP_EPROFILE => ErrorKind::Profile,
            sys::AIP_EINTERNAL => ErrorKind::Internal,
            other => ErrorKind::Other(other),
        }
    }

    /// The C name of the code, e.g. "AIP_EPROFILE".
    pub fn name(self) -> &'static str {
        match self {
            ErrorKind::NoMemory => "AIP_ENOMEM",
            ErrorKind::Invalid => "AIP_EINVAL",
            ErrorKind::Io => "AIP_EIO",
            ErrorKind::Yaml => "AIP_EYAML",
            ErrorKind::Schema => "AIP_ESCHEMA",
            ErrorKind::Version => "AIP_EVERSION",
            ErrorKind::Duplicate => "AIP_EDUPLICATE",
            ErrorKind::NotFound => "AIP_ENOTFOUND",
            ErrorKind::Range => "AIP_ERANGE",
            ErrorKind::Limit => "AIP_ELIMIT",
            ErrorKind::Profile => "AIP_EPROFILE",
            ErrorKind::Internal => "AIP_EINTERNAL",
            ErrorKind::Other(_) => "AIP_E?",
        }
    }
}

/// A failure reported by libaipolicy, with where it is when known.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Error {
    code: i32,
    message: String,
    file: Option<String>,
    line: u32,
    column: u32,
    path: Option<String>,
}

impl Error {
    /// An error with a message and no position.
    pub fn new(code: i32, message: impl Into<String>) -> Error {
        Error { code, message: message.into(), file: None, line: 0, column: 0,
                path: None }
    }

    fn from_status(code: c_int, context: &str) -> Error {
        let text = unsafe { borrowed(sys::aip_strerror(code)) }
            .unwrap_or_default();
        if context.is_empty() {
            Error::new(code, text)
        } else {
            Error::new(code, format!("{}: {}", context, text))
        }
    }

    /// Takes an `aip_error` (may be NULL): copies its fields, then frees it.
    ///
    /// # Safety
    /// `err` is NULL or an error returned by the library, not yet freed.
    unsafe fn take(code: c_int, err: *mut sys::aip_error, context: &str)
        -> Error {
        if err.is_null() {
            return Error::from_status(code, context);
        }
        let e = Error {
            code: match sys::aip_error_code(err) {
                0 => code,
                c => c,
            },
            message: borrowed(sys::aip_error_message(err)).unwrap_or_default(),
            file: borrowed(sys::aip_error_file(err)),
            line: sys::aip_error_line(err),
            column: sys::aip_error_column(err),
            path: borrowed(sys::aip_error_path(err)),
        };
        sys::aip_error_free(err);
        e
    }

    /// The `aip_status` code (negative).
    pub fn code(&self) -> i32 {
        self.code
    }
    pub fn kind(&self) -> ErrorKind {
        ErrorKind::from_code(self.code)
    }
    /// The library's message, naming the offending key or value.
    pub fn message(&self) -> &str {
        &self.message
    }
    /// File (or buffer name) the error is in.
    pub fn file(&self) -> Option<&str> {
        self.file.as_deref()
    }
    /// 1-based line; 0 when not applicable.
    pub fn line(&self) -> u32 {
        self.line
    }
    /// 1-based column; 0 when not applicable.
    pub fn column(&self) -> u32 {
        self.column
    }
    /// YAML path of the offending node, e.g. "/facts/annex_iii_area".
    pub fn path(&self) -> Option<&str> {
        self.path.as_deref()
    }
}

impl fmt::Display for Error {
    /// `file:line:column: path: message`, omitting what is unknown.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(file) = &self.file {
            write!(f, "{}", file)?;
            if self.line > 0 {
                write!(f, ":{}", self.line)?;
                if self.column > 0 {
                    write!(f, ":{}", self.column)?;
                }
            }
            write!(f, ": ")?;
        }
        if let Some(path) = &self.path {
            write!(f, "{}: ", path)?;
        }
        write!(f, "{}", self.message)
    }
}

impl std::error::Error for Error {}

pub type Result<T> = std::result::Result<T, Error>;

// ---------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------

/// Copies a borrowed C string (NULL -> None).
///
/// # Safety
/// `p` is NULL or a NUL-terminated string valid for the call.
unsafe fn borrowed(p: *const c_char) -> Option<String> {
    if p.is_null() {
        None
    } else {
        Some(CStr::from_ptr(p).to_string_lossy().into_owned())
    }
}

/// Copies an owned string out of the library, then frees it (once).
///
/// # Safety
/// `p` was returned through a `char **` out parameter with length `len`.
unsafe fn take_string(p: *mut c_char, len: usize) -> Result<String> {
    let bytes = std::slice::from_raw_parts(p as *const u8, len).to_vec();
    sys::aip_string_free(p);
    String::from_utf8(bytes).map_err(|_| {
        Error::new(sys::AIP_EINTERNAL, "the library returned invalid UTF-8")
    })
}

fn cstring(what: &str, s: &str) -> Result<CString> {
    CString::new(s).map_err(|_| {
        Error::new(sys::AIP_EINVAL, format!("{} contains a NUL byte", what))
    })
}

fn cpath(p: &Path) -> Result<CString> {
    #[cfg(unix)]
    let bytes = {
        use std::os::unix::ffi::OsStrExt;
        p.as_os_str().as_bytes().to_vec()
    };
    #[cfg(not(unix))]
    let bytes = p
        .to_str()
        .ok_or_else(|| Error::new(sys::AIP_EINVAL, "path is not UTF-8"))?
        .as_bytes()
        .to_vec();
    CString::new(bytes).map_err(|_| {
        Error::new(sys::AIP_EINVAL, "path contains a NUL byte")
    })
}

fn clang(lang: &str) -> Result<CString> {
    match lang {
        "en" | "fr" => cstring("lang", lang),
        _ => Err(Error::new(sys::AIP_EINVAL,
                            format!("lang must be en or fr, not {}", lang))),
    }
}

fn check(rc: c_int, context: &str) -> Result<()> {
    if rc == sys::AIP_OK {
        Ok(())
    } else {
        Err(Error::from_status(rc, context))
    }
}

/// # Safety
/// `err` is the `aip_error *` the failed call wrote (or NULL).
unsafe fn check_err(rc: c_int, err: *mut sys::aip_error, context: &str)
    -> Result<()> {
    if rc == sys::AIP_OK {
        Ok(())
    } else {
        Err(Error::take(rc, err, context))
    }
}

// ---------------------------------------------------------------------------
// Versions
// ---------------------------------------------------------------------------

/// Runtime library version, "MAJOR.MINOR.PATCH".
pub fn version() -> String {
    unsafe { borrowed(sys::aip_version()) }.unwrap_or_default()
}

/// Runtime library version, MAJOR*10000+MINOR*100+PATCH.
pub fn version_number() -> i32 {
    unsafe { sys::aip_version_number() }
}

/// The knowledge-file schema_version the library reads.
pub fn schema_version() -> i32 {
    unsafe { sys::aip_schema_version() }
}

/// `$AIPOLICY_DATA` if set, else the knowledge directory installed.
pub fn default_data_dir() -> PathBuf {
    PathBuf::from(unsafe { borrowed(sys::aip_default_data_dir()) }
        .unwrap_or_default())
}

/// Checks that the library linked is recent enough for these bindings.
/// Every `KnowledgeBase` constructor calls it.
pub fn check_version() -> Result<()> {
    let number = version_number();
    if number < MIN_VERSION {
        return Err(Error::new(sys::AIP_EVERSION, format!(
            "libaipolicy {} is older than {}.{}.{}", version(),
            MIN_VERSION / 10000, MIN_VERSION / 100 % 100, MIN_VERSION % 100)));
    }
    let schema = schema_version();
    if schema < SCHEMA_VERSIONS.0 || schema > SCHEMA_VERSIONS.1 {
        return Err(Error::new(sys::AIP_EVERSION, format!(
            "libaipolicy reads knowledge schema {}, these bindings {}..{}",
            schema, SCHEMA_VERSIONS.0, SCHEMA_VERSIONS.1)));
    }
    Ok(())
}

// ---------------------------------------------------------------------------
// Knowledge bases
// ---------------------------------------------------------------------------

/// Loaded regulations and facts: immutable, shared between threads.
pub struct KnowledgeBase {
    ptr: NonNull<sys::aip_kb>,
}

// SAFETY: an aip_kb is immutable once built, its reference count is atomic,
// and the header allows classifying, retaining and releasing from any number
// of threads at once (include/aipolicy.h, "Thread safety").
unsafe impl Send for KnowledgeBase {}
unsafe impl Sync for KnowledgeBase {}

impl KnowledgeBase {
    /// Loads the default knowledge ([`default_data_dir`]).
    pub fn load_default() -> Result<KnowledgeBase> {
        check_version()?;
        let mut out = ptr::null_mut();
        let mut err = ptr::null_mut();
        unsafe {
            let rc = sys::aip_kb_load_default(ptr::null(), &mut out, &mut err);
            check_err(rc, err, "loading knowledge")?;
        }
        Ok(KnowledgeBase::wrap(out))
    }

    /// Loads a knowledge directory (every `*.yaml`) or one file.
    pub fn load(path: impl AsRef<Path>) -> Result<KnowledgeBase> {
        check_version()?;
        let path = cpath(path.as_ref())?;
        let mut out = ptr::null_mut();
        let mut err = ptr::null_mut();
        unsafe {
            let rc = sys::aip_kb_load_path(ptr::null(), path.as_ptr(), &mut out,
                                           &mut err);
            check_err(rc, err, "loading knowledge")?;
        }
        Ok(KnowledgeBase::wrap(out))
    }

    /// Loads several files as one transaction (they may refer to each
    /// other's facts whatever their order).
    pub fn from_files<P: AsRef<Path>>(paths: &[P]) -> Result<KnowledgeBase> {
        let mut builder = Builder::new()?;
        builder.add_files(paths)?;
        builder.build()
    }

    /// A builder, to load knowledge from several places.
    pub fn builder() -> Result<Builder> {
        Builder::new()
    }

    fn wrap(ptr: *mut sys::aip_kb) -> KnowledgeBase {
        KnowledgeBase {
            ptr: NonNull::new(ptr).expect("the library returned AIP_OK and NULL"),
        }
    }

    /// "sha256:" followed by the digest of the loaded files' bytes.
    pub fn fingerprint(&self) -> String {
        unsafe { borrowed(sys::aip_kb_fingerprint(self.ptr.as_ptr())) }
            .unwrap_or_default()
    }

    /// The regulations loaded, with their rules, in load order.
    pub fn regulations(&self, lang: &str) -> Result<Vec<RegulationInfo>> {
        let lang = clang(lang)?;
        let kb = self.ptr.as_ptr() as *const sys::aip_kb;
        let mut list = Vec::new();
        unsafe {
            for i in 0..sys::aip_kb_regulation_count(kb) {
                let rules = (0..sys::aip_kb_rule_count(kb, i))
                    .map(|j| RuleInfo {
                        id: borrowed(sys::aip_kb_rule_id(kb, i, j))
                            .unwrap_or_default(),
                        citation: borrowed(sys::aip_kb_rule_citation(kb, i, j)),
                    })
                    .collect();
                list.push(RegulationInfo {
                    id: borrowed(sys::aip_kb_regulation_id(kb, i))
                        .unwrap_or_default(),
                    title: borrowed(sys::aip_kb_regulation_title(
                        kb, i, lang.as_ptr())),
                    rules,
                });
            }
        }
        Ok(list)
    }

    /// The facts a profile may give, in declaration order.
    pub fn facts(&self, lang: &str) -> Result<Vec<FactInfo>> {
        let lang = clang(lang)?;
        let kb = self.ptr.as_ptr() as *const sys::aip_kb;
        unsafe {
            Ok((0..sys::aip_kb_fact_count(kb))
                .map(|i| FactInfo {
                    id: borrowed(sys::aip_kb_fact_id(kb, i)).unwrap_or_default(),
                    kind: borrowed(sys::aip_kb_fact_type(kb, i))
                        .unwrap_or_default(),
                    label: borrowed(sys::aip_kb_fact_label(kb, i,
                                                           lang.as_ptr())),
                    question: borrowed(sys::aip_kb_fact_question(
                        kb, i, lang.as_ptr())),
                })
                .collect())
        }
    }

    /// A new, empty query against this knowledge (all facts unknown, as-of
    /// date today).
    pub fn query(&self) -> Result<Query> {
        let mut out = ptr::null_mut();
        check(unsafe { sys::aip_query_new(self.ptr.as_ptr(), &mut out) },
              "aip_query_new")?;
        Ok(Query {
            ptr: NonNull::new(out).expect("the library returned AIP_OK and NULL"),
        })
    }

    /// Classifies the profile file at `path`, on `as_of` when given (else on
    /// the profile's date, else today).
    pub fn classify_file(&self, path: impl AsRef<Path>, as_of: Option<&str>)
        -> Result<ClassifyResult> {
        let mut query = self.query()?;
        query.load_file(path)?;
        if let Some(date) = as_of {
            query.set_as_of(date)?;
        }
        query.classify()
    }

    /// Classifies a profile document held in memory (YAML or JSON);
    /// `name` is used in error positions.
    pub fn classify_str(&self, name: &str, profile: &str, as_of: Option<&str>)
        -> Result<ClassifyResult> {
        let mut query = self.query()?;
        query.parse(name, profile)?;
        if let Some(date) = as_of {
            query.set_as_of(date)?;
        }
        query.classify()
    }
}

impl Clone for KnowledgeBase {
    /// Another reference to the same knowledge (aip_kb_retain).
    fn clone(&self) -> KnowledgeBase {
        KnowledgeBase::wrap(unsafe { sys::aip_kb_retain(self.ptr.as_ptr()) })
    }
}

impl Drop for KnowledgeBase {
    fn drop(&mut self) {
        unsafe { sys::aip_kb_release(self.ptr.as_ptr()) }
    }
}

impl fmt::Debug for KnowledgeBase {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("KnowledgeBase")
            .field("fingerprint", &self.fingerprint())
            .finish()
    }
}

/// A regulation of the knowledge base.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RegulationInfo {
    pub id: String,
    pub title: Option<String>,
    pub rules: Vec<RuleInfo>,
}

/// A rule of a regulation.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RuleInfo {
    pub id: String,
    pub citation: Option<String>,
}

/// A fact of the vocabulary.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FactInfo {
    pub id: String,
    /// "bool", "enum", "set", "number" or "date".
    pub kind: String,
    pub label: Option<String>,
    pub question: Option<String>,
}

/// Collects knowledge files; each `add_*` is a transaction (on error the
/// builder is unchanged).
pub struct Builder {
    ptr: NonNull<sys::aip_kb_builder>,
}

// SAFETY: a builder may move between threads; it is used by one at a time.
unsafe impl Send for Builder {}

impl Builder {
    pub fn new() -> Result<Builder> {
        check_version()?;
        let mut out = ptr::null_mut();
        check(unsafe { sys::aip_kb_builder_new(ptr::null(), &mut out) },
              "aip_kb_builder_new")?;
        Ok(Builder {
            ptr: NonNull::new(out).expect("the library returned AIP_OK and NULL"),
        })
    }

    pub fn add_file(&mut self, path: impl AsRef<Path>) -> Result<&mut Self> {
        let path = cpath(path.as_ref())?;
        let mut err = ptr::null_mut();
        unsafe {
            let rc = sys::aip_kb_builder_add_file(self.ptr.as_ptr(),
                                                  path.as_ptr(), &mut err);
            check_err(rc, err, "loading knowledge")?;
        }
        Ok(self)
    }

    pub fn add_files<P: AsRef<Path>>(&mut self, paths: &[P])
        -> Result<&mut Self> {
        let owned = paths
            .iter()
            .map(|p| cpath(p.as_ref()))
            .collect::<Result<Vec<_>>>()?;
        let raw: Vec<*const c_char> = owned.iter().map(|p| p.as_ptr()).collect();
        let mut err = ptr::null_mut();
        unsafe {
            let rc = sys::aip_kb_builder_add_files(self.ptr.as_ptr(),
                                                   raw.as_ptr(), raw.len(),
                                                   &mut err);
            check_err(rc, err, "loading knowledge")?;
        }
        Ok(self)
    }

    pub fn add_dir(&mut self, dir: impl AsRef<Path>) -> Result<&mut Self> {
        let dir = cpath(dir.as_ref())?;
        let mut err = ptr::null_mut();
        unsafe {
            let rc = sys::aip_kb_builder_add_dir(self.ptr.as_ptr(),
                                                 dir.as_ptr(), &mut err);
            check_err(rc, err, "loading knowledge")?;
        }
        Ok(self)
    }

    /// Adds a document held in memory; `name` appears in error messages.
    pub fn add_buffer(&mut self, name: &str, data: &[u8]) -> Result<&mut Self> {
        let name = cstring("name", name)?;
        let mut err = ptr::null_mut();
        unsafe {
            let rc = sys::aip_kb_builder_add_buffer(
                self.ptr.as_ptr(), name.as_ptr(), data.as_ptr() as *const c_char,
                data.len(), &mut err);
            check_err(rc, err, "loading knowledge")?;
        }
        Ok(self)
    }

    /// The knowledge of everything added so far; the builder stays usable.
    pub fn build(&self) -> Result<KnowledgeBase> {
        let mut out = ptr::null_mut();
        let mut err = ptr::null_mut();
        unsafe {
            let rc = sys::aip_kb_builder_build(self.ptr.as_ptr(), &mut out,
                                               &mut err);
            check_err(rc, err, "building knowledge")?;
        }
        Ok(KnowledgeBase::wrap(out))
    }
}

impl Drop for Builder {
    fn drop(&mut self) {
        unsafe { sys::aip_kb_builder_free(self.ptr.as_ptr()) }
    }
}

// ---------------------------------------------------------------------------
// Queries
// ---------------------------------------------------------------------------

/// The facts of one profile and the as-of date. Facts not set are unknown.
/// Setters fail with [`ErrorKind::Invalid`] (unknown fact, wrong type, value
/// not allowed) and leave the query unchanged.
pub struct Query {
    ptr: NonNull<sys::aip_query>,
}

// SAFETY: a query may move to another thread (it holds its own reference to
// the knowledge base); it is not Sync: one thread at a time.
unsafe impl Send for Query {}

impl Query {
    fn set(&mut self, what: &str, fact: &str,
           f: impl FnOnce(*mut sys::aip_query, *const c_char) -> c_int)
        -> Result<&mut Self> {
        let c_fact = cstring("fact", fact)?;
        let rc = f(self.ptr.as_ptr(), c_fact.as_ptr());
        check(rc, &format!("{} {}", what, fact))?;
        Ok(self)
    }

    pub fn set_bool(&mut self, fact: &str, value: bool) -> Result<&mut Self> {
        self.set("setting", fact, |q, f| unsafe {
            sys::aip_query_set_bool(q, f, value as c_int)
        })
    }

    pub fn set_enum(&mut self, fact: &str, value: &str) -> Result<&mut Self> {
        let v = cstring("value", value)?;
        self.set("setting", fact, |q, f| unsafe {
            sys::aip_query_set_enum(q, f, v.as_ptr())
        })
    }

    /// Adds one value to a set fact (which becomes known).
    pub fn add_to_set(&mut self, fact: &str, value: &str) -> Result<&mut Self> {
        let v = cstring("value", value)?;
        self.set("adding to", fact, |q, f| unsafe {
            sys::aip_query_add_to_set(q, f, v.as_ptr())
        })
    }

    /// Makes a set fact known and empty.
    pub fn set_empty(&mut self, fact: &str) -> Result<&mut Self> {
        self.set("emptying", fact, |q, f| unsafe {
            sys::aip_query_set_empty(q, f)
        })
    }

    pub fn set_number(&mut self, fact: &str, value: f64) -> Result<&mut Self> {
        self.set("setting", fact, |q, f| unsafe {
            sys::aip_query_set_number(q, f, value)
        })
    }

    /// `date` is "YYYY-MM-DD".
    pub fn set_date(&mut self, fact: &str, date: &str) -> Result<&mut Self> {
        let d = cstring("date", date)?;
        self.set("setting", fact, |q, f| unsafe {
            sys::aip_query_set_date(q, f, d.as_ptr())
        })
    }

    /// Makes a fact unknown again.
    pub fn unset(&mut self, fact: &str) -> Result<&mut Self> {
        self.set("unsetting", fact, |q, f| unsafe {
            sys::aip_query_unset(q, f)
        })
    }

    /// The as-of date, "YYYY-MM-DD" (default: today, UTC).
    pub fn set_as_of(&mut self, date: &str) -> Result<&mut Self> {
        let d = cstring("date", date)?;
        let rc = unsafe { sys::aip_query_set_as_of(self.ptr.as_ptr(),
                                                   d.as_ptr()) };
        if rc != sys::AIP_OK {
            return Err(Error::new(rc, format!(
                "date must be a real date YYYY-MM-DD, not {}", date)));
        }
        Ok(self)
    }

    /// Reads a profile document (YAML or JSON) into the query, replacing its
    /// facts (and date when the profile has one). `name` is used in errors.
    pub fn parse(&mut self, name: &str, profile: &str) -> Result<&mut Self> {
        let name = cstring("name", name)?;
        let mut err = ptr::null_mut();
        unsafe {
            let rc = sys::aip_query_parse(
                self.ptr.as_ptr(), name.as_ptr(),
                profile.as_ptr() as *const c_char, profile.len(), &mut err);
            check_err(rc, err, "reading the profile")?;
        }
        Ok(self)
    }

    /// Reads a profile file (YAML or JSON) into the query.
    pub fn load_file(&mut self, path: impl AsRef<Path>) -> Result<&mut Self> {
        let path = cpath(path.as_ref())?;
        let mut err = ptr::null_mut();
        unsafe {
            let rc = sys::aip_query_load_file(self.ptr.as_ptr(), path.as_ptr(),
                                              &mut err);
            check_err(rc, err, "reading the profile")?;
        }
        Ok(self)
    }

    /// Classifies the query against its knowledge base.
    pub fn classify(&self) -> Result<ClassifyResult> {
        let mut out = ptr::null_mut();
        let mut err = ptr::null_mut();
        unsafe {
            let rc = sys::aip_classify(self.ptr.as_ptr(), &mut out, &mut err);
            check_err(rc, err, "classifying")?;
        }
        Ok(ClassifyResult {
            ptr: NonNull::new(out).expect("the library returned AIP_OK and NULL"),
        })
    }
}

impl Drop for Query {
    fn drop(&mut self) {
        unsafe { sys::aip_query_free(self.ptr.as_ptr()) }
    }
}

// ---------------------------------------------------------------------------
// Results
// ---------------------------------------------------------------------------

/// Whether a regulation applies to the profile.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Applicability {
    DoesNotApply,
    Applies,
    /// Depends on missing facts.
    Undetermined,
}

/// Whether an obligation binds on the as-of date.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ObligationStatus {
    InForce,
    Upcoming,
}

/// The value of a classification dimension ("tier": "high").
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DimensionValue {
    /// The current value (the floor when undetermined).
    pub value: String,
    /// true when the value cannot change with the missing facts.
    pub determined: bool,
}

/// An obligation reported for a regulation.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Obligation {
    pub id: String,
    /// None when the regulation has no roles.
    pub role: Option<String>,
    pub citation: Option<String>,
    /// "YYYY-MM-DD".
    pub applies_from: String,
    pub status: ObligationStatus,
    /// false when it depends on missing facts.
    pub certain: bool,
}

/// A rule that fired (the explanation).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FiredRule {
    pub id: String,
    pub citation: Option<String>,
}

/// The highest fine engaged and in force.
#[derive(Clone, Debug, PartialEq)]
pub struct PenaltyCeiling {
    pub amount: f64,
    /// ISO 4217 code, e.g. "EUR".
    pub currency: Option<String>,
}

/// Everything the C getters say about one regulation, copied out.
#[derive(Clone, Debug, PartialEq)]
pub struct RegulationOutcome {
    /// Index for the per-regulation accessors of [`ClassifyResult`].
    pub index: usize,
    pub id: String,
    /// The law version in force on the as-of date.
    pub law_version: String,
    pub applicability: Applicability,
    pub obligations: Vec<Obligation>,
    pub fired_rules: Vec<FiredRule>,
    pub penalty_ceiling: Option<PenaltyCeiling>,
}

/// The answer to one query. Accessors return owned values.
pub struct ClassifyResult {
    ptr: NonNull<sys::aip_result>,
}

// SAFETY: a result may move to another thread (it holds its own reference to
// the knowledge base); not Sync: one thread at a time.
unsafe impl Send for ClassifyResult {}

/// Layout of [`ClassifyResult::to_json_with`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum JsonStyle {
    /// Two-space indentation, newline at the end (`aipolicy classify --json`).
    Pretty,
    /// One line, no trailing newline.
    Compact,
}

impl ClassifyResult {
    fn raw(&self) -> *const sys::aip_result {
        self.ptr.as_ptr()
    }

    /// The as-of date the result was computed for.
    pub fn as_of(&self) -> String {
        unsafe { borrowed(sys::aip_result_as_of(self.raw())) }
            .unwrap_or_default()
    }

    pub fn regulation_count(&self) -> usize {
        unsafe { sys::aip_result_regulation_count(self.raw()) }
    }

    /// The index of a regulation by id ("eu-ai-act").
    pub fn regulation_index(&self, id: &str) -> Option<usize> {
        (0..self.regulation_count()).find(|&i| {
            unsafe { borrowed(sys::aip_result_regulation_id(self.raw(), i)) }
                .as_deref() == Some(id)
        })
    }

    /// Every regulation, in knowledge order.
    pub fn regulations(&self) -> Vec<RegulationOutcome> {
        (0..self.regulation_count())
            .filter_map(|i| self.regulation(i))
            .collect()
    }

    /// One regulation by index, or None out of range.
    pub fn regulation(&self, reg: usize) -> Option<RegulationOutcome> {
        let id = unsafe { borrowed(sys::aip_result_regulation_id(self.raw(),
                                                                 reg)) }?;
        Some(RegulationOutcome {
            index: reg,
            id,
            law_version: unsafe {
                borrowed(sys::aip_result_law_version(self.raw(), reg))
            }
            .unwrap_or_default(),
            applicability: self.applicability(reg)?,
            obligations: self.obligations(reg),
            fired_rules: self.fired_rules(reg),
            penalty_ceiling: self.penalty_ceiling(reg),
        })
    }

    pub fn applicability(&self, reg: usize) -> Option<Applicability> {
        match unsafe { sys::aip_result_applicability(self.raw(), reg) } {
            sys::AIP_APPLIES => Some(Applicability::Applies),
            sys::AIP_DOES_NOT_APPLY => Some(Applicability::DoesNotApply),
            sys::AIP_UNDETERMINED => Some(Applicability::Undetermined),
            _ => None,
        }
    }

    /// A dimension's value by id ("tier"), or None when the regulation or
    /// the dimension is unknown.
    pub fn dimension(&self, reg: usize, dimension: &str)
        -> Option<DimensionValue> {
        let dim = CString::new(dimension).ok()?;
        let mut determined: c_int = 0;
        let value = unsafe {
            borrowed(sys::aip_result_dimension(self.raw(), reg, dim.as_ptr(),
                                               &mut determined))
        }?;
        Some(DimensionValue { value, determined: determined != 0 })
    }

    pub fn obligations(&self, reg: usize) -> Vec<Obligation> {
        let r = self.raw();
        let n = unsafe { sys::aip_result_obligation_count(r, reg) };
        (0..n)
            .map(|i| unsafe {
                Obligation {
                    id: borrowed(sys::aip_result_obligation_id(r, reg, i))
                        .unwrap_or_default(),
                    role: borrowed(sys::aip_result_obligation_role(r, reg, i)),
                    citation: borrowed(sys::aip_result_obligation_citation(
                        r, reg, i)),
                    applies_from: borrowed(
                        sys::aip_result_obligation_applies_from(r, reg, i))
                        .unwrap_or_default(),
                    status: if sys::aip_result_obligation_status(r, reg, i)
                        == sys::AIP_UPCOMING
                    {
                        ObligationStatus::Upcoming
                    } else {
                        ObligationStatus::InForce
                    },
                    certain: sys::aip_result_obligation_certain(r, reg, i) == 1,
                }
            })
            .collect()
    }

    pub fn fired_rules(&self, reg: usize) -> Vec<FiredRule> {
        let r = self.raw();
        let n = unsafe { sys::aip_result_fired_count(r, reg) };
        (0..n)
            .map(|i| unsafe {
                FiredRule {
                    id: borrowed(sys::aip_result_fired_rule(r, reg, i))
                        .unwrap_or_default(),
                    citation: borrowed(sys::aip_result_fired_citation(r, reg,
                                                                      i)),
                }
            })
            .collect()
    }

    /// Missing facts over all regulations, most decisive first.
    pub fn missing_facts(&self) -> Vec<String> {
        let r = self.raw();
        let n = unsafe { sys::aip_result_missing_count(r) };
        (0..n)
            .filter_map(|i| unsafe { borrowed(sys::aip_result_missing_fact(r, i)) })
            .collect()
    }

    /// The penalty ceiling of the regulation, None when no fine is engaged.
    pub fn penalty_ceiling(&self, reg: usize) -> Option<PenaltyCeiling> {
        let mut amount = 0.0;
        let mut currency: *const c_char = ptr::null();
        let rc = unsafe {
            sys::aip_result_penalty_ceiling(self.raw(), reg, &mut amount,
                                            &mut currency)
        };
        if rc != sys::AIP_OK {
            return None;
        }
        Some(PenaltyCeiling { amount, currency: unsafe { borrowed(currency) } })
    }

    /// The result as pretty JSON (doc/json-output.md), titles in `lang`
    /// ("en" or "fr"): the same bytes as `aipolicy classify --json`.
    pub fn to_json(&self, lang: &str) -> Result<String> {
        self.to_json_with(lang, JsonStyle::Pretty)
    }

    pub fn to_json_with(&self, lang: &str, style: JsonStyle) -> Result<String> {
        let lang = clang(lang)?;
        let flags = match style {
            JsonStyle::Pretty => sys::AIP_JSON_PRETTY,
            JsonStyle::Compact => 0,
        };
        let mut out: *mut c_char = ptr::null_mut();
        let mut len = 0usize;
        unsafe {
            check(sys::aip_result_to_json(self.raw(), lang.as_ptr(), flags,
                                          &mut out, &mut len),
                  "aip_result_to_json")?;
            take_string(out, len)
        }
    }

    /// A report for people, in "en" or "fr".
    pub fn to_text(&self, lang: &str) -> Result<String> {
        let lang = clang(lang)?;
        let mut out: *mut c_char = ptr::null_mut();
        let mut len = 0usize;
        unsafe {
            check(sys::aip_result_to_text(self.raw(), lang.as_ptr(), &mut out,
                                          &mut len),
                  "aip_result_to_text")?;
            take_string(out, len)
        }
    }
}

impl Drop for ClassifyResult {
    fn drop(&mut self) {
        unsafe { sys::aip_result_free(self.ptr.as_ptr()) }
    }
}

impl fmt::Debug for ClassifyResult {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClassifyResult")
            .field("as_of", &self.as_of())
            .field("regulations", &self.regulations())
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const FACTS: &str = "schema_version: 1\nfacts:\n  - id: flag\n    type: bool\n    label: {en: Flag, fr: Drapeau}\n    question: {en: Flag?, fr: Drapeau ?}\n";

    fn assert_send_sync<T: Send + Sync>() {}
    fn assert_send<T: Send>() {}

    #[test]
    fn thread_markers() {
        assert_send_sync::<KnowledgeBase>();
        assert_send::<Query>();
        assert_send::<ClassifyResult>();
        assert_send::<Builder>();
    }

    #[test]
    fn version_is_checked() {
        assert!(check_version().is_ok());
        assert!(version_number() >= MIN_VERSION);
        assert_eq!(version().split('.').count(), 3);
    }

    #[test]
    fn error_display_has_the_position() {
        let mut e = Error::new(sys::AIP_EPROFILE, "unknown fact 'x'");
        assert_eq!(e.to_string(), "unknown fact 'x'");
        e.file = Some("p.yaml".into());
        e.line = 3;
        e.column = 5;
        e.path = Some("/facts/x".into());
        assert_eq!(e.to_string(), "p.yaml:3:5: /facts/x: unknown fact 'x'");
        assert_eq!(e.kind(), ErrorKind::Profile);
        assert_eq!(e.kind().name(), "AIP_EPROFILE");
        assert_eq!(ErrorKind::from_code(-42), ErrorKind::Other(-42));
    }

    #[test]
    fn builder_from_memory_and_error_positions() {
        let mut b = Builder::new().unwrap();
        let bad = FACTS.replace("type: bool", "type: boolean");
        let e = b.add_buffer("facts.yaml", bad.as_bytes()).err().unwrap();
        assert_eq!(e.kind(), ErrorKind::Schema);
        assert_eq!((e.file(), e.line(), e.column()), (Some("facts.yaml"), 4, 11));
        assert_eq!(e.path(), Some("/facts/0/type"));
        // the failed add left the builder unchanged and usable
        b.add_buffer("facts.yaml", FACTS.as_bytes()).unwrap();
        let kb = b.build().unwrap();
        let facts = kb.facts("en").unwrap();
        assert_eq!(facts.len(), 1);
        assert_eq!(facts[0].kind, "bool");
        assert_eq!(facts[0].label.as_deref(), Some("Flag"));
        assert_eq!(kb.facts("fr").unwrap()[0].label.as_deref(), Some("Drapeau"));
        assert!(kb.facts("de").is_err());
        assert!(kb.fingerprint().starts_with("sha256:"));
    }

    #[test]
    fn query_setters_and_errors() {
        let mut b = Builder::new().unwrap();
        b.add_buffer("facts.yaml", FACTS.as_bytes()).unwrap();
        let kb = b.build().unwrap();
        let mut q = kb.query().unwrap();
        q.set_bool("flag", true).unwrap().unset("flag").unwrap();
        let e = q.set_bool("nope", true).err().unwrap();
        assert_eq!(e.kind(), ErrorKind::Invalid);
        assert!(e.message().contains("nope"));
        assert_eq!(q.set_number("flag", 1.0).err().unwrap().kind(),
                   ErrorKind::Invalid);
        assert_eq!(q.set_bool("fl\0ag", true).err().unwrap().kind(),
                   ErrorKind::Invalid);
        assert!(q.set_as_of("2027-02-30").is_err());
        q.set_as_of("2027-12-02").unwrap();
        let e = q.parse("p.yaml", "facts:\n  flag: 3\n").err().unwrap();
        assert_eq!((e.kind(), e.line(), e.path()),
                   (ErrorKind::Profile, 2, Some("/facts/flag")));
        q.parse("p.yaml", "facts:\n  flag: true\n").unwrap();
        let r = q.classify().unwrap();
        assert_eq!(r.as_of(), "2027-12-02");
        assert_eq!(r.regulation_count(), 0);
        assert!(r.regulation(0).is_none());
        assert!(r.dimension(0, "tier").is_none());
        assert!(r.penalty_ceiling(0).is_none());
        let json = r.to_json_with("en", JsonStyle::Compact).unwrap();
        assert!(json.starts_with("{\"format\":\"aipolicy-result\""));
        assert!(r.to_json("xx").is_err());
    }

    #[test]
    fn clone_adds_a_reference() {
        let mut b = Builder::new().unwrap();
        b.add_buffer("facts.yaml", FACTS.as_bytes()).unwrap();
        let kb = b.build().unwrap();
        drop(b);
        let other = kb.clone();
        let q = kb.query().unwrap();
        drop(kb);
        assert_eq!(other.facts("en").unwrap().len(), 1);
        drop(other);
        // the query holds its own reference: still usable
        assert!(q.classify().is_ok());
    }
}
