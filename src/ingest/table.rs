//! Delimited text into numeric columns, shared by every CSV-like dialect: delimiter sniffing
//! (`,` `;` tab `|`), header or none, CR/LF/CRLF endings, padded fields, `nan`/`inf`/`NA`/empty
//! cells, decimal comma when the delimiter is not a comma, repeated header lines, and text columns
//! skipped with a warning.

use crate::error::Error;
use crate::model::{Axis, Series};

/// The NaN payload that marks an empty cell inside a [`Column`], so that a real `nan` in the log
/// stays distinguishable from "nothing logged here" without a second array.
const MISSING: u64 = 0x7ff8_0000_dead_beef;

/// An empty cell.
pub fn missing() -> f64 {
    f64::from_bits(MISSING)
}

/// Whether a column value is an empty cell (as opposed to a logged number, NaN included).
pub fn is_missing(v: f64) -> bool {
    v.to_bits() == MISSING
}

/// One numeric column: a value (or [`missing()`]) per data row.
#[derive(Debug)]
pub struct Column {
    pub name: String,
    pub values: Vec<f64>,
}

/// The numeric columns of a delimited file, in file order.
#[derive(Debug)]
pub struct Table {
    pub columns: Vec<Column>,
    pub rows: usize,
}

impl Table {
    /// The position of the first column whose name, ignoring case, is one of `names`.
    pub fn find(&self, names: &[&str]) -> Option<usize> {
        self.columns
            .iter()
            .position(|c| names.iter().any(|n| c.name.eq_ignore_ascii_case(n)))
    }

    /// Removes a column, returning its values.
    pub fn take(&mut self, index: usize) -> Vec<f64> {
        self.columns.remove(index).values
    }

    /// Every column as a series against `x` (one value per row), leaving out rows where the
    /// column or `x` is empty. The last column with a value in every row takes `x` itself, the
    /// others a copy (or their rows' x).
    pub fn into_series(self, x: Vec<f64>, axis: Axis) -> Vec<Series> {
        let x_complete = !x.iter().any(|&v| is_missing(v));
        let complete: Vec<bool> = self
            .columns
            .iter()
            .map(|c| x_complete && !c.values.iter().any(|&v| is_missing(v)))
            .collect();
        let owner = complete.iter().rposition(|&c| c);
        let mut kept = None;
        let mut series: Vec<Option<Series>> = Vec::with_capacity(self.columns.len());
        for (i, c) in self.columns.into_iter().enumerate() {
            series.push(if Some(i) == owner {
                kept = Some(c);
                None
            } else if complete[i] {
                Some(Series::named(&c.name, axis, x.clone(), c.values))
            } else {
                let (xs, ys) = x
                    .iter()
                    .zip(&c.values)
                    .filter(|(&x, &y)| !is_missing(x) && !is_missing(y))
                    .unzip();
                Some(Series::named(&c.name, axis, xs, ys))
            });
        }
        if let Some((i, c)) = owner.zip(kept) {
            series[i] = Some(Series::named(&c.name, axis, x, c.values));
        }
        series
            .into_iter()
            .flatten()
            .filter(|s| !s.is_empty())
            .collect()
    }
}

/// 0, 1, 2, … for each row: the x-axis when the log has no epoch or step column.
pub fn row_index(rows: usize) -> Vec<f64> {
    (0..rows).map(|r| r as f64).collect()
}

/// What is known so far about a column's cells.
#[derive(Clone, Copy, PartialEq)]
enum State {
    /// Only empty cells so far.
    Unknown,
    Numeric,
    /// The first non-empty cell was not a number: skipped.
    Text,
}

