// The growth model's result: an SVG chart (trajectory, target line, the article's N) and the levers table.

const SVG = "http://www.w3.org/2000/svg";

function svg(name, attributes = {}, text = "") {
  const node = document.createElementNS(SVG, name);
  for (const [key, value] of Object.entries(attributes)) node.setAttribute(key, String(value));
  if (text) node.textContent = text;
  return node;
}

function element(name, text = "", className = "") {
  const node = document.createElement(name);
  if (text) node.textContent = text;
  if (className) node.className = className;
  return node;
}

const MEASURE = { volume: "volume", orders: "orders", revenue: "revenue" };

function format(value) {
  if (value === null || value === undefined) return "–";
  return Number(value).toLocaleString(undefined, { maximumFractionDigits: 2 });
}

export function renderGrowth(container, result, t) {
  container.replaceChildren();
  const unit = result.inputs.target_unit;
  const key = MEASURE[unit] || "volume";
  const days = result.trajectory.map((row) => row.day);
  const values = result.trajectory.map((row) => row[key]);
  const target = result.inputs.target;
  const summary = element("p");
  if (result.target_day !== null) summary.textContent = t("growth.reached", { day: result.target_day });
  else if (!result.reachable) summary.textContent = t("growth.unreachable", { ceiling: format(result.ceiling) });
  else summary.textContent = t("growth.late");
  container.append(summary);
  if (result.article_day !== null) container.append(element("p", t("growth.article", { day: result.article_day })));

  const width = 640, height = 300, left = 56, right = 16, top = 16, bottom = 36;
  const maxDay = Math.max(...days, result.article_day || 0, 1);
  const maxValue = Math.max(...values, target) * 1.1 || 1;
  const x = (day) => left + (day / maxDay) * (width - left - right);
  const y = (value) => height - bottom - (value / maxValue) * (height - top - bottom);
  const title = t("growth.chart", { unit: t(`unit.${unit}`) });
  const chart = svg("svg", { viewBox: `0 0 ${width} ${height}`, class: "chart", role: "img", "aria-label": title });
  chart.append(svg("title", {}, title));
  chart.append(svg("line", { x1: left, y1: height - bottom, x2: width - right, y2: height - bottom, class: "axis" }));
  chart.append(svg("line", { x1: left, y1: top, x2: left, y2: height - bottom, class: "axis" }));
  for (const fraction of [0, 0.5, 1]) {
    const day = Math.round(maxDay * fraction);
    chart.append(svg("text", { x: x(day), y: height - bottom + 16, "text-anchor": "middle" }, String(day)));
    const value = maxValue * fraction;
    chart.append(svg("text", { x: left - 6, y: y(value) + 4, "text-anchor": "end" }, format(value)));
  }
  const points = days.map((day, index) => `${x(day).toFixed(1)},${y(values[index]).toFixed(1)}`).join(" ");
  chart.append(svg("polyline", { points, class: "trajectory", "data-series": "trajectory" }));
  chart.append(svg("line", { x1: left, y1: y(target), x2: width - right, y2: y(target), class: "target",
                             "data-series": "target" }));
  chart.append(svg("text", { x: width - right, y: y(target) - 4, "text-anchor": "end" }, t("legend.target")));
  if (result.article_day !== null) {
    chart.append(svg("line", { x1: x(result.article_day), y1: top, x2: x(result.article_day), y2: height - bottom,
                               class: "article", "data-series": "article" }));
    chart.append(svg("text", { x: x(result.article_day) + 4, y: top + 12 }, `N = ${result.article_day}`));
  }
  if (result.target_day !== null) {
    chart.append(svg("line", { x1: x(result.target_day), y1: top, x2: x(result.target_day), y2: height - bottom,
                               class: "reached", "data-series": "reached" }));
  }
  container.append(chart);
  const legend = element("p", "", "legend");
  for (const name of ["trajectory", "target", "article", "reached"]) legend.append(element("span", t(`legend.${name}`)));
  container.append(legend);

  const table = element("table");
  table.append(element("caption", t("growth.levers")));
  const head = element("tr");
  for (const name of ["lever", "value", "improved", "day", "saved", "gain"]) {
    const cell = element("th", t(`lever.${name}`));
    cell.scope = "col";
    head.append(cell);
  }
  const thead = element("thead");
  thead.append(head);
  table.append(thead);
  const body = element("tbody");
  for (const lever of result.levers) {
    const row = element("tr");
    const gain = `${(lever.gain * 100).toFixed(1)}%`;
    for (const value of [lever.lever, format(lever.value), format(lever.improved), format(lever.target_day),
                         format(lever.days_saved), gain]) row.append(element("td", value));
    body.append(row);
  }
  table.append(body);
  const wrap = element("div", "", "table-wrap");
  wrap.append(table);
  container.append(wrap);
}
