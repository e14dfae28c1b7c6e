// SPDX-License-Identifier: GPL-2.0
#include <arpa/inet.h>
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>

#include <jansson.h>

#include "core/outputs/export.h"
#include "core/base/log.h"
#include "core/nft/nf_names.h"
#include "core/nft/nft_verdict.h"
#include "core/outputs/replay.h"
#include "core/outputs/stream.h"
#include "core/base/strmap.h"

struct loader {
	const char *path;
	const struct config *cfg;
	struct names *n;
	struct strmap funcs; /* "module\tname" or "\tname" -> the probe id given to it */
	uint32_t next_id;
	struct strmap locs; /* drop locations; the i-th one seen gets the made-up address i */
	uint64_t packet;    /* id of the packet being read, for messages */
};

static void bad(const struct loader *ld, const char *what)
{
	if (ld->packet)
		p_err("%s: packet %" PRIu64 ": %s", ld->path, ld->packet, what);
	else
		p_err("%s: %s", ld->path, what);
}

/* An unsigned integer member; def when absent; -1 (and a message) when of the wrong kind. */
static int get_u64(const struct loader *ld, json_t *o, const char *key, uint64_t def, uint64_t *out)
{
	json_t *v = json_object_get(o, key);
	char msg[128];

	if (!v || json_is_null(v)) {
		*out = def;
		return 0;
	}
	if (!json_is_integer(v) || json_integer_value(v) < 0) {
		snprintf(msg, sizeof(msg), "\"%s\" must be a non-negative integer", key);
		bad(ld, msg);
		return -1;
	}
	*out = (uint64_t)json_integer_value(v);
	return 0;
}

static int get_u32(const struct loader *ld, json_t *o, const char *key, uint32_t *out)
{
	uint64_t v;

	if (get_u64(ld, o, key, 0, &v))
		return -1;
	if (v > UINT32_MAX) {
		char msg[128];

		snprintf(msg, sizeof(msg), "\"%s\" is out of range", key);
		bad(ld, msg);
		return -1;
	}
	*out = (uint32_t)v;
	return 0;
}

/* A string member or NULL when absent; a member of another kind is an error (*err set). */
static const char *get_str(const struct loader *ld, json_t *o, const char *key, int *err)
{
	json_t *v = json_object_get(o, key);
	char msg[128];

	if (!v || json_is_null(v))
		return NULL;
	if (!json_is_string(v)) {
		snprintf(msg, sizeof(msg), "\"%s\" must be a string", key);
		bad(ld, msg);
		*err = -1;
		return NULL;
	}
	return json_string_value(v);
}

static int layer_index(const struct loader *ld, const char *name)
{
	int l;

	for (l = 0; name && l < ld->cfg->n_layers; l++)
		if (ld->cfg->layers[l].name && !strcmp(ld->cfg->layers[l].name, name))
			return l;
	return ld->cfg->unknown_layer >= 0 && ld->cfg->unknown_layer < MAX_LAYERS
		       ? ld->cfg->unknown_layer
		       : 0;
}

/* The probe id of a function name, added to names the first time. */
static int func_id(struct loader *ld, const char *name, const char *module, int layer, uint32_t *id)
{
	char key[512];
	uint64_t v;
	int tp;

	snprintf(key, sizeof(key), "%s\t%s", module ? module : "", name);
	if (!strmap__get(&ld->funcs, key, &v)) {
		*id = (uint32_t)v;
		return 0;
	}
	tp = module ? -1 : names__tp_by_name(name);
	*id = tp >= 0 ? SKBTOP_TP_FLAG | (uint32_t)tp : ld->next_id++;
	if (names__add_probe(ld->n, *id, name, module, layer, PRIO_UNKNOWN))
		return -1;
	return strmap__put(&ld->funcs, key, *id);
}

/* The saved text of a kernel location gets a made-up address that names resolves back. */
static uint64_t location(struct loader *ld, const char *text)
{
	uint64_t addr;

	if (!text)
		return 0;
	if (!strmap__get(&ld->locs, text, &addr))
		return addr;
	addr = ld->locs.n + 1;
	if (strmap__put(&ld->locs, text, addr) || names__add_sym(ld->n, addr, text))
		return 0;
	return addr;
}

