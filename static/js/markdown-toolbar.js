// The Markdown editor's toolbar (bold, italic, link, lists, cite, image) and the copy of what was typed
// that this browser keeps until the save goes through, so an expired login loses nothing.
"use strict";

(function () {
  if (window.csaMarkdownToolbar) return; // loaded by the widget and by the admin class alike
  window.csaMarkdownToolbar = true;

  const DRAFT_PREFIX = "csa-admin-draft:";
  const SUBMITTED = "csa-admin-draft-submitted";
  const DRAFT_DAYS = 30;

  // --- Editing the textarea --------------------------------------------------------------------

  // Replaces the selection with text, keeping the browser's undo, and tells markdownx (its preview
  // listens for input events) and the draft keeper that the text changed.
  function replaceRange(textarea, start, end, text, selectFrom, selectTo) {
    textarea.focus();
    textarea.setSelectionRange(start, end);
    let inserted = false;
    try {
      inserted = document.execCommand("insertText", false, text);
    } catch (error) {
      inserted = false;
    }
    if (!inserted || textarea.value.slice(start, start + text.length) !== text) {
      textarea.setRangeText(text, start, end, "end");
      textarea.dispatchEvent(new Event("input", { bubbles: true }));
    }
    textarea.setSelectionRange(start + selectFrom, start + selectTo);
  }

  function wrap(textarea, marker, placeholder) {
    const { selectionStart: start, selectionEnd: end, value } = textarea;
    const size = marker.length;
    const before = value.slice(start - size, start);
    const after = value.slice(end, end + size);
    // Pressed again on bold text: the markers go (an italic "*" is not half of a bold "**").
    const doubled = size === 1 && (value.charAt(start - 2) === marker || value.charAt(end + 1) === marker);
    if (before === marker && after === marker && !doubled) {
      const inner = value.slice(start, end);
      replaceRange(textarea, start - size, end + size, inner, 0, inner.length);
      return;
    }
    const inner = value.slice(start, end) || placeholder;
    replaceRange(textarea, start, end, marker + inner + marker, size, size + inner.length);
  }

  function link(textarea) {
    const { selectionStart: start, selectionEnd: end, value } = textarea;
    const words = value.slice(start, end);
    if (words) {
      const text = "[" + words + "](https://)";
      // The address is selected, ready to be pasted over.
      replaceRange(textarea, start, end, text, words.length + 3, text.length - 1);
    } else {
      replaceRange(textarea, start, end, "[link text](https://)", 1, 10);
    }
  }

  function list(textarea, numbered) {
    const { selectionStart: start, value } = textarea;
    let end = textarea.selectionEnd;
    if (end > start && value.charAt(end - 1) === "\n") end -= 1;
    const lineStart = value.lastIndexOf("\n", start - 1) + 1;
    const found = value.indexOf("\n", end);
    const lineEnd = found === -1 ? value.length : found;
    const lines = value.slice(lineStart, lineEnd).split("\n");
    const marker = numbered ? /^\d+\.\s/ : /^[-*+]\s/;
    const filled = lines.filter((line) => line.trim() !== "");
    let text;
    if (filled.length && filled.every((line) => marker.test(line))) {
      text = lines.map((line) => line.replace(marker, "")).join("\n");
    } else {
      let number = 0;
      text = lines
        .map((line) => {
          if (line.trim() === "" && lines.length > 1) return line;
          number += 1;
          return (numbered ? number + ". " : "- ") + line.replace(/^(\d+\.|[-*+])\s/, "");
        })
        .join("\n");
      // Markdown starts a list only after a blank line.
      const previous = value.slice(0, lineStart).replace(/\n$/, "");
      if (lineStart > 0 && previous.slice(previous.lastIndexOf("\n") + 1).trim() !== "") text = "\n" + text;
    }
    replaceRange(textarea, lineStart, lineEnd, text, text.length, text.length);
  }

  function insertAt(textarea, range, text, selectFrom, selectTo) {
    replaceRange(textarea, range.start, range.end, text, selectFrom ?? text.length, selectTo ?? text.length);
  }

  // --- The pickers (Cite, Image) -----------------------------------------------------------------

  let picker = null;

  function pickerDialog() {
    if (picker) return picker;
    const dialog = document.createElement("dialog");
    dialog.className = "markdown-picker";
    dialog.setAttribute("aria-labelledby", "markdown-picker-title");
    dialog.innerHTML =
      '<h2 id="markdown-picker-title"></h2>' +
      '<label for="markdown-picker-search"></label>' +
      '<input type="search" id="markdown-picker-search" autocomplete="off" spellcheck="false">' +
      '<p class="markdown-picker__status" role="status"></p>' +
      '<ul class="markdown-picker__results"></ul>' +
      '<div class="markdown-picker__actions"><button type="button" class="button" data-picker-close>Cancel</button></div>';
    document.body.append(dialog);
    const search = dialog.querySelector("input");
    const results = dialog.querySelector("ul");
    dialog.querySelector("[data-picker-close]").addEventListener("click", () => dialog.close());
    search.addEventListener("keydown", (event) => {
      if (event.key === "ArrowDown" || (event.key === "Enter" && results.querySelector("button"))) {
        event.preventDefault();
        const first = results.querySelector("button");
        if (first) (event.key === "Enter" ? first.click() : first.focus());
      }
    });
    results.addEventListener("keydown", (event) => {
      const buttons = Array.from(results.querySelectorAll("button"));
      const index = buttons.indexOf(document.activeElement);
      if (index === -1) return;
      if (event.key === "ArrowDown" || event.key === "ArrowUp") {
        event.preventDefault();
        const next = index + (event.key === "ArrowDown" ? 1 : -1);
        if (next < 0) search.focus();
        else if (buttons[next]) buttons[next].focus();
      }
    });
    picker = { dialog, search, results, status: dialog.querySelector("[role=status]") };
    return picker;
  }

  // Opens the picker over one textarea; choosing a result inserts what `insert` makes of it where the
  // cursor was, and puts the cursor after it.
  function openPicker(textarea, opener, options) {
    const { dialog, search, results, status } = pickerDialog();
    const range = { start: textarea.selectionStart, end: textarea.selectionEnd };
    dialog.querySelector("h2").textContent = options.title;
    dialog.querySelector("label").textContent = options.label;
    search.value = "";
    results.replaceChildren();
    let timer = null;
    let asked = 0;

    const show = (items) => {
      results.replaceChildren(
        ...items.map((item) => {
          const row = document.createElement("li");
          const button = document.createElement("button");
          button.type = "button";
          button.append(item.label);
          const code = document.createElement("span");
          code.className = "markdown-picker__key";
          code.textContent = options.shown(item);
          button.append(code);
          button.addEventListener("click", () => {
            dialog.close();
            const { text, selectFrom, selectTo } = options.insert(item);
            insertAt(textarea, range, text, selectFrom, selectTo);
          });
          row.append(button);
          return row;
        }),
      );
      status.textContent = items.length
        ? items.length + (items.length === 1 ? " found." : " found.") + " Press the one you want."
        : options.none;
    };

    const find = () => {
      const number = ++asked;
      status.textContent = "Searching…";
      fetch(options.url + "?q=" + encodeURIComponent(search.value.trim()), {
        credentials: "same-origin",
        headers: { Accept: "application/json" },
      })
        .then((response) => {
          const type = response.headers.get("content-type") || "";
          if (!response.ok || !type.includes("json")) throw new Error("not signed in");
          return response.json();
        })
        .then((data) => {
          if (number === asked) show(data.results);
        })
        .catch(() => {
          if (number !== asked) return;
          results.replaceChildren();
          status.textContent =
            "The search did not answer: your login may have expired. Log in again in another tab " +
            "(what you typed here is kept), then search again.";
        });
    };

    search.oninput = () => {
      window.clearTimeout(timer);
      timer = window.setTimeout(find, 250);
    };
    dialog.onclose = () => {
      window.clearTimeout(timer);
      if (dialog.returnValue !== "picked" && document.activeElement === document.body) opener.focus();
    };
    dialog.showModal();
    search.focus();
    find();
  }

  function cite(textarea, opener, wrapper) {
    openPicker(textarea, opener, {
      url: wrapper.dataset.referenceSearch,
      title: "Cite a reference",
      label: "Search the references by author, title or journal",
      none: "No reference matches. Add the study under References, then cite it here.",
      shown: (item) => item.text,
      insert: (item) => ({ text: item.text }),
    });
  }

  function image(textarea, opener, wrapper) {
    if (!wrapper.dataset.imageSearch) {
      // No photo library to pick from: the form of a library picture, its description selected.
      const { selectionStart: start, selectionEnd: end } = textarea;
      insertAt(textarea, { start, end }, "![describe the picture](image:key)", 2, 22);
      return;
    }
    openPicker(textarea, opener, {
      url: wrapper.dataset.imageSearch,
      title: "Insert a picture from the library",
      label: "Search the photo library by description or key",
      none: "No picture matches. Add it to the photo library first.",
      shown: (item) => item.text,
      insert: (item) => ({ text: item.text }),
    });
  }

  // --- The toolbar -------------------------------------------------------------------------------

  const BUTTONS = [
    { name: "bold", label: "Bold", title: "Bold (Ctrl+B)", run: (t) => wrap(t, "**", "bold text") },
    { name: "italic", label: "Italic", title: "Italic (Ctrl+I)", run: (t) => wrap(t, "*", "italic text") },
    { name: "link", label: "Link", title: "Link (Ctrl+K)", run: (t) => link(t) },
    { name: "bulleted", label: "Bulleted list", title: "Bulleted list", run: (t) => list(t, false) },
    { name: "numbered", label: "Numbered list", title: "Numbered list", run: (t) => list(t, true) },
    { name: "cite", label: "Cite", title: "Cite a reference: inserts [ref:key]", run: cite },
    { name: "image", label: "Image", title: "A picture from the photo library", run: image },
  ];
  const SHORTCUTS = { b: "bold", i: "italic", k: "link" };

  function fieldLabel(textarea) {
    const label = textarea.id && document.querySelector('label[for="' + textarea.id + '"]');
    return label ? label.textContent.replace(/:\s*$/, "").trim() : "";
  }

  function setUp(wrapper) {
    if (wrapper.dataset.toolbarReady || wrapper.closest(".empty-form")) return;
    const textarea = wrapper.querySelector("textarea");
    if (!textarea) return;
    wrapper.dataset.toolbarReady = "true";
    const toolbar = document.createElement("div");
    toolbar.className = "markdown-toolbar";
    toolbar.setAttribute("role", "toolbar");
    const name = fieldLabel(textarea);
    toolbar.setAttribute("aria-label", name ? "Formatting for " + name : "Formatting");
    if (textarea.id) toolbar.setAttribute("aria-controls", textarea.id);
    const buttons = BUTTONS.map((spec, index) => {
      const button = document.createElement("button");
      button.type = "button";
      button.className = "markdown-toolbar__" + spec.name;
      button.dataset.action = spec.name;
      button.textContent = spec.label;
      button.title = spec.title;
      button.tabIndex = index === 0 ? 0 : -1;
      button.addEventListener("click", () => spec.run(textarea, button, wrapper));
      toolbar.append(button);
      return button;
    });
    // One Tab stop for the toolbar; the arrow keys, Home and End move between its buttons.
    toolbar.addEventListener("keydown", (event) => {
      const index = buttons.indexOf(document.activeElement);
      if (index === -1) return;
      const moves = { ArrowRight: index + 1, ArrowLeft: index - 1, Home: 0, End: buttons.length - 1 };
      if (!(event.key in moves)) return;
      event.preventDefault();
      const next = buttons[(moves[event.key] + buttons.length) % buttons.length];
      buttons.forEach((button) => (button.tabIndex = button === next ? 0 : -1));
      next.focus();
    });
    textarea.addEventListener("keydown", (event) => {
      const action = (event.ctrlKey || event.metaKey) && !event.altKey && SHORTCUTS[event.key.toLowerCase()];
      if (!action) return;
      event.preventDefault();
      BUTTONS.find((spec) => spec.name === action).run(textarea);
    });
    const editor = wrapper.querySelector(".markdownx") || textarea;
    editor.before(toolbar);
  }

  function setUpAll(root) {
    root.querySelectorAll("[data-markdown-editor]").forEach(setUp);
  }

  // --- What was typed, kept until it is saved ----------------------------------------------------

  // Only the content forms that carry a Markdown editor keep drafts; never a revert page, and never a
  // hidden field, a password, a file or the CSRF token.
  function draftForm() {
    if (!/\/(add|change)\/$/.test(window.location.pathname)) return null;
    const editor = document.querySelector("form [data-markdown-editor]");
    return editor ? editor.closest("form") : null;
  }

  function keptFields(form) {
    return Array.from(form.elements).filter(
      (element) =>
        element.name &&
        !element.disabled &&
        !element.closest(".empty-form") &&
        !element.name.includes("__prefix__") &&
        !/-DELETE$/.test(element.name) &&
        element.name !== "csrfmiddlewaretoken" &&
        !["hidden", "password", "file", "submit", "button", "reset", "image"].includes(element.type),
    );
  }

  function valueOf(element) {
    if (element.type === "checkbox") return element.checked ? "on" : "";
    if (element.type === "select-multiple") return Array.from(element.selectedOptions, (o) => o.value).join("\n");
    return element.value;
  }

  function readForm(form) {
    const values = {};
    for (const element of keptFields(form)) {
      if (element.type === "radio") {
        if (element.checked) values[element.name] = element.value;
        else if (!(element.name in values)) values[element.name] = "";
      } else {
        values[element.name] = valueOf(element);
      }
    }
    return values;
  }

  const same = (a, b) => String(a ?? "").replace(/\r\n/g, "\n").trim() === String(b ?? "").replace(/\r\n/g, "\n").trim();

  function putBack(form, name, value) {
    const elements = keptFields(form).filter((element) => element.name === name);
    if (!elements.length) return false;
    for (const element of elements) {
      if (element.type === "radio") element.checked = element.value === value;
      else if (element.type === "checkbox") element.checked = value === "on";
      else if (element.type === "select-multiple") {
        const chosen = value.split("\n");
        Array.from(element.options).forEach((option) => (option.selected = chosen.includes(option.value)));
      } else element.value = value;
      element.dispatchEvent(new Event("input", { bubbles: true }));
      element.dispatchEvent(new Event("change", { bubbles: true }));
    }
    return true;
  }

  function storage() {
    try {
      return window.localStorage;
    } catch (error) {
      return null; // storage switched off: nothing is kept, and nothing breaks
    }
  }

  function read(store, key) {
    try {
      return JSON.parse(store.getItem(key) || "null");
    } catch (error) {
      return null;
    }
  }

  function forgetOldDrafts(store) {
    const oldest = Date.now() - DRAFT_DAYS * 24 * 3600 * 1000;
    for (let index = store.length - 1; index >= 0; index -= 1) {
      const key = store.key(index);
      if (key && key.startsWith(DRAFT_PREFIX) && !((read(store, key) || {}).savedAt > oldest)) store.removeItem(key);
    }
  }

  // After a save went through, Django shows a success message on the page it goes to.
  function forgetSubmittedDraft(store) {
    let submitted = null;
    try {
      submitted = window.sessionStorage.getItem(SUBMITTED);
      window.sessionStorage.removeItem(SUBMITTED);
    } catch (error) {
      return;
    }
    if (submitted && document.querySelector(".messagelist .success")) store.removeItem(submitted);
  }

  // Returns whether the draft is still wanted: until it is discarded, later typing adds to it.
  function offerDraft(form, store, key, draft, rejected, settle) {
    const now = readForm(form);
    const waiting = Object.entries(draft.values).filter(([name, value]) => !(name in now) || !same(now[name], value));
    if (!waiting.length) {
      // What was typed is what the page shows: saved, unless this is a save the form refused.
      if (!rejected) store.removeItem(key);
      return rejected;
    }
    const offer = document.createElement("div");
    offer.className = "draft-offer";
    offer.setAttribute("role", "region");
    offer.setAttribute("aria-label", "Typing that was not saved");
    const when = new Date(draft.savedAt).toLocaleString();
    const text = document.createElement("p");
    text.textContent =
      "What you typed on this page (last at " + when + ") was not saved, perhaps because your login " +
      "expired. This browser kept it.";
    const restore = document.createElement("button");
    restore.type = "button";
    restore.className = "draft-offer__restore";
    restore.textContent = "Restore what you typed";
    const discard = document.createElement("button");
    discard.type = "button";
    discard.textContent = "Discard it";
    offer.append(text, restore, discard);
    restore.addEventListener("click", () => {
      const lost = waiting.filter(([name, value]) => !putBack(form, name, value));
      settle(Object.fromEntries(lost)); // the rest is in the form now, and kept from there
      text.textContent =
        "Restored. Press Save to keep it." +
        (lost.length ? " Some of it was in rows added after the page opened; it is below to copy." : "");
      text.setAttribute("role", "status");
      restore.remove();
      discard.textContent = "Close";
      discard.onclick = () => offer.remove();
      for (const [name, value] of lost) {
        const label = document.createElement("label");
        label.textContent = name;
        const box = document.createElement("textarea");
        box.readOnly = true;
        box.value = value;
        label.append(box);
        offer.append(label);
      }
      text.tabIndex = -1;
      text.focus();
    });
    discard.addEventListener("click", () => {
      store.removeItem(key);
      settle({});
      offer.remove();
    });
    const errors = form.querySelector(".errornote");
    if (errors) errors.after(offer);
    else form.prepend(offer);
    return true;
  }

  function keepDrafts() {
    const store = storage();
    if (!store) return;
    forgetOldDrafts(store);
    forgetSubmittedDraft(store);
    const form = draftForm();
    if (!form) return;
    const key = DRAFT_PREFIX + window.location.pathname;
    const initial = readForm(form);
    const draft = read(store, key);
    // A refused save shows what was typed, not what is saved: the draft keeps all of it.
    const rejected = Boolean(form.querySelector(".errornote, .errorlist"));
    let carried = {};
    if (draft && draft.values && offerDraft(form, store, key, draft, rejected, (left) => (carried = left))) {
      carried = draft.values;
    }

    let timer = null;
    const save = () => {
      const changed = { ...carried };
      for (const [name, value] of Object.entries(readForm(form))) {
        if (!same(value, initial[name])) changed[name] = value;
      }
      if (Object.keys(changed).length) {
        try {
          store.setItem(key, JSON.stringify({ savedAt: Date.now(), values: changed }));
        } catch (error) {
          // Storage full: the form itself still holds what was typed.
        }
      } else {
        store.removeItem(key);
      }
    };
    const soon = () => {
      window.clearTimeout(timer);
      timer = window.setTimeout(save, 400);
    };
    form.addEventListener("input", soon);
    form.addEventListener("change", soon);
    form.addEventListener("submit", () => {
      window.clearTimeout(timer);
      save();
      try {
        window.sessionStorage.setItem(SUBMITTED, key);
      } catch (error) {
        // Without session storage the draft stays until the form shows the same text again.
      }
    });
  }

  function ready() {
    setUpAll(document);
    document.addEventListener("formset:added", (event) => setUpAll(event.target));
    keepDrafts();
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", ready);
  else ready();
})();
