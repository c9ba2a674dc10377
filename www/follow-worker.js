// The follow worker: keeps one followed log's reader (the wasm Follower) between reads, so that
// each read parses only the appended bytes, and judges the runs off the main thread. After a trap
// its module is unusable: it says so (`trap`) and the page replaces it with a fresh worker.
import init, { Follower } from './pkg/plateau.js';
import { step } from './follow-step.js';
import { failure, isTrap } from './wasm.js';

const ready = init();
let follower = null;

self.onmessage = async ({ data }) => {
  try {
    await ready;
  } catch {
    postMessage({ type: 'unavailable' });
    return;
  }
  try {
    if (data.type === 'start') {
      follower?.free();
      follower = new Follower(data.name);
      postMessage({ type: 'started' });
      return;
    }
    const answer = await step(follower, data);
    postMessage(answer, [...(answer.columns ?? []), ...(answer.bands ?? [])].map((c) => c.buffer));
  } catch (e) {
    postMessage({ type: 'error', message: failure(e), trap: isTrap(e) });
  }
};
