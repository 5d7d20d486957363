// What every part of the page shares: lookups, its own language, messages and errors, form submission, the key.
import { ApiError, apiKey } from "./api.js";
import { pickLanguage, translate } from "./i18n.js";

export const $ = (id) => document.getElementById(id);
let language = pickLanguage(localStorage.getItem("advisor-ui-language"), navigator.languages);
export const t = (key, values) => translate(language, key, values);

export function setLanguage(value) {
  language = value;
  localStorage.setItem("advisor-ui-language", value);
  applyLanguage();
}

export function element(name, text = "", className = "") {
  const node = document.createElement(name);
  if (text) node.textContent = text;
  if (className) node.className = className;
  return node;
}

// ---- language -------------------------------------------------------------------------------------------------
export function applyLanguage() {
  document.documentElement.lang = language;
  document.title = t("title");
  $("ui-language").value = language;
  for (const node of document.querySelectorAll("[data-i18n]")) node.textContent = t(node.dataset.i18n);
  for (const node of document.querySelectorAll("[data-i18n-placeholder]")) {
    node.placeholder = t(node.dataset.i18nPlaceholder);
  }
  for (const node of document.querySelectorAll("[data-i18n-aria]")) {
    node.setAttribute("aria-label", t(node.dataset.i18nAria));
  }
}

// ---- messages and errors --------------------------------------------------------------------------------------
const STATUS_MESSAGES = { 400: "e400", 401: "e401", 403: "e403", 404: "e404", 413: "e413", 415: "e415",
  422: "e422", 429: "e429", 503: "e503", 504: "e504" };

export function describe(error) {
  if (!(error instanceof ApiError)) return t("e500");
  if (error.status === 0) return t("offline");
  const key = STATUS_MESSAGES[error.status] || "e500";
  return t(key, { detail: error.problem.detail || "", seconds: error.retryAfter || "1" });
}

export function notice(message) {
  const box = $("notice");
  box.textContent = message;
  box.hidden = !message;
  box.dataset.status = "";
}

export function fail(error, statusNode) {
  notice(describe(error));
  $("notice").dataset.status = error instanceof ApiError ? String(error.status) : "500";
  if (statusNode) statusNode.textContent = "";
  if (error instanceof ApiError && error.status === 401) openKeyForm();
}

// On the form's submit: `work(status)` runs with the submit button disabled; a failure becomes a plain message
// (or goes to `failed(error, status)`). `work` returns at once when there is nothing to send.
export function onSubmit(formId, statusId, work, failed = fail) {
  const form = $(formId);
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const button = form.querySelector('button[type="submit"]');
    const status = $(statusId);
    button.disabled = true;
    notice("");
    try {
      await work(status);
    } catch (error) {
      failed(error, status);
    } finally {
      button.disabled = false;
    }
  });
}


// ---- API key --------------------------------------------------------------------------------------------------
export function openKeyForm() {
  const form = $("key-form");
  form.hidden = false;
  $("key-input").value = apiKey();
  $("key-input").focus();
}

