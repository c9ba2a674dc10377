//! TensorBoard event files (`events.out.tfevents.*`): TFRecord framing around `Event` protobufs.
//!
//! A record is `length: u64`, `masked CRC-32C of length: u32`, `data`, `masked CRC-32C of data: u32`;
//! both checksums are verified and a mismatch names the record. Scalars come as `simple_value`
//! (tensorboardX, `torch.utils.tensorboard`, TF1) or as rank-0 tensors (TF2, the Keras callback) in
//! `float_val`, `double_val`, `half_val` or `tensor_content` (DT_FLOAT, DT_DOUBLE, DT_HALF).
//! Images, audio, histograms, graphs, text and other plugins' tensors are skipped. The file
//! version and the `hparams` plugin's session hyper-parameters become run details.
//!
//! [`Decoder`] is fed bytes a chunk at a time and keeps at most one unfinished record, so a
//! record that spans two chunks is put back together and every byte is looked at once.

use std::collections::HashMap;

use prost::Message;

use crate::error::Error;

/// A record's frame: 8 bytes of length and 4 of its checksum before the data, 4 after it.
const HEADER: usize = 12;
const FOOTER: usize = 4;
const CASTAGNOLI: crc::Crc<u32> = crc::Crc::<u32>::new(&crc::CRC_32_ISCSI);

/// TFRecord's masking of a CRC-32C (so that a CRC of data holding CRCs stays well spread).
fn masked_crc(bytes: &[u8]) -> u32 {
    let crc = CASTAGNOLI.checksum(bytes);
    crc.rotate_right(15).wrapping_add(0xa282_ead8)
}

/// `tensorflow.Event`, only the fields read here (others, such as the graph, are skipped unread).
#[derive(Clone, PartialEq, Message)]
struct Event {
    #[prost(double, tag = "1")]
    wall_time: f64,
    #[prost(int64, tag = "2")]
    step: i64,
    #[prost(string, optional, tag = "3")]
    file_version: Option<String>,
    #[prost(message, optional, tag = "5")]
    summary: Option<Summary>,
}

#[derive(Clone, PartialEq, Message)]
struct Summary {
    #[prost(message, repeated, tag = "1")]
    value: Vec<Value>,
}

/// `Summary.Value`: a tag and one of simple value, image, histogram, audio or tensor.
#[derive(Clone, PartialEq, Message)]
struct Value {
    #[prost(string, tag = "1")]
    tag: String,
    #[prost(float, optional, tag = "2")]
    simple_value: Option<f32>,
    #[prost(string, tag = "7")]
    node_name: String,
    #[prost(message, optional, tag = "8")]
    tensor: Option<Tensor>,
    #[prost(message, optional, tag = "9")]
    metadata: Option<Metadata>,
}

#[derive(Clone, PartialEq, Message)]
struct Metadata {
    #[prost(message, optional, tag = "1")]
    plugin_data: Option<PluginData>,
}

#[derive(Clone, PartialEq, Message)]
struct PluginData {
    #[prost(string, tag = "1")]
    plugin_name: String,
    #[prost(bytes = "vec", tag = "2")]
    content: Vec<u8>,
}

/// `tensorflow.TensorProto`, the numeric parts.
#[derive(Clone, PartialEq, Message)]
struct Tensor {
    #[prost(int32, tag = "1")]
    dtype: i32,
    #[prost(message, optional, tag = "2")]
    tensor_shape: Option<Shape>,
    #[prost(bytes = "vec", tag = "4")]
    tensor_content: Vec<u8>,
    #[prost(float, repeated, tag = "5")]
    float_val: Vec<f32>,
    #[prost(double, repeated, tag = "6")]
    double_val: Vec<f64>,
    /// DT_HALF values, one per int32 (its low 16 bits).
    #[prost(int32, repeated, tag = "13")]
    half_val: Vec<i32>,
}

#[derive(Clone, PartialEq, Message)]
struct Shape {
    #[prost(message, repeated, tag = "2")]
    dim: Vec<Dim>,
}

#[derive(Clone, PartialEq, Message)]
struct Dim {
    #[prost(int64, tag = "1")]
    size: i64,
}

/// `tensorboard.hparams.HParamsPluginData`: only the session start, which holds the values.
#[derive(Clone, PartialEq, Message)]
struct HParamsPluginData {
    #[prost(message, optional, tag = "3")]
    session_start_info: Option<SessionStartInfo>,
}

#[derive(Clone, PartialEq, Message)]
struct SessionStartInfo {
    #[prost(btree_map = "string, message", tag = "1")]
    hparams: std::collections::BTreeMap<String, HValue>,
}

/// `google.protobuf.Value`, the kinds hyper-parameters take.
#[derive(Clone, PartialEq, Message)]
struct HValue {
    #[prost(double, optional, tag = "2")]
    number_value: Option<f64>,
    #[prost(string, optional, tag = "3")]
    string_value: Option<String>,
    #[prost(bool, optional, tag = "4")]
    bool_value: Option<bool>,
}

