// The dashboard page: every panel from one /api/panels call, refreshed every data-refresh ms.
// Tables carry the numbers as the views give them (data-v="panel:key:column"); charts are ECharts.
"use strict";
const refresh = Number(document.body.dataset.refresh) || 5000;
const charts = {};

function chart(id) {
  if (!charts[id]) charts[id] = echarts.init(document.getElementById(id), null, { renderer: "canvas" });
  return charts[id];
}

// every value from the database is escaped: ids and reasons come from producers' records
function text(v) {
  return v === null || v === undefined ? "" : String(v).replace(/[&<>"']/g,
    ch => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[ch]);
}

// rows -> <table>; key(row) names the row in data-v; cls(row, column) colours a cell
function table(id, rows, columns, key, cls) {
  const t = document.getElementById(id);
  const head = "<tr>" + columns.map(c => `<th>${c}</th>`).join("") + "</tr>";
  const body = rows.map(r => "<tr>" + columns.map(c => {
    const css = cls ? cls(r, c) : "";
    return `<td data-v="${text(id + ":" + key(r) + ":" + c)}"${css ? ` class="${css}"` : ""}>${text(r[c])}</td>`;
  }).join("") + "</tr>").join("");
  t.innerHTML = head + body;
}

function ok(good) {
  return good === null || good === undefined ? "" : (good ? "good" : "bad");
}

function render(p) {
  table("segments", p.segments, ["segment", "customers", "share"], r => r.segment);
  chart("segmentsChart").setOption({
    tooltip: {}, xAxis: { type: "category", data: p.segments.map(r => r.segment) },
    yAxis: { type: "value" }, series: [{ type: "bar", data: p.segments.map(r => r.customers) }]
  });

  const days = [...new Set(p.segmentsDaily.map(r => r.day))];
  const segments = [...new Set(p.segmentsDaily.map(r => r.segment))];
  chart("segmentsDailyChart").setOption({
    tooltip: { trigger: "axis" }, legend: { data: segments }, xAxis: { type: "category", data: days },
    yAxis: { type: "value" },
    series: segments.map(s => {
      const by = new Map(p.segmentsDaily.filter(r => r.segment === s).map(r => [r.day, r.customers]));
      return { name: s, type: "line", stack: "all", areaStyle: {}, showSymbol: false, data: days.map(d => by.get(d) || 0) };
    })
  }, true);

  table("clv", p.clv, ["bucket", "lower_bound", "upper_bound", "customers", "share"], r => r.bucket);
  chart("clvChart").setOption({
    tooltip: {},
    xAxis: { type: "category", data: p.clv.map(r => `${text(r.lower_bound)}–${text(r.upper_bound)}`) },
    yAxis: { type: "value" }, series: [{ type: "bar", data: p.clv.map(r => r.customers) }]
  });

  const g = p.gmv[0] || {};
  table("gmv", p.gmv, ["customers", "top20_customers", "top20_gmv_share", "top20_threshold_minor", "healthy_share_min"],
    () => "all", (r, c) => c === "top20_gmv_share" && r.top20_gmv_share !== null ? ok(r.top20_gmv_share >= r.healthy_share_min) : "");
  chart("gmvChart").setOption({
    series: [{ type: "gauge", min: 0, max: 100, detail: { formatter: "{value} %" },
      axisLine: { lineStyle: { width: 12, color: [[0.6, "#e06666"], [1, "#6aa84f"]] } },
      data: [{ value: g.top20_gmv_share === null || g.top20_gmv_share === undefined ? 0 : Math.round(g.top20_gmv_share * 1000) / 10, name: "top 20 %" }] }]
  });

  table("cohorts", p.cohorts, ["cohort", "customers", "retained_30d", "retained_60d", "retained_90d"], r => r.cohort);
  const windows = ["retained_30d", "retained_60d", "retained_90d"];
  chart("cohortChart").setOption({
    tooltip: {}, grid: { left: 90 },
    xAxis: { type: "category", data: ["30 days", "60 days", "90 days"] },
    yAxis: { type: "category", data: p.cohorts.map(r => r.cohort) },
    visualMap: { min: 0, max: 1, calculable: true, orient: "horizontal", left: "center", bottom: 0 },
    series: [{ type: "heatmap", label: { show: true },
      data: p.cohorts.flatMap((r, y) => windows.map((w, x) => [x, y, r[w]])) }]
  }, true);

  table("campaigns", p.campaigns,
    ["campaign_id", "impressions", "clicks", "spend_minor", "attributed_sales_minor", "ctr", "acos", "cpm", "roas", "cac"],
    r => r.campaign_id, (r, c) => {
      if (c === "acos" && r.acos !== null) return ok(r.acos <= r.acos_ref_max);
      if (c === "ctr" && r.ctr !== null) return ok(r.ctr >= r.ctr_ref_min);
      if (c === "cpm" && r.cpm !== null) return ok(r.cpm >= r.cpm_ref_min && r.cpm <= r.cpm_ref_max);
      return "";
    });
  table("churn", p.churn, ["customer_id", "at", "from_segment", "reason", "clv_minor"], r => r.customer_id + "@" + r.at);
  table("actions", p.actions, ["customer_id", "action", "status", "priority", "due_at", "reason"], r => r.action_id);
  table("health", p.health, ["marketplace", "day", "final", "metric", "value", "healthy_when", "threshold", "healthy"],
    r => r.marketplace + "/" + r.metric, (r, c) => c === "value" ? ok(r.healthy) : "");
}

async function load() {
  const status = document.getElementById("status");
  try {
    const res = await fetch("/api/panels");
    if (!res.ok) throw new Error(await res.text());
    render(await res.json());
    status.textContent = "updated " + new Date().toLocaleTimeString();
    status.classList.remove("error");
    document.body.dataset.loaded = String(Number(document.body.dataset.loaded || 0) + 1);
  } catch (e) {
    status.textContent = "not updated: " + e.message;
    status.classList.add("error");
  }
  setTimeout(load, refresh);
}

async function lookUp(id) {
  const res = await fetch("/api/customer?id=" + encodeURIComponent(id));
  const c = await res.json();
  document.getElementById("customerPanel").hidden = false;
  document.getElementById("customerId").textContent = id;
  const profile = c.profile ? Object.entries(c.profile).map(([field, value]) => ({ field, value })) : [{ field: "no profile", value: "" }];
  table("profile", profile, ["field", "value"], r => r.field);
  table("history", c.history, ["at", "from_segment", "to_segment", "reason", "clv_minor"], r => r.at + ">" + r.to_segment);
  document.body.dataset.customer = id;
}

document.getElementById("lookup").addEventListener("submit", e => {
  e.preventDefault();
  const id = new FormData(e.target).get("id");
  if (id) lookUp(id);
});
window.addEventListener("resize", () => Object.values(charts).forEach(c => c.resize()));
const asked = new URLSearchParams(location.search).get("customer");
if (asked) lookUp(asked);
load();
