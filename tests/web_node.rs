//! The wasm boundary, run in Node.
#![cfg(target_arch = "wasm32")]

#[path = "common/web_cases.rs"]
mod web_cases;
