// The middlepower page: reads the JSON API of the same server, draws with Vega-Lite.
// Every string from the server or the user reaches the page as a text node or an
// attribute value (never as HTML), and the view's state lives in the query string.

const $ = (sel, root = document) => root.querySelector(sel);
const $$ = (sel, root = document) => Array.from(root.querySelectorAll(sel));

function el(tag, attrs = {}, ...kids) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === false || v === null || v === undefined) continue;
    if (k === "class") node.className = v;
    else if (k.startsWith("on")) node.addEventListener(k.slice(2), v);
    else node.setAttribute(k, v === true ? "" : String(v));
  }
  for (const kid of kids.flat()) {
    if (kid === null || kid === undefined) continue;
    node.append(kid instanceof Node ? kid : document.createTextNode(String(kid)));
  }
  return node;
}

// ------------------------------------------------------------------ formatting
const MINUS = "\u2212";
function signed(x, digits = 2) {
  if (x === null || x === undefined || Number.isNaN(x)) return "n/a";
  const s = Math.abs(x).toFixed(digits);
  if (Number(s) === 0) return (0).toFixed(digits);
  return (x < 0 ? MINUS : "+") + s;
}
const pct = (x, d = 2) => (x === null || x === undefined ? "n/a" : signed(x, d) + "%");
const plain = (x, d = 1) => {
  if (x === null || x === undefined || Number.isNaN(x)) return "n/a";
  const s = Number(x).toFixed(d);
  return Number(s) === 0 ? (0).toFixed(d) : s.replace("-", MINUS);
};
const money = (x, unit) => `${Math.abs(x) >= 10 ? Math.abs(x).toFixed(0) : Math.abs(x).toFixed(1)} ${unit}`;
const cls = (x) => (x < 0 ? "neg" : x > 0 ? "pos" : "");

// ------------------------------------------------------------------ state in the URL
const DEFAULTS = {
  view: "brief", data: "", target: "", against: "", tariff: "25", bands: "50", sectors: "",
  cands: "", instrument: "both", objective: "target", allgain: "0", pick: "",
  countries: "", embargo: "0", yaml: "", variant: "", response: "give in",
  asof: "", exempt: "0", coals: "EU27, GBR, JPN", gobj: "total", curves: "", story: "", pickst: "",
  svariant: "",
};
const VIEWS = ["brief", "coalitions", "leverage", "scenario", "game", "story"];
const LONG = new Set(["yaml", "story"]);   // texts kept in the URL only while short
const state = { ...DEFAULTS };

function readURL() {
  const q = new URLSearchParams(location.search);
  for (const k of Object.keys(DEFAULTS)) if (q.has(k)) state[k] = q.get(k).slice(0, 4000);
  if (!VIEWS.includes(state.view)) state.view = "brief";
}

function writeURL() {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(state)) {
    if (v !== DEFAULTS[k] && v !== "" && !(LONG.has(k) && v.length > 1800)) q.set(k, v);
  }
  history.replaceState(null, "", `${location.pathname}?${q.toString()}`);
}

// ------------------------------------------------------------------ API
class ApiError extends Error {}

async function api(path, body) {
  const init = body === undefined ? {} : {
    method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body),
  };
  let res;
  try {
    res = await fetch(path, init);
  } catch (e) {
    throw new ApiError("The server cannot be reached; is `middlepower serve` still running?");
  }
  let payload = null;
  try { payload = await res.json(); } catch (e) { /* not JSON: reported below */ }
  if (!res.ok) {
    const msg = payload && payload.error ? payload.error.message : `HTTP ${res.status}`;
    throw new ApiError(msg);
  }
  return payload;
}

// ------------------------------------------------------------------ status, errors
let busy = 0;
function setBusy(on, text = "") {
  busy += on ? 1 : -1;
  $("#status").textContent = busy > 0 ? text : "";
  $("#run").disabled = busy > 0;
  $("#results").classList.toggle("loading", busy > 0);
  $("#results").setAttribute("aria-busy", busy > 0 ? "true" : "false");
}
function showError(err) {
  const box = $("#error");
  box.textContent = err ? String(err.message || err) : "";
  box.hidden = !err;
  // the last good answer stays visible, dimmed, so the page does not jump or go blank
  $("#results").classList.toggle("stale", Boolean(err));
}
async function guarded(text, fn) {
  showError(null);
  setBusy(true, text);
  const t0 = performance.now();
  try {
    await fn();
    $("#status").dataset.ms = String(Math.round(performance.now() - t0));
  } catch (err) {
    showError(err);
    if (!(err instanceof ApiError)) console.error(err);
  } finally {
    setBusy(false);
  }
}

// ------------------------------------------------------------------ jobs
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// Submit a job, show its progress under the controls, and return its answer. Work that
// cannot be counted in advance shows the time so far against the last run's duration.
async function runJob(path, body, label) {
  let job = await api(path, body);
  const bar = $("#job-progress");
  bar.hidden = false;
  try {
    while (job.status === "queued" || job.status === "running") {
      const t = job.elapsed_s, eta = job.expected_s;
      if (eta) bar.value = Math.min(0.95, t / eta); else bar.removeAttribute("value");
      $("#status").textContent = `${label}: ${job.status}, ${t.toFixed(0)} s` +
        (eta ? ` (about ${Math.max(1, Math.round(eta))} s last time)` : "") + (job.message ? `; ${job.message}` : "");
      await sleep(t < 2 ? 120 : 400);
      job = await api(job.status_url);
    }
  } finally {
    bar.hidden = true;
  }
  if (job.status === "error") throw new ApiError(job.error);
  return api(job.result_url);
}

// ------------------------------------------------------------------ downloads
function save(name, blob) {
  const url = URL.createObjectURL(blob);
  const a = el("a", { href: url, download: name });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}
function toCSV(rows) {
  if (!rows || !rows.length) return "";
  const cols = [...new Set(rows.flatMap((r) => Object.keys(r)))];
  const cell = (v) => {
    if (v === null || v === undefined) return "";
    let s = Array.isArray(v) ? v.join("+") : String(v);
    if (typeof v === "string" && /^[=+\-@\t\r]/.test(s)) s = "'" + s; // not a formula
    return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
  };
  return [cols.join(","), ...rows.map((r) => cols.map((c) => cell(r[c])).join(","))].join("\n") + "\n";
}
const downloads = {};   // table name -> {rows, json, yaml, stem}
const views = {};       // chart name -> vega view

