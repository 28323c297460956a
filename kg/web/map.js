/* cbec-kg interactive map — plain ES2017, no library but the inlined vis-network.
 *
 * Data: JSON in <script id="kg-data" type="application/json"> (written by kg/maps/payload.py):
 *   s    string table; every string field below is an index into it
 *   c    classes     [curie, label en, label zh, colour, shape, font px, wrap px, group key]
 *   g    groups      [key, heading en, heading zh], in the ontology's display order
 *   x    "none"      [group key, class, en, zh]: the sentence for a group the paper leaves empty
 *                    around a node of that class (the same as kg trace's)
 *   p    predicates  [curie, reading en, reading zh, role, along 1|0]: how a link reads from its
 *                    subject to its object, its role in the chain (causal, remedy, composition,
 *                    outcome, responsibility, driver, context) and whether the chain runs along
 *                    its arrow, all from the ontology (kg/model.py)
 *   n    nodes       [key, class, label en, label zh, definition en, definition zh, x, y,
 *                     force x, force y, size, leverage, [section, quote, ...], layer,
 *                     [[indicator en, indicator zh, period, value, unit en, unit zh,
 *                       [section, quote, ...]], ...]]
 *   e    links       [from, to, predicate, stated 1|0, [section, quote, ...], rationale en, zh]
 *   sec  sections    [notation, title en, title zh]
 *   l    layout      {order: column order, crossings, bands: problem tree above the rest}
 *   ff   the canvas font of labels;  u  the page's own words {key: [en, zh]}
 * Strings from the knowledge graph reach the page through textContent only, never as HTML.
 * What one sees (focus, path, language, filters, layout, physics, table, viewport) lives in the
 * URL fragment.
 */
