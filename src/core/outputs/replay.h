/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Loads a saved session or journey (export.h's format) into a new store and the given names,
 * which it switches offline: nothing about the running kernel is looked up afterwards.
 */
#ifndef SKBTOP_REPLAY_H
#define SKBTOP_REPLAY_H

#include "core/base/config.h"
#include "core/session/names.h"
#include "core/session/store.h"

/* Larger files are refused before they are read: a saved session of a million packets is ~400 MB.
 */
#define REPLAY_MAX_BYTES (256ull << 20)

struct session_info {
	char *kernel;
	char *backend;
	char *created;
	int version;
	size_t packets; /* journeys in the file */
};

/*
 * Returns a store holding every packet of the file (sized to fit them, at least
 * cfg->max_packets), with the saved statistics; NULL after p_err() naming the file.
 * Probe ids and layer indices are rebuilt from the names; unknown layers map to
 * cfg->unknown_layer. A file larger than REPLAY_MAX_BYTES is refused. info may be NULL; free it
 * with session_info__free.
 */
struct store *replay__load(const char *path, const struct config *cfg, struct names *n,
			   struct session_info *info);
void session_info__free(struct session_info *info);

#endif /* SKBTOP_REPLAY_H */