function tableButtons(name) {
  const box = $(`.dl[data-table="${name}"]`);
  if (!box || box.childElementCount) return;
  const get = () => downloads[name];
  box.append(
    el("button", { type: "button", "aria-label": `Download ${name} as CSV`, onclick: () => {
      const d = get(); if (d) save(`${d.stem}.csv`, new Blob([toCSV(d.rows)], { type: "text/csv" }));
    } }, "CSV"),
    el("button", { type: "button", "aria-label": `Download ${name} as JSON`, onclick: () => {
      const d = get(); if (d) save(`${d.stem}.json`, new Blob([JSON.stringify(d.json, null, 1)], { type: "application/json" }));
    } }, "JSON"),
  );
  if (["brief", "solve", "story-solve"].includes(name)) {
    box.append(el("button", { type: "button", "aria-label": `Download the scenario as YAML`, onclick: () => {
      const d = get(); if (d && d.yaml) save(`${d.stem}.yaml`, new Blob([d.yaml], { type: "text/yaml" }));
    } }, "YAML"));
  }
}
function chartButtons(name) {
  const box = $(`.dl[data-chart="${name}"]`);
  if (!box || box.childElementCount) return;
  box.append(
    el("button", { type: "button", "aria-label": `Download the ${name} chart as PNG`, onclick: async () => {
      const v = views[name]; if (!v) return;
      const url = await v.toImageURL("png", 2);
      save(`${name}.png`, await (await fetch(url)).blob());
    } }, "PNG"),
    el("button", { type: "button", "aria-label": `Download the ${name} chart as SVG`, onclick: async () => {
      const v = views[name]; if (!v) return;
      save(`${name}.svg`, new Blob([await v.toSVG()], { type: "image/svg+xml" }));
    } }, "SVG"),
  );
}

// ------------------------------------------------------------------ charts
const OKABE = ["#0072B2", "#E69F00", "#7f7f7f", "#009E73", "#CC79A7", "#56B4E9", "#D55E00"];

// On a phone a chart's labels, legend and axis title must fit its box (an SVG clips what
// passes its edge): label room shrinks with the box, a top legend wraps in two columns,
// and a long axis title breaks into lines.
const boxWidth = (target) => $(target).clientWidth || 600;
const labelRoom = (target, most, share = 0.34) => Math.round(Math.max(70, Math.min(most, share * boxWidth(target))));
const topLegend = (target) => (boxWidth(target) < 520 ? { orient: "top", columns: 2 } : { orient: "top" });
function titleLines(text, target) {
  const most = Math.max(18, Math.floor((0.6 * boxWidth(target)) / 7)), out = [];
  for (const word of text.split(" ")) {
    const last = out.length - 1;
    if (last >= 0 && (out[last] + " " + word).length <= most) out[last] += " " + word;
    else out.push(word);
  }
  return out.length === 1 ? out[0] : out;
}

async function draw(name, target, spec) {
  if (typeof window.vegaEmbed !== "function") throw new Error("the chart library did not load");
  if (views[name]) views[name].finalize();
  const full = {
    $schema: "https://vega.github.io/schema/vega-lite/v6.json",
    config: { font: "system-ui, sans-serif", view: { stroke: null }, axis: { labelFontSize: 12, titleFontSize: 12 },
      legend: { labelFontSize: 12, titleFontSize: 12 } },
    ...spec,
  };
  const res = await window.vegaEmbed(target, full, { renderer: "svg", actions: false });
  views[name] = res.view;
  chartButtons(name);
  return res.view;
}

// The world map (the rule is middlepower.report.worldmap): every country shape but
// Antarctica; shapes not modelled on their own are one shade, labelled "rest of world",
// with the dataset's ROW change in their tooltip. The plot is MAP_ASPECT times less tall
// than wide, so the fitted world fills the width on a phone as on a desktop.
const MAP_ASPECT = 2.3, REST = "rest of world";
const mapHeight = (target) => Math.max(120, Math.round($(target).clientWidth / MAP_ASPECT));
function mapSpec(rows, title, target) {
  const lim = Math.max(0.05, ...rows.filter((r) => !r.rest).map((r) => Math.abs(r.welfare_pct ?? 0)));
  const tooltip = [
    { field: "name", title: "economy" },
    { field: "welfare_pct", type: "quantitative", format: "+.3f", title: "welfare, %" },
  ];
  const shape = { type: "geoshape", stroke: "#fff", strokeWidth: 0.4 };
  return {
    description: title,
    width: "container", height: mapHeight(target), autosize: { type: "fit-x", contains: "padding" },
    data: { url: "/static/vendor/countries-110m.json", format: { type: "topojson", feature: "countries" } },
    transform: [
      { filter: "datum.id !== '010'" },
      { calculate: "datum.id != null ? datum.id : datum.properties.name", as: "key" },
      { lookup: "key", from: { data: { values: rows }, key: "id", fields: ["economy", "name", "rest", "kind", "welfare_pct"] } },
    ],
    projection: { type: "equalEarth" },
    layer: [
      { transform: [{ filter: "datum.rest !== false" }], mark: shape, encoding: {
        color: { field: "kind", type: "nominal", title: null,
          scale: { domain: [REST], range: ["#c3c8cf"] }, legend: { orient: "bottom", symbolType: "square" } },
        tooltip } },
      { transform: [{ filter: "datum.rest === false" }], mark: shape, encoding: {
        color: { field: "welfare_pct", type: "quantitative", title: "welfare, %",
          // symmetric log: a -2% target and +0.01% bystanders both stay readable
          scale: { type: "symlog", constant: 0.02, scheme: "blueorange", reverse: true, domain: [-lim, lim] },
          legend: { format: ".2~f", orient: "bottom", gradientLength: 200 } },
        tooltip } },
    ],
    resolve: { scale: { color: "independent" } },
  };
}
// a resized window re-fits the maps drawn so far
const MAPS = { map: "#map", "scenario-map": "#scenario-map", "story-map": "#story-map" };
window.addEventListener("resize", () => {
  for (const [name, target] of Object.entries(MAPS)) if (views[name]) views[name].height(mapHeight(target)).runAsync();
});

// ------------------------------------------------------------------ dataset
let info = null;
const nameOf = (code) => (info && info.names[code]) || code;

async function loadDataset(name) {
  info = await api(`/api/v1/datasets/${encodeURIComponent(name)}`);
  info.names = Object.fromEntries(info.countries.map((c) => [c.code, c.name]));
  const list = $("#economies");
  list.replaceChildren(...info.countries.map((c) => el("option", { value: c.code }, c.name)));
  // aliases (steel, autos, energy...) first: they are what users ask for
  const groups = Object.entries(info.sector_groups || {});
  info.multi = info.sectors.length > 1;
  $("#sectors-field").hidden = !info.multi;
  $(".if-sectors").hidden = !info.multi;
  $("#sectors").replaceChildren(
    el("optgroup", { label: "Common names" }, groups.map(([g, codes]) =>
      el("option", { value: g, title: codes.join(", ") }, `${g.replace(/_/g, " ")} (${codes.length === 1 ? codes[0] : `${codes.length} sectors`})`))),
    el("optgroup", { label: "Sectors" }, info.sectors.map((x) => el("option", { value: x.code }, `${x.name} (${x.code})`))),
  );
  // a multi-sector brief solves every response per draw: offer few draws there
  const most = window.__limits?.max_sector_draws ?? 20;
  const draws = info.multi ? [0, Math.round(most / 2), most] : [0, 50, 100, 200];
  $("#bands").replaceChildren(...draws.map((n) => el("option", { value: String(n) }, n ? `${n} draws` : "no bands")));
  if (!draws.includes(Number(state.bands))) state.bands = info.multi ? "0" : "50";
  $("#source").textContent = `Data: ${info.year ?? ""} ${info.economies} economies, ${info.unit}. ${info.source}`;
  if (!state.target) state.target = info.defaults.target;
  if (!state.against) state.against = info.defaults.against;
}

