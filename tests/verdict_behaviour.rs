#![cfg(not(target_arch = "wasm32"))]
//! Each rule of the verdict engine on small constructed runs: one behaviour per test.

use plateau::analysis::RegionKind;
use plateau::model::{Axis, Run, Series};
use plateau::{analyze, Dropped, Options, RunReport, Verdict};

fn series(name: &str, y: Vec<f64>) -> Series {
    let x = (0..y.len()).map(|i| i as f64).collect();
    Series::named(name, Axis::Epoch, x, y)
}

fn judge(series: Vec<Series>) -> RunReport {
    judge_with(series, None)
}

fn judge_with(series: Vec<Series>, monitor: Option<&str>) -> RunReport {
    let drop = Dropped {
        runs: vec![Run {
            name: "run".to_string(),
            source: "test".to_string(),
            dialect: plateau::ingest::Dialect::Csv,
            info: Vec::new(),
            series,
        }],
        warnings: Vec::new(),
    };
    let options = Options {
        monitor: monitor.map(str::to_string),
        ..Options::default()
    };
    analyze(&drop, &options).runs.remove(0)
}

/// Deterministic noise in [−0.5, 0.5).
fn jitter(i: usize) -> f64 {
    ((i as f64 * 12.9898).sin() * 43_758.545).fract().abs() - 0.5
}

fn decay(n: usize, rate: f64, floor: f64) -> Vec<f64> {
    (0..n).map(|i| floor + (-(i as f64) * rate).exp()).collect()
}

fn has(r: &RunReport, q: &str) -> bool {
    r.qualifiers.iter().any(|x| x == q)
}

#[test]
fn fewer_than_five_points_is_insufficient() {
    let r = judge(vec![series("val_loss", vec![1.0, 0.9, 0.8, 0.7])]);
    assert_eq!(r.verdict, Verdict::Insufficient);
}

#[test]
fn nan_in_validation_is_diverging_with_nan_marker() {
    let r = judge(vec![
        series("loss", vec![1.0, 0.8, 0.7, 0.6, 0.5, 0.4]),
        series(
            "val_loss",
            vec![1.0, 0.9, 0.8, f64::NAN, f64::NAN, f64::NAN],
        ),
    ]);
    assert_eq!(r.verdict, Verdict::Diverging);
    assert!(r.markers.iter().any(|m| m.kind == "nan" && m.x == 3.0));
    assert!(r.evidence[0].contains("epoch 3"));
}

#[test]
fn sustained_rise_of_training_loss_is_diverging() {
    let r = judge(vec![
        series("loss", vec![2.0, 1.0, 0.6, 0.5, 0.8, 1.2, 1.9, 2.5]),
        series("val_loss", vec![2.1, 1.1, 0.7, 0.6, 0.9, 1.4, 2.0, 2.8]),
    ]);
    assert_eq!(r.verdict, Verdict::Diverging);
    assert!(r.advice.contains("learning rate"));
}

#[test]
fn spike_that_recovered_is_not_divergence() {
    let mut loss = decay(30, 0.1, 0.2);
    loss[15] *= 6.0;
    let val: Vec<f64> = loss
        .iter()
        .enumerate()
        .map(|(i, v)| if i == 15 { 0.5 } else { v + 0.01 })
        .collect();
    let r = judge(vec![series("loss", loss), series("val_loss", val)]);
    assert_ne!(r.verdict, Verdict::Diverging);
    assert!(has(&r, "spikes"));
    assert!(r.markers.iter().any(|m| m.kind == "spike" && m.x == 15.0));
}

#[test]
fn training_spike_while_validation_holds_its_best_is_not_divergence() {
    let mut loss = decay(20, 0.3, 0.02);
    *loss.last_mut().unwrap() = 0.2;
    let val = decay(20, 0.3, 0.03);
    let r = judge(vec![series("loss", loss), series("val_loss", val)]);
    assert_ne!(r.verdict, Verdict::Diverging);
    assert!(has(&r, "spikes"));
}

#[test]
fn val_rises_after_best_epoch_is_overfitting() {
    let loss = decay(30, 0.15, 0.01);
    let val: Vec<f64> = (0..30)
        .map(|i| 0.3 + 0.002 * (i as f64 - 10.0).powi(2) + 0.002 * jitter(i))
        .collect();
    let r = judge(vec![series("loss", loss), series("val_loss", val)]);
    assert_eq!(r.verdict, Verdict::Overfitting);
    let best = r.best.unwrap();
    assert_eq!(best.x, 10.0);
    assert_eq!(r.advice, "stop and keep the epoch-10 checkpoint");
    assert!(r
        .markers
        .iter()
        .any(|m| m.kind == "overfit_onset" && m.x == 10.0));
    assert!(r
        .regions
        .iter()
        .any(|g| g.kind == RegionKind::Overfitting && g.start == 10.0 && g.end == 29.0));
    let p = r.details.prechelt.as_ref().unwrap();
    assert!(p.gl > 5.0 && p.pq.is_some());
}

#[test]
fn one_unlucky_validation_value_is_not_overfitting() {
    let loss = decay(20, 0.2, 0.1);
    // Validation falls and flattens with ±2% noise; only the last value jumps 30% above the
    // best: the level at the end (median of the last three) has not moved.
    let mut val: Vec<f64> = (0..20)
        .map(|i| (0.5 + 0.5 * (-(i as f64) * 0.4).exp()) * (1.0 + 0.04 * jitter(i)))
        .collect();
    let best = val.iter().copied().fold(f64::INFINITY, f64::min);
    *val.last_mut().unwrap() = best * 1.3;
    let r = judge(vec![series("loss", loss), series("val_loss", val)]);
    assert_ne!(r.verdict, Verdict::Overfitting);
}

#[test]
fn validation_above_best_without_falling_training_is_not_overfitting() {
    let loss = vec![0.5; 20];
    let val: Vec<f64> = (0..20).map(|i| 0.3 + 0.01 * i as f64).collect();
    let r = judge(vec![series("loss", loss), series("val_loss", val)]);
    assert_ne!(r.verdict, Verdict::Overfitting);
}

#[test]
fn steady_decline_is_improving_with_projection() {
    let val: Vec<f64> = (0..30).map(|i| 2.0 - 0.02 * i as f64).collect();
    let r = judge(vec![series("val_loss", val)]);
    assert_eq!(r.verdict, Verdict::Improving);
    assert!(r.advice.starts_with("keep training ~"));
    let p = r.projection.as_ref().unwrap();
    assert!(p.x[0] > 29.0);
    for i in 0..p.x.len() {
        assert!(p.low[i] <= p.mid[i] && p.mid[i] <= p.high[i]);
    }
    let o = r.details.outlook.as_ref().unwrap();
    assert!(o.gain_low > 0.02 && o.horizon == 60.0);
}