const DT_FLOAT: i32 = 1;
const DT_DOUBLE: i32 = 2;
const DT_HALF: i32 = 19;

/// One tag's points in file order.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct Tag {
    pub name: String,
    pub step: Vec<f64>,
    pub value: Vec<f64>,
    pub wall: Vec<f64>,
}

/// What one event file holds: its scalar tags and run details.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct Scalars {
    pub tags: Vec<Tag>,
    /// `file_version` and hyper-parameters, as (name, value).
    pub details: Vec<(String, String)>,
}

/// An event file read a chunk at a time.
pub struct Decoder {
    file: String,
    /// Bytes not yet consumed: at most one unfinished record plus the latest chunk.
    pending: Vec<u8>,
    /// Offset in the file of `pending[0]`.
    offset: usize,
    /// Records read so far.
    records: usize,
    scalars: Scalars,
    index: HashMap<String, usize>,
    /// Each tag's plugin, from the metadata of its first value (later values omit it).
    plugins: HashMap<String, String>,
    /// The first damaged record after some scalars were read: reading stopped there, and what
    /// came before it is kept (as TensorBoard keeps the events before a damaged record).
    damage: Option<Error>,
}

impl Decoder {
    pub fn new(file: &str) -> Decoder {
        Decoder {
            file: file.to_string(),
            pending: Vec::new(),
            offset: 0,
            records: 0,
            scalars: Scalars::default(),
            index: HashMap::new(),
            plugins: HashMap::new(),
            damage: None,
        }
    }

    /// Reads every complete record of `chunk` (after what earlier chunks left unfinished). A
    /// damaged record is an error while no scalar was read yet (the file has nothing to show);
    /// after that it stops the reading, and later chunks are ignored.
    pub fn push(&mut self, chunk: &[u8]) -> Result<(), Error> {
        if self.damage.is_some() {
            return Ok(());
        }
        self.pending.extend_from_slice(chunk);
        let mut at = 0;
        loop {
            match self.record(at) {
                Ok(Some(end)) => at = end,
                Ok(None) => break,
                Err(e) if self.points() > 0 => {
                    self.damage = Some(e);
                    self.pending = Vec::new();
                    return Ok(());
                }
                Err(e) => return Err(e),
            }
        }
        self.pending.drain(..at);
        self.offset += at;
        Ok(())
    }

    /// Whether a damaged record stopped the reading (the scalars before it are kept).
    pub fn stopped(&self) -> bool {
        self.damage.is_some()
    }

    /// The warning naming the damaged record that stopped the reading, if one did.
    pub fn damage_warning(&self) -> Option<String> {
        let sentence = self.damage.as_ref()?.to_string();
        let points = self.points();
        Some(format!(
            "{}; the {points} point{} before it {} shown.",
            sentence.trim_end_matches('.'),
            if points == 1 { "" } else { "s" },
            if points == 1 { "is" } else { "are" },
        ))
    }

    /// Points read so far (for progress).
    /// The scalars of the complete records read so far.
    pub fn scalars(&self) -> &Scalars {
        &self.scalars
    }

    pub fn points(&self) -> usize {
        self.scalars.tags.iter().map(|t| t.step.len()).sum()
    }

    /// The file's scalars; an unfinished last record (a run still writing), or a damaged record
    /// that stopped the reading, is a warning.
    pub fn finish(self, warnings: &mut Vec<String>) -> Scalars {
        warnings.extend(self.damage_warning());
        if !self.pending.is_empty() {
            let wanted = self.pending.get(..8).map(|b| {
                u64::from_le_bytes(b.try_into().unwrap_or_default())
                    .saturating_add((HEADER + FOOTER) as u64)
            });
            warnings.push(format!(
                "{}: record {} (byte {}) is cut off after {} of {} bytes (a run still writing?): ignored",
                self.file,
                self.records + 1,
                self.offset,
                self.pending.len(),
                wanted.map_or_else(|| "at least 12".to_string(), |n| n.to_string()),
            ));
        }
        self.scalars
    }

    fn damaged(&self, at: usize, what: &'static str) -> Error {
        Error::Record {
            file: self.file.clone(),
            record: self.records + 1,
            offset: self.offset + at,
            what,
        }
    }

    /// Reads the record starting at `pending[at]`: where the next one starts, or `None` when
    /// this one is not complete yet.
    fn record(&mut self, at: usize) -> Result<Option<usize>, Error> {
        let bytes = &self.pending[at..];
        let Some(header) = bytes.get(..HEADER) else {
            return Ok(None);
        };
        let (length, crc) = header.split_at(8);
        if masked_crc(length) != u32::from_le_bytes([crc[0], crc[1], crc[2], crc[3]]) {
            return Err(self.damaged(at, "length checksum does not match"));
        }
        let length = u64::from_le_bytes(length.try_into().unwrap_or_default());
        let Some(end) = usize::try_from(length)
            .ok()
            .and_then(|n| n.checked_add(HEADER + FOOTER))
            .filter(|&end| end <= bytes.len())
        else {
            return Ok(None);
        };
        let data = &bytes[HEADER..end - FOOTER];
        let crc = &bytes[end - FOOTER..end];
        if masked_crc(data) != u32::from_le_bytes([crc[0], crc[1], crc[2], crc[3]]) {
            return Err(self.damaged(at, "data checksum does not match"));
        }
        let event =
            Event::decode(data).map_err(|_| self.damaged(at, "data is not an Event protobuf"))?;
        self.records += 1;
        self.take(event);
        Ok(Some(at + end))
    }

