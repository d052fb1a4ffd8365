import { el, followEvents, getJson, percent, dice, param, rememberDataset, requireKey, sendJson, showError, clearError } from './api.js';

const signedIn = requireKey();
const id = param('id');
const path = `/datasets/${encodeURIComponent(id)}`;

function fact(name, value) {
  return value === null || value === undefined || value === '' ? null : el('tr', {}, el('th', {}, name), el('td', {}, String(value)));
}

async function refresh() {
  const view = await getJson(path);
  const s = view.status;
  document.getElementById('phase').textContent = s.phase;
  document.getElementById('bar').style.width = `${Math.round((view.progress ?? 0) * 100)}%`;
  document.getElementById('percent').textContent = percent(view.progress);
  document.getElementById('message').textContent = s.message || '';
  document.getElementById('facts').replaceChildren(...[
    fact('images', s.images),
    fact('embedded', s.embedded),
    fact('supports', s.supports.length ? s.supports.join(', ') : null),
    fact('annotations missing', s.missingAnnotations.length ? s.missingAnnotations.join(', ') : null),
    fact('queries', s.queries || null),
    fact('segmented', s.queries ? `${s.segmented} (${s.failed} failed)` : null),
    fact('coarse Dice (mean)', s.coarseDiceMean === null ? null : dice(s.coarseDiceMean)),
    fact('final Dice (mean)', s.finalDiceMean === null ? null : dice(s.finalDiceMean)),
    fact('run', s.runId),
    fact('failures', s.failures.length ? s.failures.map(f => `${f.image} (${f.stage}): ${f.reason}`).join('\n') : null),
  ].filter(Boolean));
  if (s.k) document.getElementById('k').value = s.k;
}

async function act(promise) {
  clearError();
  try {
    await promise;
    await refresh();
  } catch (error) {
    showError(error);
  }
}

function logEvent(event) {
  const box = document.getElementById('events');
  const e = event.data;
  const line = event.type === 'image_segmented'
    ? `${e.outcome.image}: ${e.outcome.error ? 'failed, ' + e.outcome.error.reason : 'Dice ' + dice(e.outcome.final_dice)}`
    : event.type === 'dataset_completed'
      ? `run ${e.run_id} ${e.cancelled ? 'cancelled' : 'completed'}: ${e.segmented} segmented, ${e.failed} failed`
      : `supports: ${e.supports.join(', ')}`;
  box.append(el('div', {}, `${e.at.slice(11, 19)}  ${event.type}  ${line}`));
  box.scrollTop = box.scrollHeight;
}

async function start() {
  rememberDataset(id);
  document.title = `${id} · SamMpa`;
  document.getElementById('title').textContent = id;
  document.getElementById('to-annotate').href = `annotate.html?id=${encodeURIComponent(id)}`;
  document.getElementById('to-review').href = `review.html?id=${encodeURIComponent(id)}`;
  document.getElementById('select-form').addEventListener('submit', event => {
    event.preventDefault();
    act(sendJson(`${path}/selection`, 'POST', { k: Number(document.getElementById('k').value), atlases: Number(document.getElementById('atlases').value) }));
  });
  document.getElementById('run-form').addEventListener('submit', event => {
    event.preventDefault();
    act(sendJson(`${path}/runs`, 'POST', { stages: document.getElementById('stages').value, sam: document.getElementById('sam').checked }));
  });
  document.getElementById('cancel').addEventListener('click', () => act(sendJson(`${path}/cancel`, 'POST')));
  await refresh();
  let pending = null;
  followEvents(id, event => {
    logEvent(event);
    pending ??= setTimeout(() => { pending = null; refresh().catch(showError); }, 250);
  }, new AbortController().signal).catch(showError);
}

if (signedIn) start().catch(showError);