static int read_reason(struct loader *ld, json_t *o, const char *name_key, const char *code_key,
		       uint32_t *out)
{
	int err = 0;
	const char *name = get_str(ld, o, name_key, &err);
	int64_t v;

	if (err || get_u32(ld, o, code_key, out))
		return -1;
	if (!name)
		return 0;
	if (!json_object_get(o, code_key)) {
		v = names__drop_reason_value(ld->n, name);
		*out = v >= 0 ? (uint32_t)v : 0;
		return 0;
	}
	/* Placeholders ("reason#N") name nothing: the code says it all. */
	if (strncmp(name, "reason#", 7))
		return names__add_drop_reason(ld->n, *out, name);
	return 0;
}

static int read_ifname(struct loader *ld, json_t *o, uint32_t netns, uint32_t *ifindex)
{
	int err = 0;
	const char *name = get_str(ld, o, "ifname", &err);

	if (err || get_u32(ld, o, "ifindex", ifindex))
		return -1;
	if (name && *ifindex && strncmp(name, "if#", 3))
		return names__set_ifname(ld->n, netns, *ifindex, name);
	return 0;
}

/* The tuple object under key of packet pkt ("tuple", or "translated" when NAT changed it). */
static int read_tuple(struct loader *ld, json_t *pkt, const char *key, struct skbtop_tuple *t)
{
	json_t *o = json_object_get(pkt, key);
	char msg[96];
	int err = 0, proto;
	const char *fam, *src, *dst, *p;
	uint32_t v;

	if (!o)
		return 0;
	if (!json_is_object(o)) {
		snprintf(msg, sizeof(msg), "\"%s\" must be an object", key);
		bad(ld, msg);
		return -1;
	}
	fam = get_str(ld, o, "family", &err);
	p = get_str(ld, o, "proto", &err);
	src = get_str(ld, o, "src", &err);
	dst = get_str(ld, o, "dst", &err);
	if (err)
		return -1;
	t->family = fam ? (uint8_t)family__from_name(fam) : 0;
	if (!t->family) {
		/* ARP keeps its protocol addresses; anything else not IP has none. */
		if (fam && !strcmp(fam, "ARP") && src && dst && src[0] &&
		    (inet_pton(AF_INET, src, &t->saddr.v4) != 1 ||
		     inet_pton(AF_INET, dst, &t->daddr.v4) != 1)) {
			bad(ld, "\"tuple\" addresses of ARP must be IPv4");
			return -1;
		}
		return 0;
	}
	proto = p ? proto__from_name(p) : 0;
	if (proto < 0) {
		snprintf(msg, sizeof(msg), "unknown \"proto\" in \"%s\"", key);
		bad(ld, msg);
		return -1;
	}
	t->l4proto = (uint8_t)proto;
	if (!src || !dst || inet_pton(t->family, src, &t->saddr) != 1 ||
	    inet_pton(t->family, dst, &t->daddr) != 1) {
		snprintf(msg, sizeof(msg), "\"%s\" addresses do not match its family", key);
		bad(ld, msg);
		return -1;
	}
	if (get_u32(ld, o, "sport", &v))
		return -1;
	t->sport = (uint16_t)v;
	if (get_u32(ld, o, "dport", &v))
		return -1;
	t->dport = (uint16_t)v;
	if (get_u32(ld, o, "icmp_type", &v))
		return -1;
	t->icmp_type = (uint8_t)v;
	if (get_u32(ld, o, "icmp_code", &v))
		return -1;
	t->icmp_code = (uint8_t)v;
	return 0;
}

static void copy_name(char *dst, const char *src)
{
	snprintf(dst, SKBTOP_NAME_LEN, "%s", src ? src : "");
}

