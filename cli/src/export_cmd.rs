//! `callguard export`: the iOS Call Directory plan (or its delta) and the Live Caller ID
//! Lookup dataset.
//!
//! `export ios` plans from the database's lists and reports, stores the plan as a new version,
//! writes it (in full, or as the delta from `--since VERSION`) as JSON Lines and records it as
//! the version each extension holds, so the next `--since` can start from it. The format is
//! in docs/IOS.md:
//!
//! ```text
//! {"format":"callguard-ios-directory","format_version":1,"version":3,"base":2,"mode":"delta","extensions":1}
//! {"ext":0,"op":"remove","kind":"block","numbers":[815012345678]}
//! {"ext":0,"op":"add","kind":"identify","numbers":[815012345679],"labels":["詐欺の疑い (3件)"]}
//! {"summary":{...}}
//! ```

use std::io::{BufWriter, Write};
use std::path::PathBuf;

use callguard_core::call_directory::live::DEFAULT_LIVE_BUDGET;
use callguard_core::call_directory::{
    DirectoryChunk, PlanOptions, PlanSummary, DEFAULT_BUDGET, DEFAULT_CHUNK,
};
use callguard_core::files::AtomicFile;
use callguard_core::store::{now, Store};
use callguard_core::Lang;
use clap::{Args, Subcommand};
use serde::Serialize;

use crate::check::{lang_from_env, load_policy};
use crate::output::printable;
use crate::store_cmd::{open_store, store_error, StoreArgs};
use crate::CliError;

/// What to export.
#[derive(Debug, Subcommand)]
pub enum ExportCommand {
    /// Plan the iOS Call Directory and write the plan, or the delta since a version.
    Ios(IosArgs),
    /// Write the Live Caller ID Lookup dataset (block.jsonl, identity.jsonl, manifest.json).
    LiveCallerId(LiveArgs),
}

/// `export ios`.
#[derive(Debug, Args)]
pub struct IosArgs {
    #[command(flatten)]
    store: StoreArgs,
    /// Entries per extension at most.
    #[arg(long, value_name = "N", default_value_t = DEFAULT_BUDGET)]
    budget: u64,
    /// Extensions to split the plan across.
    #[arg(long, value_name = "N", default_value_t = 1,
          value_parser = clap::value_parser!(u32).range(1..=64))]
    extensions: u32,
    /// Write the delta from this version (as written by an earlier export) instead of the
    /// full plan.
    #[arg(long, value_name = "VERSION")]
    since: Option<u64>,
    /// The output file [default: standard output].
    #[arg(long, value_name = "FILE")]
    out: Option<PathBuf>,
    /// A policy preset (balanced, elderly, minimal) or a policy file: its thresholds decide
    /// which reported numbers are blocked or labelled.
    #[arg(long, value_name = "NAME|FILE", default_value = "balanced")]
    policy: String,
    /// The language of labels [default: from LANG].
    #[arg(long, value_name = "ja|en")]
    lang: Option<Lang>,
    /// Numbers per line of the output.
    #[arg(long, value_name = "N", default_value_t = DEFAULT_CHUNK,
          value_parser = parse_chunk)]
    chunk: usize,
    /// Print the summary as JSON.
    #[arg(long)]
    json: bool,
}

/// `export live-caller-id`.
#[derive(Debug, Args)]
pub struct LiveArgs {
    #[command(flatten)]
    store: StoreArgs,
    /// The directory to write the dataset into (created if needed).
    #[arg(long, value_name = "DIR")]
    out: PathBuf,
    /// A policy preset or a policy file.
    #[arg(long, value_name = "NAME|FILE", default_value = "balanced")]
    policy: String,
    /// The language of identity names [default: from LANG].
    #[arg(long, value_name = "ja|en")]
    lang: Option<Lang>,
    /// Entries at most: past it the planner keeps the riskiest and reports what it left out
    /// (one block-list prefix can stand for a billion numbers); raise it for a bigger dataset.
    #[arg(long, value_name = "N", default_value_t = DEFAULT_LIVE_BUDGET)]
    budget: u64,
    /// Print the manifest as JSON.
    #[arg(long)]
    json: bool,
}

fn parse_chunk(text: &str) -> Result<usize, String> {
    match text.parse::<usize>() {
        Ok(n) if (1..=1_000_000).contains(&n) => Ok(n),
        _ => Err("a chunk has 1 to 1,000,000 numbers".into()),
    }
}

/// Runs one export command.
pub fn run(cmd: &ExportCommand) -> Result<(), CliError> {
    match cmd {
        ExportCommand::Ios(args) => ios(args),
        ExportCommand::LiveCallerId(args) => live(args),
    }
}

#[derive(Debug, Default, Serialize)]
struct Written {
    added: u64,
    removed: u64,
    lines: u64,
}