/// Reads delimited text into its numeric columns; needs at least one data row.
///
/// A column whose first non-empty cell is not a number is text (a note, a printed array): it is
/// skipped with a warning. A column that started with numbers and later holds something else is
/// an error naming that cell, because skipping it would silently lose a curve.
pub fn read(file: &str, text: &str, warnings: &mut Vec<String>) -> Result<Table, Error> {
    let mut builder = Builder::new(file, text, text.len());
    let cut = builder.complete(text.as_bytes());
    builder.feed(&text[..cut], warnings)?;
    builder.feed_last(&text[cut..], warnings)?;
    builder.finish(warnings)
}

/// Whether a record after the header is a data row: a blank line and a repeated header (with a
/// warning) are not; a row of the wrong width is an error naming its line.
fn is_row(
    header: &Header,
    record: &Record,
    file: &str,
    lines: &mut LineCounter<'_>,
    warnings: &mut Vec<String>,
) -> Result<bool, Error> {
    let width = header.names.len();
    let start = record.start as u64;
    if record.len() != width {
        if record.is_blank() {
            return Ok(false);
        }
        return Err(Error::Csv {
            file: file.to_string(),
            line: lines.line_at(start),
            message: format!(
                "found {} fields, expected {width} like the {}",
                record.len(),
                if header.present {
                    "header"
                } else {
                    "first line"
                }
            ),
        });
    }
    if header.present
        && record
            .iter()
            .zip(&header.cells)
            .all(|(c, h)| c.trim_ascii() == h.as_slice())
    {
        warnings.push(format!(
            "{file} line {}: the header line is repeated; skipped it",
            lines.line_at(start)
        ));
        return Ok(false);
    }
    Ok(true)
}

/// The header (or the first data line standing in for one).
#[derive(Clone)]
struct Header {
    names: Vec<String>,
    /// The trimmed header cells, to recognise the header when it is repeated.
    cells: Vec<Vec<u8>>,
    present: bool,
}

/// Delimited text read a piece at a time, each piece ending at a line end outside quotes (see
/// [`complete`]); [`read`] is one piece. Only the parsed numbers are kept between pieces.
#[derive(Clone)]
pub struct Builder {
    file: String,
    decimal_comma: bool,
    /// The byte lines end with for counting them (see [`line_end`]).
    end: u8,
    /// Expected rows (the size over the head's mean line length), for the first allocation.
    capacity: usize,
    /// The file's length in bytes: a row of `w` columns takes at least `w` of them.
    size: usize,
    header: Option<Header>,
    splitter: Splitter,
    values: Vec<Vec<f64>>,
    states: Vec<State>,
    rows: usize,
    /// The line the next piece starts on.
    line: u64,
}

impl Builder {
    /// A reader for `file`, whose delimiter is sniffed from `head` (its first complete lines, at
    /// least five of them unless the file is shorter); `size` is the file's length in bytes.
    pub fn new(file: &str, head: &str, size: usize) -> Builder {
        let delimiter = sniff(head);
        let end = line_end(head.as_bytes());
        let lines = memchr::memchr_iter(end, head.as_bytes()).count().max(1);
        let line_len = (head.len() / lines).max(1);
        Builder {
            file: file.to_string(),
            decimal_comma: delimiter != b',',
            end,
            capacity: (size / line_len).saturating_add(1),
            size,
            header: None,
            splitter: Splitter::new(delimiter),
            values: Vec::new(),
            states: Vec::new(),
            rows: 0,
            line: 1,
        }
    }

    /// How many leading bytes of `text` are complete lines, quotes read as the csv crate reads
    /// them with this file's delimiter (a quote after another candidate is a character).
    pub fn complete(&self, text: &[u8]) -> usize {
        complete_with(text, self.end, |b| b == self.splitter.delimiter)
    }

    /// Data rows read so far.
    pub fn rows(&self) -> usize {
        self.rows
    }

    /// Reads the next piece of text, which starts at a line start and ends at a line end.
    pub fn feed(&mut self, text: &str, warnings: &mut Vec<String>) -> Result<(), Error> {
        // Taken out while its records are stored, and put back whatever happens.
        let mut splitter = std::mem::take(&mut self.splitter);
        let fed = self.feed_with(&mut splitter.reader, text, warnings);
        self.splitter = splitter;
        fed
    }

