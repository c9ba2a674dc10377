//! One column of f64 values, stored in whichever of four layouts deflates smallest, always bit-exact.
//!
//! - `LINEAR`: `start + i × step` (epoch and step counters): 16 bytes for any length.
//! - `DECIMAL`: every value is the shortest decimal of itself with at most 18 digits (`0.6931`,
//!   `250`): one scale, then zig-zag varint deltas of the scaled integers.
//! - `FLOAT32`: every value survives a round trip through f32 (Keras and TensorBoard logs): the
//!   bit patterns, each XORed with the one before, as four byte planes.
//! - `RAW`: anything else: the f64 bit patterns, XORed likewise, as eight byte planes.
//!
//! Values a layout cannot hold (NaN, ±inf, -0.0, a stray value) are listed after it as exceptions:
//! position and raw bits. The encoder decodes every candidate and keeps only exact ones.

use super::wire::{Reader, Writer};
use super::LinkError;

const RAW: u8 = 0;
const LINEAR: u8 = 1;
const FLOAT32: u8 = 2;
const DECIMAL: u8 = 3;

/// Largest decimal scale (digits after the point) a `DECIMAL` column may use.
const MAX_SCALE: u32 = 30;

/// Writes `values` in its smallest exact layout.
pub fn write(out: &mut Writer, values: &[f64]) {
    let candidates = [linear(values), decimal(values), float32(values)];
    let best = candidates
        .into_iter()
        .flatten()
        .chain(std::iter::once(raw(values)))
        .filter(|bytes| decodes_to(bytes, values))
        .min_by_key(|bytes| miniz_oxide::deflate::compress_to_vec(bytes, 6).len());
    if let Some(bytes) = best {
        out.bytes.extend_from_slice(&bytes);
    }
}

/// Reads a column of `n` values.
pub fn read(input: &mut Reader<'_>, n: usize) -> Result<Vec<f64>, LinkError> {
    let layout_at = input.pos();
    let mut values = match input.u8("a column layout")? {
        RAW => planes(input, n, 8)?
            .into_iter()
            .map(f64::from_bits)
            .collect(),
        LINEAR => {
            let start = f64::from_bits(input.u64("a column's first value")?);
            let step = f64::from_bits(input.u64("a column's step")?);
            (0..n).map(|i| start + i as f64 * step).collect()
        }
        FLOAT32 => planes(input, n, 4)?
            .into_iter()
            .map(|bits| f64::from(f32::from_bits(bits as u32)))
            .collect(),
        DECIMAL => read_decimal(input, n)?,
        other => {
            return Err(LinkError::Damaged {
                offset: layout_at,
                expected: format!("a column layout 0 to 3 (found {other})"),
            })
        }
    };
    let exceptions = input.count(9, "the number of exceptional values")?;
    let mut index = 0usize;
    for k in 0..exceptions {
        let at = input.pos();
        let delta = input.varint("an exceptional value's position")?;
        index = usize::try_from(delta)
            .ok()
            .and_then(|d| match k {
                0 => Some(d),
                _ => d.checked_add(1).and_then(|d| index.checked_add(d)),
            })
            .filter(|&i| i < n)
            .ok_or(LinkError::Damaged {
                offset: at,
                expected: format!("an exceptional value's position inside a column of {n}"),
            })?;
        values[index] = f64::from_bits(input.u64("an exceptional value")?);
    }
    Ok(values)
}

fn decodes_to(bytes: &[u8], values: &[f64]) -> bool {
    let mut input = Reader::new(bytes);
    matches!(read(&mut input, values.len()), Ok(back)
        if input.remaining() == 0
            && back.iter().zip(values).all(|(a, b)| a.to_bits() == b.to_bits()))
}

/// Writes the exception list: every position where `fits` is false, with its raw bits.
fn exceptions(out: &mut Writer, values: &[f64], fits: impl Fn(f64) -> bool) {
    let odd: Vec<usize> = (0..values.len()).filter(|&i| !fits(values[i])).collect();
    out.len(odd.len());
    let mut previous = None;
    for &i in &odd {
        out.len(match previous {
            None => i,
            Some(p) => i - p - 1,
        });
        out.u64(values[i].to_bits());
        previous = Some(i);
    }
}

fn ordinary(v: f64) -> bool {
    v.is_finite() && !(v == 0.0 && v.is_sign_negative())
}

fn linear(values: &[f64]) -> Option<Vec<u8>> {
    let start = *values.first()?;
    if !values.iter().all(|v| v.is_finite()) {
        return None;
    }
    let step = values.get(1).map_or(0.0, |second| second - start);
    let mut out = Writer::default();
    out.u8(LINEAR);
    out.u64(start.to_bits());
    out.u64(step.to_bits());
    exceptions(&mut out, values, |_| true);
    Some(out.bytes)
}

fn raw(values: &[f64]) -> Vec<u8> {
    let mut out = Writer::default();
    out.u8(RAW);
    write_planes(&mut out, values.iter().map(|v| v.to_bits()), 8);
    exceptions(&mut out, values, |_| true);
    out.bytes
}

