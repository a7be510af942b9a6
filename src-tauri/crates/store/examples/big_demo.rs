//! Makes the demo's production bigger, for trying long jobs (backup,
//! restore, refresh, promotion, upgrade) with their progress bars at a real
//! account's size. Run with Cutover closed, on its data folder:
//!
//!     cargo run --release -p cutover-store --example big_demo -- ~/.local/share/app.cutover.console 1024
//!
//! The folder gets the demo account first if it has no account yet.

use chrono::Utc;
use cutover_store::{demo, Workspace};
use std::path::PathBuf;

fn main() {
    let mut args = std::env::args().skip(1);
    let (Some(dir), mb) = (args.next(), args.next()) else {
        eprintln!("usage: big_demo <Cutover's data folder> [megabytes, default 1024]");
        std::process::exit(2);
    };
    let mb: u64 = match mb.as_deref().unwrap_or("1024").parse() {
        Ok(mb) if (1..=100_000).contains(&mb) => mb,
        _ => {
            eprintln!("big_demo: the size is a whole number of megabytes from 1 to 100000");
            std::process::exit(2);
        }
    };
    let made = Workspace::open(&PathBuf::from(&dir)).and_then(|ws| {
        demo::ensure_demo(&ws, Utc::now())?;
        demo::grow_production(&ws, mb * 1_048_576, &|size| {
            eprint!("\rproduction: {} MB of {mb} MB", size / 1_048_576);
        })
    });
    match made {
        Ok(size) => println!("\nThe demo's production now holds {} MB.", size / 1_048_576),
        Err(e) => {
            eprintln!("\nbig_demo: {}", e.message);
            std::process::exit(1);
        }
    }
}
