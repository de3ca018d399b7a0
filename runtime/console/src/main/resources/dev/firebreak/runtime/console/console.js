// The Firebreak console: one page, routed by the location's hash, every filter kept in it, so a
// view can be bookmarked and shared. Data reaches the page only as text (textContent), never as
// markup. Actions send the token from the field in the header, kept for this tab only.
'use strict';

const STATUSES = ['RUNNING', 'PARKED', 'COMPLETED', 'COMPLETED_DEGRADED', 'FAILED', 'COMPENSATION_FAILED'];
const view = document.getElementById('view');
const errorBox = document.getElementById('error');
const tokenField = document.getElementById('token');

tokenField.value = sessionStorage.getItem('firebreak-token') || '';
tokenField.addEventListener('input', () => sessionStorage.setItem('firebreak-token', tokenField.value));

function el(tag, attrs, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === null || v === undefined || v === false) continue;
    if (k === 'text') e.textContent = v;
    else if (k.startsWith('on')) e.addEventListener(k.substring(2), v);
    else e.setAttribute(k, v === true ? '' : v);
  }
  for (const c of children) {
    if (c !== null && c !== undefined) e.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return e;
}

function table(id, headers, rows) {
  return el('table', {id},
    el('thead', {}, el('tr', {}, ...headers.map(h => el('th', {text: h})))),
    el('tbody', {}, ...rows));
}

function runLink(runId) {
  return el('a', {href: '#/run/' + encodeURIComponent(runId), class: 'run-link', text: runId});
}

function when(iso) {
  return iso ? iso.replace('T', ' ').replace('Z', ' UTC') : '';
}

function showError(message) {
  errorBox.textContent = message;
  errorBox.hidden = !message;
}

async function api(path, options) {
  const response = await fetch('/api/' + path, options);
  const body = await response.json().catch(() => ({error: 'the console answered ' + response.status}));
  if (!response.ok) throw new Error(body.error || ('the console answered ' + response.status));
  return body;
}

async function act(action, runIds) {
  return api('dead-letters/' + action, {
    method: 'POST',
    headers: {'Content-Type': 'application/json', 'X-Firebreak-Token': tokenField.value},
    body: JSON.stringify({runIds})
  });
}

// ------------------------------------------------------------------------------------------------
// Views

async function overview() {
  const o = await api('overview');
  const cards = STATUSES.map(s => el('a', {class: 'card ' + s, id: 'count-' + s, href: '#/runs?status=' + s},
    el('span', {class: 'n', text: String(o.counts[s] || 0)}), s));
  const latest = o.latestDeadLetters.map(d => el('tr', {},
    el('td', {}, runLink(d.runId)), el('td', {text: d.reason}), el('td', {text: d.step || ''}),
    el('td', {text: when(d.at)}), el('td', {class: 'chain', text: d.errorChain[0] || ''})));
  const meters = Object.entries(o.meters).map(([name, value]) =>
    el('tr', {}, el('td', {text: name}), el('td', {id: 'meter-' + name.replaceAll('.', '-'), text: String(value)})));
  return [
    el('h2', {text: 'Runs by status'}), el('div', {class: 'cards', id: 'counts'}, ...cards),
    el('h2', {text: 'Latest dead letters'}),
    latest.length ? table('latest-letters', ['Run', 'Reason', 'Step', 'When', 'Error'], latest)
                  : el('p', {class: 'muted', id: 'latest-letters', text: 'No dead letters.'}),
    el('h2', {text: 'Meters (as firebreak-micrometer reports them)'}),
    table('meters', ['Meter', 'Value'], meters),
    el('p', {class: 'muted', text: 'Node ' + (o.node || '(no leases)') +
      (o.workflow ? '; showing ' + o.workflow + ' (counts: every workflow)' : '') +
      (o.showData ? '; inputs and outputs shown' : '; inputs and outputs hidden')})
  ];
}

