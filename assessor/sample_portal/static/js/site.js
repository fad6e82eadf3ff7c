/* Cổng Dịch vụ công tỉnh Lâm Hà: small progressive enhancements (no inline scripts, CSP friendly). */
(function () {
  'use strict';
  var body = document.body;

  // Hamburger menu of the modern theme.
  var toggle = document.querySelector('[data-toggle="sidebar"]');
  if (toggle) {
    toggle.addEventListener('click', function () {
      var sidebar = document.getElementById(toggle.getAttribute('aria-controls'));
      var open = sidebar.classList.toggle('open');
      toggle.setAttribute('aria-expanded', open ? 'true' : 'false');
    });
  }

  // Defect "long_task_ms": a busy loop that blocks the main thread while the page loads. It starts
  // once the browser reports the first contentful paint, so always after it. Run straight from
  // this deferred script it raced the first paint (a 700 ms swing in FCP from one load to the
  // next); started in the task after the first frame's rendering, it could still begin before
  // that frame was presented, which is when FCP counts, and Total Blocking Time lost the part
  // before it on a loaded machine.
  var longTask = parseInt(body.getAttribute('data-long-task') || '0', 10);
  if (longTask > 0) {
    var block = function () {
      var end = Date.now() + longTask;
      while (Date.now() < end) { /* busy */ }
    };
    new PerformanceObserver(function (list, observer) {
      if (list.getEntriesByName('first-contentful-paint').length) {
        observer.disconnect();
        setTimeout(block, 0);
      }
    }).observe({ type: 'paint', buffered: true });
  }

  // Defect "layout_shift": a banner inserted late, above the content, pushing it down.
  if (body.getAttribute('data-layout-shift') === '1') {
    setTimeout(function () {
      var main = document.querySelector('main');
      if (!main) { return; }
      var banner = document.createElement('div');
      banner.className = 'late-banner';
      banner.textContent = 'Thông báo: Hệ thống sẽ bảo trì từ 22h00 đến 23h00 ngày 30/06.';
      main.parentNode.insertBefore(banner, main);
    }, 700);
  }
})();
