// Folders in a drop or a pick: every file under them with its path under the folder chosen, which
// the core groups runs by (Lightning's version_N/, Keras's train/ + validation/, MLflow runs, …).
import { count } from './count.js';

/** Most files and folders, and deepest nesting, read from one drop of folders. */
export const MAX_FILES = 100000;
export const MAX_DEPTH = 32;

const tooMany = () => new Error(`the folder holds more than ${count(MAX_FILES)} files and folders: drop the run folders you want judged`);

/**
 * The files of a drop: `{files, paths}`, where `paths` (each file's path, folder first) is null
 * when no folder was dropped. Call it in the drop handler before any `await`: the browser
 * empties the DataTransfer once the event is over.
 */
export function droppedFiles(dataTransfer) {
  const entries = [...(dataTransfer?.items ?? [])].map((item) => (item.kind === 'file' ? item.webkitGetAsEntry?.() : null));
  const files = [...(dataTransfer?.files ?? [])];
  if (!entries.some((e) => e?.isDirectory)) return Promise.resolve({ files, paths: null });
  return (async () => {
    const found = [];
    const seen = { entries: 0 };
    for (const entry of entries) if (entry) await walk(entry, 0, found, seen);
    return { files: found.map((f) => f.file), paths: found.map((f) => f.path) };
  })();
}

/** The files of a `webkitdirectory` pick, with their paths. */
export function pickedFiles(fileList) {
  const files = [...fileList];
  if (files.length > MAX_FILES) throw tooMany();
  return { files, paths: files.map((f) => f.webkitRelativePath || f.name) };
}

// Folders count too: a drop of countless empty folders ends as well.
async function walk(entry, depth, found, seen) {
  if (++seen.entries > MAX_FILES) throw tooMany();
  if (entry.isFile) {
    const file = await new Promise((resolve, reject) => entry.file(resolve, reject));
    found.push({ file, path: entry.fullPath.replace(/^\/+/, '') });
    return;
  }
  if (!entry.isDirectory) return;
  if (depth >= MAX_DEPTH) throw new Error(`the folder nests deeper than ${MAX_DEPTH} levels: drop the run folders you want judged`);
  const reader = entry.createReader();
  // readEntries hands out a folder's entries a batch at a time, then an empty batch.
  for (;;) {
    const batch = await new Promise((resolve, reject) => reader.readEntries(resolve, reject));
    if (batch.length === 0) return;
    for (const child of batch) await walk(child, depth + 1, found, seen);
  }
}
