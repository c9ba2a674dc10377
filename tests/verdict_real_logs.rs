#![cfg(not(target_arch = "wasm32"))]
//! Every real log in tests/fixtures/real, judged as its PROVENANCE.md row describes. The files of
//! one folder are one drop, as `plateau check folder/*` reads them. Where a description can be
//! read two ways, the comment says which reading is pinned and why.

use std::path::Path;

use plateau::{check, Input, Options, RunReport, Verdict};

/// Every run of the drop made of all files in `folder` (sorted by name, like a shell glob).
fn judge_all(folder: &str) -> Vec<RunReport> {
    judge_all_with(folder, &Options::default())
}

fn judge_all_with(folder: &str, options: &Options) -> Vec<RunReport> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/real")
        .join(folder);
    let mut paths: Vec<_> = std::fs::read_dir(&dir)
        .expect("fixture folder is readable")
        .map(|e| e.expect("folder entry").path())
        .collect();
    paths.sort();
    let files: Vec<(String, Vec<u8>)> = paths
        .iter()
        .map(|p| {
            let bytes = std::fs::read(p).expect("fixture is readable");
            (p.display().to_string(), bytes)
        })
        .collect();
    let inputs: Vec<Input> = files
        .iter()
        .map(|(name, bytes)| Input { name, bytes })
        .collect();
    let (_, report) = check(&inputs, options).expect("fixture ingests");
    report.runs
}

fn judge(folder: &str) -> RunReport {
    let mut runs = judge_all(folder);
    assert_eq!(runs.len(), 1, "{folder} is one run");
    runs.remove(0)
}

/// The one run of a folder judged by the given series.
fn judge_by(folder: &str, series: &str) -> RunReport {
    let options = Options {
        monitor: Some(series.to_string()),
        ..Options::default()
    };
    judge_all_with(folder, &options).remove(0)
}

fn has(r: &RunReport, q: &str) -> bool {
    r.qualifiers.iter().any(|x| x == q)
}

fn monitor(r: &RunReport) -> &str {
    r.monitor.as_deref().unwrap_or("")
}

fn lr_cuts(r: &RunReport) -> Vec<f64> {
    r.markers
        .iter()
        .filter(|m| m.kind == "lr_drop")
        .map(|m| m.x)
        .collect()
}

/// "val/box_loss drifts UP (1.23 at ep3 -> ~1.39-1.51 late) … noisy plateau / mild overfitting",
/// while train losses fall steadily. Ultralytics keeps `best.pt` by its fitness (0.1·mAP50 +
/// 0.9·mAP50-95), which peaked at epoch 2 and wandered below it for 100 epochs: plateau, and
/// judged on the box loss (`--monitor val/box_loss`) the run overfits from epoch 3.
#[test]
fn yolo_wheat_fitness_never_beats_epoch_2_while_box_loss_drifts_up() {
    let r = judge("yolo--wheat-weed-detection-yolov8");
    assert_eq!(monitor(&r), "fitness");
    assert_eq!(r.verdict, Verdict::Plateau);
    assert_eq!(r.best.unwrap().x, 2.0);
    let r = judge_by("yolo--wheat-weed-detection-yolov8", "val/box_loss");
    assert_eq!(r.verdict, Verdict::Overfitting);
    assert_eq!(r.best.unwrap().x, 3.0);
    assert!(has(&r, "noisy"));
}

#[test]
fn tomato_leaf_overfits_after_epoch_18() {
    let r = judge("keras--detection-of-tomato-leaf-diseases-using-");
    assert_eq!(r.verdict, Verdict::Overfitting);
    assert_eq!(r.best.unwrap().x, 18.0);
    assert_eq!(r.advice, "stop and keep the epoch-18 checkpoint");
}

