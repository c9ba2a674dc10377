#![cfg(not(target_arch = "wasm32"))]
//! Where x goes back, the values decide: a session continuing where the run had got to is spliced
//! onto it (one history, judged whole); one starting again near the first level is a run of its
//! own. The same in every dialect.

use plateau::ingest::{read, Input};
use plateau::model::Series;
use plateau::{check, Dropped, Options, Report, Verdict};

fn drop_of(files: &[(&str, &str)]) -> Dropped {
    let inputs: Vec<Input<'_>> = files
        .iter()
        .map(|(name, text)| Input {
            name,
            bytes: text.as_bytes(),
        })
        .collect();
    read(&inputs).unwrap_or_else(|e| panic!("{e}"))
}

fn checked(files: &[(&str, &str)]) -> (Dropped, Report) {
    let inputs: Vec<Input<'_>> = files
        .iter()
        .map(|(name, text)| Input {
            name,
            bytes: text.as_bytes(),
        })
        .collect();
    check(&inputs, &Options::default()).unwrap_or_else(|e| panic!("{e}"))
}

/// Deterministic noise in -1..1 (xorshift), so the logs look like per-step training.
fn noise(seed: &mut u64) -> f64 {
    *seed ^= *seed << 13;
    *seed ^= *seed >> 7;
    *seed ^= *seed << 17;
    (*seed >> 11) as f64 / (1u64 << 53) as f64 * 2.0 - 1.0
}

/// A per-step loss falling from ~2.3 towards 0.3, with ±35% noise, at global step `t`.
fn loss_at(t: f64, seed: &mut u64) -> f64 {
    (0.3 + 2.0 * (-t / 1500.0).exp()) * (1.0 + 0.35 * noise(seed))
}

/// Sessions of `len` steps each; `logged(k, i)` is the step written for the `i`-th point of session
/// `k`, `global(k, i)` the training step the model is really at.
fn tensorboard(
    sessions: usize,
    len: usize,
    logged: impl Fn(usize, usize) -> usize,
    global: impl Fn(usize, usize) -> usize,
) -> String {
    let mut seed = 0x9e37_79b9_7f4a_7c15;
    let mut text = String::from("Wall time,Step,Value\n");
    let mut wall = 1.7e9;
    for k in 0..sessions {
        for i in 0..len {
            wall += 1.0;
            let y = loss_at(global(k, i) as f64, &mut seed);
            text.push_str(&format!("{wall},{},{y}\n", logged(k, i)));
        }
    }
    text
}

fn forward(s: &Series) -> bool {
    s.x.windows(2).all(|w| w[1] > w[0])
}

#[test]
fn tensorboard_resumed_three_times_with_steps_from_zero_is_one_spliced_history() {
    let text = tensorboard(4, 600, |_, i| i * 2, |k, i| (k * 600 + i) * 2);
    let (drop, report) = checked(&[("run-resumed-tag-loss.csv", &text)]);
    assert_eq!(drop.runs.len(), 1, "{:?}", drop.warnings);
    let loss = drop.runs[0].series("loss").unwrap();
    assert_eq!(
        loss.len(),
        2400,
        "nothing superseded when the counter starts again"
    );
    assert!(forward(loss), "drawn spliced, no zig-zag");
    let starts: Vec<f64> = loss.restarts.iter().map(|&i| loss.x[i]).collect();
    assert_eq!(
        starts,
        [1200.0, 2400.0, 3600.0],
        "each session placed after the one before"
    );
    let run = &report.runs[0];
    assert!(run.qualifiers.iter().any(|q| q == "restarted"));
    assert_eq!(run.segments.len(), 4, "the sessions stay visible");
    assert!(
        run.evidence
            .iter()
            .any(|e| e.contains("one spliced history of 2400 points")),
        "{:?}",
        run.evidence
    );
}

