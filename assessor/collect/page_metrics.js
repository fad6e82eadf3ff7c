// Installed before any page script runs: buffers the performance entries the page itself
// reports (LCP, layout shifts, long tasks), read back by the crawler after load.
(() => {
  // lastEntryAt: when the page last painted, shifted or blocked; the lab waits for it to go quiet.
  // lcpSize: the current largest paint's area in the viewport (CSS px²).
  const store = { lcp: null, lcpSize: 0, cls: 0, longTasks: [], lastEntryAt: 0 };
  Object.defineProperty(window, "__assessorMetrics", { value: store, enumerable: false });
  const observe = (type, onEntry) => {
    try {
      new PerformanceObserver((list) => {
        list.getEntries().forEach(onEntry);
        store.lastEntryAt = performance.now();
      }).observe({ type, buffered: true });
    } catch (e) { /* entry type not supported */ }
  };
  observe("largest-contentful-paint", (e) => { store.lcp = e.renderTime || e.startTime; store.lcpSize = e.size; });
  observe("layout-shift", (e) => { if (!e.hadRecentInput) store.cls += e.value; });
  observe("longtask", (e) => { store.longTasks.push({ start: e.startTime, duration: e.duration }); });
})();
