//! Boundary cases shared by the Node and the Chromium wasm test binaries.

use plateau::web::{
    group_runs, is_share_data, vocabulary, Analysis, Assembler, Files, Follower, Judge, Judgement,
    Reader,
};
use wasm_bindgen::JsValue;
use wasm_bindgen_test::wasm_bindgen_test;

const KERAS: &[u8] = include_bytes!("../../www/examples/keras-tomato-leaf.csv");

fn field(obj: &JsValue, key: &str) -> JsValue {
    js_sys::Reflect::get(obj, &JsValue::from_str(key)).expect("field exists")
}

/// A field the worker packs as bytes (a shape, a growth, a report).
fn bytes(obj: &JsValue, key: &str) -> Vec<u8> {
    js_sys::Uint8Array::new(&field(obj, key)).to_vec()
}

/// The report the worker packed (as bytes, its long arrays apart), as the page's `summary()`
/// shows a report.
fn packed_report(obj: &JsValue) -> JsValue {
    let report: plateau::Report =
        postcard::from_bytes(&bytes(obj, "report")).expect("the worker's report reads");
    serde::Serialize::serialize(&report, &serde_wasm_bindgen::Serializer::json_compatible())
        .expect("plain data")
}

#[wasm_bindgen_test]
fn keras_log_crosses_boundary_as_report_object() {
    let mut files = Files::new();
    files.add("training_log.csv", KERAS);
    let analysis = files.analyze(None).expect("a Keras log is analysed");
    let report = analysis.report().expect("the report serializes");
    let runs = js_sys::Array::from(&field(&report, "runs"));
    assert_eq!(runs.length(), 1);
    let run = runs.get(0);
    assert_eq!(
        field(&run, "monitor").as_string().as_deref(),
        Some("val_loss")
    );
    assert_eq!(
        field(&run, "verdict").as_string().as_deref(),
        Some("overfitting")
    );
    let best = field(&run, "best");
    assert_eq!(field(&best, "x").as_f64(), Some(18.0));
}

#[wasm_bindgen_test]
fn monitor_choice_crosses_boundary() {
    let mut files = Files::new();
    files.add("training_log.csv", KERAS);
    let analysis = files.analyze(Some("loss".into())).expect("analysed");
    let run = js_sys::Array::from(&field(&analysis.report().unwrap(), "runs")).get(0);
    assert_eq!(field(&run, "monitor").as_string().as_deref(), Some("loss"));
}

#[wasm_bindgen_test]
fn bad_input_becomes_js_error_with_sentence() {
    let mut files = Files::new();
    files.add("notes.csv", b"name,comment\nalpha,beta\n");
    let err = match files.analyze(None) {
        Ok(_) => panic!("a CSV without numbers must be refused"),
        Err(e) => JsValue::from(e),
    };
    let message = field(&err, "message").as_string().unwrap();
    assert!(
        message.starts_with("notes.csv has no numeric column"),
        "{message}"
    );
}

#[wasm_bindgen_test]
fn share_fragment_reopens_as_the_same_report() {
    let mut files = Files::new();
    files.add("training_log.csv", KERAS);
    let analysis = files.analyze(None).expect("analysed");
    let d = analysis.share_fragment();
    assert!(d.starts_with('2'), "version prefix: {d}");
    let reopened = Analysis::from_fragment(&d, None).expect("its own link decodes");
    assert_eq!(
        js_sys::JSON::stringify(&reopened.report().unwrap()).unwrap(),
        js_sys::JSON::stringify(&analysis.report().unwrap()).unwrap()
    );
    assert_eq!(reopened.share_fragment(), d);
}

#[wasm_bindgen_test]
fn damaged_fragment_becomes_js_error_with_sentence() {
    let err = match Analysis::from_fragment("1AAAA!", None) {
        Ok(_) => panic!("a damaged link must be refused"),
        Err(e) => JsValue::from(e),
    };
    let message = field(&err, "message").as_string().unwrap();
    assert!(
        message.starts_with("the share link is damaged at character 4"),
        "{message}"
    );
}

/// A Lightning-like log long enough to be parsed line by line rather than read whole.
fn long_log() -> Vec<u8> {
    let mut text = String::from("step,epoch,train_loss,val_loss\n");
    for i in 0..3000 {
        let t = i as f64 / 3000.0;
        text.push_str(&format!(
            "{i},{},{:.5},{:.5}\n",
            i / 100,
            2.0 - t,
            2.1 - t * 0.9
        ));
    }
    text.into_bytes()
}

