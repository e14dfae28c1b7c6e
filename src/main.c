// SPDX-License-Identifier: GPL-2.0
/* skbtop's entry point: a small table of subcommands; anything else is the tracer itself. */
#include <stdio.h>
#include <string.h>

#include <bpf/libbpf.h>
#include <bpf/libbpf_version.h>

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
		/* The headers say what we were built against; a shared libbpf may be newer. */
		printf("skbtop %s\nbuilt with libbpf %d.%d (running %s)\n", SKBTOP_VERSION,
		       LIBBPF_MAJOR_VERSION, LIBBPF_MINOR_VERSION, libbpf_version_string());
		return 0;
	}
	if (argc > 1) {
		for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
			if (!strcmp(argv[1], commands[i].name))
				return commands[i].run(argc - 1, argv + 1);
	}
	return cmd_trace(argc, argv);
}
