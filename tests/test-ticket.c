/*
 * Unit tests: ticket.c, the model: who sees what, who changes what, the
 * moves between states, the reopen rule, input validation and the search
 * terms.
 */
#include "helpdesk.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <cjson/cJSON.h>

#include "json.h"
#include "ticket-json.h"
#include "ticket-store.h"
#include "ticket.h"
#include "user.h"

/* Référent A (user 1, office 10), B (user 2, office 10), C (user 3, office 20). */
static struct ticket_actor
actor(int64_t id, int64_t org, unsigned roles, bool orgvis)
{
	struct ticket_actor	a;

	memset(&a, 0, sizeof(a));
	a.user_id = id;
	a.organisation_id = org;
	a.roles = roles;
	a.organisation_visibility = orgvis;
	return (a);
}

static const struct ticket_state *
st(int id)
{
	return (ticket_state_by_id(id));
}

static void
test_states_and_priorities(void **state HD_UNUSED)
{
	assert_string_equal(st(STATE_PENDING)->name, "pending reminder");
	assert_int_equal(ticket_state_by_name("closed unsuccessful")->type,
	    TST_CLOSED);
	assert_null(ticket_state_by_name("Closed successful"));
	assert_null(ticket_state_by_name("closed"));
	assert_null(ticket_state_by_id(0));
	assert_null(ticket_state_by_id(7));
	assert_string_equal(ticket_state_type_name(TST_PENDING), "pending");
	assert_true(ticket_state_is_final(st(STATE_MERGED)));
	assert_true(ticket_state_is_final(st(STATE_CLOSED_KO)));
	assert_false(ticket_state_is_final(st(STATE_PENDING)));
	assert_string_equal(ticket_priority_name(1), "very low");
	assert_string_equal(ticket_priority_name(3), "normal");
	assert_string_equal(ticket_priority_name(5), "very high");
	assert_null(ticket_priority_name(0));
	assert_null(ticket_priority_name(6));
}

/* The whole visibility matrix of the issue. */
static void
test_visibility_matrix(void **state HD_UNUSED)
{
	struct ticket_actor	a = actor(1, 10, ROLE_REFERENT, false);
	struct ticket_actor	a_org = actor(1, 10, ROLE_REFERENT, true);
	struct ticket_actor	agent = actor(50, 0, ROLE_AGENT, false);
	struct ticket_actor	admin = actor(60, 0, ROLE_ADMIN, false);
	struct ticket_actor	noorg = actor(4, 0, ROLE_REFERENT, true);

	/* Own ticket. */
	assert_true(ticket_actor_sees(&a, 1, 10));
	/* B's ticket in the same office: only with organisation visibility. */
	assert_false(ticket_actor_sees(&a, 2, 10));
	assert_true(ticket_actor_sees(&a_org, 2, 10));
	/* C's ticket in another office: never. */
	assert_false(ticket_actor_sees(&a, 3, 20));
	assert_false(ticket_actor_sees(&a_org, 3, 20));
	/* Own ticket filed from another office: still own. */
	assert_true(ticket_actor_sees(&a_org, 1, 20));
	/* Agents and admins: everything. */
	assert_true(ticket_actor_sees(&agent, 3, 20));
	assert_true(ticket_actor_sees(&admin, 2, 0));
	/* No office: organisation visibility gives nothing more. */
	assert_false(ticket_actor_sees(&noorg, 2, 0));
	assert_true(ticket_actor_is_agent(&admin));
	assert_false(ticket_actor_is_agent(&a_org));
	assert_int_equal(ticket_actor_sender(&a), SENDER_REFERENT);
	assert_int_equal(ticket_actor_sender(&agent), SENDER_AGENT);
}

static void
test_patch_fields(void **state HD_UNUSED)
{
	struct ticket_actor	 a = actor(1, 10, ROLE_REFERENT, false);
	struct ticket_actor	 agent = actor(50, 0, ROLE_AGENT, false);
	const char		*why;

	assert_int_equal(ticket_check_patch(&a, TICKET_SET_STATE, &why), HD_OK);
	assert_int_equal(ticket_check_patch(&a, TICKET_SET_OWNER, &why),
	    HD_FORBIDDEN);
	assert_non_null(why);
	assert_int_equal(ticket_check_patch(&a, TICKET_SET_QUEUE, &why),
	    HD_FORBIDDEN);
	assert_int_equal(ticket_check_patch(&a, TICKET_SET_PRIORITY, &why),
	    HD_FORBIDDEN);
	assert_int_equal(ticket_check_patch(&a, TICKET_SET_TITLE |
	    TICKET_SET_STATE, &why), HD_FORBIDDEN);
	assert_int_equal(ticket_check_patch(&agent, TICKET_SET_STATE |
	    TICKET_SET_OWNER | TICKET_SET_QUEUE | TICKET_SET_PRIORITY |
	    TICKET_SET_TITLE, &why), HD_OK);
}