function mapRows(values) {
  // values: economy -> welfare_pct; every shape of the map, EU27 members drawn as the EU
  return info.map_ids.map((m) => ({ id: m.id, economy: m.economy, rest: m.rest, kind: REST,
    name: m.rest ? `${REST}${m.economy ? ` (modelled as one economy, ${m.economy})` : " (not in the data)"}` : nameOf(m.economy),
    welfare_pct: values[m.economy] ?? null }));
}

// ------------------------------------------------------------------ form
function showPicked() {
  const picked = $$("#sectors option").filter((o) => o.selected).map((o) => o.value);
  $("#sectors-picked").textContent = picked.length ? `Taxed: ${picked.join(", ").replace(/_/g, " ")} (Ctrl/Cmd-click to pick several)` : "Ctrl/Cmd-click to pick several";
}
function readForm() {
  state.data = $("#data").value;
  state.target = $("#target").value.trim();
  state.against = $("#against").value.trim();
  state.tariff = $("#tariff").value;
  state.bands = $("#bands").value;
  state.sectors = $$("#sectors option").filter((o) => o.selected).map((o) => o.value).join(",");
  state.asof = $("#as-of").value;
  state.exempt = $("#exempt").value;
}
function writeForm() {
  $("#data").value = state.data;
  $("#target").value = state.target;
  $("#against").value = state.against;
  $("#tariff").value = state.tariff;
  $("#tariff-out").textContent = `${state.tariff}%`;
  $("#bands").value = state.bands;
  const picked = new Set(state.sectors.split(",").filter(Boolean));
  for (const o of $$("#sectors option")) o.selected = picked.has(o.value);
  showPicked();
  $("#instrument").value = state.instrument;
  $("#objective").value = state.objective;
  $("#all-gain").checked = state.allgain === "1";
  $("#lev-countries").value = state.countries;
  $("#lev-embargo").checked = state.embargo === "1";
  if (state.yaml) $("#yaml").value = state.yaml;
  $("#as-of").value = state.asof;
  $("#as-of-step").value = "";
  $("#exempt").value = state.exempt;
  $("#exempt-out").textContent = `${state.exempt}%`;
  $("#game-coalitions").value = state.coals;
  $("#game-objective").value = state.gobj;
  $("#game-curves").checked = state.curves ? state.curves === "1" : !info.multi;
  $("#story").value = state.story || STORY;
}
const rate = () => Number(state.tariff) / 100;
const common = () => ({ data: state.data, target: state.target, against: state.against, tariff: rate() });

// ------------------------------------------------------------------ the brief
let lastBrief = null;

async function runBrief() {
  const body = { ...common(), bands: Number(state.bands) };
  const sectors = state.sectors.split(",").filter(Boolean);
  if (sectors.length) body.sectors = sectors;
  if (Number(state.exempt)) body.exempt = Number(state.exempt) / 100;
  if (state.asof) body.as_of = state.asof;
  // a multi-sector brief takes seconds: a job with progress instead of a waiting request
  const b = info.multi ? await runJob("/api/v1/brief/jobs", body, `Solving the responses on ${state.data}`)
    : await api("/api/v1/brief", body);
  lastBrief = b;
  await renderBrief(b);
}

function setNum(id, value) {
  const node = $(id);
  node.textContent = pct(value);
  node.dataset.value = String(value);
  node.className = `num ${cls(value)}`;
}

