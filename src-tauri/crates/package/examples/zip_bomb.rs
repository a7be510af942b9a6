//! How fast, and in how much memory, a zip bomb is refused: 500 entries of
//! 8 MiB each (4000 MiB uncompressed). Prints the median of five refusals
//! and the process's peak resident memory (VmHWM) after them.
//!
//! cargo run --release -p cutover-package --example zip_bomb

use std::time::Instant;

fn peak_kib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1)?.parse().ok())
        })
        .unwrap_or(0)
}

fn main() {
    let bomb = cutover_package::build::zip_bomb(500, 8 * 1024 * 1024);
    let before = peak_kib();
    let mut times = Vec::new();
    for _ in 0..5 {
        let t = Instant::now();
        let refused = cutover_package::open(&bomb, &[]).is_err();
        times.push(t.elapsed());
        assert!(refused);
    }
    times.sort();
    println!(
        "bomb of {:.1} MB: refused in {:.2} ms (median of 5); peak RSS {:.1} MB (before reading: {:.1} MB, building the bomb included)",
        bomb.len() as f64 / 1e6,
        times[2].as_secs_f64() * 1000.0,
        peak_kib() as f64 / 1024.0,
        before as f64 / 1024.0
    );
}
