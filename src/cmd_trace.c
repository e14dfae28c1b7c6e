// SPDX-License-Identifier: GPL-2.0
#include <stdio.h>

#include "cmds.h"

int cmd_trace(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	fprintf(stderr, "skbtop: trace is not built yet\n");
	return 1;
}