async function renderBrief(b) {
  const drawn = [];
  const R = Object.fromEntries(b.responses.map((r) => [r.name, r]));
  const give = R["give in"], ret = R.retaliate;
  const options = b.responses.filter((r) => r.name !== "no coercion");
  const best = options.reduce((a, r) => (r.target_welfare_pct > a.target_welfare_pct ? r : a));
  const unit = b.data.unit;
  for (const n of $$(".t-name")) n.textContent = b.target_name;
  setNum("#headline-number", give.target_welfare_pct);
  setNum("#retaliate-number", ret.target_welfare_pct);
  setNum("#best-number", best.target_welfare_pct);
  $("#best-name").textContent = `${best.name}: change in real income (welfare), %`;
  const lv = b.target_welfare_change;
  const say = (x) => `${x < 0 ? "less" : "more"}: about ${money(x, unit)} a year at ${b.data.year} prices.`;
  $("#what-give").textContent = `${b.target_name}'s households could buy ${Math.abs(give.target_welfare_pct).toFixed(2)}% ${say(lv["give in"])}`;
  $("#what-retaliate").textContent = `Answering with a ${state.tariff}% tariff on ${b.against_name}: ${b.against_name} ${ret.against_welfare_pct < 0 ? "loses" : "gains"} ${Math.abs(ret.against_welfare_pct).toFixed(2)}%.`;
  $("#what-best").textContent = best.description;
  $("#what-best").title = best.description;
  $("#headline").textContent = b.headline;
  $("#notes").replaceChildren(...b.notes.map((n) => el("li", {}, n)));

  // responses with bands
  const rows = [];
  for (const r of b.responses) {
    for (const [who, label] of [["target", b.target_name], ["against", b.against_name], ["world", "World"]]) {
      const v = r[`${who}_welfare_pct`];
      rows.push({ response: r.name, who: label, welfare: v,
        p5: r[`${who}_welfare_p5`] ?? v, p95: r[`${who}_welfare_p95`] ?? v });
    }
  }
  const order = b.responses.map((r) => r.name);
  const whoOrder = [b.target_name, b.against_name, "World"];
  const y = { field: "response", type: "nominal", sort: order, title: null, axis: { labelLimit: labelRoom("#chart-responses", 160) } };
  const yOffset = { field: "who", type: "nominal", sort: whoOrder };
  drawn.push(draw("responses", "#chart-responses", {
    description: "Welfare change by response, %",
    width: "container", height: 300, autosize: { type: "fit-x", contains: "padding" },
    data: { values: rows },
    layer: [
      { mark: { type: "bar", cornerRadiusEnd: 2 }, encoding: { y, yOffset,
        x: { field: "welfare", type: "quantitative", title: "change in real income, %" },
        color: { field: "who", type: "nominal", sort: whoOrder, title: null,
          scale: { range: OKABE.slice(0, 3) }, legend: topLegend("#chart-responses") },
        tooltip: [{ field: "response" }, { field: "who", title: "economy" },
          { field: "welfare", type: "quantitative", format: "+.3f", title: "welfare, %" },
          { field: "p5", type: "quantitative", format: "+.3f", title: "5%" },
          { field: "p95", type: "quantitative", format: "+.3f", title: "95%" }] } },
      { mark: { type: "rule", color: "#111" }, encoding: { y, yOffset,
        x: { field: "p5", type: "quantitative" }, x2: { field: "p95" } } },
    ],
  }));

  // map
  const sel = $("#map-response");
  sel.replaceChildren(...order.filter((n) => n !== "no coercion").map((n) => el("option", { value: n }, n)));
  sel.value = order.includes(state.response) ? state.response : "give in";
  drawn.push(drawBriefMap());

  // exposure
  const e = b.exposure;
  const facts = [
    [`Exports sold to ${b.against_name}`, `${plain(e.export_share_pct)}% of ${b.target_name}'s exports`],
    [`…as a share of output`, `${plain(e.exports_pct_of_output)}%`],
    [`Imports from ${b.against_name}`, `${plain(e.import_share_pct)}% of its imports`],
    [`${b.against_name}'s exports sold to ${b.target_name}`, `${plain(e.reverse_export_share_pct)}%`],
    [`Concentration of export markets`, `${Math.round(e.export_hhi)} (HHI, 0-10,000)`],
  ];
  $("#exposure").replaceChildren(...facts.flatMap(([k, v]) => [el("dt", {}, k), el("dd", {}, v)]));
  drawn.push(draw("partners", "#chart-partners", {
    description: "Top export markets, % of exports",
    width: "container", height: 160, autosize: { type: "fit-x", contains: "padding" },
    data: { values: e.top_partners },
    mark: { type: "bar", color: OKABE[0] },
    encoding: {
      y: { field: "name", type: "nominal", sort: "-x", title: null, axis: { labelLimit: labelRoom("#chart-partners", 200, 0.4) } },
      x: { field: "export_share_pct", type: "quantitative", title: titleLines(`share of ${b.target_name}'s exports, %`, "#chart-partners") },
      tooltip: [{ field: "name" }, { field: "export_share_pct", type: "quantitative", format: ".1f", title: "%" }],
    },
  }));

  const L = b.leverage;
  const pairFacts = [
    [`${b.target_name} loses`, `${plain(L.target_loss_pct, 2)}% of real income`],
    [`${b.against_name} loses`, `${plain(L.against_loss_pct, 2)}% of real income`],
    [`Leverage of ${b.against_name}`, `${plain(L.against_leverage_over_target, 1)} to 1`],
    [`Best retaliatory rate`, `${(100 * L.best_retaliation_rate).toFixed(1)}% (${pct(L.best_retaliation_target_welfare_pct)})`],
  ];
  $("#pair-leverage").replaceChildren(...pairFacts.flatMap(([k, v]) => [el("dt", {}, k), el("dd", {}, v)]));

  // table
  const cols = [["name", "response"], ["target_welfare_pct", `${b.target} welfare`],
    ["target_welfare_p5", "p5"], ["target_welfare_p95", "p95"], ["target_real_gdp_pct", `${b.target} real GDP`],
    ["against_welfare_pct", `${b.against} welfare`], ["world_welfare_pct", "world welfare"]];
  renderTable("#responses-table", cols, b.responses);
  drawn.push(drawSectors(b));
  downloads.brief = { rows: b.table, json: b, stem: `brief-${b.target}-${b.against}`, yaml: briefYAML(b) };
  tableButtons("brief");
  await Promise.all(drawn);
}

function drawSectors(b) {
  const panel = $("#sector-panel");
  panel.hidden = !(b.sector_exposure && b.sector_exposure.length);
  if (panel.hidden) return null;
  const taxed = new Set(b.taxed_sectors || []);
  const rows = b.sector_exposure.slice(0, 15).map((r) => ({ ...r,
    taxed: taxed.has(r.sector) ? "hit by the tariff" : "not taxed", tariff_pct: 100 * r.tariff_faced }));
  $("#sector-what").textContent = `${b.target_name}'s exports to ${b.against_name} by sector, % of those exports (the 15 largest of ${b.sector_exposure.length}). Dark bars: sectors the tariff hits${b.exempt ? `; ${Math.round(100 * b.exempt)}% of the target's exports enter duty-free` : ""}.`;
  downloads.sectors = { rows: b.sector_exposure, json: { sector_exposure: b.sector_exposure, sector_effects: b.sector_effects }, stem: `sectors-${b.target}-${b.against}` };
  tableButtons("sectors");
  return draw("sectors", "#chart-sectors", {
    description: "Exports to the coercer by sector, %",
    width: "container", height: 22 * rows.length + 20, autosize: { type: "fit-x", contains: "padding" },
    data: { values: rows },
    mark: { type: "bar", cornerRadiusEnd: 2 },
    encoding: {
      y: { field: "name", type: "nominal", sort: "-x", title: null, axis: { labelLimit: labelRoom("#chart-sectors", 220, 0.42) } },
      x: { field: "share_of_exports_pct", type: "quantitative", title: titleLines(`share of exports to ${b.against_name}, %`, "#chart-sectors") },
      color: { field: "taxed", type: "nominal", title: null, legend: topLegend("#chart-sectors"),
        scale: { domain: ["hit by the tariff", "not taxed"], range: [OKABE[0], "#a6cbe3"] } },
      tooltip: [{ field: "name", title: "sector" }, { field: "sector", title: "code" },
        { field: "exports_to_against", type: "quantitative", format: ",.1f", title: `exports, ${b.data.unit}` },
        { field: "share_of_exports_pct", type: "quantitative", format: ".1f", title: "% of exports to coercer" },
        { field: "pct_of_sector_output", type: "quantitative", format: ".1f", title: "% of sector output" },
        { field: "tariff_pct", type: "quantitative", format: ".1f", title: "tariff faced today, %" }],
    },
  });
}

function drawBriefMap() {
  if (!lastBrief) return;
  const resp = $("#map-response").value || "give in";
  const values = {};
  for (const r of lastBrief.welfare) if (r.response === resp) values[r.economy] = r.welfare_pct;
  return draw("map", "#map", mapSpec(mapRows(values), `Welfare change by economy, ${resp}`, "#map"));
}

