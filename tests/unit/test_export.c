// SPDX-License-Identifier: GPL-2.0
#include <dirent.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>
#include <jansson.h>

#include "core/outputs/export.h"
#include "core/nft/nft_verdict.h"
#include "core/outputs/replay.h"
#include "core/outputs/stream.h"
#include "core/view/viewmodel.h"
#include "fixture_store.h"

struct world {
	struct config cfg;
	struct names *n;
	struct store *s;
	char dir[64];
	char path[128];
};

static const struct export_meta meta = {
	.kernel = "6.18.0-test",
	.backend = "tracepoint",
	.created = "2026-11-25T17:00:00Z",
};

/*
 * A session with a delivered IPv4 packet, an IPv6 drop, an nft verdict, a clone, one in flight,
 * an ARP request.
 */
static struct world *world_new(void)
{
	struct world *w = calloc(1, sizeof(*w));
	struct skbtop_event e;
	struct skbtop_nft_event x;

	assert_non_null(w);
	fx_config(&w->cfg);
	w->n = names__new();
	fx_names_offline(w->n);
	names__add_rule_text(w->n, 4026531840u, 1, "filter", 9, "udp dport 9999 drop");
	w->s = store__new(16, 64, &w->cfg, w->n);

	e = fx_ev(SKBTOP_EV_FUNC, 0x100, P_NETIF_CORE, 1000);
	ADD(w->s, e);
	/* DNAT'd on the way: the session keeps both tuples. */
	e = fx_ev(SKBTOP_EV_FUNC, 0x100, P_UDP_RCV, 1300);
	e.tuple.dport = 5300;
	ADD(w->s, e);
	e = fx_ev(SKBTOP_EV_FUNC, 0x100, P_SOCK_QUEUE, 1400);
	e.tuple.dport = 5300;
	ADD(w->s, e);
	e = fx_ev(SKBTOP_EV_CONSUME, 0x100, TP(CONSUME_SKB), 2000);
	e.tuple.dport = 5300;
	ADD(w->s, e);

	e = fx_ev(SKBTOP_EV_FUNC, 0x200, P_IPV6_RCV, 5000);
	fx_v6(&e);
	ADD(w->s, e);
	x = fx_nft(SKBTOP_EV_NFT_RULE, 0x200, 5100, 9, 0);
	fx_v6(&x.ev);
	ADD(w->s, x);
	x = fx_nft(SKBTOP_EV_NFT_CHAIN, 0x200, 5200, 0, 0x10002);
	x.ev.hdr.flags = SKBTOP_F_EXIT;
	fx_v6(&x.ev);
	ADD(w->s, x);
	e = fx_ev(SKBTOP_EV_DROP, 0x200, TP(KFREE_SKB), 5300);
	fx_v6(&e);
	e.reason = 2;
	e.aux = 0xffffffff81000010ull;
	ADD(w->s, e);

	e = fx_ev(SKBTOP_EV_CLONE, 0x300, P_IP_RCV, 7000);
	e.aux = 0x400;
	e.ifindex = 0;
	ADD(w->s, e);
	e = fx_ev(SKBTOP_EV_FUNC, 0x400, 1234, 7100); /* a probe id nobody named */
	ADD(w->s, e);

	/* Sent on by a flowtable's hook (probe P_COUNT): the session keeps where. */
	names__add_probe(w->n, P_COUNT, "nf_flow_offload_inet_hook", NULL, L_FLOWTABLE,
			 PRIO_CRITICAL);
	e = fx_ev(SKBTOP_EV_FUNC, 0x600, P_COUNT, 7500);
	ADD(w->s, e);
	e = fx_ev(SKBTOP_EV_FUNC, 0x600, P_DEV_QUEUE_XMIT, 7600);
	ADD(w->s, e);

	/* ARP: not IP, its sender and target protocol addresses in the tuple's IPv4 fields. */
	e = fx_ev(SKBTOP_EV_FUNC, 0x500, P_NETIF_CORE, 8000);
	e.l3proto = 0x0806;
	e.tuple.family = 0;
	e.tuple.l4proto = 0;
	e.tuple.sport = e.tuple.dport = 0;
	ADD(w->s, e);

