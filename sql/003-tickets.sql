-- 003-tickets: queues (the seven axes), priorities, states, tickets, their
-- articles, attachments and history, pending uploads, idempotency keys,
-- the per-day ticket number counter and the record of imported mails.
-- (002 is the login migration.) utf8mb4 and InnoDB everywhere; every
-- time is UTC (the connections run with time_zone '+00:00').

-- The axes of the source document. code is stable (URLs, filters,
-- scripts); name is what people read and admins may change. A queue that
-- holds tickets is never deleted (the foreign key from tickets forbids
-- it): it is deactivated, and then takes no new tickets.
CREATE TABLE IF NOT EXISTS queues (
	id		SMALLINT UNSIGNED NOT NULL AUTO_INCREMENT,
	code		VARCHAR(32) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
	name		VARCHAR(100) NOT NULL,
	description	VARCHAR(255) NOT NULL DEFAULT '',
	active		TINYINT(1) NOT NULL DEFAULT 1,
	-- display order; new queues go last
	position	SMALLINT UNSIGNED NOT NULL DEFAULT 100,
	created		DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
	changed		DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
	PRIMARY KEY (id),
	UNIQUE KEY queues_code (code),
	UNIQUE KEY queues_name (name)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

INSERT IGNORE INTO queues (id, code, name, description, position) VALUES
	(1, 'depense', 'Gestion de la dépense',
	    'Engagements, liquidations, ordonnancements et visas des dépenses dans GID.', 1),
	(2, 'credits', 'Gestion des crédits',
	    'Ouvertures, délégations, virements et consommation des crédits budgétaires.', 2),
	(3, 'utilisateurs', 'Gestion des utilisateurs (dont les demandes d''inscription)',
	    'Comptes, habilitations et demandes d''inscription des utilisateurs de GID.', 3),
	(4, 'connexion', 'Problèmes de connexion',
	    'Accès impossible à GID, mot de passe, certificat, coupures ou lenteurs.', 4),
	(5, 'reglement', 'Règlement',
	    'Paiements, ordres de virement, rejets et retours de règlement.', 5),
	(6, 'referentiel', 'Référentiel',
	    'Données de référence : fournisseurs, rubriques budgétaires, nomenclatures.', 6),
	(7, 'autres', 'Autres',
	    'Toute demande qui ne relève d''aucun des axes ci-dessus.', 7);

-- Znuny's five priorities (the portal shows French labels).
CREATE TABLE IF NOT EXISTS priorities (
	id		TINYINT UNSIGNED NOT NULL,
	name		VARCHAR(50) NOT NULL,
	PRIMARY KEY (id),
	UNIQUE KEY priorities_name (name)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

INSERT IGNORE INTO priorities (id, name) VALUES
	(1, 'very low'), (2, 'low'), (3, 'normal'), (4, 'high'), (5, 'very high');

-- States and their types, as in Znuny. The ids are also known to the C
-- code (src/ticket.c), which decides the transitions.
CREATE TABLE IF NOT EXISTS ticket_state_types (
	id		TINYINT UNSIGNED NOT NULL,
	name		VARCHAR(50) NOT NULL,
	PRIMARY KEY (id),
	UNIQUE KEY ticket_state_types_name (name)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

INSERT IGNORE INTO ticket_state_types (id, name) VALUES
	(1, 'new'), (2, 'open'), (3, 'pending'), (4, 'closed'), (5, 'merged');

CREATE TABLE IF NOT EXISTS ticket_states (
	id		TINYINT UNSIGNED NOT NULL,
	name		VARCHAR(50) NOT NULL,
	type_id		TINYINT UNSIGNED NOT NULL,
	PRIMARY KEY (id),
	UNIQUE KEY ticket_states_name (name),
	CONSTRAINT ticket_states_type_fk FOREIGN KEY (type_id)
	    REFERENCES ticket_state_types (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

INSERT IGNORE INTO ticket_states (id, name, type_id) VALUES
	(1, 'new', 1), (2, 'open', 2), (3, 'pending reminder', 3),
	(4, 'closed successful', 4), (5, 'closed unsuccessful', 4),
	(6, 'merged', 5);

-- A ticket. tn is the DateChecksum number; it is NULL only inside the
-- creating transaction, which takes the day's counter as late as possible
-- (the counter row is the one lock all creations share). closed is set
-- exactly while the state's type is closed or merged, so "open tickets"
-- is closed IS NULL, which the indexes below serve.
CREATE TABLE IF NOT EXISTS tickets (
	id		BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
	tn		VARCHAR(32) CHARACTER SET ascii COLLATE ascii_bin NULL,
	title		VARCHAR(255) NOT NULL,
	queue_id	SMALLINT UNSIGNED NOT NULL,
	priority_id	TINYINT UNSIGNED NOT NULL,
	state_id	TINYINT UNSIGNED NOT NULL,
	-- the référent who reported it
	customer_id	INT UNSIGNED NOT NULL,
	-- the customer's office when the ticket was created
	organisation_id	INT UNSIGNED NULL,
	owner_id	INT UNSIGNED NULL,
	-- free text: the ordonnateur, sous-ordonnateur or SEGMA concerned
	requester	VARCHAR(255) NULL,
	created		DATETIME NOT NULL,
	changed		DATETIME NOT NULL,
	first_response	DATETIME NULL,
	closed		DATETIME NULL,
	-- +1 at every change; the ETag
	version		INT UNSIGNED NOT NULL DEFAULT 1,
	PRIMARY KEY (id),
	UNIQUE KEY tickets_tn (tn),
	-- "Mes tickets": a référent's open (or closed) tickets, last changed first
	KEY tickets_customer (customer_id, closed, changed),
	-- the same for an office ([tickets] organisation_visibility)
	KEY tickets_organisation (organisation_id, closed, changed),
	-- queue views: a queue's open tickets, oldest first
	KEY tickets_queue (queue_id, closed, created),
	-- an agent's own tickets
	KEY tickets_owner (owner_id, closed, changed),
	-- every open ticket, last changed first (agents' default view)
	KEY tickets_open (closed, changed),
	-- every ticket, last changed first (agents' "all" and "closed" views)
	KEY tickets_changed (changed),
	-- counts per queue and state (GET /queues for agents)
	KEY tickets_queue_state (queue_id, state_id),
	CONSTRAINT tickets_queue_fk FOREIGN KEY (queue_id) REFERENCES queues (id),
	CONSTRAINT tickets_priority_fk FOREIGN KEY (priority_id)
	    REFERENCES priorities (id),
	CONSTRAINT tickets_state_fk FOREIGN KEY (state_id)
	    REFERENCES ticket_states (id),
	CONSTRAINT tickets_customer_fk FOREIGN KEY (customer_id)
	    REFERENCES users (id),
	CONSTRAINT tickets_organisation_fk FOREIGN KEY (organisation_id)
	    REFERENCES organisations (id),
	CONSTRAINT tickets_owner_fk FOREIGN KEY (owner_id) REFERENCES users (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- The exchanges. The first article of a ticket is the initial message.
-- internal = 1 is an agents' note, never sent to référents.
CREATE TABLE IF NOT EXISTS articles (
	id		BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
	ticket_id	BIGINT UNSIGNED NOT NULL,
	sender		ENUM('referent', 'agent', 'system') NOT NULL,
	author_id	INT UNSIGNED NOT NULL,
	internal	TINYINT(1) NOT NULL DEFAULT 0,
	-- as in Znuny: the subject of the message (the ticket's title for
	-- the initial one, kept equal to it; the mail's subject for imported
	-- mails). The full-text search reads subject and body together, so
	-- that it finds a ticket by its title and words split between the
	-- title and the first message.
	subject		VARCHAR(255) NULL,
	-- plain text, at most [tickets] max_article_size bytes (checked by the daemon)
	body		LONGTEXT NOT NULL,
	created		DATETIME NOT NULL,
	PRIMARY KEY (id),
	KEY articles_ticket (ticket_id, created, id),
	FULLTEXT KEY articles_text_ft (subject, body),
	CONSTRAINT articles_ticket_fk FOREIGN KEY (ticket_id) REFERENCES tickets (id),
	CONSTRAINT articles_author_fk FOREIGN KEY (author_id) REFERENCES users (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Files on articles. The name is cleaned metadata; the content type is
-- decided by the server from the bytes (never the client's word).
CREATE TABLE IF NOT EXISTS attachments (
	id		BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
	article_id	BIGINT UNSIGNED NOT NULL,
	-- the article's ticket, so that lookups check both together
	ticket_id	BIGINT UNSIGNED NOT NULL,
	filename	VARCHAR(255) NOT NULL,
	content_type	VARCHAR(100) CHARACTER SET ascii NOT NULL,
	size		INT UNSIGNED NOT NULL,
	sha256		CHAR(64) CHARACTER SET ascii NOT NULL,
	-- at most [tickets] max_attachment_size bytes
	content		LONGBLOB NOT NULL,
	created		DATETIME NOT NULL,
	PRIMARY KEY (id),
	KEY attachments_article (article_id),
	KEY attachments_ticket (ticket_id),
	CONSTRAINT attachments_article_fk FOREIGN KEY (article_id)
	    REFERENCES articles (id),
	CONSTRAINT attachments_ticket_fk FOREIGN KEY (ticket_id)
	    REFERENCES tickets (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Files uploaded but not yet named in a ticket or article. The id is 128
-- random bits; only the uploader can use it, until it expires
-- ([tickets] upload_ttl; the maintenance tick deletes expired rows).
CREATE TABLE IF NOT EXISTS uploads (
	id		CHAR(32) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
	user_id		INT UNSIGNED NOT NULL,
	filename	VARCHAR(255) NOT NULL,
	content_type	VARCHAR(100) CHARACTER SET ascii NOT NULL,
	size		INT UNSIGNED NOT NULL,
	sha256		CHAR(64) CHARACTER SET ascii NOT NULL,
	content		LONGBLOB NOT NULL,
	created		DATETIME NOT NULL,
	expires		DATETIME NOT NULL,
	PRIMARY KEY (id),
	KEY uploads_user (user_id),
	KEY uploads_expires (expires),
	CONSTRAINT uploads_user_fk FOREIGN KEY (user_id) REFERENCES users (id)
	    ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Every change of a ticket, written in the transaction of the change.
-- type: created, state, priority, queue, owner, title, article,
-- attachment, merge. internal = 1 for rows about an internal note, which
-- référents never see.
CREATE TABLE IF NOT EXISTS ticket_history (
	id		BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
	ticket_id	BIGINT UNSIGNED NOT NULL,
	type		VARCHAR(20) CHARACTER SET ascii NOT NULL,
	actor_id	INT UNSIGNED NOT NULL,
	article_id	BIGINT UNSIGNED NULL,
	internal	TINYINT(1) NOT NULL DEFAULT 0,
	old_value	VARCHAR(255) NULL,
	new_value	VARCHAR(255) NULL,
	created		DATETIME NOT NULL,
	PRIMARY KEY (id),
	KEY ticket_history_ticket (ticket_id, id),
	CONSTRAINT ticket_history_ticket_fk FOREIGN KEY (ticket_id)
	    REFERENCES tickets (id),
	CONSTRAINT ticket_history_actor_fk FOREIGN KEY (actor_id)
	    REFERENCES users (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Idempotency-Key of retried POSTs (draft-ietf-httpapi-idempotency-key-
-- header): inserted in the transaction that creates the ticket or
-- article, so a retry finds either nothing (the first attempt left no
-- trace) or the finished result. request_hash is SHA-256 of the method,
-- path and canonical body. Kept [tickets] idempotency_ttl seconds.
CREATE TABLE IF NOT EXISTS idempotency_keys (
	id		BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
	user_id		INT UNSIGNED NOT NULL,
	idem_key	VARCHAR(128) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
	request_hash	BINARY(32) NOT NULL,
	response_code	SMALLINT UNSIGNED NULL,
	ticket_id	BIGINT UNSIGNED NULL,
	article_id	BIGINT UNSIGNED NULL,
	created		DATETIME NOT NULL,
	PRIMARY KEY (id),
	UNIQUE KEY idempotency_keys_user_key (user_id, idem_key),
	KEY idempotency_keys_created (created),
	CONSTRAINT idempotency_keys_user_fk FOREIGN KEY (user_id)
	    REFERENCES users (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- The per-day counter of ticket numbers (day = YYYYMMDD in UTC). Updated
-- in the creating transaction: the row lock serialises creations, and a
-- rollback gives the number back, so numbers never collide and never skip.
CREATE TABLE IF NOT EXISTS ticket_counters (
	day		CHAR(8) CHARACTER SET ascii NOT NULL,
	counter		INT UNSIGNED NOT NULL,
	PRIMARY KEY (day)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Mails brought in by "gid-helpdesk import": SHA-256 of the Message-ID
-- (or of the whole message when it has none), written in the transaction
-- that creates the ticket or article, so a second run skips them.
CREATE TABLE IF NOT EXISTS imported_messages (
	message_hash	CHAR(64) CHARACTER SET ascii NOT NULL,
	ticket_id	BIGINT UNSIGNED NOT NULL,
	article_id	BIGINT UNSIGNED NOT NULL,
	imported	DATETIME NOT NULL,
	PRIMARY KEY (message_hash),
	KEY imported_messages_ticket (ticket_id),
	CONSTRAINT imported_messages_ticket_fk FOREIGN KEY (ticket_id)
	    REFERENCES tickets (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
