//! `cutover-pack`: how a vendor makes a Cutover package.
//!
//! ```text
//! cutover-pack keygen SECRET_FILE            new signing key; prints the public key
//! cutover-pack pubkey SECRET_FILE            prints the public key to give to accounts
//! cutover-pack build FOLDER SECRET_FILE OUT  checks, signs and zips a release or extension folder
//! cutover-pack verify PACKAGE PUBLIC_KEY     checks a package as an import would
//! ```

use cutover_package::{build, sign};
use std::path::Path;
use std::process::ExitCode;

fn run(args: &[String]) -> Result<String, String> {
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let read = |path: &str| std::fs::read(path).map_err(|e| format!("Cannot read {path}: {e}."));
    let key = |path: &str| {
        let text = String::from_utf8(read(path)?).map_err(|_| format!("{path} is not text."))?;
        sign::parse_signing_key(&text).map_err(|e| e.message)
    };
    match args.as_slice() {
        ["keygen", secret] => {
            if Path::new(secret).exists() {
                return Err(format!("{secret} exists; refusing to overwrite a signing key."));
            }
            let (signing, seed) = sign::generate_signing_key().map_err(|e| e.message)?;
            std::fs::write(secret, format!("{seed}\n")).map_err(|e| format!("Cannot write {secret}: {e}."))?;
            Ok(sign::public_key_text(&signing.verifying_key()))
        }
        ["pubkey", secret] => Ok(sign::public_key_text(&key(secret)?.verifying_key())),
        ["build", folder, secret, out] => {
            let files = build::read_folder(Path::new(folder)).map_err(|e| e.message)?;
            let bytes = build::build(&files, &key(secret)?).map_err(|e| e.message)?;
            std::fs::write(out, &bytes).map_err(|e| format!("Cannot write {out}: {e}."))?;
            Ok(format!("{out}: {} bytes, sha256 {}", bytes.len(), sign::sha256_hex(&bytes)))
        }
        ["verify", package, public] => {
            let bytes = read(package)?;
            if let Ok(ext) = cutover_package::open_extension(&bytes, &[public.to_string()]) {
                return Ok(format!(
                    "extension {} {} for platform {}: {}; {}; signed by {}",
                    ext.manifest.name,
                    ext.manifest.version,
                    ext.manifest.platform_from,
                    ext.install.summary("install scripts"),
                    ext.uninstall.summary("uninstall scripts"),
                    sign::fingerprint(&ext.signer)
                ));
            }
            let package = cutover_package::open(&bytes, &[public.to_string()]).map_err(|e| e.message)?;
            Ok(format!(
                "{} {} ({}): {} notes; {}; {}; signed by {}",
                package.manifest.platform,
                package.manifest.version,
                package.manifest.release_type,
                package.notes.len(),
                package.migrations.summary("migrations"),
                package.checks.summary("checks"),
                sign::fingerprint(&package.signer)
            ))
        }
        _ => Err("usage: cutover-pack keygen SECRET | pubkey SECRET | build FOLDER SECRET OUT | verify PACKAGE PUBLIC_KEY".into()),
    }
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match run(&args) {
        Ok(out) => {
            println!("{out}");
            ExitCode::SUCCESS
        }
        Err(message) => {
            eprintln!("{message}");
            ExitCode::FAILURE
        }
    }
}
