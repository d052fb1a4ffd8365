import { call, el, getJson, imageUrl, param, requireKey, showError, dice } from './api.js';

const signedIn = requireKey();
const id = param('id');
const path = `/datasets/${encodeURIComponent(id)}`;
let results = null;
let detailImage = null;

// Overlays are fetched as their tiles scroll into view: an archive has thousands.
const lazy = new IntersectionObserver(entries => {
  for (const entry of entries) {
    if (!entry.isIntersecting) continue;
    lazy.unobserve(entry.target);
    imageUrl(`${path}/results/${encodeURIComponent(entry.target.dataset.image)}/overlay`)
      .then(url => { entry.target.src = url; })
      .catch(() => { entry.target.alt = 'no overlay'; });
  }
}, { rootMargin: '400px' });

function ordered() {
  const order = document.getElementById('order').value;
  const failedOnly = document.getElementById('failed-only').checked;
  const rows = results.images.filter(r => !failedOnly || r.status !== 'segmented');
  const missingLast = (value, sign) => (value === null || value === undefined ? Infinity : sign * value);
  if (order === 'dice') rows.sort((a, b) => missingLast(a.finalDice, 1) - missingLast(b.finalDice, 1));
  else if (order === 'uncertainty') rows.sort((a, b) => missingLast(a.uncertainty, -1) - missingLast(b.uncertainty, -1));
  else rows.sort((a, b) => a.image.localeCompare(b.image));
  return rows;
}

function render() {
  document.getElementById('grid').replaceChildren(...ordered().map(r => {
    const picture = el('img', { alt: r.image, 'data-image': r.image });
    if (r.status === 'segmented') lazy.observe(picture);
    return el('div', { class: `tile ${r.status === 'segmented' ? '' : 'failed'}`, 'data-image': r.image, onclick: () => openDetail(r) },
      picture,
      el('div', { class: 'name', title: r.image }, r.image),
      el('div', { class: 'muted' }, r.status === 'segmented'
        ? `Dice ${dice(r.finalDice)} · uncertainty ${r.uncertainty === null || r.uncertainty === undefined ? '–' : r.uncertainty.toFixed(2)}`
        : `${r.status}: ${r.error ?? ''}`));
  }));
}

async function show(row, kind) {
  for (const button of document.querySelectorAll('#detail [data-kind]')) button.classList.toggle('active', button.dataset.kind === kind);
  const picture = document.getElementById('detail-image');
  if (detailImage) URL.revokeObjectURL(detailImage);
  detailImage = null;
  picture.removeAttribute('src');
  if (row.status !== 'segmented') return;
  detailImage = await imageUrl(`${path}/results/${encodeURIComponent(row.image)}/${kind}`);
  picture.src = detailImage;
}

function openDetail(row) {
  const dialog = document.getElementById('detail');
  document.getElementById('detail-name').textContent = row.image;
  document.getElementById('detail-facts').textContent = row.status === 'segmented'
    ? `final Dice ${dice(row.finalDice)} · coarse Dice ${dice(row.coarseDice)} · uncertainty ${row.uncertainty ?? '–'} (yellow: coarse outline, cyan: final)`
    : `${row.status}: ${row.error ?? ''}`;
  for (const button of dialog.querySelectorAll('[data-kind]')) button.onclick = () => show(row, button.dataset.kind).catch(showError);
  const promote = document.getElementById('detail-promote');
  promote.hidden = row.status !== 'segmented';
  promote.href = `annotate.html?id=${encodeURIComponent(id)}&promote=${encodeURIComponent(row.image)}`;
  dialog.showModal();
  show(row, 'overlay').catch(showError);
}

async function download(anchor, file) {
  anchor.href = '#';
  anchor.addEventListener('click', async event => {
    event.preventDefault();
    const url = URL.createObjectURL(await (await call(`${path}/${file}`)).blob());
    const link = el('a', { href: url, download: `${id}-${file}` });
    link.click();
    setTimeout(() => URL.revokeObjectURL(url), 10000);
  });
}

async function start() {
  document.getElementById('to-dataset').textContent = id;
  document.getElementById('to-dataset').href = `dataset.html?id=${encodeURIComponent(id)}`;
  document.getElementById('to-annotate').href = `annotate.html?id=${encodeURIComponent(id)}`;
  document.getElementById('detail-close').addEventListener('click', () => document.getElementById('detail').close());
  download(document.getElementById('report'), 'report.json');
  download(document.getElementById('csv'), 'results.csv');
  download(document.getElementById('zip'), 'download.zip');
  download(document.getElementById('html'), 'report.html');
  results = await getJson(`${path}/results`);
  const withTruth = results.images.some(r => r.finalDice !== null && r.finalDice !== undefined);
  if (!withTruth) document.getElementById('order').value = 'uncertainty';
  const failed = results.images.filter(r => r.status !== 'segmented').length;
  document.getElementById('summary').textContent =
    `Run ${results.runId}: ${results.images.length} images, ${failed} not segmented` +
    (withTruth ? `, mean Dice ${dice(results.finalDiceMean ?? results.coarseDiceMean)}` : ' (no ground truth: ordered by uncertainty)');
  document.getElementById('order').addEventListener('change', render);
  document.getElementById('failed-only').addEventListener('change', render);
  render();
}

if (signedIn) start().catch(showError);
