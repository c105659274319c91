// The HubKG atlas page: the lineage forest of one snapshot, drawn with sigma.js (WebGL) over graphology.
// Data comes from `data.json.gz` beside the page (columnar, written by atlas/page.py). Every string from the Hub
// (model ids, family names, attribute values) reaches the page through textContent or sigma's canvas labels,
// never through innerHTML, so an id like `<script>…` is shown, not run.
import Graph from "graphology";
import Sigma from "sigma";

const started = performance.now();
const OTHER = "#adb5bd";
const PALETTE = ["#1f77b4", "#d6336c", "#2b9348", "#f76707", "#7048e8", "#e6b400", "#0c8599", "#c2255c",
  "#5c940d", "#862e9c", "#e8590c", "#364fc7"];
const state = { colourBy: "relation", family: -1, month: Infinity, selected: -1, matches: new Set() };
const $ = (id) => document.getElementById(id);

async function loadData() {
  const response = await fetch("data.json.gz");
  if (!response.ok) throw new Error(`data.json.gz: HTTP ${response.status}`);
  const bytes = await response.arrayBuffer();
  const head = new Uint8Array(bytes.slice(0, 2));
  // A server may already have undone the gzip (Content-Encoding); otherwise the browser inflates it here.
  const text = head[0] === 0x1f && head[1] === 0x8b
    ? await new Response(new Blob([bytes]).stream().pipeThrough(new DecompressionStream("gzip"))).text()
    : new TextDecoder().decode(bytes);
  return JSON.parse(text);
}

function element(tag, text, attributes = {}) {
  const node = document.createElement(tag);
  if (text !== undefined) node.textContent = text;
  for (const [key, value] of Object.entries(attributes)) node.setAttribute(key, value);
  return node;
}

// Colours per attribute value: fixed for relations (as the still picture), the 12 commonest values otherwise.
function colourTables(data) {
  const tables = {};
  for (const [attribute, vocabulary] of Object.entries(data.vocab)) {
    const counts = new Array(vocabulary.length).fill(0);
    for (const code of data[attribute]) counts[code] += 1;
    const ranked = counts.map((count, code) => [count, code]).sort((a, b) => b[0] - a[0]);
    const colours = new Array(vocabulary.length).fill(OTHER);
    if (data.palette[attribute]) {
      vocabulary.forEach((value, code) => { colours[code] = data.palette[attribute][value] || OTHER; });
    } else {
      ranked.filter(([, code]) => vocabulary[code] !== "unknown").slice(0, PALETTE.length)
        .forEach(([, code], rank) => { colours[code] = PALETTE[rank]; });
    }
    tables[attribute] = { colours, ranked };
  }
  return tables;
}

function showLegend(data, tables) {
  const legend = $("legend");
  legend.replaceChildren();
  const { colours, ranked } = tables[state.colourBy];
  for (const [count, code] of ranked.slice(0, 14)) {
    if (!count) continue;
    const row = element("li", ` ${data.vocab[state.colourBy][code]} (${count.toLocaleString()})`);
    const swatch = element("span", "●");
    swatch.style.color = colours[code];
    row.prepend(swatch);
    legend.append(row);
  }
}

function parentsOf(data) {
  const parents = Array.from({ length: data.ids.length }, () => []);
  const children = Array.from({ length: data.ids.length }, () => []);
  data.edges.source.forEach((source, k) => {
    parents[data.edges.target[k]].push(source);
    children[source].push(data.edges.target[k]);
  });
  return { parents, children };
}

// The chain up to a root along the most downloaded (sub-tree) parent; stops on a repeat, just in case.
function parentChain(data, links, node) {
  const chain = [];
  const seen = new Set([node]);
  let current = node;
  while (links.parents[current].length) {
    current = links.parents[current].reduce((a, b) => (data.subtree[b] > data.subtree[a] ? b : a));
    if (seen.has(current)) break;
    seen.add(current);
    chain.push(current);
  }
  return chain;
}

function modelLink(data, node) {
  const id = data.ids[node];
  const link = element("a", id, { target: "_blank", rel: "noopener noreferrer" });
  link.href = `${data.hub}/${id.split("/").map(encodeURIComponent).join("/")}`;
  return link;
}

function nodeList(data, nodes, limit, select) {
  const list = element("ul");
  for (const node of nodes.slice(0, limit)) {
    const item = element("li");
    const button = element("button", data.ids[node], { type: "button", class: "node" });
    button.addEventListener("click", () => select(node));
    item.append(button);
    list.append(item);
  }
  if (nodes.length > limit) list.append(element("li", `… and ${(nodes.length - limit).toLocaleString()} more`));
  return list;
}

