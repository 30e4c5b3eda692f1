//! Classifies profile files and prints a summary, or the JSON result.
//!
//!   AIPOLICY_LIB_DIR=lib/.libs cargo run --example classify -- \
//!       [--date YYYY-MM-DD] [--lang en|fr] [--json|--compact] PROFILE...
//!
//! (run with LD_LIBRARY_PATH=lib/.libs and AIPOLICY_DATA=data from a build
//! tree). With --json the output is byte for byte that of
//! `aipolicy classify --json` (used by bindings/test-identity.sh).

use std::process::exit;

use aipolicy::{JsonStyle, KnowledgeBase};

fn main() {
    let mut date = None;
    let mut lang = String::from("en");
    let mut json = None;
    let mut files = Vec::new();
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--date" => date = args.next(),
            "--lang" => lang = args.next().unwrap_or_default(),
            "--json" => json = Some(JsonStyle::Pretty),
            "--compact" => json = Some(JsonStyle::Compact),
            _ if arg.starts_with("--") => {
                eprintln!("usage: classify [--date D] [--lang en|fr] [--json|--compact] PROFILE...");
                exit(2);
            }
            _ => files.push(arg),
        }
    }

    let kb = KnowledgeBase::load_default().unwrap_or_else(|e| {
        eprintln!("knowledge: {}", e);
        exit(1)
    });
    let mut status = 0;
    for file in &files {
        let result = match kb.classify_file(file, date.as_deref()) {
            Ok(r) => r,
            Err(e) => {
                eprintln!("{}", e); // file:line:column: path: message
                status = 1;
                continue;
            }
        };
        if let Some(style) = json {
            match result.to_json_with(&lang, style) {
                Ok(text) => print!("{}", text),
                Err(e) => {
                    eprintln!("{}: {}", file, e);
                    status = 1;
                }
            }
            continue;
        }
        println!("{} (as of {})", file, result.as_of());
        for reg in result.regulations() {
            let tier = result.dimension(reg.index, "tier")
                .map(|d| d.value).unwrap_or_else(|| "-".into());
            println!("  {:<10} {:?}, tier {}, {} obligations{}", reg.id,
                     reg.applicability, tier, reg.obligations.len(),
                     match &reg.penalty_ceiling {
                         Some(p) => format!(", fines up to {} {}", p.amount,
                                            p.currency.as_deref().unwrap_or("")),
                         None => String::new(),
                     });
        }
        let missing = result.missing_facts();
        if !missing.is_empty() {
            println!("  missing: {}", missing.iter().take(3).cloned()
                .collect::<Vec<_>>().join(", "));
        }
    }
    exit(status);
}
