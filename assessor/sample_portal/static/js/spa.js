/* Single-page version of Cổng Dịch vụ công tỉnh Lâm Hà: the server sends one shell; this script fetches
   /api/site (layout) and /api/page?path=... (the page as blocks) and renders them, with history routing;
   or, when the site says hash_routes, with the page in the URL's fragment (/#/thu-tuc-hanh-chinh?q=...).
   Links stay real <a href> elements so that crawlers find them once the page has rendered. */
(function () {
  'use strict';
  var app = document.getElementById('app');
  var site = null;
  var firstRender = true;
  var hashRoutes = false;
  var ROUTE_FRAGMENT = /^#!?(?=\/)/;

  function h(tag, attrs, children) {
    var el = document.createElement(tag);
    attrs = attrs || {};
    Object.keys(attrs).forEach(function (k) {
      var v = attrs[k];
      if (v === null || v === undefined || v === false) { return; }
      if (k === 'text') { el.textContent = v; } else { el.setAttribute(k, v === true ? '' : v); }
    });
    (children || []).forEach(function (c) {
      if (c === null || c === undefined) { return; }
      el.appendChild(typeof c === 'string' ? document.createTextNode(c) : c);
    });
    return el;
  }

  // A page's own address: files, downloads and the API are no pages of the app.
  function routable(pathname) {
    return !/^\/(static|api|bieu-mau|tai-lieu)\//.test(pathname) && !/\.(docx|pdf|zip)$/.test(pathname);
  }

  // An internal address as the app writes it in its links: after the '#' when it routes on the fragment.
  function href(address) {
    return hashRoutes && /^\/(?!\/)/.test(address) && routable(address.split('?')[0]) ? '/#' + address : address;
  }

  // The page (path and query) a URL shows.
  function routeOf(address) {
    var url = new URL(address, location.href);
    if (!hashRoutes) { return url.pathname + url.search; }
    return ROUTE_FRAGMENT.test(url.hash) ? url.hash.replace(ROUTE_FRAGMENT, '') : '/';
  }

  function link(l, cls) { return h('a', { href: href(l.href), id: l.id || null, 'class': cls || null, text: l.text }); }
  function item(x) { return typeof x === 'string' ? document.createTextNode(x) : link(x); }

  function field(f, formId) {
    var id = formId + '-' + f.name, labelled = !site.flags.unlabeled_inputs;
    var req = f.required ? { required: true, 'aria-required': 'true' } : {};
    var label = labelled ? h('label', { 'for': id }, [f.label].concat(f.required ? [' ', h('span', { 'class': 'required', 'aria-hidden': 'true', text: '*' })] : [])) : null;
    var input;
    if (f.type === 'select') {
      input = h('select', Object.assign({ id: id, name: f.name }, req), f.options.map(function (o) {
        return h('option', { value: o[0], selected: o[0] === f.value, text: o[1] });
      }));
    } else if (f.type === 'textarea') {
      input = h('textarea', Object.assign({ id: id, name: f.name, rows: '5' }, req));
      input.value = f.value || '';
    } else {
      input = h('input', Object.assign({ type: f.type, id: id, name: f.name, value: f.type === 'checkbox' ? '1' : (f.value || null),
        autocomplete: f.autocomplete || null,
        'aria-describedby': f.hint && labelled ? id + '-hint' : null }, req));
    }
    var parts = f.type === 'checkbox' ? [input, label] : [label, input];
    if (f.hint && labelled && f.type !== 'checkbox') { parts.push(h('small', { id: id + '-hint', 'class': 'hint', text: f.hint })); }
    return h('div', { 'class': 'field' }, parts);
  }

  function image(b) {
    return h('img', { src: b.src, alt: site.flags.missing_alt ? null : b.alt, width: String(b.width), height: String(b.height), 'class': b.cls || null });
  }

  var renderers = {
    heading: function (b) { return h('h' + b.level, { text: b.text }); },
    text: function (b) { return h('p', { text: b.text }); },
    notice: function (b) { return h('div', { 'class': 'notice notice-' + b.tone, id: b.id || null, role: b.tone === 'error' ? 'alert' : 'status', text: b.text }); },
    links: function (b) {
      var cls = { list: 'link-list', tiles: 'tiles', buttons: 'buttons' }[b.style];
      return h('div', { 'class': cls }, [b.title ? h('h2', { text: b.title }) : null, h('ul', {}, b.links.map(function (l) {
        var a = link(l, b.style === 'buttons' ? 'btn' : null);
        if (b.style === 'tiles') { a.textContent = ''; a.appendChild(h('strong', { text: l.text })); }
        if (l.desc) { a.appendChild(document.createTextNode(' ')); a.appendChild(h('span', { 'class': 'desc', text: l.desc })); }
        return h('li', {}, [a]);
      }))]);
    },
    form: function (b) {
      var id = b.id || 'f';
      return h('form', { action: href(b.action), method: b.method, id: b.id || null, enctype: b.enctype || null, role: b.role || null, 'class': 'form' },
        b.fields.map(function (f) { return field(f, id); }).concat([h('button', { type: 'submit', 'class': 'btn', text: b.submit })]));
    },
    table: function (b) {
      return h('div', { 'class': 'table-wrap' }, [h('table', { 'class': 'data-table' }, [
        h('caption', { text: b.caption }),
        h('thead', {}, [h('tr', {}, b.head.map(function (x) { return h('th', { scope: 'col', text: x }); }))]),
        h('tbody', {}, b.rows.map(function (row) { return h('tr', {}, row.map(function (c) { return h('td', {}, [item(c)]); })); }))])]);
    },
    sections: function (b) {
      var frag = document.createDocumentFragment();
      b.items.forEach(function (pair) {
        var items = pair[1];
        var body = items.length === 1 ? h('p', {}, [item(items[0])]) : h('ul', {}, items.map(function (x) { return h('li', {}, [item(x)]); }));
        frag.appendChild(h('section', { 'class': 'proc-section' }, [h('h2', { text: pair[0] }), body]));
      });
      return frag;
    },
    image: image,
    pager: function (b) {
      return h('nav', { 'class': 'pager', 'aria-label': 'Phân trang' }, [h('ul', {}, b.links.map(function (l, i) {
        return h('li', {}, [h('a', { href: href(l.href), 'aria-current': i + 1 === b.current ? 'page' : null, text: l.text })]);
      }))]);
    }
  };

  function header(page) {
    var f = site.flags;
    if (f.inconsistent_header && page.page_type !== 'home') {
      return h('header', { 'class': 'top-header alt-header' }, [h('div', { 'class': 'container' }, [
        h('p', { 'class': 'alt-brand' }, [h('a', { href: href(site.home), text: 'HỆ THỐNG MỘT CỬA ĐIỆN TỬ' })])])]);
    }
    var brand = f.no_agency_header
      ? h('a', { 'class': 'brand', href: href(site.home) }, [h('span', { 'class': 'brand-text' }, [h('span', { 'class': 'portal', text: 'DVC Online' })])])
      : h('a', { 'class': 'brand', href: href(site.home) }, [
        h('img', { src: '/static/img/quoc-huy.svg', alt: f.missing_alt ? null : 'Quốc huy', width: '56', height: '56' }),
        h('span', { 'class': 'brand-text' }, [h('span', { 'class': 'agency', text: site.agency_upper }), h('span', { 'class': 'portal', text: site.portal_name })])]);
    var tools = [];
    if (site.search_action) {
      tools.push(h('form', { 'class': 'header-search', role: 'search', action: href(site.search_action), method: 'get' }, [
        f.unlabeled_inputs ? null : h('label', { 'for': 'tu-khoa', 'class': 'sr-only', text: 'Tìm kiếm thủ tục' }),
        h('input', { type: 'search', id: 'tu-khoa', name: 'q', placeholder: f.unlabeled_inputs ? null : 'Nhập tên thủ tục' }),
        h('button', { type: 'submit', text: 'Tìm kiếm' })]));
    }
    var account = [];
    if (site.user_name) {
      account.push(h('span', { id: 'user-name', text: site.user_name }), ' · ', link({ href: site.my_dossiers, text: 'Hồ sơ của tôi' }), ' · ', link({ href: site.logout, text: 'Đăng xuất' }));
    } else if (site.login_href) {
      account.push(link({ href: site.login_href, text: 'Đăng nhập', id: 'btn-dang-nhap' }));
    }
    if (site.english_href) { account.push(' · ', h('a', { href: href(site.english_href), lang: 'en', hreflang: 'en', text: 'English' })); }
    tools.push(h('p', { 'class': 'account' }, account));
    return h('header', { 'class': 'site-header' }, [h('div', { 'class': 'container header-inner' }, [brand, h('div', { 'class': 'header-tools' }, tools)])]);
  }

  function footer() {
    var f = site.flags, parts = [h('p', { 'class': 'footer-title' }, [h('strong', { text: site.portal_name })]), h('p', { text: 'Cơ quan chủ quản: ' + site.agency_name })];
    if (!f.no_footer_contacts) {
      parts.push(h('address', {}, ['Địa chỉ: ' + site.address, h('br'), 'Điện thoại: ' + site.phone + ' - Đường dây nóng: ' + site.hotline, h('br'),
        'Thư điện tử: ', h('a', { href: 'mailto:' + site.email, text: site.email })]));
    }
    parts.push(h('ul', { 'class': 'footer-links' }, site.footer_links.map(function (l) { return h('li', {}, [link(l)]); })));
    if (f.emc_badge) {
      parts.push(h('a', { id: 'btnEMC', 'class': 'emc-badge', href: 'https://' + site.emc_host + '/' }, [
        h('img', { src: '/static/img/emc-badge.svg', alt: f.missing_alt ? null : '', width: '120', height: '40' }),
        h('span', { 'class': 'sr-only', text: 'Đã kết nối EMC' })]));
    }
    if (site.assistant_href) { parts.push(h('a', { 'class': 'assistant-widget', id: 'tro-ly-ao', href: href(site.assistant_href), text: 'Trợ lý ảo' })); }
    return h('footer', { 'class': 'site-footer', id: 'chan-trang' }, [h('div', { 'class': 'container' }, parts)]);
  }

  function render(data, path) {
    var page = data.page, f = site.flags;
    document.title = page.page_type === 'home' ? site.portal_name : page.title + ' - ' + site.portal_name;
    if (!f.no_lang) { document.documentElement.lang = page.lang; }
    var nodes = [];
    if (!f.no_skip_link) { nodes.push(h('a', { 'class': 'skip-link', href: '#noi-dung', text: 'Bỏ qua điều hướng, đến nội dung chính' })); }
    nodes.push(header(page));
    nodes.push(h('nav', { 'class': 'main-nav', 'aria-label': 'Menu chính' }, [h('div', { 'class': 'container' }, [h('ul', {}, site.nav.map(function (l) {
      return h('li', {}, [h('a', { href: href(l.href), 'aria-current': l.href === path ? 'page' : null, text: l.text })]);
    }))])]));
    if (!f.no_breadcrumbs && page.page_type !== 'home' && page.breadcrumbs.length) {
      nodes.push(h('nav', { 'class': 'breadcrumbs', 'aria-label': 'Đường dẫn' }, [h('div', { 'class': 'container' }, [h('ol', {}, page.breadcrumbs.map(function (l, i) {
        return h('li', {}, [i === page.breadcrumbs.length - 1 ? h('span', { 'aria-current': 'page', text: l.text }) : link(l)]);
      }))])]));
    }
    var main = h('main', { id: 'noi-dung', 'class': 'container content', tabindex: '-1' });
    page.blocks.forEach(function (b) { main.appendChild(renderers[b.kind](b)); });
    if (site.mixed_image) { main.appendChild(h('img', { src: site.mixed_image, alt: f.missing_alt ? null : 'Biểu trưng chương trình chuyển đổi số', width: '120', height: '40', 'class': 'partner-logo' })); }
    nodes.push(main, footer());
    app.textContent = '';
    nodes.forEach(function (n) { app.appendChild(n); });
    app.setAttribute('data-rendered', path);
    track(data.emc, path);
    firstRender = false;
  }

  function track(emc, path) {
    if (!emc || !emc.active) { return; }
    window._govaq = window._govaq || [];
    if (!firstRender) { window._govaq.push(['setCustomUrl', location.origin + href(path)]); window._govaq.push(['trackPageView']); }
    if (emc.dvc) { window._govaq.push(['trackDVC'].concat(emc.dvc)); }
  }

  function loadSite() {
    return fetch('/api/site', { credentials: 'same-origin' }).then(function (r) { return r.json(); }).then(function (s) {
      site = s;
      hashRoutes = !!s.hash_routes;
    });
  }

  function go(target, options) {
    options = options || {};
    var url = new URL(target, location.href);
    var path = url.pathname + url.search;
    var init = { credentials: 'same-origin' };
    if (options.body) { init.method = 'POST'; init.body = options.body; init.headers = { 'Content-Type': 'application/x-www-form-urlencoded' }; }
    return fetch('/api/page?path=' + encodeURIComponent(path), init).then(function (r) { return r.json(); }).then(function (data) {
      if (data.redirect) {
        return loadSite().then(function () { return navigate(data.redirect); });
      }
      if (options.push) { history.pushState(null, '', path); }
      render(data, url.pathname);
      if (!options.initial) { window.scrollTo(0, 0); }
    });
  }

  // To another page, as a new history entry; on the fragment, hashchange renders it.
  function navigate(route) {
    if (!hashRoutes) { return go(route, { push: true }); }
    if (routeOf(location.href) === routeOf('/#' + route)) { return go(route); }
    location.hash = '#' + route;
    return Promise.resolve();
  }

  function isInternal(a) {
    if (!a || a.target || a.hasAttribute('download') || a.origin !== location.origin) { return false; }
    return routable(a.pathname);
  }

  document.addEventListener('click', function (ev) {
    var a = ev.target.closest && ev.target.closest('a[href]');
    if (ev.defaultPrevented || ev.button !== 0 || ev.metaKey || ev.ctrlKey || ev.shiftKey || !isInternal(a)) { return; }
    if (a.hash && a.pathname === location.pathname) { return; }
    ev.preventDefault();
    go(a.href, { push: true });
  });

  document.addEventListener('submit', function (ev) {
    var form = ev.target;
    ev.preventDefault();
    var params = new URLSearchParams();
    new FormData(form).forEach(function (v, k) { if (typeof v === 'string') { params.append(k, v); } });
    var action = routeOf(form.getAttribute('action') || location.href);
    if ((form.getAttribute('method') || 'get').toLowerCase() === 'post') {
      go(action, { body: params.toString(), push: false });
    } else {
      navigate(action.split('?')[0] + (params.toString() ? '?' + params.toString() : ''));
    }
  });

  window.addEventListener('popstate', function () { if (!hashRoutes) { go(location.pathname + location.search); } });
  // A plain anchor (#noi-dung, the skip link) names no page: the page shown stays.
  window.addEventListener('hashchange', function () { if (hashRoutes && ROUTE_FRAGMENT.test(location.hash)) { go(routeOf(location.href)); } });

  loadSite().then(function () { return go(routeOf(location.href), { initial: true }); });
})();
