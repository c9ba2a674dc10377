#![cfg(not(target_arch = "wasm32"))]
//! Share links carry a drop bit for bit, stay small enough to paste, and match what the CLI prints.

use plateau::model::{Axis, Dropped, Run, Series};
use plateau::share::{self, decode, encode};
use plateau::{ingest, Input};

fn read(name: &str, text: &str) -> Dropped {
    ingest::read(&[Input {
        name,
        bytes: text.as_bytes(),
    }])
    .expect("the generated log is read")
}

fn bits(drop: &Dropped) -> Vec<(String, Vec<u64>, Vec<u64>)> {
    drop.runs
        .iter()
        .flat_map(|r| &r.series)
        .map(|s| {
            (
                s.name.clone(),
                s.x.iter().map(|v| v.to_bits()).collect(),
                s.y.iter().map(|v| v.to_bits()).collect(),
            )
        })
        .collect()
}

fn assert_round_trip(drop: &Dropped) -> String {
    let text = encode(drop);
    let back = decode(&text).expect("an encoded drop decodes");
    assert_eq!(bits(&back), bits(drop), "every value's bits survive");
    assert_eq!(back.runs.len(), drop.runs.len());
    for (a, b) in back.runs.iter().zip(&drop.runs) {
        assert_eq!(
            (&a.name, &a.source, &a.dialect),
            (&b.name, &b.source, &b.dialect)
        );
        for (sa, sb) in a.series.iter().zip(&b.series) {
            assert_eq!(
                (sa.axis, sa.role, sa.kind, sa.direction),
                (sb.axis, sb.role, sb.kind, sb.direction)
            );
        }
    }
    assert_eq!(back.warnings, drop.warnings);
    text
}

/// Deterministic noise in [-1, 1) (a 64-bit LCG), so generated logs are the same on every run.
struct Noise(u64);

impl Noise {
    fn next(&mut self) -> f64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (self.0 >> 11) as f64 / (1u64 << 52) as f64 - 1.0
    }
}

/// A Keras `CSVLogger` file: float32 metrics printed at full f64 precision, as Keras writes them.
fn keras_log(epochs: usize) -> String {
    let mut noise = Noise(7);
    let mut text = String::from("epoch,accuracy,loss,val_accuracy,val_loss\n");
    for e in 0..epochs {
        let t = e as f64;
        let loss = 2.0 * (-t / 15.0).exp() + 0.05 + 0.01 * noise.next();
        let val_loss = 2.0 * (-t / 12.0).exp() + 0.25 + 0.002 * t + 0.03 * noise.next();
        let acc = 1.0 - loss / 2.2 + 0.005 * noise.next();
        let val_acc = 1.0 - val_loss / 2.0 + 0.01 * noise.next();
        let f = |v: f64| f64::from(v as f32);
        text.push_str(&format!(
            "{e},{},{},{},{}\n",
            f(acc),
            f(loss),
            f(val_acc),
            f(val_loss)
        ));
    }
    text
}

/// A step log as the Hugging Face trainer and Lightning progress write it: 4-decimal loss, a
/// stepped learning rate, an epoch counter.
fn step_log(steps: usize) -> String {
    let mut noise = Noise(11);
    let mut text = String::from("step,epoch,loss,lr\n");
    for s in 0..steps {
        let t = s as f64;
        let loss = 2.5 * (-t / 2000.0).exp() + 0.3 + 0.08 * noise.next();
        let lr = if s < 5000 { 3e-4 } else { 3e-5 };
        text.push_str(&format!("{s},{},{loss:.4},{lr}\n", s / 1000));
    }
    text
}

#[test]
fn keras_example_round_trips_bit_exactly() {
    let drop = read(
        "keras-tomato-leaf.csv",
        include_str!("../www/examples/keras-tomato-leaf.csv"),
    );
    assert_round_trip(&drop);
}

#[test]
fn nan_infinities_and_negative_zero_keep_their_bits() {
    let odd = [
        f64::NAN,
        -f64::NAN,
        f64::from_bits(0x7ff0_0000_dead_beef),
        f64::INFINITY,
        f64::NEG_INFINITY,
        -0.0,
        0.0,
        f64::MIN_POSITIVE,
        f64::from_bits(1),
        f64::MAX,
        0.1,
        f64::from(0.3f32),
    ];
    let drop = Dropped {
        runs: vec![Run {
            name: "odd".into(),
            source: "odd.csv".into(),
            dialect: plateau::ingest::Dialect::Keras,
            info: Vec::new(),
            series: vec![
                Series::named(
                    "loss",
                    Axis::Epoch,
                    (0..12).map(f64::from).collect(),
                    odd.to_vec(),
                ),
                Series::named(
                    "val_loss",
                    Axis::Step,
                    odd.to_vec(),
                    (0..12).map(f64::from).collect(),
                ),
            ],
        }],
        warnings: vec!["row 3 had a NaN".into()],
    };
    assert_round_trip(&drop);
}

