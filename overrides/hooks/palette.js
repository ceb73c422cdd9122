// In the header of every page, right after the palette toggles (inline_css.py puts it there in
// place of Material's own palette script; the CSP allows it by its hash). It does what
// Material's palette component does, from the first paint and without Material's bundle, which
// a phone runs only when the reader reaches for search (docs/javascripts/material.js):
//   - paints the palette the reader chose (kept with Material's __md_set, so Material reads the
//     same choice when it runs), or else the one the device asks for;
//   - shows the toggle that switches to the other palette;
//   - switches when the reader taps it (a change of its radio button), and keeps the choice.
// Where Material runs too (wide screens, or a phone once search is open) both do the same on a
// change. Material also switches on Enter; without it the keyboard has Space, as on any radio
// button. It goes out minified (rjsmin), which renames nothing: the names are short here.
//   b: <body>; p: the toggles' radio buttons; s: the stored choice
(function (b, p, s) {
  // Paints palette i, shows its toggle, and returns the choice as Material stores it.
  function paint(i) {
    var color = {};
    ["media", "scheme", "primary", "accent"].forEach(function (k) {
      b.setAttribute("data-md-color-" + k, color[k] = p[i].getAttribute("data-md-color-" + k));
    });
    p.forEach(function (x, j) {
      x.nextElementSibling.hidden = i != j;
    });
    return {index: i, color: color};
  }

  paint(s && s.color ? s.index : Math.max(0, p.findIndex(function (x) {
    return matchMedia(x.getAttribute("data-md-color-media")).matches;
  })));

  p.forEach(function (x, i) {
    x.onchange = function () {
      __md_set("__palette", paint(i));
    };
  });
})(document.body, [].slice.call(document.querySelectorAll("[name=__palette]")), __md_get("__palette"));
