//! The store's commands: `import`, `list`, `report`, `reports export`, `stats`, `feed`, `key`,
//! `db recover`.
//!
//! Every command takes `--db PATH` (default `$XDG_DATA_HOME/callguard/callguard.db`, falling
//! back to `~/.local/share/callguard/callguard.db`) and `--region CC` (default JP), the home
//! region used to read national numbers. Bad input (a malformed feed line, an unknown number)
//! exits with 2 and one line naming the file and line; other failures exit with 1.

mod args;

pub use args::*;

use std::fs::File;
use std::io::{BufWriter, IsTerminal, Write};
use std::path::{Path, PathBuf};

use callguard_core::files::AtomicFile;
use callguard_core::store::feed::read_public_key;
use callguard_core::store::{
    format_time, FeedFormat, FeedKind, ImportOptions, ImportSummary, ListKind, RecoveryReport,
    ReportCategory, Store, StoreError, StoreOptions,
};

use crate::output::printable;
use crate::CliError;

/// The database used when `--db` is not given.
pub fn default_db_path() -> Option<PathBuf> {
    let base = std::env::var_os("XDG_DATA_HOME")
        .filter(|v| !v.is_empty())
        .map(PathBuf::from)
        .or_else(|| {
            std::env::var_os("HOME")
                .filter(|v| !v.is_empty())
                .map(|home| PathBuf::from(home).join(".local/share"))
        })?;
    Some(base.join("callguard").join("callguard.db"))
}

/// The database file `args` name: `--db`, else the default.
fn db_path(args: &StoreArgs) -> Result<PathBuf, CliError> {
    match &args.db {
        Some(path) => Ok(path.clone()),
        None => default_db_path().ok_or_else(|| {
            CliError::Usage("no --db given and neither XDG_DATA_HOME nor HOME is set".into())
        }),
    }
}

/// Opens the database `args` name, which must exist: commands that read, remove or export
/// never create one.
pub fn open_store(args: &StoreArgs) -> Result<Store, CliError> {
    let path = db_path(args)?;
    if std::fs::symlink_metadata(&path).is_err() {
        return Err(CliError::Usage(format!(
            "no database at {}: create one with `callguard list add` or `callguard import`",
            path.display()
        )));
    }
    let options = StoreOptions {
        region: args.region,
        create: false,
        ..StoreOptions::default()
    };
    Store::open_with(&path, options).map_err(store_error)
}

/// Runs `command` on the database `args` name, creating it (and its folder) if there is none.
/// A database this created is removed again, with the folders made for it, when `command`
/// fails and leaves it empty: a failed command leaves no database behind.
fn with_store<T>(
    args: &StoreArgs,
    command: impl FnOnce(&Store) -> Result<T, CliError>,
) -> Result<T, CliError> {
    let path = db_path(args)?;
    let existed = std::fs::symlink_metadata(&path).is_ok();
    let mut made_dirs = Vec::new();
    if !existed {
        let mut missing = path.parent().filter(|d| !d.as_os_str().is_empty());
        while let Some(dir) = missing.filter(|d| !d.exists()) {
            made_dirs.push(dir.to_owned());
            missing = dir.parent().filter(|d| !d.as_os_str().is_empty());
        }
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir)
                .map_err(|e| CliError::Failed(format!("cannot create {}: {e}", dir.display())))?;
        }
    }
    let opened = Store::open(&path, args.region).map_err(store_error);
    let result = opened.and_then(|store| {
        let result = command(&store);
        let empty = result.is_err() && !existed && store.stats().is_ok_and(|s| is_empty(&s));
        drop(store);
        if empty {
            for suffix in ["", "-wal", "-shm", "-journal"] {
                let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
            }
        }
        result
    });
    if result.is_err() && std::fs::symlink_metadata(&path).is_err() {
        // Innermost first; a folder something else was put in meanwhile stays.
        for dir in &made_dirs {
            let _ = std::fs::remove_dir(dir);
        }
    }
    result
}

/// Whether a database holds nothing at all.
fn is_empty(stats: &callguard_core::store::Stats) -> bool {
    stats.allow_entries == 0
        && stats.block_entries == 0
        && stats.reported_numbers == 0
        && stats.user_reports == 0
        && stats.feeds.is_empty()
        && stats.logged_calls == 0
        && stats.trusted_keys == 0
}

