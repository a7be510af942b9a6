//! The manifest and notes parsers take any bytes without panicking.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(manifest) = cutover_package::Manifest::parse(data) {
        // A manifest that parses has a usable version and type.
        let _ = (manifest.version(), manifest.release_type(), manifest.fixed_versions());
    }
    if let Ok(text) = std::str::from_utf8(data) {
        if let Ok(items) = cutover_package::notes::parse(text) {
            for item in items {
                let _ = cutover_package::notes::render(&item.body, None);
            }
        }
    }
});
