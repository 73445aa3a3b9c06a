//! `callguard policy`: show the presets and policy files, lock and unlock them for a caregiver.

use std::io::{self, Write};
use std::path::{Path, PathBuf};

use callguard_core::files::AtomicFile;
use callguard_core::risk::HardRule;
use callguard_core::Policy;
use clap::{Args, Subcommand};

use crate::check::load_policy;
use crate::output::printable;
use crate::CliError;

/// `callguard policy ...`.
#[derive(Debug, Subcommand)]
pub enum PolicyCommand {
    /// Show a policy: a preset (balanced, elderly, minimal) or a policy file.
    Show {
        /// The preset or file [default: every preset's name and description].
        policy: Option<String>,
        /// Print the policy file itself (JSON), ready to edit.
        #[arg(long)]
        json: bool,
    },
    /// Lock a policy with a caregiver's PIN and write it to a file.
    Lock(LockArgs),
    /// Remove the lock of a policy file, given its PIN, and write it to a file.
    Unlock(LockArgs),
    /// Check a PIN against a locked policy: exit 0 if a change is allowed, 1 if not.
    Verify {
        /// The policy file.
        policy: String,
        /// The PIN to check.
        #[arg(long)]
        pin: Option<String>,
    },
}

/// Options of `lock` and `unlock`.
#[derive(Debug, Args)]
pub struct LockArgs {
    /// The preset or policy file.
    policy: String,
    /// The PIN: 4 to 64 characters, not one of the weakest (0000, 1234, 1212, a year ...).
    #[arg(long)]
    pin: String,
    /// The current PIN, to re-lock a locked policy with a new one.
    #[arg(long)]
    current_pin: Option<String>,
    /// Where to write the policy.
    #[arg(long, value_name = "FILE")]
    out: PathBuf,
}

/// Runs `policy`.
pub fn run(cmd: &PolicyCommand) -> Result<(), CliError> {
    let stdout = io::stdout();
    let mut out = stdout.lock();
    match cmd {
        PolicyCommand::Show { policy: None, .. } => {
            for name in Policy::preset_names() {
                let p = load_policy(name)?;
                writeln!(out, "{name}\n  {}", printable(&p.description))
                    .map_err(CliError::output)?;
            }
            Ok(())
        }
        PolicyCommand::Show {
            policy: Some(name),
            json,
        } => {
            let policy = load_policy(name)?;
            if *json {
                writeln!(out, "{}", policy.to_json()).map_err(CliError::output)
            } else {
                describe(&mut out, &policy).map_err(CliError::output)
            }
        }
        PolicyCommand::Lock(args) => {
            let policy = load_policy(&args.policy)?;
            let locked = policy
                .locked_with(&args.pin, args.current_pin.as_deref())
                .map_err(|e| CliError::Failed(e.to_string()))?;
            write_policy(&args.out, &locked)?;
            writeln!(out, "locked {} → {}", locked.name, args.out.display())
                .map_err(CliError::output)
        }
        PolicyCommand::Unlock(args) => {
            let policy = load_policy(&args.policy)?;
            let open = policy
                .unlocked(&args.pin)
                .map_err(|e| CliError::Failed(e.to_string()))?;
            write_policy(&args.out, &open)?;
            writeln!(out, "unlocked {} → {}", open.name, args.out.display())
                .map_err(CliError::output)
        }
        PolicyCommand::Verify { policy, pin } => {
            let policy = load_policy(policy)?;
            if policy.change_allowed(pin.as_deref()) {
                writeln!(out, "change allowed").map_err(CliError::output)
            } else {
                Err(CliError::Failed(format!(
                    "the policy {:?} is locked: the PIN is missing or wrong (a policy file on \
                     its own cannot count wrong PINs: see docs/SECURITY.md)",
                    policy.name
                )))
            }
        }
    }
}

fn write_policy(path: &Path, policy: &Policy) -> Result<(), CliError> {
    let text = format!("{}\n", policy.to_json());
    // A new file beside the target, renamed over it once whole: a failure never leaves half a
    // policy nor a temporary file, and a link planted at the target is refused, not followed.
    let mut file = AtomicFile::create(path)
        .map_err(|e| CliError::Failed(format!("cannot write {}: {e}", path.display())))?;
    file.write_all(text.as_bytes())
        .and_then(|()| file.commit())
        .map_err(|e| CliError::Failed(format!("cannot write {}: {e}", path.display())))
}

fn describe(out: &mut impl Write, p: &Policy) -> io::Result<()> {
    writeln!(
        out,
        "{} (version {}){}",
        printable(&p.name),
        printable(&p.version),
        if p.is_locked() {
            " — locked by a caregiver"
        } else {
            ""
        }
    )?;
    writeln!(out, "  {}", printable(&p.description))?;
    let t = &p.thresholds;
    writeln!(
        out,
        "  verdicts: warn from {}, silence from {}, block from {}",
        t.warn, t.silence, t.block
    )?;
    writeln!(
        out,
        "  repeat caller: {} calls within the recent window",
        p.repeat_caller_min_calls
    )?;
    let mut weights: Vec<_> = p.weights.iter().filter(|(_, w)| **w > 0).collect();
    weights.sort_by(|a, b| b.1.cmp(a.1).then(a.0.cmp(b.0)));
    writeln!(out, "  weights:")?;
    for (code, weight) in weights {
        writeln!(out, "    {:<24} {weight}", code.as_str())?;
    }
    if !p.hard_rules.is_empty() {
        writeln!(
            out,
            "  hard rules (for callers who are neither contacts nor on the allow list):"
        )?;
    }
    for rule in &p.hard_rules {
        let what = match rule {
            HardRule::International { .. } => "calls from abroad".to_owned(),
            HardRule::Hidden { presentations, .. } => format!(
                "calls without a number ({})",
                presentations
                    .iter()
                    .map(|p| p.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            HardRule::Kind { kinds, .. } => format!(
                "numbers of kind {}",
                kinds
                    .iter()
                    .map(|k| k.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            HardRule::QuietHours { from, to, .. } => format!("calls from {from} to {to}"),
        };
        writeln!(out, "    {}: {what}", rule.verdict())?;
    }
    Ok(())
}
