// First touch, kept in this tab's sessionStorage (no cookie; nothing leaves the browser until the visitor sends
// the consultation form): the page the visit began on, the other site that sent them, the utm_* values of that
// first address, and the article read last. The form's hidden fields get them; the server cleans every value.
(() => {
  const KEY = "csa-first-touch";
  const UTM = ["utm_source", "utm_medium", "utm_campaign", "utm_term", "utm_content"];
  let visit = null;
  try {
    visit = JSON.parse(sessionStorage.getItem(KEY));
  } catch (error) {}
  if (!visit || typeof visit !== "object") {
    const query = new URLSearchParams(location.search);
    visit = { landing_page: location.pathname, referrer_host: "" };
    try {
      const from = new URL(document.referrer);
      if (from.host !== location.host) visit.referrer_host = from.hostname;
    } catch (error) {}
    UTM.forEach((name) => (visit[name] = (query.get(name) || "").slice(0, 100)));
  }
  if (document.querySelector("[data-article]")) visit.last_article = location.pathname;
  try {
    sessionStorage.setItem(KEY, JSON.stringify(visit));
  } catch (error) {}
  const fill = () =>
    document.querySelectorAll("form[data-contact-form]").forEach((form) => {
      Object.entries(visit).forEach(([name, value]) => {
        const field = form.querySelector(`input[type="hidden"][name="${name}"]`);
        if (field && typeof value === "string") field.value = value;
      });
    });
  fill();
  // A page restored from the back/forward cache keeps its old fields: fill them again.
  addEventListener("pageshow", fill);
})();