    fn feed_with(
        &mut self,
        splitter: &mut csv_core::Reader,
        text: &str,
        warnings: &mut Vec<String>,
    ) -> Result<(), Error> {
        let mut records = Records::new(splitter, text.as_bytes());
        let mut record = Record::default();
        let mut lines = LineCounter::new(text.as_bytes(), self.end, self.line);
        while records.next(&mut record) {
            let row = match &self.header {
                None => !self.take_header(&record),
                Some(header) => is_row(header, &record, &self.file, &mut lines, warnings)?,
            };
            if row {
                self.row(&record, &mut lines)?;
            }
        }
        // The splitter counted the `\n`s it went through (from line 1), saving a second pass.
        self.line = if self.end == b'\n' {
            self.line + records.splitter.line() - 1
        } else {
            lines.line_at(text.len() as u64)
        };
        Ok(())
    }

    /// Takes the first record as the header (or, when every cell is a number or empty, as the
    /// first data line standing in for one, columns named by number) and sizes the columns;
    /// returns whether it was a header.
    fn take_header(&mut self, record: &Record) -> bool {
        let first: Vec<&[u8]> = record.iter().map(<[u8]>::trim_ascii).collect();
        let present = first
            .iter()
            .any(|c| !c.is_empty() && parse(c, self.decimal_comma).is_none());
        let width = first.len();
        let names = if present {
            first
                .iter()
                .map(|c| String::from_utf8_lossy(c).into_owned())
                .collect()
        } else {
            (1..=width).map(|i| format!("column {i}")).collect()
        };
        // A row takes at least one byte per column, so the first allocation never holds
        // more rows than the file's bytes allow, whatever the head suggested. The size is the
        // caller's word, not bytes read: room it claims that no memory holds is not reserved
        // (the column then grows with the rows read) rather than failing before a byte is read.
        let rows = self
            .capacity
            .min((self.size / width.max(1)).saturating_add(1));
        self.values = (0..width)
            .map(|_| {
                let mut column = Vec::new();
                let _ = column.try_reserve_exact(rows);
                column
            })
            .collect();
        self.states = vec![State::Unknown; width];
        self.header = Some(Header {
            names,
            cells: first.iter().map(|c| c.to_vec()).collect(),
            present,
        });
        present
    }

    /// Reads the file's last line when no line end follows it. A log still being written ends in
    /// a line cut short: when that line does not fit the table (too few fields, a cell that is not
    /// a number in a numeric column), it is left out with a warning instead of refusing the file.
    pub fn feed_last(&mut self, text: &str, warnings: &mut Vec<String>) -> Result<(), Error> {
        // Ending in a line end, it is a quote left open, not a line cut short.
        let cut = !text.ends_with(['\n', '\r']);
        if let Some(why) = self.misfit(text).filter(|_| cut) {
            warnings.push(format!(
                "{} line {}: the last line is cut short ({why}), as when the log is still being written: left it out",
                self.file, self.line
            ));
            return Ok(());
        }
        self.feed(text, warnings)
    }

    /// Why the one line `text` would fail as a data row, if it would.
    fn misfit(&self, text: &str) -> Option<String> {
        let header = self.header.as_ref()?;
        let mut record = Record::default();
        let mut splitter = Splitter::new(self.splitter.delimiter);
        if !Records::new(&mut splitter.reader, text.as_bytes()).next(&mut record) {
            return None;
        }
        let width = header.names.len();
        if record.is_blank() {
            return None;
        }
        if record.len() != width {
            return Some(format!("{} of {width} fields", record.len()));
        }
        let why = record
            .iter()
            .zip(&self.states)
            .enumerate()
            .find_map(|(i, (cell, state))| {
                let cell = cell.trim_ascii();
                (*state == State::Numeric && parse(cell, self.decimal_comma).is_none()).then(|| {
                    format!(
                        "`{}` in column `{}` is not a number",
                        shown(cell),
                        header.names[i]
                    )
                })
            });
        why
    }

