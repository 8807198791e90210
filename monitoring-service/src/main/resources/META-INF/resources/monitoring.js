// Labfleet monitoring page: the fleet and one lab, live from the WebSocket streams. No build step, no library:
// SVG for the topology, a canvas for the traffic chart. Every stream reconnects by itself and resumes from the
// last sequence it saw (the server answers with the missed deltas or a new snapshot).
(function () {
  'use strict';
  const state = { servers: {}, labs: {}, health: {}, traffic: {}, anomalies: {}, active: null,
                  lab: null, nodes: {}, links: {}, linkTraffic: {}, chart: [] };
  const wsBase = (location.protocol === 'https:' ? 'wss://' : 'ws://') + location.host + '/api/v1/monitoring/stream/';
  // The streams need a bearer token like every API call (docs/security.md). Browsers cannot set headers on a
  // WebSocket: the token goes as a second subprotocol that the server turns into an Authorization header. The page
  // takes it from its address once (#token=..., never sent to a server) and keeps it for the tab's session.
  const token = (() => {
    const m = location.hash.match(/(?:^#|&)token=([^&]+)/);
    if (m) {
      sessionStorage.setItem('labfleet.token', decodeURIComponent(m[1]));
      history.replaceState(null, '', location.pathname + location.search);
    }
    return sessionStorage.getItem('labfleet.token');
  })();
  const protocols = token ? ['labfleet.v1', 'quarkus-http-upgrade#Authorization#' + encodeURIComponent('Bearer ' + token)] : null;
  const $ = (id) => document.getElementById(id);
  const esc = (s) => String(s == null ? '' : s).replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' }[c]));

  // ---- a stream that reconnects and resumes ---------------------------------------------------------------------
  function stream(path, onSnapshot, onDelta, onState) {
    let ws = null; let epoch = null; let seq = null; let retry = 1000; let stopped = false;
    function open() {
      const resume = epoch && seq != null ? (path.includes('?') ? '&' : '?') + 'since=' + seq + '&epoch=' + epoch : '';
      ws = protocols ? new WebSocket(wsBase + path + resume, protocols) : new WebSocket(wsBase + path + resume);
      ws.onopen = () => { retry = 1000; onState(true); };
      ws.onmessage = (e) => {
        const m = JSON.parse(e.data);
        if (m.type === 'snapshot') { epoch = m.epoch; seq = m.seq; onSnapshot(m); (m.items || []).forEach(apply); }
        else if (m.type === 'deltas') { m.items.forEach(apply); }
      };
      ws.onclose = (e) => {
        onState(false, e.code === 4404 ? 'lab gone' : e.code === 4403 ? 'not your lab'
          : !token && !e.wasClean ? 'sign in: open this page as /#token=<./labfleet token --user NAME>' : null);
        if (!stopped && e.code !== 4404 && e.code !== 4403 && e.code !== 1008) { setTimeout(open, retry); retry = Math.min(retry * 2, 15000); }
      };
    }
    function apply(d) { if (d.seq != null) { seq = Math.max(seq || 0, d.seq); } onDelta(d); }
    open();
    return { close() { stopped = true; if (ws) { ws.close(); } } };
  }

  // ---- connection banner ----------------------------------------------------------------------------------------
  const conns = {};
  function connState(name) {
    return (up, why) => {
      conns[name] = up;
      const all = Object.values(conns).every(Boolean);
      const el = $('conn-status');
      el.className = 'conn ' + (all ? 'up' : 'down');
      el.dataset.state = all ? 'live' : 'reconnecting';
      el.textContent = all ? 'live' : 'connection lost' + (why ? ' (' + why + ')' : '') + ' — reconnecting…';
    };
  }

  // ---- fleet ----------------------------------------------------------------------------------------------------
  stream('fleet', (snap) => {
    state.servers = {}; state.labs = {};
    snap.servers.forEach((s) => { state.servers[s.serverId] = s; });
    snap.labs.forEach((l) => { state.labs[l.projectId] = l; });
    renderFleet();
  }, (d) => {
    if (d.kind === 'server') { if (d.op === 'delete') { delete state.servers[d.id]; } else { state.servers[d.id] = d.state; } }
    else if (d.kind === 'lab') { if (d.op === 'delete') { delete state.labs[d.id]; } else { state.labs[d.id] = d.state; } }
    else if (d.kind === 'health') { state.health[d.id] = d.state; }
    else if (d.kind === 'labTraffic') { state.traffic[d.id] = d.state; }
    else if (d.kind === 'anomaly') { state.anomalies[d.id] = d.state; renderAnomalies(); }
    else if (d.kind === 'activeLab' || d.kind === 'switch') { state.active = d.state.toProjectId; }
    scheduleFleet();
  }, connState('fleet'));

  let fleetTimer = null;
  function scheduleFleet() { if (!fleetTimer) { fleetTimer = setTimeout(() => { fleetTimer = null; renderFleet(); }, 100); } }

  function renderFleet() {
    $('servers').tBodies[0].innerHTML = Object.values(state.servers).map((s) =>
      '<tr data-server-id="' + esc(s.serverId) + '"><td>' + esc(s.name || s.serverId) + '</td><td class="status-' + esc(s.status) + '">' +
      esc(s.status) + '</td><td>' + (s.latencyMs != null ? s.latencyMs + ' ms' : '') + '</td><td>' +
      (s.cpuPercent != null ? s.cpuPercent.toFixed(0) + ' %' : '') + '</td><td>' +
      (s.memoryPercent != null ? s.memoryPercent.toFixed(0) + ' %' : '') + '</td></tr>').join('');
    $('labs').tBodies[0].innerHTML = Object.values(state.labs).map((l) => {
      const h = state.health[l.projectId]; const t = state.traffic[l.projectId];
      return '<tr class="lab-row' + (l.projectId === (state.lab && state.lab.projectId) ? ' selected' : '') +
        '" data-project-id="' + esc(l.projectId) + '"><td>' + esc(l.name || l.projectId) + (l.projectId === state.active ? ' ★' : '') +
        '</td><td>' + esc(l.status) + '</td><td class="running">' + l.runningNodes + ' / ' + l.nodes + '</td><td>' + l.links +
        '</td><td>' + (h ? h.score : '') + '</td><td>' + (t ? esc(t.state) + ' ' + t.pps.toFixed(1) + ' pps' : '') + '</td></tr>';
    }).join('');
    $('active-lab').textContent = 'active lab: ' + (state.active ? ((state.labs[state.active] || {}).name || state.active) : '—');
    Array.from(document.querySelectorAll('tr.lab-row')).forEach((tr) => { tr.onclick = () => selectLab(tr.dataset.projectId); });
  }

  function renderAnomalies() {
    const list = Object.values(state.anomalies).sort((a, b) => (b.openedAt || '').localeCompare(a.openedAt || '')).slice(0, 30);
    $('anomalies').innerHTML = list.map((a) => '<li class="sev-' + esc(a.severity) + '" data-anomaly-id="' + esc(a.id) + '">' +
      esc(a.status) + ' · ' + esc(a.kind) + ': ' + esc(a.summary) + (a.needsOperator ? ' (needs an operator)' : '') + '</li>').join('');
  }

  // ---- one lab --------------------------------------------------------------------------------------------------
  let labStream = null;
  function selectLab(projectId) {
    if (labStream) { labStream.close(); delete conns.lab; }
    state.lab = { projectId }; state.nodes = {}; state.links = {}; state.linkTraffic = {}; state.chart = [];
    history.replaceState(null, '', '?lab=' + projectId);
    labStream = stream('projects/' + projectId, (snap) => {
      state.lab = snap.lab || { projectId };
      state.nodes = {}; state.links = {};
      (snap.nodes || []).forEach((n) => { state.nodes[n.nodeId] = n; });
      (snap.links || []).forEach((l) => { state.links[l.linkId] = l; });
      renderLab();
    }, (d) => {
      if (d.kind === 'node') { if (d.op === 'delete') { delete state.nodes[d.id]; } else { state.nodes[d.id] = d.state; } }
      else if (d.kind === 'link') { if (d.op === 'delete') { delete state.links[d.id]; } else { state.links[d.id] = d.state; } }
      else if (d.kind === 'lab') { state.lab = d.state; }
      else if (d.kind === 'traffic') { state.linkTraffic[d.id] = d.state; }
      else if (d.kind === 'labTraffic') { state.chart.push({ at: Date.now(), pps: d.state.pps }); state.chart = state.chart.slice(-120); }
      else if (d.kind === 'health') { state.health[d.id] = d.state; }
      scheduleLab();
    }, connState('lab'));
    renderFleet();
  }

  let labTimer = null;
  function scheduleLab() { if (!labTimer) { labTimer = setTimeout(() => { labTimer = null; renderLab(); }, 100); } }

  function renderLab() {
    const lab = state.lab || {};
    $('lab-title').textContent = lab.name || lab.projectId || 'Pick a lab';
    const h = state.health[lab.projectId];
    $('lab-health').textContent = h ? 'health ' + h.score + ': ' + h.reasons.join('; ') : '';
    const nodes = Object.values(state.nodes);
    const pos = {};
    nodes.forEach((n, i) => {
      const angle = (2 * Math.PI * i) / Math.max(1, nodes.length);
      pos[n.nodeId] = (n.x != null && n.y != null && (n.x !== 0 || n.y !== 0)) ? { x: n.x, y: n.y }
        : { x: Math.round(250 * Math.cos(angle)), y: Math.round(200 * Math.sin(angle)) };
    });
    let svg = '';
    Object.values(state.links).forEach((l) => {
      if (l.ends.length < 2 || !pos[l.ends[0].nodeId] || !pos[l.ends[1].nodeId]) { return; }
      const a = pos[l.ends[0].nodeId]; const b = pos[l.ends[1].nodeId];
      const t = state.linkTraffic[l.linkId];
      const pps = t ? t.aToB.pps + t.bToA.pps : 0;
      svg += '<g class="link' + (pps > 0 ? ' busy' : '') + '" data-link-id="' + esc(l.linkId) + '" data-pps="' + pps.toFixed(1) + '">' +
        '<line x1="' + a.x + '" y1="' + a.y + '" x2="' + b.x + '" y2="' + b.y + '"></line>' +
        '<text x="' + (a.x + b.x) / 2 + '" y="' + ((a.y + b.y) / 2 - 6) + '">' + (t ? pps.toFixed(1) + ' pps' : '') + '</text></g>';
    });
    nodes.forEach((n) => {
      const p = pos[n.nodeId];
      svg += '<g class="node" data-node-id="' + esc(n.nodeId) + '" data-status="' + esc(n.status) + '">' +
        '<circle cx="' + p.x + '" cy="' + p.y + '" r="18"></circle>' +
        '<text x="' + (p.x + 22) + '" y="' + (p.y + 5) + '">' + esc(n.name) + ' (' + esc(n.status) + ')</text></g>';
    });
    $('topology').innerHTML = svg;
    drawChart();
    renderFleet();
  }

  function drawChart() {
    const c = $('traffic-chart'); const g = c.getContext('2d');
    g.clearRect(0, 0, c.width, c.height);
    const pts = state.chart; if (pts.length < 2) { return; }
    const max = Math.max(1, ...pts.map((p) => p.pps));
    g.strokeStyle = '#1565c0'; g.lineWidth = 2; g.beginPath();
    pts.forEach((p, i) => {
      const x = (i / 119) * c.width; const y = c.height - (p.pps / max) * (c.height - 14);
      if (i === 0) { g.moveTo(x, y); } else { g.lineTo(x, y); }
    });
    g.stroke(); g.fillStyle = '#1d2430'; g.fillText('max ' + max.toFixed(1) + ' pps', 4, 12);
  }

  const wanted = new URLSearchParams(location.search).get('lab');
  if (wanted) { selectLab(wanted); }
})();
