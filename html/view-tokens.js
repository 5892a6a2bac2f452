/*
 * Personal API tokens for scripts: the list (name, created, expires, last
 * used), creation (the secret is shown once, here, and never again) and
 * revocation. The secret stays in the page only until the user leaves it.
 */
import { api, ApiError } from './api.js';
import { h, message, timeEl } from './dom.js';
import { t } from './i18n.js';
import { errorText } from './state.js';

export async function renderTokens(ctx, created) {
	const r = await api('GET', '/tokens');
	const tokens = r.tokens || [];
	const status = h('div', { id: 'tokens-status' });

	let secretBox = null;
	if (created) {
		const out = h('input', { type: 'text', id: 'token-secret', readOnly: true, value: created.secret,
		    class: 'secret', 'aria-describedby': 'token-secret-hint', spellcheck: 'false' });
		const copy = h('button', { type: 'button', class: 'button secondary', id: 'token-copy',
		    onclick: async () => {
			out.select();
			try {
				await navigator.clipboard.writeText(created.secret);
				copy.textContent = t('tokens.copied');
			} catch (e) {
				copy.textContent = t('tokens.copy.manual');
			}
		    } }, t('tokens.copy'));
		secretBox = h('div', { class: 'message success secret-box', role: 'status' },
		    h('p', {}, h('strong', {}, t('tokens.created', { name: created.name }))),
		    h('label', { for: 'token-secret' }, t('tokens.secret')),
		    h('div', { class: 'inline' }, out, copy),
		    h('p', { class: 'hint', id: 'token-secret-hint' }, t('tokens.secret.once')));
	}

	const nameInput = h('input', { type: 'text', id: 'token-name', name: 'name', maxlength: 100,
	    required: true, autocomplete: 'off' });
	const daysInput = h('input', { type: 'number', id: 'token-days', name: 'expires_in_days',
	    min: 1, max: 3650, inputmode: 'numeric', 'aria-describedby': 'token-days-hint' });
	const form = h('form', { class: 'token-form', id: 'token-form', novalidate: true },
	    h('div', { class: 'field' }, h('label', { for: 'token-name' }, t('tokens.name')), nameInput),
	    h('div', { class: 'field' }, h('label', { for: 'token-days' }, t('tokens.days')),
		h('p', { class: 'hint', id: 'token-days-hint' }, t('tokens.days.hint')), daysInput),
	    h('div', { class: 'actions' },
		h('button', { type: 'submit', class: 'button primary', id: 'token-create' }, t('tokens.create'))));
	form.addEventListener('submit', async (ev) => {
		ev.preventDefault();
		status.replaceChildren();
		const name = nameInput.value.trim();
		if (!name) {
			nameInput.setAttribute('aria-invalid', 'true');
			status.append(message('error', t('tokens.error.name')));
			nameInput.focus();
			return;
		}
		const body = { name };
		if (daysInput.value)
			body.expires_in_days = Number(daysInput.value);
		try {
			const c = await api('POST', '/tokens', { body });
			await renderTokens(ctx, c.token);
		} catch (e) {
			if (!(e instanceof ApiError && e.status === 401))
				status.append(message('error', errorText(e)));
		}
	});

	const revoke = async (tok, btn) => {
		btn.disabled = true;
		try {
			await api('DELETE', `/tokens/${encodeURIComponent(tok.id)}`);
			await renderTokens(ctx);
			const s = document.getElementById('tokens-status');
			if (s)
				s.append(message('success', t('tokens.revoked', { name: tok.name })));
		} catch (e) {
			btn.disabled = false;
			if (!(e instanceof ApiError && e.status === 401))
				status.append(message('error', errorText(e)));
		}
	};
	const list = tokens.length === 0
	    ? h('p', { class: 'empty', id: 'tokens-empty' }, t('tokens.empty'))
	    : h('div', { class: 'table-wrap' }, h('table', { class: 'tokens', id: 'tokens-table' },
		h('caption', { class: 'visually-hidden' }, t('tokens.list')),
		h('thead', {}, h('tr', {}, ['name', 'created', 'expires', 'last_used', 'actions'].map((c) =>
		    h('th', { scope: 'col' }, t(`tokens.col.${c}`))))),
		h('tbody', {}, tokens.map((tok) => h('tr', { 'data-token': tok.id },
		    h('td', { 'data-label': t('tokens.col.name') }, tok.name),
		    h('td', { 'data-label': t('tokens.col.created') }, timeEl(tok.created)),
		    h('td', { 'data-label': t('tokens.col.expires') }, tok.expires ? timeEl(tok.expires) : t('tokens.never')),
		    h('td', { 'data-label': t('tokens.col.last_used') }, tok.last_used ? timeEl(tok.last_used) : t('tokens.unused')),
		    h('td', { 'data-label': t('tokens.col.actions') },
			h('button', { type: 'button', class: 'button danger', id: `token-revoke-${tok.id}`,
			    'aria-label': t('tokens.revoke.label', { name: tok.name }),
			    onclick: (ev) => revoke(tok, ev.currentTarget) }, t('tokens.revoke'))))))));

	ctx.show(h('section', { class: 'view tokens-view' },
	    h('h1', {}, t('tokens.title')),
	    h('p', { class: 'lead' }, t('tokens.intro')),
	    secretBox,
	    status,
	    h('h2', {}, t('tokens.list')),
	    list,
	    h('h2', {}, t('tokens.new')),
	    form), t('tokens.title'));
	if (created) {
		const s = document.getElementById('token-secret');
		if (s)
			s.focus();
	}
}
