// The page: ask (streamed), plan, growth model and documents, through the public HTTP API only.
import { ApiError, apiKey, getJson, setApiKey } from "./api.js";
import { setupAsk, setupPlan } from "./advice.js";
import { refreshDocuments, setupDocuments } from "./documents.js";
import { setupGrowth } from "./growth.js";
import { $, applyLanguage, notice, openKeyForm, setLanguage, t } from "./ui.js";

function setupKey() {
  $("key-button").addEventListener("click", () => ($("key-form").hidden ? openKeyForm() : ($("key-form").hidden = true)));
  $("key-form").addEventListener("submit", (event) => {
    event.preventDefault();
    setApiKey($("key-input").value.trim());
    $("key-form").hidden = true;
    notice(t("key.saved"));
    refreshDocuments();
  });
  $("key-forget").addEventListener("click", () => {
    setApiKey("");
    $("key-input").value = "";
    notice(t("key.forgotten"));
  });
}


// ---- tabs -----------------------------------------------------------------------------------------------------
function selectTab(tab) {
  for (const other of document.querySelectorAll('[role="tab"]')) {
    const selected = other === tab;
    other.setAttribute("aria-selected", String(selected));
    other.tabIndex = selected ? 0 : -1;
    $(other.getAttribute("aria-controls")).hidden = !selected;
  }
  if (tab.id === "tab-documents") refreshDocuments();
}

function setupTabs() {
  const tabs = [...document.querySelectorAll('[role="tab"]')];
  for (const tab of tabs) {
    tab.addEventListener("click", () => selectTab(tab));
    tab.addEventListener("keydown", (event) => {
      const index = tabs.indexOf(tab);
      const next = { ArrowRight: index + 1, ArrowLeft: index - 1, Home: 0, End: tabs.length - 1 }[event.key];
      if (next === undefined) return;
      event.preventDefault();
      const target = tabs[(next + tabs.length) % tabs.length];
      selectTab(target);
      target.focus();
    });
  }
}

// ---- start ----------------------------------------------------------------------------------------------------
function start() {
  setupTabs();
  setupKey();
  setupAsk();
  setupPlan();
  setupGrowth();
  setupDocuments();
  applyLanguage();
  $("ui-language").addEventListener("change", (event) => setLanguage(event.target.value));
  getJson("/v1/documents").catch((error) => {  // a server with keys says so at once
    if (error instanceof ApiError && error.status === 401 && !apiKey()) openKeyForm();
  });
  document.body.dataset.ready = "true";
}

start();
