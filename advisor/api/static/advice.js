// Asking (streamed, sources first) and planning, with citations that open their passages.
import { ApiError, getJson, postJson, stream } from "./api.js";
import { renderGrowth } from "./chart.js";
import { LANGUAGE_NAMES } from "./i18n.js";
import { $, element, fail, onSubmit, t } from "./ui.js";

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

export function setupAsk() {
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
export function setupPlan() {
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

