//! Integration tests against the real knowledge (AIPOLICY_DATA, else the
//! source tree's data/) and the example profiles.

use std::path::PathBuf;
use std::sync::Arc;

use aipolicy::{Applicability, ErrorKind, JsonStyle, KnowledgeBase,
               ObligationStatus};

const DATE: &str = "2027-12-02";

fn srcdir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn data_dir() -> PathBuf {
    match std::env::var_os("AIPOLICY_DATA") {
        Some(d) if !d.is_empty() => PathBuf::from(d),
        _ => srcdir().join("data"),
    }
}

fn profile(name: &str) -> PathBuf {
    srcdir().join("examples/profiles").join(name)
}

fn load() -> KnowledgeBase {
    KnowledgeBase::load(data_dir()).expect("loading the knowledge")
}

#[test]
fn cv_screening_is_high_risk() {
    let kb = load();
    let r = kb.classify_file(profile("cv-screening.yaml"), Some(DATE)).unwrap();
    assert_eq!(r.as_of(), DATE);
    let ai = r.regulation_index("eu-ai-act").expect("AI Act in the result");
    let reg = r.regulation(ai).unwrap();
    assert_eq!(reg.id, "eu-ai-act");
    assert_eq!(reg.applicability, Applicability::Applies);
    assert!(!reg.law_version.is_empty());
    let tier = r.dimension(ai, "tier").unwrap();
    assert_eq!(tier.value, "high");
    assert!(tier.determined);
    assert!(r.dimension(ai, "no-such-dimension").is_none());

    let art9 = reg.obligations.iter()
        .find(|o| o.id == "art9-risk-management").unwrap();
    assert_eq!(art9.citation.as_deref(), Some("Art. 9"));
    assert_eq!(art9.role.as_deref(), Some("provider"));
    assert_eq!(art9.status, ObligationStatus::InForce);
    assert_eq!(art9.applies_from, "2027-12-02");
    assert!(art9.certain);
    assert!(!reg.fired_rules.is_empty());
    assert!(reg.fired_rules.iter().all(|f| f.citation.is_some()));

    let ceiling = reg.penalty_ceiling.clone().unwrap();
    assert!(ceiling.amount > 0.0);
    assert_eq!(ceiling.currency.as_deref(), Some("EUR"));
    assert_eq!(r.penalty_ceiling(ai), Some(ceiling));
}

#[test]
fn json_matches_the_getters() {
    let kb = load();
    let r = kb.classify_file(profile("cv-screening.yaml"), Some(DATE)).unwrap();
    let pretty = r.to_json("en").unwrap();
    let compact = r.to_json_with("en", JsonStyle::Compact).unwrap();
    assert!(pretty.ends_with("}\n") && pretty.contains("\n  \"provenance\""));
    assert!(!compact.contains('\n'));
    assert!(compact.contains(&format!("\"as_of\":\"{}\"", DATE)));
    assert!(compact.contains(&format!("\"knowledge_fingerprint\":\"{}\"",
                                      kb.fingerprint())));
    for reg in r.regulations() {
        assert!(compact.contains(&format!("\"id\":\"{}\"", reg.id)));
        for o in &reg.obligations {
            assert!(compact.contains(&format!("\"id\":\"{}\"", o.id)));
        }
    }
    let fr = r.to_json("fr").unwrap();
    assert!(fr.contains("\"lang\": \"fr\"") && fr != pretty);
    let text = r.to_text("en").unwrap();
    assert!(text.starts_with(&format!("As of: {}\n", DATE)));
}

#[test]
fn the_date_changes_the_obligations() {
    let kb = load();
    let early = kb.classify_file(profile("cv-screening.yaml"), Some("2025-01-01"))
        .unwrap();
    let ai = early.regulation_index("eu-ai-act").unwrap();
    assert!(early.obligations(ai).iter()
        .all(|o| o.status == ObligationStatus::Upcoming));
}

#[test]
fn missing_facts_and_setters() {
    let kb = load();
    let mut q = kb.query().unwrap();
    q.set_bool("is_ai_system", true).unwrap();
    q.set_as_of(DATE).unwrap();
    let r = q.classify().unwrap();
    let ai = r.regulation_index("eu-ai-act").unwrap();
    assert_eq!(r.applicability(ai), Some(Applicability::Undetermined));
    let missing = r.missing_facts();
    assert!(!missing.is_empty());
    assert!(kb.facts("en").unwrap().iter().any(|f| f.id == missing[0]));

    // the same profile through setters and through a YAML document
    let mut q = kb.query().unwrap();
    q.add_to_set("ai_act_role", "provider").unwrap()
        .set_bool("is_ai_system", true).unwrap()
        .add_to_set("annex_iii_area", "recruitment").unwrap()
        .set_number("employee_count", 400.0).unwrap()
        .set_empty("practices").unwrap()
        .set_date("placed_on_market_date", "2025-03-01").unwrap()
        .set_as_of(DATE).unwrap();
    let a = q.classify().unwrap().to_json("en").unwrap();
    let b = kb.classify_str("p.yaml", "facts:\n  ai_act_role: [provider]\n  is_ai_system: true\n  annex_iii_area: [recruitment]\n  employee_count: 400\n  practices: []\n  placed_on_market_date: 2025-03-01\n", Some(DATE))
        .unwrap().to_json("en").unwrap();
    assert_eq!(a, b);
    assert_eq!(q.set_enum("enterprise_size", "gigantic").err().unwrap().kind(),
               ErrorKind::Invalid);
}