/// "Each segment is still improving when it ends": the first and last runs are. The middle run is
/// 4 epochs of head training with its fine-tuning at a tenth of the learning rate spliced on
/// (the fine-tuning starts where the head training ended); its noisy small validation set carries
/// no significant trend, so it is pinned as noisy, resumed and, above all, not overfitting.
#[test]
fn brain_tumor_appended_runs_are_judged_one_by_one() {
    let runs = judge_all("keras--brain-tumor-image-classification-using-c");
    let verdicts: Vec<Verdict> = runs.iter().map(|r| r.verdict).collect();
    assert_eq!(verdicts.len(), 3, "three runs appended to one file");
    assert_eq!(verdicts[0], Verdict::Improving);
    assert_ne!(
        verdicts[1],
        Verdict::Overfitting,
        "noisy small validation set"
    );
    assert!(has(&runs[1], "noisy"));
    assert!(has(&runs[1], "restarted"));
    assert_eq!(verdicts[2], Verdict::Improving);
}

/// "Converged / still creeping down at end; no overfitting", with ReduceLROnPlateau cuts at 17
/// and 27. The newest best (epoch 29) follows the cut at 27, a one-off step down only three
/// epochs old: a plateau whose new learning rate has not had a patience yet, so the advice is
/// to give it one before deciding.
#[test]
fn handwritten_digits_three_epochs_after_a_cut_give_the_new_rate_a_patience() {
    let r = judge("keras--handwritten-digit-recognition-cnn-with-9");
    assert_eq!(lr_cuts(&r), vec![17.0, 27.0]);
    assert_eq!(r.verdict, Verdict::Plateau);
    assert!(has(&r, "lr_just_cut"));
    assert!(r.advice.starts_with("give the new learning rate"));
}

#[test]
fn lung_cancer_short_and_noisy_is_not_overfitting() {
    let r = judge("keras--lung-cancer-detection");
    assert_eq!(r.verdict, Verdict::Plateau);
    assert!(has(&r, "noisy"));
}

/// "Val loss 1.93 -> 0.020 monotonically, flattening from epoch ~15: converged." The last ten
/// epochs still fall significantly, but the fits project about 1% more over 40 epochs:
/// plateau, with slow_progress saying it has not quite stopped.
#[test]
fn fjordvision_flattened_validation_is_plateau_with_slow_progress() {
    let r = judge("custom--fjordvision");
    assert_eq!(monitor(&r), "Validation Loss");
    assert_eq!(r.verdict, Verdict::Plateau);
    assert!(has(&r, "slow_progress"));
    assert!(
        !has(&r, "noisy"),
        "the noisy training loss is not the monitor"
    );
}

#[test]
fn genrisk_nan_from_the_start_is_diverging() {
    let r = judge("lightning--genrisk");
    assert_eq!(r.verdict, Verdict::Diverging);
    assert!(r.markers.iter().any(|m| m.kind == "nan"));
}

#[test]
fn eurosat_still_falling_is_improving() {
    let r = judge("lightning--eurosat-github");
    assert_eq!(monitor(&r), "val_loss");
    assert_eq!(r.verdict, Verdict::Improving);
    assert!(r.advice.starts_with("keep training"));
}

/// "val/rmse_loss … converged / plateau after epoch 2 (tiny improvements < 1%)"; the learning
/// rate rows are not judged.
#[test]
fn opal_validation_rmse_converged_is_plateau() {
    let r = judge("lightning--opal-v2");
    assert_eq!(monitor(&r), "val/rmse_loss");
    assert_eq!(r.verdict, Verdict::Plateau);
    assert!(!has(&r, "slow_progress"));
}

/// "val_loss … converged by epoch ~4, flat/noisy after" while the epoch-level training loss
/// still falls.
#[test]
fn asl_validation_converged_and_noisy_is_plateau() {
    let r = judge("lightning--asl-project");
    assert_eq!(monitor(&r), "val_loss");
    assert_eq!(r.verdict, Verdict::Plateau);
    assert!(has(&r, "noisy"));
}

