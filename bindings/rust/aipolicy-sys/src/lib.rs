//! Raw declarations of the libaipolicy C API (`include/aipolicy.h`).
//!
//! Everything here is `unsafe` and follows the C rules to the letter:
//! handles are opaque, `const char *` getters are borrowed from their parent
//! object, strings returned through `char **` are owned by the caller and
//! freed with [`aip_string_free`], `aip_error **` outputs are freed with
//! [`aip_error_free`]. Use the safe `aipolicy` crate instead.
//!
//! Written by hand from the header (no bindgen: no crates are available).
#![allow(non_camel_case_types)]

use std::marker::{PhantomData, PhantomPinned};

// std::os::raw rather than core::ffi: the crate builds with Rust 1.63
// (Debian 12's rustc).
pub use std::os::raw::{c_char, c_double, c_int, c_uint, c_void};

macro_rules! opaque {
    ($($name:ident),*) => {$(
        /// Opaque handle (zero-sized on the Rust side, never constructed).
        #[repr(C)]
        pub struct $name {
            _data: [u8; 0],
            _marker: PhantomData<(*mut u8, PhantomPinned)>,
        }
    )*};
}
opaque!(aip_kb_builder, aip_kb, aip_query, aip_result, aip_error);

// Status codes: fixed values, never renumbered.
pub const AIP_OK: c_int = 0;
pub const AIP_ENOMEM: c_int = -1;
pub const AIP_EINVAL: c_int = -2;
pub const AIP_EIO: c_int = -3;
pub const AIP_EYAML: c_int = -4;
pub const AIP_ESCHEMA: c_int = -5;
pub const AIP_EVERSION: c_int = -6;
pub const AIP_EDUPLICATE: c_int = -7;
pub const AIP_ENOTFOUND: c_int = -8;
pub const AIP_ERANGE: c_int = -9;
pub const AIP_ELIMIT: c_int = -10;
pub const AIP_EPROFILE: c_int = -11;
pub const AIP_EINTERNAL: c_int = -99;

// aip_applicability
pub const AIP_DOES_NOT_APPLY: c_int = 0;
pub const AIP_APPLIES: c_int = 1;
pub const AIP_UNDETERMINED: c_int = 2;

// aip_obligation_status
pub const AIP_IN_FORCE: c_int = 0;
pub const AIP_UPCOMING: c_int = 1;

// aip_result_to_json flags
pub const AIP_JSON_PRETTY: c_uint = 1;

/// `fn(ctx, NULL, 0, n)` allocates, `fn(ctx, p, old, n)` resizes,
/// `fn(ctx, p, old, 0)` frees.
pub type aip_alloc_fn = Option<
    unsafe extern "C" fn(ctx: *mut c_void, ptr: *mut c_void, old_size: usize,
                         new_size: usize) -> *mut c_void,
>;

#[repr(C)]
#[derive(Clone, Copy)]
pub struct aip_allocator {
    pub fn_: aip_alloc_fn,
    pub ctx: *mut c_void,
}