function briefYAML(b) {
  // the brief's main question as a scenario file (codes are validated server-side)
  const t = JSON.stringify(b.target), h = JSON.stringify(b.against);
  return [
    `name: ${JSON.stringify(`${b.against} tariff on ${b.target}`)}`,
    `data: ${JSON.stringify(b.dataset)}`, `theta: ${b.theta}`, `deficits: ${b.deficits}`,
    "shocks:", `  - {type: tariff, by: ${h}, on: ${t}, rate: ${b.tariff}}`,
    "variants:", "  give in: {shocks: []}", "  retaliate:",
    `    shocks: [{type: tariff, by: ${t}, on: ${h}, rate: ${b.tariff}}]`, "",
  ].join("\n");
}

function renderTable(sel, cols, rows, opts = {}) {
  const table = $(sel);
  const caption = table.querySelector("caption");
  const head = el("thead", {}, el("tr", {}, cols.map(([, label]) => el("th", { scope: "col" }, label))));
  const body = el("tbody", {}, rows.map((r, i) => {
    const tr = el("tr", opts.onpick ? { class: "pick", tabindex: 0 } : {}, cols.map(([k], j) => {
      const v = r[k];
      if (opts.format?.[k]) return el("td", {}, opts.format[k](v, r));
      if (typeof v === "number" && j > 0) return el("td", { class: opts.plain?.includes(k) ? "" : cls(v) }, opts.plain?.includes(k) ? plain(v, 2) : signed(v, 3));
      if (typeof v === "boolean") return el("td", {}, v ? "yes" : "no");
      return el("td", {}, Array.isArray(v) ? v.join(", ") : v ?? "");
    }));
    if (opts.onpick) {
      tr.addEventListener("click", () => opts.onpick(r, i, tr));
      tr.addEventListener("keydown", (ev) => { if (ev.key === "Enter") opts.onpick(r, i, tr); });
    }
    return tr;
  }));
  table.replaceChildren(...(caption ? [caption] : []), head, body);
  return table;
}

// ------------------------------------------------------------------ coalitions
function renderCandidates() {
  const max = window.__limits?.max_candidates ?? 12;
  $("#max-cands").textContent = String(max);
  const chosen = new Set((state.cands || (info.defaults.coalition || []).join(",")).split(",").filter(Boolean));
  const boxes = info.countries
    .filter((c) => c.code !== state.target && c.code !== state.against)
    .sort((a, b) => a.name.localeCompare(b.name))
    .map((c) => el("label", {}, el("input", { type: "checkbox", value: c.code, checked: chosen.has(c.code),
      onchange: countCandidates }), `${c.name} (${c.code})`));
  $("#candidates").replaceChildren(...boxes);
  countCandidates();
}
function countCandidates() {
  const max = window.__limits?.max_candidates ?? 12;
  const ticked = $$("#candidates input:checked");
  $("#cand-count").textContent = `${ticked.length} ticked, at most ${max}`;
  for (const box of $$("#candidates input")) box.disabled = !box.checked && ticked.length >= max;
}

async function runCoalitions() {
  state.cands = $$("#candidates input:checked").map((b) => b.value).join(",");
  state.instrument = $("#instrument").value;
  state.objective = $("#objective").value;
  state.allgain = $("#all-gain").checked ? "1" : "0";
  writeURL();
  if (!state.cands) throw new ApiError("Tick at least one candidate partner.");
  const res = await api("/api/v1/coalition/search", {
    ...common(), candidates: state.cands.split(","), instrument: state.instrument,
    objective: state.objective, require_all_gain: state.allgain === "1", top: 15,
  });
  const rows = res.table;
  downloads.coalitions = { rows, json: res, stem: `coalitions-${res.target}-${res.against}` };
  tableButtons("coalitions");
  const pickRow = async (r, i, tr) => {
    $$("#coalition-table tr.selected").forEach((x) => x.classList.remove("selected"));
    tr.classList.add("selected");
    state.pick = r.partners.join("+");
    writeURL();
    await guarded("Splitting the gain…", () => runSplit(r.partners));
  };
  renderTable("#coalition-table", [["coalition", "coalition"], ["target_welfare_pct", `${res.target} welfare %`],
    ["target_gain_pp", "vs giving in, pp"], ["against_welfare_pct", `${res.against} welfare %`],
    ["all_gain", "all gain"], ["worst_member", "weakest"], ["min_member_gain_pp", "its gain, pp"]],
  rows, { onpick: pickRow });
  if (!rows.length) throw new ApiError("No coalition meets the conditions; untick 'every member gains' or add candidates.");
  let k = state.pick ? rows.findIndex((r) => r.partners.join("+") === state.pick) : -1;
  if (k < 0) k = rows.findIndex((r) => r.partners.length > 0);
  if (k >= 0) {
    $$("#coalition-table tbody tr")[k].classList.add("selected");
    await runSplit(rows[k].partners);
  }
}

async function runSplit(members) {
  if (!members.length) {
    $("#stay-out").textContent = "The target alone: nothing to share.";
    return;
  }
  const st = await api("/api/v1/coalition/stability", {
    ...common(), members, instrument: state.instrument });
  const out = st.rather_stay_out.map(nameOf);
  $("#stay-out").textContent = out.length
    ? `${out.join(", ")} would rather stay out: ${out.length === 1 ? "it gains" : "they gain"} more outside the coalition.`
    : `Every member gains by joining${st.in_core ? ", and no group of members could do better on its own (the split is in the core)." : "."}`;
  renderTable("#stability-table", [["member", "member"], ["inside_pct", "inside %"], ["outside_pct", "outside %"],
    ["gain_pp", "gain, pp"], ["gains", "gains"]], st.table);
  if (st.shapley) {
    const rows = st.shapley.map((r) => ({ ...r, name: nameOf(r.player) }));
    $("#shapley-what").textContent = `Each member's fair share of the coalition's gain, ${st.unit} a year (relative to giving in); the label gives the share in %.`;
    await draw("shapley", "#chart-shapley", {
      description: "Shapley split of the coalition's gain",
      width: "container", height: 36 * rows.length + 30, autosize: { type: "fit-x", contains: "padding" },
      data: { values: rows },
      encoding: { y: { field: "name", type: "nominal", sort: "-x", title: null } },
      layer: [
        { mark: { type: "bar", color: OKABE[3] }, encoding: {
          // room at both ends for the share labels (an SVG clips text past its edge)
          x: { field: "shapley", type: "quantitative", title: `Shapley value, ${st.unit}`, scale: { padding: 30 } },
          tooltip: [{ field: "name" }, { field: "shapley", type: "quantitative", format: ",.2f" },
            { field: "share_pct", type: "quantitative", format: ".1f", title: "share %" },
            { field: "standalone", type: "quantitative", format: ",.2f", title: "alone" }] } },
        { mark: { type: "text", align: "left", dx: 4 }, encoding: {
          x: { field: "shapley", type: "quantitative" },
          text: { field: "share_pct", type: "quantitative", format: ".0f" } } },
      ],
    });
  }
}