async function runs(params) {
  const form = el('form', {class: 'filters', id: 'run-filters'});
  const statusBoxes = el('fieldset', {}, el('legend', {class: 'muted', text: 'Status'}),
    ...STATUSES.map(s => el('label', {},
      el('input', {type: 'checkbox', id: 'filter-status-' + s, value: s, checked: params.getAll('status').includes(s)}), s)));
  const field = (name, label, type) => el('label', {}, label,
    el('input', {id: 'filter-' + name, name, type: type || 'text', value: params.get(name) || ''}));
  form.append(statusBoxes,
    field('workflow', 'Workflow'), field('from', 'Created from (date or instant)'),
    field('before', 'Created before'), field('parkedOn', 'Parked on breaker'),
    el('label', {}, 'Retrying now', el('input', {type: 'checkbox', id: 'filter-retrying', checked: params.get('retrying') === 'true'})),
    field('id', 'Run id'),
    el('button', {type: 'submit', id: 'apply-filters', text: 'Apply'}));
  form.addEventListener('submit', e => {
    e.preventDefault();
    const next = new URLSearchParams();
    for (const s of STATUSES) if (document.getElementById('filter-status-' + s).checked) next.append('status', s);
    for (const name of ['workflow', 'from', 'before', 'parkedOn', 'id']) {
      const v = document.getElementById('filter-' + name).value.trim();
      if (v) next.set(name, v);
    }
    if (document.getElementById('filter-retrying').checked) next.set('retrying', 'true');
    location.hash = '#/runs' + (next.toString() ? '?' + next : '');
  });
  const page = await api('runs' + (params.toString() ? '?' + params : ''));
  const rows = page.runs.map(r => el('tr', {},
    el('td', {}, runLink(r.runId)), el('td', {class: 'status ' + r.status, text: r.status}),
    el('td', {text: r.workflow}), el('td', {text: when(r.createdAt)}), el('td', {text: when(r.endedAt)}),
    el('td', {text: r.owner || ''}), el('td', {text: r.retrying ? String(r.retrying) : ''}),
    el('td', {text: r.parkedOn || ''})));
  const more = page.next ? (() => {
    const p = new URLSearchParams(params); p.set('after', page.next);
    return el('a', {href: '#/runs?' + p, id: 'next-page', text: 'Next page'});
  })() : null;
  return [form,
    rows.length ? table('runs-table', ['Run', 'Status', 'Workflow', 'Created', 'Ended', 'Owner', 'Retrying', 'Parked on'], rows)
                : el('p', {class: 'muted', id: 'runs-table', text: 'No runs match.'}),
    more];
}

