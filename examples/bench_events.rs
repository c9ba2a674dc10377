//! Event-file reading speed: generated TensorBoard event files of 10 and 100 MB (simple_value
//! scalars, a 2 MB graph-sized record in the middle) through `ingest::Stream` in 64 KiB chunks, as
//! the page's worker reads them. Prints MB/s per size: a linear reader keeps it flat.
//! Run with `make bench-events` (or `cargo run --release --example bench_events`).

use std::time::Instant;

use plateau::ingest::Stream;

const CASTAGNOLI: crc::Crc<u32> = crc::Crc::<u32>::new(&crc::CRC_32_ISCSI);

fn masked(bytes: &[u8]) -> u32 {
    CASTAGNOLI
        .checksum(bytes)
        .rotate_right(15)
        .wrapping_add(0xa282_ead8)
}

fn varint(out: &mut Vec<u8>, mut v: u64) {
    while v >= 0x80 {
        out.push((v as u8) | 0x80);
        v >>= 7;
    }
    out.push(v as u8);
}

/// One TFRecord around `data`.
fn record(out: &mut Vec<u8>, data: &[u8]) {
    let length = (data.len() as u64).to_le_bytes();
    out.extend_from_slice(&length);
    out.extend_from_slice(&masked(&length).to_le_bytes());
    out.extend_from_slice(data);
    out.extend_from_slice(&masked(data).to_le_bytes());
}

/// An `Event` with one `simple_value`, encoded by hand (wall_time 1, step 2, summary 5).
fn scalar(tag: &str, step: u64, value: f32) -> Vec<u8> {
    let mut v = vec![0x0a];
    varint(&mut v, tag.len() as u64);
    v.extend_from_slice(tag.as_bytes());
    v.push(0x15);
    v.extend_from_slice(&value.to_le_bytes());
    let mut summary = vec![0x0a];
    varint(&mut summary, v.len() as u64);
    summary.extend(v);
    let mut event = vec![0x09];
    event.extend_from_slice(&(1.7e9 + step as f64).to_le_bytes());
    event.push(0x10);
    varint(&mut event, step);
    event.push(0x2a);
    varint(&mut event, summary.len() as u64);
    event.extend(summary);
    event
}

fn generate(bytes: usize) -> Vec<u8> {
    let mut out = Vec::with_capacity(bytes + 4096);
    let mut step = 0u64;
    while out.len() < bytes {
        if step == 1000 {
            // A graph record: field 4 (graph_def) of 2 MB, skipped unread.
            let mut graph = vec![0x22];
            varint(&mut graph, 2 << 20);
            graph.resize(graph.len() + (2 << 20), 7);
            record(&mut out, &graph);
        }
        let t = step as f32 * 1e-6;
        record(&mut out, &scalar("train/loss", step, 2.0 * (-t).exp()));
        if step % 10 == 0 {
            record(&mut out, &scalar("val/loss", step, 2.1 * (-t).exp()));
        }
        step += 1;
    }
    out
}

fn main() {
    for mb in [10, 100] {
        let bytes = generate(mb << 20);
        let start = Instant::now();
        let mut stream = Stream::new();
        stream.begin("events.out.tfevents.1.bench", bytes.len());
        for chunk in bytes.chunks(64 << 10) {
            stream.push(chunk).expect("generated file reads");
        }
        stream.end().expect("generated file reads");
        let drop = stream.finish().expect("generated file reads");
        let secs = start.elapsed().as_secs_f64();
        let points: usize = drop.runs[0].series.iter().map(|s| s.len()).sum();
        println!(
            "{mb:>4} MB event file: {:.2} s, {:.0} MB/s, {points} points in {} series",
            secs,
            bytes.len() as f64 / 1e6 / secs,
            drop.runs[0].series.len()
        );
    }
}
