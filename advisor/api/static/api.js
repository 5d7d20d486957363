// Calls to the public HTTP API: the key for this browser session, problem+json errors, Server-Sent Events.

const KEY = "advisor-api-key";

export class ApiError extends Error {
  constructor(status, problem, retryAfter) {
    super(problem?.detail || `HTTP ${status}`);
    this.status = status; // 0: no connection
    this.problem = problem || {};
    this.retryAfter = retryAfter;
  }
}

export function apiKey() { return sessionStorage.getItem(KEY) || ""; }
export function setApiKey(key) { if (key) sessionStorage.setItem(KEY, key); else sessionStorage.removeItem(KEY); }

function headers(extra = {}) {
  const key = apiKey();
  return key ? { ...extra, Authorization: `Bearer ${key}` } : extra;
}

async function send(method, path, { json, form, accept } = {}) {
  const init = { method, headers: headers(accept ? { Accept: accept } : {}) };
  if (json !== undefined) { init.body = JSON.stringify(json); init.headers["Content-Type"] = "application/json"; }
  if (form) init.body = form;
  let response;
  try {
    response = await fetch(path, init);
  } catch {
    throw new ApiError(0, null, null);
  }
  if (!response.ok) {
    let problem = null;
    try { problem = await response.json(); } catch { problem = null; }
    throw new ApiError(response.status, problem, response.headers.get("Retry-After"));
  }
  return response;
}

export async function getJson(path) { return (await send("GET", path)).json(); }
export async function postJson(path, body) { return (await send("POST", path, { json: body })).json(); }
export async function postForm(path, form) { return (await send("POST", path, { form })).json(); }
export async function remove(path) { return (await send("DELETE", path)).json(); }

// POST `body` with stream: true and call onEvent(name, data) for each Server-Sent Event as it arrives.
export async function stream(path, body, onEvent) {
  const response = await send("POST", path, { json: { ...body, stream: true }, accept: "text/event-stream" });
  const reader = response.body.getReader();
  const decoder = new TextDecoder();
  let buffer = "";
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      buffer += decoder.decode(value, { stream: true }).replace(/\r\n/g, "\n");
      let end;
      while ((end = buffer.indexOf("\n\n")) >= 0) {
        const block = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        let name = "message";
        const data = [];
        for (const line of block.split("\n")) {
          if (line.startsWith("event:")) name = line.slice(6).trim();
          else if (line.startsWith("data:")) data.push(line.slice(5).trimStart());
        }
        if (data.length) onEvent(name, JSON.parse(data.join("\n")));
      }
    }
  } catch (error) {
    if (error instanceof ApiError) throw error;
    throw new ApiError(0, null, null);
  }
}