#[test]
fn significant_but_tiny_decline_is_plateau() {
    // Falls every epoch (Mann–Kendall is certain) but by ~0.01% per epoch.
    let val: Vec<f64> = (0..40).map(|i| 0.5 - 0.00005 * i as f64).collect();
    let r = judge(vec![series("val_loss", val)]);
    assert!(r.details.trend.unwrap().significant());
    assert_eq!(r.verdict, Verdict::Plateau);
    assert!(r.regions.iter().any(|g| g.kind == RegionKind::Plateau));
}

#[test]
fn flattening_curve_is_plateau_though_still_falling() {
    let val = decay(40, 0.2, 0.3);
    let r = judge(vec![series("val_loss", val)]);
    assert!(r.details.trend.unwrap().z < 0.0);
    assert_eq!(r.verdict, Verdict::Plateau);
    assert!(r.advice.contains("keep the epoch-39 checkpoint"));
}

#[test]
fn accuracy_monitor_uses_its_direction() {
    let acc: Vec<f64> = (0..30).map(|i| 0.5 + 0.01 * i as f64).collect();
    let r = judge(vec![series("val_accuracy", acc)]);
    assert_eq!(r.monitor.as_deref(), Some("val_accuracy"));
    assert_eq!(r.verdict, Verdict::Improving);
    assert_eq!(r.best.unwrap().x, 29.0);
}

#[test]
fn monitor_can_be_overridden() {
    let r = judge_with(
        vec![
            series("loss", (0..30).map(|i| 2.0 - 0.02 * i as f64).collect()),
            series("val_loss", vec![0.5; 30]),
        ],
        Some("loss"),
    );
    assert_eq!(r.monitor.as_deref(), Some("loss"));
    assert_eq!(r.verdict, Verdict::Improving);
}

#[test]
fn lr_rows_are_never_judged_as_a_loss() {
    let r = judge(vec![series(
        "learning_rate",
        vec![0.1, 0.1, 0.02, 0.02, 0.004, 0.004],
    )]);
    assert_eq!(r.monitor, None);
    assert_eq!(r.verdict, Verdict::Insufficient);
}

#[test]
fn plateau_between_lr_cuts_is_lr_limited() {
    let lr: Vec<f64> = (0..30).map(|i| if i < 15 { 0.01 } else { 0.001 }).collect();
    let val: Vec<f64> = (0..30)
        .map(|i| {
            if i < 15 {
                1.0 - 0.02 * i as f64
            } else {
                0.6 + 0.001 * jitter(i)
            }
        })
        .collect();
    let r = judge(vec![series("learning_rate", lr), series("val_loss", val)]);
    assert_eq!(r.verdict, Verdict::Plateau);
    assert!(has(&r, "lr_limited"));
    assert!(r.markers.iter().any(|m| m.kind == "lr_drop" && m.x == 15.0));
    // The trend is judged on the points since the cut only.
    assert_eq!(r.details.trend.unwrap().start, 15.0);
}

#[test]
fn gradient_spike_is_exploding_with_autoclip_threshold() {
    let mut norms: Vec<f64> = (0..40).map(|i| 1.0 + 0.5 * jitter(i)).collect();
    norms[30] = 60.0;
    let r = judge(vec![
        series("loss", decay(40, 0.1, 0.1)),
        series("val_loss", decay(40, 0.1, 0.12)),
        series("grad_norm", norms.clone()),
    ]);
    assert!(has(&r, "exploding_gradients"));
    let g = r.details.gradients.as_ref().unwrap();
    let mut sorted = norms;
    sorted.sort_by(f64::total_cmp);
    // 10th percentile of 40 values, linear interpolation at rank 3.9.
    let expected = sorted[3] + 0.9 * (sorted[4] - sorted[3]);
    assert!((g.clip - expected).abs() < 1e-12);
    assert!(r
        .evidence
        .iter()
        .any(|e| e.contains("10th percentile of 40 norms")));
    assert!(r.advice.contains("clip gradients at"));
}

#[test]
fn collapsed_gradients_with_high_loss_are_vanishing() {
    let norms: Vec<f64> = (0..20).map(|i: i32| 10f64.powi(-i / 3)).collect();
    let loss: Vec<f64> = (0..20).map(|i| 2.3 - 0.001 * i as f64).collect();
    let r = judge(vec![series("loss", loss), series("grad_norm", norms)]);
    assert!(has(&r, "vanishing_gradients"));
}

#[test]
fn loss_up_while_metric_improves_is_metric_disagreement() {
    let loss = decay(30, 0.1, 0.05);
    let val_loss: Vec<f64> = (0..30).map(|i| 0.5 + 0.02 * i as f64).collect();
    let val_acc: Vec<f64> = (0..30).map(|i| 0.6 + 0.01 * i as f64).collect();
    let r = judge(vec![
        series("loss", loss),
        series("val_loss", val_loss),
        series("val_accuracy", val_acc),
    ]);
    assert!(has(&r, "metric_disagreement"));
}

#[test]
fn train_and_val_on_different_scales_is_mismatch() {
    let r = judge(vec![
        series("loss", decay(20, 0.1, 100.0)),
        series("val_loss", decay(20, 0.1, 0.5)),
    ]);
    assert!(has(&r, "train_val_mismatch"));
}

#[test]
fn metric_that_never_left_its_start_is_not_learning() {
    let acc: Vec<f64> = (0..20).map(|i| 0.5 + 0.001 * jitter(i)).collect();
    let r = judge(vec![series("val_accuracy", acc)]);
    assert!(has(&r, "not_learning"));
}

#[test]
fn fluctuation_dwarfing_trend_is_noisy() {
    let val: Vec<f64> = (0..30).map(|i| 0.5 + 0.2 * jitter(i)).collect();
    let r = judge(vec![series("val_loss", val)]);
    assert!(has(&r, "noisy"));
}

#[test]
fn early_stopping_emulation_is_reported() {
    let mut val = decay(30, 0.5, 0.2);
    for v in val.iter_mut().skip(10) {
        *v = 0.3;
    }
    let r = judge(vec![series("val_loss", val)]);
    let rules: Vec<&str> = r.early_stopping.iter().map(|e| e.rule.as_str()).collect();
    assert_eq!(rules.len(), 3);
    assert!(rules[0].starts_with("keras EarlyStopping"));
    assert!(r.early_stopping.iter().all(|e| !e.at.is_empty()));
}

#[test]
fn a_million_points_with_nan_and_inf_recovered_from_are_listed_not_diverging() {
    let n = 1_000_000;
    let mut y: Vec<f64> = (0..n)
        .map(|i| 1.0 / (1.0 + i as f64 / 1000.0) + 0.01 * jitter(i))
        .collect();
    y[500_000] = f64::NAN;
    y[600_000] = f64::INFINITY;
    let r = judge(vec![series("loss", y)]);
    assert_ne!(r.verdict, Verdict::Diverging);
    assert!(has(&r, "nan_recovered"));
    let nf = r.details.non_finite.as_ref().unwrap();
    assert_eq!(nf.at, vec![500_000.0, 600_000.0]);
    assert!(!nf.persists);
}