#[link(name = "aipolicy")]
extern "C" {
    // Status codes and errors
    pub fn aip_strerror(code: c_int) -> *const c_char;
    pub fn aip_error_code(err: *const aip_error) -> c_int;
    pub fn aip_error_message(err: *const aip_error) -> *const c_char;
    pub fn aip_error_file(err: *const aip_error) -> *const c_char;
    pub fn aip_error_line(err: *const aip_error) -> c_uint;
    pub fn aip_error_column(err: *const aip_error) -> c_uint;
    pub fn aip_error_path(err: *const aip_error) -> *const c_char;
    pub fn aip_error_free(err: *mut aip_error);

    // Memory and versions
    pub fn aip_string_free(str_: *mut c_char);
    pub fn aip_version() -> *const c_char;
    pub fn aip_version_number() -> c_int;
    pub fn aip_schema_version() -> c_int;

    // Knowledge bases
    pub fn aip_kb_builder_new(alloc: *const aip_allocator,
                              out: *mut *mut aip_kb_builder) -> c_int;
    pub fn aip_kb_builder_free(builder: *mut aip_kb_builder);
    pub fn aip_kb_builder_add_file(builder: *mut aip_kb_builder,
                                   path: *const c_char,
                                   err: *mut *mut aip_error) -> c_int;
    pub fn aip_kb_builder_add_files(builder: *mut aip_kb_builder,
                                    paths: *const *const c_char, count: usize,
                                    err: *mut *mut aip_error) -> c_int;
    pub fn aip_kb_builder_add_dir(builder: *mut aip_kb_builder,
                                  dir: *const c_char,
                                  err: *mut *mut aip_error) -> c_int;
    pub fn aip_kb_builder_add_buffer(builder: *mut aip_kb_builder,
                                     name: *const c_char, data: *const c_char,
                                     len: usize,
                                     err: *mut *mut aip_error) -> c_int;
    pub fn aip_kb_builder_build(builder: *mut aip_kb_builder,
                                out: *mut *mut aip_kb,
                                err: *mut *mut aip_error) -> c_int;
    pub fn aip_default_data_dir() -> *const c_char;
    pub fn aip_kb_load_path(alloc: *const aip_allocator, path: *const c_char,
                            out: *mut *mut aip_kb,
                            err: *mut *mut aip_error) -> c_int;
    pub fn aip_kb_load_default(alloc: *const aip_allocator,
                               out: *mut *mut aip_kb,
                               err: *mut *mut aip_error) -> c_int;
    pub fn aip_kb_retain(kb: *mut aip_kb) -> *mut aip_kb;
    pub fn aip_kb_release(kb: *mut aip_kb);
    pub fn aip_kb_fingerprint(kb: *const aip_kb) -> *const c_char;
    pub fn aip_kb_regulation_count(kb: *const aip_kb) -> usize;
    pub fn aip_kb_regulation_id(kb: *const aip_kb, i: usize) -> *const c_char;
    pub fn aip_kb_regulation_title(kb: *const aip_kb, i: usize,
                                   lang: *const c_char) -> *const c_char;
    pub fn aip_kb_rule_count(kb: *const aip_kb, regulation: usize) -> usize;
    pub fn aip_kb_rule_id(kb: *const aip_kb, regulation: usize, i: usize)
        -> *const c_char;
    pub fn aip_kb_rule_citation(kb: *const aip_kb, regulation: usize,
                                i: usize) -> *const c_char;
    pub fn aip_kb_fact_count(kb: *const aip_kb) -> usize;
    pub fn aip_kb_fact_id(kb: *const aip_kb, i: usize) -> *const c_char;
    pub fn aip_kb_fact_type(kb: *const aip_kb, i: usize) -> *const c_char;
    pub fn aip_kb_fact_label(kb: *const aip_kb, i: usize, lang: *const c_char)
        -> *const c_char;
    pub fn aip_kb_fact_question(kb: *const aip_kb, i: usize,
                                lang: *const c_char) -> *const c_char;

    // Queries
    pub fn aip_query_new(kb: *mut aip_kb, out: *mut *mut aip_query) -> c_int;
    pub fn aip_query_free(query: *mut aip_query);
    pub fn aip_query_set_bool(q: *mut aip_query, fact: *const c_char,
                              value: c_int) -> c_int;
    pub fn aip_query_set_enum(q: *mut aip_query, fact: *const c_char,
                              value: *const c_char) -> c_int;
    pub fn aip_query_add_to_set(q: *mut aip_query, fact: *const c_char,
                                value: *const c_char) -> c_int;
    pub fn aip_query_set_empty(q: *mut aip_query, fact: *const c_char) -> c_int;
    pub fn aip_query_set_number(q: *mut aip_query, fact: *const c_char,
                                value: c_double) -> c_int;
    pub fn aip_query_set_date(q: *mut aip_query, fact: *const c_char,
                              yyyy_mm_dd: *const c_char) -> c_int;
    pub fn aip_query_unset(q: *mut aip_query, fact: *const c_char) -> c_int;
    pub fn aip_query_set_as_of(q: *mut aip_query, yyyy_mm_dd: *const c_char)
        -> c_int;
    pub fn aip_query_parse(q: *mut aip_query, name: *const c_char,
                           data: *const c_char, len: usize,
                           err: *mut *mut aip_error) -> c_int;
    pub fn aip_query_load_file(q: *mut aip_query, path: *const c_char,
                               err: *mut *mut aip_error) -> c_int;

    // Classification and results
    pub fn aip_classify(q: *const aip_query, out: *mut *mut aip_result,
                        err: *mut *mut aip_error) -> c_int;
    pub fn aip_result_free(result: *mut aip_result);
    pub fn aip_result_as_of(r: *const aip_result) -> *const c_char;
    pub fn aip_result_regulation_count(r: *const aip_result) -> usize;
    pub fn aip_result_regulation_id(r: *const aip_result, reg: usize)
        -> *const c_char;
    pub fn aip_result_law_version(r: *const aip_result, reg: usize)
        -> *const c_char;
    pub fn aip_result_applicability(r: *const aip_result, reg: usize) -> c_int;
    pub fn aip_result_dimension(r: *const aip_result, reg: usize,
                                dimension: *const c_char,
                                determined: *mut c_int) -> *const c_char;
    pub fn aip_result_obligation_count(r: *const aip_result, reg: usize)
        -> usize;
    pub fn aip_result_obligation_id(r: *const aip_result, reg: usize,
                                    i: usize) -> *const c_char;
    pub fn aip_result_obligation_role(r: *const aip_result, reg: usize,
                                      i: usize) -> *const c_char;
    pub fn aip_result_obligation_citation(r: *const aip_result, reg: usize,
                                          i: usize) -> *const c_char;
    pub fn aip_result_obligation_applies_from(r: *const aip_result,
                                              reg: usize, i: usize)
        -> *const c_char;
    pub fn aip_result_obligation_status(r: *const aip_result, reg: usize,
                                        i: usize) -> c_int;
    pub fn aip_result_obligation_certain(r: *const aip_result, reg: usize,
                                         i: usize) -> c_int;
    pub fn aip_result_fired_count(r: *const aip_result, reg: usize) -> usize;
    pub fn aip_result_fired_rule(r: *const aip_result, reg: usize, i: usize)
        -> *const c_char;
    pub fn aip_result_fired_citation(r: *const aip_result, reg: usize,
                                     i: usize) -> *const c_char;
    pub fn aip_result_missing_count(r: *const aip_result) -> usize;
    pub fn aip_result_missing_fact(r: *const aip_result, i: usize)
        -> *const c_char;
    pub fn aip_result_penalty_ceiling(r: *const aip_result, reg: usize,
                                      out: *mut c_double,
                                      currency: *mut *const c_char) -> c_int;
    pub fn aip_result_to_json(r: *const aip_result, lang: *const c_char,
                              flags: c_uint, out: *mut *mut c_char,
                              len: *mut usize) -> c_int;
    pub fn aip_result_to_text(r: *const aip_result, lang: *const c_char,
                              out: *mut *mut c_char, len: *mut usize) -> c_int;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn links_and_reports_a_version() {
        unsafe {
            assert!(aip_version_number() >= 100);
            assert!(!aip_version().is_null());
            assert_eq!(aip_schema_version(), 1);
            assert!(!aip_strerror(AIP_EPROFILE).is_null());
        }
    }

    #[test]
    fn null_is_accepted_where_the_header_says_so() {
        unsafe {
            aip_error_free(std::ptr::null_mut());
            aip_string_free(std::ptr::null_mut());
            aip_kb_release(std::ptr::null_mut());
            aip_query_free(std::ptr::null_mut());
            aip_result_free(std::ptr::null_mut());
            aip_kb_builder_free(std::ptr::null_mut());
            assert_eq!(aip_error_line(std::ptr::null()), 0);
        }
    }
}
