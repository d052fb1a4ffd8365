import { call, el, getJson, imageUrl, param, requireKey, showError, clearError } from './api.js';

const signedIn = requireKey();
const id = param('id');
const path = `/datasets/${encodeURIComponent(id)}`;
// "Correct and promote" (from the review page): the editor holds one query, starting from its final mask.
const promoting = param('promote');

const view = document.getElementById('view');
const context = view.getContext('2d');
const state = document.getElementById('state');

// The mask is the alpha channel of an offscreen canvas the image's size: painted opaque where the target is.
const maskColour = 'rgb(255, 64, 64)';
const maxUndo = 30;
let supports = [];
let current = -1;
let image = null;
let mask = null;
let maskContext = null;
let scale = 1;
let offset = { x: 0, y: 0 };
let tool = 'brush';
let polygon = [];
let undoStack = [];
let redoStack = [];
let dirty = false;
let stroke = null;
let panning = null;
let spaceHeld = false;
let hover = null;
let lastOpacity = 50;

const size = () => Number(document.getElementById('size').value);
const opacity = () => Number(document.getElementById('opacity').value) / 100;

function setTool(name) {
  tool = name;
  polygon = [];
  for (const t of ['brush', 'eraser', 'polygon', 'pan']) {
    document.getElementById(`tool-${t}`).classList.toggle('active', t === name);
  }
  draw();
}

function toImage(event) {
  const box = view.getBoundingClientRect();
  return { x: (event.clientX - box.left - offset.x) / scale, y: (event.clientY - box.top - offset.y) / scale };
}

function resize() {
  const box = view.getBoundingClientRect();
  view.width = Math.max(1, Math.round(box.width));
  view.height = Math.max(1, Math.round(box.height));
  draw();
}

function fit() {
  if (!image) return;
  scale = Math.min(view.width / image.width, view.height / image.height) * 0.95;
  offset = { x: (view.width - image.width * scale) / 2, y: (view.height - image.height * scale) / 2 };
  draw();
}

function draw() {
  context.setTransform(1, 0, 0, 1, 0, 0);
  context.clearRect(0, 0, view.width, view.height);
  if (!image) return;
  context.setTransform(scale, 0, 0, scale, offset.x, offset.y);
  context.imageSmoothingEnabled = scale < 1;
  context.drawImage(image, 0, 0);
  context.globalAlpha = opacity();
  context.drawImage(mask, 0, 0);
  context.globalAlpha = 1;
  context.lineWidth = 1.5 / scale;
  if (polygon.length) {
    context.strokeStyle = '#ffd400';
    context.beginPath();
    polygon.forEach((p, i) => (i ? context.lineTo(p.x, p.y) : context.moveTo(p.x, p.y)));
    if (hover) context.lineTo(hover.x, hover.y);
    context.stroke();
    context.fillStyle = '#ffd400';
    for (const p of polygon) context.fillRect(p.x - 2 / scale, p.y - 2 / scale, 4 / scale, 4 / scale);
  }
  if (hover && (tool === 'brush' || tool === 'eraser')) {
    context.strokeStyle = tool === 'brush' ? '#ffd400' : '#7dd3fc';
    context.beginPath();
    context.arc(hover.x, hover.y, size() / 2, 0, Math.PI * 2);
    context.stroke();
  }
}

function snapshot() {
  undoStack.push(maskContext.getImageData(0, 0, mask.width, mask.height));
  if (undoStack.length > maxUndo) undoStack.shift();
  redoStack = [];
  markDirty();
}

function markDirty() {
  dirty = true;
  state.textContent = 'not saved';
}

function undo() {
  if (!undoStack.length) return;
  redoStack.push(maskContext.getImageData(0, 0, mask.width, mask.height));
  maskContext.putImageData(undoStack.pop(), 0, 0);
  markDirty();
  draw();
}

function redo() {
  if (!redoStack.length) return;
  undoStack.push(maskContext.getImageData(0, 0, mask.width, mask.height));
  maskContext.putImageData(redoStack.pop(), 0, 0);
  markDirty();
  draw();
}