fn json(value: &JsValue) -> String {
    js_sys::JSON::stringify(value)
        .expect("plain data")
        .as_string()
        .expect("a string")
}

/// What the page puts together from a worker's `judge.parts()`, as `www/reading.js` does.
fn assembled(judge: &mut Judge) -> Analysis {
    assembled_from(&judge.parts().expect("packed"))
}

/// The typed arrays under `key` of a worker's answer.
fn arrays(packed: &JsValue, key: &str) -> Vec<Vec<f64>> {
    js_sys::Array::from(&field(packed, key))
        .iter()
        .map(|c| js_sys::Float64Array::from(c).to_vec())
        .collect()
}

/// What the page puts together from a worker's whole answer (`parts()`, or a `Follower`'s first).
fn assembled_from(packed: &JsValue) -> Analysis {
    let arrays = |key: &str| arrays(packed, key);
    let columns = arrays("columns");
    let total = columns.iter().map(Vec::len).sum();
    let mut assembler = Assembler::new(&bytes(packed, "shape"), &bytes(packed, "report"), total)
        .expect("the worker's parts are whole");
    for column in columns {
        assembler.add(column);
    }
    for values in arrays("bands") {
        assembler.add_band(values);
    }
    assembler.finish(None).expect("assembled")
}

#[wasm_bindgen_test]
fn reader_in_chunks_then_assembler_gives_the_files_analysis() {
    for (name, bytes) in [
        ("training_log.csv", KERAS.to_vec()),
        ("metrics.csv", long_log()),
    ] {
        let mut files = Files::new();
        files.add(name, &bytes);
        let here = files.analyze(None).expect("analysed");
        let mut reader = Reader::new(None);
        reader.begin(name, bytes.len() as f64);
        for chunk in bytes.chunks(1000) {
            reader.push(chunk).expect("a log");
        }
        reader.end().expect("the file reads");
        let mut judge = reader.finish(None).expect("judged");
        let there = assembled(&mut judge);
        assert_eq!(
            json(&there.report().expect("report")),
            json(&here.report().expect("report")),
            "{name}"
        );
        assert_eq!(there.share_fragment(), here.share_fragment(), "{name}");
    }
}

#[wasm_bindgen_test]
fn folder_reader_skips_a_checkpoint_unread_and_matches_files_in_a_folder() {
    let checkpoint: Vec<u8> = b"PK\x03\x04".iter().copied().chain([0u8; 8192]).collect();
    let drop = [
        ("run/checkpoints/last.ckpt", checkpoint),
        ("run/training_log.csv", KERAS.to_vec()),
    ];
    let mut files = Files::new();
    files.folder();
    let mut reader = Reader::new(Some(true));
    for (name, bytes) in &drop {
        files.add(name, bytes);
        reader.begin(name, bytes.len() as f64);
        let mut pushed = 0;
        for chunk in bytes.chunks(4096) {
            if !reader.reading() {
                break;
            }
            reader
                .push(chunk)
                .expect("a folder's non-log is skipped, not an error");
            pushed += chunk.len();
        }
        reader.end().expect("the file reads");
        if name.ends_with(".ckpt") {
            assert_eq!(
                pushed, 4096,
                "the checkpoint stops being read after its head"
            );
        }
    }
    let packed = reader
        .finish(None)
        .expect("judged")
        .parts()
        .expect("packed");
    let here = files.analyze(None).expect("analysed");
    let report = here.report().expect("report");
    let worker = packed_report(&packed);
    let verdict = |r: &JsValue| {
        json(&field(
            &js_sys::Array::from(&field(r, "runs")).get(0),
            "verdict",
        ))
    };
    assert_eq!(verdict(&worker), verdict(&report));
    assert_eq!(
        json(&field(&worker, "warnings")),
        json(&field(&report, "warnings"))
    );
    let warnings = json(&field(&report, "warnings"));
    assert!(
        warnings.contains("1 file in the folder is not a training log"),
        "{warnings}"
    );
}

#[wasm_bindgen_test]
fn a_damaged_worker_result_is_a_sentence() {
    let err = match Assembler::new(b"runs", &[], 0) {
        Ok(_) => panic!("these bytes are not a drop's shape"),
        Err(e) => JsValue::from(e),
    };
    let message = field(&err, "message").as_string().expect("a message");
    assert!(
        message.starts_with("the worker's analysis is damaged"),
        "{message}"
    );
}

