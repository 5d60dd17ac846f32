// First touch, kept in this tab's sessionStorage (no cookie): the page the visit began on, the other site that
// sent the visitor, the utm_* of that first address, and the article read last. The consultation form's hidden
// fields get them; the server cleans every value. An article also sends one read (counts only, nothing kept).
(() => {
  const KEY = "csa-first-touch";
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
    ["utm_source", "utm_medium", "utm_campaign", "utm_term", "utm_content"].forEach(
      (name) => (visit[name] = (query.get(name) || "").slice(0, 100)),
    );
  }
  const article = document.querySelector("[data-article]");
  if (article) {
    visit.last_article = location.pathname;
    const read = new URLSearchParams({ path: location.pathname });
    read.set("utm_source", visit.utm_source || "");
    read.set("referrer_host", visit.referrer_host || "");
    if (navigator.sendBeacon) navigator.sendBeacon(article.dataset.read, read);
  }
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
  addEventListener("pageshow", fill); // a page from the back/forward cache: fill its fields again
})();