static void
test_state_changes(void **state HD_UNUSED)
{
	struct ticket_actor	 a = actor(1, 10, ROLE_REFERENT, false);
	struct ticket_actor	 agent = actor(50, 0, ROLE_AGENT, false);
	const char		*why;
	int			 i;

	/* A référent closes ("problème résolu") from any open state. */
	for (i = STATE_NEW; i <= STATE_PENDING; i++)
		assert_int_equal(ticket_check_state_change(&a, st(i),
		    st(STATE_CLOSED_OK), &why), HD_OK);
	/* ... and reopens a closed ticket. */
	assert_int_equal(ticket_check_state_change(&a, st(STATE_CLOSED_OK),
	    st(STATE_OPEN), &why), HD_OK);
	assert_int_equal(ticket_check_state_change(&a, st(STATE_CLOSED_KO),
	    st(STATE_OPEN), &why), HD_OK);
	/* Nothing else. */
	assert_int_equal(ticket_check_state_change(&a, st(STATE_NEW),
	    st(STATE_PENDING), &why), HD_FORBIDDEN);
	assert_int_equal(ticket_check_state_change(&a, st(STATE_NEW),
	    st(STATE_CLOSED_KO), &why), HD_FORBIDDEN);
	assert_int_equal(ticket_check_state_change(&a, st(STATE_PENDING),
	    st(STATE_OPEN), &why), HD_FORBIDDEN);
	assert_int_equal(ticket_check_state_change(&a, st(STATE_CLOSED_OK),
	    st(STATE_NEW), &why), HD_FORBIDDEN);
	/* The same state is no change at all. */
	assert_int_equal(ticket_check_state_change(&a, st(STATE_PENDING),
	    st(STATE_PENDING), &why), HD_OK);
	/* Agents: any state but merged; a merged ticket is frozen. */
	for (i = STATE_NEW; i <= STATE_CLOSED_KO; i++)
		assert_int_equal(ticket_check_state_change(&agent,
		    st(STATE_CLOSED_OK), st(i), &why), HD_OK);
	assert_int_equal(ticket_check_state_change(&agent, st(STATE_OPEN),
	    st(STATE_MERGED), &why), HD_INVALID);
	assert_int_equal(ticket_check_state_change(&agent, st(STATE_MERGED),
	    st(STATE_OPEN), &why), HD_CONFLICT);
	assert_int_equal(ticket_check_state_change(&a, st(STATE_MERGED),
	    st(STATE_OPEN), &why), HD_CONFLICT);
}

/* The reopen rule and the first response. */
static void
test_after_article(void **state HD_UNUSED)
{
	struct ticket_actor	 a = actor(1, 10, ROLE_REFERENT, false);
	struct ticket_actor	 agent = actor(50, 0, ROLE_AGENT, false);
	const char		*why;

	assert_int_equal(ticket_state_after_article(&a, false,
	    st(STATE_CLOSED_OK))->id, STATE_OPEN);
	assert_int_equal(ticket_state_after_article(&a, false,
	    st(STATE_CLOSED_KO))->id, STATE_OPEN);
	assert_int_equal(ticket_state_after_article(&a, false,
	    st(STATE_PENDING))->id, STATE_OPEN);
	assert_null(ticket_state_after_article(&a, false, st(STATE_NEW)));
	assert_null(ticket_state_after_article(&a, false, st(STATE_OPEN)));
	assert_null(ticket_state_after_article(&a, false, st(STATE_MERGED)));
	/* An agent's reply opens a new ticket, never reopens a closed one. */
	assert_int_equal(ticket_state_after_article(&agent, false,
	    st(STATE_NEW))->id, STATE_OPEN);
	assert_null(ticket_state_after_article(&agent, false,
	    st(STATE_CLOSED_OK)));
	/* Internal notes change nothing. */
	assert_null(ticket_state_after_article(&agent, true, st(STATE_NEW)));
	assert_null(ticket_state_after_article(&agent, true,
	    st(STATE_CLOSED_OK)));
	assert_true(ticket_article_answers(&agent, false));
	assert_false(ticket_article_answers(&agent, true));
	assert_false(ticket_article_answers(&a, false));
	/* Internal notes are for agents; merged tickets take no article. */
	assert_int_equal(ticket_check_article(&a, true, st(STATE_OPEN), &why),
	    HD_FORBIDDEN);
	assert_int_equal(ticket_check_article(&a, false, st(STATE_CLOSED_OK),
	    &why), HD_OK);
	assert_int_equal(ticket_check_article(&agent, true, st(STATE_OPEN),
	    &why), HD_OK);
	assert_int_equal(ticket_check_article(&agent, false, st(STATE_MERGED),
	    &why), HD_CONFLICT);
}