fn strings(value: &JsValue) -> Vec<String> {
    js_sys::Array::from(value)
        .iter()
        .map(|v| v.as_string().expect("a word"))
        .collect()
}

fn keras() -> Analysis {
    let mut files = Files::new();
    files.add("training_log.csv", KERAS);
    files.analyze(None).expect("analysed")
}

#[wasm_bindgen_test]
fn every_view_value_the_vocabulary_offers_is_one_the_chart_reads() {
    let words = vocabulary().expect("the vocabulary serializes");
    let mut analysis = keras();
    let values = |key: &str| {
        js_sys::Array::from(&field(&words, key))
            .iter()
            .map(|c| field(&c, "value").as_string().expect("a value"))
            .collect::<Vec<_>>()
    };
    let view = |key: &str, value: &str| {
        let v = js_sys::Object::new();
        js_sys::Reflect::set(&v, &JsValue::from_str(key), &JsValue::from_str(value)).unwrap();
        v.into()
    };
    for (key, list) in [
        ("smoother", values("smoothers")),
        ("band", values("bands")),
        ("x_axis", strings(&field(&words, "x_axes"))),
    ] {
        assert!(!list.is_empty(), "{key}");
        for value in list {
            analysis
                .set_view(view(key, &value))
                .unwrap_or_else(|_| panic!("{key} {value} is read"));
        }
        assert!(analysis.set_view(view(key, "sideways")).is_err(), "{key}");
    }
    // The defaults are the chart's own: setting them changes nothing from a fresh view.
    let defaults = field(&words, "view");
    assert_eq!(field(&defaults, "smoothing").as_f64(), Some(0.6));
    analysis
        .set_view(defaults)
        .expect("the defaults are a view");
    assert_eq!(field(&words, "smoothing_max").as_f64(), Some(0.99));
}

#[wasm_bindgen_test]
fn every_role_and_direction_the_vocabulary_offers_corrects_a_series() {
    let words = vocabulary().expect("the vocabulary serializes");
    let analysis = keras();
    for role in strings(&field(&words, "roles")) {
        for direction in strings(&field(&words, "directions")) {
            analysis
                .with_series(
                    0,
                    "val_loss",
                    JsValue::from_str(&role),
                    JsValue::from_str(&direction),
                )
                .unwrap_or_else(|_| panic!("{role} {direction} is taken"));
        }
    }
}

#[wasm_bindgen_test]
fn monitorable_series_cross_the_boundary_in_log_order() {
    let analysis = keras();
    let offered = analysis.monitorable(0).expect("run 0 exists");
    assert_eq!(offered, ["accuracy", "loss", "val_accuracy", "val_loss"]);
    assert!(analysis.monitorable(1).is_err(), "no run 1");
}

#[wasm_bindgen_test]
fn a_share_fragment_is_share_data_and_an_address_is_not() {
    assert!(is_share_data(&keras().share_fragment()));
    assert!(!is_share_data("logs/metrics.csv"));
}

#[wasm_bindgen_test]
fn grouping_by_hand_crosses_the_boundary_and_one_pick_is_no_group() {
    let groups = js_sys::JSON::parse("[[0,1,2]]").unwrap();
    let next = group_runs(groups.clone(), vec![2, 3]).expect("lists of run numbers");
    assert_eq!(json(&next), "[[0,1],[2,3]]");
    assert!(group_runs(groups, vec![2]).expect("read").is_null());
    assert!(group_runs(JsValue::from_str("runs"), vec![0, 1]).is_err());
}

#[wasm_bindgen_test]
fn groups_give_their_findings_and_member_verdicts_apart() {
    let folds: [&[u8]; 3] = [
        include_bytes!("../fixtures/folds/mlp_fold0.csv"),
        include_bytes!("../fixtures/folds/mlp_fold1.csv"),
        include_bytes!("../fixtures/folds/mlp_fold2.csv"),
    ];
    let mut files = Files::new();
    for (k, bytes) in folds.iter().enumerate() {
        files.add(&format!("mlp_fold{k}.csv"), bytes);
    }
    let analysis = files.analyze(None).expect("analysed");
    let report = analysis.report().expect("report");
    let runs = js_sys::Array::from(&field(&report, "runs"));
    let rows = js_sys::Array::from(&analysis.groups().expect("groups serialize"));
    assert_eq!(rows.length(), 1);
    let row = rows.get(0);
    let members = js_sys::Array::from(&field(&row, "members"));
    assert_eq!(members.length(), 3);
    let mut lines = Vec::new();
    for (k, member) in members.iter().enumerate() {
        let run = runs.get(k as u32);
        assert_eq!(field(&member, "run").as_f64(), Some(k as f64));
        assert_eq!(
            json(&field(&member, "verdict")),
            json(&field(&run, "verdict"))
        );
        lines.push(format!(
            "{}: {}",
            field(&run, "name").as_string().unwrap(),
            field(&run, "verdict").as_string().unwrap()
        ));
    }
    let findings = strings(&field(&row, "findings"));
    assert!(findings[0].contains("of 3 folds agree"), "{findings:?}");
    assert!(findings.iter().all(|l| !lines.contains(l)), "{findings:?}");
}