async function run(runId) {
  const d = await api('runs/' + encodeURIComponent(runId));
  const r = d.run;
  const facts = [['Run', r.runId], ['Status', r.status], ['Workflow', r.workflow + ' · ' + r.entryPoint],
    ['Created', when(r.createdAt)], ['Ended', when(r.endedAt)], ['Owner node', r.owner || '—'],
    ['Retrying now', String(r.retrying)], ['Parked on', r.parkedOn || '—'],
    ['Checkpoints', d.checkpoints.join(', ') || '—'],
    ['Attempts', Object.entries(d.attempts).map(([s, n]) => s + ' ' + n).join(', ') || '—']];
  const summary = el('dl', {class: 'summary', id: 'run-summary'},
    ...facts.flatMap(([k, v]) => [el('dt', {text: k}), el('dd', {class: k === 'Status' ? 'status ' + v : null, id: 'run-' + k.toLowerCase().replaceAll(' ', '-'), text: v})]));
  const rows = d.timeline.map(e => el('tr', {class: 'kind-' + e.kind},
    el('td', {text: when(e.at)}), el('td', {text: e.step}), el('td', {text: e.kind}),
    el('td', {text: e.attempt ? String(e.attempt) : ''}), el('td', {text: e.tookMillis ? e.tookMillis.toFixed(1) + ' ms' : ''}),
    el('td', {text: e.detail}), el('td', {class: 'chain', text: e.errorChain.join('\n')})));
  const parts = [el('h2', {text: 'Run ' + r.runId}), summary,
    el('h2', {text: 'Timeline'}),
    rows.length ? table('timeline', ['At', 'Step', 'What', 'Attempt', 'Took', 'Detail', 'Error'], rows)
                : el('p', {class: 'muted', id: 'timeline', text: 'Nothing recorded yet.'})];
  if (d.deadLetter) {
    const l = d.deadLetter;
    const result = el('span', {class: 'result', id: 'action-result'});
    parts.push(el('h2', {text: 'Dead letter'}),
      el('dl', {class: 'summary', id: 'dead-letter'},
        el('dt', {text: 'Reason'}), el('dd', {text: l.reason}),
        el('dt', {text: 'Step'}), el('dd', {text: (l.step || '') + (l.declaredBy ? ' (' + l.declaredBy + ')' : '')}),
        el('dt', {text: 'Attempts'}), el('dd', {text: String(l.attempts)}),
        el('dt', {text: 'Error'}), el('dd', {class: 'chain', text: l.errorChain.join('\n')})),
      el('div', {class: 'actions'},
        el('button', {id: 'replay', onclick: () => runAction('replay', [r.runId], result)}, 'Replay'),
        el('button', {id: 'discard', class: 'danger', onclick: () => runAction('discard', [r.runId], result)}, 'Discard'),
        result));
  }
  if (r.status === 'RUNNING' || r.status === 'PARKED') {
    const shown = generation;
    setTimeout(() => { if (generation === shown) route(); }, 1000); // watch it go on
  }
  if (d.dataShown) {
    parts.push(el('h2', {text: 'Data'}), el('pre', {class: 'data', id: 'run-data',
      text: 'inputs: ' + r.inputs + '\noutput: ' + r.output + '\n' +
        Object.entries(d.checkpointOutputs).map(([s, v]) => s + ': ' + v).join('\n')}));
  }
  return parts;
}

async function deadLetters(params) {
  const page = await api('dead-letters' + (params.toString() ? '?' + params : ''));
  const reason = params.get('reason');
  const counts = page.byReason; // null on a console of one workflow: counted over every workflow
  const groups = counts ? Object.entries(counts).map(([r, n]) => el('a', {class: 'card' + (r === reason ? ' active' : ''),
    id: 'reason-' + r, href: '#/dead-letters?reason=' + r}, el('span', {class: 'n', text: String(n)}), r)) : [];
  groups.unshift(el('a', {class: 'card', id: 'reason-all', href: '#/dead-letters'},
    el('span', {class: 'n', text: counts ? String(Object.values(counts).reduce((a, b) => a + b, 0)) : '·'}), 'all'));
  const rows = page.letters.map(d => el('tr', {},
    el('td', {}, el('input', {type: 'checkbox', class: 'select-letter', value: d.runId, id: 'select-' + d.runId})),
    el('td', {}, runLink(d.runId)), el('td', {text: d.reason}), el('td', {text: d.workflow}),
    el('td', {text: d.step || ''}), el('td', {text: String(d.attempts)}), el('td', {text: when(d.at)}),
    el('td', {class: 'chain', text: d.errorChain[0] || ''})));
  const result = el('span', {class: 'result', id: 'action-result'});
  const selected = () => [...document.querySelectorAll('.select-letter:checked')].map(b => b.value);
  const more = page.next ? (() => {
    const p = new URLSearchParams(params); p.set('after', page.next);
    return el('a', {href: '#/dead-letters?' + p, id: 'next-page', text: 'Next page'});
  })() : null;
  return [el('h2', {text: 'Dead letters by reason'}), el('div', {class: 'cards', id: 'reasons'}, ...groups),
    el('div', {class: 'actions'},
      el('button', {id: 'replay-selected', onclick: () => runAction('replay', selected(), result)}, 'Replay selected'),
      el('button', {id: 'discard-selected', class: 'danger', onclick: () => runAction('discard', selected(), result)}, 'Discard selected'),
      result),
    rows.length ? table('letters-table', ['', 'Run', 'Reason', 'Workflow', 'Step', 'Attempts', 'When', 'Error'], rows)
                : el('p', {class: 'muted', id: 'letters-table', text: 'No dead letters.'}),
    more];
}