	strcpy(w->dir, "/tmp/skbtop-export-XXXXXX");
	assert_non_null(mkdtemp(w->dir));
	snprintf(w->path, sizeof(w->path), "%s/session.json", w->dir);
	return w;
}

static void world_free(struct world *w)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf %s", w->dir);
	assert_int_equal(system(cmd), 0);
	store__free(w->s);
	names__free(w->n);
	free(w);
}

static int layer_by_name(const struct config *c, const char *name)
{
	int l;

	for (l = 0; l < c->n_layers; l++)
		if (!strcmp(c->layers[l].name, name))
			return l;
	return -1;
}

/* Everything a view shows of two journeys is the same, names compared through each side. */
static void assert_same_journey(const struct journey *a, struct names *na, const struct config *ca,
				const struct journey *b, struct names *nb, const struct config *cb)
{
	uint32_t i;
	int l;

	assert_int_equal(a->id, b->id);
	assert_int_equal(a->parent_id, b->parent_id);
	assert_memory_equal(&a->tuple, &b->tuple, sizeof(a->tuple));
	assert_int_equal(a->translated, b->translated);
	assert_memory_equal(&a->cur_tuple, &b->cur_tuple, sizeof(a->cur_tuple));
	assert_int_equal(a->nat_ns, b->nat_ns);
	assert_int_equal(a->flowtable, b->flowtable);
	assert_int_equal(a->flow_ns, b->flow_ns);
	assert_int_equal(a->l3proto, b->l3proto);
	assert_int_equal(a->fate, b->fate);
	assert_int_equal(a->ended, b->ended);
	assert_int_equal(a->first_ns, b->first_ns);
	assert_int_equal(a->last_ns, b->last_ns);
	assert_int_equal(a->netns, b->netns);
	assert_int_equal(a->mark, b->mark);
	assert_int_equal(a->len, b->len);
	assert_int_equal(a->pid, b->pid);
	assert_string_equal(names__ifname(na, a->netns, a->ifindex),
			    names__ifname(nb, b->netns, b->ifindex));
	assert_int_equal(a->has_nft, b->has_nft);
	if (a->has_nft)
		assert_int_equal(a->nft_verdict, b->nft_verdict);
	if (a->fate == FATE_DROPPED) {
		char sa[128], sb[128];

		assert_string_equal(names__drop_reason(na, a->drop_reason),
				    names__drop_reason(nb, b->drop_reason));
		assert_string_equal(names__sym(na, a->drop_location, sa, sizeof(sa)),
				    names__sym(nb, b->drop_location, sb, sizeof(sb)));
	}
	for (l = 0; l < ca->n_layers; l++) {
		int lb = layer_by_name(cb, ca->layers[l].name);

		assert_true(lb >= 0);
		assert_int_equal(a->layer_ns[l], b->layer_ns[lb]);
		assert_int_equal(a->layer_events[l], b->layer_events[lb]);
	}
	assert_int_equal(a->n_events, b->n_events);
	assert_int_equal(a->n_nft, b->n_nft);
	for (i = 0; i < a->n_events; i++) {
		const struct jevent *x = &a->events[i], *y = &b->events[i];

		assert_int_equal(x->ts_ns, y->ts_ns);
		assert_int_equal(x->type, y->type);
		assert_int_equal(x->cpu, y->cpu);
		assert_int_equal(x->len, y->len);
		assert_int_equal(x->flags, y->flags);
		assert_string_equal(names__probe(na, x->func_id)->name,
				    names__probe(nb, y->func_id)->name);
		assert_string_equal(ca->layers[x->layer].name, cb->layers[y->layer].name);
		assert_string_equal(names__ifname(na, x->netns, x->ifindex),
				    names__ifname(nb, y->netns, y->ifindex));
		assert_int_equal(x->nft, y->nft);
		if (x->type == SKBTOP_EV_DROP)
			assert_string_equal(names__drop_reason(na, x->reason),
					    names__drop_reason(nb, y->reason));
		if (x->nft >= 0) {
			const struct jnft *p = &a->nft[x->nft], *q = &b->nft[y->nft];
			const char *ra =
				names__rule_text(na, x->netns, p->family, p->table, p->rule_handle);
			const char *rb =
				names__rule_text(nb, y->netns, q->family, q->table, q->rule_handle);

			assert_string_equal(p->table, q->table);
			assert_string_equal(p->chain, q->chain);
			assert_int_equal(p->rule_handle, q->rule_handle);
			assert_int_equal(p->chain_handle, q->chain_handle);
			assert_int_equal(p->verdict, q->verdict);
			assert_int_equal(p->family, q->family);
			assert_int_equal(p->hook, q->hook);
			assert_int_equal(p->priority, q->priority);
			if (ra)
				assert_string_equal(ra, rb);
			else
				assert_null(rb);
		}
	}
}

