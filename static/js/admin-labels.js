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

  // Whenever Django's autocomplete.js builds a box (once the page is ready, and for each row added), as
  // soon as it is in the page: no moment when a screen reader finds one without its name.
  document.addEventListener("DOMContentLoaded", () => {
    nameAutocompletes(document);
    new MutationObserver((changes) => {
      if (changes.some((change) => [...change.addedNodes].some((node) => node.classList?.contains("select2")))) {
        nameAutocompletes(document);
      }
    }).observe(document.body, { childList: true, subtree: true });
  });
})();