#[test]
fn nan_that_lasts_to_the_end_is_diverging() {
    let mut y = decay(20, 0.1, 0.5);
    for v in y.iter_mut().skip(15) {
        *v = f64::NAN;
    }
    let r = judge(vec![series("loss", y)]);
    assert_eq!(r.verdict, Verdict::Diverging);
    assert!(r.details.non_finite.as_ref().unwrap().persists);
    assert!(!has(&r, "nan_recovered"));
}

#[test]
fn smooth_lr_decay_to_zero_has_no_cuts() {
    let lr: Vec<f64> = (0..30).map(|i| 0.01 * (29 - i) as f64 / 29.0).collect();
    let val: Vec<f64> = (0..30).map(|i| 0.6 + 0.001 * jitter(i)).collect();
    let r = judge(vec![series("learning_rate", lr), series("val_loss", val)]);
    assert!(r.markers.iter().all(|m| m.kind != "lr_drop"));
    assert!(!has(&r, "lr_limited"));
}

#[test]
fn accuracy_projection_never_passes_one() {
    let acc: Vec<f64> = (0..30).map(|i| 0.5 + 0.015 * i as f64).collect();
    let r = judge(vec![series("val_accuracy", acc)]);
    let p = r.projection.as_ref().unwrap();
    assert!(p.high.iter().chain(&p.mid).all(|v| *v <= 1.0));
}

#[test]
fn empty_and_all_nan_series_do_not_panic() {
    let r = judge(vec![series("val_loss", Vec::new())]);
    assert_eq!(r.verdict, Verdict::Insufficient);
    let r = judge(vec![
        series("loss", vec![f64::NAN; 8]),
        series("val_loss", vec![f64::NAN; 8]),
    ]);
    assert_eq!(r.verdict, Verdict::Diverging);
    assert_eq!(r.best, None);
}

#[test]
fn arbitrary_short_runs_never_panic() {
    let specials = [
        f64::NAN,
        f64::INFINITY,
        f64::NEG_INFINITY,
        0.0,
        -1.0,
        1e300,
        -1e-300,
    ];
    for case in 0..3000usize {
        let n = case % 23;
        let value = |i: usize, k: usize| {
            let r = jitter(case * 131 + i * 7 + k);
            if (case + i + k) % 11 == 0 {
                specials[(case + i + k) % specials.len()]
            } else {
                r * 10f64.powi((case % 5) as i32 - 2)
            }
        };
        let x: Vec<f64> = (0..n)
            .map(|i| {
                if case % 4 == 0 && i == n / 2 {
                    0.0
                } else {
                    i as f64
                }
            })
            .collect();
        let named = |name: &str, k: usize| {
            Series::named(
                name,
                Axis::Epoch,
                x.clone(),
                (0..n).map(|i| value(i, k)).collect(),
            )
        };
        let r = judge(vec![
            named("loss", 1),
            named("val_loss", 2),
            named("val_accuracy", 3),
            named("learning_rate", 4),
            named("grad_norm", 5),
        ]);
        assert!(!r.evidence.is_empty());
        assert!(!r.advice.is_empty());
    }
}

/// A noisy straight decline whose last epoch is its best: significant, yet noisy enough that a
/// fit which has already flattened stays plausible.
fn noisy_decline(n: usize) -> Vec<f64> {
    let mut y: Vec<f64> = (0..n)
        .map(|i| 2.0 * (1.0 - 0.015 * i as f64) + 0.16 * jitter(i))
        .collect();
    let best = y.iter().copied().fold(f64::INFINITY, f64::min);
    y[n - 1] = best - 0.01;
    y
}

/// The decline's training partner: falling at the same pace, `gap` further below each epoch.
fn partner(val: &[f64], gap: f64) -> Vec<f64> {
    val.iter()
        .enumerate()
        .map(|(i, v)| v - 0.1 - gap * i as f64 + 0.01 * jitter(i + 100))
        .collect()
}

#[test]
fn noisy_decline_ending_at_its_best_is_improving_though_the_range_reaches_zero() {
    let val = noisy_decline(20);
    let r = judge(vec![
        series("loss", partner(&val, 0.0)),
        series("val_loss", val),
    ]);
    let o = r.details.outlook.as_ref().expect("projected");
    assert!(
        o.gain_low <= 0.02,
        "the pessimistic fit alone would say plateau"
    );
    assert_eq!(r.verdict, Verdict::Improving);
    assert!(r.advice.starts_with("keep training"));
}

#[test]
fn noisy_decline_with_a_widening_validation_gap_is_plateau() {
    let val = noisy_decline(20);
    let r = judge(vec![
        series("loss", partner(&val, 0.01)),
        series("val_loss", val),
    ]);
    assert_eq!(r.verdict, Verdict::Plateau);
    assert!(r.evidence[0].contains("gap widens"));
}

#[test]
fn noisy_decline_after_a_loss_spike_is_plateau() {
    let val = noisy_decline(20);
    let mut loss = partner(&val, 0.0);
    loss[10] *= 5.0;
    let r = judge(vec![series("loss", loss), series("val_loss", val)]);
    assert!(has(&r, "spikes"));
    assert_eq!(r.verdict, Verdict::Plateau);
    assert!(r.evidence[0].contains("the recent fall follows a loss spike"));
}

#[test]
fn noisy_decline_right_after_a_learning_rate_cut_gives_the_new_rate_a_patience() {
    let val = noisy_decline(20);
    let lr = (0..20).map(|i| if i < 17 { 1e-3 } else { 1e-4 }).collect();
    let r = judge(vec![
        series("loss", partner(&val, 0.0)),
        series("val_loss", val),
        series("learning_rate", lr),
    ]);
    assert_eq!(r.verdict, Verdict::Plateau);
    assert!(has(&r, "lr_just_cut"));
    assert!(!has(&r, "lr_limited"));
    assert!(r.evidence[0].contains("followed a learning-rate cut"));
    assert!(r
        .advice
        .starts_with("give the new learning rate about 5 more epochs"));
}

#[test]
fn significant_fall_projected_under_two_percent_is_slow_progress() {
    let y: Vec<f64> = (0..30).map(|i| 1.0 + 0.05 / (1.0 + i as f64)).collect();
    let r = judge(vec![series("val_loss", y)]);
    assert_eq!(r.verdict, Verdict::Plateau);
    assert!(has(&r, "slow_progress"));
    assert!(r.advice.contains("projected to gain under 2%"));
}

#[test]
fn overall_loss_is_monitored_before_its_components() {
    let falling = decay(20, 0.1, 0.5);
    let flat = vec![0.3; 20];
    let r = judge(vec![
        series("loss_box_reg", flat.clone()),
        series("loss_cls", flat),
        series("total_loss", falling),
    ]);
    assert_eq!(r.monitor.as_deref(), Some("total_loss"));
    assert_eq!(r.details.objective.as_deref(), Some("total_loss"));
}

