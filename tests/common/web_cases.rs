//! Boundary cases shared by the Node and the Chromium wasm test binaries.

use plateau::web::{Analysis, Files};
use wasm_bindgen::JsValue;
use wasm_bindgen_test::wasm_bindgen_test;

const KERAS: &[u8] = include_bytes!("../../www/examples/keras-tomato-leaf.csv");

fn field(obj: &JsValue, key: &str) -> JsValue {
    js_sys::Reflect::get(obj, &JsValue::from_str(key)).expect("field exists")
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
    assert!(d.starts_with('1'), "version prefix: {d}");
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
