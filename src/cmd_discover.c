// SPDX-License-Identifier: GPL-2.0
#include <stdio.h>

#include "cmds.h"

int cmd_discover(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	fprintf(stderr, "skbtop: discover is not built yet\n");
	return 1;
}