static cJSON *
obj(const char *s)
{
	const char	*why;
	cJSON		*o = json_parse_object(s, strlen(s), &why);

	if (o == NULL)
		fail_msg("fixture does not parse: %s (%s)", s, why);
	return (o);
}

/* Parse a POST /tickets body; returns the result, HD_OK on success. */
static enum hd_result
parse_new(const char *s, struct ticket_new_input *in, size_t max)
{
	cJSON		*o = obj(s);
	enum hd_result	 res = HD_OK;
	char		 err[256];
	int		 rc;

	rc = ticket_parse_new(o, max, in, &res, err, sizeof(err));
	cJSON_Delete(o);
	if (rc == 0)
		return (HD_OK);
	assert_true(err[0] != '\0');
	return (res);
}

static void
test_parse_new(void **state HD_UNUSED)
{
	struct ticket_new_input	 in;
	char			 buf[2048], title[1024];
	int			 i;

	assert_int_equal(parse_new("{\"title\":\"Mandat bloqué\",\"queue\":"
	    "\"depense\",\"priority\":3,\"body\":\"Bonjour\",\"requester\":"
	    "\"SEGMA Rabat\",\"attachments\":[\"0123456789abcdef0123456789abcdef\"]}",
	    &in, 100), HD_OK);
	/* The strings were borrowed from a freed object: only check counts. */
	assert_int_equal(in.priority, 3);
	assert_int_equal(in.nuploads, 1);

	static const char *const bad[] = {
		"{\"title\":\"\",\"queue\":\"q\",\"priority\":3,\"body\":\"b\"}",
		"{\"title\":\"   \",\"queue\":\"q\",\"priority\":3,\"body\":\"b\"}",
		"{\"title\":\"a\\nb\",\"queue\":\"q\",\"priority\":3,\"body\":\"b\"}",
		"{\"title\":\"t\",\"queue\":\"q\",\"priority\":0,\"body\":\"b\"}",
		"{\"title\":\"t\",\"queue\":\"q\",\"priority\":9,\"body\":\"b\"}",
		"{\"title\":\"t\",\"queue\":\"q\",\"priority\":2.5,\"body\":\"b\"}",
		"{\"title\":\"t\",\"queue\":\"q\",\"priority\":\"3\",\"body\":\"b\"}",
		"{\"title\":\"t\",\"queue\":\"q\",\"priority\":3}",
		"{\"title\":\"t\",\"queue\":\"q\",\"priority\":3,\"body\":\"\"}",
		"{\"title\":\"t\",\"queue\":\"q\",\"priority\":3,\"body\":\" \\n \"}",
		"{\"title\":\"t\",\"queue\":\"q\",\"priority\":3,\"body\":5}",
		"{\"title\":\"t\",\"priority\":3,\"body\":\"b\"}",
		"{\"title\":\"t\",\"queue\":\"q\",\"priority\":3,\"body\":\"b\","
		    "\"state\":\"open\"}",
		"{\"title\":\"t\",\"queue\":\"q\",\"priority\":3,\"body\":\"b\","
		    "\"Title\":\"x\"}",
		"{\"title\":\"t\",\"queue\":\"q\",\"priority\":3,\"body\":\"b\","
		    "\"attachments\":\"abc\"}",
		"{\"title\":\"t\",\"queue\":\"q\",\"priority\":3,\"body\":\"b\","
		    "\"attachments\":[\"../../etc/passwd\"]}",
		"{\"title\":\"t\",\"queue\":\"q\",\"priority\":3,\"body\":\"b\","
		    "\"attachments\":[\"0123456789abcdef0123456789abcdef\","
		    "\"0123456789abcdef0123456789abcdef\"]}",
		"{\"title\":\"t\",\"queue\":\"q\",\"priority\":3,\"body\":\"b\","
		    "\"requester\":\"a\\tb\"}",
	};
	for (i = 0; i < (int)HD_NELEM(bad); i++) {
		if (parse_new(bad[i], &in, 100) != HD_INVALID)
			fail_msg("accepted or wrong status: %s", bad[i]);
	}
	/* 200 code points of four bytes each are fine; 201 are not. */
	for (i = 0, title[0] = '\0'; i < 200; i++)
		strcat(title, "\xf0\x9f\x98\x80");
	snprintf(buf, sizeof(buf), "{\"title\":\"%s\",\"queue\":\"q\","
	    "\"priority\":1,\"body\":\"b\"}", title);
	assert_int_equal(parse_new(buf, &in, 100), HD_OK);
	strcat(title, "a");
	snprintf(buf, sizeof(buf), "{\"title\":\"%s\",\"queue\":\"q\","
	    "\"priority\":1,\"body\":\"b\"}", title);
	assert_int_equal(parse_new(buf, &in, 100), HD_INVALID);
	/* A body over the limit (bytes) is 413. */
	assert_int_equal(parse_new("{\"title\":\"t\",\"queue\":\"q\","
	    "\"priority\":1,\"body\":\"\xc3\xa9\xc3\xa9\xc3\xa9\"}", &in, 6),
	    HD_OK);
	assert_int_equal(parse_new("{\"title\":\"t\",\"queue\":\"q\","
	    "\"priority\":1,\"body\":\"\xc3\xa9\xc3\xa9\xc3\xa9\"}", &in, 5),
	    HD_TOOLARGE);
	/* An empty requester is no requester. */
	assert_int_equal(parse_new("{\"title\":\"t\",\"queue\":\"q\","
	    "\"priority\":1,\"body\":\"b\",\"requester\":\"\"}", &in, 100), HD_OK);
	assert_null(in.requester);
}

