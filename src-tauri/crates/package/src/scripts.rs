//! Package SQL by engine. A folder's scripts (`migrations/`, `checks/`,
//! `install/`, `uninstall/`) are either portable, `migrations/NAME.sql`,
//! run on every engine, or written for each engine Cutover keeps
//! environments in, `migrations/sqlite/NAME.sql` and
//! `migrations/postgresql/NAME.sql`, never both: which scripts run on an
//! environment is then never a guess, and a package that has none for an
//! account's engine is refused at import instead of half-applied.

use cutover_core::{Error, Result};
use std::collections::{BTreeMap, BTreeSet};

/// An engine environments are kept in; its name is its scripts' folder.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Engine {
    Sqlite,
    Postgresql,
}

impl Engine {
    pub const ALL: [Engine; 2] = [Engine::Sqlite, Engine::Postgresql];

    /// The folder name, as stored.
    pub fn as_str(self) -> &'static str {
        match self {
            Engine::Sqlite => "sqlite",
            Engine::Postgresql => "postgresql",
        }
    }

    pub fn parse(name: &str) -> Option<Engine> {
        Engine::ALL.into_iter().find(|e| e.as_str() == name)
    }

    /// As users read it.
    pub fn label(self) -> &'static str {
        match self {
            Engine::Sqlite => "SQLite",
            Engine::Postgresql => "PostgreSQL",
        }
    }
}

/// One script: `engine` is `None` for a portable one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Script {
    pub engine: Option<Engine>,
    pub name: String,
    pub sql: String,
}

/// The scripts of one folder of a package, in name order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Scripts {
    /// The folder, with its slash (`migrations/`).
    pub folder: String,
    pub list: Vec<Script>,
}

impl Scripts {
    /// The `.sql` files of `folder` (`migrations/`) among `files`; refuses
    /// a folder that mixes portable and per-engine scripts.
    pub(crate) fn read(files: &BTreeMap<String, Vec<u8>>, folder: &str) -> Result<Scripts> {
        let mut list = Vec::new();
        for (path, bytes) in files {
            let Some(rest) = path.strip_prefix(folder) else {
                continue;
            };
            let (engine, name) = match rest.split_once('/') {
                Some((engine, name)) => (Engine::parse(engine), name),
                None => (None, rest),
            };
            let sql = String::from_utf8(bytes.clone())
                .map_err(|_| Error::invalid(format!("The package's {path} is not UTF-8 text.")))?;
            list.push(Script {
                engine,
                name: name.to_string(),
                sql,
            });
        }
        let portable = list.iter().any(|s| s.engine.is_none());
        if portable && list.iter().any(|s| s.engine.is_some()) {
            return Err(Error::invalid(format!(
                "The package's {folder} holds both portable scripts ({folder}*.sql) and scripts for one engine ({folder}sqlite/, {folder}postgresql/). A folder has one or the other, so that what runs is never ambiguous; ask the vendor for a corrected package."
            )));
        }
        Ok(Scripts {
            folder: folder.to_string(),
            list,
        })
    }

    pub fn is_empty(&self) -> bool {
        self.list.is_empty()
    }

    /// The engines these scripts are written for one by one; empty when
    /// portable (or none), which suits every engine.
    pub fn engines(&self) -> Vec<Engine> {
        let engines: BTreeSet<Engine> = self.list.iter().filter_map(|s| s.engine).collect();
        engines.into_iter().collect()
    }

    /// Whether an environment on `engine` has scripts to run here.
    pub fn supports(&self, engine: Engine) -> bool {
        let engines = self.engines();
        engines.is_empty() || engines.contains(&engine)
    }

    /// How many there are, for a report: "2 migrations", or per engine
    /// "migrations: SQLite 2, PostgreSQL 1".
    pub fn summary(&self, noun: &str) -> String {
        let engines = self.engines();
        if engines.is_empty() {
            return format!("{} {noun}", self.list.len());
        }
        let counts: Vec<String> = engines
            .into_iter()
            .map(|e| {
                let n = self.list.iter().filter(|s| s.engine == Some(e)).count();
                format!("{} {n}", e.label())
            })
            .collect();
        format!("{noun}: {}", counts.join(", "))
    }

    /// What runs on `engine`, as `(file name, SQL)` in name order.
    pub fn for_engine(&self, engine: Engine) -> Vec<(String, String)> {
        self.list
            .iter()
            .filter(|s| s.engine.is_none_or(|e| e == engine))
            .map(|s| (s.name.clone(), s.sql.clone()))
            .collect()
    }
}