function paintSegment(from, to) {
  maskContext.globalCompositeOperation = tool === 'eraser' ? 'destination-out' : 'source-over';
  maskContext.strokeStyle = maskColour;
  maskContext.fillStyle = maskColour;
  maskContext.lineCap = 'round';
  maskContext.lineJoin = 'round';
  maskContext.lineWidth = size();
  maskContext.beginPath();
  maskContext.moveTo(from.x, from.y);
  maskContext.lineTo(to.x, to.y);
  maskContext.stroke();
  maskContext.beginPath();
  maskContext.arc(to.x, to.y, size() / 2, 0, Math.PI * 2);
  maskContext.fill();
  maskContext.globalCompositeOperation = 'source-over';
}

function closePolygon() {
  if (polygon.length >= 3) {
    snapshot();
    maskContext.fillStyle = maskColour;
    maskContext.beginPath();
    polygon.forEach((p, i) => (i ? maskContext.lineTo(p.x, p.y) : maskContext.moveTo(p.x, p.y)));
    maskContext.closePath();
    maskContext.fill();
  }
  polygon = [];
  draw();
}

view.addEventListener('pointerdown', event => {
  if (!image) return;
  view.setPointerCapture(event.pointerId);
  const point = toImage(event);
  if (event.button === 1 || tool === 'pan' || spaceHeld) {
    panning = { x: event.clientX - offset.x, y: event.clientY - offset.y };
    return;
  }
  if (event.button !== 0) return;
  if (tool === 'polygon') {
    const first = polygon[0];
    if (first && polygon.length >= 3 && Math.hypot(first.x - point.x, first.y - point.y) * scale < 8) closePolygon();
    else polygon.push(point);
    draw();
    return;
  }
  snapshot();
  stroke = point;
  paintSegment(point, point);
  draw();
});

view.addEventListener('pointermove', event => {
  if (!image) return;
  if (panning) {
    offset = { x: event.clientX - panning.x, y: event.clientY - panning.y };
    draw();
    return;
  }
  const point = toImage(event);
  hover = point;
  if (stroke) {
    paintSegment(stroke, point);
    stroke = point;
  }
  draw();
});

for (const type of ['pointerup', 'pointercancel']) {
  view.addEventListener(type, () => {
    stroke = null;
    panning = null;
  });
}

view.addEventListener('pointerleave', () => {
  hover = null;
  draw();
});

view.addEventListener('dblclick', () => {
  if (tool === 'polygon') closePolygon();
});

view.addEventListener('wheel', event => {
  if (!image) return;
  event.preventDefault();
  const box = view.getBoundingClientRect();
  const at = { x: event.clientX - box.left, y: event.clientY - box.top };
  const factor = Math.exp(-event.deltaY * 0.0015);
  const next = Math.min(40, Math.max(0.05, scale * factor));
  offset = { x: at.x - ((at.x - offset.x) * next) / scale, y: at.y - ((at.y - offset.y) * next) / scale };
  scale = next;
  draw();
}, { passive: false });

/** The mask as the PNG the API takes: white where painted (alpha at least half), black elsewhere, the image's size. */
async function maskPng() {
  const values = maskValues();
  const out = new ImageData(mask.width, mask.height);
  for (let i = 0; i < values.length; i++) {
    out.data[i * 4] = out.data[i * 4 + 1] = out.data[i * 4 + 2] = values[i];
    out.data[i * 4 + 3] = 255;
  }
  const canvas = el('canvas', { width: mask.width, height: mask.height });
  canvas.getContext('2d').putImageData(out, 0, 0);
  return new Promise(resolve => canvas.toBlob(resolve, 'image/png'));
}

async function promote() {
  if (!mask) return;
  clearError();
  state.textContent = 'promoting…';
  try {
    await call(`${path}/results/${encodeURIComponent(promoting)}/promote`, {
      method: 'POST',
      headers: { 'Content-Type': 'image/png' },
      body: await maskPng(),
    });
    dirty = false;
    location.href = `dataset.html?id=${encodeURIComponent(id)}`;
  } catch (error) {
    state.textContent = 'not promoted';
    showError(error);
  }
}