static void
test_parse_article_and_patch(void **state HD_UNUSED)
{
	struct article_input		 ai;
	struct ticket_patch_input	 pi;
	enum hd_result			 res;
	char				 err[256];
	cJSON				*o;

	o = obj("{\"body\":\"Merci\",\"internal\":true}");
	assert_int_equal(ticket_parse_article(o, 100, &ai, &res, err,
	    sizeof(err)), 0);
	assert_true(ai.internal && ai.internal_given);
	cJSON_Delete(o);
	o = obj("{\"body\":\"Merci\",\"internal\":1}");
	assert_int_equal(ticket_parse_article(o, 100, &ai, &res, err,
	    sizeof(err)), -1);
	cJSON_Delete(o);
	o = obj("{\"body\":\"Merci\",\"sender\":\"agent\"}");
	assert_int_equal(ticket_parse_article(o, 100, &ai, &res, err,
	    sizeof(err)), -1);
	cJSON_Delete(o);

	o = obj("{\"owner\":null,\"priority\":4}");
	assert_int_equal(ticket_parse_patch(o, &pi, &res, err, sizeof(err)), 0);
	assert_int_equal(pi.fields, TICKET_SET_OWNER | TICKET_SET_PRIORITY);
	assert_null(pi.owner);
	assert_int_equal(pi.priority, 4);
	cJSON_Delete(o);
	o = obj("{\"owner\":\"agent.hamdi\",\"state\":\"open\",\"title\":\"x\","
	    "\"queue\":\"credits\"}");
	assert_int_equal(ticket_parse_patch(o, &pi, &res, err, sizeof(err)), 0);
	assert_int_equal(pi.fields, TICKET_SET_OWNER | TICKET_SET_STATE |
	    TICKET_SET_TITLE | TICKET_SET_QUEUE);
	cJSON_Delete(o);
	/* Mass assignment and empty patches are refused. */
	static const char *const bad[] = {
		"{}", "{\"status\":\"closed\"}", "{\"customer_id\":2}",
		"{\"created\":\"2020-01-01T00:00:00Z\"}", "{\"version\":3}",
		"{\"owner\":5}", "{\"title\":\"\"}", "{\"priority\":6}",
		"{\"state\":true}",
	};
	for (size_t i = 0; i < HD_NELEM(bad); i++) {
		o = obj(bad[i]);
		if (ticket_parse_patch(o, &pi, &res, err, sizeof(err)) != -1 ||
		    res != HD_INVALID)
			fail_msg("accepted: %s", bad[i]);
		cJSON_Delete(o);
	}
}

