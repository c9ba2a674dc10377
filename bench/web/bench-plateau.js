// The page's own path from a File to a finished report, as the benchmark measures it: the worker
// reads and judges the file chunk by chunk, the main thread assembles the Analysis the chart draws.
import init from '../../www/pkg/plateau.js';
import { readInWorker, assemble } from '../../www/reading.js';

const ready = init();

/** The verdict and the worker's wasm memory (bytes; it never shrinks, so this is its peak). */
export async function analyzeFile(file) {
  await ready;
  const parts = await readInWorker([file], undefined, () => {}).result;
  const analysis = await assemble(parts);
  const verdict = analysis.report().runs[0].verdict;
  analysis.free();
  return { verdict, memory: parts.memory };
}