fn float32(values: &[f64]) -> Option<Vec<u8>> {
    // NaN always goes to the exception list: float conversions may change a NaN's payload bits.
    let single = |v: f64| !v.is_nan() && f64::from(v as f32).to_bits() == v.to_bits();
    let mut last = 0u64;
    let bits: Vec<u64> = values
        .iter()
        .map(|&v| {
            if single(v) {
                last = u64::from((v as f32).to_bits());
            }
            last
        })
        .collect();
    let mut out = Writer::default();
    out.u8(FLOAT32);
    write_planes(&mut out, bits.into_iter(), 4);
    exceptions(&mut out, values, single);
    Some(out.bytes)
}

/// Each bit pattern XORed with the one before (Gorilla-style: equal sign, exponent and leading
/// mantissa bits become zeros), split into byte planes, most significant first, so that the bytes
/// that barely change sit together for deflate.
fn write_planes(out: &mut Writer, bits: impl Iterator<Item = u64>, width: usize) {
    let mut previous = 0u64;
    let xored: Vec<u64> = bits
        .map(|b| {
            let d = b ^ previous;
            previous = b;
            d
        })
        .collect();
    for plane in (0..width).rev() {
        out.bytes
            .extend(xored.iter().map(|d| (d >> (8 * plane)) as u8));
    }
}

fn planes(input: &mut Reader<'_>, n: usize, width: usize) -> Result<Vec<u64>, LinkError> {
    let bytes = input.take(
        n.checked_mul(width).ok_or(LinkError::TooLarge)?,
        "a column's values",
    )?;
    let mut xored = vec![0u64; n];
    for (p, plane) in bytes.chunks_exact(n.max(1)).enumerate().take(width) {
        let shift = 8 * (width - 1 - p);
        for (d, &b) in xored.iter_mut().zip(plane) {
            *d |= u64::from(b) << shift;
        }
    }
    let mask = if width == 8 {
        u64::MAX
    } else {
        (1u64 << (8 * width)) - 1
    };
    let mut previous = 0u64;
    Ok(xored
        .into_iter()
        .map(|d| {
            previous = (previous ^ d) & mask;
            previous
        })
        .collect())
}

/// The value as `mantissa × 10^-scale` from its shortest decimal spelling, when that fits in i64.
fn split_decimal(v: f64) -> Option<(i64, u32)> {
    let text = format!("{v}");
    let (whole, fraction) = text.split_once('.').unwrap_or((&text, ""));
    let digits = format!("{whole}{fraction}");
    let scale = u32::try_from(fraction.len()).ok()?;
    Some((digits.parse().ok()?, scale))
}

fn decimal(values: &[f64]) -> Option<Vec<u8>> {
    let split: Vec<Option<(i64, u32)>> = values
        .iter()
        .map(|&v| if ordinary(v) { split_decimal(v) } else { None })
        .collect();
    let scale = split.iter().flatten().map(|&(_, s)| s).max().unwrap_or(0);
    if scale > MAX_SCALE {
        return None;
    }
    let mut previous = 0i64;
    let mut out = Writer::default();
    out.u8(DECIMAL);
    out.u8(scale as u8);
    for part in &split {
        let m = match part {
            Some((m, s)) => m.checked_mul(10i64.checked_pow(scale - s)?)?,
            None => previous,
        };
        let delta = m.wrapping_sub(previous);
        out.varint(((delta << 1) ^ (delta >> 63)) as u64);
        previous = m;
    }
    exceptions(&mut out, values, |v| {
        ordinary(v) && split_decimal(v).is_some()
    });
    Some(out.bytes)
}

fn read_decimal(input: &mut Reader<'_>, n: usize) -> Result<Vec<f64>, LinkError> {
    let at = input.pos();
    let scale = u32::from(input.u8("a decimal column's scale")?);
    if scale > MAX_SCALE {
        return Err(LinkError::Damaged {
            offset: at,
            expected: format!("a decimal scale of at most {MAX_SCALE} (found {scale})"),
        });
    }
    if n > input.remaining() {
        return Err(LinkError::Truncated {
            expected: format!("{n} decimal values at byte {}", input.pos()),
        });
    }
    let mut previous = 0i64;
    let mut values = Vec::with_capacity(n);
    for _ in 0..n {
        let z = input.varint("a decimal value")?;
        let delta = ((z >> 1) as i64) ^ -((z & 1) as i64);
        previous = previous.wrapping_add(delta);
        values.push(from_decimal(previous, scale));
    }
    Ok(values)
}

/// `m × 10^-scale`, correctly rounded: exact division when both fit in f64's 53 bits, else the
/// standard library's decimal parser.
fn from_decimal(m: i64, scale: u32) -> f64 {
    const EXACT: i64 = 1 << 53;
    if (-EXACT..=EXACT).contains(&m) && scale <= 22 {
        m as f64 / 10f64.powi(scale as i32)
    } else {
        format!("{m}e-{scale}").parse().unwrap_or(f64::NAN)
    }
}
