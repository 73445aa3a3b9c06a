//! Scam-script scanning: normalisation plus phrase and regex matching.

use std::hint::black_box;

use callguard_core::claims::script::{ScriptScanner, MAX_INPUT_BYTES};
use criterion::{criterion_group, criterion_main, Criterion, Throughput};

fn bench(c: &mut Criterion) {
    let scanner = ScriptScanner::embedded();
    let ministry = "こちらは総務省です。お客様の携帯電話が不正に利用されています。\
                    ２時間以内に通信を停止します。詳しくは１を押してください。";
    let english = "This is the Ministry. Your phone will be cut off within two hours. \
                   Press 1 to speak to an operator.";
    let news = "総務省は本日、新しい方針を発表した。";
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
        ("transcript_ja", transcript.as_str()),
    ] {
        group.throughput(Throughput::Bytes(text.len() as u64));
        group.bench_function(name, |b| b.iter(|| scanner.scan(black_box(text))));
    }
    group.throughput(Throughput::Bytes(long.len() as u64));
    group.sample_size(20);
    group.bench_function("cap_64k", |b| b.iter(|| scanner.scan(black_box(&long))));
    group.finish();

    c.bench_function("script_embedded_parse", |b| {
        b.iter(|| ScriptScanner::from_json(black_box(include_str!("../rules/script.json"))))
    });
}

criterion_group!(benches, bench);
criterion_main!(benches);