// ------------------------------------------------------------------ leverage
async function runLeverage() {
  state.countries = $("#lev-countries").value.trim();
  state.embargo = $("#lev-embargo").checked ? "1" : "0";
  writeURL();
  const body = { data: state.data, tariff: rate(), embargo: state.embargo === "1" };
  const codes = state.countries.split(/[\s,;]+/).filter(Boolean);
  if (codes.length) body.countries = codes;
  let job = await api("/api/v1/leverage", body);
  const bar = $("#lev-progress"), text = $("#lev-progress-text");
  while (job.status === "queued" || job.status === "running") {
    bar.value = job.progress;
    text.textContent = `${job.done.toLocaleString()} of ${job.total.toLocaleString()} trade wars solved`;
    await new Promise((r) => setTimeout(r, 300));
    job = await api(job.status_url);
  }
  bar.value = 1;
  if (job.status === "error") throw new ApiError(job.error);
  text.textContent = `${job.total.toLocaleString()} trade wars solved in ${job.elapsed_s.toFixed(1)} s`;
  const res = await api(job.result_url);
  downloads.leverage = { rows: res.table, json: res, stem: "leverage" };
  tableButtons("leverage");
  const cells = [];
  for (const r of res.table) {
    const lr = (x) => (x === null ? null : Math.log2(Math.min(64, Math.max(1 / 64, x))));
    const ratio = r.loss_a ? r.loss_b / r.loss_a : null;
    cells.push({ a: r.a, b: r.b, loss_a: r.loss_a, loss_b: r.loss_b, ratio, log2: ratio > 0 ? lr(ratio) : null });
    const back = r.loss_b ? r.loss_a / r.loss_b : null;
    cells.push({ a: r.b, b: r.a, loss_a: r.loss_b, loss_b: r.loss_a, ratio: back, log2: back > 0 ? lr(back) : null });
  }
  // Cells of 18 px where the box has room, never under 13 px (the codes must stay
  // legible): a matrix wider than a phone scrolls sideways inside its own box.
  const n = res.countries.length, narrow = boxWidth("#chart-heatmap") < 600;
  const room = boxWidth("#chart-heatmap") - (narrow ? 60 : 200);
  const side = Math.max(13 * n, Math.min(room, Math.max(260, Math.min(900, 18 * n))));
  await draw("heatmap", "#chart-heatmap", {
    description: "Leverage in bilateral trade wars: B's loss over A's loss",
    width: side, height: side, data: { values: cells },
    mark: "rect",
    encoding: {
      x: { field: "b", type: "nominal", sort: res.countries, title: "B (the other side)" },
      y: { field: "a", type: "nominal", sort: res.countries, title: "A" },
      color: { field: "log2", type: "quantitative", title: "log2(B loss / A loss)",
        scale: { scheme: "purpleorange", reverse: true, domainMid: 0 },
        legend: narrow ? { orient: "bottom", gradientLength: Math.min(200, side) } : {} },
      tooltip: [{ field: "a", title: "A" }, { field: "b", title: "B" },
        { field: "ratio", type: "quantitative", format: ".2f", title: "B loss / A loss" },
        { field: "loss_a", type: "quantitative", format: ".3f", title: "A loss %" },
        { field: "loss_b", type: "quantitative", format: ".3f", title: "B loss %" }],
    },
  });
  const box = $("#chart-heatmap");
  $("#heatmap-hint").hidden = box.scrollWidth <= box.clientWidth + 1;
  const top = [...res.table].sort((x, y) => Math.abs(y.gap_pp) - Math.abs(x.gap_pp)).slice(0, 15);
  renderTable("#leverage-table", [["a", "A"], ["b", "B"], ["loss_a", "A loss %"], ["loss_b", "B loss %"],
    ["leverage_a_over_b", "B loss / A loss"], ["gap_pp", "gap, pp"]], top, {
    plain: ["loss_a", "loss_b"],
    // a ratio over a near-zero loss means nothing: the gap says it instead
    format: { leverage_a_over_b: (v, r) => (Math.abs(r.loss_a) < 0.01 || v === null ? "n/a" : plain(v, 1)) },
  });
}

// ------------------------------------------------------------------ scenario files
const EXAMPLE = `name: US tariffs on Canada
description: The US puts 25% on all Canadian goods; Canada gives in or answers.
data: world2023
theta: 5.0
shocks:
  - {type: tariff, by: USA, on: CAN, rate: 0.25}
variants:
  give in: {shocks: []}
  retaliate:
    shocks: [{type: tariff, by: CAN, on: USA, rate: 0.25}]
  retaliate with the EU:
    shocks:
      - {type: tariff, by: [CAN, EU27], on: USA, rate: 0.25}
      - {type: agreement, form: [CAN, EU27]}
`;
let lastSolve = null;

function yamlErrors(lines) {
  $("#yaml-errors").replaceChildren(...lines.map((l) => el("li", {}, l)));
}
async function validateYAML() {
  state.yaml = $("#yaml").value;
  writeURL();
  const v = await api("/api/v1/scenario/validate", { yaml: state.yaml, data: state.data });
  yamlErrors(v.valid ? [] : v.errors);
  $("#status").textContent = v.valid ? `Valid: ${v.variants.length} variant(s), ${v.variants.join(", ")}.` : "";
  return v.valid;
}
async function runYAML() {
  if (!(await validateYAML())) throw new ApiError("The scenario has errors; see the list under the text.");
  const res = await api("/api/v1/solve", { yaml: state.yaml, data: state.data });
  lastSolve = res;
  fillVariants("#variant", res.variants, state.variant);
  downloads.solve = { rows: res.table, json: res, stem: "scenario", yaml: res.yaml };
  tableButtons("solve");
  await drawScenario();
}
const drawScenario = () => drawSolved(lastSolve, "#variant", "scenario-map", "#scenario-map", "#solve-table");

// One solved scenario (POST /solve): the chosen variant's map and its largest changes.
async function drawSolved(res, variantSel, mapName, mapSel, tableSel) {
  if (!res) return;
  const v = $(variantSel).value;
  const rows = res.table.filter((r) => r.scenario === v);
  const values = Object.fromEntries(rows.map((r) => [r.country, r.welfare_pct]));
  await draw(mapName, mapSel, mapSpec(mapRows(values), `Welfare change by economy, ${v}`, mapSel));
  const top = [...rows].sort((a, b) => Math.abs(b.welfare_pct) - Math.abs(a.welfare_pct)).slice(0, 15);
  renderTable(tableSel, [["name", "economy"], ["welfare_pct", "welfare %"], ["real_gdp_pct", "real GDP %"],
    ["exports_pct", "exports %"], ["imports_pct", "imports %"], ["terms_of_trade_pct", "terms of trade %"]], top);
}
function fillVariants(sel, variants, wanted) {
  $(sel).replaceChildren(...variants.map((n) => el("option", { value: n }, n)));
  $(sel).value = variants.includes(wanted) ? wanted : variants[0];
}