#[derive(Serialize)]
struct Header {
    format: &'static str,
    format_version: u32,
    version: u64,
    base: Option<u64>,
    mode: &'static str,
    extensions: u32,
}

#[derive(Serialize)]
struct Trailer<'a> {
    summary: &'a PlanSummary,
    written: &'a Written,
}

fn numbers_line(
    out: &mut dyn Write,
    ext: u32,
    op: &str,
    kind: &str,
    numbers: &[i64],
    labels: Option<&[String]>,
) -> std::io::Result<()> {
    write!(
        out,
        "{{\"ext\":{ext},\"op\":\"{op}\",\"kind\":\"{kind}\",\"numbers\":["
    )?;
    for (i, n) in numbers.iter().enumerate() {
        if i > 0 {
            out.write_all(b",")?;
        }
        write!(out, "{n}")?;
    }
    out.write_all(b"]")?;
    if let Some(labels) = labels {
        out.write_all(b",\"labels\":")?;
        serde_json::to_writer(&mut *out, labels)?;
    }
    out.write_all(b"}\n")
}

fn write_chunk(
    out: &mut dyn Write,
    ext: u32,
    chunk: &DirectoryChunk,
    written: &mut Written,
) -> std::io::Result<()> {
    if chunk.remove_all {
        writeln!(out, "{{\"ext\":{ext},\"op\":\"remove_all\"}}")?;
        written.lines += 1;
    }
    let parts = [
        ("remove", "block", &chunk.remove_blocking, None),
        ("remove", "identify", &chunk.remove_identification, None),
        ("add", "block", &chunk.add_blocking, None),
        (
            "add",
            "identify",
            &chunk.add_identification,
            Some(&chunk.labels[..]),
        ),
    ];
    for (op, kind, numbers, labels) in parts {
        if numbers.is_empty() {
            continue;
        }
        numbers_line(out, ext, op, kind, numbers, labels)?;
        written.lines += 1;
        if op == "add" {
            written.added += numbers.len() as u64;
        } else {
            written.removed += numbers.len() as u64;
        }
    }
    Ok(())
}

/// How many extensions plan `version` was split into (0 if it is not stored).
fn extensions_of(store: &Store, version: u64) -> Result<Option<u32>, CliError> {
    let Some(json) = store.directory_summary_json(version).map_err(store_error)? else {
        return Ok(None);
    };
    let value: serde_json::Value = serde_json::from_str(&json)
        .map_err(|e| CliError::Failed(format!("directory plan {version}: {e}")))?;
    Ok(Some(
        value["extensions"].as_array().map_or(1, |a| a.len() as u32),
    ))
}

fn ios(args: &IosArgs) -> Result<(), CliError> {
    let store = open_store(&args.store)?;
    let policy = load_policy(&args.policy)?;
    let since_extensions = match args.since {
        Some(since) => Some(extensions_of(&store, since)?.ok_or_else(|| {
            CliError::Usage(format!(
                "directory plan version {since} is not stored: export a full plan (without --since)"
            ))
        })?),
        None => None,
    };
    let options = PlanOptions {
        budget: args.budget,
        extensions: args.extensions,
        lang: args.lang.unwrap_or_else(lang_from_env),
        now: now(),
    };
    let summary = store
        .plan_directory(&policy, &options)
        .map_err(store_error)?;
    // A file is written beside its target and renamed into place once whole.
    let mut file = match &args.out {
        Some(path) => Some(
            AtomicFile::create(path)
                .map_err(|e| CliError::Usage(format!("cannot create {}: {e}", path.display())))?,
        ),
        None => None,
    };
    let target = args
        .out
        .as_ref()
        .map_or("standard output".to_owned(), |p| p.display().to_string());
    let written_to = |e: std::io::Error| match &args.out {
        Some(path) => CliError::Failed(format!("cannot write {}: {e}", path.display())),
        None => CliError::output(e),
    };
    let mut out: Box<dyn Write + '_> = match file.as_mut() {
        Some(file) => Box::new(BufWriter::with_capacity(1 << 16, file)),
        None => Box::new(BufWriter::with_capacity(1 << 16, std::io::stdout().lock())),
    };
    let header = Header {
        format: "callguard-ios-directory",
        format_version: 1,
        version: summary.version,
        base: args.since,
        mode: if args.since.is_some() {
            "delta"
        } else {
            "full"
        },
        extensions: args.extensions,
    };
    serde_json::to_writer(&mut out, &header).map_err(|e| written_to(e.into()))?;
    out.write_all(b"\n").map_err(written_to)?;
    let mut written = Written::default();
    let count = args.extensions.max(since_extensions.unwrap_or(0));
    for ext in 0..count {
        let chunks = store
            .directory_delta(ext, args.since, summary.version, args.chunk)
            .map_err(store_error)?;
        for chunk in chunks {
            let chunk = chunk.map_err(store_error)?;
            write_chunk(&mut out, ext, &chunk, &mut written).map_err(written_to)?;
        }
    }
    serde_json::to_writer(
        &mut out,
        &Trailer {
            summary: &summary,
            written: &written,
        },
    )
    .map_err(|e| written_to(e.into()))?;
    out.write_all(b"\n").map_err(written_to)?;
    out.flush().map_err(written_to)?;
    drop(out);
    if let Some(file) = file {
        file.commit().map_err(written_to)?;
    }
    // The file is the delivery: the next --since starts from this version.
    for ext in 0..count {
        store
            .finish_directory_load(ext, summary.version, true)
            .map_err(store_error)?;
    }
    print_ios_summary(args, &summary, &written, &target)
}

