-- 001-core: the people and their sessions.
-- Accounts come from the directory (LDAP); this is the local copy that
-- tickets point to. utf8mb4 and InnoDB everywhere.

CREATE TABLE IF NOT EXISTS organisations (
	id		INT UNSIGNED NOT NULL AUTO_INCREMENT,
	-- the value of [ldap] organisation_attribute, e.g. "TP Rabat"
	code		VARCHAR(190) NOT NULL,
	name		VARCHAR(255) NOT NULL,
	created		DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
	changed		DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
	PRIMARY KEY (id),
	UNIQUE KEY organisations_code (code)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE IF NOT EXISTS users (
	id		INT UNSIGNED NOT NULL AUTO_INCREMENT,
	-- the login as the directory stores it (login_attribute), one row per person
	login		VARCHAR(190) NOT NULL,
	dn		VARCHAR(1024) NOT NULL,
	name		VARCHAR(255) NOT NULL DEFAULT '',
	email		VARCHAR(255) NOT NULL DEFAULT '',
	phone		VARCHAR(64) NULL,
	organisation_id	INT UNSIGNED NULL,
	-- bit mask: 1 referent, 2 agent, 4 admin
	roles		TINYINT UNSIGNED NOT NULL DEFAULT 0,
	active		TINYINT(1) NOT NULL DEFAULT 1,
	lang		CHAR(2) NOT NULL DEFAULT 'fr',
	created		DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
	changed		DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
	last_login	DATETIME NULL,
	disabled	DATETIME NULL,
	PRIMARY KEY (id),
	UNIQUE KEY users_login (login),
	KEY users_organisation (organisation_id),
	CONSTRAINT users_organisation_fk FOREIGN KEY (organisation_id)
	    REFERENCES organisations (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- A browser session. Only SHA-256 of the cookie value is kept.
CREATE TABLE IF NOT EXISTS sessions (
	id		BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
	token_hash	BINARY(32) NOT NULL,
	user_id		INT UNSIGNED NOT NULL,
	csrf_token	CHAR(43) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
	created		DATETIME NOT NULL,
	last_seen	DATETIME NOT NULL,
	-- absolute expiry: created + [session] absolute_timeout
	expires		DATETIME NOT NULL,
	-- when the directory last confirmed the user's groups
	checked		DATETIME NOT NULL,
	client_ip	VARCHAR(64) NOT NULL DEFAULT '',
	user_agent	VARCHAR(255) NOT NULL DEFAULT '',
	PRIMARY KEY (id),
	UNIQUE KEY sessions_token (token_hash),
	KEY sessions_user (user_id),
	KEY sessions_expires (expires),
	CONSTRAINT sessions_user_fk FOREIGN KEY (user_id) REFERENCES users (id)
	    ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Personal API tokens for scripts (Authorization: Bearer). Hash only.
CREATE TABLE IF NOT EXISTS api_tokens (
	id		BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
	token_hash	BINARY(32) NOT NULL,
	user_id		INT UNSIGNED NOT NULL,
	name		VARCHAR(100) NOT NULL,
	created		DATETIME NOT NULL,
	expires		DATETIME NULL,
	last_used	DATETIME NULL,
	revoked		DATETIME NULL,
	PRIMARY KEY (id),
	UNIQUE KEY api_tokens_token (token_hash),
	KEY api_tokens_user (user_id),
	CONSTRAINT api_tokens_user_fk FOREIGN KEY (user_id) REFERENCES users (id)
	    ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
