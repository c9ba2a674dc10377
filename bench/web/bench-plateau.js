// The page's own path from a File to a finished report, as the benchmark measures it.
import init, { Files } from '../../www/pkg/plateau.js';

const ready = init();

export async function analyzeFile(file) {
  await ready;
  const files = new Files();
  files.add(file.name, new Uint8Array(await file.arrayBuffer()));
  const analysis = files.analyze(undefined);
  const verdict = analysis.report().runs[0].verdict;
  analysis.free();
  files.free();
  return verdict;
}