fn print_ios_summary(
    args: &IosArgs,
    summary: &PlanSummary,
    written: &Written,
    target: &str,
) -> Result<(), CliError> {
    // With the plan on standard output, the summary goes to standard error.
    let mut sink: Box<dyn Write> = if args.out.is_some() {
        Box::new(std::io::stdout().lock())
    } else {
        Box::new(std::io::stderr().lock())
    };
    if args.json {
        serde_json::to_writer_pretty(&mut sink, &Trailer { summary, written })
            .map_err(|e| CliError::output(e.into()))?;
        return writeln!(sink).map_err(CliError::output);
    }
    let mut text = format!(
        "iOS directory plan version {}{}: {} entries ({} blocking, {} identification) in {} \
         extension{}, budget {} each; {} left out of {} candidates\n",
        summary.version,
        args.since
            .map_or(String::new(), |s| format!(" (delta from {s})")),
        summary.entries,
        summary.blocking,
        summary.identification,
        summary.extensions.len(),
        if summary.extensions.len() == 1 {
            ""
        } else {
            "s"
        },
        summary.budget,
        summary.left_out,
        summary.candidates,
    );
    for e in &summary.extensions {
        let range = match (e.first, e.last) {
            (Some(a), Some(b)) => format!("+{a} .. +{b}"),
            _ => "empty".into(),
        };
        text.push_str(&format!(
            "  extension {}: {range}: {} blocking, {} identification\n",
            e.index, e.blocking, e.identification
        ));
    }
    if let Some(score) = summary.cut_at_score {
        text.push_str(&format!(
            "  the budget cut at score {score}; left out, per source:\n"
        ));
        for s in summary.sources.iter().filter(|s| s.left_out > 0) {
            text.push_str(&format!(
                "    {}: {} of {}\n",
                s.source, s.left_out, s.candidates
            ));
        }
    }
    text.push_str(&format!(
        "wrote {target}: {} added, {} removed, {} lines\n",
        written.added, written.removed, written.lines
    ));
    sink.write_all(text.as_bytes()).map_err(CliError::output)
}

fn live(args: &LiveArgs) -> Result<(), CliError> {
    let store = open_store(&args.store)?;
    let policy = load_policy(&args.policy)?;
    let options = PlanOptions {
        budget: args.budget,
        extensions: 1,
        lang: args.lang.unwrap_or_else(lang_from_env),
        now: now(),
    };
    let manifest = store
        .export_live_caller_id(&policy, &options, &args.out)
        .map_err(store_error)?;
    warn_left_out(&manifest.plan, "--budget");
    if args.json {
        let mut out = std::io::stdout().lock();
        serde_json::to_writer_pretty(&mut out, &manifest)
            .map_err(|e| CliError::output(e.into()))?;
        return writeln!(out).map_err(CliError::output);
    }
    println!(
        "Live Caller ID dataset version {} in {}: {} block entries ({}), {} identity entries ({}); {} left out",
        manifest.version,
        args.out.display(),
        manifest.block.entries,
        manifest.block.file,
        manifest.identity.entries,
        manifest.identity.file,
        manifest.plan.left_out,
    );
    Ok(())
}

/// A plan the budget cut: one warning on stderr naming what was left out and the flag that
/// raises the budget.
fn warn_left_out(plan: &PlanSummary, flag: &str) {
    if plan.left_out == 0 {
        return;
    }
    let sources: Vec<String> = plan
        .sources
        .iter()
        .filter(|s| s.left_out > 0)
        .take(5)
        .map(|s| {
            format!(
                "{}: {} of {}",
                printable(&s.source),
                s.left_out,
                s.candidates
            )
        })
        .collect();
    eprintln!(
        "callguard: warning: the budget of {} entries left out {} of {} candidates ({}); \
         raise it with {flag} N",
        plan.budget,
        plan.left_out,
        plan.candidates,
        sources.join(", ")
    );
}
