// SPDX-License-Identifier: GPL-2.0
/* Saved sessions, as a user would hand one to `skbtop replay`. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

#include "core/base/config.h"
#include "core/session/names.h"
#include "core/outputs/replay.h"
#include "core/session/store.h"

static struct config cfg;
static int fd = -1;
static char path[64];

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct session_info info = { 0 };
	struct names *n;
	struct store *s;
	char err[256];

	if (fd < 0) {
		if (config__parse(&cfg, NULL, NULL, 0, NULL, NULL, 0, err, sizeof(err)))
			abort();
		cfg.max_packets = 1000;
		fd = memfd_create("session", 0);
		if (fd < 0)
			abort();
		snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	}
	if (ftruncate(fd, 0) || pwrite(fd, data, size, 0) != (ssize_t)size)
		abort();
	n = names__new();
	if (!n)
		abort();
	s = replay__load(path, &cfg, n, &info);
	if (s) {
		store__free(s);
		session_info__free(&info);
	}
	names__free(n);
	return 0;
}
