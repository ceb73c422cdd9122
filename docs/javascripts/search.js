// Search for Japanese readers: Material's own search box and results, fed the way phones type,
// and a result that lands on the word. overrides/hooks/search_index.py builds what it searches.
//
// Input. Material updates the results on key events (keyup) only. A phone's Japanese keyboard
// commits 名刺 when the reader taps a candidate: an `input` event and no key at all, and so do
// paste from the menu and voice input. So every `input` that is not part of a composition, and
// every `compositionend`, is handed to Material as a keyup. The key events of a half-composed
// reading (めいし before it is converted) are kept from Material, which would otherwise search
// for the reading and flash 「何も見つかりませんでした」 at every key.
//
// Landing. A result links to page/?h=word#section, or #rf-… for a red flag. On arrival the red
// flag opens at once (Material's search.highlight marks only text that can be seen). Where the
// page writes the word otherwise than the reader typed it (ずし for すし or 寿司, Zoom for Ｚｏｏｍ,
// クーリング・オフ for クーリングオフ) this script marks it, Material's highlighter matching
// letters only. Then the first mark of the section or flag is scrolled into view.
//
// Without JavaScript there is no search box; a result link shared as-is still opens the page at
// the section or flag (closed), as any link does.
(() => {
  "use strict";

  const KATAKANA = /[\u30a1-\u30f6]/g;
  const VOICING = /[\u3099\u309a]/g;
  const IGNORED = /[\s・･\-‐–—_]/;
  const GIVE_UP_MS = 5000; // stop waiting for Material's marks (the word was not on the page)
  // What reads as one line of text, for a word split over several text nodes (see findFolded).
  const BLOCKS = "h1, h2, h3, h4, h5, h6, p, li, dt, dd, summary, th, td, figcaption, blockquote, article";

  // Input ---------------------------------------------------------------------------------

  const box = document.querySelector("form[name=search] input.md-search__input");
  if (box) {
    let composing = false;
    const handOver = () => box.dispatchEvent(new KeyboardEvent("keyup", { bubbles: true }));
    box.addEventListener("compositionstart", () => { composing = true; });
    box.addEventListener("compositionend", () => { composing = false; handOver(); });
    box.addEventListener("input", (event) => {
      if (!event.isComposing && !composing) handOver();
    });
    // On the form, in the capture phase: before Material's own listener on the box.
    box.form.addEventListener("keyup", (event) => {
      if (event.target === box && (composing || event.isComposing || event.keyCode === 229)) {
        event.stopPropagation();
      }
    }, true);
  }

  // Landing -------------------------------------------------------------------------------

  const article = document.querySelector("article.md-content__inner");
  // A fragment is whatever the link held: one that is no element's id (a sent check's
  // #ticked=…, checklist.js) or not even valid percent-encoding finds nothing here.
  const id = (() => {
    try {
      return decodeURIComponent(location.hash.slice(1));
    } catch {
      return "";
    }
  })();
  const target = id ? document.getElementById(id) : null;
  if (target instanceof HTMLDetailsElement && target.classList.contains("red-flag")) target.open = true;

  const query = new URLSearchParams(location.search).get("h");
  if (!article || !query) return;
  const terms = query.split(/\s+/).filter(Boolean);
  const loaded = document.readyState === "complete"
    ? Promise.resolve()
    : new Promise((resolve) => addEventListener("load", resolve, { once: true }));
  land(terms).then((mark) => loaded.then(() => reveal(mark)));

  // The mark to show: Material's, where the page has the terms as typed; else one put here.
  async function land(typed) {
    const linked = regionOf(target);
    const whole = document.createRange();
    whole.selectNodeContents(article);
    let words = typed;
    if (!findFolded(visibleTexts(linked), words) && !findFolded(visibleTexts(whole), words)) {
      const variants = await loadVariants();
      words = [...typed, ...typed.flatMap((word) => Object.entries(variants)
        .filter(([kanji]) => word.includes(kanji))
        .map(([kanji, kana]) => word.split(kanji).join(kana)))];
    }
    // The section or flag linked to; the whole page when the word is not in it (a page's title
    // in the results links to its top, wherever on the page the word is).
    const region = findFolded(visibleTexts(linked), words) || !findFolded(visibleTexts(whole), words)
      ? linked : whole;
    if (visibleTexts(region).some((node) => typed.some((term) => includes(node.data, term)))) {
      // Material's highlighter marks it, once it has loaded the search index.
      return waitFor(() => [...article.querySelectorAll("mark[data-md-highlight]")]
        .find((mark) => region.intersectsNode(mark)));
    }
    return markFolded(region, words);
  }

  // The part of the page a result stands for: the red flag, the section (its heading and what
  // follows, up to the next heading), or the page's title and the text before its first section.
  function regionOf(element) {
    const range = document.createRange();
    if (element && element.matches("details")) {
      range.selectNodeContents(element);
      return range;
    }
    const headings = [...article.querySelectorAll("h1, h2, h3, h4, h5, h6")];
    const start = element && headings.includes(element) ? element : headings[0];
    const next = headings[headings.indexOf(start) + 1];
    range.selectNodeContents(article);
    if (start) range.setStartBefore(start);
    if (next) range.setEndBefore(next);
    return range;
  }

  function visibleTexts(range) {
    const walker = document.createTreeWalker(article, NodeFilter.SHOW_TEXT);
    const nodes = [];
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      if (range.intersectsNode(node) && node.parentElement.offsetHeight > 0) nodes.push(node);
    }
    return nodes;
  }

  function includes(text, term) {
    return text.toLowerCase().includes(term.toLowerCase());
  }

  // Marks the first place in the region that reads like one of the words once width, case,
  // katakana/hiragana, voicing marks and ・ are set aside. A word may run over several text
  // nodes of one line of text: a label's phrase breaks (<wbr>) and glued punctuation split it
  // (overrides/hooks/phrases.py), so each piece gets a mark; the first is returned.
  function markFolded(range, words) {
    const found = findFolded(visibleTexts(range), words);
    if (!found) return null;
    const marks = found.pieces.reverse().map(({ node, start, end }) => {
      const mark = document.createElement("mark");
      mark.dataset.mdHighlight = "";
      const tail = node.splitText(start);
      tail.splitText(end - start);
      mark.append(tail.cloneNode());
      tail.replaceWith(mark);
      return mark;
    });
    return marks[marks.length - 1];
  }

  // The first match as pieces { node, start, end }, one per text node it runs over; text nodes
  // are read together while they belong to the same block (heading, paragraph, item, cell...).
  function findFolded(nodes, words) {
    for (const group of byBlock(nodes)) {
      let text = "";
      const places = [];  // for each folded character: its node and where it starts and ends
      for (const node of group) {
        const own = folded(node.data);
        text += own.text;
        for (let i = 0; i < own.text.length; i += 1) {
          places.push({ node, start: own.offsets[i], end: own.offsets[i + 1] });
        }
      }
      for (const word of words) {
        const needle = folded(word).text;
        const at = needle ? text.indexOf(needle) : -1;
        if (at < 0) continue;
        const pieces = [];
        for (const place of places.slice(at, at + needle.length)) {
          const last = pieces[pieces.length - 1];
          if (last && last.node === place.node) last.end = place.end;
          else pieces.push({ ...place });
        }
        return { pieces };
      }
    }
    return null;
  }

  function byBlock(nodes) {
    const groups = [];
    let block = null;
    for (const node of nodes) {
      const own = node.parentElement.closest(BLOCKS);
      if (!groups.length || own !== block) groups.push([]);
      groups[groups.length - 1].push(node);
      block = own;
    }
    return groups;
  }

  // The text folded character by character, with where each folded character came from.
  function folded(value) {
    let text = "";
    const offsets = [];
    let index = 0;
    for (const char of value) {
      const plain = IGNORED.test(char) ? "" : fold(char);
      for (let i = 0; i < plain.length; i += 1) offsets.push(index);
      text += plain;
      index += char.length;
    }
    offsets.push(index);
    return { text, offsets };
  }

  function fold(char) {
    return char.normalize("NFKC").toLowerCase()
      .replace(KATAKANA, (c) => String.fromCharCode(c.charCodeAt(0) - 0x60))
      .normalize("NFD").replace(VOICING, "").normalize("NFC");
  }

  // The kana the site writes for a kanji spelling a reader may type (寿司 → ずし), from the
  // index hook: fetched only when the page has the words in no other form.
  async function loadVariants() {
    try {
      const config = JSON.parse(document.getElementById("__config").textContent);
      const response = await fetch(new URL(`${config.base}/search/variants.json`, location.href));
      return response.ok ? await response.json() : {};
    } catch {
      return {};
    }
  }

  function waitFor(find) {
    return new Promise((resolve) => {
      const now = find();
      if (now) return resolve(now);
      const observer = new MutationObserver(() => {
        const found = find();
        if (found) {
          observer.disconnect();
          resolve(found);
        }
      });
      observer.observe(article, { childList: true, subtree: true });
      setTimeout(() => { observer.disconnect(); resolve(null); }, GIVE_UP_MS);
    });
  }

  // Scrolls the mark to the middle of the screen unless the reader can already see it (below
  // the header).
  function reveal(mark) {
    if (!mark) return;
    const header = document.querySelector(".md-header");
    const top = header ? header.getBoundingClientRect().bottom : 0;
    const box = mark.getBoundingClientRect();
    if (box.top < top || box.bottom > innerHeight) mark.scrollIntoView({ block: "center" });
  }
})();
