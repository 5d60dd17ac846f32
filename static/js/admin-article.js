// The article change page: Publish or Schedule, the phone-width preview, and moving rows by keyboard.
"use strict";

(function () {
  // "Publish" becomes "Schedule" while the date typed is in the future. The server's clock and time
  // zone are given as data-now ("YYYY-MM-DD HH:MM:SS"), so the comparison is of strings in one zone.
  function watchPublishDate() {
    const button = document.querySelector("button[data-schedule-label]");
    const date = document.getElementById("id_published_at_0");
    const time = document.getElementById("id_published_at_1");
    if (!button || !date || !time) return;
    const update = () => {
      const typed = (date.value.trim() + " " + (time.value.trim() || "00:00:00")).trim();
      const future = date.value.trim() !== "" && typed > button.dataset.now;
      button.textContent = future ? button.dataset.scheduleLabel : button.dataset.publishLabel;
    };
    for (const input of [date, time]) {
      input.addEventListener("input", update);
      input.addEventListener("change", update);
    }
    // The calendar and clock shortcuts set the value without an input event.
    document.addEventListener("click", () => window.setTimeout(update, 0));
    update();
  }

  function phonePreview() {
    for (const link of document.querySelectorAll("a[data-phone-preview]")) {
      link.addEventListener("click", (event) => {
        const opened = window.open(link.href, "phone-preview", "popup,width=390,height=844");
        if (opened) event.preventDefault();
      });
    }
  }

  // django-admin-sortable2 orders rows by drag and drop; these buttons do the same for keyboard users.
  function renumber(container, selector) {
    container.querySelectorAll(selector).forEach((row, index) => {
      const position = row.querySelector("input._reorder_");
      if (position) position.value = String(index + 1);
    });
  }

  function announce(group, text) {
    let status = group.querySelector(".reorder-status");
    if (!status) {
      status = document.createElement("p");
      status.className = "reorder-status visually-hidden";
      status.setAttribute("role", "status");
      group.append(status);
    }
    status.textContent = text;
  }

  function moveButton(label, name, handler) {
    const button = document.createElement("button");
    button.type = "button";
    button.className = "reorder-button reorder-" + name;
    button.textContent = label;
    button.addEventListener("click", handler);
    return button;
  }

  function keyboardReordering() {
    for (const fieldset of document.querySelectorAll("fieldset.sortable")) {
      const tabular = fieldset.querySelector("table tbody");
      const container = tabular || fieldset;
      const selector = tabular ? "tr.has_original" : ".inline-related.has_original";
      const rows = Array.from(container.querySelectorAll(selector));
      if (rows.length < 2) continue;
      rows.forEach((row) => {
        const place = tabular ? row.querySelector("td.original p") : row.querySelector("h3");
        if (!place) return;
        const name = () => {
          const label = tabular ? row.querySelector("td.original p") : row.querySelector("h3 .inline_label");
          return (label ? label.firstChild.textContent : "").trim() || "This row";
        };
        const move = (direction) => () => {
          const current = Array.from(container.querySelectorAll(selector));
          const index = current.indexOf(row);
          const target = current[index + direction];
          if (!target) {
            announce(fieldset, name() + " is already " + (direction < 0 ? "first." : "last."));
            return;
          }
          target.insertAdjacentElement(direction < 0 ? "beforebegin" : "afterend", row);
          renumber(container, selector);
          const now = Array.from(container.querySelectorAll(selector)).indexOf(row) + 1;
          announce(fieldset, name() + " moved to place " + now + " of " + current.length + ". Save to keep the order.");
          row.querySelector(".reorder-" + (direction < 0 ? "up" : "down")).focus();
        };
        const group = document.createElement("span");
        group.className = "reorder-buttons";
        group.append(moveButton("Move up", "up", move(-1)), moveButton("Move down", "down", move(1)));
        place.append(group);
      });
    }
  }

  // A section shows only the fields its kind uses; a hidden field keeps its value, so nothing is lost.
  function showFieldsOfKind(select) {
    const fields = JSON.parse(select.dataset.sectionFields)[select.value];
    const row = select.closest(".inline-related");
    if (!fields || !row) return;
    for (const name of ["heading", "side", "caption", "body"]) {
      const line = row.querySelector(".form-row.field-" + name);
      if (line) line.hidden = !fields.includes(name);
    }
  }

  function sectionKinds() {
    document.querySelectorAll("select[data-section-fields]").forEach(showFieldsOfKind);
    document.addEventListener("change", (event) => {
      if (event.target.matches("select[data-section-fields]")) showFieldsOfKind(event.target);
    });
    document.addEventListener("formset:added", (event) => {
      event.target.querySelectorAll("select[data-section-fields]").forEach(showFieldsOfKind);
    });
  }

  document.addEventListener("DOMContentLoaded", () => {
    sectionKinds();
    watchPublishDate();
    phonePreview();
    keyboardReordering();
  });
})();
