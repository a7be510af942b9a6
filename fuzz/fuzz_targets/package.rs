//! Opening any bytes as a package never panics.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = cutover_package::open(data, &["kMPUQTmO9ltzprFjhtM5hLb+onWCCfHlaA2sgr/uoBE=".to_string()]);
});
