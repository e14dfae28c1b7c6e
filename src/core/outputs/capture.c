// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/outputs/capture.h"
#include "core/base/clock.h"
#include "core/base/file_atomic.h"
#include "core/base/log.h"
#include "core/outputs/journey_note.h"
#include "core/outputs/pcapng.h"

struct pending {
	uint64_t skb; /* 0: empty */
	struct jcapture snap;
};

struct held {
	uint64_t id;	 /* journey id, 0: empty */
	uint64_t end_ms; /* when the journey ended, 0: in flight */
	char *note;	 /* the journey when it ended, in case the store lets go of it */
	uint32_t n;
	struct jcapture snaps[CAPTURE_PER_JOURNEY];
};

struct capture {
	FILE *f;
	struct pcapng *w;
	uint32_t snaplen;
	struct names *names;
	const struct config *cfg;
	int64_t wall_offset_ns; /* CLOCK_REALTIME - CLOCK_MONOTONIC, for the packets' timestamps */
	struct pending pending[CAPTURE_PENDING];
	struct held *held; /* CAPTURE_JOURNEYS, by journey id */
	uint32_t delay_ms; /* how long an ended journey waits for late events */
	uint32_t waiting;  /* ended journeys not written yet */
	uint64_t flushed_ms;
	struct capture_stats stats;
};

struct capture *capture__new(FILE *f, uint32_t snaplen, uint32_t delay_ms, struct names *names,
			     const struct config *cfg)
{
	struct capture *c = calloc(1, sizeof(*c));

	if (!c)
		return NULL;
	c->held = calloc(CAPTURE_JOURNEYS, sizeof(*c->held));
	c->w = c->held ? pcapng__new(f, "skbtop") : NULL;
	if (!c->w) {
		free(c->held);
		free(c);
		return NULL;
	}
	c->f = f;
	c->snaplen = snaplen;
	c->delay_ms = delay_ms;
	c->names = names;
	c->cfg = cfg;
	c->wall_offset_ns = (int64_t)(clock__ns_of(CLOCK_REALTIME) - clock__ns());
	return c;
}

void capture__free(struct capture *c)
{
	if (!c)
		return;
	pcapng__free(c->w);
	for (size_t i = 0; i < CAPTURE_JOURNEYS; i++)
		free(c->held[i].note);
	free(c->held);
	free(c);
}

static size_t pending_slot(uint64_t skb)
{
	return (size_t)((skb >> 8) ^ (skb >> 20)) % CAPTURE_PENDING;
}

void capture__bytes(struct capture *c, const struct skbtop_bytes_event *b)
{
	struct pending *p = &c->pending[pending_slot(b->skb)];

	if (p->skb)
		c->stats.lost++;
	p->skb = b->skb;
	p->snap.ts_ns = b->hdr.ts_ns;
	p->snap.ifindex = b->ifindex;
	p->snap.netns = b->netns;
	p->snap.len = b->len;
	p->snap.caplen = b->caplen < SKBTOP_SNAP_MAX ? b->caplen : SKBTOP_SNAP_MAX;
	p->snap.link = b->link;
	memcpy(p->snap.data, b->data, p->snap.caplen);
}

/* The packet blocks of n captures told by note, on their (netns, interface). */
static uint64_t write_caps(struct pcapng *w, struct names *names, uint32_t snaplen,
			   int64_t wall_offset_ns, const struct jcapture *caps, uint32_t n,
			   const char *note)
{
	static const char *const at[JCAPTURE_KINDS] = { [JCAPTURE_FIRST] = "its first event",
							[JCAPTURE_DROP] = "its drop",
							[JCAPTURE_LATER] =
								"a change of its headers" };
	char comment[4200];
	uint64_t written = 0;

	for (uint32_t i = 0; i < n; i++) {
		const struct jcapture *sn = &caps[i];
		uint16_t link =
			sn->link == SKBTOP_LINK_ETH ? PCAPNG_LINK_ETHERNET : PCAPNG_LINK_RAW;
		int ifid = pcapng__interface(w, sn->netns, sn->ifindex,
					     names__ifname(names, sn->netns, sn->ifindex), link,
					     snaplen);

		if (ifid < 0)
			continue;
		snprintf(comment, sizeof(comment), "%s; bytes at %s", note,
			 at[sn->kind < JCAPTURE_KINDS ? sn->kind : JCAPTURE_LATER]);
		pcapng__packet(w, ifid, sn->ts_ns + (uint64_t)wall_offset_ns, sn->data, sn->caplen,
			       sn->len, comment);
		written++;
	}
	return written;
}

