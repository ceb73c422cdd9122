// In <head> on every page (inline_css.py puts it there and sets WIDE; the CSP allows it by its
// hash): how the shared stylesheet and the page's scripts come without holding up a phone's
// first paint, and how printing gets the stylesheet whenever it comes. It is sent as it is, bar
// comments and white space (rjsmin): names stay short. Its text is the same on every page; what
// differs is in data- attributes: `css`, the shared stylesheet; `material`, Material's bundle;
// `scripts`, the site's scripts the page uses, in their order.
(function (d, root) {
  var data = d.currentScript.dataset;
  var wide = matchMedia("WIDE").matches;
  var link, go, left;

  // What needs JavaScript works from now on (Material's script, which does the same, may come
  // much later on a phone): its CSS hides the search button while <html> has the class no-js.
  root.classList.replace("no-js", "js");

  function add(tag, props, parent) {
    var e = d.createElement(tag);
    for (var k in props) e[k] = props[k];
    return (parent || d.head).appendChild(e);
  }

  // Nothing shows while <html> has the class ik-wait (the inline CSS hides the page). A phone
  // first shows the page once it is parsed: whole, at the place a link to one of its sections
  // opens it, and laid out once. Painted while the rest is still coming, the page would show
  // its top first, then jump, and lay out again right after that first paint, where a reader's
  // first tap waits (bench/taps.py: 200 ms and more at 4x). Wide screens (tablets, desktops,
  // phones held sideways) first show more than the inline CSS covers: they get the stylesheet
  // at once and paint nothing until it is in, as with a <link> in <head>: blocking="render"
  // where browsers know it, and ik-wait until it comes.
  root.classList.add("ik-wait");
  if (wide) {
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
    wide || root.classList.remove("ik-wait");
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

  // Material's script runs first on a wide screen, as it always has. A phone only fetches it, at
  // low priority: it runs when the reader first reaches for search (docs/javascripts/material.js
  // says why and how).
  function start() {
    if (go) return;
    var sources = data.scripts.split(" ");
    wide ? sources.unshift(data.material) : add("link", {rel: "preload", as: "script", href: data.material, fetchPriority: "low"});
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
      link.done = 1;
      root.classList.remove("ik-wait");
      go();
    };
  }

  // Material starts when DOMContentLoaded comes, which has passed: it is handed the document
  // as that event would (docs/javascripts/material.js does the same on a phone). When every
  // script has run, <html> gets data-ik-ready.
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

  // Print needs the shared stylesheet: its print rules, and the look of everything below the
  // first screen. A reader who prints before it has come gets it read at once, in the print
  // itself (and the sheet is the same as once the page has settled).
  addEventListener("beforeprint", function () {
    if (!link || !link.done) try {
      var x = new XMLHttpRequest(), sheet = new CSSStyleSheet();
      x.open("GET", data.css, !1);
      x.send();
      sheet.replaceSync(x.responseText);
      d.adoptedStyleSheets = [sheet];
    } catch (e) {}
  });
})(document, document.documentElement);
