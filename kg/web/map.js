/* cbec-kg interactive map — plain ES2017, no library but the inlined vis-network.
 *
 * Data: JSON in <script id="kg-data" type="application/json"> (written by kg/maps.py):
 *   s  string table; every other string field is an index into it
 *   c  classes     [curie, label en, label zh, colour, shape]
 *   p  predicates  [curie, reading en, reading zh, role, along 1|0]: the predicate's role in
 *                  the problem → remedy → trend chain (causal, remedy, composition, outcome,
 *                  responsibility, driver, context) and whether the chain runs along its arrow,
 *                  both read from the ontology (kg/model.py)
 *   n  nodes       [key, class, label en, label zh, definition en, definition zh,
 *                   x, y, size, leverage, [section, quote, section, quote, ...], layer]
 *   e  links       [from, to, predicate, stated 1|0, [section, quote, ...]]
 * Strings from the knowledge graph reach the page through textContent only, never as HTML.
 * What one sees (focus, path, language, filters, physics, viewport) lives in the URL fragment.
 */
(function () {
  'use strict';

  const INK = '#1f1f1f';
  const DIM_NODE = '#e4e4e4';
  const DIM_TEXT = '#bdbdbd';
  const EDGE = '#9aa0a6';
  const EDGE_ON = '#202124';
  const EDGE_DIM = '#ececec';
  const PHYSICS_ON = {enabled: true, solver: 'forceAtlas2Based', stabilization: {enabled: false}};

  // ---- data --------------------------------------------------------------------------------

  const raw = JSON.parse(document.getElementById('kg-data').textContent);
  const S = raw.s;
  const quotes = (flat) => {
    const out = [];
    for (let i = 0; i < flat.length; i += 2) out.push({section: S[flat[i]], quote: S[flat[i + 1]]});
    return out;
  };
  const classes = raw.c.map((c) => ({curie: c[0], en: c[1], zh: c[2], colour: c[3], shape: c[4]}));
  const preds = raw.p.map((p) => ({curie: p[0], en: p[1], zh: p[2], role: p[3], along: p[4] === 1}));
  const nodes = raw.n.map((r, i) => ({
    id: i, key: S[r[0]], cls: r[1], en: S[r[2]], zh: S[r[3]], defEn: S[r[4]], defZh: S[r[5]],
    x: r[6], y: r[7], size: r[8], lev: r[9], ev: quotes(r[10]), layer: S[r[11]],
  }));
  const edges = raw.e.map((r, i) => ({
    id: i, from: r[0], to: r[1], pred: r[2], stated: r[3] === 1, ev: quotes(r[4]),
  }));
  const idOf = new Map(nodes.map((n) => [n.key, n.id]));
  const outE = nodes.map(() => []);
  const inE = nodes.map(() => []);
  edges.forEach((e) => { outE[e.from].push(e); inE[e.to].push(e); });

  // ---- state and the URL fragment ------------------------------------------------------------

  function defaults() {
    return {focus: null, path: [], lang: 'en', links: 'all', hide: new Set(), physics: false,
      at: null};
  }
  const state = defaults();

  function readHash() {
    const q = new URLSearchParams(location.hash.slice(1));
    const s = defaults();
    if (idOf.has(q.get('focus'))) s.focus = q.get('focus');
    s.path = (q.get('path') || '').split(',').filter((k) => idOf.has(k)).slice(0, 2);
    if (q.get('lang') === 'zh') s.lang = 'zh';
    if (q.get('links') === 'stated' || q.get('links') === 'inferred') s.links = q.get('links');
    (q.get('hide') || '').split(',').forEach((c) => {
      if (classes.some((k) => k.curie === c)) s.hide.add(c);
    });
    s.physics = q.get('physics') === '1';
    const at = (q.get('at') || '').split(',').map(Number);
    if (at.length === 3 && at.every(Number.isFinite) && at[2] > 0) s.at = at;
    return s;
  }

  function hashOf(s) {
    const q = new URLSearchParams();
    if (s.focus) q.set('focus', s.focus);
    if (s.path.length) q.set('path', s.path.join(','));
    if (s.lang !== 'en') q.set('lang', s.lang);
    if (s.links !== 'all') q.set('links', s.links);
    if (s.hide.size) q.set('hide', Array.from(s.hide).sort().join(','));
    if (s.physics) q.set('physics', '1');
    if (s.at) q.set('at', s.at.join(','));
    return q.toString();
  }

  function writeHash() {
    const h = hashOf(state);
    if (location.hash.slice(1) === h) return;
    try {
      history.replaceState(null, '', '#' + h);
    } catch (err) {
      location.replace('#' + h);
    }
  }

  // ---- what is shown, what is lit ------------------------------------------------------------

  const label = (n) => (state.lang === 'zh' ? n.zh || n.en : n.en || n.zh);
  const otherLabel = (n) => (state.lang === 'zh' ? n.en : n.zh);
  const name = (x) => (state.lang === 'zh' ? x.zh || x.en : x.en || x.zh);
  const nodeShown = (n) => !state.hide.has(classes[n.cls].curie);
  const linkShown = (e) => state.links === 'all' || (state.links === 'stated') === e.stated;
  const edgeShown = (e) => linkShown(e) && nodeShown(nodes[e.from]) && nodeShown(nodes[e.to]);

  // The chain around a node, by the rules of kg/chain.py (around), over the shown links:
  // down the problem tree, to the remedies, one step inside the remedy tree, to the trends.

  /** Nodes one link of `role` away from `ids`, along the chain or against it. */
  function step(ids, role, along) {
    const found = new Set();
    ids.forEach((id) => {
      outE[id].forEach((e) => {
        const p = preds[e.pred];
        if (edgeShown(e) && p.role === role && p.along === along) found.add(e.to);
      });
      inE[id].forEach((e) => {
        const p = preds[e.pred];
        if (edgeShown(e) && p.role === role && p.along !== along) found.add(e.from);
      });
    });
    return found;
  }

  /** `ids` and everything reachable from them by links of `role`, transitively. */
  function closure(ids, role, along) {
    const found = new Set(ids);
    let frontier = new Set(found);
    while (frontier.size) {
      const next = new Set();
      step(frontier, role, along).forEach((id) => { if (!found.has(id)) { found.add(id); next.add(id); } });
      frontier = next;
    }
    return found;
  }

  const union = (...sets) => { const u = new Set(); sets.forEach((x) => x.forEach((i) => u.add(i))); return u; };
  const oneCompositionStep = (remedies) =>
    union(remedies, step(remedies, 'composition', true), step(remedies, 'composition', false));

  /** Every node of the chain around `id` (itself included). */
  function around(id) {
    const layer = nodes[id].layer;
    let problems; let remedies; let trends;
    if (layer === 'problem') {
      const below = closure([id], 'causal', true);
      problems = union(below, closure(below, 'causal', false));
      remedies = oneCompositionStep(step(below, 'remedy', true));
      trends = step(remedies, 'outcome', true);
    } else if (layer === 'remedy' || layer === 'outcome') {
      if (layer === 'remedy') {
        remedies = oneCompositionStep(new Set([id]));
        trends = step(remedies, 'outcome', true);
      } else {
        remedies = oneCompositionStep(step([id], 'outcome', false));
        trends = new Set([id]);
      }
      problems = closure(step(remedies, 'remedy', false), 'causal', false);
    } else {
      const found = new Set([id]);
      outE[id].concat(inE[id]).forEach((e) => {
        const seed = e.from === id ? e.to : e.from;
        const l = nodes[seed].layer;
        if (edgeShown(e) && (l === 'problem' || l === 'remedy' || l === 'outcome')) {
          around(seed).forEach((n) => found.add(n));
        }
      });
      return found;
    }
    return union([id], problems, remedies, trends, step(remedies, 'responsibility', true));
  }

  /** The lit set of a focused node: its chain and the shown links among it. */
  function chainOf(id) {
    const lit = {nodes: around(id), edges: new Set()};
    edges.forEach((e) => {
      if (edgeShown(e) && lit.nodes.has(e.from) && lit.nodes.has(e.to)) lit.edges.add(e.id);
    });
    return lit;
  }

  /** Breadth-first distances from `src` over the shown links, in either direction. */
  function distances(src) {
    const dist = new Map([[src, 0]]);
    const queue = [src];
    for (let i = 0; i < queue.length; i++) {
      const x = queue[i];
      outE[x].concat(inE[x]).forEach((e) => {
        const y = e.from === x ? e.to : e.from;
        if (edgeShown(e) && !dist.has(y)) { dist.set(y, dist.get(x) + 1); queue.push(y); }
      });
    }
    return dist;
  }

  /** Every node and link on a shortest path between a and b. */
  function shortestPaths(a, b) {
    const da = distances(a);
    const db = distances(b);
    const lit = {nodes: new Set([a, b]), edges: new Set(), length: da.get(b), from: da};
    if (lit.length === undefined) return lit;
    edges.forEach((e) => {
      const on = da.get(e.from) + 1 + db.get(e.to) === lit.length ||
        da.get(e.to) + 1 + db.get(e.from) === lit.length;
      if (on && edgeShown(e)) { lit.edges.add(e.id); lit.nodes.add(e.from); lit.nodes.add(e.to); }
    });
    return lit;
  }

  function litSet() {
    if (state.path.length === 2) return shortestPaths(idOf.get(state.path[0]), idOf.get(state.path[1]));
    if (state.path.length === 1) return {nodes: new Set([idOf.get(state.path[0])]), edges: new Set()};
    if (state.focus) return chainOf(idOf.get(state.focus));
    return null;
  }

  // ---- vis-network ---------------------------------------------------------------------------

  /** How a node and a link look in the current state; `lit` is the lit set or null. */
  function nodeLook(n, lit) {
    const on = !lit || lit.nodes.has(n.id);
    return {label: label(n), hidden: !nodeShown(n), color: on ? classes[n.cls].colour : DIM_NODE,
      text: on ? INK : DIM_TEXT};
  }
  function edgeLook(e, lit) {
    const on = Boolean(lit && lit.edges.has(e.id));
    return {hidden: !linkShown(e), color: lit ? (on ? EDGE_ON : EDGE_DIM) : EDGE, width: on ? 2.5 : 1};
  }

  // What vis-network was last told (at first, its defaults), so that only changes are sent.
  const nodeLooks = nodes.map((n) => ({hidden: false, color: classes[n.cls].colour, text: INK}));
  const edgeLooks = edges.map(() => ({hidden: false, color: EDGE, width: 1}));

  function nodeChange(n, look) {
    const was = nodeLooks[n.id];
    const v = {id: n.id};
    if (look.label !== was.label) v.label = look.label;
    if (look.hidden !== was.hidden) v.hidden = look.hidden;
    if (look.color !== was.color) v.color = look.color;
    if (look.text !== was.text) v.font = {color: look.text};
    nodeLooks[n.id] = look;
    return v;
  }
  function edgeChange(e, look) {
    const was = edgeLooks[e.id];
    const v = {id: e.id};
    if (look.hidden !== was.hidden) v.hidden = look.hidden;
    if (look.color !== was.color) v.color = {color: look.color, highlight: EDGE_ON, hover: EDGE_ON};
    if (look.width !== was.width) v.width = look.width;
    edgeLooks[e.id] = look;
    return v;
  }

  /** Send vis-network what changed since the last call, and draw once. */
  function restyle(lit) {
    const changed = (v) => Object.keys(v).length > 1;
    const nodeUpdates = nodes.map((n) => nodeChange(n, nodeLook(n, lit))).filter(changed);
    const edgeUpdates = edges.map((e) => edgeChange(e, edgeLook(e, lit))).filter(changed);
    if (!nodeUpdates.length && !edgeUpdates.length) return;
    // With physics off vis-network redraws after each data set update; hold it to draw once.
    network.emit('_blockRedraw');
    try {
      if (nodeUpdates.length) visNodes.update(nodeUpdates);
      if (edgeUpdates.length) visEdges.update(edgeUpdates);
    } finally {
      network.emit('_allowRedraw');
      network.redraw();
    }
  }

  Object.assign(state, readHash());
  const container = document.getElementById('kg-map');
  const groups = {};
  classes.forEach((c, i) => { groups[String(i)] = {color: c.colour, shape: c.shape}; });
  const big = nodes.length > 1000;
  const firstLit = litSet();
  const visNodes = new vis.DataSet(nodes.map((n) => Object.assign(
    nodeChange(n, nodeLook(n, firstLit)), {x: n.x, y: n.y, size: n.size, group: String(n.cls)})));
  const visEdges = new vis.DataSet(edges.map((e) => Object.assign(
    edgeChange(e, edgeLook(e, firstLit)), {from: e.from, to: e.to, dashes: !e.stated})));
  const network = new vis.Network(container, {nodes: visNodes, edges: visEdges}, {
    autoResize: true,
    groups: groups,
    layout: {improvedLayout: false},
    physics: state.physics ? PHYSICS_ON : {enabled: false},
    nodes: {
      borderWidth: 1, widthConstraint: {maximum: 180},
      font: {size: 14, color: INK, strokeWidth: 3, strokeColor: '#ffffff'},
    },
    edges: {
      arrows: {to: {enabled: true, scaleFactor: 0.5}},
      color: {color: EDGE, highlight: EDGE_ON, hover: EDGE_ON, inherit: false},
      smooth: false, width: 1, hoverWidth: 0.5, selectionWidth: 1,
    },
    interaction: {hover: true, tooltipDelay: 120, hideEdgesOnDrag: big, hideEdgesOnZoom: big},
  });
  let physicsOn = state.physics;

  network.once('afterDrawing', () => { document.documentElement.dataset.drawn = '1'; });
  network.on('afterDrawing', () => {
    const body = network.body;  // vis-network keeps the ids of the nodes it draws here
    container.dataset.drawnNodes = String(body && body.nodeIndices ? body.nodeIndices.length : -1);
  });

  function placeView() {
    if (state.at) {
      network.moveTo({position: {x: state.at[0], y: state.at[1]}, scale: state.at[2]});
    } else if (state.focus || state.path.length) {
      const key = state.focus || state.path[0];
      network.focus(idOf.get(key), {scale: Math.max(network.getScale(), 1), animation: false});
    } else {
      network.fit({animation: false});
    }
  }

  // ---- DOM helpers (text only) ---------------------------------------------------------------

  function setChildren(parent, children) {
    while (parent.firstChild) parent.removeChild(parent.firstChild);
    children.forEach((c) => parent.appendChild(c));
  }

  function el(tag, cls, text) {
    const x = document.createElement(tag);
    if (cls) x.className = cls;
    if (text !== undefined) x.textContent = text;
    return x;
  }

  function evidenceList(ev) {
    const ul = el('ul', 'kg-ev');
    ev.forEach((q) => {
      const li = el('li');
      li.appendChild(el('span', 'kg-sec', '§' + q.section));
      li.appendChild(el('q', null, q.quote));
      ul.appendChild(li);
    });
    return ul;
  }

  function nodeCard(n) {
    const box = el('div', 'kg-card');
    const c = classes[n.cls];
    box.appendChild(el('div', 'kg-type', c.en + ' · ' + c.zh));
    box.appendChild(el('div', 'kg-label', label(n)));
    if (otherLabel(n) && otherLabel(n) !== label(n)) box.appendChild(el('div', 'kg-label2', otherLabel(n)));
    const def = state.lang === 'zh' ? n.defZh || n.defEn : n.defEn || n.defZh;
    if (def) box.appendChild(el('p', 'kg-def', def));
    if (n.lev) box.appendChild(el('div', 'kg-lev', 'leverage: reaches ' + n.lev + ' cause(s)/challenge(s)'));
    if (n.ev.length) box.appendChild(evidenceList(n.ev));
    return box;
  }

  function edgeCard(e) {
    const box = el('div', 'kg-card');
    const p = preds[e.pred];
    box.appendChild(el('div', 'kg-type', p.en + ' · ' + p.zh));
    box.appendChild(el('div', 'kg-label', label(nodes[e.from]) + ' → ' + label(nodes[e.to])));
    box.appendChild(el('div', 'kg-mode', e.stated ? 'stated in the source · 原文陈述' : 'inferred by a curator · 整理者推断'));
    if (e.ev.length) box.appendChild(evidenceList(e.ev));
    return box;
  }

  function nodeButton(n) {
    const b = el('button', null, label(n));
    b.type = 'button';
    b.dataset.key = n.key;
    b.dataset.class = classes[n.cls].curie;
    b.addEventListener('click', () => choose(n));
    return b;
  }

  // ---- tooltip -------------------------------------------------------------------------------

  const tip = document.getElementById('kg-tip');
  function showTip(card, pointer) {
    setChildren(tip, [card]);
    const box = container.getBoundingClientRect();
    tip.hidden = false;
    const x = Math.min(box.left + pointer.x + 14, window.innerWidth - tip.offsetWidth - 8);
    const y = Math.min(box.top + pointer.y + 14, window.innerHeight - tip.offsetHeight - 8);
    tip.style.left = Math.max(0, x + window.scrollX) + 'px';
    tip.style.top = Math.max(0, y + window.scrollY) + 'px';
  }
  const hideTip = () => { tip.hidden = true; };
  network.on('hoverNode', (p) => showTip(nodeCard(nodes[p.node]), p.pointer.DOM));
  network.on('hoverEdge', (p) => showTip(edgeCard(edges[p.edge]), p.pointer.DOM));
  ['blurNode', 'blurEdge', 'dragStart', 'zoom'].forEach((ev) => network.on(ev, hideTip));

  // ---- side panel ----------------------------------------------------------------------------

  const info = document.getElementById('kg-info');

  function renderInfo(lit) {
    const parts = [];
    if (state.path.length === 2) {
      const [a, b] = state.path.map((k) => nodes[idOf.get(k)]);
      parts.push(el('h2', null, 'Shortest path(s)'));
      parts.push(el('div', 'kg-label', label(a) + ' ⇄ ' + label(b)));
      if (lit.length === undefined) {
        parts.push(el('p', 'kg-note', 'No path between them over the links shown.'));
      } else {
        parts.push(el('p', 'kg-note', lit.length + ' step(s); ' + lit.edges.size + ' link(s) on a shortest path.'));
        const near = (e) => Math.min(lit.from.get(e.from), lit.from.get(e.to));
        Array.from(lit.edges).map((i) => edges[i]).sort((x, y) => near(x) - near(y) || x.id - y.id)
          .forEach((e) => { const d = edgeCard(e); d.className = 'kg-link'; d.dataset.edge = String(e.id); parts.push(d); });
      }
    } else if (state.path.length === 1) {
      parts.push(el('h2', null, 'Path'));
      parts.push(el('p', 'kg-note', 'From “' + label(nodes[idOf.get(state.path[0])]) + '”: shift-click a second node.'));
    } else if (state.focus) {
      const n = nodes[idOf.get(state.focus)];
      parts.push(el('h2', null, 'Selected'));
      parts.push(nodeCard(n));
      parts.push(el('h2', null, 'Chain (cause → remedy → trend)'));
      classes.forEach((c, ci) => {
        const members = Array.from(lit.nodes).map((i) => nodes[i]).filter((m) => m.cls === ci && m.id !== n.id);
        if (!members.length) return;
        parts.push(el('div', 'kg-group', name(c) + ' (' + members.length + ')'));
        const ul = el('ul', 'kg-list');
        ul.dataset.class = c.curie;
        members.sort((x, y) => label(x).localeCompare(label(y))).forEach((m) => {
          const li = el('li');
          li.appendChild(nodeButton(m));
          ul.appendChild(li);
        });
        parts.push(ul);
      });
    } else {
      parts.push(el('h2', null, 'Explore'));
      ['Hover a node or link for its labels, definition and evidence.',
        'Click a node to light its cause → remedy → trend chain.',
        'Click one node, then shift-click another for the shortest path(s) between them.',
        'The address bar keeps what you see: copy it to share this exact view.']
        .forEach((t) => parts.push(el('p', 'kg-note', t)));
    }
    setChildren(info, parts);
  }

  // ---- controls ------------------------------------------------------------------------------

  const search = document.getElementById('kg-search');
  const results = document.getElementById('kg-results');
  const langButton = document.getElementById('kg-lang');
  const linksSelect = document.getElementById('kg-links');
  const physicsBox = document.getElementById('kg-physics');
  const classBoxes = Array.from(document.querySelectorAll('input[data-class]'));

  /** Bring the map, the controls, the panel and the fragment in line with `state`. */
  function apply() {
    const lit = litSet();
    document.documentElement.dataset.lang = state.lang;
    document.documentElement.lang = state.lang;
    restyle(lit);
    if (physicsOn !== state.physics) {
      physicsOn = state.physics;
      network.setOptions({physics: physicsOn ? PHYSICS_ON : {enabled: false}});
    }
    langButton.textContent = state.lang === 'zh' ? 'English' : '中文';
    linksSelect.value = state.links;
    physicsBox.checked = state.physics;
    classBoxes.forEach((b) => { b.checked = !state.hide.has(b.dataset.class); });
    renderInfo(lit);
    writeHash();
  }

  function choose(n) {
    state.focus = n.key;
    state.path = [];
    state.at = null;
    state.hide.delete(classes[n.cls].curie);
    apply();
    network.focus(n.id, {scale: Math.max(network.getScale(), 1), animation: false});
  }

  function matches(text) {
    const q = text.trim().toLowerCase();
    if (!q) return [];
    const hits = [];
    nodes.forEach((n) => {
      const en = n.en.toLowerCase();
      const zh = n.zh.toLowerCase();
      const rank = en === q || zh === q ? 0 : en.startsWith(q) || zh.startsWith(q) ? 1 :
        en.includes(q) || zh.includes(q) ? 2 : -1;
      if (rank >= 0) hits.push([rank, label(n).length, n.id]);
    });
    hits.sort((a, b) => a[0] - b[0] || a[1] - b[1] || a[2] - b[2]);
    return hits.slice(0, 12).map((h) => nodes[h[2]]);
  }

  function showResults() {
    const found = matches(search.value);
    setChildren(results, found.map((n) => {
      const li = el('li');
      const b = nodeButton(n);
      b.appendChild(el('span', 'kg-type', name(classes[n.cls])));
      b.addEventListener('click', closeResults);
      li.appendChild(b);
      return li;
    }));
    results.hidden = found.length === 0;
  }
  function closeResults() { results.hidden = true; }

  search.addEventListener('input', showResults);
  search.addEventListener('keydown', (ev) => {
    if (ev.key === 'Enter') {
      const first = matches(search.value)[0];
      if (first) { choose(first); closeResults(); }
    } else if (ev.key === 'Escape') {
      search.value = '';
      closeResults();
    }
  });
  document.addEventListener('click', (ev) => {
    if (!ev.target.closest('.kg-search')) closeResults();
  });

  langButton.addEventListener('click', () => { state.lang = state.lang === 'zh' ? 'en' : 'zh'; apply(); });
  linksSelect.addEventListener('change', () => { state.links = linksSelect.value; apply(); });
  physicsBox.addEventListener('change', () => { state.physics = physicsBox.checked; apply(); });
  classBoxes.forEach((b) => b.addEventListener('change', () => {
    if (b.checked) state.hide.delete(b.dataset.class); else state.hide.add(b.dataset.class);
    apply();
  }));
  document.getElementById('kg-reset').addEventListener('click', () => {
    const lang = state.lang;
    Object.assign(state, defaults(), {lang: lang});
    apply();
    network.fit({animation: false});
  });
  document.addEventListener('keydown', (ev) => {
    if (ev.key === 'Escape' && ev.target === document.body) {
      state.focus = null; state.path = []; apply();
    }
  });

  network.on('click', (p) => {
    const shift = Boolean(p.event && p.event.srcEvent && p.event.srcEvent.shiftKey);
    if (p.nodes.length) {
      const key = nodes[p.nodes[0]].key;
      if (shift) {
        const first = state.path.length === 1 ? state.path[0] : state.focus;
        state.path = first && first !== key ? [first, key] : [key];
        state.focus = null;
      } else {
        state.focus = key;
        state.path = [];
      }
    } else if (!p.edges.length) {
      state.focus = null;
      state.path = [];
    }
    apply();
  });

  let viewTimer = null;
  function rememberView() {
    clearTimeout(viewTimer);
    viewTimer = setTimeout(() => {
      const c = network.getViewPosition();
      state.at = [Math.round(c.x), Math.round(c.y), Math.round(network.getScale() * 1000) / 1000];
      writeHash();
    }, 250);
  }
  network.on('dragEnd', (p) => { if (!p.nodes.length) rememberView(); });
  network.on('zoom', rememberView);

  window.addEventListener('hashchange', () => {
    const s = readHash();
    if (hashOf(s) === hashOf(state)) return;
    Object.assign(state, s);
    apply();
    placeView();
  });

  if (!nodes.length) container.appendChild(el('div', 'kg-empty', 'This view has no nodes yet.'));
  placeView();
  apply();

  /** Read-only handles for tests and the curious (window.kgMap in the console). */
  window.kgMap = {
    network: network,
    state: state,
    idOf: (key) => idOf.get(key),
    keyOf: (id) => nodes[id].key,
    lit: () => { const l = litSet(); return l ? Array.from(l.nodes).map((i) => nodes[i].key).sort() : []; },
    label: (key) => visNodes.get(idOf.get(key)).label,
  };
}());
