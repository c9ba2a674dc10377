// Types for plateau's JS API (plateau.js). Hand-written around the module's own declarations, which
// wasm-bindgen writes to pkg/plateau.d.ts; tests/e2e/npm.test.mjs checks that they name every export of
// the module and that a TypeScript program using them compiles.

import type { Analysis as Module } from './pkg/plateau.js';

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

/**
 * A live analysis held by the WebAssembly module: call `free()` when done with it. Its methods are
 * declared by wasm-bindgen from the Rust source (pkg/plateau.d.ts), so they cannot drift from it;
 * only the report's shape is added here.
 */
export type Analysis = Omit<Module, 'report'> & { report(): Report };

export interface Options {
  /** The series to judge, instead of the default choice (validation loss first). */
  monitor?: string;
  /** The files' names are their paths in dropped folders: runs are put together by folder, non-logs skipped. */
  folder?: boolean;
}

/**
 * Starts the WebAssembly module once per page (later calls share it). Without an argument it streams
 * `pkg/plateau_bg.wasm` from beside plateau.js; elsewhere (Node, bundlers) pass the wasm itself.
 */
export function start(wasm?: WebAssembly.Module | BufferSource | URL | string | Response | Promise<Response>): Promise<typeof import('./pkg/plateau.js')>;

/** The report for log files (one or several given together, as one drop) or a share link. */
export function analyze(source: LogInput | LogInput[] | { link: string }, options?: Options): Promise<Report>;

/** A live analysis (call `free()` when done) of log files or a share link. */
export function open(source: LogInput | LogInput[] | { link: string }, options?: Options): Promise<Analysis>;

/** The `d` value of a share link, or null when it carries none (after `start()`: the module tells a bare `d` value). */
export function fragmentData(link: string): string | null;
