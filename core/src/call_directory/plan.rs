//! The planner: list rules and reported numbers in, sorted runs of directory entries out.
//!
//! Everything is an interval of integers: an exact number is `[n, n]`, a range `[from, to]`, a
//! prefix one interval per number length it expands to (numbers of one length are contiguous
//! integers, and integer order is length-major). A sweep walks the intervals (sorted by their
//! first number; the user's lists are small) together with the reported numbers (a sorted
//! stream, read once per pass) and emits runs of consecutive numbers that share one decision.
//! Memory is O(rules + labels), never O(entries).
//!
//! Two passes: the first counts what every rank would add (a histogram, a few hundred ranks at
//! most), which fixes the cut-off when the candidates exceed the budget and the even split
//! across extensions; the second emits.

use std::cell::RefCell;
use std::collections::{BTreeMap, HashMap};

use callguard_text::Lang;
use serde::Serialize;

use super::labels::{report_label, LabelCategory, Labels};
use super::{EntryKind, PlanOptions, Run, MIN_ENTRY, NUMBER_END};
use crate::risk::{Thresholds, Verdict};
use crate::store::ListKind;

/// One interval of a list entry, as the planner reads it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rule {
    /// The first number covered.
    pub lo: u64,
    /// The last number covered (inclusive).
    pub hi: u64,
    /// The list: allow (never blocked; identified when labelled) or block.
    pub list: ListKind,
    /// The entry's label: shown for allow-listed numbers.
    pub label: Option<String>,
    /// The entry as people read it (`+8150*`): its name in the left-out report.
    pub source: String,
    /// How many numbers the whole entry covers (all of its intervals): narrower entries rank
    /// first when the budget is short, and win over wider ones on the same number.
    pub size: u64,
}

/// One reported number, as the planner reads it: reports come in ascending number order.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ReportPoint {
    /// The number (E.164 digits).
    pub number: u64,
    /// What the reports add to its score ([`crate::Policy::report_weight`]).
    pub score: u8,
    /// Reported as scam or fraud (else a nuisance).
    pub scam: bool,
    /// Reports from every source.
    pub count: u64,
    /// Who reported it, an id from [`Planner::source_id`].
    pub source: u32,
}

/// How many candidates one source (a list entry, the user's reports, a feed) gave and how
/// many of them the budget left out.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SourceCount {
    /// `block +8150*`, `allow +81352535111`, `reports: user`, `reports: feed police-jp`.
    pub source: String,
    /// Entries it would add with no budget (after the allow list and overlaps).
    pub candidates: u64,
    /// Entries planned.
    pub planned: u64,
    /// Entries left out for the budget.
    pub left_out: u64,
}

/// What one extension loads.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ExtensionSummary {
    /// Its index (0 is the first extension).
    pub index: u32,
    /// Its first and last number, if it has any entries.
    pub first: Option<u64>,
    /// The last number.
    pub last: Option<u64>,
    /// Blocking entries.
    pub blocking: u64,
    /// Identification entries.
    pub identification: u64,
}

/// What a plan holds and what it left out.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PlanSummary {
    /// The plan's version in the store (0 for a plan that was not stored).
    pub version: u64,
    /// Entries per extension at most.
    pub budget: u64,
    /// Entries planned, over every extension.
    pub entries: u64,
    /// Blocking entries planned.
    pub blocking: u64,
    /// Identification entries planned.
    pub identification: u64,
    /// Entries the lists and reports would give with no budget.
    pub candidates: u64,
    /// Entries left out for the budget.
    pub left_out: u64,
    /// The lowest score still planned when the budget cut (`None` if nothing was cut).
    pub cut_at_score: Option<u8>,
    /// Per source, most candidates first.
    pub sources: Vec<SourceCount>,
    /// Per extension, in number order.
    pub extensions: Vec<ExtensionSummary>,
}

/// Ranks order candidates when the budget is short: the score first (a block-list entry
/// scores 100, like the risk engine's `block_list`), then the narrower source (an exact
/// number before a range, a small range before a big prefix).
const SPEC_BITS: u32 = 50;
const EXACT: u64 = (1 << SPEC_BITS) - 1;

fn rank(score: u8, spec: u64) -> u64 {
    u64::from(score) << SPEC_BITS | spec
}

fn spec_of_size(size: u64) -> u64 {
    if size <= 1 {
        EXACT
    } else {
        (1 << SPEC_BITS) - 2 - size.min(1 << (SPEC_BITS - 1))
    }
}

