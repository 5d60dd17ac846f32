// Django's autocomplete boxes (select2) name themselves after what is chosen, so an empty one has no name
// for a screen reader. Each gets its field's label, or its column's in a table of rows.
(function () {
  function fieldName(select) {
    const label = document.querySelector(`label[for="${select.id}"]`);
    if (label) return label.textContent.replace(/:\s*$/, "").trim();
    const cell = select.closest("td");
    const table = select.closest("table");
    if (cell && table) {
      const header = table.querySelectorAll("thead th")[cell.cellIndex];
      if (header) return header.textContent.trim();
    }
    return select.name;
  }

  function nameAutocompletes(root) {
    root.querySelectorAll("select.admin-autocomplete").forEach((select) => {
      const box = select.nextElementSibling;
      if (!box || !box.classList.contains("select2")) return;
      const name = fieldName(select);
      box.querySelectorAll('[role="combobox"], [role="textbox"]').forEach((part) => {
        part.removeAttribute("aria-labelledby");
        part.setAttribute("aria-label", name);
      });
    });
  }

  // After Django's own autocomplete.js has built the boxes (on ready, and for each row added).
  window.addEventListener("load", () => nameAutocompletes(document));
  document.addEventListener("formset:added", (event) => window.setTimeout(() => nameAutocompletes(event.target)));
})();
