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
// Nothing is sent anywhere.
(() => {
  "use strict";

  const STORAGE_PREFIX = "ik-check:";
  const MESSAGE_MS = 5000;

  // Which verdict a checklist shows. `ticked` lists the ticked items, each with its group's
  // data-lean (fit check) and the red-flag id its link points to (event check).
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
      const anyStrong = ticked.some((item) => strong.has(item.flag));
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
      return {
        box: li.querySelector("input[type=checkbox]"),
        text: text.textContent.trim(),
        link,
        flag: link ? new URL(link.href).hash.slice(1) : "",
        lean: group && group.dataset.lean ? group.dataset.lean : "",
        label: group && group.dataset.label ? group.dataset.label : "",
      };
    }).filter((item) => item.box);

    const saved = storage.load(name);
    for (const item of items) item.box.checked = saved.has(item.text);

    const ticked = () => items.filter((item) => item.box.checked);
    let chosen = "";
    const copy = root.querySelector("[data-check-copy]");
    const manual = copy ? manualCopyBox(root, actions) : null;

    // Screen readers hear the new headline and counts after each tick, not the whole verdict.
    const live = root.querySelector("[data-check-live]");
    const render = (announce = true) => {
      const now = ticked();
      chosen = choose(now, root);
      const nodes = verdict(root, chosen, now, items);
      out.replaceChildren(...nodes);
      out.dataset.verdict = chosen;
      if (live && announce) live.textContent = nodes.slice(0, now.length ? 2 : 1).map((n) => n.textContent).join(" ");
      storage.save(name, now.map((item) => item.text));
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

    const reset = root.querySelector("[data-check-reset]");
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
        const text = summary(root, chosen, ticked());
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

    for (const howto of root.querySelectorAll(".ik-check__howto")) howto.hidden = true;
    actions.hidden = false;
    out.hidden = false;
    render(false);
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

  // Plain text for LINE: what was ticked, the verdict's headline, and where to read more.
  function summary(root, chosen, ticked) {
    const headline = root.querySelector(`.ik-check__verdicts [data-verdict="${chosen}"] strong`);
    const canonical = document.querySelector("link[rel=canonical]");
    const title = document.querySelector('meta[property="og:title"]');
    const lines = [`【${title ? title.content : document.title}】`];
    if (ticked.length) {
      lines.push(`当てはまったサイン:${ticked.length}個`, ...ticked.map((item) => `・${item.text}`));
    } else {
      lines.push("当てはまったサイン:なし");
    }
    if (headline) lines.push(`見立て:${headline.textContent.trim()}`);
    lines.push(`くわしく:${canonical ? canonical.href : location.href}`);
    return lines.join("\n");
  }
})();
