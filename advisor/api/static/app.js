// The page: ask (streamed), plan, growth model and documents, through the public HTTP API only.
import { ApiError, apiKey, getJson, postForm, postJson, remove, setApiKey, stream } from "./api.js";
import { renderGrowth } from "./chart.js";
import { LANGUAGE_NAMES, pickLanguage, translate } from "./i18n.js";

const $ = (id) => document.getElementById(id);
let language = pickLanguage(localStorage.getItem("advisor-ui-language"), navigator.languages);
const t = (key, values) => translate(language, key, values);

function element(name, text = "", className = "") {
  const node = document.createElement(name);
  if (text) node.textContent = text;
  if (className) node.className = className;
  return node;
}

// ---- language -------------------------------------------------------------------------------------------------
function applyLanguage() {
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

function describe(error) {
  if (!(error instanceof ApiError)) return t("e500");
  if (error.status === 0) return t("offline");
  const key = STATUS_MESSAGES[error.status] || "e500";
  return t(key, { detail: error.problem.detail || "", seconds: error.retryAfter || "1" });
}

function notice(message) {
  const box = $("notice");
  box.textContent = message;
  box.hidden = !message;
  box.dataset.status = "";
}

function fail(error, statusNode) {
  notice(describe(error));
  $("notice").dataset.status = error instanceof ApiError ? String(error.status) : "500";
  if (statusNode) statusNode.textContent = "";
  if (error instanceof ApiError && error.status === 401) openKeyForm();
}

// On the form's submit: `work(status)` runs with the submit button disabled; a failure becomes a plain message
// (or goes to `failed(error, status)`). `work` returns at once when there is nothing to send.
function onSubmit(formId, statusId, work, failed = fail) {
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
function openKeyForm() {
  const form = $("key-form");
  form.hidden = false;
  $("key-input").value = apiKey();
  $("key-input").focus();
}

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

// ---- citations and passages -----------------------------------------------------------------------------------
function citationButton(number, chunkId, quote) {
  const button = element("button", `[${number}]`, "link citation");
  button.type = "button";
  button.setAttribute("aria-label", t("citation", { n: number }));
  button.dataset.chunk = chunkId;
  button.addEventListener("click", () => openPassage(chunkId, quote, button));
  return button;
}

// Text with [n] markers as citation links; `lookup(n)` gives {chunk_id, quote} or nothing.
function citedText(text, lookup) {
  const fragment = document.createDocumentFragment();
  let last = 0;
  for (const match of text.matchAll(/\[(\d+)\]/g)) {
    fragment.append(document.createTextNode(text.slice(last, match.index)));
    const cited = lookup(Number(match[1]));
    fragment.append(cited ? citationButton(Number(match[1]), cited.chunk_id, cited.quote) : match[0]);
    last = match.index + match[0].length;
  }
  fragment.append(document.createTextNode(text.slice(last)));
  return fragment;
}

async function openPassage(chunkId, quote, opener) {
  let chunk;
  try {
    chunk = await getJson(`/v1/chunks/${encodeURIComponent(chunkId)}`);
  } catch (error) {
    fail(error);
    return;
  }
  $("passage-title").textContent = chunk.title;
  const meta = [t("passage.meta", { section: chunk.section, language: LANGUAGE_NAMES[chunk.language] || chunk.language })];
  if (chunk.page !== null && chunk.page !== undefined) meta.push(t("passage.page", { page: chunk.page }));
  $("passage-meta").textContent = meta.join(" · ");
  const quoteAt = quote ? chunk.text.indexOf(quote) : -1;
  const body = $("passage-text");
  body.replaceChildren();
  if (quoteAt >= 0) {
    const mark = element("mark", quote);
    mark.title = t("quoted");
    body.append(chunk.text.slice(0, quoteAt), mark, chunk.text.slice(quoteAt + quote.length));
  } else {
    body.textContent = chunk.text;
  }
  const dialog = $("passage");
  dialog.addEventListener("close", () => opener && opener.focus(), { once: true });
  dialog.showModal();
  $("passage-close").focus();
}

// ---- ask ------------------------------------------------------------------------------------------------------
// The passages read for a question, one entry per section (its passages' text joined, shortened).
function renderSources(sources) {
  const list = $("ask-source-list");
  list.replaceChildren();
  const sections = new Map();
  for (const source of sources) {
    const key = source.section_id || source.chunk_id;
    if (!sections.has(key)) sections.set(key, []);
    sections.get(key).push(source);
  }
  for (const passages of sections.values()) {
    const [first] = passages;
    const item = element("li");
    item.dataset.chunk = first.chunk_id;
    item.append(element("strong", first.section || first.title));
    const where = [LANGUAGE_NAMES[first.language] || first.language];
    if (first.page !== null && first.page !== undefined) where.push(t("passage.page", { page: first.page }));
    item.append(element("span", ` · ${where.join(" · ")}`, "meta"));
    const text = passages.map((passage) => passage.text).join(" ");
    item.append(element("p", text.length > 240 ? `${text.slice(0, 240)}…` : text, "snippet"));
    const read = element("button", t("read"), "link read");
    read.type = "button";
    read.setAttribute("aria-label", `${t("read")}: ${first.section || first.title}`);
    read.addEventListener("click", () => openPassage(first.chunk_id, "", read));
    item.append(read);
    list.append(item);
  }
  $("ask-sources").hidden = sources.length === 0;
}

function setupAsk() {
  onSubmit("ask-form", "ask-status", async (status) => {
    const question = $("question").value.trim();
    if (!question) return;
    const text = $("ask-text");
    const streamed = new Map();
    let written = "";
    $("ask-sources").hidden = true;
    $("ask-answer").hidden = true;
    $("ask-declined").hidden = true;
    text.replaceChildren();
    status.textContent = t("working");
    await stream("/v1/ask", { question }, (name, data) => {
      if (name === "sources") {
        renderSources(data.sources);
        status.textContent = t("writing");
      } else if (name === "citation") {
        streamed.set(data.number, { chunk_id: data.chunk_id, quote: "" });
      } else if (name === "delta" || name === "restart") {
        written = name === "delta" ? written + data.text : "";
        $("ask-answer").hidden = false;
        text.replaceChildren(citedText(written, (n) => streamed.get(n)));
      } else if (name === "done") {
        $("ask-answer").hidden = false;
        text.replaceChildren(citedText(data.answer, (n) => data.citations[n - 1]));
        $("ask-declined").hidden = data.answerable;
        $("ask-declined").textContent = data.answerable ? "" : t("declined");
        status.textContent = t("done");
      } else if (name === "error") {
        throw new ApiError(data.status || 500, data, null);
      }
    });
  });
}

// ---- plan -----------------------------------------------------------------------------------------------------
function setupPlan() {
  onSubmit("plan-form", "plan-status", async (status) => {
    const goal = $("goal").value.trim();
    if (!goal) return;
    const steps = $("plan-steps");
    steps.replaceChildren();
    $("plan-declined").hidden = true;
    $("plan-growth").hidden = true;
    status.textContent = t("working");
    const plan = await postJson("/v1/plan", { goal, context: $("context").value.trim() });
    if (!plan.answerable) {
      $("plan-declined").hidden = false;
      $("plan-declined").textContent = [t("plan.declined"), plan.reason].filter(Boolean).join(" ");
    }
    for (const step of plan.steps) {
      const item = element("li");
      item.dataset.stage = step.stage;
      item.append(element("h3", step.title));
      const points = element("ul");
      for (const point of step.items) {
        const line = element("li");
        line.append(citedText(point.text, (n) => plan.citations[n - 1]));
        for (const number of point.citations) {  // a citation the text does not mark follows it
          const cited = plan.citations[number - 1];
          if (cited && !point.text.includes(`[${number}]`)) {
            line.append(" ", citationButton(number, cited.chunk_id, cited.quote));
          }
        }
        points.append(line);
      }
      item.append(points);
      steps.append(item);
    }
    if (plan.growth) {
      $("plan-growth").hidden = false;
      renderGrowth($("plan-growth").querySelector(".growth-result"), plan.growth.result, t);
    }
    status.textContent = t("done");
  });
}

// ---- growth model ---------------------------------------------------------------------------------------------
const GROWTH_FIELDS = [
  ["traffic", "300", true], ["conversion", "0.05", true], ["target", "20", true], ["repurchase", "0.3", false],
  ["interval", "7", false], ["referral", "0.1", false], ["order_size", "1", false], ["order_value", "0", false],
  ["days", "", false],
];

function buildGrowthForm() {
  const form = $("growth-form");
  const formError = $("growth-form-error");
  for (const [name, value, required] of GROWTH_FIELDS) {
    const field = element("div", "", "field");
    const label = element("label");
    label.htmlFor = `growth-${name}`;
    label.dataset.i18n = `growth.${name}`;
    const input = element("input");
    Object.assign(input, { id: `growth-${name}`, name, type: "number", step: "any", value, required });
    input.setAttribute("inputmode", "decimal");
    input.setAttribute("aria-describedby", `growth-${name}-error`);
    const error = element("p", "", "field-error");
    error.id = `growth-${name}-error`;
    error.hidden = true;
    field.append(label, input, error);
    form.insertBefore(field, formError);
  }
  const unitField = element("div", "", "field");
  const unitLabel = element("label");
  unitLabel.htmlFor = "growth-target_unit";
  unitLabel.dataset.i18n = "growth.target_unit";
  const select = element("select");
  Object.assign(select, { id: "growth-target_unit", name: "target_unit" });
  for (const unit of ["volume", "orders", "revenue"]) {
    const option = element("option");
    option.value = unit;
    option.dataset.i18n = `unit.${unit}`;
    select.append(option);
  }
  const unitError = element("p", "", "field-error");
  unitError.id = "growth-target_unit-error";
  unitError.hidden = true;
  select.setAttribute("aria-describedby", unitError.id);
  unitField.append(unitLabel, select, unitError);
  form.insertBefore(unitField, formError);
  const actions = element("div", "", "actions");
  const submit = element("button");
  submit.type = "submit";
  submit.dataset.i18n = "growth.submit";
  actions.append(submit);
  form.append(actions);
}

function clearFieldErrors(form) {
  for (const node of form.querySelectorAll(".field-error")) { node.hidden = true; node.textContent = ""; }
  for (const node of form.querySelectorAll("[aria-invalid]")) node.removeAttribute("aria-invalid");
}

function showFieldErrors(form, errors) {
  let first = null;
  for (const error of errors) {
    const name = error.loc && error.loc.length > 1 ? String(error.loc[1]) : "";
    const input = name && form.elements.namedItem(name);
    const box = input ? $(`growth-${name}-error`) : $("growth-form-error");
    box.hidden = false;
    box.textContent = box.textContent ? `${box.textContent} ${error.msg}` : error.msg;
    if (input) { input.setAttribute("aria-invalid", "true"); first = first || input; }
  }
  (first || $("growth-form").querySelector("input")).focus();
}

function setupGrowth() {
  buildGrowthForm();
  const form = $("growth-form");
  const invalid = (error, status) => {
    if (!(error instanceof ApiError && error.status === 422)) {
      fail(error, status);
      return;
    }
    status.textContent = t("growth.invalid");
    const errors = Array.isArray(error.problem.errors) ? error.problem.errors : [];
    showFieldErrors(form, errors.length ? errors : [{ loc: ["body"], msg: error.problem.detail }]);
  };
  onSubmit("growth-form", "growth-status", async (status) => {
    clearFieldErrors(form);
    const body = { target_unit: form.elements.namedItem("target_unit").value };
    for (const [name] of GROWTH_FIELDS) {
      const raw = form.elements.namedItem(name).value.trim();
      if (raw !== "") body[name] = Number(raw);
    }
    status.textContent = t("working");
    renderGrowth($("growth-output"), await postJson("/v1/model/growth", body), t);
    status.textContent = t("done");
  }, invalid);
}

// ---- documents ------------------------------------------------------------------------------------------------
async function refreshDocuments() {
  const body = $("docs-table").querySelector("tbody");
  let listing;
  try {
    listing = await getJson("/v1/documents");
  } catch (error) {
    if (error instanceof ApiError && error.status === 401) openKeyForm();
    body.replaceChildren();
    return;
  }
  body.replaceChildren();
  if (!listing.documents.length) {
    const row = element("tr");
    const cell = element("td", t("docs.empty"));
    cell.colSpan = 5;
    row.append(cell);
    body.append(row);
  }
  for (const doc of listing.documents) {
    const row = element("tr");
    row.dataset.id = doc.id;
    for (const value of [doc.id, doc.title, LANGUAGE_NAMES[doc.language] || doc.language, String(doc.chunks)]) {
      row.append(element("td", value));
    }
    const actions = element("td");
    const replace = element("button", t("docs.replace"), "secondary");
    replace.type = "button";
    replace.setAttribute("aria-label", `${t("docs.replace")} ${doc.id}`);
    replace.addEventListener("click", () => {
      $("upload-id").value = doc.id;
      $("docs-status").textContent = t("docs.replacing", { id: doc.id });
      $("upload-file").focus();
    });
    const del = element("button", t("docs.delete"), "secondary");
    del.type = "button";
    del.setAttribute("aria-label", `${t("docs.delete")} ${doc.id}`);
    del.addEventListener("click", async () => {
      if (!window.confirm(t("docs.confirm", { id: doc.id }))) return;
      try {
        const deleted = await remove(`/v1/documents/${encodeURIComponent(doc.id)}`);
        $("docs-status").textContent = t("docs.deleted", { id: deleted.id, n: deleted.chunks_deleted });
        refreshDocuments();
      } catch (error) {
        fail(error, $("docs-status"));
      }
    });
    actions.append(replace, " ", del);
    row.append(actions);
    body.append(row);
  }
}

function renderOutcome(result) {
  const parts = [t("docs.summary", { id: result.id, status: t(`status.${result.status}`), chunks: result.chunks,
    added: result.chunks_added, deleted: result.chunks_deleted, format: result.format })];
  if (result.pages) parts.push(t("docs.pages", { pages: result.pages }));
  $("upload-summary").textContent = parts.join(" ");
  $("upload-summary").dataset.status = result.status;
  const outline = $("upload-outline");
  outline.replaceChildren();
  for (const section of result.outline) {
    const item = element("li", section.heading || t("docs.before"));
    item.style.marginInlineStart = `${section.level * 1.25}rem`;
    if (section.page) item.append(element("span", ` (${t("passage.page", { page: section.page })})`, "meta"));
    outline.append(item);
  }
  $("upload-outcome").hidden = false;
}

function setupDocuments() {
  $("docs-refresh").addEventListener("click", refreshDocuments);
  onSubmit("upload-form", "docs-status", async (status) => {
    const file = $("upload-file").files[0];
    if (!file) return;
    const form = new FormData();
    form.append("file", file, file.name);
    for (const [field, id] of [["id", "upload-id"], ["title", "upload-title"], ["language", "upload-language"]]) {
      const value = $(id).value.trim();
      if (value) form.append(field, value);
    }
    status.textContent = t("docs.uploading");
    $("upload-outcome").hidden = true;
    renderOutcome(await postForm("/v1/documents", form));
    status.textContent = t("done");
    refreshDocuments();
  });
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
  $("ui-language").addEventListener("change", (event) => {
    language = event.target.value;
    localStorage.setItem("advisor-ui-language", language);
    applyLanguage();
  });
  getJson("/v1/documents").catch((error) => {  // a server with keys says so at once
    if (error instanceof ApiError && error.status === 401 && !apiKey()) openKeyForm();
  });
  document.body.dataset.ready = "true";
}

start();
