//! A release package describes itself before any key is trusted (the new
//! account form takes the platform's name from it), yet only when its
//! archive, checksums and signature hold; the signer is shown, not trusted.

use cutover_package::{describe, open, sign};
use std::path::PathBuf;

fn demo(name: &str) -> Vec<u8> {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../packages/demo");
    std::fs::read(root.join(name)).expect("demo package")
}

#[test]
fn a_package_says_its_platform_and_signer_without_being_trusted() {
    let bytes = demo("northwind-10.0.4.zip");
    let facts = describe(&bytes).expect("described");
    assert_eq!(facts.platform, "Northwind Cloud Platform");
    assert_eq!(facts.version, "10.0.4");
    assert!(!facts.upgrades_from.is_empty());
    let public = std::fs::read_to_string(
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../packages/demo/vendor-demo.pub"),
    )
    .expect("key");
    assert_eq!(facts.signer_fingerprint, sign::fingerprint(public.trim()));
    // Describing trusts nothing: opening still wants the key trusted.
    let e = open(&bytes, &[]).expect_err("untrusted");
    assert!(e.message.contains("does not trust"), "{}", e.message);
}

#[test]
fn a_damaged_package_describes_nothing() {
    let mut bytes = demo("northwind-10.0.4.zip");
    let n = bytes.len();
    bytes[n / 2] ^= 0xff;
    assert!(describe(&bytes).is_err());
    assert!(describe(b"not a zip")
        .unwrap_err()
        .message
        .contains("not a Cutover package"));
}
