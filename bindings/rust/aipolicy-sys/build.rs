// Tells rustc where libaipolicy is when it is not in a system directory:
// AIPOLICY_LIB_DIR=/path/to/aipolicy/lib/.libs cargo build
// (then run with LD_LIBRARY_PATH pointing there too, or install the library).
use std::env;

fn main() {
    println!("cargo:rerun-if-env-changed=AIPOLICY_LIB_DIR");
    println!("cargo:rerun-if-changed=build.rs");
    if let Ok(dir) = env::var("AIPOLICY_LIB_DIR") {
        if !dir.is_empty() {
            println!("cargo:rustc-link-search=native={}", dir);
        }
    }
}