static int read_nft(struct loader *ld, json_t *o, uint32_t netns, struct jnft *x)
{
	const char *fam, *hook, *table, *chain, *target, *rule;
	json_t *pr = json_object_get(o, "priority"), *vc = json_object_get(o, "verdict_code");
	int err = 0, v;
	uint64_t u;

	if (!json_is_object(o)) {
		bad(ld, "\"nft\" must be an object");
		return -1;
	}
	fam = get_str(ld, o, "family", &err);
	hook = get_str(ld, o, "hook", &err);
	table = get_str(ld, o, "table", &err);
	chain = get_str(ld, o, "chain", &err);
	target = get_str(ld, o, "target", &err);
	rule = get_str(ld, o, "rule", &err);
	if (err)
		return -1;
	memset(x, 0, sizeof(*x));
	v = fam ? nfproto__from_name(fam) : 0;
	if (v < 0) {
		bad(ld, "unknown nft \"family\"");
		return -1;
	}
	x->family = (uint8_t)v;
	v = hook ? nfhook__from_name(x->family, hook) : 0;
	x->hook = v < 0 ? 0 : (uint8_t)v;
	copy_name(x->table, table);
	copy_name(x->chain, chain);
	copy_name(x->target, target);
	if ((pr && !json_is_integer(pr)) || (vc && !json_is_integer(vc))) {
		bad(ld, "nft \"priority\" and \"verdict_code\" must be integers");
		return -1;
	}
	x->priority = pr ? (int32_t)json_integer_value(pr) : 0;
	x->verdict = vc ? (int32_t)json_integer_value(vc) : 0;
	if (get_u64(ld, o, "handle", 0, &x->rule_handle) ||
	    get_u64(ld, o, "chain_handle", 0, &x->chain_handle) || get_u64(ld, o, "depth", 0, &u))
		return -1;
	x->depth = (uint8_t)u;
	if (get_u64(ld, o, "seq", 0, &u))
		return -1;
	x->seq = (uint8_t)u;
	if (rule && x->rule_handle)
		return names__add_rule_text(ld->n, netns, x->family, x->table, x->rule_handle,
					    rule);
	return 0;
}

static int read_event(struct loader *ld, json_t *o, struct journey *j, struct jevent *e,
		      struct jnft *nft)
{
	int err = 0, type;
	const char *tname = get_str(ld, o, "type", &err), *func = get_str(ld, o, "func", &err);
	const char *module = get_str(ld, o, "module", &err), *layer = get_str(ld, o, "layer", &err);
	const char *loc = get_str(ld, o, "location", &err);
	json_t *x = json_object_get(o, "nft");
	uint64_t t;
	uint32_t v;

	if (err)
		return -1;
	if (!tname || (type = event_type__from_name(tname)) < 0 || !func) {
		bad(ld, "an event needs a known \"type\" and a \"func\"");
		return -1;
	}
	memset(e, 0, sizeof(*e));
	e->type = (uint16_t)type;
	e->layer = (int16_t)layer_index(ld, layer);
	e->nft = -1;
	if (func_id(ld, func, module, e->layer, &e->func_id))
		return -1;
	if (get_u64(ld, o, "t_ns", 0, &t) || get_u32(ld, o, "netns", &e->netns) ||
	    get_u32(ld, o, "len", &e->len) || get_u32(ld, o, "flags", &e->flags) ||
	    get_u32(ld, o, "cpu", &v) || read_ifname(ld, o, e->netns, &e->ifindex) ||
	    read_reason(ld, o, "reason", "reason_code", &e->reason))
		return -1;
	e->cpu = (uint16_t)v;
	e->ts_ns = j->first_ns + t;
	e->aux = location(ld, loc);
	if (x && !json_is_null(x)) {
		if (read_nft(ld, x, e->netns, &nft[j->n_nft]))
			return -1;
		e->nft = (int16_t)j->n_nft++;
	}
	return 0;
}

static int read_layer_map(struct loader *ld, json_t *o, const char *key, struct journey *j,
			  bool events)
{
	json_t *m = json_object_get(o, key), *v;
	const char *name;
	char msg[128];

	if (!m)
		return 0;
	if (!json_is_object(m)) {
		snprintf(msg, sizeof(msg), "\"%s\" must be an object", key);
		bad(ld, msg);
		return -1;
	}
	json_object_foreach(m, name, v)
	{
		int l = layer_index(ld, name);

		if (!json_is_integer(v) || json_integer_value(v) < 0) {
			snprintf(msg, sizeof(msg), "\"%s\" values must be non-negative integers",
				 key);
			bad(ld, msg);
			return -1;
		}
		if (events)
			j->layer_events[l] += (uint32_t)json_integer_value(v);
		else
			j->layer_ns[l] += (uint64_t)json_integer_value(v);
	}
	return 0;
}

