// Whole numbers with thousands separators ("1,234,567") for counts of rows, files and bytes.
// Written out rather than `toLocaleString('en')`, whose first call on a page loads the ICU
// number-format data: 13–54 ms measured in Chromium, more than the whole drop of a small log.

/** `n` (a whole number) with a comma between each group of three digits. */
export function count(n) {
  const digits = String(Math.trunc(Math.abs(n)));
  let out = '';
  for (let i = 0; i < digits.length; i += 1) {
    if (i > 0 && (digits.length - i) % 3 === 0) out += ',';
    out += digits[i];
  }
  return n < 0 ? `-${out}` : out;
}