fn score_of(rank: u64) -> u8 {
    (rank >> SPEC_BITS) as u8
}

#[derive(Debug, Clone)]
struct IRule {
    lo: u64,
    hi: u64,
    allow: bool,
    label: u32,
    rank: u64,
    /// Which rule wins on a number several cover: the narrower, then the later entry.
    precedence: (u64, usize),
    source: u32,
}

/// A candidate run: consecutive numbers with one decision, rank and source.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Cand {
    first: u64,
    last: u64,
    kind: EntryKind,
    label: u32,
    rank: u64,
    source: u32,
}

type Decision = Option<(EntryKind, u32, u64, u32)>;

/// Plans directory entries from list rules and reported numbers (see the module docs).
#[derive(Debug)]
pub struct Planner {
    rules: Vec<IRule>,
    thresholds: Thresholds,
    lang: Lang,
    labels: RefCell<Labels>,
    sources: Vec<String>,
    source_ids: HashMap<String, u32>,
}

impl Planner {
    /// A planner for `rules` (any order) under the policy's `thresholds`, labelling in `lang`.
    pub fn new(rules: Vec<Rule>, thresholds: Thresholds, lang: Lang) -> Planner {
        let mut planner = Planner {
            rules: Vec::with_capacity(rules.len()),
            thresholds,
            lang,
            labels: RefCell::new(Labels {
                texts: vec![(String::new(), LabelCategory::None)],
                ids: HashMap::new(),
                reports: HashMap::new(),
            }),
            sources: Vec::new(),
            source_ids: HashMap::new(),
        };
        for (position, rule) in rules.into_iter().enumerate() {
            let lo = rule.lo.max(MIN_ENTRY);
            let hi = rule.hi.min(NUMBER_END - 1);
            if lo > hi {
                continue;
            }
            let spec = spec_of_size(rule.size);
            let label = match (&rule.list, rule.label) {
                (ListKind::Allow, Some(label)) if !label.trim().is_empty() => planner
                    .labels
                    .get_mut()
                    .id(label.trim(), LabelCategory::UserLabel),
                _ => 0,
            };
            let source = planner.source_id(&format!("{} {}", rule.list, rule.source));
            planner.rules.push(IRule {
                lo,
                hi,
                allow: rule.list == ListKind::Allow,
                label,
                rank: rank(100, spec),
                precedence: (spec, position),
                source,
            });
        }
        planner.rules.sort_by_key(|r| (r.lo, r.precedence));
        planner
    }

    /// The id of a source name (for [`ReportPoint::source`]).
    pub fn source_id(&mut self, name: &str) -> u32 {
        if let Some(&id) = self.source_ids.get(name) {
            return id;
        }
        let id = self.sources.len() as u32;
        self.sources.push(name.to_owned());
        self.source_ids.insert(name.to_owned(), id);
        id
    }

    /// The labels the runs refer to (id 0 is "no label").
    pub fn labels(&self) -> Vec<String> {
        self.labels
            .borrow()
            .texts
            .iter()
            .map(|(t, _)| t.clone())
            .collect()
    }

    fn report_label(&self, scam: bool, count: u64) -> u32 {
        let mut labels = self.labels.borrow_mut();
        if let Some(&id) = labels.reports.get(&(scam, count)) {
            return id;
        }
        let category = if scam {
            LabelCategory::SuspectedScam
        } else {
            LabelCategory::Nuisance
        };
        let id = labels.id(&report_label(scam, count, self.lang), category);
        labels.reports.insert((scam, count), id);
        id
    }