#[test]
fn overall_loss_names() {
    use plateau::analysis::is_overall_loss;
    for name in [
        "loss",
        "total_loss",
        "train_loss_epoch",
        "Validation Loss",
        "epoch/val_loss",
        "val/loss",
    ] {
        assert!(is_overall_loss(name), "{name}");
    }
    for name in [
        "loss_box_reg",
        "val/box_loss",
        "ce",
        "diversity_loss",
        "train/nll_loss",
    ] {
        assert!(!is_overall_loss(name), "{name}");
    }
}

fn fixture(path: &str) -> RunReport {
    fixture_with(path, None)
}

fn fixture_with(path: &str, monitor: Option<&str>) -> RunReport {
    let full = format!(
        "{}/tests/fixtures/synthetic/{path}",
        env!("CARGO_MANIFEST_DIR")
    );
    let bytes = std::fs::read(&full).expect("fixture is readable");
    let (_, report) = plateau::check(
        &[plateau::Input {
            name: &full,
            bytes: &bytes,
        }],
        &Options {
            monitor: monitor.map(str::to_string),
            ..Options::default()
        },
    )
    .expect("fixture ingests");
    report.runs.into_iter().next().expect("one run")
}

/// Whisper-style fine-tune (tests/fixtures/synthetic/whisper-finetune): eval_loss rises at every
/// evaluation after step 1500 while WER falls, and the 4-decimal training loss goes 0.0001 →
/// 0.0002. Never diverging (a doubling at the printed resolution is no rise); the sentence gives
/// both numbers and the advice follows the task metric. By default the series the Trainer chose
/// its best checkpoint by (`metric_for_best_model: wer`) is judged, and WER still falls.
#[test]
fn whisper_eval_loss_rising_while_wer_falls_says_both_and_advises_by_wer() {
    let r = fixture("whisper-finetune/trainer_state.json");
    assert_eq!(r.monitor.as_deref(), Some("eval_wer"));
    assert_eq!(r.verdict, Verdict::Improving);
    // Judged by its task metric, the run still says what its validation loss did.
    assert!(has(&r, "metric_disagreement"));
    assert!(
        r.evidence.iter().any(
            |e| e.contains("eval_loss worsened from 0.2644 at step 1500")
                && e.contains("eval_wer, the task metric judged, is 18.61")
        ),
        "{:?}",
        r.evidence
    );
    let r = fixture_with("whisper-finetune/trainer_state.json", Some("eval_loss"));
    assert_eq!(r.monitor.as_deref(), Some("eval_loss"));
    assert_ne!(r.verdict, Verdict::Diverging);
    assert!(r.details.rise.is_none());
    assert_eq!(r.details.objective.as_deref(), Some("loss"));
    assert!(has(&r, "metric_disagreement"));
    assert!(r.evidence.iter().any(
        |e| e.contains("eval_loss worsened from 0.2644 at step 1500")
            && e.contains("eval_wer improved from 25.31 to 18.61")
    ));
    assert!(r
        .advice
        .contains("keep the checkpoint with the lowest eval_wer"));
}

/// A TensorBoard export of one training resumed three times (steps restart at 0), whose noisy
/// per-step loss keeps falling across sessions: its last raw step is far above its luckiest
/// points, but the level still falls, so it is never diverging.
#[test]
fn resumed_tensorboard_export_whose_loss_keeps_falling_is_not_diverging() {
    let r = fixture("tensorboard-resumed/run-.-tag-loss.csv");
    assert_ne!(r.verdict, Verdict::Diverging);
    assert!(r.details.rise.is_none());
    assert!(has(&r, "restarted"));
}

#[test]
fn printed_resolution_floors_the_noise() {
    let r = fixture_with("whisper-finetune/trainer_state.json", Some("eval_loss"));
    // eval_loss is printed with 4 decimals.
    assert_eq!(r.details.resolution, Some(1e-4));
    assert!(r.details.noise.unwrap() >= 1e-4);
}

fn shape_of(lr: Vec<f64>) -> plateau::analysis::schedule::Schedule {
    let run = Run::new(
        "r",
        "t",
        plateau::ingest::Dialect::Csv,
        vec![series("learning_rate", lr)],
    );
    plateau::analysis::schedule::schedule(&run).expect("a schedule")
}

#[test]
fn schedules_are_read_from_the_logged_learning_rate() {
    use plateau::analysis::schedule::Shape;
    let n = 100;
    let t = |i: usize| i as f64 / (n - 1) as f64;
    let cosine: Vec<f64> = (0..n)
        .map(|i| 0.5e-3 * (1.0 + (std::f64::consts::PI * t(i)).cos()))
        .collect();
    let s = shape_of(cosine);
    assert_eq!(s.shape, Shape::Cosine);
    assert!(s.ended, "annealed to zero");
    let warm_linear: Vec<f64> = (0..n)
        .map(|i| {
            1e-3 * if i < 5 {
                (i + 1) as f64 / 5.0
            } else {
                (n - i) as f64 / (n - 5) as f64
            }
        })
        .collect();
    assert_eq!(shape_of(warm_linear).shape, Shape::Linear);
    let steps: Vec<f64> = (0..n).map(|i| 0.1 * 0.1f64.powi((i / 40) as i32)).collect();
    let s = shape_of(steps);
    assert_eq!(s.shape, Shape::Steps);
    assert_eq!(s.drops.len(), 2);
    assert!(!s.ended, "two ×0.1 cuts still train at 1% of the peak");
    let one_cycle: Vec<f64> = (0..n)
        .map(|i| {
            1e-4 + 1e-3
                * if i < 30 {
                    i as f64 / 30.0
                } else {
                    (n - i) as f64 / 70.0
                }
        })
        .collect();
    assert_eq!(shape_of(one_cycle).shape, Shape::OneCycle);
    let restarts: Vec<f64> = (0..n)
        .map(|i| 1e-3 * (1.0 + (std::f64::consts::PI * (i % 25) as f64 / 25.0).cos()) + 1e-6)
        .collect();
    let s = shape_of(restarts);
    assert_eq!(s.shape, Shape::WarmRestarts);
    assert_eq!(s.restarts, vec![25.0, 50.0, 75.0]);
}

/// A loss still falling when a cosine schedule has annealed the rate to zero: no gain is
/// projected past the schedule's end; the advice is a longer schedule, not more epochs.
#[test]
fn falling_loss_at_the_end_of_an_annealed_schedule_is_schedule_ended() {
    let n = 40;
    let lr: Vec<f64> = (0..n)
        .map(|i| 0.5e-3 * (1.0 + (std::f64::consts::PI * i as f64 / (n - 1) as f64).cos()))
        .collect();
    let val: Vec<f64> = (0..n).map(|i| 0.2 + 1.0 / (1.0 + i as f64)).collect();
    let loss: Vec<f64> = val.iter().map(|v| v - 0.05).collect();
    let r = judge(vec![
        series("loss", loss),
        series("val_loss", val),
        series("learning_rate", lr),
    ]);
    assert_eq!(r.verdict, Verdict::Plateau);
    assert!(has(&r, "schedule_ended"));
    assert!(r.advice.contains("rerun with a longer schedule"));
    assert!(r.projection.is_none());
}