async function breakers() {
  const b = await api('breakers');
  const nodes = b.nodes.map(n => n.node);
  const rows = b.breakers.map(x => el('tr', {id: 'breaker-' + x.name},
    el('td', {text: x.name}),
    ...nodes.map(n => el('td', {class: 'state', text: x.states[n] || '—'})),
    el('td', {text: x.sharedState || '—'}), el('td', {text: String(x.parkedHere)}),
    el('td', {}, el('a', {href: '#/runs?parkedOn=' + encodeURIComponent(x.name), text: (x.parkedAtLeast ? '≥ ' : '') + x.parkedInStore}))));
  const reported = b.nodes.map(n => el('li', {text: n.node + (n.node === b.node ? ' (this one)' : '') + ': reported ' + when(n.reportedAt)}));
  return [el('h2', {text: 'Circuit breakers'}),
    rows.length ? table('breakers-table', ['Breaker', ...nodes.map(n => 'On ' + n), 'Shared state', 'Parked here', 'Parked, every node'], rows)
                : el('p', {class: 'muted', id: 'breakers-table', text: 'No node has used a breaker yet.'}),
    el('h2', {text: 'Nodes'}), el('ul', {id: 'nodes'}, ...reported),
    el('p', {class: 'muted', text: 'A node reports its breakers with its heartbeat when one changes, and at least every minute: an older report is a node gone.'})];
}

async function runAction(action, runIds, result) {
  if (!runIds.length) {
    result.textContent = 'Select at least one dead letter.';
    return;
  }
  // A discarded letter is gone for good (its run stays failed): ask first.
  if (action === 'discard' && !confirm('Discard ' + runIds.length + ' dead letter(s) for good? ' + runIds.join(', '))) {
    result.textContent = 'Nothing discarded.';
    return;
  }
  try {
    const answer = await act(action, runIds);
    const message = answer.results.map(x => x.runId + ': ' + x.message).join('; ');
    await route(); // the list, or the run, as it stands after the action
    const shown = document.getElementById('action-result');
    if (shown) shown.textContent = message;
  } catch (e) {
    result.textContent = '';
    showError(e.message);
  }
}

// ------------------------------------------------------------------------------------------------
// Routing

// Each route bumps it: an answer that comes back after a newer route started is dropped.
let generation = 0;

async function route() {
  const mine = ++generation;
  const hash = location.hash || '#/';
  const [path, query] = hash.substring(1).split('?');
  const params = new URLSearchParams(query || '');
  for (const a of document.querySelectorAll('nav a')) {
    a.classList.toggle('active', a.getAttribute('href') === '#' + path || (path.startsWith('/run/') && a.id === 'nav-runs'));
  }
  try {
    let parts;
    if (path === '/' || path === '') parts = await overview();
    else if (path === '/runs') parts = await runs(params);
    else if (path.startsWith('/run/')) parts = await run(decodeURIComponent(path.substring(5)));
    else if (path === '/dead-letters') parts = await deadLetters(params);
    else if (path === '/breakers') parts = await breakers();
    else throw new Error('no such view: ' + path);
    if (mine !== generation) return;
    view.replaceChildren(...parts.filter(p => p));
    view.dataset.view = path;
    showError('');
  } catch (e) {
    if (mine === generation) showError(e.message);
  }
}

window.addEventListener('hashchange', route);
route();