/* "captures": the bytes a live session kept, each checked like any outside input. */
static int read_captures(struct loader *ld, json_t *o, struct journey *j, struct jcapture *caps)
{
	json_t *a = json_object_get(o, "captures"), *c;
	size_t i;

	if (!a)
		return 0;
	if (!json_is_array(a) || json_array_size(a) > STORE_CAPTURES) {
		bad(ld, "\"captures\" must be an array of at most 3");
		return -1;
	}
	json_array_foreach(a, i, c)
	{
		struct jcapture *x = &caps[i];
		int err = 0, kind;
		const char *k = get_str(ld, c, "kind", &err), *link = get_str(ld, c, "link", &err);
		const char *hex = get_str(ld, c, "data", &err);
		uint64_t t;
		size_t n;

		memset(x, 0, sizeof(*x));
		if (err || get_u64(ld, c, "t_ns", 0, &t) || get_u32(ld, c, "netns", &x->netns) ||
		    get_u32(ld, c, "len", &x->len) || read_ifname(ld, c, x->netns, &x->ifindex))
			return -1;
		kind = k ? jcapture_kind__from_name(k) : -1;
		n = hex ? strlen(hex) : 0;
		if (kind < 0 || !link || !hex ||
		    (strcmp(link, "ethernet") && strcmp(link, "raw")) || n % 2 ||
		    n / 2 > SKBTOP_SNAP_MAX || strspn(hex, "0123456789abcdef") != n) {
			bad(ld, "a capture needs a known \"kind\" and \"link\", and \"data\" in "
				"lower-case hex of at most 192 bytes");
			return -1;
		}
		for (size_t b = 0; b < n / 2; b++)
			sscanf(hex + 2 * b, "%2hhx", &x->data[b]);
		x->caplen = (uint16_t)(n / 2);
		x->kind = (uint8_t)kind;
		x->link = strcmp(link, "ethernet") ? SKBTOP_LINK_RAW : SKBTOP_LINK_ETH;
		x->ts_ns = j->first_ns + t;
	}
	j->caps = caps;
	j->n_caps = (uint32_t)json_array_size(a);
	return 0;
}

static int read_packet(struct loader *ld, json_t *o, struct store *s)
{
	struct jcapture caps[STORE_CAPTURES];
	struct journey j = { 0 };
	json_t *evs = json_object_get(o, "events"), *ended = json_object_get(o, "ended"), *e;
	const char *fate, *nv, *loc;
	uint64_t dur, v;
	int err = 0, f, ret = -1;
	size_t i;

	if (get_u64(ld, o, "id", 0, &j.id))
		return -1;
	ld->packet = j.id;
	if (!j.id) {
		bad(ld, "a packet needs an \"id\" of at least 1");
		return -1;
	}
	fate = get_str(ld, o, "fate", &err);
	nv = get_str(ld, o, "nft_verdict", &err);
	loc = get_str(ld, o, "drop_location", &err);
	if (err || get_u64(ld, o, "parent", 0, &j.parent_id) ||
	    get_u64(ld, o, "start_ns", 0, &j.first_ns) || get_u64(ld, o, "duration_ns", 0, &dur) ||
	    get_u32(ld, o, "netns", &j.netns) || get_u32(ld, o, "mark", &j.mark) ||
	    get_u32(ld, o, "len", &j.len) || get_u32(ld, o, "pid", &j.pid) ||
	    get_u64(ld, o, "l3proto", 0, &v) ||
	    get_u32(ld, o, "events_truncated", &j.events_truncated) ||
	    read_ifname(ld, o, j.netns, &j.ifindex) || read_tuple(ld, o, "tuple", &j.tuple) ||
	    read_tuple(ld, o, "translated", &j.cur_tuple) ||
	    read_reason(ld, o, "drop_reason", "drop_reason_code", &j.drop_reason) ||
	    read_layer_map(ld, o, "layers", &j, false) ||
	    read_layer_map(ld, o, "layer_events", &j, true))
		return -1;
	j.l3proto = (uint16_t)v;
	j.translated = j.cur_tuple.family != 0;
	if (!j.translated)
		j.cur_tuple = j.tuple;
	j.last_ns = j.first_ns + dur;
	f = fate ? fate__from_name(fate) : FATE_IN_FLIGHT;
	if (f < 0) {
		bad(ld, "unknown \"fate\"");
		return -1;
	}
	j.fate = (enum fate)f;
	j.ended = ended ? json_is_true(ended) : j.fate != FATE_IN_FLIGHT;
	j.drop_location = location(ld, loc);
	j.last_layer = -1;
	if (nv) {
		j.has_nft = true;
		j.nft_verdict = nft_verdict__parse(nv);
	}
	if (evs && !json_is_array(evs)) {
		bad(ld, "\"events\" must be an array");
		return -1;
	}
	j.cap_events = j.cap_nft = (uint32_t)json_array_size(evs);
	j.events = calloc(j.cap_events + 1, sizeof(*j.events));
	j.nft = calloc(j.cap_nft + 1, sizeof(*j.nft));
	if (!j.events || !j.nft) {
		bad(ld, "out of memory");
		goto out;
	}
	json_array_foreach(evs, i, e)
	{
		if (!json_is_object(e)) {
			bad(ld, "an event must be an object");
			goto out;
		}
		if (read_event(ld, e, &j, &j.events[j.n_events], j.nft))
			goto out;
		if (j.events[j.n_events].flags & SKBTOP_F_NAT)
			j.nat_ns = j.events[j.n_events].ts_ns;
		if (j.events[j.n_events].flags & SKBTOP_F_FLOWTABLE) {
			j.flowtable = true;
			j.flow_ns = j.events[j.n_events].ts_ns;
		}
		if (!json_object_get(o, "layer_events"))
			j.layer_events[j.events[j.n_events].layer]++;
		j.n_events++;
	}
	if (j.n_events)
		j.last_layer = j.events[j.n_events - 1].layer;
	if (read_captures(ld, o, &j, caps))
		goto out;
	ret = store__import(s, &j) ? 0 : -1;
out:
	free(j.events);
	free(j.nft);
	return ret;
}

