// Runs inside Chromium: times plateau (file -> report) and PapaParse (parse only) on the same File.
import { analyzeFile } from './bench-plateau.js';

async function load(url) {
  const response = await fetch(url);
  const blob = await response.blob();
  return new File([blob], url.split('/').pop(), { type: 'text/csv' });
}

// PapaParse's parse alone, each chunk's rows dropped once counted (the least work it can do).
function papaparse(file) {
  return new Promise((resolve, reject) => {
    let rows = 0;
    // eslint-disable-next-line no-undef
    Papa.parse(file, {
      header: true,
      dynamicTyping: true,
      skipEmptyLines: true,
      chunk: (results) => { rows += results.data.length; },
      complete: () => resolve(rows),
      error: reject,
    });
  });
}

// PapaParse giving every row at the end, as its documentation's plain call does: the rows are kept, as
// plateau keeps every value it read.
function papaparseKept(file) {
  return new Promise((resolve, reject) => {
    // eslint-disable-next-line no-undef
    Papa.parse(file, {
      header: true,
      dynamicTyping: true,
      skipEmptyLines: true,
      complete: (results) => resolve(results.data.length),
      error: reject,
    });
  });
}

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

async function time(fn, repeats) {
  const times = [];
  let result;
  for (let i = 0; i < repeats; i += 1) {
    const t0 = performance.now();
    result = await fn();
    times.push(performance.now() - t0);
  }
  return { ms: median(times), result };
}

window.runBench = async (url, repeats) => {
  const file = await load(url);
  const plateau = await time(() => analyzeFile(file), repeats);
  const papa = await time(() => papaparse(file), repeats);
  const kept = await time(() => papaparseKept(file), repeats);
  return {
    bytes: file.size,
    plateauMs: plateau.ms,
    verdict: plateau.result.verdict,
    memory: plateau.result.memory,
    papaMs: papa.ms,
    papaRows: papa.result,
    keptMs: kept.ms,
    keptRows: kept.result,
  };
};
document.getElementById('status').textContent = 'ready';
