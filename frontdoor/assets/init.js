// Start GOV.UK Frontend's components. A module file, so the CSP needs no inline script.
import { initAll } from "/assets/govuk-frontend.min.js";
initAll();

// Type-ahead on a search form marked data-typeahead="<id of the results>": as the person types, the
// server renders the same results fragment the full page shows (?fragment=results). Without
// JavaScript the form is an ordinary GET form. A file, not inline script: the CSP stays strict.
for (const form of document.querySelectorAll("form[data-typeahead]")) {
  const target = document.getElementById(form.dataset.typeahead);
  const input = form.querySelector("input[name=q]");
  if (!target || !input) continue;
  let timer = null;
  let inflight = null;
  input.setAttribute("autocomplete", "off");
  input.addEventListener("input", () => {
    clearTimeout(timer);
    timer = setTimeout(async () => {
      const q = input.value.trim();
      if (q.length < 3) return;
      if (inflight) inflight.abort();
      inflight = new AbortController();
      const url = new URL(form.action, window.location.href);
      url.searchParams.set("q", q);
      try {
        const fragmentUrl = new URL(url);
        fragmentUrl.searchParams.set("fragment", "results");
        const response = await fetch(fragmentUrl, { signal: inflight.signal, credentials: "same-origin" });
        if (!response.ok) return;
        target.innerHTML = await response.text();
        window.history.replaceState(null, "", url);
      } catch (error) {
        if (error.name !== "AbortError") throw error;
      }
    }, 250);
  });
}