async function save() {
  if (promoting) return promote();
  if (current < 0) return;
  clearError();
  const support = supports[current];
  state.textContent = 'saving…';
  try {
    const response = await call(`${path}/supports/${encodeURIComponent(support.image)}/annotation`, {
      method: 'PUT',
      headers: { 'Content-Type': 'image/png' },
      body: await maskPng(),
    });
    const saved = await response.json();
    dirty = false;
    state.textContent = 'saved';
    await loadSupports(saved);
  } catch (error) {
    state.textContent = 'not saved';
    showError(error);
  }
}

/** Loads an image (PNG from the API) as an <img>. */
async function loadImage(apiPath) {
  const url = await imageUrl(apiPath);
  const loaded = new Image();
  loaded.src = url;
  await loaded.decode();
  URL.revokeObjectURL(url);
  return loaded;
}

/** The query being corrected, with its final mask painted in as the starting outline. */
async function openQuery() {
  state.textContent = 'loading…';
  const query = `${path}/results/${encodeURIComponent(promoting)}`;
  const [loaded, finalMask] = await Promise.all([loadImage(`${query}/image`), loadImage(`${query}/mask`)]);
  image = loaded;
  mask = el('canvas', { width: image.naturalWidth, height: image.naturalHeight });
  maskContext = mask.getContext('2d', { willReadFrequently: true });
  const scratch = el('canvas', { width: mask.width, height: mask.height }).getContext('2d', { willReadFrequently: true });
  scratch.drawImage(finalMask, 0, 0);
  const source = scratch.getImageData(0, 0, mask.width, mask.height).data;
  const painted = maskContext.createImageData(mask.width, mask.height);
  for (let i = 0; i < source.length; i += 4) {
    if (source[i] >= 128) {
      painted.data[i] = 255; painted.data[i + 1] = 64; painted.data[i + 2] = 64; painted.data[i + 3] = 255;
    }
  }
  maskContext.putImageData(painted, 0, 0);
  undoStack = [];
  redoStack = [];
  dirty = false;
  state.textContent = 'the final mask: correct it, then Promote';
  fit();
}

async function open(index) {
  if (promoting) return;
  if (index < 0 || index >= supports.length) return;
  if (dirty && !confirm('The outline is not saved. Leave it?')) return;
  current = index;
  renderList();
  const support = supports[index];
  state.textContent = 'loading…';
  image = await loadImage(`${path}/supports/${encodeURIComponent(support.image)}/image`);
  mask = el('canvas', { width: image.naturalWidth, height: image.naturalHeight });
  maskContext = mask.getContext('2d', { willReadFrequently: true });
  undoStack = [];
  redoStack = [];
  polygon = [];
  dirty = false;
  state.textContent = support.annotated ? 'annotated before (drawing again replaces it)' : '';
  fit();
}

function renderList() {
  document.getElementById('supports').replaceChildren(...supports.map((s, i) => el('li', {
    class: i === current ? 'current' : '',
    'data-image': s.image,
    onclick: () => open(i).catch(showError),
  }, `${s.rank}. ${s.image} `, s.annotated ? el('span', { class: 'done' }, '✓') : null,
  el('div', { class: 'muted' }, [
    s.stratum ? s.stratum : null,
    s.queriesServed === null || s.queriesServed === undefined ? null : `serves ${s.queriesServed} queries`,
  ].filter(Boolean).join(' · ')))));
}

async function loadSupports(status) {
  supports = await getJson(`${path}/supports`);
  renderList();
  const view = status ?? (await getJson(path));
  document.getElementById('phase').textContent = `Phase: ${view.status.phase}` +
    (view.status.phase === 'Annotated' ? ' — every support is outlined; run it from the dataset page.' : '');
}

