// What every page of the web app shares: the API key (kept for this browser tab only), calls to /api/v1 with it,
// images fetched with it (an <img> cannot send a header), and a dataset's Server-Sent Events read with fetch, which can
// send the key and resumes after the last event id itself.

export const apiBase = '/api/v1';
const keyName = 'sammpa.key';

export const param = name => new URLSearchParams(location.search).get(name);

export function currentKey() {
  return sessionStorage.getItem(keyName);
}

export function signIn(key) {
  sessionStorage.setItem(keyName, key);
}

export function signOut() {
  sessionStorage.removeItem(keyName);
  location.href = '/app/index.html';
}

/** False, after sending the visitor to the sign-in page (and back here after), when the tab has no key yet. */
export function requireKey() {
  if (currentKey()) return true;
  location.href = '/app/index.html?next=' + encodeURIComponent(location.pathname + location.search);
  return false;
}

/** A failed call: the problem's detail (the API names the item), and the status code. */
export class ApiError extends Error {
  constructor(status, detail) {
    super(`${status}: ${detail}`);
    this.status = status;
  }
}

export async function call(path, options = {}) {
  const headers = new Headers(options.headers || {});
  headers.set('Authorization', 'Bearer ' + currentKey());
  const response = await fetch(apiBase + path, { ...options, headers });
  if (!response.ok) {
    let detail = response.statusText;
    try {
      const problem = await response.json();
      detail = problem.detail || problem.title || detail;
    } catch {
      // Not problem+json: the status text says enough.
    }
    throw new ApiError(response.status, detail);
  }
  return response;
}

export const getJson = async path => (await call(path)).json();

export async function sendJson(path, method, body) {
  const response = await call(path, {
    method,
    headers: { 'Content-Type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return response.status === 204 ? null : response.json();
}

/** An object URL of an image the API serves (revoke it when the image is gone). */
export async function imageUrl(path) {
  return URL.createObjectURL(await (await call(path)).blob());
}

/**
 * Calls onEvent({ id, type, data }) for each of the dataset's completion events, from the first one, or after
 * `after`; reconnects after a drop with Last-Event-ID, so nothing is missed or repeated. Stops when `signal` aborts.
 */
export async function followEvents(dataset, onEvent, signal, after = null) {
  let last = after;
  while (!signal.aborted) {
    try {
      const headers = { Accept: 'text/event-stream' };
      if (last) {
        headers['Last-Event-ID'] = last;
      }
      const response = await call(`/datasets/${encodeURIComponent(dataset)}/events`, { headers, signal });
      const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
      let buffer = '';
      let event = { id: null, type: 'message', data: [] };
      for (;;) {
        const { value, done } = await reader.read();
        if (done) {
          break;
        }
        buffer += value;
        let newline;
        while ((newline = buffer.search(/\r\n|\r|\n/)) >= 0) {
          const line = buffer.slice(0, newline);
          buffer = buffer.slice(newline + (buffer.startsWith('\r\n', newline) ? 2 : 1));
          if (line === '') {
            if (event.data.length > 0) {
              last = event.id ?? last;
              onEvent({ id: event.id, type: event.type, data: JSON.parse(event.data.join('\n')) });
            }
            event = { id: null, type: 'message', data: [] };
          } else if (!line.startsWith(':')) {
            const colon = line.indexOf(':');
            const field = colon < 0 ? line : line.slice(0, colon);
            const text = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
            if (field === 'id') event.id = text;
            else if (field === 'event') event.type = text;
            else if (field === 'data') event.data.push(text);
          }
        }
      }
    } catch (error) {
      if (signal.aborted || (error instanceof ApiError && error.status < 500)) {
        if (!signal.aborted) throw error;
        return;
      }
    }
    // Dropped: try again shortly, after the last event seen.
    await new Promise(resolve => setTimeout(resolve, 2000));
  }
}

/** Recent datasets of this browser (ids only), newest first. */
export function recentDatasets() {
  try {
    return JSON.parse(localStorage.getItem('sammpa.datasets') || '[]');
  } catch {
    return [];
  }
}

export function rememberDataset(id) {
  const ids = [id, ...recentDatasets().filter(other => other !== id)].slice(0, 50);
  localStorage.setItem('sammpa.datasets', JSON.stringify(ids));
}

/** An element with attributes (on* as listeners) and children (strings become text). */
export function el(tag, attributes = {}, ...children) {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === undefined || value === null || value === false) continue;
    if (name.startsWith('on')) element.addEventListener(name.slice(2), value);
    else if (name === 'class') element.className = value;
    else element.setAttribute(name, value === true ? '' : value);
  }
  element.append(...children.flat().filter(child => child !== null && child !== undefined));
  return element;
}

export const percent = value => (value === null || value === undefined ? '' : `${Math.round(value * 100)} %`);
export const dice = value => (value === null || value === undefined ? '–' : value.toFixed(3));

export function showError(error) {
  const box = document.getElementById('error');
  if (box) {
    box.textContent = error.message || String(error);
    box.hidden = false;
  } else {
    console.error(error);
  }
}

export function clearError() {
  const box = document.getElementById('error');
  if (box) box.hidden = true;
}
