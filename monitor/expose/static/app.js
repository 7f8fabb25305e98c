// dlmon status page: renders the daemon's once-a-second status message (Server-Sent Events
// from /api/v1/stream) and draws each pair's premium history (/api/v1/pairs/P/history).
// Reconnects by itself when the daemon goes away and comes back.
"use strict";

const BASES = [
  ["mid", "mid", "#1f5fbf"],
  ["buy_hk_sell_us", "buy HK / sell US", "#137333"],
  ["buy_us_sell_hk", "buy US / sell HK", "#b3261e"],
];
const WINDOW_SECONDS = { "1h": 3600, "1d": 86400 };
const cards = new Map(); // pair -> {root, chart, window, data, lastT}
let source = null;
let retryDelay = 500;
let everConnected = false;

const $ = (sel, root = document) => root.querySelector(sel);
function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, v);
  for (const c of children) node.append(c);
  return node;
}
function bp(ratio) {
  if (ratio === null || ratio === undefined) return "—";
  const x = ratio * 1e4;
  return (x >= 0 ? "+" : "") + x.toFixed(1) + " bp";
}
function price(v) { return v === null || v === undefined ? "—" : String(+v.toPrecision(8)); }
function age(s) {
  if (s === null || s === undefined) return "—";
  if (s < 60) return s.toFixed(1) + " s";
  if (s < 3600) return (s / 60).toFixed(1) + " min";
  return (s / 3600).toFixed(1) + " h";
}
function usd(v) {
  if (v === null || v === undefined) return "—";
  if (Math.abs(v) >= 1e6) return "$" + (v / 1e6).toFixed(2) + "M";
  if (Math.abs(v) >= 1e3) return "$" + (v / 1e3).toFixed(1) + "k";
  return "$" + v.toFixed(0);
}
function setText(node, text) { if (node.textContent !== text) node.textContent = text; }
function sign(node, v) {
  node.classList.toggle("pos", v !== null && v > 0);
  node.classList.toggle("neg", v !== null && v < 0);
}

// ------------------------------------------------------------------ connection
function setConn(state, text) {
  const node = $("#conn");
  node.className = "conn " + state;
  node.dataset.state = state;
  setText(node, text);
}

function connect() {
  source = new EventSource("/api/v1/stream");
  source.addEventListener("open", () => {
    retryDelay = 500;
    setConn("live", "live");
    if (everConnected) for (const pair of cards.keys()) loadHistory(pair); // daemon restarted?
    everConnected = true;
  });
  source.addEventListener("status", (e) => render(JSON.parse(e.data)));
  source.addEventListener("error", () => {
    source.close();
    setConn("reconnecting", "reconnecting… (daemon not reachable)");
    setTimeout(connect, retryDelay);
    retryDelay = Math.min(retryDelay * 2, 5000);
  });
}

// ------------------------------------------------------------------ rendering
function render(msg) {
  setText($("#version"), msg.version);
  setText($("#asof"), "as of " + msg.as_of.replace("T", " ").slice(0, 19) + " UTC");
  for (const pair of msg.pairs) renderPair(pair, msg.as_of_seconds);
  const shown = new Set(msg.pairs.map((p) => p.pair));
  for (const [name, card] of cards) {
    if (!shown.has(name)) { card.chart.destroy(); card.root.remove(); cards.delete(name); }
  }
  renderFeeds(msg.feeds);
  renderAlerts(msg.alerts);
  renderRanking(msg.ranking);
}

// The cross-section (several pairs): the index, richest and cheapest ADS, positive edges.
function renderRanking(ranking) {
  const section = $("#ranking");
  if (!ranking) { section.hidden = true; return; }
  section.hidden = false;
  const pct = (v) => (v === null || v === undefined ? "—" : bp(v));
  const z = (v) => (v === null || v === undefined ? "—" : (v >= 0 ? "+" : "") + v.toFixed(1));
  const table = (head, rows) => el("table", { class: "grid" },
    el("thead", {}, el("tr", {}, ...head.map((h) => el("th", {}, h)))),
    el("tbody", {}, ...rows.map((r) => el("tr", {}, ...r.map((c) => el("td", {}, c))))));
  const parts = [el("h2", {}, "Ranking")];
  const index = ranking.index;
  if (index && index.value !== null) {
    parts.push(el("p", { class: "index" },
      `Premium index ${index.index}: ${index.value.toFixed(2)} (${pct(index.premium)}; 100 = parity, ` +
      `${index.included} constituents)`));
  }
  for (const [title, key] of [["Richest ADS", "richest"], ["Cheapest ADS", "cheapest"]]) {
    parts.push(el("h3", {}, title),
      table(["pair", "mid premium", "z-score"],
        ranking[key].map((r) => [r.pair, pct(r.premium), z(r.zscore)])));
  }
  parts.push(el("h3", {}, "Edges positive after costs"),
    ranking.positive_edges.length
      ? table(["pair", "direction", "edge"],
        ranking.positive_edges.map((e) => [e.pair, e.direction, pct(e.edge)]))
      : el("p", { class: "muted" }, "none"));
  section.replaceChildren(...parts);
}