    /// Stores one data row's cells.
    fn row(&mut self, record: &Record, lines: &mut LineCounter<'_>) -> Result<(), Error> {
        for (i, cell) in record.iter().enumerate() {
            if self.states[i] == State::Text {
                continue;
            }
            match parse(cell.trim_ascii(), self.decimal_comma) {
                Some(v) => {
                    if self.states[i] == State::Unknown && !is_missing(v) {
                        self.states[i] = State::Numeric;
                    }
                    self.values[i].push(v);
                }
                None if self.states[i] == State::Unknown => {
                    self.states[i] = State::Text;
                    self.values[i] = Vec::new();
                }
                None => {
                    return Err(Error::Cell {
                        file: self.file.clone(),
                        line: lines.line_at(record.start as u64),
                        column: i + 1,
                        name: self
                            .header
                            .as_ref()
                            .map_or_else(String::new, |h| h.names[i].clone()),
                        found: shown(cell.trim_ascii()),
                    });
                }
            }
        }
        self.rows += 1;
        Ok(())
    }

    /// The numeric columns read, once every piece is in.
    pub fn finish(self, warnings: &mut Vec<String>) -> Result<Table, Error> {
        let file = self.file;
        let Some(header) = self.header else {
            return Err(Error::Empty { file });
        };
        if self.rows == 0 {
            return Err(Error::TooFewRows { file, rows: 0 });
        }
        let mut columns = Vec::with_capacity(header.names.len());
        for ((name, mut values), state) in header.names.iter().zip(self.values).zip(self.states) {
            // The room reserved from the head's line lengths and not filled goes back (in place).
            values.shrink_to_fit();
            match state {
                State::Text => warnings.push(format!(
                    "{file}: column `{name}` is not numeric and was skipped"
                )),
                State::Numeric | State::Unknown => columns.push(Column {
                    name: name.clone(),
                    values,
                }),
            }
        }
        if !states_any_numeric(&columns) {
            return Err(Error::NoNumericColumn {
                file,
                columns: header.names,
            });
        }
        Ok(Table {
            columns,
            rows: self.rows,
        })
    }
}

/// The byte that ends lines in a text starting with `head`, from its first line end: `\r` (old
/// Mac) when that is a run of `\r` with no `\n` after it, else `\n` (LF, CRLF and the `\r\r\n` of
/// Windows text-mode writes). Only the first line end counts, not a `\n` anywhere further on: the
/// head a file's reading starts from and the whole text then agree, however the file arrives.
pub fn line_end(head: &[u8]) -> u8 {
    let Some(first) = memchr::memchr2(b'\r', b'\n', head) else {
        return b'\n';
    };
    match head[first..].iter().find(|&&b| b != b'\r') {
        Some(b'\n') => b'\n',
        _ => b'\r',
    }
}

/// The delimiters [`sniff`] chooses from.
const CANDIDATES: [u8; 4] = [b',', b';', b'\t', b'|'];

/// How many leading bytes of `text` are complete lines while its delimiter is not known yet (a
/// head, before sniffing): [`complete_with`] taking any of the candidates sniffed as a delimiter.
pub fn complete(text: &[u8], end: u8) -> usize {
    complete_with(text, end, |b| CANDIDATES.contains(&b))
}

