// The calls-and-texts consent box matters only when the visitor picks a call or a text: hide it otherwise.
// Without this script the box simply stays in view, and the server asks for it when it is needed.
document.querySelectorAll("form[data-contact-form]").forEach((form) => {
  const box = form.querySelector("[data-calls-texts]");
  const radios = form.querySelectorAll('input[name="preferred_contact"]');
  if (!box || !radios.length) return;
  const update = () => {
    const chosen = form.querySelector('input[name="preferred_contact"]:checked');
    box.hidden = !chosen || chosen.value === "email";
  };
  radios.forEach((radio) => radio.addEventListener("change", update));
  update();
});