/// 95% → 96.5% accuracy is 30% fewer errors: accuracy-like metrics are judged on the error rate.
#[test]
fn accuracy_gains_are_measured_on_the_error_rate() {
    let acc: Vec<f64> = (0..30).map(|i| 0.95 + 0.0005 * i as f64).collect();
    let r = judge(vec![series("val_accuracy", acc)]);
    // +0.05 points per epoch is 1% of a 5% error rate, far over what "1.6%" of accuracy suggests.
    assert!(
        r.evidence[0].contains("of its error rate"),
        "{:?}",
        r.evidence
    );
    assert_eq!(r.verdict, Verdict::Improving);
    let t = r.details.trend.unwrap();
    assert!(t.slope > 0.0 && (t.level - 0.9645).abs() < 1e-3, "{t:?}");
}

/// For a higher-is-better monitor the widening gap is training − validation, and said so.
#[test]
fn generalisation_gap_sentence_follows_the_direction() {
    let train: Vec<f64> = (0..30).map(|i| 0.6 + 0.013 * i as f64).collect();
    let val: Vec<f64> = (0..30_usize)
        .map(|i| 0.6 + 0.02 * (i.min(10) as f64) - 0.006 * (i.saturating_sub(10)) as f64)
        .collect();
    let r = judge(vec![series("accuracy", train), series("val_accuracy", val)]);
    assert_eq!(r.verdict, Verdict::Overfitting, "{:?}", r.evidence);
    assert!(r
        .evidence
        .iter()
        .any(|e| e.contains("generalisation gap (training − validation) widens")));
}

#[test]
fn training_loss_turning_up_after_a_long_fall_is_diverging() {
    // 60 epochs of falling training loss, then 8 epochs climbing to 8× its lowest level: the
    // recent half as a whole still leans down, but since its lowest level the loss rises.
    let mut loss: Vec<f64> = (0..60).map(|i| 0.0005 + (-0.2 * i as f64).exp()).collect();
    let min = loss[59];
    loss.extend((1..=8).map(|k| min + 0.0005 * k as f64));
    let mut val: Vec<f64> = (0..60).map(|i| 0.3 + (-0.1 * i as f64).exp()).collect();
    val.extend((1..=8).map(|k| 0.3 + 0.05 * k as f64));
    let r = judge(vec![series("loss", loss), series("val_loss", val)]);
    assert_eq!(r.verdict, Verdict::Diverging, "{:?}", r.evidence);
    let rise = r.details.rise.expect("a rise");
    // The lowest level is a running median of three epochs, centred on 58 (the epochs 57–59).
    assert!((58.0..=59.0).contains(&rise.min_x), "{rise:?}");
}

#[test]
fn one_bad_last_training_point_is_not_divergence() {
    // Training loss falls to its lowest at the last epoch but one and doubles at the last; the
    // validation loss has been rising for ten epochs: one point is a blip, the run overfits.
    let mut loss: Vec<f64> = (0..29).map(|i| 0.04 + (-0.2 * i as f64).exp()).collect();
    loss.push(2.0 * loss[28]);
    let val: Vec<f64> = (0..30)
        .map(|i| 0.3 + 0.002 * (i as f64 - 18.0).powi(2) + 0.002 * jitter(i))
        .collect();
    let r = judge(vec![series("loss", loss), series("val_loss", val)]);
    assert_eq!(r.verdict, Verdict::Overfitting, "{:?}", r.evidence);
    assert!(r.details.rise.is_none());
}

#[test]
fn validation_best_of_zero_gives_a_finite_generalization_loss_in_numbers_and_words() {
    // A validation loss printed with two decimals reaches 0.00 and then reads 0.02–0.03: the rise
    // is measured against what the series can tell apart, not divided by zero.
    let loss: Vec<f64> = (0..18).map(|i| 1.0 / (1.0 + i as f64)).collect();
    let mut val: Vec<f64> = (0..10).map(|i| 0.1 - 0.01 * i as f64).collect();
    val.push(0.0);
    val.extend([0.02, 0.03, 0.02, 0.03, 0.03, 0.02, 0.03]);
    let r = judge(vec![series("loss", loss), series("val_loss", val)]);
    let p = r.details.prechelt.as_ref().expect("Prechelt's criteria");
    assert!(p.gl.is_finite() && p.gl < 1e6, "GL {}", p.gl);
    assert!(r.evidence.iter().all(|e| e.len() < 600), "{:?}", r.evidence);
}

#[test]
fn converged_training_loss_does_not_hide_overfitting() {
    // Training loss falls until epoch 15 and then holds its level exactly (its last window is no
    // lower than the one before): validation rising since epoch 10 is still overfitting, since
    // training ends well below where it stood at the validation best.
    let loss: Vec<f64> = (0..30)
        .map(|i| 0.01 + (-0.3 * i.min(15) as f64).exp())
        .collect();
    let val: Vec<f64> = (0..30)
        .map(|i| 0.3 + 0.002 * (i as f64 - 10.0).powi(2) + 0.002 * jitter(i))
        .collect();
    let r = judge(vec![series("loss", loss), series("val_loss", val)]);
    assert_eq!(r.verdict, Verdict::Overfitting, "{:?}", r.evidence);
    let p = r.details.prechelt.as_ref().expect("Prechelt's criteria");
    assert_eq!(p.train_falling, Some(false));
}

#[test]
fn test_split_is_monitored_when_no_validation_is_logged() {
    let loss = decay(30, 0.15, 0.01);
    let test: Vec<f64> = (0..30)
        .map(|i| 0.3 + 0.002 * (i as f64 - 10.0).powi(2) + 0.002 * jitter(i))
        .collect();
    let r = judge(vec![
        series("Training loss", loss),
        series("Test loss", test),
    ]);
    assert_eq!(r.monitor.as_deref(), Some("Test loss"));
    assert_eq!(r.verdict, Verdict::Overfitting, "{:?}", r.evidence);
}

#[test]
fn per_epoch_mean_loss_left_at_twice_its_lowest_by_wild_swings_is_diverging() {
    // Per-epoch mean training loss falls to 0.026, then swings (0.085, 1.5) and ends at 0.055:
    // each point is an epoch's mean, so the swings are the run's behaviour, not measurement
    // noise that could hide a rise (its second differences are larger than the lowest level).
    let mut loss = vec![14.5, 9.3, 6.7, 1.7, 0.57, 0.028, 0.0266, 0.0263, 0.0275];
    loss.extend([0.042, 0.085, 0.057, 1.53, 0.055]);
    let val = vec![
        1.7, 44.0, 5.1, 28.1, 34.7, 37.2, 37.7, 37.8, 32.1, 32.9, 32.9, 35.9, 31.1, 24.1,
    ];
    let r = judge(vec![series("loss", loss), series("val_loss", val)]);
    assert_eq!(r.verdict, Verdict::Diverging, "{:?}", r.evidence);
    let rise = r.details.rise.expect("a rise");
    assert!((6.0..=7.0).contains(&rise.min_x), "{rise:?}");
    assert!(
        r.evidence
            .iter()
            .any(|e| e.contains("last per-epoch mean (and the one before it, too)")),
        "{:?}",
        r.evidence
    );
}