/// Maps a store error to the command's exit code: bad input 2, anything else 1. A damaged
/// database's message says what repairs it.
pub fn store_error(error: StoreError) -> CliError {
    if error.is_bad_input() {
        return CliError::Usage(error.to_string());
    }
    match error.path().filter(|_| error.is_damage()) {
        Some(path) => CliError::Failed(format!(
            "{error} (`callguard db recover --db {}` repairs it)",
            path.display()
        )),
        None => CliError::Failed(error.to_string()),
    }
}

fn print_json(value: &impl serde::Serialize) -> Result<(), CliError> {
    let mut out = std::io::stdout().lock();
    serde_json::to_writer_pretty(&mut out, value).map_err(|e| CliError::output(e.into()))?;
    writeln!(out).map_err(CliError::output)
}

/// Runs one store command.
pub fn run(cmd: StoreCommand) -> Result<(), CliError> {
    match cmd {
        StoreCommand::Import(args) => import(&args),
        StoreCommand::List(ListCommand::Add { entry, label, note }) => {
            let added = with_store(&entry.store, |db| {
                db.add_list_entry(
                    entry.list.into(),
                    &entry.pattern,
                    label.as_deref(),
                    note.as_deref(),
                )
                .map_err(store_error)
            })?;
            println!("{} list: {}", added.list, added.pattern);
            Ok(())
        }
        StoreCommand::List(ListCommand::Remove(entry)) => {
            let db = open_store(&entry.store)?;
            let (list, pattern): (ListKind, _) = (entry.list.into(), entry.pattern);
            if db.remove_list_entry(list, &pattern).map_err(store_error)? {
                println!("removed from the {list} list: {pattern}");
                Ok(())
            } else {
                Err(CliError::Usage(format!(
                    "{pattern} is not on the {list} list"
                )))
            }
        }
        StoreCommand::List(ListCommand::Show(args)) => {
            let entries = open_store(&args.store)?
                .list_entries()
                .map_err(store_error)?;
            // Labels and notes are escaped: a new line or a tab in one can never forge a row.
            show(args.json, &entries, |e| {
                format!(
                    "{}\t{}\t{}\t{}\t{}",
                    e.list,
                    e.pattern,
                    printable(e.label.as_deref().unwrap_or("-")),
                    printable(e.note.as_deref().unwrap_or("-")),
                    format_time(e.added_at)
                )
            })
        }
        StoreCommand::Report(args) => {
            let report = with_store(&args.store, |db| {
                db.report(&args.number, args.category, args.note.as_deref())
                    .map_err(store_error)
            })?;
            println!("reported {} as {}", report.number, report.category);
            Ok(())
        }
        StoreCommand::Reports(ReportsCommand::Export { out, store }) => {
            let db = open_store(&store)?;
            match out {
                Some(path) => {
                    // Written beside the target and renamed into place once whole; a link
                    // planted at the target is refused.
                    let failed = |e: std::io::Error| {
                        CliError::Failed(format!("cannot write {}: {e}", path.display()))
                    };
                    let mut file = AtomicFile::create(&path).map_err(failed)?;
                    let mut w = BufWriter::new(&mut file);
                    let n = db.export_user_reports(&mut w).map_err(store_error)?;
                    w.flush().map_err(failed)?;
                    drop(w);
                    file.commit().map_err(failed)?;
                    eprintln!("exported {n} reports to {}", path.display());
                }
                None => {
                    let mut w = std::io::stdout().lock();
                    db.export_user_reports(&mut w).map_err(store_error)?;
                }
            }
            Ok(())
        }
        StoreCommand::Stats(args) => stats(&args),
        StoreCommand::Feed(FeedCommand::List(args)) => {
            let feeds = open_store(&args.store)?.feeds().map_err(store_error)?;
            show(args.json, &feeds, |f| {
                format!(
                    "{}\tversion {}\t{}\t{}\t{} numbers\t{}",
                    printable(&f.name),
                    f.version,
                    f.kind,
                    f.format,
                    f.numbers,
                    format_time(f.imported_at)
                )
            })
        }
        StoreCommand::Feed(FeedCommand::Remove(NameArgs { name, store })) => {
            let n = open_store(&store)?
                .remove_feed(&name)
                .map_err(store_error)?;
            println!("removed feed {} ({n} numbers)", printable(&name));
            Ok(())
        }
        StoreCommand::Key(KeyCommand::Add { key, file }) => {
            let public = read_public_key(&file).map_err(store_error)?;
            with_store(&key.store, |db| {
                db.add_trusted_key(&key.name, &public).map_err(store_error)
            })?;
            println!(
                "trusting key {}: every import must now be signed",
                printable(&key.name)
            );
            Ok(())
        }
        StoreCommand::Key(KeyCommand::Remove(NameArgs { name, store })) => {
            if open_store(&store)?
                .remove_trusted_key(&name)
                .map_err(store_error)?
            {
                println!("removed key {}", printable(&name));
                Ok(())
            } else {
                Err(CliError::Usage(format!("no trusted key named {name:?}")))
            }
        }
        StoreCommand::Db(DbCommand::Recover(args)) => recover(&args),
        StoreCommand::Key(KeyCommand::List(store)) => {
            let keys = open_store(&store)?.trusted_keys().map_err(store_error)?;
            show(false, &keys, |k| {
                format!(
                    "{}\t{}\t{}",
                    printable(&k.name),
                    k.key,
                    format_time(k.added_at)
                )
            })
        }
    }
}

