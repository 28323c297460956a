// The endpoint's query page. Everything shown comes from the server and is written with
// textContent (never as HTML markup), so data can never be read as markup.
"use strict";

const $ = (id) => document.getElementById(id);

function queryFromUrl() {
  const hash = new URLSearchParams(location.hash.slice(1));
  return hash.get("query");
}

function shareLink(text) {
  return location.pathname + "#" + new URLSearchParams({ query: text }).toString();
}

function termText(cell) {
  if (!cell) return "";
  if (cell.type === "literal" && cell["xml:lang"]) return `${cell.value} @${cell["xml:lang"]}`;
  if (cell.type === "bnode") return "_:" + cell.value;
  return cell.value;
}

function showTable(doc, target) {
  if ("boolean" in doc) {
    const p = document.createElement("p");
    p.textContent = "ASK → " + String(doc.boolean);
    target.append(p);
    return 1;
  }
  const table = document.createElement("table");
  const head = table.createTHead().insertRow();
  for (const v of doc.head.vars) {
    const th = document.createElement("th");
    th.textContent = v;
    head.append(th);
  }
  const body = table.createTBody();
  for (const binding of doc.results.bindings) {
    const row = body.insertRow();
    for (const v of doc.head.vars) row.insertCell().textContent = termText(binding[v]);
  }
  target.append(table);
  return doc.results.bindings.length;
}

async function run() {
  const text = $("query").value;
  history.replaceState(null, "", shareLink(text));
  $("share").href = shareLink(text);
  const result = $("result");
  const notice = $("notice");
  result.replaceChildren();
  notice.hidden = true;
  $("status").textContent = "running…";
  const started = performance.now();
  let response;
  try {
    response = await fetch("/sparql", {
      method: "POST",
      headers: {
        "Content-Type": "application/x-www-form-urlencoded",
        Accept: "application/sparql-results+json, text/turtle;q=0.9",
      },
      body: new URLSearchParams({ query: text }),
    });
  } catch (err) {
    $("status").textContent = "";
    const box = document.createElement("div");
    box.className = "error";
    box.textContent = "Cannot reach the endpoint: " + err;
    result.append(box);
    return;
  }
  const ms = Math.round(performance.now() - started);
  const body = await response.text();
  if (!response.ok) {
    $("status").textContent = `HTTP ${response.status} after ${ms} ms`;
    const box = document.createElement("div");
    box.className = "error";
    box.textContent = body;
    result.append(box);
    return;
  }
  const truncated = response.headers.get("X-KG-Truncated");
  if (truncated) {
    notice.textContent = `The answer was cut at the server's limit (${truncated}); narrow the query (LIMIT, FILTER) to see everything.`;
    notice.hidden = false;
  }
  let count;
  if ((response.headers.get("Content-Type") || "").includes("json")) {
    count = showTable(JSON.parse(body), result);
  } else {
    const pre = document.createElement("pre");
    pre.textContent = body;
    result.append(pre);
    count = response.headers.get("X-KG-Results");
  }
  $("status").textContent = `${count} result(s) in ${ms} ms`;
}

async function loadExamples() {
  const select = $("example");
  let queries = [];
  try {
    queries = await (await fetch("/queries.json")).json();
  } catch (err) {
    return;
  }
  for (const q of queries) {
    const option = document.createElement("option");
    option.value = q.name;
    option.textContent = `${q.name} — ${q.title}`;
    select.append(option);
  }
  select.addEventListener("change", () => {
    const q = queries.find((x) => x.name === select.value);
    if (!q) return;
    $("query").value = q.text;
    const params = q.params.length ? ` Parameters (unbound here, so all values): ${q.params.join(", ")}.` : "";
    $("example-description").textContent = q.description + params;
    $("share").href = shareLink(q.text);
  });
}

document.addEventListener("DOMContentLoaded", () => {
  const fromUrl = queryFromUrl();
  if (fromUrl !== null) $("query").value = fromUrl;
  $("share").href = shareLink($("query").value);
  $("run").addEventListener("click", run);
  $("query").addEventListener("keydown", (e) => {
    if ((e.ctrlKey || e.metaKey) && e.key === "Enter") run();
  });
  loadExamples();
  // A shared link fills in the query but never runs it: the reader looks first, then runs.
  if (fromUrl !== null) $("status").textContent = "query from the link: read it, then Run query";
});