    /// Plans: `reports` is called once per pass and must push every reported number, in
    /// ascending order, into the function it is given; `sink` receives the planned runs with
    /// their extension and label text, in ascending order (extension 0 first). Returns the
    /// summary with version 0.
    pub fn plan<E>(
        &self,
        options: &PlanOptions,
        mut reports: impl FnMut(&mut dyn FnMut(ReportPoint)) -> Result<(), E>,
        sink: &mut RunSink<'_, E>,
    ) -> Result<PlanSummary, E> {
        let extensions = options.extensions.max(1);
        let capacity = options.budget.saturating_mul(u64::from(extensions));
        // Pass 1: count per rank and per source.
        let mut by_rank: BTreeMap<u64, u64> = BTreeMap::new();
        let mut by_source: Vec<u64> = Vec::new();
        {
            let mut count = |c: Cand| {
                let n = c.last - c.first + 1;
                *by_rank.entry(c.rank).or_default() += n;
                let s = c.source as usize;
                if by_source.len() <= s {
                    by_source.resize(s + 1, 0);
                }
                by_source[s] += n;
            };
            let mut sweep = Sweep::new(self);
            reports(&mut |p| sweep.report(p, &mut count))?;
            sweep.finish(&mut count);
        }
        let candidates: u64 = by_rank.values().sum();
        // The cut: every rank above `cut_rank`, and the first `quota` numbers of it.
        let (cut_rank, quota) = if candidates <= capacity {
            (0, u64::MAX)
        } else {
            let mut kept = 0u64;
            let mut cut = (0, 0);
            for (&r, &n) in by_rank.iter().rev() {
                if kept + n >= capacity {
                    cut = (r, capacity - kept);
                    break;
                }
                kept += n;
            }
            cut
        };
        let total = candidates.min(capacity);
        let share = total.div_ceil(u64::from(extensions)).max(1);

        // Pass 2: emit.
        let mut planned_by_source = vec![0u64; by_source.len().max(self.sources.len())];
        let mut ext_summaries: Vec<ExtensionSummary> = (0..extensions)
            .map(|index| ExtensionSummary {
                index,
                first: None,
                last: None,
                blocking: 0,
                identification: 0,
            })
            .collect();
        let mut failed: Option<E> = None;
        {
            let mut quota_left = quota;
            let mut emitted = 0u64;
            let mut pending: Option<(u32, Run)> = None;
            let mut flush = |ext: u32, run: Run, failed: &mut Option<E>| {
                if failed.is_none() {
                    let labels = self.labels.borrow();
                    let label = labels
                        .texts
                        .get(run.label as usize)
                        .map_or(("", LabelCategory::None), |(t, c)| (t.as_str(), *c));
                    if let Err(e) = sink(ext, run, label) {
                        *failed = Some(e);
                    }
                }
            };
            let mut emit = |c: Cand, failed: &mut Option<E>| {
                let mut first = c.first;
                let mut last = c.last;
                if c.rank < cut_rank {
                    return;
                }
                if c.rank == cut_rank && quota != u64::MAX {
                    if quota_left == 0 {
                        return;
                    }
                    last = last.min(first + quota_left - 1);
                    quota_left -= last - first + 1;
                }
                planned_by_source[c.source as usize] += last - first + 1;
                while first <= last {
                    let ext = ((emitted / share) as u32).min(extensions - 1);
                    let room = share * (u64::from(ext) + 1) - emitted;
                    let end = if ext == extensions - 1 {
                        last
                    } else {
                        last.min(first + room - 1)
                    };
                    let run = Run {
                        first,
                        last: end,
                        kind: c.kind,
                        label: c.label,
                    };
                    let s = &mut ext_summaries[ext as usize];
                    s.first.get_or_insert(first);
                    s.last = Some(end);
                    match c.kind {
                        EntryKind::Block => s.blocking += end - first + 1,
                        EntryKind::Identify => s.identification += end - first + 1,
                    }
                    emitted += end - first + 1;
                    match &mut pending {
                        Some((e, p))
                            if *e == ext
                                && p.last + 1 == first
                                && p.kind == run.kind
                                && p.label == run.label =>
                        {
                            p.last = end;
                        }
                        _ => {
                            if let Some((e, p)) = pending.take() {
                                flush(e, p, failed);
                            }
                            pending = Some((ext, run));
                        }
                    }
                    first = end + 1;
                }
            };
            let mut sweep = Sweep::new(self);
            reports(&mut |p| sweep.report(p, &mut |c| emit(c, &mut failed)))?;
            sweep.finish(&mut |c| emit(c, &mut failed));
            if let Some((e, p)) = pending.take() {
                flush(e, p, &mut failed);
            }
        }
        if let Some(e) = failed {
            return Err(e);
        }
        let mut sources: Vec<SourceCount> = by_source
            .iter()
            .enumerate()
            .filter(|(_, &n)| n > 0)
            .map(|(i, &n)| SourceCount {
                source: self.sources[i].clone(),
                candidates: n,
                planned: planned_by_source[i],
                left_out: n - planned_by_source[i],
            })
            .collect();
        sources.sort_by(|a, b| {
            b.candidates
                .cmp(&a.candidates)
                .then(a.source.cmp(&b.source))
        });
        let blocking = ext_summaries.iter().map(|e| e.blocking).sum();
        let identification = ext_summaries.iter().map(|e| e.identification).sum();
        Ok(PlanSummary {
            version: 0,
            budget: options.budget,
            entries: blocking + identification,
            blocking,
            identification,
            candidates,
            left_out: candidates - total,
            cut_at_score: (quota != u64::MAX).then(|| score_of(cut_rank)),
            sources,
            extensions: ext_summaries,
        })
    }
}