#[test]
fn tensorboard_resumed_from_checkpoints_replaces_the_steps_it_redoes() {
    // Each session crashes 100 steps after its last checkpoint and resumes from it.
    let text = tensorboard(3, 500, |k, i| k * 400 + i, |k, i| k * 400 + i);
    let drop = drop_of(&[("run-r-tag-loss.csv", &text)]);
    assert_eq!(drop.runs.len(), 1);
    let loss = drop.runs[0].series("loss").unwrap();
    assert!(forward(loss));
    assert_eq!(loss.len(), 1300, "100 superseded steps twice");
    let starts: Vec<f64> = loss.restarts.iter().map(|&i| loss.x[i]).collect();
    assert_eq!(starts, [400.0, 800.0], "resumed at the steps it logs");
    assert!(
        drop.warnings[0].contains("200 logged points of loss replaced"),
        "{:?}",
        drop.warnings
    );
}

#[test]
fn tensorboard_session_starting_again_at_the_first_level_is_a_new_run() {
    let text = tensorboard(2, 600, |_, i| i * 2, |_, i| i * 2);
    let (drop, report) = checked(&[("run-seeds-tag-loss.csv", &text)]);
    let names: Vec<&str> = drop.runs.iter().map(|r| r.name.as_str()).collect();
    assert_eq!(names, ["seeds #1", "seeds #2"]);
    assert_eq!(report.runs.len(), 2, "a verdict row each");
    for run in &drop.runs {
        let loss = run.series("loss").unwrap();
        assert!(loss.restarts.is_empty() && forward(loss));
        assert_eq!(loss.len(), 600);
    }
    assert!(
        drop.warnings[0].contains("2 runs appended"),
        "{:?}",
        drop.warnings
    );
}

/// A step CSV: `step,loss,val_loss` with sparse validation rows, `runs` fresh runs of `sessions`
/// sessions each (`resume_at` is where a resumed session's counter starts).
fn step_csv(runs: usize, sessions: usize, resume_at: usize) -> String {
    let mut seed = 7;
    let mut text = String::from("step,loss,val_loss\n");
    for _ in 0..runs {
        let mut global = 0;
        for k in 0..sessions {
            let first = if k == 0 { 0 } else { resume_at };
            for i in 0..300 {
                let y = loss_at(global as f64 * 4.0, &mut seed);
                let val = if i % 50 == 49 {
                    format!("{}", loss_at(global as f64 * 4.0, &mut 1) * 1.1)
                } else {
                    String::new()
                };
                text.push_str(&format!("{},{y},{val}\n", first + i));
                global += 1;
            }
        }
    }
    text
}

#[test]
fn step_log_with_two_runs_each_resumed_once_is_two_runs_of_two_sessions() {
    let text = step_csv(2, 2, 0);
    let drop = drop_of(&[("steps.csv", &text)]);
    assert_eq!(drop.runs.len(), 2, "{:?}", drop.warnings);
    for run in &drop.runs {
        let loss = run.series("loss").unwrap();
        let val = run.series("val_loss").unwrap();
        assert_eq!((loss.len(), loss.restarts.len()), (600, 1));
        assert_eq!((val.len(), val.restarts.len()), (12, 1));
        assert!(forward(loss) && forward(val));
        assert_eq!(
            loss.x[loss.restarts[0]], 300.0,
            "continues after step 299, validation alike"
        );
        assert_eq!(val.x[val.restarts[0]], 349.0);
        assert_eq!(val.partner.as_deref(), Some("loss"));
    }
}

#[test]
fn ultralytics_results_with_a_fresh_run_appended_are_two_runs() {
    let header = "epoch,train/box_loss,val/box_loss,metrics/mAP50(B)\n";
    let mut text = String::from(header);
    for _ in 0..2 {
        for e in 1..=12 {
            let l = 1.2 * (0.9f64).powi(e);
            text.push_str(&format!("{e},{l},{},{}\n", l * 1.1, 0.9 - l / 2.0));
        }
    }
    let (drop, report) = checked(&[("results.csv", &text)]);
    assert_eq!(drop.runs.len(), 2);
    assert!(drop.runs.iter().all(|r| r.dialect.name() == "ultralytics"));
    assert_eq!(report.runs.len(), 2);
}

