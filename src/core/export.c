// SPDX-License-Identifier: GPL-2.0
#include "export.h"
#include "log.h"

int export__session(const char *path, const struct store *s, struct names *n,
		    const struct config *cfg, const struct export_meta *m)
{
	(void)s, (void)n, (void)cfg, (void)m;
	p_err("%s: saving sessions is not built yet", path);
	return -1;
}

int export__journey(const char *path, const struct store *s, const struct journey *j,
		    struct names *n, const struct config *cfg, const struct export_meta *m)
{
	(void)s, (void)j, (void)n, (void)cfg, (void)m;
	p_err("%s: saving packets is not built yet", path);
	return -1;
}
