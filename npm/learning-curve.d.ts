// Types for the <learning-curve> element (learning-curve.js): importing the module defines it.

export {};

declare global {
  /**
   * A chart and its verdict for a training log. Attributes: `src` (a log's URL or a plateau share
   * link), `monitor`, `height` (CSS pixels), `smoothing` (0–0.99), `log-y`; or a child
   * `<script type="text/csv" data-name="log.csv">` with the log itself. After loading it carries
   * `data-state` (`loading` | `ready` | `error`) and `data-verdict`.
   */
  interface HTMLLearningCurveElement extends HTMLElement {}

  interface HTMLElementTagNameMap {
    'learning-curve': HTMLLearningCurveElement;
  }
}
