// Material's script on a phone: run when the reader first reaches for search, not at load.
//
// Why. Material's start-up (evaluating its bundle, mounting its components, the style
// recalculations they force) takes some hundreds of milliseconds of a phone's main thread. Run
// at load, it stands between the reader and the first red flag they tap. Nothing a phone reader
// does by reading needs it: red flags, links to them, the checklists, the share bar, the menu
// (a CSS checkbox), the palette toggle (overrides/hooks/palette.js) and print all work without
// it. Search does need it, so on a screen narrower than 45em (first_paint.js: there it is only
// fetched, at low priority, after the first paint) it starts when the reader
//   - taps the search button: the search box opens at once, focused, in the tap itself (so that
//     the phone shows its keyboard), and what the reader types or commits from a Japanese
//     keyboard lands in it and is searched as soon as Material has started;
//   - focuses or taps the search field, or presses one of Material's keys for search (f, s, /)
//     outside a text field: the box opens the same way;
//   - turns the phone into a wide screen (sideways), which has Material from the start.
// Material starts after the next frame, so the open box is painted before its start-up takes
// the main thread. Not on pointerdown or touchstart: a start-up begun then would hold up the
// click that follows, the tap's own answer.
//
// On a wide screen Material runs at load (first_paint.js) and this script does nothing.
// What a phone has only once Material runs is listed in README.md ("Material on a phone").
(() => {
  "use strict";

  const root = document.documentElement;
  const source = document.querySelector("script[data-material]")?.dataset.material;
  const toggle = document.getElementById("__search");
  const box = document.querySelector(".md-search__input");
  if (!source || !toggle || !box || window.component$) return;

  let started = false;
  const start = () => {
    if (started) return;
    started = true;
    requestAnimationFrame(() => setTimeout(() => {
      const script = document.createElement("script");
      script.src = source;
      // Material starts on DOMContentLoaded, which has passed: it is handed the document as
      // that event would have (first_paint.js does the same on a wide screen).
      script.onload = () => {
        const document$ = window.document$;
        let given = false;
        if (!document$) return;
        document$.subscribe(() => { given = true; }).unsubscribe();
        if (!given) document$.next(document);
        root.setAttribute("data-ik-material", "");
      };
      document.body.append(script);
    }));
  };

  // Open and focus the search box, as Material does when its button is tapped.
  const open = () => {
    if (!toggle.checked) {
      toggle.checked = true;
      toggle.dispatchEvent(new Event("change"));
    }
    box.focus();
  };

  const typing = (target) => target.isContentEditable || target.closest?.("input, textarea, select");

  function reach(event) {
    const target = event.target;
    if (window.component$) return; // Material runs: from now on it answers
    if (event.type === "keydown") {
      if (event.ctrlKey || event.metaKey || event.altKey || !/^[fs/]$/.test(event.key) || typing(target)) return;
      event.preventDefault(); // the key opens search, as with Material; it types nothing
      open();
    } else if (!target.closest?.("[for=__search], .md-search")) {
      return;
    } else if (event.type === "click" && target.closest(".md-header__button")) {
      event.preventDefault(); // the label would toggle the box; it opens it, and focuses the field
      open();
    }
    start();
  }

  for (const type of ["focusin", "click", "keydown"]) document.addEventListener(type, reach, true);
  // The reader tapped the button before this script ran: the box is open but not focused.
  if (toggle.checked) {
    box.focus();
    start();
  }
  matchMedia("(min-width: 45em)").addEventListener("change", (event) => {
    if (event.matches) start();
  });
})();
