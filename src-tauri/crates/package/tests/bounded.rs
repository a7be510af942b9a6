//! Package reading is bounded before anything is inflated: a zip bomb, a
//! symbolic link and an entry that lies about its size are refused from the
//! archive's directory or at the declared size (two entries with one name:
//! fixture 38 in `malformed.rs`).

use cutover_package::build::{sign_and_zip, zip_bomb};
use cutover_package::{open, sign};
use ed25519_dalek::SigningKey;
use std::io::Cursor;

fn trusted() -> Vec<String> {
    vec![sign::public_key_text(
        &SigningKey::from_bytes(&[7; 32]).verifying_key(),
    )]
}

#[test]
fn a_zip_bomb_is_refused_from_its_directory() {
    // 500 entries of 8 MiB each: 4000 MiB uncompressed, about 4 MB of file.
    let bomb = zip_bomb(500, 8 * 1024 * 1024);
    assert!(bomb.len() < 16 * 1024 * 1024, "{}", bomb.len());
    let e = open(&bomb, &trusted()).expect_err("bomb");
    assert!(
        e.message
            .contains("add up to more than 64 MiB uncompressed"),
        "{}",
        e.message
    );
}

fn with_entries(write: impl FnOnce(&mut zip::ZipWriter<Cursor<Vec<u8>>>)) -> Vec<u8> {
    let mut writer = zip::ZipWriter::new(Cursor::new(Vec::new()));
    write(&mut writer);
    writer.finish().expect("zip").into_inner()
}

#[test]
fn a_symbolic_link_is_refused() {
    let options = zip::write::SimpleFileOptions::default();
    let bytes = with_entries(|w| {
        w.add_symlink("notes.md", "/etc/passwd", options)
            .expect("link");
    });
    let e = open(&bytes, &trusted()).expect_err("symlink");
    assert!(e.message.contains("symbolic link"), "{}", e.message);
}

#[test]
fn an_entry_larger_than_it_declares_is_refused_at_its_declared_size() {
    let mut files = vec![
        ("manifest.json".to_string(), b"{}".to_vec()),
        ("notes.md".to_string(), vec![b'x'; 4096]),
    ];
    files.sort();
    let mut bytes = sign_and_zip(&files, &SigningKey::from_bytes(&[7; 32]));
    // Lower notes.md's declared uncompressed size (4096 = 0x1000) to 16
    // wherever it is written, so its data inflates past its claim.
    let (from, to) = ([0x00u8, 0x10, 0x00, 0x00], [0x10u8, 0x00, 0x00, 0x00]);
    let mut i = 0;
    while i + 4 <= bytes.len() {
        if bytes[i..i + 4] == from {
            bytes[i..i + 4].copy_from_slice(&to);
        }
        i += 1;
    }
    let e = open(&bytes, &trusted()).expect_err("lying size");
    assert!(e.message.contains("damaged"), "{}", e.message);
}