function buildCard(pair) {
  const root = el("article", { class: "card", "data-pair": pair.pair });
  const head = el("div", { class: "card-head" },
    el("h2", {}, pair.pair),
    el("span", { class: "badge", "data-field": "basis" }),
    el("span", { class: "muted", "data-field": "ratio" }, `${pair.ads_ratio} HK shares per ADS`));
  const premiums = el("div", { class: "premiums" });
  for (const [key, label] of BASES) {
    premiums.append(el("div", { class: "premium" },
      el("span", { class: "label" }, label),
      el("span", { class: "value", "data-field": "premium-" + key }, "—")));
  }
  const fx = el("div", { class: "fx" },
    "FX USD/HKD ", el("b", { "data-field": "fx-market" }, "—"),
    " · implied by the two lines ", el("b", { "data-field": "fx-implied" }, "—"));
  const legs = el("table", { class: "grid legs" },
    el("thead", {}, el("tr", {}, ...["leg", "bid", "ask", "last", "source", "age", "session"]
      .map((h) => el("th", {}, h)))),
    el("tbody"));
  for (const name of ["us", "hk", "fx"]) {
    const row = el("tr", { "data-leg": name });
    for (const f of ["instrument", "bid", "ask", "last", "source", "age", "session"]) {
      row.append(el("td", { "data-field": f }, "—"));
    }
    $("tbody", legs).append(row);
  }
  const liq = el("table", { class: "grid liquidity" },
    el("thead", {}, el("tr", {}, ...["liquidity", "spread", "depth bid / ask", "turnover"]
      .map((h) => el("th", {}, h)))),
    el("tbody"));
  const buttons = ["1h", "1d"].map((w) =>
    el("button", { type: "button", "data-window": w, "aria-pressed": String(w === "1h") }, w));
  const chartHead = el("div", { class: "chart-head" },
    el("b", {}, "premium"), ...buttons, el("span", { class: "muted", "data-field": "points" }));
  const chart = el("div", { class: "chart" });
  root.append(head, el("div", { class: "reasons", "data-field": "reasons" }), premiums, fx,
    el("div", { class: "scroll" }, legs), el("div", { class: "scroll" }, liq), chartHead, chart);
  $("#pairs").append(root);
  const card = { root, chartNode: chart, chart: null, window: "1h", data: [[], [], [], []] };
  for (const b of buttons) b.addEventListener("click", () => setWindow(pair.pair, b.dataset.window));
  cards.set(pair.pair, card);
  makeChart(card);
  loadHistory(pair.pair);
  return card;
}

function renderPair(pair, second) {
  const card = cards.get(pair.pair) || buildCard(pair);
  const root = card.root;
  root.classList.toggle("stale", pair.stale);
  root.dataset.asOf = pair.as_of;
  const basis = $('[data-field="basis"]', root);
  setText(basis, pair.premium.basis + " basis");
  basis.className = "badge " + pair.premium.basis;
  for (const [key] of BASES) {
    const node = $(`[data-field="premium-${key}"]`, root);
    const v = pair.premium[key];
    node.dataset.value = v === null ? "" : String(v);
    setText(node, bp(v));
    sign(node, v);
  }
  setText($('[data-field="reasons"]', root), pair.stale_reason ? "stale: " + pair.stale_reason : "");
  const implied = impliedFx(pair);
  const fxNode = $('[data-field="fx-implied"]', root);
  fxNode.dataset.value = implied === null ? "" : String(implied);
  setText(fxNode, implied === null ? "—" : implied.toFixed(4));
  setText($('[data-field="fx-market"]', root), pair.fx.mid === null ? "—" : pair.fx.mid.toFixed(4));
  for (const name of ["us", "hk", "fx"]) renderLeg($(`tr[data-leg="${name}"]`, root), pair[name]);
  renderLiquidity($("table.liquidity tbody", root), pair);
  addPoint(card, second, pair.premium);
}

function impliedFx(pair) {
  // the API's own field when the daemon serves one, else computed from the two mids
  if (pair.implied_fx !== undefined) return pair.implied_fx;
  if (pair.premium.implied_fx !== undefined) return pair.premium.implied_fx;
  const us = pair.us.mid, hk = pair.hk.mid;
  return us && hk ? (pair.ads_ratio * hk) / us : null; // HKD per USD the two lines imply
}

function renderLeg(row, leg) {
  row.dataset.ts = leg.receive_timestamp || "";
  const cells = {
    instrument: leg.instrument, bid: price(leg.bid), ask: price(leg.ask), last: price(leg.last),
    source: leg.source || "—", age: age(leg.age_seconds),
    session: leg.session + (leg.price_kind === "reference" ? " (reference)" : ""),
  };
  for (const [f, text] of Object.entries(cells)) setText($(`[data-field="${f}"]`, row), text);
  const age_ = $('[data-field="age"]', row);
  age_.classList.toggle("stale", leg.stale);
  age_.title = leg.stale_reason || "";
}

