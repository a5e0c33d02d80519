// drover dashboard: polls /api/live once a second and draws it. No libraries, no external requests.
'use strict';
(function () {
  const TOKEN_KEY = 'drover-admin-token';
  const $ = (id) => document.getElementById(id);
  const SVG = 'http://www.w3.org/2000/svg';
  let last = null;
  let busy = false;

  function token() { return sessionStorage.getItem(TOKEN_KEY) || ''; }
  function headers() {
    const t = token();
    return t ? { 'Authorization': 'Bearer ' + t } : {};
  }

  function duration(s) {
    if (s < 60) return s + 's';
    if (s < 3600) return Math.floor(s / 60) + 'm' + (s % 60) + 's';
    if (s < 86400) return Math.floor(s / 3600) + 'h' + Math.floor(s % 3600 / 60) + 'm';
    return Math.floor(s / 86400) + 'd' + Math.floor(s % 86400 / 3600) + 'h';
  }
  function mb(bytes) { return bytes > 0 ? (bytes / 1048576).toFixed(1) + ' MB' : '–'; }
  function dash(n) { return n > 0 ? String(n) : '–'; }

  function say(text, kind) {
    const m = $('message');
    m.textContent = text;
    m.className = 'message ' + (kind || '');
  }

  function cell(tr, text, cls) {
    const td = document.createElement('td');
    td.textContent = text;
    if (cls) td.className = cls;
    tr.appendChild(td);
    return td;
  }

  function renderStatus(s) {
    const ready = s.workers.filter((w) => w.state === 'ready').length;
    $('state').textContent = s.state;
    $('state').dataset.state = s.state;
    $('env').textContent = s.env;
    $('generation').textContent = s.generation;
    $('uptime').textContent = duration(s.uptime_seconds);
    $('ready').textContent = ready + '/' + s.desired_workers;
    $('listen').textContent = 'http://' + s.listen;
    if (document.activeElement !== $('scale-n')) $('scale-n').value = s.desired_workers;
    const body = $('workers').tBodies[0];
    const rows = [];
    for (const w of s.workers) {
      const tr = document.createElement('tr');
      tr.dataset.id = w.id;
      tr.dataset.state = w.state;
      tr.dataset.pid = w.pid;
      cell(tr, w.id);
      const st = cell(tr, '');
      const pill = document.createElement('span');
      pill.className = 'pill';
      pill.dataset.state = w.state;
      pill.textContent = w.state;
      st.appendChild(pill);
      cell(tr, dash(w.pid), 'pid');
      cell(tr, dash(w.port));
      cell(tr, w.generation);
      cell(tr, duration(w.uptime_seconds));
      cell(tr, w.restarts, 'restarts');
      cell(tr, w.requests.toLocaleString());
      cell(tr, w.in_flight);
      cell(tr, mb(w.rss_bytes));
      cell(tr, w.last_exit || '', 'exit');
      const act = cell(tr, '');
      if (w.state === 'ready') {
        const b = document.createElement('button');
        b.type = 'button';
        b.className = 'restart';
        b.textContent = 'Restart';
        b.dataset.id = w.id;
        act.appendChild(b);
      }
      rows.push(tr);
    }
    body.replaceChildren(...rows);
  }

  function chart(id, series, unit) {
    const fig = $(id);
    const svg = fig.querySelector('svg');
    const W = 300, H = 110;
    let max = 0;
    for (const s of series) for (const v of s.values) max = Math.max(max, v);
    max = niceMax(max);
    const parts = [];
    for (const f of [0, 0.5, 1]) {
      const y = (H - f * H).toFixed(1);
      const line = document.createElementNS(SVG, 'line');
      line.setAttribute('x1', 0); line.setAttribute('x2', W); line.setAttribute('y1', y); line.setAttribute('y2', y);
      line.setAttribute('class', 'grid');
      parts.push(line);
    }
    const label = document.createElementNS(SVG, 'text');
    label.setAttribute('x', 2); label.setAttribute('y', 9); label.setAttribute('class', 'scale');
    label.textContent = fmt(max) + (unit || '');
    parts.push(label);
    series.forEach((s, i) => {
      if (s.values.length < 2) return;
      const n = s.values.length;
      // a young cluster's few seconds fill a minute's width, not a sliver of five minutes
      const step = W / Math.max(1, Math.min(HISTORY, Math.max(60, n)) - 1);
      const x0 = W - (n - 1) * step;
      const pts = s.values.map((v, j) => (x0 + j * step).toFixed(1) + ',' + (H - (max ? v / max : 0) * H).toFixed(1));
      const p = document.createElementNS(SVG, 'polyline');
      p.setAttribute('points', pts.join(' '));
      p.setAttribute('class', 'series s' + (i % 6));
      parts.push(p);
    });
    svg.replaceChildren(...parts);
    const legend = fig.querySelector('.legend');
    legend.replaceChildren(...series.map((s, i) => {
      const span = document.createElement('span');
      const sw = document.createElement('i');
      sw.className = 's' + (i % 6);
      const value = document.createElement('b');
      value.textContent = fmt(s.values.length ? s.values[s.values.length - 1] : 0);
      span.append(sw, s.name + ' ', value);
      return span;
    }));
  }
  const HISTORY = 300;
  function niceMax(v) {
    if (v <= 0) return 1;
    const p = Math.pow(10, Math.floor(Math.log10(v)));
    for (const m of [1, 2, 2.5, 5, 10]) if (v <= m * p) return m * p;
    return 10 * p;
  }
  function fmt(v) {
    if (v >= 100) return Math.round(v).toLocaleString();
    if (v >= 10) return v.toFixed(1);
    return (Math.round(v * 100) / 100).toString();
  }

  function renderHistory(h) {
    const col = (k) => h.map((s) => s[k]);
    chart('chart-rps', [
      { name: '2xx', values: col('rps2xx') }, { name: '3xx', values: col('rps3xx') },
      { name: '4xx', values: col('rps4xx') }, { name: '5xx', values: col('rps5xx') }]);
    chart('chart-latency', [{ name: 'p50', values: col('p50_millis') }, { name: 'p99', values: col('p99_millis') }], ' ms');
    chart('chart-rejections', [
      { name: '429 rate limit', values: col('rate_limited') }, { name: '503 queue full', values: col('queue_full') },
      { name: '413', values: col('too_large') }, { name: '431', values: col('header_too_large') },
      { name: '400', values: col('bad_request') }, { name: 'per-IP cap', values: col('per_ip_refused') }]);
    const ids = new Set();
    for (const s of h) for (const id of Object.keys(s.rss_bytes)) ids.add(id);
    chart('chart-rss', [...ids].sort((a, b) => a - b).map((id) => ({
      name: 'worker ' + id, values: h.map((s) => (s.rss_bytes[id] || 0) / 1048576) })), ' MB');
  }

  function renderEvents(events) {
    const list = $('events');
    const items = events.slice().reverse().map((e) => {
      const li = document.createElement('li');
      li.dataset.kind = e.kind;
      const t = document.createElement('time');
      t.textContent = new Date(e.time_millis).toLocaleTimeString([], { hour12: false });
      const k = document.createElement('span');
      k.className = 'kind';
      k.textContent = e.kind;
      const text = document.createElement('span');
      text.className = 'text';
      text.textContent = e.text;
      li.append(t, k, text);
      return li;
    });
    if (!items.length) {
      const li = document.createElement('li');
      li.className = 'muted';
      li.textContent = 'No events yet.';
      items.push(li);
    }
    list.replaceChildren(...items);
  }

  async function poll() {
    try {
      const r = await fetch('/api/live', { headers: headers(), cache: 'no-store' });
      const body = await r.json();
      if (!r.ok) {
        $('state').textContent = r.status === 401 ? 'token needed' : 'refused';
        $('state').dataset.state = 'unreachable';
        if (r.status === 401 || r.status === 403) $('token-state').textContent = body.error;
        return;
      }
      last = body;
      renderStatus(body.status);
      renderHistory(body.history);
      renderEvents(body.events);
      $('token-state').textContent = !body.actions ? 'actions off: no balancer.admin_token is set'
        : token() ? 'token set for this tab' : 'read-only until a token is given';
    } catch (e) {
      $('state').textContent = 'unreachable';
      $('state').dataset.state = 'unreachable';
    }
  }

  async function act(path, what) {
    if (busy) return null;
    busy = true;
    document.body.classList.add('busy');
    say(what + '…', '');
    try {
      const r = await fetch(path, { method: 'POST', headers: headers(), cache: 'no-store' });
      const body = await r.json().catch(() => ({}));
      if (!r.ok) {
        say(what + ' refused (' + r.status + '): ' + (body.error || r.statusText), 'error');
        return null;
      }
      return body;
    } catch (e) {
      say(what + ' failed: ' + e.message, 'error');
      return null;
    } finally {
      busy = false;
      document.body.classList.remove('busy');
      poll();
    }
  }

  function planLines(result) {
    const lines = [];
    const p = result.plan || {};
    if ((p.rolling || []).length) lines.push('new workers apply: ' + p.rolling.join(', '));
    if ((p.live || []).length) lines.push('balancer applies live: ' + p.live.join(', '));
    if ((p.restart || []).length) lines.push('needs a full restart, not applied: ' + p.restart.join(', '));
    if (!lines.length) lines.push('settings unchanged: every worker is replaced (picks up a rebuilt app)');
    lines.push('every worker is replaced by generation ' + (result.generation + 1) + ', one at a time');
    return lines;
  }

  $('token-form').addEventListener('submit', (e) => {
    e.preventDefault();
    const t = $('token').value.trim();
    if (t) sessionStorage.setItem(TOKEN_KEY, t); else sessionStorage.removeItem(TOKEN_KEY);
    $('token').value = '';
    say(t ? 'Token kept for this tab only (not a cookie).' : 'Token forgotten.', 'ok');
    poll();
  });
  $('token-forget').addEventListener('click', () => {
    sessionStorage.removeItem(TOKEN_KEY);
    say('Token forgotten.', 'ok');
    poll();
  });
  $('reload').addEventListener('click', async () => {
    const result = await act('/api/reload?dry_run=1', 'Reload plan');
    if (!result) return;
    say('', '');
    $('plan-lines').replaceChildren(...planLines(result).map((l) => {
      const li = document.createElement('li');
      li.textContent = l;
      return li;
    }));
    $('plan').hidden = false;
  });
  $('reload-cancel').addEventListener('click', () => { $('plan').hidden = true; });
  $('reload-confirm').addEventListener('click', async () => {
    $('plan').hidden = true;
    const result = await act('/api/reload', 'Reload');
    if (result) say('Reloaded: generation ' + result.generation + ' serving.', 'ok');
  });
  $('scale').addEventListener('click', async () => {
    const n = parseInt($('scale-n').value, 10);
    const result = await act('/api/scale?workers=' + encodeURIComponent(n), 'Scale to ' + n);
    if (result) say('Scaled to ' + result.desired_workers + ' workers.', 'ok');
  });
  $('workers').addEventListener('click', async (e) => {
    const b = e.target.closest('button.restart');
    if (!b) return;
    const result = await act('/api/workers/' + b.dataset.id + '/restart', 'Restart of worker ' + b.dataset.id);
    if (result) say('Worker ' + b.dataset.id + ' replaced.', 'ok');
  });

  poll();
  setInterval(poll, 1000);
})();