/// How many leading bytes of `text` are complete lines: up to and including the last `end` byte
/// that is not inside a quoted field (`text` must start outside quotes). As for the csv crate, a
/// quote opens a quoted field only at the start of a field (after a byte `delimiter` accepts, or
/// a line end); elsewhere it is a character like any other, and `""` inside quotes is a quote.
fn complete_with(text: &[u8], end: u8, delimiter: impl Fn(u8) -> bool) -> usize {
    if memchr::memchr(b'"', text).is_none() {
        return memchr::memrchr(end, text).map_or(0, |i| i + 1);
    }
    let mut quoted = false;
    // Where the last quoted field closed, for `""`.
    let mut closed = None;
    let mut cut = 0;
    for i in memchr::memchr2_iter(b'"', end, text) {
        if text[i] != b'"' {
            if !quoted {
                cut = i + 1;
            }
        } else if quoted {
            quoted = false;
            closed = Some(i);
        } else if i == 0
            || matches!(text[i - 1], b'\n' | b'\r')
            || delimiter(text[i - 1])
            || closed == Some(i - 1)
        {
            quoted = true;
        }
    }
    cut
}

/// Line numbers from byte offsets, counted the way an editor shows them for LF, CRLF, the
/// `\r\r\n` of Windows text-mode writes (one line each) and old-Mac CR-only files.
struct LineCounter<'a> {
    text: &'a [u8],
    /// `\n`, or `\r` when the text has no `\n` at all.
    end: u8,
    counted_to: usize,
    line: u64,
}

impl<'a> LineCounter<'a> {
    /// Counts lines ending in `end` through `text`, which starts on line `line`.
    fn new(text: &'a [u8], end: u8, line: u64) -> Self {
        LineCounter {
            text,
            end,
            counted_to: 0,
            line,
        }
    }

    /// The 1-based line of the record starting at `byte` (csv may report a record's start before
    /// the rest of the previous line ending); offsets must not go backwards between calls.
    fn line_at(&mut self, byte: u64) -> u64 {
        let mut byte = usize::try_from(byte)
            .unwrap_or(usize::MAX)
            .clamp(self.counted_to, self.text.len());
        while matches!(self.text.get(byte), Some(b'\r' | b'\n')) {
            byte += 1;
        }
        let newlines = memchr::memchr_iter(self.end, &self.text[self.counted_to..byte]).count();
        self.line += newlines as u64;
        self.counted_to = byte;
        self.line
    }
}

/// A cell as quoted in an error: its first line, at most 40 characters, `…` when cut.
fn shown(cell: &[u8]) -> String {
    let text = String::from_utf8_lossy(cell);
    let first = text.lines().next().unwrap_or("");
    let mut out: String = first.chars().take(40).collect();
    if out.len() < text.len() {
        out.push('…');
    }
    out
}

/// Whether at least one column holds a logged value.
fn states_any_numeric(columns: &[Column]) -> bool {
    columns
        .iter()
        .any(|c| c.values.iter().any(|&v| !is_missing(v)))
}

/// A cell's value: a number (NaN and ±inf included), [`missing()`] for an empty or `NA` cell, or
/// `None` for text. `decimal_comma` also accepts `0,31`; `mm:ss` and `h:mm:ss` become seconds.
pub fn parse(cell: &[u8], decimal_comma: bool) -> Option<f64> {
    if cell.is_empty() {
        return Some(missing());
    }
    if let Some(v) = plain_decimal(cell) {
        return Some(v);
    }
    let s = std::str::from_utf8(cell).ok()?;
    s.parse::<f64>()
        .ok()
        .or_else(|| parse_unusual(s, decimal_comma))
}

/// Powers of ten a double holds exactly.
const EXACT_POWERS_OF_TEN: [f64; 23] = [
    1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16,
    1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
];