/// A label as the planner hands it to a sink: its text and where it comes from.
pub type LabelRef<'a> = (&'a str, LabelCategory);

/// Where [`Planner::plan`] sends the planned runs: extension, run, label.
pub type RunSink<'a, E> = dyn FnMut(u32, Run, LabelRef<'_>) -> Result<(), E> + 'a;

/// One pass over the rules and the reports.
struct Sweep<'a> {
    planner: &'a Planner,
    /// The next number not yet decided.
    pos: u64,
    next_rule: usize,
    active: Vec<usize>,
    pending: Option<Cand>,
}

impl<'a> Sweep<'a> {
    fn new(planner: &'a Planner) -> Sweep<'a> {
        Sweep {
            planner,
            pos: MIN_ENTRY,
            next_rule: 0,
            active: Vec::new(),
            pending: None,
        }
    }

    fn emit(&mut self, c: Cand, out: &mut dyn FnMut(Cand)) {
        match &mut self.pending {
            Some(p)
                if p.last + 1 == c.first
                    && (p.kind, p.label, p.rank, p.source)
                        == (c.kind, c.label, c.rank, c.source) =>
            {
                p.last = c.last;
            }
            _ => {
                if let Some(p) = self.pending.replace(c) {
                    out(p);
                }
            }
        }
    }

    /// Brings the active rules to `self.pos`.
    fn activate(&mut self) {
        let rules = &self.planner.rules;
        while self.next_rule < rules.len() && rules[self.next_rule].lo <= self.pos {
            self.active.push(self.next_rule);
            self.next_rule += 1;
        }
        let pos = self.pos;
        self.active.retain(|&i| rules[i].hi >= pos);
    }

    /// What the lists decide for the numbers the active rules cover: the allow list first
    /// (identified with the deciding entry's label, or left out), then the block list.
    fn decide(&self) -> Option<Decision> {
        let rules = &self.planner.rules;
        let best = |allow: bool| {
            self.active
                .iter()
                .map(|&i| &rules[i])
                .filter(|r| r.allow == allow)
                .max_by_key(|r| r.precedence)
        };
        if let Some(a) = best(true) {
            return Some((a.label != 0).then_some((
                EntryKind::Identify,
                a.label,
                a.rank,
                a.source,
            )));
        }
        best(false).map(|b| Some((EntryKind::Block, 0, b.rank, b.source)))
    }

    /// Decides every number before `end` (exclusive) that no report names.
    fn advance_to(&mut self, end: u64, out: &mut dyn FnMut(Cand)) {
        while self.pos < end {
            self.activate();
            let rules = &self.planner.rules;
            let mut seg_end = end;
            if let Some(next) = rules.get(self.next_rule) {
                seg_end = seg_end.min(next.lo);
            }
            for &i in &self.active {
                seg_end = seg_end.min(rules[i].hi + 1);
            }
            if let Some(Some((kind, label, rank, source))) = self.decide() {
                let c = Cand {
                    first: self.pos,
                    last: seg_end - 1,
                    kind,
                    label,
                    rank,
                    source,
                };
                self.emit(c, out);
            }
            self.pos = seg_end;
        }
    }

    fn report(&mut self, p: ReportPoint, out: &mut dyn FnMut(Cand)) {
        if p.number < self.pos || p.number >= NUMBER_END {
            // Below the smallest entry, or not ascending: nothing to decide.
            return;
        }
        self.advance_to(p.number, out);
        self.activate();
        let decision = match self.decide() {
            Some(listed) => listed,
            None => match self.planner.thresholds.verdict(p.score) {
                Verdict::Block => Some((EntryKind::Block, 0, rank(p.score, EXACT), p.source)),
                Verdict::Warn | Verdict::Silence => {
                    let label = self.planner.report_label(p.scam, p.count);
                    Some((EntryKind::Identify, label, rank(p.score, EXACT), p.source))
                }
                Verdict::Allow => None,
            },
        };
        if let Some((kind, label, rank, source)) = decision {
            let c = Cand {
                first: p.number,
                last: p.number,
                kind,
                label,
                rank,
                source,
            };
            self.emit(c, out);
        }
        self.pos = p.number + 1;
    }

    fn finish(mut self, out: &mut dyn FnMut(Cand)) {
        self.advance_to(NUMBER_END, out);
        if let Some(p) = self.pending.take() {
            out(p);
        }
    }
}
