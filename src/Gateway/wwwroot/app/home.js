import { call, currentKey, el, followEvents, getJson, dice, param, recentDatasets, rememberDataset, showError, clearError, signIn, signOut } from './api.js';

const rows = new Map();

function row(id) {
  if (!rows.has(id)) {
    const cells = { phase: el('td', { class: 'phase' }, '…'), bar: el('div'), images: el('td'), dice: el('td') };
    const tr = el('tr', { 'data-dataset': id },
      el('td', {}, el('a', { href: `dataset.html?id=${encodeURIComponent(id)}` }, id)),
      cells.phase,
      el('td', {}, el('div', { class: 'progress' }, cells.bar)),
      cells.images,
      cells.dice,
      el('td', {}, el('a', { href: `annotate.html?id=${encodeURIComponent(id)}` }, 'annotate'), ' · ',
        el('a', { href: `review.html?id=${encodeURIComponent(id)}` }, 'review')));
    document.getElementById('datasets').append(tr);
    rows.set(id, cells);
  }
  return rows.get(id);
}

async function refresh(id) {
  const cells = row(id);
  try {
    const view = await getJson(`/datasets/${encodeURIComponent(id)}`);
    const s = view.status;
    cells.phase.textContent = s.phase;
    cells.bar.style.width = `${Math.round((view.progress ?? 0) * 100)}%`;
    cells.images.textContent = `${s.images}`;
    cells.dice.textContent = dice(s.finalDiceMean ?? s.coarseDiceMean);
  } catch (error) {
    cells.phase.textContent = error.status === 404 ? 'not found' : error.status === 403 ? 'no access' : 'error';
    return false;
  }
  return true;
}

async function watch(id) {
  if (!(await refresh(id))) return;
  const stop = new AbortController();
  // Each event changes the status: read it again (at most a few times a second).
  let pending = null;
  followEvents(id, () => {
    pending ??= setTimeout(() => { pending = null; refresh(id); }, 300);
  }, stop.signal).catch(showError);
}

async function upload(event) {
  event.preventDefault();
  clearError();
  const id = document.getElementById('upload-id').value.trim();
  const form = new FormData();
  form.append('id', id);
  form.append('workingSize', document.getElementById('upload-size').value);
  for (const file of document.getElementById('upload-images').files) form.append('images', file, file.name);
  for (const file of document.getElementById('upload-truth').files) form.append('truth', file, file.name);
  const state = document.getElementById('upload-state');
  state.textContent = 'uploading…';
  try {
    const created = await (await call('/datasets', { method: 'POST', body: form })).json();
    rememberDataset(id);
    const refused = created.notIngested || [];
    if (refused.length === 0) {
      location.href = `dataset.html?id=${encodeURIComponent(id)}`;
      return;
    }
    // Stay, so the refusals can be read: each DICOM file not imported, with why; the rest is in the dataset.
    state.replaceChildren(el('a', { href: `dataset.html?id=${encodeURIComponent(id)}` }, `Open dataset ${id}`));
    showError(new Error(`${refused.length} files not ingested: ${refused.join('; ')}`));
  } catch (error) {
    state.textContent = '';
    showError(error);
  }
}

async function start() {
  document.getElementById('key-form').addEventListener('submit', async event => {
    event.preventDefault();
    signIn(document.getElementById('key').value.trim());
    try {
      await call('/whoami');
    } catch (error) {
      if (error.status === 401) {
        sessionStorage.clear();
        showError(new Error('This key is not known to the cluster (or was revoked).'));
        return;
      }
    }
    location.href = param('next') || 'index.html';
  });
  if (!currentKey()) {
    document.getElementById('sign-in').hidden = false;
    return;
  }
  document.getElementById('signed-in').hidden = false;
  const out = document.getElementById('sign-out');
  out.hidden = false;
  out.addEventListener('click', signOut);
  document.getElementById('open-form').addEventListener('submit', event => {
    event.preventDefault();
    const id = document.getElementById('open-id').value.trim();
    rememberDataset(id);
    location.href = `dataset.html?id=${encodeURIComponent(id)}`;
  });
  document.getElementById('upload-form').addEventListener('submit', upload);
  for (const id of recentDatasets()) watch(id);
}

start().catch(showError);
