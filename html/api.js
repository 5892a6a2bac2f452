/*
 * The only code that talks to the server: JSON calls under /api/v1 and raw
 * uploads. Every write carries the X-CSRF-Token header; the token comes from
 * the login or GET /me reply and lives in this module's memory only (never
 * in localStorage). A 401 on a call made while logged in means the session
 * ended: the handler set by the app shows the login page.
 */

const BASE = '/api/v1';
let csrfToken = null;
let onExpired = null;

/* An error reply of the API ({"error":{"code","message"}}) or of the network. */
export class ApiError extends Error {
	constructor(status, code, message, retryAfter) {
		super(message || code);
		this.status = status;	/* 0 when the server could not be reached */
		this.code = code;
		this.retryAfter = retryAfter;
	}
}

export function setCsrfToken(token) {
	csrfToken = token || null;
}

/* fn() is called once when a call made with a session gets 401. */
export function setExpiredHandler(fn) {
	onExpired = fn;
}

function isWrite(method) {
	return method !== 'GET' && method !== 'HEAD';
}

/* Turn a non-2xx reply into an ApiError. */
async function errorOf(res) {
	let code = `http_${res.status}`, msg = '';
	try {
		const body = await res.json();
		if (body && body.error) {
			code = body.error.code || code;
			msg = body.error.message || '';
		}
	} catch (e) {
		/* not JSON: keep the status code */
	}
	const ra = res.headers.get('Retry-After');
	return new ApiError(res.status, code, msg, ra ? Number(ra) : undefined);
}

async function send(method, path, init, opts) {
	let res;
	try {
		res = await fetch(BASE + path, { method, credentials: 'same-origin', ...init });
	} catch (e) {
		throw new ApiError(0, 'network', String(e));
	}
	if (res.status === 401 && csrfToken !== null && !opts.noExpiry) {
		csrfToken = null;
		if (onExpired)
			onExpired();
	}
	if (!res.ok)
		throw await errorOf(res);
	if (res.status === 204)
		return null;
	const type = res.headers.get('Content-Type') || '';
	return type.includes('json') ? res.json() : res.text();
}

/*
 * api('GET', '/tickets', {query: {state: 'open'}})
 * api('PATCH', '/tickets/N', {body: {...}, ifMatch: 3})
 * Resolves to the parsed JSON (null for 204); rejects with ApiError.
 */
export function api(method, path, opts = {}) {
	const headers = { Accept: 'application/json' };
	let url = path;
	if (opts.query) {
		const q = new URLSearchParams();
		for (const [k, v] of Object.entries(opts.query)) {
			if (v !== undefined && v !== null && v !== '')
				q.set(k, String(v));
		}
		const qs = q.toString();
		if (qs)
			url += `?${qs}`;
	}
	const init = { headers };
	if (opts.body !== undefined) {
		headers['Content-Type'] = 'application/json';
		init.body = JSON.stringify(opts.body);
	}
	if (isWrite(method) && csrfToken)
		headers['X-CSRF-Token'] = csrfToken;
	if (opts.ifMatch !== undefined && opts.ifMatch !== null)
		headers['If-Match'] = `"${opts.ifMatch}"`;
	if (opts.idempotencyKey)
		headers['Idempotency-Key'] = opts.idempotencyKey;
	return send(method, url, init, opts);
}

/* POST /uploads?filename=NAME with the file's bytes; resolves to the upload. */
export async function upload(file) {
	const headers = {
		Accept: 'application/json',
		'Content-Type': file.type || 'application/octet-stream'
	};
	if (csrfToken)
		headers['X-CSRF-Token'] = csrfToken;
	const body = await send('POST',
	    `/uploads?filename=${encodeURIComponent(file.name)}`,
	    { headers, body: file }, {});
	return body.upload;
}

/* The URL of an attachment's bytes (served as a download). */
export function attachmentUrl(id) {
	return `${BASE}/attachments/${encodeURIComponent(id)}`;
}