const FOLDS: [&[u8]; 3] = [
    include_bytes!("../fixtures/folds/mlp_fold0.csv"),
    include_bytes!("../fixtures/folds/mlp_fold1.csv"),
    include_bytes!("../fixtures/folds/mlp_fold2.csv"),
];

/// Three folds read in the worker's `Reader`, kept as its `Judge`, and the same read by `Files`.
fn folds() -> (Judge, Analysis) {
    let mut files = Files::new();
    let mut reader = Reader::new(None);
    for (k, bytes) in FOLDS.iter().enumerate() {
        let name = format!("mlp_fold{k}.csv");
        files.add(&name, bytes);
        reader.begin(&name, bytes.len() as f64);
        reader.push(bytes).expect("a log");
        reader.end().expect("the file reads");
    }
    let judge = reader.finish(None).expect("judged");
    (judge, files.analyze(None).expect("analysed"))
}

#[wasm_bindgen_test]
fn fold_bands_cross_as_typed_arrays_and_come_back_whole() {
    let (mut judge, here) = folds();
    let report = here.report().expect("report");
    let band = field(
        &js_sys::Array::from(&field(&report, "groups")).get(0),
        "band",
    );
    assert!(
        js_sys::Array::from(&field(&band, "x")).length() > 10,
        "the folds make a group with a band"
    );
    let mut there = assembled(&mut judge);
    assert_eq!(json(&there.report().expect("report")), json(&report));
    let summary = there.summary().expect("summary");
    let shown = field(
        &js_sys::Array::from(&field(&summary, "groups")).get(0),
        "band",
    );
    assert_eq!(
        js_sys::Array::from(&field(&shown, "x")).length(),
        0,
        "the page's summary leaves the band out"
    );
    assert_eq!(
        json(&there.report().expect("report")),
        json(&report),
        "and the report keeps it"
    );
}

/// Every early-stopping replay's x list of `report`'s runs, as JSON.
fn replays(report: &JsValue) -> Vec<String> {
    js_sys::Array::from(&field(report, "runs"))
        .iter()
        .flat_map(|run| js_sys::Array::from(&field(&run, "early_stopping")).to_vec())
        .map(|replay| json(&field(&replay, "at")))
        .collect()
}

#[wasm_bindgen_test]
fn early_stopping_replays_cross_as_typed_arrays_and_come_back_whole() {
    let mut files = Files::new();
    files.add("training_log.csv", KERAS);
    let here = files.analyze(None).expect("analysed");
    let mut reader = Reader::new(None);
    reader.begin("training_log.csv", KERAS.len() as f64);
    reader.push(KERAS).expect("a log");
    reader.end().expect("the file reads");
    let packed = reader
        .finish(None)
        .expect("judged")
        .parts()
        .expect("packed");
    let want = replays(&here.report().expect("report"));
    assert!(
        want.iter().any(|at| at != "[]"),
        "the Keras log's replays act somewhere: {want:?}"
    );
    assert!(
        replays(&packed_report(&packed)).iter().all(|at| at == "[]"),
        "the worker's report leaves them out"
    );
    let sent: Vec<String> = arrays(&packed, "bands")
        .iter()
        .map(|a| json(&serde_wasm_bindgen::to_value(a).expect("numbers")))
        .collect();
    assert_eq!(sent, want, "they travel beside it, one array each");
    let mut there = assembled_from(&packed);
    assert_eq!(replays(&there.report().expect("report")), want);
    assert!(
        replays(&there.summary().expect("summary"))
            .iter()
            .all(|at| at == "[]"),
        "the page's summary leaves them out"
    );
}

