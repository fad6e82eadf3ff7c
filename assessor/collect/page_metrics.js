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
  // CLS as the web-vitals define it: shifts less than 1 s apart, within 5 s, make one session
  // window; the largest window counts (a ticker shifting the page every few seconds is not the
  // sum of its shifts).
  const windowOf = { value: 0, first: 0, last: 0 };
  observe("layout-shift", (e) => {
    if (e.hadRecentInput) return;
    if (windowOf.value > 0 && e.startTime - windowOf.last < 1000 && e.startTime - windowOf.first < 5000) {
      windowOf.value += e.value;
    } else {
      windowOf.value = e.value;
      windowOf.first = e.startTime;
    }
    windowOf.last = e.startTime;
    store.cls = Math.max(store.cls, windowOf.value);
  });
  observe("longtask", (e) => { store.longTasks.push({ start: e.startTime, duration: e.duration }); });
})();