static int id_cmp(const void *a, const void *b)
{
	json_int_t x = json_integer_value(json_object_get(*(json_t *const *)a, "id"));
	json_int_t y = json_integer_value(json_object_get(*(json_t *const *)b, "id"));

	return x < y ? -1 : x > y;
}

/* The saved statistics replace what importing counted (they include what was evicted). */
static int read_stats(struct loader *ld, json_t *o, struct store *s)
{
	struct store_stats *st = store__stats_mut(s);
	json_t *fates = json_object_get(o, "fates"), *v;
	const char *name;

	if (!o)
		return 0;
	if (!json_is_object(o)) {
		bad(ld, "\"stats\" must be an object");
		return -1;
	}
	if (get_u64(ld, o, "events", st->events, &st->events) ||
	    get_u64(ld, o, "packets", st->packets, &st->packets) ||
	    get_u64(ld, o, "lost_kernel", st->lost_kernel, &st->lost_kernel) ||
	    get_u64(ld, o, "lost_queue", st->lost_queue, &st->lost_queue) ||
	    get_u64(ld, o, "evicted_packets", st->evicted_packets, &st->evicted_packets) ||
	    get_u64(ld, o, "truncated_events", st->truncated_events, &st->truncated_events) ||
	    get_u64(ld, o, "bad_records", st->bad_records, &st->bad_records))
		return -1;
	if (!json_is_object(fates))
		return 0;
	json_object_foreach(fates, name, v)
	{
		int f = fate__from_name(name);

		if (f >= 0 && json_is_integer(v) && json_integer_value(v) >= 0)
			st->by_fate[f] = (uint64_t)json_integer_value(v);
	}
	return 0;
}

static int read_header(struct loader *ld, json_t *root, struct session_info *info)
{
	json_t *fmt = json_object_get(root, "format"), *ver = json_object_get(root, "version");
	int err = 0;
	const char *kernel = get_str(ld, root, "kernel", &err);
	const char *backend = get_str(ld, root, "backend", &err);
	const char *created = get_str(ld, root, "created", &err);

	if (!json_is_string(fmt) || strcmp(json_string_value(fmt), EXPORT_FORMAT)) {
		p_err("%s: not a saved skbtop session (\"format\" is not \"%s\")", ld->path,
		      EXPORT_FORMAT);
		return -1;
	}
	if (!json_is_integer(ver)) {
		p_err("%s: saved session without a \"version\"", ld->path);
		return -1;
	}
	if (json_integer_value(ver) != EXPORT_VERSION) {
		p_err("%s: saved session version %" JSON_INTEGER_FORMAT
		      ", this skbtop reads version %d",
		      ld->path, json_integer_value(ver), EXPORT_VERSION);
		return -1;
	}
	if (err)
		return -1;
	if (info) {
		info->version = (int)json_integer_value(ver);
		info->kernel = strdup(kernel ? kernel : "unknown");
		info->backend = strdup(backend ? backend : "unknown");
		info->created = strdup(created ? created : "");
	}
	return 0;
}