/// Prints `items` as JSON, or one line each made by `line`.
fn show<T: serde::Serialize>(
    json: bool,
    items: &[T],
    line: impl Fn(&T) -> String,
) -> Result<(), CliError> {
    if json {
        return print_json(&items);
    }
    let mut out = std::io::stdout().lock();
    for item in items {
        writeln!(out, "{}", line(item)).map_err(CliError::output)?;
    }
    Ok(())
}

fn import(args: &ImportArgs) -> Result<(), CliError> {
    let mut trusted_keys = Vec::new();
    for path in &args.keys {
        trusted_keys.push(read_public_key(path).map_err(store_error)?);
    }
    let options = ImportOptions {
        format: args.format.map(|f| match f {
            FormatArg::Csv => FeedFormat::Csv,
            FormatArg::Jsonl => FeedFormat::Jsonl,
            FormatArg::Ftc => FeedFormat::Ftc,
        }),
        name: args.source.clone(),
        version: args.feed_version,
        kind: args.kind.map(|k| match k {
            KindArg::Full => FeedKind::Full,
            KindArg::Delta => FeedKind::Delta,
        }),
        skip_invalid: args.skip_invalid,
        trusted_keys,
        signature: args.sig.clone(),
        manifest: args.manifest.clone(),
        cancel: None,
    };
    if std::fs::metadata(&args.file).is_err() {
        // Before a database is opened (or created) for it.
        let error = File::open(&args.file).err();
        return Err(CliError::Usage(format!(
            "cannot read {}: {}",
            args.file.display(),
            error.map_or_else(|| "not found".to_owned(), |e| e.to_string())
        )));
    }
    let summary = with_store(&args.out.store, |db| {
        let bar = std::io::stderr()
            .is_terminal()
            .then(|| progress_bar(&args.file));
        let mut tick = |done: u64, total: u64| {
            if let Some(bar) = &bar {
                bar.set_length(total);
                bar.set_position(done);
            }
        };
        let result = db.import_file(&args.file, &options, Some(&mut tick));
        if let Some(bar) = &bar {
            bar.finish_and_clear();
        }
        result.map_err(store_error)
    })?;
    if args.out.json {
        return print_json(&summary);
    }
    print_summary(&summary);
    Ok(())
}

fn progress_bar(file: &Path) -> indicatif::ProgressBar {
    let bar = indicatif::ProgressBar::new(0);
    if let Ok(style) = indicatif::ProgressStyle::with_template(
        "{msg} [{bar:40}] {bytes}/{total_bytes} ({bytes_per_sec}, {eta})",
    ) {
        bar.set_style(style.progress_chars("=> "));
    }
    bar.set_message(format!("importing {}", file.display()));
    bar
}