#[wasm_bindgen_test]
fn changes_judged_by_the_worker_give_the_page_threads_judgment() {
    let (mut judge, here) = folds();
    let mut page = assembled(&mut judge);
    let role = JsValue::from_str("validation");
    let higher = JsValue::from_str("higher");
    let groups = || serde_wasm_bindgen::to_value(&vec![vec![0usize, 2]]).expect("groups");
    let expected = here
        .with_monitor(Some("val_loss".into()))
        .with_series(1, "val_loss", role.clone(), higher.clone())
        .expect("corrected")
        .with_groups(groups())
        .expect("grouped");
    assert_ne!(
        json(&expected.report().expect("report")),
        json(&here.report().expect("report")),
        "the changes change the judgment"
    );
    judge
        .correct(1, "val_loss", role.clone(), higher.clone())
        .expect("corrected");
    let answer = judge
        .judge(Some("val_loss".into()), groups())
        .expect("judged");
    page.correct(1, "val_loss", role, higher)
        .expect("corrected");
    // Taken in as the page does: the report, then each band array.
    let mut taken = Judgement::new(&bytes(&answer, "report")).expect("a report");
    for values in arrays(&answer, "bands") {
        taken.add_band(values);
    }
    page.judged(taken, Some("val_loss".into()), groups())
        .expect("the worker's answer is whole");
    assert_eq!(
        json(&page.report().expect("report")),
        json(&expected.report().expect("report"))
    );
    assert_eq!(
        json(&field(&answer, "summary")),
        json(&page.summary().expect("summary"))
    );
    assert_eq!(
        page.share_fragment(),
        expected.share_fragment(),
        "the same runs, corrections included"
    );
    let later = page.with_monitor(Some("loss".into()));
    let fresh = expected.with_monitor(Some("loss".into()));
    assert_eq!(
        json(&later.report().expect("report")),
        json(&fresh.report().expect("report")),
        "the page keeps the worker's monitor and groups for judging on its own later"
    );
}

/// A Keras history whose epochs start over once: a run of `first` epochs, then one of `second`.
fn two_runs(first: usize, second: usize) -> Vec<u8> {
    let row = |e: usize| {
        let loss = 1.0 / (1.0 + 0.3 * e as f64);
        let val = 1.1 / (1.0 + 0.25 * e as f64) + 0.05;
        format!("{e},{loss:.5},{val:.5}\n")
    };
    let mut text = String::from("epoch,loss,val_loss\n");
    text.extend((0..first).chain(0..second).map(row));
    text.into_bytes()
}

#[wasm_bindgen_test]
fn a_followed_logs_growth_carries_group_bands_as_typed_arrays() {
    let groups = || js_sys::JSON::parse("[[0, 1]]").expect("JSON");
    let mut follower = Follower::new("history.csv");
    follower.update(0.0, &two_runs(30, 20)).expect("a log");
    let first = follower.packed(None, groups(), None).expect("packed");
    let mut shown = assembled_from(&first);
    let answer = field(&first, "answer").as_f64().expect("numbered") as u32;
    let file = two_runs(30, 26);
    let at = follower.resume_at(file.len() as f64) as usize;
    follower.update(at as f64, &file[at..]).expect("appended");
    let next = follower
        .packed(None, groups(), Some(answer))
        .expect("packed");
    assert!(
        !field(&next, "growth").is_undefined(),
        "an answer of appended rows"
    );
    let bands = arrays(&next, "bands");
    let replayed = replays(&packed_report(&next)).len();
    assert_eq!(
        bands.len(),
        5 + replayed,
        "the hand-made group's band, five typed arrays, then each early-stopping replay's x"
    );
    assert!(bands[..5].iter().all(|b| b.len() > 20), "{bands:?}");
    let typed = |key: &str| -> Vec<js_sys::Float64Array> {
        js_sys::Array::from(&field(&next, key))
            .iter()
            .map(js_sys::Float64Array::from)
            .collect()
    };
    shown
        .grow(
            &bytes(&next, "growth"),
            typed("columns"),
            &bytes(&next, "report"),
            typed("bands"),
        )
        .expect("the rows continue the analysis shown");
    let mut files = Files::new();
    files.add("history.csv", &file);
    let whole = files
        .analyze(None)
        .expect("analysed")
        .with_groups(groups())
        .expect("grouped");
    let report = whole.report().expect("report");
    assert_eq!(js_sys::Array::from(&field(&report, "groups")).length(), 1);
    assert_eq!(json(&shown.report().expect("report")), json(&report));
}
