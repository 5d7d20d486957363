// Documents: list, upload, replace and delete (an admin key), with the outcome and outline of an upload.
import { ApiError, getJson, postForm, remove } from "./api.js";
import { LANGUAGE_NAMES } from "./i18n.js";
import { $, element, fail, onSubmit, openKeyForm, t } from "./ui.js";

// ---- documents ------------------------------------------------------------------------------------------------
export async function refreshDocuments() {
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

export function setupDocuments() {
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