/// A per-step training loss logged `per_eval` times per evaluation (steps 1, 2, …) whose
/// evaluation periods have the given means, each period's points spread ±`spread` around its
/// mean (alternating), and a validation loss that worsens at the end.
fn step_run(means: &[f64], per_eval: usize, spread: f64) -> Vec<Series> {
    let (mut x, mut y) = (Vec::new(), Vec::new());
    for (e, m) in means.iter().enumerate() {
        for k in 0..per_eval {
            x.push((e * per_eval + k + 1) as f64);
            let sign = if k % 2 == 0 { 1.0 } else { -1.0 };
            y.push(m + sign * spread * m);
        }
    }
    let ex: Vec<f64> = (1..=means.len()).map(|e| (e * per_eval) as f64).collect();
    let n = means.len();
    let vy: Vec<f64> = (0..n)
        .map(|i| 0.5 + 0.01 * (i as f64 - n as f64 + 4.0).powi(2))
        .collect();
    vec![
        Series::named("train_loss", Axis::Step, x, y),
        Series::named("val_loss", Axis::Step, ex, vy),
    ]
}

#[test]
fn per_step_loss_whose_period_means_rise_within_their_own_spread_is_not_diverging() {
    // Two logged steps per evaluation swinging ±80% around their means: the last period's mean
    // (2× the lowest) is within three standard errors of the lowest period's mean.
    let means = [1.0, 0.6, 0.3, 0.01, 0.012, 0.011, 0.02, 0.02];
    let r = judge(step_run(&means, 2, 0.8));
    assert!(r.details.rise.is_none(), "{:?}", r.details.rise);
    assert_ne!(r.verdict, Verdict::Diverging, "{:?}", r.evidence);
}

#[test]
fn per_step_loss_whose_period_means_rise_far_beyond_their_spread_is_diverging() {
    // The same shape with points spread ±5% around their period means: the rise to 2× is many
    // standard errors, so the training objective has risen.
    let means = [1.0, 0.6, 0.3, 0.01, 0.012, 0.011, 0.02, 0.02];
    let r = judge(step_run(&means, 8, 0.05));
    let rise = r.details.rise.expect("a rise");
    assert!(rise.ratio > 1.5);
    assert!(
        r.evidence.iter().any(|e| e.contains("mean over the last")),
        "{:?}",
        r.evidence
    );
}

#[test]
fn accuracy_printed_as_a_percentage_is_judged_on_its_error_rate() {
    // The same run as `accuracy_gains_are_measured_on_the_error_rate`, logged in percent: 95.00%
    // → 96.45%, i.e. a 5% error rate falling by 1% of itself per epoch.
    let acc: Vec<f64> = (0..30).map(|i| 95.0 + 0.05 * i as f64).collect();
    let r = judge(vec![series("val_acc", acc)]);
    assert!(
        r.evidence[0].contains("of its error rate"),
        "{:?}",
        r.evidence
    );
    assert_eq!(r.verdict, Verdict::Improving);
    let t = r.details.trend.unwrap();
    assert!(
        (t.level - 96.45).abs() < 0.1 && (t.slope - 0.05).abs() < 1e-6,
        "{t:?}"
    );
    let p = r.projection.expect("a projection");
    assert!(p.high.iter().all(|v| *v <= 100.0), "{:?}", p.high);
    assert!(p.mid.last().is_some_and(|v| *v > 96.45));
}

/// A linear decay 60% of the way down and a cosine anneal two thirds of the way: where each reaches
/// zero is read from the logged rate, and no gain is projected past it.
#[test]
fn a_decaying_schedule_still_under_way_caps_the_projection_at_its_end() {
    use plateau::analysis::schedule::Shape;
    let linear: Vec<f64> = (0..=48).map(|i| 1e-3 * (1.0 - i as f64 / 80.0)).collect();
    let s = shape_of(linear);
    assert_eq!(s.shape, Shape::Linear);
    assert!((s.end.unwrap() - 80.0).abs() < 1e-9, "{:?}", s.end);
    assert!(!s.ended);
    let cosine: Vec<f64> = (0..=40)
        .map(|i| 0.5e-3 * (1.0 + (std::f64::consts::PI * i as f64 / 60.0).cos()))
        .collect();
    let s = shape_of(cosine);
    assert_eq!(s.shape, Shape::Cosine);
    assert!((s.end.unwrap() - 60.0).abs() < 1e-6, "{:?}", s.end);
    // A steadily falling loss whose linear schedule ends 4 epochs after the log: the projection
    // stops there instead of running twice the logged span.
    let n = 40;
    let lr: Vec<f64> = (0..n).map(|i| 1e-3 * (1.0 - i as f64 / 44.0)).collect();
    let val: Vec<f64> = (0..n).map(|i| 0.2 + 1.0 / (1.0 + i as f64)).collect();
    let loss: Vec<f64> = val.iter().map(|v| v - 0.05).collect();
    let r = judge(vec![
        series("loss", loss),
        series("val_loss", val),
        series("learning_rate", lr),
    ]);
    let horizon = r.details.outlook.expect("an outlook").horizon;
    assert!((horizon - 5.0).abs() < 1e-6, "horizon {horizon}");
}

/// The rate logged for the first 30 of 80 epochs, a linear decay whose path reaches zero at epoch
/// 50: by the last validation epoch the schedule has ended; no projection runs backwards
/// (it read "-29 more epochs are projected to gain under 2%").
#[test]
fn a_decay_that_reached_zero_before_the_last_evaluation_has_ended() {
    let lr: Vec<f64> = (0..30).map(|i| 1e-3 * (1.0 - i as f64 / 50.0)).collect();
    let val: Vec<f64> = (0..80).map(|i| 0.25 + 1.0 / (1.0 + i as f64)).collect();
    let loss: Vec<f64> = val.iter().map(|v| v - 0.05).collect();
    let r = judge(vec![
        series("loss", loss),
        series("val_loss", val),
        series("learning_rate", lr),
    ]);
    let schedule = r.details.schedule.as_ref().expect("a schedule");
    assert_eq!(schedule.end, Some(50.0));
    assert!(schedule.ended, "{schedule:?}");
    assert!(
        r.details.outlook.as_ref().is_none_or(|o| o.horizon >= 0.0),
        "{:?}",
        r.details.outlook.map(|o| o.horizon)
    );
    assert!(has(&r, "schedule_ended"), "{:?}", r.evidence);
    assert!(!r.advice.contains("-29"), "{}", r.advice);
}