// ------------------------------------------------------------------ the tariff game
const ratePct = (x) => (x === null || x === undefined ? "n/a" : `${(100 * x).toFixed(1)}%`);

async function runGame() {
  state.coals = $("#game-coalitions").value.trim();
  state.gobj = $("#game-objective").value;
  state.curves = $("#game-curves").checked === !info.multi ? "" : ($("#game-curves").checked ? "1" : "0");
  writeURL();
  const coalitions = state.coals.split(/[,;]+/).map((x) => x.trim()).filter(Boolean);
  const base = { data: state.data };
  const res = await runJob("/api/v1/game/say-no", { ...base, target: state.target, against: state.against,
    coalitions, objective: state.gobj }, "Playing the tariff game");
  for (const n of $$(".t-name")) n.textContent = res.target_name;
  $("#sayno-sentence").textContent = res.sentence;
  const T = res.target_name, H = res.against_name;
  renderTable("#sayno-table", [["situation", "situation"], ["hegemon_tariff", `${res.against} tariff`],
    ["target_tariff", `${res.target} tariff`], ["target_welfare_pct", `${res.target} welfare %`],
    ["hegemon_welfare_pct", `${res.against} welfare %`], ["coalition_welfare_pct", "coalition %"],
    ["world_welfare_pct", "world %"]], res.table,
  { format: { hegemon_tariff: ratePct, target_tariff: ratePct,
    coalition_welfare_pct: (v) => (v === null ? "" : signed(v, 3)) } });
  downloads.sayno = { rows: res.table, json: res, stem: `say-no-${res.target}-${res.against}` };
  tableButtons("sayno");
  const rows = res.table.flatMap((r) => [
    { situation: r.situation, who: T, welfare: r.target_welfare_pct },
    { situation: r.situation, who: H, welfare: r.hegemon_welfare_pct },
    ...(r.coalition_welfare_pct === null ? [] : [{ situation: r.situation, who: "the coalition", welfare: r.coalition_welfare_pct }]),
  ]);
  const order = res.table.map((r) => r.situation), who = [T, H, "the coalition"];
  const drawn = draw("sayno", "#chart-sayno", {
    description: "Welfare by situation of the tariff game, %",
    width: "container", height: Math.max(160, 46 * order.length), autosize: { type: "fit-x", contains: "padding" },
    data: { values: rows },
    mark: { type: "bar", cornerRadiusEnd: 2 },
    encoding: {
      y: { field: "situation", type: "nominal", sort: order, title: null, axis: { labelLimit: labelRoom("#chart-sayno", 220, 0.46) } },
      yOffset: { field: "who", type: "nominal", sort: who },
      x: { field: "welfare", type: "quantitative", title: "change in real income, %" },
      color: { field: "who", type: "nominal", sort: who, title: null, legend: topLegend("#chart-sayno"),
        scale: { domain: who, range: [OKABE[0], OKABE[1], OKABE[3]] } },
      tooltip: [{ field: "situation" }, { field: "who", title: "economy" },
        { field: "welfare", type: "quantitative", format: "+.3f", title: "welfare, %" }],
    },
  });
  const img = $("#curves-img");
  if (state.curves === "0" || (!state.curves && info.multi)) {
    img.hidden = true;
    $("#curves-what").textContent = `Tick "best-response curves" to trace them${info.multi ? " (about a minute on a multi-sector dataset)" : ""}.`;
  } else {
    const cv = await runJob("/api/v1/game/curves", { ...base, a: res.against, b: res.target }, "Tracing the best responses");
    img.src = `data:image/svg+xml;charset=utf-8,${encodeURIComponent(cv.svg)}`;
    img.hidden = false;
    $("#curves-what").textContent = `Each side's best tariff against every tariff of the other; they cross at the tariff war's end: ${res.against} ${ratePct(cv.nash[res.against])}, ${res.target} ${ratePct(cv.nash[res.target])}.`;
    const box = $("#curves-dl");
    box.replaceChildren(el("button", { type: "button", "aria-label": "Download the best-response curves as SVG",
      onclick: () => save(`curves-${res.against}-${res.target}.svg`, new Blob([cv.svg], { type: "image/svg+xml" })) }, "SVG"),
    el("button", { type: "button", "aria-label": "Download the best-response curves as CSV",
      onclick: () => save(`curves-${res.against}-${res.target}.csv`, new Blob([toCSV(cv.table)], { type: "text/csv" })) }, "CSV"));
  }
  await drawn;
}

// ------------------------------------------------------------------ paste a story
const STORY = `Washington threatened on Monday to impose a 25% tariff on Canadian steel and aluminium, and the Canadian prime minister said Ottawa would retaliate.
Canada is also seeking to diversify its exports and signed a trade deal with the European Union.
Analysts said Mexico could face similar pressure if the USMCA review collapses.
`;
let lastStory = null, lastStorySolve = null;

function countStory() {
  const n = $("#story").value.length;
  $("#story-count").textContent = `${n.toLocaleString()} characters`;
}
function evidenceNode(e) {
  // the cue highlighted inside its sentence, from the character offsets (all as text)
  const s = e.sentence, a = e.cue_start - e.start, b = e.cue_end - e.start;
  const quote = a >= 0 && b <= s.length && a < b
    ? el("q", {}, s.slice(0, a), el("mark", {}, s.slice(a, b)), s.slice(b)) : el("q", {}, s);
  return el("li", {}, quote, " ", el("span", { class: `mood mood-${e.mood}` }, e.mood),
    el("span", { class: "muted" }, ` characters ${e.start}-${e.end}`));
}
async function runStory() {
  const text = $("#story").value;
  state.story = text === STORY ? "" : text;
  writeURL();
  if (!text.trim()) throw new ApiError("Paste a story first, or press “Use the example story”.");
  const res = await api("/api/v1/suggest", { text, data: state.data });
  lastStory = res;
  downloads.suggest = { rows: res.table, json: res, stem: "suggestions" };
  tableButtons("suggest");
  const list = $("#suggestions");
  if (!res.suggestions.length) {
    list.replaceChildren(el("li", { class: "none" }, "No trade measure found in this story: no tariff, embargo, deal, agreement ending or coalition between economies of this dataset."));
  } else {
    list.replaceChildren(...res.suggestions.map((s) => el("li", { class: "suggestion", "data-id": s.id },
      el("div", { class: "s-head" },
        el("b", { class: "s-title" }, s.title),
        el("span", { class: "badge" }, s.kind.replace("_", " ")),
        el("span", { class: "conf", title: "How directly the story states it" }, `confidence ${Math.round(100 * s.confidence)}%`),
        el("button", { type: "button", class: "primary run-suggestion", onclick: () => guarded("Solving the scenario…", () => runSuggestion(s.id)) }, "Run this scenario"),
        el("button", { type: "button", "aria-label": `Download ${s.title} as YAML`, onclick: () => save(`suggestion-${s.id + 1}.yaml`, new Blob([s.yaml], { type: "text/yaml" })) }, "YAML")),
      s.variants.length ? el("p", { class: "muted" }, `Variants: ${s.variants.join("; ")}`) : null,
      el("ul", { class: "evidence", "aria-label": "Evidence" }, s.evidence.map(evidenceNode)),
      s.assumptions.length ? el("ul", { class: "assumptions", "aria-label": "Assumptions" },
        s.assumptions.map((a) => el("li", {}, `Assumed: ${a}`))) : null)));
  }
  $("#skipped").replaceChildren(...res.skipped.map((x) => el("li", {}, `Left out: ${x}`)));
  const k = Number(state.pickst);
  if (state.pickst !== "" && res.suggestions[k]) await runSuggestion(k);
}
async function runSuggestion(k) {
  const s = lastStory.suggestions[k];
  state.pickst = String(k);
  writeURL();
  for (const li of $$("#suggestions li.suggestion")) li.classList.toggle("selected", li.dataset.id === String(k));
  const res = await api("/api/v1/solve", { scenario: s.scenario, data: state.data });
  lastStorySolve = res;
  $("#story-run-title").textContent = `Results: ${s.title}`;
  fillVariants("#story-variant", res.variants, state.svariant);
  downloads["story-solve"] = { rows: res.table, json: res, stem: "suggested-scenario", yaml: res.yaml };
  tableButtons("story-solve");
  await drawSolved(res, "#story-variant", "story-map", "#story-map", "#story-table");
}

