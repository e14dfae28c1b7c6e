// SPDX-License-Identifier: GPL-2.0
/* skbtop replay FILE: a saved session or packet in the same UI, with no root and no kernel. */
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "cmds.h"
#include "core/outputs/capture.h"
#include "core/base/config.h"
#include "core/outputs/folded.h"
#include "core/base/log.h"
#include "core/session/names.h"
#include "core/outputs/replay.h"
#include "core/session/store.h"
#include "ui/ui.h"

static void usage(FILE *f)
{
	fprintf(f,
		"Usage: skbtop replay [OPTIONS] FILE\n"
		"Open a session or a packet saved by skbtop (--stream --output, or 's' in the UI)\n"
		"in the terminal UI. Needs no root and no kernel support. Files larger than\n"
		"256 MiB are refused.\n"
		"\n"
		"  -c, --config FILE  configuration to read (layer names and colours, UI options)\n"
		"      --no-color     no colours (as does NO_COLOR in the environment)\n"
		"      --no-mouse     the screen ignores the mouse (ui.mouse: false)\n"
		"      --folded FILE  write the packets' time as folded stacks (flamegraph.pl,\n"
		"                     inferno, speedscope) to FILE ('-': stdout), no screen\n"
		"      --pcapng FILE  write the bytes the session kept (skbtop -w -o) as pcapng,\n"
		"                     each packet with its journey as comment, no screen\n"
		"  -h, --help         show this help\n"
		"\n"
		"Examples:\n"
		"  skbtop replay session.json\n"
		"  NO_COLOR=1 skbtop replay skbtop-udp-10.0.0.5.41236-10.0.0.2.9999-pkt42.json\n"
		"  skbtop replay session.json --folded - | flamegraph.pl --countname ns > f.svg\n");
}

/*
 * Kernel times count from boot: the session was saved at its "created" time, about when its last
 * event came, which ties the two clocks together. 0 when the file does not say.
 */
static int64_t wall_offset(const struct store *store, const char *created)
{
	struct tm tm = { 0 };
	uint64_t last = 0;
	const char *end = created ? strptime(created, "%Y-%m-%dT%H:%M:%SZ", &tm) : NULL;

	if (!end || *end)
		return 0;
	for (size_t i = 0; i < store__len(store); i++)
		if (store__at(store, i)->last_ns > last)
			last = store__at(store, i)->last_ns;
	return (int64_t)timegm(&tm) * 1000000000 - (int64_t)last;
}

/* Every packet of the file, folded, instead of the screen. */
static int write_folded(const struct store *store, const struct names *names,
			const struct config *cfg, const char *path)
{
	struct folded *f = folded__new(cfg, names);
	int rc = 1;

	if (!f) {
		p_err("out of memory");
		return 1;
	}
	for (size_t i = 0; i < store__len(store); i++)
		if (folded__add(f, store__at(store, i))) {
			p_err("out of memory");
			goto out;
		}
	rc = folded__save(f, path) ? 1 : 0;
out:
	folded__free(f);
	return rc;
}

int cmd_replay(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "no-color", no_argument, NULL, 'C' },
		{ "no-mouse", no_argument, NULL, 'M' },
		{ "folded", required_argument, NULL, 'F' },
		{ "pcapng", required_argument, NULL, 'P' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *config = NULL, *folded = NULL, *pcapng = NULL;
	struct session_info info;
	struct ui_feed feed;
	struct config cfg;
	struct names *names;
	struct store *store;
	bool no_color = false, no_mouse = false;
	char err[512], source[1024];
	int c, rc;

	while ((c = getopt_long(argc, argv, "c:h", opts, NULL)) != -1) {
		switch (c) {
		case 'c':
			config = optarg;
			break;
		case 'C':
			no_color = true;
			break;
		case 'M':
			no_mouse = true;
			break;
		case 'F':
			folded = optarg;
			break;
		case 'P':
			pcapng = optarg;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return EXIT_USAGE;
		}
	}
	if (optind != argc - 1) {
		p_err("replay needs exactly one FILE (try skbtop replay --help)");
		return EXIT_USAGE;
	}
	memset(&cfg, 0, sizeof(cfg));
	if (config__load(&cfg, config, NULL, err, sizeof(err))) {
		p_err("%s", err);
		return EXIT_USAGE;
	}
	if (no_color)
		cfg.color = false;
	if (no_mouse)
		cfg.mouse = false;
	names = names__new();
	if (!names) {
		p_err("out of memory");
		config__free(&cfg);
		return 1;
	}
	memset(&info, 0, sizeof(info));
	store = replay__load(argv[optind], &cfg, names, &info);
	if (!store) {
		names__free(names);
		config__free(&cfg);
		return 1;
	}
	if (folded || pcapng) {
		rc = folded ? write_folded(store, names, &cfg, folded) : 0;
		if (!rc && pcapng)
			rc = capture__save(pcapng, store, NULL, names, &cfg,
					   wall_offset(store, info.created))
				     ? 1
				     : 0;
		goto out;
	}
	memset(&feed, 0, sizeof(feed));
	/* Where the session came from belongs in the header: another kernel explains a lot. */
	snprintf(source, sizeof(source), "%s (kernel %s, %s)", argv[optind],
		 info.kernel ? info.kernel : "?", info.created ? info.created : "?");
	feed.source = source;
	feed.backend = info.backend;
	feed.filter = "";
	rc = ui__run(store, names, &cfg, &feed);
out:
	session_info__free(&info);
	store__free(store);
	names__free(names);
	config__free(&cfg);
	return rc;
}