/* The journey's packets, told by j (NULL: the store let go of it) or else by its note. */
static void write_held(struct capture *c, const struct journey *j, struct held *h)
{
	char note[4096];

	if (j)
		journey_note(note, sizeof(note), j, c->names, c->cfg);
	else
		snprintf(note, sizeof(note), "%s", h->note ? h->note : "");
	c->stats.packets +=
		write_caps(c->w, c->names, c->snaplen, c->wall_offset_ns, h->snaps, h->n, note);
	if (!c->stats.write_error)
		c->stats.write_error = pcapng__error(c->w);
	if (h->end_ms)
		c->waiting--;
	free(h->note);
	memset(h, 0, sizeof(*h));
}

/* A slot taken by another journey: what it held is lost, and counted. */
static void drop_held(struct capture *c, struct held *h)
{
	c->stats.lost += h->n;
	if (h->end_ms)
		c->waiting--;
	free(h->note);
	memset(h, 0, sizeof(*h));
}

void capture__joined(struct capture *c, struct store *s, const struct journey *j, uint64_t now_ms)
{
	struct pending *p = &c->pending[pending_slot(j->skb)];
	struct held *h = &c->held[j->id % CAPTURE_JOURNEYS];
	char note[4096];

	if (p->skb == j->skb && p->skb) {
		if (h->id != j->id) {
			if (h->id)
				drop_held(c, h);
			h->id = j->id;
		}
		if (h->n < CAPTURE_PER_JOURNEY) {
			/* Read just before the first event was stamped: count it as that event's.
			 */
			if (p->snap.ts_ns < j->first_ns)
				p->snap.ts_ns = j->first_ns;
			p->snap.kind = j->ended && j->fate == FATE_DROPPED ? JCAPTURE_DROP
				       : h->n				   ? JCAPTURE_LATER
									   : JCAPTURE_FIRST;
			h->snaps[h->n++] = p->snap;
			/* Kept by the journey too, for the saved session. */
			if (store__capture(s, j->id, &p->snap))
				c->stats.lost++;
		} else {
			c->stats.lost++;
		}
		p->skb = 0;
	}
	if (!j->ended || h->id != j->id || h->end_ms)
		return;
	if (!c->delay_ms) {
		write_held(c, j, h);
		return;
	}
	h->end_ms = now_ms ? now_ms : 1;
	h->note = strdup(journey_note(note, sizeof(note), j, c->names, c->cfg));
	c->waiting++;
}

void capture__tick(struct capture *c, const struct store *s, uint64_t now_ms)
{
	/* A write per packet would slow the consumer down to losing events under a flood. */
	if (now_ms - c->flushed_ms >= CAPTURE_FLUSH_MS) {
		fflush(c->f);
		c->flushed_ms = now_ms;
	}
	for (size_t i = 0; c->waiting && i < CAPTURE_JOURNEYS; i++) {
		struct held *h = &c->held[i];

		if (h->end_ms && now_ms - h->end_ms >= c->delay_ms)
			write_held(c, store__by_id(s, h->id), h);
	}
}

void capture__finish(struct capture *c, const struct store *s)
{
	for (size_t i = 0; i < CAPTURE_JOURNEYS; i++)
		if (c->held[i].id)
			write_held(c, store__by_id(s, c->held[i].id), &c->held[i]);
	fflush(c->f);
}

const struct capture_stats *capture__stats(const struct capture *c)
{
	return &c->stats;
}

struct saving {
	const struct store *s;
	const struct journey *only;
	struct names *names;
	const struct config *cfg;
	int64_t wall_offset_ns;
};

static int save_body(FILE *f, void *arg)
{
	const struct saving *sv = arg;
	struct pcapng *w = pcapng__new(f, "skbtop");
	char note[4096];
	int err;

	if (!w)
		return -ENOMEM;
	for (size_t i = 0; i < store__len(sv->s); i++) {
		const struct journey *j = sv->only ? sv->only : store__at(sv->s, i);

		if (j->n_caps) {
			journey_note(note, sizeof(note), j, sv->names, sv->cfg);
			write_caps(w, sv->names, SKBTOP_SNAP_MAX, sv->wall_offset_ns, j->caps,
				   j->n_caps, note);
		}
		if (sv->only)
			break;
	}
	err = pcapng__error(w);
	pcapng__free(w);
	return err;
}

int capture__save(const char *path, const struct store *s, const struct journey *only,
		  struct names *names, const struct config *cfg, int64_t wall_offset_ns)
{
	struct saving sv = { s, only, names, cfg, wall_offset_ns };
	int err = file__write_atomic(path, 0600, save_body, &sv);

	if (err)
		p_err("%s: cannot save: %s", path, strerror(-err));
	return err ? -1 : 0;
}