static void test_session_round_trip(void **state)
{
	struct world *w = world_new();
	struct names *n2 = names__new();
	struct session_info info;
	struct config cfg2;
	struct store *s2;
	struct stat st;
	size_t i;

	(void)state;
	store__stats_mut(w->s)->lost_kernel = 11;
	assert_true(store__by_id(w->s, 1)->translated);
	assert_int_equal(store__by_id(w->s, 1)->cur_tuple.dport, 5300);
	assert_true(store__by_id(w->s, 5)->flowtable);
	assert_int_equal(export__session(w->path, w->s, w->n, &w->cfg, &meta), 0);
	assert_int_equal(stat(w->path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	{
		json_t *root = json_load_file(w->path, 0, NULL), *fns;

		assert_non_null(root);
		assert_string_equal(json_string_value(json_object_get(root, "format")),
				    "skbtop-session");
		fns = json_object_get(json_array_get(json_object_get(root, "packets"), 1),
				      "functions");
		assert_int_equal(json_array_size(fns), 3);
		assert_string_equal(json_string_value(json_array_get(fns, 0)), "ipv6_rcv");
		assert_string_equal(json_string_value(json_array_get(fns, 1)), "nft_do_chain");
		assert_string_equal(json_string_value(json_array_get(fns, 2)), "skb:kfree_skb");
		json_decref(root);
	}

	/* The replaying side orders its layers differently: names, not indices, carry over. */
	fx_config(&cfg2);
	cfg2.layers[L_DEVICE].name = (char *)"IPv4";
	cfg2.layers[L_IPV4].name = (char *)"Device";
	s2 = replay__load(w->path, &cfg2, n2, &info);
	assert_non_null(s2);
	assert_string_equal(info.kernel, "6.18.0-test");
	assert_string_equal(info.backend, "tracepoint");
	assert_string_equal(info.created, "2026-11-25T17:00:00Z");
	assert_int_equal(info.version, 1);
	assert_int_equal(info.packets, store__len(w->s));
	assert_int_equal(store__len(s2), store__len(w->s));
	for (i = 0; i < store__len(w->s); i++)
		assert_same_journey(store__at(w->s, i), w->n, &w->cfg, store__at(s2, i), n2, &cfg2);
	assert_int_equal(store__stats(s2)->lost_kernel, 11);
	assert_int_equal(store__stats(s2)->events, store__stats(w->s)->events);
	assert_int_equal(store__stats(s2)->by_fate[FATE_DROPPED], 1);
	assert_int_equal(store__by_id(s2, 4)->parent_id, 3);
	assert_string_equal(names__probe(n2, store__by_id(s2, 4)->events[1].func_id)->name,
			    "fn#1234");
	session_info__free(&info);
	store__free(s2);
	names__free(n2);
	world_free(w);
}

static void test_packet_file_round_trip(void **state)
{
	struct world *w = world_new();
	struct names *n2 = names__new();
	const struct journey *j = store__by_id(w->s, 2);
	struct store *s2;

	(void)state;
	assert_int_equal(export__journey(w->path, w->s, j, w->n, &w->cfg, &meta), 0);
	s2 = replay__load(w->path, &w->cfg, n2, NULL);
	assert_non_null(s2);
	assert_int_equal(store__len(s2), 1);
	assert_same_journey(j, w->n, &w->cfg, store__at(s2, 0), n2, &w->cfg);
	assert_int_equal(store__stats(s2)->packets, 1);
	assert_int_equal(store__stats(s2)->by_fate[FATE_DROPPED], 1);
	store__free(s2);
	names__free(n2);
	world_free(w);
}

static void write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static void test_replay_refuses_other_files(void **state)
{
	struct world *w = world_new();
	struct names *n2 = names__new();

	(void)state;
	write_file(w->path, "{\"format\":\"pcap\",\"version\":1,\"packets\":[]}");
	assert_null(replay__load(w->path, &w->cfg, n2, NULL));
	write_file(w->path, "{\"format\":\"skbtop-session\",\"version\":2,\"packets\":[]}");
	assert_null(replay__load(w->path, &w->cfg, n2, NULL));
	write_file(w->path, "{\"format\":\"skbtop-session\",\"version\":1,\"packets\":[");
	assert_null(replay__load(w->path, &w->cfg, n2, NULL));
	write_file(w->path, "{\"format\":\"skbtop-session\",\"version\":1,\"packets\":"
			    "[{\"id\":1,\"fate\":\"vanished\"}]}");
	assert_null(replay__load(w->path, &w->cfg, n2, NULL));
	write_file(w->path, "{\"format\":\"skbtop-session\",\"version\":1,\"packets\":"
			    "[{\"id\":1,\"events\":[{\"type\":\"teleport\",\"func\":\"x\"}]}]}");
	assert_null(replay__load(w->path, &w->cfg, n2, NULL));
	write_file(w->path, "{\"format\":\"skbtop-session\",\"version\":1,\"packets\":"
			    "[{\"id\":1,\"tuple\":{\"family\":\"IPv4\",\"proto\":\"udp\","
			    "\"src\":\"fd77::1\",\"dst\":\"10.0.0.1\"}}]}");
	assert_null(replay__load(w->path, &w->cfg, n2, NULL));
	write_file(w->path, "{\"format\":\"skbtop-session\",\"version\":1,\"packets\":"
			    "[{\"id\":4},{\"id\":4}]}");
	assert_null(replay__load(w->path, &w->cfg, n2, NULL));
	assert_null(replay__load("/nonexistent/session.json", &w->cfg, n2, NULL));
	/* Hand-written, out of order, unknown layer: loads, sorted, into the unknown layer. */
	write_file(w->path, "{\"format\":\"skbtop-session\",\"version\":1,\"packets\":["
			    "{\"id\":7,\"fate\":\"sent\",\"events\":[{\"type\":\"func\","
			    "\"func\":\"ip_output\",\"layer\":\"Martian\"}]},"
			    "{\"id\":3,\"fate\":\"delivered\"}]}");
	{
		struct store *s2 = replay__load(w->path, &w->cfg, n2, NULL);

		assert_non_null(s2);
		assert_int_equal(store__at(s2, 0)->id, 3);
		assert_int_equal(store__at(s2, 1)->id, 7);
		assert_int_equal(store__at(s2, 1)->events[0].layer, L_UNKNOWN);
		assert_int_equal(store__at(s2, 1)->layer_events[L_UNKNOWN], 1);
		store__free(s2);
	}
	names__free(n2);
	world_free(w);
}

/* No raw control byte anywhere in f's text; returns it (to free). */
static char *assert_printable_output(void (*write)(FILE *, void *), void *arg)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	assert_non_null(f);
	write(f, arg);
	fclose(f);
	for (size_t i = 0; i < len; i++)
		if (buf[i] != '\n')
			assert_false((unsigned char)buf[i] < 0x20 || buf[i] == 0x7f);
	return buf;
}

struct evil_world {
	struct store *s;
	struct names *n;
	struct config *cfg;
};

static void evil_saved_text(FILE *f, void *arg)
{
	struct evil_world *e = arg;

	assert_int_equal(vm__write_text(f, store__at(e->s, 0), e->n, e->cfg, 0), 0);
}

/* Whoever hands over a session file controls every name in it: they are shown escaped. */
static void test_replayed_names_are_shown_escaped(void **state)
{
	struct world *w = world_new();
	struct evil_world e = { NULL, names__new(), &w->cfg };
	char *out;

	(void)state;
	write_file(w->path,
		   "{\"format\":\"skbtop-session\",\"version\":1,\"packets\":[{\"id\":1,"
		   "\"tuple\":{\"family\":\"IPv4\",\"proto\":\"udp\",\"src\":\"10.0.0.1\","
		   "\"sport\":1,\"dst\":\"10.0.0.2\",\"dport\":2},\"ifname\":\"eth\\u001b[2J\","
		   "\"ifindex\":2,\"netns\":7,\"fate\":\"dropped\",\"ended\":true,\"events\":["
		   "{\"t_ns\":0,\"type\":\"func\",\"func\":\"ip_rcv\\u001b]0;title\\u0007\","
		   "\"layer\":\"IPv4\",\"ifname\":\"eth\\u001b[2J\",\"ifindex\":2,\"netns\":7},"
		   "{\"t_ns\":5,\"type\":\"nft_rule\",\"func\":\"nft_do_chain\",\"layer\":\"NFT\","
		   "\"netns\":7,\"nft\":{\"family\":\"inet\",\"table\":\"t\\u001b[5m\","
		   "\"chain\":\"c\\u009b31m\",\"hook\":\"input\",\"handle\":4,\"verdict\":\"drop\","
		   "\"verdict_code\":0,\"rule\":\"drop comment \\\"\\u001b[31m\\u007f\\\"\"}},"
		   "{\"t_ns\":9,\"type\":\"drop\",\"func\":\"skb:kfree_skb\",\"layer\":\"Skb\","
		   "\"netns\":7,\"reason\":\"NO\\u0007SOCKET\",\"reason_code\":2,"
		   "\"location\":\"udp\\u001b[1m+0x10\"}]}]}");
	e.s = replay__load(w->path, &w->cfg, e.n, NULL);
	assert_non_null(e.s);
	out = assert_printable_output(evil_saved_text, &e);
	assert_non_null(strstr(out, "ip_rcv\\x1b]0;title\\x07"));
	assert_non_null(strstr(out, "eth\\x1b[2J"));
	assert_non_null(strstr(out, "drop comment \"\\x1b[31m\\x7f\""));
	assert_non_null(strstr(out, "NO\\x07SOCKET at udp\\x1b[1m+0x10"));
	free(out);
	store__free(e.s);
	names__free(e.n);
	world_free(w);
}

/* A file written by version 1 of the format stays readable, whatever the exporter does now. */
/* A file over the limit is refused by its size, before a byte of it is parsed. */
static void test_replay_refuses_a_file_over_the_size_limit(void **state)
{
	struct world *w = world_new();
	struct names *n2 = names__new();
	char err_path[] = "/tmp/skbtop-export-err-XXXXXX", msg[512] = "";
	int err_fd = mkstemp(err_path), saved = dup(2);
	struct store *s2;
	FILE *f;

	(void)state;
	assert_true(err_fd >= 0 && saved >= 0);
	write_file(w->path, "{\"format\":\"skbtop-session\",\"version\":1,\"packets\":[]}");
	s2 = replay__load(w->path, &w->cfg, n2, NULL);
	assert_non_null(s2);
	store__free(s2);
	/* Sparse: the size is there, the disk is not used. */
	assert_int_equal(truncate(w->path, (off_t)REPLAY_MAX_BYTES + 1), 0);
	fflush(stderr);
	dup2(err_fd, 2);
	s2 = replay__load(w->path, &w->cfg, n2, NULL);
	fflush(stderr);
	dup2(saved, 2);
	close(saved);
	assert_null(s2);
	f = fdopen(err_fd, "r");
	rewind(f);
	assert_non_null(fgets(msg, sizeof(msg), f));
	fclose(f);
	unlink(err_path);
	assert_non_null(
		strstr(msg, ": 268435457 bytes, more than the 256 MiB a saved session may have"));
	names__free(n2);
	world_free(w);
}

static void test_reads_saved_version_1(void **state)
{
	struct names *n = names__new();
	struct session_info info;
	const struct journey *j;
	struct config cfg;
	struct store *s;
	char sym[64], src[64], dst[64];

	(void)state;
	fx_config(&cfg);
	s = replay__load("tests/unit/data/session_v1.json", &cfg, n, &info);
	assert_non_null(s);
	assert_string_equal(info.kernel, "6.18.0-golden");
	assert_int_equal(store__len(s), 4);
	assert_int_equal(store__stats(s)->lost_kernel, 3);

	j = store__by_id(s, 1);
	assert_int_equal(j->fate, FATE_DELIVERED);
	assert_int_equal(j->layer_ns[L_DEVICE], 300);
	assert_int_equal(j->layer_ns[L_UDP], 100);
	assert_int_equal(j->layer_ns[L_SOCKET], 600);
	assert_string_equal(names__ifname(n, j->netns, j->ifindex), "veth_b");

	j = store__by_id(s, 2);
	tuple__addrs(&j->tuple, src, dst, sizeof(src));
	assert_string_equal(src, "fd77::1");
	assert_string_equal(dst, "fd77::2");
	assert_int_equal(j->tuple.dport, 9999);
	assert_int_equal(j->fate, FATE_DROPPED);
	assert_string_equal(names__drop_reason(n, j->drop_reason), "NO_SOCKET");
	assert_string_equal(names__sym(n, j->drop_location, sym, sizeof(sym)),
			    "__udp6_lib_rcv+0xe1");
	assert_int_equal(j->n_nft, 2);
	assert_string_equal(j->nft[0].table, "filter");
	assert_int_equal(j->nft[0].rule_handle, 9);
	assert_string_equal(names__rule_text(n, j->events[1].netns, j->nft[0].family,
					     j->nft[0].table, j->nft[0].rule_handle),
			    "udp dport 9999 drop");
	assert_string_equal(nft_verdict__name(j->nft_verdict), "drop");
	assert_string_equal(names__probe(n, j->events[3].func_id)->name, "skb:kfree_skb");
	assert_int_equal(j->events[3].func_id, SKBTOP_TP_FLAG | SKBTOP_TP_KFREE_SKB);

	assert_int_equal(store__by_id(s, 4)->parent_id, 3);
	session_info__free(&info);
	store__free(s);
	names__free(n);
}

static int count_entries(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	int n = 0;

	assert_non_null(d);
	while ((de = readdir(d)))
		if (strcmp(de->d_name, ".") && strcmp(de->d_name, ".."))
			n++;
	closedir(d);
	return n;
}

static void test_failed_save_changes_nothing(void **state)
{
	struct world *w = world_new();
	char target[160], inside[200];
	struct stat st;

	(void)state;
	/* The target is a directory with a file in it: rename fails, the directory stays. */
	snprintf(target, sizeof(target), "%s/busy", w->dir);
	assert_int_equal(mkdir(target, 0700), 0);
	snprintf(inside, sizeof(inside), "%s/keep", target);
	write_file(inside, "old");
	assert_int_equal(export__session(target, w->s, w->n, &w->cfg, &meta), -1);
	assert_int_equal(stat(inside, &st), 0);
	assert_int_equal(st.st_size, 3);
	/* No temporary file is left behind. */
	assert_int_equal(count_entries(w->dir), 1);
	assert_int_equal(export__session("/nonexistent/dir/s.json", w->s, w->n, &w->cfg, &meta),
			 -1);
	/* An existing file is replaced whole. */
	write_file(w->path, "old");
	assert_int_equal(export__session(w->path, w->s, w->n, &w->cfg, NULL), 0);
	assert_int_equal(stat(w->path, &st), 0);
	assert_true(st.st_size > 100);
	assert_int_equal(count_entries(w->dir), 2);
	world_free(w);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_session_round_trip),
		cmocka_unit_test(test_packet_file_round_trip),
		cmocka_unit_test(test_replay_refuses_other_files),
		cmocka_unit_test(test_replayed_names_are_shown_escaped),
		cmocka_unit_test(test_replay_refuses_a_file_over_the_size_limit),
		cmocka_unit_test(test_reads_saved_version_1),
		cmocka_unit_test(test_failed_save_changes_nothing),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