/// A linear decay to 1% of its peak at the last logged epoch: its path reaches zero within one
/// more epoch, so the schedule has ended though the rate is not yet ~0.
#[test]
fn a_linear_schedule_whose_path_reaches_zero_now_has_ended() {
    let lr: Vec<f64> = (0..25)
        .map(|i| 1e-2 * (1.0 - 0.99 * i as f64 / 24.0))
        .collect();
    let s = shape_of(lr);
    assert!(s.ended, "{s:?}");
}

#[test]
fn accuracy_printed_as_whole_percentages_is_overfitting_with_its_gap_in_percent() {
    // `generalisation_gap_sentence_follows_the_direction` logged as whole percentages: the
    // printed resolution (1 point) is 0.01 of an error rate, not 1, so it neither swamps the
    // validation noise nor the rise, and the gap widens by about 1.9 points per epoch.
    let train: Vec<f64> = (0..30).map(|i| (60.0 + 1.3 * i as f64).round()).collect();
    let val: Vec<f64> = (0..30_usize)
        .map(|i| (60.0 + 2.0 * (i.min(10) as f64) - 0.6 * (i.saturating_sub(10)) as f64).round())
        .collect();
    let r = judge(vec![series("accuracy", train), series("val_accuracy", val)]);
    assert_eq!(r.verdict, Verdict::Overfitting, "{:?}", r.evidence);
    let gap = r
        .evidence
        .iter()
        .find(|e| e.contains("generalisation gap (training − validation) widens by "))
        .expect("a gap sentence");
    let per_epoch: f64 = gap
        .split("widens by ")
        .nth(1)
        .and_then(|t| t.split(' ').next())
        .and_then(|v| v.parse().ok())
        .expect("a number");
    assert!((1.0..3.0).contains(&per_epoch), "{gap}");
}

#[test]
fn per_step_loss_at_a_noisy_plateau_binned_three_per_evaluation_is_not_diverging() {
    // Three logged steps per evaluation swinging ±40% around 0.1. Two bins happen to hold two
    // nearly equal points (their own spread, a MAD of three points, is near zero): the lowest
    // bin mean 0.074 and the last 0.117 (1.6×) are both well within what the series' per-step
    // noise makes of a mean of three, so the training loss has not risen.
    let mut y = vec![
        1.0, 0.9, 0.8, 0.6, 0.55, 0.5, 0.3, 0.28, 0.25, 0.15, 0.14, 0.13,
    ];
    for b in 4..11 {
        if b == 7 {
            y.extend([0.06, 0.061, 0.1]);
        } else {
            y.extend((0..3).map(|k| 0.1 * (1.0 + 0.8 * jitter(3 * b + k))));
        }
    }
    y.extend([0.13, 0.131, 0.09]);
    let x: Vec<f64> = (1..=y.len()).map(|i| i as f64).collect();
    let ex: Vec<f64> = (1..=12).map(|e| (3 * e) as f64).collect();
    // Validation flat at 0.5 and ending 6% above its best: worse, but not by a rise of training.
    let mut val: Vec<f64> = (1..12)
        .map(|e| 0.5 + 0.3 * (-(e as f64)).exp() + 0.02 * jitter(100 + e))
        .collect();
    val.push(0.53);
    let r = judge(vec![
        Series::named("train_loss", Axis::Step, x, y),
        Series::named("val_loss", Axis::Step, ex, val),
    ]);
    assert!(r.details.rise.is_none(), "{:?}", r.details.rise);
    assert_ne!(r.verdict, Verdict::Diverging, "{:?}", r.evidence);
}

#[test]
fn one_epoch_back_at_its_lowest_before_a_bad_last_epoch_is_not_a_rise() {
    // Per-epoch mean training loss: lowest at epoch 26, back at that level at 27, 1.6× at 28.
    // A rise of epoch means must last two epochs; one bad epoch is a blip.
    let mut loss: Vec<f64> = (0..27).map(|i| 0.04 + (-0.2 * i as f64).exp()).collect();
    let min = loss[26];
    loss.extend([min * 1.01, min * 1.6]);
    let mut val: Vec<f64> = (0..27).map(|i| 0.3 + (-0.1 * i as f64).exp()).collect();
    val.extend([0.4, 0.45]);
    let r = judge(vec![
        series("loss", loss.clone()),
        series("val_loss", val.clone()),
    ]);
    assert!(r.details.rise.is_none(), "{:?}", r.details.rise);
    // The same with both last epochs at 1.6×: a rise.
    loss[27] = min * 1.6;
    let r = judge(vec![series("loss", loss), series("val_loss", val)]);
    assert!(r.details.rise.is_some(), "{:?}", r.evidence);
}

/// The names [`plateau::analysis::monitorable`] offers for `series` while `monitored` is judged.
fn menu(series: Vec<Series>, monitored: Option<&str>) -> Vec<String> {
    let run = Run::new("run", "test", plateau::ingest::Dialect::Csv, series);
    plateau::analysis::monitorable(&run, monitored)
        .into_iter()
        .map(|s| s.name.clone())
        .collect()
}

fn six_kinds() -> Vec<Series> {
    let y = || decay(10, 0.3, 0.1);
    [
        "loss",
        "grad_norm",
        "learning_rate",
        "epoch_time",
        "tokens_seen",
        "val_acc",
    ]
    .into_iter()
    .map(|name| series(name, y()))
    .collect()
}

#[test]
fn monitor_menu_offers_series_with_a_direction_and_no_schedule_or_clock() {
    // grad_norm and tokens_seen have no known better direction; the learning rate and the epoch time are
    // set by training, not improved by it.
    assert_eq!(menu(six_kinds(), Some("loss")), ["loss", "val_acc"]);
}

#[test]
fn a_direction_set_by_hand_puts_a_series_in_the_monitor_menu() {
    let mut run = Run::new("run", "test", plateau::ingest::Dialect::Csv, six_kinds());
    assert!(run.correct(
        "tokens_seen",
        plateau::model::Role::Validation,
        plateau::model::Direction::Higher
    ));
    let names: Vec<&str> = plateau::analysis::monitorable(&run, None)
        .into_iter()
        .map(|s| s.name.as_str())
        .collect();
    assert_eq!(names, ["loss", "tokens_seen", "val_acc"]);
}

#[test]
fn monitor_menu_keeps_a_requested_series_it_would_not_offer() {
    let r = judge_with(six_kinds(), Some("grad_norm"));
    assert_eq!(r.monitor.as_deref(), Some("grad_norm"));
    assert_eq!(
        menu(six_kinds(), r.monitor.as_deref()),
        ["loss", "grad_norm", "val_acc"]
    );
}