#[test]
fn special_values_inside_otherwise_regular_columns_keep_their_bits() {
    let mut decimal: Vec<f64> = (0..50).map(|i| 1.0 + f64::from(i) * 0.0125).collect();
    decimal[7] = f64::NAN;
    decimal[20] = -0.0;
    decimal[49] = f64::INFINITY;
    let mut single: Vec<f64> = (0..50)
        .map(|i| f64::from(1.0f32 / (i as f32 + 1.0)))
        .collect();
    single[3] = f64::NAN;
    single[4] = 0.1;
    let x: Vec<f64> = (0..50).map(|i| f64::from(i) * 10.0).collect();
    let drop = Dropped {
        runs: vec![Run {
            name: "mixed".into(),
            source: "mixed.csv".into(),
            dialect: plateau::ingest::Dialect::Csv,
            info: Vec::new(),
            series: vec![
                Series::named("loss", Axis::Step, x.clone(), decimal),
                Series::named("val_loss", Axis::Step, x, single),
            ],
        }],
        warnings: Vec::new(),
    };
    assert_round_trip(&drop);
}

#[test]
fn empty_and_unicode_names_round_trip() {
    let drop = Dropped {
        runs: vec![Run {
            name: "héllo <b>ü</b> 🚀".into(),
            source: String::new(),
            dialect: plateau::ingest::Dialect::Keras,
            info: Vec::new(),
            series: vec![Series::named("", Axis::WallTime, Vec::new(), Vec::new())],
        }],
        warnings: Vec::new(),
    };
    let back = decode(&assert_round_trip(&drop)).unwrap();
    assert_eq!(back.runs[0].name, "héllo <b>ü</b> 🚀");
    assert_eq!(
        decode(&encode(&Dropped::default())).unwrap(),
        Dropped::default()
    );
}

#[test]
fn every_real_fixture_round_trips_bit_exactly() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    let mut checked = 0;
    for dir in ["real", "keras-labeled/logs"] {
        let mut stack = vec![root.join(dir)];
        while let Some(path) = stack.pop() {
            if path.is_dir() {
                stack.extend(std::fs::read_dir(&path).unwrap().map(|e| e.unwrap().path()));
                continue;
            }
            let bytes = std::fs::read(&path).unwrap();
            let name = path.file_name().unwrap().to_string_lossy().to_string();
            if let Ok(drop) = ingest::read(&[Input {
                name: &name,
                bytes: &bytes,
            }]) {
                assert_round_trip(&drop);
                checked += 1;
            }
        }
    }
    assert!(checked >= 60, "only {checked} fixtures could be read");
}

#[test]
fn hundred_epoch_keras_link_is_at_most_2_kb() {
    let drop = read("training_log.csv", &keras_log(100));
    assert_eq!(drop.runs[0].series[0].len(), 100);
    let url = share::link("index.html", &drop, &[]);
    println!(
        "size: 100-epoch Keras log (4 series) -> {} byte link",
        url.len()
    );
    assert_round_trip(&drop);
    assert!(url.len() <= 2048, "{} bytes", url.len());
}

#[test]
fn ten_thousand_step_link_is_at_most_32_kb() {
    let drop = read("metrics.csv", &step_log(10_000));
    assert_eq!(drop.runs[0].series[0].len(), 10_000);
    let url = share::link("index.html", &drop, &[]);
    println!("size: 10,000-step log -> {} byte link", url.len());
    assert_round_trip(&drop);
    assert!(url.len() <= 32 * 1024, "{} bytes", url.len());
}

#[test]
fn link_keeps_view_settings_before_the_data() {
    let drop = read("training_log.csv", &keras_log(10));
    let url = share::link(
        "https://example.org/plateau/index.html#old=1",
        &drop,
        &[("smooth", "0.6"), ("hide", "loss,val acc"), ("d", "stale")],
    );
    let (base, fragment) = url.split_once('#').unwrap();
    assert_eq!(base, "https://example.org/plateau/index.html");
    let keys: Vec<&str> = fragment.split('&').collect();
    assert_eq!(keys[0], "smooth=0.6");
    assert_eq!(keys[1], "hide=loss,val%20acc");
    assert_eq!(
        keys.len(),
        3,
        "the stale d and the base's own fragment are gone"
    );
    let d = keys[2].strip_prefix("d=").unwrap();
    assert_eq!(bits(&decode(d).unwrap()), bits(&drop));
}

#[test]
fn embed_example_links_carry_their_fixture_logs_bit_exactly() {
    let page = include_str!("../www/embed-example.html");
    let mut links: Vec<&str> = page
        .split("#d=")
        .skip(1)
        .map(|rest| &rest[..rest.find('"').unwrap()])
        .filter(|d| !d.contains('…'))
        .collect();
    // The two frames (`embed=1` and `embed=compact`) show the same log.
    links.dedup();
    let logs = [
        (
            "d002.csv",
            include_str!("fixtures/keras-labeled/logs/d002.csv"),
        ),
        (
            "d004.csv",
            include_str!("fixtures/keras-labeled/logs/d004.csv"),
        ),
    ];
    assert_eq!(links.len(), logs.len());
    for (d, (name, text)) in links.iter().zip(logs) {
        assert_eq!(decode(d).unwrap(), read(name, text), "{name}");
    }
}
