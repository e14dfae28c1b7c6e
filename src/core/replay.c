// SPDX-License-Identifier: GPL-2.0
#include <stdlib.h>

#include "log.h"
#include "replay.h"

struct store *replay__load(const char *path, const struct config *cfg, struct names *n,
			   struct session_info *info)
{
	(void)cfg, (void)n, (void)info;
	p_err("%s: replay is not built yet", path);
	return NULL;
}

void session_info__free(struct session_info *info)
{
	if (!info)
		return;
	free(info->kernel);
	free(info->backend);
	free(info->created);
}
