//! The publisher's commands: `feed key generate`, `feed build`, `feed sign`, `feed diff`. The
//! work is `callguard_publish`'s; this reads the arguments and says what was done.

use callguard_core::store::parse_time;
use callguard_core::Lang;
use callguard_publish::keys::{generate, read_signing_key};
use callguard_publish::{BuildOptions, BuildSummary, PublishError, ReportFormat};

use super::args::{BuildArgs, DiffArgs, PublisherKeyCommand, ReportFormatArg, SayArgs, SignArgs};
use super::print_json;
use crate::check::lang_from_env;
use crate::output::printable;
use crate::texts::render;
use crate::CliError;

fn publish_error(error: PublishError) -> CliError {
    if error.is_bad_input() {
        CliError::Usage(error.to_string())
    } else {
        CliError::Failed(error.to_string())
    }
}

fn lang(say: &SayArgs) -> Lang {
    say.lang.unwrap_or_else(lang_from_env)
}

/// `feed key generate`.
pub fn key(cmd: &PublisherKeyCommand) -> Result<(), CliError> {
    let PublisherKeyCommand::Generate { out, say } = cmd;
    let made = generate(out).map_err(publish_error)?;
    if say.json {
        return print_json(&made);
    }
    let private = made.private_key.display().to_string();
    let public = made.public_key.display().to_string();
    println!(
        "{}",
        render(
            "publish.key_generated",
            lang(say),
            &[("private", &private), ("public", &public)]
        )
    );
    Ok(())
}

/// `feed build`.
pub fn build(args: &BuildArgs) -> Result<(), CliError> {
    let mut options = BuildOptions::new(&args.name, args.version, args.region);
    options.format = args.format.map(|f| match f {
        ReportFormatArg::Export => ReportFormat::Export,
        ReportFormatArg::Csv => ReportFormat::Csv,
        ReportFormatArg::Ftc => ReportFormat::Ftc,
    });
    options.min_reporters = args.min_reporters;
    options.half_life_days = args.half_life_days;
    if let Some(now) = &args.now {
        options.now = parse_time(now.as_bytes()).ok_or_else(|| {
            CliError::Usage(format!(
                "--now {now:?}: expected YYYY-MM-DD, YYYY-MM-DD HH:MM:SS or RFC 3339"
            ))
        })?;
    }
    options.memory_bytes = args.memory_mib.max(1).saturating_mul(1 << 20);
    if let Some(tmp) = &args.tmp {
        options.tmp = tmp.clone();
    }
    let summary =
        callguard_publish::build(&args.inputs, &args.out, &options).map_err(publish_error)?;
    if args.say.json {
        return print_json(&summary);
    }
    print_build(&summary, lang(&args.say));
    Ok(())
}

fn print_build(s: &BuildSummary, lang: Lang) {
    let n = |v: u64| v.to_string();
    let r = &s.reports;
    println!(
        "{}",
        render(
            "publish.built",
            lang,
            &[
                ("feed", &printable(&s.feed)),
                ("version", &n(s.version)),
                ("file", &s.file.display().to_string()),
                ("published", &n(s.numbers_published)),
                ("numbers", &n(s.numbers_seen)),
                ("reports", &n(r.reports_read)),
                ("used", &n(r.reports_used)),
                ("files", &s.inputs.to_string()),
                ("seconds", &format!("{:.2}", s.seconds)),
                ("rate", &format!("{:.0}", s.reports_per_second())),
            ],
        )
    );
    println!(
        "{}",
        render(
            "publish.dropped_reports",
            lang,
            &[
                ("malformed", &n(r.malformed)),
                ("invalid", &n(r.invalid_number)),
                ("protected", &n(r.protected)),
                ("official", &n(r.official)),
            ],
        )
    );
    println!(
        "{}",
        render(
            "publish.dropped_numbers",
            lang,
            &[
                ("few", &n(s.too_few_reporters)),
                ("min", &n(s.min_reporters)),
                ("stale", &n(s.stale)),
                ("half_life", &s.half_life_days.to_string()),
            ],
        )
    );
    for problem in &r.problems {
        eprintln!(
            "{}",
            render("publish.problem", lang, &[("problem", &printable(problem))])
        );
    }
}

/// `feed sign`.
pub fn sign(args: &SignArgs) -> Result<(), CliError> {
    let key = read_signing_key(&args.key).map_err(publish_error)?;
    let signed = callguard_publish::sign(&args.feed, &key).map_err(publish_error)?;
    if args.say.json {
        return print_json(&signed);
    }
    let m = &signed.manifest;
    let version = m.version.to_string();
    let rows = m.rows.unwrap_or(0).to_string();
    let manifest = signed.manifest_file.display().to_string();
    let signature = signed.signature_file.display().to_string();
    let feed = printable(&m.name).to_string();
    let mut values = vec![
        ("feed", feed.as_str()),
        ("version", version.as_str()),
        ("rows", rows.as_str()),
        ("manifest", manifest.as_str()),
        ("signature", signature.as_str()),
        ("sha256", m.sha256.as_str()),
    ];
    let base = m.base_version.map(|b| b.to_string());
    let key = match &base {
        Some(base) => {
            values.push(("base", base.as_str()));
            "publish.signed_delta"
        }
        None => "publish.signed",
    };
    println!("{}", render(key, lang(&args.say), &values));
    Ok(())
}

/// `feed diff`.
pub fn diff(args: &DiffArgs) -> Result<(), CliError> {
    let s = callguard_publish::diff(&args.old, &args.new, &args.out).map_err(publish_error)?;
    if args.say.json {
        return print_json(&s);
    }
    let n = |v: u64| v.to_string();
    println!(
        "{}",
        render(
            "publish.diff",
            lang(&args.say),
            &[
                ("file", &s.file.display().to_string()),
                ("feed", &printable(&s.feed)),
                ("base", &n(s.base_version)),
                ("version", &n(s.version)),
                ("added", &n(s.added)),
                ("removed", &n(s.removed)),
                ("changed", &n(s.changed)),
                ("unchanged", &n(s.unchanged)),
            ],
        )
    );
    Ok(())
}
