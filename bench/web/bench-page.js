// Runs inside Chromium: times plateau (file -> report) and PapaParse (parse only) on the same File.
import { analyzeFile } from './bench-plateau.js';

async function load(url) {
  const response = await fetch(url);
  const blob = await response.blob();
  return new File([blob], url.split('/').pop(), { type: 'text/csv' });
}

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
  return {
    bytes: file.size,
    plateauMs: plateau.ms,
    verdict: plateau.result.verdict,
    memory: plateau.result.memory,
    papaMs: papa.ms,
    papaRows: papa.result,
  };
};
document.getElementById('status').textContent = 'ready';