#[test]
fn resumed_log_is_judged_on_its_whole_history() {
    // Ten epochs of falling loss, then three resumed epochs that go on falling: the last session
    // alone is too short to judge, the history is not.
    let mut text = String::from("epoch,loss,val_loss\n");
    for e in 0..10 {
        let l = 2.0 * 0.9f64.powi(e);
        text.push_str(&format!("{e},{l},{}\n", l + 0.1));
    }
    for e in 8..11 {
        let l = 2.0 * 0.9f64.powi(e + 1);
        text.push_str(&format!("{e},{l},{}\n", l + 0.1));
    }
    let (drop, report) = checked(&[("training_log.csv", &text)]);
    assert_eq!(drop.runs.len(), 1);
    let r = &report.runs[0];
    assert_eq!(r.verdict, Verdict::Improving, "{:?}", r.evidence);
    assert!(r.qualifiers.iter().any(|q| q == "restarted"));
    assert!(r.markers.iter().any(|m| m.kind == "restart" && m.x == 8.0));
    assert_eq!(r.segments.len(), 2);
    assert_eq!((r.segments[1].start, r.segments[1].end), (8.0, 10.0));
}

#[test]
fn share_link_keeps_a_spliced_run_and_its_sessions() {
    let text = tensorboard(3, 200, |_, i| i, |k, i| k * 200 + i);
    let drop = drop_of(&[("run-a-tag-loss.csv", &text)]);
    let back = plateau::share::decode(&plateau::share::encode(&drop)).unwrap();
    assert_eq!(back, drop);
    assert_eq!(back.runs[0].series[0].restarts.len(), 2);
}

/// A version-1 link (made before restarts travelled) of a log whose step goes back: the payload of
/// today's encoder without the trailing restarts, as version 1 wrote it.
fn version_1_link(drop: &Dropped) -> String {
    use base64::Engine;
    let today = plateau::share::encode(drop);
    let engine = base64::engine::general_purpose::URL_SAFE_NO_PAD;
    let packed = engine.decode(&today[1..]).unwrap();
    let mut payload = miniz_oxide::inflate::decompress_to_vec(&packed).unwrap();
    // One run of one series: its restarts (count 1, gap 3) are the last two bytes.
    assert_eq!(payload[payload.len() - 2..], [1, 3]);
    payload.truncate(payload.len() - 2);
    format!(
        "1{}",
        engine.encode(miniz_oxide::deflate::compress_to_vec(&payload, 9))
    )
}

#[test]
fn version_1_link_with_the_step_going_back_is_resolved_like_a_dropped_file() {
    let logged = Dropped {
        runs: vec![plateau::Run::new(
            "a",
            "run-a-tag-loss.csv",
            plateau::ingest::Dialect::TensorBoard,
            vec![Series::named(
                "loss",
                plateau::model::Axis::Step,
                vec![0.0, 1.0, 2.0, 1.0, 2.0, 3.0],
                vec![3.0, 2.0, 1.5, 1.9, 1.4, 1.2],
            )],
        )],
        warnings: Vec::new(),
    };
    assert_eq!(logged.runs[0].series[0].restarts, [3]);
    let back = plateau::share::decode(&version_1_link(&logged)).unwrap();
    let loss = &back.runs[0].series[0];
    assert_eq!(loss.x, [0.0, 1.0, 2.0, 3.0], "spliced on opening");
    assert_eq!(loss.restarts, [1]);
}

#[test]
fn share_link_with_restarts_outside_the_series_is_one_sentence() {
    let mut drop = drop_of(&[("a.csv", "epoch,loss\n0,1\n1,0.5\n2,0.4\n")]);
    drop.runs[0].series[0].restarts = vec![7];
    let err = plateau::share::decode(&plateau::share::encode(&drop)).unwrap_err();
    assert!(
        err.to_string()
            .contains("restarts of series `loss` that go forward inside its 3 points"),
        "{err}"
    );
}

