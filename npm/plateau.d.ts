// Types for plateau's JS API (plateau.js). Hand-written; tests/e2e/npm.test.mjs checks that they name
// every export of the module.

/** One log: its text, its bytes, a File/Blob, or a named text or bytes. */
export type LogInput = string | Uint8Array | Blob | { name?: string; text?: string; bytes?: Uint8Array };

/** The verdict words (see the README's verdict table). */
export type Verdict = 'improving' | 'plateau' | 'overfitting' | 'diverging' | 'insufficient';

/** One run's judgement: the same object `plateau check --json` prints under `runs`. */
export interface RunReport {
  name: string;
  source: string;
  dialect: string;
  monitor: string | null;
  direction: 'lower' | 'higher' | 'unknown';
  verdict: Verdict;
  qualifiers: string[];
  best: { x: number; value: number } | null;
  evidence: string[];
  advice: string;
  series: unknown[];
  segments: unknown;
  [more: string]: unknown;
}

/** The report: `plateau check --json`'s object. */
export interface Report {
  runs: RunReport[];
  warnings: string[];
  [more: string]: unknown;
}

/** A live analysis held by the WebAssembly module: call `free()` when done with it. */
export interface Analysis {
  report(): Report;
  /** Draws run `run` on a canvas whose backing store is its CSS size × `scale`. */
  draw(canvas: HTMLCanvasElement, run: number, scale: number, dark: boolean): unknown;
  /** The chart of run `run` as an SVG document. */
  svg(run: number, width: number, height: number): string;
  /** The CSS height the chart of run `run` wants. */
  height(run: number): number;
  /** The `d` value of a share link carrying the analysed data. */
  share_fragment(): string;
  free(): void;
}

export interface Options {
  /** The series to judge, instead of the default choice (validation loss first). */
  monitor?: string;
}

/**
 * Starts the WebAssembly module once per page (later calls share it). Without an argument it streams
 * `pkg/plateau_bg.wasm` from beside plateau.js; elsewhere (Node, bundlers) pass the wasm itself.
 */
export function start(wasm?: WebAssembly.Module | BufferSource | URL | string | Response | Promise<Response>): Promise<unknown>;

/** The report for log files (one or several given together, as one drop) or a share link. */
export function analyze(source: LogInput | LogInput[] | { link: string }, options?: Options): Promise<Report>;

/** A live analysis (call `free()` when done) of log files or a share link. */
export function open(source: LogInput | LogInput[] | { link: string }, options?: Options): Promise<Analysis>;

/** The `d` value of a share link, or null when it carries none. */
export function fragmentData(link: string): string | null;