fn print_summary(s: &ImportSummary) {
    if s.already_imported {
        println!(
            "{}: already imported as feed {} version {}: nothing changed",
            s.file.display(),
            printable(&s.feed),
            s.version
        );
        return;
    }
    let rate = if s.seconds > 0.0 {
        s.rows_read as f64 / s.seconds
    } else {
        0.0
    };
    println!(
        "imported feed {} version {} ({}, {}{}): rows read {}, imported {}, removed {}, \
         skipped {}, protected {}, numbers touched {}, {:.2} s ({:.0} rows/s)",
        printable(&s.feed),
        s.version,
        s.kind.as_str(),
        s.format,
        if s.signed { ", signature verified" } else { "" },
        s.rows_read,
        s.imported,
        s.removed,
        s.skipped,
        s.protected,
        s.numbers_touched,
        s.seconds,
        rate
    );
    for problem in &s.problems {
        eprintln!("skipped {}", printable(problem));
    }
}

fn recover(args: &ShowArgs) -> Result<(), CliError> {
    let path = db_path(&args.store)?;
    let options = StoreOptions {
        region: args.store.region,
        ..StoreOptions::default()
    };
    let (_, report) = Store::recover(&path, options).map_err(|error| {
        let bad_input = error.is_bad_input();
        let message = format!("recovering the database: {error}");
        if bad_input {
            CliError::Usage(message)
        } else {
            CliError::Failed(message)
        }
    })?;
    if args.json {
        return print_json(&report);
    }
    print_recovery(&report).map_err(CliError::output)
}

/// `db recover`'s summary for people.
fn print_recovery(report: &RecoveryReport) -> std::io::Result<()> {
    let mut out = std::io::stdout().lock();
    let path = report.path.display();
    if report.healthy() {
        return writeln!(out, "{path} is healthy: nothing changed");
    }
    if report.created {
        return writeln!(out, "no database was at {path}: created an empty one");
    }
    writeln!(
        out,
        "{path} was damaged: {}",
        report.damage.as_deref().unwrap_or("")
    )?;
    if let Some(moved) = &report.moved_to {
        writeln!(
            out,
            "the damaged file was moved to {} (with its -wal and -shm, if any)",
            moved.display()
        )?;
    }
    writeln!(out, "a fresh database now holds what could be saved:")?;
    for table in &report.tables {
        write!(
            out,
            "  {:<14} kept {:>6}  unusable {:>4}",
            table.table, table.kept, table.lost
        )?;
        match &table.error {
            Some(error) => writeln!(out, "  (reading stopped: {error})")?,
            None => writeln!(out)?,
        }
    }
    if let Some(error) = &report.feeds_error {
        writeln!(out, "the installed feeds could not be listed: {error}")?;
    }
    for feed in &report.feeds_to_import {
        writeln!(
            out,
            "import again: feed {} (version {} was installed)",
            printable(&feed.name),
            feed.version
        )?;
    }
    Ok(())
}

fn stats(args: &ShowArgs) -> Result<(), CliError> {
    let db = open_store(&args.store)?;
    let stats = db.stats().map_err(store_error)?;
    if args.json {
        return print_json(&stats);
    }
    println!("database        {}", stats.path.display());
    println!("schema version  {}", stats.schema_version);
    println!("size on disk    {} bytes", stats.file_bytes);
    println!("allow list      {} entries", stats.allow_entries);
    println!("block list      {} entries", stats.block_entries);
    println!("reported        {} numbers", stats.reported_numbers);
    println!("user reports    {}", stats.user_reports);
    println!("calls logged    {}", stats.logged_calls);
    println!("trusted keys    {}", stats.trusted_keys);
    for f in &stats.feeds {
        println!(
            "feed            {} version {} ({}, {}): {} numbers, imported {}",
            printable(&f.name),
            f.version,
            f.kind,
            f.format,
            f.numbers,
            format_time(f.imported_at)
        );
    }
    Ok(())
}

/// A report category as the command line gives it (the store's own names).
fn parse_category(text: &str) -> Result<ReportCategory, String> {
    text.parse().map_err(|e: StoreError| e.to_string())
}
