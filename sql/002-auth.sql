-- 002-auth: login throttling, the authentication audit trail, and the
-- directory re-check of API tokens.

-- Failed logins, counted per (login, client address) and per client
-- address within [login] window. Kept in MariaDB so that every daemon
-- behind the proxy sees the same counts; purged once out of the window.
CREATE TABLE IF NOT EXISTS login_failures (
	id		BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
	-- the login as typed (case-insensitive collation: ALICE = alice)
	login		VARCHAR(190) NOT NULL,
	client_ip	VARCHAR(64) NOT NULL,
	created		DATETIME NOT NULL,
	-- 1 once the same login succeeded from the same address: no longer
	-- counted for the pair, still counted for the address
	cleared		TINYINT(1) NOT NULL DEFAULT 0,
	PRIMARY KEY (id),
	KEY login_failures_ip (client_ip, created),
	KEY login_failures_created (created)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Who logged in, failed to, logged out, created or revoked a token, or
-- lost access, from where and when. Never a password or a token.
CREATE TABLE IF NOT EXISTS auth_audit (
	id		BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
	created		DATETIME NOT NULL,
	-- login.success, login.failure, logout, token.create, token.revoke,
	-- access.revoked
	event		VARCHAR(32) CHARACTER SET ascii NOT NULL,
	-- the canonical login when known, else the login as typed
	login		VARCHAR(190) NOT NULL DEFAULT '',
	user_id		INT UNSIGNED NULL,
	client_ip	VARCHAR(64) NOT NULL DEFAULT '',
	-- why a login failed or access ended; the token id for token events
	reason		VARCHAR(64) CHARACTER SET ascii NULL,
	PRIMARY KEY (id),
	KEY auth_audit_created (created),
	KEY auth_audit_login (login, created),
	KEY auth_audit_user (user_id, created)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- When the directory last confirmed the access of a token's owner.
ALTER TABLE api_tokens ADD COLUMN IF NOT EXISTS checked DATETIME NULL;