function showInfo(data, links, node, select) {
  const panel = $("info");
  panel.replaceChildren();
  if (node < 0) { panel.hidden = true; return; }
  panel.hidden = false;
  const heading = element("h2");
  heading.append(modelLink(data, node));
  panel.append(heading);
  const facts = element("dl");
  const fact = (name, value) => facts.append(element("dt", name), element("dd", value));
  fact("relation", data.vocab.relation[data.relation[node]]);
  for (const attribute of ["pipeline_tag", "library_name", "license"]) {
    const imputed = data.vocab.imputed[data.imputed[node]] === "imputed" ? " (some attributes imputed)" : "";
    fact(attribute, data.vocab[attribute][data[attribute][node]] + (attribute === "license" ? imputed : ""));
  }
  fact("downloads (30 days)", data.downloads[node].toLocaleString());
  fact("sub-tree downloads", data.subtree[node].toLocaleString());
  fact("family", data.families[data.component[node]]);
  fact("created", data.month[node] >= 0 ? data.months[data.month[node]] : "unknown");
  panel.append(facts);
  const chain = parentChain(data, links, node);
  panel.append(element("h3", `Parent chain (${chain.length})`), nodeList(data, chain, 50, select));
  const children = links.children[node];
  panel.append(element("h3", `Children (${children.length})`), nodeList(data, children, 50, select));
}

function visible(data, node) {
  if (state.family >= 0 && data.component[node] !== state.family) return false;
  return data.month[node] < 0 || data.month[node] <= state.month;
}

function buildGraph(data, tables) {
  const graph = new Graph({ type: "directed", multi: false, allowSelfLoops: false });
  data.ids.forEach((id, node) => {
    graph.addNode(node, {
      label: id,
      x: data.x[node],
      y: data.y[node],
      size: 1.5 + 1.2 * Math.log10(1 + data.downloads[node]),
      color: tables.relation.colours[data.relation[node]],
    });
  });
  data.edges.source.forEach((source, k) => {
    graph.mergeEdge(source, data.edges.target[k], { color: "#c3c8d0", size: 0.5 });
  });
  return graph;
}

function searchBox(data, select) {
  const results = $("results");
  $("search").addEventListener("input", (event) => {
    const query = event.target.value.trim().toLowerCase();
    results.replaceChildren();
    state.matches = new Set();
    if (query.length < 2) return;
    for (let node = 0; node < data.ids.length && state.matches.size < 20; node++) {
      if (data.ids[node].toLowerCase().includes(query)) state.matches.add(node);
    }
    results.append(nodeList(data, [...state.matches], 20, select));
  });
}

function familyFilter(data, renderer) {
  const filter = $("family");
  const ranked = data.families.map((name, component) => [data.familySize[component], component])
    .sort((a, b) => b[0] - a[0]).slice(0, 200);
  for (const [size, component] of ranked) {
    filter.append(element("option", `${data.families[component]} (${size.toLocaleString()})`, { value: component }));
  }
  filter.addEventListener("change", () => { state.family = Number(filter.value); renderer.refresh(); });
}

function monthSlider(data, renderer) {
  const slider = $("month");
  const label = $("month-label");
  slider.max = String(Math.max(data.months.length - 1, 0));
  slider.value = slider.max;
  state.month = Number(slider.max);
  label.textContent = data.months.length ? `created up to ${data.months[state.month]}` : "no creation dates";
  slider.addEventListener("input", () => {
    state.month = Number(slider.value);
    label.textContent = `created up to ${data.months[state.month]}`;
    renderer.refresh();
  });
}

async function main() {
  const data = await loadData();
  const tables = colourTables(data);
  const links = parentsOf(data);
  const graph = buildGraph(data, tables);
  $("summary").textContent = `${data.ids.length.toLocaleString()} models with lineage, `
    + `${data.edges.source.length.toLocaleString()} edges, ${data.families.length.toLocaleString()} families`;
  const renderer = new Sigma(graph, $("graph"), {
    hideEdgesOnMove: data.ids.length > 20000,
    labelRenderedSizeThreshold: 8,
    zIndex: true,
    nodeReducer: (key, attributes) => {
      const node = Number(key);
      const shown = { ...attributes, color: tables[state.colourBy].colours[data[state.colourBy][node]] };
      if (!visible(data, node)) return { ...shown, hidden: true };
      if (node === state.selected || state.matches.has(node)) {
        return { ...shown, highlighted: true, forceLabel: true, zIndex: 1, size: attributes.size + 3 };
      }
      return shown;
    },
    edgeReducer: (key, attributes) => {
      const ends = graph.extremities(key).map(Number);
      return ends.every((node) => visible(data, node)) ? attributes : { ...attributes, hidden: true };
    },
  });
  const select = (node) => {
    state.selected = node;
    showInfo(data, links, node, select);
    renderer.refresh();
    if (node >= 0) {
      const position = renderer.getNodeDisplayData(String(node));
      if (position) renderer.getCamera().animate({ x: position.x, y: position.y, ratio: 0.15 }, { duration: 400 });
    }
  };
  renderer.on("clickNode", ({ node }) => select(Number(node)));
  renderer.on("clickStage", () => select(-1));
  $("colour").addEventListener("change", (event) => {
    state.colourBy = event.target.value;
    showLegend(data, tables);
    renderer.refresh();
  });
  searchBox(data, select);
  familyFilter(data, renderer);
  monthSlider(data, renderer);
  showLegend(data, tables);
  Object.assign(window.atlas, { renderer, graph, data, select, state });
  renderer.once("afterRender", () => {
    window.atlas.firstRenderMs = performance.now() - started;
    document.body.dataset.ready = "true";
  });
  renderer.refresh();
}

window.atlas = { started };
main().catch((error) => {
  $("summary").textContent = `The atlas could not be loaded: ${error.message}`;
  document.body.dataset.ready = "error";
});