struct store *replay__load(const char *path, const struct config *cfg, struct names *n,
			   struct session_info *info)
{
	struct loader ld = { .path = path, .cfg = cfg, .n = n };
	json_t *root, *packets, *p, **sorted = NULL;
	struct store *s = NULL;
	json_error_t jerr;
	size_t i, np, max_ev;
	struct stat st;
	FILE *f;

	if (info)
		memset(info, 0, sizeof(*info));
	names__set_offline(n);
	f = fopen(path, "r");
	if (!f) {
		p_err("%s: %s", path, strerror(errno));
		return NULL;
	}
	if (!fstat(fileno(f), &st) && (uint64_t)st.st_size > REPLAY_MAX_BYTES) {
		p_err("%s: %" PRIu64 " bytes, more than the %llu MiB a saved session may have",
		      path, (uint64_t)st.st_size, REPLAY_MAX_BYTES >> 20);
		fclose(f);
		return NULL;
	}
	root = json_loadf(f, JSON_REJECT_DUPLICATES, &jerr);
	fclose(f);
	if (!root) {
		if (jerr.line > 0)
			p_err("%s:%d:%d: %s", path, jerr.line, jerr.column, jerr.text);
		else
			p_err("%s: %s", path, jerr.text);
		return NULL;
	}
	if (!json_is_object(root)) {
		p_err("%s: not a saved skbtop session (not a JSON object)", path);
		goto out;
	}
	if (read_header(&ld, root, info))
		goto out;
	packets = json_object_get(root, "packets");
	if (!json_is_array(packets)) {
		p_err("%s: \"packets\" must be an array", path);
		goto out;
	}
	np = json_array_size(packets);
	sorted = calloc(np + 1, sizeof(*sorted));
	if (!sorted)
		goto out;
	max_ev = cfg->max_events_per_packet;
	json_array_foreach(packets, i, p)
	{
		if (!json_is_object(p) || !json_is_integer(json_object_get(p, "id"))) {
			p_err("%s: packet %zu: not an object with an integer \"id\"", path, i + 1);
			goto out;
		}
		sorted[i] = p;
		if (json_array_size(json_object_get(p, "events")) > max_ev)
			max_ev = json_array_size(json_object_get(p, "events"));
	}
	/* The store keeps journeys in id order; files written by hand may not. */
	qsort(sorted, np, sizeof(*sorted), id_cmp);
	s = store__new(np > cfg->max_packets ? (uint32_t)np : cfg->max_packets,
		       max_ev > UINT32_MAX ? UINT32_MAX : (uint32_t)max_ev, cfg, n);
	if (!s)
		goto out;
	for (i = 0; i < np; i++) {
		json_int_t id = json_integer_value(json_object_get(sorted[i], "id"));

		if (i && id == json_integer_value(json_object_get(sorted[i - 1], "id"))) {
			p_err("%s: packet id %" JSON_INTEGER_FORMAT " appears twice", path, id);
			store__free(s);
			s = NULL;
			goto out;
		}
		if (read_packet(&ld, sorted[i], s)) {
			store__free(s);
			s = NULL;
			goto out;
		}
	}
	ld.packet = 0;
	if (read_stats(&ld, json_object_get(root, "stats"), s)) {
		store__free(s);
		s = NULL;
		goto out;
	}
	if (info)
		info->packets = np;
out:
	if (!s && info)
		session_info__free(info);
	strmap__free(&ld.funcs);
	strmap__free(&ld.locs);
	free(sorted);
	json_decref(root);
	return s;
}

void session_info__free(struct session_info *info)
{
	if (!info)
		return;
	free(info->kernel);
	free(info->backend);
	free(info->created);
	memset(info, 0, sizeof(*info));
}