/// "val/box_loss reaches its minimum (1.493) at the final epoch: still improving when the
/// 25-epoch budget ran out"; the train-loss jump at epoch 15 is close_mosaic, not divergence.
/// The schedule is read from the rate the weight groups share (`lr/pg1` = `lr/pg2`), not the
/// bias group's warm-down from 0.1 (`lr/pg0`): its linear path reaches zero at epoch 26.4, so
/// the projection runs to there and the latest point is the best, the fall significant.
#[test]
fn yolo_fire_best_at_the_final_epoch_is_improving() {
    let r = judge("yolo--yolov8-fire-and-smoke-detection");
    assert_eq!(monitor(&r), "fitness");
    assert_eq!(r.verdict, Verdict::Improving, "{:?}", r.evidence);
    assert_eq!(r.best.unwrap().x, 24.0);
    assert!(!has(&r, "spikes"));
    let schedule = r.details.schedule.as_ref().expect("a schedule");
    assert_ne!(schedule.series, "lr/pg0");
    assert!(
        schedule.end.is_some_and(|e| e > 26.0 && e < 27.0),
        "{schedule:?}"
    );
}

/// "mAP_0.5 saturates at ~0.98 from epoch 6 (plateau) … val/box_loss flat ~0.027 from epoch 6";
/// the constant-zero cls_loss columns do not break anything. YOLOv5 keeps `best.pt` by fitness,
/// weighted 0.9 on mAP_0.5:0.95, which still climbs (0.60 at epoch 9 → 0.64 at 15–18; hand label
/// improving), but the weight groups' linear schedule reaches zero at epoch 21.3, two epochs
/// after the log: over what is left of it the fits project under 2% (slow_progress). The box
/// loss alone reads plateau.
#[test]
fn yolov5_fitness_still_climbs_with_two_epochs_of_schedule_left() {
    let r = judge("yolov5--automatic-number-plate-recognition-using");
    assert_eq!(monitor(&r), "fitness");
    assert_eq!(r.verdict, Verdict::Plateau, "{:?}", r.evidence);
    assert!(has(&r, "slow_progress"), "{:?}", r.evidence);
    let r = judge_by(
        "yolov5--automatic-number-plate-recognition-using",
        "val/box_loss",
    );
    assert_eq!(r.verdict, Verdict::Plateau);
}

/// "Still improving slowly at the end (~0.7%/epoch); relative-change thresholds matter here."
/// The fall is significant relative to the tiny 5e-4 scale and the last epoch is the best, but
/// the fits project only about 1.6% more over 40 epochs, under the 2% the labelled logs count as
/// improvement (improving/plateau there is decided on exactly that gain). Pinned reading:
/// plateau with slow_progress, whose advice says more epochs gain under 2%.
#[test]
fn aflw_slow_relative_decline_is_slow_progress() {
    let r = judge("keras-pandas--cnn-landmarks-aflw2000");
    assert_eq!(monitor(&r), "val_loss");
    assert_eq!(r.verdict, Verdict::Plateau);
    assert!(has(&r, "slow_progress"));
    assert_eq!(r.best.unwrap().x, 19.0);
    assert!(r.advice.contains("projected to gain under 2%"));
}

#[test]
fn cs109b_linear_decline_is_improving() {
    let r = judge("keras-pandas--cs109b-finalproject");
    assert_eq!(r.verdict, Verdict::Improving);
    assert!(r.advice.starts_with("keep training"));
}

/// "Judge as still improving / noisy, not overfitting." val_loss jumps to 0.40 after its best
/// 0.3355 (epoch 24) and comes back to 0.346: the recent trend is not significant and the best is
/// five epochs back, so the pinned reading is the "noisy" one: plateau, noisy, never overfitting.
#[test]
fn flowers_is_noisy_not_overfitting() {
    let r = judge("keras--flowers-classification-project");
    assert_eq!(r.verdict, Verdict::Plateau);
    assert!(has(&r, "noisy"));
}

/// Three TensorBoard exports joined by step. The lr file is a schedule (cuts at 8, 15, 23), never
/// a loss; the step-1 spike is early instability, not divergence. "Still improving slowly":
/// since the last cut val_loss has 7 points whose fall is not significant (p ≈ 0.07), and each
/// earlier LR phase flattened within a few epochs of its cut, so the pinned reading is the
/// engine's LR-aware one: a plateau between cuts, lr_limited, advice to cut again.
#[test]
fn imdb_staircase_between_lr_cuts_is_lr_limited() {
    let r = judge("tensorboard--imdb");
    assert_eq!(monitor(&r), "val_loss");
    assert_eq!(lr_cuts(&r), vec![8.0, 15.0, 23.0]);
    assert_eq!(r.verdict, Verdict::Plateau);
    assert!(has(&r, "lr_limited"));
    assert!(r.advice.starts_with("lower the learning rate"));
    assert_eq!(r.best.unwrap().x, 28.0);
}

