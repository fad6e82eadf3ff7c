/*! lamha-widgets v2.3.1 | third-party widgets served from cdn.sample.test */
(function (w) {
  'use strict';
  w.LamHaWidgets = { version: '2.3.1', loadedAt: Date.now() };
})(window);