/// A cell written as a short decimal (`[+-]digits[.digits][e[+-]digits]`, at most 2^53 as an
/// integer of its digits and a power of ten within ±22), by Clinger's fast path: the integer and
/// the power are both exact doubles, so one correctly rounded multiplication or division gives
/// exactly what `str::parse::<f64>` gives. `None` for anything else, which the standard parser
/// then reads. Most logged numbers are of this kind, and the standard parser, instantiated in
/// this crate at the page module's size-first optimisation, took a quarter of reading's time.
fn plain_decimal(cell: &[u8]) -> Option<f64> {
    const LARGEST_EXACT: u64 = 1 << 53;
    // Exponents of at most four digits are taken, so past 9999 + 22 digits after the point no
    // exponent brings the power back within ±22: the count stops there (uncapped, it wrapped
    // around on a cell of 4 GiB of zeros after the point, reading `0.000…0001` as 1).
    const LONGEST_EXPONENT: usize = 4;
    const LONGEST_FRACTION: i32 = 9999 + 22;
    // x87 arithmetic (32-bit x86 without SSE2) rounds to 64 bits, then to 53: two roundings
    // where the fast path needs one (the standard parser sets the FPU's precision for it).
    if cfg!(all(target_arch = "x86", not(target_feature = "sse2"))) {
        return None;
    }
    let (negative, rest) = match cell {
        [b'-', rest @ ..] => (true, rest),
        [b'+', rest @ ..] => (false, rest),
        _ => (false, cell),
    };
    let mut mantissa: u64 = 0;
    let mut digits = 0usize;
    let mut fraction = 0i32;
    let mut seen_point = false;
    let mut at = 0;
    while let Some(&b) = rest.get(at) {
        match b {
            b'0'..=b'9' => {
                mantissa = mantissa * 10 + u64::from(b - b'0');
                if mantissa > LARGEST_EXACT {
                    return None;
                }
                digits += 1;
                if seen_point {
                    fraction += 1;
                    if fraction > LONGEST_FRACTION {
                        return None;
                    }
                }
            }
            b'.' if !seen_point => seen_point = true,
            _ => break,
        }
        at += 1;
    }
    if digits == 0 {
        return None;
    }
    let mut exponent = -fraction;
    if let Some(&b) = rest.get(at) {
        if b != b'e' && b != b'E' {
            return None;
        }
        let (minus, written) = match &rest[at + 1..] {
            [b'-', written @ ..] => (true, written),
            [b'+', written @ ..] => (false, written),
            written => (false, written),
        };
        if written.is_empty()
            || written.len() > LONGEST_EXPONENT
            || !written.iter().all(u8::is_ascii_digit)
        {
            return None;
        }
        let value = written
            .iter()
            .fold(0i32, |v, &d| v * 10 + i32::from(d - b'0'));
        exponent += if minus { -value } else { value };
    }
    let power = *EXACT_POWERS_OF_TEN.get(exponent.unsigned_abs() as usize)?;
    // `mantissa` is at most 2^53, so the conversion is exact.
    let magnitude = if exponent < 0 {
        mantissa as f64 / power
    } else {
        mantissa as f64 * power
    };
    Some(if negative { -magnitude } else { magnitude })
}

/// The spellings the standard parser does not take (it has just refused `s`).
fn parse_unusual(s: &str, decimal_comma: bool) -> Option<f64> {
    let lower = s.to_ascii_lowercase();
    match lower.as_str() {
        "na" | "n/a" | "null" | "none" => return Some(missing()),
        "-nan" | "+nan" | "nan(ind)" | "-nan(ind)" => return Some(f64::NAN),
        _ => {}
    }
    if decimal_comma && s.matches(',').count() == 1 && !s.contains('.') {
        return s.replace(',', ".").parse().ok();
    }
    let parts: Vec<&str> = s.split(':').collect();
    if (2..=3).contains(&parts.len())
        && parts
            .iter()
            .all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()))
    {
        return parts
            .iter()
            .try_fold(0.0, |acc, p| p.parse::<f64>().ok().map(|v| acc * 60.0 + v));
    }
    None
}