/// Two W&B exports with four runs each: "converge … with shrinking decrements: plateau /
/// converged", val tracks train, no overfitting.
#[test]
fn wandb_four_runs_all_converged() {
    let runs = judge_all("wandb--multi-view-classification");
    assert_eq!(runs.len(), 4);
    for r in &runs {
        assert_eq!(monitor(r), "epoch/val_loss", "{}", r.name);
        assert_eq!(r.verdict, Verdict::Plateau, "{}", r.name);
    }
}

/// "eval_loss per epoch 0.395 -> 0.415 -> 0.389: flat/noisy, no clear trend (3 points only)".
#[test]
fn lora_distilbert_three_evals_are_insufficient() {
    let r = judge("hf-trainer--lora-imdb-distilbert");
    assert_eq!(monitor(&r), "eval_loss");
    assert_eq!(r.verdict, Verdict::Insufficient);
}

/// "Too short to call converged; still improving slowly / noisy." Why not improving: the loss
/// fell 3.26 -> 2.92 in the first 100 steps but the last half (steps 70–120) has no significant
/// trend (p ≈ 0.7) and ends above its best, and the linear schedule had already brought the
/// learning rate to 5% of its start, so more steps of this schedule cannot add much. Pinned:
/// plateau, judged on the training loss, never overfitting or diverging.
#[test]
fn falcon_one_epoch_without_eval_is_a_plateau_on_training_loss() {
    let r = judge("hf-trainer--falcon-lora-imdb-sentiment");
    assert_eq!(monitor(&r), "loss");
    assert_eq!(r.verdict, Verdict::Plateau);
    assert_eq!(r.best.unwrap().x, 100.0);
}

#[test]
fn fastai_three_epochs_is_insufficient() {
    let r = judge("fastai-v1--fastai");
    assert_eq!(r.verdict, Verdict::Insufficient);
}

/// "total_loss 2.04 -> 0.266 still falling steeply at the final iteration … warm-up never
/// finished". The overall loss is monitored, not a component such as loss_box_reg.
#[test]
fn detectron2_total_loss_still_falling_is_improving() {
    let r = judge("detectron2--train-detectron2");
    assert_eq!(monitor(&r), "total_loss");
    assert_eq!(r.details.objective.as_deref(), Some("total_loss"));
    assert_eq!(r.verdict, Verdict::Improving);
    assert_eq!(r.best.unwrap().x, 299.0);
    assert!(r.advice.starts_with("keep training"));
}

/// "ce falls 11.30 -> ~5.2 (still improving slowly and noisily at step 585); `loss` is a
/// differently-scaled version." Both are losses; `loss` is monitored as the overall objective
/// (it tracks ce at ~1/128 throughout, so the verdict is the same on either). The resumed sessions
/// are judged as one history, which still falls significantly with its latest point the best:
/// improving (slowly), after restarts — never diverging.
#[test]
fn tinyrefinement_resumed_run_is_still_improving_on_loss() {
    let r = judge("custom--tinyrefinementmodel");
    assert_eq!(monitor(&r), "loss");
    assert_eq!(r.verdict, Verdict::Improving);
    assert!(has(&r, "restarted"));
    let ce = plateau::analyze(
        &tinyrefinement_drop(),
        &Options {
            monitor: Some("ce".to_string()),
            ..Options::default()
        },
    );
    assert_eq!(ce.runs[0].verdict, r.verdict, "ce and loss agree");
}

fn tinyrefinement_drop() -> plateau::Dropped {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/real/custom--tinyrefinementmodel/training_history.csv");
    let bytes = std::fs::read(&path).expect("fixture is readable");
    let name = path.display().to_string();
    plateau::ingest::read(&[Input {
        name: &name,
        bytes: &bytes,
    }])
    .expect("fixture ingests")
}
