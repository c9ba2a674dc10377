// The page's long tasks (over 50 ms), for the benchmarks that print them.

/** Starts recording the page's long tasks from now on (forgetting earlier ones). */
export function watchTasks(page) {
  return page.evaluate(() => {
    window.longTasks = [];
    window.observer?.disconnect();
    window.observer = new PerformanceObserver((list) => {
      for (const e of list.getEntries()) window.longTasks.push(e.duration);
    });
    window.observer.observe({ type: 'longtask' });
  });
}
