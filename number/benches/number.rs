//! Normalise + classify, the number half of the call path.

use std::hint::black_box;

use callguard_number::{Classifier, Presentation, Region};
use criterion::{criterion_group, criterion_main, Criterion};

fn bench(c: &mut Criterion) {
    let jp = Classifier::new(Region::JP);
    jp.warm_up();
    let mut group = c.benchmark_group("classify");
    for (name, input) in [
        ("e164_mobile", "+819012345678"),
        ("national_fixed", "03-5253-5111"),
        ("idd_carrier", "0041-010-44-20-7946-0958"),
        ("full_width", "＋８１ ９０ １２３４ ５６７８"),
        ("short_emergency", "110"),
        ("invalid_cc", "+83 1234 5678"),
    ] {
        group.bench_function(name, |b| {
            b.iter(|| jp.classify(black_box(input), Presentation::Allowed))
        });
    }
    group.finish();

    c.bench_function("phonenumber_parse_valid_type", |b| {
        b.iter(|| {
            let pn = phonenumber::parse(None, black_box("+819012345678")).ok();
            pn.map(|pn| {
                (
                    phonenumber::is_valid(&pn),
                    pn.number_type(&phonenumber::metadata::DATABASE),
                )
            })
        })
    });
}

criterion_group!(benches, bench);
criterion_main!(benches);