    fn take(&mut self, event: Event) {
        if let Some(version) = event.file_version {
            self.scalars
                .details
                .push(("file version".to_string(), version));
        }
        let Some(summary) = event.summary else {
            return;
        };
        for value in summary.value {
            let tag = if value.tag.is_empty() {
                value.node_name
            } else {
                value.tag
            };
            if let Some(plugin) = value.metadata.and_then(|m| m.plugin_data) {
                if plugin.plugin_name == "hparams" {
                    self.hparams(&plugin.content);
                }
                self.plugins
                    .entry(tag.clone())
                    .or_insert(plugin.plugin_name);
            }
            let plugin = self.plugins.get(&tag).map_or("", String::as_str);
            if !plugin.is_empty() && plugin != "scalars" {
                continue;
            }
            let y = match (value.simple_value, &value.tensor) {
                (Some(v), _) => Some(f64::from(v)),
                (None, Some(t)) => scalar(t),
                (None, None) => None,
            };
            if let Some(y) = y {
                self.point(tag, event.step as f64, y, event.wall_time);
            }
        }
    }

    fn point(&mut self, tag: String, x: f64, y: f64, wall: f64) {
        let tags = &mut self.scalars.tags;
        let i = *self.index.entry(tag).or_insert_with_key(|name| {
            tags.push(Tag {
                name: name.clone(),
                ..Tag::default()
            });
            tags.len() - 1
        });
        let t = &mut tags[i];
        t.step.push(x);
        t.value.push(y);
        t.wall.push(wall);
    }

    /// The hyper-parameters of an `hparams` session start, as run details.
    fn hparams(&mut self, content: &[u8]) {
        let Some(start) = HParamsPluginData::decode(content)
            .ok()
            .and_then(|d| d.session_start_info)
        else {
            return;
        };
        for (name, v) in start.hparams {
            let text = match (v.number_value, v.string_value, v.bool_value) {
                (Some(n), _, _) => n.to_string(),
                (_, Some(s), _) => s,
                (_, _, Some(b)) => b.to_string(),
                _ => continue,
            };
            self.scalars.details.push((name, text));
        }
    }
}

/// The value of a rank-0 float tensor, if it is one.
fn scalar(t: &Tensor) -> Option<f64> {
    if t.tensor_shape.as_ref().is_some_and(|s| !s.dim.is_empty()) {
        return None;
    }
    let c = &t.tensor_content;
    match t.dtype {
        DT_FLOAT => t.float_val.first().copied().map(f64::from).or_else(|| {
            let b: [u8; 4] = c.as_slice().try_into().ok()?;
            Some(f64::from(f32::from_le_bytes(b)))
        }),
        DT_DOUBLE => t.double_val.first().copied().or_else(|| {
            let b: [u8; 8] = c.as_slice().try_into().ok()?;
            Some(f64::from_le_bytes(b))
        }),
        DT_HALF => {
            let bits = match t.half_val.first() {
                Some(&h) => h as u16,
                None => u16::from_le_bytes(c.as_slice().try_into().ok()?),
            };
            Some(half(bits))
        }
        _ => None,
    }
}

/// An IEEE 754 half-precision number.
fn half(bits: u16) -> f64 {
    let sign = if bits >> 15 == 1 { -1.0 } else { 1.0 };
    let exponent = i32::from((bits >> 10) & 0x1f);
    let fraction = f64::from(bits & 0x3ff);
    sign * match exponent {
        0 => fraction * 2f64.powi(-24),
        31 if fraction == 0.0 => f64::INFINITY,
        31 => f64::NAN,
        e => (1.0 + fraction / 1024.0) * 2f64.powi(e - 15),
    }
}

/// Reads a whole event file.
pub fn read(file: &str, bytes: &[u8], warnings: &mut Vec<String>) -> Result<Scalars, Error> {
    let mut decoder = Decoder::new(file);
    decoder.push(bytes)?;
    Ok(decoder.finish(warnings))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn half_precision_values_decode() {
        assert_eq!(half(0x3c00), 1.0);
        assert_eq!(half(0xc000), -2.0);
        assert_eq!(half(0x3555), 0.333_251_953_125);
        assert_eq!(half(0x0001), 2f64.powi(-24));
        assert!(half(0x7e00).is_nan());
    }

    #[test]
    fn masked_crc_matches_tfrecord_for_an_empty_event() {
        // TFRecord's header of an 8-byte record: the masked CRC-32C of the length bytes.
        assert_eq!(masked_crc(&8u64.to_le_bytes()), 0x0f24_86ff);
    }
}
