// Search for Japanese readers: Material's own search box and results, fed the way phones type,
// results that show the word, and a result that lands on the word. Also the red flags a link
// points to (#rf-…). overrides/hooks/search_index.py builds what the box searches.
//
// Nothing here needs Material's script: on a phone it starts only when the reader reaches for
// search (the input and the result list below are simply idle until then), while everything
// else here works from the first paint.
//
// Input. Material updates the results on key events (keyup) only. A phone's Japanese keyboard
// commits 名刺 when the reader taps a candidate: an `input` event and no key at all, and so do
// paste from the menu and voice input. So every `input` that is not part of a composition, and
// every `compositionend`, is handed to Material as a keyup. The key events of a half-composed
// reading (めいし before it is converted) are kept from Material, which would otherwise search
// for the reading and flash 「何も見つかりませんでした」 at every key.
//
// Results. Material marks only the words of the index it matched in a result's title and text.
// A compound (紹介ノルマ, 違和感: the text holds 紹介|ノルマ, 違和|感) or another spelling (お試し for
// おためし, 寿司 for ずし) is matched in the hidden keywords fields, so nothing was marked, and the
// text was shown whole. Each result as Material renders it gets the words the reader typed (and
// the page's spelling of them) marked in its title and text, as written there; a text Material
// left whole is cut to the paragraphs that hold a mark, as Material cuts those it marks itself.
//
// Red flags. The flag a link points to opens: at load (page/#rf-…), and when the address's
// #rf-… changes later (a typed address, a link on the page), or a link to the flag already in
// the address is followed again.
//
// Landing. A result links to page/?h=word#section, or #rf-… for a red flag, or #row-… for a
// table row. On arrival this script marks the word wherever the page shows it, also where the
// page writes it otherwise than the reader typed it (ずし for すし or 寿司, Zoom for Ｚｏｏｍ,
// クーリング・オフ for クーリングオフ), and scrolls the first mark of the section, row or flag into
// view. Where Material's own highlighter runs as well (wide screens start Material at load; a
// phone once the reader opens search), a mark it puts inside one of these is taken out again,
// so a word is never marked twice.
//
// Without JavaScript there is no search box; a result link shared as-is still opens the page at
// the section, row or flag (closed), as any link does.
(() => {
  "use strict";

  const KATAKANA = /[\u30a1-\u30f6]/g;
  const VOICING = /[\u3099\u309a]/g;
  // Set aside when matching: spaces, the dots and dashes a word may be written with or without,
  // and the index's invisible word breaks and joiners (search_index.py), which a result shows.
  const IGNORED = /[\s・･\-‐–—_\u200b\u2060]/;
  // What reads as one line of text, for a word split over several text nodes (see matches).
  const BLOCKS = "h1, h2, h3, h4, h5, h6, p, li, dt, dd, summary, th, td, figcaption, blockquote, article";
  const MARKED = "data-ik-mark"; // on each mark put here (never on Material's)
  const foldedChars = new Map(); // fold()'s answers

  const box = document.querySelector("form[name=search] input.md-search__input");
  const article = document.querySelector("article.md-content__inner");

  // Input ---------------------------------------------------------------------------------

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

  // Red flags -----------------------------------------------------------------------------

  function linkedElement() {
    let id = location.hash.slice(1);
    try {
      id = decodeURIComponent(id);
    } catch {
      // a malformed %-escape: the id as it is
    }
    return id ? document.getElementById(id) : null;
  }

  function openLinkedFlag() {
    const target = linkedElement();
    const flag = target && target.closest("details.red-flag");
    if (flag && !flag.open) flag.open = true;
  }

  openLinkedFlag();
  addEventListener("hashchange", openLinkedFlag);
  // A link to the address the page is at already changes no hash: the browser only scrolls.
  document.addEventListener("click", (event) => {
    const link = event.target instanceof Element ? event.target.closest("a[href*='#']") : null;
    if (link && link.hash === location.hash && link.pathname === location.pathname
        && link.search === location.search) {
      openLinkedFlag();
    }
  });

  // Results -------------------------------------------------------------------------------

  const list = document.querySelector(".md-search-result__list");
  if (box && list) {
    let variants = null;
    const markItems = (items) => {
      for (const item of items) {
        if (item instanceof Element) item.querySelectorAll("a.md-search-result__link").forEach(markResult);
      }
    };
    // The kana the site writes for a kanji a reader types (寿司 → ずし): fetched once, when the
    // reader first reaches for the box; the results shown by then are marked again.
    const fetchVariants = () => {
      if (variants) return;
      variants = {};
      loadVariants().then((loaded) => {
        variants = loaded;
        markItems(list.children);
      });
    };
    box.addEventListener("focus", fetchVariants);
    box.addEventListener("input", fetchVariants);
    new MutationObserver((records) => {
      for (const record of records) markItems(record.addedNodes);
    }).observe(list, { childList: true });

    // Marks the typed words in one result (a page, section, row or flag): those of its link's
    // ?h= (what Material matched), or the box's when Material sent none (a page's title).
    function markResult(link) {
      const result = link.querySelector("article");
      if (!result) return;
      const typed = (new URL(link.href).searchParams.get("h") || box.value).split(/\s+/).filter(Boolean);
      const words = withVariants(typed, variants || {});
      const title = result.querySelector(":scope > h1, :scope > h2");
      if (title) markAll(matches(textsOf(title), words));
      const blocks = [...result.childNodes].filter((node) => node instanceof Element
        ? !node.matches("h1, h2, .md-search-result__icon, nav, .md-search-result__terms")
        : node.nodeType === Node.TEXT_NODE && node.data.trim());
      const own = blocks.some((block) => block instanceof Element && block.querySelector(`mark:not([${MARKED}])`));
      markAll(matches(blocks.flatMap(textsOf), words));
      const marked = blocks.filter((block) => block instanceof Element
        && (block.matches("mark") || block.querySelector("mark")));
      if (!own && marked.length) {
        // Material showed the whole text (it matched only the keywords): the paragraphs that
        // hold the word, two at most, as it shows those it marks itself.
        const kept = new Set(marked.slice(0, 2));
        for (const block of blocks) if (!kept.has(block)) block.remove();
      }
    }
  }

  function textsOf(node) {
    if (node.nodeType === Node.TEXT_NODE) return [node];
    const walker = document.createTreeWalker(node, NodeFilter.SHOW_TEXT);
    const nodes = [];
    for (let text = walker.nextNode(); text; text = walker.nextNode()) nodes.push(text);
    return nodes;
  }

  // Landing -------------------------------------------------------------------------------

  const query = new URLSearchParams(location.search).get("h");
  if (article && query) {
    const terms = query.split(/\s+/).filter(Boolean);
    const loaded = document.readyState === "complete"
      ? Promise.resolve()
      : new Promise((resolve) => addEventListener("load", resolve, { once: true }));
    keepMarksSingle();
    land(terms).then((mark) => loaded.then(() => reveal(mark)));
  }

  // Marks the words on the page (what a reader sees of it) and returns the mark to show: the
  // first in the section, row or flag linked to; else the first on the page (a page's title in
  // the results links to its top, wherever on the page the word is).
  async function land(typed) {
    const linked = regionOf(linkedElement());
    const whole = document.createRange();
    whole.selectNodeContents(article);
    let found = matches(visibleTexts(whole), typed);
    if (!found.length) found = matches(visibleTexts(whole), withVariants(typed, await loadVariants()));
    const marks = markAll(found, "mdHighlight");
    return marks.find((mark) => linked.intersectsNode(mark)) || marks[0] || null;
  }

  // The part of the page a result stands for: the red flag or table row, the section (its
  // heading and what follows, up to the next heading), or the page's title and the text before
  // its first section.
  function regionOf(element) {
    const range = document.createRange();
    if (element && element.matches("details, tr")) {
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

  // Material's highlighter (search.highlight) marks the word in every text node it sees,
  // those inside a mark of this script too: such a mark inside a mark is taken out.
  function keepMarksSingle() {
    new MutationObserver((records) => {
      for (const record of records) {
        for (const node of record.addedNodes) {
          if (node instanceof HTMLElement && node.matches("mark") && node.parentElement
              && node.parentElement.closest("mark")) {
            node.replaceWith(...node.childNodes);
          }
        }
      }
    }).observe(article, { childList: true, subtree: true });
  }

  // Matching ------------------------------------------------------------------------------

  // The words with the kanji a reader may type written as the site writes them (寿司 → ずし,
  // お試し → おためし), after the words as typed.
  function withVariants(words, variants) {
    const others = words.flatMap((word) => Object.entries(variants)
      .filter(([kanji]) => word.includes(kanji))
      .map(([kanji, kana]) => word.split(kanji).join(kana)));
    return [...new Set([...words, ...others])];
  }

  // Marks each place found by `matches`, unless a mark holds it already. A word may run over
  // several text nodes of one line of text: a label's phrase breaks (<wbr>), glued punctuation
  // (overrides/hooks/phrases.py) and Material's marks split it, so each piece gets a mark.
  // Returns the first mark of each place, new or found, in the order of the text.
  function markAll(found, flag) {
    const firsts = [];
    for (const { pieces } of found.reverse()) {
      let first = null;
      for (const { node, start, end } of pieces.reverse()) {
        const held = node.parentElement.closest("mark");
        if (held) {
          first = held;
          continue;
        }
        const mark = document.createElement("mark");
        mark.setAttribute(MARKED, "");
        if (flag) mark.dataset[flag] = "";
        const tail = node.splitText(start);
        tail.splitText(end - start);
        mark.append(tail.cloneNode());
        tail.replaceWith(mark);
        first = mark;
      }
      firsts.push(first);
    }
    return firsts.reverse();
  }

  // Every place in the text nodes that reads like one of the words once width, case,
  // katakana/hiragana, voicing marks, ・ and the index's invisible breaks are set aside: each
  // as pieces { node, start, end }, one per text node it runs over, in the order of the text.
  // Text nodes are read together while they belong to the same block (heading, paragraph,
  // item, cell...). At each place the first word that reads there is taken.
  function matches(nodes, words) {
    const needles = words.map((word) => folded(word).text).filter(Boolean);
    const found = [];
    for (const group of byBlock(nodes)) {
      let text = "";
      const places = [];  // for each folded character: its node and where it starts and ends
      for (const node of group) {
        const own = folded(node.data);
        text += own.text;
        for (const [start, end] of own.sources) places.push({ node, start, end });
      }
      for (let at = 0; at < text.length;) {
        const needle = needles.find((n) => text.startsWith(n, at));
        if (!needle) {
          at += 1;
          continue;
        }
        const pieces = [];
        for (const place of places.slice(at, at + needle.length)) {
          const last = pieces[pieces.length - 1];
          if (last && last.node === place.node) last.end = place.end;
          else pieces.push({ ...place });
        }
        found.push({ pieces });
        at += needle.length;
      }
    }
    return found;
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

  // The text folded character by character, with where each folded character came from
  // ([start, end] in the text; a mark never takes in an ignored character after the word).
  function folded(value) {
    let text = "";
    const sources = [];
    let index = 0;
    for (const char of value) {
      const plain = IGNORED.test(char) ? "" : fold(char);
      for (let i = 0; i < plain.length; i += 1) sources.push([index, index + char.length]);
      text += plain;
      index += char.length;
    }
    return { text, sources };
  }

  function fold(char) {
    let plain = foldedChars.get(char);
    if (plain === undefined) {
      plain = char.normalize("NFKC").toLowerCase()
        .replace(KATAKANA, (c) => String.fromCharCode(c.charCodeAt(0) - 0x60))
        .normalize("NFD").replace(VOICING, "").normalize("NFC");
      foldedChars.set(char, plain);
    }
    return plain;
  }

  // The kana the site writes for a kanji spelling a reader may type (寿司 → ずし), from the
  // index hook.
  async function loadVariants() {
    try {
      const config = JSON.parse(document.getElementById("__config").textContent);
      const response = await fetch(new URL(`${config.base}/search/variants.json`, location.href));
      return response.ok ? await response.json() : {};
    } catch {
      return {};
    }
  }

  // Scrolls the mark to the middle of the screen unless the reader can already see it (below
  // the header).
  function reveal(mark) {
    if (!mark) return;
    const header = document.querySelector(".md-header");
    const top = header ? header.getBoundingClientRect().bottom : 0;
    const rect = mark.getBoundingClientRect();
    if (rect.top < top || rect.bottom > innerHeight) mark.scrollIntoView({ block: "center" });
  }
})();