#[test]
fn errors_carry_positions() {
    let kb = load();
    let e = kb.classify_str("system.yaml",
                            "profile: 1\nfacts:\n  is_ai_system: true\n  no_such_fact: 3\n",
                            None).err().unwrap();
    assert_eq!(e.kind(), ErrorKind::Profile);
    assert_eq!(e.code(), -11);
    assert_eq!((e.file(), e.line(), e.column()), (Some("system.yaml"), 4, 3));
    assert_eq!(e.path(), Some("/facts/no_such_fact"));
    assert_eq!(e.to_string(),
               format!("system.yaml:4:3: /facts/no_such_fact: {}", e.message()));

    let e = kb.classify_file("/nonexistent/profile.yaml", None).err().unwrap();
    assert_eq!(e.kind(), ErrorKind::Io);
    let e = KnowledgeBase::load("/nonexistent/knowledge").err().unwrap();
    assert_eq!(e.kind(), ErrorKind::Io);
    let e = kb.classify_str("x.yaml", "facts:\n  a: [1, 2\n", None).err().unwrap();
    assert_eq!((e.kind(), e.file()), (ErrorKind::Yaml, Some("x.yaml")));
}

#[test]
fn introspection_and_transactions() {
    let kb = load();
    let ids: Vec<String> = kb.regulations("en").unwrap().into_iter()
        .map(|r| r.id).collect();
    assert_eq!(ids, ["eu-ai-act", "gdpr", "ca-sb53"]);
    let d = data_dir();
    let other = KnowledgeBase::from_files(&[d.join("sb53.yaml"), d.join("facts.yaml")])
        .unwrap();
    assert_eq!(other.regulations("fr").unwrap().len(), 1);
    let mut b = KnowledgeBase::builder().unwrap();
    b.add_dir(&d).unwrap();
    assert_eq!(b.build().unwrap().fingerprint(), kb.fingerprint());
}

#[test]
fn four_threads_share_one_knowledge_base() {
    let kb = load();
    let profiles: Vec<PathBuf> = ["cv-screening.yaml", "credit-scoring.yaml",
                                  "frontier-model.yaml", "spam-filter.yaml"]
        .iter().map(|p| profile(p)).collect();
    let expected: Vec<String> = profiles.iter()
        .map(|p| kb.classify_file(p, Some(DATE)).unwrap().to_json("en").unwrap())
        .collect();

    // borrowed by scoped threads
    std::thread::scope(|s| {
        for t in 0..4 {
            let (kb, profiles, expected) = (&kb, &profiles, &expected);
            s.spawn(move || {
                for round in 0..20 {
                    let i = (t + round) % profiles.len();
                    let r = kb.classify_file(&profiles[i], Some(DATE)).unwrap();
                    assert_eq!(r.to_json("en").unwrap(), expected[i]);
                }
            });
        }
    });

    // shared through Arc, and through clones (aip_kb_retain)
    let shared = Arc::new(kb.clone());
    let handles: Vec<_> = (0..4).map(|t| {
        let shared = Arc::clone(&shared);
        let own = kb.clone();
        let path = profiles[t].clone();
        let want = expected[t].clone();
        std::thread::spawn(move || {
            for _ in 0..10 {
                let a = shared.classify_file(&path, Some(DATE)).unwrap();
                let b = own.classify_file(&path, Some(DATE)).unwrap();
                assert_eq!(a.to_json("en").unwrap(), want);
                assert_eq!(b.to_json("en").unwrap(), want);
            }
        })
    }).collect();
    drop(kb); // the threads hold their own references
    for h in handles {
        h.join().unwrap();
    }
}

#[test]
fn results_move_between_threads() {
    let kb = load();
    let r = kb.classify_file(profile("cv-screening.yaml"), Some(DATE)).unwrap();
    drop(kb);
    let json = std::thread::spawn(move || r.to_json("en").unwrap())
        .join().unwrap();
    assert!(json.contains("eu-ai-act"));
}