static void
test_small_checks(void **state HD_UNUSED)
{
	int64_t	v = 0;

	assert_true(ticket_text_is_line("Mandat n° 12 <script>'; DROP TABLE"));
	assert_false(ticket_text_is_line("a\rb"));
	assert_false(ticket_text_is_line("a\xc2\x85" "b"));	/* NEL */
	assert_false(ticket_text_is_line("a\xe2\x80\xa8" "b"));	/* LS */
	assert_true(ticket_text_is_blank(" \t\n\xc2\xa0"));
	assert_false(ticket_text_is_blank(" x "));
	assert_true(ticket_upload_id_ok("0123456789abcdef0123456789abcdef"));
	assert_false(ticket_upload_id_ok("0123456789ABCDEF0123456789ABCDEF"));
	assert_false(ticket_upload_id_ok("0123456789abcdef"));
	assert_true(ticket_idempotency_key_ok("8e03978e-40d5-43e8-bc93-6894a57f9324"));
	assert_false(ticket_idempotency_key_ok(""));
	assert_false(ticket_idempotency_key_ok("a b"));
	assert_false(ticket_idempotency_key_ok("caf\xc3\xa9"));
	assert_true(ticket_queue_code_ok("depense"));
	assert_true(ticket_queue_code_ok("axe-8_b"));
	assert_false(ticket_queue_code_ok("Depense"));
	assert_false(ticket_queue_code_ok("8axe"));
	assert_false(ticket_queue_code_ok("a"));
	assert_false(ticket_queue_code_ok("dé"));
	assert_int_equal(ticket_parse_if_match("\"5\"", &v), 0);
	assert_int_equal(v, 5);
	assert_int_equal(ticket_parse_if_match("W/\"12\"", &v), 0);
	assert_int_equal(v, 12);
	assert_int_equal(ticket_parse_if_match("7", &v), 0);
	assert_int_equal(v, 7);
	assert_int_equal(ticket_parse_if_match("*", &v), 1);
	assert_int_equal(ticket_parse_if_match("\"a\"", &v), -1);
	assert_int_equal(ticket_parse_if_match("\"1\", \"2\"", &v), -1);
	assert_int_equal(ticket_parse_if_match("\"\"", &v), -1);
	assert_int_equal(ticket_parse_if_match("\"0\"", &v), -1);
}

static void
check_terms(const char *q, const char *want)
{
	char	*t = ticket_search_terms(q);

	if (want == NULL) {
		if (t != NULL)
			fail_msg("%s gave %s", q, t);
		return;
	}
	if (t == NULL || strcmp(t, want) != 0)
		fail_msg("%s gave %s, not %s", q, t != NULL ? t : "NULL", want);
	free(t);
}

static void
test_search_terms(void **state HD_UNUSED)
{
	check_terms("mandat bloqué", "+mandat* +bloqué*");
	/* Operators are never passed on; short and stop words are dropped. */
	check_terms("+mandat -visa \"engagement\" (x) ~y <z >w @2 de la",
	    "+mandat* +visa* +engagement*");
	check_terms("l’engagement n°12345", "+engagement* +12345*");
	check_terms("%", NULL);
	check_terms("'; DROP TABLE tickets; --", "+DROP* +TABLE* +tickets*");
	check_terms("the for with", NULL);
	check_terms("Bonjour, merci pour votre aide", "+aide*");
	check_terms("", NULL);
	check_terms("a1 b2 c3 d4 e56 f67 g78 h89 i90 j01 k12 l23",
	    "+e56* +f67* +g78* +h89* +i90* +j01* +k12* +l23*");
	check_terms("\xff\xfe", NULL);
}