function renderLiquidity(tbody, pair) {
  const rows = [];
  for (const [instrument, liq] of Object.entries(pair.liquidity || {})) {
    if (!liq) continue;
    const windows = Object.entries(liq.windows || {});
    const turnover = windows.map(([w, s]) => `${w} ${usd(s.turnover_usd)}`).join(" · ") || "—";
    const spread = liq.quoted_spread_ratio === null ? "—" : (liq.quoted_spread_ratio * 1e4).toFixed(1) + " bp";
    const depth = liq.top_of_book_depth_usd;
    rows.push([instrument, spread, `${usd(depth.bid)} / ${usd(depth.ask)}`, turnover]);
  }
  const text = JSON.stringify(rows);
  if (tbody.dataset.rows === text) return;
  tbody.dataset.rows = text;
  tbody.replaceChildren(...rows.map((r) => el("tr", {}, ...r.map((c) => el("td", {}, c)))));
}

function renderFeeds(feeds) {
  const tbody = $("#feeds tbody");
  tbody.replaceChildren(...feeds.map((f) => {
    const row = el("tr", { class: f.up ? "up" : "down", "data-feed": f.feed },
      el("td", {}, f.feed), el("td", {}, f.state), el("td", {}, f.reason || (f.up ? "" : "down")),
      el("td", {}, String(f.messages_total)), el("td", {}, String(f.reconnects_total)),
      el("td", {}, f.last_message ? f.last_message.slice(11, 19) + " UTC" : "never"));
    return row;
  }));
}

function renderAlerts(alerts) {
  const list = $("#alerts");
  if (!alerts.length) {
    if (list.dataset.count !== "0") list.replaceChildren(el("li", { class: "muted" }, "none"));
    list.dataset.count = "0";
    return;
  }
  list.dataset.count = String(alerts.length);
  list.replaceChildren(...alerts.map((a) => el("li", { class: a.severity },
    `${a.severity} · ${a.rule}${a.pair ? " · " + a.pair : ""}: ${a.summary}` +
    (a.since ? ` (since ${a.since.slice(11, 19)} UTC)` : ""))));
}

// ------------------------------------------------------------------ charts
function makeChart(card) {
  const width = Math.max(280, card.chartNode.clientWidth || card.root.clientWidth - 24);
  const opts = {
    width, height: 200,
    scales: { x: { time: true } },
    axes: [{}, { values: (u, ticks) => ticks.map((v) => v + " bp"), size: 60 }],
    series: [{}, ...BASES.map(([, label, stroke]) => ({ label, stroke, width: 1.5, spanGaps: false }))],
    legend: { show: true },
  };
  if (card.chart) card.chart.destroy();
  card.chart = new uPlot(opts, card.data, card.chartNode);
}

function setWindow(pair, window) {
  const card = cards.get(pair);
  card.window = window;
  for (const b of card.root.querySelectorAll("button[data-window]")) {
    b.setAttribute("aria-pressed", String(b.dataset.window === window));
  }
  loadHistory(pair);
}

async function loadHistory(pair) {
  const card = cards.get(pair);
  const window = card.window;
  if (card.loading === window) return;
  card.loading = window;
  try {
    const res = await fetch(`/api/v1/pairs/${encodeURIComponent(pair)}/history?window=${window}`);
    if (!res.ok) return;
    const h = await res.json();
    if (card.window !== window) return;
    card.data = [h.t, ...BASES.map(([key]) => h[key].map((v) => (v === null ? null : v * 1e4)))];
    card.lastT = h.t.length ? h.t[h.t.length - 1] : null;
    draw(card);
  } catch (e) { /* the daemon is away: the stream reconnects and reloads */ }
  finally { if (card.loading === window) card.loading = null; }
}

function addPoint(card, second, premium) {
  if (card.window !== "1h") {
    if (card.lastT === undefined || second - card.lastT >= 60) loadHistory(card.root.dataset.pair);
    return;
  }
  if (card.lastT !== undefined && card.lastT !== null && second <= card.lastT) return;
  card.lastT = second;
  card.data[0].push(second);
  BASES.forEach(([key], i) => card.data[i + 1].push(premium[key] === null ? null : premium[key] * 1e4));
  const cutoff = second - WINDOW_SECONDS["1h"];
  while (card.data[0].length && card.data[0][0] <= cutoff) for (const col of card.data) col.shift();
  draw(card);
}

function draw(card) {
  card.chart.setData(card.data);
  const points = card.data[0].length;
  card.chartNode.dataset.points = String(points);
  setText($('[data-field="points"]', card.root),
    `${points} ${card.window === "1h" ? "seconds" : "minutes"}`);
}

window.addEventListener("resize", () => {
  for (const card of cards.values()) {
    card.chart.setSize({ width: Math.max(280, card.chartNode.clientWidth), height: 200 });
  }
});

connect();
