//! Packages that pass the signature: the fuzzer's bytes become the files of
//! a package (manifest, notes, a migration, a check, split at NUL bytes),
//! which is signed with the key the target trusts, so every input reaches
//! the checks after the signature (checksums, manifest, notes, scripts)
//! that the `package` target, whose mutations break the signature, cannot.
#![no_main]

use cutover_package::{build, sign};
use libfuzzer_sys::fuzz_target;

const SECRET: &str = include_str!("../../packages/demo/vendor-demo.key");
const PUBLIC: &str = include_str!("../../packages/demo/vendor-demo.pub");

fuzz_target!(|data: &[u8]| {
    let Ok(key) = sign::parse_signing_key(SECRET) else {
        return;
    };
    let names = ["manifest.json", "notes.md", "migrations/001_a.sql", "checks/001_a.sql"];
    let files: Vec<(String, Vec<u8>)> = names
        .iter()
        .zip(data.split(|b| *b == 0))
        .map(|(name, bytes)| (name.to_string(), bytes.to_vec()))
        .collect();
    let package = build::sign_and_zip(&files, &key);
    if let Ok(p) = cutover_package::open(&package, &[PUBLIC.trim().to_string()]) {
        // What passes is whole: a version, notes that render.
        let _ = p.manifest.version();
        for item in &p.notes {
            let _ = cutover_package::notes::render(&item.body, p.manifest.documentation_base.as_deref());
        }
    }
});
