// In <head> on every page (inline_css.py puts it there and sets WIDE; the CSP allows it by its
// hash): how the shared stylesheet and the page's scripts come without holding up a phone's
// first paint. It is sent as it is, bar comments and white space (rjsmin): names stay short.
// Its text is the same on every page; what differs is in data- attributes: `css`, the shared
// stylesheet, and `scripts`, the page's scripts in their order (Material's first).
(function (d, root) {
  var data = d.currentScript.dataset;
  var link, go, left;

  function add(tag, props, parent) {
    var e = d.createElement(tag);
    for (var k in props) e[k] = props[k];
    return (parent || d.head).appendChild(e);
  }

  // Wide screens (tablets, desktops, phones held sideways) first show more than the inline CSS
  // covers: they get the stylesheet at once and paint nothing until it is in, as with a <link>
  // in <head>: blocking="render" where browsers know it; elsewhere the inline CSS hides the
  // page while <html> has the class ik-wait.
  if (matchMedia("WIDE").matches) {
    root.classList.add("ik-wait");
    link = add("link", {rel: "stylesheet", href: data.css, blocking: "render"});
    link.onload = link.onerror = function () {
      link.done = 1;
      root.classList.remove("ik-wait");
    };
  }

  // Everything else waits until the page is parsed and its first screen painted: the first
  // contentful paint where the browser reports paints, else two frames; two seconds at most (a
  // page opened in the background paints nothing). Then the stylesheet comes, unless it is in
  // already, and the scripts are fetched; they run, in order, once the stylesheet is in, so
  // they measure the final layout.
  d.addEventListener("DOMContentLoaded", function () {
    var types = (window.PerformanceObserver && PerformanceObserver.supportedEntryTypes) || [];
    if (types.indexOf("paint") < 0) {
      requestAnimationFrame(function () {
        requestAnimationFrame(function () {
          setTimeout(start);
        });
      });
    } else {
      new PerformanceObserver(function (list) {
        if (list.getEntriesByName("first-contentful-paint").length) setTimeout(start);
      }).observe({type: "paint", buffered: true});
    }
    setTimeout(start, 2000);
  });

  function start() {
    if (go) return;
    var sources = data.scripts.split(" ");
    left = sources.length;
    go = function () {
      sources.forEach(function (src) {
        add("script", {src: src, async: false, onload: ran, onerror: ran}, d.body);
      });
    };
    sources.forEach(function (src) {
      add("link", {rel: "preload", as: "script", href: src});
    });
    if (link && link.done) return go();
    link = link || add("link", {rel: "stylesheet", href: data.css});
    link.onload = link.onerror = function () {
      root.classList.remove("ik-wait");
      go();
    };
  }

  // Material starts when DOMContentLoaded comes, which has passed: it is handed the document
  // as that event would. When every script has run, <html> gets data-ik-ready.
  function ran() {
    var document$ = window.document$;
    var given;
    if (document$) {
      document$.subscribe(function () {
        given = 1;
      }).unsubscribe();
      given || document$.next(d);
    }
    --left || root.setAttribute("data-ik-ready", "");
  }
})(document, document.documentElement);
