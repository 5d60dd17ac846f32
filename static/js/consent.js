// A call or a text needs a phone number and the calls-and-texts consent: once one is chosen, the phone is
// required (its "(optional)" goes) and the consent box shows; with email, both go back.
// Without this script the box simply stays in view, and the server asks for both when they are needed.
document.querySelectorAll("form[data-contact-form]").forEach((form) => {
  const box = form.querySelector("[data-calls-texts]");
  const radios = form.querySelectorAll('input[name="preferred_contact"]');
  const phone = form.querySelector('input[name="phone"]');
  const optional = phone && form.querySelector(`label[for="${phone.id}"] .optional`);
  if (!radios.length) return;
  const update = () => {
    const chosen = form.querySelector('input[name="preferred_contact"]:checked');
    const byPhone = !!chosen && chosen.value !== "email";
    if (box) box.hidden = !byPhone;
    if (phone) phone.required = byPhone;
    if (optional) optional.hidden = byPhone;
  };
  radios.forEach((radio) => radio.addEventListener("change", update));
  update();
});