/* The shapes of the contract: nulls where nothing is set, texts verbatim. */
static void
test_json_shapes(void **state HD_UNUSED)
{
	struct attachment_row	 at = { 7, 3, (char *)"a\"b.pdf",
	    (char *)"application/pdf", 12, "ab" };
	struct article_row	 ar;
	struct ticket_row	 t;
	cJSON			*o, *x;
	char			*s;

	memset(&ar, 0, sizeof(ar));
	ar.id = 3;
	ar.sender = SENDER_AGENT;
	ar.author_login = (char *)"agent.hamdi";
	ar.author_name = (char *)"Said Hamdi";
	ar.internal = true;
	ar.body = (char *)"<script>'; DROP TABLE t;--";
	snprintf(ar.created, sizeof(ar.created), "2026-12-04T16:12:35Z");
	ar.attachments = &at;
	ar.nattachments = 1;
	memset(&t, 0, sizeof(t));
	snprintf(t.tn, sizeof(t.tn), "2026120410000017");
	t.title = (char *)"Titre";
	t.queue_code = (char *)"depense";
	t.queue_name = (char *)"Gestion de la d\xc3\xa9pense";
	t.priority = 3;
	t.state = ticket_state_by_id(STATE_PENDING);
	t.customer_login = (char *)"a.benali";
	t.customer_name = (char *)"Amina Benali";
	snprintf(t.created, sizeof(t.created), "2026-12-04T16:12:35Z");
	snprintf(t.changed, sizeof(t.changed), "2026-12-04T16:12:35Z");
	t.version = 4;
	t.articles = &ar;
	t.narticles = 1;

	o = ticket_json(&t, true);
	s = cJSON_PrintUnformatted(o);
	assert_string_equal(s, "{\"number\":\"2026120410000017\",\"title\":\"Titre\","
	    "\"queue\":{\"code\":\"depense\",\"name\":\"Gestion de la d\xc3\xa9pense\"},"
	    "\"priority\":{\"id\":3,\"name\":\"normal\"},"
	    "\"state\":{\"name\":\"pending reminder\",\"type\":\"pending\"},"
	    "\"customer\":{\"login\":\"a.benali\",\"name\":\"Amina Benali\"},"
	    "\"organisation\":null,\"owner\":null,\"requester\":null,"
	    "\"created\":\"2026-12-04T16:12:35Z\",\"changed\":\"2026-12-04T16:12:35Z\","
	    "\"first_response\":null,\"closed\":null,\"version\":4,"
	    "\"articles\":[{\"id\":3,\"sender\":\"agent\",\"author\":{\"login\":"
	    "\"agent.hamdi\",\"name\":\"Said Hamdi\"},\"internal\":true,\"body\":"
	    "\"<script>'; DROP TABLE t;--\",\"created\":\"2026-12-04T16:12:35Z\","
	    "\"attachments\":[{\"id\":7,\"filename\":\"a\\\"b.pdf\",\"size\":12,"
	    "\"content_type\":\"application/pdf\",\"sha256\":\"ab\"}]}]}");
	cJSON_free(s);
	cJSON_Delete(o);
	/* An office, an owner and a requester; no articles in a list. */
	t.organisation_id = 9;
	t.organisation_name = (char *)"TP Rabat";
	t.owner_login = (char *)"agent.hamdi";
	t.owner_name = (char *)"Said Hamdi";
	t.requester = (char *)"SEGMA";
	o = ticket_json(&t, false);
	assert_null(cJSON_GetObjectItemCaseSensitive(o, "articles"));
	x = cJSON_GetObjectItemCaseSensitive(o, "organisation");
	assert_int_equal(cJSON_GetObjectItemCaseSensitive(x, "id")->valueint, 9);
	x = cJSON_GetObjectItemCaseSensitive(o, "owner");
	assert_string_equal(cJSON_GetObjectItemCaseSensitive(x, "login")->valuestring,
	    "agent.hamdi");
	assert_string_equal(cJSON_GetObjectItemCaseSensitive(o, "requester")->valuestring,
	    "SEGMA");
	cJSON_Delete(o);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_states_and_priorities),
		cmocka_unit_test(test_visibility_matrix),
		cmocka_unit_test(test_patch_fields),
		cmocka_unit_test(test_state_changes),
		cmocka_unit_test(test_after_article),
		cmocka_unit_test(test_parse_new),
		cmocka_unit_test(test_parse_article_and_patch),
		cmocka_unit_test(test_small_checks),
		cmocka_unit_test(test_search_terms),
		cmocka_unit_test(test_json_shapes),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