// ------------------------------------------------------------------ views
const RUN = {
  brief: ["Solving the responses…", runBrief],
  coalitions: ["Solving every coalition…", runCoalitions],
  leverage: ["Running the trade wars…", runLeverage],
  scenario: ["Solving the scenario…", runYAML],
  game: ["Playing the tariff game…", runGame],
  story: ["Reading the story…", runStory],
};
function showView(view) {
  state.view = view;
  for (const b of $$(".tabs button")) {
    const on = b.dataset.view === view;
    b.setAttribute("aria-selected", on ? "true" : "false");
    b.tabIndex = on ? 0 : -1;
  }
  for (const s of $$(".view")) s.hidden = s.id !== `view-${view}`;
  $("#bands").closest("label").hidden = view !== "brief";
  $("#brief-options").hidden = view !== "brief";
  document.body.dataset.view = view;
}
async function run() {
  readForm();
  writeURL();
  const [text, fn] = RUN[state.view];
  await guarded(text, fn);
  document.body.dataset.ready = "1";
}

async function main() {
  readURL();
  const [config, ds, dates] = await Promise.all([api("/api/v1/config"), api("/api/v1/datasets"),
    api("/api/v1/policy/dates")]);
  $("#as-of").min = dates.first;
  $("#as-of").max = dates.last;
  $("#as-of-step").append(...dates.change_dates.map((d) => el("option", { value: d.date }, `${d.date}: ${d.event}`)));
  window.__limits = config.limits;
  $("#data").replaceChildren(...ds.datasets.map((d) => el("option", { value: d.name },
    `${d.name} (${d.economies} economies)`)));
  if (!ds.datasets.some((d) => d.name === state.data)) state.data = config.default_data;
  await loadDataset(state.data);
  writeForm();
  renderCandidates();
  $("#yaml").value = state.yaml || EXAMPLE;
  countStory();
  showView(state.view);
  // on a phone the extra options fold away unless the link sets one
  if (window.innerWidth < 600 && !state.asof && state.exempt === "0" && !state.sectors) $("#brief-options").open = false;

  $("#controls").addEventListener("submit", (ev) => { ev.preventDefault(); run(); });
  $("#tariff").addEventListener("input", () => { $("#tariff-out").textContent = `${$("#tariff").value}%`; });
  $("#exempt").addEventListener("input", () => { $("#exempt-out").textContent = `${$("#exempt").value}%`; });
  $("#as-of-step").addEventListener("change", () => { if ($("#as-of-step").value) $("#as-of").value = $("#as-of-step").value; });
  $("#run-game").addEventListener("click", () => { readForm(); guarded(...RUN.game); });
  $("#run-story").addEventListener("click", () => { readForm(); state.pickst = ""; guarded(...RUN.story); });
  $("#story-example").addEventListener("click", () => { $("#story").value = STORY; countStory(); });
  $("#story").addEventListener("input", countStory);
  $("#sectors").addEventListener("change", showPicked);
  $("#story-variant").addEventListener("change", () => {
    state.svariant = $("#story-variant").value; writeURL();
    drawSolved(lastStorySolve, "#story-variant", "story-map", "#story-map", "#story-table");
  });
  $("#data").addEventListener("change", () => guarded("Loading the dataset…", async () => {
    state.data = $("#data").value; state.target = ""; state.against = ""; state.cands = "";
    await loadDataset(state.data); writeForm(); renderCandidates(); writeURL();
  }));
  for (const id of ["#target", "#against"]) $(id).addEventListener("change", () => { readForm(); renderCandidates(); });
  for (const b of $$(".tabs button")) {
    b.addEventListener("click", () => { showView(b.dataset.view); writeURL(); });
    b.addEventListener("keydown", (ev) => {
      const tabs = $$(".tabs button"), k = tabs.indexOf(b);
      const next = ev.key === "ArrowRight" ? tabs[(k + 1) % tabs.length] : ev.key === "ArrowLeft" ? tabs[(k + tabs.length - 1) % tabs.length] : null;
      if (next) { next.focus(); next.click(); }
    });
  }
  $("#map-response").addEventListener("change", () => { state.response = $("#map-response").value; writeURL(); drawBriefMap(); });
  $("#variant").addEventListener("change", () => { state.variant = $("#variant").value; writeURL(); drawScenario(); });
  $("#run-coalitions").addEventListener("click", () => { readForm(); guarded(...RUN.coalitions); });
  $("#run-leverage").addEventListener("click", () => { readForm(); guarded(...RUN.leverage); });
  $("#run-yaml").addEventListener("click", () => { readForm(); guarded(...RUN.scenario); });
  $("#validate-yaml").addEventListener("click", () => { readForm(); guarded("Checking…", validateYAML); });
  $("#yaml-file").addEventListener("change", async (ev) => {
    const file = ev.target.files[0];
    if (!file) return;
    if (file.size > 100000) { showError(new ApiError(`${file.name} is ${file.size.toLocaleString()} bytes; a scenario file may have at most 100,000.`)); return; }
    $("#yaml").value = await file.text();
    guarded("Checking…", validateYAML);
  });
  await run();
}

main().catch((err) => { showError(err); document.body.dataset.ready = "1"; });