/// Refuses, with why and what to ask for, a package whose `folders` have
/// no scripts for `engine` (portable ones suit every engine).
pub fn ensure_engine(folders: &[&Scripts], engine: Engine, where_: &str) -> Result<()> {
    let Some(missing) = folders.iter().find(|s| !s.supports(engine)) else {
        return Ok(());
    };
    let has: Vec<String> = missing
        .engines()
        .into_iter()
        .map(|e| format!("{}{}/", missing.folder, e.as_str()))
        .collect();
    Err(Error::invalid(format!(
        "This package has no {label} scripts: its {folder} holds {has} only, and {where_} keeps its environments in {label}. Ask the vendor for a package with {folder}{name}/ scripts (or portable ones in {folder}). Nothing was imported.",
        label = engine.label(),
        folder = missing.folder,
        has = has.join(" and "),
        name = engine.as_str(),
    )))
}

/// Whether `name` is a script path of `folder` (`migrations/`): a file
/// name of letters, digits, `-`, `_` and `.` ending in `.sql`, at most
/// 100 characters, directly in the folder or in an engine's subfolder.
pub(crate) fn script_in(name: &str, folder: &str) -> bool {
    let Some(rest) = name.strip_prefix(folder) else {
        return false;
    };
    let file = match rest.split_once('/') {
        Some((engine, file)) if Engine::parse(engine).is_some() => file,
        Some(_) => return false,
        None => rest,
    };
    file.ends_with(".sql")
        && file.len() <= 100
        && file
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-' || b == b'.')
}

#[cfg(test)]
mod tests {
    use super::*;

    fn files(paths: &[&str]) -> BTreeMap<String, Vec<u8>> {
        paths
            .iter()
            .map(|p| (p.to_string(), format!("-- {p}").into_bytes()))
            .collect()
    }

    #[test]
    fn script_paths_are_plain_names_directly_or_in_an_engines_folder() {
        for good in [
            "migrations/001_a.sql",
            "migrations/sqlite/001_a.sql",
            "migrations/postgresql/001-a.b.sql",
        ] {
            assert!(script_in(good, "migrations/"), "{good}");
        }
        for bad in [
            "migrations/oracle/001.sql",
            "migrations/sqlite/x/001.sql",
            "migrations/sqlite/",
            "migrations/001.txt",
            "migrations/sqlite/drop all.sql",
            "checks/001.sql",
        ] {
            assert!(!script_in(bad, "migrations/"), "{bad}");
        }
    }

    #[test]
    fn each_engine_runs_its_own_scripts_or_the_portable_ones() -> Result<()> {
        let per_engine = Scripts::read(
            &files(&[
                "migrations/postgresql/001_a.sql",
                "migrations/sqlite/001_a.sql",
                "migrations/sqlite/002_b.sql",
                "checks/001.sql",
            ]),
            "migrations/",
        )?;
        assert_eq!(per_engine.engines(), [Engine::Sqlite, Engine::Postgresql]);
        let names = |e| {
            per_engine
                .for_engine(e)
                .into_iter()
                .map(|(n, sql)| format!("{n}={sql}"))
                .collect::<Vec<_>>()
        };
        assert_eq!(
            names(Engine::Sqlite),
            [
                "001_a.sql=-- migrations/sqlite/001_a.sql",
                "002_b.sql=-- migrations/sqlite/002_b.sql"
            ]
        );
        assert_eq!(
            names(Engine::Postgresql),
            ["001_a.sql=-- migrations/postgresql/001_a.sql"]
        );

        let portable = Scripts::read(&files(&["migrations/001_a.sql"]), "migrations/")?;
        assert!(portable.engines().is_empty());
        assert!(Engine::ALL.iter().all(|e| portable.supports(*e)));
        assert_eq!(portable.for_engine(Engine::Postgresql).len(), 1);
        Ok(())
    }

    #[test]
    fn a_folder_mixing_portable_and_engine_scripts_is_refused() {
        let e = Scripts::read(
            &files(&["migrations/001_a.sql", "migrations/sqlite/002_b.sql"]),
            "migrations/",
        )
        .expect_err("mixed");
        assert!(e.message.contains("both portable scripts"), "{}", e.message);
    }

    #[test]
    fn a_package_without_an_engines_scripts_says_which_it_has() -> Result<()> {
        let sqlite_only = Scripts::read(&files(&["checks/sqlite/001.sql"]), "checks/")?;
        let portable = Scripts::read(&files(&["migrations/001.sql"]), "migrations/")?;
        ensure_engine(&[&portable, &sqlite_only], Engine::Sqlite, "Contoso")?;
        let e = ensure_engine(&[&portable, &sqlite_only], Engine::Postgresql, "Contoso")
            .expect_err("no PostgreSQL checks");
        assert_eq!(
            e.message,
            "This package has no PostgreSQL scripts: its checks/ holds checks/sqlite/ only, and Contoso keeps its environments in PostgreSQL. Ask the vendor for a package with checks/postgresql/ scripts (or portable ones in checks/). Nothing was imported."
        );
        Ok(())
    }
}