(function () {
  'use strict';

  const INK = '#1f1f1f';
  const BORDER = '#3c3c3c';
  const DIM_NODE = '#ececec';
  const DIM_BORDER = '#d2d2d2';
  const DIM_TEXT = '#c8c8c8';
  const EDGE = '#9aa0a6';
  const EDGE_ON = '#202124';
  const EDGE_DIM = '#eeeeee';
  const LEGIBLE = 11;  // no label is drawn smaller than this, in screen pixels
  const PHYSICS_ON = {enabled: true, solver: 'forceAtlas2Based', stabilization: {enabled: false}};

  // ---- data --------------------------------------------------------------------------------

  const raw = JSON.parse(document.getElementById('kg-data').textContent);
  const S = raw.s;
  const U = raw.u;
  const pairs = (flat) => {
    const out = [];
    for (let i = 0; i < flat.length; i += 2) out.push({section: S[flat[i]], quote: S[flat[i + 1]]});
    return out;
  };
  const classes = raw.c.map((c) => ({curie: c[0], en: S[c[1]], zh: S[c[2]], colour: c[3],
    shape: c[4], font: c[5], wrap: c[6], group: c[7]}));
  const groups = raw.g.map((g) => ({key: g[0], en: S[g[1]], zh: S[g[2]]}));
  const noneOf = new Map(raw.x.map((x) => [x[0] + '|' + x[1], {en: S[x[2]], zh: S[x[3]]}]));
  const preds = raw.p.map((p) => ({curie: p[0], en: S[p[1]], zh: S[p[2]], role: p[3],
    along: p[4] === 1}));
  const nodes = raw.n.map((r, i) => ({
    id: i, key: S[r[0]], cls: r[1], en: S[r[2]], zh: S[r[3]], defEn: S[r[4]], defZh: S[r[5]],
    x: r[6], y: r[7], fx: r[8], fy: r[9], size: r[10], lev: r[11], ev: pairs(r[12]),
    layer: S[r[13]],
    figs: r[14].map((f) => ({en: S[f[0]], zh: S[f[1]], period: S[f[2]], value: S[f[3]],
      unitEn: S[f[4]], unitZh: S[f[5]], ev: pairs(f[6])})),
  }));
  const edges = raw.e.map((r, i) => ({
    id: i, from: r[0], to: r[1], pred: r[2], stated: r[3] === 1, ev: pairs(r[4]),
    rationale: {en: S[r[5]], zh: S[r[6]]},
  }));
  const sections = new Map(raw.sec.map((s) => [s[0], {en: S[s[1]], zh: S[s[2]]}]));
  // the curator's rationale of an inferred link in the page's language (English when the data
  // has none in Chinese), with the language it is written in
  const rationaleOf = (e) => (zh() && e.rationale.zh
    ? {text: e.rationale.zh, lang: 'zh'} : {text: e.rationale.en, lang: 'en'});
  const idOf = new Map(nodes.map((n) => [n.key, n.id]));
  const outE = nodes.map(() => []);
  const inE = nodes.map(() => []);
  edges.forEach((e) => { outE[e.from].push(e); inE[e.to].push(e); });
  const pageName = (location.pathname.split('/').pop() || 'map').replace(/\.html?$/, '');

  // ---- state and the URL fragment ------------------------------------------------------------

  function defaults() {
    return {focus: null, path: [], lang: 'en', links: 'all', hide: new Set(), physics: false,
      layout: 'layered', table: false, at: null};
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
    if (q.get('layout') === 'force') s.layout = 'force';
    s.table = q.get('table') === '1';
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
    if (s.layout !== 'layered') q.set('layout', s.layout);
    if (s.physics) q.set('physics', '1');
    if (s.table) q.set('table', '1');
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

  // ---- words ---------------------------------------------------------------------------------

  const zh = () => state.lang === 'zh';
  /** The page's word `key` in the current language, with {name} filled from `vars`. */
  function t(key, vars) {
    const text = U[key][zh() ? 1 : 0];
    return text.replace(/\{(\w+)\}/g, (m, k) => (vars && k in vars ? String(vars[k]) : m));
  }
  const label = (n) => (zh() ? n.zh || n.en : n.en || n.zh);
  const otherLabel = (n) => (zh() ? n.en : n.zh);
  const name = (x) => (zh() ? x.zh || x.en : x.en || x.zh);
  const sectionName = (s) => { const k = sections.get(s); return k && name(k) ? name(k) : s; };

  // ---- what is shown, what is lit ------------------------------------------------------------

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
      step(frontier, role, along).forEach((id) => {
        if (!found.has(id)) { found.add(id); next.add(id); }
      });
      frontier = next;
    }
    return found;
  }

  const union = (...sets) => {
    const u = new Set();
    sets.forEach((x) => x.forEach((i) => u.add(i)));
    return u;
  };
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

  /** The shown links among a set of nodes. */
  function linksAmong(ids) {
    const found = new Set();
    edges.forEach((e) => { if (edgeShown(e) && ids.has(e.from) && ids.has(e.to)) found.add(e.id); });
    return found;
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
    if (state.path.length === 2) {
      return shortestPaths(idOf.get(state.path[0]), idOf.get(state.path[1]));
    }
    if (state.path.length === 1) return {nodes: new Set([idOf.get(state.path[0])]), edges: new Set()};
    if (state.focus) {
      const ids = around(idOf.get(state.focus));
      return {nodes: ids, edges: linksAmong(ids)};
    }
    return null;
  }

  // ---- vis-network ---------------------------------------------------------------------------

  const container = document.getElementById('kg-map');
  const visGroups = {};
  classes.forEach((c, i) => {
    visGroups[String(i)] = {
      shape: c.shape,
      color: {background: c.colour, border: BORDER},
      font: {size: c.font, face: raw.ff},
      widthConstraint: {maximum: c.wrap},
    };
  });
  const big = nodes.length > 1000;
  Object.assign(state, readHash());
  const at = (n) => (state.layout === 'force' ? [n.fx, n.fy] : [n.x, n.y]);
  const visNodes = new vis.DataSet(nodes.map((n) => ({
    id: n.id, label: label(n), x: at(n)[0], y: at(n)[1], size: n.size, group: String(n.cls),
    hidden: !nodeShown(n),
  })));
  const visEdges = new vis.DataSet(edges.map((e) => ({
    id: e.id, from: e.from, to: e.to, dashes: !e.stated, hidden: !linkShown(e),
  })));
  const smooth = (layout) => (big || layout === 'force' || raw.l.bands ? false :
    {enabled: true, type: 'cubicBezier', forceDirection: 'horizontal', roundness: 0.45});
  const network = new vis.Network(container, {nodes: visNodes, edges: visEdges}, {
    autoResize: true,
    groups: visGroups,
    layout: {improvedLayout: false},
    physics: state.physics ? PHYSICS_ON : {enabled: false},
    nodes: {
      borderWidth: 1, borderWidthSelected: 2,
      font: {color: INK, strokeWidth: 3, strokeColor: '#ffffff'},
      scaling: {label: {drawThreshold: LEGIBLE + 1, maxVisible: 40}},
    },
    edges: {
      arrows: {to: {enabled: true, scaleFactor: 0.5}},
      color: {color: EDGE, highlight: EDGE_ON, hover: EDGE_ON, inherit: false},
      smooth: smooth(state.layout), width: 1, hoverWidth: 0.5, selectionWidth: 1,
    },
    interaction: {hover: true, tooltipDelay: 120, hideEdgesOnDrag: big, hideEdgesOnZoom: big},
  });
  let physicsOn = state.physics;
  let layoutOn = state.layout;
  const shown = {nodes: nodes.map(nodeShown), links: edges.map(linkShown)};

  network.once('afterDrawing', () => { document.documentElement.dataset.drawn = '1'; });
  network.on('afterDrawing', () => {
    const body = network.body;  // vis-network keeps the ids of the nodes it draws here
    container.dataset.drawnNodes = String(body && body.nodeIndices ? body.nodeIndices.length : -1);
  });

  // Lighting a chain repaints only what changes, in place: vis-network 9 keeps each node's and
  // link's resolved colours in body.nodes[id].options / body.edges[id].options and a label's
  // colour in its laid-out lines. Writing them there and drawing once costs a few microseconds
  // per changed item, where a DataSet update would re-parse every changed item and measure its
  // label again (about a second for 5,000 nodes). Without those internals, DataSet updates.
  const body = network.body;
  const inPlace = Boolean(body && body.nodes && nodes.every((n) => {
    const b = body.nodes[n.id];
    return b && b.options && b.options.color && b.labelModule && b.labelModule.fontOptions;
  }) && edges.every((e) => body.edges[e.id] && body.edges[e.id].options));
  const nodeLooks = nodes.map((n) => ({fill: classes[n.cls].colour, border: BORDER, text: INK}));
  const edgeLooks = edges.map(() => ({color: EDGE, width: 1}));

  function paintNode(id, look) {
    if (!inPlace) {
      visNodes.update({id: id, color: {background: look.fill, border: look.border,
        highlight: {background: look.fill, border: look.border},
        hover: {background: look.fill, border: look.border}}, font: {color: look.text}});
      return;
    }
    const b = body.nodes[id];
    const c = {background: look.fill, border: look.border};
    b.options.color = Object.assign({}, b.options.color, c, {highlight: c, hover: c});
    b.labelModule.fontOptions.color = look.text;
    (b.labelModule.lines || []).forEach((line) => (line.blocks || []).forEach((block) => {
      block.color = look.text;
    }));
  }
  function paintEdge(id, look) {
    const colour = {color: look.color, highlight: EDGE_ON, hover: EDGE_ON, inherit: false, opacity: 1};
    if (!inPlace) {
      visEdges.update({id: id, color: colour, width: look.width});
      return;
    }
    const b = body.edges[id];
    b.options.color = Object.assign({}, b.options.color, colour);
    b.options.width = look.width;
  }

  /** Bring colours, visibility and labels in line with `lit`, touching only what changed. */
  function restyle(lit, relabel) {
    const nodeHidden = [];
    nodes.forEach((n) => {
      if (nodeShown(n) !== shown.nodes[n.id]) {
        shown.nodes[n.id] = nodeShown(n);
        nodeHidden.push({id: n.id, hidden: !shown.nodes[n.id]});
      }
    });
    const edgeHidden = [];
    edges.forEach((e) => {
      if (linkShown(e) !== shown.links[e.id]) {
        shown.links[e.id] = linkShown(e);
        edgeHidden.push({id: e.id, hidden: !shown.links[e.id]});
      }
    });
    const labels = relabel ? nodes.map((n) => ({id: n.id, label: label(n)})) : [];
    network.emit('_blockRedraw');  // one draw for everything below
    try {
      let touched = labels;
      let againEdges = new Set();
      if (inPlace) {  // hide and show in place too, then let vis-network recount what it draws
        nodeHidden.forEach((u) => { body.nodes[u.id].options.hidden = u.hidden; });
        edgeHidden.forEach((u) => { body.edges[u.id].options.hidden = u.hidden; });
        if (nodeHidden.length || edgeHidden.length) body.emitter.emit('_dataChanged');
      } else {
        touched = touched.concat(nodeHidden);
        if (edgeHidden.length) visEdges.update(edgeHidden);
        againEdges = new Set(edgeHidden.map((u) => u.id));
      }
      if (touched.length) visNodes.update(touched);  // re-parses these nodes: paint them again
      const again = new Set(touched.map((u) => u.id));
      nodes.forEach((n) => {
        const on = !lit || lit.nodes.has(n.id);
        const look = on ? {fill: classes[n.cls].colour, border: BORDER, text: INK} :
          {fill: DIM_NODE, border: DIM_BORDER, text: DIM_TEXT};
        const was = nodeLooks[n.id];
        if (again.has(n.id) || look.fill !== was.fill || look.text !== was.text) {
          paintNode(n.id, look);
          nodeLooks[n.id] = look;
        }
      });
      edges.forEach((e) => {
        const on = Boolean(lit && lit.edges.has(e.id));
        const look = {color: lit ? (on ? EDGE_ON : EDGE_DIM) : EDGE, width: on ? 2.5 : 1};
        const was = edgeLooks[e.id];
        if (againEdges.has(e.id) || look.color !== was.color || look.width !== was.width) {
          paintEdge(e.id, look);
          edgeLooks[e.id] = look;
        }
      });
    } finally {
      network.emit('_allowRedraw');
      redraw();
    }
  }

  /** Draw at the next frame, once for everything changed until then (the view too). */
  function redraw() {
    if (inPlace) body.emitter.emit('_requestRedraw'); else network.redraw();
  }

  /** Put every node back where the chosen precomputed layout has it. */
  function restoreLayout() {
    nodes.forEach((n) => {
      const p = at(n);
      if (inPlace) {
        body.nodes[n.id].x = p[0];
        body.nodes[n.id].y = p[1];
      } else {
        network.moveNode(n.id, p[0], p[1]);
      }
    });
    redraw();
  }

  /** Scale at which every label of `ids` is drawn at least LEGIBLE px high. */
  function legibleScale(ids) {
    let smallest = Infinity;
    ids.forEach((id) => { smallest = Math.min(smallest, classes[nodes[id].cls].font); });
    return Number.isFinite(smallest) ? (LEGIBLE + 1.5) / smallest : 1;
  }

  /** Show a node and its lit chain: the whole chain if its labels can be read so, else the
   *  chain's middle (or the node, if that leaves it out) at the smallest scale where they can.
   *  The same for a click, a search and a shared link. */
  function reveal(id) {
    const lit = litSet();
    const ids = lit && lit.nodes.has(id) ? Array.from(lit.nodes).filter((i) => shown.nodes[i]) : [id];
    const need = legibleScale(ids);
    const fit = fitOf(ids.length ? ids : [id]);
    if (fit.scale >= need) {
      network.moveTo({position: fit.centre, scale: fit.scale, animation: false});
      return;
    }
    network.moveTo({position: fit.centre, scale: need, animation: false});
    const p = network.canvasToDOM(network.getPosition(id));
    const margin = 40;
    if (p.x < margin || p.y < margin || p.x > container.clientWidth - margin ||
        p.y > container.clientHeight - margin) {
      network.moveTo({position: network.getPosition(id), scale: need, animation: false});
    }
  }

  /** The view vis-network's fit() gives for some nodes (10 % around, never above scale 1),
   *  from the boxes of their last drawing: without measuring every node of the map again. */
  function fitOf(ids) {
    let x0 = Infinity; let y0 = Infinity; let x1 = -Infinity; let y1 = -Infinity;
    ids.forEach((i) => {
      const b = network.getBoundingBox(i);
      x0 = Math.min(x0, b.left); y0 = Math.min(y0, b.top);
      x1 = Math.max(x1, b.right); y1 = Math.max(y1, b.bottom);
    });
    const scale = Math.min(1, container.clientWidth / (1.1 * Math.max(x1 - x0, 1)),
      container.clientHeight / (1.1 * Math.max(y1 - y0, 1)));
    return {centre: {x: (x0 + x1) / 2, y: (y0 + y1) / 2}, scale: scale};
  }

  function placeView() {
    if (state.at) {
      network.moveTo({position: {x: state.at[0], y: state.at[1]}, scale: state.at[2]});
    } else if (state.focus || state.path.length) {
      reveal(idOf.get(state.focus || state.path[0]));
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

  /** Quotes with their section; in English each with the curated English it supports. */
  function evidenceList(ev, gloss) {
    const ul = el('ul', 'kg-ev');
    ev.forEach((q) => {
      const li = el('li');
      const sec = el('span', 'kg-sec', '§' + q.section);
      sec.title = sectionName(q.section);
      li.appendChild(sec);
      const quote = el('q', null, q.quote);
      quote.lang = 'zh';
      li.appendChild(quote);
      ul.appendChild(li);
    });
    if (!zh() && gloss && ev.length) ul.appendChild(el('li', 'kg-gloss', t('gloss') + ' ' + gloss));
    return ul;
  }

  const className = (n) => name(classes[n.cls]);
  const sentence = (e) => [label(nodes[e.from]), name(preds[e.pred]), label(nodes[e.to])];
  const englishSentence = (e) =>
    [nodes[e.from].en, preds[e.pred].en, nodes[e.to].en].join(' ');

  function figureList(n) {
    const ul = el('ul', 'kg-figs');
    n.figs.forEach((f) => {
      const li = el('li');
      li.appendChild(el('span', 'kg-fig', name(f) + ' (' + f.period + '): ' + f.value + ' ' +
        (zh() ? f.unitZh || f.unitEn : f.unitEn || f.unitZh)));
      li.appendChild(evidenceList(f.ev, null));
      ul.appendChild(li);
    });
    return ul;
  }

  function nodeCard(n) {
    const box = el('div', 'kg-card');
    box.appendChild(el('div', 'kg-type', className(n)));
    box.appendChild(el('div', 'kg-label', label(n)));
    if (otherLabel(n) && otherLabel(n) !== label(n)) box.appendChild(el('div', 'kg-label2', otherLabel(n)));
    const def = zh() ? n.defZh || n.defEn : n.defEn || n.defZh;
    if (def) box.appendChild(el('p', 'kg-def', def));
    if (n.lev) box.appendChild(el('div', 'kg-lev', t('leverage', {n: n.lev})));
    if (n.ev.length) box.appendChild(evidenceList(n.ev, n.en));
    if (n.figs.length) {
      box.appendChild(el('div', 'kg-sub', t('figures')));
      box.appendChild(figureList(n));
    }
    return box;
  }

  function edgeCard(e) {
    const box = el('div', 'kg-card');
    const words = sentence(e);
    box.appendChild(el('div', 'kg-type', words[1]));
    box.appendChild(el('div', 'kg-label', words[0] + ' → ' + words[2]));
    box.appendChild(el('div', 'kg-mode' + (e.stated ? '' : ' kg-inferred'), t(e.stated ? 'stated' : 'inferred')));
    const why = rationaleOf(e);
    if (!e.stated && why.text) {
      const r = el('div', 'kg-rationale');
      r.appendChild(el('span', 'kg-sub', t('rationale') + ': '));
      const text = el('span', null, why.text);
      text.lang = why.lang;
      r.appendChild(text);
      box.appendChild(r);
    }
    if (e.ev.length) box.appendChild(evidenceList(e.ev, englishSentence(e)));
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
  const groupOf = (n) => classes[n.cls].group;
  const statement = (group, n) => {
    const s = noneOf.get(group + '|' + n.cls);
    return s ? name(s) : '';
  };

  /** Within `ids`, the nodes one shown link of `role` away from `id` along the chain. */
  function related(id, role, ids) {
    return Array.from(step([id], role, true)).filter((i) => ids.has(i)).map((i) => nodes[i])
      .sort((a, b) => label(a).localeCompare(label(b)));
  }

  /** "Actors: …" under a remedy, "Causes: …" under a problem (or the paper's silence). */
  function detailLine(n, ids) {
    const line = el('div', 'kg-detail');
    if (n.layer === 'remedy') {
      const actors = related(n.id, 'responsibility', ids);
      line.dataset.detail = 'actors';
      if (!actors.length) {
        line.classList.add('kg-none');
        line.textContent = statement('actors', n);
        return line;
      }
      line.appendChild(el('span', 'kg-sub', t('actorsOf') + ': '));
      actors.forEach((a, i) => {
        if (i) line.appendChild(document.createTextNode(zh() ? '、' : ', '));
        line.appendChild(nodeButton(a));
      });
      return line;
    }
    if (n.layer === 'problem') {
      const causes = related(n.id, 'causal', ids);
      if (!causes.length) return null;
      line.dataset.detail = 'causes';
      line.appendChild(el('span', 'kg-sub', t('causesOf') + ': '));
      causes.forEach((c, i) => {
        if (i) line.appendChild(document.createTextNode(zh() ? '、' : ', '));
        line.appendChild(nodeButton(c));
      });
      return line;
    }
    return null;
  }

  function chainPanel(focus, lit) {
    const parts = [el('h2', null, t('selected')), nodeCard(focus)];
    const own = detailLine(focus, lit.nodes);
    if (own) parts.push(own);
    parts.push(el('h2', null, t('chainHeading')));
    const focusGroup = groupOf(focus);
    groups.forEach((g) => {
      const members = Array.from(lit.nodes).map((i) => nodes[i])
        .filter((m) => groupOf(m) === g.key && m.id !== focus.id)
        .sort((a, b) => label(a).localeCompare(label(b)));
      const section = el('div', 'kg-group');
      section.dataset.group = g.key;
      if (!members.length) {
        if (g.key === focusGroup) return;
        section.appendChild(el('div', 'kg-group-head', name(g)));
        section.appendChild(el('p', 'kg-none', statement(g.key, focus)));
        parts.push(section);
        return;
      }
      section.appendChild(el('div', 'kg-group-head', name(g) + ' (' + members.length + ')'));
      const ul = el('ul', 'kg-list');
      members.forEach((m) => {
        const li = el('li');
        li.dataset.key = m.key;
        li.appendChild(nodeButton(m));
        const line = detailLine(m, lit.nodes);
        if (line) li.appendChild(line);
        ul.appendChild(li);
      });
      section.appendChild(ul);
      parts.push(section);
    });
    const links = el('details', 'kg-links');
    links.appendChild(el('summary', null, t('linksCount', {n: lit.edges.size})));
    Array.from(lit.edges).map((i) => edges[i])
      .sort((a, b) => a.from - b.from || a.to - b.to || a.id - b.id)
      .forEach((e) => {
        const d = edgeCard(e);
        d.className = 'kg-link';
        d.dataset.edge = String(e.id);
        links.appendChild(d);
      });
    parts.push(links);
    return parts;
  }

  let shownFor = null;  // what the panel last answered for: scroll to it when that changes

  function renderInfo(lit) {
    let parts = [];
    if (state.path.length === 2) {
      const [a, b] = state.path.map((k) => nodes[idOf.get(k)]);
      parts.push(el('h2', null, t('paths')));
      parts.push(el('div', 'kg-label', label(a) + ' ⇄ ' + label(b)));
      if (lit.length === undefined) {
        parts.push(el('p', 'kg-note', t('noPath')));
      } else {
        parts.push(el('p', 'kg-note', t('pathSteps', {steps: lit.length, links: lit.edges.size})));
        const near = (e) => Math.min(lit.from.get(e.from), lit.from.get(e.to));
        Array.from(lit.edges).map((i) => edges[i]).sort((x, y) => near(x) - near(y) || x.id - y.id)
          .forEach((e) => {
            const d = edgeCard(e);
            d.className = 'kg-link';
            d.dataset.edge = String(e.id);
            parts.push(d);
          });
      }
    } else if (state.path.length === 1) {
      parts.push(el('h2', null, t('path')));
      parts.push(el('p', 'kg-note', t('pathFrom', {label: label(nodes[idOf.get(state.path[0])])})));
    } else if (state.focus) {
      parts = chainPanel(nodes[idOf.get(state.focus)], lit);
    } else {
      parts.push(el('h2', null, t('exploreHeading')));
      ['explore1', 'explore2', 'explore3', 'explore4', 'explore5']
        .forEach((k) => parts.push(el('p', 'kg-note', t(k))));
    }
    setChildren(info, parts);
    const answering = state.focus || state.path.join(',');
    if (answering !== shownFor) {
      shownFor = answering;
      const side = document.getElementById('kg-side');
      side.scrollTop = answering ? info.offsetTop - side.offsetTop : 0;
    }
  }

  // ---- the table of the chain ----------------------------------------------------------------

  const tableBox = document.getElementById('kg-table');
  const COLUMNS = ['colFromClass', 'colFrom', 'colRelation', 'colToClass', 'colTo', 'colStatus',
    'colSections', 'colQuotes', 'colRationale'];

  /** Header and rows of the links lit (or all shown links), in the current language. */
  function tableRows(lit) {
    const ids = lit ? Array.from(lit.edges) : edges.filter(edgeShown).map((e) => e.id);
    const rows = ids.map((i) => edges[i]).sort((a, b) => a.from - b.from || a.to - b.to || a.id - b.id)
      .map((e) => {
        const words = sentence(e);
        return [className(nodes[e.from]), words[0], words[1], className(nodes[e.to]), words[2],
          t(e.stated ? 'stated' : 'inferred'), e.ev.map((q) => q.section).join('; '),
          e.ev.map((q) => q.quote).join(' / '), e.stated ? '' : rationaleOf(e).text];
      });
    return [COLUMNS.map((k) => t(k))].concat(rows);
  }

  function delimited(rows, sep) {
    const cell = (v) => {
      const s = String(v);
      if (sep === '\t') return s.replace(/[\t\r\n]+/g, ' ');
      return /[",\r\n]/.test(s) ? '"' + s.replace(/"/g, '""') + '"' : s;
    };
    return rows.map((r) => r.map(cell).join(sep)).join('\r\n') + '\r\n';
  }

  function renderTable(lit) {
    tableBox.hidden = !state.table;
    if (!state.table) return;
    const rows = tableRows(lit);
    const focus = state.focus ? nodes[idOf.get(state.focus)] : null;
    document.getElementById('kg-table-title').textContent = focus ?
      t('tableChain', {label: label(focus), n: rows.length - 1}) : t('tableAll', {n: rows.length - 1});
    const table = document.getElementById('kg-rows');
    const head = el('thead');
    const tr = el('tr');
    rows[0].forEach((h) => tr.appendChild(el('th', null, h)));
    head.appendChild(tr);
    const tb = el('tbody');
    rows.slice(1).forEach((r) => {
      const row = el('tr');
      r.forEach((v) => row.appendChild(el('td', null, v)));
      tb.appendChild(row);
    });
    setChildren(table, [head, tb]);
  }

  function copyText(text) {
    const done = () => {
      const note = document.getElementById('kg-copied');
      note.hidden = false;
      setTimeout(() => { note.hidden = true; }, 1500);
    };
    const fallback = () => {
      const area = el('textarea');
      area.value = text;
      area.setAttribute('readonly', '');
      area.style.position = 'fixed';
      area.style.opacity = '0';
      document.body.appendChild(area);
      area.select();
      try { document.execCommand('copy'); done(); } finally { document.body.removeChild(area); }
    };
    if (navigator.clipboard && navigator.clipboard.writeText) {
      navigator.clipboard.writeText(text).then(done, fallback);
    } else {
      fallback();
    }
  }

  function download(blob, filename) {
    const a = el('a');
    a.href = URL.createObjectURL(blob);
    a.download = filename;
    document.body.appendChild(a);
    a.click();
    document.body.removeChild(a);
    setTimeout(() => URL.revokeObjectURL(a.href), 10000);
  }
  const fileStem = () => pageName + (state.focus ? '-' + state.focus : '');

  // ---- export: PNG and SVG of the current view -----------------------------------------------

  function pngCanvas() {
    const src = container.querySelector('canvas');
    const out = document.createElement('canvas');
    out.width = src.width;
    out.height = src.height;
    const ctx = out.getContext('2d');
    ctx.fillStyle = '#ffffff';
    ctx.fillRect(0, 0, out.width, out.height);
    ctx.drawImage(src, 0, 0);
    return out;
  }

  const SVG = 'http://www.w3.org/2000/svg';
  function svgEl(tag, attrs, text) {
    const x = document.createElementNS(SVG, tag);
    Object.keys(attrs).forEach((k) => x.setAttribute(k, String(attrs[k])));
    if (text !== undefined) x.textContent = text;
    return x;
  }
  const r1 = (v) => Math.round(v * 10) / 10;

  function shapePoints(shape, x, y, s) {
    const pts = {
      triangle: [[0, -1], [0.866, 0.5], [-0.866, 0.5]],
      triangleDown: [[0, 1], [0.866, -0.5], [-0.866, -0.5]],
      diamond: [[0, -1], [1, 0], [0, 1], [-1, 0]],
      hexagon: [[0, -1], [0.866, -0.5], [0.866, 0.5], [0, 1], [-0.866, 0.5], [-0.866, -0.5]],
      star: [],
    };
    if (shape === 'star') {
      for (let k = 0; k < 10; k++) {
        const r = k % 2 ? 0.4 : 1;
        const a = -Math.PI / 2 + k * Math.PI / 5;
        pts.star.push([r * Math.cos(a), r * Math.sin(a)]);
      }
    }
    return (pts[shape] || []).map((p) => r1(x + p[0] * s) + ',' + r1(y + p[1] * s)).join(' ');
  }

  /** Lines of a label as the canvas wraps it at `wrap` px (same font as vis-network). */
  const measure = document.createElement('canvas').getContext('2d');
  function wrapLines(text, font, wrap) {
    measure.font = font + 'px ' + raw.ff;
    const words = text.split(' ').filter(Boolean);
    const lines = [];
    let line = '';
    while (words.length) {
      const candidate = line ? line + ' ' + words[0] : words[0];
      if (measure.measureText(candidate).width <= wrap) {
        line = candidate; words.shift();
      } else if (line) {
        lines.push(line); line = '';
      } else {
        let cut = 1;
        while (cut < words[0].length && measure.measureText(words[0].slice(0, cut + 1)).width <= wrap) cut++;
        lines.push(words[0].slice(0, cut));
        words[0] = words[0].slice(cut);
      }
    }
    if (line) lines.push(line);
    return lines;
  }

  /** The current view as an SVG document (what is shown, lit and dimmed as on screen). */
  function svgText() {
    const w = container.clientWidth;
    const h = container.clientHeight;
    const tl = network.DOMtoCanvas({x: 0, y: 0});
    const br = network.DOMtoCanvas({x: w, y: h});
    const svg = svgEl('svg', {xmlns: SVG, width: w, height: h,
      viewBox: [tl.x, tl.y, br.x - tl.x, br.y - tl.y].map(r1).join(' '),
      'font-family': raw.ff});
    svg.appendChild(svgEl('title', {}, document.title));
    svg.appendChild(svgEl('rect', {x: r1(tl.x), y: r1(tl.y), width: r1(br.x - tl.x),
      height: r1(br.y - tl.y), fill: '#ffffff'}));
    const defs = svgEl('defs', {});
    [['kg-arrow', EDGE], ['kg-arrow-on', EDGE_ON], ['kg-arrow-dim', EDGE_DIM]].forEach((m) => {
      const marker = svgEl('marker', {id: m[0], viewBox: '0 0 10 10', refX: 10, refY: 5,
        markerWidth: 6, markerHeight: 6, orient: 'auto-start-reverse'});
      marker.appendChild(svgEl('path', {d: 'M0,0 L10,5 L0,10 z', fill: m[1]}));
      defs.appendChild(marker);
    });
    svg.appendChild(defs);
    const pos = network.getPositions();
    const linkLayer = svgEl('g', {'stroke-linecap': 'round'});
    edges.forEach((e) => {
      if (!edgeShown(e)) return;
      const a = pos[e.from];
      const b = pos[e.to];
      const look = edgeLooks[e.id];
      const len = Math.hypot(b.x - a.x, b.y - a.y) || 1;
      const end = nodes[e.to].size + 2;
      const marker = look.color === EDGE_ON ? 'kg-arrow-on' : look.color === EDGE_DIM ? 'kg-arrow-dim' : 'kg-arrow';
      const attrs = {x1: r1(a.x), y1: r1(a.y), x2: r1(b.x - (b.x - a.x) * end / len),
        y2: r1(b.y - (b.y - a.y) * end / len), stroke: look.color, 'stroke-width': look.width,
        'marker-end': 'url(#' + marker + ')'};
      if (!e.stated) attrs['stroke-dasharray'] = '5 5';
      linkLayer.appendChild(svgEl('line', attrs));
    });
    svg.appendChild(linkLayer);
    const nodeLayer = svgEl('g', {});
    nodes.forEach((n) => {
      if (!nodeShown(n)) return;
      const p = pos[n.id];
      const c = classes[n.cls];
      const look = nodeLooks[n.id];
      const g = svgEl('g', {'data-key': n.key});
      const paint = {fill: look.fill, stroke: look.border, 'stroke-width': 1};
      if (c.shape === 'dot') {
        g.appendChild(svgEl('circle', Object.assign({cx: r1(p.x), cy: r1(p.y), r: n.size}, paint)));
      } else if (c.shape === 'square') {
        g.appendChild(svgEl('rect', Object.assign({x: r1(p.x - n.size), y: r1(p.y - n.size),
          width: 2 * n.size, height: 2 * n.size}, paint)));
      } else {
        g.appendChild(svgEl('polygon', Object.assign({points: shapePoints(c.shape, p.x, p.y, n.size)}, paint)));
      }
      const lines = wrapLines(label(n), c.font, c.wrap);
      const text = svgEl('text', {x: r1(p.x), y: r1(p.y + n.size + 4 + c.font), 'font-size': c.font,
        'text-anchor': 'middle', fill: look.text, stroke: '#ffffff', 'stroke-width': 3,
        'paint-order': 'stroke'});
      lines.forEach((line, i) => {
        text.appendChild(svgEl('tspan', {x: r1(p.x), dy: i ? c.font : 0}, line));
      });
      g.appendChild(text);
      nodeLayer.appendChild(g);
    });
    svg.appendChild(nodeLayer);
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + new XMLSerializer().serializeToString(svg) + '\n';
  }

  // ---- print ---------------------------------------------------------------------------------

  let printImage = null;
  window.addEventListener('beforeprint', () => {
    if (printImage) return;
    printImage = el('img', 'kg-print-map');
    printImage.alt = document.title;
    printImage.src = pngCanvas().toDataURL('image/png');
    container.appendChild(printImage);
    document.documentElement.classList.add('kg-printing');
  });
  window.addEventListener('afterprint', () => {
    if (printImage) container.removeChild(printImage);
    printImage = null;
    document.documentElement.classList.remove('kg-printing');
  });

  // ---- controls ------------------------------------------------------------------------------

  const search = document.getElementById('kg-search');
  const results = document.getElementById('kg-results');
  const langButton = document.getElementById('kg-lang');
  const linksSelect = document.getElementById('kg-links');
  const layoutSelect = document.getElementById('kg-layout');
  const physicsBox = document.getElementById('kg-physics');
  const classBoxes = Array.from(document.querySelectorAll('input[data-class]'));
  let langOn = 'en';

  function translateControls() {
    langButton.textContent = t('langOther');
    document.querySelectorAll('[data-title]').forEach((x) => { x.title = t(x.dataset.title); });
    document.querySelectorAll('[data-label]').forEach((x) => {
      x.setAttribute('aria-label', t(x.dataset.label));
    });
    document.querySelectorAll('[data-placeholder]').forEach((x) => {
      x.placeholder = t(x.dataset.placeholder);
    });
    [['all', 'linksAll'], ['stated', 'linksStated'], ['inferred', 'linksInferred']].forEach((o) => {
      linksSelect.querySelector('option[value="' + o[0] + '"]').textContent = t(o[1]);
    });
    [['layered', 'layoutLayered'], ['force', 'layoutForce']].forEach((o) => {
      layoutSelect.querySelector('option[value="' + o[0] + '"]').textContent = t(o[1]);
    });
  }

  /** Bring the map, the controls, the panel and the fragment in line with `state`. */
  function apply() {
    const lit = litSet();
    const relabel = langOn !== state.lang;
    langOn = state.lang;
    document.documentElement.dataset.lang = state.lang;
    document.documentElement.lang = state.lang;
    restyle(lit, relabel);
    if (layoutOn !== state.layout) {
      layoutOn = state.layout;
      network.setOptions({edges: {smooth: smooth(state.layout)}});
      if (!state.physics) { restoreLayout(); network.fit({animation: false}); }
    }
    if (physicsOn !== state.physics) {
      physicsOn = state.physics;
      network.setOptions({physics: physicsOn ? PHYSICS_ON : {enabled: false}});
      if (!physicsOn) restoreLayout();
    }
    translateControls();
    linksSelect.value = state.links;
    layoutSelect.value = state.layout;
    physicsBox.checked = state.physics;
    classBoxes.forEach((b) => { b.checked = !state.hide.has(b.dataset.class); });
    renderInfo(lit);
    renderTable(lit);
    writeHash();
  }

  function choose(n) {
    state.focus = n.key;
    state.path = [];
    state.at = null;
    state.hide.delete(classes[n.cls].curie);
    apply();
    reveal(n.id);
  }

  function matches(text) {
    const q = text.trim().toLowerCase();
    if (!q) return [];
    const hits = [];
    nodes.forEach((n) => {
      const en = n.en.toLowerCase();
      const zhl = n.zh.toLowerCase();
      const rank = en === q || zhl === q ? 0 : en.startsWith(q) || zhl.startsWith(q) ? 1 :
        en.includes(q) || zhl.includes(q) ? 2 : -1;
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
      b.appendChild(el('span', 'kg-type', className(n)));
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

  langButton.addEventListener('click', () => { state.lang = zh() ? 'en' : 'zh'; apply(); });
  linksSelect.addEventListener('change', () => { state.links = linksSelect.value; apply(); });
  layoutSelect.addEventListener('change', () => { state.layout = layoutSelect.value; apply(); });
  physicsBox.addEventListener('change', () => { state.physics = physicsBox.checked; apply(); });
  classBoxes.forEach((b) => b.addEventListener('change', () => {
    if (b.checked) state.hide.delete(b.dataset.class); else state.hide.add(b.dataset.class);
    apply();
  }));
  document.getElementById('kg-reset').addEventListener('click', () => {
    const lang = state.lang;
    Object.assign(state, defaults(), {lang: lang});
    apply();
    restoreLayout();
    network.fit({animation: false});
  });
  document.getElementById('kg-png').addEventListener('click', () => {
    pngCanvas().toBlob((blob) => download(blob, fileStem() + '.png'), 'image/png');
  });
  document.getElementById('kg-svg').addEventListener('click', () => {
    download(new Blob([svgText()], {type: 'image/svg+xml'}), fileStem() + '.svg');
  });
  document.getElementById('kg-print').addEventListener('click', () => window.print());
  document.getElementById('kg-table-open').addEventListener('click', () => {
    state.table = !state.table; apply();
  });
  document.getElementById('kg-table-close').addEventListener('click', () => {
    state.table = false; apply();
  });
  document.getElementById('kg-copy-tsv').addEventListener('click', () => copyText(delimited(tableRows(litSet()), '\t')));
  document.getElementById('kg-copy-csv').addEventListener('click', () => copyText(delimited(tableRows(litSet()), ',')));
  document.getElementById('kg-csv').addEventListener('click', () => {
    download(new Blob(['\ufeff' + delimited(tableRows(litSet()), ',')], {type: 'text/csv'}), fileStem() + '.csv');
  });
  document.addEventListener('keydown', (ev) => {
    if (ev.key === 'Escape' && ev.target === document.body) {
      if (state.table) state.table = false; else { state.focus = null; state.path = []; }
      apply();
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
        choose(nodes[p.nodes[0]]);
        return;
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

  if (!nodes.length) container.appendChild(el('div', 'kg-empty', t('empty')));
  apply();
  network.redraw();  // measure every node once before placing the view
  placeView();

  /** Handles for tests and the curious (window.kgMap in the console). */
  window.kgMap = {
    network: network,
    state: state,
    idOf: (key) => idOf.get(key),
    keyOf: (id) => nodes[id].key,
    lit: () => { const l = litSet(); return l ? Array.from(l.nodes).map((i) => nodes[i].key).sort() : []; },
    label: (key) => visNodes.get(idOf.get(key)).label,
    look: (key) => Object.assign({}, nodeLooks[idOf.get(key)]),
    home: (key) => at(nodes[idOf.get(key)]),
    select: (key) => choose(nodes[idOf.get(key)]),
    clear: () => { state.focus = null; state.path = []; apply(); },
    count: () => ({nodes: nodes.length, links: edges.length}),
    table: (sep) => delimited(tableRows(litSet()), sep || '\t'),
    svg: svgText,
    png: () => pngCanvas().toDataURL('image/png'),
    inPlace: inPlace,
  };
}());