#[test]
fn default_monitor_of_every_real_log_is_in_its_monitor_menu() {
    let root = format!("{}/tests/fixtures/real", env!("CARGO_MANIFEST_DIR"));
    let mut checked = 0;
    for entry in std::fs::read_dir(&root).unwrap() {
        let dir = entry.unwrap().path();
        if !dir.is_dir() {
            continue;
        }
        let files: Vec<(String, Vec<u8>)> = std::fs::read_dir(&dir)
            .unwrap()
            .map(|f| f.unwrap().path())
            .filter(|p| p.is_file() && !p.ends_with("PROVENANCE.md"))
            .map(|p| (p.display().to_string(), std::fs::read(&p).unwrap()))
            .collect();
        let inputs: Vec<plateau::Input> = files
            .iter()
            .map(|(name, bytes)| plateau::Input { name, bytes })
            .collect();
        let Ok((drop, report)) = plateau::check(&inputs, &Options::default()) else {
            continue;
        };
        for (run, judged) in drop.runs.iter().zip(&report.runs) {
            let Some(monitor) = judged.monitor.as_deref() else {
                continue;
            };
            let offered = plateau::analysis::monitorable(run, None);
            assert!(
                offered.iter().any(|s| s.name == monitor),
                "{}: {monitor} is judged but not offered",
                dir.display()
            );
            checked += 1;
        }
    }
    assert!(checked >= 20, "only {checked} runs checked");
}

/// Ultralytics logs three rates: the bias group warms *down* from 0.1 while the two weight groups
/// warm up and decay together. The schedule is read from the rate most groups share.
#[test]
fn the_schedule_is_read_from_the_rate_most_parameter_groups_share() {
    let n = 30;
    let weights: Vec<f64> = (0..n)
        .map(|i| {
            if i < 3 {
                0.01 * (i + 1) as f64 / 3.0
            } else {
                0.01 * (1.0 - 0.99 * (i - 2) as f64 / 40.0)
            }
        })
        .collect();
    let mut bias = weights.clone();
    for (i, b) in bias.iter_mut().enumerate().take(3) {
        *b = 0.1 - (0.1 - weights[3]) * i as f64 / 3.0;
    }
    let run = Run::new(
        "r",
        "t",
        plateau::ingest::Dialect::Csv,
        vec![
            series("lr/pg0", bias),
            series("lr/pg1", weights.clone()),
            series("lr/pg2", weights),
        ],
    );
    let s = plateau::analysis::schedule::schedule(&run).expect("a schedule");
    assert_eq!(s.series, "lr/pg1");
    assert!(s.peak < 0.02, "{s:?}");
}

#[test]
fn a_flat_per_epoch_loss_with_one_lucky_low_epoch_is_not_diverging() {
    // A loss that has been flat near 1.0 for 20 epochs, one lucky epoch at 0.6, and the last two
    // epochs at 0.95 and 1.0: against the lucky epoch that is 1.6×, against the lowest level
    // (running median of three epochs) it is flat. Validation worsens a little, as noise does.
    let mut loss: Vec<f64> = (0..20).map(|i| 1.0 + 0.08 * jitter(i)).collect();
    loss[12] = 0.6;
    loss.extend([0.95, 1.0]);
    let val: Vec<f64> = (0..22)
        .map(|i| 1.1 + 0.01 * i as f64 + 0.05 * jitter(i + 7))
        .collect();
    let r = judge(vec![series("loss", loss), series("val_loss", val)]);
    assert!(r.details.rise.is_none(), "{:?}", r.details.rise);
    assert_ne!(r.verdict, Verdict::Diverging, "{:?}", r.evidence);
}

#[test]
fn frozen_parameter_groups_logged_at_zero_do_not_hide_the_schedule() {
    let lr: Vec<f64> = (0..30).map(|i| 0.01 * (1.0 - i as f64 / 40.0)).collect();
    let run = Run::new(
        "r",
        "t",
        plateau::ingest::Dialect::Csv,
        vec![
            series("lr/pg0", lr),
            series("lr/pg1", vec![0.0; 30]),
            series("lr/pg2", vec![0.0; 30]),
        ],
    );
    let s = plateau::analysis::schedule::schedule(&run).expect("a schedule");
    assert_eq!(s.series, "lr/pg0");
}

/// The verdict and its projected gain do not depend on the unit the loss was logged in, up to
/// values whose squares overflow (a share link or a file can hold any float).
#[test]
fn verdict_and_projected_gain_do_not_depend_on_the_loss_unit() {
    let at = |unit: f64| {
        let loss: Vec<f64> = decay(30, 0.2, 1.0).iter().map(|v| v * unit).collect();
        let val: Vec<f64> = (0..30)
            .map(|i| unit * (1.2 + 3.0 * (-(i as f64) / 6.0).exp() + 0.01 * jitter(i)))
            .collect();
        judge(vec![series("loss", loss), series("val_loss", val)])
    };
    let one = at(1.0);
    let gain = |r: &RunReport| {
        let o = r.details.outlook.as_ref().expect("a fitted outlook");
        (o.gain, o.gain_low, o.gain_high)
    };
    for unit in [1e200, 1e-300] {
        let r = at(unit);
        assert_eq!(r.verdict, one.verdict, "unit {unit}");
        assert_eq!(r.qualifiers, one.qualifiers, "unit {unit}");
        let ((a, b, c), (d, e, f)) = (gain(&r), gain(&one));
        assert!(
            (a - d).abs() < 1e-9 && (b - e).abs() < 1e-9 && (c - f).abs() < 1e-9,
            "unit {unit}: {:?} vs {:?}",
            (a, b, c),
            (d, e, f)
        );
    }
}

/// Sentences quote names from the file; a name's bidi override or zero-width character is shown
/// escaped in the evidence, the advice and the warnings, so it cannot reorder or hide the rest of
/// a sentence on the page (the CLI and the JSON carry the same sentences).
#[test]
fn sentences_show_the_hidden_characters_of_names_escaped() {
    let name = "val_loss\u{202e}ssol";
    let drop = Dropped {
        runs: vec![Run {
            name: "run".to_string(),
            source: "test".to_string(),
            dialect: plateau::ingest::Dialect::Csv,
            info: Vec::new(),
            series: vec![
                series("loss", decay(30, 0.2, 0.1)),
                series(name, decay(30, 0.1, 0.5)),
            ],
        }],
        warnings: vec![format!("column `{name}` was\u{200b} odd")],
    };
    let report = analyze(&drop, &Options::default());
    let run = &report.runs[0];
    assert_eq!(
        run.monitor.as_deref(),
        Some(name),
        "the name itself is kept as read"
    );
    let sentences: Vec<&String> = run
        .evidence
        .iter()
        .chain([&run.advice])
        .chain(run.early_stopping.iter().map(|e| &e.rule))
        .chain(&report.warnings)
        .collect();
    assert!(
        run.early_stopping
            .iter()
            .any(|e| e.rule.contains("val_loss\\u{202e}ssol")),
        "the replayed callbacks name the monitor: {sentences:?}"
    );
    assert!(
        run.evidence
            .iter()
            .any(|e| e.contains("val_loss\\u{202e}ssol")),
        "{sentences:?}"
    );
    assert!(
        report.warnings[0].contains("was\\u{200b} odd"),
        "{sentences:?}"
    );
    for s in sentences {
        assert!(!s.contains('\u{202e}') && !s.contains('\u{200b}'), "{s}");
    }
}
