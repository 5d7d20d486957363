// The growth model's form: inputs, the API's validation errors beside their fields, the result.
import { ApiError, postJson } from "./api.js";
import { renderGrowth } from "./chart.js";
import { $, element, fail, onSubmit, t } from "./ui.js";

// ---- growth model ---------------------------------------------------------------------------------------------
const GROWTH_FIELDS = [
  ["traffic", "300", true], ["conversion", "0.05", true], ["target", "20", true], ["repurchase", "0.3", false],
  ["interval", "7", false], ["referral", "0.1", false], ["order_size", "1", false], ["order_value", "0", false],
  ["days", "", false],
];

// A form field: its label, the control and the place for the API's error about it.
function labelled(name, control) {
  const field = element("div", "", "field");
  const label = element("label");
  label.htmlFor = `growth-${name}`;
  label.dataset.i18n = `growth.${name}`;
  Object.assign(control, { id: `growth-${name}`, name });
  const error = element("p", "", "field-error");
  error.id = `growth-${name}-error`;
  error.hidden = true;
  control.setAttribute("aria-describedby", error.id);
  field.append(label, control, error);
  return field;
}

function buildGrowthForm() {
  const form = $("growth-form");
  const formError = $("growth-form-error");
  for (const [name, value, required] of GROWTH_FIELDS) {
    const input = element("input");
    Object.assign(input, { type: "number", step: "any", value, required });
    input.setAttribute("inputmode", "decimal");
    form.insertBefore(labelled(name, input), formError);
  }
  const select = element("select");
  for (const unit of ["volume", "orders", "revenue"]) {
    const option = element("option");
    option.value = unit;
    option.dataset.i18n = `unit.${unit}`;
    select.append(option);
  }
  form.insertBefore(labelled("target_unit", select), formError);
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

export function setupGrowth() {
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