/// The delimiter among `,` `;` tab `|` that splits the first lines into the same, largest
/// number of fields (quotes respected); a comma when nothing fits.
pub fn sniff(text: &str) -> u8 {
    let lines: Vec<&str> = text
        .split(['\r', '\n'])
        .filter(|l| !l.trim().is_empty())
        .take(5)
        .collect();
    let counts = |d: u8| -> Vec<usize> {
        lines
            .iter()
            .map(|l| {
                let mut quoted = false;
                l.bytes()
                    .filter(|&b| {
                        if b == b'"' {
                            quoted = !quoted;
                        }
                        b == d && !quoted
                    })
                    .count()
            })
            .collect()
    };
    let consistent = CANDIDATES
        .iter()
        .filter_map(|&d| {
            let c = counts(d);
            let n = *c.first()?;
            (n > 0 && c.iter().all(|&k| k == n)).then_some((n, d))
        })
        .max_by_key(|&(n, d)| (n, d == b','));
    if let Some((_, d)) = consistent {
        return d;
    }
    CANDIDATES
        .iter()
        .map(|&d| (counts(d).first().copied().unwrap_or(0), d))
        .filter(|&(n, _)| n > 0)
        .max_by_key(|&(n, d)| (n, d == b','))
        .map_or(b',', |(_, d)| d)
}

/// csv-core's record reader for one delimiter, built once per file: building its state machine
/// for every piece cost more than splitting some pieces. A clone is built again (csv-core's own
/// `Clone` copies only part of the state machine).
#[derive(Default)]
struct Splitter {
    delimiter: u8,
    reader: csv_core::Reader,
}

impl Splitter {
    fn new(delimiter: u8) -> Splitter {
        Splitter {
            delimiter,
            reader: csv_core::ReaderBuilder::new().delimiter(delimiter).build(),
        }
    }
}

impl Clone for Splitter {
    fn clone(&self) -> Splitter {
        Splitter::new(self.delimiter)
    }
}

/// One record of delimited text: its fields' bytes end to end (quotes taken off) and where each
/// field ends, as csv-core writes them, and the byte of the piece it starts at.
#[derive(Default)]
struct Record {
    fields: Vec<u8>,
    ends: Vec<usize>,
    len: usize,
    start: usize,
}

impl Record {
    fn len(&self) -> usize {
        self.len
    }

    fn iter(&self) -> impl Iterator<Item = &[u8]> {
        let mut from = 0;
        self.ends[..self.len].iter().map(move |&end| {
            let field = &self.fields[from..end];
            from = end;
            field
        })
    }

    /// A line of nothing but blanks (one field, empty once trimmed).
    fn is_blank(&self) -> bool {
        self.len == 1 && self.fields[..self.ends[0]].trim_ascii().is_empty()
    }
}

/// The records of one piece of text, split by csv-core straight from the piece's bytes (the
/// `csv` crate's reader would first copy them into its buffer). csv-core never fails: like any
/// CSV reader it reads something from every byte (a quote left open takes the rest of the text).
struct Records<'s, 't> {
    splitter: &'s mut csv_core::Reader,
    text: &'t [u8],
    at: usize,
}

impl<'s, 't> Records<'s, 't> {
    fn new(splitter: &'s mut csv_core::Reader, text: &'t [u8]) -> Records<'s, 't> {
        splitter.reset();
        Records {
            splitter,
            text,
            at: 0,
        }
    }

    /// Reads the next record into `record`; `false` at the end of the text. The buffers grow
    /// with the longest record read (at most the piece's bytes).
    fn next(&mut self, record: &mut Record) -> bool {
        use csv_core::ReadRecordResult::*;
        record.start = self.at;
        if record.fields.is_empty() {
            record.fields.resize(256, 0);
            record.ends.resize(16, 0);
        }
        let (mut out, mut ends) = (0, 0);
        loop {
            // An empty input once the text is used up tells the splitter it has ended.
            let (result, read, wrote, ended) = self.splitter.read_record(
                &self.text[self.at..],
                &mut record.fields[out..],
                &mut record.ends[ends..],
            );
            self.at += read;
            out += wrote;
            ends += ended;
            match result {
                InputEmpty => {}
                OutputFull => record.fields.resize(2 * record.fields.len(), 0),
                OutputEndsFull => record.ends.resize(2 * record.ends.len(), 0),
                Record => {
                    record.len = ends;
                    return true;
                }
                End => return false,
            }
        }
    }
}
