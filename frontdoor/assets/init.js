// Start GOV.UK Frontend's components. A module file, so the CSP needs no inline script.
import { initAll } from "/assets/govuk-frontend.min.js";
initAll();
