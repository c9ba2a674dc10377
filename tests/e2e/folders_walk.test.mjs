// The walk of dropped folders (www/folders.js) on made-up directory entries, in Node: it ends on
// trees that hold no files at all.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { droppedFiles, MAX_FILES } from '../../www/folders.js';

/** A folder entry whose reader hands out `children()` in batches of 100, then an empty batch. */
function folder(name, children) {
  return {
    isFile: false, isDirectory: true, name, fullPath: `/${name}`,
    createReader() {
      const left = children();
      return { readEntries: (ok) => ok(left.splice(0, 100)) };
    },
  };
}

test('a folder of more empty folders than the file limit is refused, not walked to its end', async () => {
  const empty = (i) => folder(`d${i}`, () => []);
  const top = folder('top', () => Array.from({ length: MAX_FILES + 10 }, (_, i) => empty(i)));
  const drop = { items: [{ kind: 'file', webkitGetAsEntry: () => top }], files: [] };
  await assert.rejects(droppedFiles(drop), /more than 100,000 files and folders/);
});
