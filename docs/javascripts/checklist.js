// The two checklists: 向き・不向きチェック (docs/fit.md) and 申し込む前のチェック (docs/check.md).
//
// Each is a task list inside <div class="ik-check" data-check="NAME">. Without JavaScript the
// boxes still tick and a short note (.ik-check__howto) says how to read them. With it, this
// script
//   - shows a verdict under the list, chosen from the hidden [data-verdict] blocks written in
//     the page's Markdown (the words stay in the page, in the author's voice), with counts;
//   - lists the red flags that were ticked, each linking to the callout that explains it
//     (event check: the link that ends each item);
//   - keeps the ticks in localStorage on this device only, and offers a reset button and,
//     on the event check, 「結果をコピー」 for pasting into LINE (where the browser refuses
//     the clipboard, the text shows selected in a box, to copy by hand).
//
// A check with a [data-check-send] block (the event check) also travels as a link: its ticks
// are written in the URL's fragment, which browsers never send to any server, by the
// questions' ids in page order: check/#ticked=rf-free-event.rf-zoom-later. A question's id
// is its red flag's (the link that ends it) or its own data-tick; renamed ids stay meaningful
// through the check's data-former list (overrides/hooks/check_link.py checks all three at
// build time). 「結果をコピー」, 「LINEで送る」 and 「共有…」 send that link.
//
// Opened with such a fragment, the check shows the sent ticks and their verdict, with a box at
// the top of the page (.ik-sent) that says so. The reader's own saved ticks are neither shown
// nor written until they choose 「このチェックを自分のものにする」 (the sent ticks are saved as
// theirs) or 「自分でチェックする」 (their own come back); until then a tick changes the sent
// check in the address only, so a reload stays on it. The fragment is the reader's input: it is
// read only up to LINK_MAX_CHARS, matched against the page's ids and never put into the page;
// what is not understood is dropped, with a note that says how much.
(() => {
  "use strict";

  const STORAGE_PREFIX = "ik-check:";
  const MESSAGE_MS = 5000;
  const LINK_PREFIX = "#ticked=";
  const LINK_SEPARATOR = ".";
  // Of a fragment, this much is read (every question's id fits several times over).
  const LINK_MAX_CHARS = 1000;
  // LINE's documented link for a share button of one's own (as overrides/partials/share.html).
  const LINE_SHARE = "https://social-plugins.line.me/lineit/share";

  // Which verdict a checklist shows. `ticked` lists the ticked items, each with its group's
  // data-lean (fit check) and its id (event check: the red flag its link points to).
  const VERDICTS = {
    fit(ticked) {
      if (ticked.length === 0) return "empty";
      const count = (lean) => ticked.filter((item) => item.lean === lean).length;
      if (count("expect") > 0) return "expect";
      if (count("anxious") > 0) return "anxious";
      // The author's traits lean the same way as 合わない人, at half weight: they are reasons he
      // did not fit, not the source's list of who does not.
      const score = count("fit") - count("unfit") - count("me") / 2;
      if (count("fit") >= 2 && score >= 1) return "fit";
      if (score <= -1) return "unfit";
      return "maybe";
    },
    event(ticked, root) {
      if (ticked.length === 0) return "empty";
      const strong = new Set((root.dataset.strong || "").split(/\s+/).filter(Boolean));
      const anyStrong = ticked.some((item) => strong.has(item.id));
      return anyStrong || ticked.length >= 3 ? "many" : "few";
    },
  };

  const storage = {
    load(name) {
      try {
        const saved = JSON.parse(localStorage.getItem(STORAGE_PREFIX + name) || "[]");
        return new Set(Array.isArray(saved) ? saved : []);
      } catch {
        return new Set(); // storage off (private mode, blocked cookies): ticks just are not kept
      }
    },
    save(name, keys) {
      try {
        if (keys.length) localStorage.setItem(STORAGE_PREFIX + name, JSON.stringify(keys));
        else localStorage.removeItem(STORAGE_PREFIX + name);
      } catch {
        /* as above */
      }
    },
  };

  for (const root of document.querySelectorAll(".ik-check[data-check]")) setUp(root);

  function setUp(root) {
    const name = root.dataset.check;
    const choose = VERDICTS[name];
    const out = root.querySelector("[data-verdict-out]");
    const actions = root.querySelector(".ik-check__actions");
    if (!choose || !out || !actions) return; // an unknown checklist stays a plain list

    const items = [...root.querySelectorAll(".task-list-item")].map((li) => {
      const text = li.querySelector(".task-list-text") || li;
      const link = li.querySelector(":scope > a[href*='#rf-']");
      const group = li.closest("[data-lean], .ik-check__group");
      const flag = link ? new URL(link.href).hash.slice(1) : "";
      return {
        box: li.querySelector("input[type=checkbox]"),
        text: text.textContent.trim(),
        link,
        flag,
        id: li.dataset.tick || flag,
        lean: group && group.dataset.lean ? group.dataset.lean : "",
        label: group && group.dataset.label ? group.dataset.label : "",
      };
    }).filter((item) => item.box);

    // Questions by id, and by the ids they had before (data-former="old:new ...").
    const byId = new Map(items.filter((item) => item.id).map((item) => [item.id, item]));
    for (const pair of (root.dataset.former || "").split(/\s+/)) {
      const [old, now] = pair.split(":");
      if (old && byId.has(now) && !byId.has(old)) byId.set(old, byId.get(now));
    }
    // Saved as ids where questions have them (rewording keeps them), else as their text.
    const key = (item) => item.id || item.text;
    const own = () => new Set([...storage.load(name)]
      .map((entry) => byId.get(entry) || items.find((item) => item.text === entry))
      .filter(Boolean));

    const ticked = () => items.filter((item) => item.box.checked);
    let chosen = "";
    const copy = root.querySelector("[data-check-copy]");
    const manual = copy ? manualCopyBox(root, actions) : null;
    const reset = root.querySelector("[data-check-reset]");
    const sending = root.querySelector("[data-check-send]");
    const sendable = Boolean(sending) && items.every((item) => item.id);
    const line = sendable ? root.querySelector("[data-check-line]") : null;
    const share = sendable ? root.querySelector("[data-check-share]") : null;
    const banner = sendable ? sentBanner(root) : null;
    let sent = null; // while a sent check shows: what its link held

    // This check's link: the page's published address and the ticked questions' ids.
    const fragment = (now) => LINK_PREFIX + now.map((item) => item.id).join(LINK_SEPARATOR);
    const address = () => {
      const canonical = document.querySelector("link[rel=canonical]");
      return (canonical ? canonical.href : location.href).split("#")[0];
    };
    const linkTo = (now) => address() + fragment(now);

    // Screen readers hear the new headline and counts after each tick, not the whole verdict.
    const live = root.querySelector("[data-check-live]");
    const render = (announce = true) => {
      const now = ticked();
      chosen = choose(now, root);
      const nodes = verdict(root, chosen, now, items);
      out.replaceChildren(...nodes);
      out.dataset.verdict = chosen;
      if (live && announce) live.textContent = nodes.slice(0, now.length ? 2 : 1).map((n) => n.textContent).join(" ");
      if (sent) {
        banner.show(chosen, nodes);
        if (location.hash !== fragment(now)) history.replaceState(history.state, "", fragment(now));
      } else {
        storage.save(name, now.map(key));
      }
      if (line) {
        line.href = `${LINE_SHARE}?url=${encodeURIComponent(linkTo(now))}&text=${encodeURIComponent(summary(root, chosen, now))}`;
      }
      if (manual) manual.hide(); // its text no longer matches the ticks
    };

    root.addEventListener("change", (event) => {
      if (event.target instanceof HTMLInputElement && event.target.type === "checkbox") render();
    });

    const status = root.querySelector("[data-check-status]");
    let timer = 0;
    const say = (text) => {
      if (!status) return;
      clearTimeout(timer);
      status.textContent = text;
      timer = setTimeout(() => { status.textContent = ""; }, MESSAGE_MS);
    };

    if (reset) {
      reset.addEventListener("click", () => {
        for (const item of items) item.box.checked = false;
        render();
        say("チェックをぜんぶ外しました");
        items[0]?.box.focus();
      });
    }

    // 「結果をコピー」: to the clipboard where the browser allows it. Where it does not (some
    // in-app browsers refuse the Clipboard API, older ones lack it), the summary appears in a
    // read-only box, selected, so that a long press copies it by hand.
    if (copy) {
      copy.addEventListener("click", async () => {
        const now = ticked();
        const text = `${summary(root, chosen, now)}\n${sendable ? `このチェックを開く:${linkTo(now)}` : `くわしく:${address()}`}`;
        manual.hide();
        try {
          await navigator.clipboard.writeText(text);
          say("コピーしました。LINEのトークに貼り付けられます");
        } catch {
          manual.show(text);
          say("自動ではコピーできませんでした。下の枠の文字が選ばれているので、長押しして「コピー」を選んでください");
        }
      });
    }

    // 「共有…」: the device's share sheet, where the browser has one (Web Share API).
    if (share && typeof navigator.share === "function") {
      share.hidden = false;
      share.addEventListener("click", async () => {
        const now = ticked();
        try {
          await navigator.share({ title: document.title, text: summary(root, chosen, now), url: linkTo(now) });
        } catch (error) {
          // AbortError: the reader closed the share sheet, which needs no message.
          if (error && error.name !== "AbortError") say("共有できませんでした。「結果をコピー」で送ってください");
        }
      });
    }

    // A sent check: its ticks, with the box at the top; the reader's own stay where they are.
    const showSent = (found) => {
      sent = found;
      for (const item of items) item.box.checked = found.ticks.has(item);
      banner.open(dropped(found));
      if (reset) reset.hidden = true;
      render(false);
    };
    // The reader's choice: these ticks become theirs (saved), or theirs come back.
    const leaveSent = (keep) => {
      sent = null;
      history.replaceState(history.state, "", location.pathname + location.search);
      if (!keep) {
        const mine = own();
        for (const item of items) item.box.checked = mine.has(item);
      }
      if (reset) reset.hidden = false;
      render(false);
      banner.close(keep
        ? "送られてきたチェックを、あなたのチェックとしてこの端末に残しました。"
        : "送られてきたチェックを閉じて、あなたのチェックに切り替えました。");
    };
    // The fragment, read as the reader's input: null when it is no check link.
    const readLink = (hash) => {
      if (!hash.startsWith(LINK_PREFIX)) return null;
      const raw = hash.slice(LINK_PREFIX.length);
      const cut = raw.length > LINK_MAX_CHARS;
      const parts = raw.slice(0, LINK_MAX_CHARS).split(LINK_SEPARATOR);
      if (cut) parts.pop(); // it may end inside an id
      const found = { ticks: new Set(), unknown: 0, repeated: 0, cut };
      for (const part of parts) {
        if (!part) continue; // an empty place ("a..b", a dot at the end) names nothing
        const item = byId.get(part);
        if (!item) found.unknown += 1;
        else if (found.ticks.has(item)) found.repeated += 1;
        else found.ticks.add(item);
      }
      return found;
    };

    if (banner) {
      banner.keep.addEventListener("click", () => leaveSent(true));
      banner.mine.addEventListener("click", () => leaveSent(false));
      // Another check link opened in this tab; or an in-page link (a heading's ¶) followed while
      // a sent check shows, which keeps the sent check in the address for a reload.
      addEventListener("hashchange", () => {
        const found = readLink(location.hash);
        if (found) showSent(found);
        else if (sent) history.replaceState(history.state, "", fragment(ticked()));
      });
    }
    if (sendable) sending.hidden = false;

    for (const howto of root.querySelectorAll(".ik-check__howto")) howto.hidden = true;
    actions.hidden = false;
    out.hidden = false;
    const found = banner ? readLink(location.hash) : null;
    if (found) {
      showSent(found);
    } else {
      // Boxes ticked before this script ran stay ticked.
      const mine = own();
      for (const item of items) item.box.checked = item.box.checked || mine.has(item);
      render(false);
    }
  }

  // What a check link held that was dropped, in a few words ("" when nothing was).
  function dropped(found) {
    const count = (n) => (n < 10 ? `${n}つ` : `${n}個`);
    return [
      found.unknown ? `わからない項目が${count(found.unknown)}あったので外しました。` : "",
      found.repeated ? `重なっていた項目を${count(found.repeated)}外しました。` : "",
      found.cut ? "リンクが長すぎたので、途中から先は外しました。" : "",
    ].join("");
  }

  // The box at the top of the page while a sent check shows (written hidden in the page's
  // Markdown, [data-check-sent]): what it is, what was dropped, the verdict, the two choices.
  function sentBanner(root) {
    const box = root.querySelector("[data-check-sent]");
    if (!box) return null;
    const part = (name) => box.querySelector(`[data-sent-${name}]`);
    const [about, note, result, choices, done] = ["about", "dropped", "verdict", "choices", "done"].map(part);
    const keep = part("keep");
    const mine = part("own");
    if (!about || !note || !result || !choices || !done || !keep || !mine) return null;
    return {
      keep,
      mine,
      open(droppedText) {
        note.textContent = droppedText;
        note.hidden = !droppedText;
        about.hidden = result.hidden = choices.hidden = false;
        done.hidden = true;
        // Under the page's title, where the reader looks first.
        const title = document.querySelector("article .ik-reading-time") || document.querySelector("article h1");
        if (title && box.previousElementSibling !== title) title.after(box);
        box.hidden = false;
      },
      show(chosen, nodes) {
        result.replaceChildren(...nodes.map((node) => node.cloneNode(true)));
        result.dataset.verdict = chosen;
      },
      close(text) {
        about.hidden = note.hidden = result.hidden = choices.hidden = true;
        result.replaceChildren();
        done.textContent = text;
        done.hidden = false;
        done.focus();
      },
    };
  }

  // The copy-by-hand box under the buttons, hidden until copying fails. A <textarea> keeps the
  // summary's line breaks, and a read-only one opens no keyboard on a phone when focused.
  function manualCopyBox(root, actions) {
    const box = document.createElement("div");
    box.className = "ik-check__manual";
    box.hidden = true;
    const label = document.createElement("label");
    const area = document.createElement("textarea");
    area.id = `ik-check-manual-${root.dataset.check}`;
    area.readOnly = true;
    label.htmlFor = area.id;
    label.textContent = "コピーする文(長押しして「コピー」)";
    box.append(label, area);
    const status = actions.querySelector("[data-check-status]");
    actions.insertBefore(box, status ? status.nextSibling : null);
    return {
      show(text) {
        area.value = text;
        box.hidden = false;
        // As tall as the text once wrapped, so nothing hides in a scrolled box (CSSOM, which
        // the CSP allows; a style attribute it would block).
        area.style.height = "";
        area.style.height = `${area.scrollHeight + area.offsetHeight - area.clientHeight}px`;
        area.focus();
        area.setSelectionRange(0, text.length); // select() alone selects nothing on iOS
      },
      hide() {
        box.hidden = true;
      },
    };
  }

  // The verdict's nodes: its headline and text (a copy of the page's [data-verdict] block),
  // the counts, and the ticked red flags with links to where each is explained.
  function verdict(root, chosen, ticked, items) {
    const nodes = [];
    const block = root.querySelector(`.ik-check__verdicts [data-verdict="${chosen}"]`);
    if (block) nodes.push(...[...block.children].map((child) => child.cloneNode(true)));
    if (nodes[0]) nodes[0].classList.add("ik-check__headline");

    if (ticked.length) {
      nodes.splice(1, 0, paragraph("ik-check__counts", counts(ticked, items)));
      const flagged = ticked.filter((item) => item.link);
      if (flagged.length) {
        const list = document.createElement("ul");
        list.className = "ik-check__flags";
        for (const item of flagged) {
          const li = document.createElement("li");
          const link = document.createElement("a");
          link.href = item.link.getAttribute("href");
          link.textContent = item.link.textContent;
          li.append(item.text, document.createElement("br"), link);
          list.append(li);
        }
        nodes.push(paragraph("ik-check__flags-title", "当てはまったサイン:"), list);
      }
    }
    return nodes;
  }

  function counts(ticked, items) {
    const labels = [...new Set(items.map((item) => item.label).filter(Boolean))];
    if (!labels.length) return `チェック ${ticked.length} 個(全 ${items.length} 個中)`;
    return labels.map((label) => {
      const all = items.filter((item) => item.label === label).length;
      const on = ticked.filter((item) => item.label === label).length;
      return `${label} ${on}/${all}`;
    }).join("・");
  }

  function paragraph(className, text) {
    const p = document.createElement("p");
    p.className = className;
    p.textContent = text;
    return p;
  }

  // Plain text for LINE: what was ticked and the verdict's headline (the address goes after it,
  // or beside it where LINE and the share sheet take the text and the link apart).
  function summary(root, chosen, ticked) {
    const headline = root.querySelector(`.ik-check__verdicts [data-verdict="${chosen}"] strong`);
    const title = document.querySelector('meta[property="og:title"]');
    const lines = [`【${title ? title.content : document.title}】`];
    if (ticked.length) {
      lines.push(`当てはまったサイン:${ticked.length}個`, ...ticked.map((item) => `・${item.text}`));
    } else {
      lines.push("当てはまったサイン:なし");
    }
    if (headline) lines.push(`見立て:${headline.textContent.trim()}`);
    return lines.join("\n");
  }
})();
