//! Scam-script scanning: links and numbers, clauses, normalisation, cues, context and scoring;
//! and loading the pack (five files, every cue normalised and compiled).

use std::hint::black_box;

use callguard_core::claims::organisations::Organisations;
use callguard_core::claims::script::{PackTexts, ScriptScanner, MAX_INPUT_BYTES};
use criterion::{criterion_group, criterion_main, Criterion, Throughput};

fn bench(c: &mut Criterion) {
    let scanner = ScriptScanner::embedded();
    let ministry = "こちらは総務省です。お客様の携帯電話が不正に利用されています。\
                    ２時間以内に通信を停止します。詳しくは１を押してください。";
    let english = "This is the Ministry. Your phone will be cut off within two hours. \
                   Press 1 to speak to an operator.";
    let news = "総務省は本日、新しい方針を発表した。";
    let warning =
        "警察官や銀行員が暗証番号を聞くことはありません。総務省をかたる電話にご注意ください。\
                   不審な電話はすぐに切って、#9110に相談してください。";
    let sms = "お客様宛にお荷物のお届けにあがりましたが不在の為持ち帰りました。\
               配送物は下記よりご確認ください。http://sagawa-xx.top/t";
    let transcript = ministry.repeat(2) + "あのね、今日は孫が遊びに来て、一緒にご飯を食べたのよ。";
    let mut long = String::new();
    while long.len() + transcript.len() <= MAX_INPUT_BYTES {
        long.push_str(&transcript);
    }

    let mut group = c.benchmark_group("script_scan");
    for (name, text) in [
        ("ministry_ja", ministry),
        ("ministry_en", english),
        ("news_ja", news),
        ("warning_ja", warning),
        ("sms_ja", sms),
        ("transcript_ja", transcript.as_str()),
    ] {
        group.throughput(Throughput::Bytes(text.len() as u64));
        group.bench_function(name, |b| b.iter(|| scanner.scan(black_box(text))));
    }
    group.throughput(Throughput::Bytes(long.len() as u64));
    group.sample_size(20);
    group.bench_function("cap_64k", |b| b.iter(|| scanner.scan(black_box(&long))));
    group.finish();

    let organisations = Organisations::embedded();
    let mut load = c.benchmark_group("script_load");
    load.sample_size(20);
    load.bench_function("embedded_pack", |b| {
        b.iter(|| ScriptScanner::from_packs(black_box(PackTexts::EMBEDDED), organisations.clone()))
    });
    load.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
