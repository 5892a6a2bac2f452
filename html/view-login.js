/*
 * The login page: directory login and password, POST /api/v1/session, and a
 * clear message for each way it can fail (wrong credentials, no access,
 * too many attempts, directory unavailable, server unreachable), or why the
 * user is here (session expired, logged out).
 */
import { api, ApiError } from './api.js';
import { h, message } from './dom.js';
import { t, tn } from './i18n.js';

/* The message for a failed login. */
function loginErrorText(e) {
	if (!(e instanceof ApiError))
		return t('login.error.network');
	switch (e.code) {
	case 'invalid_credentials':
	case 'no_access':
	case 'directory_unavailable':
		return t(`login.error.${e.code}`);
	case 'too_many_attempts': {
		const min = Math.max(1, Math.ceil((e.retryAfter || 60) / 60));
		return tn('login.error.too_many_attempts', min);
	}
	case 'network':
		return t('login.error.network');
	default:
		return t('error.generic', { code: `${e.status} ${e.code}` });
	}
}

/*
 * Draw the login page into main. opts.notice: 'session_expired' or
 * 'logged_out'; opts.onLogin(reply) runs after a successful login.
 */
export function renderLogin(main, opts) {
	const status = h('div', { class: 'login-status', id: 'login-status' });
	if (opts.notice)
		status.append(message(opts.notice === 'session_expired' ? 'warning' : 'info',
		    t(`login.notice.${opts.notice}`)));
	const loginInput = h('input', {
		id: 'login-login', name: 'login', type: 'text', autocomplete: 'username',
		autocapitalize: 'none', spellcheck: 'false', required: true, maxlength: 256
	});
	const pwInput = h('input', {
		id: 'login-password', name: 'password', type: 'password',
		autocomplete: 'current-password', required: true, maxlength: 1024
	});
	const submit = h('button', { type: 'submit', class: 'button primary', id: 'login-submit' },
	    t('login.submit'));
	const form = h('form', { class: 'login-form', id: 'login-form', novalidate: true },
	    h('div', { class: 'field' },
		h('label', { for: 'login-login' }, t('login.login')),
		loginInput),
	    h('div', { class: 'field' },
		h('label', { for: 'login-password' }, t('login.password')),
		pwInput),
	    h('div', { class: 'actions' }, submit));

	form.addEventListener('submit', async (ev) => {
		ev.preventDefault();
		const login = loginInput.value.trim();
		const password = pwInput.value;
		status.replaceChildren();
		if (!login || !password) {
			status.append(message('error', t('login.error.empty')));
			(login ? pwInput : loginInput).focus();
			return;
		}
		submit.disabled = true;
		submit.textContent = t('login.submitting');
		form.setAttribute('aria-busy', 'true');
		try {
			const reply = await api('POST', '/session', {
				body: { login, password }, noExpiry: true
			});
			pwInput.value = '';
			await opts.onLogin(reply);
		} catch (e) {
			pwInput.value = '';
			status.append(message('error', loginErrorText(e)));
			submit.disabled = false;
			submit.textContent = t('login.submit');
			form.removeAttribute('aria-busy');
			pwInput.focus();
		}
	});

	main.replaceChildren(h('section', { class: 'view login-view' },
	    h('div', { class: 'login-card' },
		h('h1', {}, t('login.title')),
		h('p', { class: 'lead' }, t('login.intro')),
		status,
		form,
		h('p', { class: 'hint' }, t('login.help')))));
	loginInput.focus();
}