document.addEventListener('keydown', event => {
  if (event.target instanceof HTMLInputElement && event.target.type !== 'range') return;
  const key = event.key.toLowerCase();
  if ((event.ctrlKey || event.metaKey) && key === 'z') { event.preventDefault(); event.shiftKey ? redo() : undo(); return; }
  if ((event.ctrlKey || event.metaKey) && key === 'y') { event.preventDefault(); redo(); return; }
  if (event.ctrlKey || event.metaKey || event.altKey) return;
  if (key === ' ') { spaceHeld = true; event.preventDefault(); return; }
  const sizeInput = document.getElementById('size');
  const actions = {
    b: () => setTool('brush'),
    e: () => setTool('eraser'),
    p: () => setTool('polygon'),
    h: () => setTool('pan'),
    f: fit,
    s: save,
    n: () => open(current + 1),
    arrowright: () => open(current + 1),
    arrowleft: () => open(current - 1),
    enter: () => tool === 'polygon' && closePolygon(),
    escape: () => { polygon = []; draw(); },
    '[': () => { sizeInput.value = Math.max(1, size() - 2); draw(); },
    ']': () => { sizeInput.value = Math.min(80, size() + 2); draw(); },
    o: () => {
      const input = document.getElementById('opacity');
      if (Number(input.value) > 0) { lastOpacity = Number(input.value); input.value = 0; } else input.value = lastOpacity;
      draw();
    },
  };
  if (actions[key]) {
    event.preventDefault();
    Promise.resolve(actions[key]()).catch(showError);
  }
});

document.addEventListener('keyup', event => {
  if (event.key === ' ') spaceHeld = false;
});

/** The mask as the page saves it: 0 or 255 per pixel, row by row. */
function maskValues() {
  const painted = maskContext.getImageData(0, 0, mask.width, mask.height).data;
  const values = new Array(mask.width * mask.height);
  for (let i = 0; i < values.length; i++) values[i] = painted[i * 4 + 3] >= 128 ? 255 : 0;
  return values;
}

// For automation (the browser tests, the README's screenshots): where an image pixel is on the page, and the mask.
window.sammpaAnnotation = {
  image: () => (promoting ?? (current >= 0 ? supports[current].image : null)),
  ready: () => image !== null && !dirty && state.textContent !== 'loading…',
  toPage: (x, y) => {
    const box = view.getBoundingClientRect();
    return { x: box.left + offset.x + x * scale, y: box.top + offset.y + y * scale };
  },
  size: () => ({ width: mask.width, height: mask.height }),
  mask: maskValues,
};

async function start() {
  document.getElementById('to-dataset').textContent = id;
  document.getElementById('to-dataset').href = `dataset.html?id=${encodeURIComponent(id)}`;
  document.getElementById('to-review').href = `review.html?id=${encodeURIComponent(id)}`;
  for (const t of ['brush', 'eraser', 'polygon', 'pan']) {
    document.getElementById(`tool-${t}`).addEventListener('click', () => setTool(t));
  }
  document.getElementById('undo').addEventListener('click', undo);
  document.getElementById('redo').addEventListener('click', redo);
  document.getElementById('fit').addEventListener('click', fit);
  document.getElementById('save').addEventListener('click', () => save());
  document.getElementById('clear').addEventListener('click', () => {
    if (!mask) return;
    snapshot();
    maskContext.clearRect(0, 0, mask.width, mask.height);
    draw();
  });
  document.getElementById('opacity').addEventListener('input', draw);
  document.getElementById('size').addEventListener('input', draw);
  new ResizeObserver(() => { resize(); }).observe(document.getElementById('stage'));
  window.addEventListener('beforeunload', event => { if (dirty) event.preventDefault(); });
  setTool('brush');
  if (promoting) {
    document.title = `Correct ${promoting} · SamMpa`;
    const save = document.getElementById('save');
    save.textContent = 'Promote';
    save.title = 'Promote (S): this outline becomes the image\'s annotation and the image a support; re-run from the dataset page';
    document.querySelector('.supports h2').textContent = 'Correct and promote';
    document.querySelector('.supports h2 + p').hidden = true;
    document.getElementById('supports').replaceChildren(el('li', { class: 'current', 'data-image': promoting }, `${promoting} (query)`));
    document.getElementById('phase').textContent =
      'Correct the outline, then Promote: the image becomes a support, and a re-run re-segments only the queries whose nearest support changes.';
    await openQuery();
    return;
  }
  await loadSupports();
  const first = supports.findIndex(s => !s.annotated);
  await open(first >= 0 ? first : 0);
}

if (signedIn) start().catch(showError);
