// SPDX-License-Identifier: GPL-2.0
/*
 * Opening a large saved session: 80,000 dropped packets, each with its own drop location and its
 * own nft rule (the worst case for lookups by name). Prints the CPU time of replay__load next to
 * jansson's parse of the same file alone (the floor), and exits 1 when loading takes more than
 * four times the parse: lookups that grow with the session would show here first.
 */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "core/base/config.h"
#include "core/base/log.h"
#include "core/session/names.h"
#include "core/outputs/replay.h"
#include "core/session/store.h"

#define PACKETS 80000
#define GOAL	4.0

static double cpu_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int write_session(FILE *f)
{
	fprintf(f, "{\"format\":\"skbtop-session\",\"version\":1,\"kernel\":\"bench\","
		   "\"backend\":\"tracepoint\",\"created\":\"2026-11-29T00:00:00Z\","
		   "\"layers\":[\"Skb\",\"NFT\",\"Unknown\"],\"packets\":[\n");
	for (int i = 1; i <= PACKETS; i++)
		fprintf(f,
			"%s{\"id\":%d,\"start_ns\":%d000,\"fate\":\"dropped\","
			"\"drop_reason\":\"NETFILTER_DROP\",\"drop_reason_code\":7,"
			"\"drop_location\":\"nf_hook_slow_%d+0x%x\",\"events\":["
			"{\"type\":\"nft_rule\",\"func\":\"nft_do_chain\",\"layer\":\"NFT\","
			"\"nft\":{\"family\":\"inet\",\"table\":\"t\",\"chain\":\"in\",\"handle\":%"
			"d,"
			"\"verdict\":\"drop\",\"rule\":\"udp dport %d drop\"}},"
			"{\"t_ns\":100,\"type\":\"drop\",\"func\":\"skb:kfree_skb\",\"layer\":"
			"\"Skb\","
			"\"location\":\"nf_hook_slow_%d+0x%x\"}]}\n",
			i > 1 ? "," : "", i, i, i, i & 0xfff, i, i & 0xffff, i, i & 0xfff);
	fprintf(f, "]}\n");
	return ferror(f) ? -1 : 0;
}

int main(void)
{
	char path[] = "/tmp/skbtop-bench-replay-XXXXXX", err[256];
	struct session_info info = { 0 };
	struct config cfg;
	double t0, parse_s, load_s;
	struct names *n = names__new();
	struct store *s;
	json_error_t jerr;
	struct stat st;
	json_t *root;
	int fd = mkstemp(path), rc = 1;
	FILE *f = fd >= 0 ? fdopen(fd, "w") : NULL;

	if (!f || write_session(f) || fclose(f) || stat(path, &st) || !n ||
	    config__parse(&cfg, NULL, NULL, 0, NULL, NULL, 0, err, sizeof(err))) {
		fprintf(stderr, "bench_replay: could not set up: %s\n", path);
		return 1;
	}
	t0 = cpu_s();
	root = json_load_file(path, JSON_REJECT_DUPLICATES, &jerr);
	parse_s = cpu_s() - t0;
	json_decref(root);
	t0 = cpu_s();
	s = replay__load(path, &cfg, n, &info);
	load_s = cpu_s() - t0;
	if (s) {
		printf("replay: %d packets, %.1f MB, each with its own drop location and rule: "
		       "opened in %.2f s CPU; jansson's parse alone %.2f s (goal: at most %.0fx: "
		       "%s)\n",
		       PACKETS, (double)st.st_size / 1e6, load_s, parse_s, GOAL,
		       load_s <= GOAL * parse_s ? "met" : "NOT met");
		rc = load_s <= GOAL * parse_s ? 0 : 1;
		store__free(s);
		session_info__free(&info);
	}
	unlink(path);
	names__free(n);
	config__free(&cfg);
	return rc;
}