#[test]
fn chart_pieces_split_where_the_model_starts_a_session() {
    let x = [0.0, 1.0, 2.0, 2.0, 3.0, 1.0];
    assert_eq!(plateau::model::restarts(&x), [3, 5]);
    assert_eq!(plateau::chart::forward_pieces(&x), [0..3, 3..5, 5..6]);
    let drawn = plateau::chart::pieces(&x, &[1.0; 6], (0.0, 3.0), 100, |_| true);
    assert_eq!(
        drawn.len(),
        3,
        "a repeated x is not drawn as a vertical zig-zag"
    );
}

/// A per-batch log whose `epoch` column is written on every row (`batches` rows an epoch), `runs`
/// fresh runs appended.
fn per_batch_epochs(runs: usize, epochs: usize, batches: usize) -> String {
    let mut seed = 11;
    let mut text = String::from("epoch,loss\n");
    for _ in 0..runs {
        for e in 0..epochs {
            for b in 0..batches {
                let y = loss_at(((e * batches + b) * 3) as f64, &mut seed);
                text.push_str(&format!("{e},{y}\n"));
            }
        }
    }
    text
}

#[test]
fn epoch_repeated_on_every_batch_row_is_sub_steps_not_sessions() {
    let text = per_batch_epochs(1, 10, 100);
    let drop = drop_of(&[("batches.csv", &text)]);
    assert_eq!(drop.runs.len(), 1, "{:?}", drop.warnings);
    let loss = drop.runs[0].series("loss").unwrap();
    assert_eq!(loss.len(), 1000, "every batch row kept");
    assert!(loss.restarts.is_empty() && forward(loss));
    assert_eq!((loss.x[0], loss.x[50], loss.x[100]), (0.0, 0.5, 1.0));
    assert!(drop
        .warnings
        .iter()
        .any(|w| w.contains("repeats on most rows")));
}

#[test]
fn per_batch_runs_appended_still_split_where_the_epoch_goes_back() {
    let text = per_batch_epochs(2, 10, 50);
    let drop = drop_of(&[("batches.csv", &text)]);
    assert_eq!(drop.runs.len(), 2, "{:?}", drop.warnings);
    for run in &drop.runs {
        let loss = run.series("loss").unwrap();
        assert_eq!((loss.len(), loss.restarts.len()), (500, 0));
    }
}

/// A log written newest first (the step only ever goes back) is one run read in step order, not
/// one run per row: no training clock runs backwards on every row.
#[test]
fn log_written_newest_first_is_one_run_in_step_order() {
    let mut seed = 7;
    let mut text = String::from("step,train_loss\n");
    for t in (0..3000).rev() {
        let v = 2.0 * (-(t as f64) / 800.0).exp() + 0.3 + 0.05 * noise(&mut seed);
        text.push_str(&format!("{t},{v:.4}\n"));
    }
    let (drop, report) = checked(&[("newest-first.csv", &text)]);
    assert_eq!(drop.runs.len(), 1);
    let s = drop.runs[0].series("train_loss").unwrap();
    assert_eq!(s.len(), 3000);
    assert!(s.restarts.is_empty());
    assert!(s.x.windows(2).all(|w| w[0] < w[1]));
    assert!(drop.warnings.iter().any(|w| w.contains("newest first")));
    assert_ne!(report.runs[0].verdict, Verdict::Diverging);
}

/// An epoch written on every batch row is spread into sub-steps; a NaN epoch among the repeats is
/// passed over, not looped on for ever: the fuzzed Lightning log kept in
/// `fuzz/findings/ingest-hang-e94d0df0` (its first byte picks the name, `metrics.csv`) hung the
/// reader at its `nan` epoch.
#[test]
fn a_nan_among_repeated_epochs_is_passed_over_when_spreading_them() {
    let found = std::fs::read(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz/findings/ingest-hang-e94d0df0"),
    )
    .unwrap();
    let log = String::from_utf8(found[1..].to_vec()).unwrap();
    let drop = drop_of(&[("metrics.csv", &log)]);
    let loss = drop.runs[0].series("train_loss_step").unwrap();
    assert!(!loss.y.is_empty());
}
