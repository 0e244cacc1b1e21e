#include "pool/http/dashboard.h"

namespace btr::pool::http {

const std::string& dashboard_html() {
  static const std::string kPage = R"HTML(<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>btr-pool</title>
<style>
  body { font-family: system-ui, sans-serif; margin: 0; background: #f4f5f7; color: #1d2330; }
  header { background: #1d2330; color: #fff; padding: 12px 20px; display: flex; gap: 16px; align-items: baseline; }
  header h1 { font-size: 20px; margin: 0; }
  main { padding: 16px 20px; display: grid; gap: 16px; }
  .cards { display: grid; grid-template-columns: repeat(auto-fit, minmax(160px, 1fr)); gap: 12px; }
  .card, section { background: #fff; border-radius: 6px; padding: 12px; box-shadow: 0 1px 2px rgba(0,0,0,.08); }
  .card .v { font-size: 20px; font-weight: 600; }
  .card .k { font-size: 12px; color: #667; text-transform: uppercase; }
  table { border-collapse: collapse; width: 100%; font-size: 13px; }
  th, td { text-align: left; padding: 4px 6px; border-bottom: 1px solid #eee; }
  td.hash { font-family: monospace; font-size: 12px; word-break: break-all; }
  .pending { color: #b7791f; } .confirmed { color: #2f855a; } .orphaned, .rejected { color: #c53030; }
  canvas { width: 100%; height: 220px; }
  input { padding: 6px; width: min(420px, 70%); font-family: monospace; }
  #err { color: #c53030; }
</style>
</head>
<body>
<header><h1>btr-pool</h1><span id="updated"></span><span id="err"></span></header>
<main>
  <div class="cards">
    <div class="card"><div class="k">Hashrate 10 min</div><div class="v" id="hr10">-</div></div>
    <div class="card"><div class="k">Hashrate 1 h</div><div class="v" id="hr60">-</div></div>
    <div class="card"><div class="k">Miners / workers</div><div class="v" id="miners">-</div></div>
    <div class="card"><div class="k">Network height</div><div class="v" id="height">-</div></div>
    <div class="card"><div class="k">Network difficulty</div><div class="v" id="diff">-</div></div>
    <div class="card"><div class="k">Blocks found</div><div class="v" id="found">-</div></div>
    <div class="card"><div class="k">Last block</div><div class="v" id="lastblock">-</div></div>
  </div>
  <section><h2>Pool hashrate (24 h)</h2><canvas id="chart" width="900" height="220"></canvas></section>
  <section><h2>Blocks</h2>
    <table><thead><tr><th>Height</th><th>Hash</th><th>Status</th><th>Finder</th><th>Time</th></tr></thead>
    <tbody id="blocks"></tbody></table></section>
  <section><h2>Workers</h2>
    <table><thead><tr><th>Worker</th><th>10 min</th><th>1 h</th><th>Shares (1 h)</th></tr></thead>
    <tbody id="workers"></tbody></table></section>
  <section><h2>Address lookup</h2>
    <form id="lookup"><input id="addr" placeholder="address" autocomplete="off"> <button>Look up</button></form>
    <div id="addrout"></div></section>
</main>
<script>
"use strict";
const $ = (id) => document.getElementById(id);
function esc(s) {
  return String(s).replace(/[&<>"']/g, (c) => ({"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;"}[c]));
}
function rate(h) {
  const u = ["H/s", "kH/s", "MH/s", "GH/s", "TH/s", "PH/s", "EH/s"];
  let i = 0;
  while (h >= 1000 && i < u.length - 1) { h /= 1000; i++; }
  return h.toFixed(2) + " " + u[i];
}
function when(t) { return t ? new Date(t * 1000).toISOString().replace("T", " ").slice(0, 19) : "-"; }
function coins(v) { return (v / 1e8).toFixed(8); }
async function get(path) {
  const r = await fetch(path, {cache: "no-store"});
  if (!r.ok) throw new Error(path + ": HTTP " + r.status);
  return r.json();
}
function drawChart(points) {
  const c = $("chart"), g = c.getContext("2d");
  const w = c.width, h = c.height, pad = 30;
  g.clearRect(0, 0, w, h);
  const max = Math.max(1, ...points.map((p) => p.hashrate));
  g.strokeStyle = "#ccd"; g.beginPath(); g.moveTo(pad, 5); g.lineTo(pad, h - pad); g.lineTo(w - 5, h - pad); g.stroke();
  g.fillStyle = "#667"; g.font = "11px sans-serif"; g.fillText(rate(max), pad + 4, 14);
  if (points.length < 2) return;
  g.strokeStyle = "#3b6fd4"; g.lineWidth = 2; g.beginPath();
  points.forEach((p, i) => {
    const x = pad + (w - pad - 5) * i / (points.length - 1);
    const y = h - pad - (h - pad - 10) * p.hashrate / max;
    if (i === 0) g.moveTo(x, y); else g.lineTo(x, y);
  });
  g.stroke();
}
function blockRows(blocks) {
  return blocks.map((b) => "<tr><td>" + b.height + "</td><td class=hash>" + esc(b.hash) +
    "</td><td class=\"" + esc(b.status) + "\">" + esc(b.status) + (b.status === "pending" ? " (" + b.confirmations + ")" : "") +
    "</td><td>" + esc(b.worker) + "</td><td>" + when(b.time) + "</td></tr>").join("");
}
async function refresh() {
  try {
    const [pool, blocks, workers, hist] = await Promise.all([
      get("/api/pool"), get("/api/blocks?limit=50"), get("/api/workers"), get("/api/hashrate")]);
    $("hr10").textContent = rate(pool.hashrate_10m);
    $("hr60").textContent = rate(pool.hashrate_1h);
    $("miners").textContent = pool.miners + " / " + pool.workers;
    $("height").textContent = pool.network.height;
    $("diff").textContent = Number(pool.network.difficulty).toPrecision(6);
    $("found").textContent = pool.blocks.found + " (" + pool.blocks.confirmed + " confirmed, " + pool.blocks.orphaned + " orphaned)";
    $("lastblock").textContent = when(pool.last_block_time);
    $("blocks").innerHTML = blockRows(blocks);
    $("workers").innerHTML = workers.map((w) => "<tr><td>" + esc(w.worker) + "</td><td>" + rate(w.hashrate_10m) +
      "</td><td>" + rate(w.hashrate_1h) + "</td><td>" + w.shares_1h + "</td></tr>").join("");
    drawChart(hist);
    $("updated").textContent = "updated " + when(pool.time);
    $("err").textContent = "";
  } catch (e) {
    $("err").textContent = String(e);
  }
}
async function lookup(a) {
  try {
    const r = await fetch("/api/address/" + encodeURIComponent(a), {cache: "no-store"});
    const j = await r.json();
    if (!r.ok) { $("addrout").textContent = j.error || ("HTTP " + r.status); return; }
    $("addrout").innerHTML = "<p>Balance carried: " + coins(j.balance) + " BTR, hashrate " + rate(j.hashrate_10m) + "</p>" +
      "<table><tr><th>Worker</th><th>10 min</th><th>Accepted</th><th>Rejected</th><th>Best share</th><th>Last share</th></tr>" +
      j.workers.map((w) => "<tr><td>" + esc(w.worker) + "</td><td>" + rate(w.hashrate_10m) + "</td><td>" + w.shares_accepted +
        "</td><td>" + w.shares_rejected + "</td><td>" + Number(w.best_share).toPrecision(4) + "</td><td>" + when(w.last_share) + "</td></tr>").join("") +
      "</table><table><tr><th>Block</th><th>Status</th><th>Output</th><th>Carried</th></tr>" +
      j.payouts.map((p) => "<tr><td>" + p.height + "</td><td class=\"" + esc(p.status) + "\">" + esc(p.status) + "</td><td>" +
        coins(p.output) + "</td><td>" + coins(p.carried) + "</td></tr>").join("") + "</table>";
  } catch (e) {
    $("addrout").textContent = String(e);
  }
}
$("lookup").addEventListener("submit", (ev) => {
  ev.preventDefault();
  const a = $("addr").value.trim();
  if (a) lookup(a);
});
// A link can open the page on an address: /#address=ADDR.
if (location.hash.startsWith("#address=")) {
  $("addr").value = decodeURIComponent(location.hash.slice(9));
  lookup($("addr").value);
}
refresh();
setInterval(refresh, 10000);
</script>
</body>
</html>
)HTML";
  return kPage;
}

}  // namespace btr::pool::http
