// SPDX-License-Identifier: GPL-2.0
/* The help screen, generated from the key table so it always tells the truth. */
#include <stdio.h>
#include <string.h>

#include "ui/draw.h"
#include "ui/ui_int.h"

static const char *const about[] = {
	"",
	"Panes",
	"  Layers    events, packets, events/s, drops, median time per packet",
	"  Packets   one line per packet (skb): tuple, interface, events,",
	"            duration, fate, final nftables verdict",
	"  Journey   the selected packet's events, times since its first one",
	"  nftables  base chains entered, jumps (indented), the rule or policy",
	"            that decided, with its handle",
	"  H         the layer pane as histograms: packets by the time spent in",
	"            each layer, log2 buckets of microseconds (as bcc's hist)",
	"  d         drop reasons: count, last minute, a sparkline per second",
	"",
	"Reading it",
	"  Fates: delivered (to a socket), forwarded, sent (by a device),",
	"  dropped (with the kernel's reason and where), consumed (freed",
	"  otherwise), in flight (no end seen yet). With tracepoints only, some",
	"  ends go unseen: quiet for 5 s, a packet says \"no end seen\".",
	"  No IP header: the protocol (ARP sender -> target, LLDP, 802.1Q, ...)",
	"  or the kind of skb (netlink, unix, loopback; local: no device).",
	"  lost: events the kernel or the hand-off had to drop. evicted:",
	"  packets let go to stay within store.max_packets.",
	"  Colours follow NO_COLOR and --no-color.",
	"  Saved traces open with: skbtop replay FILE (no root needed).",
};

/* Bindings sharing a key and a sentence are listed once. */
static bool seen_before(const struct key_binding *t, size_t i)
{
	for (size_t k = 0; k < i; k++)
		if (!strcmp(t[k].label, t[i].label) && !strcmp(t[k].help, t[i].help))
			return true;
	return false;
}

static size_t build(char lines[][160], size_t max)
{
	size_t n = 0, nt;
	const struct key_binding *t = keys__table(&nt);

	snprintf(lines[n++], 160, "Keys");
	for (size_t i = 0; i < nt && n < max; i++) {
		if (seen_before(t, i))
			continue;
		snprintf(lines[n++], 160, "  %-8s %s", t[i].label, t[i].help);
	}
	for (size_t i = 0; i < sizeof(about) / sizeof(about[0]) && n < max; i++)
		snprintf(lines[n++], 160, "%s", about[i]);
	return n;
}

static size_t page_of(const struct ui *ui)
{
	return ui->lay.body.h > 2 ? (size_t)ui->lay.body.h - 2 : 1;
}

static void draw(struct ui *ui, const struct rect *r, bool focused)
{
	static char lines[64][160];
	size_t n = build(lines, 64), page = page_of(ui);
	struct rect in = draw_frame(r, "Help (Esc to go back)", focused);

	scroll__clamp(&ui->help_sc, n, page);
	/* The help pane scrolls its view, not a cursor: keep the cursor at the page's top. */
	for (size_t i = ui->help_sc.top; i < n && i - ui->help_sc.top < page; i++) {
		enum role role = lines[i][0] != ' ' && lines[i][0] ? ROLE_TITLE : ROLE_NORMAL;

		draw_text(in.y + (int)(i - ui->help_sc.top), in.x + 1, in.w - 2, role, lines[i],
			  false);
	}
}

static unsigned handle(struct ui *ui, enum action a)
{
	static char lines[64][160];
	size_t n = build(lines, 64), page = page_of(ui);
	struct scroll *sc = &ui->help_sc;

	if (scroll__view(sc, a, n, page))
		return UI_HANDLED | UI_REDRAW;
	return a >= ACT_UP && a <= ACT_END ? UI_HANDLED : 0;
}

const struct view view_help = { draw, handle };
