// SPDX-License-Identifier: GPL-2.0
/* skbtop's entry point: a small table of subcommands; anything else is the tracer itself. */
#include <stdio.h>
#include <string.h>

#include "cmds.h"

static const struct {
	const char *name;
	int (*run)(int argc, char **argv);
} commands[] = {
	{ "discover", cmd_discover },
	{ "replay", cmd_replay },
	{ "trace", cmd_trace },
};

int main(int argc, char **argv)
{
	if (argc > 1 && (!strcmp(argv[1], "--version") || !strcmp(argv[1], "-V"))) {
		printf("skbtop %s\n", SKBTOP_VERSION);
		return 0;
	}
	if (argc > 1) {
		for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
			if (!strcmp(argv[1], commands[i].name))
				return commands[i].run(argc - 1, argv + 1);
	}
	return cmd_trace(argc, argv);
}
