// SPDX-License-Identifier: GPL-2.0
#include <stdio.h>

#include "ui/ui.h"

int ui__run(struct store *s, struct names *n, const struct config *cfg, const struct ui_feed *feed)
{
	(void)s;
	(void)n;
	(void)cfg;
	(void)feed;
	fprintf(stderr, "skbtop: the terminal UI is not built yet\n");
	return 1;
}
